/* Finding a pyperformance benchmark in an environment. See pyperformance.h. */
#include <ctype.h>
#include <errno.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/pyperformance.h"
#include "util/fs.h"
#include "util/path.h"
#include "util/suggest.h"

#define MANIFEST_TAIL "pyperformance/data-files/benchmarks/MANIFEST"
#define MAX_META_BYTES (64 * 1024)
#define MAX_MANIFEST_BYTES (256 * 1024)

/* Where a prefix's packages may be, as glob patterns under the prefix:
 * venvs, pyenv and upstream builds; Debian's pip as root; Debian's apt. */
static const char *const site_dirs[] = {
    "lib/python3*/site-packages", "local/lib/python3*/dist-packages", "lib/python3/dist-packages",
    NULL
};

int pb_pyperf_name_ok(const char *s)
{
    size_t n = strlen(s);

    if (n == 0 || n > 64)
        return 0;
    for (const char *c = s; *c; c++)
        if (!isalnum((unsigned char)*c) && *c != '_' && *c != '-')
            return 0;
    return 1;
}

void pb_pyperf_bench_release(struct pb_pyperf_bench *b)
{
    free(b->script);
    free(b->benchdir);
    pb_strv_release(&b->extra);
    b->script = b->benchdir = NULL;
}

/* The minor version in a path's "python3.N/" component, -1 when none. */
static int minor_in_path(const char *path)
{
    const char *p = strstr(path, "/python3.");
    char *end;
    long m;

    if (!p)
        return -1;
    m = strtol(p + 9, &end, 10);
    return end > p + 9 && (*end == '/' || *end == '\0') && m >= 0 && m < 1000 ? (int)m : -1;
}

/* The MANIFEST of the pyperformance beside python (its path as written).
 * Returns a malloc'd path, or NULL with err naming every place looked at. */
static char *find_manifest(const char *python, int *minor, struct pb_error *err)
{
    char *exe = pb_which(python), *bindir = NULL, *prefix = NULL, *found = NULL;
    char looked[PB_ERROR_MSG_MAX / 2] = "";
    char basebuf[256];
    int want = -1;

    if (!exe) {
        pb_error_set(err, "cannot look for pyperformance: interpreter '%s' not found", python);
        return NULL;
    }
    /* the interpreter's own name says which python3.N to prefer */
    const char *base = pb_path_base(exe, basebuf, sizeof basebuf);
    if (!strncmp(base, "python3.", 8))
        want = atoi(base + 8);
    bindir = pb_path_dir(exe);
    prefix = bindir ? pb_path_dir(bindir) : NULL;
    if (!prefix) {
        pb_error_set(err, "out of memory");
        goto cleanup;
    }
    for (int i = 0; site_dirs[i] && !found; i++) {
        char pattern[4096];
        glob_t g;

        snprintf(pattern, sizeof pattern, "%s/%s/%s", prefix, site_dirs[i], MANIFEST_TAIL);
        snprintf(looked + strlen(looked), sizeof looked - strlen(looked), "%s%s",
                 looked[0] ? ", " : "", pattern);
        if (glob(pattern, 0, NULL, &g) != 0)
            continue;
        size_t pick = 0;
        for (size_t k = 0; k < g.gl_pathc; k++)
            if (want >= 0 && minor_in_path(g.gl_pathv[k]) == want)
                pick = k;
        if (g.gl_pathc > 0)
            found = strdup(g.gl_pathv[pick]);
        globfree(&g);
    }
    if (found)
        *minor = minor_in_path(found);
    else
        pb_error_set(err, "pyperformance is not installed beside '%s' (looked for %s): "
                     "install requirements.txt into that environment", python, looked);
cleanup:
    free(exe);
    free(bindir);
    free(prefix);
    return found;
}

/* ---- MANIFEST --------------------------------------------------------------- */

/* One benchmark of the MANIFEST's [benchmarks] section. */
struct entry {
    char name[80], metafile[160];
};

/* Reads the [benchmarks] section of MANIFEST text into a malloc'd array
 * (*n entries). Returns NULL (with *n 0) when there is none or out of memory. */
static struct entry *read_manifest(char *text, size_t *n)
{
    struct entry *list = NULL;
    size_t cap = 0;
    int in = 0;

    *n = 0;
    for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
        char name[80], meta[160];
        line[strcspn(line, "\r")] = '\0';
        if (line[0] == '[') {
            in = !strncmp(line, "[benchmarks]", 12);
            continue;
        }
        if (!in || line[0] == '#' || sscanf(line, "%79s %159s", name, meta) != 2
            || !strcmp(name, "name"))
            continue;
        if (*n == cap) {
            size_t ncap = cap ? cap * 2 : 64;
            struct entry *nl = realloc(list, ncap * sizeof *nl);
            if (!nl) {
                free(list);
                *n = 0;
                return NULL;
            }
            list = nl;
            cap = ncap;
        }
        snprintf(list[*n].name, sizeof list[*n].name, "%s", name);
        snprintf(list[*n].metafile, sizeof list[*n].metafile, "%s", meta);
        (*n)++;
    }
    return list;
}

/* ---- the benchmark's TOML --------------------------------------------------- */

/* The value of `key` in `[section]` of TOML text: a pointer to its first
 * character (it may run over several lines), or NULL when absent. Reads
 * only what pyperformance's files hold: bare keys, one per line. */
static const char *toml_value(const char *text, const char *section, const char *key)
{
    size_t klen = strlen(key);
    int in = 0;

    for (const char *line = text; line && *line; line = strchr(line, '\n'), line = line ? line + 1 : NULL) {
        const char *p = line;
        while (*p == ' ' || *p == '\t')
            p++;
        if (*p == '[') {
            size_t slen = strlen(section);
            in = !strncmp(p + 1, section, slen) && p[1 + slen] == ']';
            continue;
        }
        if (!in || strncmp(p, key, klen) != 0)
            continue;
        p += klen;
        while (*p == ' ' || *p == '\t')
            p++;
        if (*p != '=')
            continue;
        p++;
        while (*p == ' ' || *p == '\t')
            p++;
        return p;
    }
    return NULL;
}

/* A TOML string at *pp ("..." with \\ and \" escapes, or '...'), into
 * buf; *pp moves past it. Returns 0, -1 when it is not one. */
static int toml_string(const char **pp, char *buf, size_t n)
{
    const char *p = *pp;
    char quote = *p;
    size_t k = 0;

    if (quote != '"' && quote != '\'')
        return -1;
    for (p++; *p && *p != quote && *p != '\n'; p++) {
        char c = *p;
        if (quote == '"' && c == '\\') {
            c = *++p;
            if (c != '\\' && c != '"')
                return -1;      /* no benchmark needs more escapes */
        }
        if (k + 1 >= n)
            return -1;
        buf[k++] = c;
    }
    if (*p != quote)
        return -1;
    buf[k] = '\0';
    *pp = p + 1;
    return 0;
}

/* A TOML array of strings at p into out. Returns 0, -1 when it is not one. */
static int toml_string_array(const char *p, struct pb_strv *out)
{
    char item[512];

    if (*p++ != '[')
        return -1;
    for (;;) {
        while (isspace((unsigned char)*p) || *p == ',')
            p++;
        if (*p == ']')
            return 0;
        if (toml_string(&p, item, sizeof item) < 0 || pb_strv_push(out, item) < 0)
            return -1;
    }
}

/* The leading ">=3.N" of a requires-python value, N; -1 when it has none. */
static int requires_minor(const char *value)
{
    char buf[64];
    const char *p = value;

    if (!value || toml_string(&p, buf, sizeof buf) < 0)
        return -1;
    for (p = buf; *p == ' '; p++)
        ;
    if (strncmp(p, ">=", 2) != 0)
        return -1;
    for (p += 2; *p == ' '; p++)
        ;
    if (strncmp(p, "3.", 2) != 0 || !isdigit((unsigned char)p[2]))
        return -1;
    return atoi(p + 2);
}

/* Reads dir/rel into a malloc'd string, or NULL with err. */
static char *read_meta(const char *dir, const char *rel, struct pb_error *err)
{
    char path[4096];
    size_t len;
    int errnum = 0;
    char *text;

    snprintf(path, sizeof path, "%s/%s", dir, rel);
    text = pb_read_file(path, MAX_META_BYTES, &len, &errnum);
    if (!text)
        pb_error_set(err, "cannot read pyperformance's '%s': %s", path, pb_strerror(errnum));
    return text;
}

/* Fills out->extra from the metafile (a variant's own, else its base's
 * pyproject.toml) and checks requires-python against the environment's
 * minor version (-1: unknown). Returns 0 or -1 with err. */
static int read_benchmark(const char *benchdir, const char *name, const char *base,
                          const char *metafile, int minor, struct pb_pyperf_bench *out,
                          struct pb_error *err)
{
    char *meta = read_meta(benchdir, metafile, err), *basemeta = NULL;
    char baserel[256];
    int rc = -1;

    if (!meta)
        return -1;
    snprintf(baserel, sizeof baserel, "bm_%s/pyproject.toml", base);
    if (strcmp(metafile, baserel) != 0 && !(basemeta = read_meta(benchdir, baserel, err)))
        goto cleanup;
    const char *opts = toml_value(meta, "tool.pyperformance", "extra_opts");
    if (!opts && basemeta)
        opts = toml_value(basemeta, "tool.pyperformance", "extra_opts");
    if (opts && toml_string_array(opts, &out->extra) < 0) {
        pb_error_set(err, "cannot read 'extra_opts' of pyperformance benchmark '%s' in %s/%s "
                     "(expected a list of strings)", name, benchdir, metafile);
        goto cleanup;
    }
    const char *req = toml_value(meta, "project", "requires-python");
    if (!req && basemeta)
        req = toml_value(basemeta, "project", "requires-python");
    int need = requires_minor(req);
    if (minor >= 0 && need > minor) {
        pb_error_set(err, "pyperformance benchmark '%s' needs Python >=3.%d (%s/%s), "
                     "but the environment is Python 3.%d", name, need, benchdir, metafile, minor);
        goto cleanup;
    }
    rc = 0;
cleanup:
    free(meta);
    free(basemeta);
    return rc;
}

/* ---- the whole search ----------------------------------------------------------- */

/* "<local>" -> base = name, "<local:B>" -> base = B. Returns 0, -1 for
 * anything else (pbench reads only the suite's own benchmarks). */
static int parse_metafile(const char *meta, const char *name, char *base, size_t n)
{
    if (!strcmp(meta, "<local>")) {
        snprintf(base, n, "%s", name);
        return 0;
    }
    if (!strncmp(meta, "<local:", 7) && meta[strlen(meta) - 1] == '>') {
        snprintf(base, n, "%.*s", (int)(strlen(meta) - 8), meta + 7);
        return pb_pyperf_name_ok(base) ? 0 : -1;
    }
    return -1;
}

int pb_pyperf_find(const char *python, const char *name, struct pb_pyperf_bench *out,
                   struct pb_error *err)
{
    struct entry *list = NULL;
    size_t n = 0, len = 0;
    int minor = -1, errnum = 0, rc = -1;
    char *manifest, *text = NULL;
    char base[80], metafile[256], script[4096];

    memset(out, 0, sizeof *out);
    if (!(manifest = find_manifest(python, &minor, err)))
        return -1;
    out->benchdir = pb_path_dir(manifest);
    text = pb_read_file(manifest, MAX_MANIFEST_BYTES, &len, &errnum);
    if (!out->benchdir || !text) {
        pb_error_set(err, "cannot read pyperformance's '%s': %s", manifest,
                     errnum ? pb_strerror(errnum) : "out of memory");
        goto cleanup;
    }
    list = read_manifest(text, &n);
    size_t i;
    for (i = 0; i < n && strcmp(list[i].name, name) != 0; i++)
        ;
    if (i == n) {
        const char **names = calloc(n + 1, sizeof *names);
        const char *best = NULL;
        for (size_t k = 0; names && k < n; k++)
            names[k] = list[k].name;
        if (names)
            best = pb_suggest(name, names, sizeof *names);
        pb_error_set(err, "no pyperformance benchmark '%s' in %s%s%s%s", name, manifest,
                     best ? " (did you mean '" : "", best ? best : "", best ? "'?)" : "");
        free(names);
        goto cleanup;
    }
    if (parse_metafile(list[i].metafile, name, base, sizeof base) < 0) {
        pb_error_set(err, "pyperformance benchmark '%s' is described by '%s' in %s: "
                     "pbench reads only the suite's own (<local>) benchmarks",
                     name, list[i].metafile, manifest);
        goto cleanup;
    }
    if (!strcmp(base, name))
        snprintf(metafile, sizeof metafile, "bm_%s/pyproject.toml", base);
    else
        snprintf(metafile, sizeof metafile, "bm_%s/bm_%s.toml", base, name);
    if (read_benchmark(out->benchdir, name, base, metafile, minor, out, err) < 0)
        goto cleanup;
    snprintf(script, sizeof script, "%s/bm_%s/run_benchmark.py", out->benchdir, base);
    if (access(script, R_OK) != 0) {
        pb_error_set(err, "pyperformance benchmark '%s' has no script (looked at %s)", name, script);
        goto cleanup;
    }
    /* canonical: {script} is absolute even for a relative --python */
    if (!(out->script = realpath(script, NULL))) {
        pb_error_set(err, "cannot resolve '%s': %s", script, strerror(errno));
        goto cleanup;
    }
    rc = 0;
cleanup:
    if (rc < 0)
        pb_pyperf_bench_release(out);
    free(list);
    free(text);
    free(manifest);
    return rc;
}
