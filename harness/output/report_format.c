/*
 * report_format: the text the report's sections share: ratios, intervals,
 * lower bounds, times, and links to chart files. See report_section.h.
 */
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "output/report_section.h"
#include "util/path.h"
#include "util/text.h"

/* "1.68× (1.65–1.69)" */
void pb_report_fmt_ci(char *buf, size_t n, const struct pb_ratio *r)
{
    char v[32], lo[32], hi[32];

    if (!pb_ratio_known(r)) {
        snprintf(buf, n, "–");
        return;
    }
    pb_fmt_ratio(r->value, v, sizeof v);
    pb_fmt_ratio(r->lo, lo, sizeof lo);
    pb_fmt_ratio(r->hi, hi, sizeof hi);
    lo[strlen(lo) - strlen("×")] = '\0';
    snprintf(buf, n, "%s (%s–%s)", v, lo, hi);
}

/* A ratio that may be a lower bound: "≥57.2×". */
void pb_report_fmt_bound(char *buf, size_t n, double v, int lower)
{
    char r[32];

    pb_fmt_ratio(v, r, sizeof r);
    snprintf(buf, n, "%s%s", lower && !isnan(v) ? "≥" : "", r);
}

/* "2026-11-25T19:40:00Z" -> "2026-11-25 19:40 UTC"; others unchanged. */
void pb_report_fmt_time(char *buf, size_t n, const char *iso)
{
    if (!iso) {
        snprintf(buf, n, "unknown");
        return;
    }
    if (strlen(iso) == 20 && iso[10] == 'T' && iso[19] == 'Z')
        snprintf(buf, n, "%.10s %.5s UTC", iso, iso + 11);
    else
        snprintf(buf, n, "%s", iso);
}

/* The link to plots_dir/NAME.EXT from the report's directory, or NULL
 * when the file is not there. */
char *pb_report_chart_link(const char *report_dir, const char *plots_dir, const char *name,
                        const char *ext)
{
    char path[PATH_MAX];
    char *rel, *url;
    struct stat st;

    snprintf(path, sizeof path, "%s/%s.%s", plots_dir, name, ext);
    if (stat(path, &st) < 0 || !S_ISREG(st.st_mode))
        return NULL;
    rel = pb_path_relative(report_dir, path);
    if (!rel)
        return NULL;
    url = pb_url_escape(rel);
    free(rel);
    return url;
}
