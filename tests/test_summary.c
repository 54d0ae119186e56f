/* summary: loading results directories (docs/results-format.md) and
 * merging several into one view; saving a summary built by hand and
 * loading it back, summary.csv, format versions. */
#include <check.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/summary.h"
#include "testutil.h"

#define FIX PB_FIXTURES_DIR

static char *tmp;

static void setup(void)
{
    tmp = tu_mkdtemp();
    ck_assert_ptr_nonnull(tmp);
}

static void teardown(void)
{
    tu_rmtree(tmp);
    free(tmp);
}

static const struct pb_profiler_summary *prof(const struct pb_summary *s, const char *name)
{
    for (size_t i = 0; i < s->nprofilers; i++)
        if (strcmp(s->profilers[i].name, name) == 0)
            return &s->profilers[i];
    return NULL;
}

/* ---- core ---- */

START_TEST(loads_small_fixture)
{
    struct pb_error err;
    struct pb_summary *s = pb_summary_load(FIX "/results-small", &err);
    const struct pb_pair *p;
    const struct pb_profiler_summary *ps;

    ck_assert_msg(s != NULL, "%s", err.msg);
    ck_assert_str_eq(s->baseline, "plain");
    ck_assert_uint_eq(s->npairs, 7 * 13);
    ck_assert_uint_eq(s->nprofilers, 12);
    ck_assert(fabs(s->confidence - 0.95) < 1e-9);
    ck_assert_str_eq(s->meta.config_name, "all");
    ck_assert_str_eq(s->meta.python_version, "3.11.2");
    ck_assert_str_eq(s->meta.python_implementation, "CPython");
    ck_assert_ptr_nonnull(strstr(s->meta.cpu_model, "Xeon"));
    ck_assert_int_eq(s->meta.cores, 2);
    ck_assert(s->meta.has_seed);
    ck_assert_int_eq(s->meta.seed, 12345);
    ck_assert(s->meta.loadavg_end[2] > 0.9);

    p = pb_summary_pair(s, "julia", "memory_profiler");
    ck_assert_ptr_nonnull(p);
    ck_assert_int_eq(p->status, PB_PAIR_TIMEOUT);
    ck_assert(p->lower_bound);
    ck_assert_int_eq(p->timeouts, 3);
    ck_assert(p->wall.value > 200);
    /* CPU and memory at their bounds too: what the killed runs had used */
    ck_assert(fabs(p->cpu.value - 247.4) < 1e-9 && p->cpu.lo == p->cpu.value);
    ck_assert(fabs(p->mem.value - 2.427) < 1e-9 && p->mem.hi == p->mem.value);
    ck_assert_ptr_nonnull(strstr(p->failure_reason, "timed out"));

    p = pb_summary_pair(s, "julia", "cProfile");
    ck_assert_int_eq(p->status, PB_PAIR_OK);
    ck_assert_ptr_null(p->failure_reason);
    ck_assert(p->wall.lo <= p->wall.value && p->wall.value <= p->wall.hi);
    ck_assert(p->wall.value > 1.5 && p->wall.value < 3);
    ck_assert(p->wall_median_s > 2);

    ps = prof(s, "pyinstrument");
    ck_assert_ptr_nonnull(ps);
    ck_assert_str_eq(ps->version, "5.1.3");
    ck_assert_int_eq(ps->workloads_ok, 7);
    ck_assert(!ps->wall_lower_bound);
    ps = prof(s, "memory_profiler");
    ck_assert_int_eq(ps->workloads_ok, 5);
    ck_assert_int_eq(ps->workloads_failed, 2);
    /* its three means count the 2 timed-out workloads at their lower
     * bound: all over the same 7 workloads, all lower bounds */
    ck_assert(ps->wall_lower_bound && ps->cpu_lower_bound && ps->mem_lower_bound);
    ck_assert_int_eq(ps->workloads_at_bound, 2);
    ck_assert(pb_profiler_means_agree(ps));
    ck_assert_int_eq(pb_profiler_mean_workloads(ps, PB_MEAN_CPU), 7);
    ck_assert(fabs(ps->wall.value - 57.21) < 1e-9);
    ck_assert(fabs(ps->cpu.value - 66.91) < 1e-9);
    ck_assert(pb_profiler_mean_bound(ps, PB_MEAN_MEM));
    ck_assert(!pb_profiler_mean_bound(prof(s, "pyinstrument"), PB_MEAN_CPU));
    ck_assert_ptr_null(pb_summary_pair(s, "julia", "nonexistent"));
    pb_summary_free(s);
}
END_TEST

START_TEST(loads_failed_fixture)
{
    struct pb_error err;
    struct pb_summary *s = pb_summary_load(FIX "/results-failed", &err);
    const struct pb_pair *p;

    ck_assert_msg(s != NULL, "%s", err.msg);
    ck_assert(!pb_ratio_known(&prof(s, "scalene_full")->wall));
    p = pb_summary_pair(s, "threads", "py_spy");
    ck_assert_int_eq(p->status, PB_PAIR_FAILED);
    ck_assert(isnan(p->wall_median_s));
    ck_assert_ptr_nonnull(strstr(p->failure_reason, "Failed to find python version"));
    p = pb_summary_pair(s, "io_sleep", "cProfile");
    ck_assert_int_eq(p->status, PB_PAIR_PARTIAL);
    ck_assert_int_eq(p->failures, 1);
    ck_assert(pb_ratio_known(&p->wall));
    ck_assert_str_eq(pb_pair_status_name(p->status), "partial");
    pb_summary_free(s);
}
END_TEST

START_TEST(meta_falls_back_to_summary_copy)
{
    struct pb_error err;
    struct pb_summary *s;
    char cmd[4096];
    char *argv[] = { "sh", "-c", cmd, NULL };

    snprintf(cmd, sizeof cmd, "cp %s/results-small/summary.json %s/", FIX, tmp);
    ck_assert_int_eq(tu_run(argv, NULL), 0);
    s = pb_summary_load(tmp, &err);
    ck_assert_msg(s != NULL, "%s", err.msg);
    ck_assert_str_eq(s->meta.config_name, "all");
    ck_assert_str_eq(prof(s, "cProfile")->version, "3.11.2 (stdlib)");
    pb_summary_free(s);
}
END_TEST

START_TEST(free_null_is_noop)
{
    pb_summary_free(NULL);
    pb_summary_set_free(NULL);
}
END_TEST

/* A summary.json written before "wall_geomean_lower_bound" existed
 * loads: the flag reads as 0, and no timed-out pair counts as in a mean. */
START_TEST(summary_without_lower_bound_flag_loads)
{
    json_t *s = json_load_file(FIX "/results-small/summary.json", 0, NULL), *v;
    const char *dirs[] = { tmp };
    struct pb_error err;
    struct pb_summary *sum;
    struct pb_summary_set *set;
    char path[4096];
    size_t i;

    ck_assert_ptr_nonnull(s);
    json_array_foreach(json_object_get(s, "profilers"), i, v) {
        ck_assert_int_eq(json_object_del(v, "wall_geomean_lower_bound"), 0);
        ck_assert_int_eq(json_object_del(v, "cpu_geomean_lower_bound"), 0);
        ck_assert_int_eq(json_object_del(v, "mem_geomean_lower_bound"), 0);
        ck_assert_int_eq(json_object_del(v, "workloads_in_means"), 0);
    }
    snprintf(path, sizeof path, "%s/summary.json", tmp);
    ck_assert_int_eq(json_dump_file(s, path, JSON_INDENT(2)), 0);
    json_decref(s);

    sum = pb_summary_load(tmp, &err);
    ck_assert_msg(sum != NULL, "%s", err.msg);
    for (i = 0; i < sum->nprofilers; i++) {
        ck_assert(!sum->profilers[i].wall_lower_bound);
        ck_assert(!sum->profilers[i].cpu_lower_bound && !sum->profilers[i].mem_lower_bound);
        ck_assert_int_eq(sum->profilers[i].workloads_at_bound, 0);
    }
    pb_summary_free(sum);

    set = pb_summary_set_load(dirs, 1, &err);
    ck_assert_msg(set != NULL, "%s", err.msg);
    for (i = 0; i < set->nprofilers; i++) {
        if (strcmp(set->profilers[i].name, "memory_profiler") == 0) {
            ck_assert_int_eq(set->profilers[i].pairs_timeout, 2);
            ck_assert_int_eq(set->profilers[i].pairs_at_bound, 0);
        }
    }
    pb_summary_set_free(set);
}
END_TEST

/* A summary written before the CPU and memory means counted timeouts
 * (results-v1): its wall mean took the 2 timed-out workloads in at their
 * bound, the others left them out; the counts say so. */
START_TEST(summary_with_wall_bound_alone_loads)
{
    struct pb_error err;
    struct pb_summary *sum = pb_summary_load(FIX "/results-v1", &err);
    const struct pb_profiler_summary *ps;

    ck_assert_msg(sum != NULL, "%s", err.msg);
    ps = prof(sum, "memory_profiler");
    ck_assert(ps->wall_lower_bound && !ps->cpu_lower_bound && !ps->mem_lower_bound);
    ck_assert_int_eq(ps->workloads_at_bound, 2);
    ck_assert_int_eq(pb_profiler_mean_workloads(ps, PB_MEAN_WALL), 7);
    ck_assert_int_eq(pb_profiler_mean_workloads(ps, PB_MEAN_CPU), 5);
    ck_assert_int_eq(pb_profiler_mean_workloads(ps, PB_MEAN_MEM), 5);
    ck_assert(!pb_profiler_means_agree(ps));
    ck_assert(pb_profiler_mean_bound(ps, PB_MEAN_WALL) && !pb_profiler_mean_bound(ps, PB_MEAN_CPU));
    ck_assert(pb_profiler_means_agree(prof(sum, "cProfile")));
    pb_summary_free(sum);
}
END_TEST

/* ---- merging ---- */

static const struct pb_merged_profiler *merged(const struct pb_summary_set *set,
                                               const char *name)
{
    for (size_t i = 0; i < set->nprofilers; i++)
        if (strcmp(set->profilers[i].name, name) == 0)
            return &set->profilers[i];
    return NULL;
}

START_TEST(set_takes_latest_run)
{
    const char *dirs[] = { FIX "/results-small", FIX "/results-failed" };
    const char *rev[] = { FIX "/results-failed", FIX "/results-small" };
    struct pb_error err;
    struct pb_summary_set *set = pb_summary_set_load(dirs, 2, &err);
    const struct pb_merged_profiler *m;

    ck_assert_msg(set != NULL, "%s", err.msg);
    ck_assert_uint_eq(set->nruns, 2);
    ck_assert_uint_eq(set->nworkloads, 7);
    ck_assert_uint_eq(set->nprofilers, 13);      /* 12 + austin; baselines out */
    ck_assert_ptr_null(merged(set, "plain"));
    m = merged(set, "cProfile");
    ck_assert_uint_eq(m->run, 1);                 /* results-failed started later */
    ck_assert_uint_eq(m->nother_runs, 1);
    ck_assert_uint_eq(m->other_runs[0], 0);
    ck_assert_ptr_null(m->pairs[1]);              /* calls: not in run 2 */
    ck_assert_ptr_nonnull(m->pairs[0]);
    m = merged(set, "profile");
    ck_assert_uint_eq(m->run, 0);
    ck_assert_uint_eq(m->nother_runs, 0);
    m = merged(set, "memory_profiler");
    ck_assert_int_eq(m->pairs_timeout, 2);
    ck_assert_int_eq(m->pairs_at_bound, 2);       /* both in its means, at >= */
    ck_assert(m->sum->wall_lower_bound && m->sum->cpu_lower_bound && m->sum->mem_lower_bound);
    ck_assert_int_eq(merged(set, "py_spy")->pairs_at_bound, 0);
    /* Sorted by wall mean; no mean (scalene_full here) last. */
    for (size_t i = 1; i + 1 < set->nprofilers; i++)
        ck_assert(set->profilers[i - 1].sum->wall.value <= set->profilers[i].sum->wall.value);
    ck_assert_str_eq(set->profilers[set->nprofilers - 1].name, "scalene_full");
    ck_assert_int_eq(set->profilers[set->nprofilers - 1].pairs_failed, 3);
    pb_summary_set_free(set);

    /* The order on the command line does not decide: start times do. */
    set = pb_summary_set_load(rev, 2, &err);
    ck_assert_msg(set != NULL, "%s", err.msg);
    ck_assert_uint_eq(merged(set, "cProfile")->run, 0);
    pb_summary_set_free(set);
}
END_TEST

/* ---- errors ---- */

static void expect_error(const char *dir, const char *needle1, const char *needle2)
{
    struct pb_error err;
    char buf[4096];
    struct pb_summary *s = pb_summary_load(dir, &err);

    ck_assert_msg(s == NULL, "loading %s should fail", dir);
    pb_error_format(&err, buf, sizeof buf);
    ck_assert_msg(strstr(buf, needle1) != NULL, "'%s' not in: %s", needle1, buf);
    if (needle2)
        ck_assert_msg(strstr(buf, needle2) != NULL, "'%s' not in: %s", needle2, buf);
}

START_TEST(missing_dir)
{
    expect_error("/nonexistent/results-x", "/nonexistent/results-x",
                 "no such results directory");
}
END_TEST

START_TEST(not_a_dir)
{
    char *f = tu_write_file(tmp, "file", "x");
    expect_error(f, f, "not a directory");
    free(f);
}
END_TEST

START_TEST(empty_dir)
{
    expect_error(tmp, tmp, "not a results directory");
}
END_TEST

START_TEST(unfinished_run)
{
    free(tu_write_file(tmp, "runs.jsonl", "{\"seq\": 1}\n"));
    expect_error(tmp, "no summary.json", "did not finish");
}
END_TEST

START_TEST(corrupt_fixture)
{
    struct pb_error err;
    struct pb_summary *s = pb_summary_load(FIX "/results-corrupt", &err);
    char buf[4096];

    ck_assert_ptr_null(s);
    ck_assert_int_eq(err.line, 38);
    ck_assert_int_gt(err.col, 0);
    ck_assert_ptr_nonnull(strstr(err.file, "results-corrupt/summary.json"));
    pb_error_format(&err, buf, sizeof buf);
    ck_assert_msg(strstr(buf, "summary.json:38:") && strstr(buf, "invalid JSON"), "%s", buf);
}
END_TEST

START_TEST(corrupt_meta)
{
    char cmd[4096];
    char *argv[] = { "sh", "-c", cmd, NULL };

    snprintf(cmd, sizeof cmd, "cp %s/results-small/summary.json %s/", FIX, tmp);
    ck_assert_int_eq(tu_run(argv, NULL), 0);
    free(tu_write_file(tmp, "meta.json", "{\"pbench_version\": \"0.1.0\",\n  \"host\": }\n"));
    expect_error(tmp, "meta.json:2:", "invalid JSON");
}
END_TEST

START_TEST(wrong_types)
{
    static const struct {
        const char *json, *want1, *want2;
    } cases[] = {
        { "{\"baseline\": \"plain\", \"pairs\": [], \"profilers\": [], \"meta\": {}}", NULL, NULL },
        { "{\"pairs\": [], \"profilers\": [], \"meta\": {}}", "missing key 'baseline'", NULL },
        { "{\"baseline\": \"plain\", \"profilers\": [], \"meta\": {}}", "missing key 'pairs'", NULL },
        { "{\"baseline\": \"plain\", \"pairs\": {}, \"profilers\": [], \"meta\": {}}",
          "pairs: expected a list", NULL },
        { "{\"baseline\": \"plain\", \"pairs\": [{\"workload\": \"a\", \"profiler\": \"b\", "
          "\"status\": \"ok\", \"wall_ratio\": \"2x\"}], \"profilers\": [], \"meta\": {}}",
          "pairs[0].wall_ratio: expected an object", NULL },
        { "{\"baseline\": \"plain\", \"pairs\": [{\"workload\": \"a\", \"profiler\": \"b\", "
          "\"status\": \"great\"}], \"profilers\": [], \"meta\": {}}",
          "pairs[0].status: unknown status 'great'", "expected ok, partial" },
        { "{\"baseline\": \"plain\", \"pairs\": [{\"workload\": \"a\", \"status\": \"ok\"}], "
          "\"profilers\": [], \"meta\": {}}", "pairs[0]: missing key 'profiler'", NULL },
        { "{\"baseline\": \"plain\", \"pairs\": [], \"profilers\": [{\"name\": \"x\", "
          "\"wall_geomean\": {\"lo\": 1}}], \"meta\": {}}",
          "profilers[0].wall_geomean: missing key 'value'", NULL },
        { "{\"baseline\": \"plain\", \"pairs\": [], \"profilers\": [], "
          "\"meta\": {\"host\": {\"cores\": \"two\"}}}", "meta.host.cores: expected a number", NULL },
        { "{\"baseline\": \"plain\", \"pairs\": [], \"profilers\": [{\"name\": \"x\", "
          "\"wall_geomean_lower_bound\": \"yes\"}], \"meta\": {}}",
          "profilers[0].wall_geomean_lower_bound: expected true or false", NULL },
        { "{\"baseline\": \"plain\", \"pairs\": [], \"profilers\": [{\"name\": \"x\", "
          "\"wall_geomean_lower_bound\": null}], \"meta\": {}}", NULL, NULL },
        { "{\"baseline\": \"plain\", \"pairs\": [], \"profilers\": [{\"name\": \"x\", "
          "\"cpu_geomean_lower_bound\": 1}], \"meta\": {}}",
          "profilers[0].cpu_geomean_lower_bound: expected true or false", NULL },
        { "{\"baseline\": \"plain\", \"pairs\": [], \"profilers\": [{\"name\": \"x\", "
          "\"workloads_ok\": 2, \"workloads_failed\": 1, \"workloads_in_means\": 4}], \"meta\": {}}",
          "profilers[0].workloads_in_means: 4 is not between workloads_ok (2) and "
          "workloads_ok + workloads_failed (3)", NULL },
        { "{\"baseline\": \"plain\", \"pairs\": [], \"profilers\": [{\"name\": \"x\", "
          "\"workloads_ok\": 2, \"workloads_in_means\": \"2\"}], \"meta\": {}}",
          "profilers[0].workloads_in_means: expected a number", NULL },
        { "{\"baseline\": \"plain\", \"pairs\": [], \"profilers\": [{\"name\": \"x\", "
          "\"skipped\": [{\"workload\": \"a\"}, {\"reason\": \"r\"}]}], \"meta\": {}}",
          "profilers[0].skipped[1]: missing key 'workload'", NULL },
        { "{\"baseline\": \"plain\", \"pairs\": [], \"profilers\": [{\"name\": \"x\", "
          "\"skipped\": [\"a\"]}], \"meta\": {}}", "profilers[0].skipped[0]: expected an object", NULL },
        { "[1, 2]", "expected a JSON object", NULL },
        { "", "invalid JSON", NULL },
    };

    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct pb_error err;
        struct pb_summary *s;
        char buf[4096];

        free(tu_write_file(tmp, "summary.json", cases[i].json));
        s = pb_summary_load(tmp, &err);
        if (!cases[i].want1) {
            ck_assert_msg(s != NULL, "case %zu: %s", i, err.msg);
            pb_summary_free(s);
            continue;
        }
        ck_assert_msg(s == NULL, "case %zu should fail", i);
        pb_error_format(&err, buf, sizeof buf);
        ck_assert_msg(strstr(buf, "summary.json") != NULL, "case %zu: %s", i, buf);
        ck_assert_msg(strstr(buf, cases[i].want1) != NULL, "case %zu: %s", i, buf);
        if (cases[i].want2)
            ck_assert_msg(strstr(buf, cases[i].want2) != NULL, "case %zu: %s", i, buf);
    }
}
END_TEST

START_TEST(set_reports_bad_dir)
{
    const char *dirs[] = { FIX "/results-small", "/nonexistent/r2" };
    struct pb_error err;

    ck_assert_ptr_null(pb_summary_set_load(dirs, 2, &err));
    ck_assert_ptr_nonnull(strstr(err.file, "/nonexistent/r2"));
    ck_assert_ptr_null(pb_summary_set_load(dirs, 0, &err));
    ck_assert_ptr_nonnull(strstr(err.msg, "no results directory"));
}
END_TEST

/* ---- save and load back ---- */

static struct pb_ratio R(double v, double lo, double hi)
{
    return (struct pb_ratio){ v, lo, hi };
}

#define UNKNOWN R(NAN, NAN, NAN)

/* A summary as the aggregation would build it, by hand: an ok baseline
 * pair, a partial one with warnings, a timed-out lower bound whose later
 * runs were skipped, a failed pair with a fixed run count; two profilers;
 * one scaling fit; runs: auto settings. Values are exact in the 6
 * significant digits summary.json keeps. */
static struct pb_summary *hand_made(const char *dir)
{
    struct pb_summary *s = pb_summary_new(dir);
    struct pb_pair *p;

    ck_assert_ptr_nonnull(s);
    ck_assert_int_eq(pb_meta_set(&s->meta.pbench_version, "0.2.0"), 0);
    ck_assert_int_eq(pb_meta_set(&s->meta.config_name, "hand"), 0);
    ck_assert_int_eq(pb_meta_set(&s->meta.started, "2026-11-25T19:40:00Z"), 0);
    s->meta.has_seed = 1;
    s->meta.seed = 99;
    s->meta.cores = 2;
    ck_assert_int_eq(pb_meta_set_profiler(&s->meta, "fast", "fast 1.2"), 0);
    s->baseline = pb_summary_intern(s, "plain");
    s->confidence = 0.95;
    s->has_adaptive = 1;
    s->target_precision = 0.02;
    s->min_runs = 3;
    s->max_runs = 30;
    s->budget = 600;
    s->warnings[s->nwarnings++] = pb_summary_intern(s, "the machine was busy (load 1.5)");
    s->warnings[s->nwarnings++] = pb_summary_intern(s, "ASLR is \"off\"\nsee docs");

    s->pairs = calloc(4, sizeof *s->pairs);
    s->npairs = 4;
    p = &s->pairs[0];
    *p = (struct pb_pair){ .workload = pb_summary_intern(s, "w1"), .profiler = s->baseline,
        .status = PB_PAIR_OK, .runs = 5, .planned = 5, .wall_median_s = 1.5, .cpu_median_s = 1.25,
        .tree_peak_rss_median_kb = 20480, .wall = R(1, 1, 1), .cpu = R(1, 1, 1), .mem = R(1, 1, 1),
        .timeout_s = 300, .precision = 0, .adaptive = pb_summary_intern(s, "precise") };
    p = &s->pairs[1];
    *p = (struct pb_pair){ .workload = s->pairs[0].workload, .profiler = pb_summary_intern(s, "fast"),
        .status = PB_PAIR_PARTIAL, .runs = 4, .failures = 1, .planned = 5,
        .failure_reason = pb_summary_intern(s, "exit code 1: boom"),
        .wall_median_s = 3.75, .cpu_median_s = 3, .tree_peak_rss_median_kb = 40960,
        .wall = R(2.5, 2.25, 2.75), .cpu = R(2, 1.75, 2.25), .mem = R(1.125, 1.0625, 1.1875),
        .timeout_s = 300, .precision = 0.1, .adaptive = pb_summary_intern(s, "max_runs") };
    p->warnings[p->nwarnings++] = pb_summary_intern(s, "the first run was much slower than the rest");
    p->warnings[p->nwarnings++] = pb_summary_intern(s, "wide interval: \xc2\xb1" "10%");
    p = &s->pairs[2];
    *p = (struct pb_pair){ .workload = pb_summary_intern(s, "w2"), .profiler = s->pairs[1].profiler,
        .status = PB_PAIR_TIMEOUT, .timeouts = 1, .skipped = 4, .planned = 5,
        .failure_reason = pb_summary_intern(s, "timed out after 10 s"),
        .wall_median_s = NAN, .cpu_median_s = NAN, .tree_peak_rss_median_kb = NAN,
        .wall = R(40, 40, 40), .cpu = R(30, 30, 30), .mem = R(1.5, 1.5, 1.5), .timeout_s = 10,
        .lower_bound = 1,
        .precision = NAN, .adaptive = pb_summary_intern(s, "timeout") };
    p = &s->pairs[3];
    *p = (struct pb_pair){ .workload = s->pairs[2].workload, .profiler = pb_summary_intern(s, "broken"),
        .status = PB_PAIR_FAILED, .failures = 3, .planned = 3,
        .failure_reason = pb_summary_intern(s, "killed by signal 11 (Segmentation fault)"),
        .wall_median_s = NAN, .cpu_median_s = NAN, .tree_peak_rss_median_kb = NAN,
        .wall = UNKNOWN, .cpu = UNKNOWN, .mem = UNKNOWN, .timeout_s = 20, .precision = NAN,
        .adaptive = NULL };

    s->profilers = calloc(2, sizeof *s->profilers);
    s->nprofilers = 2;
    s->profilers[0] = (struct pb_profiler_summary){ .name = s->pairs[1].profiler,
        .version = pb_meta_profiler_version(&s->meta, "fast"), .workloads_ok = 1,
        .workloads_failed = 1, .wall = R(10, 7.5, 12.5), .cpu = R(2, 1.75, 2.25),
        .mem = R(1.125, 1.0625, 1.1875), .workloads_at_bound = 1, .wall_lower_bound = 1,
        .cpu_lower_bound = 1, .mem_lower_bound = 1 };
    s->profilers[1] = (struct pb_profiler_summary){ .name = s->pairs[3].profiler,
        .workloads_failed = 1, .wall = UNKNOWN, .cpu = UNKNOWN, .mem = UNKNOWN };
    /* skip: fast left out of w3 with a reason, broken of w4 without */
    ck_assert_int_eq(pb_summary_add_skipped(s, &s->profilers[0], "w3", "the work is in C"), 0);
    ck_assert_int_eq(pb_summary_add_skipped(s, &s->profilers[1], "w4", NULL), 0);

    s->scaling = calloc(1, sizeof *s->scaling);
    s->nscaling = 1;
    s->scaling[0] = (struct pb_scaling){ .workload = pb_summary_intern(s, "loop"),
        .profiler = s->pairs[1].profiler, .sizes = { 100, 200, 400.5 }, .nsizes = 3,
        .startup_s = R(0.25, -0.125, 0.5), .steady = R(1.5, 1.25, 1.75), .r2 = 0.99,
        .r2_baseline = 0.875, .baseline_startup_s = 0.0625, .baseline_slope_s = 0.001 };
    return s;
}

static void snum_eq(const char *what, size_t i, double a, double b)
{
    ck_assert_msg(a == b || (isnan(a) && isnan(b)), "%s [%zu]: %.17g vs %.17g", what, i, a, b);
}

static void sstr_eq(const char *what, size_t i, const char *a, const char *b)
{
    if (!a || !b)
        ck_assert_msg(a == b, "%s [%zu]: '%s' vs '%s'", what, i, a ? a : "(null)", b ? b : "(null)");
    else
        ck_assert_msg(!strcmp(a, b), "%s [%zu]: '%s' vs '%s'", what, i, a, b);
}

static void ratio_eq(const char *what, size_t i, const struct pb_ratio *a, const struct pb_ratio *b)
{
    snum_eq(what, i, a->value, b->value);
    snum_eq(what, i, a->lo, b->lo);
    snum_eq(what, i, a->hi, b->hi);
}

static void summary_eq(const struct pb_summary *a, const struct pb_summary *b)
{
    sstr_eq("baseline", 0, a->baseline, b->baseline);
    snum_eq("confidence", 0, a->confidence, b->confidence);
    ck_assert_int_eq(a->has_adaptive, b->has_adaptive);
    snum_eq("target_precision", 0, a->target_precision, b->target_precision);
    ck_assert_int_eq(a->min_runs, b->min_runs);
    ck_assert_int_eq(a->max_runs, b->max_runs);
    snum_eq("budget", 0, a->budget, b->budget);
    ck_assert_uint_eq(a->nwarnings, b->nwarnings);
    for (size_t i = 0; i < a->nwarnings; i++)
        sstr_eq("warning", i, a->warnings[i], b->warnings[i]);
    ck_assert_uint_eq(a->npairs, b->npairs);
    for (size_t i = 0; i < a->npairs; i++) {
        const struct pb_pair *x = &a->pairs[i], *y = &b->pairs[i];
        sstr_eq("workload", i, x->workload, y->workload);
        sstr_eq("profiler", i, x->profiler, y->profiler);
        ck_assert_int_eq(x->status, y->status);
        ck_assert_int_eq(x->runs, y->runs);
        ck_assert_int_eq(x->failures, y->failures);
        ck_assert_int_eq(x->timeouts, y->timeouts);
        ck_assert_int_eq(x->planned, y->planned);
        ck_assert_int_eq(x->skipped, y->skipped);
        sstr_eq("failure_reason", i, x->failure_reason, y->failure_reason);
        snum_eq("wall_median_s", i, x->wall_median_s, y->wall_median_s);
        snum_eq("cpu_median_s", i, x->cpu_median_s, y->cpu_median_s);
        snum_eq("tree_peak_rss_median_kb", i, x->tree_peak_rss_median_kb, y->tree_peak_rss_median_kb);
        ratio_eq("wall", i, &x->wall, &y->wall);
        ratio_eq("cpu", i, &x->cpu, &y->cpu);
        ratio_eq("mem", i, &x->mem, &y->mem);
        snum_eq("timeout_s", i, x->timeout_s, y->timeout_s);
        ck_assert_int_eq(x->lower_bound, y->lower_bound);
        snum_eq("precision", i, x->precision, y->precision);
        sstr_eq("adaptive", i, x->adaptive, y->adaptive);
        ck_assert_uint_eq(x->nwarnings, y->nwarnings);
        for (size_t k = 0; k < x->nwarnings; k++)
            sstr_eq("pair warning", i, x->warnings[k], y->warnings[k]);
    }
    ck_assert_uint_eq(a->nprofilers, b->nprofilers);
    for (size_t i = 0; i < a->nprofilers; i++) {
        const struct pb_profiler_summary *x = &a->profilers[i], *y = &b->profilers[i];
        sstr_eq("name", i, x->name, y->name);
        sstr_eq("version", i, x->version, y->version);
        ck_assert_int_eq(x->workloads_ok, y->workloads_ok);
        ck_assert_int_eq(x->workloads_failed, y->workloads_failed);
        ratio_eq("wall_geomean", i, &x->wall, &y->wall);
        ratio_eq("cpu_geomean", i, &x->cpu, &y->cpu);
        ratio_eq("mem_geomean", i, &x->mem, &y->mem);
        ck_assert_int_eq(x->workloads_at_bound, y->workloads_at_bound);
        ck_assert_int_eq(x->wall_lower_bound, y->wall_lower_bound);
        ck_assert_int_eq(x->cpu_lower_bound, y->cpu_lower_bound);
        ck_assert_int_eq(x->mem_lower_bound, y->mem_lower_bound);
        ck_assert_uint_eq(x->nskipped, y->nskipped);
        for (size_t k = 0; k < x->nskipped; k++) {
            sstr_eq("skipped workload", i, x->skipped[k].workload, y->skipped[k].workload);
            sstr_eq("skipped reason", i, x->skipped[k].reason, y->skipped[k].reason);
        }
    }
    ck_assert_uint_eq(a->nscaling, b->nscaling);
    for (size_t i = 0; i < a->nscaling; i++) {
        const struct pb_scaling *x = &a->scaling[i], *y = &b->scaling[i];
        sstr_eq("scaling workload", i, x->workload, y->workload);
        sstr_eq("scaling profiler", i, x->profiler, y->profiler);
        ck_assert_uint_eq(x->nsizes, y->nsizes);
        for (size_t k = 0; k < x->nsizes; k++)
            snum_eq("size", k, x->sizes[k], y->sizes[k]);
        ratio_eq("startup_s", i, &x->startup_s, &y->startup_s);
        ratio_eq("steady", i, &x->steady, &y->steady);
        snum_eq("r2", i, x->r2, y->r2);
        snum_eq("r2_baseline", i, x->r2_baseline, y->r2_baseline);
        snum_eq("baseline_startup_s", i, x->baseline_startup_s, y->baseline_startup_s);
        snum_eq("baseline_slope_s", i, x->baseline_slope_s, y->baseline_slope_s);
    }
    sstr_eq("meta.config_name", 0, a->meta.config_name, b->meta.config_name);
    sstr_eq("meta.started", 0, a->meta.started, b->meta.started);
    ck_assert_uint_eq(a->meta.seed, b->meta.seed);
    ck_assert_int_eq(a->meta.cores, b->meta.cores);
}

START_TEST(save_load_round_trip)
{
    struct pb_error err;
    struct pb_summary *s = hand_made(tmp), *back;
    char path[4096];

    ck_assert_msg(pb_summary_save(tmp, s, &err) == 0, "%s", err.msg);
    /* no meta.json here: the meta comes from summary.json's copy */
    back = pb_summary_load(tmp, &err);
    ck_assert_msg(back != NULL, "%s", err.msg);
    summary_eq(s, back);
    ck_assert_str_eq(back->dir, tmp);
    ck_assert(isnan(back->pairs[2].precision));
    ck_assert(!pb_ratio_known(&back->pairs[3].wall));
    ck_assert_str_eq(back->profilers[0].version, "fast 1.2");
    ck_assert_ptr_eq(pb_summary_pair(back, "w2", "fast"), &back->pairs[2]);
    ck_assert_str_eq(pb_summary_skipped(&back->profilers[0], "w3")->reason, "the work is in C");
    ck_assert_ptr_null(pb_summary_skipped(&back->profilers[0], "w4"));
    ck_assert_ptr_null(pb_summary_skipped(&back->profilers[1], "w4")->reason);

    /* what the file says: the format, null for the unknown */
    snprintf(path, sizeof path, "%s/summary.json", tmp);
    json_t *j = json_load_file(path, 0, NULL);
    ck_assert_ptr_nonnull(j);
    ck_assert_str_eq(json_string_value(json_object_get(j, "format")), PB_SUMMARY_FORMAT);
    json_t *p2 = json_array_get(json_object_get(j, "pairs"), 2);
    ck_assert(json_is_null(json_object_get(p2, "precision")));
    ck_assert(json_is_null(json_object_get(json_array_get(json_object_get(j, "pairs"), 3),
                                           "cpu_ratio")));
    ck_assert(json_is_true(json_object_get(p2, "lower_bound")));
    /* the means' bounds, and one count of the workloads they cover */
    json_t *q0 = json_array_get(json_object_get(j, "profilers"), 0);
    ck_assert(json_is_true(json_object_get(q0, "cpu_geomean_lower_bound")));
    ck_assert(json_is_true(json_object_get(q0, "mem_geomean_lower_bound")));
    ck_assert_int_eq(json_integer_value(json_object_get(q0, "workloads_in_means")), 2);
    json_t *q1 = json_array_get(json_object_get(j, "profilers"), 1);
    ck_assert(json_is_false(json_object_get(q1, "mem_geomean_lower_bound")));
    ck_assert_int_eq(json_integer_value(json_object_get(q1, "workloads_in_means")), 0);
    json_t *sk = json_object_get(json_array_get(json_object_get(j, "profilers"), 0), "skipped");
    ck_assert_uint_eq(json_array_size(sk), 1);
    ck_assert_str_eq(json_string_value(json_object_get(json_array_get(sk, 0), "workload")), "w3");
    ck_assert_str_eq(json_string_value(json_object_get(json_array_get(sk, 0), "reason")), "the work is in C");
    ck_assert_str_eq(json_string_value(json_object_get(json_object_get(j, "meta"), "format")),
                     PB_META_FORMAT);
    json_decref(j);
    pb_summary_free(back);

    /* without runs: auto there is no "adaptive" and nothing reads as set */
    s->has_adaptive = 0;
    for (size_t i = 0; i < s->npairs; i++)
        s->pairs[i].adaptive = NULL;
    ck_assert_int_eq(pb_summary_save(tmp, s, &err), 0);
    back = pb_summary_load(tmp, &err);
    ck_assert_msg(back != NULL, "%s", err.msg);
    ck_assert(!back->has_adaptive);
    ck_assert(isnan(back->target_precision));
    ck_assert_int_eq(back->max_runs, 0);
    ck_assert_ptr_null(back->pairs[0].adaptive);
    pb_summary_free(back);
    pb_summary_free(s);
}
END_TEST

START_TEST(csv_content)
{
    struct pb_error err;
    struct pb_summary *s = hand_made(tmp);
    char path[4096];

    ck_assert_msg(pb_summary_save(tmp, s, &err) == 0, "%s", err.msg);
    pb_summary_free(s);
    snprintf(path, sizeof path, "%s/summary.csv", tmp);
    char *csv = tu_read_file(path);
    ck_assert_ptr_nonnull(csv);
    ck_assert_str_eq(csv,
        "workload,profiler,status,runs,failures,timeouts,wall_median_s,cpu_median_s,"
        "tree_peak_rss_median_kb,wall_ratio,wall_lo,wall_hi,cpu_ratio,cpu_lo,cpu_hi,"
        "mem_ratio,mem_lo,mem_hi,lower_bound\n"
        "w1,plain,ok,5,0,0,1.5,1.25,20480,1.0000,1.0000,1.0000,1.0000,1.0000,1.0000,"
        "1.0000,1.0000,1.0000,false\n"
        "w1,fast,partial,4,1,0,3.75,3,40960,2.5000,2.2500,2.7500,2.0000,1.7500,2.2500,"
        "1.1250,1.0625,1.1875,false\n"
        "w2,fast,timeout,0,0,1,,,,40.0000,40.0000,40.0000,30.0000,30.0000,30.0000,"
        "1.5000,1.5000,1.5000,true\n"
        "w2,broken,failed,0,3,0,,,,,,,,,,,,,false\n");
    free(csv);
}
END_TEST

/* Writes summary.json from the hand-made summary, then lets edit change
 * its JSON before it is written back. */
static void save_edited(void (*edit)(json_t *))
{
    struct pb_error err;
    struct pb_summary *s = hand_made(tmp);
    char path[4096];

    ck_assert_int_eq(pb_summary_save(tmp, s, &err), 0);
    pb_summary_free(s);
    snprintf(path, sizeof path, "%s/summary.json", tmp);
    json_t *j = json_load_file(path, 0, NULL);
    ck_assert_ptr_nonnull(j);
    edit(j);
    ck_assert_int_eq(json_dump_file(j, path, JSON_INDENT(2)), 0);
    json_decref(j);
}

static void drop_formats(json_t *j)
{
    json_object_del(j, "format");
    json_object_del(json_object_get(j, "meta"), "format");
}

static void first_formats(json_t *j)
{
    json_object_set_new(j, "format", json_string("pbench-summary/1"));
}

static void future_format(json_t *j)
{
    json_object_set_new(j, "format", json_string("pbench-summary/9"));
}

static void future_meta_format(json_t *j)
{
    json_object_set_new(json_object_get(j, "meta"), "format", json_string("pbench-meta/9"));
}

START_TEST(file_without_format_loads)
{
    struct pb_error err;
    struct pb_summary *want = hand_made(tmp), *s;

    save_edited(drop_formats);
    s = pb_summary_load(tmp, &err);
    ck_assert_msg(s != NULL, "%s", err.msg);
    summary_eq(want, s);
    pb_summary_free(s);
    save_edited(first_formats);
    s = pb_summary_load(tmp, &err);
    ck_assert_msg(s != NULL, "%s", err.msg);
    summary_eq(want, s);
    pb_summary_free(s);
    pb_summary_free(want);
}
END_TEST

START_TEST(unknown_format_refused)
{
    save_edited(future_format);
    expect_error(tmp, "summary.json",
                 "format 'pbench-summary/9' is not one this pbench reads "
                 "(pbench-summary/1, pbench-summary/2)");
    save_edited(future_meta_format);
    expect_error(tmp, "summary.json", "format 'pbench-meta/9' is not one this pbench reads");
    /* meta.json wins over the copy: its format is checked as well */
    save_edited(drop_formats);
    free(tu_write_file(tmp, "meta.json", "{\"format\": \"pbench-meta/3\"}\n"));
    expect_error(tmp, "meta.json", "format 'pbench-meta/3' is not one");
}
END_TEST

Suite *summary_suite(void)
{
    Suite *s = suite_create("summary");
    TCase *core = tcase_create("core");
    TCase *merge = tcase_create("merge");
    TCase *errors = tcase_create("errors");
    TCase *store = tcase_create("store");

    tcase_add_checked_fixture(core, setup, teardown);
    tcase_add_test(core, loads_small_fixture);
    tcase_add_test(core, loads_failed_fixture);
    tcase_add_test(core, meta_falls_back_to_summary_copy);
    tcase_add_test(core, free_null_is_noop);
    tcase_add_test(core, summary_without_lower_bound_flag_loads);
    tcase_add_test(core, summary_with_wall_bound_alone_loads);
    suite_add_tcase(s, core);

    tcase_add_test(merge, set_takes_latest_run);
    suite_add_tcase(s, merge);

    tcase_add_checked_fixture(errors, setup, teardown);
    tcase_add_test(errors, missing_dir);
    tcase_add_test(errors, not_a_dir);
    tcase_add_test(errors, empty_dir);
    tcase_add_test(errors, unfinished_run);
    tcase_add_test(errors, corrupt_fixture);
    tcase_add_test(errors, corrupt_meta);
    tcase_add_test(errors, wrong_types);
    tcase_add_test(errors, set_reports_bad_dir);
    suite_add_tcase(s, errors);

    tcase_add_checked_fixture(store, setup, teardown);
    tcase_add_test(store, save_load_round_trip);
    tcase_add_test(store, csv_content);
    tcase_add_test(store, file_without_format_loads);
    tcase_add_test(store, unknown_format_refused);
    suite_add_tcase(s, store);
    return s;
}
