/* summary: loading results directories (docs/results-format.md) and
 * merging several into one view. */
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
    ck_assert(!pb_ratio_known(&p->cpu));
    ck_assert(!pb_ratio_known(&p->mem));
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
    /* its wall mean counts the 2 timed-out workloads at their lower bound */
    ck_assert(ps->wall_lower_bound);
    ck_assert(fabs(ps->wall.value - 57.21) < 1e-9);
    ck_assert(fabs(ps->cpu.value - 37.41) < 1e-9);     /* cpu: without them */
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
    json_array_foreach(json_object_get(s, "profilers"), i, v)
        ck_assert_int_eq(json_object_del(v, "wall_geomean_lower_bound"), 0);
    snprintf(path, sizeof path, "%s/summary.json", tmp);
    ck_assert_int_eq(json_dump_file(s, path, JSON_INDENT(2)), 0);
    json_decref(s);

    sum = pb_summary_load(tmp, &err);
    ck_assert_msg(sum != NULL, "%s", err.msg);
    for (i = 0; i < sum->nprofilers; i++)
        ck_assert(!sum->profilers[i].wall_lower_bound);
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
    ck_assert_int_eq(m->pairs_at_bound, 2);       /* both in its wall mean, at >= */
    ck_assert(m->sum->wall_lower_bound);
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

Suite *summary_suite(void)
{
    Suite *s = suite_create("summary");
    TCase *core = tcase_create("core");
    TCase *merge = tcase_create("merge");
    TCase *errors = tcase_create("errors");

    tcase_add_checked_fixture(core, setup, teardown);
    tcase_add_test(core, loads_small_fixture);
    tcase_add_test(core, loads_failed_fixture);
    tcase_add_test(core, meta_falls_back_to_summary_copy);
    tcase_add_test(core, free_null_is_noop);
    tcase_add_test(core, summary_without_lower_bound_flag_loads);
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
    return s;
}
