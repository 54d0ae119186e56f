/* Whole files and directories. See fs.h. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "util/fs.h"

int pb_write_file(const char *dir, const char *name, const char *text, size_t len,
                          struct pb_error *err)
{
    char path[PATH_MAX], tmp[PATH_MAX];
    int fd, e;
    size_t off = 0;

    mode_t um;

    snprintf(path, sizeof path, "%s/%s", dir, name);
    if (snprintf(tmp, sizeof tmp, "%s/.%s.XXXXXX", dir, name) >= (int)sizeof tmp)
        return pb_error_set(err, "cannot write '%s': path too long", path);
    fd = mkostemp(tmp, O_CLOEXEC);
    if (fd < 0) {
        e = errno;
        pb_error_set(err, "cannot write '%s'", path);
        return pb_error_errno(err, e);
    }
    um = umask(0);  /* read it back: mkostemp made the file 0600 */
    umask(um);
    if (fchmod(fd, 0666 & ~um) < 0) {
        e = errno;
        close(fd);
        unlink(tmp);
        pb_error_set(err, "cannot write '%s'", path);
        return pb_error_errno(err, e);
    }
    while (off < len) {
        ssize_t w = write(fd, text + off, len - off);
        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0) {
            e = errno;
            close(fd);
            unlink(tmp);
            pb_error_set(err, "cannot write '%s'", path);
            return pb_error_errno(err, e);
        }
        off += (size_t)w;
    }
    if (fsync(fd) < 0 && errno != EINVAL) {
        e = errno;
        close(fd);
        unlink(tmp);
        pb_error_set(err, "cannot write '%s'", path);
        return pb_error_errno(err, e);
    }
    close(fd);
    if (rename(tmp, path) < 0) {
        e = errno;
        unlink(tmp);
        pb_error_set(err, "cannot write '%s'", path);
        return pb_error_errno(err, e);
    }
    return 0;
}

int pb_mkdirs(const char *path, struct pb_error *err)
{
    char buf[PATH_MAX];
    size_t len = strlen(path);

    if (len == 0 || len >= sizeof buf)
        return pb_error_set(err, "bad directory path '%s'", path);
    memcpy(buf, path, len + 1);
    for (char *p = buf + 1; ; p++) {
        if (*p == '/' || *p == '\0') {
            char saved = *p;
            *p = '\0';
            if (mkdir(buf, 0777) < 0 && errno != EEXIST) {
                int e = errno;
                pb_error_set(err, "cannot create directory '%s'", buf);
                return pb_error_errno(err, e);
            }
            *p = saved;
            if (!saved)
                break;
        }
    }
    struct stat st;
    if (stat(path, &st) < 0 || !S_ISDIR(st.st_mode))
        return pb_error_set(err, "'%s' exists and is not a directory", path);
    return 0;
}


void pb_now_iso(char *buf, size_t n)
{
    time_t t = time(NULL);
    struct tm tm;

    gmtime_r(&t, &tm);
    strftime(buf, n, "%Y-%m-%dT%H:%M:%SZ", &tm);
}


int pb_open_regular(const char *path)
{
    struct stat st;
    int fd, flags;

    do
        fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    while (fd < 0 && errno == EINTR);
    if (fd < 0)
        return -1;
    if (fstat(fd, &st) < 0) {
        int e = errno;
        close(fd);
        errno = e;
        return -1;
    }
    if (!S_ISREG(st.st_mode)) {
        close(fd);
        errno = S_ISDIR(st.st_mode) ? EISDIR : PB_ENOTREG;
        return -1;
    }
    flags = fcntl(fd, F_GETFL);
    if (flags >= 0)
        fcntl(fd, F_SETFL, flags & ~O_NONBLOCK);
    return fd;
}

FILE *pb_fopen_regular(const char *path)
{
    int fd = pb_open_regular(path);
    FILE *f;

    if (fd < 0)
        return NULL;
    f = fdopen(fd, "r");
    if (!f) {
        int e = errno;
        close(fd);
        errno = e;
    }
    return f;
}

char *pb_read_file(const char *path, size_t max, size_t *len, int *errnum)
{
    FILE *f = pb_fopen_regular(path);
    char *buf;
    size_t n;

    if (!f) {
        *errnum = errno;
        return NULL;
    }
    buf = malloc(max + 1);
    if (!buf) {
        fclose(f);
        *errnum = ENOMEM;
        return NULL;
    }
    n = fread(buf, 1, max + 1, f);
    if (ferror(f)) {
        *errnum = errno ? errno : EIO;
        fclose(f);
        free(buf);
        return NULL;
    }
    fclose(f);
    if (n > max) {
        free(buf);
        *errnum = EFBIG;
        return NULL;
    }
    buf[n] = '\0';
    if (len)
        *len = n;
    return buf;
}

size_t pb_file_tail(const char *path, char *buf, size_t n)
{
    FILE *f = pb_fopen_regular(path);  /* a planted FIFO would block forever */
    long size;
    size_t got;

    buf[0] = '\0';
    if (!f || n < 2) {
        if (f)
            fclose(f);
        return 0;
    }
    fseek(f, 0, SEEK_END);
    size = ftell(f);
    fseek(f, size > (long)n - 1 ? size - (long)n + 1 : 0, SEEK_SET);
    got = fread(buf, 1, n - 1, f);
    fclose(f);
    buf[got] = '\0';
    return got;
}

void pb_file_last_line(const char *path, char *out, size_t n)
{
    char buf[4096];
    size_t got = pb_file_tail(path, buf, sizeof buf), end, start;

    out[0] = '\0';
    end = got;
    while (end > 0 && (buf[end - 1] == '\n' || buf[end - 1] == '\r' || buf[end - 1] == ' '))
        end--;
    buf[end] = '\0';
    start = end;
    while (start > 0 && buf[start - 1] != '\n')
        start--;
    snprintf(out, n, "%s", buf + start);
}

FILE *pb_fopen_write(const char *path)
{
    int fd, e;
    FILE *f;

    do
        fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0666);
    while (fd < 0 && errno == EINTR);
    if (fd < 0)
        return NULL;
    f = fdopen(fd, "w");
    if (!f) {
        e = errno;
        close(fd);
        errno = e;
    }
    return f;
}

int pb_mkdirs_below(const char *base, const char *rel, struct pb_error *err)
{
    char comp[PATH_MAX];
    int fd, next;
    const char *p = rel;

    fd = open(base, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) {
        int e = errno;
        pb_error_set(err, "cannot open the directory '%s'", base);
        return pb_error_errno(err, e);
    }
    while (*p) {
        const char *end = strchr(p, '/');
        size_t len = end ? (size_t)(end - p) : strlen(p);

        if (len == 0 || len >= sizeof comp) {
            close(fd);
            return pb_error_set(err, "bad path '%s' below '%s'", rel, base);
        }
        memcpy(comp, p, len);
        comp[len] = '\0';
        if (mkdirat(fd, comp, 0777) < 0 && errno != EEXIST) {
            int e = errno;
            close(fd);
            pb_error_set(err, "cannot create directory '%s/%.*s'", base, (int)(p - rel + len), rel);
            return pb_error_errno(err, e);
        }
        next = openat(fd, comp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (next < 0) {
            int e = errno;
            close(fd);
            if (e == ELOOP || e == ENOTDIR)
                return pb_error_set(err, "'%s/%.*s' is not a directory (a symbolic link?): "
                                    "refusing to use it", base, (int)(p - rel + len), rel);
            pb_error_set(err, "cannot open '%s/%.*s'", base, (int)(p - rel + len), rel);
            return pb_error_errno(err, e);
        }
        close(fd);
        fd = next;
        p = end ? end + 1 : p + len;
    }
    close(fd);
    return 0;
}
