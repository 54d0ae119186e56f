/*
 * adapters: one adapter process per probe run, its attribution read
 * back. See adapters.h.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "run/adapters.h"
#include "run/spawn.h"
#include "util/fs.h"


static int set_error(struct pb_accuracy_probe *p, const char *msg, struct pb_error *err)
{
    p->adapter_error = strdup(msg);
    return p->adapter_error ? 0 : pb_error_set(err, "out of memory");
}

/* Runs the adapter on probe p. Returns 0 (the probe's attribution or
 * adapter_error set), or -1 with err set when the adapter cannot be
 * started at all. */
static int adapt(const char *dir, const struct pb_adapters_opts *o, struct pb_accuracy_probe *p,
                 const char *kind, const char *reader, struct pb_error *err)
{
    const struct pb_run_record *r = p->run;
    char sub[PATH_MAX], absdir[PATH_MAX], rel[PATH_MAX], out[PATH_MAX], errp[PATH_MAX],
         raw[PATH_MAX], tail[512], msg[1024];
    char profiler[sizeof r->profiler];
    struct pb_spawn_opts so;
    struct pb_spawn_result res;
    json_error_t jerr;
    struct stat st;

    snprintf(sub, sizeof sub, "attribution/%s/%s", r->workload, r->profiler);
    snprintf(absdir, sizeof absdir, "%s/%s", dir, sub);
    if (pb_mkdirs(absdir, err) < 0)
        return -1;
    snprintf(rel, sizeof rel, "%s/%d.json", sub, r->round);
    snprintf(out, sizeof out, "%s/%s", dir, rel);
    snprintf(errp, sizeof errp, "%s/%d.stderr.txt", absdir, r->round);
    snprintf(raw, sizeof raw, "%s/%s", dir, r->outdir);
    snprintf(profiler, sizeof profiler, "%s", r->profiler);
    unlink(out);                        /* never read a stale one */
    p->attribution = strdup(rel);
    if (!p->attribution)
        return pb_error_set(err, "out of memory");

    char *argv[] = { (char *)o->python, (char *)o->adapter, "--profiler", profiler,
                     reader ? "--reader" : "--kind", (char *)(reader ? reader : kind), "--run-dir", raw,
                     "--script", (char *)p->script, "--out", out, NULL };
    memset(&so, 0, sizeof so);
    so.argv = argv;
    so.stderr_path = errp;
    so.timeout_s = o->timeout_s;
    if (pb_spawn_run(&so, &res, err) < 0)
        return -1;
    if (res.exec_failed) {
        pb_error_set(err, "cannot run the adapter with '%s'", o->python);
        return pb_error_errno(err, res.exec_errno);
    }
    pb_file_last_line(errp, tail, sizeof tail);
    if (stat(errp, &st) == 0 && st.st_size == 0)
        unlink(errp);
    if (res.timed_out)
        return set_error(p, "the adapter timed out", err);
    p->attr = json_load_file(out, 0, &jerr);
    if (!json_is_object(p->attr)) {
        json_decref(p->attr);
        p->attr = NULL;
        snprintf(msg, sizeof msg, "the adapter exited with status %d and wrote no attribution%s%s",
                 res.exit_code, tail[0] ? ": " : "", tail);
        return set_error(p, msg, err);
    }
    return 0;
}

/* The trusted reader of profiler, or NULL. */
static const char *trusted_reader(const struct pb_adapters_opts *o, const char *profiler)
{
    for (size_t i = 0; o->readers && i < o->nreaders; i++)
        if (!strcmp(o->readers[i].profiler, profiler))
            return o->readers[i].path;
    return NULL;
}

int pb_adapters_run(struct pb_accuracy_source *src, const struct pb_adapters_opts *opts,
                    struct pb_error *err)
{
    for (size_t i = 0; i < src->nprobes; i++) {
        struct pb_accuracy_probe *p = &src->probes[i];
        const char *kind = "auto";  /* no format: the adapter finds it from the files */
        const char *stored_reader = NULL, *reader = trusted_reader(opts, p->run->profiler);
        if (p->run->status != PB_RUN_OK)
            continue;
        for (size_t k = 0; k < src->resolved.nprofilers; k++)
            if (!strcmp(src->resolved.profilers[k].name, p->run->profiler)) {
                if (src->resolved.profilers[k].format)
                    kind = src->resolved.profilers[k].format;
                stored_reader = src->resolved.profilers[k].reader;
            }
        if (stored_reader && !reader) {
            char msg[PATH_MAX + 256];
            snprintf(msg, sizeof msg, "its reader '%s' is named by the stored results, and pbench runs "
                     "no code a results directory names: give pbench accuracy --reader %s=FILE",
                     stored_reader, p->run->profiler);
            if (set_error(p, msg, err) < 0)
                return -1;
            continue;
        }
        if (adapt(src->dir, opts, p, kind, reader, err) < 0)
            return -1;
    }
    return 0;
}
