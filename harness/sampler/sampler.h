#ifndef PB_SAMPLER_H
#define PB_SAMPLER_H

/*
 * pbench's built-in sampling profiler, the library behind `pbench sample`
 * (its command line is cli/sample.c).
 *
 * Starts a command (a CPython 3.11 program) and samples its Python stacks
 * from outside with process_vm_readv, never stopping it; writes a JSON
 * profile, collapsed stacks when asked, and a top-N summary to a stream
 * when asked. The parts: targets.c (processes and threads), pystack.c
 * (CPython memory walk), pylayout.c (struct offsets from the CPython
 * headers), linetable.c, elfsym.c, procfs.c, samples.c (counts and
 * outputs).
 */

#include <stdint.h>
#include <stdio.h>

#include "util/error.h"

/* Exit codes of `pbench sample` besides the command's own exit status
 * (which it passes through, 128+N for a death by signal N). */
enum {
    PB_SAMPLER_EXIT_FAILURE = 1,     /* sampling failed: not a (supported)
                                        Python program, output not written */
    PB_SAMPLER_EXIT_USAGE = 2,       /* bad options */
    PB_SAMPLER_EXIT_CANNOT_RUN = 126, /* COMMAND found but not executable */
    PB_SAMPLER_EXIT_NOT_FOUND = 127  /* COMMAND not found */
};

struct pb_sampler_opts {
    char **command;             /* argv of the command, NULL-terminated; [0]
                                 * is looked up in PATH as execvp would */
    double rate;                /* samples per second */
    double jitter;              /* random change of each interval, as a
                                 * fraction of it: 0 <= jitter < 1 */
    int subprocesses;           /* also sample its Python child processes */
    uint64_t seed;              /* of the jitter, when seeded */
    int seeded;                 /* 0: seeded from the time and pid */
    const char *output;         /* the JSON profile */
    const char *collapsed;      /* collapsed stacks; NULL: none */
    int collapsed_cpu;          /* collapsed stacks count only on-CPU samples */
    FILE *summary;              /* the top-N summary goes here; NULL: none */
    int top;                    /* functions in the summary */
};

/* Runs o->command to its end while sampling it, then writes the outputs
 * and the summary. Signals SIGINT, SIGTERM and SIGHUP sent to this
 * process alone are passed on to the command. Returns 0 with *status the
 * command's exit status (128+N for a death by signal N). Returns -1 with
 * err set when sampling failed; *status is then the exit code to leave
 * with: one of the codes above, or the command's own status when only the
 * summary could not be printed (the outputs are written). */
int pb_sampler_run(const struct pb_sampler_opts *o, int *status, struct pb_error *err);

#endif /* PB_SAMPLER_H */
