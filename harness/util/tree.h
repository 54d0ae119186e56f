#ifndef PB_TREE_H
#define PB_TREE_H

/*
 * tree: copying a directory tree that may come from someone else (a
 * shard's raw/ outputs, for `pbench merge`).
 */

#include <stddef.h>

#include "util/error.h"

/* Deepest tree pb_tree_copy descends into. */
#define PB_TREE_MAX_DEPTH 32

/* Copies the tree at from into to, which must not exist (its parent
 * must), never following a symbolic link: directories and regular files
 * only, each file hard-linked where the file system allows (a results
 * directory's outputs are never written again) and else copied. Anything
 * else (a symbolic link, a FIFO, a device, a tree deeper than
 * PB_TREE_MAX_DEPTH) is left out and counted in *skipped (may be NULL).
 * Returns 0, or -1 with err naming the path that failed (what was made
 * so far is left for the caller to remove). */
int pb_tree_copy(const char *from, const char *to, size_t *skipped, struct pb_error *err);

/* Removes the tree at path (rm -r), never following a symbolic link (a
 * link is removed, not what it points to). Returns 0, or -1 with err. A
 * path that does not exist is no error. */
int pb_tree_remove(const char *path, struct pb_error *err);

#endif /* PB_TREE_H */
