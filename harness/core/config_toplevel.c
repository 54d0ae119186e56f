/*
 * config: the top-level keys besides the workloads and the profilers:
 * name, python, include, defaults, select and overrides. All but include
 * are allowed only in the top-level file; select and overrides name
 * profilers and workloads that may come later, so they are kept and
 * applied once every file is read (config_apply_select/_overrides). An
 * include by bare name falls back to pbench's shipped configs.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/config_walk.h"
#include "util/datadir.h"
#include "util/path.h"

int config_check_name(struct pb_yw *yw, const yaml_node_t *n, const char *what)
{
    const char *s = pb_yw_str(n);

    if (pb_name_ok(s))
        return 0;
    pb_yw_error(yw, n, "%s name '%s' must be 1-64 letters, digits, '_', '-' or '.', not starting with '.'",
                what, s);
    return -1;
}

/* 1 when the key may be used here (the top-level file); else an error. */
static int top_only(struct pb_yw *yw, const yaml_node_t *v, const char *key)
{
    if (config_walk_of(yw)->top)
        return 1;
    pb_yw_error(yw, v, "'%s' is only allowed in the top-level config, not in an included file", key);
    return 0;
}

static void t_name(struct pb_yw *yw, const yaml_node_t *v, void *o, const char *key)
{
    struct pb_config *cfg = config_walk_of(yw)->cfg;

    if (!top_only(yw, v, key))
        return;
    if (pb_yw_get_str(yw, v, key, &cfg->name) == 0 && config_check_name(yw, v, "config") < 0) {
        free(cfg->name);
        cfg->name = NULL;
    }
}

/* ---- python -------------------------------------------------------------- */

/* A bare command name found in PATH as a run would find it. */
static int in_path(const char *name)
{
    char *found = pb_which(name);

    free(found);
    return found != NULL;
}

void config_check_python_override(const char *python, struct pb_diags *d)
{
    if (strchr(python, '/') ? access(python, X_OK) != 0 : !in_path(python))
        pb_diags_add(d, "--python", 0, 0, "python interpreter '%s' not found or not executable",
                     python);
}

static void t_python(struct pb_yw *yw, const yaml_node_t *v, void *o, const char *key)
{
    struct config_walk *w = config_walk_of(yw);
    struct pb_config *cfg = w->cfg;
    char *s = NULL;

    if (!top_only(yw, v, key))
        return;
    if (pb_yw_get_str(yw, v, key, &s) < 0)
        return;
    if (w->sh->has_override) {        /* --python wins; do not check this one */
        free(s);
        return;
    }
    w->sh->python_loc = config_loc(w, v);
    free(cfg->python);
    if (strchr(s, '/')) {
        /* keep a venv's bin/python as written (no realpath): resolving the
         * symlink would leave the venv */
        cfg->python = pb_path_join(w->dir, s);
        if (cfg->python && access(cfg->python, X_OK) != 0)
            pb_yw_error(yw, v, "python interpreter '%s' not found or not executable (looked at %s; run scripts/setup.sh to create .venv)",
                        s, cfg->python);
    } else {
        cfg->python = strdup(s);
        if (!in_path(s))
            pb_yw_error(yw, v, "python interpreter '%s' not found in PATH", s);
    }
    free(s);
}

/* `pythons: [3.11, 3.12, ../other/bin/python]`: the Python axis. Items
 * are kept as written; pb_config_load's finish turns them into
 * interpreters once `venvs:` is known. An interpreter that is missing is no
 * config error: the run reports it unavailable and runs the others. */
static void t_pythons(struct pb_yw *yw, const yaml_node_t *v, void *o, const char *key)
{
    struct config_walk *w = config_walk_of(yw);
    struct config_shared *sh = w->sh;

    if (!top_only(yw, v, key))
        return;
    if (pb_yw_get_strv(yw, v, key, &sh->pythons) < 0) {
        /* an item that is no single value (reported): none of them, or
         * the interpreters would be built without their locations */
        pb_strv_release(&sh->pythons);
        return;
    }
    if (sh->pythons.n == 0) {
        pb_yw_error(yw, v, "'pythons' lists no interpreter");
        return;
    }
    free(sh->python_locs);
    sh->python_locs = calloc(sh->pythons.n, sizeof *sh->python_locs);
    free(sh->pythons_dir);
    sh->pythons_dir = strdup(w->dir);
    for (size_t i = 0; sh->python_locs && i < sh->pythons.n; i++) {
        const yaml_node_t *item = pb_yw_item(yw, v, i);
        const char *s = sh->pythons.v[i];
        sh->python_locs[i] = config_loc(w, item);
        if (!*s || strlen(s) > 200)
            pb_yw_error(yw, item, "'pythons' items are a version (3.12), a path or a command name, "
                        "not '%s'", s);
        for (size_t k = 0; k < i; k++)
            if (!strcmp(sh->pythons.v[k], s))
                pb_yw_error(yw, item, "'%s' is listed twice in 'pythons'", s);
    }
}

/* `venvs: DIR`: where `pythons:` versions have their environments
 * (DIR/3.12/bin/python); default ../.venvs beside the config. */
static void t_venvs(struct pb_yw *yw, const yaml_node_t *v, void *o, const char *key)
{
    struct config_walk *w = config_walk_of(yw);
    char *s = NULL;

    if (!top_only(yw, v, key) || pb_yw_get_str(yw, v, key, &s) < 0)
        return;
    free(w->sh->venvs);
    w->sh->venvs = pb_path_join(w->dir, s);
    free(s);
}

/* `reference: reference/scalene-osdi23.yaml`: published figures the report
 * sets beside the measured ones (docs/reference.md). Found beside the
 * config, else among pbench's shipped configs; the report reads it. */
static void t_reference(struct pb_yw *yw, const yaml_node_t *v, void *o, const char *key)
{
    struct config_walk *w = config_walk_of(yw);
    struct pb_error err;
    struct stat st;
    char *s = NULL, *beside, *rel, *shipped = NULL;

    if (!top_only(yw, v, key) || pb_yw_get_str(yw, v, key, &s) < 0)
        return;
    beside = pb_path_join(w->dir, s);
    if (beside && stat(beside, &st) == 0) {
        free(w->cfg->reference);
        w->cfg->reference = realpath(beside, NULL);
    } else if (s[0] != '/' && (rel = pb_path_join("configs", s))) {
        pb_error_clear(&err);
        shipped = pb_datadir_path(rel, &err);
        free(rel);
        if (shipped && stat(shipped, &st) == 0) {
            free(w->cfg->reference);
            w->cfg->reference = realpath(shipped, NULL);
        } else {
            pb_yw_error(yw, v, "reference '%s' not found (looked at %s%s%s)", s, beside ? beside : s,
                        shipped ? ", then " : "", shipped ? shipped : "");
        }
    } else {
        pb_yw_error(yw, v, "reference '%s' not found", s);
    }
    free(shipped);
    free(beside);
    free(s);
}

/* ---- defaults --------------------------------------------------------------- */

static void d_runs(struct pb_yw *yw, const yaml_node_t *v, void *o, const char *key)
{
    struct pb_config *cfg = config_walk_of(yw)->cfg;

    if (v->type == YAML_SCALAR_NODE && !strcmp(pb_yw_str(v), "auto")) {
        cfg->runs_auto = 1;
        return;
    }
    if (v->type == YAML_SCALAR_NODE) {
        const char *s = pb_yw_str(v);
        char *end;
        errno = 0;
        (void)strtol(s, &end, 10);
        if (errno || end == s || *end) {
            pb_yw_error(yw, v, "'runs' expects a whole number or 'auto', found '%s'", s);
            return;
        }
    }
    pb_yw_get_int(yw, v, key, 1, CONFIG_MAX_RUNS, &cfg->runs);
}

/* A fraction: 0.02 or "2%". */
static void d_precision(struct pb_yw *yw, const yaml_node_t *v, void *o, const char *key)
{
    const char *s;
    char *end;
    double x;

    if (!pb_yw_want(yw, v, YAML_SCALAR_NODE, key))
        return;
    s = pb_yw_str(v);
    errno = 0;
    x = strtod(s, &end);
    if (end != s && *end == '%' && end[1] == '\0') {
        x /= 100;
        end++;
    }
    if (errno || end == s || *end || !(x > 0 && x < 1)) {
        pb_yw_error(yw, v, "'precision' expects a fraction above 0 and below 1 (0.02 or 2%%), found '%s'", s);
        return;
    }
    config_walk_of(yw)->cfg->precision = x;
}

static void d_min_runs(struct pb_yw *yw, const yaml_node_t *v, void *o, const char *key)
{
    pb_yw_get_int(yw, v, key, 2, CONFIG_MAX_RUNS, &config_walk_of(yw)->cfg->min_runs);
}

static void d_max_runs(struct pb_yw *yw, const yaml_node_t *v, void *o, const char *key)
{
    pb_yw_get_int(yw, v, key, 2, CONFIG_MAX_RUNS, &config_walk_of(yw)->cfg->max_runs);
}

static void d_budget(struct pb_yw *yw, const yaml_node_t *v, void *o, const char *key)
{
    pb_yw_get_seconds(yw, v, key, &config_walk_of(yw)->cfg->budget);
}

static void d_warmup(struct pb_yw *yw, const yaml_node_t *v, void *o, const char *key)
{
    pb_yw_get_int(yw, v, key, 0, CONFIG_MAX_RUNS, &config_walk_of(yw)->cfg->warmup);
}

static void d_timeout(struct pb_yw *yw, const yaml_node_t *v, void *o, const char *key)
{
    pb_yw_get_seconds(yw, v, key, &config_walk_of(yw)->cfg->timeout);
}

static void d_seed(struct pb_yw *yw, const yaml_node_t *v, void *o, const char *key)
{
    struct pb_config *cfg = config_walk_of(yw)->cfg;
    const char *s;
    char *end;
    unsigned long long seed;

    if (!pb_yw_want(yw, v, YAML_SCALAR_NODE, key))
        return;
    s = pb_yw_str(v);
    errno = 0;
    seed = strtoull(s, &end, 10);
    if (errno || end == s || *end || s[0] == '-') {
        pb_yw_error(yw, v, "'seed' expects a non-negative whole number, found '%s'", s);
        return;
    }
    cfg->seed = seed;
    cfg->has_seed = 1;
}

/* `target:` for every workload that can take it (config_apply_targets). */
static void d_target(struct pb_yw *yw, const yaml_node_t *v, void *o, const char *key)
{
    config_get_targets(yw, v, key, &config_walk_of(yw)->sh->dtarget);
}

static const struct pb_yw_key defaults_keys[] = {
    { "runs", d_runs }, { "warmup", d_warmup }, { "timeout", d_timeout }, { "seed", d_seed },
    { "precision", d_precision }, { "min_runs", d_min_runs }, { "max_runs", d_max_runs },
    { "budget", d_budget }, { "target", d_target }, { NULL, NULL }
};

static void t_defaults(struct pb_yw *yw, const yaml_node_t *v, void *o, const char *key)
{
    if (top_only(yw, v, key) && pb_yw_want(yw, v, YAML_MAPPING_NODE, key))
        pb_yw_walk_map(yw, v, defaults_keys, NULL, "'defaults'");
}

/* ---- select ------------------------------------------------------------------ */

static void sel_list(struct pb_yw *yw, const yaml_node_t *v, const char *key,
                     struct config_sel **out, size_t *n)
{
    if (!pb_yw_want(yw, v, YAML_SEQUENCE_NODE, key))
        return;
    for (size_t i = 0; i < pb_yw_len(v); i++) {
        yaml_node_t *item = pb_yw_item(yw, v, i);
        struct config_sel *ns;
        if (item->type != YAML_SCALAR_NODE) {
            pb_yw_error(yw, item, "each item of '%s' must be a name, found %s", key, pb_yw_kind(item));
            continue;
        }
        ns = realloc(*out, (*n + 1) * sizeof *ns);
        if (!ns)
            return;
        *out = ns;
        ns[*n].name = strdup(pb_yw_str(item));
        ns[*n].loc = config_loc(config_walk_of(yw), item);
        (*n)++;
    }
}

static void s_profilers(struct pb_yw *yw, const yaml_node_t *v, void *o, const char *key)
{
    struct config_shared *sh = config_walk_of(yw)->sh;

    sel_list(yw, v, key, &sh->sel_p, &sh->nsel_p);
}

static void s_workloads(struct pb_yw *yw, const yaml_node_t *v, void *o, const char *key)
{
    struct config_shared *sh = config_walk_of(yw)->sh;

    sel_list(yw, v, key, &sh->sel_w, &sh->nsel_w);
}

static const struct pb_yw_key select_keys[] = {
    { "profilers", s_profilers }, { "workloads", s_workloads }, { NULL, NULL }
};

static void t_select(struct pb_yw *yw, const yaml_node_t *v, void *o, const char *key)
{
    if (top_only(yw, v, key) && pb_yw_want(yw, v, YAML_MAPPING_NODE, key))
        pb_yw_walk_map(yw, v, select_keys, NULL, "'select'");
}

void config_apply_select(struct pb_config *cfg, struct config_shared *sh, struct pb_diags *d)
{
    if (sh->nsel_p) {
        for (size_t i = 0; i < cfg->nprofilers; i++)
            cfg->profilers[i].selected = cfg->profilers[i].baseline;
        for (size_t s = 0; s < sh->nsel_p; s++) {
            size_t i;
            for (i = 0; i < cfg->nprofilers; i++)
                if (!strcmp(cfg->profilers[i].name, sh->sel_p[s].name))
                    break;
            if (i == cfg->nprofilers)
                pb_diags_add(d, sh->sel_p[s].loc.file, sh->sel_p[s].loc.line, sh->sel_p[s].loc.col,
                             "select: no profiler named '%s'", sh->sel_p[s].name);
            else
                cfg->profilers[i].selected = 1;
        }
    }
    if (sh->nsel_w) {
        for (size_t i = 0; i < cfg->nworkloads; i++)
            cfg->workloads[i].selected = 0;
        for (size_t s = 0; s < sh->nsel_w; s++) {
            int found = 0;
            for (size_t i = 0; i < cfg->nworkloads; i++)
                if (pb_workload_is(&cfg->workloads[i], sh->sel_w[s].name)) {
                    cfg->workloads[i].selected = 1;
                    found = 1;
                }
            if (!found)
                pb_diags_add(d, sh->sel_w[s].loc.file, sh->sel_w[s].loc.line, sh->sel_w[s].loc.col,
                             "select: no workload named '%s'", sh->sel_w[s].name);
        }
    }
}

/* ---- overrides: per-config settings of shared profiler definitions -------- */

static void o_runs(struct pb_yw *yw, const yaml_node_t *v, void *o, const char *key)
{
    pb_yw_get_int(yw, v, key, 1, CONFIG_MAX_RUNS, &((struct config_ovr *)o)->runs);
}

static void o_warmup(struct pb_yw *yw, const yaml_node_t *v, void *o, const char *key)
{
    pb_yw_get_int(yw, v, key, 0, CONFIG_MAX_RUNS, &((struct config_ovr *)o)->warmup);
}

static void o_timeout(struct pb_yw *yw, const yaml_node_t *v, void *o, const char *key)
{
    pb_yw_get_seconds(yw, v, key, &((struct config_ovr *)o)->timeout);
}

static const struct pb_yw_key override_keys[] = {
    { "runs", o_runs }, { "warmup", o_warmup }, { "timeout", o_timeout }, { NULL, NULL }
};

static void t_overrides(struct pb_yw *yw, const yaml_node_t *v, void *o, const char *key)
{
    struct config_walk *w = config_walk_of(yw);
    struct config_shared *sh = w->sh;

    if (!top_only(yw, v, key) || !pb_yw_want(yw, v, YAML_MAPPING_NODE, key))
        return;
    for (yaml_node_pair_t *q = v->data.mapping.pairs.start; q < v->data.mapping.pairs.top; q++) {
        yaml_node_t *k = yaml_document_get_node(yw->doc, q->key);
        yaml_node_t *val = yaml_document_get_node(yw->doc, q->value);
        struct config_ovr ov = { NULL, config_loc(w, k), -1, -1, -1 };

        if (k->type != YAML_SCALAR_NODE) {
            pb_yw_error(yw, k, "keys of 'overrides' are profiler names, found %s", pb_yw_kind(k));
            continue;
        }
        if (!pb_yw_want(yw, val, YAML_MAPPING_NODE, pb_yw_str(k)))
            continue;
        pb_yw_walk_map(yw, val, override_keys, &ov, "an override");
        struct config_ovr *nv = realloc(sh->ovr, (sh->novr + 1) * sizeof *nv);
        if (!nv)
            return;
        sh->ovr = nv;
        ov.name = strdup(pb_yw_str(k));
        sh->ovr[sh->novr++] = ov;
    }
}

void config_apply_overrides(struct pb_config *cfg, struct config_shared *sh, struct pb_diags *d)
{
    for (size_t o = 0; o < sh->novr; o++) {
        const struct config_ovr *ov = &sh->ovr[o];
        size_t i;
        for (i = 0; i < cfg->nprofilers; i++)
            if (!strcmp(cfg->profilers[i].name, ov->name))
                break;
        if (i == cfg->nprofilers) {
            pb_diags_add(d, ov->loc.file, ov->loc.line, ov->loc.col,
                         "overrides: no profiler named '%s'", ov->name);
            continue;
        }
        if (ov->runs >= 0)
            cfg->profilers[i].runs = ov->runs;
        if (ov->warmup >= 0)
            cfg->profilers[i].warmup = ov->warmup;
        if (ov->timeout > 0)
            cfg->profilers[i].timeout = ov->timeout;
    }
}

void config_shared_release(struct config_shared *sh)
{
    for (size_t i = 0; i < sh->nsel_p; i++)
        free(sh->sel_p[i].name);
    for (size_t i = 0; i < sh->nsel_w; i++)
        free(sh->sel_w[i].name);
    free(sh->sel_p);
    free(sh->sel_w);
    for (size_t i = 0; i < sh->novr; i++)
        free(sh->ovr[i].name);
    free(sh->ovr);
    pb_strv_release(&sh->stack);
    pb_strv_release(&sh->pythons);
    free(sh->python_locs);
    free(sh->pythons_dir);
    free(sh->venvs);
    memset(sh, 0, sizeof *sh);
}

/* ---- include ------------------------------------------------------------------ */

/* The file an include item names: a path as written, relative to the
 * including file's directory; a bare name (no '/') found there, or else
 * among pbench's shipped configs (<datadir>/configs/), so a config
 * anywhere can `include: [profilers.yaml]`. Returns a malloc'd path, or
 * NULL with an error at item (nothing found, out of memory). */
static char *include_path(struct config_walk *w, const yaml_node_t *item, const char *name)
{
    struct pb_error err;
    struct stat st;
    char *beside = pb_path_join(w->dir, name), *rel = NULL, *shipped = NULL;

    if (!beside)
        goto oom;
    /* a path, or anything at all beside the file: load_file says what is
     * wrong with it */
    if (strchr(name, '/') || lstat(beside, &st) == 0 || errno != ENOENT)
        return beside;
    rel = pb_path_join("configs", name);
    if (!rel)
        goto oom;
    pb_error_clear(&err);
    shipped = pb_datadir_path(rel, &err);
    free(rel);
    if (!shipped)
        pb_yw_error(&w->yw, item, "cannot include '%s': no such file (looked at %s; "
                    "pbench's shipped configs cannot be found: %s)", name, beside, err.msg);
    else if (lstat(shipped, &st) != 0) {
        pb_yw_error(&w->yw, item, "cannot include '%s': no such file (looked at %s, "
                    "then among pbench's shipped configs at %s)", name, beside, shipped);
        free(shipped);
        shipped = NULL;
    }
    free(beside);
    return shipped;
oom:
    free(beside);
    pb_yw_error(&w->yw, item, "cannot include '%s': out of memory", name);
    return NULL;
}

void config_include(struct pb_yw *yw, const yaml_node_t *v, void *obj, const char *key)
{
    struct config_walk *w = config_walk_of(yw);
    struct pb_strv files = { 0 };

    if (pb_yw_get_strv(yw, v, key, &files) < 0) {
        pb_strv_release(&files);        /* the items before the bad one */
        return;
    }
    for (size_t i = 0; i < files.n; i++) {
        yaml_node_t *item = pb_yw_item(yw, v, i);
        char *path = include_path(w, item, files.v[i]);
        if (path)
            config_load_file(w, w->cfg, path, files.v[i], item, w->depth + 1, yw->diags, w->sh);
        free(path);
    }
    pb_strv_release(&files);
}

const struct pb_yw_key config_top_keys[] = {
    { "name", t_name }, { "include", NULL }, { "python", t_python },
    { "pythons", t_pythons }, { "venvs", t_venvs }, { "reference", t_reference },
    { "defaults", t_defaults }, { "workloads", config_workloads }, { "profilers", config_profilers },
    { "select", t_select }, { "overrides", t_overrides }, { NULL, NULL }
};
