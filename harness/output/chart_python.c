/*
 * chart_python: each profiler's wall-time overhead by Python version (a
 * config's `pythons:`). One group of bars per profiler, one bar per
 * interpreter, coloured by interpreter, each the geometric mean over the
 * workloads of the ratio against that interpreter's own baseline, with
 * its interval. Drawn only for results with the Python axis.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "output/chart.h"
#include "util/text.h"

#define MAX_PY 8
#define MAX_PROF 64

static const char *const colors[MAX_PY] = {
    "#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#b07aa1", "#76b7b2", "#edc948", "#9c755f",
};

struct bypy {
    const struct pb_summary_set *set;
    const struct pb_chart *ch;
    struct pb_chart_canvas c;
    const char *py[MAX_PY];             /* the interpreters, in order of first appearance */
    size_t npy;
    const char *prof[MAX_PROF];         /* the profilers, by their mean on the first interpreter */
    size_t nprof;
    char sub[4][PB_CHART_LINE_MAX];
    int nsub;
    double slot, angle, lmin, lmax, bw;
};

static int has_axis(const struct pb_summary_set *set)
{
    for (size_t i = 0; i < set->nprofilers; i++)
        if (set->profilers[i].sum->python)
            return 1;
    return 0;
}

int pb_chart_python_applies(const struct pb_summary_set *set)
{
    return has_axis(set);
}

/* The merged profiler name on python, or NULL. */
static const struct pb_merged_profiler *find(const struct bypy *b, const char *name, const char *py)
{
    for (size_t i = 0; i < b->set->nprofilers; i++) {
        const struct pb_profiler_summary *s = b->set->profilers[i].sum;
        if (!strcmp(s->name, name) && s->python && !strcmp(s->python, py))
            return &b->set->profilers[i];
    }
    return NULL;
}

static double mean_on_first(const struct bypy *b, const char *name)
{
    const struct pb_merged_profiler *m = find(b, name, b->py[0]);
    return m && pb_ratio_known(&m->sum->wall) ? m->sum->wall.value : INFINITY;
}

/* The interpreters and the profilers, the latter sorted by their mean on
 * the first interpreter (unknown last). */
static void collect(struct bypy *b)
{
    const struct pb_summary_set *set = b->set;

    for (size_t i = 0; i < set->nprofilers; i++) {
        const struct pb_profiler_summary *s = set->profilers[i].sum;
        size_t k;
        if (!s->python)
            continue;
        for (k = 0; k < b->npy && strcmp(b->py[k], s->python); k++)
            ;
        if (k == b->npy && b->npy < MAX_PY)
            b->py[b->npy++] = s->python;
        for (k = 0; k < b->nprof && strcmp(b->prof[k], s->name); k++)
            ;
        if (k == b->nprof && b->nprof < MAX_PROF)
            b->prof[b->nprof++] = s->name;
    }
    for (size_t i = 1; i < b->npy; i++)            /* 3.9 before 3.10 */
        for (size_t j = i; j > 0 && strverscmp(b->py[j], b->py[j - 1]) < 0; j--) {
            const char *t = b->py[j];
            b->py[j] = b->py[j - 1];
            b->py[j - 1] = t;
        }
    for (size_t i = 1; i < b->nprof; i++)          /* insertion sort: a few dozen */
        for (size_t j = i; j > 0 && mean_on_first(b, b->prof[j]) < mean_on_first(b, b->prof[j - 1]); j--) {
            const char *t = b->prof[j];
            b->prof[j] = b->prof[j - 1];
            b->prof[j - 1] = t;
        }
}

static void layout(struct bypy *b)
{
    struct pb_chart_canvas *c = &b->c;
    double name_px = 0, lmax = log10(1.5);

    b->lmin = log10(0.9);
    for (size_t i = 0; i < b->set->nprofilers; i++) {
        const struct pb_ratio *r = &b->set->profilers[i].sum->wall;
        if (b->set->profilers[i].sum->python && pb_ratio_known(r)) {
            b->lmin = fmin(b->lmin, log10(fmin(r->lo, r->value)) - 0.02);
            lmax = fmax(lmax, log10(fmax(r->hi, r->value)));
        }
    }
    for (size_t i = 0; i < b->nprof; i++)
        name_px = fmax(name_px, pb_chart_text_px(b->prof[i], c->fs));
    int any_bound = 0;
    for (size_t i = 0; i < b->set->nprofilers; i++)
        any_bound |= b->set->profilers[i].sum->python
                     && pb_chart_at_least(&b->set->profilers[i], PB_CHART_WALL);
    char text[PB_CHART_LINE_MAX];
    snprintf(text, sizeof text, "Wall time with the profiler ÷ without it on the same "
             "interpreter: geometric mean over workloads, one bar per Python version. "
             "Error bars: %.0f%% confidence interval. Lower is better; 1× = no overhead.%s",
             isnan(b->set->runs[0]->confidence) ? 95.0 : b->set->runs[0]->confidence * 100,
             any_bound ? " ≥: a lower bound, with timed-out workloads counted as timeout ÷ "
             "time without the profiler." : "");
    b->nsub = pb_chart_wrap(text, c->fs, c->w - 28, b->sub, 3);
    c->rm = 24;
    c->lm = 14 + pb_chart_line_px(c->fs) * 1.3 + pb_chart_text_px("0.95×", c->fs) + 16;
    b->slot = (c->w - c->lm - c->rm) / fmax(1, b->nprof);
    b->bw = 0.8 / fmax(1, b->npy);
    if (name_px > b->slot * 0.9)
        b->angle = pb_chart_tick_angle(b->slot, c->fs);
    c->tm = pb_chart_title_px(c, b->nsub) + 6;
    c->bm = pb_chart_footer_px(c) + pb_chart_line_px(c->fs) * 1.4
          + pb_chart_tick_height(name_px, b->angle, c->fs) + 6;
    /* room above the tallest bar for the legend and a value */
    double ext = pb_chart_line_px(c->fs) * (1.6 + b->npy * 1.1) + 10;
    double h = pb_chart_plot_h(c);
    if (ext > h * 0.5)
        ext = h * 0.5;
    b->lmax = lmax + (lmax - b->lmin) * ext / fmax(1, h - ext);
}

/* One line per bar: x, value, lo, hi, interpreter index, has value,
 * lower bound. */
static void write_data(const struct bypy *b, FILE *d)
{
    fprintf(d, "# x value lo hi interpreter has_value lower_bound (1: the mean is at least "
            "value)   (profiler, python)\n");
    for (size_t i = 0; i < b->nprof; i++)
        for (size_t k = 0; k < b->npy; k++) {
            const struct pb_merged_profiler *m = find(b, b->prof[i], b->py[k]);
            double x = (double)i + ((double)k - (double)(b->npy - 1) / 2) * b->bw;
            fprintf(d, "# ");
            pb_chart_dat_name(d, b->prof[i]);
            fprintf(d, " on ");
            pb_chart_dat_name(d, b->py[k]);
            fputc('\n', d);
            if (m && pb_ratio_known(&m->sum->wall))
                fprintf(d, "%.4f %.6g %.6g %.6g %zu 1 %d\n", x, m->sum->wall.value, m->sum->wall.lo,
                        m->sum->wall.hi, k, pb_chart_at_least(m, PB_CHART_WALL));
            else
                fprintf(d, "%.4f 1 1 1 %zu 0 0\n", x, k);
        }
}

/* The x axis's label i (pb_chart_slot_axis). */
static const char *prof_name(size_t i, const void *ctx)
{
    const struct bypy *b = ctx;
    return b->prof[i];
}

static void write_axes(const struct bypy *b, FILE *f)
{
    fprintf(f, "\nYMIN = %.6g; YMAX = %.6g; BW = %.3g\n", pow(10, b->lmin), pow(10, b->lmax),
            b->bw * 0.92);
    fprintf(f, "set logscale y\nset yrange [YMIN:YMAX]\nset xrange [-0.6:%g]\n", b->nprof - 0.4);
    pb_chart_log_tics(f, "ytics", pow(10, b->lmin), pow(10, b->lmax));
    fprintf(f, "set mytics 1\nset ytics nomirror\nset grid ytics lc rgb '%s' lw 1 dt 1\n",
            PB_CHART_GRID);
    fprintf(f, "set ylabel 'wall time ÷ wall time without profiler (×, log scale)' "
            "textcolor rgb '%s'\n", PB_CHART_TEXT);
    fprintf(f, "set xlabel 'profiler (sorted by overhead on the first Python)' textcolor rgb '%s'\n",
            PB_CHART_TEXT);
    pb_chart_slot_axis(f, b->nprof, prof_name, b, b->angle);
    fprintf(f, "set key top left reverse Left samplen 1.5 box lc rgb '%s' opaque font ',%g'\n",
            PB_CHART_GRID, b->c.fs * 0.9);
}

static void write_series(const struct bypy *b, FILE *f)
{
    int nseries = 0;

    fprintf(f, "DAT = '%s.dat'\n", b->ch->name);
    for (size_t k = 0; k < b->npy; k++) {
        char title[128];
        snprintf(title, sizeof title, "Python %s", b->py[k]);
        pb_chart_series(f, &nseries);
        fprintf(f, "DAT using 1:($5 == %zu && $6 == 1 ? $2 : NaN):($1-BW/2):($1+BW/2):(1):2 "
                "with boxxyerror fs solid 0.9 noborder lc rgb '%s' title ", k, colors[k % MAX_PY]);
        pb_gp_string(f, title);
    }
    pb_chart_series(f, &nseries);
    fprintf(f, "DAT using 1:($6 == 1 ? $3 : NaN):(0):($4-$3) with vectors "
            "heads size screen 0.004,90 lc rgb '#333333' lw 1 notitle");
    pb_chart_series(f, &nseries);
    fprintf(f, "DAT using 1:($6 == 1 ? $4 : NaN):(($7 == 1 ? '≥' : '').fmt($2)) with labels "
            "center offset 0,0.8 "
            "font ',%g' textcolor rgb '%s' notitle", b->c.fs * (b->npy > 2 ? 0.7 : 0.85), PB_CHART_TEXT);
    pb_chart_series(f, &nseries);
    fprintf(f, "DAT using 1:($6 == 0 ? 1 : NaN):('–') with labels center offset 0,0.6 "
            "textcolor rgb '%s' notitle\n", PB_CHART_FAINT);
}

int pb_chart_python(FILE *f, FILE *d, const struct pb_summary_set *set, const struct pb_chart *ch,
                    const struct pb_chart_canvas *c)
{
    struct bypy b;

    memset(&b, 0, sizeof b);
    b.set = set;
    b.ch = ch;
    b.c = *c;
    collect(&b);
    if (!b.npy || !b.nprof)
        return 0;
    layout(&b);
    write_data(&b, d);
    pb_chart_head(f, set, ch, &b.c, b.sub, b.nsub);
    write_axes(&b, f);
    write_series(&b, f);
    pb_chart_tail(f, ch, &b.c);
    return 0;
}
