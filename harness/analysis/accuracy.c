/*
 * accuracy: truths of the plain runs + the adapters' attributions of the
 * profiled runs -> attribution errors and the capability matrix
 * (accuracy.json). See accuracy.h for the flow; the output's schema is
 * above build_output below.
 *
 * Internally everything stays JSON (jansson): truths, attributions and
 * the per-run records are small, and the output is JSON anyway.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "analysis/accuracy.h"
#include "run/spawn.h"
#include "store/records.h"
#include "util/datadir.h"
#include "util/fs.h"
#include "util/jsonfile.h"
#include "util/text.h"


#define MAX_PARTS 8

/* Thresholds of the presence probes (threads, multiprocessing): the
 * focus part's reported share over its true share. */
#define SEEN_RATIO 0.5          /* at least: "yes" */
#define UNSEEN_RATIO 0.1        /* below: "no"; between: "partial" */
#define NATIVE_OK_PP 15.0       /* python/native split within: "yes" */
#define MEMORY_OK_PCT 25.0      /* memory at the line within: "yes" */
#define MIN_SAMPLES 20          /* a sampler's "no" on fewer samples than
                                 * this is "inconclusive" */

void pb_accuracy_opts_init(struct pb_accuracy_opts *opts)
{
    memset(opts, 0, sizeof *opts);
}

struct ctx {
    const char *dir;
    const char *python, *adapter;
    double timeout_s;
    const char *baseline;
    json_t *resolved;           /* config-resolved.json */
    struct pb_run_list runs;
    json_t *truths;             /* workload -> truth summary */
    json_t *pairs;              /* workload -> profiler -> [run entries] */
    json_t *profilers;          /* non-baseline profiler names, config order */
    json_t *warnings;           /* array of strings */
};

/* ---- small JSON helpers ------------------------------------------------ */

static double num(const json_t *o, const char *key)
{
    json_t *v = json_object_get(o, key);
    return json_is_number(v) ? json_number_value(v) : NAN;
}

static const char *str(const json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));
    return s ? s : "";
}

static json_t *real_or_null(double v)
{
    return isnan(v) ? json_null() : json_real(v);
}

static json_t *workload_conf(struct ctx *c, const char *name)
{
    size_t i;
    json_t *w;
    json_array_foreach(json_object_get(c->resolved, "workloads"), i, w)
        if (!strcmp(str(w, "name"), name))
            return w;
    return NULL;
}

static json_t *profiler_conf(struct ctx *c, const char *name)
{
    size_t i;
    json_t *p;
    json_array_foreach(json_object_get(c->resolved, "profilers"), i, p)
        if (!strcmp(str(p, "name"), name))
            return p;
    return NULL;
}

static int in_strings(const json_t *arr, const char *s)
{
    size_t i;
    json_t *v;
    json_array_foreach(arr, i, v)
        if (json_is_string(v) && !strcmp(json_string_value(v), s))
            return 1;
    return 0;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* obj's keys in byte order (at most max), for output that does not depend
 * on hash order. Returns how many. */
static size_t sorted_keys(json_t *obj, const char **keys, size_t max)
{
    const char *k;
    json_t *v;
    size_t n = 0;
    json_object_foreach(obj, k, v)
        if (n < max)
            keys[n++] = k;
    qsort(keys, n, sizeof *keys, cmp_str);
    return n;
}

#define MAX_WORKLOADS 256

/* The attribution's entry for a script function, or NULL. */
static json_t *attr_func(const json_t *attr, const char *name)
{
    size_t i;
    json_t *f;
    json_array_foreach(json_object_get(attr, "functions"), i, f)
        if (!strcmp(str(f, "function"), name))
            return f;
    return NULL;
}

static int expresses(const json_t *attr, const char *what)
{
    return json_is_true(json_object_get(json_object_get(attr, "expresses"), what));
}

static void warn(struct ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void warn(struct ctx *c, const char *fmt, ...)
{
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    json_array_append_new(c->warnings, json_string(buf));
}

/* ---- reading truths ---------------------------------------------------- */

/* The truth line a truth workload printed into its run's stdout.txt, or
 * NULL when there is none. */
static json_t *read_truth(const char *dir, const char *outdir)
{
    char path[PATH_MAX];
    FILE *f;
    char *line = NULL;
    size_t cap = 0;
    json_t *t = NULL;

    snprintf(path, sizeof path, "%s/%s/stdout.txt", dir, outdir);
    f = fopen(path, "r");
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

/* Shares of truth's parts, normalized to sum to 1, into sh (n of them).
 * Returns the number of parts, 0 when the truth has none. */
static size_t truth_shares(const json_t *truth, double *sh)
{
    json_t *parts = json_object_get(truth, "parts"), *p;
    size_t i, n = 0;
    double sum = 0;

    json_array_foreach(parts, i, p) {
        if (n == MAX_PARTS)
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

static long part_index(const json_t *parts, const char *name)
{
    size_t i;
    json_t *p;
    json_array_foreach(parts, i, p)
        if (!strcmp(str(p, "name"), name))
            return (long)i;
    return -1;
}

/* The summary of one workload's truths (one per plain round):
 *   {kind, script, focus, params, parts [{name, root, functions, share,
 *    shares [per round]}], focus_share, share_sums [per round],
 *    native_fraction (mean), lines, memory, functions,
 *    runs [{round, raw_dir}]}
 * `all` is an array of {round, raw_dir, truth}. */
static json_t *truth_summary(json_t *all)
{
    json_t *first = json_object_get(json_array_get(all, 0), "truth");
    json_t *out = json_object(), *parts = json_array(), *sums = json_array(),
           *runs = json_array();
    json_t *fparts = json_object_get(first, "parts"), *e;
    double mean[MAX_PARTS] = { 0 }, nat = 0;
    size_t nparts = json_array_size(fparts), i, k, nok = 0, nnat = 0;

    if (nparts > MAX_PARTS)
        nparts = MAX_PARTS;
    json_t *per[MAX_PARTS];
    for (k = 0; k < nparts; k++)
        per[k] = json_array();
    json_array_foreach(all, i, e) {
        json_t *t = json_object_get(e, "truth");
        double sh[MAX_PARTS];
        json_array_append_new(runs, json_pack("{s:O,s:O}", "round", json_object_get(e, "round"),
                                              "raw_dir", json_object_get(e, "raw_dir")));
        if (!isnan(num(t, "share_sum")))
            json_array_append_new(sums, json_real(num(t, "share_sum")));
        if (!isnan(num(t, "native_fraction"))) {
            nat += num(t, "native_fraction");
            nnat++;
        }
        if (nparts && truth_shares(t, sh) == nparts) {
            for (k = 0; k < nparts; k++) {
                mean[k] += sh[k];
                json_array_append_new(per[k], json_real(sh[k]));
            }
            nok++;
        }
    }
    for (k = 0; k < nparts; k++) {
        json_t *p = json_array_get(fparts, k);
        json_array_append_new(parts, json_pack("{s:s,s:s,s:O,s:o,s:o}", "name", str(p, "name"),
            "root", str(p, "root"), "functions", json_object_get(p, "functions"),
            "share", nok ? json_real(mean[k] / (double)nok) : json_null(), "shares", per[k]));
    }
    const char *focus = str(first, "focus");
    long fi = part_index(fparts, focus);
    json_object_set_new(out, "kind", json_string(str(first, "kind")));
    json_object_set_new(out, "script", json_string(str(first, "script")));
    json_object_set_new(out, "focus", focus[0] ? json_string(focus) : json_null());
    json_object_set(out, "params", json_object_get(first, "params"));
    json_object_set_new(out, "parts", parts);
    json_object_set_new(out, "focus_share",
                        fi >= 0 && nok ? json_real(mean[fi] / (double)nok) : json_null());
    json_object_set_new(out, "share_sums", sums);
    json_object_set_new(out, "native_fraction", nnat ? json_real(nat / (double)nnat) : json_null());
    json_object_set(out, "lines", json_object_get(first, "lines"));
    json_object_set(out, "memory", json_object_get(first, "memory"));
    json_object_set(out, "functions", json_object_get(first, "functions"));
    json_object_set_new(out, "runs", runs);
    return out;
}

/* ---- running the adapter ------------------------------------------------ */

static void last_line_of(const char *path, char *out, size_t n)
{
    FILE *f = fopen(path, "r");
    char line[1024];

    out[0] = '\0';
    if (!f)
        return;
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\n")] = '\0';
        if (line[0])
            snprintf(out, n, "%s", line);
    }
    fclose(f);
}

/* Runs the adapter on run r; returns its attribution (a new reference;
 * an object with "error" when the output could not be read) and the
 * attribution's path relative to the results directory in rel. Returns
 * NULL with err set only when the adapter cannot be started at all. */
static json_t *adapt_run(struct ctx *c, const struct pb_run_record *r, const char *script,
                         char *rel, size_t nrel, struct pb_error *err)
{
    char sub[PATH_MAX], absdir[PATH_MAX], out[PATH_MAX], errp[PATH_MAX], raw[PATH_MAX];
    char profiler[sizeof r->profiler];
    struct pb_spawn_opts so;
    struct pb_spawn_result res;
    json_t *attr;
    json_error_t jerr;
    struct stat st;

    snprintf(sub, sizeof sub, "attribution/%s/%s", r->workload, r->profiler);
    snprintf(absdir, sizeof absdir, "%s/%s", c->dir, sub);
    if (pb_mkdirs(absdir, err) < 0)
        return NULL;
    snprintf(rel, nrel, "%s/%d.json", sub, r->round);
    snprintf(out, sizeof out, "%s/%s", c->dir, rel);
    snprintf(errp, sizeof errp, "%s/%d.stderr.txt", absdir, r->round);
    snprintf(raw, sizeof raw, "%s/%s", c->dir, r->outdir);
    snprintf(profiler, sizeof profiler, "%s", r->profiler);
    unlink(out);                        /* never read a stale one */

    char *argv[] = { (char *)c->python, (char *)c->adapter, "--profiler", profiler,
                     "--kind", "auto", "--run-dir", raw, "--script", (char *)script,
                     "--out", out, NULL };
    memset(&so, 0, sizeof so);
    so.argv = argv;
    so.stderr_path = errp;
    so.timeout_s = c->timeout_s;
    if (pb_spawn_run(&so, &res, err) < 0)
        return NULL;
    if (res.exec_failed) {
        pb_error_set(err, "cannot run the adapter with '%s'", c->python);
        pb_error_errno(err, res.exec_errno);
        return NULL;
    }
    char tail[512];
    last_line_of(errp, tail, sizeof tail);
    if (stat(errp, &st) == 0 && st.st_size == 0)
        unlink(errp);
    if (res.timed_out)
        return json_pack("{s:s}", "error", "the adapter timed out");
    attr = json_load_file(out, 0, &jerr);
    if (!json_is_object(attr)) {
        json_decref(attr);
        char msg[1024];
        snprintf(msg, sizeof msg, "the adapter exited with status %d and wrote no attribution%s%s",
                 res.exit_code, tail[0] ? ": " : "", tail);
        return json_pack("{s:s}", "error", msg);
    }
    return attr;
}

int pb_accuracy_has_truths(const char *dir)
{
    struct pb_error err;
    struct pb_run_list runs = { 0 };
    json_t *resolved = pb_json_read(dir, "config-resolved.json", &err);
    const char *baseline = str(resolved, "baseline");
    int found = 0;

    if (resolved && pb_records_read(dir, 1, &runs, &err) == 0)
        for (size_t i = 0; i < runs.n && !found; i++) {
            const struct pb_run_record *r = &runs.items[i];
            if (strcmp(r->profiler, baseline) || r->status != PB_RUN_OK || r->round < 0)
                continue;
            json_t *t = read_truth(dir, r->outdir);
            found = t != NULL;
            json_decref(t);
        }
    pb_records_release(&runs);
    json_decref(resolved);
    return found;
}

/* ---- loading a results directory --------------------------------------- */

static int load(struct ctx *c, struct pb_error *err)
{
    size_t i;
    json_t *p;

    c->resolved = pb_json_read(c->dir, "config-resolved.json", err);
    if (!c->resolved)
        return -1;
    if (pb_records_read(c->dir, 0, &c->runs, err) < 0)
        return -1;
    if (c->runs.warning[0])
        warn(c, "%s", c->runs.warning);
    c->baseline = str(c->resolved, "baseline");
    if (!c->python)
        c->python = str(c->resolved, "python");
    json_array_foreach(json_object_get(c->resolved, "profilers"), i, p)
        if (!json_is_true(json_object_get(p, "baseline")))
            json_array_append_new(c->profilers, json_string(str(p, "name")));

    /* truths: the baseline's ok rounds */
    json_t *found = json_object();
    for (i = 0; i < c->runs.n; i++) {
        const struct pb_run_record *r = &c->runs.items[i];
        if (strcmp(r->profiler, c->baseline) || r->round < 0 || r->status != PB_RUN_OK)
            continue;
        json_t *t = read_truth(c->dir, r->outdir);
        if (!t)
            continue;
        json_t *arr = json_object_get(found, r->workload);
        if (!arr) {
            arr = json_array();
            json_object_set_new(found, r->workload, arr);
        }
        json_array_append_new(arr, json_pack("{s:i,s:s,s:o}", "round", r->round,
                                             "raw_dir", r->outdir, "truth", t));
    }
    const char *w;
    json_t *arr;
    json_object_foreach(found, w, arr)
        json_object_set_new(c->truths, w, truth_summary(arr));
    json_decref(found);
    if (!json_object_size(c->truths)) {
        pb_error_set(err, "'%s': no plain run printed a truth (is this a run of configs/accuracy.yaml, "
                     "with the truth workloads and --truth-out -?)", c->dir);
        return -1;
    }

    /* attributions: every other run of a truth workload */
    for (i = 0; i < c->runs.n; i++) {
        const struct pb_run_record *r = &c->runs.items[i];
        json_t *truth = json_object_get(c->truths, r->workload);
        if (!truth || !strcmp(r->profiler, c->baseline) || r->round < 0)
            continue;
        json_t *entry = json_pack("{s:s,s:s,s:i,s:s,s:s}", "workload", r->workload,
                                  "profiler", r->profiler, "round", r->round,
                                  "raw_dir", r->outdir, "status", pb_run_status_name(r->status));
        if (r->status != PB_RUN_OK) {
            json_object_set_new(entry, "error", json_string(r->error));
        } else {
            char rel[PATH_MAX];
            json_t *wc = workload_conf(c, r->workload);
            const char *script = wc ? str(wc, "script") : str(truth, "script");
            json_t *attr = adapt_run(c, r, script, rel, sizeof rel, err);
            if (!attr) {
                json_decref(entry);
                return -1;
            }
            json_object_set_new(entry, "attribution", json_string(rel));
            if (json_is_string(json_object_get(attr, "error")))
                json_object_set_new(entry, "adapter_error",
                                    json_string(str(attr, "error")));
            json_object_set_new(entry, "_attr", attr);
            json_t *own = read_truth(c->dir, r->outdir);
            if (own)
                json_object_set_new(entry, "_truth", own);
        }
        json_t *byp = json_object_get(c->pairs, r->workload);
        if (!byp) {
            byp = json_object();
            json_object_set_new(c->pairs, r->workload, byp);
        }
        json_t *list = json_object_get(byp, r->profiler);
        if (!list) {
            list = json_array();
            json_object_set_new(byp, r->profiler, list);
        }
        /* by round (runs.jsonl is in the shuffled order they ran), so
         * "the first run" that decides a cell is the lowest round */
        size_t at = json_array_size(list);
        while (at > 0 && num(json_array_get(list, at - 1), "round") > r->round)
            at--;
        json_array_insert_new(list, at, entry);
    }
    return 0;
}

/* The attribution of a run entry when it is usable, else NULL. */
static json_t *usable(const json_t *entry)
{
    json_t *a = json_object_get(entry, "_attr");
    return a && !json_object_get(a, "error") ? a : NULL;
}

static json_t *run_ref(const json_t *entry)
{
    json_t *ref = json_pack("{s:O,s:O,s:O,s:O}", "workload", json_object_get(entry, "workload"),
                            "profiler", json_object_get(entry, "profiler"),
                            "round", json_object_get(entry, "round"),
                            "raw_dir", json_object_get(entry, "raw_dir"));
    json_t *a = json_object_get(entry, "attribution");
    json_object_set(ref, "attribution", a ? a : json_null());
    return ref;
}

/* ---- shares ----------------------------------------------------------- */

/* A part's reported value: its root function's total when the profile
 * has totals, else the sum of its functions' own times. */
static double part_value(const json_t *attr, const json_t *part)
{
    json_t *root = attr_func(attr, str(part, "root"));
    double v = 0;
    size_t i;
    json_t *name;

    if (root && !isnan(num(root, "total")))
        return num(root, "total");
    json_array_foreach(json_object_get(part, "functions"), i, name) {
        json_t *f = attr_func(attr, json_string_value(name));
        if (f && !isnan(num(f, "self")))
            v += num(f, "self");
    }
    return v;
}

/* The reported share of the part named focus among truth's parts.
 * Returns 0 and *share, -1 when the attribution has no time figures,
 * -2 when it saw none of the parts. */
static int reported_share(const json_t *attr, const json_t *truth, const char *focus,
                          double *share)
{
    json_t *parts = json_object_get(truth, "parts"), *p;
    double sum = 0, mine = 0;
    size_t i;

    if (!json_is_true(json_object_get(attr, "timed")))
        return -1;
    json_array_foreach(parts, i, p) {
        double v = part_value(attr, p);
        sum += v;
        if (!strcmp(str(p, "name"), focus))
            mine = v;
    }
    if (sum <= 0)
        return -2;
    *share = mine / sum;
    return 0;
}

static double in_run_share(const json_t *entry, const char *focus)
{
    json_t *own = json_object_get(entry, "_truth");
    double sh[MAX_PARTS];
    size_t n;

    if (!own || !(n = truth_shares(own, sh)))
        return NAN;
    long i = part_index(json_object_get(own, "parts"), focus);
    return i >= 0 && (size_t)i < n ? sh[i] : NAN;
}

/* One profiler's figures on one truth workload's focus part:
 *   {profiler, reported_share (mean), error_pp (mean), rounds [...], note} */
static json_t *share_entry(struct ctx *c, const char *w, const json_t *truth, const char *p)
{
    const char *focus = str(truth, "focus");
    double truth_share = num(truth, "focus_share");
    json_t *list = json_object_get(json_object_get(c->pairs, w), p), *e;
    json_t *rounds = json_array();
    double sum_r = 0, sum_e = 0;
    size_t i, n = 0;
    const char *note = NULL;

    json_array_foreach(list, i, e) {
        json_t *attr = usable(e);
        json_t *ro = run_ref(e);
        double sh;
        json_array_append_new(rounds, ro);
        if (!attr) {
            json_object_set_new(ro, "note", json_string(json_object_get(e, "adapter_error")
                ? str(e, "adapter_error") : str(e, "error")));
            continue;
        }
        int rc = reported_share(attr, truth, focus, &sh);
        if (rc == -1) {
            note = "no time figures";
            json_object_set_new(ro, "note", json_string(note));
            continue;
        }
        if (rc == -2) {
            sh = 0;
            json_object_set_new(ro, "note", json_string("saw none of the parts"));
        }
        double epp = fabs(sh - truth_share) * 100.0;
        json_object_set_new(ro, "reported_share", json_real(sh));
        json_object_set_new(ro, "error_pp", real_or_null(epp));
        json_object_set_new(ro, "in_run_true_share", real_or_null(in_run_share(e, focus)));
        json_object_set(ro, "samples", json_object_get(attr, "samples") ? json_object_get(attr, "samples") : json_null());
        sum_r += sh;
        sum_e += epp;
        n++;
    }
    json_t *out = json_pack("{s:s,s:o,s:o,s:o}", "profiler", p,
                            "reported_share", n ? json_real(sum_r / (double)n) : json_null(),
                            "error_pp", n && !isnan(truth_share) ? json_real(sum_e / (double)n) : json_null(),
                            "rounds", rounds);
    if (!json_array_size(list))
        note = "no runs";
    else if (!n && !note)
        note = "no readable run";
    json_object_set_new(out, "note", note ? json_string(note) : json_null());
    return out;
}

/* ---- memory and native ------------------------------------------------ */

static double memory_at(const json_t *attr, int line, int *found)
{
    size_t i;
    json_t *l;
    json_array_foreach(json_object_get(json_object_get(attr, "memory"), "lines"), i, l)
        if ((int)num(l, "line") == line) {
            *found = 1;
            return num(l, "mb");
        }
    return 0;
}

static double memory_in(const json_t *attr, const char *function)
{
    size_t i;
    json_t *l;
    double sum = 0;
    json_array_foreach(json_object_get(json_object_get(attr, "memory"), "lines"), i, l)
        if (!strcmp(str(l, "function"), function) && num(l, "mb") > 0)
            sum += num(l, "mb");
    return sum;
}

/* Memory figures of one profiler on a memory truth workload, or NULL when
 * none of its runs reports memory. */
static json_t *memory_entry(struct ctx *c, const char *w, const json_t *truth, const char *p)
{
    json_t *m = json_object_get(truth, "memory");
    json_t *list = json_object_get(json_object_get(c->pairs, w), p), *e;
    double alloc = num(m, "alloc_mb");
    int line = (int)num(m, "line"), tline = (int)num(m, "touch_line");
    json_t *rounds = json_array();
    double s_at = 0, s_touch = 0, s_fn = 0;
    size_t i, n = 0;
    const char *kind = NULL;

    json_array_foreach(list, i, e) {
        json_t *attr = usable(e);
        if (!attr || !json_is_object(json_object_get(attr, "memory")))
            continue;
        int f1 = 0, f2 = 0;
        double at = memory_at(attr, line, &f1), touch = memory_at(attr, tline, &f2);
        double fn = memory_in(attr, str(m, "function"));
        json_t *ro = run_ref(e);
        kind = str(json_object_get(attr, "memory"), "kind");
        json_object_set_new(ro, "reported_mb", json_real(at));
        json_object_set_new(ro, "touch_line_mb", json_real(touch));
        json_object_set_new(ro, "function_mb", json_real(fn));
        json_object_set_new(ro, "error_pct", json_real(fabs(at - alloc) / alloc * 100.0));
        json_array_append_new(rounds, ro);
        s_at += at;
        s_touch += touch;
        s_fn += fn;
        n++;
    }
    if (!n) {
        json_decref(rounds);
        return NULL;
    }
    double at = s_at / (double)n, fn = s_fn / (double)n;
    return json_pack("{s:s,s:s,s:f,s:f,s:f,s:f,s:f,s:o}", "profiler", p, "kind", kind,
                     "reported_mb", at, "error_pct", fabs(at - alloc) / alloc * 100.0,
                     "touch_line_mb", s_touch / (double)n, "function_mb", fn,
                     "function_error_pct", fabs(fn - alloc) / alloc * 100.0, "rounds", rounds);
}

/* The native fraction an attribution reports over truth's part
 * functions; NAN when it reports no split (or nothing there). */
static double native_fraction(const json_t *attr, const json_t *truth)
{
    json_t *parts = json_object_get(truth, "parts"), *p, *name;
    double py = 0, nat = 0;
    size_t i, k;

    if (!json_is_object(json_object_get(attr, "native")))
        return NAN;
    json_array_foreach(parts, i, p)
        json_array_foreach(json_object_get(p, "functions"), k, name) {
            json_t *f = attr_func(attr, json_string_value(name));
            if (!f)
                continue;
            if (!isnan(num(f, "python")))
                py += num(f, "python");
            if (!isnan(num(f, "native")))
                nat += num(f, "native");
        }
    return py + nat > 0 ? nat / (py + nat) : NAN;
}

static json_t *native_entry(struct ctx *c, const char *w, const json_t *truth, const char *p)
{
    json_t *list = json_object_get(json_object_get(c->pairs, w), p), *e;
    json_t *rounds = json_array();
    double t = num(truth, "native_fraction"), sum = 0;
    size_t i, n = 0;

    json_array_foreach(list, i, e) {
        json_t *attr = usable(e);
        double f = attr ? native_fraction(attr, truth) : NAN;
        if (isnan(f))
            continue;
        json_t *ro = run_ref(e);
        json_object_set_new(ro, "reported_native_fraction", json_real(f));
        json_object_set_new(ro, "error_pp", real_or_null(fabs(f - t) * 100.0));
        json_array_append_new(rounds, ro);
        sum += f;
        n++;
    }
    if (!n) {
        json_decref(rounds);
        return NULL;
    }
    return json_pack("{s:s,s:f,s:o,s:o}", "profiler", p, "reported_native_fraction",
                     sum / (double)n, "error_pp", real_or_null(fabs(sum / (double)n - t) * 100.0),
                     "rounds", rounds);
}

/* ---- capability probes ------------------------------------------------ */

struct verdict {
    const char *value;          /* "yes", "no", "partial", "inconclusive",
                                 * "failed", "unreadable" */
    char why[600];
};

static int is(const struct verdict *v, const char *value)
{
    return !strcmp(v->value, value);
}

/* The verdict of a run that gave no attribution. */
static int no_data(const json_t *entry, struct verdict *v)
{
    if (strcmp(str(entry, "status"), "ok")) {
        v->value = "failed";
        snprintf(v->why, sizeof v->why, "the run did not finish: %s: %s", str(entry, "status"),
                 str(entry, "error"));
        return 1;
    }
    if (!usable(entry)) {
        v->value = "unreadable";
        snprintf(v->why, sizeof v->why, "the adapter could not read the output: %s",
                 json_object_get(entry, "adapter_error") ? str(entry, "adapter_error")
                                                         : "no attribution");
        return 1;
    }
    return 0;
}

/* Lines the truth names: the native lines, the memory lines, else the
 * lines of the focus part's root function. */
static size_t known_lines(const json_t *truth, int *lines, size_t max)
{
    size_t n = 0, i;
    json_t *l, *m = json_object_get(truth, "memory");

    json_array_foreach(json_object_get(truth, "lines"), i, l)
        if (n < max)
            lines[n++] = (int)num(l, "line");
    if (m && n + 2 <= max) {
        lines[n++] = (int)num(m, "line");
        lines[n++] = (int)num(m, "touch_line");
    }
    if (!n) {
        json_t *parts = json_object_get(truth, "parts");
        long fi = part_index(parts, str(truth, "focus"));
        json_t *root = fi >= 0 ? json_object_get(json_object_get(truth, "functions"),
                                   str(json_array_get(parts, (size_t)fi), "root")) : NULL;
        for (int k = (int)num(root, "first_line") + 1; root && k <= (int)num(root, "last_line") && n < max; k++)
            lines[n++] = k;
    }
    return n;
}

static void v_lines(const json_t *truth, const json_t *attr, struct verdict *v)
{
    int lines[64];
    size_t n = known_lines(truth, lines, 64), i;
    json_t *l;

    if (!expresses(attr, "lines")) {
        v->value = "no";
        snprintf(v->why, sizeof v->why, "the %s output has no per-line figures", str(attr, "format"));
        return;
    }
    json_array_foreach(json_object_get(attr, "lines"), i, l)
        for (size_t k = 0; k < n; k++)
            if ((int)num(l, "line") == lines[k]
                && (num(l, "self") > 0 || num(l, "total") > 0 || num(l, "hits") > 0)) {
                v->value = "yes";
                snprintf(v->why, sizeof v->why, "figures at line %d (%s)", lines[k], str(l, "function"));
                return;
            }
    json_array_foreach(json_object_get(json_object_get(attr, "memory"), "lines"), i, l)
        for (size_t k = 0; k < n; k++)
            if ((int)num(l, "line") == lines[k] && (num(l, "mb") != 0 || num(l, "hits") > 0)) {
                v->value = "yes";
                snprintf(v->why, sizeof v->why, "memory at line %d (%s)", lines[k], str(l, "function"));
                return;
            }
    v->value = "no";
    snprintf(v->why, sizeof v->why, "nothing at the workload's known lines");
}

/* The function a truth is about: the focus part's root, else the memory
 * function. */
static const char *truth_function(const json_t *truth)
{
    json_t *parts = json_object_get(truth, "parts");
    long fi = part_index(parts, str(truth, "focus"));
    if (fi >= 0)
        return str(json_array_get(parts, (size_t)fi), "root");
    return str(json_object_get(truth, "memory"), "function");
}

static void v_functions(const json_t *truth, const json_t *attr, struct verdict *v)
{
    const char *name = truth_function(truth);
    json_t *f = attr_func(attr, name);

    if (!expresses(attr, "functions")) {
        v->value = "no";
        snprintf(v->why, sizeof v->why, "the %s output has no per-function figures", str(attr, "format"));
    } else if (f && json_is_true(json_object_get(f, "seen"))) {
        v->value = "yes";
        snprintf(v->why, sizeof v->why, "reported function '%s'", name);
    } else {
        v->value = "no";
        snprintf(v->why, sizeof v->why, "function '%s' is not in the output", name);
    }
}

static void v_unmodified(const json_t *attr, const json_t *hot, const char *command,
                         struct verdict *v)
{
    size_t i;
    json_t *f;
    const char *found = NULL;

    json_array_foreach(json_object_get(attr, "functions"), i, f)
        if (json_is_true(json_object_get(f, "seen")) && !in_strings(hot, str(f, "function"))
            && (!found || !strcmp(found, "<module>")))
            found = str(f, "function");
    if (found) {
        v->value = "yes";
        snprintf(v->why, sizeof v->why, "reported '%s', which nobody marked (not in the workload's hot list)",
                 found);
        return;
    }
    v->value = "no";
    snprintf(v->why, sizeof v->why, "reported only functions named in the workload's hot list%s",
             strstr(command, "{hot}") ? " (its command takes {hot}: they are decorated for it)" : "");
}

static void v_presence(const json_t *truth, const json_t *attr, const char *what,
                       struct verdict *v)
{
    const char *focus = str(truth, "focus");
    double t = num(truth, "focus_share"), sh;
    int rc = reported_share(attr, truth, focus, &sh);

    if (rc == -1) {            /* no time: did the function run under it? */
        const char *name = truth_function(truth);
        json_t *f = attr_func(attr, name);
        if (f && json_is_true(json_object_get(f, "seen"))) {
            v->value = "yes";
            snprintf(v->why, sizeof v->why, "'%s' (run only in the %s) has figures", name, what);
        } else {
            v->value = "no";
            snprintf(v->why, sizeof v->why, "'%s' (run only in the %s) has no figures", name, what);
        }
        return;
    }
    if (rc == -2)
        sh = 0;
    double ratio = t > 0 ? sh / t : 0;
    json_t *samples = json_object_get(attr, "samples");
    v->value = ratio >= SEEN_RATIO ? "yes" : ratio < UNSEEN_RATIO ? "no" : "partial";
    snprintf(v->why, sizeof v->why, "the %s part got %.1f%% (true %.1f%%)", what, sh * 100, t * 100);
    if (!is(v, "yes") && json_is_integer(samples) && json_integer_value(samples) < MIN_SAMPLES) {
        v->value = "inconclusive";
        snprintf(v->why + strlen(v->why), sizeof v->why - strlen(v->why),
                 " from only %lld samples", (long long)json_integer_value(samples));
    }
}

static void v_native(const json_t *truth, const json_t *attr, struct verdict *v)
{
    double f = native_fraction(attr, truth), t = num(truth, "native_fraction");

    if (!json_is_object(json_object_get(attr, "native"))) {
        v->value = "no";
        snprintf(v->why, sizeof v->why, expresses(attr, "native_split")
                 ? "the output records no C functions" : "the %s output has no python/native split",
                 str(attr, "format"));
    } else if (isnan(f)) {
        v->value = "no";
        snprintf(v->why, sizeof v->why, "no python/native figures for the workload's functions");
    } else {
        double epp = fabs(f - t) * 100;
        v->value = epp <= NATIVE_OK_PP ? "yes" : "partial";
        snprintf(v->why, sizeof v->why, "native %.1f%% (true %.1f%%, off by %.1f points)",
                 f * 100, t * 100, epp);
    }
}

static void v_memory(const json_t *truth, const json_t *attr, struct verdict *v)
{
    json_t *m = json_object_get(truth, "memory");
    double alloc = num(m, "alloc_mb"), touched = num(m, "touched_mb");
    int found = 0, f2 = 0;

    if (!json_is_object(json_object_get(attr, "memory"))) {
        v->value = "no";
        snprintf(v->why, sizeof v->why, "the %s output has no memory figures", str(attr, "format"));
        return;
    }
    double at = memory_at(attr, (int)num(m, "line"), &found);
    double touch = memory_at(attr, (int)num(m, "touch_line"), &f2);
    double fn = memory_in(attr, str(m, "function"));
    double err_at = fabs(at - alloc) / alloc * 100;
    if (err_at <= MEMORY_OK_PCT) {
        v->value = "yes";
        snprintf(v->why, sizeof v->why, "%.0f MB at the allocation line (true %.0f MB)", at, alloc);
    } else if (fn > 0 && (fabs(fn - alloc) / alloc * 100 <= MEMORY_OK_PCT
                          || (touched > 0 && fabs(touch - touched) / touched * 100 <= MEMORY_OK_PCT))) {
        v->value = "partial";
        snprintf(v->why, sizeof v->why, "%.0f MB at the allocation line (true %.0f MB), %.0f MB at the "
                 "line that touches %.0f MB of it", at, alloc, touch, touched);
    } else {
        v->value = "no";
        snprintf(v->why, sizeof v->why, "%.0f MB at the allocation line, %.0f MB in the function "
                 "(true %.0f MB)", at, fn, alloc);
    }
}

enum probe { P_LINES, P_FUNCTIONS, P_UNMODIFIED, P_THREADS, P_MULTIPROC, P_NATIVE, P_MEMORY,
             P_COUNT };

static const char *const probe_names[P_COUNT] = {
    "lines", "functions", "unmodified_code", "threads", "multiprocessing",
    "python_vs_native", "memory"
};

/* The truth kind a majority probe reads; NULL for the "any run" probes. */
static const char *const probe_kind[P_COUNT] = {
    NULL, NULL, NULL, "threads", "subprocess", "native", "memory"
};

/* Truth kinds in the order "any run" probes prefer them as evidence. */
static const char *const any_order[] = { "native", "memory", "cpu_split", "threads",
                                         "subprocess", NULL };

static void verdict_of(struct ctx *c, enum probe pr, const char *w, const json_t *truth,
                       const json_t *entry, struct verdict *v)
{
    json_t *attr = usable(entry);
    if (no_data(entry, v))
        return;
    switch (pr) {
    case P_LINES: v_lines(truth, attr, v); break;
    case P_FUNCTIONS: v_functions(truth, attr, v); break;
    case P_UNMODIFIED: {
        json_t *wc = workload_conf(c, w), *pc = profiler_conf(c, str(entry, "profiler"));
        char command[4096] = "";
        size_t i;
        json_t *a;
        json_array_foreach(json_object_get(pc, "command"), i, a) {
            strncat(command, json_string_value(a) ? json_string_value(a) : "",
                    sizeof command - strlen(command) - 2);
            strcat(command, " ");
        }
        v_unmodified(attr, json_object_get(wc, "hot"), command, v);
        break;
    }
    case P_THREADS: v_presence(truth, attr, "worker thread", v); break;
    case P_MULTIPROC: v_presence(truth, attr, "child process", v); break;
    case P_NATIVE: v_native(truth, attr, v); break;
    case P_MEMORY: v_memory(truth, attr, v); break;
    default: v->value = "no"; v->why[0] = '\0';
    }
}

static json_t *cell(const char *value, const char *why, const json_t *entry, const char *counts)
{
    json_t *o = json_pack("{s:s,s:s}", "value", value, "why", why);
    json_object_set_new(o, "decided_by", entry ? run_ref(entry) : json_null());
    if (counts)
        json_object_set_new(o, "runs", json_string(counts));
    return o;
}

/* A cell that one run showing the capability decides ("any run"). */
static json_t *any_cell(struct ctx *c, enum probe pr, const char *p)
{
    const json_t *first_no = NULL, *first_bad = NULL;
    struct verdict no = { "no", "" }, bad = { "failed", "" }, v;
    size_t runs = 0;

    const char *names[MAX_WORKLOADS];
    size_t nw = sorted_keys(c->truths, names, MAX_WORKLOADS);

    for (const char *const *k = any_order; *k; k++) {
        for (size_t wi = 0; wi < nw; wi++) {
            const char *w = names[wi];
            json_t *truth = json_object_get(c->truths, w);
            if (strcmp(str(truth, "kind"), *k))
                continue;
            size_t i;
            json_t *e;
            json_array_foreach(json_object_get(json_object_get(c->pairs, w), p), i, e) {
                runs++;
                verdict_of(c, pr, w, truth, e, &v);
                if (is(&v, "yes"))
                    return cell("yes", v.why, e, NULL);
                if ((is(&v, "no") || is(&v, "partial")) && !first_no) {
                    first_no = e;
                    no = v;
                } else if (!first_bad && !is(&v, "no") && !is(&v, "partial")) {
                    first_bad = e;
                    bad = v;
                }
            }
        }
    }
    if (first_no)
        return cell(no.value, no.why, first_no, NULL);
    if (first_bad)
        return cell(bad.value, bad.why, first_bad, NULL);
    return cell("not probed", runs ? "no usable run" : "no run of a truth workload", NULL, NULL);
}

/* A cell the runs of one kind of truth workload decide together: all
 * alike, that; mixed, "partial". */
static json_t *kind_cell(struct ctx *c, enum probe pr, const char *p)
{
    const char *kind = probe_kind[pr];
    size_t n = 0, nyes = 0, nno = 0, npart = 0, nbad = 0;
    const json_t *e_yes = NULL, *e_no = NULL, *e_part = NULL, *e_bad = NULL;
    struct verdict v_yes = { "yes", "" }, v_no = { "no", "" }, v_part = { "partial", "" },
                   v_bad = { "failed", "" }, v;
    int have_kind = 0;
    char counts[128], why[700];
    const char *names[MAX_WORKLOADS];
    size_t nw = sorted_keys(c->truths, names, MAX_WORKLOADS);

    for (size_t wi = 0; wi < nw; wi++) {
        const char *w = names[wi];
        json_t *truth = json_object_get(c->truths, w);
        if (strcmp(str(truth, "kind"), kind))
            continue;
        have_kind = 1;
        size_t i;
        json_t *e;
        json_array_foreach(json_object_get(json_object_get(c->pairs, w), p), i, e) {
            verdict_of(c, pr, w, truth, e, &v);
            n++;
            if (is(&v, "yes")) {
                if (!nyes++) { e_yes = e; v_yes = v; }
            } else if (is(&v, "no")) {
                if (!nno++) { e_no = e; v_no = v; }
            } else if (is(&v, "partial")) {
                if (!npart++) { e_part = e; v_part = v; }
            } else if (!nbad++) {
                e_bad = e;
                v_bad = v;
            }
        }
    }
    if (!have_kind) {
        snprintf(why, sizeof why, "no '%s' truth workload in these results", kind);
        return cell("not probed", why, NULL, NULL);
    }
    size_t good = nyes + nno + npart;
    if (!n)
        return cell("not probed", "the profiler has no run of this truth workload", NULL, NULL);
    snprintf(counts, sizeof counts, "%zu yes, %zu partial, %zu no, %zu other", nyes, npart, nno,
             nbad);
    if (!good)
        return cell(v_bad.value, v_bad.why, e_bad, counts);
    if (nyes == good)
        return cell("yes", v_yes.why, e_yes, counts);
    if (nno == good)
        return cell("no", v_no.why, e_no, counts);
    if (npart == good)
        return cell("partial", v_part.why, e_part, counts);
    snprintf(why, sizeof why, "runs disagree: %s", nyes ? v_yes.why : v_part.why);
    return cell("partial", why, nyes ? e_yes : e_part, counts);
}

/* ---- the output --------------------------------------------------------

 * accuracy.json, schema "pbench-accuracy/1":
 *   schema, results_dir, generated, adapter, python,
 *   thresholds {seen_ratio, unseen_ratio, native_ok_pp, memory_ok_pct,
 *               min_samples},
 *   truths {WORKLOAD: truth summary (see truth_summary)},
 *   shares [{workload, kind, focus, split (cpu_split: the asked share, else
 *            null), true_share, profilers [{profiler, reported_share,
 *            error_pp, note, rounds [{workload, profiler, round, raw_dir,
 *            attribution, reported_share, error_pp, in_run_true_share,
 *            note}]}]}]
 *      the focus part's share among the truth's parts, reported (a part:
 *      its root function's total time, else the sum of its functions' own
 *      times) and true (the plain runs' measured time, mean over rounds);
 *      error_pp = |reported - true| x 100, mean over rounds;
 *      in_run_true_share: what the workload measured of itself in that
 *      profiled run (the profiler's overhead included);
 *   cpu [{profiler, mean_error_pp, max_error_pp, splits [{workload, split,
 *         true_share, reported_share, error_pp}]}]   the cpu_split shares
 *   native [{workload, true_native_fraction, profilers [{profiler,
 *           reported_native_fraction, error_pp, rounds}]}]
 *   memory [{workload, alloc_mb, touched_mb, line, touch_line, profilers
 *           [{profiler, kind, reported_mb, error_pct, touch_line_mb,
 *             function_mb, function_error_pct, rounds}]}]
 *   capabilities {columns [...], rows [{profiler, cells {COLUMN: {value,
 *                 why, decided_by {workload, profiler, round, raw_dir,
 *                 attribution} | null, runs}}}]}
 *      value: yes | no | partial | inconclusive (a sampler's "no" from too
 *      few samples) | failed (the run did not finish) | unreadable (the
 *      adapter could not read its output) | not probed
 *   runs [{workload, profiler, round, raw_dir, status, error,
 *          attribution, adapter_error}]
 *   warnings [...]
 */
static json_t *build_output(struct ctx *c)
{
    json_t *out = json_object(), *shares = json_array(), *cpu = json_array(),
           *native = json_array(), *memory = json_array(), *rows = json_array(),
           *cols = json_array(), *runs = json_array();
    const char *w;
    json_t *truth, *pname;
    size_t i;
    char now[32];

    pb_now_iso(now, sizeof now);
    json_object_set_new(out, "schema", json_string("pbench-accuracy/1"));
    json_object_set_new(out, "results_dir", json_string(c->dir));
    json_object_set_new(out, "generated", json_string(now));
    json_object_set_new(out, "adapter", json_string(c->adapter));
    json_object_set_new(out, "python", json_string(c->python));
    json_object_set_new(out, "thresholds", json_pack("{s:f,s:f,s:f,s:f,s:i}", "seen_ratio", SEEN_RATIO,
                        "unseen_ratio", UNSEEN_RATIO, "native_ok_pp", NATIVE_OK_PP,
                        "memory_ok_pct", MEMORY_OK_PCT, "min_samples", MIN_SAMPLES));
    json_object_set(out, "truths", c->truths);

    const char *names[MAX_WORKLOADS];
    size_t nw = sorted_keys(c->truths, names, MAX_WORKLOADS);
    for (size_t wi = 0; wi < nw; wi++) {
        w = names[wi];
        truth = json_object_get(c->truths, w);
        const char *kind = str(truth, "kind");
        if (json_array_size(json_object_get(truth, "parts")) && str(truth, "focus")[0]) {
            json_t *profs = json_array();
            json_array_foreach(c->profilers, i, pname)
                json_array_append_new(profs, share_entry(c, w, truth, json_string_value(pname)));
            double split = num(json_object_get(truth, "params"), "split");
            json_array_append_new(shares, json_pack("{s:s,s:s,s:s,s:o,s:o,s:o}", "workload", w,
                "kind", kind, "focus", str(truth, "focus"),
                "split", !strcmp(kind, "cpu_split") ? real_or_null(split) : json_null(),
                "true_share", real_or_null(num(truth, "focus_share")), "profilers", profs));
        }
        if (!strcmp(kind, "native")) {
            json_t *profs = json_array();
            json_array_foreach(c->profilers, i, pname) {
                json_t *e = native_entry(c, w, truth, json_string_value(pname));
                if (e)
                    json_array_append_new(profs, e);
            }
            json_array_append_new(native, json_pack("{s:s,s:o,s:o}", "workload", w,
                "true_native_fraction", real_or_null(num(truth, "native_fraction")),
                "profilers", profs));
        }
        if (!strcmp(kind, "memory")) {
            json_t *m = json_object_get(truth, "memory"), *profs = json_array();
            json_array_foreach(c->profilers, i, pname) {
                json_t *e = memory_entry(c, w, truth, json_string_value(pname));
                if (e)
                    json_array_append_new(profs, e);
            }
            json_array_append_new(memory, json_pack("{s:s,s:o,s:o,s:o,s:o,s:o}", "workload", w,
                "alloc_mb", real_or_null(num(m, "alloc_mb")),
                "touched_mb", real_or_null(num(m, "touched_mb")),
                "line", json_integer((json_int_t)num(m, "line")),
                "touch_line", json_integer((json_int_t)num(m, "touch_line")), "profilers", profs));
        }
    }

    /* the CPU error table: the cpu_split rows of shares, per profiler */
    json_array_foreach(c->profilers, i, pname) {
        const char *p = json_string_value(pname);
        json_t *splits = json_array(), *s;
        double sum = 0, max = 0;
        size_t k, n = 0;
        json_array_foreach(shares, k, s) {
            if (strcmp(str(s, "kind"), "cpu_split"))
                continue;
            size_t j;
            json_t *pe, *mine = NULL;
            json_array_foreach(json_object_get(s, "profilers"), j, pe)
                if (!strcmp(str(pe, "profiler"), p))
                    mine = pe;
            double e = num(mine, "error_pp");
            json_array_append_new(splits, json_pack("{s:s,s:O,s:O,s:o,s:o}", "workload",
                str(s, "workload"), "split", json_object_get(s, "split"),
                "true_share", json_object_get(s, "true_share"),
                "reported_share", real_or_null(num(mine, "reported_share")),
                "error_pp", real_or_null(e)));
            if (!isnan(e)) {
                sum += e;
                max = e > max ? e : max;
                n++;
            }
        }
        json_array_append_new(cpu, json_pack("{s:s,s:o,s:o,s:o}", "profiler", p,
            "mean_error_pp", n ? json_real(sum / (double)n) : json_null(),
            "max_error_pp", n ? json_real(max) : json_null(), "splits", splits));
    }

    for (int k = 0; k < P_COUNT; k++)
        json_array_append_new(cols, json_string(probe_names[k]));
    json_array_foreach(c->profilers, i, pname) {
        const char *p = json_string_value(pname);
        json_t *cells = json_object();
        for (int k = 0; k < P_COUNT; k++)
            json_object_set_new(cells, probe_names[k],
                                probe_kind[k] ? kind_cell(c, (enum probe)k, p)
                                              : any_cell(c, (enum probe)k, p));
        json_array_append_new(rows, json_pack("{s:s,s:o}", "profiler", p, "cells", cells));
    }

    json_object_foreach(c->pairs, w, truth) {
        const char *p;
        json_t *list;
        json_object_foreach(truth, p, list) {
            json_t *e;
            json_array_foreach(list, i, e) {
                json_t *copy = json_copy(e);
                json_object_del(copy, "_attr");
                json_object_del(copy, "_truth");
                json_array_append_new(runs, copy);
            }
        }
    }

    json_object_set_new(out, "shares", shares);
    json_object_set_new(out, "cpu", cpu);
    json_object_set_new(out, "native", native);
    json_object_set_new(out, "memory", memory);
    json_object_set_new(out, "capabilities", json_pack("{s:o,s:o}", "columns", cols, "rows", rows));
    json_object_set_new(out, "runs", runs);
    json_object_set(out, "warnings", c->warnings);
    return out;
}

int pb_accuracy_compute(const char *dir, const struct pb_accuracy_opts *opts, json_t **out,
                        struct pb_error *err)
{
    struct ctx c;
    char adapter[PATH_MAX];
    int rc = -1;

    memset(&c, 0, sizeof c);
    *out = NULL;
    c.dir = dir;
    c.python = opts ? opts->python : NULL;
    c.timeout_s = opts && opts->timeout_s > 0 ? opts->timeout_s : 120;
    if (opts && opts->adapter) {
        c.adapter = opts->adapter;
    } else {
        char *path = pb_datadir_path("adapters/adapt.py", err);
        if (!path)
            return -1;
        snprintf(adapter, sizeof adapter, "%s", path);
        free(path);
        c.adapter = adapter;
    }
    if (access(c.adapter, R_OK) < 0) {
        int e = errno;
        pb_error_set(err, "cannot read the adapter '%s'", c.adapter);
        return pb_error_errno(err, e);
    }
    c.truths = json_object();
    c.pairs = json_object();
    c.profilers = json_array();
    c.warnings = json_array();
    if (load(&c, err) < 0)
        goto cleanup;
    *out = build_output(&c);
    rc = *out ? 0 : pb_error_set(err, "out of memory");

cleanup:
    json_decref(c.truths);
    json_decref(c.pairs);
    json_decref(c.profilers);
    json_decref(c.warnings);
    json_decref(c.resolved);
    pb_records_release(&c.runs);
    return rc;
}

int pb_accuracy_write(const char *dir, const struct pb_accuracy_opts *opts, json_t **out,
                      struct pb_error *err)
{
    json_t *acc;

    if (out)
        *out = NULL;
    if (pb_accuracy_compute(dir, opts, &acc, err) < 0)
        return -1;
    if (pb_json_write(dir, "accuracy.json", acc, err) < 0) {
        json_decref(acc);
        return -1;
    }
    if (out)
        *out = acc;
    else
        json_decref(acc);
    return 0;
}

/* ---- the report's section --------------------------------------------- */

static void md_pp(FILE *f, const json_t *v)
{
    if (json_is_number(v))
        fprintf(f, "%.1f", json_number_value(v));
    else
        fputs("–", f);
}

static void md_cell(FILE *f, const json_t *cell, const char *prefix)
{
    const char *value = str(cell, "value");
    const json_t *by = json_object_get(cell, "decided_by");
    const char *why = str(cell, "why");

    if (!json_is_object(by)) {
        fprintf(f, "%s", value);
        return;
    }
    fprintf(f, "[%s](%s%s%s \"", value, prefix, prefix[0] ? "/" : "", str(by, "raw_dir"));
    for (const char *p = why; *p; p++)
        if (*p != '"' && *p != '\n' && *p != '|')
            fputc(*p, f);
    fputs("\")", f);
}

int pb_accuracy_markdown(FILE *f, const char *results_dir, const char *link_prefix,
                         const char *chart, struct pb_error *err)
{
    char path[PATH_MAX];
    json_t *acc, *row, *s;
    size_t i, k;
    const char *prefix = link_prefix ? link_prefix : "";

    snprintf(path, sizeof path, "%s/accuracy.json", results_dir);
    if (access(path, F_OK) != 0)
        return 1;
    acc = pb_json_read(results_dir, "accuracy.json", err);
    if (!acc)
        return -1;

    fprintf(f, "## Accuracy\n\n"
               "Ground truth from the workloads themselves (workloads/truth_*.py): each plain run "
               "measures its parts with a high-resolution timer. A profiler's share of a part is "
               "the part's time over all parts' time in its own output; errors are "
               "|reported - true| in percentage points.\n\n");
    if (chart)
        fprintf(f, "![reported vs true share](%s)\n\n", chart);

    json_t *cpu = json_object_get(acc, "cpu");
    fprintf(f, "### CPU attribution error (helper side of the CPU split, points)\n\n| profiler | mean |");
    json_array_foreach(json_object_get(json_array_get(cpu, 0), "splits"), k, s)
        fprintf(f, " %s (true %.0f%%) |", str(s, "workload"), num(s, "true_share") * 100);
    fprintf(f, "\n|---|---:|");
    json_array_foreach(json_object_get(json_array_get(cpu, 0), "splits"), k, s)
        fputs("---:|", f);
    fputc('\n', f);
    json_array_foreach(cpu, i, row) {
        fprintf(f, "| %s | ", str(row, "profiler"));
        md_pp(f, json_object_get(row, "mean_error_pp"));
        fputs(" |", f);
        json_array_foreach(json_object_get(row, "splits"), k, s) {
            fputc(' ', f);
            md_pp(f, json_object_get(s, "error_pp"));
            fputs(" |", f);
        }
        fputc('\n', f);
    }

    json_array_foreach(json_object_get(acc, "shares"), i, row) {
        json_t *pe;
        if (!strcmp(str(row, "kind"), "cpu_split"))
            continue;
        fprintf(f, "\n### %s: share of the '%s' part (true %.1f%%)\n\n"
                   "| profiler | reported | error (points) | note |\n|---|---:|---:|---|\n",
                str(row, "workload"), str(row, "focus"), num(row, "true_share") * 100);
        json_array_foreach(json_object_get(row, "profilers"), k, pe) {
            fprintf(f, "| %s | ", str(pe, "profiler"));
            if (json_is_number(json_object_get(pe, "reported_share")))
                fprintf(f, "%.1f%%", num(pe, "reported_share") * 100);
            else
                fputs("–", f);
            fputs(" | ", f);
            md_pp(f, json_object_get(pe, "error_pp"));
            fputs(" | ", f);
            pb_md_text(f, json_string_value(json_object_get(pe, "note")), 0);
            fputs(" |\n", f);
        }
    }

    json_array_foreach(json_object_get(acc, "native"), i, row) {
        json_t *pe;
        fprintf(f, "\n### %s: Python vs native split (true native %.1f%%)\n\n"
                   "| profiler | reported native | error (points) |\n|---|---:|---:|\n",
                str(row, "workload"), num(row, "true_native_fraction") * 100);
        json_array_foreach(json_object_get(row, "profilers"), k, pe) {
            fprintf(f, "| %s | %.1f%% | ", str(pe, "profiler"), num(pe, "reported_native_fraction") * 100);
            md_pp(f, json_object_get(pe, "error_pp"));
            fputs(" |\n", f);
        }
    }

    json_array_foreach(json_object_get(acc, "memory"), i, row) {
        json_t *pe;
        fprintf(f, "\n### %s: memory at the allocation line %lld (true %.0f MB; %.0f MB of it "
                   "touched at line %lld)\n\n"
                   "| profiler | kind | at the line (MB) | error | at the touch line (MB) | "
                   "in the function (MB) |\n|---|---|---:|---:|---:|---:|\n",
                str(row, "workload"), (long long)json_integer_value(json_object_get(row, "line")),
                num(row, "alloc_mb"), num(row, "touched_mb"),
                (long long)json_integer_value(json_object_get(row, "touch_line")));
        json_array_foreach(json_object_get(row, "profilers"), k, pe)
            fprintf(f, "| %s | %s | %.1f | %.0f%% | %.1f | %.1f |\n", str(pe, "profiler"),
                    str(pe, "kind"), num(pe, "reported_mb"), num(pe, "error_pct"),
                    num(pe, "touch_line_mb"), num(pe, "function_mb"));
    }

    json_t *caps = json_object_get(acc, "capabilities"), *col;
    fprintf(f, "\n### Capabilities\n\nEach cell is decided by a probe run (the link; hover for "
               "the reason). \"not probed\": no run tested it.\n\n| profiler |");
    json_array_foreach(json_object_get(caps, "columns"), k, col)
        fprintf(f, " %s |", json_string_value(col));
    fputs("\n|---|", f);
    json_array_foreach(json_object_get(caps, "columns"), k, col)
        fputs("---|", f);
    fputc('\n', f);
    json_array_foreach(json_object_get(caps, "rows"), i, row) {
        fprintf(f, "| %s |", str(row, "profiler"));
        json_array_foreach(json_object_get(caps, "columns"), k, col) {
            fputc(' ', f);
            md_cell(f, json_object_get(json_object_get(row, "cells"), json_string_value(col)), prefix);
            fputs(" |", f);
        }
        fputc('\n', f);
    }
    fputc('\n', f);
    json_decref(acc);
    return 0;
}

/* ---- pbench accuracy ------------------------------------------------------ */

static void usage(FILE *f)
{
    fputs("usage: pbench accuracy RESULTS_DIR [options]\n"
          "  Reads the profilers' outputs of a run of truth workloads (configs/accuracy.yaml)\n"
          "  and writes RESULTS_DIR/accuracy.json: attribution errors and the capability matrix.\n"
          "      --python PATH    interpreter for the adapter (default: the run's)\n"
          "      --adapter PATH   adapt.py to use (default: the source tree's)\n"
          "      --timeout S      per adapter run (default 120)\n"
          "  -q, --quiet          write accuracy.json, print nothing\n", f);
}

static void fmt_pp(char *buf, size_t n, const json_t *v)
{
    if (json_is_number(v))
        snprintf(buf, n, "%.1f", json_number_value(v));
    else
        snprintf(buf, n, "-");
}

static void print_tables(const json_t *acc)
{
    const json_t *cpu = json_object_get(acc, "cpu"), *row;
    size_t i, k;

    printf("CPU attribution error: |reported - true| share of the helper side, percentage points\n\n");
    printf("%-16s %6s", "profiler", "mean");
    json_array_foreach(json_object_get(json_array_get(cpu, 0), "splits"), k, row) {
        char h[32];
        snprintf(h, sizeof h, "s=%.2g", num(row, "split"));
        printf(" %7s", h);
    }
    printf("\n");
    json_array_foreach(cpu, i, row) {
        char b[32];
        json_t *s;
        fmt_pp(b, sizeof b, json_object_get(row, "mean_error_pp"));
        printf("%-16s %6s", str(row, "profiler"), b);
        json_array_foreach(json_object_get(row, "splits"), k, s) {
            fmt_pp(b, sizeof b, json_object_get(s, "error_pp"));
            printf(" %7s", b);
        }
        printf("\n");
    }

    json_array_foreach(json_object_get(acc, "shares"), i, row) {
        if (!strcmp(str(row, "kind"), "cpu_split"))
            continue;
        json_t *pe;
        printf("\n%s: share of the '%s' part (true %.1f%%)\n", str(row, "workload"),
               str(row, "focus"), num(row, "true_share") * 100);
        json_array_foreach(json_object_get(row, "profilers"), k, pe) {
            char a[32], b[32];
            json_t *rs = json_object_get(pe, "reported_share");
            snprintf(a, sizeof a, json_is_number(rs) ? "%.1f%%" : "-", json_number_value(rs) * 100);
            fmt_pp(b, sizeof b, json_object_get(pe, "error_pp"));
            printf("  %-16s %8s  error %6s pp%s%s\n", str(pe, "profiler"), a, b,
                   json_is_string(json_object_get(pe, "note")) ? "  " : "",
                   json_is_string(json_object_get(pe, "note")) ? str(pe, "note") : "");
        }
    }

    json_array_foreach(json_object_get(acc, "memory"), i, row) {
        json_t *pe;
        printf("\n%s: memory at line %lld (true %.0f MB allocated, %.0f MB touched at line %lld)\n",
               str(row, "workload"), (long long)json_integer_value(json_object_get(row, "line")),
               num(row, "alloc_mb"), num(row, "touched_mb"),
               (long long)json_integer_value(json_object_get(row, "touch_line")));
        json_array_foreach(json_object_get(row, "profilers"), k, pe)
            printf("  %-16s %8.1f MB  error %6.1f%%  (touch line %.1f MB, function %.1f MB; %s)\n",
                   str(pe, "profiler"), num(pe, "reported_mb"), num(pe, "error_pct"),
                   num(pe, "touch_line_mb"), num(pe, "function_mb"), str(pe, "kind"));
        if (!json_array_size(json_object_get(row, "profilers")))
            printf("  (no profiler reported memory)\n");
    }

    const json_t *caps = json_object_get(acc, "capabilities"), *col;
    printf("\nCapabilities (each cell decided by a probe run; see accuracy.json for the run)\n\n");
    printf("%-16s", "profiler");
    json_array_foreach(json_object_get(caps, "columns"), k, col)
        printf(" %-16.16s", json_string_value(col));
    printf("\n");
    json_array_foreach(json_object_get(caps, "rows"), i, row) {
        printf("%-16s", str(row, "profiler"));
        json_array_foreach(json_object_get(caps, "columns"), k, col) {
            json_t *cl = json_object_get(json_object_get(row, "cells"), json_string_value(col));
            printf(" %-16.16s", str(cl, "value"));
        }
        printf("\n");
    }
    json_array_foreach(json_object_get(acc, "warnings"), i, row)
        fprintf(stderr, "pbench accuracy: warning: %s\n", json_string_value(row));
}

int pb_accuracy_cmd(int argc, char **argv)
{
    static const struct option longopts[] = {
        { "python", required_argument, NULL, 'P' },
        { "adapter", required_argument, NULL, 'a' },
        { "timeout", required_argument, NULL, 't' },
        { "quiet", no_argument, NULL, 'q' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 }
    };
    struct pb_accuracy_opts o;
    struct pb_error err;
    json_t *acc = NULL;
    int c, quiet = 0;

    pb_accuracy_opts_init(&o);
    optind = 1;
    while ((c = getopt_long(argc, argv, "qh", longopts, NULL)) != -1) {
        char *end;
        switch (c) {
        case 'P': o.python = optarg; break;
        case 'a': o.adapter = optarg; break;
        case 't':
            o.timeout_s = strtod(optarg, &end);
            if (*end || o.timeout_s <= 0) {
                fprintf(stderr, "pbench accuracy: --timeout expects seconds, not '%s'\n", optarg);
                return 2;
            }
            break;
        case 'q': quiet = 1; break;
        case 'h': usage(stdout); return 0;
        default: usage(stderr); return 2;
        }
    }
    if (optind != argc - 1) {
        usage(stderr);
        return 2;
    }
    if (pb_accuracy_write(argv[optind], &o, &acc, &err) < 0) {
        char buf[2048];
        fprintf(stderr, "pbench accuracy: %s\n", pb_error_format(&err, buf, sizeof buf));
        return 1;
    }
    if (!quiet) {
        print_tables(acc);
        printf("\naccuracy in %s/accuracy.json\n", argv[optind]);
    }
    json_decref(acc);
    return 0;
}
