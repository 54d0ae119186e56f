/* The state of one pair of the matrix, from its records. See pairstate.h. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/pairstate.h"
#include "util/rng.h"

static const char *const why_names[] = {
    [PB_WHY_MORE] = "more", [PB_WHY_PRECISE] = "precise", [PB_WHY_MAX_RUNS] = "max_runs",
    [PB_WHY_BUDGET] = "budget", [PB_WHY_TIMEOUT] = "timeout", [PB_WHY_FAILED] = "failed",
    [PB_WHY_FIXED] = "fixed", [PB_WHY_UNFINISHED] = "unfinished",
};

const char *pb_pair_why_name(enum pb_pair_why w)
{
    return (unsigned)w < sizeof why_names / sizeof why_names[0] ? why_names[w] : "unknown";
}

static int is_pair(const struct pb_run_record *r, const char *w, const char *p)
{
    return !strcmp(r->workload, w) && !strcmp(r->profiler, p);
}

void pb_pair_count(const struct pb_run_list *runs, const char *w, const char *p,
                   int before_round, struct pb_pair_counts *c)
{
    const char *warm_reason = NULL;

    memset(c, 0, sizeof *c);
    c->last_round = -1;
    for (size_t i = 0; i < runs->n; i++) {
        const struct pb_run_record *r = &runs->items[i];
        if (r->round >= before_round || !is_pair(r, w, p))
            continue;
        if (r->round < 0) {
            if (r->status == PB_RUN_TIMEOUT && !c->warmup_timeout) {
                c->warmup_timeout = 1;
                warm_reason = r->error;
            }
            continue;
        }
        if (r->round > c->last_round)
            c->last_round = r->round;
        switch (r->status) {
        case PB_RUN_OK: c->ok++; break;
        case PB_RUN_SKIPPED: c->skipped++; break;
        case PB_RUN_TIMEOUT: c->timeouts++; if (!c->reason) c->reason = r->error; break;
        default: c->failures++; if (!c->reason) c->reason = r->error; break;
        }
    }
    if (!c->reason && warm_reason && !c->ok)
        c->reason = warm_reason;
}

int pb_pair_timed_out(const struct pb_pair_counts *c)
{
    return c->timeouts > 0 || c->warmup_timeout;
}

uint64_t pb_pair_seed(uint64_t seed, const char *w, const char *p)
{
    return pb_hash_str(pb_hash_str(seed ^ PB_HASH_INIT, w), p);
}

static void samples_release(struct pb_pair_samples *s)
{
    free(s->wall);
    free(s->cpu);
    free(s->mem);
    memset(s, 0, sizeof *s);
}

/* The ok measured runs of (w, p) before before_round. */
static int collect(const struct pb_run_list *runs, const char *w, const char *p, int before_round,
                   struct pb_pair_samples *s)
{
    size_t cap = 0;

    memset(s, 0, sizeof *s);
    for (size_t i = 0; i < runs->n; i++)
        cap += runs->items[i].status == PB_RUN_OK && is_pair(&runs->items[i], w, p);
    s->wall = malloc((cap ? cap : 1) * sizeof *s->wall);
    s->cpu = malloc((cap ? cap : 1) * sizeof *s->cpu);
    s->mem = malloc((cap ? cap : 1) * sizeof *s->mem);
    if (!s->wall || !s->cpu || !s->mem) {
        samples_release(s);
        return -1;
    }
    for (size_t i = 0; i < runs->n; i++) {
        const struct pb_run_record *r = &runs->items[i];
        if (r->round < 0 || r->round >= before_round || r->status != PB_RUN_OK || !is_pair(r, w, p))
            continue;
        /* a ratio needs positive values: clamp the impossible zero */
        s->wall[s->n] = r->wall_s > 0 ? r->wall_s : 1e-9;
        s->cpu[s->n] = r->user_s + r->sys_s > 0 ? r->user_s + r->sys_s : 1e-6;
        s->mem[s->n] = r->tree_peak_rss_kb > 0 ? (double)r->tree_peak_rss_kb : 1;
        s->n++;
    }
    return 0;
}

/* The CPU time and tree peak RSS the timed-out runs of (w, p) before
 * before_round (warm-ups too) had reached when killed, each the median
 * over those runs and clamped above 0 as collect clamps ok runs'. A run
 * killed at its timeout used at least this much: lower bounds of what a
 * finished run would have used. NAN when there is no such run. Returns
 * 0, or -1 when out of memory. */
static int killed_at(const struct pb_run_list *runs, const char *w, const char *p, int before_round,
                     double *cpu_s, double *mem_kb)
{
    size_t n = 0;
    double *cpu = malloc((runs->n ? runs->n : 1) * sizeof *cpu);
    double *mem = malloc((runs->n ? runs->n : 1) * sizeof *mem);

    *cpu_s = *mem_kb = NAN;
    if (!cpu || !mem) {
        free(cpu);
        free(mem);
        return -1;
    }
    for (size_t i = 0; i < runs->n; i++) {
        const struct pb_run_record *r = &runs->items[i];
        if (r->round >= before_round || r->status != PB_RUN_TIMEOUT || !is_pair(r, w, p))
            continue;
        cpu[n] = r->user_s + r->sys_s > 0 ? r->user_s + r->sys_s : 1e-6;
        mem[n] = r->tree_peak_rss_kb > 0 ? (double)r->tree_peak_rss_kb : 1;
        n++;
    }
    if (n) {
        *cpu_s = pb_stats_median(cpu, n);
        *mem_kb = pb_stats_median(mem, n);
    }
    free(cpu);
    free(mem);
    return 0;
}

/* v as a ratio that is a lower bound: no interval. */
static void bound(struct pb_ci *out, double v)
{
    out->value = out->lo = out->hi = v;
}

/* The ratio num / den: medians, with the log-t interval (analysis/stats.h)
 * at PB_CONFIDENCE; NAN without a run on either side. */
static void ratio(const double *num, size_t nn, const double *den, size_t nd, struct pb_ci *out)
{
    out->value = out->lo = out->hi = NAN;
    if (nn && nd)
        pb_stats_ratio_logt_ci(num, nn, den, nd, PB_CONFIDENCE, out, NULL);
}

int pb_pair_state_compute(const struct pb_run_list *runs, const char *w, const char *p,
                          const char *baseline, double timeout_s, uint64_t seed,
                          int before_round, struct pb_pair_state *out, struct pb_error *err)
{
    memset(out, 0, sizeof *out);
    pb_pair_count(runs, w, p, before_round, &out->n);
    if (collect(runs, w, p, before_round, &out->num) < 0
        || collect(runs, w, baseline, before_round, &out->den) < 0) {
        pb_pair_state_release(out);
        return pb_error_set(err, "out of memory");
    }
    ratio(out->num.wall, out->num.n, out->den.wall, out->den.n, &out->wall);
    ratio(out->num.cpu, out->num.n, out->den.cpu, out->den.n, &out->cpu);
    ratio(out->num.mem, out->num.n, out->den.mem, out->den.n, &out->mem);
    out->precision = NAN;
    out->bound_wall_s = out->bound_cpu_s = out->bound_mem_kb = NAN;
    if (!out->n.ok && pb_pair_timed_out(&out->n) && out->den.n) {
        /* it ran at least this long, used at least this much CPU and
         * memory: lower bounds, not figures */
        if (killed_at(runs, w, p, before_round, &out->bound_cpu_s, &out->bound_mem_kb) < 0) {
            pb_pair_state_release(out);
            return pb_error_set(err, "out of memory");
        }
        out->bound_wall_s = timeout_s;
        bound(&out->wall, timeout_s / pb_stats_median(out->den.wall, out->den.n));
        bound(&out->cpu, out->bound_cpu_s / pb_stats_median(out->den.cpu, out->den.n));
        bound(&out->mem, out->bound_mem_kb / pb_stats_median(out->den.mem, out->den.n));
        out->lower_bound = 1;
    } else if (out->num.n >= 2 && out->den.n >= 2 && out->wall.value > 0) {
        /* a single run on a side has no spread to measure: the interval
         * then shows only the other side's, and says nothing of this one */
        out->precision = (out->wall.hi - out->wall.lo) / 2 / out->wall.value;
    }
    return 0;
}

void pb_pair_state_release(struct pb_pair_state *s)
{
    samples_release(&s->num);
    samples_release(&s->den);
}

enum pb_pair_why pb_pair_decide(const struct pb_pair_state *s, const struct pb_pair_rules *r,
                                int round)
{
    if (!r->adaptive)
        return PB_WHY_FIXED;
    if (pb_pair_timed_out(&s->n))
        return PB_WHY_TIMEOUT;
    if (s->n.ok == 0 && s->n.failures >= 2)
        return PB_WHY_FAILED;
    if (round < r->min_runs)
        return PB_WHY_MORE;         /* too few runs to judge the interval */
    if (!isnan(s->precision) && s->precision <= r->precision)
        return PB_WHY_PRECISE;
    if (s->n.ok + s->n.failures >= (size_t)r->max_runs)
        return PB_WHY_MAX_RUNS;
    return PB_WHY_MORE;
}

double pb_pair_spent(const struct pb_run_list *runs, int round)
{
    double s = 0;

    for (size_t i = 0; i < runs->n; i++)
        if (runs->items[i].round < round)
            s += runs->items[i].wall_s;
    return s;
}

int pb_pair_why_stopped(const struct pb_run_list *runs, const char *w, const char *p,
                        const char *baseline, double timeout_s, uint64_t seed,
                        const struct pb_pair_rules *r, enum pb_pair_why *why,
                        struct pb_error *err)
{
    struct pb_pair_counts all;
    struct pb_pair_state st;
    int next;

    pb_pair_count(runs, w, p, PB_ALL_ROUNDS, &all);
    if (pb_pair_timed_out(&all)) {
        *why = PB_WHY_TIMEOUT;
        return 0;
    }
    if (!all.ok) {
        *why = PB_WHY_FAILED;
        return 0;
    }
    next = all.last_round + 1;
    if (pb_pair_state_compute(runs, w, p, baseline, timeout_s, seed, next, &st, err) < 0)
        return -1;
    *why = pb_pair_decide(&st, r, next);
    pb_pair_state_release(&st);
    if (*why == PB_WHY_MORE)
        *why = next >= r->max_runs ? PB_WHY_MAX_RUNS
             : r->budget > 0 && pb_pair_spent(runs, next) >= r->budget ? PB_WHY_BUDGET
             : PB_WHY_UNFINISHED;
    return 0;
}
