/*
 * pbench: runs Python workloads plain and under profilers, and tells what
 * each profiler costs. main() dispatches subcommands from a table; each
 * cmd_<name>() parses its options, calls the lower layers, prints, and
 * maps failures to the exit codes below.
 */
#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <limits.h>
#include <math.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "analysis/accuracy.h"
#include "analysis/aggregate.h"
#include "core/config.h"
#include "core/plan.h"
#include "output/plot.h"
#include "output/report.h"
#include "run/adaptive.h"
#include "run/guard.h"
#include "run/measure.h"
#include "run/meta.h"
#include "run/runner.h"
#include "run/session.h"
#include "sampler/sampler.h"
#include "store/results.h"
#include "util/fs.h"
#include "util/jsonfile.h"
#include "util/text.h"

enum {
    EXIT_OK = 0,
    EXIT_FAIL = 1,          /* a run-time failure: results dir, disk, interpreter */
    EXIT_USAGE = 2,         /* bad command line or bad config */
    EXIT_SIGINT = 130,
    EXIT_SIGTERM = 143,
};

static volatile sig_atomic_t stop_signal;

static void on_signal(int sig)
{
    stop_signal = sig;
}

/* err as "file:line:col: msg" (or just msg); static buffer, one at a time */
static const char *errtext(const struct pb_error *e)
{
    static char buf[2048];
    return pb_error_format(e, buf, sizeof buf);
}

/* ---- config diagnostics ---------------------------------------------------- */

/* Prints "file:line:col: msg", the offending line and a caret under it. */
static void print_diag(const struct pb_error *e)
{
    char buf[2048];

    fprintf(stderr, "%s\n", pb_error_format(e, buf, sizeof buf));
    if (e->line <= 0 || !e->file[0])
        return;
    FILE *f = fopen(e->file, "r");
    if (!f)
        return;
    char line[1024];
    int n = 0;
    while (fgets(line, sizeof line, f)) {
        if (++n == e->line) {
            line[strcspn(line, "\r\n")] = '\0';
            fprintf(stderr, "  %5d | %s\n        | ", n, line);
            for (int i = 1; i < e->col && line[i - 1]; i++)
                fputc(line[i - 1] == '\t' ? '\t' : ' ', stderr);
            fputs("^\n", stderr);
            break;
        }
    }
    fclose(f);
}

static struct pb_config *load_config(const char *path, const char *python)
{
    struct pb_diags d = { 0 };
    struct pb_config *cfg = pb_config_load(path, python, &d);

    for (size_t i = 0; i < d.n; i++)
        print_diag(&d.items[i]);
    if (!cfg)
        fprintf(stderr, "pbench: %zu error%s in '%s'\n", d.n, d.n == 1 ? "" : "s", path);
    pb_diags_release(&d);
    return cfg;
}

/* ---- progress -------------------------------------------------------------- */

struct progress {
    int tty;
    size_t offset;          /* runs counted by earlier runner calls (runs: auto rounds) */
    size_t grand_total;
};

static void on_progress(const struct pb_runner_event *ev, void *ud)
{
    struct progress *pg = ud;
    size_t i = pg->offset + ev->recorded + ev->index + 1;
    char round[32], eta[32];

    if (ev->entry->round < 0)
        snprintf(round, sizeof round, "warm-up %d", -ev->entry->round);
    else
        snprintf(round, sizeof round, "round %d", ev->entry->round + 1);
    if (ev->kind == PB_RUNNER_START) {
        if (pg->tty) {
            pb_fmt_duration_short(ev->eta_s, eta, sizeof eta);
            fprintf(stderr, "\r\033[K[%zu/%zu] %s x %s (%s)  ETA %s", i, pg->grand_total,
                    ev->workload->name, ev->profiler->name, round, eta);
            fflush(stderr);
        }
        return;
    }
    const struct pb_run_record *r = ev->record;
    char ratio[48] = "";
    if (r->status == PB_RUN_OK && ev->baseline_wall_s > 0 && !ev->profiler->baseline)
        snprintf(ratio, sizeof ratio, " (%.2fx plain)", r->wall_s / ev->baseline_wall_s);
    if (pg->tty) {
        if (r->status == PB_RUN_OK)
            return;         /* the live line shows progress; only problems stay */
        fprintf(stderr, "\r\033[K");
    }
    if (r->status == PB_RUN_OK)
        fprintf(stderr, "[%zu/%zu] %s x %s %s: ok %.3fs%s\n", i, pg->grand_total,
                ev->workload->name, ev->profiler->name, round, r->wall_s, ratio);
    else
        fprintf(stderr, "[%zu/%zu] %s x %s %s: %s: %s\n", i, pg->grand_total,
                ev->workload->name, ev->profiler->name, round, pb_run_status_name(r->status),
                r->error);
}

/* ---- the summary table ----------------------------------------------------- */

static double ci_value(json_t *ci)
{
    return json_is_object(ci) ? json_number_value(json_object_get(ci, "value")) : NAN;
}

struct prow {
    const char *name;
    double wall;
    json_t *obj;
};

static int cmp_prow(const void *a, const void *b)
{
    const struct prow *x = a, *y = b;
    if (isnan(x->wall) != isnan(y->wall))
        return isnan(x->wall) ? 1 : -1;
    return x->wall < y->wall ? -1 : x->wall > y->wall;
}

static void fmt_ci(json_t *ci, char *buf, size_t n)
{
    if (!json_is_object(ci))
        snprintf(buf, n, "-");
    else
        snprintf(buf, n, "%.2fx [%.2f-%.2f]", ci_value(ci),
                 json_number_value(json_object_get(ci, "lo")),
                 json_number_value(json_object_get(ci, "hi")));
}

static void print_summary(json_t *sum)
{
    json_t *profs = json_object_get(sum, "profilers");
    json_t *pairs = json_object_get(sum, "pairs");
    size_t np = json_array_size(profs), i;
    struct prow *rows = calloc(np ? np : 1, sizeof *rows);
    const char *workloads[256];
    size_t nw = 0;
    json_t *pr;

    json_array_foreach(pairs, i, pr) {
        const char *w = json_string_value(json_object_get(pr, "workload"));
        size_t k;
        for (k = 0; k < nw; k++)
            if (!strcmp(workloads[k], w))
                break;
        if (k == nw && nw < 256)
            workloads[nw++] = w;
    }
    for (i = 0; i < np; i++) {
        rows[i].obj = json_array_get(profs, i);
        rows[i].name = json_string_value(json_object_get(rows[i].obj, "name"));
        rows[i].wall = ci_value(json_object_get(rows[i].obj, "wall_geomean"));
    }
    qsort(rows, np, sizeof *rows, cmp_prow);

    printf("\nOverhead: normalized time (profiled / plain), geometric mean over workloads, 95%% CI\n"
           "('>=': a timed-out workload entered the mean at its lower bound)\n\n");
    printf("%-16s %-22s %-22s %-22s %s\n", "profiler", "wall", "cpu", "memory (tree RSS)", "workloads");
    for (i = 0; i < np; i++) {
        char a[64], b[64], c[64];
        fmt_ci(json_object_get(rows[i].obj, "wall_geomean"), a, sizeof a);
        if (json_is_true(json_object_get(rows[i].obj, "wall_geomean_lower_bound"))) {
            char t[64];
            snprintf(t, sizeof t, ">=%s", a);
            snprintf(a, sizeof a, "%s", t);
        }
        fmt_ci(json_object_get(rows[i].obj, "cpu_geomean"), b, sizeof b);
        fmt_ci(json_object_get(rows[i].obj, "mem_geomean"), c, sizeof c);
        printf("%-16s %-22s %-22s %-22s %lld ok, %lld not\n", rows[i].name, a, b, c,
               (long long)json_integer_value(json_object_get(rows[i].obj, "workloads_ok")),
               (long long)json_integer_value(json_object_get(rows[i].obj, "workloads_failed")));
    }

    printf("\nNormalized wall time per workload (median ratio; '>' = lower bound after a timeout)\n\n");
    printf("%-16s", "profiler");
    for (size_t k = 0; k < nw; k++)
        printf(" %9.9s", workloads[k]);
    printf("\n");
    for (i = 0; i < np; i++) {
        printf("%-16s", rows[i].name);
        for (size_t k = 0; k < nw; k++) {
            size_t j;
            json_t *cell = NULL;
            char buf[32] = "-";
            json_array_foreach(pairs, j, pr)
                if (!strcmp(json_string_value(json_object_get(pr, "workload")), workloads[k])
                    && !strcmp(json_string_value(json_object_get(pr, "profiler")), rows[i].name))
                    cell = pr;
            if (cell) {
                const char *st = json_string_value(json_object_get(cell, "status"));
                double v = ci_value(json_object_get(cell, "wall_ratio"));
                if (json_is_true(json_object_get(cell, "lower_bound")))
                    snprintf(buf, sizeof buf, ">%.0fx", v);
                else if (!isnan(v))
                    snprintf(buf, sizeof buf, "%.2fx%s", v, strcmp(st, "partial") ? "" : "*");
                else
                    snprintf(buf, sizeof buf, "%s", st);
            }
            printf(" %9s", buf);
        }
        printf("\n");
    }

    /* workloads with sizes: the fixed start-up cost and the per-work slowdown */
    json_t *sc = json_object_get(sum, "scaling");
    if (json_array_size(sc)) {
        json_t *e;
        printf("\nStart-up versus steady state (time = start-up + slope x size, fitted over the sizes)\n\n");
        printf("%-14s %-16s %-26s %-24s %s\n", "workload", "profiler", "start-up cost (s)",
               "steady-state overhead", "R^2 (plain)");
        json_array_foreach(sc, i, e) {
            json_t *su = json_object_get(e, "startup_s"), *sr = json_object_get(e, "steady_ratio");
            char a[64], b[64];
            snprintf(a, sizeof a, "%+.3f [%+.3f, %+.3f]", ci_value(su),
                     json_number_value(json_object_get(su, "lo")), json_number_value(json_object_get(su, "hi")));
            fmt_ci(sr, b, sizeof b);
            printf("%-14s %-16s %-26s %-24s %.3f (%.3f)\n",
                   json_string_value(json_object_get(e, "workload")),
                   json_string_value(json_object_get(e, "profiler")), a, b,
                   json_number_value(json_object_get(e, "r2")),
                   json_number_value(json_object_get(e, "r2_baseline")));
        }
    }

    /* runs: auto: which pairs reached the target, and why the others stopped */
    json_t *ad = json_object_get(sum, "adaptive");
    if (json_is_object(ad)) {
        size_t n = 0, reached = 0;
        const char *base = json_string_value(json_object_get(sum, "baseline"));
        /* the baseline's own pairs (plain x plain) are no ratio to report */
        json_array_foreach(pairs, i, pr) {
            const char *why = json_string_value(json_object_get(pr, "adaptive"));
            if (!why || (base && !strcmp(json_string_value(json_object_get(pr, "profiler")), base)))
                continue;
            n++;
            reached += !strcmp(why, "precise");
        }
        printf("\nruns: auto: %zu of %zu pairs reached +/-%.1f%% (95%% interval of the wall ratio)\n",
               reached, n, json_number_value(json_object_get(ad, "precision")) * 100);
        json_array_foreach(pairs, i, pr) {
            const char *why = json_string_value(json_object_get(pr, "adaptive"));
            json_t *prec = json_object_get(pr, "precision");
            if (!why || !strcmp(why, "precise")
                || (base && !strcmp(json_string_value(json_object_get(pr, "profiler")), base)))
                continue;
            char pbuf[32] = "-";
            if (json_is_number(prec))
                snprintf(pbuf, sizeof pbuf, "+/-%.1f%%", json_number_value(prec) * 100);
            printf("  %s x %s: %s after %lld runs (%s)\n",
                   json_string_value(json_object_get(pr, "workload")),
                   json_string_value(json_object_get(pr, "profiler")), pbuf,
                   (long long)json_integer_value(json_object_get(pr, "runs")),
                   !strcmp(why, "timeout") ? "timed out: a lower bound"
                   : !strcmp(why, "max_runs") ? "the matrix reached max_runs rounds"
                   : !strcmp(why, "budget") ? "stopped by the time budget" : "no successful run");
        }
    }

    /* what a user can act on: the machine, then pairs with noisy runs */
    json_t *rw = json_object_get(sum, "warnings");
    size_t nwarn = 0, shown = 0;
    json_array_foreach(pairs, i, pr)
        nwarn += json_array_size(json_object_get(pr, "warnings"));
    if (json_array_size(rw) || nwarn) {
        printf("\nWarnings:\n");
        json_t *v;
        size_t k;
        json_array_foreach(rw, k, v)
            printf("  %s\n", json_string_value(v));
        json_array_foreach(pairs, i, pr) {
            json_array_foreach(json_object_get(pr, "warnings"), k, v) {
                if (shown++ < 15)
                    printf("  %s x %s: %s\n", json_string_value(json_object_get(pr, "workload")),
                           json_string_value(json_object_get(pr, "profiler")), json_string_value(v));
            }
        }
        if (shown > 15)
            printf("  (%zu more in summary.json)\n", shown - 15);
    }

    int header = 0;
    json_array_foreach(pairs, i, pr) {
        const char *st = json_string_value(json_object_get(pr, "status"));
        if (!strcmp(st, "ok"))
            continue;
        if (!header++)
            printf("\nPairs with problems (* above = some runs failed):\n");
        json_t *reason = json_object_get(pr, "failure_reason");
        printf("  %s x %s: %s (%lld ok, %lld failed, %lld timed out)%s%s\n",
               json_string_value(json_object_get(pr, "workload")),
               json_string_value(json_object_get(pr, "profiler")), st,
               (long long)json_integer_value(json_object_get(pr, "runs")),
               (long long)json_integer_value(json_object_get(pr, "failures")),
               (long long)json_integer_value(json_object_get(pr, "timeouts")),
               json_is_string(reason) ? ": " : "", json_is_string(reason) ? json_string_value(reason) : "");
    }
    free(rows);
}

/* ---- run --------------------------------------------------------------------- */

/* "N runs", or under runs: auto "N to M runs (runs: auto)", of the
 * selected pairs. */
static void plan_size(const struct pb_config *cfg, char *buf, size_t size)
{
    size_t least, most;

    pb_plan_count(cfg, &least, &most);
    if (least == most)
        snprintf(buf, size, "%zu runs", least);
    else
        snprintf(buf, size, "%zu to %zu runs (runs: auto)", least, most);
}

static void usage_run(FILE *f)
{
    fputs("usage: pbench run CONFIG [options]\n"
          "       pbench run --resume RESULTS_DIR [options]\n"
          "  -p, --profiler NAME   run only this profiler (and the baseline); repeatable\n"
          "  -w, --workload NAME   run only this workload; repeatable\n"
          "      --python PATH     interpreter to use instead of the config's 'python:'\n"
          "  -o, --results DIR     where results directories go (default: results)\n"
          "      --seed N          shuffle/bootstrap seed (default: the config's, else random)\n"
          "      --resume DIR      finish an interrupted run, skipping recorded runs\n"
          "      --max-output MB   stop a run whose output exceeds MB megabytes (default 2048)\n"
          "      --pin-cpu N       run every workload on CPU N only, and pbench on the others\n"
          "      --no-plot         do not write charts at the end\n"
          "      --plots DIR       where charts go (default: plots)\n", f);
}

/* `runs: auto`: after the first plan (warm-ups and round 0), one round at
 * a time of the pairs that have not stopped (adaptive.h), until none is left. The
 * records decide, so a resumed run takes the same rounds. Adds to *st;
 * returns like pb_runner_run. */
static int run_adaptive(const struct pb_config *cfg, struct pb_runner_opts *ro,
                        struct progress *pg, const struct pb_plan *first,
                        struct pb_runner_stats *st, uint64_t seed, struct pb_error *err)
{
    size_t seq = first->n;
    int rc = 0;

    pg->offset += st->executed + st->skipped_done;
    for (int round = 1; ; round++) {
        struct pb_run_list recs;
        struct pb_plan next;
        struct pb_runner_stats rs;

        if (pb_results_read(ro->dir, 1, &recs, err) < 0)
            return -1;
        if (pb_adaptive_next_round(cfg, &recs, round, seed, seq, &next, err) < 0) {
            pb_results_release(&recs);
            return -1;
        }
        if (next.n == 0) {
            pb_results_release(&recs);
            pb_plan_release(&next);
            break;
        }
        pg->grand_total += next.n;
        ro->plan = &next;
        ro->done = &recs;
        rc = pb_runner_run(ro, &rs, err);
        st->executed += rs.executed;
        st->ok += rs.ok;
        st->failed += rs.failed;
        st->skipped_done += rs.skipped_done;
        st->interrupted = rs.interrupted;
        pg->offset += rs.executed + rs.skipped_done;
        seq += next.n;
        ro->plan = NULL;
        ro->done = NULL;
        pb_plan_release(&next);
        pb_results_release(&recs);
        if (rc < 0 || st->interrupted)
            break;
    }
    return rc;
}

static uint64_t random_seed(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return ((uint64_t)ts.tv_nsec ^ ((uint64_t)ts.tv_sec << 20) ^ (uint64_t)getpid() * 2654435761ULL)
           % 1000000000ULL;
}

static int cmd_run(int argc, char **argv)
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
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 }
    };
    const char *profs[128], *wls[128];
    size_t np = 0, nw = 0;
    const char *python = NULL, *base = "results", *resume = NULL, *plots = "plots";
    int has_seed = 0, no_plot = 0, c, rc = EXIT_FAIL, pin_cpu = -1;
    uint64_t seed = 0;
    long long max_output = 2048LL << 20;
    struct pb_config *cfg = NULL;
    struct pb_plan plan = { 0 };
    struct pb_error err;
    json_t *resolved = NULL, *meta = NULL, *pyinfo = NULL, *summary = NULL, *stored = NULL;
    struct pb_run_list done = { 0 };
    char *dir = NULL;
    char pbench_path[PATH_MAX];

    optind = 1;
    while ((c = getopt_long(argc, argv, "p:w:o:h", longopts, NULL)) != -1) {
        char *end;
        switch (c) {
        case 'p': if (np < 128) profs[np++] = optarg; break;
        case 'w': if (nw < 128) wls[nw++] = optarg; break;
        case 'P': python = optarg; break;
        case 'o': base = optarg; break;
        case 'r': resume = optarg; break;
        case 'n': no_plot = 1; break;
        case 'l': plots = optarg; break;
        case 'c': {
            long n = strtol(optarg, &end, 10);
            long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
            if (*end || !*optarg || n < 0 || n >= ncpu || ncpu < 2) {
                fprintf(stderr, "pbench run: --pin-cpu expects a CPU number from 0 to %ld on a machine with "
                        "at least 2 CPUs, not '%s'\n", ncpu - 1, optarg);
                return EXIT_USAGE;
            }
            pin_cpu = (int)n;
            break;
        }
        case 's':
            errno = 0;
            seed = strtoull(optarg, &end, 10);
            if (errno || *end || !*optarg || optarg[0] == '-') {
                fprintf(stderr, "pbench run: --seed expects a non-negative whole number, not '%s'\n", optarg);
                return EXIT_USAGE;
            }
            has_seed = 1;
            break;
        case 'm':
            errno = 0;
            max_output = strtoll(optarg, &end, 10);
            if (errno || *end || max_output <= 0 || max_output > (1LL << 40)) {
                fprintf(stderr, "pbench run: --max-output expects a number of megabytes, not '%s'\n", optarg);
                return EXIT_USAGE;
            }
            max_output <<= 20;
            break;
        case 'h': usage_run(stdout); return EXIT_OK;
        default: usage_run(stderr); return EXIT_USAGE;
        }
    }
    if ((resume && optind != argc) || (!resume && optind != argc - 1)) {
        usage_run(stderr);
        return EXIT_USAGE;
    }
    if (resume && (np || nw || has_seed)) {
        fprintf(stderr, "pbench run: --resume finishes the run as it was planned: "
                "--profiler, --workload and --seed cannot change it\n");
        return EXIT_USAGE;
    }
    ssize_t plen = readlink("/proc/self/exe", pbench_path, sizeof pbench_path - 1);
    if (plen <= 0) {
        fprintf(stderr, "pbench run: cannot find its own binary (/proc/self/exe): %s\n",
                strerror(errno));
        return EXIT_FAIL;
    }
    pbench_path[plen] = '\0';

    if (resume) {
        stored = pb_json_read(resume, "config-resolved.json", &err);
        if (!stored) {
            fprintf(stderr, "pbench run: cannot resume '%s': %s\n", resume, errtext(&err));
            return EXIT_FAIL;
        }
        const char *cpath = json_string_value(json_object_get(stored, "config_path"));
        if (!cpath) {
            fprintf(stderr, "pbench run: cannot resume '%s': config-resolved.json names no config\n", resume);
            goto cleanup;
        }
        cfg = load_config(cpath, python ? python : json_string_value(json_object_get(stored, "python")));
        if (!cfg) {
            rc = EXIT_USAGE;
            goto cleanup;
        }
        json_t *sel = json_object_get(stored, "select");
        size_t i;
        json_t *v;
        np = nw = 0;
        json_array_foreach(json_object_get(sel, "profilers"), i, v)
            if (np < 128) profs[np++] = json_string_value(v);
        json_array_foreach(json_object_get(sel, "workloads"), i, v)
            if (nw < 128) wls[nw++] = json_string_value(v);
        seed = (uint64_t)json_integer_value(json_object_get(stored, "seed"));
    } else {
        cfg = load_config(argv[optind], python);
        if (!cfg)
            return EXIT_USAGE;
        if (!has_seed)
            seed = cfg->has_seed ? cfg->seed : random_seed();
    }
    if (pb_config_select(cfg, profs, np, wls, nw, &err) < 0) {
        fprintf(stderr, "pbench run: %s\n", errtext(&err));
        rc = EXIT_USAGE;
        goto cleanup;
    }
    resolved = pb_session_resolved(cfg, seed);
    if (resume) {
        const char *h1 = json_string_value(json_object_get(stored, "hash"));
        const char *h2 = json_string_value(json_object_get(resolved, "hash"));
        if (!h1 || !h2 || strcmp(h1, h2)) {
            fprintf(stderr, "pbench run: refusing to resume '%s': the config (%s) or the interpreter changed since the run started; start a new run instead\n",
                    resume, cfg->path);
            rc = EXIT_USAGE;
            goto cleanup;
        }
        dir = strdup(resume);
        meta = pb_json_read(dir, "meta.json", &err);
        if (!meta) {
            fprintf(stderr, "pbench run: cannot resume: %s\n", errtext(&err));
            goto cleanup;
        }
        if (pb_results_read(dir, 1, &done, &err) < 0) {
            fprintf(stderr, "pbench run: cannot resume: %s\n", errtext(&err));
            goto cleanup;
        }
        if (done.warning[0])
            fprintf(stderr, "pbench: warning: %s\n", done.warning);
    } else {
        /* everything that can be checked before a results directory exists:
         * the plan, and that the interpreter runs (its version, the
         * profilers' versions) */
        if (pb_plan_build(cfg, seed, &plan, &err) < 0) {
            fprintf(stderr, "pbench run: %s\n", errtext(&err));
            rc = EXIT_USAGE;
            goto cleanup;
        }
        char scratch[] = "/tmp/pbench-probe-XXXXXX";
        if (!mkdtemp(scratch)) {
            fprintf(stderr, "pbench run: cannot create a temporary directory: %s\n", strerror(errno));
            goto cleanup;
        }
        pyinfo = pb_meta_python(cfg, scratch, &err);
        rmdir(scratch);
        if (!pyinfo) {
            fprintf(stderr, "pbench run: %s\n", errtext(&err));
            goto cleanup;
        }
        if (pb_session_create(cfg, resolved, base, &dir, &err) < 0) {
            fprintf(stderr, "pbench run: %s\n", errtext(&err));
            goto cleanup;
        }
        meta = json_object();
        char now[32];
        pb_now_iso(now, sizeof now);
        json_object_set_new(meta, "pbench_version", json_string(PB_VERSION));
        json_object_set_new(meta, "config", json_string(cfg->path));
        json_object_set_new(meta, "config_name", json_string(cfg->name));
        json_object_set(meta, "config_hash", json_object_get(resolved, "hash"));
        json_object_set_new(meta, "started", json_string(now));
        json_object_set_new(meta, "seed", json_integer((json_int_t)seed));
        json_object_set_new(meta, "host", pb_meta_host());
        json_object_update(meta, pyinfo);
        if (pb_json_write(dir, "meta.json", meta, &err) < 0) {
            fprintf(stderr, "pbench run: %s\n", errtext(&err));
            goto cleanup;
        }
    }
    if (!plan.entries && pb_plan_build(cfg, seed, &plan, &err) < 0) {
        fprintf(stderr, "pbench run: %s\n", errtext(&err));
        rc = EXIT_USAGE;
        goto cleanup;
    }

    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);

    size_t nsel_p = 0, nsel_w = 0;
    for (size_t i = 0; i < cfg->nprofilers; i++)
        nsel_p += cfg->profilers[i].selected;
    for (size_t i = 0; i < cfg->nworkloads; i++)
        nsel_w += cfg->workloads[i].selected;
    char runs[64];
    plan_size(cfg, runs, sizeof runs);
    fprintf(stderr, "pbench %s: %s: %zu workloads x %zu profilers, %s (seed %llu)%s\n",
            PB_VERSION, cfg->path, nsel_w, nsel_p, runs, (unsigned long long)seed,
            resume ? ", resuming" : "");
    fprintf(stderr, "results: %s\n", dir);

    struct progress pg = { isatty(STDERR_FILENO), 0, plan.n };
    struct pb_runner_opts ro = { cfg, &plan, dir, pbench_path, &stop_signal, max_output,
                                 resume ? &done : NULL, pin_cpu, on_progress, &pg };
    if (pin_cpu >= 0) {
        /* pbench itself (its /proc sampling, its waits) stays off that CPU */
        cpu_set_t others;
        CPU_ZERO(&others);
        for (long k = 0; k < sysconf(_SC_NPROCESSORS_ONLN) && k < CPU_SETSIZE; k++)
            if (k != pin_cpu)
                CPU_SET(k, &others);
        if (sched_setaffinity(0, sizeof others, &others) < 0)
            fprintf(stderr, "pbench run: warning: cannot keep pbench off CPU %d: %s\n", pin_cpu,
                    strerror(errno));
        json_object_set_new(meta, "pin_cpu", json_integer(pin_cpu));
    }
    struct pb_runner_stats st;
    double t0 = pb_measure_now();
    /* from here on, a run never outlives pbench, even a SIGKILLed one */
    if (pb_guard_start(&err) < 0)
        fprintf(stderr, "pbench run: warning: %s (a run's grandchildren could outlive pbench)\n",
                errtext(&err));
    int runner_rc = pb_runner_run(&ro, &st, &err);
    if (cfg->runs_auto && runner_rc == 0 && !st.interrupted)
        runner_rc = run_adaptive(cfg, &ro, &pg, &plan, &st, seed, &err);
    pb_guard_stop();
    if (pg.tty)
        fprintf(stderr, "\r\033[K");
    if (runner_rc < 0)
        fprintf(stderr, "pbench run: stopped: %s (every run recorded so far is kept in %s)\n",
                errtext(&err), dir);

    /* finish the metadata even when interrupted: it explains what is there */
    {
        char now[32];
        double elapsed = pb_measure_now() - t0;
        pb_now_iso(now, sizeof now);
        json_object_set_new(meta, "finished", json_string(now));
        json_t *prev = json_object_get(meta, "elapsed_s");
        json_object_set_new(meta, "elapsed_s", json_real(elapsed + (json_is_number(prev) ? json_number_value(prev) : 0)));
        json_object_set_new(json_object_get(meta, "host"), "loadavg_end", pb_meta_loadavg());
        json_object_set_new(meta, "complete", json_boolean(runner_rc == 0 && !st.interrupted));
        /* pbench's own CPU (this process, not its children): what measuring cost */
        struct rusage self;
        if (getrusage(RUSAGE_SELF, &self) == 0) {
            double cpu = (double)self.ru_utime.tv_sec + self.ru_utime.tv_usec * 1e-6
                       + (double)self.ru_stime.tv_sec + self.ru_stime.tv_usec * 1e-6;
            json_t *prevc = json_object_get(meta, "harness_cpu_s");
            json_object_set_new(meta, "harness_cpu_s",
                                json_real(cpu + (json_is_number(prevc) ? json_number_value(prevc) : 0)));
        }
        if (pb_json_write(dir, "meta.json", meta, &err) < 0)
            fprintf(stderr, "pbench run: %s\n", errtext(&err));
    }
    char warning[512];
    if (pb_aggregate_dir(dir, &summary, warning, &err) < 0) {
        fprintf(stderr, "pbench run: cannot summarize: %s\n", errtext(&err));
        goto cleanup;
    }
    if (warning[0])
        fprintf(stderr, "pbench: warning: %s\n", warning);
    print_summary(summary);
    {
        char el[32];
        pb_fmt_duration_short(json_number_value(json_object_get(meta, "elapsed_s")), el, sizeof el);
        printf("\n%zu runs (%zu ok, %zu not ok) in %s; results in %s\n", st.executed, st.ok,
               st.failed, el, dir);
    }
    if (!st.interrupted && runner_rc == 0 && pb_accuracy_has_truths(dir)) {
        if (pb_accuracy_write(dir, NULL, NULL, &err) < 0)
            fprintf(stderr, "pbench run: accuracy not computed: %s\n", errtext(&err));
        else
            printf("accuracy and capabilities in %s/accuracy.json (print them with: pbench accuracy %s)\n",
                   dir, dir);
    }
    if (!no_plot && !st.interrupted && runner_rc == 0) {
        struct pb_plot_opts po;
        pb_plot_opts_init(&po);
        const char *dirs[1] = { dir };
        if (pb_plot_write(dirs, 1, plots, &po, &err) < 0)
            fprintf(stderr, "pbench run: charts not written: %s\n", errtext(&err));
        else
            printf("charts in %s/ (regenerate with: pbench plot %s)\n", plots, dir);
    }
    if (st.interrupted) {
        fprintf(stderr, "pbench run: interrupted; finish it with: pbench run --resume %s\n", dir);
        rc = 128 + (stop_signal ? stop_signal : SIGINT);   /* 130 SIGINT, 143 SIGTERM, 129 SIGHUP */
    } else {
        rc = runner_rc == 0 ? EXIT_OK : EXIT_FAIL;
    }

cleanup:
    json_decref(summary);
    json_decref(pyinfo);
    json_decref(meta);
    json_decref(resolved);
    json_decref(stored);
    pb_results_release(&done);
    pb_plan_release(&plan);
    pb_config_free(cfg);
    free(dir);
    return rc;
}

/* ---- check, summarize --------------------------------------------------------- */

static int cmd_check(int argc, char **argv)
{
    const char *python = NULL;
    int i = 1;
    int bad = 0;

    if (argc >= 3 && !strcmp(argv[1], "--python")) {
        python = argv[2];
        i = 3;
    }
    if (i >= argc) {
        fputs("usage: pbench check [--python PATH] CONFIG...\n", stderr);
        return EXIT_USAGE;
    }
    for (; i < argc; i++) {
        struct pb_config *cfg = load_config(argv[i], python);
        if (!cfg) {
            bad = 1;
            continue;
        }
        char runs[64];
        plan_size(cfg, runs, sizeof runs);
        printf("%s: ok: %zu workloads, %zu profilers (baseline '%s'), %s\n", argv[i],
               cfg->nworkloads, cfg->nprofilers, cfg->profilers[cfg->baseline].name, runs);
        pb_config_free(cfg);
    }
    return bad ? EXIT_USAGE : EXIT_OK;
}

static int cmd_summarize(int argc, char **argv)
{
    struct pb_error err;
    json_t *summary = NULL;
    char warning[512];

    if (argc != 2) {
        fputs("usage: pbench summarize RESULTS_DIR\n", stderr);
        return EXIT_USAGE;
    }
    if (pb_aggregate_dir(argv[1], &summary, warning, &err) < 0) {
        fprintf(stderr, "pbench summarize: %s\n", errtext(&err));
        return EXIT_FAIL;
    }
    if (warning[0])
        fprintf(stderr, "pbench: warning: %s\n", warning);
    print_summary(summary);
    json_decref(summary);
    return EXIT_OK;
}

/* ---- dispatch ----------------------------------------------------------------- */

struct cmd {
    const char *name;
    int (*fn)(int argc, char **argv);
    const char *help;
};

static const struct cmd commands[] = {
    { "run", cmd_run, "run a config's matrix of workloads x profilers and summarize it" },
    { "check", cmd_check, "validate configs without running anything" },
    { "summarize", cmd_summarize, "recompute summary.json/csv of a results directory and print it" },
    { "plot", pb_plot_cmd, "write the overhead charts of results directories" },
    { "report", pb_report_cmd, "write a Markdown report of results directories" },
    { "accuracy", pb_accuracy_cmd, "attribution errors and capability matrix of a run of truth workloads" },
    { "sample", pb_sampler_cmd, "profile a Python command with pbench's built-in sampler" },
    { NULL, NULL, NULL }
};

static void usage(FILE *f)
{
    fprintf(f, "pbench %s: how much does a Python profiler cost, and can it be trusted?\n\n"
               "usage: pbench COMMAND [ARGS]\n\n", PB_VERSION);
    for (const struct cmd *c = commands; c->name; c++)
        fprintf(f, "  %-10s %s\n", c->name, c->help);
    fputs("\n'pbench COMMAND --help' tells more. Start with: pbench run configs/quick.yaml\n", f);
}

int main(int argc, char **argv)
{
    /* a closed pipe (pbench run | head, or a dead run guard) is an error
     * from write(), not a silent death */
    signal(SIGPIPE, SIG_IGN);
    if (argc < 2) {
        usage(stderr);
        return EXIT_USAGE;
    }
    if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
        usage(stdout);
        return EXIT_OK;
    }
    if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "version")) {
        printf("pbench %s\n", PB_VERSION);
        return EXIT_OK;
    }
    for (const struct cmd *c = commands; c->name; c++)
        if (!strcmp(argv[1], c->name))
            return c->fn(argc - 1, argv + 1);
    fprintf(stderr, "pbench: unknown command '%s'\n\n", argv[1]);
    usage(stderr);
    return EXIT_USAGE;
}
