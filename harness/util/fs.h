#ifndef PB_FS_H
#define PB_FS_H

/*
 * fs: whole files and directories: atomic writes, bounded reads, mkdir -p,
 * and the UTC timestamps pbench stamps files with.
 */

#include <stddef.h>

#include "util/error.h"

/* Writes text (len bytes) to dir/name atomically: a temporary file
 * dir/.name.tmp, fsync'd, renamed into place, so a reader sees the old
 * file or the new one, never half of one. Returns 0, or -1 with err
 * naming the file (the temporary is removed). */
int pb_write_file(const char *dir, const char *name, const char *text, size_t len,
                  struct pb_error *err);

/* Reads all of path, up to max bytes, into a malloc'd NUL-terminated
 * buffer; *len (may be NULL) gets its length. Returns NULL with *errnum
 * set (errno of the failing call; EFBIG when the file is larger than
 * max; ENOMEM). */
char *pb_read_file(const char *path, size_t max, size_t *len, int *errnum);

/* Creates path and any missing parents (mkdir -p). Returns 0, or -1 with
 * err set (naming the part that failed, or a path that exists and is not
 * a directory). */
int pb_mkdirs(const char *path, struct pb_error *err);

/* The last non-empty line of the file at path (its last 4 KiB read;
 * trailing spaces and line ends dropped) into out, at most n-1 bytes; ""
 * when the file is missing, empty or unreadable. Cannot fail. */
void pb_file_last_line(const char *path, char *out, size_t n);

/* Current UTC time as "YYYY-mm-ddTHH:MM:SSZ" into buf (>= 21 bytes).
 * Cannot fail. */
void pb_now_iso(char *buf, size_t n);

#endif /* PB_FS_H */
