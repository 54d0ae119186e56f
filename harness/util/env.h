#ifndef PB_ENV_H
#define PB_ENV_H

/*
 * env: the environment a child process gets: pbench's own with a few
 * entries added or replaced (a profiler's env:, the run's padding).
 */

#include "util/strv.h"

/* This process's environment with the "KEY=VALUE" items of extra added,
 * each replacing an entry of the same KEY: a NULL-terminated array for
 * pb_spawn_opts.envp that borrows every string (of environ and of extra);
 * the caller frees the array alone, with free(). NULL when out of memory. */
char **pb_env_with(const struct pb_strv *extra);

#endif /* PB_ENV_H */
