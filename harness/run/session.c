/* A results directory from start to finish. See session.h. */
#include <dirent.h>
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

#include "core/plan.h"
#include "run/probe.h"
#include "run/session.h"
#include "util/fs.h"
#include "util/path.h"

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

/* 0 when path does not exist or is an empty directory; else -1 with err
 * (it is something else, or holds files). */
static int new_or_empty(const char *path, struct pb_error *err)
{
    DIR *d = opendir(path);
    struct dirent *e;
    int empty = 1;

    if (!d) {
        int e0 = errno;
        if (e0 == ENOENT)
            return 0;
        pb_error_set(err, "cannot use '%s' as the results directory", path);
        return pb_error_errno(err, e0);
    }
    while (empty && (e = readdir(d)))
        empty = !strcmp(e->d_name, ".") || !strcmp(e->d_name, "..");
    closedir(d);
    if (!empty)
        return pb_error_set(err, "'%s' exists and is not empty: the results directory must be new "
                            "or empty (to finish an interrupted run: pbench run --resume %s)", path, path);
    return 0;
}

/* exactly dir (--dir): its parents made, itself made or empty. */
static int make_exact(struct pb_session *s, const char *dir, struct pb_error *err)
{
    char *parent = pb_path_dir(dir);
    int rc;

    if (!parent)
        return pb_error_set(err, "out of memory");
    rc = pb_mkdirs(parent, err);
    free(parent);
    if (rc < 0 || new_or_empty(dir, err) < 0)
        return -1;
    if (mkdir(dir, 0777) < 0 && errno != EEXIST) {
        int e = errno;
        pb_error_set(err, "cannot create results directory '%s'", dir);
        return pb_error_errno(err, e);
    }
    s->dir = strdup(dir);
    return s->dir ? 0 : pb_error_set(err, "out of memory");
}

/* base/<name>-<stamp>[-shardKofN][-N], made; its path into s->dir. */
static int make_dir(struct pb_session *s, const char *base, struct pb_error *err)
{
    char stamp[64], path[PATH_MAX];
    time_t t = time(NULL);
    struct tm tm;

    if (pb_mkdirs(base, err) < 0)
        return -1;
    gmtime_r(&t, &tm);
    strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", &tm);
    if (s->cfg->shard_count > 0) {
        size_t n = strlen(stamp);
        snprintf(stamp + n, sizeof stamp - n, "-shard%dof%d", s->cfg->shard_index, s->cfg->shard_count);
    }
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

/* 1 when version (e.g. "3.12.1") is one of the list (e.g. "3.12"): equal,
 * or starting with it and a dot. */
static int version_in(const char *version, const struct pb_strv *list)
{
    for (size_t i = 0; version && i < list->n; i++) {
        size_t n = strlen(list->v[i]);
        if (!strncmp(version, list->v[i], n) && (version[n] == '\0' || version[n] == '.'))
            return 1;
    }
    return 0;
}

/* Marks in cfg the profilers that cannot run on interpreter i as py
 * describes it: their package is not installed there, or the interpreter's
 * version is not among their python_versions. Returns 0 or -1 (out of
 * memory). */
static int mark_profilers(struct pb_config *cfg, size_t i, const struct pb_meta_python *py)
{
    const char *where = cfg->axis ? cfg->interps[i].label : "this interpreter";

    for (size_t p = 0; p < cfg->nprofilers; p++) {
        const struct pb_profiler *pr = &cfg->profilers[p];
        const char *v = NULL;
        char why[400] = "";
        for (size_t k = 0; k < py->nprofilers; k++)
            if (!strcmp(py->profilers[k].name, pr->name))
                v = py->profilers[k].version;
        if (pb_meta_not_installed(v))
            snprintf(why, sizeof why, "%s is not installed for %s (%s)", pr->package, where,
                     cfg->interps[i].python);
        else if (pr->python_versions.n && py->version && !version_in(py->version, &pr->python_versions))
            snprintf(why, sizeof why, "%s does not support Python %s (python_versions: %s%s)", pr->name,
                     py->version, pr->python_versions.v[0], pr->python_versions.n > 1 ? ", ..." : "");
        if (why[0] && pb_config_mark_unavailable(cfg, i, (long)p, why) < 0)
            return -1;
    }
    return 0;
}

/* At the start: marks in cfg what the probe found cannot run (an
 * interpreter that does not run, a profiler that cannot run on one) and
 * writes the reasons into the meta, which --resume and the summary read. */
static int mark_from_probe(struct pb_config *cfg, struct pb_meta *m)
{
    for (size_t i = 0; i < m->npythons && i < cfg->ninterps; i++) {
        struct pb_meta_python *py = &m->pythons[i];
        if (!py->available) {
            if (pb_config_mark_unavailable(cfg, i, -1, py->why) < 0)
                return -1;
            continue;
        }
        if (mark_profilers(cfg, i, py) < 0)
            return -1;
        for (size_t p = 0; p < cfg->nprofilers; p++) {
            const char *why = pb_config_unavailable_why(cfg, i, p);
            if (why && pb_meta_add_reason(cfg->axis ? &py->unavailable : &m->unavailable,
                                          cfg->axis ? &py->nunavailable : &m->nunavailable,
                                          cfg->profilers[p].name, why) < 0)
                return -1;
        }
    }
    return 0;
}

/* At --resume: marks in cfg what the start recorded, so the plan is the
 * same whatever changed on the machine since. */
static int mark_from_meta(struct pb_config *cfg, const struct pb_meta *m)
{
    for (size_t i = 0; i < cfg->ninterps; i++) {
        const struct pb_meta_python *py = cfg->axis && i < m->npythons ? &m->pythons[i] : NULL;
        const struct pb_meta_reason *list = py ? py->unavailable : m->unavailable;
        size_t n = py ? py->nunavailable : m->nunavailable;
        if (py && !py->available && pb_config_mark_unavailable(cfg, i, -1, py->why) < 0)
            return -1;
        for (size_t p = 0; p < cfg->nprofilers; p++) {
            const char *why = pb_meta_reason_of(list, n, cfg->profilers[p].name);
            if (why && pb_config_mark_unavailable(cfg, i, (long)p, why) < 0)
                return -1;
        }
    }
    return 0;
}

/* Probes every interpreter into s->meta.pythons; the first that runs
 * gives the main facts. Returns 0, or -1 with err when none runs. */
static int probe_interps(struct pb_session *s, const char *scratch, struct pb_error *err)
{
    struct pb_error perr, first;
    int any = 0;

    pb_error_clear(&first);
    for (size_t i = 0; i < s->cfg->ninterps; i++) {
        struct pb_meta_python *py = pb_meta_add_python(&s->meta);
        if (!py || pb_meta_set(&py->label, s->cfg->interps[i].label) < 0)
            return pb_error_set(err, "out of memory");
        if (!s->cfg->interps[i].available) {       /* the config found it wanting */
            py->available = 0;
            if (pb_meta_set(&py->why, s->cfg->interps[i].why) < 0
                || pb_meta_set(&py->path, s->cfg->interps[i].python) < 0)
                return pb_error_set(err, "out of memory");
            continue;
        }
        if (pb_probe_interp(s->cfg, s->cfg->interps[i].python, scratch, py, &perr) < 0) {
            py->available = 0;
            if (pb_meta_set(&py->why, perr.msg) < 0 || pb_meta_set(&py->path, s->cfg->interps[i].python) < 0)
                return pb_error_set(err, "out of memory");
            if (!first.msg[0])
                first = perr;
            continue;
        }
        if (!any++ && pb_probe_as_main(&s->meta, py) < 0)
            return pb_error_set(err, "out of memory");
    }
    if (!any) {
        *err = first;
        return -1;
    }
    return 0;
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
    rc = probe_interps(s, scratch, err);
    rmdir(scratch);
    if (rc < 0)
        return -1;
    if (mark_from_probe(s->cfg, &s->meta) < 0)
        return pb_error_set(err, "out of memory");
    if (!s->cfg->axis)
        pb_meta_drop_pythons(&s->meta);     /* one interpreter: its facts are the main ones */
    pb_now_iso(now, sizeof now);
    if (pb_meta_set(&s->meta.pbench_version, PB_VERSION) < 0
        || pb_meta_set(&s->meta.config, s->cfg->path) < 0
        || pb_meta_set(&s->meta.config_name, s->cfg->name) < 0
        || pb_meta_set(&s->meta.started, now) < 0 || pb_probe_host(&s->meta) < 0)
        return pb_error_set(err, "out of memory");
    s->meta.has_seed = 1;
    s->meta.seed = s->seed;
    return 0;
}

/* After the probe: is anything left to run? (Before the directory exists.) */
static int runnable(const struct pb_config *cfg, struct pb_error *err)
{
    size_t least, most;

    pb_plan_count(cfg, &least, &most);
    if (least > 0)
        return 0;
    for (size_t i = 0; i < cfg->ninterps; i++)
        for (size_t p = 0; p < cfg->nprofilers; p++)
            if (cfg->profilers[p].selected && pb_config_unavailable_why(cfg, i, p))
                return pb_error_set(err, "nothing can run: %s", pb_config_unavailable_why(cfg, i, p));
    for (size_t w = 0; w < cfg->nworkloads; w++)
        if (cfg->workloads[w].selected && cfg->workloads[w].unrunnable)
            return pb_error_set(err, "nothing can run: '%s': %s", cfg->workloads[w].name,
                                cfg->workloads[w].unrunnable);
    return pb_error_set(err, "nothing to run: no workload or no profiler is selected");
}

/* Calibrates the workloads with target: (after the probe: on the
 * interpreters that run) in a temporary directory, removed after. Returns
 * 0, or -1 with err (interrupted, or pbench failed). */
static int calibrate(struct pb_session *s, const struct pb_calibrate_opts *o, struct pb_error *err)
{
    char scratch[] = "/tmp/pbench-calibrate-XXXXXX", path[sizeof scratch + 16];
    int any = 0, rc;

    for (size_t i = 0; i < s->cfg->nworkloads; i++)
        any |= pb_calibrate_wanted(s->cfg, i);
    if (!any)
        return 0;
    if (!mkdtemp(scratch)) {
        int e = errno;
        pb_error_set(err, "cannot create a temporary directory");
        return pb_error_errno(err, e);
    }
    rc = pb_calibrate_run(s->cfg, o, scratch, &s->calibration, err);
    snprintf(path, sizeof path, "%s/stdout.txt", scratch);
    unlink(path);
    snprintf(path, sizeof path, "%s/stderr.txt", scratch);
    unlink(path);
    rmdir(scratch);
    if (rc > 0)
        return pb_error_set(err, "interrupted while calibrating the workloads' counts "
                            "(no results directory was made)");
    return rc;
}

/* Opens and locks s->dir's runs.jsonl for the session's lifetime. Returns
 * 0, or -1 with err ("'DIR' is in use by another pbench run"). */
static int lock_log(struct pb_session *s, struct pb_error *err)
{
    int fd = pb_records_open_log(s->dir, err);

    if (fd < 0)
        return -1;
    s->log_fd = fd;
    s->log_locked = 1;
    return 0;
}

/* The hash of cfg's whole matrix as the config alone makes it: before the
 * probe marks what cannot run here and before the calibration, so every
 * shard of one config has it (store/resolved.h). Into hash[17]. */
static int matrix_hash(const struct pb_config *cfg, uint64_t seed, char *hash, struct pb_error *err)
{
    struct pb_resolved r;

    if (pb_resolved_from_config(cfg, seed, &r, err) < 0)
        return -1;
    snprintf(hash, 17, "%s", r.hash);
    pb_resolved_release(&r);
    return 0;
}

/* pb_session_start into base/<name>-<stamp> or, with exact, exactly there. */
static int start(struct pb_session *s, struct pb_config *cfg, uint64_t seed, const char *base,
                 const char *exact, const struct pb_calibrate_opts *calib, struct pb_error *err)
{
    char matrix[17] = "";

    memset(s, 0, sizeof *s);
    pb_meta_init(&s->meta);
    s->cfg = cfg;
    s->seed = seed;
    if (exact && new_or_empty(exact, err) < 0)     /* before minutes of calibration */
        return -1;
    if (cfg->shard_count > 0 && matrix_hash(cfg, seed, matrix, err) < 0)
        return -1;
    /* everything that can be checked before a results directory exists:
     * that the interpreter runs, the counts of the targets, the resolved
     * inputs (holding those counts) */
    if (start_meta(s, err) < 0 || calibrate(s, calib, err) < 0
        || pb_resolved_from_config(cfg, seed, &s->resolved, err) < 0
        || (cfg->shard_count > 0 && pb_resolved_set_shard(&s->resolved, cfg, matrix, err) < 0))
        return -1;
    s->meta.shard_index = cfg->shard_index;
    s->meta.shard_count = cfg->shard_count;
    if (pb_meta_set(&s->meta.config_hash, s->resolved.hash) < 0)
        return pb_error_set(err, "out of memory");
    /* a shard with nothing to run here (no workload fell to it, or none
     * can run on this machine) still makes its directory, for the merge
     * to say why its pairs have no figures */
    if ((cfg->shard_count == 0 && runnable(cfg, err) < 0)
        || (exact ? make_exact(s, exact, err) : make_dir(s, base, err)) < 0 || lock_log(s, err) < 0)
        return -1;
    if (copy_file(cfg->path, s->dir, "config.yaml", err) < 0
        || (s->calibration.n && pb_calibration_save(s->dir, &s->calibration, err) < 0)
        || pb_resolved_save(s->dir, &s->resolved, err) < 0 || pb_meta_save(s->dir, &s->meta, err) < 0)
        return -1;
    return 0;
}

int pb_session_start(struct pb_session *s, struct pb_config *cfg, uint64_t seed,
                     const char *base, const struct pb_calibrate_opts *calib,
                     struct pb_error *err)
{
    return start(s, cfg, seed, base, NULL, calib, err);
}

int pb_session_start_in(struct pb_session *s, struct pb_config *cfg, uint64_t seed,
                        const char *dir, const struct pb_calibrate_opts *calib,
                        struct pb_error *err)
{
    return start(s, cfg, seed, NULL, dir, calib, err);
}

/* At --resume: the counts the start chose, put into cfg again. Returns 0,
 * or -1 with err when they cannot be (a hash that differs then tells a
 * changed config apart). */
static int recalibrate(struct pb_session *s, const char *dir, struct pb_error *err)
{
    struct pb_error aerr;
    int rc = pb_calibration_load(dir, &s->calibration, err);

    if (rc < 0)
        return -1;
    if (pb_calibrate_apply(s->cfg, &s->calibration, &aerr) < 0 && rc == 1)
        return pb_error_set(err, "'%s' has no calibration.json, which holds the counts its "
                            "workloads with 'target:' were given: start a new run instead", dir);
    return 0;
}

/* Seconds since the epoch of an ISO 8601 UTC time ("2026-11-30T01:36:39Z"),
 * or NAN when it is not one. */
static double iso_seconds(const char *iso)
{
    struct tm tm;
    const char *end;

    memset(&tm, 0, sizeof tm);
    if (!iso || !(end = strptime(iso, "%Y-%m-%dT%H:%M:%SZ", &tm)) || *end)
        return NAN;
    return (double)timegm(&tm);
}

/* The elapsed time of a first session that ended without recording it
 * (killed, or the machine restarted): from the run's start to the end of
 * its last recorded run. NAN when the records do not say. */
static double unrecorded_elapsed(const char *started, const struct pb_run_list *runs)
{
    double t0 = iso_seconds(started), last = NAN;

    for (size_t i = 0; i < runs->n; i++) {
        double t = iso_seconds(runs->items[i].started) + runs->items[i].wall_s;
        if (!isnan(t) && (isnan(last) || t > last))
            last = t;
    }
    return isnan(t0) || isnan(last) || last < t0 ? NAN : last - t0;
}

int pb_session_resume(struct pb_session *s, const char *dir, struct pb_config *cfg,
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
    /* before anything: a second pbench on this directory must change nothing */
    if (lock_log(s, err) < 0)
        return -1;
    /* what the start decided, before the hash: the counts are in it */
    if (pb_meta_load(dir, &s->meta, err) < 0)
        return -1;
    if (s->meta.nshards)
        return pb_error_set(err, "'%s' is a merge of shards (pbench merge): resume a shard's own "
                            "directory, then merge again", dir);
    if (stored->shard.count != cfg->shard_count || stored->shard.index != cfg->shard_index)
        return pb_error_set(err, "'%s' is shard %d of %d, but the config to finish it is made "
                            "shard %d of %d", dir, stored->shard.index, stored->shard.count,
                            cfg->shard_index, cfg->shard_count);
    /* a shard: the matrix's hash first, as its start took it */
    char matrix[17] = "";
    if (cfg->shard_count > 0 && matrix_hash(cfg, stored->seed, matrix, err) < 0)
        return -1;
    if (mark_from_meta(cfg, &s->meta) < 0)
        return pb_error_set(err, "out of memory");
    if (recalibrate(s, dir, err) < 0 || pb_resolved_from_config(cfg, stored->seed, &s->resolved, err) < 0
        || (cfg->shard_count > 0 && pb_resolved_set_shard(&s->resolved, cfg, matrix, err) < 0))
        return -1;
    if (!stored->hash[0] || strcmp(stored->hash, s->resolved.hash)
        || (cfg->shard_count > 0 && strcmp(stored->shard.hash, s->resolved.shard.hash))) {
        *changed = 1;
        return pb_error_set(err, "refusing to resume '%s': the config (%s) or the interpreter "
                            "changed since the run started; start a new run instead", dir, cfg->path);
    }
    if (pb_records_read(dir, 1, &s->records, err) < 0)
        return -1;
    if (isnan(s->meta.elapsed_s))
        s->meta.elapsed_s = unrecorded_elapsed(s->meta.started, &s->records);
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
    if (s->log_locked)
        close(s->log_fd);
    free(s->dir);
    pb_resolved_release(&s->resolved);
    pb_meta_release(&s->meta);
    pb_records_release(&s->records);
    pb_calibration_release(&s->calibration);
    memset(s, 0, sizeof *s);
}
