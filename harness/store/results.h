#ifndef PB_RESULTS_H
#define PB_RESULTS_H

/*
 * results: the run records of a results directory (docs/results-format.md).
 *
 * runs.jsonl gets one JSON object per finished run, appended with a single
 * write() and flushed to disk before the next run starts, so a crash or a
 * kill -9 loses at most the run in progress. Reading skips a torn last
 * line (and any unparsable line) with a warning instead of failing.
 */

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
    enum pb_run_status status;
    int exit_code, signal, timed_out;
    double wall_s, user_s, sys_s;
    long maxrss_kb, tree_peak_rss_kb;
    char outdir[512];       /* relative to the results directory */
    char started[32];       /* ISO 8601 UTC */
    char error[512];        /* empty when status is ok */
    int env_pad;            /* length of PBENCH_ENV_PAD in the run's environment */
};

/* Opens (creating) dir/runs.jsonl for appending. Returns a file
 * descriptor, or -1 with err filled. */
int pb_results_open_log(const char *dir, struct pb_error *err);

/* Appends rec as one line with one write(), then fdatasync()s. Returns 0,
 * or -1 with err filled (disk full, I/O error). */
int pb_results_append(int fd, const struct pb_run_record *rec, struct pb_error *err);

struct pb_run_list {
    struct pb_run_record *items;
    size_t n;
    size_t skipped_lines;   /* torn or unparsable lines ignored */
    char warning[512];      /* first such line's description, or empty */
};

/* Reads dir/runs.jsonl. A missing file reads as no runs when
 * missing_ok. Returns 0, or -1 with err filled. Release with
 * pb_results_release. */
int pb_results_read(const char *dir, int missing_ok, struct pb_run_list *out,
                    struct pb_error *err);
void pb_results_release(struct pb_run_list *list);


#endif /* PB_RESULTS_H */
