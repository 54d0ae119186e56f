#ifndef PB_TRUTH_H
#define PB_TRUTH_H

/*
 * truth: what a truth workload (workloads/truth_*.py) measured of itself.
 *
 * With `--truth-out -` each such workload prints its truth as one JSON
 * line, {"pbench_truth": 1, "kind", "script", "focus", "params",
 * "parts": [{"name", "root", "functions", "share"}], "share_sum",
 * "native_fraction", "lines", "memory", "functions"}, on stdout, which
 * pbench keeps as the run's stdout.txt. This module reads those lines
 * and turns the plain rounds' truths into one struct pb_acc_truth per
 * workload; the scoring (accuracy.c, capability.c) asks it about a
 * truth's parts, lines and memory.
 */

#include <stddef.h>

#include <jansson.h>

#include "store/accuracy.h"

/* The most parts of a truth that are read (more are ignored). */
#define PB_TRUTH_MAX_PARTS 8

/* The truth line of dir/outdir/stdout.txt, or NULL when the run printed
 * none (or the file cannot be read). A new reference. */
json_t *pb_truth_read(const char *dir, const char *outdir);

/* One plain round's truth, for pb_truth_summarize. */
struct pb_truth_round {
    int round;
    const char *raw_dir;
    const json_t *truth;
};

/* Summarizes a workload's truths (one per plain round, n >= 1) into *out,
 * allocated in acc: the parts, kind, focus and lines of the first round;
 * each part's share normalized to the parts' sum, per round and as a
 * mean over the rounds that have every part; the mean native fraction.
 * Cannot fail (out of memory marks acc, see pb_accuracy_alloc). */
void pb_truth_summarize(struct pb_accuracy *acc, const char *workload,
                        const struct pb_truth_round *rounds, size_t n, struct pb_acc_truth *out);

/* The normalized share of the part named focus in a single raw truth
 * (what a profiled run measured of itself); NAN when it has no such
 * part or no usable shares. */
double pb_truth_raw_share(const json_t *truth, const char *focus);

/* The index of t's part named name, or -1. */
long pb_truth_part(const struct pb_acc_truth *t, const char *name);

/* The function a truth is about: its focus part's root, else its memory
 * function; "" when neither. */
const char *pb_truth_function(const struct pb_acc_truth *t);

/* A number of the workload's params (the split asked for); NAN when it
 * has none. */
double pb_truth_param(const struct pb_acc_truth *t, const char *name);

/* The lines a truth names, into lines (at most max): its "lines" (the
 * native ones), its memory's allocation and touch lines, else the lines
 * of the focus part's root function after its def line. Returns how
 * many. */
size_t pb_truth_known_lines(const struct pb_acc_truth *t, int *lines, size_t max);

/* A memory truth: megabytes allocated at one line, of which touched_mb
 * are touched at another, in function. */
struct pb_truth_memory {
    double alloc_mb, touched_mb;
    int line, touch_line;
    const char *function;           /* "" when unknown */
};

/* t's memory figures (NAN / 0 / "" where it has none). Returns 1 when t
 * has a memory part at all, else 0. */
int pb_truth_memory(const struct pb_acc_truth *t, struct pb_truth_memory *m);

#endif /* PB_TRUTH_H */
