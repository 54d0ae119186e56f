/* spawn: fork/exec one command in its own process group, watch it (timeout,
 * stop flag, output limit, tree RSS) and reap it with wait4. The shape
 * follows git's run-command.c: everything is prepared before fork, the
 * child makes only async-signal-safe calls, a close-on-exec pipe carries
 * an exec failure's errno back. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
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
    long long max_file;     /* > 0: RLIMIT_FSIZE, the output limit per file */
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
    if (c->max_file > 0) {
        /* the soft limit only, and only ever lowered (the parent checked):
         * the hard one is not touched */
        struct rlimit rl;
        if (getrlimit(RLIMIT_FSIZE, &rl) == 0) {
            rl.rlim_cur = (rlim_t)c->max_file;
            setrlimit(RLIMIT_FSIZE, &rl);
        }
    }
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
        } else if (S_ISDIR(st.st_mode)) {
            int fd;
            long long sub;

            if (depth >= OUTPUT_MAX_DEPTH) {
                total = LLONG_MAX;  /* too deep to count: over any limit */
                break;
            }
            fd = openat(dirfd, de->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
            sub = fd >= 0 ? dir_bytes(fd, depth + 1, skip) : 0;
            if (sub == LLONG_MAX || sub > LLONG_MAX - total) {
                total = LLONG_MAX;
                break;
            }
            total += sub;
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

        long long sub = fd >= 0 ? dir_bytes(fd, 0, st) : 0;

        total = sub > LLONG_MAX - total ? LLONG_MAX : total + sub;
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

int pb_spawn_subreaper(void)
{
    return prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
}

/* The children of this process (all its threads'), at most max, into
 * kids. Returns how many. */
static size_t own_children(pid_t *kids, size_t max)
{
    char path[64], buf[4096];
    DIR *d = opendir("/proc/self/task");
    struct dirent *de;
    size_t n = 0;

    if (!d)
        return 0;
    while (n < max && (de = readdir(d)) != NULL) {
        FILE *f;
        if (de->d_name[0] == '.')
            continue;
        snprintf(path, sizeof path, "/proc/self/task/%.20s/children", de->d_name);
        if (!(f = fopen(path, "re")))
            continue;
        size_t got = fread(buf, 1, sizeof buf - 1, f);
        fclose(f);
        buf[got] = '\0';
        for (char *p = buf, *end; n < max && *p; p = end) {
            long v = strtol(p, &end, 10);
            if (end == p)
                break;
            if (v > 0)
                kids[n++] = (pid_t)v;
        }
    }
    closedir(d);
    return n;
}

/* After a run: in a subreaper, any child left is a descendant of the run
 * that escaped its process group and outlived it (re-parented here). Kill
 * each with its own group, reap it and add its CPU to the run's; repeat,
 * since its own children come back here in turn. */
static void kill_escaped(struct pb_spawn_result *r)
{
    int reaper = 0;

    /* only a subreaper gets orphans: elsewhere a child is the caller's own */
    if (prctl(PR_GET_CHILD_SUBREAPER, &reaper, 0, 0, 0) < 0 || !reaper)
        return;
    for (int pass = 0; pass < 64; pass++) {
        pid_t kids[256], guard = pb_guard_pid();
        size_t n = own_children(kids, 256), k = 0;

        for (size_t i = 0; i < n; i++)  /* pbench's own watchdog stays */
            if (kids[i] != guard)
                kids[k++] = kids[i];
        n = k;
        if (n == 0)
            return;
        for (size_t i = 0; i < n; i++) {
            kill(-kids[i], SIGKILL);  /* a setsid'd one leads its own group */
            kill(kids[i], SIGKILL);
        }
        for (size_t i = 0; i < n; i++) {
            struct rusage ru;
            int status;
            pid_t got;
            do
                got = wait4(kids[i], &status, 0, &ru);
            while (got < 0 && errno == EINTR);
            if (got == kids[i]) {
                r->user_s += tv_s(&ru.ru_utime);
                r->sys_s += tv_s(&ru.ru_stime);
                r->escaped_killed++;
            }
        }
    }
}

static void kill_group(pid_t pgid, int sig)
{
    kill(-pgid, sig);       /* ESRCH: already gone; nothing else can fail */
}

/* One run's state, from the files opened before fork to the reaping. */
struct run {
    const struct pb_spawn_opts *o;
    struct pb_spawn_result *r;
    struct child_ctx c;
    struct pb_measure m;
    struct timespec t0;
    int pipefd[2];
    int pidfd;
    char *path;
    char **sh_argv;
    pid_t pid;              /* > 0 while a child may be left to kill and reap */
};

static int fail_errno(struct pb_error *err, int e, const char *fmt, const char *what)
{
    pb_error_set(err, fmt, what);
    return pb_error_errno(err, e);
}

/* stdin, stdout and stderr for the child, and its working directory. */
static int open_files(struct run *u, struct pb_error *err)
{
    const struct pb_spawn_opts *o = u->o;
    const char *out = o->stdout_path ? o->stdout_path : "/dev/null";
    const char *errp = o->stderr_path ? o->stderr_path : "/dev/null";

    u->c.in_fd = open_high("/dev/null", O_RDONLY, 0);
    if (u->c.in_fd < 0)
        return fail_errno(err, errno, "cannot open '%s'", "/dev/null");
    u->c.out_fd = open_high(out, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (u->c.out_fd < 0)
        return fail_errno(err, errno, "cannot create '%s'", out);
    if (o->stderr_path && o->stdout_path && strcmp(o->stderr_path, o->stdout_path) == 0)
        u->c.err_fd = fcntl(u->c.out_fd, F_DUPFD_CLOEXEC, 3);     /* one offset, as 2>&1 */
    else
        u->c.err_fd = open_high(errp, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (u->c.err_fd < 0)
        return fail_errno(err, errno, "cannot create '%s'", errp);
    if (o->cwd) {
        u->c.cwd_fd = open_high(o->cwd, O_RDONLY | O_DIRECTORY, 0);
        if (u->c.cwd_fd < 0)
            return fail_errno(err, errno, "cannot open working directory '%s'", o->cwd);
    }
    return 0;
}

/* Everything the child needs, made before fork. Returns 0; 1 when there
 * is nothing to execute (r says why, no fork needed); -1 with err. */
static int prepare(struct run *u, struct pb_error *err)
{
    const struct pb_spawn_opts *o = u->o;
    int exec_errno, argc;

    if (open_files(u, err) < 0)
        return -1;
    u->path = pb_path_search(o->argv[0], u->c.cwd_fd >= 0 ? u->c.cwd_fd : AT_FDCWD, &exec_errno);
    if (!u->path && exec_errno) {
        u->r->exec_failed = 1;
        u->r->exec_errno = exec_errno;
        u->r->exit_code = 127;
        return 1;
    }
    for (argc = 0; o->argv[argc]; argc++)
        ;
    u->sh_argv = calloc((size_t)argc + 2, sizeof *u->sh_argv);
    if (!u->path || !u->sh_argv)
        return pb_error_set(err, "out of memory starting '%s'", o->argv[0]);
    u->sh_argv[0] = "/bin/sh";
    u->sh_argv[1] = u->path;
    for (int i = 1; i < argc; i++)
        u->sh_argv[i + 1] = o->argv[i];
    if (pipe2(u->pipefd, O_CLOEXEC) == 0) {
        u->pipefd[0] = move_high(u->pipefd[0]);
        u->pipefd[1] = move_high(u->pipefd[1]);
    }
    if (u->pipefd[0] < 0 || u->pipefd[1] < 0) {
        int e = errno;
        pb_error_set(err, "cannot create a pipe");
        return pb_error_errno(err, e);
    }
    u->c.path = u->path;
    u->c.argv = o->argv;
    u->c.sh_argv = u->sh_argv;
    u->c.envp = o->envp ? o->envp : environ;
    u->c.errpipe = u->pipefd[1];
    u->c.dfl.sa_handler = SIG_DFL;
    sigemptyset(&u->c.dfl.sa_mask);
    u->c.parent = getpid();
    u->c.cpu = o->cpu > 0 ? o->cpu - 1 : -1;
    /* One byte over: a file that reaches it is over the limit, which the
     * next check sees even when only a descendant died of SIGXFSZ. Only
     * when it lowers the limit pbench itself runs under: a lower inherited
     * one (a quota, a test) stays, and its SIGXFSZ is not ours. */
    {
        struct rlimit cur;
        long long want = o->max_output_bytes > 0 ? o->max_output_bytes + 1 : 0;
        u->c.max_file = 0;
        if (want > 0 && getrlimit(RLIMIT_FSIZE, &cur) == 0
            && (cur.rlim_cur == RLIM_INFINITY || cur.rlim_cur > (rlim_t)want)
            && (cur.rlim_max == RLIM_INFINITY || cur.rlim_max >= (rlim_t)want))
            u->c.max_file = want;
    }
    return 0;
}

/* Forks and execs; then learns from the pipe whether exec worked. Returns
 * 0 (running, u->pid set); 1 when exec failed (r says why, child reaped);
 * -1 with err. */
static int start(struct run *u, struct pb_error *err)
{
    sigset_t all, old;
    int child_errno = 0, status, e;
    struct rusage ru;
    struct timespec t1;
    ssize_t n;
    pid_t pid;

    /* Block every signal across fork so none of pbench's handlers runs in
     * the child before it has reset them. */
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    clock_gettime(CLOCK_MONOTONIC, &u->t0);
    pid = fork();
    if (pid == 0)
        run_child(&u->c);
    e = errno;
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (pid < 0)
        return fail_errno(err, e, "cannot start '%s': fork", u->o->argv[0]);
    u->pid = pid;
    setpgid(pid, pid);  /* also here, so a kill(-pid) below cannot miss; EACCES once it exec'd */
    pb_guard_watch(pid);    /* if pbench dies from here on, the guard kills the group */
    close(u->pipefd[1]);
    u->pipefd[1] = -1;
    /* EOF: exec succeeded. An int: exec (or setup) failed with that errno. */
    do
        n = read(u->pipefd[0], &child_errno, sizeof child_errno);
    while (n < 0 && errno == EINTR);
    if (n != (ssize_t)sizeof child_errno)
        return 0;
    reap(pid, &status, &ru);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    u->r->exec_failed = 1;
    u->r->exec_errno = child_errno;
    u->r->exit_code = 127;
    u->r->wall_s = ts_diff(&u->t0, &t1);
    u->pid = -1;
    return 1;
}

/* Watches the child until it exits: the timeout (SIGTERM to the group,
 * SIGKILL after the grace), the stop flag, the output limit, the tree
 * samples. Returns 0 when it has exited (not reaped), -1 with err. */
static int watch(struct run *u, struct pb_error *err)
{
    const struct pb_spawn_opts *o = u->o;
    struct pb_spawn_result *r = u->r;
    double start = (double)u->t0.tv_sec + (double)u->t0.tv_nsec * 1e-9;
    double grace = o->kill_grace_s > 0 ? o->kill_grace_s : DEFAULT_GRACE_S;
    double deadline = o->timeout_s > 0 ? start + o->timeout_s : INFINITY;
    double kill_at = INFINITY, out_iv = OUTPUT_FIRST_S;
    double next_out = o->max_output_bytes > 0 ? start + out_iv : INFINITY;

    if (o->sample_tree)
        pb_measure_init(&u->m, u->pid, u->pid, start, o->sample_max_interval_s);
    for (;;) {
        double now = pb_measure_now(), due;
        int killed, n;

        if (o->stop && *o->stop && !r->interrupted) {
            r->interrupted = 1;
            kill_group(u->pid, SIGKILL);
        }
        killed = r->interrupted || r->output_limited;   /* SIGKILL sent already */
        if (now >= deadline && !killed) {
            r->timed_out = 1;
            deadline = INFINITY;
            kill_group(u->pid, SIGTERM);
            kill_at = now + grace;
        }
        if (now >= kill_at) {
            kill_group(u->pid, SIGKILL);
            kill_at = INFINITY;
        }
        if (now >= next_out && !killed) {
            if (output_bytes(u->c.out_fd, u->c.err_fd, o->output_dir) > o->max_output_bytes) {
                r->output_limited = 1;
                kill_group(u->pid, SIGKILL);
                next_out = INFINITY;
            } else {
                out_iv = fmin(out_iv * 2, OUTPUT_MAX_INTERVAL_S);
                next_out = now + out_iv;
            }
        }
        if (o->sample_tree)
            pb_measure_tick(&u->m, now, NULL); /* a failed sample is not the run's failure */
        due = fmin(fmin(deadline, kill_at), next_out);
        if (o->sample_tree)
            due = fmin(due, pb_measure_next_due(&u->m));
        if (o->stop)
            due = fmin(due, now + STOP_POLL_S);
        now = pb_measure_now();
        n = wait_exit(u->pidfd, u->pid, isinf(due) ? -1.0 : fmax(due - now, 0.0));
        if (n > 0)
            return 0;
        if (n < 0) {
            int e = errno;
            pb_error_set(err, "cannot wait for '%s' (pid %d)", o->argv[0], (int)u->pid);
            return pb_error_errno(err, e);
        }
    }
}

/* The child has exited: kill what it left in its group, reap it, and
 * fill the result. Returns 0, -1 with err. */
static int finish(struct run *u, struct pb_error *err)
{
    struct pb_spawn_result *r = u->r;
    struct timespec t1;
    struct rusage ru;
    int status = 0;
    pid_t pid = u->pid;

    clock_gettime(CLOCK_MONOTONIC, &t1);
    /* The child is a zombie now and still holds its group id: kill what
     * it left behind in the group before reaping it. */
    kill_group(pid, SIGKILL);
    u->pid = -1;
    if (reap(pid, &status, &ru) < 0) {
        int e = errno;
        pb_error_set(err, "cannot reap '%s' (pid %d)", u->o->argv[0], (int)pid);
        return pb_error_errno(err, e);
    }
    drain_group(pid);
    /* A last look: a run that stopped at pbench's RLIMIT_FSIZE by itself
     * (Python ignores SIGXFSZ, gets EFBIG and exits 1), or wrote past the
     * limit between two checks, is over the limit, not failed. */
    if (!r->output_limited && u->o->max_output_bytes > 0
        && output_bytes(u->c.out_fd, u->c.err_fd, u->o->output_dir) > u->o->max_output_bytes)
        r->output_limited = 1;
    r->wall_s = ts_diff(&u->t0, &t1);
    if (WIFSIGNALED(status)) {
        r->term_signal = WTERMSIG(status);
        r->exit_code = 128 + r->term_signal;
        if (r->term_signal == SIGXFSZ && u->c.max_file > 0)
            r->output_limited = 1;  /* a file reached pbench's RLIMIT_FSIZE */
    } else {
        r->exit_code = WEXITSTATUS(status);
    }
    r->user_s = tv_s(&ru.ru_utime);
    r->sys_s = tv_s(&ru.ru_stime);
    r->maxrss_kb = ru.ru_maxrss;
    kill_escaped(r);
    if (u->o->sample_tree) {
        r->tree_peak_rss_kb = pb_measure_peak_kb(&u->m, r->maxrss_kb);
        r->tree_max_procs = u->m.max_procs;
        r->tree_samples = u->m.samples;
    } else {
        r->tree_peak_rss_kb = r->maxrss_kb;
    }
    return 0;
}

static void release(struct run *u)
{
    int status;
    struct rusage ru;

    if (u->pid > 0) {                   /* started, but we failed: leave nothing behind */
        kill_group(u->pid, SIGKILL);
        reap(u->pid, &status, &ru);
        drain_group(u->pid);
    }
    pb_guard_watch(0);                  /* the group is gone: nothing to kill */
    pb_measure_release(&u->m);
    if (u->pidfd >= 0)
        close(u->pidfd);
    int fds[] = { u->pipefd[0], u->pipefd[1], u->c.in_fd, u->c.out_fd, u->c.err_fd, u->c.cwd_fd };
    for (size_t i = 0; i < sizeof fds / sizeof fds[0]; i++)
        if (fds[i] >= 0)
            close(fds[i]);
    free(u->sh_argv);
    free(u->path);
}

int pb_spawn_run(const struct pb_spawn_opts *o, struct pb_spawn_result *r,
                 struct pb_error *err)
{
    struct sigaction chld;
    struct run u;
    int rc;

    memset(r, 0, sizeof *r);
    memset(&u, 0, sizeof u);
    u.o = o;
    u.r = r;
    u.c.in_fd = u.c.out_fd = u.c.err_fd = u.c.cwd_fd = -1;
    u.pipefd[0] = u.pipefd[1] = u.pidfd = -1;
    u.pid = -1;
    if (!o || !o->argv || !o->argv[0])
        return pb_error_set(err, "no command to run");
    /* With SIGCHLD ignored the kernel reaps children itself and wait4 has
     * no rusage to give: refuse rather than report zeros. */
    if (sigaction(SIGCHLD, NULL, &chld) == 0
        && (chld.sa_handler == SIG_IGN || (chld.sa_flags & SA_NOCLDWAIT)))
        return pb_error_set(err, "SIGCHLD is ignored: cannot wait for the command");
    rc = prepare(&u, err);
    if (rc == 0)
        rc = start(&u, err);
    if (rc == 0 && !o->no_pidfd) {
        u.pidfd = (int)syscall(SYS_pidfd_open, u.pid, 0);
        if (u.pidfd < 0 && errno != ENOSYS) {
            int e = errno;
            pb_error_set(err, "cannot watch '%s' (pid %d): pidfd_open", o->argv[0], (int)u.pid);
            rc = pb_error_errno(err, e);        /* release kills and reaps it */
        }
    }
    if (rc == 0)
        rc = watch(&u, err);
    if (rc == 0)
        rc = finish(&u, err);
    release(&u);
    return rc < 0 ? -1 : 0;     /* 1: could not execute, which r says */
}
