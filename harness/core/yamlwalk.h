#ifndef PB_YAMLWALK_H
#define PB_YAMLWALK_H

/*
 * yamlwalk: reading a libyaml document tree with every error located.
 *
 * A file is parsed into libyaml's node tree (pb_yw_parse), then walked
 * with tables of {key, handler} (pb_yw_walk_map): duplicate and unknown
 * keys are errors, an unknown key gets the closest known one as a
 * suggestion, and the typed getters (pb_yw_get_*) check each value's
 * kind and range. Every problem is appended to the walk's pb_diags at its
 * 1-based file:line:col (libyaml's marks are 0-based) and the walk goes
 * on, so one pass reports every error of a file. Names start with pb_yw_.
 *
 * Nesting depth: a document nested more than PB_YW_MAX_DEPTH levels deep
 * is refused before libyaml loads it (libyaml builds the tree without
 * recursion, but its time grows with the square of the depth). Below
 * that, handlers descend only where their schema has a level, so a walk
 * is as deep as the schema; a deeper value meets a getter expecting a
 * single value and is rejected as a wrong type, never recursed into.
 */

#include <stddef.h>
#include <yaml.h>

#include "util/error.h"
#include "util/strv.h"

/* Deepest nesting of collections pb_yw_parse accepts (a config needs 4). */
#define PB_YW_MAX_DEPTH 64

/* One document being walked. */
struct pb_yw {
    yaml_document_t *doc;
    const char *file;           /* the file named in messages; not owned */
    struct pb_diags *diags;     /* errors are appended here */
    void *user;                 /* the caller's own state, for its handlers */
};

/* Parses the first document of text (len bytes) into doc. Returns 0 (the
 * caller deletes doc with yaml_document_delete), or -1 with a "YAML
 * syntax error" or a nesting deeper than PB_YW_MAX_DEPTH appended to
 * diags at file:line:col (doc then needs no delete). */
int pb_yw_parse(const char *text, size_t len, const char *file, yaml_document_t *doc,
                struct pb_diags *diags);

/* Appends an error located at node n. */
void pb_yw_error(struct pb_yw *yw, const yaml_node_t *n, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* n's position, 1-based. Cannot fail. */
int pb_yw_line(const yaml_node_t *n);
int pb_yw_col(const yaml_node_t *n);

/* The i-th node of a sequence node (i < its length). Cannot fail. */
yaml_node_t *pb_yw_item(const struct pb_yw *yw, const yaml_node_t *seq, size_t i);

/* The number of items of a sequence node. Cannot fail. */
size_t pb_yw_len(const yaml_node_t *seq);

/* "a single value", "a list", "a mapping": n's kind for messages. */
const char *pb_yw_kind(const yaml_node_t *n);

/* A scalar node's text. n must be a scalar. */
const char *pb_yw_str(const yaml_node_t *n);

/* 1 when n is a plain scalar YAML reads as null ("", ~, null). */
int pb_yw_is_null(const yaml_node_t *n);

/* 1 when n is of type t; else 0 with an error naming key and what was
 * found instead (with a hint about indentation for lists and mappings). */
int pb_yw_want(struct pb_yw *yw, const yaml_node_t *n, yaml_node_type_t t, const char *key);

/* The typed getters: each checks n (the value of key), and on success
 * stores the value in *out and returns 0; on failure it appends an error
 * at n, leaves *out alone and returns -1. */

/* A non-empty single value; *out is replaced by a malloc'd copy (the old
 * one freed). -1 also when out of memory (no error appended). */
int pb_yw_get_str(struct pb_yw *yw, const yaml_node_t *n, const char *key, char **out);

/* A whole number (plain, not quoted) in [lo, hi]. */
int pb_yw_get_int(struct pb_yw *yw, const yaml_node_t *n, const char *key, int lo, int hi,
                  int *out);

/* 1 with *out when n is a plain (unquoted) scalar whose whole text is a
 * number strtod reads without overflow (not NaN; infinities pass: the
 * caller's range decides), else 0. Reports nothing: the caller says what
 * it expected. */
int pb_yw_plain_number(const yaml_node_t *n, double *out);

/* A number of seconds above 0 and at most a week. */
int pb_yw_get_seconds(struct pb_yw *yw, const yaml_node_t *n, const char *key, double *out);

/* true/false, yes/no, on/off. */
int pb_yw_get_bool(struct pb_yw *yw, const yaml_node_t *n, const char *key, int *out);

/* A list of single values; *out is emptied first, then gets every item
 * that is a single value (an error for each that is not: -1 then, and
 * *out holds the good items, for the caller to release). */
int pb_yw_get_strv(struct pb_yw *yw, const yaml_node_t *n, const char *key, struct pb_strv *out);

/* A key handler: val is the value of key in a mapping; obj is what the
 * walk fills (pb_yw_walk_map's obj). */
typedef void (*pb_yw_key_fn)(struct pb_yw *yw, const yaml_node_t *val, void *obj,
                             const char *key);

struct pb_yw_key {
    const char *key;
    pb_yw_key_fn fn;            /* NULL: known, but handled elsewhere */
};

/* Walks a mapping node with a table of keys ending in {NULL, NULL}: a key
 * that is not a single value, a duplicate key or an unknown key (with the
 * closest known key as a suggestion) is an error; each known key's
 * handler is called with its value, in the file's order. `where` names
 * the mapping in messages ("a workload", "'defaults'"). */
void pb_yw_walk_map(struct pb_yw *yw, const yaml_node_t *map, const struct pb_yw_key *keys,
                    void *obj, const char *where);

/* The value of key in a mapping node, or NULL when it has none. */
const yaml_node_t *pb_yw_find_key(const struct pb_yw *yw, const yaml_node_t *map, const char *key);

#endif /* PB_YAMLWALK_H */
