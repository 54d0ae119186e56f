/* The end-of-run summary table. See table.h. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "output/table.h"

#define MAX_WORKLOADS 256
#define MAX_WARNINGS_SHOWN 15

static int cmp_wall(const void *a, const void *b)
{
    const struct pb_profiler_summary *x = *(const struct pb_profiler_summary *const *)a;
    const struct pb_profiler_summary *y = *(const struct pb_profiler_summary *const *)b;

    if (isnan(x->wall.value) != isnan(y->wall.value))
        return isnan(x->wall.value) ? 1 : -1;
    return x->wall.value < y->wall.value ? -1 : x->wall.value > y->wall.value;
}

static void fmt_ci(const struct pb_ratio *r, char *buf, size_t n)
{
    if (!pb_ratio_known(r))
        snprintf(buf, n, "-");
    else
        snprintf(buf, n, "%.2fx [%.2f-%.2f]", r->value, r->lo, r->hi);
}

/* Profiler p's mean m, ">=" first when it is a lower bound. */
static void fmt_mean(const struct pb_profiler_summary *p, enum pb_mean m, char *buf, size_t n)
{
    char v[64];

    fmt_ci(pb_profiler_mean(p, m), v, sizeof v);
    snprintf(buf, n, "%s%s", pb_profiler_mean_bound(p, m) ? ">=" : "", v);
}

/* "workload x profiler", with " on python" under the Python axis. */
static const char *pair_name(const struct pb_pair *p, char *buf, size_t n)
{
    snprintf(buf, n, "%s x %s%s%s", p->workload, p->profiler, p->python ? " on " : "",
             p->python ? p->python : "");
    return buf;
}

static int is_baseline(const struct pb_summary *s, const char *profiler)
{
    return s->baseline && !strcmp(profiler, s->baseline);
}

static const char *label(const struct pb_profiler_summary *p)
{
    return p->label ? p->label : p->name;
}

/* The width of the profiler column: its longest label, at least 16. */
static int name_width(const struct pb_profiler_summary *const *rows, size_t np)
{
    size_t w = 16;

    for (size_t i = 0; i < np; i++)
        if (strlen(label(rows[i])) > w)
            w = strlen(label(rows[i]));
    return (int)(w < 60 ? w : 60);
}

/* What a profiler's means cover: "5 ok, 2 not", "5 ok + 2 >=, 0 not"
 * (timed-out workloads in the means at their bound), and for an older
 * summary whose CPU and memory means left them out, "(cpu, mem: 5)". */
static void fmt_workloads(const struct pb_profiler_summary *p, char *buf, size_t n)
{
    int bound = p->workloads_at_bound;
    int wall = pb_profiler_mean_workloads(p, PB_MEAN_WALL);

    if (bound)
        snprintf(buf, n, "%d ok + %d >=, %d not", p->workloads_ok, bound,
                 p->workloads_failed - bound);
    else
        snprintf(buf, n, "%d ok, %d not", p->workloads_ok, p->workloads_failed);
    if (!pb_profiler_means_agree(p)) {
        size_t len = strlen(buf);
        snprintf(buf + len, n - len, " (wall %d; cpu %d, mem %d)", wall,
                 pb_profiler_mean_workloads(p, PB_MEAN_CPU), pb_profiler_mean_workloads(p, PB_MEAN_MEM));
    }
}

static void overhead(FILE *out, const struct pb_profiler_summary *const *rows, size_t np)
{
    int nw = name_width(rows, np);

    fprintf(out, "\nOverhead: normalized time (profiled / plain), geometric mean over workloads, 95%% CI\n"
                 "('>=': a lower bound: timed-out workloads entered the mean at what they had\n"
                 "reached when killed: the timeout, the CPU time and the peak RSS by then)\n\n");
    fprintf(out, "%-*s %-24s %-24s %-24s %s\n", nw, "profiler", "wall", "cpu", "memory (tree RSS)",
            "workloads");
    for (size_t i = 0; i < np; i++) {
        char a[80], b[80], c[80], w[96];
        fmt_mean(rows[i], PB_MEAN_WALL, a, sizeof a);
        fmt_mean(rows[i], PB_MEAN_CPU, b, sizeof b);
        fmt_mean(rows[i], PB_MEAN_MEM, c, sizeof c);
        fmt_workloads(rows[i], w, sizeof w);
        fprintf(out, "%-*s %-24s %-24s %-24s %s\n", nw, label(rows[i]), a, b, c, w);
    }
}

/* Which workloads the means of a profiler the config left out of some
 * (`skip:`) cover, and which it skipped, with the reasons. */
static void skipped(FILE *out, const struct pb_profiler_summary *const *rows, size_t np)
{
    int header = 0;

    for (size_t i = 0; i < np; i++) {
        const struct pb_profiler_summary *p = rows[i];
        if (!p->nskipped)
            continue;
        if (!header++)
            fprintf(out, "\n");
        int n = pb_profiler_mean_workloads(p, PB_MEAN_WALL);
        fprintf(out, "%s: mean over %d workload%s; skipped: ", label(p), n, n == 1 ? "" : "s");
        for (size_t k = 0; k < p->nskipped; k++)
            fprintf(out, "%s%s%s%s%s", k ? ", " : "", p->skipped[k].workload,
                    p->skipped[k].reason ? " (" : "", p->skipped[k].reason ? p->skipped[k].reason : "",
                    p->skipped[k].reason ? ")" : "");
        fprintf(out, "\n");
    }
}

static void matrix(FILE *out, const struct pb_summary *s, const struct pb_profiler_summary *const *rows,
                   size_t np)
{
    const char *workloads[MAX_WORKLOADS];
    size_t nw = 0;

    for (size_t i = 0; i < s->npairs; i++) {
        size_t k = 0;
        while (k < nw && strcmp(workloads[k], s->pairs[i].workload))
            k++;
        if (k == nw && nw < MAX_WORKLOADS)
            workloads[nw++] = s->pairs[i].workload;
    }
    fprintf(out, "\nNormalized wall time per workload (median ratio; '>' = lower bound after a timeout)\n\n");
    int pw = name_width(rows, np);
    fprintf(out, "%-*s", pw, "profiler");
    for (size_t k = 0; k < nw; k++)
        fprintf(out, " %9.9s", workloads[k]);
    fprintf(out, "\n");
    for (size_t i = 0; i < np; i++) {
        fprintf(out, "%-*s", pw, label(rows[i]));
        for (size_t k = 0; k < nw; k++) {
            const struct pb_pair *cell = pb_summary_pair_on(s, workloads[k], rows[i]->name, rows[i]->python);
            char buf[32] = "-";
            if (cell && cell->lower_bound)
                snprintf(buf, sizeof buf, ">%.0fx", cell->wall.value);
            else if (cell && pb_ratio_known(&cell->wall))
                snprintf(buf, sizeof buf, "%.2fx%s", cell->wall.value,
                         cell->status == PB_PAIR_PARTIAL ? "*" : "");
            else if (cell)
                snprintf(buf, sizeof buf, "%s", pb_pair_status_name(cell->status));
            else if (pb_summary_skipped(rows[i], workloads[k]))
                snprintf(buf, sizeof buf, "skipped");
            fprintf(out, " %9s", buf);
        }
        fprintf(out, "\n");
    }
}

/* workloads with sizes: the fixed start-up cost and the per-work slowdown */
static void scaling(FILE *out, const struct pb_summary *s)
{
    if (!s->nscaling)
        return;
    fprintf(out, "\nStart-up versus steady state (time = start-up + slope x size, fitted over the sizes)\n\n");
    fprintf(out, "%-14s %-16s %-26s %-24s %s\n", "workload", "profiler", "start-up cost (s)",
            "steady-state overhead", "R^2 (plain)");
    for (size_t i = 0; i < s->nscaling; i++) {
        const struct pb_scaling *e = &s->scaling[i];
        char a[64], b[64];
        snprintf(a, sizeof a, "%+.3f [%+.3f, %+.3f]", e->startup_s.value, e->startup_s.lo,
                 e->startup_s.hi);
        fmt_ci(&e->steady, b, sizeof b);
        char pb[200];
        snprintf(pb, sizeof pb, "%s%s%s%s", e->profiler, e->python ? " (" : "", e->python ? e->python : "",
                 e->python ? ")" : "");
        fprintf(out, "%-14s %-16s %-26s %-24s %.3f (%.3f)\n", e->workload, pb, a, b, e->r2,
                e->r2_baseline);
    }
}

static const char *why_text(const char *why)
{
    return !strcmp(why, "timeout") ? "timed out: a lower bound"
         : !strcmp(why, "max_runs") ? "the matrix reached max_runs rounds"
         : !strcmp(why, "budget") ? "stopped by the time budget"
         : !strcmp(why, "unfinished") ? "the run was interrupted" : "no successful run";
}

/* runs: auto: which pairs reached the target, and why the others stopped */
static void precision(FILE *out, const struct pb_summary *s)
{
    size_t n = 0, reached = 0;

    if (!s->has_adaptive)
        return;
    /* the baseline's own pairs (plain x plain) are no ratio to report */
    for (size_t i = 0; i < s->npairs; i++) {
        const struct pb_pair *p = &s->pairs[i];
        if (!p->adaptive || is_baseline(s, p->profiler))
            continue;
        n++;
        reached += !strcmp(p->adaptive, "precise");
    }
    fprintf(out, "\nruns: auto: %zu of %zu pairs reached +/-%.1f%% (95%% interval of the wall ratio)\n",
            reached, n, s->target_precision * 100);
    for (size_t i = 0; i < s->npairs; i++) {
        const struct pb_pair *p = &s->pairs[i];
        char pbuf[32] = "-";
        if (!p->adaptive || !strcmp(p->adaptive, "precise") || is_baseline(s, p->profiler))
            continue;
        if (!isnan(p->precision))
            snprintf(pbuf, sizeof pbuf, "+/-%.1f%%", p->precision * 100);
        char nb[300];
        fprintf(out, "  %s: %s after %d runs (%s)\n", pair_name(p, nb, sizeof nb), pbuf, p->runs,
                why_text(p->adaptive));
    }
}

/* What pbench itself added to the matrix: its time between runs (start
 * a run, record it, decide the next round), against the runs' own. */
static void harness_time(FILE *out, const struct pb_summary *s)
{
    double total = s->meta.elapsed_s, runs = s->runs_wall_s;

    if (isnan(total) || isnan(runs) || total <= 0)
        return;
    fprintf(out, "\nTime: the runs took %.1f s of the matrix's %.1f s; pbench between runs: %.1f s "
            "(%.1f%%)\n", runs, total, total - runs, (total - runs) / total * 100);
}

/* what a user can act on: the machine, then pairs with noisy runs */
static void warnings(FILE *out, const struct pb_summary *s)
{
    size_t nwarn = 0, shown = 0;

    for (size_t i = 0; i < s->npairs; i++)
        nwarn += s->pairs[i].nwarnings;
    if (!s->nwarnings && !nwarn)
        return;
    fprintf(out, "\nWarnings:\n");
    for (size_t k = 0; k < s->nwarnings; k++)
        fprintf(out, "  %s\n", s->warnings[k]);
    for (size_t i = 0; i < s->npairs; i++)
        for (size_t k = 0; k < s->pairs[i].nwarnings; k++)
            if (shown++ < MAX_WARNINGS_SHOWN) {
                char nb[300];
                fprintf(out, "  %s: %s\n", pair_name(&s->pairs[i], nb, sizeof nb), s->pairs[i].warnings[k]);
            }
    if (shown > MAX_WARNINGS_SHOWN)
        fprintf(out, "  (%zu more in summary.json)\n", shown - MAX_WARNINGS_SHOWN);
}

static void problems(FILE *out, const struct pb_summary *s)
{
    int header = 0;

    for (size_t i = 0; i < s->npairs; i++) {
        const struct pb_pair *p = &s->pairs[i];
        if (p->status == PB_PAIR_OK)
            continue;
        if (!header++)
            fprintf(out, "\nPairs with problems (* above = some runs failed):\n");
        char nb[300];
        fprintf(out, "  %s: %s (%d ok, %d failed, %d timed out)%s%s\n", pair_name(p, nb, sizeof nb),
                pb_pair_status_name(p->status), p->runs, p->failures, p->timeouts,
                p->failure_reason ? ": " : "", p->failure_reason ? p->failure_reason : "");
    }
}

void pb_table_print_summary(FILE *out, const struct pb_summary *s)
{
    const struct pb_profiler_summary **rows = calloc(s->nprofilers + 1, sizeof *rows);

    if (!rows)
        return;
    for (size_t i = 0; i < s->nprofilers; i++)
        rows[i] = &s->profilers[i];
    qsort(rows, s->nprofilers, sizeof *rows, cmp_wall);
    overhead(out, rows, s->nprofilers);
    skipped(out, rows, s->nprofilers);
    matrix(out, s, rows, s->nprofilers);
    scaling(out, s);
    precision(out, s);
    harness_time(out, s);
    warnings(out, s);
    problems(out, s);
    free(rows);
}
