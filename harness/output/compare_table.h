#ifndef PB_COMPARE_TABLE_H
#define PB_COMPARE_TABLE_H

/*
 * compare_table: a comparison (analysis/compare.h) as terminal text, in
 * the style of table.c: the two runs, the warnings first, then per
 * profiler the geometric mean of NEW/BASE with its interval and verdict,
 * every pair, and the pairs left out of the means (not comparable, timed
 * out, failed, on one side only). Plain ASCII ("x", ">=").
 */

#include <stddef.h>
#include <stdio.h>

#include "analysis/compare.h"

/* Prints c to out. Cannot fail (write errors show in ferror(out)). */
void pb_compare_print(FILE *out, const struct pb_compare *c);

/* The verdict of r as words: "1.22x faster" (1/value), "1.15x slower",
 * "not significant", "no interval" (a value without one), "-" (none);
 * times is the sign after the number ("x" or "×"). Cannot fail. */
void pb_compare_verdict_text(const struct pb_cmp_ratio *r, const char *times, char *buf, size_t n);

/* How many workloads mean m is over, and those it leaves out: "2",
 * "2 (left out: 1 not comparable, 1 timed out, 1 failed)". Cannot fail. */
void pb_compare_count_text(const struct pb_cmp_mean *m, char *buf, size_t n);

#endif /* PB_COMPARE_TABLE_H */
