/* config_targets: `target:` per workload and in defaults (one target, or a
 * list making one workload per target), what a defaults' target applies
 * to, the count put in once chosen, and every misuse as a located error. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/config.h"
#include "testutil.h"

#define SUITE_DIR "env/lib/python3.11/site-packages/pyperformance/data-files/benchmarks"

static char *dir;

/* Writes text to dir/rel, making the folders on the way. */
static void put(const char *rel, const char *text)
{
    char path[4096];

    snprintf(path, sizeof path, "%s/%s", dir, rel);
    for (char *s = strchr(path + strlen(dir) + 1, '/'); s; s = strchr(s + 1, '/')) {
        *s = '\0';
        mkdir(path, 0755);
        *s = '/';
    }
    free(tu_write_file(dir, rel, text));
}

/* dir/env: bin/python (a link to /bin/sh) and a pyperformance holding
 * the benchmark 'tree'. */
static void setup(void)
{
    char path[4096];

    dir = tu_mkdtemp();
    ck_assert_ptr_nonnull(dir);
    put("w.py", "print('hi')\n");
    put("env/bin/.keep", "");
    snprintf(path, sizeof path, "%s/env/bin/python", dir);
    ck_assert_int_eq(symlink("/bin/sh", path), 0);
    put(SUITE_DIR "/MANIFEST", "[benchmarks]\n\nname\tmetafile\ntree\t<local>\n");
    put(SUITE_DIR "/bm_tree/pyproject.toml", "[tool.pyperformance]\nextra_opts = [\"none\"]\n");
    put(SUITE_DIR "/bm_tree/run_benchmark.py", "import pyperf\n");
}

static void teardown(void)
{
    tu_rmtree(dir);
    free(dir);
}

static const char *profilers =
    "profilers:\n"
    "  - {name: plain, baseline: true, command: [\"{python}\", \"{script}\", \"{args}\"]}\n"
    "  - {name: other, command: [\"{python}\", \"{script}\", \"{args}\"]}\n";

static struct pb_config *load(const char *text, struct pb_diags *d)
{
    char *path = tu_write_file(dir, "c.yaml", text);
    struct pb_config *cfg;

    memset(d, 0, sizeof *d);
    cfg = pb_config_load(path, NULL, d);
    free(path);
    return cfg;
}

static void assert_diag(const struct pb_diags *d, int line, int col, const char *needle)
{
    for (size_t i = 0; i < d->n; i++)
        if (d->items[i].line == line && d->items[i].col == col && strstr(d->items[i].msg, needle))
            return;
    for (size_t i = 0; i < d->n; i++)
        fprintf(stderr, "  diag %s:%d:%d: %s\n", d->items[i].file, d->items[i].line,
                d->items[i].col, d->items[i].msg);
    ck_abort_msg("no diagnostic at %d:%d containing '%s'", line, col, needle);
}

static const struct pb_workload *find(const struct pb_config *cfg, const char *name)
{
    for (size_t i = 0; i < cfg->nworkloads; i++)
        if (!strcmp(cfg->workloads[i].name, name))
            return &cfg->workloads[i];
    ck_abort_msg("no workload '%s'", name);
    return NULL;
}

START_TEST(one_target_or_a_list)
{
    struct pb_diags d;
    char text[4096];

    snprintf(text, sizeof text, "python: env/bin/python\n"
             "workloads:\n"
             "  - {name: a, script: w.py, args: [\"--n={size}\", x], target: 1.5s}\n"
             "  - {name: b, script: w.py, args: [\"{size}\"], target: [10, 2m, 0.5s], skip: {other: x}}\n"
             "  - {name: c, pyperformance: tree, target: 3}\n"
             "  - {name: d, script: w.py}\n%s", profilers);
    struct pb_config *cfg = load(text, &d);
    ck_assert_msg(cfg != NULL, "first diag: %s", d.n ? d.items[0].msg : "");
    ck_assert_uint_eq(cfg->nworkloads, 6);
    const struct pb_workload *a = find(cfg, "a");
    ck_assert(a->target == 1.5);
    ck_assert_ptr_null(a->base);
    ck_assert_str_eq(a->args.v[0], "--n={size}");      /* chosen when a run starts */
    ck_assert_int_eq(a->target_loc.line, 3);
    ck_assert_int_eq(a->target_loc.col, 62);
    /* a list: one workload per target, named by its seconds */
    ck_assert(find(cfg, "b@10s")->target == 10);
    ck_assert(find(cfg, "b@120s")->target == 120);
    const struct pb_workload *b = find(cfg, "b@0.5s");
    ck_assert_str_eq(b->base, "b");
    ck_assert_str_eq(b->args.v[0], "{size}");
    /* each copy keeps what it was given: its skip: too */
    ck_assert_str_eq(pb_config_skipped(cfg, (size_t)(b - cfg->workloads), 1), "x");
    ck_assert_ptr_null(pb_config_skipped(cfg, (size_t)(a - cfg->workloads), 1));
    /* a pyperformance benchmark's loop count is what is chosen */
    const struct pb_workload *c = find(cfg, "c");
    ck_assert(c->target == 3);
    ck_assert_str_eq(c->args.v[6], "{size}");
    ck_assert(find(cfg, "d")->target == 0);

    /* the count goes in once chosen: into the args, and a list's size */
    struct pb_strv at;
    ck_assert_int_eq(pb_workload_args_at(a, 77, &at), 0);
    ck_assert_str_eq(at.v[0], "--n=77");
    ck_assert_str_eq(at.v[1], "x");
    pb_strv_release(&at);
    size_t ib = (size_t)(b - cfg->workloads);
    ck_assert_int_eq(pb_config_set_count(cfg, ib, 4242), 0);
    ck_assert_str_eq(cfg->workloads[ib].args.v[0], "4242");
    ck_assert(cfg->workloads[ib].size == 4242);
    ck_assert_int_eq(cfg->workloads[ib].count, 4242);
    ck_assert_int_eq(pb_config_set_count(cfg, ib, 0), -1);
    ck_assert_int_eq(pb_config_set_count(cfg, (size_t)(find(cfg, "d") - cfg->workloads), 5), -1);
    /* selecting the given name selects every target */
    const char *sel[] = { "b" };
    struct pb_error err;
    ck_assert_int_eq(pb_config_select(cfg, NULL, 0, sel, 1, &err), 0);
    ck_assert_int_eq(find(cfg, "b@10s")->selected + find(cfg, "b@120s")->selected, 2);
    ck_assert_int_eq(find(cfg, "a")->selected, 0);
    pb_config_free(cfg);
    pb_diags_release(&d);
}
END_TEST

START_TEST(defaults_target_goes_where_it_can)
{
    struct pb_diags d;
    char text[4096];

    /* an included workload gets it too; the defaults come after */
    put("inc.yaml", "workloads:\n  - {name: inc, pyperformance: tree}\n");
    snprintf(text, sizeof text, "include: [inc.yaml]\n"
             "pythons: [env/bin/python, /nowhere/3.13/bin/python]\n"
             "workloads:\n"
             "  - {name: looped, pyperformance: tree, loops: 3}\n"
             "  - {name: sized, pyperformance: tree, sizes: [1, 2]}\n"
             "  - {name: open, script: w.py, args: [\"{size}\"]}\n"
             "  - {name: fixed, script: w.py, args: [\"9\"]}\n"
             "  - {name: own, script: w.py, args: [\"{size}\"], target: 5s}\n"
             "defaults: {target: [10s, 20s], timeout: 60}\n%s", profilers);
    struct pb_config *cfg = load(text, &d);
    ck_assert_msg(cfg != NULL, "first diag: %s", d.n ? d.items[0].msg : "");
    /* inc and open at two targets, looped, sized x2, fixed, own: 9, on two interpreters */
    ck_assert_uint_eq(cfg->nworkloads, 18);
    const struct pb_workload *w = find(cfg, "inc@20s@py3.13");
    ck_assert(w->target == 20);
    ck_assert_str_eq(w->base, "inc");
    ck_assert_str_eq(w->given, "inc@20s");
    ck_assert_str_eq(find(cfg, "inc@10s@pyenv_bin_python")->args.v[6], "{size}");
    ck_assert_int_eq(find(cfg, "inc@10s@pyenv_bin_python")->target_loc.line, 9);
    ck_assert(find(cfg, "open@10s@py3.13")->target == 10);
    ck_assert(find(cfg, "looped@py3.13")->target == 0);
    ck_assert_str_eq(find(cfg, "looped@py3.13")->args.v[6], "3");
    ck_assert(find(cfg, "sized@2@py3.13")->target == 0);
    ck_assert(find(cfg, "fixed@py3.13")->target == 0);
    ck_assert(find(cfg, "own@py3.13")->target == 5);
    pb_config_free(cfg);
    pb_diags_release(&d);

    /* one defaults' target: the workloads keep their names */
    snprintf(text, sizeof text, "python: env/bin/python\n"
             "defaults: {target: 2m}\n"
             "workloads:\n  - {name: p, pyperformance: tree}\n%s", profilers);
    cfg = load(text, &d);
    ck_assert_msg(cfg != NULL, "first diag: %s", d.n ? d.items[0].msg : "");
    ck_assert_uint_eq(cfg->nworkloads, 1);
    ck_assert(find(cfg, "p")->target == 120);
    pb_config_free(cfg);
    pb_diags_release(&d);
}
END_TEST

START_TEST(misuse_is_located)
{
    struct pb_diags d;
    char text[4096];

    snprintf(text, sizeof text, "python: env/bin/python\n"
             "defaults: {timeout: 30}\n"
             "workloads:\n"
             "  - {name: a, script: w.py, args: [\"{size}\"], target: ten}\n"
             "  - {name: b, script: w.py, args: [\"{size}\"], target: -1s}\n"
             "  - {name: c, script: w.py, args: [\"{size}\"], target: [5s]}\n"
             "  - {name: e, script: w.py, args: [\"{size}\"], target: [10, 10s, 2d]}\n"
             "  - {name: f, script: w.py, args: [\"{size}\"], sizes: [1, 2], target: 1}\n"
             "  - {name: g, pyperformance: tree, loops: 2, target: 1}\n"
             "  - {name: h, script: w.py, args: [\"9\"], target: 1}\n"
             "  - {name: i, script: w.py, args: [\"{size}\"], target: [10s, 40s]}\n"
             "  - {name: j, script: w.py, args: [\"{size}\"], target: {s: 1}}\n"
             "  - {name: k, script: w.py, args: [\"{size}\"]}\n%s", profilers);
    struct pb_config *cfg = load(text, &d);
    ck_assert_ptr_null(cfg);
    assert_diag(&d, 4, 55, "'target' expects seconds such as 10s, 1.5s, 2m or 10, found 'ten'");
    assert_diag(&d, 5, 55, "'target' must be above 0 and at most a day, found '-1s'");
    assert_diag(&d, 6, 55, "a list of 'target' needs two to 16 targets");
    assert_diag(&d, 7, 60, "'target' lists 10s twice");
    assert_diag(&d, 7, 65, "found '2d'");
    assert_diag(&d, 8, 70, "'target' and 'sizes' both given");
    assert_diag(&d, 9, 54, "'target' and 'loops' both given");
    assert_diag(&d, 10, 50, "'target' needs '{size}' in the arguments of 'h'");
    assert_diag(&d, 11, 55, "'target' of 'i' (40 s) is not below the timeout of its plain runs (30 s)");
    assert_diag(&d, 12, 55, "'target' expects seconds (10s, 1.5s, 2m) or a list of them, found a mapping");
    assert_diag(&d, 13, 12, "'{size}' in the arguments of 'k' needs 'sizes:' or 'target:'");
    pb_diags_release(&d);

    snprintf(text, sizeof text, "python: env/bin/python\n"
             "defaults: {target: [1, x]}\n"
             "workloads: [{name: p, pyperformance: tree}]\n%s", profilers);
    cfg = load(text, &d);
    ck_assert_ptr_null(cfg);
    assert_diag(&d, 2, 24, "found 'x'");
    pb_diags_release(&d);
}
END_TEST

Suite *config_targets_suite(void)
{
    Suite *s = suite_create("config_targets");
    TCase *core = tcase_create("core");
    TCase *errors = tcase_create("errors");

    tcase_add_checked_fixture(core, setup, teardown);
    tcase_add_checked_fixture(errors, setup, teardown);
    tcase_add_test(core, one_target_or_a_list);
    tcase_add_test(core, defaults_target_goes_where_it_can);
    tcase_add_test(errors, misuse_is_located);
    suite_add_tcase(s, core);
    suite_add_tcase(s, errors);
    return s;
}
