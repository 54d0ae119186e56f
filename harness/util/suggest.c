/* The closest word, for "did you mean". See suggest.h. */
#include <string.h>

#include "util/suggest.h"

#define MAX_LEN 63

/* Edit distance of a and b, one row at a time; 99 when either is too long
 * for the row. */
static size_t edit_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    size_t row[MAX_LEN + 1];

    if (la >= MAX_LEN || lb >= MAX_LEN)
        return 99;
    for (size_t j = 0; j <= lb; j++)
        row[j] = j;
    for (size_t i = 1; i <= la; i++) {
        size_t prev = row[0];
        row[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t cur = row[j];
            size_t sub = prev + (a[i - 1] != b[j - 1]);
            size_t del = row[j] + 1, ins = row[j - 1] + 1;
            row[j] = sub < del ? (sub < ins ? sub : ins) : (del < ins ? del : ins);
            prev = cur;
        }
    }
    return row[lb];
}

const char *pb_suggest(const char *word, const void *items, size_t stride)
{
    const char *best = NULL;
    size_t bestd = 3;

    for (const char *const *k = items; *k; k = (const char *const *)((const char *)k + stride)) {
        size_t d = edit_distance(word, *k);
        if (d < bestd) {
            bestd = d;
            best = *k;
        }
    }
    return best;
}
