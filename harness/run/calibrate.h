#ifndef PB_CALIBRATE_H
#define PB_CALIBRATE_H

/*
 * calibrate: choosing the work count of the workloads with `target:` when
 * a run starts, on this machine and each workload's own interpreter.
 *
 * For each such workload the baseline's command (plain) runs with the
 * count in place of "{size}", at counts growing as analysis/calibfit.h
 * decides, one run each, until the points suffice; the count fitted for
 * the target then goes into the config (pb_config_set_count), so the plan,
 * config-resolved.json and its hash hold it. A workload whose calibration
 * fails (a run exits non-zero or times out, the time does not grow with
 * the count) is marked unrunnable with the reason (pb_config_mark_workload):
 * its pairs are not planned and the summary says why; the others go on.
 * The counts, the points and the failures are returned for
 * calibration.json (store/calibration.h), from which --resume puts the
 * same counts in (pb_calibrate_apply) instead of measuring again.
 */

#include <signal.h>
#include <stddef.h>

#include "core/config.h"
#include "run/runner.h"
#include "store/calibration.h"
#include "util/error.h"

enum pb_calibrate_event_kind {
    PB_CALIBRATE_START,     /* a workload's calibration begins */
    PB_CALIBRATE_POINT,     /* a run was measured (entry's last point) */
    PB_CALIBRATE_DONE       /* entry has its count, or its error */
};

struct pb_calibrate_event {
    enum pb_calibrate_event_kind kind;
    const struct pb_workload *workload;
    const struct pb_calibration_entry *entry;
    size_t number, total;   /* this workload's place among those calibrated, 1-based */
};

typedef void (*pb_calibrate_cb)(const struct pb_calibrate_event *ev, void *ud);

struct pb_calibrate_opts {
    const char *pbench_path;        /* for {pbench}; NULL: none */
    volatile sig_atomic_t *stop;    /* set by a signal handler: stop at once */
    int cpu;                        /* 0: no pinning; N > 0: the runs on CPU N-1 */
    pb_calibrate_cb cb;             /* progress; may be NULL */
    void *ud;
    pb_runner_exec exec;            /* NULL: pb_spawn_run (tests pass a fake) */
    void *exec_ud;
};

/* Most seconds of runs one workload's calibration may take, beyond which
 * it settles with the points it has: this many times its target, plus
 * PB_CALIBRATE_SLACK_S. */
#define PB_CALIBRATE_BUDGET 3
#define PB_CALIBRATE_SLACK_S 30.0

/* 1 when workload i is calibrated when a run starts: it is selected, has
 * a target, is in the run's shard (core/shard.h: another shard calibrates
 * it on its own machine), and its plain runs can run on its interpreter.
 * Cannot fail. */
int pb_calibrate_wanted(const struct pb_config *cfg, size_t i);

/* Calibrates every wanted workload of cfg (see above), its runs' output
 * in directory scratch (which must exist; left with the last run's
 * stdout.txt and stderr.txt). Appends one entry per workload to out (an
 * empty or released struct; the caller releases it). Returns 0 when every
 * wanted workload has its count or its failure; 1 when *o->stop was set
 * (the run being made is killed; cfg is then partly calibrated); -1 with
 * err when pbench itself fails (out of memory, a run cannot be started
 * for want of fork or a pidfd). o may be NULL (real processes, no
 * progress). */
int pb_calibrate_run(struct pb_config *cfg, const struct pb_calibrate_opts *o, const char *scratch,
                     struct pb_calibration *out, struct pb_error *err);

/* Puts the counts of a stored calibration into cfg, and marks the
 * workloads whose calibration failed, for --resume. Returns 0, or -1 with
 * err when a wanted workload has no entry in cal (calibration.json is
 * missing or from another run) or out of memory. */
int pb_calibrate_apply(struct pb_config *cfg, const struct pb_calibration *cal, struct pb_error *err);

#endif /* PB_CALIBRATE_H */
