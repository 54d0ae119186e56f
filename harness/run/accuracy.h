#ifndef PB_RUN_ACCURACY_H
#define PB_RUN_ACCURACY_H

/*
 * accuracy (run): computes a results directory's accuracy.json from
 * start to end: the adapters read every profiled run of a truth workload
 * (run/adapters.h), the scoring compares them with the truths of the
 * plain runs (analysis/accuracy.h), the store writes the figures
 * (store/accuracy.h). `pbench run` calls it at the end of a run of truth
 * workloads, `pbench accuracy` on a results directory.
 */

#include "run/adapters.h"
#include "store/accuracy.h"
#include "util/error.h"

struct pb_accuracy_opts {
    const char *python;     /* runs the adapter; NULL: the results' own
                             * interpreter (config-resolved.json) */
    const char *adapter;    /* adapt.py; NULL: adapters/adapt.py of the
                             * data directory (util/datadir.h) */
    double timeout_s;       /* per adapter run; <= 0: 120 */
    const struct pb_reader *readers;    /* profilers' own readers the
                                         * caller trusts (run/adapters.h);
                                         * may be NULL */
    size_t nreaders;
};

/* Defaults (all NULL / 0). Cannot fail. */
void pb_accuracy_opts_init(struct pb_accuracy_opts *opts);

/* Runs the adapter on every ok run of a truth workload in dir (writing
 * dir/attribution/...), reads the truths of the plain runs and scores
 * them. Returns 0 with the figures in *out (caller frees with
 * pb_accuracy_free), or -1 with err set: the adapter cannot be read, dir
 * has no config-resolved.json or runs.jsonl, no truth workload has a
 * plain run with a truth, a file cannot be written, or the adapter
 * cannot be started at all. A run the adapter cannot read is not a
 * failure: its cells say why. opts may be NULL. */
int pb_accuracy_compute(const char *dir, const struct pb_accuracy_opts *opts,
                        struct pb_accuracy **out, struct pb_error *err);

/* pb_accuracy_compute, then writes dir/accuracy.json (atomically).
 * *out (when out is not NULL) gets the figures (caller frees with
 * pb_accuracy_free). Returns 0 or -1. */
int pb_accuracy_write(const char *dir, const struct pb_accuracy_opts *opts,
                      struct pb_accuracy **out, struct pb_error *err);

#endif /* PB_RUN_ACCURACY_H */
