/* Start-up versus steady state, fitted over sizes. See scaling.h. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/pairstate.h"
#include "analysis/scaling.h"
#include "analysis/stats.h"
#include "util/rng.h"

#define MAX_SIZES 16

struct side {               /* one profiler's ok walls of one sized workload, by size */
    size_t nsizes;
    double size[MAX_SIZES];
    const double *y[MAX_SIZES];
    size_t n[MAX_SIZES];
};

/* Least squares over every run of a side (x = size, y = wall); when rng is
 * given, each size's runs are first resampled with replacement. */
static int fit_side(const struct side *sd, struct pb_rng *rng, double *xs, double *ys,
                    struct pb_linfit *fit)
{
    size_t m = 0;
    for (size_t k = 0; k < sd->nsizes; k++)
        for (size_t i = 0; i < sd->n[k]; i++) {
            xs[m] = sd->size[k];
            ys[m++] = rng ? sd->y[k][pb_rng_below(rng, sd->n[k])] : sd->y[k][i];
        }
    return pb_stats_linfit(xs, ys, m, fit, NULL);
}

/* The fit of one profiler against the baseline into *out; 0 when it has
 * an answer, 1 when not (too few points, a flat baseline), -1 when out
 * of memory. */
static int fit_pair(const struct side *p, const struct side *b, uint64_t seed,
                    struct pb_scaling *out)
{
    size_t total = 0, nrep = 0;
    for (size_t k = 0; k < p->nsizes; k++)
        total += p->n[k] > b->n[k] ? p->n[k] : b->n[k];
    double *xs = malloc(total * sizeof *xs), *ys = malloc(total * sizeof *ys);
    double *st = malloc(PB_RESAMPLES * sizeof *st), *sl = malloc(PB_RESAMPLES * sizeof *sl);
    struct pb_linfit fp, fb;
    struct pb_rng rng;
    int rc = 1;

    if (!xs || !ys || !st || !sl) {
        rc = -1;
        goto cleanup;
    }
    if (fit_side(p, NULL, xs, ys, &fp) < 0 || fit_side(b, NULL, xs, ys, &fb) < 0 || !(fb.b > 0))
        goto cleanup;
    pb_rng_seed(&rng, seed);
    for (int r = 0; r < PB_RESAMPLES; r++) {
        struct pb_linfit rp, rb;
        if (fit_side(p, &rng, xs, ys, &rp) == 0 && fit_side(b, &rng, xs, ys, &rb) == 0 && rb.b > 0) {
            st[nrep] = rp.a - rb.a;
            sl[nrep++] = rp.b / rb.b;
        }
    }
    if (nrep < 10)
        goto cleanup;
    double lo = (1 - PB_CONFIDENCE) / 2, hi = 1 - lo;
    out->nsizes = p->nsizes;
    memcpy(out->sizes, p->size, p->nsizes * sizeof *p->size);
    out->startup_s = (struct pb_ratio){ fp.a - fb.a, pb_stats_quantile(st, nrep, lo),
                                        pb_stats_quantile(st, nrep, hi) };
    out->steady = (struct pb_ratio){ fp.b / fb.b, pb_stats_quantile(sl, nrep, lo),
                                     pb_stats_quantile(sl, nrep, hi) };
    out->r2 = isnan(fp.r2) ? 0.0 : fp.r2;
    out->r2_baseline = isnan(fb.r2) ? 0.0 : fb.r2;
    out->baseline_startup_s = fb.a;
    out->baseline_slope_s = fb.b;
    rc = 0;
cleanup:
    free(xs);
    free(ys);
    free(st);
    free(sl);
    return rc;
}

/* who's ok walls of each size of base into sd (pointing into buf, which
 * holds *used values of at most cap). Returns 0 when every size has runs. */
static int same(const char *a, const char *b)
{
    return a == b || (a && b && !strcmp(a, b));
}

static int gather(const struct pb_resolved *r, const struct pb_run_list *runs, const char *base,
                  const char *py, const char *who, double *buf, size_t cap, size_t *used,
                  struct side *sd)
{
    int ok = 1;

    sd->nsizes = 0;
    for (size_t j = 0; j < r->nworkloads; j++) {
        const struct pb_resolved_workload *w = &r->workloads[j];
        if (!w->base || strcmp(w->base, base) || !same(w->python, py) || sd->nsizes >= MAX_SIZES)
            continue;
        size_t k = sd->nsizes++;
        sd->size[k] = w->size;
        sd->y[k] = buf + *used;
        sd->n[k] = 0;
        for (size_t i = 0; i < runs->n; i++) {
            const struct pb_run_record *rec = &runs->items[i];
            if (rec->round >= 0 && rec->status == PB_RUN_OK && !strcmp(rec->workload, w->name)
                && !strcmp(rec->profiler, who) && *used < cap) {
                buf[(*used)++] = rec->wall_s;
                sd->n[k]++;
            }
        }
        if (!sd->n[k])
            ok = 0;
    }
    return ok ? 0 : -1;
}

/* 1 when workload i is the first of its base on its interpreter (each
 * is fitted once). */
static int first_of_base(const struct pb_resolved *r, size_t i)
{
    for (size_t j = 0; j < i; j++)
        if (r->workloads[j].base && !strcmp(r->workloads[j].base, r->workloads[i].base)
            && same(r->workloads[j].python, r->workloads[i].python))
            return 0;
    return 1;
}

static int add_entry(struct pb_summary *s, const char *base, const char *py, const char *prof,
                     const struct side *p, const struct side *b, uint64_t seed,
                     struct pb_error *err)
{
    struct pb_scaling e;
    int rc;

    memset(&e, 0, sizeof e);
    rc = fit_pair(p, b, seed, &e);
    if (rc != 0)
        return rc < 0 ? pb_error_set(err, "out of memory") : 0;
    struct pb_scaling *ns = realloc(s->scaling, (s->nscaling + 1) * sizeof *ns);
    if (!ns)
        return pb_error_set(err, "out of memory");
    s->scaling = ns;
    e.workload = pb_summary_intern(s, base);
    e.profiler = pb_summary_intern(s, prof);
    e.python = py ? pb_summary_intern(s, py) : NULL;
    if (!e.workload || !e.profiler || (py && !e.python))
        return pb_error_set(err, "out of memory");
    s->scaling[s->nscaling++] = e;
    return 0;
}

int pb_scaling_fit(const struct pb_resolved *r, const struct pb_run_list *runs, uint64_t seed,
                   struct pb_summary *s, struct pb_error *err)
{
    size_t cap = runs->n ? runs->n : 1;
    double *buf = malloc(cap * sizeof *buf);  /* every ok wall, the sides point into it */
    int rc = 0;

    if (!buf)
        return pb_error_set(err, "out of memory");
    for (size_t i = 0; rc == 0 && i < r->nworkloads; i++) {
        const char *base = r->workloads[i].base, *py = r->workloads[i].python;
        if (!base || !first_of_base(r, i))
            continue;
        for (size_t q = 0; rc == 0 && q < r->nprofilers; q++) {
            const char *prof = r->profilers[q].name;
            struct side sides[2];
            size_t used = 0;
            if (!strcmp(prof, r->baseline)
                || gather(r, runs, base, py, prof, buf, cap, &used, &sides[0]) < 0
                || gather(r, runs, base, py, r->baseline, buf, cap, &used, &sides[1]) < 0
                || sides[0].nsizes < 2)
                continue;
            rc = add_entry(s, base, py, prof, &sides[0], &sides[1], pb_hash_str(seed, prof) ^ i, err);
        }
    }
    free(buf);
    return rc;
}
