#ifndef PB_DATADIR_H
#define PB_DATADIR_H

/*
 * datadir: where pbench's data lives at run time: the shipped configs
 * (configs/profilers.yaml ...), the workloads, the Python parts it runs
 * (py/boot.py, adapters/adapt.py). Found relative to the running binary,
 * never through a path compiled in, so an installed pbench works with its
 * source tree gone and a moved prefix still works:
 *
 *   $PBENCH_DATADIR, when set (it must hold configs/profilers.yaml)
 *   <dir of the binary>/../share/pbench      cmake --install's layout
 *   <dir of the binary>/share/pbench         the build tree (CMake links it
 *                                            to the source tree's folders)
 *
 * The first that holds configs/profilers.yaml wins.
 */

#include "util/error.h"

/* The data directory, absolute. Returns a string owned by this module
 * (found once, then cached), or NULL with err saying where it looked. */
const char *pb_datadir(struct pb_error *err);

/* pb_datadir()/rel. Returns a malloc'd path, or NULL with err set (no
 * data directory, out of memory). Does not check that rel exists. */
char *pb_datadir_path(const char *rel, struct pb_error *err);

#endif /* PB_DATADIR_H */
