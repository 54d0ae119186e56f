/* The Python-version axis end to end: `pythons:` with two real
 * interpreters of the machine's pyenv and one that does not exist, plain
 * and cProfile and a profiler whose package is not installed. Every ratio
 * is against the same interpreter's baseline; what cannot run is reported
 * with its reason and the rest runs. */
#include <check.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/config.h"
#include "testutil.h"

#define PY311 "/root/.pyenv/versions/3.11.7/bin/python3"
#define PY312 "/root/.pyenv/versions/3.12.1/bin/python3"

static char *dir;

static void setup(void)
{
    dir = tu_mkdtemp();
    free(tu_write_file(dir, "w.py", "def f(n):\n    return sum(i * i for i in range(n))\n"
                                    "for _ in range(10):\n    f(20000)\n"));
}

static void teardown(void)
{
    tu_rmtree(dir);
    free(dir);
}

static const char *config =
    "name: axis\n"
    "pythons: [" PY311 ", " PY312 ", \"3.99\"]\n"
    "venvs: no-venvs\n"
    "defaults: {runs: 2, warmup: 0}\n"
    "workloads: [{name: w, script: w.py}]\n"
    "profilers:\n"
    "  - {name: plain, baseline: true, command: [\"{python}\", \"{script}\"]}\n"
    "  - {name: cprof, command: [\"{python}\", -m, cProfile, -o, \"{outdir}/p.pstats\", \"{script}\"],\n"
    "     outputs: [p.pstats]}\n"
    "  - {name: ghost, package: pbench-no-such-package, command: [\"{python}\", \"{script}\"]}\n"
    "  - {name: only311, python_versions: [\"3.11\"], command: [\"{python}\", \"{script}\"]}\n";

static json_t *pair(json_t *sum, const char *p, const char *py)
{
    size_t i;
    json_t *x;
    json_array_foreach(json_object_get(sum, "pairs"), i, x)
        if (!strcmp(json_string_value(json_object_get(x, "profiler")), p)
            && !strcmp(json_string_value(json_object_get(x, "python")), py))
            return x;
    ck_abort_msg("no pair %s on %s", p, py);
    return NULL;
}

START_TEST(two_interpreters_and_a_missing_one)
{
    char res[4096], path[8192], *out = NULL;

    if (access(PY311, X_OK) != 0 || access(PY312, X_OK) != 0)
        tu_skip("pyenv's 3.11.7 and 3.12.1 are not on this machine");
    char *cfg = tu_write_file(dir, "axis.yaml", config);
    snprintf(res, sizeof res, "%s/results", dir);
    char *argv[] = { PB_BINARY, "run", cfg, "-o", res, "--no-plot", NULL };
    int rc = tu_run(argv, &out);
    ck_assert_msg(rc == 0, "pbench run exited %d:\n%s", rc, out);
    ck_assert_ptr_nonnull(strstr(out, "1 workloads x 4 profilers x 3 interpreters"));
    ck_assert_ptr_nonnull(strstr(out, "cprof (3.12.1)"));
    free(out);
    char *rd = tu_only_subdir(res);
    ck_assert_ptr_nonnull(rd);
    snprintf(path, sizeof path, "%s/summary.json", rd);
    json_error_t jerr;
    json_t *sum = json_load_file(path, 0, &jerr);
    ck_assert_ptr_nonnull(sum);

    /* each interpreter's cProfile against its own baseline */
    for (int k = 0; k < 2; k++) {
        const char *py = k ? "3.12.1" : "3.11.7";
        json_t *c = pair(sum, "cprof", py);
        ck_assert_str_eq(json_string_value(json_object_get(c, "status")), "ok");
        ck_assert_str_eq(json_string_value(json_object_get(c, "workload")), "w");
        ck_assert_int_eq(json_integer_value(json_object_get(c, "runs")), 2);
        double v = json_number_value(json_object_get(json_object_get(c, "wall_ratio"), "value"));
        ck_assert_msg(v > 1.1, "cProfile on %s costs %gx", py, v);
        json_t *b = pair(sum, "plain", py);
        ck_assert(json_number_value(json_object_get(json_object_get(b, "wall_ratio"), "value")) == 1.0);
        /* the package is not there: not run, and why */
        json_t *g = pair(sum, "ghost", py);
        ck_assert_str_eq(json_string_value(json_object_get(g, "status")), "not_run");
        char want[128];
        snprintf(want, sizeof want, "unavailable: pbench-no-such-package is not installed for %s", py);
        ck_assert_ptr_nonnull(strstr(json_string_value(json_object_get(g, "failure_reason")), want));
    }
    /* python_versions: runs on 3.11 only */
    ck_assert_str_eq(json_string_value(json_object_get(pair(sum, "only311", "3.11.7"), "status")), "ok");
    json_t *o = pair(sum, "only311", "3.12.1");
    ck_assert_str_eq(json_string_value(json_object_get(o, "status")), "not_run");
    ck_assert_ptr_nonnull(strstr(json_string_value(json_object_get(o, "failure_reason")),
                                 "does not support Python 3.12.1"));
    /* the interpreter that is not there: every pair not run, with the reason */
    json_t *m = pair(sum, "cprof", "3.99");
    ck_assert_str_eq(json_string_value(json_object_get(m, "status")), "not_run");
    ck_assert_ptr_nonnull(strstr(json_string_value(json_object_get(m, "failure_reason")),
                                 "no-venvs/3.99/bin/python"));
    /* a mean per profiler and interpreter */
    size_t i, n = 0;
    json_t *x;
    json_array_foreach(json_object_get(sum, "profilers"), i, x)
        n += !strcmp(json_string_value(json_object_get(x, "name")), "cprof");
    ck_assert_uint_eq(n, 3);
    json_decref(sum);

    /* the records say which interpreter ran them; nothing ran on 3.99 or for ghost */
    snprintf(path, sizeof path, "%s/runs.jsonl", rd);
    char *log = tu_read_file(path);
    ck_assert_ptr_nonnull(strstr(log, "\"python\":\"3.12.1\""));
    ck_assert_ptr_null(strstr(log, "\"python\":\"3.99\""));
    ck_assert_ptr_null(strstr(log, "\"profiler\":\"ghost\""));
    ck_assert_ptr_nonnull(strstr(log, PY312));
    free(log);
    /* meta.json lists the interpreters as probed */
    snprintf(path, sizeof path, "%s/meta.json", rd);
    char *meta = tu_read_file(path);
    ck_assert_ptr_nonnull(strstr(meta, "\"version\": \"3.12.1\""));
    ck_assert_ptr_nonnull(strstr(meta, "\"available\": false"));
    free(meta);

    /* the report shows the overhead by Python version, charted */
    char *pargv[] = { PB_BINARY, "report", rd, NULL };
    rc = tu_run(pargv, &out);
    ck_assert_msg(rc == 0, "report exited %d:\n%s", rc, out);
    free(out);
    snprintf(path, sizeof path, "%s/report.md", rd);
    char *md = tu_read_file(path);
    ck_assert_ptr_nonnull(md);
    ck_assert_ptr_nonnull(strstr(md, "(plots/overhead-by-python.png)"));
    ck_assert_ptr_nonnull(strstr(md, "cprof (3.12.1)"));
    free(md);
    snprintf(path, sizeof path, "%s/plots/overhead-by-python.dat", rd);
    char *dat = tu_read_file(path);
    ck_assert_ptr_nonnull(dat);
    ck_assert_ptr_nonnull(strstr(dat, "cprof on 3.11.7"));
    ck_assert_ptr_nonnull(strstr(dat, "cprof on 3.12.1"));
    free(dat);

    /* resumed, the matrix is complete: nothing runs again, what could not
     * run stays so (decided by the start, not probed anew) */
    char *rargv[] = { PB_BINARY, "run", "--resume", rd, "--no-plot", NULL };
    rc = tu_run(rargv, &out);
    ck_assert_msg(rc == 0, "resume exited %d:\n%s", rc, out);
    ck_assert_ptr_nonnull(strstr(out, "0 runs (0 ok, 0 not ok)"));
    ck_assert_ptr_nonnull(strstr(out, "does not support Python 3.12.1"));
    free(out);
    free(rd);
    free(cfg);
}
END_TEST

/* The config side: labels, where versions are looked for, and errors. */
START_TEST(pythons_in_the_config)
{
    struct pb_diags d = { 0 };
    char *p = tu_write_file(dir, "c.yaml",
        "pythons: [\"3.12\", /opt/x/versions/3.13.0/bin/python3, python3.11]\n"
        "venvs: envs\n"
        "workloads: [{name: w, script: w.py}, {name: v, script: w.py}]\n"
        "profilers: [{name: plain, baseline: true, command: [\"{python}\", \"{script}\"]}]\n");
    struct pb_config *cfg = pb_config_load(p, NULL, &d);
    ck_assert_msg(cfg != NULL, "%s", d.n ? d.items[0].msg : "");
    ck_assert(cfg->axis);
    ck_assert_uint_eq(cfg->ninterps, 3);
    ck_assert_str_eq(cfg->interps[0].label, "3.12");
    ck_assert_ptr_nonnull(strstr(cfg->interps[0].python, "/envs/3.12/bin/python"));
    ck_assert_str_eq(cfg->interps[1].label, "3.13.0");
    ck_assert_str_eq(cfg->interps[1].python, "/opt/x/versions/3.13.0/bin/python3");
    ck_assert_str_eq(cfg->interps[2].label, "python3.11");
    ck_assert_str_eq(cfg->interps[2].python, "python3.11");
    /* one workload per interpreter, each answering to its given name */
    ck_assert_uint_eq(cfg->nworkloads, 6);
    ck_assert_str_eq(cfg->workloads[1].name, "w@py3.13.0");
    ck_assert_str_eq(cfg->workloads[1].given, "w");
    ck_assert_uint_eq(cfg->workloads[1].interp, 1);
    struct pb_error err;
    const char *only[] = { "v" };
    ck_assert_int_eq(pb_config_select(cfg, NULL, 0, only, 1, &err), 0);
    for (size_t i = 0; i < cfg->nworkloads; i++)
        ck_assert_int_eq(cfg->workloads[i].selected, !strcmp(cfg->workloads[i].given, "v"));
    pb_config_free(cfg);
    free(p);

    static const char *const bad[][2] = {
        { "python: /bin/sh\npythons: [\"3.12\"]\n", "either 'python:'" },
        { "pythons: []\n", "lists no interpreter" },
        { "pythons: [\"3.12\", \"3.12\"]\n", "listed twice" },
        { "pythons: [/a/3.12/bin/python, /b/3.12/bin/python]\n", "both called '3.12'" },
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char text[1024];
        snprintf(text, sizeof text, "%sworkloads: [{name: w, script: w.py}]\n"
                 "profilers: [{name: plain, baseline: true, command: [\"{python}\"]}]\n", bad[i][0]);
        p = tu_write_file(dir, "b.yaml", text);
        cfg = pb_config_load(p, NULL, &d);
        ck_assert_msg(cfg == NULL, "case %zu loaded", i);
        int found = 0;
        for (size_t k = 0; k < d.n; k++)
            found |= strstr(d.items[k].msg, bad[i][1]) != NULL && d.items[k].line > 0;
        ck_assert_msg(found, "case %zu: no located '%s' (first: %s)", i, bad[i][1], d.items[0].msg);
        pb_diags_release(&d);
        free(p);
    }
}
END_TEST

Suite *pythons_suite(void)
{
    Suite *s = suite_create("pythons");
    TCase *tc = tcase_create("core");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, two_interpreters_and_a_missing_one);
    tcase_add_test(tc, pythons_in_the_config);
    suite_add_tcase(s, tc);
    return s;
}
