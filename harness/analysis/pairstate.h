#ifndef PB_PAIRSTATE_H
#define PB_PAIRSTATE_H

/*
 * pairstate: "is this pair finished, and why?", decided in one place.
 *
 * A pair is one (workload, profiler) cell of the matrix. From the run
 * records alone this module counts its runs, takes its ratios to the
 * baseline of the same workload (ratios of medians with log-t intervals,
 * analysis/stats.h, at one confidence level), its
 * precision, whether it is a lower bound, and, under runs: auto, whether
 * it needs more runs or why it stopped. The runner (has it timed out?),
 * the adaptive planner (does it run in round k?) and the aggregation
 * (what the summary says) all ask here, so the summary's reason is the
 * reason the run acted on.
 */

#include <stddef.h>
#include <stdint.h>

#include "analysis/stats.h"
#include "store/records.h"
#include "util/error.h"

#define PB_CONFIDENCE 0.95      /* every interval pbench reports */
#define PB_RESAMPLES 2000       /* bootstrap replicates (the scaling fit's intervals) */

/* Every round: the bound for "records of rounds before round". */
#define PB_ALL_ROUNDS 0x7fffffff

/* What the records of one pair say, counted. */
struct pb_pair_counts {
    size_t ok, failures, timeouts, skipped;     /* measured rounds */
    int warmup_timeout;     /* a warm-up run timed out */
    int last_round;         /* highest measured round recorded; -1 none */
    const char *reason;     /* the first failure's or timeout's error (measured
                             * rounds, else the warm-up timeout's); points into
                             * the records; NULL when none */
};

/* Counts the records of (w, p) in rounds before before_round. Cannot
 * fail. */
void pb_pair_count(const struct pb_run_list *runs, const char *w, const char *p,
                   int before_round, struct pb_pair_counts *c);

/* 1 when the pair timed out (in a measured or a warm-up run): it is not
 * run again and its ratio is a lower bound. Cannot fail. */
int pb_pair_timed_out(const struct pb_pair_counts *c);

/* One side's ok measured runs: wall and CPU seconds, tree peak RSS in kB
 * (each clamped above 0 so a ratio exists), in the order they ran. */
struct pb_pair_samples {
    double *wall, *cpu, *mem;
    size_t n;
};

/* Why an adaptive pair runs again or stopped; the summary's names are
 * pb_pair_why_name's. */
enum pb_pair_why {
    PB_WHY_MORE,            /* not precise yet: runs again */
    PB_WHY_PRECISE,         /* reached the target precision */
    PB_WHY_MAX_RUNS,        /* stopped at max_runs */
    PB_WHY_BUDGET,          /* stopped by the time budget */
    PB_WHY_TIMEOUT,         /* timed out: a lower bound */
    PB_WHY_FAILED,          /* no successful run to measure */
    PB_WHY_FIXED,           /* not adaptive: a fixed run count */
    PB_WHY_UNFINISHED,      /* the run was interrupted before deciding */
};

/* "more", "precise", "max_runs", "budget", "timeout", "failed", "fixed",
 * "unfinished". Cannot fail. */
const char *pb_pair_why_name(enum pb_pair_why w);

/* The settings an adaptive decision uses (the config's runs: auto). */
struct pb_pair_rules {
    int adaptive;           /* 0: a fixed count (PB_WHY_FIXED) */
    double precision;       /* target half-width of the wall ratio's interval, relative */
    int min_runs, max_runs;
    double budget;          /* seconds of runs in all; <= 0 none */
};

/* Everything the records say about one pair. */
struct pb_pair_state {
    struct pb_pair_counts n;            /* the profiled side's counts */
    struct pb_pair_samples num, den;    /* profiled and baseline ok runs */
    struct pb_ci wall, cpu, mem;        /* ratios profiled / plain (medians, log-t
                                         * intervals); value NAN when not computable */
    int lower_bound;                    /* timed out with no ok run: wall, cpu and
                                         * mem are lower bounds (value = lo = hi):
                                         * the bound_* figures over the plain
                                         * medians; the true ratios are at least
                                         * these */
    double bound_wall_s, bound_cpu_s, bound_mem_kb;  /* lower_bound: the timeout;
                                         * the median CPU time and tree peak RSS
                                         * its timed-out runs (warm-ups too) had
                                         * reached when killed, clamped above 0 as
                                         * ok runs' are; NAN when not a bound */
    double precision;                   /* (wall.hi - wall.lo) / 2 / wall.value; NAN
                                         * below 2 runs a side or for a bound */
};

/* A seed for pair (w, p) of a run seeded with seed, for anything per pair
 * that draws random numbers. The ratios' intervals draw none since they
 * are log-t intervals (they were bootstraps seeded with this, + 1 and + 2
 * for cpu and memory); seed stays in the signatures below for the
 * callers. Cannot fail. */
uint64_t pb_pair_seed(uint64_t seed, const char *w, const char *p);

/* Computes the state of (w, p) against baseline from the records of
 * rounds before before_round (PB_ALL_ROUNDS: all); timeout_s is the
 * pair's timeout (for the lower bound); seed, the run's, changes nothing
 * today (see pb_pair_seed). Returns 0, or -1 with err filled
 * (out of memory). Release with pb_pair_state_release. */
int pb_pair_state_compute(const struct pb_run_list *runs, const char *w, const char *p,
                          const char *baseline, double timeout_s, uint64_t seed,
                          int before_round, struct pb_pair_state *out, struct pb_error *err);

void pb_pair_state_release(struct pb_pair_state *s);

/* The adaptive decision for round `round` from a state computed from the
 * rounds before it: FIXED for a non-adaptive pair; TIMEOUT once it timed
 * out; FAILED after two failures without a success; MORE below min_runs;
 * PRECISE at the target; MAX_RUNS at max_runs; else MORE. (The budget and
 * the last round stop every pair at once: pb_pair_stopped.) Cannot fail. */
enum pb_pair_why pb_pair_decide(const struct pb_pair_state *s, const struct pb_pair_rules *r,
                                int round);

/* Seconds of runs recorded in rounds before round (warm-ups included):
 * what the budget counts. Cannot fail. */
double pb_pair_spent(const struct pb_run_list *runs, int round);

/* Why an adaptive pair stopped, as the run decided it: its decision at
 * the round after its last measured one, or, where that said MORE, the
 * stop of the whole matrix at that round (max_runs, the budget) or, when
 * nothing stopped it, UNFINISHED (an interrupted run). A pair without a
 * successful run reads as FAILED, one that timed out as TIMEOUT. Returns
 * 0, or -1 with err filled (out of memory). */
int pb_pair_why_stopped(const struct pb_run_list *runs, const char *w, const char *p,
                        const char *baseline, double timeout_s, uint64_t seed,
                        const struct pb_pair_rules *r, enum pb_pair_why *why,
                        struct pb_error *err);

#endif /* PB_PAIRSTATE_H */
