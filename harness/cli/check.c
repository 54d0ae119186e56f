/* pbench check: validate configs without running anything. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "core/config.h"

int cmd_check(int argc, char **argv)
{
    const char *python = NULL;
    int i = 1;
    int bad = 0;

    if (argc >= 3 && !strcmp(argv[1], "--python")) {
        python = argv[2];
        i = 3;
    }
    if (i >= argc) {
        fputs("usage: pbench check [--python PATH] CONFIG...\n", stderr);
        return PB_EXIT_USAGE;
    }
    for (; i < argc; i++) {
        struct pb_config *cfg = pb_cli_load_config(argv[i], python);
        if (!cfg) {
            bad = 1;
            continue;
        }
        char runs[64];
        pb_cli_plan_size(cfg, runs, sizeof runs);
        printf("%s: ok: %zu workloads, %zu profilers (baseline '%s'), %s\n", argv[i],
               cfg->nworkloads, cfg->nprofilers, cfg->profilers[cfg->baseline].name, runs);
        pb_config_free(cfg);
    }
    return bad ? PB_EXIT_USAGE : PB_EXIT_OK;
}
