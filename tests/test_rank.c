/* analysis/rank: Kendall's tau-b against values worked out by hand (with
 * ties in x, in y and in both; n < 2; every pair tied), against a second
 * computation done another way (tie groups for the denominators, all
 * ordered pairs for the numerator) on random data with ties, and the
 * discordant pairs against a brute-force list; competition ranks. */
#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/rank.h"

#define EPS 1e-12

static void tau_is(const double *x, const double *y, size_t n, double want)
{
    struct pb_kendall k;
    struct pb_error err;

    ck_assert_int_eq(pb_kendall(x, y, n, &k, &err), 0);
    if (isnan(want))
        ck_assert_msg(isnan(k.tau_b), "tau_b %.17g, want undefined", k.tau_b);
    else
        ck_assert_msg(fabs(k.tau_b - want) < EPS, "tau_b %.17g, want %.17g", k.tau_b, want);
    ck_assert_uint_eq(k.concordant + k.discordant + k.tied_x + k.tied_y + k.tied_both, k.pairs);
    pb_kendall_release(&k);
}

/* ---- by hand ---- */

START_TEST(same_and_reversed_order)
{
    const double x[] = { 1, 2, 3, 4 }, up[] = { 10, 20, 30, 40 }, down[] = { 4, 3, 2, 1 };
    struct pb_kendall k;

    tau_is(x, up, 4, 1.0);
    ck_assert_int_eq(pb_kendall(x, down, 4, &k, NULL), 0);
    ck_assert_msg(fabs(k.tau_b + 1) < EPS, "%g", k.tau_b);
    ck_assert_uint_eq(k.pairs, 6);
    ck_assert_uint_eq(k.discordant, 6);
    ck_assert_uint_eq(k.nswapped, 6);
    ck_assert_uint_eq(k.swapped[0].i, 0);
    ck_assert_uint_eq(k.swapped[0].j, 1);
    ck_assert_uint_eq(k.swapped[5].i, 2);
    ck_assert_uint_eq(k.swapped[5].j, 3);
    pb_kendall_release(&k);
}
END_TEST

/* One adjacent swap among four: C = 5, D = 1, tau = (5 - 1) / 6. */
START_TEST(one_swap)
{
    const double x[] = { 1, 2, 3, 4 }, y[] = { 1, 3, 2, 4 };
    struct pb_kendall k;

    ck_assert_int_eq(pb_kendall(x, y, 4, &k, NULL), 0);
    ck_assert_msg(fabs(k.tau_b - 2.0 / 3.0) < EPS, "%.17g", k.tau_b);
    ck_assert_uint_eq(k.concordant, 5);
    ck_assert_uint_eq(k.discordant, 1);
    ck_assert_uint_eq(k.nswapped, 1);
    ck_assert_uint_eq(k.swapped[0].i, 1);
    ck_assert_uint_eq(k.swapped[0].j, 2);
    pb_kendall_release(&k);
}
END_TEST

START_TEST(ties)
{
    struct pb_kendall k;

    /* (0,1) tied in x, (2,3) tied in y, the other 4 concordant:
     * 4 / sqrt((6 - 1) (6 - 1)) = 0.8 */
    {
        const double x[] = { 1, 1, 2, 3 }, y[] = { 1, 2, 3, 3 };
        ck_assert_int_eq(pb_kendall(x, y, 4, &k, NULL), 0);
        ck_assert_msg(fabs(k.tau_b - 0.8) < EPS, "%.17g", k.tau_b);
        ck_assert_uint_eq(k.tied_x, 1);
        ck_assert_uint_eq(k.tied_y, 1);
        ck_assert_uint_eq(k.tied_both, 0);
        ck_assert_uint_eq(k.concordant, 4);
        ck_assert_uint_eq(k.nswapped, 0);
        pb_kendall_release(&k);
    }
    /* the paper's three 1.02x: 3 pairs tied in x, 3 concordant:
     * 3 / sqrt((6 - 3) 6) = 1 / sqrt(2) */
    {
        const double x[] = { 1.02, 1.02, 1.02, 1.32 }, y[] = { 1.03, 1.06, 1.21, 1.42 };
        tau_is(x, y, 4, 1 / sqrt(2.0));
    }
    /* a pair tied in both counts in both denominators: 2 / sqrt(2 * 2) */
    {
        const double x[] = { 1, 1, 2 }, y[] = { 5, 5, 6 };
        ck_assert_int_eq(pb_kendall(x, y, 3, &k, NULL), 0);
        ck_assert_msg(fabs(k.tau_b - 1) < EPS, "%.17g", k.tau_b);
        ck_assert_uint_eq(k.tied_both, 1);
        pb_kendall_release(&k);
    }
    /* ties against a swap: (0,1) tied in x; (1,2) swapped; (0,2) concordant:
     * (1 - 1) / sqrt((3 - 1) 3) = 0 */
    {
        const double x[] = { 1, 1, 2 }, y[] = { 1, 3, 2 };
        tau_is(x, y, 3, 0.0);
    }
}
END_TEST

START_TEST(undefined_and_refused)
{
    const double x[] = { 1, 1, 1 }, y[] = { 1, 2, 3 }, bad[] = { 1, NAN, 3 };
    struct pb_kendall k;
    struct pb_error err;

    tau_is(x, y, 0, NAN);
    tau_is(x, y, 1, NAN);
    tau_is(x, y, 3, NAN);            /* every pair tied in x */
    tau_is(y, x, 3, NAN);            /* ... or in y */
    ck_assert_int_eq(pb_kendall(y, y, 1, &k, NULL), 0);
    ck_assert_uint_eq(k.pairs, 0);
    ck_assert_uint_eq(k.n, 1);
    pb_kendall_release(&k);
    pb_error_clear(&err);
    ck_assert_int_eq(pb_kendall(y, bad, 3, &k, &err), -1);
    ck_assert_str_eq(err.msg, "item 1 has no figure to rank (NAN): not comparable");
    pb_kendall_release(&k);
    pb_kendall_release(&k);             /* twice is harmless */
}
END_TEST

/* ---- another way round ---- */

static unsigned long long lcg_state;

static unsigned next_rand(void)
{
    lcg_state = lcg_state * 6364136223846793005ULL + 1442695040888963407ULL;
    return (unsigned)(lcg_state >> 33);
}

/* Pairs tied within v: the sum over groups of equal values of t(t-1)/2,
 * found by sorting. */
static double tied_pairs(const double *v, size_t n)
{
    double *s = malloc(n * sizeof *s), sum = 0;

    memcpy(s, v, n * sizeof *s);
    for (size_t i = 1; i < n; i++)          /* insertion sort: n is small */
        for (size_t j = i; j > 0 && s[j - 1] > s[j]; j--) {
            double t = s[j];
            s[j] = s[j - 1];
            s[j - 1] = t;
        }
    for (size_t i = 0; i < n;) {
        size_t t = 1;
        while (i + t < n && s[i + t] == s[i])
            t++;
        sum += (double)t * (double)(t - 1) / 2;
        i += t;
    }
    free(s);
    return sum;
}

static int sgn(double a)
{
    return (a > 0) - (a < 0);
}

/* tau-b as textbooks write it: sum over all ordered pairs of the sign
 * products, halved, over the tie-group denominators. */
static double tau_b_textbook(const double *x, const double *y, size_t n)
{
    double s = 0, n0 = (double)n * (double)(n - 1) / 2;
    double d = (n0 - tied_pairs(x, n)) * (n0 - tied_pairs(y, n));

    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < n; j++)
            s += sgn(x[i] - x[j]) * sgn(y[i] - y[j]);
    return d > 0 ? s / 2 / sqrt(d) : NAN;
}

START_TEST(random_against_textbook_and_brute_force)
{
    lcg_state = 12345;
    for (int trial = 0; trial < 2000; trial++) {
        size_t n = 2 + next_rand() % 15;
        int levels = 2 + (int)(next_rand() % 8);   /* few levels: many ties */
        double x[16], y[16], want;
        struct pb_kendall k;
        size_t nd = 0;

        for (size_t i = 0; i < n; i++) {
            x[i] = 1 + (double)(next_rand() % (unsigned)levels) / 4;
            y[i] = 1 + (double)(next_rand() % (unsigned)levels) / 4;
        }
        ck_assert_int_eq(pb_kendall(x, y, n, &k, NULL), 0);
        want = tau_b_textbook(x, y, n);
        if (isnan(want))
            ck_assert_msg(isnan(k.tau_b), "trial %d: %.17g, want undefined", trial, k.tau_b);
        else
            ck_assert_msg(fabs(k.tau_b - want) < 1e-12, "trial %d (n %zu): %.17g, want %.17g",
                          trial, n, k.tau_b, want);
        ck_assert(isnan(k.tau_b) || (k.tau_b >= -1 - EPS && k.tau_b <= 1 + EPS));
        /* the swaps are exactly the pairs ordered oppositely, by i then j */
        for (size_t i = 0; i < n; i++)
            for (size_t j = i + 1; j < n; j++)
                if ((x[i] - x[j]) * (y[i] - y[j]) < 0) {
                    ck_assert_uint_lt(nd, k.nswapped);
                    ck_assert_uint_eq(k.swapped[nd].i, i);
                    ck_assert_uint_eq(k.swapped[nd].j, j);
                    nd++;
                }
        ck_assert_uint_eq(nd, k.nswapped);
        ck_assert_uint_eq(nd, k.discordant);
        /* and swapping x and y changes nothing but which side a tie is on */
        {
            struct pb_kendall t;
            ck_assert_int_eq(pb_kendall(y, x, n, &t, NULL), 0);
            ck_assert(isnan(t.tau_b) ? isnan(k.tau_b) : fabs(t.tau_b - k.tau_b) < EPS);
            ck_assert_uint_eq(t.tied_x, k.tied_y);
            pb_kendall_release(&t);
        }
        pb_kendall_release(&k);
    }
}
END_TEST

/* ---- ranks ---- */

START_TEST(competition_ranks)
{
    const double x[] = { 1.32, 1.02, 1.69, 1.02, 1.02, 1.69 };
    int rank[6], tied[6];
    const int want_rank[] = { 4, 1, 5, 1, 1, 5 }, want_tied[] = { 0, 1, 1, 1, 1, 1 };

    pb_rank_positions(x, 6, rank, tied);
    for (int i = 0; i < 6; i++) {
        ck_assert_int_eq(rank[i], want_rank[i]);
        ck_assert_int_eq(tied[i], want_tied[i]);
    }
    pb_rank_positions(x, 1, rank, NULL);
    ck_assert_int_eq(rank[0], 1);
    pb_rank_positions(x, 0, rank, tied);     /* nothing to do */
}
END_TEST

Suite *rank_suite(void)
{
    Suite *s = suite_create("rank");
    TCase *core = tcase_create("core");
    TCase *other = tcase_create("independent");

    tcase_add_test(core, same_and_reversed_order);
    tcase_add_test(core, one_swap);
    tcase_add_test(core, ties);
    tcase_add_test(core, undefined_and_refused);
    tcase_add_test(core, competition_ranks);
    suite_add_tcase(s, core);
    tcase_add_test(other, random_against_textbook_and_brute_force);
    suite_add_tcase(s, other);
    return s;
}
