/* pbench plot: the charts of results directories. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "cli/cli.h"
#include "output/plot.h"
#include "store/summary.h"

static void usage(FILE *f)
{
    fprintf(f, "usage: pbench plot RESULTS_DIR... [-o DIR] [--width W] [--height H] "
            "[--gnuplot PATH]\n"
            "  -o, --output DIR   where the charts go (default: plots)\n"
            "  --width W, --height H   chart size in pixels (default: 1200 x 700)\n"
            "  --gnuplot PATH     the gnuplot to run (default: gnuplot from PATH)\n"
            "A RESULTS_DIR with accuracy.json (pbench accuracy) adds its accuracy chart:\n"
            "DIR/accuracy.png, or DIR/accuracy-NAME/accuracy.png when several are given.\n");
}

static int parse_size(const char *s, int *out)
{
    char *end;
    long v;

    errno = 0;
    v = strtol(s, &end, 10);
    if (errno || end == s || *end || v < 1 || v > 100000)
        return -1;
    *out = (int)v;
    return 0;
}

/* Prints the files written into out: every chart, and each run's
 * accuracy chart (or why it has none). */
static void print_written(const struct pb_summary_set *set, const char *out)
{
    for (size_t i = 0; pb_plot_charts[i].name; i++)
        printf("%s/%s.png  %s/%s.svg  (%s)\n", out, pb_plot_charts[i].name, out,
               pb_plot_charts[i].name, pb_plot_charts[i].title);
    for (size_t r = 0; r < set->nruns; r++) {
        char rel[PB_ERROR_PATH_MAX], png[PB_ERROR_PATH_MAX + 8];
        struct stat st;

        if (!pb_plot_has_accuracy(set, r))
            continue;
        pb_plot_accuracy_path(set, r, rel, sizeof rel);
        snprintf(png, sizeof png, "%s/%s.png", out, rel);
        if (stat(png, &st) == 0)
            printf("%s  %s/%s.svg  (accuracy: reported vs true CPU share, %s)\n", png, out, rel,
                   set->runs[r]->dir);
        else            /* pb_accuracy_plot_write: nothing to draw */
            printf("(no accuracy chart for %s: its accuracy.json has no CPU split figures)\n",
                   set->runs[r]->dir);
    }
}

int cmd_plot(int argc, char **argv)
{
    static const struct option longopts[] = {
        { "output", required_argument, NULL, 'o' },
        { "width", required_argument, NULL, 'W' },
        { "height", required_argument, NULL, 'H' },
        { "gnuplot", required_argument, NULL, 'g' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    struct pb_plot_opts opts;
    struct pb_error err;
    struct pb_summary_set *set;
    const char *out = "plots";
    int ch;

    pb_plot_opts_init(&opts);
    pb_error_clear(&err);
    optind = 0;         /* a full reset: main may have used getopt */
    opterr = 0;
    while ((ch = getopt_long(argc, argv, "o:h", longopts, NULL)) != -1) {
        switch (ch) {
        case 'o':
            out = optarg;
            break;
        case 'W':
        case 'H':
            if (parse_size(optarg, ch == 'W' ? &opts.width : &opts.height) < 0) {
                fprintf(stderr, "pbench plot: bad %s '%s' (expected pixels, e.g. 1200)\n",
                        ch == 'W' ? "--width" : "--height", optarg);
                return PB_EXIT_USAGE;
            }
            break;
        case 'g':
            opts.gnuplot = optarg;
            break;
        case 'h':
            usage(stdout);
            return PB_EXIT_OK;
        default:
            fprintf(stderr, "pbench plot: unknown option '%s'\n", argv[optind - 1]);
            usage(stderr);
            return PB_EXIT_USAGE;
        }
    }
    if (optind >= argc) {
        fprintf(stderr, "pbench plot: no results directory given\n");
        usage(stderr);
        return PB_EXIT_USAGE;
    }
    set = pb_summary_set_load((const char *const *)argv + optind, (size_t)(argc - optind), &err);
    if (!set || pb_plot_write_set(set, out, &opts, &err) < 0) {
        fprintf(stderr, "pbench plot: %s\n", pb_cli_errtext(&err));
        pb_summary_set_free(set);
        return PB_EXIT_FAIL;
    }
    print_written(set, out);
    pb_summary_set_free(set);
    return PB_EXIT_OK;
}
