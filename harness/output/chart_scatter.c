/*
 * chart_scatter: CPU time against wall time. One point per profiler with
 * both means (each over the baseline, log scale on both axes, the same
 * range so the diagonal is CPU = wall), with their intervals as error
 * bars. Profiler names are placed clear of the points, bars, captions and
 * each other (place_label), with a thin leader line when a name sits
 * away from its point.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "output/chart.h"
#include "util/text.h"

struct rect {
    double x0, y0, x1, y1;              /* pixels, y down */
};

struct placed {
    struct rect box;
    int leader;
};

/* Which profilers are points, and what the subtitle says about the
 * others. */
struct notes {
    char missing[1600];         /* "name (why)": no point */
    char excl[1600];            /* "name (2 timed out, ...)": a mean leaves workloads out */
    char same[1600];            /* wall means recomputed over the CPU mean's workloads */
    int nsame;
    char bound[1600];           /* points whose both means are lower bounds */
    int nbound;
};

struct scatter {
    const struct pb_summary_set *set;
    const struct pb_chart *ch;
    struct pb_chart_canvas c;
    size_t n;                   /* profilers */
    int multi;
    struct pb_ratio *wall;      /* per profiler: the wall mean a point shows */
    size_t *pts, npts;          /* the profilers that are points */
    struct rect *obs;           /* obstacles: points, error bars, captions, key, labels */
    size_t nobs;
    struct placed *lab;         /* per point: its name's box */
    struct rect area, key;      /* where labels may go; the legend (several runs) */
    double l0, l1;              /* both axes' range, in decades */
    double pw, ph;              /* plot area, pixels */
    double fsl;                 /* label font size */
    char sub[8][PB_CHART_LINE_MAX];
    int nsub;
    char captions[4096];        /* the script's lines for labels 121-123 */
};

/* ---- pixels and values ---- */

static double xpx(const struct scatter *s, double v)
{
    return s->c.lm + (log10(v) - s->l0) / (s->l1 - s->l0) * s->pw;
}

static double ypx(const struct scatter *s, double v)
{
    return s->c.h - s->c.bm - (log10(v) - s->l0) / (s->l1 - s->l0) * s->ph;
}

static double xval(const struct scatter *s, double px)
{
    return pow(10, s->l0 + (px - s->c.lm) / s->pw * (s->l1 - s->l0));
}

static double yval(const struct scatter *s, double py)
{
    return pow(10, s->l0 + (s->c.h - s->c.bm - py) / s->ph * (s->l1 - s->l0));
}

/* ---- label placement ---- */

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

/* The w x h box a label gets at (ax, ay), a distance from its point in
 * direction (dx, dy): beside, above or below it. */
static struct rect box_at(double ax, double ay, double dx, double dy, double w, double h)
{
    struct rect r;

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
    return r;
}

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
            struct rect r = box_at(px + dx * dist[di], py + dy * dist[di], dx, dy, w, h);
            int hits = 0;
            double lx, ly;

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

/* ---- which profilers are points ---- */

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

/* 1 when both of p's means are lower bounds over the same workloads
 * (timed-out ones at their bound): its point is marked "≥". */
static int bound_point(const struct pb_merged_profiler *p)
{
    return pb_chart_at_least(p, PB_CHART_WALL) && pb_chart_at_least(p, PB_CHART_CPU);
}

/* The name a point is labelled with: "≥ name" for a bound. */
static void point_name(const struct pb_merged_profiler *p, char *buf, size_t n)
{
    snprintf(buf, n, "%s%s", bound_point(p) ? "≥ " : "", p->name);
}

/* Appends name to buf, ", "-separated. */
static void append_name(char *buf, size_t size, const char *name)
{
    size_t len = strlen(buf);

    snprintf(buf + len, size - len, "%s%s", len ? ", " : "", name);
}

/* Appends "name (note, note)" to buf, ", "-separated. */
static void append_excluded(char *buf, size_t size, const char *name,
                            char nl[][PB_CHART_LINE_MAX], int ne)
{
    size_t len = strlen(buf);

    snprintf(buf + len, size - len, "%s%s (", len ? ", " : "", name);
    for (int j = 0; j < ne; j++) {
        len = strlen(buf);
        snprintf(buf + len, size - len, "%s%s", j ? ", " : "", nl[j]);
    }
    len = strlen(buf);
    snprintf(buf + len, size - len, ")");
}

/* The wall mean of each profiler's point, which profilers are points,
 * the axes' range, and the notes on the rest. */
static void collect(struct scatter *s, struct notes *nt)
{
    double lo = 1, hi = 2;

    for (size_t i = 0; i < s->n; i++) {
        const struct pb_merged_profiler *p = &s->set->profilers[i];
        char nl[4][PB_CHART_LINE_MAX];
        int nb, ne = pb_chart_exclusions(p, PB_CHART_CPU, nl, &nb);

        s->wall[i] = p->sum->wall;
        if (pb_chart_at_least(p, PB_CHART_WALL) && !pb_chart_at_least(p, PB_CHART_CPU)) {
            /* A point compares CPU and wall over the same workloads: an
             * older summary's CPU mean has no timed-out ones, so this
             * wall mean must not have them either. Its point value is the
             * geometric mean of the pairs' ratios (as the writer computes
             * it); the interval cannot be had without the runs. */
            s->wall[i] = finished_wall_mean(s->set, p);
            if (pb_ratio_known(&s->wall[i])) {
                append_name(nt->same, sizeof nt->same, p->name);
                nt->nsame++;
            }
        }
        if (pb_ratio_known(&s->wall[i]) && pb_ratio_known(&p->sum->cpu)) {
            s->pts[s->npts++] = i;
            lo = fmin(lo, fmin(s->wall[i].lo, p->sum->cpu.lo));
            hi = fmax(hi, fmax(s->wall[i].hi, p->sum->cpu.hi));
            if (ne > nb)        /* the "≥" note is no exclusion: said apart */
                append_excluded(nt->excl, sizeof nt->excl, p->name, nl, ne - nb);
            if (bound_point(p)) {
                append_name(nt->bound, sizeof nt->bound, p->name);
                nt->nbound++;
            }
        } else {
            size_t len = strlen(nt->missing);
            snprintf(nt->missing + len, sizeof nt->missing - len, "%s%s (%s)",
                     len ? ", " : "", p->name, ne ? nl[0] : "no CPU or wall mean");
        }
    }
    /* The same range on both axes so the diagonal is y = x. */
    s->l0 = log10(lo) - 0.06;
    s->l1 = log10(hi) + 0.08;
}

static void subtitle(struct scatter *s, const struct notes *nt)
{
    int nw = pb_chart_common_nworkloads(s->set);
    char over[64], text[4096];

    if (nw > 0)
        snprintf(over, sizeof over, "%d workloads", nw);
    else
        snprintf(over, sizeof over, "each profiler's workloads");
    snprintf(text, sizeof text, "CPU time (user + sys, whole process tree) with the profiler "
             "÷ without it, against the same for wall time; geometric means over %s. "
             "Above the diagonal a profiler burns CPU in parallel with the program "
             "(a sampler on another core, a helper process).", over);
    if (nt->missing[0]) {
        size_t len = strlen(text);
        snprintf(text + len, sizeof text - len, " Not shown, no result: %.1500s.", nt->missing);
    }
    if (nt->excl[0]) {
        size_t len = strlen(text);
        snprintf(text + len, sizeof text - len, " Means leave out: %.1500s.", nt->excl);
    }
    if (nt->bound[0]) {
        size_t len = strlen(text);
        snprintf(text + len, sizeof text - len, " ≥ %.1500s: timed out on some workloads; "
                 "both %s count them at their lower bound (the timeout, the CPU time used "
                 "when killed), so the true point is at least this far right and up.",
                 nt->bound, nt->nbound > 1 ? "means of each" : "means");
    }
    if (nt->same[0]) {
        size_t len = strlen(text);
        int several = nt->nsame > 1;
        snprintf(text + len, sizeof text - len, " %.1500s: wall %s over the same workloads "
                 "as %s CPU %s (no interval); the overhead chart's ≥ %s also %s the "
                 "timed-out ones.", nt->same, several ? "means" : "mean",
                 several ? "their" : "its", several ? "means" : "mean",
                 several ? "means" : "mean", several ? "count" : "counts");
    }
    s->nsub = pb_chart_wrap(text, s->c.fs, s->c.w - 28, s->sub, 6);
}

/* ---- layout ---- */

static void layout(struct scatter *s)
{
    struct pb_chart_canvas *c = &s->c;

    c->lm = 14 + pb_chart_line_px(c->fs) * 1.3 + pb_chart_text_px("0.95×", c->fs) + 16;
    c->rm = 28;
    c->tm = pb_chart_title_px(c, s->nsub) + 6;
    c->bm = pb_chart_footer_px(c) + pb_chart_line_px(c->fs) * 2.6 + 14;
    s->pw = pb_chart_plot_w(c);
    s->ph = pb_chart_plot_h(c);
    s->area = (struct rect){ c->lm + 4, c->tm + 4, c->w - c->rm - 4, c->h - c->bm - 4 };
}

/* Obstacles: the points (first, obs[k] for point k), then their error
 * bars (obs[npts + 2k] and obs[npts + 2k + 1]). */
static void point_obstacles(struct scatter *s)
{
    for (size_t k = 0; k < s->npts; k++) {
        const struct pb_merged_profiler *p = &s->set->profilers[s->pts[k]];
        double x = xpx(s, s->wall[s->pts[k]].value), y = ypx(s, p->sum->cpu.value);
        s->obs[s->nobs++] = (struct rect){ x - 7, y - 7, x + 7, y + 7 };
    }
    for (size_t k = 0; k < s->npts; k++) {
        const struct pb_merged_profiler *p = &s->set->profilers[s->pts[k]];
        const struct pb_ratio *w = &s->wall[s->pts[k]];
        double x = xpx(s, w->value), y = ypx(s, p->sum->cpu.value);
        s->obs[s->nobs++] = (struct rect){ xpx(s, w->lo) - 2, y - 4, xpx(s, w->hi) + 2, y + 4 };
        s->obs[s->nobs++] = (struct rect){ x - 4, ypx(s, p->sum->cpu.hi) - 2,
                                           x + 4, ypx(s, p->sum->cpu.lo) + 2 };
    }
}

/* The diagonal's caption, drawn rotated just above the line: the first
 * free spot along it, outwards from 0.7 of the way up (0.7, 0.72, 0.68,
 * 0.74, ...). Returns that fraction; adds the caption's box (the rotated
 * text's bounding box, lifted by the offset) to the obstacles. */
static double diagonal_caption(struct scatter *s, double fsr)
{
    const struct pb_chart_canvas *c = &s->c;
    double lw = pb_chart_text_px("CPU = wall", fsr), lh = pb_chart_line_px(fsr);
    double a = atan2(s->ph, s->pw);
    double bw = lw * cos(a) + lh * sin(a), bh = lw * sin(a) + lh * cos(a);
    double best_t = 0.7, x, y;

    for (int i = 0; i < 40; i++) {
        double t = 0.7 + (i % 2 ? -1 : 1) * ((i + 1) / 2) * 0.02;
        double tx = c->lm + t * s->pw, ty = c->h - c->bm - t * s->ph - lh * 0.7;
        struct rect r = { tx - bw / 2, ty - bh / 2, tx + bw / 2, ty + bh / 2 };
        int free_spot = t > 0.05 && t < 0.95;
        for (size_t o = 0; o < s->nobs && free_spot; o++)
            free_spot = !overlaps(&r, &s->obs[o]);
        if (free_spot) {
            best_t = t;
            break;
        }
    }
    x = c->lm + best_t * s->pw;
    y = c->h - c->bm - best_t * s->ph;
    s->obs[s->nobs++] = (struct rect){ x - bw / 2, y - lh * 0.7 - bh / 2, x + bw / 2,
                                       y - lh * 0.7 + bh / 2 };
    return best_t;
}

/* The legend (several runs), the captions of the two regions and of the
 * diagonal: their boxes become obstacles, their script lines go to
 * s->captions. */
static void captions(struct scatter *s)
{
    const struct pb_chart_canvas *c = &s->c;
    const char *above = "more CPU than wall time: work in parallel";
    const char *below = "less CPU than wall time: the program waits";
    double fsr = c->fs * 0.9, bottom = c->h - c->bm - 8, t, x, y;

    if (s->multi) {
        double kw = 0, kh = s->set->nruns * pb_chart_line_px(c->fs * 0.9) + 10;
        char lb[512];
        for (size_t r = 0; r < s->set->nruns; r++) {
            pb_chart_run_label(s->set, r, lb, sizeof lb);
            kw = fmax(kw, pb_chart_text_px(lb, c->fs * 0.9) + 50);
        }
        s->key = (struct rect){ c->w - c->rm - 8 - kw, bottom - kh, c->w - c->rm - 8, bottom };
        s->obs[s->nobs++] = s->key;
        bottom -= kh + 6;
    }
    s->obs[s->nobs++] = (struct rect){ c->lm + 10, c->tm + 10,
                                       c->lm + 10 + pb_chart_text_px(above, fsr),
                                       c->tm + 10 + pb_chart_line_px(fsr) };
    s->obs[s->nobs++] = (struct rect){ c->w - c->rm - 10 - pb_chart_text_px(below, fsr),
                                       bottom - pb_chart_line_px(fsr), c->w - c->rm - 10,
                                       bottom };
    t = diagonal_caption(s, fsr);
    x = c->lm + t * s->pw;
    y = c->h - c->bm - t * s->ph;
    snprintf(s->captions, sizeof s->captions,
             "set label 121 'CPU = wall' at %.6g, %.6g center rotate by %.1f "
             "offset 0,0.7 font ',%g' textcolor rgb '%s'\n"
             "set label 122 '%s' at graph 0.015, graph 0.985 left offset 0,-0.6 "
             "font ',%g' textcolor rgb '#a35a16'\n"
             "set label 123 '%s' at screen %.5f, screen %.5f right offset 0,0.6 "
             "font ',%g' textcolor rgb '#2f5f95'\n",
             xval(s, x), yval(s, y), atan2(s->ph, s->pw) * 180 / M_PI, fsr, PB_CHART_MUTED,
             above, fsr, below, (c->w - c->rm - 10) / c->w, (c->h - bottom) / c->h, fsr);
}

/* Places every point's name, crowded points first (those with the most
 * other points within 90 px); each placed name becomes an obstacle. */
static int place_labels(struct scatter *s)
{
    size_t npts = s->npts, *order = calloc(npts + 1, sizeof *order);

    if (!order)
        return -1;
    for (size_t k = 0; k < npts; k++)
        order[k] = k;
    for (size_t a = 0; a < npts; a++) {
        for (size_t b = a + 1; b < npts; b++) {
            int ca = 0, cb = 0;
            for (size_t o = 0; o < npts; o++) {
                double ax = s->obs[order[a]].x0 - s->obs[o].x0;
                double ay = s->obs[order[a]].y0 - s->obs[o].y0;
                double bx = s->obs[order[b]].x0 - s->obs[o].x0;
                double by = s->obs[order[b]].y0 - s->obs[o].y0;
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
        const struct pb_merged_profiler *p = &s->set->profilers[s->pts[k]];
        double x = xpx(s, s->wall[s->pts[k]].value), y = ypx(s, p->sum->cpu.value);
        char name[PB_CHART_LINE_MAX];
        point_name(p, name, sizeof name);
        double w = pb_chart_text_px(name, s->fsl) + 4, h = pb_chart_line_px(s->fsl);

        s->lab[k] = place_label(x, y, w, h, &s->area, s->obs, s->nobs, k, npts + 2 * k);
        s->obs[s->nobs++] = s->lab[k].box;
    }
    free(order);
    return 0;
}

/* ---- the files ---- */

/* The .dat file: one row per point. */
static void write_data(const struct scatter *s, FILE *d)
{
    fprintf(d, "# pbench data for %s.gp: one row per profiler with both means\n", s->ch->name);
    fprintf(d, "# wall  cpu  wall_lo  wall_hi  cpu_lo  cpu_hi  colour  lower_bound (1: both "
            "means are at least these)\n");
    for (size_t k = 0; k < s->npts; k++) {
        const struct pb_merged_profiler *p = &s->set->profilers[s->pts[k]];
        const struct pb_ratio *w = &s->wall[s->pts[k]];
        unsigned col = pb_chart_run_rgb(s->multi ? p->run : 0);

        fprintf(d, "# ");
        pb_chart_dat_name(d, p->name);
        fprintf(d, "\n%.6g %.6g %.6g %.6g %.6g %.6g %u %d\n", w->value, p->sum->cpu.value, w->lo,
                w->hi, p->sum->cpu.lo, p->sum->cpu.hi, col, bound_point(p));
    }
}

/* Ranges, tics, axis labels, the two regions and the diagonal. */
static void write_axes(const struct scatter *s, FILE *f)
{
    fprintf(f, "\nLO = %.6g; HI = %.6g\n", pow(10, s->l0), pow(10, s->l1));
    fprintf(f, "set logscale xy\nset xrange [LO:HI]\nset yrange [LO:HI]\n");
    pb_chart_log_tics(f, "xtics", pow(10, s->l0), pow(10, s->l1));
    pb_chart_log_tics(f, "ytics", pow(10, s->l0), pow(10, s->l1));
    fprintf(f, "set xtics nomirror\nset ytics nomirror\nset border 3\n");
    fprintf(f, "set grid xtics ytics lc rgb '%s' lw 1 dt 1\n", PB_CHART_GRID);
    fprintf(f, "set xlabel 'wall time ÷ without profiler (×, log scale)' textcolor rgb '%s'\n",
            PB_CHART_TEXT);
    fprintf(f, "set ylabel 'CPU time ÷ without profiler (×, log scale)' textcolor rgb '%s'\n",
            PB_CHART_TEXT);
    fprintf(f, "# Above the diagonal: more CPU than wall time.\n");
    fprintf(f, "set object 1 polygon from LO,LO to HI,HI to LO,HI to LO,LO behind "
            "fc rgb '#fdf3e7' fs solid 1 noborder\n");
    fprintf(f, "set object 2 polygon from LO,LO to HI,HI to HI,LO to LO,LO behind "
            "fc rgb '#eef4fb' fs solid 1 noborder\n");
    fprintf(f, "set arrow 1 from LO,LO to HI,HI nohead back lc rgb '%s' lw 1.2 dt 2\n",
            PB_CHART_MUTED);
}

/* The profiler names where place_labels put them, with leader lines,
 * and the legend's place. */
static void write_names(const struct scatter *s, FILE *f)
{
    fprintf(f, "# Profiler names, placed clear of each other; a thin line leads from a "
            "name to its point when they are apart.\n");
    for (size_t k = 0; k < s->npts; k++) {
        const struct pb_merged_profiler *p = &s->set->profilers[s->pts[k]];
        double x = xpx(s, s->wall[s->pts[k]].value), y = ypx(s, p->sum->cpu.value), lx, ly;
        const struct rect *b = &s->lab[k].box;
        char name[PB_CHART_LINE_MAX];

        point_name(p, name, sizeof name);
        fprintf(f, "set label %zu ", 300 + k);
        pb_gp_string(f, name);
        fprintf(f, " at %.6g, %.6g left offset 0.15,0 font ',%g' textcolor rgb '%s' front\n",
                xval(s, b->x0), yval(s, (b->y0 + b->y1) / 2), s->fsl, PB_CHART_TEXT);
        if (s->lab[k].leader) {
            nearest_on(b, x, y, &lx, &ly);
            fprintf(f, "set arrow %zu from %.6g, %.6g to %.6g, %.6g nohead front "
                    "lc rgb '#8a8a8a' lw 0.8\n", 10 + k, xval(s, x), yval(s, y), xval(s, lx),
                    yval(s, ly));
        }
    }
    if (s->multi)
        fprintf(f, "set key at screen %.5f, screen %.5f right top reverse Left samplen 1 "
                "box lc rgb '%s' opaque font ',%g'\n", s->key.x1 / s->c.w,
                1 - s->key.y0 / s->c.h, PB_CHART_GRID, s->c.fs * 0.9);
}

/* The plot command: error bars, points, and for several runs one
 * invisible series per run for the legend. */
static void write_series(const struct scatter *s, FILE *f)
{
    int nseries = 0;

    fprintf(f, "DAT = '%s.dat'\n", s->ch->name);
    if (s->npts) {
        pb_chart_series(f, &nseries);
        fprintf(f, "DAT using 1:2:3:4:5:6 with xyerrorbars lc rgb '#9a9a9a' lw 1 pt 7 ps 0 "
                "notitle");
        pb_chart_series(f, &nseries);
        fprintf(f, "DAT using 1:2:7 with points pt 7 ps 1.4 lc rgb variable notitle");
    }
    for (size_t r = 0; s->multi && r < s->set->nruns; r++) {
        char lb[512];
        pb_chart_run_label(s->set, r, lb, sizeof lb);
        pb_chart_series(f, &nseries);
        fprintf(f, "NaN with points pt 7 ps 1.4 lc rgb '%s' title ", pb_chart_run_color(r));
        pb_gp_string(f, lb);
    }
    if (!nseries) {             /* nothing to show: the axes and the note */
        pb_chart_series(f, &nseries);
        fprintf(f, "NaN notitle");
    }
    fprintf(f, "\n");
}

int pb_chart_scatter(FILE *f, FILE *d, const struct pb_summary_set *set,
                     const struct pb_chart *ch, const struct pb_chart_canvas *c)
{
    struct scatter s = { .set = set, .ch = ch, .c = *c, .n = set->nprofilers,
                         .multi = set->nruns > 1, .fsl = c->fs * 0.95 };
    struct notes *nt = calloc(1, sizeof *nt);
    int ret = -1;

    s.pts = calloc(s.n + 1, sizeof *s.pts);
    s.obs = calloc(4 * s.n + 8, sizeof *s.obs);
    s.lab = calloc(s.n + 1, sizeof *s.lab);
    s.wall = calloc(s.n + 1, sizeof *s.wall);
    if (!nt || !s.pts || !s.obs || !s.lab || !s.wall)
        goto cleanup;
    collect(&s, nt);
    subtitle(&s, nt);
    layout(&s);
    point_obstacles(&s);
    captions(&s);
    if (place_labels(&s) < 0)
        goto cleanup;
    write_data(&s, d);
    pb_chart_head(f, set, ch, &s.c, s.sub, s.nsub);
    write_axes(&s, f);
    fputs(s.captions, f);
    write_names(&s, f);
    write_series(&s, f);
    pb_chart_tail(f, ch, &s.c);
    ret = 0;

cleanup:
    free(nt);
    free(s.pts);
    free(s.obs);
    free(s.lab);
    free(s.wall);
    return ret;
}
