/*
 * chart_heat: overhead per workload. A profiler x workload grid of wall
 * time ratios, coloured on a log scale, with each profiler's geometric
 * mean in a last column; failed and timed-out cells are hatched and say
 * so, means that leave workloads out or are lower bounds are marked.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "output/chart.h"
#include "util/text.h"

/* Cell states in the .dat file (column 5), read by the script's cell()
 * function to choose the text. */
enum cell { CELL_OK, CELL_PARTIAL, CELL_FAILED, CELL_TIMEOUT, CELL_NOT_RUN, CELL_ABSENT,
            CELL_MEAN_EXCL, CELL_MEAN_BOUND, CELL_MEAN_BOUND_EXCL };

struct heat {
    const struct pb_summary_set *set;
    const struct pb_chart *ch;
    struct pb_chart_canvas c;
    size_t n, m;                /* profilers (rows), workloads (columns) */
    double xmean;               /* x of the geomean column, after a gap */
    double name_px, wl_px;      /* widest profiler and workload labels */
    double cbmax;               /* top of the colour scale, in decades */
    double angle;               /* workload label rotation */
    double fsc;                 /* cell text size */
    int two_lines;              /* a timed-out cell says so on a second line */
    int multi, any_partial, any_excl, any_bound, any_hatch, excl_timeout;
    char sub[8][PB_CHART_LINE_MAX];
    int nsub;
    int nstate[CELL_MEAN_BOUND_EXCL + 1];
};

/* A row's label: the profiler, with its run when several are merged. */
static void row_label(const struct heat *h, const struct pb_merged_profiler *p, char *lab,
                      size_t n)
{
    if (h->multi)
        snprintf(lab, n, "%s [%zu]", p->name, p->run + 1);
    else
        snprintf(lab, n, "%s", p->name);
}

/* 1 when a profiler's mean leaves some of its workloads out. */
static int mean_excludes(const struct pb_merged_profiler *p)
{
    return p->pairs_failed || p->pairs_timeout > p->pairs_at_bound || p->pairs_not_run;
}

/* The labels' widths, the colour range and what the notes must explain. */
static void scan(struct heat *h)
{
    double cmax = 1;

    for (size_t i = 0; i < h->n; i++) {
        const struct pb_merged_profiler *p = &h->set->profilers[i];
        char lab[600];

        row_label(h, p, lab, sizeof lab);
        h->name_px = fmax(h->name_px, pb_chart_text_px(lab, h->c.fs));
        if (pb_ratio_known(&p->sum->wall))
            cmax = fmax(cmax, p->sum->wall.value);
        for (size_t w = 0; w < h->m; w++) {
            const struct pb_pair *pr = p->pairs[w];
            if (pr && pb_ratio_known(&pr->wall) && pr->status != PB_PAIR_TIMEOUT)
                cmax = fmax(cmax, pr->wall.value);
            if (pr && pr->status == PB_PAIR_PARTIAL)
                h->any_partial = 1;
            if (pr && (pr->status == PB_PAIR_FAILED || pr->status == PB_PAIR_TIMEOUT))
                h->any_hatch = 1;
        }
        if (pb_ratio_known(&p->sum->wall)) {
            h->any_excl |= mean_excludes(p);
            h->excl_timeout |= p->pairs_timeout > p->pairs_at_bound;
            h->any_bound |= pb_chart_at_least(p, PB_CHART_WALL);
        }
    }
    for (size_t w = 0; w < h->m; w++)
        h->wl_px = fmax(h->wl_px, pb_chart_text_px(h->set->workloads[w], h->c.fs));
    h->wl_px = fmax(h->wl_px, pb_chart_text_px("geo. mean", h->c.fs));
    /* Colours span at least 1x..10x so a run of cheap profilers does not
     * paint 1.3x dark red. */
    h->cbmax = fmax(1.0, log10(cmax));
}

static void subtitle(struct heat *h)
{
    char text[2048];

    snprintf(text, sizeof text, "Wall time with the profiler ÷ wall time without it, "
             "per workload (medians), and the geometric mean over workloads. "
             "Colour: log scale.%s%s%s%s",
             h->any_hatch ? " Hatched: failed, or timed out (grey, ≥ lower bound)." : "",
             h->any_partial ? " *: some runs failed, value from the rest." : "",
             h->any_bound ? " ≥ mean: timed-out workloads counted at their lower bound." : "",
             !h->any_excl ? "" : h->excl_timeout ? " †: mean without the failed or timed-out "
             "workloads." : " †: mean without the failed workloads.");
    h->nsub = pb_chart_wrap(text, h->c.fs, h->c.w - 28, h->sub, 5);
    if (h->multi && h->nsub < 8)
        snprintf(h->sub[h->nsub++], PB_CHART_LINE_MAX, "[n]: the results directory (run n) "
                 "the row comes from, normalized to that run's own baseline. –: not measured "
                 "in that run.");
}

/* Margins, cell size, workload label rotation and the cell text size. */
static void layout(struct heat *h)
{
    struct pb_chart_canvas *c = &h->c;
    double colw, rowh, rotated_h, widest = pb_chart_text_px("≥1000× timed out", c->fs);

    c->lm = 14 + pb_chart_line_px(c->fs) * 1.3 + h->name_px + 14;
    c->rm = 18 + 22 + 8 + pb_chart_text_px("1000×", c->fs) + 8
            + pb_chart_line_px(c->fs) * 1.3 + 10;
    c->tm = pb_chart_title_px(c, h->nsub) + 4;
    colw = (c->w - c->lm - c->rm) / (h->m + 1.3);
    if (h->wl_px > colw * 0.92)
        h->angle = pb_chart_tick_angle(colw, c->fs);
    rotated_h = pb_chart_tick_height(h->wl_px, h->angle, c->fs);
    c->bm = pb_chart_footer_px(c) + pb_chart_line_px(c->fs) * 1.5 + rotated_h + 12;
    /* A few profilers or workloads should not make huge cells: the plot
     * keeps its place under the title and gives the rest up. */
    if (pb_chart_plot_h(c) / fmax(1, h->n) > pb_chart_line_px(c->fs) * 5)
        c->bm += pb_chart_plot_h(c) - pb_chart_line_px(c->fs) * 5 * h->n;
    if (colw > 1.6 * widest) {
        c->rm += (colw - 1.6 * widest) * (h->m + 1.3);
        colw = (c->w - c->lm - c->rm) / (h->m + 1.3);
    }
    rowh = pb_chart_plot_h(c) / fmax(1, h->n);

    /* Cell text: shrink until "timed out" fits the column, then decide
     * whether two lines fit the row. */
    h->fsc = c->fs * 0.95;
    while (h->fsc > 6 && pb_chart_text_px("timed out", h->fsc) > colw * 0.9)
        h->fsc -= 0.5;
    h->two_lines = rowh >= 2 * pb_chart_line_px(h->fsc) + 4;
    if (!h->two_lines)
        while (h->fsc > 6 && pb_chart_line_px(h->fsc) > rowh * 0.8)
            h->fsc -= 0.5;
}

/* The state of cell (profiler p, workload w); w == m is the mean. */
static enum cell cell_state(const struct pb_merged_profiler *p, size_t w, size_t m, double v)
{
    const struct pb_pair *pr = w < m ? p->pairs[w] : NULL;
    enum cell st;

    if (w == m) {
        int excl = mean_excludes(p);
        if (isnan(v))
            return CELL_FAILED;
        if (pb_chart_at_least(p, PB_CHART_WALL))
            return excl ? CELL_MEAN_BOUND_EXCL : CELL_MEAN_BOUND;
        return excl ? CELL_MEAN_EXCL : CELL_OK;
    }
    if (!pr)
        return CELL_ABSENT;
    switch (pr->status) {
    case PB_PAIR_OK: st = CELL_OK; break;
    case PB_PAIR_PARTIAL: st = CELL_PARTIAL; break;
    case PB_PAIR_TIMEOUT: st = CELL_TIMEOUT; break;
    case PB_PAIR_NOT_RUN: st = CELL_NOT_RUN; break;
    default: st = CELL_FAILED; break;
    }
    if (isnan(v) && (st == CELL_OK || st == CELL_PARTIAL || st == CELL_TIMEOUT))
        st = CELL_FAILED;
    return st;
}

/* One row of the .dat file: cell (profiler i, workload w). */
static void write_cell(struct heat *h, FILE *d, size_t i, size_t w)
{
    const struct pb_merged_profiler *p = &h->set->profilers[i];
    const struct pb_pair *pr = w < h->m ? p->pairs[w] : NULL;
    const struct pb_ratio *r = w < h->m ? (pr ? &pr->wall : NULL) : &p->sum->wall;
    double v = r && pb_ratio_known(r) ? r->value : NAN, col;
    enum cell st = cell_state(p, w, h->m, v);
    unsigned tc;

    col = isnan(v) || st == CELL_TIMEOUT ? NAN : fmin(h->cbmax, fmax(0, log10(v)));
    tc = (!isnan(col) && col > h->cbmax * 0.58) ? 0xffffff : 0x222222;
    if (st == CELL_FAILED)
        tc = 0x8c2a20;
    else if (st == CELL_TIMEOUT)
        tc = 0xffffff;
    else if (st == CELL_NOT_RUN || st == CELL_ABSENT)
        tc = 0x777777;
    fprintf(d, "%.3g %g ", w < h->m ? (double)w : h->xmean, (double)(h->n - 1 - i));
    /* No NaN in this file: gnuplot skips a row when a column it reads is
     * not a number, and the state column decides. */
    fprintf(d, "%.6g %.6g", isnan(v) ? 0 : v, isnan(col) ? -1 : col);
    fprintf(d, " %d %u\n", (int)st, tc);
    h->nstate[st]++;
}

/* The .dat file: one row per cell, counting the cells of each state. */
static void write_data(struct heat *h, FILE *d)
{
    fprintf(d, "# pbench data for %s.gp: one row per cell\n", h->ch->name);
    fprintf(d, "# x y value colour(log10, -1: none) state text_colour\n");
    fprintf(d, "# state: 0 ok, 1 partial, 2 failed, 3 timed out (value = lower bound), "
            "4 not run, 5 not in its run, 6 mean without some workloads,\n"
            "#   7 mean with timed-out workloads at their lower bound (a lower bound), "
            "8 both 6 and 7\n");
    for (size_t i = 0; i < h->n; i++) {
        fprintf(d, "# row %zu: ", i);
        pb_chart_dat_name(d, h->set->profilers[i].name);
        fputc('\n', d);
        for (size_t w = 0; w <= h->m; w++)
            write_cell(h, d, i, w);
    }
}

/* The colour scale: palette, colour box and its tics. */
static void write_colorbox(const struct heat *h, FILE *f)
{
    static const double t[] = { 1, 1.5, 2, 3, 5, 10, 20, 50, 100, 200, 500, 1000, 2000,
                                5000, 10000 };
    const struct pb_chart_canvas *c = &h->c;
    double cbmax = h->cbmax;
    int first = 1;

    fprintf(f, "set cbrange [0:%g]\n", cbmax);
    fprintf(f, "set palette defined (0 '#fffbe6', %g '#fde7a3', %g '#fdb15e', %g '#f0703b', "
            "%g '#c8283a', %g '#7a0a35')\n", cbmax * 0.1, cbmax * 0.25, cbmax * 0.45,
            cbmax * 0.7, cbmax);
    fprintf(f, "set colorbox user origin screen %.5f, screen %.5f size screen %.5f, screen %.5f "
            "noborder\n", (c->w - c->rm + 18) / c->w, c->bm / c->h, 22.0 / c->w,
            pb_chart_plot_h(c) / c->h);
    fprintf(f, "set cbtics (");
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
        double lv = log10(t[i]);
        if (lv > cbmax + 1e-9)
            break;
        if (cbmax > 1.5 && (t[i] == 1.5 || t[i] == 3))
            continue;
        fprintf(f, "%s'%g×' %.5f", first ? "" : ", ", t[i], lv);
        first = 0;
    }
    fprintf(f, ") scale 0.5 textcolor rgb '%s'\n", PB_CHART_TEXT);
    fprintf(f, "set cblabel 'wall time ÷ without profiler (×, log scale)' offset %.1f,0 "
            "textcolor rgb '%s'\n",
            pb_chart_text_px("1000×", c->fs) / pb_chart_text_px("0", c->fs) * 0.35,
            PB_CHART_TEXT);
}

/* Ranges, the colour scale, axis labels, tics and the cell text
 * functions. */
static void write_axes(const struct heat *h, FILE *f)
{
    fprintf(f, "\nCW = 0.475; CH = 0.45    # half a cell: the gaps between cells are white\n");
    fprintf(f, "TX_NONE = '#f0f0f0'; TX_TIMEOUT = '#5c5c5c'   # cells without a value; timed out\n");
    fprintf(f, "# Text boxes in the cell colour keep the hatching from running through the text.\n");
    fprintf(f, "set style textbox 2 opaque fc rgb TX_NONE noborder margins 2,1\n");
    fprintf(f, "set style textbox 3 opaque fc rgb TX_TIMEOUT noborder margins 2,1\n");
    fprintf(f, "set xrange [-0.5:%g]\nset yrange [-0.5:%g]\n", h->xmean + 0.5, h->n - 0.5);
    write_colorbox(h, f);
    fprintf(f, "set xlabel 'workload' textcolor rgb '%s'\n", PB_CHART_TEXT);
    fprintf(f, "set ylabel 'profiler (sorted by mean overhead)' textcolor rgb '%s'\n",
            PB_CHART_TEXT);
    fprintf(f, "set border 0\nset tics scale 0\n");
    fprintf(f, "set xtics nomirror");
    if (h->angle > 0)
        fprintf(f, " rotate by %g right", h->angle);
    fprintf(f, " (");
    for (size_t w = 0; w < h->m; w++) {
        pb_gp_string(f, h->set->workloads[w]);
        fprintf(f, " %zu, ", w);
    }
    fprintf(f, "'geo. mean' %g)\n", h->xmean);
    fprintf(f, "set ytics nomirror (");
    for (size_t i = 0; i < h->n; i++) {
        char lab[600];
        row_label(h, &h->set->profilers[i], lab, sizeof lab);
        fprintf(f, "%s", i ? ", " : "");
        pb_gp_string(f, lab);
        fprintf(f, " %zu", h->n - 1 - i);
    }
    fprintf(f, ")\n");
    fprintf(f, "# The text of a cell from its state (column 5) and value (column 3).\n");
    fprintf(f, "cell(st, v) = st == 1 ? fmt(v).'*' : st == 3 || st == 7 ? '≥'.fmt(v) "
            ": st == 6 ? fmt(v).' †' : st == 8 ? '≥'.fmt(v).' †' : fmt(v)\n");
    fprintf(f, "novalue(st) = st == 2 ? 'failed' : st == 4 ? 'not run' : '–'\n");
    fprintf(f, "colored(st) = st == 0 || st == 1 || st >= 6   # a coloured cell\n");
}

/* The plot command: coloured cells, grey cells without a value, hatching
 * over failed and timed-out cells, then the text; only the series that
 * have cells to draw. */
static void write_series(const struct heat *h, FILE *f)
{
    const int *ns = h->nstate;
    int ncol = ns[CELL_OK] + ns[CELL_PARTIAL] + ns[CELL_MEAN_EXCL] + ns[CELL_MEAN_BOUND]
               + ns[CELL_MEAN_BOUND_EXCL];
    int nnone = ns[CELL_FAILED] + ns[CELL_NOT_RUN] + ns[CELL_ABSENT];
    int nto = ns[CELL_TIMEOUT], nseries = 0;
    double fsc = h->fsc;

    fprintf(f, "DAT = '%s.dat'\n", h->ch->name);
    if (ncol) {
        pb_chart_series(f, &nseries);
        fprintf(f, "DAT using 1:(colored($5) ? $2 : NaN):($1-CW):($1+CW):($2-CH):($2+CH):4 "
                "with boxxyerror fs solid 1 noborder lc palette notitle");
    }
    if (nnone) {
        pb_chart_series(f, &nseries);
        fprintf(f, "DAT using 1:(colored($5) || $5 == 3 ? NaN : $2):($1-CW):($1+CW):"
                "($2-CH):($2+CH) with boxxyerror fs solid 1 noborder lc rgb TX_NONE notitle");
    }
    if (ns[CELL_FAILED]) {
        pb_chart_series(f, &nseries);
        fprintf(f, "DAT using 1:($5 == 2 ? $2 : NaN):($1-CW):($1+CW):($2-CH):($2+CH) "
                "with boxxyerror fs transparent pattern 4 noborder lc rgb '#d9a59f' notitle");
    }
    if (nto) {
        pb_chart_series(f, &nseries);
        fprintf(f, "DAT using 1:($5 == 3 ? $2 : NaN):($1-CW):($1+CW):($2-CH):($2+CH) "
                "with boxxyerror fs solid 1 noborder lc rgb TX_TIMEOUT notitle");
        pb_chart_series(f, &nseries);
        fprintf(f, "DAT using 1:($5 == 3 ? $2 : NaN):($1-CW):($1+CW):($2-CH):($2+CH) "
                "with boxxyerror fs transparent pattern 5 noborder lc rgb '#8a8a8a' notitle");
    }
    if (ncol) {
        pb_chart_series(f, &nseries);
        fprintf(f, "DAT using 1:(colored($5) ? $2 : NaN):(cell($5, $3)):6 with labels "
                "center font ',%g' textcolor rgb variable notitle", fsc);
    }
    if (nnone) {
        pb_chart_series(f, &nseries);
        fprintf(f, "DAT using 1:(colored($5) || $5 == 3 ? NaN : $2):(novalue($5)):6 "
                "with labels center boxed bs 2 font ',%g' textcolor rgb variable notitle",
                fsc);
    }
    if (nto && h->two_lines) {
        /* A timed-out cell says so on a second line. */
        pb_chart_series(f, &nseries);
        fprintf(f, "DAT using 1:($5 == 3 ? $2 : NaN):(cell($5, $3)):6 with labels center "
                "boxed bs 3 offset 0,0.5 font ',%g' textcolor rgb variable notitle", fsc);
        pb_chart_series(f, &nseries);
        fprintf(f, "DAT using 1:($5 == 3 ? $2 : NaN):('timed out'):6 with labels center "
                "boxed bs 3 offset 0,-0.55 font ',%g' textcolor rgb variable notitle",
                fsc * 0.9);
    } else if (nto) {
        pb_chart_series(f, &nseries);
        fprintf(f, "DAT using 1:($5 == 3 ? $2 : NaN):(cell($5, $3)):6 with labels center "
                "boxed bs 3 font ',%g' textcolor rgb variable notitle", fsc);
    }
    fprintf(f, "\n");
}

int pb_chart_heat(FILE *f, FILE *d, const struct pb_summary_set *set, const struct pb_chart *ch,
                  const struct pb_chart_canvas *c)
{
    struct heat h = { .set = set, .ch = ch, .c = *c, .n = set->nprofilers,
                      .m = set->nworkloads, .multi = set->nruns > 1 };

    h.xmean = h.m + 0.3;
    scan(&h);
    subtitle(&h);
    layout(&h);
    write_data(&h, d);
    pb_chart_head(f, set, ch, &h.c, h.sub, h.nsub);
    write_axes(&h, f);
    write_series(&h, f);
    pb_chart_tail(f, ch, &h.c);
    return 0;
}
