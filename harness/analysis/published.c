/*
 * published: a reference's figures beside the measured ones. See
 * published.h.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/published.h"
#include "analysis/stats.h"

double pb_published_median(const double *v, const int *bound, size_t n, int *lower)
{
    double *raised, top = 0, m, m_raised;
    int any = 0;

    if (lower)
        *lower = 0;
    m = pb_stats_median(v, n);
    for (size_t k = 0; bound && k < n; k++)
        any |= bound[k];
    if (!any || isnan(m))
        return m;
    /* Raise every bound above everything: if the median moves, a true
     * value above its bound could move it too (the median only grows
     * with its inputs), so the median is a bound; if not, no raise can. */
    raised = malloc(n * sizeof *raised);
    if (!raised)
        return NAN;
    for (size_t k = 0; k < n; k++)
        top = fmax(top, v[k]);
    for (size_t k = 0; k < n; k++)
        raised[k] = bound[k] ? 2 * top + 1 : v[k];
    m_raised = pb_stats_median(raised, n);
    free(raised);
    if (lower)
        *lower = m_raised != m;
    return m;
}

/* The measured side of a row from profiler p of the set: the median of
 * its pairs' wall ratios (timed-out pairs at their bound) and its
 * geometric mean. Returns 0 or -1 (out of memory). */
static int measure(const struct pb_summary_set *set, const struct pb_merged_profiler *p,
                   struct pb_published_row *row)
{
    double *v = malloc((set->nworkloads + 1) * sizeof *v);
    int *bound = malloc((set->nworkloads + 1) * sizeof *bound);
    size_t n = 0;

    if (!v || !bound) {
        free(v);
        free(bound);
        return -1;
    }
    for (size_t w = 0; w < set->nworkloads; w++) {
        const struct pb_pair *pr = p->pairs[w];

        if (!pr || !pb_ratio_known(&pr->wall))
            continue;
        if (pr->status == PB_PAIR_OK || pr->status == PB_PAIR_PARTIAL)
            bound[n] = 0;
        else if (pr->status == PB_PAIR_TIMEOUT && pr->lower_bound)
            bound[n] = 1;
        else
            continue;
        v[n++] = pr->wall.value;
    }
    row->workloads = (int)n;
    row->bounds = 0;
    for (size_t k = 0; k < n; k++)
        row->bounds += bound[k];
    row->measured = pb_published_median(v, bound, n, &row->measured_bound);
    free(v);
    free(bound);
    if (n > 0 && isnan(row->measured))
        return -1;
    row->geomean = p->sum->wall.value;
    row->geomean_bound = p->sum->wall_lower_bound && pb_ratio_known(&p->sum->wall);
    return 0;
}

static int on(const struct pb_merged_profiler *p, const char *python)
{
    const char *py = p->sum->python;

    return py == python || (py && python && !strcmp(py, python));
}

static const struct pb_merged_profiler *find_measured(const struct pb_summary_set *set,
                                                      const char *name, const char *python)
{
    for (size_t i = 0; name && i < set->nprofilers; i++)
        if (!strcmp(set->profilers[i].sum->name, name) && on(&set->profilers[i], python))
            return &set->profilers[i];
    return NULL;
}

static void row_init(struct pb_published_row *row)
{
    memset(row, 0, sizeof *row);
    row->published = row->measured = row->geomean = row->ratio = NAN;
}

/* Rows by published value, the file's order among equals (entries are in
 * the file's order, so compare their addresses last). */
static int by_published(const void *a, const void *b)
{
    const struct pb_published_row *x = a, *y = b;

    if (x->published != y->published)
        return x->published < y->published ? -1 : 1;
    return (x->entry > y->entry) - (x->entry < y->entry);
}

/* Extra rows by measured value, unknown last, then by name. */
static int by_measured(const void *a, const void *b)
{
    const struct pb_published_row *x = a, *y = b;

    if (isnan(x->measured) != isnan(y->measured))
        return isnan(x->measured) ? 1 : -1;
    if (!isnan(x->measured) && x->measured != y->measured)
        return x->measured < y->measured ? -1 : 1;
    return strcmp(x->profiler, y->profiler);
}

/* The reference's rows, measured where the set has the profiler. */
static int fill_rows(const struct pb_summary_set *set, const struct pb_reference *ref,
                     const char *python, struct pb_published *out)
{
    out->rows = calloc(ref->nentries ? ref->nentries : 1, sizeof *out->rows);
    if (!out->rows)
        return -1;
    for (size_t i = 0; i < ref->nentries; i++) {
        struct pb_published_row *row = &out->rows[out->nrows++];
        const struct pb_merged_profiler *p;

        row_init(row);
        row->entry = &ref->entries[i];
        row->profiler = ref->entries[i].pbench;
        row->published = ref->entries[i].value;
        if (!row->profiler) {
            row->state = PB_PUBLISHED_NOT_IN_PBENCH;
            continue;
        }
        p = find_measured(set, row->profiler, python);
        if (!p) {
            row->state = PB_PUBLISHED_NOT_MEASURED;
            continue;
        }
        if (measure(set, p, row) < 0)
            return -1;
        row->state = row->workloads > 0 ? PB_PUBLISHED_COMPARED : PB_PUBLISHED_NO_FIGURE;
        if (row->state == PB_PUBLISHED_COMPARED)
            row->ratio = row->measured / row->published;
    }
    qsort(out->rows, out->nrows, sizeof *out->rows, by_published);
    return 0;
}

/* The set's profilers the reference does not name. */
static int fill_extra(const struct pb_summary_set *set, const struct pb_reference *ref,
                      const char *python, struct pb_published *out)
{
    out->extra = calloc(set->nprofilers ? set->nprofilers : 1, sizeof *out->extra);
    if (!out->extra)
        return -1;
    for (size_t i = 0; i < set->nprofilers; i++) {
        const struct pb_merged_profiler *p = &set->profilers[i];
        struct pb_published_row *row;

        if (!on(p, python) || pb_reference_find(ref, p->sum->name))
            continue;
        row = &out->extra[out->nextra++];
        row_init(row);
        row->profiler = p->sum->name;
        row->state = PB_PUBLISHED_EXTRA;
        if (measure(set, p, row) < 0)
            return -1;
    }
    qsort(out->extra, out->nextra, sizeof *out->extra, by_measured);
    return 0;
}

/* Ranks, tau and swaps over the compared rows. */
static int compare_orders(struct pb_published *out, struct pb_error *err)
{
    size_t n = 0, *at = malloc((out->nrows + 1) * sizeof *at);
    double *x = malloc((out->nrows + 1) * sizeof *x), *y = malloc((out->nrows + 1) * sizeof *y);
    int *rx = malloc((out->nrows + 1) * sizeof *rx), *ry = malloc((out->nrows + 1) * sizeof *ry);
    int *tx = malloc((out->nrows + 1) * sizeof *tx), *ty = malloc((out->nrows + 1) * sizeof *ty);
    int rc = -1;

    if (!at || !x || !y || !rx || !ry || !tx || !ty) {
        pb_error_set(err, "out of memory");
        goto cleanup;
    }
    for (size_t i = 0; i < out->nrows; i++) {
        if (out->rows[i].state != PB_PUBLISHED_COMPARED)
            continue;
        at[n] = i;
        x[n] = out->rows[i].published;
        y[n] = out->rows[i].measured;
        n++;
    }
    out->ncompared = n;
    pb_rank_positions(x, n, rx, tx);
    pb_rank_positions(y, n, ry, ty);
    for (size_t k = 0; k < n; k++) {
        struct pb_published_row *row = &out->rows[at[k]];
        row->rank_published = rx[k];
        row->rank_measured = ry[k];
        row->tied_published = tx[k];
        row->tied_measured = ty[k];
    }
    if (pb_kendall(x, y, n, &out->tau, err) < 0)
        goto cleanup;
    out->swaps = calloc(out->tau.nswapped ? out->tau.nswapped : 1, sizeof *out->swaps);
    if (!out->swaps) {
        pb_error_set(err, "out of memory");
        goto cleanup;
    }
    /* rows go by published value, so in a discordant pair (i < j) the
     * paper has i cheaper (a tie would not be discordant) */
    for (size_t s = 0; s < out->tau.nswapped; s++) {
        struct pb_published_row *a = &out->rows[at[out->tau.swapped[s].i]];
        struct pb_published_row *b = &out->rows[at[out->tau.swapped[s].j]];
        out->swaps[out->nswaps++] = (struct pb_published_swap){ a, b };
        a->swaps++;
        b->swaps++;
    }
    rc = 0;

cleanup:
    free(at);
    free(x);
    free(y);
    free(rx);
    free(ry);
    free(tx);
    free(ty);
    return rc;
}

int pb_published_compare(const struct pb_summary_set *set, const struct pb_reference *ref,
                         const char *python, struct pb_published *out, struct pb_error *err)
{
    memset(out, 0, sizeof *out);
    out->ref = ref;
    out->tau.tau_b = NAN;
    if (fill_rows(set, ref, python, out) < 0 || fill_extra(set, ref, python, out) < 0)
        return pb_error_set(err, "out of memory");
    return compare_orders(out, err);
}

void pb_published_release(struct pb_published *p)
{
    free(p->rows);
    free(p->extra);
    free(p->swaps);
    pb_kendall_release(&p->tau);
    memset(p, 0, sizeof *p);
    p->tau.tau_b = NAN;
}

size_t pb_published_pythons(const struct pb_summary_set *set, const char **out, size_t cap)
{
    size_t n = 0;

    for (size_t i = 0; i < set->nprofilers; i++) {
        const char *py = set->profilers[i].sum->python;
        size_t k = 0;
        if (!py)
            continue;
        while (k < n && strcmp(out[k], py))
            k++;
        if (k == n && n < cap)
            out[n++] = py;
    }
    for (size_t i = 1; i < n; i++)                  /* 3.9 before 3.10 */
        for (size_t j = i; j > 0 && strverscmp(out[j], out[j - 1]) < 0; j--) {
            const char *t = out[j];
            out[j] = out[j - 1];
            out[j - 1] = t;
        }
    return n;
}
