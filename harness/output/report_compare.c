/*
 * report_compare: with several results directories, each later one
 * against the first (analysis/compare.h): the chart (chart_compare.c)
 * and, per later run, its comparison as compare_md writes it.
 */
#include <stdio.h>
#include <stdlib.h>

#include "analysis/compare.h"
#include "output/chart_compare.h"
#include "output/compare_md.h"
#include "output/report_section.h"
#include "util/text.h"

/* Embeds the comparison chart, with links to its SVG and script; or
 * says why it is not there. */
static void embed(FILE *f, const struct pb_report_ctx *c)
{
    const char *name = pb_compare_chart.name;
    char *png = NULL, *svg = NULL, *gp = NULL;

    if (c->plots_dir) {
        png = pb_report_chart_link(c->report_dir, c->plots_dir, name, "png");
        svg = pb_report_chart_link(c->report_dir, c->plots_dir, name, "svg");
        gp = pb_report_chart_link(c->report_dir, c->plots_dir, name, "gp");
    }
    if (!png) {
        if (c->plots_dir)
            fprintf(f, "*(Chart not found: %s.png in the plots directory; `pbench report` "
                    "with these directories draws it.)*\n\n", name);
        goto cleanup;
    }
    fprintf(f, "![");
    pb_md_text(f, pb_compare_chart.title, 0);
    fprintf(f, "](%s)\n\n", png);
    if (svg || gp) {
        fprintf(f, "<sub>");
        if (svg)
            fprintf(f, "[SVG](%s)", svg);
        if (svg && gp)
            fprintf(f, " · ");
        if (gp)
            fprintf(f, "[gnuplot script](%s) (edit and re-run it with `gnuplot %s.gp` "
                    "in its directory)", gp, name);
        fprintf(f, "</sub>\n\n");
    }

cleanup:
    free(png);
    free(svg);
    free(gp);
}

int pb_report_sec_compare(FILE *f, const struct pb_report_ctx *c)
{
    struct pb_compare **cs;
    size_t n;

    if (!c->multi)
        return 0;
    if (!(cs = pb_compare_set(c->set, &n, NULL)))
        return -1;
    fprintf(f, "## Compared with the first run\n\n");
    fprintf(f, "Each later results directory against the first one given (as `pbench compare "
            "FIRST LATER` prints it): per profiler and workload measured in both, the later "
            "run's normalized time over the first's, with its interval; per profiler the "
            "geometric mean over the workloads measured alike in both. The overhead table "
            "above shows each profiler from one run only (the latest that has it); this "
            "section compares the runs.\n\n");
    embed(f, c);
    for (size_t k = 0; k < n; k++) {
        fprintf(f, "### Run %zu against run 1\n\n", k + 2);
        pb_compare_markdown(f, cs[k], 4);
    }
    pb_compare_set_free(cs, n);
    return 0;
}
