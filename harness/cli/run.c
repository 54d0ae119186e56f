/* pbench run: a config's matrix of workloads x profilers, or the rest of
 * an interrupted one (--resume), then its summary, accuracy and charts. */
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
#include "cli/cli.h"
#include "core/config.h"
#include "core/plan.h"
#include "output/plot.h"
#include "output/table.h"
#include "run/accuracy.h"
#include "run/adaptive.h"
#include "run/guard.h"
#include "run/measure.h"
#include "run/meta.h"
#include "run/runner.h"
#include "run/session.h"
#include "store/results.h"
#include "util/fs.h"
#include "util/jsonfile.h"
#include "util/text.h"

static volatile sig_atomic_t stop_signal;

static void on_signal(int sig)
{
    stop_signal = sig;
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

int cmd_run(int argc, char **argv)
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
    int has_seed = 0, no_plot = 0, c, rc = PB_EXIT_FAIL, pin_cpu = -1;
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
                return PB_EXIT_USAGE;
            }
            pin_cpu = (int)n;
            break;
        }
        case 's':
            errno = 0;
            seed = strtoull(optarg, &end, 10);
            if (errno || *end || !*optarg || optarg[0] == '-') {
                fprintf(stderr, "pbench run: --seed expects a non-negative whole number, not '%s'\n", optarg);
                return PB_EXIT_USAGE;
            }
            has_seed = 1;
            break;
        case 'm':
            errno = 0;
            max_output = strtoll(optarg, &end, 10);
            if (errno || *end || max_output <= 0 || max_output > (1LL << 40)) {
                fprintf(stderr, "pbench run: --max-output expects a number of megabytes, not '%s'\n", optarg);
                return PB_EXIT_USAGE;
            }
            max_output <<= 20;
            break;
        case 'h': usage_run(stdout); return PB_EXIT_OK;
        default: usage_run(stderr); return PB_EXIT_USAGE;
        }
    }
    if ((resume && optind != argc) || (!resume && optind != argc - 1)) {
        usage_run(stderr);
        return PB_EXIT_USAGE;
    }
    if (resume && (np || nw || has_seed)) {
        fprintf(stderr, "pbench run: --resume finishes the run as it was planned: "
                "--profiler, --workload and --seed cannot change it\n");
        return PB_EXIT_USAGE;
    }
    ssize_t plen = readlink("/proc/self/exe", pbench_path, sizeof pbench_path - 1);
    if (plen <= 0) {
        fprintf(stderr, "pbench run: cannot find its own binary (/proc/self/exe): %s\n",
                strerror(errno));
        return PB_EXIT_FAIL;
    }
    pbench_path[plen] = '\0';

    if (resume) {
        stored = pb_json_read(resume, "config-resolved.json", &err);
        if (!stored) {
            fprintf(stderr, "pbench run: cannot resume '%s': %s\n", resume, pb_cli_errtext(&err));
            return PB_EXIT_FAIL;
        }
        const char *cpath = json_string_value(json_object_get(stored, "config_path"));
        if (!cpath) {
            fprintf(stderr, "pbench run: cannot resume '%s': config-resolved.json names no config\n", resume);
            goto cleanup;
        }
        cfg = pb_cli_load_config(cpath, python ? python : json_string_value(json_object_get(stored, "python")));
        if (!cfg) {
            rc = PB_EXIT_USAGE;
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
        cfg = pb_cli_load_config(argv[optind], python);
        if (!cfg)
            return PB_EXIT_USAGE;
        if (!has_seed)
            seed = cfg->has_seed ? cfg->seed : random_seed();
    }
    if (pb_config_select(cfg, profs, np, wls, nw, &err) < 0) {
        fprintf(stderr, "pbench run: %s\n", pb_cli_errtext(&err));
        rc = PB_EXIT_USAGE;
        goto cleanup;
    }
    resolved = pb_session_resolved(cfg, seed);
    if (resume) {
        const char *h1 = json_string_value(json_object_get(stored, "hash"));
        const char *h2 = json_string_value(json_object_get(resolved, "hash"));
        if (!h1 || !h2 || strcmp(h1, h2)) {
            fprintf(stderr, "pbench run: refusing to resume '%s': the config (%s) or the interpreter changed since the run started; start a new run instead\n",
                    resume, cfg->path);
            rc = PB_EXIT_USAGE;
            goto cleanup;
        }
        dir = strdup(resume);
        meta = pb_json_read(dir, "meta.json", &err);
        if (!meta) {
            fprintf(stderr, "pbench run: cannot resume: %s\n", pb_cli_errtext(&err));
            goto cleanup;
        }
        if (pb_results_read(dir, 1, &done, &err) < 0) {
            fprintf(stderr, "pbench run: cannot resume: %s\n", pb_cli_errtext(&err));
            goto cleanup;
        }
        if (done.warning[0])
            fprintf(stderr, "pbench: warning: %s\n", done.warning);
    } else {
        /* everything that can be checked before a results directory exists:
         * the plan, and that the interpreter runs (its version, the
         * profilers' versions) */
        if (pb_plan_build(cfg, seed, &plan, &err) < 0) {
            fprintf(stderr, "pbench run: %s\n", pb_cli_errtext(&err));
            rc = PB_EXIT_USAGE;
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
            fprintf(stderr, "pbench run: %s\n", pb_cli_errtext(&err));
            goto cleanup;
        }
        if (pb_session_create(cfg, resolved, base, &dir, &err) < 0) {
            fprintf(stderr, "pbench run: %s\n", pb_cli_errtext(&err));
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
            fprintf(stderr, "pbench run: %s\n", pb_cli_errtext(&err));
            goto cleanup;
        }
    }
    if (!plan.entries && pb_plan_build(cfg, seed, &plan, &err) < 0) {
        fprintf(stderr, "pbench run: %s\n", pb_cli_errtext(&err));
        rc = PB_EXIT_USAGE;
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
    pb_cli_plan_size(cfg, runs, sizeof runs);
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
                pb_cli_errtext(&err));
    int runner_rc = pb_runner_run(&ro, &st, &err);
    if (cfg->runs_auto && runner_rc == 0 && !st.interrupted)
        runner_rc = run_adaptive(cfg, &ro, &pg, &plan, &st, seed, &err);
    pb_guard_stop();
    if (pg.tty)
        fprintf(stderr, "\r\033[K");
    if (runner_rc < 0)
        fprintf(stderr, "pbench run: stopped: %s (every run recorded so far is kept in %s)\n",
                pb_cli_errtext(&err), dir);

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
            fprintf(stderr, "pbench run: %s\n", pb_cli_errtext(&err));
    }
    char warning[512];
    if (pb_aggregate_dir(dir, &summary, warning, &err) < 0) {
        fprintf(stderr, "pbench run: cannot summarize: %s\n", pb_cli_errtext(&err));
        goto cleanup;
    }
    if (warning[0])
        fprintf(stderr, "pbench: warning: %s\n", warning);
    pb_table_print_summary(stdout, summary);
    {
        char el[32];
        pb_fmt_duration_short(json_number_value(json_object_get(meta, "elapsed_s")), el, sizeof el);
        printf("\n%zu runs (%zu ok, %zu not ok) in %s; results in %s\n", st.executed, st.ok,
               st.failed, el, dir);
    }
    if (!st.interrupted && runner_rc == 0 && pb_accuracy_has_truths(dir)) {
        if (pb_accuracy_write(dir, NULL, NULL, &err) < 0)
            fprintf(stderr, "pbench run: accuracy not computed: %s\n", pb_cli_errtext(&err));
        else
            printf("accuracy and capabilities in %s/accuracy.json (print them with: pbench accuracy %s)\n",
                   dir, dir);
    }
    if (!no_plot && !st.interrupted && runner_rc == 0) {
        struct pb_plot_opts po;
        pb_plot_opts_init(&po);
        const char *dirs[1] = { dir };
        if (pb_plot_write(dirs, 1, plots, &po, &err) < 0)
            fprintf(stderr, "pbench run: charts not written: %s\n", pb_cli_errtext(&err));
        else
            printf("charts in %s/ (regenerate with: pbench plot %s)\n", plots, dir);
    }
    if (st.interrupted) {
        fprintf(stderr, "pbench run: interrupted; finish it with: pbench run --resume %s\n", dir);
        rc = 128 + (stop_signal ? stop_signal : SIGINT);   /* 130 SIGINT, 143 SIGTERM, 129 SIGHUP */
    } else {
        rc = runner_rc == 0 ? PB_EXIT_OK : PB_EXIT_FAIL;
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
