/* install: pbench finds its own files (shipped configs, boot.py)
 * relative to its binary, never through the source tree.
 *
 * In process: an include by bare name falls back to the shipped configs;
 * the shipped profilers reach boot.py through {datadir}.
 *
 * End to end: `cmake --install` into a temporary prefix, the prefix moved
 * to another directory, then, with the source and build trees hidden (a
 * private mount namespace with an empty directory mounted over both), the
 * installed pbench runs a config that includes profilers.yaml by name and
 * writes a report on it, with the shipped reference table (configs/reference/
 * installed with the configs). Where no mount namespace can be made, the test
 * says so on stderr and only checks that nothing the run wrote names the
 * source or build tree. */
#include <check.h>
#include <errno.h>
#include <ftw.h>
#include <jansson.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/config.h"
#include "core/template.h"
#include "testutil.h"
#include "util/datadir.h"
#include "util/path.h"

/* ---- in process: include by name and {datadir} ---- */

static char *dir;

static void setup(void)
{
    dir = tu_mkdtemp();
    ck_assert_ptr_nonnull(dir);
    free(tu_write_file(dir, "w.py", "print('hi')\n"));
}

static void teardown(void)
{
    tu_rmtree(dir);
    free(dir);
}

/* Loads text as dir/c.yaml. */
static struct pb_config *load(const char *text, struct pb_diags *d)
{
    char *path = tu_write_file(dir, "c.yaml", text);
    struct pb_config *cfg;

    memset(d, 0, sizeof *d);
    cfg = pb_config_load(path, NULL, d);
    free(path);
    return cfg;
}

static const struct pb_profiler *profiler(const struct pb_config *cfg, const char *name)
{
    for (size_t i = 0; i < cfg->nprofilers; i++)
        if (!strcmp(cfg->profilers[i].name, name))
            return &cfg->profilers[i];
    ck_abort_msg("no profiler '%s'", name);
    return NULL;
}

START_TEST(bare_include_falls_back_to_shipped_configs)
{
    struct pb_diags d;
    struct pb_error err;
    struct pb_config *cfg = load("include: [profilers.yaml]\npython: /bin/sh\n"
                                 "workloads: [{name: a, script: w.py}]\n", &d);
    ck_assert_msg(cfg != NULL, "first diag: %s", d.n ? d.items[0].msg : "");
    char *shipped = pb_datadir_path("configs/profilers.yaml", &err);
    ck_assert_msg(shipped != NULL, "%s", err.msg);
    ck_assert_uint_eq(cfg->files.n, 2);
    ck_assert_str_eq(cfg->files.v[1], shipped);
    ck_assert_str_eq(cfg->profilers[cfg->baseline].name, "plain");
    profiler(cfg, "cProfile");
    free(shipped);
    pb_config_free(cfg);
    pb_diags_release(&d);
}
END_TEST

START_TEST(file_beside_wins_over_shipped)
{
    struct pb_diags d;
    char *mine = tu_write_file(dir, "profilers.yaml",
                               "profilers:\n  - name: mine\n    baseline: true\n"
                               "    command: [\"{python}\", \"{script}\"]\n");
    struct pb_config *cfg = load("include: [profilers.yaml]\npython: /bin/sh\n"
                                 "workloads: [{name: a, script: w.py}]\n", &d);
    ck_assert_msg(cfg != NULL, "first diag: %s", d.n ? d.items[0].msg : "");
    ck_assert_uint_eq(cfg->nprofilers, 1);
    ck_assert_str_eq(cfg->profilers[0].name, "mine");
    ck_assert_str_eq(cfg->files.v[1], mine);
    free(mine);
    pb_config_free(cfg);
    pb_diags_release(&d);
}
END_TEST

START_TEST(missing_include_names_both_places)
{
    struct pb_diags d;
    struct pb_error err;
    char beside[PATH_MAX];
    struct pb_config *cfg = load("python: /bin/sh\ninclude: [nope.yaml]\n", &d);
    char *shipped = pb_datadir_path("configs/nope.yaml", &err);

    ck_assert_ptr_null(cfg);
    ck_assert_ptr_nonnull(shipped);
    ck_assert_ptr_nonnull(realpath(dir, beside));
    strcat(beside, "/nope.yaml");
    ck_assert_uint_ge(d.n, 1);
    ck_assert_int_eq(d.items[0].line, 2);
    ck_assert_int_eq(d.items[0].col, 11);
    ck_assert_msg(strstr(d.items[0].msg, "cannot include 'nope.yaml'")
                  && strstr(d.items[0].msg, beside) && strstr(d.items[0].msg, shipped),
                  "message: %s", d.items[0].msg);
    free(shipped);
    pb_diags_release(&d);
}
END_TEST

/* A path (with a '/') means that file, never a shipped one. */
START_TEST(include_path_is_not_looked_up_in_datadir)
{
    struct pb_diags d;
    struct pb_config *cfg = load("python: /bin/sh\ninclude: [./profilers.yaml]\n", &d);

    ck_assert_ptr_null(cfg);
    ck_assert_uint_ge(d.n, 1);
    ck_assert_int_eq(d.items[0].line, 2);
    ck_assert_int_eq(d.items[0].col, 11);
    ck_assert_msg(strstr(d.items[0].msg, "cannot include './profilers.yaml': No such file"),
                  "message: %s", d.items[0].msg);
    pb_diags_release(&d);
}
END_TEST

/* The shipped line_profiler and memory_profiler start boot.py from the
 * data directory, where the build tree and an install both have it. */
START_TEST(shipped_profilers_reach_boot_py)
{
    static const char *const names[] = { "line_profiler", "memory_profiler", NULL };
    struct pb_diags d;
    struct pb_error err;
    struct pb_strv args = { 0 }, hot = { 0 };
    struct pb_config *cfg = load("include: [profilers.yaml]\npython: /bin/sh\n"
                                 "workloads: [{name: a, script: w.py}]\n", &d);
    ck_assert_msg(cfg != NULL, "first diag: %s", d.n ? d.items[0].msg : "");
    char *boot = pb_datadir_path("py/boot.py", &err);
    ck_assert_msg(boot != NULL, "%s", err.msg);
    ck_assert_int_eq(access(boot, R_OK), 0);
    for (int i = 0; names[i]; i++) {
        const struct pb_profiler *p = profiler(cfg, names[i]);
        struct pb_template_ctx ctx = { "/py", "/bin", "/s.py", "/out", "a", p->name, p->configdir,
                                       "/pbench", &args, &hot };
        struct pb_strv argv;
        ck_assert_msg(pb_template_expand_argv(&p->command, &ctx, &argv, &err) == 0, "%s", err.msg);
        ck_assert_uint_ge(argv.n, 2);
        ck_assert_str_eq(argv.v[1], boot);
        pb_strv_release(&argv);
    }
    free(boot);
    pb_config_free(cfg);
    pb_diags_release(&d);
}
END_TEST

/* ---- end to end: install, move, hide the trees, run, report ---- */

/* A workload that, given --boot PATH, fails unless PATH is a file. */
static const char *tiny_py =
    "import os, sys\n"
    "if sys.argv[1:2] == ['--boot'] and not os.path.isfile(sys.argv[2]):\n"
    "    sys.exit('no boot.py at ' + sys.argv[2])\n"
    "print(sum(i * i for i in range(20000)))\n";

/* profilers.yaml by name, from wherever this config is: the shipped one. */
static const char *tiny_yaml =
    "include: [profilers.yaml]\n"
    "python: %s\n"
    "defaults: {runs: 2, warmup: 0, timeout: 60, seed: 7}\n"
    "workloads:\n"
    "  - name: tiny\n"
    "    script: tiny.py\n"
    "profilers:\n"
    "  - name: datadir_probe\n"
    "    command: [\"{python}\", \"{script}\", \"--boot\", \"{datadir}/py/boot.py\"]\n"
    "select: {profilers: [cProfile, datadir_probe]}\n";

/* The trees the installed pbench must not need. */
struct trees {
    char *path[4];          /* as given and resolved, deepest first */
    size_t n;
};

static void add_tree(struct trees *t, const char *p)
{
    char buf[PATH_MAX];

    for (int pass = 0; pass < 2; pass++) {
        const char *x = pass ? realpath(p, buf) : p;
        int dup = 0;
        if (!x)
            continue;
        for (size_t i = 0; i < t->n; i++)
            dup |= !strcmp(t->path[i], x);
        if (!dup)
            t->path[t->n++] = strdup(x);
    }
}

static int by_length_desc(const void *a, const void *b)
{
    size_t la = strlen(*(char *const *)a), lb = strlen(*(char *const *)b);
    return la < lb ? 1 : la > lb ? -1 : 0;
}

/* 1 when path is tree or inside it. */
static int under(const char *path, const char *tree)
{
    size_t n = strlen(tree);
    return !strncmp(path, tree, n) && (path[n] == '\0' || path[n] == '/');
}

static int under_any(const char *path, const struct trees *t)
{
    for (size_t i = 0; i < t->n; i++)
        if (under(path, t->path[i]))
            return 1;
    return 0;
}

/* An interpreter outside the trees: the tests' own, resolved (a venv's
 * python is a link to the system's), else python3 from PATH. */
static char *outside_python(const struct trees *t)
{
    const char *cands[] = { tu_python(), "python3" };

    for (int i = 0; i < 2; i++) {
        char *found = pb_which(cands[i]);
        char *real = found ? realpath(found, NULL) : NULL;
        free(found);
        if (real && !under_any(real, t))
            return real;
        free(real);
    }
    ck_abort_msg("no python interpreter outside the source and build trees");
    return NULL;
}

/* 1 when this process may make a private mount namespace and mount in it. */
static int can_hide(const char *empty)
{
    char *argv[] = { "unshare", "--mount", "--propagation", "private", "--",
                     "mount", "--bind", (char *)empty, (char *)empty, NULL };
    return tu_run(argv, NULL) == 0;
}

/* Runs cmd in directory cwd; when hide is set, in a private mount
 * namespace where an empty directory covers every tree. Returns like
 * tu_run. */
static int run_outside(const struct trees *t, int hide, const char *empty, const char *cwd,
                       char *const cmd[], char **out)
{
    static const char script[] =
        "cd \"$1\" || exit 126; e=$2; shift 2\n"
        "while [ \"$1\" != -- ]; do mount --bind \"$e\" \"$1\" || exit 125; shift; done\n"
        "shift; exec \"$@\"\n";
    char *argv[64];
    int n = 0;

    if (hide) {
        argv[n++] = "unshare";
        argv[n++] = "--mount";
        argv[n++] = "--propagation";
        argv[n++] = "private";
        argv[n++] = "--";
    }
    argv[n++] = "sh";
    argv[n++] = "-c";
    argv[n++] = (char *)script;
    argv[n++] = "sh";
    argv[n++] = (char *)cwd;
    argv[n++] = (char *)empty;
    for (size_t i = 0; hide && i < t->n; i++)
        argv[n++] = t->path[i];
    argv[n++] = "--";
    for (int i = 0; cmd[i] && n < 63; i++)
        argv[n++] = cmd[i];
    argv[n] = NULL;
    return tu_run(argv, out);
}

/* Every file of a results directory, checked for paths into the trees. */
static const struct trees *scan_trees;
static char scan_hit[PATH_MAX * 2];

static int scan_one(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
    if (type != FTW_F || st->st_size > (1 << 22))
        return 0;
    char *text = tu_read_file(path);
    for (size_t i = 0; text && i < scan_trees->n; i++)
        if (strstr(text, scan_trees->path[i])) {
            snprintf(scan_hit, sizeof scan_hit, "%s names %s", path, scan_trees->path[i]);
            free(text);
            return 1;
        }
    free(text);
    return 0;
}

static void assert_names_no_tree(const char *results, const char *out, const struct trees *t)
{
    for (size_t i = 0; i < t->n; i++)
        ck_assert_msg(!strstr(out, t->path[i]), "pbench's output names %s:\n%s", t->path[i], out);
    scan_trees = t;
    scan_hit[0] = '\0';
    ck_assert_int_ge(nftw(results, scan_one, 16, FTW_PHYS), 0);
    ck_assert_msg(!scan_hit[0], "%s", scan_hit);
}

/* Every record of runs.jsonl is ok; returns how many there are. */
static int count_ok_runs(const char *results)
{
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s/runs.jsonl", results);
    char *text = tu_read_file(path);
    int n = 0;

    ck_assert_msg(text != NULL, "no %s", path);
    for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
        json_error_t jerr;
        json_t *rec = json_loads(line, 0, &jerr);
        ck_assert_msg(rec != NULL, "bad record: %s", line);
        const char *st = json_string_value(json_object_get(rec, "status"));
        ck_assert_msg(st && !strcmp(st, "ok"), "a run that is not ok: %s", line);
        json_decref(rec);
        n++;
    }
    free(text);
    return n;
}

START_TEST(relocated_install_runs_and_reports)
{
    char *stage = tu_mkdtemp(), *moved = tu_mkdtemp(), *work = tu_mkdtemp(), *empty = tu_mkdtemp();
    char first[PATH_MAX], prefix[PATH_MAX], bin[PATH_MAX], text[4096], path[PATH_MAX];
    struct trees t = { { 0 }, 0 };
    char *out = NULL;
    int rc;

    ck_assert(stage && moved && work && empty);
    add_tree(&t, PB_SOURCE_DIR);
    add_tree(&t, PB_BUILD_DIR);
    qsort(t.path, t.n, sizeof t.path[0], by_length_desc);
    ck_assert_msg(!under_any(work, &t) && !under_any(moved, &t),
                  "the temporary directories (%s) are inside the source or build tree", work);

    /* install, then move the prefix: nothing may point at where it was */
    snprintf(first, sizeof first, "%s/prefix", stage);
    char *install[] = { PB_CMAKE_COMMAND, "--install", PB_BUILD_DIR, "--prefix", first, NULL };
    rc = tu_run(install, &out);
    ck_assert_msg(rc == 0, "cmake --install exited %d:\n%s", rc, out);
    free(out);
    snprintf(prefix, sizeof prefix, "%s/pbench", moved);
    ck_assert_msg(rename(first, prefix) == 0, "cannot move %s: %s", first, strerror(errno));
    tu_rmtree(stage);
    snprintf(bin, sizeof bin, "%s/bin/pbench", prefix);

    char *python = outside_python(&t);
    free(tu_write_file(work, "tiny.py", tiny_py));
    snprintf(text, sizeof text, tiny_yaml, python);
    free(tu_write_file(work, "tiny.yaml", text));
    free(python);

    int hide = can_hide(empty);
    if (!hide)
        fprintf(stderr, "install: no private mount namespace here (unshare --mount failed): "
                        "the source tree stays visible; checking only that no output names it\n");

    char *run[] = { bin, "run", "tiny.yaml", "-o", "results", "--no-plot", NULL };
    rc = run_outside(&t, hide, empty, work, run, &out);
    ck_assert_msg(rc == 0, "installed pbench run exited %d:\n%s", rc, out);
    snprintf(path, sizeof path, "%s/results", work);
    char *results = tu_only_subdir(path);
    ck_assert_msg(results != NULL, "no results directory in %s:\n%s", path, out);
    ck_assert_int_eq(count_ok_runs(results), 3 * 2);    /* plain, cProfile, probe x 2 rounds */
    /* the profilers came from the moved prefix's shipped profilers.yaml */
    snprintf(path, sizeof path, "%s/config-resolved.json", results);
    char *resolved = tu_read_file(path);
    char real_prefix[PATH_MAX];
    ck_assert_ptr_nonnull(realpath(prefix, real_prefix));
    snprintf(path, sizeof path, "%s/share/pbench/configs", real_prefix);
    ck_assert_msg(resolved && strstr(resolved, path), "config-resolved.json does not name %s", path);
    free(resolved);
    assert_names_no_tree(results, out, &t);
    free(out);

    /* the shipped reference tables are installed with the configs */
    char *report[] = { bin, "report", results, "--reference", "reference/scalene-osdi23.yaml",
                       NULL };
    rc = run_outside(&t, hide, empty, work, report, &out);
    ck_assert_msg(rc == 0, "installed pbench report exited %d:\n%s", rc, out);
    snprintf(path, sizeof path, "%s/report.md", results);
    char *md = tu_read_file(path);
    ck_assert_msg(md && strstr(md, "cProfile") && strstr(md, "datadir_probe"),
                  "report.md missing or without the profilers");
    ck_assert_msg(strstr(md, "## Published versus measured")
                  && strstr(md, "(shipped with pbench)"), "report.md without the reference");
    free(md);
    assert_names_no_tree(results, out, &t);
    free(out);

    free(results);
    for (size_t i = 0; i < t.n; i++)
        free(t.path[i]);
    tu_rmtree(moved);
    tu_rmtree(work);
    tu_rmtree(empty);
    free(stage);
    free(moved);
    free(work);
    free(empty);
}
END_TEST

Suite *install_suite(void)
{
    Suite *s = suite_create("install");
    TCase *datadir = tcase_create("datadir");
    TCase *e2e = tcase_create("relocated");

    tcase_add_checked_fixture(datadir, setup, teardown);
    tcase_add_test(datadir, bare_include_falls_back_to_shipped_configs);
    tcase_add_test(datadir, file_beside_wins_over_shipped);
    tcase_add_test(datadir, missing_include_names_both_places);
    tcase_add_test(datadir, include_path_is_not_looked_up_in_datadir);
    tcase_add_test(datadir, shipped_profilers_reach_boot_py);
    suite_add_tcase(s, datadir);
    tcase_set_timeout(e2e, 120);
    tcase_add_test(e2e, relocated_install_runs_and_reports);
    suite_add_tcase(s, e2e);
    return s;
}
