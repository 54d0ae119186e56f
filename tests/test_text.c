/* Tests of util/text: the escaping every stored string goes through before
 * it reaches Markdown or gnuplot, fed hostile strings (issue 16, case 5). */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/text.h"

/* What fn(f, s) writes, as a malloc'd string. */
static char *capture(void (*fn)(FILE *, const char *), const char *s)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);

    ck_assert_ptr_nonnull(f);
    fn(f, s);
    fclose(f);
    return buf;
}

static void md_text_nolimit(FILE *f, const char *s)
{
    pb_md_text(f, s, 0);
}

/* The length of the backtick run at p. */
static size_t run_at(const char *p)
{
    size_t n = 0;

    while (p[n] == '`')
        n++;
    return n;
}

/* A code span as CommonMark reads it: the opening run's length, and the
 * first later run of exactly that length closes it. Checks that the span
 * closes at the very end of out, so nothing after the content escapes. */
static void assert_one_code_span(const char *out)
{
    size_t open = run_at(out), len = strlen(out);
    const char *p = out + open;

    ck_assert_uint_gt(open, 0);
    while (*p) {
        size_t r = run_at(p);
        if (r == 0) {
            p++;
            continue;
        }
        if (r == open) {
            ck_assert_msg((size_t)(p - out) + r == len, "span closes early in: %s", out);
            return;
        }
        p += r;
    }
    ck_abort_msg("span never closes: %s", out);
}

START_TEST(code_span_survives_hostile_strings)
{
    static const char *const hostile[] = {
        "/usr/bin/python3",
        "a`b",
        "x``<script>alert(1)</script>``y",
        "```",
        "`` ` ``` ````",
        "| col | break |",
        "line\nbreak\r\tand\x01control",
    };

    for (size_t i = 0; i < sizeof hostile / sizeof hostile[0]; i++) {
        char *out = capture(pb_md_code, hostile[i]);
        assert_one_code_span(out);
        ck_assert_msg(!strchr(out, '\n') && !strchr(out, '\r') && !strchr(out, '\x01'),
                      "control character kept: %s", out);
        for (size_t k = 0; out[k]; k++)
            if (out[k] == '|')
                ck_assert_msg(k > 0 && out[k - 1] == '\\', "unescaped | in %s", out);
        free(out);
    }
    char *out = capture(pb_md_code, "x``<script>y");
    ck_assert_str_eq(out, "``` x``<script>y ```");
    free(out);
    out = capture(pb_md_code, "plain");
    ck_assert_str_eq(out, "`plain`");
    free(out);
    out = capture(pb_md_code, "");
    ck_assert_str_eq(out, "` `");
    free(out);
}
END_TEST

START_TEST(text_escapes_markup_and_html)
{
    char *out = capture(md_text_nolimit, "<script>alert(1)</script> | *x* [l](u) `c` #h");

    ck_assert_ptr_nonnull(strstr(out, "\\<script\\>"));  /* shown, never a tag */
    for (const char *p = out; *p; p++) {
        if (strchr("<>|*[]`#", *p))
            ck_assert_msg(p > out && p[-1] == '\\', "unescaped '%c' in %s", *p, out);
    }
    free(out);
    out = capture(md_text_nolimit, "line_profiler");
    ck_assert_str_eq(out, "line_profiler");
    free(out);
}
END_TEST

START_TEST(gnuplot_string_cannot_break_out)
{
    char *out = capture(pb_gp_string, "it's'; system('rm -rf /')\n#");

    ck_assert_str_eq(out, "'it''s''; system(''rm -rf /'') #'");
    free(out);
}
END_TEST

START_TEST(url_escape_keeps_paths_only)
{
    char *u = pb_url_escape("raw/a b/<x>\")(.json");

    ck_assert_str_eq(u, "raw/a%20b/%3Cx%3E%22%29%28.json");
    free(u);
}
END_TEST

Suite *text_suite(void)
{
    Suite *s = suite_create("text");
    TCase *core = tcase_create("core");

    tcase_add_test(core, code_span_survives_hostile_strings);
    tcase_add_test(core, text_escapes_markup_and_html);
    tcase_add_test(core, gnuplot_string_cannot_break_out);
    tcase_add_test(core, url_escape_keeps_paths_only);
    suite_add_tcase(s, core);
    return s;
}
