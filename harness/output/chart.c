/*
 * chart: text layout, canvas, script head and tail, and the notes on a
 * profiler's means that every chart of plot.c shares. See chart.h.
 */
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "output/chart.h"
#include "util/path.h"
#include "util/text.h"

#ifndef PB_VERSION
#define PB_VERSION "unknown"
#endif

/* Bar and point colours, one per results directory when several are
 * merged. */
static const char *const run_colors[] = {
    "#3f6fb5", "#e0872b", "#3c9a5f", "#8e5bb5", "#c0453c", "#5aa5b5",
};
#define NRUN_COLORS (sizeof run_colors / sizeof run_colors[0])

/* A ratio as text: "1.03×", "15.3×", "252×" (three significant figures
 * at most); a gnuplot function, as labels are drawn from the .dat file. */
static const char gp_fmt_func[] =
    "fmt(v) = v < 9.995 ? sprintf('%.2f×', v) : v < 99.95 ? sprintf('%.1f×', v) : sprintf('%.0f×', v)\n";

/* ---- text ---- */

double pb_chart_text_px(const char *s, double fs)
{
    double em = 0;

    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        unsigned char ch = *p;
        if ((ch & 0xC0) == 0x80)
            continue;                   /* UTF-8 continuation byte */
        if (ch >= 0x80)
            em += 0.84;
        else if (ch >= '0' && ch <= '9')
            em += 0.64;
        else if (ch >= 'A' && ch <= 'Z')
            em += 0.72;
        else if (ch == ' ')
            em += 0.32;
        else if (strchr("il.,:;'|!()[]", ch))
            em += 0.34;
        else if (ch == 'm' || ch == 'w')
            em += 0.92;
        else
            em += 0.60;
    }
    return em * fs * 96.0 / 72.0;
}

double pb_chart_line_px(double fs)
{
    return fs * 96.0 / 72.0 * 1.25;
}

/* Fills cur (empty) with the words of *pp that fit in width_px, and
 * moves *pp past them and the spaces after them. Returns the bytes used:
 * 0 when the first word alone is too long. */
static size_t fill_line(char *cur, const char **pp, double fs, double width_px)
{
    const char *p = *pp;
    size_t len = 0;

    cur[0] = '\0';
    while (*p) {
        const char *e = strchr(p, ' ');
        size_t wl = e ? (size_t)(e - p) : strlen(p);
        size_t add = wl + (len ? 1 : 0);

        if (len + add >= PB_CHART_LINE_MAX)
            break;
        if (len)
            cur[len] = ' ';
        memcpy(cur + len + (len ? 1 : 0), p, wl);
        cur[len + add] = '\0';
        if (len && pb_chart_text_px(cur, fs) > width_px) {
            cur[len] = '\0';           /* the word goes to the next line */
            break;
        }
        len += add;
        p += wl;
        while (*p == ' ')
            p++;
    }
    *pp = p;
    return len;
}

int pb_chart_wrap(const char *text, double fs, double width_px,
                  char lines[][PB_CHART_LINE_MAX], int maxl)
{
    int nl = 0;
    const char *p = text;

    while (*p == ' ')
        p++;
    while (*p && nl < maxl) {
        char *cur = lines[nl++];

        if (fill_line(cur, &p, fs, width_px) == 0 && *p) {   /* one word wider than a line */
            size_t wl = strcspn(p, " ");
            snprintf(cur, PB_CHART_LINE_MAX, "%.*s",
                     (int)(wl > PB_CHART_LINE_MAX - 1 ? PB_CHART_LINE_MAX - 1 : wl), p);
            p += wl;
        }
    }
    return nl;
}

double pb_chart_tick_angle(double slot_px, double fs)
{
    double need = pb_chart_line_px(fs) * 1.25 / slot_px;
    double angle = need >= 1 ? 90 : fmax(30, asin(need) * 180 / M_PI);

    return ceil(angle / 5) * 5;
}

double pb_chart_tick_height(double label_px, double angle, double fs)
{
    if (angle == 0)
        return pb_chart_line_px(fs);
    return label_px * sin(angle * M_PI / 180) + pb_chart_line_px(fs) * cos(angle * M_PI / 180);
}

/* ---- footer ---- */

/* Appends s to buf as a " / "-separated item, unless it is already one. */
static void add_distinct(char *buf, size_t n, const char *s)
{
    size_t len = strlen(buf), sl;
    const char *p = buf;

    if (!s || !*s)
        return;
    sl = strlen(s);
    while ((p = strstr(p, s))) {
        int starts = p == buf || (p - buf >= 3 && strncmp(p - 3, " / ", 3) == 0);
        int ends = p[sl] == '\0' || strncmp(p + sl, " / ", 3) == 0;
        if (starts && ends)
            return;
        p += sl;
    }
    snprintf(buf + len, n - len, "%s%s", len ? " / " : "", s);
}

/* Footer: CPU model, Python, run date, pbench version (each distinct
 * value once when several runs are merged). */
static void footer_text(const struct pb_summary_set *set, char *buf, size_t n)
{
    char cpu[512] = "", py[256] = "", date[256] = "", ver[128] = "";

    for (size_t r = 0; r < set->nruns; r++) {
        const struct pb_meta *m = &set->runs[r]->meta;
        char tmp[256];

        if (m->cpu_model) {
            if (m->cores > 0)
                snprintf(tmp, sizeof tmp, "%s (%d cores)", m->cpu_model, m->cores);
            else
                snprintf(tmp, sizeof tmp, "%s", m->cpu_model);
            add_distinct(cpu, sizeof cpu, tmp);
        }
        if (m->python_version) {
            snprintf(tmp, sizeof tmp, "%s %s",
                     m->python_implementation ? m->python_implementation : "Python",
                     m->python_version);
            add_distinct(py, sizeof py, tmp);
        }
        if (m->started) {
            snprintf(tmp, sizeof tmp, "%.10s", m->started);
            add_distinct(date, sizeof date, tmp);
        }
        if (m->pbench_version) {
            snprintf(tmp, sizeof tmp, "pbench %s", m->pbench_version);
            add_distinct(ver, sizeof ver, tmp);
        }
    }
    snprintf(buf, n, "%s  ·  %s  ·  %s  ·  %s", cpu[0] ? cpu : "CPU unknown",
             py[0] ? py : "Python unknown", date[0] ? date : "date unknown",
             ver[0] ? ver : "pbench " PB_VERSION);
}

/* ---- canvas ---- */

void pb_chart_canvas_init(struct pb_chart_canvas *c, int width, int height)
{
    double s = fmin(width / 1200.0, height / 700.0);

    c->w = width;
    c->h = height;
    c->fs = fmax(7.0, fmin(14.0, round(11.0 * s * 2) / 2));
    c->lm = c->rm = c->tm = c->bm = 0;
}

double pb_chart_plot_w(const struct pb_chart_canvas *c) { return c->w - c->lm - c->rm; }
double pb_chart_plot_h(const struct pb_chart_canvas *c) { return c->h - c->tm - c->bm; }

double pb_chart_title_px(const struct pb_chart_canvas *c, int nsub)
{
    return 12 + pb_chart_line_px(c->fs * 1.45) + nsub * pb_chart_line_px(c->fs) + 14;
}

double pb_chart_footer_px(const struct pb_chart_canvas *c)
{
    return pb_chart_line_px(c->fs * 0.85) + 12;
}

/* ---- the script ---- */

/* The comment at the top: what the chart is, where it comes from, how to
 * re-run it. */
static void head_comment(FILE *f, const struct pb_summary_set *set, const struct pb_chart *ch)
{
    fprintf(f, "# pbench chart '%s': %s\n", ch->name, ch->title);
    fprintf(f, "# Written by pbench %s from:\n", PB_VERSION);
    for (size_t r = 0; r < set->nruns; r++) {
        fputs("#   ", f);
        for (const char *p = set->runs[r]->dir; *p; p++)
            fputc(*p == '\n' ? ' ' : *p, f);
        fputc('\n', f);
    }
    fprintf(f, "# Re-run it from this directory: gnuplot %s.gp\n", ch->name);
    fprintf(f, "# (it writes %s.png and %s.svg; the numbers are in %s.dat)\n\n",
            ch->name, ch->name, ch->name);
}

/* Title, subtitle lines and footer as screen-placed labels. */
static void head_labels(FILE *f, const struct pb_summary_set *set, const struct pb_chart *ch,
                        const struct pb_chart_canvas *c, char sub[][PB_CHART_LINE_MAX],
                        int nsub)
{
    char foot[1024];
    double y = 12 + pb_chart_line_px(c->fs * 1.45) * 0.8;

    fprintf(f, "set label 100 ");
    pb_gp_string(f, ch->title);
    fprintf(f, " at screen %.5f, screen %.5f left front font '" PB_CHART_FONT ":Bold,%g' "
            "textcolor rgb '%s'\n", 14.0 / c->w, 1 - y / c->h, c->fs * 1.45, PB_CHART_TEXT);
    y += pb_chart_line_px(c->fs * 1.45) * 0.35;
    for (int i = 0; i < nsub; i++) {
        y += pb_chart_line_px(c->fs);
        fprintf(f, "set label %d ", 101 + i);
        pb_gp_string(f, sub[i]);
        fprintf(f, " at screen %.5f, screen %.5f left front font '," "%g' "
                "textcolor rgb '%s'\n", 14.0 / c->w, 1 - y / c->h, c->fs, PB_CHART_MUTED);
    }
    footer_text(set, foot, sizeof foot);
    fprintf(f, "set label 110 ");
    pb_gp_string(f, foot);
    fprintf(f, " at screen %.5f, screen %.5f left front font ',%g' textcolor rgb '%s'\n",
            14.0 / c->w, 8.0 / c->h, c->fs * 0.85, PB_CHART_FAINT);
}

void pb_chart_head(FILE *f, const struct pb_summary_set *set, const struct pb_chart *ch,
                   const struct pb_chart_canvas *c, char sub[][PB_CHART_LINE_MAX], int nsub)
{
    head_comment(f, set, ch);
    fprintf(f, "set encoding utf8\n");
    fprintf(f, "W = %d; H = %d\n", c->w, c->h);
    fprintf(f, "set terminal pngcairo size W,H font '" PB_CHART_FONT ",%g' noenhanced "
            "background rgb '#ffffff'\n", c->fs);
    fprintf(f, "set output '%s.png'\n", ch->name);
    fprintf(f, "set termoption noenhanced\n");
    fprintf(f, "set lmargin at screen %.5f\n", c->lm / c->w);
    fprintf(f, "set rmargin at screen %.5f\n", 1 - c->rm / c->w);
    fprintf(f, "set tmargin at screen %.5f\n", 1 - c->tm / c->h);
    fprintf(f, "set bmargin at screen %.5f\n", c->bm / c->h);
    fprintf(f, "set border lc rgb '%s'\n", PB_CHART_MUTED);
    fprintf(f, "set tics textcolor rgb '%s'\n", PB_CHART_TEXT);
    fprintf(f, "unset key\n");
    fputs(gp_fmt_func, f);
    head_labels(f, set, ch, c, sub, nsub);
}

void pb_chart_tail(FILE *f, const struct pb_chart *ch, const struct pb_chart_canvas *c)
{
    fprintf(f, "\n# The same picture as SVG (fontscale: SVG font sizes are in px, "
            "pngcairo's in pt at 96 dpi).\n");
    fprintf(f, "set terminal svg size W,H font '" PB_CHART_FONT ",%g' noenhanced fontscale 1.3333 "
            "background rgb '#ffffff'\n", c->fs);
    fprintf(f, "set output '%s.svg'\n", ch->name);
    /* SVG has no "Family:Bold" font syntax; keep the title plain there. */
    fprintf(f, "set label 100 font '" PB_CHART_FONT ",%g'\n", c->fs * 1.45);
    fprintf(f, "replot\nunset output\n");
}

void pb_chart_slot_axis(FILE *f, size_t n, const char *(*label)(size_t i, const void *ctx),
                        const void *ctx, double angle)
{
    fprintf(f, "set xtics scale 0 nomirror");
    if (angle > 0)
        fprintf(f, " rotate by %g right offset 0,0.3", angle);
    fprintf(f, " (");
    for (size_t i = 0; i < n; i++) {
        fprintf(f, "%s", i ? ", " : "");
        pb_gp_string(f, label(i, ctx));
        fprintf(f, " %zu", i);
    }
    fprintf(f, ")\nset border 3\n");
    fprintf(f, "set arrow 1 from graph 0, first 1 to graph 1, first 1 nohead back "
            "lc rgb '%s' lw 1.5 dt 2\n", PB_CHART_MUTED);
}

void pb_chart_log_tics(FILE *f, const char *axis, double lo, double hi)
{
    static const double fine[] = { 1, 1.1, 1.2, 1.3, 1.5, 2, 3, 5, 7 };
    static const double mid[] = { 1, 1.5, 2, 3, 5 };
    static const double coarse[] = { 1, 2, 5 };
    const double *steps;
    size_t nsteps;
    double decades = log10(hi / lo);
    int first = 1;

    if (decades < 0.5) {
        steps = fine;
        nsteps = sizeof fine / sizeof fine[0];
    } else if (decades < 1.2) {
        steps = mid;
        nsteps = sizeof mid / sizeof mid[0];
    } else {
        steps = coarse;
        nsteps = sizeof coarse / sizeof coarse[0];
    }
    fprintf(f, "set %s (", axis);
    for (int e = (int)floor(log10(lo)) - 1; e <= (int)ceil(log10(hi)); e++) {
        for (size_t i = 0; i < nsteps; i++) {
            double v = steps[i] * pow(10, e);
            char lab[32];
            if (v < lo * 0.999 || v > hi * 1.001)
                continue;
            snprintf(lab, sizeof lab, "%g×", v);
            fprintf(f, "%s'%s' %g", first ? "" : ", ", lab, v);
            first = 0;
        }
    }
    fprintf(f, ")\n");
}

void pb_chart_series(FILE *f, int *nseries)
{
    fputs(*nseries ? ", \\\n  " : "\nplot \\\n  ", f);
    (*nseries)++;
}

void pb_chart_dat_name(FILE *d, const char *name)
{
    for (const char *p = name; *p; p++)
        fputc((unsigned char)*p < 0x20 ? ' ' : *p, d);
}

/* ---- what a chart says about a profiler ---- */

const struct pb_ratio *pb_chart_measure(const struct pb_merged_profiler *m,
                                        enum pb_chart_measure k)
{
    return k == PB_CHART_WALL ? &m->sum->wall : k == PB_CHART_MEM ? &m->sum->mem : &m->sum->cpu;
}

static enum pb_mean mean_of(enum pb_chart_measure k)
{
    return k == PB_CHART_WALL ? PB_MEAN_WALL : k == PB_CHART_MEM ? PB_MEAN_MEM : PB_MEAN_CPU;
}

int pb_chart_at_least(const struct pb_merged_profiler *m, enum pb_chart_measure k)
{
    return pb_profiler_mean_bound(m->sum, mean_of(k));
}

int pb_chart_npairs(const struct pb_summary_set *set, const struct pb_merged_profiler *m)
{
    int n = 0;

    for (size_t w = 0; w < set->nworkloads; w++)
        n += m->pairs[w] != NULL;
    return n;
}

int pb_chart_common_nworkloads(const struct pb_summary_set *set)
{
    int n = -1;

    for (size_t i = 0; i < set->nprofilers; i++) {
        int k = pb_chart_npairs(set, &set->profilers[i]);
        if (n >= 0 && k != n)
            return -1;
        n = k;
    }
    return n;
}

int pb_chart_exclusions(const struct pb_merged_profiler *m, enum pb_chart_measure k,
                        char lines[][PB_CHART_LINE_MAX], int *nbound)
{
    int n = 0, bound = pb_chart_at_least(m, k) ? m->pairs_at_bound : 0;

    if (m->pairs_timeout > bound)
        snprintf(lines[n++], PB_CHART_LINE_MAX, "%d timed out", m->pairs_timeout - bound);
    if (m->pairs_failed)
        snprintf(lines[n++], PB_CHART_LINE_MAX, "%d failed", m->pairs_failed);
    if (m->pairs_not_run)
        snprintf(lines[n++], PB_CHART_LINE_MAX, "%d not run", m->pairs_not_run);
    if (bound)
        snprintf(lines[n++], PB_CHART_LINE_MAX, "≥: %d timed out", bound);
    if (nbound)
        *nbound = bound > 0;
    return n;
}

const char *pb_chart_run_color(size_t r)
{
    return run_colors[r % NRUN_COLORS];
}

unsigned pb_chart_run_rgb(size_t r)
{
    return (unsigned)strtoul(pb_chart_run_color(r) + 1, NULL, 16);
}

void pb_chart_run_label(const struct pb_summary_set *set, size_t r, char *buf, size_t n)
{
    const struct pb_meta *m = &set->runs[r]->meta;
    char base[PATH_MAX];

    snprintf(buf, n, "run %zu: %s, %.10s (%s)", r + 1,
             m->config_name ? m->config_name : "?", m->started ? m->started : "?",
             pb_path_base(set->runs[r]->dir, base, sizeof base));
}
