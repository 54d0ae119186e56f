/* pbench compare: results directories against a first one, pair by pair
 * and per profiler (pyperf's compare_to, for profilers). */
#include <getopt.h>
#include <stdio.h>

#include "analysis/compare.h"
#include "cli/cli.h"
#include "output/chart_compare.h"
#include "output/compare_json.h"
#include "output/compare_md.h"
#include "output/compare_table.h"
#include "store/summary.h"

struct compare_args {
    int markdown;
    const char *json;           /* --json FILE; NULL: none */
    const char *plots;          /* --plot DIR; NULL: no chart */
    struct pb_plot_opts plot;
    char **dirs;                /* BASE, then every NEW */
    size_t ndirs;
};

static void usage(FILE *f)
{
    fputs("usage: pbench compare BASE NEW [NEW...] [--markdown] [--json FILE] [--plot DIR]\n"
          "  Compares each NEW results directory with BASE: for every pair (workload x\n"
          "  profiler) both measured, NEW's normalized time (time with the profiler / plain)\n"
          "  over BASE's, with its interval and whether it excludes 1; per profiler the\n"
          "  geometric mean over the workloads. Workloads whose script, args or size differ\n"
          "  are not comparable and left out; other machines or interpreters are warnings.\n"
          "  See docs/compare.md.\n"
          "  --markdown       print Markdown instead of the terminal tables\n"
          "  --json FILE      also write the comparisons to FILE as JSON (pbench-compare/1)\n"
          "  --plot DIR       also draw DIR/compare.png and compare.svg (gnuplot)\n"
          "  --gnuplot PATH   the gnuplot to run (default: gnuplot from PATH)\n", f);
}

/* Fills a from argv. Returns -1 when it is done (an exit code in *rc:
 * --help, or a usage error it has printed), else 0. */
static int parse(int argc, char **argv, struct compare_args *a, int *rc)
{
    static const struct option longopts[] = {
        { "markdown", no_argument, NULL, 'm' },
        { "json", required_argument, NULL, 'j' },
        { "plot", required_argument, NULL, 'p' },
        { "gnuplot", required_argument, NULL, 'g' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    int ch;

    optind = 0;         /* a full reset: main may have used getopt */
    opterr = 0;
    while ((ch = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        switch (ch) {
        case 'm':
            a->markdown = 1;
            break;
        case 'j':
            a->json = optarg;
            break;
        case 'p':
            a->plots = optarg;
            break;
        case 'g':
            a->plot.gnuplot = optarg;
            break;
        case 'h':
            usage(stdout);
            *rc = PB_EXIT_OK;
            return -1;
        default:
            fprintf(stderr, "pbench compare: unknown option or missing value '%s'\n",
                    argv[optind - 1]);
            usage(stderr);
            *rc = PB_EXIT_USAGE;
            return -1;
        }
    }
    if (argc - optind < 2) {
        fprintf(stderr, "pbench compare: %s\n", optind >= argc ? "no results directory given"
                : "a NEW results directory to compare with BASE is missing");
        usage(stderr);
        *rc = PB_EXIT_USAGE;
        return -1;
    }
    a->dirs = argv + optind;
    a->ndirs = (size_t)(argc - optind);
    return 0;
}

/* Prints the comparisons as terminal text or Markdown. */
static void print(const struct compare_args *a, struct pb_compare *const *cs, size_t n)
{
    if (a->markdown)
        printf("# pbench compare\n\n");
    for (size_t k = 0; k < n; k++) {
        if (a->markdown) {
            printf("## NEW %zu of %zu against BASE\n\n", k + 1, n);
            pb_compare_markdown(stdout, cs[k], 3);
        } else {
            if (k)
                printf("\n%s\n\n", "========================================================"
                       "========================");
            pb_compare_print(stdout, cs[k]);
        }
    }
}

int cmd_compare(int argc, char **argv)
{
    struct compare_args a = { 0 };
    struct pb_error err;
    struct pb_summary_set *set = NULL;
    struct pb_compare **cs = NULL;
    size_t n = 0;
    int ret = PB_EXIT_FAIL, rc;

    pb_plot_opts_init(&a.plot);
    pb_error_clear(&err);
    if (parse(argc, argv, &a, &ret) < 0)
        return ret;
    set = pb_summary_set_load((const char *const *)a.dirs, a.ndirs, &err);
    if (!set || !(cs = pb_compare_set(set, &n, &err))) {
        fprintf(stderr, "pbench compare: %s\n", pb_cli_errtext(&err));
        goto cleanup;
    }
    print(&a, cs, n);
    if (fflush(stdout) != 0 || ferror(stdout)) {
        fprintf(stderr, "pbench compare: cannot write the comparison to standard output\n");
        goto cleanup;
    }
    if (a.json && pb_compare_json_write(a.json, (const struct pb_compare *const *)cs, n, &err) < 0) {
        fprintf(stderr, "pbench compare: %s\n", pb_cli_errtext(&err));
        goto cleanup;
    }
    if (a.plots) {
        rc = pb_compare_plot_write_set(set, a.plots, &a.plot, &err);
        if (rc < 0) {
            fprintf(stderr, "pbench compare: %s\n", pb_cli_errtext(&err));
            goto cleanup;
        }
        if (rc > 0)
            fprintf(stderr, "pbench compare: no chart: no profiler has a ratio in both runs\n");
        else
            fprintf(stderr, "%s/compare.png  %s/compare.svg  (%s)\n", a.plots, a.plots,
                    pb_compare_chart.title);
    }
    ret = PB_EXIT_OK;

cleanup:
    pb_compare_set_free(cs, n);
    pb_summary_set_free(set);
    return ret;
}
