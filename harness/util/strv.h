#ifndef PB_STRV_H
#define PB_STRV_H

/*
 * strv: a NULL-terminated vector of owned strings (argv arrays, lists read
 * from a config or a stored file). A zeroed struct is an empty vector.
 */

#include <stddef.h>

struct pb_strv {
    char **v;               /* NULL-terminated once anything was pushed; NULL when empty */
    size_t n;
};

/* Appends a copy of s. Returns 0, or -1 when out of memory (sv is left
 * as it was, still NULL-terminated). */
int pb_strv_push(struct pb_strv *sv, const char *s);

/* Frees every string and the vector; sv is empty afterwards and may be
 * reused. Cannot fail. */
void pb_strv_release(struct pb_strv *sv);

#endif /* PB_STRV_H */
