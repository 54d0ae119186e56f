/* pbench merge: the directories of a matrix's shards (pbench run --shard
 * K/N) -> one results directory, then its summary, as pbench summarize
 * prints it, and its accuracy.json when the matrix has truth workloads,
 * as pbench run writes it at the end. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "analysis/accuracy.h"
#include "analysis/aggregate.h"
#include "cli/cli.h"
#include "output/table.h"
#include "run/accuracy.h"
#include "store/merge.h"

static void usage(FILE *f)
{
    fputs("usage: pbench merge OUT SHARD_DIR...\n"
          "  Joins the results directories of a matrix's shards (pbench run CONFIG --shard K/N)\n"
          "  into OUT (new, or an empty directory), then summarizes it: OUT reads like the\n"
          "  directory of one run (pbench summarize, report, plot, accuracy, compare).\n"
          "  Refused (exit 1, nothing written): a directory that is not a shard, shards of\n"
          "  different configs or of a different N, the same shard twice. A shard not given or\n"
          "  not finished is no refusal: its pairs are reported not run, with the reason.\n"
          "  When the matrix has truth workloads (configs/accuracy.yaml), the built-in readers\n"
          "  read the merged outputs into OUT/accuracy.json, as pbench accuracy OUT would (a\n"
          "  profiler's own reader: pbench accuracy OUT --reader NAME=FILE afterwards).\n"
          "      --no-accuracy    leave accuracy.json to a later pbench accuracy OUT\n", f);
}

/* The merged outputs of truth workloads read into out/accuracy.json by
 * the built-in readers (never a reader the stored configs name: issue
 * 16's rule), and printed. A failure is a warning: the merge stands and
 * pbench accuracy can be run on it later. */
static void merge_accuracy(const char *out)
{
    struct pb_accuracy_opts o;
    struct pb_accuracy *acc = NULL;
    struct pb_error err;

    pb_accuracy_opts_init(&o);
    if (pb_accuracy_write(out, &o, &acc, &err) < 0) {
        fprintf(stderr, "pbench merge: warning: merged, but its accuracy could not be computed: %s "
                "(retry with: pbench accuracy %s)\n", pb_cli_errtext(&err), out);
        return;
    }
    printf("\n");
    pb_cli_print_accuracy("merge", out, acc);
    pb_accuracy_free(acc);
}

int cmd_merge(int argc, char **argv)
{
    static const struct option longopts[] = {
        { "help", no_argument, NULL, 'h' },
        { "no-accuracy", no_argument, NULL, 'A' },
        { NULL, 0, NULL, 0 },
    };
    struct pb_merge_result res;
    struct pb_summary *summary = NULL;
    struct pb_error err;
    char warning[512];
    int ch, merged = 0, missing = 0, unfinished = 0, accuracy = 1;

    optind = 0;         /* a full reset: main may have used getopt */
    opterr = 0;
    while ((ch = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        if (ch == 'h') {
            usage(stdout);
            return PB_EXIT_OK;
        }
        if (ch == 'A') {
            accuracy = 0;
            continue;
        }
        fprintf(stderr, "pbench merge: unknown option '%s'\n", argv[optind - 1]);
        usage(stderr);
        return PB_EXIT_USAGE;
    }
    if (argc - optind < 2) {
        fprintf(stderr, "pbench merge: %s\n", argc == optind ? "no output directory and no shard "
                "directory given" : "no shard directory given");
        usage(stderr);
        return PB_EXIT_USAGE;
    }
    const char *out = argv[optind];
    if (pb_merge_dirs(out, (const char *const *)argv + optind + 1, (size_t)(argc - optind - 1), &res,
                      &err) < 0) {
        fprintf(stderr, "pbench merge: %s\n", pb_cli_errtext(&err));
        return PB_EXIT_FAIL;
    }
    if (res.warning[0])
        fprintf(stderr, "pbench: warning: %s\n", res.warning);
    if (res.skipped_files)
        fprintf(stderr, "pbench merge: warning: %zu entr%s of the shards' raw/ left out (symbolic "
                "links, FIFOs or devices: only directories and regular files are copied)\n",
                res.skipped_files, res.skipped_files == 1 ? "y" : "ies");
    for (int k = 0; k < res.count; k++) {
        merged += res.state[k] != PB_MERGE_MISSING;
        missing += res.state[k] == PB_MERGE_MISSING;
        unfinished += res.state[k] == PB_MERGE_UNFINISHED;
        if (res.state[k] == PB_MERGE_MISSING)
            fprintf(stderr, "pbench merge: shard %d of %d was not merged (no directory given): its "
                    "pairs are reported not run\n", k + 1, res.count);
        else if (res.state[k] == PB_MERGE_UNFINISHED)
            fprintf(stderr, "pbench merge: shard %d of %d did not finish ('%s'): its pairs without "
                    "runs are reported not run (finish it with: pbench run --resume %s, then merge "
                    "again)\n", k + 1, res.count, res.dirs[k], res.dirs[k]);
    }
    if (pb_aggregate_dir(out, &summary, warning, &err) < 0) {
        fprintf(stderr, "pbench merge: merged into %s, but cannot summarize it: %s\n", out,
                pb_cli_errtext(&err));
        pb_merge_result_release(&res);
        return PB_EXIT_FAIL;
    }
    if (warning[0])
        fprintf(stderr, "pbench: warning: %s\n", warning);
    pb_table_print_summary(stdout, summary);
    pb_summary_free(summary);
    printf("\nmerged %d of %d shards (%zu runs) into %s", merged, res.count, res.nrecords, out);
    if (missing || unfinished) {
        const char *sep = "";
        printf(" (");
        if (missing) {
            printf("not merged:");
            for (int k = 0; k < res.count; k++)
                if (res.state[k] == PB_MERGE_MISSING)
                    printf(" %d", k + 1);
            sep = "; ";
        }
        if (unfinished) {
            printf("%snot finished:", sep);
            for (int k = 0; k < res.count; k++)
                if (res.state[k] == PB_MERGE_UNFINISHED)
                    printf(" %d", k + 1);
        }
        printf(")");
    }
    printf("\n");
    if (pb_accuracy_has_truths(out)) {     /* the shards' outputs are here, not their readings */
        if (accuracy)
            merge_accuracy(out);
        else
            printf("truth workloads: their accuracy and capabilities with: pbench accuracy %s\n", out);
    }
    pb_merge_result_release(&res);
    return PB_EXIT_OK;
}
