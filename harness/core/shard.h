#ifndef PB_SHARD_H
#define PB_SHARD_H

/*
 * shard: a config's matrix cut into N shards, for N machines (a Slurm job
 * array: `pbench run CONFIG --shard K/N`), joined again by `pbench merge`.
 *
 * A shard holds whole workload groups: a group is the workloads one entry
 * of the config becomes (its sizes, its list of targets, its interpreters
 * under `pythons:`), each with its baseline and every profiler, so no
 * ratio is ever taken across machines and a workload's scaling fit and
 * its interpreters stay on one machine.
 *
 * The split is greedy longest-processing-time: the groups sorted by weight
 * (heaviest first, then by name), each given to the shard with the least
 * weight so far (the lowest index on a tie). A group's weight is its
 * expected time, roughly: over the pairs of its workloads, (runs +
 * warm-ups) x the profiler's `cost:` (1 unless given), times the
 * workload's `target:` seconds when it has one. It depends on the config
 * (its selection made) and N alone, never on the machine, so every shard
 * of a config computes the same split.
 */

#include <stddef.h>

#include "core/config.h"
#include "util/error.h"

/* Most shards of one matrix. */
#define PB_SHARD_MAX 4096

/* The group workload w belongs to: the name its config entry gave it
 * (w->base with sizes: or a list of targets, else w->given under
 * pythons:, else its name). Points into w. Cannot fail. */
const char *pb_shard_group(const struct pb_workload *w);

/* Workload w's weight: over its pairs in the matrix (pb_plan_pair_in_matrix),
 * (runs + warm-ups) x the profiler's cost, times its target seconds when
 * it has `target:`. 0 for a workload not selected. Cannot fail. */
double pb_shard_weight(const struct pb_config *cfg, size_t w);

/* Splits cfg's selected workloads into count shards (see above): owner[i]
 * (for each of cfg->nworkloads) gets the shard of workload i, 1..count,
 * or 0 when it is not selected. Returns 0, or -1 with err (count outside
 * 1..PB_SHARD_MAX, out of memory). */
int pb_shard_split(const struct pb_config *cfg, int count, int *owner, struct pb_error *err);

/* Makes cfg shard index (1-based) of count: sets cfg->shard_index,
 * cfg->shard_count and every workload's shard (pb_shard_split), so the
 * plan, the adaptive rounds and the calibration take only the workloads
 * of this shard, while config-resolved.json still lists the whole
 * matrix. Call it after the selection. Returns 0, or -1 with err (index
 * outside 1..count, count outside 1..PB_SHARD_MAX, out of memory). */
int pb_shard_apply(struct pb_config *cfg, int index, int count, struct pb_error *err);

/* 1 when workload w runs in this run: cfg is not a shard, or w is in its
 * shard. Cannot fail. */
int pb_shard_here(const struct pb_config *cfg, size_t w);

#endif /* PB_SHARD_H */
