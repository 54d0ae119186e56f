#ifndef PB_GNUPLOT_H
#define PB_GNUPLOT_H

/*
 * gnuplot: runs one saved chart script, for plot and accuracy_plot.
 */

#include "util/error.h"

/* Runs `GNUPLOT SCRIPT` (gnuplot NULL or "": "gnuplot", looked up in PATH)
 * from directory dir, through pb_spawn_run: its own process group, stdin
 * from /dev/null, killed when it runs past timeout_s (<= 0: 60 s). Its
 * messages go to dir/SCRIPT.log, removed when it succeeds and kept when it
 * fails. Returns 0 when gnuplot exits 0; else -1 with err set: "cannot run
 * 'GNUPLOT'" and why (with a hint to install it when it is missing), or
 * "DIR/SCRIPT: gnuplot exited with status N:" (timed out, was killed by
 * signal N) followed by the start of its messages. */
int pb_gnuplot_run(const char *gnuplot, const char *dir, const char *script, double timeout_s,
                   struct pb_error *err);

#endif /* PB_GNUPLOT_H */
