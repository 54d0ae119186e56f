/* A config's whole matrix: the first plan, then adaptive rounds. See
 * matrix.h. */
#include <string.h>

#include "run/adaptive.h"
#include "run/matrix.h"
#include "run/measure.h"

static void add(struct pb_matrix_stats *st, const struct pb_runner_stats *rs)
{
    st->executed += rs->executed;
    st->ok += rs->ok;
    st->failed += rs->failed;
    st->interrupted = rs->interrupted;
}

int pb_matrix_run(const struct pb_matrix_opts *o, struct pb_matrix_stats *st,
                  struct pb_error *err)
{
    struct pb_session *s = o->session;
    const struct pb_config *cfg = s->cfg;
    struct pb_runner_opts ro = {
        .cfg = cfg, .plan = o->first, .dir = s->dir, .pbench_path = o->pbench_path,
        .log_fd = s->log_fd, .have_log_fd = s->log_locked,
        .stop = o->stop, .max_output_bytes = o->max_output_bytes, .records = &s->records,
        .pin_cpu = o->pin_cpu, .number_base = 0, .total = o->first->n, .cb = o->cb, .ud = o->ud,
        .exec = o->exec, .exec_ud = o->exec_ud,
    };
    struct pb_runner_stats rs;
    size_t seq = o->first->n;

    memset(st, 0, sizeof *st);
    st->total = o->first->n;
    /* up to min_runs every pair that has not stopped runs (adaptive.h) */
    ro.min_rounds = cfg->runs_auto ? cfg->min_runs : 0;
    ro.started = pb_measure_now();      /* elapsed runs on across the rounds */
    if (pb_runner_run(&ro, &rs, err) < 0)
        return -1;
    add(st, &rs);
    ro.number_base = rs.executed + rs.skipped_done;
    for (int round = 1; cfg->runs_auto && !st->interrupted; round++) {
        struct pb_plan next;
        if (pb_adaptive_next_round(cfg, &s->records, round, s->seed, seq, &next, err) < 0)
            return -1;
        if (next.n == 0) {
            pb_plan_release(&next);
            break;
        }
        st->rounds++;
        st->total += next.n;
        ro.plan = &next;
        ro.total = st->total;
        seq += next.n;
        int rc = pb_runner_run(&ro, &rs, err);
        pb_plan_release(&next);
        if (rc < 0)
            return -1;
        add(st, &rs);
        ro.number_base += rs.executed + rs.skipped_done;
    }
    return 0;
}
