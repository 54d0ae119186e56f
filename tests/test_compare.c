/* compare: one results directory against another (analysis/compare.c),
 * on hand-built summaries; its terminal, Markdown, JSON and chart
 * outputs, and the report's comparison section on the fixtures. */
#include <check.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "analysis/compare.h"
#include "output/chart_compare.h"
#include "output/compare_json.h"
#include "output/compare_md.h"
#include "output/compare_table.h"
#include "output/plot.h"
#include "output/report.h"
#include "store/resolved.h"
#include "analysis/stats.h"
#include "store/summary.h"
#include "testutil.h"
#include "util/rng.h"

#define FIX PB_FIXTURES_DIR
#define EPS 1e-9

/* ---- hand-built summaries and resolved configs ---- */

/* A summary of dir: baseline plain, 95%, one machine and interpreter. */
static struct pb_summary *summary(const char *dir)
{
    struct pb_summary *s = pb_summary_new(dir);

    ck_assert_ptr_nonnull(s);
    s->baseline = pb_summary_intern(s, "plain");
    s->confidence = 0.95;
    ck_assert_int_eq(pb_meta_set(&s->meta.hostname, "bench-01"), 0);
    ck_assert_int_eq(pb_meta_set(&s->meta.cpu_model, "Xeon E5"), 0);
    ck_assert_int_eq(pb_meta_set(&s->meta.python_path, "/v/bin/python"), 0);
    ck_assert_int_eq(pb_meta_set(&s->meta.python_version, "3.11.2"), 0);
    ck_assert_int_eq(pb_meta_set(&s->meta.python_implementation, "CPython"), 0);
    return s;
}

static struct pb_ratio ratio(double v, double lo, double hi)
{
    return (struct pb_ratio){ v, lo, hi };
}

/* Adds the pair (w, p[, py]): ok, 5 runs, wall v [lo, hi], CPU and
 * memory unknown. Returns its index (pointers move as pairs grow). */
static size_t add_pair_on(struct pb_summary *s, const char *w, const char *p, const char *py,
                          double v, double lo, double hi)
{
    struct pb_pair *n = realloc(s->pairs, (s->npairs + 1) * sizeof *n);

    ck_assert_ptr_nonnull(n);
    s->pairs = n;
    n[s->npairs] = (struct pb_pair){ .workload = pb_summary_intern(s, w),
                                     .profiler = pb_summary_intern(s, p),
                                     .python = py ? pb_summary_intern(s, py) : NULL,
                                     .status = PB_PAIR_OK, .runs = 5, .planned = 5,
                                     .wall = ratio(v, lo, hi), .cpu = ratio(NAN, NAN, NAN),
                                     .mem = ratio(NAN, NAN, NAN), .wall_median_s = NAN,
                                     .cpu_median_s = NAN, .tree_peak_rss_median_kb = NAN,
                                     .timeout_s = 60, .precision = NAN };
    return s->npairs++;
}

static size_t add_pair(struct pb_summary *s, const char *w, const char *p, double v, double lo,
                       double hi)
{
    return add_pair_on(s, w, p, NULL, v, lo, hi);
}

/* The plain pair of w, its wall median median_s. */
static void add_plain(struct pb_summary *s, const char *w, double median_s)
{
    size_t i = add_pair(s, w, "plain", 1, 1, 1);

    s->pairs[i].wall_median_s = median_s;
}

/* Adds workload name (script, one arg) to r. */
static void add_workload(struct pb_resolved *r, const char *name, const char *script,
                         const char *arg)
{
    struct pb_resolved_workload *n = realloc(r->workloads, (r->nworkloads + 1) * sizeof *n);

    ck_assert_ptr_nonnull(n);
    r->workloads = n;
    n[r->nworkloads] = (struct pb_resolved_workload){ .name = strdup(name),
                                                      .script = strdup(script),
                                                      .size = NAN, .target = NAN };
    ck_assert_int_eq(pb_strv_push(&n[r->nworkloads].args, "--size"), 0);
    ck_assert_int_eq(pb_strv_push(&n[r->nworkloads].args, arg), 0);
    r->nworkloads++;
}

/* BASE and NEW of the core tests: w1 and w2 under plain and cProfile;
 * BASE also pyinstrument, NEW also austin (on w1 only). cProfile: w1
 * 2.0 -> 1.5 (faster), w2 3.0 -> 3.03 (the same). */
static struct pb_summary *base_s, *new_s;
static struct pb_resolved base_r, new_r;

static void setup(void)
{
    base_s = summary("runs/base");
    new_s = summary("runs/new");
    add_plain(base_s, "w1", 1.0);
    add_plain(base_s, "w2", 2.0);
    add_pair(base_s, "w1", "cProfile", 2.0, 1.9, 2.1);
    add_pair(base_s, "w2", "cProfile", 3.0, 2.85, 3.15);
    add_pair(base_s, "w1", "pyinstrument", 1.2, 1.1, 1.3);
    add_pair(base_s, "w2", "pyinstrument", 1.3, 1.2, 1.4);
    add_plain(new_s, "w1", 1.05);
    add_plain(new_s, "w2", 1.9);
    add_pair(new_s, "w1", "cProfile", 1.5, 1.45, 1.55);
    add_pair(new_s, "w2", "cProfile", 3.03, 2.9, 3.2);
    add_pair(new_s, "w1", "austin", 1.01, 1.0, 1.02);
    memset(&base_r, 0, sizeof base_r);
    memset(&new_r, 0, sizeof new_r);
    add_workload(&base_r, "w1", "/a/workloads/w1.py", "10");
    add_workload(&base_r, "w2", "/a/workloads/w2.py", "20");
    add_workload(&new_r, "w1", "/a/workloads/w1.py", "10");
    add_workload(&new_r, "w2", "/a/workloads/w2.py", "20");
}

static void teardown(void)
{
    pb_summary_free(base_s);
    pb_summary_free(new_s);
    pb_resolved_release(&base_r);
    pb_resolved_release(&new_r);
}

static struct pb_compare *compare(void)
{
    struct pb_error err;
    struct pb_compare *c = pb_compare_new(base_s, &base_r, new_s, &new_r, &err);

    ck_assert_msg(c != NULL, "%s", err.msg);
    return c;
}

static const struct pb_cmp_row *row(const struct pb_compare *c, const char *w, const char *p)
{
    for (size_t i = 0; i < c->nrows; i++)
        if (!strcmp(c->rows[i].workload, w) && !strcmp(c->rows[i].profiler, p))
            return &c->rows[i];
    ck_abort_msg("no row %s x %s", w, p);
    return NULL;
}

static const struct pb_cmp_mean *mean(const struct pb_compare *c, const char *label)
{
    for (size_t i = 0; i < c->nmeans; i++)
        if (!strcmp(c->means[i].label, label))
            return &c->means[i];
    ck_abort_msg("no mean of %s", label);
    return NULL;
}

/* The warning containing needle, or NULL. */
static const char *warning(const struct pb_compare *c, const char *needle)
{
    for (size_t i = 0; i < c->warnings.n; i++)
        if (strstr(c->warnings.v[i], needle))
            return c->warnings.v[i];
    return NULL;
}

/* The expected interval, straight from the formula of compare.h. */
static void expect_ci(const struct pb_ratio *b, const struct pb_ratio *n, double *lo, double *hi)
{
    double z = 1.959963984540054;
    double sb = (log(b->hi) - log(b->lo)) / (2 * z), sn = (log(n->hi) - log(n->lo)) / (2 * z);
    double c = (log(n->lo) + log(n->hi)) / 2 - (log(b->lo) + log(b->hi)) / 2;
    double se = sqrt(sb * sb + sn * sn);

    *lo = exp(c - z * se);
    *hi = exp(c + z * se);
}

/* ---- the interval of one ratio of ratios ---- */

START_TEST(ratio_interval_from_the_two_intervals)
{
    struct pb_ratio b = ratio(2.0, 1.9, 2.1), n = ratio(1.5, 1.45, 1.55);
    struct pb_cmp_ratio r = pb_compare_ratio(&b, 0.95, &n, 0.95, 1, 0.95);
    double lo, hi, hb, hn;

    ck_assert_double_eq_tol(r.value, 0.75, EPS);
    expect_ci(&b, &n, &lo, &hi);
    ck_assert_int_eq(r.has_ci, 1);
    ck_assert_double_eq_tol(r.lo, fmin(lo, r.value), 1e-6);
    ck_assert_double_eq_tol(r.hi, fmax(hi, r.value), 1e-6);
    /* at equal levels: the log half-width is the root sum of squares */
    hb = log(2.1 / 1.9) / 2;
    hn = log(1.55 / 1.45) / 2;
    ck_assert_double_eq_tol(log(hi / lo) / 2, sqrt(hb * hb + hn * hn), 1e-12);
    ck_assert(r.lo <= r.value && r.value <= r.hi);
    ck_assert_int_eq(r.verdict, PB_CMP_FASTER);
    ck_assert_str_eq(pb_compare_verdict_name(r.verdict), "faster");
}
END_TEST

START_TEST(ratio_verdicts)
{
    struct pb_ratio b = ratio(2.0, 1.9, 2.1);
    struct pb_ratio same = ratio(2.04, 1.94, 2.14), slower = ratio(2.6, 2.5, 2.7);
    struct pb_ratio one_run = ratio(1.0, 1.0, 1.0);
    struct pb_cmp_ratio r;

    r = pb_compare_ratio(&b, 0.95, &same, 0.95, 1, 0.95);
    ck_assert_int_eq(r.verdict, PB_CMP_SAME);
    ck_assert(r.lo < 1 && r.hi > 1);
    r = pb_compare_ratio(&b, 0.95, &slower, 0.95, 1, 0.95);
    ck_assert_int_eq(r.verdict, PB_CMP_SLOWER);
    ck_assert(r.lo > 1);
    /* a side of one run: the point alone, no verdict */
    r = pb_compare_ratio(&b, 0.95, &slower, 0.95, 0, 0.95);
    ck_assert_int_eq(r.has_ci, 0);
    ck_assert_int_eq(r.verdict, PB_CMP_UNKNOWN);
    ck_assert_double_eq_tol(r.value, 1.3, EPS);
    ck_assert(isnan(r.lo) && isnan(r.hi));
    /* an interval of no width is taken as given (zero spread) */
    r = pb_compare_ratio(&one_run, 0.95, &one_run, 0.95, 1, 0.95);
    ck_assert_int_eq(r.verdict, PB_CMP_SAME);
    /* unknown on a side: nothing */
    struct pb_ratio nan = ratio(NAN, NAN, NAN);
    r = pb_compare_ratio(&b, 0.95, &nan, 0.95, 1, 0.95);
    ck_assert(isnan(r.value));
    ck_assert_int_eq(r.verdict, PB_CMP_UNKNOWN);
}
END_TEST

/* Each stored interval is read at its own level; NAN: 95%. */
START_TEST(ratio_levels)
{
    struct pb_ratio b = ratio(2.0, 1.8, 2.2), n = ratio(2.0, 1.8, 2.2);
    struct pb_cmp_ratio r90 = pb_compare_ratio(&b, 0.90, &n, 0.90, 1, 0.95);
    struct pb_cmp_ratio r95 = pb_compare_ratio(&b, NAN, &n, NAN, 1, 0.95);
    double half = log(2.2 / 1.8) / 2;

    /* a 90% interval of the same width means a larger standard error */
    /* z from Student's t at 10^6 degrees of freedom: the normal's to 1e-6 */
    ck_assert_double_eq_tol(r90.se, sqrt(2) * half / 1.6448536269514722, 1e-6);
    ck_assert_double_eq_tol(r95.se, sqrt(2) * half / 1.959963984540054, 1e-6);
    ck_assert(r90.hi > r95.hi);
}
END_TEST

START_TEST(geomean_of_ratios)
{
    struct pb_ratio b1 = ratio(2.0, 1.9, 2.1), n1 = ratio(1.0, 0.95, 1.05);
    struct pb_ratio b2 = ratio(1.0, 0.9, 1.1), n2 = ratio(2.0, 1.9, 2.1);
    struct pb_cmp_ratio r1 = pb_compare_ratio(&b1, 0.95, &n1, 0.95, 1, 0.95);
    struct pb_cmp_ratio r2 = pb_compare_ratio(&b2, 0.95, &n2, 0.95, 1, 0.95);
    struct pb_cmp_ratio r3 = pb_compare_ratio(&b2, 0.95, &n2, 0.95, 0, 0.95);
    const struct pb_cmp_ratio *two[] = { &r1, &r2 }, *mixed[] = { &r1, &r3 };
    struct pb_cmp_ratio m = pb_compare_geomean(two, 2, 0.95);

    ck_assert_double_eq_tol(m.value, 1.0, EPS);             /* sqrt(0.5 x 2) */
    ck_assert_double_eq_tol(m.centre, (r1.centre + r2.centre) / 2, EPS);
    ck_assert_double_eq_tol(m.se, sqrt(r1.se * r1.se + r2.se * r2.se) / 2, EPS);
    ck_assert_double_eq_tol(m.lo, fmin(exp(m.centre - 1.959963984540054 * m.se), m.value), 1e-6);
    ck_assert_int_eq(m.verdict, PB_CMP_SAME);
    /* one without an interval: the mean has none */
    m = pb_compare_geomean(mixed, 2, 0.95);
    ck_assert_double_eq_tol(m.value, 1.0, EPS);
    ck_assert_int_eq(m.has_ci, 0);
    ck_assert_int_eq(m.verdict, PB_CMP_UNKNOWN);
    m = pb_compare_geomean(two, 0, 0.95);
    ck_assert(isnan(m.value));
}
END_TEST

/* A standard normal deviate (Box-Muller). */
static double gauss(struct pb_rng *g)
{
    double u = pb_rng_unit(g), v = pb_rng_unit(g);

    return sqrt(-2 * log(1 - u)) * cos(2 * M_PI * v);
}

/* One run's stored wall ratio, as the aggregation makes it: n log-normal
 * runs a side (spread sd) of a profiler costing `truth`, through
 * pb_stats_ratio_logt_ci. */
static struct pb_ratio simulated_run(struct pb_rng *g, int n, double sd, double truth)
{
    double p[32], b[32];
    struct pb_ci ci;
    struct pb_error err;

    for (int i = 0; i < n; i++) {
        p[i] = truth * exp(sd * gauss(g));
        b[i] = exp(sd * gauss(g));
    }
    ck_assert_int_eq(pb_stats_ratio_logt_ci(p, (size_t)n, b, (size_t)n, 0.95, &ci, &err), 0);
    return ratio(ci.value, ci.lo, ci.hi);
}

/* Two runs of the same profiler: the 95% interval of NEW/BASE holds 1 at
 * least 95% of the time (reading log-t intervals as normal is
 * conservative: about 99% at 3 runs a side), and not much more from 10
 * runs on, where the t is near the normal. Printed, as test_stats does. */
START_TEST(interval_coverage_by_simulation)
{
    static const int runs[] = { 3, 5, 10 };
    struct pb_rng g;

    pb_rng_seed(&g, 12);
    for (size_t k = 0; k < sizeof runs / sizeof *runs; k++) {
        int cover = 0, n = 4000;
        for (int i = 0; i < n; i++) {
            struct pb_ratio x = simulated_run(&g, runs[k], 0.05, 2.0);
            struct pb_ratio y = simulated_run(&g, runs[k], 0.05, 2.0);
            struct pb_cmp_ratio r = pb_compare_ratio(&x, 0.95, &y, 0.95, 1, 0.95);
            cover += r.lo <= 1 && 1 <= r.hi;
        }
        printf("compare: %d runs a side: NEW/BASE 95%% interval covers 1 in %.1f%%\n", runs[k],
               100.0 * cover / n);
        ck_assert_msg(cover >= 0.94 * n, "%d runs: coverage %.3f", runs[k], (double)cover / n);
        ck_assert_msg(runs[k] < 10 || cover <= 0.975 * n, "%d runs: coverage %.3f: too wide",
                      runs[k], (double)cover / n);
    }
}
END_TEST

/* ---- the comparison of two runs ---- */

START_TEST(rows_means_and_one_sided_pairs)
{
    struct pb_compare *c = compare();
    const struct pb_cmp_row *r1 = row(c, "w1", "cProfile"), *r2 = row(c, "w2", "cProfile");
    const struct pb_cmp_mean *m = mean(c, "cProfile");

    ck_assert_uint_eq(c->nrows, 2);                 /* plain is no row */
    ck_assert_int_eq(r1->kind, PB_CMP_COMPARED);
    ck_assert_double_eq_tol(r1->wall.value, 0.75, EPS);
    ck_assert_int_eq(r1->wall.verdict, PB_CMP_FASTER);
    ck_assert_int_eq(r2->wall.verdict, PB_CMP_SAME);
    ck_assert_uint_eq(c->nmeans, 1);
    ck_assert_int_eq(m->nwall, 2);
    ck_assert_double_eq_tol(m->wall.value, sqrt(0.75 * 1.01), EPS);
    ck_assert_int_eq(m->wall.has_ci, 1);
    ck_assert(isnan(m->cpu.value));                 /* no CPU figures */
    ck_assert_int_eq(c->overall.nwall, 2);
    ck_assert_int_eq(c->overall.wall.has_ci, 0);
    ck_assert_uint_eq(c->nonly_base, 2);
    ck_assert_str_eq(c->only_base[0].profiler, "pyinstrument");
    ck_assert_uint_eq(c->nonly_new, 1);
    ck_assert_str_eq(c->only_new[0].profiler, "austin");
    ck_assert_uint_eq(c->warnings.n, 0);            /* one machine, one interpreter */
    ck_assert_double_eq_tol(c->level, 0.95, EPS);
    pb_compare_free(c);
}
END_TEST

START_TEST(cpu_and_memory_when_present)
{
    struct pb_compare *c;

    base_s->pairs[2].cpu = ratio(2.0, 1.9, 2.1);
    new_s->pairs[2].cpu = ratio(3.0, 2.9, 3.1);
    base_s->pairs[2].mem = ratio(1.5, 1.45, 1.55);
    new_s->pairs[2].mem = ratio(1.5, 1.45, 1.55);
    c = compare();
    ck_assert_double_eq_tol(row(c, "w1", "cProfile")->cpu.value, 1.5, EPS);
    ck_assert_int_eq(row(c, "w1", "cProfile")->cpu.verdict, PB_CMP_SLOWER);
    ck_assert_int_eq(row(c, "w1", "cProfile")->mem.verdict, PB_CMP_SAME);
    ck_assert_int_eq(mean(c, "cProfile")->ncpu, 1);
    ck_assert_double_eq_tol(mean(c, "cProfile")->cpu.value, 1.5, EPS);
    pb_compare_free(c);
}
END_TEST

START_TEST(different_args_are_not_comparable)
{
    struct pb_compare *c;
    const struct pb_cmp_row *r;

    free(new_r.workloads[1].args.v[1]);
    new_r.workloads[1].args.v[1] = strdup("25");
    c = compare();
    r = row(c, "w2", "cProfile");
    ck_assert_int_eq(r->kind, PB_CMP_NOT_COMPARABLE);
    ck_assert_ptr_nonnull(strstr(r->why, "args differ"));
    ck_assert_ptr_nonnull(strstr(r->why, "'--size 20'"));
    ck_assert_ptr_nonnull(strstr(r->why, "'--size 25'"));
    /* left out of the mean, which is w1's ratio alone */
    ck_assert_int_eq(mean(c, "cProfile")->nwall, 1);
    ck_assert_int_eq(mean(c, "cProfile")->nnot_comparable, 1);
    ck_assert_double_eq_tol(mean(c, "cProfile")->wall.value, 0.75, EPS);
    ck_assert_int_eq(c->overall.nwall, 1);
    pb_compare_free(c);
}
END_TEST

START_TEST(different_script_or_size_are_not_comparable)
{
    struct pb_compare *c;

    free(new_r.workloads[0].script);
    new_r.workloads[0].script = strdup("/a/workloads/other.py");
    new_r.workloads[1].size = 20;           /* args the same, sizes not */
    c = compare();
    ck_assert_int_eq(row(c, "w1", "cProfile")->kind, PB_CMP_NOT_COMPARABLE);
    ck_assert_ptr_nonnull(strstr(row(c, "w1", "cProfile")->why, "script differs"));
    ck_assert_int_eq(row(c, "w2", "cProfile")->kind, PB_CMP_NOT_COMPARABLE);
    ck_assert_ptr_nonnull(strstr(row(c, "w2", "cProfile")->why, "size differs"));
    ck_assert_int_eq(mean(c, "cProfile")->nwall, 0);
    ck_assert(isnan(mean(c, "cProfile")->wall.value));
    pb_compare_free(c);
}
END_TEST

/* The same file elsewhere (another checkout) compares, with a warning. */
START_TEST(scripts_elsewhere_compare_by_file_name)
{
    struct pb_compare *c;

    for (size_t i = 0; i < 2; i++) {
        char *s = new_r.workloads[i].script;
        char buf[256];
        snprintf(buf, sizeof buf, "/home/other/pbench/workloads/%s", strrchr(s, '/') + 1);
        free(s);
        new_r.workloads[i].script = strdup(buf);
    }
    c = compare();
    ck_assert_int_eq(row(c, "w1", "cProfile")->kind, PB_CMP_COMPARED);
    ck_assert_ptr_nonnull(warning(c, "other directories (BASE /a/workloads, NEW "
                                     "/home/other/pbench/workloads)"));
    pb_compare_free(c);
}
END_TEST

START_TEST(unknown_configs_are_a_warning)
{
    struct pb_error err;
    struct pb_compare *c = pb_compare_new(base_s, &base_r, new_s, NULL, &err);

    ck_assert_ptr_nonnull(c);
    ck_assert_ptr_nonnull(warning(c, "cannot be checked"));
    ck_assert_int_eq(mean(c, "cProfile")->nwall, 2);
    pb_compare_free(c);
    /* a workload missing from one config cannot be checked: not compared */
    free(new_r.workloads[1].name);
    new_r.workloads[1].name = strdup("w3");
    c = compare();
    ck_assert_int_eq(row(c, "w2", "cProfile")->kind, PB_CMP_NOT_COMPARABLE);
    ck_assert_ptr_nonnull(strstr(row(c, "w2", "cProfile")->why, "not in NEW's"));
    pb_compare_free(c);
}
END_TEST

START_TEST(timeouts_are_bounds)
{
    struct pb_compare *c;
    const struct pb_cmp_row *r;

    new_s->pairs[3].status = PB_PAIR_TIMEOUT;       /* w2 x cProfile: NEW timed out */
    new_s->pairs[3].lower_bound = 1;
    new_s->pairs[3].wall = ratio(6.0, 6.0, 6.0);
    c = compare();
    r = row(c, "w2", "cProfile");
    ck_assert_int_eq(r->kind, PB_CMP_BOUND);
    ck_assert_int_eq(r->bound_dir, 1);
    ck_assert_double_eq_tol(r->wall.value, 2.0, EPS);
    ck_assert_int_eq(r->wall.verdict, PB_CMP_UNKNOWN);
    ck_assert_int_eq(mean(c, "cProfile")->nwall, 1);
    ck_assert_int_eq(mean(c, "cProfile")->nbound, 1);
    pb_compare_free(c);

    base_s->pairs[3].status = PB_PAIR_TIMEOUT;      /* both timed out */
    base_s->pairs[3].lower_bound = 1;
    c = compare();
    ck_assert_int_eq(row(c, "w2", "cProfile")->bound_dir, 0);
    ck_assert(isnan(row(c, "w2", "cProfile")->wall.value));
    pb_compare_free(c);

    new_s->pairs[3] = new_s->pairs[2];              /* only BASE timed out: at most */
    new_s->pairs[3].workload = pb_summary_intern(new_s, "w2");
    c = compare();
    ck_assert_int_eq(row(c, "w2", "cProfile")->bound_dir, -1);
    pb_compare_free(c);
}
END_TEST

START_TEST(failures_and_partial_pairs)
{
    struct pb_compare *c;
    const struct pb_cmp_row *r;

    new_s->pairs[3].status = PB_PAIR_FAILED;
    new_s->pairs[3].wall = ratio(NAN, NAN, NAN);
    new_s->pairs[3].failure_reason = pb_summary_intern(new_s, "exited with status 1: boom");
    base_s->pairs[2].status = PB_PAIR_PARTIAL;
    c = compare();
    r = row(c, "w2", "cProfile");
    ck_assert_int_eq(r->kind, PB_CMP_FAILED);
    ck_assert_str_eq(r->why, "failed in NEW: exited with status 1: boom");
    ck_assert_int_eq(row(c, "w1", "cProfile")->partial, 1);
    ck_assert_int_eq(row(c, "w1", "cProfile")->kind, PB_CMP_COMPARED);
    ck_assert_int_eq(mean(c, "cProfile")->nfailed, 1);
    ck_assert_int_eq(mean(c, "cProfile")->nwall, 1);
    pb_compare_free(c);
}
END_TEST

/* A side of one run has an interval of no spread: no verdict, and no
 * interval for the mean it is in. */
START_TEST(one_run_gives_no_verdict)
{
    struct pb_compare *c;

    new_s->pairs[2].runs = 1;
    c = compare();
    ck_assert_int_eq(row(c, "w1", "cProfile")->wall.has_ci, 0);
    ck_assert_int_eq(row(c, "w1", "cProfile")->wall.verdict, PB_CMP_UNKNOWN);
    ck_assert_int_eq(mean(c, "cProfile")->wall.has_ci, 0);
    ck_assert_int_eq(mean(c, "cProfile")->nwall, 2);
    pb_compare_free(c);
}
END_TEST

START_TEST(machines_interpreters_and_baselines_are_warned)
{
    struct pb_compare *c;

    ck_assert_int_eq(pb_meta_set(&new_s->meta.hostname, "laptop"), 0);
    ck_assert_int_eq(pb_meta_set(&new_s->meta.python_version, "3.12.1"), 0);
    new_s->baseline = pb_summary_intern(new_s, "none");
    c = compare();
    ck_assert_ptr_nonnull(warning(c, "different machines: BASE ran on 'bench-01' (Xeon E5), NEW "
                                     "on 'laptop' (Xeon E5)"));
    ck_assert_ptr_nonnull(warning(c, "different interpreters: BASE ran CPython 3.11.2"));
    ck_assert_ptr_nonnull(warning(c, "NEW CPython 3.12.1"));
    ck_assert_ptr_nonnull(warning(c, "different baselines: BASE 'plain', NEW 'none'"));
    pb_compare_free(c);

    /* the same version elsewhere: a warning of its own */
    ck_assert_int_eq(pb_meta_set(&new_s->meta.python_version, "3.11.2"), 0);
    ck_assert_int_eq(pb_meta_set(&new_s->meta.python_path, "/w/bin/python"), 0);
    c = compare();
    ck_assert_ptr_null(warning(c, "different interpreters"));
    ck_assert_ptr_nonnull(warning(c, "interpreters at different paths: BASE /v/bin/python, NEW "
                                     "/w/bin/python"));
    pb_compare_free(c);
}
END_TEST

START_TEST(plain_time_drift_is_warned)
{
    struct pb_compare *c;

    new_s->pairs[1].wall_median_s = 3.0;            /* plain w2: 2.0 s -> 3.0 s */
    add_pair(new_s, "w2", "pyinstrument", 1.3, 1.2, 1.4);   /* w2 has two rows */
    c = compare();
    ck_assert_ptr_nonnull(warning(c, "w2 2 s -> 3 s (+50%)"));
    ck_assert_ptr_null(warning(c, "w2 2 s -> 3 s (+50%), w2"));     /* once */
    ck_assert_ptr_null(warning(c, "w1 "));           /* +5%: within the drift */
    pb_compare_free(c);
}
END_TEST

/* With pythons: pairs match per interpreter, each its own mean, and the
 * interpreters are compared per label. */
START_TEST(python_axis)
{
    struct pb_summary *x = summary("px"), *y = summary("py");
    struct pb_resolved rx = { 0 }, ry = { 0 };
    struct pb_meta_python *p;
    struct pb_error err;
    struct pb_compare *c;
    const char *labels[] = { "3.11", "3.12" };

    for (int k = 0; k < 2; k++) {
        add_pair_on(x, "w1", "plain", labels[k], 1, 1, 1);
        add_pair_on(x, "w1", "cProfile", labels[k], 2.0, 1.9, 2.1);
        add_pair_on(y, "w1", "plain", labels[k], 1, 1, 1);
        add_pair_on(y, "w1", "cProfile", labels[k], k ? 3.0 : 2.0, k ? 2.9 : 1.9, k ? 3.1 : 2.1);
        for (int s = 0; s < 2; s++) {
            struct pb_resolved *r = s ? &ry : &rx;
            char name[64];
            snprintf(name, sizeof name, "w1@py%s", labels[k]);
            /* on 3.12, NEW ran it with other args */
            add_workload(r, name, "/a/w1.py", !k ? "11" : s ? "13" : "12");
            r->workloads[r->nworkloads - 1].given = strdup("w1");
            r->workloads[r->nworkloads - 1].python = strdup(labels[k]);
        }
        p = pb_meta_add_python(&x->meta);
        p->label = strdup(labels[k]);
        p->version = strdup(k ? "3.12.1" : "3.11.2");
        p = pb_meta_add_python(&y->meta);
        p->label = strdup(labels[k]);
        p->version = strdup(k ? "3.12.4" : "3.11.2");
    }
    c = pb_compare_new(x, &rx, y, &ry, &err);
    ck_assert_ptr_nonnull(c);
    ck_assert_uint_eq(c->nrows, 2);
    ck_assert_uint_eq(c->nmeans, 2);
    ck_assert_str_eq(c->means[0].label, "cProfile (3.11)");
    ck_assert_double_eq_tol(c->means[0].wall.value, 1.0, EPS);
    ck_assert_str_eq(c->means[1].label, "cProfile (3.12)");
    /* each interpreter's workload checked against its own */
    ck_assert_int_eq(c->rows[0].kind, PB_CMP_COMPARED);
    ck_assert_int_eq(c->rows[1].kind, PB_CMP_NOT_COMPARABLE);
    ck_assert_ptr_nonnull(strstr(c->rows[1].why, "'--size 12', NEW '--size 13'"));
    ck_assert_int_eq(c->means[1].nnot_comparable, 1);
    ck_assert_ptr_nonnull(warning(c, "on 3.12: different interpreters"));
    ck_assert_ptr_null(warning(c, "on 3.11:"));
    pb_compare_free(c);
    pb_resolved_release(&rx);
    pb_resolved_release(&ry);
    pb_summary_free(x);
    pb_summary_free(y);
}
END_TEST

/* ---- what it prints and writes ---- */

/* What fn writes about a comparison, as a string. Caller frees. */
static char *printed(const struct pb_compare *c, int markdown)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);

    ck_assert_ptr_nonnull(f);
    if (markdown)
        pb_compare_markdown(f, c, 3);
    else
        pb_compare_print(f, c);
    fclose(f);
    return buf;
}

/* The line of text that contains needle, or fails. */
static void line_has(const char *text, const char *needle, const char *also)
{
    const char *p = strstr(text, needle), *s, *e;
    char line[1024];

    ck_assert_msg(p != NULL, "no '%s' in:\n%s", needle, text);
    for (s = p; s > text && s[-1] != '\n'; s--)
        ;
    e = strchr(p, '\n');
    snprintf(line, sizeof line, "%.*s", (int)(e ? e - s : (long)strlen(s)), s);
    ck_assert_msg(strstr(line, also) != NULL, "'%s' lacks '%s'", line, also);
}

START_TEST(terminal_table)
{
    struct pb_compare *c;
    char *text;

    free(new_r.workloads[1].args.v[1]);
    new_r.workloads[1].args.v[1] = strdup("25");
    ck_assert_int_eq(pb_meta_set(&new_s->meta.hostname, "laptop"), 0);
    ck_assert_int_eq(pb_meta_set_profiler(&base_s->meta, "cProfile", "prof 1.0"), 0);
    ck_assert_int_eq(pb_meta_set_profiler(&new_s->meta, "cProfile", "prof 2.0"), 0);
    c = compare();
    text = printed(c, 0);
    ck_assert_ptr_nonnull(strstr(text, "  cProfile: prof 1.0 -> prof 2.0\n"));
    /* the warnings first, before any table */
    ck_assert_ptr_nonnull(strstr(text, "warning: different machines"));
    ck_assert(strstr(text, "warning: different machines") < strstr(text, "Per profiler"));
    line_has(text, "BASE  runs/base", "BASE");
    line_has(text, "NEW   runs/new", "NEW");
    /* w1: 0.75 faster, i.e. 1.33x */
    line_has(text, "0.75x [", "1.33x faster");
    line_has(text, "cProfile         0.75x", "1 (left out: 1 not comparable)");
    ck_assert_ptr_nonnull(strstr(text, "Not comparable"));
    line_has(text, "w2 x cProfile:", "args differ: BASE '--size 20', NEW '--size 25'");
    line_has(text, "Only in BASE (2 pairs)", "BASE");
    line_has(text, "  pyinstrument:", "w1, w2");
    line_has(text, "  austin:", "w1");
    free(text);
    pb_compare_free(c);
}
END_TEST

START_TEST(markdown_tables)
{
    struct pb_compare *c;
    char *text;

    free(new_r.workloads[1].args.v[1]);
    new_r.workloads[1].args.v[1] = strdup("a|b");
    ck_assert_int_eq(pb_meta_set_profiler(&new_s->meta, "cProfile", "prof 2.0"), 0);
    c = compare();
    text = printed(c, 1);
    ck_assert_ptr_nonnull(strstr(text, "| cProfile | unknown → prof 2.0 |"));
    ck_assert_ptr_nonnull(strstr(text, "### Per profiler"));
    ck_assert_ptr_nonnull(strstr(text, "### Per pair"));
    line_has(text, "| cProfile | w1 | 2.00× | 1.50× | 0.75× (", "**1.33× faster**");
    /* a stored string cannot break the table */
    line_has(text, "| cProfile | w2 |", "not comparable: args differ: BASE '--size 20', "
                                        "NEW '--size a\\|b'");
    ck_assert_ptr_nonnull(strstr(text, "- pyinstrument: w1, w2"));
    free(text);
    pb_compare_free(c);
}
END_TEST

START_TEST(json_output)
{
    struct pb_compare *c = compare();
    const struct pb_compare *one[] = { c };
    json_t *j = pb_compare_json(one, 1), *cmp, *p, *r;
    char path[4096];
    char *dir = tu_mkdtemp();
    struct pb_error err;

    ck_assert_ptr_nonnull(j);
    ck_assert_str_eq(json_string_value(json_object_get(j, "format")), "pbench-compare/1");
    cmp = json_array_get(json_object_get(j, "comparisons"), 0);
    ck_assert_str_eq(json_string_value(json_object_get(cmp, "base")), "runs/base");
    p = json_array_get(json_object_get(cmp, "profilers"), 0);
    ck_assert_str_eq(json_string_value(json_object_get(p, "profiler")), "cProfile");
    ck_assert_int_eq(json_integer_value(json_object_get(p, "workloads")), 2);
    r = json_array_get(json_object_get(cmp, "pairs"), 0);
    ck_assert_str_eq(json_string_value(json_object_get(r, "kind")), "compared");
    ck_assert_str_eq(json_string_value(json_object_get(json_object_get(r, "wall"), "verdict")),
                     "faster");
    ck_assert_double_eq_tol(json_real_value(json_object_get(json_object_get(r, "wall"), "value")),
                            0.75, EPS);
    ck_assert(json_is_null(json_object_get(json_object_get(r, "cpu"), "value")));
    ck_assert_int_eq(json_array_size(json_object_get(cmp, "only_in_base")), 2);
    json_decref(j);

    snprintf(path, sizeof path, "%s/c.json", dir);
    ck_assert_msg(pb_compare_json_write(path, one, 1, &err) == 0, "%s", err.msg);
    ck_assert_int_eq(access(path, R_OK), 0);
    snprintf(path, sizeof path, "%s/no/such/c.json", dir);
    ck_assert_int_eq(pb_compare_json_write(path, one, 1, &err), -1);
    ck_assert_ptr_nonnull(strstr(err.msg, "c.json"));
    pb_compare_free(c);
    tu_rmtree(dir);
    free(dir);
}
END_TEST

/* A reason cut to length never ends in half a character: the JSON of it
 * can be built. */
START_TEST(long_text_stays_utf8)
{
    char arg[1400];
    struct pb_compare *c;
    const struct pb_compare *one[1];
    json_t *j;

    /* an odd offset, so that a cut at any even length halves an é */
    size_t i = 1;
    arg[0] = 'x';
    for (; i + 2 < sizeof arg; i += 2)
        memcpy(arg + i, "é", 2);
    arg[i] = '\0';
    free(new_r.workloads[1].args.v[1]);
    new_r.workloads[1].args.v[1] = strdup(arg);
    c = compare();
    one[0] = c;
    ck_assert_ptr_nonnull(row(c, "w2", "cProfile")->why);
    ck_assert_uint_lt(strlen(row(c, "w2", "cProfile")->why), 1024);
    j = pb_compare_json(one, 1);
    ck_assert_ptr_nonnull(j);
    json_decref(j);
    pb_compare_free(c);
}
END_TEST

/* ---- on the fixtures: loading, the chart, the report section ---- */

static char *tmp;

static void tmp_setup(void)
{
    tmp = tu_mkdtemp();
    ck_assert_ptr_nonnull(tmp);
}

static void tmp_teardown(void)
{
    tu_rmtree(tmp);
    free(tmp);
}

static struct pb_summary_set *load(const char *a, const char *b)
{
    const char *dirs[] = { a, b };
    struct pb_error err;
    struct pb_summary_set *set = pb_summary_set_load(dirs, b ? 2 : 1, &err);

    ck_assert_msg(set != NULL, "%s", err.msg);
    return set;
}

START_TEST(load_reads_the_configs)
{
    struct pb_summary_set *set = load(FIX "/results-small", FIX "/results-failed");
    struct pb_error err;
    struct pb_compare **cs;
    size_t n;
    char cmd[8192];

    cs = pb_compare_set(set, &n, &err);
    ck_assert_ptr_nonnull(cs);
    ck_assert_uint_eq(n, 1);
    ck_assert_uint_eq(cs[0]->warnings.n, 0);
    ck_assert_int_eq(mean(cs[0], "cProfile")->nwall, 3);
    ck_assert_int_eq(mean(cs[0], "scalene_full")->nfailed, 3);
    pb_compare_set_free(cs, n);
    pb_summary_set_free(set);

    /* without NEW's config-resolved.json: a warning naming the file */
    snprintf(cmd, sizeof cmd, "cp -r %s/results-failed %s/nocfg && rm %s/nocfg/config-resolved.json",
             FIX, tmp, tmp);
    ck_assert_int_eq(system(cmd), 0);
    snprintf(cmd, sizeof cmd, "%s/nocfg", tmp);
    set = load(FIX "/results-small", cmd);
    cs = pb_compare_set(set, &n, &err);
    ck_assert_ptr_nonnull(cs);
    ck_assert_msg(warning(cs[0], "NEW: cannot read '") && warning(cs[0], "nocfg/config-resolved.json"),
                  "%s", cs[0]->warnings.n ? cs[0]->warnings.v[0] : "(none)");
    ck_assert_ptr_nonnull(warning(cs[0], "cannot be checked"));
    pb_compare_set_free(cs, n);
    pb_summary_set_free(set);
}
END_TEST

START_TEST(chart_of_several_runs)
{
    struct pb_summary_set *set = load(FIX "/results-small", FIX "/results-failed");
    struct pb_error err;
    char path[4096], *gp, *dat;
    struct stat st;

    ck_assert_msg(pb_compare_plot_write_set(set, tmp, NULL, &err) == 0, "%s", err.msg);
    snprintf(path, sizeof path, "%s/compare.png", tmp);
    ck_assert_msg(stat(path, &st) == 0 && st.st_size > 1000, "no %s", path);
    snprintf(path, sizeof path, "%s/compare.svg", tmp);
    ck_assert_int_eq(stat(path, &st), 0);
    snprintf(path, sizeof path, "%s/compare.gp", tmp);
    gp = tu_read_file(path);
    ck_assert_ptr_nonnull(strstr(gp, "set logscale y"));
    /* the 1x line */
    ck_assert_ptr_nonnull(strstr(gp, "\nset arrow 1 from graph 0, first 1 to graph 1, first 1 nohead"));
    ck_assert_ptr_nonnull(strstr(gp, "with yerrorbars"));
    ck_assert_ptr_nonnull(strstr(gp, "'1.00×' 1.0000"));
    snprintf(path, sizeof path, "%s/compare.dat", tmp);
    dat = tu_read_file(path);
    /* one row per profiler with a mean: cProfile, memory_profiler, py_spy */
    ck_assert_ptr_nonnull(strstr(dat, "# cProfile"));
    ck_assert_ptr_nonnull(strstr(dat, "# py_spy"));
    ck_assert_ptr_null(strstr(dat, "# scalene_full"));      /* failed everywhere */
    free(gp);
    free(dat);
    pb_summary_set_free(set);

    /* one run: nothing to draw */
    set = load(FIX "/results-small", NULL);
    snprintf(path, sizeof path, "%s/one", tmp);
    ck_assert_int_eq(pb_compare_plot_write_set(set, path, NULL, &err), 1);
    ck_assert_int_ne(access(path, F_OK), 0);
    pb_summary_set_free(set);
}
END_TEST

START_TEST(report_section)
{
    struct pb_summary_set *set = load(FIX "/results-small", FIX "/results-failed");
    struct pb_error err;
    char md[4096], plots[4096], *text;

    snprintf(md, sizeof md, "%s/r.md", tmp);
    snprintf(plots, sizeof plots, "%s/plots", tmp);
    /* the chart not drawn: said so */
    ck_assert_msg(pb_report_write_set(set, md, plots, NULL, &err) == 0, "%s", err.msg);
    text = tu_read_file(md);
    ck_assert_ptr_nonnull(strstr(text, "## Compared with the first run"));
    ck_assert_ptr_nonnull(strstr(text, "### Run 2 against run 1"));
    ck_assert_ptr_nonnull(strstr(text, "Chart not found: compare.png"));
    line_has(text, "| cProfile | 3.11.2 (stdlib) | 0.99× (", "| 3 |");
    ck_assert(strstr(text, "## Compared with the first run") < strstr(text, "## Overhead per workload"));
    free(text);
    /* drawn: embedded */
    ck_assert_msg(pb_compare_plot_write_set(set, plots, NULL, &err) == 0, "%s", err.msg);
    ck_assert_msg(pb_report_write_set(set, md, plots, NULL, &err) == 0, "%s", err.msg);
    text = tu_read_file(md);
    ck_assert_ptr_nonnull(strstr(text, "](plots/compare.png)"));
    ck_assert_ptr_nonnull(strstr(text, "[SVG](plots/compare.svg)"));
    free(text);
    pb_summary_set_free(set);

    /* one run: no such section */
    set = load(FIX "/results-small", NULL);
    ck_assert_msg(pb_report_write_set(set, md, NULL, NULL, &err) == 0, "%s", err.msg);
    text = tu_read_file(md);
    ck_assert_ptr_null(strstr(text, "Compared with the first run"));
    free(text);
    pb_summary_set_free(set);
}
END_TEST

Suite *compare_suite(void)
{
    Suite *s = suite_create("compare");
    TCase *ratio_tc = tcase_create("ratio");
    tcase_add_test(ratio_tc, ratio_interval_from_the_two_intervals);
    tcase_add_test(ratio_tc, ratio_verdicts);
    tcase_add_test(ratio_tc, ratio_levels);
    tcase_add_test(ratio_tc, geomean_of_ratios);
    tcase_add_test(ratio_tc, interval_coverage_by_simulation);
    suite_add_tcase(s, ratio_tc);

    TCase *core = tcase_create("core");
    tcase_add_checked_fixture(core, setup, teardown);
    tcase_add_test(core, rows_means_and_one_sided_pairs);
    tcase_add_test(core, cpu_and_memory_when_present);
    tcase_add_test(core, different_args_are_not_comparable);
    tcase_add_test(core, different_script_or_size_are_not_comparable);
    tcase_add_test(core, scripts_elsewhere_compare_by_file_name);
    tcase_add_test(core, unknown_configs_are_a_warning);
    tcase_add_test(core, timeouts_are_bounds);
    tcase_add_test(core, failures_and_partial_pairs);
    tcase_add_test(core, one_run_gives_no_verdict);
    tcase_add_test(core, machines_interpreters_and_baselines_are_warned);
    tcase_add_test(core, plain_time_drift_is_warned);
    tcase_add_test(core, python_axis);
    suite_add_tcase(s, core);

    TCase *output = tcase_create("output");
    tcase_add_checked_fixture(output, setup, teardown);
    tcase_add_test(output, terminal_table);
    tcase_add_test(output, markdown_tables);
    tcase_add_test(output, json_output);
    tcase_add_test(output, long_text_stays_utf8);
    suite_add_tcase(s, output);

    TCase *stored = tcase_create("stored");
    tcase_add_checked_fixture(stored, tmp_setup, tmp_teardown);
    tcase_set_timeout(stored, 60);
    tcase_add_test(stored, load_reads_the_configs);
    tcase_add_test(stored, chart_of_several_runs);
    tcase_add_test(stored, report_section);
    suite_add_tcase(s, stored);
    return s;
}
