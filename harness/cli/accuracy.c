/* pbench accuracy: attribution errors and the capability matrix of a run
 * of truth workloads, written to accuracy.json and printed. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "run/accuracy.h"

static void usage(FILE *f)
{
    fputs("usage: pbench accuracy RESULTS_DIR [options]\n"
          "  Reads the profilers' outputs of a run of truth workloads (configs/accuracy.yaml)\n"
          "  and writes RESULTS_DIR/accuracy.json: attribution errors and the capability matrix.\n"
          "      --python PATH    interpreter for the adapter (default: pbench's own: $PBENCH_PYTHON,\n"
          "                       else the project's .venv, else python3; never the one a results\n"
          "                       directory names)\n"
          "      --adapter PATH   adapt.py to use (default: adapters/adapt.py of pbench's data directory)\n"
          "      --timeout S      per adapter run (default 120)\n"
          "      --reader NAME=FILE  read profiler NAME's outputs with FILE, a reader of your own\n"
          "                       (harness/adapters/README.md); repeatable. A reader named only by\n"
          "                       the stored results is never run\n"
          "  -q, --quiet          write accuracy.json, print nothing\n", f);
}

int cmd_accuracy(int argc, char **argv)
{
    static const struct option longopts[] = {
        { "python", required_argument, NULL, 'P' },
        { "adapter", required_argument, NULL, 'a' },
        { "timeout", required_argument, NULL, 't' },
        { "reader", required_argument, NULL, 'r' },
        { "quiet", no_argument, NULL, 'q' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 }
    };
    struct pb_accuracy_opts o;
    struct pb_error err;
    struct pb_accuracy *acc = NULL;
    struct pb_reader readers[64];
    int c, quiet = 0;

    pb_accuracy_opts_init(&o);
    optind = 1;
    while ((c = getopt_long(argc, argv, "qh", longopts, NULL)) != -1) {
        char *end;
        switch (c) {
        case 'P': o.python = optarg; break;
        case 'a': o.adapter = optarg; break;
        case 't':
            o.timeout_s = strtod(optarg, &end);
            if (*end || o.timeout_s <= 0) {
                fprintf(stderr, "pbench accuracy: --timeout expects seconds, not '%s'\n", optarg);
                return PB_EXIT_USAGE;
            }
            break;
        case 'r': {
            char *eq = strchr(optarg, '=');
            if (!eq || eq == optarg || !eq[1]) {
                fprintf(stderr, "pbench accuracy: --reader expects NAME=FILE, not '%s'\n", optarg);
                return PB_EXIT_USAGE;
            }
            if (o.nreaders == sizeof readers / sizeof readers[0]) {
                fprintf(stderr, "pbench accuracy: at most %zu --reader\n", o.nreaders);
                return PB_EXIT_USAGE;
            }
            *eq = '\0';
            if (access(eq + 1, R_OK) != 0) {
                fprintf(stderr, "pbench accuracy: --reader %s=%s: cannot read '%s'\n", optarg, eq + 1,
                        eq + 1);
                return PB_EXIT_USAGE;
            }
            readers[o.nreaders].profiler = optarg;
            readers[o.nreaders++].path = eq + 1;
            o.readers = readers;
            break;
        }
        case 'q': quiet = 1; break;
        case 'h': usage(stdout); return PB_EXIT_OK;
        default: usage(stderr); return PB_EXIT_USAGE;
        }
    }
    if (optind != argc - 1) {
        usage(stderr);
        return PB_EXIT_USAGE;
    }
    if (pb_accuracy_write(argv[optind], &o, &acc, &err) < 0) {
        fprintf(stderr, "pbench accuracy: %s\n", pb_cli_errtext(&err));
        return PB_EXIT_FAIL;
    }
    if (!quiet)
        pb_cli_print_accuracy("accuracy", argv[optind], acc);
    pb_accuracy_free(acc);
    return PB_EXIT_OK;
}
