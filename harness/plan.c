#include <stdlib.h>
#include <string.h>

#include "plan.h"
#include "stats.h"

static int push(struct pb_plan *p, size_t *cap, int round, size_t w, size_t pr)
{
    if (p->n == *cap) {
        size_t ncap = *cap ? *cap * 2 : 64;
        struct pb_plan_entry *ne = realloc(p->entries, ncap * sizeof *ne);
        if (!ne)
            return -1;
        p->entries = ne;
        *cap = ncap;
    }
    memset(&p->entries[p->n], 0, sizeof p->entries[p->n]);
    p->entries[p->n].round = round;
    p->entries[p->n].workload = w;
    p->entries[p->n].profiler = pr;
    p->n++;
    return 0;
}

int pb_plan_build(const struct pb_config *cfg, uint64_t seed, struct pb_plan *out,
                  struct pb_error *err)
{
    struct pb_rng rng;
    size_t cap = 0, npairs = 0;
    int max_warm = 0, max_runs = 0;

    memset(out, 0, sizeof *out);
    out->seed = seed;
    for (size_t w = 0; w < cfg->nworkloads; w++) {
        if (!cfg->workloads[w].selected)
            continue;
        for (size_t p = 0; p < cfg->nprofilers; p++) {
            if (!cfg->profilers[p].selected)
                continue;
            int r = pb_config_runs(cfg, &cfg->workloads[w], &cfg->profilers[p]);
            int wu = pb_config_warmup(cfg, &cfg->workloads[w], &cfg->profilers[p]);
            if (r > max_runs)
                max_runs = r;
            if (wu > max_warm)
                max_warm = wu;
            npairs++;
        }
    }
    if (npairs == 0)
        return pb_error_set(err, "nothing to run: no workload or no profiler is selected");

    pb_rng_seed(&rng, seed);
    for (int round = -max_warm; round < max_runs; round++) {
        size_t start = out->n;
        for (size_t w = 0; w < cfg->nworkloads; w++) {
            if (!cfg->workloads[w].selected)
                continue;
            for (size_t p = 0; p < cfg->nprofilers; p++) {
                const struct pb_profiler *pr = &cfg->profilers[p];
                if (!pr->selected)
                    continue;
                int in = round < 0
                    ? -round <= pb_config_warmup(cfg, &cfg->workloads[w], pr)
                    : round < pb_config_runs(cfg, &cfg->workloads[w], pr);
                if (in && push(out, &cap, round, w, p) < 0) {
                    pb_plan_release(out);
                    return pb_error_set(err, "out of memory");
                }
            }
        }
        pb_rng_shuffle(&rng, out->entries + start, out->n - start, sizeof *out->entries);
    }
    for (size_t i = 0; i < out->n; i++)
        out->entries[i].seq = i;
    return 0;
}

void pb_plan_release(struct pb_plan *plan)
{
    free(plan->entries);
    plan->entries = NULL;
    plan->n = 0;
}
