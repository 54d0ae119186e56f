#ifndef PB_SAMPLER_SAMPLES_IMPL_H
#define PB_SAMPLER_SAMPLES_IMPL_H

/*
 * The profile's insides, shared by samples.c (building it, aggregating
 * it) and samples_out.c (writing it): not for use outside sampler/.
 */

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "sampler/samples.h"

struct func {
    char *qualname;
    char *file;
    int firstline;
    uint64_t hash;
};

struct proc {
    pid_t pid, ppid;
    char *label, *status, *note, *version, *binary;
    uint64_t ticks, dropped, samples, cpu, wall;
    uint64_t truncated;  /* samples whose stack was cut to its innermost frames */
};

struct thread {
    int proc;
    uint64_t tid, thread_id;
    char *name;
    uint64_t cpu, wall;
};

struct stack {
    int thread;
    uint32_t n;
    size_t off;        /* frames at pool[off .. off+n), innermost first */
    uint64_t hash;
    uint64_t cpu, wall;
};

/* Slots of an open-addressing table hold index+1; 0 is empty. */
struct slots {
    uint32_t *slot;
    size_t cap;        /* a power of two */
};

struct pb_samples {
    struct func *funcs;
    size_t nfuncs, capfuncs;
    struct slots func_slots;
    struct proc *procs;
    size_t nprocs, capprocs;
    struct thread *threads;
    size_t nthreads, capthreads;
    struct stack *stacks;
    size_t nstacks, capstacks;
    struct slots stack_slots;
    uint64_t *pool;
    size_t npool, cappool;
    uint64_t samples;
};

/* ---- aggregation (at output time) ---- */

struct acc {
    uint64_t k1, k2;
    uint64_t self_cpu, self_wall, total_cpu, total_wall;
    uint64_t stamp;    /* last stack counted in total: once per sample */
};

struct kmap {
    struct acc *items;
    size_t n, cap;
    struct slots slots;
};

struct agg {
    struct kmap funcs;   /* (func, 0) */
    struct kmap lines;   /* (func, frame) */
    struct kmap tfuncs;  /* (thread, func) */
    struct kmap tlines;  /* (thread, frame) */
    uint64_t cpu, wall;  /* all samples */
};

/* Fills g from every stack. Returns 0, or -1 when out of memory. */
int pb_samples_aggregate(const struct pb_samples *prof, struct agg *g);
void pb_samples_agg_release(struct agg *g);

/* The index of (k1, k2) in m, or -1. Cannot fail. */
long pb_samples_kmap_find(const struct kmap *m, uint64_t k1, uint64_t k2);

/* qsort order of struct acc pointers: by self wall samples, most first. */
int pb_samples_by_self_desc(const void *a, const void *b);

/* The items of m as pointers sorted by self samples, descending; caller
 * frees. NULL when out of memory (or m is empty). */
struct acc **pb_samples_sorted(const struct kmap *m);

#endif /* PB_SAMPLER_SAMPLES_IMPL_H */
