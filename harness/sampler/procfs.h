#ifndef PB_SAMPLER_PROCFS_H
#define PB_SAMPLER_PROCFS_H

/*
 * What the sampler reads from /proc about its targets: the executable and
 * file mappings (to find the interpreter), per-thread run state (on CPU or
 * waiting), thread names, and the process tree (to follow children).
 * None of these print; most report failure through errno as noted, since
 * a target that vanishes mid-read is ordinary, not an error to describe.
 */

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "util/error.h"

struct pb_procfs_map {
    uint64_t start, end;  /* [start, end) in the process */
    uint64_t offset;      /* file offset mapped at start */
    char *path;           /* the mapped file, as /proc shows it */
};

struct pb_procfs_child {
    pid_t pid;
    pid_t ppid;
};

/* Writes the target of /proc/PID/exe into buf (NUL-terminated, truncated
 * to n). Returns 0, or -1 with errno set (ESRCH/ENOENT: gone). */
int pb_procfs_exe(pid_t pid, char *buf, size_t n);

/* Reads PID's file-backed mappings (paths starting with '/') into a fresh
 * array *out of *n entries; caller frees with pb_procfs_maps_free.
 * Returns 0, or -1 with err set (and errno kept from the failing call). */
int pb_procfs_maps(pid_t pid, struct pb_procfs_map **out, size_t *n,
                   struct pb_error *err);

/* Frees what pb_procfs_maps returned; (NULL, 0) does nothing. */
void pb_procfs_maps_free(struct pb_procfs_map *maps, size_t n);

/* Opens /proc/PID/task/TID/stat for repeated pb_procfs_task_state calls.
 * Returns the descriptor (close-on-exec; caller closes), or -1 with errno. */
int pb_procfs_task_open(pid_t pid, pid_t tid);

/* The thread's state letter from the stat file opened above, re-read at
 * offset 0: 'R' running or runnable, 'S' sleeping, 'D' in uninterruptible
 * wait, and so on. Returns 0 when it cannot be read (thread gone). */
char pb_procfs_task_state(int fd);

/* The kernel's name of thread TID of PID (/proc/PID/task/TID/comm) into buf,
 * without the trailing newline. Returns 0, or -1 with errno (buf is then
 * empty). */
int pb_procfs_comm(pid_t pid, pid_t tid, char *buf, size_t n);

/* Remembers the parent of every process seen by pb_procfs_descendants, so
 * that a scan reads /proc/N/stat only for processes new since the last. A
 * parent changes only when it dies (the orphan goes to init or a
 * subreaper, never into root's tree), so a remembered parent stays right
 * for this purpose. */
struct pb_procfs_tree;

/* A new empty tree, or NULL when out of memory. Free with
 * pb_procfs_tree_free. */
struct pb_procfs_tree *pb_procfs_tree_new(void);

/* Frees t; NULL does nothing. */
void pb_procfs_tree_free(struct pb_procfs_tree *t);

/* Every live descendant of root (children, their children, ...), root
 * itself excluded, from the process list in /proc and the parents t
 * remembers (updated). Fills a fresh array *out of *n entries (caller
 * frees with free()). Returns 0, or -1 with err set when /proc cannot be
 * listed or memory runs out. */
int pb_procfs_descendants(struct pb_procfs_tree *t, pid_t root,
                          struct pb_procfs_child **out, size_t *n, struct pb_error *err);

/* Reads /proc/PID/cmdline (NUL-separated arguments) into buf, at most n
 * bytes. Returns the length read, or -1 with errno. */
long pb_procfs_cmdline(pid_t pid, char *buf, size_t n);

#endif /* PB_SAMPLER_PROCFS_H */
