#ifndef PB_CHART_H
#define PB_CHART_H

/*
 * chart: what the charts of plot.c share. Each chart is one function that
 * writes a gnuplot script (NAME.gp: layout, text and the plot command)
 * and its numbers (NAME.dat); this module gives them
 *   - text measuring and wrapping, so that layout is computed here in
 *     pixels (margins, label positions, when to rotate tick labels) and
 *     nothing overlaps at the requested size;
 *   - the canvas: the picture's size, base font size and margins;
 *   - the script's head (terminal, title, subtitle, footer, margins) and
 *     tail (the same picture again as SVG), log-scale tics and the commas
 *     between the series of a plot command;
 *   - what a chart says about a profiler's means: which measure, whether
 *     it is a lower bound, which workloads it leaves out, its run's colour.
 *
 * Text goes into a script only as single-quoted gnuplot strings
 * (pb_gp_string) with the terminal in noenhanced mode, so names with '_',
 * '^', '@', quotes or braces print as written.
 *
 * For plot.c's charts only: nothing outside output/plot*.c and
 * output/chart*.c includes this.
 */

#include <stddef.h>
#include <stdio.h>

#include "output/plot.h"
#include "store/summary.h"

#define PB_CHART_FONT "DejaVu Sans"
#define PB_CHART_TEXT "#222222"
#define PB_CHART_MUTED "#555555"
#define PB_CHART_FAINT "#777777"
#define PB_CHART_WARN "#b03a2e"
#define PB_CHART_BOUND "#8a5a12"    /* notes on means that are lower bounds */
#define PB_CHART_GRID "#e3e3e3"

/* One line of wrapped text, with its terminating NUL. */
#define PB_CHART_LINE_MAX 512

/* ---- text ---- */

/* Estimated width in pixels of s (UTF-8) in DejaVu Sans at fs points as
 * pngcairo draws it (96 dpi). Calibrated on rendered text; errs wide.
 * Cannot fail. */
double pb_chart_text_px(const char *s, double fs);

/* Line height in pixels at fs points. Cannot fail. */
double pb_chart_line_px(double fs);

/* Wraps text at spaces into lines no wider than width_px; returns the
 * line count, at most maxl (the rest is lost). A word wider than a line
 * gets a line of its own, cut at PB_CHART_LINE_MAX - 1 bytes. Cannot
 * fail. */
int pb_chart_wrap(const char *text, double fs, double width_px,
                  char lines[][PB_CHART_LINE_MAX], int maxl);

/* The angle (degrees, a multiple of 5 from 30 to 90) to rotate tick
 * labels by so that neighbours slot_px apart clear each other. Cannot
 * fail. */
double pb_chart_tick_angle(double slot_px, double fs);

/* The height in pixels of a tick label label_px wide, rotated by angle
 * degrees (0: one line). Cannot fail. */
double pb_chart_tick_height(double label_px, double angle, double fs);

/* ---- canvas: fixed margins in pixels ---- */

struct pb_chart_canvas {
    int w, h;
    double fs;                  /* base font size in points */
    double lm, rm, tm, bm;      /* margins, pixels */
};

/* A width x height canvas, its font size scaled from 11 pt at 1200 x 700
 * (7 to 14 pt), margins 0. Cannot fail. */
void pb_chart_canvas_init(struct pb_chart_canvas *c, int width, int height);

/* The plot area's width and height inside the margins. Cannot fail. */
double pb_chart_plot_w(const struct pb_chart_canvas *c);
double pb_chart_plot_h(const struct pb_chart_canvas *c);

/* Height in pixels of the title block with nsub subtitle lines, and of
 * the footer. Cannot fail. */
double pb_chart_title_px(const struct pb_chart_canvas *c, int nsub);
double pb_chart_footer_px(const struct pb_chart_canvas *c);

/* ---- the script ---- */

/* Writes what every chart script starts with: the comment naming its
 * results directories, terminal, output, margins, the ratio format
 * function fmt(v), the title, the nsub subtitle lines and the footer
 * (CPU model, Python, run date, pbench version). Text labels use tags
 * 100 to 110. Cannot fail (write errors show in ferror(f)). */
void pb_chart_head(FILE *f, const struct pb_summary_set *set, const struct pb_chart *ch,
                   const struct pb_chart_canvas *c, char sub[][PB_CHART_LINE_MAX], int nsub);

/* Writes the end of every chart script: the same picture again as SVG.
 * Cannot fail. */
void pb_chart_tail(FILE *f, const struct pb_chart *ch, const struct pb_chart_canvas *c);

/* Writes `set AXIS (...)`: log-axis tics between lo and hi in 1-2-5
 * steps, finer for short ranges, labelled "2×". Cannot fail. */
void pb_chart_log_tics(FILE *f, const char *axis, double lo, double hi);

/* Writes the x axis of a chart with one slot per label, label(i, ctx) at
 * x = i, slanted by angle degrees (0: level), without tick marks; the left
 * and bottom borders; and the dashed line at 1× across the plot (arrow 1).
 * Cannot fail. */
void pb_chart_slot_axis(FILE *f, size_t n, const char *(*label)(size_t i, const void *ctx),
                        const void *ctx, double angle);

/* Starts the next series of a plot command, counting them in *nseries.
 * gnuplot 5.4 crashes on a `with labels` series none of whose points is
 * valid, so series are written only when they have something to draw;
 * this puts the commas (and "plot" before the first). Cannot fail. */
void pb_chart_series(FILE *f, int *nseries);

/* Writes name to a .dat comment, control characters as spaces. Cannot
 * fail. */
void pb_chart_dat_name(FILE *d, const char *name);

/* ---- what a chart says about a profiler ---- */

enum pb_chart_measure { PB_CHART_WALL, PB_CHART_MEM, PB_CHART_CPU };

/* The profiler's mean of measure k. Cannot fail. */
const struct pb_ratio *pb_chart_measure(const struct pb_merged_profiler *m,
                                        enum pb_chart_measure k);

/* 1 when the profiler's mean of k is a lower bound: it took timed-out
 * workloads in at their lower bound (pb_profiler_mean_bound; older
 * summaries: the wall mean alone). Cannot fail. */
int pb_chart_at_least(const struct pb_merged_profiler *m, enum pb_chart_measure k);

/* Number of workloads a profiler's pairs cover in its run. Cannot fail. */
int pb_chart_npairs(const struct pb_summary_set *set, const struct pb_merged_profiler *m);

/* The workload count the means are over, or -1 when it differs between
 * profilers. Cannot fail. */
int pb_chart_common_nworkloads(const struct pb_summary_set *set);

/* Notes on the workloads a profiler's mean of k does not simply average:
 * the ones it leaves out ("2 timed out", "1 failed", "1 not run"), then,
 * for a mean that counts timed-out workloads at their lower bound,
 * "≥: 2 timed out". Returns the number of notes (4 at most); *nbound (may
 * be NULL) gets 1 when the last is the "≥" note, else 0. Cannot fail. */
int pb_chart_exclusions(const struct pb_merged_profiler *m, enum pb_chart_measure k,
                        char lines[][PB_CHART_LINE_MAX], int *nbound);

/* The colour of results directory r when several are merged, as
 * "#rrggbb"; pb_chart_run_rgb gives it as a number for a .dat file.
 * Cannot fail. */
const char *pb_chart_run_color(size_t r);
unsigned pb_chart_run_rgb(size_t r);

/* A multi-run legend line: "run 2: retry, 2026-11-27 (results-failed)".
 * Cannot fail. */
void pb_chart_run_label(const struct pb_summary_set *set, size_t r, char *buf, size_t n);

/* ---- the charts (chart_bars.c, chart_heat.c, chart_scatter.c) ---- */

/* Each writes chart ch of set: its script to f and its numbers to d, on
 * canvas c (size and font; the chart sets its own margins). Returns 0,
 * or -1 when out of memory. */
typedef int pb_chart_fn(FILE *f, FILE *d, const struct pb_summary_set *set,
                        const struct pb_chart *ch, const struct pb_chart_canvas *c);

/* One bar per profiler, sorted: its wall-time mean (overhead), its peak
 * RSS mean (memory), with intervals and notes on what a mean leaves out. */
pb_chart_fn pb_chart_overhead, pb_chart_memory;

/* Profiler x workload heat map of wall-time ratios, and each profiler's
 * mean. */
pb_chart_fn pb_chart_heat;

/* CPU-time mean against wall-time mean, one labelled point per profiler. */
pb_chart_fn pb_chart_scatter;

/* Each profiler's wall-time mean by Python version (chart_python.c); only
 * for results with the Python axis: pb_chart_python_applies. */
pb_chart_fn pb_chart_python;
int pb_chart_python_applies(const struct pb_summary_set *set);

#endif /* PB_CHART_H */
