/*
 * report_machine: the report's last sections: the machine, interpreter,
 * config and versions of each run, and how to read the figures.
 */
#include <math.h>
#include <stdio.h>

#include "output/report_section.h"
#include "util/text.h"

static void meta_row(FILE *f, const struct pb_report_ctx *c, const char *label,
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
    if (s->meta.config_hash) {
        fputs(" (config hash ", f);
        pb_md_code(f, s->meta.config_hash);  /* stored: may be anything */
        fputc(')', f);
    }
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

    pb_report_fmt_time(t, sizeof t, s->meta.started);
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

int pb_report_sec_machine(FILE *f, const struct pb_report_ctx *c)
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

int pb_report_sec_method(FILE *f, const struct pb_report_ctx *c)
{
    double conf = c->set->runs[0]->confidence;

    fprintf(f, "## How to read this\n\n");
    fprintf(f, "- A *run* is one execution of a workload under a profiler (or none); "
            "every round runs each pair once, in shuffled order, so slow drifts of the "
            "machine hit every profiler alike. Warm-up rounds are not counted.\n");
    fprintf(f, "- A pair's ratio is the median of its runs over the median of the "
            "baseline runs of the same workload in the same results directory. The "
            "interval is a %.0f%% t-interval on the logarithms of the run times (Welch's, "
            "each side with its own spread), so it holds its level from 3 runs a side; it "
            "is widened in the rare case that it would leave out the median ratio. A "
            "profiler's means carry the same kind of interval, from every workload's runs.\n",
            isnan(conf) ? 95.0 : conf * 100);
    fprintf(f, "- A profiler's means are geometric means of its ratios over the "
            "workloads where it finished (status ok or partial). A timed-out pair has no "
            "figures, only lower bounds, shown with ≥: for wall time the timeout over the "
            "baseline time; for CPU time and peak memory what its runs had used when they "
            "were killed, over the baseline's. It enters each of the three means at its "
            "bound, so they cover the same workloads, and makes them lower bounds too (≥). "
            "Failed pairs are left out of every mean. The tables name what each mean "
            "leaves out.\n");
    for (size_t i = 0; i < c->set->nprofilers; i++) {
        const struct pb_merged_profiler *p = &c->set->profilers[i];
        if (p->pairs_timeout > p->pairs_at_bound && pb_ratio_known(&p->sum->wall)) {
            fprintf(f, "- Some timed-out pairs here are left out of the means: their results "
                    "were summarized before pbench counted timeouts at their lower bound (or "
                    "have no baseline time to divide by). `pbench summarize RESULTS_DIR` "
                    "recomputes them.\n");
            break;
        }
    }
    for (size_t i = 0; i < c->set->nprofilers; i++) {
        const struct pb_merged_profiler *p = &c->set->profilers[i];
        if (pb_ratio_known(&p->sum->wall) && !pb_profiler_means_agree(p->sum)) {
            fprintf(f, "- Some CPU and memory means here leave out timed-out workloads that "
                    "the wall-time mean counts at their bound: their results were summarized "
                    "before pbench bounded CPU time and memory too. `pbench summarize "
                    "RESULTS_DIR` recomputes them.\n");
            break;
        }
    }
    fprintf(f, "- Regenerate this report with `pbench report RESULTS_DIR`; "
            "the charts' gnuplot scripts and data sit beside them.\n");
    return 0;
}
