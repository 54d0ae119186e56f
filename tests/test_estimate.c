/* analysis/estimate: a matrix's duration from an earlier run's records:
 * each planned run at its pair's median, a pair that timed out at one
 * timeout, pairs never measured at the mean of the known runs, capped by
 * every run going to its timeout. */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/estimate.h"
#include "core/config.h"
#include "testutil.h"

static char *dir;
static struct pb_config *cfg;

static void setup(void)
{
    dir = tu_mkdtemp();
    free(tu_write_file(dir, "w.py", "pass\n"));
    cfg = tu_load_config(dir, "c.yaml",
        "python: /bin/sh\n"
        "defaults: {runs: 3, warmup: 1, timeout: 100}\n"
        "workloads:\n"
        "  - {name: a, script: w.py}\n"
        "  - {name: b, script: w.py}\n"
        "profilers:\n"
        "  - {name: plain, baseline: true, command: [x]}\n"
        "  - {name: slow, command: [x], timeout: 50}\n");
}

static void teardown(void)
{
    pb_config_free(cfg);
    tu_rmtree(dir);
    free(dir);
}

static void add(struct pb_run_list *l, const char *w, const char *p, enum pb_run_status st,
                double wall)
{
    struct pb_run_record r;
    memset(&r, 0, sizeof r);
    snprintf(r.workload, sizeof r.workload, "%s", w);
    snprintf(r.profiler, sizeof r.profiler, "%s", p);
    r.status = st;
    r.wall_s = wall;
    ck_assert_int_eq(pb_records_push(l, &r), 0);
}

START_TEST(bound_only_without_records)
{
    struct pb_estimate e;
    pb_estimate_plan(cfg, NULL, &e);
    /* 2 workloads x 2 profilers x (3 runs + 1 warm-up) */
    ck_assert_uint_eq(e.runs, 16);
    ck_assert_uint_eq(e.runs_known, 0);
    ck_assert(isnan(e.expected_s));
    ck_assert_double_eq_tol(e.at_most_s, 8 * 100.0 + 8 * 50.0, 1e-9);
}
END_TEST

START_TEST(medians_timeouts_and_the_unknown)
{
    struct pb_run_list l = { 0 };
    struct pb_estimate e;

    add(&l, "a", "plain", PB_RUN_OK, 1.0);
    add(&l, "a", "plain", PB_RUN_OK, 9.0);      /* an outlier: the median holds */
    add(&l, "a", "plain", PB_RUN_OK, 2.0);
    add(&l, "a", "slow", PB_RUN_TIMEOUT, 50.0);
    add(&l, "a", "slow", PB_RUN_SKIPPED, 0.0);  /* not run: no weight */
    add(&l, "b", "plain", PB_RUN_OK, 3.0);
    add(&l, "zzz", "plain", PB_RUN_OK, 1000.0); /* not in this matrix */
    pb_estimate_plan(cfg, &l, &e);
    ck_assert_uint_eq(e.runs, 16);
    ck_assert_uint_eq(e.runs_known, 12);
    /* a x plain 4 x 2; a x slow one timeout, 50; b x plain 4 x 3; b x slow
     * 4 runs at the known mean (8 + 50 + 12) / 12 */
    double known = 8 + 50 + 12;
    ck_assert_double_eq_tol(e.expected_s, known + 4 * known / 12, 1e-9);
    pb_records_release(&l);
}
END_TEST

START_TEST(capped_by_the_timeouts)
{
    struct pb_run_list l = { 0 };
    struct pb_estimate e;

    add(&l, "a", "plain", PB_RUN_OK, 500.0);    /* longer than its timeout now */
    pb_estimate_plan(cfg, &l, &e);
    ck_assert_double_eq_tol(e.expected_s, e.at_most_s, 1e-9);
    pb_records_release(&l);
}
END_TEST

Suite *estimate_suite(void)
{
    Suite *s = suite_create("estimate");
    TCase *tc = tcase_create("core");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, bound_only_without_records);
    tcase_add_test(tc, medians_timeouts_and_the_unknown);
    tcase_add_test(tc, capped_by_the_timeouts);
    suite_add_tcase(s, tc);
    return s;
}
