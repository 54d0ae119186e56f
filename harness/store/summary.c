/* summary.json read back into a struct pb_summary. See summary.h. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "store/jread.h"
#include "store/summary.h"
#include "util/path.h"

static const char *const formats[] = { "pbench-summary/1", PB_SUMMARY_FORMAT, NULL };

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

int pb_ratio_known(const struct pb_ratio *r)
{
    return !isnan(r->value);
}

const struct pb_ratio *pb_profiler_mean(const struct pb_profiler_summary *p, enum pb_mean m)
{
    return m == PB_MEAN_WALL ? &p->wall : m == PB_MEAN_CPU ? &p->cpu : &p->mem;
}

static int flagged(const struct pb_profiler_summary *p, enum pb_mean m)
{
    return m == PB_MEAN_WALL ? p->wall_lower_bound : m == PB_MEAN_CPU ? p->cpu_lower_bound
         : p->mem_lower_bound;
}

int pb_profiler_mean_bound(const struct pb_profiler_summary *p, enum pb_mean m)
{
    return flagged(p, m) && pb_ratio_known(pb_profiler_mean(p, m));
}

int pb_profiler_mean_workloads(const struct pb_profiler_summary *p, enum pb_mean m)
{
    return p->workloads_ok + (flagged(p, m) ? p->workloads_at_bound : 0);
}

int pb_profiler_means_agree(const struct pb_profiler_summary *p)
{
    int n = pb_profiler_mean_workloads(p, PB_MEAN_WALL);

    return pb_profiler_mean_workloads(p, PB_MEAN_CPU) == n
        && pb_profiler_mean_workloads(p, PB_MEAN_MEM) == n;
}

struct pb_summary *pb_summary_new(const char *dir)
{
    struct pb_summary *s = calloc(1, sizeof *s);

    if (!s)
        return NULL;
    pb_meta_init(&s->meta);
    s->confidence = s->target_precision = s->runs_wall_s = NAN;
    if (!(s->dir = strdup(dir))) {
        free(s);
        return NULL;
    }
    return s;
}

const char *pb_summary_intern(struct pb_summary *s, const char *str)
{
    if (!str || pb_strv_push(&s->pool, str) < 0)
        return NULL;
    return s->pool.v[s->pool.n - 1];
}

void pb_summary_free(struct pb_summary *s)
{
    if (!s)
        return;
    pb_meta_release(&s->meta);
    pb_strv_release(&s->pool);
    for (size_t i = 0; s->profilers && i < s->nprofilers; i++)
        free(s->profilers[i].skipped);
    free(s->pairs);
    free(s->profilers);
    free(s->scaling);
    free(s->dir);
    free(s);
}

static int same(const char *a, const char *b)
{
    return a == b || (a && b && !strcmp(a, b));
}

const struct pb_pair *pb_summary_pair_on(const struct pb_summary *s, const char *workload,
                                         const char *profiler, const char *python)
{
    for (size_t i = 0; i < s->npairs; i++)
        if (!strcmp(s->pairs[i].workload, workload) && !strcmp(s->pairs[i].profiler, profiler)
            && same(s->pairs[i].python, python))
            return &s->pairs[i];
    return NULL;
}

const struct pb_pair *pb_summary_pair(const struct pb_summary *s,
                                      const char *workload, const char *profiler)
{
    for (size_t i = 0; i < s->npairs; i++)
        if (!strcmp(s->pairs[i].workload, workload) && !strcmp(s->pairs[i].profiler, profiler))
            return &s->pairs[i];
    return NULL;
}

const struct pb_profiler_summary *pb_summary_profiler(const struct pb_summary *s, const char *name,
                                                      const char *python)
{
    for (size_t i = 0; i < s->nprofilers; i++)
        if (!strcmp(s->profilers[i].name, name) && same(s->profilers[i].python, python))
            return &s->profilers[i];
    return NULL;
}

const struct pb_skipped *pb_summary_skipped(const struct pb_profiler_summary *ps,
                                            const char *workload)
{
    for (size_t i = 0; i < ps->nskipped; i++)
        if (!strcmp(ps->skipped[i].workload, workload))
            return &ps->skipped[i];
    return NULL;
}

int pb_summary_add_skipped(struct pb_summary *s, struct pb_profiler_summary *ps,
                           const char *workload, const char *reason)
{
    struct pb_skipped one = { pb_summary_intern(s, workload), pb_summary_intern(s, reason) };
    struct pb_skipped *n;

    if (!one.workload || (reason && !one.reason))
        return -1;
    n = realloc(ps->skipped, (ps->nskipped + 1) * sizeof *n);
    if (!n)
        return -1;
    ps->skipped = n;
    ps->skipped[ps->nskipped++] = one;
    return 0;
}

const char *pb_summary_version(const struct pb_summary *s, const char *name, const char *python)
{
    for (size_t i = 0; python && i < s->meta.npythons; i++)
        if (s->meta.pythons[i].label && !strcmp(s->meta.pythons[i].label, python))
            for (size_t k = 0; k < s->meta.pythons[i].nprofilers; k++)
                if (!strcmp(s->meta.pythons[i].profilers[k].name, name))
                    return s->meta.pythons[i].profilers[k].version;
    return pb_meta_profiler_version(&s->meta, name);
}

/* "name", or with an interpreter "name (python)", in s's pool. */
const char *pb_summary_label(struct pb_summary *s, const char *name, const char *python)
{
    char buf[512];

    if (!python)
        return name;
    snprintf(buf, sizeof buf, "%s (%s)", name, python);
    return pb_summary_intern(s, buf);
}

/* ---- typed reading into the pool ---------------------------------------- */

/* What every reader below needs: the summary (its pool) and the error. */
struct rd {
    struct pb_summary *s;
    struct pb_error *err;
};

static int str(struct rd *r, json_t *o, const char *key, int required, const char **out,
               const struct pb_jloc *at)
{
    char *v;

    *out = NULL;
    if (pb_jread_str(o, key, required, &v, at, r->err) < 0)
        return -1;
    if (v && !(*out = pb_summary_intern(r->s, v))) {
        free(v);
        return pb_error_set(r->err, "out of memory");
    }
    free(v);
    return 0;
}

static int num(struct rd *r, json_t *o, const char *key, double *out, const struct pb_jloc *at)
{
    return pb_jread_num(o, key, 0, out, at, r->err);
}

static int count(struct rd *r, json_t *o, const char *key, int *out, const struct pb_jloc *at)
{
    double d;

    if (pb_jread_num(o, key, 0, &d, at, r->err) < 0)
        return -1;
    *out = isnan(d) || d < 0 || d > 1e9 ? 0 : (int)d;
    return 0;
}

/* A list of at most cap strings (more are dropped), interned. */
static int strings(struct rd *r, json_t *o, const char *key, const char **out, size_t cap,
                   size_t *n, const struct pb_jloc *at)
{
    struct pb_strv v;

    *n = 0;
    if (pb_jread_strv(o, key, &v, at, r->err) < 0)
        return -1;
    for (size_t i = 0; i < v.n && *n < cap; i++)
        if (!(out[(*n)++] = pb_summary_intern(r->s, v.v[i]))) {
            pb_strv_release(&v);
            return pb_error_set(r->err, "out of memory");
        }
    pb_strv_release(&v);
    return 0;
}

/* {"value": v, "lo": l, "hi": h} or null; when positive, value must be
 * a positive ratio. */
static int ratio(struct rd *r, json_t *o, const char *key, int positive, struct pb_ratio *out,
                 const struct pb_jloc *at)
{
    json_t *v;
    struct pb_jloc in = pb_jloc_in(at, key, 0);

    out->value = out->lo = out->hi = NAN;
    if (pb_jread_obj(o, key, 0, &v, at, r->err) < 0)
        return -1;
    if (!v)
        return 0;
    if (pb_jread_num(v, "value", 1, &out->value, &in, r->err) < 0
        || pb_jread_num(v, "lo", 0, &out->lo, &in, r->err) < 0
        || pb_jread_num(v, "hi", 0, &out->hi, &in, r->err) < 0)
        return -1;
    if (!isfinite(out->value) || (positive && !(out->value > 0)))
        return pb_error_at(r->err, at->file, 0, 0, "%s.value: ratio must be positive, not %g",
                           in.path, out->value);
    if (isnan(out->lo))
        out->lo = out->value;
    if (isnan(out->hi))
        out->hi = out->value;
    /* finite, ordered, and positive for a ratio: charts take logarithms of
     * both ends (a stored file may hold anything). The value need not lie
     * inside: it is a ratio of medians, the interval one of means. */
    if (!isfinite(out->lo) || !isfinite(out->hi) || out->lo > out->hi
        || (positive && !(out->lo > 0)))
        return pb_error_at(r->err, at->file, 0, 0, "%s: [%g, %g] is not a%s interval", in.path,
                           out->lo, out->hi, positive ? " positive, finite" : " finite");
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

static int parse_pair(struct rd *r, json_t *o, struct pb_pair *p, const struct pb_jloc *at)
{
    const char *status;

    if (!json_is_object(o))
        return pb_error_at(r->err, at->file, 0, 0, "%s: expected an object", at->path);
    if (str(r, o, "workload", 1, &p->workload, at) < 0 || str(r, o, "profiler", 1, &p->profiler, at) < 0
        || str(r, o, "python", 0, &p->python, at) < 0 || str(r, o, "status", 1, &status, at) < 0)
        return -1;
    if (parse_status(status, &p->status) < 0)
        return pb_error_at(r->err, at->file, 0, 0,
                           "%s.status: unknown status '%s' (expected ok, partial, failed, "
                           "timeout or not_run)", at->path, status);
    if (count(r, o, "runs", &p->runs, at) < 0 || count(r, o, "failures", &p->failures, at) < 0
        || count(r, o, "timeouts", &p->timeouts, at) < 0 || count(r, o, "planned", &p->planned, at) < 0
        || count(r, o, "skipped", &p->skipped, at) < 0
        || str(r, o, "failure_reason", 0, &p->failure_reason, at) < 0
        || num(r, o, "wall_median_s", &p->wall_median_s, at) < 0
        || num(r, o, "cpu_median_s", &p->cpu_median_s, at) < 0
        || num(r, o, "tree_peak_rss_median_kb", &p->tree_peak_rss_median_kb, at) < 0
        || ratio(r, o, "wall_ratio", 1, &p->wall, at) < 0 || ratio(r, o, "cpu_ratio", 1, &p->cpu, at) < 0
        || ratio(r, o, "mem_ratio", 1, &p->mem, at) < 0 || num(r, o, "timeout_s", &p->timeout_s, at) < 0
        || pb_jread_bool(o, "lower_bound", &p->lower_bound, at, r->err) < 0
        || num(r, o, "precision", &p->precision, at) < 0
        || str(r, o, "adaptive", 0, &p->adaptive, at) < 0
        || strings(r, o, "warnings", p->warnings, PB_SUMMARY_MAX_WARNINGS, &p->nwarnings, at) < 0)
        return -1;
    return 0;
}

/* A summary without "workloads_in_means" (older than the CPU and memory
 * bounds): the timed-out pairs its wall mean took in at their bound, as
 * its writer did, exactly those with a wall bound. */
static int older_at_bound(const struct pb_summary *s, const struct pb_profiler_summary *p)
{
    int n = 0;

    for (size_t i = 0; p->wall_lower_bound && i < s->npairs; i++) {
        const struct pb_pair *q = &s->pairs[i];
        n += !strcmp(q->profiler, p->name) && same(q->python, p->python)
             && q->status == PB_PAIR_TIMEOUT && q->lower_bound && pb_ratio_known(&q->wall);
    }
    return n;
}

/* "skipped": [{"workload": w, "reason": why}, ...] of a profiler. */
static int parse_skipped(struct rd *r, json_t *o, struct pb_profiler_summary *p,
                         const struct pb_jloc *at)
{
    json_t *a;
    struct pb_jloc base = pb_jloc_in(at, "skipped", 0);

    if (pb_jread_arr(o, "skipped", 0, &a, at, r->err) < 0)
        return -1;
    for (size_t i = 0; i < json_array_size(a); i++) {
        json_t *k = json_array_get(a, i);
        struct pb_jloc in = pb_jloc_in(&base, NULL, i);
        const char *w, *why;
        if (!json_is_object(k))
            return pb_error_at(r->err, at->file, 0, 0, "%s: expected an object", in.path);
        if (str(r, k, "workload", 1, &w, &in) < 0 || str(r, k, "reason", 0, &why, &in) < 0)
            return -1;
        if (pb_summary_add_skipped(r->s, p, w, why) < 0)
            return pb_error_set(r->err, "out of memory");
    }
    return 0;
}

static int parse_profiler(struct rd *r, json_t *o, struct pb_profiler_summary *p,
                          const struct pb_jloc *at)
{
    double in_means;

    if (!json_is_object(o))
        return pb_error_at(r->err, at->file, 0, 0, "%s: expected an object", at->path);
    if (str(r, o, "name", 1, &p->name, at) < 0 || str(r, o, "python", 0, &p->python, at) < 0
        || count(r, o, "workloads_ok", &p->workloads_ok, at) < 0
        || count(r, o, "workloads_failed", &p->workloads_failed, at) < 0
        || num(r, o, "workloads_in_means", &in_means, at) < 0
        || ratio(r, o, "wall_geomean", 1, &p->wall, at) < 0 || ratio(r, o, "cpu_geomean", 1, &p->cpu, at) < 0
        || ratio(r, o, "mem_geomean", 1, &p->mem, at) < 0
        || pb_jread_bool(o, "wall_geomean_lower_bound", &p->wall_lower_bound, at, r->err) < 0
        || pb_jread_bool(o, "cpu_geomean_lower_bound", &p->cpu_lower_bound, at, r->err) < 0
        || pb_jread_bool(o, "mem_geomean_lower_bound", &p->mem_lower_bound, at, r->err) < 0
        || parse_skipped(r, o, p, at) < 0) {
        free(p->skipped);       /* list() counts only the profilers read whole */
        p->skipped = NULL;
        return -1;
    }
    if (isnan(in_means))
        p->workloads_at_bound = older_at_bound(r->s, p);
    else if (in_means < p->workloads_ok || in_means > p->workloads_ok + p->workloads_failed) {
        free(p->skipped);
        p->skipped = NULL;
        return pb_error_at(r->err, at->file, 0, 0, "%s.workloads_in_means: %g is not between "
                           "workloads_ok (%d) and workloads_ok + workloads_failed (%d)", at->path,
                           in_means, p->workloads_ok, p->workloads_ok + p->workloads_failed);
    } else
        p->workloads_at_bound = (int)in_means - p->workloads_ok;
    p->version = pb_summary_version(r->s, p->name, p->python);
    if (!(p->label = pb_summary_label(r->s, p->name, p->python)))
        return pb_error_set(r->err, "out of memory");
    return 0;
}

static int parse_scaling(struct rd *r, json_t *o, struct pb_scaling *sc, const struct pb_jloc *at)
{
    json_t *sizes;

    if (!json_is_object(o))
        return pb_error_at(r->err, at->file, 0, 0, "%s: expected an object", at->path);
    if (str(r, o, "workload", 1, &sc->workload, at) < 0 || str(r, o, "profiler", 1, &sc->profiler, at) < 0
        || str(r, o, "python", 0, &sc->python, at) < 0
        || ratio(r, o, "startup_s", 0, &sc->startup_s, at) < 0 || ratio(r, o, "steady_ratio", 0, &sc->steady, at) < 0
        || num(r, o, "r2", &sc->r2, at) < 0 || num(r, o, "r2_baseline", &sc->r2_baseline, at) < 0
        || num(r, o, "baseline_startup_s", &sc->baseline_startup_s, at) < 0
        || num(r, o, "baseline_slope_s", &sc->baseline_slope_s, at) < 0
        || pb_jread_arr(o, "sizes", 0, &sizes, at, r->err) < 0)
        return -1;
    for (size_t i = 0; i < json_array_size(sizes) && sc->nsizes < 16; i++)
        if (json_is_number(json_array_get(sizes, i)))
            sc->sizes[sc->nsizes++] = json_number_value(json_array_get(sizes, i));
    return 0;
}

/* Reads the list at key into *items (n of size), each through one. */
static int list(struct rd *r, json_t *root, const char *key, int required, void **items, size_t *n,
                size_t size, int (*one)(struct rd *, json_t *, void *, const struct pb_jloc *),
                const struct pb_jloc *at)
{
    json_t *a;
    struct pb_jloc base = pb_jloc_in(at, key, 0);

    *n = 0;
    if (pb_jread_arr(root, key, required, &a, at, r->err) < 0)
        return -1;
    *items = calloc(json_array_size(a) + 1, size);
    if (!*items)
        return pb_error_set(r->err, "out of memory");
    for (size_t i = 0; i < json_array_size(a); i++) {
        struct pb_jloc in = pb_jloc_in(&base, NULL, i);
        if (one(r, json_array_get(a, i), (char *)*items + i * size, &in) < 0)
            return -1;
        (*n)++;
    }
    return 0;
}

static int one_pair(struct rd *r, json_t *o, void *p, const struct pb_jloc *at)
{
    return parse_pair(r, o, p, at);
}

static int one_profiler(struct rd *r, json_t *o, void *p, const struct pb_jloc *at)
{
    return parse_profiler(r, o, p, at);
}

static int one_scaling(struct rd *r, json_t *o, void *p, const struct pb_jloc *at)
{
    return parse_scaling(r, o, p, at);
}

static int parse_top(struct rd *r, json_t *root, const struct pb_jloc *at)
{
    struct pb_summary *s = r->s;
    json_t *adaptive;
    size_t fmt;

    if (pb_jread_format(root, formats, &fmt, at, r->err) < 0
        || str(r, root, "baseline", 1, &s->baseline, at) < 0
        || num(r, root, "confidence", &s->confidence, at) < 0
        || num(r, root, "runs_wall_s", &s->runs_wall_s, at) < 0
        || strings(r, root, "warnings", s->warnings, PB_SUMMARY_MAX_WARNINGS, &s->nwarnings, at) < 0
        || pb_jread_obj(root, "adaptive", 0, &adaptive, at, r->err) < 0)
        return -1;
    if (adaptive) {
        struct pb_jloc aat = pb_jloc_in(at, "adaptive", 0);
        s->has_adaptive = 1;
        if (num(r, adaptive, "precision", &s->target_precision, &aat) < 0
            || count(r, adaptive, "min_runs", &s->min_runs, &aat) < 0
            || count(r, adaptive, "max_runs", &s->max_runs, &aat) < 0
            || num(r, adaptive, "budget", &s->budget, &aat) < 0)
            return -1;
    }
    return list(r, root, "pairs", 1, (void **)&s->pairs, &s->npairs, sizeof *s->pairs, one_pair, at)
        || list(r, root, "profilers", 1, (void **)&s->profilers, &s->nprofilers,
                sizeof *s->profilers, one_profiler, at)
        || list(r, root, "scaling", 0, (void **)&s->scaling, &s->nscaling, sizeof *s->scaling,
                one_scaling, at) ? -1 : 0;
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

/* meta.json is updated at the end of a run, so it wins over the copy in
 * summary.json; the copy serves when meta.json is gone. */
static int load_meta(struct pb_summary *s, json_t *summary, const char *spath, const char *mpath,
                     struct pb_error *err)
{
    struct stat st;

    if (stat(mpath, &st) == 0) {
        json_t *m = pb_jread_file(mpath, err);
        int rc = m ? pb_meta_from_json(m, mpath, "", &s->meta, err) : -1;
        json_decref(m);
        return rc;
    }
    json_t *copy = json_object_get(summary, "meta");
    if (!json_is_object(copy))
        return pb_error_at(err, s->dir, 0, 0, "no meta.json, and summary.json has no \"meta\" object");
    return pb_meta_from_json(copy, spath, "meta", &s->meta, err);
}

struct pb_summary *pb_summary_load(const char *dir, struct pb_error *err)
{
    struct pb_summary *s = NULL;
    char *spath = NULL, *mpath = NULL, *rpath = NULL;
    json_t *root = NULL;
    struct stat st;
    int ok = 0;

    if (is_dir(dir, err) < 0)
        return NULL;
    spath = pb_path_join(dir, "summary.json");
    mpath = pb_path_join(dir, "meta.json");
    rpath = pb_path_join(dir, "runs.jsonl");
    s = pb_summary_new(dir);
    if (!spath || !mpath || !rpath || !s) {
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
    struct pb_jloc at = { spath, "" };
    struct rd r = { s, err };
    if (!(root = pb_jread_file(spath, err)) || load_meta(s, root, spath, mpath, err) < 0
        || parse_top(&r, root, &at) < 0)
        goto cleanup;
    ok = 1;
cleanup:
    json_decref(root);
    free(spath);
    free(mpath);
    free(rpath);
    if (!ok) {
        pb_summary_free(s);
        return NULL;
    }
    return s;
}
