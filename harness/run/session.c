#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "core/plan.h"
#include "run/session.h"
#include "store/results.h"
#include "util/fs.h"
#include "util/jsonfile.h"
#include "util/rng.h"

static json_t *strv_json(const struct pb_strv *sv)
{
    json_t *a = json_array();
    for (size_t i = 0; i < sv->n; i++)
        json_array_append_new(a, json_string(sv->v[i]));
    return a;
}

json_t *pb_session_resolved(const struct pb_config *cfg, uint64_t seed)
{
    json_t *o = json_object(), *ws = json_array(), *ps = json_array(), *pairs = json_array();
    json_t *selp = json_array(), *selw = json_array();
    char *abs = realpath(cfg->path, NULL);
    char *dump, hex[17];

    json_object_set_new(o, "config_path", json_string(abs ? abs : cfg->path));
    free(abs);
    json_object_set_new(o, "name", json_string(cfg->name));
    json_object_set_new(o, "python", json_string(cfg->python));
    json_object_set_new(o, "seed", json_integer((json_int_t)seed));
    json_object_set_new(o, "baseline", json_string(cfg->profilers[cfg->baseline].name));
    json_object_set_new(o, "defaults", json_pack("{s:i,s:i,s:f}", "runs", cfg->runs,
                                                 "warmup", cfg->warmup, "timeout", cfg->timeout));
    if (cfg->runs_auto)
        json_object_set_new(o, "adaptive", json_pack("{s:f,s:i,s:i,s:f}", "precision", cfg->precision,
                            "min_runs", cfg->min_runs, "max_runs", cfg->max_runs,
                            "budget", cfg->budget));
    for (size_t i = 0; i < cfg->nworkloads; i++) {
        const struct pb_workload *w = &cfg->workloads[i];
        if (!w->selected)
            continue;
        json_array_append_new(selw, json_string(w->name));
        json_t *wo = json_object();
        json_object_set_new(wo, "name", json_string(w->name));
        json_object_set_new(wo, "script", json_string(w->script));
        json_object_set_new(wo, "args", strv_json(&w->args));
        json_object_set_new(wo, "hot", strv_json(&w->hot));
        json_object_set_new(wo, "tags", strv_json(&w->tags));
        if (w->description)
            json_object_set_new(wo, "description", json_string(w->description));
        if (w->base) {
            json_object_set_new(wo, "base", json_string(w->base));
            json_object_set_new(wo, "size", json_real(w->size));
        }
        json_array_append_new(ws, wo);
    }
    for (size_t i = 0; i < cfg->nprofilers; i++) {
        const struct pb_profiler *p = &cfg->profilers[i];
        if (!p->selected)
            continue;
        json_array_append_new(selp, json_string(p->name));
        json_t *po = json_object();
        json_object_set_new(po, "name", json_string(p->name));
        json_object_set_new(po, "command", strv_json(&p->command));
        json_object_set_new(po, "env", strv_json(&p->env));
        json_object_set_new(po, "outputs", strv_json(&p->outputs));
        json_object_set_new(po, "package", p->package ? json_string(p->package) : json_null());
        json_object_set_new(po, "baseline", json_boolean(p->baseline));
        json_object_set_new(po, "configdir", json_string(p->configdir));
        if (p->description)
            json_object_set_new(po, "description", json_string(p->description));
        json_array_append_new(ps, po);
    }
    for (size_t i = 0; i < cfg->nworkloads; i++) {
        const struct pb_workload *w = &cfg->workloads[i];
        if (!w->selected)
            continue;
        for (size_t k = 0; k < cfg->nprofilers; k++) {
            const struct pb_profiler *p = &cfg->profilers[k];
            if (!p->selected)
                continue;
            json_array_append_new(pairs, json_pack("{s:s,s:s,s:i,s:i,s:f,s:b}", "workload", w->name,
                "profiler", p->name, "runs", pb_plan_pair_runs(cfg, i, k),
                "warmup", pb_plan_pair_warmup(cfg, i, k), "timeout_s", pb_config_timeout(cfg, w, p),
                "adaptive", pb_config_adaptive(cfg, w, p)));
        }
    }
    json_object_set_new(o, "select", json_pack("{s:o,s:o}", "profilers", selp, "workloads", selw));
    json_object_set_new(o, "workloads", ws);
    json_object_set_new(o, "profilers", ps);
    json_object_set_new(o, "pairs", pairs);
    dump = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS);
    if (!dump) {
        json_decref(o);
        return NULL;
    }
    snprintf(hex, sizeof hex, "%016llx", (unsigned long long)pb_hash_str(PB_HASH_INIT, dump));
    free(dump);
    json_object_set_new(o, "hash", json_string(hex));
    return o;
}

static int copy_file(const char *from, const char *dir, const char *name, struct pb_error *err)
{
    FILE *f = fopen(from, "rb");
    char *buf = NULL;
    size_t len = 0;
    int rc;

    if (!f) {
        int e = errno;
        pb_error_set(err, "cannot read '%s'", from);
        return pb_error_errno(err, e);
    }
    FILE *m = open_memstream(&buf, &len);
    char chunk[8192];
    size_t got;
    while ((got = fread(chunk, 1, sizeof chunk, f)) > 0)
        fwrite(chunk, 1, got, m);
    fclose(f);
    fclose(m);
    rc = pb_write_file(dir, name, buf, len, err);
    free(buf);
    return rc;
}

int pb_session_create(const struct pb_config *cfg, const json_t *resolved, const char *base,
                      char **dir, struct pb_error *err)
{
    char stamp[32], path[PATH_MAX];
    time_t t = time(NULL);
    struct tm tm;

    *dir = NULL;
    if (pb_mkdirs(base, err) < 0)
        return -1;
    gmtime_r(&t, &tm);
    strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", &tm);
    for (int n = 1;; n++) {
        if (n == 1)
            snprintf(path, sizeof path, "%s/%s-%s", base, cfg->name, stamp);
        else
            snprintf(path, sizeof path, "%s/%s-%s-%d", base, cfg->name, stamp, n);
        if (mkdir(path, 0777) == 0)
            break;
        if (errno != EEXIST || n > 1000) {
            int e = errno;
            pb_error_set(err, "cannot create results directory '%s'", path);
            return pb_error_errno(err, e);
        }
    }
    if (copy_file(cfg->path, path, "config.yaml", err) < 0
        || pb_json_write(path, "config-resolved.json", resolved, err) < 0)
        return -1;
    *dir = strdup(path);
    return 0;
}
