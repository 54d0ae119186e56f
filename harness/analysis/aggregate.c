/* A results directory's records -> its summary. See aggregate.h. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/aggregate.h"
#include "analysis/pairstate.h"
#include "analysis/scaling.h"
#include "analysis/stats.h"
#include "store/calibration.h"
#include "store/records.h"
#include "store/resolved.h"

#define MIN_RUNS_FOR_OUTLIERS 5

/* What the aggregation reads and builds. */
struct agg {
    struct pb_resolved r;
    struct pb_run_list runs;
    struct pb_summary *s;
    struct pb_pair_state *states;   /* per pair of r, as s->pairs */
    struct pb_calibration cal;      /* calibration.json; empty without */
    struct pb_error *err;
};

static int warn(struct pb_summary *s, const char **list, size_t *n, const char *msg)
{
    if (*n >= PB_SUMMARY_MAX_WARNINGS)
        return 0;
    if (!(list[*n] = pb_summary_intern(s, msg)))
        return -1;
    (*n)++;
    return 0;
}

/* Warnings a user can act on about one pair's runs (wall times in the
 * order they ran). Returns 0 or -1 (out of memory). */
static int pair_warnings(struct pb_summary *s, struct pb_pair *p, const struct pb_pair_state *st)
{
    const double *wall = st->num.wall;
    size_t n = st->num.n, nout;
    unsigned char flags[1024];
    char msg[256];
    int rc = 0;

    if (n == 0 || n > sizeof flags)
        return 0;
    double med = pb_stats_median(wall, n);
    /* Outliers need runs to stand out from: with 3 or 4 the MAD rests on
     * one or two differences, and a 2% wobble reads as "much slower". */
    nout = n >= MIN_RUNS_FOR_OUTLIERS ? pb_stats_mad_outliers(wall, n, 3.5, flags) : 0;
    if (!nout)
        flags[0] = 0;
    if (flags[0] && wall[0] > med) {
        snprintf(msg, sizeof msg, "the first run was much slower than the rest (%.3f s against a "
                 "median of %.3f s): cold caches or start-up; add warm-up runs", wall[0], med);
        rc |= warn(s, p->warnings, &p->nwarnings, msg);
        nout--;
    }
    if (nout > 0) {
        snprintf(msg, sizeof msg, "%zu of %zu runs are outliers (more than 3.5 MADs from the median "
                 "of %.3f s): something else was running; the median resists them, but re-run if "
                 "the interval is wide", nout, n, med);
        rc |= warn(s, p->warnings, &p->nwarnings, msg);
    }
    double v = p->wall.value;
    if (!p->lower_bound && v > 0 && (p->wall.hi - p->wall.lo) / 2 / v > 0.10) {
        snprintf(msg, sizeof msg, "the interval is wide (+/-%.0f%%): the runs vary; more runs "
                 "or a quieter machine would narrow it", (p->wall.hi - p->wall.lo) / 2 / v * 100);
        rc |= warn(s, p->warnings, &p->nwarnings, msg);
    }
    return rc;
}

/* Warnings about the whole run, from its meta. */
static int run_warnings(struct pb_summary *s)
{
    const struct pb_meta *m = &s->meta;
    char msg[256];
    int rc = 0;

    if (m->cores > 0 && !isnan(m->loadavg_start[0]) && m->loadavg_start[0] > 0.5 * m->cores) {
        snprintf(msg, sizeof msg, "the machine was busy when the run started (load average %.2f "
                 "on %d cores): other processes competed with the workloads", m->loadavg_start[0],
                 m->cores);
        rc |= warn(s, s->warnings, &s->nwarnings, msg);
    }
    if (m->aslr && strcmp(m->aslr, "on"))
        rc |= warn(s, s->warnings, &s->nwarnings, "address-space randomization is not fully on: "
                   "one memory layout may favour some runs");
    return rc;
}

static struct pb_ratio ci_ratio(const struct pb_ci *ci)
{
    return (struct pb_ratio){ ci->value, ci->lo, ci->hi };
}

/* Why profiler p could not run on workload w's interpreter, as the run
 * recorded it in meta.json when it started, or why w could not run at all
 * (its calibration failed: calibration.json), or NULL. */
static const char *unavailable(struct agg *a, const struct pb_resolved_workload *w, const char *p)
{
    static char why[PB_ERROR_MSG_MAX + 32];
    const struct pb_meta *m = &a->s->meta;
    const char *reason = pb_meta_reason_of(m->unavailable, m->nunavailable, p);
    const struct pb_calibration_entry *e = w ? pb_calibration_find(&a->cal, w->name) : NULL;

    if (e && e->error) {
        snprintf(why, sizeof why, "calibration failed: %s", e->error);
        return why;
    }

    for (size_t i = 0; w && w->python && i < m->npythons; i++) {
        const struct pb_meta_python *py = &m->pythons[i];
        if (!py->label || strcmp(py->label, w->python))
            continue;
        reason = py->available ? pb_meta_reason_of(py->unavailable, py->nunavailable, p) : py->why;
    }
    if (!reason)
        return NULL;
    snprintf(why, sizeof why, "unavailable: %s", reason);
    return why;
}

/* In a merge of shards: the shard that holds workload w (its meta entry),
 * or NULL. */
static const struct pb_meta_shard *shard_of(const struct agg *a, const char *w)
{
    const struct pb_meta *m = &a->s->meta;

    for (size_t i = 0; i < m->nshards; i++)
        for (size_t k = 0; k < m->shards[i].workloads.n; k++)
            if (!strcmp(m->shards[i].workloads.v[k], w))
                return &m->shards[i];
    return NULL;
}

/* In a merge of shards, why pair k has no runs when its shard's are
 * missing: "shard K was not merged", "shard K did not finish"; else
 * NULL. */
static const char *shard_missing(struct agg *a, size_t k)
{
    static char why[64];
    const struct pb_meta_shard *sh = shard_of(a, a->r.pairs[k].workload);

    if (!sh || (sh->merged && sh->complete))
        return NULL;
    snprintf(why, sizeof why, "shard %d %s", sh->index, sh->merged ? "did not finish" : "was not merged");
    return why;
}

/* Pair k of the resolved inputs into s->pairs[k]. */
static int build_pair(struct agg *a, size_t k)
{
    const struct pb_resolved_pair *rp = &a->r.pairs[k];
    struct pb_pair *p = &a->s->pairs[k];
    struct pb_pair_state *st = &a->states[k];

    if (pb_pair_state_compute(&a->runs, rp->workload, rp->profiler, a->r.baseline, rp->timeout_s,
                              a->r.seed, PB_ALL_ROUNDS, st, a->err) < 0)
        return -1;
    const struct pb_pair_counts *c = &st->n;
    const struct pb_resolved_workload *rw = pb_resolved_workload(&a->r, rp->workload);
    const char *gone = unavailable(a, rw, rp->profiler), *elsewhere = shard_missing(a, k);
    /* timed out in a warm-up run: the measured runs were skipped, and the
     * pair is still a lower bound, not "not run" */
    size_t timeouts = c->timeouts ? c->timeouts : !c->ok && c->warmup_timeout;
    p->workload = pb_summary_intern(a->s, rw && rw->given ? rw->given : rp->workload);
    p->profiler = pb_summary_intern(a->s, rp->profiler);
    p->python = rw && rw->python ? pb_summary_intern(a->s, rw->python) : NULL;
    p->status = c->ok && (c->failures || timeouts) ? PB_PAIR_PARTIAL
              : c->ok ? PB_PAIR_OK : timeouts ? PB_PAIR_TIMEOUT
              : c->failures ? PB_PAIR_FAILED : PB_PAIR_NOT_RUN;
    /* a pair of a shard missing from a merge: its shard says why first */
    if (p->status == PB_PAIR_NOT_RUN && elsewhere && !c->skipped)
        gone = elsewhere;
    p->failure_reason = c->reason && *c->reason ? pb_summary_intern(a->s, c->reason)
                      : gone ? pb_summary_intern(a->s, gone) : NULL;
    p->runs = (int)c->ok;
    p->failures = (int)c->failures;
    p->timeouts = (int)timeouts;
    p->skipped = (int)c->skipped;
    p->planned = rp->runs;
    p->timeout_s = rp->timeout_s;
    p->wall_median_s = st->num.n ? pb_stats_median(st->num.wall, st->num.n) : NAN;
    p->cpu_median_s = st->num.n ? pb_stats_median(st->num.cpu, st->num.n) : NAN;
    p->tree_peak_rss_median_kb = st->num.n ? pb_stats_median(st->num.mem, st->num.n) : NAN;
    p->wall = ci_ratio(&st->wall);
    p->cpu = ci_ratio(&st->cpu);
    p->mem = ci_ratio(&st->mem);
    p->lower_bound = st->lower_bound;
    p->precision = st->precision;
    if (!p->workload || !p->profiler || pair_warnings(a->s, p, st) < 0)
        return pb_error_set(a->err, "out of memory");
    if (elsewhere && p->status != PB_PAIR_NOT_RUN && p->runs < p->planned) {
        char msg[160];
        snprintf(msg, sizeof msg, "%s: %d of its %d planned runs were made", elsewhere, p->runs,
                 p->planned);
        if (warn(a->s, p->warnings, &p->nwarnings, msg) < 0)
            return pb_error_set(a->err, "out of memory");
    }
    if (a->r.has_adaptive && rp->adaptive) {
        struct pb_pair_rules rules = { 1, a->r.precision, a->r.min_runs, a->r.max_runs, a->r.budget };
        enum pb_pair_why why;
        if (pb_pair_why_stopped(&a->runs, rp->workload, rp->profiler, a->r.baseline, rp->timeout_s,
                                a->r.seed, &rules, &why, a->err) < 0)
            return -1;
        p->adaptive = pb_pair_why_name(why);
    }
    return 0;
}

/* 1 when resolved pair i runs on interpreter python (NULL: no axis). */
static int on(const struct agg *a, size_t i, const char *python)
{
    const struct pb_resolved_workload *w = pb_resolved_workload(&a->r, a->r.pairs[i].workload);

    if (!python)
        return 1;
    return w && w->python && !strcmp(w->python, python);
}

/* What pair state st puts into its profiler's mean m (0 wall, 1 CPU, 2
 * memory): its ok runs against the baseline's; for a lower bound, its one
 * bound figure (the timeout; the CPU time and peak RSS its runs had
 * reached when killed), which adds no spread. n 0: nothing. */
static struct pb_ratio_sample mean_sample(const struct pb_pair_state *st, int m)
{
    const struct pb_pair_samples *x = &st->num, *b = &st->den;
    const double *den = m == 0 ? b->wall : m == 1 ? b->cpu : b->mem;

    if (!x->n || !b->n) {
        const double *v = m == 0 ? &st->bound_wall_s : m == 1 ? &st->bound_cpu_s : &st->bound_mem_kb;
        if (st->lower_bound && b->n && !isnan(*v))
            return (struct pb_ratio_sample){ v, 1, den, b->n };
        return (struct pb_ratio_sample){ NULL, 0, NULL, 0 };
    }
    return (struct pb_ratio_sample){ m == 0 ? x->wall : m == 1 ? x->cpu : x->mem, x->n, den, b->n };
}

/* Geometric means of profiler q's ratios on interpreter python (NULL:
 * without the axis), into *ps: over the workloads it measured and the
 * ones it timed out on, at their lower bound. All three means take the
 * same workloads (a bound pair has all three bounds: its killed runs
 * were measured), so each is flagged a lower bound exactly when one went
 * in, and one count says what they cover. */
static int build_profiler(struct agg *a, size_t q, const char *python, struct pb_profiler_summary *ps,
                          struct pb_ratio_sample *groups)
{
    const char *name = a->r.profilers[q].name;
    struct pb_ratio *out[3] = { &ps->wall, &ps->cpu, &ps->mem };
    int *flag[3] = { &ps->wall_lower_bound, &ps->cpu_lower_bound, &ps->mem_lower_bound };

    ps->name = pb_summary_intern(a->s, name);
    ps->python = python ? pb_summary_intern(a->s, python) : NULL;
    ps->label = ps->name ? pb_summary_label(a->s, ps->name, ps->python) : NULL;
    if (!ps->name || !ps->label || (python && !ps->python))
        return pb_error_set(a->err, "out of memory");
    ps->version = pb_summary_version(a->s, name, python);
    for (int m = 0; m < 3; m++) {
        size_t ng = 0;
        ps->workloads_ok = ps->workloads_failed = ps->workloads_at_bound = 0;
        for (size_t i = 0; i < a->r.npairs; i++) {
            const struct pb_pair_state *st = &a->states[i];
            if (strcmp(a->r.pairs[i].profiler, name) || !on(a, i, python))
                continue;
            struct pb_ratio_sample g = mean_sample(st, m);
            int measured = st->num.n && st->den.n;
            ps->workloads_ok += measured;
            ps->workloads_failed += !measured;
            if (!g.nn)
                continue;
            /* a timed-out pair enters at its lower bound, which makes the
             * mean a lower bound too, rather than leaving out the worst case */
            if (!measured) {
                *flag[m] = 1;
                ps->workloads_at_bound++;
            }
            groups[ng++] = g;
        }
        struct pb_ci ci;
        *out[m] = (struct pb_ratio){ NAN, NAN, NAN };
        /* the workloads' runs are the noise, the workloads themselves fixed
         * (analysis/stats.h); a bound's one figure adds no spread */
        if (ng && pb_stats_geomean_ratio_logt_ci(groups, ng, PB_CONFIDENCE, &ci, NULL) == 0)
            *out[m] = ci_ratio(&ci);
    }
    return 0;
}

/* The workloads on ps's interpreter whose `skip:` left ps's profiler
 * out, into ps->skipped: they have no pair, so they are in no mean and
 * not among its failures. */
static int list_skipped(struct agg *a, struct pb_profiler_summary *ps)
{
    for (size_t i = 0; i < a->r.nworkloads; i++) {
        const struct pb_resolved_workload *w = &a->r.workloads[i];
        if (ps->python && (!w->python || strcmp(w->python, ps->python)))
            continue;
        for (size_t k = 0; k < w->nskip; k++)
            if (!strcmp(w->skip[k].profiler, ps->name)
                && pb_summary_add_skipped(a->s, ps, w->given ? w->given : w->name, w->skip[k].reason) < 0)
                return pb_error_set(a->err, "out of memory");
    }
    return 0;
}

static int load(struct agg *a, const char *dir, char *warning)
{
    struct pb_meta meta;

    if (pb_resolved_load(dir, &a->r, a->err) < 0 || pb_calibration_load(dir, &a->cal, a->err) < 0
        || pb_meta_load(dir, &meta, a->err) < 0)
        return -1;
    /* a shard's summary is of its own pairs: the others ran elsewhere */
    pb_resolved_keep_shard(&a->r);
    a->s = pb_summary_new(dir);
    if (!a->s) {
        pb_meta_release(&meta);
        return pb_error_set(a->err, "out of memory");
    }
    a->s->meta = meta;
    if (pb_records_read(dir, 1, &a->runs, a->err) < 0)
        return -1;
    if (warning && a->runs.warning[0])
        snprintf(warning, 512, "%s", a->runs.warning);
    return 0;
}

static int build(struct agg *a)
{
    struct pb_summary *s = a->s;
    struct pb_ratio_sample *groups;

    s->baseline = pb_summary_intern(s, a->r.baseline);
    s->confidence = PB_CONFIDENCE;
    s->runs_wall_s = pb_pair_spent(&a->runs, PB_ALL_ROUNDS);
    if (a->r.has_adaptive) {
        s->has_adaptive = 1;
        s->target_precision = a->r.precision;
        s->min_runs = a->r.min_runs;
        s->max_runs = a->r.max_runs;
        s->budget = a->r.budget;
    }
    s->pairs = calloc(a->r.npairs + 1, sizeof *s->pairs);
    size_t npy = a->r.npythons ? a->r.npythons : 1;
    s->profilers = calloc(a->r.nprofilers * npy + 1, sizeof *s->profilers);
    a->states = calloc(a->r.npairs + 1, sizeof *a->states);
    groups = calloc(a->r.npairs + 1, sizeof *groups);
    if (!s->baseline || !s->pairs || !s->profilers || !a->states || !groups || run_warnings(s) < 0) {
        free(groups);
        return pb_error_set(a->err, "out of memory");
    }
    for (; s->npairs < a->r.npairs; s->npairs++)
        if (build_pair(a, s->npairs) < 0)
            goto fail;
    /* one entry a profiler, or with pythons: one a profiler and interpreter */
    for (size_t py = 0; py < npy; py++)
        for (size_t q = 0; q < a->r.nprofilers; q++, s->nprofilers++)
            if (build_profiler(a, q, a->r.npythons ? a->r.pythons[py].label : NULL,
                               &s->profilers[s->nprofilers], groups) < 0)
                goto fail;
    for (size_t i = 0; i < s->nprofilers; i++)
        if (list_skipped(a, &s->profilers[i]) < 0)
            goto fail;
    free(groups);
    return pb_scaling_fit(&a->r, &a->runs, a->r.seed, s, a->err);
fail:
    free(groups);
    return -1;
}

int pb_aggregate_dir(const char *dir, struct pb_summary **out, char *warning, struct pb_error *err)
{
    struct agg a;
    int rc = -1;

    memset(&a, 0, sizeof a);
    a.err = err;
    if (warning)
        warning[0] = '\0';
    if (load(&a, dir, warning) < 0 || build(&a) < 0 || pb_summary_save(dir, a.s, err) < 0)
        goto cleanup;
    rc = 0;
    if (out) {
        *out = a.s;
        a.s = NULL;
    }
cleanup:
    for (size_t i = 0; a.states && i < a.r.npairs; i++)
        pb_pair_state_release(&a.states[i]);
    free(a.states);
    pb_summary_free(a.s);
    pb_records_release(&a.runs);
    pb_resolved_release(&a.r);
    pb_calibration_release(&a.cal);
    return rc;
}
