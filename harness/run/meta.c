#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "run/meta.h"
#include "run/spawn.h"

json_t *pb_meta_loadavg(void)
{
    double l[3];
    json_t *a = json_array();

    if (getloadavg(l, 3) == 3)
        for (int i = 0; i < 3; i++)
            json_array_append_new(a, json_real(l[i]));
    return a;
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
static json_t *noise_facts(void)
{
    json_t *n = json_object();
    char *gov = read_line("/sys/devices/system/cpu/cpu0/cpufreq/scaling_governor");
    char *no_turbo = read_line("/sys/devices/system/cpu/intel_pstate/no_turbo");
    char *boost = read_line("/sys/devices/system/cpu/cpufreq/boost");
    char *aslr = read_line("/proc/sys/kernel/randomize_va_space");

    json_object_set_new(n, "cpu_governor", gov ? json_string(gov) : json_string("unknown (no cpufreq)"));
    if (no_turbo)
        json_object_set_new(n, "turbo", json_string(!strcmp(no_turbo, "1") ? "off" : "on"));
    else if (boost)
        json_object_set_new(n, "turbo", json_string(!strcmp(boost, "1") ? "on" : "off"));
    else
        json_object_set_new(n, "turbo", json_string("unknown"));
    if (aslr)
        json_object_set_new(n, "aslr", json_string(!strcmp(aslr, "0") ? "off" : !strcmp(aslr, "1") ? "partial" : "on"));
    free(gov);
    free(no_turbo);
    free(boost);
    free(aslr);
    return n;
}

json_t *pb_meta_host(void)
{
    json_t *h = json_object();
    struct utsname u;
    char host[256];
    char *model = cpu_model();

    if (gethostname(host, sizeof host) == 0) {
        host[sizeof host - 1] = '\0';
        json_object_set_new(h, "hostname", json_string(host));
    }
    json_object_set_new(h, "cpu_model", json_string(model ? model : "unknown"));
    free(model);
    json_object_set_new(h, "cores", json_integer(sysconf(_SC_NPROCESSORS_ONLN)));
    if (uname(&u) == 0) {
        char k[600];
        snprintf(k, sizeof k, "%s %s %s", u.sysname, u.release, u.machine);
        json_object_set_new(h, "kernel", json_string(k));
    }
    json_object_set_new(h, "mem_total_kb", json_integer(mem_total_kb()));
    json_object_set_new(h, "loadavg_start", pb_meta_loadavg());
    json_object_set_new(h, "noise", noise_facts());
    return h;
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

json_t *pb_meta_python(const struct pb_config *cfg, const char *scratch_dir, struct pb_error *err)
{
    struct pb_strv argv = { 0 };
    struct pb_spawn_opts opts;
    struct pb_spawn_result res;
    char outpath[PATH_MAX], errpath[PATH_MAX];
    json_t *probe_out = NULL, *ret = NULL, *profs;
    json_error_t jerr;

    pb_strv_push(&argv, cfg->python);
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
        pb_error_set(err, "cannot run python interpreter '%s'", cfg->python);
        pb_error_errno(err, res.exec_errno);
        goto cleanup;
    }
    if (res.exit_code != 0) {
        char *why = read_line(errpath);
        pb_error_set(err, "python interpreter '%s' failed (exit code %d)%s%s", cfg->python,
                     res.exit_code, why ? ": " : "", why ? why : "");
        free(why);
        goto cleanup;
    }
    probe_out = json_load_file(outpath, 0, &jerr);
    if (!probe_out) {
        pb_error_set(err, "python interpreter '%s' gave no version information: %s", cfg->python,
                     jerr.text);
        goto cleanup;
    }
    ret = json_object();
    json_t *py = json_object();
    json_object_set_new(py, "path", json_string(cfg->python));
    json_object_set(py, "executable", json_object_get(probe_out, "executable"));
    json_object_set(py, "version", json_object_get(probe_out, "version"));
    json_object_set(py, "implementation", json_object_get(probe_out, "implementation"));
    json_object_set(py, "prefix", json_object_get(probe_out, "prefix"));
    json_object_set_new(ret, "python", py);
    profs = json_object();
    const char *pyver = json_string_value(json_object_get(probe_out, "version"));
    json_t *pkgs = json_object_get(probe_out, "packages");
    for (size_t i = 0; i < cfg->nprofilers; i++) {
        const struct pb_profiler *p = &cfg->profilers[i];
        char v[256];
        if (!p->selected)
            continue;
        if (p->package) {
            json_t *pv = json_object_get(pkgs, p->package);
            if (json_is_string(pv))
                snprintf(v, sizeof v, "%s %s", p->package, json_string_value(pv));
            else
                snprintf(v, sizeof v, "%s (not installed)", p->package);
        } else if (p->command.n && strstr(p->command.v[0], "{pbench}")) {
            snprintf(v, sizeof v, "pbench %s (built-in)", PB_VERSION);
        } else {
            snprintf(v, sizeof v, "Python %s (standard library)", pyver ? pyver : "?");
        }
        json_object_set_new(profs, p->name, json_pack("{s:s}", "version", v));
    }
    json_object_set_new(ret, "profilers", profs);

cleanup:
    unlink(outpath);
    unlink(errpath);
    json_decref(probe_out);
    pb_strv_release(&argv);
    return ret;
}
