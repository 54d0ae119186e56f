#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "meta.h"
#include "spawn.h"

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
        pb_error_set(err, "python interpreter '%s' failed (exit code %d); see %s", cfg->python,
                     res.exit_code, errpath);
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
