/*
 * report.md from stored results. The report is the list `sections` at the
 * end of this file: each section is one function that writes Markdown
 * from the merged results (struct ctx). To add a part, load what it needs
 * into struct ctx and add one function and one row to `sections` (as the
 * accuracy section does with each run's accuracy.json).
 */
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "analysis/accuracy.h"
#include "output/plot.h"
#include "output/report.h"
#include "util/fs.h"
#include "util/path.h"
#include "util/text.h"

#ifndef PB_VERSION
#define PB_VERSION "unknown"
#endif

struct ctx {
    const struct pb_summary_set *set;
    /* Per chart of pb_plot_charts: the PNG's link relative to the report
     * (URL-escaped), or NULL when the chart is not there. */
    char *png[8], *svg[8], *gp[8];
    const char *plots_dir;
    const char *report_dir;     /* the directory the report goes into */
    int multi;                  /* several runs merged */
    int any_accuracy;           /* some run has accuracy.json */
};

/* ---- Markdown text ---- */

static void fmt_ratio(char *buf, size_t n, double v)
{
    if (isnan(v))
        snprintf(buf, n, "–");
    else if (v < 9.995)
        snprintf(buf, n, "%.2f×", v);
    else if (v < 99.95)
        snprintf(buf, n, "%.1f×", v);
    else
        snprintf(buf, n, "%.0f×", v);
}

/* "1.68× (1.65–1.69)" */
static void fmt_ci(char *buf, size_t n, const struct pb_ratio *r)
{
    char v[32], lo[32], hi[32];

    if (!pb_ratio_known(r)) {
        snprintf(buf, n, "–");
        return;
    }
    fmt_ratio(v, sizeof v, r->value);
    fmt_ratio(lo, sizeof lo, r->lo);
    fmt_ratio(hi, sizeof hi, r->hi);
    lo[strlen(lo) - strlen("×")] = '\0';
    snprintf(buf, n, "%s (%s–%s)", v, lo, hi);
}

/* A ratio that may be a lower bound: "≥57.2×". */
static void fmt_bound(char *buf, size_t n, double v, int lower)
{
    char r[32];

    fmt_ratio(r, sizeof r, v);
    snprintf(buf, n, "%s%s", lower && !isnan(v) ? "≥" : "", r);
}

/* 1 when the profiler's wall mean is a lower bound (see
 * pb_profiler_summary). */
static int wall_at_least(const struct pb_profiler_summary *s)
{
    return s->wall_lower_bound && pb_ratio_known(&s->wall);
}

/* How many workloads a run's wall mean of profiler s is over: those it
 * finished, and the timed-out ones it counts at their lower bound. */
static int wall_count(const struct pb_summary *run, const struct pb_profiler_summary *s)
{
    int n = s->workloads_ok;

    for (size_t i = 0; s->wall_lower_bound && i < run->npairs; i++) {
        const struct pb_pair *p = &run->pairs[i];
        n += strcmp(p->profiler, s->name) == 0 && p->status == PB_PAIR_TIMEOUT
             && p->lower_bound && pb_ratio_known(&p->wall);
    }
    return n;
}

/* "2026-11-25T19:40:00Z" -> "2026-11-25 19:40 UTC"; others unchanged. */
static void fmt_time(char *buf, size_t n, const char *iso)
{
    if (!iso) {
        snprintf(buf, n, "unknown");
        return;
    }
    if (strlen(iso) == 20 && iso[10] == 'T' && iso[19] == 'Z')
        snprintf(buf, n, "%.10s %.5s UTC", iso, iso + 11);
    else
        snprintf(buf, n, "%s", iso);
}

/* The text of one matrix cell for a ratio of a pair. */
static void fmt_cell(char *buf, size_t n, const struct pb_pair *p, const struct pb_ratio *r)
{
    char v[32];

    if (!p) {
        snprintf(buf, n, "–");
        return;
    }
    fmt_ratio(v, sizeof v, r->value);
    switch (p->status) {
    case PB_PAIR_OK:
        snprintf(buf, n, "%s", pb_ratio_known(r) ? v : "–");
        break;
    case PB_PAIR_PARTIAL:
        snprintf(buf, n, "%s\\*", pb_ratio_known(r) ? v : "–");
        break;
    case PB_PAIR_TIMEOUT:
        if (pb_ratio_known(r) && r == &p->wall)
            snprintf(buf, n, "≥%s timed out", v);
        else
            snprintf(buf, n, "timed out");
        break;
    case PB_PAIR_NOT_RUN:
        snprintf(buf, n, "not run");
        break;
    default:
        snprintf(buf, n, "**failed**");
        break;
    }
}

/* ---- paths ---- */

/* The link to plots_dir/NAME.EXT from the report's directory, or NULL
 * when the file is not there. */
static char *chart_link(const char *report_dir, const char *plots_dir, const char *name,
                        const char *ext)
{
    char path[PATH_MAX];
    char *rel, *url;
    struct stat st;

    snprintf(path, sizeof path, "%s/%s.%s", plots_dir, name, ext);
    if (stat(path, &st) < 0 || !S_ISREG(st.st_mode))
        return NULL;
    rel = pb_path_relative(report_dir, path);
    if (!rel)
        return NULL;
    url = pb_url_escape(rel);
    free(rel);
    return url;
}

/* ---- sections ---- */

static const struct pb_merged_profiler *merged(const struct pb_summary_set *set,
                                               const char *name)
{
    for (size_t i = 0; i < set->nprofilers; i++)
        if (strcmp(set->profilers[i].name, name) == 0)
            return &set->profilers[i];
    return NULL;
}

static int chart_index(const char *name)
{
    for (int i = 0; pb_plot_charts[i].name; i++)
        if (strcmp(pb_plot_charts[i].name, name) == 0)
            return i;
    return -1;
}

/* Embeds a chart, with links to its SVG and script; or says it is missing. */
static void embed(FILE *f, const struct ctx *c, const char *name)
{
    int i = chart_index(name);

    if (i < 0)
        return;
    if (!c->png[i]) {
        if (c->plots_dir)
            fprintf(f, "*(Chart not found: %s.png in the plots directory; "
                    "`pbench plot` draws it.)*\n\n", name);
        return;
    }
    fprintf(f, "![");
    pb_md_text(f, pb_plot_charts[i].title, 0);
    fprintf(f, "](%s)\n\n", c->png[i]);
    if (c->svg[i] || c->gp[i]) {
        fprintf(f, "<sub>");
        if (c->svg[i])
            fprintf(f, "[SVG](%s)", c->svg[i]);
        if (c->svg[i] && c->gp[i])
            fprintf(f, " · ");
        if (c->gp[i])
            fprintf(f, "[gnuplot script](%s) (edit and re-run it with `gnuplot %s.gp` "
                    "in its directory)", c->gp[i], name);
        fprintf(f, "</sub>\n\n");
    }
}

static int sec_title(FILE *f, const struct ctx *c)
{
    const struct pb_summary_set *set = c->set;
    const struct pb_meta *m = &set->runs[0]->meta;
    char t[64], gen[64];
    time_t now = time(NULL);
    struct tm tm;

    gmtime_r(&now, &tm);
    strftime(gen, sizeof gen, "%Y-%m-%d %H:%M UTC", &tm);
    fprintf(f, "# Profiler overhead%s: ", c->any_accuracy ? " and accuracy" : "");
    if (c->multi)
        fprintf(f, "%zu runs merged\n\n", set->nruns);
    else {
        pb_md_text(f, m->config_name ? m->config_name : "results", 0);
        fprintf(f, "\n\n");
    }
    fmt_time(t, sizeof t, m->started);
    fprintf(f, "How much %zu Python profilers slow down and grow %zu workloads",
            set->nprofilers, set->nworkloads);
    if (c->any_accuracy) {
        char anchor[64] = "accuracy";
        for (size_t r = 0; c->multi && r < set->nruns; r++) {
            if (pb_plot_has_accuracy(set, r)) {
                snprintf(anchor, sizeof anchor, "accuracy-run-%zu", r + 1);
                break;
            }
        }
        fprintf(f, ", and how truly they report where the time goes ([Accuracy](#%s))",
                anchor);
    }
    fprintf(f, ", measured by pbench and regenerated from the stored results by "
            "`pbench report`.\n\n");
    fprintf(f, "- Results: ");
    for (size_t r = 0; r < set->nruns; r++) {
        fprintf(f, "%s", r ? ", " : "");
        pb_md_code(f, set->runs[r]->dir);
        if (c->multi)
            fprintf(f, " (run %zu)", r + 1);
    }
    fprintf(f, "\n");
    fprintf(f, "- Machine: ");
    pb_md_text(f, m->cpu_model ? m->cpu_model : "unknown CPU", 0);
    if (m->cores > 0)
        fprintf(f, ", %d cores", m->cores);
    if (!isnan(m->mem_total_kb))
        fprintf(f, ", %.1f GiB", m->mem_total_kb / 1048576.0);
    fprintf(f, "; ");
    pb_md_text(f, m->python_implementation ? m->python_implementation : "Python", 0);
    fprintf(f, " ");
    pb_md_text(f, m->python_version ? m->python_version : "?", 0);
    fprintf(f, " (details [below](#machine-and-versions))\n");
    fprintf(f, "- Measured: %s%s; report generated %s by pbench %s\n\n", t,
            c->multi ? " and later (see [Runs](#runs))" : "", gen, PB_VERSION);
    return 0;
}

/* Several runs: which profiler comes from where. */
static int sec_runs(FILE *f, const struct ctx *c)
{
    const struct pb_summary_set *set = c->set;
    int any_dup = 0;

    if (!c->multi)
        return 0;
    fprintf(f, "## Runs\n\n");
    fprintf(f, "This report merges %zu results directories. Each profiler is shown from the "
            "latest run that measured it, and its ratios are relative to the baseline "
            "(`%s`) measured in that same run, so runs on different days stay comparable "
            "as ratios.\n\n", set->nruns, set->runs[0]->baseline);
    fprintf(f, "| run | results directory | config | started | profilers shown from it |\n");
    fprintf(f, "|---:|---|---|---|---|\n");
    for (size_t r = 0; r < set->nruns; r++) {
        const struct pb_meta *m = &set->runs[r]->meta;
        char t[64];
        int first = 1;

        fmt_time(t, sizeof t, m->started);
        fprintf(f, "| %zu | ", r + 1);
        pb_md_code(f, set->runs[r]->dir);
        fprintf(f, " | ");
        pb_md_text(f, m->config_name ? m->config_name : "?", 0);
        fprintf(f, " | %s | ", t);
        for (size_t i = 0; i < set->nprofilers; i++) {
            if (set->profilers[i].run != r)
                continue;
            fprintf(f, "%s", first ? "" : ", ");
            pb_md_text(f, set->profilers[i].name, 0);
            first = 0;
        }
        fprintf(f, "%s |\n", first ? "none" : "");
    }
    fprintf(f, "\n");
    for (size_t i = 0; i < set->nprofilers; i++) {
        const struct pb_merged_profiler *p = &set->profilers[i];
        if (!p->nother_runs)
            continue;
        if (!any_dup)
            fprintf(f, "Measured in more than one run (the latest is shown, the others are "
                    "not used):\n\n");
        any_dup = 1;
        fprintf(f, "- ");
        pb_md_text(f, p->name, 0);
        fprintf(f, ": shown from run %zu; also in run", p->run + 1);
        fprintf(f, "%s", p->nother_runs > 1 ? "s" : "");
        for (size_t k = 0; k < p->nother_runs; k++)
            fprintf(f, "%s %zu", k ? "," : "", p->other_runs[k] + 1);
        {
            const struct pb_summary *old = set->runs[p->other_runs[0]];
            for (size_t j = 0; j < old->nprofilers; j++) {
                const struct pb_profiler_summary *o = &old->profilers[j];
                if (strcmp(o->name, p->name) == 0) {
                    char a[64], b[64];
                    int na = wall_count(old, o), nb = wall_count(set->runs[p->run], p->sum);
                    fmt_bound(a, sizeof a, o->wall.value, wall_at_least(o));
                    fmt_bound(b, sizeof b, p->sum->wall.value, wall_at_least(p->sum));
                    /* the means may be over different workloads: say so */
                    fprintf(f, " (wall time %s over %d workload%s there, %s over %d here)",
                            a, na, na == 1 ? "" : "s", b, nb);
                    break;
                }
            }
        }
        fprintf(f, "\n");
    }
    if (any_dup)
        fprintf(f, "\n");
    return 0;
}

/* What became of a pair in its profiler's means (kinds of left_out). */
enum fate { F_IN, F_BOUND, F_TIMEOUT, F_FAILED, F_NOT_RUN };

static enum fate fate_of(const struct pb_merged_profiler *p, const struct pb_pair *pr)
{
    switch (pr->status) {
    case PB_PAIR_TIMEOUT:
        return p->sum->wall_lower_bound && pr->lower_bound && pb_ratio_known(&pr->wall)
            ? F_BOUND : F_TIMEOUT;
    case PB_PAIR_FAILED: return F_FAILED;
    case PB_PAIR_NOT_RUN: return F_NOT_RUN;
    default: return F_IN;
    }
}

/* Workloads a profiler's means leave out: "2 timed out (julia, calls)";
 * timed-out ones its wall mean counts at their lower bound are out of
 * the CPU and memory means only, and said so. */
static void left_out(FILE *f, const struct pb_summary_set *set,
                     const struct pb_merged_profiler *p)
{
    static const char *const words[] = {
        [F_BOUND] = "timed out", [F_TIMEOUT] = "timed out", [F_FAILED] = "failed",
        [F_NOT_RUN] = "not run",
    };
    int any = 0;

    for (int k = F_BOUND; k <= F_NOT_RUN; k++) {
        int n = 0;
        for (size_t w = 0; w < set->nworkloads; w++)
            n += p->pairs[w] && fate_of(p, p->pairs[w]) == (enum fate)k;
        if (!n)
            continue;
        fprintf(f, "%s%d %s (", any ? "; " : "", n, words[k]);
        n = 0;
        for (size_t w = 0; w < set->nworkloads; w++) {
            if (p->pairs[w] && fate_of(p, p->pairs[w]) == (enum fate)k) {
                fprintf(f, "%s", n++ ? ", " : "");
                pb_md_text(f, set->workloads[w], 0);
            }
        }
        fprintf(f, ")%s", k == F_BOUND ? ": in the wall-time mean at ≥, not in the CPU and "
                "memory means" : "");
        any = 1;
    }
    if (!any)
        fprintf(f, "–");
}

static int sec_overhead(FILE *f, const struct ctx *c)
{
    const struct pb_summary_set *set = c->set;
    const struct pb_merged_profiler *lo = NULL, *hi = NULL;
    double conf = set->runs[0]->confidence;

    fprintf(f, "## Overhead\n\n");
    for (size_t i = 0; i < set->nprofilers; i++) {
        const struct pb_merged_profiler *p = &set->profilers[i];
        if (!pb_ratio_known(&p->sum->wall))
            continue;
        if (!lo)
            lo = p;
        hi = p;
    }
    if (lo && hi && lo != hi) {
        char a[32], b[32];
        fmt_bound(a, sizeof a, lo->sum->wall.value, wall_at_least(lo->sum));
        fmt_bound(b, sizeof b, hi->sum->wall.value, wall_at_least(hi->sum));
        fprintf(f, "Wall time with each profiler, relative to the same workload without one "
                "(geometric mean over the workloads). The cheapest is ");
        pb_md_text(f, lo->name, 0);
        fprintf(f, " at %s; the dearest ", a);
        pb_md_text(f, hi->name, 0);
        fprintf(f, " at %s", b);
        if (hi->pairs_at_bound)
            fprintf(f, " (at least: it timed out on %d workload%s)", hi->pairs_at_bound,
                    hi->pairs_at_bound == 1 ? "" : "s");
        fprintf(f, ".\n\n");
    }
    embed(f, c, "overhead");

    fprintf(f, "| profiler | version | wall time × (%.0f%% CI) | CPU time × | peak RSS × "
            "| workloads in the means | left out of the means |%s\n",
            isnan(conf) ? 95.0 : conf * 100, c->multi ? " run |" : "");
    fprintf(f, "|---|---|---:|---:|---:|---:|---|%s\n", c->multi ? "---:|" : "");
    for (size_t i = 0; i < set->nprofilers; i++) {
        const struct pb_merged_profiler *p = &set->profilers[i];
        char w[64], cpu[64], mem[64];
        int np = 0, known = pb_ratio_known(&p->sum->wall);

        for (size_t k = 0; k < set->nworkloads; k++)
            np += p->pairs[k] != NULL;
        fmt_ci(w, sizeof w, &p->sum->wall);
        fmt_ci(cpu, sizeof cpu, &p->sum->cpu);
        fmt_ci(mem, sizeof mem, &p->sum->mem);
        fprintf(f, "| ");
        pb_md_text(f, p->name, 0);
        fprintf(f, " | ");
        pb_md_text(f, p->sum->version ? p->sum->version : "?", 0);
        fprintf(f, " | %s%s%s%s | %s | %s | ", known ? "**" : "",
                wall_at_least(p->sum) ? "≥" : "", known ? w : "no result", known ? "**" : "",
                cpu, mem);
        /* The wall mean may count timed-out workloads the others cannot. */
        if (known && p->pairs_at_bound)
            fprintf(f, "%d of %d (CPU, memory: %d) | ", p->sum->workloads_ok + p->pairs_at_bound,
                    np, p->sum->workloads_ok);
        else
            fprintf(f, "%d of %d | ", p->sum->workloads_ok, np);
        left_out(f, set, p);
        fprintf(f, " |");
        if (c->multi)
            fprintf(f, " %zu |", p->run + 1);
        fprintf(f, "\n");
    }
    fprintf(f, "\nA ratio of 1× means no overhead. Means are over the workloads where the "
            "profiler finished; the last column names the workloads they leave out (see "
            "[Failures and timeouts](#failures-and-timeouts)).");
    for (size_t i = 0; i < set->nprofilers; i++) {
        if (wall_at_least(set->profilers[i].sum)) {
            fprintf(f, " ≥: the profiler timed out on some workloads, and they enter its "
                    "wall-time mean at their lower bound (the timeout over the baseline "
                    "time), so the mean is at least this; its CPU and memory means leave "
                    "them out, as there are no figures for them.");
            break;
        }
    }
    fprintf(f, "\n\n");
    return 0;
}

/* The head of a profiler x workload table; extra: more header cells
 * (" name |" each) after the workloads'. */
static void matrix_head(FILE *f, const struct pb_summary_set *set, const char *extra)
{
    int nextra = 0;

    fprintf(f, "| profiler |");
    for (size_t w = 0; w < set->nworkloads; w++) {
        fprintf(f, " ");
        pb_md_text(f, set->workloads[w], 0);
        fprintf(f, " |");
    }
    fprintf(f, "%s\n|---|", extra);
    for (const char *q = extra; *q; q++)
        nextra += *q == '|';
    for (size_t w = 0; w < set->nworkloads + (size_t)nextra; w++)
        fprintf(f, "---:|");
    fprintf(f, "\n");
}

/* The first cell of a profiler's row, "| name (run n) |". */
static void matrix_row_name(FILE *f, const struct ctx *c, const struct pb_merged_profiler *p)
{
    fprintf(f, "| ");
    pb_md_text(f, p->name, 0);
    if (c->multi)
        fprintf(f, " (run %zu)", p->run + 1);
    fprintf(f, " |");
}

/* A profiler x workload table of one ratio. */
static void matrix(FILE *f, const struct ctx *c, int mem)
{
    const struct pb_summary_set *set = c->set;
    int any_partial = 0, any_lower = 0, any_lower_mean = 0;
    int excl[3] = { 0 };        /* a mean leaves out: failed, not run, timed out */

    matrix_head(f, set, " geo. mean |");
    for (size_t i = 0; i < set->nprofilers; i++) {
        const struct pb_merged_profiler *p = &set->profilers[i];
        const struct pb_ratio *g = mem ? &p->sum->mem : &p->sum->wall;
        char cell[64];

        matrix_row_name(f, c, p);
        for (size_t w = 0; w < set->nworkloads; w++) {
            const struct pb_pair *pr = p->pairs[w];
            fmt_cell(cell, sizeof cell, pr, pr ? (mem ? &pr->mem : &pr->wall) : NULL);
            any_partial |= pr && pr->status == PB_PAIR_PARTIAL;
            any_lower |= !mem && pr && pr->status == PB_PAIR_TIMEOUT && pb_ratio_known(&pr->wall);
            if (pr && pb_ratio_known(g)) {
                enum fate fa = fate_of(p, pr);
                excl[0] |= fa == F_FAILED;
                excl[1] |= fa == F_NOT_RUN;
                excl[2] |= fa == F_TIMEOUT || (mem && fa == F_BOUND);
            }
            fprintf(f, " %s |", cell);
        }
        fmt_bound(cell, sizeof cell, g->value, !mem && wall_at_least(p->sum));
        any_lower_mean |= !mem && wall_at_least(p->sum);
        fprintf(f, " %s |\n", pb_ratio_known(g) ? cell : "no result");
    }
    fprintf(f, "\n");
    if (any_partial)
        fprintf(f, "\\* some runs of the pair failed; the value is from the others.  \n");
    if (c->multi)
        fprintf(f, "(run n): the run the row comes from (see [Runs](#runs)); –: the workload "
                "is not in that run.  \n");
    if (any_lower)
        fprintf(f, "≥: the runs timed out, so the ratio is at least the timeout over the "
                "baseline time%s.  \n", any_lower_mean ? "; a mean that counts such a "
                "workload at that bound is a lower bound too" : "");
    if (excl[0] || excl[1] || excl[2]) {
        static const char *const words[] = { "failed", "not-run", "timed-out" };
        int n = excl[0] + excl[1] + excl[2], k = 0;

        fprintf(f, "geo. mean: leaves out the ");
        for (int i = 0; i < 3; i++) {
            if (!excl[i])
                continue;
            k++;
            fprintf(f, "%s%s", k == 1 ? "" : k == n ? " and " : ", ", words[i]);
        }
        fprintf(f, " workloads%s.  \n", mem && excl[2] ? " (a timed-out run has no memory "
                "figures)" : "");
    }
    fprintf(f, "\n");
}

static int sec_workloads(FILE *f, const struct ctx *c)
{
    fprintf(f, "## Overhead per workload\n\n");
    fprintf(f, "Wall time ratio of each pair (median of the profiled runs over the median of "
            "the baseline runs of the same workload).\n\n");
    embed(f, c, "overhead-by-workload");
    matrix(f, c, 0);
    return 0;
}

/* How precisely each pair's wall ratio is known, and under runs: auto
 * which pairs reached the target and why the others stopped. */
static int sec_precision(FILE *f, const struct ctx *c)
{
    const struct pb_summary_set *set = c->set;
    int reached = 0, adaptive = 0, marks[2] = { 0, 0 };
    double target = NAN;
    int max_runs = 0;

    for (size_t r = 0; r < set->nruns; r++)
        if (!isnan(set->runs[r]->target_precision)) {
            target = set->runs[r]->target_precision;
            max_runs = set->runs[r]->max_runs;
        }
    for (size_t i = 0; i < set->nprofilers; i++)
        for (size_t w = 0; w < set->nworkloads; w++) {
            const struct pb_pair *pr = set->profilers[i].pairs[w];
            if (pr && pr->adaptive) {
                adaptive++;
                reached += !strcmp(pr->adaptive, "precise");
            }
        }
    fprintf(f, "## Precision\n\n");
    fprintf(f, "How precisely each wall-time ratio above is known: the half-width of its "
            "interval relative to the ratio (±2%% means from 0.98 to 1.02 times it), and in "
            "brackets the pair's measured runs. A single run on either side gives no "
            "interval (?). The interval of a ratio whose profiled or baseline runs are few "
            "is itself rough: with 3 runs a side it spans about their whole range.\n\n");
    if (adaptive) {
        char most[64] = "";
        if (max_runs > 0)
            snprintf(most, sizeof most, " (at most %d runs a pair)", max_runs);
        fprintf(f, "Repetitions were adaptive (`runs: auto`): rounds were added to each pair "
                "until its ratio was known to ±%.3g%%%s, or it timed out, or the time budget "
                "ran out. **%d of %d pairs reached the target.**\n\n", target * 100, most,
                reached, adaptive);
    }
    matrix_head(f, set, "");
    for (size_t i = 0; i < set->nprofilers; i++) {
        const struct pb_merged_profiler *p = &set->profilers[i];

        matrix_row_name(f, c, p);
        for (size_t w = 0; w < set->nworkloads; w++) {
            const struct pb_pair *pr = p->pairs[w];
            const char *mark = "";
            if (!pr) {
                fprintf(f, " – |");
                continue;
            }
            if (pr->adaptive && !strcmp(pr->adaptive, "max_runs")) {
                mark = " †";
                marks[0] = 1;
            } else if (pr->adaptive && !strcmp(pr->adaptive, "budget")) {
                mark = " ‡";
                marks[1] = 1;
            }
            if (pr->status == PB_PAIR_TIMEOUT)
                fprintf(f, " ≥ (timed out) |");
            else if (pr->status == PB_PAIR_FAILED || pr->status == PB_PAIR_NOT_RUN)
                fprintf(f, " %s |", pr->status == PB_PAIR_FAILED ? "failed" : "not run");
            else if (isnan(pr->precision) || pr->runs < 2)     /* older summaries had one */
                fprintf(f, " ? (%d)%s |", pr->runs, mark);
            else
                fprintf(f, " ±%.1f%% (%d)%s |", pr->precision * 100, pr->runs, mark);
        }
        fprintf(f, "\n");
    }
    fprintf(f, "\n");
    if (marks[0])
        fprintf(f, "†: not precise at the most runs a pair may take (`max_runs`): its runs, "
                "or its baseline's, scatter too much ([Warnings](#warnings) names outliers).  \n");
    if (marks[1])
        fprintf(f, "‡: stopped by the time budget (`budget`) before reaching the target.  \n");
    fprintf(f, "\n");
    return 0;
}

static int sec_memory(FILE *f, const struct ctx *c)
{
    fprintf(f, "## Memory overhead\n\n");
    fprintf(f, "Peak resident memory (RSS) summed over the whole process tree, so a "
            "profiler that runs as its own process (a sampler) counts too.\n\n");
    embed(f, c, "memory");
    matrix(f, c, 1);
    return 0;
}

static int sec_cpu(FILE *f, const struct ctx *c)
{
    fprintf(f, "## CPU time versus wall time\n\n");
    fprintf(f, "CPU time (user + system, whole process tree) against wall time, each "
            "relative to the baseline. A profiler above the diagonal spends CPU in "
            "parallel with the program, on another core or in another process "
            "(an out-of-process sampler such as py-spy, or a sampling thread); on the "
            "diagonal the program simply runs slower.\n\n");
    embed(f, c, "cpu-vs-wall");
    return 0;
}

/* One run's accuracy section (pb_accuracy_markdown), its heading naming
 * the run when several are merged; an accuracy.json that cannot be read
 * is a note in the report, not a failed report: the overhead figures
 * stand on their own. */
static int accuracy_of_run(FILE *f, const struct ctx *c, size_t r)
{
    const struct pb_summary_set *set = c->set;
    const char *dir = set->runs[r]->dir;
    char *rel = NULL, *prefix = NULL, *chart = NULL, *text = NULL, *body;
    char heading[64], msg[PB_ERROR_MSG_MAX + PB_ERROR_PATH_MAX + 32];
    size_t len = 0;
    struct pb_error err;
    FILE *m = NULL;
    int rc, ret = -1;

    pb_error_clear(&err);
    if (c->multi)
        snprintf(heading, sizeof heading, "## Accuracy (run %zu)", r + 1);
    else
        snprintf(heading, sizeof heading, "## Accuracy");

    /* Links from the report to the results directory's runs. */
    rel = pb_path_relative(c->report_dir, dir);
    if (rel && strcmp(rel, ".") != 0)
        prefix = pb_url_escape(rel);
    if (c->plots_dir) {
        char path[PATH_MAX];
        pb_plot_accuracy_path(set, r, path, sizeof path);
        chart = chart_link(c->report_dir, c->plots_dir, path, "png");
    }

    /* Into memory first: the heading may change, and a half-written
     * section must not reach the report. */
    m = open_memstream(&text, &len);
    if (!m)
        goto cleanup;
    rc = pb_accuracy_markdown(m, dir, prefix ? prefix : "", chart, &err);
    if (fclose(m) != 0) {
        m = NULL;
        goto cleanup;
    }
    m = NULL;
    if (rc == 1) {              /* gone since we looked */
        ret = 0;
        goto cleanup;
    }
    fprintf(f, "%s\n\n", heading);
    if (c->multi) {
        fprintf(f, "From run %zu, ", r + 1);
        pb_md_code(f, dir);
        fprintf(f, ".\n\n");
    }
    if (rc < 0) {
        fprintf(f, "*(The accuracy figures of this run are left out: ");
        pb_md_text(f, pb_error_format(&err, msg, sizeof msg), 600);
        fprintf(f, ".)*\n\n");
        ret = 0;
        goto cleanup;
    }
    /* Its own "## Accuracy" heading is replaced by ours. */
    body = text;
    if (strncmp(body, "## ", 3) == 0) {
        body += strcspn(body, "\n");
        body += strspn(body, "\n");
    }
    len = strlen(body);
    while (len && body[len - 1] == '\n')
        len--;
    fwrite(body, 1, len, f);
    fputs("\n\n", f);
    ret = 0;

cleanup:
    if (m)
        fclose(m);
    free(text);
    free(rel);
    free(prefix);
    free(chart);
    return ret;
}

/* For every run with accuracy.json (pbench accuracy): how well each
 * profiler attributes time and memory. A run of truth workloads whose
 * accuracy was not computed gets a pointer to the command. */
static int sec_accuracy(FILE *f, const struct ctx *c)
{
    const struct pb_summary_set *set = c->set;

    for (size_t r = 0; r < set->nruns; r++) {
        const char *dir = set->runs[r]->dir;

        if (pb_plot_has_accuracy(set, r)) {
            if (accuracy_of_run(f, c, r) < 0)
                return -1;
        } else if (pb_accuracy_has_truths(dir)) {
            if (c->multi)
                fprintf(f, "## Accuracy (run %zu)\n\n", r + 1);
            else
                fprintf(f, "## Accuracy\n\n");
            char *cmd = malloc(strlen(dir) + 32);
            if (!cmd)
                return -1;
            sprintf(cmd, "pbench accuracy %s", dir);
            pb_md_code(f, dir);
            fprintf(f, " ran truth workloads, but has no accuracy.json yet: ");
            pb_md_code(f, cmd);
            fprintf(f, " computes it, then `pbench report` again shows it here.\n\n");
            free(cmd);
        }
    }
    return 0;
}

/* Every pair that did not simply succeed, among those the report shows
 * (the baselines included: a failed baseline leaves a workload without
 * ratios). */
static int sec_failures(FILE *f, const struct ctx *c)
{
    const struct pb_summary_set *set = c->set;
    int n = 0;

    fprintf(f, "## Failures and timeouts\n\n");
    for (size_t r = 0; r < set->nruns; r++) {
        const struct pb_summary *s = set->runs[r];
        for (size_t i = 0; i < s->npairs; i++) {
            const struct pb_pair *p = &s->pairs[i];
            const struct pb_merged_profiler *m;
            char reason[64] = "";

            if (p->status == PB_PAIR_OK)
                continue;
            m = merged(set, p->profiler);
            if (strcmp(p->profiler, s->baseline) != 0 && (!m || m->run != r))
                continue;       /* a run not shown for this profiler */
            if (n++ == 0) {
                fprintf(f, "| profiler | workload | status | runs | failed | timed out "
                        "| first error |%s\n", c->multi ? " run |" : "");
                fprintf(f, "|---|---|---|---:|---:|---:|---|%s\n", c->multi ? "---:|" : "");
            }
            fprintf(f, "| ");
            pb_md_text(f, p->profiler, 0);
            if (strcmp(p->profiler, s->baseline) == 0)
                fprintf(f, " (baseline)");
            fprintf(f, " | ");
            pb_md_text(f, p->workload, 0);
            if (p->status == PB_PAIR_TIMEOUT && !isnan(p->timeout_s))
                snprintf(reason, sizeof reason, " after %g s", p->timeout_s);
            fprintf(f, " | %s%s | %d | %d | %d | ", pb_pair_status_name(p->status), reason,
                    p->runs, p->failures, p->timeouts);
            pb_md_text(f, p->failure_reason ? p->failure_reason : "(no reason recorded)", 300);
            fprintf(f, " |");
            if (c->multi)
                fprintf(f, " %zu |", r + 1);
            fprintf(f, "\n");
        }
    }
    if (!n)
        fprintf(f, "None: every run of every pair finished.\n\n");
    else
        fprintf(f, "\nThe raw output of each run (stdout.txt, stderr.txt) is under "
                "`raw/<workload>/<profiler>/<round>/` in its results directory.\n\n");
    return 0;
}

/* The warnings of the runs and of their pairs (aggregate.h), which a
 * user can act on; nothing when there are none. */
static int sec_warnings(FILE *f, const struct ctx *c)
{
    const struct pb_summary_set *set = c->set;
    size_t n = 0;

    for (size_t r = 0; r < set->nruns; r++) {
        n += set->runs[r]->nwarnings;
        for (size_t i = 0; i < set->runs[r]->npairs; i++)
            n += set->runs[r]->pairs[i].nwarnings;
    }
    if (n == 0)
        return 0;
    fprintf(f, "## Warnings\n\n");
    fprintf(f, "Things that may have disturbed the figures, and what to do about them.\n\n");
    for (size_t r = 0; r < set->nruns; r++) {
        const struct pb_summary *s = set->runs[r];
        char run[32] = "";
        if (c->multi)
            snprintf(run, sizeof run, "(run %zu) ", r + 1);
        for (size_t k = 0; k < s->nwarnings; k++) {
            fprintf(f, "- %s", run);
            pb_md_text(f, s->warnings[k], 0);
            fprintf(f, "\n");
        }
        for (size_t i = 0; i < s->npairs; i++)
            for (size_t k = 0; k < s->pairs[i].nwarnings; k++) {
                fprintf(f, "- %s**", run);
                pb_md_text(f, s->pairs[i].workload, 0);
                fprintf(f, " × ");
                pb_md_text(f, s->pairs[i].profiler, 0);
                fprintf(f, "**: ");
                pb_md_text(f, s->pairs[i].warnings[k], 0);
                fprintf(f, "\n");
            }
    }
    fprintf(f, "\n");
    return 0;
}

static int sec_baseline(FILE *f, const struct ctx *c)
{
    const struct pb_summary_set *set = c->set;
    int n = 0;

    fprintf(f, "## Baseline\n\n");
    for (size_t r = 0; r < set->nruns; r++) {
        const struct pb_summary *s = set->runs[r];
        for (size_t i = 0; i < s->npairs; i++) {
            const struct pb_pair *p = &s->pairs[i];
            if (strcmp(p->profiler, s->baseline) != 0)
                continue;
            if (n++ == 0) {
                fprintf(f, "The workloads without a profiler (`");
                pb_md_text(f, s->baseline, 0);
                fprintf(f, "`), medians of the measured runs: the times every ratio "
                        "above divides by.\n\n");
                fprintf(f, "| workload | wall time (s) | CPU time (s) | peak RSS (MiB) "
                        "| runs |%s\n", c->multi ? " run |" : "");
                fprintf(f, "|---|---:|---:|---:|---:|%s\n", c->multi ? "---:|" : "");
            }
            fprintf(f, "| ");
            pb_md_text(f, p->workload, 0);
            if (isnan(p->wall_median_s))
                fprintf(f, " | %s | – | – | %d |", pb_pair_status_name(p->status), p->runs);
            else
                fprintf(f, " | %.3f | %.3f | %.1f | %d |", p->wall_median_s,
                        p->cpu_median_s, p->tree_peak_rss_median_kb / 1024, p->runs);
            if (c->multi)
                fprintf(f, " %zu |", r + 1);
            fprintf(f, "\n");
        }
    }
    if (!n)
        fprintf(f, "The summary holds no baseline medians.\n");
    fprintf(f, "\n");
    return 0;
}

static void meta_row(FILE *f, const struct ctx *c, const char *label,
                     void (*cell)(FILE *, const struct pb_summary *))
{
    fprintf(f, "| %s |", label);
    for (size_t r = 0; r < c->set->nruns; r++) {
        fprintf(f, " ");
        cell(f, c->set->runs[r]);
        fprintf(f, " |");
    }
    fprintf(f, "\n");
}

static void cell_host(FILE *f, const struct pb_summary *s)
{
    pb_md_text(f, s->meta.hostname ? s->meta.hostname : "?", 0);
}

static void cell_cpu(FILE *f, const struct pb_summary *s)
{
    pb_md_text(f, s->meta.cpu_model ? s->meta.cpu_model : "?", 0);
    if (s->meta.cores > 0)
        fprintf(f, ", %d cores", s->meta.cores);
}

static void cell_mem(FILE *f, const struct pb_summary *s)
{
    if (isnan(s->meta.mem_total_kb))
        fprintf(f, "?");
    else
        fprintf(f, "%.1f GiB", s->meta.mem_total_kb / 1048576.0);
}

static void cell_kernel(FILE *f, const struct pb_summary *s)
{
    pb_md_text(f, s->meta.kernel ? s->meta.kernel : "?", 0);
}

static void cell_python(FILE *f, const struct pb_summary *s)
{
    pb_md_text(f, s->meta.python_implementation ? s->meta.python_implementation : "Python", 0);
    fprintf(f, " ");
    pb_md_text(f, s->meta.python_version ? s->meta.python_version : "?", 0);
    if (s->meta.python_path) {
        fprintf(f, " (");
        pb_md_code(f, s->meta.python_path);
        fprintf(f, ")");
    }
}

static void cell_pbench(FILE *f, const struct pb_summary *s)
{
    pb_md_text(f, s->meta.pbench_version ? s->meta.pbench_version : "?", 0);
}

static void cell_config(FILE *f, const struct pb_summary *s)
{
    pb_md_code(f, s->meta.config ? s->meta.config : "?");
    if (s->meta.config_hash)
        fprintf(f, " (config hash %s)", s->meta.config_hash);
}

static void cell_seed(FILE *f, const struct pb_summary *s)
{
    if (s->meta.has_seed)
        fprintf(f, "%lld", s->meta.seed);
    else
        fprintf(f, "?");
}

static void cell_started(FILE *f, const struct pb_summary *s)
{
    char t[64], d[64];

    fmt_time(t, sizeof t, s->meta.started);
    pb_fmt_duration_words(s->meta.elapsed_s, d, sizeof d);
    fprintf(f, "%s (%s%s)", t, s->meta.finished ? "took " : "did not finish; ",
            s->meta.finished ? d : "no end time");
}

static void cell_load(FILE *f, const struct pb_summary *s)
{
    const double *a = s->meta.loadavg_start, *b = s->meta.loadavg_end;

    if (isnan(a[0]))
        fprintf(f, "?");
    else
        fprintf(f, "%.2f %.2f %.2f", a[0], a[1], a[2]);
    if (!isnan(b[0]))
        fprintf(f, " → %.2f %.2f %.2f", b[0], b[1], b[2]);
}

static void cell_dir(FILE *f, const struct pb_summary *s)
{
    pb_md_code(f, s->dir);
}

static int sec_machine(FILE *f, const struct ctx *c)
{
    const struct pb_summary_set *set = c->set;

    fprintf(f, "## Machine and versions\n\n|  |");
    for (size_t r = 0; r < set->nruns; r++) {
        if (c->multi)
            fprintf(f, " run %zu |", r + 1);
        else
            fprintf(f, "  |");
    }
    fprintf(f, "\n|---|");
    for (size_t r = 0; r < set->nruns; r++)
        fprintf(f, "---|");
    fprintf(f, "\n");
    meta_row(f, c, "results", cell_dir);
    meta_row(f, c, "host", cell_host);
    meta_row(f, c, "CPU", cell_cpu);
    meta_row(f, c, "memory", cell_mem);
    meta_row(f, c, "kernel", cell_kernel);
    meta_row(f, c, "Python", cell_python);
    meta_row(f, c, "pbench", cell_pbench);
    meta_row(f, c, "config", cell_config);
    meta_row(f, c, "seed", cell_seed);
    meta_row(f, c, "started", cell_started);
    meta_row(f, c, "load average (1, 5, 15 min), start → end", cell_load);
    fprintf(f, "\n");

    fprintf(f, "| profiler | version |%s\n|---|---|%s\n", c->multi ? " run |" : "",
            c->multi ? "---:|" : "");
    for (size_t i = 0; i < set->nprofilers; i++) {
        const struct pb_merged_profiler *p = &set->profilers[i];
        fprintf(f, "| ");
        pb_md_text(f, p->name, 0);
        fprintf(f, " | ");
        pb_md_text(f, p->sum->version ? p->sum->version : "?", 0);
        fprintf(f, " |");
        if (c->multi)
            fprintf(f, " %zu |", p->run + 1);
        fprintf(f, "\n");
    }
    fprintf(f, "\n");
    return 0;
}

static int sec_method(FILE *f, const struct ctx *c)
{
    double conf = c->set->runs[0]->confidence;

    fprintf(f, "## How to read this\n\n");
    fprintf(f, "- A *run* is one execution of a workload under a profiler (or none); "
            "every round runs each pair once, in shuffled order, so slow drifts of the "
            "machine hit every profiler alike. Warm-up rounds are not counted.\n");
    fprintf(f, "- A pair's ratio is the median of its runs over the median of the "
            "baseline runs of the same workload in the same results directory. The "
            "interval is a %.0f%% percentile bootstrap that resamples both sides.\n",
            isnan(conf) ? 95.0 : conf * 100);
    fprintf(f, "- A profiler's means are geometric means of its ratios over the "
            "workloads where it finished (status ok or partial). A timed-out pair has no "
            "figures, only a lower bound for its wall-time ratio: the timeout over the "
            "baseline time, shown with ≥. It enters the wall-time mean at that bound, which "
            "makes the mean a lower bound too (≥), and is left out of the CPU and memory "
            "means. Failed pairs are left out of every mean. The tables name what each "
            "mean leaves out.\n");
    for (size_t i = 0; i < c->set->nprofilers; i++) {
        const struct pb_merged_profiler *p = &c->set->profilers[i];
        if (p->pairs_timeout > p->pairs_at_bound && pb_ratio_known(&p->sum->wall)) {
            fprintf(f, "- Some timed-out pairs here are left out of the wall-time mean as "
                    "well: their results were summarized before pbench counted timeouts at "
                    "their lower bound (or have no baseline time to divide by). "
                    "`pbench summarize RESULTS_DIR` recomputes them.\n");
            break;
        }
    }
    fprintf(f, "- Regenerate this report with `pbench report RESULTS_DIR`; "
            "the charts' gnuplot scripts and data sit beside them.\n");
    return 0;
}

/* The report, top to bottom. A new section is a function above and a
 * row here. */
static const struct {
    const char *name;
    int (*write)(FILE *, const struct ctx *);
} sections[] = {
    { "title", sec_title },
    { "runs", sec_runs },
    { "overhead", sec_overhead },
    { "workloads", sec_workloads },
    { "precision", sec_precision },
    { "memory", sec_memory },
    { "cpu", sec_cpu },
    { "accuracy", sec_accuracy },
    { "failures", sec_failures },
    { "warnings", sec_warnings },
    { "baseline", sec_baseline },
    { "machine", sec_machine },
    { "method", sec_method },
};

int pb_report_write_set(const struct pb_summary_set *set, const char *report_path,
                        const char *plots_dir, struct pb_error *err)
{
    struct ctx c = { .set = set, .plots_dir = plots_dir, .multi = set->nruns > 1 };
    char *report_dir = pb_path_dir(report_path), *tmp = NULL;
    FILE *f = NULL;
    int ret = -1, bad;
    size_t n;

    if (!report_dir) {
        pb_error_set(err, "out of memory");
        goto cleanup;
    }
    c.report_dir = report_dir;
    for (size_t r = 0; r < set->nruns; r++)
        c.any_accuracy |= pb_plot_has_accuracy(set, r);
    if (plots_dir) {
        for (int i = 0; pb_plot_charts[i].name && i < 8; i++) {
            c.png[i] = chart_link(report_dir, plots_dir, pb_plot_charts[i].name, "png");
            c.svg[i] = chart_link(report_dir, plots_dir, pb_plot_charts[i].name, "svg");
            c.gp[i] = chart_link(report_dir, plots_dir, pb_plot_charts[i].name, "gp");
        }
    }
    n = strlen(report_path) + 16;
    tmp = malloc(n);
    if (!tmp) {
        pb_error_set(err, "out of memory");
        goto cleanup;
    }
    snprintf(tmp, n, "%s.tmp%ld", report_path, (long)getpid());
    f = fopen(tmp, "w");
    if (!f) {
        int e = errno;
        pb_error_at(err, report_path, 0, 0, "cannot write the report");
        pb_error_errno(err, e);
        goto cleanup;
    }
    for (size_t i = 0; i < sizeof sections / sizeof sections[0]; i++) {
        if (sections[i].write(f, &c) < 0) {
            pb_error_at(err, report_path, 0, 0, "cannot write the %s section", sections[i].name);
            goto cleanup;
        }
    }
    bad = ferror(f);
    if (fclose(f) != 0 || bad) {
        int e = errno ? errno : EIO;
        f = NULL;
        pb_error_at(err, report_path, 0, 0, "cannot write the report");
        pb_error_errno(err, e);
        goto cleanup;
    }
    f = NULL;
    if (rename(tmp, report_path) < 0) {
        int e = errno;
        pb_error_at(err, report_path, 0, 0, "cannot write the report");
        pb_error_errno(err, e);
        goto cleanup;
    }
    ret = 0;

cleanup:
    if (f)
        fclose(f);
    if (ret < 0 && tmp)
        unlink(tmp);
    free(tmp);
    free(report_dir);
    for (int i = 0; i < 8; i++) {
        free(c.png[i]);
        free(c.svg[i]);
        free(c.gp[i]);
    }
    return ret;
}

int pb_report_write(const char *const *results_dirs, size_t ndirs, const char *report_path,
                    const char *plots_dir, struct pb_error *err)
{
    struct pb_summary_set *set = pb_summary_set_load(results_dirs, ndirs, err);
    int r;

    if (!set)
        return -1;
    r = pb_report_write_set(set, report_path, plots_dir, err);
    pb_summary_set_free(set);
    return r;
}

/* ---- pbench report ---- */

static void report_usage(FILE *f)
{
    fprintf(f, "usage: pbench report RESULTS_DIR... [-o FILE] [--plots DIR] [--no-plot] "
            "[--gnuplot PATH]\n"
            "  -o, --output FILE  the report (default: report.md in the first RESULTS_DIR)\n"
            "  --plots DIR        where its charts go (default: plots/ in the first RESULTS_DIR)\n"
            "  --no-plot          do not run gnuplot; embed the charts already in DIR\n"
            "  --gnuplot PATH     the gnuplot to run (default: gnuplot from PATH)\n");
}

int pb_report_cmd(int argc, char **argv)
{
    static const struct option longopts[] = {
        { "output", required_argument, NULL, 'o' },
        { "plots", required_argument, NULL, 'p' },
        { "no-plot", no_argument, NULL, 'n' },
        { "gnuplot", required_argument, NULL, 'g' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    struct pb_plot_opts opts;
    struct pb_error err;
    struct pb_summary_set *set = NULL;
    const char *out = NULL, *plots = NULL;
    char *def_out = NULL, *def_plots = NULL;
    char msg[PB_ERROR_MSG_MAX + PB_ERROR_PATH_MAX + 32];
    int ch, no_plot = 0, ret = 1;

    pb_plot_opts_init(&opts);
    pb_error_clear(&err);
    optind = 0;
    opterr = 0;
    while ((ch = getopt_long(argc, argv, "o:h", longopts, NULL)) != -1) {
        switch (ch) {
        case 'o':
            out = optarg;
            break;
        case 'p':
            plots = optarg;
            break;
        case 'n':
            no_plot = 1;
            break;
        case 'g':
            opts.gnuplot = optarg;
            break;
        case 'h':
            report_usage(stdout);
            return 0;
        default:
            fprintf(stderr, "pbench report: unknown option '%s'\n", argv[optind - 1]);
            report_usage(stderr);
            return 2;
        }
    }
    if (optind >= argc) {
        fprintf(stderr, "pbench report: no results directory given\n");
        report_usage(stderr);
        return 2;
    }
    set = pb_summary_set_load((const char *const *)argv + optind, (size_t)(argc - optind), &err);
    if (!set) {
        fprintf(stderr, "pbench report: %s\n", pb_error_format(&err, msg, sizeof msg));
        return 1;
    }
    if (!out) {
        size_t n = strlen(argv[optind]) + 16;
        def_out = malloc(n);
        if (def_out)
            snprintf(def_out, n, "%s/report.md", argv[optind]);
        out = def_out;
    }
    if (!plots) {
        size_t n = strlen(argv[optind]) + 16;
        def_plots = malloc(n);
        if (def_plots)
            snprintf(def_plots, n, "%s/plots", argv[optind]);
        plots = def_plots;
    }
    if (!out || !plots) {
        fprintf(stderr, "pbench report: out of memory\n");
        goto cleanup;
    }
    if (!no_plot && pb_plot_write_set(set, plots, &opts, &err) < 0) {
        fprintf(stderr, "pbench report: %s\n", pb_error_format(&err, msg, sizeof msg));
        goto cleanup;
    }
    if (pb_report_write_set(set, out, plots, &err) < 0) {
        fprintf(stderr, "pbench report: %s\n", pb_error_format(&err, msg, sizeof msg));
        goto cleanup;
    }
    printf("%s (charts in %s)\n", out, plots);
    ret = 0;

cleanup:
    pb_summary_set_free(set);
    free(def_out);
    free(def_plots);
    return ret;
}
