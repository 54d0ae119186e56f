#ifndef PB_REPORT_SECTION_H
#define PB_REPORT_SECTION_H

/*
 * report_section: what report.c and its section files share. The report
 * is the table of sections in report.c; each section is one function,
 * grouped by topic:
 *   report_runs.c      title, runs merged, failures, warnings, baseline
 *   report_overhead.c  overhead, per workload, precision, memory, CPU
 *   report_accuracy.c  each run's accuracy.json
 *   report_machine.c   machine and versions, how to read the report
 *   report_published.c a reference's figures beside the measured ones
 *   report_calibration.c the counts chosen for `target:` (calibration.json)
 *   report_compare.c   several runs: each later one against the first
 * and the formatting they have in common is in report_format.c.
 *
 * For the report only: nothing outside output/report*.c includes this.
 */

#include <stddef.h>
#include <stdio.h>

#include "store/reference.h"
#include "store/summary.h"

/* The charts a report can embed: pb_plot_charts, at most this many. */
#define PB_REPORT_MAX_CHARTS 8

/* What every section gets: the merged results and where things are. */
struct pb_report_ctx {
    const struct pb_summary_set *set;
    /* Per chart of pb_plot_charts: the PNG's link relative to the report
     * (URL-escaped), or NULL when the chart is not there. */
    char *png[PB_REPORT_MAX_CHARTS], *svg[PB_REPORT_MAX_CHARTS], *gp[PB_REPORT_MAX_CHARTS];
    const char *plots_dir;
    const char *report_dir;     /* the directory the report goes into */
    int multi;                  /* several runs merged */
    int any_accuracy;           /* some run has accuracy.json */
    const struct pb_reference *reference;   /* --reference; NULL: none */
};

/* A section: writes its Markdown (possibly nothing) to f. Returns 0, or
 * -1 when out of memory. Write errors show in ferror(f). */
typedef int pb_report_section_fn(FILE *f, const struct pb_report_ctx *c);

pb_report_section_fn pb_report_sec_title, pb_report_sec_runs, pb_report_sec_failures,
    pb_report_sec_warnings, pb_report_sec_baseline;                 /* report_runs.c */
pb_report_section_fn pb_report_sec_overhead, pb_report_sec_workloads,
    pb_report_sec_precision, pb_report_sec_memory, pb_report_sec_cpu;   /* report_overhead.c */
pb_report_section_fn pb_report_sec_accuracy;                        /* report_accuracy.c */
pb_report_section_fn pb_report_sec_machine, pb_report_sec_method;   /* report_machine.c */
pb_report_section_fn pb_report_sec_published;                       /* report_published.c */
pb_report_section_fn pb_report_sec_calibration;                     /* report_calibration.c */
pb_report_section_fn pb_report_sec_compare;                         /* report_compare.c */

/* ---- formatting (report_format.c); none can fail ---- */

/* A ratio with its interval: "1.68× (1.65–1.69×)"; "–" when unknown. */
void pb_report_fmt_ci(char *buf, size_t n, const struct pb_ratio *r);

/* A ratio that may be a lower bound: "≥57.2×". */
void pb_report_fmt_bound(char *buf, size_t n, double v, int lower);

/* "2026-11-25T19:40:00Z" -> "2026-11-25 19:40 UTC"; other text
 * unchanged; NULL -> "unknown". */
void pb_report_fmt_time(char *buf, size_t n, const char *iso);

/* The link to plots_dir/NAME.EXT from report_dir, URL-escaped, or NULL
 * when the file is not there (or out of memory). Caller frees. */
char *pb_report_chart_link(const char *report_dir, const char *plots_dir, const char *name,
                           const char *ext);

#endif /* PB_REPORT_SECTION_H */
