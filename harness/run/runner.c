#include <errno.h>
#include <ftw.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sys/stat.h>

#include "core/template.h"
#include "run/measure.h"
#include "run/runner.h"
#include "run/spawn.h"
#include "util/fs.h"
#include "util/path.h"
#include "util/rng.h"

extern char **environ;

/* Directory of the interpreter, for {bindir}: a venv's bin/ as written
 * (not resolved through the symlink, which would leave the venv). */
static char *bindir_of(const char *python)
{
    char *path = pb_which(python), *slash;

    if (!path)
        return strdup(".");
    slash = strrchr(path, '/');
    if (!slash) {
        free(path);
        return strdup(".");
    }
    if (slash == path)
        slash[1] = '\0';
    else
        *slash = '\0';
    return path;
}

/* Empties a run's output directory: a run cut short by Ctrl-C and run
 * again on --resume must not find the old run's files (they would pass
 * for its outputs). */
static int clear_dir_cb(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb;
    (void)flag;
    if (ftw->level > 0)
        remove(path);
    return 0;
}

static void clear_dir(const char *dir)
{
    nftw(dir, clear_dir_cb, 16, FTW_DEPTH | FTW_PHYS);
}

/* Makes text safe for a JSON string of a record: control characters and
 * every byte outside printable ASCII become '?', so a stderr tail cut in
 * the middle of a UTF-8 character (or not UTF-8 at all) cannot make the
 * whole error message vanish. */
static void sanitize(char *text)
{
    for (unsigned char *c = (unsigned char *)text; *c; c++)
        if (*c < 0x20 || *c > 0x7e)
            *c = '?';
}

/* Randomized environment size (Mytkowicz et al., "Producing wrong data
 * without doing anything obviously wrong"): the environment sits at the top
 * of the stack, so its size shifts the stack's alignment and with it the
 * speed of some programs. Padding it by a random length per run, seeded
 * from the plan's seed and the run's position, spreads that bias over all
 * pairs alike instead of letting one lucky layout favour one profiler. */
#define ENV_PAD_MAX 4096

static int env_pad_len(uint64_t seed, size_t seq)
{
    struct pb_rng rng;
    pb_rng_seed(&rng, seed ^ (0x9e3779b97f4a7c15ULL * (uint64_t)(seq + 1)));
    return (int)pb_rng_below(&rng, ENV_PAD_MAX);
}

/* environ with the profiler's KEY=VALUE entries added or replacing. */
static char **make_env(const struct pb_strv *extra)
{
    size_t n = 0;
    char **env;

    while (environ[n])
        n++;
    env = calloc(n + extra->n + 1, sizeof *env);
    if (!env)
        return NULL;
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        const char *eq = strchr(environ[i], '=');
        size_t klen = eq ? (size_t)(eq - environ[i]) : strlen(environ[i]);
        int replaced = 0;
        for (size_t j = 0; j < extra->n; j++)
            if (!strncmp(extra->v[j], environ[i], klen) && extra->v[j][klen] == '=')
                replaced = 1;
        if (!replaced)
            env[k++] = environ[i];
    }
    for (size_t j = 0; j < extra->n; j++)
        env[k++] = extra->v[j];
    env[k] = NULL;
    return env;
}

/* The last non-empty line of a file, at most n-1 bytes of it. */
static void last_line(const char *path, char *out, size_t n)
{
    FILE *f = fopen(path, "rb");
    char buf[4096];
    long size;
    size_t got, end, start;

    out[0] = '\0';
    if (!f)
        return;
    fseek(f, 0, SEEK_END);
    size = ftell(f);
    fseek(f, size > (long)sizeof buf - 1 ? size - (long)sizeof buf + 1 : 0, SEEK_SET);
    got = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[got] = '\0';
    end = got;
    while (end > 0 && (buf[end - 1] == '\n' || buf[end - 1] == '\r' || buf[end - 1] == ' '))
        end--;
    buf[end] = '\0';
    start = end;
    while (start > 0 && buf[start - 1] != '\n')
        start--;
    snprintf(out, n, "%s", buf + start);
}

static int already_done(const struct pb_run_list *done, const struct pb_plan_entry *e,
                        const char *w, const char *p)
{
    if (!done)
        return 0;
    for (size_t i = 0; i < done->n; i++)
        if (done->items[i].round == e->round && !strcmp(done->items[i].workload, w)
            && !strcmp(done->items[i].profiler, p))
            return 1;
    return 0;
}

/* What a finished run's result means. */
static void classify(const struct pb_spawn_result *res, const struct pb_profiler *p,
                     const char *argv0, const char *absout, double timeout,
                     struct pb_run_record *rec)
{
    char tail[300], path[PATH_MAX];

    rec->exit_code = res->exit_code;
    rec->signal = res->term_signal;
    rec->timed_out = res->timed_out;
    rec->wall_s = res->wall_s;
    rec->user_s = res->user_s;
    rec->sys_s = res->sys_s;
    rec->maxrss_kb = res->maxrss_kb;
    rec->tree_peak_rss_kb = res->tree_peak_rss_kb;
    rec->status = PB_RUN_OK;
    rec->error[0] = '\0';
    snprintf(path, sizeof path, "%s/stderr.txt", absout);
    if (res->exec_failed) {
        rec->status = PB_RUN_SPAWN_ERROR;
        snprintf(rec->error, sizeof rec->error, "cannot run '%s': %s", argv0,
                 strerror(res->exec_errno));
        return;
    }
    if (res->timed_out) {
        rec->status = PB_RUN_TIMEOUT;
        snprintf(rec->error, sizeof rec->error, "timed out after %g s", timeout);
        return;
    }
    if (res->output_limited) {
        rec->status = PB_RUN_OUTPUT_LIMIT;
        snprintf(rec->error, sizeof rec->error, "stopped: wrote more than the output size limit");
        return;
    }
    if (res->term_signal) {
        rec->status = PB_RUN_FAILED;
        last_line(path, tail, sizeof tail);
        sanitize(tail);
        snprintf(rec->error, sizeof rec->error, "killed by signal %d (%s)%s%s", res->term_signal,
                 strsignal(res->term_signal), tail[0] ? ": " : "", tail);
        return;
    }
    if (res->exit_code != 0) {
        rec->status = PB_RUN_FAILED;
        last_line(path, tail, sizeof tail);
        sanitize(tail);
        snprintf(rec->error, sizeof rec->error, "exit code %d%s%s", res->exit_code,
                 tail[0] ? ": " : "", tail);
        return;
    }
    for (size_t i = 0; i < p->outputs.n; i++) {
        snprintf(path, sizeof path, "%s/%s", absout, p->outputs.v[i]);
        if (access(path, F_OK) != 0) {
            rec->status = PB_RUN_NO_OUTPUT;
            snprintf(rec->error, sizeof rec->error, "expected output '%s' was not written",
                     p->outputs.v[i]);
            return;
        }
    }
}

int pb_runner_run(const struct pb_runner_opts *o, struct pb_runner_stats *st,
                  struct pb_error *err)
{
    const struct pb_config *cfg = o->cfg;
    size_t npairs = cfg->nworkloads * cfg->nprofilers;
    unsigned char *timed_out = calloc(npairs ? npairs : 1, 1);
    double *last_wall = calloc(npairs ? npairs : 1, sizeof *last_wall);
    double *base_sum = calloc(cfg->nworkloads ? cfg->nworkloads : 1, sizeof *base_sum);
    size_t *base_n = calloc(cfg->nworkloads ? cfg->nworkloads : 1, sizeof *base_n);
    char *bindir = bindir_of(cfg->python);
    int fd = -1, rc = -1;
    size_t total = 0, index = 0;
    double t0 = pb_measure_now(), done_time = 0;
    size_t done_count = 0;

    memset(st, 0, sizeof *st);
    if (!timed_out || !last_wall || !base_sum || !base_n || !bindir) {
        pb_error_set(err, "out of memory");
        goto cleanup;
    }
    fd = pb_results_open_log(o->dir, err);
    if (fd < 0)
        goto cleanup;

    /* resumed: what was recorded stands, including timeouts */
    for (size_t i = 0; o->done && i < o->done->n; i++) {
        const struct pb_run_record *r = &o->done->items[i];
        for (size_t wi = 0; wi < cfg->nworkloads; wi++)
            for (size_t pi = 0; pi < cfg->nprofilers; pi++)
                if (!strcmp(cfg->workloads[wi].name, r->workload)
                    && !strcmp(cfg->profilers[pi].name, r->profiler)) {
                    if (r->status == PB_RUN_TIMEOUT)
                        timed_out[wi * cfg->nprofilers + pi] = 1;
                    if (r->status == PB_RUN_OK)
                        last_wall[wi * cfg->nprofilers + pi] = r->wall_s;
                }
    }
    for (size_t i = 0; i < o->plan->n; i++) {
        const struct pb_plan_entry *e = &o->plan->entries[i];
        if (!already_done(o->done, e, cfg->workloads[e->workload].name, cfg->profilers[e->profiler].name))
            total++;
        else
            st->skipped_done++;
    }

    for (size_t i = 0; i < o->plan->n; i++) {
        const struct pb_plan_entry *e = &o->plan->entries[i];
        const struct pb_workload *w = &cfg->workloads[e->workload];
        const struct pb_profiler *p = &cfg->profilers[e->profiler];
        size_t pair = e->workload * cfg->nprofilers + e->profiler;
        struct pb_run_record rec;
        struct pb_spawn_result res;
        struct pb_spawn_opts so;
        struct pb_strv argv = { 0 }, env = { 0 };
        char absout[PATH_MAX], outpath[PATH_MAX], errpath[PATH_MAX], round_name[32];
        double timeout = pb_config_timeout(cfg, w, p);
        char **envp = NULL;

        if (already_done(o->done, e, w->name, p->name))
            continue;
        if (o->stop && *o->stop) {
            st->interrupted = 1;
            break;
        }
        memset(&rec, 0, sizeof rec);
        rec.seq = e->seq;
        rec.round = e->round;
        snprintf(rec.workload, sizeof rec.workload, "%s", w->name);
        snprintf(rec.profiler, sizeof rec.profiler, "%s", p->name);
        pb_now_iso(rec.started, sizeof rec.started);
        if (e->round < 0)
            snprintf(round_name, sizeof round_name, "warmup%d", -e->round);
        else
            snprintf(round_name, sizeof round_name, "%d", e->round);
        snprintf(rec.outdir, sizeof rec.outdir, "raw/%s/%s/%s", w->name, p->name, round_name);
        snprintf(absout, sizeof absout, "%s/%s", o->dir, rec.outdir);

        /* ETA: each remaining run costs its pair's last duration, or the mean so far */
        double eta = -1;
        if (done_count) {
            double mean = done_time / (double)done_count;
            eta = 0;
            for (size_t k = i; k < o->plan->n; k++) {
                const struct pb_plan_entry *f = &o->plan->entries[k];
                size_t fp = f->workload * cfg->nprofilers + f->profiler;
                if (timed_out[fp])
                    continue;
                eta += last_wall[fp] > 0 ? last_wall[fp] : mean;
            }
        }
        if (o->cb) {
            struct pb_runner_event ev = { PB_RUNNER_START, index, total, e, w, p, NULL, 0,
                                          pb_measure_now() - t0, eta, st->skipped_done };
            o->cb(&ev, o->ud);
        }

        if (timed_out[pair]) {
            rec.status = PB_RUN_SKIPPED;
            snprintf(rec.error, sizeof rec.error, "not run: this pair already timed out (%g s)", timeout);
        } else {
            struct pb_template_ctx ctx = { cfg->python, bindir, w->script, absout, w->name, p->name,
                                           p->configdir, o->pbench_path, &w->args, &w->hot };
            struct pb_error xerr;
            if (pb_mkdirs(absout, err) < 0)
                goto cleanup;
            clear_dir(absout);
            if (pb_template_expand_argv(&p->command, &ctx, &argv, &xerr) < 0) {
                rec.status = PB_RUN_SPAWN_ERROR;
                snprintf(rec.error, sizeof rec.error, "%s", xerr.msg);
                goto record;
            }
            for (size_t k = 0; k < p->env.n; k++) {
                char *s = pb_template_expand_string(p->env.v[k], &ctx, &xerr);
                if (!s) {
                    rec.status = PB_RUN_SPAWN_ERROR;
                    snprintf(rec.error, sizeof rec.error, "%s", xerr.msg);
                    goto record;
                }
                pb_strv_push(&env, s);
                free(s);
            }
            rec.env_pad = env_pad_len(o->plan->seed, e->seq);
            {
                char *pad = malloc((size_t)rec.env_pad + sizeof "PBENCH_ENV_PAD=");
                if (pad) {
                    memcpy(pad, "PBENCH_ENV_PAD=", sizeof "PBENCH_ENV_PAD=" - 1);
                    memset(pad + sizeof "PBENCH_ENV_PAD=" - 1, 'x', (size_t)rec.env_pad);
                    pad[sizeof "PBENCH_ENV_PAD=" - 1 + rec.env_pad] = '\0';
                    pb_strv_push(&env, pad);
                    free(pad);
                }
            }
            envp = make_env(&env);
            snprintf(outpath, sizeof outpath, "%s/stdout.txt", absout);
            snprintf(errpath, sizeof errpath, "%s/stderr.txt", absout);
            memset(&so, 0, sizeof so);
            so.argv = argv.v;
            so.envp = envp;
            so.stdout_path = outpath;
            so.stderr_path = errpath;
            so.timeout_s = timeout;
            so.sample_tree = 1;
            so.stop = o->stop;
            so.max_output_bytes = o->max_output_bytes;
            so.output_dir = absout;
            so.cpu = o->pin_cpu >= 0 ? o->pin_cpu + 1 : 0;
            struct pb_error serr;
            if (pb_spawn_run(&so, &res, &serr) < 0) {
                /* fork, pidfd or an output file failed for this run: the
                 * run is not measured, the matrix goes on */
                rec.status = PB_RUN_SPAWN_ERROR;
                snprintf(rec.error, sizeof rec.error, "%s", serr.msg);
                goto record;
            }
            classify(&res, p, argv.v[0], absout, timeout, &rec);
            if (res.interrupted) {
                /* a run cut short by Ctrl-C is no measurement: not recorded */
                st->interrupted = 1;
                free(envp);
                pb_strv_release(&argv);
                pb_strv_release(&env);
                break;
            }
            if (rec.status == PB_RUN_TIMEOUT)
                timed_out[pair] = 1;
            if (rec.status == PB_RUN_OK) {
                last_wall[pair] = rec.wall_s;
                if (p->baseline && e->round >= 0) {
                    base_sum[e->workload] += rec.wall_s;
                    base_n[e->workload]++;
                }
            }
            done_time += rec.wall_s;
            done_count++;
        }
    record:
        free(envp);
        pb_strv_release(&argv);
        pb_strv_release(&env);
        if (pb_results_append(fd, &rec, err) < 0)
            goto cleanup;
        st->executed++;
        if (rec.status == PB_RUN_OK)
            st->ok++;
        else
            st->failed++;
        if (o->cb) {
            size_t bn = base_n[e->workload];
            struct pb_runner_event ev = { PB_RUNNER_DONE, index, total, e, w, p, &rec,
                                          bn ? base_sum[e->workload] / (double)bn : 0,
                                          pb_measure_now() - t0, -1, st->skipped_done };
            o->cb(&ev, o->ud);
        }
        index++;
    }
    rc = 0;

cleanup:
    if (fd >= 0)
        close(fd);
    free(timed_out);
    free(last_wall);
    free(base_sum);
    free(base_n);
    free(bindir);
    return rc;
}
