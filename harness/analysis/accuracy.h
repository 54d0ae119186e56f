#ifndef PB_ANALYSIS_ACCURACY_H
#define PB_ANALYSIS_ACCURACY_H

/*
 * accuracy (analysis): does each profiler put time and memory where they
 * really went, and what can it see?
 *
 * Works on a results directory of `pbench run` over truth workloads
 * (workloads/truth_*.py, configs/accuracy.yaml). Each truth workload's
 * plain run prints its truth (analysis/truth.h) into its stdout.txt.
 * Every other run of a truth workload is a probe: someone (the adapters,
 * run/adapters.h; a test) reads the profiler's output into an attribution
 * (analysis/attribution.h) and hangs it on the probe; then
 * pb_accuracy_score derives, into a struct pb_accuracy (store/accuracy.h,
 * saved as accuracy.json):
 *  - CPU attribution error per profiler: |reported - true| share of the
 *    helper side of the CPU split workloads, in percentage points, per
 *    split and as a mean;
 *  - the same for the other truth workloads' focus part (the worker
 *    thread, the child process, the native part);
 *  - memory attribution error: reported MB at the allocation line against
 *    the truth, in percent, for profilers that report memory;
 *  - the capability matrix (analysis/capability.h).
 *
 *   pb_accuracy_source_load -> fill each probe's attribution ->
 *   pb_accuracy_score -> pb_accuracy_save
 */

#include <stddef.h>
#include <stdio.h>

#include <jansson.h>

#include "store/accuracy.h"
#include "store/records.h"
#include "store/resolved.h"
#include "util/error.h"

/* Thresholds of the verdicts (written into accuracy.json). */
#define PB_ACCURACY_SEEN_RATIO 0.5      /* focus part's reported share over its
                                         * true share at least: "yes" */
#define PB_ACCURACY_UNSEEN_RATIO 0.1    /* below: "no"; between: "partial" */
#define PB_ACCURACY_NATIVE_OK_PP 15.0   /* python/native split within: "yes" */
#define PB_ACCURACY_MEMORY_OK_PCT 25.0  /* memory at the line within: "yes" */
#define PB_ACCURACY_MIN_SAMPLES 20      /* a sampler's "no" on fewer samples
                                         * than this is "inconclusive" */

/* One profiled run of a truth workload. */
struct pb_accuracy_probe {
    const struct pb_run_record *run;    /* in the source's runs */
    const char *script;                 /* the workload's script */
    json_t *own_truth;                  /* what the run printed of itself; NULL */
    /* Set before scoring by whoever reads the profiler's output, for a
     * run that finished ok (the source frees them): */
    char *attribution;                  /* its path relative to the results
                                         * directory (malloc'd); NULL: none */
    json_t *attr;                       /* the attribution (a reference the
                                         * probe owns); NULL: none */
    char *adapter_error;                /* why there is no attribution
                                         * (malloc'd); NULL */
};

/* The probes of one (workload, profiler), lowest round first. */
struct pb_accuracy_pair {
    const char *workload, *profiler;
    size_t *probes;                     /* indices into the source's probes */
    size_t n;
};

/* A results directory of truth workloads, read for scoring. Fields are
 * read-only for callers, but for the probes' attribution fields. */
struct pb_accuracy_source {
    const char *dir;
    struct pb_resolved resolved;        /* config-resolved.json */
    struct pb_run_list runs;
    const char *baseline;               /* the plain profiler's name */
    const char *python;                 /* the run's interpreter */
    const char **profilers;             /* the others, config order */
    size_t nprofilers;
    struct pb_accuracy *acc;            /* being built: truths, warnings */
    struct pb_accuracy_probe *probes;   /* runs.jsonl's order */
    size_t nprobes;
    struct pb_accuracy_pair *pairs;     /* in the order their first run ran */
    size_t npairs;
};

/* 1 when a plain (baseline) run in dir printed a truth, i.e. dir is a run
 * of truth workloads that accuracy applies to; 0 otherwise (also when dir
 * is unreadable). Cheap: reads runs.jsonl and stdout.txt files until the
 * first truth. Lets `pbench run` or `pbench report` compute accuracy only
 * where it applies. */
int pb_accuracy_has_truths(const char *dir);

/* Reads dir's config-resolved.json and runs.jsonl, the truths of the
 * plain runs (into src->acc->truths) and the probes (without
 * attributions). Returns 0, or -1 with err set: dir has no
 * config-resolved.json or runs.jsonl, or no truth workload has a plain
 * run with a truth. src keeps dir (which must outlive it). Release src
 * with pb_accuracy_source_release either way. */
int pb_accuracy_source_load(struct pb_accuracy_source *src, const char *dir, struct pb_error *err);

/* Frees what src holds. Cannot fail. */
void pb_accuracy_source_release(struct pb_accuracy_source *src);

/* The probes of (workload, profiler), or NULL when there are none. */
const struct pb_accuracy_pair *pb_accuracy_pair(const struct pb_accuracy_source *src,
                                                const char *workload, const char *profiler);

/* 1 when the config lists function in workload's hot list (the functions
 * decorated or named for the profilers that need it). */
int pb_accuracy_is_hot(const struct pb_accuracy_source *src, const char *workload,
                       const char *function);

/* 1 when profiler's command takes {hot} (the hot functions are marked
 * for it). */
int pb_accuracy_takes_hot(const struct pb_accuracy_source *src, const char *profiler);

/* The run p names, for a figure or a verdict it decided, with its
 * strings copied into acc. Cannot fail (see pb_accuracy_alloc). */
void pb_accuracy_ref(struct pb_accuracy *acc, const struct pb_accuracy_probe *p,
                     struct pb_acc_run_ref *ref);

/* The attribution of a probe when it is usable, else NULL. */
const json_t *pb_accuracy_usable(const struct pb_accuracy_probe *p);

/* Why the adapter gave no usable attribution for a probe: its own
 * failure or the attribution's error; NULL when there is none. */
const char *pb_accuracy_adapter_error(const struct pb_accuracy_probe *p);

/* The truths of src sorted by workload name (byte order), into a
 * malloc'd array of src->acc->ntruths pointers; NULL when out of memory
 * or there are none. Caller frees. */
const struct pb_acc_truth **pb_accuracy_sorted_truths(const struct pb_accuracy_source *src);

/* Scores src's probes against the truths: the shares, the CPU table, the
 * native and memory tables, the capability matrix and the list of runs,
 * all into src->acc, which it then hands over in *out (caller frees with
 * pb_accuracy_free; src->acc becomes NULL). adapter and python are
 * recorded as what read the outputs. Returns 0, or -1 with err set (out
 * of memory). */
int pb_accuracy_score(struct pb_accuracy_source *src, const char *adapter, const char *python,
                      struct pb_accuracy **out, struct pb_error *err);

#endif /* PB_ANALYSIS_ACCURACY_H */
