/*
 * report_published: the report's "Published versus measured" section,
 * when a reference file was given (pbench report --reference): the
 * reference's figures beside the measured ones, the ranks, Kendall's tau
 * and the profilers whose order changed (analysis/published.h).
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "analysis/published.h"
#include "output/report_section.h"
#include "util/text.h"

/* "1", or "2=" when it shares the rank. */
static void fmt_rank(char *buf, size_t n, int rank, int tied)
{
    snprintf(buf, n, "%d%s", rank, tied ? "=" : "");
}

/* Where the figures come from, what they are and what they are compared
 * with. */
static void intro(FILE *f, const struct pb_report_ctx *c, const struct pb_reference *ref)
{
    const struct pb_summary_set *set = c->set;
    int any_python = 0;

    fprintf(f, "Compared with **");
    pb_md_text(f, ref->name, 0);
    fprintf(f, "**: ");
    if (ref->authors) {
        pb_md_text(f, ref->authors, 0);
        fprintf(f, ", ");
    }
    fprintf(f, "*");
    pb_md_text(f, ref->title, 0);
    fprintf(f, "*, ");
    pb_md_text(f, ref->venue, 0);
    fprintf(f, "; ");
    pb_md_text(f, ref->table, 0);
    if (ref->url) {
        fprintf(f, " (");
        pb_md_text(f, ref->url, 0);
        fprintf(f, ")");
    }
    fprintf(f, ". Reference file: ");
    pb_md_code(f, ref->path);
    fprintf(f, "%s.\n\n", ref->shipped ? " (shipped with pbench)" : "");

    fprintf(f, "**Published**: ");
    pb_md_text(f, ref->description, 0);
    fprintf(f, ", on ");
    pb_md_text(f, ref->python, 0);
    if (ref->benchmarks) {
        fprintf(f, "; benchmarks: ");
        pb_md_text(f, ref->benchmarks, 0);
    }
    if (ref->machine) {
        fprintf(f, "; machine: ");
        pb_md_text(f, ref->machine, 0);
    }
    fprintf(f, ".  \n**Measured**: the same statistic, the %s, over this report's workloads: "
            "for each profiler, the %s over its workloads of the wall-time ratio to the "
            "baseline, a timed-out workload counted at its lower bound",
            pb_reference_stat_name(ref->statistic), pb_reference_stat_name(ref->statistic));
    for (size_t r = 0; r < set->nruns; r++) {
        const struct pb_meta *m = &set->runs[r]->meta;
        int seen = 0;

        if (!m->python_version)
            continue;
        for (size_t q = 0; q < r; q++)
            seen |= set->runs[q]->meta.python_version
                    && !strcmp(set->runs[q]->meta.python_version, m->python_version);
        if (seen)
            continue;
        fprintf(f, "%s", any_python++ ? ", " : ", on ");
        pb_md_text(f, m->python_implementation ? m->python_implementation : "Python", 0);
        fprintf(f, " ");
        pb_md_text(f, m->python_version, 0);
    }
    fprintf(f, "; pbench's geometric mean is beside it. The workloads, the Python and the "
            "machine are not the paper's: the order of the profilers says more than the "
            "values.\n\n");
}

/* A row of the table. */
static void row(FILE *f, const struct pb_published_row *r)
{
    char pub[32], meas[48], geo[32], rp[16], rm[16];

    pb_fmt_ratio(r->published, pub, sizeof pub);
    fprintf(f, "| ");
    pb_md_text(f, r->entry->paper, 0);
    fprintf(f, " | ");
    pb_md_text(f, r->profiler ? r->profiler : "–", 0);
    fprintf(f, " | %s | ", pub);
    switch (r->state) {
    case PB_PUBLISHED_NOT_IN_PBENCH:
        fprintf(f, "not in pbench | | | | | |\n");
        return;
    case PB_PUBLISHED_NOT_MEASURED:
        fprintf(f, "not measured here | | | | | |\n");
        return;
    case PB_PUBLISHED_NO_FIGURE:
        fprintf(f, "no result (failed) | | | | | |\n");
        return;
    default:
        break;
    }
    pb_report_fmt_bound(meas, sizeof meas, r->measured, r->measured_bound);
    pb_report_fmt_bound(geo, sizeof geo, r->geomean, r->geomean_bound);
    fmt_rank(rp, sizeof rp, r->rank_published, r->tied_published);
    fmt_rank(rm, sizeof rm, r->rank_measured, r->tied_measured);
    fprintf(f, "**%s** | %d", meas, r->workloads);
    if (r->bounds)
        fprintf(f, " (%d timed out)", r->bounds);
    fprintf(f, " | %s | %s%.2f | %s | %s |\n", geo, r->measured_bound ? "≥" : "", r->ratio, rp,
            rm);
}

/* Kendall's tau and the pairs behind it. */
static void agreement(FILE *f, const struct pb_published *p)
{
    const struct pb_kendall *k = &p->tau;
    size_t tied = k->tied_x + k->tied_y + k->tied_both;

    if (p->ncompared < 2) {
        fprintf(f, "Kendall's τ needs at least two profilers both published and measured; "
                "there %s %zu.\n\n", p->ncompared == 1 ? "is" : "are", p->ncompared);
        return;
    }
    fprintf(f, "**Kendall's τ-b = ");
    if (isnan(k->tau_b))
        fprintf(f, "undefined");
    else
        fprintf(f, "%.2f", k->tau_b);
    fprintf(f, "** between the published and the measured order of the %zu profilers both "
            "published and measured (%zu pair%s: %zu in the same order, %zu swapped",
            p->ncompared, k->pairs, k->pairs == 1 ? "" : "s", k->concordant, k->discordant);
    if (k->tied_x)
        fprintf(f, ", %zu tied in the paper only", k->tied_x);
    if (k->tied_y)
        fprintf(f, ", %zu tied here only", k->tied_y);
    if (k->tied_both)
        fprintf(f, ", %zu tied in both", k->tied_both);
    fprintf(f, "). 1 is the same order, 0 no relation, −1 the reverse%s.\n\n",
            tied ? "; a tie counts as neither agreement nor disagreement" : "");

    if (!p->nswaps) {
        fprintf(f, "**Order changed**: none; every pair the paper orders, pbench orders the "
                "same way.\n\n");
        return;
    }
    fprintf(f, "**Order changed** for ");
    for (size_t i = 0, n = 0; i < p->nrows; i++) {
        if (!p->rows[i].swaps)
            continue;
        fprintf(f, "%s", n++ ? ", " : "");
        pb_md_text(f, p->rows[i].profiler, 0);
    }
    fprintf(f, " (%zu pair%s):\n\n", p->nswaps, p->nswaps == 1 ? "" : "s");
    for (size_t s = 0; s < p->nswaps; s++) {
        const struct pb_published_row *a = p->swaps[s].cheaper, *b = p->swaps[s].dearer;
        char pa[32], pb[32], ma[48], mb[48];

        pb_fmt_ratio(a->published, pa, sizeof pa);
        pb_fmt_ratio(b->published, pb, sizeof pb);
        pb_report_fmt_bound(ma, sizeof ma, a->measured, a->measured_bound);
        pb_report_fmt_bound(mb, sizeof mb, b->measured, b->measured_bound);
        fprintf(f, "- ");
        pb_md_text(f, a->profiler, 0);
        fprintf(f, " and ");
        pb_md_text(f, b->profiler, 0);
        fprintf(f, " swapped: the paper has ");
        pb_md_text(f, a->profiler, 0);
        fprintf(f, " cheaper (%s against %s), here it is dearer (%s against %s)\n", pa, pb, ma,
                mb);
    }
    fprintf(f, "\n");
}

/* The profilers on one side only. */
static void one_side(FILE *f, const struct pb_published *p)
{
    static const struct {
        enum pb_published_state state;
        const char *why;
    } kinds[] = {
        { PB_PUBLISHED_NOT_IN_PBENCH, "not in pbench" },
        { PB_PUBLISHED_NOT_MEASURED, "not in these results" },
        { PB_PUBLISHED_NO_FIGURE, "no wall-time result: failed on every workload" },
    };
    int any = 0;

    for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
        int n = 0;
        for (size_t i = 0; i < p->nrows; i++) {
            if (p->rows[i].state != kinds[k].state)
                continue;
            fprintf(f, "%s", n++ ? ", " : any++ ? "; " : "**Published, not compared**: ");
            pb_md_text(f, p->rows[i].entry->paper, 0);
        }
        if (n)
            fprintf(f, " (%s)", kinds[k].why);
    }
    if (any)
        fprintf(f, ".\n\n");
    if (!p->nextra)
        return;
    fprintf(f, "**Measured, not in the reference**: ");
    for (size_t i = 0; i < p->nextra; i++) {
        const struct pb_published_row *r = &p->extra[i];
        char m[48];

        pb_report_fmt_bound(m, sizeof m, r->measured, r->measured_bound);
        fprintf(f, "%s", i ? ", " : "");
        pb_md_text(f, r->profiler, 0);
        fprintf(f, " (%s %s)", r->workloads ? m : "no result",
                r->workloads ? pb_reference_stat_name(p->ref->statistic) : "");
    }
    fprintf(f, ".\n\n");
}

/* The reference's own notes on its figures. */
static void notes(FILE *f, const struct pb_published *p)
{
    int n = 0;

    for (size_t i = 0; i < p->nrows; i++) {
        const struct pb_reference_entry *e = p->rows[i].entry;
        if (!e->note)
            continue;
        if (!n++)
            fprintf(f, "<sub>Notes of the reference file:");
        fprintf(f, " ");
        pb_md_text(f, e->paper, 0);
        fprintf(f, ": ");
        pb_md_text(f, e->note, 0);
        fprintf(f, ".");
    }
    if (p->ref->note) {
        fprintf(f, "%s", n++ ? " " : "<sub>");
        pb_md_text(f, p->ref->note, 0);
    }
    if (n)
        fprintf(f, "</sub>\n\n");
}

/* The comparison on one interpreter (python NULL: without the axis). */
static int one_python(FILE *f, const struct pb_report_ctx *c, const char *python)
{
    struct pb_published p;
    struct pb_error err;
    int any_timeout = 0;

    if (pb_published_compare(c->set, c->reference, python, &p, &err) < 0) {
        pb_published_release(&p);
        return -1;
    }
    if (python) {
        fprintf(f, "### Measured on Python ");
        pb_md_text(f, python, 0);
        fprintf(f, "\n\n");
    }
    fprintf(f, "| profiler in the paper | pbench profiler | published | measured %s "
            "| workloads | geo. mean | measured ÷ published | rank published "
            "| rank measured |\n", pb_reference_stat_name(c->reference->statistic));
    fprintf(f, "|---|---|---:|---:|---:|---:|---:|---:|---:|\n");
    for (size_t i = 0; i < p.nrows; i++) {
        row(f, &p.rows[i]);
        any_timeout |= p.rows[i].bounds > 0;
    }
    fprintf(f, "\nRows in the paper's order. Ranks are among the %zu profilers both published "
            "and measured, cheapest first; n= shares rank n.", p.ncompared);
    if (any_timeout)
        fprintf(f, " A timed-out workload enters the %s at its lower bound; the %s is marked "
                "≥ only when such a bound sits at or below it (a bound above cannot move it).",
                pb_reference_stat_name(c->reference->statistic),
                pb_reference_stat_name(c->reference->statistic));
    fprintf(f, "\n\n");
    agreement(f, &p);
    one_side(f, &p);
    notes(f, &p);
    pb_published_release(&p);
    return 0;
}

int pb_report_sec_published(FILE *f, const struct pb_report_ctx *c)
{
    const char *pythons[16];
    size_t n;

    if (!c->reference)
        return 0;
    n = pb_published_pythons(c->set, pythons, 16);
    fprintf(f, "## Published versus measured\n\n");
    intro(f, c, c->reference);
    if (n == 0)
        return one_python(f, c, NULL);
    for (size_t i = 0; i < n; i++)
        if (one_python(f, c, pythons[i]) < 0)
            return -1;
    return 0;
}
