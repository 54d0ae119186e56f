#ifndef PB_RECORDS_H
#define PB_RECORDS_H

/*
 * records: the run records of a results directory, runs.jsonl
 * (docs/results-format.md). This module alone knows that file's keys.
 *
 * runs.jsonl gets one JSON object per finished run, appended with a single
 * write() and flushed to disk before the next run starts, so a crash or a
 * kill -9 loses at most the run in progress. Reading skips a torn last
 * line (and any unparsable line) with a warning instead of failing.
 *
 * Each record carries "format": "pbench-run/2"; a record without it is
 * read as pbench-run/1 (no argv, no env); any other format is refused.
 */

#define PB_RECORDS_FORMAT "pbench-run/2"

#include <stddef.h>
#include <stdio.h>

#include "util/error.h"

enum pb_run_status {
    PB_RUN_OK,
    PB_RUN_FAILED,          /* non-zero exit or killed by a signal */
    PB_RUN_TIMEOUT,
    PB_RUN_SPAWN_ERROR,     /* could not start: missing profiler, bad path */
    PB_RUN_NO_OUTPUT,       /* exited 0 but an expected output file is missing */
    PB_RUN_OUTPUT_LIMIT,    /* wrote more than the output size limit */
    PB_RUN_SKIPPED,         /* not run: the pair already timed out */
    PB_RUN_STATUS_COUNT
};

/* "ok", "failed", ...; cannot fail. */
const char *pb_run_status_name(enum pb_run_status s);
/* Parses a status name; returns -1 if unknown. */
int pb_run_status_parse(const char *name);

struct pb_run_record {
    size_t seq;
    int round;              /* < 0: warm-up */
    char workload[128];
    char profiler[128];
    char python[64];        /* the interpreter's label (`pythons:`); "" without the axis */
    enum pb_run_status status;
    int exit_code, signal, timed_out;
    double wall_s, user_s, sys_s;
    long maxrss_kb, tree_peak_rss_kb;
    char outdir[512];       /* relative to the results directory */
    char started[32];       /* ISO 8601 UTC */
    char error[512];        /* empty when status is ok */
    int env_pad;            /* length of PBENCH_ENV_PAD in the run's environment */
    int escaped_killed;     /* descendants that escaped the run's process
                             * group and outlived it, killed after it (their
                             * CPU is in user_s/sys_s); 0 when none, and in
                             * records written before this field */
    char **argv;            /* the exact argv it was started with, NULL-
                             * terminated, owned; NULL when unknown (a run
                             * that was never started, pbench-run/1); a
                             * byte that is not UTF-8 is stored as U+FFFD */
    int shard;              /* in a merged directory (`pbench merge`): the
                             * shard that ran it, 1-based; 0 elsewhere */
    char node[128];         /* with shard: the host it ran on ("" unknown) */
    char **env;             /* the KEY=VALUE entries added to pbench's own
                             * environment (besides PBENCH_ENV_PAD: env_pad
                             * times 'x'), NULL-terminated, owned; may be NULL */
};

/* Frees what rec owns (argv, env) and sets them to NULL; rec may be
 * reused. Cannot fail. */
void pb_run_record_release(struct pb_run_record *rec);

/* Deep-copies src into *dst (argv and env duplicated). Returns 0, or -1
 * when out of memory (*dst then owns nothing). */
int pb_run_record_copy(struct pb_run_record *dst, const struct pb_run_record *src);

/* Sets rec's argv (or env) to a copy of the NULL-terminated vector v (NULL
 * clears it). Returns 0, or -1 when out of memory. */
int pb_run_record_set_argv(struct pb_run_record *rec, char *const *v);
int pb_run_record_set_env(struct pb_run_record *rec, char *const *v);

/* Opens (creating) dir/runs.jsonl for appending. Returns a file
 * descriptor, or -1 with err filled. */
int pb_records_open_log(const char *dir, struct pb_error *err);

/* Appends rec as one line with one write(), then fdatasync()s. Returns 0,
 * or -1 with err filled (disk full, I/O error). */
int pb_records_append(int fd, const struct pb_run_record *rec, struct pb_error *err);

struct pb_run_list {
    struct pb_run_record *items;
    size_t n, cap;
    size_t skipped_lines;   /* torn or unparsable lines ignored */
    char warning[512];      /* first such line's description, or empty */
};

/* Reads dir/runs.jsonl. A missing file reads as no runs when
 * missing_ok. Returns 0, or -1 with err filled (unreadable file, a record
 * of an unknown format: "DIR/runs.jsonl:12: format 'pbench-run/9' is not
 * one this pbench reads (pbench-run/1, pbench-run/2)", out of memory).
 * Release with pb_records_release. */
int pb_records_read(const char *dir, int missing_ok, struct pb_run_list *out,
                    struct pb_error *err);

/* Appends a deep copy of rec to list. Returns 0, or -1 when out of
 * memory. */
int pb_records_push(struct pb_run_list *list, const struct pb_run_record *rec);

/* Writes list as dir/runs.jsonl, all at once and atomically (a merge's
 * records: pb_write_file), replacing any. Returns 0, or -1 with err. */
int pb_records_write_all(const char *dir, const struct pb_run_list *list, struct pb_error *err);

/* Frees the list and every record's own memory; list may be reused.
 * Cannot fail. */
void pb_records_release(struct pb_run_list *list);


#endif /* PB_RECORDS_H */
