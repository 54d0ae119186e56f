/*
 * truth: the truth lines of the truth workloads' runs, and the summary
 * of a workload's plain rounds. See truth.h.
 */
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/truth.h"
#include "util/fs.h"

static double num(const json_t *o, const char *key)
{
    json_t *v = json_object_get(o, key);
    return json_is_number(v) ? json_number_value(v) : NAN;
}

/* A line number: INT_MIN when absent (what a cast of NAN gives on x86,
 * which no line matches). */
static int inum(const json_t *o, const char *key)
{
    double v = num(o, key);
    return isnan(v) || v < INT_MIN || v > INT_MAX ? INT_MIN : (int)v;
}

static const char *str(const json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));
    return s ? s : "";
}

json_t *pb_truth_read(const char *dir, const char *outdir)
{
    char path[PATH_MAX];
    FILE *f;
    char *line = NULL;
    size_t cap = 0;
    json_t *t = NULL;

    snprintf(path, sizeof path, "%s/%s/stdout.txt", dir, outdir);
    f = pb_fopen_regular(path);
    if (!f)
        return NULL;
    while (getline(&line, &cap, f) > 0) {
        if (strncmp(line, "{\"pbench_truth\"", 15))
            continue;
        t = json_loads(line, 0, NULL);
        if (json_is_object(t))
            break;
        json_decref(t);
        t = NULL;
    }
    free(line);
    fclose(f);
    return t;
}

/* Shares of a raw truth's parts, normalized to sum to 1, into sh.
 * Returns the number of parts, 0 when the truth has none usable. */
static size_t raw_shares(const json_t *truth, double *sh)
{
    json_t *parts = json_object_get(truth, "parts"), *p;
    size_t i, n = 0;
    double sum = 0;

    json_array_foreach(parts, i, p) {
        if (n == PB_TRUTH_MAX_PARTS)
            break;
        sh[n] = num(p, "share");
        if (isnan(sh[n]) || sh[n] < 0)
            return 0;
        sum += sh[n++];
    }
    if (sum <= 0)
        return 0;
    for (i = 0; i < n; i++)
        sh[i] /= sum;
    return n;
}

static long raw_part(const json_t *parts, const char *name)
{
    size_t i;
    json_t *p;
    json_array_foreach(parts, i, p)
        if (!strcmp(str(p, "name"), name))
            return (long)i;
    return -1;
}

double pb_truth_raw_share(const json_t *truth, const char *focus)
{
    double sh[PB_TRUTH_MAX_PARTS];
    size_t n = raw_shares(truth, sh);
    long i;

    if (!n)
        return NAN;
    i = raw_part(json_object_get(truth, "parts"), focus);
    return i >= 0 && (size_t)i < n ? sh[i] : NAN;
}

/* The part k of the first round's truth, with room for n per-round
 * shares. */
static void summarize_part(struct pb_accuracy *acc, const json_t *p, size_t n,
                           struct pb_acc_part *part)
{
    json_t *fns = json_object_get(p, "functions"), *f;
    size_t i;

    part->name = pb_accuracy_strdup(acc, str(p, "name"));
    part->root = pb_accuracy_strdup(acc, str(p, "root"));
    part->functions = json_array_size(fns)
        ? pb_accuracy_alloc(acc, json_array_size(fns) * sizeof *part->functions) : NULL;
    json_array_foreach(fns, i, f)
        if (part->functions && json_is_string(f))
            part->functions[part->nfunctions++] = pb_accuracy_strdup(acc, json_string_value(f));
    part->shares = pb_accuracy_alloc(acc, n * sizeof *part->shares);
    part->share = NAN;
}

void pb_truth_summarize(struct pb_accuracy *acc, const char *workload,
                        const struct pb_truth_round *rounds, size_t n, struct pb_acc_truth *out)
{
    const json_t *first = rounds[0].truth;
    json_t *fparts = json_object_get(first, "parts");
    double mean[PB_TRUTH_MAX_PARTS] = { 0 }, nat = 0;
    size_t nparts = json_array_size(fparts), i, k, nok = 0, nnat = 0;
    const char *focus = str(first, "focus");
    long fi = raw_part(fparts, focus);

    memset(out, 0, sizeof *out);
    if (nparts > PB_TRUTH_MAX_PARTS)
        nparts = PB_TRUTH_MAX_PARTS;
    out->workload = pb_accuracy_strdup(acc, workload);
    out->kind = pb_accuracy_strdup(acc, str(first, "kind"));
    out->script = pb_accuracy_strdup(acc, str(first, "script"));
    out->focus = focus[0] ? pb_accuracy_strdup(acc, focus) : NULL;
    out->params = pb_accuracy_keep(acc, json_object_get(first, "params"));
    out->lines = pb_accuracy_keep(acc, json_object_get(first, "lines"));
    out->memory = pb_accuracy_keep(acc, json_object_get(first, "memory"));
    out->functions = pb_accuracy_keep(acc, json_object_get(first, "functions"));
    out->parts = nparts ? pb_accuracy_alloc(acc, nparts * sizeof *out->parts) : NULL;
    out->runs = pb_accuracy_alloc(acc, n * sizeof *out->runs);
    out->share_sums = pb_accuracy_alloc(acc, n * sizeof *out->share_sums);
    if ((nparts && !out->parts) || !out->runs || !out->share_sums)
        return;                     /* acc is marked out of memory */
    out->nparts = nparts;
    for (k = 0; k < nparts; k++)
        summarize_part(acc, json_array_get(fparts, k), n, &out->parts[k]);

    for (i = 0; i < n; i++) {
        const json_t *t = rounds[i].truth;
        double sh[PB_TRUTH_MAX_PARTS];
        out->runs[i].round = rounds[i].round;
        out->runs[i].raw_dir = pb_accuracy_strdup(acc, rounds[i].raw_dir);
        if (!isnan(num(t, "share_sum")))
            out->share_sums[out->nshare_sums++] = num(t, "share_sum");
        if (!isnan(num(t, "native_fraction"))) {
            nat += num(t, "native_fraction");
            nnat++;
        }
        if (nparts && raw_shares(t, sh) == nparts) {
            for (k = 0; k < nparts; k++) {
                mean[k] += sh[k];
                if (out->parts[k].shares)
                    out->parts[k].shares[out->parts[k].nshares++] = sh[k];
            }
            nok++;
        }
    }
    out->nruns = n;
    for (k = 0; k < nparts && nok; k++)
        out->parts[k].share = mean[k] / (double)nok;
    out->focus_share = fi >= 0 && (size_t)fi < nparts && nok ? mean[fi] / (double)nok : NAN;
    out->native_fraction = nnat ? nat / (double)nnat : NAN;
}

long pb_truth_part(const struct pb_acc_truth *t, const char *name)
{
    for (size_t i = 0; i < t->nparts; i++)
        if (t->parts[i].name && !strcmp(t->parts[i].name, name))
            return (long)i;
    return -1;
}

const char *pb_truth_function(const struct pb_acc_truth *t)
{
    long fi = pb_truth_part(t, t->focus ? t->focus : "");
    if (fi >= 0)
        return t->parts[fi].root ? t->parts[fi].root : "";
    return str(t->memory, "function");
}

double pb_truth_param(const struct pb_acc_truth *t, const char *name)
{
    return num(t->params, name);
}

size_t pb_truth_known_lines(const struct pb_acc_truth *t, int *lines, size_t max)
{
    size_t n = 0, i;
    json_t *l;

    json_array_foreach(t->lines, i, l)
        if (n < max)
            lines[n++] = inum(l, "line");
    if (t->memory && n + 2 <= max) {
        lines[n++] = inum(t->memory, "line");
        lines[n++] = inum(t->memory, "touch_line");
    }
    if (!n) {
        long fi = pb_truth_part(t, t->focus ? t->focus : "");
        const char *root = fi >= 0 && t->parts[fi].root ? t->parts[fi].root : "";
        json_t *fn = fi >= 0 ? json_object_get(t->functions, root) : NULL;
        if (fn)
            for (int k = inum(fn, "first_line") + 1; k <= inum(fn, "last_line") && n < max; k++)
                lines[n++] = k;
    }
    return n;
}

int pb_truth_memory(const struct pb_acc_truth *t, struct pb_truth_memory *m)
{
    m->alloc_mb = num(t->memory, "alloc_mb");
    m->touched_mb = num(t->memory, "touched_mb");
    m->line = inum(t->memory, "line");
    m->touch_line = inum(t->memory, "touch_line");
    m->function = str(t->memory, "function");
    return t->memory != NULL;
}
