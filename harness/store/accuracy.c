/*
 * accuracy.json: struct pb_accuracy <-> the file, both directions here
 * and nowhere else. See accuracy.h; the keys are listed in
 * docs/results-format.md. Saving builds the JSON in the order the keys
 * have always been written, so files stay comparable with diff.
 */
#include <limits.h>
#include <math.h>
#include <stdalign.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "store/accuracy.h"
#include "util/jsonfile.h"

#define FILE_NAME "accuracy.json"

/* ---- memory: one list of blocks per struct ----------------------------- */

struct pb_acc_block {
    struct pb_acc_block *next;
    json_t *json;                   /* a kept reference, or NULL */
    alignas(max_align_t) unsigned char data[];
};

struct pb_accuracy *pb_accuracy_new(void)
{
    struct pb_accuracy *acc = calloc(1, sizeof *acc);
    if (acc)
        acc->version = 2;
    return acc;
}

void pb_accuracy_free(struct pb_accuracy *acc)
{
    if (!acc)
        return;
    for (struct pb_acc_block *b = acc->mem, *next; b; b = next) {
        next = b->next;
        json_decref(b->json);
        free(b);
    }
    free(acc);
}

static struct pb_acc_block *block(struct pb_accuracy *acc, size_t n)
{
    struct pb_acc_block *b = n <= SIZE_MAX - sizeof *b ? calloc(1, sizeof *b + n) : NULL;
    if (!b) {
        acc->oom = 1;
        return NULL;
    }
    b->next = acc->mem;
    acc->mem = b;
    return b;
}

void *pb_accuracy_alloc(struct pb_accuracy *acc, size_t n)
{
    struct pb_acc_block *b = block(acc, n);
    return b ? b->data : NULL;
}

char *pb_accuracy_strdup(struct pb_accuracy *acc, const char *s)
{
    char *p;
    if (!s)
        return NULL;
    p = pb_accuracy_alloc(acc, strlen(s) + 1);
    if (p)
        strcpy(p, s);
    return p;
}

json_t *pb_accuracy_keep(struct pb_accuracy *acc, json_t *j)
{
    struct pb_acc_block *b;
    if (!j)
        return NULL;
    b = block(acc, 0);
    if (!b)
        return NULL;
    b->json = json_incref(j);
    return j;
}

const struct pb_acc_cell *pb_accuracy_cell(const struct pb_accuracy *acc,
                                           const struct pb_acc_cap_row *row, const char *column)
{
    for (size_t k = 0; k < acc->ncolumns; k++)
        if (!strcmp(acc->columns[k], column))
            return &row->cells[k];
    return NULL;
}

/* ---- the format: every key of accuracy.json, in the order written ------ */

enum kind {
    K_STR,          /* const char *: null when NULL */
    K_OPTSTR,       /* const char *: left out when NULL */
    K_NUM,          /* double: null when not finite */
    K_INT,          /* int */
    K_LONG,         /* long */
    K_COUNT,        /* long long: null when < 0 */
    K_JSON,         /* json_t *, kept as it is: left out when NULL */
    K_STRS,         /* const char ** and its size_t count at n_off */
    K_NUMS,         /* double * and its count at n_off */
    K_ARRAY,        /* an array of sub's structs and its count at n_off */
    K_OBJECT,       /* a struct of sub's at off, as a nested object */
    K_INLINE,       /* a struct of sub's at off, its keys in this object */
    K_REF,          /* struct pb_acc_run_ref *: an object, null when NULL */
    K_TRUTHS,       /* the truths: an object by workload name */
    K_CAPS,         /* the capability matrix: columns and rows of cells */
};

struct type;

struct field {
    const char *key;
    enum kind kind;
    size_t off, n_off;
    const struct type *sub;
    int has_when;               /* written only when the int at when_off is
                                 * set; read: set when the key is there */
    size_t when_off;
};

struct type {
    size_t size;
    const struct field *fields;     /* up to a NULL key */
};

/* F(key, kind, member): a field of the struct T being described; FN: with
 * its count member; FA: an array of sub's structs; FS: a struct of sub's;
 * FW: written only when the int member flag is set. */
#define F(key, kind, m) { key, kind, offsetof(T, m), 0, NULL, 0, 0 }
#define FN(key, kind, m, n) { key, kind, offsetof(T, m), offsetof(T, n), NULL, 0, 0 }
#define FA(key, m, n, sub) { key, K_ARRAY, offsetof(T, m), offsetof(T, n), &sub, 0, 0 }
#define FS(key, kind, m, sub) { key, kind, offsetof(T, m), 0, &sub, 0, 0 }
#define FW(key, kind, m, flag) { key, kind, offsetof(T, m), 0, NULL, 1, offsetof(T, flag) }
#define END { NULL, K_STR, 0, 0, NULL, 0, 0 }
/* The struct T's type, its fields in the order they are written. */
#define TYPE(name, ...) \
    static const struct type name = { sizeof(T), (const struct field[]){ __VA_ARGS__, END } }

#define T struct pb_acc_run_ref
TYPE(ref,
    F("workload", K_STR, workload), F("profiler", K_STR, profiler), F("round", K_INT, round),
    F("raw_dir", K_STR, raw_dir), F("attribution", K_STR, attribution));
#undef T

#define T struct pb_acc_part
TYPE(part,
    F("name", K_STR, name), F("root", K_STR, root),
    FN("functions", K_STRS, functions, nfunctions), F("share", K_NUM, share),
    FN("shares", K_NUMS, shares, nshares));
#undef T

#define T struct pb_acc_truth_run
TYPE(truth_run,
    F("round", K_INT, round), F("raw_dir", K_STR, raw_dir));
#undef T

#define T struct pb_acc_truth
TYPE(truth,       /* its workload is its key */
    F("kind", K_STR, kind), F("script", K_STR, script), F("focus", K_STR, focus),
    F("params", K_JSON, params), FA("parts", parts, nparts, part),
    F("focus_share", K_NUM, focus_share), FN("share_sums", K_NUMS, share_sums, nshare_sums),
    F("native_fraction", K_NUM, native_fraction), F("lines", K_JSON, lines),
    F("memory", K_JSON, memory), F("functions", K_JSON, functions),
    FA("runs", runs, nruns, truth_run));
#undef T

#define T struct pb_acc_share_round
TYPE(share_round,
    FS("", K_INLINE, run, ref), F("note", K_OPTSTR, note),
    FW("reported_share", K_NUM, reported_share, scored), FW("error_pp", K_NUM, error_pp, scored),
    FW("in_run_true_share", K_NUM, in_run_true_share, scored),
    FW("samples", K_COUNT, samples, scored));
#undef T

#define T struct pb_acc_share_profiler
TYPE(share_profiler,
    F("profiler", K_STR, profiler), F("reported_share", K_NUM, reported_share),
    F("error_pp", K_NUM, error_pp), FA("rounds", rounds, nrounds, share_round),
    F("note", K_STR, note));
#undef T

#define T struct pb_acc_share
TYPE(share,
    F("workload", K_STR, workload), F("kind", K_STR, kind), F("focus", K_STR, focus),
    F("split", K_NUM, split), F("true_share", K_NUM, true_share),
    FA("profilers", profilers, nprofilers, share_profiler));
#undef T

#define T struct pb_acc_cpu_split
TYPE(cpu_split,
    F("workload", K_STR, workload), F("split", K_NUM, split), F("true_share", K_NUM, true_share),
    F("reported_share", K_NUM, reported_share), F("error_pp", K_NUM, error_pp));
#undef T

#define T struct pb_acc_cpu
TYPE(cpu,
    F("profiler", K_STR, profiler), F("mean_error_pp", K_NUM, mean_error_pp),
    F("max_error_pp", K_NUM, max_error_pp), FA("splits", splits, nsplits, cpu_split));
#undef T

#define T struct pb_acc_native_round
TYPE(native_round,
    FS("", K_INLINE, run, ref), F("reported_native_fraction", K_NUM, reported_native_fraction),
    F("error_pp", K_NUM, error_pp));
#undef T

#define T struct pb_acc_native_profiler
TYPE(native_profiler,
    F("profiler", K_STR, profiler),
    F("reported_native_fraction", K_NUM, reported_native_fraction),
    F("error_pp", K_NUM, error_pp), FA("rounds", rounds, nrounds, native_round));
#undef T

#define T struct pb_acc_native
TYPE(native,
    F("workload", K_STR, workload), F("true_native_fraction", K_NUM, true_native_fraction),
    FA("profilers", profilers, nprofilers, native_profiler));
#undef T

#define T struct pb_acc_memory_round
TYPE(memory_round,
    FS("", K_INLINE, run, ref), F("reported_mb", K_NUM, reported_mb),
    F("touch_line_mb", K_NUM, touch_line_mb), F("function_mb", K_NUM, function_mb),
    F("error_pct", K_NUM, error_pct));
#undef T

#define T struct pb_acc_memory_profiler
TYPE(memory_profiler,
    F("profiler", K_STR, profiler), F("kind", K_STR, kind), F("reported_mb", K_NUM, reported_mb),
    F("error_pct", K_NUM, error_pct), F("touch_line_mb", K_NUM, touch_line_mb),
    F("function_mb", K_NUM, function_mb), F("function_error_pct", K_NUM, function_error_pct),
    FA("rounds", rounds, nrounds, memory_round));
#undef T

#define T struct pb_acc_memory
TYPE(memory,
    F("workload", K_STR, workload), F("alloc_mb", K_NUM, alloc_mb),
    F("touched_mb", K_NUM, touched_mb), F("line", K_LONG, line),
    F("touch_line", K_LONG, touch_line), FA("profilers", profilers, nprofilers, memory_profiler));
#undef T

#define T struct pb_acc_cell
TYPE(cell,
    F("value", K_STR, value), F("why", K_STR, why), F("decided_by", K_REF, decided_by),
    F("runs", K_OPTSTR, runs));
#undef T

/* The capability matrix: {"columns": [...], "rows": [{"profiler",
 * "cells": {COLUMN: cell}}]}, written and read by hand below. */
#define KEY_COLUMNS "columns"
#define KEY_ROWS "rows"
#define KEY_ROW_PROFILER "profiler"
#define KEY_ROW_CELLS "cells"

#define T struct pb_acc_run
TYPE(run,
    F("workload", K_STR, workload), F("profiler", K_STR, profiler), F("round", K_INT, round),
    F("raw_dir", K_STR, raw_dir), F("status", K_STR, status), F("error", K_OPTSTR, error),
    F("attribution", K_OPTSTR, attribution), F("adapter_error", K_OPTSTR, adapter_error));
#undef T

#define T struct pb_acc_thresholds
TYPE(thresholds,
    F("seen_ratio", K_NUM, seen_ratio), F("unseen_ratio", K_NUM, unseen_ratio),
    F("native_ok_pp", K_NUM, native_ok_pp), F("memory_ok_pct", K_NUM, memory_ok_pct),
    F("min_samples", K_INT, min_samples));
#undef T

/* The version keys come first: "format" (2), "schema" (1, kept). */
#define KEY_FORMAT "format"
#define KEY_SCHEMA "schema"

#define T struct pb_accuracy
TYPE(accuracy,
    F("results_dir", K_STR, results_dir), F("generated", K_STR, generated),
    F("adapter", K_STR, adapter), F("python", K_STR, python),
    FS("thresholds", K_OBJECT, thresholds, thresholds), F("truths", K_TRUTHS, truths),
    FA("shares", shares, nshares, share), FA("cpu", cpu, ncpu, cpu),
    FA("native", native, nnative, native), FA("memory", memory, nmemory, memory),
    F("capabilities", K_CAPS, columns), FA("runs", runs, nruns, run),
    FN("warnings", K_STRS, warnings, nwarnings));
#undef T

#define AT(base, off, type) (*(type *)((base) + (off)))

/* ---- saving ------------------------------------------------------------ */

struct wr {
    int failed;                     /* a value could not be made */
};

static void put(struct wr *w, json_t *o, const char *key, json_t *v)
{
    if (!o || !v || json_object_set_new(o, key, v) < 0)
        w->failed = 1;
}

static void push(struct wr *w, json_t *arr, json_t *v)
{
    if (!arr || !v || json_array_append_new(arr, v) < 0)
        w->failed = 1;
}

static json_t *jstr(const char *s)
{
    return s ? json_string(s) : json_null();
}

static json_t *jnum(double v)
{
    return isfinite(v) ? json_real(v) : json_null();
}

static void wfields(struct wr *w, json_t *o, const struct field *f, const unsigned char *base);

static json_t *wobject(struct wr *w, const struct type *t, const void *p)
{
    json_t *o = json_object();
    wfields(w, o, t->fields, p);
    return o;
}

static json_t *warray(struct wr *w, const struct field *f, const unsigned char *base)
{
    json_t *a = json_array();
    size_t n = AT(base, f->n_off, const size_t);

    for (size_t i = 0; i < n; i++) {
        if (f->kind == K_STRS)
            push(w, a, jstr(AT(base, f->off, const char *const *)[i]));
        else if (f->kind == K_NUMS)
            push(w, a, jnum(AT(base, f->off, const double *)[i]));
        else
            push(w, a, wobject(w, f->sub, AT(base, f->off, const unsigned char *) + i * f->sub->size));
    }
    return a;
}

static json_t *wtruths(struct wr *w, const struct pb_accuracy *acc)
{
    json_t *o = json_object();
    for (size_t i = 0; i < acc->ntruths; i++)
        put(w, o, acc->truths[i].workload ? acc->truths[i].workload : "", wobject(w, &truth, &acc->truths[i]));
    return o;
}

static json_t *wcaps(struct wr *w, const struct pb_accuracy *acc)
{
    json_t *o = json_object(), *cols = json_array(), *rows = json_array();

    for (size_t k = 0; k < acc->ncolumns; k++)
        push(w, cols, jstr(acc->columns[k]));
    for (size_t i = 0; i < acc->nrows; i++) {
        json_t *row = json_object(), *cells = json_object();
        for (size_t k = 0; k < acc->ncolumns; k++)
            put(w, cells, acc->columns[k], wobject(w, &cell, &acc->rows[i].cells[k]));
        put(w, row, KEY_ROW_PROFILER, jstr(acc->rows[i].profiler));
        put(w, row, KEY_ROW_CELLS, cells);
        push(w, rows, row);
    }
    put(w, o, KEY_COLUMNS, cols);
    put(w, o, KEY_ROWS, rows);
    return o;
}

static void wfields(struct wr *w, json_t *o, const struct field *f, const unsigned char *base)
{
    for (; f->key; f++) {
        const unsigned char *at = base + f->off;
        const void *rp;
        json_t *j;
        long long n;

        if (f->has_when && !AT(base, f->when_off, const int))
            continue;
        switch (f->kind) {
        case K_STR: put(w, o, f->key, jstr(AT(at, 0, const char *const))); break;
        case K_OPTSTR:
            if (AT(at, 0, const char *const))
                put(w, o, f->key, json_string(AT(at, 0, const char *const)));
            break;
        case K_NUM: put(w, o, f->key, jnum(AT(at, 0, const double))); break;
        case K_INT: put(w, o, f->key, json_integer(AT(at, 0, const int))); break;
        case K_LONG: put(w, o, f->key, json_integer(AT(at, 0, const long))); break;
        case K_COUNT:
            n = AT(at, 0, const long long);
            put(w, o, f->key, n >= 0 ? json_integer(n) : json_null());
            break;
        case K_JSON:
            j = AT(at, 0, json_t *const);
            if (j)
                put(w, o, f->key, json_incref(j));
            break;
        case K_STRS:
        case K_NUMS:
        case K_ARRAY: put(w, o, f->key, warray(w, f, base)); break;
        case K_OBJECT: put(w, o, f->key, wobject(w, f->sub, at)); break;
        case K_INLINE: wfields(w, o, f->sub->fields, at); break;
        case K_REF:
            rp = AT(at, 0, const void *const);
            put(w, o, f->key, rp ? wobject(w, &ref, rp) : json_null());
            break;
        case K_TRUTHS: put(w, o, f->key, wtruths(w, (const struct pb_accuracy *)base)); break;
        case K_CAPS: put(w, o, f->key, wcaps(w, (const struct pb_accuracy *)base)); break;
        }
    }
}

int pb_accuracy_save(const char *dir, const struct pb_accuracy *acc, struct pb_error *err)
{
    struct wr w = { 0 };
    json_t *j = json_object();
    int rc = -1;

    if (acc->oom)
        return pb_error_set(err, "out of memory");
    put(&w, j, KEY_FORMAT, json_string(PB_ACCURACY_FORMAT));
    put(&w, j, KEY_SCHEMA, json_string(PB_ACCURACY_SCHEMA_V1));
    wfields(&w, j, accuracy.fields, (const unsigned char *)acc);
    if (w.failed)
        pb_error_set(err, "out of memory");
    else
        rc = pb_json_write(dir, FILE_NAME, j, err);
    json_decref(j);
    return rc;
}

/* ---- loading ----------------------------------------------------------- */

struct rd {
    struct pb_accuracy *acc;
    char file[PATH_MAX];
    struct pb_error *err;
    int failed;
};

/* Records the first error: "'FILE': WHERE.KEY: expected WHAT". */
static void bad(struct rd *r, const char *where, const char *key, const char *what)
{
    if (r->failed++)
        return;
    pb_error_set(r->err, "'%s': %s%s%s: expected %s", r->file, where, where[0] && key[0] ? "." : "",
                 key, what);
}

static void rfields(struct rd *r, const json_t *o, const char *where, const struct field *f,
                    unsigned char *base);

/* The path of key (or of its element i when i >= 0) below where. */
static void path_of(char *buf, size_t n, const char *where, const char *key, long i)
{
    int len = snprintf(buf, n, "%s%s%s", where, where[0] && key[0] ? "." : "", key);
    if (i >= 0 && len >= 0 && (size_t)len < n)
        snprintf(buf + len, n - (size_t)len, "[%ld]", i);
}

static const char *rstr(struct rd *r, const json_t *v, const char *where, const char *key)
{
    if (!v || json_is_null(v))
        return NULL;
    if (!json_is_string(v)) {
        bad(r, where, key, "a string");
        return NULL;
    }
    return pb_accuracy_strdup(r->acc, json_string_value(v));
}

static double rnum(struct rd *r, const json_t *v, const char *where, const char *key)
{
    if (!v || json_is_null(v))
        return NAN;
    if (!json_is_number(v)) {
        bad(r, where, key, "a number");
        return NAN;
    }
    return json_number_value(v);
}

static long long rint_or(struct rd *r, const json_t *v, const char *where, const char *key,
                         long long dflt)
{
    if (!v || json_is_null(v))
        return dflt;
    if (!json_is_integer(v)) {
        bad(r, where, key, "an integer");
        return dflt;
    }
    return json_integer_value(v);
}

/* An array field: the items (strings, numbers or sub's structs) and
 * their count. Absent or null: none. */
static void rarray(struct rd *r, const json_t *v, const char *where, const struct field *f,
                   unsigned char *base)
{
    size_t size = f->kind == K_STRS ? sizeof(char *) : f->kind == K_NUMS ? sizeof(double)
                                                                       : f->sub->size;
    unsigned char *items;
    char ew[512];
    size_t n;

    if (!v || json_is_null(v))
        return;
    if (!json_is_array(v)) {
        bad(r, where, f->key, "an array");
        return;
    }
    n = json_array_size(v);
    items = n ? pb_accuracy_alloc(r->acc, n * size) : NULL;
    if (!items)
        return;
    AT(base, f->off, unsigned char *) = items;
    AT(base, f->n_off, size_t) = n;
    for (size_t i = 0; i < n; i++) {
        json_t *e = json_array_get(v, i);
        path_of(ew, sizeof ew, where, f->key, (long)i);
        if (f->kind == K_STRS)
            ((const char **)items)[i] = json_is_string(e) ? rstr(r, e, ew, "")
                                      : (bad(r, ew, "", "a string"), NULL);
        else if (f->kind == K_NUMS)
            ((double *)items)[i] = rnum(r, e, ew, "");
        else if (!json_is_object(e))
            bad(r, ew, "", "an object");
        else
            rfields(r, e, ew, f->sub->fields, items + i * size);
    }
}

static void rtruths(struct rd *r, const json_t *v, const char *key)
{
    struct pb_accuracy *acc = r->acc;
    const char *name;
    json_t *t;
    char tw[512];

    if (!v || json_is_null(v))
        return;
    if (!json_is_object(v)) {
        bad(r, "", key, "an object");
        return;
    }
    acc->truths = json_object_size(v) ? pb_accuracy_alloc(acc, json_object_size(v) * sizeof *acc->truths)
                                      : NULL;
    if (!acc->truths)
        return;
    json_object_foreach((json_t *)v, name, t) {
        struct pb_acc_truth *tr = &acc->truths[acc->ntruths++];
        path_of(tw, sizeof tw, key, name, -1);
        tr->workload = pb_accuracy_strdup(acc, name);
        if (!json_is_object(t))
            bad(r, tw, "", "an object");
        else
            rfields(r, t, tw, truth.fields, (unsigned char *)tr);
    }
}

static void rcaps(struct rd *r, const json_t *v, const char *key)
{
#define T struct pb_accuracy
    static const struct field columns = FN(KEY_COLUMNS, K_STRS, columns, ncolumns);
#undef T
    struct pb_accuracy *acc = r->acc;
    const json_t *rows;
    char rw[512], cw[640];

    if (!v || json_is_null(v))
        return;
    if (!json_is_object(v)) {
        bad(r, "", key, "an object");
        return;
    }
    rarray(r, json_object_get(v, KEY_COLUMNS), key, &columns, (unsigned char *)acc);
    rows = json_object_get(v, KEY_ROWS);
    if (rows && !json_is_array(rows)) {
        bad(r, key, KEY_ROWS, "an array");
        return;
    }
    acc->rows = json_array_size(rows) ? pb_accuracy_alloc(acc, json_array_size(rows) * sizeof *acc->rows)
                                      : NULL;
    for (size_t i = 0; acc->rows && i < json_array_size(rows); i++) {
        const json_t *o = json_array_get(rows, i), *cells = json_object_get(o, KEY_ROW_CELLS);
        struct pb_acc_cap_row *row = &acc->rows[acc->nrows++];
        path_of(rw, sizeof rw, key, KEY_ROWS, (long)i);
        if (!json_is_object(o) || (cells && !json_is_object(cells))) {
            bad(r, rw, "", "an object with an object of cells");
            continue;
        }
        row->profiler = rstr(r, json_object_get(o, KEY_ROW_PROFILER), rw, KEY_ROW_PROFILER);
        row->cells = acc->ncolumns ? pb_accuracy_alloc(acc, acc->ncolumns * sizeof *row->cells) : NULL;
        for (size_t k = 0; row->cells && k < acc->ncolumns; k++) {
            const char *col = acc->columns[k] ? acc->columns[k] : "";
            json_t *c = json_object_get(cells, col);
            path_of(cw, sizeof cw, rw, col, -1);
            if (c && !json_is_object(c))
                bad(r, cw, "", "an object");
            else if (c)
                rfields(r, c, cw, cell.fields, (unsigned char *)&row->cells[k]);
        }
    }
}

static void rfields(struct rd *r, const json_t *o, const char *where, const struct field *f,
                    unsigned char *base)
{
    char sub[512];

    for (; f->key; f++) {
        json_t *v = json_object_get(o, f->key);
        unsigned char *at = base + f->off;

        if (f->has_when && v)
            AT(base, f->when_off, int) = 1;
        switch (f->kind) {
        case K_STR:
        case K_OPTSTR: AT(at, 0, const char *) = rstr(r, v, where, f->key); break;
        case K_NUM: AT(at, 0, double) = rnum(r, v, where, f->key); break;
        case K_INT: AT(at, 0, int) = (int)rint_or(r, v, where, f->key, 0); break;
        case K_LONG: AT(at, 0, long) = (long)rint_or(r, v, where, f->key, 0); break;
        case K_COUNT: AT(at, 0, long long) = rint_or(r, v, where, f->key, -1); break;
        case K_JSON: AT(at, 0, json_t *) = pb_accuracy_keep(r->acc, v); break;
        case K_STRS:
        case K_NUMS:
        case K_ARRAY: rarray(r, v, where, f, base); break;
        case K_INLINE: rfields(r, o, where, f->sub->fields, at); break;
        case K_OBJECT:
        case K_REF:
            if (!v || json_is_null(v))
                break;
            if (!json_is_object(v)) {
                bad(r, where, f->key, "an object");
                break;
            }
            path_of(sub, sizeof sub, where, f->key, -1);
            if (f->kind == K_REF) {
                at = AT(at, 0, unsigned char *) = pb_accuracy_alloc(r->acc, sizeof(struct pb_acc_run_ref));
                if (at)
                    rfields(r, v, sub, ref.fields, at);
            } else {
                rfields(r, v, sub, f->sub->fields, at);
            }
            break;
        case K_TRUTHS: rtruths(r, v, f->key); break;
        case K_CAPS: rcaps(r, v, f->key); break;
        }
    }
}

/* The file's version: 2 ("format"), 1 ("schema" of version 1), or -1
 * with the error set. */
static int version_of(struct rd *r, const json_t *root)
{
    json_t *fmt = json_object_get(root, KEY_FORMAT), *schema = json_object_get(root, KEY_SCHEMA);
    const char *v = json_string_value(fmt ? fmt : schema);

    if (fmt && v && !strcmp(v, PB_ACCURACY_FORMAT))
        return 2;
    if (!fmt && v && !strcmp(v, PB_ACCURACY_SCHEMA_V1))
        return 1;
    if (v)
        return pb_error_set(r->err, "'%s': unknown format '%s' (this pbench reads "
                            PB_ACCURACY_SCHEMA_V1 " and " PB_ACCURACY_FORMAT ")", r->file, v);
    return pb_error_set(r->err, "'%s': no \"" KEY_FORMAT "\" string: not a pbench accuracy file",
                        r->file);
}

int pb_accuracy_exists(const char *dir)
{
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s/%s", dir, FILE_NAME);
    return access(path, F_OK) == 0;
}

int pb_accuracy_load(const char *dir, struct pb_accuracy **out, struct pb_error *err)
{
    struct rd r = { .err = err };
    struct pb_accuracy *acc = NULL;
    json_t *root;
    int rc = -1;

    *out = NULL;
    snprintf(r.file, sizeof r.file, "%s/%s", dir, FILE_NAME);
    root = pb_json_read(dir, FILE_NAME, err);
    if (!root)
        return -1;
    if (!json_is_object(root)) {
        pb_error_set(err, "'%s': not a JSON object", r.file);
        goto cleanup;
    }
    acc = pb_accuracy_new();
    if (!acc) {
        pb_error_set(err, "out of memory");
        goto cleanup;
    }
    r.acc = acc;
    acc->version = version_of(&r, root);
    if (acc->version < 0)
        goto cleanup;
    rfields(&r, root, "", accuracy.fields, (unsigned char *)acc);
    if (r.failed)
        goto cleanup;
    if (acc->oom) {
        pb_error_set(err, "out of memory");
        goto cleanup;
    }
    *out = acc;
    acc = NULL;
    rc = 0;

cleanup:
    pb_accuracy_free(acc);
    json_decref(root);
    return rc;
}
