/* Copying and removing directory trees. See tree.h. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/tree.h"

/* Copies the regular file name of directory fd from into directory fd to.
 * Returns 0, 1 when it is not a regular file after all (left out), -1
 * with errno. */
static int copy_file(int from, int to, const char *name)
{
    char buf[1 << 16];
    struct stat st;
    int in = openat(from, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC), out, rc = 0;

    if (in < 0)
        return errno == ELOOP ? 1 : -1;
    if (fstat(in, &st) < 0) {
        int e = errno;
        close(in);
        errno = e;
        return -1;
    }
    if (!S_ISREG(st.st_mode)) {
        close(in);
        return 1;
    }
    out = openat(to, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
    if (out < 0) {
        int e = errno;
        close(in);
        errno = e;
        return -1;
    }
    for (;;) {
        ssize_t n = read(in, buf, sizeof buf);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            rc = n < 0 ? -1 : 0;
            break;
        }
        for (ssize_t off = 0; off < n;) {
            ssize_t w = write(out, buf + off, (size_t)(n - off));
            if (w < 0 && errno == EINTR)
                continue;
            if (w < 0) {
                rc = -1;
                break;
            }
            off += w;
        }
        if (rc < 0)
            break;
    }
    int e = errno;
    close(in);
    if (close(out) < 0 && rc == 0)
        return -1;
    errno = e;
    return rc;
}

/* The file name of from into to: a hard link, else a copy. Returns as
 * copy_file. */
static int link_or_copy(int from, int to, const char *name)
{
    struct stat st;

    if (linkat(from, name, to, name, 0) == 0) {
        /* linkat links a symbolic link itself: one swapped in since the
         * caller looked is taken out again */
        if (fstatat(to, name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(st.st_mode))
            return 0;
        unlinkat(to, name, 0);
        return 1;
    }
    return copy_file(from, to, name);
}

static int copy_dir(int from, int to, const char *path, int depth, size_t *skipped,
                    struct pb_error *err)
{
    DIR *d;
    struct dirent *e;
    int rc = 0;

    if (!(d = fdopendir(from))) {
        int en = errno;
        close(from);
        pb_error_set(err, "cannot read '%s'", path);
        return pb_error_errno(err, en);
    }
    while (rc == 0 && (errno = 0, e = readdir(d))) {
        struct stat st;
        char sub[4096];
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        snprintf(sub, sizeof sub, "%s/%s", path, e->d_name);
        if (fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
            int en = errno;
            pb_error_set(err, "cannot read '%s'", sub);
            rc = pb_error_errno(err, en);
        } else if (S_ISREG(st.st_mode)) {
            int r = link_or_copy(dirfd(d), to, e->d_name);
            if (r < 0) {
                int en = errno;
                pb_error_set(err, "cannot copy '%s'", sub);
                rc = pb_error_errno(err, en);
            } else if (r > 0 && skipped) {
                (*skipped)++;
            }
        } else if (S_ISDIR(st.st_mode) && depth < PB_TREE_MAX_DEPTH) {
            int sf = openat(dirfd(d), e->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC), tf = -1;
            if (sf >= 0 && mkdirat(to, e->d_name, 0777) == 0)
                tf = openat(to, e->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
            if (sf < 0 || tf < 0) {
                int en = errno;
                if (sf >= 0)
                    close(sf);
                pb_error_set(err, "cannot copy '%s'", sub);
                rc = pb_error_errno(err, en);
            } else {
                rc = copy_dir(sf, tf, sub, depth + 1, skipped, err);
                close(tf);
            }
        } else if (skipped) {
            (*skipped)++;
        }
    }
    if (rc == 0 && errno) {
        int en = errno;
        pb_error_set(err, "cannot read '%s'", path);
        rc = pb_error_errno(err, en);
    }
    closedir(d);
    return rc;
}

int pb_tree_copy(const char *from, const char *to, size_t *skipped, struct pb_error *err)
{
    int sf = open(from, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC), tf, rc;

    if (sf < 0) {
        int e = errno;
        pb_error_set(err, "cannot read '%s'", from);
        return pb_error_errno(err, e);
    }
    if (mkdir(to, 0777) < 0 || (tf = open(to, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) < 0) {
        int e = errno;
        close(sf);
        pb_error_set(err, "cannot create '%s'", to);
        return pb_error_errno(err, e);
    }
    rc = copy_dir(sf, tf, from, 1, skipped, err);
    close(tf);
    return rc;
}

static int remove_in(int dir, const char *name, const char *path, int depth, struct pb_error *err)
{
    int fd;
    DIR *d;
    struct dirent *e;
    int rc = 0;

    if (unlinkat(dir, name, 0) == 0 || errno == ENOENT)
        return 0;
    if ((errno != EISDIR && errno != EPERM) || depth > 2 * PB_TREE_MAX_DEPTH
        || (fd = openat(dir, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) < 0
        || !(d = fdopendir(fd))) {
        int en = errno;
        pb_error_set(err, "cannot remove '%s'", path);
        return pb_error_errno(err, en);
    }
    while (rc == 0 && (e = readdir(d))) {
        char sub[4096];
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        snprintf(sub, sizeof sub, "%s/%s", path, e->d_name);
        rc = remove_in(dirfd(d), e->d_name, sub, depth + 1, err);
    }
    closedir(d);
    if (rc == 0 && unlinkat(dir, name, AT_REMOVEDIR) < 0 && errno != ENOENT) {
        int en = errno;
        pb_error_set(err, "cannot remove '%s'", path);
        return pb_error_errno(err, en);
    }
    return rc;
}

int pb_tree_remove(const char *path, struct pb_error *err)
{
    return remove_in(AT_FDCWD, path, path, 0, err);
}
