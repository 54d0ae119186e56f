/* pyperformance workloads end to end: the real pbench binary runs a real
 * benchmark of the pyperformance installed beside the test interpreter
 * (raytrace, one loop) plain and under the shipped scalene_cpu and
 * line_profiler, whose profiles must name the benchmark's own functions
 * although its script lives in site-packages; and Scalene as it was
 * shipped before (without --profile-all), whose "{}" must be reported as
 * an empty profile, not as a measurement. Without pyperformance installed
 * beside the interpreter the suite is skipped (counted, never passed). */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/pyperformance.h"
#include "store/records.h"
#include "testutil.h"

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

/* Skips the test when no pyperformance is installed beside the test
 * interpreter (CI installs requirements.txt, so it runs there). */
static void need_pyperformance(void)
{
    struct pb_pyperf_bench b;
    struct pb_error err;
    static char why[PB_ERROR_MSG_MAX + 64];

    if (pb_pyperf_find(tu_python(), "raytrace", &b, &err) == 0) {
        pb_pyperf_bench_release(&b);
        return;
    }
    snprintf(why, sizeof why, "no pyperformance raytrace: %s", err.msg);
    tu_skip(why);
}

/* The record of profiler p's measured run. */
static const struct pb_run_record *record_of(const struct pb_run_list *l, const char *p)
{
    for (size_t i = 0; i < l->n; i++)
        if (!strcmp(l->items[i].profiler, p) && l->items[i].round >= 0)
            return &l->items[i];
    ck_abort_msg("no measured run of %s", p);
    return NULL;
}

/* 1 when the file at res/rel holds the bytes of needle (it may hold NULs:
 * a pickle). */
static int file_has(const char *res, const char *rel, const char *needle, long *size)
{
    char path[8192];
    struct stat st;
    FILE *f;
    int found = 0;

    snprintf(path, sizeof path, "%s/%s", res, rel);
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

START_TEST(benchmark_profiled_in_site_packages)
{
    char text[8192], cfg[4096], base[4096], *out = NULL;
    struct pb_run_list recs;
    struct pb_error err;
    long size = 0;

    need_pyperformance();
    snprintf(text, sizeof text,
        "name: pyperf\n"
        "include: [%s/configs/profilers.yaml]\n"
        "python: %s\n"
        "defaults: {runs: 1, warmup: 0, timeout: 120, seed: 3}\n"
        "workloads:\n"
        "  - name: raytrace\n"
        "    pyperformance: raytrace\n"
        "    loops: 1\n"
        "    hot: [Sphere.intersectionTime]\n"
        "profilers:\n"
        "  # Scalene as shipped before: it skips site-packages and writes {}\n"
        "  - name: scalene_default\n"
        "    command: [\"{bindir}/scalene\", \"run\", \"--cpu-only\", \"-o\", \"{outdir}/scalene.json\",\n"
        "              \"{script}\", \"---\", \"{args}\"]\n"
        "    outputs: [{file: scalene.json, min_bytes: 64}]\n"
        "select:\n"
        "  profilers: [plain, scalene_cpu, line_profiler, scalene_default]\n",
        PB_SOURCE_DIR, tu_python());
    free(tu_write_file(dir, "pyperf.yaml", text));
    snprintf(cfg, sizeof cfg, "%s/pyperf.yaml", dir);
    snprintf(base, sizeof base, "%s/results", dir);
    char *argv[] = { PB_BINARY, "run", cfg, "-o", base, "--no-plot", NULL };
    int rc = tu_run(argv, &out);
    ck_assert_msg(rc == 0, "pbench run exited %d:\n%s", rc, out);
    free(out);
    char *res = tu_only_subdir(base);
    ck_assert_ptr_nonnull(res);
    ck_assert_int_eq(pb_records_read(res, 0, &recs, &err), 0);

    /* one process in pyperf's worker mode, one loop, the benchmark's own
     * script in site-packages */
    const struct pb_run_record *plain = record_of(&recs, "plain");
    ck_assert_msg(plain->status == PB_RUN_OK, "plain: %s", plain->error);
    ck_assert_ptr_nonnull(plain->argv);
    ck_assert_ptr_nonnull(strstr(plain->argv[1], "/pyperformance/data-files/benchmarks/bm_raytrace/run_benchmark.py"));
    const char *worker[] = { "--worker", "-w", "0", "-n", "1", "-l", "1" };
    for (size_t i = 0; i < 7; i++)
        ck_assert_str_eq(plain->argv[2 + i], worker[i]);
    ck_assert_ptr_null(plain->argv[9]);

    /* Scalene's profile names the benchmark's functions */
    const struct pb_run_record *sc = record_of(&recs, "scalene_cpu");
    ck_assert_msg(sc->status == PB_RUN_OK, "scalene_cpu: %s", sc->error);
    char rel[1024];
    snprintf(rel, sizeof rel, "%s/scalene.json", sc->outdir);
    ck_assert_msg(file_has(res, rel, "bm_raytrace/run_benchmark.py", &size), "%s: %ld bytes", rel, size);
    ck_assert_msg(file_has(res, rel, "intersectionTime", &size), "%s: %ld bytes", rel, size);

    /* line_profiler timed the hot function in site-packages */
    const struct pb_run_record *lp = record_of(&recs, "line_profiler");
    ck_assert_msg(lp->status == PB_RUN_OK, "line_profiler: %s", lp->error);
    snprintf(rel, sizeof rel, "%s/line_profiler.lprof", lp->outdir);
    ck_assert_msg(file_has(res, rel, "Sphere.intersectionTime", &size), "%s: %ld bytes", rel, size);

    /* without --profile-all, Scalene's "{}" is an empty profile: no_output */
    const struct pb_run_record *def = record_of(&recs, "scalene_default");
    ck_assert_int_eq(def->status, PB_RUN_NO_OUTPUT);
    ck_assert_msg(strstr(def->error, "output 'scalene.json' holds ")
                  && strstr(def->error, "fewer than its 64 (min_bytes): an empty profile"), "%s", def->error);

    pb_records_release(&recs);
    free(res);
}
END_TEST

Suite *pyperformance_run_suite(void)
{
    Suite *s = suite_create("pyperformance_run");
    TCase *run = tcase_create("run");

    tcase_set_timeout(run, 300);
    tcase_add_checked_fixture(run, setup, teardown);
    tcase_add_test(run, benchmark_profiled_in_site_packages);
    suite_add_tcase(s, run);
    return s;
}
