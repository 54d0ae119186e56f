#ifndef PB_STORE_ACCURACY_H
#define PB_STORE_ACCURACY_H

/*
 * accuracy.json: a results directory's attribution errors and capability
 * matrix (docs/results-format.md), as typed structs, with its load and
 * its save side by side. This file is the only code that spells the
 * file's keys: the scoring (analysis/accuracy.h) builds a struct
 * pb_accuracy, and the report section, the terminal tables and the chart
 * read one back with pb_accuracy_load.
 *
 * Versions: "format": "pbench-accuracy/2" is what pb_accuracy_save
 * writes. Version 1 files have no "format", only "schema":
 * "pbench-accuracy/1"; they read the same (version 2 only added
 * "format"; "schema" stays in the file for older readers). Any other
 * version is an error naming the file and the version.
 *
 * Reading: absent or null numbers read as NAN, absent or null strings as
 * NULL, absent or null arrays as empty; a value of the wrong type is an
 * error naming the file and where in it. Unknown keys are ignored.
 *
 * Memory: everything a struct pb_accuracy points to (strings, arrays, the
 * truths' own JSON values) belongs to it and goes with pb_accuracy_free.
 */

#include <stddef.h>

#include "util/error.h"

struct json_t;

#define PB_ACCURACY_FORMAT "pbench-accuracy/2"
#define PB_ACCURACY_SCHEMA_V1 "pbench-accuracy/1"

/* A run a figure or a verdict comes from. */
struct pb_acc_run_ref {
    const char *workload, *profiler;
    int round;
    const char *raw_dir;            /* relative to the results directory */
    const char *attribution;        /* the adapter's output, relative to the
                                     * results directory; NULL: none */
};

/* ---- truths: what the plain runs measured of themselves --------------- */

struct pb_acc_part {                /* one timed part of a truth workload */
    const char *name, *root;        /* root: the function the part runs in */
    const char **functions;         /* the part's functions */
    size_t nfunctions;
    double share;                   /* of all parts, mean over the plain
                                     * rounds; NAN: none */
    double *shares;                 /* per plain round */
    size_t nshares;
};

struct pb_acc_truth_run {           /* a plain run that printed the truth */
    int round;
    const char *raw_dir;
};

struct pb_acc_truth {               /* one truth workload's truth */
    const char *workload;
    const char *kind;               /* cpu_split, threads, subprocess, native,
                                     * memory */
    const char *script;
    const char *focus;              /* the part the workload is about; NULL */
    struct pb_acc_part *parts;
    size_t nparts;
    double focus_share;             /* the focus part's share; NAN: none */
    double *share_sums;             /* per round: the parts' time over the
                                     * measured section's */
    size_t nshare_sums;
    double native_fraction;         /* mean; NAN: none */
    /* The workload's own JSON values as it printed them (first plain
     * round), kept as they are; NULL: it printed none. */
    struct json_t *params, *lines, *memory, *functions;
    struct pb_acc_truth_run *runs;
    size_t nruns;
};

/* ---- the focus part's share, per truth workload ----------------------- */

struct pb_acc_share_round {
    struct pb_acc_run_ref run;
    const char *note;               /* why the figures are missing or odd;
                                     * NULL: none */
    int scored;                     /* 1: the figures below were computed */
    double reported_share, error_pp;
    double in_run_true_share;       /* what the workload measured of itself in
                                     * the profiled run; NAN: unknown */
    long long samples;              /* the profile's samples; < 0: unknown */
};

struct pb_acc_share_profiler {
    const char *profiler;
    double reported_share, error_pp;    /* means over the rounds; NAN: none */
    struct pb_acc_share_round *rounds;
    size_t nrounds;
    const char *note;               /* NULL: none */
};

struct pb_acc_share {
    const char *workload, *kind, *focus;
    double split;                   /* cpu_split: the share asked for; else NAN */
    double true_share;              /* NAN: unknown */
    struct pb_acc_share_profiler *profilers;
    size_t nprofilers;
};

/* ---- the CPU error table: the cpu_split shares, per profiler ---------- */

struct pb_acc_cpu_split {
    const char *workload;
    double split, true_share, reported_share, error_pp;    /* NAN: null */
};

struct pb_acc_cpu {
    const char *profiler;
    double mean_error_pp, max_error_pp; /* over the splits it has; NAN: none */
    struct pb_acc_cpu_split *splits;
    size_t nsplits;
};

/* ---- the python/native split ------------------------------------------ */

struct pb_acc_native_round {
    struct pb_acc_run_ref run;
    double reported_native_fraction, error_pp;
};

struct pb_acc_native_profiler {
    const char *profiler;
    double reported_native_fraction, error_pp;
    struct pb_acc_native_round *rounds;
    size_t nrounds;
};

struct pb_acc_native {
    const char *workload;
    double true_native_fraction;
    struct pb_acc_native_profiler *profilers;   /* those that report a split */
    size_t nprofilers;
};

/* ---- memory at the allocation line ------------------------------------ */

struct pb_acc_memory_round {
    struct pb_acc_run_ref run;
    double reported_mb, touch_line_mb, function_mb, error_pct;
};

struct pb_acc_memory_profiler {
    const char *profiler;
    const char *kind;               /* "allocation", "rss_increment" */
    double reported_mb, error_pct, touch_line_mb, function_mb, function_error_pct;
    struct pb_acc_memory_round *rounds;
    size_t nrounds;
};

struct pb_acc_memory {
    const char *workload;
    double alloc_mb, touched_mb;
    long line, touch_line;
    struct pb_acc_memory_profiler *profilers;   /* those that report memory */
    size_t nprofilers;
};

/* ---- the capability matrix --------------------------------------------- */

struct pb_acc_cell {
    const char *value;              /* yes | no | partial | inconclusive | failed
                                     * | unreadable | not probed */
    const char *why;
    struct pb_acc_run_ref *decided_by;  /* NULL: no run decided it */
    const char *runs;               /* cells a kind of workload decides: "N yes,
                                     * N partial, N no, N other"; else NULL */
};

struct pb_acc_cap_row {
    const char *profiler;
    struct pb_acc_cell *cells;      /* one per column, in the columns' order */
};

/* ---- every profiled run of a truth workload ---------------------------- */

struct pb_acc_run {
    const char *workload, *profiler;
    int round;
    const char *raw_dir;
    const char *status;             /* runs.jsonl's: "ok", "failed", ... */
    const char *error;              /* a run that did not finish: why; NULL */
    const char *attribution;        /* NULL: none (the run did not finish) */
    const char *adapter_error;      /* the adapter could not read the output:
                                     * why; NULL */
};

struct pb_acc_thresholds {          /* the verdicts' cut-offs */
    double seen_ratio, unseen_ratio, native_ok_pp, memory_ok_pct;
    int min_samples;
};

struct pb_acc_block;

struct pb_accuracy {
    int version;                    /* 1 or 2 as read; 2 when built */
    const char *results_dir, *generated, *adapter, *python;
    struct pb_acc_thresholds thresholds;
    struct pb_acc_truth *truths;    /* in the order the runs printed them */
    size_t ntruths;
    struct pb_acc_share *shares;    /* truth workloads with a focus part, by name */
    size_t nshares;
    struct pb_acc_cpu *cpu;         /* one per profiler, config order */
    size_t ncpu;
    struct pb_acc_native *native;   /* the native truth workloads */
    size_t nnative;
    struct pb_acc_memory *memory;   /* the memory truth workloads */
    size_t nmemory;
    const char **columns;           /* the capability matrix's columns */
    size_t ncolumns;
    struct pb_acc_cap_row *rows;    /* one per profiler */
    size_t nrows;
    struct pb_acc_run *runs;
    size_t nruns;
    const char **warnings;
    size_t nwarnings;
    /* private: what the struct owns */
    struct pb_acc_block *mem;
    int oom;
};

/* An empty struct (version 2, no figures). Returns NULL when out of
 * memory. Free with pb_accuracy_free. */
struct pb_accuracy *pb_accuracy_new(void);

/* Frees acc and all it owns. acc may be NULL. */
void pb_accuracy_free(struct pb_accuracy *acc);

/* For code that builds a struct pb_accuracy: n zeroed bytes, a copy of s
 * (NULL for NULL) and a new reference to j (NULL for NULL), all owned by
 * acc. Each returns NULL when out of memory and marks acc, so that
 * pb_accuracy_save refuses it ("out of memory") instead of writing a
 * file with holes. */
void *pb_accuracy_alloc(struct pb_accuracy *acc, size_t n);
char *pb_accuracy_strdup(struct pb_accuracy *acc, const char *s);
struct json_t *pb_accuracy_keep(struct pb_accuracy *acc, struct json_t *j);

/* 1 when dir has an accuracy.json (readable or not), else 0. */
int pb_accuracy_exists(const char *dir);

/* Reads dir/accuracy.json. Returns 0 with *out (caller frees with
 * pb_accuracy_free), or -1 with err set: the file is missing or not
 * JSON, its format is one this pbench does not know ("'D/accuracy.json':
 * unknown format 'pbench-accuracy/9'"), or a value has the wrong type. */
int pb_accuracy_load(const char *dir, struct pb_accuracy **out, struct pb_error *err);

/* Writes acc as dir/accuracy.json (atomically), in format
 * PB_ACCURACY_FORMAT whatever version acc was read in. Returns 0, or -1
 * with err set (the file cannot be written, acc ran out of memory while
 * it was built). */
int pb_accuracy_save(const char *dir, const struct pb_accuracy *acc, struct pb_error *err);

/* The cell of row for the column named column, or NULL. Cannot fail. */
const struct pb_acc_cell *pb_accuracy_cell(const struct pb_accuracy *acc,
                                           const struct pb_acc_cap_row *row, const char *column);

#endif /* PB_STORE_ACCURACY_H */
