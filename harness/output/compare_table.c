/* A comparison as terminal text. See compare_table.h. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "output/compare_table.h"

void pb_compare_verdict_text(const struct pb_cmp_ratio *r, const char *times, char *buf, size_t n)
{
    if (isnan(r->value))
        snprintf(buf, n, "-");
    else if (!r->has_ci)
        snprintf(buf, n, "no interval");
    else if (r->verdict == PB_CMP_FASTER)
        snprintf(buf, n, "%.2f%s faster", 1 / r->value, times);
    else if (r->verdict == PB_CMP_SLOWER)
        snprintf(buf, n, "%.2f%s slower", r->value, times);
    else
        snprintf(buf, n, "not significant");
}

/* "0.82x [0.78-0.86]", "0.82x" without an interval, "-" unknown. */
static void fmt_ci(const struct pb_cmp_ratio *r, char *buf, size_t n)
{
    if (isnan(r->value))
        snprintf(buf, n, "-");
    else if (!r->has_ci)
        snprintf(buf, n, "%.2fx", r->value);
    else
        snprintf(buf, n, "%.2fx [%.2f-%.2f]", r->value, r->lo, r->hi);
}

/* A ratio in at most 3 significant figures: "1.85", "15.3", "252". */
static void fmt_num(char *buf, size_t n, double v)
{
    snprintf(buf, n, v < 9.995 ? "%.2f" : v < 99.95 ? "%.1f" : "%.0f", v);
}

/* A side's own overhead: "1.85x", ">=252x" after a timeout, "1.01x*"
 * when some runs failed, the status without a ratio. */
static void fmt_side(const struct pb_pair *p, char *buf, size_t n)
{
    char v[32];

    if (!pb_ratio_known(&p->wall)) {
        snprintf(buf, n, "%s", pb_pair_status_name(p->status));
        return;
    }
    fmt_num(v, sizeof v, p->wall.value);
    snprintf(buf, n, "%s%sx%s", p->lower_bound ? ">=" : "", v,
             p->status == PB_PAIR_PARTIAL ? "*" : "");
}

static int width(size_t w, size_t min)
{
    return (int)(w < min ? min : w > 60 ? 60 : w);
}

static void header(FILE *out, const struct pb_compare *c)
{
    const struct pb_meta *x = &c->base->meta, *y = &c->new->meta;

    fprintf(out, "BASE  %s  (%s, started %s)\n", c->base->dir,
            x->config_name ? x->config_name : "?", x->started ? x->started : "?");
    fprintf(out, "NEW   %s  (%s, started %s)\n", c->new->dir,
            y->config_name ? y->config_name : "?", y->started ? y->started : "?");
    for (size_t i = 0; i < c->warnings.n; i++)
        fprintf(out, "warning: %s\n", c->warnings.v[i]);
    fprintf(out, "\nNEW/BASE: the profiler's normalized time (time with it / plain, each in its "
            "own run) in NEW over BASE;\nbelow 1: NEW costs less. %.0f%% interval from the two "
            "runs' intervals (docs/compare.md);\nfaster/slower when it excludes 1.\n",
            c->level * 100);
}

/* Appends ", N what" (or " (left out: N what" for the first) to buf. */
static void add_count(char *buf, size_t n, int count, const char *what, int *first)
{
    size_t len = strlen(buf);

    if (!count)
        return;
    snprintf(buf + len, n - len, "%s%d %s", *first ? " (left out: " : ", ", count, what);
    *first = 0;
}

void pb_compare_count_text(const struct pb_cmp_mean *m, char *buf, size_t n)
{
    int first = 1;

    snprintf(buf, n, "%d", m->nwall);
    add_count(buf, n, m->nnot_comparable, "not comparable", &first);
    add_count(buf, n, m->nbound, "timed out", &first);
    add_count(buf, n, m->nfailed, "failed", &first);
    if (!first && strlen(buf) + 1 < n)
        strcat(buf, ")");
}

static void means(FILE *out, const struct pb_compare *c, int pw)
{
    char w[64], v[64], u[64], m[64], k[128];

    fprintf(out, "\nPer profiler: geometric mean of NEW/BASE over the workloads compared\n\n");
    fprintf(out, "%-*s %-24s %-18s %-24s %-24s %s\n", pw, "profiler", "wall", "verdict", "cpu",
            "memory (tree RSS)", "workloads");
    for (size_t i = 0; i < c->nmeans; i++) {
        const struct pb_cmp_mean *e = &c->means[i];
        fmt_ci(&e->wall, w, sizeof w);
        pb_compare_verdict_text(&e->wall, "x", v, sizeof v);
        fmt_ci(&e->cpu, u, sizeof u);
        fmt_ci(&e->mem, m, sizeof m);
        pb_compare_count_text(e, k, sizeof k);
        fprintf(out, "%-*s %-24s %-18s %-24s %-24s %s\n", pw, e->label, w, v, u, m, k);
    }
    if (c->nmeans > 1) {
        fmt_ci(&c->overall.wall, w, sizeof w);
        fmt_ci(&c->overall.cpu, u, sizeof u);
        fmt_ci(&c->overall.mem, m, sizeof m);
        fprintf(out, "%-*s %-24s %-18s %-24s %-24s %d pairs\n", pw, "(all profilers)", w,
                "(no interval)", u, m, c->overall.nwall);
    }
    fprintf(out, "\nVersions (BASE -> NEW):\n");
    for (size_t i = 0; i < c->nmeans; i++) {
        const struct pb_cmp_mean *e = &c->means[i];
        const char *b = e->base_version ? e->base_version : "unknown";
        const char *n = e->new_version ? e->new_version : "unknown";
        if (!strcmp(b, n))
            fprintf(out, "  %s: %s (both)\n", e->label, b);
        else
            fprintf(out, "  %s: %s -> %s\n", e->label, b, n);
    }
}

/* The wall cell of a row that is a bound, failed or not comparable. */
static void fmt_other(const struct pb_cmp_row *r, char *buf, size_t n)
{
    if (r->kind == PB_CMP_BOUND && r->bound_dir)
        snprintf(buf, n, "%s%.2fx (%s timed out)", r->bound_dir > 0 ? ">=" : "<=", r->wall.value,
                 r->bound_dir > 0 ? "NEW" : "BASE");
    else if (r->kind == PB_CMP_BOUND)
        snprintf(buf, n, "? (both timed out)");
    else
        snprintf(buf, n, "%s", pb_compare_kind_name(r->kind));
}

static void pairs(FILE *out, const struct pb_compare *c, int pw, int ww)
{
    fprintf(out, "\nPer pair (BASE, NEW: each run's own normalized wall time; * some runs failed)\n\n");
    fprintf(out, "%-*s %-*s %-9s %-9s %-24s %-18s %-24s %s\n", pw, "profiler", ww, "workload",
            "BASE", "NEW", "NEW/BASE wall", "verdict", "cpu", "memory");
    for (size_t i = 0; i < c->nrows; i++) {
        const struct pb_cmp_row *r = &c->rows[i];
        char b[32], n[32], w[64], v[64] = "", u[64] = "", m[64] = "";
        fmt_side(r->base, b, sizeof b);
        fmt_side(r->new, n, sizeof n);
        if (r->kind == PB_CMP_COMPARED) {
            fmt_ci(&r->wall, w, sizeof w);
            pb_compare_verdict_text(&r->wall, "x", v, sizeof v);
            fmt_ci(&r->cpu, u, sizeof u);
            fmt_ci(&r->mem, m, sizeof m);
        } else {
            fmt_other(r, w, sizeof w);
        }
        fprintf(out, "%-*s %-*s %-9s %-9s %-24s %-18s %-24s %s\n", pw, r->label, ww, r->workload,
                b, n, w, v, u, m);
    }
}

/* The rows of kind k with their reasons, under title. */
static void left_out(FILE *out, const struct pb_compare *c, enum pb_cmp_kind k, const char *title)
{
    int header = 0;

    for (size_t i = 0; i < c->nrows; i++) {
        const struct pb_cmp_row *r = &c->rows[i];
        if (r->kind != k)
            continue;
        if (!header++)
            fprintf(out, "\n%s:\n", title);
        if (k == PB_CMP_BOUND)
            fprintf(out, "  %s x %s: %s\n", r->workload, r->label,
                    r->bound_dir > 0 ? "NEW timed out: NEW/BASE is at least the value above"
                    : r->bound_dir < 0 ? "BASE timed out: NEW/BASE is at most the value above"
                    : "both timed out: no ratio");
        else
            fprintf(out, "  %s x %s: %s\n", r->workload, r->label, r->why ? r->why : "");
    }
}

static int same_key(const struct pb_cmp_only *a, const struct pb_cmp_only *b)
{
    return !strcmp(a->profiler, b->profiler)
           && (a->python == b->python || (a->python && b->python && !strcmp(a->python, b->python)));
}

/* The pairs of one side only, a line per profiler: "  pyinstrument: julia, calls". */
static void only(FILE *out, const struct pb_cmp_only *o, size_t n, const char *side)
{
    if (!n)
        return;
    fprintf(out, "\nOnly in %s (%zu pair%s):\n", side, n, n == 1 ? "" : "s");
    for (size_t i = 0; i < n; i++) {
        size_t k = 0, first = 1;
        while (k < i && !same_key(&o[k], &o[i]))
            k++;
        if (k < i)
            continue;                   /* its line is written */
        fprintf(out, "  %s%s%s:", o[i].profiler, o[i].python ? " on " : "",
                o[i].python ? o[i].python : "");
        for (size_t j = i; j < n; j++)
            if (same_key(&o[j], &o[i])) {
                fprintf(out, "%s %s", first ? "" : ",", o[j].workload);
                first = 0;
            }
        fprintf(out, "\n");
    }
}

void pb_compare_print(FILE *out, const struct pb_compare *c)
{
    size_t pw = strlen("(all profilers)"), ww = 8;

    for (size_t i = 0; i < c->nrows; i++) {
        if (strlen(c->rows[i].label) > pw)
            pw = strlen(c->rows[i].label);
        if (strlen(c->rows[i].workload) > ww)
            ww = strlen(c->rows[i].workload);
    }
    header(out, c);
    if (!c->nrows)
        fprintf(out, "\nNo pair measured in both runs.\n");
    else {
        means(out, c, width(pw, 16));
        pairs(out, c, width(pw, 16), width(ww, 8));
    }
    left_out(out, c, PB_CMP_NOT_COMPARABLE, "Not comparable (the workload differs; left out of the means)");
    left_out(out, c, PB_CMP_BOUND, "Timed out (a bound, not a ratio; left out of the means)");
    left_out(out, c, PB_CMP_FAILED, "Failed (left out of the means)");
    only(out, c->only_base, c->nonly_base, "BASE");
    only(out, c->only_new, c->nonly_new, "NEW");
}
