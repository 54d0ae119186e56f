/*
 * attribution: reading the adapters' attribution JSON against a truth.
 * See attribution.h.
 */
#include <math.h>
#include <string.h>

#include "analysis/attribution.h"

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

/* (int) of a line number; INT_MIN-like for an absent one, as a cast of
 * NAN gives on x86, so that it matches no line. */
static int line_of(const json_t *o)
{
    double v = num(o, "line");
    return isnan(v) || v < -2147483647.0 || v > 2147483647.0 ? -2147483647 - 1 : (int)v;
}

/* The entry for a script function, or NULL. */
static json_t *function(const json_t *attr, const char *name)
{
    size_t i;
    json_t *f;
    json_array_foreach(json_object_get(attr, "functions"), i, f)
        if (!strcmp(str(f, "function"), name))
            return f;
    return NULL;
}

static json_t *memory_lines(const json_t *attr)
{
    return json_object_get(json_object_get(attr, "memory"), "lines");
}

const char *pb_attr_error(const json_t *attr)
{
    return json_string_value(json_object_get(attr, "error"));
}

int pb_attr_usable(const json_t *attr)
{
    return json_object_get(attr, "error") == NULL;
}

const char *pb_attr_format(const json_t *attr)
{
    return str(attr, "format");
}

int pb_attr_expresses(const json_t *attr, const char *what)
{
    return json_is_true(json_object_get(json_object_get(attr, "expresses"), what));
}

long long pb_attr_samples(const json_t *attr)
{
    json_t *s = json_object_get(attr, "samples");
    return json_is_integer(s) ? json_integer_value(s) : -1;
}

int pb_attr_seen(const json_t *attr, const char *name)
{
    json_t *f = function(attr, name);
    return f && json_is_true(json_object_get(f, "seen"));
}

/* A part's reported value: its root function's total when the profile
 * has totals, else the sum of its functions' own times. */
static double part_value(const json_t *attr, const struct pb_acc_part *part)
{
    json_t *root = function(attr, part->root ? part->root : "");
    double v = 0;

    if (root && !isnan(num(root, "total")))
        return num(root, "total");
    for (size_t i = 0; i < part->nfunctions; i++) {
        json_t *f = part->functions[i] ? function(attr, part->functions[i]) : NULL;
        if (f && !isnan(num(f, "self")))
            v += num(f, "self");
    }
    return v;
}

int pb_attr_reported_share(const json_t *attr, const struct pb_acc_truth *t, double *share)
{
    const char *focus = t->focus ? t->focus : "";
    double sum = 0, mine = 0;

    if (!json_is_true(json_object_get(attr, "timed")))
        return -1;
    for (size_t i = 0; i < t->nparts; i++) {
        double v = part_value(attr, &t->parts[i]);
        sum += v;
        if (t->parts[i].name && !strcmp(t->parts[i].name, focus))
            mine = v;
    }
    if (sum <= 0)
        return -2;
    *share = mine / sum;
    return 0;
}

int pb_attr_has_native(const json_t *attr)
{
    return json_is_object(json_object_get(attr, "native"));
}

double pb_attr_native_fraction(const json_t *attr, const struct pb_acc_truth *t)
{
    double py = 0, nat = 0;

    if (!pb_attr_has_native(attr))
        return NAN;
    for (size_t i = 0; i < t->nparts; i++)
        for (size_t k = 0; k < t->parts[i].nfunctions; k++) {
            const char *name = t->parts[i].functions[k];
            json_t *f = name ? function(attr, name) : NULL;
            if (!f)
                continue;
            if (!isnan(num(f, "python")))
                py += num(f, "python");
            if (!isnan(num(f, "native")))
                nat += num(f, "native");
        }
    return py + nat > 0 ? nat / (py + nat) : NAN;
}

int pb_attr_has_memory(const json_t *attr)
{
    return json_is_object(json_object_get(attr, "memory"));
}

const char *pb_attr_memory_kind(const json_t *attr)
{
    return str(json_object_get(attr, "memory"), "kind");
}

double pb_attr_memory_at(const json_t *attr, int line, int *found)
{
    size_t i;
    json_t *l;
    json_array_foreach(memory_lines(attr), i, l)
        if (line_of(l) == line) {
            *found = 1;
            return num(l, "mb");
        }
    return 0;
}

double pb_attr_memory_in(const json_t *attr, const char *function_name)
{
    size_t i;
    json_t *l;
    double sum = 0;
    json_array_foreach(memory_lines(attr), i, l)
        if (!strcmp(str(l, "function"), function_name) && num(l, "mb") > 0)
            sum += num(l, "mb");
    return sum;
}

int pb_attr_line_with(const json_t *attr, int memory, const int *lines, size_t n, int *line,
                      const char **function_name)
{
    size_t i;
    json_t *l;

    json_array_foreach(memory ? memory_lines(attr) : json_object_get(attr, "lines"), i, l)
        for (size_t k = 0; k < n; k++) {
            int figures = memory ? num(l, "mb") != 0 || num(l, "hits") > 0
                                 : num(l, "self") > 0 || num(l, "total") > 0 || num(l, "hits") > 0;
            if (line_of(l) == lines[k] && figures) {
                *line = lines[k];
                *function_name = str(l, "function");
                return 1;
            }
        }
    return 0;
}

const char *pb_attr_unmarked(const json_t *attr, int (*is_hot)(const char *name, const void *ctx),
                             const void *ctx)
{
    size_t i;
    json_t *f;
    const char *found = NULL;

    json_array_foreach(json_object_get(attr, "functions"), i, f)
        if (json_is_true(json_object_get(f, "seen")) && !is_hot(str(f, "function"), ctx)
            && (!found || !strcmp(found, "<module>")))
            found = str(f, "function");
    return found;
}

int pb_attr_counts_execution(const json_t *attr)
{
    size_t i;
    json_t *l;

    if (json_is_true(json_object_get(attr, "timed")))
        return 1;
    json_array_foreach(json_object_get(attr, "lines"), i, l)
        if (num(l, "hits") > 0)
            return 1;
    return 0;
}
