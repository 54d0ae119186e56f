#ifndef PB_SAMPLER_H
#define PB_SAMPLER_H

/*
 * pbench's built-in sampling profiler: `pbench sample`.
 *
 *   pbench sample [-r HZ] [--subprocesses] -o OUT.json [options] -- COMMAND [ARGS...]
 *
 * Starts COMMAND (a CPython 3.11 program) and samples its Python stacks
 * from outside with process_vm_readv, never stopping it; writes a JSON
 * profile to OUT.json, collapsed stacks beside it (OUT.collapsed), and a
 * top-N summary to stderr. The parts: targets.c (processes and threads),
 * pystack.c (CPython memory walk), pylayout.c (struct offsets from the
 * CPython headers), linetable.c, elfsym.c, procfs.c, samples.c (counts
 * and outputs).
 */

/* Exit codes of `pbench sample` besides the command's own exit status
 * (which it passes through, 128+N for a death by signal N). */
enum {
    PB_SAMPLER_EXIT_FAILURE = 1,     /* sampling failed: not a (supported)
                                        Python program, output not written */
    PB_SAMPLER_EXIT_USAGE = 2,       /* bad options */
    PB_SAMPLER_EXIT_CANNOT_RUN = 126, /* COMMAND found but not executable */
    PB_SAMPLER_EXIT_NOT_FOUND = 127  /* COMMAND not found */
};

/* `pbench sample`: argv[0] is "sample", then options, "--" (optional) and
 * the command. Runs the command to its end while sampling, writes the
 * outputs, prints the summary and any error to stderr.
 * Returns the command's exit status (so a failing workload reads as
 * failing), or one of the codes above when pbench sample itself fails. */
int pb_sampler_cmd(int argc, char **argv);

#endif /* PB_SAMPLER_H */
