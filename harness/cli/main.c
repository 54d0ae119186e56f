/*
 * pbench: runs Python workloads plain and under profilers, and tells what
 * each profiler costs. main() dispatches subcommands from a table; each
 * cmd_<name>() parses its options, calls the lower layers, prints, and
 * maps failures to the exit codes of cli.h.
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"

struct cmd {
    const char *name;
    int (*fn)(int argc, char **argv);
    const char *help;
};

static const struct cmd commands[] = {
    { "run", cmd_run, "run a config's matrix of workloads x profilers and summarize it" },
    { "check", cmd_check, "validate configs without running anything" },
    { "summarize", cmd_summarize, "recompute summary.json/csv of a results directory and print it" },
    { "plot", cmd_plot, "write the overhead charts of results directories" },
    { "report", cmd_report, "write a Markdown report of results directories" },
    { "compare", cmd_compare, "compare results directories with a first one: did a profiler get faster?" },
    { "accuracy", cmd_accuracy, "attribution errors and capability matrix of a run of truth workloads" },
    { "merge", cmd_merge, "join the results directories of a matrix's shards (run --shard K/N)" },
    { "sample", cmd_sample, "profile a Python command with pbench's built-in sampler" },
    { "slurm", cmd_slurm, "run a config's matrix as a Slurm job array of shards, then merge them" },
    { NULL, NULL, NULL }
};

static void usage(FILE *f)
{
    fprintf(f, "pbench %s: how much does a Python profiler cost, and can it be trusted?\n\n"
               "usage: pbench COMMAND [ARGS]\n\n", PB_VERSION);
    for (const struct cmd *c = commands; c->name; c++)
        fprintf(f, "  %-10s %s\n", c->name, c->help);
    fputs("\n'pbench COMMAND --help' tells more. Start with: pbench run configs/quick.yaml\n", f);
}

int main(int argc, char **argv)
{
    /* a closed pipe (pbench run | head, or a dead run guard) is an error
     * from write(), not a silent death */
    signal(SIGPIPE, SIG_IGN);
    if (argc < 2) {
        usage(stderr);
        return PB_EXIT_USAGE;
    }
    if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
        usage(stdout);
        return PB_EXIT_OK;
    }
    if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "version")) {
        printf("pbench %s\n", PB_VERSION);
        return PB_EXIT_OK;
    }
    for (const struct cmd *c = commands; c->name; c++)
        if (!strcmp(argv[1], c->name))
            return c->fn(argc - 1, argv + 1);
    fprintf(stderr, "pbench: unknown command '%s'\n\n", argv[1]);
    usage(stderr);
    return PB_EXIT_USAGE;
}
