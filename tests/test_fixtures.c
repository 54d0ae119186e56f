/* The stored-results fixtures under tests/fixtures/ must not drift from
 * what a real run writes: a tiny real run (the real binary, interpreter
 * and files), then every key that run wrote must be in each fixture's
 * summary.json, meta.json, config-resolved.json and runs.jsonl, with the
 * same "format", except keys that a real run too writes only sometimes
 * (a failure's reason, an error, runs: auto's fields...). A fixture
 * missing a key fails with its path, so a format change that is not
 * carried into the fixtures (and so into what plot, report and summary
 * are tested on) is caught here. */
#include <check.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"

#define FIX PB_FIXTURES_DIR

static char *tmp, *real;

/* Keys a run writes only in some cases: a fixture may lack them. */
static const char *const optional[] = {
    "failure_reason", "error", "adaptive", "description", "base", "size", "pin_cpu",
    "wall_median_s", "cpu_median_s", "tree_peak_rss_median_kb", "argv", "env", NULL,
};

static int is_optional(const char *key)
{
    for (size_t i = 0; optional[i]; i++)
        if (!strcmp(optional[i], key))
            return 1;
    return 0;
}

/* Maps whose keys are names (profilers' versions in meta): compare the
 * shape of their values, not their keys. */
static int is_name_map(const char *path)
{
    return !strcmp(path, "profilers") || !strcmp(path, "meta.profilers");
}

/* Appends to out (at most n bytes in all) every key of want missing in
 * got, recursively, as "file: path.key". */
static void compare(json_t *want, json_t *got, const char *file, const char *path, char *out,
                    size_t n)
{
    const char *key;
    json_t *v;
    char sub[512];

    if (json_is_array(want) && json_is_array(got)) {
        /* every item of the fixture has the keys of the run's first item */
        json_t *first = json_array_get(want, 0);
        size_t i;
        json_array_foreach(got, i, v) {
            snprintf(sub, sizeof sub, "%s[%zu]", path, i);
            if (json_is_object(first))
                compare(first, v, file, sub, out, n);
        }
        return;
    }
    if (!json_is_object(want) || !json_is_object(got))
        return;
    if (is_name_map(path)) {
        void *it = json_object_iter(want);
        json_t *shape = it ? json_object_iter_value(it) : NULL;
        json_object_foreach(got, key, v) {
            snprintf(sub, sizeof sub, "%s.%s", path, key);
            compare(shape, v, file, sub, out, n);
        }
        return;
    }
    json_object_foreach(want, key, v) {
        json_t *g = json_object_get(got, key);
        snprintf(sub, sizeof sub, "%s%s%s", path, path[0] ? "." : "", key);
        if (!g) {
            if (!is_optional(key) && strlen(out) + strlen(file) + strlen(sub) + 8 < n)
                snprintf(out + strlen(out), n - strlen(out), "  %s: %s\n", file, sub);
            continue;
        }
        if (!strcmp(key, "format") && json_is_string(v) && !json_equal(v, g)
            && strlen(out) + 200 < n)
            snprintf(out + strlen(out), n - strlen(out), "  %s: format %s, a run writes %s\n", file,
                     json_is_string(g) ? json_string_value(g) : "?", json_string_value(v));
        compare(v, g, file, sub, out, n);
    }
}

static json_t *load(const char *dir, const char *name)
{
    char path[4096];
    json_error_t jerr;
    snprintf(path, sizeof path, "%s/%s", dir, name);
    json_t *j = json_load_file(path, 0, &jerr);
    ck_assert_msg(j != NULL, "%s: %s", path, jerr.text);
    return j;
}

/* runs.jsonl as one JSON array. */
static json_t *load_runs(const char *dir)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/runs.jsonl", dir);
    char *text = tu_read_file(path), *line, *save = NULL;
    json_t *a = json_array();
    ck_assert_ptr_nonnull(text);
    for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        json_error_t jerr;
        json_t *o = json_loads(line, 0, &jerr);
        if (o)
            json_array_append_new(a, o);
    }
    free(text);
    return a;
}

static void setup(void)
{
    char text[2048], res[4096], *out = NULL;

    tmp = tu_mkdtemp();
    free(tu_write_file(tmp, "w.py", "x = sum(range(1000))\n"));
    snprintf(text, sizeof text,
        "python: %s\n"
        "defaults: {runs: 2, warmup: 1}\n"
        "workloads: [{name: w, script: w.py}]\n"
        "profilers:\n"
        "  - {name: plain, baseline: true, command: [\"{python}\", \"{script}\"]}\n"
        "  - {name: cprof, command: [\"{python}\", -m, cProfile, \"{script}\"]}\n", tu_python());
    char *cfg = tu_write_file(tmp, "tiny.yaml", text);
    snprintf(res, sizeof res, "%s/results", tmp);
    char *argv[] = { PB_BINARY, "run", cfg, "-o", res, "--no-plot", NULL };
    int rc = tu_run(argv, &out);
    ck_assert_msg(rc == 0, "pbench run exited %d:\n%s", rc, out);
    free(out);
    free(cfg);
    real = tu_only_subdir(res);
    ck_assert_ptr_nonnull(real);
}

static void teardown(void)
{
    free(real);
    tu_rmtree(tmp);
    free(tmp);
}

static void check_fixture(const char *name, int has_resolved)
{
    static const char *const files[] = { "summary.json", "meta.json", "config-resolved.json" };
    char dir[4096], missing[8192] = "";

    snprintf(dir, sizeof dir, "%s/%s", FIX, name);
    for (size_t i = 0; i < 3; i++) {
        if (i == 2 && !has_resolved)
            continue;
        json_t *want = load(real, files[i]), *got = load(dir, files[i]);
        compare(want, got, files[i], "", missing, sizeof missing);
        json_decref(want);
        json_decref(got);
    }
    json_t *want = load_runs(real), *got = load_runs(dir), *rec;
    size_t i;
    /* warm-up and measured records alike */
    compare(want, got, "runs.jsonl", "", missing, sizeof missing);
    /* each run's files where a run puts them: raw/W/P/ROUND or warmupN */
    json_array_foreach(got, i, rec) {
        char expect[512];
        long long round = json_integer_value(json_object_get(rec, "round"));
        const char *outdir = json_string_value(json_object_get(rec, "outdir"));
        if (round < 0)
            snprintf(expect, sizeof expect, "raw/%s/%s/warmup%lld",
                     json_string_value(json_object_get(rec, "workload")),
                     json_string_value(json_object_get(rec, "profiler")), -round);
        else
            snprintf(expect, sizeof expect, "raw/%s/%s/%lld",
                     json_string_value(json_object_get(rec, "workload")),
                     json_string_value(json_object_get(rec, "profiler")), round);
        if ((!outdir || strcmp(outdir, expect)) && strlen(missing) + 300 < sizeof missing)
            snprintf(missing + strlen(missing), sizeof missing - strlen(missing),
                     "  runs.jsonl: [%zu].outdir %s, a run writes %s\n", i, outdir ? outdir : "?", expect);
    }
    json_decref(want);
    json_decref(got);
    /* Check's messages are short: the first lines say enough */
    if (strlen(missing) > 3000)
        strcpy(missing + 2990, "\n  ...\n");
    ck_assert_msg(!missing[0], "fixture %s lacks what a real run writes:\n%s", name, missing);
}

START_TEST(small) { check_fixture("results-small", 1); }
END_TEST
START_TEST(failed) { check_fixture("results-failed", 1); }
END_TEST
START_TEST(accuracy) { check_fixture("results-accuracy", 1); }
END_TEST

Suite *fixtures_suite(void)
{
    Suite *s = suite_create("fixtures");
    TCase *tc = tcase_create("core");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, small);
    tcase_add_test(tc, failed);
    tcase_add_test(tc, accuracy);
    suite_add_tcase(s, tc);
    return s;
}
