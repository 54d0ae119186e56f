#ifndef PB_SCALING_H
#define PB_SCALING_H

/*
 * scaling: start-up cost apart from steady-state overhead, for workloads
 * run at several sizes (`sizes:` in the config). For each such workload
 * and profiler it fits time = start-up + slope x size over every ok run
 * of the profiler and of the baseline; the profiler's start-up cost is
 * the difference of the intercepts, its steady-state overhead the ratio
 * of the slopes, each with a percentile bootstrap interval (runs
 * resampled within each size).
 */

#include <stdint.h>

#include "store/records.h"
#include "store/resolved.h"
#include "store/summary.h"
#include "util/error.h"

/* Appends to s->scaling (interning its names in s) one entry per sized
 * workload x non-baseline profiler of r that has ok runs at two sizes or
 * more on both sides. Returns 0, or -1 with err filled (out of memory). */
int pb_scaling_fit(const struct pb_resolved *r, const struct pb_run_list *runs, uint64_t seed,
                   struct pb_summary *s, struct pb_error *err);

#endif /* PB_SCALING_H */
