#ifndef PB_PUBLISHED_TABLE_H
#define PB_PUBLISHED_TABLE_H

/*
 * published_table: a published-versus-measured comparison
 * (analysis/published.h) as terminal text, for `pbench summarize
 * --reference`: the same figures as the report's section, in columns.
 */

#include <stdio.h>

#include "analysis/published.h"

/* Prints p to out. Names from the files are printed with control
 * characters replaced and cut to their column. Cannot fail. */
void pb_published_print(FILE *out, const struct pb_published *p);

#endif /* PB_PUBLISHED_TABLE_H */
