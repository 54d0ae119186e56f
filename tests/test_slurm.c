/* slurm: `pbench slurm` on a real single-node Slurm cluster, started on
 * loopback for this suite by scripts/slurm_local.sh (slurmctld, slurmd and
 * munged in a private state directory) and stopped at its end. Without
 * Slurm the suite fails with the reason: it never passes without running.
 *
 * One run of a tiny matrix (4 workloads x plain, cProfile and "twice", a
 * profiler that runs the workload twice: a known ratio of about 2) in 3
 * shards: shard 2's task is made to fail (its directory is a file), the
 * merge reports its pairs as not measured, `pbench slurm --resume`
 * resubmits that shard alone and the second merge has every pair, with
 * the same figures as the same config run locally. */
#include <check.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "testutil.h"

static char *tmp, *state;
static char setup_error[8192];

static void start_cluster(void)
{
    char cmd[8192], pid[32], *out = NULL;

    setup_error[0] = '\0';
    tmp = tu_mkdtemp();
    state = strdup("/tmp/pbench-slurm-XXXXXX");
    if (!tmp || !state || !mkdtemp(state)) {
        snprintf(setup_error, sizeof setup_error, "cannot make temporary directories");
        return;
    }
    snprintf(cmd, sizeof cmd, "%s/scripts/slurm_local.sh", PB_SOURCE_DIR);
    snprintf(pid, sizeof pid, "PBENCH_SLURM_OWNER_PID=%d", (int)getpid());
    char *argv[] = { "env", pid, "bash", cmd, "start", state, NULL };
    int rc = tu_run(argv, &out);
    if (rc != 0) {
        snprintf(setup_error, sizeof setup_error,
                 "the local Slurm cluster did not start (exit %d; scripts/setup.sh --slurm installs "
                 "slurm-wlm and munge):\n%s", rc, out ? out : "");
        free(out);
        return;
    }
    free(out);
    snprintf(cmd, sizeof cmd, "%s/slurm.conf", state);
    setenv("SLURM_CONF", cmd, 1);
}

static void stop_cluster(void)
{
    char cmd[8192], *out = NULL;

    if (state) {
        snprintf(cmd, sizeof cmd, "%s/scripts/slurm_local.sh", PB_SOURCE_DIR);
        char *argv[] = { "bash", cmd, "stop", state, NULL };
        tu_run(argv, &out);
        free(out);
        tu_rmtree(state);
    }
    if (tmp)
        tu_rmtree(tmp);
    free(tmp);
    free(state);
    tmp = state = NULL;
}

/* The tiny config, in tmp. */
static void write_config(void)
{
    char text[4096];

    free(tu_write_file(tmp, "spin.py",
        "import sys, time\n"
        "end = time.perf_counter() + float(sys.argv[1])\n"
        "n = 0\n"
        "while time.perf_counter() < end:\n"
        "    n += 1\n"));
    free(tu_write_file(tmp, "twice.py",
        "import runpy, sys\n"
        "script, args = sys.argv[1], sys.argv[2:]\n"
        "for _ in range(2):\n"
        "    sys.argv = [script] + args\n"
        "    runpy.run_path(script, run_name='__main__')\n"));
    snprintf(text, sizeof text,
        "name: tiny\n"
        "python: %s\n"
        "defaults: {runs: 3, warmup: 0, timeout: 60, seed: 7}\n"
        "workloads:\n"
        "  - {name: a, script: spin.py, args: [\"0.10\"]}\n"
        "  - {name: b, script: spin.py, args: [\"0.12\"]}\n"
        "  - {name: c, script: spin.py, args: [\"0.14\"]}\n"
        "  - {name: d, script: spin.py, args: [\"0.16\"]}\n"
        "profilers:\n"
        "  - {name: plain, baseline: true, command: [\"{python}\", \"{script}\", \"{args}\"]}\n"
        "  - {name: twice, command: [\"{python}\", \"%s/twice.py\", \"{script}\", \"{args}\"]}\n"
        "  - name: cProfile\n"
        "    command: [\"{python}\", \"-m\", \"cProfile\", \"-o\", \"{outdir}/p.pstats\", \"{script}\", \"{args}\"]\n"
        "    outputs: [p.pstats]\n",
        tu_python(), tmp);
    free(tu_write_file(tmp, "tiny.yaml", text));
}

/* The job ids "submitted array job A (...) and merge job M" names. */
static void job_ids(const char *out, char *array, char *merge)
{
    const char *a = strstr(out, "submitted array job "), *m = strstr(out, " and merge job ");
    ck_assert_msg(a && m, "no job ids in:\n%s", out);
    ck_assert_int_eq(sscanf(a, "submitted array job %31[0-9]", array), 1);
    ck_assert_int_eq(sscanf(m, " and merge job %31[0-9]", merge), 1);
}

/* Waits (up to 300 s) until no job of ids ("A,M") is pending or running;
 * returns squeue's final "ID STATE" lines. */
static char *wait_jobs(const char *ids)
{
    char *out = NULL;
    time_t end = time(NULL) + 300;
    char *argv[] = { "squeue", "-t", "all", "-r", "-h", "-o", "%i %T", "-j", (char *)ids, NULL };

    for (;;) {
        free(out);
        ck_assert_int_eq(tu_run(argv, &out), 0);
        if (!strstr(out, "PENDING") && !strstr(out, "RUNNING") && !strstr(out, "COMPLETING")
            && !strstr(out, "CONFIGURING") && out[0])
            return out;
        ck_assert_msg(time(NULL) < end, "jobs %s still not done after 300 s:\n%s", ids, out);
        usleep(500000);
    }
}

static json_t *summary_of(const char *dir)
{
    char p[4096];
    json_error_t jerr;
    snprintf(p, sizeof p, "%s/summary.json", dir);
    json_t *s = json_load_file(p, 0, &jerr);
    ck_assert_msg(s != NULL, "%s: %s", p, jerr.text);
    return s;
}

static json_t *pair(json_t *sum, const char *w, const char *p)
{
    size_t i;
    json_t *x;
    json_array_foreach(json_object_get(sum, "pairs"), i, x)
        if (!strcmp(json_string_value(json_object_get(x, "workload")), w)
            && !strcmp(json_string_value(json_object_get(x, "profiler")), p))
            return x;
    return NULL;
}

static double wall_ratio(json_t *pr)
{
    json_t *v = json_object_get(pr, "wall_ratio");
    if (json_is_object(v))
        v = json_object_get(v, "value");
    return json_is_number(v) ? json_number_value(v) : NAN;
}

START_TEST(sharded_failed_resumed_and_merged)
{
    char cfg[4096], res[4096], sdir[4096], blocker[4096], ids[128], array[32], merge[32], p[4096];
    char *out = NULL, *states;
    const char *ws[] = { "a", "b", "c", "d" }, *ps[] = { "twice", "cProfile" };

    ck_assert_msg(!setup_error[0], "%s", setup_error);
    write_config();
    snprintf(cfg, sizeof cfg, "%s/tiny.yaml", tmp);
    snprintf(res, sizeof res, "%s/results", tmp);
    /* the scripts first (--dry-run), then shard 2's directory made a
     * file, so that its task fails (exit 1) */
    char *dry[] = { PB_BINARY, "slurm", cfg, "--shards", "3", "--dry-run", "-o", res, NULL };
    ck_assert_msg(tu_run(dry, &out) == 0, "%s", out);
    ck_assert_msg(strstr(out, "#SBATCH --array=1-3") && strstr(out, "#SBATCH --exclusive"), "%s", out);
    free(out);
    char *d = tu_only_subdir(res);
    ck_assert_ptr_nonnull(d);
    snprintf(sdir, sizeof sdir, "%s", d);
    free(d);
    snprintf(blocker, sizeof blocker, "%s/shards", sdir);
    free(tu_write_file(blocker, "2", "not a directory\n"));
    /* submit every unfinished shard: all three */
    char *sub[] = { PB_BINARY, "slurm", "--resume", sdir, NULL };
    ck_assert_msg(tu_run(sub, &out) == 0, "%s", out);
    ck_assert_msg(strstr(out, "(tasks 1,2,3 of 3"), "%s", out);
    job_ids(out, array, merge);
    free(out);
    /* the merge waits for every task, however it ends (the tasks take
     * seconds: it is still pending) */
    char *show[] = { "scontrol", "show", "job", merge, NULL };
    ck_assert_int_eq(tu_run(show, &out), 0);
    snprintf(p, sizeof p, "Dependency=afterany:%s", array);
    ck_assert_msg(strstr(out, p), "the merge job does not wait on the array:\n%s", out);
    free(out);
    snprintf(ids, sizeof ids, "%s,%s", array, merge);
    states = wait_jobs(ids);
    /* task 2 failed, the others and the merge (afterany) completed */
    snprintf(p, sizeof p, "%s_2 FAILED", array);
    ck_assert_msg(strstr(states, p), "%s", states);
    snprintf(p, sizeof p, "%s_1 COMPLETED", array);
    ck_assert_msg(strstr(states, p), "%s", states);
    snprintf(p, sizeof p, "%s COMPLETED", merge);
    ck_assert_msg(strstr(states, p), "%s", states);
    free(states);
    snprintf(p, sizeof p, "%s/merged", sdir);
    json_t *sum = summary_of(p);
    int missing = 0, ok = 0;
    for (int w = 0; w < 4; w++)
        for (int k = 0; k < 2; k++) {
            json_t *pr = pair(sum, ws[w], ps[k]);
            ck_assert_msg(pr != NULL, "pair %s x %s absent from the merge", ws[w], ps[k]);
            const char *st = json_string_value(json_object_get(pr, "status"));
            if (!strcmp(st, "not_run")) {
                missing++;
                const char *why = json_string_value(json_object_get(pr, "failure_reason"));
                ck_assert_msg(why && strstr(why, "shard 2"), "reason: %s", why ? why : "(none)");
            } else {
                ck_assert_str_eq(st, "ok");
                ok++;
            }
        }
    ck_assert_msg(missing > 0 && ok > 0, "%d pairs missing, %d ok after shard 2 failed", missing, ok);
    json_decref(sum);

    /* the fix, then only shard 2 again, and a complete merge */
    snprintf(p, sizeof p, "%s/2", blocker);
    ck_assert_int_eq(unlink(p), 0);
    ck_assert_msg(tu_run(sub, &out) == 0, "%s", out);
    ck_assert_msg(strstr(out, "(tasks 2 of 3"), "resubmitted more than shard 2:\n%s", out);
    job_ids(out, array, merge);
    free(out);
    snprintf(ids, sizeof ids, "%s,%s", array, merge);
    states = wait_jobs(ids);
    snprintf(p, sizeof p, "%s_2 COMPLETED", array);
    ck_assert_msg(strstr(states, p), "%s", states);
    free(states);
    snprintf(p, sizeof p, "%s/merged", sdir);
    sum = summary_of(p);

    /* the same config run here, in one piece */
    char local[4096];
    snprintf(local, sizeof local, "%s/local", tmp);
    char *run[] = { PB_BINARY, "run", cfg, "-o", local, "--no-plot", NULL };
    ck_assert_msg(tu_run(run, &out) == 0, "%s", out);
    free(out);
    char *ld = tu_only_subdir(local);
    json_t *lsum = summary_of(ld);
    for (int w = 0; w < 4; w++)
        for (int k = 0; k < 2; k++) {
            json_t *pr = pair(sum, ws[w], ps[k]);
            ck_assert_msg(pr && !strcmp(json_string_value(json_object_get(pr, "status")), "ok"),
                          "pair %s x %s not ok after the resume", ws[w], ps[k]);
            double m = wall_ratio(pr), l = wall_ratio(pair(lsum, ws[w], ps[k]));
            /* "twice" costs a second run of the workload, plus an interpreter's
             * import of runpy: about 2x here and there alike */
            if (!strcmp(ps[k], "twice"))
                ck_assert_msg(m > 1.5 && m < 2.8 && l > 1.5 && l < 2.8, "%s x twice: %.2f merged, %.2f local",
                              ws[w], m, l);
            ck_assert_msg(m / l > 0.67 && m / l < 1.5, "%s x %s: %.2f merged against %.2f local", ws[w],
                          ps[k], m, l);
        }
    json_decref(lsum);
    json_decref(sum);
    free(ld);
    /* the report names the shards */
    snprintf(p, sizeof p, "%s/merged/report.md", sdir);
    char *report = tu_read_file(p);
    ck_assert_msg(report && strstr(report, "shard"), "no report, or no shard in it");
    free(report);
}
END_TEST

Suite *slurm_suite(void)
{
    Suite *s = suite_create("slurm");
    TCase *tc = tcase_create("cluster");
    tcase_add_unchecked_fixture(tc, start_cluster, stop_cluster);
    tcase_set_timeout(tc, 540);
    tcase_add_test(tc, sharded_failed_resumed_and_merged);
    suite_add_tcase(s, tc);
    return s;
}
