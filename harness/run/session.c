/* A results directory from start to finish. See session.h. */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "run/probe.h"
#include "run/session.h"
#include "util/fs.h"

static int copy_file(const char *from, const char *dir, const char *name, struct pb_error *err)
{
    size_t len = 0;
    int errnum = 0, rc;
    char *buf = pb_read_file(from, (size_t)1 << 24, &len, &errnum);

    if (!buf) {
        pb_error_set(err, "cannot read '%s'", from);
        return pb_error_errno(err, errnum);
    }
    rc = pb_write_file(dir, name, buf, len, err);
    free(buf);
    return rc;
}

/* base/<name>-<stamp>[-N], made; its path into s->dir. */
static int make_dir(struct pb_session *s, const char *base, struct pb_error *err)
{
    char stamp[32], path[PATH_MAX];
    time_t t = time(NULL);
    struct tm tm;

    if (pb_mkdirs(base, err) < 0)
        return -1;
    gmtime_r(&t, &tm);
    strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", &tm);
    for (int n = 1;; n++) {
        if (n == 1)
            snprintf(path, sizeof path, "%s/%s-%s", base, s->cfg->name, stamp);
        else
            snprintf(path, sizeof path, "%s/%s-%s-%d", base, s->cfg->name, stamp, n);
        if (mkdir(path, 0777) == 0)
            break;
        if (errno != EEXIST || n > 1000) {
            int e = errno;
            pb_error_set(err, "cannot create results directory '%s'", path);
            return pb_error_errno(err, e);
        }
    }
    s->dir = strdup(path);
    return s->dir ? 0 : pb_error_set(err, "out of memory");
}

/* The facts known when a run starts. */
static int start_meta(struct pb_session *s, struct pb_error *err)
{
    char now[32], scratch[] = "/tmp/pbench-probe-XXXXXX";
    int rc;

    pb_meta_init(&s->meta);
    if (!mkdtemp(scratch)) {
        int e = errno;
        pb_error_set(err, "cannot create a temporary directory");
        return pb_error_errno(err, e);
    }
    rc = pb_probe_python(s->cfg, scratch, &s->meta, err);
    rmdir(scratch);
    if (rc < 0)
        return -1;
    pb_now_iso(now, sizeof now);
    if (pb_meta_set(&s->meta.pbench_version, PB_VERSION) < 0
        || pb_meta_set(&s->meta.config, s->cfg->path) < 0
        || pb_meta_set(&s->meta.config_name, s->cfg->name) < 0
        || pb_meta_set(&s->meta.config_hash, s->resolved.hash) < 0
        || pb_meta_set(&s->meta.started, now) < 0 || pb_probe_host(&s->meta) < 0)
        return pb_error_set(err, "out of memory");
    s->meta.has_seed = 1;
    s->meta.seed = s->seed;
    return 0;
}

int pb_session_start(struct pb_session *s, const struct pb_config *cfg, uint64_t seed,
                     const char *base, struct pb_error *err)
{
    memset(s, 0, sizeof *s);
    pb_meta_init(&s->meta);
    s->cfg = cfg;
    s->seed = seed;
    /* everything that can be checked before a results directory exists:
     * the resolved inputs, and that the interpreter runs */
    if (pb_resolved_from_config(cfg, seed, &s->resolved, err) < 0 || start_meta(s, err) < 0
        || make_dir(s, base, err) < 0)
        return -1;
    if (copy_file(cfg->path, s->dir, "config.yaml", err) < 0
        || pb_resolved_save(s->dir, &s->resolved, err) < 0 || pb_meta_save(s->dir, &s->meta, err) < 0)
        return -1;
    return 0;
}

int pb_session_resume(struct pb_session *s, const char *dir, const struct pb_config *cfg,
                      const struct pb_resolved *stored, int *changed, struct pb_error *err)
{
    memset(s, 0, sizeof *s);
    pb_meta_init(&s->meta);
    *changed = 0;
    s->cfg = cfg;
    s->seed = stored->seed;
    s->resumed = 1;
    if (!(s->dir = strdup(dir)))
        return pb_error_set(err, "out of memory");
    if (pb_resolved_from_config(cfg, stored->seed, &s->resolved, err) < 0)
        return -1;
    if (!stored->hash[0] || strcmp(stored->hash, s->resolved.hash)) {
        *changed = 1;
        return pb_error_set(err, "refusing to resume '%s': the config (%s) or the interpreter "
                            "changed since the run started; start a new run instead", dir, cfg->path);
    }
    if (pb_meta_load(dir, &s->meta, err) < 0 || pb_records_read(dir, 1, &s->records, err) < 0)
        return -1;
    return 0;
}

int pb_session_pin(struct pb_session *s, int cpu, struct pb_error *err)
{
    cpu_set_t others;

    s->meta.pin_cpu = cpu;
    /* pbench itself (its /proc sampling, its waits) stays off that CPU */
    CPU_ZERO(&others);
    for (long k = 0; k < sysconf(_SC_NPROCESSORS_ONLN) && k < CPU_SETSIZE; k++)
        if (k != cpu)
            CPU_SET(k, &others);
    if (sched_setaffinity(0, sizeof others, &others) < 0) {
        int e = errno;
        pb_error_set(err, "cannot keep pbench off CPU %d", cpu);
        return pb_error_errno(err, e);
    }
    return 0;
}

int pb_session_finish(struct pb_session *s, double elapsed, int complete, struct pb_error *err)
{
    char now[32];
    struct rusage self;

    pb_now_iso(now, sizeof now);
    if (pb_meta_set(&s->meta.finished, now) < 0)
        return pb_error_set(err, "out of memory");
    s->meta.elapsed_s = elapsed + (isnan(s->meta.elapsed_s) ? 0 : s->meta.elapsed_s);
    pb_probe_loadavg(s->meta.loadavg_end);
    s->meta.has_complete = 1;
    s->meta.complete = complete;
    /* pbench's own CPU (this process, not its children): what measuring cost */
    if (getrusage(RUSAGE_SELF, &self) == 0) {
        double cpu = (double)self.ru_utime.tv_sec + self.ru_utime.tv_usec * 1e-6
                   + (double)self.ru_stime.tv_sec + self.ru_stime.tv_usec * 1e-6;
        s->meta.harness_cpu_s = cpu + (isnan(s->meta.harness_cpu_s) ? 0 : s->meta.harness_cpu_s);
    }
    return pb_meta_save(s->dir, &s->meta, err);
}

void pb_session_release(struct pb_session *s)
{
    free(s->dir);
    pb_resolved_release(&s->resolved);
    pb_meta_release(&s->meta);
    pb_records_release(&s->records);
    memset(s, 0, sizeof *s);
}
