#ifndef PB_CONFIG_WALK_H
#define PB_CONFIG_WALK_H

/*
 * config_walk: the state of one config load, shared by the files that
 * build a pb_config (not part of the library's API; include config.h):
 *
 *   config.c            loading a file and its includes, the checks made
 *                       once every file is read, the public functions
 *   config_toplevel.c   the top-level keys: name, python, include,
 *                       defaults, select, overrides
 *   config_workloads.c  `workloads:` (and `sizes:`)
 *   config_profilers.c  `profilers:`
 *
 * Each file walks its part of the YAML with core/yamlwalk.h's key tables;
 * a handler reaches the load's state as yw->user (a struct config_walk).
 * Internal names start with config_.
 */

#include <yaml.h>

#include "core/config.h"
#include "core/yamlwalk.h"

#define CONFIG_MAX_RUNS 100000

/* Most items of a `target:` list. */
#define CONFIG_MAX_TARGETS 16

/* A `target:` as read: one number of seconds, or a list of two or more
 * (one workload per item). n == 0: not given. */
struct config_targets {
    double v[CONFIG_MAX_TARGETS];
    size_t n;
    int list;               /* given as a list */
    struct pb_loc loc;      /* the value */
};

/* A name under select:, kept to be checked once every file is read. */
struct config_sel {
    char *name;
    struct pb_loc loc;
};

/* One entry of `overrides:`: settings for a profiler defined anywhere. */
struct config_ovr {
    char *name;
    struct pb_loc loc;
    int runs, warmup;       /* -1: not set */
    double timeout;         /* < 0: not set */
};

/* State shared by every file of one load. */
struct config_shared {
    struct pb_strv stack;   /* realpaths being loaded, for cycles */
    struct config_sel *sel_p, *sel_w;
    size_t nsel_p, nsel_w;
    int has_override;       /* --python given: `python:` is not checked */
    struct pb_strv pythons; /* `pythons:` items as written */
    struct pb_loc *python_locs;     /* where each item stands */
    char *pythons_dir;      /* the directory of the file that said pythons: */
    char *venvs;            /* `venvs:` (absolute), or NULL: <pythons_dir>/../.venvs */
    struct pb_loc python_loc;       /* where `python:` was given; line 0: not given */
    struct config_ovr *ovr; /* overrides: of the top-level file */
    size_t novr;
    struct config_targets dtarget;  /* `defaults: target:` */
    int loading_extra;      /* an extra file (--profilers): walked as an include */
};

/* One file being walked. */
struct config_walk {
    struct pb_yw yw;        /* yw.file is interned in cfg->files; yw.user is this */
    char *dir;              /* directory of the file, absolute */
    struct pb_config *cfg;
    int top;                /* the top-level file, not an include */
    int depth;              /* include depth */
    struct config_shared *sh;
};

/* The walk of a handler's yw. */
static inline struct config_walk *config_walk_of(struct pb_yw *yw)
{
    return yw->user;
}

/* n's location in the walk's file. */
static inline struct pb_loc config_loc(const struct config_walk *w, const yaml_node_t *n)
{
    struct pb_loc l = { w->yw.file, pb_yw_line(n), pb_yw_col(n) };
    return l;
}

/* Loads path (named `shown` in messages, as the user wrote it) into cfg;
 * parent and from are the walk and the include item that named it, NULL
 * for the top-level file. Returns 0, or -1 with errors in the diags.
 * (config.c) */
/* Turns `pythons:` (or `python:` / --python) into cfg->interps, once
 * every file is read. Errors go to d. */
void config_build_interps(struct pb_config *cfg, struct config_shared *sh, struct pb_diags *d);

/* With the Python axis, replaces every workload by one per interpreter
 * (see struct pb_workload); without, sets each one's given name. */
void config_expand_per_interp(struct pb_config *cfg, struct pb_diags *d);

/* Frees cfg's interpreters and availability marks. */
void config_free_interps(struct pb_config *cfg);

int config_load_file(struct config_walk *parent, struct pb_config *cfg, const char *path,
                     const char *shown, const yaml_node_t *from, int depth,
                     struct pb_diags *d, struct config_shared *sh);

/* The top-level keys ("include" is listed with no handler:
 * config_include runs first, so included definitions come first).
 * (config_toplevel.c) */
extern const struct pb_yw_key config_top_keys[];

/* The `include:` handler. (config_toplevel.c) */
void config_include(struct pb_yw *yw, const yaml_node_t *v, void *obj, const char *key);

/* Checks --python (a path must be executable, a bare name must be in
 * PATH), appending an error to d when it is not. (config_toplevel.c) */
void config_check_python_override(const char *python, struct pb_diags *d);

/* Once every file is read: applies `select:` and `overrides:` (names must
 * exist) and frees sh's lists. (config_toplevel.c) */
void config_apply_select(struct pb_config *cfg, struct config_shared *sh, struct pb_diags *d);
void config_apply_overrides(struct pb_config *cfg, struct config_shared *sh, struct pb_diags *d);
void config_shared_release(struct config_shared *sh);

/* Checks a workload, profiler or config name (n, a scalar): 1-64 letters,
 * digits, '_', '-', '.', not starting with '.'. Returns 0, or -1 with an
 * error at n. (config_toplevel.c) */
int config_check_name(struct pb_yw *yw, const yaml_node_t *n, const char *what);

/* The `workloads:` handler; frees one workload's fields.
 * (config_workloads.c) */
void config_workloads(struct pb_yw *yw, const yaml_node_t *v, void *obj, const char *key);
void config_free_workload(struct pb_workload *wl);

/* Copies from's `skip:` list into to (whose skip and nskip are
 * overwritten). Returns 0, -1 when out of memory (to holds what was
 * copied). (config_workloads.c) */
int config_copy_skips(struct pb_workload *to, const struct pb_workload *from);

/* Once every file is read (the profilers and the baseline are known):
 * each `skip:` name must be a defined profiler other than the baseline;
 * an error at the name, with the closest profiler's name as a
 * suggestion, for each that is not. (config_workloads.c) */
void config_check_skips(const struct pb_config *cfg, struct pb_diags *d);

/* Once every file is read (the interpreter is known): finds each
 * `pyperformance:` workload's benchmark beside cfg->python, setting its
 * script and adding the benchmark's extra_opts to its args; an error at
 * the `pyperformance:` value for each that cannot be found.
 * (config_workloads.c) */
void config_resolve_benchmarks(struct pb_config *cfg, struct pb_diags *d);

/* Appends *wl to w's config (taking it over), or frees it when its name
 * is taken (an error) or memory runs out. (config_workloads.c) */
void config_append_workload(struct config_walk *w, struct pb_workload *wl);

/* A deep copy of from named name (from's name when NULL) into *to.
 * Returns 0, or -1 when out of memory (*to then holds nothing).
 * (config_targets.c) */
int config_dup_workload(const struct pb_workload *from, const char *name, struct pb_workload *to);

/* s with "{size}" replaced by size: a new string, NULL when out of
 * memory. (config_workloads.c) */
char *config_with_size(const char *s, const char *size);

/* 1 when an item of wl's args holds "{size}". (config_workloads.c) */
int config_args_have_size(const struct pb_workload *wl);

/* Checks `target:` (ntargets read) of workload item wl (sized: it has
 * `sizes:`): it chooses the work count, so not with `sizes:` or `loops:`,
 * and a script must take the count as "{size}". Returns 0 (also without
 * a target), or -1 (with an error at the target unless its value was
 * already reported). (config_targets.c) */
int config_check_target(struct pb_yw *yw, const yaml_node_t *item, const struct pb_workload *wl,
                        int sized, size_t ntargets);

/* Reads a `target:` value v (seconds: 10, 10s, 1.5s, 2m, 1h; or a list of
 * two or more of them) into *out. Returns 0, or -1 with an error at the
 * bad value. (config_targets.c) */
int config_get_targets(struct pb_yw *yw, const yaml_node_t *v, const char *key,
                       struct config_targets *out);

/* Appends wl (its args holding "{size}") once per target of t: the one
 * workload with its target, or for a list one per target named
 * "<name>@<seconds>s" with base = the name. Frees nothing of wl.
 * (config_targets.c) */
void config_add_per_target(struct config_walk *w, const struct pb_workload *wl,
                           const struct config_targets *t);

/* Once every file is read, before the Python axis: gives `defaults:
 * target:` to every workload that can take it (a pyperformance workload
 * without loops:, sizes: or target:, a script workload whose args hold
 * "{size}" without sizes: or target:) and reports, at its name, a script
 * workload whose "{size}" is left without a size. (config_targets.c) */
void config_apply_targets(struct pb_config *cfg, struct config_shared *sh, struct pb_diags *d);

/* Once the timeouts are final (after overrides): a target must be below
 * the timeout of its workload's plain runs. (config_targets.c) */
void config_check_targets(struct pb_config *cfg, struct pb_diags *d);

/* The `profilers:` handler; frees one profiler's fields.
 * (config_profilers.c) */
void config_profilers(struct pb_yw *yw, const yaml_node_t *v, void *obj, const char *key);
void config_free_profiler(struct pb_profiler *p);

#endif /* PB_CONFIG_WALK_H */
