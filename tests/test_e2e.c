/* End to end: the real pbench binary on tiny workloads with the real
 * interpreter: the files it writes, the figures in them, and how it
 * reports profilers that are missing, crash or hang. */
#include <check.h>
#include <dirent.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "testutil.h"

static char *dir;

static const char *calls_py =
    "import argparse\n"
    "def leaf(x):\n"
    "    return x + 1\n"
    "def fib(n):\n"
    "    return n if n < 2 else fib(n - 1) + fib(n - 2)\n"
    "def main():\n"
    "    ap = argparse.ArgumentParser()\n"
    "    ap.add_argument('--size', type=int, default=18)\n"
    "    a = ap.parse_args()\n"
    "    t = 0\n"
    "    for i in range(a.size * 2000):\n"
    "        t = leaf(t)\n"
    "    print(fib(a.size), t)\n"
    "if __name__ == '__main__':\n"
    "    main()\n";

static void setup(void)
{
    char text[4096];

    dir = tu_mkdtemp();
    ck_assert_ptr_nonnull(dir);
    free(tu_write_file(dir, "calls.py", calls_py));
    snprintf(text, sizeof text,
        "name: e2e\n"
        "python: %s\n"
        "defaults: {runs: 3, warmup: 0, timeout: 60, seed: 11}\n"
        "workloads:\n"
        "  - name: calls\n"
        "    script: calls.py\n"
        "    args: [\"--size\", \"18\"]\n"
        "profilers:\n"
        "  - name: plain\n"
        "    baseline: true\n"
        "    command: [\"{python}\", \"{script}\", \"{args}\"]\n"
        "  - name: cProfile\n"
        "    command: [\"{python}\", \"-m\", \"cProfile\", \"-o\", \"{outdir}/cprofile.pstats\", \"{script}\", \"{args}\"]\n"
        "    outputs: [cprofile.pstats]\n"
        "  - name: missing\n"
        "    command: [\"{bindir}/no-such-profiler\", \"{script}\"]\n"
        "  - name: crashes\n"
        "    command: [\"{python}\", \"-c\", \"import os, signal; os.kill(os.getpid(), signal.SIGSEGV)\"]\n"
        "  - name: hangs\n"
        "    timeout: 1\n"
        "    command: [\"{python}\", \"-c\", \"import time; time.sleep(60)\"]\n"
        "  - name: nooutput\n"
        "    command: [\"{python}\", \"{script}\", \"{args}\"]\n"
        "    outputs: [never-written.txt]\n",
        tu_python());
    free(tu_write_file(dir, "e2e.yaml", text));
}

static void teardown(void)
{
    tu_rmtree(dir);
    free(dir);
}

/* The single results directory under dir/results. Caller frees. */
static char *results_dir(void)
{
    char base[4096], *found = NULL;
    snprintf(base, sizeof base, "%s/results", dir);
    DIR *d = opendir(base);
    ck_assert_ptr_nonnull(d);
    struct dirent *e;
    int n = 0;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        n++;
        free(found);
        found = malloc(strlen(base) + strlen(e->d_name) + 2);
        sprintf(found, "%s/%s", base, e->d_name);
    }
    closedir(d);
    ck_assert_int_eq(n, 1);
    return found;
}

static json_t *pair(json_t *sum, const char *w, const char *p)
{
    size_t i;
    json_t *x;
    json_array_foreach(json_object_get(sum, "pairs"), i, x)
        if (!strcmp(json_string_value(json_object_get(x, "workload")), w)
            && !strcmp(json_string_value(json_object_get(x, "profiler")), p))
            return x;
    ck_abort_msg("no pair %s x %s", w, p);
    return NULL;
}

static const char *status(json_t *sum, const char *p)
{
    return json_string_value(json_object_get(pair(sum, "calls", p), "status"));
}

START_TEST(run_matrix_and_summary)
{
    char cfg[4096], res[4096], *out = NULL;
    snprintf(cfg, sizeof cfg, "%s/e2e.yaml", dir);
    snprintf(res, sizeof res, "%s/results", dir);
    char *argv[] = { PB_BINARY, "run", cfg, "-o", res, "--no-plot", NULL };
    int rc = tu_run(argv, &out);
    ck_assert_msg(rc == 0, "pbench run exited %d:\n%s", rc, out);
    /* the table names every profiler, and the problems with their reasons */
    ck_assert_ptr_nonnull(strstr(out, "cProfile"));
    ck_assert_ptr_nonnull(strstr(out, "calls x missing: failed"));
    ck_assert_ptr_nonnull(strstr(out, "no-such-profiler"));
    ck_assert_ptr_nonnull(strstr(out, "calls x crashes: failed"));
    ck_assert_ptr_nonnull(strstr(out, "signal 11"));
    ck_assert_ptr_nonnull(strstr(out, "calls x hangs: timeout"));
    ck_assert_ptr_nonnull(strstr(out, "expected output 'never-written.txt' was not written"));
    free(out);

    char *rd = results_dir();
    ck_assert_ptr_nonnull(strstr(rd, "/e2e-"));
    const char *files[] = { "config.yaml", "config-resolved.json", "meta.json", "runs.jsonl",
                            "summary.json", "summary.csv", "raw/calls/cProfile/0/cprofile.pstats",
                            "raw/calls/plain/2/stdout.txt", NULL };
    for (int i = 0; files[i]; i++) {
        char p[4096];
        snprintf(p, sizeof p, "%s/%s", rd, files[i]);
        ck_assert_msg(access(p, R_OK) == 0, "missing %s", p);
    }
    /* one record per run: 6 profilers x 3 rounds */
    char p[4096];
    snprintf(p, sizeof p, "%s/runs.jsonl", rd);
    char *log = tu_read_file(p);
    int lines = 0;
    for (char *c = log; *c; c++)
        lines += *c == '\n';
    ck_assert_int_eq(lines, 18);
    free(log);

    json_error_t jerr;
    snprintf(p, sizeof p, "%s/summary.json", rd);
    json_t *sum = json_load_file(p, 0, &jerr);
    ck_assert_ptr_nonnull(sum);
    json_t *plain = pair(sum, "calls", "plain");
    ck_assert(json_number_value(json_object_get(json_object_get(plain, "wall_ratio"), "value")) == 1.0);
    double cp = json_number_value(json_object_get(json_object_get(pair(sum, "calls", "cProfile"), "wall_ratio"), "value"));
    ck_assert_msg(cp > 1.0, "cProfile on a call-heavy workload should cost more than plain, got %.3f", cp);
    ck_assert_str_eq(status(sum, "cProfile"), "ok");
    ck_assert_str_eq(status(sum, "missing"), "failed");
    ck_assert_str_eq(status(sum, "crashes"), "failed");
    ck_assert_str_eq(status(sum, "hangs"), "timeout");
    ck_assert_str_eq(status(sum, "nooutput"), "failed");
    /* a hung pair costs one timeout, not one per round */
    ck_assert_int_eq(json_integer_value(json_object_get(pair(sum, "calls", "hangs"), "timeouts")), 1);
    ck_assert_int_eq(json_integer_value(json_object_get(pair(sum, "calls", "hangs"), "skipped")), 2);
    ck_assert(json_is_true(json_object_get(pair(sum, "calls", "hangs"), "lower_bound")));
    /* memory figures are real: a Python process has several MB */
    ck_assert_int_gt(json_number_value(json_object_get(plain, "tree_peak_rss_median_kb")), 4000);
    /* metadata */
    json_t *meta = json_object_get(sum, "meta");
    ck_assert_ptr_nonnull(json_string_value(json_object_get(json_object_get(meta, "python"), "version")));
    ck_assert_ptr_nonnull(json_string_value(json_object_get(json_object_get(meta, "host"), "cpu_model")));
    ck_assert_int_eq(json_integer_value(json_object_get(meta, "seed")), 11);
    ck_assert_ptr_nonnull(strstr(json_string_value(json_object_get(json_object_get(json_object_get(meta, "profilers"), "cProfile"), "version")), "standard library"));
    json_decref(sum);

    /* summarize recomputes from the stored files alone */
    char *argv2[] = { PB_BINARY, "summarize", rd, NULL };
    rc = tu_run(argv2, &out);
    ck_assert_msg(rc == 0, "summarize exited %d:\n%s", rc, out);
    ck_assert_ptr_nonnull(strstr(out, "cProfile"));
    free(out);
    free(rd);
}
END_TEST

START_TEST(subset_with_profiler_option)
{
    char cfg[4096], res[4096], *out = NULL;
    snprintf(cfg, sizeof cfg, "%s/e2e.yaml", dir);
    snprintf(res, sizeof res, "%s/results", dir);
    char *argv[] = { PB_BINARY, "run", cfg, "-o", res, "--no-plot", "--profiler", "cProfile", NULL };
    int rc = tu_run(argv, &out);
    ck_assert_msg(rc == 0, "pbench run exited %d:\n%s", rc, out);
    free(out);
    char *rd = results_dir(), p[4096];
    snprintf(p, sizeof p, "%s/runs.jsonl", rd);
    char *log = tu_read_file(p);
    ck_assert_ptr_null(strstr(log, "\"missing\""));
    ck_assert_ptr_nonnull(strstr(log, "\"plain\""));
    ck_assert_ptr_nonnull(strstr(log, "\"cProfile\""));
    free(log);
    free(rd);

    char *argv2[] = { PB_BINARY, "run", cfg, "--profiler", "nosuch", NULL };
    rc = tu_run(argv2, &out);
    ck_assert_int_eq(rc, 2);
    ck_assert_ptr_nonnull(strstr(out, "no profiler named 'nosuch'"));
    free(out);
}
END_TEST

START_TEST(check_reports_located_errors)
{
    char *out = NULL;
    char *bad = tu_write_file(dir, "bad.yaml",
        "python: /bin/sh\n"
        "workloads:\n"
        "  - name: calls\n"
        "    scrpit: calls.py\n"
        "profilers:\n"
        "  - {name: plain, baseline: true, command: [\"{pyhton}\"]}\n");
    char *argv[] = { PB_BINARY, "check", bad, NULL };
    int rc = tu_run(argv, &out);
    ck_assert_int_eq(rc, 2);
    char want[4200];
    snprintf(want, sizeof want, "%s:4:5: unknown key 'scrpit' in a workload (did you mean 'script'?)", bad);
    ck_assert_msg(strstr(out, want) != NULL, "missing '%s' in:\n%s", want, out);
    ck_assert_ptr_nonnull(strstr(out, "    4 |     scrpit: calls.py\n"));
    ck_assert_ptr_nonnull(strstr(out, "      |     ^\n"));
    ck_assert_ptr_nonnull(strstr(out, ":6:46: unknown placeholder '{pyhton}' (did you mean '{python}'?)"));
    ck_assert_ptr_nonnull(strstr(out, "errors in"));
    free(out);
    free(bad);

    char cfg[4096];
    snprintf(cfg, sizeof cfg, "%s/e2e.yaml", dir);
    char *argv2[] = { PB_BINARY, "check", cfg, NULL };
    rc = tu_run(argv2, &out);
    ck_assert_msg(rc == 0, "check of a good config exited %d:\n%s", rc, out);
    ck_assert_ptr_nonnull(strstr(out, "ok: 1 workloads, 6 profilers"));
    free(out);
}
END_TEST

START_TEST(usage_errors)
{
    char *out = NULL;
    char *a1[] = { PB_BINARY, "frobnicate", NULL };
    ck_assert_int_eq(tu_run(a1, &out), 2);
    ck_assert_ptr_nonnull(strstr(out, "unknown command 'frobnicate'"));
    free(out);
    char *a2[] = { PB_BINARY, "run", NULL };
    ck_assert_int_eq(tu_run(a2, &out), 2);
    ck_assert_ptr_nonnull(strstr(out, "usage: pbench run"));
    free(out);
    char *a3[] = { PB_BINARY, "run", "/nonexistent.yaml", NULL };
    ck_assert_int_eq(tu_run(a3, &out), 2);
    ck_assert_ptr_nonnull(strstr(out, "/nonexistent.yaml: cannot read config: No such file or directory"));
    free(out);
    char *a4[] = { PB_BINARY, "--help", NULL };
    ck_assert_int_eq(tu_run(a4, &out), 0);
    ck_assert_ptr_nonnull(strstr(out, "sample"));
    free(out);
}
END_TEST

START_TEST(unwritable_results_dir)
{
    char cfg[4096], *out = NULL;
    snprintf(cfg, sizeof cfg, "%s/e2e.yaml", dir);
    free(tu_write_file(dir, "afile", "x"));
    char res[4096];
    snprintf(res, sizeof res, "%s/afile/results", dir);
    char *argv[] = { PB_BINARY, "run", cfg, "-o", res, "--no-plot", NULL };
    ck_assert_int_eq(tu_run(argv, &out), 1);
    ck_assert_ptr_nonnull(strstr(out, "cannot create directory"));
    free(out);
}
END_TEST

Suite *e2e_suite(void)
{
    Suite *s = suite_create("e2e");
    TCase *core = tcase_create("core");
    TCase *errors = tcase_create("errors");
    tcase_add_checked_fixture(core, setup, teardown);
    tcase_add_checked_fixture(errors, setup, teardown);
    tcase_set_timeout(core, 300);
    tcase_set_timeout(errors, 60);
    tcase_add_test(core, run_matrix_and_summary);
    tcase_add_test(core, subset_with_profiler_option);
    tcase_add_test(errors, check_reports_located_errors);
    tcase_add_test(errors, usage_errors);
    tcase_add_test(errors, unwritable_results_dir);
    suite_add_tcase(s, core);
    suite_add_tcase(s, errors);
    return s;
}
