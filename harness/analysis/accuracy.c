/*
 * accuracy (analysis): the truths of the plain runs and the attributions
 * of the profiled runs -> attribution errors (and, with capability.c,
 * the capability matrix) in a struct pb_accuracy. See accuracy.h.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/accuracy.h"
#include "analysis/attribution.h"
#include "analysis/capability.h"
#include "analysis/truth.h"
#include "store/resolved.h"
#include "util/fs.h"

/* ---- what the run's resolved config says ------------------------------ */

int pb_accuracy_is_hot(const struct pb_accuracy_source *src, const char *workload,
                       const char *function)
{
    const struct pb_resolved_workload *w = pb_resolved_workload(&src->resolved, workload);

    for (size_t i = 0; w && i < w->hot.n; i++)
        if (!strcmp(w->hot.v[i], function))
            return 1;
    return 0;
}

int pb_accuracy_takes_hot(const struct pb_accuracy_source *src, const char *profiler)
{
    const struct pb_resolved_profiler *p = pb_resolved_profiler(&src->resolved, profiler);

    for (size_t i = 0; p && i < p->command.n; i++)
        if (strstr(p->command.v[i], "{hot}"))
            return 1;
    return 0;
}

/* ---- loading a results directory --------------------------------------- */

int pb_accuracy_has_truths(const char *dir)
{
    struct pb_error err;
    struct pb_run_list runs = { 0 };
    struct pb_resolved resolved;
    int found = 0;

    if (pb_resolved_load(dir, &resolved, &err) < 0)
        return 0;
    if (pb_records_read(dir, 1, &runs, &err) == 0)
        for (size_t i = 0; i < runs.n && !found; i++) {
            const struct pb_run_record *r = &runs.items[i];
            if (strcmp(r->profiler, resolved.baseline) || r->status != PB_RUN_OK || r->round < 0)
                continue;
            json_t *t = pb_truth_read(dir, r->outdir);
            found = t != NULL;
            json_decref(t);
        }
    pb_records_release(&runs);
    pb_resolved_release(&resolved);
    return found;
}

static const struct pb_acc_truth *truth_of(const struct pb_accuracy *acc, const char *workload)
{
    for (size_t i = 0; i < acc->ntruths; i++)
        if (!strcmp(acc->truths[i].workload, workload))
            return &acc->truths[i];
    return NULL;
}

/* The truths of the baseline's ok rounds, one summary per workload in
 * the order their first plain run ran. */
static int load_truths(struct pb_accuracy_source *src, struct pb_error *err)
{
    struct pb_accuracy *acc = src->acc;
    size_t cap = src->runs.n + 1, n = 0, nnames = 0, i, k;
    struct pb_truth_round *all = calloc(cap, sizeof *all), *mine = calloc(cap, sizeof *mine);
    const char **of = calloc(cap, sizeof *of), **names = calloc(cap, sizeof *names);
    int rc = -1;

    if (!all || !mine || !of || !names) {
        pb_error_set(err, "out of memory");
        goto cleanup;
    }
    for (i = 0; i < src->runs.n; i++) {
        const struct pb_run_record *r = &src->runs.items[i];
        if (strcmp(r->profiler, src->baseline) || r->round < 0 || r->status != PB_RUN_OK)
            continue;
        json_t *t = pb_truth_read(src->dir, r->outdir);
        if (!t)
            continue;
        for (k = 0; k < nnames && strcmp(names[k], r->workload); k++)
            ;
        if (k == nnames)
            names[nnames++] = r->workload;
        of[n] = r->workload;
        all[n++] = (struct pb_truth_round){ r->round, r->outdir, t };
    }
    if (!nnames) {
        pb_error_set(err, "'%s': no plain run printed a truth (is this a run of configs/accuracy.yaml, "
                     "with the truth workloads and --truth-out -?)", src->dir);
        goto cleanup;
    }
    acc->truths = pb_accuracy_alloc(acc, nnames * sizeof *acc->truths);
    if (!acc->truths) {
        pb_error_set(err, "out of memory");
        goto cleanup;
    }
    for (k = 0; k < nnames; k++) {
        size_t m = 0;
        for (i = 0; i < n; i++)
            if (!strcmp(of[i], names[k]))
                mine[m++] = all[i];
        pb_truth_summarize(acc, names[k], mine, m, &acc->truths[acc->ntruths++]);
    }
    rc = 0;

cleanup:
    for (i = 0; all && i < n; i++)
        json_decref((json_t *)all[i].truth);
    free(all);
    free(mine);
    free(of);
    free(names);
    return rc;
}

/* Files probe number i under its (workload, profiler), by round: runs.jsonl
 * is in the shuffled order they ran, and "the first run" that decides a
 * cell is the lowest round. Returns 0 or -1 (out of memory). */
static int add_to_pair(struct pb_accuracy_source *src, size_t i)
{
    const struct pb_run_record *r = src->probes[i].run;
    struct pb_accuracy_pair *pair = (struct pb_accuracy_pair *)pb_accuracy_pair(src, r->workload,
                                                                                r->profiler);
    size_t *grown, at;

    if (!pair) {
        struct pb_accuracy_pair *pairs = realloc(src->pairs, (src->npairs + 1) * sizeof *pairs);
        if (!pairs)
            return -1;
        src->pairs = pairs;
        pair = &pairs[src->npairs++];
        memset(pair, 0, sizeof *pair);
        pair->workload = r->workload;
        pair->profiler = r->profiler;
    }
    grown = realloc(pair->probes, (pair->n + 1) * sizeof *grown);
    if (!grown)
        return -1;
    pair->probes = grown;
    for (at = pair->n; at > 0 && src->probes[pair->probes[at - 1]].run->round > r->round; at--)
        pair->probes[at] = pair->probes[at - 1];
    pair->probes[at] = i;
    pair->n++;
    return 0;
}

/* Every other run of a truth workload is a probe. */
static int load_probes(struct pb_accuracy_source *src, struct pb_error *err)
{
    src->probes = calloc(src->runs.n + 1, sizeof *src->probes);
    if (!src->probes)
        return pb_error_set(err, "out of memory");
    for (size_t i = 0; i < src->runs.n; i++) {
        const struct pb_run_record *r = &src->runs.items[i];
        const struct pb_acc_truth *truth = truth_of(src->acc, r->workload);
        struct pb_accuracy_probe *p = &src->probes[src->nprobes];
        const struct pb_resolved_workload *wc;

        if (!truth || !strcmp(r->profiler, src->baseline) || r->round < 0)
            continue;
        wc = pb_resolved_workload(&src->resolved, r->workload);
        p->run = r;
        p->script = wc && wc->script ? wc->script : truth->script ? truth->script : "";
        if (r->status == PB_RUN_OK)
            p->own_truth = pb_truth_read(src->dir, r->outdir);
        if (add_to_pair(src, src->nprobes++) < 0)
            return pb_error_set(err, "out of memory");
    }
    return 0;
}

int pb_accuracy_source_load(struct pb_accuracy_source *src, const char *dir, struct pb_error *err)
{
    memset(src, 0, sizeof *src);
    src->dir = dir;
    src->acc = pb_accuracy_new();
    if (!src->acc)
        return pb_error_set(err, "out of memory");
    if (pb_resolved_load(dir, &src->resolved, err) < 0)
        return -1;
    if (pb_records_read(dir, 0, &src->runs, err) < 0)
        return -1;
    if (src->runs.warning[0]) {
        src->acc->warnings = pb_accuracy_alloc(src->acc, sizeof *src->acc->warnings);
        if (src->acc->warnings)
            src->acc->warnings[src->acc->nwarnings++] = pb_accuracy_strdup(src->acc, src->runs.warning);
    }
    src->baseline = src->resolved.baseline;
    src->python = src->resolved.python ? src->resolved.python : "";
    src->profilers = calloc(src->resolved.nprofilers + 1, sizeof *src->profilers);
    if (!src->profilers)
        return pb_error_set(err, "out of memory");
    for (size_t i = 0; i < src->resolved.nprofilers; i++)
        if (!src->resolved.profilers[i].baseline)
            src->profilers[src->nprofilers++] = src->resolved.profilers[i].name;
    if (load_truths(src, err) < 0)
        return -1;
    return load_probes(src, err);
}

void pb_accuracy_source_release(struct pb_accuracy_source *src)
{
    for (size_t i = 0; i < src->nprobes; i++) {
        json_decref(src->probes[i].own_truth);
        json_decref(src->probes[i].attr);
        free(src->probes[i].attribution);
        free(src->probes[i].adapter_error);
    }
    for (size_t i = 0; i < src->npairs; i++)
        free(src->pairs[i].probes);
    free(src->probes);
    free(src->pairs);
    free(src->profilers);
    pb_records_release(&src->runs);
    pb_resolved_release(&src->resolved);
    pb_accuracy_free(src->acc);
    memset(src, 0, sizeof *src);
}

const struct pb_accuracy_pair *pb_accuracy_pair(const struct pb_accuracy_source *src,
                                                const char *workload, const char *profiler)
{
    for (size_t i = 0; i < src->npairs; i++)
        if (!strcmp(src->pairs[i].workload, workload) && !strcmp(src->pairs[i].profiler, profiler))
            return &src->pairs[i];
    return NULL;
}

static int by_workload(const void *a, const void *b)
{
    return strcmp((*(const struct pb_acc_truth *const *)a)->workload,
                  (*(const struct pb_acc_truth *const *)b)->workload);
}

const struct pb_acc_truth **pb_accuracy_sorted_truths(const struct pb_accuracy_source *src)
{
    const struct pb_accuracy *acc = src->acc;
    const struct pb_acc_truth **t = acc->ntruths ? malloc(acc->ntruths * sizeof *t) : NULL;

    for (size_t i = 0; t && i < acc->ntruths; i++)
        t[i] = &acc->truths[i];
    if (t)
        qsort(t, acc->ntruths, sizeof *t, by_workload);
    return t;
}

void pb_accuracy_ref(struct pb_accuracy *acc, const struct pb_accuracy_probe *p,
                     struct pb_acc_run_ref *ref)
{
    ref->workload = pb_accuracy_strdup(acc, p->run->workload);
    ref->profiler = pb_accuracy_strdup(acc, p->run->profiler);
    ref->round = p->run->round;
    ref->raw_dir = pb_accuracy_strdup(acc, p->run->outdir);
    ref->attribution = pb_accuracy_strdup(acc, p->attribution);
}

const json_t *pb_accuracy_usable(const struct pb_accuracy_probe *p)
{
    return p->attr && !p->adapter_error && pb_attr_usable(p->attr) ? p->attr : NULL;
}

const char *pb_accuracy_adapter_error(const struct pb_accuracy_probe *p)
{
    if (p->adapter_error)
        return p->adapter_error;
    return p->attr ? pb_attr_error(p->attr) : NULL;
}

/* ---- scoring ------------------------------------------------------------ */

static const struct pb_accuracy_probe *probe_at(const struct pb_accuracy_source *src,
                                                const struct pb_accuracy_pair *pair, size_t k)
{
    return &src->probes[pair->probes[k]];
}

/* One profiler's figures on one truth workload's focus part. */
static void share_entry(struct pb_accuracy_source *src, const struct pb_acc_truth *t,
                        const char *profiler, struct pb_acc_share_profiler *out)
{
    struct pb_accuracy *acc = src->acc;
    const struct pb_accuracy_pair *pair = pb_accuracy_pair(src, t->workload, profiler);
    size_t n = 0, nlist = pair ? pair->n : 0;
    double sum_r = 0, sum_e = 0;
    const char *note = NULL;

    out->profiler = pb_accuracy_strdup(acc, profiler);
    out->rounds = nlist ? pb_accuracy_alloc(acc, nlist * sizeof *out->rounds) : NULL;
    for (size_t k = 0; out->rounds && k < nlist; k++) {
        const struct pb_accuracy_probe *p = probe_at(src, pair, k);
        struct pb_acc_share_round *ro = &out->rounds[out->nrounds++];
        const json_t *attr = pb_accuracy_usable(p);
        double sh = 0;
        int rc;

        pb_accuracy_ref(acc, p, &ro->run);
        ro->samples = -1;
        if (!attr) {
            const char *why = pb_accuracy_adapter_error(p);
            ro->note = pb_accuracy_strdup(acc, why ? why : p->run->status != PB_RUN_OK ? p->run->error : "");
            continue;
        }
        rc = pb_attr_reported_share(attr, t, &sh);
        if (rc == -1) {
            note = "no time figures";
            ro->note = note;
            continue;
        }
        if (rc == -2) {
            sh = 0;
            ro->note = "saw none of the parts";
        }
        ro->scored = 1;
        ro->reported_share = sh;
        ro->error_pp = fabs(sh - t->focus_share) * 100.0;
        ro->in_run_true_share = pb_truth_raw_share(p->own_truth, t->focus ? t->focus : "");
        ro->samples = pb_attr_samples(attr);
        sum_r += sh;
        sum_e += ro->error_pp;
        n++;
    }
    out->reported_share = n ? sum_r / (double)n : NAN;
    out->error_pp = n && !isnan(t->focus_share) ? sum_e / (double)n : NAN;
    if (!nlist)
        note = "no runs";
    else if (!n && !note)
        note = "no readable run";
    out->note = note;
}

/* Memory figures of one profiler on a memory truth workload; 0 when none
 * of its runs reports memory. */
static int memory_entry(struct pb_accuracy_source *src, const struct pb_acc_truth *t,
                        const char *profiler, struct pb_acc_memory_profiler *out)
{
    struct pb_accuracy *acc = src->acc;
    const struct pb_accuracy_pair *pair = pb_accuracy_pair(src, t->workload, profiler);
    struct pb_truth_memory m;
    double s_at = 0, s_touch = 0, s_fn = 0;
    size_t n = 0;

    memset(out, 0, sizeof *out);
    pb_truth_memory(t, &m);
    if (!pair || !(out->rounds = pb_accuracy_alloc(acc, pair->n * sizeof *out->rounds)))
        return 0;
    for (size_t k = 0; k < pair->n; k++) {
        const struct pb_accuracy_probe *p = probe_at(src, pair, k);
        const json_t *attr = pb_accuracy_usable(p);
        struct pb_acc_memory_round *ro;
        int f1 = 0, f2 = 0;

        if (!attr || !pb_attr_has_memory(attr))
            continue;
        ro = &out->rounds[n++];
        pb_accuracy_ref(acc, p, &ro->run);
        ro->reported_mb = pb_attr_memory_at(attr, m.line, &f1);
        ro->touch_line_mb = pb_attr_memory_at(attr, m.touch_line, &f2);
        ro->function_mb = pb_attr_memory_in(attr, m.function);
        ro->error_pct = fabs(ro->reported_mb - m.alloc_mb) / m.alloc_mb * 100.0;
        out->kind = pb_attr_memory_kind(attr);
        s_at += ro->reported_mb;
        s_touch += ro->touch_line_mb;
        s_fn += ro->function_mb;
    }
    if (!n)
        return 0;
    out->nrounds = n;
    out->profiler = pb_accuracy_strdup(acc, profiler);
    out->kind = pb_accuracy_strdup(acc, out->kind);
    out->reported_mb = s_at / (double)n;
    out->error_pct = fabs(out->reported_mb - m.alloc_mb) / m.alloc_mb * 100.0;
    out->touch_line_mb = s_touch / (double)n;
    out->function_mb = s_fn / (double)n;
    out->function_error_pct = fabs(out->function_mb - m.alloc_mb) / m.alloc_mb * 100.0;
    return 1;
}

/* The python/native split of one profiler on a native truth workload; 0
 * when none of its runs reports one. */
static int native_entry(struct pb_accuracy_source *src, const struct pb_acc_truth *t,
                        const char *profiler, struct pb_acc_native_profiler *out)
{
    struct pb_accuracy *acc = src->acc;
    const struct pb_accuracy_pair *pair = pb_accuracy_pair(src, t->workload, profiler);
    double sum = 0;
    size_t n = 0;

    memset(out, 0, sizeof *out);
    if (!pair || !(out->rounds = pb_accuracy_alloc(acc, pair->n * sizeof *out->rounds)))
        return 0;
    for (size_t k = 0; k < pair->n; k++) {
        const struct pb_accuracy_probe *p = probe_at(src, pair, k);
        const json_t *attr = pb_accuracy_usable(p);
        double f = attr ? pb_attr_native_fraction(attr, t) : NAN;
        if (isnan(f))
            continue;
        pb_accuracy_ref(acc, p, &out->rounds[n].run);
        out->rounds[n].reported_native_fraction = f;
        out->rounds[n++].error_pp = fabs(f - t->native_fraction) * 100.0;
        sum += f;
    }
    if (!n)
        return 0;
    out->nrounds = n;
    out->profiler = pb_accuracy_strdup(acc, profiler);
    out->reported_native_fraction = sum / (double)n;
    out->error_pp = fabs(out->reported_native_fraction - t->native_fraction) * 100.0;
    return 1;
}

/* The shares, native and memory tables: one entry per truth workload that
 * has them, by name; in each, one per profiler in config order. */
static void score_truths(struct pb_accuracy_source *src, const struct pb_acc_truth **sorted)
{
    struct pb_accuracy *acc = src->acc;
    size_t np = src->nprofilers, nt = acc->ntruths;

    acc->shares = pb_accuracy_alloc(acc, nt * sizeof *acc->shares);
    acc->native = pb_accuracy_alloc(acc, nt * sizeof *acc->native);
    acc->memory = pb_accuracy_alloc(acc, nt * sizeof *acc->memory);
    for (size_t i = 0; acc->shares && acc->native && acc->memory && i < nt; i++) {
        const struct pb_acc_truth *t = sorted[i];
        if (t->nparts && t->focus) {
            struct pb_acc_share *s = &acc->shares[acc->nshares++];
            s->workload = t->workload;
            s->kind = t->kind;
            s->focus = t->focus;
            s->split = !strcmp(t->kind, "cpu_split") ? pb_truth_param(t, "split") : NAN;
            s->true_share = t->focus_share;
            s->profilers = np ? pb_accuracy_alloc(acc, np * sizeof *s->profilers) : NULL;
            for (size_t k = 0; s->profilers && k < np; k++)
                share_entry(src, t, src->profilers[k], &s->profilers[s->nprofilers++]);
        }
        if (!strcmp(t->kind, "native")) {
            struct pb_acc_native *nv = &acc->native[acc->nnative++];
            nv->workload = t->workload;
            nv->true_native_fraction = t->native_fraction;
            nv->profilers = np ? pb_accuracy_alloc(acc, np * sizeof *nv->profilers) : NULL;
            for (size_t k = 0; nv->profilers && k < np; k++)
                nv->nprofilers += native_entry(src, t, src->profilers[k], &nv->profilers[nv->nprofilers]);
        }
        if (!strcmp(t->kind, "memory")) {
            struct pb_acc_memory *m = &acc->memory[acc->nmemory++];
            struct pb_truth_memory tm;
            pb_truth_memory(t, &tm);
            m->workload = t->workload;
            m->alloc_mb = tm.alloc_mb;
            m->touched_mb = tm.touched_mb;
            m->line = tm.line;
            m->touch_line = tm.touch_line;
            m->profilers = np ? pb_accuracy_alloc(acc, np * sizeof *m->profilers) : NULL;
            for (size_t k = 0; m->profilers && k < np; k++)
                m->nprofilers += memory_entry(src, t, src->profilers[k], &m->profilers[m->nprofilers]);
        }
    }
}

/* The CPU error table: the cpu_split rows of the shares, per profiler. */
static void score_cpu(struct pb_accuracy_source *src)
{
    struct pb_accuracy *acc = src->acc;

    acc->cpu = src->nprofilers ? pb_accuracy_alloc(acc, src->nprofilers * sizeof *acc->cpu) : NULL;
    for (size_t i = 0; acc->cpu && i < src->nprofilers; i++) {
        struct pb_acc_cpu *c = &acc->cpu[acc->ncpu++];
        double sum = 0, max = 0;
        size_t n = 0;

        c->profiler = pb_accuracy_strdup(acc, src->profilers[i]);
        c->splits = acc->nshares ? pb_accuracy_alloc(acc, acc->nshares * sizeof *c->splits) : NULL;
        for (size_t k = 0; c->splits && k < acc->nshares; k++) {
            const struct pb_acc_share *s = &acc->shares[k];
            const struct pb_acc_share_profiler *mine = NULL;
            struct pb_acc_cpu_split *sp;
            if (strcmp(s->kind, "cpu_split"))
                continue;
            for (size_t j = 0; j < s->nprofilers; j++)
                if (!strcmp(s->profilers[j].profiler, c->profiler))
                    mine = &s->profilers[j];
            sp = &c->splits[c->nsplits++];
            sp->workload = s->workload;
            sp->split = s->split;
            sp->true_share = s->true_share;
            sp->reported_share = mine ? mine->reported_share : NAN;
            sp->error_pp = mine ? mine->error_pp : NAN;
            if (!isnan(sp->error_pp)) {
                sum += sp->error_pp;
                max = sp->error_pp > max ? sp->error_pp : max;
                n++;
            }
        }
        c->mean_error_pp = n ? sum / (double)n : NAN;
        c->max_error_pp = n ? max : NAN;
    }
}

/* Every probe, grouped by workload (in the order they first ran), then
 * by profiler, then by round. */
static void list_runs(struct pb_accuracy_source *src)
{
    struct pb_accuracy *acc = src->acc;

    acc->runs = src->nprobes ? pb_accuracy_alloc(acc, src->nprobes * sizeof *acc->runs) : NULL;
    for (size_t i = 0; acc->runs && i < src->npairs; i++) {
        size_t first = 0;
        while (strcmp(src->pairs[first].workload, src->pairs[i].workload))
            first++;
        if (first != i)
            continue;               /* its workload was listed with pair first */
        for (size_t j = i; j < src->npairs; j++) {
            const struct pb_accuracy_pair *pair = &src->pairs[j];
            if (strcmp(pair->workload, src->pairs[i].workload))
                continue;
            for (size_t k = 0; k < pair->n && acc->nruns < src->nprobes; k++) {
                const struct pb_accuracy_probe *p = probe_at(src, pair, k);
                struct pb_acc_run *r = &acc->runs[acc->nruns++];
                r->workload = pb_accuracy_strdup(acc, p->run->workload);
                r->profiler = pb_accuracy_strdup(acc, p->run->profiler);
                r->round = p->run->round;
                r->raw_dir = pb_accuracy_strdup(acc, p->run->outdir);
                r->status = pb_run_status_name(p->run->status);
                if (p->run->status != PB_RUN_OK)
                    r->error = pb_accuracy_strdup(acc, p->run->error);
                r->attribution = pb_accuracy_strdup(acc, p->attribution);
                r->adapter_error = pb_accuracy_strdup(acc, pb_accuracy_adapter_error(p));
            }
        }
    }
}

int pb_accuracy_score(struct pb_accuracy_source *src, const char *adapter, const char *python,
                      struct pb_accuracy **out, struct pb_error *err)
{
    struct pb_accuracy *acc = src->acc;
    const struct pb_acc_truth **sorted = pb_accuracy_sorted_truths(src);
    char now[32];

    *out = NULL;
    if (!sorted)
        return pb_error_set(err, "out of memory");
    pb_now_iso(now, sizeof now);
    acc->results_dir = pb_accuracy_strdup(acc, src->dir);
    acc->generated = pb_accuracy_strdup(acc, now);
    acc->adapter = pb_accuracy_strdup(acc, adapter);
    acc->python = pb_accuracy_strdup(acc, python);
    acc->thresholds = (struct pb_acc_thresholds){ PB_ACCURACY_SEEN_RATIO, PB_ACCURACY_UNSEEN_RATIO,
        PB_ACCURACY_NATIVE_OK_PP, PB_ACCURACY_MEMORY_OK_PCT, PB_ACCURACY_MIN_SAMPLES };
    score_truths(src, sorted);
    score_cpu(src);
    pb_capability_matrix(src, sorted);
    list_runs(src);
    free(sorted);
    if (acc->oom)
        return pb_error_set(err, "out of memory");
    *out = acc;
    src->acc = NULL;
    return 0;
}
