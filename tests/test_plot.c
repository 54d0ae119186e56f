/* plot: gnuplot charts from stored results. These run the real gnuplot. */
#include <check.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/cli.h"
#include "output/plot.h"
#include "store/summary.h"
#include "testutil.h"

#define FIX PB_FIXTURES_DIR

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

static char *path_in(const char *dir, const char *name, const char *ext)
{
    static char buf[32][4096];
    static int k;
    char tmpbuf[4096];

    /* dir may be an earlier result of this function */
    snprintf(tmpbuf, sizeof tmpbuf, "%s/%s%s%s", dir, name, ext ? "." : "", ext ? ext : "");
    k = (k + 1) % 32;
    memcpy(buf[k], tmpbuf, sizeof tmpbuf);
    return buf[k];
}

/* Loads dirs and draws their charts into out, as `pbench plot` does:
 * pb_plot_write_set's result, or -1 when the set does not load. */
static int plot(const char *const *dirs, size_t ndirs, const char *out,
                const struct pb_plot_opts *opts, struct pb_error *err)
{
    struct pb_summary_set *set = pb_summary_set_load(dirs, ndirs, err);
    int rc;

    if (!set)
        return -1;
    rc = pb_plot_write_set(set, out, opts, err);
    pb_summary_set_free(set);
    return rc;
}

static int exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0;
}

/* Width and height from a PNG's IHDR chunk (bytes 16..23, big-endian). */
static void png_size(const char *path, unsigned *w, unsigned *h)
{
    unsigned char b[24];
    FILE *f = fopen(path, "rb");

    ck_assert_msg(f != NULL, "cannot open %s", path);
    ck_assert_uint_eq(fread(b, 1, sizeof b, f), sizeof b);
    fclose(f);
    ck_assert_msg(memcmp(b, "\x89PNG\r\n\x1a\n", 8) == 0 && memcmp(b + 12, "IHDR", 4) == 0,
                  "%s is not a PNG", path);
    *w = (unsigned)b[16] << 24 | (unsigned)b[17] << 16 | (unsigned)b[18] << 8 | b[19];
    *h = (unsigned)b[20] << 24 | (unsigned)b[21] << 16 | (unsigned)b[22] << 8 | b[23];
}

/* s as it appears in SVG text: gnuplot escapes & and < (a bare > is
 * valid XML text). */
static const char *xml(const char *s)
{
    static char buf[1024];
    char *o = buf;

    for (; *s && o < buf + sizeof buf - 8; s++) {
        if (*s == '&')
            o += sprintf(o, "&amp;");
        else if (*s == '<')
            o += sprintf(o, "&lt;");
        else
            *o++ = *s;
    }
    *o = '\0';
    return buf;
}

/* Every chart's files exist, gnuplot's pictures have the size asked for,
 * and every SVG names every profiler of the set. */
static void check_charts(const char *out, const char *const *dirs, size_t ndirs,
                         unsigned w, unsigned h)
{
    struct pb_error err;
    struct pb_summary_set *set = pb_summary_set_load(dirs, ndirs, &err);

    ck_assert_msg(set != NULL, "%s", err.msg);
    for (size_t i = 0; pb_plot_charts[i].name; i++) {
        const char *name = pb_plot_charts[i].name;
        char *svg, want[128];
        unsigned pw, ph;

        if (!pb_plot_chart_applies(set, i)) {   /* the by-Python chart, without the axis */
            ck_assert_msg(!exists(path_in(out, name, "gp")), "%s.gp drawn for results it does "
                          "not apply to", name);
            continue;
        }
        ck_assert_msg(exists(path_in(out, name, "gp")), "%s.gp missing", name);
        ck_assert_msg(exists(path_in(out, name, "dat")), "%s.dat missing", name);
        ck_assert_msg(exists(path_in(out, name, "png")), "%s.png missing", name);
        png_size(path_in(out, name, "png"), &pw, &ph);
        ck_assert_uint_eq(pw, w);
        ck_assert_uint_eq(ph, h);
        svg = tu_read_file(path_in(out, name, "svg"));
        ck_assert_msg(svg != NULL, "%s.svg missing", name);
        snprintf(want, sizeof want, "width=\"%u\" height=\"%u\"", w, h);
        ck_assert_msg(strstr(svg, want) != NULL, "%s.svg: no %s", name, want);
        ck_assert_msg(strstr(svg, "</svg>") != NULL, "%s.svg is cut short", name);
        for (size_t p = 0; p < set->nprofilers; p++)
            ck_assert_msg(strstr(svg, xml(set->profilers[p].name)) != NULL,
                          "%s.svg does not name '%s'", name, set->profilers[p].name);
        free(svg);
    }
    pb_summary_set_free(set);
}

/* ---- core ---- */

START_TEST(plots_small_fixture)
{
    const char *dirs[] = { FIX "/results-small" };
    struct pb_plot_opts o;
    struct pb_error err;
    char *svg;

    pb_plot_opts_init(&o);
    o.width = 900;
    o.height = 560;
    ck_assert_msg(plot(dirs, 1, tmp, &o, &err) == 0, "%s", err.msg);
    check_charts(tmp, dirs, 1, 900, 560);

    /* Timed-out pairs are shown as such, not dropped: memory_profiler's
     * wall mean counts its 2 at their lower bound, and says so. */
    svg = tu_read_file(path_in(tmp, "overhead", "svg"));
    ck_assert_ptr_nonnull(strstr(svg, "≥57.2×"));
    /* too wide for a 900-pixel chart's slot: broken after its count,
     * so that it stays over its own bar */
    ck_assert_ptr_nonnull(strstr(svg, "<text>≥: 2</text>"));
    ck_assert_ptr_nonnull(strstr(svg, "<text>timed out</text>"));
    ck_assert_ptr_nonnull(strstr(svg, "≥: a lower bound"));
    ck_assert_ptr_null(strstr(svg, "Red: workloads left out"));     /* none is */
    ck_assert_ptr_null(strstr(svg, "≥15.3×"));                      /* pprofile_det */
    free(svg);
    svg = tu_read_file(path_in(tmp, "overhead-by-workload", "svg"));
    ck_assert_ptr_nonnull(strstr(svg, "≥252×"));
    ck_assert_ptr_nonnull(strstr(svg, "timed out"));
    ck_assert_ptr_nonnull(strstr(svg, "julia"));
    ck_assert_ptr_nonnull(strstr(svg, ">≥57.2×<"));                 /* the geo. mean */
    ck_assert_ptr_null(strstr(svg, "†"));                          /* nothing left out */
    free(svg);
    /* So does the memory mean, at the peak RSS the killed runs reached. */
    svg = tu_read_file(path_in(tmp, "memory", "svg"));
    ck_assert_ptr_nonnull(strstr(svg, ">≥2.66×<"));
    /* too wide for a 900-pixel chart's slot: broken after its count,
     * so that it stays over its own bar */
    ck_assert_ptr_nonnull(strstr(svg, "<text>≥: 2</text>"));
    ck_assert_ptr_nonnull(strstr(svg, "<text>timed out</text>"));
    ck_assert_ptr_nonnull(strstr(svg, "counted as the peak RSS the killed runs had reached"));
    ck_assert_ptr_null(strstr(svg, ">2 timed out<"));
    ck_assert_ptr_null(strstr(svg, "Red: workloads left out"));
    ck_assert_ptr_null(strstr(svg, "≥1.62×"));                      /* pprofile_det */
    free(svg);
    /* CPU against wall: both means over the same 7 workloads, both
     * bounds: the point is marked, at the means themselves. */
    svg = tu_read_file(path_in(tmp, "cpu-vs-wall", "svg"));
    ck_assert_ptr_nonnull(strstr(svg, ">≥ memory_profiler<"));
    ck_assert_ptr_nonnull(strstr(svg, "≥ memory_profiler: timed"));
    ck_assert_ptr_null(strstr(svg, "memory_profiler (2 timed out)"));
    ck_assert_ptr_null(strstr(svg, "wall mean over the same workloads"));
    ck_assert_ptr_null(strstr(svg, "≥ pprofile_det"));
    free(svg);
    svg = tu_read_file(path_in(tmp, "cpu-vs-wall", "dat"));
    ck_assert_ptr_nonnull(strstr(svg, "# memory_profiler\n57.21 66.91 "));
    ck_assert_ptr_nonnull(strstr(svg, " 1\n"));
    free(svg);
    /* Footer: CPU model, Python, date, pbench version. */
    svg = tu_read_file(path_in(tmp, "cpu-vs-wall", "svg"));
    ck_assert_ptr_nonnull(strstr(svg, "E5-2680"));
    ck_assert_ptr_nonnull(strstr(svg, "CPython 3.11.2"));
    ck_assert_ptr_nonnull(strstr(svg, "2026-11-25"));
    ck_assert_ptr_nonnull(strstr(svg, "pbench 0.1.0"));
    free(svg);
}
END_TEST

START_TEST(default_size_and_out_dir_created)
{
    const char *dirs[] = { FIX "/results-small" };
    struct pb_error err;
    char *out = path_in(tmp, "a/b/plots", NULL);

    ck_assert_msg(plot(dirs, 1, out, NULL, &err) == 0, "%s", err.msg);
    check_charts(out, dirs, 1, 1200, 700);
}
END_TEST

/* The saved scripts re-run on their own, without a word from gnuplot. */
static void rerun_scripts(const char *dir)
{
    for (size_t i = 0; pb_plot_charts[i].name; i++) {
        char cmd[4096], *out = NULL;
        char *argv[] = { "gnuplot", "-e", cmd, NULL };
        int rc;

        snprintf(cmd, sizeof cmd, "%s/%s.gp", dir, pb_plot_charts[i].name);
        if (!exists(cmd))
            continue;           /* not drawn for these results: check_charts says why */
        snprintf(cmd, sizeof cmd, "cd '%s'; load '%s.gp'", dir, pb_plot_charts[i].name);
        rc = tu_run(argv, &out);
        ck_assert_msg(rc == 0 && out[0] == '\0', "%s.gp: exit %d: %s",
                      pb_plot_charts[i].name, rc, out);
        free(out);
    }
}

START_TEST(scripts_rerun_cleanly)
{
    const char *small[] = { FIX "/results-small" };
    const char *failed[] = { FIX "/results-failed" };
    struct pb_error err;

    ck_assert_msg(plot(small, 1, path_in(tmp, "s", NULL), NULL, &err) == 0, "%s",
                  err.msg);
    rerun_scripts(path_in(tmp, "s", NULL));
    ck_assert_msg(plot(failed, 1, path_in(tmp, "f", NULL), NULL, &err) == 0, "%s",
                  err.msg);
    rerun_scripts(path_in(tmp, "f", NULL));
}
END_TEST

/* Nothing but failures: every chart still draws (gnuplot 5.4 crashes on
 * a labels plot without a valid point, so such series must be left out). */
START_TEST(every_profiler_failed)
{
    const char *res = path_in(tmp, "res", NULL);
    const char *out = path_in(tmp, "plots", NULL);
    const char *dirs[] = { res };
    json_t *s = json_load_file(FIX "/results-failed/summary.json", 0, NULL), *keep, *v;
    struct pb_error err;
    char path[4096], *svg;
    size_t i;

    ck_assert_ptr_nonnull(s);
    keep = json_array();
    json_array_foreach(json_object_get(s, "pairs"), i, v) {
        const char *p = json_string_value(json_object_get(v, "profiler"));
        if (strcmp(p, "plain") == 0 || strcmp(p, "scalene_full") == 0)
            json_array_append(keep, v);
    }
    json_object_set_new(s, "pairs", keep);
    keep = json_array();
    json_array_foreach(json_object_get(s, "profilers"), i, v)
        if (strcmp(json_string_value(json_object_get(v, "name")), "scalene_full") == 0)
            json_array_append(keep, v);
    json_object_set_new(s, "profilers", keep);
    ck_assert_int_eq(mkdir(res, 0777), 0);
    snprintf(path, sizeof path, "%s/summary.json", res);
    ck_assert_int_eq(json_dump_file(s, path, 0), 0);
    json_decref(s);

    ck_assert_msg(plot(dirs, 1, out, NULL, &err) == 0, "%s", err.msg);
    check_charts(out, dirs, 1, 1200, 700);
    rerun_scripts(out);
    svg = tu_read_file(path_in(out, "overhead", "svg"));
    ck_assert_ptr_nonnull(strstr(svg, "failed on all 3 workloads"));
    free(svg);
}
END_TEST

START_TEST(plots_failed_pairs)
{
    const char *dirs[] = { FIX "/results-failed" };
    struct pb_error err;
    char *svg;

    ck_assert_msg(plot(dirs, 1, tmp, NULL, &err) == 0, "%s", err.msg);
    check_charts(tmp, dirs, 1, 1200, 700);
    svg = tu_read_file(path_in(tmp, "overhead", "svg"));
    ck_assert_ptr_nonnull(strstr(svg, "failed on all 3 workloads"));   /* scalene_full */
    ck_assert_ptr_nonnull(strstr(svg, "≥: 2 timed out"));              /* memory_profiler */
    ck_assert_ptr_nonnull(strstr(svg, "≥24.6×"));
    ck_assert_ptr_nonnull(strstr(svg, ">1 failed<"));                  /* py_spy */
    free(svg);
    svg = tu_read_file(path_in(tmp, "overhead-by-workload", "svg"));
    ck_assert_ptr_nonnull(strstr(svg, ">failed<"));
    ck_assert_ptr_nonnull(strstr(svg, "≥99.4×"));
    ck_assert_ptr_nonnull(strstr(svg, "1.01×*"));                     /* partial */
    ck_assert_ptr_nonnull(strstr(svg, ">≥24.6×<"));                   /* mean at >= */
    ck_assert_ptr_nonnull(strstr(svg, ">1.03× †<"));                  /* py_spy: 1 failed */
    ck_assert_ptr_nonnull(strstr(svg, "without the failed workloads"));   /* † (wrapped) */
    free(svg);
    svg = tu_read_file(path_in(tmp, "memory", "svg"));
    ck_assert_ptr_nonnull(strstr(svg, "failed on all 3 workloads"));
    free(svg);
    svg = tu_read_file(path_in(tmp, "cpu-vs-wall", "svg"));
    ck_assert_ptr_nonnull(strstr(svg, "Not shown, no result: scalene_full"));
    free(svg);
}
END_TEST

START_TEST(plots_several_runs)
{
    const char *dirs[] = { FIX "/results-small", FIX "/results-failed" };
    struct pb_error err;
    char *svg;

    ck_assert_msg(plot(dirs, 2, tmp, NULL, &err) == 0, "%s", err.msg);
    check_charts(tmp, dirs, 2, 1200, 700);
    svg = tu_read_file(path_in(tmp, "overhead", "svg"));
    ck_assert_ptr_nonnull(strstr(svg, "run 1: all, 2026-11-25 (results-small)"));
    ck_assert_ptr_nonnull(strstr(svg, "run 2: retry, 2026-11-27 (results-failed)"));
    ck_assert_ptr_nonnull(strstr(svg, "austin"));
    free(svg);
    svg = tu_read_file(path_in(tmp, "overhead-by-workload", "svg"));
    ck_assert_ptr_nonnull(strstr(svg, "cProfile [2]"));
    ck_assert_ptr_nonnull(strstr(svg, "profile [1]"));
    free(svg);
}
END_TEST

/* Results summarized before "wall_geomean_lower_bound": the timed-out
 * workloads were left out of the wall mean, and the charts say so. */
START_TEST(plots_summary_without_lower_bound_flag)
{
    const char *res = path_in(tmp, "res", NULL);
    const char *out = path_in(tmp, "plots", NULL);
    const char *dirs[] = { res };
    json_t *s = json_load_file(FIX "/results-small/summary.json", 0, NULL), *v;
    struct pb_error err;
    char path[4096], *svg;
    size_t i;

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
    ck_assert_int_eq(mkdir(res, 0777), 0);
    snprintf(path, sizeof path, "%s/summary.json", res);
    ck_assert_int_eq(json_dump_file(s, path, 0), 0);
    json_decref(s);

    ck_assert_msg(plot(dirs, 1, out, NULL, &err) == 0, "%s", err.msg);
    svg = tu_read_file(path_in(out, "overhead", "svg"));
    ck_assert_ptr_nonnull(strstr(svg, ">29.8×<"));
    ck_assert_ptr_nonnull(strstr(svg, ">2 timed out<"));
    ck_assert_ptr_nonnull(strstr(svg, "Red: workloads left out of a mean"));
    ck_assert_ptr_null(strstr(svg, "≥"));
    free(svg);
    svg = tu_read_file(path_in(out, "overhead-by-workload", "svg"));
    ck_assert_ptr_nonnull(strstr(svg, ">29.8× †<"));
    ck_assert_ptr_nonnull(strstr(svg, "failed or timed-out workloads"));
    free(svg);
    svg = tu_read_file(path_in(out, "cpu-vs-wall", "svg"));
    ck_assert_ptr_null(strstr(svg, "wall mean over the same workloads"));
    free(svg);
}
END_TEST

/* Results summarized when only the wall mean counted timeouts at their
 * bound (results-v1): the memory chart leaves them out unmarked, and the
 * CPU-versus-wall point takes its wall mean over the CPU mean's
 * workloads. */
START_TEST(plots_summary_with_wall_bound_alone)
{
    const char *dirs[] = { FIX "/results-v1" };
    struct pb_error err;
    char *svg;

    ck_assert_msg(plot(dirs, 1, tmp, NULL, &err) == 0, "%s", err.msg);
    svg = tu_read_file(path_in(tmp, "overhead", "svg"));
    ck_assert_ptr_nonnull(strstr(svg, "≥57.2×"));
    free(svg);
    svg = tu_read_file(path_in(tmp, "memory", "svg"));
    ck_assert_ptr_nonnull(strstr(svg, ">2 timed out<"));
    ck_assert_ptr_nonnull(strstr(svg, "Red: workloads left out of a mean"));
    ck_assert_ptr_null(strstr(svg, "≥"));
    free(svg);
    svg = tu_read_file(path_in(tmp, "cpu-vs-wall", "svg"));
    ck_assert_ptr_nonnull(strstr(svg, "Means leave out: memory_profiler (2"));
    ck_assert_ptr_nonnull(strstr(svg, "memory_profiler: wall mean over the same workloads"));
    ck_assert_ptr_null(strstr(svg, "≥ memory_profiler"));
    free(svg);
    svg = tu_read_file(path_in(tmp, "cpu-vs-wall", "dat"));
    ck_assert_ptr_nonnull(strstr(svg, "# memory_profiler\n29.7"));   /* not 57.2 */
    free(svg);
}
END_TEST

/* The overhead-by-Python chart marks a wall mean that is a lower bound as
 * the overhead chart does (results-small, its profilers and pairs put on
 * one interpreter). */
START_TEST(plots_by_python_marks_bounds)
{
    const char *res = path_in(tmp, "res", NULL);
    const char *out = path_in(tmp, "plots", NULL);
    const char *dirs[] = { res };
    json_t *s = json_load_file(FIX "/results-small/summary.json", 0, NULL), *v;
    struct pb_error err;
    char path[4096], *text;
    size_t i;

    ck_assert_ptr_nonnull(s);
    json_array_foreach(json_object_get(s, "profilers"), i, v)
        json_object_set_new(v, "python", json_string("3.12"));
    json_array_foreach(json_object_get(s, "pairs"), i, v)
        json_object_set_new(v, "python", json_string("3.12"));
    ck_assert_int_eq(mkdir(res, 0777), 0);
    snprintf(path, sizeof path, "%s/summary.json", res);
    ck_assert_int_eq(json_dump_file(s, path, 0), 0);
    json_decref(s);

    ck_assert_msg(plot(dirs, 1, out, NULL, &err) == 0, "%s", err.msg);
    text = tu_read_file(path_in(out, "overhead-by-python", "dat"));
    ck_assert_ptr_nonnull(text);
    ck_assert_ptr_nonnull(strstr(text, " 57.21 56.02 57.84 0 1 1\n"));
    ck_assert_ptr_nonnull(strstr(text, " 15.33 14.95 15.52 0 1 0\n"));
    free(text);
    text = tu_read_file(path_in(out, "overhead-by-python", "svg"));
    ck_assert_ptr_nonnull(text);
    ck_assert_ptr_nonnull(strstr(text, ">≥57.2×<"));
    ck_assert_ptr_nonnull(strstr(text, "≥: a lower bound"));
    ck_assert_ptr_null(strstr(text, "≥15.3×"));
    free(text);
}
END_TEST

/* The CPU split of profiler on workload in accuracy.json (cpu[].splits[]),
 * or NULL. */
static json_t *split_of(json_t *acc, const char *profiler, const char *workload)
{
    json_t *row, *split;
    size_t i, k;

    json_array_foreach(json_object_get(acc, "cpu"), i, row) {
        if (strcmp(json_string_value(json_object_get(row, "profiler")), profiler) != 0)
            continue;
        json_array_foreach(json_object_get(row, "splits"), k, split)
            if (strcmp(json_string_value(json_object_get(split, "workload")), workload) == 0)
                return split;
    }
    return NULL;
}

/* accuracy.dat in out holds, under a "# PROFILER" line, one point
 * "TRUE% REPORTED% WORKLOAD" for each CPU split of results_dir's
 * accuracy.json: its true_share and reported_share in percent (to 0.01
 * of a point), every split once, nothing else. */
static void check_accuracy_points(const char *out, const char *results_dir)
{
    char path[4096], *dat, *line, *save = NULL, profiler[256] = "";
    json_t *acc, *row, *split, *seen = json_object();
    size_t i, k;
    int want = 0, got = 0;

    snprintf(path, sizeof path, "%s/accuracy.json", results_dir);
    acc = json_load_file(path, 0, NULL);
    ck_assert_ptr_nonnull(acc);
    json_array_foreach(json_object_get(acc, "cpu"), i, row)
        json_array_foreach(json_object_get(row, "splits"), k, split)
            want += json_is_number(json_object_get(split, "true_share"))
                    && json_is_number(json_object_get(split, "reported_share"));
    ck_assert_int_gt(want, 0);
    dat = tu_read_file(path_in(out, "accuracy", "dat"));
    ck_assert_ptr_nonnull(dat);
    for (line = strtok_r(dat, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        double t, r;
        char workload[256], key[600];

        if (strncmp(line, "# ", 2) == 0) {          /* a profiler's block, or the head */
            snprintf(profiler, sizeof profiler, "%s", line + 2);
            continue;
        }
        ck_assert_msg(sscanf(line, "%lf %lf %255s", &t, &r, workload) == 3,
                      "accuracy.dat: bad point '%s'", line);
        split = split_of(acc, profiler, workload);
        ck_assert_msg(split != NULL, "accuracy.dat: '%s' on '%s' is not in accuracy.json",
                      profiler, workload);
        ck_assert_msg(fabs(t - json_number_value(json_object_get(split, "true_share")) * 100)
                      < 0.01, "%s on %s: true share %g", profiler, workload, t);
        ck_assert_msg(fabs(r - json_number_value(json_object_get(split, "reported_share")) * 100)
                      < 0.01, "%s on %s: reported share %g", profiler, workload, r);
        snprintf(key, sizeof key, "%s\t%s", profiler, workload);
        ck_assert_msg(json_object_get(seen, key) == NULL, "%s on %s drawn twice", profiler,
                      workload);
        json_object_set_new(seen, key, json_true());
        got++;
    }
    ck_assert_int_eq(got, want);
    json_decref(seen);
    json_decref(acc);
    free(dat);
}

/* A results directory with accuracy.json: its chart beside the others,
 * its points the run's figures, its picture the size its script asks
 * for. */
START_TEST(plots_accuracy_chart)
{
    const char *dirs[] = { FIX "/results-accuracy" };
    struct pb_error err;
    char *gp, *term;
    unsigned w, h, gw = 0, gh = 0;

    ck_assert_msg(plot(dirs, 1, tmp, NULL, &err) == 0, "%s", err.msg);
    check_charts(tmp, dirs, 1, 1200, 700);
    ck_assert(exists(path_in(tmp, "accuracy", "png")));
    ck_assert(exists(path_in(tmp, "accuracy", "svg")));
    check_accuracy_points(tmp, dirs[0]);
    gp = tu_read_file(path_in(tmp, "accuracy", "gp"));
    ck_assert_ptr_nonnull(strstr(gp, "'yappi_cpu'"));
    term = strstr(gp, "set terminal pngcairo size ");
    ck_assert_ptr_nonnull(term);
    ck_assert_int_eq(sscanf(term, "set terminal pngcairo size %u,%u", &gw, &gh), 2);
    png_size(path_in(tmp, "accuracy", "png"), &w, &h);
    ck_assert_uint_eq(w, gw);
    ck_assert_uint_eq(h, gh);
    free(gp);
}
END_TEST

/* Several results directories: one accuracy chart each, in a directory of
 * its own, none for a directory without accuracy.json. */
START_TEST(plots_accuracy_of_several_runs)
{
    const char *a = path_in(tmp, "a", NULL), *b = path_in(tmp, "b", NULL);
    const char *dirs[] = { FIX "/results-small", FIX "/results-accuracy" };
    const char *same[] = { path_in(a, "results-accuracy", NULL),
                           path_in(b, "results-accuracy", NULL) };
    char cmd[8192], rel[4096];
    char *argv[] = { "sh", "-c", cmd, NULL };
    struct pb_error err;
    struct pb_summary_set *set;
    const char *out = path_in(tmp, "plots", NULL), *out2 = path_in(tmp, "plots2", NULL);

    ck_assert_msg(plot(dirs, 2, out, NULL, &err) == 0, "%s", err.msg);
    ck_assert(exists(path_in(out, "accuracy-results-accuracy/accuracy", "png")));
    ck_assert(exists(path_in(out, "accuracy-results-accuracy/accuracy", "gp")));
    ck_assert(!exists(path_in(out, "accuracy", "png")));
    ck_assert(!exists(path_in(out, "accuracy-results-small/accuracy", "png")));
    set = pb_summary_set_load(dirs, 2, &err);
    ck_assert_ptr_nonnull(set);
    ck_assert(!pb_plot_has_accuracy(set, 0));
    ck_assert(pb_plot_has_accuracy(set, 1));
    pb_plot_accuracy_path(set, 1, rel, sizeof rel);
    ck_assert_str_eq(rel, "accuracy-results-accuracy/accuracy");
    pb_summary_set_free(set);

    /* Two directories of the same name do not share a chart. */
    snprintf(cmd, sizeof cmd, "mkdir -p '%s' '%s' && cp -r %s/results-accuracy '%s/' && "
             "cp -r %s/results-accuracy '%s/'", a, b, FIX, a, FIX, b);
    ck_assert_int_eq(tu_run(argv, NULL), 0);
    ck_assert_msg(plot(same, 2, out2, NULL, &err) == 0, "%s", err.msg);
    ck_assert(exists(path_in(out2, "accuracy-run1-results-accuracy/accuracy", "png")));
    ck_assert(exists(path_in(out2, "accuracy-run2-results-accuracy/accuracy", "png")));
}
END_TEST

START_TEST(broken_accuracy_json_is_an_error)
{
    const char *res = path_in(tmp, "res", NULL);
    const char *dirs[] = { res };
    char cmd[8192], buf[4096];
    char *argv[] = { "sh", "-c", cmd, NULL };
    struct pb_error err;

    snprintf(cmd, sizeof cmd, "cp -r %s/results-accuracy '%s' && echo '{\"cpu\": [' > "
             "'%s/accuracy.json'", FIX, res, res);
    ck_assert_int_eq(tu_run(argv, NULL), 0);
    ck_assert_int_eq(plot(dirs, 1, path_in(tmp, "out", NULL), NULL, &err), -1);
    pb_error_format(&err, buf, sizeof buf);
    ck_assert_msg(strstr(buf, "accuracy.json"), "%s", buf);
}
END_TEST

/* A results directory whose names would trip gnuplot: quotes, enhanced
 * text markup (_ ^ @ { }), XML specials, a backslash. */
static const char *const odd_names[] = {
    "it's \"quoted\"", "under_score_x", "a&b<c>", "x^2_{y}@z", "back\\slash",
};

static void write_odd_results(const char *dir)
{
    json_t *pairs = json_array(), *profs = json_array(), *root, *meta;
    const char *wl[] = { "w_one", "two" };
    char path[4096];

    for (size_t w = 0; w < 2; w++)
        json_array_append_new(pairs, json_pack(
            "{s:s, s:s, s:s, s:i, s:{s:f, s:f, s:f}, s:{s:f, s:f, s:f}, s:{s:f, s:f, s:f}}",
            "workload", wl[w], "profiler", "plain", "status", "ok", "runs", 3,
            "wall_ratio", "value", 1.0, "lo", 0.98, "hi", 1.02,
            "cpu_ratio", "value", 1.0, "lo", 0.98, "hi", 1.02,
            "mem_ratio", "value", 1.0, "lo", 0.99, "hi", 1.01));
    for (size_t i = 0; i < sizeof odd_names / sizeof odd_names[0]; i++) {
        double v = 1.1 + i * 0.7;
        for (size_t w = 0; w < 2; w++)
            json_array_append_new(pairs, json_pack(
                "{s:s, s:s, s:s, s:i, s:{s:f, s:f, s:f}, s:{s:f, s:f, s:f}, s:{s:f, s:f, s:f}}",
                "workload", wl[w], "profiler", odd_names[i], "status", "ok", "runs", 3,
                "wall_ratio", "value", v, "lo", v * 0.97, "hi", v * 1.03,
                "cpu_ratio", "value", v * 1.1, "lo", v, "hi", v * 1.2,
                "mem_ratio", "value", 1.2, "lo", 1.1, "hi", 1.3));
        json_array_append_new(profs, json_pack(
            "{s:s, s:i, s:i, s:{s:f, s:f, s:f}, s:{s:f, s:f, s:f}, s:{s:f, s:f, s:f}}",
            "name", odd_names[i], "workloads_ok", 2, "workloads_failed", 0,
            "wall_geomean", "value", v, "lo", v * 0.97, "hi", v * 1.03,
            "cpu_geomean", "value", v * 1.1, "lo", v, "hi", v * 1.2,
            "mem_geomean", "value", 1.2, "lo", 1.1, "hi", 1.3));
    }
    meta = json_pack("{s:s, s:s, s:s, s:{s:s, s:i}, s:{s:s, s:s}}",
                     "pbench_version", "0.1.0", "config_name", "odd 'names'",
                     "started", "2026-12-01T10:00:00Z",
                     "host", "cpu_model", "Some \"CPU\" & co", "cores", 4,
                     "python", "version", "3.12.1", "implementation", "CPython");
    root = json_pack("{s:o, s:s, s:f, s:o, s:o}", "meta", meta, "baseline", "plain",
                     "confidence", 0.95, "pairs", pairs, "profilers", profs);
    snprintf(path, sizeof path, "%s/summary.json", dir);
    ck_assert_int_eq(json_dump_file(root, path, JSON_INDENT(1)), 0);
    json_decref(root);
}

START_TEST(odd_names_do_not_break_gnuplot)
{
    const char *res = path_in(tmp, "res", NULL);
    const char *out = path_in(tmp, "plots", NULL);
    const char *dirs[] = { res };
    struct pb_error err;
    char *gp;

    ck_assert_int_eq(mkdir(res, 0777), 0);
    write_odd_results(res);
    ck_assert_msg(plot(dirs, 1, out, NULL, &err) == 0, "%s", err.msg);
    check_charts(out, dirs, 1, 1200, 700);
    gp = tu_read_file(path_in(out, "overhead", "gp"));
    ck_assert_ptr_nonnull(strstr(gp, "'it''s \"quoted\"'"));
    ck_assert_ptr_nonnull(strstr(gp, "noenhanced"));
    free(gp);
}
END_TEST

/* ---- errors ---- */

START_TEST(missing_results_dir)
{
    const char *dirs[] = { "/nonexistent/results-q" };
    struct pb_error err;
    char buf[4096];

    ck_assert_int_eq(plot(dirs, 1, tmp, NULL, &err), -1);
    pb_error_format(&err, buf, sizeof buf);
    ck_assert_msg(strstr(buf, "/nonexistent/results-q: no such results directory"), "%s", buf);
}
END_TEST

START_TEST(corrupt_results_dir)
{
    const char *dirs[] = { FIX "/results-corrupt" };
    struct pb_error err;
    char buf[4096];

    ck_assert_int_eq(plot(dirs, 1, tmp, NULL, &err), -1);
    pb_error_format(&err, buf, sizeof buf);
    ck_assert_msg(strstr(buf, "results-corrupt/summary.json:38:") && strstr(buf, "invalid JSON"),
                  "%s", buf);
    ck_assert(!exists(path_in(tmp, "overhead", "png")));
}
END_TEST

START_TEST(gnuplot_missing)
{
    const char *dirs[] = { FIX "/results-small" };
    struct pb_plot_opts o;
    struct pb_error err;

    pb_plot_opts_init(&o);
    o.gnuplot = "/nonexistent/gnuplot";
    ck_assert_int_eq(plot(dirs, 1, tmp, &o, &err), -1);
    ck_assert_msg(strstr(err.msg, "cannot run '/nonexistent/gnuplot'")
                  && strstr(err.msg, "No such file"), "%s", err.msg);
}
END_TEST

/* gnuplot's own complaint ends up in the error. */
START_TEST(gnuplot_failure_is_reported)
{
    const char *dirs[] = { FIX "/results-small" };
    struct pb_plot_opts o;
    struct pb_error err;
    char *fake = tu_write_file(tmp, "fake-gnuplot",
                               "#!/bin/sh\necho \"\\\"$1\\\" line 3: it broke\" >&2\nexit 3\n");
    char buf[4096];

    ck_assert_int_eq(chmod(fake, 0755), 0);
    pb_plot_opts_init(&o);
    o.gnuplot = fake;
    ck_assert_int_eq(plot(dirs, 1, path_in(tmp, "out", NULL), &o, &err), -1);
    pb_error_format(&err, buf, sizeof buf);
    ck_assert_msg(strstr(buf, "overhead.gp: gnuplot exited with status 3")
                  && strstr(buf, "\"overhead.gp\" line 3: it broke"), "%s", buf);
    free(fake);
}
END_TEST

START_TEST(bad_size)
{
    const char *dirs[] = { FIX "/results-small" };
    struct pb_plot_opts o;
    struct pb_error err;

    pb_plot_opts_init(&o);
    o.width = 100;
    ck_assert_int_eq(plot(dirs, 1, tmp, &o, &err), -1);
    ck_assert_ptr_nonnull(strstr(err.msg, "out of range"));
}
END_TEST

/* ---- the command ---- */

static int cmd(int argc, const char **argv)
{
    return cmd_plot(argc, (char **)argv);
}

START_TEST(cmd_exit_codes)
{
    const char *out = path_in(tmp, "p", NULL);
    const char *ok[] = { "plot", FIX "/results-small", "-o", out, "--width", "800",
                         "--height", "500" };
    const char *none[] = { "plot" };
    const char *badw[] = { "plot", FIX "/results-small", "--width", "huge" };
    const char *badopt[] = { "plot", "--frobnicate", FIX "/results-small" };
    const char *missing[] = { "plot", "/nonexistent/r", "-o", out };
    unsigned w, h;

    ck_assert_int_eq(cmd(8, ok), 0);
    png_size(path_in(out, "overhead", "png"), &w, &h);
    ck_assert_uint_eq(w, 800);
    ck_assert_uint_eq(h, 500);
    ck_assert_int_eq(cmd(1, none), 2);
    ck_assert_int_eq(cmd(4, badw), 2);
    ck_assert_int_eq(cmd(3, badopt), 2);
    ck_assert_int_eq(cmd(4, missing), 1);
}
END_TEST

Suite *plot_suite(void)
{
    Suite *s = suite_create("plot");
    TCase *core = tcase_create("core");
    TCase *errors = tcase_create("errors");
    TCase *command = tcase_create("command");

    tcase_add_checked_fixture(core, setup, teardown);
    tcase_set_timeout(core, 60);
    tcase_add_test(core, plots_small_fixture);
    tcase_add_test(core, default_size_and_out_dir_created);
    tcase_add_test(core, scripts_rerun_cleanly);
    tcase_add_test(core, plots_failed_pairs);
    tcase_add_test(core, every_profiler_failed);
    tcase_add_test(core, plots_several_runs);
    tcase_add_test(core, odd_names_do_not_break_gnuplot);
    tcase_add_test(core, plots_summary_without_lower_bound_flag);
    tcase_add_test(core, plots_summary_with_wall_bound_alone);
    tcase_add_test(core, plots_by_python_marks_bounds);
    tcase_add_test(core, plots_accuracy_chart);
    tcase_add_test(core, plots_accuracy_of_several_runs);
    suite_add_tcase(s, core);

    tcase_add_checked_fixture(errors, setup, teardown);
    tcase_add_test(errors, missing_results_dir);
    tcase_add_test(errors, corrupt_results_dir);
    tcase_add_test(errors, gnuplot_missing);
    tcase_add_test(errors, gnuplot_failure_is_reported);
    tcase_add_test(errors, bad_size);
    tcase_add_test(errors, broken_accuracy_json_is_an_error);
    suite_add_tcase(s, errors);

    tcase_add_checked_fixture(command, setup, teardown);
    tcase_set_timeout(command, 60);
    tcase_add_test(command, cmd_exit_codes);
    suite_add_tcase(s, command);
    return s;
}
