/* Calibration end to end: the real pbench binary calibrates a script
 * doing work proportional to its {size} (target 0.3 s) and a real
 * pyperformance benchmark (richards, target 0.5 s) on the test
 * interpreter; the plain runs with the chosen counts take their targets
 * within 30% (medians); calibration.json and config-resolved.json hold the
 * counts; a workload whose calibration fails is reported with why while
 * the rest runs; --resume reuses the counts without measuring again and
 * refuses a tampered or missing calibration.json; the report shows the
 * counts. Without pyperformance beside the interpreter the suite is
 * skipped (counted, never passed). */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "analysis/stats.h"
#include "core/pyperformance.h"
#include "store/calibration.h"
#include "store/records.h"
#include "store/resolved.h"
#include "store/summary.h"
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

static void need_pyperformance(void)
{
    struct pb_pyperf_bench b;
    struct pb_error err;
    static char why[PB_ERROR_MSG_MAX + 64];

    if (pb_pyperf_find(tu_python(), "richards", &b, &err) == 0) {
        pb_pyperf_bench_release(&b);
        return;
    }
    snprintf(why, sizeof why, "no pyperformance richards: %s", err.msg);
    tu_skip(why);
}

/* The median wall of workload w's measured plain runs in l; *n: how many;
 * *cpu: their median CPU time (user + system), which tells a busy machine
 * (wall well above CPU) in a failure's message. */
static double plain_median(const struct pb_run_list *l, const char *w, size_t *n, double *cpu)
{
    double walls[64], cpus[64];

    *n = 0;
    for (size_t i = 0; i < l->n && *n < 64; i++)
        if (!strcmp(l->items[i].workload, w) && !strcmp(l->items[i].profiler, "plain")
            && l->items[i].round >= 0 && l->items[i].status == PB_RUN_OK) {
            cpus[*n] = l->items[i].user_s + l->items[i].sys_s;
            walls[(*n)++] = l->items[i].wall_s;
        }
    *cpu = *n ? pb_stats_median(cpus, *n) : NAN;
    return *n ? pb_stats_median(walls, *n) : NAN;
}

/* 1 when some argv item of every plain run of w is exactly s. */
static int argv_has(const struct pb_run_list *l, const char *w, const char *s)
{
    int any = 0;

    for (size_t i = 0; i < l->n; i++) {
        int found = 0;
        if (strcmp(l->items[i].workload, w))
            continue;
        for (char **a = l->items[i].argv; a && *a; a++)
            found |= !strcmp(*a, s);
        if (!found)
            return 0;
        any = 1;
    }
    return any;
}

static int run_pbench(char *const argv[], char **out)
{
    int rc = tu_run(argv, out);
    return rc;
}

/* Runs the config, returns the results directory (caller frees). */
static char *first_run(char **out)
{
    char text[4096], cfg[4096], base[4096];

    free(tu_write_file(dir, "busy.py",
        "import sys\n"
        "n = int(sys.argv[1])\n"
        "s = 0\n"
        "for i in range(n):\n"
        "    s += i * i\n"));
    free(tu_write_file(dir, "broken.py", "import sys\nsys.exit('no work for ' + sys.argv[1])\n"));
    snprintf(text, sizeof text,
        "name: calib\n"
        "include: [%s/configs/profilers.yaml]\n"
        "python: %s\n"
        "defaults: {runs: 5, warmup: 0, timeout: 60, seed: 5}\n"
        "workloads:\n"
        "  - {name: busy, script: busy.py, args: [\"{size}\"], target: 0.3s}\n"
        "  - {name: richards, pyperformance: richards, target: 0.5s}\n"
        "  - {name: broken, script: broken.py, args: [\"{size}\"], target: 0.3s}\n"
        "select: {profilers: [plain]}\n",
        PB_SOURCE_DIR, tu_python());
    free(tu_write_file(dir, "calib.yaml", text));
    snprintf(cfg, sizeof cfg, "%s/calib.yaml", dir);
    snprintf(base, sizeof base, "%s/results", dir);
    char *argv[] = { PB_BINARY, "run", cfg, "-o", base, "--no-plot", NULL };
    int rc = run_pbench(argv, out);
    ck_assert_msg(rc == 0, "pbench run exited %d:\n%s", rc, *out);
    char *res = tu_only_subdir(base);
    ck_assert_ptr_nonnull(res);
    return res;
}

/* Keeps the first n lines of res/runs.jsonl: an interrupted run. */
static void cut_runs(const char *res, int n)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/runs.jsonl", res);
    char *text = tu_read_file(path), *p = text;
    ck_assert_ptr_nonnull(text);
    for (int i = 0; i < n && p; i++)
        if ((p = strchr(p, '\n')))
            p++;
    ck_assert_ptr_nonnull(p);
    *p = '\0';
    free(tu_write_file(res, "runs.jsonl", text));
    free(text);
}

START_TEST(counts_take_their_targets)
{
    char *out = NULL, *res, count[32];
    struct pb_calibration cal;
    struct pb_run_list recs;
    struct pb_resolved r;
    struct pb_error err;
    size_t n;

    need_pyperformance();
    res = first_run(&out);
    ck_assert_msg(strstr(out, "calibrating busy") && strstr(out, "calibrated richards: "), "%s", out);
    ck_assert_msg(pb_calibration_load(res, &cal, &err) == 0, "%s", err.msg);
    ck_assert_uint_eq(cal.n, 3);
    const struct pb_calibration_entry *busy = pb_calibration_find(&cal, "busy");
    const struct pb_calibration_entry *rich = pb_calibration_find(&cal, "richards");
    const struct pb_calibration_entry *broken = pb_calibration_find(&cal, "broken");
    ck_assert(busy && rich && broken);
    ck_assert_int_gt(busy->count, 1000);
    ck_assert_int_gt(rich->count, 1);
    ck_assert_str_eq(rich->python, tu_python());
    ck_assert_ptr_nonnull(strstr(broken->error, "exit code 1: no work for 1"));

    /* the plain runs at the chosen counts take their targets */
    ck_assert_int_eq(pb_records_read(res, 0, &recs, &err), 0);
    /* within 30%, in wall time or, when other processes took the CPU
     * from the runs (wall 0.48 s against CPU 0.31 s once, under load), in
     * CPU time: a wrong count is off in both */
    double cpu, m = plain_median(&recs, "busy", &n, &cpu);
    ck_assert_uint_eq(n, 5);
    ck_assert_msg(fabs(m - 0.3) <= 0.3 * 0.3 || fabs(cpu - 0.3) <= 0.3 * 0.3,
                  "busy: %lld took %.3f s (median; CPU %.3f s), target 0.3 s\n%s",
                  busy->count, m, cpu, out);
    m = plain_median(&recs, "richards", &n, &cpu);
    ck_assert_uint_eq(n, 5);
    ck_assert_msg(fabs(m - 0.5) <= 0.3 * 0.5 || fabs(cpu - 0.5) <= 0.3 * 0.5,
                  "richards: %lld loops took %.3f s (median; CPU %.3f s), target 0.5 s\n%s",
                  rich->count, m, cpu, out);
    /* with those counts: pyperf's -l, the script's argument */
    snprintf(count, sizeof count, "%lld", rich->count);
    ck_assert(argv_has(&recs, "richards", count));
    snprintf(count, sizeof count, "%lld", busy->count);
    ck_assert(argv_has(&recs, "busy", count));
    plain_median(&recs, "broken", &n, &cpu);
    ck_assert_uint_eq(n, 0);
    pb_records_release(&recs);
    /* config-resolved.json holds them (and so its hash) */
    ck_assert_int_eq(pb_resolved_load(res, &r, &err), 0);
    const struct pb_resolved_workload *rw = pb_resolved_workload(&r, "busy");
    ck_assert_str_eq(rw->args.v[0], count);
    ck_assert(rw->target == 0.3);
    pb_resolved_release(&r);
    /* the summary says why broken did not run */
    struct pb_summary *s = pb_summary_load(res, &err);
    ck_assert_ptr_nonnull(s);
    const struct pb_pair *bp = pb_summary_pair(s, "broken", "plain");
    ck_assert_ptr_nonnull(bp);
    ck_assert_int_eq(bp->status, PB_PAIR_NOT_RUN);
    ck_assert_msg(bp->failure_reason && strstr(bp->failure_reason, "calibration failed: its plain run "
                  "with the count 1: exit code 1: no work for 1"), "%s", bp->failure_reason);
    ck_assert_int_eq(pb_summary_pair(s, "busy", "plain")->status, PB_PAIR_OK);
    pb_summary_free(s);
    /* the report shows the counts */
    char report[4096];
    snprintf(report, sizeof report, "%s/report.md", dir);
    char *rargv[] = { PB_BINARY, "report", res, "-o", report, "--no-plot", NULL };
    free(out);
    ck_assert_int_eq(run_pbench(rargv, &out), 0);
    char *md = tu_read_file(report);
    snprintf(count, sizeof count, "| richards | 0.5 | %lld |", rich->count);
    ck_assert_msg(md && strstr(md, "## Calibration") && strstr(md, count), "%s", md);
    free(md);
    pb_calibration_release(&cal);
    free(out);
    free(res);
}
END_TEST

START_TEST(resume_reuses_the_counts)
{
    char *out = NULL, *res, path[4096];
    struct pb_run_list recs;
    struct pb_error err;

    need_pyperformance();
    res = first_run(&out);
    free(out);
    snprintf(path, sizeof path, "%s/calibration.json", res);
    char *before = tu_read_file(path);
    ck_assert_ptr_nonnull(before);
    cut_runs(res, 3);

    char *argv[] = { PB_BINARY, "run", "--resume", res, "--no-plot", NULL };
    int rc = run_pbench(argv, &out);
    ck_assert_msg(rc == 0, "pbench run --resume exited %d:\n%s", rc, out);
    ck_assert_msg(!strstr(out, "calibrating") && strstr(out, "not measured again"), "%s", out);
    char *after = tu_read_file(path);
    ck_assert_str_eq(after, before);
    free(after);
    /* the runs made again have the counts of the first */
    ck_assert_int_eq(pb_records_read(res, 0, &recs, &err), 0);
    ck_assert_uint_eq(recs.n, 10);
    char *first = NULL;
    for (size_t i = 0; i < recs.n; i++) {
        if (strcmp(recs.items[i].workload, "richards"))
            continue;
        char **a = recs.items[i].argv;
        while (*a && strcmp(*a, "-l"))
            a++;
        ck_assert_ptr_nonnull(a[0]);
        if (!first)
            first = strdup(a[1]);
        ck_assert_str_eq(a[1], first);
    }
    free(first);
    pb_records_release(&recs);
    free(out);

    /* a count changed by hand: another hash, refused */
    char *tampered = strdup(before), *c = strstr(tampered, "\"count\": ");
    ck_assert_ptr_nonnull(c);
    c[9] = c[9] == '9' ? '8' : '9';
    free(tu_write_file(res, "calibration.json", tampered));
    free(tampered);
    ck_assert_int_ne(run_pbench(argv, &out), 0);
    ck_assert_msg(strstr(out, "refusing to resume"), "%s", out);
    free(out);
    /* none at all: said so */
    unlink(path);
    ck_assert_int_ne(run_pbench(argv, &out), 0);
    ck_assert_msg(strstr(out, "has no calibration.json"), "%s", out);
    free(out);
    /* a broken one: located */
    free(tu_write_file(res, "calibration.json", "{\"workloads\": [}"));
    ck_assert_int_ne(run_pbench(argv, &out), 0);
    ck_assert_msg(strstr(out, "calibration.json:1:") && strstr(out, "invalid JSON"), "%s", out);
    free(out);
    free(before);
    free(res);
}
END_TEST

/* Every calibration failed: nothing can run, said with why, and no
 * results directory is left. */
START_TEST(nothing_calibrated_nothing_made)
{
    char text[2048], cfg[4096], base[4096], *out = NULL;

    free(tu_write_file(dir, "broken.py", "import sys\nsys.exit('no work for ' + sys.argv[1])\n"));
    snprintf(text, sizeof text,
        "include: [%s/configs/profilers.yaml]\n"
        "python: %s\n"
        "workloads: [{name: nope, script: broken.py, args: [\"{size}\"], target: 1s}]\n"
        "select: {profilers: [plain]}\n", PB_SOURCE_DIR, tu_python());
    free(tu_write_file(dir, "none.yaml", text));
    snprintf(cfg, sizeof cfg, "%s/none.yaml", dir);
    snprintf(base, sizeof base, "%s/results", dir);
    char *argv[] = { PB_BINARY, "run", cfg, "-o", base, "--no-plot", NULL };
    ck_assert_int_eq(run_pbench(argv, &out), 1);
    ck_assert_msg(strstr(out, "nothing can run: 'nope': calibration failed: its plain run with the "
                             "count 1: exit code 1: no work for 1"), "%s", out);
    ck_assert_int_ne(access(base, F_OK), 0);
    free(out);
}
END_TEST

Suite *calibrate_run_suite(void)
{
    Suite *s = suite_create("calibrate_run");
    TCase *core = tcase_create("core");

    tcase_add_checked_fixture(core, setup, teardown);
    tcase_set_timeout(core, 300);
    tcase_add_test(core, counts_take_their_targets);
    tcase_add_test(core, resume_reuses_the_counts);
    tcase_add_test(core, nothing_calibrated_nothing_made);
    suite_add_tcase(s, core);
    return s;
}
