#ifndef PB_JSONFILE_H
#define PB_JSONFILE_H

/*
 * jsonfile: reading and writing one JSON document as a file, with errors
 * that name the file (and, for bad JSON, its line and column). The store
 * modules own what the documents mean; this only moves them to and from
 * disk.
 */

#include <jansson.h>

#include "util/error.h"

/* Reads dir/name as JSON. Returns a new reference, or NULL with err
 * naming the file ("cannot read 'D/N': No such file or directory") or,
 * for bad JSON, located at its line and column. */
json_t *pb_json_read(const char *dir, const char *name, struct pb_error *err);

/* Writes obj as dir/name: indented, reals with 9 significant digits, a
 * final newline, atomically (pb_write_file). Returns 0 or -1 with err. */
int pb_json_write(const char *dir, const char *name, const json_t *obj, struct pb_error *err);

/* pb_json_write of a new reference obj, which it then drops (obj NULL, as
 * from a builder that ran out of memory, is "out of memory"). Returns 0
 * or -1 with err. */
int pb_json_write_new(const char *dir, const char *name, json_t *obj, struct pb_error *err);

#endif /* PB_JSONFILE_H */
