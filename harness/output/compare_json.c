/* Comparisons as JSON. See compare_json.h. */
#include <math.h>
#include <stdlib.h>

#include "output/compare_json.h"
#include "util/jsonfile.h"
#include "util/path.h"

/* What the builders share: 1 once an allocation failed. */
struct jb {
    int oom;
};

static void set(struct jb *b, json_t *o, const char *key, json_t *v)
{
    if (!o || !v || json_object_set_new(o, key, v) < 0)
        b->oom = 1;
}

static void append(struct jb *b, json_t *a, json_t *v)
{
    if (!a || !v || json_array_append_new(a, v) < 0)
        b->oom = 1;
}

static json_t *num(double v)
{
    return isfinite(v) ? json_real(v) : json_null();
}

static json_t *str(const char *s)
{
    return s ? json_string(s) : json_null();
}

/* {"value": v, "lo": l, "hi": h, "verdict": "faster"}; lo, hi null
 * without an interval. */
static json_t *ratio(struct jb *b, const struct pb_cmp_ratio *r)
{
    json_t *o = json_object();

    set(b, o, "value", num(r->value));
    set(b, o, "lo", num(r->has_ci ? r->lo : NAN));
    set(b, o, "hi", num(r->has_ci ? r->hi : NAN));
    set(b, o, "verdict", json_string(pb_compare_verdict_name(r->verdict)));
    return o;
}

static json_t *mean(struct jb *b, const struct pb_cmp_mean *m, int overall)
{
    json_t *o = json_object();

    if (!overall) {
        set(b, o, "profiler", str(m->profiler));
        set(b, o, "python", str(m->python));
        set(b, o, "base_version", str(m->base_version));
        set(b, o, "new_version", str(m->new_version));
    }
    set(b, o, "wall", ratio(b, &m->wall));
    set(b, o, "cpu", ratio(b, &m->cpu));
    set(b, o, "mem", ratio(b, &m->mem));
    set(b, o, "workloads", json_integer(m->nwall));
    set(b, o, "workloads_cpu", json_integer(m->ncpu));
    set(b, o, "workloads_mem", json_integer(m->nmem));
    set(b, o, "not_comparable", json_integer(m->nnot_comparable));
    set(b, o, "timed_out", json_integer(m->nbound));
    set(b, o, "failed", json_integer(m->nfailed));
    return o;
}

/* A side of a row: its status and own normalized wall time. */
static json_t *side(struct jb *b, const struct pb_pair *p)
{
    json_t *o = json_object();

    set(b, o, "status", json_string(pb_pair_status_name(p->status)));
    set(b, o, "wall_ratio", num(p->wall.value));
    set(b, o, "lower_bound", json_boolean(p->lower_bound));
    set(b, o, "runs", json_integer(p->runs));
    return o;
}

static json_t *row(struct jb *b, const struct pb_cmp_row *r)
{
    json_t *o = json_object();

    set(b, o, "workload", str(r->workload));
    set(b, o, "profiler", str(r->profiler));
    set(b, o, "python", str(r->python));
    set(b, o, "kind", json_string(pb_compare_kind_name(r->kind)));
    set(b, o, "base", side(b, r->base));
    set(b, o, "new", side(b, r->new));
    set(b, o, "wall", ratio(b, &r->wall));
    set(b, o, "cpu", ratio(b, &r->cpu));
    set(b, o, "mem", ratio(b, &r->mem));
    if (r->kind == PB_CMP_BOUND)
        set(b, o, "bound", json_string(r->bound_dir > 0 ? "at_least" : r->bound_dir < 0
                                       ? "at_most" : "unknown"));
    if (r->why)
        set(b, o, "why", json_string(r->why));
    return o;
}

static json_t *only(struct jb *b, const struct pb_cmp_only *o, size_t n)
{
    json_t *a = json_array();

    for (size_t i = 0; i < n; i++) {
        json_t *e = json_object();
        set(b, e, "workload", str(o[i].workload));
        set(b, e, "profiler", str(o[i].profiler));
        set(b, e, "python", str(o[i].python));
        append(b, a, e);
    }
    return a;
}

static json_t *one(struct jb *b, const struct pb_compare *c)
{
    json_t *o = json_object(), *w = json_array(), *m = json_array(), *r = json_array();

    set(b, o, "base", str(c->base->dir));
    set(b, o, "new", str(c->new->dir));
    set(b, o, "level", json_real(c->level));
    for (size_t i = 0; i < c->warnings.n; i++)
        append(b, w, json_string(c->warnings.v[i]));
    set(b, o, "warnings", w);
    for (size_t i = 0; i < c->nmeans; i++)
        append(b, m, mean(b, &c->means[i], 0));
    set(b, o, "profilers", m);
    set(b, o, "overall", mean(b, &c->overall, 1));
    for (size_t i = 0; i < c->nrows; i++)
        append(b, r, row(b, &c->rows[i]));
    set(b, o, "pairs", r);
    set(b, o, "only_in_base", only(b, c->only_base, c->nonly_base));
    set(b, o, "only_in_new", only(b, c->only_new, c->nonly_new));
    return o;
}

json_t *pb_compare_json(const struct pb_compare *const *c, size_t n)
{
    struct jb b = { 0 };
    json_t *root = json_object(), *list = json_array();

    set(&b, root, "format", json_string(PB_COMPARE_FORMAT));
    for (size_t i = 0; i < n; i++)
        append(&b, list, one(&b, c[i]));
    set(&b, root, "comparisons", list);
    if (b.oom) {
        json_decref(root);
        return NULL;
    }
    return root;
}

int pb_compare_json_write(const char *path, const struct pb_compare *const *c, size_t n,
                          struct pb_error *err)
{
    char buf[PB_ERROR_PATH_MAX];
    const char *name = pb_path_base(path, buf, sizeof buf);
    char *dir = pb_path_dir(path);
    int rc;

    if (!dir)
        return pb_error_set(err, "out of memory");
    rc = pb_json_write_new(dir, name, pb_compare_json(c, n), err);
    free(dir);
    return rc;
}
