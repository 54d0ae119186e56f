#ifndef PB_ACCURACY_TABLE_H
#define PB_ACCURACY_TABLE_H

/*
 * accuracy_table: accuracy figures as terminal text, for `pbench
 * accuracy`: the CPU attribution error per profiler and split, the other
 * truth workloads' shares, the memory figures and the capability matrix.
 */

#include <stdio.h>

#include "store/accuracy.h"

/* Prints acc's tables to out. Cannot fail. */
void pb_accuracy_table_print(FILE *out, const struct pb_accuracy *acc);

#endif /* PB_ACCURACY_TABLE_H */
