/*
 * plot: the charts of a set of results. Each chart is written as
 * NAME.dat (numbers only) and NAME.gp (layout, text, and the plot
 * command) by its function in chart_*.c, then gnuplot runs NAME.gp, which
 * draws NAME.png (pngcairo) and NAME.svg. What the charts share (text
 * layout, the script's head and tail) is in chart.c.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "output/accuracy_plot.h"
#include "output/chart.h"
#include "output/gnuplot.h"
#include "output/plot.h"
#include "store/accuracy.h"
#include "util/fs.h"
#include "util/path.h"

const struct pb_chart pb_plot_charts[] = {
    { "overhead", "Profiler overhead: wall time" },
    { "overhead-by-workload", "Overhead per workload: wall time" },
    { "memory", "Memory overhead: peak RSS" },
    { "cpu-vs-wall", "CPU time versus wall time" },
    { "overhead-by-python", "Profiler overhead by Python version: wall time" },
    { NULL, NULL },
};

/* The function that writes each chart, in the order of pb_plot_charts. */
static pb_chart_fn *const chart_fns[] = {
    pb_chart_overhead, pb_chart_heat, pb_chart_memory, pb_chart_scatter, pb_chart_python,
};

int pb_plot_chart_applies(const struct pb_summary_set *set, size_t i)
{
    return chart_fns[i] != pb_chart_python || pb_chart_python_applies(set);
}

void pb_plot_opts_init(struct pb_plot_opts *opts)
{
    opts->width = 1200;
    opts->height = 700;
    opts->gnuplot = "gnuplot";
    opts->timeout_s = 60;
}

static FILE *open_out(const char *dir, const char *name, const char *ext, char *path,
                      size_t n, struct pb_error *err)
{
    FILE *f;

    snprintf(path, n, "%s/%s.%s", dir, name, ext);
    f = pb_fopen_write(path);  /* a planted symlink is refused, not followed */
    if (!f) {
        int e = errno;
        pb_error_at(err, path, 0, 0, "cannot write");
        pb_error_errno(err, e);
    }
    return f;
}

static int close_out(FILE *f, const char *path, struct pb_error *err)
{
    int bad = ferror(f);

    if (fclose(f) != 0 || bad) {
        pb_error_at(err, path, 0, 0, "write failed");
        return pb_error_errno(err, errno ? errno : EIO);
    }
    return 0;
}

/* Writes chart i's script and data into out_dir, then runs gnuplot on
 * it. */
static int write_chart(size_t i, const struct pb_summary_set *set, const char *out_dir,
                       const struct pb_chart_canvas *c, const struct pb_plot_opts *o,
                       struct pb_error *err)
{
    const struct pb_chart *ch = &pb_plot_charts[i];
    char gp_path[PB_ERROR_PATH_MAX], dat_path[PB_ERROR_PATH_MAX], script[256];
    FILE *f, *d;
    int r;

    f = open_out(out_dir, ch->name, "gp", gp_path, sizeof gp_path, err);
    if (!f)
        return -1;
    d = open_out(out_dir, ch->name, "dat", dat_path, sizeof dat_path, err);
    if (!d) {
        fclose(f);
        return -1;
    }
    r = chart_fns[i](f, d, set, ch, c);
    if (close_out(d, dat_path, err) < 0) {
        fclose(f);
        return -1;
    }
    if (close_out(f, gp_path, err) < 0)
        return -1;
    if (r < 0)
        return pb_error_set(err, "out of memory");
    snprintf(script, sizeof script, "%s.gp", ch->name);
    return pb_gnuplot_run(o->gnuplot, out_dir, script, o->timeout_s, err);
}

/* opts over the defaults: its fields that are set. */
static void merge_opts(struct pb_plot_opts *o, const struct pb_plot_opts *opts)
{
    pb_plot_opts_init(o);
    if (!opts)
        return;
    if (opts->width > 0)
        o->width = opts->width;
    if (opts->height > 0)
        o->height = opts->height;
    if (opts->gnuplot && *opts->gnuplot)
        o->gnuplot = opts->gnuplot;
    if (opts->timeout_s > 0)
        o->timeout_s = opts->timeout_s;
}

int pb_plot_write_set(const struct pb_summary_set *set, const char *out_dir,
                      const struct pb_plot_opts *opts, struct pb_error *err)
{
    struct pb_plot_opts o;
    struct pb_chart_canvas c;

    merge_opts(&o, opts);
    if (o.width < 320 || o.height < 240 || o.width > 10000 || o.height > 10000)
        return pb_error_set(err, "chart size %dx%d out of range (320x240 to 10000x10000)",
                            o.width, o.height);
    if (set->nprofilers == 0)
        return pb_error_at(err, set->runs[0]->dir, 0, 0,
                           "no profiler results to plot (only the baseline)");
    if (pb_mkdirs(out_dir, err) < 0)
        return -1;
    pb_chart_canvas_init(&c, o.width, o.height);
    for (size_t i = 0; pb_plot_charts[i].name; i++)
        if (pb_plot_chart_applies(set, i) && write_chart(i, set, out_dir, &c, &o, err) < 0)
            return -1;

    /* The accuracy chart of every run that has accuracy.json. */
    for (size_t r = 0; r < set->nruns; r++) {
        char rel[PB_ERROR_PATH_MAX], dir[PB_ERROR_PATH_MAX];

        if (!pb_plot_has_accuracy(set, r))
            continue;
        pb_plot_accuracy_path(set, r, rel, sizeof rel);
        snprintf(dir, sizeof dir, "%s/%s", out_dir, rel);
        *strrchr(dir, '/') = '\0';         /* the directory part */
        if (pb_accuracy_plot_write(set->runs[r]->dir, dir, o.gnuplot, err) < 0)
            return -1;
    }
    return 0;
}

int pb_plot_has_accuracy(const struct pb_summary_set *set, size_t r)
{
    return pb_accuracy_exists(set->runs[r]->dir);
}

void pb_plot_accuracy_path(const struct pb_summary_set *set, size_t r, char *buf, size_t n)
{
    char name[512], other[PATH_MAX];
    int dup = 0;

    if (set->nruns == 1) {
        snprintf(buf, n, "accuracy");
        return;
    }
    /* pb_accuracy_plot_write names its files accuracy.*, so each run gets
     * a directory, named after the results directory. */
    snprintf(name, sizeof name, "%s", pb_path_base(set->runs[r]->dir, other, sizeof other));
    for (size_t k = 0; k < set->nruns && !dup; k++)
        dup = k != r && strcmp(pb_path_base(set->runs[k]->dir, other, sizeof other), name) == 0;
    if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0 || strcmp(name, "/") == 0 || dup)
        snprintf(buf, n, "accuracy-run%zu-%s/accuracy", r + 1,
                 strcmp(name, "/") == 0 ? "root" : name);
    else
        snprintf(buf, n, "accuracy-%s/accuracy", name);
}
