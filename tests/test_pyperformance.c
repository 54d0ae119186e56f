/* pyperformance: finding a benchmark of the suite beside an interpreter,
 * in a fake environment laid out as pyperformance installs itself (a
 * MANIFEST, bm_<name>/ folders, variants' bm_<variant>.toml): the
 * script, a variant's extra_opts (its own or its base's), the Python it
 * requires, and every way of not finding it. The real suite is run in
 * test_pyperf_e2e.c. */
#include <check.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/pyperformance.h"
#include "testutil.h"

static char *dir;

#define SUITE_DIR "env/lib/python3.11/site-packages/pyperformance/data-files/benchmarks"

/* Writes text to dir/rel, making the folders on the way. */
static void put(const char *rel, const char *text)
{
    char path[4096];

    snprintf(path, sizeof path, "%s/%s", dir, rel);
    for (char *s = strchr(path + strlen(dir) + 1, '/'); s; s = strchr(s + 1, '/')) {
        *s = '\0';
        mkdir(path, 0755);
        *s = '/';
    }
    free(tu_write_file(dir, rel, text));
}

/* An interpreter at dir/rel/bin/python (a link to /bin/sh: only its
 * place matters). */
static void interpreter(const char *rel)
{
    char path[4096];

    snprintf(path, sizeof path, "%s/bin/.keep", rel);
    put(path, "");
    snprintf(path, sizeof path, "%s/%s/bin/python", dir, rel);
    ck_assert_int_eq(symlink("/bin/sh", path), 0);
}

static void setup(void)
{
    dir = tu_mkdtemp();
    ck_assert_ptr_nonnull(dir);
    interpreter("env");
    put(SUITE_DIR "/MANIFEST",
        "[benchmarks]\n"
        "\n"
        "name\tmetafile\n"
        "tree\t<local>\n"
        "tree_io\t<local:tree>\n"
        "tree_plain\t<local:tree>\n"
        "tree_new\t<local:tree>\n"
        "#gone\t<local>\n"
        "elsewhere\t/opt/bm/pyproject.toml\n"
        "noscript\t<local>\n"
        "badopts\t<local>\n"
        "\n"
        "[group default]\n"
        "notabench\t<local>\n");
    put(SUITE_DIR "/bm_tree/pyproject.toml",
        "[project]\n"
        "name = \"pyperformance_bm_tree\"\n"
        "requires-python = \">=3.8\"\n"
        "dependencies = [\"pyperf\"]\n"
        "\n"
        "[tool.pyperformance]\n"
        "name = \"tree\"\n"
        "extra_opts = [\"none\"]\n");
    put(SUITE_DIR "/bm_tree/bm_tree_io.toml",
        "[tool.pyperformance]\n"
        "name = \"tree_io\"\n"
        "extra_opts = [\n    \"io\",\n    '--task-groups',\n]\n");
    put(SUITE_DIR "/bm_tree/bm_tree_plain.toml",
        "[tool.pyperformance]\nname = \"tree_plain\"\n");
    put(SUITE_DIR "/bm_tree/bm_tree_new.toml",
        "[project]\nrequires-python = \">=3.12\"\n\n"
        "[tool.pyperformance]\nname = \"tree_new\"\nextra_opts = [\"eager\"]\n");
    put(SUITE_DIR "/bm_tree/run_benchmark.py", "import pyperf\n");
    put(SUITE_DIR "/bm_noscript/pyproject.toml", "[tool.pyperformance]\nname = \"noscript\"\n");
    put(SUITE_DIR "/bm_badopts/pyproject.toml",
        "[tool.pyperformance]\nname = \"badopts\"\nextra_opts = \"none\"\n");
    put(SUITE_DIR "/bm_badopts/run_benchmark.py", "");
}

static void teardown(void)
{
    tu_rmtree(dir);
    free(dir);
}

/* dir/rel as a path. */
static const char *at(const char *rel)
{
    static char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, rel);
    return path;
}

/* Finds name beside dir/env/bin/python; returns pb_pyperf_find's rc. */
static int find(const char *name, struct pb_pyperf_bench *b, struct pb_error *err)
{
    char python[4096];

    snprintf(python, sizeof python, "%s/env/bin/python", dir);
    return pb_pyperf_find(python, name, b, err);
}

START_TEST(finds_benchmark_and_its_options)
{
    struct pb_pyperf_bench b;
    struct pb_error err;
    char *want = realpath(at(SUITE_DIR "/bm_tree/run_benchmark.py"), NULL);

    ck_assert_msg(find("tree", &b, &err) == 0, "%s", err.msg);
    ck_assert_str_eq(b.script, want);
    ck_assert_uint_eq(b.extra.n, 1);
    ck_assert_str_eq(b.extra.v[0], "none");
    ck_assert_ptr_nonnull(strstr(b.benchdir, "pyperformance/data-files/benchmarks"));
    pb_pyperf_bench_release(&b);
    free(want);
}
END_TEST

START_TEST(variant_has_its_own_options_or_its_bases)
{
    struct pb_pyperf_bench b;
    struct pb_error err;

    /* its own, over several lines, both kinds of quotes */
    ck_assert_msg(find("tree_io", &b, &err) == 0, "%s", err.msg);
    ck_assert_ptr_nonnull(strstr(b.script, "/bm_tree/run_benchmark.py"));
    ck_assert_uint_eq(b.extra.n, 2);
    ck_assert_str_eq(b.extra.v[0], "io");
    ck_assert_str_eq(b.extra.v[1], "--task-groups");
    pb_pyperf_bench_release(&b);
    /* none of its own: the base's */
    ck_assert_msg(find("tree_plain", &b, &err) == 0, "%s", err.msg);
    ck_assert_uint_eq(b.extra.n, 1);
    ck_assert_str_eq(b.extra.v[0], "none");
    pb_pyperf_bench_release(&b);
}
END_TEST

START_TEST(prefers_the_interpreters_own_version)
{
    struct pb_pyperf_bench b;
    struct pb_error err;
    char python[4096];

    /* two python3.N folders in one prefix: python3.12 takes its own */
    put("env/lib/python3.12/site-packages/pyperformance/data-files/benchmarks/MANIFEST",
        "[benchmarks]\nname\tmetafile\ntree_new\t<local:tree>\n");
    put("env/lib/python3.12/site-packages/pyperformance/data-files/benchmarks/bm_tree/bm_tree_new.toml",
        "[project]\nrequires-python = \">=3.12\"\n");
    put("env/lib/python3.12/site-packages/pyperformance/data-files/benchmarks/bm_tree/pyproject.toml",
        "[tool.pyperformance]\nextra_opts = [\"eager\"]\n");
    put("env/lib/python3.12/site-packages/pyperformance/data-files/benchmarks/bm_tree/run_benchmark.py", "");
    snprintf(python, sizeof python, "%s/env/bin/python3.12", dir);
    ck_assert_int_eq(symlink("/bin/sh", python), 0);
    ck_assert_msg(pb_pyperf_find(python, "tree_new", &b, &err) == 0, "%s", err.msg);
    ck_assert_ptr_nonnull(strstr(b.script, "/python3.12/"));
    ck_assert_str_eq(b.extra.v[0], "eager");
    pb_pyperf_bench_release(&b);
}
END_TEST

/* ---- what it says when it cannot ---- */

START_TEST(unknown_benchmark_names_the_closest)
{
    struct pb_pyperf_bench b;
    struct pb_error err;

    ck_assert_int_eq(find("tre", &b, &err), -1);
    ck_assert_msg(strstr(err.msg, "no pyperformance benchmark 'tre' in ") && strstr(err.msg, "/MANIFEST")
                  && strstr(err.msg, "(did you mean 'tree'?)"), "%s", err.msg);
    ck_assert_ptr_null(b.script);
    /* commented out, or under another section: not benchmarks */
    ck_assert_int_eq(find("gone", &b, &err), -1);
    ck_assert_msg(strstr(err.msg, "no pyperformance benchmark 'gone'"), "%s", err.msg);
    ck_assert_int_eq(find("notabench", &b, &err), -1);
    ck_assert_msg(strstr(err.msg, "no pyperformance benchmark 'notabench'"), "%s", err.msg);
}
END_TEST

START_TEST(not_installed_says_where_it_looked)
{
    struct pb_pyperf_bench b;
    struct pb_error err;
    char python[4096];

    interpreter("bare");
    snprintf(python, sizeof python, "%s/bare/bin/python", dir);
    ck_assert_int_eq(pb_pyperf_find(python, "tree", &b, &err), -1);
    ck_assert_msg(strstr(err.msg, "pyperformance is not installed beside '") && strstr(err.msg, "/bare/bin/python'")
                  && strstr(err.msg, "/bare/lib/python3*/site-packages/pyperformance/data-files/benchmarks/MANIFEST")
                  && strstr(err.msg, "install requirements.txt"), "%s", err.msg);
    ck_assert_int_eq(pb_pyperf_find("no-such-python-here", "tree", &b, &err), -1);
    ck_assert_msg(strstr(err.msg, "interpreter 'no-such-python-here' not found"), "%s", err.msg);
}
END_TEST

START_TEST(newer_python_required)
{
    struct pb_pyperf_bench b;
    struct pb_error err;

    ck_assert_int_eq(find("tree_new", &b, &err), -1);
    ck_assert_msg(strstr(err.msg, "pyperformance benchmark 'tree_new' needs Python >=3.12")
                  && strstr(err.msg, "bm_tree/bm_tree_new.toml")
                  && strstr(err.msg, "the environment is Python 3.11"), "%s", err.msg);
}
END_TEST

START_TEST(unreadable_benchmarks)
{
    struct pb_pyperf_bench b;
    struct pb_error err;

    ck_assert_int_eq(find("elsewhere", &b, &err), -1);
    ck_assert_msg(strstr(err.msg, "described by '/opt/bm/pyproject.toml'")
                  && strstr(err.msg, "only the suite's own"), "%s", err.msg);
    ck_assert_int_eq(find("noscript", &b, &err), -1);
    ck_assert_msg(strstr(err.msg, "'noscript' has no script (looked at ")
                  && strstr(err.msg, "bm_noscript/run_benchmark.py"), "%s", err.msg);
    ck_assert_int_eq(find("badopts", &b, &err), -1);
    ck_assert_msg(strstr(err.msg, "cannot read 'extra_opts' of pyperformance benchmark 'badopts'"),
                  "%s", err.msg);
}
END_TEST

START_TEST(names)
{
    ck_assert(pb_pyperf_name_ok("async_tree_io"));
    ck_assert(pb_pyperf_name_ok("2to3"));
    ck_assert(!pb_pyperf_name_ok(""));
    ck_assert(!pb_pyperf_name_ok("../x"));
    ck_assert(!pb_pyperf_name_ok("a/b"));
    ck_assert(!pb_pyperf_name_ok("a b"));
}
END_TEST

Suite *pyperformance_suite(void)
{
    Suite *s = suite_create("pyperformance");
    TCase *core = tcase_create("core");
    TCase *errors = tcase_create("errors");

    tcase_add_checked_fixture(core, setup, teardown);
    tcase_add_checked_fixture(errors, setup, teardown);
    tcase_add_test(core, finds_benchmark_and_its_options);
    tcase_add_test(core, variant_has_its_own_options_or_its_bases);
    tcase_add_test(core, prefers_the_interpreters_own_version);
    tcase_add_test(core, names);
    tcase_add_test(errors, unknown_benchmark_names_the_closest);
    tcase_add_test(errors, not_installed_says_where_it_looked);
    tcase_add_test(errors, newer_python_required);
    tcase_add_test(errors, unreadable_benchmarks);
    suite_add_tcase(s, core);
    suite_add_tcase(s, errors);
    return s;
}
