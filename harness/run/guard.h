#ifndef PB_GUARD_H
#define PB_GUARD_H

/*
 * guard: no run outlives pbench.
 *
 * A run's direct child gets PR_SET_PDEATHSIG, but its own children (the
 * workload under py-spy or Scalene, a multiprocessing worker) do not: if
 * pbench were killed with SIGKILL they would run on with no one waiting.
 * pb_guard_start() forks a small watchdog that holds the read end of a
 * pipe whose write end only pbench holds. pbench tells it the process group
 * of each run as it starts (pb_guard_watch); when pbench dies, however it
 * dies, the pipe reads EOF and the watchdog kills that whole group with
 * SIGKILL, then exits. The watchdog ignores SIGINT, SIGTERM and SIGHUP (a
 * Ctrl-C reaches the whole foreground group, and it must outlive pbench to
 * do its job) and costs nothing while it waits.
 */

#include <sys/types.h>

#include "util/error.h"

/* Starts the watchdog. Returns 0, or -1 with err filled (pipe or fork
 * failed). Calling it twice does nothing the second time. */
int pb_guard_start(struct pb_error *err);

/* Tells the watchdog the process group to kill if pbench dies now; 0 for
 * none (after the run was reaped). Does nothing when no watchdog runs.
 * Async-signal-safe (one write). */
void pb_guard_watch(pid_t pgid);

/* The watchdog's pid, or 0 when none runs (it is pbench's child, not a
 * run's leftover). Cannot fail. */
pid_t pb_guard_pid(void);

/* Ends the watchdog (it kills nothing) and reaps it. Cannot fail. */
void pb_guard_stop(void);

#endif /* PB_GUARD_H */
