#ifndef PB_SESSION_H
#define PB_SESSION_H

/*
 * session: the results directory of one `pbench run`, from start to
 * finish. Starting one probes the interpreter and calibrates the
 * workloads with `target:` (before anything is created, so a broken
 * interpreter or an interrupted calibration leaves no directory), then
 * creates base/<name>-<UTC timestamp>[-N]/ with config.yaml (a byte copy
 * of the config), calibration.json, config-resolved.json and meta.json. Resuming one reloads those
 * and the records, refusing a config whose resolved hash changed.
 * Finishing one stamps meta.json with the end time, the elapsed seconds
 * (summed over resumes), the load, pbench's own CPU and whether every
 * planned run is recorded.
 */

#include <stdint.h>

#include "core/config.h"
#include "run/calibrate.h"
#include "store/calibration.h"
#include "store/meta.h"
#include "store/records.h"
#include "store/resolved.h"
#include "util/error.h"

struct pb_session {
    char *dir;                      /* the results directory */
    struct pb_config *cfg;          /* borrowed: the caller's loaded, selected config;
                                     * the session marks what cannot run on it */
    uint64_t seed;
    struct pb_resolved resolved;
    struct pb_meta meta;
    struct pb_run_list records;     /* every record so far (resume: those on disk) */
    struct pb_calibration calibration;  /* the counts chosen for target: (none without) */
    int resumed;
    int log_locked;                 /* log_fd holds dir's runs.jsonl, opened and
                                     * locked by start/resume before anything in
                                     * dir is written (one pbench per directory) */
    int log_fd;
};

/* Starts a new results directory under base for cfg (its selection made)
 * with seed. The session borrows cfg. Every interpreter is probed first:
 * with the Python axis, one that does not run is marked unavailable in cfg
 * (its pairs are not planned; the summary says why) and the others go on;
 * on any interpreter, a profiler whose package is not installed there is
 * marked unavailable on it. Then the workloads with `target:` are
 * calibrated (run/calibrate.h, with calib's options; NULL: real processes,
 * no progress), in a temporary directory, which puts their counts into
 * cfg (or marks the ones that failed). Only then is the directory made,
 * with config.yaml, calibration.json (when something was calibrated),
 * config-resolved.json and meta.json. Returns 0, or -1 with err filled:
 * the (or every) interpreter does not run, the calibration was
 * interrupted (*calib->stop) or pbench failed in it, nothing is left to
 * run, base or the directory cannot be made, a file cannot be written
 * (then nothing is left but an empty directory). Release with
 * pb_session_release. */
int pb_session_start(struct pb_session *s, struct pb_config *cfg, uint64_t seed,
                     const char *base, const struct pb_calibrate_opts *calib,
                     struct pb_error *err);

/* pb_session_start, but the results directory is exactly dir (`--dir`,
 * for a scheduler that needs known paths): its parents are made, and it
 * must not exist or be empty (checked first, then again when it is made).
 * For a shard (cfg->shard_count > 0, core/shard.h) either start writes
 * the whole matrix into config-resolved.json with its shard record, and
 * its hash is the matrix's as the config alone makes it (taken before
 * the probe and the calibration, so every shard of the config has it;
 * store/resolved.h); only the shard's workloads are calibrated; and a
 * shard with nothing to run here still makes its directory. Without dir,
 * a shard's directory is base/<name>-<stamp>-shardKofN. */
int pb_session_start_in(struct pb_session *s, struct pb_config *cfg, uint64_t seed,
                        const char *dir, const struct pb_calibrate_opts *calib,
                        struct pb_error *err);

/* Reopens dir to finish it with cfg, which the caller loaded from
 * stored->config_path and selected as stored->select_*: loads meta.json
 * and marks in cfg what the start found unavailable, puts the counts of
 * calibration.json into cfg (never measuring again), then refuses (-1,
 * *changed = 1) when cfg resolves to another hash than stored (the config
 * or the interpreter changed since), else loads runs.jsonl (a torn line is
 * skipped: s->records.warning says so), so the plan is the same. A shard
 * (the caller made cfg the shard stored->shard names) is compared on
 * both its hashes: the matrix's and its own file's. Returns 0 or -1 with
 * err (calibration.json missing while cfg has targets, or unreadable, a
 * merged directory, among others). */
int pb_session_resume(struct pb_session *s, const char *dir, struct pb_config *cfg,
                      const struct pb_resolved *stored, int *changed, struct pb_error *err);

/* Keeps pbench itself off CPU cpu (the runs are pinned to it) and records
 * it in the meta. Returns 0, or -1 with err when the affinity cannot be
 * set (the runs are still pinned; only pbench shares their CPU). */
int pb_session_pin(struct pb_session *s, int cpu, struct pb_error *err);

/* Stamps meta.json at the end of a run (interrupted or not): finished,
 * elapsed_s += elapsed, loadavg_end, complete, harness_cpu_s (pbench's own
 * CPU so far, added to earlier sessions'). Returns 0 or -1 with err. */
int pb_session_finish(struct pb_session *s, double elapsed, int complete, struct pb_error *err);

/* Frees what s holds (not cfg). s may be zeroed or half made. */
void pb_session_release(struct pb_session *s);

#endif /* PB_SESSION_H */
