/* spawn: fork/exec one command in its own process group, watch it (timeout,
 * stop flag, output limit, tree RSS) and reap it with wait4. The shape
 * follows git's run-command.c: everything is prepared before fork, the
 * child makes only async-signal-safe calls, a close-on-exec pipe carries
 * an exec failure's errno back. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "run/guard.h"
#include "run/measure.h"
#include "run/spawn.h"
#include "util/path.h"

#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434          /* the same number on every architecture */
#endif
#ifndef SYS_close_range
#define SYS_close_range 436
#endif
#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC (1U << 2)
#endif

#define DEFAULT_GRACE_S 2.0
#define STOP_POLL_S 0.05            /* a stop flag is seen at least this often */
#define OUTPUT_FIRST_S 0.01         /* output checks: 10 ms, doubling ... */
#define OUTPUT_MAX_INTERVAL_S 0.25  /* ... up to every 0.25 s */
#define OUTPUT_MAX_DEPTH 16
#define FALLBACK_TICK_S 0.001       /* sleep-poll step without pidfd */
#define DRAIN_MAX_S 1.0             /* how long to wait for killed stragglers */

extern char **environ;

/* Everything the child needs, prepared before fork: between fork and exec
 * it may only make async-signal-safe calls (no malloc, no stdio). */
struct child_ctx {
    const char *path;       /* resolved program */
    char *const *argv;
    char **sh_argv;         /* "/bin/sh" path argv[1..]: when exec says ENOEXEC */
    char *const *envp;
    int in_fd, out_fd, err_fd;  /* all >= 3 and close-on-exec */
    int cwd_fd;             /* -1: stay */
    int errpipe;            /* write end, close-on-exec */
    pid_t parent;
    struct sigaction dfl;
    int cpu;                /* >= 0: pin the child to this CPU */
};

static double ts_diff(const struct timespec *a, const struct timespec *b)
{
    return (double)(b->tv_sec - a->tv_sec) + (double)(b->tv_nsec - a->tv_nsec) * 1e-9;
}

static double tv_s(const struct timeval *tv)
{
    return (double)tv->tv_sec + (double)tv->tv_usec * 1e-6;
}

/* Returns fd moved to >= 3 (close-on-exec), so the child's dup2 onto 0-2
 * can never clobber another of its fds when pbench runs with 0-2 closed. */
static int move_high(int fd)
{
    int nfd;

    if (fd < 0 || fd >= 3)
        return fd;
    nfd = fcntl(fd, F_DUPFD_CLOEXEC, 3);
    close(fd);
    return nfd;
}

static int open_high(const char *path, int flags, mode_t mode)
{
    int fd;

    do
        fd = open(path, flags | O_CLOEXEC, mode);
    while (fd < 0 && errno == EINTR);
    return move_high(fd);
}

/* Between fork and exec: async-signal-safe calls only. Never returns. */
static void run_child(const struct child_ctx *c) __attribute__((noreturn));
static void run_child(const struct child_ctx *c)
{
    sigset_t none;
    int e;

    if (setpgid(0, 0) < 0)
        goto fail;
    if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0)
        goto fail;
    if (getppid() != c->parent)     /* pbench died before the prctl */
        _exit(127);
    /* Handlers are reset by exec anyway, but SIG_IGN is inherited: reset
     * every disposition. SIGKILL, SIGSTOP and libc's own fail: fine. */
    for (int sig = 1; sig < NSIG; sig++)
        sigaction(sig, &c->dfl, NULL);
    sigemptyset(&none);
    if (sigprocmask(SIG_SETMASK, &none, NULL) < 0)
        goto fail;
    if (dup2(c->in_fd, 0) < 0 || dup2(c->out_fd, 1) < 0 || dup2(c->err_fd, 2) < 0)
        goto fail;
    /* Keep pbench's own descriptors (results files...) out of the workload,
     * even ones opened without O_CLOEXEC. Before Linux 5.11 this fails:
     * tolerable. */
    syscall(SYS_close_range, 3U, ~0U, CLOSE_RANGE_CLOEXEC);
    if (c->cwd_fd >= 0 && fchdir(c->cwd_fd) < 0)
        goto fail;
    if (c->cpu >= 0) {
        cpu_set_t set;
        CPU_ZERO(&set);
        CPU_SET(c->cpu, &set);
        if (sched_setaffinity(0, sizeof set, &set) < 0)
            goto fail;
    }
    execve(c->path, c->argv, c->envp);
    if (errno == ENOEXEC)           /* no #!: run it as a shell script, as execvp does */
        execve("/bin/sh", c->sh_argv, c->envp);
fail:
    e = errno;
    while (write(c->errpipe, &e, sizeof e) < 0 && errno == EINTR)
        ;
    _exit(127);
}

static int reap(pid_t pid, int *status, struct rusage *ru)
{
    pid_t w;

    do
        w = wait4(pid, status, 0, ru);
    while (w < 0 && errno == EINTR);
    return w == pid ? 0 : -1;
}

/* Waits up to timeout_s (< 0: forever) for the child to exit, without
 * reaping it. Returns 1 when it has exited, 0 on timeout or EINTR, -1 on
 * error (errno set). */
static int wait_exit(int pidfd, pid_t pid, double timeout_s)
{
    siginfo_t si;
    int n;

    if (pidfd >= 0) {
        struct pollfd pfd = { .fd = pidfd, .events = POLLIN };
        struct timespec ts, *tsp = NULL;

        if (timeout_s >= 0) {
            if (timeout_s > 3600)           /* the caller loops anyway; keeps the cast defined */
                timeout_s = 3600;
            ts.tv_sec = (time_t)timeout_s;
            ts.tv_nsec = (long)((timeout_s - (double)ts.tv_sec) * 1e9);
            tsp = &ts;
        }
        n = ppoll(&pfd, 1, tsp, NULL);  /* ns precision, unlike poll's ms */
        if (n < 0)
            return errno == EINTR ? 0 : -1;
        return n > 0;
    }
    /* No pidfd (Linux < 5.3): look, sleep one step, look again. WNOWAIT
     * leaves the zombie for wait4 and keeps its group id reserved. */
    for (int pass = 0; pass < 2; pass++) {
        memset(&si, 0, sizeof si);
        if (waitid(P_PID, (id_t)pid, &si, WEXITED | WNOHANG | WNOWAIT) < 0)
            return errno == EINTR ? 0 : -1;
        if (si.si_pid == pid)
            return 1;
        if (pass == 0) {
            double step = timeout_s < 0 || timeout_s > FALLBACK_TICK_S
                          ? FALLBACK_TICK_S : timeout_s;
            struct timespec ts = { 0, (long)(step * 1e9) };

            nanosleep(&ts, NULL);       /* EINTR: just look again */
        }
    }
    return 0;
}

/* Sum of the logical sizes of the regular files under dirfd (which it
 * closes), skipping the two inodes in skip[]. */
static long long dir_bytes(int dirfd, int depth, const struct stat skip[2])
{
    struct dirent *de;
    struct stat st;
    long long total = 0;
    DIR *d = fdopendir(dirfd);

    if (!d) {
        close(dirfd);
        return 0;
    }
    while ((de = readdir(d)) != NULL) {
        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
            continue;
        if (fstatat(dirfd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0)
            continue;
        if (S_ISREG(st.st_mode)) {
            int dup = 0;

            for (int i = 0; i < 2; i++)
                if (st.st_dev == skip[i].st_dev && st.st_ino == skip[i].st_ino)
                    dup = 1;
            if (!dup)
                total += st.st_size;
        } else if (S_ISDIR(st.st_mode) && depth < OUTPUT_MAX_DEPTH) {
            int fd = openat(dirfd, de->d_name,
                            O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

            if (fd >= 0)
                total += dir_bytes(fd, depth + 1, skip);
        }
    }
    closedir(d);
    return total;
}

/* Bytes written so far: stdout and stderr (once if they are one file) and
 * the files under output_dir, which may well hold stdout.txt itself. */
static long long output_bytes(int out_fd, int err_fd, const char *output_dir)
{
    struct stat st[2];
    long long total = 0;

    memset(st, 0, sizeof st);
    if (fstat(out_fd, &st[0]) == 0 && S_ISREG(st[0].st_mode))
        total += st[0].st_size;
    if (fstat(err_fd, &st[1]) == 0 && S_ISREG(st[1].st_mode)
        && !(st[1].st_dev == st[0].st_dev && st[1].st_ino == st[0].st_ino))
        total += st[1].st_size;
    if (output_dir) {
        int fd = open(output_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

        if (fd >= 0)
            total += dir_bytes(fd, 0, st);
    }
    return total;
}

/* After the run: SIGKILL has gone to the group; wait until none of its
 * members is alive (zombies left to an init that does not reap count as
 * dead), so the next run does not share the CPU with this one's remains. */
static void drain_group(pid_t pgid)
{
    double until = pb_measure_now() + DRAIN_MAX_S;
    struct timespec step = { 0, 1000000 };

    while (kill(-pgid, 0) == 0) {   /* ESRCH: nobody left, the usual case */
        if (pb_measure_group_live(pgid, NULL) <= 0 || pb_measure_now() >= until)
            return;
        kill(-pgid, SIGKILL);
        nanosleep(&step, NULL);
    }
}

static void kill_group(pid_t pgid, int sig)
{
    kill(-pgid, sig);       /* ESRCH: already gone; nothing else can fail */
}

int pb_spawn_run(const struct pb_spawn_opts *o, struct pb_spawn_result *r,
                 struct pb_error *err)
{
    struct child_ctx c;
    struct pb_measure m;
    struct sigaction chld;
    struct timespec t0, t1;
    struct rusage ru;
    sigset_t all, old;
    int pipefd[2] = { -1, -1 };
    int pidfd = -1, ret = -1, status = 0, child_errno = 0, exec_errno, e, argc;
    char *path = NULL;
    char **sh_argv = NULL;
    double start, now, due, deadline, kill_at, next_out, out_iv, grace;
    pid_t pid = -1;
    ssize_t n;

    memset(r, 0, sizeof *r);
    memset(&c, 0, sizeof c);
    memset(&m, 0, sizeof m);
    c.in_fd = c.out_fd = c.err_fd = c.cwd_fd = -1;
    if (!o || !o->argv || !o->argv[0])
        return pb_error_set(err, "no command to run");
    /* With SIGCHLD ignored the kernel reaps children itself and wait4 has
     * no rusage to give: refuse rather than report zeros. */
    if (sigaction(SIGCHLD, NULL, &chld) == 0
        && (chld.sa_handler == SIG_IGN || (chld.sa_flags & SA_NOCLDWAIT)))
        return pb_error_set(err, "SIGCHLD is ignored: cannot wait for the command");

    c.in_fd = open_high("/dev/null", O_RDONLY, 0);
    if (c.in_fd < 0) {
        e = errno;
        pb_error_set(err, "cannot open '/dev/null'");
        pb_error_errno(err, e);
        goto cleanup;
    }
    c.out_fd = open_high(o->stdout_path ? o->stdout_path : "/dev/null",
                         O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (c.out_fd < 0) {
        e = errno;
        pb_error_set(err, "cannot create '%s'", o->stdout_path ? o->stdout_path : "/dev/null");
        pb_error_errno(err, e);
        goto cleanup;
    }
    if (o->stderr_path && o->stdout_path && strcmp(o->stderr_path, o->stdout_path) == 0)
        c.err_fd = fcntl(c.out_fd, F_DUPFD_CLOEXEC, 3);     /* one offset, as 2>&1 */
    else
        c.err_fd = open_high(o->stderr_path ? o->stderr_path : "/dev/null",
                             O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (c.err_fd < 0) {
        e = errno;
        pb_error_set(err, "cannot create '%s'", o->stderr_path ? o->stderr_path : "/dev/null");
        pb_error_errno(err, e);
        goto cleanup;
    }
    if (o->cwd) {
        c.cwd_fd = open_high(o->cwd, O_RDONLY | O_DIRECTORY, 0);
        if (c.cwd_fd < 0) {
            e = errno;
            pb_error_set(err, "cannot open working directory '%s'", o->cwd);
            pb_error_errno(err, e);
            goto cleanup;
        }
    }
    path = pb_path_search(o->argv[0], c.cwd_fd >= 0 ? c.cwd_fd : AT_FDCWD, &exec_errno);
    if (!path && exec_errno) {          /* nothing to execute: no fork needed */
        r->exec_failed = 1;
        r->exec_errno = exec_errno;
        r->exit_code = 127;
        ret = 0;
        goto cleanup;
    }
    for (argc = 0; o->argv[argc]; argc++)
        ;
    sh_argv = calloc((size_t)argc + 2, sizeof *sh_argv);
    if (!path || !sh_argv) {
        pb_error_set(err, "out of memory starting '%s'", o->argv[0]);
        goto cleanup;
    }
    sh_argv[0] = "/bin/sh";
    sh_argv[1] = path;
    for (int i = 1; i < argc; i++)
        sh_argv[i + 1] = o->argv[i];
    if (pipe2(pipefd, O_CLOEXEC) < 0) {
        e = errno;
        pb_error_set(err, "cannot create a pipe");
        pb_error_errno(err, e);
        goto cleanup;
    }
    pipefd[0] = move_high(pipefd[0]);
    pipefd[1] = move_high(pipefd[1]);
    if (pipefd[0] < 0 || pipefd[1] < 0) {
        e = errno;
        pb_error_set(err, "cannot create a pipe");
        pb_error_errno(err, e);
        goto cleanup;
    }
    c.path = path;
    c.argv = o->argv;
    c.sh_argv = sh_argv;
    c.envp = o->envp ? o->envp : environ;
    c.errpipe = pipefd[1];
    c.dfl.sa_handler = SIG_DFL;
    sigemptyset(&c.dfl.sa_mask);
    c.parent = getpid();
    c.cpu = o->cpu > 0 ? o->cpu - 1 : -1;

    /* Block every signal across fork so none of pbench's handlers runs in
     * the child before it has reset them. */
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    clock_gettime(CLOCK_MONOTONIC, &t0);
    pid = fork();
    if (pid == 0)
        run_child(&c);
    e = errno;
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (pid < 0) {
        pb_error_set(err, "cannot start '%s': fork", o->argv[0]);
        pb_error_errno(err, e);
        goto cleanup;
    }
    start = (double)t0.tv_sec + (double)t0.tv_nsec * 1e-9;
    setpgid(pid, pid);  /* also here, so a kill(-pid) below cannot miss; EACCES once it exec'd */
    pb_guard_watch(pid);    /* if pbench dies from here on, the guard kills the group */
    close(pipefd[1]);
    pipefd[1] = -1;
    /* EOF: exec succeeded. An int: exec (or setup) failed with that errno. */
    do
        n = read(pipefd[0], &child_errno, sizeof child_errno);
    while (n < 0 && errno == EINTR);
    if (n == (ssize_t)sizeof child_errno) {
        reap(pid, &status, &ru);
        clock_gettime(CLOCK_MONOTONIC, &t1);
        r->exec_failed = 1;
        r->exec_errno = child_errno;
        r->exit_code = 127;
        r->wall_s = ts_diff(&t0, &t1);
        pid = -1;
        ret = 0;
        goto cleanup;
    }

    if (!o->no_pidfd) {
        pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
        if (pidfd < 0 && errno != ENOSYS) {
            e = errno;
            pb_error_set(err, "cannot watch '%s' (pid %d): pidfd_open", o->argv[0], (int)pid);
            pb_error_errno(err, e);
            goto cleanup;               /* kills and reaps it */
        }
    }

    grace = o->kill_grace_s > 0 ? o->kill_grace_s : DEFAULT_GRACE_S;
    deadline = o->timeout_s > 0 ? start + o->timeout_s : INFINITY;
    kill_at = INFINITY;
    out_iv = OUTPUT_FIRST_S;
    next_out = o->max_output_bytes > 0 ? start + out_iv : INFINITY;
    if (o->sample_tree)
        pb_measure_init(&m, pid, pid, start, o->sample_max_interval_s);
    for (;;) {
        int killed;

        now = pb_measure_now();
        if (o->stop && *o->stop && !r->interrupted) {
            r->interrupted = 1;
            kill_group(pid, SIGKILL);
        }
        killed = r->interrupted || r->output_limited;   /* SIGKILL sent already */
        if (now >= deadline && !killed) {
            r->timed_out = 1;
            deadline = INFINITY;
            kill_group(pid, SIGTERM);
            kill_at = now + grace;
        }
        if (now >= kill_at) {
            kill_group(pid, SIGKILL);
            kill_at = INFINITY;
        }
        if (now >= next_out && !killed) {
            if (output_bytes(c.out_fd, c.err_fd, o->output_dir) > o->max_output_bytes) {
                r->output_limited = 1;
                kill_group(pid, SIGKILL);
                next_out = INFINITY;
            } else {
                out_iv = fmin(out_iv * 2, OUTPUT_MAX_INTERVAL_S);
                next_out = now + out_iv;
            }
        }
        if (o->sample_tree)
            pb_measure_tick(&m, now, NULL); /* a failed sample is not the run's failure */

        due = fmin(fmin(deadline, kill_at), next_out);
        if (o->sample_tree)
            due = fmin(due, pb_measure_next_due(&m));
        if (o->stop)
            due = fmin(due, now + STOP_POLL_S);
        now = pb_measure_now();
        n = wait_exit(pidfd, pid, isinf(due) ? -1.0 : fmax(due - now, 0.0));
        if (n > 0)
            break;
        if (n < 0) {
            e = errno;
            pb_error_set(err, "cannot wait for '%s' (pid %d)", o->argv[0], (int)pid);
            pb_error_errno(err, e);
            goto cleanup;
        }
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);

    /* The child is a zombie now and still holds its group id: kill what
     * it left behind in the group before reaping it. */
    kill_group(pid, SIGKILL);
    if (reap(pid, &status, &ru) < 0) {
        e = errno;
        pb_error_set(err, "cannot reap '%s' (pid %d)", o->argv[0], (int)pid);
        pb_error_errno(err, e);
        pid = -1;
        goto cleanup;
    }
    drain_group(pid);

    r->wall_s = ts_diff(&t0, &t1);
    if (WIFSIGNALED(status)) {
        r->term_signal = WTERMSIG(status);
        r->exit_code = 128 + r->term_signal;
    } else {
        r->exit_code = WEXITSTATUS(status);
    }
    r->user_s = tv_s(&ru.ru_utime);
    r->sys_s = tv_s(&ru.ru_stime);
    r->maxrss_kb = ru.ru_maxrss;
    if (o->sample_tree) {
        r->tree_peak_rss_kb = pb_measure_peak_kb(&m, r->maxrss_kb);
        r->tree_max_procs = m.max_procs;
        r->tree_samples = m.samples;
    } else {
        r->tree_peak_rss_kb = r->maxrss_kb;
    }
    pid = -1;
    ret = 0;

cleanup:
    if (pid > 0) {                      /* started, but we failed: leave nothing behind */
        kill_group(pid, SIGKILL);
        reap(pid, &status, &ru);
        drain_group(pid);
    }
    pb_guard_watch(0);                  /* the group is gone: nothing to kill */
    pb_measure_release(&m);
    if (pidfd >= 0)
        close(pidfd);
    for (int i = 0; i < 2; i++)
        if (pipefd[i] >= 0)
            close(pipefd[i]);
    if (c.in_fd >= 0)
        close(c.in_fd);
    if (c.out_fd >= 0)
        close(c.out_fd);
    if (c.err_fd >= 0)
        close(c.err_fd);
    if (c.cwd_fd >= 0)
        close(c.cwd_fd);
    free(sh_argv);
    free(path);
    return ret;
}
