#ifndef PB_PLAN_H
#define PB_PLAN_H

/*
 * plan: a config -> the ordered list of runs.
 *
 * Warm-up rounds come first (rounds -W .. -1), then measured rounds
 * 0 .. R-1. A round runs every selected (workload, profiler) pair whose
 * own warm-up or run count reaches that round, the baseline included, in
 * an order shuffled from the seed, so that drift of the machine hits every
 * pair alike. The same config and seed give the same plan.
 */

#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "error.h"

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

/* A pair's measured and warm-up run counts in the plan: its own
 * (pb_config_runs/warmup), except for the baseline, which runs in every
 * round any selected profiler of its workload runs in, so that every ratio
 * compares runs from the same rounds. Cannot fail. */
int pb_plan_pair_runs(const struct pb_config *cfg, size_t w, size_t p);
int pb_plan_pair_warmup(const struct pb_config *cfg, size_t w, size_t p);

#endif /* PB_PLAN_H */
