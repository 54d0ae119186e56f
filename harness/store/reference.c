/*
 * reference: a reference file, YAML -> struct pb_reference. See
 * reference.h; the keys are in the tables below and in docs/reference.md.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <yaml.h>

#include "core/yamlwalk.h"
#include "store/reference.h"
#include "util/datadir.h"
#include "util/fs.h"
#include "util/path.h"

#define MAX_FILE_BYTES (1 << 20)

static const char *const formats[] = { PB_REFERENCE_FORMAT, NULL };

/* The load's state, as yw->user. */
struct walk {
    struct pb_reference *ref;
    int oom;
};

static struct walk *walk_of(struct pb_yw *yw)
{
    return yw->user;
}

/* pb_yw_get_str, telling out of memory (no error appended) apart. */
static void get_str(struct pb_yw *yw, const yaml_node_t *v, const char *key, char **out)
{
    size_t before = yw->diags->n;

    if (pb_yw_get_str(yw, v, key, out) < 0 && yw->diags->n == before)
        walk_of(yw)->oom = 1;
}

/* ---- source: ------------------------------------------------------------ */

#define SOURCE_STR(field)                                                                   \
    static void s_##field(struct pb_yw *yw, const yaml_node_t *v, void *o, const char *key) \
    {                                                                                       \
        get_str(yw, v, key, &((struct pb_reference *)o)->field);                            \
    }
SOURCE_STR(title)
SOURCE_STR(authors)
SOURCE_STR(venue)
SOURCE_STR(url)
SOURCE_STR(table)

static const struct pb_yw_key source_keys[] = {
    { "title", s_title },
    { "authors", s_authors },
    { "venue", s_venue },
    { "url", s_url },
    { "table", s_table },
    { NULL, NULL },
};

/* ---- profilers: ----------------------------------------------------------- */

/* A profiler name as configs/profilers.yaml allows it: the config's one
 * rule (util/path). */
static int valid_name(const char *s)
{
    return pb_name_ok(s);
}

static void p_paper(struct pb_yw *yw, const yaml_node_t *v, void *o, const char *key)
{
    get_str(yw, v, key, &((struct pb_reference_entry *)o)->paper);
}

static void p_pbench(struct pb_yw *yw, const yaml_node_t *v, void *o, const char *key)
{
    struct pb_reference_entry *e = o;

    if (pb_yw_is_null(v))           /* `pbench: ~`: not in pbench, said outright */
        return;
    get_str(yw, v, key, &e->pbench);
    if (e->pbench && !valid_name(e->pbench)) {
        pb_yw_error(yw, v, "'pbench' names a profiler of configs/profilers.yaml: 1-64 letters, "
                    "digits, '_', '-' or '.', not starting with '.'; found '%s'", e->pbench);
        free(e->pbench);
        e->pbench = NULL;
    }
}

static void p_value(struct pb_yw *yw, const yaml_node_t *v, void *o, const char *key)
{
    struct pb_reference_entry *e = o;
    const char *s;
    double x;

    if (!pb_yw_want(yw, v, YAML_SCALAR_NODE, key))
        return;
    s = pb_yw_str(v);
    if (!pb_yw_plain_number(v, &x) || !isfinite(x)) {
        pb_yw_error(yw, v, "'%s' expects a number (an overhead such as 1.73), found '%s'", key, s);
        return;
    }
    if (x <= 0) {
        pb_yw_error(yw, v, "'%s' must be above 0 (a ratio to the baseline), found %s", key, s);
        return;
    }
    e->value = x;
}

static void p_note(struct pb_yw *yw, const yaml_node_t *v, void *o, const char *key)
{
    get_str(yw, v, key, &((struct pb_reference_entry *)o)->note);
}

static const struct pb_yw_key entry_keys[] = {
    { "paper", p_paper },
    { "pbench", p_pbench },
    { "value", p_value },
    { "note", p_note },
    { NULL, NULL },
};

/* An earlier entry of r (before e) with e's paper name (pbench 0) or
 * pbench name (pbench 1), or NULL. */
static const struct pb_reference_entry *earlier(const struct pb_reference *r,
                                                const struct pb_reference_entry *e, int pbench)
{
    const char *name = pbench ? e->pbench : e->paper;

    for (const struct pb_reference_entry *p = r->entries; name && p < e; p++) {
        const char *other = pbench ? p->pbench : p->paper;
        if (other && !strcmp(other, name))
            return p;
    }
    return NULL;
}

/* One item of profilers:, walked into the next entry of the reference. */
static void walk_entry(struct pb_yw *yw, const yaml_node_t *item)
{
    struct pb_reference *r = walk_of(yw)->ref;
    struct pb_reference_entry *e = &r->entries[r->nentries];
    const struct pb_reference_entry *dup;

    if (item->type != YAML_MAPPING_NODE) {
        pb_yw_error(yw, item, "each item of 'profilers' must be a mapping with 'paper' and "
                    "'value', found %s", pb_yw_kind(item));
        return;
    }
    memset(e, 0, sizeof *e);
    e->value = NAN;
    e->line = pb_yw_line(item);
    r->nentries++;      /* owned from here on, whatever follows */
    pb_yw_walk_map(yw, item, entry_keys, e, "a profiler of the reference");
    if (!pb_yw_find_key(yw, item, "paper"))
        pb_yw_error(yw, item, "this profiler has no 'paper' (its name in the source)");
    if (!pb_yw_find_key(yw, item, "value"))
        pb_yw_error(yw, item, "this profiler has no 'value' (the published figure)");
    if ((dup = earlier(r, e, 0)))
        pb_yw_error(yw, item, "profiler '%s' is in the reference twice (first at line %d)",
                    e->paper, dup->line);
    if ((dup = earlier(r, e, 1)))
        pb_yw_error(yw, item, "pbench profiler '%s' is named twice (first at line %d)",
                    e->pbench, dup->line);
}

static void t_profilers(struct pb_yw *yw, const yaml_node_t *v, void *o, const char *key)
{
    struct pb_reference *r = o;
    size_t n;

    if (!pb_yw_want(yw, v, YAML_SEQUENCE_NODE, key))
        return;
    n = pb_yw_len(v);
    if (n == 0) {
        pb_yw_error(yw, v, "'profilers' is empty: a reference needs at least one figure");
        return;
    }
    r->entries = calloc(n, sizeof *r->entries);
    if (!r->entries) {
        walk_of(yw)->oom = 1;
        return;
    }
    for (size_t i = 0; i < n; i++)
        walk_entry(yw, pb_yw_item(yw, v, i));
}

/* ---- the top level -------------------------------------------------------- */

static void t_name(struct pb_yw *yw, const yaml_node_t *v, void *o, const char *key)
{
    get_str(yw, v, key, &((struct pb_reference *)o)->name);
}

static void t_source(struct pb_yw *yw, const yaml_node_t *v, void *o, const char *key)
{
    if (pb_yw_want(yw, v, YAML_MAPPING_NODE, key))
        pb_yw_walk_map(yw, v, source_keys, o, "'source'");
}

static void t_statistic(struct pb_yw *yw, const yaml_node_t *v, void *o, const char *key)
{
    struct pb_reference *r = o;

    if (!pb_yw_want(yw, v, YAML_SCALAR_NODE, key))
        return;
    if (strcmp(pb_yw_str(v), "median") != 0) {
        pb_yw_error(yw, v, "statistic '%s' is not one pbench computes (median)", pb_yw_str(v));
        return;
    }
    r->statistic = PB_REFERENCE_MEDIAN;
}

#define TOP_STR(field)                                                                      \
    static void t_##field(struct pb_yw *yw, const yaml_node_t *v, void *o, const char *key) \
    {                                                                                       \
        get_str(yw, v, key, &((struct pb_reference *)o)->field);                            \
    }
TOP_STR(description)
TOP_STR(python)
TOP_STR(benchmarks)
TOP_STR(machine)
TOP_STR(note)

static const struct pb_yw_key top_keys[] = {
    { "format", NULL },         /* checked first, in check_format */
    { "name", t_name },
    { "source", t_source },
    { "statistic", t_statistic },
    { "description", t_description },
    { "python", t_python },
    { "benchmarks", t_benchmarks },
    { "machine", t_machine },
    { "note", t_note },
    { "profilers", t_profilers },
    { NULL, NULL },
};

/* 0 when root's format is one this pbench reads; else -1 with the one
 * error worth reading (nothing else of a file of another format is). */
static int check_format(struct pb_yw *yw, const yaml_node_t *root)
{
    const yaml_node_t *f = pb_yw_find_key(yw, root, "format");
    char known[256] = "";

    if (!f) {
        pb_yw_error(yw, root, "no 'format': a reference file starts with 'format: %s'",
                    PB_REFERENCE_FORMAT);
        return -1;
    }
    if (!pb_yw_want(yw, f, YAML_SCALAR_NODE, "format"))
        return -1;
    for (int i = 0; formats[i]; i++) {
        if (!strcmp(pb_yw_str(f), formats[i]))
            return 0;
        snprintf(known + strlen(known), sizeof known - strlen(known), "%s%s", i ? ", " : "",
                 formats[i]);
    }
    pb_yw_error(yw, f, "format '%s' is not one this pbench reads (%s); a newer pbench wrote it?",
                pb_yw_str(f), known);
    return -1;
}

/* The required keys the walk did not find, each an error at root. */
static void check_required(struct pb_yw *yw, const yaml_node_t *root)
{
    static const char *const top[] = { "name", "source", "statistic", "description", "python",
                                       "profilers", NULL };
    static const char *const source[] = { "title", "venue", "table", NULL };
    const yaml_node_t *src = pb_yw_find_key(yw, root, "source");

    for (int i = 0; top[i]; i++)
        if (!pb_yw_find_key(yw, root, top[i]))
            pb_yw_error(yw, root, "the reference has no '%s' (see docs/reference.md)", top[i]);
    if (!src || src->type != YAML_MAPPING_NODE)
        return;
    for (int i = 0; source[i]; i++)
        if (!pb_yw_find_key(yw, src, source[i]))
            pb_yw_error(yw, src, "'source' has no '%s' (where the figures were published)",
                        source[i]);
}

/* Parses and walks text into w->ref; the errors go to yw->diags. */
static void walk_text(struct pb_yw *yw, const char *text, size_t len)
{
    yaml_document_t doc;
    const yaml_node_t *root;

    if (pb_yw_parse(text, len, yw->file, &doc, yw->diags) < 0)
        return;
    yw->doc = &doc;
    root = yaml_document_get_root_node(&doc);
    if (!root)
        pb_diags_add(yw->diags, yw->file, 1, 1, "the file is empty: expected 'format: %s' and "
                     "the reference's keys", PB_REFERENCE_FORMAT);
    else if (root->type != YAML_MAPPING_NODE)
        pb_yw_error(yw, root, "a reference file is a mapping of 'key: value' lines, found %s",
                    pb_yw_kind(root));
    else if (check_format(yw, root) == 0) {
        pb_yw_walk_map(yw, root, top_keys, walk_of(yw)->ref, "the reference");
        check_required(yw, root);
    }
    yaml_document_delete(&doc);
}

struct pb_reference *pb_reference_load(const char *path, struct pb_diags *diags)
{
    struct pb_reference *r = calloc(1, sizeof *r);
    struct walk w = { .ref = r };
    struct pb_yw yw = { .file = path, .diags = diags, .user = &w };
    size_t len = 0, before = diags->n;
    int errnum = 0;
    char *text = NULL;

    if (!r || !(r->path = strdup(path))) {
        pb_diags_add(diags, path, 0, 0, "out of memory");
        goto fail;
    }
    text = pb_read_file(path, MAX_FILE_BYTES, &len, &errnum);
    if (!text) {
        pb_diags_add(diags, path, 0, 0, "cannot read the reference file: %s",
                     errnum == EFBIG ? "file larger than 1 MiB" : pb_strerror(errnum));
        goto fail;
    }
    walk_text(&yw, text, len);
    free(text);
    if (w.oom)
        pb_diags_add(diags, path, 0, 0, "out of memory");
    if (diags->n == before)
        return r;
fail:
    pb_reference_free(r);
    return NULL;
}

struct pb_reference *pb_reference_load_named(const char *given, struct pb_diags *diags)
{
    struct pb_reference *r;
    struct pb_error err;
    struct stat st;
    char *rel, *shipped;

    if (stat(given, &st) == 0 || given[0] == '/')
        return pb_reference_load(given, diags);
    rel = pb_path_join("configs", given);
    pb_error_clear(&err);
    shipped = rel ? pb_datadir_path(rel, &err) : NULL;
    free(rel);
    if (!shipped) {
        pb_diags_add(diags, given, 0, 0, "no such reference file (and pbench's shipped "
                     "configs cannot be found: %s)", err.msg[0] ? err.msg : "out of memory");
        return NULL;
    }
    if (stat(shipped, &st) != 0) {
        pb_diags_add(diags, given, 0, 0, "no such reference file (looked here, then among "
                     "pbench's shipped configs at %s)", shipped);
        free(shipped);
        return NULL;
    }
    r = pb_reference_load(shipped, diags);
    free(shipped);
    if (r) {                    /* named as the user named it */
        char *copy = strdup(given);
        if (!copy) {
            pb_diags_add(diags, given, 0, 0, "out of memory");
            pb_reference_free(r);
            return NULL;
        }
        free(r->path);
        r->path = copy;
        r->shipped = 1;
    }
    return r;
}

void pb_reference_free(struct pb_reference *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->nentries; i++) {
        free(r->entries[i].paper);
        free(r->entries[i].pbench);
        free(r->entries[i].note);
    }
    free(r->entries);
    free(r->path);
    free(r->name);
    free(r->title);
    free(r->authors);
    free(r->venue);
    free(r->url);
    free(r->table);
    free(r->description);
    free(r->python);
    free(r->benchmarks);
    free(r->machine);
    free(r->note);
    free(r);
}

const struct pb_reference_entry *pb_reference_find(const struct pb_reference *r,
                                                   const char *name)
{
    for (size_t i = 0; r && name && i < r->nentries; i++)
        if (r->entries[i].pbench && !strcmp(r->entries[i].pbench, name))
            return &r->entries[i];
    return NULL;
}

const char *pb_reference_stat_name(enum pb_reference_stat s)
{
    switch (s) {
    case PB_REFERENCE_MEDIAN: return "median";
    }
    return "?";
}
