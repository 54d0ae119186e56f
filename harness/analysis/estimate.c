#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/estimate.h"
#include "core/plan.h"

static int by_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* The median wall of pair (w, p)'s runs in prior, into *wall, and whether
 * one timed out. Returns the number of its runs found. */
static size_t pair_prior(const struct pb_run_list *prior, const char *w, const char *p,
                         double *wall, int *timed_out)
{
    size_t n = 0;
    double *walls;

    *timed_out = 0;
    *wall = NAN;
    if (!prior || !prior->n || !(walls = malloc(prior->n * sizeof *walls)))
        return 0;
    for (size_t i = 0; i < prior->n; i++) {
        const struct pb_run_record *r = &prior->items[i];
        if (strcmp(r->workload, w) || strcmp(r->profiler, p) || r->status == PB_RUN_SKIPPED
            || !(r->wall_s >= 0))
            continue;
        *timed_out |= r->status == PB_RUN_TIMEOUT;
        walls[n++] = r->wall_s;
    }
    if (n) {
        qsort(walls, n, sizeof *walls, by_double);
        *wall = n % 2 ? walls[n / 2] : (walls[n / 2 - 1] + walls[n / 2]) / 2;
    }
    free(walls);
    return n;
}

void pb_estimate_plan(const struct pb_config *cfg, const struct pb_run_list *prior,
                      struct pb_estimate *out)
{
    size_t unknown = 0;
    double known = 0;

    memset(out, 0, sizeof *out);
    for (size_t w = 0; w < cfg->nworkloads; w++) {
        for (size_t p = 0; p < cfg->nprofilers; p++) {
            if (!pb_plan_pair_in(cfg, w, p))
                continue;
            size_t n = (size_t)(pb_plan_pair_runs(cfg, w, p) + pb_plan_pair_warmup(cfg, w, p));
            double timeout = pb_config_timeout(cfg, &cfg->workloads[w], &cfg->profilers[p]), wall;
            int timed_out;

            out->runs += n;
            out->at_most_s += (double)n * timeout;
            if (!pair_prior(prior, cfg->workloads[w].name, cfg->profilers[p].name, &wall,
                            &timed_out)) {
                unknown += n;
                continue;
            }
            out->runs_known += n;
            known += timed_out ? timeout : (double)n * wall;
        }
    }
    if (!out->runs_known) {
        out->expected_s = NAN;
        return;
    }
    /* the unknown runs at the mean of the known ones, none past its bound */
    out->expected_s = known + (double)unknown * (known / (double)out->runs_known);
    if (out->expected_s > out->at_most_s)
        out->expected_s = out->at_most_s;
}
