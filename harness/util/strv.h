#ifndef PB_STRV_H
#define PB_STRV_H

/*
 * strv: a growable, NULL-terminated vector of owned strings, the shape of
 * an argv (a config's lists, a run's command line, its environment).
 *
 * A zeroed struct pb_strv is an empty vector (v is NULL until the first
 * push); after a push, v[n] is NULL, so v can go to execv as it is.
 */

#include <stddef.h>

struct pb_strv {
    char **v;
    size_t n;
};

/* Appends a copy of s. Returns 0, or -1 when out of memory (sv is then
 * unchanged apart from its capacity, and still NULL-terminated). */
int pb_strv_push(struct pb_strv *sv, const char *s);

/* 1 when a and b hold the same strings in the same order, else 0. */
int pb_strv_equal(const struct pb_strv *a, const struct pb_strv *b);

/* Frees every string and the vector, leaving sv empty (reusable). sv
 * itself is not freed. Cannot fail. */
void pb_strv_release(struct pb_strv *sv);

#endif /* PB_STRV_H */
