/* config-resolved.json: the resolved plan inputs. See resolved.h. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/plan.h"
#include "core/shard.h"
#include "store/jread.h"
#include "store/resolved.h"
#include "util/jsonfile.h"
#include "util/path.h"
#include "util/rng.h"

#define FILE_NAME "config-resolved.json"

static const char *const formats[] = { "pbench-resolved/1", PB_RESOLVED_FORMAT,
                                       PB_RESOLVED_FORMAT_SHARD, NULL };

/* ---- from a config ------------------------------------------------------ */

static char *dup_or_null(const char *s, int *oom)
{
    char *d;

    if (!s)
        return NULL;
    d = strdup(s);
    if (!d)
        *oom = 1;
    return d;
}

static void copy_strv(struct pb_strv *dst, const struct pb_strv *src, int *oom)
{
    memset(dst, 0, sizeof *dst);
    for (size_t i = 0; i < src->n; i++)
        if (pb_strv_push(dst, src->v[i]) < 0)
            *oom = 1;
}

static void from_workload(struct pb_resolved_workload *o, const struct pb_config *cfg,
                          const struct pb_workload *w, int *oom)
{
    if (cfg->axis) {
        o->python = dup_or_null(cfg->interps[w->interp].label, oom);
        o->given = dup_or_null(w->given, oom);
    }
    o->name = dup_or_null(w->name, oom);
    o->script = dup_or_null(w->script, oom);
    o->description = dup_or_null(w->description, oom);
    o->base = dup_or_null(w->base, oom);
    o->size = w->size;
    o->target = w->target;
    copy_strv(&o->args, &w->args, oom);
    copy_strv(&o->hot, &w->hot, oom);
    copy_strv(&o->tags, &w->tags, oom);
    for (size_t i = 0; i < w->nskip; i++)
        for (size_t k = 0; k < cfg->nprofilers; k++) {
            if (!cfg->profilers[k].selected || strcmp(cfg->profilers[k].name, w->skip[i].profiler))
                continue;
            struct pb_resolved_skip *ns = realloc(o->skip, (o->nskip + 1) * sizeof *ns);
            if (!ns) {
                *oom = 1;
                return;
            }
            o->skip = ns;
            ns[o->nskip].profiler = dup_or_null(w->skip[i].profiler, oom);
            ns[o->nskip++].reason = dup_or_null(w->skip[i].reason, oom);
        }
}

static void from_profiler(struct pb_resolved_profiler *o, const struct pb_profiler *p, int *oom)
{
    o->name = dup_or_null(p->name, oom);
    o->package = dup_or_null(p->package, oom);
    o->format = dup_or_null(p->format, oom);
    o->reader = dup_or_null(p->reader, oom);
    o->configdir = dup_or_null(p->configdir, oom);
    o->description = dup_or_null(p->description, oom);
    o->baseline = p->baseline;
    copy_strv(&o->command, &p->command, oom);
    copy_strv(&o->env, &p->env, oom);
    copy_strv(&o->outputs, &p->outputs, oom);
    copy_strv(&o->python_versions, &p->python_versions, oom);
    for (size_t i = 0; p->output_min && i < p->outputs.n; i++)
        if (p->output_min[i]) {
            o->output_min = calloc(p->outputs.n + 1, sizeof *o->output_min);
            if (!o->output_min)
                *oom = 1;
            else
                memcpy(o->output_min, p->output_min, p->outputs.n * sizeof *o->output_min);
            break;
        }
}

static json_t *to_json(const struct pb_resolved *r);

/* FNV-1a over the compact, key-sorted JSON of everything but the hash
 * and the format, so a file of an older format with the same content
 * hashes the same. */
static int compute_hash(struct pb_resolved *r)
{
    json_t *o = to_json(r);
    char *dump;

    if (!o)
        return -1;
    json_object_del(o, "format");
    json_object_del(o, "hash");
    json_object_del(o, "reference");    /* no measurement depends on it */
    json_object_del(o, "shard");        /* each shard's part: the matrix is the same */
    dump = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(o);
    if (!dump)
        return -1;
    snprintf(r->hash, sizeof r->hash, "%016llx", (unsigned long long)pb_hash_str(PB_HASH_INIT, dump));
    free(dump);
    return 0;
}

int pb_resolved_from_config(const struct pb_config *cfg, uint64_t seed, struct pb_resolved *out,
                            struct pb_error *err)
{
    char *abs = realpath(cfg->path, NULL);
    int oom = 0;
    size_t nw = 0, np = 0;

    memset(out, 0, sizeof *out);
    out->config_path = dup_or_null(abs ? abs : cfg->path, &oom);
    free(abs);
    out->name = dup_or_null(cfg->name, &oom);
    out->reference = dup_or_null(cfg->reference, &oom);
    out->python = dup_or_null(cfg->python, &oom);
    out->baseline = dup_or_null(cfg->profilers[cfg->baseline].name, &oom);
    out->seed = seed;
    out->runs = cfg->runs;
    out->warmup = cfg->warmup;
    out->timeout = cfg->timeout;
    out->has_adaptive = cfg->runs_auto;
    out->precision = cfg->precision;
    out->min_runs = cfg->min_runs;
    out->max_runs = cfg->max_runs;
    out->budget = cfg->budget;
    for (size_t i = 0; i < cfg->nworkloads; i++)
        nw += cfg->workloads[i].selected;
    for (size_t i = 0; i < cfg->nprofilers; i++)
        np += cfg->profilers[i].selected;
    out->workloads = calloc(nw ? nw : 1, sizeof *out->workloads);
    out->profilers = calloc(np ? np : 1, sizeof *out->profilers);
    out->pairs = calloc(nw * np > 0 ? nw * np : 1, sizeof *out->pairs);
    if (!out->workloads || !out->profilers || !out->pairs)
        goto oom;
    for (size_t i = 0; i < cfg->nworkloads; i++) {
        const struct pb_workload *w = &cfg->workloads[i];
        if (!w->selected)
            continue;
        if (pb_strv_push(&out->select_workloads, w->name) < 0)
            oom = 1;
        from_workload(&out->workloads[out->nworkloads++], cfg, w, &oom);
    }
    for (size_t i = 0; i < cfg->nprofilers; i++) {
        const struct pb_profiler *p = &cfg->profilers[i];
        if (!p->selected)
            continue;
        if (pb_strv_push(&out->select_profilers, p->name) < 0)
            oom = 1;
        from_profiler(&out->profilers[out->nprofilers++], p, &oom);
    }
    for (size_t i = 0; i < cfg->nworkloads; i++) {
        const struct pb_workload *w = &cfg->workloads[i];
        for (size_t k = 0; w->selected && k < cfg->nprofilers; k++) {
            const struct pb_profiler *p = &cfg->profilers[k];
            if (!p->selected || pb_config_skipped(cfg, i, k))
                continue;
            struct pb_resolved_pair *pr = &out->pairs[out->npairs++];
            pr->workload = dup_or_null(w->name, &oom);
            pr->profiler = dup_or_null(p->name, &oom);
            pr->runs = pb_plan_pair_runs(cfg, i, k);
            pr->warmup = pb_plan_pair_warmup(cfg, i, k);
            pr->timeout_s = pb_config_timeout(cfg, w, p);
            pr->adaptive = pb_config_adaptive(cfg, w, p);
        }
    }
    if (cfg->axis) {
        out->pythons = calloc(cfg->ninterps, sizeof *out->pythons);
        if (!out->pythons)
            goto oom;
        for (size_t i = 0; i < cfg->ninterps; i++) {
            out->pythons[out->npythons].label = dup_or_null(cfg->interps[i].label, &oom);
            out->pythons[out->npythons++].python = dup_or_null(cfg->interps[i].python, &oom);
        }
    }
    if (!oom && compute_hash(out) == 0)
        return 0;
oom:
    pb_resolved_release(out);
    return pb_error_set(err, "out of memory");
}

/* ---- to and from JSON ----------------------------------------------------- */

static json_t *strv_json(const struct pb_strv *sv)
{
    return pb_jwrite_strv(sv->v, sv->n);
}

static json_t *workload_json(const struct pb_resolved_workload *w)
{
    json_t *o = json_object();

    json_object_set_new(o, "name", pb_jwrite_str(w->name));
    json_object_set_new(o, "script", pb_jwrite_str(w->script));
    json_object_set_new(o, "args", strv_json(&w->args));
    json_object_set_new(o, "hot", strv_json(&w->hot));
    json_object_set_new(o, "tags", strv_json(&w->tags));
    if (w->description)
        json_object_set_new(o, "description", pb_jwrite_str(w->description));
    if (w->base) {
        json_object_set_new(o, "base", pb_jwrite_str(w->base));
        json_object_set_new(o, "size", json_real(w->size));
    }
    if (w->python) {
        json_object_set_new(o, "python", pb_jwrite_str(w->python));
        json_object_set_new(o, "given", pb_jwrite_str(w->given));
    }
    if (w->target > 0)      /* absent without: the hash of a run without targets is unchanged */
        json_object_set_new(o, "target_s", json_real(w->target));
    if (w->nskip) {             /* absent when none: the hash of such a config is unchanged */
        json_t *a = json_array();
        for (size_t i = 0; i < w->nskip; i++) {
            json_t *k = json_pack("{s:o}", "profiler", pb_jwrite_str(w->skip[i].profiler));
            if (w->skip[i].reason)
                json_object_set_new(k, "reason", pb_jwrite_str(w->skip[i].reason));
            json_array_append_new(a, k);
        }
        json_object_set_new(o, "skip", a);
    }
    return o;
}

static json_t *profiler_json(const struct pb_resolved_profiler *p)
{
    json_t *o = json_object();

    json_object_set_new(o, "name", pb_jwrite_str(p->name));
    json_object_set_new(o, "command", strv_json(&p->command));
    json_object_set_new(o, "env", strv_json(&p->env));
    json_object_set_new(o, "outputs", strv_json(&p->outputs));
    json_object_set_new(o, "package", p->package ? pb_jwrite_str(p->package) : json_null());
    json_object_set_new(o, "baseline", json_boolean(p->baseline));
    json_object_set_new(o, "configdir", pb_jwrite_str(p->configdir));
    if (p->description)
        json_object_set_new(o, "description", pb_jwrite_str(p->description));
    if (p->format)  /* absent without: the hash of a config without formats is unchanged */
        json_object_set_new(o, "format", pb_jwrite_str(p->format));
    if (p->reader)
        json_object_set_new(o, "reader", pb_jwrite_str(p->reader));
    if (p->python_versions.n)
        json_object_set_new(o, "python_versions", strv_json(&p->python_versions));
    if (p->output_min) {
        json_t *a = json_array();
        for (size_t i = 0; i < p->outputs.n; i++)
            json_array_append_new(a, json_integer(p->output_min[i]));
        json_object_set_new(o, "outputs_min_bytes", a);
    }
    return o;
}

static json_t *to_json(const struct pb_resolved *r)
{
    json_t *o = json_object(), *ws = json_array(), *ps = json_array(), *pairs = json_array();

    json_object_set_new(o, "format", pb_jwrite_str(r->shard.count > 0 ? PB_RESOLVED_FORMAT_SHARD
                                                                      : PB_RESOLVED_FORMAT));
    json_object_set_new(o, "config_path", pb_jwrite_str(r->config_path));
    json_object_set_new(o, "name", pb_jwrite_str(r->name));
    json_object_set_new(o, "python", pb_jwrite_str(r->python));
    /* any 64-bit seed; jansson's integers are signed, so one above
     * 2^63-1 is written as its two's complement (negative), as pbench
     * always has, and read back the same way */
    json_object_set_new(o, "seed", json_integer((json_int_t)r->seed));
    json_object_set_new(o, "baseline", pb_jwrite_str(r->baseline));
    json_object_set_new(o, "defaults", json_pack("{s:i,s:i,s:f}", "runs", r->runs,
                                                 "warmup", r->warmup, "timeout", r->timeout));
    if (r->has_adaptive)
        json_object_set_new(o, "adaptive", json_pack("{s:f,s:i,s:i,s:f}", "precision", r->precision,
                            "min_runs", r->min_runs, "max_runs", r->max_runs, "budget", r->budget));
    for (size_t i = 0; i < r->nworkloads; i++)
        json_array_append_new(ws, workload_json(&r->workloads[i]));
    for (size_t i = 0; i < r->nprofilers; i++)
        json_array_append_new(ps, profiler_json(&r->profilers[i]));
    for (size_t i = 0; i < r->npairs; i++) {
        const struct pb_resolved_pair *p = &r->pairs[i];
        json_array_append_new(pairs, json_pack("{s:s,s:s,s:i,s:i,s:f,s:b}", "workload", p->workload,
            "profiler", p->profiler, "runs", p->runs, "warmup", p->warmup,
            "timeout_s", p->timeout_s, "adaptive", p->adaptive));
    }
    if (r->npythons) {
        json_t *py = json_array();
        for (size_t i = 0; i < r->npythons; i++)
            json_array_append_new(py, json_pack("{s:o,s:o}", "label", pb_jwrite_str(r->pythons[i].label),
                                                "python", pb_jwrite_str(r->pythons[i].python)));
        json_object_set_new(o, "pythons", py);
    }
    json_object_set_new(o, "select", json_pack("{s:o,s:o}", "profilers", strv_json(&r->select_profilers),
                                               "workloads", strv_json(&r->select_workloads)));
    json_object_set_new(o, "workloads", ws);
    json_object_set_new(o, "profilers", ps);
    json_object_set_new(o, "pairs", pairs);
    if (r->reference)
        json_object_set_new(o, "reference", pb_jwrite_str(r->reference));
    if (r->shard.count > 0) {
        json_t *split = json_array();
        for (int k = 0; k < r->shard.count; k++)
            json_array_append_new(split, strv_json(&r->shard.split[k]));
        json_object_set_new(o, "shard", json_pack("{s:i,s:i,s:o,s:o,s:o}", "index", r->shard.index,
                            "count", r->shard.count,
                            "workloads", strv_json(&r->shard.split[r->shard.index - 1]),
                            "split", split, "hash", pb_jwrite_str(r->shard.hash)));
    }
    json_object_set_new(o, "hash", pb_jwrite_str(r->hash));
    return o;
}

int pb_resolved_save(const char *dir, const struct pb_resolved *r, struct pb_error *err)
{
    return pb_json_write_new(dir, FILE_NAME, to_json(r), err);
}

static int load_list(json_t *root, const char *key, int required, void **items, size_t *n,
                     size_t size,
                     int (*load_one)(json_t *, void *, const struct pb_jloc *, struct pb_error *),
                     const struct pb_jloc *at, struct pb_error *err);

static int load_skip(json_t *o, void *item, const struct pb_jloc *at, struct pb_error *err)
{
    struct pb_resolved_skip *k = item;

    if (!json_is_object(o))
        return pb_error_at(err, at->file, 0, 0, "%s: expected an object", at->path);
    if (pb_jread_str(o, "profiler", 1, &k->profiler, at, err) < 0
        || pb_jread_str(o, "reason", 0, &k->reason, at, err) < 0)
        return -1;
    return 0;
}

static int load_workload(json_t *o, void *item, const struct pb_jloc *at,
                         struct pb_error *err)
{
    struct pb_resolved_workload *w = item;
    if (!json_is_object(o))
        return pb_error_at(err, at->file, 0, 0, "%s: expected an object", at->path);
    if (pb_jread_str(o, "name", 1, &w->name, at, err) < 0
        || pb_jread_str(o, "script", 0, &w->script, at, err) < 0
        || pb_jread_str(o, "description", 0, &w->description, at, err) < 0
        || pb_jread_str(o, "base", 0, &w->base, at, err) < 0
        || pb_jread_num(o, "size", 0, &w->size, at, err) < 0
        || pb_jread_num(o, "target_s", 0, &w->target, at, err) < 0
        || pb_jread_str(o, "python", 0, &w->python, at, err) < 0
        || pb_jread_str(o, "given", 0, &w->given, at, err) < 0
        || pb_jread_strv(o, "args", &w->args, at, err) < 0
        || pb_jread_strv(o, "hot", &w->hot, at, err) < 0
        || pb_jread_strv(o, "tags", &w->tags, at, err) < 0
        || load_list(o, "skip", 0, (void **)&w->skip, &w->nskip, sizeof *w->skip, load_skip, at,
                     err) < 0)
        return -1;
    return 0;
}

static int load_profiler(json_t *o, void *item, const struct pb_jloc *at,
                         struct pb_error *err)
{
    struct pb_resolved_profiler *p = item;
    if (!json_is_object(o))
        return pb_error_at(err, at->file, 0, 0, "%s: expected an object", at->path);
    if (pb_jread_str(o, "name", 1, &p->name, at, err) < 0
        || pb_jread_str(o, "package", 0, &p->package, at, err) < 0
        || pb_jread_str(o, "format", 0, &p->format, at, err) < 0
        || pb_jread_str(o, "reader", 0, &p->reader, at, err) < 0
        || pb_jread_str(o, "configdir", 0, &p->configdir, at, err) < 0
        || pb_jread_str(o, "description", 0, &p->description, at, err) < 0
        || pb_jread_bool(o, "baseline", &p->baseline, at, err) < 0
        || pb_jread_strv(o, "command", &p->command, at, err) < 0
        || pb_jread_strv(o, "env", &p->env, at, err) < 0
        || pb_jread_strv(o, "outputs", &p->outputs, at, err) < 0
        || pb_jread_strv(o, "python_versions", &p->python_versions, at, err) < 0)
        return -1;
    json_t *mins;
    if (pb_jread_arr(o, "outputs_min_bytes", 0, &mins, at, err) < 0)
        return -1;
    if (mins) {
        if (json_array_size(mins) != p->outputs.n)
            return pb_error_at(err, at->file, 0, 0, "%s.outputs_min_bytes: expected one number per "
                               "'outputs' item", at->path);
        if (!(p->output_min = calloc(p->outputs.n + 1, sizeof *p->output_min)))
            return pb_error_set(err, "out of memory");
        for (size_t i = 0; i < p->outputs.n; i++) {
            json_t *x = json_array_get(mins, i);
            if (!json_is_integer(x) || json_integer_value(x) < 0)
                return pb_error_at(err, at->file, 0, 0, "%s.outputs_min_bytes[%zu]: expected a "
                                   "whole number of bytes", at->path, i);
            p->output_min[i] = json_integer_value(x);
        }
    }
    return 0;
}

static int load_python(json_t *o, void *item, const struct pb_jloc *at,
                       struct pb_error *err)
{
    struct pb_resolved_python *p = item;

    if (!json_is_object(o))
        return pb_error_at(err, at->file, 0, 0, "%s: expected an object", at->path);
    if (pb_jread_str(o, "label", 1, &p->label, at, err) < 0
        || pb_jread_str(o, "python", 1, &p->python, at, err) < 0)
        return -1;
    return 0;
}

static int load_pair(json_t *o, void *item, const struct pb_jloc *at,
                     struct pb_error *err)
{
    struct pb_resolved_pair *p = item;
    long long runs, warmup;

    if (!json_is_object(o))
        return pb_error_at(err, at->file, 0, 0, "%s: expected an object", at->path);
    if (pb_jread_str(o, "workload", 1, &p->workload, at, err) < 0
        || pb_jread_str(o, "profiler", 1, &p->profiler, at, err) < 0
        || pb_jread_int(o, "runs", 0, 0, INT_MAX, &runs, at, err) < 0
        || pb_jread_int(o, "warmup", 0, 0, INT_MAX, &warmup, at, err) < 0
        || pb_jread_num(o, "timeout_s", 0, &p->timeout_s, at, err) < 0
        || pb_jread_bool(o, "adaptive", &p->adaptive, at, err) < 0)
        return -1;
    p->runs = (int)runs;
    p->warmup = (int)warmup;
    return 0;
}

/* Reads the list at key into a calloc'd array of n elements of size,
 * each through load_one. */
static int load_list(json_t *root, const char *key, int required, void **items, size_t *n,
                     size_t size,
                     int (*load_one)(json_t *, void *, const struct pb_jloc *, struct pb_error *),
                     const struct pb_jloc *at, struct pb_error *err)
{
    json_t *a, *v;
    size_t i;

    if (pb_jread_arr(root, key, required, &a, at, err) < 0)
        return -1;
    *items = calloc(json_array_size(a) ? json_array_size(a) : 1, size);
    if (!*items)
        return pb_error_set(err, "out of memory");
    struct pb_jloc list = pb_jloc_in(at, key, 0);
    json_array_foreach(a, i, v) {
        struct pb_jloc in = pb_jloc_in(&list, NULL, i);
        (*n)++;
        if (load_one(v, (char *)*items + i * size, &in, err) < 0)
            return -1;
    }
    return 0;
}

static int load_top(json_t *root, struct pb_resolved *r, const struct pb_jloc *at,
                    struct pb_error *err)
{
    json_t *defaults, *adaptive, *sel;
    long long seed, runs, warmup, minr, maxr;
    char *hash = NULL;

    if (pb_jread_str(root, "config_path", 0, &r->config_path, at, err) < 0
        || pb_jread_str(root, "name", 0, &r->name, at, err) < 0
        || pb_jread_str(root, "python", 0, &r->python, at, err) < 0
        || pb_jread_str(root, "baseline", 1, &r->baseline, at, err) < 0
        || pb_jread_int(root, "seed", 0, LLONG_MIN, LLONG_MAX, &seed, at, err) < 0
        || pb_jread_str(root, "hash", 0, &hash, at, err) < 0
        || pb_jread_str(root, "reference", 0, &r->reference, at, err) < 0
        || pb_jread_obj(root, "defaults", 0, &defaults, at, err) < 0
        || pb_jread_obj(root, "adaptive", 0, &adaptive, at, err) < 0
        || pb_jread_obj(root, "select", 0, &sel, at, err) < 0) {
        free(hash);
        return -1;
    }
    r->seed = (uint64_t)seed;     /* above 2^63-1 it was written negative: see to_json */
    snprintf(r->hash, sizeof r->hash, "%s", hash ? hash : "");
    free(hash);
    struct pb_jloc d = pb_jloc_in(at, "defaults", 0), a = pb_jloc_in(at, "adaptive", 0);
    struct pb_jloc s = pb_jloc_in(at, "select", 0);
    if (pb_jread_int(defaults, "runs", 0, 0, INT_MAX, &runs, &d, err) < 0
        || pb_jread_int(defaults, "warmup", 0, 0, INT_MAX, &warmup, &d, err) < 0
        || pb_jread_num(defaults, "timeout", 0, &r->timeout, &d, err) < 0
        || pb_jread_num(adaptive, "precision", adaptive != NULL, &r->precision, &a, err) < 0
        || pb_jread_int(adaptive, "min_runs", 0, 0, INT_MAX, &minr, &a, err) < 0
        || pb_jread_int(adaptive, "max_runs", 0, 0, INT_MAX, &maxr, &a, err) < 0
        || pb_jread_num(adaptive, "budget", 0, &r->budget, &a, err) < 0
        || pb_jread_strv(sel, "profilers", &r->select_profilers, &s, err) < 0
        || pb_jread_strv(sel, "workloads", &r->select_workloads, &s, err) < 0)
        return -1;
    r->runs = (int)runs;
    r->warmup = (int)warmup;
    r->has_adaptive = adaptive != NULL;
    r->min_runs = (int)minr;
    r->max_runs = (int)maxr;
    return 0;
}

/* "shard", when there is one: its index, count, split and own hash. */
static int load_shard(json_t *root, struct pb_resolved_shard *sh, const struct pb_jloc *top,
                      struct pb_error *err)
{
    json_t *o, *split, *v;
    long long index, count;
    struct pb_strv own;
    struct pb_jloc at = pb_jloc_in(top, "shard", 0), sat = pb_jloc_in(&at, "split", 0);
    char hash[32];
    size_t i;

    if (pb_jread_obj(root, "shard", 0, &o, top, err) < 0)
        return -1;
    if (!o)
        return 0;
    if (pb_jread_int(o, "index", 1, 1, PB_SHARD_MAX, &index, &at, err) < 0
        || pb_jread_int(o, "count", 1, 1, PB_SHARD_MAX, &count, &at, err) < 0
        || pb_jread_strbuf(o, "hash", 1, hash, sizeof hash, &at, err) < 0
        || pb_jread_arr(o, "split", 1, &split, &at, err) < 0)
        return -1;
    if (index > count)
        return pb_error_at(err, at.file, 0, 0, "%s.index: shard %lld of %lld", at.path, index, count);
    if (json_array_size(split) != (size_t)count)
        return pb_error_at(err, at.file, 0, 0, "%s: expected one list of workloads per shard (%lld)",
                           sat.path, count);
    if (strlen(hash) != 16 || strspn(hash, "0123456789abcdef") != 16)
        return pb_error_at(err, at.file, 0, 0, "%s.hash: expected 16 hex digits", at.path);
    if (!(sh->split = calloc((size_t)count, sizeof *sh->split)))
        return pb_error_set(err, "out of memory");
    sh->count = (int)count;
    sh->index = (int)index;
    snprintf(sh->hash, sizeof sh->hash, "%s", hash);
    json_array_foreach(split, i, v) {
        struct pb_jloc in = pb_jloc_in(&sat, NULL, i);
        json_t *wrap = json_pack("{s:O}", "workloads", v);
        int rc = wrap ? pb_jread_strv(wrap, "workloads", &sh->split[i], &in, err)
                      : pb_error_set(err, "out of memory");
        json_decref(wrap);
        if (rc < 0)
            return -1;
        for (size_t k = 0; k < sh->split[i].n; k++)
            if (!pb_component_ok(sh->split[i].v[k]))
                return pb_error_at(err, at.file, 0, 0, "%s[%zu]: '%s' is not a workload name",
                                   in.path, k, sh->split[i].v[k]);
    }
    if (pb_jread_strv(o, "workloads", &own, &at, err) < 0)
        return -1;
    int same = pb_strv_equal(&own, &sh->split[index - 1]);
    pb_strv_release(&own);
    if (!same)
        return pb_error_at(err, at.file, 0, 0, "%s.workloads: not the split's shard %lld", at.path,
                           index);
    return 0;
}

int pb_resolved_load(const char *dir, struct pb_resolved *out, struct pb_error *err)
{
    char *path = pb_path_join(dir, FILE_NAME);
    struct pb_jloc at = { path, "" };
    json_t *root = NULL;
    size_t fmt;
    int rc = -1;

    memset(out, 0, sizeof *out);
    if (!path)
        return pb_error_set(err, "out of memory");
    root = pb_jread_file(path, err);
    if (!root || pb_jread_format(root, formats, &fmt, &at, err) < 0 || load_top(root, out, &at, err) < 0
        || load_list(root, "workloads", 0, (void **)&out->workloads, &out->nworkloads,
                     sizeof *out->workloads, load_workload, &at, err) < 0
        || load_list(root, "profilers", 1, (void **)&out->profilers, &out->nprofilers,
                     sizeof *out->profilers, load_profiler, &at, err) < 0
        || load_list(root, "pairs", 1, (void **)&out->pairs, &out->npairs,
                     sizeof *out->pairs, load_pair, &at, err) < 0
        || load_list(root, "pythons", 0, (void **)&out->pythons, &out->npythons,
                     sizeof *out->pythons, load_python, &at, err) < 0
        || load_shard(root, &out->shard, &at, err) < 0)
        goto cleanup;
    rc = 0;
cleanup:
    if (rc < 0)
        pb_resolved_release(out);
    json_decref(root);
    free(path);
    return rc;
}

/* ---- lifetime and lookups ------------------------------------------------- */

static void free_workload(struct pb_resolved_workload *w)
{
    free(w->name);
    free(w->script);
    free(w->description);
    free(w->base);
    free(w->python);
    free(w->given);
    pb_strv_release(&w->args);
    pb_strv_release(&w->hot);
    pb_strv_release(&w->tags);
    for (size_t k = 0; w->skip && k < w->nskip; k++) {
        free(w->skip[k].profiler);
        free(w->skip[k].reason);
    }
    free(w->skip);
}

void pb_resolved_drop_shard(struct pb_resolved *r)
{
    for (int k = 0; r->shard.split && k < r->shard.count; k++)
        pb_strv_release(&r->shard.split[k]);
    free(r->shard.split);
    memset(&r->shard, 0, sizeof r->shard);
}

void pb_resolved_release(struct pb_resolved *r)
{
    for (size_t i = 0; r->workloads && i < r->nworkloads; i++)
        free_workload(&r->workloads[i]);
    pb_resolved_drop_shard(r);
    for (size_t i = 0; r->profilers && i < r->nprofilers; i++) {
        struct pb_resolved_profiler *p = &r->profilers[i];
        free(p->name);
        free(p->package);
        free(p->format);
        free(p->reader);
        free(p->configdir);
        free(p->description);
        pb_strv_release(&p->command);
        pb_strv_release(&p->env);
        pb_strv_release(&p->outputs);
        pb_strv_release(&p->python_versions);
        free(p->output_min);
    }
    for (size_t i = 0; r->pairs && i < r->npairs; i++) {
        free(r->pairs[i].workload);
        free(r->pairs[i].profiler);
    }
    for (size_t i = 0; r->pythons && i < r->npythons; i++) {
        free(r->pythons[i].label);
        free(r->pythons[i].python);
    }
    free(r->pythons);
    free(r->workloads);
    free(r->profilers);
    free(r->pairs);
    free(r->config_path);
    free(r->reference);
    free(r->name);
    free(r->python);
    free(r->baseline);
    pb_strv_release(&r->select_profilers);
    pb_strv_release(&r->select_workloads);
    memset(r, 0, sizeof *r);
}

const struct pb_resolved_pair *pb_resolved_pair(const struct pb_resolved *r, const char *w,
                                                const char *p)
{
    for (size_t i = 0; i < r->npairs; i++)
        if (!strcmp(r->pairs[i].workload, w) && !strcmp(r->pairs[i].profiler, p))
            return &r->pairs[i];
    return NULL;
}

const struct pb_resolved_workload *pb_resolved_workload(const struct pb_resolved *r,
                                                        const char *name)
{
    for (size_t i = 0; i < r->nworkloads; i++)
        if (!strcmp(r->workloads[i].name, name))
            return &r->workloads[i];
    return NULL;
}

const struct pb_resolved_workload *pb_resolved_workload_on(const struct pb_resolved *r,
                                                           const char *given,
                                                           const char *python)
{
    for (size_t i = 0; i < r->nworkloads; i++) {
        const struct pb_resolved_workload *w = &r->workloads[i];
        if (!python && !w->python && !strcmp(w->name, given))
            return w;
        if (python && w->python && !strcmp(w->python, python)
            && !strcmp(w->given ? w->given : w->name, given))
            return w;
    }
    return NULL;
}

const struct pb_resolved_profiler *pb_resolved_profiler(const struct pb_resolved *r,
                                                        const char *name)
{
    for (size_t i = 0; i < r->nprofilers; i++)
        if (!strcmp(r->profilers[i].name, name))
            return &r->profilers[i];
    return NULL;
}

/* ---- shards ---------------------------------------------------------------- */

int pb_resolved_set_shard(struct pb_resolved *r, const struct pb_config *cfg,
                          const char *matrix_hash, struct pb_error *err)
{
    int n = cfg->shard_count;

    pb_resolved_drop_shard(r);
    if (n < 1)
        return 0;
    if (!(r->shard.split = calloc((size_t)n, sizeof *r->shard.split)))
        return pb_error_set(err, "out of memory");
    r->shard.count = n;
    r->shard.index = cfg->shard_index;
    for (size_t i = 0; i < cfg->nworkloads; i++) {
        const struct pb_workload *w = &cfg->workloads[i];
        if (w->selected && w->shard >= 1 && w->shard <= n
            && pb_strv_push(&r->shard.split[w->shard - 1], w->name) < 0)
            return pb_error_set(err, "out of memory");
    }
    snprintf(r->shard.hash, sizeof r->shard.hash, "%s", r->hash);
    snprintf(r->hash, sizeof r->hash, "%s", matrix_hash);
    return 0;
}

int pb_resolved_shard_of(const struct pb_resolved *r, const char *workload)
{
    for (int k = 0; k < r->shard.count; k++)
        for (size_t i = 0; i < r->shard.split[k].n; i++)
            if (!strcmp(r->shard.split[k].v[i], workload))
                return k + 1;
    return 0;
}

void pb_resolved_keep_shard(struct pb_resolved *r)
{
    size_t nw = 0, np = 0;

    if (r->shard.count < 1)
        return;
    for (size_t i = 0; i < r->nworkloads; i++) {
        if (pb_resolved_shard_of(r, r->workloads[i].name) == r->shard.index)
            r->workloads[nw++] = r->workloads[i];
        else
            free_workload(&r->workloads[i]);
    }
    r->nworkloads = nw;
    for (size_t i = 0; i < r->npairs; i++) {
        if (pb_resolved_shard_of(r, r->pairs[i].workload) == r->shard.index) {
            r->pairs[np++] = r->pairs[i];
        } else {
            free(r->pairs[i].workload);
            free(r->pairs[i].profiler);
        }
    }
    r->npairs = np;
}

int pb_resolved_adopt(struct pb_resolved *dst, struct pb_resolved *src, const char *workload,
                      struct pb_error *err)
{
    struct pb_resolved_workload *a = NULL, *b = NULL, t;

    for (size_t i = 0; i < dst->nworkloads; i++)
        if (!strcmp(dst->workloads[i].name, workload))
            a = &dst->workloads[i];
    for (size_t i = 0; i < src->nworkloads; i++)
        if (!strcmp(src->workloads[i].name, workload))
            b = &src->workloads[i];
    if (!a || !b)
        return pb_error_set(err, "workload '%s' is not in both", workload);
    t = *a;
    *a = *b;
    *b = t;
    for (size_t i = 0; i < dst->npairs; i++) {
        struct pb_resolved_pair *p = &dst->pairs[i], *q = NULL, tp;
        if (strcmp(p->workload, workload))
            continue;
        for (size_t k = 0; k < src->npairs && !q; k++)
            if (!strcmp(src->pairs[k].workload, workload) && !strcmp(src->pairs[k].profiler, p->profiler))
                q = &src->pairs[k];
        if (!q)
            return pb_error_set(err, "pair '%s' x '%s' is not in both", workload, p->profiler);
        tp = *p;
        *p = *q;
        *q = tp;
    }
    return 0;
}
