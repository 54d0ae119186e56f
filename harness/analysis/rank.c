/*
 * rank: Kendall's tau-b and competition ranks. See rank.h.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/rank.h"

/* -1, 0 or 1: the order of a and b. */
static int order(double a, double b)
{
    return (a > b) - (a < b);
}

int pb_kendall(const double *x, const double *y, size_t n, struct pb_kendall *out,
               struct pb_error *err)
{
    size_t tx, ty;

    memset(out, 0, sizeof *out);
    out->n = n;
    out->tau_b = NAN;
    for (size_t k = 0; k < n; k++)
        if (isnan(x[k]) || isnan(y[k]))
            return pb_error_set(err, "item %zu has no figure to rank (NAN): not comparable", k);
    if (n < 2)
        return 0;
    out->pairs = n * (n - 1) / 2;
    for (size_t i = 0; i < n; i++) {
        for (size_t j = i + 1; j < n; j++) {
            int s = order(x[i], x[j]) * order(y[i], y[j]);

            if (x[i] == x[j] && y[i] == y[j])
                out->tied_both++;
            else if (x[i] == x[j])
                out->tied_x++;
            else if (y[i] == y[j])
                out->tied_y++;
            else if (s > 0)
                out->concordant++;
            else {
                struct pb_rank_pair *np = realloc(out->swapped,
                                                  (out->nswapped + 1) * sizeof *np);
                if (!np) {
                    pb_kendall_release(out);
                    return pb_error_set(err, "out of memory");
                }
                out->swapped = np;
                out->swapped[out->nswapped++] = (struct pb_rank_pair){ i, j };
                out->discordant++;
            }
        }
    }
    tx = out->tied_x + out->tied_both;
    ty = out->tied_y + out->tied_both;
    if (tx < out->pairs && ty < out->pairs)
        out->tau_b = ((double)out->concordant - (double)out->discordant)
                     / sqrt((double)(out->pairs - tx) * (double)(out->pairs - ty));
    return 0;
}

void pb_kendall_release(struct pb_kendall *k)
{
    free(k->swapped);
    memset(k, 0, sizeof *k);
    k->tau_b = NAN;
}

void pb_rank_positions(const double *x, size_t n, int *rank, int *tied)
{
    for (size_t k = 0; k < n; k++) {
        int below = 0, same = 0;

        for (size_t m = 0; m < n; m++) {
            below += x[m] < x[k];
            same += m != k && x[m] == x[k];
        }
        rank[k] = below + 1;
        if (tied)
            tied[k] = same > 0;
    }
}
