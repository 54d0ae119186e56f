/* Typed, located JSON reading for the store loaders. See jread.h. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "store/jread.h"

struct pb_jloc pb_jloc_in(const struct pb_jloc *at, const char *key, size_t index)
{
    struct pb_jloc in = { at->file, "" };

    if (key)
        snprintf(in.path, sizeof in.path, "%s%s%s", at->path, at->path[0] ? "." : "", key);
    else
        snprintf(in.path, sizeof in.path, "%s[%zu]", at->path, index);
    return in;
}

static int type_error(struct pb_error *err, const struct pb_jloc *at, const char *key,
                      const char *expected)
{
    return pb_error_at(err, at->file, 0, 0, "%s%s%s: expected %s", at->path,
                       at->path[0] ? "." : "", key, expected);
}

static int missing(struct pb_error *err, const struct pb_jloc *at, const char *key)
{
    if (at->path[0])
        return pb_error_at(err, at->file, 0, 0, "%s: missing key '%s'", at->path, key);
    return pb_error_at(err, at->file, 0, 0, "missing key '%s'", key);
}

json_t *pb_jread_file(const char *path, struct pb_error *err)
{
    json_error_t jerr;
    struct stat st;
    json_t *j;

    if (stat(path, &st) < 0) {
        int e = errno;
        pb_error_set(err, "cannot read '%s'", path);
        pb_error_errno(err, e);
        return NULL;
    }
    if (S_ISDIR(st.st_mode)) {
        pb_error_at(err, path, 0, 0, "is a directory, expected a JSON file");
        return NULL;
    }
    j = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr);
    if (!j) {
        /* jansson's line is -1 for I/O errors; its columns are 1-based,
         * 0 at the end of the file */
        if (jerr.line > 0)
            pb_error_at(err, path, jerr.line, jerr.column > 0 ? jerr.column : 1,
                        "invalid JSON: %s", jerr.text);
        else
            pb_error_at(err, path, 0, 0, "invalid JSON: %s", jerr.text);
        return NULL;
    }
    if (!json_is_object(j)) {
        json_decref(j);
        pb_error_at(err, path, 0, 0, "expected a JSON object at the top level");
        return NULL;
    }
    return j;
}

int pb_jread_format(json_t *obj, const char *const *accepted, size_t *index,
                    const struct pb_jloc *at, struct pb_error *err)
{
    json_t *v = json_object_get(obj, "format");
    const char *s;

    *index = 0;
    if (!v)
        return 0;
    if (!json_is_string(v))
        return type_error(err, at, "format", "a string such as \"pbench-summary/2\"");
    s = json_string_value(v);
    for (size_t i = 0; accepted[i]; i++)
        if (!strcmp(s, accepted[i])) {
            *index = i;
            return 0;
        }
    char known[256] = "";
    for (size_t i = 0; accepted[i]; i++)
        snprintf(known + strlen(known), sizeof known - strlen(known), "%s%s", i ? ", " : "",
                 accepted[i]);
    return pb_error_at(err, at->file, 0, 0, "format '%s' is not one this pbench reads (%s); "
                       "a newer pbench wrote it?", s, known);
}

int pb_jread_str(json_t *obj, const char *key, int required, char **out,
                 const struct pb_jloc *at, struct pb_error *err)
{
    json_t *v = obj ? json_object_get(obj, key) : NULL;

    *out = NULL;
    if (!v || json_is_null(v))
        return required ? missing(err, at, key) : 0;
    if (!json_is_string(v))
        return type_error(err, at, key, "a string");
    *out = strdup(json_string_value(v));
    return *out ? 0 : pb_error_set(err, "out of memory");
}

int pb_jread_strbuf(json_t *obj, const char *key, int required, char *out, size_t n,
                    const struct pb_jloc *at, struct pb_error *err)
{
    json_t *v = obj ? json_object_get(obj, key) : NULL;

    out[0] = '\0';
    if (!v || json_is_null(v))
        return required ? missing(err, at, key) : 0;
    if (!json_is_string(v))
        return type_error(err, at, key, "a string");
    if (json_string_length(v) >= n)
        return pb_error_at(err, at->file, 0, 0, "%s%s%s: longer than %zu bytes", at->path,
                           at->path[0] ? "." : "", key, n - 1);
    memcpy(out, json_string_value(v), json_string_length(v) + 1);
    return 0;
}

int pb_jread_num(json_t *obj, const char *key, int required, double *out,
                 const struct pb_jloc *at, struct pb_error *err)
{
    json_t *v = obj ? json_object_get(obj, key) : NULL;

    *out = NAN;
    if (!v || json_is_null(v))
        return required ? missing(err, at, key) : 0;
    if (!json_is_number(v))
        return type_error(err, at, key, "a number");
    *out = json_number_value(v);
    return 0;
}

int pb_jread_int(json_t *obj, const char *key, int required, long long lo, long long hi,
                 long long *out, const struct pb_jloc *at, struct pb_error *err)
{
    json_t *v = obj ? json_object_get(obj, key) : NULL;
    double d;

    *out = 0;
    if (!v || json_is_null(v))
        return required ? missing(err, at, key) : 0;
    d = json_is_real(v) ? json_real_value(v) : NAN;
    if (json_is_integer(v))
        *out = json_integer_value(v);
    else if (d == floor(d) && fabs(d) < 9e15)
        *out = (long long)d;    /* 5.0 is 5: a hand-edited file may say so */
    else
        return type_error(err, at, key, "a whole number");
    if (*out < lo || *out > hi)
        return pb_error_at(err, at->file, 0, 0, "%s%s%s: %lld is outside %lld..%lld", at->path,
                           at->path[0] ? "." : "", key, *out, lo, hi);
    return 0;
}

int pb_jread_bool(json_t *obj, const char *key, int *out, const struct pb_jloc *at,
                  struct pb_error *err)
{
    json_t *v = obj ? json_object_get(obj, key) : NULL;

    *out = 0;
    if (!v || json_is_null(v))
        return 0;
    if (!json_is_boolean(v))
        return type_error(err, at, key, "true or false");
    *out = json_is_true(v);
    return 0;
}

int pb_jread_strv(json_t *obj, const char *key, struct pb_strv *out, const struct pb_jloc *at,
                  struct pb_error *err)
{
    json_t *v = obj ? json_object_get(obj, key) : NULL, *x;
    size_t i;

    memset(out, 0, sizeof *out);
    if (!v || json_is_null(v))
        return 0;
    if (!json_is_array(v))
        return type_error(err, at, key, "a list of strings");
    json_array_foreach(v, i, x) {
        if (!json_is_string(x)) {
            pb_strv_release(out);
            return type_error(err, at, key, "a list of strings");
        }
        if (pb_strv_push(out, json_string_value(x)) < 0) {
            pb_strv_release(out);
            return pb_error_set(err, "out of memory");
        }
    }
    return 0;
}

static int get_typed(json_t *obj, const char *key, int required, json_t **out, int want_array,
                     const struct pb_jloc *at, struct pb_error *err)
{
    json_t *v = obj ? json_object_get(obj, key) : NULL;

    *out = NULL;
    if (!v || json_is_null(v))
        return required ? missing(err, at, key) : 0;
    if (want_array ? !json_is_array(v) : !json_is_object(v))
        return type_error(err, at, key, want_array ? "a list" : "an object");
    *out = v;
    return 0;
}

int pb_jread_obj(json_t *obj, const char *key, int required, json_t **out,
                 const struct pb_jloc *at, struct pb_error *err)
{
    return get_typed(obj, key, required, out, 0, at, err);
}

int pb_jread_arr(json_t *obj, const char *key, int required, json_t **out,
                 const struct pb_jloc *at, struct pb_error *err)
{
    return get_typed(obj, key, required, out, 1, at, err);
}

/* Length of the well-formed UTF-8 sequence at s (1 to 4 bytes), or 0
 * when the bytes there are not one (a stray or truncated byte, an overlong
 * form, a surrogate, beyond U+10FFFF). */
static size_t utf8_len(const unsigned char *s)
{
    unsigned cp, min;
    size_t n;

    if (s[0] < 0x80)
        return 1;
    if (s[0] >= 0xc2 && s[0] <= 0xdf)
        n = 2, cp = s[0] & 0x1f, min = 0x80;
    else if ((s[0] & 0xf0) == 0xe0)
        n = 3, cp = s[0] & 0x0f, min = 0x800;
    else if (s[0] >= 0xf0 && s[0] <= 0xf4)
        n = 4, cp = s[0] & 0x07, min = 0x10000;
    else
        return 0;
    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xc0) != 0x80)      /* the terminating NUL stops here too */
            return 0;
        cp = cp << 6 | (s[i] & 0x3f);
    }
    return cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff) ? 0 : n;
}

json_t *pb_jwrite_str(const char *s)
{
    json_t *j = json_string(s);
    char *fixed, *o;

    if (j || !s)
        return j;
    if (!(fixed = malloc(strlen(s) * 3 + 1)))
        return NULL;
    o = fixed;
    for (const unsigned char *p = (const unsigned char *)s; *p;) {
        size_t k = utf8_len(p);
        if (k) {
            memcpy(o, p, k);
            p += k;
            o += k;
        } else {
            memcpy(o, "\xef\xbf\xbd", 3);
            p++;
            o += 3;
        }
    }
    *o = '\0';
    j = json_string(fixed);
    free(fixed);
    return j;
}

json_t *pb_jwrite_strv(char *const *v, size_t n)
{
    json_t *a = json_array();

    for (size_t i = 0; a && v && i < n; i++)
        json_array_append_new(a, pb_jwrite_str(v[i]));
    return a;
}
