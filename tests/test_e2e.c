/* End to end: the real pbench binary on tiny workloads with the real
 * interpreter: the files it writes, the figures in them, and how it
 * reports profilers that are missing, crash or hang. */
#include <check.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "testutil.h"

static char *dir;

static const char *calls_py =
    "import argparse\n"
    "def leaf(x):\n"
    "    return x + 1\n"
    "def fib(n):\n"
    "    return n if n < 2 else fib(n - 1) + fib(n - 2)\n"
    "def main():\n"
    "    ap = argparse.ArgumentParser()\n"
    "    ap.add_argument('--size', type=int, default=18)\n"
    "    a = ap.parse_args()\n"
    "    t = 0\n"
    "    for i in range(a.size * 2000):\n"
    "        t = leaf(t)\n"
    "    print(fib(a.size), t)\n"
    "if __name__ == '__main__':\n"
    "    main()\n";

static void setup(void)
{
    char text[4096];

    dir = tu_mkdtemp();
    ck_assert_ptr_nonnull(dir);
    free(tu_write_file(dir, "calls.py", calls_py));
    snprintf(text, sizeof text,
        "name: e2e\n"
        "python: %s\n"
        "defaults: {runs: 3, warmup: 0, timeout: 60, seed: 11}\n"
        "workloads:\n"
        "  - name: calls\n"
        "    script: calls.py\n"
        "    args: [\"--size\", \"18\"]\n"
        "profilers:\n"
        "  - name: plain\n"
        "    baseline: true\n"
        "    command: [\"{python}\", \"{script}\", \"{args}\"]\n"
        "  - name: cProfile\n"
        "    command: [\"{python}\", \"-m\", \"cProfile\", \"-o\", \"{outdir}/cprofile.pstats\", \"{script}\", \"{args}\"]\n"
        "    outputs: [cprofile.pstats]\n"
        "  - name: missing\n"
        "    command: [\"{bindir}/no-such-profiler\", \"{script}\"]\n"
        "  - name: crashes\n"
        "    command: [\"{python}\", \"-c\", \"import os, signal; os.kill(os.getpid(), signal.SIGSEGV)\"]\n"
        "  - name: hangs\n"
        "    timeout: 1\n"
        "    command: [\"{python}\", \"-c\", \"import time; time.sleep(60)\"]\n"
        "  - name: nooutput\n"
        "    command: [\"{python}\", \"{script}\", \"{args}\"]\n"
        "    outputs: [never-written.txt]\n",
        tu_python());
    free(tu_write_file(dir, "e2e.yaml", text));
}

static void teardown(void)
{
    tu_rmtree(dir);
    free(dir);
}

/* The single results directory under dir/results. Caller frees. */
static char *results_dir(void)
{
    char base[4096];
    snprintf(base, sizeof base, "%s/results", dir);
    char *found = tu_only_subdir(base);
    ck_assert_msg(found != NULL, "expected exactly one results directory in %s", base);
    return found;
}

static json_t *pair(json_t *sum, const char *w, const char *p)
{
    size_t i;
    json_t *x;
    json_array_foreach(json_object_get(sum, "pairs"), i, x)
        if (!strcmp(json_string_value(json_object_get(x, "workload")), w)
            && !strcmp(json_string_value(json_object_get(x, "profiler")), p))
            return x;
    ck_abort_msg("no pair %s x %s", w, p);
    return NULL;
}

static const char *status(json_t *sum, const char *p)
{
    return json_string_value(json_object_get(pair(sum, "calls", p), "status"));
}

START_TEST(run_matrix_and_summary)
{
    char cfg[4096], res[4096], *out = NULL;
    snprintf(cfg, sizeof cfg, "%s/e2e.yaml", dir);
    snprintf(res, sizeof res, "%s/results", dir);
    char *argv[] = { PB_BINARY, "run", cfg, "-o", res, "--no-plot", NULL };
    int rc = tu_run(argv, &out);
    ck_assert_msg(rc == 0, "pbench run exited %d:\n%s", rc, out);
    /* the table names every profiler, and the problems with their reasons */
    ck_assert_ptr_nonnull(strstr(out, "cProfile"));
    ck_assert_ptr_nonnull(strstr(out, "calls x missing: failed"));
    ck_assert_ptr_nonnull(strstr(out, "no-such-profiler"));
    ck_assert_ptr_nonnull(strstr(out, "calls x crashes: failed"));
    ck_assert_ptr_nonnull(strstr(out, "signal 11"));
    ck_assert_ptr_nonnull(strstr(out, "calls x hangs: timeout"));
    ck_assert_ptr_nonnull(strstr(out, "expected output 'never-written.txt' was not written"));
    /* no earlier run to estimate from: the bound, then an ETA on each line
     * of the log (not a terminal) */
    ck_assert_msg(strstr(out, "duration: unknown before a first run") && strstr(out, "at most "),
                  "%s", out);
    ck_assert_msg(strstr(out, " elapsed, ETA "), "%s", out);
    free(out);

    char *rd = results_dir();
    ck_assert_ptr_nonnull(strstr(rd, "/e2e-"));
    const char *files[] = { "config.yaml", "config-resolved.json", "meta.json", "runs.jsonl",
                            "summary.json", "summary.csv", "raw/calls/cProfile/0/cprofile.pstats",
                            "raw/calls/plain/2/stdout.txt", NULL };
    for (int i = 0; files[i]; i++) {
        char p[4096];
        snprintf(p, sizeof p, "%s/%s", rd, files[i]);
        ck_assert_msg(access(p, R_OK) == 0, "missing %s", p);
    }
    /* one record per run: 6 profilers x 3 rounds */
    char p[4096];
    snprintf(p, sizeof p, "%s/runs.jsonl", rd);
    char *log = tu_read_file(p);
    int lines = 0;
    for (char *c = log; *c; c++)
        lines += *c == '\n';
    ck_assert_int_eq(lines, 18);
    /* every run's environment is padded by its own seeded length */
    int distinct = 0, seen[18], ns = 0;
    for (char *c = strstr(log, "\"env_pad\":"); c; c = strstr(c + 1, "\"env_pad\":")) {
        int v = atoi(c + 10), dup = 0;
        for (int k = 0; k < ns; k++)
            dup |= seen[k] == v;
        if (!dup && ns < 18) {
            seen[ns++] = v;
            distinct++;
        }
    }
    ck_assert_int_ge(distinct, 10);
    free(log);

    json_error_t jerr;
    snprintf(p, sizeof p, "%s/summary.json", rd);
    json_t *sum = json_load_file(p, 0, &jerr);
    ck_assert_ptr_nonnull(sum);
    json_t *plain = pair(sum, "calls", "plain");
    ck_assert(json_number_value(json_object_get(json_object_get(plain, "wall_ratio"), "value")) == 1.0);
    double cp = json_number_value(json_object_get(json_object_get(pair(sum, "calls", "cProfile"), "wall_ratio"), "value"));
    ck_assert_msg(cp > 1.0, "cProfile on a call-heavy workload should cost more than plain, got %.3f", cp);
    ck_assert_str_eq(status(sum, "cProfile"), "ok");
    ck_assert_str_eq(status(sum, "missing"), "failed");
    ck_assert_str_eq(status(sum, "crashes"), "failed");
    ck_assert_str_eq(status(sum, "hangs"), "timeout");
    ck_assert_str_eq(status(sum, "nooutput"), "failed");
    /* a hung pair costs one timeout, not one per round */
    ck_assert_int_eq(json_integer_value(json_object_get(pair(sum, "calls", "hangs"), "timeouts")), 1);
    ck_assert_int_eq(json_integer_value(json_object_get(pair(sum, "calls", "hangs"), "skipped")), 2);
    ck_assert(json_is_true(json_object_get(pair(sum, "calls", "hangs"), "lower_bound")));
    /* memory figures are real: a Python process has several MB */
    ck_assert_int_gt(json_number_value(json_object_get(plain, "tree_peak_rss_median_kb")), 4000);
    /* metadata */
    json_t *meta = json_object_get(sum, "meta");
    ck_assert_ptr_nonnull(json_string_value(json_object_get(json_object_get(meta, "python"), "version")));
    ck_assert_ptr_nonnull(json_string_value(json_object_get(json_object_get(meta, "host"), "cpu_model")));
    ck_assert_int_eq(json_integer_value(json_object_get(meta, "seed")), 11);
    ck_assert_ptr_nonnull(strstr(json_string_value(json_object_get(json_object_get(json_object_get(meta, "profilers"), "cProfile"), "version")), "standard library"));
    json_decref(sum);

    /* summarize recomputes from the stored files alone */
    char *argv2[] = { PB_BINARY, "summarize", rd, NULL };
    rc = tu_run(argv2, &out);
    ck_assert_msg(rc == 0, "summarize exited %d:\n%s", rc, out);
    ck_assert_ptr_nonnull(strstr(out, "cProfile"));
    free(out);

    /* check estimates the next run from this one's records */
    char *argv3[] = { PB_BINARY, "check", cfg, "-o", res, NULL };
    rc = tu_run(argv3, &out);
    ck_assert_msg(rc == 0 && strstr(out, "duration: about ")
                  && strstr(out, "(18 of the 18 runs are of pairs it measured"), "%d:\n%s", rc, out);
    free(out);
    free(rd);
}
END_TEST

START_TEST(subset_with_profiler_option)
{
    char cfg[4096], res[4096], *out = NULL;
    snprintf(cfg, sizeof cfg, "%s/e2e.yaml", dir);
    snprintf(res, sizeof res, "%s/results", dir);
    char *argv[] = { PB_BINARY, "run", cfg, "-o", res, "--no-plot", "--profiler", "cProfile", NULL };
    int rc = tu_run(argv, &out);
    ck_assert_msg(rc == 0, "pbench run exited %d:\n%s", rc, out);
    free(out);
    char *rd = results_dir(), p[4096];
    snprintf(p, sizeof p, "%s/runs.jsonl", rd);
    char *log = tu_read_file(p);
    ck_assert_ptr_null(strstr(log, "\"missing\""));
    ck_assert_ptr_nonnull(strstr(log, "\"plain\""));
    ck_assert_ptr_nonnull(strstr(log, "\"cProfile\""));
    free(log);
    free(rd);

    char *argv2[] = { PB_BINARY, "run", cfg, "--profiler", "nosuch", NULL };
    rc = tu_run(argv2, &out);
    ck_assert_int_eq(rc, 2);
    ck_assert_ptr_nonnull(strstr(out, "no profiler named 'nosuch'"));
    free(out);
}
END_TEST

START_TEST(check_reports_located_errors)
{
    char *out = NULL;
    char *bad = tu_write_file(dir, "bad.yaml",
        "python: /bin/sh\n"
        "workloads:\n"
        "  - name: calls\n"
        "    scrpit: calls.py\n"
        "profilers:\n"
        "  - {name: plain, baseline: true, command: [\"{pyhton}\"]}\n");
    char *argv[] = { PB_BINARY, "check", bad, NULL };
    int rc = tu_run(argv, &out);
    ck_assert_int_eq(rc, 2);
    char want[4200];
    snprintf(want, sizeof want, "%s:4:5: unknown key 'scrpit' in a workload (did you mean 'script'?)", bad);
    ck_assert_msg(strstr(out, want) != NULL, "missing '%s' in:\n%s", want, out);
    ck_assert_ptr_nonnull(strstr(out, "    4 |     scrpit: calls.py\n"));
    ck_assert_ptr_nonnull(strstr(out, "      |     ^\n"));
    ck_assert_ptr_nonnull(strstr(out, ":6:46: unknown placeholder '{pyhton}' (did you mean '{python}'?)"));
    ck_assert_ptr_nonnull(strstr(out, "errors in"));
    free(out);
    free(bad);

    char cfg[4096];
    snprintf(cfg, sizeof cfg, "%s/e2e.yaml", dir);
    char *argv2[] = { PB_BINARY, "check", cfg, NULL };
    rc = tu_run(argv2, &out);
    ck_assert_msg(rc == 0, "check of a good config exited %d:\n%s", rc, out);
    ck_assert_ptr_nonnull(strstr(out, "ok: 1 workloads, 6 profilers"));
    free(out);
}
END_TEST

START_TEST(usage_errors)
{
    char *out = NULL;
    char *a1[] = { PB_BINARY, "frobnicate", NULL };
    ck_assert_int_eq(tu_run(a1, &out), 2);
    ck_assert_ptr_nonnull(strstr(out, "unknown command 'frobnicate'"));
    free(out);
    char *a2[] = { PB_BINARY, "run", NULL };
    ck_assert_int_eq(tu_run(a2, &out), 2);
    ck_assert_ptr_nonnull(strstr(out, "usage: pbench run"));
    free(out);
    char *a3[] = { PB_BINARY, "run", "/nonexistent.yaml", NULL };
    ck_assert_int_eq(tu_run(a3, &out), 2);
    ck_assert_ptr_nonnull(strstr(out, "/nonexistent.yaml: cannot read config: No such file or directory"));
    free(out);
    char *a4[] = { PB_BINARY, "--help", NULL };
    ck_assert_int_eq(tu_run(a4, &out), 0);
    ck_assert_ptr_nonnull(strstr(out, "sample"));
    free(out);
}
END_TEST

START_TEST(unwritable_results_dir)
{
    char cfg[4096], *out = NULL;
    snprintf(cfg, sizeof cfg, "%s/e2e.yaml", dir);
    free(tu_write_file(dir, "afile", "x"));
    char res[4096];
    snprintf(res, sizeof res, "%s/afile/results", dir);
    char *argv[] = { PB_BINARY, "run", cfg, "-o", res, "--no-plot", NULL };
    ck_assert_int_eq(tu_run(argv, &out), 1);
    ck_assert_ptr_nonnull(strstr(out, "cannot create directory"));
    free(out);
}
END_TEST

START_TEST(hostile_values_reach_no_shell)
{
    char text[4096], *out = NULL;
    /* the workload writes its argv, one item per line, as JSON */
    free(tu_write_file(dir, "argv.py",
        "import json, os, sys\n"
        "open(os.path.join(os.environ['OUT'], 'argv.json'), 'w').write(json.dumps(sys.argv[1:]))\n"
        "open(os.path.join(os.environ['OUT'], 'pad'), 'w').write(str(len(os.environ['PBENCH_ENV_PAD'])))\n"));
    snprintf(text, sizeof text,
        "python: %s\n"
        "defaults: {runs: 1, warmup: 0}\n"
        "workloads:\n"
        "  - name: w\n"
        "    script: argv.py\n"
        "    args: [\"; touch PWNED\", \"$(touch PWNED2)\", \"`touch PWNED3`\", \"a'b\\\"c\", \"line1\\nline2\", \"\", \"*\"]\n"
        "profilers:\n"
        "  - name: plain\n"
        "    baseline: true\n"
        "    env: {OUT: \"{outdir}\"}\n"
        "    command: [\"{python}\", \"{script}\", \"{args}\"]\n", tu_python());
    char *cfg = tu_write_file(dir, "hostile.yaml", text);
    char res[4096];
    snprintf(res, sizeof res, "%s/results", dir);
    char *argv[] = { PB_BINARY, "run", cfg, "-o", res, "--no-plot", NULL };
    int rc = tu_run(argv, &out);
    ck_assert_msg(rc == 0, "pbench run exited %d:\n%s", rc, out);
    free(out);
    char *rd = results_dir(), p[4096];
    snprintf(p, sizeof p, "%s/raw/w/plain/0/argv.json", rd);
    char *got = tu_read_file(p);
    ck_assert_ptr_nonnull(got);
    json_error_t jerr;
    json_t *a = json_loads(got, 0, &jerr);
    ck_assert_ptr_nonnull(a);
    const char *want[] = { "; touch PWNED", "$(touch PWNED2)", "`touch PWNED3`", "a'b\"c",
                           "line1\nline2", "", "*" };
    ck_assert_uint_eq(json_array_size(a), 7);
    for (size_t i = 0; i < 7; i++)
        ck_assert_str_eq(json_string_value(json_array_get(a, i)), want[i]);
    json_decref(a);
    free(got);
    /* the environment was padded by the recorded length */
    snprintf(p, sizeof p, "%s/raw/w/plain/0/pad", rd);
    char *pad = tu_read_file(p);
    snprintf(p, sizeof p, "%s/runs.jsonl", rd);
    char *log = tu_read_file(p), want_pad[64];
    snprintf(want_pad, sizeof want_pad, "\"env_pad\":%s", pad);
    ck_assert_msg(strstr(log, want_pad) != NULL, "no %s in %s", want_pad, log);
    free(pad);
    free(log);
    /* nothing was executed by a shell, anywhere */
    const char *names[] = { "PWNED", "PWNED2", "PWNED3" };
    for (int i = 0; i < 3; i++) {
        snprintf(p, sizeof p, "%s/%s", dir, names[i]);
        ck_assert_int_ne(access(p, F_OK), 0);
        snprintf(p, sizeof p, "%s/raw/w/plain/0/%s", rd, names[i]);
        ck_assert_int_ne(access(p, F_OK), 0);
        ck_assert_int_ne(access(names[i], F_OK), 0);
    }
    free(rd);
    free(cfg);
}
END_TEST

START_TEST(output_size_limit_stops_a_run)
{
    char text[4096], *out = NULL;
    snprintf(text, sizeof text,
        "python: %s\n"
        "defaults: {runs: 1, warmup: 0, timeout: 60}\n"
        "workloads: [{name: calls, script: calls.py, args: [\"--size\", \"5\"]}]\n"
        "profilers:\n"
        "  - {name: plain, baseline: true, command: [\"{python}\", \"{script}\", \"{args}\"]}\n"
        "  - name: chatty\n"
        "    command: [\"{python}\", \"-c\", \"import sys,time\\nf=open(sys.argv[1]+'/big','wb')\\nwhile True: f.write(bytes(1<<20)); f.flush()\", \"{outdir}\"]\n",
        tu_python());
    char *cfg = tu_write_file(dir, "chatty.yaml", text);
    char res[4096];
    snprintf(res, sizeof res, "%s/results", dir);
    char *argv[] = { PB_BINARY, "run", cfg, "-o", res, "--no-plot", "--max-output", "5", NULL };
    int rc = tu_run(argv, &out);
    ck_assert_msg(rc == 0, "pbench run exited %d:\n%s", rc, out);
    ck_assert_ptr_nonnull(strstr(out, "calls x chatty: failed"));
    ck_assert_ptr_nonnull(strstr(out, "output size limit"));
    free(out);
    char *rd = results_dir(), p[4096];
    snprintf(p, sizeof p, "%s/runs.jsonl", rd);
    char *log = tu_read_file(p);
    ck_assert_ptr_nonnull(strstr(log, "\"output_limit\""));
    free(log);
    struct stat st;
    snprintf(p, sizeof p, "%s/raw/calls/chatty/0/big", rd);
    ck_assert_int_eq(stat(p, &st), 0);
    /* stopped soon after 5 MB: the limit is checked every 0.25 s at most,
     * and a writer of zeros can write some hundred MB in that time */
    ck_assert_int_lt(st.st_size, 1 << 30);
    free(rd);
    free(cfg);
}
END_TEST

/* A workload that starts a process in a session of its own and exits
 * (issue 16, case 7): the process is killed at the end of its run, and the
 * record says so. */
START_TEST(escaped_descendant_is_killed)
{
    char text[4096], pidfile[4096], res[4096], p[4096], *out = NULL;

    snprintf(pidfile, sizeof pidfile, "%s/escaped.pid", dir);
    free(tu_write_file(dir, "escape.py",
        "import subprocess, sys\n"
        "p = subprocess.Popen(['sleep', '300'], start_new_session=True)\n"
        "open(sys.argv[1], 'w').write(str(p.pid))\n"));
    snprintf(text, sizeof text,
        "python: %s\n"
        "defaults: {runs: 1, warmup: 0, timeout: 60}\n"
        "workloads: [{name: escape, script: escape.py, args: [\"%s\"]}]\n"
        "profilers:\n"
        "  - {name: plain, baseline: true, command: [\"{python}\", \"{script}\", \"{args}\"]}\n",
        tu_python(), pidfile);
    char *cfg = tu_write_file(dir, "escape.yaml", text);
    snprintf(res, sizeof res, "%s/results", dir);
    char *argv[] = { PB_BINARY, "run", cfg, "-o", res, "--no-plot", NULL };
    int rc = tu_run(argv, &out);
    ck_assert_msg(rc == 0, "pbench run exited %d:\n%s", rc, out);
    char *pidtext = tu_read_file(pidfile);
    ck_assert_ptr_nonnull(pidtext);
    pid_t pid = (pid_t)strtol(pidtext, NULL, 10);
    ck_assert_int_gt(pid, 0);
    int alive = kill(pid, 0) == 0;
    if (alive)
        kill(pid, SIGKILL);  /* do not leave it to the machine */
    ck_assert_msg(!alive, "the detached 'sleep 300' (pid %d) outlived pbench", (int)pid);
    char *rd = results_dir();
    snprintf(p, sizeof p, "%s/runs.jsonl", rd);
    char *log = tu_read_file(p);
    ck_assert_msg(strstr(log, "\"escaped_killed\":1") != NULL, "%s", log);
    free(log);
    free(rd);
    free(pidtext);
    free(cfg);
    free(out);
}
END_TEST

/* Runs argv with RLIMIT_FSIZE at limit bytes and SIGXFSZ ignored, so a
 * write past it fails with EFBIG as on a full disk. Output into *out. */
static int run_with_fsize(char *const argv[], rlim_t limit, char **out)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/fsize.out", dir);
    pid_t pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        struct rlimit rl = { limit, limit };
        int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        dup2(fd, 1);
        dup2(fd, 2);
        signal(SIGXFSZ, SIG_IGN);
        setrlimit(RLIMIT_FSIZE, &rl);
        execv(argv[0], argv);
        _exit(127);
    }
    int st;
    waitpid(pid, &st, 0);
    *out = tu_read_file(path);
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

START_TEST(full_disk_is_reported_and_nothing_before_is_lost)
{
    char cfg[4096], res[4096], *out = NULL;
    snprintf(cfg, sizeof cfg, "%s/e2e.yaml", dir);
    snprintf(res, sizeof res, "%s/results", dir);
    char *argv[] = { PB_BINARY, "run", cfg, "-o", res, "--no-plot", "-p", "cProfile", NULL };
    ck_assert_int_eq(tu_run(argv, &out), 0);
    free(out);
    /* forget the last two records, as if the run had been interrupted */
    char *rd = results_dir(), log[4096];
    snprintf(log, sizeof log, "%s/runs.jsonl", rd);
    char *text = tu_read_file(log);
    size_t len = strlen(text);
    for (int cut = 0; cut < 3 && len > 0; )
        if (text[--len] == '\n' && ++cut == 3)
            len++;
    text[len] = '\0';
    FILE *f = fopen(log, "w");
    fputs(text, f);
    fclose(f);
    /* the disk is now full: runs.jsonl cannot grow */
    char *argv2[] = { PB_BINARY, "run", "--resume", rd, "--no-plot", NULL };
    int rc = run_with_fsize(argv2, (rlim_t)len, &out);
    ck_assert_msg(rc == 1, "resume on a full disk exited %d:\n%s", rc, out);
    /* the run's own output hits the limit first (then that run is not
     * recorded), or runs.jsonl does: either way a clear error */
    ck_assert_msg((strstr(out, "cannot append to runs.jsonl: File too large") != NULL
                   || strstr(out, "the results file system is full") != NULL)
                  && strstr(out, "every run recorded so far is kept") != NULL,
                  "no clear error in:\n%s", out);
    free(out);
    char *after = tu_read_file(log);
    ck_assert_str_eq(after, text);       /* what was there is intact */
    free(after);
    free(text);
    free(rd);
}
END_TEST

/* The disk fills while a run writes its output (issue 16, case 10; here
 * EFBIG from a file size limit, as on a full disk or quota): the matrix
 * stops, says so, and records no failure for that run; --resume with room
 * again completes every pair. */
START_TEST(full_disk_mid_run_is_not_recorded_and_resume_completes)
{
    char text[4096], res[4096], *out = NULL;

    free(tu_write_file(dir, "writer.py",
        "import sys\n"
        "with open(sys.argv[1] + '/out.bin', 'wb') as f:\n"
        "    f.write(bytes(300000))\n"));
    snprintf(text, sizeof text,
        "python: %s\n"
        "defaults: {runs: 2, warmup: 0, timeout: 60}\n"
        "workloads: [{name: w, script: writer.py}]\n"
        "profilers:\n"
        "  - {name: plain, baseline: true, command: [\"{python}\", \"{script}\", \"{outdir}\"]}\n"
        "  - {name: other, command: [\"{python}\", \"{script}\", \"{outdir}\"]}\n",
        tu_python());
    char *cfg = tu_write_file(dir, "writer.yaml", text);
    snprintf(res, sizeof res, "%s/results", dir);
    char *argv[] = { PB_BINARY, "run", cfg, "-o", res, "--no-plot", NULL };
    int rc = run_with_fsize(argv, 100000, &out);
    ck_assert_msg(rc == 1, "pbench run exited %d:\n%s", rc, out);
    ck_assert_msg(strstr(out, "the results file system is full") != NULL, "%s", out);
    free(out);
    char *rd = results_dir(), p[4096];
    snprintf(p, sizeof p, "%s/runs.jsonl", rd);
    char *log = tu_read_file(p);
    ck_assert_msg(!log || !strstr(log, "\"failed\""), "a failure was recorded:\n%s", log);
    free(log);
    char *argv2[] = { PB_BINARY, "run", "--resume", rd, "--no-plot", NULL };
    rc = tu_run(argv2, &out);
    ck_assert_msg(rc == 0, "resume exited %d:\n%s", rc, out);
    free(out);
    log = tu_read_file(p);
    int ok = 0;
    for (const char *q = log; (q = strstr(q, "\"status\":\"ok\"")); q++)
        ok++;
    ck_assert_msg(ok == 4, "%d ok runs after resume:\n%s", ok, log);
    free(log);
    free(rd);
    free(cfg);
}
END_TEST

/* A results directory writable by others (issue 16, case 2): --resume
 * refuses to let it choose what runs, unless given the user's config or
 * --trust; and it says what it runs before running it. */
START_TEST(resume_of_a_dubious_directory)
{
    char cfg[4096], res[4096], *out = NULL;
    snprintf(cfg, sizeof cfg, "%s/e2e.yaml", dir);
    snprintf(res, sizeof res, "%s/results", dir);
    char *argv[] = { PB_BINARY, "run", cfg, "-o", res, "--no-plot", "-p", "cProfile", NULL };
    ck_assert_int_eq(tu_run(argv, &out), 0);
    free(out);
    char *rd = results_dir();
    ck_assert_int_eq(chmod(rd, 0777), 0);
    char *a1[] = { PB_BINARY, "run", "--resume", rd, "--no-plot", NULL };
    int rc = tu_run(a1, &out);
    ck_assert_msg(rc == 2 && strstr(out, "refusing to resume") && strstr(out, "writable by other users"),
                  "exit %d:\n%s", rc, out);
    ck_assert_msg(!strstr(out, "resume: interpreter"), "%s", out);
    free(out);
    char *a2[] = { PB_BINARY, "run", "--resume", rd, "--trust", "--no-plot", NULL };
    rc = tu_run(a2, &out);
    ck_assert_msg(rc == 0 && strstr(out, "resume: interpreter ") && strstr(out, "resume: cProfile:"),
                  "exit %d:\n%s", rc, out);
    free(out);
    char *a3[] = { PB_BINARY, "run", "--resume", rd, cfg, "--no-plot", NULL };
    rc = tu_run(a3, &out);
    ck_assert_msg(rc == 0, "exit %d:\n%s", rc, out);
    free(out);
    chmod(rd, 0755);
    free(rd);
}
END_TEST

/* A copy of fixture dir `name` under dir/hostile-<tag>, with file `file`
 * loaded, changed by edit, and written back. Returns the copy's path. */
static char *hostile_copy(const char *name, const char *tag, const char *file,
                          void (*edit)(json_t *))
{
    char from[4096], to[4096], path[4200], *out = NULL;
    json_error_t jerr;

    snprintf(from, sizeof from, "%s/%s", PB_FIXTURES_DIR, name);
    snprintf(to, sizeof to, "%s/hostile-%s", dir, tag);
    char *cp[] = { "/bin/cp", "-r", from, to, NULL };
    ck_assert_int_eq(tu_run(cp, &out), 0);
    free(out);
    snprintf(path, sizeof path, "%s/%s", to, file);
    json_t *j = json_load_file(path, 0, &jerr);
    ck_assert_msg(j != NULL, "%s: %s", path, jerr.text);
    edit(j);
    ck_assert_int_eq(json_dump_file(j, path, JSON_INDENT(1)), 0);
    json_decref(j);
    return strdup(to);
}

static void number_as_profiler(json_t *j)
{
    json_t *row = json_array_get(json_object_get(json_object_get(j, "capabilities"), "rows"), 0);
    json_object_set_new(row, "profiler", json_integer(7));
}

static void null_profiler(json_t *j)
{
    json_t *row = json_array_get(json_object_get(json_object_get(j, "capabilities"), "rows"), 0);
    json_object_set_new(row, "profiler", json_null());
    json_t *cpu = json_array_get(json_object_get(j, "cpu"), 0);
    json_object_set_new(cpu, "profiler", json_null());
}

static void zero_interval(json_t *j)
{
    json_t *r = json_object_get(json_array_get(json_object_get(j, "pairs"), 1), "wall_ratio");
    json_object_set_new(r, "lo", json_real(0));
}

static void keep_as_is(json_t *j)
{
    (void)j;
}

static void number_in_select(json_t *j)
{
    json_t *sel = json_object_get(j, "select");
    json_object_set_new(sel, "profilers", json_pack("[i]", 1));
}

/* Hostile stored files (issue 16, case 6) make the readers fail with an
 * error naming the file, never crash (a crash exits 128+signal). */
START_TEST(hostile_stored_files_do_not_crash)
{
    char *out = NULL, plots[4200];
    int rc;

    char *d1 = hostile_copy("results-accuracy", "num", "accuracy.json", number_as_profiler);
    snprintf(plots, sizeof plots, "%s/plots", d1);
    char *r1[] = { PB_BINARY, "report", d1, NULL };
    rc = tu_run(r1, &out);
    ck_assert_msg(rc < 128, "report crashed (%d):\n%s", rc, out);
    free(out);
    char *p1[] = { PB_BINARY, "plot", d1, "-o", plots, NULL };
    rc = tu_run(p1, &out);
    ck_assert_msg(rc < 128, "plot crashed (%d):\n%s", rc, out);
    free(out);

    char *d2 = hostile_copy("results-accuracy", "null", "accuracy.json", null_profiler);
    char *r2[] = { PB_BINARY, "report", d2, NULL };
    rc = tu_run(r2, &out);
    ck_assert_msg(rc < 128, "report crashed (%d):\n%s", rc, out);
    free(out);

    char *d3 = hostile_copy("results-small", "interval", "summary.json", zero_interval);
    snprintf(plots, sizeof plots, "%s/plots", d3);
    char *p3[] = { PB_BINARY, "plot", d3, "-o", plots, NULL };
    rc = tu_run(p3, &out);
    ck_assert_msg(rc != 0 && rc < 128 && strstr(out, "summary.json") && strstr(out, "interval"),
                  "plot of a zero interval (%d):\n%s", rc, out);
    free(out);

    /* a record naming ../../../x/p (case 3): pbench accuracy writes its
     * attributions inside the directory only */
    char *d5 = hostile_copy("results-accuracy", "traversal", "accuracy.json", null_profiler);
    char runs[4200], outside[4200];
    snprintf(runs, sizeof runs, "%s/runs.jsonl", d5);
    FILE *rf = fopen(runs, "a");
    ck_assert_ptr_nonnull(rf);
    fputs("{\"seq\":99,\"round\":0,\"workload\":\"split_30\",\"profiler\":\"../../../x/p\","
          "\"status\":\"ok\",\"wall_s\":1,\"outdir\":\"../../../x/p/0\"}\n", rf);
    fclose(rf);
    char *a5[] = { PB_BINARY, "accuracy", d5, "-q", NULL };
    rc = tu_run(a5, &out);
    ck_assert_msg(rc < 128, "accuracy crashed (%d):\n%s", rc, out);
    free(out);
    snprintf(outside, sizeof outside, "%s/x", dir);
    ck_assert_msg(access(outside, F_OK) != 0, "pbench accuracy wrote %s, outside the results "
                  "directory", outside);

    /* plots/overhead.dat planted as a symlink to a file outside (case 4):
     * pbench report leaves that file alone */
    char *d6 = hostile_copy("results-small", "symlink", "summary.json", keep_as_is);
    char victim[4200], link[4200];
    free(tu_write_file(dir, "victim.txt", "untouched"));
    snprintf(victim, sizeof victim, "%s/victim.txt", dir);
    snprintf(link, sizeof link, "%s/plots", d6);
    mkdir(link, 0755);
    snprintf(link, sizeof link, "%s/plots/overhead.dat", d6);
    ck_assert_int_eq(symlink(victim, link), 0);
    char *r6[] = { PB_BINARY, "report", d6, NULL };
    rc = tu_run(r6, &out);
    ck_assert_msg(rc < 128, "report crashed (%d):\n%s", rc, out);
    free(out);
    char *vt = tu_read_file(victim);
    ck_assert_msg(vt && !strcmp(vt, "untouched"), "pbench report wrote through the planted link");
    free(vt);
    free(d5);
    free(d6);

    char *d4 = hostile_copy("results-small", "select", "config-resolved.json", number_in_select);
    char *u4[] = { PB_BINARY, "run", "--resume", d4, "--trust", "--no-plot", NULL };
    rc = tu_run(u4, &out);
    ck_assert_msg(rc != 0 && rc < 128 && strstr(out, "config-resolved.json"),
                  "resume with select.profilers [1] (%d):\n%s", rc, out);
    free(out);
    free(d1);
    free(d2);
    free(d3);
    free(d4);
}
END_TEST

/* {outdir} is absolute with a relative -o, and an output may be a glob
 * (issue 12's frictions): a profiler that writes fil/<time>/peak.prof
 * passes; one whose pattern matches nothing, or only an empty file, is
 * no_output. */
START_TEST(outdir_absolute_and_glob_outputs)
{
    char text[4096], *out = NULL;

    free(tu_write_file(dir, "stamp.py",
        "import os, sys, time\n"
        "out = sys.argv[1]\n"
        "assert os.path.isabs(out), out\n"
        "d = os.path.join(out, 'fil', time.strftime('%Y-%m-%dT%H%M%S'))\n"
        "os.makedirs(d)\n"
        "open(os.path.join(d, 'peak.prof'), 'w').write(sys.argv[2])\n"));
    snprintf(text, sizeof text,
        "python: %s\n"
        "defaults: {runs: 1, warmup: 0, timeout: 60}\n"
        "workloads: [{name: w, script: stamp.py}]\n"
        "profilers:\n"
        "  - {name: plain, baseline: true, command: [\"{python}\", \"{script}\", \"{outdir}\", \"x\"]}\n"
        "  - name: globbed\n"
        "    command: [\"{python}\", \"{script}\", \"{outdir}\", \"profile data\"]\n"
        "    outputs: [{file: \"fil/*/peak.prof\", min_bytes: 4}]\n"
        "  - name: nomatch\n"
        "    command: [\"{python}\", \"{script}\", \"{outdir}\", \"profile data\"]\n"
        "    outputs: [\"memray/*.bin\"]\n"
        "  - name: tooshort\n"
        "    command: [\"{python}\", \"{script}\", \"{outdir}\", \"ab\"]\n"
        "    outputs: [{file: \"fil/*/peak.prof\", min_bytes: 4}]\n"
        "  - name: chatty_fail\n"
        "    command: [\"{python}\", \"-c\", \"import sys; sys.stderr.write('starting\\\\nError: cannot write the profile\\\\nTrying to open the report in a browser...\\\\n'); sys.exit(1)\"]\n"
        /* fil's own stderr when its script was not found: the exception,
         * then chatter that mentions "error messages" */
        /* austin's refusal: colours, emoji, and the message wrapped over
         * three lines after a blank one */
        "  - name: wrapped_fail\n"
        "    command: [\"{python}\", \"-c\", \"import sys; sys.stderr.write('\\\\x1b[1m  _ _ \\\\x1b[0m\\\\n\\\\x1b[1mParent process\\\\x1b[0m\\\\n\\\\U0001F47D Not a Python process.\\\\n\\\\n\\\\U0001F6BC It looks like you are trying to profile a process that is not a Python\\\\nprocess. Make sure that\\\\nyou are targeting the right application.\\\\n'); sys.exit(39)\"]\n"
        "  - name: traceback_fail\n"
        "    command: [\"{python}\", \"-c\", \"import sys; sys.stderr.write('Traceback (most recent call last):\\\\n  File x, line 1\\\\nFileNotFoundError: [Errno 2] No such file or directory: x\\\\n=fil-profile= Trying to open the report in a browser. In some cases this may print error messages, especially on macOS.\\\\n'); sys.exit(1)\"]\n",
        tu_python());
    free(tu_write_file(dir, "glob.yaml", text));
    /* a relative -o, from dir */
    char *argv[] = { "/bin/sh", "-c", "cd \"$0\" && exec \"$1\" run glob.yaml -o results --no-plot",
                     dir, PB_BINARY, NULL };
    int rc = tu_run(argv, &out);
    ck_assert_msg(rc == 0, "pbench run exited %d:\n%s", rc, out);
    free(out);
    char *rd = results_dir(), p[4096];
    snprintf(p, sizeof p, "%s/summary.json", rd);
    json_error_t jerr;
    json_t *sum = json_load_file(p, 0, &jerr);
    ck_assert_ptr_nonnull(sum);
    ck_assert_str_eq(json_string_value(json_object_get(pair(sum, "w", "plain"), "status")), "ok");
    ck_assert_str_eq(json_string_value(json_object_get(pair(sum, "w", "globbed"), "status")), "ok");
    ck_assert_str_ne(json_string_value(json_object_get(pair(sum, "w", "nomatch"), "status")), "ok");
    ck_assert_str_ne(json_string_value(json_object_get(pair(sum, "w", "tooshort"), "status")), "ok");
    json_decref(sum);
    snprintf(p, sizeof p, "%s/runs.jsonl", rd);
    char *log = tu_read_file(p);
    ck_assert_msg(strstr(log, "expected output 'memray/*.bin' was not written (no file matched)"),
                  "%s", log);
    ck_assert_msg(strstr(log, "output 'fil/*/peak.prof' holds 2 bytes, fewer than its 4"), "%s", log);
    /* the failure's reason is the error line, not the chatter after it */
    ck_assert_msg(strstr(log, "exit code 1: Error: cannot write the profile"), "%s", log);
    ck_assert_msg(strstr(log, "exit code 1: FileNotFoundError: [Errno 2] No such file"), "%s", log);
    ck_assert_msg(strstr(log, "exit code 39: It looks like you are trying to profile a process that "
                          "is not a Python process. Make sure that you are targeting the right "
                          "application.\""), "%s", log);
    free(log);
    free(rd);
}
END_TEST

/* pbench check names a selected profiler whose program is missing, and
 * counts what select: leaves (issue 12's frictions). */
START_TEST(check_names_missing_programs_and_counts_the_selection)
{
    char text[4096], *out = NULL;

    snprintf(text, sizeof text,
        "python: %s\n"
        "workloads: [{name: calls, script: calls.py}, {name: other, script: calls.py}]\n"
        "profilers:\n"
        "  - {name: plain, baseline: true, command: [\"{python}\", \"{script}\"]}\n"
        "  - {name: ghost, command: [\"{bindir}/no-such-prof\", \"{script}\"]}\n"
        "  - {name: ghost2, command: [\"no-such-prof-on-path\", \"{script}\"]}\n"
        "  - {name: unused, command: [\"also-missing\", \"{script}\"]}\n"
        "select: {profilers: [plain, ghost, ghost2], workloads: [calls]}\n",
        tu_python());
    char *cfg = tu_write_file(dir, "miss.yaml", text);
    char *argv[] = { PB_BINARY, "check", cfg, NULL };
    int rc = tu_run(argv, &out);
    ck_assert_msg(rc == 0, "exit %d:\n%s", rc, out);
    ck_assert_msg(strstr(out, "ok: 1 workloads, 3 profilers"), "%s", out);
    ck_assert_msg(strstr(out, "profiler 'ghost': its program '{bindir}/no-such-prof'"), "%s", out);
    ck_assert_msg(strstr(out, "profiler 'ghost2': its program 'no-such-prof-on-path'"), "%s", out);
    ck_assert_msg(!strstr(out, "'unused'"), "%s", out);
    free(out);
    free(cfg);
}
END_TEST

/* A profiler under evaluation joins a config from a file of its own
 * (--profilers FILE), selected with -p, without editing the config
 * (issue 12's reuse); the file may say only what an include may, and a
 * resume is given it again. */
START_TEST(extra_profilers_file)
{
    char cfg[4096], res[4096], *out = NULL;

    snprintf(cfg, sizeof cfg, "%s/e2e.yaml", dir);
    snprintf(res, sizeof res, "%s/results", dir);
    char *extra = tu_write_file(dir, "myprof.yaml",
        "profilers:\n"
        "  - name: myprof\n"
        "    command: [\"{python}\", \"-m\", \"cProfile\", \"-o\", \"{outdir}/my.pstats\", \"{script}\", \"{args}\"]\n"
        "    outputs: [my.pstats]\n");
    char *argv[] = { PB_BINARY, "run", cfg, "-p", "myprof", "--profilers", extra, "-o", res,
                     "--no-plot", NULL };
    int rc = tu_run(argv, &out);
    ck_assert_msg(rc == 0, "exit %d:\n%s", rc, out);
    free(out);
    char *rd = results_dir(), p[4096];
    snprintf(p, sizeof p, "%s/summary.json", rd);
    json_error_t jerr;
    json_t *sum = json_load_file(p, 0, &jerr);
    ck_assert_ptr_nonnull(sum);
    ck_assert_str_eq(status(sum, "myprof"), "ok");
    json_decref(sum);
    char *r2[] = { PB_BINARY, "run", "--resume", rd, "--profilers", extra, "--no-plot", NULL };
    rc = tu_run(r2, &out);
    ck_assert_msg(rc == 0, "resume with --profilers exited %d:\n%s", rc, out);
    free(out);
    char *bad = tu_write_file(dir, "bad.yaml", "name: nope\nprofilers: []\n");
    char *argv3[] = { PB_BINARY, "check", cfg, "--profilers", bad, NULL };
    rc = tu_run(argv3, &out);
    ck_assert_msg(rc == 2 && strstr(out, "'name' is only allowed in the top-level config"),
                  "exit %d:\n%s", rc, out);
    free(out);
    free(bad);
    free(rd);
    free(extra);
}
END_TEST

START_TEST(pin_cpu_pins_the_workload)
{
    char text[4096], res[4096], *out = NULL;
    free(tu_write_file(dir, "aff.py",
        "import os\nprint(sorted(os.sched_getaffinity(0)))\n"));
    snprintf(text, sizeof text,
        "python: %s\ndefaults: {runs: 1, warmup: 0}\n"
        "workloads: [{name: a, script: aff.py}]\n"
        "profilers: [{name: plain, baseline: true, command: [\"{python}\", \"{script}\"]}]\n",
        tu_python());
    char *cfg = tu_write_file(dir, "aff.yaml", text);
    snprintf(res, sizeof res, "%s/results", dir);
    char *argv[] = { PB_BINARY, "run", cfg, "-o", res, "--no-plot", "--pin-cpu", "1", NULL };
    cpu_set_t mine;     /* one CPU, or a CPU set (taskset, a container) without CPU 1 */
    if (sched_getaffinity(0, sizeof mine, &mine) < 0 || !CPU_ISSET(1, &mine)) {
        free(cfg);
        tu_skip("CPU 1 is not available to this process: nothing to pin the workload to");
    }
    int rc = tu_run(argv, &out);
    ck_assert_msg(rc == 0, "pbench run exited %d:\n%s", rc, out);
    free(out);
    char *rd = results_dir(), p[4096];
    snprintf(p, sizeof p, "%s/raw/a/plain/0/stdout.txt", rd);
    char *got = tu_read_file(p);
    ck_assert_str_eq(got, "[1]\n");
    free(got);
    free(rd);
    char *argv2[] = { PB_BINARY, "run", cfg, "--pin-cpu", "999", NULL };
    ck_assert_int_eq(tu_run(argv2, &out), 2);
    ck_assert_ptr_nonnull(strstr(out, "--pin-cpu expects a CPU number"));
    free(out);
    free(cfg);
}
END_TEST

/* skip: a profiler left out of one workload: none of its runs, no pair,
 * not a failure; the summary, the table, check and the report say which
 * workloads its means cover and why the other was skipped. */
START_TEST(skip_leaves_a_pair_out)
{
    char text[4096], cfg[4096], res[4096], p[4096], *out = NULL;
    snprintf(text, sizeof text,
        "name: skip\n"
        "python: %s\n"
        "defaults: {runs: 2, warmup: 0, timeout: 60, seed: 3}\n"
        "workloads:\n"
        "  - {name: calls, script: calls.py, args: [\"--size\", \"12\"], skip: {cProfile: \"the work is in C\"}}\n"
        "  - {name: other, script: calls.py, args: [\"--size\", \"12\"]}\n"
        "profilers:\n"
        "  - {name: plain, baseline: true, command: [\"{python}\", \"{script}\", \"{args}\"]}\n"
        "  - {name: cProfile, command: [\"{python}\", \"-m\", \"cProfile\", \"{script}\", \"{args}\"]}\n",
        tu_python());
    free(tu_write_file(dir, "skip.yaml", text));
    snprintf(cfg, sizeof cfg, "%s/skip.yaml", dir);
    snprintf(res, sizeof res, "%s/results", dir);

    char *check[] = { PB_BINARY, "check", cfg, NULL };
    int rc = tu_run(check, &out);
    ck_assert_msg(rc == 0 && strstr(out, "6 runs\n  skipped: 'cProfile' on 'calls': the work is in C\n"),
                  "pbench check exited %d:\n%s", rc, out);
    free(out);

    char *argv[] = { PB_BINARY, "run", cfg, "-o", res, "--no-plot", NULL };
    rc = tu_run(argv, &out);
    ck_assert_msg(rc == 0, "pbench run exited %d:\n%s", rc, out);
    ck_assert_msg(strstr(out, "\ncProfile: mean over 1 workload; skipped: calls (the work is in C)\n"), "%s", out);
    ck_assert_msg(strstr(out, "cProfile           skipped ") && !strstr(out, "problems"), "%s", out);
    free(out);

    char *rd = results_dir();
    snprintf(p, sizeof p, "%s/runs.jsonl", rd);
    char *log = tu_read_file(p);
    int lines = 0;
    for (char *c = log; *c; c++)
        lines += *c == '\n';
    ck_assert_int_eq(lines, 6);         /* calls: plain; other: plain, cProfile; 2 rounds */
    free(log);

    json_error_t jerr;
    snprintf(p, sizeof p, "%s/summary.json", rd);
    json_t *sum = json_load_file(p, 0, &jerr);
    ck_assert_ptr_nonnull(sum);
    size_t i;
    json_t *x, *cp = NULL;
    json_array_foreach(json_object_get(sum, "pairs"), i, x)
        ck_assert(strcmp(json_string_value(json_object_get(x, "workload")), "calls")
                  || strcmp(json_string_value(json_object_get(x, "profiler")), "cProfile"));
    json_array_foreach(json_object_get(sum, "profilers"), i, x)
        if (!strcmp(json_string_value(json_object_get(x, "name")), "cProfile"))
            cp = x;
    ck_assert_ptr_nonnull(cp);
    ck_assert_int_eq(json_integer_value(json_object_get(cp, "workloads_ok")), 1);
    ck_assert_int_eq(json_integer_value(json_object_get(cp, "workloads_failed")), 0);
    json_t *sk = json_object_get(cp, "skipped");
    ck_assert_uint_eq(json_array_size(sk), 1);
    ck_assert_str_eq(json_string_value(json_object_get(json_array_get(sk, 0), "workload")), "calls");
    ck_assert_str_eq(json_string_value(json_object_get(json_array_get(sk, 0), "reason")), "the work is in C");
    json_decref(sum);

    snprintf(p, sizeof p, "%s/report.md", dir);
    char *rep[] = { PB_BINARY, "report", rd, "-o", p, "--no-plot", NULL };
    rc = tu_run(rep, &out);
    ck_assert_msg(rc == 0, "pbench report exited %d:\n%s", rc, out);
    free(out);
    char *md = tu_read_file(p), *ov = strstr(md, "## Overhead");
    ck_assert_ptr_nonnull(ov);
    ck_assert_msg(strstr(ov, "| 1 of 1 | 1 skipped (calls: “the work is in C”) |"), "%.2000s", ov);
    ck_assert_msg(strstr(ov, "| cProfile | skipped | "), "%.2000s", ov);
    free(md);
    free(rd);
}
END_TEST

Suite *e2e_suite(void)
{
    Suite *s = suite_create("e2e");
    TCase *core = tcase_create("core");
    TCase *errors = tcase_create("errors");
    tcase_add_checked_fixture(core, setup, teardown);
    tcase_add_checked_fixture(errors, setup, teardown);
    tcase_set_timeout(core, 300);
    tcase_set_timeout(errors, 60);
    tcase_add_test(core, run_matrix_and_summary);
    tcase_add_test(core, subset_with_profiler_option);
    tcase_add_test(core, skip_leaves_a_pair_out);
    tcase_add_test(core, outdir_absolute_and_glob_outputs);
    tcase_add_test(core, extra_profilers_file);
    tcase_add_test(core, check_names_missing_programs_and_counts_the_selection);
    tcase_add_test(errors, check_reports_located_errors);
    tcase_add_test(errors, usage_errors);
    tcase_add_test(errors, unwritable_results_dir);
    tcase_add_test(core, pin_cpu_pins_the_workload);
    tcase_add_test(errors, hostile_values_reach_no_shell);
    tcase_add_test(errors, output_size_limit_stops_a_run);
    tcase_add_test(errors, escaped_descendant_is_killed);
    tcase_add_test(errors, full_disk_is_reported_and_nothing_before_is_lost);
    tcase_add_test(errors, full_disk_mid_run_is_not_recorded_and_resume_completes);
    tcase_add_test(errors, resume_of_a_dubious_directory);
    tcase_add_test(errors, hostile_stored_files_do_not_crash);
    suite_add_tcase(s, core);
    suite_add_tcase(s, errors);
    return s;
}
