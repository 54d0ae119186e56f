/* meta: the facts a results directory keeps about the machine (checked
 * against sysconf, uname, gethostname) and about the Python interpreter
 * and the profilers' packages (checked against what the real interpreter,
 * tu_python(), says when asked directly). */
#include <check.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "run/meta.h"
#include "testutil.h"

static char *dir;

static void setup(void)
{
    dir = tu_mkdtemp();
    ck_assert_ptr_nonnull(dir);
}

static void teardown(void)
{
    tu_rmtree(dir);
    free(dir);
}

/* ---- host ------------------------------------------------------------------- */

static void assert_loadavg(json_t *a)
{
    ck_assert_msg(json_is_array(a) && json_array_size(a) == 3, "load average is not an array of 3");
    for (size_t i = 0; i < 3; i++) {
        json_t *x = json_array_get(a, i);
        ck_assert(json_is_number(x));
        ck_assert(json_number_value(x) >= 0);
    }
}

START_TEST(host_facts)
{
    json_t *h = pb_meta_host();
    struct utsname u;
    char want[1024], host[256];

    ck_assert_ptr_nonnull(h);
    json_int_t cores = json_integer_value(json_object_get(h, "cores"));
    ck_assert_int_gt(cores, 0);
    ck_assert_int_eq(cores, sysconf(_SC_NPROCESSORS_ONLN));

    ck_assert_int_eq(uname(&u), 0);
    snprintf(want, sizeof want, "%s %s %s", u.sysname, u.release, u.machine);
    ck_assert_str_eq(json_string_value(json_object_get(h, "kernel")), want);

    ck_assert_int_eq(gethostname(host, sizeof host), 0);
    host[sizeof host - 1] = '\0';
    ck_assert_str_eq(json_string_value(json_object_get(h, "hostname")), host);

    ck_assert_int_gt(json_integer_value(json_object_get(h, "mem_total_kb")), 0);
    const char *model = json_string_value(json_object_get(h, "cpu_model"));
    ck_assert(model && *model);
    assert_loadavg(json_object_get(h, "loadavg_start"));

    json_t *noise = json_object_get(h, "noise");
    ck_assert(json_is_object(noise));
    ck_assert(json_is_string(json_object_get(noise, "cpu_governor")));
    const char *turbo = json_string_value(json_object_get(noise, "turbo"));
    ck_assert(turbo && (!strcmp(turbo, "on") || !strcmp(turbo, "off") || !strcmp(turbo, "unknown")));
    json_decref(h);
}
END_TEST

START_TEST(loadavg_is_three_numbers)
{
    json_t *a = pb_meta_loadavg();
    assert_loadavg(a);
    json_decref(a);
}
END_TEST

/* ---- python ----------------------------------------------------------------- */

/* A config with just what pb_meta_python reads: the interpreter and the
 * profilers (name, package, command, selected). */
struct fake_cfg {
    struct pb_config cfg;
    struct pb_profiler p[5];
};

static void add_profiler(struct fake_cfg *f, const char *name, const char *package,
                         const char *argv0, int selected)
{
    struct pb_profiler *p = &f->p[f->cfg.nprofilers++];

    memset(p, 0, sizeof *p);
    p->name = (char *)name;
    p->package = (char *)package;
    pb_strv_push(&p->command, argv0);
    p->selected = selected;
}

static void fake_cfg_init(struct fake_cfg *f, const char *python)
{
    memset(f, 0, sizeof *f);
    f->cfg.python = (char *)python;
    f->cfg.profilers = f->p;
}

static void fake_cfg_release(struct fake_cfg *f)
{
    for (size_t i = 0; i < f->cfg.nprofilers; i++)
        pb_strv_release(&f->p[i].command);
}

/* What the interpreter prints for code, its last newline cut. Caller frees. */
static char *ask_python(const char *code)
{
    char *argv[] = { (char *)tu_python(), "-c", (char *)code, NULL };
    char *out = NULL;
    int rc = tu_run(argv, &out);

    ck_assert_msg(rc == 0, "%s -c failed (%d): %s", tu_python(), rc, out);
    out[strcspn(out, "\n")] = '\0';
    return out;
}

/* "NAME VERSION" as the interpreter's own metadata has it, or
 * "NAME (not installed)". Caller frees. */
static char *package_fact(const char *name)
{
    char code[512], *v, *fact;

    snprintf(code, sizeof code,
             "import importlib.metadata as m\n"
             "try:\n    print(m.version('%s'))\nexcept m.PackageNotFoundError:\n    print('-')\n", name);
    v = ask_python(code);
    fact = malloc(strlen(name) + strlen(v) + 32);
    if (!strcmp(v, "-"))
        sprintf(fact, "%s (not installed)", name);
    else
        sprintf(fact, "%s %s", name, v);
    free(v);
    return fact;
}

static const char *profiler_version(json_t *info, const char *name)
{
    return json_string_value(json_object_get(json_object_get(json_object_get(info, "profilers"), name),
                                             "version"));
}

START_TEST(python_facts_from_the_real_interpreter)
{
    struct fake_cfg f;
    struct pb_error err;

    fake_cfg_init(&f, tu_python());
    add_profiler(&f, "pip_prof", "pip", "{python}", 1);
    add_profiler(&f, "pyinstrument", "pyinstrument", "{python}", 1);
    add_profiler(&f, "ghost", "pbench-no-such-package", "{python}", 1);
    add_profiler(&f, "cprofile", NULL, "{python}", 1);
    add_profiler(&f, "builtin", NULL, "{pbench}", 1);
    json_t *info = pb_meta_python(&f.cfg, dir, &err);
    ck_assert_msg(info != NULL, "%s", err.msg);

    json_t *py = json_object_get(info, "python");
    char *version = ask_python("import platform; print(platform.python_version())");
    char *sysver = ask_python("import sys; print(sys.version)");
    char *impl = ask_python("import platform; print(platform.python_implementation())");
    char *exe = ask_python("import sys; print(sys.executable)");
    char *prefix = ask_python("import sys; print(sys.prefix)");
    ck_assert_str_eq(json_string_value(json_object_get(py, "path")), tu_python());
    ck_assert_str_eq(json_string_value(json_object_get(py, "version")), version);
    ck_assert_msg(!strncmp(sysver, version, strlen(version)), "sys.version '%s' vs '%s'", sysver, version);
    ck_assert_str_eq(json_string_value(json_object_get(py, "implementation")), impl);
    ck_assert_str_eq(json_string_value(json_object_get(py, "executable")), exe);
    ck_assert_str_eq(json_string_value(json_object_get(py, "prefix")), prefix);

    char *pip = package_fact("pip"), *pyi = package_fact("pyinstrument"), stdlib[128], builtin[128];
    ck_assert_str_eq(profiler_version(info, "pip_prof"), pip);
    ck_assert_str_eq(profiler_version(info, "pyinstrument"), pyi);
    ck_assert_str_eq(profiler_version(info, "ghost"), "pbench-no-such-package (not installed)");
    snprintf(stdlib, sizeof stdlib, "Python %s (standard library)", version);
    ck_assert_str_eq(profiler_version(info, "cprofile"), stdlib);
    snprintf(builtin, sizeof builtin, "pbench %s (built-in)", PB_VERSION);
    ck_assert_str_eq(profiler_version(info, "builtin"), builtin);
    ck_assert_int_eq(json_object_size(json_object_get(info, "profilers")), 5);

    /* the probe's scratch files are gone */
    char p[4200];
    snprintf(p, sizeof p, "%s/.python-probe.out", dir);
    ck_assert_int_ne(access(p, F_OK), 0);
    snprintf(p, sizeof p, "%s/.python-probe.err", dir);
    ck_assert_int_ne(access(p, F_OK), 0);

    free(pip);
    free(pyi);
    free(version);
    free(sysver);
    free(impl);
    free(exe);
    free(prefix);
    json_decref(info);
    fake_cfg_release(&f);
}
END_TEST

/* Unselected profilers are not asked about. */
START_TEST(only_selected_profilers)
{
    struct fake_cfg f;
    struct pb_error err;

    fake_cfg_init(&f, tu_python());
    add_profiler(&f, "on", NULL, "{python}", 1);
    add_profiler(&f, "off", "pbench-no-such-package", "{python}", 0);
    json_t *info = pb_meta_python(&f.cfg, dir, &err);
    ck_assert_msg(info != NULL, "%s", err.msg);
    json_t *profs = json_object_get(info, "profilers");
    ck_assert_int_eq(json_object_size(profs), 1);
    ck_assert_ptr_nonnull(json_object_get(profs, "on"));
    json_decref(info);
    fake_cfg_release(&f);
}
END_TEST

START_TEST(missing_interpreter)
{
    struct fake_cfg f;
    struct pb_error err;

    fake_cfg_init(&f, "/nonexistent/python3");
    add_profiler(&f, "cprofile", NULL, "{python}", 1);
    ck_assert_ptr_null(pb_meta_python(&f.cfg, dir, &err));
    ck_assert_msg(strstr(err.msg, "cannot run python interpreter '/nonexistent/python3'")
                  && strstr(err.msg, "No such file"), "%s", err.msg);
    fake_cfg_release(&f);
}
END_TEST

/* An "interpreter" that fails, or says nothing useful. */
START_TEST(failing_or_mute_interpreter)
{
    struct fake_cfg f;
    struct pb_error err;
    char *bad = tu_write_file(dir, "bad-python", "#!/bin/sh\necho 'no such module: json' >&2\nexit 4\n");
    char *mute = tu_write_file(dir, "mute-python", "#!/bin/sh\necho 'not json'\n");

    ck_assert_int_eq(chmod(bad, 0755), 0);
    ck_assert_int_eq(chmod(mute, 0755), 0);
    fake_cfg_init(&f, bad);
    ck_assert_ptr_null(pb_meta_python(&f.cfg, dir, &err));
    ck_assert_msg(strstr(err.msg, "failed (exit code 4): no such module: json"), "%s", err.msg);
    fake_cfg_init(&f, mute);
    ck_assert_ptr_null(pb_meta_python(&f.cfg, dir, &err));
    ck_assert_msg(strstr(err.msg, "gave no version information"), "%s", err.msg);
    free(bad);
    free(mute);
}
END_TEST

Suite *meta_suite(void)
{
    Suite *s = suite_create("meta");
    TCase *host = tcase_create("host");
    TCase *python = tcase_create("python");
    TCase *errors = tcase_create("errors");

    tcase_add_test(host, host_facts);
    tcase_add_test(host, loadavg_is_three_numbers);
    tcase_add_checked_fixture(python, setup, teardown);
    tcase_set_timeout(python, 60);
    tcase_add_test(python, python_facts_from_the_real_interpreter);
    tcase_add_test(python, only_selected_profilers);
    tcase_add_checked_fixture(errors, setup, teardown);
    tcase_add_test(errors, missing_interpreter);
    tcase_add_test(errors, failing_or_mute_interpreter);
    suite_add_tcase(s, host);
    suite_add_tcase(s, python);
    suite_add_tcase(s, errors);
    return s;
}
