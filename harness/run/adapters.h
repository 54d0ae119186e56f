#ifndef PB_ADAPTERS_H
#define PB_ADAPTERS_H

/*
 * adapters: reads every probe's profiler output into an attribution by
 * running the adapter (harness/adapters/adapt.py) on it, as a process
 * started with an argv, never a shell:
 *
 *   PYTHON ADAPTER --profiler P --kind auto --run-dir DIR/raw/W/P/R
 *                  --script SCRIPT --out DIR/attribution/W/P/R.json
 *
 * It keeps its output as attribution/<workload>/<profiler>/<round>.json
 * in the results directory, its stderr beside it (<round>.stderr.txt)
 * when it said anything.
 */

#include "analysis/accuracy.h"
#include "util/error.h"

struct pb_adapters_opts {
    const char *python;         /* runs the adapter */
    const char *adapter;        /* adapt.py */
    double timeout_s;           /* per adapter run */
};

/* Runs the adapter on every probe of src whose run finished ok, setting
 * the probe's attribution path and either its attribution or, when the
 * adapter timed out or wrote no attribution, its adapter_error. A run
 * the adapter cannot read is not a failure: its probe says why. Returns
 * 0, or -1 with err set: an attribution directory cannot be made, or the
 * adapter cannot be started at all. */
int pb_adapters_run(struct pb_accuracy_source *src, const struct pb_adapters_opts *opts,
                    struct pb_error *err);

#endif /* PB_ADAPTERS_H */
