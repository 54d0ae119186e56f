#ifndef PB_AGGREGATE_H
#define PB_AGGREGATE_H

/*
 * aggregate: a results directory's stored inputs and run records -> its
 * summary (store/summary.h: summary.json and summary.csv,
 * docs/results-format.md).
 *
 * It reads only what the run stored (config-resolved.json for the pairs,
 * their order and the baseline; meta.json; runs.jsonl; calibration.json,
 * when there is one, for why a workload whose count could not be chosen
 * did not run), through the
 * store, so it can be re-run at any time, also on an unfinished or
 * interrupted run. A shard's summary (`pbench run --shard`) holds only its
 * own workloads' pairs; a merge's (`pbench merge`, meta.json "shards")
 * holds every pair of the matrix, those of a shard that was not merged or
 * did not finish reported not_run with that reason. Each pair's figures and, under runs: auto, the reason
 * it stopped come from analysis/pairstate.h, the same decisions the run
 * made.
 */

#include "store/summary.h"
#include "util/error.h"

/* Computes the summary of dir and writes dir/summary.json and
 * dir/summary.csv. On success returns 0 and, when out is not NULL, the
 * summary there (caller frees with pb_summary_free); *warning (when not
 * NULL, at least 512 bytes) receives a note about ignored torn lines, or
 * "". Returns -1 with err filled when a file is missing, unreadable or
 * of an unknown format, or cannot be written. */
int pb_aggregate_dir(const char *dir, struct pb_summary **out, char *warning, struct pb_error *err);

#endif /* PB_AGGREGATE_H */
