/* results: run records round-trip through runs.jsonl; a torn last line is
 * skipped with a warning; atomic files; mkdir -p. */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "store/records.h"
#include "util/fs.h"
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

static struct pb_run_record sample(size_t seq, int round, const char *w, const char *p,
                                   enum pb_run_status st)
{
    struct pb_run_record r;
    memset(&r, 0, sizeof r);
    r.seq = seq;
    r.round = round;
    snprintf(r.workload, sizeof r.workload, "%s", w);
    snprintf(r.profiler, sizeof r.profiler, "%s", p);
    r.status = st;
    r.exit_code = st == PB_RUN_OK ? 0 : 139;
    r.signal = st == PB_RUN_OK ? 0 : 11;
    r.wall_s = 1.234567891;
    r.user_s = 1.1;
    r.sys_s = 0.05;
    r.maxrss_kb = 20480;
    r.tree_peak_rss_kb = 40960;
    snprintf(r.outdir, sizeof r.outdir, "raw/%s/%s/%d", w, p, round);
    snprintf(r.started, sizeof r.started, "2026-11-25T19:00:00Z");
    if (st != PB_RUN_OK)
        snprintf(r.error, sizeof r.error, "killed by signal 11 (Segmentation fault): \"quoted\"\nnewline");
    return r;
}

START_TEST(round_trip)
{
    struct pb_error err;
    struct pb_run_list list;
    int fd = pb_records_open_log(dir, &err);
    ck_assert_int_ge(fd, 0);
    struct pb_run_record a = sample(0, -1, "julia", "plain", PB_RUN_OK);
    struct pb_run_record b = sample(1, 0, "julia", "cProfile", PB_RUN_FAILED);
    ck_assert_int_eq(pb_records_append(fd, &a, &err), 0);
    ck_assert_int_eq(pb_records_append(fd, &b, &err), 0);
    close(fd);

    ck_assert_int_eq(pb_records_read(dir, 0, &list, &err), 0);
    ck_assert_uint_eq(list.n, 2);
    ck_assert_uint_eq(list.skipped_lines, 0);
    ck_assert_int_eq(list.items[0].round, -1);
    ck_assert_str_eq(list.items[0].workload, "julia");
    ck_assert(fabs(list.items[0].wall_s - a.wall_s) < 1e-11);   /* 12 significant digits kept */
    ck_assert_int_eq(list.items[0].tree_peak_rss_kb, 40960);
    ck_assert_int_eq(list.items[1].status, PB_RUN_FAILED);
    ck_assert_int_eq(list.items[1].exit_code, 139);
    ck_assert_int_eq(list.items[1].signal, 11);
    ck_assert_str_eq(list.items[1].error, b.error);
    ck_assert_str_eq(list.items[1].outdir, "raw/julia/cProfile/0");
    pb_records_release(&list);

    /* every record is exactly one line */
    char path[4096];
    snprintf(path, sizeof path, "%s/runs.jsonl", dir);
    char *text = tu_read_file(path);
    int lines = 0;
    for (char *c = text; *c; c++)
        lines += *c == '\n';
    ck_assert_int_eq(lines, 2);
    ck_assert_ptr_nonnull(strstr(text, "\"warmup\": true") ? text : strstr(text, "\"warmup\":true"));
    free(text);
}
END_TEST

START_TEST(torn_last_line_is_skipped_with_warning)
{
    struct pb_error err;
    struct pb_run_list list;
    int fd = pb_records_open_log(dir, &err);
    struct pb_run_record a = sample(0, 0, "w", "plain", PB_RUN_OK);
    pb_records_append(fd, &a, &err);
    pb_records_append(fd, &a, &err);
    ck_assert_int_eq(write(fd, "{\"seq\": 2, \"round\": 0, \"work", 29), 29);
    close(fd);
    ck_assert_int_eq(pb_records_read(dir, 0, &list, &err), 0);
    ck_assert_uint_eq(list.n, 2);
    ck_assert_uint_eq(list.skipped_lines, 1);
    ck_assert_ptr_nonnull(strstr(list.warning, "runs.jsonl:3: ignored a torn last line"));
    pb_records_release(&list);
}
END_TEST

START_TEST(reopening_repairs_a_torn_line_and_locks)
{
    struct pb_error err;
    struct pb_run_list list;
    int fd = pb_records_open_log(dir, &err);
    struct pb_run_record a = sample(0, 0, "w", "plain", PB_RUN_OK);
    pb_records_append(fd, &a, &err);
    ck_assert_int_eq(write(fd, "{\"seq\": 1, \"rou", 16), 16);   /* a crash mid-write */
    close(fd);
    fd = pb_records_open_log(dir, &err);
    ck_assert_int_ge(fd, 0);
    /* a second writer is refused while the first holds the log */
    ck_assert_int_eq(pb_records_open_log(dir, &err), -1);
    ck_assert_ptr_nonnull(strstr(err.msg, "in use by another pbench run"));
    a.seq = 2;
    ck_assert_int_eq(pb_records_append(fd, &a, &err), 0);
    close(fd);
    ck_assert_int_eq(pb_records_read(dir, 0, &list, &err), 0);
    ck_assert_uint_eq(list.n, 2);               /* the new record was not swallowed */
    ck_assert_uint_eq(list.skipped_lines, 0);
    ck_assert_uint_eq(list.items[1].seq, 2);
    pb_records_release(&list);
}
END_TEST

START_TEST(garbage_lines_are_skipped)
{
    struct pb_error err;
    struct pb_run_list list;
    free(tu_write_file(dir, "runs.jsonl", "not json\n{\"a\": 1}\n\n"));
    ck_assert_int_eq(pb_records_read(dir, 0, &list, &err), 0);
    ck_assert_uint_eq(list.n, 0);
    ck_assert_uint_eq(list.skipped_lines, 2);
    pb_records_release(&list);
}
END_TEST

START_TEST(missing_log)
{
    struct pb_error err;
    struct pb_run_list list;
    ck_assert_int_eq(pb_records_read(dir, 1, &list, &err), 0);
    ck_assert_uint_eq(list.n, 0);
    ck_assert_int_eq(pb_records_read(dir, 0, &list, &err), -1);
    ck_assert_ptr_nonnull(strstr(err.msg, "runs.jsonl"));
    ck_assert_ptr_nonnull(strstr(err.msg, "No such file"));
}
END_TEST

START_TEST(status_names_round_trip)
{
    for (int s = 0; s < PB_RUN_STATUS_COUNT; s++)
        ck_assert_int_eq(pb_run_status_parse(pb_run_status_name(s)), s);
    ck_assert_int_eq(pb_run_status_parse("bogus"), -1);
}
END_TEST

START_TEST(write_file_and_mkdirs)
{
    struct pb_error err;
    char path[4096];
    snprintf(path, sizeof path, "%s/a/b/c", dir);
    ck_assert_int_eq(pb_mkdirs(path, &err), 0);
    ck_assert_int_eq(pb_mkdirs(path, &err), 0);      /* idempotent */
    ck_assert_int_eq(pb_write_file(path, "x.txt", "hello", 5, &err), 0);
    snprintf(path, sizeof path, "%s/a/b/c/x.txt", dir);
    char *t = tu_read_file(path);
    ck_assert_str_eq(t, "hello");
    free(t);
    /* a file in the way */
    snprintf(path, sizeof path, "%s/a/b/c/x.txt/sub", dir);
    ck_assert_int_eq(pb_mkdirs(path, &err), -1);
    ck_assert_ptr_nonnull(strstr(err.msg, "cannot create directory"));
    /* an unwritable place */
    if (geteuid() != 0) {
        ck_assert_int_eq(pb_write_file("/proc", "x", "a", 1, &err), -1);
    }
    ck_assert_int_eq(pb_write_file("/nonexistent-dir", "x", "a", 1, &err), -1);
    ck_assert_ptr_nonnull(strstr(err.msg, "cannot write '/nonexistent-dir/x'"));
}
END_TEST

Suite *records_suite(void)
{
    Suite *s = suite_create("results");
    TCase *core = tcase_create("core");
    TCase *errors = tcase_create("errors");

    tcase_add_checked_fixture(core, setup, teardown);
    tcase_add_checked_fixture(errors, setup, teardown);
    tcase_add_test(core, round_trip);
    tcase_add_test(core, status_names_round_trip);
    tcase_add_test(core, write_file_and_mkdirs);
    tcase_add_test(errors, torn_last_line_is_skipped_with_warning);
    tcase_add_test(errors, garbage_lines_are_skipped);
    tcase_add_test(errors, reopening_repairs_a_torn_line_and_locks);
    tcase_add_test(errors, missing_log);
    suite_add_tcase(s, core);
    suite_add_tcase(s, errors);
    return s;
}
