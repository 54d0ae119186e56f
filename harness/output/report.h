#ifndef PB_REPORT_H
#define PB_REPORT_H

/*
 * A Markdown report from stored results: the machine and versions, the
 * summary tables, the charts (linked by paths relative to the report, so
 * the report renders where it lies, e.g. on a code-hosting page), the
 * failures with their reasons and, when several results directories are
 * merged, which run each profiler came from; and, for every results
 * directory with accuracy.json (pbench accuracy), its accuracy section
 * (pb_accuracy_markdown) with the chart pb_plot_write drew for it.
 *
 * The report is a list of sections (see `sections` in report.c); a new
 * part of the report is one more function there.
 */

#include <stddef.h>

#include "util/error.h"
#include "store/summary.h"

/* Loads results_dirs (see pb_summary_set_load) and writes the report to
 * report_path (through a temporary file renamed into place). plots_dir is
 * where the charts of pb_plot_charts are (it does not draw them: see
 * pb_plot_write); charts missing there are left out with a note, and
 * plots_dir NULL leaves every chart out. An accuracy.json that cannot be
 * read is a note in the report, not an error. Returns 0, or -1 with err
 * set. */
int pb_report_write(const char *const *results_dirs, size_t ndirs, const char *report_path,
                    const char *plots_dir, struct pb_error *err);

/* Like pb_report_write, for an already loaded set. */
int pb_report_write_set(const struct pb_summary_set *set, const char *report_path,
                        const char *plots_dir, struct pb_error *err);

/* `pbench report RESULTS_DIR... [-o FILE] [--plots DIR] [--no-plot]
 * [--gnuplot PATH]`; argv[0] is "report". Writes FILE (default
 * report.md in the first results directory) after drawing the charts
 * into DIR (default RESULTS_DIR/plots of the first directory); with
 * --no-plot it embeds the charts already in DIR. Returns 0, 1 for a bad
 * results directory, a gnuplot failure or a write error, 2 for a usage
 * error. */
int pb_report_cmd(int argc, char **argv);

#endif /* PB_REPORT_H */
