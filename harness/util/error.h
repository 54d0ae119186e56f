#ifndef PB_ERROR_H
#define PB_ERROR_H

/*
 * Errors in pbench's lower layers are returned, never printed: a function
 * that can fail returns -1 (or NULL) and fills a caller-supplied
 * struct pb_error. Only main.c and the cmd_* functions print.
 *
 * A located error (config files) carries file, line and column, 1-based;
 * line 0 means "no location".
 */

#include <stdarg.h>

#define PB_ERROR_MSG_MAX 1024
#define PB_ERROR_PATH_MAX 1024

struct pb_error {
    char msg[PB_ERROR_MSG_MAX];
    char file[PB_ERROR_PATH_MAX];
    int line;   /* 1-based; 0 when the error has no location */
    int col;    /* 1-based */
};

/* Clears err: empty message, no location. err may be NULL. Cannot fail. */
void pb_error_clear(struct pb_error *err);

/* Sets err's message from a printf format, no location. err may be NULL
 * (then nothing happens). Always returns -1 so callers can write
 * `return pb_error_set(err, ...)`. */
int pb_error_set(struct pb_error *err, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Like pb_error_set, with a location. Returns -1. */
int pb_error_at(struct pb_error *err, const char *file, int line, int col,
                const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* Appends ": strerror(errnum)" to err's message. Returns -1. */
int pb_error_errno(struct pb_error *err, int errnum);

/* Formats err as "file:line:col: msg" (or just "msg" with no location)
 * into buf of size n. Returns buf. Cannot fail (truncates). */
const char *pb_error_format(const struct pb_error *err, char *buf, size_t n);

#endif /* PB_ERROR_H */
