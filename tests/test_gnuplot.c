/* gnuplot: running one chart script, with the real gnuplot and with
 * stand-ins that fail, hang or are missing. */
#include <check.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "output/gnuplot.h"
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

static int exists(const char *name)
{
    char p[4200];
    snprintf(p, sizeof p, "%s/%s", dir, name);
    return access(p, F_OK) == 0;
}

/* An executable stand-in for gnuplot; caller frees the path. */
static char *fake(const char *body)
{
    char text[16384];
    snprintf(text, sizeof text, "#!/bin/sh\n%s\n", body);
    char *p = tu_write_file(dir, "fake-gnuplot", text);
    ck_assert_int_eq(chmod(p, 0755), 0);
    return p;
}

START_TEST(draws_and_leaves_no_log)
{
    struct pb_error err;
    char *argv[] = { "gnuplot", "--version", NULL };

    ck_assert_msg(tu_run(argv, NULL) == 0, "no gnuplot in PATH (scripts/setup.sh installs it)");
    free(tu_write_file(dir, "c.gp", "set terminal pngcairo size 200,100\nset output 'c.png'\n"
                                    "plot x notitle\n"));
    int rc = pb_gnuplot_run(NULL, dir, "c.gp", 30, &err);
    ck_assert_msg(rc == 0, "%s", err.msg);
    ck_assert(exists("c.png"));
    ck_assert(!exists("c.gp.log"));
}
END_TEST

/* the script's own error, as gnuplot words it, with the script's path */
START_TEST(failure_names_script_and_keeps_messages)
{
    struct pb_error err;
    char buf[2048];
    char *gp = fake("echo \"\\\"$1\\\" line 2: undefined variable: nope\" >&2; exit 1");

    ck_assert_int_eq(pb_gnuplot_run(gp, dir, "c.gp", 30, &err), -1);
    pb_error_format(&err, buf, sizeof buf);
    ck_assert_msg(strstr(buf, "/c.gp: gnuplot exited with status 1:\n\"c.gp\" line 2: undefined variable: nope"),
                  "%s", buf);
    ck_assert(exists("c.gp.log"));      /* kept for the whole story */
    free(gp);
}
END_TEST

START_TEST(missing_gnuplot_gets_a_hint)
{
    struct pb_error err;

    ck_assert_int_eq(pb_gnuplot_run("/nonexistent/gnuplot", dir, "c.gp", 30, &err), -1);
    ck_assert_msg(strstr(err.msg, "cannot run '/nonexistent/gnuplot'") && strstr(err.msg, "No such file")
                  && strstr(err.msg, "--gnuplot PATH"), "%s", err.msg);
    ck_assert(!exists("c.gp.log"));
}
END_TEST

/* a hanging gnuplot is killed, with whatever it started behind it: its
 * background child (pid in bg.pid) is gone too once pb_gnuplot_run returns.
 * This test is a child subreaper, so that child, orphaned, is reaped here
 * (this machine's init does not reap) and kill(pid, 0) can say ESRCH. */
START_TEST(hang_is_killed)
{
    struct pb_error err;
    char body[16000], pidpath[4200];
    snprintf(pidpath, sizeof pidpath, "%s/bg.pid", dir);
    snprintf(body, sizeof body, "sleep 30 &\necho $! > '%s.tmp' && mv '%s.tmp' '%s'\nsleep 30",
             pidpath, pidpath, pidpath);
    char *gp = fake(body);

    ck_assert_int_eq(prctl(PR_SET_CHILD_SUBREAPER, 1), 0);
    ck_assert_int_eq(pb_gnuplot_run(gp, dir, "c.gp", 1, &err), -1);
    ck_assert_msg(strstr(err.msg, "did not finish within 1 s"), "%s", err.msg);
    char *text = tu_read_file(pidpath);
    ck_assert_msg(text != NULL, "the stand-in wrote no %s", pidpath);
    pid_t bg = (pid_t)strtol(text, NULL, 10);
    free(text);
    ck_assert_int_gt(bg, 0);
    int gone = 0;
    for (int i = 0; i < 200 && !gone; i++) {       /* up to 2 s */
        while (waitpid(-1, NULL, WNOHANG) > 0)
            ;                                       /* reap what was reparented here */
        gone = kill(bg, 0) < 0 && errno == ESRCH;
        if (!gone)
            usleep(10000);
    }
    if (!gone) {                /* in gnuplot's group, out of Check's reach: end it */
        pid_t g = getpgid(bg);
        kill(g > 1 ? -g : bg, SIGKILL);
    }
    ck_assert_msg(gone, "gnuplot's background child %d outlived the timeout", (int)bg);
    free(gp);
}
END_TEST

START_TEST(signal_is_reported)
{
    struct pb_error err;
    char *gp = fake("echo dying >&2; kill -SEGV $$");

    ck_assert_int_eq(pb_gnuplot_run(gp, dir, "c.gp", 30, &err), -1);
    ck_assert_msg(strstr(err.msg, "killed by signal 11: dying"), "%s", err.msg);
    free(gp);
}
END_TEST

Suite *gnuplot_suite(void)
{
    Suite *s = suite_create("gnuplot");
    TCase *tc = tcase_create("core");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, draws_and_leaves_no_log);
    tcase_add_test(tc, failure_names_script_and_keeps_messages);
    tcase_add_test(tc, missing_gnuplot_gets_a_hint);
    tcase_add_test(tc, hang_is_killed);
    tcase_add_test(tc, signal_is_reported);
    suite_add_tcase(s, tc);
    return s;
}
