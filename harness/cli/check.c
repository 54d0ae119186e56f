/* pbench check: validate configs without running anything. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "core/config.h"
#include "util/error.h"
#include "util/path.h"

static void usage_check(FILE *f)
{
    fputs("usage: pbench check [--python PATH] [--profilers FILE] [--from DIR | -o DIR] CONFIG...\n"
          "  validates each config and the files it includes without running anything;\n"
          "  every error is printed as file:line:col with its line and a caret beneath;\n"
          "  a selected workload without 'hot:' paired with a selected profiler that\n"
          "  passes {hot} (line_profiler, memory_profiler) is an error too, unless the\n"
          "  workload leaves that profiler out ('skip:'); the pairs left out are listed,\n"
          "  and the matrix's duration is estimated from an earlier run of the config\n"
          "      --python PATH     check with this interpreter instead of the config's 'python:'\n"
          "      --profilers FILE  also load FILE's profilers, as pbench run --profilers does\n"
          "      --from DIR        estimate from the runs of results directory DIR\n"
          "  -o, --results DIR     else from the newest run of the config there (default: results)\n"
          "  -h, --help            print this help\n", f);
}

/* 1 when template t uses {hot} (not the literal "{{hot}}"). */
static int has_hot(const char *t)
{
    for (const char *at = strstr(t, "{hot}"); at; at = strstr(at + 1, "{hot}"))
        if (at == t || at[-1] != '{')
            return 1;
    return 0;
}

/* 1 when profiler p passes {hot}, in its command or its environment. */
static int needs_hot(const struct pb_profiler *p)
{
    for (size_t i = 0; i < p->command.n; i++)
        if (has_hot(p->command.v[i]))
            return 1;
    for (size_t i = 0; i < p->env.n; i++)
        if (has_hot(p->env.v[i]))
            return 1;
    return 0;
}

/* Every selected workload without hot functions that meets a selected
 * profiler profiling only those: the pair would fail in every round
 * (boot.py: "--hot names no function"). Prints one located error per
 * workload (once for the workloads of one with sizes:) and returns how
 * many. */
static size_t check_hot_pairs(const struct pb_config *cfg)
{
    size_t bad = 0;

    for (size_t w = 0; w < cfg->nworkloads; w++) {
        const struct pb_workload *wl = &cfg->workloads[w];
        char names[512] = "";
        struct pb_error e;
        char line[PB_ERROR_MSG_MAX + PB_ERROR_PATH_MAX + 32];
        size_t n = 0;

        if (!wl->selected || wl->hot.n > 0)
            continue;
        if (w > 0 && wl->base && cfg->workloads[w - 1].base && !strcmp(wl->base, cfg->workloads[w - 1].base))
            continue;       /* its sizes: said once */
        for (size_t p = 0; p < cfg->nprofilers; p++)
            if (cfg->profilers[p].selected && needs_hot(&cfg->profilers[p]) && !pb_config_skipped(cfg, w, p))
                snprintf(names + strlen(names), sizeof names - strlen(names), "%s'%s'",
                         n++ ? ", " : "", cfg->profilers[p].name);
        if (n == 0)
            continue;
        pb_error_at(&e, wl->loc.file, wl->loc.line, wl->loc.col,
                    "workload '%s' has no 'hot:' functions, but profiler%s %s profile%s only those ({hot}): "
                    "every run of %s would fail; name them in 'hot:' or leave %s out with 'skip:' or 'select:'",
                    wl->base ? wl->base : wl->name, n == 1 ? "" : "s", names, n == 1 ? "s" : "",
                    n == 1 ? "the pair" : "those pairs", n == 1 ? "it" : "them");
        fprintf(stderr, "%s\n", pb_error_format(&e, line, sizeof line));
        bad++;
    }
    return bad;
}

/* The name a workload was written with: before sizes: and pythons:
 * made it several. */
static const char *written_name(const struct pb_workload *wl)
{
    return wl->base ? wl->base : wl->given ? wl->given : wl->name;
}

/* The workloads whose count a run chooses (target:), one line each with
 * its targets (not one per target or interpreter). */
static void print_targets(const struct pb_config *cfg)
{
    for (size_t w = 0; w < cfg->nworkloads; w++) {
        const struct pb_workload *wl = &cfg->workloads[w];
        char targets[256] = "";
        int said = 0, n = 0;
        if (!wl->selected || !(wl->target > 0))
            continue;
        for (size_t k = 0; k < cfg->nworkloads; k++) {
            const struct pb_workload *o = &cfg->workloads[k];
            if (!o->selected || !(o->target > 0) || strcmp(written_name(o), written_name(wl)))
                continue;
            said |= k < w;
            int dup = 0;
            for (size_t j = 0; j < k; j++)
                dup |= cfg->workloads[j].selected && cfg->workloads[j].target == o->target
                       && !strcmp(written_name(&cfg->workloads[j]), written_name(wl));
            if (!dup && strlen(targets) < sizeof targets - 32)
                snprintf(targets + strlen(targets), sizeof targets - strlen(targets), "%s%g s",
                         n++ ? ", " : "", o->target);
        }
        if (!said)
            printf("  %s: target%s %s: its %s chosen when the run starts, by timing plain runs%s\n",
                   written_name(wl), n > 1 ? "s" : "", targets,
                   wl->pyperformance ? (n > 1 ? "loop counts are" : "loop count is")
                                     : (n > 1 ? "sizes ({size}) are" : "size ({size}) is"),
                   cfg->axis ? " on each interpreter" : "");
    }
}

/* One line per selected profiler whose program is not there: a command
 * starting with {bindir}/NAME (the interpreter's environment), a path, or
 * a bare name looked up in PATH. Its runs would fail as "cannot run";
 * the run still goes on, so this is a warning, not an error. Returns how
 * many. */
static size_t print_missing_programs(const struct pb_config *cfg)
{
    size_t n = 0;

    for (size_t p = 0; p < cfg->nprofilers; p++) {
        const struct pb_profiler *pr = &cfg->profilers[p];
        const char *cmd0 = pr->command.n ? pr->command.v[0] : "";
        char *path = NULL;

        if (!pr->selected)
            continue;
        if (strchr(cmd0, '{') && strncmp(cmd0, "{bindir}/", 9))
            continue;  /* {python}, {pbench}...: checked elsewhere or always there */
        if (!strncmp(cmd0, "{bindir}/", 9)) {
            char *bindir = pb_path_bindir(cfg->interps[0].python);
            path = bindir ? pb_path_join(bindir, cmd0 + 9) : NULL;
            free(bindir);
            if (path && access(path, X_OK) == 0) {
                free(path);
                continue;
            }
        } else {
            char *found = pb_which(cmd0);
            if (found) {
                free(found);
                continue;
            }
        }
        printf("  profiler '%s': its program '%s'%s%s%s is not there: every run of it would fail "
               "(install its package, or leave it out with select:)\n", pr->name, cmd0,
               path ? " (" : "", path ? path : "", path ? ")" : "");
        free(path);
        n++;
    }
    return n;
}

/* One line per selected pair a workload's `skip:` leaves out, with its
 * reason; once for the workloads of one with sizes: or pythons:. */
static void print_skipped(const struct pb_config *cfg)
{
    for (size_t w = 0; w < cfg->nworkloads; w++) {
        const struct pb_workload *wl = &cfg->workloads[w];
        for (size_t p = 0; wl->selected && p < cfg->nprofilers; p++) {
            const char *why = pb_config_skipped(cfg, w, p);
            size_t k = 0;
            if (!why || !cfg->profilers[p].selected)
                continue;
            while (k < w && !(cfg->workloads[k].selected && pb_config_skipped(cfg, k, p)
                              && !strcmp(written_name(&cfg->workloads[k]), written_name(wl))))
                k++;
            if (k == w)         /* not said for an earlier size or interpreter */
                printf("  skipped: '%s' on '%s'%s%s\n", cfg->profilers[p].name, written_name(wl),
                       *why ? ": " : "", why);
        }
    }
}

int cmd_check(int argc, char **argv)
{
    static const struct option longopts[] = {
        { "python", required_argument, NULL, 'P' },
        { "from", required_argument, NULL, 'f' },
        { "results", required_argument, NULL, 'o' },
        { "profilers", required_argument, NULL, 'X' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 }
    };
    const char *python = NULL, *from = NULL, *base = "results", *extra[128];
    size_t nextra = 0;
    int bad = 0, c;

    optind = 1;
    while ((c = getopt_long(argc, argv, "ho:", longopts, NULL)) != -1) {
        switch (c) {
        case 'P': python = optarg; break;
        case 'X': if (nextra < sizeof extra / sizeof extra[0]) extra[nextra++] = optarg; break;
        case 'f': from = optarg; break;
        case 'o': base = optarg; break;
        case 'h': usage_check(stdout); return PB_EXIT_OK;
        default: usage_check(stderr); return PB_EXIT_USAGE;
        }
    }
    if (optind >= argc) {
        usage_check(stderr);
        return PB_EXIT_USAGE;
    }
    for (int i = optind; i < argc; i++) {
        struct pb_config *cfg = pb_cli_load_config_with(argv[i], python, extra, nextra);
        if (!cfg) {
            bad = 1;
            continue;
        }
        size_t nhot = check_hot_pairs(cfg);
        if (nhot) {
            fprintf(stderr, "pbench: %zu error%s in '%s'\n", nhot, nhot == 1 ? "" : "s", argv[i]);
            pb_config_free(cfg);
            bad = 1;
            continue;
        }
        char runs[64];
        pb_cli_plan_size(cfg, runs, sizeof runs);
        size_t nw, np;
        char interps[64] = "";
        pb_cli_matrix_counts(cfg, 1, &nw, &np);  /* what select: leaves, as the run counts */
        if (cfg->axis)
            snprintf(interps, sizeof interps, ", %zu interpreters", cfg->ninterps);
        printf("%s: ok: %zu workloads, %zu profilers%s (baseline '%s'), %s\n", argv[i], nw, np,
               interps, cfg->profilers[cfg->baseline].name, runs);
        print_targets(cfg);
        print_missing_programs(cfg);
        for (size_t k = 0; cfg->axis && k < cfg->ninterps; k++)
            if (!cfg->interps[k].available)
                printf("  Python %s: unavailable, its pairs will not run: %s\n",
                       cfg->interps[k].label, cfg->interps[k].why);
        print_skipped(cfg);
        char *prior = from ? strdup(from) : pb_cli_prior_results(base, cfg->name, NULL);
        pb_cli_print_estimate(stdout, cfg, prior);
        free(prior);
        pb_config_free(cfg);
    }
    return bad ? PB_EXIT_USAGE : PB_EXIT_OK;
}
