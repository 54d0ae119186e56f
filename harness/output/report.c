/*
 * report: report.md from stored results. The report is the table
 * `sections` below: each section is one function (in report_*.c, grouped
 * by topic; see report_section.h) that writes Markdown from the merged
 * results (struct pb_report_ctx). To add a part, load what it needs into
 * struct pb_report_ctx and add one function and one row to `sections`
 * (as the accuracy section does with each run's accuracy.json).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "output/plot.h"
#include "output/report.h"
#include "output/report_section.h"
#include "util/path.h"
#include "util/fs.h"

/* The report, top to bottom. A new section is a function and a row
 * here. */
static const struct {
    const char *name;
    pb_report_section_fn *write;
} sections[] = {
    { "title", pb_report_sec_title },
    { "runs", pb_report_sec_runs },
    { "overhead", pb_report_sec_overhead },
    { "comparison with the first run", pb_report_sec_compare },
    { "published versus measured", pb_report_sec_published },
    { "workloads", pb_report_sec_workloads },
    { "precision", pb_report_sec_precision },
    { "memory", pb_report_sec_memory },
    { "cpu", pb_report_sec_cpu },
    { "accuracy", pb_report_sec_accuracy },
    { "failures", pb_report_sec_failures },
    { "warnings", pb_report_sec_warnings },
    { "baseline", pb_report_sec_baseline },
    { "calibration", pb_report_sec_calibration },
    { "machine", pb_report_sec_machine },
    { "method", pb_report_sec_method },
};

/* Fills c for set: which runs have accuracy.json, the links to the
 * charts in plots_dir (none when plots_dir is NULL), the reference (or
 * NULL). */
static void ctx_init(struct pb_report_ctx *c, const struct pb_summary_set *set,
                     const char *report_dir, const char *plots_dir,
                     const struct pb_reference *reference)
{
    *c = (struct pb_report_ctx){ .set = set, .plots_dir = plots_dir,
                                 .report_dir = report_dir, .multi = set->nruns > 1,
                                 .reference = reference };
    for (size_t r = 0; r < set->nruns; r++)
        c->any_accuracy |= pb_plot_has_accuracy(set, r);
    if (!plots_dir)
        return;
    for (int i = 0; pb_plot_charts[i].name && i < PB_REPORT_MAX_CHARTS; i++) {
        const char *name = pb_plot_charts[i].name;
        c->png[i] = pb_report_chart_link(report_dir, plots_dir, name, "png");
        c->svg[i] = pb_report_chart_link(report_dir, plots_dir, name, "svg");
        c->gp[i] = pb_report_chart_link(report_dir, plots_dir, name, "gp");
    }
}

static void ctx_release(struct pb_report_ctx *c)
{
    for (int i = 0; i < PB_REPORT_MAX_CHARTS; i++) {
        free(c->png[i]);
        free(c->svg[i]);
        free(c->gp[i]);
    }
}

/* Writes every section into f; report_path names the report in errors. */
static int write_sections(FILE *f, const struct pb_report_ctx *c, const char *report_path,
                          struct pb_error *err)
{
    for (size_t i = 0; i < sizeof sections / sizeof sections[0]; i++)
        if (sections[i].write(f, c) < 0)
            return pb_error_at(err, report_path, 0, 0, "cannot write the %s section",
                               sections[i].name);
    return 0;
}

int pb_report_write_set(const struct pb_summary_set *set, const char *report_path,
                        const char *plots_dir, const struct pb_reference *reference,
                        struct pb_error *err)
{
    struct pb_report_ctx c = { 0 };
    char *report_dir = pb_path_dir(report_path), *tmp = NULL;
    FILE *f = NULL;
    int ret = -1, bad;
    size_t n;

    if (!report_dir) {
        pb_error_set(err, "out of memory");
        goto cleanup;
    }
    ctx_init(&c, set, report_dir, plots_dir, reference);
    n = strlen(report_path) + 16;
    tmp = malloc(n);
    if (!tmp) {
        pb_error_set(err, "out of memory");
        goto cleanup;
    }
    snprintf(tmp, n, "%s.tmp%ld", report_path, (long)getpid());
    f = pb_fopen_write(tmp);
    if (!f) {
        int e = errno;
        pb_error_at(err, report_path, 0, 0, "cannot write the report");
        pb_error_errno(err, e);
        goto cleanup;
    }
    if (write_sections(f, &c, report_path, err) < 0)
        goto cleanup;
    bad = ferror(f);
    if (fclose(f) != 0 || bad) {
        int e = errno ? errno : EIO;
        f = NULL;
        pb_error_at(err, report_path, 0, 0, "cannot write the report");
        pb_error_errno(err, e);
        goto cleanup;
    }
    f = NULL;
    if (rename(tmp, report_path) < 0) {
        int e = errno;
        pb_error_at(err, report_path, 0, 0, "cannot write the report");
        pb_error_errno(err, e);
        goto cleanup;
    }
    ret = 0;

cleanup:
    if (f)
        fclose(f);
    if (ret < 0 && tmp)
        unlink(tmp);
    free(tmp);
    free(report_dir);
    ctx_release(&c);
    return ret;
}
