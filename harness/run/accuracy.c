/*
 * accuracy (run): adapters, then scoring, then saving. See accuracy.h.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "analysis/accuracy.h"
#include "run/accuracy.h"
#include "run/adapters.h"
#include "util/datadir.h"
#include "util/path.h"

/* pbench's own interpreter for the adapters: $PBENCH_PYTHON, else the
 * project's virtual environment (<datadir>/venv, the build tree's link to
 * .venv), else python3 on PATH. Returns 0, or -1 when there is none. */
static int own_python(char *buf, size_t n)
{
    const char *env = getenv("PBENCH_PYTHON");
    struct pb_error ignored;
    char *path, *found;

    if (env && *env) {
        snprintf(buf, n, "%s", env);
        return 0;
    }
    path = pb_datadir_path("venv/bin/python", &ignored);
    if (path && access(path, X_OK) == 0) {
        snprintf(buf, n, "%s", path);
        free(path);
        return 0;
    }
    free(path);
    found = pb_which("python3");
    if (!found)
        return -1;
    snprintf(buf, n, "%s", found);
    free(found);
    return 0;
}

void pb_accuracy_opts_init(struct pb_accuracy_opts *opts)
{
    memset(opts, 0, sizeof *opts);
}

int pb_accuracy_compute(const char *dir, const struct pb_accuracy_opts *opts,
                        struct pb_accuracy **out, struct pb_error *err)
{
    struct pb_accuracy_source src;
    struct pb_adapters_opts ao;
    char adapter[PATH_MAX], python[PATH_MAX];
    int rc = -1;

    *out = NULL;
    memset(&src, 0, sizeof src);
    ao.timeout_s = opts && opts->timeout_s > 0 ? opts->timeout_s : 120;
    ao.readers = opts ? opts->readers : NULL;
    ao.nreaders = opts ? opts->nreaders : 0;
    if (opts && opts->adapter) {
        snprintf(adapter, sizeof adapter, "%s", opts->adapter);
    } else {
        char *path = pb_datadir_path("adapters/adapt.py", err);
        if (!path)
            return -1;
        snprintf(adapter, sizeof adapter, "%s", path);
        free(path);
    }
    ao.adapter = adapter;
    if (access(adapter, R_OK) < 0) {
        int e = errno;
        pb_error_set(err, "cannot read the adapter '%s'", adapter);
        return pb_error_errno(err, e);
    }
    if (pb_accuracy_source_load(&src, dir, err) < 0)
        goto cleanup;
    /* The readers run with pbench's own interpreter, never with the one a
     * stored config-resolved.json names: a results directory may come
     * from anyone, and must not choose what runs. */
    if (opts && opts->python) {
        ao.python = opts->python;
    } else if (own_python(python, sizeof python) < 0) {
        pb_error_set(err, "no interpreter to read the profiles with: set PBENCH_PYTHON, "
                          "run scripts/setup.sh, or pass --python");
        goto cleanup;
    } else {
        ao.python = python;
    }
    if (pb_adapters_run(&src, &ao, err) < 0)
        goto cleanup;
    rc = pb_accuracy_score(&src, ao.adapter, ao.python, out, err);

cleanup:
    pb_accuracy_source_release(&src);
    return rc;
}

int pb_accuracy_write(const char *dir, const struct pb_accuracy_opts *opts,
                      struct pb_accuracy **out, struct pb_error *err)
{
    struct pb_accuracy *acc;

    if (out)
        *out = NULL;
    if (pb_accuracy_compute(dir, opts, &acc, err) < 0)
        return -1;
    if (pb_accuracy_save(dir, acc, err) < 0) {
        pb_accuracy_free(acc);
        return -1;
    }
    if (out)
        *out = acc;
    else
        pb_accuracy_free(acc);
    return 0;
}
