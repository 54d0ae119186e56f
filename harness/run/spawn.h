#ifndef PB_SPAWN_H
#define PB_SPAWN_H

/*
 * spawn: run one command to completion and tell how it went.
 *
 * The child gets its own process group (so a timeout, Ctrl-C or an output
 * limit can kill the whole tree), stdin from /dev/null, stdout and stderr
 * to files, default signal dispositions and an empty signal mask, no file
 * descriptors of pbench's beyond 0-2, and PR_SET_PDEATHSIG(SIGKILL), so
 * it dies when the thread that called pb_spawn_run dies.
 *
 * Waiting costs no latency: the exit is seen through a pidfd (poll wakes
 * the moment the child exits), so the wall time is not rounded up to a
 * sleep-poll tick (a `sleep 0.5` measures as hyperfine -N does, within
 * 0.3 ms). Tree sampling runs in the same thread between waits: an exit
 * during a sample is seen at most one sample late (~10-30 us per process;
 * ~0.2 ms when a group scan is due, at most every 4 s). Where pidfd_open
 * is missing (Linux < 5.3, valgrind) a 1 ms sleep-poll loop takes over.
 *
 * After the direct child exits, the whole group gets SIGKILL and
 * pb_spawn_run waits (up to 1 s) until no live member is left, so nothing
 * of one run is still running when the next starts. A process that left
 * the group (setsid) is out of reach.
 */

#include <signal.h>

#include "util/error.h"

struct pb_spawn_opts {
    char *const *argv;      /* argv[0]: a path, or a name looked up in PATH
                             * (execvp semantics, the PATH of pbench itself,
                             * not of envp; a file without #! runs under
                             * /bin/sh) */
    char *const *envp;      /* NULL: inherit environ */
    const char *cwd;        /* NULL: inherit */
    const char *stdout_path;    /* file to create/truncate for stdout; NULL:
                                 * /dev/null. Relative to pbench's cwd. */
    const char *stderr_path;    /* likewise for stderr; the same path as
                                 * stdout_path shares one open file, as 2>&1 */
    double timeout_s;       /* <= 0: no timeout */
    double kill_grace_s;    /* after a timeout: SIGTERM to the whole group,
                             * SIGKILL after this (<= 0: 2.0) */
    int sample_tree;        /* nonzero: sample the tree's RSS while it runs */
    double sample_max_interval_s;   /* cap of the sampling interval
                                     * (<= 0: 0.05) */
    volatile sig_atomic_t *stop;    /* optional: when *stop becomes nonzero
                                     * (a signal handler in main sets it), kill
                                     * the group at once; result.interrupted.
                                     * Seen within 50 ms even when the signal
                                     * went to another thread. */
    long long max_output_bytes; /* 0: none. When stdout, stderr and the
                                 * files under output_dir (logical sizes,
                                 * each file once) grow beyond this, or
                                 * output_dir holds directories nested more
                                 * than 16 deep (not counted, so refused),
                                 * SIGKILL the group; result.output_limited.
                                 * Checked at 10 ms, doubling to every
                                 * 0.25 s. Between checks, no single file
                                 * can grow past it: RLIMIT_FSIZE is set to
                                 * it plus one byte in the child, and a
                                 * death by SIGXFSZ reads as output_limited
                                 * too, as does output over the limit when
                                 * the run ends. */
    const char *output_dir;     /* directory checked for max_output_bytes,
                                 * recursively (may be NULL) */
    int cpu;                /* 0: no pinning; N > 0: pin the child (and so its
                             * descendants) to CPU N-1 before exec */
    int no_pidfd;           /* testing: wait as if pidfd_open were missing
                             * (the 1 ms sleep-poll fallback) */
};

struct pb_spawn_result {
    int exec_failed;        /* 1: the command could not be started (not
                             * found, not executable, cwd vanished...);
                             * told apart from "exited 127" by a close-on-
                             * exec pipe */
    int exec_errno;         /* why, when exec_failed */
    int exit_code;          /* exit status; 128+signal when killed by a
                             * signal, as a shell would; 127 when
                             * exec_failed */
    int term_signal;        /* 0 unless killed by a signal */
    int timed_out;
    int interrupted;        /* *opts->stop was set */
    int output_limited;
    double wall_s;          /* CLOCK_MONOTONIC from just before fork to the
                             * moment the child's exit is seen */
    double user_s, sys_s;   /* wait4() of this child (includes its
                             * waited-for descendants) */
    long maxrss_kb;         /* wait4() ru_maxrss of this child */
    long tree_peak_rss_kb;  /* peak summed RSS of the process tree (see
                             * measure.h); >= maxrss_kb; = maxrss_kb when
                             * not sampled */
    int tree_max_procs;     /* most live processes seen at once in the
                             * tree; 0 when no sample was taken */
    int tree_samples;       /* tree samples taken (0: too short to sample,
                             * or sample_tree off) */
    int escaped_killed;     /* descendants that left the run's process group
                             * (setsid) and outlived it, killed and reaped
                             * after it; their CPU time is in user_s/sys_s.
                             * Seen only in a subreaper (pb_spawn_subreaper) */
};

/* Makes this process a child subreaper (PR_SET_CHILD_SUBREAPER): a
 * descendant of a run that escapes its process group and outlives it comes
 * back to pbench, which kills and reaps it when the run ends (see
 * escaped_killed). Call once, before the first run, in a process whose
 * children are only pb_spawn_run's (pbench run). Returns 0, or -1 with
 * errno. */
int pb_spawn_subreaper(void);

/* Runs opts->argv to completion (see above). Fills *result (zeroed first)
 * and returns 0 when the command was started and waited for, whatever its
 * exit status, timeout or signal. Returns -1 with err filled on a harness
 * error: no argv, cannot open the output files or the cwd, fork or
 * pidfd_open failed (the child is then killed and reaped). A command that
 * cannot be executed returns 0 with result->exec_failed = 1, exec_errno
 * set and exit_code 127 (without a fork when PATH has no such program).
 * Blocks all signals around fork; otherwise leaves the caller's signal
 * state alone, but SIGCHLD must not be ignored (-1 if it is). The caller's
 * thread must live until it returns (PR_SET_PDEATHSIG follows the thread
 * that forked). */
int pb_spawn_run(const struct pb_spawn_opts *opts,
                 struct pb_spawn_result *result, struct pb_error *err);


#endif /* PB_SPAWN_H */
