/* report: report.md from stored results. */
#include <check.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "output/plot.h"
#include "output/report.h"
#include "output/table.h"
#include "store/reference.h"
#include "store/summary.h"
#include "testutil.h"

#define FIX PB_FIXTURES_DIR
#define SHIPPED_REFERENCE PB_SOURCE_DIR "/configs/reference/scalene-osdi23.yaml"

static char *tmp;

static void setup(void)
{
    tmp = tu_mkdtemp();
    ck_assert_ptr_nonnull(tmp);
}

static void teardown(void)
{
    tu_rmtree(tmp);
    free(tmp);
}

static char *in_tmp(const char *name)
{
    static char buf[32][4096];
    static int k;

    k = (k + 1) % 32;
    snprintf(buf[k], sizeof buf[k], "%s/%s", tmp, name);
    return buf[k];
}

/* Loads dirs and draws their charts into out, as `pbench plot` does:
 * pb_plot_write_set's result, or -1 when the set does not load. */
static int plot(const char *const *dirs, size_t ndirs, const char *out, struct pb_error *err)
{
    struct pb_summary_set *set = pb_summary_set_load(dirs, ndirs, err);
    int rc;

    if (!set)
        return -1;
    rc = pb_plot_write_set(set, out, NULL, err);
    pb_summary_set_free(set);
    return rc;
}

/* Loads dirs and writes their report, as `pbench report --no-plot` does:
 * pb_report_write_set's result, or -1 when the set does not load. */
static int write_report(const char *const *dirs, size_t ndirs, const char *path,
                        const char *plots, struct pb_error *err)
{
    struct pb_summary_set *set = pb_summary_set_load(dirs, ndirs, err);
    int rc;

    if (!set)
        return -1;
    rc = pb_report_write_set(set, path, plots, NULL, err);
    pb_summary_set_free(set);
    return rc;
}

/* write_report with a reference file loaded from ref_path. */
static int write_report_ref(const char *dir, const char *path, const char *ref_path,
                            struct pb_error *err)
{
    struct pb_summary_set *set = pb_summary_set_load(&dir, 1, err);
    struct pb_diags d = { 0 };
    struct pb_reference *ref = pb_reference_load(ref_path, &d);
    int rc;

    ck_assert_msg(ref != NULL, "%s", d.n ? d.items[0].msg : "");
    if (!set)
        return -1;
    rc = pb_report_write_set(set, path, NULL, ref, err);
    pb_reference_free(ref);
    pb_summary_set_free(set);
    return rc;
}

/* Copies a fixture directory into tmp (tests never write into the
 * source tree). Returns its new path. */
static char *copy_fixture(const char *name)
{
    char cmd[4096];
    char *argv[] = { "cp", "-r", cmd, tmp, NULL };

    snprintf(cmd, sizeof cmd, "%s/%s", FIX, name);
    ck_assert_int_eq(tu_run(argv, NULL), 0);
    return in_tmp(name);
}

/* Every Markdown link target "](target)" or "](target "title")" in
 * text, relative to dir, names an existing file (or, for the accuracy
 * section's links to run directories, a directory). Returns how many
 * links there were. */
static int check_links(const char *text, const char *dir)
{
    int n = 0;

    for (const char *p = strstr(text, "]("); p; p = strstr(p + 2, "](")) {
        const char *s = p + 2;
        size_t len = strcspn(s, " )");
        char path[4096];
        struct stat st;

        ck_assert_msg(s[len] == ')' || s[len] == ' ', "link at %.40s is not closed", s);
        if (strncmp(s, "#", 1) == 0 || strncmp(s, "http", 4) == 0)
            continue;                   /* anchors, web links */
        ck_assert_msg(s[0] != '/', "link %.*s is not relative", (int)len, s);
        snprintf(path, sizeof path, "%s/%.*s", dir, (int)len, s);
        ck_assert_msg(stat(path, &st) == 0 && (S_ISREG(st.st_mode) || S_ISDIR(st.st_mode)),
                      "link %s does not resolve", path);
        n++;
    }
    return n;
}

/* The position of needle in text; fails when it is not there. */
static size_t at(const char *text, const char *needle)
{
    const char *p = strstr(text, needle);

    ck_assert_msg(p != NULL, "no '%s' in the report", needle);
    return (size_t)(p - text);
}

static void check_names(const char *text, const char *const *dirs, size_t ndirs)
{
    struct pb_error err;
    struct pb_summary_set *set = pb_summary_set_load(dirs, ndirs, &err);

    ck_assert_msg(set != NULL, "%s", err.msg);
    ck_assert_uint_gt(set->nprofilers, 0);
    for (size_t i = 0; i < set->nprofilers; i++)
        ck_assert_msg(strstr(text, set->profilers[i].name) != NULL, "report lacks '%s'",
                      set->profilers[i].name);
    pb_summary_set_free(set);
}

/* ---- core ---- */

START_TEST(report_small_fixture)
{
    const char *dirs[] = { FIX "/results-small" };
    const char *plots = in_tmp("plots");
    const char *report = in_tmp("report.md");
    struct pb_error err;
    char *text;

    ck_assert_msg(plot(dirs, 1, plots, &err) == 0, "%s", err.msg);
    ck_assert_msg(write_report(dirs, 1, report, plots, &err) == 0, "%s", err.msg);
    text = tu_read_file(report);
    ck_assert_ptr_nonnull(text);
    check_names(text, dirs, 1);
    /* 4 charts: PNG, SVG and script each. */
    ck_assert_int_eq(check_links(text, tmp), 12);
    struct pb_summary_set *set = pb_summary_set_load(dirs, 1, &err);
    ck_assert_ptr_nonnull(set);
    for (size_t i = 0; pb_plot_charts[i].name; i++) {
        char want[256];
        snprintf(want, sizeof want, "](plots/%s.png)", pb_plot_charts[i].name);
        if (pb_plot_chart_applies(set, i))
            ck_assert_msg(strstr(text, want) != NULL, "no %s", want);
        else
            ck_assert_msg(strstr(text, want) == NULL, "%s for results it does not apply to", want);
    }
    pb_summary_set_free(set);
    ck_assert_ptr_nonnull(strstr(text, "## Machine and versions"));
    ck_assert_ptr_nonnull(strstr(text, "E5-2680"));
    ck_assert_ptr_nonnull(strstr(text, "CPython 3.11.2"));
    ck_assert_ptr_nonnull(strstr(text, "| pyinstrument | 5.1.3 |"));
    ck_assert_ptr_nonnull(strstr(text, "2 timed out (julia, calls)"));
    ck_assert_ptr_nonnull(strstr(text, "≥252× timed out"));
    /* memory_profiler's wall, CPU and memory means all count its 2
     * timeouts at their lower bound: all three over the 7 workloads, all
     * three marked */
    ck_assert_ptr_nonnull(strstr(text, "| memory_profiler | 0.61.0 | **≥57.2× (56.0–57.8×)** "
                                       "| ≥66.9× (66.1–68.1×) | ≥2.66× (2.65–2.67×) "
                                       "| 7 of 7 | 2 timed out (julia, calls): "
                                       "in the means at their lower bound (≥) |"));
    ck_assert_ptr_nonnull(strstr(text, "| 1.28× | ≥57.2× |\n"));      /* its geo. mean */
    ck_assert_ptr_nonnull(strstr(text, "| 3.92× | ≥2.66× |\n"));      /* memory: ≥ too */
    ck_assert_ptr_nonnull(strstr(text, "| ≥2.43× timed out | ≥3.73× timed out |"));
    ck_assert_ptr_nonnull(strstr(text, "the peak RSS they had reached when killed"));
    ck_assert_ptr_null(strstr(text, "geo. mean: leaves out the timed-out"));
    ck_assert_ptr_nonnull(strstr(text, "the dearest memory_profiler at ≥57.2× (at least: "
                                       "it timed out on 2 workloads)"));
    ck_assert_ptr_nonnull(strstr(text, "It enters each of the three means at its bound"));
    ck_assert_ptr_nonnull(strstr(text, "they enter its means at their lower bounds"));
    ck_assert_ptr_null(strstr(text, "(CPU, memory:"));
    ck_assert_ptr_null(strstr(text, "before pbench bounded CPU time"));
    ck_assert_ptr_null(strstr(text, "which are then optimistic"));
    ck_assert_ptr_null(strstr(text, "before pbench counted timeouts"));
    ck_assert_ptr_null(strstr(text, "## Accuracy"));        /* no accuracy.json */
    ck_assert_ptr_null(strstr(text, "and accuracy"));
    ck_assert_ptr_nonnull(strstr(text, "| memory_profiler | julia | timeout after 300 s |"));
    ck_assert_ptr_nonnull(strstr(text, "## Baseline"));
    ck_assert_ptr_null(strstr(text, "## Runs"));            /* one run */
    ck_assert_ptr_null(strstr(text, "Published versus measured"));  /* no --reference */
    free(text);
}
END_TEST

/* With the shipped Scalene table: the section, after the overhead table,
 * with the paper's and pbench's figures side by side, tau and the swaps
 * (the figures are worked out in tests/test_published.c). */
START_TEST(report_published_versus_measured)
{
    const char *report = in_tmp("report.md");
    struct pb_error err;
    char *text;

    ck_assert_msg(write_report_ref(FIX "/results-small", report, SHIPPED_REFERENCE, &err) == 0,
                  "%s", err.msg);
    text = tu_read_file(report);
    ck_assert_ptr_nonnull(text);
    ck_assert_uint_lt(at(text, "## Overhead\n"), at(text, "## Published versus measured\n"));
    ck_assert_uint_lt(at(text, "## Published versus measured\n"),
                      at(text, "## Overhead per workload\n"));
    at(text, "Compared with **Scalene paper (OSDI'23), Table 3**: Emery D. Berger, Sam Stern, "
             "Juan Altmayer Pizzorno, *Triangulating Python Performance Issues with Scalene*, "
             "17th USENIX Symposium on Operating Systems Design and Implementation (OSDI 23)");
    at(text, "on CPython 3.10.9");
    at(text, "**Measured**: the same statistic, the median, over this report's workloads");
    at(text, "| profiler in the paper | pbench profiler | published | measured median | "
             "workloads | geo. mean | measured ÷ published | rank published | rank measured |\n"
             "|---|---|---:|---:|---:|---:|---:|---:|---:|\n"
             "| austin_cpu | – | 1.00× | not in pbench | | | | | |\n");
    at(text, "\n| cProfile | cProfile | 1.73× | **1.78×** | 7 | 1.68× | 1.03 | 6 | 7 |\n");
    at(text, "\n| memory_profiler | memory_profiler | 37.1× | **148×** | 7 (2 timed out) "
             "| ≥57.2× | 3.98 | 12 | 12 |\n");
    at(text, "\n| Scalene_cpu | scalene_cpu | 1.02× | **1.21×** | 7 | 1.21× | 1.18 | 1= | 3 |\n");
    at(text, "**Kendall's τ-b = 0.88** between the published and the measured order of the 12 "
             "profilers both published and measured (66 pairs: 60 in the same order, 3 swapped, "
             "3 tied in the paper only)");
    at(text, "**Order changed** for scalene_full, pyinstrument, cProfile, line_profiler "
             "(3 pairs):\n\n"
             "- scalene_full and pyinstrument swapped: the paper has scalene_full cheaper "
             "(1.32× against 1.69×), here it is dearer (1.42× against 1.29×)\n"
             "- scalene_full and line_profiler swapped: the paper has scalene_full cheaper "
             "(1.32× against 2.21×), here it is dearer (1.42× against 1.40×)\n"
             "- cProfile and line_profiler swapped: the paper has cProfile cheaper "
             "(1.73× against 2.21×), here it is dearer (1.78× against 1.40×)\n");
    at(text, "**Published, not compared**: austin_cpu, austin_full, Scalene_cpu_gpu, fil, memray "
             "(not in pbench).");
    ck_assert_ptr_null(strstr(text, "Measured, not in the reference"));
    free(text);
}
END_TEST

/* Strings from the reference file reach the report escaped; a median
 * that is a bound says so; profilers of the results the reference lacks
 * are listed apart. */
START_TEST(report_published_escapes_and_bounds)
{
    const char *report = in_tmp("report.md");
    char *ref = tu_write_file(tmp, "ref.yaml",
                              "format: pbench-reference/1\nname: \"*bold* [x](y)\"\n"
                              "source: {title: \"a|b\", venue: \"<v>\", table: \"#1\"}\n"
                              "statistic: median\ndescription: \"`d`\"\npython: p\n"
                              "profilers:\n"
                              "  - {paper: \"m|p\", pbench: memory_profiler, value: 30}\n"
                              "  - {paper: cP, pbench: cProfile, value: 2}\n"
                              "  - {paper: s, pbench: scalene_full, value: 1.5}\n");
    struct pb_error err;
    char *text;

    ck_assert_msg(write_report_ref(FIX "/results-failed", report, ref, &err) == 0, "%s",
                  err.msg);
    text = tu_read_file(report);
    at(text, "Compared with **\\*bold\\* \\[x\\](y)**: *a\\|b*, \\<v\\>; \\#1.");
    at(text, "\n| m\\|p | memory_profiler | 30.0× | **≥99.4×** | 3 (2 timed out) | ≥24.6× "
             "| ≥3.31 | 2 | 2 |\n");
    at(text, "\n| s | scalene_full | 1.50× | no result (failed) | | | | | |\n");
    at(text, "the median is marked ≥ only when such a bound sits at or below it");
    at(text, "**Kendall's τ-b = 1.00** between the published and the measured order of the 2 "
             "profilers both published and measured (1 pair: 1 in the same order, 0 swapped).");
    at(text, "**Order changed**: none");
    at(text, "**Published, not compared**: s (no wall-time result: failed on every workload).");
    at(text, "**Measured, not in the reference**: austin (1.00× median), py_spy (1.03× median).");
    free(text);
    free(ref);
}
END_TEST

START_TEST(report_failed_fixture_gives_reasons)
{
    const char *dirs[] = { FIX "/results-failed" };
    struct pb_error err;
    char *text;

    ck_assert_msg(write_report(dirs, 1, in_tmp("r.md"), NULL, &err) == 0, "%s", err.msg);
    text = tu_read_file(in_tmp("r.md"));
    check_names(text, dirs, 1);
    ck_assert_ptr_nonnull(strstr(text, "## Failures and timeouts"));
    ck_assert_ptr_nonnull(strstr(text, "| py_spy | threads | failed | 3 | 3 | 0 | exited with "
                                       "status 1: Error: Failed to find python version"));
    ck_assert_ptr_nonnull(strstr(text, "| cProfile | io_sleep | partial |"));
    ck_assert_ptr_nonnull(strstr(text, "killed by signal 11 (SIGSEGV)"));
    ck_assert_ptr_nonnull(strstr(text, "| scalene_full | 2.4.0 | no result |"));
    ck_assert_ptr_null(strstr(text, "!["));                 /* no plots dir: no charts */
    free(text);
}
END_TEST

START_TEST(report_several_runs)
{
    const char *dirs[] = { FIX "/results-small", FIX "/results-failed" };
    struct pb_error err;
    char *text;

    ck_assert_msg(plot(dirs, 2, in_tmp("charts"), &err) == 0, "%s", err.msg);
    ck_assert_msg(write_report(dirs, 2, in_tmp("sub-r.md"), in_tmp("charts"), &err) == 0,
                  "%s", err.msg);
    text = tu_read_file(in_tmp("sub-r.md"));
    check_names(text, dirs, 2);
    ck_assert_int_eq(check_links(text, tmp), 12);
    ck_assert_ptr_nonnull(strstr(text, "## Runs"));
    ck_assert_ptr_nonnull(strstr(text, "- cProfile: shown from run 2; also in run 1"));
    ck_assert_ptr_nonnull(strstr(text, "| austin | 3.7.0 |"));
    ck_assert_ptr_nonnull(strstr(text, "| profile (run 1) |"));
    free(text);
}
END_TEST

/* Charts in a directory beside the report's: the links climb out. */
START_TEST(links_are_relative_to_the_report)
{
    const char *dirs[] = { FIX "/results-small" };
    struct pb_error err;
    char *text;

    ck_assert_int_eq(mkdir(in_tmp("docs"), 0777), 0);
    ck_assert_msg(plot(dirs, 1, in_tmp("out/charts"), &err) == 0, "%s", err.msg);
    ck_assert_msg(write_report(dirs, 1, in_tmp("docs/r.md"), in_tmp("out/charts"), &err) == 0,
                  "%s", err.msg);
    text = tu_read_file(in_tmp("docs/r.md"));
    ck_assert_ptr_nonnull(strstr(text, "](../out/charts/overhead.png)"));
    ck_assert_int_eq(check_links(text, in_tmp("docs")), 12);
    free(text);
}
END_TEST

START_TEST(missing_charts_are_noted)
{
    const char *dirs[] = { FIX "/results-small" };
    struct pb_error err;
    char *text;

    ck_assert_int_eq(mkdir(in_tmp("empty"), 0777), 0);
    ck_assert_msg(write_report(dirs, 1, in_tmp("r.md"), in_tmp("empty"), &err) == 0,
                  "%s", err.msg);
    text = tu_read_file(in_tmp("r.md"));
    ck_assert_ptr_nonnull(strstr(text, "Chart not found: overhead.png"));
    ck_assert_int_eq(check_links(text, tmp), 0);
    free(text);
}
END_TEST

/* Names that are Markdown markup stay text, and the tables keep their
 * columns. */
START_TEST(markdown_is_escaped)
{
    char *res = copy_fixture("results-failed");
    const char *dirs[] = { res };
    char cmd[8192], *text;
    char *argv[] = { "sh", "-c", cmd, NULL };
    struct pb_error err;

    snprintf(cmd, sizeof cmd, "sed -i 's/\"austin\"/\"*au|stin* _x_ [l](u)\"/g' "
             "'%s/summary.json' '%s/meta.json'", res, res);
    ck_assert_int_eq(tu_run(argv, NULL), 0);
    ck_assert_msg(write_report(dirs, 1, in_tmp("r.md"), NULL, &err) == 0, "%s", err.msg);
    text = tu_read_file(in_tmp("r.md"));
    ck_assert_ptr_nonnull(strstr(text, "| \\*au\\|stin\\* \\_x\\_ \\[l\\](u) | 3.7.0 |"));
    free(text);
}
END_TEST

/* Results summarized before timeouts entered the wall mean: the report
 * says they are left out, as they were. */
START_TEST(report_without_lower_bound_flag)
{
    char *res = copy_fixture("results-small");
    const char *dirs[] = { res };
    char path[4096], *text;
    struct pb_error err;
    json_t *s, *v;
    size_t i;

    snprintf(path, sizeof path, "%s/summary.json", res);
    s = json_load_file(path, 0, NULL);
    ck_assert_ptr_nonnull(s);
    json_array_foreach(json_object_get(s, "profilers"), i, v) {
        json_object_del(v, "wall_geomean_lower_bound");
        json_object_del(v, "cpu_geomean_lower_bound");
        json_object_del(v, "mem_geomean_lower_bound");
        json_object_del(v, "workloads_in_means");
        if (strcmp(json_string_value(json_object_get(v, "name")), "memory_profiler") == 0)
            json_object_set_new(v, "wall_geomean", json_pack("{s:f, s:f, s:f}", "value", 29.78,
                                                             "lo", 29.02, "hi", 30.23));
    }
    ck_assert_int_eq(json_dump_file(s, path, 0), 0);
    json_decref(s);
    ck_assert_msg(write_report(dirs, 1, in_tmp("r.md"), NULL, &err) == 0, "%s", err.msg);
    text = tu_read_file(in_tmp("r.md"));
    ck_assert_ptr_nonnull(strstr(text, "| **29.8× (29.0–30.2×)** |"));
    ck_assert_ptr_nonnull(strstr(text, "| 5 of 7 | 2 timed out (julia, calls) |"));
    ck_assert_ptr_nonnull(strstr(text, "before pbench counted timeouts at their lower bound"));
    ck_assert_ptr_nonnull(strstr(text, "geo. mean: leaves out the timed-out workloads"));
    ck_assert_ptr_null(strstr(text, "≥29.8×"));
    free(text);
}
END_TEST

/* runs: auto: the precision table says which pairs reached the target
 * and why the others stopped; the warnings of the run and of its pairs
 * get their own section. */
START_TEST(report_precision_and_warnings)
{
    char *res = copy_fixture("results-small");
    const char *dirs[] = { res };
    char path[4096], *text;
    struct pb_error err;
    json_t *s, *v;
    size_t i;

    snprintf(path, sizeof path, "%s/summary.json", res);
    s = json_load_file(path, 0, NULL);
    ck_assert_ptr_nonnull(s);
    json_object_set_new(s, "adaptive", json_pack("{s:f, s:i, s:i, s:f}", "precision", 0.03,
                                                 "min_runs", 3, "max_runs", 10, "budget", 0.0));
    json_object_set_new(s, "warnings", json_pack("[s]", "the machine was busy when the run started"));
    json_array_foreach(json_object_get(s, "pairs"), i, v) {
        const char *w = json_string_value(json_object_get(v, "workload"));
        const char *p = json_string_value(json_object_get(v, "profiler"));
        const char *why = !strcmp(json_string_value(json_object_get(v, "status")), "timeout") ? "timeout"
                        : !strcmp(p, "cProfile") && !strcmp(w, "calls") ? "max_runs"
                        : !strcmp(p, "cProfile") && !strcmp(w, "alloc") ? "budget" : "precise";
        double prec = !strcmp(why, "precise") ? 0.012 : 0.071;
        json_object_set_new(v, "adaptive", json_string(why));
        json_object_set_new(v, "precision", strcmp(why, "timeout") ? json_real(prec) : json_null());
        if (!strcmp(p, "plain") && !strcmp(w, "calls"))
            json_object_set_new(v, "warnings", json_pack("[s]", "the first run was much slower"));
    }
    ck_assert_int_eq(json_dump_file(s, path, 0), 0);
    json_decref(s);
    ck_assert_msg(write_report(dirs, 1, in_tmp("r.md"), NULL, &err) == 0, "%s", err.msg);
    text = tu_read_file(in_tmp("r.md"));
    ck_assert_ptr_nonnull(strstr(text, "## Precision\n"));
    ck_assert_ptr_nonnull(strstr(text, "known to ±3% (at most 10 runs a pair)"));
    /* 7 workloads x 12 profilers, less the two timeouts, the max_runs and the budget */
    ck_assert_msg(strstr(text, "**80 of 84 pairs reached the target.**"), "%s", strstr(text, "## Precision"));
    ck_assert_ptr_nonnull(strstr(text, "| cProfile | ±1.2% (3) | ±7.1% (3) † | ±7.1% (3) ‡ | ±1.2% (3) |"));
    ck_assert_ptr_nonnull(strstr(text, "| ≥ (timed out) | ≥ (timed out) | ±1.2% (3) |"));
    ck_assert_ptr_nonnull(strstr(text, "†: not precise at the most runs"));
    ck_assert_ptr_nonnull(strstr(text, "‡: stopped by the time budget"));
    ck_assert_ptr_nonnull(strstr(text, "## Warnings\n"));
    ck_assert_ptr_nonnull(strstr(text, "- the machine was busy when the run started\n"));
    ck_assert_ptr_nonnull(strstr(text, "- **calls × plain**: the first run was much slower\n"));
    free(text);
}
END_TEST

/* Results from before pbench kept each pair's precision (results-v1: a
 * results directory as pbench wrote it before its files carried a format
 * version): "?" cells, no claim about a target, and no warnings section
 * for a run without any. */
START_TEST(report_precision_unknown)
{
    const char *dirs[] = { FIX "/results-v1" };
    struct pb_error err;
    char *text;

    ck_assert_msg(write_report(dirs, 1, in_tmp("r.md"), NULL, &err) == 0, "%s", err.msg);
    text = tu_read_file(in_tmp("r.md"));
    ck_assert_ptr_nonnull(strstr(text, "| cProfile | ? (3) | ? (3) |"));
    ck_assert_ptr_null(strstr(text, "reached the target"));
    ck_assert_ptr_null(strstr(text, "## Warnings"));
    free(text);
}
END_TEST

/* Results summarized before the CPU and memory means counted timeouts
 * at their bound (results-v1: its wall mean did, they did not): the
 * report says the means differ in what they cover, marks only the wall
 * mean, and names the timed-out workloads the other two leave out. */
START_TEST(report_older_means_disagree)
{
    const char *dirs[] = { FIX "/results-v1" };
    struct pb_error err;
    char *text;

    ck_assert_msg(write_report(dirs, 1, in_tmp("r.md"), NULL, &err) == 0, "%s", err.msg);
    text = tu_read_file(in_tmp("r.md"));
    ck_assert_ptr_nonnull(strstr(text, "| memory_profiler | 0.61.0 | **≥57.2× (56.0–57.8×)** "
                                       "| 37.4× (36.8–38.4×) | 2.54× (2.52–2.55×) "
                                       "| 7 of 7 (CPU, memory: 5) | 2 timed out (julia, calls): "
                                       "in the wall-time mean at ≥, not in the CPU and memory "
                                       "means |"));
    ck_assert_ptr_nonnull(strstr(text, "| 3.92× | 2.54× |\n"));       /* memory: no ≥ */
    ck_assert_ptr_nonnull(strstr(text, "| timed out | timed out |"));  /* no memory bound */
    ck_assert_ptr_nonnull(strstr(text, "geo. mean: leaves out the timed-out workloads"));
    ck_assert_ptr_nonnull(strstr(text, "Where the CPU and memory means cover fewer workloads"));
    ck_assert_ptr_nonnull(strstr(text, "before pbench bounded CPU time and memory too"));
    free(text);
}
END_TEST

/* The terminal table marks every mean that is a lower bound with ">="
 * and says what the means cover; an older summary's CPU and memory means,
 * which left the timeouts out, are not marked and their count is given. */
START_TEST(table_marks_bounds)
{
    static const struct { const char *dir, *row; } cases[] = {
        { FIX "/results-small", "memory_profiler  >=57.21x [56.02-57.84]   >=66.91x [66.06-68.10]   "
                                ">=2.66x [2.65-2.67]      5 ok + 2 >=, 0 not\n" },
        { FIX "/results-v1", "memory_profiler  >=57.21x [56.02-57.84]   37.41x [36.80-38.41]     "
                             "2.54x [2.52-2.55]        5 ok + 2 >=, 0 not (wall 7; cpu 5, mem 5)\n" },
    };

    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct pb_error err;
        struct pb_summary *s = pb_summary_load(cases[i].dir, &err);
        char *buf = NULL;
        size_t len;
        FILE *f;

        ck_assert_msg(s != NULL, "%s", err.msg);
        f = open_memstream(&buf, &len);
        ck_assert_ptr_nonnull(f);
        pb_table_print_summary(f, s);
        fclose(f);
        ck_assert_msg(strstr(buf, cases[i].row) != NULL, "%s:\n%s", cases[i].dir, buf);
        ck_assert_msg(strstr(buf, "pyinstrument     1.24x [1.22-1.25]        1.51x") != NULL, "%s", buf);
        free(buf);
        pb_summary_free(s);
    }
}
END_TEST

/* A run of truth workloads only (configs/accuracy.yaml): the overhead
 * sections as ever, and the accuracy section with its chart, after the
 * overhead sections and before the failures. */
START_TEST(report_accuracy_run)
{
    char *res = copy_fixture("results-accuracy");
    const char *dirs[] = { res };
    char plots[4096], report[4096], *text;
    struct pb_error err;

    snprintf(plots, sizeof plots, "%s/plots", res);
    snprintf(report, sizeof report, "%s/report.md", res);
    ck_assert_msg(plot(dirs, 1, plots, &err) == 0, "%s", err.msg);
    ck_assert_msg(write_report(dirs, 1, report, plots, &err) == 0, "%s", err.msg);
    text = tu_read_file(report);
    check_names(text, dirs, 1);
    ck_assert_ptr_nonnull(strstr(text, "# Profiler overhead and accuracy: acc\n"));
    ck_assert_ptr_nonnull(strstr(text, "([Accuracy](#accuracy))"));
    ck_assert_ptr_nonnull(strstr(text, "| yappi_cpu | yappi 1.7.6 | **"));
    ck_assert_uint_lt(at(text, "## CPU time versus wall time"), at(text, "## Accuracy\n"));
    ck_assert_uint_lt(at(text, "## Accuracy\n"), at(text, "## Failures and timeouts"));
    ck_assert_ptr_null(strstr(text, "## Accuracy\n\n## Accuracy"));   /* one heading */
    ck_assert_ptr_nonnull(strstr(text, "![reported vs true share](plots/accuracy.png)"));
    ck_assert_ptr_nonnull(strstr(text, "| yappi_cpu | 41.5 | 55.6 | 27.4 |"));
    ck_assert_ptr_nonnull(strstr(text, "[yes](raw/threads/yappi_cpu/0 \""));
    ck_assert_ptr_null(strstr(text, "From run"));           /* one run: no need to say */
    /* 4 charts x 3 links, the accuracy chart, 3 profilers x 4 probed
     * capabilities */
    ck_assert_int_eq(check_links(text, res), 12 + 1 + 12);
    free(text);
}
END_TEST

/* Several runs: the accuracy section names its run, and its links climb
 * from the report to that run's directory. */
START_TEST(report_accuracy_of_one_of_several_runs)
{
    const char *dirs[] = { FIX "/results-small", FIX "/results-accuracy" };
    struct pb_error err;
    char *text;

    ck_assert_msg(plot(dirs, 2, in_tmp("charts"), &err) == 0, "%s", err.msg);
    ck_assert_int_eq(mkdir(in_tmp("docs"), 0777), 0);
    ck_assert_msg(write_report(dirs, 2, in_tmp("docs/r.md"), in_tmp("charts"), &err) == 0,
                  "%s", err.msg);
    text = tu_read_file(in_tmp("docs/r.md"));
    ck_assert_ptr_nonnull(strstr(text, "([Accuracy](#accuracy-run-2))"));
    ck_assert_ptr_nonnull(strstr(text, "## Accuracy (run 2)\n\nFrom run 2, `" FIX
                                       "/results-accuracy`.\n"));
    ck_assert_ptr_null(strstr(text, "## Accuracy\n"));
    ck_assert_ptr_nonnull(strstr(text, "](../charts/accuracy-results-accuracy/accuracy.png)"));
    ck_assert_ptr_nonnull(strstr(text, "/results-accuracy/raw/threads/yappi_cpu/0 \""));
    ck_assert_int_eq(check_links(text, in_tmp("docs")), 12 + 1 + 12);
    free(text);
}
END_TEST

/* Truth workloads without accuracy.json: a pointer to the command. A
 * broken accuracy.json: a note, and the rest of the report. */
START_TEST(report_accuracy_missing_or_broken)
{
    char *res = copy_fixture("results-accuracy");
    const char *dirs[] = { res };
    char path[4096], *text;
    struct pb_error err;

    snprintf(path, sizeof path, "%s/accuracy.json", res);
    ck_assert_int_eq(unlink(path), 0);
    ck_assert_msg(write_report(dirs, 1, in_tmp("r.md"), NULL, &err) == 0, "%s", err.msg);
    text = tu_read_file(in_tmp("r.md"));
    ck_assert_ptr_nonnull(strstr(text, "## Accuracy\n"));
    ck_assert_ptr_nonnull(strstr(text, "has no accuracy.json yet: `pbench accuracy "));
    ck_assert_ptr_null(strstr(text, "and accuracy:"));
    free(text);

    free(tu_write_file(res, "accuracy.json", "{\"cpu\": [\n"));
    ck_assert_msg(write_report(dirs, 1, in_tmp("r.md"), NULL, &err) == 0, "%s", err.msg);
    text = tu_read_file(in_tmp("r.md"));
    ck_assert_ptr_nonnull(strstr(text, "## Accuracy\n\n*(The accuracy figures of this run "
                                       "are left out: "));
    ck_assert_ptr_nonnull(strstr(text, "accuracy.json"));
    ck_assert_ptr_nonnull(strstr(text, "## Failures and timeouts"));
    free(text);
}
END_TEST

/* ---- errors ---- */

START_TEST(bad_results_dir)
{
    const char *dirs[] = { FIX "/results-corrupt" };
    const char *missing[] = { "/nonexistent/r" };
    struct pb_error err;

    ck_assert_int_eq(write_report(dirs, 1, in_tmp("r.md"), NULL, &err), -1);
    ck_assert_int_eq(err.line, 38);
    ck_assert_ptr_nonnull(strstr(err.msg, "invalid JSON"));
    ck_assert_int_eq(write_report(missing, 1, in_tmp("r.md"), NULL, &err), -1);
    ck_assert_ptr_nonnull(strstr(err.msg, "no such results directory"));
    ck_assert_int_ne(access(in_tmp("r.md"), F_OK), 0);
}
END_TEST

START_TEST(unwritable_report)
{
    const char *dirs[] = { FIX "/results-small" };
    struct pb_error err;
    char buf[4096];

    ck_assert_int_eq(write_report(dirs, 1, in_tmp("no/such/dir/r.md"), NULL, &err), -1);
    pb_error_format(&err, buf, sizeof buf);
    ck_assert_msg(strstr(buf, "no/such/dir/r.md: cannot write the report: No such file"),
                  "%s", buf);
}
END_TEST

/* ---- the command ---- */

static int cmd(int argc, const char **argv)
{
    return cmd_report(argc, (char **)argv);
}

START_TEST(cmd_defaults_into_results_dir)
{
    char *res = copy_fixture("results-small");
    const char *argv[] = { "report", res };
    char path[4096], *text;

    ck_assert_int_eq(cmd(2, argv), 0);
    snprintf(path, sizeof path, "%s/report.md", res);
    text = tu_read_file(path);
    ck_assert_ptr_nonnull(text);
    ck_assert_ptr_nonnull(strstr(text, "](plots/overhead.png)"));
    ck_assert_int_eq(check_links(text, res), 12);
    free(text);
}
END_TEST

/* `pbench report` on a run with accuracy.json draws its chart too. */
START_TEST(cmd_draws_the_accuracy_chart)
{
    char *res = copy_fixture("results-accuracy");
    const char *argv[] = { "report", res };
    char path[4096], *text;
    struct stat st;

    ck_assert_int_eq(cmd(2, argv), 0);
    snprintf(path, sizeof path, "%s/plots/accuracy.png", res);
    ck_assert_int_eq(stat(path, &st), 0);
    snprintf(path, sizeof path, "%s/report.md", res);
    text = tu_read_file(path);
    ck_assert_ptr_nonnull(strstr(text, "](plots/accuracy.png)"));
    free(text);
}
END_TEST

/* --reference: a shipped name, a path, and files that are not there or
 * not right (a usage error: exit 2, and no report). */
START_TEST(cmd_reference)
{
    char *res = copy_fixture("results-small");
    char *bad = tu_write_file(tmp, "bad.yaml", "format: pbench-reference/9\n");
    const char *shipped[] = { "report", res, "--no-plot", "-o", in_tmp("a.md"), "--reference",
                              "reference/scalene-osdi23.yaml" };
    const char *by_path[] = { "report", "--reference", SHIPPED_REFERENCE, res, "--no-plot", "-o",
                              in_tmp("b.md") };
    const char *missing[] = { "report", res, "--no-plot", "-o", in_tmp("c.md"), "--reference",
                              "reference/none.yaml" };
    const char *wrong[] = { "report", res, "--no-plot", "-o", in_tmp("d.md"), "--reference", bad };
    const char *no_arg[] = { "report", res, "--reference" };
    char *text;

    ck_assert_int_eq(cmd(7, shipped), 0);
    text = tu_read_file(in_tmp("a.md"));
    at(text, "## Published versus measured");
    at(text, "Reference file: `reference/scalene-osdi23.yaml` (shipped with pbench).");
    free(text);
    ck_assert_int_eq(cmd(7, by_path), 0);
    text = tu_read_file(in_tmp("b.md"));
    at(text, "**Kendall's τ-b = 0.88**");
    free(text);
    ck_assert_int_eq(cmd(7, missing), 2);
    ck_assert_int_ne(access(in_tmp("c.md"), F_OK), 0);
    ck_assert_int_eq(cmd(7, wrong), 2);
    ck_assert_int_ne(access(in_tmp("d.md"), F_OK), 0);
    ck_assert_int_eq(cmd(3, no_arg), 2);
    free(bad);
}
END_TEST

START_TEST(cmd_options_and_exit_codes)
{
    char *res = copy_fixture("results-failed");
    const char *with_o[] = { "report", res, "-o", in_tmp("x.md"), "--plots", in_tmp("pl") };
    const char *no_plot[] = { "report", "--no-plot", res, "-o", in_tmp("y.md") };
    const char *none[] = { "report" };
    const char *bad[] = { "report", res, "--bogus" };
    const char *missing[] = { "report", "/nonexistent/r" };
    const char *corrupt[] = { "report", FIX "/results-corrupt", "-o", in_tmp("z.md") };
    const char *nognuplot[] = { "report", res, "-o", in_tmp("w.md"), "--plots", in_tmp("q"),
                                "--gnuplot", "/nonexistent/gp" };
    char *text;

    ck_assert_int_eq(cmd(6, with_o), 0);
    text = tu_read_file(in_tmp("x.md"));
    ck_assert_ptr_nonnull(strstr(text, "](pl/overhead.png)"));
    free(text);
    ck_assert_int_eq(cmd(5, no_plot), 0);          /* no charts in res/plots: noted */
    text = tu_read_file(in_tmp("y.md"));
    ck_assert_ptr_nonnull(strstr(text, "Chart not found"));
    free(text);
    ck_assert_int_eq(cmd(1, none), 2);
    ck_assert_int_eq(cmd(3, bad), 2);
    ck_assert_int_eq(cmd(2, missing), 1);
    ck_assert_int_eq(cmd(4, corrupt), 1);
    ck_assert_int_eq(cmd(8, nognuplot), 1);
    ck_assert_int_ne(access(in_tmp("w.md"), F_OK), 0);
}
END_TEST

Suite *report_suite(void)
{
    Suite *s = suite_create("report");
    TCase *core = tcase_create("core");
    TCase *errors = tcase_create("errors");
    TCase *command = tcase_create("command");

    tcase_add_checked_fixture(core, setup, teardown);
    tcase_set_timeout(core, 60);
    tcase_add_test(core, report_small_fixture);
    tcase_add_test(core, report_published_versus_measured);
    tcase_add_test(core, report_published_escapes_and_bounds);
    tcase_add_test(core, report_failed_fixture_gives_reasons);
    tcase_add_test(core, report_several_runs);
    tcase_add_test(core, links_are_relative_to_the_report);
    tcase_add_test(core, missing_charts_are_noted);
    tcase_add_test(core, markdown_is_escaped);
    tcase_add_test(core, report_without_lower_bound_flag);
    tcase_add_test(core, report_precision_and_warnings);
    tcase_add_test(core, report_precision_unknown);
    tcase_add_test(core, report_older_means_disagree);
    tcase_add_test(core, table_marks_bounds);
    tcase_add_test(core, report_accuracy_run);
    tcase_add_test(core, report_accuracy_of_one_of_several_runs);
    tcase_add_test(core, report_accuracy_missing_or_broken);
    suite_add_tcase(s, core);

    tcase_add_checked_fixture(errors, setup, teardown);
    tcase_add_test(errors, bad_results_dir);
    tcase_add_test(errors, unwritable_report);
    suite_add_tcase(s, errors);

    tcase_add_checked_fixture(command, setup, teardown);
    tcase_set_timeout(command, 60);
    tcase_add_test(command, cmd_defaults_into_results_dir);
    tcase_add_test(command, cmd_draws_the_accuracy_chart);
    tcase_add_test(command, cmd_options_and_exit_codes);
    tcase_add_test(command, cmd_reference);
    suite_add_tcase(s, command);
    return s;
}
