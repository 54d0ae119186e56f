/* /proc readers for the sampler; see procfs.h. */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sampler/procfs.h"

#define MAX_PROCS 1000000  /* pid_max ceiling: a bound on the /proc scan */

int pb_procfs_exe(pid_t pid, char *buf, size_t n)
{
    char link[64];
    ssize_t len;

    snprintf(link, sizeof link, "/proc/%d/exe", (int)pid);
    len = readlink(link, buf, n - 1);
    if (len < 0) {
        buf[0] = '\0';
        return -1;
    }
    buf[len] = '\0';
    return 0;
}

void pb_procfs_maps_free(struct pb_procfs_map *maps, size_t n)
{
    if (!maps)
        return;
    for (size_t i = 0; i < n; i++)
        free(maps[i].path);
    free(maps);
}

int pb_procfs_maps(pid_t pid, struct pb_procfs_map **out, size_t *n,
                   struct pb_error *err)
{
    char path[64];
    FILE *f;
    char *line = NULL;
    size_t cap = 0, count = 0, room = 0;
    struct pb_procfs_map *maps = NULL;
    int rc = -1, saved;

    *out = NULL;
    *n = 0;
    snprintf(path, sizeof path, "/proc/%d/maps", (int)pid);
    f = fopen(path, "re");
    if (!f) {
        saved = errno;
        pb_error_set(err, "cannot open '%s'", path);
        pb_error_errno(err, saved);
        errno = saved;
        return -1;
    }
    while (getline(&line, &cap, f) > 0) {
        uint64_t start, end, offset;
        int pathpos = 0;
        char *p;

        if (sscanf(line, "%" SCNx64 "-%" SCNx64 " %*s %" SCNx64 " %*s %*s %n",
                   &start, &end, &offset, &pathpos) < 3 || pathpos == 0)
            continue;
        p = line + pathpos;
        if (*p != '/')
            continue;  /* anonymous, [heap], [stack], ... */
        p[strcspn(p, "\n")] = '\0';
        if (count == room) {
            size_t nroom = room ? room * 2 : 64;
            struct pb_procfs_map *nm = realloc(maps, nroom * sizeof *nm);
            if (!nm) {
                pb_error_set(err, "out of memory reading '%s'", path);
                goto cleanup;
            }
            maps = nm;
            room = nroom;
        }
        maps[count].start = start;
        maps[count].end = end;
        maps[count].offset = offset;
        maps[count].path = strdup(p);
        if (!maps[count].path) {
            pb_error_set(err, "out of memory reading '%s'", path);
            goto cleanup;
        }
        count++;
    }
    *out = maps;
    *n = count;
    maps = NULL;
    rc = 0;
cleanup:
    pb_procfs_maps_free(maps, count);
    free(line);
    fclose(f);
    return rc;
}

int pb_procfs_task_open(pid_t pid, pid_t tid)
{
    char path[96];

    snprintf(path, sizeof path, "/proc/%d/task/%d/stat", (int)pid, (int)tid);
    return open(path, O_RDONLY | O_CLOEXEC);
}

/* The text after "pid (comm) ": comm may hold spaces and parentheses, so
 * look for the last ')'. Returns NULL when malformed. */
static const char *after_comm(const char *stat)
{
    const char *p = strrchr(stat, ')');

    if (!p || p[1] != ' ')
        return NULL;
    return p + 2;
}

char pb_procfs_task_state(int fd)
{
    char buf[512];
    ssize_t got;
    const char *p;

    do
        got = pread(fd, buf, sizeof buf - 1, 0);
    while (got < 0 && errno == EINTR);
    if (got <= 0)
        return 0;
    buf[got] = '\0';
    p = after_comm(buf);
    return p && isalpha((unsigned char)*p) ? *p : 0;
}

int pb_procfs_comm(pid_t pid, pid_t tid, char *buf, size_t n)
{
    char path[96];
    int fd;
    ssize_t got;

    buf[0] = '\0';
    snprintf(path, sizeof path, "/proc/%d/task/%d/comm", (int)pid, (int)tid);
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    do
        got = read(fd, buf, n - 1);
    while (got < 0 && errno == EINTR);
    close(fd);
    if (got < 0) {
        buf[0] = '\0';
        return -1;
    }
    buf[got] = '\0';
    buf[strcspn(buf, "\n")] = '\0';
    return 0;
}

/* PPID of /proc/<name>, or -1 when it is gone or unreadable. */
static pid_t read_ppid(const char *name)
{
    char path[64], buf[512];
    const char *p;
    int fd, ppid;
    ssize_t got;

    snprintf(path, sizeof path, "/proc/%s/stat", name);
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    do
        got = read(fd, buf, sizeof buf - 1);
    while (got < 0 && errno == EINTR);
    close(fd);
    if (got <= 0)
        return -1;
    buf[got] = '\0';
    p = after_comm(buf);
    if (!p || sscanf(p, "%*c %d", &ppid) != 1)
        return -1;
    return ppid;
}

struct pb_procfs_tree {
    struct pb_procfs_child *known;  /* sorted by pid */
    size_t n;
};

struct pb_procfs_tree *pb_procfs_tree_new(void)
{
    return calloc(1, sizeof(struct pb_procfs_tree));
}

void pb_procfs_tree_free(struct pb_procfs_tree *t)
{
    if (!t)
        return;
    free(t->known);
    free(t);
}

static int by_pid(const void *a, const void *b)
{
    pid_t x = ((const struct pb_procfs_child *)a)->pid, y = ((const struct pb_procfs_child *)b)->pid;

    return (x > y) - (x < y);
}

int pb_procfs_descendants(struct pb_procfs_tree *t, pid_t root,
                          struct pb_procfs_child **out, size_t *n, struct pb_error *err)
{
    DIR *dir;
    struct dirent *de;
    struct pb_procfs_child *all = NULL, *kids = NULL;
    size_t nall = 0, room = 0, nkids = 0, live = 0;
    size_t next = 0;  /* kids[next..) still to expand */
    int saved;

    *out = NULL;
    *n = 0;
    dir = opendir("/proc");
    if (!dir) {
        saved = errno;
        pb_error_set(err, "cannot list '/proc'");
        return pb_error_errno(err, saved);
    }
    while ((de = readdir(dir)) != NULL && nall < MAX_PROCS) {
        if (!isdigit((unsigned char)de->d_name[0]))
            continue;
        if (nall == room) {
            size_t nroom = room ? room * 2 : 256;
            struct pb_procfs_child *na = realloc(all, nroom * sizeof *na);
            if (!na) {
                free(all);
                closedir(dir);
                return pb_error_set(err, "out of memory listing '/proc'");
            }
            all = na;
            room = nroom;
        }
        all[nall].pid = (pid_t)atoi(de->d_name);
        all[nall].ppid = 0;
        nall++;
    }
    closedir(dir);
    qsort(all, nall, sizeof *all, by_pid);
    for (size_t i = 0; i < nall; i++) {  /* parents: remembered, else read */
        const struct pb_procfs_child *k =
            t->n ? bsearch(&all[i], t->known, t->n, sizeof *all, by_pid) : NULL;
        char name[16];

        if (k) {
            all[live++] = *k;
            continue;
        }
        snprintf(name, sizeof name, "%d", (int)all[i].pid);
        all[i].ppid = read_ppid(name);
        if (all[i].ppid > 0)
            all[live++] = all[i];  /* else gone already */
    }
    nall = live;
    kids = malloc((nall ? nall : 1) * sizeof *kids);
    if (!kids) {
        free(all);
        return pb_error_set(err, "out of memory listing '/proc'");
    }
    /* Breadth first from root: kids[] doubles as the queue; nall bounds it
     * even if a racy listing made a cycle. */
    for (pid_t parent = root; nkids < nall;) {
        for (size_t i = 0; i < nall && nkids < nall; i++) {
            if (all[i].ppid == parent && all[i].pid != root)
                kids[nkids++] = all[i];
        }
        if (next >= nkids)
            break;
        parent = kids[next++].pid;
    }
    free(t->known);
    t->known = all;  /* still sorted: filtering kept the order */
    t->n = nall;
    *out = kids;
    *n = nkids;
    return 0;
}

long pb_procfs_cmdline(pid_t pid, char *buf, size_t n)
{
    char path[64];
    size_t len = 0;
    ssize_t got;
    int fd;

    snprintf(path, sizeof path, "/proc/%d/cmdline", (int)pid);
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    while (len < n) {
        got = read(fd, buf + len, n - len);
        if (got < 0 && errno == EINTR)
            continue;
        if (got <= 0)
            break;
        len += (size_t)got;
    }
    close(fd);
    return (long)len;
}
