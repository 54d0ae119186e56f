#ifndef PB_CONFIG_H
#define PB_CONFIG_H

/*
 * config: a YAML file (and the files it includes) -> validated structs.
 *
 * The format is documented in docs/config.md. Loading is strict: unknown
 * keys, wrong types, duplicate names, missing scripts, unknown placeholders
 * and bad values are errors, every one of them collected with its
 * file:line:column (1-based) rather than stopping at the first.
 *
 * The loader is split by job: config.c (files, includes, the checks over
 * all of them, this API), config_toplevel.c, config_workloads.c and
 * config_profilers.c (the keys); core/yamlwalk.h walks the YAML and
 * core/template.h checks and expands the {placeholders}.
 */

#include <stddef.h>
#include <stdint.h>

#include "util/error.h"
#include "util/strv.h"

struct pb_loc {
    const char *file;       /* points into pb_config.files; do not free */
    int line, col;
};

/* One profiler a workload leaves out (`skip:`). */
struct pb_skip {
    char *profiler;         /* a defined profiler, not the baseline (checked at load) */
    char *reason;           /* as given; NULL: none */
    struct pb_loc loc;      /* of the name */
};

struct pb_workload {
    char *name;
    char *script;           /* absolute path */
    struct pb_strv args;
    struct pb_strv hot;     /* the hot functions: "f", "Cls.m" in the script,
                             * "module:Cls.m" in an imported module */
    struct pb_strv tags;
    char *description;      /* may be NULL */
    int runs, warmup;       /* -1: not set here */
    double timeout;         /* < 0: not set here */
    int selected;
    struct pb_loc loc;
    /* A workload with `sizes: [a, b, c]` and "{size}" in its args becomes
     * one workload per size, named "<name>@<size>", each with base = the
     * given name and size = its size; NULL and 0 otherwise. */
    char *base;
    double size;
    /* `size: N`: what "{size}" in the args stands for, as written (put in
     * once every file is read, so that a config including the workload
     * can give its own: an entry with only the name and `size:`); NULL
     * when not given. */
    char *fixed_size;
    /* With `pythons:`, a workload becomes one per interpreter, named
     * "<name>@py<label>", each with given = the name without that suffix
     * (the given name, or "<name>@<size>") and interp = its interpreter's
     * index in cfg->interps. Without: given = name, interp = 0. */
    char *given;
    size_t interp;
    /* A workload with `pyperformance: NAME`: the benchmark's name, else
     * NULL. Its script is the benchmark's run_benchmark.py in the
     * pyperformance installed beside the config's interpreter, and its
     * args start with pyperf's worker options and the benchmark's own
     * (PB_PYPERF_ARGS items: "--worker", "-w", "0", "-n", "1", "-l",
     * LOOPS, then its extra_opts). */
    char *pyperformance;
    int loops;              /* `loops:`; -1: not set (one loop) */
    struct pb_loc bench_loc;   /* the `pyperformance:` value */
    /* `target:` (the workload's, or the defaults' for a workload that can
     * take it): the seconds a plain run should take on its interpreter.
     * Its args then keep "{size}" (a pyperformance workload's loop count,
     * a script's work count) until the run's start measures the count
     * that takes that long (run/calibrate.h) and pb_config_set_count puts
     * it in. A list of targets makes one workload per target, named
     * "<name>@<seconds>s" with base = the name and size = its count once
     * chosen. 0: not calibrated. */
    double target;
    struct pb_loc target_loc;  /* the `target:` value (or the defaults') */
    long long count;        /* the chosen count; 0 until pb_config_set_count */
    char *unrunnable;       /* why its pairs cannot run (its calibration
                             * failed: pb_config_mark_workload); NULL: they can */
    /* `skip:`: the profilers left out of this workload (its workloads per
     * size and per interpreter inherit them); pb_config_skipped. */
    struct pb_skip *skip;
    size_t nskip;
    /* With --shard (cfg->shard_count > 0): the shard, 1-based, that runs
     * this workload's pairs (core/shard.h); 0 otherwise. */
    int shard;
};

/* The items of a pyperformance workload's args that pbench puts before the
 * benchmark's extra_opts. */
#define PB_PYPERF_ARGS 7

/* The output formats pbench can read (harness/adapters/adapt.py's
 * readers), for a profiler's `format:`. */
#define PB_FORMATS "pstats", "pyinstrument", "lprof", "memory_profiler", "callgrind", \
                   "speedscope", "scalene", "pbench_sampler", "collapsed", "memray", "austin", \
                   "fil"
#define PB_FORMATS_TEXT "pstats, pyinstrument, lprof, memory_profiler, callgrind, speedscope, " \
                        "scalene, pbench_sampler, collapsed, memray, austin, fil"

struct pb_profiler {
    char *name;
    struct pb_strv command; /* argv template with {placeholders} (core/template.h) */
    struct pb_strv env;     /* "KEY=VALUE" templates */
    struct pb_strv outputs; /* files expected in {outdir} */
    long long *output_min;  /* per outputs.v[i]: the fewest bytes it may hold,
                             * 0: it need only exist; NULL when no outputs */
    char *package;          /* PyPI distribution for the version; NULL: stdlib */
    char *format;           /* the format of its output, naming the reader
                             * `pbench accuracy` uses (PB_FORMATS); NULL:
                             * found from the files */
    char *reader;           /* `reader:` a Python file of the user's that
                             * reads it instead (absolute); NULL: none */
    struct pb_strv python_versions; /* CPython versions it supports ("3.11"); none: all */
    char *description;      /* may be NULL */
    char *configdir;        /* directory of the defining file, absolute */
    int baseline;
    int runs, warmup;       /* -1: not set here */
    double timeout;         /* < 0: not set here */
    double cost;            /* `cost:` its rough overhead (1: plain), used only to
                             * balance shards (core/shard.h); 1 when not given */
    int selected;
    struct pb_loc loc;
};

/* One interpreter of the matrix's Python axis (`pythons:`). */
struct pb_interp {
    char *label;            /* "3.12": the item, or for a path the version in it
                             * (.../3.12.1/bin/python3 -> "3.12.1"); "" without `pythons:` */
    char *python;           /* the interpreter to run: a path, or a name in PATH */
    struct pb_loc loc;      /* of the item; line 0 for `python:` and --python */
    int available;          /* 1 unless the session found it cannot run (why says) */
    char *why;              /* NULL while available */
};

struct pb_config {
    char *path;             /* as given */
    char *name;             /* `name:` or the file's base name without .yaml */
    char *python;           /* the first interpreter (interps[0].python) */
    /* The interpreters every pair runs on: `pythons: [3.11, 3.12]` (the
     * axis: axis = 1), or the one of `python:` / --python (axis = 0, its
     * label ""). A ratio is always taken against the baseline of the same
     * interpreter. */
    struct pb_interp *interps;
    size_t ninterps;
    int axis;
    unsigned char *unavailable;     /* [ninterps * nprofilers]: the profiler
                                     * cannot run on that interpreter (set by
                                     * pb_config_mark_unavailable); NULL: none */
    char **unavailable_why;         /* likewise, the reasons */
    int runs, warmup;       /* with runs_auto, runs is min_runs */
    int runs_auto;          /* `runs: auto`: add rounds until precise (adaptive.h) */
    double precision;       /* auto: target half-width of the wall ratio's interval, relative */
    int min_runs;           /* auto: measured runs before the first precision check */
    int max_runs;           /* auto: most measured runs of a pair */
    double budget;          /* auto: seconds of runs in all; <= 0: none */
    double timeout;
    int has_seed;
    uint64_t seed;
    struct pb_workload *workloads;
    size_t nworkloads;
    struct pb_profiler *profilers;
    size_t nprofilers;
    size_t baseline;        /* index of the baseline profiler */
    struct pb_strv files;   /* every file read, the top-level first */
    char *reference;        /* `reference:` (absolute), published figures for the report; or NULL */
    /* --shard K/N (core/shard.h): this run is shard shard_index (1-based)
     * of shard_count, and runs only the workloads whose shard is
     * shard_index; 0 and 0 for a whole matrix. */
    int shard_index, shard_count;
};

/* Loads and validates path and its includes. Returns a config the caller
 * frees with pb_config_free, or NULL with every error appended to diags
 * (at least one). When python_override is not NULL it replaces the
 * config's `python:`. */
struct pb_config *pb_config_load(const char *path, const char *python_override,
                                 struct pb_diags *diags);

/* pb_config_load, then the files extra[0..nextra) walked as if the config
 * included them last (only what an included file may say: profilers,
 * workloads, defaults...), for `--profilers FILE`: a profiler under
 * evaluation without editing a tracked config. */
struct pb_config *pb_config_load_with(const char *path, const char *python_override,
                                      const char *const *extra, size_t nextra,
                                      struct pb_diags *diags);

void pb_config_free(struct pb_config *cfg);

/* Replaces the selection (the config's `select:` included) with the named
 * profilers / workloads when np / nw is not 0; the baseline stays selected.
 * Returns 0, or -1 with err naming an unknown name. */
int pb_config_select(struct pb_config *cfg, const char *const *profilers, size_t np,
                     const char *const *workloads, size_t nw, struct pb_error *err);

/* 1 when w answers to name: its own name, the name it was given (before
 * the per-interpreter suffix), or, made by sizes:, its base. Cannot fail. */
int pb_workload_is(const struct pb_workload *w, const char *name);

/* Marks interpreter i unavailable (profiler p < 0: every profiler there)
 * or profiler p unavailable on it, with why (copied). Its pairs are not
 * planned and the summary says why. Returns 0, or -1 when out of memory. */
int pb_config_mark_unavailable(struct pb_config *cfg, size_t i, long p, const char *why);

/* Marks workload i as one whose pairs cannot run, with why (copied):
 * they are not planned. Returns 0, or -1 when out of memory. */
int pb_config_mark_workload(struct pb_config *cfg, size_t i, const char *why);

/* Gives calibrated workload i (target > 0) its work count: "{size}" in its
 * args becomes count, and with a list of targets its size is count too.
 * Call it once. Returns 0, or -1 when count < 1, the workload has no
 * target, or memory runs out (the workload is then unchanged). */
int pb_config_set_count(struct pb_config *cfg, size_t i, long long count);

/* w's args with "{size}" as count, into out (emptied first; the caller
 * releases it with pb_strv_release). Returns 0, or -1 when out of memory. */
int pb_workload_args_at(const struct pb_workload *w, long long count, struct pb_strv *out);

/* The same with "{size}" as the text size. */
int pb_workload_args_at_text(const struct pb_workload *w, const char *size, struct pb_strv *out);

/* 1 when profiler p can run on interpreter i (neither was marked
 * unavailable). Cannot fail. */
int pb_config_runnable(const struct pb_config *cfg, size_t i, size_t p);

/* Why profiler p cannot run on interpreter i, or NULL. Cannot fail. */
const char *pb_config_unavailable_why(const struct pb_config *cfg, size_t i, size_t p);

/* Why workload w leaves profiler p out (`skip:`): the reason given, ""
 * when none was, or NULL when p is not skipped there. A skipped pair is
 * not in the matrix (pb_plan_pair_in). Cannot fail. */
const char *pb_config_skipped(const struct pb_config *cfg, size_t w, size_t p);

/* Effective per-pair settings: profiler's override, else the workload's,
 * else the defaults. With `runs: auto`, pb_config_runs gives the first
 * rounds' count (min_runs) of an adaptive pair. Cannot fail. */
int pb_config_runs(const struct pb_config *cfg, const struct pb_workload *w,
                   const struct pb_profiler *p);
int pb_config_warmup(const struct pb_config *cfg, const struct pb_workload *w,
                     const struct pb_profiler *p);
double pb_config_timeout(const struct pb_config *cfg, const struct pb_workload *w,
                         const struct pb_profiler *p);
/* 1 when the pair's run count is decided adaptively (`runs: auto` and
 * neither the profiler nor the workload fixes its runs). Cannot fail. */
int pb_config_adaptive(const struct pb_config *cfg, const struct pb_workload *w,
                       const struct pb_profiler *p);

#endif /* PB_CONFIG_H */
