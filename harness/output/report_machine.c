/*
 * report_machine: the report's last sections: the machine, interpreter,
 * config and versions of each run (of a merge of shards, each shard's
 * machine, with a warning when their CPUs or interpreters differ), and
 * how to read the figures.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

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

static void cell_shard(FILE *f, const struct pb_summary *s)
{
    if (s->meta.shard_count)
        fprintf(f, "shard %d of %d (its own pairs; `pbench merge` joins the shards)",
                s->meta.shard_index, s->meta.shard_count);
    else if (s->meta.nshards)
        fprintf(f, "a merge of %zu shards (below)", s->meta.nshards);
    else
        fprintf(f, "–");
}

/* Names the shards (of s's merge) whose value of field differs from the
 * first merged shard's, as "CPU models: A (shards 1, 2); B (shard 3)";
 * returns how many distinct values there are. */
static int distinct(FILE *f, const struct pb_meta *m, const char *(*field)(const struct pb_meta_shard *))
{
    const char *seen[64];
    int n = 0;

    for (size_t i = 0; i < m->nshards; i++) {
        const char *v = m->shards[i].merged ? field(&m->shards[i]) : NULL;
        int k = 0;
        if (!m->shards[i].merged)
            continue;
        v = v ? v : "unknown";
        while (k < n && strcmp(seen[k], v))
            k++;
        if (k == n && n < 64)
            seen[n++] = v;
    }
    for (int k = 0; f && k < n; k++) {
        int first = 1;
        fprintf(f, "%s", k ? "; " : "");
        pb_md_text(f, seen[k], 0);
        fprintf(f, " (shard");
        for (size_t i = 0; i < m->nshards; i++) {
            const char *v = m->shards[i].merged ? field(&m->shards[i]) : NULL;
            if (m->shards[i].merged && !strcmp(v ? v : "unknown", seen[k])) {
                fprintf(f, "%s %d", first ? "" : ",", m->shards[i].index);
                first = 0;
            }
        }
        fprintf(f, ")");
    }
    return n;
}

static const char *shard_cpu(const struct pb_meta_shard *s)
{
    return s->cpu_model;
}

/* The interpreter build a shard ran: its implementation and version, with
 * pythons: each interpreter's. */
static const char *shard_python(const struct pb_meta_shard *s)
{
    static char buf[8][512];
    static int next;
    char *b = buf[next++ % 8];
    size_t len;

    snprintf(b, 512, "%s %s", s->python_implementation ? s->python_implementation : "Python",
             s->python_version ? s->python_version : "?");
    for (size_t i = 0; i < s->pythons.n; i++) {
        len = strlen(b);
        snprintf(b + len, 512 - len, "%s%s", i ? ", " : "; ", s->pythons.v[i]);
    }
    return b;
}

/* A merge of shards (`pbench merge`): the machine each ran on, and a
 * warning when they differ where it matters. */
static void shards_table(FILE *f, const struct pb_summary *s, size_t run, int multi)
{
    const struct pb_meta *m = &s->meta;

    if (!m->nshards)
        return;
    fprintf(f, "### Shards%s\n\n", multi ? " of a merged run" : "");
    if (multi)
        fprintf(f, "Run %zu", run + 1);
    else
        fprintf(f, "This run");
    fprintf(f, " is a merge of %zu shards (`pbench merge`), each run on its own machine; the "
            "host, CPU, memory, kernel and Python above are its first merged shard's.\n\n",
            m->nshards);
    fprintf(f, "| shard | node | CPU | kernel | Python | started | finished | state |\n"
               "|---:|---|---|---|---|---|---|---|\n");
    for (size_t i = 0; i < m->nshards; i++) {
        const struct pb_meta_shard *sh = &m->shards[i];
        char t0[64], t1[64];
        fprintf(f, "| %d | ", sh->index);
        if (!sh->merged) {
            fprintf(f, "– | – | – | – | – | – | not merged: its pairs were not measured |\n");
            continue;
        }
        pb_md_text(f, sh->hostname ? sh->hostname : "?", 0);
        fprintf(f, " | ");
        pb_md_text(f, sh->cpu_model ? sh->cpu_model : "?", 0);
        fprintf(f, " | ");
        pb_md_text(f, sh->kernel ? sh->kernel : "?", 0);
        fprintf(f, " | ");
        pb_md_text(f, shard_python(sh), 0);
        pb_report_fmt_time(t0, sizeof t0, sh->started);
        pb_report_fmt_time(t1, sizeof t1, sh->finished);
        fprintf(f, " | %s | %s | %s |\n", t0, sh->finished ? t1 : "–",
                sh->complete ? "complete" : "did not finish: its pairs without runs were not measured");
    }
    fprintf(f, "\n");
    if (distinct(NULL, m, shard_cpu) > 1) {
        fprintf(f, "**Warning:** the shards ran on different CPU models: ");
        distinct(f, m, shard_cpu);
        fprintf(f, ". Each ratio is taken on one machine (a workload's baseline and profilers "
                "share its shard), but ratios and means across workloads of different shards "
                "mix machines.\n\n");
    }
    if (distinct(NULL, m, shard_python) > 1) {
        fprintf(f, "**Warning:** the shards ran different interpreter builds: ");
        distinct(f, m, shard_python);
        fprintf(f, ". A profiler's cost can depend on the interpreter: compare workloads of "
                "different shards with care.\n\n");
    }
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
    for (size_t r = 0; r < set->nruns; r++)
        if (set->runs[r]->meta.shard_count || set->runs[r]->meta.nshards) {
            meta_row(f, c, "shards", cell_shard);
            break;
        }
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
    for (size_t r = 0; r < set->nruns; r++)
        shards_table(f, set->runs[r], r, c->multi);

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
