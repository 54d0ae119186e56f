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
#include <stddef.h>

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

/* An errno-style value for "not a regular file": a FIFO, socket or device
 * where pbench expected a file (reading one could block forever). Outside
 * errno's range; pb_strerror and pb_error_errno name it. */
#define PB_ENOTREG 4096

/* strerror(errnum), and a message for PB_ENOTREG. Cannot fail. */
const char *pb_strerror(int errnum);

/* Appends ": strerror(errnum)" to err's message. Returns -1. */
int pb_error_errno(struct pb_error *err, int errnum);

/* Formats err as "file:line:col: msg" (or just "msg" with no location)
 * into buf of size n. Returns buf. Cannot fail (truncates). */
const char *pb_error_format(const struct pb_error *err, char *buf, size_t n);

/* A list of located errors, for a loader that reports every problem it
 * finds rather than stopping at the first (config files). A zeroed struct
 * is an empty list; items[0..n) are the errors in the order found. */
struct pb_diags {
    struct pb_error *items;
    size_t n, cap;
};

/* Appends an error at file:line:col (line 0: no location) with a printf
 * message. On out of memory the error is dropped: a load whose errors
 * were all dropped could look clean, so callers treat an out-of-memory
 * load as fatal anyway. */
void pb_diags_add(struct pb_diags *d, const char *file, int line, int col,
                  const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* Frees the list, leaving d empty (reusable). Cannot fail. */
void pb_diags_release(struct pb_diags *d);

#endif /* PB_ERROR_H */
