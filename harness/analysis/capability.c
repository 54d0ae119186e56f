/*
 * capability: the verdict of each probe run on each capability, and the
 * cells they decide. See capability.h.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "analysis/attribution.h"
#include "analysis/capability.h"
#include "analysis/truth.h"

struct verdict {
    const char *value;          /* "yes", "no", "partial", "inconclusive",
                                 * "failed", "unreadable", or "n/a": the
                                 * run's truth does not test what the
                                 * profiler measures (a CPU probe of an
                                 * allocation tracker, a memory probe of a
                                 * time profiler); such a run decides nothing */
    char why[600];
};

static int is(const struct verdict *v, const char *value)
{
    return !strcmp(v->value, value);
}

/* The verdict of a run that gave no attribution: 1 (and v) when so. */
static int no_data(const struct pb_accuracy_probe *p, struct verdict *v)
{
    if (p->run->status != PB_RUN_OK) {
        v->value = "failed";
        snprintf(v->why, sizeof v->why, "the run did not finish: %s: %s",
                 pb_run_status_name(p->run->status), p->run->error);
        return 1;
    }
    if (!pb_accuracy_usable(p)) {
        const char *why = pb_accuracy_adapter_error(p);
        v->value = "unreadable";
        snprintf(v->why, sizeof v->why, "the adapter could not read the output: %s",
                 why ? why : "no attribution");
        return 1;
    }
    return 0;
}

static void v_lines(const struct pb_acc_truth *t, const json_t *attr, struct verdict *v)
{
    int lines[64], line;
    size_t n = pb_truth_known_lines(t, lines, 64);
    const char *fn;

    if (!pb_attr_expresses(attr, "lines")) {
        v->value = "no";
        snprintf(v->why, sizeof v->why, "the %s output has no per-line figures", pb_attr_format(attr));
    } else if (pb_attr_line_with(attr, 0, lines, n, &line, &fn)) {
        v->value = "yes";
        snprintf(v->why, sizeof v->why, "figures at line %d (%s)", line, fn);
    } else if (pb_attr_line_with(attr, 1, lines, n, &line, &fn)) {
        v->value = "yes";
        snprintf(v->why, sizeof v->why, "memory at line %d (%s)", line, fn);
    } else {
        v->value = "no";
        snprintf(v->why, sizeof v->why, "nothing at the workload's known lines");
    }
}

static void v_functions(const struct pb_acc_truth *t, const json_t *attr, struct verdict *v)
{
    const char *name = pb_truth_function(t);

    if (!pb_attr_expresses(attr, "functions")) {
        v->value = "no";
        snprintf(v->why, sizeof v->why, "the %s output has no per-function figures",
                 pb_attr_format(attr));
    } else if (pb_attr_seen(attr, name)) {
        v->value = "yes";
        snprintf(v->why, sizeof v->why, "reported function '%s'", name);
    } else {
        v->value = "no";
        snprintf(v->why, sizeof v->why, "function '%s' is not in the output", name);
    }
}

struct hot_ctx {
    const struct pb_accuracy_source *src;
    const char *workload;
};

static int is_hot(const char *name, const void *ctx)
{
    const struct hot_ctx *h = ctx;
    return pb_accuracy_is_hot(h->src, h->workload, name);
}

static void v_unmodified(const struct pb_accuracy_source *src, const struct pb_accuracy_probe *p,
                         const json_t *attr, struct verdict *v)
{
    struct hot_ctx h = { src, p->run->workload };
    const char *found = pb_attr_unmarked(attr, is_hot, &h);

    if (found) {
        v->value = "yes";
        snprintf(v->why, sizeof v->why, "reported '%s', which nobody marked (not in the workload's hot list)",
                 found);
        return;
    }
    v->value = "no";
    snprintf(v->why, sizeof v->why, "reported only functions named in the workload's hot list%s",
             pb_accuracy_takes_hot(src, p->run->profiler)
             ? " (its command takes {hot}: they are decorated for it)" : "");
}

static void v_presence(const struct pb_acc_truth *t, const json_t *attr, const char *what,
                       struct verdict *v)
{
    double sh = 0;
    int rc = pb_attr_reported_share(attr, t, &sh);
    long long samples = pb_attr_samples(attr);

    if (rc == -1 && !pb_attr_counts_execution(attr)) {
        v->value = "n/a";
        snprintf(v->why, sizeof v->why, "the %s output has no time, samples or hits: a CPU-only "
                 "workload tests nothing in it", pb_attr_format(attr));
        return;
    }
    if (rc == -1) {            /* no time, hits: did the function run under it? */
        const char *name = pb_truth_function(t);
        int seen = pb_attr_seen(attr, name);
        v->value = seen ? "yes" : "no";
        snprintf(v->why, sizeof v->why, "'%s' (run only in the %s) has %s", name, what,
                 seen ? "figures" : "no figures");
        return;
    }
    if (rc == -2)
        sh = 0;
    double ratio = t->focus_share > 0 ? sh / t->focus_share : 0;
    v->value = ratio >= PB_ACCURACY_SEEN_RATIO ? "yes" : ratio < PB_ACCURACY_UNSEEN_RATIO ? "no" : "partial";
    snprintf(v->why, sizeof v->why, "the %s part got %.1f%% (true %.1f%%)", what, sh * 100,
             t->focus_share * 100);
    if (!is(v, "yes") && samples >= 0 && samples < PB_ACCURACY_MIN_SAMPLES) {
        v->value = "inconclusive";
        snprintf(v->why + strlen(v->why), sizeof v->why - strlen(v->why),
                 " from only %lld samples", samples);
    }
}

/* Does a memory profiler see an allocation made only in a worker thread
 * or a child process? The allocating function's memory against the
 * smaller of the truth's allocated and touched megabytes (an allocation
 * tracker sees the first, an RSS-based one the second). */
static void v_memory_presence(const struct pb_acc_truth *t, const json_t *attr, const char *what,
                              struct verdict *v)
{
    struct pb_truth_memory m;

    pb_truth_memory(t, &m);
    if (!pb_attr_has_memory(attr)) {
        v->value = "n/a";
        snprintf(v->why, sizeof v->why, "the %s output has no memory figures: an allocation in the "
                 "%s tests nothing in it", pb_attr_format(attr), what);
        return;
    }
    double want = m.touched_mb > 0 && m.touched_mb < m.alloc_mb ? m.touched_mb : m.alloc_mb;
    double got = pb_attr_memory_in(attr, m.function);
    double ratio = want > 0 && got > 0 ? got / want : 0;
    v->value = ratio >= PB_ACCURACY_SEEN_RATIO ? "yes" : ratio < PB_ACCURACY_UNSEEN_RATIO ? "no" : "partial";
    snprintf(v->why, sizeof v->why, "%.1f MB in '%s' (run only in the %s; %.0f MB allocated, %.0f MB "
             "touched)", got, m.function, what, m.alloc_mb, m.touched_mb);
}

static void v_native(const struct pb_acc_truth *t, const json_t *attr, struct verdict *v)
{
    double f = pb_attr_native_fraction(attr, t), tf = t->native_fraction;

    if (!pb_attr_has_native(attr)) {
        v->value = "no";
        if (pb_attr_expresses(attr, "native_split"))
            snprintf(v->why, sizeof v->why, "the output records no C functions");
        else
            snprintf(v->why, sizeof v->why, "the %s output has no python/native split",
                     pb_attr_format(attr));
    } else if (isnan(f)) {
        v->value = "no";
        snprintf(v->why, sizeof v->why, "no python/native figures for the workload's functions");
    } else {
        double epp = fabs(f - tf) * 100;
        v->value = epp <= PB_ACCURACY_NATIVE_OK_PP ? "yes" : "partial";
        snprintf(v->why, sizeof v->why, "native %.1f%% (true %.1f%%, off by %.1f points)",
                 f * 100, tf * 100, epp);
    }
}

static void v_memory(const struct pb_acc_truth *t, const json_t *attr, struct verdict *v)
{
    struct pb_truth_memory m;
    int found = 0, f2 = 0;

    pb_truth_memory(t, &m);
    if (!pb_attr_has_memory(attr)) {
        v->value = "no";
        snprintf(v->why, sizeof v->why, "the %s output has no memory figures", pb_attr_format(attr));
        return;
    }
    double at = pb_attr_memory_at(attr, m.line, &found);
    double touch = pb_attr_memory_at(attr, m.touch_line, &f2);
    double fn = pb_attr_memory_in(attr, m.function);
    double err_at = fabs(at - m.alloc_mb) / m.alloc_mb * 100;
    if (err_at <= PB_ACCURACY_MEMORY_OK_PCT) {
        v->value = "yes";
        snprintf(v->why, sizeof v->why, "%.0f MB at the allocation line (true %.0f MB)", at, m.alloc_mb);
    } else if (fn > 0 && (fabs(fn - m.alloc_mb) / m.alloc_mb * 100 <= PB_ACCURACY_MEMORY_OK_PCT
                          || (m.touched_mb > 0 && fabs(touch - m.touched_mb) / m.touched_mb * 100
                                                  <= PB_ACCURACY_MEMORY_OK_PCT))) {
        v->value = "partial";
        snprintf(v->why, sizeof v->why, "%.0f MB at the allocation line (true %.0f MB), %.0f MB at the "
                 "line that touches %.0f MB of it", at, m.alloc_mb, touch, m.touched_mb);
    } else {
        v->value = "no";
        snprintf(v->why, sizeof v->why, "%.0f MB at the allocation line, %.0f MB in the function "
                 "(true %.0f MB)", at, fn, m.alloc_mb);
    }
}

enum probe { P_LINES, P_FUNCTIONS, P_UNMODIFIED, P_THREADS, P_MULTIPROC, P_NATIVE, P_MEMORY,
             P_COUNT };

static const char *const probe_names[P_COUNT] = {
    "lines", "functions", "unmodified_code", "threads", "multiprocessing",
    "python_vs_native", "memory"
};

/* The truth kinds a majority probe reads (up to two: a CPU probe and a
 * memory probe of the same capability); NULL for the "any run" probes. */
static const char *const probe_kind[P_COUNT][2] = {
    { NULL, NULL }, { NULL, NULL }, { NULL, NULL }, { "threads", "memory_thread" },
    { "subprocess", "memory_child" }, { "native", NULL }, { "memory", NULL }
};

static int probe_reads(enum probe pr, const char *kind)
{
    for (int i = 0; i < 2; i++)
        if (probe_kind[pr][i] && !strcmp(probe_kind[pr][i], kind))
            return 1;
    return 0;
}

/* Truth kinds in the order "any run" probes prefer them as evidence. */
static const char *const any_order[] = { "native", "memory", "cpu_split", "threads",
                                         "subprocess", "memory_thread", "memory_child", NULL };

static void verdict_of(const struct pb_accuracy_source *src, enum probe pr,
                       const struct pb_acc_truth *t, const struct pb_accuracy_probe *p,
                       struct verdict *v)
{
    const json_t *attr = pb_accuracy_usable(p);

    if (no_data(p, v))
        return;
    switch (pr) {
    case P_LINES: v_lines(t, attr, v); break;
    case P_FUNCTIONS: v_functions(t, attr, v); break;
    case P_UNMODIFIED: v_unmodified(src, p, attr, v); break;
    case P_THREADS:
    case P_MULTIPROC: {
        const char *where = pr == P_THREADS ? "worker thread" : "child process";
        if (!strcmp(t->kind, probe_kind[pr][1]))        /* its allocation probe */
            v_memory_presence(t, attr, where, v);
        else
            v_presence(t, attr, where, v);
        break;
    }
    case P_NATIVE: v_native(t, attr, v); break;
    case P_MEMORY: v_memory(t, attr, v); break;
    default: v->value = "no"; v->why[0] = '\0';
    }
}

static void cell(struct pb_accuracy *acc, struct pb_acc_cell *c, const char *value, const char *why,
                 const struct pb_accuracy_probe *p, const char *counts)
{
    c->value = value;
    c->why = pb_accuracy_strdup(acc, why);
    if (p && (c->decided_by = pb_accuracy_alloc(acc, sizeof *c->decided_by)))
        pb_accuracy_ref(acc, p, c->decided_by);
    c->runs = pb_accuracy_strdup(acc, counts);
}

/* A cell that one run showing the capability decides ("any run"). */
static void any_cell(struct pb_accuracy_source *src, const struct pb_acc_truth **sorted,
                     enum probe pr, const char *profiler, struct pb_acc_cell *out)
{
    const struct pb_accuracy_probe *first_no = NULL, *first_bad = NULL;
    struct verdict no = { "no", "" }, bad = { "failed", "" }, v;
    size_t runs = 0;

    for (const char *const *k = any_order; *k; k++)
        for (size_t wi = 0; wi < src->acc->ntruths; wi++) {
            const struct pb_acc_truth *t = sorted[wi];
            const struct pb_accuracy_pair *pair = pb_accuracy_pair(src, t->workload, profiler);
            if (strcmp(t->kind, *k))
                continue;
            for (size_t i = 0; pair && i < pair->n; i++) {
                const struct pb_accuracy_probe *p = &src->probes[pair->probes[i]];
                runs++;
                verdict_of(src, pr, t, p, &v);
                if (is(&v, "yes")) {
                    cell(src->acc, out, "yes", v.why, p, NULL);
                    return;
                }
                if ((is(&v, "no") || is(&v, "partial")) && !first_no) {
                    first_no = p;
                    no = v;
                } else if (!first_bad && !is(&v, "no") && !is(&v, "partial")) {
                    first_bad = p;
                    bad = v;
                }
            }
        }
    if (first_no)
        cell(src->acc, out, no.value, no.why, first_no, NULL);
    else if (first_bad)
        cell(src->acc, out, bad.value, bad.why, first_bad, NULL);
    else
        cell(src->acc, out, "not probed", runs ? "no usable run" : "no run of a truth workload",
             NULL, NULL);
}

/* The verdicts of one probe's truth workloads' runs, counted by value,
 * with the first run of each value. */
struct tally {
    size_t n[5];                        /* yes, no, partial, other, n/a */
    const struct pb_accuracy_probe *first[5];
    struct verdict v[5];
};

enum { T_YES, T_NO, T_PARTIAL, T_OTHER, T_NA };

static void tally_add(struct tally *ty, const struct verdict *v, const struct pb_accuracy_probe *p)
{
    int k = is(v, "yes") ? T_YES : is(v, "no") ? T_NO : is(v, "partial") ? T_PARTIAL
          : is(v, "n/a") ? T_NA : T_OTHER;
    if (!ty->n[k]++) {
        ty->first[k] = p;
        ty->v[k] = *v;
    }
}

/* A cell the runs of a probe's truth workloads decide together: all
 * alike, that; mixed, "partial". Runs whose truth does not apply to the
 * profiler ("n/a") are left out; when no run applies, the cell is "n/a". */
static void kind_cell(struct pb_accuracy_source *src, const struct pb_acc_truth **sorted,
                      enum probe pr, const char *profiler, struct pb_acc_cell *out)
{
    struct tally ty = { .v = { { "yes", "" }, { "no", "" }, { "partial", "" }, { "failed", "" },
                               { "n/a", "" } } };
    struct pb_accuracy *acc = src->acc;
    struct verdict v;
    int have_kind = 0;
    char counts[128], why[700];

    for (size_t wi = 0; wi < acc->ntruths; wi++) {
        const struct pb_acc_truth *t = sorted[wi];
        const struct pb_accuracy_pair *pair = pb_accuracy_pair(src, t->workload, profiler);
        if (!probe_reads(pr, t->kind))
            continue;
        have_kind = 1;
        for (size_t i = 0; pair && i < pair->n; i++) {
            verdict_of(src, pr, t, &src->probes[pair->probes[i]], &v);
            tally_add(&ty, &v, &src->probes[pair->probes[i]]);
        }
    }
    size_t good = ty.n[T_YES] + ty.n[T_NO] + ty.n[T_PARTIAL], n = good + ty.n[T_OTHER];
    if (!have_kind) {
        snprintf(why, sizeof why, "no '%s'%s%s%s truth workload in these results", probe_kind[pr][0],
                 probe_kind[pr][1] ? " or '" : "", probe_kind[pr][1] ? probe_kind[pr][1] : "",
                 probe_kind[pr][1] ? "'" : "");
        cell(acc, out, "not probed", why, NULL, NULL);
        return;
    }
    if (!n && ty.n[T_NA]) {
        snprintf(counts, sizeof counts, "%zu n/a", ty.n[T_NA]);
        cell(acc, out, "n/a", ty.v[T_NA].why, ty.first[T_NA], counts);
        return;
    }
    if (!n) {
        cell(acc, out, "not probed", "the profiler has no run of this truth workload", NULL, NULL);
        return;
    }
    snprintf(counts, sizeof counts, "%zu yes, %zu partial, %zu no, %zu other", ty.n[T_YES],
             ty.n[T_PARTIAL], ty.n[T_NO], ty.n[T_OTHER]);
    if (ty.n[T_NA])
        snprintf(counts + strlen(counts), sizeof counts - strlen(counts), ", %zu n/a", ty.n[T_NA]);
    for (int k = T_YES; k <= T_PARTIAL; k++)
        if (ty.n[k] == good && good) {
            cell(acc, out, ty.v[k].value, ty.v[k].why, ty.first[k], counts);
            return;
        }
    if (!good) {
        cell(acc, out, ty.v[T_OTHER].value, ty.v[T_OTHER].why, ty.first[T_OTHER], counts);
        return;
    }
    int k = ty.n[T_YES] ? T_YES : T_PARTIAL;
    snprintf(why, sizeof why, "runs disagree: %s", ty.v[k].why);
    cell(acc, out, "partial", why, ty.first[k], counts);
}

void pb_capability_matrix(struct pb_accuracy_source *src, const struct pb_acc_truth **sorted)
{
    struct pb_accuracy *acc = src->acc;

    acc->columns = pb_accuracy_alloc(acc, P_COUNT * sizeof *acc->columns);
    acc->rows = src->nprofilers ? pb_accuracy_alloc(acc, src->nprofilers * sizeof *acc->rows) : NULL;
    if (!acc->columns)
        return;
    for (int k = 0; k < P_COUNT; k++)
        acc->columns[acc->ncolumns++] = probe_names[k];
    for (size_t i = 0; acc->rows && i < src->nprofilers; i++) {
        struct pb_acc_cap_row *row = &acc->rows[acc->nrows++];
        row->profiler = pb_accuracy_strdup(acc, src->profilers[i]);
        row->cells = pb_accuracy_alloc(acc, P_COUNT * sizeof *row->cells);
        for (int k = 0; row->cells && k < P_COUNT; k++) {
            if (probe_kind[k][0])
                kind_cell(src, sorted, (enum probe)k, src->profilers[i], &row->cells[k]);
            else
                any_cell(src, sorted, (enum probe)k, src->profilers[i], &row->cells[k]);
        }
    }
}
