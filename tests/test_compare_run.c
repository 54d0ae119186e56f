/* End to end: `pbench run` twice on a tiny config, then `pbench compare`
 * and `pbench report` of both with the real binary: a profiler made ten
 * times slower is found slower, a workload run with other args is not
 * compared, another machine or interpreter is a warning at the top. */
#include <check.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "testutil.h"

/* Made once by the unchecked fixture: three runs of the same matrix, 5
 * rounds each (3 left an interval of 0.9-5x on a loaded machine).
 * A: prof is cProfile. B: prof is the pure-Python profile module (about
 * ten times its cost: a new version that got slower). C: as A, but
 * `small` runs with another size and a profiler A has not. */
static char *tmp;
static char run_a[4096], run_b[4096], run_c[4096], setup_error[8192];

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

/* Writes config NAME.yaml: prof runs module prof_module; small runs at
 * small_size; extra adds a profiler named extra. */
static void write_config(const char *name, const char *prof_module, int small_size, int extra)
{
    char text[4096], file[256];

    snprintf(text, sizeof text,
        "name: %s\n"
        "python: %s\n"
        "defaults: {runs: 5, warmup: 0, timeout: 60, seed: 7}\n"
        "workloads:\n"
        "  - {name: calls, script: calls.py, args: [\"--size\", \"18\"]}\n"
        "  - {name: small, script: calls.py, args: [\"--size\", \"%d\"]}\n"
        "profilers:\n"
        "  - name: plain\n"
        "    baseline: true\n"
        "    command: [\"{python}\", \"{script}\", \"{args}\"]\n"
        "  - name: prof\n"
        "    command: [\"{python}\", \"-m\", \"%s\", \"-o\", \"{outdir}/p.pstats\", \"{script}\", \"{args}\"]\n"
        "    outputs: [p.pstats]\n"
        "%s",
        name, tu_python(), small_size, prof_module,
        extra ? "  - name: extra\n"
                "    command: [\"{python}\", \"-m\", \"cProfile\", \"-o\", \"{outdir}/e.pstats\", \"{script}\", \"{args}\"]\n"
                "    outputs: [e.pstats]\n" : "");
    snprintf(file, sizeof file, "%s.yaml", name);
    free(tu_write_file(tmp, file, text));
}

/* Runs config name into tmp/res-NAME; its results directory into out. */
static int run(const char *name, char *out, size_t n)
{
    char cfg[4096], res[4096], *log = NULL, *found;
    int rc;

    snprintf(cfg, sizeof cfg, "%s/%s.yaml", tmp, name);
    snprintf(res, sizeof res, "%s/res-%s", tmp, name);
    char *argv[] = { PB_BINARY, "run", cfg, "-o", res, "--no-plot", NULL };
    rc = tu_run(argv, &log);
    if (rc != 0) {
        snprintf(setup_error, sizeof setup_error, "pbench run %s exited %d:\n%s", name, rc,
                 log ? log : "");
        free(log);
        return -1;
    }
    free(log);
    found = tu_only_subdir(res);
    if (!found) {
        snprintf(setup_error, sizeof setup_error, "no results directory in %s", res);
        return -1;
    }
    snprintf(out, n, "%s", found);
    free(found);
    return 0;
}

static void run_once(void)
{
    setup_error[0] = '\0';
    tmp = tu_mkdtemp();
    if (!tmp) {
        snprintf(setup_error, sizeof setup_error, "cannot make a temp dir");
        return;
    }
    free(tu_write_file(tmp, "calls.py", calls_py));
    write_config("a", "cProfile", 12, 0);
    write_config("b", "profile", 12, 0);
    write_config("c", "cProfile", 13, 1);
    if (run("a", run_a, sizeof run_a) < 0 || run("b", run_b, sizeof run_b) < 0
        || run("c", run_c, sizeof run_c) < 0)
        return;
}

static void cleanup_once(void)
{
    if (tmp)
        tu_rmtree(tmp);
    free(tmp);
    tmp = NULL;
}

static void need_runs(void)
{
    ck_assert_msg(setup_error[0] == '\0', "%s", setup_error);
}

/* `pbench compare ARGS...` (at most 8): its exit status, its output in
 * *out (caller frees). */
static int compare(char **out, const char *a1, const char *a2, const char *a3, const char *a4,
                   const char *a5)
{
    char *argv[] = { PB_BINARY, "compare", (char *)a1, (char *)a2, (char *)a3, (char *)a4,
                     (char *)a5, NULL };

    return tu_run(argv, out);
}

/* The line of text holding needle, into line; fails when none. */
static void line_of(const char *text, const char *needle, char *line, size_t n)
{
    const char *p = strstr(text, needle), *s, *e;

    ck_assert_msg(p != NULL, "no '%s' in:\n%s", needle, text);
    for (s = p; s > text && s[-1] != '\n'; s--)
        ;
    e = strchr(p, '\n');
    snprintf(line, n, "%.*s", (int)(e ? e - s : (long)strlen(s)), s);
}

/* The first line of text whose first words are w1 (and w2, when not
 * NULL), into line; fails when none. */
static void row_of(const char *text, const char *w1, const char *w2, char *line, size_t n)
{
    for (const char *s = text; *s;) {
        const char *e = strchr(s, '\n');
        size_t len = e ? (size_t)(e - s) : strlen(s);
        char a[256] = "", b[256] = "";
        snprintf(line, n, "%.*s", (int)len, s);
        if (sscanf(line, "%255s %255s", a, b) >= 1 && !strcmp(a, w1) && (!w2 || !strcmp(b, w2)))
            return;
        s += len + (e ? 1 : 0);
    }
    ck_abort_msg("no line '%s %s' in:\n%s", w1, w2 ? w2 : "", text);
}

START_TEST(slower_profiler_is_found)
{
    char *out = NULL, line[1024], json[4096];

    need_runs();
    snprintf(json, sizeof json, "%s/cmp.json", tmp);
    int rc = compare(&out, run_a, run_b, "--json", json, NULL);
    ck_assert_msg(rc == 0, "pbench compare exited %d:\n%s", rc, out);
    /* the same machine and interpreter: no such warning (a plain time
     * that moved on a busy machine may be one, and is not checked) */
    ck_assert_msg(!strstr(out, "warning: different") && !strstr(out, "warning: interpreters"),
                  "%s", out);
    /* prof's mean over both workloads: far above 1, significantly */
    row_of(out, "prof", NULL, line, sizeof line);         /* the means come first */
    ck_assert_msg(strstr(line, "x slower") && strstr(line, " 2"), "%s", line);
    row_of(out, "prof", "calls", line, sizeof line);
    ck_assert_msg(strstr(line, "x slower"), "%s", line);
    row_of(out, "prof", "small", line, sizeof line);
    ck_assert_msg(strstr(line, "x slower"), "%s", line);
    ck_assert_msg(!strstr(out, "Not comparable") && !strstr(out, "Only in"), "%s", out);
    free(out);

    /* the same in JSON */
    json_error_t jerr;
    json_t *j = json_load_file(json, 0, &jerr), *c, *p;
    ck_assert_msg(j != NULL, "%s: %s", json, jerr.text);
    ck_assert_str_eq(json_string_value(json_object_get(j, "format")), "pbench-compare/1");
    c = json_array_get(json_object_get(j, "comparisons"), 0);
    ck_assert_str_eq(json_string_value(json_object_get(c, "base")), run_a);
    p = json_array_get(json_object_get(c, "profilers"), 0);
    ck_assert_str_eq(json_string_value(json_object_get(p, "profiler")), "prof");
    ck_assert_int_eq(json_integer_value(json_object_get(p, "workloads")), 2);
    json_t *wall = json_object_get(p, "wall");
    ck_assert_str_eq(json_string_value(json_object_get(wall, "verdict")), "slower");
    ck_assert_msg(json_real_value(json_object_get(wall, "value")) > 2, "profile / cProfile: %g",
                  json_real_value(json_object_get(wall, "value")));
    ck_assert(json_real_value(json_object_get(wall, "lo")) > 1);
    ck_assert_int_eq(json_array_size(json_object_get(c, "pairs")), 2);
    json_decref(j);

    /* and in Markdown */
    rc = compare(&out, run_a, run_b, "--markdown", NULL, NULL);
    ck_assert_int_eq(rc, 0);
    line_of(out, "| prof | calls |", line, sizeof line);
    ck_assert_msg(strstr(line, "× slower**"), "%s", line);
    free(out);
}
END_TEST

START_TEST(other_args_are_not_compared)
{
    char *out = NULL, line[1024];

    need_runs();
    int rc = compare(&out, run_a, run_c, NULL, NULL, NULL);
    ck_assert_msg(rc == 0, "pbench compare exited %d:\n%s", rc, out);
    line_of(out, "small x prof:", line, sizeof line);
    ck_assert_msg(strstr(line, "args differ: BASE '--size 12', NEW '--size 13'"), "%s", line);
    row_of(out, "prof", "small", line, sizeof line);
    ck_assert_msg(strstr(line, "not comparable"), "%s", line);
    /* prof's mean is over calls alone */
    row_of(out, "prof", NULL, line, sizeof line);
    ck_assert_msg(strstr(line, "1 (left out: 1 not comparable)"), "%s", line);
    line_of(out, "Only in NEW (2 pairs):", line, sizeof line);
    line_of(out, "  extra: calls, small", line, sizeof line);
    free(out);
}
END_TEST

/* Results from another machine and interpreter (meta.json says so) are
 * compared, with warnings above every table. */
START_TEST(other_machine_is_warned)
{
    char *out = NULL, path[4096], cmd[8192], moved[4096];
    json_error_t jerr;
    json_t *meta;

    need_runs();
    snprintf(moved, sizeof moved, "%s/moved", tmp);
    snprintf(cmd, sizeof cmd, "rm -rf '%s' && cp -r '%s' '%s'", moved, run_b, moved);
    ck_assert_int_eq(system(cmd), 0);
    snprintf(path, sizeof path, "%s/meta.json", moved);
    meta = json_load_file(path, 0, &jerr);
    ck_assert_ptr_nonnull(meta);
    json_object_set_new(json_object_get(meta, "host"), "hostname", json_string("elsewhere"));
    json_object_set_new(json_object_get(meta, "python"), "version", json_string("3.99.0"));
    ck_assert_int_eq(json_dump_file(meta, path, JSON_INDENT(2)), 0);
    json_decref(meta);

    int rc = compare(&out, run_a, moved, NULL, NULL, NULL);
    ck_assert_msg(rc == 0, "pbench compare exited %d:\n%s", rc, out);
    const char *m = strstr(out, "warning: different machines:");
    const char *i = strstr(out, "warning: different interpreters:");
    ck_assert_msg(m && i, "%s", out);
    ck_assert_ptr_nonnull(strstr(m, "NEW on 'elsewhere'"));
    ck_assert_ptr_nonnull(strstr(i, "3.99.0"));
    ck_assert(m < strstr(out, "Per profiler") && i < strstr(out, "Per profiler"));
    free(out);
}
END_TEST

START_TEST(report_of_several_runs)
{
    char *out = NULL, md[4096], plots[4096], png[4096], *text;
    struct stat st;

    need_runs();
    snprintf(md, sizeof md, "%s/r.md", tmp);
    snprintf(plots, sizeof plots, "%s/charts", tmp);
    char *argv[] = { PB_BINARY, "report", run_a, run_b, run_c, "-o", md, "--plots", plots, NULL };
    int rc = tu_run(argv, &out);
    ck_assert_msg(rc == 0, "pbench report exited %d:\n%s", rc, out);
    free(out);
    snprintf(png, sizeof png, "%s/compare.png", plots);
    ck_assert_msg(stat(png, &st) == 0 && st.st_size > 1000, "no chart %s", png);
    text = tu_read_file(md);
    ck_assert_ptr_nonnull(text);
    ck_assert_ptr_nonnull(strstr(text, "## Compared with the first run"));
    ck_assert_ptr_nonnull(strstr(text, "](charts/compare.png)"));
    ck_assert_ptr_nonnull(strstr(text, "### Run 2 against run 1"));
    ck_assert_ptr_nonnull(strstr(text, "### Run 3 against run 1"));
    ck_assert_ptr_nonnull(strstr(text, "args differ: BASE '--size 12', NEW '--size 13'"));
    free(text);
}
END_TEST

START_TEST(usage_and_errors)
{
    char *out = NULL, json[4096];

    need_runs();
    ck_assert_int_eq(compare(&out, "--help", NULL, NULL, NULL, NULL), 0);
    ck_assert_ptr_nonnull(strstr(out, "usage: pbench compare BASE NEW"));
    free(out);
    ck_assert_int_eq(compare(&out, run_a, NULL, NULL, NULL, NULL), 2);
    ck_assert_ptr_nonnull(strstr(out, "a NEW results directory to compare with BASE is missing"));
    free(out);
    ck_assert_int_eq(compare(&out, NULL, NULL, NULL, NULL, NULL), 2);
    free(out);
    ck_assert_int_eq(compare(&out, run_a, run_b, "--bogus", NULL, NULL), 2);
    free(out);
    /* errors name the file */
    ck_assert_int_eq(compare(&out, run_a, "/nonexistent/r", NULL, NULL, NULL), 1);
    ck_assert_msg(strstr(out, "/nonexistent/r: no such results directory"), "%s", out);
    free(out);
    snprintf(json, sizeof json, "%s/no/such/dir/c.json", tmp);
    ck_assert_int_eq(compare(&out, run_a, run_b, "--json", json, NULL), 1);
    ck_assert_msg(strstr(out, "c.json"), "%s", out);
    free(out);
}
END_TEST

Suite *compare_run_suite(void)
{
    Suite *s = suite_create("compare_run");
    TCase *tc = tcase_create("core");
    tcase_add_unchecked_fixture(tc, run_once, cleanup_once);
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, slower_profiler_is_found);
    tcase_add_test(tc, other_args_are_not_compared);
    tcase_add_test(tc, other_machine_is_warned);
    tcase_add_test(tc, report_of_several_runs);
    tcase_add_test(tc, usage_and_errors);
    suite_add_tcase(s, tc);
    return s;
}
