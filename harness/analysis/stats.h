#ifndef PB_STATS_H
#define PB_STATS_H

/*
 * Statistics for pbench summaries (the PRNG is util/rng.h): order statistics,
 * confidence intervals of ratios of run times (one pair, and the geometric
 * mean over workloads): the log-t intervals pbench reports and the
 * percentile bootstrap it used before, Student's t quantiles, MAD outliers
 * and a least-squares line.
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
 * Log-t confidence intervals of ratios: what pbench reports.
 *
 * A run's time (or CPU time, or peak memory) is modelled as log-normal:
 * log x = log(typical value) + noise, the noise normal with a spread of
 * its own on each side (a profiler may make runs noisier). The ratio to
 * estimate is typical(num) / typical(den), where "typical" is the median
 * of the distribution, which under this model is also its geometric mean.
 *
 * The interval is Welch's t-interval on the logs, exponentiated: centre
 * mean(log num) - mean(log den), standard error sqrt(s_num^2/n_num +
 * s_den^2/n_den) (s: sample standard deviation of the logs), and Student's
 * t quantile at Welch-Satterthwaite's degrees of freedom, in which each
 * side is weighed by (nu + 2) / nu (nu = n - 1): plain Welch is too
 * optimistic when few runs on one side meet many on the other (stats.c
 * says why); the weights cancel when both sides have as many runs.
 * Unlike a bootstrap it need not learn the shape of the noise from the
 * runs: it assumes it, and so keeps its coverage at 3 runs a side, where
 * no distribution-free interval can (3 runs bracket their median only 75%
 * of the time) and the percentile bootstrap covers about 90% at 95%.
 * tests/test_stats.c measures the coverage by simulation and prints it:
 * 93% to 97% at 95% for 3 to 30 runs a side.
 *
 * The point value is the ratio of the MEDIANS of the runs, not of their
 * geometric means: both estimate the same typical ratio, but one slow run
 * (a busy machine) hardly moves the median of 3 runs, while it moves their
 * geometric mean by a third of its log. Such a run widens the interval
 * (it raises s), which is the honest answer. When the two statistics
 * disagree by more than the interval's half-width (an outlier, or very
 * skewed runs: 19 of 280000 simulated log-normal pairs), the interval is
 * widened to take in the point, so callers may rely on lo <= value <= hi.
 *
 * A sample of one value has no spread to measure: it contributes no width
 * (as it did under the bootstrap) and no degrees of freedom, so with one
 * value on each side the interval is the point itself. Samples whose
 * values are all equal contribute no width either, never NAN.
 *
 * Every value in every sample must be finite and > 0. Results are a pure
 * function of the inputs (no randomness; log, exp and lgamma_r come from
 * the C library). Cost: O(total sample size) and one t quantile (a few
 * microseconds), plus one allocation for a sample of more than 64 values,
 * freed before returning.
 */
struct pb_ci { double value, lo, hi; };   /* point estimate and interval */

/* One group (workload) for the geometric means: its numerator (e.g.
 * profiled) and denominator (e.g. plain) samples, borrowed, not copied. */
struct pb_ratio_sample { const double *num; size_t nn; const double *den; size_t nd; };

/* Quantile p of Student's t distribution with df degrees of freedom, df
 * real and > 0; df above 1e6 is taken as 1e6 (where the t differs from
 * the normal by about 1e-6 of itself). Accurate to about 1e-10 relative.
 * NAN when p is outside (0, 1) or df is not > 0. Cannot fail. */
double pb_stats_t_quantile(double p, double df);

/* Ratio median(num) / median(den) with its log-t interval at `level`
 * (0 < level < 1, e.g. 0.95). Returns 0 and fills *out; returns -1 and
 * fills err, leaving *out untouched, if a sample is empty or holds a value
 * that is not finite and > 0, if level is outside (0, 1), or if out of
 * memory. */
int pb_stats_ratio_logt_ci(const double *num, size_t nn, const double *den, size_t nd,
                           double level, struct pb_ci *out, struct pb_error *err);

/* Geometric mean over ngroups groups of each group's ratio of medians,
 * with a log-t interval for the geometric mean of the groups' typical
 * ratios (the workloads are fixed, their runs are the noise): centre the
 * mean over groups of the groups' centres, variance the sum of every
 * side's s^2/n over ngroups^2, degrees of freedom by Welch-Satterthwaite
 * over all sides. With one group it is pb_stats_ratio_logt_ci to
 * rounding. Same conventions and failures, plus -1 for ngroups == 0; a
 * message about one group names it by its 0-based index ("group 2: ..."). */
int pb_stats_geomean_ratio_logt_ci(const struct pb_ratio_sample *groups, size_t ngroups,
                                   double level, struct pb_ci *out, struct pb_error *err);

/* ---------------------------------------------------------------------
 * Bootstrap confidence intervals of ratios of medians: what pbench
 * reported before the log-t intervals, kept for comparison (the coverage
 * test shows both). At 3 runs a side they are too narrow.
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
/* Ratio median(num) / median(den) with its bootstrap interval at `level`
 * (0 < level < 1, e.g. 0.95). Returns 0 and fills *out; returns -1 and
 * fills err, leaving *out untouched, if a sample is empty or holds a
 * value that is not finite and > 0, if level is outside (0, 1), if
 * resamples < 1, or if out of memory. */
int pb_stats_ratio_ci(const double *num, size_t nn, const double *den, size_t nd,
                      double level, int resamples, uint64_t seed,
                      struct pb_ci *out, struct pb_error *err);

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
