/* The sampler's profile: distinct stacks with counts, and the outputs
 * derived from them; see samples.h. */
#include <limits.h>
#include <errno.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "sampler/samples.h"
#include "util/path.h"

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
static long kmap_find(const struct kmap *m, uint64_t k1, uint64_t k2)
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
    long i = kmap_find(m, k1, k2);
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

struct agg {
    struct kmap funcs;   /* (func, 0) */
    struct kmap lines;   /* (func, frame) */
    struct kmap tfuncs;  /* (thread, func) */
    struct kmap tlines;  /* (thread, frame) */
    uint64_t cpu, wall;  /* all samples */
};

static void agg_release(struct agg *g)
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
static int aggregate(const struct pb_samples *prof, struct agg *g)
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
                agg_release(g);
                return -1;
            }
        }
    }
    return 0;
}

static int by_self_desc(const void *a, const void *b)
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
static struct acc **sorted(const struct kmap *m)
{
    struct acc **v = malloc((m->n ? m->n : 1) * sizeof *v);

    if (!v)
        return NULL;
    for (size_t i = 0; i < m->n; i++)
        v[i] = &m->items[i];
    qsort(v, m->n, sizeof *v, by_self_desc);
    return v;
}

/* ---- JSON --------------------------------------------------------------- */

static json_t *pair(uint64_t cpu, uint64_t wall)
{
    return json_pack("{s:I,s:I}", "cpu", (json_int_t)cpu, "wall", (json_int_t)wall);
}

/* Adds a's counts for thread a->k1 to arr. Returns 0 or -1. */
static int add_thread_counts(json_t *arr, const struct pb_samples *prof, const struct acc *a)
{
    const struct thread *t = &prof->threads[a->k1];

    return json_array_append_new(arr, json_pack("{s:i,s:I,s:o,s:o}",
        "pid", (int)prof->procs[t->proc].pid, "tid", (json_int_t)t->tid,
        "self", pair(a->self_cpu, a->self_wall), "total", pair(a->total_cpu, a->total_wall)));
}

/* A JSON string of s; bytes that are not UTF-8 (a file name, an argv
 * entry) become '?' rather than failing the whole file. */
static json_t *jstr(const char *s)
{
    json_t *j = json_string(s);
    char *copy;

    if (j)
        return j;
    copy = strdup(s);
    if (!copy)
        return NULL;
    for (char *c = copy; *c; c++) {
        if ((unsigned char)*c >= 0x80)
            *c = '?';
    }
    j = json_string(copy);
    free(copy);
    return j;
}

static json_t *str_or_null(const char *s)
{
    return s ? jstr(s) : json_null();
}

static json_t *processes_json(const struct pb_samples *prof)
{
    json_t *arr = json_array();

    for (size_t i = 0; arr && i < prof->nprocs; i++) {
        const struct proc *p = &prof->procs[i];
        json_t *threads = json_array();
        json_t *o = json_pack("{s:i,s:i,s:o,s:o,s:o,s:o,s:o,s:I,s:{s:I,s:I,s:I,s:I},s:o}",
                              "pid", (int)p->pid, "ppid", (int)p->ppid, "label", jstr(p->label),
                              "status", jstr(p->status), "note", str_or_null(p->note),
                              "python_version", str_or_null(p->version),
                              "python_binary", str_or_null(p->binary),
                              "ticks", (json_int_t)p->ticks,
                              "samples", "taken", (json_int_t)p->samples,
                              "dropped", (json_int_t)p->dropped, "cpu", (json_int_t)p->cpu,
                              "wall", (json_int_t)p->wall, "threads", threads);
        if (!o || json_array_append_new(arr, o) < 0) {
            json_decref(arr);
            return NULL;
        }
        for (size_t k = 0; k < prof->nthreads; k++) {
            const struct thread *t = &prof->threads[k];
            json_t *to;
            if (t->proc != (int)i)
                continue;
            to = json_pack("{s:I,s:I,s:o,s:{s:I,s:I}}", "tid", (json_int_t)t->tid,
                           "thread_id", (json_int_t)t->thread_id, "name", str_or_null(t->name),
                           "samples", "cpu", (json_int_t)t->cpu, "wall", (json_int_t)t->wall);
            if (!to || json_array_append_new(threads, to) < 0) {
                json_decref(arr);
                return NULL;
            }
        }
    }
    return arr;
}

/* The "functions" or "lines" array: entries of m (sorted), each with its
 * per-thread breakdown from tm (keyed (thread, k) where k is m's k1 for
 * functions, k2 for lines). */
static json_t *table_json(const struct pb_samples *prof, const struct kmap *m,
                          const struct kmap *tm, int lines)
{
    json_t **per = calloc(m->n ? m->n : 1, sizeof *per);
    struct acc **order = sorted(m);
    json_t *arr = json_array();

    if (!per || !order || !arr)
        goto fail;
    for (size_t i = 0; i < m->n; i++) {
        per[i] = json_array();
        if (!per[i])
            goto fail;
    }
    for (size_t i = 0; i < tm->n; i++) {
        const struct acc *a = &tm->items[i];
        long at = lines ? kmap_find(m, a->k2 >> 32, a->k2) : kmap_find(m, a->k2, 0);
        if (at < 0 || add_thread_counts(per[at], prof, a) < 0)
            goto fail;
    }
    for (size_t i = 0; i < m->n; i++) {
        const struct acc *a = order[i];
        const struct func *f = &prof->funcs[a->k1];
        size_t at = (size_t)(a - m->items);
        json_t *o = lines
            ? json_pack("{s:o,s:o,s:i,s:i}", "function", jstr(f->qualname), "file", jstr(f->file),
                        "line", (int)(uint32_t)a->k2, "first_line", f->firstline)
            : json_pack("{s:o,s:o,s:i}", "function", jstr(f->qualname), "file", jstr(f->file),
                        "first_line", f->firstline);
        if (!o || json_array_append_new(arr, o) < 0 ||
            json_object_set_new(o, "self", pair(a->self_cpu, a->self_wall)) < 0 ||
            json_object_set_new(o, "total", pair(a->total_cpu, a->total_wall)) < 0)
            goto fail;
        if (json_object_set_new(o, "threads", per[at]) < 0) {
            per[at] = NULL;
            goto fail;
        }
        per[at] = NULL;
    }
    free(per);
    free(order);
    return arr;
fail:
    for (size_t i = 0; per && i < m->n; i++)
        json_decref(per[i]);
    free(per);
    free(order);
    json_decref(arr);
    return NULL;
}

int pb_samples_write_json(const struct pb_samples *prof, const struct pb_samples_meta *meta,
                          const char *path, struct pb_error *err)
{
    struct agg g;
    json_t *root = NULL, *cmd = NULL;
    double cpu_s = meta->sampler_user_s + meta->sampler_sys_s;
    uint64_t dropped = pb_samples_dropped(prof);
    int rc = -1;

    if (aggregate(prof, &g) < 0)
        return pb_error_set(err, "out of memory writing '%s'", path);
    cmd = json_array();
    for (char *const *a = meta->command; cmd && a && *a; a++) {
        if (json_array_append_new(cmd, jstr(*a)) < 0) {
            json_decref(cmd);
            cmd = NULL;
        }
    }
    if (!cmd)
        goto oom;
    root = json_pack(
        "{s:s,s:o,s:i,s:i,s:f,s:f,s:b,s:f,s:I,s:f,"
        "s:{s:I,s:I,s:I,s:I},"
        "s:{s:f,s:f,s:f,s:f,s:f},"
        "s:{s:f,s:f,s:I},"
        "s:o,s:s}",
        "schema", "pbench-sample/1", "command", cmd, "pid", (int)meta->pid,
        "exit_code", meta->exit_code,
        "rate_hz", meta->rate_hz, "jitter", meta->jitter, "subprocesses", meta->subprocesses,
        "duration_s", meta->duration_s, "ticks", (json_int_t)meta->ticks,
        "achieved_rate_hz", meta->duration_s > 0 ? (double)meta->ticks / meta->duration_s : 0.0,
        "samples", "taken", (json_int_t)prof->samples, "dropped", (json_int_t)dropped,
        "cpu", (json_int_t)g.cpu, "wall", (json_int_t)g.wall,
        "sampler", "cpu_s", cpu_s, "user_s", meta->sampler_user_s, "sys_s", meta->sampler_sys_s,
        "cpu_fraction", meta->duration_s > 0 ? cpu_s / meta->duration_s : 0.0,
        "cpu_per_tick_us", meta->ticks ? cpu_s * 1e6 / (double)meta->ticks : 0.0,
        "target", "user_s", meta->target_user_s, "sys_s", meta->target_sys_s,
        "maxrss_kb", (json_int_t)meta->target_maxrss_kb,
        "collapsed", str_or_null(meta->collapsed_path),
        "collapsed_mode", meta->collapsed_mode ? meta->collapsed_mode : "wall");
    if (!root)
        goto oom;
    if (json_object_set_new(root, "processes", processes_json(prof)) < 0 ||
        json_object_set_new(root, "functions", table_json(prof, &g.funcs, &g.tfuncs, 0)) < 0 ||
        json_object_set_new(root, "lines", table_json(prof, &g.lines, &g.tlines, 1)) < 0)
        goto oom;
    if (json_dump_file(root, path, JSON_INDENT(1) | JSON_PRESERVE_ORDER) < 0) {
        int saved = errno;
        pb_error_set(err, "cannot write '%s'", path);
        pb_error_errno(err, saved);
        goto cleanup;
    }
    rc = 0;
    goto cleanup;
oom:
    pb_error_set(err, "out of memory writing '%s'", path);
cleanup:
    json_decref(root);
    agg_release(&g);
    return rc;
}

/* ---- collapsed stacks ------------------------------------------------- */

/* Writes s with ';' (the frame separator) and newlines replaced. */
static void put_clean(FILE *f, const char *s)
{
    for (; *s; s++)
        fputc(*s == ';' ? ':' : *s == '\n' ? ' ' : *s, f);
}

int pb_samples_write_collapsed(const struct pb_samples *prof, const char *path, int cpu_only,
                               struct pb_error *err)
{
    FILE *f = fopen(path, "w");
    int saved;

    if (!f) {
        saved = errno;
        pb_error_set(err, "cannot create '%s'", path);
        return pb_error_errno(err, saved);
    }
    for (size_t si = 0; si < prof->nstacks; si++) {
        const struct stack *st = &prof->stacks[si];
        const struct thread *t = &prof->threads[st->thread];
        const struct proc *p = &prof->procs[t->proc];
        uint64_t n = cpu_only ? st->cpu : st->wall;

        if (n == 0)
            continue;
        fprintf(f, "process %d (", (int)p->pid);
        put_clean(f, p->label);
        fprintf(f, ");thread %llu", (unsigned long long)t->tid);
        if (t->name && *t->name) {
            fputs(" (", f);
            put_clean(f, t->name);
            fputc(')', f);
        }
        for (uint32_t j = st->n; j-- > 0;) {
            uint64_t fr = prof->pool[st->off + j];
            const struct func *fn = &prof->funcs[fr >> 32];
            fputc(';', f);
            put_clean(f, fn->qualname);
            fputs(" (", f);
            put_clean(f, fn->file);
            fprintf(f, ":%u)", (unsigned)(uint32_t)fr);
        }
        fprintf(f, " %llu\n", (unsigned long long)n);
    }
    if (ferror(f) | (fclose(f) != 0)) {
        saved = errno;
        pb_error_set(err, "cannot write '%s'", path);
        return pb_error_errno(err, saved);
    }
    return 0;
}

/* ---- summary ---------------------------------------------------------- */

static double pct(uint64_t part, uint64_t whole)
{
    return whole ? 100.0 * (double)part / (double)whole : 0.0;
}

int pb_samples_print_summary(const struct pb_samples *prof, const struct pb_samples_meta *meta,
                             FILE *out, int topn)
{
    char bn[PATH_MAX];   /* pb_path_base's buffer */
    struct agg g;
    struct acc **order = NULL;
    const struct acc **hot = NULL;
    size_t nthreads = 0, nprocs = 0;
    double cpu_s = meta->sampler_user_s + meta->sampler_sys_s;

    if (aggregate(prof, &g) < 0)
        return -1;
    order = sorted(&g.funcs);
    hot = calloc(prof->nfuncs ? prof->nfuncs : 1, sizeof *hot);
    if (!order || !hot) {
        free(order);
        free(hot);
        agg_release(&g);
        return -1;
    }
    for (size_t i = 0; i < g.lines.n; i++) {  /* each function's hottest line */
        const struct acc *a = &g.lines.items[i];
        if (!hot[a->k1] || by_self_desc(&a, &hot[a->k1]) < 0)
            hot[a->k1] = a;
    }
    for (size_t i = 0; i < prof->nthreads; i++)
        nthreads += prof->threads[i].wall > 0;
    for (size_t i = 0; i < prof->nprocs; i++)
        nprocs += prof->procs[i].samples > 0;

    fprintf(out, "pbench sample: %.2f s at %g Hz: %llu samples (%llu on CPU) from %zu "
                 "process%s, %zu thread%s; %llu dropped; sampler CPU %.3f s (%.1f%%)\n",
            meta->duration_s, meta->rate_hz, (unsigned long long)g.wall,
            (unsigned long long)g.cpu, nprocs, nprocs == 1 ? "" : "es", nthreads,
            nthreads == 1 ? "" : "s", (unsigned long long)pb_samples_dropped(prof), cpu_s,
            meta->duration_s > 0 ? 100.0 * cpu_s / meta->duration_s : 0.0);
    if (g.wall == 0) {
        fprintf(out, "pbench sample: no Python samples\n");
    } else {
        fprintf(out, "  %6s %6s %6s  %s\n", "self%", "total%", "cpu%", "function (file:line)  [hottest line]");
        for (size_t i = 0; i < g.funcs.n && (int)i < topn; i++) {
            const struct acc *a = order[i];
            const struct func *f = &prof->funcs[a->k1];
            fprintf(out, "  %6.1f %6.1f %6.1f  %s (%s:%d)", pct(a->self_wall, g.wall),
                    pct(a->total_wall, g.wall), pct(a->self_cpu, g.cpu), f->qualname,
                    pb_path_base(f->file, bn, sizeof bn), f->firstline);
            if (hot[a->k1] && hot[a->k1]->self_wall > 0)
                fprintf(out, "  [line %u: %.1f%%]", (unsigned)(uint32_t)hot[a->k1]->k2,
                        pct(hot[a->k1]->self_wall, g.wall));
            fputc('\n', out);
        }
    }
    free(order);
    free(hot);
    agg_release(&g);
    return 0;
}
