/* Nothing measured is lost: SIGINT and SIGKILL of a real `pbench run`, then
 * --resume finishes the matrix with every run recorded exactly once; a
 * changed config refuses to resume; children die with pbench. */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "testutil.h"

static char *dir;
static char cfg[4096], res[4096];

static void setup(void)
{
    char text[4096];

    dir = tu_mkdtemp();
    ck_assert_ptr_nonnull(dir);
    /* each run starts a grandchild, leaves both pids behind, sleeps 0.15 s */
    free(tu_write_file(dir, "nap.py",
        "import os, subprocess, sys, time\n"
        "g = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(30)  # nap-grandchild'])\n"
        "open(os.path.join(sys.argv[1], 'pid'), 'w').write('%d %d' % (os.getpid(), g.pid))\n"
        "time.sleep(float(sys.argv[2]))\n"
        "g.kill()\n"
        "g.wait()\n"));
    snprintf(text, sizeof text,
        "python: %s\n"
        "defaults: {runs: 4, warmup: 1, timeout: 60, seed: 3}\n"
        "workloads:\n"
        "  - {name: a, script: nap.py, args: [\"0.15\"]}\n"
        "  - {name: b, script: nap.py, args: [\"0.15\"]}\n"
        "profilers:\n"
        "  - {name: plain, baseline: true, command: [\"{python}\", \"{script}\", \"{outdir}\", \"{args}\"]}\n"
        "  - {name: p2, command: [\"{python}\", \"{script}\", \"{outdir}\", \"{args}\"]}\n",
        tu_python());
    free(tu_write_file(dir, "c.yaml", text));
    snprintf(cfg, sizeof cfg, "%s/c.yaml", dir);
    snprintf(res, sizeof res, "%s/results", dir);
}

static void teardown(void)
{
    tu_rmtree(dir);
    free(dir);
}

static pid_t start(char *const argv[])
{
    pid_t pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        int devnull = open("/dev/null", O_RDWR);
        dup2(devnull, 0);
        dup2(devnull, 1);
        dup2(devnull, 2);
        execv(argv[0], argv);
        _exit(127);
    }
    return pid;
}

static int wait_status(pid_t pid)
{
    int st;
    while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
        ;
    return WIFSIGNALED(st) ? 128 + WTERMSIG(st) : WEXITSTATUS(st);
}

static char *results_dir(void)
{
    char *found = tu_only_subdir(res);
    ck_assert_msg(found != NULL, "expected exactly one results directory in %s", res);
    return found;
}

/* Number of records, checking that no (round, workload, profiler) repeats. */
static int count_records(const char *rd, int *dups)
{
    char p[4096];
    snprintf(p, sizeof p, "%s/runs.jsonl", rd);
    FILE *f = fopen(p, "r");
    char line[8192], keys[256][160];
    int n = 0;
    *dups = 0;
    if (!f)
        return 0;
    while (fgets(line, sizeof line, f)) {
        json_error_t jerr;
        json_t *o = json_loads(line, 0, &jerr);
        if (!o)
            continue;
        char key[160];
        snprintf(key, sizeof key, "%lld/%s/%s", (long long)json_integer_value(json_object_get(o, "round")),
                 json_string_value(json_object_get(o, "workload")),
                 json_string_value(json_object_get(o, "profiler")));
        for (int i = 0; i < n && i < 256; i++)
            if (!strcmp(keys[i], key))
                (*dups)++;
        if (n < 256)
            snprintf(keys[n], sizeof keys[n], "%s", key);
        n++;
        json_decref(o);
    }
    fclose(f);
    return n;
}

static void sleep_s(double s)
{
    struct timespec ts = { (time_t)s, (long)((s - (time_t)s) * 1e9) };
    while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
        ;
}

/* 2 workloads x 2 profilers x (1 warm-up + 4 rounds) */
#define TOTAL_RUNS 20

static void resume_and_check(const char *rd)
{
    char *out = NULL;
    char *argv[] = { PB_BINARY, "run", "--resume", (char *)rd, "--no-plot", NULL };
    int rc = tu_run(argv, &out);
    ck_assert_msg(rc == 0, "resume exited %d:\n%s", rc, out);
    ck_assert_ptr_nonnull(strstr(out, "resuming"));
    free(out);
    int dups;
    ck_assert_int_eq(count_records(rd, &dups), TOTAL_RUNS);
    ck_assert_int_eq(dups, 0);
}

START_TEST(sigint_keeps_finished_runs_and_resume_completes)
{
    char *argv[] = { PB_BINARY, "run", cfg, "-o", res, "--no-plot", NULL };
    pid_t pid = start(argv);
    sleep_s(1.2);
    kill(pid, SIGINT);
    ck_assert_int_eq(wait_status(pid), 130);
    char *rd = results_dir();
    int dups, n = count_records(rd, &dups);
    ck_assert_msg(n > 0 && n < TOTAL_RUNS, "expected a partial run, got %d records", n);
    ck_assert_int_eq(dups, 0);
    /* the summary of what finished is there */
    char p[4096];
    snprintf(p, sizeof p, "%s/summary.json", rd);
    ck_assert_int_eq(access(p, R_OK), 0);
    resume_and_check(rd);
    free(rd);
}
END_TEST

/* pbench catches SIGTERM like SIGINT: it stops, keeps and summarizes what it
 * has, and exits with status 143 itself (a shell's code for SIGTERM). Killed
 * by the signal instead, it would read as 143 too through a shell or
 * wait_status(), so this looks at the raw wait status and at what was written. */
START_TEST(sigterm_exits_143)
{
    char *argv[] = { PB_BINARY, "run", cfg, "-o", res, "--no-plot", NULL };
    pid_t pid = start(argv);
    /* signal it once a run is recorded, so there is something to keep */
    double waited = 0;
    char *rd = NULL;
    while (waited < 30) {
        int dups;
        if (!rd)
            rd = tu_only_subdir(res);
        if (rd && count_records(rd, &dups) > 0)
            break;
        sleep_s(0.05);
        waited += 0.05;
    }
    ck_assert_msg(rd != NULL && waited < 30, "no run recorded within 30 s");
    kill(pid, SIGTERM);
    int st;
    while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
        ;
    ck_assert_msg(!WIFSIGNALED(st), "pbench was killed by signal %d instead of handling it",
                  WIFSIGNALED(st) ? WTERMSIG(st) : 0);
    ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 143, "pbench exited with status %d, not 143",
                  WIFEXITED(st) ? WEXITSTATUS(st) : -1);
    int dups, n = count_records(rd, &dups);
    ck_assert_msg(n > 0 && n < TOTAL_RUNS, "expected a partial run, got %d records", n);
    ck_assert_int_eq(dups, 0);
    /* what it had is summarized, and the metadata says it is not complete */
    char p[4096];
    snprintf(p, sizeof p, "%s/summary.json", rd);
    ck_assert_msg(access(p, R_OK) == 0, "no %s", p);
    snprintf(p, sizeof p, "%s/meta.json", rd);
    json_error_t jerr;
    json_t *meta = json_load_file(p, 0, &jerr);
    ck_assert_msg(meta != NULL, "%s: %s", p, jerr.text);
    ck_assert_msg(json_is_false(json_object_get(meta, "complete")), "meta.json does not say complete: false");
    json_decref(meta);
    free(rd);
}
END_TEST

START_TEST(sigkill_loses_nothing_finished_and_kills_children)
{
    char *argv[] = { PB_BINARY, "run", cfg, "-o", res, "--no-plot", NULL };
    pid_t pid = start(argv);
    sleep_s(1.3);
    kill(pid, SIGKILL);
    ck_assert_int_eq(wait_status(pid), 128 + SIGKILL);
    char *rd = results_dir();
    int dups, n = count_records(rd, &dups);
    ck_assert_int_gt(n, 0);
    ck_assert_int_eq(dups, 0);
    /* the run in progress dies with pbench: find the newest pid file */
    sleep_s(0.3);
    char cmd_out[64];
    int alive = 0;
    char p[4096];
    for (int r = -1; r < 4; r++)
        for (int w = 0; w < 2; w++)
            for (int q = 0; q < 2; q++) {
                char round[16];
                if (r < 0) snprintf(round, sizeof round, "warmup1");
                else snprintf(round, sizeof round, "%d", r);
                snprintf(p, sizeof p, "%s/raw/%s/%s/%s/pid", rd, w ? "b" : "a", q ? "p2" : "plain", round);
                char *t = tu_read_file(p);
                if (!t)
                    continue;
                int pids[2] = { 0, 0 };
                sscanf(t, "%d %d", &pids[0], &pids[1]);
                free(t);
                for (int k = 0; k < 2; k++) {
                    /* alive and still our process (not a recycled pid)? */
                    snprintf(cmd_out, sizeof cmd_out, "/proc/%d/cmdline", pids[k]);
                    char *cl = tu_read_file(cmd_out);
                    int ours = 0;
                    for (size_t j = 0; cl && j < 4000 && !ours; j += strlen(cl + j) + 1) {
                        if (!cl[j])
                            break;
                        ours = strstr(cl + j, "nap.py") || strstr(cl + j, "nap-grandchild");
                    }
                    free(cl);
                    snprintf(cmd_out, sizeof cmd_out, "/proc/%d/stat", pids[k]);
                    char *st = tu_read_file(cmd_out);
                    if (ours && st && strrchr(st, ')') && strrchr(st, ')')[2] != 'Z')
                        alive++;
                    free(st);
                }
            }
    ck_assert_msg(alive == 0, "%d workload process(es) or grandchildren outlived pbench", alive);
    resume_and_check(rd);
    free(rd);
}
END_TEST

START_TEST(changed_config_refuses_to_resume)
{
    char *out = NULL;
    char *argv[] = { PB_BINARY, "run", cfg, "-o", res, "--no-plot", "-w", "a", "-p", "plain", NULL };
    ck_assert_int_eq(tu_run(argv, &out), 0);
    free(out);
    char *rd = results_dir();
    /* change an argument of the workload */
    char *text = tu_read_file(cfg);
    char *at = strstr(text, "[\"0.15\"]");
    at[4] = '2';
    free(tu_write_file(dir, "c.yaml", text));
    free(text);
    char *argv2[] = { PB_BINARY, "run", "--resume", rd, NULL };
    ck_assert_int_eq(tu_run(argv2, &out), 2);
    ck_assert_ptr_nonnull(strstr(out, "refusing to resume"));
    free(out);
    /* a directory that is not a results directory */
    char *argv3[] = { PB_BINARY, "run", "--resume", dir, NULL };
    ck_assert_int_eq(tu_run(argv3, &out), 1);
    ck_assert_ptr_nonnull(strstr(out, "config-resolved.json"));
    free(out);
    free(rd);
}
END_TEST

START_TEST(resume_of_a_finished_run_runs_nothing)
{
    char *out = NULL;
    char *argv[] = { PB_BINARY, "run", cfg, "-o", res, "--no-plot", "-w", "a", NULL };
    ck_assert_int_eq(tu_run(argv, &out), 0);
    free(out);
    char *rd = results_dir();
    int dups, before = count_records(rd, &dups);
    char *argv2[] = { PB_BINARY, "run", "--resume", rd, "--no-plot", NULL };
    ck_assert_int_eq(tu_run(argv2, &out), 0);
    ck_assert_ptr_nonnull(strstr(out, "0 runs"));
    free(out);
    ck_assert_int_eq(count_records(rd, &dups), before);
    free(rd);
}
END_TEST

Suite *interrupt_suite(void)
{
    Suite *s = suite_create("interrupt");
    TCase *core = tcase_create("core");
    tcase_add_checked_fixture(core, setup, teardown);
    tcase_set_timeout(core, 120);
    tcase_add_test(core, sigint_keeps_finished_runs_and_resume_completes);
    tcase_add_test(core, sigterm_exits_143);
    tcase_add_test(core, sigkill_loses_nothing_finished_and_kills_children);
    tcase_add_test(core, changed_config_refuses_to_resume);
    tcase_add_test(core, resume_of_a_finished_run_runs_nothing);
    suite_add_tcase(s, core);
    return s;
}
