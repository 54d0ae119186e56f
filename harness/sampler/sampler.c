/* The sampler's run: starting the command, the sampling clock, signals,
 * and writing the outputs. What is sampled and how lives in targets.c and
 * below; the command line in cli/sample.c. See sampler.h. */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "sampler/samples.h"
#include "sampler/sampler.h"
#include "sampler/targets.h"
#include "util/path.h"

/* Finds the program as execvp would (util/path.h): as given when it holds
 * a '/', else along PATH. Returns 0 with its path in buf, or the exit code
 * for a shell's "not found" (127) or "cannot execute" (126). */
static int resolve(const char *name, char *buf, size_t n)
{
    int e;
    char *found = pb_path_search(name, AT_FDCWD, &e);
    struct stat st;

    snprintf(buf, n, "%s", found ? found : name);
    free(found);
    if (!found)
        return e == EACCES ? PB_SAMPLER_EXIT_CANNOT_RUN : PB_SAMPLER_EXIT_NOT_FOUND;
    if (stat(buf, &st) < 0)
        return PB_SAMPLER_EXIT_NOT_FOUND;
    if (S_ISDIR(st.st_mode) || access(buf, X_OK) < 0)
        return PB_SAMPLER_EXIT_CANNOT_RUN;
    return 0;
}

/* Starts path with argv. The child stays in our process group: whoever
 * runs `pbench sample` in its own group (the harness's spawn does) can
 * kill the workload with it; and it dies with us (PR_SET_PDEATHSIG).
 * A close-on-exec pipe carries exec's errno back. Returns the pid, or -1
 * with *exec_errno set. */
static pid_t spawn(const char *path, char **argv, const sigset_t *child_mask, int *exec_errno)
{
    int pfd[2], e = 0;
    pid_t pid, parent = getpid();
    ssize_t got;

    if (pipe2(pfd, O_CLOEXEC) < 0) {
        *exec_errno = errno;
        return -1;
    }
    pid = fork();
    if (pid < 0) {
        *exec_errno = errno;
        close(pfd[0]);
        close(pfd[1]);
        return -1;
    }
    if (pid == 0) {  /* only async-signal-safe calls until exec */
        close(pfd[0]);
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (getppid() != parent)
            _exit(127);  /* we were already orphaned */
        signal(SIGCHLD, SIG_DFL);
        sigprocmask(SIG_SETMASK, child_mask, NULL);
        execv(path, argv);
        e = errno;
        while (write(pfd[1], &e, sizeof e) < 0 && errno == EINTR)
            ;
        _exit(127);
    }
    close(pfd[1]);
    do
        got = read(pfd[0], &e, sizeof e);
    while (got < 0 && errno == EINTR);
    close(pfd[0]);
    if (got == (ssize_t)sizeof e) {
        while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
            ;
        *exec_errno = e;
        return -1;
    }
    return pid;
}

static double now_s(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static double tv_s(struct timeval tv)
{
    return (double)tv.tv_sec + (double)tv.tv_usec * 1e-6;
}

/* xorshift64*: the jitter needs spread, not cryptography. */
static double uniform(uint64_t *state)
{
    uint64_t x = *state;

    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    *state = x;
    return (double)((x * 0x2545f4914f6cdd1dull) >> 11) * 0x1.0p-53;
}

static int exit_code_of(int status)
{
    if (WIFSIGNALED(status))
        return 128 + WTERMSIG(status);
    return WEXITSTATUS(status);
}

/* Reaps the child if it has exited. Returns 1 when it has (status and
 * rusage filled), 0 while it runs. */
static int reaped(pid_t pid, int *status, struct rusage *ru)
{
    pid_t r;

    do
        r = wait4(pid, status, WNOHANG, ru);
    while (r < 0 && errno == EINTR);
    return r == pid || (r < 0 && errno == ECHILD);
}

/* Waits up to `seconds` for a signal in set (just polls when seconds <= 0).
 * Forwards a SIGINT, SIGTERM or SIGHUP sent to us alone (by kill; the
 * terminal signals the whole group, the child included) to the child.
 * Returns 1 when SIGCHLD came: the child may have exited. */
static int nap(const sigset_t *set, double seconds, pid_t child)
{
    struct timespec ts = { 0, 0 };
    siginfo_t info;
    int sig;

    if (seconds > 0) {
        ts.tv_sec = (time_t)seconds;
        ts.tv_nsec = (long)((seconds - (double)ts.tv_sec) * 1e9);
    }
    sig = sigtimedwait(set, &info, &ts);
    if (sig == SIGCHLD)
        return 1;
    if (sig > 0 && (info.si_code == SI_USER || info.si_code == SI_QUEUE) && info.si_pid != child)
        kill(child, sig);
    return 0;
}

/* Whether the directory that would hold path exists and is writable, so
 * that a run is not wasted on an output that cannot be written. Leaves
 * errno set when not. */
static int writable_dir_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    char dir[4096];

    if (!slash)
        return access(".", W_OK) == 0;
    snprintf(dir, sizeof dir, "%.*s", (int)(slash - path) + 1, path);
    return access(dir, W_OK) == 0;
}

/* Samples the running child at o->rate until it exits. Returns 0 when it
 * has exited (*wstatus and *child_ru set); -1 with err set when sampling
 * failed (sess NULL: out of memory), after killing and reaping it. */
static int sample(const struct pb_sampler_opts *o, struct pb_targets *sess, pid_t pid,
                  const sigset_t *waitset, double start, int *wstatus, struct rusage *child_ru,
                  struct pb_error *err)
{
    double next = start, interval = 1.0 / o->rate;
    uint64_t rng = o->seeded ? o->seed : ((uint64_t)time(NULL) << 20) ^ (uint64_t)getpid();
    int done = 0, failed = !sess;

    if (!sess)
        pb_error_set(err, "out of memory");
    rng = rng * 0x9e3779b97f4a7c15ull + 1;  /* never 0: xorshift's fixed point */
    for (int chld = 1; !failed;) {
        double t;

        /* Only a SIGCHLD sends us to wait4; the child's exit ends sampling. */
        if (chld && (done = reaped(pid, wstatus, child_ru)))
            break;
        t = now_s();
        if (pb_targets_tick(sess, t, err) < 0) {
            failed = 1;
            break;
        }
        next += interval * (1.0 + o->jitter * (2.0 * uniform(&rng) - 1.0));
        t = now_s();
        if (next < t - interval)
            next = t;  /* far behind (a slow round): skip, do not burst */
        chld = nap(waitset, next - t, pid);
    }
    if (!failed)
        return 0;
    kill(pid, SIGKILL);
    while (!done && wait4(pid, wstatus, 0, child_ru) < 0 && errno == EINTR)
        ;
    return -1;
}

/* Writes the profile (and the collapsed stacks) with their metadata, then
 * the summary. Returns 0, or -1 with err set: 1 in *status when an output
 * could not be written. */
static int write_outputs(const struct pb_sampler_opts *o, struct pb_samples *prof,
                         struct pb_targets *sess, pid_t pid, double duration_s,
                         const struct rusage *self0, const struct rusage *self1,
                         const struct rusage *child_ru, int *status, struct pb_error *err)
{
    struct pb_samples_meta meta;

    memset(&meta, 0, sizeof meta);
    meta.command = o->command;
    meta.pid = pid;
    meta.rate_hz = o->rate;
    meta.jitter = o->jitter;
    meta.subprocesses = o->subprocesses;
    meta.duration_s = duration_s;
    meta.ticks = pb_targets_ticks(sess);
    meta.sampler_user_s = tv_s(self1->ru_utime) - tv_s(self0->ru_utime);
    meta.sampler_sys_s = tv_s(self1->ru_stime) - tv_s(self0->ru_stime);
    meta.exit_code = *status;
    meta.target_user_s = tv_s(child_ru->ru_utime);
    meta.target_sys_s = tv_s(child_ru->ru_stime);
    meta.target_maxrss_kb = child_ru->ru_maxrss;
    meta.collapsed_path = o->collapsed;
    meta.collapsed_mode = o->collapsed_cpu ? "cpu" : "wall";
    if (pb_samples_write_json(prof, &meta, o->output, err) < 0 ||
        (o->collapsed && pb_samples_write_collapsed(prof, o->collapsed, o->collapsed_cpu, err) < 0)) {
        *status = PB_SAMPLER_EXIT_FAILURE;
        return -1;
    }
    if (o->summary && pb_samples_print_summary(prof, &meta, o->summary, o->top) < 0)
        return pb_error_set(err, "out of memory printing the summary");
    return 0;
}

int pb_sampler_run(const struct pb_sampler_opts *o, int *status, struct pb_error *err)
{
    struct pb_samples *prof = NULL;
    struct pb_targets *sess = NULL;
    struct rusage self0, self1, child_ru;
    struct sigaction chld_dfl, old_chld;
    sigset_t waitset, oldmask;
    char path[4096];
    double start, end;
    pid_t pid = -1;
    int wstatus = 0, exec_errno = 0, rc = -1;

    pb_error_clear(err);
    *status = resolve(o->command[0], path, sizeof path);
    if (*status == PB_SAMPLER_EXIT_NOT_FOUND)
        return pb_error_set(err, "command '%s' not found", o->command[0]);
    if (*status == PB_SAMPLER_EXIT_CANNOT_RUN)
        return pb_error_set(err, "command '%s' is not executable", path);
    *status = PB_SAMPLER_EXIT_FAILURE;
    if (!writable_dir_of(o->output)) {
        int e = errno;
        pb_error_set(err, "cannot write '%s'", o->output);
        return pb_error_errno(err, e);
    }
    prof = pb_samples_new();
    if (!prof)
        return pb_error_set(err, "out of memory");

    /* Signals arrive only in sigtimedwait (the sampler's sleep): a child's
     * exit wakes it at once, and SIGINT/SIGTERM never cut a write short. */
    sigemptyset(&waitset);
    sigaddset(&waitset, SIGCHLD);
    sigaddset(&waitset, SIGINT);
    sigaddset(&waitset, SIGTERM);
    sigaddset(&waitset, SIGHUP);
    sigprocmask(SIG_BLOCK, &waitset, &oldmask);
    memset(&chld_dfl, 0, sizeof chld_dfl);
    chld_dfl.sa_handler = SIG_DFL;  /* SIG_IGN would reap the child for us */
    sigemptyset(&chld_dfl.sa_mask);
    sigaction(SIGCHLD, &chld_dfl, &old_chld);

    memset(&child_ru, 0, sizeof child_ru);
    getrusage(RUSAGE_SELF, &self0);
    start = now_s();
    pid = spawn(path, o->command, &oldmask, &exec_errno);
    if (pid < 0) {
        *status = exec_errno == ENOENT ? PB_SAMPLER_EXIT_NOT_FOUND : PB_SAMPLER_EXIT_CANNOT_RUN;
        pb_error_set(err, "cannot run '%s'", path);
        pb_error_errno(err, exec_errno);
        goto cleanup;
    }
    sess = pb_targets_new(pid, path, o->subprocesses, prof);
    if (sample(o, sess, pid, &waitset, start, &wstatus, &child_ru, err) < 0)
        goto cleanup;
    end = now_s();
    getrusage(RUSAGE_SELF, &self1);
    *status = exit_code_of(wstatus);
    if (pb_targets_finish(sess, err) < 0) {
        *status = PB_SAMPLER_EXIT_FAILURE;
        goto cleanup;
    }
    rc = write_outputs(o, prof, sess, pid, end - start, &self0, &self1, &child_ru, status, err);

cleanup:
    pb_targets_free(sess);
    pb_samples_free(prof);
    sigaction(SIGCHLD, &old_chld, NULL);
    sigprocmask(SIG_SETMASK, &oldmask, NULL);
    return rc;
}
