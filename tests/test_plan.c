/* plan: rounds, warm-ups, per-pair run counts, seeded shuffles. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/config.h"
#include "core/plan.h"
#include "testutil.h"

static char *dir;
static struct pb_config *cfg;

static void setup(void)
{
    dir = tu_mkdtemp();
    free(tu_write_file(dir, "w.py", "pass\n"));
    cfg = tu_load_config(dir, "c.yaml",
        "python: /bin/sh\n"
        "defaults: {runs: 3, warmup: 1}\n"
        "workloads:\n"
        "  - {name: a, script: w.py}\n"
        "  - {name: b, script: w.py, runs: 4}\n"
        "  - {name: c, script: w.py}\n"
        "profilers:\n"
        "  - {name: plain, baseline: true, command: [x]}\n"
        "  - {name: fast, command: [x]}\n"
        "  - {name: slow, command: [x], runs: 1, warmup: 0}\n");
}

static void teardown(void)
{
    pb_config_free(cfg);
    tu_rmtree(dir);
    free(dir);
}

static size_t count(const struct pb_plan *p, int round, const char *w, const char *pr)
{
    size_t n = 0;
    for (size_t i = 0; i < p->n; i++)
        if ((round == 99 || p->entries[i].round == round)
            && (!w || !strcmp(cfg->workloads[p->entries[i].workload].name, w))
            && (!pr || !strcmp(cfg->profilers[p->entries[i].profiler].name, pr)))
            n++;
    return n;
}

START_TEST(rounds_and_overrides)
{
    struct pb_plan p;
    struct pb_error err;
    ck_assert_int_eq(pb_plan_build(cfg, 1, &p, &err), 0);
    /* warm-up: 3 workloads x (plain, fast) = 6; measured: a,c: 3+3+1, b: 4+4+1 */
    ck_assert_uint_eq(count(&p, -1, NULL, NULL), 6);
    ck_assert_uint_eq(count(&p, 99, "a", "plain"), 4);
    ck_assert_uint_eq(count(&p, 99, "b", "plain"), 5);
    ck_assert_uint_eq(count(&p, 99, "b", "slow"), 1);
    ck_assert_uint_eq(count(&p, 3, NULL, NULL), 2);
    ck_assert_uint_eq(p.n, 6 + 7 + 9 + 7);
    pb_plan_release(&p);

    /* the baseline runs in every round any profiler of its workload does */
    cfg->profilers[2].runs = 6;         /* slow: more rounds than the defaults */
    cfg->profilers[2].warmup = 2;
    ck_assert_int_eq(pb_plan_build(cfg, 1, &p, &err), 0);
    ck_assert_uint_eq(count(&p, 99, "a", "plain"), 6 + 2);
    ck_assert_uint_eq(count(&p, 5, "a", "plain"), 1);
    ck_assert_uint_eq(count(&p, -2, "a", "plain"), 1);
    ck_assert_uint_eq(count(&p, 99, "a", "fast"), 3 + 1);
    /* warm-ups first, rounds in order, seq is the position */
    for (size_t i = 0; i < p.n; i++) {
        ck_assert_uint_eq(p.entries[i].seq, i);
        if (i)
            ck_assert_int_ge(p.entries[i].round, p.entries[i - 1].round);
    }
    pb_plan_release(&p);
}
END_TEST

START_TEST(seeded_shuffle)
{
    struct pb_plan p1, p2, p3;
    struct pb_error err;
    ck_assert_int_eq(pb_plan_build(cfg, 42, &p1, &err), 0);
    ck_assert_int_eq(pb_plan_build(cfg, 42, &p2, &err), 0);
    ck_assert_int_eq(pb_plan_build(cfg, 43, &p3, &err), 0);
    ck_assert_uint_eq(p1.n, p2.n);
    for (size_t i = 0; i < p1.n; i++) {
        ck_assert_int_eq(p1.entries[i].round, p2.entries[i].round);
        ck_assert_uint_eq(p1.entries[i].workload, p2.entries[i].workload);
        ck_assert_uint_eq(p1.entries[i].profiler, p2.entries[i].profiler);
    }
    int differs = 0;
    for (size_t i = 0; i < p1.n; i++)
        if (p1.entries[i].workload != p3.entries[i].workload
            || p1.entries[i].profiler != p3.entries[i].profiler)
            differs = 1;
    ck_assert_msg(differs, "a different seed should give a different order");
    pb_plan_release(&p1);
    pb_plan_release(&p2);
    pb_plan_release(&p3);
}
END_TEST

/* A workload's runs of one round are one block (its baseline beside its
 * profiled runs); over seeds, every workload leads some round and every
 * profiler of a block comes first in some block: the blocks and their
 * insides are shuffled, not fixed. */
START_TEST(rounds_run_in_workload_blocks)
{
    int led[3] = { 0 }, first[3] = { 0 };

    for (uint64_t seed = 1; seed <= 40; seed++) {
        struct pb_plan p;
        struct pb_error err;
        ck_assert_int_eq(pb_plan_build(cfg, seed, &p, &err), 0);
        for (size_t i = 0; i < p.n; i++) {
            const struct pb_plan_entry *e = &p.entries[i];
            int starts = i == 0 || p.entries[i - 1].round != e->round
                         || p.entries[i - 1].workload != e->workload;
            if (starts) {
                /* a new block: its workload has no earlier entry this round */
                for (size_t j = i; j-- > 0 && p.entries[j].round == e->round;)
                    ck_assert_msg(p.entries[j].workload != e->workload,
                                  "seed %llu round %d: workload %zu split at %zu",
                                  (unsigned long long)seed, e->round, e->workload, i);
                first[e->profiler]++;
                if (i == 0 || p.entries[i - 1].round != e->round)
                    led[e->workload]++;
            }
        }
        pb_plan_release(&p);
    }
    for (int k = 0; k < 3; k++) {
        ck_assert_msg(led[k] > 0, "workload %d never leads a round", k);
        ck_assert_msg(first[k] > 0, "profiler %d never opens a block", k);
    }
}
END_TEST

START_TEST(selection)
{
    struct pb_plan p;
    struct pb_error err;
    const char *pr[] = { "slow" };
    const char *w[] = { "a" };
    ck_assert_int_eq(pb_config_select(cfg, pr, 1, w, 1, &err), 0);
    ck_assert_int_eq(pb_plan_build(cfg, 1, &p, &err), 0);
    ck_assert_uint_eq(p.n, 1 + 3 + 1);      /* plain warm-up, 3 plain, 1 slow */
    ck_assert_uint_eq(count(&p, 99, "a", "slow"), 1);
    pb_plan_release(&p);
    for (size_t i = 0; i < cfg->nworkloads; i++)
        cfg->workloads[i].selected = 0;
    ck_assert_int_eq(pb_plan_build(cfg, 1, &p, &err), -1);
    ck_assert_ptr_nonnull(strstr(err.msg, "nothing to run"));
}
END_TEST

/* A pair a workload skips is not in the matrix: not planned, not
 * counted, and the workload's baseline runs only as long as the pairs
 * that are left need it. */
START_TEST(skipped_pairs_are_left_out)
{
    struct pb_plan p;
    struct pb_error err;
    size_t least, most;
    struct pb_config *sk = tu_load_config(dir, "skip.yaml",
        "python: /bin/sh\n"
        "defaults: {runs: 3, warmup: 1}\n"
        "workloads:\n"
        "  - {name: a, script: w.py, skip: [long]}\n"
        "  - {name: b, script: w.py, runs: 4, skip: {fast: \"C code\", long: }}\n"
        "  - {name: c, script: w.py}\n"
        "profilers:\n"
        "  - {name: plain, baseline: true, command: [x]}\n"
        "  - {name: fast, command: [x]}\n"
        "  - {name: slow, command: [x], runs: 1, warmup: 0}\n"
        "  - {name: long, command: [x], runs: 6}\n");

    ck_assert_int_eq(pb_plan_pair_in(sk, 0, 3), 0);
    ck_assert_int_eq(pb_plan_pair_in(sk, 1, 1), 0);
    ck_assert_int_eq(pb_plan_pair_in(sk, 1, 3), 0);
    ck_assert_int_eq(pb_plan_pair_in(sk, 0, 0), 1);
    ck_assert_int_eq(pb_plan_pair_in(sk, 0, 1), 1);
    ck_assert_int_eq(pb_plan_pair_in(sk, 2, 3), 1);
    /* a's baseline follows fast (3 + 1 warm-up), not the skipped long (6) */
    ck_assert_int_eq(pb_plan_pair_runs(sk, 0, 0), 3);
    ck_assert_int_eq(pb_plan_pair_runs(sk, 2, 0), 6);
    ck_assert_int_eq(pb_plan_build(sk, 1, &p, &err), 0);
    struct pb_config *keep = cfg;
    cfg = sk;           /* count() names workloads and profilers from cfg */
    ck_assert_uint_eq(count(&p, 99, "a", "long"), 0);
    ck_assert_uint_eq(count(&p, 99, "b", "fast"), 0);
    ck_assert_uint_eq(count(&p, 99, "b", "long"), 0);
    ck_assert_uint_eq(count(&p, 99, "c", "long"), 7);
    ck_assert_uint_eq(count(&p, 99, "a", "plain"), 4);
    ck_assert_uint_eq(count(&p, 99, "b", "plain"), 5);
    ck_assert_uint_eq(count(&p, 99, "c", "plain"), 7);
    /* a: 4 + 4 + 1; b: 5 + 1; c: 7 + 4 + 1 + 7 */
    ck_assert_uint_eq(p.n, 9 + 6 + 19);
    pb_plan_count(sk, &least, &most);
    ck_assert_uint_eq(least, p.n);
    ck_assert_uint_eq(most, p.n);
    cfg = keep;
    pb_plan_release(&p);
    pb_config_free(sk);
}
END_TEST

Suite *plan_suite(void)
{
    Suite *s = suite_create("plan");
    TCase *core = tcase_create("core");
    tcase_add_checked_fixture(core, setup, teardown);
    tcase_add_test(core, rounds_and_overrides);
    tcase_add_test(core, seeded_shuffle);
    tcase_add_test(core, rounds_run_in_workload_blocks);
    tcase_add_test(core, selection);
    tcase_add_test(core, skipped_pairs_are_left_out);
    suite_add_tcase(s, core);
    return s;
}
