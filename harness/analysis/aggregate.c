#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/aggregate.h"
#include "analysis/stats.h"
#include "store/results.h"
#include "util/fs.h"
#include "util/jsonfile.h"

struct samples {
    double *wall, *cpu, *mem;
    size_t n;
};

static void samples_release(struct samples *s)
{
    free(s->wall);
    free(s->cpu);
    free(s->mem);
    memset(s, 0, sizeof *s);
}

/* The ok measured runs of one pair. */
static int collect(const struct pb_run_list *runs, const char *w, const char *p,
                   struct samples *s)
{
    size_t cap = 0;

    memset(s, 0, sizeof *s);
    for (size_t i = 0; i < runs->n; i++) {
        const struct pb_run_record *r = &runs->items[i];
        if (r->round < 0 || r->status != PB_RUN_OK || strcmp(r->workload, w) || strcmp(r->profiler, p))
            continue;
        if (s->n == cap) {
            cap = cap ? cap * 2 : 8;
            double *a = realloc(s->wall, cap * sizeof *a);
            if (a) s->wall = a;
            double *b = realloc(s->cpu, cap * sizeof *b);
            if (b) s->cpu = b;
            double *c = realloc(s->mem, cap * sizeof *c);
            if (c) s->mem = c;
            if (!a || !b || !c)
                return -1;
        }
        /* a ratio needs positive values: clamp the impossible zero */
        s->wall[s->n] = r->wall_s > 0 ? r->wall_s : 1e-9;
        s->cpu[s->n] = r->user_s + r->sys_s > 0 ? r->user_s + r->sys_s : 1e-6;
        s->mem[s->n] = r->tree_peak_rss_kb > 0 ? (double)r->tree_peak_rss_kb : 1;
        s->n++;
    }
    return 0;
}

#define MIN_RUNS_FOR_OUTLIERS 5

/* Warnings a user can act on about one pair's runs (wall times in the
 * order they ran). Returns a new array, possibly empty. */
static json_t *pair_warnings(const double *wall, size_t n, const json_t *wall_ci)
{
    json_t *w = json_array();
    unsigned char flags[1024];
    char msg[256];
    size_t nout;
    double med;

    if (n == 0 || n > sizeof flags)
        return w;
    med = pb_stats_median(wall, n);
    /* Outliers need runs to stand out from: with 3 or 4 the MAD rests on
     * one or two differences, and a 2% wobble reads as "much slower". */
    nout = n >= MIN_RUNS_FOR_OUTLIERS ? pb_stats_mad_outliers(wall, n, 3.5, flags) : 0;
    if (!nout)
        flags[0] = 0;
    if (flags[0] && wall[0] > med) {
        snprintf(msg, sizeof msg, "the first run was much slower than the rest (%.3f s against a "
                 "median of %.3f s): cold caches or start-up; add warm-up runs", wall[0], med);
        json_array_append_new(w, json_string(msg));
        nout--;
    }
    if (nout > 0) {
        snprintf(msg, sizeof msg, "%zu of %zu runs are outliers (more than 3.5 MADs from the median "
                 "of %.3f s): something else was running; the median resists them, but re-run if "
                 "the interval is wide", nout, n, med);
        json_array_append_new(w, json_string(msg));
    }
    if (json_is_object(wall_ci)) {
        double v = json_number_value(json_object_get(wall_ci, "value"));
        double lo = json_number_value(json_object_get(wall_ci, "lo"));
        double hi = json_number_value(json_object_get(wall_ci, "hi"));
        if (v > 0 && (hi - lo) / 2 / v > 0.10) {
            snprintf(msg, sizeof msg, "the interval is wide (+/-%.0f%%): the runs vary; more runs "
                     "or a quieter machine would narrow it", (hi - lo) / 2 / v * 100);
            json_array_append_new(w, json_string(msg));
        }
    }
    return w;
}

/* Warnings about the whole run, from meta.json. */
static json_t *run_warnings(json_t *meta)
{
    json_t *w = json_array();
    json_t *host = json_object_get(meta, "host");
    double cores = json_number_value(json_object_get(host, "cores"));
    json_t *la = json_object_get(host, "loadavg_start");
    char msg[256];

    if (json_array_size(la) > 0 && cores > 0) {
        double l1 = json_number_value(json_array_get(la, 0));
        if (l1 > 0.5 * cores) {
            snprintf(msg, sizeof msg, "the machine was busy when the run started (load average %.2f "
                     "on %.0f cores): other processes competed with the workloads", l1, cores);
            json_array_append_new(w, json_string(msg));
        }
    }
    const char *aslr = json_string_value(json_object_get(json_object_get(host, "noise"), "aslr"));
    if (aslr && strcmp(aslr, "on"))
        json_array_append_new(w, json_pack("s", "address-space randomization is not fully on: one "
                                           "memory layout may favour some runs"));
    return w;
}

/* ---- start-up versus steady state (workloads with sizes:) ------------- */

struct sized_side {         /* one profiler's ok walls of one sized workload, by size */
    size_t nsizes;
    double size[16];
    const double *y[16];
    size_t n[16];
};

/* Least squares over every run of a side (x = size, y = wall); when rng is
 * given, each size's runs are first resampled with replacement. */
static int fit_side(const struct sized_side *sd, struct pb_rng *rng, double *xs, double *ys,
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

/* Fits time = start-up + slope x size for the profiler and for the
 * baseline; the profiler's start-up cost is the difference of the
 * intercepts, its steady-state overhead the ratio of the slopes, each with
 * a percentile bootstrap interval (runs resampled within each size). */
static json_t *scaling_entry(const char *base, const char *prof, const struct sized_side *p,
                             const struct sized_side *b, uint64_t seed)
{
    size_t total = 0;
    for (size_t k = 0; k < p->nsizes; k++)
        total += p->n[k] > b->n[k] ? p->n[k] : b->n[k];
    double *xs = malloc(total * sizeof *xs), *ys = malloc(total * sizeof *ys);
    double *st = malloc(PB_AGGREGATE_RESAMPLES * sizeof *st);
    double *sl = malloc(PB_AGGREGATE_RESAMPLES * sizeof *sl);
    struct pb_linfit fp, fb;
    struct pb_rng rng;
    json_t *out = NULL;
    size_t nrep = 0;

    if (!xs || !ys || !st || !sl || fit_side(p, NULL, xs, ys, &fp) < 0
        || fit_side(b, NULL, xs, ys, &fb) < 0 || !(fb.b > 0))
        goto cleanup;
    pb_rng_seed(&rng, seed);
    for (int r = 0; r < PB_AGGREGATE_RESAMPLES; r++) {
        struct pb_linfit rp, rb;
        if (fit_side(p, &rng, xs, ys, &rp) == 0 && fit_side(b, &rng, xs, ys, &rb) == 0 && rb.b > 0) {
            st[nrep] = rp.a - rb.a;
            sl[nrep++] = rp.b / rb.b;
        }
    }
    if (nrep < 10)
        goto cleanup;
    double lo = (1 - PB_AGGREGATE_LEVEL) / 2, hi = 1 - lo;
    json_t *sizes = json_array();
    for (size_t k = 0; k < p->nsizes; k++)
        json_array_append_new(sizes, json_real(p->size[k]));
    out = json_pack("{s:s,s:s,s:o,s:{s:f,s:f,s:f},s:{s:f,s:f,s:f},s:f,s:f,s:f,s:f}",
        "workload", base, "profiler", prof, "sizes", sizes,
        "startup_s", "value", fp.a - fb.a, "lo", pb_stats_quantile(st, nrep, lo),
                     "hi", pb_stats_quantile(st, nrep, hi),
        "steady_ratio", "value", fp.b / fb.b, "lo", pb_stats_quantile(sl, nrep, lo),
                        "hi", pb_stats_quantile(sl, nrep, hi),
        "r2", isnan(fp.r2) ? 0.0 : fp.r2, "r2_baseline", isnan(fb.r2) ? 0.0 : fb.r2,
        "baseline_startup_s", fb.a, "baseline_slope_s", fb.b);
cleanup:
    free(xs);
    free(ys);
    free(st);
    free(sl);
    return out;
}

/* The scaling figures of every sized workload x profiler (an array). */
static json_t *scaling(json_t *resolved, const char *baseline, const struct pb_run_list *runs,
                       uint64_t seed)
{
    json_t *out = json_array(), *wls = json_object_get(resolved, "workloads");
    json_t *profs = json_object_get(resolved, "profilers");
    size_t i, j, q;
    json_t *wo, *po;
    double *buf = NULL;

    /* every ok measured wall, in one buffer the sides point into */
    buf = malloc((runs->n ? runs->n : 1) * sizeof *buf);
    if (!buf)
        return out;
    json_array_foreach(wls, i, wo) {
        const char *base = json_string_value(json_object_get(wo, "base"));
        int first = 1;
        if (!base)
            continue;
        json_array_foreach(wls, j, po)      /* handle each base once */
            if (j < i && json_string_value(json_object_get(po, "base"))
                && !strcmp(json_string_value(json_object_get(po, "base")), base))
                first = 0;
        if (!first)
            continue;
        json_array_foreach(profs, q, po) {
            const char *prof = json_string_value(json_object_get(po, "name"));
            struct sized_side sides[2];
            size_t used = 0;
            int ok = 1;
            if (!prof || !strcmp(prof, baseline))
                continue;
            for (int side = 0; side < 2; side++) {
                const char *who = side ? baseline : prof;
                struct sized_side *sd = &sides[side];
                json_t *w2;
                sd->nsizes = 0;
                json_array_foreach(wls, j, w2) {
                    const char *b2 = json_string_value(json_object_get(w2, "base"));
                    const char *name = json_string_value(json_object_get(w2, "name"));
                    if (!b2 || strcmp(b2, base) || sd->nsizes >= 16)
                        continue;
                    size_t k = sd->nsizes++;
                    sd->size[k] = json_number_value(json_object_get(w2, "size"));
                    sd->y[k] = buf + used;
                    sd->n[k] = 0;
                    for (size_t r = 0; r < runs->n; r++) {
                        const struct pb_run_record *rec = &runs->items[r];
                        if (rec->round >= 0 && rec->status == PB_RUN_OK && !strcmp(rec->workload, name)
                            && !strcmp(rec->profiler, who) && used < runs->n) {
                            buf[used++] = rec->wall_s;
                            sd->n[k]++;
                        }
                    }
                    if (!sd->n[k])
                        ok = 0;
                }
            }
            if (!ok || sides[0].nsizes < 2)
                continue;
            json_t *e = scaling_entry(base, prof, &sides[0], &sides[1], pb_hash_str(seed, prof) ^ i);
            if (e)
                json_array_append_new(out, e);
        }
    }
    free(buf);
    return out;
}

static json_t *ci_json(const struct pb_ci *ci)
{
    return json_pack("{s:f,s:f,s:f}", "value", ci->value, "lo", ci->lo, "hi", ci->hi);
}

static void csv_ci(FILE *f, json_t *ci)
{
    if (json_is_object(ci))
        fprintf(f, ",%.4f,%.4f,%.4f", json_number_value(json_object_get(ci, "value")),
                json_number_value(json_object_get(ci, "lo")),
                json_number_value(json_object_get(ci, "hi")));
    else
        fputs(",,,", f);
}

static char *csv_text(json_t *pairs, size_t *len)
{
    char *buf = NULL;
    FILE *f = open_memstream(&buf, len);
    size_t i;
    json_t *pr;

    if (!f)
        return NULL;
    fputs("workload,profiler,status,runs,failures,timeouts,wall_median_s,cpu_median_s,"
          "tree_peak_rss_median_kb,wall_ratio,wall_lo,wall_hi,cpu_ratio,cpu_lo,cpu_hi,"
          "mem_ratio,mem_lo,mem_hi,lower_bound\n", f);
    json_array_foreach(pairs, i, pr) {
        fprintf(f, "%s,%s,%s,%lld,%lld,%lld",
                json_string_value(json_object_get(pr, "workload")),
                json_string_value(json_object_get(pr, "profiler")),
                json_string_value(json_object_get(pr, "status")),
                (long long)json_integer_value(json_object_get(pr, "runs")),
                (long long)json_integer_value(json_object_get(pr, "failures")),
                (long long)json_integer_value(json_object_get(pr, "timeouts")));
        const char *med[] = { "wall_median_s", "cpu_median_s", "tree_peak_rss_median_kb" };
        for (int k = 0; k < 3; k++) {
            json_t *v = json_object_get(pr, med[k]);
            if (json_is_number(v))
                fprintf(f, ",%.6g", json_number_value(v));
            else
                fputs(",", f);
        }
        csv_ci(f, json_object_get(pr, "wall_ratio"));
        csv_ci(f, json_object_get(pr, "cpu_ratio"));
        csv_ci(f, json_object_get(pr, "mem_ratio"));
        fprintf(f, ",%s\n", json_is_true(json_object_get(pr, "lower_bound")) ? "true" : "false");
    }
    fclose(f);
    return buf;
}

int pb_aggregate_dir(const char *dir, json_t **summary, char *warning, struct pb_error *err)
{
    json_t *resolved = NULL, *meta = NULL, *out = NULL, *pairs_out, *profs_out;
    struct pb_run_list runs = { 0 };
    int rc = -1;
    char *text = NULL;
    size_t len;

    if (warning)
        warning[0] = '\0';
    resolved = pb_json_read(dir, "config-resolved.json", err);
    if (!resolved)
        goto cleanup;
    meta = pb_json_read(dir, "meta.json", err);
    if (!meta)
        goto cleanup;
    if (pb_results_read(dir, 1, &runs, err) < 0)
        goto cleanup;
    if (warning && runs.warning[0])
        snprintf(warning, 512, "%s", runs.warning);

    const char *baseline = json_string_value(json_object_get(resolved, "baseline"));
    json_t *pairs = json_object_get(resolved, "pairs");
    json_t *profilers = json_object_get(resolved, "profilers");
    json_t *adaptive = json_object_get(resolved, "adaptive");   /* runs: auto, or NULL */
    uint64_t seed = (uint64_t)json_integer_value(json_object_get(resolved, "seed"));
    if (!baseline || !json_is_array(pairs) || !json_is_array(profilers)) {
        pb_error_set(err, "%s/config-resolved.json: missing 'baseline', 'pairs' or 'profilers'", dir);
        goto cleanup;
    }

    out = json_object();
    json_object_set(out, "meta", meta);
    json_object_set_new(out, "baseline", json_string(baseline));
    json_object_set_new(out, "confidence", json_real(PB_AGGREGATE_LEVEL));
    json_object_set_new(out, "warnings", run_warnings(meta));
    if (json_is_object(adaptive))
        json_object_set(out, "adaptive", adaptive);
    pairs_out = json_array();
    profs_out = json_array();
    json_object_set_new(out, "pairs", pairs_out);
    json_object_set_new(out, "profilers", profs_out);

    size_t np = json_array_size(pairs);
    double total_wall = 0;      /* seconds of runs recorded, for runs: auto's budget */
    for (size_t k = 0; k < runs.n; k++)
        total_wall += runs.items[k].wall_s;
    struct samples *num = calloc(np ? np : 1, sizeof *num);
    struct samples *den = calloc(np ? np : 1, sizeof *den);
    int *usable = calloc(np ? np : 1, sizeof *usable);
    double *bound = calloc(np ? np : 1, sizeof *bound);   /* timeout_s of lower-bound pairs */
    if (!num || !den || !usable || !bound) {
        free(bound);
        free(num);
        free(den);
        free(usable);
        pb_error_set(err, "out of memory");
        goto cleanup;
    }

    for (size_t i = 0; i < np; i++) {
        json_t *pj = json_array_get(pairs, i);
        const char *w = json_string_value(json_object_get(pj, "workload"));
        const char *p = json_string_value(json_object_get(pj, "profiler"));
        double timeout_s = json_number_value(json_object_get(pj, "timeout_s"));
        size_t ok = 0, failures = 0, timeouts = 0, skipped = 0;
        const char *reason = NULL;
        json_t *po;

        if (!w || !p)
            continue;
        po = json_object();
        for (size_t k = 0; k < runs.n; k++) {
            const struct pb_run_record *r = &runs.items[k];
            if (r->round < 0 || strcmp(r->workload, w) || strcmp(r->profiler, p))
                continue;
            switch (r->status) {
            case PB_RUN_OK: ok++; break;
            case PB_RUN_TIMEOUT: timeouts++; if (!reason) reason = r->error; break;
            case PB_RUN_SKIPPED: skipped++; break;
            default: failures++; if (!reason) reason = r->error; break;
            }
        }
        /* timed out in a warm-up run: the measured runs were skipped, and
         * the pair is still a lower bound, not "not run" */
        if (!ok && !timeouts)
            for (size_t k = 0; k < runs.n; k++) {
                const struct pb_run_record *r = &runs.items[k];
                if (r->round < 0 && r->status == PB_RUN_TIMEOUT && !strcmp(r->workload, w)
                    && !strcmp(r->profiler, p)) {
                    timeouts = 1;
                    reason = r->error;
                    break;
                }
            }
        collect(&runs, w, p, &num[i]);
        collect(&runs, w, baseline, &den[i]);
        const char *status = ok && (failures || timeouts) ? "partial"
                           : ok ? "ok"
                           : timeouts ? "timeout"
                           : failures ? "failed" : "not_run";
        json_object_set_new(po, "workload", json_string(w));
        json_object_set_new(po, "profiler", json_string(p));
        json_object_set_new(po, "status", json_string(status));
        json_object_set_new(po, "runs", json_integer((json_int_t)ok));
        json_object_set_new(po, "failures", json_integer((json_int_t)failures));
        json_object_set_new(po, "timeouts", json_integer((json_int_t)timeouts));
        json_object_set_new(po, "skipped", json_integer((json_int_t)skipped));
        json_object_set_new(po, "planned", json_incref(json_object_get(pj, "runs")));
        if (reason && *reason)
            json_object_set_new(po, "failure_reason", json_string(reason));
        json_object_set_new(po, "timeout_s", json_real(timeout_s));
        json_object_set_new(po, "lower_bound", json_false());
        if (num[i].n) {
            json_object_set_new(po, "wall_median_s", json_real(pb_stats_median(num[i].wall, num[i].n)));
            json_object_set_new(po, "cpu_median_s", json_real(pb_stats_median(num[i].cpu, num[i].n)));
            json_object_set_new(po, "tree_peak_rss_median_kb", json_real(pb_stats_median(num[i].mem, num[i].n)));
        }
        uint64_t pseed = pb_hash_str(pb_hash_str(seed ^ PB_HASH_INIT, w), p);
        struct pb_ci ci;
        const char *keys[3] = { "wall_ratio", "cpu_ratio", "mem_ratio" };
        double *nums[3] = { num[i].wall, num[i].cpu, num[i].mem };
        double *dens[3] = { den[i].wall, den[i].cpu, den[i].mem };
        for (int m = 0; m < 3; m++) {
            if (num[i].n && den[i].n && pb_stats_ratio_ci(nums[m], num[i].n, dens[m], den[i].n,
                    PB_AGGREGATE_LEVEL, PB_AGGREGATE_RESAMPLES, pseed + (uint64_t)m, &ci, NULL) == 0)
                json_object_set_new(po, keys[m], ci_json(&ci));
            else
                json_object_set_new(po, keys[m], json_null());
        }
        json_object_set_new(po, "warnings", pair_warnings(num[i].wall, num[i].n,
                                                          json_object_get(po, "wall_ratio")));
        /* the precision reached: half-width of the wall ratio's interval,
         * relative; none from a single run on either side (its "interval"
         * has no width and says nothing) */
        json_t *wr = json_object_get(po, "wall_ratio");
        double prec = NAN;
        if (json_is_object(wr) && !json_is_true(json_object_get(po, "lower_bound"))
            && num[i].n >= 2 && den[i].n >= 2) {
            double v = json_number_value(json_object_get(wr, "value"));
            if (v > 0)
                prec = (json_number_value(json_object_get(wr, "hi"))
                        - json_number_value(json_object_get(wr, "lo"))) / 2 / v;
        }
        json_object_set_new(po, "precision", isnan(prec) ? json_null() : json_real(prec));
        if (json_is_object(adaptive) && json_is_true(json_object_get(pj, "adaptive"))) {
            double target = json_number_value(json_object_get(adaptive, "precision"));
            long long maxr = json_integer_value(json_object_get(adaptive, "max_runs"));
            double budget = json_number_value(json_object_get(adaptive, "budget"));
            (void)maxr;
            /* not precise in the end: either the budget ran out, or the
             * matrix reached its last round (max_runs) -- possibly after
             * this pair was precise once and later baseline runs widened
             * its interval */
            const char *why = timeouts ? "timeout"
                            : !ok ? "failed"
                            : !isnan(prec) && prec <= target ? "precise"
                            : budget > 0 && total_wall >= budget ? "budget" : "max_runs";
            json_object_set_new(po, "adaptive", json_string(why));
        }
        usable[i] = num[i].n && den[i].n;
        if (!ok && timeouts && den[i].n) {
            /* it ran at least this long: a lower bound, not a figure */
            double base = pb_stats_median(den[i].wall, den[i].n);
            struct pb_ci lb = { timeout_s / base, timeout_s / base, timeout_s / base };
            json_object_set_new(po, "wall_ratio", ci_json(&lb));
            json_object_set_new(po, "lower_bound", json_true());
            bound[i] = timeout_s;
        }
        json_array_append_new(pairs_out, po);
    }

    /* per profiler: geometric means over the workloads it measured */
    size_t npr = json_array_size(profilers);
    struct pb_ratio_sample *groups = calloc(np ? np : 1, sizeof *groups);
    for (size_t q = 0; groups && q < npr; q++) {
        const char *name = json_string_value(json_object_get(json_array_get(profilers, q), "name"));
        size_t wok = 0, wfail = 0;
        json_t *po;

        if (!name)
            continue;
        po = json_object();
        json_object_set_new(po, "name", json_string(name));
        int lower = 0;
        for (int m = 0; m < 3; m++) {
            size_t ng = 0;
            wok = wfail = 0;
            for (size_t i = 0; i < np; i++) {
                json_t *pj = json_array_get(pairs, i);
                const char *pn = json_string_value(json_object_get(pj, "profiler"));
                if (!pn || strcmp(pn, name))
                    continue;
                if (!usable[i]) {
                    /* a timed-out pair enters the wall mean at its lower
                     * bound (timeout / plain), which makes the mean a lower
                     * bound too, rather than leaving out the worst case */
                    if (m == 0 && bound[i] > 0) {
                        lower = 1;
                        groups[ng].num = &bound[i];
                        groups[ng].nn = 1;
                        groups[ng].den = den[i].wall;
                        groups[ng].nd = den[i].n;
                        ng++;
                    }
                    wfail++;
                    continue;
                }
                wok++;
                groups[ng].nn = num[i].n;
                groups[ng].nd = den[i].n;
                groups[ng].num = m == 0 ? num[i].wall : m == 1 ? num[i].cpu : num[i].mem;
                groups[ng].den = m == 0 ? den[i].wall : m == 1 ? den[i].cpu : den[i].mem;
                ng++;
            }
            const char *keys[3] = { "wall_geomean", "cpu_geomean", "mem_geomean" };
            struct pb_ci ci;
            if (ng && pb_stats_geomean_ratio_ci(groups, ng, PB_AGGREGATE_LEVEL, PB_AGGREGATE_RESAMPLES,
                                                pb_hash_str(seed, name) + (uint64_t)m, &ci, NULL) == 0)
                json_object_set_new(po, keys[m], ci_json(&ci));
            else
                json_object_set_new(po, keys[m], json_null());
        }
        json_object_set_new(po, "wall_geomean_lower_bound", json_boolean(lower));
        json_object_set_new(po, "workloads_ok", json_integer((json_int_t)wok));
        json_object_set_new(po, "workloads_failed", json_integer((json_int_t)wfail));
        json_array_append_new(profs_out, po);
    }
    free(groups);
    for (size_t i = 0; i < np; i++) {
        samples_release(&num[i]);
        samples_release(&den[i]);
    }
    free(num);
    free(den);
    free(usable);
    free(bound);

    json_object_set_new(out, "scaling", scaling(resolved, baseline, &runs, seed));

    text = json_dumps(out, JSON_INDENT(2) | JSON_REAL_PRECISION(6));
    if (!text || pb_write_file(dir, "summary.json", text, strlen(text), err) < 0) {
        if (!text)
            pb_error_set(err, "out of memory");
        goto cleanup;
    }
    free(text);
    text = csv_text(pairs_out, &len);
    if (!text || pb_write_file(dir, "summary.csv", text, len, err) < 0) {
        if (!text)
            pb_error_set(err, "out of memory");
        goto cleanup;
    }
    rc = 0;
    if (summary) {
        *summary = out;
        out = NULL;
    }

cleanup:
    free(text);
    json_decref(out);
    json_decref(meta);
    json_decref(resolved);
    pb_results_release(&runs);
    return rc;
}
