/* aggregate: run records -> summary figures (ratios, intervals, statuses,
 * lower bounds, geometric means) and the summary files. */
#include <check.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "analysis/aggregate.h"
#include "store/records.h"
#include "testutil.h"

static char *dir;

static void add(int fd, int round, const char *w, const char *p, enum pb_run_status st,
                double wall, double cpu, long rss)
{
    struct pb_run_record r;
    struct pb_error err;
    static size_t seq;
    memset(&r, 0, sizeof r);
    r.seq = seq++;
    r.round = round;
    snprintf(r.workload, sizeof r.workload, "%s", w);
    snprintf(r.profiler, sizeof r.profiler, "%s", p);
    r.status = st;
    r.wall_s = wall;
    r.user_s = cpu;
    r.tree_peak_rss_kb = rss;
    r.maxrss_kb = rss;
    if (st != PB_RUN_OK)
        snprintf(r.error, sizeof r.error, st == PB_RUN_TIMEOUT ? "timed out after 10 s" : "exit code 1: boom");
    ck_assert_int_eq(pb_records_append(fd, &r, &err), 0);
}

static void setup(void)
{
    struct pb_error err;
    dir = tu_mkdtemp();
    free(tu_write_file(dir, "meta.json", "{\"pbench_version\": \"test\"}\n"));
    free(tu_write_file(dir, "config-resolved.json",
        "{\"baseline\": \"plain\", \"seed\": 5,\n"
        " \"profilers\": [{\"name\": \"plain\"}, {\"name\": \"double\"}, {\"name\": \"broken\"}, {\"name\": \"hang\"}],\n"
        " \"pairs\": [\n"
        "  {\"workload\": \"a\", \"profiler\": \"plain\", \"runs\": 3, \"timeout_s\": 10},\n"
        "  {\"workload\": \"a\", \"profiler\": \"double\", \"runs\": 3, \"timeout_s\": 10},\n"
        "  {\"workload\": \"a\", \"profiler\": \"broken\", \"runs\": 3, \"timeout_s\": 10},\n"
        "  {\"workload\": \"a\", \"profiler\": \"hang\", \"runs\": 3, \"timeout_s\": 10},\n"
        "  {\"workload\": \"b\", \"profiler\": \"plain\", \"runs\": 3, \"timeout_s\": 10},\n"
        "  {\"workload\": \"b\", \"profiler\": \"double\", \"runs\": 3, \"timeout_s\": 10},\n"
        "  {\"workload\": \"b\", \"profiler\": \"broken\", \"runs\": 3, \"timeout_s\": 10},\n"
        "  {\"workload\": \"b\", \"profiler\": \"hang\", \"runs\": 3, \"timeout_s\": 10},\n"
        "  {\"workload\": \"b\", \"profiler\": \"warmhang\", \"runs\": 3, \"timeout_s\": 10}]}\n"));
    int fd = pb_records_open_log(dir, &err);
    ck_assert_int_ge(fd, 0);
    /* a warm-up that must be ignored */
    add(fd, -1, "a", "plain", PB_RUN_OK, 100, 100, 1);
    for (int r = 0; r < 3; r++) {
        add(fd, r, "a", "plain", PB_RUN_OK, 1.0 + 0.01 * r, 0.9, 10000);
        add(fd, r, "a", "double", PB_RUN_OK, 2.0 + 0.02 * r, 1.8 * 2, 30000);
        add(fd, r, "b", "plain", PB_RUN_OK, 0.5, 0.5, 10000);
        add(fd, r, "b", "double", PB_RUN_OK, 4.0, 4.0, 10000);   /* 8x */
        add(fd, r, "a", "broken", PB_RUN_FAILED, 0.1, 0.1, 100);
        add(fd, r, "b", "broken", r == 0 ? PB_RUN_OK : PB_RUN_FAILED, 1.0, 1.0, 10000);
    }
    add(fd, 0, "a", "hang", PB_RUN_TIMEOUT, 10.0, 10.0, 10000);
    add(fd, 1, "a", "hang", PB_RUN_SKIPPED, 0, 0, 0);
    /* timed out in its warm-up run: every measured run skipped */
    add(fd, -1, "b", "warmhang", PB_RUN_TIMEOUT, 10.0, 10.0, 10000);
    for (int r = 0; r < 3; r++)
        add(fd, r, "b", "warmhang", PB_RUN_SKIPPED, 0, 0, 0);
    close(fd);
}

static void teardown(void)
{
    tu_rmtree(dir);
    free(dir);
}

static const struct pb_pair *pair(const struct pb_summary *sum, const char *w, const char *p)
{
    const struct pb_pair *x = pb_summary_pair(sum, w, p);
    ck_assert_msg(x != NULL, "no pair %s x %s", w, p);
    return x;
}

static const struct pb_profiler_summary *prof(const struct pb_summary *sum, const char *p)
{
    for (size_t i = 0; i < sum->nprofilers; i++)
        if (!strcmp(sum->profilers[i].name, p))
            return &sum->profilers[i];
    ck_abort_msg("no profiler %s", p);
    return NULL;
}

START_TEST(figures)
{
    struct pb_summary *sum;
    struct pb_error err;
    char warning[512];

    ck_assert_int_eq(pb_aggregate_dir(dir, &sum, warning, &err), 0);
    /* the baseline normalizes to exactly 1.0 */
    ck_assert(pair(sum, "a", "plain")->wall.value == 1.0);
    ck_assert_str_eq(pb_pair_status_name(pair(sum, "a", "plain")->status), "ok");
    ck_assert_int_eq(pair(sum, "a", "plain")->runs, 3);
    /* 2.02 / 1.01 = 2 */
    const struct pb_pair *ad = pair(sum, "a", "double");
    ck_assert(fabs(ad->wall.value - 2.0) < 1e-9);
    ck_assert(ad->wall.lo <= 2.0 && ad->wall.hi >= 2.0);
    ck_assert(fabs(ad->cpu.value - 4.0) < 1e-9);
    ck_assert(fabs(ad->mem.value - 3.0) < 1e-9);
    /* geometric mean of 2x and 8x is 4x */
    ck_assert(fabs(prof(sum, "double")->wall.value - 4.0) < 1e-9);
    ck_assert_int_eq(prof(sum, "double")->workloads_ok, 2);
    /* failures */
    const struct pb_pair *ab = pair(sum, "a", "broken");
    ck_assert_str_eq(pb_pair_status_name(ab->status), "failed");
    ck_assert_int_eq(ab->failures, 3);
    ck_assert_str_eq(ab->failure_reason, "exit code 1: boom");
    ck_assert(!pb_ratio_known(&ab->wall));
    ck_assert_str_eq(pb_pair_status_name(pair(sum, "b", "broken")->status), "partial");
    ck_assert_int_eq(prof(sum, "broken")->workloads_failed, 1);
    /* a timeout is a lower bound: timeout / plain median = 10 / 1.01 */
    const struct pb_pair *ah = pair(sum, "a", "hang");
    ck_assert_str_eq(pb_pair_status_name(ah->status), "timeout");
    ck_assert(ah->lower_bound);
    ck_assert(fabs(ah->wall.value - 10.0 / 1.01) < 1e-9);
    ck_assert_int_eq(ah->skipped, 1);
    /* its mean takes the lower bound in, and says so */
    ck_assert(fabs(prof(sum, "hang")->wall.value - 10.0 / 1.01) < 1e-9);
    ck_assert(prof(sum, "hang")->wall_lower_bound);
    ck_assert(!prof(sum, "double")->wall_lower_bound);
    /* and so do its CPU and memory means, at what the killed run had
     * used: 10 s of CPU against 0.9, 10000 kB against 10000 */
    ck_assert(fabs(ah->cpu.value - 10.0 / 0.9) < 1e-9 && fabs(ah->mem.value - 1.0) < 1e-9);
    ck_assert(fabs(prof(sum, "hang")->cpu.value - 10.0 / 0.9) < 1e-9);
    ck_assert(fabs(prof(sum, "hang")->mem.value - 1.0) < 1e-9);
    ck_assert(prof(sum, "hang")->cpu_lower_bound && prof(sum, "hang")->mem_lower_bound);
    ck_assert(!prof(sum, "double")->cpu_lower_bound && !prof(sum, "double")->mem_lower_bound);
    /* a warm-up timeout is a timeout too: 10 / 0.5 */
    const struct pb_pair *bw = pair(sum, "b", "warmhang");
    ck_assert_str_eq(pb_pair_status_name(bw->status), "timeout");
    ck_assert(bw->lower_bound);
    ck_assert(fabs(bw->wall.value - 20.0) < 1e-9);
    /* never run */
    ck_assert_str_eq(pb_pair_status_name(pair(sum, "b", "hang")->status), "not_run");
    /* the runs' own time, warm-ups and failures included, against which
     * the matrix's elapsed time shows what pbench added */
    struct pb_run_list runs;
    double walls = 0;
    ck_assert_int_eq(pb_records_read(dir, 0, &runs, &err), 0);
    for (size_t i = 0; i < runs.n; i++)
        walls += runs.items[i].wall_s;
    pb_records_release(&runs);
    ck_assert(walls > 100 && fabs(sum->runs_wall_s - walls) < 1e-9);
    pb_summary_free(sum);

    /* files written; the CSV has a header and one line per pair */
    char path[4096];
    snprintf(path, sizeof path, "%s/summary.csv", dir);
    char *csv = tu_read_file(path);
    ck_assert_ptr_nonnull(csv);
    ck_assert_ptr_nonnull(strstr(csv, "workload,profiler,status,runs,"));
    ck_assert_ptr_nonnull(strstr(csv, "a,double,ok,3,0,0,"));
    int lines = 0;
    for (char *c = csv; *c; c++)
        lines += *c == '\n';
    ck_assert_int_eq(lines, 10);
    free(csv);
    snprintf(path, sizeof path, "%s/summary.json", dir);
    json_error_t jerr;
    json_t *again = json_load_file(path, 0, &jerr);
    ck_assert_ptr_nonnull(again);
    ck_assert_str_eq(json_string_value(json_object_get(json_object_get(again, "meta"), "pbench_version")), "test");
    json_decref(again);
}
END_TEST

/* The summary.json just written, as text. */
static char *summary_text(const char *d)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/summary.json", d);
    char *text = tu_read_file(path);
    ck_assert_ptr_nonnull(text);
    return text;
}

START_TEST(noise_warnings)
{
    struct pb_error err;
    struct pb_summary *sum;
    char *d = tu_mkdtemp();
    free(tu_write_file(d, "meta.json",
        "{\"host\": {\"cores\": 2, \"loadavg_start\": [1.7, 1.0, 0.5], \"noise\": {\"aslr\": \"off\"}}}\n"));
    free(tu_write_file(d, "config-resolved.json",
        "{\"baseline\": \"plain\", \"seed\": 1, \"profilers\": [{\"name\": \"plain\"}, {\"name\": \"p\"}],\n"
        " \"pairs\": [{\"workload\": \"w\", \"profiler\": \"plain\", \"runs\": 6, \"timeout_s\": 10},\n"
        "             {\"workload\": \"w\", \"profiler\": \"p\", \"runs\": 6, \"timeout_s\": 10}]}\n"));
    int fd = pb_records_open_log(d, &err);
    double plain[6] = { 3.0, 1.0, 1.01, 0.99, 1.0, 1.02 };     /* a cold first run */
    double prof[6] = { 2.0, 2.01, 1.99, 2.0, 6.0, 2.02 };      /* one disturbed run */
    for (int r = 0; r < 6; r++) {
        add(fd, r, "w", "plain", PB_RUN_OK, plain[r], plain[r], 1000);
        add(fd, r, "w", "p", PB_RUN_OK, prof[r], prof[r], 1000);
    }
    close(fd);
    ck_assert_int_eq(pb_aggregate_dir(d, &sum, NULL, &err), 0);
    char *text = summary_text(d);
    ck_assert_ptr_nonnull(strstr(text, "the first run was much slower than the rest (3.000 s"));
    ck_assert_ptr_nonnull(strstr(text, "1 of 6 runs are outliers"));
    ck_assert_ptr_nonnull(strstr(text, "the machine was busy when the run started (load average 1.70 on 2 cores)"));
    ck_assert_ptr_nonnull(strstr(text, "address-space randomization is not fully on"));
    free(text);
    /* the cold first run also widens the baseline's own interval */
    const struct pb_pair *pw = pair(sum, "w", "plain");
    ck_assert_uint_eq(pw->nwarnings, 2);
    ck_assert_ptr_nonnull(strstr(pw->warnings[1], "the interval is wide"));
    pb_summary_free(sum);
    tu_rmtree(d);
    free(d);
}
END_TEST

/* A profiler that timed out on one of three workloads: its wall, CPU and
 * memory means all cover the three, each at the timed-out workload's
 * lower bound (the timeout; the CPU time and peak RSS its killed run had
 * reached), so each is flagged a lower bound; summary.json and .csv say
 * so. */
START_TEST(timeout_bounds_every_mean)
{
    struct pb_error err;
    struct pb_summary *sum;
    char *d = tu_mkdtemp();
    free(tu_write_file(d, "meta.json", "{\"host\": {\"cores\": 2}}\n"));
    free(tu_write_file(d, "config-resolved.json",
        "{\"baseline\": \"plain\", \"seed\": 1,\n"
        " \"profilers\": [{\"name\": \"plain\"}, {\"name\": \"slow\"}, {\"name\": \"fine\"}],\n"
        " \"pairs\": [\n"
        "  {\"workload\": \"x\", \"profiler\": \"plain\", \"runs\": 3, \"timeout_s\": 10},\n"
        "  {\"workload\": \"x\", \"profiler\": \"slow\", \"runs\": 3, \"timeout_s\": 10},\n"
        "  {\"workload\": \"x\", \"profiler\": \"fine\", \"runs\": 3, \"timeout_s\": 10},\n"
        "  {\"workload\": \"y\", \"profiler\": \"plain\", \"runs\": 3, \"timeout_s\": 10},\n"
        "  {\"workload\": \"y\", \"profiler\": \"slow\", \"runs\": 3, \"timeout_s\": 10},\n"
        "  {\"workload\": \"y\", \"profiler\": \"fine\", \"runs\": 3, \"timeout_s\": 10},\n"
        "  {\"workload\": \"z\", \"profiler\": \"plain\", \"runs\": 3, \"timeout_s\": 10},\n"
        "  {\"workload\": \"z\", \"profiler\": \"slow\", \"runs\": 3, \"timeout_s\": 10},\n"
        "  {\"workload\": \"z\", \"profiler\": \"fine\", \"runs\": 3, \"timeout_s\": 10}]}\n"));
    int fd = pb_records_open_log(d, &err);
    ck_assert_int_ge(fd, 0);
    for (int r = 0; r < 3; r++) {
        add(fd, r, "x", "plain", PB_RUN_OK, 1.0, 1.0, 10000);
        add(fd, r, "x", "slow", PB_RUN_OK, 2.0, 2.0, 20000);     /* 2x, 2x, 2x */
        add(fd, r, "x", "fine", PB_RUN_OK, 1.5, 1.5, 10000);
        add(fd, r, "y", "plain", PB_RUN_OK, 0.5, 0.5, 10000);
        add(fd, r, "y", "slow", PB_RUN_OK, 2.0, 3.0, 40000);     /* 4x, 6x, 4x */
        add(fd, r, "y", "fine", PB_RUN_OK, 0.75, 0.75, 10000);
        add(fd, r, "z", "plain", PB_RUN_OK, 1.0, 0.8, 10000);
        add(fd, r, "z", "fine", PB_RUN_OK, 1.5, 1.2, 10000);
    }
    /* killed at its 10 s timeout, having used 9.6 s of CPU and 50000 kB:
     * at least 10x, 12x, 5x */
    add(fd, 0, "z", "slow", PB_RUN_TIMEOUT, 10.2, 9.6, 50000);
    add(fd, 1, "z", "slow", PB_RUN_SKIPPED, 0, 0, 0);
    add(fd, 2, "z", "slow", PB_RUN_SKIPPED, 0, 0, 0);
    close(fd);
    ck_assert_int_eq(pb_aggregate_dir(d, &sum, NULL, &err), 0);

    const struct pb_profiler_summary *ps = prof(sum, "slow");
    ck_assert_int_eq(ps->workloads_ok, 2);
    ck_assert_int_eq(ps->workloads_failed, 1);
    ck_assert_int_eq(ps->workloads_at_bound, 1);
    for (int m = PB_MEAN_WALL; m <= PB_MEAN_MEM; m++) {
        ck_assert_int_eq(pb_profiler_mean_workloads(ps, (enum pb_mean)m), 3);
        ck_assert(pb_profiler_mean_bound(ps, (enum pb_mean)m));
        ck_assert(!pb_profiler_mean_bound(prof(sum, "fine"), (enum pb_mean)m));
        ck_assert_int_eq(pb_profiler_mean_workloads(prof(sum, "fine"), (enum pb_mean)m), 3);
    }
    ck_assert(pb_profiler_means_agree(ps));
    ck_assert(ps->wall_lower_bound && ps->cpu_lower_bound && ps->mem_lower_bound);
    ck_assert_msg(fabs(ps->wall.value - cbrt(2 * 4 * 10.0)) < 1e-9, "wall %g", ps->wall.value);
    ck_assert_msg(fabs(ps->cpu.value - cbrt(2 * 6 * 12.0)) < 1e-9, "cpu %g", ps->cpu.value);
    ck_assert_msg(fabs(ps->mem.value - cbrt(2 * 4 * 5.0)) < 1e-9, "mem %g", ps->mem.value);
    const struct pb_pair *zs = pair(sum, "z", "slow");
    ck_assert(zs->lower_bound);
    ck_assert(fabs(zs->cpu.value - 12.0) < 1e-9 && zs->cpu.lo == zs->cpu.value);
    ck_assert(fabs(zs->mem.value - 5.0) < 1e-9 && zs->mem.hi == zs->mem.value);
    pb_summary_free(sum);

    /* the files say it: flags and one count in summary.json, the bound
     * ratios beside lower_bound in summary.csv */
    char path[4096];
    json_error_t jerr;
    snprintf(path, sizeof path, "%s/summary.json", d);
    json_t *root = json_load_file(path, 0, &jerr), *slow = NULL, *v;
    size_t i;
    ck_assert_ptr_nonnull(root);
    json_array_foreach(json_object_get(root, "profilers"), i, v)
        if (!strcmp(json_string_value(json_object_get(v, "name")), "slow"))
            slow = v;
    ck_assert_ptr_nonnull(slow);
    ck_assert(json_is_true(json_object_get(slow, "wall_geomean_lower_bound")));
    ck_assert(json_is_true(json_object_get(slow, "cpu_geomean_lower_bound")));
    ck_assert(json_is_true(json_object_get(slow, "mem_geomean_lower_bound")));
    ck_assert_int_eq(json_integer_value(json_object_get(slow, "workloads_in_means")), 3);
    json_decref(root);
    snprintf(path, sizeof path, "%s/summary.csv", d);
    char *csv = tu_read_file(path);
    ck_assert_ptr_nonnull(csv);
    ck_assert_msg(strstr(csv, "\nz,slow,timeout,0,0,1,,,,10.0000,10.0000,10.0000,12.0000,12.0000,"
                              "12.0000,5.0000,5.0000,5.0000,true\n"), "%s", csv);
    free(csv);

    /* read back, the same */
    sum = pb_summary_load(d, &err);
    ck_assert_msg(sum != NULL, "%s", err.msg);
    ps = prof(sum, "slow");
    ck_assert_int_eq(ps->workloads_at_bound, 1);
    ck_assert(pb_profiler_mean_bound(ps, PB_MEAN_CPU) && pb_profiler_mean_bound(ps, PB_MEAN_MEM));
    ck_assert_int_eq(pb_profiler_mean_workloads(ps, PB_MEAN_MEM), 3);
    pb_summary_free(sum);
    tu_rmtree(d);
    free(d);
}
END_TEST

/* With 4 runs a 3% slower first run (and even a far one) is no outlier:
 * the MAD of so few runs says nothing. */
START_TEST(no_outlier_warnings_from_few_runs)
{
    struct pb_error err;
    char *d = tu_mkdtemp();
    free(tu_write_file(d, "meta.json", "{\"host\": {\"cores\": 2}}\n"));
    free(tu_write_file(d, "config-resolved.json",
        "{\"baseline\": \"plain\", \"seed\": 1, \"profilers\": [{\"name\": \"plain\"}, {\"name\": \"p\"}],\n"
        " \"pairs\": [{\"workload\": \"w\", \"profiler\": \"plain\", \"runs\": 4, \"timeout_s\": 10},\n"
        "             {\"workload\": \"w\", \"profiler\": \"p\", \"runs\": 4, \"timeout_s\": 10}]}\n"));
    int fd = pb_records_open_log(d, &err);
    double plain[4] = { 1.03, 1.0, 1.001, 0.999 };
    double prof[4] = { 2.0, 2.001, 1.999, 2.3 };
    for (int r = 0; r < 4; r++) {
        add(fd, r, "w", "plain", PB_RUN_OK, plain[r], plain[r], 1000);
        add(fd, r, "w", "p", PB_RUN_OK, prof[r], prof[r], 1000);
    }
    close(fd);
    ck_assert_int_eq(pb_aggregate_dir(d, NULL, NULL, &err), 0);
    char *text = summary_text(d);
    ck_assert_msg(!strstr(text, "much slower") && !strstr(text, "outliers"), "%s", text);
    free(text);
    tu_rmtree(d);
    free(d);
}
END_TEST

START_TEST(reproducible)
{
    struct pb_error err;
    ck_assert_int_eq(pb_aggregate_dir(dir, NULL, NULL, &err), 0);
    char *s1 = summary_text(dir);
    ck_assert_int_eq(pb_aggregate_dir(dir, NULL, NULL, &err), 0);
    char *s2 = summary_text(dir);
    ck_assert_str_eq(s1, s2);
    free(s1);
    free(s2);
}
END_TEST

START_TEST(missing_files)
{
    struct pb_error err;
    char *empty = tu_mkdtemp();
    ck_assert_int_eq(pb_aggregate_dir(empty, NULL, NULL, &err), -1);
    ck_assert_ptr_nonnull(strstr(err.msg, "config-resolved.json"));
    free(tu_write_file(empty, "config-resolved.json", "{\"baseline\": "));
    ck_assert_int_eq(pb_aggregate_dir(empty, NULL, NULL, &err), -1);
    char buf[2048];
    ck_assert_ptr_nonnull(strstr(pb_error_format(&err, buf, sizeof buf), "config-resolved.json:1:"));
    tu_rmtree(empty);
    free(empty);
}
END_TEST

Suite *aggregate_suite(void)
{
    Suite *s = suite_create("aggregate");
    TCase *core = tcase_create("core");
    TCase *errors = tcase_create("errors");
    tcase_add_checked_fixture(core, setup, teardown);
    tcase_add_test(core, figures);
    tcase_add_test(core, reproducible);
    tcase_add_test(core, noise_warnings);
    tcase_add_test(core, no_outlier_warnings_from_few_runs);
    tcase_add_test(core, timeout_bounds_every_mean);
    tcase_add_test(errors, missing_files);
    suite_add_tcase(s, core);
    suite_add_tcase(s, errors);
    return s;
}
