/* The command line: every subcommand answers --help (and -h) on stdout
 * with its own usage and exit 0, takes an unknown option as a usage error
 * (exit 2), and `pbench --version` names the version. The real binary. */
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

Suite *cli_suite(void)
{
    Suite *s = suite_create("cli");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, every_command_has_help);
    tcase_add_test(tc, unknown_option_is_a_usage_error);
    tcase_add_test(tc, version_and_top_level_help);
    suite_add_tcase(s, tc);
    return s;
}
