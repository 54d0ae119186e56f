#ifndef PB_SUMMARY_H
#define PB_SUMMARY_H

/*
 * summary: a results directory's summary.json and summary.csv
 * (docs/results-format.md), the one module that knows their keys. The
 * aggregation builds a struct pb_summary and saves it here; the terminal
 * table, plot and report load it from here. Two levels of reading:
 *
 *   pb_summary_load       one directory: summary.json, with meta.json
 *   pb_summary_set_load   several directories merged into one view: every
 *                         profiler once (taken from the latest run that has
 *                         it), each ratio relative to its own run's baseline
 *
 * Format "pbench-summary/2"; a file without "format" reads as
 * pbench-summary/1 (the same keys, as pbench wrote them before the format
 * was versioned); another format is refused. Absent or null numbers read
 * as NAN, absent strings as NULL, so a reader can tell "not measured"
 * from zero. Unknown keys are ignored; missing required keys and wrong
 * types are errors naming the file and the JSON path.
 *
 * Every string of a summary lives in its pool (pb_summary_intern) and is
 * freed with it.
 */

#define PB_SUMMARY_FORMAT "pbench-summary/2"

#include <stddef.h>

#include "store/meta.h"
#include "util/error.h"
#include "util/strv.h"

enum pb_pair_status {
    PB_PAIR_OK,
    PB_PAIR_PARTIAL,    /* some runs failed or timed out, some did not */
    PB_PAIR_FAILED,
    PB_PAIR_TIMEOUT,    /* every run timed out: wall ratio is a lower bound */
    PB_PAIR_NOT_RUN,
};

/* The most warnings kept of a pair or a run (more are dropped). */
#define PB_SUMMARY_MAX_WARNINGS 8

/* A ratio to the baseline with its confidence interval. value is NAN when
 * the summary had null (not computable). lo/hi equal value when absent. */
struct pb_ratio {
    double value, lo, hi;
};

/* One (workload, profiler) cell of the matrix. */
struct pb_pair {
    const char *workload;           /* with pythons: the workload's given name */
    const char *profiler;
    const char *python;             /* with pythons: the interpreter's label; else NULL */
    enum pb_pair_status status;
    int runs, failures, timeouts;   /* measured runs ok, failed, timed out */
    int planned, skipped;           /* runs planned; not run after a timeout */
    const char *failure_reason;     /* NULL when none */
    double wall_median_s, cpu_median_s, tree_peak_rss_median_kb;
    struct pb_ratio wall, cpu, mem;
    double timeout_s;
    int lower_bound;                /* timed out: the true ratios are at least
                                     * wall, cpu and mem (each known only when the
                                     * run had a figure for it: older summaries
                                     * have wall alone) */
    double precision;               /* half-width of wall's interval / wall.value;
                                     * NAN when unknown (one run a side, bound) */
    const char *adaptive;           /* runs: auto: why the pair stopped ("precise",
                                     * "max_runs", "budget", "timeout", "failed",
                                     * "unfinished"); NULL for a fixed count */
    const char *warnings[PB_SUMMARY_MAX_WARNINGS];  /* outliers, a slow first
                                     * run, a wide interval (docs/results-format.md) */
    size_t nwarnings;
};

/* A workload a profiler was left out of by the config (`skip:`): no pair,
 * in none of its means, not failed. */
struct pb_skipped {
    const char *workload;           /* with pythons: the workload's given name */
    const char *reason;             /* NULL: none given */
};

/* One profiler over all workloads of a run: geometric means over the
 * workloads where its pair is ok or partial and, when the mean's
 * *_lower_bound is set, its timed-out workloads at their lower bound
 * (wall: timeout / baseline median; CPU, memory: what the killed runs had
 * used / baseline median), so the true mean is >= its value. Summaries
 * from this pbench set all three flags together, so the three means cover
 * the same workloads; older ones set the wall flag alone (their CPU and
 * memory means left timed-out workloads out), the oldest none. Failed
 * workloads are in no mean; skipped ones (skipped) have no pair at all. */
struct pb_profiler_summary {
    const char *name;
    const char *python;             /* with pythons: the interpreter its means are on */
    const char *label;              /* "name" or, with pythons, "name (python)" */
    const char *version;            /* from meta "profilers"; NULL if unknown */
    int workloads_ok, workloads_failed;     /* failed counts the timed out too */
    int workloads_at_bound;         /* of workloads_failed: timed out, in each mean
                                     * flagged *_lower_bound at their bound; read
                                     * from "workloads_in_means", or for an older
                                     * summary counted from its pairs */
    struct pb_ratio wall, cpu, mem;
    int wall_lower_bound;           /* "wall_geomean_lower_bound"; absent (older
                                     * results, timeouts left out): 0 */
    int cpu_lower_bound, mem_lower_bound;   /* "cpu_geomean_lower_bound",
                                     * "mem_geomean_lower_bound"; absent: 0 */
    struct pb_skipped *skipped;     /* "skipped"; owned by the summary (freed
                                     * with it); NULL when none */
    size_t nskipped;
};

/* A profiler's three means, for code that treats them alike. */
enum pb_mean { PB_MEAN_WALL, PB_MEAN_CPU, PB_MEAN_MEM };

/* p's mean m. Cannot fail. */
const struct pb_ratio *pb_profiler_mean(const struct pb_profiler_summary *p, enum pb_mean m);

/* 1 when p's mean m is known and a lower bound (it took timed-out
 * workloads in at their bound): shown with ">=" / "≥". Cannot fail. */
int pb_profiler_mean_bound(const struct pb_profiler_summary *p, enum pb_mean m);

/* The workloads p's mean m covers: workloads_ok, plus workloads_at_bound
 * when the mean is flagged a lower bound. Cannot fail. */
int pb_profiler_mean_workloads(const struct pb_profiler_summary *p, enum pb_mean m);

/* 1 when p's three means cover the same workloads (always, from this
 * pbench on). Cannot fail. */
int pb_profiler_means_agree(const struct pb_profiler_summary *p);

/* Start-up versus steady state of one sized workload x profiler: time =
 * start-up + slope x size fitted over the sizes for the profiler and the
 * baseline. */
struct pb_scaling {
    const char *workload, *profiler;
    const char *python;             /* with pythons: the interpreter; else NULL */
    double sizes[16];
    size_t nsizes;
    struct pb_ratio startup_s;      /* intercept difference, seconds (may be <= 0) */
    struct pb_ratio steady;         /* ratio of the slopes */
    double r2, r2_baseline;
    double baseline_startup_s, baseline_slope_s;
};

struct pb_summary {
    char *dir;                      /* as given */
    struct pb_meta meta;            /* meta.json (or summary.json's copy) */
    const char *baseline;
    double confidence;              /* e.g. 0.95; NAN if absent */
    int has_adaptive;               /* runs: auto, with these settings: */
    double target_precision;        /* "precision"; NAN without runs: auto */
    int min_runs, max_runs;         /* 0 without */
    double budget;                  /* seconds; <= 0 none */
    double runs_wall_s;             /* the runs' own wall times, summed (warm-ups and
                                     * failures too); NAN unknown. Against
                                     * meta.elapsed_s: what pbench added between runs */
    const char *warnings[PB_SUMMARY_MAX_WARNINGS];  /* about the whole run (a
                                     * busy machine, ASLR off) */
    size_t nwarnings;
    struct pb_pair *pairs;
    size_t npairs;
    struct pb_profiler_summary *profilers;
    size_t nprofilers;
    struct pb_scaling *scaling;     /* workloads with sizes: only */
    size_t nscaling;
    struct pb_strv pool;            /* owns every const char * above */
};

/* A new, empty summary of dir (every number NAN or 0). Returns NULL when
 * out of memory. Free with pb_summary_free. */
struct pb_summary *pb_summary_new(const char *dir);

/* A copy of str kept in s's pool, alive as long as s; NULL for NULL or
 * when out of memory. */
const char *pb_summary_intern(struct pb_summary *s, const char *str);

/* Writes s as dir/summary.json (with a copy of s->meta) and
 * dir/summary.csv, each atomically. A profiler's "workloads_in_means" is
 * its wall mean's count: s's means must agree on what they cover
 * (pb_profiler_means_agree), as the aggregation makes them. Returns 0 or
 * -1 with err. */
int pb_summary_save(const char *dir, const struct pb_summary *s, struct pb_error *err);

/* Loads dir/summary.json and dir/meta.json (falling back to the "meta"
 * copy inside summary.json when meta.json is absent). Returns a new
 * summary (caller frees with pb_summary_free), or NULL with err set:
 * "DIR: no such results directory", "DIR/summary.json:L:C: invalid JSON:
 * ...", "DIR/summary.json: pairs[3].status: unknown status 'x' ...". */
struct pb_summary *pb_summary_load(const char *dir, struct pb_error *err);

/* Frees s and everything it points to. s may be NULL. */
void pb_summary_free(struct pb_summary *s);

/* The pair for (workload, profiler) on interpreter python (NULL: without
 * the Python axis) in s, or NULL. Cannot fail. */
const struct pb_pair *pb_summary_pair_on(const struct pb_summary *s, const char *workload,
                                         const char *profiler, const char *python);

/* The pair for (workload, profiler) in s whatever its interpreter (the
 * first one), or NULL. Cannot fail. */
const struct pb_pair *pb_summary_pair(const struct pb_summary *s,
                                      const char *workload, const char *profiler);

/* "name", or with an interpreter "name (python)", kept in s's pool;
 * NULL when out of memory. */
const char *pb_summary_label(struct pb_summary *s, const char *name, const char *python);

/* Profiler name's version on interpreter python (from meta.json's
 * interpreters; NULL python: the run's main one), or NULL. Cannot fail. */
const char *pb_summary_version(const struct pb_summary *s, const char *name, const char *python);

/* The profiler summary of name on python (NULL: without the axis), or
 * NULL. Cannot fail. */
const struct pb_profiler_summary *pb_summary_profiler(const struct pb_summary *s, const char *name,
                                                      const char *python);

/* The entry of ps->skipped for workload (a given name), or NULL when the
 * config did not leave ps out of it. Cannot fail. */
const struct pb_skipped *pb_summary_skipped(const struct pb_profiler_summary *ps,
                                            const char *workload);

/* Adds workload (for reason, NULL: none) to ps->skipped, both copied into
 * s's pool. Returns 0, -1 when out of memory. */
int pb_summary_add_skipped(struct pb_summary *s, struct pb_profiler_summary *ps,
                           const char *workload, const char *reason);

/* "ok", "partial", "failed", "timeout", "not_run". Cannot fail. */
const char *pb_pair_status_name(enum pb_pair_status st);

/* 1 when r has a value (was not null). Cannot fail. */
int pb_ratio_known(const struct pb_ratio *r);

/* ---- several results directories as one view ---- */

/* A profiler of the merged view, with the run it was taken from. */
struct pb_merged_profiler {
    const char *name;                       /* for display: sum->label ("cProfile (3.12)") */
    size_t run;                             /* index into set->runs */
    const struct pb_profiler_summary *sum;
    const struct pb_pair **pairs;           /* [set->nworkloads]; NULL where the run has no such pair */
    size_t *other_runs;                     /* older runs that also measured it (not used) */
    size_t nother_runs;
    int pairs_failed, pairs_timeout, pairs_partial, pairs_not_run;  /* counts over pairs */
    int pairs_at_bound;     /* of pairs_timeout: at their lower bound in the
                             * means flagged so (pb_profiler_mean_bound: all
                             * three, or in older summaries the wall mean
                             * alone); the rest of the timed-out pairs are
                             * left out of every mean */
};

struct pb_summary_set {
    struct pb_summary **runs;               /* in the order given */
    size_t nruns;
    const char **workloads;                 /* union, in order of first appearance */
    size_t nworkloads;
    struct pb_merged_profiler *profilers;   /* baselines excluded; sorted by wall geomean, unknown last */
    size_t nprofilers;
};

/* Loads every directory and merges them: a profiler present in several
 * runs is taken from the latest (by meta "started"; on a tie, the later
 * argument). Returns a new set (caller frees with pb_summary_set_free), or
 * NULL with err set by the first directory that fails to load. */
struct pb_summary_set *pb_summary_set_load(const char *const *dirs, size_t ndirs,
                                           struct pb_error *err);

/* Frees set and its summaries. set may be NULL. */
void pb_summary_set_free(struct pb_summary_set *set);

#endif /* PB_SUMMARY_H */
