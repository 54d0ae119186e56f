/*
 * accuracy_md: the report's accuracy section. See accuracy_md.h.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "output/accuracy_md.h"
#include "store/accuracy.h"
#include "util/text.h"

/* A figure in points, or a dash when there is none. */
static void md_pp(FILE *f, double v)
{
    if (isnan(v))
        fputs("–", f);
    else
        fprintf(f, "%.1f", v);
}

/* A link title: Markdown text without double quotes (which would end
 * it). */
static void md_title(FILE *f, const char *s)
{
    char *t = strdup(s ? s : ""), *o = t;

    if (!t)
        return;
    for (const char *p = s ? s : ""; *p; p++)
        if (*p != '"')
            *o++ = *p;
    *o = '\0';
    pb_md_text(f, t, 0);
    free(t);
}

/* A capability cell: its value, linked to the run that decided it with
 * the reason as the link's title. */
static void md_cell(FILE *f, const struct pb_acc_cell *c, const char *prefix)
{
    char *url;

    if (!c)
        return;
    if (!c->decided_by) {
        pb_md_text(f, c->value, 0);
        return;
    }
    url = pb_url_escape(c->decided_by->raw_dir ? c->decided_by->raw_dir : "");
    fputc('[', f);
    pb_md_text(f, c->value, 0);
    fprintf(f, "](%s%s%s \"", prefix, prefix[0] ? "/" : "", url ? url : "");
    md_title(f, c->why);
    fputs("\")", f);
    free(url);
}

static void md_cpu(FILE *f, const struct pb_accuracy *acc)
{
    const struct pb_acc_cpu *first = acc->ncpu ? &acc->cpu[0] : NULL;
    size_t nsplits = first ? first->nsplits : 0;

    fprintf(f, "### CPU attribution error (helper side of the CPU split, points)\n\n| profiler | mean |");
    for (size_t k = 0; k < nsplits; k++) {
        fputc(' ', f);
        pb_md_text(f, first->splits[k].workload, 0);
        fprintf(f, " (true %.0f%%) |", first->splits[k].true_share * 100);
    }
    fprintf(f, "\n|---|---:|");
    for (size_t k = 0; k < nsplits; k++)
        fputs("---:|", f);
    fputc('\n', f);
    for (size_t i = 0; i < acc->ncpu; i++) {
        const struct pb_acc_cpu *row = &acc->cpu[i];
        fputs("| ", f);
        pb_md_text(f, row->profiler, 0);
        fputs(" | ", f);
        md_pp(f, row->mean_error_pp);
        fputs(" |", f);
        for (size_t k = 0; k < row->nsplits; k++) {
            fputc(' ', f);
            md_pp(f, row->splits[k].error_pp);
            fputs(" |", f);
        }
        fputc('\n', f);
    }
}

/* The other truth workloads' focus parts, one table each. */
static void md_shares(FILE *f, const struct pb_accuracy *acc)
{
    for (size_t i = 0; i < acc->nshares; i++) {
        const struct pb_acc_share *s = &acc->shares[i];
        if (s->kind && !strcmp(s->kind, "cpu_split"))
            continue;
        fputs("\n### ", f);
        pb_md_text(f, s->workload, 0);
        fputs(": share of the '", f);
        pb_md_text(f, s->focus, 0);
        fprintf(f, "' part (true %.1f%%)\n\n"
                   "| profiler | reported | error (points) | note |\n|---|---:|---:|---|\n",
                s->true_share * 100);
        for (size_t k = 0; k < s->nprofilers; k++) {
            const struct pb_acc_share_profiler *pe = &s->profilers[k];
            fputs("| ", f);
            pb_md_text(f, pe->profiler, 0);
            fputs(" | ", f);
            if (isnan(pe->reported_share))
                fputs("–", f);
            else
                fprintf(f, "%.1f%%", pe->reported_share * 100);
            fputs(" | ", f);
            md_pp(f, pe->error_pp);
            fputs(" | ", f);
            pb_md_text(f, pe->note, 0);
            fputs(" |\n", f);
        }
    }
}

static void md_native(FILE *f, const struct pb_accuracy *acc)
{
    for (size_t i = 0; i < acc->nnative; i++) {
        const struct pb_acc_native *n = &acc->native[i];
        fputs("\n### ", f);
        pb_md_text(f, n->workload, 0);
        fprintf(f, ": Python vs native split (true native %.1f%%)\n\n"
                   "| profiler | reported native | error (points) |\n|---|---:|---:|\n",
                n->true_native_fraction * 100);
        for (size_t k = 0; k < n->nprofilers; k++) {
            fputs("| ", f);
            pb_md_text(f, n->profilers[k].profiler, 0);
            fprintf(f, " | %.1f%% | ", n->profilers[k].reported_native_fraction * 100);
            md_pp(f, n->profilers[k].error_pp);
            fputs(" |\n", f);
        }
    }
}

static void md_memory(FILE *f, const struct pb_accuracy *acc)
{
    for (size_t i = 0; i < acc->nmemory; i++) {
        const struct pb_acc_memory *m = &acc->memory[i];
        fputs("\n### ", f);
        pb_md_text(f, m->workload, 0);
        fprintf(f, ": memory at the allocation line %ld (true %.0f MB; %.0f MB of it "
                   "touched at line %ld)\n\n"
                   "| profiler | kind | at the line (MB) | error | at the touch line (MB) | "
                   "in the function (MB) |\n|---|---|---:|---:|---:|---:|\n",
                m->line, m->alloc_mb, m->touched_mb, m->touch_line);
        for (size_t k = 0; k < m->nprofilers; k++) {
            const struct pb_acc_memory_profiler *pe = &m->profilers[k];
            fputs("| ", f);
            pb_md_text(f, pe->profiler, 0);
            fputs(" | ", f);
            pb_md_text(f, pe->kind, 0);
            fprintf(f, " | %.1f | %.0f%% | %.1f | %.1f |\n", pe->reported_mb, pe->error_pct,
                    pe->touch_line_mb, pe->function_mb);
        }
    }
}

static void md_capabilities(FILE *f, const struct pb_accuracy *acc, const char *prefix)
{
    fprintf(f, "\n### Capabilities\n\nEach cell is decided by a probe run (the link; hover for "
               "the reason). \"not probed\": no run tested it; \"n/a\": no truth workload "
               "tests it in what this profiler measures (a CPU-only workload for an "
               "allocation tracker, an allocating one for a time profiler).\n\n| profiler |");
    for (size_t k = 0; k < acc->ncolumns; k++) {
        fputc(' ', f);
        pb_md_text(f, acc->columns[k], 0);
        fputs(" |", f);
    }
    fputs("\n|---|", f);
    for (size_t k = 0; k < acc->ncolumns; k++)
        fputs("---|", f);
    fputc('\n', f);
    for (size_t i = 0; i < acc->nrows; i++) {
        fputs("| ", f);
        pb_md_text(f, acc->rows[i].profiler, 0);
        fputs(" |", f);
        for (size_t k = 0; k < acc->ncolumns; k++) {
            fputc(' ', f);
            md_cell(f, acc->rows[i].cells ? &acc->rows[i].cells[k] : NULL, prefix);
            fputs(" |", f);
        }
        fputc('\n', f);
    }
    fputc('\n', f);
}

int pb_accuracy_markdown(FILE *f, const char *results_dir, const char *link_prefix,
                         const char *chart, struct pb_error *err)
{
    struct pb_accuracy *acc;

    if (!pb_accuracy_exists(results_dir))
        return 1;
    if (pb_accuracy_load(results_dir, &acc, err) < 0)
        return -1;
    fprintf(f, "## Accuracy\n\n"
               "Ground truth from the workloads themselves (workloads/truth_*.py): each plain run "
               "measures its parts with a high-resolution timer. A profiler's share of a part is "
               "the part's time over all parts' time in its own output; errors are "
               "|reported - true| in percentage points.\n\n");
    if (chart)
        fprintf(f, "![reported vs true share](%s)\n\n", chart);
    md_cpu(f, acc);
    md_shares(f, acc);
    md_native(f, acc);
    md_memory(f, acc);
    md_capabilities(f, acc, link_prefix ? link_prefix : "");
    pb_accuracy_free(acc);
    return 0;
}
