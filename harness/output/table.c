/* The end-of-run summary table. See table.h. */
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "output/table.h"

static double ci_value(json_t *ci)
{
    return json_is_object(ci) ? json_number_value(json_object_get(ci, "value")) : NAN;
}

struct prow {
    const char *name;
    double wall;
    json_t *obj;
};

static int cmp_prow(const void *a, const void *b)
{
    const struct prow *x = a, *y = b;
    if (isnan(x->wall) != isnan(y->wall))
        return isnan(x->wall) ? 1 : -1;
    return x->wall < y->wall ? -1 : x->wall > y->wall;
}

static void fmt_ci(json_t *ci, char *buf, size_t n)
{
    if (!json_is_object(ci))
        snprintf(buf, n, "-");
    else
        snprintf(buf, n, "%.2fx [%.2f-%.2f]", ci_value(ci),
                 json_number_value(json_object_get(ci, "lo")),
                 json_number_value(json_object_get(ci, "hi")));
}

void pb_table_print_summary(FILE *out, json_t *sum)
{
    json_t *profs = json_object_get(sum, "profilers");
    json_t *pairs = json_object_get(sum, "pairs");
    size_t np = json_array_size(profs), i;
    struct prow *rows = calloc(np ? np : 1, sizeof *rows);
    const char *workloads[256];
    size_t nw = 0;
    json_t *pr;

    json_array_foreach(pairs, i, pr) {
        const char *w = json_string_value(json_object_get(pr, "workload"));
        size_t k;
        for (k = 0; k < nw; k++)
            if (!strcmp(workloads[k], w))
                break;
        if (k == nw && nw < 256)
            workloads[nw++] = w;
    }
    for (i = 0; i < np; i++) {
        rows[i].obj = json_array_get(profs, i);
        rows[i].name = json_string_value(json_object_get(rows[i].obj, "name"));
        rows[i].wall = ci_value(json_object_get(rows[i].obj, "wall_geomean"));
    }
    qsort(rows, np, sizeof *rows, cmp_prow);

    fprintf(out, "\nOverhead: normalized time (profiled / plain), geometric mean over workloads, 95%% CI\n"
           "('>=': a timed-out workload entered the mean at its lower bound)\n\n");
    fprintf(out, "%-16s %-22s %-22s %-22s %s\n", "profiler", "wall", "cpu", "memory (tree RSS)", "workloads");
    for (i = 0; i < np; i++) {
        char a[64], b[64], c[64];
        fmt_ci(json_object_get(rows[i].obj, "wall_geomean"), a, sizeof a);
        if (json_is_true(json_object_get(rows[i].obj, "wall_geomean_lower_bound"))) {
            char t[64];
            snprintf(t, sizeof t, ">=%s", a);
            snprintf(a, sizeof a, "%s", t);
        }
        fmt_ci(json_object_get(rows[i].obj, "cpu_geomean"), b, sizeof b);
        fmt_ci(json_object_get(rows[i].obj, "mem_geomean"), c, sizeof c);
        fprintf(out, "%-16s %-22s %-22s %-22s %lld ok, %lld not\n", rows[i].name, a, b, c,
               (long long)json_integer_value(json_object_get(rows[i].obj, "workloads_ok")),
               (long long)json_integer_value(json_object_get(rows[i].obj, "workloads_failed")));
    }

    fprintf(out, "\nNormalized wall time per workload (median ratio; '>' = lower bound after a timeout)\n\n");
    fprintf(out, "%-16s", "profiler");
    for (size_t k = 0; k < nw; k++)
        fprintf(out, " %9.9s", workloads[k]);
    fprintf(out, "\n");
    for (i = 0; i < np; i++) {
        fprintf(out, "%-16s", rows[i].name);
        for (size_t k = 0; k < nw; k++) {
            size_t j;
            json_t *cell = NULL;
            char buf[32] = "-";
            json_array_foreach(pairs, j, pr)
                if (!strcmp(json_string_value(json_object_get(pr, "workload")), workloads[k])
                    && !strcmp(json_string_value(json_object_get(pr, "profiler")), rows[i].name))
                    cell = pr;
            if (cell) {
                const char *st = json_string_value(json_object_get(cell, "status"));
                double v = ci_value(json_object_get(cell, "wall_ratio"));
                if (json_is_true(json_object_get(cell, "lower_bound")))
                    snprintf(buf, sizeof buf, ">%.0fx", v);
                else if (!isnan(v))
                    snprintf(buf, sizeof buf, "%.2fx%s", v, strcmp(st, "partial") ? "" : "*");
                else
                    snprintf(buf, sizeof buf, "%s", st);
            }
            fprintf(out, " %9s", buf);
        }
        fprintf(out, "\n");
    }

    /* workloads with sizes: the fixed start-up cost and the per-work slowdown */
    json_t *sc = json_object_get(sum, "scaling");
    if (json_array_size(sc)) {
        json_t *e;
        fprintf(out, "\nStart-up versus steady state (time = start-up + slope x size, fitted over the sizes)\n\n");
        fprintf(out, "%-14s %-16s %-26s %-24s %s\n", "workload", "profiler", "start-up cost (s)",
               "steady-state overhead", "R^2 (plain)");
        json_array_foreach(sc, i, e) {
            json_t *su = json_object_get(e, "startup_s"), *sr = json_object_get(e, "steady_ratio");
            char a[64], b[64];
            snprintf(a, sizeof a, "%+.3f [%+.3f, %+.3f]", ci_value(su),
                     json_number_value(json_object_get(su, "lo")), json_number_value(json_object_get(su, "hi")));
            fmt_ci(sr, b, sizeof b);
            fprintf(out, "%-14s %-16s %-26s %-24s %.3f (%.3f)\n",
                   json_string_value(json_object_get(e, "workload")),
                   json_string_value(json_object_get(e, "profiler")), a, b,
                   json_number_value(json_object_get(e, "r2")),
                   json_number_value(json_object_get(e, "r2_baseline")));
        }
    }

    /* runs: auto: which pairs reached the target, and why the others stopped */
    json_t *ad = json_object_get(sum, "adaptive");
    if (json_is_object(ad)) {
        size_t n = 0, reached = 0;
        const char *base = json_string_value(json_object_get(sum, "baseline"));
        /* the baseline's own pairs (plain x plain) are no ratio to report */
        json_array_foreach(pairs, i, pr) {
            const char *why = json_string_value(json_object_get(pr, "adaptive"));
            if (!why || (base && !strcmp(json_string_value(json_object_get(pr, "profiler")), base)))
                continue;
            n++;
            reached += !strcmp(why, "precise");
        }
        fprintf(out, "\nruns: auto: %zu of %zu pairs reached +/-%.1f%% (95%% interval of the wall ratio)\n",
               reached, n, json_number_value(json_object_get(ad, "precision")) * 100);
        json_array_foreach(pairs, i, pr) {
            const char *why = json_string_value(json_object_get(pr, "adaptive"));
            json_t *prec = json_object_get(pr, "precision");
            if (!why || !strcmp(why, "precise")
                || (base && !strcmp(json_string_value(json_object_get(pr, "profiler")), base)))
                continue;
            char pbuf[32] = "-";
            if (json_is_number(prec))
                snprintf(pbuf, sizeof pbuf, "+/-%.1f%%", json_number_value(prec) * 100);
            fprintf(out, "  %s x %s: %s after %lld runs (%s)\n",
                   json_string_value(json_object_get(pr, "workload")),
                   json_string_value(json_object_get(pr, "profiler")), pbuf,
                   (long long)json_integer_value(json_object_get(pr, "runs")),
                   !strcmp(why, "timeout") ? "timed out: a lower bound"
                   : !strcmp(why, "max_runs") ? "the matrix reached max_runs rounds"
                   : !strcmp(why, "budget") ? "stopped by the time budget" : "no successful run");
        }
    }

    /* what a user can act on: the machine, then pairs with noisy runs */
    json_t *rw = json_object_get(sum, "warnings");
    size_t nwarn = 0, shown = 0;
    json_array_foreach(pairs, i, pr)
        nwarn += json_array_size(json_object_get(pr, "warnings"));
    if (json_array_size(rw) || nwarn) {
        fprintf(out, "\nWarnings:\n");
        json_t *v;
        size_t k;
        json_array_foreach(rw, k, v)
            fprintf(out, "  %s\n", json_string_value(v));
        json_array_foreach(pairs, i, pr) {
            json_array_foreach(json_object_get(pr, "warnings"), k, v) {
                if (shown++ < 15)
                    fprintf(out, "  %s x %s: %s\n", json_string_value(json_object_get(pr, "workload")),
                           json_string_value(json_object_get(pr, "profiler")), json_string_value(v));
            }
        }
        if (shown > 15)
            fprintf(out, "  (%zu more in summary.json)\n", shown - 15);
    }

    int header = 0;
    json_array_foreach(pairs, i, pr) {
        const char *st = json_string_value(json_object_get(pr, "status"));
        if (!strcmp(st, "ok"))
            continue;
        if (!header++)
            fprintf(out, "\nPairs with problems (* above = some runs failed):\n");
        json_t *reason = json_object_get(pr, "failure_reason");
        fprintf(out, "  %s x %s: %s (%lld ok, %lld failed, %lld timed out)%s%s\n",
               json_string_value(json_object_get(pr, "workload")),
               json_string_value(json_object_get(pr, "profiler")), st,
               (long long)json_integer_value(json_object_get(pr, "runs")),
               (long long)json_integer_value(json_object_get(pr, "failures")),
               (long long)json_integer_value(json_object_get(pr, "timeouts")),
               json_is_string(reason) ? ": " : "", json_is_string(reason) ? json_string_value(reason) : "");
    }
    free(rows);
}
