/*
 * accuracy.json: struct pb_accuracy <-> the file, both directions here
 * and nowhere else. See accuracy.h. The keys are in one table,
 * accuracy_keys.h, which both directions walk: saving writes them in the
 * order they have always been written, so files stay comparable with
 * diff; loading checks each value's type. docs/results-format.md shows
 * the file.
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
#include "store/accuracy_keys.h"
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

/* The member at base + off, as its own type. */
#define AT(base, off, type) (*(type *)((base) + (off)))

/* A pointer member of any type (an array's items, a reference), through
 * memcpy: the generic code does not know its type. */
static void *ptr_at(const unsigned char *at)
{
    void *p;
    memcpy(&p, at, sizeof p);
    return p;
}

static void set_ptr_at(unsigned char *at, void *p)
{
    memcpy(at, &p, sizeof p);
}

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
            push(w, a, jstr(((const char *const *)ptr_at(base + f->off))[i]));
        else if (f->kind == K_NUMS)
            push(w, a, jnum(((const double *)ptr_at(base + f->off))[i]));
        else
            push(w, a, wobject(w, f->sub, (const unsigned char *)ptr_at(base + f->off) + i * f->sub->size));
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
            rp = ptr_at(at);
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
    set_ptr_at(base + f->off, items);
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
                set_ptr_at(at, pb_accuracy_alloc(r->acc, sizeof(struct pb_acc_run_ref)));
                at = ptr_at(at);
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
