/* pbench summarize: recompute a results directory's summary and print it. */
#include <stdio.h>

#include "analysis/aggregate.h"
#include "cli/cli.h"
#include "output/table.h"

int cmd_summarize(int argc, char **argv)
{
    struct pb_error err;
    struct pb_summary *summary = NULL;
    char warning[512];

    if (argc != 2) {
        fputs("usage: pbench summarize RESULTS_DIR\n", stderr);
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
