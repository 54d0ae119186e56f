/* The profile written out: JSON, collapsed stacks, a top-N summary; see
 * samples.h. */
#include <errno.h>
#include <jansson.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "sampler/samples_impl.h"
#include "util/path.h"

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
        json_t *o = json_pack("{s:i,s:i,s:o,s:o,s:o,s:o,s:o,s:I,s:{s:I,s:I,s:I,s:I,s:I},s:o}",
                              "pid", (int)p->pid, "ppid", (int)p->ppid, "label", jstr(p->label),
                              "status", jstr(p->status), "note", str_or_null(p->note),
                              "python_version", str_or_null(p->version),
                              "python_binary", str_or_null(p->binary),
                              "ticks", (json_int_t)p->ticks,
                              "samples", "taken", (json_int_t)p->samples,
                              "dropped", (json_int_t)p->dropped,
                              "truncated", (json_int_t)p->truncated, "cpu", (json_int_t)p->cpu,
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
    struct acc **order = pb_samples_sorted(m);
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
        long at = lines ? pb_samples_kmap_find(m, a->k2 >> 32, a->k2) : pb_samples_kmap_find(m, a->k2, 0);
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

    if (pb_samples_aggregate(prof, &g) < 0)
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
        "s:{s:I,s:I,s:I,s:I,s:I},"
        "s:{s:f,s:f,s:f,s:f,s:f},"
        "s:{s:f,s:f,s:I},"
        "s:o,s:s}",
        "schema", "pbench-sample/1", "command", cmd, "pid", (int)meta->pid,
        "exit_code", meta->exit_code,
        "rate_hz", meta->rate_hz, "jitter", meta->jitter, "subprocesses", meta->subprocesses,
        "duration_s", meta->duration_s, "ticks", (json_int_t)meta->ticks,
        "achieved_rate_hz", meta->duration_s > 0 ? (double)meta->ticks / meta->duration_s : 0.0,
        "samples", "taken", (json_int_t)prof->samples, "dropped", (json_int_t)dropped,
        "truncated", (json_int_t)pb_samples_truncated_count(prof),
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
    pb_samples_agg_release(&g);
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

    if (pb_samples_aggregate(prof, &g) < 0)
        return -1;
    order = pb_samples_sorted(&g.funcs);
    hot = calloc(prof->nfuncs ? prof->nfuncs : 1, sizeof *hot);
    if (!order || !hot) {
        free(order);
        free(hot);
        pb_samples_agg_release(&g);
        return -1;
    }
    for (size_t i = 0; i < g.lines.n; i++) {  /* each function's hottest line */
        const struct acc *a = &g.lines.items[i];
        if (!hot[a->k1] || pb_samples_by_self_desc(&a, &hot[a->k1]) < 0)
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
    if (pb_samples_truncated_count(prof))
        fprintf(out, "pbench sample: %llu samples had stacks deeper than the sampler reads; "
                     "their innermost frames were kept\n",
                (unsigned long long)pb_samples_truncated_count(prof));
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
    pb_samples_agg_release(&g);
    return 0;
}
