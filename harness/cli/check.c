/* pbench check: validate configs without running anything. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "core/config.h"

static void usage_check(FILE *f)
{
    fputs("usage: pbench check [--python PATH] CONFIG...\n"
          "  validates each config and the files it includes without running anything;\n"
          "  every error is printed as file:line:col with its line and a caret beneath\n"
          "      --python PATH     check with this interpreter instead of the config's 'python:'\n"
          "  -h, --help            print this help\n", f);
}

int cmd_check(int argc, char **argv)
{
    static const struct option longopts[] = {
        { "python", required_argument, NULL, 'P' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 }
    };
    const char *python = NULL;
    int bad = 0, c;

    optind = 1;
    while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        switch (c) {
        case 'P': python = optarg; break;
        case 'h': usage_check(stdout); return PB_EXIT_OK;
        default: usage_check(stderr); return PB_EXIT_USAGE;
        }
    }
    if (optind >= argc) {
        usage_check(stderr);
        return PB_EXIT_USAGE;
    }
    for (int i = optind; i < argc; i++) {
        struct pb_config *cfg = pb_cli_load_config(argv[i], python);
        if (!cfg) {
            bad = 1;
            continue;
        }
        char runs[64];
        pb_cli_plan_size(cfg, runs, sizeof runs);
        size_t nw, np;
        char interps[64] = "";
        pb_cli_matrix_counts(cfg, 0, &nw, &np);
        if (cfg->axis)
            snprintf(interps, sizeof interps, ", %zu interpreters", cfg->ninterps);
        printf("%s: ok: %zu workloads, %zu profilers%s (baseline '%s'), %s\n", argv[i], nw, np,
               interps, cfg->profilers[cfg->baseline].name, runs);
        pb_config_free(cfg);
    }
    return bad ? PB_EXIT_USAGE : PB_EXIT_OK;
}
