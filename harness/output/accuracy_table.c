/*
 * accuracy_table: the accuracy figures for a terminal. See
 * accuracy_table.h.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "output/accuracy_table.h"

/* A figure in points, or "-" when there is none. */
static const char *fmt_pp(char *buf, size_t n, double v)
{
    if (isnan(v))
        snprintf(buf, n, "-");
    else
        snprintf(buf, n, "%.1f", v);
    return buf;
}

static const char *s(const char *str)
{
    return str ? str : "";
}

static void print_cpu(FILE *out, const struct pb_accuracy *acc)
{
    const struct pb_acc_cpu *first = acc->ncpu ? &acc->cpu[0] : NULL;
    char b[32];

    fprintf(out, "CPU attribution error: |reported - true| share of the helper side, percentage points\n\n");
    fprintf(out, "%-16s %6s", "profiler", "mean");
    for (size_t k = 0; first && k < first->nsplits; k++) {
        char h[32];
        snprintf(h, sizeof h, "s=%.2g", first->splits[k].split);
        fprintf(out, " %7s", h);
    }
    fprintf(out, "\n");
    for (size_t i = 0; i < acc->ncpu; i++) {
        const struct pb_acc_cpu *row = &acc->cpu[i];
        fprintf(out, "%-16s %6s", s(row->profiler), fmt_pp(b, sizeof b, row->mean_error_pp));
        for (size_t k = 0; k < row->nsplits; k++)
            fprintf(out, " %7s", fmt_pp(b, sizeof b, row->splits[k].error_pp));
        fprintf(out, "\n");
    }
}

static void print_shares(FILE *out, const struct pb_accuracy *acc)
{
    for (size_t i = 0; i < acc->nshares; i++) {
        const struct pb_acc_share *sh = &acc->shares[i];
        if (sh->kind && !strcmp(sh->kind, "cpu_split"))
            continue;
        fprintf(out, "\n%s: share of the '%s' part (true %.1f%%)\n", s(sh->workload), s(sh->focus),
                sh->true_share * 100);
        for (size_t k = 0; k < sh->nprofilers; k++) {
            const struct pb_acc_share_profiler *pe = &sh->profilers[k];
            char a[32], b[32];
            if (isnan(pe->reported_share))
                snprintf(a, sizeof a, "-");
            else
                snprintf(a, sizeof a, "%.1f%%", pe->reported_share * 100);
            fprintf(out, "  %-16s %8s  error %6s pp%s%s\n", s(pe->profiler), a,
                    fmt_pp(b, sizeof b, pe->error_pp), pe->note ? "  " : "", s(pe->note));
        }
    }
}

static void print_memory(FILE *out, const struct pb_accuracy *acc)
{
    for (size_t i = 0; i < acc->nmemory; i++) {
        const struct pb_acc_memory *m = &acc->memory[i];
        fprintf(out, "\n%s: memory at line %ld (true %.0f MB allocated, %.0f MB touched at line %ld)\n",
                s(m->workload), m->line, m->alloc_mb, m->touched_mb, m->touch_line);
        for (size_t k = 0; k < m->nprofilers; k++) {
            const struct pb_acc_memory_profiler *pe = &m->profilers[k];
            fprintf(out, "  %-16s %8.1f MB  error %6.1f%%  (touch line %.1f MB, function %.1f MB; %s)\n",
                    s(pe->profiler), pe->reported_mb, pe->error_pct, pe->touch_line_mb,
                    pe->function_mb, s(pe->kind));
        }
        if (!m->nprofilers)
            fprintf(out, "  (no profiler reported memory)\n");
    }
}

static void print_capabilities(FILE *out, const struct pb_accuracy *acc)
{
    fprintf(out, "\nCapabilities (each cell decided by a probe run; see accuracy.json for the run)\n\n");
    fprintf(out, "%-16s", "profiler");
    for (size_t k = 0; k < acc->ncolumns; k++)
        fprintf(out, " %-16.16s", s(acc->columns[k]));
    fprintf(out, "\n");
    for (size_t i = 0; i < acc->nrows; i++) {
        fprintf(out, "%-16s", s(acc->rows[i].profiler));
        for (size_t k = 0; k < acc->ncolumns; k++)
            fprintf(out, " %-16.16s", acc->rows[i].cells ? s(acc->rows[i].cells[k].value) : "");
        fprintf(out, "\n");
    }
}

void pb_accuracy_table_print(FILE *out, const struct pb_accuracy *acc)
{
    print_cpu(out, acc);
    print_shares(out, acc);
    print_memory(out, acc);
    print_capabilities(out, acc);
}
