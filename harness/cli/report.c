/* pbench report: a Markdown report of results directories, with their
 * charts, and with --reference a published table beside them. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli/cli.h"
#include "output/chart_compare.h"
#include "output/plot.h"
#include "output/report.h"
#include "store/reference.h"
#include "store/summary.h"
#include "util/path.h"

struct report_args {
    struct pb_plot_opts plot;
    const char *out, *plots;    /* NULL: in the first results directory */
    const char *reference;      /* --reference FILE; NULL: none */
    int no_plot;
    char **dirs;
    size_t ndirs;
};

static void usage(FILE *f)
{
    fprintf(f, "usage: pbench report RESULTS_DIR... [-o FILE] [--plots DIR] [--no-plot] "
            "[--gnuplot PATH] [--reference FILE]\n"
            "  -o, --output FILE  the report (default: report.md in the first RESULTS_DIR)\n"
            "  --plots DIR        where its charts go (default: plots/ in the first RESULTS_DIR)\n"
            "  --no-plot          do not run gnuplot; embed the charts already in DIR\n"
            "  --gnuplot PATH     the gnuplot to run (default: gnuplot from PATH)\n"
            "  --reference FILE   add 'Published versus measured': a paper's figures\n"
            "                     (docs/reference.md) beside these; FILE, else pbench's\n"
            "                     shipped configs/FILE (reference/scalene-osdi23.yaml)\n");
}

/* Fills a from argv. Returns -1 when it is done (an exit code in *rc:
 * --help, or a usage error it has printed), else 0. */
static int parse(int argc, char **argv, struct report_args *a, int *rc)
{
    static const struct option longopts[] = {
        { "output", required_argument, NULL, 'o' },
        { "plots", required_argument, NULL, 'p' },
        { "no-plot", no_argument, NULL, 'n' },
        { "gnuplot", required_argument, NULL, 'g' },
        { "reference", required_argument, NULL, 'r' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    int ch;

    optind = 0;         /* a full reset: main may have used getopt */
    opterr = 0;
    while ((ch = getopt_long(argc, argv, "o:h", longopts, NULL)) != -1) {
        switch (ch) {
        case 'o':
            a->out = optarg;
            break;
        case 'p':
            a->plots = optarg;
            break;
        case 'n':
            a->no_plot = 1;
            break;
        case 'g':
            a->plot.gnuplot = optarg;
            break;
        case 'r':
            a->reference = optarg;
            break;
        case 'h':
            usage(stdout);
            *rc = PB_EXIT_OK;
            return -1;
        default:
            fprintf(stderr, "pbench report: unknown option '%s'\n", argv[optind - 1]);
            usage(stderr);
            *rc = PB_EXIT_USAGE;
            return -1;
        }
    }
    if (optind >= argc) {
        fprintf(stderr, "pbench report: no results directory given\n");
        usage(stderr);
        *rc = PB_EXIT_USAGE;
        return -1;
    }
    a->dirs = argv + optind;
    a->ndirs = (size_t)(argc - optind);
    return 0;
}

/* Loads --reference, printing every problem as "file:line:col: msg".
 * Returns the reference (caller frees) or NULL. */
static struct pb_reference *load_reference(const char *given)
{
    struct pb_diags d = { 0 };
    struct pb_reference *ref = pb_reference_load_named(given, &d);

    for (size_t i = 0; i < d.n; i++)
        fprintf(stderr, "pbench report: %s\n", pb_cli_errtext(&d.items[i]));
    pb_diags_release(&d);
    return ref;
}

int cmd_report(int argc, char **argv)
{
    struct report_args a = { .out = NULL };
    struct pb_error err;
    struct pb_summary_set *set = NULL;
    struct pb_reference *ref = NULL;
    char *def_out = NULL, *def_plots = NULL, *stored = NULL;
    int ret = PB_EXIT_FAIL;

    pb_plot_opts_init(&a.plot);
    pb_error_clear(&err);
    if (parse(argc, argv, &a, &ret) < 0)
        return ret;
    if (a.reference && !(ref = load_reference(a.reference)))
        return PB_EXIT_USAGE;
    /* else the one the run's config named; results moved from another
     * machine may not find it, and the report goes on without */
    if (!a.reference && (stored = pb_cli_stored_reference(a.dirs[0]))) {
        if (!(ref = load_reference(stored)))
            fprintf(stderr, "pbench report: the run's reference %s cannot be read; "
                    "the report leaves it out (--reference FILE names another)\n", stored);
        free(stored);
    }
    set = pb_summary_set_load((const char *const *)a.dirs, a.ndirs, &err);
    if (!set) {
        fprintf(stderr, "pbench report: %s\n", pb_cli_errtext(&err));
        pb_reference_free(ref);
        return PB_EXIT_FAIL;
    }
    if (!a.out)
        a.out = def_out = pb_path_join(a.dirs[0], "report.md");
    if (!a.plots)
        a.plots = def_plots = pb_path_join(a.dirs[0], "plots");
    if (!a.out || !a.plots) {
        fprintf(stderr, "pbench report: out of memory\n");
        goto cleanup;
    }
    if ((!a.no_plot && (pb_plot_write_set(set, a.plots, &a.plot, &err) < 0
                        || pb_compare_plot_write_set(set, a.plots, &a.plot, &err) < 0))
        || pb_report_write_set(set, a.out, a.plots, ref, &err) < 0) {
        fprintf(stderr, "pbench report: %s\n", pb_cli_errtext(&err));
        goto cleanup;
    }
    printf("%s (charts in %s)\n", a.out, a.plots);
    ret = PB_EXIT_OK;

cleanup:
    pb_summary_set_free(set);
    pb_reference_free(ref);
    free(def_out);
    free(def_plots);
    return ret;
}
