#ifndef PB_ACCURACY_H
#define PB_ACCURACY_H

/*
 * accuracy: does each profiler put time and memory where they really
 * went, and what can it see?
 *
 * Works on a results directory of `pbench run` over truth workloads
 * (workloads/truth_*.py, configs/accuracy.yaml). Each truth workload's
 * plain run prints its truth as one JSON line ({"pbench_truth": 1, ...})
 * to stdout, kept as raw/<workload>/<baseline>/<round>/stdout.txt. Every
 * other ok run is read by the adapter (harness/adapters/adapt.py, spawned
 * with an argv, never a shell), which turns the profiler's own output
 * into the common attribution JSON; pbench keeps it as
 * attribution/<workload>/<profiler>/<round>.json in the results
 * directory (the adapter's stderr beside it, when it said anything).
 *
 * From truths and attributions it derives (schema "pbench-accuracy/1",
 * documented above build_output in accuracy.c):
 *  - CPU attribution error per profiler: |reported - true| share of the
 *    helper side of the CPU split workloads, in percentage points, per
 *    split and as a mean;
 *  - the same for the other truth workloads' focus part (the worker
 *    thread, the child process, the native part);
 *  - memory attribution error: reported MB at the allocation line against
 *    the truth, in percent, for profilers that report memory;
 *  - the capability matrix: one row per profiler, cells lines, functions,
 *    unmodified_code, threads, multiprocessing, python_vs_native, memory,
 *    each decided by a probe and naming the run that decided it; a cell
 *    no run probed says "not probed".
 */

#include <jansson.h>

#include "util/error.h"

struct pb_accuracy_opts {
    const char *python;     /* runs the adapter; NULL: the results' own
                             * interpreter (config-resolved.json) */
    const char *adapter;    /* adapt.py; NULL: adapters/adapt.py of the
                             * data directory (util/datadir.h) */
    double timeout_s;       /* per adapter run; <= 0: 120 */
};

/* Defaults (all NULL / 0). Cannot fail. */
void pb_accuracy_opts_init(struct pb_accuracy_opts *opts);

/* 1 when a plain (baseline) run in dir printed a truth, i.e. dir is a run
 * of truth workloads that pb_accuracy_write can read; 0 otherwise (also
 * when dir is unreadable). Cheap: reads runs.jsonl and stdout.txt files
 * until the first truth. Lets `pbench run` or `pbench report` compute
 * accuracy only where it applies. */
int pb_accuracy_has_truths(const char *dir);

/* Runs the adapter on every ok run of a truth workload in dir (writing
 * dir/attribution/...), reads the truths of the plain runs and returns
 * the accuracy object in *out (a new reference; caller decrefs).
 * Returns 0, or -1 with err set: dir has no config-resolved.json or
 * runs.jsonl, no truth workload has a plain run with a truth, a file
 * cannot be written, or the adapter cannot be started at all. A run the
 * adapter cannot read is not a failure: its cells say why. opts may be
 * NULL. */
int pb_accuracy_compute(const char *dir, const struct pb_accuracy_opts *opts, json_t **out,
                        struct pb_error *err);

/* pb_accuracy_compute, then writes dir/accuracy.json (atomically).
 * *out (when out is not NULL) gets the object. Returns 0 or -1. */
int pb_accuracy_write(const char *dir, const struct pb_accuracy_opts *opts, json_t **out,
                      struct pb_error *err);

/* Writes the report's accuracy section (Markdown, from "## Accuracy" on)
 * from results_dir/accuracy.json to f: the CPU attribution error table,
 * the other truth workloads' shares, the memory table and the capability
 * matrix, each cell a link to the run directory that decided it (the
 * reason as the link's title). link_prefix is the path from the report's
 * directory to results_dir ("" when the report lies in it); chart, when
 * not NULL, the accuracy chart's path relative to the report. Returns 0;
 * 1 when results_dir has no accuracy.json (nothing written); -1 with err
 * set when it is unreadable. */
int pb_accuracy_markdown(FILE *f, const char *results_dir, const char *link_prefix,
                         const char *chart, struct pb_error *err);

/* `pbench accuracy RESULTS_DIR [--python PATH] [--adapter PATH]
 * [--timeout S] [-q]`; argv[0] is "accuracy". Writes accuracy.json and
 * prints the error tables and the capability matrix. Returns 0, 1 for a
 * run-time failure, 2 for a usage error. */
int pb_accuracy_cmd(int argc, char **argv);

#endif /* PB_ACCURACY_H */
