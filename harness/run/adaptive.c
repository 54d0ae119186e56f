/* runs: auto, one round at a time. See adaptive.h. */
#include <stdlib.h>
#include <string.h>

#include "run/adaptive.h"
#include "util/rng.h"

void pb_adaptive_rules(const struct pb_config *cfg, size_t w, size_t p, struct pb_pair_rules *r)
{
    r->adaptive = pb_config_adaptive(cfg, &cfg->workloads[w], &cfg->profilers[p]);
    r->precision = cfg->precision;
    r->min_runs = cfg->min_runs;
    r->max_runs = cfg->max_runs;
    r->budget = cfg->budget;
}

/* 1 when pair (w, p) runs in `round`; -1 when out of memory. */
static int needs_more(const struct pb_config *cfg, const struct pb_run_list *runs, size_t w,
                      size_t p, int round, uint64_t seed, struct pb_error *err)
{
    const struct pb_workload *wl = &cfg->workloads[w];
    const struct pb_profiler *pr = &cfg->profilers[p];
    struct pb_pair_rules rules;
    struct pb_pair_state st;
    int more;

    pb_adaptive_rules(cfg, w, p, &rules);
    if (!rules.adaptive)
        return 0;
    if (pb_pair_state_compute(runs, wl->name, pr->name, cfg->profilers[cfg->baseline].name,
                              pb_config_timeout(cfg, wl, pr), seed, round, &st, err) < 0)
        return -1;
    more = pb_pair_decide(&st, &rules, round) == PB_WHY_MORE;
    pb_pair_state_release(&st);
    return more;
}

static void add(struct pb_plan *out, int round, size_t w, size_t p)
{
    out->entries[out->n].round = round;
    out->entries[out->n].workload = w;
    out->entries[out->n].profiler = p;
    out->n++;
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
    if (cfg->budget > 0 && pb_pair_spent(runs, round) >= cfg->budget)
        return 0;
    out->entries = calloc(cap, sizeof *out->entries);
    if (!out->entries)
        return pb_error_set(err, "out of memory");
    for (size_t w = 0; w < cfg->nworkloads; w++) {
        int need = 0;
        for (size_t p = 0; p < cfg->nprofilers; p++) {
            if (p == cfg->baseline || !pb_plan_pair_in(cfg, w, p))
                continue;
            int more = needs_more(cfg, runs, w, p, round, seed, err);
            if (more < 0) {
                pb_plan_release(out);
                return -1;
            }
            if (more) {
                need = 1;
                add(out, round, w, p);
            }
        }
        /* the baseline runs while any of its workload's pairs does */
        if (need && pb_config_adaptive(cfg, &cfg->workloads[w], &cfg->profilers[cfg->baseline]))
            add(out, round, w, cfg->baseline);
    }
    pb_rng_seed(&rng, seed ^ (0xa5a5a5a5ULL + (uint64_t)round));
    if (pb_plan_order_round(&rng, out->entries, out->n) < 0) {
        pb_plan_release(out);
        return pb_error_set(err, "out of memory");
    }
    for (size_t i = 0; i < out->n; i++)
        out->entries[i].seq = first_seq + i;
    return 0;
}
