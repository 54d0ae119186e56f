/* Statistics: order statistics, log-t and bootstrap CIs of ratios, Student's
 * t quantiles, outliers, least squares. See stats.h for the contracts. */
#include <errno.h>
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/stats.h"

/* ---------------------------------------------------------------------
 * Order statistics.
 */

static void swapd(double *a, double *b)
{
    double t = *a;
    *a = *b;
    *b = t;
}

static double median3(double a, double b, double c)
{
    if (a < b)
        return b < c ? b : (a < c ? c : a);
    return a < c ? a : (b < c ? c : b);
}

static int cmp_double(const void *pa, const void *pb)
{
    double a = *(const double *)pa, b = *(const double *)pb;
    return (a > b) - (a < b);
}

static void insertion_sort(double *x, size_t n)
{
    for (size_t i = 1; i < n; i++) {
        double v = x[i];
        size_t j = i;
        while (j > 0 && x[j - 1] > v) {
            x[j] = x[j - 1];
            j--;
        }
        x[j] = v;
    }
}

double pb_stats_select(double *x, size_t n, size_t k)
{
    size_t lo = 0, hi = n - 1;   /* x[k] lies in x[lo..hi], inclusive */
    int budget = 2;

    for (size_t m = n; m > 1; m >>= 1)
        budget += 2;   /* ~2 log2(n) rounds before we give up on pivots */
    while (hi - lo > 16) {
        if (budget-- == 0) {   /* pivots keep failing: crafted input? */
            qsort(x + lo, hi - lo + 1, sizeof *x, cmp_double);
            return x[k];
        }
        double p = median3(x[lo], x[lo + (hi - lo) / 2], x[hi]);
        size_t lt = lo, i = lo, gt = hi;

        /* Three-way partition (Dijkstra): [lo,lt) < p, [lt,gt] == p,
         * (gt,hi] > p. Resamples are full of ties, which a two-way
         * partition handles badly. p is one of the values, so the middle
         * part is never empty and gt never falls below lo. */
        while (i <= gt) {
            if (x[i] < p)
                swapd(&x[lt++], &x[i++]);
            else if (x[i] > p)
                swapd(&x[i], &x[gt--]);
            else
                i++;
        }
        if (k < lt)
            hi = lt - 1;
        else if (k > gt)
            lo = gt + 1;
        else
            return x[k];
    }
    insertion_sort(x + lo, hi - lo + 1);
    return x[k];
}

/* Type-7 quantile of a[0..n), n >= 1, 0 <= q <= 1, no NAN; reorders a. */
static double quantile_inplace(double *a, size_t n, double q)
{
    double h = (double)(n - 1) * q;
    size_t i = (size_t)h;   /* floor, h >= 0 */
    double f = h - (double)i;
    double lo, hi;

    if (i >= n - 1)
        return pb_stats_select(a, n, n - 1);
    lo = pb_stats_select(a, n, i);
    if (f == 0)
        return lo;
    hi = a[i + 1];   /* select left a[i+1..n) all >= lo: take its minimum */
    for (size_t j = i + 2; j < n; j++)
        if (a[j] < hi)
            hi = a[j];
    return lo + f * (hi - lo);
}

static int has_nan(const double *x, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (isnan(x[i]))
            return 1;
    return 0;
}

#define SMALL_N 64   /* working copies up to this size live on the stack */

/* Working copy of x in stackbuf (n <= SMALL_N) or the heap; NULL when the
 * allocation fails. Release with free_copy. */
static double *copy_of(const double *x, size_t n, double *stackbuf)
{
    double *a = stackbuf;

    if (n > SMALL_N) {
        if (n > SIZE_MAX / sizeof *a)
            return NULL;
        a = malloc(n * sizeof *a);
        if (!a)
            return NULL;
    }
    memcpy(a, x, n * sizeof *a);
    return a;
}

static void free_copy(double *a, const double *stackbuf)
{
    if (a != stackbuf)
        free(a);
}

double pb_stats_quantile(const double *x, size_t n, double q)
{
    double stackbuf[SMALL_N], *a, r;

    if (n == 0 || !(q >= 0 && q <= 1) || has_nan(x, n))
        return NAN;
    a = copy_of(x, n, stackbuf);
    if (!a)
        return NAN;
    r = quantile_inplace(a, n, q);
    free_copy(a, stackbuf);
    return r;
}

double pb_stats_median(const double *x, size_t n)
{
    return pb_stats_quantile(x, n, 0.5);
}

double pb_stats_mean(const double *x, size_t n)
{
    double sum = 0;

    if (n == 0)
        return NAN;
    for (size_t i = 0; i < n; i++)
        sum += x[i];
    return sum / (double)n;
}

double pb_stats_mad(const double *x, size_t n)
{
    double stackbuf[SMALL_N], *a, med, r;

    if (n == 0 || has_nan(x, n))
        return NAN;
    a = copy_of(x, n, stackbuf);
    if (!a)
        return NAN;
    med = quantile_inplace(a, n, 0.5);
    for (size_t i = 0; i < n; i++)
        a[i] = fabs(x[i] - med);
    r = quantile_inplace(a, n, 0.5);
    free_copy(a, stackbuf);
    return r;
}

double pb_stats_geomean(const double *x, size_t n)
{
    double sum = 0;

    if (n == 0)
        return NAN;
    for (size_t i = 0; i < n; i++) {
        if (!(x[i] > 0))   /* also catches NAN */
            return NAN;
        sum += log(x[i]);
    }
    return exp(sum / (double)n);
}

/* ---------------------------------------------------------------------
 * Student's t distribution.
 */

/* Degrees of freedom beyond this are taken as this: the continued
 * fraction loses digits to cancellation as df grows (1e-7 relative at
 * 1e10), and the t at 1e6 is the normal to 1.2e-6 of a 95% quantile. */
#define T_MAX_DF 1e6

/* The continued fraction of the regularized incomplete beta function
 * I_x(a, b) (DLMF 8.17.22), evaluated by the modified Lentz method.
 * Converges quickly for x < (a + 1) / (a + b + 2); beyond, the caller
 * uses I_x(a, b) = 1 - I_(1-x)(b, a). Returns the fraction only: the
 * caller multiplies by x^a (1-x)^b / (a B(a, b)). */
static double beta_fraction(double a, double b, double x)
{
    const double tiny = 1e-300;
    double c = 1, d = 1 - (a + b) * x / (a + 1), f;

    d = 1 / (fabs(d) < tiny ? tiny : d);
    f = d;
    for (int m = 1; m <= 500; m++) {
        /* even step d_2m, then odd step d_2m+1 */
        for (int odd = 0; odd < 2; odd++) {
            double num = odd ? -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1))
                             : m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m));
            d = 1 + num * d;
            c = 1 + num / c;
            d = 1 / (fabs(d) < tiny ? tiny : d);
            if (fabs(c) < tiny)
                c = tiny;
            f *= c * d;
            if (odd && fabs(c * d - 1) < 1e-15)
                return f;
        }
    }
    return f;   /* not reached for the a, b, x the t distribution asks */
}

/* log(Gamma(a + 1/2) / Gamma(a)) for a > 0. For large a the two lgammas
 * agree in most of their digits, so their difference would keep few:
 * there the asymptotic series 1/2 log a - 1/(8a) + 1/(192a^3) (its next
 * term is O(a^-5)) takes over. lgamma_r, not lgamma: lgamma writes the
 * global signgam, and nothing here keeps global state. */
static double lgamma_half_step(double a)
{
    int sign;

    if (a > 1e3)
        return 0.5 * log(a) - 1 / (8 * a) + 1 / (192 * a * a * a);
    return lgamma_r(a + 0.5, &sign) - lgamma_r(a, &sign);
}

/* One t distribution's constants: a = df/2, and the logs of the beta
 * function B(df/2, 1/2) and of the density's normalizing factor. */
struct tdist { double df, a, lbeta, lnorm; };

static void tdist_init(struct tdist *t, double df)
{
    double d = lgamma_half_step(df / 2);

    t->df = df;
    t->a = df / 2;
    t->lbeta = 0.5 * log(M_PI) - d;     /* lgamma(1/2) = log(sqrt(pi)) */
    t->lnorm = d - 0.5 * log(df * M_PI);
}

/* P(T > t) for t >= 0: half of I_x(df/2, 1/2) at x = df / (df + t^2). */
static double t_upper(const struct tdist *t, double x_t)
{
    double r = x_t * x_t / t->df;
    double x = 1 / (1 + r), y = r / (1 + r);   /* x + y = 1, each to full precision */
    double b = 0.5, front;

    if (y == 0)
        return 0.5;
    if (!(r < DBL_MAX))
        return 0;                   /* t^2 overflows: nothing is left above it */
    /* log x = -log1p(r), log y = log r - log1p(r): at large df, r is tiny
     * and 1 + r would drop its digits */
    front = exp(-t->a * log1p(r) + b * (log(r) - log1p(r)) - t->lbeta);
    if (x < (t->a + 1) / (t->a + b + 2))
        return 0.5 * front * beta_fraction(t->a, b, x) / t->a;
    return 0.5 * (1 - front * beta_fraction(b, t->a, y) / b);
}

/* The density at t. */
static double t_density(const struct tdist *t, double x_t)
{
    return exp(t->lnorm - (t->df + 1) / 2 * log1p(x_t * x_t / t->df));
}

double pb_stats_t_quantile(double p, double df)
{
    struct tdist t;
    double q, lo = 0, hi = 1, x;

    if (!(p > 0 && p < 1) || !(df > 0))
        return NAN;
    if (p == 0.5)
        return 0;
    q = p < 0.5 ? p : 1 - p;        /* the upper tail to find, < 0.5 */
    tdist_init(&t, df < T_MAX_DF ? df : T_MAX_DF);
    while (t_upper(&t, hi) > q && hi < 1e300)
        hi *= 2;                    /* bracket: t_upper(lo) > q >= t_upper(hi) */
    x = hi / 2;
    /* Newton's method on t_upper(x) - q, falling back to bisection when a
     * step leaves the bracket; the bracket shrinks every step. */
    for (int i = 0; i < 200; i++) {
        double g = t_upper(&t, x) - q, next;
        int done;
        if (g == 0)
            break;
        if (g > 0)
            lo = x;
        else
            hi = x;
        next = x + g / t_density(&t, x);
        if (!(next > lo && next < hi))
            next = lo + (hi - lo) / 2;
        done = fabs(next - x) <= 1e-14 * x || hi - lo <= 1e-15 * hi;
        x = next;
        if (done)
            break;
    }
    return p < 0.5 ? -x : x;
}

/* ---------------------------------------------------------------------
 * Checks shared by the intervals.
 */

/* A sample fit for a ratio: non-empty, every value finite and > 0. */
static int check_sample(const double *x, size_t n, const char *what,
                        struct pb_error *err)
{
    if (n == 0)
        return pb_error_set(err, "%s sample is empty", what);
    for (size_t i = 0; i < n; i++) {
        if (!isfinite(x[i]))
            return pb_error_set(err, "%s value %g at index %zu is not finite",
                                what, x[i], i);
        if (x[i] <= 0)
            return pb_error_set(err, "%s value %g at index %zu is not positive",
                                what, x[i], i);
    }
    return 0;
}

static int check_level(double level, struct pb_error *err)
{
    if (!(level > 0 && level < 1))
        return pb_error_set(err, "confidence level %g is not between 0 and 1", level);
    return 0;
}

static int check_params(double level, int resamples, struct pb_error *err)
{
    if (check_level(level, err) < 0)
        return -1;
    if (resamples < 1)
        return pb_error_set(err, "bootstrap resamples is %d, must be at least 1",
                            resamples);
    return 0;
}

/* ---------------------------------------------------------------------
 * Log-t intervals.
 */

/* Mean and variance (n - 1 denominator; 0 for n = 1) of log x[0..n),
 * two passes: the one-pass formula loses every digit when the spread is
 * small against the mean, which is what quiet runs look like. */
static void log_moments(const double *x, size_t n, double *mean, double *var)
{
    double m = 0, ss = 0;

    for (size_t i = 0; i < n; i++)
        m += log(x[i]);
    m /= (double)n;
    for (size_t i = 0; i < n; i++) {
        double d = log(x[i]) - m;
        ss += d * d;
    }
    *mean = m;
    *var = n > 1 ? ss / (double)(n - 1) : 0;
}

/* Median of x[0..n) through a working copy in scratch (room for n). */
static double median_via(const double *x, size_t n, double *scratch)
{
    memcpy(scratch, x, n * sizeof *scratch);
    return quantile_inplace(scratch, n, 0.5);
}

/* The log-t interval of the geometric mean over groups of their ratios,
 * around the point value (see stats.h); samples already checked.
 *
 * The degrees of freedom are Welch-Satterthwaite's, (sum v)^2 / sum
 * (v^2 / nu) over the sides (v = s^2 / n / k^2, nu = n - 1), with one
 * small-sample correction: in that formula only (not in the standard
 * error) each v is first scaled by (nu + 2) / nu. Plain Welch is too
 * optimistic when a side of few runs meets a side of many: a chance-low
 * s on the small side both narrows the interval and hands it the large
 * side's degrees of freedom, so 3 runs against 30 (equal spreads) cover
 * 92% at 95%. The factor, E[s^4] / sigma^4 of a side, weighs a side by
 * how uncertain its variance is; it cancels where every side has the
 * same run count, which Welch already handles at or above its level.
 * With it, every setting of 3 to 30 runs a side that tests/test_stats.c
 * simulates covers 93.4% to 96.9% (5000 pairs a setting; the 92% above
 * is from 100000). */
static void logt_interval(const struct pb_ratio_sample *groups, size_t k, double level,
                          double value, struct pb_ci *out)
{
    double centre = 0, se2 = 0, dfnum = 0, dfden = 0, dfsum = 0, kk = (double)k * (double)k;

    for (size_t g = 0; g < k; g++) {
        const struct pb_ratio_sample *s = &groups[g];
        double mn, vn, md, vd;
        log_moments(s->num, s->nn, &mn, &vn);
        log_moments(s->den, s->nd, &md, &vd);
        centre += (mn - md) / (double)k;
        /* each side's share of the variance of the centre, and its
         * degrees of freedom; one value has neither */
        const double v[2] = { vn / (double)s->nn / kk, vd / (double)s->nd / kk };
        const size_t n[2] = { s->nn, s->nd };
        for (int j = 0; j < 2; j++) {
            if (n[j] < 2)
                continue;
            double nu = (double)(n[j] - 1), w = v[j] * (nu + 2) / nu;
            se2 += v[j];
            dfnum += w;
            dfden += w * w / nu;
            dfsum += nu;
        }
    }
    out->value = out->lo = out->hi = value;
    if (!(se2 > 0))
        return;             /* no spread anywhere: the point is all there is */
    /* between the least side's degrees of freedom (>= 1) and their sum;
     * the clamps are for rounding, or an underflowing w^2 */
    double df = dfnum * dfnum / dfden;
    if (!(df >= 1))
        df = 1;
    if (df > dfsum)
        df = dfsum;
    double h = pb_stats_t_quantile((1 + level) / 2, df) * sqrt(se2);
    double lo = exp(centre - h), hi = exp(centre + h);
    if (!(hi <= DBL_MAX))
        hi = DBL_MAX;       /* absurd spreads: keep the summary's numbers finite */
    out->lo = lo < value ? lo : value;
    out->hi = hi > value ? hi : value;
}

/* Largest sample of the groups. */
static size_t max_sample(const struct pb_ratio_sample *groups, size_t k)
{
    size_t m = 0;

    for (size_t g = 0; g < k; g++) {
        if (groups[g].nn > m)
            m = groups[g].nn;
        if (groups[g].nd > m)
            m = groups[g].nd;
    }
    return m;
}

/* Scratch for the medians: stackbuf for up to SMALL_N values, else the
 * heap; NULL with err filled when that fails. Release with free_copy. */
static double *median_scratch(size_t max_n, double *stackbuf, struct pb_error *err)
{
    double *p;

    if (max_n <= SMALL_N)
        return stackbuf;
    p = max_n <= SIZE_MAX / sizeof *p ? malloc(max_n * sizeof *p) : NULL;
    if (!p) {
        int saved = errno;
        pb_error_set(err, "cannot allocate room for a median of %zu values", max_n);
        pb_error_errno(err, saved);
    }
    return p;
}

int pb_stats_ratio_logt_ci(const double *num, size_t nn, const double *den, size_t nd,
                           double level, struct pb_ci *out, struct pb_error *err)
{
    struct pb_ratio_sample g = { num, nn, den, nd };
    double stackbuf[SMALL_N], *scratch, value;

    if (check_sample(num, nn, "numerator", err) < 0
        || check_sample(den, nd, "denominator", err) < 0
        || check_level(level, err) < 0)
        return -1;
    scratch = median_scratch(nn > nd ? nn : nd, stackbuf, err);
    if (!scratch)
        return -1;
    value = median_via(num, nn, scratch) / median_via(den, nd, scratch);
    free_copy(scratch, stackbuf);
    logt_interval(&g, 1, level, value, out);
    return 0;
}

/* Each group's samples checked, a failure prefixed with the group. */
static int check_groups(const struct pb_ratio_sample *groups, size_t ngroups,
                        struct pb_error *err)
{
    if (ngroups == 0)
        return pb_error_set(err, "no groups to take a geometric mean over");
    for (size_t g = 0; g < ngroups; g++) {
        const struct pb_ratio_sample *s = &groups[g];
        if (check_sample(s->num, s->nn, "numerator", err) < 0
            || check_sample(s->den, s->nd, "denominator", err) < 0) {
            char msg[sizeof err->msg];   /* err may be NULL: then nothing to prefix */
            if (err) {
                memcpy(msg, err->msg, sizeof msg);
                pb_error_set(err, "group %zu: %s", g, msg);
            }
            return -1;
        }
    }
    return 0;
}

int pb_stats_geomean_ratio_logt_ci(const struct pb_ratio_sample *groups, size_t ngroups,
                                   double level, struct pb_ci *out, struct pb_error *err)
{
    double stackbuf[SMALL_N], *scratch, logsum = 0;

    if (check_groups(groups, ngroups, err) < 0 || check_level(level, err) < 0)
        return -1;
    scratch = median_scratch(max_sample(groups, ngroups), stackbuf, err);
    if (!scratch)
        return -1;
    /* medians of positive values are positive, so every log is finite */
    for (size_t g = 0; g < ngroups; g++)
        logsum += log(median_via(groups[g].num, groups[g].nn, scratch)
                      / median_via(groups[g].den, groups[g].nd, scratch));
    free_copy(scratch, stackbuf);
    logt_interval(groups, ngroups, level, exp(logsum / (double)ngroups), out);
    return 0;
}

/* ---------------------------------------------------------------------
 * Bootstrap.
 */

/* Scratch for one call: max_n values for a resample, then `resamples`
 * replicate statistics. One allocation, so one free. */
static double *alloc_scratch(size_t max_n, int resamples, struct pb_error *err)
{
    /* max_n counts the doubles of an existing array, so it is at most
     * SIZE_MAX / 8, and resamples is an int: the sum cannot wrap. */
    size_t count = max_n + (size_t)resamples;
    double *p;

    if (count > SIZE_MAX / sizeof *p) {
        pb_error_set(err, "bootstrap of %zu values is too large", count);
        return NULL;
    }
    p = malloc(count * sizeof *p);
    if (!p) {
        int saved = errno;
        pb_error_set(err, "cannot allocate bootstrap scratch for %zu values", count);
        pb_error_errno(err, saved);
    }
    return p;
}

/* Median of one resample (with replacement) of x[0..n), built in scratch.
 * A single value cannot vary, so it costs no draws. */
static double resample_median(struct pb_rng *rng, const double *x, size_t n,
                              double *scratch)
{
    if (n == 1)
        return x[0];
    for (size_t i = 0; i < n; i++)
        scratch[i] = x[pb_rng_below(rng, n)];
    return quantile_inplace(scratch, n, 0.5);
}

/* Percentile interval of reps[0..r) around value; reorders reps. */
static void percentile_ci(double *reps, size_t r, double level, double value,
                          struct pb_ci *out)
{
    double lo = quantile_inplace(reps, r, (1 - level) / 2);
    double hi = quantile_inplace(reps, r, (1 + level) / 2);

    /* Widen to take in the point estimate (see stats.h): plots draw
     * value-lo and hi-value as error bars, which must not be negative. */
    out->value = value;
    out->lo = lo < value ? lo : value;
    out->hi = hi > value ? hi : value;
}

int pb_stats_ratio_ci(const double *num, size_t nn, const double *den, size_t nd,
                      double level, int resamples, uint64_t seed,
                      struct pb_ci *out, struct pb_error *err)
{
    struct pb_rng rng;
    double *scratch, *reps, value;

    if (check_sample(num, nn, "numerator", err) < 0
        || check_sample(den, nd, "denominator", err) < 0
        || check_params(level, resamples, err) < 0)
        return -1;
    scratch = alloc_scratch(nn > nd ? nn : nd, resamples, err);
    if (!scratch)
        return -1;
    reps = scratch + (nn > nd ? nn : nd);

    /* Point estimate on copies in the scratch: the inputs stay untouched. */
    memcpy(scratch, num, nn * sizeof *scratch);
    value = quantile_inplace(scratch, nn, 0.5);
    memcpy(scratch, den, nd * sizeof *scratch);
    value /= quantile_inplace(scratch, nd, 0.5);

    pb_rng_seed(&rng, seed);
    for (int r = 0; r < resamples; r++) {
        double mn = resample_median(&rng, num, nn, scratch);
        double md = resample_median(&rng, den, nd, scratch);
        reps[r] = mn / md;
    }
    percentile_ci(reps, (size_t)resamples, level, value, out);
    free(scratch);
    return 0;
}

int pb_stats_geomean_ratio_ci(const struct pb_ratio_sample *groups, size_t ngroups,
                              double level, int resamples, uint64_t seed,
                              struct pb_ci *out, struct pb_error *err)
{
    struct pb_rng rng;
    double *scratch, *reps, logsum = 0;
    size_t max_n = 0;

    if (check_groups(groups, ngroups, err) < 0 || check_params(level, resamples, err) < 0)
        return -1;
    max_n = max_sample(groups, ngroups);
    scratch = alloc_scratch(max_n, resamples, err);
    if (!scratch)
        return -1;
    reps = scratch + max_n;

    for (size_t g = 0; g < ngroups; g++) {
        const struct pb_ratio_sample *s = &groups[g];
        double mn, md;
        memcpy(scratch, s->num, s->nn * sizeof *scratch);
        mn = quantile_inplace(scratch, s->nn, 0.5);
        memcpy(scratch, s->den, s->nd * sizeof *scratch);
        md = quantile_inplace(scratch, s->nd, 0.5);
        logsum += log(mn / md);
    }

    /* Medians of positive values are positive, so every log is finite. */
    pb_rng_seed(&rng, seed);
    for (int r = 0; r < resamples; r++) {
        double sum = 0;
        for (size_t g = 0; g < ngroups; g++) {
            const struct pb_ratio_sample *s = &groups[g];
            double mn = resample_median(&rng, s->num, s->nn, scratch);
            double md = resample_median(&rng, s->den, s->nd, scratch);
            sum += log(mn / md);
        }
        reps[r] = exp(sum / (double)ngroups);
    }
    percentile_ci(reps, (size_t)resamples, level, exp(logsum / (double)ngroups), out);
    free(scratch);
    return 0;
}

/* ---------------------------------------------------------------------
 * Outliers and fits.
 */

size_t pb_stats_mad_outliers(const double *x, size_t n, double k, unsigned char *flags)
{
    double stackbuf[SMALL_N], *a, med, scale;
    size_t count = 0;

    if (n == 0)
        return 0;
    memset(flags, 0, n);
    if (has_nan(x, n))
        return 0;
    a = copy_of(x, n, stackbuf);
    if (!a)
        return 0;
    med = quantile_inplace(a, n, 0.5);
    for (size_t i = 0; i < n; i++)
        a[i] = fabs(x[i] - med);
    scale = 1.4826 * quantile_inplace(a, n, 0.5);   /* MAD as a normal sigma */
    if (scale == 0) {
        /* Mean absolute deviation, scaled to a normal sigma (sqrt(pi/2)). */
        double sum = 0;
        for (size_t i = 0; i < n; i++)
            sum += fabs(x[i] - med);
        scale = 1.2533 * sum / (double)n;
    }
    free_copy(a, stackbuf);
    if (scale == 0)
        return 0;   /* all values equal */
    for (size_t i = 0; i < n; i++) {
        if (fabs(x[i] - med) > k * scale) {
            flags[i] = 1;
            count++;
        }
    }
    return count;
}

int pb_stats_linfit(const double *x, const double *y, size_t n,
                    struct pb_linfit *out, struct pb_error *err)
{
    double xbar = 0, ybar = 0, sxx = 0, sxy = 0, syy = 0, ssr = 0;
    double a, b, r2, se_a = NAN, se_b = NAN;

    if (n < 2)
        return pb_error_set(err, "a line needs at least 2 points, got %zu", n);
    for (size_t i = 0; i < n; i++) {
        if (!isfinite(x[i]) || !isfinite(y[i]))
            return pb_error_set(err, "point %zu (%g, %g) is not finite", i, x[i], y[i]);
        xbar += x[i];
        ybar += y[i];
    }
    xbar /= (double)n;
    ybar /= (double)n;
    /* Sums of centred products: the textbook sum(x*x) - n*xbar^2 loses
     * every digit when x is large and its spread small. */
    for (size_t i = 0; i < n; i++) {
        double dx = x[i] - xbar, dy = y[i] - ybar;
        sxx += dx * dx;
        sxy += dx * dy;
        syy += dy * dy;
    }
    if (!(sxx > 0))
        return pb_error_set(err, "all %zu x values are equal (%g): the slope is undefined",
                            n, x[0]);
    b = sxy / sxx;
    a = ybar - b * xbar;
    for (size_t i = 0; i < n; i++) {
        double e = y[i] - (a + b * x[i]);
        ssr += e * e;
    }
    if (n > 2) {
        double s2 = ssr / (double)(n - 2);   /* residual variance */
        se_b = sqrt(s2 / sxx);
        se_a = sqrt(s2 * (1.0 / (double)n + xbar * xbar / sxx));
    }
    if (syy > 0) {
        r2 = 1 - ssr / syy;
        r2 = r2 < 0 ? 0 : (r2 > 1 ? 1 : r2);   /* rounding only */
    } else {
        r2 = NAN;
    }
    out->a = a;
    out->b = b;
    out->se_a = se_a;
    out->se_b = se_b;
    out->r2 = r2;
    out->n = n;
    return 0;
}

