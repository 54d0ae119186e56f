/* A comparison as Markdown. See compare_md.h. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "output/compare_md.h"
#include "output/compare_table.h"
#include "util/text.h"

/* "0.82× (0.78–0.86)", "0.82×" without an interval. */
static void fmt_ci(char *buf, size_t n, const struct pb_cmp_ratio *r)
{
    char v[32], lo[32], hi[32];

    pb_fmt_ratio(r->value, v, sizeof v);
    if (!r->has_ci) {
        snprintf(buf, n, "%s", v);
        return;
    }
    pb_fmt_ratio(r->lo, lo, sizeof lo);
    pb_fmt_ratio(r->hi, hi, sizeof hi);
    lo[strlen(lo) - strlen("×")] = '\0';
    snprintf(buf, n, "%s (%s–%s)", v, lo, hi);
}

/* A verdict in bold when significant. */
static void verdict(FILE *f, const struct pb_cmp_ratio *r)
{
    char v[64];

    if (isnan(r->value)) {
        fprintf(f, "–");
        return;
    }
    pb_compare_verdict_text(r, "×", v, sizeof v);
    if (r->has_ci && (r->verdict == PB_CMP_FASTER || r->verdict == PB_CMP_SLOWER))
        fprintf(f, "**%s**", v);
    else
        fprintf(f, "%s", v);
}

static void heading(FILE *f, int level, const char *text)
{
    fprintf(f, "%.*s %s\n\n", level < 1 ? 1 : level > 6 ? 6 : level, "######", text);
}

static void runs(FILE *f, const struct pb_compare *c)
{
    fprintf(f, "- BASE: ");
    pb_md_code(f, c->base->dir);
    fprintf(f, " (started %s)\n- NEW: ", c->base->meta.started ? c->base->meta.started : "?");
    pb_md_code(f, c->new->dir);
    fprintf(f, " (started %s)\n\n", c->new->meta.started ? c->new->meta.started : "?");
    for (size_t i = 0; i < c->warnings.n; i++) {
        fprintf(f, "> **Warning:** ");
        pb_md_text(f, c->warnings.v[i], 0);
        fprintf(f, "\n\n");
    }
    fprintf(f, "NEW/BASE is the profiler's normalized time (time with it ÷ plain, each in its "
            "own run) in NEW over the same in BASE: below 1×, NEW costs less. Intervals at "
            "%.0f%%, from the two runs' stored intervals (docs/compare.md); the verdict is "
            "faster or slower when the interval excludes 1×.\n\n", c->level * 100);
}

static void versions(FILE *f, const struct pb_cmp_mean *m)
{
    const char *b = m->base_version, *n = m->new_version;

    if (!b && !n) {
        fprintf(f, "–");
        return;
    }
    pb_md_text(f, b ? b : "unknown", 60);
    if (b && n && !strcmp(b, n))
        return;
    fprintf(f, " → ");
    pb_md_text(f, n ? n : "unknown", 60);
}

static void means(FILE *f, const struct pb_compare *c, int level)
{
    char w[64], u[64], m[64], k[128];

    heading(f, level, "Per profiler");
    fprintf(f, "Geometric mean of NEW/BASE over the workloads compared.\n\n");
    fprintf(f, "| profiler | version (BASE → NEW) | wall | verdict | CPU | memory | workloads |\n"
               "|---|---|---|---|---|---|---|\n");
    for (size_t i = 0; i < c->nmeans; i++) {
        const struct pb_cmp_mean *e = &c->means[i];
        fmt_ci(w, sizeof w, &e->wall);
        fmt_ci(u, sizeof u, &e->cpu);
        fmt_ci(m, sizeof m, &e->mem);
        fprintf(f, "| ");
        pb_md_text(f, e->label, 0);
        fprintf(f, " | ");
        versions(f, e);
        fprintf(f, " | %s | ", w);
        verdict(f, &e->wall);
        pb_compare_count_text(e, k, sizeof k);
        fprintf(f, " | %s | %s | %s |\n", u, m, k);
    }
    if (c->nmeans > 1) {
        fmt_ci(w, sizeof w, &c->overall.wall);
        fmt_ci(u, sizeof u, &c->overall.cpu);
        fmt_ci(m, sizeof m, &c->overall.mem);
        fprintf(f, "| all profilers | | %s | (no interval: the profilers share their runs' "
                "baselines) | %s | %s | %d pairs |\n", w, u, m, c->overall.nwall);
    }
    fprintf(f, "\n");
}

/* A side's own overhead: "1.85×", "≥12.0×" after a timeout. */
static void side(FILE *f, const struct pb_pair *p)
{
    char v[32];

    if (!pb_ratio_known(&p->wall)) {
        fprintf(f, "%s", pb_pair_status_name(p->status));
        return;
    }
    pb_fmt_ratio(p->wall.value, v, sizeof v);
    fprintf(f, "%s%s%s", p->lower_bound ? "≥" : "", v, p->status == PB_PAIR_PARTIAL ? "\\*" : "");
}

static void row(FILE *f, const struct pb_cmp_row *r)
{
    char w[64], u[64], m[64];

    fprintf(f, "| ");
    pb_md_text(f, r->label, 0);
    fprintf(f, " | ");
    pb_md_text(f, r->workload, 0);
    fprintf(f, " | ");
    side(f, r->base);
    fprintf(f, " | ");
    side(f, r->new);
    fprintf(f, " | ");
    if (r->kind == PB_CMP_COMPARED) {
        fmt_ci(w, sizeof w, &r->wall);
        fmt_ci(u, sizeof u, &r->cpu);
        fmt_ci(m, sizeof m, &r->mem);
        fprintf(f, "%s | ", w);
        verdict(f, &r->wall);
        fprintf(f, " | %s | %s |\n", u, m);
        return;
    }
    if (r->kind == PB_CMP_BOUND && r->bound_dir) {
        pb_fmt_ratio(r->wall.value, w, sizeof w);
        fprintf(f, "%s%s | %s timed out: a bound | | |\n", r->bound_dir > 0 ? "≥" : "≤", w,
                r->bound_dir > 0 ? "NEW" : "BASE");
        return;
    }
    fprintf(f, "– | ");
    if (r->kind == PB_CMP_BOUND)
        fprintf(f, "both timed out");
    else {
        if (r->kind == PB_CMP_NOT_COMPARABLE)
            fprintf(f, "not comparable: ");
        pb_md_text(f, r->why, 300);
    }
    fprintf(f, " | | |\n");
}

static void pairs(FILE *f, const struct pb_compare *c, int level)
{
    heading(f, level, "Per pair");
    fprintf(f, "BASE and NEW: each run's own normalized wall time (\\* some runs failed). "
            "Pairs not compared are in no mean.\n\n");
    fprintf(f, "| profiler | workload | BASE | NEW | NEW/BASE wall | verdict | CPU | memory |\n"
               "|---|---|---|---|---|---|---|---|\n");
    for (size_t i = 0; i < c->nrows; i++)
        row(f, &c->rows[i]);
    fprintf(f, "\n");
}

static int same_key(const struct pb_cmp_only *a, const struct pb_cmp_only *b)
{
    return !strcmp(a->profiler, b->profiler)
           && (a->python == b->python || (a->python && b->python && !strcmp(a->python, b->python)));
}

/* The pairs of one side only, an item per profiler. */
static void only(FILE *f, const struct pb_cmp_only *o, size_t n, const char *side_name)
{
    if (!n)
        return;
    fprintf(f, "Only in %s (%zu pair%s):\n\n", side_name, n, n == 1 ? "" : "s");
    for (size_t i = 0; i < n; i++) {
        size_t k = 0, first = 1;
        while (k < i && !same_key(&o[k], &o[i]))
            k++;
        if (k < i)
            continue;                   /* its item is written */
        fprintf(f, "- ");
        pb_md_text(f, o[i].profiler, 0);
        if (o[i].python) {
            fprintf(f, " on ");
            pb_md_text(f, o[i].python, 0);
        }
        fprintf(f, ":");
        for (size_t j = i; j < n; j++)
            if (same_key(&o[j], &o[i])) {
                fprintf(f, "%s ", first ? "" : ",");
                pb_md_text(f, o[j].workload, 0);
                first = 0;
            }
        fprintf(f, "\n");
    }
    fprintf(f, "\n");
}

void pb_compare_markdown(FILE *f, const struct pb_compare *c, int level)
{
    runs(f, c);
    if (!c->nrows)
        fprintf(f, "No pair was measured in both runs.\n\n");
    else {
        means(f, c, level);
        pairs(f, c, level);
    }
    only(f, c->only_base, c->nonly_base, "BASE");
    only(f, c->only_new, c->nonly_new, "NEW");
}
