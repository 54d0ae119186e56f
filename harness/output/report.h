#ifndef PB_REPORT_H
#define PB_REPORT_H

/*
 * A Markdown report from stored results: the machine and versions, the
 * summary tables, the charts (linked by paths relative to the report, so
 * the report renders where it lies, e.g. on a code-hosting page), the
 * failures with their reasons and, when several results directories are
 * merged, which run each profiler came from; and, for every results
 * directory with accuracy.json (pbench accuracy), its accuracy section
 * (pb_accuracy_markdown) with the chart pb_plot_write_set drew for it;
 * and, given a reference file (store/reference.h), the published figures
 * beside the measured ones.
 *
 * The report is a table of sections (see `sections` in report.c, and
 * report_section.h for the files that write them); a new part of the
 * report is one more function and one more row there.
 */

#include <stddef.h>

#include "util/error.h"
#include "store/reference.h"
#include "store/summary.h"

/* Writes the report of a loaded set (pb_summary_set_load) to report_path
 * (through a temporary file renamed into place; the directory must
 * exist). plots_dir is where the charts of pb_plot_charts are (it does
 * not draw them: see pb_plot_write_set); charts missing there are left
 * out with a note, and plots_dir NULL leaves every chart out. An
 * accuracy.json that cannot be read is a note in the report, not an
 * error. reference (may be NULL: no such section) adds "Published versus
 * measured". Returns 0, or -1 with err set (the report cannot be
 * written). */
int pb_report_write_set(const struct pb_summary_set *set, const char *report_path,
                        const char *plots_dir, const struct pb_reference *reference,
                        struct pb_error *err);

#endif /* PB_REPORT_H */
