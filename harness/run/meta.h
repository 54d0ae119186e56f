#ifndef PB_META_H
#define PB_META_H

/*
 * meta: the facts that explain a results directory's figures: machine,
 * kernel, load, Python and each profiler's installed version.
 */

#include <jansson.h>

#include "core/config.h"
#include "util/error.h"

/* Collects the host part (hostname, CPU model, cores, kernel, load
 * average, memory). Returns a new object; never NULL (fields that cannot
 * be read are left out). */
json_t *pb_meta_host(void);

/* Asks cfg's interpreter for its version and every selected profiler's
 * package version, running it with scratch_dir for its output. Returns a
 * new object {"python": {...}, "profilers": {...}}, or NULL with err
 * filled when the interpreter cannot run. */
json_t *pb_meta_python(const struct pb_config *cfg, const char *scratch_dir, struct pb_error *err);

/* Current load averages (1, 5 and 15 minutes) as a JSON array; never NULL. */
json_t *pb_meta_loadavg(void);

#endif /* PB_META_H */
