#ifndef PB_CAPABILITY_H
#define PB_CAPABILITY_H

/*
 * capability: what each profiler can see, decided by probe runs.
 *
 * One row per profiler, one cell per column: lines, functions,
 * unmodified_code, threads, multiprocessing, python_vs_native, memory.
 * Each cell is a verdict (yes, no, partial; inconclusive: a sampler's
 * "no" from too few samples; failed: the run did not finish; unreadable:
 * the adapter could not read its output; not probed: no run tested it)
 * with its reason and the run that decided it:
 *  - lines, functions, unmodified_code: the first run of any truth
 *    workload that shows it (native, memory, cpu_split, threads,
 *    subprocess workloads in that order, by name, lowest round first);
 *  - threads, multiprocessing, python_vs_native, memory: the runs of the
 *    threads, subprocess, native or memory truth workloads together (all
 *    alike: that; mixed: partial).
 */

#include "analysis/accuracy.h"

/* Fills src->acc's columns and rows from src's probes; sorted: src's
 * truths by name (pb_accuracy_sorted_truths). Cannot fail (out of memory
 * marks src->acc). */
void pb_capability_matrix(struct pb_accuracy_source *src, const struct pb_acc_truth **sorted);

#endif /* PB_CAPABILITY_H */
