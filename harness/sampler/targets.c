/* The processes and threads of one sampling session; see targets.h. */
#include <limits.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sampler/procfs.h"
#include "sampler/pystack.h"
#include "sampler/targets.h"
#include "util/path.h"

/* A process running the same non-Python program this long is judged not
 * Python: long enough for ld.so to map libpython, and for the command's
 * wrapper scripts (a pyenv shim, `env python`) to exec the interpreter;
 * a child's judgment only costs missing it until it execs again. */
#define ROOT_GRACE_S 2.0
#define CHILD_GRACE_S 0.2
#define RETRY_S 0.02             /* attach retries while undecided */
#define SCAN_S 0.1               /* how often to look for new descendants */
#define MAX_PROCS 4096
#define PATH_BYTES 4096

enum proc_state { PENDING, PYTHON, NOT_PYTHON, UNSUPPORTED, GONE };

struct sthread {
    uint64_t tid;       /* kernel TID, or the pthread id when that is 0 */
    int fd;             /* /proc/PID/task/TID/stat, -1 when closed */
    int prof_idx;
    int seen;           /* in the current round */
};

struct sproc {
    pid_t pid, ppid;
    enum proc_state state;
    int prof_idx;       /* -1 until registered in the profile */
    struct pb_pyproc *py;
    char exe[PATH_BYTES];      /* executable when last judged */
    uint64_t image;            /* hash of executable and command line */
    double image_since;        /* when that image was first seen */
    double next_try;
    struct pb_error why;       /* why not attached (yet) */
    unsigned bad_ticks;        /* consecutive rounds with drops and no sample */
    struct sthread *threads;
    size_t nthreads, capthreads;
};

struct pb_targets {
    pid_t root;
    char *root_name;
    int subprocesses;
    struct pb_samples *prof;
    struct sproc *procs;
    size_t nprocs, capprocs;
    struct pb_procfs_tree *tree;
    double next_scan;
    unsigned long long ticks;
    int ever_attached;
    uint64_t *frames;          /* packed frames for pb_samples_add */
    size_t capframes;
    int oom;                   /* a sample was lost to memory */
};

static void close_threads(struct sproc *p);

/* A new pending process entry: a slot of a process gone before (the root's
 * excepted) is reused, so a workload that starts many short-lived
 * children does not hit the cap. NULL at the cap or out of memory. */
static struct sproc *add_proc(struct pb_targets *s, pid_t pid, pid_t ppid)
{
    struct sproc *p = NULL;

    for (size_t i = 1; i < s->nprocs && !p; i++) {
        if (s->procs[i].state == GONE)
            p = &s->procs[i];
    }
    if (p) {
        free(p->threads);
    } else {
        if (s->nprocs >= MAX_PROCS)
            return NULL;
        if (s->nprocs == s->capprocs) {
            size_t ncap = s->capprocs ? s->capprocs * 2 : 8;
            struct sproc *np = realloc(s->procs, ncap * sizeof *np);
            if (!np)
                return NULL;
            s->procs = np;
            s->capprocs = ncap;
        }
        p = &s->procs[s->nprocs++];
    }
    memset(p, 0, sizeof *p);
    p->pid = pid;
    p->ppid = ppid;
    p->state = PENDING;
    p->prof_idx = -1;
    return p;
}

static void close_threads(struct sproc *p)
{
    for (size_t i = 0; i < p->nthreads; i++) {
        if (p->threads[i].fd >= 0)
            close(p->threads[i].fd);
        p->threads[i].fd = -1;
    }
}

static void detach(struct sproc *p, enum proc_state state)
{
    close_threads(p);
    pb_pyproc_free(p->py);
    p->py = NULL;
    p->state = state;
}

struct pb_targets *pb_targets_new(pid_t root, const char *name, int subprocesses,
                                  struct pb_samples *prof)
{
    struct pb_targets *s = calloc(1, sizeof *s);

    if (!s)
        return NULL;
    s->root = root;
    s->subprocesses = subprocesses;
    s->prof = prof;
    s->root_name = strdup(name);
    s->tree = pb_procfs_tree_new();
    if (!s->root_name || !s->tree || !add_proc(s, root, getpid())) {
        pb_targets_free(s);
        return NULL;
    }
    return s;
}

void pb_targets_free(struct pb_targets *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->nprocs; i++) {
        detach(&s->procs[i], GONE);
        free(s->procs[i].threads);
    }
    free(s->procs);
    free(s->frames);
    free(s->root_name);
    pb_procfs_tree_free(s->tree);
    free(s);
}

unsigned long long pb_targets_ticks(const struct pb_targets *s)
{
    return s->ticks;
}

/* Registers p in the profile (once). Returns 0 or -1 (out of memory). */
static int registered(struct pb_targets *s, struct sproc *p, const char *label)
{
    if (p->prof_idx < 0)
        p->prof_idx = pb_samples_process(s->prof, p->pid, p->ppid, label);
    return p->prof_idx < 0 ? -1 : 0;
}

static uint64_t hash_bytes(uint64_t h, const char *b, size_t n)
{
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)b[i]) * 0x100000001b3ull;
    return h;
}

/* Tries to attach to a pending process; notices when a judged one execs. */
static void try_attach(struct pb_targets *s, struct sproc *p, double now)
{
    char bn[PATH_MAX];   /* pb_path_base's buffer */
    char exe[PATH_BYTES], cmdline[1024];
    long len;
    uint64_t image;
    int rc;

    if (now < p->next_try)
        return;
    p->next_try = now + (p->state == NOT_PYTHON ? SCAN_S : RETRY_S);
    if (pb_procfs_exe(p->pid, exe, sizeof exe) < 0) {
        if (errno == ENOENT || errno == ESRCH) {
            if (p->pid != s->root)
                p->state = GONE;  /* the root's end is the caller's to see */
        }
        return;
    }
    /* An exec changes the executable or at least the command line (a shell
     * script exec'ing the next one): either starts a new judgment. */
    len = pb_procfs_cmdline(p->pid, cmdline, sizeof cmdline);
    image = hash_bytes(hash_bytes(0xcbf29ce484222325ull, exe, strlen(exe)), cmdline,
                       len > 0 ? (size_t)len : 0);
    if (image != p->image) {
        snprintf(p->exe, sizeof p->exe, "%s", exe);
        p->image = image;
        p->image_since = now;
        if (p->state == NOT_PYTHON)
            p->state = PENDING;
    }
    if (p->state != PENDING)
        return;
    rc = pb_pyproc_attach(p->pid, &p->py, &p->why);
    if (rc == PB_PYATTACH_OK) {
        p->state = PYTHON;
        s->ever_attached = 1;
        if (registered(s, p, pb_path_base(exe, bn, sizeof bn)) < 0 ||
            pb_samples_process_info(s->prof, p->prof_idx, "python", pb_pyproc_layout_note(p->py),
                                    pb_pyproc_version(p->py), pb_pyproc_binary(p->py)) < 0)
            s->oom = 1;
    } else if (rc == PB_PYATTACH_UNSUPPORTED) {
        p->state = UNSUPPORTED;
        if (registered(s, p, pb_path_base(exe, bn, sizeof bn)) < 0 ||
            pb_samples_process_info(s->prof, p->prof_idx, "unsupported", p->why.msg, NULL, NULL) < 0)
            s->oom = 1;
    } else if (rc == PB_PYATTACH_NOT_PYTHON &&
               now - p->image_since >= (p->pid == s->root ? ROOT_GRACE_S : CHILD_GRACE_S)) {
        p->state = NOT_PYTHON;
        if (p->pid == s->root &&
            (registered(s, p, pb_path_base(exe, bn, sizeof bn)) < 0 ||
             pb_samples_process_info(s->prof, p->prof_idx, "not-python", p->why.msg, NULL, NULL) < 0))
            s->oom = 1;
    }
}

/* Adds the descendants of root that are not tracked yet. */
static void scan(struct pb_targets *s)
{
    struct pb_procfs_child *kids = NULL;
    size_t n = 0;
    struct pb_error ignored;

    if (pb_procfs_descendants(s->tree, s->root, &kids, &n, &ignored) < 0)
        return;
    for (size_t i = 0; i < n; i++) {
        int known = 0;
        for (size_t k = 0; k < s->nprocs && !known; k++)
            known = s->procs[k].pid == kids[i].pid && s->procs[k].state != GONE;
        if (!known)
            add_proc(s, kids[i].pid, kids[i].ppid);  /* at the cap: not followed */
    }
    free(kids);
}

struct round {
    struct pb_targets *s;
    struct sproc *p;
};

static struct sthread *find_thread(struct pb_targets *s, struct sproc *p,
                                   const struct pb_pythread *t)
{
    uint64_t tid = t->native_id ? t->native_id : t->thread_id;
    struct sthread *th;
    char name[64];

    for (size_t i = 0; i < p->nthreads; i++) {
        if (p->threads[i].tid == tid)
            return &p->threads[i];
    }
    if (p->nthreads == p->capthreads) {
        size_t ncap = p->capthreads ? p->capthreads * 2 : 8;
        struct sthread *nt = realloc(p->threads, ncap * sizeof *nt);
        if (!nt)
            return NULL;
        p->threads = nt;
        p->capthreads = ncap;
    }
    if (t->native_id)
        pb_procfs_comm(p->pid, (pid_t)t->native_id, name, sizeof name);
    else
        name[0] = '\0';
    th = &p->threads[p->nthreads];
    th->tid = tid;
    th->fd = -1;
    th->seen = 0;
    th->prof_idx = pb_samples_thread(s->prof, p->prof_idx, t->native_id, t->thread_id,
                                     name[0] ? name : NULL);
    if (th->prof_idx < 0)
        return NULL;
    p->nthreads++;
    return th;
}

static void on_thread(void *arg, const struct pb_pythread *t)
{
    struct round *r = arg;
    struct pb_targets *s = r->s;
    struct sthread *th = find_thread(s, r->p, t);
    char state = 0;

    if (!th) {
        s->oom = 1;
        return;
    }
    th->seen = 1;
    if (th->fd < 0 && t->native_id)
        th->fd = pb_procfs_task_open(r->p->pid, (pid_t)t->native_id);
    if (th->fd >= 0)
        state = pb_procfs_task_state(th->fd);
    if (t->nframes > s->capframes) {
        uint64_t *nf = realloc(s->frames, t->nframes * sizeof *nf);
        if (!nf) {
            s->oom = 1;
            return;
        }
        s->frames = nf;
        s->capframes = t->nframes;
    }
    for (size_t i = 0; i < t->nframes; i++) {
        struct pb_pycode *code = t->frames[i].code;
        if (code->user_id < 0) {
            code->user_id = pb_samples_function(s->prof, code->qualname, code->filename,
                                                 code->firstlineno);
            if (code->user_id < 0) {
                s->oom = 1;
                return;
            }
        }
        s->frames[i] = pb_samples_frame(code->user_id, t->frames[i].line);
    }
    if (pb_samples_add(s->prof, th->prof_idx, s->frames, t->nframes, state == 'R') < 0)
        s->oom = 1;
    else if (t->truncated)
        pb_samples_truncated(s->prof, th->prof_idx);
}

static void sample(struct pb_targets *s, struct sproc *p)
{
    struct round r = { s, p };
    unsigned dropped = 0;
    uint64_t before = pb_samples_taken(s->prof);
    char exe[PATH_BYTES];

    if (p->prof_idx < 0)
        return;  /* not in the profile (out of memory): nowhere to count */
    for (size_t i = 0; i < p->nthreads; i++)
        p->threads[i].seen = 0;
    if (pb_pyproc_sample(p->py, on_thread, &r, &dropped) == 1) {
        detach(p, GONE);
        return;
    }
    if (dropped && pb_procfs_exe(p->pid, exe, sizeof exe) == 0 && strcmp(exe, p->exe) != 0) {
        /* It exec'd another program (subprocess's fork + exec): what failed
         * to read was the old image, not a torn sample. */
        detach(p, PENDING);
        return;
    }
    pb_samples_process_tick(s->prof, p->prof_idx, dropped);
    p->bad_ticks = dropped && pb_samples_taken(s->prof) == before ? p->bad_ticks + 1 : 0;
    if (p->bad_ticks >= 5) {
        /* Nothing but torn reads for a while: the image may have changed
         * under the same executable name (exec of itself). Look again. */
        p->bad_ticks = 0;
        detach(p, PENDING);
        return;
    }
    for (size_t i = 0; i < p->nthreads; i++) {
        struct sthread *th = &p->threads[i];
        if (!th->seen && th->fd >= 0) {
            close(th->fd);  /* thread ended (or idle): reopen if it returns */
            th->fd = -1;
        }
    }
}

int pb_targets_tick(struct pb_targets *s, double now, struct pb_error *err)
{
    struct sproc *root;

    s->ticks++;
    if (s->subprocesses && now >= s->next_scan) {
        scan(s);
        s->next_scan = now + SCAN_S;
    }
    for (size_t i = 0; i < s->nprocs; i++) {
        struct sproc *p = &s->procs[i];
        if (p->state == PENDING || p->state == NOT_PYTHON)
            try_attach(s, p, now);
        if (p->state == PYTHON)
            sample(s, p);
    }
    root = &s->procs[0];
    if (root->state == UNSUPPORTED) {
        pb_error_set(err, "%s", root->why.msg);
        return -1;
    }
    if (root->state == NOT_PYTHON && !s->subprocesses) {
        pb_error_set(err, "%s", root->why.msg);
        return -1;
    }
    if (s->oom) {
        pb_error_set(err, "out of memory while sampling");
        return -1;
    }
    return 0;
}

int pb_targets_finish(struct pb_targets *s, struct pb_error *err)
{
    const struct sproc *root = &s->procs[0];

    if (s->ever_attached)
        return 0;
    if (root->state == UNSUPPORTED || root->state == NOT_PYTHON)
        return pb_error_set(err, "%s", root->why.msg);
    if (root->why.msg[0])
        return pb_error_set(err, "%s (it exited before pbench sample could judge it)",
                            root->why.msg);
    return pb_error_set(err, "'%s' exited before pbench sample found a CPython "
                             "interpreter in it", root->exe[0] ? root->exe : s->root_name);
}
