/* Helpers every subcommand shares: error text, config diagnostics. */
#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "analysis/estimate.h"
#include "cli/cli.h"
#include "output/accuracy_table.h"
#include "store/resolved.h"
#include "core/plan.h"
#include "store/records.h"
#include "util/text.h"
#include "util/fs.h"

/* err as "file:line:col: msg" (or just msg); static buffer, one at a time */
const char *pb_cli_errtext(const struct pb_error *e)
{
    static char buf[2048];
    return pb_error_format(e, buf, sizeof buf);
}

/* ---- config diagnostics ---------------------------------------------------- */

/* Prints "file:line:col: msg", the offending line and a caret under it. */
static void print_diag(const struct pb_error *e)
{
    char buf[2048];

    fprintf(stderr, "%s\n", pb_error_format(e, buf, sizeof buf));
    if (e->line <= 0 || !e->file[0])
        return;
    FILE *f = pb_fopen_regular(e->file);
    if (!f)
        return;
    char line[1024];
    int n = 0;
    while (fgets(line, sizeof line, f)) {
        if (++n == e->line) {
            line[strcspn(line, "\r\n")] = '\0';
            fprintf(stderr, "  %5d | %s\n        | ", n, line);
            for (int i = 1; i < e->col && line[i - 1]; i++)
                fputc(line[i - 1] == '\t' ? '\t' : ' ', stderr);
            fputs("^\n", stderr);
            break;
        }
    }
    fclose(f);
}

struct pb_config *pb_cli_load_config(const char *path, const char *python)
{
    return pb_cli_load_config_with(path, python, NULL, 0);
}

struct pb_config *pb_cli_load_config_with(const char *path, const char *python,
                                          const char *const *extra, size_t nextra)
{
    struct pb_diags d = { 0 };
    struct pb_config *cfg = pb_config_load_with(path, python, extra, nextra, &d);

    for (size_t i = 0; i < d.n; i++)
        print_diag(&d.items[i]);
    if (!cfg)
        fprintf(stderr, "pbench: %zu error%s in '%s'\n", d.n, d.n == 1 ? "" : "s", path);
    pb_diags_release(&d);
    return cfg;
}

/* "N runs", or under runs: auto "N to M runs (runs: auto)", of the
 * selected pairs. */
void pb_cli_plan_size(const struct pb_config *cfg, char *buf, size_t size)
{
    size_t least, most;

    pb_plan_count(cfg, &least, &most);
    if (least == most)
        snprintf(buf, size, "%zu runs", least);
    else
        snprintf(buf, size, "%zu to %zu runs (runs: auto)", least, most);
}


void pb_cli_matrix_counts(const struct pb_config *cfg, int selected, size_t *nw, size_t *np)
{
    *np = *nw = 0;
    for (size_t i = 0; i < cfg->nprofilers; i++)
        *np += !selected || cfg->profilers[i].selected;
    for (size_t i = 0; i < cfg->nworkloads; i++) {
        const struct pb_workload *w = &cfg->workloads[i];
        size_t k = 0;
        if (selected && !w->selected)
            continue;
        /* the same workload on another interpreter counts once */
        while (k < i && !(cfg->workloads[k].given && w->given
                          && !strcmp(cfg->workloads[k].given, w->given)
                          && (!selected || cfg->workloads[k].selected)))
            k++;
        *nw += k == i;
    }
}

char *pb_cli_stored_reference(const char *dir)
{
    struct pb_resolved r;
    struct pb_error err;
    char *ref = NULL;

    if (pb_resolved_load(dir, &r, &err) == 0) {
        ref = r.reference ? strdup(r.reference) : NULL;
        pb_resolved_release(&r);
    }
    return ref;
}

/* 1 when entry is "<name>-YYYYmmdd-HHMMSS", a run of config name. */
static int run_of(const char *entry, const char *name)
{
    size_t n = strlen(name);
    const char *s = entry + n;

    if (strncmp(entry, name, n) || *s++ != '-' || strlen(s) != 15 || s[8] != '-')
        return 0;
    for (int i = 0; i < 15; i++)
        if (i != 8 && (s[i] < '0' || s[i] > '9'))
            return 0;
    return 1;
}

char *pb_cli_prior_results(const char *base, const char *name, const char *except)
{
    DIR *d = opendir(base);
    struct dirent *e;
    char newest[256] = "", *path;
    const char *skip = except ? strrchr(except, '/') : NULL;

    skip = skip ? skip + 1 : except;
    if (!d)
        return NULL;
    while ((e = readdir(d)))
        if (run_of(e->d_name, name) && strcmp(e->d_name, newest) > 0
            && !(skip && !strcmp(e->d_name, skip)))
            snprintf(newest, sizeof newest, "%s", e->d_name);
    closedir(d);
    if (!newest[0] || !(path = malloc(strlen(base) + strlen(newest) + 2)))
        return NULL;
    sprintf(path, "%s/%s", base, newest);
    return path;
}

void pb_cli_print_estimate(FILE *f, const struct pb_config *cfg, const char *prior_dir)
{
    struct pb_run_list runs = { 0 };
    struct pb_estimate est;
    struct pb_error err;
    char most[32], about[32];
    int have = 0;

    pb_error_clear(&err);
    if (prior_dir)
        have = pb_records_read(prior_dir, 1, &runs, &err) == 0;
    pb_estimate_plan(cfg, have ? &runs : NULL, &est);
    pb_records_release(&runs);
    pb_fmt_duration_words(est.at_most_s, most, sizeof most);
    if (isnan(est.expected_s)) {
        fprintf(f, "  duration: unknown before a first run (%s%s%s); at most %s, every run to its "
                "timeout; the log gives an ETA from the first runs on\n",
                prior_dir ? "none of these pairs ran in " : "no earlier run of '",
                prior_dir ? prior_dir : cfg->name, prior_dir ? "" : "' in the results directory",
                most);
        return;
    }
    pb_fmt_duration_words(est.expected_s, about, sizeof about);
    fprintf(f, "  duration: about %s%s, from %s (%zu of the %zu runs are of pairs it measured, the "
            "rest at their mean); at most %s, every run to its timeout\n", about,
            cfg->runs_auto ? " or more (runs: auto adds rounds)" : "", prior_dir,
            est.runs_known, est.runs, most);
}

const char *pb_cli_dubious_owner(const char *dir)
{
    struct stat st;

    if (stat(dir, &st) < 0 || (st.st_uid == geteuid() && !(st.st_mode & (S_IWGRP | S_IWOTH))))
        return NULL;
    return st.st_uid != geteuid() ? "owned by another user" : "writable by other users";
}

void pb_cli_print_accuracy(const char *cmd, const char *dir, const struct pb_accuracy *acc)
{
    pb_accuracy_table_print(stdout, acc);
    for (size_t i = 0; i < acc->nwarnings; i++)
        fprintf(stderr, "pbench %s: warning: %s\n", cmd, acc->warnings[i]);
    printf("\naccuracy in %s/accuracy.json\n", dir);
}
