#ifndef PB_RUNNER_H
#define PB_RUNNER_H

/*
 * runner: executes a plan, one run at a time, into a results directory.
 *
 * For each plan entry it expands the profiler's command, creates the run's
 * own output directory, spawns it (pb_spawn_run: own process group,
 * timeout, tree RSS), classifies the outcome and appends the record to
 * runs.jsonl before the next run starts. A pair that timed out is not run
 * again in later rounds (its remaining runs are recorded as skipped), so
 * one hopeless profiler costs one timeout per workload, not one per round.
 */

#include <signal.h>
#include <stddef.h>

#include "core/config.h"
#include "util/error.h"
#include "core/plan.h"
#include "store/results.h"

enum pb_runner_event_kind { PB_RUNNER_START, PB_RUNNER_DONE };

struct pb_runner_event {
    enum pb_runner_event_kind kind;
    size_t index, total;            /* index among the runs this call executes */
    const struct pb_plan_entry *entry;
    const struct pb_workload *workload;
    const struct pb_profiler *profiler;
    const struct pb_run_record *record;   /* DONE only */
    double baseline_wall_s;         /* DONE: mean of this workload's baseline runs so far, 0 if none */
    double elapsed_s;               /* since the runner started */
    double eta_s;                   /* estimate of the time left, < 0 if unknown */
    size_t recorded;                /* runs of this plan already in opts->done (resume) */
};

typedef void (*pb_runner_cb)(const struct pb_runner_event *ev, void *ud);

struct pb_runner_opts {
    const struct pb_config *cfg;
    const struct pb_plan *plan;
    const char *dir;                /* the results directory */
    const char *pbench_path;        /* for {pbench} */
    volatile sig_atomic_t *stop;    /* set by a signal handler: stop after killing the current run */
    long long max_output_bytes;     /* per run; 0: no limit */
    const struct pb_run_list *done; /* runs already recorded (resume); may be NULL */
    int pin_cpu;                    /* >= 0: pin every run to this CPU; -1: none */
    pb_runner_cb cb;                /* progress; may be NULL */
    void *ud;
};

struct pb_runner_stats {
    size_t executed, ok, failed, skipped_done;
    int interrupted;
};

/* Runs every plan entry not already in opts->done. A run that cannot be
 * started (missing profiler, fork or pidfd failure) is recorded as
 * spawn_error and the plan goes on. Returns 0 when the plan is finished or
 * was interrupted (stats->interrupted), -1 with err filled when the
 * results directory cannot take more (runs.jsonl cannot be opened, locked
 * or appended to, a run directory cannot be made, out of memory): every
 * record appended before that is intact. */
int pb_runner_run(const struct pb_runner_opts *opts, struct pb_runner_stats *stats,
                  struct pb_error *err);

#endif /* PB_RUNNER_H */
