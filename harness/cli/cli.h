#ifndef PB_CLI_H
#define PB_CLI_H

/*
 * cli: the command line. One file per subcommand (cli/<name>.c with its
 * cmd_<name>): it parses its options, calls the library, prints, and maps
 * failures to the exit codes below. Only this layer prints to the
 * terminal or exits; main.c dispatches from the table in main.c.
 */

#include <stdio.h>

#include "core/config.h"
#include "util/error.h"

enum pb_exit {
    PB_EXIT_OK = 0,
    PB_EXIT_FAIL = 1,       /* a run-time failure: results dir, disk, interpreter */
    PB_EXIT_USAGE = 2,      /* bad command line or bad config */
    PB_EXIT_SIGINT = 130,
    PB_EXIT_SIGTERM = 143,
};

/* The subcommands; argv[0] is the subcommand's name. Each returns an
 * exit code. */
int cmd_run(int argc, char **argv);
int cmd_check(int argc, char **argv);
int cmd_summarize(int argc, char **argv);
int cmd_plot(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_compare(int argc, char **argv);
int cmd_accuracy(int argc, char **argv);
int cmd_sample(int argc, char **argv);
int cmd_merge(int argc, char **argv);
int cmd_slurm(int argc, char **argv);

/* err as "file:line:col: msg" (or just msg); a static buffer, so one at a
 * time. Cannot fail. */
const char *pb_cli_errtext(const struct pb_error *e);

/* Loads a config, printing every error as "file:line:col: msg" with the
 * offending line and a caret beneath, then a count. Returns the config
 * (caller frees with pb_config_free) or NULL. */
struct pb_config *pb_cli_load_config(const char *path, const char *python);

/* The same with extra files walked as includes (--profilers FILE). */
struct pb_config *pb_cli_load_config_with(const char *path, const char *python,
                                          const char *const *extra, size_t nextra);

/* "N runs", or under runs: auto "N to M runs (runs: auto)", of cfg's
 * selected pairs, into buf. Cannot fail. */
void pb_cli_plan_size(const struct pb_config *cfg, char *buf, size_t size);

/* How many workloads and profilers cfg has (only the selected ones when
 * selected is nonzero); a workload on several interpreters counts once.
 * Cannot fail. */
void pb_cli_matrix_counts(const struct pb_config *cfg, int selected, size_t *nw, size_t *np);

/* Why directory dir must not choose what a resume runs (git's "dubious
 * ownership"): "owned by another user", "writable by other users"; NULL
 * when it is this user's alone, or cannot be read (the loaders then say
 * what is wrong with it). Cannot fail. */
const char *pb_cli_dubious_owner(const char *dir);

/* The `reference:` that results directory dir's config named (from its
 * config-resolved.json), or NULL (none, or unreadable). Caller frees. */
char *pb_cli_stored_reference(const char *dir);

/* The newest results directory of config name under base
 * ("<base>/<name>-YYYYmmdd-HHMMSS") but except (a path, or NULL), or NULL
 * (none). Caller frees. */
char *pb_cli_prior_results(const char *base, const char *name, const char *except);

/* Prints f "  duration: about ..., at most ...": cfg's selected matrix
 * estimated from the records of prior_dir (NULL or unreadable: only the
 * bound). Cannot fail. */
void pb_cli_print_estimate(FILE *f, const struct pb_config *cfg, const char *prior_dir);

/* Prints results directory dir's accuracy figures acc: the table on
 * stdout, acc's warnings on stderr ("pbench CMD: warning: ..."), then
 * where accuracy.json is. Cannot fail. */
struct pb_accuracy;
void pb_cli_print_accuracy(const char *cmd, const char *dir, const struct pb_accuracy *acc);

#endif /* PB_CLI_H */
