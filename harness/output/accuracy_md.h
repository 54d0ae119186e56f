#ifndef PB_ACCURACY_MD_H
#define PB_ACCURACY_MD_H

/*
 * accuracy_md: the report's accuracy section, in Markdown, from a results
 * directory's accuracy.json (read through store/accuracy.h).
 */

#include <stdio.h>

#include "util/error.h"

/* Writes the report's accuracy section (Markdown, from "## Accuracy" on)
 * from results_dir/accuracy.json to f: the CPU attribution error table,
 * the other truth workloads' shares, the native and memory tables and the
 * capability matrix, each cell a link to the run directory that decided
 * it (the reason as the link's title). Every stored string is escaped
 * for Markdown, run directories for URLs. link_prefix is the URL path
 * (already escaped, as pb_url_escape gives) from the report's directory
 * to results_dir ("" when the report lies in it); chart, when not NULL,
 * the accuracy chart's URL relative to the report (escaped too). Returns
 * 0; 1 when results_dir has no accuracy.json (nothing written); -1 with
 * err set when it is unreadable or of an unknown format. */
int pb_accuracy_markdown(FILE *f, const char *results_dir, const char *link_prefix,
                         const char *chart, struct pb_error *err);

#endif /* PB_ACCURACY_MD_H */
