/* meta.json. See meta.h. */
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/jread.h"
#include "store/meta.h"
#include "util/jsonfile.h"
#include "util/path.h"

#define FILE_NAME "meta.json"

static const char *const formats[] = { "pbench-meta/1", PB_META_FORMAT, NULL };

void pb_meta_init(struct pb_meta *m)
{
    memset(m, 0, sizeof *m);
    m->elapsed_s = m->harness_cpu_s = m->mem_total_kb = NAN;
    m->pin_cpu = -1;
    for (int i = 0; i < 3; i++)
        m->loadavg_start[i] = m->loadavg_end[i] = NAN;
}

static void free_profilers(struct pb_meta_profiler *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(p[i].name);
        free(p[i].version);
    }
    free(p);
}

static void free_reasons(struct pb_meta_reason *r, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(r[i].name);
        free(r[i].why);
    }
    free(r);
}

int pb_meta_add_reason(struct pb_meta_reason **list, size_t *n, const char *name, const char *why)
{
    struct pb_meta_reason *nl = realloc(*list, (*n + 1) * sizeof *nl);

    if (!nl)
        return -1;
    *list = nl;
    nl[*n].name = strdup(name);
    nl[*n].why = strdup(why ? why : "unavailable");
    if (!nl[*n].name || !nl[*n].why) {
        free(nl[*n].name);
        free(nl[*n].why);
        return -1;
    }
    (*n)++;
    return 0;
}

const char *pb_meta_reason_of(const struct pb_meta_reason *list, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (!strcmp(list[i].name, name))
            return list[i].why;
    return NULL;
}

void pb_meta_drop_pythons(struct pb_meta *m)
{
    for (size_t i = 0; i < m->npythons; i++) {
        struct pb_meta_python *p = &m->pythons[i];
        char *s[] = { p->label, p->path, p->executable, p->version, p->implementation, p->prefix, p->why };
        for (size_t k = 0; k < sizeof s / sizeof s[0]; k++)
            free(s[k]);
        free_profilers(p->profilers, p->nprofilers);
        free_reasons(p->unavailable, p->nunavailable);
    }
    free(m->pythons);
    m->pythons = NULL;
    m->npythons = 0;
}

static void free_shards(struct pb_meta_shard *sh, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        char *s[] = { sh[i].dir, sh[i].hostname, sh[i].cpu_model, sh[i].kernel, sh[i].python_version,
                      sh[i].python_implementation, sh[i].started, sh[i].finished };
        for (size_t k = 0; k < sizeof s / sizeof s[0]; k++)
            free(s[k]);
        pb_strv_release(&sh[i].pythons);
        pb_strv_release(&sh[i].workloads);
    }
    free(sh);
}

struct pb_meta_shard *pb_meta_add_shard(struct pb_meta *m, int index)
{
    struct pb_meta_shard *ns = realloc(m->shards, (m->nshards + 1) * sizeof *ns);

    if (!ns)
        return NULL;
    m->shards = ns;
    ns = &ns[m->nshards++];
    memset(ns, 0, sizeof *ns);
    ns->index = index;
    return ns;
}

void pb_meta_release(struct pb_meta *m)
{
    char **strings[] = {
        &m->pbench_version, &m->config, &m->config_name, &m->config_hash, &m->started,
        &m->finished, &m->hostname, &m->cpu_model, &m->kernel, &m->cpu_governor, &m->turbo,
        &m->aslr, &m->python_path, &m->python_executable, &m->python_version,
        &m->python_implementation, &m->python_prefix,
    };
    for (size_t i = 0; i < sizeof strings / sizeof strings[0]; i++)
        free(*strings[i]);
    free_profilers(m->profilers, m->nprofilers);
    free_reasons(m->unavailable, m->nunavailable);
    pb_meta_drop_pythons(m);
    free_shards(m->shards, m->nshards);
    pb_meta_init(m);
}

int pb_meta_set(char **field, const char *value)
{
    char *copy = NULL;

    if (value && !(copy = strdup(value)))
        return -1;
    free(*field);
    *field = copy;
    return 0;
}

/* Adds or replaces name's version in the list *list of *n. */
static int set_version(struct pb_meta_profiler **list, size_t *n, const char *name, const char *version)
{
    for (size_t i = 0; i < *n; i++)
        if (!strcmp((*list)[i].name, name))
            return pb_meta_set(&(*list)[i].version, version);
    struct pb_meta_profiler *np = realloc(*list, (*n + 1) * sizeof *np);
    if (!np)
        return -1;
    *list = np;
    np = &np[*n];
    np->name = strdup(name);
    np->version = version ? strdup(version) : NULL;
    if (!np->name || (version && !np->version)) {
        free(np->name);
        free(np->version);
        return -1;
    }
    (*n)++;
    return 0;
}

int pb_meta_set_profiler(struct pb_meta *m, const char *name, const char *version)
{
    return set_version(&m->profilers, &m->nprofilers, name, version);
}

int pb_meta_python_set_profiler(struct pb_meta_python *py, const char *name, const char *version)
{
    return set_version(&py->profilers, &py->nprofilers, name, version);
}

struct pb_meta_python *pb_meta_add_python(struct pb_meta *m)
{
    struct pb_meta_python *np = realloc(m->pythons, (m->npythons + 1) * sizeof *np);

    if (!np)
        return NULL;
    m->pythons = np;
    np = &np[m->npythons++];
    memset(np, 0, sizeof *np);
    np->available = 1;
    return np;
}

int pb_meta_not_installed(const char *version)
{
    size_t n = version ? strlen(version) : 0, k = strlen(PB_META_NOT_INSTALLED);

    return n > k && !strcmp(version + n - k, PB_META_NOT_INSTALLED);
}

const char *pb_meta_profiler_version(const struct pb_meta *m, const char *name)
{
    for (size_t i = 0; i < m->nprofilers; i++)
        if (!strcmp(m->profilers[i].name, name))
            return m->profilers[i].version;
    return NULL;
}

/* ---- writing -------------------------------------------------------------- */

static void put_str(json_t *o, const char *key, const char *v)
{
    if (v)
        json_object_set_new(o, key, pb_jwrite_str(v));
}

static void put_num(json_t *o, const char *key, double v)
{
    if (!isnan(v))
        json_object_set_new(o, key, json_real(v));
}

static void put_triple(json_t *o, const char *key, const double v[3])
{
    if (!isnan(v[0]))
        json_object_set_new(o, key, json_pack("[f,f,f]", v[0], v[1], v[2]));
}

static json_t *host_json(const struct pb_meta *m)
{
    json_t *h = json_object(), *noise = json_object();

    put_str(h, "hostname", m->hostname);
    put_str(h, "cpu_model", m->cpu_model);
    if (m->cores > 0)
        json_object_set_new(h, "cores", json_integer(m->cores));
    put_str(h, "kernel", m->kernel);
    if (!isnan(m->mem_total_kb))
        json_object_set_new(h, "mem_total_kb", json_integer((json_int_t)m->mem_total_kb));
    put_triple(h, "loadavg_start", m->loadavg_start);
    put_str(noise, "cpu_governor", m->cpu_governor);
    put_str(noise, "turbo", m->turbo);
    put_str(noise, "aslr", m->aslr);
    json_object_set_new(h, "noise", noise);
    put_triple(h, "loadavg_end", m->loadavg_end);
    return h;
}

static json_t *versions_json(const struct pb_meta_profiler *p, size_t n)
{
    json_t *o = json_object();

    for (size_t i = 0; i < n; i++)
        json_object_set_new(o, p[i].name, p[i].version
                            ? json_pack("{s:o}", "version", pb_jwrite_str(p[i].version)) : json_object());
    return o;
}

static json_t *reasons_json(const struct pb_meta_reason *r, size_t n)
{
    json_t *o = json_object();

    for (size_t i = 0; i < n; i++)
        json_object_set_new(o, r[i].name, pb_jwrite_str(r[i].why));
    return o;
}

static json_t *pythons_json(const struct pb_meta *m)
{
    json_t *a = json_array();

    for (size_t i = 0; i < m->npythons; i++) {
        const struct pb_meta_python *p = &m->pythons[i];
        json_t *o = json_object();
        put_str(o, "label", p->label);
        put_str(o, "path", p->path);
        put_str(o, "executable", p->executable);
        put_str(o, "version", p->version);
        put_str(o, "implementation", p->implementation);
        put_str(o, "prefix", p->prefix);
        json_object_set_new(o, "available", json_boolean(p->available));
        put_str(o, "why", p->why);
        json_object_set_new(o, "profilers", versions_json(p->profilers, p->nprofilers));
        if (p->nunavailable)
            json_object_set_new(o, "unavailable", reasons_json(p->unavailable, p->nunavailable));
        json_array_append_new(a, o);
    }
    return a;
}

static json_t *shards_json(const struct pb_meta *m)
{
    json_t *a = json_array();

    for (size_t i = 0; i < m->nshards; i++) {
        const struct pb_meta_shard *sh = &m->shards[i];
        json_t *o = json_object();
        json_object_set_new(o, "index", json_integer(sh->index));
        json_object_set_new(o, "merged", json_boolean(sh->merged));
        put_str(o, "dir", sh->dir);
        if (sh->merged)
            json_object_set_new(o, "complete", json_boolean(sh->complete));
        put_str(o, "hostname", sh->hostname);
        put_str(o, "cpu_model", sh->cpu_model);
        put_str(o, "kernel", sh->kernel);
        put_str(o, "python_version", sh->python_version);
        put_str(o, "python_implementation", sh->python_implementation);
        if (sh->pythons.n)
            json_object_set_new(o, "pythons", pb_jwrite_strv(sh->pythons.v, sh->pythons.n));
        put_str(o, "started", sh->started);
        put_str(o, "finished", sh->finished);
        json_object_set_new(o, "workloads", pb_jwrite_strv(sh->workloads.v, sh->workloads.n));
        json_array_append_new(a, o);
    }
    return a;
}

json_t *pb_meta_to_json(const struct pb_meta *m)
{
    json_t *o = json_object(), *py = json_object(), *profs = json_object();

    json_object_set_new(o, "format", pb_jwrite_str(PB_META_FORMAT));
    put_str(o, "pbench_version", m->pbench_version);
    put_str(o, "config", m->config);
    put_str(o, "config_name", m->config_name);
    put_str(o, "config_hash", m->config_hash);
    put_str(o, "started", m->started);
    if (m->has_seed)    /* above 2^63-1: negative, read back as written */
        json_object_set_new(o, "seed", json_integer((json_int_t)m->seed));
    json_object_set_new(o, "host", host_json(m));
    put_str(py, "path", m->python_path);
    put_str(py, "executable", m->python_executable);
    put_str(py, "version", m->python_version);
    put_str(py, "implementation", m->python_implementation);
    put_str(py, "prefix", m->python_prefix);
    json_object_set_new(o, "python", py);
    for (size_t i = 0; i < m->nprofilers; i++)
        json_object_set_new(profs, m->profilers[i].name,
                            m->profilers[i].version
                            ? json_pack("{s:s}", "version", m->profilers[i].version) : json_object());
    json_object_set_new(o, "profilers", profs);
    if (m->nunavailable)
        json_object_set_new(o, "unavailable", reasons_json(m->unavailable, m->nunavailable));
    if (m->npythons)
        json_object_set_new(o, "pythons", pythons_json(m));
    if (m->pin_cpu >= 0)
        json_object_set_new(o, "pin_cpu", json_integer(m->pin_cpu));
    if (m->shard_count > 0)
        json_object_set_new(o, "shard", json_pack("{s:i,s:i}", "index", m->shard_index,
                                                   "count", m->shard_count));
    if (m->nshards)
        json_object_set_new(o, "shards", shards_json(m));
    put_str(o, "finished", m->finished);
    put_num(o, "elapsed_s", m->elapsed_s);
    if (m->has_complete)
        json_object_set_new(o, "complete", json_boolean(m->complete));
    put_num(o, "harness_cpu_s", m->harness_cpu_s);
    return o;
}

int pb_meta_save(const char *dir, const struct pb_meta *m, struct pb_error *err)
{
    return pb_json_write_new(dir, FILE_NAME, pb_meta_to_json(m), err);
}

/* ---- reading -------------------------------------------------------------- */

static int get_triple(json_t *obj, const char *key, double out[3], const struct pb_jloc *at,
                      struct pb_error *err)
{
    json_t *v = json_object_get(obj, key);

    out[0] = out[1] = out[2] = NAN;
    if (!v || json_is_null(v))
        return 0;
    if (!json_is_array(v) || json_array_size(v) != 3)
        return pb_error_at(err, at->file, 0, 0, "%s%s%s: expected a list of three numbers",
                           at->path, at->path[0] ? "." : "", key);
    for (size_t i = 0; i < 3; i++) {
        json_t *x = json_array_get(v, i);
        if (!json_is_number(x))
            return pb_error_at(err, at->file, 0, 0, "%s%s%s: expected a list of three numbers",
                               at->path, at->path[0] ? "." : "", key);
        out[i] = json_number_value(x);
    }
    return 0;
}

static int read_host(json_t *o, struct pb_meta *m, const struct pb_jloc *top, struct pb_error *err)
{
    json_t *host, *noise;
    double cores;
    struct pb_jloc at = pb_jloc_in(top, "host", 0), nat = pb_jloc_in(&at, "noise", 0);

    if (pb_jread_obj(o, "host", 0, &host, top, err) < 0
        || pb_jread_str(host, "hostname", 0, &m->hostname, &at, err) < 0
        || pb_jread_str(host, "cpu_model", 0, &m->cpu_model, &at, err) < 0
        || pb_jread_str(host, "kernel", 0, &m->kernel, &at, err) < 0
        || pb_jread_num(host, "cores", 0, &cores, &at, err) < 0
        || pb_jread_num(host, "mem_total_kb", 0, &m->mem_total_kb, &at, err) < 0
        || get_triple(host, "loadavg_start", m->loadavg_start, &at, err) < 0
        || get_triple(host, "loadavg_end", m->loadavg_end, &at, err) < 0
        || pb_jread_obj(host, "noise", 0, &noise, &at, err) < 0
        || pb_jread_str(noise, "cpu_governor", 0, &m->cpu_governor, &nat, err) < 0
        || pb_jread_str(noise, "turbo", 0, &m->turbo, &nat, err) < 0
        || pb_jread_str(noise, "aslr", 0, &m->aslr, &nat, err) < 0)
        return -1;
    m->cores = cores >= 1 && cores <= 1 << 20 ? (int)cores : 0;
    return 0;
}

static int read_python(json_t *o, struct pb_meta *m, const struct pb_jloc *top,
                       struct pb_error *err)
{
    json_t *py, *profs, *v;
    const char *name;
    struct pb_jloc at = pb_jloc_in(top, "python", 0), pat = pb_jloc_in(top, "profilers", 0);

    if (pb_jread_obj(o, "python", 0, &py, top, err) < 0
        || pb_jread_str(py, "path", 0, &m->python_path, &at, err) < 0
        || pb_jread_str(py, "executable", 0, &m->python_executable, &at, err) < 0
        || pb_jread_str(py, "version", 0, &m->python_version, &at, err) < 0
        || pb_jread_str(py, "implementation", 0, &m->python_implementation, &at, err) < 0
        || pb_jread_str(py, "prefix", 0, &m->python_prefix, &at, err) < 0
        || pb_jread_obj(o, "profilers", 0, &profs, top, err) < 0)
        return -1;
    json_object_foreach(profs, name, v) {
        char *version = NULL;
        struct pb_jloc in = pb_jloc_in(&pat, name, 0);
        if (!json_is_object(v))
            return pb_error_at(err, at.file, 0, 0, "%s: expected an object", in.path);
        if (pb_jread_str(v, "version", 0, &version, &in, err) < 0)
            return -1;
        int rc = pb_meta_set_profiler(m, name, version);
        free(version);
        if (rc < 0)
            return pb_error_set(err, "out of memory");
    }
    return 0;
}

/* A {name: {"version": V}} map into an interpreter entry. */
static int read_versions(json_t *profs, struct pb_meta_python *py, const struct pb_jloc *pat,
                         struct pb_error *err)
{
    const char *name;
    json_t *v;

    json_object_foreach(profs, name, v) {
        char *version = NULL;
        struct pb_jloc in = pb_jloc_in(pat, name, 0);
        if (!json_is_object(v))
            return pb_error_at(err, pat->file, 0, 0, "%s: expected an object", in.path);
        if (pb_jread_str(v, "version", 0, &version, &in, err) < 0)
            return -1;
        int rc = pb_meta_python_set_profiler(py, name, version);
        free(version);
        if (rc < 0)
            return pb_error_set(err, "out of memory");
    }
    return 0;
}

/* An {name: why} map at key of o into *list. */
static int read_reasons(json_t *o, struct pb_meta_reason **list, size_t *n, const struct pb_jloc *at,
                        struct pb_error *err)
{
    json_t *map, *v;
    const char *name;
    struct pb_jloc in = pb_jloc_in(at, "unavailable", 0);

    if (pb_jread_obj(o, "unavailable", 0, &map, at, err) < 0)
        return -1;
    json_object_foreach(map, name, v) {
        if (!json_is_string(v))
            return pb_error_at(err, at->file, 0, 0, "%s.%s: expected a string", in.path, name);
        if (pb_meta_add_reason(list, n, name, json_string_value(v)) < 0)
            return pb_error_set(err, "out of memory");
    }
    return 0;
}

static int read_pythons(json_t *o, struct pb_meta *m, const struct pb_jloc *top,
                        struct pb_error *err)
{
    json_t *a, *v;
    size_t i;
    struct pb_jloc list = pb_jloc_in(top, "pythons", 0);

    if (pb_jread_arr(o, "pythons", 0, &a, top, err) < 0)
        return -1;
    json_array_foreach(a, i, v) {
        struct pb_jloc at = pb_jloc_in(&list, NULL, i), pat = pb_jloc_in(&at, "profilers", 0);
        struct pb_meta_python *py = pb_meta_add_python(m);
        json_t *profs;
        if (!py)
            return pb_error_set(err, "out of memory");
        if (!json_is_object(v))
            return pb_error_at(err, at.file, 0, 0, "%s: expected an object", at.path);
        if (pb_jread_str(v, "label", 1, &py->label, &at, err) < 0
            || pb_jread_str(v, "path", 0, &py->path, &at, err) < 0
            || pb_jread_str(v, "executable", 0, &py->executable, &at, err) < 0
            || pb_jread_str(v, "version", 0, &py->version, &at, err) < 0
            || pb_jread_str(v, "implementation", 0, &py->implementation, &at, err) < 0
            || pb_jread_str(v, "prefix", 0, &py->prefix, &at, err) < 0
            || pb_jread_bool(v, "available", &py->available, &at, err) < 0
            || pb_jread_str(v, "why", 0, &py->why, &at, err) < 0
            || pb_jread_obj(v, "profilers", 0, &profs, &at, err) < 0
            || read_versions(profs, py, &pat, err) < 0
            || read_reasons(v, &py->unavailable, &py->nunavailable, &at, err) < 0)
            return -1;
    }
    return 0;
}

static int read_shard(json_t *o, struct pb_meta *m, const struct pb_jloc *top,
                      struct pb_error *err)
{
    json_t *sh;
    long long index, count;
    struct pb_jloc at = pb_jloc_in(top, "shard", 0);

    if (pb_jread_obj(o, "shard", 0, &sh, top, err) < 0)
        return -1;
    if (!sh)
        return 0;
    if (pb_jread_int(sh, "index", 1, 1, 1 << 20, &index, &at, err) < 0
        || pb_jread_int(sh, "count", 1, 1, 1 << 20, &count, &at, err) < 0)
        return -1;
    if (index > count)
        return pb_error_at(err, at.file, 0, 0, "%s.index: shard %lld of %lld", at.path, index, count);
    m->shard_index = (int)index;
    m->shard_count = (int)count;
    return 0;
}

static int read_shards(json_t *o, struct pb_meta *m, const struct pb_jloc *top,
                       struct pb_error *err)
{
    json_t *a, *v;
    size_t i;
    struct pb_jloc list = pb_jloc_in(top, "shards", 0);

    if (pb_jread_arr(o, "shards", 0, &a, top, err) < 0)
        return -1;
    json_array_foreach(a, i, v) {
        struct pb_jloc at = pb_jloc_in(&list, NULL, i);
        long long index;
        struct pb_meta_shard *sh;
        if (!json_is_object(v))
            return pb_error_at(err, at.file, 0, 0, "%s: expected an object", at.path);
        if (pb_jread_int(v, "index", 1, 1, 1 << 20, &index, &at, err) < 0)
            return -1;
        if (!(sh = pb_meta_add_shard(m, (int)index)))
            return pb_error_set(err, "out of memory");
        if (pb_jread_bool(v, "merged", &sh->merged, &at, err) < 0
            || pb_jread_bool(v, "complete", &sh->complete, &at, err) < 0
            || pb_jread_str(v, "dir", 0, &sh->dir, &at, err) < 0
            || pb_jread_str(v, "hostname", 0, &sh->hostname, &at, err) < 0
            || pb_jread_str(v, "cpu_model", 0, &sh->cpu_model, &at, err) < 0
            || pb_jread_str(v, "kernel", 0, &sh->kernel, &at, err) < 0
            || pb_jread_str(v, "python_version", 0, &sh->python_version, &at, err) < 0
            || pb_jread_str(v, "python_implementation", 0, &sh->python_implementation, &at, err) < 0
            || pb_jread_strv(v, "pythons", &sh->pythons, &at, err) < 0
            || pb_jread_str(v, "started", 0, &sh->started, &at, err) < 0
            || pb_jread_str(v, "finished", 0, &sh->finished, &at, err) < 0
            || pb_jread_strv(v, "workloads", &sh->workloads, &at, err) < 0)
            return -1;
    }
    return 0;
}

int pb_meta_from_json(json_t *o, const char *file, const char *prefix, struct pb_meta *m,
                      struct pb_error *err)
{
    struct pb_jloc at = { file, "" };
    long long seed, pin;
    size_t fmt;
    json_t *seedv = json_object_get(o, "seed"), *pinv = json_object_get(o, "pin_cpu");

    pb_meta_init(m);
    snprintf(at.path, sizeof at.path, "%s", prefix);
    if (!json_is_object(o))
        return pb_error_at(err, file, 0, 0, "%s%sexpected an object", prefix, prefix[0] ? ": " : "");
    if (pb_jread_format(o, formats, &fmt, &at, err) < 0
        || pb_jread_str(o, "pbench_version", 0, &m->pbench_version, &at, err) < 0
        || pb_jread_str(o, "config", 0, &m->config, &at, err) < 0
        || pb_jread_str(o, "config_name", 0, &m->config_name, &at, err) < 0
        || pb_jread_str(o, "config_hash", 0, &m->config_hash, &at, err) < 0
        || pb_jread_str(o, "started", 0, &m->started, &at, err) < 0
        || pb_jread_str(o, "finished", 0, &m->finished, &at, err) < 0
        || pb_jread_num(o, "elapsed_s", 0, &m->elapsed_s, &at, err) < 0
        || pb_jread_int(o, "seed", 0, LLONG_MIN, LLONG_MAX, &seed, &at, err) < 0
        || pb_jread_bool(o, "complete", &m->complete, &at, err) < 0
        || pb_jread_int(o, "pin_cpu", 0, -1, 1 << 20, &pin, &at, err) < 0
        || pb_jread_num(o, "harness_cpu_s", 0, &m->harness_cpu_s, &at, err) < 0
        || read_host(o, m, &at, err) < 0 || read_python(o, m, &at, err) < 0
        || read_reasons(o, &m->unavailable, &m->nunavailable, &at, err) < 0
        || read_pythons(o, m, &at, err) < 0 || read_shard(o, m, &at, err) < 0
        || read_shards(o, m, &at, err) < 0) {
        pb_meta_release(m);
        return -1;
    }
    m->has_seed = seedv && !json_is_null(seedv);
    m->seed = (unsigned long long)seed;
    m->has_complete = json_is_boolean(json_object_get(o, "complete"));
    m->pin_cpu = pinv && !json_is_null(pinv) ? (int)pin : -1;     /* 0 is CPU 0 */
    return 0;
}

int pb_meta_load(const char *dir, struct pb_meta *m, struct pb_error *err)
{
    char *path = pb_path_join(dir, FILE_NAME);
    json_t *root;
    int rc = -1;

    pb_meta_init(m);
    if (!path)
        return pb_error_set(err, "out of memory");
    root = pb_jread_file(path, err);
    if (root)
        rc = pb_meta_from_json(root, path, "", m, err);
    json_decref(root);
    free(path);
    return rc;
}
