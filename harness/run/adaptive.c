#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "run/adaptive.h"
#include "analysis/stats.h"

#define RESAMPLES 1000

static const char *const names[] = {
    "more", "precise", "max_runs", "budget", "timeout", "failed", "fixed"
};

const char *pb_adaptive_state_name(enum pb_adaptive_state s)
{
    return (unsigned)s < sizeof names / sizeof names[0] ? names[s] : "unknown";
}

/* Ok measured walls of (w, p) in rounds before `round`; counts timeouts
 * and failures. Returns the number of ok walls written into out (at most
 * cap). */
static size_t walls(const struct pb_run_list *runs, const char *w, const char *p, int round,
                    double *out, size_t cap, size_t *timeouts, size_t *failures)
{
    size_t n = 0;

    *timeouts = *failures = 0;
    for (size_t i = 0; i < runs->n; i++) {
        const struct pb_run_record *r = &runs->items[i];
        if (r->round < 0 || r->round >= round || strcmp(r->workload, w) || strcmp(r->profiler, p))
            continue;
        if (r->status == PB_RUN_OK) {
            if (n < cap)
                out[n++] = r->wall_s > 0 ? r->wall_s : 1e-9;
        } else if (r->status == PB_RUN_TIMEOUT || r->status == PB_RUN_SKIPPED) {
            (*timeouts)++;
        } else {
            (*failures)++;
        }
    }
    return n;
}

enum pb_adaptive_state pb_adaptive_pair(const struct pb_config *cfg, const struct pb_run_list *runs,
                                        size_t wi, size_t pi, int round, uint64_t seed,
                                        double *halfwidth)
{
    const struct pb_workload *w = &cfg->workloads[wi];
    const struct pb_profiler *p = &cfg->profilers[pi];
    const struct pb_profiler *base = &cfg->profilers[cfg->baseline];
    size_t cap = (size_t)cfg->max_runs + 8, nt, nf, bt, bf;
    double *num = malloc(cap * sizeof *num), *den = malloc(cap * sizeof *den);
    enum pb_adaptive_state st;

    *halfwidth = NAN;
    if (!num || !den) {
        st = PB_ADAPT_FAILED;
        goto out;
    }
    if (!pb_config_adaptive(cfg, w, p)) {
        st = PB_ADAPT_FIXED;
        goto out;
    }
    size_t nn = walls(runs, w->name, p->name, round, num, cap, &nt, &nf);
    size_t nd = walls(runs, w->name, base->name, round, den, cap, &bt, &bf);
    if (nn >= 2 && nd >= 2) {
        struct pb_ci ci;
        if (pb_stats_ratio_ci(num, nn, den, nd, 0.95, RESAMPLES, seed ^ (wi * 1000003u + pi),
                              &ci, NULL) == 0 && ci.value > 0)
            *halfwidth = (ci.hi - ci.lo) / 2 / ci.value;
    }
    if (nt) {
        st = PB_ADAPT_TIMEOUT;
    } else if (nn == 0 && nf >= 2) {
        st = PB_ADAPT_FAILED;
    } else if (round < cfg->min_runs) {
        st = PB_ADAPT_MORE;             /* too few runs to judge the interval */
    } else if (!isnan(*halfwidth) && *halfwidth <= cfg->precision) {
        st = PB_ADAPT_PRECISE;
    } else if (nn + nf >= (size_t)cfg->max_runs) {
        st = PB_ADAPT_MAX_RUNS;
    } else {
        st = PB_ADAPT_MORE;
    }
out:
    free(num);
    free(den);
    return st;
}

static double recorded_seconds(const struct pb_run_list *runs, int round)
{
    double s = 0;
    for (size_t i = 0; i < runs->n; i++)
        if (runs->items[i].round < round)
            s += runs->items[i].wall_s;
    return s;
}

int pb_adaptive_next_round(const struct pb_config *cfg, const struct pb_run_list *runs,
                           int round, uint64_t seed, size_t first_seq, struct pb_plan *out,
                           struct pb_error *err)
{
    size_t cap = cfg->nworkloads * cfg->nprofilers + 1;
    struct pb_rng rng;

    memset(out, 0, sizeof *out);
    out->seed = seed;
    if (!cfg->runs_auto || round >= cfg->max_runs)
        return 0;
    if (cfg->budget > 0 && recorded_seconds(runs, round) >= cfg->budget)
        return 0;
    out->entries = calloc(cap, sizeof *out->entries);
    if (!out->entries)
        return pb_error_set(err, "out of memory");
    for (size_t wi = 0; wi < cfg->nworkloads; wi++) {
        int need = 0;
        if (!cfg->workloads[wi].selected)
            continue;
        for (size_t pi = 0; pi < cfg->nprofilers; pi++) {
            double hw;
            if (!cfg->profilers[pi].selected || pi == cfg->baseline)
                continue;
            if (pb_adaptive_pair(cfg, runs, wi, pi, round, seed, &hw) != PB_ADAPT_MORE)
                continue;
            need = 1;
            out->entries[out->n].round = round;
            out->entries[out->n].workload = wi;
            out->entries[out->n].profiler = pi;
            out->n++;
        }
        /* the baseline runs while any of its workload's pairs does */
        if (need && pb_config_adaptive(cfg, &cfg->workloads[wi], &cfg->profilers[cfg->baseline])) {
            out->entries[out->n].round = round;
            out->entries[out->n].workload = wi;
            out->entries[out->n].profiler = cfg->baseline;
            out->n++;
        }
    }
    pb_rng_seed(&rng, seed ^ (0xa5a5a5a5ULL + (uint64_t)round));
    pb_rng_shuffle(&rng, out->entries, out->n, sizeof *out->entries);
    for (size_t i = 0; i < out->n; i++)
        out->entries[i].seq = first_seq + i;
    return 0;
}
