#ifndef PB_MATRIX_H
#define PB_MATRIX_H

/*
 * matrix: a whole run of a config's matrix into a session's results
 * directory: the first plan (warm-ups and, under runs: auto, round 0; else
 * every round), then under runs: auto one adaptive round at a time
 * (adaptive.h) until no pair needs more runs. Runs already recorded
 * (--resume) are not run again, and the records decide every round, so a
 * resumed matrix takes the same rounds as one never interrupted.
 */

#include <signal.h>
#include <stddef.h>

#include "core/plan.h"
#include "run/runner.h"
#include "run/session.h"
#include "util/error.h"

struct pb_matrix_opts {
    struct pb_session *session;     /* its config, directory, seed and records */
    const struct pb_plan *first;    /* pb_plan_build of the session's config and seed */
    const char *pbench_path;        /* for {pbench} */
    volatile sig_atomic_t *stop;    /* set by a signal handler */
    long long max_output_bytes;     /* per run; 0: no limit */
    int pin_cpu;                    /* >= 0: every run on this CPU; -1: none */
    pb_runner_cb cb;                /* progress; may be NULL */
    void *ud;
    pb_runner_exec exec;            /* NULL: pb_spawn_run (tests pass a fake) */
    void *exec_ud;
};

struct pb_matrix_stats {
    size_t executed, ok, failed;    /* runs made by this call */
    size_t total;                   /* runs planned in all (first plan + rounds) */
    int rounds;                     /* adaptive rounds decided after the first plan */
    int interrupted;
};

/* Runs the matrix (see above). Returns 0 when it is finished or was
 * interrupted (stats->interrupted), -1 with err filled when the results
 * directory cannot take more; every record made before is kept. */
int pb_matrix_run(const struct pb_matrix_opts *o, struct pb_matrix_stats *st,
                  struct pb_error *err);

#endif /* PB_MATRIX_H */
