/* guard: the watchdog that kills a run's process group when pbench dies.
 *
 * Each test plays pbench with a forked child ("pbench") that starts the
 * guard and a watched group of three sleeping processes (a leader and two
 * members), then dies by SIGKILL or stops the guard. The test is a child
 * subreaper, so every orphan (the group, the watchdog) is reparented here
 * and reaped here: a dead process does not linger as a zombie (this
 * machine's init does not reap), and kill(-group, 0) can say ESRCH. */
#include <check.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "run/guard.h"
#include "testutil.h"

enum plan {
    WATCH,              /* watch the group, then die */
    WATCH_NONE,         /* watch the group, then pb_guard_watch(0), then die */
    STOP,               /* watch the group, pb_guard_stop(), then live on */
    START_TWICE,        /* pb_guard_start() twice, watch the group, then die */
};

struct world {
    pid_t pbench;       /* the forked stand-in for pbench */
    pid_t group;        /* the watched group's id (its leader's pid) */
};

/* What ended here: watchdogs exit with status 0, the group's three
 * processes (sleep) only end by a signal. */
struct reaped {
    int watchdogs, killed, others;
};

static void sleep_s(double s)
{
    struct timespec ts = { (time_t)s, (long)((s - (time_t)s) * 1e9) };
    while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
        ;
}

/* A member of the watched group. It execs, as a run does, so it does not
 * keep the guard's pipe (close-on-exec) open: the watchdog hears pbench
 * die only when nobody else holds the write end. */
static void become_sleeper(void)
{
    execlp("sleep", "sleep", "60", (char *)NULL);
    _exit(127);
}

/* The stand-in for pbench: follows plan, then reports the group's id on
 * fd out and sleeps (or exits 3 when something failed). */
static void play_pbench(enum plan plan, int out)
{
    struct pb_error err;
    int formed[2];
    char c;

    if (pb_guard_start(&err) < 0)
        _exit(3);
    if (plan == START_TWICE && pb_guard_start(&err) < 0)
        _exit(3);
    if (pipe(formed) < 0)
        _exit(3);
    pid_t leader = fork();
    if (leader < 0)
        _exit(3);
    if (leader == 0) {
        setpgid(0, 0);
        for (int k = 0; k < 2; k++)
            if (fork() == 0)
                become_sleeper();
        if (write(formed[1], "x", 1) != 1)
            _exit(3);
        become_sleeper();
    }
    setpgid(leader, leader);    /* also here, as spawn does: no race with the watch */
    if (read(formed[0], &c, 1) != 1)
        _exit(3);
    pb_guard_watch(leader);
    if (plan == WATCH_NONE)
        pb_guard_watch(0);
    if (plan == STOP)
        pb_guard_stop();        /* returns once the watchdog is reaped */
    if (write(out, &leader, sizeof leader) != (ssize_t)sizeof leader)
        _exit(3);
    for (;;)
        pause();
}

/* Starts the stand-in and waits until it has done what plan says. */
static void start_world(enum plan plan, struct world *w)
{
    int p[2];
    ssize_t n;

    ck_assert_int_eq(prctl(PR_SET_CHILD_SUBREAPER, 1), 0);
    ck_assert_int_eq(pipe(p), 0);
    w->pbench = fork();
    ck_assert_int_ge(w->pbench, 0);
    if (w->pbench == 0) {
        close(p[0]);
        play_pbench(plan, p[1]);
    }
    close(p[1]);
    while ((n = read(p[0], &w->group, sizeof w->group)) < 0 && errno == EINTR)
        ;
    close(p[0]);
    ck_assert_msg(n == (ssize_t)sizeof w->group, "the stand-in for pbench failed to set up");
    ck_assert_int_eq(kill(-w->group, 0), 0);
}

/* Kills the stand-in for pbench with SIGKILL and reaps it. */
static void kill_pbench(struct world *w)
{
    int st;

    ck_assert_int_eq(kill(w->pbench, SIGKILL), 0);
    while (waitpid(w->pbench, &st, 0) < 0 && errno == EINTR)
        ;
    ck_assert(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
}

/* Reaps what ends here (orphans come to this subreaper) for up to
 * timeout_s: until nothing is left (all), or until a watchdog has exited. */
static struct reaped reap(double timeout_s, int all)
{
    struct reaped r = { 0, 0, 0 };
    int st;
    pid_t pid = 0;

    for (int i = 0; i <= (int)(timeout_s * 100); i++) {
        while ((pid = waitpid(-1, &st, WNOHANG)) > 0) {
            if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
                r.watchdogs++;
            else if (WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL)
                r.killed++;
            else
                r.others++;
        }
        if (all ? pid < 0 && errno == ECHILD : r.watchdogs > 0)
            break;
        sleep_s(0.01);
    }
    return r;
}

/* Leaves nothing behind, whatever the test found. */
static void end_world(const struct world *w)
{
    kill(-w->group, SIGKILL);
    kill(w->pbench, SIGKILL);
    reap(2, 1);
}

START_TEST(kills_the_group_when_pbench_dies)
{
    struct world w;

    start_world(WATCH, &w);
    kill_pbench(&w);
    struct reaped r = reap(5, 1);
    int gone = kill(-w.group, 0) < 0 && errno == ESRCH;
    end_world(&w);
    ck_assert_msg(gone && r.killed == 3, "the watched group outlived pbench (%d of 3 killed)", r.killed);
    ck_assert_int_eq(r.watchdogs, 1);       /* and the watchdog exited */
    ck_assert_int_eq(r.others, 0);
}
END_TEST

START_TEST(watch_zero_kills_nothing)
{
    struct world w;

    start_world(WATCH_NONE, &w);
    kill_pbench(&w);
    struct reaped r = reap(5, 0);           /* the watchdog has done all it does */
    int alive = kill(-w.group, 0) == 0;
    end_world(&w);
    ck_assert_int_eq(r.watchdogs, 1);
    ck_assert_msg(alive && r.killed == 0, "the group was killed after pb_guard_watch(0)");
}
END_TEST

START_TEST(stop_ends_the_watchdog_without_killing)
{
    struct world w;

    /* pb_guard_stop() reaped the watchdog before the stand-in reported */
    start_world(STOP, &w);
    /* no watchdog is left to kill the group when pbench dies now */
    kill_pbench(&w);
    sleep_s(0.3);
    struct reaped r = reap(0, 0);
    int alive = kill(-w.group, 0) == 0;
    end_world(&w);
    ck_assert_msg(alive && r.killed == 0, "the group died after pb_guard_stop()");
    ck_assert_int_eq(r.watchdogs, 0);
}
END_TEST

START_TEST(start_twice_starts_one_watchdog)
{
    struct world w;

    start_world(START_TWICE, &w);
    kill_pbench(&w);
    struct reaped r = reap(5, 1);
    end_world(&w);
    ck_assert_msg(r.killed == 3, "the watched group outlived pbench (%d of 3 killed)", r.killed);
    ck_assert_int_eq(r.watchdogs, 1);
}
END_TEST

/* Without a watchdog, watch and stop do nothing (and do not crash). */
START_TEST(watch_and_stop_without_start)
{
    pb_guard_watch(getpid());
    pb_guard_stop();
    pb_guard_stop();
    ck_assert_int_eq(waitpid(-1, NULL, WNOHANG), -1);
    ck_assert_int_eq(errno, ECHILD);
}
END_TEST

Suite *guard_suite(void)
{
    Suite *s = suite_create("guard");
    TCase *core = tcase_create("core");

    tcase_set_timeout(core, 30);
    tcase_add_test(core, kills_the_group_when_pbench_dies);
    tcase_add_test(core, watch_zero_kills_nothing);
    tcase_add_test(core, stop_ends_the_watchdog_without_killing);
    tcase_add_test(core, start_twice_starts_one_watchdog);
    tcase_add_test(core, watch_and_stop_without_start);
    suite_add_tcase(s, core);
    return s;
}
