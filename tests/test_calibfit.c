/* calibfit: from points alone, the next count to measure and the count
 * whose plain run takes the target (start-up fitted, not ignored; each
 * count's median; one run of count 1 past the target decides alone;
 * time that does not grow is no answer). */
#include <check.h>
#include <math.h>
#include <stdlib.h>

#include "analysis/calibfit.h"

#define MAX PB_CALIBRATION_MAX_COUNT

/* A workload taking a + b * count seconds, calibrated for target as a
 * run would, every run's time exact: the points and the choice. */
static struct pb_calibfit simulate(double a, double b, double target, struct pb_calibration_point *pts,
                                   size_t *n)
{
    struct pb_calibfit f;
    long long count;

    *n = 0;
    while ((count = pb_calibfit_next(pts, *n, target, MAX)) > 0) {
        ck_assert_uint_lt(*n, PB_CALIBRATION_MAX_POINTS);
        pts[*n] = (struct pb_calibration_point){ count, a + b * (double)count };
        (*n)++;
    }
    ck_assert_int_eq(count, 0);
    ck_assert_int_eq(pb_calibfit_choose(pts, *n, target, MAX, &f), 0);
    return f;
}

START_TEST(start_up_is_fitted)
{
    struct pb_calibration_point pts[PB_CALIBRATION_MAX_POINTS];
    size_t n;

    /* a pyperformance benchmark: 0.1 s of imports, 33 ms a loop, 0.5 s:
     * ignoring the start-up would choose 15 loops (0.6 s) */
    struct pb_calibfit f = simulate(0.1, 0.033, 0.5, pts, &n);
    ck_assert_int_eq(f.count, 12);
    ck_assert(fabs(f.startup_s - 0.1) < 1e-9);
    ck_assert(fabs(f.per_count_s - 0.033) < 1e-9);
    ck_assert(fabs(f.predicted_s - 0.496) < 1e-9);
    /* the counts grew from 1, at least doubling, and the last ran 3 times */
    ck_assert_int_eq(pts[0].count, 1);
    for (size_t i = 1; i + 2 < n; i++)
        ck_assert_int_ge(pts[i].count, 2 * pts[i - 1].count);
    ck_assert_int_eq(pts[n - 1].count, pts[n - 3].count);
    ck_assert_int_ne(pts[n - 1].count, pts[n - 4].count);
    /* measured no further than needed: the last count well below the chosen */
    ck_assert_int_lt(pts[n - 1].count, f.count);
    ck_assert(pts[n - 1].wall_s - pts[0].wall_s >= PB_CALIBFIT_REACH * 0.5);

    /* a script: 10 ms start-up, 60 ns a unit of work, 10 s */
    f = simulate(0.01, 6e-8, 10, pts, &n);
    ck_assert(llabs(f.count - 166500000) <= 1);
    ck_assert_uint_le(n, 16);
    double spent = 0;
    for (size_t i = 0; i < n; i++)
        spent += pts[i].wall_s;
    /* about one run of the target: the repeats of the last count (~0.3 x
     * the target each) and the growth before them */
    ck_assert_msg(spent < 12, "calibrating took %g s of runs for a 10 s target", spent);
}
END_TEST

START_TEST(medians_resist_one_slow_run)
{
    /* the last count's runs: one slowed by another process */
    struct pb_calibration_point pts[] = {
        { 1, 0.13 }, { 2, 0.166 }, { 4, 0.232 }, { 8, 0.364 }, { 8, 0.9 }, { 8, 0.364 },
    };
    struct pb_calibfit f;

    ck_assert_int_eq(pb_calibfit_next(pts, 6, 0.5, MAX), 0);
    ck_assert_int_eq(pb_calibfit_choose(pts, 6, 0.5, MAX, &f), 0);
    ck_assert_int_eq(f.count, 12);
    /* before the repeats, the last count again */
    ck_assert_int_eq(pb_calibfit_next(pts, 4, 0.5, MAX), 8);
    ck_assert_int_eq(pb_calibfit_next(pts, 5, 0.5, MAX), 8);
}
END_TEST

START_TEST(edges)
{
    struct pb_calibration_point one[] = { { 1, 3.0 } };
    struct pb_calibration_point flat[] = { { 1, 0.1 }, { 16, 0.1 }, { 256, 0.099 } };
    struct pb_calibration_point slow[] = { { 1, 0.5 }, { 2, 0.6 }, { 4, 0.8 } };
    struct pb_calibration_point top[] = { { 1, 0.1 }, { 1000, 0.1001 } };
    struct pb_calibfit f;

    ck_assert_int_eq(pb_calibfit_next(NULL, 0, 1, MAX), 1);
    /* one loop already takes longer than the target: one loop, no more runs */
    ck_assert_int_eq(pb_calibfit_next(one, 1, 1, MAX), 0);
    ck_assert_int_eq(pb_calibfit_choose(one, 1, 1, MAX, &f), 0);
    ck_assert_int_eq(f.count, 1);
    ck_assert(isnan(f.startup_s));
    ck_assert(f.predicted_s == 3.0);
    /* one point below the target is no answer */
    one[0].wall_s = 0.2;
    ck_assert_int_eq(pb_calibfit_choose(one, 1, 1, MAX, &f), -1);
    ck_assert_int_eq(pb_calibfit_next(one, 1, 1, MAX), 2);   /* at least doubling */
    /* the time does not grow with the count: no answer, keep growing as
     * if the time were all work (0.3 s at 256 x 0.3 / 0.099), x16 at most */
    ck_assert_int_eq(pb_calibfit_choose(flat, 3, 1, MAX, &f), -1);
    ck_assert_int_eq(pb_calibfit_next(flat, 3, 1, MAX), 776);
    ck_assert_int_eq(pb_calibfit_next(flat, 3, 100, MAX), 4096);
    ck_assert_int_eq(pb_calibfit_next(flat, 3, 1, 300), 300);   /* capped */
    ck_assert_int_eq(pb_calibfit_next(flat, 3, 1, 256), -1);    /* and no further */
    /* the start-up alone takes longer than the target: count 1 */
    ck_assert_int_eq(pb_calibfit_choose(slow, 3, 0.3, MAX, &f), 0);
    ck_assert_int_eq(f.count, 1);
    /* the count is capped */
    ck_assert_int_eq(pb_calibfit_choose(top, 2, 1e6, 5000, &f), 0);
    ck_assert_int_eq(f.count, 5000);
}
END_TEST

Suite *calibfit_suite(void)
{
    Suite *s = suite_create("calibfit");
    TCase *core = tcase_create("core");
    TCase *limits = tcase_create("limits");

    tcase_add_test(core, start_up_is_fitted);
    tcase_add_test(core, medians_resist_one_slow_run);
    tcase_add_test(limits, edges);
    suite_add_tcase(s, core);
    suite_add_tcase(s, limits);
    return s;
}
