#ifndef PB_ADAPTERS_H
#define PB_ADAPTERS_H

/*
 * adapters: reads every probe's profiler output into an attribution by
 * running the adapter (harness/adapters/adapt.py) on it, as a process
 * started with an argv, never a shell:
 *
 *   PYTHON ADAPTER --profiler P --kind KIND --run-dir DIR/raw/W/P/R
 *                  --script SCRIPT --out DIR/attribution/W/P/R.json
 *
 * KIND is the profiler's `format:` (auto without one). A profiler with a
 * `reader:` of the user's own gets `--reader FILE` instead, but only from
 * the list the caller trusts (the config being run, or `pbench accuracy
 * --reader NAME=FILE`): a reader a stored results directory names is
 * never run, since reading results never runs code they name (its probes
 * say how to run it).
 *
 * It keeps its output as attribution/<workload>/<profiler>/<round>.json
 * in the results directory, its stderr beside it (<round>.stderr.txt)
 * when it said anything.
 */

#include "analysis/accuracy.h"
#include "util/error.h"

/* A profiler's reader of the user's own, which the caller trusts. */
struct pb_reader {
    const char *profiler;
    const char *path;           /* the Python file */
};

struct pb_adapters_opts {
    const char *python;         /* runs the adapter */
    const char *adapter;        /* adapt.py */
    double timeout_s;           /* per adapter run */
    const struct pb_reader *readers;    /* may be NULL */
    size_t nreaders;
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
