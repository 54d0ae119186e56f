#ifndef PB_RUNNER_H
#define PB_RUNNER_H

/*
 * runner: executes a plan, one run at a time, into a results directory.
 *
 * For each plan entry it expands the profiler's command, creates the run's
 * own output directory, starts it through the executor (pb_spawn_run: own
 * process group, timeout, tree RSS), classifies the outcome and appends
 * the record to runs.jsonl, and to the caller's in-memory list, before the
 * next run starts. A pair that timed out is not run again (its remaining
 * runs are recorded as skipped), so one hopeless profiler costs one
 * timeout per workload, not one per round. A run already in the records
 * (same round, workload and profiler) is not run again: --resume.
 */

#include <signal.h>
#include <stddef.h>

#include "core/config.h"
#include "core/plan.h"
#include "run/spawn.h"
#include "store/records.h"
#include "util/error.h"

enum pb_runner_event_kind { PB_RUNNER_START, PB_RUNNER_DONE };

struct pb_runner_event {
    enum pb_runner_event_kind kind;
    size_t number;                  /* this run's number in the whole matrix, 1-based,
                                     * counting runs recorded before (resume) */
    size_t total;                   /* the matrix's runs as planned so far, with
                                     * the later rounds certain to come */
    int at_least;                   /* total and eta_s are lower bounds: under
                                     * runs: auto more rounds may follow */
    const struct pb_plan_entry *entry;
    const struct pb_workload *workload;
    const struct pb_profiler *profiler;
    const struct pb_run_record *record;   /* DONE only */
    double baseline_wall_s;         /* DONE: mean of this workload's baseline runs
                                     * so far in this call, 0 if none */
    double elapsed_s;               /* since opts' started (the matrix's start), or
                                     * this call's */
    double eta_s;                   /* estimate of the time left (START: this run's
                                     * included; DONE: after it), < 0 if unknown */
};

typedef void (*pb_runner_cb)(const struct pb_runner_event *ev, void *ud);

/* How a run is started and waited for: pb_spawn_run's contract. A test
 * passes a deterministic fake; NULL in the options means pb_spawn_run. */
typedef int (*pb_runner_exec)(const struct pb_spawn_opts *opts, struct pb_spawn_result *res,
                              struct pb_error *err, void *ud);

struct pb_runner_opts {
    const struct pb_config *cfg;
    const struct pb_plan *plan;
    const char *dir;                /* the results directory */
    int log_fd;                     /* with have_log_fd: dir's runs.jsonl, already
                                     * opened and locked (pb_session's); else the
                                     * runner opens and locks it itself */
    int have_log_fd;
    const char *pbench_path;        /* for {pbench} */
    volatile sig_atomic_t *stop;    /* set by a signal handler: stop after killing the current run */
    long long max_output_bytes;     /* per run; 0: no limit */
    struct pb_run_list *records;    /* every record of dir so far; each new one is
                                     * appended here too. Must not be NULL. */
    int pin_cpu;                    /* >= 0: pin every run to this CPU; -1: none */
    size_t number_base, total;      /* for the events: runs counted before this
                                     * plan, and the matrix's total so far */
    int min_rounds;                 /* runs: auto: its min_runs, the rounds every
                                     * pair runs at least: those after this plan's
                                     * last round, its pairs again, count in the
                                     * events' total and ETA, which are then lower
                                     * bounds (more may follow); 0: the plan is all */
    double started;                 /* pb_measure_now() when the matrix started,
                                     * for the events' elapsed_s; 0: this call */
    pb_runner_cb cb;                /* progress; may be NULL */
    void *ud;
    pb_runner_exec exec;            /* NULL: pb_spawn_run */
    void *exec_ud;
};

struct pb_runner_stats {
    size_t executed, ok, failed, skipped_done;
    int interrupted;
};

/* Runs every plan entry not already in opts->records. A run that cannot be
 * started (missing profiler, fork or pidfd failure) is recorded as
 * spawn_error and the plan goes on. Returns 0 when the plan is finished or
 * was interrupted (stats->interrupted), -1 with err filled when the
 * results directory cannot take more (runs.jsonl cannot be opened, locked
 * or appended to, a run directory cannot be made, out of memory): every
 * record appended before that is intact. */
int pb_runner_run(const struct pb_runner_opts *opts, struct pb_runner_stats *stats,
                  struct pb_error *err);

#endif /* PB_RUNNER_H */
