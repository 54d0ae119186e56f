#ifndef PB_COMPARE_MD_H
#define PB_COMPARE_MD_H

/*
 * compare_md: a comparison (analysis/compare.h) as Markdown, for
 * `pbench compare --markdown` and the report's comparison section: the
 * two runs, the warnings, a table of the profilers' geometric means, a
 * table of every pair, and what the means leave out. Every stored string
 * goes through util/text (pb_md_text, pb_md_code).
 */

#include <stdio.h>

#include "analysis/compare.h"

/* Writes c to f, its parts under headings of depth level (1 to 6: "#"
 * repeated). Cannot fail (write errors show in ferror(f)). */
void pb_compare_markdown(FILE *f, const struct pb_compare *c, int level);

#endif /* PB_COMPARE_MD_H */
