/* Several results directories as one view. See summary.h. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "store/summary.h"

/* 1 when run a is later than run b: by start time (ISO 8601 strings in
 * UTC compare as text), then by position on the command line. */
static int later(const struct pb_summary_set *set, size_t a, size_t b)
{
    const char *sa = set->runs[a]->meta.started, *sb = set->runs[b]->meta.started;
    int c = strcmp(sa ? sa : "", sb ? sb : "");

    return c != 0 ? c > 0 : a > b;
}

static int cmp_merged(const void *pa, const void *pb)
{
    const struct pb_merged_profiler *a = pa, *b = pb;
    double va = a->sum->wall.value, vb = b->sum->wall.value;

    if (isnan(va) != isnan(vb))
        return isnan(va) ? 1 : -1;
    if (!isnan(va) && va != vb)
        return va < vb ? -1 : 1;
    return strcmp(a->name, b->name);
}

static int add_workload(struct pb_summary_set *set, const char *w)
{
    const char **nw;

    for (size_t i = 0; i < set->nworkloads; i++)
        if (strcmp(set->workloads[i], w) == 0)
            return 0;
    nw = realloc(set->workloads, (set->nworkloads + 1) * sizeof *nw);
    if (!nw)
        return -1;
    set->workloads = nw;
    set->workloads[set->nworkloads++] = w;
    return 0;
}

static struct pb_merged_profiler *find_merged(struct pb_summary_set *set, const char *name)
{
    for (size_t i = 0; i < set->nprofilers; i++)
        if (strcmp(set->profilers[i].name, name) == 0)
            return &set->profilers[i];
    return NULL;
}

static int add_other(struct pb_merged_profiler *m, size_t run)
{
    size_t *n = realloc(m->other_runs, (m->nother_runs + 1) * sizeof *n);

    if (!n)
        return -1;
    m->other_runs = n;
    m->other_runs[m->nother_runs++] = run;
    return 0;
}

static int merge(struct pb_summary_set *set)
{
    size_t cap = 0;

    for (size_t r = 0; r < set->nruns; r++) {
        const struct pb_summary *s = set->runs[r];
        for (size_t i = 0; i < s->npairs; i++)
            if (add_workload(set, s->pairs[i].workload) < 0)
                return -1;
        for (size_t i = 0; i < s->nprofilers; i++)
            cap++;
    }
    set->profilers = calloc(cap + 1, sizeof *set->profilers);
    if (!set->profilers)
        return -1;

    for (size_t r = 0; r < set->nruns; r++) {
        const struct pb_summary *s = set->runs[r];
        for (size_t i = 0; i < s->nprofilers; i++) {
            const struct pb_profiler_summary *ps = &s->profilers[i];
            struct pb_merged_profiler *m;

            if (strcmp(ps->name, s->baseline) == 0)
                continue;       /* each run's own baseline is the 1.0 line */
            m = find_merged(set, ps->label ? ps->label : ps->name);
            if (!m) {
                m = &set->profilers[set->nprofilers++];
                m->name = ps->label ? ps->label : ps->name;
                m->run = r;
                m->sum = ps;
            } else if (later(set, r, m->run)) {
                if (add_other(m, m->run) < 0)
                    return -1;
                m->run = r;
                m->sum = ps;
                m->name = ps->label ? ps->label : ps->name;
            } else if (add_other(m, r) < 0) {
                return -1;
            }
        }
    }

    for (size_t i = 0; i < set->nprofilers; i++) {
        struct pb_merged_profiler *m = &set->profilers[i];
        const struct pb_summary *s = set->runs[m->run];

        m->pairs = calloc(set->nworkloads + 1, sizeof *m->pairs);
        if (!m->pairs)
            return -1;
        for (size_t w = 0; w < set->nworkloads; w++) {
            const struct pb_pair *p = pb_summary_pair_on(s, set->workloads[w], m->sum->name,
                                                         m->sum->python);
            m->pairs[w] = p;
            if (!p)
                continue;
            m->pairs_failed += p->status == PB_PAIR_FAILED;
            m->pairs_timeout += p->status == PB_PAIR_TIMEOUT;
            m->pairs_partial += p->status == PB_PAIR_PARTIAL;
            m->pairs_not_run += p->status == PB_PAIR_NOT_RUN;
            /* the writer puts a timed-out pair in the wall mean exactly
             * when it has a lower bound (a baseline time to divide by) */
            m->pairs_at_bound += p->status == PB_PAIR_TIMEOUT && m->sum->wall_lower_bound
                                 && p->lower_bound && pb_ratio_known(&p->wall);
        }
    }
    qsort(set->profilers, set->nprofilers, sizeof *set->profilers, cmp_merged);
    return 0;
}

struct pb_summary_set *pb_summary_set_load(const char *const *dirs, size_t ndirs,
                                           struct pb_error *err)
{
    struct pb_summary_set *set;

    if (ndirs == 0) {
        pb_error_set(err, "no results directory given");
        return NULL;
    }
    set = calloc(1, sizeof *set);
    if (!set || !(set->runs = calloc(ndirs, sizeof *set->runs))) {
        free(set);
        pb_error_set(err, "out of memory");
        return NULL;
    }
    for (size_t i = 0; i < ndirs; i++) {
        set->runs[i] = pb_summary_load(dirs[i], err);
        if (!set->runs[i]) {
            pb_summary_set_free(set);
            return NULL;
        }
        set->nruns++;
    }
    if (merge(set) < 0) {
        pb_summary_set_free(set);
        pb_error_set(err, "out of memory");
        return NULL;
    }
    return set;
}

void pb_summary_set_free(struct pb_summary_set *set)
{
    if (!set)
        return;
    for (size_t i = 0; i < set->nprofilers; i++) {
        free(set->profilers[i].pairs);
        free(set->profilers[i].other_runs);
    }
    free(set->profilers);
    free(set->workloads);
    for (size_t i = 0; i < set->nruns; i++)
        pb_summary_free(set->runs[i]);
    free(set->runs);
    free(set);
}
