#ifndef PB_ADAPTIVE_H
#define PB_ADAPTIVE_H

/*
 * adaptive: `runs: auto`. Round 0 is in the first plan (plan.h); every
 * later round is decided here from the records, one at a time: a round
 * runs the pairs that pb_pair_decide (analysis/pairstate.h) says need
 * more runs (below min_runs, or not yet precise enough: the half-width of
 * the wall ratio's 95% interval, relative to the ratio, above the
 * config's `precision`), and a workload's baseline with them (a ratio is
 * only as precise as both its sides). A pair stops at max_runs, when it
 * timed out (its ratio is a lower bound) or failed twice without a
 * success; every pair stops at round max_runs or when the runs so far add
 * up to the config's `budget` of seconds.
 *
 * Decisions for round k use only the records of rounds before k, so a
 * resumed run makes the same decisions as an uninterrupted one, and the
 * summary can replay them (pb_pair_why_stopped).
 */

#include <stddef.h>
#include <stdint.h>

#include "analysis/pairstate.h"
#include "core/config.h"
#include "core/plan.h"
#include "store/records.h"
#include "util/error.h"

/* cfg's runs: auto settings for pair (w, p) (adaptive 0 when its count is
 * fixed). Cannot fail. */
void pb_adaptive_rules(const struct pb_config *cfg, size_t w, size_t p, struct pb_pair_rules *r);

/* Builds the plan of measured round `round` (>= 1) from the records of
 * earlier rounds: the adaptive pairs that need more runs and their
 * baselines, shuffled from seed (a run the first plan already holds is
 * left to it: the runner skips recorded runs). seq numbers start at
 * first_seq. An empty plan (out->n == 0) means the matrix is done.
 * Returns 0, or -1 with err filled (out of memory). */
int pb_adaptive_next_round(const struct pb_config *cfg, const struct pb_run_list *runs,
                           int round, uint64_t seed, size_t first_seq, struct pb_plan *out,
                           struct pb_error *err);

#endif /* PB_ADAPTIVE_H */
