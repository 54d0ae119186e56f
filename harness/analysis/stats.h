#ifndef PB_STATS_H
#define PB_STATS_H

/*
 * Statistics for pbench summaries (the PRNG is util/rng.h): order statistics,
 * percentile-bootstrap confidence intervals of ratios of medians (one pair,
 * and the geometric mean over workloads), MAD outliers and a least-squares
 * line.
 *
 * Nothing here keeps global state, so every function is safe to call from
 * several threads on different data. Functions that cannot fail return a
 * value (NAN when the answer is undefined); functions that can fail return
 * 0 / -1 and fill a struct pb_error.
 *
 * Samples are plain arrays of doubles. Unless a function says otherwise,
 * NAN anywhere in a sample makes the answer NAN (it is never silently
 * sorted to one end).
 */

#include <stddef.h>
#include <stdint.h>

#include "util/error.h"
#include "util/rng.h"

/* ---------------------------------------------------------------------
 * Descriptive statistics. None of these modifies x. Those that need a
 * working copy (median, quantile, mad) use the stack for n <= 64 and
 * malloc beyond; they return NAN if that allocation fails.
 */

/* Median of x[0..n): the middle value, or the mean of the two middle
 * values for even n. NAN for n == 0. */
double pb_stats_median(const double *x, size_t n);

/* Arithmetic mean. NAN for n == 0. Cannot fail. */
double pb_stats_mean(const double *x, size_t n);

/* Quantile q in [0, 1] by linear interpolation between order statistics
 * (Hyndman-Fan type 7, the default of R and NumPy): q = 0 is the minimum,
 * q = 1 the maximum. NAN for n == 0 or q outside [0, 1]. */
double pb_stats_quantile(const double *x, size_t n, double q);

/* Median absolute deviation from the median, raw (not scaled by 1.4826).
 * NAN for n == 0. */
double pb_stats_mad(const double *x, size_t n);

/* Geometric mean, exp(mean(log x)). NAN for n == 0 or if any x <= 0.
 * Cannot fail. */
double pb_stats_geomean(const double *x, size_t n);

/* The k-th smallest of x[0..n) (0-based, k < n), found by quickselect.
 * REORDERS x: afterwards x[k] holds the answer, nothing before it is
 * larger and nothing after it smaller. Expected O(n). x must not contain
 * NAN. Cannot fail. */
double pb_stats_select(double *x, size_t n, size_t k);

/* ---------------------------------------------------------------------
 * Bootstrap confidence intervals of ratios of medians.
 *
 * Both functions use the percentile bootstrap: `resamples` times (2000 is
 * a good number) they redraw every sample with replacement, at its own
 * size and independently of the others, recompute the statistic, and
 * report the (1-level)/2 and (1+level)/2 type-7 quantiles of those
 * replicates as lo and hi. value is the statistic on the data as given.
 * The percentile method does not by itself guarantee lo <= value <= hi;
 * the interval is widened to take in value when needed (this only
 * happens with very few runs), so callers may rely on lo <= value <= hi.
 *
 * Every value in every sample must be finite and > 0 (times and memory
 * sizes): a zero or negative value would make a replicate ratio infinite
 * or undefined. A sample of one value does not vary under resampling, so
 * it contributes no width to the interval.
 *
 * Results are a pure function of the inputs and the seed: the same call
 * gives bit-identical output every time with the same build (the PRNG is
 * portable; log/exp in the geometric mean come from the C library).
 *
 * Cost: O(resamples * total sample size) time with quickselect, one
 * allocation per call, freed before returning on every path.
 */
struct pb_ci { double value, lo, hi; };   /* point estimate and interval */

/* Ratio median(num) / median(den) with its bootstrap interval at `level`
 * (0 < level < 1, e.g. 0.95). Returns 0 and fills *out; returns -1 and
 * fills err, leaving *out untouched, if a sample is empty or holds a
 * value that is not finite and > 0, if level is outside (0, 1), if
 * resamples < 1, or if out of memory. */
int pb_stats_ratio_ci(const double *num, size_t nn, const double *den, size_t nd,
                      double level, int resamples, uint64_t seed,
                      struct pb_ci *out, struct pb_error *err);

/* One group (workload) for pb_stats_geomean_ratio_ci: its numerator (e.g.
 * profiled) and denominator (e.g. plain) samples, borrowed, not copied. */
struct pb_ratio_sample { const double *num; size_t nn; const double *den; size_t nd; };

/* Geometric mean over ngroups groups of each group's ratio of medians,
 * with a bootstrap interval: each replicate resamples every sample of
 * every group (so the groups' uncertainties combine) and takes the
 * geometric mean of the replicate ratios. Same conventions and failures
 * as pb_stats_ratio_ci, plus -1 for ngroups == 0; a message about one
 * group names it by its 0-based index ("group 2: ..."). */
int pb_stats_geomean_ratio_ci(const struct pb_ratio_sample *groups, size_t ngroups,
                              double level, int resamples, uint64_t seed,
                              struct pb_ci *out, struct pb_error *err);

/* ---------------------------------------------------------------------
 * Outliers and fits.
 */

/* Flags outliers by the modified z-score: flags[i] = 1 when
 * |x[i] - median| > k * 1.4826 * MAD (k = 3.5 is the usual choice), else
 * 0, and returns how many were flagged. When more than half the values are
 * equal the MAD is 0 and would flag every other value, so the scale falls
 * back to 1.2533 * the mean absolute deviation from the median (the
 * Iglewicz-Hoaglin convention); when that is 0 too, all values are equal
 * and nothing is flagged. flags must hold n bytes. Returns 0 for n == 0,
 * and flags nothing if x contains NAN or the working copy cannot be
 * allocated. */
size_t pb_stats_mad_outliers(const double *x, size_t n, double k, unsigned char *flags);

/* Ordinary least squares fit y = a + b*x over n points, with the standard
 * errors of a and b (from the residual variance with n-2 degrees of
 * freedom; NAN when n == 2, where it is undefined) and the coefficient of
 * determination r2 (NAN when all y are equal). out->n = n. Returns 0, or
 * -1 with err filled (and *out untouched) when n < 2, when all x are
 * equal, or when a value is not finite. Cannot otherwise fail. */
struct pb_linfit { double a, b, se_a, se_b, r2; size_t n; };
int pb_stats_linfit(const double *x, const double *y, size_t n,
                    struct pb_linfit *out, struct pb_error *err);

#endif /* PB_STATS_H */
