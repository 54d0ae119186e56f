/* A child's environment. See env.h. */
#include <stdlib.h>
#include <string.h>

#include "util/env.h"

extern char **environ;

char **pb_env_with(const struct pb_strv *extra)
{
    size_t n = 0, k = 0;
    char **env;

    while (environ[n])
        n++;
    env = calloc(n + extra->n + 1, sizeof *env);
    if (!env)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        const char *eq = strchr(environ[i], '=');
        size_t klen = eq ? (size_t)(eq - environ[i]) : strlen(environ[i]);
        int replaced = 0;
        for (size_t j = 0; j < extra->n; j++)
            if (!strncmp(extra->v[j], environ[i], klen) && extra->v[j][klen] == '=')
                replaced = 1;
        if (!replaced)
            env[k++] = environ[i];
    }
    for (size_t j = 0; j < extra->n; j++)
        env[k++] = extra->v[j];
    env[k] = NULL;
    return env;
}
