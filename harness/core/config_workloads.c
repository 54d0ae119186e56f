/*
 * config: the `workloads:` list. A workload names a script (resolved
 * against the defining file's directory, which must exist) or a
 * pyperformance benchmark (found once every file is read, beside the
 * config's interpreter: config_resolve_benchmarks), its arguments, hot
 * functions, tags and per-workload settings; one with `sizes: [a, b, ...]`
 * becomes one workload per size ("name@a", ...). `size: N` is what
 * "{size}" in the args stands for; an entry with a name defined before (in
 * an include) and no script sets that workload's size, runs, warmup or
 * timeout: configs/workloads.yaml defined once, at each config's sizes.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/config_walk.h"
#include "core/pyperformance.h"
#include "util/path.h"
#include "util/suggest.h"

/* Most loops a pyperformance workload may ask for (pyperf's --loops). */
#define MAX_LOOPS 1000000000

/* What a workload's keys fill: the workload, and its `sizes:` (kept as
 * written, for the names and args) and `target:` until it is split per
 * size or per target. */
struct sized {
    struct pb_workload wl;
    struct pb_strv sizes;
    const yaml_node_t *sizes_node;
    struct config_targets targets;
};

/* dir + path, made canonical when it exists. */
static char *resolve(const char *dir, const char *path)
{
    char *joined = pb_path_join(dir, path);
    char *real;

    if (!joined)
        return NULL;
    real = realpath(joined, NULL);
    if (real) {
        free(joined);
        return real;
    }
    return joined;
}

static void wl_name(struct pb_yw *yw, const yaml_node_t *v, void *o, const char *key)
{
    struct pb_workload *wl = o;

    if (pb_yw_get_str(yw, v, key, &wl->name) == 0 && config_check_name(yw, v, "workload") < 0) {
        free(wl->name);
        wl->name = NULL;
    }
    if (v->type == YAML_SCALAR_NODE)
        wl->loc = config_loc(config_walk_of(yw), v);
}

static void wl_script(struct pb_yw *yw, const yaml_node_t *v, void *o, const char *key)
{
    struct pb_workload *wl = o;
    char *s = NULL;

    if (pb_yw_get_str(yw, v, key, &s) < 0)
        return;
    wl->script = resolve(config_walk_of(yw)->dir, s);
    if (wl->script && access(wl->script, R_OK) != 0)
        pb_yw_error(yw, v, "workload script '%s' not found (looked at %s)", s, wl->script);
    free(s);
}

static void wl_args(struct pb_yw *yw, const yaml_node_t *v, void *o, const char *key)
{
    pb_yw_get_strv(yw, v, key, &((struct pb_workload *)o)->args);
}

static void wl_pyperformance(struct pb_yw *yw, const yaml_node_t *v, void *o, const char *key)
{
    struct pb_workload *wl = o;

    if (pb_yw_get_str(yw, v, key, &wl->pyperformance) < 0)
        return;
    wl->bench_loc = config_loc(config_walk_of(yw), v);
    if (!pb_pyperf_name_ok(wl->pyperformance)) {
        pb_yw_error(yw, v, "'%s' is not a pyperformance benchmark name (letters, digits, '_', '-')",
                    wl->pyperformance);
        free(wl->pyperformance);
        wl->pyperformance = NULL;
    }
}

static void wl_loops(struct pb_yw *yw, const yaml_node_t *v, void *o, const char *key)
{
    pb_yw_get_int(yw, v, key, 1, MAX_LOOPS, &((struct pb_workload *)o)->loops);
}

/* Length of the Python identifier at s (ASCII letters, digits, '_', and
 * any non-ASCII byte), 0 when there is none. */
static size_t ident_len(const char *s)
{
    size_t n = 0;

    if (!(isalpha((unsigned char)*s) || *s == '_' || (unsigned char)*s >= 0x80))
        return 0;
    while (isalnum((unsigned char)s[n]) || s[n] == '_' || (unsigned char)s[n] >= 0x80)
        n++;
    return n;
}

/* What is wrong with hot function name s, NULL when nothing: s is
 * "[module:]qualname", module a dotted name, qualname dotted names
 * (Cls.method) where '<locals>' may stand between two of them (a function
 * defined inside another, reachable only in the script boot.py decorates). */
static const char *hot_problem(const char *s)
{
    const char *colon = strchr(s, ':'), *p = s;

    if (colon) {
        if (strchr(colon + 1, ':'))
            return "more than one ':'";
        for (;;) {
            size_t n = ident_len(p);
            if (!n)
                return "the module before ':' must be a dotted name (package.module)";
            p += n;
            if (p == colon)
                break;
            if (*p++ != '.')
                return "the module before ':' must be a dotted name (package.module)";
        }
        p = colon + 1;
    }
    for (int first = 1;; first = 0) {
        size_t n = ident_len(p);
        if (!n && !first && !strncmp(p, "<locals>.", 9)) {
            if (colon)
                return "a function inside another ('<locals>') can be named only in the script";
            p += 9;
            n = ident_len(p);
        }
        if (!n)
            return "expected a name such as f, Cls.method or module:Cls.method";
        p += n;
        if (!*p)
            return NULL;
        if (*p++ != '.')
            return "expected a name such as f, Cls.method or module:Cls.method";
    }
}

static void wl_hot(struct pb_yw *yw, const yaml_node_t *v, void *o, const char *key)
{
    struct pb_workload *wl = o;

    if (pb_yw_get_strv(yw, v, key, &wl->hot) < 0)
        return;
    for (size_t i = 0; i < pb_yw_len(v); i++) {
        yaml_node_t *item = pb_yw_item(yw, v, i);
        const char *why = hot_problem(pb_yw_str(item));
        if (why)
            pb_yw_error(yw, item, "hot function '%s': %s", pb_yw_str(item), why);
    }
}

static void wl_tags(struct pb_yw *yw, const yaml_node_t *v, void *o, const char *key)
{
    pb_yw_get_strv(yw, v, key, &((struct pb_workload *)o)->tags);
}

static void wl_desc(struct pb_yw *yw, const yaml_node_t *v, void *o, const char *key)
{
    pb_yw_get_str(yw, v, key, &((struct pb_workload *)o)->description);
}

static void wl_runs(struct pb_yw *yw, const yaml_node_t *v, void *o, const char *key)
{
    pb_yw_get_int(yw, v, key, 1, CONFIG_MAX_RUNS, &((struct pb_workload *)o)->runs);
}

static void wl_warmup(struct pb_yw *yw, const yaml_node_t *v, void *o, const char *key)
{
    pb_yw_get_int(yw, v, key, 0, CONFIG_MAX_RUNS, &((struct pb_workload *)o)->warmup);
}

static void wl_timeout(struct pb_yw *yw, const yaml_node_t *v, void *o, const char *key)
{
    pb_yw_get_seconds(yw, v, key, &((struct pb_workload *)o)->timeout);
}

/* size: one positive number, what "{size}" in the args stands for */
static void wl_size(struct pb_yw *yw, const yaml_node_t *v, void *o, const char *key)
{
    struct pb_workload *wl = &((struct sized *)o)->wl;
    char *end;

    free(wl->fixed_size);
    wl->fixed_size = NULL;
    if (pb_yw_get_str(yw, v, key, &wl->fixed_size) < 0)
        return;
    double x = strtod(wl->fixed_size, &end);
    if (end == wl->fixed_size || *end || !(x > 0)) {
        pb_yw_error(yw, v, "'size' must be a positive number, found '%s'", wl->fixed_size);
        free(wl->fixed_size);
        wl->fixed_size = NULL;
    }
}

/* sizes: positive numbers, at least two */
static void wl_sizes(struct pb_yw *yw, const yaml_node_t *v, void *o, const char *key)
{
    struct sized *sz = o;

    sz->sizes_node = v;
    if (pb_yw_get_strv(yw, v, key, &sz->sizes) < 0)
        return;
    for (size_t i = 0; i < pb_yw_len(v); i++) {
        yaml_node_t *item = pb_yw_item(yw, v, i);
        const char *s = pb_yw_str(item);
        char *end;
        double x = strtod(s, &end);
        if (end == s || *end || !(x > 0) || strchr(s, '@'))
            pb_yw_error(yw, item, "each of 'sizes' must be a positive number, found '%s'", s);
    }
    if (sz->sizes.n == 1)
        pb_yw_error(yw, v, "'sizes' needs at least two sizes to fit a line (or give the size in 'args')");
}

static void wl_target(struct pb_yw *yw, const yaml_node_t *v, void *o, const char *key)
{
    config_get_targets(yw, v, key, &((struct sized *)o)->targets);
}

/* Appends one profiler to wl's `skip:`: the one named by scalar n, left
 * out for reason (NULL or "": none given). A name listed twice is an
 * error. */
static void add_skip(struct pb_yw *yw, struct pb_workload *wl, const yaml_node_t *n,
                     const char *reason)
{
    const char *name = pb_yw_str(n);
    struct pb_skip *ns, one;

    for (size_t i = 0; i < wl->nskip; i++)
        if (!strcmp(wl->skip[i].profiler, name)) {
            pb_yw_error(yw, n, "profiler '%s' is listed twice in 'skip'", name);
            return;
        }
    one.profiler = strdup(name);
    one.reason = reason && *reason ? strdup(reason) : NULL;
    one.loc = config_loc(config_walk_of(yw), n);
    ns = one.profiler && (one.reason || !reason || !*reason)
       ? realloc(wl->skip, (wl->nskip + 1) * sizeof *ns) : NULL;
    if (!ns) {
        free(one.profiler);
        free(one.reason);
        pb_yw_error(yw, n, "out of memory");
        return;
    }
    wl->skip = ns;
    wl->skip[wl->nskip++] = one;
}

/* `skip: [lp, scalene]` or, with reasons, `skip: {lp: "the work is in C"}`:
 * profilers left out of this workload. The names are checked once every
 * profiler is defined (config_check_skips). */
static void wl_skip(struct pb_yw *yw, const yaml_node_t *v, void *o, const char *key)
{
    struct pb_workload *wl = o;

    if (v->type == YAML_SEQUENCE_NODE) {
        for (size_t i = 0; i < pb_yw_len(v); i++) {
            yaml_node_t *item = pb_yw_item(yw, v, i);
            if (item->type != YAML_SCALAR_NODE || pb_yw_is_null(item))
                pb_yw_error(yw, item, "each item of '%s' must be a profiler name, found %s", key,
                            item->type == YAML_SCALAR_NODE ? "nothing" : pb_yw_kind(item));
            else
                add_skip(yw, wl, item, NULL);
        }
        return;
    }
    if (v->type != YAML_MAPPING_NODE) {
        pb_yw_error(yw, v, "'%s' expects a list of profiler names ([name, ...]) or a mapping of "
                    "profiler name to the reason ({name: \"why\"}), found %s", key, pb_yw_kind(v));
        return;
    }
    for (yaml_node_pair_t *q = v->data.mapping.pairs.start; q < v->data.mapping.pairs.top; q++) {
        yaml_node_t *k = yaml_document_get_node(yw->doc, q->key);
        yaml_node_t *val = yaml_document_get_node(yw->doc, q->value);
        if (k->type != YAML_SCALAR_NODE || pb_yw_is_null(k))
            pb_yw_error(yw, k, "keys of '%s' are profiler names, found %s", key,
                        k->type == YAML_SCALAR_NODE ? "nothing" : pb_yw_kind(k));
        else if (val->type != YAML_SCALAR_NODE)
            pb_yw_error(yw, val, "the reason for skipping '%s' must be text, found %s",
                        pb_yw_str(k), pb_yw_kind(val));
        else
            add_skip(yw, wl, k, pb_yw_is_null(val) ? NULL : pb_yw_str(val));
    }
}

static const struct pb_yw_key workload_keys[] = {
    { "name", wl_name }, { "script", wl_script }, { "args", wl_args }, { "hot", wl_hot },
    { "tags", wl_tags }, { "description", wl_desc }, { "runs", wl_runs },
    { "warmup", wl_warmup }, { "timeout", wl_timeout }, { "sizes", wl_sizes },
    { "pyperformance", wl_pyperformance }, { "loops", wl_loops }, { "target", wl_target },
    { "skip", wl_skip }, { "size", wl_size },
    { NULL, NULL }
};

/* What an entry that names an earlier workload may set. */
static const char *const override_keys[] = { "name", "size", "runs", "warmup", "timeout", NULL };

int config_copy_skips(struct pb_workload *to, const struct pb_workload *from)
{
    to->skip = NULL;
    to->nskip = 0;
    if (!from->nskip)
        return 0;
    to->skip = calloc(from->nskip, sizeof *to->skip);
    if (!to->skip)
        return -1;
    for (size_t i = 0; i < from->nskip; i++) {
        const struct pb_skip *f = &from->skip[i];
        struct pb_skip *t = &to->skip[to->nskip];
        t->profiler = strdup(f->profiler);
        t->reason = f->reason ? strdup(f->reason) : NULL;
        t->loc = f->loc;
        to->nskip++;
        if (!t->profiler || (f->reason && !t->reason))
            return -1;
    }
    return 0;
}

/* The error for skip entry k when its name is not a profiler other than
 * the baseline. names: the profilers' names, NULL-terminated, for the
 * suggestion (NULL: none). */
static void check_skip(const struct pb_config *cfg, const struct pb_skip *k,
                       const char *const *names, struct pb_diags *d)
{
    for (size_t p = 0; p < cfg->nprofilers; p++) {
        if (strcmp(cfg->profilers[p].name, k->profiler))
            continue;
        if (p == cfg->baseline)
            pb_diags_add(d, k->loc.file, k->loc.line, k->loc.col,
                         "skip: '%s' is the baseline, which cannot be skipped: every ratio of the "
                         "workload is taken against it (leave the workload out with 'select:')",
                         k->profiler);
        return;
    }
    const char *best = names ? pb_suggest(k->profiler, names, sizeof *names) : NULL;
    pb_diags_add(d, k->loc.file, k->loc.line, k->loc.col, "skip: no profiler named '%s'%s%s%s",
                 k->profiler, best ? " (did you mean '" : "", best ? best : "", best ? "'?)" : "");
}

void config_check_skips(const struct pb_config *cfg, struct pb_diags *d)
{
    const char **names = calloc(cfg->nprofilers + 1, sizeof *names);

    for (size_t p = 0; names && p < cfg->nprofilers; p++)
        names[p] = cfg->profilers[p].name;
    for (size_t w = 0; w < cfg->nworkloads; w++) {
        const struct pb_workload *wl = &cfg->workloads[w];
        const struct pb_workload *prev = w ? &cfg->workloads[w - 1] : NULL;
        /* the workloads of one with sizes: share its list: said once */
        if (prev && wl->base && prev->base && !strcmp(wl->base, prev->base))
            continue;
        for (size_t i = 0; i < wl->nskip; i++)
            check_skip(cfg, &wl->skip[i], names, d);
    }
    free(names);
}

char *config_with_size(const char *s, const char *size)
{
    const char *at = strstr(s, "{size}");
    size_t n;
    char *r;

    if (!at)
        return strdup(s);
    n = strlen(s) - 6 + strlen(size) + 1;
    r = malloc(n);
    if (r)
        snprintf(r, n, "%.*s%s%s", (int)(at - s), s, size, at + 6);
    return r;
}

/* A copy of from, with "{size}" replaced by size when size is not NULL.
 * Returns 0, -1 when out of memory (to holds what was copied). */
static int copy_strv(struct pb_strv *to, const struct pb_strv *from, const char *size)
{
    memset(to, 0, sizeof *to);
    for (size_t i = 0; i < from->n; i++) {
        char *x = size ? config_with_size(from->v[i], size) : strdup(from->v[i]);
        if (!x || pb_strv_push(to, x) < 0) {
            free(x);
            return -1;
        }
        free(x);
    }
    return 0;
}

int config_args_have_size(const struct pb_workload *wl)
{
    for (size_t i = 0; i < wl->args.n; i++)
        if (strstr(wl->args.v[i], "{size}"))
            return 1;
    return 0;
}

void config_free_workload(struct pb_workload *wl)
{
    free(wl->given);
    free(wl->base);
    free(wl->name);
    free(wl->script);
    pb_strv_release(&wl->args);
    pb_strv_release(&wl->hot);
    pb_strv_release(&wl->tags);
    free(wl->description);
    free(wl->pyperformance);
    free(wl->unrunnable);
    free(wl->fixed_size);
    wl->fixed_size = NULL;
    for (size_t i = 0; i < wl->nskip; i++) {
        free(wl->skip[i].profiler);
        free(wl->skip[i].reason);
    }
    free(wl->skip);
    wl->skip = NULL;
    wl->nskip = 0;
}

void config_append_workload(struct config_walk *w, struct pb_workload *wlp)
{
    struct pb_config *cfg = w->cfg;
    struct pb_workload wl = *wlp;

    for (size_t i = 0; i < cfg->nworkloads; i++)
        if (!strcmp(cfg->workloads[i].name, wl.name)) {
            pb_diags_add(w->yw.diags, wl.loc.file, wl.loc.line, wl.loc.col,
                         "duplicate workload name '%s' (first defined at %s:%d:%d)", wl.name,
                         cfg->workloads[i].loc.file, cfg->workloads[i].loc.line,
                         cfg->workloads[i].loc.col);
            config_free_workload(&wl);
            return;
        }
    struct pb_workload *nw = realloc(cfg->workloads, (cfg->nworkloads + 1) * sizeof *nw);
    if (!nw) {
        config_free_workload(&wl);
        return;
    }
    cfg->workloads = nw;
    cfg->workloads[cfg->nworkloads++] = wl;
}

/* Appends one workload per size of sz, sharing everything but the name
 * and the args. */
static void append_per_size(struct config_walk *w, const struct sized *sz)
{
    const struct pb_workload *wl = &sz->wl;

    for (size_t k = 0; k < sz->sizes.n; k++) {
        struct pb_workload one = *wl;
        memset(&one.args, 0, sizeof one.args);
        memset(&one.hot, 0, sizeof one.hot);
        memset(&one.tags, 0, sizeof one.tags);
        one.skip = NULL;
        one.nskip = 0;
        size_t n = strlen(wl->name) + strlen(sz->sizes.v[k]) + 2;
        one.name = malloc(n);
        if (one.name)
            snprintf(one.name, n, "%s@%s", wl->name, sz->sizes.v[k]);
        one.script = wl->script ? strdup(wl->script) : NULL;    /* NULL: pyperformance */
        one.description = wl->description ? strdup(wl->description) : NULL;
        one.pyperformance = wl->pyperformance ? strdup(wl->pyperformance) : NULL;
        one.base = strdup(wl->name);
        one.size = strtod(sz->sizes.v[k], NULL);
        one.unrunnable = NULL;
        if (!one.name || !one.script != !wl->script || !one.pyperformance != !wl->pyperformance
            || !one.base || copy_strv(&one.args, &wl->args, sz->sizes.v[k]) < 0
            || copy_strv(&one.hot, &wl->hot, NULL) < 0 || copy_strv(&one.tags, &wl->tags, NULL) < 0
            || config_copy_skips(&one, wl) < 0) {
            config_free_workload(&one);
            break;
        }
        config_append_workload(w, &one);
    }
}

/* A pyperformance workload's args: pyperf's worker mode (one process, no
 * calibration: -w 0 warm-ups, -n 1 value of LOOPS loops, or of {size}
 * loops with sizes:), then the user's own. The benchmark's extra_opts go
 * after the first PB_PYPERF_ARGS once it is found. Returns 0, -1 when out
 * of memory. */
static int pyperf_args(struct pb_workload *wl, int sized)
{
    char loops[32];
    struct pb_strv a;

    snprintf(loops, sizeof loops, "%d", wl->loops > 0 ? wl->loops : 1);
    const char *pre[PB_PYPERF_ARGS] = { "--worker", "-w", "0", "-n", "1", "-l", sized ? "{size}" : loops };
    memset(&a, 0, sizeof a);
    for (size_t i = 0; i < PB_PYPERF_ARGS; i++)
        if (pb_strv_push(&a, pre[i]) < 0)
            goto oom;
    for (size_t i = 0; i < wl->args.n; i++)
        if (pb_strv_push(&a, wl->args.v[i]) < 0)
            goto oom;
    pb_strv_release(&wl->args);
    wl->args = a;
    return 0;
oom:
    pb_strv_release(&a);
    return -1;
}

/* The checks of `script:`, `pyperformance:` and `loops:` together; a
 * pyperformance workload gets its args. Returns 0 when the workload can
 * be kept, -1 when not. */
static int check_program(struct pb_yw *yw, const yaml_node_t *item, struct sized *sz)
{
    struct pb_workload *wl = &sz->wl;
    const yaml_node_t *script = pb_yw_find_key(yw, item, "script");
    const yaml_node_t *bench = pb_yw_find_key(yw, item, "pyperformance");
    const yaml_node_t *loops = pb_yw_find_key(yw, item, "loops");

    if (!script && !bench) {
        pb_yw_error(yw, item, "workload has no 'script' (or 'pyperformance: BENCHMARK')");
        return -1;
    }
    if (script && bench) {
        pb_yw_error(yw, bench, "a workload runs a 'script' or a 'pyperformance' benchmark, not both");
        return -1;
    }
    if (loops && !bench) {
        pb_yw_error(yw, loops, "'loops' is for 'pyperformance' workloads (pyperf's --loops); give a script's size in 'args'");
        return -1;
    }
    if (loops && sz->sizes_node) {
        pb_yw_error(yw, loops, "'loops' and 'sizes' both given: with 'sizes', each size is a loop count");
        return -1;
    }
    if (config_check_target(yw, item, wl, sz->sizes_node != NULL, sz->targets.n) < 0)
        return -1;
    if (script)
        return wl->script ? 0 : -1;
    return wl->pyperformance && pyperf_args(wl, sz->sizes_node || sz->targets.n) == 0 ? 0 : -1;
}

/* The workload named by item's `name:` when one was defined before and
 * item has neither `script` nor `pyperformance`, else NULL. */
static struct pb_workload *overridden(struct config_walk *w, const yaml_node_t *item)
{
    struct pb_yw *yw = &w->yw;
    const yaml_node_t *name = pb_yw_find_key(yw, item, "name");

    if (!name || name->type != YAML_SCALAR_NODE || pb_yw_find_key(yw, item, "script")
        || pb_yw_find_key(yw, item, "pyperformance"))
        return NULL;
    for (size_t i = 0; i < w->cfg->nworkloads; i++)
        if (!strcmp(w->cfg->workloads[i].name, pb_yw_str(name)))
            return &w->cfg->workloads[i];
    return NULL;
}

/* Sets on earlier workload `to` what item gives of override_keys; any
 * other key is an error naming the ones allowed. */
static void override_workload(struct config_walk *w, const yaml_node_t *item, struct pb_workload *to)
{
    struct pb_yw *yw = &w->yw;
    struct sized sz;
    struct pb_workload *wl = &sz.wl;

    for (yaml_node_pair_t *pr = item->data.mapping.pairs.start; pr < item->data.mapping.pairs.top; pr++) {
        const yaml_node_t *k = yaml_document_get_node(yw->doc, pr->key);
        int ok = 0;
        for (const char *const *o = override_keys; k && *o; o++)
            ok |= k->type == YAML_SCALAR_NODE && !strcmp(pb_yw_str(k), *o);
        if (k && !ok)
            pb_yw_error(yw, k, "'%s' of workload '%s' is defined at %s:%d: an entry naming it may "
                        "set only size, runs, warmup or timeout (give another name for a new "
                        "workload)", k->type == YAML_SCALAR_NODE ? pb_yw_str(k) : "?", to->name,
                        to->loc.file, to->loc.line);
    }
    memset(&sz, 0, sizeof sz);
    wl->runs = wl->warmup = -1;
    wl->timeout = -1;
    pb_yw_walk_map(yw, item, workload_keys, &sz, "a workload");
    if (to->base || to->target > 0)
        pb_yw_error(yw, item, "workload '%s' has 'sizes' or 'target' where it is defined: "
                    "'size' cannot replace them", to->name);
    else if (wl->fixed_size) {
        free(to->fixed_size);
        to->fixed_size = wl->fixed_size;
        wl->fixed_size = NULL;
    }
    if (wl->runs >= 0)
        to->runs = wl->runs;
    if (wl->warmup >= 0)
        to->warmup = wl->warmup;
    if (wl->timeout >= 0)
        to->timeout = wl->timeout;
    config_free_workload(wl);
    pb_strv_release(&sz.sizes);
}

/* Walks one item of `workloads:` and appends what it defines. */
static void add_workload(struct config_walk *w, const yaml_node_t *item)
{
    struct pb_yw *yw = &w->yw;
    struct sized sz;
    struct pb_workload *wl = &sz.wl;
    struct pb_workload *earlier = overridden(w, item);

    if (earlier) {
        override_workload(w, item, earlier);
        return;
    }

    memset(&sz, 0, sizeof sz);
    wl->runs = wl->warmup = wl->loops = -1;
    wl->timeout = -1;
    wl->selected = 1;
    wl->loc = config_loc(w, item);
    pb_yw_walk_map(yw, item, workload_keys, &sz, "a workload");
    if (!pb_yw_find_key(yw, item, "name"))
        pb_yw_error(yw, item, "workload has no 'name'");
    if (check_program(yw, item, &sz) < 0 || !wl->name)
        goto cleanup;
    if (sz.sizes.n && !config_args_have_size(wl))
        pb_yw_error(yw, sz.sizes_node, "'sizes' given but no argument of '%s' contains '{size}'", wl->name);
    if (wl->fixed_size && (sz.sizes_node || sz.targets.n || wl->pyperformance)) {
        pb_yw_error(yw, pb_yw_find_key(yw, item, "size"), "'size' is one fixed size for a script's "
                    "'{size}': not with 'sizes', 'target' or 'pyperformance'");
        goto cleanup;
    }
    /* "{size}" without sizes: or target: may still get the defaults'
     * target: config_apply_targets tells once every file is read */
    if (sz.targets.n) {
        config_add_per_target(w, wl, &sz.targets);
        goto cleanup;
    }
    if (sz.sizes.n < 2) {
        config_append_workload(w, wl);  /* takes wl over */
        pb_strv_release(&sz.sizes);
        return;
    }
    append_per_size(w, &sz);
cleanup:
    config_free_workload(wl);
    pb_strv_release(&sz.sizes);
}

void config_workloads(struct pb_yw *yw, const yaml_node_t *v, void *obj, const char *key)
{
    if (!pb_yw_want(yw, v, YAML_SEQUENCE_NODE, key))
        return;
    for (size_t i = 0; i < pb_yw_len(v); i++) {
        yaml_node_t *item = pb_yw_item(yw, v, i);
        if (item->type != YAML_MAPPING_NODE) {
            pb_yw_error(yw, item, "each workload must be a mapping with at least 'name' and 'script', found %s",
                        pb_yw_kind(item));
            continue;
        }
        add_workload(config_walk_of(yw), item);
    }
}

/* Puts the benchmark's extra_opts after pbench's own args. Returns 0, -1
 * when out of memory. */
static int insert_extra(struct pb_workload *wl, const struct pb_strv *extra)
{
    struct pb_strv a;

    memset(&a, 0, sizeof a);
    for (size_t i = 0; i < wl->args.n; i++) {
        if (i == PB_PYPERF_ARGS)
            for (size_t k = 0; k < extra->n; k++)
                if (pb_strv_push(&a, extra->v[k]) < 0)
                    goto oom;
        if (pb_strv_push(&a, wl->args.v[i]) < 0)
            goto oom;
    }
    for (size_t k = 0; wl->args.n == PB_PYPERF_ARGS && k < extra->n; k++)
        if (pb_strv_push(&a, extra->v[k]) < 0)
            goto oom;
    pb_strv_release(&wl->args);
    wl->args = a;
    return 0;
oom:
    pb_strv_release(&a);
    return -1;
}

void config_resolve_benchmarks(struct pb_config *cfg, struct pb_diags *d)
{
    struct pb_loc failed = { NULL, 0, 0 };
    size_t failed_interp = 0;

    for (size_t i = 0; cfg->interps && i < cfg->nworkloads; i++) {
        struct pb_workload *wl = &cfg->workloads[i];
        const struct pb_interp *it = &cfg->interps[wl->interp < cfg->ninterps ? wl->interp : 0];
        struct pb_pyperf_bench b;
        struct pb_error err;

        if (!wl->pyperformance || !it->python || !it->available)
            continue;
        /* the workloads of one with sizes: share its location: one error */
        if (failed.file == wl->bench_loc.file && failed.line == wl->bench_loc.line
            && failed.col == wl->bench_loc.col && failed_interp == wl->interp)
            continue;
        if (pb_pyperf_find(it->python, wl->pyperformance, &b, &err) < 0) {
            /* with pythons:, an interpreter without the benchmark is no
             * config error: its pairs are reported unavailable */
            if (cfg->axis) {
                if (pb_config_mark_unavailable(cfg, wl->interp, -1, err.msg) < 0)
                    pb_diags_add(d, wl->bench_loc.file, wl->bench_loc.line, wl->bench_loc.col,
                                 "out of memory");
                continue;
            }
            pb_diags_add(d, wl->bench_loc.file, wl->bench_loc.line, wl->bench_loc.col, "%s", err.msg);
            failed = wl->bench_loc;
            failed_interp = wl->interp;
            continue;
        }
        if (insert_extra(wl, &b.extra) < 0)
            pb_diags_add(d, wl->bench_loc.file, wl->bench_loc.line, wl->bench_loc.col, "out of memory");
        free(wl->script);
        wl->script = b.script;
        b.script = NULL;
        pb_pyperf_bench_release(&b);
    }
}
