/* `pbench sample`: options, starting the command, the sampling clock,
 * signals, and writing the outputs. What is sampled and how lives in
 * targets.c and below; see sampler.h. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
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

#define PROG "pbench sample"

struct opts {
    double rate;          /* Hz */
    double jitter;        /* fraction of the interval, 0 <= jitter < 1 */
    int subprocesses;
    const char *output;
    const char *collapsed;   /* NULL: derived from output */
    int no_collapsed;
    int collapsed_cpu;
    int top;
    int quiet;
    uint64_t seed;
    int seeded;
    char **command;
};

static void usage(FILE *out)
{
    fprintf(out,
        "usage: pbench sample [options] -o OUT.json [--] COMMAND [ARGS...]\n"
        "\n"
        "Runs COMMAND (a CPython 3.11 program) and samples its Python stacks from\n"
        "outside, without stopping it. Exits with COMMAND's exit status.\n"
        "\n"
        "  -o, --output PATH         JSON profile (required)\n"
        "  -r, --rate HZ             samples per second (default 100, at most 10000)\n"
        "      --jitter FRACTION     random change of each interval, as a fraction\n"
        "                            of it (default 0.5; 0 for a fixed period)\n"
        "  -s, --subprocesses        also sample COMMAND's Python child processes\n"
        "      --collapsed PATH      collapsed stacks (default: OUT with .collapsed\n"
        "                            for .json)\n"
        "      --collapsed-mode MODE count 'wall' samples (default) or only 'cpu' ones\n"
        "      --no-collapsed        do not write collapsed stacks\n"
        "  -n, --top N               functions in the summary (default 10; 0: none)\n"
        "  -q, --quiet               no summary\n"
        "      --seed N              seed of the interval jitter\n"
        "  -h, --help                this help\n");
}

/* Parses a number in [lo, hi]; returns 0, or -1 (with a message). */
static int parse_num(const char *opt, const char *s, double lo, double hi, double *out)
{
    char *end;
    double v;

    errno = 0;
    v = strtod(s, &end);
    if (errno || end == s || *end || !isfinite(v) || v < lo || v > hi) {
        fprintf(stderr, PROG ": %s: expected a number from %g to %g, got '%s'\n", opt, lo, hi, s);
        return -1;
    }
    *out = v;
    return 0;
}

/* Returns 0 to go on, 1 after --help, -1 on a usage error (printed). */
static int parse_opts(int argc, char **argv, struct opts *o)
{
    enum { OPT_JITTER = 256, OPT_COLLAPSED, OPT_COLLAPSED_MODE, OPT_NO_COLLAPSED, OPT_SEED };
    static const struct option longopts[] = {
        { "output", required_argument, NULL, 'o' },
        { "rate", required_argument, NULL, 'r' },
        { "jitter", required_argument, NULL, OPT_JITTER },
        { "subprocesses", no_argument, NULL, 's' },
        { "collapsed", required_argument, NULL, OPT_COLLAPSED },
        { "collapsed-mode", required_argument, NULL, OPT_COLLAPSED_MODE },
        { "no-collapsed", no_argument, NULL, OPT_NO_COLLAPSED },
        { "top", required_argument, NULL, 'n' },
        { "quiet", no_argument, NULL, 'q' },
        { "seed", required_argument, NULL, OPT_SEED },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    double v;
    int c;

    memset(o, 0, sizeof *o);
    o->rate = 100;
    o->jitter = 0.5;
    o->top = 10;
    optind = 0;  /* full getopt reset: pb_sampler_cmd may run more than once */
    opterr = 0;
    /* '+': stop at the command, whose own options are not ours. */
    while ((c = getopt_long(argc, argv, "+o:r:sn:qh", longopts, NULL)) != -1) {
        switch (c) {
        case 'o':
            o->output = optarg;
            break;
        case 'r':
            if (parse_num("--rate", optarg, 0.1, 10000, &o->rate) < 0)
                return -1;
            break;
        case OPT_JITTER:
            if (parse_num("--jitter", optarg, 0, 0.9, &o->jitter) < 0)
                return -1;
            break;
        case 's':
            o->subprocesses = 1;
            break;
        case OPT_COLLAPSED:
            o->collapsed = optarg;
            break;
        case OPT_COLLAPSED_MODE:
            if (strcmp(optarg, "wall") != 0 && strcmp(optarg, "cpu") != 0) {
                fprintf(stderr, PROG ": --collapsed-mode: expected 'wall' or 'cpu', got '%s'\n",
                        optarg);
                return -1;
            }
            o->collapsed_cpu = strcmp(optarg, "cpu") == 0;
            break;
        case OPT_NO_COLLAPSED:
            o->no_collapsed = 1;
            break;
        case 'n':
            if (parse_num("--top", optarg, 0, 100000, &v) < 0)
                return -1;
            o->top = (int)v;
            break;
        case 'q':
            o->quiet = 1;
            break;
        case OPT_SEED:
            if (parse_num("--seed", optarg, 0, 9007199254740992.0, &v) < 0)
                return -1;
            o->seed = (uint64_t)v;
            o->seeded = 1;
            break;
        case 'h':
            usage(stdout);
            return 1;
        default:
            if (optopt && optopt < 256)
                fprintf(stderr, PROG ": unknown option or missing value: '-%c'\n", optopt);
            else
                fprintf(stderr, PROG ": unknown option or missing value: '%s'\n",
                        argv[optind - 1]);
            usage(stderr);
            return -1;
        }
    }
    if (optind >= argc) {
        fprintf(stderr, PROG ": no command to run (put it after '--')\n");
        usage(stderr);
        return -1;
    }
    if (!o->output) {
        fprintf(stderr, PROG ": no output file: give '-o OUT.json'\n");
        return -1;
    }
    o->command = argv + optind;
    return 0;
}

/* Finds the program as execvp would: as given when it holds a '/', else
 * along PATH. Returns 0 with its path in buf, or the exit code for a
 * shell's "not found" (127) or "cannot execute" (126). */
static int resolve(const char *name, char *buf, size_t n)
{
    const char *path = getenv("PATH");
    int seen_noexec = 0;
    struct stat st;

    if (!*name)
        return PB_SAMPLER_EXIT_NOT_FOUND;
    if (strchr(name, '/')) {
        snprintf(buf, n, "%s", name);
        if (stat(name, &st) < 0)
            return PB_SAMPLER_EXIT_NOT_FOUND;
        if (S_ISDIR(st.st_mode) || access(name, X_OK) < 0)
            return PB_SAMPLER_EXIT_CANNOT_RUN;
        return 0;
    }
    if (!path || !*path)
        path = "/usr/local/bin:/usr/bin:/bin";
    while (*path) {
        size_t len = strcspn(path, ":");
        snprintf(buf, n, "%.*s%s%s", (int)len, path, len ? "/" : "", name);
        if (stat(buf, &st) == 0 && !S_ISDIR(st.st_mode)) {
            if (access(buf, X_OK) == 0)
                return 0;
            seen_noexec = 1;
        }
        path += len;
        if (*path == ':')
            path++;
    }
    snprintf(buf, n, "%s", name);
    return seen_noexec ? PB_SAMPLER_EXIT_CANNOT_RUN : PB_SAMPLER_EXIT_NOT_FOUND;
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

static char *collapsed_path(const struct opts *o)
{
    size_t len = strlen(o->output);
    char *p;

    if (o->no_collapsed)
        return NULL;
    if (o->collapsed)
        return strdup(o->collapsed);
    p = malloc(len + sizeof ".collapsed");
    if (!p)
        return NULL;
    if (len > 5 && strcmp(o->output + len - 5, ".json") == 0)
        len -= 5;
    memcpy(p, o->output, len);
    strcpy(p + len, ".collapsed");
    return p;
}

int pb_sampler_cmd(int argc, char **argv)
{
    struct opts o;
    struct pb_error err;
    struct pb_samples *prof = NULL;
    struct pb_targets *sess = NULL;
    struct pb_samples_meta meta;
    struct rusage self0, self1, child_ru;
    struct sigaction chld_dfl, old_chld;
    sigset_t waitset, oldmask;
    char path[4096], buf[2048];
    char *collapsed = NULL;
    double start, end, next, interval;
    uint64_t rng;
    pid_t pid = -1;
    int status = 0, exec_errno = 0, rc, done = 0, failed = 0;

    rc = parse_opts(argc, argv, &o);
    if (rc != 0)
        return rc > 0 ? 0 : PB_SAMPLER_EXIT_USAGE;
    rc = resolve(o.command[0], path, sizeof path);
    if (rc == PB_SAMPLER_EXIT_NOT_FOUND) {
        fprintf(stderr, PROG ": command '%s' not found\n", o.command[0]);
        return rc;
    }
    if (rc == PB_SAMPLER_EXIT_CANNOT_RUN) {
        fprintf(stderr, PROG ": command '%s' is not executable\n", path);
        return rc;
    }
    if (!writable_dir_of(o.output)) {
        fprintf(stderr, PROG ": cannot write '%s': %s\n", o.output, strerror(errno));
        return PB_SAMPLER_EXIT_FAILURE;
    }
    collapsed = collapsed_path(&o);
    prof = pb_samples_new();
    if (!prof || (!collapsed && !o.no_collapsed)) {
        fprintf(stderr, PROG ": out of memory\n");
        free(collapsed);
        pb_samples_free(prof);
        return PB_SAMPLER_EXIT_FAILURE;
    }

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

    rng = o.seeded ? o.seed : ((uint64_t)time(NULL) << 20) ^ (uint64_t)getpid();
    rng = rng * 0x9e3779b97f4a7c15ull + 1;  /* never 0: xorshift's fixed point */
    memset(&child_ru, 0, sizeof child_ru);
    getrusage(RUSAGE_SELF, &self0);
    start = now_s();
    pid = spawn(path, o.command, &oldmask, &exec_errno);
    if (pid < 0) {
        fprintf(stderr, PROG ": cannot run '%s': %s\n", path, strerror(exec_errno));
        rc = exec_errno == ENOENT ? PB_SAMPLER_EXIT_NOT_FOUND : PB_SAMPLER_EXIT_CANNOT_RUN;
        goto cleanup;
    }
    sess = pb_targets_new(pid, path, o.subprocesses, prof);
    if (!sess) {
        fprintf(stderr, PROG ": out of memory\n");
        failed = 1;
    }

    interval = 1.0 / o.rate;
    next = start;
    for (int chld = 1; !failed;) {
        double t;

        /* Only a SIGCHLD sends us to wait4; the child's exit ends sampling. */
        if (chld && (done = reaped(pid, &status, &child_ru)))
            break;
        t = now_s();
        if (pb_targets_tick(sess, t, &err) < 0) {
            fprintf(stderr, PROG ": %s\n", pb_error_format(&err, buf, sizeof buf));
            failed = 1;
            break;
        }
        next += interval * (1.0 + o.jitter * (2.0 * uniform(&rng) - 1.0));
        t = now_s();
        if (next < t - interval)
            next = t;  /* far behind (a slow round): skip, do not burst */
        chld = nap(&waitset, next - t, pid);
    }
    end = now_s();
    getrusage(RUSAGE_SELF, &self1);
    if (failed) {
        kill(pid, SIGKILL);
        while (!done && wait4(pid, &status, 0, &child_ru) < 0 && errno == EINTR)
            ;
        rc = PB_SAMPLER_EXIT_FAILURE;
        goto cleanup;
    }
    rc = exit_code_of(status);
    if (pb_targets_finish(sess, &err) < 0) {
        fprintf(stderr, PROG ": %s\n", pb_error_format(&err, buf, sizeof buf));
        rc = PB_SAMPLER_EXIT_FAILURE;
        goto cleanup;
    }

    memset(&meta, 0, sizeof meta);
    meta.command = o.command;
    meta.pid = pid;
    meta.rate_hz = o.rate;
    meta.jitter = o.jitter;
    meta.subprocesses = o.subprocesses;
    meta.duration_s = end - start;
    meta.ticks = pb_targets_ticks(sess);
    meta.sampler_user_s = tv_s(self1.ru_utime) - tv_s(self0.ru_utime);
    meta.sampler_sys_s = tv_s(self1.ru_stime) - tv_s(self0.ru_stime);
    meta.exit_code = rc;
    meta.target_user_s = tv_s(child_ru.ru_utime);
    meta.target_sys_s = tv_s(child_ru.ru_stime);
    meta.target_maxrss_kb = child_ru.ru_maxrss;
    meta.collapsed_path = collapsed;
    meta.collapsed_mode = o.collapsed_cpu ? "cpu" : "wall";
    if (pb_samples_write_json(prof, &meta, o.output, &err) < 0 ||
        (collapsed && pb_samples_write_collapsed(prof, collapsed, o.collapsed_cpu, &err) < 0)) {
        fprintf(stderr, PROG ": %s\n", pb_error_format(&err, buf, sizeof buf));
        rc = PB_SAMPLER_EXIT_FAILURE;
        goto cleanup;
    }
    if (!o.quiet && pb_samples_print_summary(prof, &meta, stderr, o.top) < 0)
        fprintf(stderr, PROG ": out of memory printing the summary\n");

cleanup:
    pb_targets_free(sess);
    pb_samples_free(prof);
    free(collapsed);
    sigaction(SIGCHLD, &old_chld, NULL);
    sigprocmask(SIG_SETMASK, &oldmask, NULL);
    return rc;
}
