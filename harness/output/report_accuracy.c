/*
 * report_accuracy: the accuracy section of each run with accuracy.json
 * (pbench accuracy), from pb_accuracy_markdown, with its chart.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/accuracy.h"
#include "output/accuracy_md.h"
#include "output/plot.h"
#include "output/report_section.h"
#include "util/path.h"
#include "util/text.h"

/* One run's accuracy section (pb_accuracy_markdown), its heading naming
 * the run when several are merged; an accuracy.json that cannot be read
 * is a note in the report, not a failed report: the overhead figures
 * stand on their own. */
static int accuracy_of_run(FILE *f, const struct pb_report_ctx *c, size_t r)
{
    const struct pb_summary_set *set = c->set;
    const char *dir = set->runs[r]->dir;
    char *rel = NULL, *prefix = NULL, *chart = NULL, *text = NULL, *body;
    char heading[64], msg[PB_ERROR_MSG_MAX + PB_ERROR_PATH_MAX + 32];
    size_t len = 0;
    struct pb_error err;
    FILE *m = NULL;
    int rc, ret = -1;

    pb_error_clear(&err);
    if (c->multi)
        snprintf(heading, sizeof heading, "## Accuracy (run %zu)", r + 1);
    else
        snprintf(heading, sizeof heading, "## Accuracy");

    /* Links from the report to the results directory's runs. */
    rel = pb_path_relative(c->report_dir, dir);
    if (rel && strcmp(rel, ".") != 0)
        prefix = pb_url_escape(rel);
    if (c->plots_dir) {
        char path[PATH_MAX];
        pb_plot_accuracy_path(set, r, path, sizeof path);
        chart = pb_report_chart_link(c->report_dir, c->plots_dir, path, "png");
    }

    /* Into memory first: the heading may change, and a half-written
     * section must not reach the report. */
    m = open_memstream(&text, &len);
    if (!m)
        goto cleanup;
    rc = pb_accuracy_markdown(m, dir, prefix ? prefix : "", chart, &err);
    if (fclose(m) != 0) {
        m = NULL;
        goto cleanup;
    }
    m = NULL;
    if (rc == 1) {              /* gone since we looked */
        ret = 0;
        goto cleanup;
    }
    fprintf(f, "%s\n\n", heading);
    if (c->multi) {
        fprintf(f, "From run %zu, ", r + 1);
        pb_md_code(f, dir);
        fprintf(f, ".\n\n");
    }
    if (rc < 0) {
        fprintf(f, "*(The accuracy figures of this run are left out: ");
        pb_md_text(f, pb_error_format(&err, msg, sizeof msg), 600);
        fprintf(f, ".)*\n\n");
        ret = 0;
        goto cleanup;
    }
    /* Its own "## Accuracy" heading is replaced by ours. */
    body = text;
    if (strncmp(body, "## ", 3) == 0) {
        body += strcspn(body, "\n");
        body += strspn(body, "\n");
    }
    len = strlen(body);
    while (len && body[len - 1] == '\n')
        len--;
    fwrite(body, 1, len, f);
    fputs("\n\n", f);
    ret = 0;

cleanup:
    if (m)
        fclose(m);
    free(text);
    free(rel);
    free(prefix);
    free(chart);
    return ret;
}

/* For every run with accuracy.json (pbench accuracy): how well each
 * profiler attributes time and memory. A run of truth workloads whose
 * accuracy was not computed gets a pointer to the command. */
int pb_report_sec_accuracy(FILE *f, const struct pb_report_ctx *c)
{
    const struct pb_summary_set *set = c->set;

    for (size_t r = 0; r < set->nruns; r++) {
        const char *dir = set->runs[r]->dir;

        if (pb_plot_has_accuracy(set, r)) {
            if (accuracy_of_run(f, c, r) < 0)
                return -1;
        } else if (pb_accuracy_has_truths(dir)) {
            if (c->multi)
                fprintf(f, "## Accuracy (run %zu)\n\n", r + 1);
            else
                fprintf(f, "## Accuracy\n\n");
            char *cmd = malloc(strlen(dir) + 32);
            if (!cmd)
                return -1;
            sprintf(cmd, "pbench accuracy %s", dir);
            pb_md_code(f, dir);
            fprintf(f, " ran truth workloads, but has no accuracy.json yet: ");
            pb_md_code(f, cmd);
            fprintf(f, " computes it, then `pbench report` again shows it here.\n\n");
            free(cmd);
        }
    }
    return 0;
}
