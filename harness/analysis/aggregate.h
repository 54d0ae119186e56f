#ifndef PB_AGGREGATE_H
#define PB_AGGREGATE_H

/*
 * aggregate: a results directory's run records -> summary.json and
 * summary.csv (docs/results-format.md).
 *
 * It reads only what the run stored (config-resolved.json for the pairs,
 * their order and the baseline; meta.json; runs.jsonl), so it can be
 * re-run at any time, also on an unfinished or interrupted run.
 */

#include <jansson.h>

#include "util/error.h"

#define PB_AGGREGATE_RESAMPLES 2000
#define PB_AGGREGATE_LEVEL 0.95

/* Computes the summary of dir and writes dir/summary.json and
 * dir/summary.csv. On success returns 0 and, when summary is not NULL,
 * stores the summary object there (caller json_decref's it); *warning
 * (when not NULL, at least 512 bytes) receives a note about ignored torn
 * lines, or "". Returns -1 with err filled when a file is missing or
 * unreadable or cannot be written. */
int pb_aggregate_dir(const char *dir, json_t **summary, char *warning, struct pb_error *err);

#endif /* PB_AGGREGATE_H */
