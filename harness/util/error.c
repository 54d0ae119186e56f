#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/error.h"

void pb_error_clear(struct pb_error *err)
{
    if (!err)
        return;
    err->msg[0] = '\0';
    err->file[0] = '\0';
    err->line = 0;
    err->col = 0;
}

static void vset(struct pb_error *err, const char *fmt, va_list ap)
{
    vsnprintf(err->msg, sizeof err->msg, fmt, ap);
}

int pb_error_set(struct pb_error *err, const char *fmt, ...)
{
    va_list ap;

    if (!err)
        return -1;
    pb_error_clear(err);
    va_start(ap, fmt);
    vset(err, fmt, ap);
    va_end(ap);
    return -1;
}

int pb_error_at(struct pb_error *err, const char *file, int line, int col,
                const char *fmt, ...)
{
    va_list ap;

    if (!err)
        return -1;
    pb_error_clear(err);
    snprintf(err->file, sizeof err->file, "%s", file ? file : "");
    err->line = line;
    err->col = col;
    va_start(ap, fmt);
    vset(err, fmt, ap);
    va_end(ap);
    return -1;
}

const char *pb_strerror(int errnum)
{
    if (errnum == PB_ENOTREG)
        return "not a regular file (a FIFO, socket or device)";
    return strerror(errnum);
}

int pb_error_errno(struct pb_error *err, int errnum)
{
    size_t len;

    if (!err)
        return -1;
    len = strlen(err->msg);
    snprintf(err->msg + len, sizeof err->msg - len, ": %s", pb_strerror(errnum));
    return -1;
}

const char *pb_error_format(const struct pb_error *err, char *buf, size_t n)
{
    if (err->line > 0)
        snprintf(buf, n, "%s:%d:%d: %s", err->file, err->line, err->col, err->msg);
    else if (err->file[0])
        snprintf(buf, n, "%s: %s", err->file, err->msg);
    else
        snprintf(buf, n, "%s", err->msg);
    return buf;
}

void pb_diags_add(struct pb_diags *d, const char *file, int line, int col,
                  const char *fmt, ...)
{
    struct pb_error *e;
    va_list ap;

    if (d->n == d->cap) {
        size_t ncap = d->cap ? d->cap * 2 : 8;
        struct pb_error *ni = realloc(d->items, ncap * sizeof *ni);
        if (!ni)
            return;
        d->items = ni;
        d->cap = ncap;
    }
    e = &d->items[d->n++];
    pb_error_clear(e);
    snprintf(e->file, sizeof e->file, "%s", file ? file : "");
    e->line = line;
    e->col = col;
    va_start(ap, fmt);
    vsnprintf(e->msg, sizeof e->msg, fmt, ap);
    va_end(ap);
}

void pb_diags_release(struct pb_diags *d)
{
    free(d->items);
    d->items = NULL;
    d->n = d->cap = 0;
}
