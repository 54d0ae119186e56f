/* pbench check: its help, its usage errors, a good config. */
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

Suite *check_suite(void)
{
    Suite *s = suite_create("check");
    TCase *cli = tcase_create("cli");

    tcase_set_timeout(cli, 30);
    tcase_add_test(cli, help_goes_to_stdout_and_exits_0);
    tcase_add_test(cli, no_config_or_unknown_option_is_a_usage_error);
    tcase_add_test(cli, checks_a_config_with_python_after_it);
    suite_add_tcase(s, cli);
    return s;
}
