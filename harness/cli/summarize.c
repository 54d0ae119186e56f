/* pbench summarize: recompute a results directory's summary and print it. */
#include <stdio.h>
#include <string.h>

#include "analysis/aggregate.h"
#include "cli/cli.h"
#include "output/table.h"

static void usage(FILE *f)
{
    fputs("usage: pbench summarize RESULTS_DIR\n"
          "  Recomputes RESULTS_DIR/summary.json and summary.csv from the stored records\n"
          "  (runs.jsonl, config-resolved.json, meta.json) and prints the summary table.\n", f);
}

int cmd_summarize(int argc, char **argv)
{
    struct pb_error err;
    struct pb_summary *summary = NULL;
    char warning[512];

    if (argc == 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
        usage(stdout);
        return PB_EXIT_OK;
    }
    if (argc != 2 || argv[1][0] == '-') {
        usage(stderr);
        return PB_EXIT_USAGE;
    }
    if (pb_aggregate_dir(argv[1], &summary, warning, &err) < 0) {
        fprintf(stderr, "pbench summarize: %s\n", pb_cli_errtext(&err));
        return PB_EXIT_FAIL;
    }
    if (warning[0])
        fprintf(stderr, "pbench: warning: %s\n", warning);
    pb_table_print_summary(stdout, summary);
    pb_summary_free(summary);
    return PB_EXIT_OK;
}
