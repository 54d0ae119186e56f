/* Shard directories -> one results directory. See merge.h. */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "store/calibration.h"
#include "store/merge.h"
#include "store/meta.h"
#include "store/records.h"
#include "store/resolved.h"
#include "util/fs.h"
#include "util/path.h"
#include "util/strv.h"
#include "util/tree.h"

/* The stored files copied byte for byte are at most this big. */
#define MAX_COPY (64 << 20)

/* One directory given. */
struct shard {
    const char *given;
    char *real;
    struct pb_resolved r;
    struct pb_meta m;
    struct pb_calibration cal;
    struct pb_run_list runs;
    int complete;                   /* its meta.json says every planned run is recorded */
};

struct merge {
    struct shard *in;               /* [n], as given */
    size_t n;
    struct shard **by_index;        /* [count]: the shard given for index k + 1, or NULL */
    int count;
    struct pb_error *err;
};

/* 0 when out does not exist or is an empty directory; else -1 with err. */
static int check_out(const char *out, struct pb_error *err)
{
    struct stat st;
    DIR *d;
    struct dirent *e;
    int empty = 1;

    if (lstat(out, &st) < 0) {
        int en = errno;
        if (en == ENOENT)
            return 0;
        pb_error_set(err, "cannot use '%s'", out);
        return pb_error_errno(err, en);
    }
    if (!S_ISDIR(st.st_mode) || !(d = opendir(out)))
        return pb_error_set(err, "'%s' exists and is not an empty directory: pbench merge writes a "
                            "new one", out);
    while (empty && (e = readdir(d)))
        empty = !strcmp(e->d_name, ".") || !strcmp(e->d_name, "..");
    closedir(d);
    if (!empty)
        return pb_error_set(err, "'%s' exists and is not empty: pbench merge writes a new directory",
                            out);
    return 0;
}

/* Reads shard s's stored inputs and meta, refusing what is no shard. */
static int load_shard(struct shard *s, struct pb_error *err)
{
    struct pb_error e;
    char why[PB_ERROR_MSG_MAX + PB_ERROR_PATH_MAX + 32];

    if (!(s->real = realpath(s->given, NULL))) {
        int en = errno;
        pb_error_set(err, "cannot read shard directory '%s'", s->given);
        return pb_error_errno(err, en);
    }
    if (pb_resolved_load(s->given, &s->r, &e) < 0)
        return pb_error_set(err, "'%s' is not a shard: %s", s->given, pb_error_format(&e, why, sizeof why));
    if (pb_meta_load(s->given, &s->m, &e) < 0)
        return pb_error_set(err, "'%s' is not a shard: %s", s->given, pb_error_format(&e, why, sizeof why));
    if (s->m.nshards)
        return pb_error_set(err, "'%s' is a merge of shards, not a shard: merge the shards' own "
                            "directories", s->given);
    if (s->r.shard.count < 1)
        return pb_error_set(err, "'%s' is not a shard: its config-resolved.json has no shard record "
                            "(a directory of 'pbench run CONFIG --shard K/N')", s->given);
    if (pb_calibration_load(s->given, &s->cal, &e) < 0)
        return pb_error_set(err, "cannot merge '%s': %s", s->given, pb_error_format(&e, why, sizeof why));
    s->complete = s->m.has_complete && s->m.complete;
    return 0;
}

static int same_split(const struct pb_resolved *a, const struct pb_resolved *b)
{
    if (a->shard.count != b->shard.count)
        return 0;
    for (int k = 0; k < a->shard.count; k++)
        if (!pb_strv_equal(&a->shard.split[k], &b->shard.split[k]))
            return 0;
    return 1;
}

/* Every shard against the first: one config, one split, each index once. */
static int check_shards(struct merge *mg)
{
    const struct shard *first = &mg->in[0];

    mg->count = first->r.shard.count;
    if (!(mg->by_index = calloc((size_t)mg->count, sizeof *mg->by_index)))
        return pb_error_set(mg->err, "out of memory");
    for (size_t i = 0; i < mg->n; i++) {
        struct shard *s = &mg->in[i];
        if (strcmp(s->r.hash, first->r.hash))
            return pb_error_set(mg->err, "'%s' and '%s' are shards of different configs: config hash "
                                "%s in '%s', %s in '%s' (every shard needs the same config, "
                                "selection, interpreters and seed)", first->given, s->given,
                                first->r.hash, first->given, s->r.hash, s->given);
        if (s->r.shard.count != mg->count)
            return pb_error_set(mg->err, "'%s' is shard %d of %d but '%s' is shard %d of %d: "
                                "shards of different splits", first->given, first->r.shard.index,
                                mg->count, s->given, s->r.shard.index, s->r.shard.count);
        if (!same_split(&first->r, &s->r))
            return pb_error_set(mg->err, "'%s' and '%s' split the matrix into different shards "
                                "(another pbench, or profilers of another cost:)", first->given,
                                s->given);
        struct shard **slot = &mg->by_index[s->r.shard.index - 1];
        if (*slot)
            return pb_error_set(mg->err, "shard %d appears twice: '%s' and '%s'", s->r.shard.index,
                                (*slot)->given, s->given);
        *slot = s;
    }
    /* the split itself: every workload of the matrix in one shard */
    const struct pb_resolved *r = &first->r;
    for (size_t i = 0; i < r->nworkloads; i++) {
        int owners = 0;
        for (int k = 0; k < r->shard.count; k++)
            for (size_t j = 0; j < r->shard.split[k].n; j++)
                owners += !strcmp(r->shard.split[k].v[j], r->workloads[i].name);
        if (owners != 1)
            return pb_error_set(mg->err, "'%s': its shard record gives workload '%s' to %s",
                                first->given, r->workloads[i].name, owners ? "several shards" : "no shard");
    }
    for (int k = 0; k < r->shard.count; k++)
        for (size_t j = 0; j < r->shard.split[k].n; j++)
            if (!pb_resolved_workload(r, r->shard.split[k].v[j]))
                return pb_error_set(mg->err, "'%s': its shard record names workload '%s', which is "
                                    "not in its matrix", first->given, r->shard.split[k].v[j]);
    return 0;
}

/* Reads every shard's records, refusing a run of another shard's
 * workload (shards that overlap), and marks each with its shard and
 * node. */
static int read_records(struct merge *mg, struct pb_merge_result *res)
{
    for (int k = 0; k < mg->count; k++) {
        struct shard *s = mg->by_index[k];
        if (!s)
            continue;
        if (pb_records_read(s->given, 1, &s->runs, mg->err) < 0)
            return -1;
        if (s->runs.warning[0] && !res->warning[0])
            snprintf(res->warning, sizeof res->warning, "%s", s->runs.warning);
        for (size_t i = 0; i < s->runs.n; i++) {
            struct pb_run_record *rec = &s->runs.items[i];
            int owner = pb_resolved_shard_of(&s->r, rec->workload);
            if (owner != k + 1)
                return pb_error_set(mg->err, "'%s' (shard %d) holds runs of workload '%s', which %s: "
                                    "the shards overlap", s->given, k + 1, rec->workload,
                                    owner ? (mg->by_index[owner - 1] ? "another shard given holds"
                                             : "is another shard's") : "is in no shard");
            rec->shard = k + 1;
            snprintf(rec->node, sizeof rec->node, "%s", s->m.hostname ? s->m.hostname : "");
        }
    }
    return 0;
}

/* ---- writing ---------------------------------------------------------------- */

static int copy_file(const char *from_dir, const char *name, const char *to_dir, int optional,
                     struct pb_error *err)
{
    char *path = pb_path_join(from_dir, name), *buf;
    size_t len = 0;
    int errnum = 0, rc;

    if (!path)
        return pb_error_set(err, "out of memory");
    buf = pb_read_file(path, MAX_COPY, &len, &errnum);
    if (!buf) {
        rc = optional && errnum == ENOENT ? 0 : -1;
        if (rc < 0) {
            pb_error_set(err, "cannot read '%s'", path);
            pb_error_errno(err, errnum);
        }
        free(path);
        return rc;
    }
    free(path);
    rc = pb_write_file(to_dir, name, buf, len, err);
    free(buf);
    return rc;
}

static int make_dir(const char *path, struct pb_error *err)
{
    if (mkdir(path, 0777) == 0 || errno == EEXIST)
        return 0;
    int e = errno;
    pb_error_set(err, "cannot create '%s'", path);
    return pb_error_errno(err, e);
}

/* tmp/shards/<K>/ with shard s's own stored files. */
static int keep_shard_files(const char *tmp, int k, const struct shard *s, struct pb_error *err)
{
    char dir[PATH_MAX];

    snprintf(dir, sizeof dir, "%s/shards", tmp);
    if (make_dir(dir, err) < 0)
        return -1;
    snprintf(dir, sizeof dir, "%s/shards/%d", tmp, k);
    if (make_dir(dir, err) < 0 || copy_file(s->given, "meta.json", dir, 0, err) < 0
        || copy_file(s->given, "config-resolved.json", dir, 0, err) < 0
        || copy_file(s->given, "calibration.json", dir, 1, err) < 0)
        return -1;
    return 0;
}

/* tmp/raw/<w> for each workload of shard s that has outputs. */
static int copy_raw(const char *tmp, const struct shard *s, struct pb_merge_result *res,
                    struct pb_error *err)
{
    const struct pb_strv *own = &s->r.shard.split[s->r.shard.index - 1];
    char from[PATH_MAX], to[PATH_MAX];
    struct stat st;

    snprintf(to, sizeof to, "%s/raw", tmp);
    if (make_dir(to, err) < 0)
        return -1;
    for (size_t i = 0; i < own->n; i++) {
        snprintf(from, sizeof from, "%s/raw/%s", s->given, own->v[i]);
        if (lstat(from, &st) < 0 || !S_ISDIR(st.st_mode))
            continue;       /* no run made outputs (or a planted link: left out) */
        snprintf(to, sizeof to, "%s/raw/%s", tmp, own->v[i]);
        if (pb_tree_copy(from, to, &res->skipped_files, err) < 0)
            return -1;
    }
    return 0;
}

static int set_str(char **field, const char *v, struct pb_error *err)
{
    return pb_meta_set(field, v) < 0 ? pb_error_set(err, "out of memory") : 0;
}

/* The merge's meta.json: the first merged shard's facts, its times and
 * costs over every shard, and each shard's entry. */
static int build_meta(struct merge *mg, struct pb_meta *m, int base, struct pb_error *err)
{
    const struct pb_resolved *r = &mg->by_index[base]->r;
    double elapsed = 0, cpu = 0;
    int complete = 1, known_elapsed = 0, known_cpu = 0;

    *m = mg->by_index[base]->m;
    pb_meta_init(&mg->by_index[base]->m);
    m->shard_index = m->shard_count = 0;
    for (int k = 0; k < mg->count; k++) {
        const struct shard *s = mg->by_index[k];
        struct pb_meta_shard *e = pb_meta_add_shard(m, k + 1);
        if (!e)
            return pb_error_set(err, "out of memory");
        for (size_t i = 0; i < r->shard.split[k].n; i++)
            if (pb_strv_push(&e->workloads, r->shard.split[k].v[i]) < 0)
                return pb_error_set(err, "out of memory");
        if (!s) {
            complete = 0;
            continue;
        }
        /* the base's meta moved into m: its facts are m's own */
        const struct pb_meta *sm = k == base ? m : &s->m;
        e->merged = 1;
        e->complete = s->complete;
        complete &= e->complete;
        if (set_str(&e->dir, s->real, err) < 0 || set_str(&e->hostname, sm->hostname, err) < 0
            || set_str(&e->cpu_model, sm->cpu_model, err) < 0 || set_str(&e->kernel, sm->kernel, err) < 0
            || set_str(&e->python_version, sm->python_version, err) < 0
            || set_str(&e->python_implementation, sm->python_implementation, err) < 0
            || set_str(&e->started, sm->started, err) < 0 || set_str(&e->finished, sm->finished, err) < 0)
            return -1;
        for (size_t i = 0; i < sm->npythons; i++) {
            char text[256];
            const struct pb_meta_python *py = &sm->pythons[i];
            if (!py->available)
                continue;
            snprintf(text, sizeof text, "%s %s", py->label ? py->label : "?",
                     py->version ? py->version : "?");
            if (pb_strv_push(&e->pythons, text) < 0)
                return pb_error_set(err, "out of memory");
        }
        if (!isnan(sm->elapsed_s)) {
            elapsed += sm->elapsed_s;
            known_elapsed = 1;
        }
        if (!isnan(sm->harness_cpu_s)) {
            cpu += sm->harness_cpu_s;
            known_cpu = 1;
        }
    }
    /* the merge's span: the first start to the last end, its costs summed */
    for (int k = 0; k < mg->count; k++) {
        const struct pb_meta_shard *e = &m->shards[k];
        if (e->started && (!m->started || strcmp(e->started, m->started) < 0)
            && set_str(&m->started, e->started, err) < 0)
            return -1;
        if (e->finished && (!m->finished || strcmp(e->finished, m->finished) > 0)
            && set_str(&m->finished, e->finished, err) < 0)
            return -1;
    }
    m->elapsed_s = known_elapsed ? elapsed : NAN;
    m->harness_cpu_s = known_cpu ? cpu : NAN;
    m->has_complete = 1;
    m->complete = complete;
    return 0;
}

/* The whole matrix, each workload as its own shard resolved it. */
static int build_resolved(struct merge *mg, struct pb_resolved *whole, int base, struct pb_error *err)
{
    *whole = mg->by_index[base]->r;
    memset(&mg->by_index[base]->r, 0, sizeof mg->by_index[base]->r);
    for (int k = 0; k < mg->count; k++) {
        struct shard *s = mg->by_index[k];
        if (!s || k == base)
            continue;
        for (size_t i = 0; i < whole->shard.split[k].n; i++)
            if (pb_resolved_adopt(whole, &s->r, whole->shard.split[k].v[i], err) < 0)
                return -1;
    }
    pb_resolved_drop_shard(whole);
    return 0;
}

static int build_calibration(struct merge *mg, struct pb_calibration *c, struct pb_error *err)
{
    for (int k = 0; k < mg->count; k++) {
        const struct shard *s = mg->by_index[k];
        for (size_t i = 0; s && i < s->cal.n; i++) {
            const struct pb_calibration_entry *from = &s->cal.entries[i];
            struct pb_calibration_entry *e;
            if (pb_calibration_find(c, from->workload))
                continue;
            if (!(e = pb_calibration_add(c, from->workload, from->python, from->target_s))
                || (from->error && pb_calibration_fail(e, from->error) < 0))
                return pb_error_set(err, "out of memory");
            e->count = from->count;
            e->startup_s = from->startup_s;
            e->per_count_s = from->per_count_s;
            e->predicted_s = from->predicted_s;
            memcpy(e->points, from->points, sizeof e->points);
            e->npoints = from->npoints;
        }
    }
    return 0;
}

/* Everything into tmp. */
static int write_tmp(struct merge *mg, const char *tmp, struct pb_merge_result *res, struct pb_error *err)
{
    struct pb_resolved whole;
    struct pb_meta meta;
    struct pb_calibration cal = { 0 };
    struct pb_run_list all = { 0 };
    int base = 0, rc = -1;

    memset(&whole, 0, sizeof whole);
    pb_meta_init(&meta);
    while (!mg->by_index[base])
        base++;
    for (int k = 0; k < mg->count; k++) {
        const struct shard *s = mg->by_index[k];
        if (!s)
            continue;
        if (keep_shard_files(tmp, k + 1, s, err) < 0 || copy_raw(tmp, s, res, err) < 0)
            goto done;
        for (size_t i = 0; i < s->runs.n; i++)
            if (pb_records_push(&all, &s->runs.items[i]) < 0) {
                pb_error_set(err, "out of memory");
                goto done;
            }
    }
    res->nrecords = all.n;
    if (copy_file(mg->by_index[base]->given, "config.yaml", tmp, 1, err) < 0
        || build_calibration(mg, &cal, err) < 0 || build_meta(mg, &meta, base, err) < 0
        || build_resolved(mg, &whole, base, err) < 0
        || pb_records_write_all(tmp, &all, err) < 0
        || (cal.n && pb_calibration_save(tmp, &cal, err) < 0)
        || pb_resolved_save(tmp, &whole, err) < 0 || pb_meta_save(tmp, &meta, err) < 0)
        goto done;
    rc = 0;
done:
    pb_resolved_release(&whole);
    pb_meta_release(&meta);
    pb_calibration_release(&cal);
    pb_records_release(&all);
    return rc;
}

/* out without trailing slashes, and the temporary directory beside it. */
static int paths(const char *out, char *clean, char *tmp, size_t n, struct pb_error *err)
{
    size_t len = strlen(out);
    char *parent;
    int rc;

    while (len > 1 && out[len - 1] == '/')
        len--;
    if (len == 0 || len >= n - 16)
        return pb_error_set(err, "'%s': no usable directory name", out);
    memcpy(clean, out, len);
    clean[len] = '\0';
    snprintf(tmp, n, "%s.merge-XXXXXX", clean);
    if (!(parent = pb_path_dir(clean)))
        return pb_error_set(err, "out of memory");
    rc = pb_mkdirs(parent, err);
    free(parent);
    return rc;
}

int pb_merge_dirs(const char *out, const char *const *dirs, size_t n, struct pb_merge_result *res,
                  struct pb_error *err)
{
    struct merge mg = { .n = n, .err = err };
    char clean[PATH_MAX], tmp[PATH_MAX];
    int rc = -1, made = 0;

    memset(res, 0, sizeof *res);
    if (n == 0)
        return pb_error_set(err, "no shard directory given");
    if (check_out(out, err) < 0)
        return -1;
    if (!(mg.in = calloc(n, sizeof *mg.in)))
        return pb_error_set(err, "out of memory");
    for (size_t i = 0; i < n; i++) {
        mg.in[i].given = dirs[i];
        pb_meta_init(&mg.in[i].m);
    }
    for (size_t i = 0; i < n; i++)
        if (load_shard(&mg.in[i], err) < 0)
            goto done;
    if (check_shards(&mg) < 0 || read_records(&mg, res) < 0)
        goto done;
    /* nothing is written before here */
    if (paths(out, clean, tmp, sizeof tmp, err) < 0)
        goto done;
    if (!mkdtemp(tmp)) {
        int e = errno;
        pb_error_set(err, "cannot create a directory beside '%s'", clean);
        pb_error_errno(err, e);
        goto done;
    }
    made = 1;
    res->count = mg.count;
    res->state = calloc((size_t)mg.count, sizeof *res->state);
    res->dirs = calloc((size_t)mg.count, sizeof *res->dirs);
    if (!res->state || !res->dirs) {
        pb_error_set(err, "out of memory");
        goto done;
    }
    for (int k = 0; k < mg.count; k++) {
        const struct shard *s = mg.by_index[k];
        if (s && !(res->dirs[k] = strdup(s->given))) {
            pb_error_set(err, "out of memory");
            goto done;
        }
        res->state[k] = !s ? PB_MERGE_MISSING : s->complete ? PB_MERGE_DONE : PB_MERGE_UNFINISHED;
    }
    if (write_tmp(&mg, tmp, res, err) < 0)
        goto done;
    /* mkdtemp made it 0700: made like any results directory instead */
    mode_t mask = umask(0);
    umask(mask);
    chmod(tmp, 0777 & ~mask);
    if (rename(tmp, clean) < 0) {      /* over an empty OUT too */
        int e = errno;
        pb_error_set(err, "cannot rename '%s' to '%s'", tmp, clean);
        pb_error_errno(err, e);
        goto done;
    }
    made = 0;
    rc = 0;
done:
    if (made) {
        struct pb_error rerr;
        pb_tree_remove(tmp, &rerr);
    }
    if (rc < 0)
        pb_merge_result_release(res);
    for (size_t i = 0; i < n; i++) {
        free(mg.in[i].real);
        pb_resolved_release(&mg.in[i].r);
        pb_meta_release(&mg.in[i].m);
        pb_calibration_release(&mg.in[i].cal);
        pb_records_release(&mg.in[i].runs);
    }
    free(mg.in);
    free(mg.by_index);
    return rc;
}

void pb_merge_result_release(struct pb_merge_result *res)
{
    for (int k = 0; res->dirs && k < res->count; k++)
        free(res->dirs[k]);
    free(res->dirs);
    free(res->state);
    memset(res, 0, sizeof *res);
}
