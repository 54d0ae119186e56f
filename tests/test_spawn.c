/* Tests of spawn: exit statuses, exec failures, files, process groups,
 * timeouts, stop flag, output limit. Each test forks (CK_FORK), so signal
 * handlers and timers set here die with the test. */
#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "run/spawn.h"
#include "testutil.h"

static char *tmp;

static void setup(void)
{
    tmp = tu_mkdtemp();
    ck_assert_ptr_nonnull(tmp);
}

static void teardown(void)
{
    tu_rmtree(tmp);
    free(tmp);
    tmp = NULL;
}

/* tmp/name in a static ring of buffers: a test needs only a few at once. */
static const char *in_tmp(const char *name)
{
    static char bufs[4][PATH_MAX];
    static int next;
    char *b = bufs[next++ % 4];

    snprintf(b, PATH_MAX, "%s/%s", tmp, name);
    return b;
}

static void run(const struct pb_spawn_opts *o, struct pb_spawn_result *r)
{
    struct pb_error err;

    pb_error_clear(&err);
    ck_assert_msg(pb_spawn_run(o, r, &err) == 0, "pb_spawn_run: %s", err.msg);
}

/* Runs /bin/sh -c script with the other options from *base (may be NULL). */
static void run_sh(const char *script, const struct pb_spawn_opts *base,
                   struct pb_spawn_result *r)
{
    char *argv[] = { "/bin/sh", "-c", (char *)script, NULL };
    struct pb_spawn_opts o;

    if (base)
        o = *base;
    else
        memset(&o, 0, sizeof o);
    o.argv = argv;
    run(&o, r);
}

/* Every child pb_spawn_run started has been reaped. */
static void assert_no_children(void)
{
    ck_assert_int_eq(waitpid(-1, NULL, WNOHANG), -1);
    ck_assert_int_eq(errno, ECHILD);
}

/* Gone, or a zombie nobody reaps (this machine's init does not). */
static int is_dead(pid_t pid)
{
    char path[64], buf[512], *p;
    FILE *f;
    size_t n;

    snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
    f = fopen(path, "r");
    if (!f)
        return 1;
    n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    p = strrchr(buf, ')');
    return !p || p[2] == 'Z' || p[2] == 'X';
}

static int wait_dead(pid_t pid, double timeout_s)
{
    for (int i = 0; i < (int)(timeout_s * 100); i++) {
        if (is_dead(pid))
            return 1;
        usleep(10000);
    }
    return is_dead(pid);
}

/* The pid a script wrote (with a newline) into path, waiting for it. */
static pid_t read_pidfile(const char *path, double timeout_s)
{
    for (int i = 0; i < (int)(timeout_s * 100); i++) {
        char *text = tu_read_file(path);
        long pid = 0;

        if (text && strchr(text, '\n'))
            pid = strtol(text, NULL, 10);
        free(text);
        if (pid > 0)
            return (pid_t)pid;
        usleep(10000);
    }
    ck_abort_msg("no pid in '%s'", path);
    return -1;
}

static void assert_file(const char *path, const char *want)
{
    char *text = tu_read_file(path);

    ck_assert_msg(text != NULL, "cannot read '%s'", path);
    ck_assert_str_eq(text, want);
    free(text);
}

/* ---- core ---- */

START_TEST(test_exit_codes)
{
    static const char *scripts[] = { "exit 0", "exit 1", "exit 42" };
    static const int codes[] = { 0, 1, 42 };
    struct pb_spawn_result r;

    for (int i = 0; i < 3; i++) {
        run_sh(scripts[i], NULL, &r);
        ck_assert_int_eq(r.exec_failed, 0);
        ck_assert_int_eq(r.exit_code, codes[i]);
        ck_assert_int_eq(r.term_signal, 0);
        ck_assert_int_eq(r.timed_out, 0);
        ck_assert(r.wall_s > 0 && r.wall_s < 2.0);
    }
    assert_no_children();
}
END_TEST

START_TEST(test_killed_by_signal)
{
    struct pb_spawn_result r;

    run_sh("kill -USR1 $$; exit 3", NULL, &r);
    ck_assert_int_eq(r.term_signal, SIGUSR1);
    ck_assert_int_eq(r.exit_code, 128 + SIGUSR1);
    ck_assert_int_eq(r.exec_failed, 0);
    assert_no_children();
}
END_TEST

/* An ignored signal and a blocked one in pbench must not carry over. */
START_TEST(test_signal_state_reset)
{
    struct pb_spawn_result r;
    struct sigaction sa;
    sigset_t set, after;

    signal(SIGUSR1, SIG_IGN);
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigprocmask(SIG_BLOCK, &set, NULL);

    run_sh("kill -USR1 $$; exit 3", NULL, &r);
    ck_assert_int_eq(r.term_signal, SIGUSR1);
    run_sh("kill -TERM $$; exit 3", NULL, &r);
    ck_assert_int_eq(r.term_signal, SIGTERM);
    ck_assert_int_eq(r.exit_code, 128 + SIGTERM);

    /* ... and pbench's own state is as it was. */
    sigaction(SIGUSR1, NULL, &sa);
    ck_assert(sa.sa_handler == SIG_IGN);
    sigprocmask(SIG_BLOCK, NULL, &after);
    ck_assert(sigismember(&after, SIGTERM));
    ck_assert(!sigismember(&after, SIGINT));
}
END_TEST

START_TEST(test_exec_failed_vs_exit_127)
{
    char *missing_path[] = { "/nonexistent/pbench-no-such-cmd", NULL };
    char *missing_name[] = { "pbench-no-such-command-xyz", "arg", NULL };
    struct pb_spawn_opts o = { 0 };
    struct pb_spawn_result r;

    o.argv = missing_path;                  /* exec in the child fails */
    run(&o, &r);
    ck_assert_int_eq(r.exec_failed, 1);
    ck_assert_int_eq(r.exec_errno, ENOENT);
    ck_assert_int_eq(r.exit_code, 127);

    o.argv = missing_name;                  /* PATH lookup fails */
    run(&o, &r);
    ck_assert_int_eq(r.exec_failed, 1);
    ck_assert_int_eq(r.exec_errno, ENOENT);
    ck_assert_int_eq(r.exit_code, 127);

    run_sh("exit 127", NULL, &r);           /* a real program exiting 127 */
    ck_assert_int_eq(r.exec_failed, 0);
    ck_assert_int_eq(r.exit_code, 127);

    /* the shell's own "not found" is the shell's exit, not ours */
    run_sh("pbench-no-such-command-xyz", NULL, &r);
    ck_assert_int_eq(r.exec_failed, 0);
    ck_assert_int_eq(r.exit_code, 127);
    assert_no_children();
}
END_TEST

START_TEST(test_exec_not_executable)
{
    char *path = tu_write_file(tmp, "noexec", "#!/bin/sh\nexit 0\n");
    char *argv[] = { path, NULL };
    struct pb_spawn_opts o = { .argv = argv };
    struct pb_spawn_result r;

    chmod(path, 0644);
    run(&o, &r);
    ck_assert_int_eq(r.exec_failed, 1);
    ck_assert_int_eq(r.exec_errno, EACCES);
    ck_assert_int_eq(r.exit_code, 127);
    free(path);
}
END_TEST

/* A file without #! runs under /bin/sh, as with execvp; and PATH lookup
 * finds it (PATH here is tmp only). */
START_TEST(test_script_without_shebang)
{
    char *path = tu_write_file(tmp, "plain-script", "exit 5\n");
    char *argv_path[] = { path, NULL };
    char *argv_name[] = { "plain-script", NULL };
    struct pb_spawn_opts o = { .argv = argv_path };
    struct pb_spawn_result r;

    chmod(path, 0755);
    run(&o, &r);
    ck_assert_int_eq(r.exec_failed, 0);
    ck_assert_int_eq(r.exit_code, 5);

    setenv("PATH", tmp, 1);
    o.argv = argv_name;
    run(&o, &r);
    ck_assert_int_eq(r.exec_failed, 0);
    ck_assert_int_eq(r.exit_code, 5);
    free(path);
}
END_TEST

START_TEST(test_output_files)
{
    struct pb_spawn_opts o = { 0 };
    struct pb_spawn_result r;

    o.stdout_path = in_tmp("out.txt");
    o.stderr_path = in_tmp("err.txt");
    run_sh("echo out; echo err >&2", &o, &r);
    ck_assert_int_eq(r.exit_code, 0);
    assert_file(in_tmp("out.txt"), "out\n");
    assert_file(in_tmp("err.txt"), "err\n");

    /* truncated on the next run; one file for both keeps both lines */
    o.stderr_path = in_tmp("out.txt");
    run_sh("echo one; echo two >&2; echo three", &o, &r);
    assert_file(in_tmp("out.txt"), "one\ntwo\nthree\n");
}
END_TEST

START_TEST(test_stdin_is_devnull)
{
    struct pb_spawn_opts o = { .stdout_path = in_tmp("out.txt"), .timeout_s = 5 };
    struct pb_spawn_result r;

    /* cat ends at once on /dev/null; it would hang on a terminal or pipe */
    run_sh("readlink /proc/self/fd/0; cat; echo done", &o, &r);
    ck_assert_int_eq(r.exit_code, 0);
    ck_assert_int_eq(r.timed_out, 0);
    assert_file(in_tmp("out.txt"), "/dev/null\ndone\n");
}
END_TEST

START_TEST(test_own_process_group)
{
    struct pb_spawn_opts o = { .stdout_path = in_tmp("out.txt") };
    struct pb_spawn_result r;
    long pid = 0, pgrp = 0;
    char *text;

    run_sh("read pid comm state ppid pgrp rest < /proc/$$/stat; echo $pid $pgrp",
           &o, &r);
    text = tu_read_file(in_tmp("out.txt"));
    ck_assert_ptr_nonnull(text);
    ck_assert_int_eq(sscanf(text, "%ld %ld", &pid, &pgrp), 2);
    free(text);
    ck_assert_int_eq(pid, pgrp);
    ck_assert_int_ne(pgrp, getpgrp());
}
END_TEST

START_TEST(test_cwd_and_env)
{
    char *envp[] = { "PBENCH_X=hello", "PATH=/usr/bin:/bin", NULL };
    struct pb_spawn_opts o = { .envp = envp };
    struct pb_spawn_result r;
    char real[PATH_MAX], want[PATH_MAX + 32];

    ck_assert_int_eq(chdir(tmp), 0);
    o.stdout_path = "out.txt";              /* relative to pbench's cwd, not o.cwd */
    ck_assert_ptr_nonnull(realpath(tmp, real));
    ck_assert_int_eq(mkdir(in_tmp("sub"), 0755), 0);
    o.cwd = "sub";
    run_sh("echo \"$(pwd -P) $PBENCH_X ${HOME:-nohome}\"", &o, &r);
    snprintf(want, sizeof want, "%s/sub hello nohome\n", real);
    assert_file(in_tmp("out.txt"), want);
}
END_TEST

static int count_fds(void)
{
    DIR *d = opendir("/proc/self/fd");
    int n = 0;

    ck_assert_ptr_nonnull(d);
    while (readdir(d))
        n++;
    closedir(d);
    return n;
}

START_TEST(test_no_fd_leak)
{
    struct pb_spawn_opts o = { .stdout_path = in_tmp("out.txt"), .sample_tree = 1,
                               .max_output_bytes = 1000000, .output_dir = tmp };
    struct pb_spawn_result r;
    int fd = open("/dev/null", O_RDONLY);   /* no O_CLOEXEC on purpose */
    int before;

    ck_assert_int_eq(dup2(fd, 57), 57);
    before = count_fds();
    run_sh("if test -e /proc/$$/fd/57; then echo leaked; else echo clean; fi; sleep 0.05",
           &o, &r);
    assert_file(in_tmp("out.txt"), "clean\n");
    ck_assert_int_eq(count_fds(), before);  /* pb_spawn_run closed all it opened */
}
END_TEST

/* A process left running in the group is killed when the run ends. */
START_TEST(test_stragglers_killed)
{
    char script[PATH_MAX + 64];
    struct pb_spawn_result r;
    pid_t straggler;

    snprintf(script, sizeof script, "sleep 100 & echo $! > %s; exit 0", in_tmp("pid"));
    run_sh(script, NULL, &r);
    ck_assert_int_eq(r.exit_code, 0);
    straggler = read_pidfile(in_tmp("pid"), 1.0);
    ck_assert_msg(is_dead(straggler), "straggler %d still running", (int)straggler);
}
END_TEST

/* The child dies with pbench (PR_SET_PDEATHSIG). */
START_TEST(test_dies_with_parent)
{
    char script[PATH_MAX + 64];
    pid_t helper, victim;

    snprintf(script, sizeof script, "echo $$ > %s; exec sleep 100", in_tmp("pid"));
    helper = fork();
    ck_assert_int_ge(helper, 0);
    if (helper == 0) {
        char *argv[] = { "/bin/sh", "-c", script, NULL };
        struct pb_spawn_opts o = { .argv = argv };
        struct pb_spawn_result r;
        struct pb_error err;

        pb_spawn_run(&o, &r, &err);
        _exit(0);
    }
    victim = read_pidfile(in_tmp("pid"), 2.0);
    kill(helper, SIGKILL);
    waitpid(helper, NULL, 0);
    ck_assert_msg(wait_dead(victim, 2.0), "child %d outlived pbench", (int)victim);
}
END_TEST

/* ---- errors ---- */

START_TEST(test_harness_errors)
{
    char *argv[] = { "/bin/true", NULL };
    char *empty[] = { NULL };
    struct pb_spawn_opts o = { .argv = argv };
    struct pb_spawn_result r;
    struct pb_error err;

    o.stdout_path = "/nonexistent/dir/out.txt";
    ck_assert_int_eq(pb_spawn_run(&o, &r, &err), -1);
    ck_assert_msg(strstr(err.msg, "cannot create '/nonexistent/dir/out.txt'"), "%s", err.msg);

    o.stdout_path = NULL;
    o.cwd = "/nonexistent/dir";
    ck_assert_int_eq(pb_spawn_run(&o, &r, &err), -1);
    ck_assert_msg(strstr(err.msg, "working directory '/nonexistent/dir'"), "%s", err.msg);

    o.cwd = NULL;
    o.argv = empty;
    ck_assert_int_eq(pb_spawn_run(&o, &r, &err), -1);
    o.argv = NULL;
    ck_assert_int_eq(pb_spawn_run(&o, &r, &err), -1);

    o.argv = argv;
    signal(SIGCHLD, SIG_IGN);
    ck_assert_int_eq(pb_spawn_run(&o, &r, &err), -1);
    ck_assert_msg(strstr(err.msg, "SIGCHLD"), "%s", err.msg);
    signal(SIGCHLD, SIG_DFL);
    ck_assert_int_eq(pb_spawn_run(&o, &r, &err), 0);
    ck_assert_int_eq(r.exit_code, 0);
}
END_TEST

/* ---- limits: time, stop, output ---- */

START_TEST(test_wall_time)
{
    char *argv[] = { "sleep", "0.3", NULL };
    struct pb_spawn_opts o = { .argv = argv };
    struct pb_spawn_result r;

    run(&o, &r);
    ck_assert_int_eq(r.exit_code, 0);
    ck_assert_msg(r.wall_s >= 0.29 && r.wall_s <= 0.4, "wall %.4f", r.wall_s);
    ck_assert(r.user_s + r.sys_s < 0.2);
    ck_assert_int_gt(r.maxrss_kb, 0);

    o.no_pidfd = 1;                         /* the sleep-poll fallback */
    o.timeout_s = 5;
    run(&o, &r);
    ck_assert_int_eq(r.exit_code, 0);
    ck_assert_msg(r.wall_s >= 0.29 && r.wall_s <= 0.4, "wall %.4f (no pidfd)", r.wall_s);
}
END_TEST

START_TEST(test_timeout_term)
{
    char *argv[] = { "sleep", "10", NULL };
    struct pb_spawn_opts o = { .argv = argv, .timeout_s = 0.2 };
    struct pb_spawn_result r;

    run(&o, &r);
    ck_assert_int_eq(r.timed_out, 1);
    ck_assert_int_eq(r.term_signal, SIGTERM);
    ck_assert_int_eq(r.exit_code, 128 + SIGTERM);
    ck_assert_msg(r.wall_s >= 0.19 && r.wall_s < 1.5, "wall %.4f", r.wall_s);
    assert_no_children();
}
END_TEST

/* The shell and its background sleep both ignore SIGTERM: after the grace
 * both get SIGKILL, the grandchild included. */
START_TEST(test_timeout_kills_tree)
{
    char script[PATH_MAX + 64];
    struct pb_spawn_opts o = { .timeout_s = 0.3, .kill_grace_s = 0.2 };
    struct pb_spawn_result r;
    pid_t grandchild;

    snprintf(script, sizeof script,
             "trap '' TERM; sleep 100 & echo $! > %s; wait", in_tmp("pid"));
    run_sh(script, &o, &r);
    ck_assert_int_eq(r.timed_out, 1);
    ck_assert_int_eq(r.term_signal, SIGKILL);
    ck_assert_int_eq(r.exit_code, 128 + SIGKILL);
    ck_assert_msg(r.wall_s >= 0.45 && r.wall_s < 2.0, "wall %.4f", r.wall_s);
    grandchild = read_pidfile(in_tmp("pid"), 0.1);
    ck_assert_msg(is_dead(grandchild), "grandchild %d survived", (int)grandchild);
    assert_no_children();
}
END_TEST

static volatile sig_atomic_t stop_flag;

static void on_alarm(int sig)
{
    stop_flag = 1;
}

START_TEST(test_stop_flag_signal)
{
    char *argv[] = { "sleep", "10", NULL };
    struct pb_spawn_opts o = { .argv = argv, .stop = &stop_flag };
    struct itimerval it = { { 0, 0 }, { 0, 150000 } };
    struct sigaction sa;
    struct pb_spawn_result r;

    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_alarm;               /* no SA_RESTART, as main would */
    sigaction(SIGALRM, &sa, NULL);
    stop_flag = 0;
    setitimer(ITIMER_REAL, &it, NULL);
    run(&o, &r);
    ck_assert_int_eq(r.interrupted, 1);
    ck_assert_int_eq(r.timed_out, 0);
    ck_assert_int_eq(r.term_signal, SIGKILL);
    ck_assert_msg(r.wall_s >= 0.14 && r.wall_s < 1.0, "wall %.4f", r.wall_s);
    assert_no_children();
}
END_TEST

static void *set_stop_later(void *arg)
{
    usleep(150000);
    stop_flag = 1;
    return NULL;
}

/* No signal wakes the wait here: the flag must still be seen soon. */
START_TEST(test_stop_flag_thread)
{
    char *argv[] = { "sleep", "10", NULL };
    struct pb_spawn_opts o = { .argv = argv, .stop = &stop_flag };
    struct pb_spawn_result r;
    pthread_t th;

    stop_flag = 0;
    ck_assert_int_eq(pthread_create(&th, NULL, set_stop_later, NULL), 0);
    run(&o, &r);
    pthread_join(th, NULL);
    ck_assert_int_eq(r.interrupted, 1);
    ck_assert_msg(r.wall_s >= 0.14 && r.wall_s < 0.5, "wall %.4f", r.wall_s);
}
END_TEST

START_TEST(test_output_limit_stdout)
{
    struct pb_spawn_opts o = { .stdout_path = in_tmp("out.txt"),
                               .max_output_bytes = 200000, .timeout_s = 10 };
    struct pb_spawn_result r;

    run_sh("while :; do echo 0123456789012345678901234567890123456789; done", &o, &r);
    ck_assert_int_eq(r.output_limited, 1);
    ck_assert_int_eq(r.timed_out, 0);
    ck_assert(r.term_signal == SIGKILL || r.term_signal == SIGXFSZ);
    ck_assert_msg(r.wall_s < 2.0, "wall %.4f", r.wall_s);
}
END_TEST

static long long file_size(const char *path)
{
    struct stat st;

    return stat(path, &st) == 0 ? (long long)st.st_size : -1;
}

/* A writer as fast as `yes`, stdout closed, into stderr (issue 16, case
 * 9): stopped at the limit (plus one byte), not tens of MB later. */
START_TEST(test_output_limit_fast_stderr)
{
    struct pb_spawn_opts o = { .stdout_path = in_tmp("out.txt"), .stderr_path = in_tmp("err.txt"),
                               .max_output_bytes = 200000, .timeout_s = 10 };
    struct pb_spawn_result r;

    run_sh("exec 1>&-; exec yes 0123456789012345678901234567890123456789 >&2", &o, &r);
    ck_assert_int_eq(r.output_limited, 1);
    ck_assert_int_eq(r.timed_out, 0);
    ck_assert_msg(file_size(in_tmp("err.txt")) <= 200001, "stderr grew to %lld bytes",
                  file_size(in_tmp("err.txt")));
}
END_TEST

/* Output nested deeper than pbench counts is refused, not ignored. */
START_TEST(test_output_too_deep)
{
    char script[PATH_MAX + 256];
    struct pb_spawn_opts o = { .max_output_bytes = 1000000, .timeout_s = 10 };
    struct pb_spawn_result r;

    ck_assert_int_eq(mkdir(in_tmp("out"), 0755), 0);
    o.output_dir = in_tmp("out");
    snprintf(script, sizeof script, "cd %s && mkdir -p a/b/c/d/e/f/g/h/i/j/k/l/m/n/o/p/q/r/s/t "
             "&& echo x > a/b/c/d/e/f/g/h/i/j/k/l/m/n/o/p/q/r/s/t/f; sleep 10", in_tmp("out"));
    run_sh(script, &o, &r);
    ck_assert_int_eq(r.output_limited, 1);
    ck_assert_msg(r.wall_s < 2.0, "wall %.4f", r.wall_s);
}
END_TEST

START_TEST(test_output_limit_dir)
{
    char script[PATH_MAX + 64];
    struct pb_spawn_opts o = { .max_output_bytes = 1000000, .timeout_s = 10 };
    struct pb_spawn_result r;

    ck_assert_int_eq(mkdir(in_tmp("out"), 0755), 0);
    ck_assert_int_eq(mkdir(in_tmp("out/deeper"), 0755), 0);
    o.output_dir = in_tmp("out");
    snprintf(script, sizeof script, "head -c 3000000 /dev/zero > %s; sleep 10",
             in_tmp("out/deeper/big"));
    run_sh(script, &o, &r);
    ck_assert_int_eq(r.output_limited, 1);
    ck_assert_msg(r.wall_s < 2.0, "wall %.4f", r.wall_s);
}
END_TEST

/* stdout.txt inside output_dir counts once: 600 kB against 1 MB is fine. */
START_TEST(test_output_under_limit)
{
    struct pb_spawn_opts o = { .max_output_bytes = 1000000, .timeout_s = 10 };
    struct pb_spawn_result r;

    ck_assert_int_eq(mkdir(in_tmp("out"), 0755), 0);
    o.output_dir = in_tmp("out");
    o.stdout_path = in_tmp("out/stdout.txt");
    o.stderr_path = in_tmp("out/stdout.txt");
    run_sh("head -c 600000 /dev/zero; sleep 0.1", &o, &r);
    ck_assert_int_eq(r.output_limited, 0);
    ck_assert_int_eq(r.exit_code, 0);
}
END_TEST

Suite *spawn_suite(void)
{
    Suite *s = suite_create("spawn");
    TCase *core = tcase_create("core");
    TCase *errors = tcase_create("errors");
    TCase *limits = tcase_create("limits");

    tcase_add_checked_fixture(core, setup, teardown);
    tcase_add_test(core, test_exit_codes);
    tcase_add_test(core, test_killed_by_signal);
    tcase_add_test(core, test_signal_state_reset);
    tcase_add_test(core, test_exec_failed_vs_exit_127);
    tcase_add_test(core, test_exec_not_executable);
    tcase_add_test(core, test_script_without_shebang);
    tcase_add_test(core, test_output_files);
    tcase_add_test(core, test_stdin_is_devnull);
    tcase_add_test(core, test_own_process_group);
    tcase_add_test(core, test_cwd_and_env);
    tcase_add_test(core, test_no_fd_leak);
    tcase_add_test(core, test_stragglers_killed);
    tcase_add_test(core, test_dies_with_parent);
    suite_add_tcase(s, core);

    tcase_add_test(errors, test_harness_errors);
    suite_add_tcase(s, errors);

    tcase_add_checked_fixture(limits, setup, teardown);
    tcase_add_test(limits, test_wall_time);
    tcase_add_test(limits, test_timeout_term);
    tcase_add_test(limits, test_timeout_kills_tree);
    tcase_add_test(limits, test_stop_flag_signal);
    tcase_add_test(limits, test_stop_flag_thread);
    tcase_add_test(limits, test_output_limit_stdout);
    tcase_add_test(limits, test_output_limit_dir);
    tcase_add_test(limits, test_output_limit_fast_stderr);
    tcase_add_test(limits, test_output_too_deep);
    tcase_add_test(limits, test_output_under_limit);
    suite_add_tcase(s, limits);
    return s;
}
