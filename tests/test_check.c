/* pbench check: its help, its usage errors, a good config, a workload
 * without hot functions paired with a profiler that needs them, the
 * workloads whose count a run chooses (target:). */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"

START_TEST(help_goes_to_stdout_and_exits_0)
{
    static const char *const flags[] = { "--help", "-h", NULL };

    for (int i = 0; flags[i]; i++) {
        char *out = NULL;
        char *argv[] = { PB_BINARY, "check", (char *)flags[i], NULL };
        int rc = tu_run(argv, &out);
        ck_assert_msg(rc == 0, "pbench check %s exited %d:\n%s", flags[i], rc, out);
        ck_assert_msg(!strncmp(out, "usage: pbench check", 19), "pbench check %s:\n%s", flags[i], out);
        ck_assert_ptr_null(strstr(out, "cannot read config"));
        free(out);
    }
}
END_TEST

START_TEST(no_config_or_unknown_option_is_a_usage_error)
{
    char *out = NULL;
    char *none[] = { PB_BINARY, "check", NULL };
    char *bogus[] = { PB_BINARY, "check", "--bogus", "x.yaml", NULL };

    ck_assert_int_eq(tu_run(none, &out), 2);
    ck_assert_ptr_nonnull(strstr(out, "usage: pbench check"));
    free(out);
    ck_assert_int_eq(tu_run(bogus, &out), 2);
    ck_assert_ptr_nonnull(strstr(out, "usage: pbench check"));
    ck_assert_ptr_null(strstr(out, "x.yaml"));
    free(out);
}
END_TEST

START_TEST(checks_a_config_with_python_after_it)
{
    char cfg[4096], *out = NULL;
    snprintf(cfg, sizeof cfg, "%s/configs/quick.yaml", PB_SOURCE_DIR);
    char *argv[] = { PB_BINARY, "check", cfg, "--python", "/bin/sh", NULL };

    int rc = tu_run(argv, &out);
    ck_assert_msg(rc == 0, "pbench check exited %d:\n%s", rc, out);
    ck_assert_ptr_nonnull(strstr(out, "quick.yaml: ok: "));
    free(out);
}
END_TEST

/* Writes dir/c.yaml: a workload (its own YAML line) and four profilers,
 * two of which pass {hot} (in the command, in the environment), one only
 * a literal "{{hot}}"; select (may be "") is added. Returns pbench
 * check's exit status, its output in *out. */
static int check_with(const char *dir, const char *workload, const char *select, char **out)
{
    char text[4096], path[4096];

    snprintf(text, sizeof text,
             "python: /bin/sh\n"
             "workloads:\n"
             "%s\n"
             "profilers:\n"
             "  - {name: plain, baseline: true, command: [\"{python}\", \"{script}\"]}\n"
             "  - {name: lp, command: [\"{python}\", \"--hot\", \"{hot}\", \"{script}\"]}\n"
             "  - {name: envhot, command: [\"{python}\", \"{script}\"], env: {HOT: \"{hot}\"}}\n"
             "  - {name: literal, command: [\"{python}\", \"{{hot}}\", \"{script}\"]}\n"
             "%s", workload, select);
    free(tu_write_file(dir, "c.yaml", text));
    snprintf(path, sizeof path, "%s/c.yaml", dir);
    char *argv[] = { PB_BINARY, "check", path, NULL };
    return tu_run(argv, out);
}

START_TEST(workload_without_hot_meets_a_profiler_that_needs_it)
{
    char *dir = tu_mkdtemp(), *out = NULL;
    free(tu_write_file(dir, "w.py", "pass\n"));

    /* the error is at the workload's name, names both profilers, not
     * the one with a literal {{hot}} */
    int rc = check_with(dir, "  - {name: bare, script: w.py}", "", &out);
    ck_assert_msg(rc == 2, "pbench check exited %d:\n%s", rc, out);
    ck_assert_msg(strstr(out, "/c.yaml:3:12: workload 'bare' has no 'hot:' functions, but profilers "
                              "'lp', 'envhot' profile only those ({hot})")
                  && strstr(out, "name them in 'hot:' or leave them out with 'skip:' or 'select:'")
                  && strstr(out, "pbench: 1 error in '") && !strstr(out, ": ok: "), "%s", out);
    free(out);

    /* a workload with sizes: said once */
    rc = check_with(dir, "  - {name: s, script: w.py, args: [\"{size}\"], sizes: [1, 2, 3]}", "", &out);
    ck_assert_msg(rc == 2 && strstr(out, "workload 's' has no 'hot:'") && strstr(out, "pbench: 1 error in '"),
                  "%s", out);
    free(out);

    /* with hot: functions, or with those profilers left out: ok */
    rc = check_with(dir, "  - {name: hot, script: w.py, hot: [f]}", "", &out);
    ck_assert_msg(rc == 0 && strstr(out, ": ok: "), "%s", out);
    free(out);
    rc = check_with(dir, "  - {name: bare, script: w.py}", "select: {profilers: [literal]}\n", &out);
    ck_assert_msg(rc == 0 && strstr(out, ": ok: "), "%s", out);
    free(out);
    tu_rmtree(dir);
    free(dir);
}
END_TEST

START_TEST(calibrated_counts_are_chosen_at_run_time)
{
    char *dir = tu_mkdtemp(), *out = NULL;
    free(tu_write_file(dir, "w.py", "pass\n"));

    /* said once per workload, with its targets, not once per target */
    int rc = check_with(dir, "  - {name: t, script: w.py, args: [\"{size}\"], hot: [f], target: [1s, 2m]}\n"
                        "  - {name: v, script: w.py, args: [\"{size}\"], hot: [f], target: 3}\n"
                        "  - {name: u, script: w.py, hot: [f]}", "", &out);
    ck_assert_msg(rc == 0 && strstr(out, ": ok: 4 workloads")
                  && strstr(out, "  t: targets 1 s, 120 s: its sizes ({size}) are chosen when the run starts")
                  && strstr(out, "  v: target 3 s: its size ({size}) is chosen") && !strstr(out, "  t@")
                  && !strstr(out, "  u:"), "%s", out);
    free(out);
    tu_rmtree(dir);
    free(dir);
}
END_TEST

/* A workload that skips the profilers needing {hot} is no error; check
 * lists the pairs left out, once a workload as written, with reasons, and
 * counts no run for them. */
START_TEST(skipped_pairs_need_no_hot_and_are_listed)
{
    char *dir = tu_mkdtemp(), *out = NULL;
    free(tu_write_file(dir, "w.py", "pass\n"));

    int rc = check_with(dir, "  - {name: bare, script: w.py, skip: {lp: \"no Python functions\", envhot: }}\n"
                        "  - {name: s, script: w.py, args: [\"{size}\"], sizes: [1, 2], skip: [lp, envhot]}",
                        "defaults: {runs: 2, warmup: 0}\n", &out);
    ck_assert_msg(rc == 0 && strstr(out, ": ok: 3 workloads, 4 profilers (baseline 'plain'), 12 runs\n"
                                         "  skipped: 'lp' on 'bare': no Python functions\n"
                                         "  skipped: 'envhot' on 'bare'\n"
                                         "  skipped: 'lp' on 's'\n"
                                         "  skipped: 'envhot' on 's'\n"), "%s", out);
    int lines = 0;
    for (const char *c = strstr(out, "  skipped: "); c; c = strstr(c + 1, "  skipped: "))
        lines++;
    ck_assert_msg(lines == 4 && !strstr(out, "'s@"), "%s", out);   /* once for both sizes */
    free(out);

    /* skipping one of the two is not enough */
    rc = check_with(dir, "  - {name: bare, script: w.py, skip: [lp]}", "", &out);
    ck_assert_msg(rc == 2 && strstr(out, "but profiler 'envhot' profiles only those"), "%s", out);
    free(out);
    tu_rmtree(dir);
    free(dir);
}
END_TEST

Suite *check_suite(void)
{
    Suite *s = suite_create("check");
    TCase *cli = tcase_create("cli");

    tcase_set_timeout(cli, 30);
    tcase_add_test(cli, help_goes_to_stdout_and_exits_0);
    tcase_add_test(cli, no_config_or_unknown_option_is_a_usage_error);
    tcase_add_test(cli, checks_a_config_with_python_after_it);
    tcase_add_test(cli, workload_without_hot_meets_a_profiler_that_needs_it);
    tcase_add_test(cli, calibrated_counts_are_chosen_at_run_time);
    tcase_add_test(cli, skipped_pairs_need_no_hot_and_are_listed);
    suite_add_tcase(s, cli);
    return s;
}
