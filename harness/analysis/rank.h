#ifndef PB_RANK_H
#define PB_RANK_H

/*
 * rank: how far two orderings of the same items agree. Kendall's tau-b
 * between two sets of figures of the same n items (a paper's overheads
 * and pbench's, one per profiler), which pairs of items the two order
 * differently, and the ranks themselves.
 *
 * tau-b = (C - D) / sqrt((n0 - n1) (n0 - n2)), where n0 = n(n-1)/2 is the
 * number of pairs, C and D the pairs the two orderings put in the same
 * and in the opposite order, n1 the pairs tied in x and n2 those tied in
 * y (a pair tied in both counts in n1 and n2). It is 1 when the orders
 * agree, -1 when one is the other reversed; ties lower its reach rather
 * than count as disagreement. Ties are exact equality: round the figures
 * first if near values should tie. O(n^2), for the tens of profilers of
 * a report.
 */

#include <stddef.h>

#include "util/error.h"

/* Two items, by index into the arrays given, i < j. */
struct pb_rank_pair {
    size_t i, j;
};

struct pb_kendall {
    size_t n;               /* items */
    size_t pairs;           /* n(n-1)/2 */
    size_t concordant;      /* ordered alike */
    size_t discordant;      /* ordered oppositely: the swaps below */
    size_t tied_x;          /* tied in x, not in y */
    size_t tied_y;          /* tied in y, not in x */
    size_t tied_both;       /* tied in both */
    double tau_b;           /* NAN when undefined: n < 2, or every pair tied in x or in y */
    struct pb_rank_pair *swapped;   /* the discordant pairs, by i then j */
    size_t nswapped;        /* == discordant */
};

/* Kendall's tau-b between x[0..n) and y[0..n) (item k is x[k], y[k]),
 * with its counts and discordant pairs, into *out (released with
 * pb_kendall_release, also after a failure). Returns 0, or -1 with err
 * set: a NAN in x or y ("not comparable"), out of memory. n < 2 is not a
 * failure: tau_b is NAN, the counts 0. */
int pb_kendall(const double *x, const double *y, size_t n, struct pb_kendall *out,
               struct pb_error *err);

/* Frees what k owns; k is emptied (counts 0, tau_b NAN). Cannot fail. */
void pb_kendall_release(struct pb_kendall *k);

/* Standard competition ranks ("1224") of x[0..n), smallest first: rank[k]
 * = 1 + the number of items below x[k], so tied items share the best
 * rank they span. tied[k] (may be NULL) is 1 when another item has the
 * same value. x must not hold NAN. Cannot fail. */
void pb_rank_positions(const double *x, size_t n, int *rank, int *tied);

#endif /* PB_RANK_H */
