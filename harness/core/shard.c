/* A matrix cut into shards. See shard.h. */
#include <stdlib.h>
#include <string.h>

#include "core/plan.h"
#include "core/shard.h"

const char *pb_shard_group(const struct pb_workload *w)
{
    return w->base ? w->base : w->given ? w->given : w->name;
}

double pb_shard_weight(const struct pb_config *cfg, size_t w)
{
    const struct pb_workload *wl = &cfg->workloads[w];
    double sum = 0;

    if (!wl->selected)
        return 0;
    for (size_t p = 0; p < cfg->nprofilers; p++) {
        if (!pb_plan_pair_in_matrix(cfg, w, p))
            continue;
        int n = pb_plan_pair_runs(cfg, w, p) + pb_plan_pair_warmup(cfg, w, p);
        sum += n * cfg->profilers[p].cost;
    }
    return wl->target > 0 ? sum * wl->target : sum;
}

struct group {
    const char *name;
    double weight;
};

/* Heaviest first; equal weights by name, so the order is the config's
 * content, not its order of workloads. */
static int by_weight(const void *a, const void *b)
{
    const struct group *x = a, *y = b;

    if (x->weight != y->weight)
        return x->weight > y->weight ? -1 : 1;
    return strcmp(x->name, y->name);
}

int pb_shard_split(const struct pb_config *cfg, int count, int *owner, struct pb_error *err)
{
    struct group *g;
    double *load;
    size_t ng = 0;

    if (count < 1 || count > PB_SHARD_MAX)
        return pb_error_set(err, "a matrix is cut into 1 to %d shards, not %d", PB_SHARD_MAX, count);
    g = calloc(cfg->nworkloads + 1, sizeof *g);
    load = calloc((size_t)count, sizeof *load);
    if (!g || !load) {
        free(g);
        free(load);
        return pb_error_set(err, "out of memory");
    }
    for (size_t i = 0; i < cfg->nworkloads; i++) {
        const struct pb_workload *w = &cfg->workloads[i];
        size_t k = 0;
        if (!w->selected)
            continue;
        while (k < ng && strcmp(g[k].name, pb_shard_group(w)))
            k++;
        if (k == ng)
            g[ng++].name = pb_shard_group(w);
        g[k].weight += pb_shard_weight(cfg, i);
    }
    qsort(g, ng, sizeof *g, by_weight);
    for (size_t i = 0; i < cfg->nworkloads; i++)
        owner[i] = 0;
    for (size_t k = 0; k < ng; k++) {
        int least = 0;
        for (int s = 1; s < count; s++)
            if (load[s] < load[least])
                least = s;
        load[least] += g[k].weight;
        for (size_t i = 0; i < cfg->nworkloads; i++)
            if (cfg->workloads[i].selected && !strcmp(pb_shard_group(&cfg->workloads[i]), g[k].name))
                owner[i] = least + 1;
    }
    free(g);
    free(load);
    return 0;
}

int pb_shard_apply(struct pb_config *cfg, int index, int count, struct pb_error *err)
{
    int *owner;

    if (count < 1 || count > PB_SHARD_MAX || index < 1 || index > count)
        return pb_error_set(err, "shard %d of %d: expected 1 <= K <= N <= %d", index, count,
                            PB_SHARD_MAX);
    owner = calloc(cfg->nworkloads + 1, sizeof *owner);
    if (!owner)
        return pb_error_set(err, "out of memory");
    if (pb_shard_split(cfg, count, owner, err) < 0) {
        free(owner);
        return -1;
    }
    for (size_t i = 0; i < cfg->nworkloads; i++)
        cfg->workloads[i].shard = owner[i];
    cfg->shard_index = index;
    cfg->shard_count = count;
    free(owner);
    return 0;
}

int pb_shard_here(const struct pb_config *cfg, size_t w)
{
    return cfg->shard_count == 0 || cfg->workloads[w].shard == cfg->shard_index;
}
