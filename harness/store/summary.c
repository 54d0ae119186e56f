#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <jansson.h>

#include "store/summary.h"
#include "util/path.h"

/* Where in which file a value sits, for messages like
 * "DIR/summary.json: pairs[3].wall_ratio: expected an object or null". */
struct loc {
    const char *file;
    char path[128];
};

static int type_error(struct pb_error *err, const struct loc *at, const char *key,
                      const char *expected)
{
    pb_error_at(err, at->file, 0, 0, "%s%s%s: expected %s", at->path,
                at->path[0] ? "." : "", key, expected);
    return -1;
}

static int missing(struct pb_error *err, const struct loc *at, const char *key)
{
    if (at->path[0])
        pb_error_at(err, at->file, 0, 0, "%s: missing key '%s'", at->path, key);
    else
        pb_error_at(err, at->file, 0, 0, "missing key '%s'", key);
    return -1;
}

/* A string member: NULL when absent or null; an error when required and
 * absent, or when of another type. */
static int get_str(json_t *obj, const char *key, int required, const char **out,
                   const struct loc *at, struct pb_error *err)
{
    json_t *v = obj ? json_object_get(obj, key) : NULL;

    *out = NULL;
    if (!v || json_is_null(v))
        return required ? missing(err, at, key) : 0;
    if (!json_is_string(v))
        return type_error(err, at, key, "a string");
    *out = json_string_value(v);
    return 0;
}

/* A number member: NAN when absent or null. */
static int get_num(json_t *obj, const char *key, int required, double *out,
                   const struct loc *at, struct pb_error *err)
{
    json_t *v = obj ? json_object_get(obj, key) : NULL;

    *out = NAN;
    if (!v || json_is_null(v))
        return required ? missing(err, at, key) : 0;
    if (!json_is_number(v))
        return type_error(err, at, key, "a number");
    *out = json_number_value(v);
    return 0;
}

static int get_int(json_t *obj, const char *key, int *out, const struct loc *at,
                   struct pb_error *err)
{
    double d;

    if (get_num(obj, key, 0, &d, at, err) < 0)
        return -1;
    *out = isnan(d) ? 0 : (int)d;
    return 0;
}

static int get_bool(json_t *obj, const char *key, int *out, const struct loc *at,
                    struct pb_error *err)
{
    json_t *v = obj ? json_object_get(obj, key) : NULL;

    *out = 0;
    if (!v || json_is_null(v))
        return 0;
    if (!json_is_boolean(v))
        return type_error(err, at, key, "true or false");
    *out = json_is_true(v);
    return 0;
}

/* A list of strings, as many as fit in out[cap]: none when absent or
 * null. */
static int get_strings(json_t *obj, const char *key, const char **out, size_t cap, size_t *n,
                       const struct loc *at, struct pb_error *err)
{
    json_t *v = obj ? json_object_get(obj, key) : NULL, *x;
    size_t i;

    *n = 0;
    if (!v || json_is_null(v))
        return 0;
    if (!json_is_array(v))
        return type_error(err, at, key, "a list of strings");
    json_array_foreach(v, i, x) {
        if (!json_is_string(x))
            return type_error(err, at, key, "a list of strings");
        if (*n < cap)
            out[(*n)++] = json_string_value(x);
    }
    return 0;
}

/* {"value": v, "lo": l, "hi": h} or null. */
static int get_ratio(json_t *obj, const char *key, struct pb_ratio *r,
                     const struct loc *at, struct pb_error *err)
{
    json_t *v = obj ? json_object_get(obj, key) : NULL;
    struct loc in = { at->file, "" };

    r->value = r->lo = r->hi = NAN;
    if (!v || json_is_null(v))
        return 0;
    if (!json_is_object(v))
        return type_error(err, at, key, "an object {\"value\", \"lo\", \"hi\"} or null");
    snprintf(in.path, sizeof in.path, "%s%s%s", at->path, at->path[0] ? "." : "", key);
    if (get_num(v, "value", 1, &r->value, &in, err) < 0
        || get_num(v, "lo", 0, &r->lo, &in, err) < 0
        || get_num(v, "hi", 0, &r->hi, &in, err) < 0)
        return -1;
    if (!(r->value > 0) || !isfinite(r->value))
        return pb_error_at(err, at->file, 0, 0, "%s.value: ratio must be positive, not %g",
                           in.path, r->value);
    if (isnan(r->lo))
        r->lo = r->value;
    if (isnan(r->hi))
        r->hi = r->value;
    return 0;
}

int pb_ratio_known(const struct pb_ratio *r)
{
    return !isnan(r->value);
}

static const char *const status_names[] = {
    [PB_PAIR_OK] = "ok", [PB_PAIR_PARTIAL] = "partial", [PB_PAIR_FAILED] = "failed",
    [PB_PAIR_TIMEOUT] = "timeout", [PB_PAIR_NOT_RUN] = "not_run",
};

const char *pb_pair_status_name(enum pb_pair_status st)
{
    if ((size_t)st < sizeof status_names / sizeof status_names[0])
        return status_names[st];
    return "?";
}

/* Parses a whole JSON file into *out. A syntax error carries jansson's
 * line and column; a missing file says so. */
static int load_json(const char *path, json_t **out, struct pb_error *err)
{
    json_error_t jerr;
    struct stat st;

    *out = NULL;
    if (stat(path, &st) < 0) {
        int e = errno;
        pb_error_at(err, path, 0, 0, "cannot read");
        return pb_error_errno(err, e);
    }
    if (S_ISDIR(st.st_mode))
        return pb_error_at(err, path, 0, 0, "is a directory, expected a JSON file");
    *out = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr);
    if (!*out) {
        /* jansson reports line -1 for I/O errors, 0-based columns are not
         * a concern: its columns are 1-based, its end-of-file column 0. */
        if (jerr.line > 0)
            return pb_error_at(err, path, jerr.line, jerr.column > 0 ? jerr.column : 1,
                               "invalid JSON: %s", jerr.text);
        return pb_error_at(err, path, 0, 0, "invalid JSON: %s", jerr.text);
    }
    if (!json_is_object(*out)) {
        json_decref(*out);
        *out = NULL;
        return pb_error_at(err, path, 0, 0, "expected a JSON object at the top level");
    }
    return 0;
}

static int parse_status(const char *s, enum pb_pair_status *st)
{
    for (size_t i = 0; i < sizeof status_names / sizeof status_names[0]; i++) {
        if (strcmp(s, status_names[i]) == 0) {
            *st = (enum pb_pair_status)i;
            return 0;
        }
    }
    return -1;
}

static int parse_pair(json_t *o, struct pb_pair *p, const struct loc *at,
                      struct pb_error *err)
{
    const char *status;
    double d;

    if (!json_is_object(o))
        return pb_error_at(err, at->file, 0, 0, "%s: expected an object", at->path);
    if (get_str(o, "workload", 1, &p->workload, at, err) < 0
        || get_str(o, "profiler", 1, &p->profiler, at, err) < 0
        || get_str(o, "status", 1, &status, at, err) < 0)
        return -1;
    if (parse_status(status, &p->status) < 0)
        return pb_error_at(err, at->file, 0, 0,
                           "%s.status: unknown status '%s' (expected ok, partial, failed, "
                           "timeout or not_run)", at->path, status);
    if (get_int(o, "runs", &p->runs, at, err) < 0
        || get_int(o, "failures", &p->failures, at, err) < 0
        || get_int(o, "timeouts", &p->timeouts, at, err) < 0
        || get_str(o, "failure_reason", 0, &p->failure_reason, at, err) < 0
        || get_num(o, "wall_median_s", 0, &p->wall_median_s, at, err) < 0
        || get_num(o, "cpu_median_s", 0, &p->cpu_median_s, at, err) < 0
        || get_num(o, "tree_peak_rss_median_kb", 0, &p->tree_peak_rss_median_kb, at, err) < 0
        || get_ratio(o, "wall_ratio", &p->wall, at, err) < 0
        || get_ratio(o, "cpu_ratio", &p->cpu, at, err) < 0
        || get_ratio(o, "mem_ratio", &p->mem, at, err) < 0
        || get_num(o, "timeout_s", 0, &d, at, err) < 0
        || get_bool(o, "lower_bound", &p->lower_bound, at, err) < 0
        || get_num(o, "precision", 0, &p->precision, at, err) < 0
        || get_str(o, "adaptive", 0, &p->adaptive, at, err) < 0
        || get_strings(o, "warnings", p->warnings, PB_SUMMARY_MAX_WARNINGS, &p->nwarnings, at,
                       err) < 0)
        return -1;
    p->timeout_s = d;
    return 0;
}

static int parse_profiler(json_t *o, struct pb_profiler_summary *p, const struct loc *at,
                          struct pb_error *err)
{
    if (!json_is_object(o))
        return pb_error_at(err, at->file, 0, 0, "%s: expected an object", at->path);
    if (get_str(o, "name", 1, &p->name, at, err) < 0
        || get_int(o, "workloads_ok", &p->workloads_ok, at, err) < 0
        || get_int(o, "workloads_failed", &p->workloads_failed, at, err) < 0
        || get_ratio(o, "wall_geomean", &p->wall, at, err) < 0
        || get_ratio(o, "cpu_geomean", &p->cpu, at, err) < 0
        || get_ratio(o, "mem_geomean", &p->mem, at, err) < 0
        || get_bool(o, "wall_geomean_lower_bound", &p->wall_lower_bound, at, err) < 0)
        return -1;
    return 0;
}

static int get_triple(json_t *obj, const char *key, double out[3], const struct loc *at,
                      struct pb_error *err)
{
    json_t *v = json_object_get(obj, key);

    out[0] = out[1] = out[2] = NAN;
    if (!v || json_is_null(v))
        return 0;
    if (!json_is_array(v))
        return type_error(err, at, key, "a list of three numbers");
    for (size_t i = 0; i < 3 && i < json_array_size(v); i++) {
        json_t *x = json_array_get(v, i);
        if (!json_is_number(x))
            return type_error(err, at, key, "a list of three numbers");
        out[i] = json_number_value(x);
    }
    return 0;
}

static int parse_meta(json_t *m, struct pb_meta *meta, const char *file,
                      const char *prefix, struct pb_error *err)
{
    struct loc at = { file, "" };
    json_t *host, *py;
    double d;

    snprintf(at.path, sizeof at.path, "%s", prefix);
    if (get_str(m, "pbench_version", 0, &meta->pbench_version, &at, err) < 0
        || get_str(m, "config", 0, &meta->config, &at, err) < 0
        || get_str(m, "config_name", 0, &meta->config_name, &at, err) < 0
        || get_str(m, "config_sha256", 0, &meta->config_sha256, &at, err) < 0
        || get_str(m, "started", 0, &meta->started, &at, err) < 0
        || get_str(m, "finished", 0, &meta->finished, &at, err) < 0
        || get_num(m, "elapsed_s", 0, &meta->elapsed_s, &at, err) < 0
        || get_num(m, "seed", 0, &d, &at, err) < 0)
        return -1;
    meta->has_seed = !isnan(d);
    meta->seed = meta->has_seed ? (long long)d : 0;
    if (json_is_integer(json_object_get(m, "seed")))
        meta->seed = json_integer_value(json_object_get(m, "seed"));

    host = json_object_get(m, "host");
    if (host && !json_is_null(host) && !json_is_object(host))
        return type_error(err, &at, "host", "an object");
    snprintf(at.path, sizeof at.path, "%s%shost", prefix, prefix[0] ? "." : "");
    if (get_str(host, "hostname", 0, &meta->hostname, &at, err) < 0
        || get_str(host, "cpu_model", 0, &meta->cpu_model, &at, err) < 0
        || get_str(host, "kernel", 0, &meta->kernel, &at, err) < 0
        || get_int(host, "cores", &meta->cores, &at, err) < 0
        || get_num(host, "mem_total_kb", 0, &meta->mem_total_kb, &at, err) < 0)
        return -1;
    meta->loadavg_start[0] = meta->loadavg_start[1] = meta->loadavg_start[2] = NAN;
    meta->loadavg_end[0] = meta->loadavg_end[1] = meta->loadavg_end[2] = NAN;
    if (host && json_is_object(host)
        && (get_triple(host, "loadavg_start", meta->loadavg_start, &at, err) < 0
            || get_triple(host, "loadavg_end", meta->loadavg_end, &at, err) < 0))
        return -1;

    snprintf(at.path, sizeof at.path, "%s", prefix);
    py = json_object_get(m, "python");
    if (py && !json_is_null(py) && !json_is_object(py))
        return type_error(err, &at, "python", "an object");
    snprintf(at.path, sizeof at.path, "%s%spython", prefix, prefix[0] ? "." : "");
    if (get_str(py, "path", 0, &meta->python_path, &at, err) < 0
        || get_str(py, "version", 0, &meta->python_version, &at, err) < 0
        || get_str(py, "implementation", 0, &meta->python_implementation, &at, err) < 0)
        return -1;
    return 0;
}

/* The version of profiler `name` from meta's "profilers" map, or NULL. */
static const char *profiler_version(json_t *meta, const char *name)
{
    json_t *p = json_object_get(json_object_get(meta, "profilers"), name);
    json_t *v = json_object_get(p, "version");

    return json_is_string(v) ? json_string_value(v) : NULL;
}

static int is_dir(const char *path, struct pb_error *err)
{
    struct stat st;

    if (stat(path, &st) < 0) {
        int e = errno;
        if (e == ENOENT)
            return pb_error_at(err, path, 0, 0, "no such results directory");
        pb_error_at(err, path, 0, 0, "cannot open results directory");
        return pb_error_errno(err, e);
    }
    if (!S_ISDIR(st.st_mode))
        return pb_error_at(err, path, 0, 0,
                           "not a directory (expected a results directory written by 'pbench run')");
    return 0;
}

struct pb_summary *pb_summary_load(const char *dir, struct pb_error *err)
{
    struct pb_summary *s = NULL;
    char *spath = NULL, *mpath = NULL, *rpath = NULL;
    json_t *meta, *pairs, *profs;
    const char *meta_file;
    struct loc at = { NULL, "" };
    struct stat st;
    int ok = 0;

    if (is_dir(dir, err) < 0)
        return NULL;
    spath = pb_path_join(dir, "summary.json");
    mpath = pb_path_join(dir, "meta.json");
    rpath = pb_path_join(dir, "runs.jsonl");
    s = calloc(1, sizeof *s);
    if (!spath || !mpath || !rpath || !s || !(s->dir = strdup(dir))) {
        pb_error_set(err, "out of memory");
        goto cleanup;
    }
    if (stat(spath, &st) < 0 && errno == ENOENT) {
        if (stat(rpath, &st) == 0)
            pb_error_at(err, dir, 0, 0, "no summary.json: the run did not finish "
                        "('pbench summarize' computes it from runs.jsonl)");
        else
            pb_error_at(err, dir, 0, 0, "no summary.json or runs.jsonl: "
                        "not a results directory written by 'pbench run'");
        goto cleanup;
    }
    if (load_json(spath, &s->summary_json, err) < 0)
        goto cleanup;

    /* meta.json is updated at the end of a run, so it wins over the copy
     * in summary.json; the copy serves when meta.json is gone. */
    if (stat(mpath, &st) == 0) {
        if (load_json(mpath, &s->meta_json, err) < 0)
            goto cleanup;
        meta = s->meta_json;
        meta_file = mpath;
    } else {
        meta = json_object_get(s->summary_json, "meta");
        meta_file = spath;
        if (!json_is_object(meta)) {
            pb_error_at(err, dir, 0, 0, "no meta.json, and summary.json has no \"meta\" object");
            goto cleanup;
        }
    }
    if (parse_meta(meta, &s->meta, meta_file, meta == s->meta_json ? "" : "meta", err) < 0)
        goto cleanup;

    at.file = spath;
    if (get_str(s->summary_json, "baseline", 1, &s->baseline, &at, err) < 0
        || get_num(s->summary_json, "confidence", 0, &s->confidence, &at, err) < 0)
        goto cleanup;
    if (get_strings(s->summary_json, "warnings", s->warnings, PB_SUMMARY_MAX_WARNINGS,
                    &s->nwarnings, &at, err) < 0)
        goto cleanup;
    s->target_precision = NAN;
    json_t *adaptive = json_object_get(s->summary_json, "adaptive");
    if (json_is_object(adaptive)) {
        struct loc aat = { spath, "adaptive" };
        if (get_num(adaptive, "precision", 0, &s->target_precision, &aat, err) < 0
            || get_int(adaptive, "max_runs", &s->max_runs, &aat, err) < 0)
            goto cleanup;
    }
    pairs = json_object_get(s->summary_json, "pairs");
    profs = json_object_get(s->summary_json, "profilers");
    if (!pairs) {
        missing(err, &at, "pairs");
        goto cleanup;
    }
    if (!json_is_array(pairs)) {
        type_error(err, &at, "pairs", "a list");
        goto cleanup;
    }
    if (!profs) {
        missing(err, &at, "profilers");
        goto cleanup;
    }
    if (!json_is_array(profs)) {
        type_error(err, &at, "profilers", "a list");
        goto cleanup;
    }
    s->npairs = json_array_size(pairs);
    s->nprofilers = json_array_size(profs);
    s->pairs = calloc(s->npairs + 1, sizeof *s->pairs);
    s->profilers = calloc(s->nprofilers + 1, sizeof *s->profilers);
    if (!s->pairs || !s->profilers) {
        pb_error_set(err, "out of memory");
        goto cleanup;
    }
    for (size_t i = 0; i < s->npairs; i++) {
        snprintf(at.path, sizeof at.path, "pairs[%zu]", i);
        if (parse_pair(json_array_get(pairs, i), &s->pairs[i], &at, err) < 0)
            goto cleanup;
    }
    for (size_t i = 0; i < s->nprofilers; i++) {
        snprintf(at.path, sizeof at.path, "profilers[%zu]", i);
        if (parse_profiler(json_array_get(profs, i), &s->profilers[i], &at, err) < 0)
            goto cleanup;
        s->profilers[i].version = profiler_version(meta, s->profilers[i].name);
    }
    ok = 1;

cleanup:
    free(spath);
    free(mpath);
    free(rpath);
    if (!ok) {
        pb_summary_free(s);
        return NULL;
    }
    return s;
}

void pb_summary_free(struct pb_summary *s)
{
    if (!s)
        return;
    if (s->summary_json)
        json_decref(s->summary_json);
    if (s->meta_json)
        json_decref(s->meta_json);
    free(s->pairs);
    free(s->profilers);
    free(s->dir);
    free(s);
}

const struct pb_pair *pb_summary_pair(const struct pb_summary *s,
                                      const char *workload, const char *profiler)
{
    for (size_t i = 0; i < s->npairs; i++)
        if (strcmp(s->pairs[i].workload, workload) == 0
            && strcmp(s->pairs[i].profiler, profiler) == 0)
            return &s->pairs[i];
    return NULL;
}

/* ---- merging several runs ---- */

/* 1 when run a is later than run b: by start time (ISO 8601 strings in
 * UTC compare as text), then by position on the command line. */
static int later(const struct pb_summary_set *set, size_t a, size_t b)
{
    const char *sa = set->runs[a]->meta.started, *sb = set->runs[b]->meta.started;
    int c = strcmp(sa ? sa : "", sb ? sb : "");

    return c != 0 ? c > 0 : a > b;
}

static int cmp_merged(const void *pa, const void *pb)
{
    const struct pb_merged_profiler *a = pa, *b = pb;
    double va = a->sum->wall.value, vb = b->sum->wall.value;

    if (isnan(va) != isnan(vb))
        return isnan(va) ? 1 : -1;
    if (!isnan(va) && va != vb)
        return va < vb ? -1 : 1;
    return strcmp(a->name, b->name);
}

static int add_workload(struct pb_summary_set *set, const char *w)
{
    const char **nw;

    for (size_t i = 0; i < set->nworkloads; i++)
        if (strcmp(set->workloads[i], w) == 0)
            return 0;
    nw = realloc(set->workloads, (set->nworkloads + 1) * sizeof *nw);
    if (!nw)
        return -1;
    set->workloads = nw;
    set->workloads[set->nworkloads++] = w;
    return 0;
}

static struct pb_merged_profiler *find_merged(struct pb_summary_set *set, const char *name)
{
    for (size_t i = 0; i < set->nprofilers; i++)
        if (strcmp(set->profilers[i].name, name) == 0)
            return &set->profilers[i];
    return NULL;
}

static int add_other(struct pb_merged_profiler *m, size_t run)
{
    size_t *n = realloc(m->other_runs, (m->nother_runs + 1) * sizeof *n);

    if (!n)
        return -1;
    m->other_runs = n;
    m->other_runs[m->nother_runs++] = run;
    return 0;
}

static int merge(struct pb_summary_set *set)
{
    size_t cap = 0;

    for (size_t r = 0; r < set->nruns; r++) {
        const struct pb_summary *s = set->runs[r];
        for (size_t i = 0; i < s->npairs; i++)
            if (add_workload(set, s->pairs[i].workload) < 0)
                return -1;
        for (size_t i = 0; i < s->nprofilers; i++)
            cap++;
    }
    set->profilers = calloc(cap + 1, sizeof *set->profilers);
    if (!set->profilers)
        return -1;

    for (size_t r = 0; r < set->nruns; r++) {
        const struct pb_summary *s = set->runs[r];
        for (size_t i = 0; i < s->nprofilers; i++) {
            const struct pb_profiler_summary *ps = &s->profilers[i];
            struct pb_merged_profiler *m;

            if (strcmp(ps->name, s->baseline) == 0)
                continue;       /* each run's own baseline is the 1.0 line */
            m = find_merged(set, ps->name);
            if (!m) {
                m = &set->profilers[set->nprofilers++];
                m->name = ps->name;
                m->run = r;
                m->sum = ps;
            } else if (later(set, r, m->run)) {
                if (add_other(m, m->run) < 0)
                    return -1;
                m->run = r;
                m->sum = ps;
                m->name = ps->name;
            } else if (add_other(m, r) < 0) {
                return -1;
            }
        }
    }

    for (size_t i = 0; i < set->nprofilers; i++) {
        struct pb_merged_profiler *m = &set->profilers[i];
        const struct pb_summary *s = set->runs[m->run];

        m->pairs = calloc(set->nworkloads + 1, sizeof *m->pairs);
        if (!m->pairs)
            return -1;
        for (size_t w = 0; w < set->nworkloads; w++) {
            const struct pb_pair *p = pb_summary_pair(s, set->workloads[w], m->name);
            m->pairs[w] = p;
            if (!p)
                continue;
            m->pairs_failed += p->status == PB_PAIR_FAILED;
            m->pairs_timeout += p->status == PB_PAIR_TIMEOUT;
            m->pairs_partial += p->status == PB_PAIR_PARTIAL;
            m->pairs_not_run += p->status == PB_PAIR_NOT_RUN;
            /* the writer puts a timed-out pair in the wall mean exactly
             * when it has a lower bound (a baseline time to divide by) */
            m->pairs_at_bound += p->status == PB_PAIR_TIMEOUT && m->sum->wall_lower_bound
                                 && p->lower_bound && pb_ratio_known(&p->wall);
        }
    }
    qsort(set->profilers, set->nprofilers, sizeof *set->profilers, cmp_merged);
    return 0;
}

struct pb_summary_set *pb_summary_set_load(const char *const *dirs, size_t ndirs,
                                           struct pb_error *err)
{
    struct pb_summary_set *set;

    if (ndirs == 0) {
        pb_error_set(err, "no results directory given");
        return NULL;
    }
    set = calloc(1, sizeof *set);
    if (!set || !(set->runs = calloc(ndirs, sizeof *set->runs))) {
        free(set);
        pb_error_set(err, "out of memory");
        return NULL;
    }
    for (size_t i = 0; i < ndirs; i++) {
        set->runs[i] = pb_summary_load(dirs[i], err);
        if (!set->runs[i]) {
            pb_summary_set_free(set);
            return NULL;
        }
        set->nruns++;
    }
    if (merge(set) < 0) {
        pb_summary_set_free(set);
        pb_error_set(err, "out of memory");
        return NULL;
    }
    return set;
}

void pb_summary_set_free(struct pb_summary_set *set)
{
    if (!set)
        return;
    for (size_t i = 0; i < set->nprofilers; i++) {
        free(set->profilers[i].pairs);
        free(set->profilers[i].other_runs);
    }
    free(set->profilers);
    free(set->workloads);
    for (size_t i = 0; i < set->nruns; i++)
        pb_summary_free(set->runs[i]);
    free(set->runs);
    free(set);
}
