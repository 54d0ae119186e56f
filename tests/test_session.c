/* session: a results directory started (the interpreter probed first,
 * then config.yaml, config-resolved.json and meta.json), resumed (refused
 * when the config changed), and finished (meta stamped). Real interpreter,
 * real files. */
#include <check.h>
#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/config.h"
#include "run/session.h"
#include "store/meta.h"
#include "store/resolved.h"
#include "testutil.h"

static char *dir;

static void setup(void)
{
    dir = tu_mkdtemp();
    free(tu_write_file(dir, "w.py", "pass\n"));
}

static void teardown(void)
{
    tu_rmtree(dir);
    free(dir);
}

static struct pb_config *load(const char *python, const char *timeout)
{
    char text[2048];

    snprintf(text, sizeof text,
        "name: sess\n"
        "python: %s\n"
        "defaults: {runs: 2, warmup: 0, timeout: %s}\n"
        "workloads: [{name: w, script: w.py}]\n"
        "profilers:\n"
        "  - {name: plain, baseline: true, command: [\"{python}\", \"{script}\"]}\n"
        "  - {name: cprof, package: pip, command: [\"{python}\", -m, cProfile, \"{script}\"]}\n",
        python, timeout);
    return tu_load_config(dir, "c.yaml", text);
}

static int exists(const char *d, const char *name)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", d, name);
    return access(path, F_OK) == 0;
}

START_TEST(start_writes_the_directory)
{
    struct pb_config *cfg = load(tu_python(), "30");
    struct pb_session s;
    struct pb_error err;
    char base[4096];

    snprintf(base, sizeof base, "%s/results", dir);
    ck_assert_msg(pb_session_start(&s, cfg, 42, base, NULL, &err) == 0, "%s", err.msg);
    ck_assert_ptr_nonnull(strstr(s.dir, "/results/sess-"));
    ck_assert(exists(s.dir, "config.yaml") && exists(s.dir, "config-resolved.json")
              && exists(s.dir, "meta.json"));
    /* what was stored reads back as what the session holds */
    struct pb_meta m;
    ck_assert_int_eq(pb_meta_load(s.dir, &m, &err), 0);
    ck_assert_str_eq(m.config_hash, s.resolved.hash);
    ck_assert(m.has_seed && m.seed == 42);
    ck_assert_ptr_nonnull(m.started);
    ck_assert_ptr_null(m.finished);
    ck_assert_ptr_nonnull(m.python_version);
    ck_assert_str_eq(m.python_implementation, "CPython");
    ck_assert_ptr_nonnull(strstr(pb_meta_profiler_version(&m, "cprof"), "pip "));
    ck_assert_ptr_nonnull(strstr(pb_meta_profiler_version(&m, "plain"), "standard library"));
    ck_assert_int_eq(m.cores, (int)sysconf(_SC_NPROCESSORS_ONLN));
    pb_meta_release(&m);
    struct pb_resolved r;
    ck_assert_int_eq(pb_resolved_load(s.dir, &r, &err), 0);
    ck_assert_str_eq(r.hash, s.resolved.hash);
    ck_assert_uint_eq(r.npairs, 2);
    pb_resolved_release(&r);

    /* finished: stamped, elapsed added to what earlier sessions spent */
    ck_assert_int_eq(pb_session_finish(&s, 1.5, 1, &err), 0);
    ck_assert_int_eq(pb_session_finish(&s, 2.0, 0, &err), 0);
    ck_assert_int_eq(pb_meta_load(s.dir, &m, &err), 0);
    ck_assert_ptr_nonnull(m.finished);
    ck_assert(fabs(m.elapsed_s - 3.5) < 1e-9);
    ck_assert(m.has_complete && !m.complete);
    ck_assert(m.harness_cpu_s >= 0);
    ck_assert(!isnan(m.loadavg_end[0]));
    pb_meta_release(&m);
    pb_session_release(&s);
    pb_config_free(cfg);
}
END_TEST

START_TEST(resume_checks_the_config)
{
    struct pb_config *cfg = load(tu_python(), "30");
    struct pb_session s, s2;
    struct pb_resolved stored;
    struct pb_error err;
    char base[4096];
    int changed;

    snprintf(base, sizeof base, "%s/results", dir);
    ck_assert_int_eq(pb_session_start(&s, cfg, 9, base, NULL, &err), 0);
    ck_assert_int_eq(pb_resolved_load(s.dir, &stored, &err), 0);
    /* While the first session lives, a resume is refused before it touches
     * anything (issue 16, case 11). */
    char meta[4096], *before, *after;
    snprintf(meta, sizeof meta, "%s/meta.json", s.dir);
    before = tu_read_file(meta);
    ck_assert_int_eq(pb_session_resume(&s2, s.dir, cfg, &stored, &changed, &err), -1);
    ck_assert_msg(strstr(err.msg, "in use by another pbench run") != NULL, "%s", err.msg);
    pb_session_release(&s2);
    after = tu_read_file(meta);
    ck_assert_str_eq(before, after);
    free(before);
    free(after);
    /* Two runs recorded, the second starting 10 s after the start and
     * lasting 2.5 s, then the session died without finishing. */
    struct tm tm;
    char later[32], runs[512];
    char *sdir = strdup(s.dir), *started = strdup(s.meta.started);
    pb_session_release(&s);
    memset(&tm, 0, sizeof tm);
    ck_assert_ptr_nonnull(strptime(started, "%Y-%m-%dT%H:%M:%SZ", &tm));
    time_t t = timegm(&tm) + 10;
    strftime(later, sizeof later, "%Y-%m-%dT%H:%M:%SZ", gmtime_r(&t, &tm));
    snprintf(runs, sizeof runs,
        "{\"seq\":0,\"round\":0,\"workload\":\"w\",\"profiler\":\"plain\",\"status\":\"ok\",\"wall_s\":1,\"started\":\"%s\"}\n"
        "{\"seq\":1,\"round\":0,\"workload\":\"w\",\"profiler\":\"cprof\",\"status\":\"ok\",\"wall_s\":2.5,\"started\":\"%s\"}\n",
        started, later);
    free(tu_write_file(sdir, "runs.jsonl", runs));
    ck_assert_int_eq(pb_session_resume(&s2, sdir, cfg, &stored, &changed, &err), 0);
    ck_assert(!changed && s2.resumed && s2.seed == 9);
    ck_assert_uint_eq(s2.records.n, 2);
    /* The dead session's time counts: from the start to its last run's end. */
    ck_assert_msg(fabs(s2.meta.elapsed_s - 12.5) < 1e-9, "%g", s2.meta.elapsed_s);
    ck_assert_str_eq(s2.meta.config_hash, stored.hash);
    pb_session_release(&s2);
    /* the same config file with another timeout is another matrix */
    struct pb_config *other = load(tu_python(), "31");
    ck_assert_int_eq(pb_session_resume(&s2, sdir, other, &stored, &changed, &err), -1);
    ck_assert(changed);
    ck_assert_ptr_nonnull(strstr(err.msg, "refusing to resume"));
    pb_session_release(&s2);
    pb_config_free(other);
    pb_resolved_release(&stored);
    free(sdir);
    free(started);
    pb_config_free(cfg);
}
END_TEST

START_TEST(broken_interpreter_makes_no_directory)
{
    char *fake = tu_write_file(dir, "python", "#!/bin/sh\necho 'no such module' >&2\nexit 3\n");
    chmod(fake, 0755);
    struct pb_config *cfg = load(fake, "30");
    struct pb_session s;
    struct pb_error err;
    char base[4096];

    snprintf(base, sizeof base, "%s/results", dir);
    ck_assert_int_eq(pb_session_start(&s, cfg, 1, base, NULL, &err), -1);
    ck_assert_ptr_nonnull(strstr(err.msg, "failed (exit code 3): no such module"));
    ck_assert_ptr_null(s.dir);
    ck_assert(access(base, F_OK) != 0);
    pb_session_release(&s);
    pb_config_free(cfg);
    free(fake);
}
END_TEST

Suite *session_suite(void)
{
    Suite *s = suite_create("session");
    TCase *core = tcase_create("core");
    TCase *errors = tcase_create("errors");
    tcase_add_checked_fixture(core, setup, teardown);
    tcase_add_checked_fixture(errors, setup, teardown);
    tcase_set_timeout(core, 60);
    tcase_set_timeout(errors, 60);
    tcase_add_test(core, start_writes_the_directory);
    tcase_add_test(core, resume_checks_the_config);
    tcase_add_test(errors, broken_interpreter_makes_no_directory);
    suite_add_tcase(s, core);
    suite_add_tcase(s, errors);
    return s;
}
