/*
 * config: YAML -> validated pb_config.
 *
 * This file loads a file and its includes (core/yamlwalk.h parses each and
 * walks it with tables of {key, handler}, collecting every error at its
 * 1-based file:line:col), makes the checks that need every file read
 * (one baseline, select and overrides naming what exists), and holds the
 * public functions of config.h. The keys themselves are walked in
 * config_toplevel.c, config_workloads.c and config_profilers.c; see
 * config_walk.h for who does what.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "core/config.h"
#include "core/config_walk.h"
#include "util/fs.h"
#include "util/path.h"

#define MAX_INCLUDE_DEPTH 8
#define MAX_FILE_BYTES (1 << 20)

/* The message for a file that cannot be read, at the include item that
 * named it (parent) or, for the top-level file, at the file itself. */
static void cannot_read(struct config_walk *parent, const yaml_node_t *from, const char *path,
                        const char *shown, struct pb_diags *d, int errnum)
{
    const char *why = errnum == EFBIG ? "file larger than 1 MiB" : pb_strerror(errnum);

    if (parent)
        pb_yw_error(&parent->yw, from, "cannot include '%s': %s", shown, why);
    else
        pb_diags_add(d, path, 0, 0, "cannot read config: %s", why);
}

/* Reads path for loading, refusing an include cycle. Returns its text
 * (*len bytes) and its canonical path in *real, both for the caller to
 * free, or NULL with the error appended. */
static char *read_config(struct config_walk *parent, const yaml_node_t *from, const char *path,
                         const char *shown, struct pb_diags *d, const struct config_shared *sh,
                         char **real, size_t *len)
{
    char *text;
    int errnum = 0;

    *real = realpath(path, NULL);
    if (!*real) {
        cannot_read(parent, from, path, shown, d, errno);
        return NULL;
    }
    for (size_t i = 0; i < sh->stack.n; i++)
        if (!strcmp(sh->stack.v[i], *real)) {
            pb_yw_error(&parent->yw, from, "include cycle: '%s' is already being loaded", shown);
            goto fail;
        }
    text = pb_read_file(*real, MAX_FILE_BYTES, len, &errnum);
    if (text)
        return text;
    cannot_read(parent, from, path, shown, d, errnum);
fail:
    free(*real);
    *real = NULL;
    return NULL;
}

/* Parses and walks the text of w's file: its includes first, so that
 * included definitions come first, then its own keys. */
static void walk_file(struct config_walk *w, const char *text, size_t len)
{
    yaml_document_t doc;
    const yaml_node_t *root, *inc;

    if (pb_yw_parse(text, len, w->yw.file, &doc, w->yw.diags) < 0)
        return;
    w->yw.doc = &doc;
    root = yaml_document_get_root_node(&doc);
    if (!root)
        pb_diags_add(w->yw.diags, w->yw.file, 1, 1,
                     "the file is empty: expected a mapping with 'workloads' and 'profilers'");
    else if (root->type != YAML_MAPPING_NODE)
        pb_yw_error(&w->yw, root, "a config must be a mapping of 'key: value' lines, found %s",
                    pb_yw_kind(root));
    else {
        inc = pb_yw_find_key(&w->yw, root, "include");
        if (inc)
            config_include(&w->yw, inc, NULL, "include");
        pb_yw_walk_map(&w->yw, root, config_top_keys, NULL, "the config");
    }
    yaml_document_delete(&doc);
}

int config_load_file(struct config_walk *parent, struct pb_config *cfg, const char *path,
                     const char *shown, const yaml_node_t *from, int depth,
                     struct pb_diags *d, struct config_shared *sh)
{
    struct config_walk w;
    char *text, *real = NULL;
    size_t len = 0, before = d->n;

    if (depth > MAX_INCLUDE_DEPTH) {
        pb_yw_error(&parent->yw, from, "includes nested more than %d deep", MAX_INCLUDE_DEPTH);
        return -1;
    }
    text = read_config(parent, from, path, shown, d, sh, &real, &len);
    if (!text)
        return -1;
    memset(&w, 0, sizeof w);
    w.dir = pb_path_dir(real);
    /* messages name the file the way the user reached it */
    if (!w.dir || pb_strv_push(&cfg->files, path) < 0 || pb_strv_push(&sh->stack, real) < 0) {
        pb_diags_add(d, path, 0, 0, "out of memory");
        goto cleanup;
    }
    w.yw.file = cfg->files.v[cfg->files.n - 1];
    w.yw.diags = d;
    w.yw.user = &w;
    w.cfg = cfg;
    w.top = parent == NULL && !sh->loading_extra;
    w.depth = depth;
    w.sh = sh;
    walk_file(&w, text, len);
    free(sh->stack.v[--sh->stack.n]);
    sh->stack.v[sh->stack.n] = NULL;
cleanup:
    free(w.dir);
    free(text);
    free(real);
    return d->n > before ? -1 : 0;
}

/* The config's default name: the file's base name without .yaml, made of
 * name characters. Returns a malloc'd string, NULL when out of memory. */
static char *base_name_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    const char *b = slash ? slash + 1 : path;
    size_t n = strlen(b);
    char *r;

    if (n > 5 && !strcmp(b + n - 5, ".yaml"))
        n -= 5;
    else if (n > 4 && !strcmp(b + n - 4, ".yml"))
        n -= 4;
    r = malloc(n + 1);
    if (!r)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        char c = b[i];
        int ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
              || c == '_' || c == '-' || c == '.';
        r[i] = ok ? c : '_';
    }
    r[n] = '\0';
    return r;
}

/* Exactly one baseline profiler; sets cfg->baseline. Returns how many
 * there are (a second one is an error at its definition). */
static size_t find_baseline(struct pb_config *cfg, struct pb_diags *d)
{
    size_t nbase = 0;

    for (size_t i = 0; i < cfg->nprofilers; i++) {
        if (!cfg->profilers[i].baseline)
            continue;
        if (nbase++ == 0)
            cfg->baseline = i;
        else
            pb_diags_add(d, cfg->profilers[i].loc.file, cfg->profilers[i].loc.line,
                         cfg->profilers[i].loc.col,
                         "second baseline profiler '%s' (the baseline is already '%s')",
                         cfg->profilers[i].name, cfg->profilers[cfg->baseline].name);
    }
    return nbase;
}

/* The checks and settings that need every file read. */
static void finish(struct pb_config *cfg, const char *path, struct config_shared *sh,
                   struct pb_diags *d, size_t before)
{
    const char *top = cfg->files.v[0];
    size_t nbase = find_baseline(cfg, d);

    if (d->n == before) {
        if (nbase == 0)
            pb_diags_add(d, top, 1, 1,
                         "no baseline profiler: one profiler needs 'baseline: true' (include profilers.yaml for 'plain')");
        if (cfg->nworkloads == 0)
            pb_diags_add(d, top, 1, 1, "no workloads defined");
        if (!cfg->python && !sh->pythons.n)
            pb_diags_add(d, top, 1, 1, "no 'python:' interpreter given (or use --python)");
    }
    if (nbase == 1)
        config_check_skips(cfg, d);             /* once a workload, before the axis copies it */
    config_apply_targets(cfg, sh, d);           /* before the copies per interpreter */
    config_build_interps(cfg, sh, d);
    if (d->n == before)
        config_expand_per_interp(cfg, d);
    config_resolve_benchmarks(cfg, d);          /* beside each workload's interpreter */
    config_apply_select(cfg, sh, d);
    if (cfg->runs_auto) {
        cfg->runs = cfg->min_runs;
        if (cfg->min_runs > cfg->max_runs)
            pb_diags_add(d, top, 1, 1, "'min_runs' (%d) is above 'max_runs' (%d)",
                         cfg->min_runs, cfg->max_runs);
    }
    config_apply_overrides(cfg, sh, d);
    config_check_targets(cfg, d);
    if (!cfg->name)
        cfg->name = base_name_of(path);
}

struct pb_config *pb_config_load(const char *path, const char *python_override,
                                 struct pb_diags *diags)
{
    return pb_config_load_with(path, python_override, NULL, 0, diags);
}

struct pb_config *pb_config_load_with(const char *path, const char *python_override,
                                      const char *const *extra, size_t nextra,
                                      struct pb_diags *diags)
{
    struct pb_config *cfg = calloc(1, sizeof *cfg);
    struct config_shared sh;
    size_t before = diags->n;

    memset(&sh, 0, sizeof sh);
    sh.has_override = python_override != NULL;
    if (!cfg) {
        pb_diags_add(diags, path, 0, 0, "out of memory");
        return NULL;
    }
    cfg->path = strdup(path);
    cfg->runs = 5;
    cfg->precision = 0.02;
    cfg->min_runs = 3;
    cfg->max_runs = 30;
    cfg->warmup = 1;
    cfg->timeout = 300;
    if (python_override) {
        cfg->python = strdup(python_override);
        config_check_python_override(python_override, diags);
    }
    config_load_file(NULL, cfg, path, path, NULL, 0, diags, &sh);
    /* extra files (pbench run --profilers FILE): as if the config included
     * them last, so their profilers and workloads join without editing it */
    sh.loading_extra = 1;
    for (size_t i = 0; cfg->files.n > 0 && i < nextra; i++)
        config_load_file(NULL, cfg, extra[i], extra[i], NULL, 1, diags, &sh);
    sh.loading_extra = 0;
    if (cfg->files.n > 0)
        finish(cfg, path, &sh, diags, before);
    config_shared_release(&sh);
    if (diags->n > before) {
        pb_config_free(cfg);
        return NULL;
    }
    return cfg;
}

void pb_config_free(struct pb_config *cfg)
{
    if (!cfg)
        return;
    for (size_t i = 0; i < cfg->nworkloads; i++)
        config_free_workload(&cfg->workloads[i]);
    for (size_t i = 0; i < cfg->nprofilers; i++)
        config_free_profiler(&cfg->profilers[i]);
    free(cfg->workloads);
    free(cfg->profilers);
    free(cfg->path);
    free(cfg->name);
    free(cfg->python);
    free(cfg->reference);
    config_free_interps(cfg);
    pb_strv_release(&cfg->files);
    free(cfg);
}

int pb_workload_is(const struct pb_workload *w, const char *name)
{
    return !strcmp(w->name, name) || (w->base && !strcmp(w->base, name))
        || (w->given && !strcmp(w->given, name));
}

const char *pb_config_skipped(const struct pb_config *cfg, size_t w, size_t p)
{
    const struct pb_workload *wl = &cfg->workloads[w];

    for (size_t i = 0; i < wl->nskip; i++)
        if (!strcmp(wl->skip[i].profiler, cfg->profilers[p].name))
            return wl->skip[i].reason ? wl->skip[i].reason : "";
    return NULL;
}

int pb_config_select(struct pb_config *cfg, const char *const *profilers, size_t np,
                     const char *const *workloads, size_t nw, struct pb_error *err)
{
    for (size_t s = 0; s < np; s++) {
        size_t i;
        for (i = 0; i < cfg->nprofilers; i++)
            if (!strcmp(cfg->profilers[i].name, profilers[s]))
                break;
        if (i == cfg->nprofilers)
            return pb_error_set(err, "no profiler named '%s' in %s", profilers[s], cfg->path);
    }
    for (size_t s = 0; s < nw; s++) {
        size_t i;
        for (i = 0; i < cfg->nworkloads; i++)
            if (pb_workload_is(&cfg->workloads[i], workloads[s]))
                break;
        if (i == cfg->nworkloads)
            return pb_error_set(err, "no workload named '%s' in %s", workloads[s], cfg->path);
    }
    for (size_t i = 0; np && i < cfg->nprofilers; i++) {
        int keep = cfg->profilers[i].baseline;
        for (size_t s = 0; s < np; s++)
            if (!strcmp(cfg->profilers[i].name, profilers[s]))
                keep = 1;
        cfg->profilers[i].selected = keep;
    }
    for (size_t i = 0; nw && i < cfg->nworkloads; i++) {
        int keep = 0;
        for (size_t s = 0; s < nw; s++)
            if (pb_workload_is(&cfg->workloads[i], workloads[s]))
                keep = 1;
        cfg->workloads[i].selected = keep;
    }
    return 0;
}

int pb_config_runs(const struct pb_config *cfg, const struct pb_workload *w,
                   const struct pb_profiler *p)
{
    return p->runs >= 0 ? p->runs : w->runs >= 0 ? w->runs : cfg->runs;
}

int pb_config_warmup(const struct pb_config *cfg, const struct pb_workload *w,
                     const struct pb_profiler *p)
{
    return p->warmup >= 0 ? p->warmup : w->warmup >= 0 ? w->warmup : cfg->warmup;
}

int pb_config_adaptive(const struct pb_config *cfg, const struct pb_workload *w,
                       const struct pb_profiler *p)
{
    return cfg->runs_auto && p->runs < 0 && w->runs < 0;
}

double pb_config_timeout(const struct pb_config *cfg, const struct pb_workload *w,
                         const struct pb_profiler *p)
{
    return p->timeout > 0 ? p->timeout : w->timeout > 0 ? w->timeout : cfg->timeout;
}
