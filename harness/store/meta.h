#ifndef PB_STORE_META_H
#define PB_STORE_META_H

/*
 * meta: meta.json, the facts that explain a results directory's figures
 * (docs/results-format.md): pbench, the config, when it ran, the machine
 * and its noise settings, the interpreter and each profiler's version.
 * Written when a run starts and again when it stops; summary.json embeds
 * a copy. This module alone knows the keys. Format "pbench-meta/2"; a
 * file without "format" reads as pbench-meta/1 (the same keys).
 *
 * Unknown values read as NULL strings, NAN numbers and 0 counts.
 */

#include <jansson.h>

#include "util/error.h"
#include "util/strv.h"

#define PB_META_FORMAT "pbench-meta/2"

struct pb_meta_profiler {
    char *name;
    char *version;          /* "pyinstrument 5.1.3", "Python 3.11.2 (standard library)" */
};

/* Why a profiler cannot run on an interpreter ("pyinstrument (not
 * installed)", "does not support Python 3.12.1"), as the run decided when
 * it started; --resume and the summary read it back. */
struct pb_meta_reason {
    char *name, *why;
};

/* One interpreter of the Python axis (`pythons:`), as probed. */
struct pb_meta_python {
    char *label;            /* the `pythons:` item */
    char *path, *executable, *version, *implementation, *prefix;
    int available;          /* 0: it did not run (why says) */
    char *why;
    struct pb_meta_profiler *profilers;     /* each selected profiler's version there */
    size_t nprofilers;
    struct pb_meta_reason *unavailable;     /* the profilers that cannot run there */
    size_t nunavailable;
};

/* One shard of a merged directory (`pbench merge`): where it came from
 * and the machine it ran on, as its own meta.json said. */
struct pb_meta_shard {
    int index;              /* 1-based */
    int merged;             /* 0: not among the merged directories */
    int complete;           /* its meta.json said complete: every planned run recorded */
    char *dir;              /* the directory merged (absolute); NULL when not merged */
    char *hostname, *cpu_model, *kernel;
    char *python_version, *python_implementation;   /* its first interpreter's */
    struct pb_strv pythons; /* with pythons: "label version" of each interpreter
                             * that ran ("3.12 3.12.1"); empty without */
    char *started, *finished;
    struct pb_strv workloads;   /* its part of the matrix */
};

struct pb_meta {
    char *pbench_version, *config, *config_name;
    char *config_hash;      /* config-resolved.json's hash (--resume compares it) */
    char *started, *finished;       /* ISO 8601 UTC; finished NULL while running */
    double elapsed_s;               /* of runs, summed over resumes; NAN unknown */
    int has_seed;
    unsigned long long seed;
    int has_complete, complete;     /* complete: every planned run is recorded */
    int pin_cpu;                    /* --pin-cpu; -1 none */
    double harness_cpu_s;           /* pbench's own CPU seconds; NAN unknown */
    /* host */
    char *hostname, *cpu_model, *kernel;
    int cores;                      /* 0 when unknown */
    double mem_total_kb;            /* NAN when unknown */
    double loadavg_start[3], loadavg_end[3];    /* NAN when unknown */
    char *cpu_governor, *turbo, *aslr;          /* the noise facts; NULL unknown */
    /* python */
    char *python_path, *python_executable, *python_version, *python_implementation,
         *python_prefix;
    struct pb_meta_profiler *profilers;
    size_t nprofilers;
    struct pb_meta_reason *unavailable;     /* without pythons: the profilers that
                                             * cannot run on the interpreter */
    size_t nunavailable;
    /* with pythons: every interpreter (the python_* and profilers above
     * are the first available one's); none without */
    struct pb_meta_python *pythons;
    size_t npythons;
    /* a shard (--shard K/N): which one, as config-resolved.json's "shard"
     * says (a copy for readers of meta.json); 0 and 0 otherwise */
    int shard_index, shard_count;
    /* a merge of shards: every shard of the split, merged or not, by
     * index; the host and python facts above are the first merged one's */
    struct pb_meta_shard *shards;
    size_t nshards;
};

/* An empty meta: every number NAN or 0, pin_cpu -1, no strings. Cannot
 * fail. */
void pb_meta_init(struct pb_meta *m);

/* Frees what m owns; m is empty afterwards (pb_meta_init). Cannot fail. */
void pb_meta_release(struct pb_meta *m);

/* Sets *field to a copy of value (NULL clears it). Returns 0, or -1 when
 * out of memory (the field is then unchanged). */
int pb_meta_set(char **field, const char *value);

/* Adds (or replaces) profiler name's version. Returns 0 or -1 (out of
 * memory). */
int pb_meta_set_profiler(struct pb_meta *m, const char *name, const char *version);

/* A profiler's version text when its package is not installed on an
 * interpreter: "pyinstrument (not installed)". */
#define PB_META_NOT_INSTALLED " (not installed)"

/* 1 when version is such a text. Cannot fail. */
int pb_meta_not_installed(const char *version);

/* Records that profiler name cannot run, and why, in *list (m->unavailable
 * or an interpreter's). Returns 0 or -1 (out of memory). */
int pb_meta_add_reason(struct pb_meta_reason **list, size_t *n, const char *name, const char *why);

/* Why profiler name cannot run per *list, or NULL. Cannot fail. */
const char *pb_meta_reason_of(const struct pb_meta_reason *list, size_t n, const char *name);

/* Appends an empty shard entry with index and returns it, or NULL when
 * out of memory. The pointer is valid until the next add. */
struct pb_meta_shard *pb_meta_add_shard(struct pb_meta *m, int index);

/* Frees m's interpreter entries (m->pythons); m keeps the rest. Cannot
 * fail. */
void pb_meta_drop_pythons(struct pb_meta *m);

/* Appends an empty interpreter entry (available) and returns it, or NULL
 * when out of memory. */
struct pb_meta_python *pb_meta_add_python(struct pb_meta *m);

/* Adds (or replaces) profiler name's version in the interpreter entry py.
 * Returns 0 or -1 (out of memory). */
int pb_meta_python_set_profiler(struct pb_meta_python *py, const char *name, const char *version);

/* The version of profiler name, or NULL. Cannot fail. */
const char *pb_meta_profiler_version(const struct pb_meta *m, const char *name);

/* m as the JSON object of meta.json (with its "format"). Returns a new
 * reference; NULL only when out of memory. */
json_t *pb_meta_to_json(const struct pb_meta *m);

/* Reads the meta object o (meta.json's root, or the copy in summary.json)
 * into *m; file and prefix ("meta" inside summary.json, "" for meta.json)
 * locate errors. Returns 0, or -1 with err (m then empty). */
int pb_meta_from_json(json_t *o, const char *file, const char *prefix, struct pb_meta *m,
                      struct pb_error *err);

/* Writes m as dir/meta.json, atomically. Returns 0 or -1. */
int pb_meta_save(const char *dir, const struct pb_meta *m, struct pb_error *err);

/* Reads dir/meta.json. Returns 0, or -1 with err naming the file and the
 * bad value. Release with pb_meta_release. */
int pb_meta_load(const char *dir, struct pb_meta *m, struct pb_error *err);

#endif /* PB_STORE_META_H */
