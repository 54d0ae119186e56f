/* The sampler's profile: distinct stacks with counts, built sample by
 * sample and aggregated for the writers of samples_out.c; see samples.h. */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "sampler/samples_impl.h"

/* ---- small helpers ---------------------------------------------------- */

/* Room for need elements of elsize in arr (of *cap elements): returns the
 * array, moved perhaps, with *cap updated; or NULL when out of memory, arr
 * then untouched. */
static void *grow(void *arr, size_t *cap, size_t need, size_t elsize)
{
    size_t ncap;
    void *na;

    if (need <= *cap)
        return arr;
    ncap = *cap ? *cap : 16;
    while (ncap < need)
        ncap *= 2;
    na = realloc(arr, ncap * elsize);
    if (na)
        *cap = ncap;
    return na;
}

static uint64_t mix(uint64_t h, uint64_t v)
{
    h ^= v + 0x9e3779b97f4a7c15ull + (h << 6) + (h >> 2);
    return h * 0xff51afd7ed558ccdull;
}

static uint64_t hash_str(uint64_t h, const char *s)
{
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 0x100000001b3ull;
    return mix(h, 0);
}

static char *dup_or_null(const char *s)
{
    return s ? strdup(s) : NULL;
}

/* Rebuilds a slot table at twice the size; hashof(i) gives entry i's hash.
 * Returns 0 or -1. */
static int slots_rehash(struct slots *t, size_t n, uint64_t (*hashof)(const void *, size_t),
                        const void *ctx)
{
    size_t ncap = t->cap ? t->cap * 2 : 1024;
    uint32_t *ns = calloc(ncap, sizeof *ns);

    if (!ns)
        return -1;
    for (size_t i = 0; i < n; i++) {
        size_t s = (size_t)hashof(ctx, i) & (ncap - 1);
        while (ns[s])
            s = (s + 1) & (ncap - 1);
        ns[s] = (uint32_t)(i + 1);
    }
    free(t->slot);
    t->slot = ns;
    t->cap = ncap;
    return 0;
}

static uint64_t func_hash(const void *ctx, size_t i)
{
    return ((const struct pb_samples *)ctx)->funcs[i].hash;
}

static uint64_t stack_hash(const void *ctx, size_t i)
{
    return ((const struct pb_samples *)ctx)->stacks[i].hash;
}

/* ---- building --------------------------------------------------------- */

struct pb_samples *pb_samples_new(void)
{
    return calloc(1, sizeof(struct pb_samples));
}

void pb_samples_free(struct pb_samples *prof)
{
    if (!prof)
        return;
    for (size_t i = 0; i < prof->nfuncs; i++) {
        free(prof->funcs[i].qualname);
        free(prof->funcs[i].file);
    }
    for (size_t i = 0; i < prof->nprocs; i++) {
        struct proc *p = &prof->procs[i];
        free(p->label);
        free(p->status);
        free(p->note);
        free(p->version);
        free(p->binary);
    }
    for (size_t i = 0; i < prof->nthreads; i++)
        free(prof->threads[i].name);
    free(prof->funcs);
    free(prof->func_slots.slot);
    free(prof->procs);
    free(prof->threads);
    free(prof->stacks);
    free(prof->stack_slots.slot);
    free(prof->pool);
    free(prof);
}

int pb_samples_process(struct pb_samples *prof, pid_t pid, pid_t ppid, const char *label)
{
    struct proc *p;

    p = grow(prof->procs, &prof->capprocs, prof->nprocs + 1, sizeof *p);
    if (!p)
        return -1;
    prof->procs = p;
    p += prof->nprocs;
    memset(p, 0, sizeof *p);
    p->pid = pid;
    p->ppid = ppid;
    p->label = strdup(label ? label : "");
    p->status = strdup("pending");
    if (!p->label || !p->status) {
        free(p->label);
        free(p->status);
        return -1;
    }
    return (int)prof->nprocs++;
}

static int replace(char **field, const char *value)
{
    char *copy = dup_or_null(value);

    if (value && !copy)
        return -1;
    free(*field);
    *field = copy;
    return 0;
}

int pb_samples_process_info(struct pb_samples *prof, int proc, const char *status,
                            const char *note, const char *version, const char *binary)
{
    struct proc *p = &prof->procs[proc];

    if (replace(&p->status, status) < 0 || replace(&p->note, note) < 0 ||
        replace(&p->version, version) < 0 || replace(&p->binary, binary) < 0)
        return -1;
    return 0;
}

void pb_samples_process_tick(struct pb_samples *prof, int proc, unsigned dropped)
{
    prof->procs[proc].ticks++;
    prof->procs[proc].dropped += dropped;
}

int pb_samples_thread(struct pb_samples *prof, int proc, uint64_t tid, uint64_t thread_id,
                      const char *name)
{
    struct thread *t;

    t = grow(prof->threads, &prof->capthreads, prof->nthreads + 1, sizeof *t);
    if (!t)
        return -1;
    prof->threads = t;
    t += prof->nthreads;
    memset(t, 0, sizeof *t);
    t->proc = proc;
    t->tid = tid;
    t->thread_id = thread_id;
    t->name = dup_or_null(name);
    if (name && !t->name)
        return -1;
    return (int)prof->nthreads++;
}

int pb_samples_function(struct pb_samples *prof, const char *qualname, const char *file,
                        int firstline)
{
    uint64_t h = mix(hash_str(hash_str(0, qualname), file), (uint64_t)firstline);
    struct func *f;
    size_t s;

    if (prof->func_slots.cap) {
        for (s = h & (prof->func_slots.cap - 1); prof->func_slots.slot[s];
             s = (s + 1) & (prof->func_slots.cap - 1)) {
            f = &prof->funcs[prof->func_slots.slot[s] - 1];
            if (f->hash == h && f->firstline == firstline && strcmp(f->qualname, qualname) == 0 &&
                strcmp(f->file, file) == 0)
                return (int)(prof->func_slots.slot[s] - 1);
        }
    }
    if (prof->nfuncs >= INT32_MAX - 1)
        return -1;
    f = grow(prof->funcs, &prof->capfuncs, prof->nfuncs + 1, sizeof *f);
    if (!f)
        return -1;
    prof->funcs = f;
    if ((prof->nfuncs + 1) * 2 > prof->func_slots.cap &&
        slots_rehash(&prof->func_slots, prof->nfuncs, func_hash, prof) < 0)
        return -1;
    f = &prof->funcs[prof->nfuncs];
    f->qualname = strdup(qualname);
    f->file = strdup(file);
    f->firstline = firstline;
    f->hash = h;
    if (!f->qualname || !f->file) {
        free(f->qualname);
        free(f->file);
        return -1;
    }
    for (s = h & (prof->func_slots.cap - 1); prof->func_slots.slot[s];
         s = (s + 1) & (prof->func_slots.cap - 1))
        ;
    prof->func_slots.slot[s] = (uint32_t)(prof->nfuncs + 1);
    return (int)prof->nfuncs++;
}

static void count(uint64_t *cpu, uint64_t *wall, int on_cpu)
{
    *wall += 1;
    *cpu += on_cpu ? 1 : 0;
}

int pb_samples_add(struct pb_samples *prof, int thread, const uint64_t *frames, size_t n,
                   int on_cpu)
{
    uint64_t h = mix(0, (uint64_t)thread);
    struct thread *t = &prof->threads[thread];
    struct proc *p = &prof->procs[t->proc];
    struct stack *st;
    uint64_t *pool;
    size_t s;

    if (n == 0 || n > UINT32_MAX)
        return 0;
    for (size_t i = 0; i < n; i++)
        h = mix(h, frames[i]);
    if (prof->stack_slots.cap) {
        for (s = h & (prof->stack_slots.cap - 1); prof->stack_slots.slot[s];
             s = (s + 1) & (prof->stack_slots.cap - 1)) {
            st = &prof->stacks[prof->stack_slots.slot[s] - 1];
            if (st->hash == h && st->thread == thread && st->n == n &&
                memcmp(prof->pool + st->off, frames, n * sizeof *frames) == 0)
                goto found;
        }
    }
    if (prof->nstacks >= UINT32_MAX - 1)
        return -1;
    st = grow(prof->stacks, &prof->capstacks, prof->nstacks + 1, sizeof *st);
    if (!st)
        return -1;
    prof->stacks = st;
    pool = grow(prof->pool, &prof->cappool, prof->npool + n, sizeof *pool);
    if (!pool)
        return -1;
    prof->pool = pool;
    if ((prof->nstacks + 1) * 2 > prof->stack_slots.cap &&
        slots_rehash(&prof->stack_slots, prof->nstacks, stack_hash, prof) < 0)
        return -1;
    st = &prof->stacks[prof->nstacks];
    st->thread = thread;
    st->n = (uint32_t)n;
    st->off = prof->npool;
    st->hash = h;
    st->cpu = st->wall = 0;
    memcpy(prof->pool + prof->npool, frames, n * sizeof *frames);
    prof->npool += n;
    for (s = h & (prof->stack_slots.cap - 1); prof->stack_slots.slot[s];
         s = (s + 1) & (prof->stack_slots.cap - 1))
        ;
    prof->stack_slots.slot[s] = (uint32_t)(prof->nstacks + 1);
    prof->nstacks++;
found:
    count(&st->cpu, &st->wall, on_cpu);
    count(&t->cpu, &t->wall, on_cpu);
    count(&p->cpu, &p->wall, on_cpu);
    p->samples++;
    prof->samples++;
    return 0;
}

void pb_samples_truncated(struct pb_samples *prof, int thread)
{
    prof->procs[prof->threads[thread].proc].truncated++;
}

uint64_t pb_samples_truncated_count(const struct pb_samples *prof)
{
    uint64_t n = 0;

    for (size_t i = 0; i < prof->nprocs; i++)
        n += prof->procs[i].truncated;
    return n;
}

uint64_t pb_samples_taken(const struct pb_samples *prof)
{
    return prof->samples;
}

uint64_t pb_samples_dropped(const struct pb_samples *prof)
{
    uint64_t d = 0;

    for (size_t i = 0; i < prof->nprocs; i++)
        d += prof->procs[i].dropped;
    return d;
}

/* ---- aggregation (at output time) -------------------------------------- */



static uint64_t khash(uint64_t k1, uint64_t k2)
{
    return mix(mix(0, k1), k2);
}

static uint64_t acc_hash(const void *ctx, size_t i)
{
    const struct acc *a = &((const struct kmap *)ctx)->items[i];
    return khash(a->k1, a->k2);
}

/* Index of (k1, k2) in m, or -1 when absent. */
long pb_samples_kmap_find(const struct kmap *m, uint64_t k1, uint64_t k2)
{
    if (!m->slots.cap)
        return -1;
    for (size_t s = khash(k1, k2) & (m->slots.cap - 1); m->slots.slot[s];
         s = (s + 1) & (m->slots.cap - 1)) {
        const struct acc *a = &m->items[m->slots.slot[s] - 1];
        if (a->k1 == k1 && a->k2 == k2)
            return (long)(m->slots.slot[s] - 1);
    }
    return -1;
}

/* The accumulator of (k1, k2), added zeroed when absent; NULL when out of
 * memory. Valid until the next kmap_get. */
static struct acc *kmap_get(struct kmap *m, uint64_t k1, uint64_t k2)
{
    long i = pb_samples_kmap_find(m, k1, k2);
    size_t s;
    struct acc *a;

    if (i >= 0)
        return &m->items[i];
    a = grow(m->items, &m->cap, m->n + 1, sizeof *a);
    if (!a)
        return NULL;
    m->items = a;
    if ((m->n + 1) * 2 > m->slots.cap && slots_rehash(&m->slots, m->n, acc_hash, m) < 0)
        return NULL;
    a = &m->items[m->n];
    memset(a, 0, sizeof *a);
    a->k1 = k1;
    a->k2 = k2;
    for (s = khash(k1, k2) & (m->slots.cap - 1); m->slots.slot[s]; s = (s + 1) & (m->slots.cap - 1))
        ;
    m->slots.slot[s] = (uint32_t)(m->n + 1);
    m->n++;
    return a;
}

static void kmap_release(struct kmap *m)
{
    free(m->items);
    free(m->slots.slot);
    memset(m, 0, sizeof *m);
}


void pb_samples_agg_release(struct agg *g)
{
    kmap_release(&g->funcs);
    kmap_release(&g->lines);
    kmap_release(&g->tfuncs);
    kmap_release(&g->tlines);
}

static int tally(struct kmap *m, uint64_t k1, uint64_t k2, const struct stack *st,
                 uint64_t stamp, int leaf)
{
    struct acc *a = kmap_get(m, k1, k2);

    if (!a)
        return -1;
    if (leaf) {
        a->self_cpu += st->cpu;
        a->self_wall += st->wall;
    }
    if (a->stamp != stamp) {
        a->stamp = stamp;
        a->total_cpu += st->cpu;
        a->total_wall += st->wall;
    }
    return 0;
}

/* Fills g from every stack. Returns 0, or -1 when out of memory. */
int pb_samples_aggregate(const struct pb_samples *prof, struct agg *g)
{
    memset(g, 0, sizeof *g);
    for (size_t si = 0; si < prof->nstacks; si++) {
        const struct stack *st = &prof->stacks[si];
        uint64_t stamp = si + 1;

        g->cpu += st->cpu;
        g->wall += st->wall;
        for (uint32_t j = 0; j < st->n; j++) {
            uint64_t f = prof->pool[st->off + j];
            uint64_t func = f >> 32;
            int leaf = j == 0;
            if (tally(&g->funcs, func, 0, st, stamp, leaf) < 0 ||
                tally(&g->lines, func, f, st, stamp, leaf) < 0 ||
                tally(&g->tfuncs, (uint64_t)st->thread, func, st, stamp, leaf) < 0 ||
                tally(&g->tlines, (uint64_t)st->thread, f, st, stamp, leaf) < 0) {
                pb_samples_agg_release(g);
                return -1;
            }
        }
    }
    return 0;
}

int pb_samples_by_self_desc(const void *a, const void *b)
{
    const struct acc *x = *(const struct acc *const *)a, *y = *(const struct acc *const *)b;

    if (x->self_wall != y->self_wall)
        return x->self_wall < y->self_wall ? 1 : -1;
    if (x->total_wall != y->total_wall)
        return x->total_wall < y->total_wall ? 1 : -1;
    if (x->k1 != y->k1)
        return x->k1 < y->k1 ? -1 : 1;
    return x->k2 < y->k2 ? -1 : x->k2 > y->k2;
}

/* The items of m as pointers sorted by self samples, descending; caller
 * frees. NULL when out of memory (or m is empty). */
struct acc **pb_samples_sorted(const struct kmap *m)
{
    struct acc **v = malloc((m->n ? m->n : 1) * sizeof *v);

    if (!v)
        return NULL;
    for (size_t i = 0; i < m->n; i++)
        v[i] = &m->items[i];
    qsort(v, m->n, sizeof *v, pb_samples_by_self_desc);
    return v;
}
