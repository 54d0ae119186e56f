/*
 * report_overhead: the report's sections on what the profilers cost:
 * the overhead table, the profiler x workload tables of wall time and
 * memory, how precisely each ratio is known, and CPU against wall time;
 * each with its chart when the plots directory has it.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "output/plot.h"
#include "output/report_section.h"
#include "util/text.h"

/* The text of one matrix cell for a ratio of a pair. */
static void fmt_cell(char *buf, size_t n, const struct pb_pair *p, const struct pb_ratio *r)
{
    char v[32];

    if (!p) {
        snprintf(buf, n, "–");
        return;
    }
    pb_fmt_ratio(r->value, v, sizeof v);
    switch (p->status) {
    case PB_PAIR_OK:
        snprintf(buf, n, "%s", pb_ratio_known(r) ? v : "–");
        break;
    case PB_PAIR_PARTIAL:
        snprintf(buf, n, "%s\\*", pb_ratio_known(r) ? v : "–");
        break;
    case PB_PAIR_TIMEOUT:      /* a bound; older summaries have none for memory */
        if (pb_ratio_known(r))
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

static int chart_index(const char *name)
{
    for (int i = 0; pb_plot_charts[i].name; i++)
        if (strcmp(pb_plot_charts[i].name, name) == 0)
            return i;
    return -1;
}

/* Embeds a chart, with links to its SVG and script; or says it is missing. */
static void embed(FILE *f, const struct pb_report_ctx *c, const char *name)
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

/* What became of a pair in its profiler's mean m (kinds of left_out). */
enum fate { F_IN, F_BOUND, F_TIMEOUT, F_FAILED, F_NOT_RUN };

static enum fate fate_of(const struct pb_merged_profiler *p, const struct pb_pair *pr, enum pb_mean m)
{
    switch (pr->status) {
    case PB_PAIR_TIMEOUT:
        return pb_profiler_mean_bound(p->sum, m) && pr->lower_bound && pb_ratio_known(&pr->wall)
            ? F_BOUND : F_TIMEOUT;
    case PB_PAIR_FAILED: return F_FAILED;
    case PB_PAIR_NOT_RUN: return F_NOT_RUN;
    default: return F_IN;
    }
}

/* Workloads a profiler's means leave out, or take in at a bound: "2 timed
 * out (julia, calls): in the means at their lower bound (≥)". An older
 * summary's CPU and memory means left out what its wall mean took in at
 * its bound: said so. */
static void left_out(FILE *f, const struct pb_summary_set *set,
                     const struct pb_merged_profiler *p)
{
    static const char *const words[] = {
        [F_BOUND] = "timed out", [F_TIMEOUT] = "timed out", [F_FAILED] = "failed",
        [F_NOT_RUN] = "not run",
    };
    int any = 0, agree = pb_profiler_means_agree(p->sum);

    for (int k = F_BOUND; k <= F_NOT_RUN; k++) {
        int n = 0;
        for (size_t w = 0; w < set->nworkloads; w++)
            n += p->pairs[w] && fate_of(p, p->pairs[w], PB_MEAN_WALL) == (enum fate)k;
        if (!n)
            continue;
        fprintf(f, "%s%d %s (", any ? "; " : "", n, words[k]);
        n = 0;
        for (size_t w = 0; w < set->nworkloads; w++) {
            if (p->pairs[w] && fate_of(p, p->pairs[w], PB_MEAN_WALL) == (enum fate)k) {
                fprintf(f, "%s", n++ ? ", " : "");
                pb_md_text(f, set->workloads[w], 0);
            }
        }
        fprintf(f, ")%s", k != F_BOUND ? "" : agree ? ": in the means at their lower bound (≥)"
                : ": in the wall-time mean at ≥, not in the CPU and memory means");
        any = 1;
    }
    for (size_t k = 0; k < p->sum->nskipped; k++) {      /* skip: in the config */
        const struct pb_skipped *sk = &p->sum->skipped[k];
        if (!k)
            fprintf(f, "%s%zu skipped (", any ? "; " : "", p->sum->nskipped);
        fprintf(f, "%s", k ? ", " : "");
        pb_md_text(f, sk->workload, 0);
        if (sk->reason) {
            fprintf(f, ": “");
            pb_md_text(f, sk->reason, 0);
            fprintf(f, "”");
        }
        fprintf(f, "%s", k + 1 == p->sum->nskipped ? ")" : "");
        any = 1;
    }
    if (!any)
        fprintf(f, "–");
}

/* The cheapest and the dearest profiler, when there are two with a
 * wall time mean. */
static void overhead_lead(FILE *f, const struct pb_summary_set *set)
{
    const struct pb_merged_profiler *lo = NULL, *hi = NULL;
    char a[32], b[32];

    for (size_t i = 0; i < set->nprofilers; i++) {
        const struct pb_merged_profiler *p = &set->profilers[i];
        if (!pb_ratio_known(&p->sum->wall))
            continue;
        if (!lo)
            lo = p;
        hi = p;
    }
    if (!lo || !hi || lo == hi)
        return;
    pb_report_fmt_bound(a, sizeof a, lo->sum->wall.value, pb_profiler_mean_bound(lo->sum, PB_MEAN_WALL));
    pb_report_fmt_bound(b, sizeof b, hi->sum->wall.value, pb_profiler_mean_bound(hi->sum, PB_MEAN_WALL));
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

/* Profiler p's mean m with its interval, "≥" first when a lower bound. */
static void fmt_mean(char *buf, size_t n, const struct pb_profiler_summary *p, enum pb_mean m)
{
    char v[64];

    pb_report_fmt_ci(v, sizeof v, pb_profiler_mean(p, m));
    snprintf(buf, n, "%s%s", pb_profiler_mean_bound(p, m) ? "≥" : "", v);
}

/* A profiler's row of the overhead table. */
static void overhead_row(FILE *f, const struct pb_report_ctx *c,
                         const struct pb_merged_profiler *p)
{
    const struct pb_summary_set *set = c->set;
    char w[80], cpu[80], mem[80];
    int np = 0, known = pb_ratio_known(&p->sum->wall);

    for (size_t k = 0; k < set->nworkloads; k++)
        np += p->pairs[k] != NULL;
    fmt_mean(w, sizeof w, p->sum, PB_MEAN_WALL);
    fmt_mean(cpu, sizeof cpu, p->sum, PB_MEAN_CPU);
    fmt_mean(mem, sizeof mem, p->sum, PB_MEAN_MEM);
    fprintf(f, "| ");
    pb_md_text(f, p->name, 0);
    fprintf(f, " | ");
    pb_md_text(f, p->sum->version ? p->sum->version : "?", 0);
    fprintf(f, " | %s%s%s | %s | %s | ", known ? "**" : "", known ? w : "no result",
            known ? "**" : "", cpu, mem);
    /* The means cover the same workloads, save in older summaries, whose
     * wall mean counted timed-out workloads the others left out. */
    if (known && !pb_profiler_means_agree(p->sum))
        fprintf(f, "%d of %d (CPU, memory: %d) | ", pb_profiler_mean_workloads(p->sum, PB_MEAN_WALL),
                np, pb_profiler_mean_workloads(p->sum, PB_MEAN_CPU));
    else
        fprintf(f, "%d of %d | ", pb_profiler_mean_workloads(p->sum, PB_MEAN_WALL), np);
    left_out(f, set, p);
    fprintf(f, " |");
    if (c->multi)
        fprintf(f, " %zu |", p->run + 1);
    fprintf(f, "\n");
}

/* After the overhead table: what "≥" means, when a mean is a bound. */
static void bound_note(FILE *f, const struct pb_summary_set *set)
{
    int any = 0, older = 0;

    for (size_t i = 0; i < set->nprofilers; i++) {
        const struct pb_profiler_summary *s = set->profilers[i].sum;
        any |= pb_profiler_mean_bound(s, PB_MEAN_WALL) || pb_profiler_mean_bound(s, PB_MEAN_CPU)
               || pb_profiler_mean_bound(s, PB_MEAN_MEM);
        older |= pb_ratio_known(&s->wall) && !pb_profiler_means_agree(s);
    }
    if (any)
        fprintf(f, " ≥: the profiler timed out on some workloads, and they enter its means "
                "at their lower bounds (wall time: the timeout; CPU time and peak RSS: what "
                "its runs had used when they were killed; each over the baseline's), so each "
                "such mean is at least this.");
    if (older)
        fprintf(f, " Where the CPU and memory means cover fewer workloads, the results were "
                "summarized before pbench counted timed-out workloads in them (`pbench "
                "summarize RESULTS_DIR` recomputes them).");
}

int pb_report_sec_overhead(FILE *f, const struct pb_report_ctx *c)
{
    const struct pb_summary_set *set = c->set;
    double conf = set->runs[0]->confidence;

    fprintf(f, "## Overhead\n\n");
    overhead_lead(f, set);
    embed(f, c, "overhead");
    if (pb_plot_chart_applies(c->set, (size_t)chart_index("overhead-by-python")))
        embed(f, c, "overhead-by-python");

    fprintf(f, "| profiler | version | wall time × (%.0f%% CI) | CPU time × | peak RSS × "
            "| workloads in the means | left out of the means |%s\n",
            isnan(conf) ? 95.0 : conf * 100, c->multi ? " run |" : "");
    fprintf(f, "|---|---|---:|---:|---:|---:|---|%s\n", c->multi ? "---:|" : "");
    for (size_t i = 0; i < set->nprofilers; i++)
        overhead_row(f, c, &set->profilers[i]);
    fprintf(f, "\nA ratio of 1× means no overhead. Means are over the workloads where the "
            "profiler finished; the last column names the workloads they leave out (see "
            "[Failures and timeouts](#failures-and-timeouts)).");
    bound_note(f, set);
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
static void matrix_row_name(FILE *f, const struct pb_report_ctx *c,
                            const struct pb_merged_profiler *p)
{
    fprintf(f, "| ");
    pb_md_text(f, p->name, 0);
    if (c->multi)
        fprintf(f, " (run %zu)", p->run + 1);
    fprintf(f, " |");
}

/* A profiler x workload table of one ratio (wall time, or memory). */
static void matrix(FILE *f, const struct pb_report_ctx *c, int mem)
{
    const struct pb_summary_set *set = c->set;
    enum pb_mean m = mem ? PB_MEAN_MEM : PB_MEAN_WALL;
    int any_partial = 0, any_lower = 0, any_lower_mean = 0;
    int excl[3] = { 0 };        /* a mean leaves out: failed, not run, timed out */
    int any_skipped = 0;

    matrix_head(f, set, " geo. mean |");
    for (size_t i = 0; i < set->nprofilers; i++) {
        const struct pb_merged_profiler *p = &set->profilers[i];
        const struct pb_ratio *g = pb_profiler_mean(p->sum, m);
        char cell[64];

        matrix_row_name(f, c, p);
        for (size_t w = 0; w < set->nworkloads; w++) {
            const struct pb_pair *pr = p->pairs[w];
            const struct pb_ratio *r = pr ? (mem ? &pr->mem : &pr->wall) : NULL;
            fmt_cell(cell, sizeof cell, pr, r);
            if (!pr && pb_summary_skipped(p->sum, set->workloads[w])) {
                snprintf(cell, sizeof cell, "skipped");
                any_skipped = 1;
            }
            any_partial |= pr && pr->status == PB_PAIR_PARTIAL;
            any_lower |= pr && pr->status == PB_PAIR_TIMEOUT && pb_ratio_known(r);
            if (pr && pb_ratio_known(g)) {
                enum fate fa = fate_of(p, pr, m);
                excl[0] |= fa == F_FAILED;
                excl[1] |= fa == F_NOT_RUN;
                excl[2] |= fa == F_TIMEOUT;
            }
            fprintf(f, " %s |", cell);
        }
        pb_report_fmt_bound(cell, sizeof cell, g->value, pb_profiler_mean_bound(p->sum, m));
        any_lower_mean |= pb_profiler_mean_bound(p->sum, m);
        fprintf(f, " %s |\n", pb_ratio_known(g) ? cell : "no result");
    }
    fprintf(f, "\n");
    if (any_partial)
        fprintf(f, "\\* some runs of the pair failed; the value is from the others.  \n");
    if (c->multi)
        fprintf(f, "(run n): the run the row comes from (see [Runs](#runs)); –: the workload "
                "is not in that run.  \n");
    if (any_skipped)
        fprintf(f, "skipped: the config leaves the profiler out of the workload (`skip:`); "
                "it is in none of the profiler's means.  \n");
    if (any_lower)
        fprintf(f, "≥: the runs timed out, so the ratio is at least %s over the baseline's%s.  \n",
                mem ? "the peak RSS they had reached when killed" : "the timeout",
                any_lower_mean ? "; a mean that counts such a workload at that bound is a "
                "lower bound too" : "");
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
        fprintf(f, " workloads%s.  \n", mem && excl[2] ? " (summarized before pbench counted "
                "a timed-out run's memory at its bound, or without a baseline to divide by)" : "");
    }
    fprintf(f, "\n");
}

int pb_report_sec_workloads(FILE *f, const struct pb_report_ctx *c)
{
    fprintf(f, "## Overhead per workload\n\n");
    fprintf(f, "Wall time ratio of each pair (median of the profiled runs over the median of "
            "the baseline runs of the same workload).\n\n");
    embed(f, c, "overhead-by-workload");
    matrix(f, c, 0);
    return 0;
}

/* Under runs: auto, the target precision and how many pairs reached
 * it; nothing otherwise. */
static void precision_target(FILE *f, const struct pb_summary_set *set)
{
    int reached = 0, adaptive = 0, max_runs = 0;
    double target = NAN;
    char most[64] = "";

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
    if (!adaptive)
        return;
    if (max_runs > 0)
        snprintf(most, sizeof most, " (at most %d runs a pair)", max_runs);
    fprintf(f, "Repetitions were adaptive (`runs: auto`): rounds were added to each pair "
            "until its ratio was known to ±%.3g%%%s, or it timed out, or the time budget "
            "ran out. **%d of %d pairs reached the target.**\n\n", target * 100, most,
            reached, adaptive);
}

/* A pair's cell of the precision table; marks[0] / marks[1] get 1 when
 * it stopped at max_runs / at the budget (marked † / ‡). */
static void precision_cell(FILE *f, const struct pb_pair *pr, int marks[2])
{
    const char *mark = "";

    if (!pr) {
        fprintf(f, " – |");
        return;
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

/* How precisely each pair's wall ratio is known, and under runs: auto
 * which pairs reached the target and why the others stopped. */
int pb_report_sec_precision(FILE *f, const struct pb_report_ctx *c)
{
    const struct pb_summary_set *set = c->set;
    int marks[2] = { 0, 0 };

    fprintf(f, "## Precision\n\n");
    fprintf(f, "How precisely each wall-time ratio above is known: the half-width of its "
            "interval relative to the ratio (±2%% means from 0.98 to 1.02 times it), and in "
            "brackets the pair's measured runs. A single run on either side gives no "
            "interval (?). The interval of a ratio whose profiled or baseline runs are few "
            "is itself rough: with 3 runs a side it spans about their whole range.\n\n");
    precision_target(f, set);
    matrix_head(f, set, "");
    for (size_t i = 0; i < set->nprofilers; i++) {
        const struct pb_merged_profiler *p = &set->profilers[i];

        matrix_row_name(f, c, p);
        for (size_t w = 0; w < set->nworkloads; w++)
            precision_cell(f, p->pairs[w], marks);
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

int pb_report_sec_memory(FILE *f, const struct pb_report_ctx *c)
{
    fprintf(f, "## Memory overhead\n\n");
    fprintf(f, "Peak resident memory (RSS) summed over the whole process tree, so a "
            "profiler that runs as its own process (a sampler) counts too.\n\n");
    embed(f, c, "memory");
    matrix(f, c, 1);
    return 0;
}

int pb_report_sec_cpu(FILE *f, const struct pb_report_ctx *c)
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
