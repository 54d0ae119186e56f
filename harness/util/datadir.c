/* Finding pbench's data directory. See datadir.h. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/datadir.h"
#include "util/path.h"

#define MARKER "configs/profilers.yaml"

static char found[PATH_MAX];

/* 1 when dir holds the marker file; its canonical path goes to found. */
static int holds_data(const char *dir)
{
    char path[PATH_MAX];
    struct stat st;

    if (snprintf(path, sizeof path, "%s/" MARKER, dir) >= (int)sizeof path)
        return 0;
    if (stat(path, &st) < 0 || !S_ISREG(st.st_mode))
        return 0;
    return realpath(dir, found) != NULL;
}

const char *pb_datadir(struct pb_error *err)
{
    char exe[PATH_MAX], cand[PATH_MAX];
    const char *env = getenv("PBENCH_DATADIR");
    ssize_t n;

    if (found[0])
        return found;
    if (env && *env) {
        if (holds_data(env))
            return found;
        pb_error_set(err, "PBENCH_DATADIR='%s' holds no " MARKER, env);
        return NULL;
    }
    n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n <= 0) {
        int e = errno;
        pb_error_set(err, "cannot find pbench's own binary (/proc/self/exe)");
        pb_error_errno(err, e);
        return NULL;
    }
    exe[n] = '\0';
    char *bindir = pb_path_dir(exe);
    if (!bindir) {
        pb_error_set(err, "out of memory");
        return NULL;
    }
    snprintf(cand, sizeof cand, "%s/../share/pbench", bindir);
    if (!holds_data(cand)) {
        snprintf(cand, sizeof cand, "%s/share/pbench", bindir);
        if (!holds_data(cand)) {
            pb_error_set(err, "pbench's data directory is missing: no " MARKER " in %s/../share/pbench "
                         "or %s/share/pbench (reinstall pbench, or set PBENCH_DATADIR)", bindir, bindir);
            free(bindir);
            return NULL;
        }
    }
    free(bindir);
    return found;
}

char *pb_datadir_path(const char *rel, struct pb_error *err)
{
    const char *dir = pb_datadir(err);
    char *path;

    if (!dir)
        return NULL;
    path = pb_path_join(dir, rel);
    if (!path)
        pb_error_set(err, "out of memory");
    return path;
}
