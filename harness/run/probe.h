#ifndef PB_PROBE_H
#define PB_PROBE_H

/*
 * probe: the facts that explain a run's figures, read off this machine
 * and the interpreter under test into a struct pb_meta (store/meta.h):
 * hostname, CPU model, cores, kernel, memory, load, the noise settings
 * (governor, turbo, ASLR), Python's version and each profiler's.
 */

#include "core/config.h"
#include "store/meta.h"
#include "util/error.h"

/* Fills m's host facts (hostname, cpu_model, cores, kernel, mem_total_kb,
 * loadavg_start, cpu_governor, turbo, aslr); a fact that cannot be read
 * is left unknown ("unknown" for the CPU model, the governor and turbo).
 * Returns 0, or -1 when out of memory. */
int pb_probe_host(struct pb_meta *m);

/* The load averages over 1, 5 and 15 minutes into l; NAN each when they
 * cannot be read. Cannot fail. */
void pb_probe_loadavg(double l[3]);

/* Runs cfg's interpreter (with scratch_dir for its output files, which it
 * removes) to learn its version, implementation, executable and prefix,
 * and every selected profiler's package version, into m (python_* and
 * profilers). Returns 0, or -1 with err filled when the interpreter
 * cannot run or says nothing readable. */
int pb_probe_python(const struct pb_config *cfg, const char *scratch_dir, struct pb_meta *m,
                    struct pb_error *err);

/* Probes one interpreter (python) as pb_probe_python does, into an entry
 * of the Python axis (store/meta.h): path, executable, version,
 * implementation, prefix and every selected profiler's version there.
 * Returns 0, or -1 with err filled when the interpreter does not run or
 * says nothing readable. */
int pb_probe_interp(const struct pb_config *cfg, const char *python, const char *scratch_dir,
                    struct pb_meta_python *out, struct pb_error *err);

/* Copies py's facts into m's python_* and profilers (the run's main
 * interpreter). Returns 0, or -1 when out of memory. */
int pb_probe_as_main(struct pb_meta *m, const struct pb_meta_python *py);

#endif /* PB_PROBE_H */
