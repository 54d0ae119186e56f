/* template: the check of {placeholder} strings (each problem at its byte)
 * and their expansion, {datadir} included. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/template.h"
#include "util/datadir.h"

struct reports {
    size_t n;
    size_t offset[8];
    char msg[8][PB_ERROR_MSG_MAX];
};

static void collect(void *arg, size_t offset, const char *msg)
{
    struct reports *r = arg;

    if (r->n < 8) {
        r->offset[r->n] = offset;
        snprintf(r->msg[r->n], sizeof r->msg[0], "%s", msg);
        r->n++;
    }
}

START_TEST(good_templates_pass)
{
    struct reports r = { 0 };

    ck_assert_int_eq(pb_template_check("{python}", 1, collect, &r), 0);
    ck_assert_int_eq(pb_template_check("{args}", 1, collect, &r), 0);
    ck_assert_int_eq(pb_template_check("{datadir}/py/boot.py", 1, collect, &r), 0);
    ck_assert_int_eq(pb_template_check("--hot={hot} {{x}}", 0, collect, &r), 0);
    ck_assert_uint_eq(r.n, 0);
}
END_TEST

START_TEST(problems_at_their_offsets)
{
    struct reports r = { 0 };

    ck_assert_int_eq(pb_template_check("a{outdri}/b} {nonsense}", 1, collect, &r), -1);
    ck_assert_uint_eq(r.n, 3);
    ck_assert_uint_eq(r.offset[0], 1);
    ck_assert_str_eq(r.msg[0], "unknown placeholder '{outdri}' (did you mean '{outdir}'?)");
    ck_assert_uint_eq(r.offset[1], 11);
    ck_assert_str_eq(r.msg[1], "unmatched '}' (write '}}' for a literal brace)");
    ck_assert_uint_eq(r.offset[2], 13);
    ck_assert_str_eq(r.msg[2], "unknown placeholder '{nonsense}' (known: {python} {bindir} {script} "
                               "{args} {outdir} {hot} {workload} {profiler} {configdir} {pbench} {datadir} "
                               "{scriptdir})");
}
END_TEST

START_TEST(unclosed_stops_the_check)
{
    struct reports r = { 0 };

    ck_assert_int_eq(pb_template_check("x{python", 1, collect, &r), -1);
    ck_assert_uint_eq(r.n, 1);
    ck_assert_uint_eq(r.offset[0], 1);
    ck_assert_str_eq(r.msg[0], "unclosed placeholder (write '{{' for a literal brace)");
}
END_TEST

START_TEST(args_only_as_a_whole_item)
{
    struct reports r = { 0 };

    ck_assert_int_eq(pb_template_check("--x={args}", 1, collect, &r), -1);
    ck_assert_int_eq(pb_template_check("{args}", 0, collect, &r), -1);
    ck_assert_uint_eq(r.n, 2);
    ck_assert_str_eq(r.msg[0], "'{args}' must be a list item of its own (it expands to zero or more items)");
    ck_assert_str_eq(r.msg[1], "'{args}' can only be used as a whole item of 'command'");
}
END_TEST

START_TEST(datadir_expands_to_the_data_directory)
{
    struct pb_template_ctx ctx = { 0 };
    struct pb_error err;
    const char *dd = pb_datadir(&err);
    char want[4096];

    ck_assert_msg(dd != NULL, "%s", err.msg);
    ck_assert_int_eq(dd[0], '/');
    snprintf(want, sizeof want, "%s/py/boot.py", dd);
    char *s = pb_template_expand_string("{datadir}/py/boot.py", &ctx, &err);
    ck_assert_msg(s != NULL, "%s", err.msg);
    ck_assert_str_eq(s, want);
    free(s);
}
END_TEST

/* {scriptdir}: the script's directory, whatever the script's form. */
START_TEST(scriptdir_is_the_scripts_directory)
{
    static const char *const cases[][2] = {
        { "/a/b/run_benchmark.py", "/a/b/" }, { "w.py", "./" }, { "/w.py", "//" },
    };
    struct pb_error err;

    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        struct pb_template_ctx ctx = { .script = cases[i][0] };
        char *s = pb_template_expand_string("{scriptdir}/", &ctx, &err);
        ck_assert_msg(s != NULL, "%s", err.msg);
        ck_assert_str_eq(s, cases[i][1]);
        free(s);
    }
    struct pb_template_ctx none = { 0 };
    ck_assert_ptr_null(pb_template_expand_string("{scriptdir}", &none, &err));
}
END_TEST

START_TEST(placeholder_without_value_is_an_error)
{
    struct pb_template_ctx ctx = { 0 };
    struct pb_error err;
    struct pb_strv tmpl = { 0 }, argv;

    ck_assert_ptr_null(pb_template_expand_string("{python}", &ctx, &err));
    ck_assert_str_eq(err.msg, "placeholder '{python}' has no value here (in '{python}')");
    pb_strv_push(&tmpl, "x");
    pb_strv_push(&tmpl, "{outdir}/f");
    ck_assert_int_eq(pb_template_expand_argv(&tmpl, &ctx, &argv, &err), -1);
    ck_assert_ptr_null(argv.v);
    ck_assert_str_eq(err.msg, "placeholder '{outdir}' has no value here (in '{outdir}/f')");
    pb_strv_release(&tmpl);
}
END_TEST

Suite *template_suite(void)
{
    Suite *s = suite_create("template");
    TCase *check = tcase_create("check");
    TCase *expand = tcase_create("expand");

    tcase_add_test(check, good_templates_pass);
    tcase_add_test(check, problems_at_their_offsets);
    tcase_add_test(check, unclosed_stops_the_check);
    tcase_add_test(check, args_only_as_a_whole_item);
    suite_add_tcase(s, check);
    tcase_add_test(expand, datadir_expands_to_the_data_directory);
    tcase_add_test(expand, placeholder_without_value_is_an_error);
    tcase_add_test(expand, scriptdir_is_the_scripts_directory);
    suite_add_tcase(s, expand);
    return s;
}
