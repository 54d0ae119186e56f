/*
 * report_calibration: the counts the runs chose for their workloads with
 * `target:` (calibration.json of each run that has one): what a plain run
 * was calibrated to take, the count chosen, and what the fitted line
 * predicts for it. Nothing without a calibrated workload.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "output/report_section.h"
#include "store/calibration.h"
#include "util/text.h"

/* The section's heading and the table's head, before its first row. */
static void head(FILE *f, const struct pb_report_ctx *c, int *n)
{
    if ((*n)++)
        return;
    fprintf(f, "## Calibration\n\n"
            "The work of each workload with `target:` was chosen when its run started: "
            "plain runs at growing counts, a line fitted through them (start-up + "
            "time per count), and the count whose plain run takes the target "
            "(calibration.json).\n\n");
    fprintf(f, "| workload | target (s) | count | fitted time (s) | calibration runs |%s\n",
            c->multi ? " run |" : "");
    fprintf(f, "|---|---:|---:|---:|---:|%s\n", c->multi ? "---:|" : "");
}

/* The table's rows of run r. An unreadable calibration.json is a row
 * saying so, not a failed report. */
static void rows_of_run(FILE *f, const struct pb_report_ctx *c, size_t r, int *n)
{
    struct pb_calibration cal;
    struct pb_error err;
    int rc = pb_calibration_load(c->set->runs[r]->dir, &cal, &err);

    if (rc < 0) {
        head(f, c, n);
        fprintf(f, "| (calibration.json cannot be read: ");
        pb_md_text(f, err.msg, 300);
        fprintf(f, ") | | | | |%s\n", c->multi ? " |" : "");
        return;
    }
    for (size_t i = 0; i < cal.n; i++) {
        const struct pb_calibration_entry *e = &cal.entries[i];
        head(f, c, n);
        fprintf(f, "| ");
        pb_md_text(f, e->workload, 0);
        if (e->error) {
            fprintf(f, " | %g | failed: ", e->target_s);
            pb_md_text(f, e->error, 200);
            fprintf(f, " | – | %zu |", e->npoints);
        } else {
            fprintf(f, " | %g | %lld | ", e->target_s, e->count);
            if (isnan(e->predicted_s))
                fprintf(f, "– |");
            else
                fprintf(f, "%.3f |", e->predicted_s);
            fprintf(f, " %zu |", e->npoints);
        }
        if (c->multi)
            fprintf(f, " %zu |", r + 1);
        fprintf(f, "\n");
    }
    pb_calibration_release(&cal);
}

int pb_report_sec_calibration(FILE *f, const struct pb_report_ctx *c)
{
    int n = 0;

    for (size_t r = 0; r < c->set->nruns; r++)
        rows_of_run(f, c, r, &n);
    if (n)
        fprintf(f, "\n");
    return 0;
}
