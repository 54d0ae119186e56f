/*
 * config: the `profilers:` list. A profiler is a command template (argv
 * items with {placeholders}, checked here by core/template.h), optional
 * environment templates, the files it must leave in {outdir} (and the
 * fewest bytes each may hold, so an empty profile is no success), the PyPI
 * package whose version is recorded, and per-profiler settings.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/config_walk.h"
#include "core/template.h"
#include "util/path.h"

/* A template's node, for locating its problems. */
struct tmpl_at {
    struct pb_yw *yw;
    const yaml_node_t *n;
};

/* Locates a problem at byte `offset` of the template: its own column
 * when the scalar is on one line (past the opening quote), else the
 * scalar's start. */
static void report_template(void *arg, size_t offset, const char *msg)
{
    const struct tmpl_at *at = arg;
    const yaml_node_t *n = at->n;
    int quoted = n->data.scalar.style == YAML_SINGLE_QUOTED_SCALAR_STYLE
              || n->data.scalar.style == YAML_DOUBLE_QUOTED_SCALAR_STYLE;
    int one_line = n->start_mark.line == n->end_mark.line;
    int col = pb_yw_col(n) + (one_line ? (int)offset + quoted : 0);

    pb_diags_add(at->yw->diags, at->yw->file, pb_yw_line(n), col, "%s", msg);
}

/* Checks the template in scalar n; whole_item: {args} may be the item. */
static void check_template(struct pb_yw *yw, const yaml_node_t *n, int whole_item)
{
    struct tmpl_at at = { yw, n };

    pb_template_check(pb_yw_str(n), whole_item, report_template, &at);
}

static void pr_name(struct pb_yw *yw, const yaml_node_t *v, void *o, const char *key)
{
    struct pb_profiler *p = o;

    if (pb_yw_get_str(yw, v, key, &p->name) == 0 && config_check_name(yw, v, "profiler") < 0) {
        free(p->name);
        p->name = NULL;
    }
    if (v->type == YAML_SCALAR_NODE)
        p->loc = config_loc(config_walk_of(yw), v);
}

static void pr_command(struct pb_yw *yw, const yaml_node_t *v, void *o, const char *key)
{
    struct pb_profiler *p = o;

    if (pb_yw_get_strv(yw, v, key, &p->command) < 0)
        return;
    if (p->command.n == 0) {
        pb_yw_error(yw, v, "'command' must not be empty");
        return;
    }
    for (size_t i = 0; i < pb_yw_len(v); i++)
        check_template(yw, pb_yw_item(yw, v, i), 1);
}

static void pr_env(struct pb_yw *yw, const yaml_node_t *v, void *o, const char *key)
{
    struct pb_profiler *p = o;

    if (!pb_yw_want(yw, v, YAML_MAPPING_NODE, key))
        return;
    for (yaml_node_pair_t *q = v->data.mapping.pairs.start; q < v->data.mapping.pairs.top; q++) {
        yaml_node_t *k = yaml_document_get_node(yw->doc, q->key);
        yaml_node_t *val = yaml_document_get_node(yw->doc, q->value);
        char buf[8192];

        if (k->type != YAML_SCALAR_NODE || !*pb_yw_str(k) || strchr(pb_yw_str(k), '=')) {
            pb_yw_error(yw, k, "environment variable names must be non-empty single values without '='");
            continue;
        }
        if (val->type != YAML_SCALAR_NODE) {
            pb_yw_error(yw, val, "the value of environment variable '%s' must be a single value, found %s",
                        pb_yw_str(k), pb_yw_kind(val));
            continue;
        }
        check_template(yw, val, 0);
        snprintf(buf, sizeof buf, "%s=%s", pb_yw_str(k), pb_yw_str(val));
        pb_strv_push(&p->env, buf);
    }
}

/* Most bytes `min_bytes` may ask for: 1 GiB, beyond any profile. */
#define MAX_MIN_BYTES (1 << 30)

/* One mapping item of `outputs:` while it is walked. */
struct output_item {
    char *file;
    int min_bytes;
};

static void out_file(struct pb_yw *yw, const yaml_node_t *v, void *o, const char *key)
{
    pb_yw_get_str(yw, v, key, &((struct output_item *)o)->file);
}

static void out_min_bytes(struct pb_yw *yw, const yaml_node_t *v, void *o, const char *key)
{
    pb_yw_get_int(yw, v, key, 0, MAX_MIN_BYTES, &((struct output_item *)o)->min_bytes);
}

static const struct pb_yw_key output_keys[] = {
    { "file", out_file }, { "min_bytes", out_min_bytes }, { NULL, NULL }
};

/* outputs: each item a file name inside {outdir} ("out.json"), or a
 * mapping {file: out.json, min_bytes: N}: the file must then hold at
 * least N bytes, so a run that leaves an empty profile is no success. */
static void pr_outputs(struct pb_yw *yw, const yaml_node_t *v, void *o, const char *key)
{
    struct pb_profiler *p = o;

    if (!pb_yw_want(yw, v, YAML_SEQUENCE_NODE, key))
        return;
    free(p->output_min);
    pb_strv_release(&p->outputs);
    p->output_min = calloc(pb_yw_len(v) ? pb_yw_len(v) : 1, sizeof *p->output_min);
    if (!p->output_min)
        return;
    for (size_t i = 0; i < pb_yw_len(v); i++) {
        yaml_node_t *item = pb_yw_item(yw, v, i);
        struct output_item out = { NULL, 0 };

        if (item->type == YAML_MAPPING_NODE) {
            pb_yw_walk_map(yw, item, output_keys, &out, "an output");
            if (!pb_yw_find_key(yw, item, "file"))
                pb_yw_error(yw, item, "output has no 'file' (write {file: NAME, min_bytes: N})");
        } else if (item->type == YAML_SCALAR_NODE) {
            pb_yw_get_str(yw, item, key, &out.file);
        } else {
            pb_yw_error(yw, item, "each output must be a file name or {file: NAME, min_bytes: N}, found %s",
                        pb_yw_kind(item));
        }
        if (!out.file)
            continue;
        if (out.file[0] == '/' || strstr(out.file, ".."))
            pb_yw_error(yw, item, "'outputs' names files inside {outdir}: '%s' must be a relative path without '..'",
                        out.file);
        else if (pb_strv_push(&p->outputs, out.file) == 0)
            p->output_min[p->outputs.n - 1] = out.min_bytes;
        free(out.file);
    }
}

/* format: the reader of the profiler's output, one of the adapters' (the
 * list is in config.h's PB_FORMATS and harness/adapters/adapt.py). */
static void pr_format(struct pb_yw *yw, const yaml_node_t *v, void *o, const char *key)
{
    static const char *const known[] = { PB_FORMATS };
    struct pb_profiler *p = o;

    if (pb_yw_get_str(yw, v, key, &p->format) < 0 || !p->format)
        return;
    for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
        if (!strcmp(p->format, known[i]))
            return;
    pb_yw_error(yw, v, "unknown format '%s' (known: " PB_FORMATS_TEXT ")", p->format);
}

/* reader: a Python file of the user's own that reads the output (a
 * module with read(acc, run_dir): harness/adapters/README.md), resolved
 * against the defining file's directory; it must be a regular file. Kept
 * absolute. */
static void pr_reader(struct pb_yw *yw, const yaml_node_t *v, void *o, const char *key)
{
    struct pb_profiler *p = o;
    char *given = NULL, *joined, *real;
    struct stat st;

    if (pb_yw_get_str(yw, v, key, &given) < 0 || !given)
        return;
    joined = pb_path_join(config_walk_of(yw)->dir, given);
    real = joined ? realpath(joined, NULL) : NULL;
    if (!real || stat(real, &st) < 0 || !S_ISREG(st.st_mode))
        pb_yw_error(yw, v, "reader '%s' is not a file (looked for '%s')", given, joined ? joined : given);
    else if (strlen(real) < 3 || strcmp(real + strlen(real) - 3, ".py"))
        pb_yw_error(yw, v, "reader '%s' must be a Python file (.py)", given);
    else {
        free(p->reader);
        p->reader = real;
        real = NULL;
    }
    free(real);
    free(joined);
    free(given);
}

static void pr_package(struct pb_yw *yw, const yaml_node_t *v, void *o, const char *key)
{
    struct pb_profiler *p = o;

    if (v->type == YAML_SCALAR_NODE && pb_yw_is_null(v))
        return;     /* stdlib */
    pb_yw_get_str(yw, v, key, &p->package);
}

/* python_versions: [3.11]: the CPython versions the profiler can profile
 * (a probed version counts when it starts with one of them); on another
 * interpreter of the Python axis its pairs are reported unavailable. */
static void pr_python_versions(struct pb_yw *yw, const yaml_node_t *v, void *o, const char *key)
{
    struct pb_profiler *p = o;

    if (pb_yw_get_strv(yw, v, key, &p->python_versions) == 0 && p->python_versions.n == 0)
        pb_yw_error(yw, v, "'%s' lists no version (leave it out: every version)", key);
}

static void pr_desc(struct pb_yw *yw, const yaml_node_t *v, void *o, const char *key)
{
    pb_yw_get_str(yw, v, key, &((struct pb_profiler *)o)->description);
}

static void pr_baseline(struct pb_yw *yw, const yaml_node_t *v, void *o, const char *key)
{
    pb_yw_get_bool(yw, v, key, &((struct pb_profiler *)o)->baseline);
}

static void pr_runs(struct pb_yw *yw, const yaml_node_t *v, void *o, const char *key)
{
    pb_yw_get_int(yw, v, key, 1, CONFIG_MAX_RUNS, &((struct pb_profiler *)o)->runs);
}

static void pr_warmup(struct pb_yw *yw, const yaml_node_t *v, void *o, const char *key)
{
    pb_yw_get_int(yw, v, key, 0, CONFIG_MAX_RUNS, &((struct pb_profiler *)o)->warmup);
}

static void pr_timeout(struct pb_yw *yw, const yaml_node_t *v, void *o, const char *key)
{
    pb_yw_get_seconds(yw, v, key, &((struct pb_profiler *)o)->timeout);
}

/* cost: the profiler's rough overhead (2: twice as slow as plain), only
 * to balance the shards of a matrix cut for several machines
 * (core/shard.h): a positive number, 1 when not given. */
static void pr_cost(struct pb_yw *yw, const yaml_node_t *v, void *o, const char *key)
{
    const char *s;
    double x;

    if (!pb_yw_want(yw, v, YAML_SCALAR_NODE, key))
        return;
    s = pb_yw_str(v);
    if (!pb_yw_plain_number(v, &x) || !(x > 0) || x > 1e6) {
        pb_yw_error(yw, v, "'%s' expects a positive number (a rough overhead, for balancing shards: "
                    "1 is plain's), found '%s'", key, s);
        return;
    }
    ((struct pb_profiler *)o)->cost = x;
}

static const struct pb_yw_key profiler_keys[] = {
    { "name", pr_name }, { "command", pr_command }, { "env", pr_env }, { "outputs", pr_outputs },
    { "package", pr_package }, { "description", pr_desc }, { "baseline", pr_baseline },
    { "runs", pr_runs }, { "warmup", pr_warmup }, { "timeout", pr_timeout },
    { "python_versions", pr_python_versions }, { "format", pr_format },
    { "reader", pr_reader }, { "cost", pr_cost }, { NULL, NULL }
};

void config_free_profiler(struct pb_profiler *p)
{
    free(p->name);
    free(p->format);
    free(p->reader);
    pb_strv_release(&p->command);
    pb_strv_release(&p->env);
    pb_strv_release(&p->outputs);
    pb_strv_release(&p->python_versions);
    free(p->output_min);
    free(p->package);
    free(p->description);
    free(p->configdir);
}

/* Walks one item of `profilers:` and appends it to the config (unless its
 * name is taken). Returns -1 when out of memory, else 0. */
static int add_profiler(struct config_walk *w, const yaml_node_t *item)
{
    struct pb_yw *yw = &w->yw;
    struct pb_config *cfg = w->cfg;
    struct pb_profiler p;

    memset(&p, 0, sizeof p);
    p.runs = p.warmup = -1;
    p.timeout = -1;
    p.cost = 1;
    p.selected = 1;
    p.loc = config_loc(w, item);
    pb_yw_walk_map(yw, item, profiler_keys, &p, "a profiler");
    if (!pb_yw_find_key(yw, item, "name"))
        pb_yw_error(yw, item, "profiler has no 'name'");
    if (!pb_yw_find_key(yw, item, "command"))
        pb_yw_error(yw, item, "profiler has no 'command'");
    if (p.format && p.reader)
        pb_yw_error(yw, pb_yw_find_key(yw, item, "reader"), "'reader' and 'format' both given: "
                    "the output is read by one or the other");
    if (!p.name || p.command.n == 0) {
        config_free_profiler(&p);
        return 0;
    }
    p.configdir = strdup(w->dir);
    for (size_t i = 0; i < cfg->nprofilers; i++)
        if (!strcmp(cfg->profilers[i].name, p.name)) {
            pb_diags_add(yw->diags, p.loc.file, p.loc.line, p.loc.col,
                         "duplicate profiler name '%s' (first defined at %s:%d:%d)", p.name,
                         cfg->profilers[i].loc.file, cfg->profilers[i].loc.line,
                         cfg->profilers[i].loc.col);
            config_free_profiler(&p);
            return 0;
        }
    struct pb_profiler *np = realloc(cfg->profilers, (cfg->nprofilers + 1) * sizeof *np);
    if (!np) {
        config_free_profiler(&p);
        return -1;
    }
    cfg->profilers = np;
    cfg->profilers[cfg->nprofilers++] = p;
    return 0;
}

void config_profilers(struct pb_yw *yw, const yaml_node_t *v, void *obj, const char *key)
{
    if (!pb_yw_want(yw, v, YAML_SEQUENCE_NODE, key))
        return;
    for (size_t i = 0; i < pb_yw_len(v); i++) {
        yaml_node_t *item = pb_yw_item(yw, v, i);
        if (item->type != YAML_MAPPING_NODE) {
            pb_yw_error(yw, item, "each profiler must be a mapping with at least 'name' and 'command', found %s",
                        pb_yw_kind(item));
            continue;
        }
        if (add_profiler(config_walk_of(yw), item) < 0)
            return;
    }
}
