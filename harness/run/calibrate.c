/* Choosing the work count of `target:` workloads. See calibrate.h. */
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/calibfit.h"
#include "core/shard.h"
#include "core/template.h"
#include "run/calibrate.h"
#include "run/spawn.h"
#include "util/env.h"
#include "util/fs.h"
#include "util/path.h"

/* A calibration run's output may not grow beyond this (bytes). */
#define MAX_OUTPUT (256LL << 20)

int pb_calibrate_wanted(const struct pb_config *cfg, size_t i)
{
    const struct pb_workload *w = &cfg->workloads[i];

    return w->selected && w->target > 0 && !w->unrunnable && pb_shard_here(cfg, i)
        && pb_config_runnable(cfg, w->interp, cfg->baseline);
}

/* One workload's calibration in progress. */
struct calib {
    struct pb_config *cfg;
    size_t i;                       /* the workload */
    const struct pb_calibrate_opts *o;
    const char *scratch;
    char *bindir;
    struct pb_calibration_entry *e;
};

/* Replaces control characters and bytes outside printable ASCII by '?'
 * (a stderr line cut inside a UTF-8 character, or not text at all). */
static void sanitize(char *s)
{
    for (unsigned char *c = (unsigned char *)s; *c; c++)
        if (*c < 0x20 || *c > 0x7e)
            *c = '?';
}

static int spawn_exec(const struct pb_spawn_opts *so, struct pb_spawn_result *res,
                      struct pb_error *err, void *ud)
{
    (void)ud;
    return pb_spawn_run(so, res, err);
}

/* The plain command of the workload at count, expanded: argv and the
 * baseline's environment additions. Returns 0; 1 when a template cannot
 * be expanded (why says so); -1 when out of memory. */
static int command(const struct calib *c, long long count, struct pb_strv *argv,
                   struct pb_strv *env, char *why, size_t nwhy)
{
    const struct pb_workload *w = &c->cfg->workloads[c->i];
    const struct pb_profiler *p = &c->cfg->profilers[c->cfg->baseline];
    struct pb_strv args;
    struct pb_error xerr;
    int rc = 0;

    if (pb_workload_args_at(w, count, &args) < 0)
        return -1;
    struct pb_template_ctx ctx = { c->cfg->interps[w->interp].python, c->bindir, w->script,
                                   c->scratch, w->name, p->name, p->configdir,
                                   c->o ? c->o->pbench_path : NULL, &args, &w->hot };
    if (pb_template_expand_argv(&p->command, &ctx, argv, &xerr) < 0) {
        snprintf(why, nwhy, "%s", xerr.msg);
        rc = 1;
    }
    for (size_t k = 0; rc == 0 && k < p->env.n; k++) {
        char *s = pb_template_expand_string(p->env.v[k], &ctx, &xerr);
        if (!s) {
            snprintf(why, nwhy, "%s", xerr.msg);
            rc = 1;
        } else if (pb_strv_push(env, s) < 0) {
            rc = -1;
        }
        free(s);
    }
    pb_strv_release(&args);
    return rc;
}

/* What went wrong with a finished run, into why ("" when nothing). */
static void verdict(const struct pb_spawn_result *res, const char *argv0, const char *errpath,
                    double timeout, char *why, size_t n)
{
    char tail[300] = "";

    why[0] = '\0';
    if (res->exec_failed) {
        snprintf(why, n, "cannot run '%s': %s", argv0, strerror(res->exec_errno));
        return;
    }
    if (res->timed_out) {
        snprintf(why, n, "timed out after %g s", timeout);
        return;
    }
    if (res->output_limited) {
        snprintf(why, n, "wrote more than %lld MiB", MAX_OUTPUT >> 20);
        return;
    }
    if (!res->term_signal && res->exit_code == 0)
        return;
    pb_file_last_line(errpath, tail, sizeof tail);
    sanitize(tail);
    if (res->term_signal)
        snprintf(why, n, "killed by signal %d (%s)%s%s", res->term_signal,
                 strsignal(res->term_signal), tail[0] ? ": " : "", tail);
    else
        snprintf(why, n, "exit code %d%s%s", res->exit_code, tail[0] ? ": " : "", tail);
}

/* Runs the workload's plain command once at count. Returns 0 with *wall;
 * 1 when the run failed (why says how); 2 when interrupted; -1 with err. */
static int measure(const struct calib *c, long long count, double *wall, char *why, size_t nwhy,
                   struct pb_error *err)
{
    const struct pb_workload *w = &c->cfg->workloads[c->i];
    double timeout = pb_config_timeout(c->cfg, w, &c->cfg->profilers[c->cfg->baseline]);
    char outpath[PATH_MAX], errpath[PATH_MAX];
    struct pb_strv argv = { 0 }, env = { 0 };
    struct pb_spawn_opts so;
    struct pb_spawn_result res;
    char **envp = NULL;
    int rc = command(c, count, &argv, &env, why, nwhy);

    if (rc != 0) {
        if (rc < 0)
            pb_error_set(err, "out of memory");
        goto cleanup;
    }
    if (!(envp = pb_env_with(&env))) {
        rc = pb_error_set(err, "out of memory");
        goto cleanup;
    }
    snprintf(outpath, sizeof outpath, "%s/stdout.txt", c->scratch);
    snprintf(errpath, sizeof errpath, "%s/stderr.txt", c->scratch);
    memset(&so, 0, sizeof so);
    so.argv = argv.v;
    so.envp = envp;
    so.stdout_path = outpath;
    so.stderr_path = errpath;
    so.timeout_s = timeout;
    so.stop = c->o ? c->o->stop : NULL;
    so.max_output_bytes = MAX_OUTPUT;
    so.output_dir = c->scratch;
    so.cpu = c->o ? c->o->cpu : 0;
    pb_runner_exec exec = c->o && c->o->exec ? c->o->exec : spawn_exec;
    if (exec(&so, &res, err, c->o ? c->o->exec_ud : NULL) < 0) {
        rc = -1;
        goto cleanup;
    }
    if (res.interrupted) {
        rc = 2;
        goto cleanup;
    }
    verdict(&res, argv.v[0], errpath, timeout, why, nwhy);
    *wall = res.wall_s;
    rc = why[0] ? 1 : 0;
cleanup:
    free(envp);
    pb_strv_release(&argv);
    pb_strv_release(&env);
    return rc;
}

static void event(const struct calib *c, enum pb_calibrate_event_kind kind, size_t number,
                  size_t total)
{
    struct pb_calibrate_event ev = { kind, &c->cfg->workloads[c->i], c->e, number, total };

    if (c->o && c->o->cb)
        c->o->cb(&ev, c->o->ud);
}

/* The points of c->e, grown until they suffice or the budget is spent.
 * Returns 0 (why set when a run failed), 2 when interrupted, -1 with err. */
static int grow(struct calib *c, size_t number, size_t total, char *why, size_t nwhy,
                struct pb_error *err)
{
    struct pb_calibration_entry *e = c->e;
    double spent = 0, budget = PB_CALIBRATE_BUDGET * e->target_s + PB_CALIBRATE_SLACK_S;
    long long count = 1;

    while (e->npoints < PB_CALIBRATION_MAX_POINTS) {
        char fail[PB_ERROR_MSG_MAX];
        double wall = 0;
        if (c->o && c->o->stop && *c->o->stop)
            return 2;
        int rc = measure(c, count, &wall, fail, sizeof fail, err);
        if (rc < 0 || rc == 2)
            return rc;
        if (rc == 1) {
            snprintf(why, nwhy, "its plain run with the count %lld: %s", count, fail);
            return 0;
        }
        e->points[e->npoints++] = (struct pb_calibration_point){ count, wall };
        spent += wall;
        event(c, PB_CALIBRATE_POINT, number, total);
        long long next = pb_calibfit_next(e->points, e->npoints, e->target_s,
                                          PB_CALIBRATION_MAX_COUNT);
        if (next <= 0)
            return 0;
        /* the next run's time, were the time all work */
        if (spent + wall * (double)next / (double)count > budget)
            return 0;
        count = next;
    }
    return 0;
}

/* Calibrates workload i into a new entry of out. Returns 0, 1 when
 * interrupted, -1 with err. */
static int calibrate_one(struct calib *c, struct pb_calibration *out, size_t number, size_t total,
                         struct pb_error *err)
{
    struct pb_workload *w = &c->cfg->workloads[c->i];
    char why[PB_ERROR_MSG_MAX + 64] = "";
    struct pb_calibfit fit;

    c->e = pb_calibration_add(out, w->name, c->cfg->interps[w->interp].python, w->target);
    if (!c->e)
        return pb_error_set(err, "out of memory");
    event(c, PB_CALIBRATE_START, number, total);
    int rc = grow(c, number, total, why, sizeof why, err);
    if (rc != 0)
        return rc < 0 ? -1 : 1;
    if (!why[0] && pb_calibfit_choose(c->e->points, c->e->npoints, c->e->target_s,
                                      PB_CALIBRATION_MAX_COUNT, &fit) < 0) {
        const struct pb_calibration_point *a = &c->e->points[0];
        const struct pb_calibration_point *b = &c->e->points[c->e->npoints - 1];
        snprintf(why, sizeof why, "its plain run does not take longer with a larger count "
                 "(%.3f s with %lld, %.3f s with %lld): does \"{size}\" set the work?",
                 a->wall_s, a->count, b->wall_s, b->count);
    }
    if (!why[0]) {
        c->e->count = fit.count;
        c->e->startup_s = fit.startup_s;
        c->e->per_count_s = fit.per_count_s;
        c->e->predicted_s = fit.predicted_s;
        if (pb_config_set_count(c->cfg, c->i, fit.count) < 0)
            return pb_error_set(err, "out of memory");
    } else {
        char mark[sizeof why + 32];
        snprintf(mark, sizeof mark, "calibration failed: %s", why);
        if (pb_calibration_fail(c->e, why) < 0 || pb_config_mark_workload(c->cfg, c->i, mark) < 0)
            return pb_error_set(err, "out of memory");
    }
    event(c, PB_CALIBRATE_DONE, number, total);
    return 0;
}

int pb_calibrate_run(struct pb_config *cfg, const struct pb_calibrate_opts *o, const char *scratch,
                     struct pb_calibration *out, struct pb_error *err)
{
    size_t total = 0, number = 0;
    int rc = 0;

    for (size_t i = 0; i < cfg->nworkloads; i++)
        total += (size_t)pb_calibrate_wanted(cfg, i);
    for (size_t i = 0; rc == 0 && i < cfg->nworkloads; i++) {
        if (!pb_calibrate_wanted(cfg, i))
            continue;
        struct calib c = { cfg, i, o, scratch, NULL, NULL };
        if (!(c.bindir = pb_path_bindir(cfg->interps[cfg->workloads[i].interp].python)))
            return pb_error_set(err, "out of memory");
        rc = calibrate_one(&c, out, ++number, total, err);
        free(c.bindir);
    }
    return rc;
}

int pb_calibrate_apply(struct pb_config *cfg, const struct pb_calibration *cal, struct pb_error *err)
{
    for (size_t i = 0; i < cfg->nworkloads; i++) {
        const char *name = cfg->workloads[i].name;
        if (!pb_calibrate_wanted(cfg, i))
            continue;
        const struct pb_calibration_entry *e = pb_calibration_find(cal, name);
        if (!e)
            return pb_error_set(err, "calibration.json holds no count for '%s', which has a "
                                "target: the counts this run chose are lost", name);
        if (e->error) {
            char mark[PB_ERROR_MSG_MAX];
            snprintf(mark, sizeof mark, "calibration failed: %s", e->error);
            if (pb_config_mark_workload(cfg, i, mark) < 0)
                return pb_error_set(err, "out of memory");
        } else if (pb_config_set_count(cfg, i, e->count) < 0) {
            return pb_error_set(err, "out of memory");
        }
    }
    return 0;
}
