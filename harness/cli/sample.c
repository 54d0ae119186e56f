/* pbench sample: the built-in sampler's command line. Parses the options,
 * runs the sampler (sampler/sampler.h) and prints its errors; exits with
 * the command's exit status. */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "sampler/sampler.h"

#define PROG "pbench sample"

struct opts {
    double rate;          /* Hz */
    double jitter;        /* fraction of the interval, 0 <= jitter < 1 */
    int subprocesses;
    const char *output;
    const char *collapsed;   /* NULL: derived from output */
    int no_collapsed;
    int collapsed_cpu;
    int top;
    int quiet;
    uint64_t seed;
    int seeded;
    char **command;
};

static void usage(FILE *out)
{
    fprintf(out,
        "usage: pbench sample [options] -o OUT.json [--] COMMAND [ARGS...]\n"
        "\n"
        "Runs COMMAND (a CPython 3.11 program) and samples its Python stacks from\n"
        "outside, without stopping it. Exits with COMMAND's exit status.\n"
        "\n"
        "  -o, --output PATH         JSON profile (required)\n"
        "  -r, --rate HZ             samples per second (default 100, at most 10000)\n"
        "      --jitter FRACTION     random change of each interval, as a fraction\n"
        "                            of it (default 0.5; 0 for a fixed period)\n"
        "  -s, --subprocesses        also sample COMMAND's Python child processes\n"
        "      --collapsed PATH      collapsed stacks (default: OUT with .collapsed\n"
        "                            for .json)\n"
        "      --collapsed-mode MODE count 'wall' samples (default) or only 'cpu' ones\n"
        "      --no-collapsed        do not write collapsed stacks\n"
        "  -n, --top N               functions in the summary (default 10; 0: none)\n"
        "  -q, --quiet               no summary\n"
        "      --seed N              seed of the interval jitter\n"
        "  -h, --help                this help\n");
}

/* Parses a number in [lo, hi]; returns 0, or -1 (with a message). */
static int parse_num(const char *opt, const char *s, double lo, double hi, double *out)
{
    char *end;
    double v;

    errno = 0;
    v = strtod(s, &end);
    if (errno || end == s || *end || !isfinite(v) || v < lo || v > hi) {
        fprintf(stderr, PROG ": %s: expected a number from %g to %g, got '%s'\n", opt, lo, hi, s);
        return -1;
    }
    *out = v;
    return 0;
}

/* Returns 0 to go on, 1 after --help, -1 on a usage error (printed). */
static int parse_opts(int argc, char **argv, struct opts *o)
{
    enum { OPT_JITTER = 256, OPT_COLLAPSED, OPT_COLLAPSED_MODE, OPT_NO_COLLAPSED, OPT_SEED };
    static const struct option longopts[] = {
        { "output", required_argument, NULL, 'o' },
        { "rate", required_argument, NULL, 'r' },
        { "jitter", required_argument, NULL, OPT_JITTER },
        { "subprocesses", no_argument, NULL, 's' },
        { "collapsed", required_argument, NULL, OPT_COLLAPSED },
        { "collapsed-mode", required_argument, NULL, OPT_COLLAPSED_MODE },
        { "no-collapsed", no_argument, NULL, OPT_NO_COLLAPSED },
        { "top", required_argument, NULL, 'n' },
        { "quiet", no_argument, NULL, 'q' },
        { "seed", required_argument, NULL, OPT_SEED },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    double v;
    int c;

    memset(o, 0, sizeof *o);
    o->rate = 100;
    o->jitter = 0.5;
    o->top = 10;
    optind = 0;  /* full getopt reset: cmd_sample may run more than once */
    opterr = 0;
    /* '+': stop at the command, whose own options are not ours. */
    while ((c = getopt_long(argc, argv, "+o:r:sn:qh", longopts, NULL)) != -1) {
        switch (c) {
        case 'o':
            o->output = optarg;
            break;
        case 'r':
            if (parse_num("--rate", optarg, 0.1, 10000, &o->rate) < 0)
                return -1;
            break;
        case OPT_JITTER:
            if (parse_num("--jitter", optarg, 0, 0.9, &o->jitter) < 0)
                return -1;
            break;
        case 's':
            o->subprocesses = 1;
            break;
        case OPT_COLLAPSED:
            o->collapsed = optarg;
            break;
        case OPT_COLLAPSED_MODE:
            if (strcmp(optarg, "wall") != 0 && strcmp(optarg, "cpu") != 0) {
                fprintf(stderr, PROG ": --collapsed-mode: expected 'wall' or 'cpu', got '%s'\n",
                        optarg);
                return -1;
            }
            o->collapsed_cpu = strcmp(optarg, "cpu") == 0;
            break;
        case OPT_NO_COLLAPSED:
            o->no_collapsed = 1;
            break;
        case 'n':
            if (parse_num("--top", optarg, 0, 100000, &v) < 0)
                return -1;
            o->top = (int)v;
            break;
        case 'q':
            o->quiet = 1;
            break;
        case OPT_SEED:
            if (parse_num("--seed", optarg, 0, 9007199254740992.0, &v) < 0)
                return -1;
            o->seed = (uint64_t)v;
            o->seeded = 1;
            break;
        case 'h':
            usage(stdout);
            return 1;
        default:
            if (optopt && optopt < 256)
                fprintf(stderr, PROG ": unknown option or missing value: '-%c'\n", optopt);
            else
                fprintf(stderr, PROG ": unknown option or missing value: '%s'\n",
                        argv[optind - 1]);
            usage(stderr);
            return -1;
        }
    }
    if (optind >= argc) {
        fprintf(stderr, PROG ": no command to run (put it after '--')\n");
        usage(stderr);
        return -1;
    }
    if (!o->output) {
        fprintf(stderr, PROG ": no output file: give '-o OUT.json'\n");
        return -1;
    }
    o->command = argv + optind;
    return 0;
}

static char *collapsed_path(const struct opts *o)
{
    size_t len = strlen(o->output);
    char *p;

    if (o->no_collapsed)
        return NULL;
    if (o->collapsed)
        return strdup(o->collapsed);
    p = malloc(len + sizeof ".collapsed");
    if (!p)
        return NULL;
    if (len > 5 && strcmp(o->output + len - 5, ".json") == 0)
        len -= 5;
    memcpy(p, o->output, len);
    strcpy(p + len, ".collapsed");
    return p;
}

int cmd_sample(int argc, char **argv)
{
    struct opts o;
    struct pb_sampler_opts so;
    struct pb_error err;
    char *collapsed;
    int rc, status;

    rc = parse_opts(argc, argv, &o);
    if (rc != 0)
        return rc > 0 ? PB_EXIT_OK : PB_SAMPLER_EXIT_USAGE;
    collapsed = collapsed_path(&o);
    if (!collapsed && !o.no_collapsed) {
        fprintf(stderr, PROG ": out of memory\n");
        return PB_SAMPLER_EXIT_FAILURE;
    }
    memset(&so, 0, sizeof so);
    so.command = o.command;
    so.rate = o.rate;
    so.jitter = o.jitter;
    so.subprocesses = o.subprocesses;
    so.seed = o.seed;
    so.seeded = o.seeded;
    so.output = o.output;
    so.collapsed = collapsed;
    so.collapsed_cpu = o.collapsed_cpu;
    so.summary = o.quiet ? NULL : stderr;
    so.top = o.top;
    if (pb_sampler_run(&so, &status, &err) < 0)
        fprintf(stderr, PROG ": %s\n", pb_cli_errtext(&err));
    free(collapsed);
    return status;
}
