/*
 * config: YAML -> validated pb_config.
 *
 * libyaml's document loader gives a node tree with 0-based marks; we walk it
 * with tables of {key, handler}, collecting every error with its 1-based
 * file:line:col. The walk is bounded by the schema (at most four levels
 * deep), so a deeply nested hostile file is rejected as a wrong type rather
 * than recursed into.
 */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <yaml.h>

#include "core/config.h"
#include "util/fs.h"
#include "util/path.h"

#define MAX_INCLUDE_DEPTH 8
#define MAX_FILE_BYTES (1 << 20)
#define MAX_RUNS 100000

/* ---- the walk ---------------------------------------------------------- */

struct sel {                /* a name under select:, kept for checking */
    char *name;
    struct pb_loc loc;
};

/* One entry of `overrides:`: settings for a profiler defined anywhere. */
struct ovr {
    char *name;
    struct pb_loc loc;
    int runs, warmup;       /* -1: not set */
    double timeout;         /* < 0: not set */
};

/* State shared by every file of one load. */
struct shared {
    struct pb_strv stack;   /* realpaths being loaded, for cycles */
    struct sel *sel_p, *sel_w;
    size_t nsel_p, nsel_w;
    int has_override;       /* --python given: `python:` is not checked */
    struct ovr *ovr;        /* overrides: of the top-level file */
    size_t novr;
};

struct walk {
    yaml_document_t *doc;
    const char *file;       /* interned in cfg->files */
    char *dir;              /* directory of file, absolute */
    struct pb_diags *d;
    struct pb_config *cfg;
    int top;                /* the top-level file, not an include */
    int depth;              /* include depth */
    struct shared *sh;
};

static void errn(struct walk *w, const yaml_node_t *n, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void errn(struct walk *w, const yaml_node_t *n, const char *fmt, ...)
{
    char msg[PB_ERROR_MSG_MAX];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    pb_diags_add(w->d, w->file, (int)n->start_mark.line + 1,
                 (int)n->start_mark.column + 1, "%s", msg);
}

static struct pb_loc locof(struct walk *w, const yaml_node_t *n)
{
    struct pb_loc l = { w->file, (int)n->start_mark.line + 1, (int)n->start_mark.column + 1 };
    return l;
}

static const char *kind_name(const yaml_node_t *n)
{
    switch (n->type) {
    case YAML_SCALAR_NODE: return "a single value";
    case YAML_SEQUENCE_NODE: return "a list";
    case YAML_MAPPING_NODE: return "a mapping";
    default: return "nothing";
    }
}

static const char *sval(const yaml_node_t *n)
{
    return (const char *)n->data.scalar.value;
}

static int is_null(const yaml_node_t *n)
{
    if (n->type != YAML_SCALAR_NODE || n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
        return 0;
    return !strcmp(sval(n), "") || !strcmp(sval(n), "~") || !strcmp(sval(n), "null")
        || !strcmp(sval(n), "Null") || !strcmp(sval(n), "NULL");
}

static int want(struct walk *w, const yaml_node_t *n, yaml_node_type_t t, const char *key)
{
    if (n->type == t)
        return 1;
    if (t == YAML_SEQUENCE_NODE)
        errn(w, n, "'%s' expects a list, found %s (check indentation; a list item starts with '- ')",
             key, kind_name(n));
    else if (t == YAML_MAPPING_NODE)
        errn(w, n, "'%s' expects a mapping of 'key: value' lines, found %s (check indentation)",
             key, kind_name(n));
    else
        errn(w, n, "'%s' expects a single value, found %s", key, kind_name(n));
    return 0;
}

static int get_str(struct walk *w, const yaml_node_t *n, const char *key, char **out)
{
    if (!want(w, n, YAML_SCALAR_NODE, key))
        return -1;
    if (is_null(n)) {
        errn(w, n, "'%s' must not be empty", key);
        return -1;
    }
    free(*out);
    *out = strdup(sval(n));
    return *out ? 0 : -1;
}

static int get_long(struct walk *w, const yaml_node_t *n, const char *key,
                    long lo, long hi, long *out)
{
    char *end;
    long v;

    if (!want(w, n, YAML_SCALAR_NODE, key))
        return -1;
    errno = 0;
    v = strtol(sval(n), &end, 10);
    if (errno || end == sval(n) || *end || n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE) {
        errn(w, n, "'%s' expects a whole number, found '%s'", key, sval(n));
        return -1;
    }
    if (v < lo || v > hi) {
        errn(w, n, "'%s' must be between %ld and %ld, found %ld", key, lo, hi, v);
        return -1;
    }
    *out = v;
    return 0;
}

static int get_int(struct walk *w, const yaml_node_t *n, const char *key, int lo, int hi, int *out)
{
    long v;

    if (get_long(w, n, key, lo, hi, &v) < 0)
        return -1;
    *out = (int)v;
    return 0;
}

static int get_seconds(struct walk *w, const yaml_node_t *n, const char *key, double *out)
{
    char *end;
    double v;

    if (!want(w, n, YAML_SCALAR_NODE, key))
        return -1;
    errno = 0;
    v = strtod(sval(n), &end);
    if (errno || end == sval(n) || *end || n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE
        || v != v) {
        errn(w, n, "'%s' expects a number of seconds, found '%s'", key, sval(n));
        return -1;
    }
    if (v <= 0 || v > 7 * 24 * 3600.0) {
        errn(w, n, "'%s' must be above 0 and at most a week, found %s", key, sval(n));
        return -1;
    }
    *out = v;
    return 0;
}

static int get_bool(struct walk *w, const yaml_node_t *n, const char *key, int *out)
{
    static const char *yes[] = { "true", "True", "TRUE", "yes", "Yes", "on", NULL };
    static const char *no[] = { "false", "False", "FALSE", "no", "No", "off", NULL };

    if (!want(w, n, YAML_SCALAR_NODE, key))
        return -1;
    for (int i = 0; yes[i]; i++)
        if (!strcmp(sval(n), yes[i])) {
            *out = 1;
            return 0;
        }
    for (int i = 0; no[i]; i++)
        if (!strcmp(sval(n), no[i])) {
            *out = 0;
            return 0;
        }
    errn(w, n, "'%s' expects true or false, found '%s'", key, sval(n));
    return -1;
}

/* A list of single values. */
static int get_strv(struct walk *w, const yaml_node_t *n, const char *key, struct pb_strv *out)
{
    int rc = 0;

    if (!want(w, n, YAML_SEQUENCE_NODE, key))
        return -1;
    pb_strv_release(out);
    for (yaml_node_item_t *it = n->data.sequence.items.start;
         it < n->data.sequence.items.top; it++) {
        yaml_node_t *item = yaml_document_get_node(w->doc, *it);
        if (item->type != YAML_SCALAR_NODE) {
            errn(w, item, "each item of '%s' must be a single value, found %s", key, kind_name(item));
            rc = -1;
            continue;
        }
        if (pb_strv_push(out, sval(item)) < 0)
            return -1;
    }
    return rc;
}

/* ---- paths -------------------------------------------------------------- */

/* dir + path, made canonical when it exists. */
static char *resolve(const char *dir, const char *path)
{
    char *joined = pb_path_join(dir, path);
    char *real;

    if (!joined)
        return NULL;
    real = realpath(joined, NULL);
    if (real) {
        free(joined);
        return real;
    }
    return joined;
}

/* A bare command name found in PATH as a run would find it. */
static int in_path(const char *name)
{
    char *found = pb_which(name);

    free(found);
    return found != NULL;
}

/* ---- key tables and suggestions ----------------------------------------- */

typedef void (*key_fn)(struct walk *w, const yaml_node_t *val, void *obj, const char *key);

struct keydef {
    const char *key;
    key_fn fn;
};

static size_t edit_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    size_t row[64];

    if (la >= 63 || lb >= 63)
        return 99;
    for (size_t j = 0; j <= lb; j++)
        row[j] = j;
    for (size_t i = 1; i <= la; i++) {
        size_t prev = row[0];
        row[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t cur = row[j];
            size_t sub = prev + (a[i - 1] != b[j - 1]);
            size_t del = row[j] + 1, ins = row[j - 1] + 1;
            row[j] = sub < del ? (sub < ins ? sub : ins) : (del < ins ? del : ins);
            prev = cur;
        }
    }
    return row[lb];
}

/* The candidate closest to word (at most 2 edits away), or NULL. next()
 * walks the candidates: a table of keys or a list of names. */
static const char *closest(const char *word, const void *items, size_t stride)
{
    const char *best = NULL;
    size_t bestd = 3;

    for (const char *const *k = items; *k; k = (const char *const *)((const char *)k + stride)) {
        size_t d = edit_distance(word, *k);
        if (d < bestd) {
            bestd = d;
            best = *k;
        }
    }
    return best;
}

static const char *suggest(const char *word, const struct keydef *keys)
{
    return closest(word, &keys[0].key, sizeof keys[0]);
}

/* Walks a mapping: duplicate keys, unknown keys (with a suggestion), and
 * the handler for each known key. `where` names the mapping in messages. */
static void walk_map(struct walk *w, const yaml_node_t *map, const struct keydef *keys,
                     void *obj, const char *where)
{
    for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top; p++) {
        yaml_node_t *k = yaml_document_get_node(w->doc, p->key);
        yaml_node_t *v = yaml_document_get_node(w->doc, p->value);
        const struct keydef *kd;

        if (k->type != YAML_SCALAR_NODE) {
            errn(w, k, "keys in %s must be plain names, found %s", where, kind_name(k));
            continue;
        }
        for (yaml_node_pair_t *q = map->data.mapping.pairs.start; q < p; q++) {
            yaml_node_t *k2 = yaml_document_get_node(w->doc, q->key);
            if (k2->type == YAML_SCALAR_NODE && !strcmp(sval(k2), sval(k))) {
                errn(w, k, "duplicate key '%s' in %s (first at line %d)", sval(k), where,
                     (int)k2->start_mark.line + 1);
                goto next;
            }
        }
        for (kd = keys; kd->key; kd++)
            if (!strcmp(kd->key, sval(k)))
                break;
        if (!kd->key) {
            const char *s = suggest(sval(k), keys);
            if (s)
                errn(w, k, "unknown key '%s' in %s (did you mean '%s'?)", sval(k), where, s);
            else
                errn(w, k, "unknown key '%s' in %s", sval(k), where);
            continue;
        }
        if (kd->fn)
            kd->fn(w, v, obj, kd->key);
    next:;
    }
}

/* ---- placeholders -------------------------------------------------------- */

static const char *const placeholders[] = {
    "python", "bindir", "script", "args", "outdir", "hot", "workload", "profiler",
    "configdir", "pbench", NULL
};

/* Checks a template; reports bad placeholders at their column when the
 * scalar is on one line. allow_args: `{args}` may be the whole item. */
static int check_template(struct walk *w, const yaml_node_t *n, int allow_args)
{
    const char *s = sval(n);
    int quoted = n->data.scalar.style == YAML_SINGLE_QUOTED_SCALAR_STYLE
              || n->data.scalar.style == YAML_DOUBLE_QUOTED_SCALAR_STYLE;
    int one_line = n->start_mark.line == n->end_mark.line;
    int rc = 0;

    for (size_t i = 0; s[i]; i++) {
        int line = (int)n->start_mark.line + 1;
        int col = (int)n->start_mark.column + 1 + (one_line ? (int)i + quoted : 0);
        if (s[i] == '{' && s[i + 1] == '{') {
            i++;
            continue;
        }
        if (s[i] == '}' && s[i + 1] == '}') {
            i++;
            continue;
        }
        if (s[i] == '}') {
            pb_diags_add(w->d, w->file, line, col, "unmatched '}' (write '}}' for a literal brace)");
            rc = -1;
            continue;
        }
        if (s[i] != '{')
            continue;
        const char *close = strchr(s + i, '}');
        if (!close) {
            pb_diags_add(w->d, w->file, line, col, "unclosed placeholder (write '{{' for a literal brace)");
            return -1;
        }
        size_t len = (size_t)(close - (s + i) - 1);
        char name[64];
        snprintf(name, sizeof name, "%.*s", (int)(len < 63 ? len : 63), s + i + 1);
        int known = 0;
        for (int k = 0; placeholders[k]; k++)
            if (!strcmp(placeholders[k], name))
                known = 1;
        if (!known) {
            const char *best = closest(name, placeholders, sizeof placeholders[0]);
            if (best)
                pb_diags_add(w->d, w->file, line, col, "unknown placeholder '{%s}' (did you mean '{%s}'?)", name, best);
            else
                pb_diags_add(w->d, w->file, line, col, "unknown placeholder '{%s}' (known: {python} {bindir} {script} {args} {outdir} {hot} {workload} {profiler} {configdir} {pbench})", name);
            rc = -1;
        } else if (!strcmp(name, "args") && (!allow_args || strcmp(s, "{args}") != 0)) {
            pb_diags_add(w->d, w->file, line, col, allow_args
                ? "'{args}' must be a list item of its own (it expands to zero or more items)"
                : "'{args}' can only be used as a whole item of 'command'");
            rc = -1;
        }
        i = (size_t)(close - s);
    }
    return rc;
}

/* ---- names ---------------------------------------------------------------- */

static int check_name(struct walk *w, const yaml_node_t *n, const char *what)
{
    const char *s = sval(n);

    if (!*s || s[0] == '.' || strlen(s) > 64)
        goto bad;
    for (const char *c = s; *c; c++)
        if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9')
              || *c == '_' || *c == '-' || *c == '.'))
            goto bad;
    return 0;
bad:
    errn(w, n, "%s name '%s' must be 1-64 letters, digits, '_', '-' or '.', not starting with '.'",
         what, s);
    return -1;
}

/* ---- workloads ------------------------------------------------------------ */

static void wl_name(struct walk *w, const yaml_node_t *v, void *o, const char *key)
{
    struct pb_workload *wl = o;
    if (get_str(w, v, key, &wl->name) == 0 && check_name(w, v, "workload") < 0) {
        free(wl->name);
        wl->name = NULL;
    }
    if (v->type == YAML_SCALAR_NODE)
        wl->loc = locof(w, v);
}

static void wl_script(struct walk *w, const yaml_node_t *v, void *o, const char *key)
{
    struct pb_workload *wl = o;
    char *s = NULL;

    if (get_str(w, v, key, &s) < 0)
        return;
    wl->script = resolve(w->dir, s);
    if (wl->script && access(wl->script, R_OK) != 0)
        errn(w, v, "workload script '%s' not found (looked at %s)", s, wl->script);
    free(s);
}

static void wl_args(struct walk *w, const yaml_node_t *v, void *o, const char *key)
{
    get_strv(w, v, key, &((struct pb_workload *)o)->args);
}

static void wl_hot(struct walk *w, const yaml_node_t *v, void *o, const char *key)
{
    get_strv(w, v, key, &((struct pb_workload *)o)->hot);
}

static void wl_tags(struct walk *w, const yaml_node_t *v, void *o, const char *key)
{
    get_strv(w, v, key, &((struct pb_workload *)o)->tags);
}

static void wl_desc(struct walk *w, const yaml_node_t *v, void *o, const char *key)
{
    get_str(w, v, key, &((struct pb_workload *)o)->description);
}

static void wl_runs(struct walk *w, const yaml_node_t *v, void *o, const char *key)
{
    get_int(w, v, key, 1, MAX_RUNS, &((struct pb_workload *)o)->runs);
}

static void wl_warmup(struct walk *w, const yaml_node_t *v, void *o, const char *key)
{
    get_int(w, v, key, 0, MAX_RUNS, &((struct pb_workload *)o)->warmup);
}

static void wl_timeout(struct walk *w, const yaml_node_t *v, void *o, const char *key)
{
    get_seconds(w, v, key, &((struct pb_workload *)o)->timeout);
}

/* sizes: positive numbers, kept as written for the names and args; the
 * list lives in a walk-local holder (see add_workloads) */
struct sized {
    struct pb_workload wl;
    struct pb_strv sizes;
    const yaml_node_t *sizes_node;
};

static void wl_sizes(struct walk *w, const yaml_node_t *v, void *o, const char *key)
{
    struct sized *sz = o;

    sz->sizes_node = v;
    if (get_strv(w, v, key, &sz->sizes) < 0)
        return;
    for (yaml_node_item_t *it = v->data.sequence.items.start; it < v->data.sequence.items.top; it++) {
        yaml_node_t *item = yaml_document_get_node(w->doc, *it);
        char *end;
        double x = strtod(sval(item), &end);
        if (end == sval(item) || *end || !(x > 0) || strchr(sval(item), '@'))
            errn(w, item, "each of 'sizes' must be a positive number, found '%s'", sval(item));
    }
    if (sz->sizes.n == 1)
        errn(w, v, "'sizes' needs at least two sizes to fit a line (or give the size in 'args')");
}

static const struct keydef workload_keys[] = {
    { "name", wl_name }, { "script", wl_script }, { "args", wl_args }, { "hot", wl_hot },
    { "tags", wl_tags }, { "description", wl_desc }, { "runs", wl_runs },
    { "warmup", wl_warmup }, { "timeout", wl_timeout }, { "sizes", wl_sizes }, { NULL, NULL }
};

/* "{size}" in s replaced by size; a new string. */
static char *with_size(const char *s, const char *size)
{
    const char *at = strstr(s, "{size}");
    size_t n;
    char *r;

    if (!at)
        return strdup(s);
    n = strlen(s) - 6 + strlen(size) + 1;
    r = malloc(n);
    if (r)
        snprintf(r, n, "%.*s%s%s", (int)(at - s), s, size, at + 6);
    return r;
}

static int copy_strv(struct pb_strv *to, const struct pb_strv *from, const char *size)
{
    memset(to, 0, sizeof *to);
    for (size_t i = 0; i < from->n; i++) {
        char *x = size ? with_size(from->v[i], size) : strdup(from->v[i]);
        if (!x || pb_strv_push(to, x) < 0) {
            free(x);
            return -1;
        }
        free(x);
    }
    return 0;
}

static int args_have_size(const struct pb_workload *wl)
{
    for (size_t i = 0; i < wl->args.n; i++)
        if (strstr(wl->args.v[i], "{size}"))
            return 1;
    return 0;
}

static void free_workload(struct pb_workload *wl)
{
    free(wl->base);
    free(wl->name);
    free(wl->script);
    pb_strv_release(&wl->args);
    pb_strv_release(&wl->hot);
    pb_strv_release(&wl->tags);
    free(wl->description);
}

static const yaml_node_t *find_key(struct walk *w, const yaml_node_t *map, const char *key)
{
    for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top; p++) {
        yaml_node_t *k = yaml_document_get_node(w->doc, p->key);
        if (k->type == YAML_SCALAR_NODE && !strcmp(sval(k), key))
            return yaml_document_get_node(w->doc, p->value);
    }
    return NULL;
}

/* Appends wl to cfg (taking it over), or frees it when its name is taken. */
static void append_workload(struct walk *w, struct pb_config *cfg, struct pb_workload *wlp)
{
    struct pb_workload wl = *wlp;

    {
        for (size_t i = 0; i < cfg->nworkloads; i++)
            if (!strcmp(cfg->workloads[i].name, wl.name)) {
                pb_diags_add(w->d, wl.loc.file, wl.loc.line, wl.loc.col,
                             "duplicate workload name '%s' (first defined at %s:%d:%d)", wl.name,
                             cfg->workloads[i].loc.file, cfg->workloads[i].loc.line,
                             cfg->workloads[i].loc.col);
                free_workload(&wl);
                return;
            }
        struct pb_workload *nw = realloc(cfg->workloads, (cfg->nworkloads + 1) * sizeof *nw);
        if (!nw) {
            free_workload(&wl);
            return;
        }
        cfg->workloads = nw;
        cfg->workloads[cfg->nworkloads++] = wl;
    }
}

static void add_workloads(struct walk *w, const yaml_node_t *v, void *o, const char *key)
{
    struct pb_config *cfg = w->cfg;

    if (!want(w, v, YAML_SEQUENCE_NODE, key))
        return;
    for (yaml_node_item_t *it = v->data.sequence.items.start; it < v->data.sequence.items.top; it++) {
        yaml_node_t *item = yaml_document_get_node(w->doc, *it);
        struct sized sz;
        struct pb_workload *wl = &sz.wl;

        if (item->type != YAML_MAPPING_NODE) {
            errn(w, item, "each workload must be a mapping with at least 'name' and 'script', found %s",
                 kind_name(item));
            continue;
        }
        memset(&sz, 0, sizeof sz);
        wl->runs = wl->warmup = -1;
        wl->timeout = -1;
        wl->selected = 1;
        wl->loc = locof(w, item);
        walk_map(w, item, workload_keys, &sz, "a workload");
        if (!find_key(w, item, "name"))
            errn(w, item, "workload has no 'name'");
        if (!find_key(w, item, "script"))
            errn(w, item, "workload has no 'script'");
        if (!wl->name || !wl->script) {
            free_workload(wl);
            pb_strv_release(&sz.sizes);
            continue;
        }
        if (sz.sizes.n && !args_have_size(wl))
            errn(w, sz.sizes_node, "'sizes' given but no argument of '%s' contains '{size}'", wl->name);
        if (!sz.sizes.n && args_have_size(wl))
            errn(w, item, "'{size}' in the arguments of '%s' needs 'sizes:'", wl->name);
        if (sz.sizes.n < 2) {
            append_workload(w, cfg, wl);
            pb_strv_release(&sz.sizes);
            continue;
        }
        /* one workload per size, sharing everything but the args */
        for (size_t k = 0; k < sz.sizes.n; k++) {
            struct pb_workload one = *wl;
            memset(&one.args, 0, sizeof one.args);
            memset(&one.hot, 0, sizeof one.hot);
            memset(&one.tags, 0, sizeof one.tags);
            size_t n = strlen(wl->name) + strlen(sz.sizes.v[k]) + 2;
            one.name = malloc(n);
            if (one.name)
                snprintf(one.name, n, "%s@%s", wl->name, sz.sizes.v[k]);
            one.script = strdup(wl->script);
            one.description = wl->description ? strdup(wl->description) : NULL;
            one.base = strdup(wl->name);
            one.size = strtod(sz.sizes.v[k], NULL);
            if (!one.name || !one.script || !one.base || copy_strv(&one.args, &wl->args, sz.sizes.v[k]) < 0
                || copy_strv(&one.hot, &wl->hot, NULL) < 0 || copy_strv(&one.tags, &wl->tags, NULL) < 0) {
                free_workload(&one);
                break;
            }
            append_workload(w, cfg, &one);
        }
        free_workload(wl);
        pb_strv_release(&sz.sizes);
    }
}

/* ---- profilers ------------------------------------------------------------- */

static void pr_name(struct walk *w, const yaml_node_t *v, void *o, const char *key)
{
    struct pb_profiler *p = o;
    if (get_str(w, v, key, &p->name) == 0 && check_name(w, v, "profiler") < 0) {
        free(p->name);
        p->name = NULL;
    }
    if (v->type == YAML_SCALAR_NODE)
        p->loc = locof(w, v);
}

static void pr_command(struct walk *w, const yaml_node_t *v, void *o, const char *key)
{
    struct pb_profiler *p = o;

    if (get_strv(w, v, key, &p->command) < 0)
        return;
    if (p->command.n == 0) {
        errn(w, v, "'command' must not be empty");
        return;
    }
    for (yaml_node_item_t *it = v->data.sequence.items.start; it < v->data.sequence.items.top; it++)
        check_template(w, yaml_document_get_node(w->doc, *it), 1);
}

static void pr_env(struct walk *w, const yaml_node_t *v, void *o, const char *key)
{
    struct pb_profiler *p = o;

    if (!want(w, v, YAML_MAPPING_NODE, key))
        return;
    for (yaml_node_pair_t *q = v->data.mapping.pairs.start; q < v->data.mapping.pairs.top; q++) {
        yaml_node_t *k = yaml_document_get_node(w->doc, q->key);
        yaml_node_t *val = yaml_document_get_node(w->doc, q->value);
        char buf[8192];

        if (k->type != YAML_SCALAR_NODE || !*sval(k) || strchr(sval(k), '=')) {
            errn(w, k, "environment variable names must be non-empty single values without '='");
            continue;
        }
        if (val->type != YAML_SCALAR_NODE) {
            errn(w, val, "the value of environment variable '%s' must be a single value, found %s",
                 sval(k), kind_name(val));
            continue;
        }
        check_template(w, val, 0);
        snprintf(buf, sizeof buf, "%s=%s", sval(k), sval(val));
        pb_strv_push(&p->env, buf);
    }
}

static void pr_outputs(struct walk *w, const yaml_node_t *v, void *o, const char *key)
{
    struct pb_profiler *p = o;

    if (get_strv(w, v, key, &p->outputs) < 0)
        return;
    for (size_t i = 0; i < p->outputs.n; i++)
        if (p->outputs.v[i][0] == '/' || strstr(p->outputs.v[i], ".."))
            errn(w, v, "'outputs' names files inside {outdir}: '%s' must be a relative path without '..'",
                 p->outputs.v[i]);
}

static void pr_package(struct walk *w, const yaml_node_t *v, void *o, const char *key)
{
    struct pb_profiler *p = o;
    if (v->type == YAML_SCALAR_NODE && is_null(v))
        return;     /* stdlib */
    get_str(w, v, key, &p->package);
}

static void pr_desc(struct walk *w, const yaml_node_t *v, void *o, const char *key)
{
    get_str(w, v, key, &((struct pb_profiler *)o)->description);
}

static void pr_baseline(struct walk *w, const yaml_node_t *v, void *o, const char *key)
{
    get_bool(w, v, key, &((struct pb_profiler *)o)->baseline);
}

static void pr_runs(struct walk *w, const yaml_node_t *v, void *o, const char *key)
{
    get_int(w, v, key, 1, MAX_RUNS, &((struct pb_profiler *)o)->runs);
}

static void pr_warmup(struct walk *w, const yaml_node_t *v, void *o, const char *key)
{
    get_int(w, v, key, 0, MAX_RUNS, &((struct pb_profiler *)o)->warmup);
}

static void pr_timeout(struct walk *w, const yaml_node_t *v, void *o, const char *key)
{
    get_seconds(w, v, key, &((struct pb_profiler *)o)->timeout);
}

static const struct keydef profiler_keys[] = {
    { "name", pr_name }, { "command", pr_command }, { "env", pr_env }, { "outputs", pr_outputs },
    { "package", pr_package }, { "description", pr_desc }, { "baseline", pr_baseline },
    { "runs", pr_runs }, { "warmup", pr_warmup }, { "timeout", pr_timeout }, { NULL, NULL }
};

static void free_profiler(struct pb_profiler *p)
{
    free(p->name);
    pb_strv_release(&p->command);
    pb_strv_release(&p->env);
    pb_strv_release(&p->outputs);
    free(p->package);
    free(p->description);
    free(p->configdir);
}

static void add_profilers(struct walk *w, const yaml_node_t *v, void *o, const char *key)
{
    struct pb_config *cfg = w->cfg;

    if (!want(w, v, YAML_SEQUENCE_NODE, key))
        return;
    for (yaml_node_item_t *it = v->data.sequence.items.start; it < v->data.sequence.items.top; it++) {
        yaml_node_t *item = yaml_document_get_node(w->doc, *it);
        struct pb_profiler p;

        if (item->type != YAML_MAPPING_NODE) {
            errn(w, item, "each profiler must be a mapping with at least 'name' and 'command', found %s",
                 kind_name(item));
            continue;
        }
        memset(&p, 0, sizeof p);
        p.runs = p.warmup = -1;
        p.timeout = -1;
        p.selected = 1;
        p.loc = locof(w, item);
        walk_map(w, item, profiler_keys, &p, "a profiler");
        if (!find_key(w, item, "name"))
            errn(w, item, "profiler has no 'name'");
        if (!find_key(w, item, "command"))
            errn(w, item, "profiler has no 'command'");
        if (!p.name || p.command.n == 0) {
            free_profiler(&p);
            continue;
        }
        p.configdir = strdup(w->dir);
        for (size_t i = 0; i < cfg->nprofilers; i++)
            if (!strcmp(cfg->profilers[i].name, p.name)) {
                pb_diags_add(w->d, p.loc.file, p.loc.line, p.loc.col,
                             "duplicate profiler name '%s' (first defined at %s:%d:%d)", p.name,
                             cfg->profilers[i].loc.file, cfg->profilers[i].loc.line,
                             cfg->profilers[i].loc.col);
                free_profiler(&p);
                goto next;
            }
        struct pb_profiler *np = realloc(cfg->profilers, (cfg->nprofilers + 1) * sizeof *np);
        if (!np) {
            free_profiler(&p);
            return;
        }
        cfg->profilers = np;
        cfg->profilers[cfg->nprofilers++] = p;
    next:;
    }
}

/* ---- overrides: per-config settings of shared profiler definitions ---------- */

static void o_runs(struct walk *w, const yaml_node_t *v, void *o, const char *key)
{
    get_int(w, v, key, 1, MAX_RUNS, &((struct ovr *)o)->runs);
}

static void o_warmup(struct walk *w, const yaml_node_t *v, void *o, const char *key)
{
    get_int(w, v, key, 0, MAX_RUNS, &((struct ovr *)o)->warmup);
}

static void o_timeout(struct walk *w, const yaml_node_t *v, void *o, const char *key)
{
    get_seconds(w, v, key, &((struct ovr *)o)->timeout);
}

static const struct keydef override_keys[] = {
    { "runs", o_runs }, { "warmup", o_warmup }, { "timeout", o_timeout }, { NULL, NULL }
};

static void t_overrides(struct walk *w, const yaml_node_t *v, void *o, const char *key);

/* ---- top level -------------------------------------------------------------- */

static void top_only(struct walk *w, const yaml_node_t *v, const char *key)
{
    errn(w, v, "'%s' is only allowed in the top-level config, not in an included file", key);
}

static void t_overrides(struct walk *w, const yaml_node_t *v, void *o, const char *key)
{
    struct shared *sh = w->sh;

    if (!w->top) {
        top_only(w, v, key);
        return;
    }
    if (!want(w, v, YAML_MAPPING_NODE, key))
        return;
    for (yaml_node_pair_t *q = v->data.mapping.pairs.start; q < v->data.mapping.pairs.top; q++) {
        yaml_node_t *k = yaml_document_get_node(w->doc, q->key);
        yaml_node_t *val = yaml_document_get_node(w->doc, q->value);
        struct ovr ov = { NULL, locof(w, k), -1, -1, -1 };

        if (k->type != YAML_SCALAR_NODE) {
            errn(w, k, "keys of 'overrides' are profiler names, found %s", kind_name(k));
            continue;
        }
        if (!want(w, val, YAML_MAPPING_NODE, sval(k)))
            continue;
        walk_map(w, val, override_keys, &ov, "an override");
        struct ovr *nv = realloc(sh->ovr, (sh->novr + 1) * sizeof *nv);
        if (!nv)
            return;
        sh->ovr = nv;
        ov.name = strdup(sval(k));
        sh->ovr[sh->novr++] = ov;
    }
}

static void t_name(struct walk *w, const yaml_node_t *v, void *o, const char *key)
{
    if (!w->top) {
        top_only(w, v, key);
        return;
    }
    if (get_str(w, v, key, &w->cfg->name) == 0 && check_name(w, v, "config") < 0) {
        free(w->cfg->name);
        w->cfg->name = NULL;
    }
}

static void t_python(struct walk *w, const yaml_node_t *v, void *o, const char *key)
{
    char *s = NULL;

    if (!w->top) {
        top_only(w, v, key);
        return;
    }
    if (get_str(w, v, key, &s) < 0)
        return;
    if (w->sh->has_override) {        /* --python wins; do not check this one */
        free(s);
        return;
    }
    free(w->cfg->python);
    if (strchr(s, '/')) {
        /* keep a venv's bin/python as written (no realpath): resolving the
         * symlink would leave the venv */
        w->cfg->python = pb_path_join(w->dir, s);
        if (w->cfg->python && access(w->cfg->python, X_OK) != 0)
            errn(w, v, "python interpreter '%s' not found or not executable (looked at %s; run scripts/setup.sh to create .venv)",
                 s, w->cfg->python);
    } else {
        w->cfg->python = strdup(s);
        if (!in_path(s))
            errn(w, v, "python interpreter '%s' not found in PATH", s);
    }
    free(s);
}

static void d_runs(struct walk *w, const yaml_node_t *v, void *o, const char *key)
{
    if (v->type == YAML_SCALAR_NODE && !strcmp(sval(v), "auto")) {
        w->cfg->runs_auto = 1;
        return;
    }
    if (v->type == YAML_SCALAR_NODE) {
        char *end;
        errno = 0;
        (void)strtol(sval(v), &end, 10);
        if (errno || end == sval(v) || *end) {
            errn(w, v, "'runs' expects a whole number or 'auto', found '%s'", sval(v));
            return;
        }
    }
    get_int(w, v, key, 1, MAX_RUNS, &w->cfg->runs);
}

/* A fraction: 0.02 or "2%". */
static void d_precision(struct walk *w, const yaml_node_t *v, void *o, const char *key)
{
    char *end;
    double x;

    if (!want(w, v, YAML_SCALAR_NODE, key))
        return;
    errno = 0;
    x = strtod(sval(v), &end);
    if (end != sval(v) && *end == '%' && end[1] == '\0') {
        x /= 100;
        end++;
    }
    if (errno || end == sval(v) || *end || !(x > 0 && x < 1)) {
        errn(w, v, "'precision' expects a fraction above 0 and below 1 (0.02 or 2%%), found '%s'",
             sval(v));
        return;
    }
    w->cfg->precision = x;
}

static void d_min_runs(struct walk *w, const yaml_node_t *v, void *o, const char *key)
{
    get_int(w, v, key, 2, MAX_RUNS, &w->cfg->min_runs);
}

static void d_max_runs(struct walk *w, const yaml_node_t *v, void *o, const char *key)
{
    get_int(w, v, key, 2, MAX_RUNS, &w->cfg->max_runs);
}

static void d_budget(struct walk *w, const yaml_node_t *v, void *o, const char *key)
{
    get_seconds(w, v, key, &w->cfg->budget);
}

static void d_warmup(struct walk *w, const yaml_node_t *v, void *o, const char *key)
{
    get_int(w, v, key, 0, MAX_RUNS, &w->cfg->warmup);
}

static void d_timeout(struct walk *w, const yaml_node_t *v, void *o, const char *key)
{
    get_seconds(w, v, key, &w->cfg->timeout);
}

static void d_seed(struct walk *w, const yaml_node_t *v, void *o, const char *key)
{
    char *end;
    unsigned long long s;

    if (!want(w, v, YAML_SCALAR_NODE, key))
        return;
    errno = 0;
    s = strtoull(sval(v), &end, 10);
    if (errno || end == sval(v) || *end || sval(v)[0] == '-') {
        errn(w, v, "'seed' expects a non-negative whole number, found '%s'", sval(v));
        return;
    }
    w->cfg->seed = s;
    w->cfg->has_seed = 1;
}

static const struct keydef defaults_keys[] = {
    { "runs", d_runs }, { "warmup", d_warmup }, { "timeout", d_timeout }, { "seed", d_seed },
    { "precision", d_precision }, { "min_runs", d_min_runs }, { "max_runs", d_max_runs },
    { "budget", d_budget }, { NULL, NULL }
};

static void t_defaults(struct walk *w, const yaml_node_t *v, void *o, const char *key)
{
    if (!w->top) {
        top_only(w, v, key);
        return;
    }
    if (want(w, v, YAML_MAPPING_NODE, key))
        walk_map(w, v, defaults_keys, NULL, "'defaults'");
}

static void sel_list(struct walk *w, const yaml_node_t *v, const char *key, struct sel **out, size_t *n)
{
    if (!want(w, v, YAML_SEQUENCE_NODE, key))
        return;
    for (yaml_node_item_t *it = v->data.sequence.items.start; it < v->data.sequence.items.top; it++) {
        yaml_node_t *item = yaml_document_get_node(w->doc, *it);
        struct sel *ns;
        if (item->type != YAML_SCALAR_NODE) {
            errn(w, item, "each item of '%s' must be a name, found %s", key, kind_name(item));
            continue;
        }
        ns = realloc(*out, (*n + 1) * sizeof *ns);
        if (!ns)
            return;
        *out = ns;
        ns[*n].name = strdup(sval(item));
        ns[*n].loc = locof(w, item);
        (*n)++;
    }
}

static void s_profilers(struct walk *w, const yaml_node_t *v, void *o, const char *key)
{
    sel_list(w, v, key, &w->sh->sel_p, &w->sh->nsel_p);
}

static void s_workloads(struct walk *w, const yaml_node_t *v, void *o, const char *key)
{
    sel_list(w, v, key, &w->sh->sel_w, &w->sh->nsel_w);
}

static const struct keydef select_keys[] = {
    { "profilers", s_profilers }, { "workloads", s_workloads }, { NULL, NULL }
};

static void t_select(struct walk *w, const yaml_node_t *v, void *o, const char *key)
{
    if (!w->top) {
        top_only(w, v, key);
        return;
    }
    if (want(w, v, YAML_MAPPING_NODE, key))
        walk_map(w, v, select_keys, NULL, "'select'");
}

static int load_file(struct walk *parent, struct pb_config *cfg, const char *path,
                     const char *shown, const yaml_node_t *from, int depth, struct pb_diags *d,
                     struct shared *sh);

static void t_include(struct walk *w, const yaml_node_t *v, void *o, const char *key)
{
    struct pb_strv files = { 0 };

    if (get_strv(w, v, key, &files) < 0) {
        pb_strv_release(&files);        /* the items before the bad one */
        return;
    }
    for (size_t i = 0; i < files.n; i++) {
        yaml_node_t *item = yaml_document_get_node(w->doc, v->data.sequence.items.start[i]);
        char *path = pb_path_join(w->dir, files.v[i]);
        if (path)
            load_file(w, w->cfg, path, files.v[i], item, w->depth + 1, w->d, w->sh);
        free(path);
    }
    pb_strv_release(&files);
}

/* Loads path (shown in messages as `shown`, as the user wrote it); from
 * is the include item that named it, NULL for the top-level file. */
static int load_file(struct walk *parent, struct pb_config *cfg, const char *path,
                     const char *shown, const yaml_node_t *from, int depth, struct pb_diags *d,
                     struct shared *sh)
{
    /* include is NULL here: load_file handles it first so that included
     * definitions come before the file's own */
    static const struct keydef top_keys[] = {
        { "name", t_name }, { "include", NULL }, { "python", t_python },
        { "defaults", t_defaults }, { "workloads", add_workloads }, { "profilers", add_profilers },
        { "select", t_select }, { "overrides", t_overrides }, { NULL, NULL }
    };
    yaml_parser_t parser;
    yaml_document_t doc;
    struct walk w;
    char *text = NULL, *real = NULL;
    size_t len = 0;
    int errnum = 0, rc = -1, have_doc = 0;
    size_t before = d->n;

    memset(&w, 0, sizeof w);
    if (depth > MAX_INCLUDE_DEPTH) {
        errn(parent, from, "includes nested more than %d deep", MAX_INCLUDE_DEPTH);
        return -1;
    }
    real = realpath(path, NULL);
    if (!real) {
        if (parent)
            errn(parent, from, "cannot include '%s': %s", shown, strerror(errno));
        else
            pb_diags_add(d, path, 0, 0, "cannot read config: %s", strerror(errno));
        return -1;
    }
    for (size_t i = 0; i < sh->stack.n; i++)
        if (!strcmp(sh->stack.v[i], real)) {
            errn(parent, from, "include cycle: '%s' is already being loaded", shown);
            free(real);
            return -1;
        }
    text = pb_read_file(real, MAX_FILE_BYTES, &len, &errnum);
    if (!text) {
        if (parent)
            errn(parent, from, "cannot include '%s': %s", shown,
                 errnum == EFBIG ? "file larger than 1 MiB" : strerror(errnum));
        else
            pb_diags_add(d, path, 0, 0, "cannot read config: %s",
                         errnum == EFBIG ? "file larger than 1 MiB" : strerror(errnum));
        free(real);
        return -1;
    }
    /* messages name the file the way the user reached it */
    pb_strv_push(&cfg->files, path);
    w.file = cfg->files.v[cfg->files.n - 1];
    w.dir = pb_path_dir(real);
    w.d = d;
    w.cfg = cfg;
    w.top = parent == NULL;
    w.depth = depth;
    w.sh = sh;
    pb_strv_push(&sh->stack, real);

    yaml_parser_initialize(&parser);
    yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
    if (!yaml_parser_load(&parser, &doc)) {
        const yaml_mark_t *m = &parser.problem_mark;
        pb_diags_add(d, w.file, (int)m->line + 1, (int)m->column + 1, "YAML syntax error: %s%s%s",
                     parser.problem ? parser.problem : "unknown problem",
                     parser.context ? " " : "", parser.context ? parser.context : "");
        goto cleanup;
    }
    have_doc = 1;
    w.doc = &doc;
    yaml_node_t *root = yaml_document_get_root_node(&doc);
    if (!root) {
        pb_diags_add(d, w.file, 1, 1, "the file is empty: expected a mapping with 'workloads' and 'profilers'");
        goto cleanup;
    }
    if (root->type != YAML_MAPPING_NODE) {
        errn(&w, root, "a config must be a mapping of 'key: value' lines, found %s", kind_name(root));
        goto cleanup;
    }
    /* includes first, so that included definitions come first */
    const yaml_node_t *inc = find_key(&w, root, "include");
    if (inc)
        t_include(&w, inc, NULL, "include");
    walk_map(&w, root, top_keys, NULL, "the config");
    rc = d->n > before ? -1 : 0;

cleanup:
    free(sh->stack.v[--sh->stack.n]);
    sh->stack.v[sh->stack.n] = NULL;
    if (have_doc)
        yaml_document_delete(&doc);
    yaml_parser_delete(&parser);
    free(w.dir);
    free(text);
    free(real);
    return rc;
}

static void apply_select(struct pb_config *cfg, struct shared *w, struct pb_diags *d)
{
    if (w->nsel_p) {
        for (size_t i = 0; i < cfg->nprofilers; i++)
            cfg->profilers[i].selected = cfg->profilers[i].baseline;
        for (size_t s = 0; s < w->nsel_p; s++) {
            size_t i;
            for (i = 0; i < cfg->nprofilers; i++)
                if (!strcmp(cfg->profilers[i].name, w->sel_p[s].name))
                    break;
            if (i == cfg->nprofilers)
                pb_diags_add(d, w->sel_p[s].loc.file, w->sel_p[s].loc.line, w->sel_p[s].loc.col,
                             "select: no profiler named '%s'", w->sel_p[s].name);
            else
                cfg->profilers[i].selected = 1;
        }
    }
    if (w->nsel_w) {
        for (size_t i = 0; i < cfg->nworkloads; i++)
            cfg->workloads[i].selected = 0;
        for (size_t s = 0; s < w->nsel_w; s++) {
            int found = 0;
            for (size_t i = 0; i < cfg->nworkloads; i++)
                if (!strcmp(cfg->workloads[i].name, w->sel_w[s].name)
                    || (cfg->workloads[i].base && !strcmp(cfg->workloads[i].base, w->sel_w[s].name))) {
                    cfg->workloads[i].selected = 1;
                    found = 1;
                }
            if (!found)
                pb_diags_add(d, w->sel_w[s].loc.file, w->sel_w[s].loc.line, w->sel_w[s].loc.col,
                             "select: no workload named '%s'", w->sel_w[s].name);
        }
    }
}

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

struct pb_config *pb_config_load(const char *path, const char *python_override,
                                 struct pb_diags *diags)
{
    struct pb_config *cfg = calloc(1, sizeof *cfg);
    struct shared sh;
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
        if (strchr(python_override, '/') ? access(python_override, X_OK) != 0 : !in_path(python_override))
            pb_diags_add(diags, "--python", 0, 0, "python interpreter '%s' not found or not executable",
                         python_override);
    }
    load_file(NULL, cfg, path, path, NULL, 0, diags, &sh);
    pb_strv_release(&sh.stack);

    if (cfg->files.n > 0) {
        const char *top = cfg->files.v[0];
        size_t nbase = 0;
        for (size_t i = 0; i < cfg->nprofilers; i++) {
            if (!cfg->profilers[i].baseline)
                continue;
            if (nbase++ == 0)
                cfg->baseline = i;
            else
                pb_diags_add(diags, cfg->profilers[i].loc.file, cfg->profilers[i].loc.line,
                             cfg->profilers[i].loc.col,
                             "second baseline profiler '%s' (the baseline is already '%s')",
                             cfg->profilers[i].name, cfg->profilers[cfg->baseline].name);
        }
        if (diags->n == before) {
            if (nbase == 0)
                pb_diags_add(diags, top, 1, 1,
                             "no baseline profiler: one profiler needs 'baseline: true' (include profilers.yaml for 'plain')");
            if (cfg->nworkloads == 0)
                pb_diags_add(diags, top, 1, 1, "no workloads defined");
            if (!cfg->python)
                pb_diags_add(diags, top, 1, 1, "no 'python:' interpreter given (or use --python)");
        }
        apply_select(cfg, &sh, diags);
        if (cfg->runs_auto) {
            cfg->runs = cfg->min_runs;
            if (cfg->min_runs > cfg->max_runs)
                pb_diags_add(diags, top, 1, 1, "'min_runs' (%d) is above 'max_runs' (%d)",
                             cfg->min_runs, cfg->max_runs);
        }
        for (size_t o = 0; o < sh.novr; o++) {
            size_t i;
            for (i = 0; i < cfg->nprofilers; i++)
                if (!strcmp(cfg->profilers[i].name, sh.ovr[o].name))
                    break;
            if (i == cfg->nprofilers) {
                pb_diags_add(diags, sh.ovr[o].loc.file, sh.ovr[o].loc.line, sh.ovr[o].loc.col,
                             "overrides: no profiler named '%s'", sh.ovr[o].name);
                continue;
            }
            if (sh.ovr[o].runs >= 0)
                cfg->profilers[i].runs = sh.ovr[o].runs;
            if (sh.ovr[o].warmup >= 0)
                cfg->profilers[i].warmup = sh.ovr[o].warmup;
            if (sh.ovr[o].timeout > 0)
                cfg->profilers[i].timeout = sh.ovr[o].timeout;
        }
        if (!cfg->name)
            cfg->name = base_name_of(path);
    }
    for (size_t i = 0; i < sh.nsel_p; i++)
        free(sh.sel_p[i].name);
    for (size_t i = 0; i < sh.nsel_w; i++)
        free(sh.sel_w[i].name);
    free(sh.sel_p);
    free(sh.sel_w);
    for (size_t i = 0; i < sh.novr; i++)
        free(sh.ovr[i].name);
    free(sh.ovr);

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
        free_workload(&cfg->workloads[i]);
    for (size_t i = 0; i < cfg->nprofilers; i++)
        free_profiler(&cfg->profilers[i]);
    free(cfg->workloads);
    free(cfg->profilers);
    free(cfg->path);
    free(cfg->name);
    free(cfg->python);
    pb_strv_release(&cfg->files);
    free(cfg);
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
            if (!strcmp(cfg->workloads[i].name, workloads[s])
                || (cfg->workloads[i].base && !strcmp(cfg->workloads[i].base, workloads[s])))
                break;
        if (i == cfg->nworkloads)
            return pb_error_set(err, "no workload named '%s' in %s", workloads[s], cfg->path);
    }
    if (np) {
        for (size_t i = 0; i < cfg->nprofilers; i++) {
            int keep = cfg->profilers[i].baseline;
            for (size_t s = 0; s < np; s++)
                if (!strcmp(cfg->profilers[i].name, profilers[s]))
                    keep = 1;
            cfg->profilers[i].selected = keep;
        }
    }
    if (nw) {
        for (size_t i = 0; i < cfg->nworkloads; i++) {
            int keep = 0;
            for (size_t s = 0; s < nw; s++)
                if (!strcmp(cfg->workloads[i].name, workloads[s])
                    || (cfg->workloads[i].base && !strcmp(cfg->workloads[i].base, workloads[s])))
                    keep = 1;
            cfg->workloads[i].selected = keep;
        }
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

/* ---- expansion ------------------------------------------------------------------ */

struct buf {
    char *s;
    size_t n, cap;
};

static int buf_add(struct buf *b, const char *s, size_t n)
{
    if (b->n + n + 1 > b->cap) {
        size_t ncap = (b->n + n + 1) * 2;
        char *ns = realloc(b->s, ncap);
        if (!ns)
            return -1;
        b->s = ns;
        b->cap = ncap;
    }
    memcpy(b->s + b->n, s, n);
    b->n += n;
    b->s[b->n] = '\0';
    return 0;
}

static const char *lookup(const struct pb_expand_ctx *c, const char *name, struct buf *tmp)
{
    if (!strcmp(name, "python")) return c->python;
    if (!strcmp(name, "bindir")) return c->bindir;
    if (!strcmp(name, "script")) return c->script;
    if (!strcmp(name, "outdir")) return c->outdir;
    if (!strcmp(name, "workload")) return c->workload;
    if (!strcmp(name, "profiler")) return c->profiler;
    if (!strcmp(name, "configdir")) return c->configdir;
    if (!strcmp(name, "pbench")) return c->pbench;
    if (!strcmp(name, "hot")) {
        tmp->n = 0;
        buf_add(tmp, "", 0);
        for (size_t i = 0; c->hot && i < c->hot->n; i++) {
            if (i)
                buf_add(tmp, ",", 1);
            buf_add(tmp, c->hot->v[i], strlen(c->hot->v[i]));
        }
        return tmp->s;
    }
    return NULL;
}

char *pb_config_expand_string(const char *tmpl, const struct pb_expand_ctx *ctx,
                              struct pb_error *err)
{
    struct buf out = { 0 }, tmp = { 0 };

    if (buf_add(&out, "", 0) < 0)
        goto oom;
    for (const char *s = tmpl; *s; s++) {
        if ((s[0] == '{' && s[1] == '{') || (s[0] == '}' && s[1] == '}')) {
            buf_add(&out, s, 1);
            s++;
            continue;
        }
        if (*s != '{') {
            if (buf_add(&out, s, 1) < 0)
                goto oom;
            continue;
        }
        const char *close = strchr(s, '}');
        char name[64];
        if (!close || close - s - 1 >= (long)sizeof name) {
            pb_error_set(err, "bad placeholder in '%s'", tmpl);
            goto fail;
        }
        snprintf(name, sizeof name, "%.*s", (int)(close - s - 1), s + 1);
        const char *val = lookup(ctx, name, &tmp);
        if (!val) {
            pb_error_set(err, "placeholder '{%s}' has no value here (in '%s')", name, tmpl);
            goto fail;
        }
        if (buf_add(&out, val, strlen(val)) < 0)
            goto oom;
        s = close;
    }
    free(tmp.s);
    return out.s;
oom:
    pb_error_set(err, "out of memory");
fail:
    free(tmp.s);
    free(out.s);
    return NULL;
}

int pb_config_expand_command(const struct pb_profiler *p, const struct pb_expand_ctx *ctx,
                             struct pb_strv *out, struct pb_error *err)
{
    memset(out, 0, sizeof *out);
    for (size_t i = 0; i < p->command.n; i++) {
        const char *t = p->command.v[i];
        if (!strcmp(t, "{args}")) {
            for (size_t a = 0; ctx->args && a < ctx->args->n; a++)
                if (pb_strv_push(out, ctx->args->v[a]) < 0)
                    goto oom;
            continue;
        }
        char *s = pb_config_expand_string(t, ctx, err);
        if (!s)
            goto fail;
        if (pb_strv_push(out, s) < 0) {
            free(s);
            goto oom;
        }
        free(s);
    }
    if (!out->v && pb_strv_push(out, "") < 0)   /* never happens: command is non-empty */
        goto oom;
    return 0;
oom:
    pb_error_set(err, "out of memory");
fail:
    pb_strv_release(out);
    return -1;
}
