#ifndef PB_SAMPLER_TARGETS_H
#define PB_SAMPLER_TARGETS_H

/*
 * One sampling session: the processes being sampled (the command's own
 * process and, with subprocesses, its Python descendants), their threads,
 * and one sampling round at a time into a pb_samples. Timing, spawning and
 * signals belong to the caller (sampler.c); this module only looks.
 *
 * A process is attached once a CPython runtime is found in it. A process
 * whose executable has stayed the same non-Python program for a grace
 * period (200 ms, so that the dynamic loader has mapped libpython) is
 * judged not Python; if it execs again it is judged afresh.
 */

#include <sys/types.h>

#include "util/error.h"
#include "sampler/samples.h"

struct pb_targets;

/* A session sampling root (and, when subprocesses is nonzero, every
 * descendant of root that runs CPython) into prof, which must outlive it.
 * name is what messages call root until its executable is known (copied).
 * Returns NULL when out of memory. Free with pb_targets_free. */
struct pb_targets *pb_targets_new(pid_t root, const char *name, int subprocesses,
                                  struct pb_samples *prof);

/* Frees s (closing its /proc descriptors); NULL does nothing. */
void pb_targets_free(struct pb_targets *s);

/* One sampling round at monotonic time now (seconds): looks for new
 * descendants when due, attaches to processes not yet attached, and
 * samples every thread of every attached process.
 * Returns 0, or -1 with err set when sampling cannot usefully go on: the
 * root runs a CPython this build cannot read, or (without subprocesses)
 * the root is not a Python program at all. */
int pb_targets_tick(struct pb_targets *s, double now, struct pb_error *err);

/* Called once the root has exited. Returns 0 when some process was
 * attached, or -1 with err saying why none was (not Python, exited before
 * it could be read, unsupported version). */
int pb_targets_finish(struct pb_targets *s, struct pb_error *err);

/* Sampling rounds so far. Cannot fail. */
unsigned long long pb_targets_ticks(const struct pb_targets *s);

#endif /* PB_SAMPLER_TARGETS_H */
