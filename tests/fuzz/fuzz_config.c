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
 * configs and {datadir} are explored too. Built by scripts/fuzz.sh (clang).
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
