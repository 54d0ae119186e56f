/*
 * yamlwalk: located getters and the key-table walker over libyaml's node
 * tree. See yamlwalk.h.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/yamlwalk.h"
#include "util/suggest.h"

/* The first document's nesting: -1 with an error at the collection that
 * goes deeper than PB_YW_MAX_DEPTH, else 0 (a syntax error is left to
 * the loader to report). Stops at that collection, so a hostile file is
 * refused after a few events: libyaml's time grows with the square of
 * the depth (seconds for a 100000-deep file). */
static int check_depth(const char *text, size_t len, const char *file, struct pb_diags *diags)
{
    yaml_parser_t parser;
    yaml_event_t ev;
    int depth = 0, rc = 0, done = 0;

    yaml_parser_initialize(&parser);
    yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
    while (!done && yaml_parser_parse(&parser, &ev)) {
        if (ev.type == YAML_SEQUENCE_START_EVENT || ev.type == YAML_MAPPING_START_EVENT) {
            if (++depth > PB_YW_MAX_DEPTH) {
                pb_diags_add(diags, file, (int)ev.start_mark.line + 1, (int)ev.start_mark.column + 1,
                             "nested more than %d levels deep", PB_YW_MAX_DEPTH);
                rc = -1;
                done = 1;
            }
        } else if (ev.type == YAML_SEQUENCE_END_EVENT || ev.type == YAML_MAPPING_END_EVENT)
            depth--;
        else if (ev.type == YAML_DOCUMENT_END_EVENT || ev.type == YAML_STREAM_END_EVENT)
            done = 1;
        yaml_event_delete(&ev);
    }
    yaml_parser_delete(&parser);
    return rc;
}

int pb_yw_parse(const char *text, size_t len, const char *file, yaml_document_t *doc,
                struct pb_diags *diags)
{
    yaml_parser_t parser;
    int rc = 0;

    if (check_depth(text, len, file, diags) < 0)
        return -1;
    yaml_parser_initialize(&parser);
    yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
    if (!yaml_parser_load(&parser, doc)) {
        const yaml_mark_t *m = &parser.problem_mark;
        pb_diags_add(diags, file, (int)m->line + 1, (int)m->column + 1, "YAML syntax error: %s%s%s",
                     parser.problem ? parser.problem : "unknown problem",
                     parser.context ? " " : "", parser.context ? parser.context : "");
        rc = -1;
    }
    yaml_parser_delete(&parser);
    return rc;
}

int pb_yw_line(const yaml_node_t *n)
{
    return (int)n->start_mark.line + 1;
}

int pb_yw_col(const yaml_node_t *n)
{
    return (int)n->start_mark.column + 1;
}

void pb_yw_error(struct pb_yw *yw, const yaml_node_t *n, const char *fmt, ...)
{
    char msg[PB_ERROR_MSG_MAX];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    pb_diags_add(yw->diags, yw->file, pb_yw_line(n), pb_yw_col(n), "%s", msg);
}

yaml_node_t *pb_yw_item(const struct pb_yw *yw, const yaml_node_t *seq, size_t i)
{
    return yaml_document_get_node(yw->doc, seq->data.sequence.items.start[i]);
}

size_t pb_yw_len(const yaml_node_t *seq)
{
    return (size_t)(seq->data.sequence.items.top - seq->data.sequence.items.start);
}

const char *pb_yw_kind(const yaml_node_t *n)
{
    switch (n->type) {
    case YAML_SCALAR_NODE: return "a single value";
    case YAML_SEQUENCE_NODE: return "a list";
    case YAML_MAPPING_NODE: return "a mapping";
    default: return "nothing";
    }
}

const char *pb_yw_str(const yaml_node_t *n)
{
    return (const char *)n->data.scalar.value;
}

int pb_yw_is_null(const yaml_node_t *n)
{
    const char *s;

    if (n->type != YAML_SCALAR_NODE || n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
        return 0;
    s = pb_yw_str(n);
    return !strcmp(s, "") || !strcmp(s, "~") || !strcmp(s, "null")
        || !strcmp(s, "Null") || !strcmp(s, "NULL");
}

int pb_yw_want(struct pb_yw *yw, const yaml_node_t *n, yaml_node_type_t t, const char *key)
{
    if (n->type == t)
        return 1;
    if (t == YAML_SEQUENCE_NODE)
        pb_yw_error(yw, n, "'%s' expects a list, found %s (check indentation; a list item starts with '- ')",
                    key, pb_yw_kind(n));
    else if (t == YAML_MAPPING_NODE)
        pb_yw_error(yw, n, "'%s' expects a mapping of 'key: value' lines, found %s (check indentation)",
                    key, pb_yw_kind(n));
    else
        pb_yw_error(yw, n, "'%s' expects a single value, found %s", key, pb_yw_kind(n));
    return 0;
}

int pb_yw_get_str(struct pb_yw *yw, const yaml_node_t *n, const char *key, char **out)
{
    char *copy;

    if (!pb_yw_want(yw, n, YAML_SCALAR_NODE, key))
        return -1;
    if (pb_yw_is_null(n)) {
        pb_yw_error(yw, n, "'%s' must not be empty", key);
        return -1;
    }
    copy = strdup(pb_yw_str(n));
    if (!copy)
        return -1;
    free(*out);
    *out = copy;
    return 0;
}

int pb_yw_get_int(struct pb_yw *yw, const yaml_node_t *n, const char *key, int lo, int hi,
                  int *out)
{
    const char *s;
    char *end;
    long v;

    if (!pb_yw_want(yw, n, YAML_SCALAR_NODE, key))
        return -1;
    s = pb_yw_str(n);
    errno = 0;
    v = strtol(s, &end, 10);
    if (errno || end == s || *end || n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE) {
        pb_yw_error(yw, n, "'%s' expects a whole number, found '%s'", key, s);
        return -1;
    }
    if (v < lo || v > hi) {
        pb_yw_error(yw, n, "'%s' must be between %ld and %ld, found %ld", key, (long)lo, (long)hi, v);
        return -1;
    }
    *out = (int)v;
    return 0;
}

int pb_yw_plain_number(const yaml_node_t *n, double *out)
{
    const char *s;
    char *end;
    double v;

    if (n->type != YAML_SCALAR_NODE || n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
        return 0;
    s = pb_yw_str(n);
    errno = 0;
    v = strtod(s, &end);
    if (errno || end == s || *end || v != v)
        return 0;
    *out = v;
    return 1;
}

int pb_yw_get_seconds(struct pb_yw *yw, const yaml_node_t *n, const char *key, double *out)
{
    const char *s;
    double v;

    if (!pb_yw_want(yw, n, YAML_SCALAR_NODE, key))
        return -1;
    s = pb_yw_str(n);
    if (!pb_yw_plain_number(n, &v)) {
        pb_yw_error(yw, n, "'%s' expects a number of seconds, found '%s'", key, s);
        return -1;
    }
    if (v <= 0 || v > 7 * 24 * 3600.0) {
        pb_yw_error(yw, n, "'%s' must be above 0 and at most a week, found %s", key, s);
        return -1;
    }
    *out = v;
    return 0;
}

int pb_yw_get_bool(struct pb_yw *yw, const yaml_node_t *n, const char *key, int *out)
{
    static const char *yes[] = { "true", "True", "TRUE", "yes", "Yes", "on", NULL };
    static const char *no[] = { "false", "False", "FALSE", "no", "No", "off", NULL };

    if (!pb_yw_want(yw, n, YAML_SCALAR_NODE, key))
        return -1;
    for (int i = 0; yes[i]; i++)
        if (!strcmp(pb_yw_str(n), yes[i])) {
            *out = 1;
            return 0;
        }
    for (int i = 0; no[i]; i++)
        if (!strcmp(pb_yw_str(n), no[i])) {
            *out = 0;
            return 0;
        }
    pb_yw_error(yw, n, "'%s' expects true or false, found '%s'", key, pb_yw_str(n));
    return -1;
}

int pb_yw_get_strv(struct pb_yw *yw, const yaml_node_t *n, const char *key, struct pb_strv *out)
{
    int rc = 0;

    if (!pb_yw_want(yw, n, YAML_SEQUENCE_NODE, key))
        return -1;
    pb_strv_release(out);
    for (size_t i = 0; i < pb_yw_len(n); i++) {
        yaml_node_t *item = pb_yw_item(yw, n, i);
        if (item->type != YAML_SCALAR_NODE) {
            pb_yw_error(yw, item, "each item of '%s' must be a single value, found %s", key,
                        pb_yw_kind(item));
            rc = -1;
            continue;
        }
        if (pb_strv_push(out, pb_yw_str(item)) < 0)
            return -1;
    }
    return rc;
}

/* 1 when an earlier key of map has k's name; the error names its line. */
static int is_duplicate(struct pb_yw *yw, const yaml_node_t *map, const yaml_node_pair_t *p,
                        const yaml_node_t *k, const char *where)
{
    for (const yaml_node_pair_t *q = map->data.mapping.pairs.start; q < p; q++) {
        yaml_node_t *k2 = yaml_document_get_node(yw->doc, q->key);
        if (k2->type == YAML_SCALAR_NODE && !strcmp(pb_yw_str(k2), pb_yw_str(k))) {
            pb_yw_error(yw, k, "duplicate key '%s' in %s (first at line %d)", pb_yw_str(k), where,
                        pb_yw_line(k2));
            return 1;
        }
    }
    return 0;
}

void pb_yw_walk_map(struct pb_yw *yw, const yaml_node_t *map, const struct pb_yw_key *keys,
                    void *obj, const char *where)
{
    for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top; p++) {
        yaml_node_t *k = yaml_document_get_node(yw->doc, p->key);
        yaml_node_t *v = yaml_document_get_node(yw->doc, p->value);
        const struct pb_yw_key *kd;

        if (k->type != YAML_SCALAR_NODE) {
            pb_yw_error(yw, k, "keys in %s must be plain names, found %s", where, pb_yw_kind(k));
            continue;
        }
        if (is_duplicate(yw, map, p, k, where))
            continue;
        for (kd = keys; kd->key; kd++)
            if (!strcmp(kd->key, pb_yw_str(k)))
                break;
        if (!kd->key) {
            const char *s = pb_suggest(pb_yw_str(k), &keys[0].key, sizeof keys[0]);
            if (s)
                pb_yw_error(yw, k, "unknown key '%s' in %s (did you mean '%s'?)", pb_yw_str(k), where, s);
            else
                pb_yw_error(yw, k, "unknown key '%s' in %s", pb_yw_str(k), where);
            continue;
        }
        if (kd->fn)
            kd->fn(yw, v, obj, kd->key);
    }
}

const yaml_node_t *pb_yw_find_key(const struct pb_yw *yw, const yaml_node_t *map, const char *key)
{
    for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top; p++) {
        yaml_node_t *k = yaml_document_get_node(yw->doc, p->key);
        if (k->type == YAML_SCALAR_NODE && !strcmp(pb_yw_str(k), key))
            return yaml_document_get_node(yw->doc, p->value);
    }
    return NULL;
}
