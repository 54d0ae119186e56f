#ifndef PB_ACCURACY_KEYS_H
#define PB_ACCURACY_KEYS_H

/*
 * accuracy_keys: every key of accuracy.json, in the order it is written,
 * with the struct pb_accuracy member it holds: the one table that both
 * pb_accuracy_save and pb_accuracy_load (store/accuracy.c, the only file
 * that includes this one) walk.
 */

#include <stddef.h>

#include "store/accuracy.h"

enum kind {
    K_STR,          /* const char *: null when NULL */
    K_OPTSTR,       /* const char *: left out when NULL */
    K_NUM,          /* double: null when not finite */
    K_INT,          /* int */
    K_LONG,         /* long */
    K_COUNT,        /* long long: null when < 0 */
    K_JSON,         /* json_t *, kept as it is: left out when NULL */
    K_STRS,         /* const char ** and its size_t count at n_off */
    K_NUMS,         /* double * and its count at n_off */
    K_ARRAY,        /* an array of sub's structs and its count at n_off */
    K_OBJECT,       /* a struct of sub's at off, as a nested object */
    K_INLINE,       /* a struct of sub's at off, its keys in this object */
    K_REF,          /* struct pb_acc_run_ref *: an object, null when NULL */
    K_TRUTHS,       /* the truths: an object by workload name */
    K_CAPS,         /* the capability matrix: columns and rows of cells */
};

struct type;

struct field {
    const char *key;
    enum kind kind;
    size_t off, n_off;
    const struct type *sub;
    int has_when;               /* written only when the int at when_off is
                                 * set; read: set when the key is there */
    size_t when_off;
};

struct type {
    size_t size;
    const struct field *fields;     /* up to a NULL key */
};

/* F(key, kind, member): a field of the struct T being described; FN: with
 * its count member; FA: an array of sub's structs; FS: a struct of sub's;
 * FW: written only when the int member flag is set. */
#define F(key, kind, m) { key, kind, offsetof(T, m), 0, NULL, 0, 0 }
#define FN(key, kind, m, n) { key, kind, offsetof(T, m), offsetof(T, n), NULL, 0, 0 }
#define FA(key, m, n, sub) { key, K_ARRAY, offsetof(T, m), offsetof(T, n), &sub, 0, 0 }
#define FS(key, kind, m, sub) { key, kind, offsetof(T, m), 0, &sub, 0, 0 }
#define FW(key, kind, m, flag) { key, kind, offsetof(T, m), 0, NULL, 1, offsetof(T, flag) }
#define END { NULL, K_STR, 0, 0, NULL, 0, 0 }
/* The struct T's type, its fields in the order they are written. */
#define TYPE(name, ...) \
    static const struct type name = { sizeof(T), (const struct field[]){ __VA_ARGS__, END } }

#define T struct pb_acc_run_ref
TYPE(ref,
    F("workload", K_STR, workload), F("profiler", K_STR, profiler), F("round", K_INT, round),
    F("raw_dir", K_STR, raw_dir), F("attribution", K_STR, attribution));
#undef T

#define T struct pb_acc_part
TYPE(part,
    F("name", K_STR, name), F("root", K_STR, root),
    FN("functions", K_STRS, functions, nfunctions), F("share", K_NUM, share),
    FN("shares", K_NUMS, shares, nshares));
#undef T

#define T struct pb_acc_truth_run
TYPE(truth_run,
    F("round", K_INT, round), F("raw_dir", K_STR, raw_dir));
#undef T

#define T struct pb_acc_truth
TYPE(truth,       /* its workload is its key */
    F("kind", K_STR, kind), F("script", K_STR, script), F("focus", K_STR, focus),
    F("params", K_JSON, params), FA("parts", parts, nparts, part),
    F("focus_share", K_NUM, focus_share), FN("share_sums", K_NUMS, share_sums, nshare_sums),
    F("native_fraction", K_NUM, native_fraction), F("lines", K_JSON, lines),
    F("memory", K_JSON, memory), F("functions", K_JSON, functions),
    FA("runs", runs, nruns, truth_run));
#undef T

#define T struct pb_acc_share_round
TYPE(share_round,
    FS("", K_INLINE, run, ref), F("note", K_OPTSTR, note),
    FW("reported_share", K_NUM, reported_share, scored), FW("error_pp", K_NUM, error_pp, scored),
    FW("in_run_true_share", K_NUM, in_run_true_share, scored),
    FW("samples", K_COUNT, samples, scored));
#undef T

#define T struct pb_acc_share_profiler
TYPE(share_profiler,
    F("profiler", K_STR, profiler), F("reported_share", K_NUM, reported_share),
    F("error_pp", K_NUM, error_pp), FA("rounds", rounds, nrounds, share_round),
    F("note", K_STR, note));
#undef T

#define T struct pb_acc_share
TYPE(share,
    F("workload", K_STR, workload), F("kind", K_STR, kind), F("focus", K_STR, focus),
    F("split", K_NUM, split), F("true_share", K_NUM, true_share),
    FA("profilers", profilers, nprofilers, share_profiler));
#undef T

#define T struct pb_acc_cpu_split
TYPE(cpu_split,
    F("workload", K_STR, workload), F("split", K_NUM, split), F("true_share", K_NUM, true_share),
    F("reported_share", K_NUM, reported_share), F("error_pp", K_NUM, error_pp));
#undef T

#define T struct pb_acc_cpu
TYPE(cpu,
    F("profiler", K_STR, profiler), F("mean_error_pp", K_NUM, mean_error_pp),
    F("max_error_pp", K_NUM, max_error_pp), FA("splits", splits, nsplits, cpu_split));
#undef T

#define T struct pb_acc_native_round
TYPE(native_round,
    FS("", K_INLINE, run, ref), F("reported_native_fraction", K_NUM, reported_native_fraction),
    F("error_pp", K_NUM, error_pp));
#undef T

#define T struct pb_acc_native_profiler
TYPE(native_profiler,
    F("profiler", K_STR, profiler),
    F("reported_native_fraction", K_NUM, reported_native_fraction),
    F("error_pp", K_NUM, error_pp), FA("rounds", rounds, nrounds, native_round));
#undef T

#define T struct pb_acc_native
TYPE(native,
    F("workload", K_STR, workload), F("true_native_fraction", K_NUM, true_native_fraction),
    FA("profilers", profilers, nprofilers, native_profiler));
#undef T

#define T struct pb_acc_memory_round
TYPE(memory_round,
    FS("", K_INLINE, run, ref), F("reported_mb", K_NUM, reported_mb),
    F("touch_line_mb", K_NUM, touch_line_mb), F("function_mb", K_NUM, function_mb),
    F("error_pct", K_NUM, error_pct));
#undef T

#define T struct pb_acc_memory_profiler
TYPE(memory_profiler,
    F("profiler", K_STR, profiler), F("kind", K_STR, kind), F("reported_mb", K_NUM, reported_mb),
    F("error_pct", K_NUM, error_pct), F("touch_line_mb", K_NUM, touch_line_mb),
    F("function_mb", K_NUM, function_mb), F("function_error_pct", K_NUM, function_error_pct),
    FA("rounds", rounds, nrounds, memory_round));
#undef T

#define T struct pb_acc_memory
TYPE(memory,
    F("workload", K_STR, workload), F("alloc_mb", K_NUM, alloc_mb),
    F("touched_mb", K_NUM, touched_mb), F("line", K_LONG, line),
    F("touch_line", K_LONG, touch_line), FA("profilers", profilers, nprofilers, memory_profiler));
#undef T

#define T struct pb_acc_cell
TYPE(cell,
    F("value", K_STR, value), F("why", K_STR, why), F("decided_by", K_REF, decided_by),
    F("runs", K_OPTSTR, runs));
#undef T

/* The capability matrix: {"columns": [...], "rows": [{"profiler",
 * "cells": {COLUMN: cell}}]}, written and read by hand below. */
#define KEY_COLUMNS "columns"
#define KEY_ROWS "rows"
#define KEY_ROW_PROFILER "profiler"
#define KEY_ROW_CELLS "cells"

#define T struct pb_acc_run
TYPE(run,
    F("workload", K_STR, workload), F("profiler", K_STR, profiler), F("round", K_INT, round),
    F("raw_dir", K_STR, raw_dir), F("status", K_STR, status), F("error", K_OPTSTR, error),
    F("attribution", K_OPTSTR, attribution), F("adapter_error", K_OPTSTR, adapter_error));
#undef T

#define T struct pb_acc_thresholds
TYPE(thresholds,
    F("seen_ratio", K_NUM, seen_ratio), F("unseen_ratio", K_NUM, unseen_ratio),
    F("native_ok_pp", K_NUM, native_ok_pp), F("memory_ok_pct", K_NUM, memory_ok_pct),
    F("min_samples", K_INT, min_samples));
#undef T

/* The version keys come first: "format" (2), "schema" (1, kept). */
#define KEY_FORMAT "format"
#define KEY_SCHEMA "schema"

#define T struct pb_accuracy
TYPE(accuracy,
    F("results_dir", K_STR, results_dir), F("generated", K_STR, generated),
    F("adapter", K_STR, adapter), F("python", K_STR, python),
    FS("thresholds", K_OBJECT, thresholds, thresholds), F("truths", K_TRUTHS, truths),
    FA("shares", shares, nshares, share), FA("cpu", cpu, ncpu, cpu),
    FA("native", native, nnative, native), FA("memory", memory, nmemory, memory),
    F("capabilities", K_CAPS, columns), FA("runs", runs, nruns, run),
    FN("warnings", K_STRS, warnings, nwarnings));
#undef T

#endif /* PB_ACCURACY_KEYS_H */
