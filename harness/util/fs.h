#ifndef PB_FS_H
#define PB_FS_H

/*
 * fs: whole files and directories: atomic writes, bounded reads, mkdir -p,
 * and the UTC timestamps pbench stamps files with.
 */

#include <stddef.h>
#include <stdio.h>

#include "util/error.h"

/* Writes text (len bytes) to dir/name atomically: a temporary file of a
 * unique name (dir/.name.XXXXXX, created exclusively, so two writers at
 * once never share one and a planted file or symlink there is never
 * written through), fsync'd, renamed into place, so a reader sees the old
 * file or the new one, never half of one. The file gets mode 0666 less the
 * umask. Returns 0, or -1 with err naming the file (the temporary is
 * removed). */
int pb_write_file(const char *dir, const char *name, const char *text, size_t len,
                  struct pb_error *err);

/* Opens path read-only, refusing anything but a regular file: opened with
 * O_NONBLOCK, so a FIFO planted where a file was expected cannot block
 * pbench, then checked with fstat. Returns the descriptor (close-on-exec,
 * back in blocking mode), or -1 with errno set (PB_ENOTREG for a FIFO,
 * socket or device; EISDIR for a directory). */
int pb_open_regular(const char *path);

/* pb_open_regular as a stdio stream ("r"). NULL with errno set. */
FILE *pb_fopen_regular(const char *path);

/* Opens path for writing ("w": created or truncated), never through a
 * symbolic link: one planted at path (in a results directory from someone
 * else) is refused with errno ELOOP rather than followed to the file it
 * names. NULL with errno set. */
FILE *pb_fopen_write(const char *path);

/* Makes base/rel (rel a pb_relpath_ok path) with every component below
 * base a real directory, created if missing: a symbolic link there (a
 * planted raw/W pointing elsewhere) is refused, never followed, so what
 * is then written or cleared in it stays below base. Returns 0, or -1 with
 * err naming the component. */
int pb_mkdirs_below(const char *base, const char *rel, struct pb_error *err);

/* Reads all of path, up to max bytes, into a malloc'd NUL-terminated
 * buffer; *len (may be NULL) gets its length. Returns NULL with *errnum
 * set (errno of the failing call; PB_ENOTREG or EISDIR when it is not a
 * regular file; EFBIG when the file is larger than max; ENOMEM). */
char *pb_read_file(const char *path, size_t max, size_t *len, int *errnum);

/* Creates path and any missing parents (mkdir -p). Returns 0, or -1 with
 * err set (naming the part that failed, or a path that exists and is not
 * a directory). */
int pb_mkdirs(const char *path, struct pb_error *err);

/* The last n-1 bytes (all of a smaller file) of the regular file at path
 * into buf, NUL-terminated; returns how many. 0 (and "") when the file is
 * missing, not regular or unreadable. Cannot fail otherwise. */
size_t pb_file_tail(const char *path, char *buf, size_t n);

/* The last non-empty line of the file at path (its last 4 KiB read;
 * trailing spaces and line ends dropped) into out, at most n-1 bytes; ""
 * when the file is missing, empty or unreadable. Cannot fail. */
void pb_file_last_line(const char *path, char *out, size_t n);

/* Current UTC time as "YYYY-mm-ddTHH:MM:SSZ" into buf (>= 21 bytes).
 * Cannot fail. */
void pb_now_iso(char *buf, size_t n);

#endif /* PB_FS_H */
