/* Measurement you can quote, end to end with the real binary. runs: auto:
 * a quiet pair stops early, a noisy one runs on to max_runs, a pair that
 * times out is a lower bound and runs no more, and the time budget stops
 * everything. sizes: start-up cost and steady-state overhead are fitted
 * apart. */
#include <check.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"

static char *dir;
static char runs_log[8192];     /* runs.jsonl of the last run_config */
static char *run_out;           /* and its output */

static void setup(void)
{
    dir = tu_mkdtemp();
    ck_assert_ptr_nonnull(dir);
    free(tu_write_file(dir, "nap.py", "import time\ntime.sleep(0.25)\n"));
}

static void teardown(void)
{
    free(run_out);
    run_out = NULL;
    tu_rmtree(dir);
    free(dir);
}

/* Writes config text to dir/name, runs it, checks that it exits 0 and
 * prints expect, and returns the one results directory's summary
 * (runs_log names its runs.jsonl). */
static json_t *run_summary(const char *name, const char *text, const char *expect)
{
    char res[4096], path[8192], *out = NULL;
    char *cfg = tu_write_file(dir, name, text);
    snprintf(res, sizeof res, "%s/results", dir);
    char *argv[] = { PB_BINARY, "run", cfg, "-o", res, "--no-plot", NULL };
    int rc = tu_run(argv, &out);
    ck_assert_msg(rc == 0, "pbench run exited %d:\n%s", rc, out);
    ck_assert_ptr_nonnull(strstr(out, expect));
    free(run_out);
    run_out = out;
    free(cfg);
    char *rd = tu_only_subdir(res);
    ck_assert_ptr_nonnull(rd);
    snprintf(path, sizeof path, "%s/summary.json", rd);
    snprintf(runs_log, sizeof runs_log, "%s/runs.jsonl", rd);
    free(rd);
    json_error_t jerr;
    json_t *sum = json_load_file(path, 0, &jerr);
    ck_assert_ptr_nonnull(sum);
    return sum;
}

static json_t *run_config(const char *defaults, const char *extra_profilers)
{
    char text[4096];
    snprintf(text, sizeof text,
        "python: %s\n"
        "defaults: {%s}\n"
        "workloads: [{name: w, script: nap.py}]\n"
        "profilers:\n"
        "  - {name: plain, baseline: true, command: [\"{python}\", \"{script}\"]}\n"
        "  - {name: quiet, command: [\"{python}\", \"{script}\"]}\n"
        "  - name: noisy\n"
        "    command: [\"{python}\", \"-c\", \"import random, time; time.sleep(0.1 * random.lognormvariate(0, 1))\"]\n"
        "%s", tu_python(), defaults, extra_profilers);
    return run_summary("auto.yaml", text, "runs: auto: ");
}

static json_t *pair(json_t *sum, const char *p)
{
    size_t i;
    json_t *x;
    json_array_foreach(json_object_get(sum, "pairs"), i, x)
        if (!strcmp(json_string_value(json_object_get(x, "profiler")), p))
            return x;
    ck_abort_msg("no pair for %s", p);
    return NULL;
}

static const char *why(json_t *sum, const char *p)
{
    return json_string_value(json_object_get(pair(sum, p), "adaptive"));
}

/* Records of profiler p in the last run's runs.jsonl, whatever their status. */
static int records(const char *p)
{
    char *log = tu_read_file(runs_log), needle[128];
    int n = 0;
    ck_assert_ptr_nonnull(log);
    snprintf(needle, sizeof needle, "\"profiler\":\"%s\"", p);
    for (const char *q = log; (q = strstr(q, needle)); q += strlen(needle))
        n++;
    free(log);
    return n;
}

/* The seconds of the last "[... elapsed" in a run's log (2s, 1m07s). */
static int last_elapsed(const char *out)
{
    const char *p = NULL;
    int m = 0, s = -1;

    for (const char *q = out; (q = strstr(q, "s elapsed")); q++)
        p = q;
    ck_assert_ptr_nonnull(p);
    while (p > out && p[-1] != '[')
        p--;
    if (sscanf(p, "%dm%ds", &m, &s) != 2) {
        m = 0;
        ck_assert_int_eq(sscanf(p, "%ds", &s), 1);
    }
    return m * 60 + s;
}

static long long runs(json_t *sum, const char *p)
{
    return json_integer_value(json_object_get(pair(sum, p), "runs"));
}

START_TEST(quiet_stops_early_noisy_goes_on_timeout_is_a_bound)
{
    json_t *sum = run_config("runs: auto, precision: 10%, min_runs: 3, max_runs: 8, warmup: 0, timeout: 30",
        "  - {name: hang, timeout: 0.5, command: [\"{python}\", \"-c\", \"import time; time.sleep(5)\"]}\n");
    ck_assert_str_eq(why(sum, "quiet"), "precise");
    ck_assert_str_eq(why(sum, "noisy"), "max_runs");
    ck_assert_int_eq(runs(sum, "noisy"), 8);
    ck_assert_int_lt(runs(sum, "quiet"), 8);
    ck_assert(json_number_value(json_object_get(pair(sum, "quiet"), "precision")) <= 0.10);
    ck_assert(json_number_value(json_object_get(pair(sum, "noisy"), "precision")) > 0.10);
    ck_assert_str_eq(why(sum, "hang"), "timeout");
    ck_assert(json_is_true(json_object_get(pair(sum, "hang"), "lower_bound")));
    ck_assert_int_eq(json_integer_value(json_object_get(pair(sum, "hang"), "timeouts")), 1);
    /* and it was not started again: each round is decided from the records */
    ck_assert_int_eq(records("hang"), 1);
    ck_assert_int_eq(records("noisy"), 8);
    /* the baseline ran as long as the noisy pair needed it */
    ck_assert_int_eq(runs(sum, "plain"), 8);
    /* the progress counts the rounds certain to come, as a lower bound: 4
     * pairs in round 1, and rounds 2 and 3 (min_runs) of all 4 before
     * hang timed out; then 3 pairs a round */
    ck_assert_msg(strstr(run_out, "[1/12+] w x ") && strstr(run_out, "ETA at least "), "%s", run_out);
    ck_assert_msg(strstr(run_out, "[5/10+] w x "), "%s", run_out);
    /* the time elapsed runs on across the rounds: the last line's covers
     * every run before it (at least 19 of 0.1-0.25 s), not its round's */
    ck_assert_msg(last_elapsed(run_out) >= 3, "%s", run_out);
    json_decref(sum);
}
END_TEST

START_TEST(budget_stops_the_matrix)
{
    json_t *sum = run_config("runs: auto, precision: 1%, min_runs: 3, max_runs: 50, budget: 0.5, warmup: 0", "");
    /* the budget stops the matrix, before min_runs if need be: a round
     * takes over 0.5 s (plain and quiet each sleep 0.25 s after Python's
     * start-up), so 0.5 s is spent within 4 rounds, not 50 */
    ck_assert_str_eq(why(sum, "noisy"), "budget");
    ck_assert_int_ge(runs(sum, "noisy"), 1);
    ck_assert_int_le(runs(sum, "noisy"), 4);
    ck_assert_int_eq(records("noisy"), runs(sum, "noisy"));
    json_decref(sum);
}
END_TEST

/* sizes: a profiler with a fixed start-up cost and one that doubles the
 * per-size work are told apart: start-up ~0.3 s and steady 1x, against
 * start-up ~0 and steady 2x. */
START_TEST(startup_and_steady_state_are_separated)
{
    char text[4096];
    free(tu_write_file(dir, "scaled.py",
        "import sys, time\n"
        "size, extra, factor = float(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3])\n"
        "time.sleep(extra + factor * size * 0.004)\n"));
    snprintf(text, sizeof text,
        "python: %s\n"
        "defaults: {runs: 3, warmup: 0}\n"
        "workloads: [{name: s, script: scaled.py, args: [\"{size}\"], sizes: [25, 50, 100]}]\n"
        "profilers:\n"
        "  - {name: plain, baseline: true, command: [\"{python}\", \"{script}\", \"{args}\", \"0\", \"1\"]}\n"
        "  - {name: slowstart, command: [\"{python}\", \"{script}\", \"{args}\", \"0.3\", \"1\"]}\n"
        "  - {name: slower, command: [\"{python}\", \"{script}\", \"{args}\", \"0\", \"2\"]}\n",
        tu_python());
    json_t *sum = run_summary("scaled.yaml", text, "Start-up versus steady state"), *x;
    size_t i;
    int seen = 0;
    ck_assert_ptr_nonnull(sum);
    json_array_foreach(json_object_get(sum, "scaling"), i, x) {
        const char *p = json_string_value(json_object_get(x, "profiler"));
        double su = json_number_value(json_object_get(json_object_get(x, "startup_s"), "value"));
        double sr = json_number_value(json_object_get(json_object_get(x, "steady_ratio"), "value"));
        ck_assert_str_eq(json_string_value(json_object_get(x, "workload")), "s");
        if (!strcmp(p, "slowstart")) {
            ck_assert_msg(su > 0.2 && su < 0.4, "slowstart start-up %.3f", su);
            ck_assert_msg(sr > 0.8 && sr < 1.25, "slowstart steady %.3f", sr);
            seen++;
        } else if (!strcmp(p, "slower")) {
            ck_assert_msg(su > -0.1 && su < 0.1, "slower start-up %.3f", su);
            ck_assert_msg(sr > 1.6 && sr < 2.5, "slower steady %.3f", sr);
            seen++;
        }
        ck_assert(json_number_value(json_object_get(x, "r2_baseline")) > 0.9);
    }
    ck_assert_int_eq(seen, 2);
    json_decref(sum);
}
END_TEST

Suite *adaptive_suite(void)
{
    Suite *s = suite_create("adaptive");
    TCase *core = tcase_create("core");
    tcase_add_checked_fixture(core, setup, teardown);
    tcase_set_timeout(core, 180);
    tcase_add_test(core, quiet_stops_early_noisy_goes_on_timeout_is_a_bound);
    tcase_add_test(core, budget_stops_the_matrix);
    tcase_add_test(core, startup_and_steady_state_are_separated);
    suite_add_tcase(s, core);
    return s;
}
