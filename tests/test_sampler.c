/* Tests of the built-in sampler (harness/sampler/): end to end through
 * cmd_sample on tiny Python targets (tests/sampler_targets/), whose
 * time split is known by construction, plus the decoders underneath. */
#include <check.h>
#include <errno.h>
#include <glob.h>
#include <jansson.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "sampler/elfsym.h"
#include "sampler/linetable.h"
#include "sampler/procfs.h"
#include "sampler/pylayout.h"
#include "sampler/pyversion.h"
#include "sampler/sampler.h"
#include "util/path.h"
#include "testutil.h"

#define TARGETS PB_SOURCE_DIR "/tests/sampler_targets"

static char *tmpdir;

static void setup(void)
{
    tmpdir = tu_mkdtemp();
    ck_assert_ptr_nonnull(tmpdir);
}

static void teardown(void)
{
    tu_rmtree(tmpdir);
    free(tmpdir);
}

static char *tmp_path(const char *name)
{
    size_t n = strlen(tmpdir) + strlen(name) + 2;
    char *p = malloc(n);

    snprintf(p, n, "%s/%s", tmpdir, name);
    return p;
}

static double now_s(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Runs cmd_sample(args) in a child, as `pbench sample` would run,
 * with its stdout and stderr (and the target's) captured into *out
 * (caller frees). Returns its exit code. */
static int sample_run(const char *const *args, char **out)
{
    int pfd[2], status, argc = 0;
    char *buf = NULL;
    size_t len = 0, cap = 0;
    ssize_t got;
    pid_t pid;

    while (args[argc])
        argc++;
    ck_assert_int_eq(pipe(pfd), 0);
    pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        close(pfd[0]);
        dup2(pfd[1], 1);
        dup2(pfd[1], 2);
        close(pfd[1]);
        _exit(cmd_sample(argc, (char **)args));
    }
    close(pfd[1]);
    for (;;) {
        if (cap - len < 4096) {
            cap = cap ? cap * 2 : 8192;
            buf = realloc(buf, cap + 1);
        }
        got = read(pfd[0], buf + len, cap - len);
        if (got < 0 && errno == EINTR)
            continue;
        if (got <= 0)
            break;
        len += (size_t)got;
    }
    buf[len] = '\0';
    close(pfd[0]);
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    *out = buf;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static json_t *load_json(const char *path)
{
    json_error_t jerr;
    json_t *j = json_load_file(path, 0, &jerr);

    ck_assert_msg(j != NULL, "%s: %s (line %d)", path, jerr.text, jerr.line);
    return j;
}

static long num(json_t *obj, const char *k1, const char *k2)
{
    json_t *v = json_object_get(obj, k1);

    if (k2)
        v = json_object_get(v, k2);
    ck_assert_msg(json_is_number(v), "missing number %s.%s", k1, k2 ? k2 : "");
    return (long)json_number_value(v);
}

static int ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);

    return n >= m && strcmp(s + n - m, suffix) == 0;
}

/* The "functions" entry for function in a file ending with file, or NULL. */
static json_t *function(json_t *root, const char *name, const char *file)
{
    size_t i;
    json_t *e;

    json_array_foreach(json_object_get(root, "functions"), i, e) {
        if (strcmp(json_string_value(json_object_get(e, "function")), name) == 0 &&
            ends_with(json_string_value(json_object_get(e, "file")), file))
            return e;
    }
    return NULL;
}

/* The line of the first line of path that contains marker. */
static int marker_line(const char *path, const char *marker)
{
    char *text = tu_read_file(path);
    int line = 1;

    ck_assert_ptr_nonnull(text);
    for (char *p = text; *p; p++) {
        if (strncmp(p, marker, strlen(marker)) == 0) {
            free(text);
            return line;
        }
        line += *p == '\n';
    }
    free(text);
    ck_abort_msg("no '%s' in %s", marker, path);
    return 0;
}

/* ---- core -------------------------------------------------------------- */

START_TEST(test_split_attribution)
{
    char *json = tmp_path("split.json"), *collapsed = tmp_path("split.collapsed");
    const char *args[] = { "sample", "-r", "500", "--seed", "1", "-o", json, "--",
                           tu_python(), TARGETS "/split.py", "--seconds", "1.5", NULL };
    char *out = NULL, *text;
    json_t *root, *hot, *cold, *e, *best = NULL;
    long nhot, ncold, taken;
    double share;
    int hot_line = marker_line(TARGETS "/split.py", "# HOT LINE");
    size_t i;

    ck_assert_int_eq(sample_run(args, &out), 0);
    root = load_json(json);

    /* The schema's fixed parts. */
    ck_assert_str_eq(json_string_value(json_object_get(root, "schema")), "pbench-sample/1");
    ck_assert_int_eq(num(root, "rate_hz", NULL), 500);
    ck_assert(json_number_value(json_object_get(root, "duration_s")) > 1.0);
    ck_assert_int_gt(num(root, "ticks", NULL), 100);
    taken = num(root, "samples", "taken");
    ck_assert_int_gt(taken, 100);
    ck_assert_int_ge(num(root, "samples", "dropped"), 0);
    ck_assert(json_is_number(json_object_get(json_object_get(root, "sampler"), "cpu_s")));
    ck_assert_int_eq(json_array_size(json_object_get(root, "processes")), 1);
    e = json_array_get(json_object_get(root, "processes"), 0);
    ck_assert_str_eq(json_string_value(json_object_get(e, "status")), "python");
    ck_assert_int_eq(json_array_size(json_object_get(e, "threads")), 1);

    /* ~90% of the two functions' samples in hot (85-95 allowed). */
    hot = function(root, "hot", "split.py");
    cold = function(root, "cold", "split.py");
    ck_assert_ptr_nonnull(hot);
    ck_assert_ptr_nonnull(cold);
    nhot = num(hot, "total", "wall");
    ncold = num(cold, "total", "wall");
    share = (double)nhot / (double)(nhot + ncold);
    ck_assert_msg(share >= 0.85 && share <= 0.95, "hot got %.1f%% (%ld vs %ld)",
                  100 * share, nhot, ncold);
    ck_assert_msg(nhot + ncold >= taken * 8 / 10, "hot+cold only %ld of %ld", nhot + ncold, taken);
    ck_assert_int_eq(num(hot, "self", "cpu") > 0, 1);
    ck_assert_int_eq(json_array_size(json_object_get(hot, "threads")), 1);

    /* The hottest line (by self samples) is hot's loop body. */
    json_array_foreach(json_object_get(root, "lines"), i, e) {
        if (!best || num(e, "self", "wall") > num(best, "self", "wall"))
            best = e;
    }
    ck_assert_ptr_nonnull(best);
    ck_assert_str_eq(json_string_value(json_object_get(best, "function")), "hot");
    ck_assert_int_eq(num(best, "line", NULL), hot_line);

    /* Collapsed stacks beside the JSON, and the summary on stderr. */
    text = tu_read_file(collapsed);
    ck_assert_ptr_nonnull(text);
    ck_assert_msg(strstr(text, ";main (") && strstr(text, ";hot (") != NULL, "%s", text);
    for (char *line = text; *line;) {
        char *nl = strchr(line, '\n'), *sp;
        ck_assert_ptr_nonnull(nl);
        *nl = '\0';
        sp = strrchr(line, ' ');
        ck_assert_msg(sp && strncmp(line, "process ", 8) == 0 && atol(sp + 1) > 0, "bad line: %s",
                      line);
        line = nl + 1;
    }
    ck_assert_msg(strstr(out, "hot (split.py:") != NULL, "%s", out);
    ck_assert_msg(strstr(out, "split done") != NULL, "%s", out);
    free(text);
    json_decref(root);
    free(out);
    free(json);
    free(collapsed);
}
END_TEST

START_TEST(test_worker_thread)
{
    char *json = tmp_path("thread.json");
    const char *args[] = { "sample", "-q", "-r", "200", "-o", json, "--",
                           tu_python(), TARGETS "/worker_thread.py", "--seconds", "1.2", NULL };
    char *out = NULL;
    json_t *root, *f, *proc, *t, *th;
    long pid;
    size_t i;

    ck_assert_int_eq(sample_run(args, &out), 0);
    root = load_json(json);
    f = function(root, "worker_hot", "worker_thread.py");
    ck_assert_msg(f != NULL, "worker_hot not found: %s", out);
    proc = json_array_get(json_object_get(root, "processes"), 0);
    pid = num(proc, "pid", NULL);
    ck_assert_int_eq(pid, num(root, "pid", NULL));
    ck_assert_int_ge(json_array_size(json_object_get(proc, "threads")), 2);
    /* Found only in the worker thread, and mostly on CPU there. */
    ck_assert_int_eq(json_array_size(json_object_get(f, "threads")), 1);
    th = json_array_get(json_object_get(f, "threads"), 0);
    ck_assert_int_ne(num(th, "tid", NULL), pid);
    ck_assert_int_gt(num(f, "total", "wall"), 100);
    ck_assert_int_gt(num(f, "total", "cpu"), num(f, "total", "wall") * 7 / 10);
    /* The main thread waits in join(): wall samples, few on CPU. */
    json_array_foreach(json_object_get(proc, "threads"), i, t) {
        if (num(t, "tid", NULL) == pid) {
            ck_assert_int_gt(num(t, "samples", "wall"), 100);
            ck_assert_int_lt(num(t, "samples", "cpu"), num(t, "samples", "wall") * 3 / 10);
        }
    }
    json_decref(root);
    free(out);
    free(json);
}
END_TEST

/* Runs mp_child.py with the given start method; returns the JSON. */
static json_t *run_mp(const char *method, int follow, const char *seconds)
{
    char *json = tmp_path("mp.json");
    const char *args[] = { "sample", "-q", "-r", "200", follow ? "--subprocesses" : "-q",
                           "-o", json, "--", tu_python(), TARGETS "/mp_child.py",
                           "--method", method, "--seconds", seconds, NULL };
    char *out = NULL;
    json_t *root;

    ck_assert_int_eq(sample_run(args, &out), 0);
    ck_assert_msg(strstr(out, "child exit code 0") != NULL, "%s", out);
    root = load_json(json);
    free(out);
    free(json);
    return root;
}

static void check_child_found(json_t *root)
{
    json_t *f = function(root, "child_hot", "mp_child.py"), *th;
    long root_pid = num(root, "pid", NULL);

    ck_assert_msg(f != NULL, "child_hot not found");
    ck_assert_int_gt(num(f, "total", "cpu"), 50);
    th = json_array_get(json_object_get(f, "threads"), 0);
    ck_assert_int_ne(num(th, "pid", NULL), root_pid);
    ck_assert_int_ge(json_array_size(json_object_get(root, "processes")), 2);
}

START_TEST(test_subprocess_fork)
{
    json_t *root = run_mp("fork", 1, "1.2");

    check_child_found(root);
    json_decref(root);
}
END_TEST

START_TEST(test_subprocess_spawn)
{
    json_t *root = run_mp("spawn", 1, "1.2");

    check_child_found(root);
    json_decref(root);
}
END_TEST

START_TEST(test_subprocess_not_followed)
{
    json_t *root = run_mp("fork", 0, "0.5");

    ck_assert_ptr_null(function(root, "child_hot", "mp_child.py"));
    ck_assert_int_eq(json_array_size(json_object_get(root, "processes")), 1);
    json_decref(root);
}
END_TEST

/* The target leaves while being sampled: exit status passed through,
 * sampling ends cleanly, outputs written. */
static void check_abrupt_end(const char *how, int want_rc)
{
    char *json = tmp_path("end.json"), *collapsed = tmp_path("end.collapsed");
    const char *args[] = { "sample", "-r", "1000", "-o", json, "--", tu_python(),
                           TARGETS "/exit_midway.py", "--how", how, "--seconds", "0.6", NULL };
    char *out = NULL, *text;
    json_t *root;

    ck_assert_int_eq(sample_run(args, &out), want_rc);
    root = load_json(json);
    ck_assert_int_eq(num(root, "exit_code", NULL), want_rc);
    ck_assert_int_gt(num(root, "samples", "taken"), 50);
    ck_assert_ptr_nonnull(function(root, "busy_until", "exit_midway.py"));
    text = tu_read_file(collapsed);
    ck_assert_ptr_nonnull(text);
    ck_assert_ptr_nonnull(strstr(text, ";busy_until ("));
    ck_assert_msg(strstr(out, "busy_until") != NULL, "%s", out);
    free(text);
    json_decref(root);
    free(out);
    free(json);
    free(collapsed);
}

START_TEST(test_exit_midway)
{
    check_abrupt_end("exit", 3);
}
END_TEST

START_TEST(test_killed_midway)
{
    check_abrupt_end("kill", 128 + SIGKILL);
}
END_TEST

/* A wrapper script that takes a while before it execs Python (as a pyenv
 * shim does) is not mistaken for a non-Python command. */
START_TEST(test_wrapper_script)
{
    char *json = tmp_path("wrap.json"), *script, text[4096];
    const char *args[] = { "sample", "-q", "-o", json, "--", NULL, NULL };
    char *out = NULL;
    json_t *root;

    snprintf(text, sizeof text, "#!/bin/sh\nsleep 0.4\nexec '%s' '%s' --seconds 0.5\n",
             tu_python(), TARGETS "/split.py");
    script = tu_write_file(tmpdir, "wrapper.sh", text);
    ck_assert_int_eq(chmod(script, 0755), 0);
    args[5] = script;
    ck_assert_int_eq(sample_run(args, &out), 0);
    root = load_json(json);
    ck_assert_msg(function(root, "hot", "split.py") != NULL, "%s", out);
    json_decref(root);
    free(out);
    free(script);
    free(json);
}
END_TEST

/* ---- errors ------------------------------------------------------------- */

START_TEST(test_not_python_running)
{
    char *json = tmp_path("np.json");
    const char *args[] = { "sample", "-o", json, "--", "sleep", "20", NULL };
    char *out = NULL;
    double t0 = now_s();

    ck_assert_int_eq(sample_run(args, &out), PB_SAMPLER_EXIT_FAILURE);
    ck_assert_msg(now_s() - t0 < 10, "the non-Python command was not stopped");
    ck_assert_msg(strstr(out, "pbench sample: '") && strstr(out, "sleep' does not look like a "
                                                                "CPython program"), "%s", out);
    ck_assert_int_ne(access(json, F_OK), 0);
    free(out);
    free(json);
}
END_TEST

START_TEST(test_not_python_exits)
{
    char *json = tmp_path("np.json");
    const char *args[] = { "sample", "-o", json, "--", "true", NULL };
    char *out = NULL;

    ck_assert_int_eq(sample_run(args, &out), PB_SAMPLER_EXIT_FAILURE);
    ck_assert_msg(strstr(out, "true'") && (strstr(out, "does not look like a CPython program") ||
                                           strstr(out, "exited before pbench sample found")),
                  "%s", out);
    free(out);
    free(json);
}
END_TEST

START_TEST(test_missing_command)
{
    char *json = tmp_path("x.json");
    const char *args[] = { "sample", "-o", json, "--", "pbench-no-such-command", "x", NULL };
    const char *args2[] = { "sample", "-o", json, "--", "/nonexistent/python", NULL };
    char *out = NULL;

    ck_assert_int_eq(sample_run(args, &out), PB_SAMPLER_EXIT_NOT_FOUND);
    ck_assert_msg(strstr(out, "command 'pbench-no-such-command' not found") != NULL, "%s", out);
    free(out);
    ck_assert_int_eq(sample_run(args2, &out), PB_SAMPLER_EXIT_NOT_FOUND);
    ck_assert_msg(strstr(out, "command '/nonexistent/python' not found") != NULL, "%s", out);
    free(out);
    free(json);
}
END_TEST

START_TEST(test_not_executable)
{
    char *script = tu_write_file(tmpdir, "plain.txt", "not a program\n");
    char *json = tmp_path("x.json");
    const char *args[] = { "sample", "-o", json, "--", script, NULL };
    char *out = NULL;

    ck_assert_int_eq(sample_run(args, &out), PB_SAMPLER_EXIT_CANNOT_RUN);
    ck_assert_msg(strstr(out, "is not executable") != NULL, "%s", out);
    free(out);
    free(json);
    free(script);
}
END_TEST

START_TEST(test_usage_errors)
{
    const char *no_cmd[] = { "sample", "-o", "x.json", NULL };
    const char *no_out[] = { "sample", "--", "true", NULL };
    const char *bad_rate[] = { "sample", "-r", "fast", "-o", "x.json", "--", "true", NULL };
    const char *bad_mode[] = { "sample", "--collapsed-mode", "x", "-o", "x.json", "true", NULL };
    const char *unknown[] = { "sample", "--frobnicate", "-o", "x.json", "true", NULL };
    const char *bad_dir[] = { "sample", "-o", "/nonexistent/dir/x.json", "--", "true", NULL };
    char *out = NULL;

    ck_assert_int_eq(sample_run(no_cmd, &out), PB_SAMPLER_EXIT_USAGE);
    ck_assert_ptr_nonnull(strstr(out, "no command to run"));
    free(out);
    ck_assert_int_eq(sample_run(no_out, &out), PB_SAMPLER_EXIT_USAGE);
    ck_assert_ptr_nonnull(strstr(out, "no output file"));
    free(out);
    ck_assert_int_eq(sample_run(bad_rate, &out), PB_SAMPLER_EXIT_USAGE);
    ck_assert_ptr_nonnull(strstr(out, "--rate: expected a number"));
    free(out);
    ck_assert_int_eq(sample_run(bad_mode, &out), PB_SAMPLER_EXIT_USAGE);
    free(out);
    ck_assert_int_eq(sample_run(unknown, &out), PB_SAMPLER_EXIT_USAGE);
    ck_assert_ptr_nonnull(strstr(out, "'--frobnicate'"));
    free(out);
    ck_assert_int_eq(sample_run(bad_dir, &out), PB_SAMPLER_EXIT_FAILURE);
    ck_assert_ptr_nonnull(strstr(out, "cannot write '/nonexistent/dir/x.json'"));
    free(out);
}
END_TEST

/* The interpreter of CPython 3.minor on this machine (pyenv's, else
 * python3.minor on PATH) into buf, or NULL when there is none. */
static const char *find_python(int minor, char *buf, size_t n)
{
    const char *root = getenv("PYENV_ROOT"), *home = getenv("HOME");
    char pattern[1024], cmd[64];
    glob_t g;
    const char *hit = NULL;

    if (root)
        snprintf(pattern, sizeof pattern, "%s/versions/3.%d.*/bin/python3.%d", root, minor, minor);
    else
        snprintf(pattern, sizeof pattern, "%s/.pyenv/versions/3.%d.*/bin/python3.%d",
                 home ? home : "/root", minor, minor);
    if (glob(pattern, 0, NULL, &g) == 0) {
        for (size_t i = 0; i < g.gl_pathc && !hit; i++) {
            if (access(g.gl_pathv[i], X_OK) == 0) {
                snprintf(buf, n, "%s", g.gl_pathv[i]);
                hit = buf;
            }
        }
        globfree(&g);
    }
    if (hit)
        return hit;
    snprintf(cmd, sizeof cmd, "python3.%d", minor);
    char *found = pb_which(cmd);
    if (found) {
        snprintf(buf, n, "%s", found);
        hit = buf;
    }
    free(found);
    return hit;
}

/* ---- every CPython version -------------------------------------------- */

static const char *const WHERE[] = { "main", "thread", "child", "deep" };

/* Samples split_anywhere.py --where where on python and checks hot() got
 * 80-97% of hot()+cold() and that it was seen where it ran. */
static void check_split_where(const char *python, int minor, const char *where)
{
    char *json = tmp_path("anywhere.json"), *collapsed = tmp_path("anywhere.collapsed");
    const char *args[] = { "sample", "-r", "200", "--subprocesses", "-o", json, "--",
                           python, TARGETS "/split_anywhere.py", "--where", where, NULL };
    char *out = NULL, *text, *line;
    json_t *root, *hot, *cold, *th;
    long nhot, ncold, pid;
    double share;

    ck_assert_msg(sample_run(args, &out) == 0, "3.%d %s: %s", minor, where, out);
    ck_assert_msg(strstr(out, "split_anywhere done") != NULL, "3.%d %s: %s", minor, where, out);
    root = load_json(json);
    hot = function(root, "hot", "split_anywhere.py");
    cold = function(root, "cold", "split_anywhere.py");
    ck_assert_msg(hot && cold, "3.%d %s: hot or cold not sampled: %s", minor, where, out);
    nhot = num(hot, "total", "wall");
    ncold = num(cold, "total", "wall");
    share = (double)nhot / (double)(nhot + ncold);
    fprintf(stderr, "sampler: CPython 3.%d, split in %s: hot %.1f%% of %ld samples\n", minor,
            where, 100 * share, nhot + ncold);
    ck_assert_msg(share >= 0.80 && share <= 0.97, "3.%d %s: hot got %.1f%% (%ld vs %ld)", minor,
                  where, 100 * share, nhot, ncold);
    ck_assert_int_gt(nhot + ncold, 100);
    th = json_array_get(json_object_get(hot, "threads"), 0);
    pid = num(root, "pid", NULL);
    if (strcmp(where, "main") == 0) {
        /* How the version and layout were decided, in the process's note. */
        const char *note = json_string_value(
            json_object_get(json_array_get(json_object_get(root, "processes"), 0), "note"));
        const char *want = minor >= 13 ? "debug offsets confirm"
                         : minor >= 11 ? "version from Py_Version" : "version from the file name";
        ck_assert_msg(note && strstr(note, want), "3.%d: note '%s' lacks '%s'", minor,
                      note ? note : "(none)", want);
    }
    if (strcmp(where, "thread") == 0) {
        ck_assert_int_eq(num(th, "pid", NULL), pid);
        ck_assert_msg(num(th, "tid", NULL) != pid, "3.%d: hot() not in the worker thread", minor);
    } else if (strcmp(where, "child") == 0) {
        ck_assert_msg(num(th, "pid", NULL) != pid, "3.%d: hot() not in the child", minor);
    } else {
        ck_assert_int_eq(num(th, "tid", NULL), pid);
    }
    /* On CPU while it ran: the TID is known (read from the C library's
     * thread struct before 3.11). */
    ck_assert_msg(num(hot, "total", "cpu") > nhot / 2, "3.%d %s: hot() on CPU in %ld of %ld",
                  minor, where, num(hot, "total", "cpu"), nhot);
    if (strcmp(where, "deep") == 0) {
        text = tu_read_file(collapsed);
        ck_assert_ptr_nonnull(text);
        line = strstr(text, ";hot (");
        ck_assert_ptr_nonnull(line);
        while (line > text && line[-1] != '\n')
            line--;
        int depth = 0;
        for (char *c = line; *c && *c != '\n'; c++)
            depth += *c == ';';
        ck_assert_msg(depth >= 300, "3.%d: a stack of %d frames, 300+ expected", minor, depth);
        free(text);
    }
    json_decref(root);
    free(out);
    free(json);
    free(collapsed);
}

/* 50,000 frames deep (3.11 keeps Python calls off the C stack): every
 * sample keeps its innermost frames and is counted as truncated, rather
 * than dropped (issue 16, case 12). */
START_TEST(test_deep_stack_truncated)
{
    char *json = tmp_path("deep.json");
    const char *args[] = { "sample", "-r", "100", "-o", json, "--", tu_python(),
                           TARGETS "/split_anywhere.py", "--where", "deep", "--depth", "50000",
                           "--seconds", "1.5", NULL };
    char *out = NULL;
    json_t *root, *hot, *cold;
    long taken, truncated, dropped, nhot, ncold;

    ck_assert_msg(sample_run(args, &out) == 0, "%s", out);
    root = load_json(json);
    taken = num(root, "samples", "taken");
    truncated = num(root, "samples", "truncated");
    dropped = num(root, "samples", "dropped");
    hot = function(root, "hot", "split_anywhere.py");
    cold = function(root, "cold", "split_anywhere.py");
    ck_assert_msg(hot && cold, "%s", out);
    nhot = num(hot, "total", "wall");
    ncold = num(cold, "total", "wall");
    ck_assert_msg(nhot + ncold > 80, "only %ld samples in hot and cold (%ld taken, %ld dropped)",
                  nhot + ncold, taken, dropped);
    ck_assert_msg(truncated >= nhot + ncold, "%ld truncated of %ld", truncated, nhot + ncold);
    ck_assert_msg(dropped * 10 <= taken, "%ld dropped of %ld", dropped, taken);
    ck_assert_msg(strstr(out, "deeper than the sampler reads") != NULL, "%s", out);
    ck_assert(nhot > ncold * 4);
    json_decref(root);
    free(out);
    free(json);
}
END_TEST

/* Loop index _i is the minor version. */
START_TEST(test_every_version)
{
    char py[1024];

    if (!find_python(_i, py, sizeof py)) {
        fprintf(stderr, "sampler: SKIPPED CPython 3.%d: not on this machine (no "
                        "$PYENV_ROOT/versions/3.%d.*/bin/python3.%d, no python3.%d on PATH)\n",
                _i, _i, _i, _i);
        return;
    }
    for (size_t w = 0; w < sizeof WHERE / sizeof WHERE[0]; w++)
        check_split_where(py, _i, WHERE[w]);
}
END_TEST

/* ---- units -------------------------------------------------------------- */

static int hexval(char c)
{
    return c <= '9' ? c - '0' : c - 'a' + 10;
}

/* Decodes with the decoder of the dump's format (its "F" line). */
static int decode(const char *fmt, const uint8_t *tab, size_t len, int first, int addr)
{
    if (strcmp(fmt, "lnotab") == 0)
        return pb_linetable_lnotab_line(tab, len, first, addr);
    if (strcmp(fmt, "310") == 0)
        return pb_linetable_310_line(tab, len, first, addr);
    ck_assert_str_eq(fmt, "locations");
    return pb_linetable_line(tab, len, first, addr);
}

/* Every address of every code object compiled from a few real sources, by
 * the interpreter python, decodes to the line CPython's own co_lines()
 * gives (findlinestarts before 3.10). Returns the format checked. */
static const char *check_linetables(const char *python)
{
    char *argv[] = { (char *)python, TARGETS "/linetable_dump.py", NULL };
    char *out = NULL, *save = NULL;
    static char fmt[32];
    uint8_t *tab = NULL;
    size_t len = 0;
    int first = 0, ncode = 0, nchecked = 0;

    fmt[0] = '\0';
    ck_assert_msg(tu_run(argv, &out) == 0, "%s: %s", python, out ? out : "");
    for (char *line = strtok_r(out, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        if (line[0] == 'F') {
            ck_assert_int_eq(sscanf(line, "F %31s", fmt), 1);
        } else if (line[0] == 'C') {
            char hex[1 << 16];
            ck_assert_int_eq(sscanf(line, "C %d %65535s", &first, hex), 2);
            free(tab);
            len = strcmp(hex, "-") == 0 ? 0 : strlen(hex) / 2;
            tab = malloc(len + 1);
            for (size_t i = 0; i < len; i++)
                tab[i] = (uint8_t)(hexval(hex[2 * i]) << 4 | hexval(hex[2 * i + 1]));
            ncode++;
        } else {
            int start, end, want;
            ck_assert_int_eq(sscanf(line, "R %d %d %d", &start, &end, &want), 3);
            for (int addr = start; addr < end; addr += 2) {
                int got = decode(fmt, tab, len, first, addr);
                ck_assert_msg(got == want, "%s (%s): code at line %d, addr %d: got %d, want %d",
                              python, fmt, first, addr, got, want);
                nchecked++;
            }
        }
    }
    ck_assert_int_gt(ncode, 100);
    ck_assert_int_gt(nchecked, 10000);
    /* Before the first instruction: the first line. */
    ck_assert_int_eq(decode(fmt, tab, len, first, -2), first);
    free(tab);
    free(out);
    return fmt;
}

START_TEST(test_linetable_matches_cpython)
{
    uint8_t tab[] = { 0x80 | (10 << 3) | 1, 0, 0 };

    ck_assert_str_eq(check_linetables(tu_python()), "locations");
    /* Past the end of a 3.11 table: none. */
    ck_assert_int_eq(pb_linetable_line(tab, sizeof tab, 5, 1 << 30), -1);
}
END_TEST

/* The same on every CPython from 3.8 to 3.13 on the machine, each with its
 * own table format; an absent version is a counted skip, named. */
START_TEST(test_linetable_every_version)
{
    int checked = 0;

    for (int minor = 8; minor <= 13; minor++) {
        char py[1024];
        const char *fmt;
        if (!find_python(minor, py, sizeof py)) {
            fprintf(stderr, "linetable: SKIPPED CPython 3.%d: not on this machine "
                            "(no pyenv version, no python3.%d on PATH)\n", minor, minor);
            continue;
        }
        fmt = check_linetables(py);
        ck_assert_str_eq(fmt, minor <= 9 ? "lnotab" : minor == 10 ? "310" : "locations");
        fprintf(stderr, "linetable: CPython 3.%d (%s, %s format) decoded as CPython does\n",
                minor, py, fmt);
        checked++;
    }
    fprintf(stderr, "linetable: %d of 6 versions checked\n", checked);
    ck_assert_int_gt(checked, 0);
}
END_TEST

START_TEST(test_linetable_old_formats)
{
    /* 3.10: ranges of 4 and 6 bytes at lines +1 and +2, one with no line
     * (-128), an empty range that only moves the line. */
    const uint8_t t310[] = { 4, 1, 6, 2, 2, 0x80, 0, 3, 2, 0 };
    /* 3.8/3.9: line +1 from address 0, +2 (and -1 by a negative delta) at 6. */
    const uint8_t lnotab[] = { 0, 1, 6, 2, 0, 0xff };

    ck_assert_int_eq(pb_linetable_310_line(t310, sizeof t310, 10, 0), 11);
    ck_assert_int_eq(pb_linetable_310_line(t310, sizeof t310, 10, 3), 11);
    ck_assert_int_eq(pb_linetable_310_line(t310, sizeof t310, 10, 4), 13);
    ck_assert_int_eq(pb_linetable_310_line(t310, sizeof t310, 10, 9), 13);
    ck_assert_int_eq(pb_linetable_310_line(t310, sizeof t310, 10, 10), -1);
    ck_assert_int_eq(pb_linetable_310_line(t310, sizeof t310, 10, 12), 16);
    ck_assert_int_eq(pb_linetable_310_line(t310, sizeof t310, 10, 14), -1);  /* past the end */
    ck_assert_int_eq(pb_linetable_310_line(t310, 3, 10, 0), 11);  /* odd length: last byte ignored */
    ck_assert_int_eq(pb_linetable_lnotab_line(lnotab, sizeof lnotab, 10, 0), 11);
    ck_assert_int_eq(pb_linetable_lnotab_line(lnotab, sizeof lnotab, 10, 5), 11);
    ck_assert_int_eq(pb_linetable_lnotab_line(lnotab, sizeof lnotab, 10, 6), 12);
    ck_assert_int_eq(pb_linetable_lnotab_line(lnotab, sizeof lnotab, 10, 1000), 12);
    ck_assert_int_eq(pb_linetable_lnotab_line(NULL, 0, 10, 4), 10);
}
END_TEST

START_TEST(test_pyversion_from_path)
{
    unsigned minor = 0;
    int ft = -1;

    ck_assert_int_eq(pb_pyversion_from_path("/root/.pyenv/versions/3.8.18/bin/python3.8", &minor, &ft), 0);
    ck_assert_uint_eq(minor, 8);
    ck_assert_int_eq(ft, 0);
    ck_assert_int_eq(pb_pyversion_from_path("/usr/lib/x86_64-linux-gnu/libpython3.10.so.1.0", &minor, &ft), 0);
    ck_assert_uint_eq(minor, 10);
    ck_assert_int_eq(pb_pyversion_from_path("python3.13t", &minor, &ft), 0);
    ck_assert_uint_eq(minor, 13);
    ck_assert_int_eq(ft, 1);
    ck_assert_int_eq(pb_pyversion_from_path("/usr/bin/python3", &minor, &ft), -1);
    ck_assert_int_eq(pb_pyversion_from_path("/venv/bin/python", &minor, &ft), -1);
    ck_assert_int_eq(pb_pyversion_from_path("/usr/bin/pypy3.10", &minor, &ft), -1);
    ck_assert_int_eq(pb_pyversion_from_path("python3.x", &minor, &ft), -1);
}
END_TEST

/* A 3.13-shaped _Py_DebugOffsets, with the 3.13 row's own offsets. */
static void fake_debug(uint8_t *buf, uint32_t version, uint64_t free_threaded)
{
    const struct pb_pylayout *r = pb_pylayout_find(3, 13);
    uint64_t v[73];

    ck_assert_ptr_nonnull(r);
    memset(v, 0, sizeof v);
    v[1] = version;
    v[2] = free_threaded;
    v[3] = r->runtime_size; v[5] = r->runtime_interp_head;
    v[6] = 1 << 20; v[8] = r->interp_next; v[9] = r->interp_threads_head;
    v[19] = 4096; v[21] = r->tstate_next; v[22] = r->tstate_interp; v[23] = r->tstate_frame;
    v[24] = r->tstate_thread_id; v[25] = r->tstate_native_id;
    v[28] = r->frame_size + 8; v[29] = r->frame_previous; v[30] = r->frame_code;
    v[31] = r->frame_instr; v[32] = r->frame_size; v[33] = r->frame_owner;
    v[34] = 4096; v[35] = r->code_filename; v[37] = r->code_qualname; v[38] = r->code_linetable;
    v[39] = r->code_firstlineno; v[43] = r->code_size;
    v[45] = r->ob_type; v[65] = r->ob_size; v[66] = r->bytes_sval;
    v[67] = r->str_compact_size; v[68] = r->str_state; v[69] = r->str_length;
    v[70] = r->str_ascii_size;
    memcpy(v, "xdebugpy", 8);
    memcpy(buf, v, sizeof v);
}

START_TEST(test_pydebug_apply)
{
    const struct pb_pylayout *r13 = pb_pylayout_find(3, 13);
    uint8_t buf[73 * 8];
    struct pb_pylayout L;
    struct pb_error err;

    ck_assert_uint_eq(pb_pydebug_size(), sizeof buf);
    fake_debug(buf, 0x030d01f0u, 0);
    L = *r13;
    ck_assert_int_eq(pb_pydebug_apply(buf, sizeof buf, 0x030d01f0u, &L, &err), 0);
    ck_assert_int_eq(memcmp(&L.runtime_size, &r13->runtime_size,
                            offsetof(struct pb_pylayout, str_compact_mask) -
                            offsetof(struct pb_pylayout, runtime_size)), 0);
    ck_assert_uint_eq(L.version_hex, 0x030d01f0u);
    /* A field moved by the target wins over the row. */
    ((uint64_t *)(void *)buf)[23] += 8;
    ck_assert_int_eq(pb_pydebug_apply(buf, sizeof buf, 0x030d01f0u, &L, &err), 0);
    ck_assert_uint_eq(L.tstate_frame, r13->tstate_frame + 8);

    fake_debug(buf, 0x030d01f0u, 0);
    memcpy(buf, "xdebugpz", 8);
    ck_assert_int_eq(pb_pydebug_apply(buf, sizeof buf, 0x030d01f0u, &L, &err), -1);
    ck_assert_msg(strstr(err.msg, "CPython 3.13.1: no debug offsets") != NULL, "%s", err.msg);
    fake_debug(buf, 0x030d00f0u, 0);
    ck_assert_int_eq(pb_pydebug_apply(buf, sizeof buf, 0x030d01f0u, &L, &err), -1);
    ck_assert_msg(strstr(err.msg, "say version 3.13.0") != NULL, "%s", err.msg);
    fake_debug(buf, 0x030d00f0u, 1);
    ck_assert_int_eq(pb_pydebug_apply(buf, sizeof buf, 0x030d00f0u, &L, &err), -1);
    ck_assert_msg(strstr(err.msg, "free-threaded build (3.13t)") != NULL, "%s", err.msg);
    fake_debug(buf, 0x030e00f0u, 0);
    ck_assert_int_eq(pb_pydebug_apply(buf, sizeof buf, 0x030e00f0u, &L, &err), -1);
    ck_assert_msg(strstr(err.msg, "CPython 3.14.0: its debug offsets are laid out for 3.14")
                  != NULL, "%s", err.msg);
    fake_debug(buf, 0x030d00f0u, 0);
    ((uint64_t *)(void *)buf)[25] = 1u << 20;  /* native_thread_id past its struct */
    ck_assert_int_eq(pb_pydebug_apply(buf, sizeof buf, 0x030d00f0u, &L, &err), -1);
    ck_assert_msg(strstr(err.msg, "implausible debug offsets (field 25") != NULL, "%s", err.msg);
    ck_assert_int_eq(pb_pydebug_apply(buf, 16, 0x030d00f0u, &L, &err), -1);  /* too short */
}
END_TEST

START_TEST(test_pylayout_table)
{
    size_t n;
    const struct pb_pylayout *rows = pb_pylayout_rows(&n);

    /* One row per minor from 3.8 to 3.13, oldest first, each distinct by
     * its runtime size (the last way to tell a version). */
    ck_assert_uint_eq(n, 6);
    for (size_t i = 0; i < n; i++) {
        ck_assert_uint_eq((rows[i].version_hex >> 16) & 0xff, 8 + i);
        ck_assert_ptr_eq(pb_pylayout_find(3, 8 + (unsigned)i), &rows[i]);
        ck_assert_ptr_eq(pb_pylayout_by_runtime_size(rows[i].runtime_size), &rows[i]);
    }
    ck_assert_ptr_null(pb_pylayout_find(3, 7));
    ck_assert_ptr_null(pb_pylayout_find(3, 14));
    ck_assert_int_eq(pb_pylayout_find(3, 10)->frames, PB_FRAMES_OBJECT);
    ck_assert_int_eq(pb_pylayout_find(3, 12)->frames, PB_FRAMES_CFRAME);
    ck_assert_int_eq(pb_pylayout_find(3, 13)->frames, PB_FRAMES_TSTATE);
    ck_assert_uint_eq(pb_pylayout_find(3, 8)->tstate_native_id, PB_NOFIELD);
}
END_TEST

START_TEST(test_linetable_malformed)
{
    const uint8_t no_top_bit[] = { 0x01, 0x02 };
    const uint8_t cut_varint[] = { 0x80 | (13 << 3), 0x40 | 0x3f };  /* "more" at the end */
    const uint8_t one_line2[] = { 0x80 | (12 << 3) | 1, 0, 0, 0x80 | (10 << 3), 0, 0 };

    ck_assert_int_eq(pb_linetable_line(no_top_bit, sizeof no_top_bit, 10, 0), -1);
    ck_assert_int_eq(pb_linetable_line(cut_varint, sizeof cut_varint, 10, 0), -1);
    ck_assert_int_eq(pb_linetable_line(NULL, 0, 10, 0), -1);
    /* Code 12 (delta +2) covering two code units, then code 10 (+0). */
    ck_assert_int_eq(pb_linetable_line(one_line2, sizeof one_line2, 10, 0), 12);
    ck_assert_int_eq(pb_linetable_line(one_line2, sizeof one_line2, 10, 2), 12);
    ck_assert_int_eq(pb_linetable_line(one_line2, sizeof one_line2, 10, 4), 12);
    ck_assert_int_eq(pb_linetable_line(one_line2, sizeof one_line2, 10, 6), -1);
}
END_TEST

START_TEST(test_elfsym)
{
    struct pb_elf_sym syms[] = { { .name = "_PyRuntime" }, { .name = "Py_Version" },
                                 { .name = "pbench_no_such_symbol" } };
    struct pb_elf_sym one[] = { { .name = "_PyRuntime" } };
    struct pb_error err;
    char *argv[] = { (char *)tu_python(), "-c",
                     "import os, sys; print(os.path.realpath(sys.executable), end='')", NULL };
    char *pyexe = NULL;
    char *text = tu_write_file(tmpdir, "text", "#!/bin/sh\necho hi\n");
    uint64_t vaddr = 1;

    /* The interpreter itself, not a venv link or a pyenv shim script. */
    ck_assert_int_eq(tu_run(argv, &pyexe), 0);
    /* A python with a static libpython exports _PyRuntime itself; one with
     * a shared libpython does not, and then this test has nothing to see. */
    ck_assert_int_eq(pb_elf_lookup(pyexe, syms, 3, &vaddr, &err), 0);
    if (syms[0].found) {
        ck_assert_int_gt(syms[0].size, 1000);
        ck_assert_int_eq(syms[1].found, 1);
        ck_assert_int_eq(syms[1].size, 8);
    }
    ck_assert_int_eq(syms[2].found, 0);
    ck_assert_int_eq(vaddr & 0xfff, 0);
    ck_assert_int_eq(pb_elf_lookup("/bin/sh", one, 1, NULL, &err), 0);
    ck_assert_int_eq(one[0].found, 0);
    ck_assert_int_eq(pb_elf_lookup(text, one, 1, NULL, &err), -1);
    ck_assert_msg(strstr(err.msg, "is not an ELF file") != NULL, "%s", err.msg);
    ck_assert_int_eq(pb_elf_lookup("/nonexistent/elf", one, 1, NULL, &err), -1);
    ck_assert_msg(strstr(err.msg, "cannot open '/nonexistent/elf'") != NULL, "%s", err.msg);
    free(text);
    free(pyexe);
}
END_TEST

START_TEST(test_procfs)
{
    struct pb_procfs_child *kids = NULL;
    struct pb_procfs_tree *tree = pb_procfs_tree_new();
    struct pb_procfs_map *maps = NULL;
    char cmdline[256];
    struct pb_error err;
    size_t n = 0;
    char name[64], exe[4096];
    int fd, found = 0;
    pid_t child = fork();

    ck_assert_int_ge(child, 0);
    if (child == 0) {
        pid_t grandchild = fork();
        if (grandchild == 0) {
            pause();
            _exit(0);
        }
        pause();
        _exit(0);
    }
    usleep(100000);
    ck_assert_ptr_nonnull(tree);
    for (int scan = 0; scan < 2; scan++) {  /* a fresh scan, then a remembered one */
        found = 0;
        ck_assert_int_eq(pb_procfs_descendants(tree, getpid(), &kids, &n, &err), 0);
        for (size_t i = 0; i < n; i++)
            found += kids[i].pid == child || kids[i].ppid == child;
        ck_assert_int_eq(found, 2);  /* the child and its own child */
        free(kids);
    }
    kill(child, SIGKILL);
    waitpid(child, NULL, 0);
    ck_assert_int_eq(pb_procfs_descendants(tree, getpid(), &kids, &n, &err), 0);
    for (size_t i = 0; i < n; i++)
        ck_assert_int_ne(kids[i].pid, child);
    free(kids);
    pb_procfs_tree_free(tree);
    ck_assert_int_gt(pb_procfs_cmdline(getpid(), cmdline, sizeof cmdline), 0);

    fd = pb_procfs_task_open(getpid(), getpid());
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(pb_procfs_task_state(fd), 'R');  /* reading it, we run */
    close(fd);
    ck_assert_int_eq(pb_procfs_comm(getpid(), getpid(), name, sizeof name), 0);
    ck_assert_int_gt(strlen(name), 0);
    ck_assert_int_eq(pb_procfs_exe(getpid(), exe, sizeof exe), 0);
    ck_assert_int_eq(pb_procfs_maps(getpid(), &maps, &n, &err), 0);
    found = 0;
    for (size_t i = 0; i < n; i++)
        found += strcmp(maps[i].path, exe) == 0 && maps[i].offset == 0;
    ck_assert_int_ge(found, 1);
    pb_procfs_maps_free(maps, n);
    ck_assert_int_eq(pb_procfs_maps(0x7ffffff0, &maps, &n, &err), -1);
}
END_TEST

Suite *sampler_suite(void)
{
    Suite *s = suite_create("sampler");
    TCase *core = tcase_create("core");
    TCase *errors = tcase_create("errors");
    TCase *units = tcase_create("units");
    TCase *versions = tcase_create("versions");

    tcase_add_checked_fixture(core, setup, teardown);
    tcase_set_timeout(core, 60);
    tcase_add_test(core, test_split_attribution);
    tcase_add_test(core, test_worker_thread);
    tcase_add_test(core, test_subprocess_fork);
    tcase_add_test(core, test_subprocess_spawn);
    tcase_add_test(core, test_subprocess_not_followed);
    tcase_add_test(core, test_exit_midway);
    tcase_add_test(core, test_killed_midway);
    tcase_add_test(core, test_wrapper_script);
    tcase_add_test(core, test_deep_stack_truncated);
    suite_add_tcase(s, core);

    tcase_add_checked_fixture(errors, setup, teardown);
    tcase_set_timeout(errors, 60);
    tcase_add_test(errors, test_not_python_running);
    tcase_add_test(errors, test_not_python_exits);
    tcase_add_test(errors, test_missing_command);
    tcase_add_test(errors, test_not_executable);
    tcase_add_test(errors, test_usage_errors);
    suite_add_tcase(s, errors);

    tcase_add_checked_fixture(versions, setup, teardown);
    tcase_set_timeout(versions, 120);
    tcase_add_loop_test(versions, test_every_version, 8, 14);  /* CPython 3.8 to 3.13 */
    suite_add_tcase(s, versions);

    tcase_add_checked_fixture(units, setup, teardown);
    tcase_set_timeout(units, 60);
    tcase_add_test(units, test_linetable_matches_cpython);
    tcase_add_test(units, test_linetable_every_version);
    tcase_add_test(units, test_linetable_old_formats);
    tcase_add_test(units, test_linetable_malformed);
    tcase_add_test(units, test_pyversion_from_path);
    tcase_add_test(units, test_pydebug_apply);
    tcase_add_test(units, test_pylayout_table);
    tcase_add_test(units, test_elfsym);
    tcase_add_test(units, test_procfs);
    suite_add_tcase(s, units);
    return s;
}
