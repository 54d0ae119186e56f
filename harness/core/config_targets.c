/*
 * config: `target:`, the seconds a plain run of a workload should take,
 * given per workload or in `defaults:`. A calibrated workload keeps
 * "{size}" in its args (a pyperformance workload's loop count, a script's
 * work count) until the run's start chooses the count (run/calibrate.h)
 * and pb_config_set_count puts it in. A list of targets makes one workload
 * per target ("name@10s", base = name), so the summary can fit start-up
 * and steady state over their counts as it does over `sizes:`.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/config_walk.h"

/* Longest target: a day. */
#define MAX_TARGET_S 86400.0

/* s as seconds: 10, 10s, 1.5s, 2m, 1h. Returns 0, or -1 when it is none. */
static int parse_seconds(const char *s, double *out)
{
    char *end;
    double v;

    errno = 0;
    v = strtod(s, &end);
    if (errno || end == s || !isfinite(v))
        return -1;
    if (!strcmp(end, "m"))
        v *= 60;
    else if (!strcmp(end, "h"))
        v *= 3600;
    else if (*end && strcmp(end, "s"))
        return -1;
    *out = v;
    return 0;
}

/* "<seconds>s" of t, as in a workload's name: 10s, 1.5s, 120s. */
static void target_text(double t, char *buf, size_t n)
{
    snprintf(buf, n, "%gs", t);
}

/* One target item n into *out. Returns 0 or -1 (an error at n). */
static int one_target(struct pb_yw *yw, const yaml_node_t *n, const char *key, double *out)
{
    const char *s;

    if (n->type != YAML_SCALAR_NODE) {
        pb_yw_error(yw, n, "'%s' expects seconds (10s, 1.5s, 2m) or a list of them, found %s", key,
                    pb_yw_kind(n));
        return -1;
    }
    s = pb_yw_str(n);
    if (parse_seconds(s, out) < 0) {
        pb_yw_error(yw, n, "'%s' expects seconds such as 10s, 1.5s, 2m or 10, found '%s'", key, s);
        return -1;
    }
    if (!(*out > 0) || *out > MAX_TARGET_S) {
        pb_yw_error(yw, n, "'%s' must be above 0 and at most a day, found '%s'", key, s);
        return -1;
    }
    return 0;
}

int config_get_targets(struct pb_yw *yw, const yaml_node_t *v, const char *key,
                       struct config_targets *out)
{
    struct config_targets t;
    int bad = 0;

    memset(&t, 0, sizeof t);
    t.loc = config_loc(config_walk_of(yw), v);
    if (v->type != YAML_SEQUENCE_NODE) {
        if (one_target(yw, v, key, &t.v[0]) < 0)
            return -1;
        t.n = 1;
        *out = t;
        return 0;
    }
    t.list = 1;
    if (pb_yw_len(v) < 2 || pb_yw_len(v) > CONFIG_MAX_TARGETS) {
        pb_yw_error(yw, v, "a list of '%s' needs two to %d targets (one target: 'target: 10s')", key,
                    CONFIG_MAX_TARGETS);
        return -1;
    }
    for (size_t i = 0; i < pb_yw_len(v); i++) {
        yaml_node_t *item = pb_yw_item(yw, v, i);
        char a[32], b[32];
        if (one_target(yw, item, key, &t.v[t.n]) < 0) {
            bad = 1;
            continue;
        }
        target_text(t.v[t.n], a, sizeof a);
        for (size_t k = 0; k < t.n; k++) {
            target_text(t.v[k], b, sizeof b);
            if (!strcmp(a, b)) {
                pb_yw_error(yw, item, "'%s' lists %s twice", key, a);
                bad = 1;
            }
        }
        t.n++;
    }
    if (bad)
        return -1;
    *out = t;
    return 0;
}

/* A copy of from into to (emptied first). Returns 0 or -1 (out of memory). */
static int copy_strv(struct pb_strv *to, const struct pb_strv *from)
{
    memset(to, 0, sizeof *to);
    for (size_t i = 0; i < from->n; i++)
        if (pb_strv_push(to, from->v[i]) < 0)
            return -1;
    return 0;
}

int config_dup_workload(const struct pb_workload *from, const char *name, struct pb_workload *to)
{
    *to = *from;
    memset(&to->args, 0, sizeof to->args);
    memset(&to->hot, 0, sizeof to->hot);
    memset(&to->tags, 0, sizeof to->tags);
    to->name = strdup(name ? name : from->name);
    to->script = from->script ? strdup(from->script) : NULL;
    to->description = from->description ? strdup(from->description) : NULL;
    to->pyperformance = from->pyperformance ? strdup(from->pyperformance) : NULL;
    to->base = from->base ? strdup(from->base) : NULL;
    to->given = from->given ? strdup(from->given) : NULL;
    to->unrunnable = from->unrunnable ? strdup(from->unrunnable) : NULL;
    to->fixed_size = from->fixed_size ? strdup(from->fixed_size) : NULL;
    if (!to->fixed_size != !from->fixed_size || !to->name || !to->script != !from->script || !to->description != !from->description
        || !to->pyperformance != !from->pyperformance || !to->base != !from->base
        || !to->given != !from->given || !to->unrunnable != !from->unrunnable
        || copy_strv(&to->args, &from->args) < 0 || copy_strv(&to->hot, &from->hot) < 0
        || copy_strv(&to->tags, &from->tags) < 0 || config_copy_skips(to, from) < 0) {
        config_free_workload(to);
        memset(to, 0, sizeof *to);
        return -1;
    }
    return 0;
}

int config_check_target(struct pb_yw *yw, const yaml_node_t *item, const struct pb_workload *wl,
                        int sized, size_t ntargets)
{
    const yaml_node_t *target = pb_yw_find_key(yw, item, "target");
    const char *name = wl->name ? wl->name : "?";

    if (!target || !ntargets)
        return target ? -1 : 0;
    if (sized) {
        pb_yw_error(yw, target, "'target' and 'sizes' both given: 'target' chooses the size "
                    "(give a list of targets, [10s, 20s], for several)");
        return -1;
    }
    if (pb_yw_find_key(yw, item, "loops")) {
        pb_yw_error(yw, target, "'target' and 'loops' both given: 'target' chooses the loop count");
        return -1;
    }
    if (!pb_yw_find_key(yw, item, "pyperformance") && !config_args_have_size(wl)) {
        pb_yw_error(yw, target, "'target' needs '{size}' in the arguments of '%s': the work count "
                    "it chooses (a loop count, not a grid width)", name);
        return -1;
    }
    return 0;
}

/* Copy k of wl for targets t into *out: wl itself with its target, or for
 * a list "<name>@<t>s" with base = name. Returns 0 or -1 (out of memory). */
static int per_target(const struct pb_workload *wl, const struct config_targets *t, size_t k,
                      struct pb_workload *out)
{
    char name[256], text[32];

    target_text(t->v[k], text, sizeof text);
    snprintf(name, sizeof name, "%s@%s", wl->name, text);
    if (config_dup_workload(wl, t->list ? name : wl->name, out) < 0)
        return -1;
    out->target = t->v[k];
    out->target_loc = t->loc;
    if (t->list) {
        free(out->base);
        if (!(out->base = strdup(wl->name))) {
            config_free_workload(out);
            return -1;
        }
    }
    return 0;
}

void config_add_per_target(struct config_walk *w, const struct pb_workload *wl,
                           const struct config_targets *t)
{
    for (size_t k = 0; k < t->n; k++) {
        struct pb_workload one;
        if (per_target(wl, t, k, &one) < 0) {
            pb_diags_add(w->yw.diags, wl->loc.file, wl->loc.line, wl->loc.col, "out of memory");
            return;
        }
        config_append_workload(w, &one);
    }
}

/* 1 when the defaults' target applies to wl: a pyperformance workload
 * without loops:, sizes: or target:, or a script whose args hold "{size}"
 * without sizes: or target: (sizes: replaced "{size}" already). */
static int takes_default(const struct pb_workload *wl)
{
    if (wl->target > 0 || wl->base || wl->fixed_size)
        return 0;
    if (wl->pyperformance)
        return wl->loops < 0;
    return config_args_have_size(wl);
}

/* A pyperformance workload's loop count becomes "{size}" (its args were
 * made with one loop: see PB_PYPERF_ARGS). Returns 0 or -1. */
static int open_loops(struct pb_workload *wl)
{
    char *s;

    if (!wl->pyperformance || wl->args.n < PB_PYPERF_ARGS)
        return 0;
    if (!(s = strdup("{size}")))
        return -1;
    free(wl->args.v[PB_PYPERF_ARGS - 1]);
    wl->args.v[PB_PYPERF_ARGS - 1] = s;
    return 0;
}

void config_apply_targets(struct pb_config *cfg, struct config_shared *sh, struct pb_diags *d)
{
    const struct config_targets *t = &sh->dtarget;
    size_t n = 0, cap = cfg->nworkloads * (t->n ? t->n : 1) + 1;
    struct pb_workload *all = calloc(cap, sizeof *all);
    int oom = !all;

    for (size_t k = 0; k < cfg->nworkloads; k++) {
        struct pb_workload *wl = &cfg->workloads[k];
        if (wl->fixed_size) {
            struct pb_strv args;
            if (!config_args_have_size(wl))
                pb_diags_add(d, wl->loc.file, wl->loc.line, wl->loc.col,
                             "'size' given but no argument of '%s' contains '{size}'", wl->name);
            else if (pb_workload_args_at_text(wl, wl->fixed_size, &args) < 0)
                oom = 1;
            else {
                pb_strv_release(&wl->args);
                wl->args = args;
            }
        }
        if (!t->n || !takes_default(wl)) {
            if (!wl->pyperformance && !wl->target && config_args_have_size(wl))
                pb_diags_add(d, wl->loc.file, wl->loc.line, wl->loc.col,
                             "'{size}' in the arguments of '%s' needs 'sizes:' or 'target:'", wl->name);
            if (all)
                all[n++] = *wl;         /* moved */
            else
                config_free_workload(wl);
            continue;
        }
        for (size_t i = 0; all && i < t->n; i++) {
            if (per_target(wl, t, i, &all[n]) < 0 || open_loops(&all[n]) < 0) {
                oom = 1;
                continue;
            }
            n++;
        }
        config_free_workload(wl);
    }
    if (oom)
        pb_diags_add(d, cfg->files.v[0], 0, 0, "out of memory");
    free(cfg->workloads);
    cfg->workloads = all;
    cfg->nworkloads = n;
}

void config_check_targets(struct pb_config *cfg, struct pb_diags *d)
{
    const struct pb_loc *said = NULL;
    double said_t = 0;

    for (size_t k = 0; k < cfg->nworkloads; k++) {
        const struct pb_workload *wl = &cfg->workloads[k];
        if (!(wl->target > 0) || !cfg->nprofilers)
            continue;
        double timeout = pb_config_timeout(cfg, wl, &cfg->profilers[cfg->baseline]);
        if (wl->target < timeout)
            continue;
        /* the copies of one workload (per interpreter) share their target */
        if (said && said->file == wl->target_loc.file && said->line == wl->target_loc.line
            && said->col == wl->target_loc.col && said_t == wl->target)
            continue;
        pb_diags_add(d, wl->target_loc.file, wl->target_loc.line, wl->target_loc.col,
                     "'target' of '%s' (%g s) is not below the timeout of its plain runs (%g s): "
                     "lower the target or raise 'timeout'", wl->base ? wl->base : wl->name,
                     wl->target, timeout);
        said = &wl->target_loc;
        said_t = wl->target;
    }
}

int pb_workload_args_at(const struct pb_workload *w, long long count, struct pb_strv *out)
{
    char size[32];

    snprintf(size, sizeof size, "%lld", count);
    return pb_workload_args_at_text(w, size, out);
}

int pb_workload_args_at_text(const struct pb_workload *w, const char *size, struct pb_strv *out)
{
    memset(out, 0, sizeof *out);
    for (size_t i = 0; i < w->args.n; i++) {
        char *x = config_with_size(w->args.v[i], size);
        int bad = !x || pb_strv_push(out, x) < 0;
        free(x);
        if (bad) {
            pb_strv_release(out);
            return -1;
        }
    }
    return 0;
}

int pb_config_set_count(struct pb_config *cfg, size_t i, long long count)
{
    struct pb_workload *w = i < cfg->nworkloads ? &cfg->workloads[i] : NULL;
    struct pb_strv args;

    if (!w || !(w->target > 0) || count < 1 || pb_workload_args_at(w, count, &args) < 0)
        return -1;
    pb_strv_release(&w->args);
    w->args = args;
    w->count = count;
    if (w->base)
        w->size = (double)count;
    return 0;
}

int pb_config_mark_workload(struct pb_config *cfg, size_t i, const char *why)
{
    char *copy;

    if (i >= cfg->nworkloads)
        return 0;
    if (!(copy = strdup(why ? why : "cannot run")))
        return -1;
    free(cfg->workloads[i].unrunnable);
    cfg->workloads[i].unrunnable = copy;
    return 0;
}
