/* Real programs on two Pythons, end to end: the real binary runs two of
 * pyperformance's benchmarks (raytrace, fannkuch, one loop) on CPython
 * 3.11 and 3.12 (the environments scripts/setup.sh makes in .venvs/ from
 * the machine's pyenv), plain and under cProfile, Scalene and py-spy; a
 * Python that is not there (3.99) and a profiler whose package is not
 * installed are reported with their reasons and the rest runs. Every pair
 * is measured, every profile holds the benchmark's own functions, and the
 * version axis reaches summary.json, the report and its chart. Without
 * those environments the suite is skipped (counted, never passed). */
#include <check.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "store/records.h"
#include "testutil.h"

#define VENVS PB_SOURCE_DIR "/.venvs"

static char *dir;

static void setup(void)
{
    dir = tu_mkdtemp();
    ck_assert_ptr_nonnull(dir);
}

static void teardown(void)
{
    tu_rmtree(dir);
    free(dir);
}

/* Skips unless .venvs/V has pyperformance, Scalene and py-spy. */
static void need_venv(const char *v)
{
    static char why[512];
    char py[1024], sc[1024], spy[1024];
    snprintf(py, sizeof py, VENVS "/%s/bin/python", v);
    snprintf(sc, sizeof sc, VENVS "/%s/bin/scalene", v);
    snprintf(spy, sizeof spy, VENVS "/%s/bin/py-spy", v);
    char *argv[] = { py, "-c", "import pyperformance", NULL };
    if (access(sc, X_OK) == 0 && access(spy, X_OK) == 0 && tu_run(argv, NULL) == 0)
        return;
    snprintf(why, sizeof why, "no .venvs/%s with pyperformance, scalene and py-spy "
             "(scripts/setup.sh --python %s makes it)", v, v);
    tu_skip(why);
}

/* Profiler p's measured output file for workload w: its size, and 1 when
 * it holds needle (a function of the benchmark's own). */
static int profile_has(const char *res, const struct pb_run_record *r, const char *file,
                       const char *needle, long *size)
{
    char path[8192];
    struct stat st;
    FILE *f;
    int found = 0;

    snprintf(path, sizeof path, "%s/%s/%s", res, r->outdir, file);
    *size = 0;
    if (stat(path, &st) != 0 || !(f = fopen(path, "rb")))
        return 0;
    *size = (long)st.st_size;
    char *buf = malloc((size_t)st.st_size + 1);
    size_t n = buf ? fread(buf, 1, (size_t)st.st_size, f) : 0;
    fclose(f);
    for (size_t i = 0; buf && i + strlen(needle) <= n && !found; i++)
        found = !memcmp(buf + i, needle, strlen(needle));
    free(buf);
    return found;
}

static const char config[] =
    "name: versions-e2e\n"
    "include: [profilers.yaml]\n"
    "pythons: [\"3.11\", \"3.12\", \"3.99\"]\n"
    "venvs: " VENVS "\n"
    "defaults: {runs: 2, warmup: 0, timeout: 120, seed: 7}\n"
    "workloads:\n"
    "  - {name: raytrace, pyperformance: raytrace, loops: 1}\n"
    "  - {name: fannkuch, pyperformance: fannkuch, loops: 1}\n"
    "profilers:\n"
    "  - name: absent\n"
    "    package: pbench-no-such-profiler\n"
    "    command: [\"{python}\", \"-m\", \"pbench_no_such_profiler\", \"{script}\", \"{args}\"]\n"
    "select:\n"
    "  profilers: [plain, cProfile, scalene_cpu, py_spy, absent]\n";

/* Each profiler's output and a function it must name, per benchmark. */
static const struct { const char *profiler, *file; } outputs[] = {
    { "cProfile", "cprofile.pstats" },
    { "scalene_cpu", "scalene.json" },
    { "py_spy", "py-spy.speedscope.json" },
};

static json_t *pair(json_t *sum, const char *w, const char *p, const char *py)
{
    size_t i;
    json_t *x;
    json_array_foreach(json_object_get(sum, "pairs"), i, x)
        if (!strcmp(json_string_value(json_object_get(x, "workload")), w)
            && !strcmp(json_string_value(json_object_get(x, "profiler")), p)
            && !strncmp(json_string_value(json_object_get(x, "python")), py, strlen(py)))
            return x;
    ck_abort_msg("no pair %s x %s on %s", w, p, py);
    return NULL;
}

/* Every measured run ok, every profile naming its benchmark's code. */
static void check_records(const char *res)
{
    struct pb_run_list recs;
    struct pb_error err;
    size_t checked = 0;

    ck_assert_int_eq(pb_records_read(res, 0, &recs, &err), 0);
    for (size_t i = 0; i < recs.n; i++) {
        const struct pb_run_record *r = &recs.items[i];
        ck_assert_msg(r->status == PB_RUN_OK, "%s x %s on %s: %s", r->workload, r->profiler,
                      r->python, r->error);
        ck_assert_msg(strcmp(r->profiler, "absent") && strcmp(r->python, "3.99"),
                      "%s x %s ran on %s", r->workload, r->profiler, r->python);
        for (size_t k = 0; k < sizeof outputs / sizeof *outputs; k++) {
            if (strcmp(r->profiler, outputs[k].profiler))
                continue;
            const char *fn = !strncmp(r->workload, "raytrace", 8) ? "intersectionTime" : "fannkuch";
            long size;
            ck_assert_msg(profile_has(res, r, outputs[k].file, fn, &size),
                          "%s x %s on %s: %s (%ld bytes) does not name %s", r->workload,
                          r->profiler, r->python, outputs[k].file, size, fn);
            checked++;
        }
    }
    /* 2 benchmarks x 3 profilers x 2 Pythons x 2 runs */
    ck_assert_uint_eq(checked, 24);
    pb_records_release(&recs);
}

START_TEST(two_benchmarks_on_two_pythons)
{
    char cfg[4096], base[4096], path[8192], *out = NULL;

    need_venv("3.11");
    need_venv("3.12");
    free(tu_write_file(dir, "versions.yaml", config));
    snprintf(cfg, sizeof cfg, "%s/versions.yaml", dir);
    snprintf(base, sizeof base, "%s/results", dir);
    char *argv[] = { PB_BINARY, "run", cfg, "-o", base, "--plots", "plots", NULL };
    int rc = tu_run(argv, &out);
    ck_assert_msg(rc == 0, "pbench run exited %d:\n%s", rc, out);
    ck_assert_msg(strstr(out, "2 workloads x 5 profilers x 3 interpreters"), "%s", out);
    free(out);
    char *res = tu_only_subdir(base);
    ck_assert_ptr_nonnull(res);
    check_records(res);

    /* the axis in summary.json: each Python's ratios against its own
     * baseline; what could not run, with the reason */
    snprintf(path, sizeof path, "%s/summary.json", res);
    json_error_t jerr;
    json_t *sum = json_load_file(path, 0, &jerr);
    ck_assert_ptr_nonnull(sum);
    const char *pys[] = { "3.11", "3.12" }, *ws[] = { "raytrace", "fannkuch" };
    for (int k = 0; k < 2; k++) {
        for (int w = 0; w < 2; w++) {
            json_t *c = pair(sum, ws[w], "cProfile", pys[k]);
            ck_assert_str_eq(json_string_value(json_object_get(c, "status")), "ok");
            double v = json_number_value(json_object_get(json_object_get(c, "wall_ratio"), "value"));
            ck_assert_msg(v > 1.0 && v < 10, "cProfile on %s %s: %gx", ws[w], pys[k], v);
            json_t *a = pair(sum, ws[w], "absent", pys[k]);
            ck_assert_str_eq(json_string_value(json_object_get(a, "status")), "not_run");
            ck_assert_ptr_nonnull(strstr(json_string_value(json_object_get(a, "failure_reason")),
                                         "pbench-no-such-profiler is not installed"));
        }
    }
    json_t *gone = pair(sum, "raytrace", "scalene_cpu", "3.99");
    ck_assert_str_eq(json_string_value(json_object_get(gone, "status")), "not_run");
    ck_assert_ptr_nonnull(strstr(json_string_value(json_object_get(gone, "failure_reason")),
                                 "3.99/bin/python"));
    json_decref(sum);

    /* the report and its chart by Python version */
    char *rep[] = { PB_BINARY, "report", res, NULL };
    rc = tu_run(rep, &out);
    ck_assert_msg(rc == 0, "report exited %d:\n%s", rc, out);
    free(out);
    snprintf(path, sizeof path, "%s/report.md", res);
    char *md = tu_read_file(path);
    ck_assert_ptr_nonnull(md);
    ck_assert_ptr_nonnull(strstr(md, "(plots/overhead-by-python.png)"));
    ck_assert_ptr_nonnull(strstr(md, "scalene_cpu (3.12"));
    free(md);
    snprintf(path, sizeof path, "%s/plots/overhead-by-python.png", res);
    struct stat st;
    ck_assert_msg(stat(path, &st) == 0 && st.st_size > 1000, "no chart %s", path);
    snprintf(path, sizeof path, "%s/plots/overhead-by-python.dat", res);
    char *dat = tu_read_file(path);
    ck_assert_ptr_nonnull(dat);
    ck_assert_ptr_nonnull(strstr(dat, "py_spy on 3.11"));
    ck_assert_ptr_nonnull(strstr(dat, "py_spy on 3.12"));
    free(dat);
    free(res);
}
END_TEST

Suite *versions_run_suite(void)
{
    Suite *s = suite_create("versions_run");
    TCase *run = tcase_create("run");

    tcase_set_timeout(run, 600);
    tcase_add_checked_fixture(run, setup, teardown);
    tcase_add_test(run, two_benchmarks_on_two_pythons);
    suite_add_tcase(s, run);
    return s;
}
