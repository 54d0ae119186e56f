#ifndef PB_TABLE_H
#define PB_TABLE_H

/*
 * table: a summary as terminal text (the end of `pbench run` and
 * `pbench summarize`): the profilers sorted by overhead (and, for one a
 * config left out of some workloads, which workloads its means cover and
 * which it skipped, with the reasons), the per-workload matrix, start-up versus steady state, the precision runs: auto reached,
 * warnings and the pairs with problems.
 */

#include <stdio.h>

#include "store/summary.h"

/* Prints s to out. Cannot fail (a table too wide is cut). */
void pb_table_print_summary(FILE *out, const struct pb_summary *s);

#endif /* PB_TABLE_H */
