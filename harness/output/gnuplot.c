#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "output/gnuplot.h"
#include "run/spawn.h"
#include "util/fs.h"

/* The start of file path (what fits in buf), trailing blank lines cut. */
static void read_start(const char *path, char *buf, size_t n)
{
    FILE *f = pb_fopen_regular(path);
    size_t len = 0;

    if (f) {
        len = fread(buf, 1, n - 1, f);
        fclose(f);
    }
    while (len > 0 && (buf[len - 1] == '\n' || buf[len - 1] == ' ' || buf[len - 1] == '\r'))
        len--;
    buf[len] = '\0';
}

int pb_gnuplot_run(const char *gnuplot, const char *dir, const char *script, double timeout_s,
                   struct pb_error *err)
{
    char log[PB_ERROR_PATH_MAX], path[PB_ERROR_PATH_MAX], out[PB_ERROR_MSG_MAX];
    char *argv[3] = { (char *)(gnuplot && *gnuplot ? gnuplot : "gnuplot"), (char *)script, NULL };
    struct pb_spawn_opts so;
    struct pb_spawn_result res;

    snprintf(path, sizeof path, "%s/%s", dir, script);
    snprintf(log, sizeof log, "%s/%s.log", dir, script);
    memset(&so, 0, sizeof so);
    so.argv = argv;
    so.cwd = dir;
    so.stdout_path = log;
    so.stderr_path = log;
    so.timeout_s = timeout_s > 0 ? timeout_s : 60;
    if (pb_spawn_run(&so, &res, err) < 0)
        return -1;
    if (res.exec_failed) {
        unlink(log);
        pb_error_set(err, "cannot run '%s'", argv[0]);
        pb_error_errno(err, res.exec_errno);
        if (res.exec_errno == ENOENT) {
            size_t l = strlen(err->msg);
            snprintf(err->msg + l, sizeof err->msg - l,
                     " (install gnuplot, or name it with --gnuplot PATH)");
        }
        return -1;
    }
    if (res.exit_code == 0 && !res.timed_out) {
        unlink(log);
        return 0;
    }
    read_start(log, out, sizeof out);
    if (res.timed_out)
        return pb_error_at(err, path, 0, 0, "gnuplot did not finish within %g s (killed)",
                           so.timeout_s);
    if (res.term_signal)
        return pb_error_at(err, path, 0, 0, "gnuplot was killed by signal %d: %s", res.term_signal,
                           out[0] ? out : "(no output)");
    return pb_error_at(err, path, 0, 0, "gnuplot exited with status %d:\n%s", res.exit_code,
                       out[0] ? out : "(no output)");
}
