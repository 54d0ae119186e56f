/* probe: the facts a results directory keeps about the machine (checked
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

#include "run/probe.h"
#include "store/meta.h"
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

static void assert_loadavg(const double a[3])
{
    for (size_t i = 0; i < 3; i++)
        ck_assert_msg(a[i] >= 0, "load average %zu is %g, not a number >= 0", i, a[i]);
}

START_TEST(host_facts)
{
    struct pb_meta h;
    struct utsname u;
    char want[1024], host[256];

    pb_meta_init(&h);
    ck_assert_int_eq(pb_probe_host(&h), 0);
    ck_assert_int_gt(h.cores, 0);
    ck_assert_int_eq(h.cores, sysconf(_SC_NPROCESSORS_ONLN));

    ck_assert_int_eq(uname(&u), 0);
    snprintf(want, sizeof want, "%s %s %s", u.sysname, u.release, u.machine);
    ck_assert_str_eq(h.kernel, want);

    ck_assert_int_eq(gethostname(host, sizeof host), 0);
    host[sizeof host - 1] = '\0';
    ck_assert_str_eq(h.hostname, host);

    ck_assert(h.mem_total_kb > 0);
    const char *model = h.cpu_model;
    ck_assert(model && *model);
    assert_loadavg(h.loadavg_start);

    ck_assert_ptr_nonnull(h.cpu_governor);
    const char *turbo = h.turbo;
    ck_assert(turbo && (!strcmp(turbo, "on") || !strcmp(turbo, "off") || !strcmp(turbo, "unknown")));
    pb_meta_release(&h);
}
END_TEST

START_TEST(loadavg_is_three_numbers)
{
    double a[3];
    pb_probe_loadavg(a);
    assert_loadavg(a);
}
END_TEST

/* ---- python ----------------------------------------------------------------- */

/* A config with just what pb_probe_python reads: the interpreter and the
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

static const char *profiler_version(const struct pb_meta *info, const char *name)
{
    return pb_meta_profiler_version(info, name);
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
    struct pb_meta m, *info = &m;
    pb_meta_init(&m);
    ck_assert_msg(pb_probe_python(&f.cfg, dir, &m, &err) == 0, "%s", err.msg);

    char *version = ask_python("import platform; print(platform.python_version())");
    char *sysver = ask_python("import sys; print(sys.version)");
    char *impl = ask_python("import platform; print(platform.python_implementation())");
    char *exe = ask_python("import sys; print(sys.executable)");
    char *prefix = ask_python("import sys; print(sys.prefix)");
    ck_assert_str_eq(m.python_path, tu_python());
    ck_assert_str_eq(m.python_version, version);
    ck_assert_msg(!strncmp(sysver, version, strlen(version)), "sys.version '%s' vs '%s'", sysver, version);
    ck_assert_str_eq(m.python_implementation, impl);
    ck_assert_str_eq(m.python_executable, exe);
    ck_assert_str_eq(m.python_prefix, prefix);

    char *pip = package_fact("pip"), *pyi = package_fact("pyinstrument"), stdlib[128], builtin[128];
    ck_assert_str_eq(profiler_version(info, "pip_prof"), pip);
    ck_assert_str_eq(profiler_version(info, "pyinstrument"), pyi);
    ck_assert_str_eq(profiler_version(info, "ghost"), "pbench-no-such-package (not installed)");
    snprintf(stdlib, sizeof stdlib, "Python %s (standard library)", version);
    ck_assert_str_eq(profiler_version(info, "cprofile"), stdlib);
    snprintf(builtin, sizeof builtin, "pbench %s (built-in)", PB_VERSION);
    ck_assert_str_eq(profiler_version(info, "builtin"), builtin);
    ck_assert_int_eq(m.nprofilers, 5);

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
    pb_meta_release(&m);
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
    struct pb_meta m;
    pb_meta_init(&m);
    ck_assert_msg(pb_probe_python(&f.cfg, dir, &m, &err) == 0, "%s", err.msg);
    ck_assert_int_eq(m.nprofilers, 1);
    ck_assert_ptr_nonnull(pb_meta_profiler_version(&m, "on"));
    pb_meta_release(&m);
    fake_cfg_release(&f);
}
END_TEST

START_TEST(missing_interpreter)
{
    struct fake_cfg f;
    struct pb_error err;

    fake_cfg_init(&f, "/nonexistent/python3");
    add_profiler(&f, "cprofile", NULL, "{python}", 1);
    struct pb_meta m;
    pb_meta_init(&m);
    ck_assert_int_eq(pb_probe_python(&f.cfg, dir, &m, &err), -1);
    pb_meta_release(&m);
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
    struct pb_meta m;
    pb_meta_init(&m);
    fake_cfg_init(&f, bad);
    ck_assert_int_eq(pb_probe_python(&f.cfg, dir, &m, &err), -1);
    ck_assert_msg(strstr(err.msg, "failed (exit code 4): no such module: json"), "%s", err.msg);
    fake_cfg_init(&f, mute);
    ck_assert_int_eq(pb_probe_python(&f.cfg, dir, &m, &err), -1);
    pb_meta_release(&m);
    ck_assert_msg(strstr(err.msg, "gave no version information"), "%s", err.msg);
    free(bad);
    free(mute);
}
END_TEST

Suite *probe_suite(void)
{
    Suite *s = suite_create("probe");
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
