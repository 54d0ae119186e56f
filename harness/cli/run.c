/* pbench run: a config's matrix of workloads x profilers, or the rest of
 * an interrupted one (--resume), then its summary, accuracy and charts. */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "analysis/accuracy.h"
#include "analysis/aggregate.h"
#include "cli/cli.h"
#include "core/config.h"
#include "core/plan.h"
#include "core/shard.h"
#include "output/plot.h"
#include "output/table.h"
#include "run/accuracy.h"
#include "run/guard.h"
#include "run/matrix.h"
#include "run/measure.h"
#include "run/session.h"
#include "run/spawn.h"
#include "store/records.h"
#include "store/resolved.h"
#include "util/text.h"

#define MAX_SELECT 128

static volatile sig_atomic_t stop_signal;

static void on_signal(int sig)
{
    stop_signal = sig;
}

/* Progress on stderr: on a terminal one live line (and the problems);
 * in a log, one line per run. */
static void on_progress(const struct pb_runner_event *ev, void *ud)
{
    int tty = *(const int *)ud;
    size_t i = ev->number;
    char round[32], eta[48], total[32];
    /* under runs: auto, the total and the ETA count the rounds certain to
     * come; more may follow: "1/595+", "at least 52m" */
    const char *plus = ev->at_least ? "+" : "", *least = ev->at_least ? "at least " : "";

    if (ev->entry->round < 0)
        snprintf(round, sizeof round, "warm-up %d", -ev->entry->round);
    else
        snprintf(round, sizeof round, "round %d", ev->entry->round + 1);
    snprintf(total, sizeof total, "%zu%s", ev->total, plus);
    if (ev->kind == PB_RUNNER_START) {
        if (tty) {
            pb_fmt_duration_short(ev->eta_s, eta, sizeof eta);
            fprintf(stderr, "\r\033[K[%zu/%s] %s x %s (%s)  ETA %s%s", i, total,
                    ev->workload->name, ev->profiler->name, round, ev->eta_s < 0 ? "" : least,
                    ev->eta_s < 0 ? "unknown" : eta);
            fflush(stderr);
        }
        return;
    }
    const struct pb_run_record *r = ev->record;
    char ratio[48] = "";
    if (r->status == PB_RUN_OK && ev->baseline_wall_s > 0 && !ev->profiler->baseline)
        snprintf(ratio, sizeof ratio, " (%.2fx plain)", r->wall_s / ev->baseline_wall_s);
    if (tty) {
        if (r->status == PB_RUN_OK)
            return;         /* the live line shows progress; only problems stay */
        fprintf(stderr, "\r\033[K");
    }
    /* a log has no live line: each line carries the time so far and left */
    char when[96] = "";
    if (!tty) {
        char el[32];
        pb_fmt_duration_short(ev->elapsed_s, el, sizeof el);
        pb_fmt_duration_short(ev->eta_s, eta, sizeof eta);
        snprintf(when, sizeof when, "  [%s elapsed, ETA %s%s]", el, ev->eta_s < 0 ? "" : least,
                 ev->eta_s < 0 ? "unknown" : eta);
    }
    if (r->status == PB_RUN_OK)
        fprintf(stderr, "[%zu/%s] %s x %s %s: ok %.3fs%s%s\n", i, total,
                ev->workload->name, ev->profiler->name, round, r->wall_s, ratio, when);
    else
        fprintf(stderr, "[%zu/%s] %s x %s %s: %s: %s%s\n", i, total,
                ev->workload->name, ev->profiler->name, round, pb_run_status_name(r->status),
                r->error, when);
}

/* Calibration progress on stderr: a line per workload calibrated (on a
 * terminal, a live line while it runs). */
static void on_calibrate(const struct pb_calibrate_event *ev, void *ud)
{
    int tty = *(const int *)ud;
    const struct pb_calibration_entry *e = ev->entry;
    const char *what = ev->workload->pyperformance ? "loops" : "as its size";

    if (ev->kind == PB_CALIBRATE_START) {
        fprintf(stderr, "%scalibrating %s [%zu/%zu]: the count for a plain run of %g s%s",
                tty ? "\r\033[K" : "", ev->workload->name, ev->number, ev->total, e->target_s,
                tty ? "" : "\n");
    } else if (ev->kind == PB_CALIBRATE_POINT && tty) {
        const struct pb_calibration_point *p = &e->points[e->npoints - 1];
        fprintf(stderr, "\r\033[Kcalibrating %s [%zu/%zu]: %lld took %.3f s", ev->workload->name,
                ev->number, ev->total, p->count, p->wall_s);
    } else if (ev->kind == PB_CALIBRATE_DONE) {
        if (tty)
            fprintf(stderr, "\r\033[K");
        if (e->error)
            fprintf(stderr, "calibrated %s: failed, its pairs will not run: %s\n", ev->workload->name,
                    e->error);
        else
            fprintf(stderr, "calibrated %s: %lld %s for %g s (the fit predicts %.3f s; %zu runs)\n",
                    ev->workload->name, e->count, what, e->target_s, e->predicted_s, e->npoints);
    }
    fflush(stderr);
}

static void usage_run(FILE *f)
{
    fputs("usage: pbench run CONFIG [options]\n"
          "       pbench run --resume RESULTS_DIR [CONFIG] [options]\n"
          "  -p, --profiler NAME   run only this profiler (and the baseline); repeatable\n"
          "  -w, --workload NAME   run only this workload; repeatable\n"
          "      --python PATH     interpreter to use instead of the config's 'python:'\n"
          "  -o, --results DIR     where results directories go (default: results)\n"
          "      --seed N          shuffle seed (default: the config's, else random)\n"
          "      --resume DIR      finish an interrupted run, skipping recorded runs; with CONFIG,\n"
          "                        your copy of its config instead of the one DIR names\n"
          "      --trust           resume a directory owned or writable by another user anyway\n"
          "      --profilers FILE  also load FILE's profilers (and workloads), as if the config\n"
          "                        included it: evaluate a new profiler without editing a\n"
          "                        tracked config; repeatable (give it again to --resume)\n"
          "      --max-output MB   stop a run whose output exceeds MB megabytes (default 2048)\n"
          "      --pin-cpu N       run every workload on CPU N only, and pbench on the others\n"
          "      --no-plot         do not write charts at the end\n"
          "      --plots DIR       where charts go (default: plots)\n"
          "      --shard K/N       run shard K of N (1 <= K <= N): whole workloads, each with its\n"
          "                        baseline and profilers, split by expected time; join the\n"
          "                        shards' directories with: pbench merge OUT DIR...\n"
          "      --dir DIR         the results directory exactly (new or empty; parents made),\n"
          "                        instead of RESULTS/<name>-<time>[-shardKofN]\n", f);
}

static uint64_t random_seed(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return ((uint64_t)ts.tv_nsec ^ ((uint64_t)ts.tv_sec << 20) ^ (uint64_t)getpid() * 2654435761ULL)
           % 1000000000ULL;
}


struct run_args {
    const char *profs[MAX_SELECT], *wls[MAX_SELECT], *extra[MAX_SELECT];
    size_t np, nw, nextra;
    const char *python, *base, *resume, *plots, *config, *dir;
    int has_seed, no_plot, pin_cpu, trust, has_base;
    int shard_index, shard_count;   /* --shard K/N; 0, 0: the whole matrix */
    uint64_t seed;
    long long max_output;
};

/* "K/N" into *k, *n (1 <= K <= N <= PB_SHARD_MAX). Returns 0 or -1. */
static int parse_shard(const char *s, int *k, int *n)
{
    char *end;
    long a, b;

    errno = 0;
    a = strtol(s, &end, 10);
    if (errno || end == s || *end != '/' || s[0] < '0' || s[0] > '9')
        return -1;
    s = end + 1;
    b = strtol(s, &end, 10);
    if (errno || end == s || *end || s[0] < '0' || s[0] > '9' || a < 1 || b < a || b > PB_SHARD_MAX)
        return -1;
    *k = (int)a;
    *n = (int)b;
    return 0;
}

/* The seed of a shard given none (by --seed or the config): one that the
 * config alone decides, so that every shard shuffles alike and resolves
 * to the same hash (the seed is in it): from the hash of the matrix with
 * seed 0. Returns 0, or -1 with err. */
static int shard_seed(const struct pb_config *cfg, uint64_t *seed, struct pb_error *err)
{
    struct pb_resolved r;

    if (pb_resolved_from_config(cfg, 0, &r, err) < 0)
        return -1;
    *seed = strtoull(r.hash, NULL, 16) % 1000000000ULL;
    pb_resolved_release(&r);
    return 0;
}

/* The plan of a shard with nothing to run here: none (pb_plan_build
 * refuses an empty matrix; a shard's is valid). Returns 1 when the plan
 * was made so, 0 when there is something to plan. */
static int empty_shard_plan(const struct pb_config *cfg, uint64_t seed, struct pb_plan *plan)
{
    size_t least, most;

    if (!cfg->shard_count)
        return 0;
    pb_plan_count(cfg, &least, &most);
    if (least > 0)
        return 0;
    memset(plan, 0, sizeof *plan);
    plan->seed = seed;
    return 1;
}

/* Parses argv into a. Returns -1 to go on, else the exit code to return. */
static int parse_args(int argc, char **argv, struct run_args *a)
{
    static const struct option longopts[] = {
        { "profiler", required_argument, NULL, 'p' },
        { "workload", required_argument, NULL, 'w' },
        { "python", required_argument, NULL, 'P' },
        { "results", required_argument, NULL, 'o' },
        { "seed", required_argument, NULL, 's' },
        { "resume", required_argument, NULL, 'r' },
        { "max-output", required_argument, NULL, 'm' },
        { "no-plot", no_argument, NULL, 'n' },
        { "plots", required_argument, NULL, 'l' },
        { "pin-cpu", required_argument, NULL, 'c' },
        { "trust", no_argument, NULL, 't' },
        { "profilers", required_argument, NULL, 'f' },
        { "shard", required_argument, NULL, 'S' },
        { "dir", required_argument, NULL, 'd' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 }
    };
    int c;

    memset(a, 0, sizeof *a);
    a->base = "results";
    a->plots = "plots";
    a->pin_cpu = -1;
    a->max_output = 2048LL << 20;
    optind = 1;
    while ((c = getopt_long(argc, argv, "p:w:o:h", longopts, NULL)) != -1) {
        char *end;
        switch (c) {
        case 'p': if (a->np < MAX_SELECT) a->profs[a->np++] = optarg; break;
        case 'w': if (a->nw < MAX_SELECT) a->wls[a->nw++] = optarg; break;
        case 'P': a->python = optarg; break;
        case 'o': a->base = optarg; a->has_base = 1; break;
        case 'd': a->dir = optarg; break;
        case 'S':
            if (parse_shard(optarg, &a->shard_index, &a->shard_count) < 0) {
                fprintf(stderr, "pbench run: --shard expects K/N, shard K of N with 1 <= K <= N <= %d "
                        "(e.g. 2/3), not '%s'\n", PB_SHARD_MAX, optarg);
                return PB_EXIT_USAGE;
            }
            break;
        case 'r': a->resume = optarg; break;
        case 'n': a->no_plot = 1; break;
        case 't': a->trust = 1; break;
        case 'f': if (a->nextra < MAX_SELECT) a->extra[a->nextra++] = optarg; break;
        case 'l': a->plots = optarg; break;
        case 'c': {
            long n = strtol(optarg, &end, 10);
            long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
            if (*end || !*optarg || n < 0 || n >= ncpu || ncpu < 2) {
                fprintf(stderr, "pbench run: --pin-cpu expects a CPU number from 0 to %ld on a machine with "
                        "at least 2 CPUs, not '%s'\n", ncpu - 1, optarg);
                return PB_EXIT_USAGE;
            }
            a->pin_cpu = (int)n;
            break;
        }
        case 's':
            errno = 0;
            a->seed = strtoull(optarg, &end, 10);
            if (errno || *end || !*optarg || optarg[0] == '-') {
                fprintf(stderr, "pbench run: --seed expects a non-negative whole number, not '%s'\n", optarg);
                return PB_EXIT_USAGE;
            }
            a->has_seed = 1;
            break;
        case 'm':
            errno = 0;
            a->max_output = strtoll(optarg, &end, 10);
            if (errno || *end || a->max_output <= 0 || a->max_output > (1LL << 40)) {
                fprintf(stderr, "pbench run: --max-output expects a number of megabytes, not '%s'\n", optarg);
                return PB_EXIT_USAGE;
            }
            a->max_output <<= 20;
            break;
        case 'h': usage_run(stdout); return PB_EXIT_OK;
        default: usage_run(stderr); return PB_EXIT_USAGE;
        }
    }
    if ((a->resume && optind < argc - 1) || (!a->resume && optind != argc - 1)) {
        usage_run(stderr);
        return PB_EXIT_USAGE;
    }
    if (a->resume && (a->np || a->nw || a->has_seed || a->shard_count || a->dir)) {
        fprintf(stderr, "pbench run: --resume finishes the run as it was planned: "
                "--profiler, --workload, --seed, --shard and --dir cannot change it\n");
        return PB_EXIT_USAGE;
    }
    if (a->dir && a->has_base) {
        fprintf(stderr, "pbench run: --dir names the results directory itself, --results where "
                "results directories go: give one or the other\n");
        return PB_EXIT_USAGE;
    }
    /* with --resume, an optional CONFIG: the user's own copy of the
     * config, used instead of the path the results directory names */
    a->config = optind < argc ? argv[optind] : NULL;
    return -1;
}

/* A new run: the config, its selection, the plan and the session (the
 * interpreter probed, the targets calibrated, the results directory
 * made). Returns -1 to go on, else the exit code. */
static int open_new(struct run_args *a, const char *pbench_path, struct pb_config **cfg,
                    struct pb_plan *plan, struct pb_session *s)
{
    struct pb_error err;
    int tty = isatty(STDERR_FILENO);
    struct pb_calibrate_opts co = {
        .pbench_path = pbench_path, .stop = &stop_signal, .cpu = a->pin_cpu + 1,
        .cb = on_calibrate, .ud = &tty,
    };

    *cfg = pb_cli_load_config_with(a->config, a->python, a->extra, a->nextra);
    if (!*cfg)
        return PB_EXIT_USAGE;
    if (!a->has_seed)       /* a shard without one: shard_seed below */
        a->seed = (*cfg)->has_seed ? (*cfg)->seed : random_seed();
    if (pb_config_select(*cfg, a->profs, a->np, a->wls, a->nw, &err) < 0) {
        fprintf(stderr, "pbench run: %s\n", pb_cli_errtext(&err));
        return PB_EXIT_USAGE;
    }
    if (a->shard_count && (pb_shard_apply(*cfg, a->shard_index, a->shard_count, &err) < 0
                           || (!a->has_seed && !(*cfg)->has_seed
                               && shard_seed(*cfg, &a->seed, &err) < 0))) {
        fprintf(stderr, "pbench run: %s\n", pb_cli_errtext(&err));
        return PB_EXIT_FAIL;
    }
    if ((a->dir ? pb_session_start_in(s, *cfg, a->seed, a->dir, &co, &err)
                : pb_session_start(s, *cfg, a->seed, a->base, &co, &err)) < 0) {
        fprintf(stderr, "pbench run: %s\n", pb_cli_errtext(&err));
        return stop_signal ? 128 + stop_signal : PB_EXIT_FAIL;
    }
    /* after the probe: what cannot run on an interpreter is left out */
    if (!empty_shard_plan(*cfg, a->seed, plan) && pb_plan_build(*cfg, a->seed, plan, &err) < 0) {
        fprintf(stderr, "pbench run: %s\n", pb_cli_errtext(&err));
        return PB_EXIT_FAIL;
    }
    return -1;
}

/* 1 (with a message) when the results directory to resume is not clearly
 * this user's: owned by another user, or writable by its group or by
 * anyone (git's "dubious ownership"). Its config-resolved.json names the
 * config and the interpreter that --resume runs, so such a directory must
 * not choose them: the user passes their own config, or --trust. */
static int dubious_owner(const char *dir)
{
    const char *why = pb_cli_dubious_owner(dir);

    if (!why)
        return 0;
    fprintf(stderr, "pbench run: refusing to resume '%s': it is %s, and its "
            "config-resolved.json chooses the config and the interpreter a resume runs.\n"
            "  Pass your own config (pbench run --resume %s CONFIG), or check its "
            "config-resolved.json and pass --trust\n", dir, why, dir);
    return 1;
}

/* What a resume is about to run, said before it runs it: the interpreter
 * and every selected profiler's command, as the stored files chose them. */
static void say_what_runs(const struct pb_config *cfg)
{
    for (size_t i = 0; i < cfg->ninterps; i++)
        fprintf(stderr, "resume: interpreter %s\n", cfg->interps[i].python);
    for (size_t i = 0; i < cfg->nprofilers; i++) {
        const struct pb_profiler *p = &cfg->profilers[i];
        if (!p->selected)
            continue;
        fprintf(stderr, "resume: %s:", p->name);
        for (size_t k = 0; k < p->command.n; k++)
            fprintf(stderr, " %s", p->command.v[k]);
        fputc('\n', stderr);
    }
}

/* At --resume of a shard: cfg made the shard stored names (the shard
 * read back from the directory), which must hold the workloads stored
 * says it holds. Returns 0, or -1 with err. */
static int resume_shard(struct pb_config *cfg, const struct pb_resolved *stored,
                        struct pb_error *err)
{
    const struct pb_strv *own = &stored->shard.split[stored->shard.index - 1];
    size_t n = 0;

    if (pb_shard_apply(cfg, stored->shard.index, stored->shard.count, err) < 0)
        return -1;
    for (size_t i = 0; i < cfg->nworkloads; i++) {
        const struct pb_workload *w = &cfg->workloads[i];
        int listed = 0;
        for (size_t k = 0; k < own->n; k++)
            listed |= !strcmp(own->v[k], w->name);
        if (w->selected && pb_shard_here(cfg, i) != listed)
            return pb_error_set(err, "its shard %d of %d %s workload '%s', which the split of "
                                "the config (%s) gives to %s", stored->shard.index, stored->shard.count,
                                listed ? "holds" : "does not hold", w->name, cfg->path,
                                listed ? "another shard" : "it");
        n += w->selected && listed;
    }
    if (n != own->n)
        return pb_error_set(err, "its shard record names workloads the config (%s) does not select",
                            cfg->path);
    return 0;
}

/* An interrupted run: its stored inputs, the config they name (selected
 * as stored), the plan and the session with its records. Returns -1 to go
 * on, else the exit code. */
static int open_resume(struct run_args *a, struct pb_config **cfg, struct pb_plan *plan,
                       struct pb_session *s)
{
    struct pb_resolved stored;
    struct pb_error err;
    int changed = 0, rc = PB_EXIT_FAIL;

    if (pb_resolved_load(a->resume, &stored, &err) < 0) {
        fprintf(stderr, "pbench run: cannot resume '%s': %s\n", a->resume, pb_cli_errtext(&err));
        return PB_EXIT_FAIL;
    }
    if (!a->config && !stored.config_path) {
        fprintf(stderr, "pbench run: cannot resume '%s': config-resolved.json names no config\n",
                a->resume);
        goto done;
    }
    if (!a->config && !a->trust && dubious_owner(a->resume)) {
        rc = PB_EXIT_USAGE;
        goto done;
    }
    /* the interpreter it ran with (with pythons:, the config names them) */
    *cfg = pb_cli_load_config_with(a->config ? a->config : stored.config_path,
                                   a->python ? a->python : stored.npythons ? NULL : stored.python,
                                   a->extra, a->nextra);
    if (!*cfg) {
        rc = PB_EXIT_USAGE;
        goto done;
    }
    if (pb_config_select(*cfg, (const char *const *)stored.select_profilers.v, stored.select_profilers.n,
                         (const char *const *)stored.select_workloads.v, stored.select_workloads.n,
                         &err) < 0) {
        fprintf(stderr, "pbench run: %s\n", pb_cli_errtext(&err));
        rc = PB_EXIT_USAGE;
        goto done;
    }
    if (stored.shard.count && resume_shard(*cfg, &stored, &err) < 0) {
        fprintf(stderr, "pbench run: cannot resume '%s': %s\n", a->resume, pb_cli_errtext(&err));
        goto done;
    }
    a->seed = stored.seed;
    say_what_runs(*cfg);
    if (pb_session_resume(s, a->resume, *cfg, &stored, &changed, &err) < 0) {
        if (changed)
            fprintf(stderr, "pbench run: %s\n", pb_cli_errtext(&err));
        else
            fprintf(stderr, "pbench run: cannot resume: %s\n", pb_cli_errtext(&err));
        rc = changed ? PB_EXIT_USAGE : PB_EXIT_FAIL;
        goto done;
    }
    if (s->records.warning[0])
        fprintf(stderr, "pbench: warning: %s\n", s->records.warning);
    if (s->calibration.n)
        fprintf(stderr, "calibration: the %zu count%s chosen when the run started "
                "(calibration.json), not measured again\n", s->calibration.n,
                s->calibration.n == 1 ? "" : "s");
    if (!empty_shard_plan(*cfg, stored.seed, plan) && pb_plan_build(*cfg, stored.seed, plan, &err) < 0) {
        fprintf(stderr, "pbench run: %s\n", pb_cli_errtext(&err));
        goto done;
    }
    rc = -1;
done:
    pb_resolved_release(&stored);
    return rc;
}

static void banner(const struct pb_config *cfg, const struct pb_session *s, int resumed,
                   const char *base)
{
    char runs[64], interps[64] = "";
    size_t nw, np;

    pb_cli_matrix_counts(cfg, 1, &nw, &np);
    if (cfg->axis)
        snprintf(interps, sizeof interps, " x %zu interpreters", cfg->ninterps);
    pb_cli_plan_size(cfg, runs, sizeof runs);
    fprintf(stderr, "pbench %s: %s: %zu workloads x %zu profilers%s, %s (seed %llu)%s\n",
            PB_VERSION, cfg->path, nw, np, interps, runs, (unsigned long long)s->seed,
            resumed ? ", resuming" : "");
    if (cfg->shard_count) {
        size_t n = 0;
        for (size_t i = 0; i < cfg->nworkloads; i++)
            n += cfg->workloads[i].selected && pb_shard_here(cfg, i);
        fprintf(stderr, "shard %d of %d: %zu of the matrix's workloads%s", cfg->shard_index,
                cfg->shard_count, n, n ? ":" : " (the others fell to other shards): nothing to run");
        for (size_t i = 0, k = 0; i < cfg->nworkloads; i++)
            if (cfg->workloads[i].selected && pb_shard_here(cfg, i))
                fprintf(stderr, "%s %s", k++ ? "," : "", cfg->workloads[i].name);
        fputc('\n', stderr);
    }
    fprintf(stderr, "results: %s\n", s->dir);
    if (!resumed) {         /* resumed, the runs so far give the ETA */
        char *prior = pb_cli_prior_results(base, cfg->name, s->dir);
        pb_cli_print_estimate(stderr, cfg, prior);
        free(prior);
    }
}

/* Before the first process starts (the calibration's, then the runs'):
 * a signal stops the run after killing the current process, which never
 * outlives pbench, even a SIGKILLed one. */
static void arm(struct pb_error *err)
{
    struct sigaction sa;

    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
    if (pb_guard_start(err) < 0)
        fprintf(stderr, "pbench run: warning: %s (a run's grandchildren could outlive pbench)\n",
                pb_cli_errtext(err));
}

/* Runs the matrix with the signal handlers and the guard in place.
 * Returns the matrix's rc. */
static int measure(const struct run_args *a, struct pb_session *s, const struct pb_plan *plan,
                   char *pbench_path, struct pb_matrix_stats *st, struct pb_error *err)
{
    int tty = isatty(STDERR_FILENO), rc;
    struct pb_matrix_opts mo = {
        .session = s, .first = plan, .pbench_path = pbench_path, .stop = &stop_signal,
        .max_output_bytes = a->max_output, .pin_cpu = a->pin_cpu, .cb = on_progress, .ud = &tty,
    };

    if (a->pin_cpu >= 0 && pb_session_pin(s, a->pin_cpu, err) < 0)
        fprintf(stderr, "pbench run: warning: %s\n", pb_cli_errtext(err));
    rc = pb_matrix_run(&mo, st, err);
    if (tty)
        fprintf(stderr, "\r\033[K");
    return rc;
}

/* After the runs: the summary and its table, accuracy, charts. Returns
 * 0, or -1 when the summary cannot be made (nothing else is done). */
static int conclude(const struct run_args *a, struct pb_session *s,
                     const struct pb_matrix_stats *st, int finished)
{
    struct pb_error err;
    struct pb_summary *summary = NULL;
    char warning[512], el[32];

    if (pb_aggregate_dir(s->dir, &summary, warning, &err) < 0) {
        fprintf(stderr, "pbench run: cannot summarize: %s\n", pb_cli_errtext(&err));
        return -1;
    }
    if (warning[0])
        fprintf(stderr, "pbench: warning: %s\n", warning);
    pb_table_print_summary(stdout, summary);
    pb_summary_free(summary);
    printf("\n%zu runs (%zu ok, %zu not ok) in %s; results in %s\n", st->executed, st->ok,
           st->failed, pb_fmt_duration_short(s->meta.elapsed_s, el, sizeof el), s->dir);
    if (finished && pb_accuracy_has_truths(s->dir)) {
        /* the readers of the config being run (not of the stored copy) */
        struct pb_reader readers[64];
        struct pb_accuracy_opts ao;
        pb_accuracy_opts_init(&ao);
        for (size_t i = 0; i < s->cfg->nprofilers && ao.nreaders < 64; i++)
            if (s->cfg->profilers[i].reader) {
                readers[ao.nreaders].profiler = s->cfg->profilers[i].name;
                readers[ao.nreaders++].path = s->cfg->profilers[i].reader;
            }
        ao.readers = readers;
        if (pb_accuracy_write(s->dir, &ao, NULL, &err) < 0)
            fprintf(stderr, "pbench run: accuracy not computed: %s\n", pb_cli_errtext(&err));
        else
            printf("accuracy and capabilities in %s/accuracy.json (print them with: pbench accuracy %s)\n",
                   s->dir, s->dir);
    }
    if (s->cfg->shard_count) {        /* charts of the whole matrix, after the merge */
        printf("shard %d of %d: its pairs only; join the shards with: pbench merge OUT DIR...\n",
               s->cfg->shard_index, s->cfg->shard_count);
        return 0;
    }
    if (!a->no_plot && finished) {
        struct pb_plot_opts po;
        const char *dirs[1] = { s->dir };
        struct pb_summary_set *set = pb_summary_set_load(dirs, 1, &err);
        pb_plot_opts_init(&po);
        if (!set || pb_plot_write_set(set, a->plots, &po, &err) < 0)
            fprintf(stderr, "pbench run: charts not written: %s\n", pb_cli_errtext(&err));
        else
            printf("charts in %s/ (regenerate with: pbench plot %s)\n", a->plots, s->dir);
        pb_summary_set_free(set);
    }
    return 0;
}

int cmd_run(int argc, char **argv)
{
    struct run_args a;
    struct pb_config *cfg = NULL;
    struct pb_plan plan = { 0 };
    struct pb_session s;
    struct pb_matrix_stats st;
    struct pb_error err;
    char pbench_path[PATH_MAX];
    int rc = parse_args(argc, argv, &a);

    memset(&s, 0, sizeof s);
    if (rc >= 0)
        return rc;
    ssize_t plen = readlink("/proc/self/exe", pbench_path, sizeof pbench_path - 1);
    if (plen <= 0) {
        fprintf(stderr, "pbench run: cannot find its own binary (/proc/self/exe): %s\n",
                strerror(errno));
        return PB_EXIT_FAIL;
    }
    pbench_path[plen] = '\0';
    arm(&err);
    /* a workload's descendant that leaves its process group (setsid) comes
     * back to pbench when orphaned, and is killed after its run */
    if (pb_spawn_subreaper() < 0)
        fprintf(stderr, "pbench run: warning: cannot become a child subreaper (%s): a process "
                "a workload detaches could outlive its run\n", strerror(errno));
    rc = a.resume ? open_resume(&a, &cfg, &plan, &s) : open_new(&a, pbench_path, &cfg, &plan, &s);
    if (rc >= 0)
        goto cleanup;
    banner(cfg, &s, a.resume != NULL, a.base);
    double t0 = pb_measure_now();
    int mrc = measure(&a, &s, &plan, pbench_path, &st, &err);
    if (mrc < 0)
        fprintf(stderr, "pbench run: stopped: %s (every run recorded so far is kept in %s)\n",
                pb_cli_errtext(&err), s.dir);
    /* finish the metadata even when interrupted: it explains what is there */
    if (pb_session_finish(&s, pb_measure_now() - t0, mrc == 0 && !st.interrupted, &err) < 0)
        fprintf(stderr, "pbench run: %s\n", pb_cli_errtext(&err));
    if (conclude(&a, &s, &st, mrc == 0 && !st.interrupted) < 0) {
        rc = PB_EXIT_FAIL;
        goto cleanup;
    }
    if (st.interrupted) {
        fprintf(stderr, "pbench run: interrupted; finish it with: pbench run --resume %s\n", s.dir);
        rc = 128 + (stop_signal ? stop_signal : SIGINT);   /* 130 SIGINT, 143 SIGTERM, 129 SIGHUP */
    } else {
        rc = mrc == 0 ? PB_EXIT_OK : PB_EXIT_FAIL;
    }
cleanup:
    pb_guard_stop();
    pb_session_release(&s);
    pb_plan_release(&plan);
    pb_config_free(cfg);
    return rc;
}
