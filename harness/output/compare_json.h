#ifndef PB_COMPARE_JSON_H
#define PB_COMPARE_JSON_H

/*
 * compare_json: comparisons (analysis/compare.h) as a JSON file for
 * scripts (`pbench compare --json FILE`), format "pbench-compare/1"
 * (docs/compare.md lists its keys). Written only: pbench never reads it
 * back. Numbers not known are null.
 */

#include <stddef.h>

#include <jansson.h>

#include "analysis/compare.h"
#include "util/error.h"

#define PB_COMPARE_FORMAT "pbench-compare/1"

/* The n comparisons c as a new JSON object, or NULL when out of memory. */
json_t *pb_compare_json(const struct pb_compare *const *c, size_t n);

/* Writes them to path (atomically; the directory must exist). Returns 0,
 * or -1 with err naming the file. */
int pb_compare_json_write(const char *path, const struct pb_compare *const *c, size_t n,
                          struct pb_error *err);

#endif /* PB_COMPARE_JSON_H */
