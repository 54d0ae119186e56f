/* A published-versus-measured comparison as terminal text. See
 * published_table.h. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "output/published_table.h"

/* s with control characters as '?', at most max bytes (then '~'), so a
 * name from a file cannot move the cursor or break a column. */
static const char *plain(const char *s, size_t max, char *buf, size_t n)
{
    size_t k = 0;

    for (; s && *s && k + 1 < n && k < max; s++)
        buf[k++] = (unsigned char)*s < 0x20 || *s == 0x7f ? '?' : *s;
    if (s && *s && k > 0)
        buf[k - 1] = '~';
    buf[k] = '\0';
    return buf;
}

/* text (made plain) as words filling lines of at most width columns,
 * every line but the first starting with indent spaces. */
static void wrap(FILE *out, const char *text, int indent, int width)
{
    char buf[1024], *word, *save = NULL;
    int col = indent;

    plain(text, sizeof buf - 1, buf, sizeof buf);
    for (word = strtok_r(buf, " ", &save); word; word = strtok_r(NULL, " ", &save)) {
        int len = (int)strlen(word);
        if (col > indent && col + 1 + len > width) {
            fprintf(out, "\n%*s", indent, "");
            col = indent;
        }
        fprintf(out, "%s%s", col > indent ? " " : "", word);
        col += (col > indent) + len;
    }
    fprintf(out, "\n");
}

/* "1.73x", ">=148x", "-". */
static const char *ratio(double v, int bound, char *buf, size_t n)
{
    if (isnan(v))
        snprintf(buf, n, "-");
    else
        snprintf(buf, n, "%s%.*fx", bound ? ">=" : "", v < 9.995 ? 2 : v < 99.95 ? 1 : 0, v);
    return buf;
}

static void row(FILE *out, const struct pb_published_row *r)
{
    char a[48], b[48], c[32], d[32], e[32], rp[16], rm[16], w[24];

    fprintf(out, "  %-16s %-16s %9s  ", plain(r->entry->paper, 16, a, sizeof a),
            plain(r->profiler ? r->profiler : "-", 16, b, sizeof b),
            ratio(r->published, 0, c, sizeof c));
    switch (r->state) {
    case PB_PUBLISHED_NOT_IN_PBENCH:
        fprintf(out, "not in pbench\n");
        return;
    case PB_PUBLISHED_NOT_MEASURED:
        fprintf(out, "not measured here\n");
        return;
    case PB_PUBLISHED_NO_FIGURE:
        fprintf(out, "no result (failed)\n");
        return;
    default:
        break;
    }
    snprintf(rp, sizeof rp, "%d%s", r->rank_published, r->tied_published ? "=" : "");
    snprintf(rm, sizeof rm, "%d%s", r->rank_measured, r->tied_measured ? "=" : "");
    if (r->bounds)
        snprintf(w, sizeof w, "%d (%d t/o)", r->workloads, r->bounds);
    else
        snprintf(w, sizeof w, "%d", r->workloads);
    fprintf(out, "%9s  %-11s %9s  %s%.2f  %4s  %4s\n", ratio(r->measured, r->measured_bound, d,
            sizeof d), w, ratio(r->geomean, r->geomean_bound, e, sizeof e),
            r->measured_bound ? ">=" : "  ", r->ratio, rp, rm);
}

static void swaps(FILE *out, const struct pb_published *p)
{
    if (!p->nswaps) {
        fprintf(out, "  order changed: none\n");
        return;
    }
    fprintf(out, "  order changed (%zu pair%s):\n", p->nswaps, p->nswaps == 1 ? "" : "s");
    for (size_t s = 0; s < p->nswaps; s++) {
        const struct pb_published_row *x = p->swaps[s].cheaper, *y = p->swaps[s].dearer;
        char a[48], b[48], pa[32], pb[32], ma[32], mb[32];

        plain(x->profiler, 32, a, sizeof a);
        plain(y->profiler, 32, b, sizeof b);
        fprintf(out, "    %s and %s swapped: published %s < %s, measured %s > %s\n", a, b,
                ratio(x->published, 0, pa, sizeof pa), ratio(y->published, 0, pb, sizeof pb),
                ratio(x->measured, x->measured_bound, ma, sizeof ma),
                ratio(y->measured, y->measured_bound, mb, sizeof mb));
    }
}

void pb_published_print(FILE *out, const struct pb_published *p)
{
    const struct pb_reference *ref = p->ref;
    const struct pb_kendall *k = &p->tau;
    const char *stat = pb_reference_stat_name(ref->statistic);
    char a[256], b[512];

    fprintf(out, "\nPublished versus measured: %s\n", plain(ref->name, 200, a, sizeof a));
    snprintf(b, sizeof b, "%s, on %s", ref->description, ref->python);
    fprintf(out, "  published: ");
    wrap(out, b, 13, 78);
    snprintf(b, sizeof b, "the %s over the workloads of the wall-time ratio to the "
             "baseline (a timed-out workload at its lower bound); geomean: pbench's "
             "geometric mean", stat);
    fprintf(out, "  measured:  ");
    wrap(out, b, 13, 78);
    fprintf(out, "\n");
    fprintf(out, "  %-16s %-16s %9s  %9s  %-11s %9s  %6s  %4s  %4s\n", "paper", "pbench",
            "published", stat, "workloads", "geomean", "ratio", "rank", "rank");
    fprintf(out, "  %-16s %-16s %9s  %9s  %-11s %9s  %6s  %4s  %4s\n", "", "", "", "", "", "",
            "", "pub", "meas");
    for (size_t i = 0; i < p->nrows; i++)
        row(out, &p->rows[i]);
    fprintf(out, "\n");
    if (p->ncompared < 2)
        fprintf(out, "  Kendall's tau-b: needs two profilers both published and measured "
                "(there %s %zu)\n", p->ncompared == 1 ? "is" : "are", p->ncompared);
    else {
        fprintf(out, "  Kendall's tau-b = ");
        if (isnan(k->tau_b))
            fprintf(out, "undefined");
        else
            fprintf(out, "%.2f", k->tau_b);
        fprintf(out, " over %zu profilers (%zu pairs: %zu same order, %zu swapped, %zu tied)\n",
                p->ncompared, k->pairs, k->concordant, k->discordant,
                k->tied_x + k->tied_y + k->tied_both);
        swaps(out, p);
    }
    if (p->nextra) {
        fprintf(out, "  measured, not in the reference:");
        for (size_t i = 0; i < p->nextra; i++) {
            char m[32];
            fprintf(out, "%s %s %s", i ? "," : "", plain(p->extra[i].profiler, 32, a, sizeof a),
                    ratio(p->extra[i].measured, p->extra[i].measured_bound, m, sizeof m));
        }
        fprintf(out, "\n");
    }
}
