#ifndef PB_TABLE_H
#define PB_TABLE_H

/*
 * table: the end-of-run summary as terminal text: the profilers sorted by
 * overhead, the per-workload matrix, start-up versus steady state, the
 * adaptive precision reached, warnings and the pairs with problems.
 */

#include <jansson.h>
#include <stdio.h>

/* Prints summary (as built by pb_aggregate_dir) to out. Cannot fail. */
void pb_table_print_summary(FILE *out, json_t *sum);

#endif /* PB_TABLE_H */
