/*
 * report_runs: the report's sections on the runs themselves: the title
 * block, which run each profiler comes from when several are merged,
 * the failures and timeouts, the warnings, and the baseline's times.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "output/plot.h"
#include "output/report_section.h"
#include "util/text.h"

#ifndef PB_VERSION
#define PB_VERSION "unknown"
#endif

/* The profiler of the merged set named name, or NULL. */
static const struct pb_merged_profiler *merged(const struct pb_summary_set *set,
                                               const char *name)
{
    for (size_t i = 0; i < set->nprofilers; i++)
        if (strcmp(set->profilers[i].name, name) == 0)
            return &set->profilers[i];
    return NULL;
}

int pb_report_sec_title(FILE *f, const struct pb_report_ctx *c)
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
    pb_report_fmt_time(t, sizeof t, m->started);
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

/* A run's row of the runs table: where, which config, when, and the
 * profilers shown from it. */
static void run_row(FILE *f, const struct pb_summary_set *set, size_t r)
{
    const struct pb_meta *m = &set->runs[r]->meta;
    char t[64];
    int first = 1;

    pb_report_fmt_time(t, sizeof t, m->started);
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

/* A profiler measured in several runs: "- name: shown from run 2; also
 * in run 1 (wall time ... there, ... here)". */
static void also_measured(FILE *f, const struct pb_summary_set *set,
                          const struct pb_merged_profiler *p)
{
    const struct pb_summary *old = set->runs[p->other_runs[0]];

    fprintf(f, "- ");
    pb_md_text(f, p->name, 0);
    fprintf(f, ": shown from run %zu; also in run", p->run + 1);
    fprintf(f, "%s", p->nother_runs > 1 ? "s" : "");
    for (size_t k = 0; k < p->nother_runs; k++)
        fprintf(f, "%s %zu", k ? "," : "", p->other_runs[k] + 1);
    for (size_t j = 0; j < old->nprofilers; j++) {
        const struct pb_profiler_summary *o = &old->profilers[j];
        if (strcmp(o->name, p->name) == 0) {
            char a[64], b[64];
            int na = pb_profiler_mean_workloads(o, PB_MEAN_WALL);
            int nb = pb_profiler_mean_workloads(p->sum, PB_MEAN_WALL);
            pb_report_fmt_bound(a, sizeof a, o->wall.value, pb_profiler_mean_bound(o, PB_MEAN_WALL));
            pb_report_fmt_bound(b, sizeof b, p->sum->wall.value,
                                pb_profiler_mean_bound(p->sum, PB_MEAN_WALL));
            /* the means may be over different workloads: say so */
            fprintf(f, " (wall time %s over %d workload%s there, %s over %d here)",
                    a, na, na == 1 ? "" : "s", b, nb);
            break;
        }
    }
    fprintf(f, "\n");
}

/* Several runs: which profiler comes from where. */
int pb_report_sec_runs(FILE *f, const struct pb_report_ctx *c)
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
    for (size_t r = 0; r < set->nruns; r++)
        run_row(f, set, r);
    fprintf(f, "\n");
    for (size_t i = 0; i < set->nprofilers; i++) {
        const struct pb_merged_profiler *p = &set->profilers[i];
        if (!p->nother_runs)
            continue;
        if (!any_dup)
            fprintf(f, "Measured in more than one run (the latest is shown, the others are "
                    "not used):\n\n");
        any_dup = 1;
        also_measured(f, set, p);
    }
    if (any_dup)
        fprintf(f, "\n");
    return 0;
}

/* Every pair that did not simply succeed, among those the report shows
 * (the baselines included: a failed baseline leaves a workload without
 * ratios). */
int pb_report_sec_failures(FILE *f, const struct pb_report_ctx *c)
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
int pb_report_sec_warnings(FILE *f, const struct pb_report_ctx *c)
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

int pb_report_sec_baseline(FILE *f, const struct pb_report_ctx *c)
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
