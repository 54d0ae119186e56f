#ifndef PB_ACCURACY_PLOT_H
#define PB_ACCURACY_PLOT_H

/*
 * The accuracy chart: for the CPU split truth workloads, each profiler's
 * reported share of the helper side against the true share, one line of
 * points per profiler, with the diagonal (a perfect profiler) drawn.
 * From RESULTS_DIR/accuracy.json (pbench accuracy); like the overhead
 * charts (plot.h), out_dir gets accuracy.gp (self-contained, re-runnable
 * with `cd OUT_DIR && gnuplot accuracy.gp`), accuracy.dat, accuracy.png
 * and accuracy.svg.
 */

#include "util/error.h"

/* Writes the chart of results_dir's accuracy.json into out_dir (created
 * if needed). gnuplot: program to run (NULL: "gnuplot", looked up in
 * PATH), from an argv in out_dir. Returns 0; 1 when accuracy.json has no
 * CPU split figures (nothing written); -1 with err set: accuracy.json
 * missing or unreadable, a file that cannot be written, gnuplot missing
 * or failing (its last stderr line in the message). */
int pb_accuracy_plot_write(const char *results_dir, const char *out_dir, const char *gnuplot,
                           struct pb_error *err);

#endif /* PB_ACCURACY_PLOT_H */
