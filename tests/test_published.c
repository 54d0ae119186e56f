/* analysis/published: the median with lower bounds (when a timed-out
 * workload can move it and when it cannot), and the comparison of the
 * shipped Scalene reference with the stored fixtures: every row's state,
 * the measured medians, ranks, Kendall's tau and the swapped pairs; the
 * profilers on one side only. */
#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/published.h"
#include "testutil.h"

#define FIX PB_FIXTURES_DIR
#define SHIPPED PB_SOURCE_DIR "/configs/reference/scalene-osdi23.yaml"

static void median_is(const double *v, const int *bound, size_t n, double want, int want_lower)
{
    int lower = -1;
    double m = pb_published_median(v, bound, n, &lower);

    if (isnan(want))
        ck_assert_msg(isnan(m), "median %.17g, want NAN", m);
    else
        ck_assert_msg(m == want, "median %.17g, want %.17g", m, want);
    ck_assert_int_eq(lower, want_lower);
}

START_TEST(median_with_bounds)
{
    /* results-small's memory_profiler: julia and calls timed out at
     * 252x and 340x, above the median of the seven: it is exact */
    const double mp[] = { 251.8, 340.0, 257.2, 12.24, 147.6, 39.29, 1.284 };
    const int mpb[] = { 1, 1, 0, 0, 0, 0, 0 };
    const double three[] = { 1, 2, 3 }, four[] = { 1, 2, 3, 4 }, same[] = { 2, 2, 2 };
    const int at[] = { 0, 1, 0 }, below[] = { 1, 0, 0 }, above[] = { 0, 0, 1 };
    const int third[] = { 0, 0, 1, 0 }, last[] = { 0, 0, 0, 1 }, first[] = { 1, 0, 0 };

    median_is(mp, mpb, 7, 147.6, 0);
    median_is(mp, NULL, 7, 147.6, 0);
    median_is(three, at, 3, 2, 1);          /* the median itself is a bound */
    median_is(three, below, 3, 2, 1);       /* 1 could be 10: the median would be 3 */
    median_is(three, above, 3, 2, 0);       /* 3 can only grow: 2 stays the median */
    median_is(four, third, 4, 2.5, 1);      /* one of the middle two */
    median_is(four, last, 4, 2.5, 0);
    median_is(same, first, 3, 2, 0);        /* its equals hold the median at 2 */
    median_is(four, NULL, 0, NAN, 0);
    median_is(four + 3, last + 3, 1, 4, 1); /* one value, a bound */
}
END_TEST

static struct pb_summary_set *load_set(const char *dir)
{
    struct pb_error err;
    struct pb_summary_set *set = pb_summary_set_load(&dir, 1, &err);

    ck_assert_msg(set != NULL, "%s", err.msg);
    return set;
}

static struct pb_reference *load_ref(const char *path)
{
    struct pb_diags d = { 0 };
    struct pb_reference *r = pb_reference_load(path, &d);

    ck_assert_msg(r != NULL, "%s", d.n ? d.items[0].msg : "");
    return r;
}

static const struct pb_published_row *row_of(const struct pb_published *p, const char *paper)
{
    for (size_t i = 0; i < p->nrows; i++)
        if (!strcmp(p->rows[i].entry->paper, paper))
            return &p->rows[i];
    ck_abort_msg("no row '%s'", paper);
    return NULL;
}

START_TEST(scalene_table_against_results_small)
{
    struct pb_summary_set *set = load_set(FIX "/results-small");
    struct pb_reference *ref = load_ref(SHIPPED);
    struct pb_published p;
    struct pb_error err;
    const struct pb_published_row *r;

    ck_assert_int_eq(pb_published_compare(set, ref, NULL, &p, &err), 0);
    ck_assert_uint_eq(p.nrows, 17);
    ck_assert_uint_eq(p.ncompared, 12);
    ck_assert_uint_eq(p.nextra, 0);
    /* in published order, the file's order among equals */
    ck_assert_str_eq(p.rows[0].entry->paper, "austin_cpu");
    ck_assert_str_eq(p.rows[1].entry->paper, "austin_full");
    ck_assert_str_eq(p.rows[2].entry->paper, "py_spy");
    ck_assert_str_eq(p.rows[3].entry->paper, "pprofile_stat");
    ck_assert_str_eq(p.rows[16].entry->paper, "memory_profiler");
    for (size_t i = 1; i < p.nrows; i++)
        ck_assert(p.rows[i - 1].published <= p.rows[i].published);

    r = row_of(&p, "austin_cpu");
    ck_assert_int_eq(r->state, PB_PUBLISHED_NOT_IN_PBENCH);
    ck_assert_ptr_null(r->profiler);
    ck_assert(isnan(r->measured) && isnan(r->ratio));
    ck_assert_int_eq(r->rank_published, 0);

    /* cProfile's seven ratios 2.417 3.052 1.89 1.128 1.784 1.282 1.042 */
    r = row_of(&p, "cProfile");
    ck_assert_int_eq(r->state, PB_PUBLISHED_COMPARED);
    ck_assert(r->measured == 1.784);
    ck_assert_int_eq(r->measured_bound, 0);
    ck_assert_int_eq(r->workloads, 7);
    ck_assert_int_eq(r->bounds, 0);
    ck_assert(r->geomean == 1.678);
    ck_assert(fabs(r->ratio - 1.784 / 1.73) < 1e-12);
    ck_assert_int_eq(r->rank_published, 6);
    ck_assert_int_eq(r->rank_measured, 7);
    ck_assert_int_eq(r->swaps, 1);

    /* two timeouts above the median: in it, not making it a bound */
    r = row_of(&p, "memory_profiler");
    ck_assert(r->measured == 147.6);
    ck_assert_int_eq(r->measured_bound, 0);
    ck_assert_int_eq(r->workloads, 7);
    ck_assert_int_eq(r->bounds, 2);
    ck_assert(r->geomean == 57.21);
    ck_assert_int_eq(r->geomean_bound, 1);
    ck_assert_int_eq(r->rank_published, 12);
    ck_assert_int_eq(r->rank_measured, 12);

    /* the paper's three 1.02x share rank 1 */
    r = row_of(&p, "Scalene_cpu");
    ck_assert_str_eq(r->profiler, "scalene_cpu");
    ck_assert_int_eq(r->rank_published, 1);
    ck_assert_int_eq(r->tied_published, 1);
    ck_assert_int_eq(r->rank_measured, 3);
    ck_assert_int_eq(r->tied_measured, 0);

    /* tau-b from the medians above, worked out apart (60 concordant, 3
     * discordant, 3 tied in the paper: 57 / sqrt(63 * 66)) */
    ck_assert_uint_eq(p.tau.pairs, 66);
    ck_assert_uint_eq(p.tau.concordant, 60);
    ck_assert_uint_eq(p.tau.discordant, 3);
    ck_assert_uint_eq(p.tau.tied_x, 3);
    ck_assert_msg(fabs(p.tau.tau_b - 57 / sqrt(63.0 * 66.0)) < 1e-12, "%.17g", p.tau.tau_b);
    ck_assert_msg(fabs(p.tau.tau_b - 0.88396) < 1e-5, "%.17g", p.tau.tau_b);
    ck_assert_uint_eq(p.nswaps, 3);
    ck_assert_str_eq(p.swaps[0].cheaper->profiler, "scalene_full");
    ck_assert_str_eq(p.swaps[0].dearer->profiler, "pyinstrument");
    ck_assert_str_eq(p.swaps[1].cheaper->profiler, "scalene_full");
    ck_assert_str_eq(p.swaps[1].dearer->profiler, "line_profiler");
    ck_assert_str_eq(p.swaps[2].cheaper->profiler, "cProfile");
    ck_assert_str_eq(p.swaps[2].dearer->profiler, "line_profiler");
    pb_published_release(&p);
    pb_published_release(&p);
    pb_reference_free(ref);
    pb_summary_set_free(set);
}
END_TEST

/* results-failed: a profiler failed everywhere, another with its median
 * a bound, profilers of the reference absent, one measured that the
 * reference does not name. */
START_TEST(scalene_table_against_results_failed)
{
    struct pb_summary_set *set = load_set(FIX "/results-failed");
    struct pb_reference *ref = load_ref(SHIPPED);
    struct pb_published p;
    struct pb_error err;
    const struct pb_published_row *r;

    ck_assert_int_eq(pb_published_compare(set, ref, NULL, &p, &err), 0);
    ck_assert_uint_eq(p.ncompared, 3);
    ck_assert_int_eq(row_of(&p, "Scalene_full")->state, PB_PUBLISHED_NO_FIGURE);
    ck_assert_int_eq(row_of(&p, "yappi_wall")->state, PB_PUBLISHED_NOT_MEASURED);
    ck_assert_int_eq(row_of(&p, "fil")->state, PB_PUBLISHED_NOT_IN_PBENCH);
    /* 99.4x and 119x timed out, 1.27x finished: the median is a bound */
    r = row_of(&p, "memory_profiler");
    ck_assert(r->measured == 99.38);
    ck_assert_int_eq(r->measured_bound, 1);
    ck_assert_int_eq(r->bounds, 2);
    /* partial pairs count; failed ones do not */
    ck_assert(row_of(&p, "cProfile")->measured == 1.789);
    ck_assert_int_eq(row_of(&p, "py_spy")->workloads, 2);
    ck_assert(fabs(row_of(&p, "py_spy")->measured - (1.046 + 1.015) / 2) < 1e-12);
    ck_assert(p.tau.tau_b == 1);
    ck_assert_uint_eq(p.nswaps, 0);
    ck_assert_uint_eq(p.nextra, 1);
    ck_assert_str_eq(p.extra[0].profiler, "austin");
    ck_assert_int_eq(p.extra[0].state, PB_PUBLISHED_EXTRA);
    ck_assert(p.extra[0].measured == 1.005);
    ck_assert_ptr_null(p.extra[0].entry);
    pb_published_release(&p);
    pb_reference_free(ref);
    pb_summary_set_free(set);
}
END_TEST

/* One profiler compared: no tau; the rest measured-only, by value. */
START_TEST(too_few_to_rank)
{
    struct pb_summary_set *set = load_set(FIX "/results-small");
    char *dir = tu_mkdtemp();
    char *path = tu_write_file(dir, "one.yaml",
                               "format: pbench-reference/1\nname: one\n"
                               "source: {title: t, venue: v, table: t}\nstatistic: median\n"
                               "description: d\npython: p\n"
                               "profilers: [{paper: cP, pbench: cProfile, value: 2}]\n");
    struct pb_reference *ref = load_ref(path);
    struct pb_published p;
    struct pb_error err;

    ck_assert_int_eq(pb_published_compare(set, ref, NULL, &p, &err), 0);
    ck_assert_uint_eq(p.ncompared, 1);
    ck_assert(isnan(p.tau.tau_b));
    ck_assert_uint_eq(p.tau.pairs, 0);
    ck_assert_int_eq(p.rows[0].rank_published, 1);
    ck_assert_uint_eq(p.nextra, 11);
    ck_assert_str_eq(p.extra[0].profiler, "py_spy");
    ck_assert_str_eq(p.extra[10].profiler, "memory_profiler");
    for (size_t i = 1; i < p.nextra; i++)
        ck_assert(p.extra[i - 1].measured <= p.extra[i].measured);
    pb_published_release(&p);
    pb_reference_free(ref);
    pb_summary_set_free(set);
    tu_rmtree(dir);
    free(dir);
    free(path);
}
END_TEST

Suite *published_suite(void)
{
    Suite *s = suite_create("published");
    TCase *core = tcase_create("core");

    tcase_add_test(core, median_with_bounds);
    tcase_add_test(core, scalene_table_against_results_small);
    tcase_add_test(core, scalene_table_against_results_failed);
    tcase_add_test(core, too_few_to_rank);
    suite_add_tcase(s, core);
    return s;
}
