#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <jansson.h>
#include <math.h>

#include "run/probe.h"
#include "run/spawn.h"

void pb_probe_loadavg(double l[3])
{
    if (getloadavg(l, 3) != 3)
        l[0] = l[1] = l[2] = NAN;
}

static char *cpu_model(void)
{
    FILE *f = fopen("/proc/cpuinfo", "r");
    char line[512];
    char *model = NULL;

    if (!f)
        return NULL;
    while (fgets(line, sizeof line, f)) {
        if (!strncmp(line, "model name", 10)) {
            char *colon = strchr(line, ':');
            if (colon) {
                colon++;
                while (*colon == ' ' || *colon == '\t')
                    colon++;
                colon[strcspn(colon, "\n")] = '\0';
                model = strdup(colon);
            }
            break;
        }
    }
    fclose(f);
    return model;
}

static long mem_total_kb(void)
{
    FILE *f = fopen("/proc/meminfo", "r");
    char line[256];
    long kb = 0;

    if (!f)
        return 0;
    while (fgets(line, sizeof line, f))
        if (sscanf(line, "MemTotal: %ld kB", &kb) == 1)
            break;
    fclose(f);
    return kb;
}

/* The first line of a small /proc or /sys file, or NULL. Caller frees. */
static char *read_line(const char *path)
{
    FILE *f = fopen(path, "r");
    char buf[256];

    if (!f)
        return NULL;
    if (!fgets(buf, sizeof buf, f)) {
        fclose(f);
        return NULL;
    }
    fclose(f);
    buf[strcspn(buf, "\n")] = '\0';
    return strdup(buf);
}

/* Facts that explain noise, where this machine lets us read them: the
 * frequency governor, turbo/boost, and address-space randomization. */
static int noise_facts(struct pb_meta *m)
{
    char *gov = read_line("/sys/devices/system/cpu/cpu0/cpufreq/scaling_governor");
    char *no_turbo = read_line("/sys/devices/system/cpu/intel_pstate/no_turbo");
    char *boost = read_line("/sys/devices/system/cpu/cpufreq/boost");
    char *aslr = read_line("/proc/sys/kernel/randomize_va_space");
    const char *turbo = no_turbo ? (!strcmp(no_turbo, "1") ? "off" : "on")
                      : boost ? (!strcmp(boost, "1") ? "on" : "off") : "unknown";
    int rc = pb_meta_set(&m->cpu_governor, gov ? gov : "unknown (no cpufreq)")
           | pb_meta_set(&m->turbo, turbo)
           | (aslr ? pb_meta_set(&m->aslr, !strcmp(aslr, "0") ? "off" : !strcmp(aslr, "1") ? "partial" : "on") : 0);

    free(gov);
    free(no_turbo);
    free(boost);
    free(aslr);
    return rc ? -1 : 0;
}

int pb_probe_host(struct pb_meta *m)
{
    struct utsname u;
    char host[256];
    char *model = cpu_model();
    int rc = 0;

    if (gethostname(host, sizeof host) == 0) {
        host[sizeof host - 1] = '\0';
        rc |= pb_meta_set(&m->hostname, host);
    }
    rc |= pb_meta_set(&m->cpu_model, model ? model : "unknown");
    free(model);
    m->cores = (int)sysconf(_SC_NPROCESSORS_ONLN);
    if (uname(&u) == 0) {
        char k[600];
        snprintf(k, sizeof k, "%s %s %s", u.sysname, u.release, u.machine);
        rc |= pb_meta_set(&m->kernel, k);
    }
    long kb = mem_total_kb();
    m->mem_total_kb = kb > 0 ? (double)kb : NAN;
    pb_probe_loadavg(m->loadavg_start);
    rc |= noise_facts(m);
    return rc ? -1 : 0;
}

/* Printed as JSON on stdout by the interpreter under test. */
static const char probe[] =
    "import sys, json, platform\n"
    "try:\n"
    "    import importlib.metadata as md\n"
    "except ImportError:\n"
    "    md = None\n"
    "out = {'version': platform.python_version(),\n"
    "       'implementation': platform.python_implementation(),\n"
    "       'executable': sys.executable, 'prefix': sys.prefix, 'packages': {}}\n"
    "for name in sys.argv[1:]:\n"
    "    try:\n"
    "        out['packages'][name] = md.version(name)\n"
    "    except Exception:\n"
    "        out['packages'][name] = None\n"
    "print(json.dumps(out))\n";


/* Runs python with the probe script; its JSON answer into *out. */
static int ask(const struct pb_config *cfg, const char *python, const char *scratch_dir, json_t **out,
               struct pb_error *err)
{
    struct pb_strv argv = { 0 };
    struct pb_spawn_opts opts;
    struct pb_spawn_result res;
    char outpath[PATH_MAX], errpath[PATH_MAX];
    json_error_t jerr;
    int rc = -1;

    *out = NULL;
    pb_strv_push(&argv, python);
    pb_strv_push(&argv, "-c");
    pb_strv_push(&argv, probe);
    for (size_t i = 0; i < cfg->nprofilers; i++)
        if (cfg->profilers[i].selected && cfg->profilers[i].package)
            pb_strv_push(&argv, cfg->profilers[i].package);
    snprintf(outpath, sizeof outpath, "%s/.python-probe.out", scratch_dir);
    snprintf(errpath, sizeof errpath, "%s/.python-probe.err", scratch_dir);
    memset(&opts, 0, sizeof opts);
    opts.argv = argv.v;
    opts.stdout_path = outpath;
    opts.stderr_path = errpath;
    opts.timeout_s = 60;
    if (pb_spawn_run(&opts, &res, err) < 0)
        goto cleanup;
    if (res.exec_failed) {
        pb_error_set(err, "cannot run python interpreter '%s'", python);
        pb_error_errno(err, res.exec_errno);
        goto cleanup;
    }
    if (res.exit_code != 0) {
        char *why = read_line(errpath);
        pb_error_set(err, "python interpreter '%s' failed (exit code %d)%s%s", python,
                     res.exit_code, why ? ": " : "", why ? why : "");
        free(why);
        goto cleanup;
    }
    *out = json_load_file(outpath, 0, &jerr);
    if (!*out) {
        pb_error_set(err, "python interpreter '%s' gave no version information: %s", python, jerr.text);
        goto cleanup;
    }
    rc = 0;
cleanup:
    unlink(outpath);
    unlink(errpath);
    pb_strv_release(&argv);
    return rc;
}

/* The version text of profiler p on an interpreter of version pyver. */
static void version_of(const struct pb_profiler *p, json_t *pkgs, const char *pyver, char *v, size_t n)
{
    if (p->package) {
        json_t *pv = json_object_get(pkgs, p->package);
        if (json_is_string(pv))
            snprintf(v, n, "%s %s", p->package, json_string_value(pv));
        else
            snprintf(v, n, "%s" PB_META_NOT_INSTALLED, p->package);
    } else if (p->command.n && strstr(p->command.v[0], "{pbench}")) {
        snprintf(v, n, "pbench %s (built-in)", PB_VERSION);
    } else {
        snprintf(v, n, "Python %s (standard library)", pyver ? pyver : "?");
    }
}

int pb_probe_interp(const struct pb_config *cfg, const char *python, const char *scratch_dir,
                    struct pb_meta_python *out, struct pb_error *err)
{
    json_t *facts;

    if (ask(cfg, python, scratch_dir, &facts, err) < 0)
        return -1;
    const char *pyver = json_string_value(json_object_get(facts, "version"));
    json_t *pkgs = json_object_get(facts, "packages");
    int bad = pb_meta_set(&out->path, python)
            | pb_meta_set(&out->executable, json_string_value(json_object_get(facts, "executable")))
            | pb_meta_set(&out->version, pyver)
            | pb_meta_set(&out->implementation, json_string_value(json_object_get(facts, "implementation")))
            | pb_meta_set(&out->prefix, json_string_value(json_object_get(facts, "prefix")));
    for (size_t i = 0; i < cfg->nprofilers; i++) {
        char v[256];
        if (!cfg->profilers[i].selected)
            continue;
        version_of(&cfg->profilers[i], pkgs, pyver, v, sizeof v);
        bad |= pb_meta_python_set_profiler(out, cfg->profilers[i].name, v);
    }
    json_decref(facts);
    return bad ? pb_error_set(err, "out of memory") : 0;
}

int pb_probe_as_main(struct pb_meta *m, const struct pb_meta_python *py)
{
    int bad = pb_meta_set(&m->python_path, py->path) | pb_meta_set(&m->python_executable, py->executable)
            | pb_meta_set(&m->python_version, py->version)
            | pb_meta_set(&m->python_implementation, py->implementation)
            | pb_meta_set(&m->python_prefix, py->prefix);
    for (size_t i = 0; i < py->nprofilers; i++)
        bad |= pb_meta_set_profiler(m, py->profilers[i].name, py->profilers[i].version);
    return bad ? -1 : 0;
}

int pb_probe_python(const struct pb_config *cfg, const char *scratch_dir, struct pb_meta *m,
                    struct pb_error *err)
{
    struct pb_meta tmp;
    struct pb_meta_python *py;
    int rc = -1;

    pb_meta_init(&tmp);
    if (!(py = pb_meta_add_python(&tmp)))
        pb_error_set(err, "out of memory");
    else if (pb_probe_interp(cfg, cfg->python, scratch_dir, py, err) == 0)
        rc = pb_probe_as_main(m, py) < 0 ? pb_error_set(err, "out of memory") : 0;
    pb_meta_release(&tmp);
    return rc;
}
