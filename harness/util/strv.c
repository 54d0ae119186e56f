/* A vector of owned strings. See strv.h. */
#include <stdlib.h>
#include <string.h>

#include "util/strv.h"

int pb_strv_push(struct pb_strv *sv, const char *s)
{
    char **nv = realloc(sv->v, (sv->n + 2) * sizeof *nv);
    char *copy;

    if (!nv)
        return -1;
    sv->v = nv;
    copy = strdup(s);
    if (!copy) {
        sv->v[sv->n] = NULL;
        return -1;
    }
    sv->v[sv->n++] = copy;
    sv->v[sv->n] = NULL;
    return 0;
}

void pb_strv_release(struct pb_strv *sv)
{
    for (size_t i = 0; i < sv->n; i++)
        free(sv->v[i]);
    free(sv->v);
    sv->v = NULL;
    sv->n = 0;
}

int pb_strv_equal(const struct pb_strv *a, const struct pb_strv *b)
{
    if (a->n != b->n)
        return 0;
    for (size_t i = 0; i < a->n; i++)
        if (strcmp(a->v[i], b->v[i]))
            return 0;
    return 1;
}
