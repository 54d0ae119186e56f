#ifndef PB_PUBLISHED_H
#define PB_PUBLISHED_H

/*
 * published: a reference's published figures (store/reference.h) beside
 * what pbench measured (a summary set): per profiler the published value,
 * the measured one as the same statistic (for "median": the median, over
 * the workloads the profiler has a wall-time ratio for, of the ratio to
 * the baseline), pbench's geometric mean, measured / published, the rank
 * of each, Kendall's tau-b between the two orders (analysis/rank.h) and
 * the pairs of profilers the two order differently. `pbench report` and
 * `pbench summarize` print it (output/report_published.c,
 * output/published_table.c).
 *
 * Timed-out pairs enter the median at their lower bound (the pair's wall
 * ratio at the timeout): the median is then marked a lower bound only
 * when a bound sits at or below it, since a bound above the median
 * cannot move it (as with the paper's "> 150x" memory_profiler figures).
 * The ranks and tau take such a median at its value.
 */

#include <stddef.h>

#include "analysis/rank.h"
#include "store/reference.h"
#include "store/summary.h"
#include "util/error.h"

enum pb_published_state {
    PB_PUBLISHED_COMPARED,      /* published and measured: in the ranks and tau */
    PB_PUBLISHED_NOT_IN_PBENCH, /* the reference names no pbench profiler for it */
    PB_PUBLISHED_NOT_MEASURED,  /* its pbench profiler is not in these results */
    PB_PUBLISHED_NO_FIGURE,     /* in these results, with no wall-time ratio (failed) */
    PB_PUBLISHED_EXTRA,         /* measured here, not in the reference */
};

/* One profiler of the comparison. */
struct pb_published_row {
    const struct pb_reference_entry *entry; /* NULL for PB_PUBLISHED_EXTRA */
    const char *profiler;       /* pbench's name; NULL for PB_PUBLISHED_NOT_IN_PBENCH */
    enum pb_published_state state;
    double published;           /* entry->value; NAN for EXTRA */
    double measured;            /* the reference's statistic over workloads; NAN when none */
    int measured_bound;         /* measured is a lower bound (see above) */
    int workloads;              /* workloads in measured */
    int bounds;                 /* of them, timed out: in at their lower bound */
    double geomean;             /* pbench's wall-time geometric mean; NAN when none */
    int geomean_bound;          /* geomean is a lower bound */
    double ratio;               /* measured / published; NAN unless COMPARED */
    int rank_published, rank_measured;  /* 1-based among the compared; 0 when not */
    int tied_published, tied_measured;  /* shares its rank with another */
    int swaps;                  /* how many of the swaps below it is in */
};

/* Two profilers the orders disagree on: the paper has `cheaper` below
 * `dearer`, the measurement has them the other way round. */
struct pb_published_swap {
    const struct pb_published_row *cheaper, *dearer;
};

struct pb_published {
    const struct pb_reference *ref;
    struct pb_published_row *rows;  /* the reference's profilers, by published value
                                     * (the file's order among equals) */
    size_t nrows;
    struct pb_published_row *extra; /* measured, not in the reference: by measured value */
    size_t nextra;
    size_t ncompared;               /* rows in state COMPARED */
    struct pb_kendall tau;          /* over the compared rows, in row order */
    struct pb_published_swap *swaps;    /* tau's discordant pairs, in published order */
    size_t nswaps;
};

/* Compares set against ref into *out (released with
 * pb_published_release, also after a failure), taking the profilers
 * measured on interpreter python (with the Python axis; NULL without).
 * Baselines are not compared. Returns 0, or -1 with err set (out of
 * memory). */
int pb_published_compare(const struct pb_summary_set *set, const struct pb_reference *ref,
                         const char *python, struct pb_published *out, struct pb_error *err);

/* The interpreters of set's Python axis into out (at most cap), in version
 * order; 0 without the axis. Cannot fail. */
size_t pb_published_pythons(const struct pb_summary_set *set, const char **out, size_t cap);

/* Frees what p owns; p is emptied. Cannot fail. */
void pb_published_release(struct pb_published *p);

/* The median of v[0..n), where v[k] is only a lower bound of the true
 * value when bound[k] (bound may be NULL: none). *lower (may be NULL) is
 * set to 1 when the true median may be above the result: some bound sits
 * at or below it. NAN for n == 0 (or out of memory). */
double pb_published_median(const double *v, const int *bound, size_t n, int *lower);

#endif /* PB_PUBLISHED_H */
