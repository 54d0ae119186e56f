/*
 * chart_bars: the overhead and memory charts. One bar per profiler,
 * sorted by its mean (wall time or peak RSS, each over the baseline),
 * with its confidence interval; notes above a bar name the workloads its
 * mean leaves out, a hatched column stands for a profiler without any
 * value. Several merged results directories colour the bars by the run
 * each profiler comes from.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "output/chart.h"
#include "util/text.h"

struct bars {
    const struct pb_summary_set *set;
    const struct pb_chart *ch;
    struct pb_chart_canvas c;
    enum pb_chart_measure k;
    size_t n;                   /* profilers */
    size_t *order;              /* indices into set->profilers, in plot order */
    char sub[4][PB_CHART_LINE_MAX];
    int nsub;
    double slot, angle;         /* px per bar; tick label rotation */
    double lmin, lmax;          /* the y range, in decades */
    double fs_val, fs_note;     /* font sizes of the values and notes */
    int nvalues, nnone, multi;
};

struct sort_ctx {
    const struct pb_merged_profiler *profilers;
    enum pb_chart_measure key;
};

/* Orders indices into ctx->profilers by the measure, unknown last
 * (qsort_r: the comparison needs to know which measure). */
static int cmp_by_measure(const void *pa, const void *pb, void *arg)
{
    const struct sort_ctx *ctx = arg;
    const struct pb_merged_profiler *a = &ctx->profilers[*(const size_t *)pa];
    const struct pb_merged_profiler *b = &ctx->profilers[*(const size_t *)pb];
    double va = pb_chart_measure(a, ctx->key)->value, vb = pb_chart_measure(b, ctx->key)->value;

    if (isnan(va) != isnan(vb))
        return isnan(va) ? 1 : -1;
    if (!isnan(va) && va != vb)
        return va < vb ? -1 : 1;
    return strcmp(a->name, b->name);
}

/* The subtitle: what the bars are, how to read them, and a line about
 * colours when several runs are merged. */
static void subtitle(struct bars *b)
{
    const struct pb_summary_set *set = b->set;
    double conf = isnan(set->runs[0]->confidence) ? 95.0 : set->runs[0]->confidence * 100;
    int nw = pb_chart_common_nworkloads(set), any_excl = 0, any_bound = 0, any_none = 0;
    char over[64], text[1024];
    size_t len;

    if (nw > 0)
        snprintf(over, sizeof over, "over %d workloads", nw);
    else
        snprintf(over, sizeof over, "over each profiler's workloads");
    if (b->k == PB_CHART_WALL)
        snprintf(text, sizeof text, "Wall time with the profiler ÷ wall time without it: "
                 "geometric mean %s. Error bars: %.0f%% confidence interval. "
                 "Lower is better; 1× = no overhead.", over, conf);
    else
        snprintf(text, sizeof text, "Peak resident memory (RSS) of the whole process tree "
                 "with the profiler ÷ without it: geometric mean %s. Error bars: %.0f%% "
                 "confidence interval. 1× = no extra memory.", over, conf);
    for (size_t i = 0; i < b->n; i++) {
        const struct pb_merged_profiler *m = &set->profilers[i];
        char nl[4][PB_CHART_LINE_MAX];
        int nb, ne = pb_chart_exclusions(m, b->k, nl, &nb);
        if (pb_ratio_known(pb_chart_measure(m, b->k))) {
            any_excl |= ne > nb;
            any_bound |= nb;
        } else {
            any_none = 1;
        }
    }
    len = strlen(text);
    if (any_excl)
        snprintf(text + len, sizeof text - len, " Red: workloads left out of a mean.");
    len = strlen(text);
    if (any_bound)
        snprintf(text + len, sizeof text - len, " ≥: a lower bound, with timed-out workloads "
                 "counted as %s ÷ %s without the profiler.", b->k == PB_CHART_WALL ? "timeout"
                 : "the peak RSS the killed runs had reached", b->k == PB_CHART_WALL ? "time"
                 : "peak RSS");
    len = strlen(text);
    if (any_none)
        snprintf(text + len, sizeof text - len, " Hatched: no result at all.");
    b->nsub = pb_chart_wrap(text, b->c.fs, b->c.w - 28, b->sub, 3);
    if (b->multi)
        snprintf(b->sub[b->nsub++], PB_CHART_LINE_MAX, "Colours: the results directory each "
                 "profiler comes from (the latest run that has it), normalized to that run's "
                 "own baseline.");
}

/* The notes above profiler m's bar (pb_chart_exclusions), each wider
 * than a slot broken after its count ("≥: 1" over "timed out"), so that
 * it stays over its own bar: at most 8 lines into lines, bound[j] 1 for
 * the lines of the "≥" note. Returns the count. */
static int note_lines(const struct bars *b, const struct pb_merged_profiler *m,
                      char lines[8][PB_CHART_LINE_MAX], int bound[8])
{
    char nl[4][PB_CHART_LINE_MAX];
    int nb, ne = pb_chart_exclusions(m, b->k, nl, &nb), n = 0;

    for (int j = 0; j < ne; j++) {
        const char *d = strpbrk(nl[j], "0123456789");
        const char *sp = d ? strchr(d, ' ') : NULL;
        int is_bound = nb && j == ne - 1;
        if (sp && pb_chart_text_px(nl[j], b->fs_note) > b->slot * 0.95) {
            snprintf(lines[n], PB_CHART_LINE_MAX, "%.*s", (int)(sp - nl[j]), nl[j]);
            bound[n++] = is_bound;
            snprintf(lines[n], PB_CHART_LINE_MAX, "%s", sp + 1);
        } else {
            snprintf(lines[n], PB_CHART_LINE_MAX, "%s", nl[j]);
        }
        bound[n++] = is_bound;
    }
    return n;
}

/* Margins, tick label rotation and the y range: the bars' data range,
 * with room above the tallest bar for its value and notes. */
static void layout(struct bars *b)
{
    const struct pb_summary_set *set = b->set;
    struct pb_chart_canvas *c = &b->c;
    double name_px = 0, lmax_data = log10(1.5), rotated_h, ext_px;
    int max_notes = 0;

    b->lmin = log10(0.9);
    for (size_t i = 0; i < b->n; i++) {
        const struct pb_ratio *r = pb_chart_measure(&set->profilers[i], b->k);
        b->nvalues += pb_ratio_known(r);
        b->nnone += !pb_ratio_known(r);
        if (pb_ratio_known(r)) {
            b->lmin = fmin(b->lmin, log10(fmin(r->lo, r->value)) - 0.02);
            lmax_data = fmax(lmax_data, log10(fmax(r->hi, r->value)));
        }
        name_px = fmax(name_px, pb_chart_text_px(set->profilers[i].name, c->fs));
    }

    /* Tick labels: level when they fit in a slot, else rotated just
     * enough that neighbours clear each other. */
    c->rm = 24;
    c->lm = 14 + pb_chart_line_px(c->fs) * 1.3 + pb_chart_text_px("0.95×", c->fs) + 16;
    b->slot = (c->w - c->lm - c->rm) / fmax(1, b->n);
    if (name_px > b->slot * 0.9)
        b->angle = pb_chart_tick_angle(b->slot, c->fs);
    rotated_h = pb_chart_tick_height(name_px, b->angle, c->fs);
    if (b->angle > 0 && b->angle < 90) {
        /* The first label reaches left of its tic. */
        double reach = pb_chart_text_px(set->profilers[b->order[0]].name, c->fs)
                       * cos(b->angle * M_PI / 180);
        c->lm = fmax(c->lm, reach - b->slot / 2 + 10);
    }
    c->tm = pb_chart_title_px(c, b->nsub) + 6;
    c->bm = pb_chart_footer_px(c) + pb_chart_line_px(c->fs) * 1.4 + rotated_h + 6;

    /* Room above the tallest bar for its value and notes (as broken to
     * fit the slot). */
    for (size_t i = 0; i < b->n; i++) {
        char nl[8][PB_CHART_LINE_MAX];
        int bound[8], ne = note_lines(b, &set->profilers[i], nl, bound);
        if (pb_ratio_known(pb_chart_measure(&set->profilers[i], b->k)) && ne > max_notes)
            max_notes = ne;
    }
    ext_px = pb_chart_line_px(b->fs_val) * 1.6 + max_notes * pb_chart_line_px(b->fs_note) + 6;
    if (b->multi)          /* the legend sits top left */
        ext_px += set->nruns * pb_chart_line_px(c->fs * 0.9) + 10;
    if (ext_px > pb_chart_plot_h(c) * 0.6)
        ext_px = pb_chart_plot_h(c) * 0.6;
    b->lmax = b->lmin + (lmax_data - b->lmin) / (1 - ext_px / pb_chart_plot_h(c));
}

/* The .dat file: one row per profiler in plot order. */
static void write_data(const struct bars *b, FILE *d)
{
    fprintf(d, "# pbench data for %s.gp: one row per profiler, in plot order\n", b->ch->name);
    fprintf(d, "# x  value  lo  hi  colour  has_value  lower_bound (1: the mean is at least value)\n");
    for (size_t i = 0; i < b->n; i++) {
        const struct pb_merged_profiler *m = &b->set->profilers[b->order[i]];
        const struct pb_ratio *r = pb_chart_measure(m, b->k);
        unsigned col = pb_chart_run_rgb(b->multi ? m->run : 0);

        fprintf(d, "# %zu: ", i);
        pb_chart_dat_name(d, m->name);
        fputc('\n', d);
        /* No NaN: the last column says whether there is a value. */
        if (pb_ratio_known(r))
            fprintf(d, "%zu %.6g %.6g %.6g %u 1 %d\n", i, r->value, r->lo, r->hi, col,
                    pb_chart_at_least(m, b->k));
        else
            fprintf(d, "%zu 1 1 1 %u 0 0\n", i, col);
    }
}

/* Ranges, tics, axis labels and the 1× line. */
/* The x axis's label i (pb_chart_slot_axis). */
static const char *bar_name(size_t i, const void *ctx)
{
    const struct bars *b = ctx;
    return b->set->profilers[b->order[i]].name;
}

static void write_axes(const struct bars *b, FILE *f)
{
    const struct pb_chart_canvas *c = &b->c;
    int wall = b->k == PB_CHART_WALL;

    fprintf(f, "\nYMIN = %.6g; YMAX = %.6g; BW = %.3g\n", pow(10, b->lmin), pow(10, b->lmax),
            fmin(0.62, pb_chart_text_px("memory_pro", c->fs) / b->slot));
    fprintf(f, "set style textbox 2 opaque fc rgb '#ffffff' noborder margins 3,3\n");
    fprintf(f, "set logscale y\nset yrange [YMIN:YMAX]\n");
    fprintf(f, "set xrange [-0.6:%g]\n", b->n - 0.4);
    pb_chart_log_tics(f, "ytics", pow(10, b->lmin), pow(10, b->lmax));
    fprintf(f, "set mytics 1\nset ytics nomirror\n");
    fprintf(f, "set grid ytics lc rgb '%s' lw 1 dt 1\n", PB_CHART_GRID);
    fprintf(f, "set ylabel %s offset %g,0 textcolor rgb '%s'\n",
            wall ? "'wall time ÷ wall time without profiler (×, log scale)'"
                 : "'peak RSS ÷ peak RSS without profiler (×, log scale)'",
            0.0, PB_CHART_TEXT);
    fprintf(f, "set xlabel %s offset 0,%g textcolor rgb '%s'\n",
            wall ? "'profiler (sorted by overhead)'" : "'profiler (sorted by memory overhead)'",
            0.0, PB_CHART_TEXT);
    /* the profilers, and the 1x line, labelled at its right end */
    pb_chart_slot_axis(f, b->n, bar_name, b, b->angle);
}

/* What a profiler without any value says in its hatched column. */
static void no_result_text(const struct pb_summary_set *set, const struct pb_merged_profiler *m,
                           char *text, size_t size)
{
    int np = pb_chart_npairs(set, m);

    if (m->pairs_timeout == np && np > 0)
        snprintf(text, size, "timed out on all %d workloads", np);
    else if (m->pairs_failed == np && np > 0)
        snprintf(text, size, "failed on all %d workloads", np);
    else if (np == 0)
        snprintf(text, size, "no results");
    else
        snprintf(text, size, "no result (%d failed, %d timed out)", m->pairs_failed,
                 m->pairs_timeout);
}

/* Notes above bars whose means leave workloads out, and the columns of
 * profilers without any value. */
static void write_notes(const struct bars *b, FILE *f)
{
    const struct pb_chart_canvas *c = &b->c;
    char lines[8][PB_CHART_LINE_MAX], text[1024];
    int tag = 200, bound[8];

    for (size_t i = 0; i < b->n; i++) {
        const struct pb_merged_profiler *m = &b->set->profilers[b->order[i]];
        const struct pb_ratio *r = pb_chart_measure(m, b->k);
        int ne = note_lines(b, m, lines, bound);

        if (pb_ratio_known(r)) {
            /* the "≥" note is last, just above the value: it is about it */
            for (int j = 0; j < ne; j++) {
                fprintf(f, "set label %d ", tag++);
                pb_gp_string(f, lines[j]);
                fprintf(f, " at %zu, first %.6g center offset 0,%.2f font ',%g' "
                        "textcolor rgb '%s'\n", i, fmax(r->hi, r->value),
                        0.8 + 1.25 * (b->fs_val / c->fs)
                            + (ne - 1 - j) * 1.1 * (b->fs_note / c->fs) + 0.25,
                        b->fs_note, bound[j] ? PB_CHART_BOUND : PB_CHART_WARN);
            }
        } else {
            no_result_text(b->set, m, text, sizeof text);
            fprintf(f, "set label %d ", tag++);
            pb_gp_string(f, text);
            fprintf(f, " at %zu, first YMIN rotate by 90 left offset 0,1 boxed bs 2 font ',%g' "
                    "textcolor rgb '%s' front\n", i, c->fs, PB_CHART_WARN);
        }
    }
}

/* The plot command: hatched columns, bars, error bars, values, and for
 * several runs one invisible series per run for the legend. */
static void write_series(const struct bars *b, FILE *f)
{
    const struct pb_summary_set *set = b->set;
    int nseries = 0;

    if (b->multi) {
        fprintf(f, "set key top left reverse Left samplen 1.5 width -4 box lc rgb '%s' "
                "opaque font ',%g'\n", PB_CHART_GRID, b->c.fs * 0.9);
    }
    fprintf(f, "# Column 6 says whether a profiler has a value; without one its column is "
            "hatched.\n# Column 7: 1 when the value is a lower bound (shown with ≥).\n");
    fprintf(f, "DAT = '%s.dat'\n", b->ch->name);
    if (b->nnone) {
        pb_chart_series(f, &nseries);
        fprintf(f, "DAT using 1:($6 == 1 ? NaN : YMAX):($1-BW/2):($1+BW/2):(YMIN):(YMAX) "
                "with boxxyerror lc rgb '#c8c8c8' fs transparent pattern 4 border notitle");
    }
    if (b->nvalues) {
        pb_chart_series(f, &nseries);
        fprintf(f, "DAT using 1:($6 == 1 ? $2 : NaN):($1-BW/2):($1+BW/2):(1):2:5 with boxxyerror "
                "fs solid 0.9 noborder lc rgb variable notitle");
        pb_chart_series(f, &nseries);
        fprintf(f, "DAT using 1:($6 == 1 ? $3 : NaN):(0):($4-$3) with vectors "
                "heads size screen 0.006,90 lc rgb '#333333' lw 1.2 notitle");
        pb_chart_series(f, &nseries);
        fprintf(f, "DAT using 1:($6 == 1 ? $4 : NaN):(($7 == 1 ? '≥' : '').fmt($2)) with labels "
                "center offset 0,0.9 font ',%g' textcolor rgb '%s' notitle", b->fs_val,
                PB_CHART_TEXT);
    }
    for (size_t r = 0; b->multi && r < set->nruns; r++) {
        char lab[512];
        int used = 0;
        for (size_t i = 0; i < b->n; i++)
            used |= set->profilers[i].run == r;
        if (!used)
            continue;
        pb_chart_run_label(set, r, lab, sizeof lab);
        pb_chart_series(f, &nseries);
        fprintf(f, "NaN with boxes fs solid 0.9 noborder lc rgb '%s' title ",
                pb_chart_run_color(r));
        pb_gp_string(f, lab);
    }
    fprintf(f, "\n");
}

static int chart_bars(FILE *f, FILE *d, const struct pb_summary_set *set,
                      const struct pb_chart *ch, const struct pb_chart_canvas *c,
                      enum pb_chart_measure k)
{
    struct bars b = { .set = set, .ch = ch, .c = *c, .k = k, .n = set->nprofilers,
                      .fs_val = c->fs, .fs_note = c->fs * 0.85, .multi = set->nruns > 1 };
    struct sort_ctx ctx = { set->profilers, k };

    b.order = calloc(b.n + 1, sizeof *b.order);
    if (!b.order)
        return -1;
    for (size_t i = 0; i < b.n; i++)
        b.order[i] = i;
    qsort_r(b.order, b.n, sizeof *b.order, cmp_by_measure, &ctx);

    subtitle(&b);
    layout(&b);
    write_data(&b, d);
    pb_chart_head(f, set, ch, &b.c, b.sub, b.nsub);
    write_axes(&b, f);
    write_notes(&b, f);
    write_series(&b, f);
    pb_chart_tail(f, ch, &b.c);
    free(b.order);
    return 0;
}

int pb_chart_overhead(FILE *f, FILE *d, const struct pb_summary_set *set,
                      const struct pb_chart *ch, const struct pb_chart_canvas *c)
{
    return chart_bars(f, d, set, ch, c, PB_CHART_WALL);
}

int pb_chart_memory(FILE *f, FILE *d, const struct pb_summary_set *set,
                    const struct pb_chart *ch, const struct pb_chart_canvas *c)
{
    return chart_bars(f, d, set, ch, c, PB_CHART_MEM);
}
