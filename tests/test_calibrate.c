/* calibrate: the run layer's calibration with a fake executor (each plain
 * run "takes" a time known from its count): the chosen counts go into the
 * config, a failing or flat workload is marked with why (its pairs are not
 * planned) while the others go on, an interruption stops it, and a stored
 * calibration puts the same counts in again (--resume). The real processes
 * are tested end to end in test_calibrate_run.c. */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/config.h"
#include "core/plan.h"
#include "run/calibrate.h"
#include "testutil.h"

static char *dir;

static void setup(void)
{
    dir = tu_mkdtemp();
    ck_assert_ptr_nonnull(dir);
    free(tu_write_file(dir, "w.py", "pass\n"));
}

static void teardown(void)
{
    tu_rmtree(dir);
    free(dir);
}

static struct pb_config *load(const char *sel)
{
    char text[4096];

    snprintf(text, sizeof text,
        "python: /bin/sh\n"
        "defaults: {timeout: 50}\n"
        "workloads:\n"
        "  - {name: lin, script: w.py, args: [\"{size}\", lin], target: 2s}\n"
        "  - {name: fails, script: w.py, args: [\"{size}\", fail], target: 1}\n"
        "  - {name: flat, script: w.py, args: [\"{size}\", flat], target: 1}\n"
        "  - {name: two, script: w.py, args: [\"--n={size}\", lin], target: [1s, 3s], timeout: 9}\n"
        "  - {name: fixed, script: w.py, args: [\"7\", lin]}\n"
        "profilers:\n"
        "  - {name: plain, baseline: true, command: [\"{python}\", \"{script}\", \"{args}\"]}\n"
        "  - {name: other, command: [\"{python}\", \"{script}\", \"{args}\"], timeout: 1}\n"
        "%s", sel);
    return tu_load_config(dir, "c.yaml", text);
}

/* The fake executor's record. */
struct fake {
    int calls, stop_after;
    volatile sig_atomic_t stop;
    double timeouts[256];
    int cpu;
};

/* A plain run of argv [python, script, count-arg, mode]: lin takes
 * 0.1 s + 1 ms a unit, flat 0.05 s whatever the count, fail exits 3 with
 * "boom" on stderr. */
static int fake_exec(const struct pb_spawn_opts *so, struct pb_spawn_result *res,
                     struct pb_error *err, void *ud)
{
    struct fake *f = ud;
    const char *arg = so->argv[2], *mode = so->argv[3];
    long long n = atoll(strncmp(arg, "--n=", 4) ? arg : arg + 4);

    (void)err;
    /* /bin/sh, or an interpreter of the pythons: test below */
    ck_assert(!strcmp(so->argv[0], "/bin/sh") || strstr(so->argv[0], "/bin/python"));
    memset(res, 0, sizeof *res);
    if (f->calls < 256)
        f->timeouts[f->calls] = so->timeout_s;
    f->cpu = so->cpu;
    if (++f->calls == f->stop_after)
        f->stop = 1;
    if (so->stop && *so->stop) {
        res->interrupted = 1;
        return 0;
    }
    if (!strcmp(mode, "fail")) {
        FILE *e = fopen(so->stderr_path, "w");
        ck_assert_ptr_nonnull(e);
        fputs("Traceback...\nboom\n", e);
        fclose(e);
        res->exit_code = 3;
        res->wall_s = 0.02;
        return 0;
    }
    /* an interpreter under fast/ does a unit of work in half the time */
    double unit = strstr(so->argv[0], "/fast/") ? 0.0005 : 0.001;
    res->wall_s = !strcmp(mode, "flat") ? 0.05 : 0.1 + unit * (double)n;
    return 0;
}

static size_t index_of(const struct pb_config *cfg, const char *name)
{
    for (size_t i = 0; i < cfg->nworkloads; i++)
        if (!strcmp(cfg->workloads[i].name, name))
            return i;
    ck_abort_msg("no workload %s", name);
    return 0;
}

static int events[3];

static void on_event(const struct pb_calibrate_event *ev, void *ud)
{
    (void)ud;
    events[ev->kind]++;
    ck_assert_uint_le(ev->number, ev->total);
    ck_assert_uint_eq(ev->total, 5);
    if (ev->kind == PB_CALIBRATE_DONE)
        ck_assert(ev->entry->count > 0 || ev->entry->error);
}

START_TEST(counts_go_into_the_config)
{
    struct pb_config *cfg = load("");
    struct fake f = { 0 };
    struct pb_calibrate_opts o = { .cpu = 2, .cb = on_event, .exec = fake_exec, .exec_ud = &f,
                                   .stop = &f.stop };
    struct pb_calibration cal = { 0 };
    struct pb_error err;

    memset(events, 0, sizeof events);
    ck_assert_int_eq(pb_calibrate_run(cfg, &o, dir, &cal, &err), 0);
    ck_assert_uint_eq(cal.n, 5);
    ck_assert_int_eq(events[PB_CALIBRATE_START], 5);
    ck_assert_int_eq(events[PB_CALIBRATE_DONE], 5);
    ck_assert_int_eq(events[PB_CALIBRATE_POINT], f.calls - 1);  /* all but the failing run */
    ck_assert_int_eq(f.cpu, 2);
    /* 0.1 s + 1 ms a unit: 1900 units take 2 s */
    const struct pb_workload *lin = &cfg->workloads[index_of(cfg, "lin")];
    ck_assert_int_eq(lin->count, 1900);
    ck_assert_str_eq(lin->args.v[0], "1900");
    ck_assert_ptr_null(lin->unrunnable);
    const struct pb_calibration_entry *e = pb_calibration_find(&cal, "lin");
    ck_assert_int_eq(e->count, 1900);
    ck_assert(fabs(e->startup_s - 0.1) < 1e-6 && fabs(e->per_count_s - 0.001) < 1e-9);
    ck_assert_str_eq(e->python, "/bin/sh");
    /* the targets of a list, each its own count, as the size */
    const struct pb_workload *t1 = &cfg->workloads[index_of(cfg, "two@1s")];
    const struct pb_workload *t3 = &cfg->workloads[index_of(cfg, "two@3s")];
    ck_assert_str_eq(t1->args.v[0], "--n=900");
    ck_assert(t1->size == 900 && t3->size == 2900);
    /* each run had its plain timeout (the workload's 9 s for two) */
    for (int i = 0; i < f.calls; i++)
        ck_assert(f.timeouts[i] == 50 || f.timeouts[i] == 9);
    /* a run that fails: its stderr's last line says why, its pairs are out */
    size_t fi = index_of(cfg, "fails");
    ck_assert_ptr_nonnull(strstr(cfg->workloads[fi].unrunnable,
                                 "calibration failed: its plain run with the count 1: exit code 3: boom"));
    ck_assert_str_eq(pb_calibration_find(&cal, "fails")->error,
                     "its plain run with the count 1: exit code 3: boom");
    ck_assert_int_eq(pb_plan_pair_in(cfg, fi, 0), 0);
    ck_assert_int_eq(pb_plan_pair_in(cfg, index_of(cfg, "lin"), 0), 1);
    /* a count that sets no work */
    size_t xi = index_of(cfg, "flat");
    ck_assert_ptr_nonnull(strstr(cfg->workloads[xi].unrunnable, "does not take longer with a larger count"));
    ck_assert_ptr_nonnull(strstr(pb_calibration_find(&cal, "flat")->error, "{size}"));
    ck_assert_str_eq(cfg->workloads[index_of(cfg, "fixed")].args.v[0], "7");
    ck_assert_ptr_null(pb_calibration_find(&cal, "fixed"));

    /* --resume: the stored counts go into a fresh config, nothing runs */
    struct pb_config *again = load("");
    ck_assert_int_eq(pb_calibrate_apply(again, &cal, &err), 0);
    ck_assert_str_eq(again->workloads[index_of(again, "lin")].args.v[0], "1900");
    ck_assert(again->workloads[index_of(again, "two@3s")].size == 2900);
    ck_assert_ptr_nonnull(strstr(again->workloads[index_of(again, "fails")].unrunnable, "boom"));
    pb_config_free(again);
    /* a stored calibration that lacks a workload cannot be applied */
    struct pb_calibration partial = { 0 };
    ck_assert_ptr_nonnull(pb_calibration_add(&partial, "lin", NULL, 2));
    partial.entries[0].count = 5;
    again = load("");
    ck_assert_int_eq(pb_calibrate_apply(again, &partial, &err), -1);
    ck_assert_ptr_nonnull(strstr(err.msg, "no count for 'fails'"));
    pb_config_free(again);
    pb_calibration_release(&partial);
    pb_calibration_release(&cal);
    pb_config_free(cfg);
}
END_TEST

START_TEST(only_the_selected_are_calibrated)
{
    struct pb_config *cfg = load("select: {workloads: [lin, fixed]}\n");
    struct fake f = { 0 };
    struct pb_calibrate_opts o = { .exec = fake_exec, .exec_ud = &f };
    struct pb_calibration cal = { 0 };
    struct pb_error err;

    ck_assert_int_eq(pb_calibrate_wanted(cfg, index_of(cfg, "lin")), 1);
    ck_assert_int_eq(pb_calibrate_wanted(cfg, index_of(cfg, "two@1s")), 0);
    ck_assert_int_eq(pb_calibrate_wanted(cfg, index_of(cfg, "fixed")), 0);
    ck_assert_int_eq(pb_calibrate_run(cfg, &o, dir, &cal, &err), 0);
    ck_assert_uint_eq(cal.n, 1);
    ck_assert_str_eq(cal.entries[0].workload, "lin");
    /* one the apply of a resume does not want needs no entry */
    ck_assert_int_eq(pb_calibrate_apply(cfg, &cal, &err), 0);
    pb_calibration_release(&cal);
    pb_config_free(cfg);
}
END_TEST

START_TEST(an_interruption_stops_it)
{
    struct pb_config *cfg = load("");
    struct fake f = { .stop_after = 3 };
    struct pb_calibrate_opts o = { .exec = fake_exec, .exec_ud = &f, .stop = &f.stop };
    struct pb_calibration cal = { 0 };
    struct pb_error err;

    ck_assert_int_eq(pb_calibrate_run(cfg, &o, dir, &cal, &err), 1);
    ck_assert_int_eq(f.calls, 3);
    ck_assert_int_eq(cfg->workloads[index_of(cfg, "lin")].count, 0);
    pb_calibration_release(&cal);
    pb_config_free(cfg);
}
END_TEST

START_TEST(each_interpreter_its_own)
{
    char text[2048];
    struct fake f = { 0 };
    struct pb_calibrate_opts o = { .exec = fake_exec, .exec_ud = &f };
    struct pb_calibration cal = { 0 };
    struct pb_error err;

    snprintf(text, sizeof text,
        "pythons: [fast/bin/python, slow/bin/python]\n"
        "workloads: [{name: lin, script: w.py, args: [\"{size}\", lin], target: 2s}]\n"
        "profilers: [{name: plain, baseline: true, command: [\"{python}\", \"{script}\", \"{args}\"]}]\n");
    struct pb_config *cfg = tu_load_config(dir, "py.yaml", text);
    ck_assert_int_eq(pb_calibrate_run(cfg, &o, dir, &cal, &err), 0);
    ck_assert_uint_eq(cal.n, 2);
    const struct pb_workload *fast = &cfg->workloads[index_of(cfg, "lin@pyfast_bin_python")];
    const struct pb_workload *slow = &cfg->workloads[index_of(cfg, "lin@pyslow_bin_python")];
    ck_assert_int_eq(fast->count, 3800);
    ck_assert_int_eq(slow->count, 1900);
    const struct pb_calibration_entry *e = pb_calibration_find(&cal, "lin@pyfast_bin_python");
    ck_assert_ptr_nonnull(strstr(e->python, "/fast/bin/python"));
    pb_calibration_release(&cal);
    pb_config_free(cfg);
}
END_TEST

Suite *calibrate_suite(void)
{
    Suite *s = suite_create("calibrate");
    TCase *core = tcase_create("core");

    tcase_add_checked_fixture(core, setup, teardown);
    tcase_add_test(core, counts_go_into_the_config);
    tcase_add_test(core, only_the_selected_are_calibrated);
    tcase_add_test(core, an_interruption_stops_it);
    tcase_add_test(core, each_interpreter_its_own);
    suite_add_tcase(s, core);
    return s;
}
