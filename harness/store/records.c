#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "store/jread.h"
#include "store/records.h"
#include "util/fs.h"
#include "util/path.h"

static const char *const status_names[PB_RUN_STATUS_COUNT] = {
    "ok", "failed", "timeout", "spawn_error", "no_output", "output_limit", "skipped"
};

const char *pb_run_status_name(enum pb_run_status s)
{
    return (unsigned)s < PB_RUN_STATUS_COUNT ? status_names[s] : "unknown";
}

int pb_run_status_parse(const char *name)
{
    for (int i = 0; i < PB_RUN_STATUS_COUNT; i++)
        if (!strcmp(status_names[i], name))
            return i;
    return -1;
}

int pb_records_open_log(const char *dir, struct pb_error *err)
{
    char path[PATH_MAX];
    struct stat st;
    int fd;

    snprintf(path, sizeof path, "%s/runs.jsonl", dir);
    fd = open(path, O_RDWR | O_CREAT | O_APPEND | O_NONBLOCK | O_CLOEXEC, 0666);
    if (fd < 0) {
        int e = errno;
        pb_error_set(err, "cannot open '%s' for appending", path);
        return pb_error_errno(err, e);
    }
    if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
        int e = fstat(fd, &st) < 0 ? errno : PB_ENOTREG;
        close(fd);
        pb_error_set(err, "cannot open '%s' for appending", path);
        return pb_error_errno(err, e);
    }
    fcntl(fd, F_SETFL, O_APPEND);  /* blocking again: a regular file */
    /* one writer per results directory: a second pbench (two --resume, or
     * a resume while the run still goes) would record runs twice */
    if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
        int e = errno;
        close(fd);
        if (e == EWOULDBLOCK)
            return pb_error_set(err, "'%s' is in use by another pbench run", dir);
        pb_error_set(err, "cannot lock '%s'", path);
        return pb_error_errno(err, e);
    }
    /* a torn last line (a crash mid-write) would swallow the next record
     * appended after it: cut the file back to its last complete line */
    if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0) {
        off_t end = st.st_size;
        char c;
        while (end > 0 && pread(fd, &c, 1, end - 1) == 1 && c != '\n')
            end--;
        if (end != st.st_size && ftruncate(fd, end) < 0) {
            int e = errno;
            close(fd);
            pb_error_set(err, "cannot repair the torn last line of '%s'", path);
            return pb_error_errno(err, e);
        }
    }
    return fd;
}

static const char *const formats[] = { "pbench-run/1", PB_RECORDS_FORMAT };

static void free_vec(char **v)
{
    for (size_t i = 0; v && v[i]; i++)
        free(v[i]);
    free(v);
}

/* A copy of the NULL-terminated v, or NULL (v NULL, or out of memory:
 * *oom set). */
static char **dup_vec(char *const *v, int *oom)
{
    size_t n = 0;
    char **out;

    if (!v)
        return NULL;
    while (v[n])
        n++;
    out = calloc(n + 1, sizeof *out);
    for (size_t i = 0; out && i < n; i++)
        if (!(out[i] = strdup(v[i]))) {
            free_vec(out);
            out = NULL;
        }
    if (!out)
        *oom = 1;
    return out;
}

void pb_run_record_release(struct pb_run_record *rec)
{
    free_vec(rec->argv);
    free_vec(rec->env);
    rec->argv = rec->env = NULL;
}

int pb_run_record_set_argv(struct pb_run_record *rec, char *const *v)
{
    int oom = 0;
    char **copy = dup_vec(v, &oom);

    if (oom)
        return -1;
    free_vec(rec->argv);
    rec->argv = copy;
    return 0;
}

int pb_run_record_set_env(struct pb_run_record *rec, char *const *v)
{
    int oom = 0;
    char **copy = dup_vec(v, &oom);

    if (oom)
        return -1;
    free_vec(rec->env);
    rec->env = copy;
    return 0;
}

int pb_run_record_copy(struct pb_run_record *dst, const struct pb_run_record *src)
{
    int oom = 0;

    *dst = *src;
    dst->argv = dup_vec(src->argv, &oom);
    dst->env = dup_vec(src->env, &oom);
    if (oom) {
        pb_run_record_release(dst);
        return -1;
    }
    return 0;
}

static json_t *vec_json(char *const *v)
{
    json_t *a = json_array();

    for (size_t i = 0; v && v[i]; i++)
        json_array_append_new(a, pb_jwrite_str(v[i]));
    return a;
}

/* The strings of a JSON array as a NULL-terminated vector (non-strings
 * skipped); NULL when absent. */
static char **json_vec(json_t *a, int *oom)
{
    size_t n = json_array_size(a), k = 0;
    char **out;

    if (!json_is_array(a))
        return NULL;
    out = calloc(n + 1, sizeof *out);
    if (!out) {
        *oom = 1;
        return NULL;
    }
    for (size_t i = 0; i < n; i++) {
        const char *s = json_string_value(json_array_get(a, i));
        if (s && !(out[k++] = strdup(s))) {
            free_vec(out);
            *oom = 1;
            return NULL;
        }
    }
    return out;
}

static json_t *record_json(const struct pb_run_record *r)
{
    json_t *o = json_object();

    json_object_set_new(o, "format", json_string(PB_RECORDS_FORMAT));
    json_object_set_new(o, "seq", json_integer((json_int_t)r->seq));
    json_object_set_new(o, "round", json_integer(r->round));
    json_object_set_new(o, "warmup", json_boolean(r->round < 0));
    json_object_set_new(o, "workload", pb_jwrite_str(r->workload));
    json_object_set_new(o, "profiler", pb_jwrite_str(r->profiler));
    if (r->python[0])
        json_object_set_new(o, "python", pb_jwrite_str(r->python));
    json_object_set_new(o, "status", json_string(pb_run_status_name(r->status)));
    json_object_set_new(o, "exit_code", json_integer(r->exit_code));
    json_object_set_new(o, "signal", json_integer(r->signal));
    json_object_set_new(o, "timed_out", json_boolean(r->timed_out));
    json_object_set_new(o, "wall_s", json_real(r->wall_s));
    json_object_set_new(o, "user_s", json_real(r->user_s));
    json_object_set_new(o, "sys_s", json_real(r->sys_s));
    json_object_set_new(o, "cpu_s", json_real(r->user_s + r->sys_s));
    json_object_set_new(o, "maxrss_kb", json_integer(r->maxrss_kb));
    json_object_set_new(o, "tree_peak_rss_kb", json_integer(r->tree_peak_rss_kb));
    json_object_set_new(o, "outdir", pb_jwrite_str(r->outdir));
    json_object_set_new(o, "started", pb_jwrite_str(r->started));
    json_object_set_new(o, "env_pad", json_integer(r->env_pad));
    if (r->escaped_killed > 0)
        json_object_set_new(o, "escaped_killed", json_integer(r->escaped_killed));
    if (r->shard > 0) {
        json_object_set_new(o, "shard", json_integer(r->shard));
        json_object_set_new(o, "node", pb_jwrite_str(r->node));
    }
    if (r->argv)
        json_object_set_new(o, "argv", vec_json(r->argv));
    if (r->env)
        json_object_set_new(o, "env", vec_json(r->env));
    if (r->error[0])
        json_object_set_new(o, "error", pb_jwrite_str(r->error));
    return o;
}

/* rec as one line of runs.jsonl, newline included (*len bytes), or NULL
 * when out of memory. Caller frees. */
static char *record_line(const struct pb_run_record *rec, size_t *len)
{
    json_t *o = record_json(rec);
    char *line = json_dumps(o, JSON_COMPACT | JSON_REAL_PRECISION(12) | JSON_ENSURE_ASCII), *grown;

    json_decref(o);
    if (!line)
        return NULL;
    *len = strlen(line);
    if (!(grown = realloc(line, *len + 2))) {
        free(line);
        return NULL;
    }
    grown[(*len)++] = '\n';
    grown[*len] = '\0';
    return grown;
}

int pb_records_append(int fd, const struct pb_run_record *rec, struct pb_error *err)
{
    size_t len = 0, off = 0;
    char *line = record_line(rec, &len);
    int rc = 0;

    if (!line)
        return pb_error_set(err, "out of memory");
    struct stat st;
    off_t start = fstat(fd, &st) == 0 ? st.st_size : -1;
    while (off < len) {
        ssize_t w = write(fd, line + off, len - off);
        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0) {
            int e = errno;
            pb_error_set(err, "cannot append to runs.jsonl");
            rc = pb_error_errno(err, e);
            /* leave no torn record behind for the next append to join */
            if (off > 0 && start >= 0 && ftruncate(fd, start) < 0)
                (void)0;    /* the reader skips a torn line anyway */
            break;
        }
        off += (size_t)w;
    }
    if (rc == 0 && fdatasync(fd) < 0 && errno != EINVAL) {
        int e = errno;
        pb_error_set(err, "cannot flush runs.jsonl");
        rc = pb_error_errno(err, e);
    }
    free(line);
    return rc;
}

static void copy_str(json_t *o, const char *key, char *dst, size_t n)
{
    json_t *v = json_object_get(o, key);
    snprintf(dst, n, "%s", json_is_string(v) ? json_string_value(v) : "");
}

static double num(json_t *o, const char *key)
{
    return json_number_value(json_object_get(o, key));
}

/* Fills *r from o. Returns 0; -1 when o is not a run record; -2 when its
 * format is unknown; -3 when out of memory. */
static int parse_record(json_t *o, struct pb_run_record *r)
{
    json_t *st = json_object_get(o, "status"), *fmt = json_object_get(o, "format");
    int s, known = !fmt, oom = 0;

    for (size_t i = 0; fmt && i < sizeof formats / sizeof formats[0]; i++)
        known |= json_is_string(fmt) && !strcmp(json_string_value(fmt), formats[i]);
    if (!known)
        return -2;
    if (!json_is_object(o) || !json_is_string(st) || !json_is_string(json_object_get(o, "workload"))
        || !json_is_string(json_object_get(o, "profiler")) || !json_is_integer(json_object_get(o, "round")))
        return -1;
    s = pb_run_status_parse(json_string_value(st));
    if (s < 0)
        return -1;
    memset(r, 0, sizeof *r);
    r->seq = (size_t)json_integer_value(json_object_get(o, "seq"));
    r->round = (int)json_integer_value(json_object_get(o, "round"));
    copy_str(o, "workload", r->workload, sizeof r->workload);
    copy_str(o, "profiler", r->profiler, sizeof r->profiler);
    copy_str(o, "python", r->python, sizeof r->python);
    r->status = (enum pb_run_status)s;
    r->exit_code = (int)json_integer_value(json_object_get(o, "exit_code"));
    r->signal = (int)json_integer_value(json_object_get(o, "signal"));
    r->timed_out = json_is_true(json_object_get(o, "timed_out"));
    r->wall_s = num(o, "wall_s");
    r->user_s = num(o, "user_s");
    r->sys_s = num(o, "sys_s");
    r->maxrss_kb = (long)json_integer_value(json_object_get(o, "maxrss_kb"));
    r->tree_peak_rss_kb = (long)json_integer_value(json_object_get(o, "tree_peak_rss_kb"));
    copy_str(o, "outdir", r->outdir, sizeof r->outdir);
    copy_str(o, "started", r->started, sizeof r->started);
    copy_str(o, "error", r->error, sizeof r->error);
    r->env_pad = (int)json_integer_value(json_object_get(o, "env_pad"));
    r->escaped_killed = (int)json_integer_value(json_object_get(o, "escaped_killed"));
    r->shard = (int)json_integer_value(json_object_get(o, "shard"));
    if (r->shard < 0 || r->shard > 1 << 20)
        r->shard = 0;
    if (r->shard)
        copy_str(o, "node", r->node, sizeof r->node);
    if (r->escaped_killed < 0)
        r->escaped_killed = 0;
    /* names and paths from a stored file obey the config's rules: a record
     * naming "../../x" must not steer where pbench reads or writes */
    if (!pb_component_ok(r->workload) || !pb_component_ok(r->profiler)
        || (r->python[0] && !pb_component_ok(r->python))
        || (r->outdir[0] && !pb_relpath_ok(r->outdir)))
        return -1;
    /* a finished run took some time: a zero or negative one would make a
     * ratio of 1e8 (or below zero) out of nothing */
    if (r->status == PB_RUN_OK && !(r->wall_s > 0 && isfinite(r->wall_s)))
        return -1;
    if (r->user_s < 0 || r->sys_s < 0 || r->maxrss_kb < 0 || r->tree_peak_rss_kb < 0)
        return -1;
    r->argv = json_vec(json_object_get(o, "argv"), &oom);
    r->env = json_vec(json_object_get(o, "env"), &oom);
    if (oom) {
        pb_run_record_release(r);
        return -3;
    }
    return 0;
}

int pb_records_read(const char *dir, int missing_ok, struct pb_run_list *out,
                    struct pb_error *err)
{
    char path[PATH_MAX];
    FILE *f;
    char *line = NULL;
    size_t cap = 0, lineno = 0;
    ssize_t len;

    memset(out, 0, sizeof *out);
    snprintf(path, sizeof path, "%s/runs.jsonl", dir);
    f = pb_fopen_regular(path);  /* a FIFO there would block --resume forever */
    if (!f) {
        int e = errno;
        if (e == ENOENT && missing_ok)
            return 0;
        pb_error_set(err, "cannot read '%s'", path);
        return pb_error_errno(err, e);
    }
    while ((len = getline(&line, &cap, f)) >= 0) {
        json_error_t jerr;
        json_t *o;
        int torn = len == 0 || line[len - 1] != '\n';

        lineno++;
        if (len <= 1 && !torn)
            continue;
        o = json_loadb(line, (size_t)len, 0, &jerr);
        if (!o || torn) {
            if (!out->warning[0])
                snprintf(out->warning, sizeof out->warning, "%s:%zu: ignored %s line (%s)", path,
                         lineno, torn ? "a torn last" : "an unreadable", o ? "no newline" : jerr.text);
            out->skipped_lines++;
            json_decref(o);
            continue;
        }
        if (out->n == out->cap) {
            size_t alloc = out->cap ? out->cap * 2 : 256;
            struct pb_run_record *ni = realloc(out->items, alloc * sizeof *ni);
            if (!ni) {
                json_decref(o);
                fclose(f);
                free(line);
                pb_records_release(out);
                return pb_error_set(err, "out of memory");
            }
            out->items = ni;
            out->cap = alloc;
        }
        int prc = parse_record(o, &out->items[out->n]);
        if (prc == 0) {
            out->n++;
        } else if (prc == -2 || prc == -3) {
            json_t *fmt = json_object_get(o, "format");
            if (prc == -3)
                pb_error_set(err, "out of memory");
            else
                pb_error_at(err, path, (int)lineno, 0, "format '%s' is not one this pbench reads "
                            "(pbench-run/1, %s)", json_is_string(fmt) ? json_string_value(fmt) : "?",
                            PB_RECORDS_FORMAT);
            json_decref(o);
            fclose(f);
            free(line);
            pb_records_release(out);
            return -1;
        } else {
            if (!out->warning[0])
                snprintf(out->warning, sizeof out->warning,
                         "%s:%zu: ignored a line that is not a run record", path, lineno);
            out->skipped_lines++;
        }
        json_decref(o);
    }
    free(line);
    fclose(f);
    return 0;
}

int pb_records_write_all(const char *dir, const struct pb_run_list *list, struct pb_error *err)
{
    char *buf = NULL;
    size_t len = 0, cap = 0;
    int rc;

    for (size_t i = 0; i < list->n; i++) {
        size_t n = 0;
        char *line = record_line(&list->items[i], &n);
        if (line && len + n + 1 > cap) {
            size_t ncap = (len + n + 1) * 2;
            char *nb = realloc(buf, ncap);
            if (!nb) {
                free(line);
                line = NULL;
            } else {
                buf = nb;
                cap = ncap;
            }
        }
        if (!line) {
            free(buf);
            return pb_error_set(err, "out of memory");
        }
        memcpy(buf + len, line, n);
        len += n;
        free(line);
    }
    rc = pb_write_file(dir, "runs.jsonl", buf ? buf : "", len, err);
    free(buf);
    return rc;
}

int pb_records_push(struct pb_run_list *list, const struct pb_run_record *rec)
{
    if (list->n == list->cap) {
        size_t cap = list->cap ? list->cap * 2 : 64;
        struct pb_run_record *ni = realloc(list->items, cap * sizeof *ni);
        if (!ni)
            return -1;
        list->items = ni;
        list->cap = cap;
    }
    if (pb_run_record_copy(&list->items[list->n], rec) < 0)
        return -1;
    list->n++;
    return 0;
}

void pb_records_release(struct pb_run_list *list)
{
    for (size_t i = 0; i < list->n; i++)
        pb_run_record_release(&list->items[i]);
    free(list->items);
    list->items = NULL;
    list->n = list->cap = 0;
}

