/* One results directory against another. See compare.h. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/compare.h"
#include "analysis/stats.h"

/* The most workloads named in the one warning about plain times. */
#define DRIFT_SHOWN 5

static int same(const char *a, const char *b)
{
    return a == b || (a && b && !strcmp(a, b));
}

static double level_or_default(double level)
{
    return level > 0 && level < 1 ? level : PB_COMPARE_DEFAULT_LEVEL;
}

/* The normal quantile at (1 + level) / 2: 1.96 at 95%. */
static double z_of(double level)
{
    return pb_stats_t_quantile((1 + level_or_default(level)) / 2, 1e9);
}

static struct pb_cmp_ratio unknown_ratio(void)
{
    return (struct pb_cmp_ratio){ NAN, NAN, NAN, 0, NAN, NAN, PB_CMP_UNKNOWN };
}

static enum pb_cmp_verdict verdict_of(double lo, double hi)
{
    return lo > 1 ? PB_CMP_SLOWER : hi < 1 ? PB_CMP_FASTER : PB_CMP_SAME;
}

static int usable(const struct pb_ratio *r)
{
    return isfinite(r->value) && r->value > 0;
}

/* A stored interval good for a log: finite, positive, ordered. */
static int usable_ci(const struct pb_ratio *r)
{
    return isfinite(r->lo) && isfinite(r->hi) && r->lo > 0 && r->lo <= r->hi;
}

struct pb_cmp_ratio pb_compare_ratio(const struct pb_ratio *base, double base_level,
                                     const struct pb_ratio *new, double new_level,
                                     int with_ci, double level)
{
    struct pb_cmp_ratio r = unknown_ratio();
    double cb, cn, sb, sn, z;

    if (!usable(base) || !usable(new))
        return r;
    r.value = new->value / base->value;
    r.centre = log(r.value);
    if (!with_ci || !usable_ci(base) || !usable_ci(new))
        return r;
    /* each stored interval as a normal interval of its log ratio */
    cb = (log(base->lo) + log(base->hi)) / 2;
    sb = (log(base->hi) - log(base->lo)) / (2 * z_of(base_level));
    cn = (log(new->lo) + log(new->hi)) / 2;
    sn = (log(new->hi) - log(new->lo)) / (2 * z_of(new_level));
    z = z_of(level);
    r.centre = cn - cb;
    r.se = sqrt(sb * sb + sn * sn);
    r.lo = fmin(exp(r.centre - z * r.se), r.value);    /* take in the point */
    r.hi = fmax(exp(r.centre + z * r.se), r.value);
    r.has_ci = 1;
    r.verdict = verdict_of(r.lo, r.hi);
    return r;
}

struct pb_cmp_ratio pb_compare_geomean(const struct pb_cmp_ratio *const *r, size_t n, double level)
{
    struct pb_cmp_ratio m = unknown_ratio();
    double logs = 0, centres = 0, var = 0, z;
    int ci = 1;

    if (n == 0)
        return m;
    for (size_t i = 0; i < n; i++) {
        if (!(r[i]->value > 0) || !isfinite(r[i]->value))
            return m;
        logs += log(r[i]->value);
        ci &= r[i]->has_ci;
        if (r[i]->has_ci) {
            centres += r[i]->centre;
            var += r[i]->se * r[i]->se;
        }
    }
    m.value = exp(logs / (double)n);
    m.centre = logs / (double)n;
    if (!ci)
        return m;
    z = z_of(level);
    m.centre = centres / (double)n;
    m.se = sqrt(var) / (double)n;
    m.lo = fmin(exp(m.centre - z * m.se), m.value);
    m.hi = fmax(exp(m.centre + z * m.se), m.value);
    m.has_ci = 1;
    m.verdict = verdict_of(m.lo, m.hi);
    return m;
}

const char *pb_compare_verdict_name(enum pb_cmp_verdict v)
{
    switch (v) {
    case PB_CMP_SAME:
        return "not significant";
    case PB_CMP_FASTER:
        return "faster";
    case PB_CMP_SLOWER:
        return "slower";
    default:
        return "unknown";
    }
}

const char *pb_compare_kind_name(enum pb_cmp_kind k)
{
    switch (k) {
    case PB_CMP_COMPARED:
        return "compared";
    case PB_CMP_BOUND:
        return "bound";
    case PB_CMP_FAILED:
        return "failed";
    default:
        return "not comparable";
    }
}

/* ---- building ------------------------------------------------------------ */

/* What the building steps share. */
struct build {
    struct pb_compare *c;
    const struct pb_resolved *bres, *nres;
    int oom;
    int script_dirs_warned;
    char drift[1024];       /* the plain-time warning being built */
    int ndrift;
};

/* Drops a UTF-8 sequence that snprintf's truncation cut short at the end
 * of s: the text goes to JSON, which wants whole characters. */
static void cut_utf8(char *s)
{
    size_t n = strlen(s), i = n, need;
    unsigned char lead;

    while (i > 0 && ((unsigned char)s[i - 1] & 0xC0) == 0x80)
        i--;
    if (i == 0)
        return;
    lead = (unsigned char)s[i - 1];
    need = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
    if (n - (i - 1) < need)
        s[i - 1] = '\0';
}

/* A copy of text in c's pool, or NULL (b->oom set). */
static const char *intern(struct build *b, const char *text)
{
    if (pb_strv_push(&b->c->pool, text) < 0) {
        b->oom = 1;
        return NULL;
    }
    return b->c->pool.v[b->c->pool.n - 1];
}

static const char *internf(struct build *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static const char *internf(struct build *b, const char *fmt, ...)
{
    char buf[1024];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    cut_utf8(buf);
    return intern(b, buf);
}

static void warn(struct build *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void warn(struct build *b, const char *fmt, ...)
{
    char buf[1024];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    cut_utf8(buf);
    if (pb_strv_push(&b->c->warnings, buf) < 0)
        b->oom = 1;
}

static const char *or_unknown(const char *s)
{
    return s ? s : "unknown";
}

/* ---- the runs as a whole: machine, interpreters, baseline ---- */

static void check_machine(struct build *b)
{
    const struct pb_meta *x = &b->c->base->meta, *y = &b->c->new->meta;

    if (same(x->hostname, y->hostname) && same(x->cpu_model, y->cpu_model))
        return;
    warn(b, "different machines: BASE ran on '%s' (%s), NEW on '%s' (%s): the ratios compare "
         "other hardware as well as the profilers", or_unknown(x->hostname),
         or_unknown(x->cpu_model), or_unknown(y->hostname), or_unknown(y->cpu_model));
}

/* The interpreter a summary's pairs on label ran on (NULL: the run's
 * own), from its meta.json. */
struct interp {
    const char *path, *version, *implementation;
};

static struct interp interp_of(const struct pb_meta *m, const char *label)
{
    struct interp in = { m->python_path, m->python_version, m->python_implementation };

    for (size_t i = 0; label && i < m->npythons; i++)
        if (same(m->pythons[i].label, label))
            return (struct interp){ m->pythons[i].path, m->pythons[i].version,
                                    m->pythons[i].implementation };
    return in;
}

/* Warns once about label's interpreters when they differ. */
static void check_interp(struct build *b, const char *label)
{
    struct interp x = interp_of(&b->c->base->meta, label);
    struct interp y = interp_of(&b->c->new->meta, label);
    char on[256] = "";

    if (label)
        snprintf(on, sizeof on, "on %s: ", label);
    if (!same(x.version, y.version) || !same(x.implementation, y.implementation))
        warn(b, "%sdifferent interpreters: BASE ran %s %s (%s), NEW %s %s (%s): the ratios "
             "compare other interpreters as well as the profilers", on,
             or_unknown(x.implementation), or_unknown(x.version), or_unknown(x.path),
             or_unknown(y.implementation), or_unknown(y.version), or_unknown(y.path));
    else if (!same(x.path, y.path))
        warn(b, "%sinterpreters at different paths: BASE %s, NEW %s (both %s %s): other "
             "installations may differ in build and packages", on, or_unknown(x.path),
             or_unknown(y.path), or_unknown(x.implementation), or_unknown(x.version));
}

/* Each interpreter label the rows use, once. */
static void check_interps(struct build *b)
{
    struct pb_compare *c = b->c;

    for (size_t i = 0; i < c->nrows; i++) {
        size_t k = 0;
        while (k < i && !same(c->rows[k].python, c->rows[i].python))
            k++;
        if (k == i)
            check_interp(b, c->rows[i].python);
    }
}

/* ---- one workload's inputs ---- */

/* The file name of path ("x/y.py" -> "y.py"). */
static const char *file_name(const char *path)
{
    const char *s = strrchr(path, '/');

    return s ? s + 1 : path;
}

/* Both NAN or 0 (none), or equal. */
static int same_num(double a, double b)
{
    int na = isnan(a) || a == 0, nb = isnan(b) || b == 0;

    return na == nb && (na || a == b);
}

static void join_args(const struct pb_strv *a, char *buf, size_t n)
{
    size_t len = 0;

    buf[0] = '\0';
    for (size_t i = 0; i < a->n && len < n; i++) {
        snprintf(buf + len, n - len, "%s%s", i ? " " : "", a->v[i]);
        len = strlen(buf);
    }
    if (!a->n)
        snprintf(buf, n, "(none)");
    cut_utf8(buf);
}

/* The directory part of path into buf ("." without one). */
static void dir_part(const char *path, char *buf, size_t n)
{
    const char *s = strrchr(path, '/');

    if (!s)
        snprintf(buf, n, ".");
    else
        snprintf(buf, n, "%.*s", (int)(s - path), path);
}

/* Why workload w on python differs between the two resolved configs, or
 * NULL when it does not (or they are unknown). */
static const char *workload_differs(struct build *b, const char *w, const char *python)
{
    const struct pb_resolved_workload *x, *y;
    char ax[512], ay[512];

    if (!b->bres || !b->nres)
        return NULL;
    x = pb_resolved_workload_on(b->bres, w, python);
    y = pb_resolved_workload_on(b->nres, w, python);
    if (!x || !y)
        return internf(b, "not in %s's config-resolved.json: its inputs cannot be checked",
                       x ? "NEW" : "BASE");
    if (!x->script != !y->script || (x->script && strcmp(file_name(x->script), file_name(y->script))))
        return internf(b, "script differs: BASE %s, NEW %s", or_unknown(x->script),
                       or_unknown(y->script));
    if (!pb_strv_equal(&x->args, &y->args)) {
        join_args(&x->args, ax, sizeof ax);
        join_args(&y->args, ay, sizeof ay);
        return internf(b, "args differ: BASE '%s', NEW '%s'", ax, ay);
    }
    if (!same_num(x->size, y->size))
        return internf(b, "size differs: BASE %g, NEW %g", x->size, y->size);
    if (!same_num(x->target, y->target))
        return internf(b, "target differs: BASE %g s, NEW %g s", x->target, y->target);
    if (x->script && strcmp(x->script, y->script) && !b->script_dirs_warned) {
        dir_part(x->script, ax, sizeof ax);
        dir_part(y->script, ay, sizeof ay);
        b->script_dirs_warned = 1;
        warn(b, "workload scripts are in other directories (BASE %s, NEW %s): they are "
             "compared by file name and args; their content is not stored, so an edited "
             "script goes unnoticed", ax, ay);
    }
    return NULL;
}

/* Adds w's plain times to the drift warning when they moved too far. */
static void check_drift(struct build *b, const char *w, const char *python)
{
    const struct pb_summary *x = b->c->base, *y = b->c->new;
    const struct pb_pair *p, *q;
    double d;
    size_t len = strlen(b->drift);

    if (!x->baseline || !y->baseline)
        return;
    p = pb_summary_pair_on(x, w, x->baseline, python);
    q = pb_summary_pair_on(y, w, y->baseline, python);
    if (!p || !q || !(p->wall_median_s > 0) || !(q->wall_median_s > 0))
        return;
    d = q->wall_median_s / p->wall_median_s;
    if (d <= 1 + PB_COMPARE_PLAIN_DRIFT && d >= 1 / (1 + PB_COMPARE_PLAIN_DRIFT))
        return;
    if (b->ndrift++ < DRIFT_SHOWN)
        snprintf(b->drift + len, sizeof b->drift - len, "%s%s%s%s %.3g s -> %.3g s (%+.0f%%)",
                 len ? ", " : "", w, python ? " on " : "", python ? python : "",
                 p->wall_median_s, q->wall_median_s, (d - 1) * 100);
}

/* The plain times of each workload (and interpreter) compared, once. */
static void check_drifts(struct build *b)
{
    struct pb_compare *c = b->c;

    for (size_t i = 0; i < c->nrows; i++) {
        size_t k = 0;
        if (c->rows[i].kind != PB_CMP_COMPARED)
            continue;
        while (k < i && !(c->rows[k].kind == PB_CMP_COMPARED
                          && !strcmp(c->rows[k].workload, c->rows[i].workload)
                          && same(c->rows[k].python, c->rows[i].python)))
            k++;
        if (k == i)
            check_drift(b, c->rows[i].workload, c->rows[i].python);
    }
}

/* ---- rows ---- */

static int failed(const struct pb_pair *p)
{
    return p->status == PB_PAIR_FAILED || p->status == PB_PAIR_NOT_RUN
           || (!p->lower_bound && !pb_ratio_known(&p->wall));
}

/* Why a pair has no ratio: "failed in NEW: reason". */
static const char *failure(struct build *b, const struct pb_pair *p, const char *side)
{
    const char *what = p->status == PB_PAIR_NOT_RUN ? "not run"
                     : p->status == PB_PAIR_TIMEOUT ? "timed out" : "failed";

    if (p->failure_reason)
        return internf(b, "%s in %s: %s", what, side, p->failure_reason);
    return internf(b, "%s in %s", what, side);
}

static void fill_row(struct build *b, struct pb_cmp_row *r)
{
    const struct pb_summary *x = b->c->base, *y = b->c->new;
    const struct pb_pair *p = r->base, *q = r->new;
    double lv = b->c->level;
    int ci = p->runs >= 2 && q->runs >= 2;

    r->wall = r->cpu = r->mem = unknown_ratio();
    r->partial = p->status == PB_PAIR_PARTIAL || q->status == PB_PAIR_PARTIAL;
    if ((r->why = workload_differs(b, r->workload, r->python))) {
        r->kind = PB_CMP_NOT_COMPARABLE;
        return;
    }
    if (failed(p) || failed(q)) {
        r->kind = PB_CMP_FAILED;
        r->why = failure(b, failed(p) ? p : q, failed(p) ? "BASE" : "NEW");
        return;
    }
    if (p->lower_bound || q->lower_bound) {
        r->kind = PB_CMP_BOUND;
        r->bound_dir = p->lower_bound && q->lower_bound ? 0 : q->lower_bound ? 1 : -1;
        if (r->bound_dir)
            r->wall = pb_compare_ratio(&p->wall, x->confidence, &q->wall, y->confidence, 0, lv);
        return;
    }
    r->kind = PB_CMP_COMPARED;
    r->wall = pb_compare_ratio(&p->wall, x->confidence, &q->wall, y->confidence, ci, lv);
    r->cpu = pb_compare_ratio(&p->cpu, x->confidence, &q->cpu, y->confidence, ci, lv);
    r->mem = pb_compare_ratio(&p->mem, x->confidence, &q->mem, y->confidence, ci, lv);
}

static int is_baseline(const struct pb_summary *s, const char *profiler)
{
    return s->baseline && !strcmp(s->baseline, profiler);
}

static int add_only(struct pb_cmp_only **list, size_t *n, const struct pb_pair *p)
{
    struct pb_cmp_only *l = realloc(*list, (*n + 1) * sizeof *l);

    if (!l)
        return -1;
    *list = l;
    l[(*n)++] = (struct pb_cmp_only){ p->workload, p->profiler, p->python };
    return 0;
}

/* The rows, by profiler in BASE's order of first appearance, then by
 * workload; and the pairs of one side only. */
static void make_rows(struct build *b)
{
    struct pb_compare *c = b->c;
    const struct pb_summary *x = c->base, *y = c->new;

    c->rows = calloc(x->npairs + 1, sizeof *c->rows);
    if (!c->rows) {
        b->oom = 1;
        return;
    }
    for (size_t i = 0; i < x->npairs && !b->oom; i++) {
        const struct pb_pair *key = &x->pairs[i];
        size_t k = 0;
        if (is_baseline(x, key->profiler))
            continue;
        while (k < i && !(same(x->pairs[k].profiler, key->profiler)
                          && same(x->pairs[k].python, key->python)))
            k++;
        if (k < i)
            continue;                   /* this profiler's rows are made */
        for (size_t j = i; j < x->npairs && !b->oom; j++) {
            const struct pb_pair *p = &x->pairs[j], *q;
            if (!same(p->profiler, key->profiler) || !same(p->python, key->python))
                continue;
            q = pb_summary_pair_on(y, p->workload, p->profiler, p->python);
            if (!q || is_baseline(y, q->profiler)) {
                if (add_only(&c->only_base, &c->nonly_base, p) < 0)
                    b->oom = 1;
                continue;
            }
            struct pb_cmp_row *r = &c->rows[c->nrows++];
            *r = (struct pb_cmp_row){ .workload = p->workload, .profiler = p->profiler,
                                      .python = p->python, .base = p, .new = q };
            r->label = p->python ? internf(b, "%s (%s)", p->profiler, p->python) : p->profiler;
            fill_row(b, r);
        }
    }
    for (size_t j = 0; j < y->npairs && !b->oom; j++) {
        const struct pb_pair *q = &y->pairs[j], *p;
        if (is_baseline(y, q->profiler))
            continue;
        p = pb_summary_pair_on(x, q->workload, q->profiler, q->python);
        if ((!p || is_baseline(x, p->profiler)) && add_only(&c->only_new, &c->nonly_new, q) < 0)
            b->oom = 1;
    }
}

/* ---- means ---- */

/* The means of rows[from..to) (one profiler's, or all for the overall
 * one) into m. */
static void fill_mean(struct build *b, struct pb_cmp_mean *m, size_t from, size_t to)
{
    struct pb_compare *c = b->c;
    const struct pb_cmp_ratio **w, **u, **v;
    size_t n = to - from;

    w = calloc(n + 1, sizeof *w);
    u = calloc(n + 1, sizeof *u);
    v = calloc(n + 1, sizeof *v);
    if (!w || !u || !v) {
        b->oom = 1;
        goto cleanup;
    }
    for (size_t i = from; i < to; i++) {
        const struct pb_cmp_row *r = &c->rows[i];
        m->nbound += r->kind == PB_CMP_BOUND;
        m->nfailed += r->kind == PB_CMP_FAILED;
        m->nnot_comparable += r->kind == PB_CMP_NOT_COMPARABLE;
        if (r->kind != PB_CMP_COMPARED)
            continue;
        if (!isnan(r->wall.value))
            w[m->nwall++] = &r->wall;
        if (!isnan(r->cpu.value))
            u[m->ncpu++] = &r->cpu;
        if (!isnan(r->mem.value))
            v[m->nmem++] = &r->mem;
    }
    m->wall = pb_compare_geomean(w, (size_t)m->nwall, c->level);
    m->cpu = pb_compare_geomean(u, (size_t)m->ncpu, c->level);
    m->mem = pb_compare_geomean(v, (size_t)m->nmem, c->level);

cleanup:
    free(w);
    free(u);
    free(v);
}

/* Drops an interval: the overall mean's profilers share their runs'
 * baselines, so their ratios are not independent. */
static void no_ci(struct pb_cmp_ratio *r)
{
    r->lo = r->hi = r->se = NAN;
    r->has_ci = 0;
    r->verdict = PB_CMP_UNKNOWN;
}

static void make_means(struct build *b)
{
    struct pb_compare *c = b->c;

    c->means = calloc(c->nrows + 1, sizeof *c->means);
    if (!c->means) {
        b->oom = 1;
        return;
    }
    for (size_t i = 0; i < c->nrows && !b->oom;) {
        size_t j = i;
        while (j < c->nrows && same(c->rows[j].profiler, c->rows[i].profiler)
               && same(c->rows[j].python, c->rows[i].python))
            j++;
        struct pb_cmp_mean *m = &c->means[c->nmeans++];
        m->profiler = c->rows[i].profiler;
        m->python = c->rows[i].python;
        m->label = c->rows[i].label;
        m->base_version = pb_summary_version(c->base, m->profiler, m->python);
        m->new_version = pb_summary_version(c->new, m->profiler, m->python);
        fill_mean(b, m, i, j);
        i = j;
    }
    fill_mean(b, &c->overall, 0, c->nrows);
    no_ci(&c->overall.wall);
    no_ci(&c->overall.cpu);
    no_ci(&c->overall.mem);
}

/* ---- the whole ---- */

static struct pb_compare *alloc_compare(const struct pb_summary *base, const struct pb_summary *new,
                                        struct pb_error *err)
{
    struct pb_compare *c = calloc(1, sizeof *c);

    if (!c) {
        pb_error_set(err, "out of memory");
        return NULL;
    }
    c->base = base;
    c->new = new;
    c->level = level_or_default(base->confidence);
    return c;
}

/* Fills c (whose warnings may already hold some). Returns c, or NULL
 * when out of memory (c freed, err set). */
static struct pb_compare *fill(struct pb_compare *c, const struct pb_resolved *bres,
                               const struct pb_resolved *nres, struct pb_error *err)
{
    struct build b = { .c = c, .bres = bres, .nres = nres };

    if (!bres || !nres)
        warn(&b, "the workloads' script, args and size cannot be checked without both runs' "
             "config-resolved.json: pairs are matched by name alone");
    if (!same(c->base->baseline, c->new->baseline))
        warn(&b, "different baselines: BASE '%s', NEW '%s'", or_unknown(c->base->baseline),
             or_unknown(c->new->baseline));
    check_machine(&b);
    make_rows(&b);
    if (!b.oom) {
        check_interps(&b);
        check_drifts(&b);
    }
    if (b.ndrift > DRIFT_SHOWN) {
        size_t len = strlen(b.drift);
        snprintf(b.drift + len, sizeof b.drift - len, " and %d more", b.ndrift - DRIFT_SHOWN);
    }
    if (b.ndrift)
        warn(&b, "plain (baseline) times moved by more than %.0f%%: %s; the same workload ran "
             "at another speed, so its overheads may not compare", PB_COMPARE_PLAIN_DRIFT * 100,
             b.drift);
    if (!b.oom)
        make_means(&b);
    if (b.oom) {
        pb_compare_free(c);
        pb_error_set(err, "out of memory");
        return NULL;
    }
    return c;
}

struct pb_compare *pb_compare_new(const struct pb_summary *base, const struct pb_resolved *base_res,
                                  const struct pb_summary *new, const struct pb_resolved *new_res,
                                  struct pb_error *err)
{
    struct pb_compare *c = alloc_compare(base, new, err);

    return c ? fill(c, base_res, new_res, err) : NULL;
}

/* Reads dir's config-resolved.json into *r; on failure a warning in c
 * (naming the file) and 0. Returns 1 when read, 0 when not, -1 when out
 * of memory. */
static int load_resolved(struct pb_compare *c, const char *dir, const char *side,
                         struct pb_resolved *r)
{
    struct pb_error e;
    char where[PB_ERROR_MSG_MAX + PB_ERROR_PATH_MAX + 64], buf[sizeof where + 16];

    pb_error_clear(&e);
    if (pb_resolved_load(dir, r, &e) == 0)
        return 1;
    pb_error_format(&e, where, sizeof where);
    snprintf(buf, sizeof buf, "%s: %s", side, where);
    cut_utf8(buf);
    return pb_strv_push(&c->warnings, buf) < 0 ? -1 : 0;
}

struct pb_compare *pb_compare_load(const struct pb_summary *base, const struct pb_summary *new,
                                   struct pb_error *err)
{
    struct pb_resolved x = { 0 }, y = { 0 };
    struct pb_compare *c = alloc_compare(base, new, err);
    int hx, hy;

    if (!c)
        return NULL;
    hx = load_resolved(c, base->dir, "BASE", &x);
    hy = hx < 0 ? -1 : load_resolved(c, new->dir, "NEW", &y);
    if (hx < 0 || hy < 0) {
        pb_error_set(err, "out of memory");
        pb_compare_free(c);
        c = NULL;
    } else {
        c = fill(c, hx ? &x : NULL, hy ? &y : NULL, err);
    }
    pb_resolved_release(&x);
    pb_resolved_release(&y);
    return c;
}

void pb_compare_free(struct pb_compare *c)
{
    if (!c)
        return;
    free(c->rows);
    free(c->means);
    free(c->only_base);
    free(c->only_new);
    pb_strv_release(&c->warnings);
    pb_strv_release(&c->pool);
    free(c);
}

struct pb_compare **pb_compare_set(const struct pb_summary_set *set, size_t *n,
                                   struct pb_error *err)
{
    size_t k = set->nruns > 1 ? set->nruns - 1 : 0;
    struct pb_compare **cs = calloc(k + 1, sizeof *cs);

    *n = 0;
    if (!cs) {
        pb_error_set(err, "out of memory");
        return NULL;
    }
    for (size_t i = 0; i < k; i++)
        if (!(cs[i] = pb_compare_load(set->runs[0], set->runs[i + 1], err))) {
            pb_compare_set_free(cs, i);
            return NULL;
        }
    *n = k;
    return cs;
}

void pb_compare_set_free(struct pb_compare **cs, size_t n)
{
    for (size_t i = 0; cs && i < n; i++)
        pb_compare_free(cs[i]);
    free(cs);
}
