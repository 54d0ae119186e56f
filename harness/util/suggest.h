#ifndef PB_SUGGEST_H
#define PB_SUGGEST_H

/*
 * suggest: "did you mean ...?" for a misspelt key, placeholder or name:
 * the closest of a set of words by edit distance (Levenshtein).
 */

#include <stddef.h>

/* The candidate closest to word, at most 2 edits away (the first of equal
 * ones), or NULL when none is that close. The candidates are the strings
 * at items, items + stride, items + 2 * stride, ... up to the first NULL:
 * a NULL-terminated array of strings (stride sizeof(char *)) or the key
 * member of a table of structs ending in a NULL key (items = &table[0].key,
 * stride = sizeof table[0]). Words of 63 characters or more match nothing.
 * Returns a pointer to one of the candidates. Cannot fail. */
const char *pb_suggest(const char *word, const void *items, size_t stride);

#endif /* PB_SUGGEST_H */
