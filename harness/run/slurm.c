/*
 * slurm: the batch scripts, slurm.json and sbatch. See slurm.h.
 */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "run/slurm.h"
#include "run/spawn.h"
#include "store/jread.h"
#include "store/meta.h"
#include "util/fs.h"
#include "util/jsonfile.h"

void pb_slurm_job_release(struct pb_slurm_job *job)
{
    free(job->dir);
    free(job->pbench);
    free(job->config);
    free(job->name);
    free(job->python);
    free(job->partition);
    free(job->time);
    pb_strv_release(&job->profilers_files);
    pb_strv_release(&job->select_profilers);
    pb_strv_release(&job->select_workloads);
    pb_strv_release(&job->required);
    for (size_t i = 0; i < job->nsubs; i++) {
        free(job->subs[i].array_job);
        free(job->subs[i].merge_job);
        free(job->subs[i].tasks);
        free(job->subs[i].submitted);
    }
    free(job->subs);
    memset(job, 0, sizeof *job);
}

/* A growing string; out of memory sets oom and keeps what it has. */
struct buf {
    char *s;
    size_t n, cap;
    int oom;
};

static void put(struct buf *b, const char *fmt, ...)
{
    va_list ap;
    int len;

    va_start(ap, fmt);
    len = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (len < 0 || b->oom)
        return;
    if (b->n + (size_t)len + 1 > b->cap) {
        size_t cap = (b->n + (size_t)len + 1) * 2;
        char *s = realloc(b->s, cap);
        if (!s) {
            b->oom = 1;
            return;
        }
        b->s = s;
        b->cap = cap;
    }
    va_start(ap, fmt);
    vsnprintf(b->s + b->n, b->cap - b->n, fmt, ap);
    va_end(ap);
    b->n += (size_t)len;
}

/* s single-quoted for the shell ('it'\''s'). */
static void put_quoted(struct buf *b, const char *s)
{
    put(b, "'");
    for (const char *c = s; *c; c++)
        put(b, *c == '\'' ? "'\\''" : "%c", *c);
    put(b, "'");
}

static char *done(struct buf *b)
{
    if (b->oom) {
        free(b->s);
        return NULL;
    }
    return b->s ? b->s : strdup("");
}

/* The #SBATCH lines both scripts share. */
static void sbatch_common(struct buf *b, const struct pb_slurm_job *job)
{
    if (job->partition)
        put(b, "#SBATCH --partition=%s\n", job->partition);
    if (job->time)
        put(b, "#SBATCH --time=%s\n", job->time);
}

/* Values given to #SBATCH lines must not break the line: checked when the
 * job is made (cli) and loaded (pb_slurm_load). */
static int sbatch_value_ok(const char *s)
{
    if (!s || !*s)
        return 0;
    for (const char *c = s; *c; c++)
        if (*c <= ' ' || *c == '\'' || *c == '"' || *c == '\\' || *c == '$' || *c == '`' || *c == 0x7f)
            return 0;
    return 1;
}

char *pb_slurm_job_script(const struct pb_slurm_job *job, const char *tasks)
{
    struct buf b = { 0 };

    put(&b, "#!/bin/bash\n");
    put(&b, "#SBATCH --job-name=pbench-%s\n", job->name);
    put(&b, "#SBATCH --array=%s\n", tasks);
    put(&b, "#SBATCH --output=%s/logs/%%A_%%a.out\n", job->dir);
    if (job->exclusive)
        put(&b, "#SBATCH --exclusive\n");
    sbatch_common(&b, job);
    put(&b, "# Written by pbench slurm: task K runs shard K of %d of the config below\n"
            "# into shards/K, or resumes it when it already started (docs/slurm.md).\n"
            "set -u\n", job->shards);
    put(&b, "k=${SLURM_ARRAY_TASK_ID:?pbench slurm: not run as a task of a Slurm job array}\n");
    put(&b, "# pbench, its config and interpreters must be at the same paths on every node\n"
            "missing=0\n"
            "for f in");
    for (size_t i = 0; i < job->required.n; i++) {
        put(&b, " ");
        put_quoted(&b, job->required.v[i]);
    }
    put(&b, "; do\n"
            "    if [ ! -e \"$f\" ]; then\n"
            "        echo \"pbench slurm: '$f' is missing on node $(hostname): pbench, the config and its\" \\\n"
            "             \"interpreters must be at the same paths on every node (a shared file system)\" >&2\n"
            "        missing=1\n"
            "    fi\n"
            "done\n"
            "[ \"$missing\" = 0 ] || exit 2\n");
    put(&b, "shard=");
    put_quoted(&b, job->dir);
    put(&b, "/shards/$k\n");
    put(&b, "echo \"pbench slurm: shard $k of %d on $(hostname), job ${SLURM_JOB_ID:-?}\" >&2\n",
        job->shards);
    /* a shard that started resumes; --resume takes the config again */
    put(&b, "if [ -e \"$shard/config-resolved.json\" ]; then\n    exec ");
    put_quoted(&b, job->pbench);
    put(&b, " run --resume \"$shard\" ");
    put_quoted(&b, job->config);
    for (size_t i = 0; i < job->profilers_files.n; i++) {
        put(&b, " --profilers ");
        put_quoted(&b, job->profilers_files.v[i]);
    }
    if (job->python) {
        put(&b, " --python ");
        put_quoted(&b, job->python);
    }
    put(&b, " --no-plot\nfi\nexec ");
    put_quoted(&b, job->pbench);
    put(&b, " run ");
    put_quoted(&b, job->config);
    put(&b, " --shard \"$k/%d\" --dir \"$shard\" --no-plot", job->shards);
    for (size_t i = 0; i < job->profilers_files.n; i++) {
        put(&b, " --profilers ");
        put_quoted(&b, job->profilers_files.v[i]);
    }
    for (size_t i = 0; i < job->select_profilers.n; i++) {
        put(&b, " -p ");
        put_quoted(&b, job->select_profilers.v[i]);
    }
    for (size_t i = 0; i < job->select_workloads.n; i++) {
        put(&b, " -w ");
        put_quoted(&b, job->select_workloads.v[i]);
    }
    if (job->python) {
        put(&b, " --python ");
        put_quoted(&b, job->python);
    }
    put(&b, "\n");
    return done(&b);
}

char *pb_slurm_merge_script(const struct pb_slurm_job *job)
{
    struct buf b = { 0 };

    put(&b, "#!/bin/bash\n");
    put(&b, "#SBATCH --job-name=pbench-%s-merge\n", job->name);
    put(&b, "#SBATCH --output=%s/logs/merge_%%j.out\n", job->dir);
    sbatch_common(&b, job);
    put(&b, "# Written by pbench slurm: merges the shards into merged/ once every task of\n"
            "# the array ended (afterany), whether it finished or failed; a shard without\n"
            "# results is reported as not measured (docs/slurm.md).\n"
            "set -u\ncd ");
    put_quoted(&b, job->dir);
    put(&b, " || exit 1\n"
            "dirs=()\n"
            "for k in $(seq 1 %d); do\n"
            "    if [ -e \"shards/$k/config-resolved.json\" ]; then\n"
            "        dirs+=(\"shards/$k\")\n"
            "    else\n"
            "        echo \"pbench slurm: shard $k has no results: its task failed before its first run (see logs/)\" >&2\n"
            "    fi\n"
            "done\n"
            "if [ ${#dirs[@]} = 0 ]; then\n"
            "    echo \"pbench slurm: no shard has results: nothing to merge\" >&2\n"
            "    exit 1\n"
            "fi\n"
            "# merged/ of an earlier merge (before a resume) is kept aside until this one\n"
            "# succeeds: the new one is written as merged/ itself, so the paths it records\n"
            "# (accuracy.json's) are its own\n"
            "rm -rf merged.old\n"
            "if [ -e merged ]; then mv merged merged.old || exit 1; fi\n", job->shards);
    put_quoted(&b, job->pbench);
    put(&b, " merge merged \"${dirs[@]}\" || {\n"
            "    if [ -e merged.old ]; then rm -rf merged; mv merged.old merged; fi\n"
            "    exit 1\n"
            "}\n"
            "rm -rf merged.old\n");
    put_quoted(&b, job->pbench);
    put(&b, " report merged\n");
    return done(&b);
}

static json_t *submission_json(const struct pb_slurm_submission *s)
{
    json_t *o = json_object();
    if (!o)
        return NULL;
    json_object_set_new(o, "array_job", s->array_job ? pb_jwrite_str(s->array_job) : json_null());
    json_object_set_new(o, "merge_job", s->merge_job ? pb_jwrite_str(s->merge_job) : json_null());
    json_object_set_new(o, "tasks", pb_jwrite_str(s->tasks ? s->tasks : ""));
    json_object_set_new(o, "submitted", pb_jwrite_str(s->submitted ? s->submitted : ""));
    return o;
}

static json_t *job_json(const struct pb_slurm_job *job)
{
    json_t *o = json_object(), *subs = json_array();

    if (!o || !subs) {
        json_decref(o);
        json_decref(subs);
        return NULL;
    }
    json_object_set_new(o, "format", pb_jwrite_str(PB_SLURM_FORMAT));
    json_object_set_new(o, "config", pb_jwrite_str(job->config));
    json_object_set_new(o, "name", pb_jwrite_str(job->name));
    json_object_set_new(o, "pbench", pb_jwrite_str(job->pbench));
    json_object_set_new(o, "shards", json_integer(job->shards));
    json_object_set_new(o, "partition", job->partition ? pb_jwrite_str(job->partition) : json_null());
    json_object_set_new(o, "time", job->time ? pb_jwrite_str(job->time) : json_null());
    json_object_set_new(o, "exclusive", json_boolean(job->exclusive));
    json_object_set_new(o, "python", job->python ? pb_jwrite_str(job->python) : json_null());
    json_object_set_new(o, "profilers_files", pb_jwrite_strv(job->profilers_files.v, job->profilers_files.n));
    json_object_set_new(o, "select", json_pack("{s:o,s:o}",
        "profilers", pb_jwrite_strv(job->select_profilers.v, job->select_profilers.n),
        "workloads", pb_jwrite_strv(job->select_workloads.v, job->select_workloads.n)));
    json_object_set_new(o, "required", pb_jwrite_strv(job->required.v, job->required.n));
    for (size_t i = 0; i < job->nsubs; i++)
        json_array_append_new(subs, submission_json(&job->subs[i]));
    json_object_set_new(o, "submissions", subs);
    return o;
}

static int write_script(const char *dir, const char *name, char *text, struct pb_error *err)
{
    char path[PATH_MAX];
    int rc;

    if (!text)
        return pb_error_set(err, "out of memory");
    rc = pb_write_file(dir, name, text, strlen(text), err);
    free(text);
    snprintf(path, sizeof path, "%s/%s", dir, name);
    if (rc == 0 && chmod(path, 0755) < 0) {
        pb_error_set(err, "cannot make '%s' executable", path);
        return pb_error_errno(err, errno);
    }
    return rc;
}

int pb_slurm_write(const struct pb_slurm_job *job, const char *tasks, struct pb_error *err)
{
    char path[PATH_MAX];
    json_t *o;
    int rc;

    for (const char *sub = "shards"; sub; sub = strcmp(sub, "shards") ? NULL : "logs") {
        snprintf(path, sizeof path, "%s/%s", job->dir, sub);
        if (pb_mkdirs(path, err) < 0)
            return -1;
    }
    if ((tasks && *tasks && write_script(job->dir, "job.sh", pb_slurm_job_script(job, tasks), err) < 0)
        || write_script(job->dir, "merge.sh", pb_slurm_merge_script(job), err) < 0)
        return -1;
    if (!(o = job_json(job)))
        return pb_error_set(err, "out of memory");
    rc = pb_json_write(job->dir, "slurm.json", o, err);
    json_decref(o);
    return rc;
}

/* An absolute path without newlines (it goes into a script). */
static int path_ok(const char *s)
{
    return s && s[0] == '/' && !strpbrk(s, "\n\r");
}

int pb_slurm_load(const char *dir, struct pb_slurm_job *job, struct pb_error *err)
{
    static const char *const formats[] = { PB_SLURM_FORMAT, NULL };
    char path[PATH_MAX];
    struct pb_jloc at;
    json_t *o, *sel = NULL, *subs = NULL, *s;
    long long shards = 0;
    size_t fi, i;
    char *real = realpath(dir, NULL);

    memset(job, 0, sizeof *job);
    snprintf(path, sizeof path, "%s/slurm.json", dir);
    at.file = path;
    at.path[0] = '\0';
    if (!real) {
        free(real);
        pb_error_set(err, "cannot read '%s'", dir);
        return pb_error_errno(err, errno);
    }
    job->dir = real;
    if (!(o = pb_jread_file(path, err)))
        goto fail;
    if (pb_jread_format(o, formats, &fi, &at, err) < 0
        || pb_jread_str(o, "config", 1, &job->config, &at, err) < 0
        || pb_jread_str(o, "name", 1, &job->name, &at, err) < 0
        || pb_jread_str(o, "pbench", 1, &job->pbench, &at, err) < 0
        || pb_jread_int(o, "shards", 1, 1, PB_SLURM_MAX_SHARDS, &shards, &at, err) < 0
        || pb_jread_str(o, "partition", 0, &job->partition, &at, err) < 0
        || pb_jread_str(o, "time", 0, &job->time, &at, err) < 0
        || pb_jread_bool(o, "exclusive", &job->exclusive, &at, err) < 0
        || pb_jread_str(o, "python", 0, &job->python, &at, err) < 0
        || pb_jread_strv(o, "profilers_files", &job->profilers_files, &at, err) < 0
        || pb_jread_strv(o, "required", &job->required, &at, err) < 0
        || pb_jread_obj(o, "select", 0, &sel, &at, err) < 0
        || pb_jread_arr(o, "submissions", 0, &subs, &at, err) < 0)
        goto fail_o;
    if (sel) {
        struct pb_jloc sa = pb_jloc_in(&at, "select", 0);
        if (pb_jread_strv(sel, "profilers", &job->select_profilers, &sa, err) < 0
            || pb_jread_strv(sel, "workloads", &job->select_workloads, &sa, err) < 0)
            goto fail_o;
    }
    job->shards = (int)shards;
    if (!path_ok(job->config) || !path_ok(job->pbench) || (job->python && !path_ok(job->python))) {
        pb_error_at(err, path, 0, 0, "config, pbench and python must be absolute paths");
        goto fail_o;
    }
    for (i = 0; i < job->profilers_files.n; i++)
        if (!path_ok(job->profilers_files.v[i])) {
            pb_error_at(err, path, 0, 0, "profilers_files[%zu]: not an absolute path", i);
            goto fail_o;
        }
    if (!sbatch_value_ok(job->name) || (job->partition && !sbatch_value_ok(job->partition))
        || (job->time && !sbatch_value_ok(job->time))) {
        pb_error_at(err, path, 0, 0, "name, partition and time must be single words");
        goto fail_o;
    }
    json_array_foreach(subs, i, s) {
        struct pb_jloc sa = pb_jloc_in(&at, "submissions", i);
        struct pb_slurm_submission sub = { 0 };
        if (!json_is_object(s)
            || pb_jread_str(s, "array_job", 0, &sub.array_job, &sa, err) < 0
            || pb_jread_str(s, "merge_job", 0, &sub.merge_job, &sa, err) < 0
            || pb_jread_str(s, "tasks", 0, &sub.tasks, &sa, err) < 0
            || pb_jread_str(s, "submitted", 0, &sub.submitted, &sa, err) < 0) {
            free(sub.array_job);
            free(sub.merge_job);
            free(sub.tasks);
            free(sub.submitted);
            if (!json_is_object(s))
                pb_error_at(err, path, 0, 0, "submissions[%zu]: expected an object", i);
            goto fail_o;
        }
        struct pb_slurm_submission *ns = realloc(job->subs, (job->nsubs + 1) * sizeof *ns);
        if (!ns) {
            free(sub.array_job);
            free(sub.merge_job);
            free(sub.tasks);
            free(sub.submitted);
            pb_error_set(err, "out of memory");
            goto fail_o;
        }
        job->subs = ns;
        job->subs[job->nsubs++] = sub;
    }
    json_decref(o);
    return 0;
fail_o:
    json_decref(o);
fail:
    pb_slurm_job_release(job);
    return -1;
}

void pb_slurm_shard_dir(const struct pb_slurm_job *job, int k, char *buf, size_t n)
{
    snprintf(buf, n, "%s/shards/%d", job->dir, k);
}

int pb_slurm_shard_done(const struct pb_slurm_job *job, int k)
{
    char dir[PATH_MAX];
    struct pb_meta m;
    struct pb_error err;
    int complete;

    pb_slurm_shard_dir(job, k, dir, sizeof dir);
    if (pb_meta_load(dir, &m, &err) < 0)
        return 0;
    complete = m.has_complete && m.complete && m.finished;
    pb_meta_release(&m);
    return complete;
}

int pb_slurm_submit(const char *sbatch_path, const char *script, const char *after, char *id,
                    size_t n, struct pb_error *err)
{
    char dep[128], out[] = "/tmp/pbench-sbatch-XXXXXX", line[512];
    struct pb_spawn_opts so;
    struct pb_spawn_result res;
    int fd = mkstemp(out);
    const char *sbatch = sbatch_path ? sbatch_path : "sbatch";

    if (fd < 0) {
        pb_error_set(err, "cannot make a temporary file for sbatch's output");
        return pb_error_errno(err, errno);
    }
    close(fd);
    if (after)
        snprintf(dep, sizeof dep, "--dependency=afterany:%s", after);
    char *argv[] = { (char *)sbatch, "--parsable", after ? dep : (char *)script,
                     after ? (char *)script : NULL, NULL };
    memset(&so, 0, sizeof so);
    so.argv = argv;
    so.stdout_path = out;
    so.stderr_path = out;
    so.timeout_s = 120;
    if (pb_spawn_run(&so, &res, err) < 0) {
        unlink(out);
        return -1;
    }
    pb_file_last_line(out, line, sizeof line);
    unlink(out);
    if (res.exec_failed) {
        pb_error_set(err, "cannot run '%s' (is Slurm installed? docs/slurm.md)", sbatch);
        return pb_error_errno(err, res.exec_errno);
    }
    if (res.timed_out)
        return pb_error_set(err, "'%s %s' did not answer within 120 s", sbatch, script);
    /* --parsable prints "jobid" or "jobid;cluster" */
    size_t len = strspn(line, "0123456789");
    if (res.exit_code != 0 || !len || (line[len] && line[len] != ';'))
        return pb_error_set(err, "sbatch %s failed (exit %d): %s", script, res.exit_code,
                            line[0] ? line : "no message");
    snprintf(id, n, "%.*s", (int)len, line);
    return 0;
}

int pb_slurm_add_submission(struct pb_slurm_job *job, const char *array_job, const char *merge_job,
                            const char *tasks)
{
    struct pb_slurm_submission *ns = realloc(job->subs, (job->nsubs + 1) * sizeof *ns), *s;
    char now[64];

    if (!ns)
        return -1;
    job->subs = ns;
    s = &job->subs[job->nsubs];
    memset(s, 0, sizeof *s);
    pb_now_iso(now, sizeof now);
    s->array_job = array_job ? strdup(array_job) : NULL;
    s->merge_job = merge_job ? strdup(merge_job) : NULL;
    s->tasks = strdup(tasks ? tasks : "");
    s->submitted = strdup(now);
    if ((array_job && !s->array_job) || (merge_job && !s->merge_job) || !s->tasks || !s->submitted) {
        free(s->array_job);
        free(s->merge_job);
        free(s->tasks);
        free(s->submitted);
        return -1;
    }
    job->nsubs++;
    return 0;
}

int pb_slurm_value_ok(const char *s)
{
    return sbatch_value_ok(s);
}
