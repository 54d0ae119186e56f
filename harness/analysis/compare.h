#ifndef PB_COMPARE_H
#define PB_COMPARE_H

/*
 * compare: one results directory against another (`pbench compare BASE
 * NEW`, and the report's comparison of several directories): for every
 * (workload, profiler[, python]) pair both measured, the ratio of NEW's
 * normalized time to BASE's (NEW overhead / BASE overhead: below 1, NEW
 * costs less), with an interval and whether it excludes 1; per profiler
 * the geometric mean of those ratios over the workloads compared.
 *
 * The interval of a ratio of two independent ratios is built from the
 * two stored intervals alone (summary.json keeps no runs). Each stored
 * interval [lo, hi] at level L is read as a normal interval of the log
 * ratio: centre c = (ln lo + ln hi) / 2, standard error se = (ln hi -
 * ln lo) / (2 z), z the normal quantile at (1 + L) / 2 (1.96 at 95%;
 * Student's t at 10^6 degrees of freedom, within 1e-6 of it).
 * NEW/BASE then has centre c_new - c_base and se = sqrt(se_new^2 +
 * se_base^2), and its interval is exp(centre -/+ z se) at BASE's level,
 * widened to take in the point value new/base (a ratio of medians; the
 * stored intervals are centred on geometric means), so lo <= value <= hi.
 * The stored intervals are log-t intervals with few degrees of freedom,
 * so reading them as normal overstates each se: the combined interval is
 * about the root sum of squares of the two log half-widths, wider than a
 * t interval on the pooled runs would be (conservative: tests/test_compare.c
 * measures by simulation that the 95% interval of two runs of the same
 * profiler holds 1 in about 99% of cases at 3 runs a side, 97% at 5, 96%
 * at 10). A geometric mean over n workloads has centre mean(c_i) and se
 * sqrt(sum se_i^2) / n (the workloads' runs are independent).
 *
 * Never silently mixed: a workload whose script (by file name), args,
 * size or target differ between the two config-resolved.json is "not
 * comparable" and in no mean; other machines (meta hostname, CPU model),
 * other interpreters (version, implementation, path), another baseline,
 * scripts in other directories and a plain time that moved by more than
 * PB_COMPARE_PLAIN_DRIFT are warnings; a pair that timed out on a side is
 * a bound, not a ratio; a pair on one side only is listed as such.
 *
 * Everything here but pb_compare_load and pb_compare_set is pure: it
 * reads the structs it is given. Strings of the result point into the two summaries (which
 * must outlive it) or into its own pool.
 */

#include <stddef.h>

#include "store/resolved.h"
#include "store/summary.h"
#include "util/error.h"
#include "util/strv.h"

/* The level of an interval when a summary does not say (older ones). */
#define PB_COMPARE_DEFAULT_LEVEL 0.95

/* A plain (baseline) wall median that moved by more than this fraction
 * between the runs is a warning: the same workload ran at another speed
 * (another machine state or interpreter), so its ratios may not compare. */
#define PB_COMPARE_PLAIN_DRIFT 0.20

/* What an interval says about NEW against BASE. */
enum pb_cmp_verdict {
    PB_CMP_UNKNOWN,     /* no interval (a side with one run), or no ratio */
    PB_CMP_SAME,        /* the interval holds 1: not significant */
    PB_CMP_FASTER,      /* hi < 1: NEW's overhead is lower */
    PB_CMP_SLOWER,      /* lo > 1: NEW's overhead is higher */
};

/* NEW / BASE of one measure (wall, CPU or memory). */
struct pb_cmp_ratio {
    double value;           /* new.value / base.value; NAN: not known on both sides */
    double lo, hi;          /* the interval; NAN when has_ci is 0 */
    int has_ci;
    double centre, se;      /* on the log scale (for the means); se NAN without ci */
    enum pb_cmp_verdict verdict;
};

/* How a row came out. */
enum pb_cmp_kind {
    PB_CMP_COMPARED,        /* both sides measured: wall (cpu, mem) ratios */
    PB_CMP_BOUND,           /* a side timed out: wall.value is a bound (bound_dir) */
    PB_CMP_FAILED,          /* a side failed, was not run or has no ratio */
    PB_CMP_NOT_COMPARABLE,  /* the workload is not the same (why says how) */
};

/* One (workload, profiler[, python]) pair measured in both runs. */
struct pb_cmp_row {
    const char *workload, *profiler, *python;   /* python NULL: no Python axis */
    const char *label;      /* "profiler" or "profiler (python)" */
    const struct pb_pair *base, *new;           /* borrowed from the summaries */
    enum pb_cmp_kind kind;
    struct pb_cmp_ratio wall, cpu, mem;         /* COMPARED: cpu, mem NAN when a
                                                 * side lacks them */
    int bound_dir;          /* BOUND: +1 NEW/BASE is at least wall.value (NEW
                             * timed out), -1 at most (BASE timed out), 0 unknown
                             * (both: wall.value NAN) */
    int partial;            /* a side had failed runs besides ok ones */
    const char *why;        /* NOT_COMPARABLE, FAILED: why; else NULL */
};

/* A profiler's (or every profiler's) geometric mean of the COMPARED
 * rows' ratios. */
struct pb_cmp_mean {
    const char *profiler, *python, *label;      /* NULL for the overall mean */
    const char *base_version, *new_version;     /* the profiler's; NULL unknown */
    struct pb_cmp_ratio wall, cpu, mem;         /* the overall mean: no interval
                                                 * (its profilers share baselines) */
    int nwall, ncpu, nmem;  /* rows in each mean */
    int nbound, nfailed, nnot_comparable;       /* rows in no mean, by kind */
};

/* A pair measured in one of the runs only. */
struct pb_cmp_only {
    const char *workload, *profiler, *python;
};

struct pb_compare {
    const struct pb_summary *base, *new;
    double level;                   /* of every interval here */
    struct pb_cmp_row *rows;        /* by profiler (BASE's order), then workload */
    size_t nrows;
    struct pb_cmp_mean *means;      /* one per profiler with a row */
    size_t nmeans;
    struct pb_cmp_mean overall;     /* over every COMPARED row */
    struct pb_cmp_only *only_base, *only_new;
    size_t nonly_base, nonly_new;
    struct pb_strv warnings;        /* about the whole comparison, printed first */
    struct pb_strv pool;            /* owns the rows' why and labels */
};

/* NEW/BASE of one measure from the two stored ratios, base at level
 * base_level and new at new_level (NAN: PB_COMPARE_DEFAULT_LEVEL), as
 * the interval at level `level` described above. with_ci 0 (a side has
 * fewer than two runs: its interval measures no spread) gives the point
 * alone, verdict PB_CMP_UNKNOWN. A ratio not known (NAN) or not positive
 * on a side gives value NAN. Cannot fail. */
struct pb_cmp_ratio pb_compare_ratio(const struct pb_ratio *base, double base_level,
                                     const struct pb_ratio *new, double new_level,
                                     int with_ci, double level);

/* The geometric mean of n ratios (pb_compare_ratio's), with an interval
 * at level when every one has one (see above). n == 0: value NAN.
 * Cannot fail. */
struct pb_cmp_ratio pb_compare_geomean(const struct pb_cmp_ratio *const *r, size_t n,
                                       double level);

/* Compares new with base. base_res / new_res are the runs' resolved
 * configs, NULL when unknown (then workloads cannot be checked: a
 * warning says so). Returns a new comparison (caller frees with
 * pb_compare_free) or NULL when out of memory (err set). */
struct pb_compare *pb_compare_new(const struct pb_summary *base, const struct pb_resolved *base_res,
                                  const struct pb_summary *new, const struct pb_resolved *new_res,
                                  struct pb_error *err);

/* pb_compare_new with each run's config-resolved.json read from its
 * directory (summary->dir); one that cannot be read is a warning naming
 * the file and why, and its workloads go unchecked. Returns NULL only
 * when out of memory (err set). */
struct pb_compare *pb_compare_load(const struct pb_summary *base, const struct pb_summary *new,
                                   struct pb_error *err);

/* Frees c and what it owns (not the summaries). c may be NULL. */
void pb_compare_free(struct pb_compare *c);

/* Each later run of set against its first (set->runs[0], the first
 * directory given), read with pb_compare_load: *n = set->nruns - 1
 * comparisons (0 for one run). Returns a new array (free with
 * pb_compare_set_free; it borrows set's summaries), or NULL with err
 * when out of memory. */
struct pb_compare **pb_compare_set(const struct pb_summary_set *set, size_t *n,
                                   struct pb_error *err);

/* Frees the n comparisons of cs and cs. cs may be NULL. */
void pb_compare_set_free(struct pb_compare **cs, size_t n);

/* "faster", "slower", "not significant", "unknown". Cannot fail. */
const char *pb_compare_verdict_name(enum pb_cmp_verdict v);

/* "compared", "bound", "failed", "not comparable". Cannot fail. */
const char *pb_compare_kind_name(enum pb_cmp_kind k);

#endif /* PB_COMPARE_H */
