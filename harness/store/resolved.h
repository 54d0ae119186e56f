#ifndef PB_RESOLVED_H
#define PB_RESOLVED_H

/*
 * resolved: config-resolved.json, the fully resolved inputs of a run's
 * plan (docs/results-format.md): which workloads and profilers, their
 * commands, each pair's planned runs and timeout, the seed. Written when
 * a run starts; read by --resume (which refuses a changed config by its
 * hash), by the aggregation and by accuracy. This module alone knows the
 * file's keys. Format "pbench-resolved/2", or "pbench-resolved/3" for a
 * shard's (the same keys and "shard"); a file without "format" reads as
 * pbench-resolved/1 (the same keys).
 */

#include <stddef.h>
#include <stdint.h>

#include "core/config.h"
#include "util/error.h"
#include "util/strv.h"

#define PB_RESOLVED_FORMAT "pbench-resolved/2"
/* A shard's file (with its "shard" record): a pbench that does not know
 * shards must refuse it (resuming one as a whole matrix would run every
 * shard's pairs in it). */
#define PB_RESOLVED_FORMAT_SHARD "pbench-resolved/3"

/* A selected profiler a workload leaves out (`skip:`). */
struct pb_resolved_skip {
    char *profiler;
    char *reason;           /* NULL: none given */
};

struct pb_resolved_workload {
    char *name, *script, *description;      /* description may be NULL; script too, for
                                             * a pyperformance workload on an interpreter
                                             * that is not there (nothing found to run) */
    struct pb_strv args, hot, tags;
    char *base;             /* a workload with sizes: its given name; else NULL */
    double size;            /* with base: its size */
    char *python;           /* with pythons: the label of its interpreter; else NULL */
    char *given;            /* with pythons: its name without "@py<label>"; else NULL */
    double target;          /* `target:` seconds (its count is in args, and with a list
                             * of targets in size); 0 (or NAN as read): none */
    struct pb_resolved_skip *skip;      /* its `skip:` of selected profilers: those
                                         * pairs are not in pairs */
    size_t nskip;
};

struct pb_resolved_python {
    char *label, *python;   /* `pythons:` item as written; the interpreter */
};

struct pb_resolved_profiler {
    char *name, *package, *configdir, *description;     /* package, description may be NULL */
    char *format;                       /* its output's format; NULL: found from the files */
    char *reader;                       /* its `reader:` file, as the config named it; NULL:
                                         * none. Never run from here (run/adapters.h) */
    struct pb_strv command, env, outputs;
    struct pb_strv python_versions;     /* none: every version */
    long long *output_min;              /* per outputs item: its fewest bytes; NULL: none */
    int baseline;
};

struct pb_resolved_pair {
    char *workload, *profiler;
    int runs, warmup;       /* planned (runs: auto: the first rounds) */
    double timeout_s;
    int adaptive;           /* its run count is decided by runs: auto */
};

/* The record of a shard (`pbench run --shard K/N`, core/shard.h): which
 * part of the whole matrix its directory runs. "shard" in the file, not
 * in the hash. */
struct pb_resolved_shard {
    int index, count;       /* 1-based index of count; 0, 0: not a shard */
    struct pb_strv *split;  /* [count]: each shard's workloads (full names); the
                             * file's "workloads" is split[index - 1] */
    char hash[17];          /* the hash of this file's own content (its own
                             * workloads' calibrated counts, the pairs as its
                             * machine could run them): --resume compares it */
};

struct pb_resolved {
    char *config_path;      /* absolute when it could be resolved; NULL when a
                             * stored file lacks it (then it cannot resume) */
    char *name, *python, *baseline;     /* name, python may be NULL likewise */
    uint64_t seed;
    int runs, warmup;       /* the defaults */
    double timeout;
    int has_adaptive;       /* runs: auto, with: */
    double precision, budget;
    int min_runs, max_runs;
    struct pb_strv select_profilers, select_workloads;
    struct pb_resolved_workload *workloads;
    size_t nworkloads;
    struct pb_resolved_profiler *profilers;
    size_t nprofilers;
    struct pb_resolved_pair *pairs;     /* every selected workload x profiler, but
                                         * those the workload skips */
    size_t npairs;
    struct pb_resolved_python *pythons; /* the Python axis; none without pythons: */
    size_t npythons;
    char *reference;        /* `reference:`, published figures for the report; NULL none
                             * (not in the hash: it changes no measurement) */
    /* 16 hex digits over everything but reference and shard. For a shard,
     * the hash of the whole matrix as the config alone makes it (before
     * the interpreters are probed and `target:` calibrated): the same in
     * every shard of one config, selection and seed (pb_resolved_set_shard) */
    char hash[17];
    struct pb_resolved_shard shard;     /* count 0: not a shard */
};

/* The resolved inputs of cfg's selected pairs with seed, hash computed.
 * Returns 0, or -1 with err filled (out of memory). Release with
 * pb_resolved_release. */
int pb_resolved_from_config(const struct pb_config *cfg, uint64_t seed, struct pb_resolved *out,
                            struct pb_error *err);

/* Makes r, pb_resolved_from_config of cfg when cfg is a shard
 * (cfg->shard_count > 0), the record of that shard: r->shard from cfg's
 * split, r->shard.hash = r->hash (the file's own content), and r->hash =
 * matrix_hash (pb_resolved_from_config's hash of cfg before the probe and
 * the calibration). Returns 0, or -1 with err (out of memory). */
int pb_resolved_set_shard(struct pb_resolved *r, const struct pb_config *cfg,
                          const char *matrix_hash, struct pb_error *err);

/* The shard (1-based) of r's split that holds workload, or 0 (r is not a
 * shard, or no shard holds it). Cannot fail. */
int pb_resolved_shard_of(const struct pb_resolved *r, const char *workload);

/* For a shard's own summary: keeps only the workloads of r's shard and
 * their pairs (r is unchanged when not a shard). Cannot fail. */
void pb_resolved_keep_shard(struct pb_resolved *r);

/* For a merge: swaps workload's entry and its pairs' entries in dst with
 * src's of the same names, so dst gets what the shard that ran it
 * resolved (its calibrated count, its planned runs). Returns 0, or -1
 * with err when src does not have the workload or one of its pairs. */
int pb_resolved_adopt(struct pb_resolved *dst, struct pb_resolved *src, const char *workload,
                      struct pb_error *err);

/* For a merge: r describes the whole matrix and no shard (the hash, the
 * matrix's, is kept). Cannot fail. */
void pb_resolved_drop_shard(struct pb_resolved *r);

/* Writes r as dir/config-resolved.json (atomically). Returns 0 or -1. */
int pb_resolved_save(const char *dir, const struct pb_resolved *r, struct pb_error *err);

/* Reads dir/config-resolved.json. Returns 0, or -1 with err naming the
 * file and the bad value (missing 'baseline', pairs[2].runs: expected a
 * whole number, an unknown format...). Release with pb_resolved_release. */
int pb_resolved_load(const char *dir, struct pb_resolved *out, struct pb_error *err);

/* Frees everything r owns; r may be reused. Cannot fail. */
void pb_resolved_release(struct pb_resolved *r);

/* The pair (w, p), or NULL. Cannot fail. */
const struct pb_resolved_pair *pb_resolved_pair(const struct pb_resolved *r, const char *w,
                                                const char *p);

/* The workload a summary's pair names: given (a pair's workload: its
 * name, or with pythons the name it was given) on interpreter python
 * (a `pythons:` label; NULL: a run without the Python axis), or NULL.
 * Cannot fail. */
const struct pb_resolved_workload *pb_resolved_workload_on(const struct pb_resolved *r,
                                                           const char *given,
                                                           const char *python);

/* The workload / profiler named name, or NULL. Cannot fail. */
const struct pb_resolved_workload *pb_resolved_workload(const struct pb_resolved *r,
                                                        const char *name);
const struct pb_resolved_profiler *pb_resolved_profiler(const struct pb_resolved *r,
                                                        const char *name);

#endif /* PB_RESOLVED_H */
