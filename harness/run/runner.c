/* Executing a plan into a results directory. See runner.h. */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <glob.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <time.h>
#include <unistd.h>

#include "analysis/pairstate.h"
#include "core/template.h"
#include "run/measure.h"
#include "run/runner.h"
#include "run/spawn.h"
#include "util/env.h"
#include "util/fs.h"
#include "util/path.h"
#include "util/rng.h"

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

/* 1 when line is an exception as Python prints it last in a traceback
 * ("FileNotFoundError: [Errno 2] ...", "pkg.SomeException: ..."): a
 * dotted identifier ending in Error or Exception, then ':' or the end. */
static int is_exception_line(const char *line)
{
    size_t k = 0;

    while (isalnum((unsigned char)line[k]) || line[k] == '_' || line[k] == '.')
        k++;
    if (!k || (line[k] != ':' && line[k] != '\0'))
        return 0;
    return (k >= 5 && !strncmp(line + k - 5, "Error", 5))
        || (k >= 9 && !strncmp(line + k - 9, "Exception", 9));
}

/* line, in place, without its terminal escape sequences (colours) and
 * without the emoji and spaces a profiler puts before its words, nor
 * trailing spaces. */
static void plain_text(char *line)
{
    size_t k = 0;
    int lead = 1;

    for (const unsigned char *c = (const unsigned char *)line; *c; c++) {
        if (*c == 0x1b) {                       /* ESC [ parameters letter */
            if (c[1] == '[') {
                for (c += 2; *c && !isalpha(*c); c++)
                    ;
                if (!*c)
                    break;
            }
            continue;
        }
        if (lead && (*c >= 0x80 || isspace(*c)))
            continue;
        lead = 0;
        line[k++] = (char)*c;
    }
    while (k && isspace((unsigned char)line[k - 1]))
        k--;
    line[k] = '\0';
}

/* The line of a failed run's stderr that says why, into out: of its last
 * 4 KiB, the last Python exception line (is_exception_line), else the
 * last line that reads like an error (error, exception, fatal, cannot,
 * failed, not found, no such, denied, killed), else the last paragraph
 * (its lines up to a blank one, joined: a message wrapped over lines is
 * read whole, not by its last words). A profiler's closing chatter
 * ("Trying to open the report in a browser. In some cases this may print
 * error messages...") then does not hide the traceback above it. Colours
 * and leading emoji are left out. "" when there is no stderr. */
static void error_line(const char *path, char *out, size_t n)
{
    static const char *const words[] = { "error", "exception", "fatal", "cannot", "failed",
                                         "not found", "no such", "denied", "killed" };
    char buf[4096];
    char *best = NULL, *exc = NULL, *para[8];
    int npara = 0, fresh = 1;

    out[0] = '\0';
    pb_file_tail(path, buf, sizeof buf);
    for (char *line = buf, *nl; line && *line; line = nl ? nl + 1 : NULL) {
        char lower[512];
        size_t len, k;
        nl = strchr(line, '\n');
        if (nl)
            *nl = '\0';
        plain_text(line);
        len = strlen(line);
        if (!len) {
            fresh = 1;
            continue;
        }
        if (fresh)
            npara = 0;
        fresh = 0;
        if (npara < 8)
            para[npara++] = line;
        if (is_exception_line(line))
            exc = line;
        for (k = 0; k < len && k < sizeof lower - 1; k++)
            lower[k] = (char)tolower((unsigned char)line[k]);
        lower[k] = '\0';
        for (size_t w = 0; w < sizeof words / sizeof words[0]; w++)
            if (strstr(lower, words[w]))
                best = line;
    }
    if (exc || best) {
        snprintf(out, n, "%s", exc ? exc : best);
        return;
    }
    for (int j = 0, len = 0; j < npara && len < (int)n - 1; j++)
        len += snprintf(out + len, n - (size_t)len, "%s%s", j ? " " : "", para[j]);
}

/* stat() of an expected output: path itself, or for a glob pattern
 * (fil/<time>/peak-memory.prof: a profiler that names its output by time)
 * the largest file it matches. Returns 0, or -1 when nothing is there. */
static int output_stat(const char *path, struct stat *st)
{
    glob_t g;
    int found = -1;

    if (!strpbrk(path, "*?["))
        return stat(path, st);
    if (glob(path, GLOB_NOSORT, NULL, &g) != 0)
        return -1;
    for (size_t k = 0; k < g.gl_pathc; k++) {
        struct stat one;
        if (stat(g.gl_pathv[k], &one) == 0 && (found < 0 || one.st_size > st->st_size)) {
            *st = one;
            found = 0;
        }
    }
    globfree(&g);
    return found;
}

/* What a finished run's result means. */
static void classify(const struct pb_spawn_result *res, const struct pb_profiler *p,
                     const char *argv0, const char *absout, double timeout,
                     struct pb_run_record *rec)
{
    char tail[400], path[PATH_MAX];

    rec->exit_code = res->exit_code;
    rec->signal = res->term_signal;
    rec->timed_out = res->timed_out;
    rec->wall_s = res->wall_s;
    rec->user_s = res->user_s;
    rec->sys_s = res->sys_s;
    rec->maxrss_kb = res->maxrss_kb;
    rec->tree_peak_rss_kb = res->tree_peak_rss_kb;
    rec->escaped_killed = res->escaped_killed;
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
        snprintf(rec->error, sizeof rec->error, "stopped: wrote more than the output size limit "
                 "(--max-output), or nested its output directories more than 16 deep");
        return;
    }
    if (res->term_signal) {
        rec->status = PB_RUN_FAILED;
        error_line(path, tail, sizeof tail);
        sanitize(tail);
        snprintf(rec->error, sizeof rec->error, "killed by signal %d (%s)%s%s", res->term_signal,
                 strsignal(res->term_signal), tail[0] ? ": " : "", tail);
        return;
    }
    if (res->exit_code != 0) {
        rec->status = PB_RUN_FAILED;
        error_line(path, tail, sizeof tail);
        sanitize(tail);
        snprintf(rec->error, sizeof rec->error, "exit code %d%s%s", res->exit_code,
                 tail[0] ? ": " : "", tail);
        return;
    }
    for (size_t i = 0; i < p->outputs.n; i++) {
        struct stat st;
        long long least = p->output_min ? p->output_min[i] : 0;

        snprintf(path, sizeof path, "%s/%s", absout, p->outputs.v[i]);
        if (output_stat(path, &st) != 0) {
            rec->status = PB_RUN_NO_OUTPUT;
            snprintf(rec->error, sizeof rec->error, "expected output '%s' was not written%s",
                     p->outputs.v[i], strpbrk(p->outputs.v[i], "*?[") ? " (no file matched)" : "");
            return;
        }
        /* a profiler that ran but profiled nothing (Scalene's "{}" when
         * it skipped every file) is no measurement of profiling */
        if (S_ISREG(st.st_mode) && (long long)st.st_size < least) {
            rec->status = PB_RUN_NO_OUTPUT;
            snprintf(rec->error, sizeof rec->error,
                     "output '%s' holds %lld byte%s, fewer than its %lld (min_bytes): an empty profile",
                     p->outputs.v[i], (long long)st.st_size, st.st_size == 1 ? "" : "s", least);
            return;
        }
    }
}

/* ---- one run --------------------------------------------------------------- */

/* What a run is started with. */
struct launch {
    struct pb_strv argv, env;       /* env: the profiler's additions and the pad */
    char **envp;                    /* environ with env added (borrows the strings) */
    char absout[PATH_MAX];
};

static void launch_release(struct launch *l)
{
    free(l->envp);
    pb_strv_release(&l->argv);
    pb_strv_release(&l->env);
}

/* The run's argv and environment from the profiler's templates, its
 * output directory made and emptied, rec's argv/env/env_pad set. Returns
 * 0; 1 when a template cannot be expanded (rec says why: a spawn error);
 * -1 with err filled when the results directory cannot take the run. */
static int prepare(const struct pb_runner_opts *o, char *const *bindirs,
                   const struct pb_plan_entry *e, struct pb_run_record *rec, struct launch *l,
                   struct pb_error *err)
{
    const struct pb_workload *w = &o->cfg->workloads[e->workload];
    const struct pb_profiler *p = &o->cfg->profilers[e->profiler];
    const char *bindir = bindirs[w->interp];
    struct pb_template_ctx ctx = { o->cfg->interps[w->interp].python, bindir, w->script, l->absout,
                                   w->name, p->name, p->configdir, o->pbench_path, &w->args, &w->hot };
    struct pb_error xerr;

    /* absolute, as {outdir} is documented, whatever -o was given as */
    if (o->dir[0] == '/' || !getcwd(l->absout, sizeof l->absout))
        l->absout[0] = '\0';
    snprintf(l->absout + strlen(l->absout), sizeof l->absout - strlen(l->absout), "%s%s/%s",
             l->absout[0] ? "/" : "", o->dir, rec->outdir);
    /* every directory below the results directory real, none a planted
     * symlink: clear_dir then empties only what is inside it */
    if (pb_mkdirs_below(o->dir, rec->outdir, err) < 0)
        return -1;
    clear_dir(l->absout);
    if (pb_template_expand_argv(&p->command, &ctx, &l->argv, &xerr) < 0) {
        rec->status = PB_RUN_SPAWN_ERROR;
        snprintf(rec->error, sizeof rec->error, "%s", xerr.msg);
        return 1;
    }
    for (size_t k = 0; k < p->env.n; k++) {
        char *s = pb_template_expand_string(p->env.v[k], &ctx, &xerr);
        if (!s) {
            rec->status = PB_RUN_SPAWN_ERROR;
            snprintf(rec->error, sizeof rec->error, "%s", xerr.msg);
            return 1;
        }
        int bad = pb_strv_push(&l->env, s);
        free(s);
        if (bad)
            return pb_error_set(err, "out of memory");
    }
    if (pb_run_record_set_argv(rec, l->argv.v) < 0 || pb_run_record_set_env(rec, l->env.v) < 0)
        return pb_error_set(err, "out of memory");
    rec->env_pad = env_pad_len(o->plan->seed, e->seq);
    char *pad = malloc((size_t)rec->env_pad + sizeof "PBENCH_ENV_PAD=");
    if (!pad)
        return pb_error_set(err, "out of memory");
    memcpy(pad, "PBENCH_ENV_PAD=", sizeof "PBENCH_ENV_PAD=" - 1);
    memset(pad + sizeof "PBENCH_ENV_PAD=" - 1, 'x', (size_t)rec->env_pad);
    pad[sizeof "PBENCH_ENV_PAD=" - 1 + rec->env_pad] = '\0';
    int bad = pb_strv_push(&l->env, pad);
    free(pad);
    if (bad || !(l->envp = pb_env_with(&l->env)))
        return pb_error_set(err, "out of memory");
    return 0;
}

static int spawn_exec(const struct pb_spawn_opts *so, struct pb_spawn_result *res,
                      struct pb_error *err, void *ud)
{
    (void)ud;
    return pb_spawn_run(so, res, err);
}

/* Starts the prepared run and waits for it; fills rec. Returns 0; 1 when
 * the run was interrupted (*o->stop: not a measurement); 2 when it could
 * not be started (rec says why). */
static int execute(const struct pb_runner_opts *o, const struct pb_profiler *p, double timeout,
                   struct launch *l, struct pb_run_record *rec)
{
    char outpath[PATH_MAX + 16], errpath[PATH_MAX + 16];
    struct pb_spawn_opts so;
    struct pb_spawn_result res;
    struct pb_error serr;
    pb_runner_exec exec = o->exec ? o->exec : spawn_exec;

    snprintf(outpath, sizeof outpath, "%s/stdout.txt", l->absout);
    snprintf(errpath, sizeof errpath, "%s/stderr.txt", l->absout);
    memset(&so, 0, sizeof so);
    so.argv = l->argv.v;
    so.envp = l->envp;
    so.stdout_path = outpath;
    so.stderr_path = errpath;
    so.timeout_s = timeout;
    so.sample_tree = 1;
    so.stop = o->stop;
    so.max_output_bytes = o->max_output_bytes;
    so.output_dir = l->absout;
    so.cpu = o->pin_cpu >= 0 ? o->pin_cpu + 1 : 0;
    if (exec(&so, &res, &serr, o->exec_ud) < 0) {
        /* fork, pidfd or an output file failed for this run: the run is
         * not measured, the matrix goes on */
        rec->status = PB_RUN_SPAWN_ERROR;
        snprintf(rec->error, sizeof rec->error, "%s", serr.msg);
        return 2;
    }
    if (res.interrupted)
        return 1;
    classify(&res, p, l->argv.v[0], l->absout, timeout, rec);
    return 0;
}

/* ---- the plan ---------------------------------------------------------------- */

/* One call's running state: per pair the last ok wall (the ETA), per
 * workload the baseline's walls so far (the live ratio). */
struct loop {
    const struct pb_runner_opts *o;
    int fd;
    char **bindirs;                 /* per interpreter: {bindir} */
    unsigned char *timed_out;       /* per pair, for the ETA only (the decision
                                     * to skip a pair is pb_pair_count's) */
    double *last_wall, *base_sum;
    size_t *base_n;
    double t0, done_time;
    size_t done_count;
    int last_round;                 /* the plan's last round (-1: warm-ups only) */
    int later_rounds;               /* rounds certain to follow it (min_rounds) */
    size_t later_pairs;             /* its pairs, run again by each later round */
};

static int recorded(const struct pb_run_list *done, const struct pb_plan_entry *e, const char *w,
                    const char *p)
{
    for (size_t i = 0; i < done->n; i++)
        if (done->items[i].round == e->round && !strcmp(done->items[i].workload, w)
            && !strcmp(done->items[i].profiler, p))
            return 1;
    return 0;
}

/* The time left: each remaining run costs its pair's last duration, or
 * the mean so far, and each later round certain to come costs the pairs
 * of the plan's last round once more; pairs that timed out cost nothing.
 * < 0: unknown yet. */
static double eta(const struct loop *lp, size_t from)
{
    const struct pb_config *cfg = lp->o->cfg;
    const struct pb_plan *plan = lp->o->plan;
    double mean, left = 0;

    if (!lp->done_count)
        return -1;
    mean = lp->done_time / (double)lp->done_count;
    for (size_t k = 0; k < plan->n; k++) {
        const struct pb_plan_entry *f = &plan->entries[k];
        size_t pair = f->workload * cfg->nprofilers + f->profiler;
        if (lp->timed_out[pair])
            continue;
        double cost = lp->last_wall[pair] > 0 ? lp->last_wall[pair] : mean;
        if (k >= from)
            left += cost;
        if (lp->later_pairs && f->round == lp->last_round)
            left += cost * lp->later_rounds;
    }
    return left;
}

static void event(const struct loop *lp, enum pb_runner_event_kind kind, size_t number,
                  const struct pb_plan_entry *e, const struct pb_run_record *rec, double eta_s)
{
    const struct pb_config *cfg = lp->o->cfg;
    size_t bn = lp->base_n[e->workload];
    struct pb_runner_event ev = {
        kind, number, lp->o->total + lp->later_pairs * (size_t)lp->later_rounds, lp->o->min_rounds > 0,
        e, &cfg->workloads[e->workload], &cfg->profilers[e->profiler],
        rec, bn ? lp->base_sum[e->workload] / (double)bn : 0, pb_measure_now() - lp->t0, eta_s,
    };

    if (lp->o->cb)
        lp->o->cb(&ev, lp->o->ud);
}

/* A fresh record for entry e. */
static void record_init(const struct pb_config *cfg, const struct pb_plan_entry *e,
                        struct pb_run_record *rec)
{
    const char *w = cfg->workloads[e->workload].name, *p = cfg->profilers[e->profiler].name;
    char round_name[32];

    memset(rec, 0, sizeof *rec);
    rec->seq = e->seq;
    rec->round = e->round;
    snprintf(rec->workload, sizeof rec->workload, "%s", w);
    snprintf(rec->profiler, sizeof rec->profiler, "%s", p);
    snprintf(rec->python, sizeof rec->python, "%s", cfg->interps[cfg->workloads[e->workload].interp].label);
    pb_now_iso(rec->started, sizeof rec->started);
    if (e->round < 0)
        snprintf(round_name, sizeof round_name, "warmup%d", -e->round);
    else
        snprintf(round_name, sizeof round_name, "%d", e->round);
    snprintf(rec->outdir, sizeof rec->outdir, "raw/%s/%s/%s", w, p, round_name);
}

/* 1 when a failed run's failure is the results file system being full,
 * not the run's own: little space left there, or the run died of ENOSPC,
 * EDQUOT or EFBIG (its last line of stderr, as Python and the C library
 * word them). Such a run is no measurement: it is not recorded, and the
 * matrix stops so that nothing after it fails the same way. */
static int results_disk_full(const char *dir, const char *error)
{
    static const char *const words[] = { "No space left on device", "Disk quota exceeded",
                                         "File too large", "[Errno 28]", "[Errno 122]",
                                         "[Errno 27]", "File size limit exceeded" };
    struct statvfs vfs;

    if (statvfs(dir, &vfs) == 0 && (unsigned long long)vfs.f_bavail * vfs.f_frsize < (64u << 10))
        return 1;
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
        if (strstr(error, words[i]))
            return 1;
    return 0;
}

/* Runs entry e into rec (or records it as skipped after a timeout).
 * Returns 0, 1 when interrupted (nothing to record), -1 with err (also
 * when the results file system is full: that run is not recorded). */
static int run_entry(struct loop *lp, const struct pb_plan_entry *e, struct pb_run_record *rec,
                     struct pb_error *err)
{
    const struct pb_config *cfg = lp->o->cfg;
    const struct pb_workload *w = &cfg->workloads[e->workload];
    const struct pb_profiler *p = &cfg->profilers[e->profiler];
    double timeout = pb_config_timeout(cfg, w, p);
    struct pb_pair_counts c;
    struct launch l;
    int rc;

    pb_pair_count(lp->o->records, w->name, p->name, PB_ALL_ROUNDS, &c);
    if (pb_pair_timed_out(&c)) {
        rec->status = PB_RUN_SKIPPED;
        snprintf(rec->error, sizeof rec->error, "not run: this pair already timed out (%g s)", timeout);
        return 0;
    }
    memset(&l, 0, sizeof l);
    rc = prepare(lp->o, lp->bindirs, e, rec, &l, err);
    if (rc == 0)
        rc = execute(lp->o, p, timeout, &l, rec);
    launch_release(&l);
    if (rc < 0)
        return -1;
    if (rc == 1 && rec->status != PB_RUN_SPAWN_ERROR)
        return 1;           /* interrupted: a run cut short is no measurement */
    if (rc != 0)
        return 0;           /* not started: recorded as a spawn error */
    if ((rec->status == PB_RUN_FAILED || rec->status == PB_RUN_NO_OUTPUT)
        && results_disk_full(lp->o->dir, rec->error))
        return pb_error_set(err, "the results file system is full (%s x %s could not write its "
                            "output: %s): that run is not recorded; free space, then finish with "
                            "pbench run --resume %s", w->name, p->name, rec->error, lp->o->dir);
    if (rec->status == PB_RUN_TIMEOUT)
        lp->timed_out[e->workload * cfg->nprofilers + e->profiler] = 1;
    if (rec->status == PB_RUN_OK) {
        lp->last_wall[e->workload * cfg->nprofilers + e->profiler] = rec->wall_s;
        if (p->baseline && e->round >= 0) {
            lp->base_sum[e->workload] += rec->wall_s;
            lp->base_n[e->workload]++;
        }
    }
    lp->done_time += rec->wall_s;
    lp->done_count++;
    return 0;
}

/* Appends rec to runs.jsonl and to the records. Returns 0 or -1. */
static int keep(struct loop *lp, const struct pb_run_record *rec, struct pb_error *err)
{
    if (pb_records_append(lp->fd, rec, err) < 0)
        return -1;
    if (pb_records_push(lp->o->records, rec) < 0)
        return pb_error_set(err, "out of memory");
    return 0;
}

static int loop_init(struct loop *lp, const struct pb_runner_opts *o, struct pb_error *err)
{
    const struct pb_config *cfg = o->cfg;
    size_t npairs = cfg->nworkloads * cfg->nprofilers;

    memset(lp, 0, sizeof *lp);
    lp->o = o;
    lp->fd = -1;
    lp->t0 = o->started > 0 ? o->started : pb_measure_now();
    lp->timed_out = calloc(npairs ? npairs : 1, 1);
    lp->last_wall = calloc(npairs ? npairs : 1, sizeof *lp->last_wall);
    lp->base_sum = calloc(cfg->nworkloads ? cfg->nworkloads : 1, sizeof *lp->base_sum);
    lp->base_n = calloc(cfg->nworkloads ? cfg->nworkloads : 1, sizeof *lp->base_n);
    lp->bindirs = calloc(cfg->ninterps + 1, sizeof *lp->bindirs);
    for (size_t i = 0; lp->bindirs && i < cfg->ninterps; i++)
        if (!(lp->bindirs[i] = pb_path_bindir(cfg->interps[i].python)))
            return pb_error_set(err, "out of memory");
    if (!lp->timed_out || !lp->last_wall || !lp->base_sum || !lp->base_n || !lp->bindirs)
        return pb_error_set(err, "out of memory");
    lp->last_round = -1;
    for (size_t i = 0; i < o->plan->n; i++)
        if (o->plan->entries[i].round > lp->last_round)
            lp->last_round = o->plan->entries[i].round;
    if (lp->last_round >= 0 && o->min_rounds - 1 > lp->last_round)
        lp->later_rounds = o->min_rounds - 1 - lp->last_round;
    for (size_t i = 0; lp->later_rounds > 0 && i < o->plan->n; i++)
        lp->later_pairs += o->plan->entries[i].round == lp->last_round;
    /* resumed: the last recorded durations and the timeouts feed the ETA */
    for (size_t w = 0; w < cfg->nworkloads; w++)
        for (size_t p = 0; p < cfg->nprofilers; p++) {
            struct pb_pair_counts c;
            pb_pair_count(o->records, cfg->workloads[w].name, cfg->profilers[p].name,
                          PB_ALL_ROUNDS, &c);
            lp->timed_out[w * cfg->nprofilers + p] = (unsigned char)pb_pair_timed_out(&c);
        }
    for (size_t i = 0; i < o->records->n; i++) {
        const struct pb_run_record *r = &o->records->items[i];
        for (size_t w = 0; r->status == PB_RUN_OK && w < cfg->nworkloads; w++)
            for (size_t p = 0; p < cfg->nprofilers; p++)
                if (!strcmp(cfg->workloads[w].name, r->workload)
                    && !strcmp(cfg->profilers[p].name, r->profiler))
                    lp->last_wall[w * cfg->nprofilers + p] = r->wall_s;
    }
    if (o->have_log_fd) {
        /* a dup shares the open file, and so the session's lock */
        lp->fd = fcntl(o->log_fd, F_DUPFD_CLOEXEC, 0);
        if (lp->fd < 0) {
            int e = errno;
            pb_error_set(err, "cannot use the log of '%s'", o->dir);
            return pb_error_errno(err, e);
        }
        return 0;
    }
    lp->fd = pb_records_open_log(o->dir, err);
    return lp->fd < 0 ? -1 : 0;
}

static void loop_release(struct loop *lp)
{
    if (lp->fd >= 0)
        close(lp->fd);
    free(lp->timed_out);
    free(lp->last_wall);
    free(lp->base_sum);
    free(lp->base_n);
    for (size_t i = 0; lp->bindirs && i < lp->o->cfg->ninterps; i++)
        free(lp->bindirs[i]);
    free(lp->bindirs);
}

int pb_runner_run(const struct pb_runner_opts *o, struct pb_runner_stats *st,
                  struct pb_error *err)
{
    const struct pb_config *cfg = o->cfg;
    struct loop lp;
    size_t index = 0;
    int rc = -1;

    memset(st, 0, sizeof *st);
    if (loop_init(&lp, o, err) < 0)
        goto cleanup;
    for (size_t i = 0; i < o->plan->n; i++) {
        const struct pb_plan_entry *e = &o->plan->entries[i];
        if (recorded(o->records, e, cfg->workloads[e->workload].name, cfg->profilers[e->profiler].name))
            st->skipped_done++;
    }
    size_t before = st->skipped_done;
    for (size_t i = 0; i < o->plan->n; i++) {
        const struct pb_plan_entry *e = &o->plan->entries[i];
        struct pb_run_record rec;
        size_t number = o->number_base + before + index + 1;

        if (recorded(o->records, e, cfg->workloads[e->workload].name, cfg->profilers[e->profiler].name))
            continue;
        if (o->stop && *o->stop) {
            st->interrupted = 1;
            break;
        }
        record_init(cfg, e, &rec);
        event(&lp, PB_RUNNER_START, number, e, NULL, eta(&lp, i));
        int r = run_entry(&lp, e, &rec, err);
        if (r != 0 || keep(&lp, &rec, err) < 0) {
            pb_run_record_release(&rec);
            if (r > 0) {
                st->interrupted = 1;
                break;
            }
            goto cleanup;
        }
        st->executed++;
        if (rec.status == PB_RUN_OK)
            st->ok++;
        else
            st->failed++;
        event(&lp, PB_RUNNER_DONE, number, e, &rec, eta(&lp, i + 1));
        pb_run_record_release(&rec);
        index++;
    }
    rc = 0;
cleanup:
    loop_release(&lp);
    return rc;
}
