#include <check.h>
#include <errno.h>
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "testutil.h"

char *tu_mkdtemp(void)
{
    const char *base = getenv("TMPDIR");
    char tmpl[4096];

    snprintf(tmpl, sizeof tmpl, "%s/pbench-test-XXXXXX", base && *base ? base : "/tmp");
    if (!mkdtemp(tmpl))
        return NULL;
    return strdup(tmpl);
}

int tu_rmtree(const char *path)
{
    char *argv[] = { "rm", "-rf", (char *)path, NULL };
    return tu_run(argv, NULL);
}

char *tu_write_file(const char *dir, const char *name, const char *text)
{
    size_t n = strlen(dir) + strlen(name) + 2;
    char *path = malloc(n);
    FILE *f;

    snprintf(path, n, "%s/%s", dir, name);
    f = fopen(path, "w");
    if (!f) {
        free(path);
        return NULL;
    }
    fputs(text, f);
    fclose(f);
    return path;
}

char *tu_read_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    size_t len = 0, cap = 0, got;

    if (!f)
        return NULL;
    do {
        if (cap - len < 4096) {
            cap = cap ? cap * 2 : 8192;
            buf = realloc(buf, cap + 1);
        }
        got = fread(buf + len, 1, cap - len, f);
        len += got;
    } while (got > 0);
    fclose(f);
    buf[len] = '\0';
    return buf;
}

int tu_run(char *const argv[], char **out)
{
    int pfd[2];
    pid_t pid;
    int status;
    char *buf = NULL;
    size_t len = 0, cap = 0;
    ssize_t got;

    if (pipe(pfd) < 0)
        return -1;
    pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        int devnull = open("/dev/null", O_RDONLY);
        dup2(devnull, 0);
        dup2(pfd[1], 1);
        dup2(pfd[1], 2);
        close(pfd[0]);
        close(pfd[1]);
        execvp(argv[0], argv);
        _exit(127);
    }
    close(pfd[1]);
    for (;;) {
        if (cap - len < 4096) {
            cap = cap ? cap * 2 : 8192;
            buf = realloc(buf, cap + 1);
        }
        got = read(pfd[0], buf + len, cap - len);
        if (got < 0 && errno == EINTR)
            continue;
        if (got <= 0)
            break;
        len += (size_t)got;
    }
    buf[len] = '\0';
    close(pfd[0]);
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    if (out)
        *out = buf;
    else
        free(buf);
    if (WIFSIGNALED(status))
        return 128 + WTERMSIG(status);
    return WEXITSTATUS(status);
}

void tu_skip_at(const char *file, int line, const char *why)
{
    /* what ck_abort_msg() expands to, at the caller's place; Check carries
     * the message from the forked test to the runner */
    _ck_assert_failed(file, line, "Skipped", TU_SKIP_PREFIX "%s: %s", tcase_name(), why);
}

const char *tu_python(void)
{
    static char venv[4096];
    const char *env = getenv("PBENCH_TEST_PYTHON");

    if (env && *env)
        return env;
    snprintf(venv, sizeof venv, "%s/.venv/bin/python", PB_SOURCE_DIR);
    if (access(venv, X_OK) == 0)
        return venv;
    return "python3";
}

char *tu_only_subdir(const char *base)
{
    DIR *d = opendir(base);
    struct dirent *e;
    char *found = NULL;
    int n = 0;

    if (!d)
        return NULL;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.' || n++)
            continue;
        found = malloc(strlen(base) + strlen(e->d_name) + 2);
        sprintf(found, "%s/%s", base, e->d_name);
    }
    closedir(d);
    if (n != 1) {
        free(found);
        return NULL;
    }
    return found;
}

struct pb_config *tu_load_config(const char *dir, const char *name, const char *text)
{
    struct pb_diags d = { 0 };
    char *path = tu_write_file(dir, name, text), where[1024];
    struct pb_config *cfg = pb_config_load(path, NULL, &d);

    ck_assert_msg(cfg != NULL, "%s", d.n ? pb_error_format(&d.items[0], where, sizeof where) : path);
    free(path);
    pb_diags_release(&d);
    return cfg;
}
