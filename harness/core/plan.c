#include <stdlib.h>
#include <string.h>

#include "core/plan.h"
#include "core/shard.h"
#include "util/rng.h"

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

int pb_plan_pair_in_matrix(const struct pb_config *cfg, size_t w, size_t p)
{
    const struct pb_workload *wl = &cfg->workloads[w];

    return wl->selected && !wl->unrunnable && cfg->profilers[p].selected
        && pb_config_runnable(cfg, wl->interp, p)
        && pb_config_runnable(cfg, wl->interp, cfg->baseline) && !pb_config_skipped(cfg, w, p);
}

int pb_plan_pair_in(const struct pb_config *cfg, size_t w, size_t p)
{
    return pb_plan_pair_in_matrix(cfg, w, p) && pb_shard_here(cfg, w);
}

static int pair_count(const struct pb_config *cfg, size_t w, size_t p, int warm)
{
    const struct pb_workload *wl = &cfg->workloads[w];
    int n = warm ? pb_config_warmup(cfg, wl, &cfg->profilers[p])
                 : pb_config_runs(cfg, wl, &cfg->profilers[p]);

    if (p != cfg->baseline)
        return n;
    /* the matrix's, not the shard's: every shard resolves the same counts */
    for (size_t q = 0; q < cfg->nprofilers; q++) {
        if (!pb_plan_pair_in_matrix(cfg, w, q))
            continue;
        int m = warm ? pb_config_warmup(cfg, wl, &cfg->profilers[q])
                     : pb_config_runs(cfg, wl, &cfg->profilers[q]);
        if (m > n)
            n = m;
    }
    return n;
}

int pb_plan_pair_runs(const struct pb_config *cfg, size_t w, size_t p)
{
    return pair_count(cfg, w, p, 0);
}

int pb_plan_pair_warmup(const struct pb_config *cfg, size_t w, size_t p)
{
    return pair_count(cfg, w, p, 1);
}

void pb_plan_count(const struct pb_config *cfg, size_t *least, size_t *most)
{
    *least = *most = 0;
    for (size_t w = 0; w < cfg->nworkloads; w++) {
        for (size_t p = 0; p < cfg->nprofilers; p++) {
            if (!pb_plan_pair_in(cfg, w, p))
                continue;
            size_t warm = (size_t)pb_plan_pair_warmup(cfg, w, p);
            size_t runs = (size_t)pb_plan_pair_runs(cfg, w, p);
            *least += warm + runs;
            if (pb_config_adaptive(cfg, &cfg->workloads[w], &cfg->profilers[p]) && cfg->max_runs > (int)runs)
                runs = (size_t)cfg->max_runs;
            *most += warm + runs;
        }
    }
}

/* Measured rounds of (w, p) in the plan pb_plan_build makes: all of them,
 * except under runs: auto, where an adaptive pair has only round 0 (the
 * later rounds are decided one at a time, adaptive.h) and the baseline has
 * as many as its workload's longest pair there. */
static int first_runs(const struct pb_config *cfg, size_t w, size_t p)
{
    const struct pb_workload *wl = &cfg->workloads[w];
    int n;

    if (!cfg->runs_auto)
        return pb_plan_pair_runs(cfg, w, p);
    n = pb_config_adaptive(cfg, wl, &cfg->profilers[p]) ? 1 : pb_config_runs(cfg, wl, &cfg->profilers[p]);
    if (p != cfg->baseline)
        return n;
    for (size_t q = 0; q < cfg->nprofilers; q++) {
        if (q == p || !pb_plan_pair_in(cfg, w, q))
            continue;
        int m = first_runs(cfg, w, q);
        if (m > n)
            n = m;
    }
    return n;
}

/* The key of entry e in a round: its workload's rank, then its place. */
struct order_key {
    uint64_t rank;
    size_t at;
    struct pb_plan_entry e;
};

static int by_key(const void *a, const void *b)
{
    const struct order_key *x = a, *y = b;

    if (x->rank != y->rank)
        return x->rank < y->rank ? -1 : 1;
    return x->at < y->at ? -1 : x->at > y->at;
}

int pb_plan_order_round(struct pb_rng *rng, struct pb_plan_entry *entries, size_t n)
{
    struct order_key *k;
    size_t nw = 0;

    if (n < 2)
        return 0;
    pb_rng_shuffle(rng, entries, n, sizeof *entries);
    k = malloc(n * sizeof *k);
    if (!k)
        return -1;
    for (size_t i = 0; i < n; i++) {
        size_t j = 0;
        while (j < i && k[j].e.workload != entries[i].workload)
            j++;
        /* a workload's rank: the order its first entry came out of the
         * shuffle in, so the blocks are in a shuffled order too */
        k[i] = (struct order_key){ j < i ? k[j].rank : nw++, i, entries[i] };
    }
    qsort(k, n, sizeof *k, by_key);
    for (size_t i = 0; i < n; i++)
        entries[i] = k[i].e;
    free(k);
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
        for (size_t p = 0; p < cfg->nprofilers; p++) {
            if (!pb_plan_pair_in(cfg, w, p))
                continue;
            int r = first_runs(cfg, w, p);
            int wu = pb_plan_pair_warmup(cfg, w, p);
            if (r > max_runs)
                max_runs = r;
            if (wu > max_warm)
                max_warm = wu;
            npairs++;
        }
    }
    if (npairs == 0)
        return pb_error_set(err, "nothing to run: no workload or no profiler is selected%s",
                            cfg->ninterps > 1 || !cfg->interps[0].available
                            ? " that can run on an available interpreter" : "");

    pb_rng_seed(&rng, seed);
    for (int round = -max_warm; round < max_runs; round++) {
        size_t start = out->n;
        for (size_t w = 0; w < cfg->nworkloads; w++) {
            for (size_t p = 0; p < cfg->nprofilers; p++) {
                if (!pb_plan_pair_in(cfg, w, p))
                    continue;
                int in = round < 0 ? -round <= pb_plan_pair_warmup(cfg, w, p)
                                   : round < first_runs(cfg, w, p);
                if (in && push(out, &cap, round, w, p) < 0) {
                    pb_plan_release(out);
                    return pb_error_set(err, "out of memory");
                }
            }
        }
        if (pb_plan_order_round(&rng, out->entries + start, out->n - start) < 0) {
            pb_plan_release(out);
            return pb_error_set(err, "out of memory");
        }
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
