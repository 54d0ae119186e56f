/* The Python axis: `pythons:` items -> interpreters, and which profiler
 * can run on which. See config.h (struct pb_interp). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/config.h"
#include "core/config_walk.h"
#include "util/path.h"

/* 1 for a version such as 3.12, 3.13.0 or 3.13t: the environment
 * <venvs>/<version>/bin/python. */
static int is_version(const char *s)
{
    int dots = 0, digits = 0;

    for (const char *c = s; *c; c++) {
        if (*c >= '0' && *c <= '9')
            digits++;
        else if (*c == '.' && digits && c[1] >= '0' && c[1] <= '9')
            dots++;
        else if (*c == 't' && !c[1] && dots)
            ;
        else
            return 0;
    }
    return dots >= 1 && dots <= 2;
}

/* A short label for a path item: the nearest component, from the end,
 * that is a version (".../versions/3.12.1/bin/python3" -> "3.12.1",
 * "/usr/bin/python3.11" -> "3.11", "../.venvs/3.13/bin/python" -> "3.13");
 * else the item itself. */
static char *label_of(const char *s)
{
    const char *end = s + strlen(s);

    while (end > s) {
        const char *start = end;
        while (start > s && start[-1] != '/')
            start--;
        char part[128];
        size_t n = (size_t)(end - start) < sizeof part ? (size_t)(end - start) : sizeof part - 1;
        memcpy(part, start, n);
        part[n] = '\0';
        const char *v = !strncmp(part, "python", 6) ? part + 6 : part;
        if (is_version(v))
            return strdup(v);
        end = start > s ? start - 1 : s;
    }
    return strdup(s);
}

/* The interpreter item s stands for. */
static char *interpreter_of(const char *s, const struct config_shared *sh)
{
    if (strchr(s, '/'))
        return pb_path_join(sh->pythons_dir, s);
    if (is_version(s)) {
        char *venvs = sh->venvs ? strdup(sh->venvs) : pb_path_join(sh->pythons_dir, "../.venvs");
        size_t n = venvs ? strlen(venvs) + strlen(s) + 16 : 0;
        char *p = venvs ? malloc(n) : NULL;
        if (p)
            snprintf(p, n, "%s/%s/bin/python", venvs, s);
        free(venvs);
        return p;
    }
    return strdup(s);           /* a command name, found in PATH when run */
}

void config_build_interps(struct pb_config *cfg, struct config_shared *sh, struct pb_diags *d)
{
    size_t n = sh->pythons.n && !sh->has_override ? sh->pythons.n : 1;

    if (sh->pythons.n && sh->python_loc.line)
        pb_diags_add(d, sh->python_loc.file, sh->python_loc.line, sh->python_loc.col,
                     "give either 'python:' (one interpreter) or 'pythons:' (several), not both");
    cfg->interps = calloc(n, sizeof *cfg->interps);
    if (!cfg->interps) {
        pb_diags_add(d, cfg->files.v[0], 0, 0, "out of memory");
        return;
    }
    cfg->ninterps = n;
    cfg->axis = sh->pythons.n && !sh->has_override;
    for (size_t i = 0; i < n; i++) {
        struct pb_interp *it = &cfg->interps[i];
        it->available = 1;
        if (cfg->axis) {
            it->label = strchr(sh->pythons.v[i], '/') ? label_of(sh->pythons.v[i])
                                                      : strdup(sh->pythons.v[i]);
            it->python = interpreter_of(sh->pythons.v[i], sh);
            it->loc = sh->python_locs[i];
        } else {
            it->label = strdup("");
            it->python = cfg->python ? strdup(cfg->python) : NULL;
        }
        if (!it->label || (!it->python && (cfg->axis || cfg->python)))
            pb_diags_add(d, cfg->files.v[0], 0, 0, "out of memory");
    }
    for (size_t i = 0; cfg->axis && i < n; i++)
        for (size_t k = 0; k < i; k++)
            if (cfg->interps[i].label && cfg->interps[k].label
                && !strcmp(cfg->interps[i].label, cfg->interps[k].label))
                pb_diags_add(d, cfg->interps[i].loc.file, cfg->interps[i].loc.line, cfg->interps[i].loc.col,
                             "'pythons' items '%s' and '%s' are both called '%s': give one of them "
                             "as another path or version", sh->pythons.v[k], sh->pythons.v[i],
                             cfg->interps[i].label);
    if (cfg->axis && cfg->interps[0].python) {
        free(cfg->python);
        cfg->python = strdup(cfg->interps[0].python);
    }
}

void config_free_interps(struct pb_config *cfg)
{
    for (size_t i = 0; i < cfg->ninterps; i++) {
        free(cfg->interps[i].label);
        free(cfg->interps[i].python);
        free(cfg->interps[i].why);
    }
    for (size_t k = 0; cfg->unavailable_why && k < cfg->ninterps * cfg->nprofilers; k++)
        free(cfg->unavailable_why[k]);
    free(cfg->interps);
    free(cfg->unavailable);
    free(cfg->unavailable_why);
}

int pb_config_mark_unavailable(struct pb_config *cfg, size_t i, long p, const char *why)
{
    size_t n = cfg->ninterps * cfg->nprofilers;

    if (i >= cfg->ninterps || (p >= 0 && (size_t)p >= cfg->nprofilers))
        return 0;
    if (p < 0) {
        char *copy = strdup(why ? why : "unavailable");
        if (!copy)
            return -1;
        free(cfg->interps[i].why);
        cfg->interps[i].why = copy;
        cfg->interps[i].available = 0;
        return 0;
    }
    if (!cfg->unavailable) {
        cfg->unavailable = calloc(n ? n : 1, 1);
        cfg->unavailable_why = calloc(n ? n : 1, sizeof *cfg->unavailable_why);
        if (!cfg->unavailable || !cfg->unavailable_why)
            return -1;
    }
    size_t k = i * cfg->nprofilers + (size_t)p;
    char *copy = strdup(why ? why : "unavailable");
    if (!copy)
        return -1;
    free(cfg->unavailable_why[k]);
    cfg->unavailable_why[k] = copy;
    cfg->unavailable[k] = 1;
    return 0;
}

int pb_config_runnable(const struct pb_config *cfg, size_t i, size_t p)
{
    if (i >= cfg->ninterps || !cfg->interps[i].available)
        return 0;
    return !cfg->unavailable || !cfg->unavailable[i * cfg->nprofilers + p];
}

const char *pb_config_unavailable_why(const struct pb_config *cfg, size_t i, size_t p)
{
    if (i >= cfg->ninterps)
        return NULL;
    if (!cfg->interps[i].available)
        return cfg->interps[i].why;
    if (cfg->unavailable && cfg->unavailable[i * cfg->nprofilers + p])
        return cfg->unavailable_why[i * cfg->nprofilers + p];
    return NULL;
}

/* A copy of sv, or -1 when out of memory. */
static int copy_strv(struct pb_strv *to, const struct pb_strv *from)
{
    memset(to, 0, sizeof *to);
    for (size_t i = 0; i < from->n; i++)
        if (pb_strv_push(to, from->v[i]) < 0)
            return -1;
    return 0;
}

/* "<name>@py<label>" with the label's characters that may not stand in a
 * workload name (a path's '/') as '_'. */
static char *instance_name(const char *name, const char *label)
{
    size_t n = strlen(name) + strlen(label) + 4;
    char *s = malloc(n);

    if (!s)
        return NULL;
    snprintf(s, n, "%s@py%s", name, label);
    for (char *c = s + strlen(name) + 3; *c; c++)
        if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9')
              || *c == '_' || *c == '-' || *c == '.'))
            *c = '_';
    return s;
}

/* Workload wl on interpreter i, into *out. Returns 0 or -1 (out of memory). */
static int instance(const struct pb_workload *wl, const struct pb_interp *it, size_t i,
                    struct pb_workload *out)
{
    *out = *wl;
    out->name = instance_name(wl->name, it->label);
    out->given = strdup(wl->name);
    out->script = wl->script ? strdup(wl->script) : NULL;
    out->description = wl->description ? strdup(wl->description) : NULL;
    out->base = wl->base ? strdup(wl->base) : NULL;
    out->pyperformance = wl->pyperformance ? strdup(wl->pyperformance) : NULL;
    out->unrunnable = NULL;
    out->interp = i;
    int bad = copy_strv(&out->args, &wl->args) | copy_strv(&out->hot, &wl->hot)
            | copy_strv(&out->tags, &wl->tags) | config_copy_skips(out, wl);
    if (bad || !out->name || !out->given || (wl->script && !out->script)
        || (wl->description && !out->description) || (wl->base && !out->base)
        || (wl->pyperformance && !out->pyperformance)) {
        config_free_workload(out);
        return -1;
    }
    return 0;
}

void config_expand_per_interp(struct pb_config *cfg, struct pb_diags *d)
{
    struct pb_workload *all;
    size_t n = 0;

    if (!cfg->axis) {
        for (size_t k = 0; k < cfg->nworkloads; k++)
            if (!(cfg->workloads[k].given = strdup(cfg->workloads[k].name)))
                pb_diags_add(d, cfg->files.v[0], 0, 0, "out of memory");
        return;
    }
    all = calloc(cfg->nworkloads * cfg->ninterps + 1, sizeof *all);
    if (!all) {
        pb_diags_add(d, cfg->files.v[0], 0, 0, "out of memory");
        return;
    }
    for (size_t k = 0; k < cfg->nworkloads; k++)
        for (size_t i = 0; i < cfg->ninterps; i++) {
            if (instance(&cfg->workloads[k], &cfg->interps[i], i, &all[n]) < 0) {
                pb_diags_add(d, cfg->files.v[0], 0, 0, "out of memory");
                continue;
            }
            n++;
        }
    for (size_t k = 0; k < cfg->nworkloads; k++)
        config_free_workload(&cfg->workloads[k]);
    free(cfg->workloads);
    cfg->workloads = all;
    cfg->nworkloads = n;
}
