/* calibration.json: the counts a run chose for `target:`. See calibration.h. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "store/calibration.h"
#include "store/jread.h"
#include "util/jsonfile.h"
#include "util/path.h"

#define FILE_NAME "calibration.json"
#define MAX_NAME 255

static const char *const formats[] = { PB_CALIBRATION_FORMAT, NULL };

struct pb_calibration_entry *pb_calibration_add(struct pb_calibration *c, const char *workload,
                                                const char *python, double target_s)
{
    struct pb_calibration_entry *ne = realloc(c->entries, (c->n + 1) * sizeof *ne), *e;

    if (!ne)
        return NULL;
    c->entries = ne;
    e = &ne[c->n];
    memset(e, 0, sizeof *e);
    e->workload = strdup(workload);
    e->python = python ? strdup(python) : NULL;
    if (!e->workload || (python && !e->python)) {
        free(e->workload);
        free(e->python);
        return NULL;
    }
    e->target_s = target_s;
    e->startup_s = e->per_count_s = e->predicted_s = NAN;
    c->n++;
    return e;
}

int pb_calibration_fail(struct pb_calibration_entry *e, const char *why)
{
    char *copy = strdup(why ? why : "failed");

    if (!copy)
        return -1;
    free(e->error);
    e->error = copy;
    e->count = 0;
    return 0;
}

const struct pb_calibration_entry *pb_calibration_find(const struct pb_calibration *c,
                                                       const char *workload)
{
    for (size_t i = 0; i < c->n; i++)
        if (!strcmp(c->entries[i].workload, workload))
            return &c->entries[i];
    return NULL;
}

void pb_calibration_release(struct pb_calibration *c)
{
    for (size_t i = 0; c->entries && i < c->n; i++) {
        free(c->entries[i].workload);
        free(c->entries[i].python);
        free(c->entries[i].error);
    }
    free(c->entries);
    memset(c, 0, sizeof *c);
}

/* ---- save ------------------------------------------------------------------- */

/* A number member, left out when it is not finite (NAN: not known). */
static void set_num(json_t *o, const char *key, double v)
{
    if (isfinite(v))
        json_object_set_new(o, key, json_real(v));
}

static json_t *entry_json(const struct pb_calibration_entry *e)
{
    json_t *o = json_object(), *pts = json_array();

    if (!o || !pts) {
        json_decref(o);
        json_decref(pts);
        return NULL;
    }
    json_object_set_new(o, "workload", pb_jwrite_str(e->workload));
    if (e->python)
        json_object_set_new(o, "python", pb_jwrite_str(e->python));
    set_num(o, "target_s", e->target_s);
    if (e->count > 0)
        json_object_set_new(o, "count", json_integer(e->count));
    set_num(o, "startup_s", e->startup_s);
    set_num(o, "per_count_s", e->per_count_s);
    set_num(o, "predicted_s", e->predicted_s);
    for (size_t k = 0; k < e->npoints; k++)
        json_array_append_new(pts, json_pack("{s:I,s:f}", "count", (json_int_t)e->points[k].count,
                                             "wall_s", e->points[k].wall_s));
    json_object_set_new(o, "points", pts);
    if (e->error)
        json_object_set_new(o, "error", pb_jwrite_str(e->error));
    return o;
}

int pb_calibration_save(const char *dir, const struct pb_calibration *c, struct pb_error *err)
{
    json_t *root = json_object(), *ws = json_array();

    if (!root || !ws) {
        json_decref(root);
        json_decref(ws);
        return pb_error_set(err, "out of memory");
    }
    json_object_set_new(root, "format", pb_jwrite_str(PB_CALIBRATION_FORMAT));
    for (size_t i = 0; i < c->n; i++) {
        json_t *e = entry_json(&c->entries[i]);
        if (!e || json_array_append_new(ws, e) < 0) {
            json_decref(ws);
            json_decref(root);
            return pb_error_set(err, "out of memory");
        }
    }
    json_object_set_new(root, "workloads", ws);
    return pb_json_write_new(dir, FILE_NAME, root, err);
}

/* ---- load ------------------------------------------------------------------- */

/* 1 when s can be a workload's full name: 1-255 letters, digits, '_',
 * '-', '.', '@' (the names the config makes), not starting with '.'. */
static int name_ok(const char *s)
{
    size_t n = strlen(s);

    if (!n || n > MAX_NAME || s[0] == '.')
        return 0;
    for (const char *c = s; *c; c++)
        if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9')
              || *c == '_' || *c == '-' || *c == '.' || *c == '@'))
            return 0;
    return 1;
}

/* A number member that, when present, must be finite and at least lo. */
static int read_num(json_t *o, const char *key, int required, double lo, double *out,
                    const struct pb_jloc *at, struct pb_error *err)
{
    if (pb_jread_num(o, key, required, out, at, err) < 0)
        return -1;
    if (!isnan(*out) && !(isfinite(*out) && *out >= lo))
        return pb_error_at(err, at->file, 0, 0, "%s.%s: expected a number of seconds of at least %g",
                           at->path, key, lo);
    return 0;
}

static int load_points(json_t *o, struct pb_calibration_entry *e, const struct pb_jloc *at,
                       struct pb_error *err)
{
    json_t *a, *v;
    size_t i;

    if (pb_jread_arr(o, "points", 0, &a, at, err) < 0)
        return -1;
    if (a && json_array_size(a) > PB_CALIBRATION_MAX_POINTS)
        return pb_error_at(err, at->file, 0, 0, "%s.points: more than %d points", at->path,
                           PB_CALIBRATION_MAX_POINTS);
    struct pb_jloc list = pb_jloc_in(at, "points", 0);
    json_array_foreach(a, i, v) {
        struct pb_jloc in = pb_jloc_in(&list, NULL, i);
        struct pb_calibration_point *p = &e->points[e->npoints];
        if (!json_is_object(v))
            return pb_error_at(err, at->file, 0, 0, "%s: expected an object", in.path);
        if (pb_jread_int(v, "count", 1, 1, PB_CALIBRATION_MAX_COUNT, &p->count, &in, err) < 0
            || read_num(v, "wall_s", 1, 0, &p->wall_s, &in, err) < 0)
            return -1;
        e->npoints++;
    }
    return 0;
}

/* One item of "workloads" into a new entry of c. */
static int load_entry(json_t *o, struct pb_calibration *c, const struct pb_jloc *at,
                      struct pb_error *err)
{
    char *name = NULL, *python = NULL, *error = NULL;
    double target;
    long long count;
    int rc = -1;

    if (!json_is_object(o))
        return pb_error_at(err, at->file, 0, 0, "%s: expected an object", at->path);
    if (pb_jread_str(o, "workload", 1, &name, at, err) < 0
        || pb_jread_str(o, "python", 0, &python, at, err) < 0
        || pb_jread_str(o, "error", 0, &error, at, err) < 0
        || read_num(o, "target_s", 1, 0, &target, at, err) < 0
        || pb_jread_int(o, "count", 0, 0, PB_CALIBRATION_MAX_COUNT, &count, at, err) < 0)
        goto cleanup;
    if (!name_ok(name)) {
        pb_error_at(err, at->file, 0, 0, "%s.workload: '%.80s' is not a workload name", at->path, name);
        goto cleanup;
    }
    if (!(target > 0)) {
        pb_error_at(err, at->file, 0, 0, "%s.target_s: expected a number of seconds above 0", at->path);
        goto cleanup;
    }
    if (!count && !error) {
        pb_error_at(err, at->file, 0, 0, "%s: neither a 'count' nor an 'error'", at->path);
        goto cleanup;
    }
    if (pb_calibration_find(c, name)) {
        pb_error_at(err, at->file, 0, 0, "%s.workload: '%s' is listed twice", at->path, name);
        goto cleanup;
    }
    struct pb_calibration_entry *e = pb_calibration_add(c, name, python, target);
    if (!e) {
        pb_error_set(err, "out of memory");
        goto cleanup;
    }
    e->count = error ? 0 : count;
    e->error = error;
    error = NULL;
    if (read_num(o, "startup_s", 0, -INFINITY, &e->startup_s, at, err) < 0
        || read_num(o, "per_count_s", 0, 0, &e->per_count_s, at, err) < 0
        || read_num(o, "predicted_s", 0, -INFINITY, &e->predicted_s, at, err) < 0
        || load_points(o, e, at, err) < 0)
        goto cleanup;
    rc = 0;
cleanup:
    free(name);
    free(python);
    free(error);
    return rc;
}

int pb_calibration_load(const char *dir, struct pb_calibration *out, struct pb_error *err)
{
    char *path = pb_path_join(dir, FILE_NAME);
    struct pb_jloc at = { path, "" };
    json_t *root = NULL, *ws, *v;
    struct stat st;
    size_t fmt, i;
    int rc = -1;

    memset(out, 0, sizeof *out);
    if (!path)
        return pb_error_set(err, "out of memory");
    if (lstat(path, &st) < 0) {
        if (errno == ENOENT) {
            free(path);
            return 1;
        }       /* else pb_jread_file says what is wrong */
    } else if (S_ISLNK(st.st_mode)) {   /* a results directory may come from anyone */
        pb_error_at(err, path, 0, 0, "is a symbolic link; a results directory's files are read "
                    "only as themselves");
        goto cleanup;
    }
    root = pb_jread_file(path, err);
    if (!root || pb_jread_format(root, formats, &fmt, &at, err) < 0
        || pb_jread_arr(root, "workloads", 1, &ws, &at, err) < 0)
        goto cleanup;
    struct pb_jloc list = pb_jloc_in(&at, "workloads", 0);
    json_array_foreach(ws, i, v) {
        struct pb_jloc in = pb_jloc_in(&list, NULL, i);
        if (load_entry(v, out, &in, err) < 0)
            goto cleanup;
    }
    rc = 0;
cleanup:
    if (rc < 0)
        pb_calibration_release(out);
    json_decref(root);
    free(path);
    return rc;
}
