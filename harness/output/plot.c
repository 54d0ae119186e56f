/*
 * Charts as gnuplot scripts. Each chart is written as NAME.dat (numbers
 * only) and NAME.gp (layout, text, and the plot command), then gnuplot
 * runs NAME.gp, which draws NAME.png (pngcairo) and NAME.svg.
 *
 * Text goes into the script only as single-quoted gnuplot strings with
 * the terminal in noenhanced mode, so names with '_', '^', '@', quotes or
 * braces print as written (see gp_str).
 *
 * Layout is computed here in pixels (margins, label positions, when to
 * rotate tick labels) from an estimate of text width, so that nothing
 * overlaps at the requested size; gnuplot gets the margins as fixed
 * screen fractions.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "output/accuracy_plot.h"
#include "output/gnuplot.h"
#include "output/plot.h"
#include "store/records.h"
#include "util/fs.h"
#include "util/path.h"
#include "util/text.h"

#ifndef PB_VERSION
#define PB_VERSION "unknown"
#endif

const struct pb_chart pb_plot_charts[] = {
    { "overhead", "Profiler overhead: wall time" },
    { "overhead-by-workload", "Overhead per workload: wall time" },
    { "memory", "Memory overhead: peak RSS" },
    { "cpu-vs-wall", "CPU time versus wall time" },
    { NULL, NULL },
};

#define FONT "DejaVu Sans"
#define C_TEXT "#222222"
#define C_MUTED "#555555"
#define C_FAINT "#777777"
#define C_WARN "#b03a2e"
#define C_BOUND "#8a5a12"       /* notes on means that are lower bounds */
#define C_GRID "#e3e3e3"

/* Bar colours, one per results directory when several are merged. */
static const char *const run_colors[] = {
    "#3f6fb5", "#e0872b", "#3c9a5f", "#8e5bb5", "#c0453c", "#5aa5b5",
};
#define NRUN_COLORS (sizeof run_colors / sizeof run_colors[0])

void pb_plot_opts_init(struct pb_plot_opts *opts)
{
    opts->width = 1200;
    opts->height = 700;
    opts->gnuplot = "gnuplot";
    opts->timeout_s = 60;
}

/* ---- text ---- */

/* Estimated width in pixels of s (UTF-8) in DejaVu Sans at fs points as
 * pngcairo draws it (96 dpi). Calibrated on rendered text; errs wide. */
static double text_px(const char *s, double fs)
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

/* Line height in pixels at fs points. */
static double line_px(double fs)
{
    return fs * 96.0 / 72.0 * 1.25;
}

/* A ratio as text: "1.03×", "15.3×", "252×" (three significant figures
 * at most); a gnuplot function, as labels are drawn from the .dat file. */
static const char gp_fmt_func[] =
    "fmt(v) = v < 9.995 ? sprintf('%.2f×', v) : v < 99.95 ? sprintf('%.1f×', v) : sprintf('%.0f×', v)\n";

/* Wraps text at spaces into lines no wider than width_px (512 bytes at
 * most each); returns the line count, at most maxl (the rest is lost). */
static int wrap(const char *text, double fs, double width_px, char lines[][512], int maxl)
{
    int nl = 0;
    const char *p = text;

    while (*p == ' ')
        p++;
    while (*p && nl < maxl) {
        char *cur = lines[nl++];
        size_t len = 0;

        cur[0] = '\0';
        while (*p) {
            const char *e = strchr(p, ' ');
            size_t wl = e ? (size_t)(e - p) : strlen(p);
            size_t add = wl + (len ? 1 : 0);

            if (len + add >= 512)
                break;
            if (len)
                cur[len] = ' ';
            memcpy(cur + len + (len ? 1 : 0), p, wl);
            cur[len + add] = '\0';
            if (len && text_px(cur, fs) > width_px) {
                cur[len] = '\0';           /* the word goes to the next line */
                break;
            }
            len += add;
            p += wl;
            while (*p == ' ')
                p++;
        }
        if (len == 0 && *p) {               /* one word wider than 511 bytes */
            size_t wl = strcspn(p, " ");
            snprintf(cur, 512, "%.*s", (int)(wl > 511 ? 511 : wl), p);
            p += wl;
        }
    }
    return nl;
}

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

/* ---- canvas: fixed margins in pixels ---- */

struct canvas {
    int w, h;
    double fs;                  /* base font size in points */
    double lm, rm, tm, bm;      /* margins, pixels */
};

static double plot_w(const struct canvas *c) { return c->w - c->lm - c->rm; }
static double plot_h(const struct canvas *c) { return c->h - c->tm - c->bm; }

static void canvas_init(struct canvas *c, const struct pb_plot_opts *o)
{
    double s = fmin(o->width / 1200.0, o->height / 700.0);

    c->w = o->width;
    c->h = o->height;
    c->fs = fmax(7.0, fmin(14.0, round(11.0 * s * 2) / 2));
    c->lm = c->rm = c->tm = c->bm = 0;
}

/* Title block height in pixels for a subtitle of nsub lines. */
static double title_px(const struct canvas *c, int nsub)
{
    return 12 + line_px(c->fs * 1.45) + nsub * line_px(c->fs) + 14;
}

/* Footer block height in pixels. */
static double footer_px(const struct canvas *c)
{
    return line_px(c->fs * 0.85) + 12;
}

/* Everything every chart script starts with: terminal, title, subtitle
 * lines, footer, margins. Text labels use tags 100 and up. */
static void gp_head(FILE *f, const struct pb_summary_set *set, const struct pb_chart *ch,
                    const struct canvas *c, char sub[][512], int nsub)
{
    char foot[1024];
    double y;

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
    fprintf(f, "set encoding utf8\n");
    fprintf(f, "W = %d; H = %d\n", c->w, c->h);
    fprintf(f, "set terminal pngcairo size W,H font '" FONT ",%g' noenhanced "
            "background rgb '#ffffff'\n", c->fs);
    fprintf(f, "set output '%s.png'\n", ch->name);
    fprintf(f, "set termoption noenhanced\n");
    fprintf(f, "set lmargin at screen %.5f\n", c->lm / c->w);
    fprintf(f, "set rmargin at screen %.5f\n", 1 - c->rm / c->w);
    fprintf(f, "set tmargin at screen %.5f\n", 1 - c->tm / c->h);
    fprintf(f, "set bmargin at screen %.5f\n", c->bm / c->h);
    fprintf(f, "set border lc rgb '%s'\n", C_MUTED);
    fprintf(f, "set tics textcolor rgb '%s'\n", C_TEXT);
    fprintf(f, "unset key\n");
    fputs(gp_fmt_func, f);

    y = 12 + line_px(c->fs * 1.45) * 0.8;
    fprintf(f, "set label 100 ");
    pb_gp_string(f, ch->title);
    fprintf(f, " at screen %.5f, screen %.5f left front font '" FONT ":Bold,%g' "
            "textcolor rgb '%s'\n", 14.0 / c->w, 1 - y / c->h, c->fs * 1.45, C_TEXT);
    y += line_px(c->fs * 1.45) * 0.35;
    for (int i = 0; i < nsub; i++) {
        y += line_px(c->fs);
        fprintf(f, "set label %d ", 101 + i);
        pb_gp_string(f, sub[i]);
        fprintf(f, " at screen %.5f, screen %.5f left front font '," "%g' "
                "textcolor rgb '%s'\n", 14.0 / c->w, 1 - y / c->h, c->fs, C_MUTED);
    }
    footer_text(set, foot, sizeof foot);
    fprintf(f, "set label 110 ");
    pb_gp_string(f, foot);
    fprintf(f, " at screen %.5f, screen %.5f left front font ',%g' textcolor rgb '%s'\n",
            14.0 / c->w, 8.0 / c->h, c->fs * 0.85, C_FAINT);
}

/* Draws the same picture again as SVG. */
static void gp_tail(FILE *f, const struct pb_chart *ch, const struct canvas *c)
{
    fprintf(f, "\n# The same picture as SVG (fontscale: SVG font sizes are in px, "
            "pngcairo's in pt at 96 dpi).\n");
    fprintf(f, "set terminal svg size W,H font '" FONT ",%g' noenhanced fontscale 1.3333 "
            "background rgb '#ffffff'\n", c->fs);
    fprintf(f, "set output '%s.svg'\n", ch->name);
    /* SVG has no "Family:Bold" font syntax; keep the title plain there. */
    fprintf(f, "set label 100 font '" FONT ",%g'\n", c->fs * 1.45);
    fprintf(f, "replot\nunset output\n");
}

/* Log-axis tics between lo and hi: 1-2-5 steps, finer for short ranges. */
static void gp_log_tics(FILE *f, const char *axis, double lo, double hi)
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

/* Starts the next series of a plot command. gnuplot 5.4 crashes on a
 * `with labels` series none of whose points is valid, so series are
 * written only when they have something to draw; this puts the commas. */
static void series(FILE *f, int *nseries)
{
    fputs(*nseries ? ", \\\n  " : "\nplot \\\n  ", f);
    (*nseries)++;
}

/* ---- chart 1 and 3: one bar per profiler ---- */

enum measure { M_WALL, M_MEM, M_CPU };

static const struct pb_ratio *measure_of(const struct pb_merged_profiler *m, enum measure k)
{
    return k == M_WALL ? &m->sum->wall : k == M_MEM ? &m->sum->mem : &m->sum->cpu;
}

/* 1 when the profiler's mean of k is a lower bound: a wall mean that
 * took timed-out workloads in at their lower bound. */
static int at_least(const struct pb_merged_profiler *m, enum measure k)
{
    return k == M_WALL && m->sum->wall_lower_bound && pb_ratio_known(&m->sum->wall);
}

struct sort_ctx {
    const struct pb_merged_profiler *profilers;
    enum measure key;
};

/* Orders indices into ctx->profilers by the measure, unknown last
 * (qsort_r: the comparison needs to know which measure). */
static int cmp_by_measure(const void *pa, const void *pb, void *arg)
{
    const struct sort_ctx *ctx = arg;
    const struct pb_merged_profiler *a = &ctx->profilers[*(const size_t *)pa];
    const struct pb_merged_profiler *b = &ctx->profilers[*(const size_t *)pb];
    double va = measure_of(a, ctx->key)->value, vb = measure_of(b, ctx->key)->value;

    if (isnan(va) != isnan(vb))
        return isnan(va) ? 1 : -1;
    if (!isnan(va) && va != vb)
        return va < vb ? -1 : 1;
    return strcmp(a->name, b->name);
}

/* Number of workloads a profiler's pairs cover in its run. */
static int npairs_of(const struct pb_summary_set *set, const struct pb_merged_profiler *m)
{
    int n = 0;

    for (size_t w = 0; w < set->nworkloads; w++)
        n += m->pairs[w] != NULL;
    return n;
}

/* Notes on the workloads a profiler's mean of k does not simply
 * average: the ones it leaves out ("2 timed out", "1 failed", "1 not
 * run"), then, for a wall mean that counts timed-out workloads at their
 * lower bound, "≥: 2 timed out". Returns the number of notes (4 at
 * most); *nbound gets 1 when the last is the "≥" note, else 0. */
static int exclusions(const struct pb_merged_profiler *m, enum measure k, char lines[][512],
                      int *nbound)
{
    int n = 0, bound = k == M_WALL ? m->pairs_at_bound : 0;

    if (m->pairs_timeout > bound)
        snprintf(lines[n++], 512, "%d timed out", m->pairs_timeout - bound);
    if (m->pairs_failed)
        snprintf(lines[n++], 512, "%d failed", m->pairs_failed);
    if (m->pairs_not_run)
        snprintf(lines[n++], 512, "%d not run", m->pairs_not_run);
    if (bound)
        snprintf(lines[n++], 512, "≥: %d timed out", bound);
    if (nbound)
        *nbound = bound > 0;
    return n;
}

/* The workload count the means are over, or -1 when it differs between
 * profilers. */
static int common_nworkloads(const struct pb_summary_set *set)
{
    int n = -1;

    for (size_t i = 0; i < set->nprofilers; i++) {
        int k = npairs_of(set, &set->profilers[i]);
        if (n >= 0 && k != n)
            return -1;
        n = k;
    }
    return n;
}

/* A multi-run legend line: "run 2: retry, 2026-11-27 (results-failed)". */
static void run_label(const struct pb_summary_set *set, size_t r, char *buf, size_t n)
{
    const struct pb_meta *m = &set->runs[r]->meta;
    char base[PATH_MAX];

    snprintf(buf, n, "run %zu: %s, %.10s (%s)", r + 1,
             m->config_name ? m->config_name : "?", m->started ? m->started : "?",
             pb_path_base(set->runs[r]->dir, base, sizeof base));
}

static int chart_bars(FILE *f, FILE *d, const struct pb_summary_set *set,
                      const struct pb_chart *ch, const struct canvas *c0, enum measure k)
{
    struct canvas c = *c0;
    size_t n = set->nprofilers;
    size_t *order = calloc(n + 1, sizeof *order);
    char sub[4][512], text[1024], lines[4][512];
    int nsub, nw = common_nworkloads(set);
    double name_px = 0, slot, angle = 0, lmin = 0, lmax_data = 0, lmax;
    double ext_px, rotated_h, fs_val = c.fs, fs_note = c.fs * 0.85;
    int max_notes = 0, nvalues = 0, nnone = 0, nseries = 0, multi = set->nruns > 1;

    if (!order)
        return -1;
    for (size_t i = 0; i < n; i++)
        order[i] = i;
    {
        struct sort_ctx ctx = { set->profilers, k };
        qsort_r(order, n, sizeof *order, cmp_by_measure, &ctx);
    }

    /* Subtitle: what the bars are, how to read them. */
    {
        char over[64];
        if (nw > 0)
            snprintf(over, sizeof over, "over %d workloads", nw);
        else
            snprintf(over, sizeof over, "over each profiler's workloads");
        if (k == M_WALL)
            snprintf(text, sizeof text, "Wall time with the profiler ÷ wall time without it: "
                     "geometric mean %s. Error bars: %.0f%% bootstrap confidence interval. "
                     "Lower is better; 1× = no overhead.", over,
                     isnan(set->runs[0]->confidence) ? 95.0 : set->runs[0]->confidence * 100);
        else
            snprintf(text, sizeof text, "Peak resident memory (RSS) of the whole process tree "
                     "with the profiler ÷ without it: geometric mean %s. Error bars: %.0f%% "
                     "bootstrap confidence interval. 1× = no extra memory.", over,
                     isnan(set->runs[0]->confidence) ? 95.0 : set->runs[0]->confidence * 100);
    }

    /* Data range, in decades. */
    lmin = log10(0.9);
    lmax_data = log10(1.5);
    for (size_t i = 0; i < n; i++) {
        const struct pb_ratio *r = measure_of(&set->profilers[i], k);
        char nl[4][512];
        int ne = exclusions(&set->profilers[i], k, nl, NULL);
        nvalues += pb_ratio_known(r);
        nnone += !pb_ratio_known(r);
        if (pb_ratio_known(r)) {
            lmin = fmin(lmin, log10(fmin(r->lo, r->value)) - 0.02);
            lmax_data = fmax(lmax_data, log10(fmax(r->hi, r->value)));
            if (ne > max_notes)
                max_notes = ne;
        }
        name_px = fmax(name_px, text_px(set->profilers[i].name, c.fs));
    }

    /* Tick labels: level when they fit in a slot, else rotated just
     * enough that neighbours clear each other. */
    c.rm = 24;
    c.lm = 14 + line_px(c.fs) * 1.3 + text_px("0.95×", c.fs) + 16;
    slot = (c.w - c.lm - c.rm) / fmax(1, n);
    if (name_px > slot * 0.9) {
        double need = line_px(c.fs) * 1.25 / slot;
        angle = need >= 1 ? 90 : fmax(30, asin(need) * 180 / M_PI);
        angle = ceil(angle / 5) * 5;
    }
    rotated_h = angle == 0 ? line_px(c.fs)
        : name_px * sin(angle * M_PI / 180) + line_px(c.fs) * cos(angle * M_PI / 180);
    if (angle > 0 && angle < 90) {
        /* The first label reaches left of its tic. */
        double reach = text_px(set->profilers[order[0]].name, c.fs) * cos(angle * M_PI / 180);
        c.lm = fmax(c.lm, reach - slot / 2 + 10);
    }
    {
        int any_excl = 0, any_bound = 0, any_none = 0;
        for (size_t i = 0; i < n; i++) {
            const struct pb_merged_profiler *m = &set->profilers[i];
            char nl[4][512];
            int nb, ne = exclusions(m, k, nl, &nb);
            if (pb_ratio_known(measure_of(m, k))) {
                any_excl |= ne > nb;
                any_bound |= nb;
            } else {
                any_none = 1;
            }
        }
        size_t len = strlen(text);
        if (any_excl)
            snprintf(text + len, sizeof text - len, " Red: workloads left out of a mean.");
        len = strlen(text);
        if (any_bound)
            snprintf(text + len, sizeof text - len, " ≥: a lower bound, with timed-out workloads "
                     "counted as timeout ÷ time without the profiler.");
        len = strlen(text);
        if (any_none)
            snprintf(text + len, sizeof text - len, " Hatched: no result at all.");
    }
    nsub = wrap(text, c.fs, c.w - 28, sub, 3);
    if (multi) {
        snprintf(sub[nsub++], 512, "Colours: the results directory each profiler comes from "
                 "(the latest run that has it), normalized to that run's own baseline.");
    }
    c.tm = title_px(&c, nsub) + 6;
    c.bm = footer_px(&c) + line_px(c.fs) * 1.4 + rotated_h + 6;

    /* Room above the tallest bar for its value and notes. */
    ext_px = line_px(fs_val) * 1.6 + max_notes * line_px(fs_note) + 6;
    if (multi)          /* the legend sits top left */
        ext_px += set->nruns * line_px(c.fs * 0.9) + 10;
    if (ext_px > plot_h(&c) * 0.6)
        ext_px = plot_h(&c) * 0.6;
    lmax = lmin + (lmax_data - lmin) / (1 - ext_px / plot_h(&c));

    /* Data: one row per profiler in plot order. */
    fprintf(d, "# pbench data for %s.gp: one row per profiler, in plot order\n", ch->name);
    fprintf(d, "# x  value  lo  hi  colour  has_value  lower_bound (1: the mean is at least value)\n");
    for (size_t i = 0; i < n; i++) {
        const struct pb_merged_profiler *m = &set->profilers[order[i]];
        const struct pb_ratio *r = measure_of(m, k);
        unsigned col = (unsigned)strtoul(run_colors[(multi ? m->run : 0) % NRUN_COLORS] + 1,
                                         NULL, 16);
        fprintf(d, "# %zu: ", i);
        for (const char *p = m->name; *p; p++)
            fputc((unsigned char)*p < 0x20 ? ' ' : *p, d);
        fputc('\n', d);
        /* No NaN: the last column says whether there is a value. */
        if (pb_ratio_known(r))
            fprintf(d, "%zu %.6g %.6g %.6g %u 1 %d\n", i, r->value, r->lo, r->hi, col,
                    at_least(m, k));
        else
            fprintf(d, "%zu 1 1 1 %u 0 0\n", i, col);
    }

    gp_head(f, set, ch, &c, sub, nsub);
    fprintf(f, "\nYMIN = %.6g; YMAX = %.6g; BW = %.3g\n", pow(10, lmin), pow(10, lmax),
            fmin(0.62, text_px("memory_pro", c.fs) / slot));
    fprintf(f, "set style textbox 2 opaque fc rgb '#ffffff' noborder margins 3,3\n");
    fprintf(f, "set logscale y\nset yrange [YMIN:YMAX]\n");
    fprintf(f, "set xrange [-0.6:%g]\n", n - 0.4);
    gp_log_tics(f, "ytics", pow(10, lmin), pow(10, lmax));
    fprintf(f, "set mytics 1\nset ytics nomirror\n");
    fprintf(f, "set grid ytics lc rgb '%s' lw 1 dt 1\n", C_GRID);
    fprintf(f, "set ylabel %s offset %g,0 textcolor rgb '%s'\n",
            k == M_WALL ? "'wall time ÷ wall time without profiler (×, log scale)'"
                        : "'peak RSS ÷ peak RSS without profiler (×, log scale)'",
            0.0, C_TEXT);
    fprintf(f, "set xlabel %s offset 0,%g textcolor rgb '%s'\n",
            k == M_WALL ? "'profiler (sorted by overhead)'"
                        : "'profiler (sorted by memory overhead)'",
            0.0, C_TEXT);
    fprintf(f, "set xtics scale 0 nomirror");
    if (angle > 0)
        fprintf(f, " rotate by %g right offset 0,0.3", angle);
    fprintf(f, " (");
    for (size_t i = 0; i < n; i++) {
        fprintf(f, "%s", i ? ", " : "");
        pb_gp_string(f, set->profilers[order[i]].name);
        fprintf(f, " %zu", i);
    }
    fprintf(f, ")\n");
    fprintf(f, "set border 3\n");

    /* The 1x line, labelled at its right end. */
    fprintf(f, "set arrow 1 from graph 0, first 1 to graph 1, first 1 nohead back "
            "lc rgb '%s' lw 1.5 dt 2\n", C_MUTED);

    /* Notes above bars whose means leave workloads out, and the columns
     * of profilers without any value. */
    int tag = 200;
    for (size_t i = 0; i < n; i++) {
        const struct pb_merged_profiler *m = &set->profilers[order[i]];
        const struct pb_ratio *r = measure_of(m, k);
        int nb, ne = exclusions(m, k, lines, &nb);

        if (pb_ratio_known(r)) {
            /* the "≥" note is last, just above the value: it is about it */
            for (int j = 0; j < ne; j++) {
                fprintf(f, "set label %d ", tag++);
                pb_gp_string(f, lines[j]);
                fprintf(f, " at %zu, first %.6g center offset 0,%.2f font ',%g' "
                        "textcolor rgb '%s'\n", i, fmax(r->hi, r->value),
                        0.8 + 1.25 * (fs_val / c.fs) + (ne - 1 - j) * 1.1 * (fs_note / c.fs) + 0.25,
                        fs_note, nb && j == ne - 1 ? C_BOUND : C_WARN);
            }
        } else {
            int np = npairs_of(set, m);
            if (m->pairs_timeout == np && np > 0)
                snprintf(text, sizeof text, "timed out on all %d workloads", np);
            else if (m->pairs_failed == np && np > 0)
                snprintf(text, sizeof text, "failed on all %d workloads", np);
            else if (np == 0)
                snprintf(text, sizeof text, "no results");
            else
                snprintf(text, sizeof text, "no result (%d failed, %d timed out)",
                         m->pairs_failed, m->pairs_timeout);
            fprintf(f, "set label %d ", tag++);
            pb_gp_string(f, text);
            fprintf(f, " at %zu, first YMIN rotate by 90 left offset 0,1 boxed bs 2 font ',%g' "
                    "textcolor rgb '%s' front\n", i, c.fs, C_WARN);
        }
    }

    /* Legend for several runs: one invisible series per run. */
    if (multi) {
        fprintf(f, "set key top left reverse Left samplen 1.5 width -4 box lc rgb '%s' "
                "opaque font ',%g'\n", C_GRID, c.fs * 0.9);
    }

    fprintf(f, "# Column 6 says whether a profiler has a value; without one its column is "
            "hatched.\n# Column 7: 1 when the value is a lower bound (shown with ≥).\n");
    fprintf(f, "DAT = '%s.dat'\n", ch->name);
    if (nnone) {
        series(f, &nseries);
        fprintf(f, "DAT using 1:($6 == 1 ? NaN : YMAX):($1-BW/2):($1+BW/2):(YMIN):(YMAX) "
                "with boxxyerror lc rgb '#c8c8c8' fs transparent pattern 4 border notitle");
    }
    if (nvalues) {
        series(f, &nseries);
        fprintf(f, "DAT using 1:($6 == 1 ? $2 : NaN):($1-BW/2):($1+BW/2):(1):2:5 with boxxyerror "
                "fs solid 0.9 noborder lc rgb variable notitle");
        series(f, &nseries);
        fprintf(f, "DAT using 1:($6 == 1 ? $3 : NaN):(0):($4-$3) with vectors "
                "heads size screen 0.006,90 lc rgb '#333333' lw 1.2 notitle");
        series(f, &nseries);
        fprintf(f, "DAT using 1:($6 == 1 ? $4 : NaN):(($7 == 1 ? '≥' : '').fmt($2)) with labels "
                "center offset 0,0.9 font ',%g' textcolor rgb '%s' notitle", fs_val, C_TEXT);
    }
    if (multi) {
        for (size_t r = 0; r < set->nruns; r++) {
            char lab[512];
            int used = 0;
            for (size_t i = 0; i < n; i++)
                used |= set->profilers[i].run == r;
            if (!used)
                continue;
            run_label(set, r, lab, sizeof lab);
            series(f, &nseries);
            fprintf(f, "NaN with boxes fs solid 0.9 noborder lc rgb '%s' title ",
                    run_colors[r % NRUN_COLORS]);
            pb_gp_string(f, lab);
        }
    }
    fprintf(f, "\n");
    gp_tail(f, ch, &c);
    free(order);
    return 0;
}

/* ---- chart 2: heat map, profiler x workload ---- */

/* Cell states in the .dat file (column 5), read by the script's cell()
 * function to choose the text. */
enum cell { CELL_OK, CELL_PARTIAL, CELL_FAILED, CELL_TIMEOUT, CELL_NOT_RUN, CELL_ABSENT,
            CELL_MEAN_EXCL, CELL_MEAN_BOUND, CELL_MEAN_BOUND_EXCL };

static int chart_heat(FILE *f, FILE *d, const struct pb_summary_set *set,
                      const struct pb_chart *ch, const struct canvas *c0)
{
    struct canvas c = *c0;
    size_t n = set->nprofilers, m = set->nworkloads;
    double xmean = m + 0.3;             /* the geomean column, after a gap */
    double name_px = 0, wl_px = 0, cmax = 1, cbmax, colw, rowh, fsc;
    double angle = 0, rotated_h;
    char text[2048], sub[8][512];
    int nsub, any_partial = 0, any_excl = 0, any_bound = 0, any_hatch = 0, two_lines;
    int multi = set->nruns > 1, excl_timeout = 0;
    int nstate[CELL_MEAN_BOUND_EXCL + 1] = { 0 }, nseries = 0;

    for (size_t i = 0; i < n; i++) {
        const struct pb_merged_profiler *p = &set->profilers[i];
        char lab[600];
        if (multi)
            snprintf(lab, sizeof lab, "%s [%zu]", p->name, p->run + 1);
        else
            snprintf(lab, sizeof lab, "%s", p->name);
        name_px = fmax(name_px, text_px(lab, c.fs));
        if (pb_ratio_known(&p->sum->wall))
            cmax = fmax(cmax, p->sum->wall.value);
        for (size_t w = 0; w < m; w++) {
            const struct pb_pair *pr = p->pairs[w];
            if (pr && pb_ratio_known(&pr->wall) && pr->status != PB_PAIR_TIMEOUT)
                cmax = fmax(cmax, pr->wall.value);
            if (pr && pr->status == PB_PAIR_PARTIAL)
                any_partial = 1;
            if (pr && (pr->status == PB_PAIR_FAILED || pr->status == PB_PAIR_TIMEOUT))
                any_hatch = 1;
        }
        if (pb_ratio_known(&p->sum->wall)) {
            any_excl |= p->pairs_failed || p->pairs_timeout > p->pairs_at_bound
                        || p->pairs_not_run;
            excl_timeout |= p->pairs_timeout > p->pairs_at_bound;
            any_bound |= at_least(p, M_WALL);
        }
    }
    for (size_t w = 0; w < m; w++)
        wl_px = fmax(wl_px, text_px(set->workloads[w], c.fs));
    wl_px = fmax(wl_px, text_px("geo. mean", c.fs));
    /* Colours span at least 1x..10x so a run of cheap profilers does not
     * paint 1.3x dark red. */
    cbmax = fmax(1.0, log10(cmax));

    snprintf(text, sizeof text, "Wall time with the profiler ÷ wall time without it, "
             "per workload (medians), and the geometric mean over workloads. "
             "Colour: log scale.%s%s%s%s",
             any_hatch ? " Hatched: failed, or timed out (grey, ≥ lower bound)." : "",
             any_partial ? " *: some runs failed, value from the rest." : "",
             any_bound ? " ≥ mean: timed-out workloads counted at their lower bound." : "",
             !any_excl ? "" : excl_timeout ? " †: mean without the failed or timed-out "
             "workloads." : " †: mean without the failed workloads.");
    nsub = wrap(text, c.fs, c.w - 28, sub, 5);
    if (multi && nsub < 8)
        snprintf(sub[nsub++], 512, "[n]: the results directory (run n) the row comes from, "
                 "normalized to that run's own baseline. –: not measured in that run.");

    c.lm = 14 + line_px(c.fs) * 1.3 + name_px + 14;
    c.rm = 18 + 22 + 8 + text_px("1000×", c.fs) + 8 + line_px(c.fs) * 1.3 + 10;
    c.tm = title_px(&c, nsub) + 4;
    colw = (c.w - c.lm - c.rm) / (m + 1.3);
    if (wl_px > colw * 0.92) {
        double need = line_px(c.fs) * 1.25 / colw;
        angle = need >= 1 ? 90 : fmax(30, asin(need) * 180 / M_PI);
        angle = ceil(angle / 5) * 5;
    }
    rotated_h = angle == 0 ? line_px(c.fs)
        : wl_px * sin(angle * M_PI / 180) + line_px(c.fs) * cos(angle * M_PI / 180);
    c.bm = footer_px(&c) + line_px(c.fs) * 1.5 + rotated_h + 12;
    /* A few profilers or workloads should not make huge cells: the plot
     * keeps its place under the title and gives the rest up. */
    if (plot_h(&c) / fmax(1, n) > line_px(c.fs) * 5)
        c.bm += plot_h(&c) - line_px(c.fs) * 5 * n;
    if (colw > 1.6 * text_px("≥1000× timed out", c.fs)) {
        c.rm += (colw - 1.6 * text_px("≥1000× timed out", c.fs)) * (m + 1.3);
        colw = (c.w - c.lm - c.rm) / (m + 1.3);
    }
    rowh = plot_h(&c) / fmax(1, n);

    /* Cell text: shrink until "timed out" fits the column, then decide
     * whether two lines fit the row. */
    fsc = c.fs * 0.95;
    while (fsc > 6 && text_px("timed out", fsc) > colw * 0.9)
        fsc -= 0.5;
    two_lines = rowh >= 2 * line_px(fsc) + 4;
    if (!two_lines)
        while (fsc > 6 && line_px(fsc) > rowh * 0.8)
            fsc -= 0.5;

    fprintf(d, "# pbench data for %s.gp: one row per cell\n", ch->name);
    fprintf(d, "# x y value colour(log10, -1: none) state text_colour\n");
    fprintf(d, "# state: 0 ok, 1 partial, 2 failed, 3 timed out (value = lower bound), "
            "4 not run, 5 not in its run, 6 mean without some workloads,\n"
            "#   7 mean with timed-out workloads at their lower bound (a lower bound), "
            "8 both 6 and 7\n");
    for (size_t i = 0; i < n; i++) {
        const struct pb_merged_profiler *p = &set->profilers[i];
        double y = (double)(n - 1 - i);

        fprintf(d, "# row %zu: ", i);
        for (const char *s = p->name; *s; s++)
            fputc((unsigned char)*s < 0x20 ? ' ' : *s, d);
        fputc('\n', d);
        for (size_t w = 0; w <= m; w++) {
            const struct pb_pair *pr = w < m ? p->pairs[w] : NULL;
            const struct pb_ratio *r = w < m ? (pr ? &pr->wall : NULL) : &p->sum->wall;
            enum cell st;
            double v = r && pb_ratio_known(r) ? r->value : NAN, col;
            unsigned tc;

            if (w == m) {
                int excl = p->pairs_failed || p->pairs_timeout > p->pairs_at_bound
                           || p->pairs_not_run;
                if (isnan(v))
                    st = CELL_FAILED;
                else if (at_least(p, M_WALL))
                    st = excl ? CELL_MEAN_BOUND_EXCL : CELL_MEAN_BOUND;
                else
                    st = excl ? CELL_MEAN_EXCL : CELL_OK;
            } else if (!pr) {
                st = CELL_ABSENT;
            } else {
                switch (pr->status) {
                case PB_PAIR_OK: st = CELL_OK; break;
                case PB_PAIR_PARTIAL: st = CELL_PARTIAL; break;
                case PB_PAIR_TIMEOUT: st = CELL_TIMEOUT; break;
                case PB_PAIR_NOT_RUN: st = CELL_NOT_RUN; break;
                default: st = CELL_FAILED; break;
                }
                if (isnan(v) && (st == CELL_OK || st == CELL_PARTIAL || st == CELL_TIMEOUT))
                    st = CELL_FAILED;
            }
            col = isnan(v) || st == CELL_TIMEOUT ? NAN : fmin(cbmax, fmax(0, log10(v)));
            tc = (!isnan(col) && col > cbmax * 0.58) ? 0xffffff : 0x222222;
            if (st == CELL_FAILED)
                tc = 0x8c2a20;
            else if (st == CELL_TIMEOUT)
                tc = 0xffffff;
            else if (st == CELL_NOT_RUN || st == CELL_ABSENT)
                tc = 0x777777;
            fprintf(d, "%.3g %g ", w < m ? (double)w : xmean, y);
            /* No NaN in this file: gnuplot skips a row when a column it
             * reads is not a number, and the state column decides. */
            fprintf(d, "%.6g %.6g", isnan(v) ? 0 : v, isnan(col) ? -1 : col);
            fprintf(d, " %d %u\n", (int)st, tc);
            nstate[st]++;
        }
    }

    gp_head(f, set, ch, &c, sub, nsub);
    fprintf(f, "\nCW = 0.475; CH = 0.45    # half a cell: the gaps between cells are white\n");
    fprintf(f, "TX_NONE = '#f0f0f0'; TX_TIMEOUT = '#5c5c5c'   # cells without a value; timed out\n");
    fprintf(f, "# Text boxes in the cell colour keep the hatching from running through the text.\n");
    fprintf(f, "set style textbox 2 opaque fc rgb TX_NONE noborder margins 2,1\n");
    fprintf(f, "set style textbox 3 opaque fc rgb TX_TIMEOUT noborder margins 2,1\n");
    fprintf(f, "set xrange [-0.5:%g]\nset yrange [-0.5:%g]\n", xmean + 0.5, n - 0.5);
    fprintf(f, "set cbrange [0:%g]\n", cbmax);
    fprintf(f, "set palette defined (0 '#fffbe6', %g '#fde7a3', %g '#fdb15e', %g '#f0703b', "
            "%g '#c8283a', %g '#7a0a35')\n", cbmax * 0.1, cbmax * 0.25, cbmax * 0.45,
            cbmax * 0.7, cbmax);
    fprintf(f, "set colorbox user origin screen %.5f, screen %.5f size screen %.5f, screen %.5f "
            "noborder\n", (c.w - c.rm + 18) / c.w, c.bm / c.h, 22.0 / c.w, plot_h(&c) / c.h);
    fprintf(f, "set cbtics (");
    {
        static const double t[] = { 1, 1.5, 2, 3, 5, 10, 20, 50, 100, 200, 500, 1000, 2000,
                                    5000, 10000 };
        int first = 1;
        for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
            double lv = log10(t[i]);
            if (lv > cbmax + 1e-9)
                break;
            if (cbmax > 1.5 && (t[i] == 1.5 || t[i] == 3))
                continue;
            fprintf(f, "%s'%g×' %.5f", first ? "" : ", ", t[i], lv);
            first = 0;
        }
    }
    fprintf(f, ") scale 0.5 textcolor rgb '%s'\n", C_TEXT);
    fprintf(f, "set cblabel 'wall time ÷ without profiler (×, log scale)' offset %.1f,0 "
            "textcolor rgb '%s'\n", text_px("1000×", c.fs) / text_px("0", c.fs) * 0.35, C_TEXT);
    fprintf(f, "set xlabel 'workload' textcolor rgb '%s'\n", C_TEXT);
    fprintf(f, "set ylabel 'profiler (sorted by mean overhead)' textcolor rgb '%s'\n", C_TEXT);
    fprintf(f, "set border 0\nset tics scale 0\n");
    fprintf(f, "set xtics nomirror");
    if (angle > 0)
        fprintf(f, " rotate by %g right", angle);
    fprintf(f, " (");
    for (size_t w = 0; w < m; w++) {
        pb_gp_string(f, set->workloads[w]);
        fprintf(f, " %zu, ", w);
    }
    fprintf(f, "'geo. mean' %g)\n", xmean);
    fprintf(f, "set ytics nomirror (");
    for (size_t i = 0; i < n; i++) {
        const struct pb_merged_profiler *p = &set->profilers[i];
        char lab[600];
        if (multi)
            snprintf(lab, sizeof lab, "%s [%zu]", p->name, p->run + 1);
        else
            snprintf(lab, sizeof lab, "%s", p->name);
        fprintf(f, "%s", i ? ", " : "");
        pb_gp_string(f, lab);
        fprintf(f, " %zu", n - 1 - i);
    }
    fprintf(f, ")\n");
    fprintf(f, "# The text of a cell from its state (column 5) and value (column 3).\n");
    fprintf(f, "cell(st, v) = st == 1 ? fmt(v).'*' : st == 3 || st == 7 ? '≥'.fmt(v) "
            ": st == 6 ? fmt(v).' †' : st == 8 ? '≥'.fmt(v).' †' : fmt(v)\n");
    fprintf(f, "novalue(st) = st == 2 ? 'failed' : st == 4 ? 'not run' : '–'\n");
    fprintf(f, "colored(st) = st == 0 || st == 1 || st >= 6   # a coloured cell\n");
    fprintf(f, "DAT = '%s.dat'\n", ch->name);
    {
        int ncol = nstate[CELL_OK] + nstate[CELL_PARTIAL] + nstate[CELL_MEAN_EXCL]
                   + nstate[CELL_MEAN_BOUND] + nstate[CELL_MEAN_BOUND_EXCL];
        int nnone = nstate[CELL_FAILED] + nstate[CELL_NOT_RUN] + nstate[CELL_ABSENT];
        int nto = nstate[CELL_TIMEOUT];

        /* Coloured cells, grey cells without a value, hatching over
         * failed and timed-out cells, then the text. */
        if (ncol) {
            series(f, &nseries);
            fprintf(f, "DAT using 1:(colored($5) ? $2 : NaN):($1-CW):($1+CW):($2-CH):($2+CH):4 "
                    "with boxxyerror fs solid 1 noborder lc palette notitle");
        }
        if (nnone) {
            series(f, &nseries);
            fprintf(f, "DAT using 1:(colored($5) || $5 == 3 ? NaN : $2):($1-CW):($1+CW):"
                    "($2-CH):($2+CH) with boxxyerror fs solid 1 noborder lc rgb TX_NONE notitle");
        }
        if (nstate[CELL_FAILED]) {
            series(f, &nseries);
            fprintf(f, "DAT using 1:($5 == 2 ? $2 : NaN):($1-CW):($1+CW):($2-CH):($2+CH) "
                    "with boxxyerror fs transparent pattern 4 noborder lc rgb '#d9a59f' notitle");
        }
        if (nto) {
            series(f, &nseries);
            fprintf(f, "DAT using 1:($5 == 3 ? $2 : NaN):($1-CW):($1+CW):($2-CH):($2+CH) "
                    "with boxxyerror fs solid 1 noborder lc rgb TX_TIMEOUT notitle");
            series(f, &nseries);
            fprintf(f, "DAT using 1:($5 == 3 ? $2 : NaN):($1-CW):($1+CW):($2-CH):($2+CH) "
                    "with boxxyerror fs transparent pattern 5 noborder lc rgb '#8a8a8a' notitle");
        }
        if (ncol) {
            series(f, &nseries);
            fprintf(f, "DAT using 1:(colored($5) ? $2 : NaN):(cell($5, $3)):6 with labels "
                    "center font ',%g' textcolor rgb variable notitle", fsc);
        }
        if (nnone) {
            series(f, &nseries);
            fprintf(f, "DAT using 1:(colored($5) || $5 == 3 ? NaN : $2):(novalue($5)):6 "
                    "with labels center boxed bs 2 font ',%g' textcolor rgb variable notitle",
                    fsc);
        }
        if (nto && two_lines) {
            /* A timed-out cell says so on a second line. */
            series(f, &nseries);
            fprintf(f, "DAT using 1:($5 == 3 ? $2 : NaN):(cell($5, $3)):6 with labels center "
                    "boxed bs 3 offset 0,0.5 font ',%g' textcolor rgb variable notitle", fsc);
            series(f, &nseries);
            fprintf(f, "DAT using 1:($5 == 3 ? $2 : NaN):('timed out'):6 with labels center "
                    "boxed bs 3 offset 0,-0.55 font ',%g' textcolor rgb variable notitle",
                    fsc * 0.9);
        } else if (nto) {
            series(f, &nseries);
            fprintf(f, "DAT using 1:($5 == 3 ? $2 : NaN):(cell($5, $3)):6 with labels center "
                    "boxed bs 3 font ',%g' textcolor rgb variable notitle", fsc);
        }
    }
    fprintf(f, "\n");
    gp_tail(f, ch, &c);
    return 0;
}

/* ---- chart 4: CPU against wall, labelled points ---- */

struct rect {
    double x0, y0, x1, y1;              /* pixels, y down */
};

static int overlaps(const struct rect *a, const struct rect *b)
{
    return a->x0 < b->x1 && b->x0 < a->x1 && a->y0 < b->y1 && b->y0 < a->y1;
}

/* 1 when the segment p-q passes through r (sampled: good enough at
 * pixel scale). */
static int segment_hits(double px, double py, double qx, double qy, const struct rect *r)
{
    for (int i = 1; i < 20; i++) {
        double x = px + (qx - px) * i / 20.0, y = py + (qy - py) * i / 20.0;
        if (x > r->x0 && x < r->x1 && y > r->y0 && y < r->y1)
            return 1;
    }
    return 0;
}

/* The point of r nearest to (x, y). */
static void nearest_on(const struct rect *r, double x, double y, double *nx, double *ny)
{
    *nx = fmax(r->x0, fmin(x, r->x1));
    *ny = fmax(r->y0, fmin(y, r->y1));
}

struct placed {
    struct rect box;
    int leader;
};

/* Places one label of size w x h for the point (px, py): tries positions
 * at growing distances in a fixed order of directions, and takes the
 * first that stays inside area and clear of every obstacle (and whose
 * leader line crosses no other obstacle). obs[self] is the point's own
 * marker, obs[bar] and obs[bar + 1] its error bars, which its leader may
 * cross. */
static struct placed place_label(double px, double py, double w, double h,
                                 const struct rect *area, const struct rect *obs, size_t nobs,
                                 size_t self, size_t bar)
{
    static const double dist[] = { 6, 12, 20, 30, 42, 56, 72, 90, 110, 135, 165, 200, 240 };
    static const double dirs[] = { 0, 180, -35, 35, -145, 145, -90, 90, -60, 60, -120, 120,
                                   -15, 15, -165, 165 };
    struct placed best = { { px + 8, py - h / 2, px + 8 + w, py + h / 2 }, 0 };
    int best_hits = 1 << 30;

    for (size_t di = 0; di < sizeof dist / sizeof dist[0]; di++) {
        for (size_t ai = 0; ai < sizeof dirs / sizeof dirs[0]; ai++) {
            double a = dirs[ai] * M_PI / 180, dx = cos(a), dy = sin(a);
            double ax = px + dx * dist[di], ay = py + dy * dist[di];
            struct rect r;
            int hits = 0;
            double lx, ly;

            if (dx > 0.3)
                r.x0 = ax;
            else if (dx < -0.3)
                r.x0 = ax - w;
            else
                r.x0 = ax - w / 2;
            if (dy > 0.3)
                r.y0 = ay;
            else if (dy < -0.3)
                r.y0 = ay - h;
            else
                r.y0 = ay - h / 2;
            r.x1 = r.x0 + w;
            r.y1 = r.y0 + h;
            if (r.x0 < area->x0 || r.x1 > area->x1 || r.y0 < area->y0 || r.y1 > area->y1)
                continue;
            nearest_on(&r, px, py, &lx, &ly);
            for (size_t o = 0; o < nobs; o++) {
                int own = o == bar || o == bar + 1;
                if (o == self)
                    continue;
                if (overlaps(&r, &obs[o]))
                    hits += own ? 2 : 4;
                else if (!own && dist[di] > 12 && segment_hits(px, py, lx, ly, &obs[o]))
                    hits += 1;
            }
            if (hits == 0) {
                best.box = r;
                best.leader = dist[di] > 14;
                return best;
            }
            if (hits < best_hits) {
                best_hits = hits;
                best.box = r;
                best.leader = dist[di] > 14;
            }
        }
    }
    return best;
}

/* The geometric mean of a profiler's wall ratios over the workloads it
 * finished (ok or partial), with no interval (lo = hi = value); not
 * known when there are none. */
static struct pb_ratio finished_wall_mean(const struct pb_summary_set *set,
                                          const struct pb_merged_profiler *p)
{
    double logsum = 0;
    int n = 0;

    for (size_t w = 0; w < set->nworkloads; w++) {
        const struct pb_pair *pr = p->pairs[w];
        if (pr && (pr->status == PB_PAIR_OK || pr->status == PB_PAIR_PARTIAL)
            && pb_ratio_known(&pr->wall)) {
            logsum += log(pr->wall.value);
            n++;
        }
    }
    if (!n)
        return (struct pb_ratio){ NAN, NAN, NAN };
    logsum = exp(logsum / n);
    return (struct pb_ratio){ logsum, logsum, logsum };
}

static int chart_scatter(FILE *f, FILE *d, const struct pb_summary_set *set,
                         const struct pb_chart *ch, const struct canvas *c0)
{
    struct canvas c = *c0;
    size_t n = set->nprofilers, npts = 0, nobs = 0;
    double lo = 1, hi = 2, l0, l1, pw, ph, fsl = c.fs * 0.95, diag_angle;
    char text[4096], sub[8][512], missing_txt[1600] = "", excl_txt[1600] = "";
    char same_txt[1600] = "";
    int nsame = 0, nsub, nw = common_nworkloads(set), multi = set->nruns > 1;
    size_t *pts = calloc(n + 1, sizeof *pts);
    struct rect *obs = calloc(4 * n + 8, sizeof *obs);
    struct placed *lab = calloc(n + 1, sizeof *lab);
    size_t *order = calloc(n + 1, sizeof *order);
    struct pb_ratio *wall = calloc(n + 1, sizeof *wall);
    struct rect area, key = { 0, 0, 0, 0 };
    int ret = -1;

    if (!pts || !obs || !lab || !order || !wall)
        goto cleanup;
    for (size_t i = 0; i < n; i++) {
        const struct pb_merged_profiler *p = &set->profilers[i];
        char nl[4][512];
        int ne = exclusions(p, M_CPU, nl, NULL);

        wall[i] = p->sum->wall;
        if (at_least(p, M_WALL)) {
            /* A point compares CPU and wall over the same workloads: the
             * CPU mean has no timed-out ones, so this wall mean must not
             * have them either. Its point value is the geometric mean of
             * the pairs' ratios (as the writer computes it); the interval
             * cannot be had without the runs. */
            wall[i] = finished_wall_mean(set, p);
            if (pb_ratio_known(&wall[i])) {
                size_t len = strlen(same_txt);
                snprintf(same_txt + len, sizeof same_txt - len, "%s%s", len ? ", " : "",
                         p->name);
                nsame++;
            }
        }
        if (pb_ratio_known(&wall[i]) && pb_ratio_known(&p->sum->cpu)) {
            pts[npts++] = i;
            lo = fmin(lo, fmin(wall[i].lo, p->sum->cpu.lo));
            hi = fmax(hi, fmax(wall[i].hi, p->sum->cpu.hi));
            if (ne) {
                size_t len = strlen(excl_txt);
                snprintf(excl_txt + len, sizeof excl_txt - len, "%s%s (", len ? ", " : "",
                         p->name);
                for (int j = 0; j < ne; j++) {
                    len = strlen(excl_txt);
                    snprintf(excl_txt + len, sizeof excl_txt - len, "%s%s", j ? ", " : "",
                             nl[j]);
                }
                len = strlen(excl_txt);
                snprintf(excl_txt + len, sizeof excl_txt - len, ")");
            }
        } else {
            size_t len = strlen(missing_txt);
            snprintf(missing_txt + len, sizeof missing_txt - len, "%s%s (%s)",
                     len ? ", " : "", p->name, ne ? nl[0] : "no CPU or wall mean");
        }
    }
    /* The same range on both axes so the diagonal is y = x. */
    l0 = log10(lo) - 0.06;
    l1 = log10(hi) + 0.08;

    {
        char over[64];
        if (nw > 0)
            snprintf(over, sizeof over, "%d workloads", nw);
        else
            snprintf(over, sizeof over, "each profiler's workloads");
        snprintf(text, sizeof text, "CPU time (user + sys, whole process tree) with the profiler "
                 "÷ without it, against the same for wall time; geometric means over %s. "
                 "Above the diagonal a profiler burns CPU in parallel with the program "
                 "(a sampler on another core, a helper process).", over);
        if (missing_txt[0]) {
            size_t len = strlen(text);
            snprintf(text + len, sizeof text - len, " Not shown, no result: %.1500s.",
                     missing_txt);
        }
        if (excl_txt[0]) {
            size_t len = strlen(text);
            snprintf(text + len, sizeof text - len, " Means leave out: %.1500s.", excl_txt);
        }
        if (same_txt[0]) {
            size_t len = strlen(text);
            int several = nsame > 1;
            snprintf(text + len, sizeof text - len, " %.1500s: wall %s over the same workloads "
                     "as %s CPU %s (no interval); the overhead chart's ≥ %s also %s the "
                     "timed-out ones.", same_txt, several ? "means" : "mean",
                     several ? "their" : "its", several ? "means" : "mean",
                     several ? "means" : "mean", several ? "count" : "counts");
        }
    }
    nsub = wrap(text, c.fs, c.w - 28, sub, 6);

    c.lm = 14 + line_px(c.fs) * 1.3 + text_px("0.95×", c.fs) + 16;
    c.rm = 28;
    c.tm = title_px(&c, nsub) + 6;
    c.bm = footer_px(&c) + line_px(c.fs) * 2.6 + 14;
    pw = plot_w(&c);
    ph = plot_h(&c);
    area = (struct rect){ c.lm + 4, c.tm + 4, c.w - c.rm - 4, c.h - c.bm - 4 };
    diag_angle = atan2(ph, pw) * 180 / M_PI;

#define XPX(v) (c.lm + (log10(v) - l0) / (l1 - l0) * pw)
#define YPX(v) (c.h - c.bm - (log10(v) - l0) / (l1 - l0) * ph)
#define XVAL(px) pow(10, l0 + ((px) - c.lm) / pw * (l1 - l0))
#define YVAL(py) pow(10, l0 + (c.h - c.bm - (py)) / ph * (l1 - l0))

    /* Obstacles: the points (first, obs[k] for point k), their error
     * bars, the region captions, the legend. */
    for (size_t k = 0; k < npts; k++) {
        const struct pb_merged_profiler *p = &set->profilers[pts[k]];
        double x = XPX(wall[pts[k]].value), y = YPX(p->sum->cpu.value);
        obs[nobs++] = (struct rect){ x - 7, y - 7, x + 7, y + 7 };
    }
    for (size_t k = 0; k < npts; k++) {
        const struct pb_merged_profiler *p = &set->profilers[pts[k]];
        double x = XPX(wall[pts[k]].value), y = YPX(p->sum->cpu.value);
        obs[nobs++] = (struct rect){ XPX(wall[pts[k]].lo) - 2, y - 4,
                                     XPX(wall[pts[k]].hi) + 2, y + 4 };
        obs[nobs++] = (struct rect){ x - 4, YPX(p->sum->cpu.hi) - 2,
                                     x + 4, YPX(p->sum->cpu.lo) + 2 };
    }
    {
        const char *above = "more CPU than wall time: work in parallel";
        const char *below = "less CPU than wall time: the program waits";
        double fsr = c.fs * 0.9, bottom = c.h - c.bm - 8;
        if (multi) {
            double kw = 0, kh = set->nruns * line_px(c.fs * 0.9) + 10;
            char lb[512];
            for (size_t r = 0; r < set->nruns; r++) {
                run_label(set, r, lb, sizeof lb);
                kw = fmax(kw, text_px(lb, c.fs * 0.9) + 50);
            }
            key = (struct rect){ c.w - c.rm - 8 - kw, bottom - kh, c.w - c.rm - 8, bottom };
            obs[nobs++] = key;
            bottom -= kh + 6;
        }
        obs[nobs++] = (struct rect){ c.lm + 10, c.tm + 10, c.lm + 10 + text_px(above, fsr),
                                     c.tm + 10 + line_px(fsr) };
        obs[nobs++] = (struct rect){ c.w - c.rm - 10 - text_px(below, fsr),
                                     bottom - line_px(fsr), c.w - c.rm - 10, bottom };
        /* The diagonal's own caption: the first free spot along it. */
        /* It is drawn rotated, just above the line: its box is the
         * rotated text's bounding box, lifted by the offset. */
        double lw = text_px("CPU = wall", fsr), lh = line_px(fsr), a = atan2(ph, pw);
        double bw = lw * cos(a) + lh * sin(a), bh = lw * sin(a) + lh * cos(a);
        double best_t = 0.7;
        struct rect cap = { 0, 0, 0, 0 };
        for (int i = 0; i < 40; i++) {
            /* 0.7, 0.72, 0.68, 0.74, ... outwards from the middle-right */
            double t = 0.7 + (i % 2 ? -1 : 1) * ((i + 1) / 2) * 0.02;
            double x = c.lm + t * pw, y = c.h - c.bm - t * ph - lh * 0.7;
            struct rect r = { x - bw / 2, y - bh / 2, x + bw / 2, y + bh / 2 };
            int free_spot = t > 0.05 && t < 0.95;
            for (size_t o = 0; o < nobs && free_spot; o++)
                free_spot = !overlaps(&r, &obs[o]);
            if (free_spot) {
                best_t = t;
                break;
            }
        }
        {
            double x = c.lm + best_t * pw, y = c.h - c.bm - best_t * ph;
            cap = (struct rect){ x - bw / 2, y - lh * 0.7 - bh / 2, x + bw / 2, y - lh * 0.7 + bh / 2 };
            obs[nobs++] = cap;
            snprintf(text, sizeof text,
                     "set label 121 'CPU = wall' at %.6g, %.6g center rotate by %.1f "
                     "offset 0,0.7 font ',%g' textcolor rgb '%s'\n"
                     "set label 122 '%s' at graph 0.015, graph 0.985 left offset 0,-0.6 "
                     "font ',%g' textcolor rgb '#a35a16'\n"
                     "set label 123 '%s' at screen %.5f, screen %.5f right offset 0,0.6 "
                     "font ',%g' textcolor rgb '#2f5f95'\n",
                     XVAL(x), YVAL(y), diag_angle, fsr, C_MUTED,
                     above, fsr, below, (c.w - c.rm - 10) / c.w, (c.h - bottom) / c.h, fsr);
        }
    }

    /* Labels, crowded points first. */
    for (size_t k = 0; k < npts; k++)
        order[k] = k;
    for (size_t a = 0; a < npts; a++) {
        for (size_t b = a + 1; b < npts; b++) {
            int ca = 0, cb = 0;
            for (size_t o = 0; o < npts; o++) {
                double ax = obs[order[a]].x0 - obs[o].x0, ay = obs[order[a]].y0 - obs[o].y0;
                double bx = obs[order[b]].x0 - obs[o].x0, by = obs[order[b]].y0 - obs[o].y0;
                ca += ax * ax + ay * ay < 90 * 90;
                cb += bx * bx + by * by < 90 * 90;
            }
            if (cb > ca) {
                size_t t = order[a];
                order[a] = order[b];
                order[b] = t;
            }
        }
    }
    for (size_t oi = 0; oi < npts; oi++) {
        size_t k = order[oi];
        const struct pb_merged_profiler *p = &set->profilers[pts[k]];
        double x = XPX(wall[pts[k]].value), y = YPX(p->sum->cpu.value);
        double w = text_px(p->name, fsl) + 4, h = line_px(fsl);

        lab[k] = place_label(x, y, w, h, &area, obs, nobs, k, npts + 2 * k);
        obs[nobs++] = lab[k].box;
    }

    fprintf(d, "# pbench data for %s.gp: one row per profiler with both means\n", ch->name);
    fprintf(d, "# wall  cpu  wall_lo  wall_hi  cpu_lo  cpu_hi  colour\n");
    for (size_t k = 0; k < npts; k++) {
        const struct pb_merged_profiler *p = &set->profilers[pts[k]];
        unsigned col = (unsigned)strtoul(run_colors[(multi ? p->run : 0) % NRUN_COLORS] + 1,
                                         NULL, 16);
        fprintf(d, "# ");
        for (const char *s = p->name; *s; s++)
            fputc((unsigned char)*s < 0x20 ? ' ' : *s, d);
        fprintf(d, "\n%.6g %.6g %.6g %.6g %.6g %.6g %u\n", wall[pts[k]].value,
                p->sum->cpu.value, wall[pts[k]].lo, wall[pts[k]].hi, p->sum->cpu.lo,
                p->sum->cpu.hi, col);
    }

    gp_head(f, set, ch, &c, sub, nsub);
    fprintf(f, "\nLO = %.6g; HI = %.6g\n", pow(10, l0), pow(10, l1));
    fprintf(f, "set logscale xy\nset xrange [LO:HI]\nset yrange [LO:HI]\n");
    gp_log_tics(f, "xtics", pow(10, l0), pow(10, l1));
    gp_log_tics(f, "ytics", pow(10, l0), pow(10, l1));
    fprintf(f, "set xtics nomirror\nset ytics nomirror\nset border 3\n");
    fprintf(f, "set grid xtics ytics lc rgb '%s' lw 1 dt 1\n", C_GRID);
    fprintf(f, "set xlabel 'wall time ÷ without profiler (×, log scale)' textcolor rgb '%s'\n",
            C_TEXT);
    fprintf(f, "set ylabel 'CPU time ÷ without profiler (×, log scale)' textcolor rgb '%s'\n",
            C_TEXT);
    fprintf(f, "# Above the diagonal: more CPU than wall time.\n");
    fprintf(f, "set object 1 polygon from LO,LO to HI,HI to LO,HI to LO,LO behind "
            "fc rgb '#fdf3e7' fs solid 1 noborder\n");
    fprintf(f, "set object 2 polygon from LO,LO to HI,HI to HI,LO to LO,LO behind "
            "fc rgb '#eef4fb' fs solid 1 noborder\n");
    fprintf(f, "set arrow 1 from LO,LO to HI,HI nohead back lc rgb '%s' lw 1.2 dt 2\n", C_MUTED);
    fputs(text, f);
    fprintf(f, "# Profiler names, placed clear of each other; a thin line leads from a "
            "name to its point when they are apart.\n");
    for (size_t k = 0; k < npts; k++) {
        const struct pb_merged_profiler *p = &set->profilers[pts[k]];
        double x = XPX(wall[pts[k]].value), y = YPX(p->sum->cpu.value), lx, ly;
        const struct rect *b = &lab[k].box;

        fprintf(f, "set label %zu ", 300 + k);
        pb_gp_string(f, p->name);
        fprintf(f, " at %.6g, %.6g left offset 0.15,0 font ',%g' textcolor rgb '%s' front\n",
                XVAL(b->x0), YVAL((b->y0 + b->y1) / 2), fsl, C_TEXT);
        if (lab[k].leader) {
            nearest_on(b, x, y, &lx, &ly);
            fprintf(f, "set arrow %zu from %.6g, %.6g to %.6g, %.6g nohead front "
                    "lc rgb '#8a8a8a' lw 0.8\n", 10 + k, XVAL(x), YVAL(y), XVAL(lx), YVAL(ly));
        }
    }
    if (multi)
        fprintf(f, "set key at screen %.5f, screen %.5f right top reverse Left samplen 1 "
                "box lc rgb '%s' opaque font ',%g'\n", key.x1 / c.w, 1 - key.y0 / c.h,
                C_GRID, c.fs * 0.9);
    {
        int nseries = 0;

        fprintf(f, "DAT = '%s.dat'\n", ch->name);
        if (npts) {
            series(f, &nseries);
            fprintf(f, "DAT using 1:2:3:4:5:6 with xyerrorbars lc rgb '#9a9a9a' lw 1 pt 7 ps 0 "
                    "notitle");
            series(f, &nseries);
            fprintf(f, "DAT using 1:2:7 with points pt 7 ps 1.4 lc rgb variable notitle");
        }
        for (size_t r = 0; multi && r < set->nruns; r++) {
            char lb[512];
            run_label(set, r, lb, sizeof lb);
            series(f, &nseries);
            fprintf(f, "NaN with points pt 7 ps 1.4 lc rgb '%s' title ",
                    run_colors[r % NRUN_COLORS]);
            pb_gp_string(f, lb);
        }
        if (!nseries) {             /* nothing to show: the axes and the note */
            series(f, &nseries);
            fprintf(f, "NaN notitle");
        }
        fprintf(f, "\n");
    }
    gp_tail(f, ch, &c);
    ret = 0;
#undef XPX
#undef YPX
#undef XVAL
#undef YVAL

cleanup:
    free(pts);
    free(obs);
    free(lab);
    free(order);
    free(wall);
    return ret;
}

/* ---- putting it together ---- */

typedef int (*chart_fn)(FILE *, FILE *, const struct pb_summary_set *, const struct pb_chart *,
                        const struct canvas *);

static int chart_overhead(FILE *f, FILE *d, const struct pb_summary_set *set,
                          const struct pb_chart *ch, const struct canvas *c)
{
    return chart_bars(f, d, set, ch, c, M_WALL);
}

static int chart_memory(FILE *f, FILE *d, const struct pb_summary_set *set,
                        const struct pb_chart *ch, const struct canvas *c)
{
    return chart_bars(f, d, set, ch, c, M_MEM);
}

/* In the order of pb_plot_charts. */
static const chart_fn chart_fns[] = { chart_overhead, chart_heat, chart_memory, chart_scatter };

static FILE *open_out(const char *dir, const char *name, const char *ext, char *path,
                      size_t n, struct pb_error *err)
{
    FILE *f;

    snprintf(path, n, "%s/%s.%s", dir, name, ext);
    f = fopen(path, "w");
    if (!f) {
        int e = errno;
        pb_error_at(err, path, 0, 0, "cannot write");
        pb_error_errno(err, e);
    }
    return f;
}

static int close_out(FILE *f, const char *path, struct pb_error *err)
{
    int bad = ferror(f);

    if (fclose(f) != 0 || bad) {
        pb_error_at(err, path, 0, 0, "write failed");
        return pb_error_errno(err, errno ? errno : EIO);
    }
    return 0;
}

int pb_plot_write_set(const struct pb_summary_set *set, const char *out_dir,
                      const struct pb_plot_opts *opts, struct pb_error *err)
{
    struct pb_plot_opts o;
    struct canvas c;

    pb_plot_opts_init(&o);
    if (opts) {
        if (opts->width > 0)
            o.width = opts->width;
        if (opts->height > 0)
            o.height = opts->height;
        if (opts->gnuplot && *opts->gnuplot)
            o.gnuplot = opts->gnuplot;
        if (opts->timeout_s > 0)
            o.timeout_s = opts->timeout_s;
    }
    if (o.width < 320 || o.height < 240 || o.width > 10000 || o.height > 10000)
        return pb_error_set(err, "chart size %dx%d out of range (320x240 to 10000x10000)",
                            o.width, o.height);
    if (set->nprofilers == 0)
        return pb_error_at(err, set->runs[0]->dir, 0, 0,
                           "no profiler results to plot (only the baseline)");
    if (pb_mkdirs(out_dir, err) < 0)
        return -1;
    canvas_init(&c, &o);

    for (size_t i = 0; pb_plot_charts[i].name; i++) {
        const struct pb_chart *ch = &pb_plot_charts[i];
        char gp_path[PB_ERROR_PATH_MAX], dat_path[PB_ERROR_PATH_MAX], script[256];
        FILE *f, *d;
        int r;

        f = open_out(out_dir, ch->name, "gp", gp_path, sizeof gp_path, err);
        if (!f)
            return -1;
        d = open_out(out_dir, ch->name, "dat", dat_path, sizeof dat_path, err);
        if (!d) {
            fclose(f);
            return -1;
        }
        r = chart_fns[i](f, d, set, ch, &c);
        if (close_out(d, dat_path, err) < 0) {
            fclose(f);
            return -1;
        }
        if (close_out(f, gp_path, err) < 0)
            return -1;
        if (r < 0)
            return pb_error_set(err, "out of memory");
        snprintf(script, sizeof script, "%s.gp", ch->name);
        if (pb_gnuplot_run(o.gnuplot, out_dir, script, o.timeout_s, err) < 0)
            return -1;
    }

    /* The accuracy chart of every run that has accuracy.json. */
    for (size_t r = 0; r < set->nruns; r++) {
        char rel[PB_ERROR_PATH_MAX], dir[PB_ERROR_PATH_MAX];

        if (!pb_plot_has_accuracy(set, r))
            continue;
        pb_plot_accuracy_path(set, r, rel, sizeof rel);
        snprintf(dir, sizeof dir, "%s/%s", out_dir, rel);
        *strrchr(dir, '/') = '\0';         /* the directory part */
        if (pb_accuracy_plot_write(set->runs[r]->dir, dir, o.gnuplot, err) < 0)
            return -1;
    }
    return 0;
}

int pb_plot_has_accuracy(const struct pb_summary_set *set, size_t r)
{
    char path[PB_ERROR_PATH_MAX];

    snprintf(path, sizeof path, "%s/accuracy.json", set->runs[r]->dir);
    return access(path, F_OK) == 0;
}

void pb_plot_accuracy_path(const struct pb_summary_set *set, size_t r, char *buf, size_t n)
{
    char name[512];
    int dup = 0;

    if (set->nruns == 1) {
        snprintf(buf, n, "accuracy");
        return;
    }
    /* pb_accuracy_plot_write names its files accuracy.*, so each run gets
     * a directory, named after the results directory. */
    char other[PATH_MAX];
    snprintf(name, sizeof name, "%s", pb_path_base(set->runs[r]->dir, other, sizeof other));
    for (size_t k = 0; k < set->nruns && !dup; k++)
        dup = k != r && strcmp(pb_path_base(set->runs[k]->dir, other, sizeof other), name) == 0;
    if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0 || strcmp(name, "/") == 0 || dup)
        snprintf(buf, n, "accuracy-run%zu-%s/accuracy", r + 1,
                 strcmp(name, "/") == 0 ? "root" : name);
    else
        snprintf(buf, n, "accuracy-%s/accuracy", name);
}

int pb_plot_write(const char *const *results_dirs, size_t ndirs, const char *out_dir,
                  const struct pb_plot_opts *opts, struct pb_error *err)
{
    struct pb_summary_set *set = pb_summary_set_load(results_dirs, ndirs, err);
    int r;

    if (!set)
        return -1;
    r = pb_plot_write_set(set, out_dir, opts, err);
    pb_summary_set_free(set);
    return r;
}

/* ---- pbench plot ---- */

static void plot_usage(FILE *f)
{
    fprintf(f, "usage: pbench plot RESULTS_DIR... [-o DIR] [--width W] [--height H] "
            "[--gnuplot PATH]\n"
            "  -o, --output DIR   where the charts go (default: plots)\n"
            "  --width W, --height H   chart size in pixels (default: 1200 x 700)\n"
            "  --gnuplot PATH     the gnuplot to run (default: gnuplot from PATH)\n"
            "A RESULTS_DIR with accuracy.json (pbench accuracy) adds its accuracy chart:\n"
            "DIR/accuracy.png, or DIR/accuracy-NAME/accuracy.png when several are given.\n");
}

static int parse_size(const char *s, int *out)
{
    char *end;
    long v;

    errno = 0;
    v = strtol(s, &end, 10);
    if (errno || end == s || *end || v < 1 || v > 100000)
        return -1;
    *out = (int)v;
    return 0;
}

int pb_plot_cmd(int argc, char **argv)
{
    static const struct option longopts[] = {
        { "output", required_argument, NULL, 'o' },
        { "width", required_argument, NULL, 'W' },
        { "height", required_argument, NULL, 'H' },
        { "gnuplot", required_argument, NULL, 'g' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    struct pb_plot_opts opts;
    struct pb_error err;
    struct pb_summary_set *set;
    const char *out = "plots";
    char msg[PB_ERROR_MSG_MAX + PB_ERROR_PATH_MAX + 32];
    int ch;

    pb_plot_opts_init(&opts);
    pb_error_clear(&err);
    optind = 0;         /* a full reset: main may have used getopt */
    opterr = 0;
    while ((ch = getopt_long(argc, argv, "o:h", longopts, NULL)) != -1) {
        switch (ch) {
        case 'o':
            out = optarg;
            break;
        case 'W':
        case 'H':
            if (parse_size(optarg, ch == 'W' ? &opts.width : &opts.height) < 0) {
                fprintf(stderr, "pbench plot: bad %s '%s' (expected pixels, e.g. 1200)\n",
                        ch == 'W' ? "--width" : "--height", optarg);
                return 2;
            }
            break;
        case 'g':
            opts.gnuplot = optarg;
            break;
        case 'h':
            plot_usage(stdout);
            return 0;
        default:
            fprintf(stderr, "pbench plot: unknown option '%s'\n", argv[optind - 1]);
            plot_usage(stderr);
            return 2;
        }
    }
    if (optind >= argc) {
        fprintf(stderr, "pbench plot: no results directory given\n");
        plot_usage(stderr);
        return 2;
    }
    set = pb_summary_set_load((const char *const *)argv + optind, (size_t)(argc - optind), &err);
    if (!set || pb_plot_write_set(set, out, &opts, &err) < 0) {
        fprintf(stderr, "pbench plot: %s\n", pb_error_format(&err, msg, sizeof msg));
        pb_summary_set_free(set);
        return 1;
    }
    for (size_t i = 0; pb_plot_charts[i].name; i++)
        printf("%s/%s.png  %s/%s.svg  (%s)\n", out, pb_plot_charts[i].name, out,
               pb_plot_charts[i].name, pb_plot_charts[i].title);
    for (size_t r = 0; r < set->nruns; r++) {
        char rel[PB_ERROR_PATH_MAX], png[PB_ERROR_PATH_MAX + 8];
        struct stat st;

        if (!pb_plot_has_accuracy(set, r))
            continue;
        pb_plot_accuracy_path(set, r, rel, sizeof rel);
        snprintf(png, sizeof png, "%s/%s.png", out, rel);
        if (stat(png, &st) == 0)
            printf("%s  %s/%s.svg  (accuracy: reported vs true CPU share, %s)\n", png, out, rel,
                   set->runs[r]->dir);
        else            /* pb_accuracy_plot_write: nothing to draw */
            printf("(no accuracy chart for %s: its accuracy.json has no CPU split figures)\n",
                   set->runs[r]->dir);
    }
    pb_summary_set_free(set);
    return 0;
}
