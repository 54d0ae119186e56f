/* The command line: every subcommand answers --help (and -h) on stdout
 * with its own usage and exit 0, takes an unknown option as a usage error
 * (exit 2), and `pbench --version` names the version; --reference of
 * summarize and report. The real binary. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"

static const char *const commands[] = {
    "run", "check", "summarize", "plot", "report", "accuracy", "sample", NULL,
};

START_TEST(every_command_has_help)
{
    for (size_t i = 0; commands[i]; i++) {
        for (int form = 0; form < 2; form++) {
            char *argv[] = { PB_BINARY, (char *)commands[i], form ? "-h" : "--help", NULL };
            char *out = NULL, want[64];
            int rc = tu_run(argv, &out);
            snprintf(want, sizeof want, "usage: pbench %s", commands[i]);
            ck_assert_msg(rc == 0, "pbench %s %s exited %d:\n%s", commands[i], argv[2], rc, out);
            ck_assert_msg(strstr(out, want) == out, "pbench %s %s printed:\n%s", commands[i], argv[2],
                          out);
            free(out);
        }
    }
}
END_TEST

START_TEST(unknown_option_is_a_usage_error)
{
    for (size_t i = 0; commands[i]; i++) {
        char *argv[] = { PB_BINARY, (char *)commands[i], "--no-such-option", "x", NULL };
        char *out = NULL;
        int rc = tu_run(argv, &out);
        ck_assert_msg(rc == 2, "pbench %s --no-such-option exited %d:\n%s", commands[i], rc, out);
        free(out);
    }
}
END_TEST

START_TEST(version_and_top_level_help)
{
    char *out = NULL;
    char *v[] = { PB_BINARY, "--version", NULL };
    ck_assert_int_eq(tu_run(v, &out), 0);
    ck_assert_str_eq(out, "pbench " PB_VERSION "\n");
    free(out);
    char *h[] = { PB_BINARY, "--help", NULL };
    ck_assert_int_eq(tu_run(h, &out), 0);
    for (size_t i = 0; commands[i]; i++) {
        char line[64];
        snprintf(line, sizeof line, "  %s ", commands[i]);
        ck_assert_msg(strstr(out, line) != NULL, "'%s' is not in pbench --help:\n%s", commands[i], out);
    }
    free(out);
    char *bad[] = { PB_BINARY, "frobnicate", NULL };
    ck_assert_int_eq(tu_run(bad, &out), 2);
    ck_assert_ptr_nonnull(strstr(out, "unknown command 'frobnicate'"));
    free(out);
}
END_TEST

/* --reference on the command line: summarize prints the comparison after
 * its table; a reference file with an error is a usage error naming its
 * file:line:col, for summarize and report alike. */
START_TEST(reference_option)
{
    char *dir = tu_mkdtemp(), *out = NULL, res[4096], bad[4096];
    char *cp[] = { "cp", "-r", PB_FIXTURES_DIR "/results-small", dir, NULL };
    int rc;

    ck_assert_ptr_nonnull(dir);
    ck_assert_int_eq(tu_run(cp, NULL), 0);
    snprintf(res, sizeof res, "%s/results-small", dir);
    free(tu_write_file(dir, "bad.yaml", "# a newer file\nformat: pbench-reference/9\n"));
    snprintf(bad, sizeof bad, "%s/bad.yaml", dir);

    char *sum[] = { PB_BINARY, "summarize", res, "--reference", "reference/scalene-osdi23.yaml",
                    NULL };
    rc = tu_run(sum, &out);
    ck_assert_msg(rc == 0, "summarize --reference exited %d:\n%s", rc, out);
    ck_assert_ptr_nonnull(strstr(out, "Overhead: normalized time"));     /* the table first */
    ck_assert_ptr_nonnull(strstr(out, "Published versus measured: Scalene paper (OSDI'23), "
                                      "Table 3"));
    ck_assert_ptr_nonnull(strstr(out, "  cProfile         cProfile             1.73x"));
    ck_assert_ptr_nonnull(strstr(out, "  austin_cpu       -                    1.00x  not in "
                                      "pbench\n"));
    ck_assert_ptr_nonnull(strstr(out, "Kendall's tau-b = 0.88 over 12 profilers (66 pairs"));
    ck_assert_ptr_nonnull(strstr(out, "cProfile and line_profiler swapped: published 1.73x < "
                                      "2.21x, measured 1.78x > 1.40x"));
    free(out);

    char *sum_bad[] = { PB_BINARY, "summarize", res, "--reference", bad, NULL };
    char want[8192];
    snprintf(want, sizeof want, "pbench summarize: %s:2:9: format 'pbench-reference/9' is not "
             "one this pbench reads (pbench-reference/1)", bad);
    rc = tu_run(sum_bad, &out);
    ck_assert_msg(rc == 2 && strstr(out, want), "exited %d:\n%s", rc, out);
    ck_assert_ptr_null(strstr(out, "Overhead"));      /* refused before summarizing */
    free(out);

    char *rep_bad[] = { PB_BINARY, "report", res, "--no-plot", "--reference", bad, NULL };
    snprintf(want, sizeof want, "pbench report: %s:2:9: format 'pbench-reference/9'", bad);
    rc = tu_run(rep_bad, &out);
    ck_assert_msg(rc == 2 && strstr(out, want), "exited %d:\n%s", rc, out);
    free(out);

    char *sum_two[] = { PB_BINARY, "summarize", res, res, NULL };
    rc = tu_run(sum_two, &out);
    ck_assert_msg(rc == 2 && strstr(out, "one results directory at a time"), "%d:\n%s", rc, out);
    free(out);
    tu_rmtree(dir);
    free(dir);
}
END_TEST

/* Gives results directory res's config-resolved.json the `reference:`
 * that a config naming it would have stored. */
static void store_reference(const char *res, const char *ref)
{
    char path[4096], *text, *rest, *with;
    size_t n;

    snprintf(path, sizeof path, "%s/config-resolved.json", res);
    text = tu_read_file(path);
    ck_assert_ptr_nonnull(text);
    rest = strchr(text, '{');
    ck_assert_ptr_nonnull(rest);
    n = strlen(text) + strlen(ref) + 64;
    with = malloc(n);
    ck_assert_ptr_nonnull(with);
    snprintf(with, n, "{\"reference\": \"%s\", %s", ref, rest + 1);
    free(tu_write_file(res, "config-resolved.json", with));
    free(with);
    free(text);
}

/* A run whose config named a reference: summarize and report use it
 * without --reference; one that cannot be read there (results moved from
 * another machine) is a warning, and the table and report still come. */
START_TEST(stored_reference_is_the_default)
{
    char *dir = tu_mkdtemp(), *out = NULL, res[4096], gone[4096];
    char *cp[] = { "cp", "-r", PB_FIXTURES_DIR "/results-small", dir, NULL };
    int rc;

    ck_assert_ptr_nonnull(dir);
    ck_assert_int_eq(tu_run(cp, NULL), 0);
    snprintf(res, sizeof res, "%s/results-small", dir);
    store_reference(res, PB_SOURCE_DIR "/configs/reference/scalene-osdi23.yaml");
    char *sum[] = { PB_BINARY, "summarize", res, NULL };
    rc = tu_run(sum, &out);
    ck_assert_msg(rc == 0 && strstr(out, "Published versus measured: Scalene paper (OSDI'23)"),
                  "summarize exited %d:\n%s", rc, out);
    free(out);

    char *cp2[] = { "cp", "-r", PB_FIXTURES_DIR "/results-small", gone, NULL };
    snprintf(gone, sizeof gone, "%s/moved", dir);
    ck_assert_int_eq(tu_run(cp2, NULL), 0);
    store_reference(gone, "/nonexistent/pbench/scalene-osdi23.yaml");
    char *sum_gone[] = { PB_BINARY, "summarize", gone, NULL };
    rc = tu_run(sum_gone, &out);
    ck_assert_msg(rc == 0 && strstr(out, "the run's reference /nonexistent/pbench/"
                                         "scalene-osdi23.yaml cannot be read")
                  && strstr(out, "Overhead: normalized time")
                  && !strstr(out, "Published versus measured"), "exited %d:\n%s", rc, out);
    free(out);
    char *rep_gone[] = { PB_BINARY, "report", gone, "--no-plot", NULL };
    rc = tu_run(rep_gone, &out);
    ck_assert_msg(rc == 0 && strstr(out, "cannot be read"), "report exited %d:\n%s", rc, out);
    free(out);
    snprintf(gone, sizeof gone, "%s/moved/report.md", dir);
    out = tu_read_file(gone);
    ck_assert_msg(out != NULL, "no report.md");
    free(out);
    tu_rmtree(dir);
    free(dir);
}
END_TEST

Suite *cli_suite(void)
{
    Suite *s = suite_create("cli");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, every_command_has_help);
    tcase_add_test(tc, unknown_option_is_a_usage_error);
    tcase_add_test(tc, version_and_top_level_help);
    tcase_add_test(tc, reference_option);
    tcase_add_test(tc, stored_reference_is_the_default);
    suite_add_tcase(s, tc);
    return s;
}
