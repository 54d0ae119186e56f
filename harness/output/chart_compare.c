/*
 * chart_compare: NEW/BASE per profiler, one point with its interval per
 * later run, log scale, a line at 1×. See chart_compare.h; the layout
 * helpers are chart.c's.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/compare.h"
#include "output/chart.h"
#include "output/chart_compare.h"
#include "output/gnuplot.h"
#include "util/fs.h"
#include "util/text.h"

const struct pb_chart pb_compare_chart = { "compare", "Overhead against the first run: wall time" };

/* The chart being drawn. */
struct cmpchart {
    const struct pb_summary_set *set;
    struct pb_compare **cs;     /* set->runs[k + 1] against set->runs[0] */
    size_t ncs;
    const char **labels;        /* the x axis: profilers with a mean somewhere */
    size_t nlabels;
    struct pb_chart_canvas c;
    char sub[5][PB_CHART_LINE_MAX];
    int nsub;
    double slot, angle, lmin, lmax;
    int npoints;
};

/* c's mean of the profiler labelled label, or NULL. */
static const struct pb_cmp_mean *mean_of(const struct pb_compare *c, const char *label)
{
    for (size_t i = 0; i < c->nmeans; i++)
        if (!strcmp(c->means[i].label, label) && !isnan(c->means[i].wall.value))
            return &c->means[i];
    return NULL;
}

/* The x axis: every profiler with a wall mean in some comparison, in
 * order of first appearance. Returns -1 when out of memory. */
static int collect(struct cmpchart *h)
{
    size_t cap = 0;

    for (size_t k = 0; k < h->ncs; k++)
        cap += h->cs[k]->nmeans;
    h->labels = calloc(cap + 1, sizeof *h->labels);
    if (!h->labels)
        return -1;
    for (size_t k = 0; k < h->ncs; k++)
        for (size_t i = 0; i < h->cs[k]->nmeans; i++) {
            const struct pb_cmp_mean *m = &h->cs[k]->means[i];
            size_t j = 0;
            if (isnan(m->wall.value))
                continue;
            h->npoints++;
            while (j < h->nlabels && strcmp(h->labels[j], m->label))
                j++;
            if (j == h->nlabels)
                h->labels[h->nlabels++] = m->label;
        }
    return 0;
}

static void subtitle(struct cmpchart *h)
{
    char text[1024], base[512];
    double conf = h->cs[0]->level * 100;

    pb_chart_run_label(h->set, 0, base, sizeof base);
    snprintf(text, sizeof text, "Each profiler's normalized wall time (with it ÷ plain, in its "
             "own run) in a later run ÷ the same in the first: geometric mean over the "
             "workloads both measured alike. Error bars: %.0f%% interval (none: a side had one "
             "run). Below 1×: the later run costs less. Against %s.", conf, base);
    h->nsub = pb_chart_wrap(text, h->c.fs, h->c.w - 28, h->sub, 4);
}

/* Margins, tick label rotation and the y range. */
static void layout(struct cmpchart *h)
{
    struct pb_chart_canvas *c = &h->c;
    double lo = 0, hi = 0, name_px = 0, rotated_h, top_px;

    for (size_t k = 0; k < h->ncs; k++)
        for (size_t i = 0; i < h->cs[k]->nmeans; i++) {
            const struct pb_cmp_ratio *r = &h->cs[k]->means[i].wall;
            if (isnan(r->value))
                continue;
            lo = fmin(lo, log10(r->has_ci ? fmin(r->lo, r->value) : r->value));
            hi = fmax(hi, log10(r->has_ci ? fmax(r->hi, r->value) : r->value));
        }
    for (size_t i = 0; i < h->nlabels; i++)
        name_px = fmax(name_px, pb_chart_text_px(h->labels[i], c->fs));
    c->rm = 24;
    c->lm = 14 + pb_chart_line_px(c->fs) * 1.3 + pb_chart_text_px("0.95×", c->fs) + 16;
    h->slot = (c->w - c->lm - c->rm) / fmax(1, (double)h->nlabels);
    if (name_px > h->slot * 0.9)
        h->angle = pb_chart_tick_angle(h->slot, c->fs);
    rotated_h = pb_chart_tick_height(name_px, h->angle, c->fs);
    c->tm = pb_chart_title_px(c, h->nsub) + 6;
    c->bm = pb_chart_footer_px(c) + pb_chart_line_px(c->fs) * 1.4 + rotated_h + 6;
    /* room above for the legend, below for nothing but a margin */
    top_px = (double)h->ncs * pb_chart_line_px(c->fs * 0.9) + 24;
    if (top_px > pb_chart_plot_h(c) * 0.5)
        top_px = pb_chart_plot_h(c) * 0.5;
    if (hi - lo < 0.04) {           /* at least about +/-10% around the data */
        lo -= 0.02;
        hi += 0.02;
    }
    h->lmin = lo - (hi - lo) * 0.08;
    h->lmax = hi + (hi - h->lmin) * top_px / (pb_chart_plot_h(c) - top_px);
}

static int has_points(const struct pb_compare *c, const struct cmpchart *h)
{
    for (size_t i = 0; i < h->nlabels; i++)
        if (mean_of(c, h->labels[i]))
            return 1;
    return 0;
}

/* The .dat file: one block per later run (gnuplot's index), one row per profiler
 * it has a mean of. */
static void write_data(const struct cmpchart *h, FILE *d)
{
    int block = 0;

    fprintf(d, "# pbench data for compare.gp: one block per later run (gnuplot index), "
            "one row per profiler\n# x  value  lo  hi  has_interval  workloads\n");
    for (size_t k = 0; k < h->ncs; k++) {
        if (!has_points(h->cs[k], h))
            continue;               /* gnuplot's index counts the blocks written */
        fprintf(d, "%s# ", block++ ? "\n\n" : "");
        pb_chart_dat_name(d, h->cs[k]->new->dir);
        fprintf(d, " against ");
        pb_chart_dat_name(d, h->cs[k]->base->dir);
        fputc('\n', d);
        for (size_t i = 0; i < h->nlabels; i++) {
            const struct pb_cmp_mean *m = mean_of(h->cs[k], h->labels[i]);
            if (!m)
                continue;
            fprintf(d, "%zu %.6g %.6g %.6g %d %d  # ", i, m->wall.value,
                    m->wall.has_ci ? m->wall.lo : m->wall.value,
                    m->wall.has_ci ? m->wall.hi : m->wall.value, m->wall.has_ci, m->nwall);
            pb_chart_dat_name(d, h->labels[i]);
            fputc('\n', d);
        }
    }
}

/* Tics on the y axis, about 4 to 10 of them, as many below 1× as above
 * (chart.c's log tics are made for ratios above 1): for a range of a few
 * percent (the usual comparison) evenly spaced ones, every 0.5% to 10%;
 * else the densest list of steps per decade that gives at most 10. */
static void write_tics(FILE *f, double lo, double hi)
{
    static const double linear[] = { 0.005, 0.01, 0.02, 0.05, 0.1 };
    static const double l0[] = { 1, 1.1, 1.2, 1.3, 1.4, 1.5, 1.6, 1.8, 2, 2.5, 3, 4, 5, 6, 7, 8, 9 };
    static const double l1[] = { 1, 1.2, 1.5, 2, 3, 4, 5, 6, 7, 8, 9 };
    static const double l2[] = { 1, 1.5, 2, 3, 5, 7 };
    static const double l3[] = { 1, 2, 5 };
    static const double l4[] = { 1 };
    static const struct { const double *m; size_t n; } lists[] = {
        { l0, sizeof l0 / sizeof *l0 }, { l1, sizeof l1 / sizeof *l1 },
        { l2, sizeof l2 / sizeof *l2 }, { l3, sizeof l3 / sizeof *l3 }, { l4, 1 },
    };
    int first = 1, e0 = (int)floor(log10(lo)), e1 = (int)ceil(log10(hi));
    size_t pick = 0;

    fprintf(f, "set ytics (");
    if (log10(hi / lo) < 0.3) {
        double step = linear[0];
        for (size_t i = 0; i < sizeof linear / sizeof *linear; i++) {
            step = linear[i];
            if ((hi - lo) / step <= 10)
                break;
        }
        for (double k = ceil(lo / step); k * step <= hi; k++) {
            fprintf(f, step < 0.01 ? "%s'%.3f×' %.4f" : "%s'%.2f×' %.4f", first ? "" : ", ",
                    k * step, k * step);
            first = 0;
        }
        fprintf(f, ")\n");
        return;
    }
    for (pick = 0; pick + 1 < sizeof lists / sizeof *lists; pick++) {
        int count = 0;
        for (int e = e0; e <= e1; e++)
            for (size_t i = 0; i < lists[pick].n; i++) {
                double v = lists[pick].m[i] * pow(10, e);
                count += v >= lo && v <= hi;
            }
        if (count <= 10)
            break;
    }
    for (int e = e0; e <= e1; e++)
        for (size_t i = 0; i < lists[pick].n; i++) {
            double v = lists[pick].m[i] * pow(10, e);
            if (v < lo || v > hi)
                continue;
            fprintf(f, "%s'%g×' %g", first ? "" : ", ", v, v);
            first = 0;
        }
    fprintf(f, ")\n");
}

/* The x axis's label i (pb_chart_slot_axis). */
static const char *label_of(size_t i, const void *ctx)
{
    const struct cmpchart *h = ctx;
    return h->labels[i];
}

static void write_axes(const struct cmpchart *h, FILE *f)
{
    fprintf(f, "\nYMIN = %.6g; YMAX = %.6g\n", pow(10, h->lmin), pow(10, h->lmax));
    fprintf(f, "set logscale y\nset yrange [YMIN:YMAX]\n");
    fprintf(f, "set xrange [-0.6:%g]\n", (double)h->nlabels - 0.4);
    write_tics(f, pow(10, h->lmin), pow(10, h->lmax));
    fprintf(f, "set mytics 1\nset ytics nomirror\n");
    fprintf(f, "set grid ytics lc rgb '%s' lw 1 dt 1\n", PB_CHART_GRID);
    fprintf(f, "set ylabel 'later run ÷ first run (×, log scale)' textcolor rgb '%s'\n",
            PB_CHART_TEXT);
    fprintf(f, "set xlabel 'profiler' textcolor rgb '%s'\n", PB_CHART_TEXT);
    pb_chart_slot_axis(f, h->nlabels, label_of, h, h->angle);
    /* left, below the line: the points stand at the slots' centres */
    fprintf(f, "set label 120 '1× = no change' at graph 0.005, first 1 left offset 0,-0.7 "
            "font ',%g' textcolor rgb '%s'\n", h->c.fs * 0.85, PB_CHART_MUTED);
}

/* One error-bar series and one label series per later run with points;
 * its block in the .dat file is its index among those with points. */
static void write_series(const struct cmpchart *h, FILE *f)
{
    double step = fmin(0.25, 0.7 / fmax(1, (double)h->ncs));
    int nseries = 0, block = 0;

    fprintf(f, "set key top left reverse Left samplen 1 width -2 box lc rgb '%s' opaque "
            "font ',%g'\n", PB_CHART_GRID, h->c.fs * 0.9);
    fprintf(f, "DAT = 'compare.dat'\n");
    for (size_t k = 0; k < h->ncs; k++) {
        char lab[512];
        double off = ((double)k - ((double)h->ncs - 1) / 2) * step;
        if (!has_points(h->cs[k], h))
            continue;
        pb_chart_run_label(h->set, k + 1, lab, sizeof lab);
        pb_chart_series(f, &nseries);
        fprintf(f, "DAT index %d using ($1%+.3f):2:3:4 with yerrorbars pt 7 ps 1.3 lw 1.6 "
                "lc rgb '%s' title ", block, off, pb_chart_run_color(k + 1));
        pb_gp_string(f, lab);
        pb_chart_series(f, &nseries);
        fprintf(f, "DAT index %d using ($1%+.3f):2:(fmt($2)) with labels left offset 0.9,0 "
                "font ',%g' textcolor rgb '%s' notitle", block, off, h->c.fs * 0.9,
                PB_CHART_TEXT);
        block++;
    }
    fprintf(f, "\n");
}

/* Writes compare.gp and compare.dat into out_dir. Returns 0 or -1. */
static int write_files(struct cmpchart *h, const char *out_dir, struct pb_error *err)
{
    char gp[PB_ERROR_PATH_MAX], dat[PB_ERROR_PATH_MAX];
    FILE *f = NULL, *d = NULL;
    int rc = -1, e;

    snprintf(gp, sizeof gp, "%s/compare.gp", out_dir);
    snprintf(dat, sizeof dat, "%s/compare.dat", out_dir);
    if (!(d = pb_fopen_write(dat))) {
        e = errno;
        pb_error_at(err, dat, 0, 0, "cannot write");
        pb_error_errno(err, e);
        goto cleanup;
    }
    write_data(h, d);
    if (ferror(d) | fclose(d)) {
        d = NULL;
        pb_error_at(err, dat, 0, 0, "write failed");
        goto cleanup;
    }
    d = NULL;
    if (!(f = pb_fopen_write(gp))) {
        e = errno;
        pb_error_at(err, gp, 0, 0, "cannot write");
        pb_error_errno(err, e);
        goto cleanup;
    }
    pb_chart_head(f, h->set, &pb_compare_chart, &h->c, h->sub, h->nsub);
    write_axes(h, f);
    write_series(h, f);
    pb_chart_tail(f, &pb_compare_chart, &h->c);
    if (ferror(f) | fclose(f)) {
        f = NULL;
        pb_error_at(err, gp, 0, 0, "write failed");
        goto cleanup;
    }
    f = NULL;
    rc = 0;

cleanup:
    if (d)
        fclose(d);
    if (f)
        fclose(f);
    return rc;
}

int pb_compare_plot_write_set(const struct pb_summary_set *set, const char *out_dir,
                              const struct pb_plot_opts *opts, struct pb_error *err)
{
    struct pb_plot_opts o;
    struct cmpchart h = { .set = set };
    int rc = -1;

    pb_plot_opts_init(&o);
    if (opts && opts->width > 0)
        o.width = opts->width;
    if (opts && opts->height > 0)
        o.height = opts->height;
    if (opts && opts->gnuplot && *opts->gnuplot)
        o.gnuplot = opts->gnuplot;
    if (opts && opts->timeout_s > 0)
        o.timeout_s = opts->timeout_s;
    if (o.width < 320 || o.height < 240 || o.width > 10000 || o.height > 10000)
        return pb_error_set(err, "chart size %dx%d out of range (320x240 to 10000x10000)",
                            o.width, o.height);
    if (set->nruns < 2)
        return 1;
    if (!(h.cs = pb_compare_set(set, &h.ncs, err)))
        return -1;
    if (collect(&h) < 0) {
        pb_error_set(err, "out of memory");
        goto cleanup;
    }
    if (!h.npoints) {
        rc = 1;
        goto cleanup;
    }
    if (pb_mkdirs(out_dir, err) < 0)
        goto cleanup;
    pb_chart_canvas_init(&h.c, o.width, o.height);
    subtitle(&h);
    layout(&h);
    if (write_files(&h, out_dir, err) < 0
        || pb_gnuplot_run(o.gnuplot, out_dir, "compare.gp", o.timeout_s, err) < 0)
        goto cleanup;
    rc = 0;

cleanup:
    free(h.labels);
    pb_compare_set_free(h.cs, h.ncs);
    return rc;
}
