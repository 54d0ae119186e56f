/* config: valid files load; every kind of error is reported with its exact
 * file:line:column; expansion of placeholders. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/config.h"
#include "core/template.h"
#include "testutil.h"

static char *dir;

static void setup(void)
{
    dir = tu_mkdtemp();
    ck_assert_ptr_nonnull(dir);
    free(tu_write_file(dir, "w.py", "print('hi')\n"));
    free(tu_write_file(dir, "w2.py", "print('hi')\n"));
}

static void teardown(void)
{
    tu_rmtree(dir);
    free(dir);
}

static const char *base_profilers =
    "profilers:\n"
    "  - name: plain\n"
    "    baseline: true\n"
    "    command: [\"{python}\", \"{script}\", \"{args}\"]\n"
    "  - name: cProfile\n"
    "    command: [\"{python}\", \"-m\", \"cProfile\", \"-o\", \"{outdir}/out.pstats\", \"{script}\", \"{args}\"]\n"
    "    outputs: [out.pstats]\n"
    "    runs: 2\n";

/* Loads text as dir/c.yaml; returns the config (or NULL) and the diags. */
static struct pb_config *load(const char *text, struct pb_diags *d)
{
    char *path = tu_write_file(dir, "c.yaml", text);
    struct pb_config *cfg;

    memset(d, 0, sizeof *d);
    cfg = pb_config_load(path, NULL, d);
    free(path);
    return cfg;
}

/* Asserts that some diagnostic is at line:col and contains needle. */
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

START_TEST(loads_valid_config)
{
    struct pb_diags d;
    char text[4096];
    snprintf(text, sizeof text,
             "name: tiny\n"
             "python: /bin/sh\n"
             "defaults: {runs: 3, warmup: 0, timeout: 10, seed: 7}\n"
             "workloads:\n"
             "  - name: a\n"
             "    script: w.py\n"
             "    args: [\"--size\", \"10\"]\n"
             "    hot: [f, C.g]\n"
             "    tags: [cpu]\n"
             "  - name: b\n"
             "    script: ./w2.py\n"
             "    timeout: 99\n"
             "%s", base_profilers);
    struct pb_config *cfg = load(text, &d);
    ck_assert_msg(cfg != NULL, "first diag: %s", d.n ? d.items[0].msg : "");
    ck_assert_str_eq(cfg->name, "tiny");
    ck_assert_str_eq(cfg->python, "/bin/sh");
    ck_assert_int_eq(cfg->runs, 3);
    ck_assert_int_eq(cfg->warmup, 0);
    ck_assert_int_eq(cfg->has_seed, 1);
    ck_assert_uint_eq(cfg->seed, 7);
    ck_assert_uint_eq(cfg->nworkloads, 2);
    ck_assert_uint_eq(cfg->nprofilers, 2);
    ck_assert_str_eq(cfg->profilers[cfg->baseline].name, "plain");
    ck_assert_uint_eq(cfg->workloads[0].args.n, 2);
    ck_assert_str_eq(cfg->workloads[0].hot.v[1], "C.g");
    ck_assert_ptr_nonnull(strstr(cfg->workloads[1].script, "/w2.py"));
    ck_assert_int_eq(cfg->workloads[1].script[0], '/');
    /* precedence: profiler > workload > defaults */
    ck_assert_int_eq(pb_config_runs(cfg, &cfg->workloads[0], &cfg->profilers[1]), 2);
    ck_assert_int_eq(pb_config_runs(cfg, &cfg->workloads[0], &cfg->profilers[0]), 3);
    ck_assert(pb_config_timeout(cfg, &cfg->workloads[1], &cfg->profilers[0]) == 99);
    ck_assert(pb_config_timeout(cfg, &cfg->workloads[0], &cfg->profilers[0]) == 10);
    pb_config_free(cfg);
    pb_diags_release(&d);
}
END_TEST

START_TEST(name_defaults_to_file_name)
{
    struct pb_diags d;
    char text[4096];
    snprintf(text, sizeof text, "python: /bin/sh\nworkloads: [{name: a, script: w.py}]\n%s",
             base_profilers);
    struct pb_config *cfg = load(text, &d);
    ck_assert_ptr_nonnull(cfg);
    ck_assert_str_eq(cfg->name, "c");
    pb_config_free(cfg);
    pb_diags_release(&d);
}
END_TEST

START_TEST(include_merges_definitions)
{
    struct pb_diags d;
    free(tu_write_file(dir, "profs.yaml", base_profilers));
    struct pb_config *cfg = load("include: [profs.yaml]\npython: /bin/sh\n"
                                 "workloads: [{name: a, script: w.py}]\n"
                                 "profilers:\n  - name: mine\n    command: [\"{python}\", \"{script}\"]\n", &d);
    ck_assert_msg(cfg != NULL, "first diag: %s", d.n ? d.items[0].msg : "");
    ck_assert_uint_eq(cfg->nprofilers, 3);
    ck_assert_str_eq(cfg->profilers[0].name, "plain");    /* included ones first */
    ck_assert_str_eq(cfg->profilers[2].name, "mine");
    ck_assert_str_eq(cfg->profilers[0].configdir, cfg->profilers[2].configdir);
    pb_config_free(cfg);
    pb_diags_release(&d);
}
END_TEST

START_TEST(select_narrows_and_keeps_baseline)
{
    struct pb_diags d;
    char text[4096];
    struct pb_error err;
    snprintf(text, sizeof text, "python: /bin/sh\n"
             "workloads: [{name: a, script: w.py}, {name: b, script: w.py}]\n"
             "select: {profilers: [cProfile], workloads: [b]}\n%s", base_profilers);
    struct pb_config *cfg = load(text, &d);
    ck_assert_ptr_nonnull(cfg);
    ck_assert_int_eq(cfg->profilers[0].selected, 1);      /* baseline */
    ck_assert_int_eq(cfg->profilers[1].selected, 1);
    ck_assert_int_eq(cfg->workloads[0].selected, 0);
    ck_assert_int_eq(cfg->workloads[1].selected, 1);
    const char *w[] = { "a" };
    ck_assert_int_eq(pb_config_select(cfg, NULL, 0, w, 1, &err), 0);
    ck_assert_int_eq(cfg->workloads[0].selected, 1);
    ck_assert_int_eq(cfg->workloads[1].selected, 0);
    const char *bad[] = { "nosuch" };
    ck_assert_int_eq(pb_config_select(cfg, bad, 1, NULL, 0, &err), -1);
    ck_assert_ptr_nonnull(strstr(err.msg, "no profiler named 'nosuch'"));
    pb_config_free(cfg);
    pb_diags_release(&d);
}
END_TEST

START_TEST(overrides_tune_shared_definitions)
{
    struct pb_diags d;
    free(tu_write_file(dir, "profs.yaml", base_profilers));
    struct pb_config *cfg = load("include: [profs.yaml]\npython: /bin/sh\n"
                                 "defaults: {runs: 5}\n"
                                 "workloads: [{name: a, script: w.py, timeout: 50}]\n"
                                 "overrides:\n"
                                 "  cProfile: {runs: 7, warmup: 0, timeout: 9}\n", &d);
    ck_assert_msg(cfg != NULL, "first diag: %s", d.n ? d.items[0].msg : "");
    ck_assert_int_eq(pb_config_runs(cfg, &cfg->workloads[0], &cfg->profilers[1]), 7);
    ck_assert_int_eq(pb_config_warmup(cfg, &cfg->workloads[0], &cfg->profilers[1]), 0);
    ck_assert(pb_config_timeout(cfg, &cfg->workloads[0], &cfg->profilers[1]) == 9);
    ck_assert(pb_config_timeout(cfg, &cfg->workloads[0], &cfg->profilers[0]) == 50);
    pb_config_free(cfg);
    pb_diags_release(&d);

    cfg = load("include: [profs.yaml]\npython: /bin/sh\n"
               "workloads: [{name: a, script: w.py}]\n"
               "overrides:\n"
               "  cprofile: {runs: 7}\n"
               "  plain: {rnus: 2}\n", &d);
    ck_assert_ptr_null(cfg);
    assert_diag(&d, 5, 3, "overrides: no profiler named 'cprofile'");
    assert_diag(&d, 6, 11, "unknown key 'rnus' in an override (did you mean 'runs'?)");
    pb_diags_release(&d);
}
END_TEST

START_TEST(sizes_make_one_workload_per_size)
{
    struct pb_diags d;
    char text[4096];
    struct pb_error err;
    snprintf(text, sizeof text, "python: /bin/sh\n"
             "workloads:\n"
             "  - {name: j, script: w.py, args: [\"--size={size}\", \"x\"], sizes: [100, 200, 400], hot: [f]}\n"
             "  - {name: k, script: w.py}\n%s", base_profilers);
    struct pb_config *cfg = load(text, &d);
    ck_assert_msg(cfg != NULL, "first diag: %s", d.n ? d.items[0].msg : "");
    ck_assert_uint_eq(cfg->nworkloads, 4);
    ck_assert_str_eq(cfg->workloads[0].name, "j@100");
    ck_assert_str_eq(cfg->workloads[2].name, "j@400");
    ck_assert_str_eq(cfg->workloads[2].args.v[0], "--size=400");
    ck_assert_str_eq(cfg->workloads[2].args.v[1], "x");
    ck_assert_str_eq(cfg->workloads[1].base, "j");
    ck_assert(cfg->workloads[1].size == 200);
    ck_assert_str_eq(cfg->workloads[1].hot.v[0], "f");
    ck_assert_ptr_null(cfg->workloads[3].base);
    /* selecting the base name selects every size */
    const char *sel[] = { "j" };
    ck_assert_int_eq(pb_config_select(cfg, NULL, 0, sel, 1, &err), 0);
    ck_assert_int_eq(cfg->workloads[0].selected + cfg->workloads[1].selected + cfg->workloads[2].selected, 3);
    ck_assert_int_eq(cfg->workloads[3].selected, 0);
    pb_config_free(cfg);
    pb_diags_release(&d);

    snprintf(text, sizeof text, "python: /bin/sh\n"
             "workloads:\n"
             "  - {name: j, script: w.py, args: [\"--size\", \"9\"], sizes: [1, 2]}\n"
             "  - {name: k, script: w.py, args: [\"{size}\"]}\n"
             "  - {name: m, script: w.py, args: [\"{size}\"], sizes: [1, -2, 3x]}\n%s", base_profilers);
    cfg = load(text, &d);
    ck_assert_ptr_null(cfg);
    assert_diag(&d, 3, 59, "'sizes' given but no argument of 'j' contains '{size}'");
    /* told once every file is read (the defaults' target: may give it a
     * size), at the workload's name */
    assert_diag(&d, 4, 12, "'{size}' in the arguments of 'k' needs 'sizes:' or 'target:'");
    assert_diag(&d, 5, 58, "each of 'sizes' must be a positive number, found '-2'");
    assert_diag(&d, 5, 62, "found '3x'");
    pb_diags_release(&d);
}
END_TEST

/* `size:` stands for "{size}"; a config including a workloads file sets
 * its own sizes, runs and timeouts by naming the workloads
 * (configs/workloads.yaml, included by all.yaml and quick.yaml). */
START_TEST(size_and_workloads_from_an_include)
{
    struct pb_diags d;
    char text[4096];
    free(tu_write_file(dir, "wls.yaml",
                       "workloads:\n"
                       "  - {name: a, script: w.py, args: [\"--size\", \"{size}\", \"-v\"], size: 590}\n"
                       "  - {name: b, script: w2.py, args: [\"--n={size}\"], size: 7, hot: [f]}\n"));
    snprintf(text, sizeof text, "include: [wls.yaml]\npython: /bin/sh\n"
             "workloads:\n"
             "  - {name: a, size: 25, runs: 4, timeout: 9}\n"
             "  - {name: c, script: w.py}\n%s", base_profilers);
    struct pb_config *cfg = load(text, &d);
    ck_assert_msg(cfg != NULL, "first diag: %s", d.n ? d.items[0].msg : "");
    ck_assert_uint_eq(cfg->nworkloads, 3);
    ck_assert_str_eq(cfg->workloads[0].name, "a");
    ck_assert_str_eq(cfg->workloads[0].args.v[1], "25");       /* the including config's */
    ck_assert_str_eq(cfg->workloads[0].args.v[2], "-v");
    ck_assert_int_eq(cfg->workloads[0].runs, 4);
    ck_assert(cfg->workloads[0].timeout == 9);
    ck_assert_str_eq(cfg->workloads[1].args.v[0], "--n=7");     /* the file's own */
    ck_assert_int_eq(cfg->workloads[1].runs, -1);
    ck_assert_str_eq(cfg->workloads[2].name, "c");
    pb_config_free(cfg);
    pb_diags_release(&d);

    /* only size, runs, warmup and timeout may be set by name; size needs
     * "{size}" and goes with neither sizes: nor target: */
    free(tu_write_file(dir, "wls2.yaml",
                       "workloads:\n"
                       "  - {name: s, script: w.py, args: [\"{size}\"], sizes: [1, 2]}\n"
                       "  - {name: f, script: w.py, args: [\"9\"], size: 3}\n"));
    snprintf(text, sizeof text, "include: [wls2.yaml]\npython: /bin/sh\n"
             "workloads:\n"
             "  - {name: f, size: 25, args: [x]}\n"
             "  - {name: g, script: w.py, args: [\"{size}\"], size: 2, sizes: [1, 2]}\n"
             "  - {name: h, script: w.py, args: [\"{size}\"], size: -1}\n%s", base_profilers);
    cfg = load(text, &d);
    ck_assert_ptr_null(cfg);
    assert_diag(&d, 4, 25, "'args' of workload 'f' is defined at");
    assert_diag(&d, 5, 53, "'size' is one fixed size for a script's '{size}'");
    assert_diag(&d, 6, 53, "'size' must be a positive number, found '-1'");
    int found = 0;
    for (size_t i = 0; i < d.n; i++)
        found |= strstr(d.items[i].file, "wls2.yaml") && strstr(d.items[i].msg, "'size' given but no "
                                                                "argument of 'f' contains '{size}'");
    ck_assert_msg(found, "no error for f's size without {size} in wls2.yaml");
    pb_diags_release(&d);
}
END_TEST

START_TEST(expands_placeholders)
{
    struct pb_diags d;
    char text[4096];
    struct pb_strv argv, args = { 0 }, hot = { 0 };
    struct pb_error err;
    snprintf(text, sizeof text, "python: /bin/sh\nworkloads: [{name: a, script: w.py}]\n%s"
             "  - name: x\n    command: [\"{bindir}/tool\", \"--hot={hot}\", \"{{literal}}\", \"{args}\", \"{workload}-{profiler}\"]\n"
             "    env: {OUT: \"{outdir}/f\"}\n", base_profilers);
    struct pb_config *cfg = load(text, &d);
    ck_assert_msg(cfg != NULL, "first diag: %s", d.n ? d.items[0].msg : "");
    pb_strv_push(&args, "--size");
    pb_strv_push(&args, "a b;$(rm -rf /)");
    pb_strv_push(&hot, "f");
    pb_strv_push(&hot, "C.g");
    struct pb_template_ctx ctx = { "/v/bin/python", "/v/bin", "/s.py", "/out", "wl", "x", "/cfg",
                                   "/pb", &args, &hot };
    ck_assert_int_eq(pb_template_expand_argv(&cfg->profilers[2].command, &ctx, &argv, &err), 0);
    ck_assert_uint_eq(argv.n, 6);
    ck_assert_str_eq(argv.v[0], "/v/bin/tool");
    ck_assert_str_eq(argv.v[1], "--hot=f,C.g");
    ck_assert_str_eq(argv.v[2], "{literal}");
    ck_assert_str_eq(argv.v[3], "--size");
    ck_assert_str_eq(argv.v[4], "a b;$(rm -rf /)");     /* verbatim, one item */
    ck_assert_str_eq(argv.v[5], "wl-x");
    ck_assert_ptr_null(argv.v[6]);
    char *env = pb_template_expand_string(cfg->profilers[2].env.v[0], &ctx, &err);
    ck_assert_str_eq(env, "OUT=/out/f");
    free(env);
    pb_strv_release(&argv);
    pb_strv_release(&args);
    pb_strv_release(&hot);
    pb_config_free(cfg);
    pb_diags_release(&d);
}
END_TEST

/* ---- errors, each at its exact line and column ---- */

START_TEST(unknown_key_with_suggestion)
{
    struct pb_diags d;
    struct pb_config *cfg = load(
        "python: /bin/sh\n"
        "workloads:\n"
        "  - name: a\n"
        "    script: w.py\n"
        "profilers:\n"
        "  - name: plain\n"
        "    baseline: true\n"
        "    comand: [x]\n", &d);
    ck_assert_ptr_null(cfg);
    assert_diag(&d, 8, 5, "unknown key 'comand' in a profiler (did you mean 'command'?)");
    assert_diag(&d, 6, 5, "profiler has no 'command'");
    ck_assert_ptr_nonnull(strstr(d.items[0].file, "c.yaml"));
    pb_diags_release(&d);
}
END_TEST

START_TEST(wrong_types_have_hints)
{
    struct pb_diags d;
    struct pb_config *cfg = load(
        "python: /bin/sh\n"
        "defaults:\n"
        "  runs: many\n"
        "  timeout: -3\n"
        "workloads: w.py\n"
        "profilers:\n"
        "  - name: plain\n"
        "    baseline: maybe\n"
        "    command: \"python x.py\"\n", &d);
    ck_assert_ptr_null(cfg);
    assert_diag(&d, 3, 9, "'runs' expects a whole number or 'auto', found 'many'");
    assert_diag(&d, 4, 12, "'timeout' must be above 0");
    assert_diag(&d, 5, 12, "'workloads' expects a list");
    assert_diag(&d, 5, 12, "check indentation");
    assert_diag(&d, 8, 15, "'baseline' expects true or false");
    assert_diag(&d, 9, 14, "'command' expects a list");
    pb_diags_release(&d);
}
END_TEST

START_TEST(every_error_is_reported)
{
    struct pb_diags d;
    char text[4096];
    snprintf(text, sizeof text,
             "python: /bin/sh\n"
             "workloads:\n"
             "  - name: a\n"
             "    script: missing.py\n"
             "  - name: a\n"
             "    script: w.py\n"
             "    runz: 3\n"
             "%s", base_profilers);
    struct pb_config *cfg = load(text, &d);
    ck_assert_ptr_null(cfg);
    ck_assert_uint_ge(d.n, 3);
    assert_diag(&d, 4, 13, "workload script 'missing.py' not found");
    assert_diag(&d, 5, 11, "duplicate workload name 'a' (first defined at ");
    assert_diag(&d, 7, 5, "unknown key 'runz' in a workload (did you mean 'runs'?)");
    pb_diags_release(&d);
}
END_TEST

START_TEST(unknown_placeholder_at_its_column)
{
    struct pb_diags d;
    struct pb_config *cfg = load(
        "python: /bin/sh\n"
        "workloads: [{name: a, script: w.py}]\n"
        "profilers:\n"
        "  - name: plain\n"
        "    baseline: true\n"
        "    command: [\"{python}\", \"-o\", \"{outdri}/x\", \"--a={args}\", \"{nonsense}\"]\n", &d);
    ck_assert_ptr_null(cfg);
    assert_diag(&d, 6, 34, "unknown placeholder '{outdri}' (did you mean '{outdir}'?)");
    assert_diag(&d, 6, 52, "'{args}' must be a list item of its own");
    assert_diag(&d, 6, 62, "unknown placeholder '{nonsense}' (known: ");
    pb_diags_release(&d);
}
END_TEST

START_TEST(yaml_syntax_error_located)
{
    struct pb_diags d;
    struct pb_config *cfg = load("python: /bin/sh\nworkloads: [a, b\nprofilers: []\n", &d);
    ck_assert_ptr_null(cfg);
    ck_assert_uint_eq(d.n, 1);
    ck_assert_ptr_nonnull(strstr(d.items[0].msg, "YAML syntax error"));
    ck_assert_int_eq(d.items[0].line, 3);
    ck_assert_int_gt(d.items[0].col, 0);
    pb_diags_release(&d);
}
END_TEST

START_TEST(duplicate_key_and_bad_names)
{
    struct pb_diags d;
    struct pb_config *cfg = load(
        "python: /bin/sh\n"
        "python: /bin/sh\n"
        "workloads: [{name: \"../evil\", script: w.py}]\n"
        "profilers: [{name: plain, baseline: true, command: [x]}]\n", &d);
    ck_assert_ptr_null(cfg);
    assert_diag(&d, 2, 1, "duplicate key 'python' in the config (first at line 1)");
    assert_diag(&d, 3, 20, "workload name '../evil' must be");
    pb_diags_release(&d);
}
END_TEST

START_TEST(baseline_required_and_unique)
{
    struct pb_diags d;
    struct pb_config *cfg = load(
        "python: /bin/sh\n"
        "workloads: [{name: a, script: w.py}]\n"
        "profilers: [{name: p, command: [x]}]\n", &d);
    ck_assert_ptr_null(cfg);
    assert_diag(&d, 1, 1, "no baseline profiler");
    pb_diags_release(&d);
    cfg = load("python: /bin/sh\n"
               "workloads: [{name: a, script: w.py}]\n"
               "profilers:\n"
               "  - {name: p, baseline: true, command: [x]}\n"
               "  - {name: q, baseline: true, command: [x]}\n", &d);
    ck_assert_ptr_null(cfg);
    assert_diag(&d, 5, 12, "second baseline profiler 'q'");
    pb_diags_release(&d);
}
END_TEST

START_TEST(include_errors)
{
    struct pb_diags d;
    struct pb_config *cfg = load("include: [nope.yaml]\npython: /bin/sh\n", &d);
    ck_assert_ptr_null(cfg);
    assert_diag(&d, 1, 11, "cannot include 'nope.yaml'");
    pb_diags_release(&d);

    /* a FIFO: refused at once, not read (which would block forever) */
    char fifo[4096];
    snprintf(fifo, sizeof fifo, "%s/fifo.yaml", dir);
    ck_assert_int_eq(mkfifo(fifo, 0600), 0);
    cfg = load("include: [fifo.yaml]\npython: /bin/sh\n", &d);
    ck_assert_ptr_null(cfg);
    assert_diag(&d, 1, 11, "cannot include 'fifo.yaml': not a regular file");
    pb_diags_release(&d);

    free(tu_write_file(dir, "loop.yaml", "include: [c.yaml]\n"));
    cfg = load("include: [loop.yaml]\npython: /bin/sh\n", &d);
    ck_assert_ptr_null(cfg);
    int found = 0;
    for (size_t i = 0; i < d.n; i++)
        if (strstr(d.items[i].msg, "include cycle") && strstr(d.items[i].file, "loop.yaml")
            && d.items[i].line == 1 && d.items[i].col == 11)
            found = 1;
    ck_assert_msg(found, "no include-cycle error located in loop.yaml:1:11");
    pb_diags_release(&d);

    /* a list with a bad item: the error, and nothing kept (the fuzzer
     * found the items before it leaking) */
    cfg = load("include: [profs.yaml, [x]]\npython: /bin/sh\n", &d);
    ck_assert_ptr_null(cfg);
    assert_diag(&d, 1, 23, "each item of 'include' must be a single value, found a list");
    pb_diags_release(&d);

    free(tu_write_file(dir, "inc.yaml", "python: /bin/sh\n"));
    cfg = load("include: [inc.yaml]\n", &d);
    ck_assert_ptr_null(cfg);
    ck_assert_ptr_nonnull(strstr(d.items[0].file, "inc.yaml"));
    ck_assert_ptr_nonnull(strstr(d.items[0].msg, "only allowed in the top-level config"));
    pb_diags_release(&d);
}
END_TEST

START_TEST(select_unknown_name)
{
    struct pb_diags d;
    char text[4096];
    snprintf(text, sizeof text, "python: /bin/sh\nworkloads: [{name: a, script: w.py}]\n"
             "select:\n  profilers: [cprofile]\n%s", base_profilers);
    struct pb_config *cfg = load(text, &d);
    ck_assert_ptr_null(cfg);
    assert_diag(&d, 4, 15, "select: no profiler named 'cprofile'");
    pb_diags_release(&d);
}
END_TEST

START_TEST(missing_interpreter)
{
    struct pb_diags d;
    char text[4096];
    snprintf(text, sizeof text, "python: ./no/such/python\nworkloads: [{name: a, script: w.py}]\n%s",
             base_profilers);
    struct pb_config *cfg = load(text, &d);
    ck_assert_ptr_null(cfg);
    assert_diag(&d, 1, 9, "python interpreter './no/such/python' not found");
    pb_diags_release(&d);

    /* a pythons: item that is not a single value: an error, not a crash
     * (the fuzzer's regress-pythons-item.yaml) */
    snprintf(text, sizeof text, "pythons: [\"3.11\", [x]]\nworkloads: [{name: a, script: w.py}]\n%s",
             base_profilers);
    cfg = load(text, &d);
    ck_assert_ptr_null(cfg);
    assert_diag(&d, 1, 19, "'pythons'");
    pb_diags_release(&d);
}
END_TEST

/* `reference:` is found beside the config, else among the shipped
 * configs, and stored absolute; one found nowhere is located. */
START_TEST(reference_beside_then_shipped)
{
    struct pb_diags d;
    char text[4096], *mine = tu_write_file(dir, "mine.yaml", "format: pbench-reference/1\n");
    const char *shipped = "/configs/reference/scalene-osdi23.yaml";

    snprintf(text, sizeof text, "reference: mine.yaml\npython: /bin/sh\n"
             "workloads: [{name: a, script: w.py}]\n%s", base_profilers);
    struct pb_config *cfg = load(text, &d);
    ck_assert_ptr_nonnull(cfg);
    char *real = realpath(mine, NULL);
    ck_assert_str_eq(cfg->reference, real);
    free(real);
    free(mine);
    pb_config_free(cfg);
    pb_diags_release(&d);

    snprintf(text, sizeof text, "reference: reference/scalene-osdi23.yaml\npython: /bin/sh\n"
             "workloads: [{name: a, script: w.py}]\n%s", base_profilers);
    cfg = load(text, &d);
    ck_assert_ptr_nonnull(cfg);
    ck_assert_msg(cfg->reference[0] == '/' && strlen(cfg->reference) > strlen(shipped)
                  && !strcmp(cfg->reference + strlen(cfg->reference) - strlen(shipped), shipped),
                  "reference %s", cfg->reference);
    pb_config_free(cfg);
    pb_diags_release(&d);

    snprintf(text, sizeof text, "python: /bin/sh\nreference: nope.yaml\n"
             "workloads: [{name: a, script: w.py}]\n%s", base_profilers);
    cfg = load(text, &d);
    ck_assert_ptr_null(cfg);
    assert_diag(&d, 2, 12, "reference 'nope.yaml' not found");
    pb_diags_release(&d);
}
END_TEST

START_TEST(empty_and_non_mapping_files)
{
    struct pb_diags d;
    struct pb_config *cfg = load("", &d);
    ck_assert_ptr_null(cfg);
    ck_assert_ptr_nonnull(strstr(d.items[0].msg, "empty"));
    pb_diags_release(&d);
    cfg = load("- a\n- b\n", &d);
    ck_assert_ptr_null(cfg);
    assert_diag(&d, 1, 1, "a config must be a mapping");
    pb_diags_release(&d);
    memset(&d, 0, sizeof d);
    cfg = pb_config_load("/nonexistent/x.yaml", NULL, &d);
    ck_assert_ptr_null(cfg);
    ck_assert_ptr_nonnull(strstr(d.items[0].msg, "cannot read config"));
    pb_diags_release(&d);
}
END_TEST

/* ---- pyperformance workloads (the finder itself: test_pyperformance.c) ---- */

#define SUITE_DIR "env/lib/python3.11/site-packages/pyperformance/data-files/benchmarks"

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

/* A fake environment dir/ENV with bin/python (a link to /bin/sh) and, when
 * suite is set, a pyperformance holding 'tree', its variant 'tree_io' and
 * 'tree_new' (Python >= 3.12). */
static void fake_env(const char *env, int suite)
{
    char path[4096];

    snprintf(path, sizeof path, "%s/bin/.keep", env);
    put(path, "");
    snprintf(path, sizeof path, "%s/%s/bin/python", dir, env);
    ck_assert_int_eq(symlink("/bin/sh", path), 0);
    if (!suite)
        return;
    put(SUITE_DIR "/MANIFEST", "[benchmarks]\n\nname\tmetafile\ntree\t<local>\n"
        "tree_io\t<local:tree>\ntree_new\t<local:tree>\n");
    put(SUITE_DIR "/bm_tree/pyproject.toml", "[tool.pyperformance]\nextra_opts = [\"none\"]\n");
    put(SUITE_DIR "/bm_tree/bm_tree_io.toml", "[tool.pyperformance]\nextra_opts = [\"io\", \"--tg\"]\n");
    put(SUITE_DIR "/bm_tree/bm_tree_new.toml", "[project]\nrequires-python = \">=3.12\"\n");
    put(SUITE_DIR "/bm_tree/run_benchmark.py", "import pyperf\n");
}

/* Asserts that w's args are the strings of want, NULL-terminated. */
static void assert_args(const struct pb_workload *w, const char *const *want)
{
    size_t n = 0;
    while (want[n])
        n++;
    ck_assert_msg(w->args.n == n, "%s: %zu args, expected %zu", w->name, w->args.n, n);
    for (size_t i = 0; i < n; i++)
        ck_assert_str_eq(w->args.v[i], want[i]);
}

START_TEST(pyperformance_workload_is_one_worker)
{
    struct pb_diags d;
    char text[4096];
    fake_env("env", 1);
    free(tu_write_file(dir, "wl.yaml",
        "workloads:\n"
        "  - {name: inc, pyperformance: tree}\n"));
    /* python: after the workloads, one of them in an include: the
     * benchmarks are found once every file is read */
    snprintf(text, sizeof text,
             "include: [wl.yaml]\n"
             "workloads:\n"
             "  - {name: t, pyperformance: tree_io, loops: 3, args: [\"--x\"], hot: [\"pkg.mod:Cls.m\"]}\n"
             "  - {name: s, pyperformance: tree, sizes: [10, 20]}\n"
             "python: env/bin/python\n"
             "%s", base_profilers);
    struct pb_config *cfg = load(text, &d);
    ck_assert_msg(cfg != NULL, "first diag: %s", d.n ? d.items[0].msg : "");
    ck_assert_uint_eq(cfg->nworkloads, 4);
    char want[4096];
    snprintf(want, sizeof want, "%s/" SUITE_DIR "/bm_tree/run_benchmark.py", dir);
    char *script = realpath(want, NULL);
    ck_assert_ptr_nonnull(script);
    /* the included one: one loop by default, the base's extra_opts */
    ck_assert_str_eq(cfg->workloads[0].name, "inc");
    ck_assert_str_eq(cfg->workloads[0].script, script);
    ck_assert_str_eq(cfg->workloads[0].pyperformance, "tree");
    assert_args(&cfg->workloads[0], (const char *[]){ "--worker", "-w", "0", "-n", "1", "-l", "1",
                                                      "none", NULL });
    /* loops, the variant's options, then the user's */
    ck_assert_str_eq(cfg->workloads[1].script, script);
    ck_assert_int_eq(cfg->workloads[1].loops, 3);
    assert_args(&cfg->workloads[1], (const char *[]){ "--worker", "-w", "0", "-n", "1", "-l", "3",
                                                      "io", "--tg", "--x", NULL });
    ck_assert_str_eq(cfg->workloads[1].hot.v[0], "pkg.mod:Cls.m");
    /* sizes are loop counts */
    ck_assert_str_eq(cfg->workloads[3].name, "s@20");
    ck_assert_str_eq(cfg->workloads[3].script, script);
    ck_assert_str_eq(cfg->workloads[3].pyperformance, "tree");
    assert_args(&cfg->workloads[3], (const char *[]){ "--worker", "-w", "0", "-n", "1", "-l", "20",
                                                      "none", NULL });
    free(script);
    pb_config_free(cfg);
    pb_diags_release(&d);
}
END_TEST

START_TEST(pyperformance_errors_located)
{
    struct pb_diags d;
    char text[4096];
    fake_env("env", 1);
    snprintf(text, sizeof text,
             "python: env/bin/python\n"
             "workloads:\n"
             "  - name: a\n"
             "    pyperformance: tre\n"
             "  - name: b\n"
             "    script: w.py\n"
             "    pyperformance: tree\n"
             "  - name: c\n"
             "    script: w.py\n"
             "    loops: 3\n"
             "  - name: d\n"
             "    pyperformance: tree\n"
             "    loops: 3\n"
             "    sizes: [1, 2]\n"
             "  - name: e\n"
             "    pyperformance: ../x\n"
             "  - name: f\n"
             "    pyperformance: tree_new\n"
             "  - name: g\n"
             "    args: [x]\n"
             "  - {name: h, pyperformance: tree, loops: 0}\n"
             "%s", base_profilers);
    struct pb_config *cfg = load(text, &d);
    ck_assert_ptr_null(cfg);
    assert_diag(&d, 4, 20, "no pyperformance benchmark 'tre' in ");
    assert_diag(&d, 4, 20, "(did you mean 'tree'?)");
    assert_diag(&d, 7, 20, "a workload runs a 'script' or a 'pyperformance' benchmark, not both");
    assert_diag(&d, 10, 12, "'loops' is for 'pyperformance' workloads");
    assert_diag(&d, 13, 12, "'loops' and 'sizes' both given");
    assert_diag(&d, 16, 20, "'../x' is not a pyperformance benchmark name");
    assert_diag(&d, 18, 20, "pyperformance benchmark 'tree_new' needs Python >=3.12");
    assert_diag(&d, 19, 5, "workload has no 'script' (or 'pyperformance: BENCHMARK')");
    assert_diag(&d, 21, 43, "'loops' must be between 1 and");
    pb_diags_release(&d);

    /* no pyperformance beside the interpreter: where it looked */
    fake_env("bare", 0);
    snprintf(text, sizeof text,
             "python: bare/bin/python\n"
             "workloads:\n"
             "  - {name: a, pyperformance: tree, sizes: [1, 2]}\n"
             "%s", base_profilers);
    cfg = load(text, &d);
    ck_assert_ptr_null(cfg);
    ck_assert_uint_eq(d.n, 1);      /* once for the workloads of its sizes */
    assert_diag(&d, 3, 30, "pyperformance is not installed beside '");
    assert_diag(&d, 3, 30, "bare/lib/python3*/site-packages/pyperformance/data-files/benchmarks/MANIFEST");
    pb_diags_release(&d);
}
END_TEST

START_TEST(hot_names_checked)
{
    struct pb_diags d;
    char text[4096];
    snprintf(text, sizeof text,
             "python: /bin/sh\n"
             "workloads:\n"
             "  - name: a\n"
             "    script: w.py\n"
             "    hot: [f, C.g, outer.<locals>.inner, pkg.mod:Cls.m, pprint.PrettyPrinter._safe_repr, _x9]\n"
             "%s", base_profilers);
    struct pb_config *cfg = load(text, &d);
    ck_assert_msg(cfg != NULL, "first diag: %s", d.n ? d.items[0].msg : "");
    ck_assert_uint_eq(cfg->workloads[0].hot.n, 6);
    pb_config_free(cfg);
    pb_diags_release(&d);

    snprintf(text, sizeof text,
             "python: /bin/sh\n"
             "workloads:\n"
             "  - name: a\n"
             "    script: w.py\n"
             "    hot:\n"
             "      - \"a::b\"\n"
             "      - \"mod:\"\n"
             "      - \":f\"\n"
             "      - \"f.\"\n"
             "      - \"a b\"\n"
             "      - \"mod:outer.<locals>.inner\"\n"
             "      - \"<locals>.f\"\n"
             "      - \"pkg..mod:f\"\n"
             "%s", base_profilers);
    cfg = load(text, &d);
    ck_assert_ptr_null(cfg);
    ck_assert_uint_eq(d.n, 8);
    assert_diag(&d, 6, 9, "hot function 'a::b': more than one ':'");
    assert_diag(&d, 7, 9, "hot function 'mod:': expected a name such as f, Cls.method or module:Cls.method");
    assert_diag(&d, 8, 9, "hot function ':f': the module before ':' must be a dotted name");
    assert_diag(&d, 9, 9, "hot function 'f.': expected a name");
    assert_diag(&d, 10, 9, "hot function 'a b': expected a name");
    assert_diag(&d, 11, 9, "can be named only in the script");
    assert_diag(&d, 12, 9, "hot function '<locals>.f': expected a name");
    assert_diag(&d, 13, 9, "hot function 'pkg..mod:f': the module before ':' must be a dotted name");
    pb_diags_release(&d);
}
END_TEST

START_TEST(outputs_may_require_bytes)
{
    struct pb_diags d;
    char text[4096];
    snprintf(text, sizeof text,
             "python: /bin/sh\n"
             "workloads: [{name: a, script: w.py}]\n"
             "%s"
             "  - name: s\n"
             "    command: [x]\n"
             "    outputs: [a.txt, {file: s.json, min_bytes: 64}, {file: c.txt}]\n", base_profilers);
    struct pb_config *cfg = load(text, &d);
    ck_assert_msg(cfg != NULL, "first diag: %s", d.n ? d.items[0].msg : "");
    const struct pb_profiler *p = &cfg->profilers[2];
    ck_assert_uint_eq(p->outputs.n, 3);
    ck_assert_str_eq(p->outputs.v[1], "s.json");
    ck_assert_int_eq(p->output_min[0], 0);
    ck_assert_int_eq(p->output_min[1], 64);
    ck_assert_int_eq(p->output_min[2], 0);
    pb_config_free(cfg);
    pb_diags_release(&d);

    snprintf(text, sizeof text,
             "python: /bin/sh\n"
             "workloads: [{name: a, script: w.py}]\n"
             "%s"
             "  - name: s\n"
             "    command: [x]\n"
             "    outputs:\n"
             "      - {min_bytes: 3}\n"
             "      - {file: x.json, min_byte: 3}\n"
             "      - {file: y.json, min_bytes: -1}\n"
             "      - [z.json]\n"
             "      - {file: /etc/passwd, min_bytes: 1}\n"
             "      - {file: w.json, min_bytes: many}\n", base_profilers);
    cfg = load(text, &d);
    ck_assert_ptr_null(cfg);
    assert_diag(&d, 14, 9, "output has no 'file' (write {file: NAME, min_bytes: N})");
    assert_diag(&d, 15, 24, "unknown key 'min_byte' in an output (did you mean 'min_bytes'?)");
    assert_diag(&d, 16, 35, "'min_bytes' must be between 0 and");
    assert_diag(&d, 17, 9, "each output must be a file name or {file: NAME, min_bytes: N}, found a list");
    assert_diag(&d, 18, 9, "'/etc/passwd' must be a relative path without '..'");
    assert_diag(&d, 19, 35, "'min_bytes' expects a whole number");
    pb_diags_release(&d);
}
END_TEST

/* skip: a list (no reasons) or a mapping to the reasons; the workloads
 * made by sizes: and by pythons: inherit it; pb_config_skipped says which
 * pairs and why. */
START_TEST(skip_leaves_profilers_out)
{
    struct pb_diags d;
    char text[4096];
    snprintf(text, sizeof text,
             "python: /bin/sh\n"
             "workloads:\n"
             "  - {name: a, script: w.py, skip: [cProfile]}\n"
             "  - {name: b, script: w.py, skip: {cProfile: \"the work is in C\"}}\n"
             "  - {name: c, script: w.py, skip: {cProfile: }}\n"
             "  - {name: s, script: w.py, args: [\"{size}\"], sizes: [1, 2], skip: [cProfile]}\n"
             "  - {name: d, script: w.py, skip: []}\n"
             "%s", base_profilers);
    struct pb_config *cfg = load(text, &d);
    ck_assert_msg(cfg != NULL, "%s", d.n ? d.items[0].msg : "");
    ck_assert_uint_eq(cfg->nworkloads, 6);
    ck_assert_str_eq(pb_config_skipped(cfg, 0, 1), "");
    ck_assert_str_eq(pb_config_skipped(cfg, 1, 1), "the work is in C");
    ck_assert_str_eq(pb_config_skipped(cfg, 2, 1), "");
    ck_assert_str_eq(cfg->workloads[3].name, "s@1");
    ck_assert_str_eq(pb_config_skipped(cfg, 3, 1), "");
    ck_assert_str_eq(pb_config_skipped(cfg, 4, 1), "");
    ck_assert_ptr_null(pb_config_skipped(cfg, 5, 1));
    for (size_t w = 0; w < cfg->nworkloads; w++)
        ck_assert_ptr_null(pb_config_skipped(cfg, w, 0));       /* the baseline */
    pb_config_free(cfg);
    pb_diags_release(&d);

    /* one workload per interpreter (and size) keeps the list and reasons */
    snprintf(text, sizeof text,
             "pythons: [\"3.11\", \"3.12\"]\n"
             "venvs: nowhere\n"
             "workloads:\n"
             "  - {name: a, script: w.py, skip: {cProfile: why}}\n"
             "  - {name: s, script: w.py, args: [\"{size}\"], sizes: [1, 2], skip: [cProfile]}\n"
             "  - {name: e, script: w.py}\n"
             "%s", base_profilers);
    cfg = load(text, &d);
    ck_assert_msg(cfg != NULL, "%s", d.n ? d.items[0].msg : "");
    ck_assert_uint_eq(cfg->nworkloads, 8);
    for (size_t w = 0; w < cfg->nworkloads; w++) {
        const char *why = pb_config_skipped(cfg, w, 1);
        if (!strcmp(cfg->workloads[w].given, "e"))
            ck_assert_ptr_null(why);
        else
            ck_assert_msg(why && !strcmp(why, strcmp(cfg->workloads[w].given, "a") ? "" : "why"),
                          "%s: %s", cfg->workloads[w].name, why ? why : "(not skipped)");
    }
    pb_config_free(cfg);
    pb_diags_release(&d);
}
END_TEST

/* skip: names a defined profiler other than the baseline (checked once
 * every file is read, with a suggestion), once each, as a list of names
 * or a mapping to text. */
START_TEST(skip_errors_located)
{
    struct pb_diags d;
    char text[4096];
    snprintf(text, sizeof text,
             "python: /bin/sh\n"
             "workloads:\n"
             "  - {name: a, script: w.py, skip: [cprofile, plain]}\n"
             "  - {name: s, script: w.py, args: [\"{size}\"], sizes: [1, 2], skip: {nosuch: x}}\n"
             "  - {name: t, script: w.py, skip: [cProfile, cProfile]}\n"
             "  - {name: u, script: w.py, skip: cProfile}\n"
             "  - {name: v, script: w.py, skip: {cProfile: [a]}}\n"
             "  - {name: x, script: w.py, skip: [[cProfile]]}\n"
             "%s", base_profilers);
    struct pb_config *cfg = load(text, &d);
    ck_assert_ptr_null(cfg);
    assert_diag(&d, 3, 36, "skip: no profiler named 'cprofile' (did you mean 'cProfile'?)");
    assert_diag(&d, 3, 46, "skip: 'plain' is the baseline, which cannot be skipped");
    assert_diag(&d, 4, 69, "skip: no profiler named 'nosuch'");
    assert_diag(&d, 5, 46, "profiler 'cProfile' is listed twice in 'skip'");
    assert_diag(&d, 6, 35, "'skip' expects a list of profiler names");
    assert_diag(&d, 7, 46, "the reason for skipping 'cProfile' must be text, found a list");
    assert_diag(&d, 8, 36, "each item of 'skip' must be a profiler name, found a list");
    size_t n = 0;
    for (size_t i = 0; i < d.n; i++)
        if (strstr(d.items[i].msg, "'nosuch'")) {
            ck_assert_ptr_null(strstr(d.items[i].msg, "did you mean"));   /* nothing close */
            n++;
        }
    ck_assert_uint_eq(n, 1);                    /* once for both sizes */
    pb_diags_release(&d);
}
END_TEST

START_TEST(deep_nesting_is_rejected_not_recursed)
{
    struct pb_diags d;
    size_t depth = 20000;
    char *text = malloc(depth * 2 + 64);
    size_t n = (size_t)sprintf(text, "workloads: ");
    for (size_t i = 0; i < depth; i++)
        text[n++] = '[';
    for (size_t i = 0; i < depth; i++)
        text[n++] = ']';
    text[n++] = '\n';
    text[n] = '\0';
    struct pb_config *cfg = load(text, &d);
    ck_assert_ptr_null(cfg);
    ck_assert_uint_ge(d.n, 1);
    pb_diags_release(&d);
    free(text);
}
END_TEST

Suite *config_suite(void)
{
    Suite *s = suite_create("config");
    TCase *core = tcase_create("core");
    TCase *errors = tcase_create("errors");
    TCase *limits = tcase_create("limits");

    tcase_add_checked_fixture(core, setup, teardown);
    tcase_add_checked_fixture(errors, setup, teardown);
    tcase_add_checked_fixture(limits, setup, teardown);
    tcase_add_test(core, loads_valid_config);
    tcase_add_test(core, name_defaults_to_file_name);
    tcase_add_test(core, include_merges_definitions);
    tcase_add_test(core, select_narrows_and_keeps_baseline);
    tcase_add_test(core, expands_placeholders);
    tcase_add_test(core, overrides_tune_shared_definitions);
    tcase_add_test(core, sizes_make_one_workload_per_size);
    tcase_add_test(core, pyperformance_workload_is_one_worker);
    tcase_add_test(core, outputs_may_require_bytes);
    tcase_add_test(core, skip_leaves_profilers_out);
    tcase_add_test(errors, unknown_key_with_suggestion);
    tcase_add_test(errors, wrong_types_have_hints);
    tcase_add_test(errors, every_error_is_reported);
    tcase_add_test(errors, unknown_placeholder_at_its_column);
    tcase_add_test(errors, yaml_syntax_error_located);
    tcase_add_test(errors, duplicate_key_and_bad_names);
    tcase_add_test(errors, baseline_required_and_unique);
    tcase_add_test(errors, include_errors);
    tcase_add_test(core, size_and_workloads_from_an_include);
    tcase_add_test(errors, select_unknown_name);
    tcase_add_test(errors, missing_interpreter);
    tcase_add_test(errors, reference_beside_then_shipped);
    tcase_add_test(errors, empty_and_non_mapping_files);
    tcase_add_test(errors, pyperformance_errors_located);
    tcase_add_test(errors, hot_names_checked);
    tcase_add_test(errors, skip_errors_located);
    tcase_add_test(limits, deep_nesting_is_rejected_not_recursed);
    suite_add_tcase(s, core);
    suite_add_tcase(s, errors);
    suite_add_tcase(s, limits);
    return s;
}
