/* records: run records round-trip through runs.jsonl, argv and env
 * additions included; a torn last line is skipped with a warning; a record
 * of an unknown format is refused; lists deep-copy and free what they
 * hold; atomic files; mkdir -p. */
#include <check.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <sys/stat.h>
#include <unistd.h>

#include "store/records.h"
#include "util/fs.h"
#include "util/path.h"
#include "testutil.h"

static char *dir;

static void setup(void)
{
    dir = tu_mkdtemp();
    ck_assert_ptr_nonnull(dir);
}

static void teardown(void)
{
    tu_rmtree(dir);
    free(dir);
}

static struct pb_run_record sample(size_t seq, int round, const char *w, const char *p,
                                   enum pb_run_status st)
{
    struct pb_run_record r;
    memset(&r, 0, sizeof r);
    r.seq = seq;
    r.round = round;
    snprintf(r.workload, sizeof r.workload, "%s", w);
    snprintf(r.profiler, sizeof r.profiler, "%s", p);
    r.status = st;
    r.exit_code = st == PB_RUN_OK ? 0 : 139;
    r.signal = st == PB_RUN_OK ? 0 : 11;
    r.wall_s = 1.234567891;
    r.user_s = 1.1;
    r.sys_s = 0.05;
    r.maxrss_kb = 20480;
    r.tree_peak_rss_kb = 40960;
    snprintf(r.outdir, sizeof r.outdir, "raw/%s/%s/%d", w, p, round);
    snprintf(r.started, sizeof r.started, "2026-11-25T19:00:00Z");
    if (st != PB_RUN_OK)
        snprintf(r.error, sizeof r.error, "killed by signal 11 (Segmentation fault): \"quoted\"\nnewline");
    return r;
}

START_TEST(round_trip)
{
    struct pb_error err;
    struct pb_run_list list;
    int fd = pb_records_open_log(dir, &err);
    ck_assert_int_ge(fd, 0);
    struct pb_run_record a = sample(0, -1, "julia", "plain", PB_RUN_OK);
    struct pb_run_record b = sample(1, 0, "julia", "cProfile", PB_RUN_FAILED);
    ck_assert_int_eq(pb_records_append(fd, &a, &err), 0);
    ck_assert_int_eq(pb_records_append(fd, &b, &err), 0);
    close(fd);

    ck_assert_int_eq(pb_records_read(dir, 0, &list, &err), 0);
    ck_assert_uint_eq(list.n, 2);
    ck_assert_uint_eq(list.skipped_lines, 0);
    ck_assert_int_eq(list.items[0].round, -1);
    ck_assert_str_eq(list.items[0].workload, "julia");
    ck_assert(fabs(list.items[0].wall_s - a.wall_s) < 1e-11);   /* 12 significant digits kept */
    ck_assert_int_eq(list.items[0].tree_peak_rss_kb, 40960);
    ck_assert_int_eq(list.items[1].status, PB_RUN_FAILED);
    ck_assert_int_eq(list.items[1].exit_code, 139);
    ck_assert_int_eq(list.items[1].signal, 11);
    ck_assert_str_eq(list.items[1].error, b.error);
    ck_assert_str_eq(list.items[1].outdir, "raw/julia/cProfile/0");
    pb_records_release(&list);

    /* every record is exactly one line */
    char path[4096];
    snprintf(path, sizeof path, "%s/runs.jsonl", dir);
    char *text = tu_read_file(path);
    int lines = 0;
    for (char *c = text; *c; c++)
        lines += *c == '\n';
    ck_assert_int_eq(lines, 2);
    ck_assert_ptr_nonnull(strstr(text, "\"warmup\": true") ? text : strstr(text, "\"warmup\":true"));
    free(text);
}
END_TEST

START_TEST(torn_last_line_is_skipped_with_warning)
{
    struct pb_error err;
    struct pb_run_list list;
    int fd = pb_records_open_log(dir, &err);
    struct pb_run_record a = sample(0, 0, "w", "plain", PB_RUN_OK);
    pb_records_append(fd, &a, &err);
    pb_records_append(fd, &a, &err);
    ck_assert_int_eq(write(fd, "{\"seq\": 2, \"round\": 0, \"work", 29), 29);
    close(fd);
    ck_assert_int_eq(pb_records_read(dir, 0, &list, &err), 0);
    ck_assert_uint_eq(list.n, 2);
    ck_assert_uint_eq(list.skipped_lines, 1);
    ck_assert_ptr_nonnull(strstr(list.warning, "runs.jsonl:3: ignored a torn last line"));
    pb_records_release(&list);
}
END_TEST

START_TEST(reopening_repairs_a_torn_line_and_locks)
{
    struct pb_error err;
    struct pb_run_list list;
    int fd = pb_records_open_log(dir, &err);
    struct pb_run_record a = sample(0, 0, "w", "plain", PB_RUN_OK);
    pb_records_append(fd, &a, &err);
    ck_assert_int_eq(write(fd, "{\"seq\": 1, \"rou", 16), 16);   /* a crash mid-write */
    close(fd);
    fd = pb_records_open_log(dir, &err);
    ck_assert_int_ge(fd, 0);
    /* a second writer is refused while the first holds the log */
    ck_assert_int_eq(pb_records_open_log(dir, &err), -1);
    ck_assert_ptr_nonnull(strstr(err.msg, "in use by another pbench run"));
    a.seq = 2;
    ck_assert_int_eq(pb_records_append(fd, &a, &err), 0);
    close(fd);
    ck_assert_int_eq(pb_records_read(dir, 0, &list, &err), 0);
    ck_assert_uint_eq(list.n, 2);               /* the new record was not swallowed */
    ck_assert_uint_eq(list.skipped_lines, 0);
    ck_assert_uint_eq(list.items[1].seq, 2);
    pb_records_release(&list);
}
END_TEST

START_TEST(garbage_lines_are_skipped)
{
    struct pb_error err;
    struct pb_run_list list;
    free(tu_write_file(dir, "runs.jsonl", "not json\n{\"a\": 1}\n\n"));
    ck_assert_int_eq(pb_records_read(dir, 0, &list, &err), 0);
    ck_assert_uint_eq(list.n, 0);
    ck_assert_uint_eq(list.skipped_lines, 2);
    pb_records_release(&list);
}
END_TEST

/* Names and paths that would steer pbench outside the results directory
 * (issue 16, case 3) make a record unreadable: skipped, counted. */
START_TEST(traversal_in_records_is_refused)
{
    struct pb_error err;
    struct pb_run_list list;
    free(tu_write_file(dir, "runs.jsonl",
        "{\"round\":0,\"workload\":\"w\",\"profiler\":\"../../../x/p\",\"status\":\"ok\",\"wall_s\":1}\n"
        "{\"round\":0,\"workload\":\"..\",\"profiler\":\"p\",\"status\":\"ok\",\"wall_s\":1}\n"
        "{\"round\":0,\"workload\":\"w\",\"profiler\":\"p\",\"python\":\"a/b\",\"status\":\"ok\",\"wall_s\":1}\n"
        "{\"round\":0,\"workload\":\"w\",\"profiler\":\"p\",\"status\":\"ok\",\"wall_s\":1,\"outdir\":\"/etc\"}\n"
        "{\"round\":0,\"workload\":\"w\",\"profiler\":\"p\",\"status\":\"ok\",\"wall_s\":1,\"outdir\":\"raw/../../x\"}\n"
        "{\"round\":0,\"workload\":\"julia@300\",\"profiler\":\"p\",\"python\":\"py3.12\",\"status\":\"ok\",\"wall_s\":1.5,\"outdir\":\"raw/julia@300/p/0\"}\n"));
    ck_assert_int_eq(pb_records_read(dir, 0, &list, &err), 0);
    ck_assert_uint_eq(list.n, 1);
    ck_assert_str_eq(list.items[0].workload, "julia@300");
    ck_assert_uint_eq(list.skipped_lines, 5);
    pb_records_release(&list);
    /* a finished run of no time (the baseline of a 1e8 ratio) */
    free(tu_write_file(dir, "runs.jsonl",
        "{\"round\":0,\"workload\":\"w\",\"profiler\":\"p\",\"status\":\"ok\",\"wall_s\":0}\n"
        "{\"round\":0,\"workload\":\"w\",\"profiler\":\"p\",\"status\":\"ok\",\"wall_s\":-1}\n"
        "{\"round\":0,\"workload\":\"w\",\"profiler\":\"p\",\"status\":\"ok\",\"wall_s\":1,\"user_s\":-2}\n"
        "{\"round\":0,\"workload\":\"w\",\"profiler\":\"p\",\"status\":\"failed\",\"wall_s\":0}\n"));
    ck_assert_int_eq(pb_records_read(dir, 0, &list, &err), 0);
    ck_assert_uint_eq(list.n, 1);
    ck_assert_uint_eq(list.skipped_lines, 3);
    pb_records_release(&list);
    ck_assert(pb_relpath_ok("raw/a/b/0") && !pb_relpath_ok("raw//a") && !pb_relpath_ok("raw/")
              && !pb_relpath_ok("./raw") && !pb_relpath_ok("") && !pb_relpath_ok("a/\n"));
    ck_assert(pb_name_ok("line_profiler") && !pb_name_ok("a@b") && !pb_name_ok(".x"));
}
END_TEST

START_TEST(missing_log)
{
    struct pb_error err;
    struct pb_run_list list;
    ck_assert_int_eq(pb_records_read(dir, 1, &list, &err), 0);
    ck_assert_uint_eq(list.n, 0);
    ck_assert_int_eq(pb_records_read(dir, 0, &list, &err), -1);
    ck_assert_ptr_nonnull(strstr(err.msg, "runs.jsonl"));
    ck_assert_ptr_nonnull(strstr(err.msg, "No such file"));
}
END_TEST

START_TEST(status_names_round_trip)
{
    for (int s = 0; s < PB_RUN_STATUS_COUNT; s++)
        ck_assert_int_eq(pb_run_status_parse(pb_run_status_name(s)), s);
    ck_assert_int_eq(pb_run_status_parse("bogus"), -1);
}
END_TEST

START_TEST(write_file_and_mkdirs)
{
    struct pb_error err;
    char path[4096];
    snprintf(path, sizeof path, "%s/a/b/c", dir);
    ck_assert_int_eq(pb_mkdirs(path, &err), 0);
    ck_assert_int_eq(pb_mkdirs(path, &err), 0);      /* idempotent */
    ck_assert_int_eq(pb_write_file(path, "x.txt", "hello", 5, &err), 0);
    snprintf(path, sizeof path, "%s/a/b/c/x.txt", dir);
    char *t = tu_read_file(path);
    ck_assert_str_eq(t, "hello");
    free(t);
    /* a file in the way */
    snprintf(path, sizeof path, "%s/a/b/c/x.txt/sub", dir);
    ck_assert_int_eq(pb_mkdirs(path, &err), -1);
    ck_assert_ptr_nonnull(strstr(err.msg, "cannot create directory"));
    /* an unwritable place */
    if (geteuid() != 0) {
        ck_assert_int_eq(pb_write_file("/proc", "x", "a", 1, &err), -1);
    }
    ck_assert_int_eq(pb_write_file("/nonexistent-dir", "x", "a", 1, &err), -1);
    ck_assert_ptr_nonnull(strstr(err.msg, "cannot write '/nonexistent-dir/x'"));
}
END_TEST

/* Two writers of one file at once (two `pbench summarize`, issue 16 case
 * 11): each write succeeds and the file always holds one writer's whole
 * text; a planted symlink at the final name is replaced, not written
 * through. */
START_TEST(concurrent_writers_and_planted_symlink)
{
    char victim[4096], link[4096];
    struct pb_error err;
    pid_t kids[2];
    int status;

    for (int k = 0; k < 2; k++) {
        kids[k] = fork();
        ck_assert_int_ge(kids[k], 0);
        if (kids[k] == 0) {
            char text[64];
            int n = snprintf(text, sizeof text, "writer %d\n", k);
            for (int i = 0; i < 300; i++) {
                if (pb_write_file(dir, "summary.json", text, (size_t)n, &err) < 0) {
                    fprintf(stderr, "writer %d, write %d: %s\n", k, i, err.msg);
                    _exit(1);
                }
            }
            _exit(0);
        }
    }
    for (int k = 0; k < 2; k++) {
        ck_assert_int_eq(waitpid(kids[k], &status, 0), kids[k]);
        ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0, "writer %d failed", k);
    }
    snprintf(link, sizeof link, "%s/summary.json", dir);
    char *t = tu_read_file(link);
    ck_assert(!strcmp(t, "writer 0\n") || !strcmp(t, "writer 1\n"));
    free(t);

    snprintf(victim, sizeof victim, "%s/victim.txt", dir);
    free(tu_write_file(dir, "victim.txt", "untouched"));
    snprintf(link, sizeof link, "%s/plot.dat", dir);
    ck_assert_int_eq(symlink(victim, link), 0);
    ck_assert_int_eq(pb_write_file(dir, "plot.dat", "new", 3, &err), 0);
    t = tu_read_file(victim);
    ck_assert_str_eq(t, "untouched");
    free(t);
    struct stat st;
    ck_assert_int_eq(lstat(link, &st), 0);
    ck_assert(S_ISREG(st.st_mode));
}
END_TEST

/* Planted symlinks in a results directory (issue 16, case 4): writing a
 * chart's file or making a run's directory never goes through them. */
START_TEST(planted_symlinks_are_not_followed)
{
    char victim[4096], link[4096], outside[4096], raw[4096];
    struct pb_error err;

    free(tu_write_file(dir, "victim.txt", "untouched"));
    snprintf(victim, sizeof victim, "%s/victim.txt", dir);
    snprintf(link, sizeof link, "%s/overhead.dat", dir);
    ck_assert_int_eq(symlink(victim, link), 0);
    errno = 0;
    ck_assert_ptr_null(pb_fopen_write(link));
    ck_assert_int_eq(errno, ELOOP);
    char *t = tu_read_file(victim);
    ck_assert_str_eq(t, "untouched");
    free(t);

    /* raw/w -> a directory outside: a run's directory below it is refused,
     * and the file inside the outside directory survives */
    snprintf(outside, sizeof outside, "%s/outside", dir);
    ck_assert_int_eq(mkdir(outside, 0755), 0);
    free(tu_write_file(outside, "keep.txt", "keep"));
    snprintf(raw, sizeof raw, "%s/raw", dir);
    ck_assert_int_eq(mkdir(raw, 0755), 0);
    snprintf(link, sizeof link, "%s/raw/w", dir);
    ck_assert_int_eq(symlink(outside, link), 0);
    ck_assert_int_eq(pb_mkdirs_below(dir, "raw/w/p/0", &err), -1);
    ck_assert_msg(strstr(err.msg, "raw/w' is not a directory (a symbolic link?)") != NULL, "%s",
                  err.msg);
    ck_assert_int_eq(pb_mkdirs_below(dir, "raw/x/p/0", &err), 0);
    struct stat st;
    snprintf(link, sizeof link, "%s/raw/x/p/0", dir);
    ck_assert_int_eq(lstat(link, &st), 0);
    ck_assert(S_ISDIR(st.st_mode));
    snprintf(link, sizeof link, "%s/keep.txt", outside);
    ck_assert_int_eq(access(link, F_OK), 0);
}
END_TEST

/* FIFOs planted where pbench reads a file (issue 16, case 8): each read
 * returns at once with "not a regular file" instead of blocking forever
 * (Check's timeout would fail the test). */
START_TEST(fifos_are_refused)
{
    char path[4096], tail[64], sub[4096];
    struct pb_error err;
    struct pb_run_list list;
    int errnum = 0;

    snprintf(path, sizeof path, "%s/stderr.txt", dir);
    ck_assert_int_eq(mkfifo(path, 0600), 0);
    strcpy(tail, "stale");
    pb_file_last_line(path, tail, sizeof tail);
    ck_assert_str_eq(tail, "");
    ck_assert_ptr_null(pb_read_file(path, 1024, NULL, &errnum));
    ck_assert_int_eq(errnum, PB_ENOTREG);
    ck_assert_str_eq(pb_strerror(PB_ENOTREG), "not a regular file (a FIFO, socket or device)");
    errnum = 0;
    ck_assert_ptr_null(pb_read_file(dir, 1024, NULL, &errnum));
    ck_assert_int_eq(errnum, EISDIR);

    /* runs.jsonl as a FIFO: --resume reads it, a run appends to it */
    snprintf(sub, sizeof sub, "%s/res", dir);
    ck_assert_int_eq(pb_mkdirs(sub, &err), 0);
    snprintf(path, sizeof path, "%s/runs.jsonl", sub);
    ck_assert_int_eq(mkfifo(path, 0600), 0);
    ck_assert_int_eq(pb_records_read(sub, 1, &list, &err), -1);
    ck_assert_msg(strstr(err.msg, "not a regular file") != NULL, "%s", err.msg);
    ck_assert_int_eq(pb_records_open_log(sub, &err), -1);
    ck_assert_msg(strstr(err.msg, "not a regular file") != NULL, "%s", err.msg);
}
END_TEST

/* ---- argv and env (pbench-run/2) ---- */

static size_t vec_len(char *const *v)
{
    size_t n = 0;
    while (v && v[n])
        n++;
    return n;
}

static void assert_vec_eq(char *const *got, char *const *want)
{
    ck_assert_ptr_nonnull(got);
    ck_assert_uint_eq(vec_len(got), vec_len(want));
    for (size_t i = 0; want[i]; i++)
        ck_assert_msg(!strcmp(got[i], want[i]), "[%zu]: '%s' != '%s'", i, got[i], want[i]);
}

/* Quotes, backslashes, a newline, a tab, UTF-8 (2, 3 and 4 bytes) and an
 * empty string, each kept byte for byte. */
static char *const tricky_argv[] = {
    "/usr/bin/python3", "-c", "print(\"hi\\n\")\nprint('caf\xc3\xa9')", "",
    "--name=\xe6\x97\xa5\xe6\x9c\xac \xf0\x9f\x90\x8d", "a\tb\\c", NULL
};
static char *const tricky_env[] = {
    "PYTHONHASHSEED=0", "QUOTED=say \"x\"\nnext line", "CITY=Z\xc3\xbcrich", NULL
};

START_TEST(argv_env_round_trip)
{
    struct pb_error err;
    struct pb_run_list list;
    int fd = pb_records_open_log(dir, &err);
    ck_assert_int_ge(fd, 0);
    struct pb_run_record a = sample(0, 0, "w", "cProfile", PB_RUN_OK);
    struct pb_run_record b = sample(1, 1, "w", "cProfile", PB_RUN_SKIPPED);
    struct pb_run_record c = sample(2, 1, "w", "plain", PB_RUN_OK);
    char *const no_env[] = { NULL };

    a.env_pad = 1234;
    ck_assert_int_eq(pb_run_record_set_argv(&a, tricky_argv), 0);
    ck_assert_int_eq(pb_run_record_set_env(&a, tricky_env), 0);
    ck_assert_ptr_ne(a.argv[2], tricky_argv[2]);        /* a copy */
    /* b was never started: no argv, no env */
    ck_assert_int_eq(pb_run_record_set_argv(&c, tricky_argv + 3), 0);
    ck_assert_int_eq(pb_run_record_set_env(&c, no_env), 0);
    ck_assert_int_eq(pb_records_append(fd, &a, &err), 0);
    ck_assert_int_eq(pb_records_append(fd, &b, &err), 0);
    ck_assert_int_eq(pb_records_append(fd, &c, &err), 0);
    close(fd);

    ck_assert_msg(pb_records_read(dir, 0, &list, &err) == 0, "%s", err.msg);
    ck_assert_uint_eq(list.n, 3);
    ck_assert_uint_eq(list.skipped_lines, 0);
    assert_vec_eq(list.items[0].argv, tricky_argv);
    assert_vec_eq(list.items[0].env, tricky_env);
    ck_assert_int_eq(list.items[0].env_pad, 1234);
    ck_assert_ptr_null(list.items[1].argv);
    ck_assert_ptr_null(list.items[1].env);
    assert_vec_eq(list.items[2].argv, tricky_argv + 3);
    /* an empty environment addition stays empty, not unknown */
    ck_assert_ptr_nonnull(list.items[2].env);
    ck_assert_ptr_null(list.items[2].env[0]);
    pb_records_release(&list);

    /* each record, newline in an argument and all, is still one line */
    char path[4096];
    snprintf(path, sizeof path, "%s/runs.jsonl", dir);
    char *text = tu_read_file(path);
    int lines = 0;
    for (char *p = text; *p; p++)
        lines += *p == '\n';
    ck_assert_int_eq(lines, 3);
    ck_assert_ptr_nonnull(strstr(text, "\"format\":\"" PB_RECORDS_FORMAT "\""));
    free(text);

    /* setting NULL clears; release leaves nothing behind and may repeat */
    ck_assert_int_eq(pb_run_record_set_argv(&a, NULL), 0);
    ck_assert_ptr_null(a.argv);
    pb_run_record_release(&a);
    ck_assert_ptr_null(a.env);
    pb_run_record_release(&a);
    pb_run_record_release(&c);
}
END_TEST

/* Bytes that are not UTF-8 (a script in a Latin-1 named directory, an
 * error naming it) cannot go into JSON as they are; each becomes U+FFFD.
 * What must not happen: the argument silently vanishing from argv (a
 * different command line) or the error reading as none. */
START_TEST(non_utf8_bytes_keep_their_place)
{
    struct pb_error err;
    struct pb_run_list list;
    int fd = pb_records_open_log(dir, &err);
    struct pb_run_record r = sample(0, 0, "w", "plain", PB_RUN_SPAWN_ERROR);
    char *argv[] = { "python", "/home/j\xf6rg/w.py", "\xc0\xaf", "caf\xc3\xa9\xc3", "x", NULL };
    char *env[] = { "DIR=/home/j\xf6rg", NULL };
    char *const want[] = { "python", "/home/j\xef\xbf\xbdrg/w.py", "\xef\xbf\xbd\xef\xbf\xbd",
                           "caf\xc3\xa9\xef\xbf\xbd", "x", NULL };

    ck_assert_int_ge(fd, 0);
    snprintf(r.error, sizeof r.error, "cannot run '/home/j\xf6rg/py': No such file or directory");
    ck_assert_int_eq(pb_run_record_set_argv(&r, argv), 0);
    ck_assert_int_eq(pb_run_record_set_env(&r, env), 0);
    ck_assert_int_eq(pb_records_append(fd, &r, &err), 0);
    close(fd);
    pb_run_record_release(&r);
    ck_assert_msg(pb_records_read(dir, 0, &list, &err) == 0, "%s", err.msg);
    ck_assert_uint_eq(list.n, 1);
    assert_vec_eq(list.items[0].argv, want);
    ck_assert_str_eq(list.items[0].env[0], "DIR=/home/j\xef\xbf\xbdrg");
    ck_assert_str_eq(list.items[0].error,
                     "cannot run '/home/j\xef\xbf\xbdrg/py': No such file or directory");
    pb_records_release(&list);
}
END_TEST

/* A record written before formats were versioned (pbench-run/1): no
 * "format", no argv, no env. It reads, with argv and env unknown. */
START_TEST(record_without_format_reads_as_v1)
{
    struct pb_error err;
    struct pb_run_list list;
    free(tu_write_file(dir, "runs.jsonl",
        "{\"seq\": 4, \"round\": 2, \"warmup\": false, \"workload\": \"julia\", "
        "\"profiler\": \"cProfile\", \"status\": \"timeout\", \"exit_code\": 137, \"signal\": 9, "
        "\"timed_out\": true, \"wall_s\": 10.5, \"user_s\": 9.25, \"sys_s\": 0.5, \"cpu_s\": 9.75, "
        "\"maxrss_kb\": 2048, \"tree_peak_rss_kb\": 4096, \"outdir\": \"raw/julia/cProfile/2\", "
        "\"started\": \"2026-11-25T19:41:02Z\", \"env_pad\": 77, \"error\": \"timed out after 10 s\"}\n"));
    ck_assert_msg(pb_records_read(dir, 0, &list, &err) == 0, "%s", err.msg);
    ck_assert_uint_eq(list.n, 1);
    ck_assert_uint_eq(list.skipped_lines, 0);
    const struct pb_run_record *r = &list.items[0];
    ck_assert_uint_eq(r->seq, 4);
    ck_assert_int_eq(r->round, 2);
    ck_assert_int_eq(r->status, PB_RUN_TIMEOUT);
    ck_assert_int_eq(r->exit_code, 137);
    ck_assert_int_eq(r->signal, 9);
    ck_assert(r->timed_out);
    ck_assert(r->wall_s == 10.5 && r->user_s == 9.25 && r->sys_s == 0.5);
    ck_assert_int_eq(r->maxrss_kb, 2048);
    ck_assert_int_eq(r->tree_peak_rss_kb, 4096);
    ck_assert_int_eq(r->env_pad, 77);
    ck_assert_str_eq(r->error, "timed out after 10 s");
    ck_assert_ptr_null(r->argv);
    ck_assert_ptr_null(r->env);
    pb_records_release(&list);
}
END_TEST

/* A record of a format this pbench does not know fails the whole read,
 * naming the file, the line and the format (not a skipped line: the
 * figures would silently lose its runs). */
START_TEST(unknown_record_format_is_refused)
{
    static const char *const bad[] = { "\"pbench-run/9\"", "2", "\"\"" };
    static const char *const shown[] = { "'pbench-run/9'", "'?'", "''" };
    struct pb_error err;
    struct pb_run_list list;
    char buf[2048];
    char line1[512], text[1024];

    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        snprintf(line1, sizeof line1, "{\"format\": \"%s\", \"seq\": 0, \"round\": 0, "
                 "\"workload\": \"w\", \"profiler\": \"plain\", \"status\": \"ok\"}\n",
                 PB_RECORDS_FORMAT);
        snprintf(text, sizeof text, "%s\n{\"format\": %s, \"seq\": 1, \"round\": 0, "
                 "\"workload\": \"w\", \"profiler\": \"plain\", \"status\": \"ok\"}\n%s",
                 line1, bad[i], line1);
        free(tu_write_file(dir, "runs.jsonl", text));
        memset(&err, 0, sizeof err);
        ck_assert_int_eq(pb_records_read(dir, 0, &list, &err), -1);
        ck_assert_ptr_null(list.items);          /* nothing to release */
        ck_assert_uint_eq(list.n, 0);
        pb_error_format(&err, buf, sizeof buf);
        ck_assert_msg(strstr(err.file, "/runs.jsonl") != NULL, "%s", buf);
        ck_assert_msg(!strncmp(err.file, dir, strlen(dir)), "%s", buf);
        ck_assert_int_eq(err.line, 3);           /* after a blank line */
        ck_assert_msg(strstr(buf, "runs.jsonl:3:") != NULL, "%s", buf);
        ck_assert_msg(strstr(buf, shown[i]) != NULL, "%s", buf);
        ck_assert_msg(strstr(buf, "pbench-run/1") && strstr(buf, "pbench-run/2"), "%s", buf);
    }
}
END_TEST

/* pb_records_push deep-copies: the source may be freed or reused at once. */
START_TEST(push_deep_copies)
{
    struct pb_run_list list;
    struct pb_run_record r = sample(0, 0, "w", "plain", PB_RUN_OK);
    char arg[32];

    memset(&list, 0, sizeof list);
    for (int i = 0; i < 150; i++) {       /* past the first growth or two */
        snprintf(arg, sizeof arg, "arg-%d", i);
        char *argv[] = { "python", arg, NULL };
        char *env[] = { "K=v", NULL };
        r.seq = (size_t)i;
        ck_assert_int_eq(pb_run_record_set_argv(&r, argv), 0);
        ck_assert_int_eq(pb_run_record_set_env(&r, i % 2 ? env : NULL), 0);
        ck_assert_int_eq(pb_records_push(&list, &r), 0);
        ck_assert_ptr_ne(list.items[list.n - 1].argv, r.argv);
        ck_assert_ptr_ne(list.items[list.n - 1].argv[1], r.argv[1]);
        /* scribble over the source's strings, then free them */
        r.argv[1][0] = 'X';
        pb_run_record_release(&r);
        snprintf(r.workload, sizeof r.workload, "changed");
    }
    ck_assert_uint_eq(list.n, 150);
    for (size_t i = 0; i < list.n; i++) {
        snprintf(arg, sizeof arg, "arg-%zu", i);
        ck_assert_uint_eq(list.items[i].seq, i);
        ck_assert_str_eq(list.items[i].workload, i ? "changed" : "w");
        ck_assert_str_eq(list.items[i].argv[0], "python");
        ck_assert_str_eq(list.items[i].argv[1], arg);
        ck_assert_ptr_null(list.items[i].argv[2]);
        if (i % 2) {
            ck_assert_str_eq(list.items[i].env[0], "K=v");
            ck_assert_ptr_null(list.items[i].env[1]);
        } else {
            ck_assert_ptr_null(list.items[i].env);
        }
    }

    /* a copy is as deep */
    struct pb_run_record copy;
    ck_assert_int_eq(pb_run_record_copy(&copy, &list.items[3]), 0);
    ck_assert_ptr_ne(copy.env, list.items[3].env);
    ck_assert_ptr_ne(copy.env[0], list.items[3].env[0]);
    ck_assert_str_eq(copy.argv[1], "arg-3");

    /* release frees every record (the sanitizer build checks for leaks)
     * and leaves a list that can be used again */
    pb_records_release(&list);
    ck_assert_ptr_null(list.items);
    ck_assert_uint_eq(list.n, 0);
    ck_assert_uint_eq(list.cap, 0);
    ck_assert_str_eq(copy.argv[1], "arg-3");      /* the copy outlives the list */
    ck_assert_int_eq(pb_records_push(&list, &copy), 0);
    pb_run_record_release(&copy);
    ck_assert_uint_eq(list.n, 1);
    ck_assert_str_eq(list.items[0].argv[1], "arg-3");
    pb_records_release(&list);
    pb_records_release(&list);                    /* twice is harmless */
}
END_TEST

Suite *records_suite(void)
{
    Suite *s = suite_create("records");
    TCase *core = tcase_create("core");
    TCase *errors = tcase_create("errors");

    tcase_add_checked_fixture(core, setup, teardown);
    tcase_add_checked_fixture(errors, setup, teardown);
    tcase_add_test(core, round_trip);
    tcase_add_test(core, status_names_round_trip);
    tcase_add_test(core, write_file_and_mkdirs);
    tcase_add_test(core, concurrent_writers_and_planted_symlink);
    tcase_add_test(core, fifos_are_refused);
    tcase_add_test(core, planted_symlinks_are_not_followed);
    tcase_add_test(core, argv_env_round_trip);
    tcase_add_test(core, record_without_format_reads_as_v1);
    tcase_add_test(core, push_deep_copies);
    tcase_add_test(core, non_utf8_bytes_keep_their_place);
    tcase_add_test(errors, torn_last_line_is_skipped_with_warning);
    tcase_add_test(errors, garbage_lines_are_skipped);
    tcase_add_test(errors, reopening_repairs_a_torn_line_and_locks);
    tcase_add_test(errors, missing_log);
    tcase_add_test(errors, traversal_in_records_is_refused);
    tcase_add_test(errors, unknown_record_format_is_refused);
    suite_add_tcase(s, core);
    suite_add_tcase(s, errors);
    return s;
}
