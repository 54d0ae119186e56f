#ifndef PB_JREAD_H
#define PB_JREAD_H

/*
 * jread: the typed, located reading every store loader shares. A stored
 * file is untrusted input: each getter checks the type and reports a
 * wrong or missing value as "FILE: pairs[3].wall_ratio: expected an
 * object or null", never crashing on what it finds. Absent or null
 * optional values read as NULL (strings), NAN (numbers), 0 (booleans,
 * integers) or an empty list, so a reader can tell "not measured" from
 * zero. Strings are copied: what a loader returns owns its memory.
 */

#include <jansson.h>
#include <stdint.h>

#include "util/error.h"
#include "util/strv.h"

/* Where a value sits: the file (for messages) and the JSON path to the
 * object being read ("" at the top, "pairs[3]"...). */
struct pb_jloc {
    const char *file;
    char path[160];
};

/* A location for member key (or [index] when key is NULL) of at. Cannot
 * fail (a long path is cut). */
struct pb_jloc pb_jloc_in(const struct pb_jloc *at, const char *key, size_t index);

/* Loads path as one JSON object. Returns a new reference, or NULL with
 * err: "cannot read" (with errno), "is a directory", "invalid JSON: ..."
 * at its line and column, "expected a JSON object at the top level". */
json_t *pb_jread_file(const char *path, struct pb_error *err);

/* Checks obj's "format": absent reads as accepted[0] (the files written
 * before formats were versioned); a string among accepted (NULL-
 * terminated) is returned through *index; anything else is an error
 * naming the file and the version it does not know. Returns 0 or -1. */
int pb_jread_format(json_t *obj, const char *const *accepted, size_t *index,
                    const struct pb_jloc *at, struct pb_error *err);

/* A string member, copied (caller frees). *out NULL when absent or null;
 * an error when required and absent, or of another type. Returns 0/-1. */
int pb_jread_str(json_t *obj, const char *key, int required, char **out,
                 const struct pb_jloc *at, struct pb_error *err);

/* Like pb_jread_str into a fixed buffer of n bytes ("" when absent); a
 * longer string is an error. */
int pb_jread_strbuf(json_t *obj, const char *key, int required, char *out, size_t n,
                    const struct pb_jloc *at, struct pb_error *err);

/* A number member: NAN when absent or null. */
int pb_jread_num(json_t *obj, const char *key, int required, double *out,
                 const struct pb_jloc *at, struct pb_error *err);

/* A whole number member within [lo, hi]: *out 0 when absent or null. */
int pb_jread_int(json_t *obj, const char *key, int required, long long lo, long long hi,
                 long long *out, const struct pb_jloc *at, struct pb_error *err);

/* A boolean member: 0 when absent or null. */
int pb_jread_bool(json_t *obj, const char *key, int *out, const struct pb_jloc *at,
                  struct pb_error *err);

/* A list of strings, each copied into *out (released by the caller with
 * pb_strv_release); empty when absent or null. */
int pb_jread_strv(json_t *obj, const char *key, struct pb_strv *out, const struct pb_jloc *at,
                  struct pb_error *err);

/* A member that must be an object (or, when required is 0, absent or
 * null: *out NULL). */
int pb_jread_obj(json_t *obj, const char *key, int required, json_t **out,
                 const struct pb_jloc *at, struct pb_error *err);

/* A member that must be an array (absent or null: *out NULL, unless
 * required). */
int pb_jread_arr(json_t *obj, const char *key, int required, json_t **out,
                 const struct pb_jloc *at, struct pb_error *err);

/* A JSON string of s for a stored file. jansson refuses bytes that are
 * not UTF-8 (a path in a Latin-1 named directory, an error naming it), and
 * the value would silently vanish from the file; each such byte becomes
 * U+FFFD instead, so the value keeps its place. NULL for s NULL or when
 * out of memory. */
json_t *pb_jwrite_str(const char *s);

/* A JSON array of strings from a NULL-terminated vector (NULL: empty),
 * each through pb_jwrite_str.
 * Returns a new reference; NULL only when out of memory. */
json_t *pb_jwrite_strv(char *const *v, size_t n);

#endif /* PB_JREAD_H */
