/*
 * libFuzzer target for the config loader: every input either loads or
 * gives located errors; nothing may crash, hang or leak (AddressSanitizer
 * and UndefinedBehaviorSanitizer are on, and libFuzzer checks leaks).
 *
 * The input becomes <tmp>/cfg/fuzz.yaml beside a copy of the project's
 * profilers.yaml, with stub workloads in <tmp>/workloads and a stub
 * interpreter in <tmp>/.venv/bin/python, so that the seed corpus (the
 * project's own configs) loads all the way and the fuzzer explores from
 * valid files, includes and all. PBENCH_DATADIR points at <tmp>/data,
 * whose configs/ holds another copy of profilers.yaml and a small
 * shipped.yaml, so includes by bare name that fall back to the shipped
 * configs and {datadir} are explored too. The stub interpreter's
 * environment holds a stub pyperformance (a MANIFEST and the benchmarks
 * of configs/paper-quick.yaml, variants included), so `pyperformance:`
 * workloads load too. Built by scripts/fuzz.sh (clang).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/config.h"
#include "core/template.h"

static char root[256];
static char input[300];

static void put(const char *path, const char *text, int mode)
{
    FILE *f = fopen(path, "w");
    if (!f)
        abort();
    fputs(text, f);
    fclose(f);
    chmod(path, mode);
}

static void copy_profilers(const char *to)
{
    char from[1024];
    snprintf(from, sizeof from, "%s/configs/profilers.yaml", PB_SOURCE_DIR);
    FILE *in = fopen(from, "r"), *out = fopen(to, "w");
    char buf[4096];
    size_t n;
    if (!in || !out)
        abort();
    while ((n = fread(buf, 1, sizeof buf, in)) > 0)
        fwrite(buf, 1, n, out);
    fclose(in);
    fclose(out);
}

/* mkdir -p of path's folders, then path itself written with text. */
static void put_deep(const char *path, const char *text)
{
    char p[1024];

    snprintf(p, sizeof p, "%s", path);
    for (char *s = strchr(p + 1, '/'); s; s = strchr(s + 1, '/')) {
        *s = '\0';
        mkdir(p, 0777);
        *s = '/';
    }
    put(path, text, 0644);
}

/* A stub pyperformance in the stub interpreter's environment. */
static void stub_pyperformance(void)
{
    static const char *const benches[] = {
        "async_tree", "docutils", "fannkuch", "mdp", "pprint", "raytrace", "sympy", NULL
    };
    static const char *const variants[] = {
        "async_tree_io", "async_tree_memoization", "async_tree_cpu_io_mixed", NULL
    };
    char dir[512], p[1024], manifest[4096] = "[benchmarks]\n\nname\tmetafile\n";

    snprintf(dir, sizeof dir, "%s/.venv/lib/python3.11/site-packages/pyperformance/data-files/benchmarks", root);
    for (int i = 0; benches[i]; i++) {
        snprintf(manifest + strlen(manifest), sizeof manifest - strlen(manifest), "%s\t<local>\n", benches[i]);
        snprintf(p, sizeof p, "%s/bm_%s/run_benchmark.py", dir, benches[i]);
        put_deep(p, "import pyperf\n");
        snprintf(p, sizeof p, "%s/bm_%s/pyproject.toml", dir, benches[i]);
        put(p, "[project]\nrequires-python = \">=3.8\"\n\n[tool.pyperformance]\nextra_opts = [\"none\"]\n", 0644);
    }
    for (int i = 0; variants[i]; i++) {
        snprintf(manifest + strlen(manifest), sizeof manifest - strlen(manifest), "%s\t<local:async_tree>\n",
                 variants[i]);
        snprintf(p, sizeof p, "%s/bm_async_tree/bm_%s.toml", dir, variants[i]);
        put(p, "[tool.pyperformance]\nextra_opts = [\"io\", '--x']\n", 0644);
    }
    snprintf(manifest + strlen(manifest), sizeof manifest - strlen(manifest), "\n[group default]\n");
    snprintf(p, sizeof p, "%s/MANIFEST", dir);
    put(p, manifest, 0644);
}

static void setup(void)
{
    static const char *workloads[] = {
        "julia", "calls", "alloc", "native", "threads", "multiproc", "io_sleep",
        "truth_split", "truth_threads", "truth_subproc", "truth_native", "truth_memory", NULL
    };
    char p[512];

    snprintf(root, sizeof root, "/tmp/pbench-fuzz-XXXXXX");
    if (!mkdtemp(root))
        abort();
    snprintf(p, sizeof p, "%s/cfg", root);
    mkdir(p, 0777);
    snprintf(p, sizeof p, "%s/workloads", root);
    mkdir(p, 0777);
    snprintf(p, sizeof p, "%s/.venv", root);
    mkdir(p, 0777);
    snprintf(p, sizeof p, "%s/.venv/bin", root);
    mkdir(p, 0777);
    snprintf(p, sizeof p, "%s/.venv/bin/python", root);
    put(p, "#!/bin/sh\n", 0755);
    for (int i = 0; workloads[i]; i++) {
        snprintf(p, sizeof p, "%s/workloads/%s.py", root, workloads[i]);
        put(p, "pass\n", 0644);
    }
    snprintf(p, sizeof p, "%s/cfg/profilers.yaml", root);
    copy_profilers(p);
    snprintf(p, sizeof p, "%s/data", root);
    mkdir(p, 0777);
    setenv("PBENCH_DATADIR", p, 1);
    snprintf(p, sizeof p, "%s/data/configs", root);
    mkdir(p, 0777);
    snprintf(p, sizeof p, "%s/data/configs/profilers.yaml", root);
    copy_profilers(p);
    snprintf(p, sizeof p, "%s/data/configs/shipped.yaml", root);
    put(p, "include: [profilers.yaml]\nworkloads: [{name: shipped, script: ../../workloads/calls.py}]\n", 0644);
    stub_pyperformance();
    snprintf(input, sizeof input, "%s/cfg/fuzz.yaml", root);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct pb_diags d = { 0 };
    FILE *f;

    if (!root[0])
        setup();
    f = fopen(input, "wb");
    if (!f)
        abort();
    fwrite(data, 1, size, f);
    fclose(f);

    struct pb_config *cfg = pb_config_load(input, NULL, &d);
    if (cfg) {
        /* a loaded config must be usable: expand every command */
        struct pb_strv args = { 0 }, hot = { 0 };
        for (size_t p = 0; p < cfg->nprofilers; p++) {
            struct pb_template_ctx ctx = { "py", "bin", "s.py", "/o", "w", "p", "/c", "/pb", &args, &hot };
            struct pb_strv argv;
            struct pb_error err;
            if (pb_template_expand_argv(&cfg->profilers[p].command, &ctx, &argv, &err) == 0)
                pb_strv_release(&argv);
        }
        if (d.n != 0)
            abort();            /* loaded, yet errors reported */
        pb_config_free(cfg);
    } else {
        if (d.n == 0)
            abort();            /* refused without saying why */
        for (size_t i = 0; i < d.n; i++)
            if (!d.items[i].msg[0])
                abort();        /* an empty message */
    }
    pb_diags_release(&d);
    return 0;
}
