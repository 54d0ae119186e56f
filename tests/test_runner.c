/* runner and matrix: a plan executed into a results directory, decided
 * with a deterministic fake executor (no processes, no sleeping): what is
 * recorded and with which argv and environment, timeouts that stop a
 * pair, spawn errors, missing outputs, interruption, resume, and the
 * adaptive rounds of runs: auto. The real processes are in test_e2e and
 * test_adaptive. */
#include <check.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/config.h"
#include "core/plan.h"
#include "run/matrix.h"
#include "run/runner.h"
#include "store/records.h"
#include "testutil.h"

static char *dir;
static struct pb_config *cfg;

/* The fake: every call is logged; the outcome is chosen by the
 * profiler named in argv[1] (the config's commands are [python, NAME,
 * {script}]). */
struct fake {
    size_t calls;
    char argv1[64][32];         /* argv[1] of each call */
    int saw_pad, saw_env;       /* PBENCH_ENV_PAD and FOO=... seen in envp */
    double timeout[64];
    int noisy_call;
    volatile sig_atomic_t *stop;    /* set it during the call named "stopper" */
};

static int fake_exec(const struct pb_spawn_opts *so, struct pb_spawn_result *res,
                     struct pb_error *err, void *ud)
{
    struct fake *f = ud;
    const char *who = so->argv[1];

    memset(res, 0, sizeof *res);
    if (f->calls < 64) {
        snprintf(f->argv1[f->calls], sizeof f->argv1[0], "%s", who);
        f->timeout[f->calls] = so->timeout_s;
    }
    f->calls++;
    for (size_t i = 0; so->envp && so->envp[i]; i++) {
        f->saw_pad |= !strncmp(so->envp[i], "PBENCH_ENV_PAD=", 15);
        f->saw_env |= !strcmp(so->envp[i], "FOO=w-x");
    }
    res->wall_s = 1.0;
    res->user_s = 0.9;
    res->maxrss_kb = res->tree_peak_rss_kb = 1000;
    if (!strcmp(who, "double")) {
        res->wall_s = 2.0;
    } else if (!strcmp(who, "noisy")) {
        res->wall_s = (f->noisy_call++ % 2) ? 1.0 : 3.0;   /* never precise */
    } else if (!strcmp(who, "hang")) {
        res->timed_out = 1;
        res->exit_code = 128 + SIGKILL;
        res->term_signal = SIGKILL;
    } else if (!strcmp(who, "boom")) {
        res->exit_code = 1;
        free(tu_write_file(so->output_dir, "stderr.txt", "trace\nValueError: boom\n"));
    } else if (!strcmp(who, "nofork")) {
        return pb_error_set(err, "fork failed: Resource temporarily unavailable");
    } else if (!strcmp(who, "stopper")) {
        *f->stop = SIGINT;
        res->interrupted = 1;
    } else if (!strcmp(who, "writes")) {
        free(tu_write_file(so->output_dir, "out.json", "{}"));
    }
    return 0;
}

static void load(const char *defaults, const char *profilers)
{
    char text[4096];

    snprintf(text, sizeof text,
        "python: %s\n"
        "defaults: {%s}\n"
        "workloads: [{name: w, script: w.py}]\n"
        "profilers:\n"
        "  - {name: plain, baseline: true, command: [\"{python}\", plain, \"{script}\"]}\n"
        "%s", tu_python(), defaults, profilers);
    cfg = tu_load_config(dir, "c.yaml", text);
}

static void setup(void)
{
    dir = tu_mkdtemp();
    free(tu_write_file(dir, "w.py", "pass\n"));
    cfg = NULL;
}

static void teardown(void)
{
    pb_config_free(cfg);
    tu_rmtree(dir);
    free(dir);
}

/* Runs cfg's whole plan with the fake into dir; records in *recs. */
static int run_plan(struct fake *f, struct pb_run_list *recs, struct pb_runner_stats *st,
                    volatile sig_atomic_t *stop)
{
    struct pb_plan plan;
    struct pb_error err;
    ck_assert_int_eq(pb_plan_build(cfg, 7, &plan, &err), 0);
    struct pb_runner_opts o = { .cfg = cfg, .plan = &plan, .dir = dir, .pbench_path = "/bin/true",
                                .stop = stop, .records = recs, .pin_cpu = -1, .total = plan.n,
                                .exec = fake_exec, .exec_ud = f };
    int rc = pb_runner_run(&o, st, &err);
    pb_plan_release(&plan);
    return rc;
}

static size_t n_of(const struct pb_run_list *l, const char *p, enum pb_run_status s, int measured)
{
    size_t n = 0;
    for (size_t i = 0; i < l->n; i++)
        n += !strcmp(l->items[i].profiler, p) && l->items[i].status == s
             && (!measured || l->items[i].round >= 0);
    return n;
}

START_TEST(records_argv_env_and_outcomes)
{
    struct fake f = { 0 };
    struct pb_run_list recs = { 0 }, disk;
    struct pb_runner_stats st;
    struct pb_error err;

    load("runs: 2, warmup: 0, timeout: 7",
         "  - {name: double, command: [\"{python}\", double, \"{script}\"], env: {FOO: \"{workload}-x\"}}\n"
         "  - {name: boom, command: [\"{python}\", boom, \"{script}\"]}\n"
         "  - {name: nofork, command: [\"{python}\", nofork, \"{script}\"]}\n"
         "  - {name: writes, command: [\"{python}\", writes], outputs: [out.json]}\n"
         "  - {name: silent, command: [\"{python}\", silent], outputs: [out.json]}\n");
    ck_assert_int_eq(run_plan(&f, &recs, &st, NULL), 0);
    ck_assert_uint_eq(st.executed, 12);
    ck_assert_uint_eq(f.calls, 12);
    ck_assert(f.saw_pad && f.saw_env);
    ck_assert(f.timeout[0] == 7.0);
    /* the outcomes, classified */
    ck_assert_uint_eq(n_of(&recs, "double", PB_RUN_OK, 1), 2);
    ck_assert_uint_eq(n_of(&recs, "boom", PB_RUN_FAILED, 1), 2);
    ck_assert_uint_eq(n_of(&recs, "nofork", PB_RUN_SPAWN_ERROR, 1), 2);
    ck_assert_uint_eq(n_of(&recs, "writes", PB_RUN_OK, 1), 2);
    ck_assert_uint_eq(n_of(&recs, "silent", PB_RUN_NO_OUTPUT, 1), 2);
    /* the list in memory is what runs.jsonl holds, argv and env included */
    ck_assert_int_eq(pb_records_read(dir, 0, &disk, &err), 0);
    ck_assert_uint_eq(disk.n, recs.n);
    for (size_t i = 0; i < disk.n; i++) {
        const struct pb_run_record *r = &disk.items[i];
        ck_assert_str_eq(r->profiler, recs.items[i].profiler);
        if (!strcmp(r->profiler, "double")) {
            ck_assert_ptr_nonnull(r->argv);
            ck_assert_str_eq(r->argv[0], tu_python());
            ck_assert_str_eq(r->argv[1], "double");
            ck_assert_ptr_nonnull(strstr(r->argv[2], "/w.py"));
            ck_assert_ptr_null(r->argv[3]);
            ck_assert_ptr_nonnull(r->env);
            ck_assert_str_eq(r->env[0], "FOO=w-x");
            ck_assert_int_gt(r->env_pad, 0);
        }
        if (!strcmp(r->profiler, "boom"))
            ck_assert_str_eq(r->error, "exit code 1: ValueError: boom");
        if (!strcmp(r->profiler, "nofork"))
            ck_assert_ptr_nonnull(strstr(r->error, "fork failed"));
        if (!strcmp(r->profiler, "silent"))
            ck_assert_str_eq(r->error, "expected output 'out.json' was not written");
    }
    pb_records_release(&disk);
    pb_records_release(&recs);
}
END_TEST

/* An output that exists but holds fewer than its min_bytes (the fake's
 * "writes" leaves the 2 bytes "{}", as Scalene does when it profiled
 * nothing) is no_output with the file and its size; at min_bytes it is ok. */
START_TEST(empty_output_is_no_output)
{
    struct fake f = { 0 };
    struct pb_run_list recs = { 0 };
    struct pb_runner_stats st;

    load("runs: 2, warmup: 0",
         "  - {name: writes, command: [\"{python}\", writes], outputs: [{file: out.json, min_bytes: 64}]}\n"
         "  - {name: enough, command: [\"{python}\", writes], outputs: [{file: out.json, min_bytes: 2}]}\n");
    ck_assert_int_eq(run_plan(&f, &recs, &st, NULL), 0);
    ck_assert_uint_eq(n_of(&recs, "writes", PB_RUN_NO_OUTPUT, 1), 2);
    ck_assert_uint_eq(n_of(&recs, "enough", PB_RUN_OK, 1), 2);
    ck_assert_uint_eq(st.failed, 2);
    for (size_t i = 0; i < recs.n; i++)
        if (!strcmp(recs.items[i].profiler, "writes"))
            ck_assert_str_eq(recs.items[i].error,
                             "output 'out.json' holds 2 bytes, fewer than its 64 (min_bytes): an empty profile");
    pb_records_release(&recs);
}
END_TEST

START_TEST(timeout_stops_the_pair)
{
    struct fake f = { 0 };
    struct pb_run_list recs = { 0 };
    struct pb_runner_stats st;

    load("runs: 3, warmup: 1, timeout: 5",
         "  - {name: hang, command: [\"{python}\", hang, \"{script}\"]}\n");
    ck_assert_int_eq(run_plan(&f, &recs, &st, NULL), 0);
    /* the warm-up timed out: the hang pair is started once, its three
     * measured runs are recorded as skipped, the baseline runs on */
    size_t started = 0;
    for (size_t i = 0; i < f.calls && i < 64; i++)
        started += !strcmp(f.argv1[i], "hang");
    ck_assert_uint_eq(started, 1);
    ck_assert_uint_eq(n_of(&recs, "hang", PB_RUN_TIMEOUT, 0), 1);
    ck_assert_uint_eq(n_of(&recs, "hang", PB_RUN_SKIPPED, 1), 3);
    ck_assert_uint_eq(n_of(&recs, "plain", PB_RUN_OK, 1), 3);
    for (size_t i = 0; i < recs.n; i++)
        if (recs.items[i].status == PB_RUN_TIMEOUT)
            ck_assert_str_eq(recs.items[i].error, "timed out after 5 s");
    pb_records_release(&recs);
}
END_TEST

START_TEST(interrupt_and_resume)
{
    struct fake f = { 0 };
    struct pb_run_list recs = { 0 };
    struct pb_runner_stats st;
    volatile sig_atomic_t stop = 0;

    f.stop = &stop;
    load("runs: 2, warmup: 0", "  - {name: stopper, command: [\"{python}\", stopper, \"{script}\"]}\n");
    ck_assert_int_eq(run_plan(&f, &recs, &st, &stop), 0);
    ck_assert(st.interrupted);
    /* the interrupted run is no measurement: not recorded */
    ck_assert_uint_eq(n_of(&recs, "stopper", PB_RUN_OK, 0) + n_of(&recs, "stopper", PB_RUN_FAILED, 0), 0);
    size_t before = recs.n;
    ck_assert_uint_lt(before, 4);
    /* resumed with the interruption gone: only the missing runs run */
    pb_config_free(cfg);
    load("runs: 2, warmup: 0", "  - {name: stopper, command: [\"{python}\", double, \"{script}\"]}\n");
    stop = 0;
    f.calls = 0;
    ck_assert_int_eq(run_plan(&f, &recs, &st, &stop), 0);
    ck_assert(!st.interrupted);
    ck_assert_uint_eq(st.skipped_done, before);
    ck_assert_uint_eq(f.calls, 4 - before);
    ck_assert_uint_eq(recs.n, 4);
    pb_records_release(&recs);
}
END_TEST

/* runs: auto through pb_matrix_run: a quiet pair stops at min_runs, a
 * noisy one runs to max_runs with its baseline, a hanging one runs once;
 * the same records decide the same rounds again. */
START_TEST(adaptive_rounds)
{
    struct fake f = { 0 };
    struct pb_session s;
    struct pb_plan plan;
    struct pb_matrix_stats st;
    struct pb_error err;

    load("runs: auto, precision: 5%, min_runs: 3, max_runs: 6, warmup: 0, timeout: 5",
         "  - {name: quiet, command: [\"{python}\", double, \"{script}\"]}\n"
         "  - {name: noisy, command: [\"{python}\", noisy, \"{script}\"]}\n"
         "  - {name: hang, command: [\"{python}\", hang, \"{script}\"]}\n");
    memset(&s, 0, sizeof s);
    s.dir = strdup(dir);
    s.cfg = cfg;
    s.seed = 3;
    ck_assert_int_eq(pb_plan_build(cfg, s.seed, &plan, &err), 0);
    struct pb_matrix_opts mo = { .session = &s, .first = &plan, .pbench_path = "/bin/true",
                                 .pin_cpu = -1, .exec = fake_exec, .exec_ud = &f };
    ck_assert_int_eq(pb_matrix_run(&mo, &st, &err), 0);
    ck_assert_uint_eq(n_of(&s.records, "quiet", PB_RUN_OK, 1), 3);
    ck_assert_uint_eq(n_of(&s.records, "noisy", PB_RUN_OK, 1), 6);
    ck_assert_uint_eq(n_of(&s.records, "plain", PB_RUN_OK, 1), 6);
    ck_assert_uint_eq(n_of(&s.records, "hang", PB_RUN_TIMEOUT, 1), 1);
    ck_assert_uint_eq(n_of(&s.records, "hang", PB_RUN_SKIPPED, 1), 0);
    ck_assert_int_eq(st.rounds, 5);
    ck_assert_uint_eq(st.executed, s.records.n);
    /* a resumed matrix with every record there decides nothing new */
    f.calls = 0;
    ck_assert_int_eq(pb_matrix_run(&mo, &st, &err), 0);
    ck_assert_uint_eq(f.calls, 0);
    pb_plan_release(&plan);
    pb_records_release(&s.records);
    free(s.dir);
}
END_TEST

/* The budget stops every pair at once. */
START_TEST(adaptive_budget)
{
    struct fake f = { 0 };
    struct pb_session s;
    struct pb_plan plan;
    struct pb_matrix_stats st;
    struct pb_error err;

    load("runs: auto, precision: 1%, min_runs: 2, max_runs: 30, budget: 9, warmup: 0",
         "  - {name: noisy, command: [\"{python}\", noisy, \"{script}\"]}\n");
    memset(&s, 0, sizeof s);
    s.dir = strdup(dir);
    s.cfg = cfg;
    s.seed = 1;
    ck_assert_int_eq(pb_plan_build(cfg, s.seed, &plan, &err), 0);
    struct pb_matrix_opts mo = { .session = &s, .first = &plan, .pbench_path = "/bin/true",
                                 .pin_cpu = -1, .exec = fake_exec, .exec_ud = &f };
    ck_assert_int_eq(pb_matrix_run(&mo, &st, &err), 0);
    /* noisy walls 3, 1, 3, ... and plain 1 each: rounds of 4 s and 2 s;
     * a round starts only while less than 9 s are spent */
    double spent = 0;
    for (size_t i = 0; i < s.records.n; i++)
        spent += s.records.items[i].wall_s;
    ck_assert(spent >= 9 && spent < 9 + 4);
    ck_assert_uint_lt(n_of(&s.records, "noisy", PB_RUN_OK, 1), 30);
    pb_plan_release(&plan);
    pb_records_release(&s.records);
    free(s.dir);
}
END_TEST

Suite *runner_suite(void)
{
    Suite *s = suite_create("runner");
    TCase *core = tcase_create("core");
    TCase *adaptive = tcase_create("adaptive");
    tcase_add_checked_fixture(core, setup, teardown);
    tcase_add_checked_fixture(adaptive, setup, teardown);
    tcase_add_test(core, records_argv_env_and_outcomes);
    tcase_add_test(core, empty_output_is_no_output);
    tcase_add_test(core, timeout_stops_the_pair);
    tcase_add_test(core, interrupt_and_resume);
    tcase_add_test(adaptive, adaptive_rounds);
    tcase_add_test(adaptive, adaptive_budget);
    suite_add_tcase(s, core);
    suite_add_tcase(s, adaptive);
    return s;
}
