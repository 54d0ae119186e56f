#ifndef PB_PLAN_H
#define PB_PLAN_H

/*
 * plan: a config -> the ordered list of runs.
 *
 * Warm-up rounds come first (rounds -W .. -1), then measured rounds
 * 0 .. R-1. A round runs every selected (workload, profiler) pair whose
 * own warm-up or run count reaches that round, the baseline included, in
 * an order shuffled from the seed, so that drift of the machine hits every
 * pair alike, and in blocks: a workload's runs of one round follow each
 * other (the blocks in a shuffled order, the profilers shuffled within),
 * so that its baseline and profiled runs are close in time and the drift
 * is paired out. The same config and seed give the same plan.
 *
 * Under `runs: auto` the plan holds the warm-up rounds and only round 0 of
 * the adaptive pairs (their baseline too): adaptive.h decides each later
 * round from the records, so that a pair that timed out, failed or ran
 * out of budget runs no more. Pairs with a fixed count get all of theirs.
 */

#include <stddef.h>
#include <stdint.h>

#include "core/config.h"
#include "util/error.h"
#include "util/rng.h"

struct pb_plan_entry {
    size_t seq;             /* position in the plan, 0-based */
    int round;              /* < 0: warm-up round */
    size_t workload;        /* index into cfg->workloads */
    size_t profiler;        /* index into cfg->profilers */
};

struct pb_plan {
    struct pb_plan_entry *entries;
    size_t n;
    uint64_t seed;
};

/* Builds the plan for cfg's selected workloads and profilers. Returns 0,
 * or -1 with err filled (nothing selected, out of memory). The caller
 * releases out with pb_plan_release. */
int pb_plan_build(const struct pb_config *cfg, uint64_t seed, struct pb_plan *out,
                  struct pb_error *err);

void pb_plan_release(struct pb_plan *plan);

/* Orders the n entries of one round from rng: shuffled, then grouped by
 * workload (blocks in the order the shuffle first met them, each block's
 * entries in their shuffled order). Returns 0, or -1 out of memory
 * (entries shuffled but not grouped). */
int pb_plan_order_round(struct pb_rng *rng, struct pb_plan_entry *entries, size_t n);

/* 1 when pair (w, p) is in the matrix: the workload and the profiler are
 * selected, the workload was not marked unrunnable (its calibration
 * failed) and does not skip p (pb_config_skipped), and both p and the
 * baseline can run on the workload's interpreter (pb_config_runnable),
 * and w is in this run's shard when it is one (pb_shard_here). Cannot
 * fail. */
int pb_plan_pair_in(const struct pb_config *cfg, size_t w, size_t p);

/* The same, but whatever shard w is in (core/shard.h): the pair is in the
 * matrix, run here or by another shard. Cannot fail. */
int pb_plan_pair_in_matrix(const struct pb_config *cfg, size_t w, size_t p);

/* A pair's measured and warm-up run counts: its own (pb_config_runs/
 * warmup; under runs: auto, min_runs, which an adaptive pair reaches
 * unless it stops early), except for the baseline, which runs in every
 * round any selected profiler of its workload runs in, so that every ratio
 * compares runs from the same rounds. Cannot fail. */
int pb_plan_pair_runs(const struct pb_config *cfg, size_t w, size_t p);
int pb_plan_pair_warmup(const struct pb_config *cfg, size_t w, size_t p);

/* How many runs the selected pairs make, warm-ups included: *least ==
 * *most without runs: auto; under it, from every adaptive pair stopping at
 * min_runs to every one going on to max_runs (a pair that times out or
 * fails, or the budget, can stop it sooner). Cannot fail. */
void pb_plan_count(const struct pb_config *cfg, size_t *least, size_t *most);

#endif /* PB_PLAN_H */
