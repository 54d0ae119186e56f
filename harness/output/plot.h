#ifndef PB_PLOT_H
#define PB_PLOT_H

/*
 * Charts from stored results, drawn by gnuplot. For every chart in
 * pb_plot_charts, out_dir gets NAME.gp (the script), NAME.dat (its data),
 * NAME.png and NAME.svg. The script is self-contained and uses paths
 * relative to its own directory, so a user can edit it and re-run
 * `cd OUT_DIR && gnuplot NAME.gp`. A results directory with accuracy.json
 * adds its accuracy chart (accuracy_plot.h; see pb_plot_accuracy_path).
 *
 * A mean that counts timed-out workloads at their lower bound
 * (pb_profiler_mean_bound: wall, CPU and memory alike; in older summaries
 * the wall mean alone) is labelled "≥"; so is a CPU-versus-wall point
 * whose both means are bounds. Where an older summary's CPU mean left
 * timed-out workloads out, that chart's wall mean leaves them out too.
 *
 * gnuplot runs from an argv (never a shell) with out_dir as its working
 * directory; its stderr becomes the error message when it fails.
 */

#include <stddef.h>

#include "util/error.h"
#include "store/summary.h"

struct pb_plot_opts {
    int width, height;          /* pixels, for both PNG and SVG */
    const char *gnuplot;        /* program to run; looked up in PATH */
    int timeout_s;              /* per gnuplot run */
};

/* Defaults: 1200 x 700 pixels, "gnuplot", 60 s. Cannot fail. */
void pb_plot_opts_init(struct pb_plot_opts *opts);

/* One chart: file base name and what it shows (used by the report). */
struct pb_chart {
    const char *name;           /* "overhead": overhead.{gp,dat,png,svg} */
    const char *title;
};

/* The charts pb_plot_write_set draws, ending with { NULL, NULL }. */
extern const struct pb_chart pb_plot_charts[];

/* 1 when chart i of pb_plot_charts is drawn for set (the by-Python chart
 * only for results with the Python axis). Cannot fail. */
int pb_plot_chart_applies(const struct pb_summary_set *set, size_t i);

/* Writes every chart of a loaded set (pb_summary_set_load) into out_dir
 * (created with its parents if needed; files of the same names are
 * replaced), and for each results directory that has accuracy.json its
 * accuracy chart (pb_accuracy_plot_write, at pb_plot_accuracy_path; none
 * when accuracy.json has no CPU split figures; an unreadable
 * accuracy.json is an error). opts may be NULL for the defaults. Returns
 * 0, or -1 with err set: a chart size out of range, a set without
 * profilers, a file that cannot be written, gnuplot missing ("cannot run
 * 'gnuplot': ...") or failing ("OUT/overhead.gp: gnuplot exited with
 * status 1: <its stderr>"). */
int pb_plot_write_set(const struct pb_summary_set *set, const char *out_dir,
                      const struct pb_plot_opts *opts, struct pb_error *err);

/* 1 when set->runs[r] has an accuracy.json (pbench accuracy), else 0.
 * Cannot fail. */
int pb_plot_has_accuracy(const struct pb_summary_set *set, size_t r);

/* Where the accuracy chart of set->runs[r] goes, relative to the plots
 * directory and without extension: "accuracy" when the set has one run;
 * with several, "accuracy-NAME/accuracy" (NAME: the results directory's
 * base name, "run<r+1>-NAME" when two runs share it), a directory per
 * run since the chart's files are always named accuracy.*. Writes at
 * most n bytes into buf. Cannot fail. */
void pb_plot_accuracy_path(const struct pb_summary_set *set, size_t r, char *buf, size_t n);

#endif /* PB_PLOT_H */
