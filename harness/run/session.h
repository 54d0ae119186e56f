#ifndef PB_SESSION_H
#define PB_SESSION_H

/*
 * session: the results directory of one `pbench run`: creating it, the
 * stored copy of the config, the resolved plan inputs
 * (config-resolved.json) with a hash that --resume compares, and
 * meta.json.
 */

#include <jansson.h>
#include <stdint.h>

#include "core/config.h"
#include "util/error.h"

/* The resolved inputs of cfg's selected pairs, with "hash" set over the
 * rest. Returns a new object; NULL only when out of memory. */
json_t *pb_session_resolved(const struct pb_config *cfg, uint64_t seed);

/* Creates base/<cfg->name>-<UTC timestamp>[-N]/ with config.yaml (a byte
 * copy of the config file) and config-resolved.json. Returns 0 and a
 * malloc'd path in *dir, or -1 with err filled (nothing half-made is left
 * but an empty directory). */
int pb_session_create(const struct pb_config *cfg, const json_t *resolved, const char *base,
                      char **dir, struct pb_error *err);


#endif /* PB_SESSION_H */
