/* shard: the split of a matrix into N shards (deterministic, balanced by
 * weight, whole groups of sizes and interpreters, N above the number of
 * groups), a shard's plan, and its record in config-resolved.json (the
 * same hash in every shard; read back as written). */
#include <check.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/config.h"
#include "core/plan.h"
#include "core/shard.h"
#include "store/resolved.h"
#include "testutil.h"

static char *dir;

static void setup(void)
{
    dir = tu_mkdtemp();
    free(tu_write_file(dir, "w.py", "pass\n"));
}

static void teardown(void)
{
    tu_rmtree(dir);
    free(dir);
}

/* plain (cost 1) and slow (cost 9), then the workloads' lines. */
static struct pb_config *load(const char *head, const char *workloads)
{
    char text[4096];

    snprintf(text, sizeof text,
        "%s"
        "defaults: {runs: 1, warmup: 0}\n"
        "workloads:\n%s"
        "profilers:\n"
        "  - {name: plain, baseline: true, command: [x]}\n"
        "  - {name: slow, cost: 9, command: [x]}\n", head ? head : "python: /bin/sh\n", workloads);
    return tu_load_config(dir, "c.yaml", text);
}

/* The shard of workload name. */
static int owner_of(const struct pb_config *cfg, const int *owner, const char *name)
{
    for (size_t i = 0; i < cfg->nworkloads; i++)
        if (!strcmp(cfg->workloads[i].name, name))
            return owner[i];
    ck_abort_msg("no workload %s", name);
    return -1;
}

START_TEST(balanced_by_weight)
{
    /* weights runs x (1 + 9): w4 60, w3 50, w2 40, w1 30. Longest first
     * onto the lightest shard: w4 | w3, then w2 onto 2 (50 < 60), w1 onto
     * 1: 90 and 90 (in the order of names, w1 w3 | w2 w4: 80 and 100) */
    struct pb_config *cfg = load(NULL,
        "  - {name: w1, script: w.py, runs: 3}\n"
        "  - {name: w3, script: w.py, runs: 5}\n"
        "  - {name: w4, script: w.py, runs: 6}\n"
        "  - {name: w2, script: w.py, runs: 4}\n");
    struct pb_error err;
    int owner[8];

    ck_assert_double_eq(pb_shard_weight(cfg, 2), 60);
    ck_assert_int_eq(pb_shard_split(cfg, 2, owner, &err), 0);
    ck_assert_int_eq(owner_of(cfg, owner, "w4"), 1);
    ck_assert_int_eq(owner_of(cfg, owner, "w3"), 2);
    ck_assert_int_eq(owner_of(cfg, owner, "w2"), 2);
    ck_assert_int_eq(owner_of(cfg, owner, "w1"), 1);
    /* one shard: everything in it */
    ck_assert_int_eq(pb_shard_split(cfg, 1, owner, &err), 0);
    for (size_t i = 0; i < cfg->nworkloads; i++)
        ck_assert_int_eq(owner[i], 1);
    ck_assert_int_eq(pb_shard_split(cfg, 0, owner, &err), -1);
    pb_config_free(cfg);

    /* cost: weighs: a profiler of cost 300 run once outweighs the plain
     * runs, so w4 (one plain run fewer) is hardly lighter: the three
     * shards get one each, and w4 goes to the first on the tie */
    char text[1024];
    struct pb_diags d = { 0 };
    snprintf(text, sizeof text,
        "python: /bin/sh\n"
        "defaults: {runs: 2, warmup: 0}\n"
        "workloads: [{name: w1, script: w.py}, {name: w2, script: w.py}, {name: w3, script: w.py},\n"
        "            {name: w4, script: w.py, runs: 1}]\n"
        "profilers:\n"
        "  - {name: plain, baseline: true, command: [x]}\n"
        "  - {name: mem, cost: 300, command: [x], runs: 1}\n");
    free(tu_write_file(dir, "k.yaml", text));
    snprintf(text, sizeof text, "%s/k.yaml", dir);
    cfg = pb_config_load(text, NULL, &d);
    ck_assert_ptr_nonnull(cfg);
    /* w1..w3: 2 x 1 + 1 x 300 = 302; w4: 1 + 300 = 301 */
    ck_assert_double_eq(pb_shard_weight(cfg, 0), 302);
    ck_assert_double_eq(pb_shard_weight(cfg, 3), 301);
    ck_assert_int_eq(pb_shard_split(cfg, 3, owner, &err), 0);
    ck_assert_int_eq(owner[0], 1);
    ck_assert_int_eq(owner[1], 2);
    ck_assert_int_eq(owner[2], 3);
    ck_assert_int_eq(owner[3], 1);
    pb_config_free(cfg);
    pb_diags_release(&d);
}
END_TEST

START_TEST(deterministic_whatever_the_order)
{
    struct pb_config *a = load(NULL,
        "  - {name: x, script: w.py}\n  - {name: y, script: w.py}\n"
        "  - {name: z, script: w.py}\n  - {name: t, script: w.py, runs: 2}\n");
    struct pb_config *b = load(NULL,
        "  - {name: t, script: w.py, runs: 2}\n  - {name: z, script: w.py}\n"
        "  - {name: y, script: w.py}\n  - {name: x, script: w.py}\n");
    struct pb_error err;
    int oa[4], ob[4], again[4];
    const char *names[] = { "x", "y", "z", "t" };

    ck_assert_int_eq(pb_shard_split(a, 3, oa, &err), 0);
    ck_assert_int_eq(pb_shard_split(a, 3, again, &err), 0);
    ck_assert_int_eq(pb_shard_split(b, 3, ob, &err), 0);
    for (int i = 0; i < 4; i++) {
        ck_assert_int_eq(oa[i], again[i]);
        ck_assert_int_eq(owner_of(a, oa, names[i]), owner_of(b, ob, names[i]));
    }
    /* equal weights go by name: t (twice as heavy) first, then x, y, z */
    ck_assert_int_eq(owner_of(a, oa, "t"), 1);
    ck_assert_int_eq(owner_of(a, oa, "x"), 2);
    ck_assert_int_eq(owner_of(a, oa, "y"), 3);
    ck_assert_int_eq(owner_of(a, oa, "z"), 2);
    pb_config_free(a);
    pb_config_free(b);
}
END_TEST

START_TEST(whole_groups_of_sizes_and_pythons)
{
    struct pb_config *cfg = load("pythons: [\"3.11\", \"3.12\"]\nvenvs: nowhere\n",
        "  - {name: s, script: w.py, args: [\"{size}\"], sizes: [1, 2, 3]}\n"
        "  - {name: a, script: w.py}\n"
        "  - {name: b, script: w.py}\n"
        "  - {name: c, script: w.py}\n");
    struct pb_error err;
    int owner[16];

    ck_assert_uint_eq(cfg->nworkloads, 12);     /* (3 sizes + 3) x 2 interpreters */
    ck_assert_int_eq(pb_shard_split(cfg, 3, owner, &err), 0);
    for (size_t i = 0; i < cfg->nworkloads; i++)
        for (size_t k = 0; k < cfg->nworkloads; k++)
            if (!strcmp(pb_shard_group(&cfg->workloads[i]), pb_shard_group(&cfg->workloads[k])))
                ck_assert_msg(owner[i] == owner[k], "%s in shard %d, %s in shard %d",
                              cfg->workloads[i].name, owner[i], cfg->workloads[k].name, owner[k]);
    ck_assert_str_eq(pb_shard_group(&cfg->workloads[0]), "s");
    /* s weighs 3 sizes x 2 interpreters: alone in shard 1 */
    ck_assert_int_eq(owner_of(cfg, owner, "s@2@py3.12"), 1);
    ck_assert_int_eq(owner_of(cfg, owner, "a@py3.11"), 2);
    ck_assert_int_eq(owner_of(cfg, owner, "b@py3.12"), 3);
    ck_assert_int_eq(owner_of(cfg, owner, "c@py3.11"), 2);
    pb_config_free(cfg);
}
END_TEST

START_TEST(more_shards_than_groups)
{
    struct pb_config *cfg = load(NULL,
        "  - {name: a, script: w.py, args: [\"{size}\"], sizes: [1, 2]}\n"
        "  - {name: b, script: w.py}\n");
    struct pb_error err;
    struct pb_plan plan;
    int owner[4], used[6] = { 0 };
    size_t least, most;

    ck_assert_int_eq(pb_shard_split(cfg, 5, owner, &err), 0);
    for (size_t i = 0; i < cfg->nworkloads; i++) {
        ck_assert(owner[i] >= 1 && owner[i] <= 2);
        used[owner[i]] = 1;
    }
    ck_assert(used[1] && used[2]);
    /* shard 4 of 5 runs nothing, and plans nothing */
    ck_assert_int_eq(pb_shard_apply(cfg, 4, 5, &err), 0);
    pb_plan_count(cfg, &least, &most);
    ck_assert_uint_eq(least, 0);
    ck_assert_int_eq(pb_plan_build(cfg, 1, &plan, &err), -1);
    ck_assert_int_eq(pb_shard_apply(cfg, 6, 5, &err), -1);
    pb_config_free(cfg);
}
END_TEST

START_TEST(a_shard_plans_its_own_pairs)
{
    struct pb_config *cfg = load(NULL,
        "  - {name: a, script: w.py, runs: 3}\n"
        "  - {name: b, script: w.py}\n");
    struct pb_error err;
    struct pb_plan plan;
    int whole_baseline;

    /* a's baseline runs as often as its longest pair, in its shard or not */
    cfg->profilers[1].runs = 5;
    whole_baseline = pb_plan_pair_runs(cfg, 0, 0);
    ck_assert_int_eq(whole_baseline, 5);
    ck_assert_int_eq(pb_shard_apply(cfg, 2, 2, &err), 0);
    ck_assert_int_eq(cfg->workloads[0].shard, 1);
    ck_assert_int_eq(cfg->workloads[1].shard, 2);
    ck_assert(!pb_plan_pair_in(cfg, 0, 1) && pb_plan_pair_in_matrix(cfg, 0, 1));
    ck_assert_int_eq(pb_plan_pair_runs(cfg, 0, 0), whole_baseline);
    ck_assert_int_eq(pb_plan_build(cfg, 7, &plan, &err), 0);
    ck_assert_uint_gt(plan.n, 0);
    for (size_t i = 0; i < plan.n; i++)
        ck_assert_str_eq(cfg->workloads[plan.entries[i].workload].name, "b");
    pb_plan_release(&plan);
    pb_config_free(cfg);
}
END_TEST

START_TEST(every_shard_has_the_matrix_hash)
{
    struct pb_config *cfg = load(NULL,
        "  - {name: a, script: w.py, runs: 3}\n"
        "  - {name: b, script: w.py}\n"
        "  - {name: c, script: w.py, args: [\"{size}\"], target: 0.5}\n");
    struct pb_resolved whole, r[3], back;
    struct pb_error err;
    char hash[17];

    ck_assert_int_eq(pb_resolved_from_config(cfg, 5, &whole, &err), 0);
    snprintf(hash, sizeof hash, "%s", whole.hash);
    for (int k = 0; k < 3; k++) {
        ck_assert_int_eq(pb_shard_apply(cfg, k + 1, 3, &err), 0);
        /* shard 3 (c's, the lightest) calibrates c: a count in its args */
        if (k == 2)
            ck_assert_int_eq(pb_config_set_count(cfg, 2, 40), 0);
        ck_assert_int_eq(pb_resolved_from_config(cfg, 5, &r[k], &err), 0);
        ck_assert_int_eq(pb_resolved_set_shard(&r[k], cfg, hash, &err), 0);
        ck_assert_str_eq(r[k].hash, hash);
        ck_assert_int_eq(r[k].shard.index, k + 1);
        ck_assert_uint_eq(r[k].nworkloads, 3);  /* the whole matrix */
        ck_assert_uint_eq(r[k].npairs, 6);
    }
    /* the file's own hash tells shard 3's counts apart */
    ck_assert_str_eq(r[0].shard.hash, r[1].shard.hash);
    ck_assert_str_ne(r[0].shard.hash, r[2].shard.hash);
    ck_assert_int_eq(pb_resolved_shard_of(&r[0], "c"), 3);
    ck_assert_int_eq(pb_resolved_shard_of(&r[0], "a"), 1);

    /* read back as written */
    ck_assert_int_eq(pb_resolved_save(dir, &r[2], &err), 0);
    ck_assert_msg(pb_resolved_load(dir, &back, &err) == 0, "%s", err.msg);
    ck_assert_str_eq(back.hash, hash);
    ck_assert_str_eq(back.shard.hash, r[2].shard.hash);
    ck_assert_int_eq(back.shard.index, 3);
    ck_assert_int_eq(back.shard.count, 3);
    ck_assert_uint_eq(back.shard.split[2].n, 1);
    ck_assert_str_eq(back.shard.split[2].v[0], "c");
    /* a shard's summary keeps its own */
    pb_resolved_keep_shard(&back);
    ck_assert_uint_eq(back.nworkloads, 1);
    ck_assert_uint_eq(back.npairs, 2);
    pb_resolved_release(&back);

    /* a shard record that contradicts itself is refused */
    char path[4096];
    json_error_t jerr;
    snprintf(path, sizeof path, "%s/config-resolved.json", dir);
    json_t *root = json_load_file(path, 0, &jerr);
    ck_assert_ptr_nonnull(root);
    json_object_set_new(json_object_get(root, "shard"), "workloads", json_pack("[s]", "b"));
    ck_assert_int_eq(json_dump_file(root, path, 0), 0);
    json_decref(root);
    ck_assert_int_eq(pb_resolved_load(dir, &back, &err), -1);
    ck_assert_msg(strstr(err.msg, "not the split's shard 3"), "%s", err.msg);

    for (int k = 0; k < 3; k++)
        pb_resolved_release(&r[k]);
    pb_resolved_release(&whole);
    pb_config_free(cfg);
}
END_TEST

START_TEST(cost_must_be_positive)
{
    const char *bad[] = { "0", "-2", "x", "\"3\"" };

    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char text[1024], path[4096];
        struct pb_diags d = { 0 };
        snprintf(text, sizeof text,
            "python: /bin/sh\nworkloads: [{name: a, script: w.py}]\n"
            "profilers:\n  - {name: plain, baseline: true, command: [x]}\n"
            "  - {name: p, cost: %s, command: [x]}\n", bad[i]);
        free(tu_write_file(dir, "bad.yaml", text));
        snprintf(path, sizeof path, "%s/bad.yaml", dir);
        ck_assert_ptr_null(pb_config_load(path, NULL, &d));
        ck_assert_msg(d.n && strstr(d.items[0].msg, "'cost' expects a positive number"), "%s: %s",
                      bad[i], d.n ? d.items[0].msg : "no error");
        ck_assert_int_eq(d.items[0].line, 5);
        pb_diags_release(&d);
    }
}
END_TEST

Suite *shard_suite(void)
{
    Suite *s = suite_create("shard");
    TCase *split = tcase_create("split"), *record = tcase_create("record");

    tcase_add_checked_fixture(split, setup, teardown);
    tcase_add_checked_fixture(record, setup, teardown);
    tcase_add_test(split, balanced_by_weight);
    tcase_add_test(split, deterministic_whatever_the_order);
    tcase_add_test(split, whole_groups_of_sizes_and_pythons);
    tcase_add_test(split, more_shards_than_groups);
    tcase_add_test(split, a_shard_plans_its_own_pairs);
    tcase_add_test(split, cost_must_be_positive);
    tcase_add_test(record, every_shard_has_the_matrix_hash);
    suite_add_tcase(s, split);
    suite_add_tcase(s, record);
    return s;
}
