/* Tests of measure: one-shot tree samples, the tracker's schedule and
 * group scan, and the tree peak RSS that spawn reports. */
#include <check.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "run/measure.h"
#include "run/spawn.h"
#include "testutil.h"

#define MB_KB 1024L

/* Starts argv in its own process group (pgid = its pid), like spawn does,
 * but leaves the waiting to the test. */
static pid_t start(char *const argv[])
{
    pid_t pid = fork();

    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        setpgid(0, 0);
        execvp(argv[0], argv);
        _exit(127);
    }
    setpgid(pid, pid);
    return pid;
}

static void stop(pid_t pid)
{
    kill(-pid, SIGKILL);
    waitpid(pid, NULL, 0);
}

/* Samples root until it has want processes (2 s at most); returns the
 * last sample's count. */
static int wait_nprocs(pid_t root, int want, struct pb_tree_sample *s)
{
    struct pb_error err;

    for (int i = 0; i < 200; i++) {
        ck_assert_msg(pb_measure_tree_sample(root, s, &err) == 0, "%s", err.msg);
        if (s->nprocs == want)
            break;
        usleep(10000);
    }
    return s->nprocs;
}

/* ---- one-shot samples ---- */

START_TEST(test_sample_self)
{
    struct pb_tree_sample s;
    struct pb_error err;

    ck_assert_int_eq(pb_measure_tree_sample(getpid(), &s, &err), 0);
    ck_assert_int_eq(s.nprocs, 1);          /* this test has no children */
    ck_assert_int_gt(s.rss_kb, 0);
    ck_assert_int_ge(s.hwm_kb, s.rss_kb);
}
END_TEST

START_TEST(test_sample_missing_and_zombie)
{
    struct pb_tree_sample s;
    struct pb_error err;
    siginfo_t si;
    pid_t pid = fork();

    ck_assert_int_ge(pid, 0);
    if (pid == 0)
        _exit(0);
    memset(&si, 0, sizeof si);
    ck_assert_int_eq(waitid(P_PID, (id_t)pid, &si, WEXITED | WNOWAIT), 0);
    ck_assert_int_eq(pb_measure_tree_sample(pid, &s, &err), 0);   /* zombie */
    ck_assert_int_eq(s.nprocs, 0);
    ck_assert_int_eq(s.rss_kb, 0);
    waitpid(pid, NULL, 0);
    ck_assert_int_eq(pb_measure_tree_sample(pid, &s, &err), -1);  /* gone */
    ck_assert_msg(strstr(err.msg, "/proc/"), "%s", err.msg);
    ck_assert_int_eq(pb_measure_tree_sample(0, &s, &err), -1);
}
END_TEST

START_TEST(test_sample_tree)
{
    char *argv[] = { "/bin/sh", "-c", "sleep 2 & sleep 2 & wait", NULL };
    struct pb_tree_sample s;
    pid_t pid = start(argv);

    ck_assert_int_eq(wait_nprocs(pid, 3, &s), 3);
    ck_assert_int_gt(s.rss_kb, 0);
    stop(pid);
}
END_TEST

/* A child forked by a worker thread is listed under that thread's
 * children file, not the main thread's. */
START_TEST(test_sample_thread_children)
{
    char *argv[] = { (char *)tu_python(), "-c",
                     "import threading, subprocess, time\n"
                     "t = threading.Thread(target=lambda: subprocess.run(['sleep', '2']))\n"
                     "t.start()\n"
                     "time.sleep(2)\n", NULL };
    struct pb_tree_sample s;
    pid_t pid = start(argv);

    ck_assert_int_eq(wait_nprocs(pid, 2, &s), 2);
    stop(pid);
}
END_TEST

/* ---- the tracker ---- */

START_TEST(test_schedule)
{
    struct pb_measure m;
    struct pb_error err;
    double t = 100.0, prev_iv = 0;

    pb_measure_init(&m, getpid(), 0, t, 0.05);
    ck_assert(pb_measure_next_due(&m) > 100.0019 && pb_measure_next_due(&m) < 100.0021);
    ck_assert_int_eq(pb_measure_tick(&m, 100.001, &err), 0);     /* not due */
    ck_assert_int_eq(m.samples, 0);
    for (int i = 0; i < 30; i++) {
        double due = pb_measure_next_due(&m), iv;

        ck_assert_int_eq(pb_measure_tick(&m, due, &err), 1);
        iv = pb_measure_next_due(&m) - due;
        ck_assert(iv >= prev_iv - 1e-9);            /* grows ... */
        ck_assert(iv <= 0.05 + 1e-9);               /* ... up to the cap */
        prev_iv = iv;
    }
    ck_assert(prev_iv > 0.0499);
    ck_assert_int_eq(m.samples, 30);
    ck_assert_int_eq(m.scans, 0);                   /* pgid 0: never */
    ck_assert_int_ge(m.max_procs, 1);
    ck_assert_int_gt(m.peak_rss_kb, 0);
    pb_measure_release(&m);
    pb_measure_release(&m);                         /* twice is fine */
    pb_measure_release(NULL);

    pb_measure_init(&m, getpid(), 0, t, 0.001);     /* cap below the first step */
    ck_assert(pb_measure_next_due(&m) < 100.0011);
    pb_measure_release(&m);
}
END_TEST

START_TEST(test_peak_kb)
{
    struct pb_measure m;

    pb_measure_init(&m, 1, 0, 0, 0);
    ck_assert_int_eq(pb_measure_peak_kb(&m, 500), 500);
    m.peak_rss_kb = 800;
    m.peak_hwm_kb = 700;
    ck_assert_int_eq(pb_measure_peak_kb(&m, 500), 800);
    m.peak_hwm_kb = 900;
    ck_assert_int_eq(pb_measure_peak_kb(&m, 500), 900);
    ck_assert_int_eq(pb_measure_peak_kb(&m, 1000), 1000);
    pb_measure_release(&m);
}
END_TEST

/* An orphan left in the group is out of the children walk; the tracker
 * finds it by a group scan and then keeps it without one. */
START_TEST(test_tracker_orphan)
{
    char *argv[] = { "/bin/sh", "-c", "(sleep 2 &); exec sleep 2", NULL };
    struct pb_tree_sample s;
    struct pb_measure m;
    struct pb_error err;
    pid_t pid = start(argv);
    double t;
    int live = 0;

    /* Wait for: the subshell gone (the walk sees the root alone) and its
     * sleep left behind in the group. */
    for (int i = 0; i < 200; i++) {
        ck_assert_msg(pb_measure_tree_sample(pid, &s, &err) == 0, "%s", err.msg);
        live = pb_measure_group_live(pid, &err);
        if (s.nprocs == 1 && live == 2)
            break;
        usleep(10000);
    }
    ck_assert_int_eq(s.nprocs, 1);
    ck_assert_int_eq(live, 2);

    t = pb_measure_now();
    pb_measure_init(&m, pid, pid, t, 0.05);
    ck_assert_int_eq(pb_measure_tick(&m, t + 0.01, &err), 1);  /* no scan yet */
    ck_assert_int_eq(m.scans, 0);
    ck_assert_int_eq(m.last.nprocs, 1);
    ck_assert_int_eq(pb_measure_tick(&m, t + 0.3, &err), 1);   /* scan due */
    ck_assert_int_eq(m.scans, 1);
    ck_assert_int_eq(m.last.nprocs, 2);
    ck_assert_int_eq(pb_measure_tick(&m, t + 0.4, &err), 1);   /* kept */
    ck_assert_int_eq(m.scans, 1);
    ck_assert_int_eq(m.last.nprocs, 2);
    ck_assert_int_eq(m.max_procs, 2);
    pb_measure_release(&m);

    stop(pid);
    for (int i = 0; i < 200 && live != 0; i++) {
        live = pb_measure_group_live(pid, &err);
        usleep(10000);
    }
    ck_assert_int_eq(live, 0);
}
END_TEST

/* ---- through spawn ---- */

static void run_sampled(char *const argv[], struct pb_spawn_result *r)
{
    struct pb_spawn_opts o = { .argv = argv, .sample_tree = 1, .timeout_s = 10 };
    struct pb_error err;

    ck_assert_msg(pb_spawn_run(&o, r, &err) == 0, "%s", err.msg);
    ck_assert_int_eq(r->exit_code, 0);
}

START_TEST(test_python_100mb)
{
    char *argv[] = { (char *)tu_python(), "-c",
                     "b = bytearray(100 * 1024 * 1024); import time; time.sleep(0.3)", NULL };
    struct pb_spawn_result r;

    run_sampled(argv, &r);
    ck_assert_msg(r.tree_peak_rss_kb >= 90 * MB_KB, "tree peak %ld kB", r.tree_peak_rss_kb);
    ck_assert_int_ge(r.tree_peak_rss_kb, r.maxrss_kb);
    ck_assert_int_ge(r.maxrss_kb, 90 * MB_KB);
    ck_assert_int_eq(r.tree_max_procs, 1);
    ck_assert_int_gt(r.tree_samples, 5);
}
END_TEST

/* Two children of 50 MB each: the tree peak is their sum, more than
 * wait4's maxrss (the largest single process). */
START_TEST(test_forked_children_sum)
{
    char *argv[] = { (char *)tu_python(), "-c",
                     "import os, time\n"
                     "pids = []\n"
                     "for i in range(2):\n"
                     "    pid = os.fork()\n"
                     "    if pid == 0:\n"
                     "        b = bytearray(50 * 1024 * 1024)\n"
                     "        time.sleep(0.4)\n"
                     "        os._exit(0)\n"
                     "    pids.append(pid)\n"
                     "for pid in pids:\n"
                     "    os.waitpid(pid, 0)\n", NULL };
    struct pb_spawn_result r;

    run_sampled(argv, &r);
    ck_assert_msg(r.tree_peak_rss_kb > 100 * MB_KB, "tree peak %ld kB", r.tree_peak_rss_kb);
    ck_assert_msg(r.tree_peak_rss_kb > r.maxrss_kb + 40 * MB_KB,
                  "tree peak %ld kB, maxrss %ld kB", r.tree_peak_rss_kb, r.maxrss_kb);
    ck_assert_int_eq(r.tree_max_procs, 3);
}
END_TEST

START_TEST(test_unsampled)
{
    char *argv[] = { "/bin/sh", "-c", "exit 0", NULL };
    struct pb_spawn_opts o = { .argv = argv };
    struct pb_spawn_result r;
    struct pb_error err;

    ck_assert_int_eq(pb_spawn_run(&o, &r, &err), 0);
    ck_assert_int_eq(r.tree_peak_rss_kb, r.maxrss_kb);
    ck_assert_int_eq(r.tree_max_procs, 0);
    ck_assert_int_eq(r.tree_samples, 0);
}
END_TEST

Suite *measure_suite(void)
{
    Suite *s = suite_create("measure");
    TCase *sample = tcase_create("sample");
    TCase *tracker = tcase_create("tracker");
    TCase *spawned = tcase_create("spawned");

    tcase_add_test(sample, test_sample_self);
    tcase_add_test(sample, test_sample_missing_and_zombie);
    tcase_add_test(sample, test_sample_tree);
    tcase_add_test(sample, test_sample_thread_children);
    suite_add_tcase(s, sample);

    tcase_add_test(tracker, test_schedule);
    tcase_add_test(tracker, test_peak_kb);
    tcase_add_test(tracker, test_tracker_orphan);
    suite_add_tcase(s, tracker);

    tcase_add_test(spawned, test_python_100mb);
    tcase_add_test(spawned, test_forked_children_sum);
    tcase_add_test(spawned, test_unsampled);
    suite_add_tcase(s, spawned);
    return s;
}
