#ifndef PB_CALIBFIT_H
#define PB_CALIBFIT_H

/*
 * calibfit: the decisions of a calibration (`target:`), from its points
 * alone, so they are tested without running anything: which count to
 * measure next, and, once the points suffice, the count whose plain run
 * takes the target.
 *
 * A plain run's wall time is taken as start-up + per_count x count. The
 * counts grow (at least doubling, at most x16, aiming the next run at
 * PB_CALIBFIT_AIM of the target through the line fitted so far) until the
 * last count took PB_CALIBFIT_REACH of the target longer than the first
 * (the work, not the start-up, must be measured), and the last count runs
 * PB_CALIBFIT_REPEAT times in all (one run slowed by another process must
 * not decide). The line is then fitted by least squares through each
 * count's median, which the largest counts dominate, and the count is
 * (target - start-up) / per_count, rounded, at least 1. The
 * start-up is fitted, not ignored: a benchmark that spends 0.1 s importing
 * before its first loop would otherwise get a count too small for a short
 * target.
 */

#include <stddef.h>

#include "store/calibration.h"

#define PB_CALIBFIT_REACH 0.2   /* the points suffice once the counts added this share of the target */
#define PB_CALIBFIT_AIM 0.3     /* the next run aims at this share */
#define PB_CALIBFIT_GROWTH 16   /* the most a count grows in one step */
#define PB_CALIBFIT_REPEAT 3    /* runs of the last count */

struct pb_calibfit {
    double startup_s, per_count_s;  /* NAN when one point decided it (below) */
    long long count;
    double predicted_s;             /* the line at count (or the one point's wall) */
};

/* The count to measure after points pts[0..n) (in the order run, the
 * counts never decreasing) aiming at target_s, capped at max: 1 when n is
 * 0; the last count again while it has run fewer than PB_CALIBFIT_REPEAT
 * times once the points reach far enough; 0 when the points suffice
 * (pb_calibfit_choose answers); -1 when they do not but the last count is
 * already max. Cannot fail. */
long long pb_calibfit_next(const struct pb_calibration_point *pts, size_t n, double target_s,
                           long long max);

/* The count for target_s from the points (each count's median), fitted
 * as above, capped at max,
 * into *out: 0. A first point of count 1 that took target_s or longer
 * decides alone (count 1: the work cannot be made smaller). Returns -1
 * when the points cannot tell: fewer than two counts, or the time does
 * not grow with the count (a per_count of 0 or less: is the count the
 * work?). */
int pb_calibfit_choose(const struct pb_calibration_point *pts, size_t n, double target_s,
                       long long max, struct pb_calibfit *out);

#endif /* PB_CALIBFIT_H */
