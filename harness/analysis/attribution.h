#ifndef PB_ATTRIBUTION_H
#define PB_ATTRIBUTION_H

/*
 * attribution: what one profiled run's attribution says, read against
 * the workload's truth. An attribution is the adapters' common form of a
 * profiler's output ("pbench-attribution/1", harness/adapters/README.md):
 * per function and line, shares of the whole profile; memory per line;
 * a python/native split; what the format can express at all. This is
 * the only C code that knows its keys.
 *
 * attr is never NULL below; none of these functions can fail.
 */

#include <stddef.h>

#include <jansson.h>

#include "store/accuracy.h"

/* The adapter's own error ("the output could not be read"), or NULL. */
const char *pb_attr_error(const json_t *attr);

/* 1 when attr carries figures, 0 when it is an adapter error. */
int pb_attr_usable(const json_t *attr);

/* The profiler output's format ("pstats", ...); "" when not given. */
const char *pb_attr_format(const json_t *attr);

/* 1 when the format can express what ("lines", "functions",
 * "native_split", ...). */
int pb_attr_expresses(const json_t *attr, const char *what);

/* The profile's sample count, or -1 when it gives none. */
long long pb_attr_samples(const json_t *attr);

/* 1 when the function named name ran under the profiler ("seen"). */
int pb_attr_seen(const json_t *attr, const char *name);

/* The reported share of t's focus part among t's parts (a part: its root
 * function's total when the profile has totals, else the sum of its
 * functions' own times). Returns 0 and *share, -1 when attr has no time
 * figures, -2 when it saw none of the parts. */
int pb_attr_reported_share(const json_t *attr, const struct pb_acc_truth *t, double *share);

/* 1 when attr says how the program ran: time or samples ("timed"), or
 * line hits (memory_profiler). 0 for allocation-only profiles (memray,
 * fil, austin's memory mode), which a CPU-only probe cannot test. */
int pb_attr_counts_execution(const json_t *attr);

/* 1 when attr has a python/native split at all. */
int pb_attr_has_native(const json_t *attr);

/* The native fraction attr reports over t's part functions; NAN when it
 * reports no split (or nothing there). */
double pb_attr_native_fraction(const json_t *attr, const struct pb_acc_truth *t);

/* 1 when attr has memory figures at all; their kind ("allocation",
 * "rss_increment"; "" when not given). */
int pb_attr_has_memory(const json_t *attr);
const char *pb_attr_memory_kind(const json_t *attr);

/* The MB attr reports at line (0 when none; *found set when it has the
 * line), and the sum of the positive MB of function's lines. */
double pb_attr_memory_at(const json_t *attr, int line, int *found);
double pb_attr_memory_in(const json_t *attr, const char *function);

/* The first of attr's lines (in its order) that is one of lines[0..n)
 * and has time figures (memory: mode 1, MB or hits). Returns 1 with its
 * number in *line and its function in *function, else 0. */
int pb_attr_line_with(const json_t *attr, int memory, const int *lines, size_t n, int *line,
                      const char **function);

/* A function attr saw that is_hot(name, ctx) says nobody marked: the
 * first such in attr's order, a later one preferred to "<module>".
 * NULL when every function it saw is marked. */
const char *pb_attr_unmarked(const json_t *attr, int (*is_hot)(const char *name, const void *ctx),
                             const void *ctx);

#endif /* PB_ATTRIBUTION_H */
