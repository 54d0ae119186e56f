/* Statistics: PRNG, order statistics, bootstrap CIs of ratios, outliers,
 * least squares. See stats.h for the contracts. */
#include <errno.h>
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
 * Bootstrap.
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

static int check_params(double level, int resamples, struct pb_error *err)
{
    if (!(level > 0 && level < 1))
        return pb_error_set(err, "confidence level %g is not between 0 and 1", level);
    if (resamples < 1)
        return pb_error_set(err, "bootstrap resamples is %d, must be at least 1",
                            resamples);
    return 0;
}

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
        if (s->nn > max_n)
            max_n = s->nn;
        if (s->nd > max_n)
            max_n = s->nd;
    }
    if (check_params(level, resamples, err) < 0)
        return -1;
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

