/* pairstate: one pair's counts, ratios, precision, lower bound and the
 * adaptive decision, from hand-made run records. */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/pairstate.h"
#include "analysis/stats.h"
#include "store/records.h"
#include "testutil.h"

static struct pb_run_list list;

static void setup(void)
{
    memset(&list, 0, sizeof list);
}

static void teardown(void)
{
    pb_records_release(&list);
}

/* Appends one record: wall seconds, CPU seconds, tree peak RSS in kB. */
static void add3(int round, const char *w, const char *p, enum pb_run_status st, double wall,
                 double cpu, long rss, const char *error)
{
    struct pb_run_record r;

    memset(&r, 0, sizeof r);
    r.seq = list.n;
    r.round = round;
    snprintf(r.workload, sizeof r.workload, "%s", w);
    snprintf(r.profiler, sizeof r.profiler, "%s", p);
    r.status = st;
    r.timed_out = st == PB_RUN_TIMEOUT;
    r.wall_s = wall;
    r.user_s = cpu;
    r.tree_peak_rss_kb = rss;
    r.maxrss_kb = rss;
    if (error)
        snprintf(r.error, sizeof r.error, "%s", error);
    ck_assert_int_eq(pb_records_push(&list, &r), 0);
}

static void add(int round, const char *w, const char *p, enum pb_run_status st, double wall)
{
    add3(round, w, p, st, wall, wall, 10000, st == PB_RUN_OK ? NULL : "it went wrong");
}

static void state(const char *w, const char *p, double timeout_s, uint64_t seed, int before,
                  struct pb_pair_state *st)
{
    struct pb_error err;
    ck_assert_msg(pb_pair_state_compute(&list, w, p, "plain", timeout_s, seed, before, st, &err) == 0,
                  "%s", err.msg);
}

/* ---- counting ---- */

START_TEST(counts)
{
    struct pb_pair_counts c;

    add(-1, "w", "p", PB_RUN_TIMEOUT, 5);
    list.items[0].error[0] = 'W';                           /* "Wt went wrong" */
    add(-1, "w", "plain", PB_RUN_OK, 1);
    add(0, "w", "p", PB_RUN_OK, 2);
    add(0, "w", "plain", PB_RUN_OK, 1);
    add3(1, "w", "p", PB_RUN_FAILED, 0.5, 0.5, 10, "exit code 1: first");
    add3(2, "w", "p", PB_RUN_TIMEOUT, 5, 5, 10, "timed out after 5 s");
    add3(3, "w", "p", PB_RUN_SKIPPED, 0, 0, 0, "not run: this pair already timed out (5 s)");
    add3(4, "w", "p", PB_RUN_SPAWN_ERROR, 0, 0, 0, "cannot run 'x'");
    add(5, "w", "p", PB_RUN_OK, 2);
    add(4, "v", "p", PB_RUN_FAILED, 1);                    /* another workload */
    add(7, "w", "q", PB_RUN_OK, 1);                        /* another profiler */
    add3(6, "w", "p", PB_RUN_NO_OUTPUT, 2, 2, 10, "expected output 'x' was not written");
    add3(7, "w", "p", PB_RUN_OUTPUT_LIMIT, 2, 2, 10, "stopped: wrote more than the output size limit");

    pb_pair_count(&list, "w", "p", PB_ALL_ROUNDS, &c);
    ck_assert_uint_eq(c.ok, 2);
    ck_assert_uint_eq(c.failures, 4);       /* failed, spawn error, no output, output limit */
    ck_assert_uint_eq(c.timeouts, 1);
    ck_assert_uint_eq(c.skipped, 1);
    ck_assert(c.warmup_timeout);
    ck_assert_int_eq(c.last_round, 7);
    ck_assert_ptr_eq(c.reason, list.items[4].error);        /* the first failure's, in place */
    ck_assert_str_eq(c.reason, "exit code 1: first");
    ck_assert(pb_pair_timed_out(&c));

    /* only the rounds before 2 */
    pb_pair_count(&list, "w", "p", 2, &c);
    ck_assert_uint_eq(c.ok, 1);
    ck_assert_uint_eq(c.failures, 1);
    ck_assert_uint_eq(c.timeouts, 0);
    ck_assert_uint_eq(c.skipped, 0);
    ck_assert_int_eq(c.last_round, 1);
    ck_assert(c.warmup_timeout);            /* warm-ups come before every round */
    ck_assert_str_eq(c.reason, "exit code 1: first");

    /* before round 0: the warm-up's timeout is all there is, and its reason */
    pb_pair_count(&list, "w", "p", 0, &c);
    ck_assert_uint_eq(c.ok + c.failures + c.timeouts + c.skipped, 0);
    ck_assert_int_eq(c.last_round, -1);
    ck_assert(c.warmup_timeout);
    ck_assert(pb_pair_timed_out(&c));
    ck_assert_ptr_eq(c.reason, list.items[0].error);

    /* the baseline: a clean record */
    pb_pair_count(&list, "w", "plain", PB_ALL_ROUNDS, &c);
    ck_assert_uint_eq(c.ok, 1);
    ck_assert(!c.warmup_timeout);
    ck_assert(!pb_pair_timed_out(&c));
    ck_assert_ptr_null(c.reason);
    ck_assert_int_eq(c.last_round, 0);

    /* a pair with no records at all */
    pb_pair_count(&list, "w", "nothing", PB_ALL_ROUNDS, &c);
    ck_assert_uint_eq(c.ok + c.failures + c.timeouts + c.skipped, 0);
    ck_assert_int_eq(c.last_round, -1);
    ck_assert_ptr_null(c.reason);
}
END_TEST

/* A timeout that comes first gives the reason, not a later failure. */
START_TEST(reason_is_the_first_in_record_order)
{
    struct pb_pair_counts c;

    add3(0, "w", "p", PB_RUN_TIMEOUT, 5, 5, 10, "timed out after 5 s");
    add3(1, "w", "p", PB_RUN_FAILED, 1, 1, 10, "exit code 2");
    pb_pair_count(&list, "w", "p", PB_ALL_ROUNDS, &c);
    ck_assert_str_eq(c.reason, "timed out after 5 s");
    ck_assert_uint_eq(c.timeouts, 1);
    ck_assert_uint_eq(c.failures, 1);
}
END_TEST

/* ---- ratios, precision, lower bounds ---- */

START_TEST(ratios_are_medians_over_medians)
{
    struct pb_pair_state st;

    /* warm-ups and failures, however slow, are not samples */
    add3(-1, "w", "plain", PB_RUN_OK, 100, 100, 99999, NULL);
    add3(-1, "w", "p", PB_RUN_OK, 100, 100, 99999, NULL);
    /* baseline wall 1, 3, 2 (median 2); cpu 0.5 x3; rss 1000, 3000, 2000 */
    add3(0, "w", "plain", PB_RUN_OK, 1, 0.5, 1000, NULL);
    add3(1, "w", "plain", PB_RUN_OK, 3, 0.5, 3000, NULL);
    add3(2, "w", "plain", PB_RUN_OK, 2, 0.5, 2000, NULL);
    /* profiled wall 5, 4, 7, 6 (median 5.5); cpu 1.5 x4; rss 3000 x4 */
    add3(0, "w", "p", PB_RUN_OK, 5, 1.5, 3000, NULL);
    add3(1, "w", "p", PB_RUN_OK, 4, 1.5, 3000, NULL);
    add3(1, "w", "p", PB_RUN_FAILED, 0.01, 0.01, 1, "exit code 1");
    add3(2, "w", "p", PB_RUN_OK, 7, 1.5, 3000, NULL);
    add3(3, "w", "p", PB_RUN_OK, 6, 1.5, 3000, NULL);
    add3(0, "v", "plain", PB_RUN_OK, 50, 50, 50, NULL);    /* another workload's baseline */

    state("w", "p", 30, 42, PB_ALL_ROUNDS, &st);
    ck_assert_uint_eq(st.num.n, 4);
    ck_assert_uint_eq(st.den.n, 3);
    ck_assert(st.num.wall[0] == 5 && st.num.wall[3] == 6);     /* in the order they ran */
    ck_assert(st.wall.value == 5.5 / 2);
    ck_assert(st.cpu.value == 3);
    ck_assert(st.mem.value == 1.5);
    ck_assert(st.wall.lo <= st.wall.value && st.wall.value <= st.wall.hi);
    ck_assert(st.wall.lo < st.wall.hi);
    ck_assert(!st.lower_bound);
    ck_assert(st.precision == (st.wall.hi - st.wall.lo) / 2 / st.wall.value);
    ck_assert_uint_eq(st.n.ok, 4);
    ck_assert_uint_eq(st.n.failures, 1);
    pb_pair_state_release(&st);

    /* rounds before 2: baseline 1, 3 (median 2), profiled 5, 4 (median 4.5) */
    state("w", "p", 30, 42, 2, &st);
    ck_assert_uint_eq(st.num.n, 2);
    ck_assert_uint_eq(st.den.n, 2);
    ck_assert(st.wall.value == 4.5 / 2);
    ck_assert_int_eq(st.n.last_round, 1);
    ck_assert(!isnan(st.precision));
    pb_pair_state_release(&st);
    ck_assert_ptr_null(st.num.wall);
    pb_pair_state_release(&st);             /* twice is harmless */
}
END_TEST

/* The intervals are pbench's one method: the log-t interval of
 * analysis/stats.h at PB_CONFIDENCE, bit for bit, for wall, CPU and
 * memory alike, and the same input always gives the same state. */
START_TEST(intervals_are_the_one_method)
{
    struct pb_pair_state a, b;
    struct pb_ci ci;
    struct pb_error err;

    /* distinct values on both sides, unequal counts */
    for (int r = 0; r < 21; r++) {
        double base = 1 + (r * 37 % 23) / 64.0, prof = 2 + (r * 53 % 29) / 32.0;
        add3(r, "w", "plain", PB_RUN_OK, base, 0.5 + (r * 13 % 21) / 40.0, 1000 + 9 * (r * 17 % 21), NULL);
        if (r % 4 != 3)
            add3(r, "w", "p", PB_RUN_OK, prof, 1.5 + (r * 8 % 21) / 20.0, 3000 + 11 * (r * 19 % 21), NULL);
    }
    state("w", "p", 30, 2026, PB_ALL_ROUNDS, &a);
    state("w", "p", 30, 2027, PB_ALL_ROUNDS, &b);       /* the seed draws nothing now */
    ck_assert(!memcmp(&a.wall, &b.wall, sizeof a.wall));
    ck_assert(!memcmp(&a.cpu, &b.cpu, sizeof a.cpu));
    ck_assert(!memcmp(&a.mem, &b.mem, sizeof a.mem));
    ck_assert(!memcmp(&a.precision, &b.precision, sizeof a.precision));

    ck_assert_uint_eq(a.num.n, 16);
    ck_assert_uint_eq(a.den.n, 21);
    ck_assert_int_eq(pb_stats_ratio_logt_ci(a.num.wall, a.num.n, a.den.wall, a.den.n, PB_CONFIDENCE,
                                            &ci, &err), 0);
    ck_assert(!memcmp(&ci, &a.wall, sizeof ci));
    ck_assert(ci.lo < ci.value && ci.value < ci.hi);
    ck_assert_int_eq(pb_stats_ratio_logt_ci(a.num.cpu, a.num.n, a.den.cpu, a.den.n, PB_CONFIDENCE,
                                            &ci, &err), 0);
    ck_assert(!memcmp(&ci, &a.cpu, sizeof ci));
    ck_assert_int_eq(pb_stats_ratio_logt_ci(a.num.mem, a.num.n, a.den.mem, a.den.n, PB_CONFIDENCE,
                                            &ci, &err), 0);
    ck_assert(!memcmp(&ci, &a.mem, sizeof ci));
    ck_assert(a.precision == (a.wall.hi - a.wall.lo) / 2 / a.wall.value);
    pb_pair_state_release(&a);
    pb_pair_state_release(&b);

    /* The pair seed's formula is pinned all the same: FNV-1a of the
     * workload, then the profiler, from seed ^ the FNV offset basis
     * (computed apart). Nothing draws from it now, but whatever per-pair
     * randomness comes next should not move with a refactoring. */
    ck_assert_uint_eq(pb_pair_seed(12345, "julia", "cProfile"), 712637468973992383ULL);
    /* the pair seed depends on the run's seed, the workload and the profiler */
    ck_assert_uint_eq(pb_pair_seed(2026, "w", "p"), pb_pair_seed(2026, "w", "p"));
    ck_assert_uint_ne(pb_pair_seed(2026, "w", "p"), pb_pair_seed(2027, "w", "p"));
    ck_assert_uint_ne(pb_pair_seed(2026, "w", "p"), pb_pair_seed(2026, "v", "p"));
    ck_assert_uint_ne(pb_pair_seed(2026, "w", "p"), pb_pair_seed(2026, "w", "q"));
}
END_TEST

START_TEST(lower_bound_when_only_timeouts)
{
    struct pb_pair_state st;

    add(0, "w", "plain", PB_RUN_OK, 0.5);
    add(1, "w", "plain", PB_RUN_OK, 0.25);
    add(2, "w", "plain", PB_RUN_OK, 1.0);
    /* the wall it recorded is not the bound; its CPU time and peak RSS
     * when killed are */
    add3(0, "w", "p", PB_RUN_TIMEOUT, 10.5, 8, 30000, "timed out after 10 s");
    add(1, "w", "p", PB_RUN_SKIPPED, 0);
    add(2, "w", "p", PB_RUN_SKIPPED, 0);
    state("w", "p", 10, 1, PB_ALL_ROUNDS, &st);
    ck_assert(st.lower_bound);
    ck_assert(st.wall.value == 10 / 0.5);        /* timeout / baseline median */
    ck_assert(st.wall.lo == st.wall.value && st.wall.hi == st.wall.value);
    ck_assert(st.cpu.value == 8 / 0.5);          /* CPU at the kill / baseline median */
    ck_assert(st.cpu.lo == st.cpu.value && st.cpu.hi == st.cpu.value);
    ck_assert(st.mem.value == 3.0);              /* peak RSS so far / baseline median */
    ck_assert(st.mem.lo == st.mem.value && st.mem.hi == st.mem.value);
    ck_assert(st.bound_wall_s == 10 && st.bound_cpu_s == 8 && st.bound_mem_kb == 30000);
    ck_assert(isnan(st.precision));
    ck_assert_uint_eq(st.n.skipped, 2);
    pb_pair_state_release(&st);

    /* timed out in its warm-up and again in a measured round (a resumed
     * run): the same bound, its CPU and memory the killed runs' medians */
    add3(-1, "w", "warm", PB_RUN_TIMEOUT, 10, 2, 20000, "timed out after 4 s");
    add3(0, "w", "warm", PB_RUN_TIMEOUT, 10, 4, 40000, "timed out after 4 s");
    add(1, "w", "warm", PB_RUN_SKIPPED, 0);
    state("w", "warm", 4, 1, PB_ALL_ROUNDS, &st);
    ck_assert(st.lower_bound);
    ck_assert(st.wall.value == 4 / 0.5);
    ck_assert(st.cpu.value == 3 / 0.5);
    ck_assert(st.mem.value == 3.0);
    pb_pair_state_release(&st);

    /* ok runs besides the timeout: figures, not a bound */
    add(0, "w", "partial", PB_RUN_OK, 1.5);
    add(1, "w", "partial", PB_RUN_TIMEOUT, 10);
    add(2, "w", "partial", PB_RUN_OK, 2.5);
    state("w", "partial", 10, 1, PB_ALL_ROUNDS, &st);
    ck_assert(!st.lower_bound);
    ck_assert(st.wall.value == 2 / 0.5);
    ck_assert(!isnan(st.precision));
    ck_assert(isnan(st.bound_wall_s) && isnan(st.bound_cpu_s) && isnan(st.bound_mem_kb));
    pb_pair_state_release(&st);

    /* no baseline run to divide by: nothing at all */
    add(0, "v", "p", PB_RUN_TIMEOUT, 10);
    add(0, "v", "plain", PB_RUN_FAILED, 1);
    state("v", "p", 10, 1, PB_ALL_ROUNDS, &st);
    ck_assert(!st.lower_bound);
    ck_assert(isnan(st.wall.value));
    ck_assert(isnan(st.precision));
    pb_pair_state_release(&st);

    /* failures alone are no bound */
    add(0, "w", "broken", PB_RUN_FAILED, 10);
    state("w", "broken", 10, 1, PB_ALL_ROUNDS, &st);
    ck_assert(!st.lower_bound);
    ck_assert(isnan(st.wall.value));
    pb_pair_state_release(&st);
}
END_TEST

/* From a single run on either side the interval has no width: no
 * precision, not a perfect one. */
START_TEST(precision_needs_two_runs_a_side)
{
    struct pb_pair_state st;

    add(0, "w", "plain", PB_RUN_OK, 1.0);
    add(0, "w", "p", PB_RUN_OK, 2.0);
    add(1, "w", "p", PB_RUN_OK, 2.5);
    add(2, "w", "p", PB_RUN_OK, 3.0);
    state("w", "p", 10, 1, PB_ALL_ROUNDS, &st);       /* 3 against 1 */
    ck_assert(st.wall.value == 2.5);
    ck_assert(isnan(st.precision));
    pb_pair_state_release(&st);

    state("w", "p", 10, 1, 1, &st);                   /* 1 against 1 */
    ck_assert(st.wall.value == 2.0);
    ck_assert(isnan(st.precision));
    pb_pair_state_release(&st);

    add(1, "w", "plain", PB_RUN_OK, 1.0);
    add(0, "w", "one", PB_RUN_OK, 3.0);
    state("w", "one", 10, 1, PB_ALL_ROUNDS, &st);     /* 1 against 2 */
    ck_assert(st.wall.value == 3.0);
    ck_assert(isnan(st.precision));
    pb_pair_state_release(&st);

    state("w", "p", 10, 1, 2, &st);                   /* 2 against 2: known (0 here) */
    ck_assert(!isnan(st.precision));
    ck_assert(st.precision >= 0);
    pb_pair_state_release(&st);
}
END_TEST

/* ---- the decision ---- */

static struct pb_pair_state decided(size_t ok, size_t failures, size_t timeouts, int warm,
                                    double precision)
{
    struct pb_pair_state s;

    memset(&s, 0, sizeof s);
    s.n.ok = ok;
    s.n.failures = failures;
    s.n.timeouts = timeouts;
    s.n.warmup_timeout = warm;
    s.n.last_round = (int)(ok + failures + timeouts) - 1;
    s.precision = precision;
    return s;
}

START_TEST(decide_rules)
{
    const struct pb_pair_rules r = { 1, 0.05, 3, 10, 0 }, fixed = { 0, 0.05, 3, 10, 0 };
    struct pb_pair_state s;

#define DECIDE(ok, fail, to, warm, prec, round, rules, want) do { \
        s = decided(ok, fail, to, warm, prec); \
        enum pb_pair_why got = pb_pair_decide(&s, &(rules), round); \
        ck_assert_msg(got == (want), "ok %d fail %d timeouts %d warm %d precision %g round %d: " \
                      "%s, expected %s", ok, fail, to, warm, (double)(prec), round, \
                      pb_pair_why_name(got), pb_pair_why_name(want)); \
    } while (0)

    /* not adaptive: FIXED, whatever the state */
    DECIDE(3, 0, 0, 0, 0.01, 3, fixed, PB_WHY_FIXED);
    DECIDE(0, 0, 1, 0, NAN, 1, fixed, PB_WHY_FIXED);
    DECIDE(0, 2, 0, 0, NAN, 2, fixed, PB_WHY_FIXED);
    /* timed out (measured or warm-up): TIMEOUT, before every other rule */
    DECIDE(0, 0, 1, 0, NAN, 1, r, PB_WHY_TIMEOUT);
    DECIDE(0, 0, 0, 1, NAN, 0, r, PB_WHY_TIMEOUT);
    DECIDE(5, 0, 1, 0, 0.01, 6, r, PB_WHY_TIMEOUT);
    DECIDE(0, 2, 1, 0, NAN, 3, r, PB_WHY_TIMEOUT);
    /* FAILED after two failures without a success */
    DECIDE(0, 2, 0, 0, NAN, 2, r, PB_WHY_FAILED);
    DECIDE(0, 1, 0, 0, NAN, 1, r, PB_WHY_MORE);
    DECIDE(1, 2, 0, 0, NAN, 3, r, PB_WHY_MORE);
    /* MORE below min_runs, however precise */
    DECIDE(2, 0, 0, 0, 0.001, 2, r, PB_WHY_MORE);
    DECIDE(0, 0, 0, 0, NAN, 0, r, PB_WHY_MORE);
    /* PRECISE at the target, from min_runs on */
    DECIDE(3, 0, 0, 0, 0.05, 3, r, PB_WHY_PRECISE);
    DECIDE(3, 0, 0, 0, 0.0, 3, r, PB_WHY_PRECISE);
    DECIDE(3, 0, 0, 0, 0.0500001, 3, r, PB_WHY_MORE);
    DECIDE(3, 0, 0, 0, NAN, 3, r, PB_WHY_MORE);              /* unknown is not precise */
    DECIDE(10, 0, 0, 0, 0.04, 10, r, PB_WHY_PRECISE);        /* precise wins over max_runs */
    /* MAX_RUNS once the measured runs (failures count) reach max_runs */
    DECIDE(10, 0, 0, 0, 0.2, 10, r, PB_WHY_MAX_RUNS);
    DECIDE(8, 2, 0, 0, 0.2, 10, r, PB_WHY_MAX_RUNS);
    DECIDE(9, 0, 0, 0, 0.2, 9, r, PB_WHY_MORE);
    DECIDE(12, 0, 0, 0, NAN, 12, r, PB_WHY_MAX_RUNS);
    /* else MORE */
    DECIDE(5, 1, 0, 0, 0.06, 6, r, PB_WHY_MORE);
#undef DECIDE

    static const char *const names[] = { "more", "precise", "max_runs", "budget", "timeout",
                                         "failed", "fixed", "unfinished" };
    for (int w = PB_WHY_MORE; w <= PB_WHY_UNFINISHED; w++)
        ck_assert_str_eq(pb_pair_why_name(w), names[w]);
    ck_assert_str_eq(pb_pair_why_name((enum pb_pair_why)99), "unknown");
}
END_TEST

/* ---- why a pair stopped ---- */

static enum pb_pair_why why(const char *p, const struct pb_pair_rules *r)
{
    enum pb_pair_why w, again;
    struct pb_error err;
    ck_assert_msg(pb_pair_why_stopped(&list, "w", p, "plain", 30, 7, r, &w, &err) == 0, "%s", err.msg);
    ck_assert_int_eq(pb_pair_why_stopped(&list, "w", p, "plain", 30, 7, r, &again, &err), 0);
    ck_assert_int_eq(w, again);             /* deterministic */
    return w;
}

/* The baseline of w and two profilers: "quiet" precise after its four
 * rounds 0-3, "noisy" not precise in rounds 0-5. The baseline ran on to
 * round 5 for noisy, and its last two runs were wild. */
static void matrix(void)
{
    static const double plain[] = { 1.0, 1.0078125, 0.9921875, 1.0, 5.0, 0.2 };
    static const double quiet[] = { 2.0, 2.015625, 1.984375, 2.0 };
    static const double noisy[] = { 1.0, 4.0, 2.0, 8.0, 1.5, 6.0 };

    add(-1, "w", "plain", PB_RUN_OK, 1.0);
    add(-1, "w", "quiet", PB_RUN_OK, 2.0);
    add(-1, "w", "noisy", PB_RUN_OK, 3.0);
    for (int r = 0; r < 6; r++) {
        add(r, "w", "plain", PB_RUN_OK, plain[r]);
        if (r < 4)
            add(r, "w", "quiet", PB_RUN_OK, quiet[r]);
        add(r, "w", "noisy", PB_RUN_OK, noisy[r]);
    }
}

START_TEST(why_stopped_replays_the_decision)
{
    const struct pb_pair_rules r = { 1, 0.05, 3, 6, 0 };
    struct pb_pair_state st;

    matrix();
    /* the point of replaying: judged with every baseline run, including
     * the two wild ones after it stopped, quiet would not be precise */
    state("w", "quiet", 30, 7, PB_ALL_ROUNDS, &st);
    ck_assert_msg(st.precision > 0.05, "precision %g", st.precision);
    pb_pair_state_release(&st);
    state("w", "quiet", 30, 7, 4, &st);
    ck_assert_msg(st.precision <= 0.05, "precision %g", st.precision);
    ck_assert_int_eq(pb_pair_decide(&st, &r, 4), PB_WHY_PRECISE);
    pb_pair_state_release(&st);

    ck_assert_str_eq(pb_pair_why_name(why("quiet", &r)), "precise");
    ck_assert_int_eq(why("noisy", &r), PB_WHY_MAX_RUNS);

    /* not adaptive: the decision says so */
    const struct pb_pair_rules fixed = { 0, 0.05, 3, 6, 0 };
    ck_assert_int_eq(why("noisy", &fixed), PB_WHY_FIXED);
}
END_TEST

/* A pair still MORE when the matrix reached max_runs rounds (a record
 * lost, so fewer runs than rounds) reads MAX_RUNS, not UNFINISHED. */
START_TEST(why_stopped_max_runs_by_round)
{
    const struct pb_pair_rules r = { 1, 0.05, 3, 6, 0 };
    static const double noisy[] = { 1.0, 4.0, 2.0, 8.0, 0, 6.0 };

    for (int k = 0; k < 6; k++) {
        add(k, "w", "plain", PB_RUN_OK, 1.0 + k / 64.0);
        if (k != 4)                         /* round 4's record was torn */
            add(k, "w", "gap", PB_RUN_OK, noisy[k]);
    }
    struct pb_pair_state st;
    state("w", "gap", 30, 7, PB_ALL_ROUNDS, &st);
    ck_assert_int_eq(pb_pair_decide(&st, &r, 6), PB_WHY_MORE);       /* 5 runs < 6 */
    pb_pair_state_release(&st);
    ck_assert_int_eq(why("gap", &r), PB_WHY_MAX_RUNS);
}
END_TEST

START_TEST(why_stopped_budget_or_unfinished)
{
    /* noisy after rounds 0-3, with max_runs far away */
    static const double noisy[] = { 1.0, 4.0, 2.0, 8.0 };
    const struct pb_pair_rules none = { 1, 0.05, 3, 30, 0 };
    const struct pb_pair_rules big = { 1, 0.05, 3, 30, 1000 };
    const struct pb_pair_rules spent = { 1, 0.05, 3, 30, 20 };
    const struct pb_pair_rules exact = { 1, 0.05, 3, 30, 23.5 };
    const struct pb_pair_rules over = { 1, 0.05, 3, 30, 23.5 + 1.0 / 1024 };

    add(-1, "w", "plain", PB_RUN_OK, 0.5);
    add(-1, "w", "noisy", PB_RUN_OK, 3.0);
    for (int r = 0; r < 4; r++) {
        add(r, "w", "plain", PB_RUN_OK, 1.0);
        add(r, "w", "noisy", PB_RUN_OK, noisy[r]);
    }
    add(4, "w", "plain", PB_RUN_OK, 100);       /* round 4 began: not counted for round 4 */
    /* spent before round 4: warm-ups 3.5 + baseline 4 + noisy 15 */
    ck_assert(pb_pair_spent(&list, 4) == 22.5);
    ck_assert(pb_pair_spent(&list, 0) == 3.5);
    ck_assert(pb_pair_spent(&list, PB_ALL_ROUNDS) == 122.5);
    add(0, "v", "other", PB_RUN_FAILED, 1.0);   /* every pair's runs count */
    ck_assert(pb_pair_spent(&list, 4) == 23.5);

    ck_assert_int_eq(why("noisy", &spent), PB_WHY_BUDGET);
    ck_assert_int_eq(why("noisy", &exact), PB_WHY_BUDGET);      /* reached is spent */
    ck_assert_int_eq(why("noisy", &over), PB_WHY_UNFINISHED);
    ck_assert_int_eq(why("noisy", &big), PB_WHY_UNFINISHED);
    ck_assert_str_eq(pb_pair_why_name(why("noisy", &none)), "unfinished");
}
END_TEST

START_TEST(why_stopped_timeout_and_failed)
{
    const struct pb_pair_rules r = { 1, 0.05, 3, 30, 0 };

    for (int k = 0; k < 3; k++)
        add(k, "w", "plain", PB_RUN_OK, 1.0);
    add(0, "w", "hang", PB_RUN_OK, 1.0);
    add(1, "w", "hang", PB_RUN_TIMEOUT, 30);
    add(-1, "w", "warmhang", PB_RUN_TIMEOUT, 30);
    add(0, "w", "warmhang", PB_RUN_SKIPPED, 0);
    add(0, "w", "broken", PB_RUN_FAILED, 1.0);      /* one failure, then interrupted */
    add(0, "w", "spawn", PB_RUN_SPAWN_ERROR, 0);
    add(1, "w", "spawn", PB_RUN_SPAWN_ERROR, 0);
    ck_assert_int_eq(why("hang", &r), PB_WHY_TIMEOUT);
    ck_assert_int_eq(why("warmhang", &r), PB_WHY_TIMEOUT);
    ck_assert_int_eq(why("broken", &r), PB_WHY_FAILED);
    ck_assert_int_eq(why("spawn", &r), PB_WHY_FAILED);
    ck_assert_int_eq(why("never", &r), PB_WHY_FAILED);     /* no record at all */
}
END_TEST

Suite *pairstate_suite(void)
{
    Suite *s = suite_create("pairstate");
    TCase *counting = tcase_create("counting");
    TCase *figures = tcase_create("figures");
    TCase *decision = tcase_create("decision");

    tcase_add_checked_fixture(counting, setup, teardown);
    tcase_add_checked_fixture(figures, setup, teardown);
    tcase_add_checked_fixture(decision, setup, teardown);
    tcase_add_test(counting, counts);
    tcase_add_test(counting, reason_is_the_first_in_record_order);
    tcase_add_test(figures, ratios_are_medians_over_medians);
    tcase_add_test(figures, intervals_are_the_one_method);
    tcase_add_test(figures, lower_bound_when_only_timeouts);
    tcase_add_test(figures, precision_needs_two_runs_a_side);
    tcase_add_test(decision, decide_rules);
    tcase_add_test(decision, why_stopped_replays_the_decision);
    tcase_add_test(decision, why_stopped_max_runs_by_round);
    tcase_add_test(decision, why_stopped_budget_or_unfinished);
    tcase_add_test(decision, why_stopped_timeout_and_failed);
    suite_add_tcase(s, counting);
    suite_add_tcase(s, figures);
    suite_add_tcase(s, decision);
    return s;
}
