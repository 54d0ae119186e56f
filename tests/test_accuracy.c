/* accuracy: the real pbench binary runs tiny truth workloads under a few
 * profilers (cProfile and pyinstrument, which follow only the main thread;
 * yappi, which follows every thread), then pb_accuracy_write reads them
 * with the real adapters: the truths, the attribution errors and the
 * capability matrix it derives. */
#include <check.h>
#include <dirent.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "analysis/accuracy.h"
#include "testutil.h"

/* Shared by the core tests: made once by the unchecked fixture. */
static char *tmp;
static char rdir[4096];
static char setup_error[8192];
static json_t *acc;

static void run_once(void)
{
    char text[8192], cfg[4096], res[4096], *out = NULL;
    struct pb_error err;

    setup_error[0] = '\0';
    tmp = tu_mkdtemp();
    if (!tmp) {
        snprintf(setup_error, sizeof setup_error, "cannot make a temp dir");
        return;
    }
    snprintf(text, sizeof text,
        "name: acc\n"
        "include: [%s/configs/profilers.yaml]\n"
        "python: %s\n"
        "defaults: {runs: 2, warmup: 0, timeout: 120, seed: 5}\n"
        "workloads:\n"
        "  - name: split_30\n"
        "    script: %s/workloads/truth_split.py\n"
        "    args: [\"--size\", \"600\", \"--split\", \"0.3\", \"--truth-out\", \"-\"]\n"
        "    hot: [inline_part, helper_part]\n"
        "  - name: split_70\n"
        "    script: %s/workloads/truth_split.py\n"
        "    args: [\"--size\", \"600\", \"--split\", \"0.7\", \"--truth-out\", \"-\"]\n"
        "    hot: [inline_part, helper_part]\n"
        "  - name: threads\n"
        "    script: %s/workloads/truth_threads.py\n"
        "    args: [\"--size\", \"600\", \"--truth-out\", \"-\"]\n"
        "    hot: [main_part, thread_part]\n"
        "select:\n"
        "  profilers: [plain, cProfile, pyinstrument, yappi_cpu]\n",
        PB_SOURCE_DIR, tu_python(), PB_SOURCE_DIR, PB_SOURCE_DIR, PB_SOURCE_DIR);
    free(tu_write_file(tmp, "acc.yaml", text));
    snprintf(cfg, sizeof cfg, "%s/acc.yaml", tmp);
    snprintf(res, sizeof res, "%s/results", tmp);
    char *argv[] = { PB_BINARY, "run", cfg, "-o", res, "--no-plot", NULL };
    int rc = tu_run(argv, &out);
    if (rc != 0) {
        snprintf(setup_error, sizeof setup_error, "pbench run exited %d:\n%s", rc, out ? out : "");
        free(out);
        return;
    }
    free(out);
    DIR *d = opendir(res);
    struct dirent *e;
    rdir[0] = '\0';
    while (d && (e = readdir(d)))
        if (e->d_name[0] != '.')
            snprintf(rdir, sizeof rdir, "%s/%s", res, e->d_name);
    if (d)
        closedir(d);
    if (pb_accuracy_write(rdir, NULL, &acc, &err) < 0)
        snprintf(setup_error, sizeof setup_error, "pb_accuracy_write: %s", err.msg);
}

static void cleanup_once(void)
{
    json_decref(acc);
    acc = NULL;
    if (tmp)
        tu_rmtree(tmp);
    free(tmp);
    tmp = NULL;
}

static void require_setup(void)
{
    ck_assert_msg(!setup_error[0], "%s", setup_error);
    ck_assert_ptr_nonnull(acc);
}

static json_t *cap(const char *profiler, const char *column)
{
    size_t i;
    json_t *row;
    json_array_foreach(json_object_get(json_object_get(acc, "capabilities"), "rows"), i, row)
        if (!strcmp(json_string_value(json_object_get(row, "profiler")), profiler))
            return json_object_get(json_object_get(row, "cells"), column);
    ck_abort_msg("no capability row for %s", profiler);
    return NULL;
}

static const char *cap_value(const char *profiler, const char *column)
{
    return json_string_value(json_object_get(cap(profiler, column), "value"));
}

START_TEST(split_truth_sums_to_100)
{
    require_setup();
    const char *ws[] = { "split_30", "split_70", NULL };
    for (int k = 0; ws[k]; k++) {
        json_t *t = json_object_get(json_object_get(acc, "truths"), ws[k]), *v;
        size_t i;
        ck_assert_ptr_nonnull(t);
        ck_assert_str_eq(json_string_value(json_object_get(t, "kind")), "cpu_split");
        /* the parts' measured times account for the measured section */
        ck_assert_int_eq(json_array_size(json_object_get(t, "share_sums")), 2);
        json_array_foreach(json_object_get(t, "share_sums"), i, v)
            ck_assert_msg(fabs(json_number_value(v) - 1.0) <= 0.01,
                          "%s: true shares sum to %.2f%%", ws[k], json_number_value(v) * 100);
        double sum = 0;
        json_array_foreach(json_object_get(t, "parts"), i, v)
            sum += json_number_value(json_object_get(v, "share"));
        ck_assert_msg(fabs(sum - 1.0) < 1e-9, "normalized shares sum to %f", sum);
    }
    /* the split asked for shows in the truth, roughly */
    double s30 = json_number_value(json_object_get(
        json_object_get(json_object_get(acc, "truths"), "split_30"), "focus_share"));
    double s70 = json_number_value(json_object_get(
        json_object_get(json_object_get(acc, "truths"), "split_70"), "focus_share"));
    ck_assert_msg(s30 > 0.1 && s30 < 0.5 && s70 > 0.5 && s70 < 0.9, "shares %.2f %.2f", s30, s70);
}
END_TEST

START_TEST(threads_seen_or_not)
{
    require_setup();
    /* cProfile and pyinstrument follow only the main thread */
    ck_assert_str_eq(cap_value("cProfile", "threads"), "no");
    ck_assert_str_eq(cap_value("pyinstrument", "threads"), "no");
    /* yappi follows every thread */
    ck_assert_str_eq(cap_value("yappi_cpu", "threads"), "yes");
    /* each cell names the run that decided it */
    json_t *by = json_object_get(cap("yappi_cpu", "threads"), "decided_by");
    ck_assert_str_eq(json_string_value(json_object_get(by, "workload")), "threads");
    char p[8192];
    snprintf(p, sizeof p, "%s/%s", rdir, json_string_value(json_object_get(by, "raw_dir")));
    ck_assert_msg(access(p, R_OK) == 0, "decided_by names a missing run dir %s", p);
    snprintf(p, sizeof p, "%s/%s", rdir, json_string_value(json_object_get(by, "attribution")));
    ck_assert_msg(access(p, R_OK) == 0, "decided_by names a missing attribution %s", p);
}
END_TEST

START_TEST(unprobed_is_not_a_checkmark)
{
    require_setup();
    /* no subprocess, native or memory truth workload ran */
    const char *cols[] = { "multiprocessing", "python_vs_native", "memory", NULL };
    for (int k = 0; cols[k]; k++) {
        ck_assert_str_eq(cap_value("cProfile", cols[k]), "not probed");
        ck_assert(json_is_null(json_object_get(cap("cProfile", cols[k]), "decided_by")));
    }
}
END_TEST

START_TEST(format_limits_say_so)
{
    require_setup();
    /* pstats has no lines: the cell says it is the format */
    ck_assert_str_eq(cap_value("cProfile", "lines"), "no");
    ck_assert_ptr_nonnull(strstr(json_string_value(json_object_get(cap("cProfile", "lines"), "why")),
                                 "pstats"));
    ck_assert_str_eq(cap_value("pyinstrument", "lines"), "yes");
    ck_assert_str_eq(cap_value("cProfile", "functions"), "yes");
    ck_assert_str_eq(cap_value("cProfile", "unmodified_code"), "yes");
}
END_TEST

START_TEST(has_truths)
{
    require_setup();
    ck_assert_int_eq(pb_accuracy_has_truths(rdir), 1);
    ck_assert_int_eq(pb_accuracy_has_truths(PB_FIXTURES_DIR "/results-small"), 0);
    ck_assert_int_eq(pb_accuracy_has_truths("/nonexistent/results"), 0);
}
END_TEST

START_TEST(cpu_errors_per_split)
{
    require_setup();
    size_t i;
    json_t *row;
    int seen = 0;
    json_array_foreach(json_object_get(acc, "cpu"), i, row) {
        const char *p = json_string_value(json_object_get(row, "profiler"));
        json_t *mean = json_object_get(row, "mean_error_pp");
        ck_assert_msg(json_is_number(mean), "%s has no mean CPU error", p);
        ck_assert(json_number_value(mean) >= 0 && json_number_value(mean) <= 100);
        ck_assert_int_eq(json_array_size(json_object_get(row, "splits")), 2);
        seen++;
    }
    ck_assert_int_eq(seen, 3);      /* every profiler but the baseline */
    /* the accuracy.json on disk is what came back */
    char p[8192];
    json_error_t jerr;
    snprintf(p, sizeof p, "%s/accuracy.json", rdir);
    json_t *disk = json_load_file(p, 0, &jerr);
    ck_assert_ptr_nonnull(disk);
    ck_assert_str_eq(json_string_value(json_object_get(disk, "schema")), "pbench-accuracy/1");
    json_decref(disk);
}
END_TEST

START_TEST(markdown_section)
{
    require_setup();
    char *text = NULL;
    size_t len = 0;
    struct pb_error err;
    FILE *f = open_memstream(&text, &len);
    ck_assert_int_eq(pb_accuracy_markdown(f, rdir, "", "plots/accuracy.png", &err), 0);
    fclose(f);
    ck_assert_ptr_nonnull(strstr(text, "## Accuracy"));
    ck_assert_ptr_nonnull(strstr(text, "![reported vs true share](plots/accuracy.png)"));
    ck_assert_ptr_nonnull(strstr(text, "| cProfile |"));
    /* a capability cell links the run that decided it, with the reason */
    ck_assert_msg(strstr(text, "[yes](raw/threads/yappi_cpu/"), "%s", text);
    ck_assert_ptr_nonnull(strstr(text, "not probed"));
    free(text);
    /* no accuracy.json: nothing written, 1 */
    f = open_memstream(&text, &len);
    ck_assert_int_eq(pb_accuracy_markdown(f, PB_FIXTURES_DIR "/results-small", "", NULL, &err), 1);
    fclose(f);
    ck_assert_int_eq(len, 0);
    free(text);
}
END_TEST

START_TEST(cmd_usage_and_errors)
{
    char *a1[] = { "accuracy", NULL };
    ck_assert_int_eq(pb_accuracy_cmd(1, a1), 2);
    char *a2[] = { "accuracy", "/nonexistent/results", NULL };
    ck_assert_int_eq(pb_accuracy_cmd(2, a2), 1);
}
END_TEST

START_TEST(no_truth_is_an_error)
{
    struct pb_error err;
    json_t *out = NULL;
    /* an overhead run has no truth workloads */
    ck_assert_int_eq(pb_accuracy_compute(PB_FIXTURES_DIR "/results-small", NULL, &out, &err), -1);
    ck_assert_ptr_null(out);
    ck_assert_msg(strstr(err.msg, "no plain run printed a truth"), "%s", err.msg);
    ck_assert_int_eq(pb_accuracy_compute("/nonexistent/results", NULL, &out, &err), -1);
    ck_assert_msg(strstr(err.msg, "config-resolved.json"), "%s", err.msg);
}
END_TEST

START_TEST(missing_adapter_is_an_error)
{
    struct pb_accuracy_opts o;
    struct pb_error err;
    json_t *out = NULL;
    pb_accuracy_opts_init(&o);
    o.adapter = "/nonexistent/adapt.py";
    ck_assert_int_eq(pb_accuracy_compute(PB_FIXTURES_DIR "/results-small", &o, &out, &err), -1);
    ck_assert_msg(strstr(err.msg, "/nonexistent/adapt.py"), "%s", err.msg);
}
END_TEST

Suite *accuracy_suite(void)
{
    Suite *s = suite_create("accuracy");
    TCase *core = tcase_create("core");
    tcase_add_unchecked_fixture(core, run_once, cleanup_once);
    tcase_set_timeout(core, 300);
    tcase_add_test(core, split_truth_sums_to_100);
    tcase_add_test(core, threads_seen_or_not);
    tcase_add_test(core, unprobed_is_not_a_checkmark);
    tcase_add_test(core, format_limits_say_so);
    tcase_add_test(core, cpu_errors_per_split);
    tcase_add_test(core, has_truths);
    tcase_add_test(core, markdown_section);
    suite_add_tcase(s, core);

    TCase *errors = tcase_create("errors");
    tcase_add_test(errors, cmd_usage_and_errors);
    tcase_add_test(errors, no_truth_is_an_error);
    tcase_add_test(errors, missing_adapter_is_an_error);
    suite_add_tcase(s, errors);
    return s;
}
