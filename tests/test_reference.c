/* store/reference: a reference file (docs/reference.md) loads into its
 * struct; the shipped Scalene table holds the paper's figures and names
 * only profilers configs/profilers.yaml defines; bad files give every
 * error at its file:line:col; a format this pbench does not read is
 * refused, alone; a name not found as given falls back to the shipped
 * configs. */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/reference.h"
#include "testutil.h"

#define SHIPPED PB_SOURCE_DIR "/configs/reference/scalene-osdi23.yaml"

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

/* A minimal good file, into which the error tests splice their lines. */
static const char good_head[] =
    "format: pbench-reference/1\n"                  /* 1 */
    "name: A table\n"                               /* 2 */
    "source:\n"                                     /* 3 */
    "  title: A paper\n"                            /* 4 */
    "  venue: A venue\n"                            /* 5 */
    "  table: Table 1\n"                            /* 6 */
    "statistic: median\n"                           /* 7 */
    "description: the median of the ratios\n"      /* 8 */
    "python: CPython 3.10\n";                       /* 9 */

/* Loads text (written to a file) and returns the reference, or NULL with
 * the errors in *d. *path gets the file's path (caller frees). */
static struct pb_reference *load_text(const char *text, struct pb_diags *d, char **path)
{
    *path = tu_write_file(dir, "ref.yaml", text);
    return pb_reference_load(*path, d);
}

/* The load of text fails with exactly one error, at line:col, whose
 * message contains want. */
static void one_error(const char *text, int line, int col, const char *want)
{
    struct pb_diags d = { 0 };
    char *path;
    struct pb_reference *r = load_text(text, &d, &path);

    ck_assert_msg(r == NULL, "loaded:\n%s", text);
    ck_assert_msg(d.n == 1, "%zu errors, the first %d:%d: %s", d.n, d.n ? d.items[0].line : 0,
                  d.n ? d.items[0].col : 0, d.n ? d.items[0].msg : "");
    ck_assert_str_eq(d.items[0].file, path);
    ck_assert_int_eq(d.items[0].line, line);
    ck_assert_int_eq(d.items[0].col, col);
    ck_assert_msg(strstr(d.items[0].msg, want), "'%s' does not say '%s'", d.items[0].msg, want);
    pb_diags_release(&d);
    free(path);
}

/* good_head followed by tail. */
static char *with(const char *tail)
{
    static char buf[8192];

    snprintf(buf, sizeof buf, "%s%s", good_head, tail);
    return buf;
}

/* ---- the shipped file ---- */

static const struct pb_reference_entry *by_paper(const struct pb_reference *r, const char *name)
{
    for (size_t i = 0; i < r->nentries; i++)
        if (!strcmp(r->entries[i].paper, name))
            return &r->entries[i];
    ck_abort_msg("no '%s' in the reference", name);
    return NULL;
}

START_TEST(shipped_scalene_table_loads)
{
    /* Table 3's Median column of the OSDI'23 paper, as printed there */
    static const struct {
        const char *paper, *pbench;
        double value;
    } want[] = {
        { "py_spy", "py_spy", 1.02 }, { "cProfile", "cProfile", 1.73 },
        { "yappi_wall", "yappi_wall", 3.17 }, { "yappi_cpu", "yappi_cpu", 3.62 },
        { "pprofile_stat", "pprofile_stat", 1.02 }, { "pprofile_det", "pprofile_det", 36.83 },
        { "line_profiler", "line_profiler", 2.21 }, { "profile", "profile", 15.1 },
        { "pyinstrument", "pyinstrument", 1.69 }, { "austin_cpu", NULL, 1.00 },
        { "austin_full", NULL, 1.00 }, { "memray", NULL, 3.98 }, { "fil", NULL, 2.71 },
        { "memory_profiler", "memory_profiler", 37.11 }, { "Scalene_cpu", "scalene_cpu", 1.02 },
        { "Scalene_cpu_gpu", NULL, 1.02 }, { "Scalene_full", "scalene_full", 1.32 },
    };
    struct pb_diags d = { 0 };
    struct pb_reference *r = pb_reference_load(SHIPPED, &d);

    ck_assert_msg(r != NULL, "%s:%d:%d: %s", d.n ? d.items[0].file : "", d.n ? d.items[0].line : 0,
                  d.n ? d.items[0].col : 0, d.n ? d.items[0].msg : "");
    ck_assert_str_eq(r->path, SHIPPED);
    ck_assert_int_eq(r->shipped, 0);
    ck_assert_str_eq(r->title, "Triangulating Python Performance Issues with Scalene");
    ck_assert_str_eq(r->authors, "Emery D. Berger, Sam Stern, Juan Altmayer Pizzorno");
    ck_assert_ptr_nonnull(strstr(r->venue, "OSDI 23"));
    ck_assert_ptr_nonnull(strstr(r->table, "Table 3"));
    ck_assert_str_eq(r->url, "https://www.usenix.org/conference/osdi23/presentation/berger");
    ck_assert_int_eq(r->statistic, PB_REFERENCE_MEDIAN);
    ck_assert_str_eq(r->python, "CPython 3.10.9");
    ck_assert_ptr_nonnull(strstr(r->description, "median"));
    ck_assert_ptr_nonnull(r->benchmarks);
    ck_assert_uint_eq(r->nentries, sizeof want / sizeof want[0]);
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        const struct pb_reference_entry *e = by_paper(r, want[i].paper);
        ck_assert_msg(e->value == want[i].value, "%s: %g", want[i].paper, e->value);
        if (want[i].pbench) {
            ck_assert_str_eq(e->pbench, want[i].pbench);
            ck_assert_ptr_eq(pb_reference_find(r, want[i].pbench), e);
        } else
            ck_assert_msg(e->pbench == NULL, "%s has pbench '%s'", want[i].paper, e->pbench);
    }
    ck_assert_ptr_null(pb_reference_find(r, "plain"));
    ck_assert_ptr_null(pb_reference_find(r, NULL));
    ck_assert_int_eq(by_paper(r, "py_spy")->line, 34);
    ck_assert_ptr_nonnull(by_paper(r, "memory_profiler")->note);
    pb_reference_free(r);
}
END_TEST

/* Every pbench name of the shipped file is a profiler of the shipped
 * profilers.yaml. */
START_TEST(shipped_names_are_pbench_profilers)
{
    struct pb_diags d = { 0 };
    struct pb_reference *r = pb_reference_load(SHIPPED, &d);
    char *profilers = tu_read_file(PB_SOURCE_DIR "/configs/profilers.yaml");
    int named = 0;

    ck_assert_ptr_nonnull(r);
    ck_assert_ptr_nonnull(profilers);
    for (size_t i = 0; i < r->nentries; i++) {
        char want[128];
        if (!r->entries[i].pbench)
            continue;
        snprintf(want, sizeof want, "  - name: %s\n", r->entries[i].pbench);
        ck_assert_msg(strstr(profilers, want), "'%s' is not in configs/profilers.yaml",
                      r->entries[i].pbench);
        named++;
    }
    ck_assert_int_eq(named, 12);
    free(profilers);
    pb_reference_free(r);
}
END_TEST

START_TEST(minimal_file_loads)
{
    struct pb_diags d = { 0 };
    char *path;
    struct pb_reference *r = load_text(with("profilers:\n"
                                            "  - {paper: A, pbench: a, value: 2}\n"
                                            "  - {paper: B, pbench: ~, value: 1.5e0, note: n}\n"),
                                       &d, &path);

    ck_assert_msg(r != NULL, "%s", d.n ? d.items[0].msg : "");
    ck_assert_ptr_null(r->authors);
    ck_assert_ptr_null(r->url);
    ck_assert_ptr_null(r->note);
    ck_assert_uint_eq(r->nentries, 2);
    ck_assert_str_eq(r->entries[0].pbench, "a");
    ck_assert_ptr_null(r->entries[1].pbench);
    ck_assert(r->entries[1].value == 1.5);
    ck_assert_str_eq(r->entries[1].note, "n");
    ck_assert_int_eq(r->entries[1].line, 12);
    pb_reference_free(r);
    free(path);
}
END_TEST

/* ---- errors ---- */

START_TEST(unknown_format_is_refused_alone)
{
    /* a newer format: refused at its value, and nothing else is read (the
     * unknown key below would be an error in a /1 file) */
    one_error("name: x\nformat: pbench-reference/9\nwhatever: 1\n", 2, 9,
              "format 'pbench-reference/9' is not one this pbench reads (pbench-reference/1); "
              "a newer pbench wrote it?");
    one_error("name: x\nprofilers: []\n", 1, 1,
              "no 'format': a reference file starts with 'format: pbench-reference/1'");
    one_error("format: [1]\n", 1, 9, "'format' expects a single value");
}
END_TEST

START_TEST(syntax_and_shape_errors_are_located)
{
    one_error("format: pbench-reference/1\nname: [x\n", 3, 1, "YAML syntax error");
    one_error("- a\n- b\n", 1, 1, "a reference file is a mapping of 'key: value' lines, found "
              "a list");
    one_error("", 1, 1, "the file is empty");
    one_error(with("profilers: {paper: a}\n"), 10, 12, "'profilers' expects a list");
    one_error(with("profilers: []\n"), 10, 12, "'profilers' is empty");
    one_error(with("profilers:\n  - just a name\n"), 11, 5,
              "each item of 'profilers' must be a mapping with 'paper' and 'value', found a "
              "single value");
}
END_TEST

START_TEST(bad_values_are_located)
{
    one_error(with("profilers:\n  - {paper: a, value: fast}\n"), 11, 23,
              "'value' expects a number (an overhead such as 1.73), found 'fast'");
    one_error(with("profilers:\n  - {paper: a, value: \"1.5\"}\n"), 11, 23,
              "'value' expects a number");
    one_error(with("profilers:\n  - {paper: a, value: .nan}\n"), 11, 23,
              "'value' expects a number");
    one_error(with("profilers:\n  - {paper: a, value: 0}\n"), 11, 23,
              "'value' must be above 0 (a ratio to the baseline), found 0");
    one_error(with("profilers:\n  - {paper: a, value: -2}\n"), 11, 23,
              "'value' must be above 0");
    one_error(with("profilers:\n  - {paper: a, pbench: 'no way', value: 1}\n"), 11, 24,
              "'pbench' names a profiler of configs/profilers.yaml");
    one_error(with("profilers:\n  - {paper: a}\n"), 11, 5, "this profiler has no 'value'");
    one_error(with("profilers:\n  - {value: 1}\n"), 11, 5, "this profiler has no 'paper'");
    one_error(with("profilers:\n  - {paper: a, value: 1, pbench: a}\n"
                   "  - {paper: b, value: 2, pbench: a}\n"), 12, 5,
              "pbench profiler 'a' is named twice (first at line 11)");
    one_error(with("profilers:\n  - {paper: a, value: 1}\n  - {paper: a, value: 2}\n"), 12, 5,
              "profiler 'a' is in the reference twice (first at line 11)");
}
END_TEST

START_TEST(unknown_and_missing_keys_are_located)
{
    struct pb_diags d = { 0 };
    char *path;

    one_error(with("statistics: median\nprofilers: [{paper: a, value: 1}]\n"), 10, 1,
              "unknown key 'statistics' in the reference (did you mean 'statistic'?)");
    one_error("format: pbench-reference/1\nname: A\nsource: {title: T, venue: V, table: T, "
              "year: 2023}\nstatistic: median\ndescription: d\npython: p\n"
              "profilers: [{paper: a, value: 1}]\n", 3, 40, "unknown key 'year' in 'source'");
    one_error("format: pbench-reference/1\nname: A\nsource: {title: T, venue: V, table: T}\n"
              "statistic: mean\ndescription: d\npython: p\nprofilers: [{paper: a, value: 1}]\n",
              4, 12, "statistic 'mean' is not one pbench computes (median)");
    one_error("format: pbench-reference/1\nname: A\nsource: {title: T, table: T}\n"
              "statistic: median\ndescription: d\npython: p\nprofilers: [{paper: a, value: 1}]\n",
              3, 9, "'source' has no 'venue'");

    /* every missing key is reported, each at the top of the file */
    ck_assert_ptr_null(load_text("format: pbench-reference/1\n", &d, &path));
    ck_assert_uint_eq(d.n, 6);
    ck_assert_str_eq(d.items[0].msg, "the reference has no 'name' (see docs/reference.md)");
    ck_assert_str_eq(d.items[5].msg, "the reference has no 'profilers' (see docs/reference.md)");
    for (size_t i = 0; i < d.n; i++) {
        ck_assert_int_eq(d.items[i].line, 1);
        ck_assert_int_eq(d.items[i].col, 1);
    }
    pb_diags_release(&d);
    free(path);

    /* and several errors of one file come out together, in file order */
    ck_assert_ptr_null(load_text(with("profilers:\n  - {paper: a, value: x}\n"
                                      "  - {paper: b, value: 0}\n"), &d, &path));
    ck_assert_uint_eq(d.n, 2);
    ck_assert_int_eq(d.items[0].line, 11);
    ck_assert_int_eq(d.items[1].line, 12);
    pb_diags_release(&d);
    free(path);
}
END_TEST

START_TEST(missing_file_and_shipped_fallback)
{
    struct pb_diags d = { 0 };
    struct pb_reference *r;
    char path[4096];

    snprintf(path, sizeof path, "%s/none.yaml", dir);
    ck_assert_ptr_null(pb_reference_load(path, &d));
    ck_assert_uint_eq(d.n, 1);
    ck_assert_str_eq(d.items[0].file, path);
    ck_assert_int_eq(d.items[0].line, 0);
    ck_assert_str_eq(d.items[0].msg, "cannot read the reference file: No such file or directory");
    pb_diags_release(&d);

    /* a relative name not found here is pbench's shipped one (the build
     * tree links share/pbench/configs to the source's configs/) */
    r = pb_reference_load_named("reference/scalene-osdi23.yaml", &d);
    ck_assert_msg(r != NULL, "%s", d.n ? d.items[0].msg : "");
    ck_assert_str_eq(r->path, "reference/scalene-osdi23.yaml");
    ck_assert_int_eq(r->shipped, 1);
    ck_assert_uint_eq(r->nentries, 17);
    pb_reference_free(r);

    /* a file that exists as given wins */
    r = pb_reference_load_named(SHIPPED, &d);
    ck_assert_ptr_nonnull(r);
    ck_assert_int_eq(r->shipped, 0);
    pb_reference_free(r);

    ck_assert_ptr_null(pb_reference_load_named("reference/no-such.yaml", &d));
    ck_assert_uint_eq(d.n, 1);
    ck_assert_str_eq(d.items[0].file, "reference/no-such.yaml");
    ck_assert_msg(strstr(d.items[0].msg, "no such reference file (looked here, then among "
                         "pbench's shipped configs at ")
                  && strstr(d.items[0].msg, "configs/reference/no-such.yaml)"), "%s",
                  d.items[0].msg);
    pb_diags_release(&d);
    ck_assert_ptr_null(pb_reference_load_named(path, &d));     /* absolute: no fallback */
    ck_assert_uint_eq(d.n, 1);
    ck_assert_ptr_nonnull(strstr(d.items[0].msg, "cannot read the reference file"));
    pb_diags_release(&d);
    pb_reference_free(NULL);
}
END_TEST

Suite *reference_suite(void)
{
    Suite *s = suite_create("reference");
    TCase *core = tcase_create("core");
    TCase *errors = tcase_create("errors");

    tcase_add_checked_fixture(core, setup, teardown);
    tcase_add_test(core, shipped_scalene_table_loads);
    tcase_add_test(core, shipped_names_are_pbench_profilers);
    tcase_add_test(core, minimal_file_loads);
    suite_add_tcase(s, core);

    tcase_add_checked_fixture(errors, setup, teardown);
    tcase_add_test(errors, unknown_format_is_refused_alone);
    tcase_add_test(errors, syntax_and_shape_errors_are_located);
    tcase_add_test(errors, bad_values_are_located);
    tcase_add_test(errors, unknown_and_missing_keys_are_located);
    tcase_add_test(errors, missing_file_and_shipped_fallback);
    suite_add_tcase(s, errors);
    return s;
}
