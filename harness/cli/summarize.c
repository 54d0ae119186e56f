/* pbench summarize: recompute a results directory's summary and print it,
 * with --reference a published table beside it. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "analysis/aggregate.h"
#include "analysis/published.h"
#include "cli/cli.h"
#include "output/published_table.h"
#include "output/table.h"
#include "store/reference.h"

static void usage(FILE *f)
{
    fputs("usage: pbench summarize RESULTS_DIR [--reference FILE]\n"
          "  Recomputes RESULTS_DIR/summary.json and summary.csv from the stored records\n"
          "  (runs.jsonl, config-resolved.json, meta.json) and prints the summary table.\n"
          "  --reference FILE  then a paper's figures (docs/reference.md) beside these;\n"
          "                    FILE, else pbench's shipped configs/FILE\n"
          "                    (reference/scalene-osdi23.yaml)\n", f);
}

/* The results directory and --reference from argv. Returns -1 when it is
 * done (an exit code in *rc: --help, or a usage error), else 0. */
static int parse(int argc, char **argv, const char **dir, const char **reference, int *rc)
{
    static const struct option longopts[] = {
        { "reference", required_argument, NULL, 'r' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    int ch;

    optind = 0;         /* a full reset: main may have used getopt */
    opterr = 0;
    while ((ch = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        switch (ch) {
        case 'r':
            *reference = optarg;
            break;
        case 'h':
            usage(stdout);
            *rc = PB_EXIT_OK;
            return -1;
        default:
            fprintf(stderr, "pbench summarize: unknown option '%s'\n", argv[optind - 1]);
            usage(stderr);
            *rc = PB_EXIT_USAGE;
            return -1;
        }
    }
    if (optind != argc - 1) {
        fprintf(stderr, "pbench summarize: %s\n", optind >= argc ? "no results directory given"
                : "one results directory at a time");
        usage(stderr);
        *rc = PB_EXIT_USAGE;
        return -1;
    }
    *dir = argv[optind];
    return 0;
}

/* Prints the comparison of dir's (just saved) summary with ref. Returns
 * an exit code. */
static int compare(const char *dir, const struct pb_reference *ref)
{
    struct pb_error err;
    struct pb_summary_set *set = pb_summary_set_load(&dir, 1, &err);
    struct pb_published p;
    int rc = PB_EXIT_FAIL;

    if (!set) {
        fprintf(stderr, "pbench summarize: %s\n", pb_cli_errtext(&err));
        return rc;
    }
    const char *pythons[16];
    size_t n = pb_published_pythons(set, pythons, 16);
    rc = PB_EXIT_OK;
    for (size_t i = 0; i < (n ? n : 1) && rc == PB_EXIT_OK; i++) {
        if (n)
            printf("\nOn Python %s:\n", pythons[i]);
        if (pb_published_compare(set, ref, n ? pythons[i] : NULL, &p, &err) < 0) {
            fprintf(stderr, "pbench summarize: %s\n", pb_cli_errtext(&err));
            rc = PB_EXIT_FAIL;
        } else {
            pb_published_print(stdout, &p);
        }
        pb_published_release(&p);
    }
    pb_summary_set_free(set);
    return rc;
}

int cmd_summarize(int argc, char **argv)
{
    struct pb_error err;
    struct pb_summary *summary = NULL;
    struct pb_reference *ref = NULL;
    const char *dir = NULL, *reference = NULL;
    char warning[512], *stored = NULL;
    int rc = PB_EXIT_OK;

    if (parse(argc, argv, &dir, &reference, &rc) < 0)
        return rc;
    if (!reference)                 /* the one the run's config named */
        reference = stored = pb_cli_stored_reference(dir);
    if (reference) {
        struct pb_diags d = { 0 };
        ref = pb_reference_load_named(reference, &d);
        for (size_t i = 0; i < d.n; i++)
            fprintf(stderr, "pbench summarize: %s\n", pb_cli_errtext(&d.items[i]));
        pb_diags_release(&d);
        if (!ref && stored)         /* results moved here: go on without */
            fprintf(stderr, "pbench summarize: the run's reference %s cannot be read; "
                    "left out (--reference FILE names another)\n", stored);
        else if (!ref)
            return PB_EXIT_USAGE;
        free(stored);
    }
    if (pb_aggregate_dir(dir, &summary, warning, &err) < 0) {
        fprintf(stderr, "pbench summarize: %s\n", pb_cli_errtext(&err));
        pb_reference_free(ref);
        return PB_EXIT_FAIL;
    }
    if (warning[0])
        fprintf(stderr, "pbench: warning: %s\n", warning);
    pb_table_print_summary(stdout, summary);
    pb_summary_free(summary);
    if (ref)
        rc = compare(dir, ref);
    pb_reference_free(ref);
    return rc;
}
