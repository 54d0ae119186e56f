/* Path strings and PATH lookups. See path.h. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/path.h"

char *pb_path_join(const char *dir, const char *path)
{
    size_t n;
    char *r;

    if (path[0] == '/' || !dir)
        return strdup(path);
    n = strlen(dir) + strlen(path) + 2;
    r = malloc(n);
    if (r)
        snprintf(r, n, "%s/%s", dir, path);
    return r;
}

char *pb_path_dir(const char *path)
{
    const char *s = strrchr(path, '/');

    if (!s)
        return strdup(".");
    if (s == path)
        return strdup("/");
    return strndup(path, (size_t)(s - path));
}

const char *pb_path_base(const char *path, char *buf, size_t n)
{
    size_t len = strlen(path);
    const char *s;

    while (len > 1 && path[len - 1] == '/')
        len--;
    if (len != strlen(path)) {
        snprintf(buf, n, "%.*s", (int)len, path);
        path = buf;
    }
    s = strrchr(path, '/');
    return s && s[1] ? s + 1 : path;
}

/* The path of `to` relative to directory `from`; both must exist.
 * Caller frees; NULL when either cannot be resolved. */
char *pb_path_relative(const char *from, const char *to)
{
    char a[PATH_MAX], b[PATH_MAX], *out;
    size_t i = 0, common = 0, ups = 0, len;

    if (!realpath(from, a) || !realpath(to, b))
        return NULL;
    /* The longest common prefix ending at a path boundary. */
    while (a[i] && a[i] == b[i]) {
        i++;
        if ((a[i] == '/' || a[i] == '\0') && (b[i] == '/' || b[i] == '\0'))
            common = i;
    }
    if (strcmp(a, "/") == 0)
        common = 0;
    for (const char *p = a + common; *p; p++)
        ups += *p == '/';
    len = ups * 3 + strlen(b + common) + 2;
    out = malloc(len);
    if (!out)
        return NULL;
    out[0] = '\0';
    for (size_t k = 0; k < ups; k++)
        strcat(out, "../");
    strcat(out, b[common] == '/' ? b + common + 1 : b + common);
    if (!out[0])
        strcpy(out, ".");
    return out;
}

/* Finds argv[0] as execvp would (PATH of this process; an empty entry is
 * the working directory, checked relative to cwd_fd), before fork so the
 * child needs no malloc. Returns a malloc'd path. Returns NULL with
 * *exec_errno set (ENOENT, EACCES) when there is nothing to execute, or
 * with *exec_errno 0 when out of memory. */
char *pb_path_search(const char *name, int cwd_fd, int *exec_errno)
{
    const char *dirs = getenv("PATH"), *p, *end;
    size_t nlen = strlen(name);
    int seen_eacces = 0;
    struct stat st;
    char *cand;

    *exec_errno = 0;
    if (strchr(name, '/'))
        return strdup(name);        /* a path: exec says what is wrong */
    if (!*name) {
        *exec_errno = ENOENT;
        return NULL;
    }
    if (!dirs)
        dirs = "/bin:/usr/bin";     /* glibc's default, confstr(_CS_PATH) */
    for (p = dirs;; p = end + 1) {
        size_t dlen;

        end = strchrnul(p, ':');
        dlen = (size_t)(end - p);
        cand = malloc(dlen + nlen + 2);
        if (!cand)
            return NULL;
        if (dlen)
            snprintf(cand, dlen + nlen + 2, "%.*s/%s", (int)dlen, p, name);
        else
            memcpy(cand, name, nlen + 1);
        if (fstatat(cwd_fd, cand, &st, 0) == 0 && S_ISREG(st.st_mode)) {
            if (faccessat(cwd_fd, cand, X_OK, AT_EACCESS) == 0)
                return cand;
            seen_eacces = 1;
        }
        free(cand);
        if (!*end)
            break;
    }
    *exec_errno = seen_eacces ? EACCES : ENOENT;
    return NULL;
}

char *pb_which(const char *name)
{
    int e;
    char *path = pb_path_search(name, AT_FDCWD, &e);

    if (path && !strchr(name, '/'))
        return path;
    if (path && access(path, X_OK) == 0)
        return path;
    free(path);
    return NULL;
}


char *pb_path_bindir(const char *python)
{
    char *path = pb_which(python), *slash;

    if (!path)
        return strdup(".");
    slash = strrchr(path, '/');
    if (!slash) {
        free(path);
        return strdup(".");
    }
    if (slash == path)
        slash[1] = '\0';
    else
        *slash = '\0';
    return path;
}

int pb_name_ok(const char *s)
{
    size_t n = strlen(s);

    if (n == 0 || n > 64 || s[0] == '.')
        return 0;
    for (const char *c = s; *c; c++)
        if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9')
              || *c == '_' || *c == '-' || *c == '.'))
            return 0;
    return 1;
}

int pb_relpath_ok(const char *s)
{
    const char *c = s;

    if (!*s || *s == '/')
        return 0;
    while (*c) {
        const char *end = strchr(c, '/');
        size_t len = end ? (size_t)(end - c) : strlen(c);
        if (len == 0 || (len == 1 && c[0] == '.') || (len == 2 && c[0] == '.' && c[1] == '.'))
            return 0;
        for (size_t i = 0; i < len; i++)
            if ((unsigned char)c[i] < 0x20 || c[i] == 0x7f)
                return 0;
        if (!end)
            break;
        c = end + 1;
        if (!*c)
            return 0;  /* a trailing '/' */
    }
    return 1;
}

int pb_component_ok(const char *s)
{
    size_t n = strlen(s);

    if (n == 0 || n > 160 || s[0] == '.')
        return 0;
    for (const char *c = s; *c; c++)
        if (*c == '/' || (unsigned char)*c < 0x20 || *c == 0x7f)
            return 0;
    return 1;
}
