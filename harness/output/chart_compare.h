#ifndef PB_CHART_COMPARE_H
#define PB_CHART_COMPARE_H

/*
 * chart_compare: the comparison chart of several results directories
 * (analysis/compare.h): per profiler, each later run's NEW/BASE of its
 * wall-time geometric mean against the first run, with its interval as
 * an error bar, on a log scale with a dashed line at 1× (no change).
 * Like the charts of plot.h it writes compare.gp (self-contained,
 * re-runnable with `cd OUT_DIR && gnuplot compare.gp`), compare.dat,
 * compare.png and compare.svg, with the layout chart.c gives them all;
 * unlike them it is drawn only for two directories or more (`pbench
 * report A B`, `pbench compare --plot DIR`).
 */

#include "output/plot.h"
#include "store/summary.h"
#include "util/error.h"

/* The chart's file name and title (the report embeds it by name). */
extern const struct pb_chart pb_compare_chart;

/* Draws the chart of set's later runs against its first into out_dir
 * (created with its parents if needed). opts may be NULL for the
 * defaults. Returns 0 when drawn; 1 when there is nothing to draw (one
 * run, or no profiler with a ratio in both of any two runs: nothing
 * written); -1 with err set: a chart size out of range, a file that
 * cannot be written, gnuplot missing or failing (as pb_plot_write_set). */
int pb_compare_plot_write_set(const struct pb_summary_set *set, const char *out_dir,
                              const struct pb_plot_opts *opts, struct pb_error *err);

#endif /* PB_CHART_COMPARE_H */
