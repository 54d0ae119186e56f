#ifndef PB_ADAPTIVE_H
#define PB_ADAPTIVE_H

/*
 * adaptive: `runs: auto`. Round 0 is in the first plan (plan.h); every
 * later round is decided here from the records, one at a time. Rounds up
 * to min_runs run every pair that has not stopped; each further round runs
 * only the pairs whose wall-time ratio is not yet precise enough: the half-width of its 95% bootstrap interval, relative to the
 * ratio, is above the config's `precision`. A workload's baseline runs
 * again while any of its pairs does (a ratio is only as precise as both
 * its sides). A pair also stops at max_runs, when it timed out (its ratio
 * is a lower bound) or failed, and every pair stops when the runs so far
 * add up to the config's `budget` of seconds.
 *
 * Decisions for round k use only the records of rounds before k, so a
 * resumed run makes the same decisions as an uninterrupted one.
 */

#include <stddef.h>
#include <stdint.h>

#include "core/config.h"
#include "util/error.h"
#include "core/plan.h"
#include "store/results.h"

/* Why a pair stopped (or not). */
enum pb_adaptive_state {
    PB_ADAPT_MORE,          /* not precise yet: runs again */
    PB_ADAPT_PRECISE,       /* reached the target */
    PB_ADAPT_MAX_RUNS,      /* stopped at max_runs */
    PB_ADAPT_BUDGET,        /* stopped by the time budget */
    PB_ADAPT_TIMEOUT,       /* timed out: a lower bound */
    PB_ADAPT_FAILED,        /* no successful run to measure */
    PB_ADAPT_FIXED,         /* not adaptive: a fixed run count */
};

/* "precise", "max_runs", ...; cannot fail. */
const char *pb_adaptive_state_name(enum pb_adaptive_state s);

/* Builds the plan of measured round `round` (>= 1) from the
 * records of earlier rounds in runs: the adaptive pairs that need more
 * runs and their baselines, shuffled from seed (a run the first plan
 * already holds is left to it: the runner skips recorded runs). seq numbers start at
 * first_seq. An empty plan (out->n == 0) means the matrix is done.
 * Returns 0, or -1 with err filled (out of memory). */
int pb_adaptive_next_round(const struct pb_config *cfg, const struct pb_run_list *runs,
                           int round, uint64_t seed, size_t first_seq, struct pb_plan *out,
                           struct pb_error *err);

/* The state of one pair given the records of rounds before `round`, and
 * the relative half-width of its wall ratio's interval (NAN when none). */
enum pb_adaptive_state pb_adaptive_pair(const struct pb_config *cfg, const struct pb_run_list *runs,
                                        size_t w, size_t p, int round, uint64_t seed,
                                        double *halfwidth);

#endif /* PB_ADAPTIVE_H */
