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

    snprintf(path, sizeof path, "%s/%s", dir, name);
    snprintf(tmp, sizeof tmp, "%s/.%s.tmp", dir, name);
    fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
    if (fd < 0) {
        e = errno;
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


char *pb_read_file(const char *path, size_t max, size_t *len, int *errnum)
{
    FILE *f = fopen(path, "rb");
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

void pb_file_last_line(const char *path, char *out, size_t n)
{
    FILE *f = fopen(path, "rb");
    char buf[4096];
    long size;
    size_t got, end, start;

    out[0] = '\0';
    if (!f)
        return;
    fseek(f, 0, SEEK_END);
    size = ftell(f);
    fseek(f, size > (long)sizeof buf - 1 ? size - (long)sizeof buf + 1 : 0, SEEK_SET);
    got = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[got] = '\0';
    end = got;
    while (end > 0 && (buf[end - 1] == '\n' || buf[end - 1] == '\r' || buf[end - 1] == ' '))
        end--;
    buf[end] = '\0';
    start = end;
    while (start > 0 && buf[start - 1] != '\n')
        start--;
    snprintf(out, n, "%s", buf + start);
}
