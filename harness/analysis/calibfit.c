/* A calibration's decisions from its points. See calibfit.h. */
#include <math.h>

#include "analysis/calibfit.h"
#include "analysis/stats.h"

/* The points as one (count, median wall) per count, in order: the runs
 * of a count are consecutive (the counts never decrease). Returns how
 * many counts; *last_runs: the runs of the last one. */
static size_t by_count(const struct pb_calibration_point *pts, size_t n, double *x, double *y,
                       size_t *last_runs)
{
    size_t m = 0, i = 0;

    *last_runs = 0;
    while (i < n && m < PB_CALIBRATION_MAX_POINTS) {
        double walls[PB_CALIBRATION_MAX_POINTS];
        size_t k = 0;
        long long c = pts[i].count;
        while (i < n && pts[i].count == c)
            walls[k++] = pts[i++].wall_s;
        x[m] = (double)c;
        y[m++] = pb_stats_median(walls, k);
        *last_runs = k;
    }
    return m;
}

/* The line through the counts' medians by least squares. Returns 0, or
 * -1 when there are fewer than two counts or the time does not grow.
 * *first and *last: the first and the last count's medians. */
static int fit(const struct pb_calibration_point *pts, size_t n, struct pb_linfit *out,
               double *first, double *last, size_t *last_runs)
{
    double x[PB_CALIBRATION_MAX_POINTS], y[PB_CALIBRATION_MAX_POINTS];
    size_t m;

    if (n > PB_CALIBRATION_MAX_POINTS)
        n = PB_CALIBRATION_MAX_POINTS;
    m = by_count(pts, n, x, y, last_runs);
    *first = m ? y[0] : NAN;
    *last = m ? y[m - 1] : NAN;
    if (m < 2 || pb_stats_linfit(x, y, m, out, NULL) < 0 || !(out->b > 0) || !isfinite(out->a))
        return -1;
    return 0;
}

/* 1 when one run of count 1 already took the target. */
static int one_is_enough(const struct pb_calibration_point *pts, size_t n, double target_s)
{
    return n >= 1 && pts[0].count == 1 && pts[0].wall_s >= target_s;
}

int pb_calibfit_choose(const struct pb_calibration_point *pts, size_t n, double target_s,
                       long long max, struct pb_calibfit *out)
{
    struct pb_linfit f;
    double first, last;
    size_t runs;

    if (one_is_enough(pts, n, target_s)) {
        *out = (struct pb_calibfit){ NAN, NAN, 1, pts[0].wall_s };
        return 0;
    }
    if (fit(pts, n, &f, &first, &last, &runs) < 0)
        return -1;
    double want = (target_s - f.a) / f.b;
    long long count = want < 1 ? 1 : want >= (double)max ? max : llround(want);
    if (count < 1)
        count = 1;
    *out = (struct pb_calibfit){ f.a, f.b, count, f.a + f.b * (double)count };
    return 0;
}

long long pb_calibfit_next(const struct pb_calibration_point *pts, size_t n, double target_s,
                           long long max)
{
    struct pb_linfit f;
    double want, first, lastw;
    size_t runs;

    if (n == 0)
        return 1;
    const struct pb_calibration_point *last = &pts[n - 1];
    int fitted = fit(pts, n, &f, &first, &lastw, &runs) == 0;
    if (one_is_enough(pts, n, target_s))
        return 0;
    /* the time the counts added, not the start-up, must be a good share
     * of the target, or the slope rests on a few milliseconds; then the
     * last count again, so that one slow or fast run does not decide */
    if (fitted && lastw - first >= PB_CALIBFIT_REACH * target_s)
        return runs < PB_CALIBFIT_REPEAT ? last->count : 0;
    if (last->count >= max)
        return -1;
    if (fitted)         /* where the line puts AIM of the target */
        want = (PB_CALIBFIT_AIM * target_s - f.a) / f.b;
    else if (last->wall_s > 0)      /* one point, or no growth yet: as if it were all work */
        want = (double)last->count * PB_CALIBFIT_AIM * target_s / last->wall_s;
    else
        want = (double)last->count * PB_CALIBFIT_GROWTH;
    double lo = 2.0 * (double)last->count, hi = (double)PB_CALIBFIT_GROWTH * (double)last->count;
    want = !(want >= lo) ? lo : want > hi ? hi : ceil(want);   /* NAN: lo */
    return want >= (double)max ? max : (long long)want;
}
