#ifndef PB_SAMPLER_SAMPLES_H
#define PB_SAMPLER_SAMPLES_H

/*
 * The sampler's aggregated profile: samples go in as stacks of
 * (function, line) per thread, counted once per identical stack; the
 * outputs (JSON, collapsed stacks, a top-N summary) derive every per
 * function / per line / per thread figure from those stacks when written.
 *
 * Counting: every sample counts as wall time; a sample whose thread was
 * running on a CPU (state R in /proc) also counts as CPU time. "self"
 * counts a sample for the innermost frame only; "total" for every function
 * (or line) on the stack, once per sample even under recursion.
 */

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include "util/error.h"

struct pb_samples;

/* Everything the JSON records besides the samples themselves. */
struct pb_samples_meta {
    char *const *command;       /* the sampled argv, NULL-terminated */
    pid_t pid;                  /* the command's process */
    double rate_hz;             /* requested sampling rate */
    double jitter;              /* interval jitter, a fraction of 1/rate */
    int subprocesses;
    double duration_s;          /* from start to the target's exit */
    uint64_t ticks;             /* sampling rounds */
    double sampler_user_s, sampler_sys_s;  /* the sampler's own CPU time */
    int exit_code;              /* the target's, as a shell would see it */
    double target_user_s, target_sys_s;
    long target_maxrss_kb;
    const char *collapsed_path; /* NULL when none is written */
    const char *collapsed_mode; /* "wall" or "cpu" */
};

/* A new empty profile, or NULL when out of memory. Free with
 * pb_samples_free. */
struct pb_samples *pb_samples_new(void);

/* Frees prof; NULL does nothing. */
void pb_samples_free(struct pb_samples *prof);

/* Registers a process under its pid; label is a short name for output
 * (copied). Returns its index, or -1 when out of memory. A pid registered
 * twice (reused after an exit) gets two entries. */
int pb_samples_process(struct pb_samples *prof, pid_t pid, pid_t ppid, const char *label);

/* Records what the sampler found in process proc: status is "python",
 * "not-python", "unsupported" or "gone-before-attach"; note (may be NULL)
 * says why; version and binary (may be NULL) describe the interpreter.
 * Strings are copied. Returns 0, or -1 when out of memory. */
int pb_samples_process_info(struct pb_samples *prof, int proc, const char *status,
                            const char *note, const char *version, const char *binary);

/* Counts one sampling round of process proc and the thread stacks it
 * dropped as inconsistent. Cannot fail. */
void pb_samples_process_tick(struct pb_samples *prof, int proc, unsigned dropped);

/* Registers thread tid (kernel TID; thread_id the pthread id) of process
 * proc; name may be NULL. Returns its index, or -1 when out of memory. */
int pb_samples_thread(struct pb_samples *prof, int proc, uint64_t tid, uint64_t thread_id,
                      const char *name);

/* Interns a function by (qualified name, file, first line) and returns its
 * id, or -1 when out of memory. */
int pb_samples_function(struct pb_samples *prof, const char *qualname, const char *file,
                        int firstline);

/* A frame as pb_samples_add takes it: function id and line, packed. */
static inline uint64_t pb_samples_frame(int func, int line)
{
    return ((uint64_t)(uint32_t)func << 32) | (uint32_t)line;
}

/* Adds one sample of thread `thread`: frames[0..n) innermost first, on_cpu
 * nonzero when the thread was running. Returns 0, or -1 when out of memory
 * (the sample is then lost). */
int pb_samples_add(struct pb_samples *prof, int thread, const uint64_t *frames, size_t n,
                   int on_cpu);

/* Marks the sample just added for thread `thread` as truncated: its stack
 * was deeper than the sampler reads, and only the innermost frames were
 * added. Cannot fail. */
void pb_samples_truncated(struct pb_samples *prof, int thread);

/* Sample counts so far. Cannot fail. */
uint64_t pb_samples_taken(const struct pb_samples *prof);
uint64_t pb_samples_dropped(const struct pb_samples *prof);
uint64_t pb_samples_truncated_count(const struct pb_samples *prof);

/* Writes the JSON profile to path. Returns 0, or -1 with err set.
 * Schema "pbench-sample/1" (counts are samples; {cpu, wall} pairs as above):
 *   schema, command [argv], pid (the command's), exit_code, rate_hz, jitter,
 *   subprocesses, duration_s, ticks, achieved_rate_hz,
 *   samples {taken, dropped, truncated, cpu, wall},
 *   sampler {cpu_s, user_s, sys_s, cpu_fraction, cpu_per_tick_us},
 *   target {user_s, sys_s, maxrss_kb}   (the command's, from wait4),
 *   collapsed (path or null), collapsed_mode,
 *   processes [{pid, ppid, label, status, note, python_version,
 *               python_binary, ticks, samples {taken, dropped, truncated, cpu, wall},
 *               threads [{tid, thread_id, name, samples {cpu, wall}}]}],
 *   functions [{function, file, first_line, self {cpu, wall},
 *               total {cpu, wall}, threads [{pid, tid, self, total}]}],
 *   lines     [{function, file, line, first_line, self, total, threads}]
 * functions and lines are sorted by self wall samples, most first. */
int pb_samples_write_json(const struct pb_samples *prof, const struct pb_samples_meta *meta,
                          const char *path, struct pb_error *err);

/* Writes collapsed stacks to path, one "process;thread;outer;...;inner N"
 * line per distinct stack, N counting every sample (cpu_only 0) or only
 * samples on a CPU. Returns 0, or -1 with err set. */
int pb_samples_write_collapsed(const struct pb_samples *prof, const char *path, int cpu_only,
                               struct pb_error *err);

/* Prints a top-n summary (functions by self samples, with their hottest
 * line) to out. Returns 0, or -1 when out of memory (nothing printed). */
int pb_samples_print_summary(const struct pb_samples *prof, const struct pb_samples_meta *meta,
                             FILE *out, int topn);

#endif /* PB_SAMPLER_SAMPLES_H */
