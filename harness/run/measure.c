/* measure: process-tree RSS from /proc (see measure.h for what is read
 * and why). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "run/measure.h"

#define FIRST_INTERVAL_S 0.002
#define INTERVAL_GROWTH 2.0
#define DEFAULT_MAX_INTERVAL_S 0.05
#define FIRST_SCAN_S 0.25       /* group scans: 0.25, 0.75, 1.75, 3.75 s ... */
#define MAX_SCAN_INTERVAL_S 4.0
#define MAX_TREE_PROCS 1000000  /* guards the walk against a runaway race */
#define FD_CACHE_MAX 256        /* processes whose /proc files stay open */

struct pidvec {
    pid_t *v;
    size_t n, cap;
};

/* A tracked process's status and children files, kept open between
 * samples: pread() at offset 0 makes the kernel render them afresh, and
 * skipping the open/close (a procfs path lookup) makes a sample about
 * three times cheaper. A pread on a process that has been reaped fails,
 * so a reused pid is never read through its predecessor's fd. */
struct proc_fds {
    pid_t pid;
    int status_fd;          /* /proc/<pid>/status, -1: not open */
    int children_fd;        /* /proc/<pid>/task/<pid>/children, -1: not open */
    unsigned seen;          /* the sample that last used it */
};

struct pb_tree_walk {
    struct pidvec queue;    /* processes still to visit in this walk */
    struct pidvec found;    /* live processes counted in this sample */
    struct pidvec known;    /* found of the previous sample, sorted */
    size_t nsorted;         /* found.v[0 .. nsorted) is sorted */
    char *buf;              /* read buffer, reused for every /proc file */
    size_t cap;
    int cache;              /* keep files open between samples (tracker) */
    struct proc_fds *fds;   /* sorted by pid; FD_CACHE_MAX slots */
    size_t nfds;
    unsigned sample_no;
    struct pb_tree_sample s;
};

double pb_measure_now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int push(struct pidvec *pv, pid_t pid)
{
    if (pv->n == pv->cap) {
        size_t cap = pv->cap ? pv->cap * 2 : 64;
        pid_t *v;

        if (cap > MAX_TREE_PROCS) {
            errno = ENOMEM;
            return -1;
        }
        v = realloc(pv->v, cap * sizeof *v);
        if (!v) {
            errno = ENOMEM;
            return -1;
        }
        pv->v = v;
        pv->cap = cap;
    }
    pv->v[pv->n++] = pid;
    return 0;
}

static void close_fds(struct proc_fds *pf)
{
    if (pf->status_fd >= 0)
        close(pf->status_fd);
    if (pf->children_fd >= 0)
        close(pf->children_fd);
}

static void walk_free(struct pb_tree_walk *w)
{
    if (!w)
        return;
    for (size_t i = 0; i < w->nfds; i++)
        close_fds(&w->fds[i]);
    free(w->fds);
    free(w->queue.v);
    free(w->found.v);
    free(w->known.v);
    free(w->buf);
    free(w);
}

static int open_ro(const char *path)
{
    int fd;

    do
        fd = open(path, O_RDONLY | O_CLOEXEC);
    while (fd < 0 && errno == EINTR);
    return fd;
}

/* Reads all of fd, from offset 0, into w->buf, NUL-terminated. Returns the
 * length, or -1 with errno set (ESRCH: the process is gone). */
static ssize_t read_all(struct pb_tree_walk *w, int fd)
{
    size_t len = 0;
    ssize_t got;

    for (;;) {
        if (w->cap - len < 1024) {          /* room for a read, and the NUL */
            size_t cap = w->cap ? w->cap * 2 : 4096;
            char *b = realloc(w->buf, cap);

            if (!b) {
                errno = ENOMEM;
                return -1;
            }
            w->buf = b;
            w->cap = cap;
        }
        got = pread(fd, w->buf + len, w->cap - len - 1, (off_t)len);
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0)
            return -1;
        if (got == 0)
            break;
        len += (size_t)got;
    }
    w->buf[len] = '\0';
    return (ssize_t)len;
}

/* Reads a whole (proc) file into w->buf. Returns its length, or -1 with
 * errno set (ENOENT, ESRCH: the process is gone). */
static ssize_t slurp(struct pb_tree_walk *w, const char *path)
{
    ssize_t n;
    int fd = open_ro(path), e;

    if (fd < 0)
        return -1;
    n = read_all(w, fd);
    e = errno;
    close(fd);
    errno = e;
    return n;
}

static int cmp_fds(const void *a, const void *b)
{
    pid_t x = ((const struct proc_fds *)a)->pid, y = ((const struct proc_fds *)b)->pid;

    return (x > y) - (x < y);
}

/* The cache slot of pid, added if there is room; NULL when full. */
static struct proc_fds *cache_slot(struct pb_tree_walk *w, pid_t pid)
{
    struct proc_fds key = { .pid = pid }, *pf;
    size_t i;

    if (w->nfds > 0) {                  /* bsearch(NULL, 0...) is undefined */
        pf = bsearch(&key, w->fds, w->nfds, sizeof *w->fds, cmp_fds);
        if (pf)
            return pf;
    }
    if (!w->fds) {
        w->fds = malloc(FD_CACHE_MAX * sizeof *w->fds);
        if (!w->fds)
            return NULL;                /* just read uncached */
    }
    if (w->nfds == FD_CACHE_MAX)
        return NULL;
    for (i = w->nfds; i > 0 && w->fds[i - 1].pid > pid; i--)
        w->fds[i] = w->fds[i - 1];
    w->fds[i].pid = pid;
    w->fds[i].status_fd = -1;
    w->fds[i].children_fd = -1;
    w->nfds++;
    return &w->fds[i];
}

/* Closes the files of processes the last sample did not reach. */
static void cache_sweep(struct pb_tree_walk *w)
{
    size_t j = 0;

    for (size_t i = 0; i < w->nfds; i++) {
        if (w->fds[i].seen == w->sample_no)
            w->fds[j++] = w->fds[i];
        else
            close_fds(&w->fds[i]);
    }
    w->nfds = j;
}

/* Reads /proc/<pid>/status (children 0) or the main thread's children
 * file (children 1) into w->buf, through a kept-open fd when the walk
 * caches. Returns the length, or -1 with errno set. */
static ssize_t read_proc(struct pb_tree_walk *w, pid_t pid, int children)
{
    struct proc_fds *pf = NULL;
    char path[96];
    ssize_t n;
    int *fdp;

    if (children)
        snprintf(path, sizeof path, "/proc/%d/task/%d/children", (int)pid, (int)pid);
    else
        snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
    if (w->cache)
        pf = cache_slot(w, pid);
    if (!pf)
        return slurp(w, path);
    pf->seen = w->sample_no;
    fdp = children ? &pf->children_fd : &pf->status_fd;
    if (*fdp >= 0) {
        n = read_all(w, *fdp);
        if (n >= 0 || errno == ENOMEM)
            return n;
        close(*fdp);                    /* gone; the pid may be a new process's */
        *fdp = -1;
    }
    *fdp = open_ro(path);
    if (*fdp < 0)
        return -1;
    return read_all(w, *fdp);
}

static int is_pid_name(const char *s)
{
    if (!*s)
        return 0;
    for (; *s; s++)
        if (*s < '0' || *s > '9')
            return 0;
    return 1;
}

/* Pushes the pids in w->buf (a children file) onto the queue. Returns -1
 * only on ENOMEM. */
static int queue_children(struct pb_tree_walk *w)
{
    char *p, *end;
    long child;

    for (p = w->buf;; p = end) {
        child = strtol(p, &end, 10);
        if (end == p)
            break;
        if (child > 0 && push(&w->queue, (pid_t)child) < 0)
            return -1;
    }
    return 0;
}

/* Queues the children of every task of pid. A vanished task lists nothing.
 * Returns -1 only on ENOMEM. */
static int add_children(struct pb_tree_walk *w, pid_t pid, long threads)
{
    char path[96];
    struct dirent *de;
    DIR *d;
    int ret = 0;

    if (threads <= 1) {                 /* the common case: no opendir */
        if (read_proc(w, pid, 1) < 0)
            return errno == ENOMEM ? -1 : 0;
        return queue_children(w);
    }
    snprintf(path, sizeof path, "/proc/%d/task", (int)pid);
    d = opendir(path);
    if (!d)
        return errno == ENOMEM ? -1 : 0;
    while ((de = readdir(d)) != NULL && ret == 0) {
        if (!is_pid_name(de->d_name))
            continue;
        snprintf(path, sizeof path, "/proc/%d/task/%ld/children", (int)pid,
                 strtol(de->d_name, NULL, 10));
        if (slurp(w, path) < 0)
            ret = errno == ENOMEM ? -1 : 0;
        else
            ret = queue_children(w);
    }
    closedir(d);
    return ret;
}

static long field_kb(const char *p)
{
    return strtol(p, NULL, 10);         /* strtol skips the tab and spaces */
}

/* Counts one process (if it is alive) and queues its children. Returns 1
 * when counted, 0 when it is gone or a zombie, -1 on ENOMEM. */
static int visit(struct pb_tree_walk *w, pid_t pid)
{
    long rss = 0, hwm = 0, threads = 1;
    int zombie = 0;
    char *p, *next;

    if (read_proc(w, pid, 0) < 0)
        return errno == ENOMEM ? -1 : 0;
    for (p = w->buf; *p; p = next) {
        next = strchr(p, '\n');
        next = next ? next + 1 : p + strlen(p);
        if (strncmp(p, "State:", 6) == 0) {
            const char *q = p + 6;

            while (*q == ' ' || *q == '\t')
                q++;
            zombie = (*q == 'Z' || *q == 'X');
        } else if (strncmp(p, "Threads:", 8) == 0) {
            threads = strtol(p + 8, NULL, 10);
        } else if (strncmp(p, "VmHWM:", 6) == 0) {
            hwm = field_kb(p + 6);
        } else if (strncmp(p, "VmRSS:", 6) == 0) {
            rss = field_kb(p + 6);
        }
    }
    /* A zombie's memory is gone already; but a leader that exited while
     * its other threads run shows Z too, and still has children. */
    if (zombie && threads <= 1)
        return 0;
    w->s.rss_kb += rss;
    if (hwm > w->s.hwm_kb)
        w->s.hwm_kb = hwm;
    w->s.nprocs++;
    if (push(&w->found, pid) < 0)
        return -1;
    return add_children(w, pid, threads) < 0 ? -1 : 1;
}

/* Visits root and all its descendants. Returns 0, or -1 on ENOMEM. */
static int walk_from(struct pb_tree_walk *w, pid_t root)
{
    w->queue.n = 0;
    if (push(&w->queue, root) < 0)
        return -1;
    for (size_t i = 0; i < w->queue.n; i++)     /* the queue grows as we go */
        if (visit(w, w->queue.v[i]) < 0)
            return -1;
    return 0;
}

static int cmp_pid(const void *a, const void *b)
{
    pid_t x = *(const pid_t *)a, y = *(const pid_t *)b;

    return (x > y) - (x < y);
}

static void sort_pids(struct pidvec *pv)
{
    if (pv->n > 1)                      /* qsort(NULL, 0...) is undefined */
        qsort(pv->v, pv->n, sizeof *pv->v, cmp_pid);
}

static int found_contains(const struct pb_tree_walk *w, pid_t pid)
{
    if (w->nsorted > 0 && bsearch(&pid, w->found.v, w->nsorted, sizeof pid, cmp_pid))
        return 1;
    for (size_t i = w->nsorted; i < w->found.n; i++)   /* few: extras only */
        if (w->found.v[i] == pid)
            return 1;
    return 0;
}

/* Reads state and process group from /proc/<pid>/stat. Returns 0, or -1
 * with errno set. The command name may hold spaces and ')': parse from
 * the last ')'. */
static int stat_pgrp(struct pb_tree_walk *w, pid_t pid, char *state, pid_t *pgrp)
{
    char path[64];
    char *p;
    int ppid, pg;

    snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
    if (slurp(w, path) < 0)
        return -1;
    p = strrchr(w->buf, ')');
    if (!p || sscanf(p + 1, " %c %d %d", state, &ppid, &pg) != 3) {
        errno = EINVAL;
        return -1;
    }
    *pgrp = (pid_t)pg;
    return 0;
}

/* Adds pid and its descendants when pid is a live member of group pgid not
 * counted yet. Returns -1 only on ENOMEM. */
static int try_extra(struct pb_tree_walk *w, pid_t pid, pid_t pgid)
{
    pid_t pgrp;
    char state;

    if (found_contains(w, pid))
        return 0;
    if (stat_pgrp(w, pid, &state, &pgrp) < 0)
        return errno == ENOMEM ? -1 : 0;
    if (pgrp != pgid || state == 'Z' || state == 'X')
        return 0;
    return walk_from(w, pid);
}

/* Which pids a group scan looks at. A process can only be in the run's
 * group if it was forked after the run's first process (root): pids are
 * handed out in increasing order, wrapping at pid_max, so the candidates
 * are those after root up to the last pid handed out (ns_last_pid). That
 * skips the stat read of every older process on the machine. */
struct scan_window {
    pid_t root;
    pid_t last;     /* ns_last_pid at the scan */
    int all;        /* look at every pid (window unknown or wrapped past root) */
};

static int in_window(const struct scan_window *win, pid_t pid)
{
    if (win->all)
        return 1;
    if (win->last >= win->root)
        return pid > win->root && pid <= win->last;
    return pid > win->root || pid <= win->last;     /* wrapped once */
}

/* The last pid handed out in our pid namespace, or 0 when unknown. */
static pid_t last_pid(struct pb_tree_walk *w)
{
    if (slurp(w, "/proc/sys/kernel/ns_last_pid") < 0)
        return 0;
    return (pid_t)strtol(w->buf, NULL, 10);
}

/* Looks through /proc for members of pgid the walk missed. */
static int scan_group(struct pb_tree_walk *w, pid_t pgid, const struct scan_window *win)
{
    struct dirent *de;
    DIR *d = opendir("/proc");
    int ret = 0;

    if (!d)
        return -1;
    while ((de = readdir(d)) != NULL) {
        pid_t pid;

        if (!is_pid_name(de->d_name))
            continue;
        pid = (pid_t)strtol(de->d_name, NULL, 10);
        if (!in_window(win, pid))
            continue;
        if (try_extra(w, pid, pgid) < 0) {
            ret = -1;
            break;
        }
    }
    closedir(d);
    return ret;
}

/* One sample into w->s. pgid > 0: also follow known members of the group
 * that left the tree, and (win not NULL) look through /proc for unknown
 * ones. */
static int sample(struct pb_tree_walk *w, pid_t root, pid_t pgid,
                  const struct scan_window *win, struct pb_error *err)
{
    struct pidvec tmp;

    memset(&w->s, 0, sizeof w->s);
    w->found.n = 0;
    w->nsorted = 0;
    w->sample_no++;
    if (walk_from(w, root) < 0)
        goto nomem;
    sort_pids(&w->found);
    w->nsorted = w->found.n;
    if (pgid > 0) {
        for (size_t i = 0; i < w->known.n; i++)
            if (try_extra(w, w->known.v[i], pgid) < 0)
                goto nomem;
        if (win && scan_group(w, pgid, win) < 0) {
            int e = errno;

            if (e == ENOMEM)
                goto nomem;
            pb_error_set(err, "cannot read '/proc'");
            return pb_error_errno(err, e);
        }
    }
    if (w->cache)
        cache_sweep(w);
    /* This sample's processes are the next one's known ones. */
    sort_pids(&w->found);
    tmp = w->known;
    w->known = w->found;
    w->found = tmp;
    w->found.n = 0;
    w->nsorted = 0;
    return 0;
nomem:
    return pb_error_set(err, "out of memory sampling the process tree");
}

int pb_measure_tree_sample(pid_t root, struct pb_tree_sample *out,
                           struct pb_error *err)
{
    struct pb_tree_walk *w = calloc(1, sizeof *w);
    char path[64];
    int ret = -1, e;

    memset(out, 0, sizeof *out);
    if (!w)
        return pb_error_set(err, "out of memory sampling the process tree");
    if (root <= 0) {
        pb_error_set(err, "invalid process id %d", (int)root);
        goto cleanup;
    }
    if (sample(w, root, 0, NULL, err) < 0)
        goto cleanup;
    snprintf(path, sizeof path, "/proc/%d", (int)root);
    if (w->s.nprocs == 0 && access(path, F_OK) < 0) {  /* not just a zombie */
        e = errno;
        pb_error_set(err, "cannot read '%s'", path);
        pb_error_errno(err, e);
        goto cleanup;
    }
    *out = w->s;
    ret = 0;
cleanup:
    walk_free(w);
    return ret;
}

int pb_measure_group_live(pid_t pgid, struct pb_error *err)
{
    struct pb_tree_walk *w = calloc(1, sizeof *w);
    struct dirent *de;
    DIR *d = NULL;
    int count = 0, e;
    pid_t pgrp;
    char state;

    if (!w)
        return pb_error_set(err, "out of memory scanning '/proc'");
    d = opendir("/proc");
    if (!d) {
        e = errno;
        pb_error_set(err, "cannot read '/proc'");
        count = pb_error_errno(err, e);
        goto cleanup;
    }
    while ((de = readdir(d)) != NULL) {
        if (!is_pid_name(de->d_name))
            continue;
        if (stat_pgrp(w, (pid_t)strtol(de->d_name, NULL, 10), &state, &pgrp) < 0)
            continue;               /* gone meanwhile */
        if (pgrp == pgid && state != 'Z' && state != 'X')
            count++;
    }
cleanup:
    if (d)
        closedir(d);
    walk_free(w);
    return count;
}

void pb_measure_init(struct pb_measure *m, pid_t root, pid_t pgid,
                     double start_s, double max_interval_s)
{
    memset(m, 0, sizeof *m);
    m->root = root;
    m->pgid = pgid;
    m->max_interval_s = max_interval_s > 0 ? max_interval_s : DEFAULT_MAX_INTERVAL_S;
    m->interval_s = FIRST_INTERVAL_S < m->max_interval_s ? FIRST_INTERVAL_S
                                                        : m->max_interval_s;
    m->next_sample_s = start_s + m->interval_s;
    m->scan_interval_s = FIRST_SCAN_S;
    m->next_scan_s = start_s + FIRST_SCAN_S;
    m->last_pid = root;
}

double pb_measure_next_due(const struct pb_measure *m)
{
    return m->next_sample_s;
}

int pb_measure_tick(struct pb_measure *m, double now_s, struct pb_error *err)
{
    struct scan_window win;
    int scan, ret;

    if (now_s < m->next_sample_s)
        return 0;
    /* Advance the schedule first so an error does not make every later
     * tick retry at once. */
    m->interval_s *= INTERVAL_GROWTH;
    if (m->interval_s > m->max_interval_s)
        m->interval_s = m->max_interval_s;
    m->next_sample_s = now_s + m->interval_s;
    scan = m->pgid > 0 && now_s >= m->next_scan_s;
    if (scan) {
        m->scan_interval_s *= 2;
        if (m->scan_interval_s > MAX_SCAN_INTERVAL_S)
            m->scan_interval_s = MAX_SCAN_INTERVAL_S;
        m->next_scan_s = now_s + m->scan_interval_s;
        m->scans++;
    }
    if (!m->walk) {
        m->walk = calloc(1, sizeof *m->walk);
        if (!m->walk)
            return pb_error_set(err, "out of memory sampling the process tree");
        m->walk->cache = 1;
    }
    if (scan) {
        win.root = m->root;
        win.last = last_pid(m->walk);
        if (win.last <= 0) {
            win.all = 1;
        } else {
            if (win.last < m->last_pid)     /* the pid counter wrapped */
                m->pid_wraps++;
            m->last_pid = win.last;
            /* Wrapped past root again: every pid may be newer than root. */
            win.all = m->pid_wraps > 1 || (m->pid_wraps == 1 && win.last >= m->root);
        }
    }
    ret = sample(m->walk, m->root, m->pgid, scan ? &win : NULL, err);
    m->samples++;
    m->last = m->walk->s;
    /* Even a failed sample counted what it reached: keep those figures. */
    if (m->walk->s.rss_kb > m->peak_rss_kb)
        m->peak_rss_kb = m->walk->s.rss_kb;
    if (m->walk->s.hwm_kb > m->peak_hwm_kb)
        m->peak_hwm_kb = m->walk->s.hwm_kb;
    if (m->walk->s.nprocs > m->max_procs)
        m->max_procs = m->walk->s.nprocs;
    return ret < 0 ? -1 : 1;
}

long pb_measure_peak_kb(const struct pb_measure *m, long maxrss_kb)
{
    long peak = maxrss_kb;

    if (m->peak_rss_kb > peak)
        peak = m->peak_rss_kb;
    if (m->peak_hwm_kb > peak)
        peak = m->peak_hwm_kb;
    return peak;
}

void pb_measure_release(struct pb_measure *m)
{
    if (!m)
        return;
    walk_free(m->walk);
    m->walk = NULL;
}
