/* calibration: calibration.json saved and read back as it was; no file
 * reads as nothing calibrated; every kind of malformed file (results
 * directories may come from anyone) is a located error, never a crash. */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "store/calibration.h"
#include "testutil.h"

static char *dir;

static void setup(void)
{
    dir = tu_mkdtemp();
    ck_assert_ptr_nonnull(dir);
}

static void teardown(void)
{
    tu_rmtree(dir);
    free(dir);
}

START_TEST(saved_and_read_back)
{
    struct pb_calibration c = { 0 }, back;
    struct pb_error err;

    ck_assert_int_eq(pb_calibration_load(dir, &back, &err), 1);     /* none yet */
    ck_assert_uint_eq(back.n, 0);
    struct pb_calibration_entry *e = pb_calibration_add(&c, "rich@0.5s@py3.12", "/v/bin/python", 0.5);
    ck_assert_ptr_nonnull(e);
    e->points[e->npoints++] = (struct pb_calibration_point){ 1, 0.133 };
    e->points[e->npoints++] = (struct pb_calibration_point){ 8, 0.364 };
    e->count = 12;
    e->startup_s = 0.1;
    e->per_count_s = 0.033;
    e->predicted_s = 0.496;
    e = pb_calibration_add(&c, "broken", NULL, 10);
    ck_assert_ptr_nonnull(e);
    e->points[e->npoints++] = (struct pb_calibration_point){ 1, 0.02 };
    ck_assert_int_eq(pb_calibration_fail(e, "its plain run with the count 1: exit code 3: boom"), 0);
    ck_assert_int_eq(pb_calibration_save(dir, &c, &err), 0);

    ck_assert_msg(pb_calibration_load(dir, &back, &err) == 0, "%s", err.msg);
    ck_assert_uint_eq(back.n, 2);
    const struct pb_calibration_entry *r = pb_calibration_find(&back, "rich@0.5s@py3.12");
    ck_assert_ptr_nonnull(r);
    ck_assert_str_eq(r->python, "/v/bin/python");
    ck_assert(r->target_s == 0.5);
    ck_assert_int_eq(r->count, 12);
    ck_assert(fabs(r->startup_s - 0.1) < 1e-9 && fabs(r->per_count_s - 0.033) < 1e-9);
    ck_assert(fabs(r->predicted_s - 0.496) < 1e-9);
    ck_assert_uint_eq(r->npoints, 2);
    ck_assert_int_eq(r->points[1].count, 8);
    ck_assert(fabs(r->points[1].wall_s - 0.364) < 1e-9);
    ck_assert_ptr_null(r->error);
    r = pb_calibration_find(&back, "broken");
    ck_assert_ptr_nonnull(r);
    ck_assert_int_eq(r->count, 0);
    ck_assert_ptr_null(r->python);
    ck_assert(isnan(r->startup_s) && isnan(r->predicted_s));
    ck_assert_str_eq(r->error, "its plain run with the count 1: exit code 3: boom");
    ck_assert_ptr_null(pb_calibration_find(&back, "other"));
    char path[4096];
    snprintf(path, sizeof path, "%s/calibration.json", dir);
    char *text = tu_read_file(path);
    ck_assert_ptr_nonnull(strstr(text, "\"format\": \"pbench-calibration/1\""));
    free(text);
    pb_calibration_release(&back);
    pb_calibration_release(&c);
}
END_TEST

/* Loading dir with calibration.json holding text fails with an error
 * holding needle (and, when line > 0, located at line:col). */
static void refused(const char *text, const char *needle, int line, int col)
{
    struct pb_calibration c;
    struct pb_error err;

    free(tu_write_file(dir, "calibration.json", text));
    pb_error_clear(&err);
    ck_assert_int_eq(pb_calibration_load(dir, &c, &err), -1);
    ck_assert_uint_eq(c.n, 0);
    ck_assert_ptr_null(c.entries);
    ck_assert_msg(strstr(err.msg, needle), "'%s': got '%s', expected '%s'", text, err.msg, needle);
    ck_assert_msg(strstr(err.file, "calibration.json"), "no file in the error: %s", err.file);
    if (line > 0) {
        ck_assert_int_eq(err.line, line);
        ck_assert_int_eq(err.col, col);
    }
}

#define W(x) "{\"format\": \"pbench-calibration/1\", \"workloads\": [" x "]}"
#define OK_ENTRY "{\"workload\": \"a\", \"target_s\": 1, \"count\": 5}"

START_TEST(malformed_files_are_located_errors)
{
    refused("{\"workloads\": [\n  {\"workload\": \"a\",,}]}", "invalid JSON", 2, 20);
    refused("[1, 2]", "expected a JSON object at the top level", 0, 0);
    refused("{\"format\": \"pbench-calibration/9\", \"workloads\": []}",
            "format 'pbench-calibration/9' is not one this pbench reads", 0, 0);
    refused("{\"format\": \"pbench-calibration/1\"}", "workloads", 0, 0);
    refused("{\"format\": \"pbench-calibration/1\", \"workloads\": {}}", "workloads", 0, 0);
    refused(W("7"), "workloads[0]: expected an object", 0, 0);
    refused(W("{\"target_s\": 1, \"count\": 5}"), "workloads[0]", 0, 0);
    refused(W("{\"workload\": \"../../etc\", \"target_s\": 1, \"count\": 5}"),
            "workloads[0].workload: '../../etc' is not a workload name", 0, 0);
    refused(W("{\"workload\": \"\", \"target_s\": 1, \"count\": 5}"), "is not a workload name", 0, 0);
    refused(W("{\"workload\": 3, \"target_s\": 1, \"count\": 5}"), "workloads[0]", 0, 0);
    refused(W("{\"workload\": \"a\", \"target_s\": 0, \"count\": 5}"), "target_s", 0, 0);
    refused(W("{\"workload\": \"a\", \"target_s\": -1, \"count\": 5}"), "target_s", 0, 0);
    refused(W("{\"workload\": \"a\", \"target_s\": \"1\", \"count\": 5}"), "target_s", 0, 0);
    refused(W("{\"workload\": \"a\", \"target_s\": 1, \"count\": -5}"), "count", 0, 0);
    refused(W("{\"workload\": \"a\", \"target_s\": 1, \"count\": 2.5}"), "count", 0, 0);
    refused(W("{\"workload\": \"a\", \"target_s\": 1, \"count\": 1e300}"), "count", 0, 0);
    refused(W("{\"workload\": \"a\", \"target_s\": 1, \"count\": 99999999999999999}"), "count", 0, 0);
    refused(W("{\"workload\": \"a\", \"target_s\": 1}"), "neither a 'count' nor an 'error'", 0, 0);
    refused(W(OK_ENTRY ", " OK_ENTRY), "workloads[1].workload: 'a' is listed twice", 0, 0);
    refused(W("{\"workload\": \"a\", \"target_s\": 1, \"count\": 5, \"points\": 3}"), "points", 0, 0);
    refused(W("{\"workload\": \"a\", \"target_s\": 1, \"count\": 5, \"points\": [{\"count\": 0, \"wall_s\": 1}]}"),
            "workloads[0].points[0].count", 0, 0);
    refused(W("{\"workload\": \"a\", \"target_s\": 1, \"count\": 5, \"points\": [{\"count\": 1, \"wall_s\": -1}]}"),
            "workloads[0].points[0].wall_s", 0, 0);
    refused(W("{\"workload\": \"a\", \"target_s\": 1, \"count\": 5, \"points\": [{\"count\": 1}]}"),
            "workloads[0].points[0]", 0, 0);
    refused(W("{\"workload\": \"a\", \"target_s\": 1, \"count\": 5, \"points\": [7]}"),
            "points[0]: expected an object", 0, 0);
    refused(W("{\"workload\": \"a\", \"target_s\": 1, \"count\": 5, \"error\": 7}"), "error", 0, 0);
    refused(W("{\"workload\": \"a\", \"target_s\": 1, \"count\": 5, \"per_count_s\": -2}"),
            "per_count_s", 0, 0);

    /* more points than any calibration makes */
    char big[16384];
    snprintf(big, sizeof big, "%s", "{\"workloads\": [{\"workload\": \"a\", \"target_s\": 1, \"count\": 5, \"points\": [");
    for (int i = 0; i <= PB_CALIBRATION_MAX_POINTS; i++)
        snprintf(big + strlen(big), sizeof big - strlen(big), "%s{\"count\": 1, \"wall_s\": 1}", i ? "," : "");
    snprintf(big + strlen(big), sizeof big - strlen(big), "]}]}");
    refused(big, "more than 64 points", 0, 0);
}
END_TEST

START_TEST(planted_files_are_refused)
{
    struct pb_calibration c;
    struct pb_error err;
    char path[4096], target[4096];

    /* a symbolic link is not followed */
    free(tu_write_file(dir, "elsewhere.json", W(OK_ENTRY)));
    snprintf(target, sizeof target, "%s/elsewhere.json", dir);
    snprintf(path, sizeof path, "%s/calibration.json", dir);
    ck_assert_int_eq(symlink(target, path), 0);
    ck_assert_int_eq(pb_calibration_load(dir, &c, &err), -1);
    ck_assert_ptr_nonnull(strstr(err.msg, "symbolic link"));
    unlink(path);
    /* a directory in its place */
    ck_assert_int_eq(mkdir(path, 0755), 0);
    ck_assert_int_eq(pb_calibration_load(dir, &c, &err), -1);
    ck_assert_ptr_nonnull(strstr(err.msg, "is a directory"));
    rmdir(path);
    /* and a good one loads */
    free(tu_write_file(dir, "calibration.json", W(OK_ENTRY)));
    ck_assert_int_eq(pb_calibration_load(dir, &c, &err), 0);
    ck_assert_uint_eq(c.n, 1);
    ck_assert_int_eq(c.entries[0].count, 5);
    pb_calibration_release(&c);
}
END_TEST

Suite *calibration_suite(void)
{
    Suite *s = suite_create("calibration");
    TCase *core = tcase_create("core");
    TCase *errors = tcase_create("errors");

    tcase_add_checked_fixture(core, setup, teardown);
    tcase_add_checked_fixture(errors, setup, teardown);
    tcase_add_test(core, saved_and_read_back);
    tcase_add_test(errors, malformed_files_are_located_errors);
    tcase_add_test(errors, planted_files_are_refused);
    suite_add_tcase(s, core);
    suite_add_tcase(s, errors);
    return s;
}
