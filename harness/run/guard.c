#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "run/guard.h"

static int guard_fd = -1;      /* write end, close-on-exec */
static pid_t guard_pid;

static void watchdog(int rfd)
{
    int32_t pgid, last = 0;
    ssize_t n;

    signal(SIGINT, SIG_IGN);
    signal(SIGTERM, SIG_IGN);
    signal(SIGHUP, SIG_IGN);
    signal(SIGPIPE, SIG_IGN);
    prctl(PR_SET_NAME, "pbench-guard");
    for (;;) {
        n = read(rfd, &pgid, sizeof pgid);
        if (n < 0 && errno == EINTR)
            continue;
        if (n != (ssize_t)sizeof pgid)
            break;              /* EOF: pbench is gone (or stopped us) */
        last = pgid;
    }
    if (last > 0)
        kill(-last, SIGKILL);
    _exit(0);
}

int pb_guard_start(struct pb_error *err)
{
    int fds[2];
    pid_t pid;

    if (guard_fd >= 0)
        return 0;
    if (pipe2(fds, O_CLOEXEC) < 0) {
        int e = errno;
        pb_error_set(err, "cannot start the run guard: pipe");
        return pb_error_errno(err, e);
    }
    pid = fork();
    if (pid < 0) {
        int e = errno;
        close(fds[0]);
        close(fds[1]);
        pb_error_set(err, "cannot start the run guard: fork");
        return pb_error_errno(err, e);
    }
    if (pid == 0) {
        close(fds[1]);
        watchdog(fds[0]);
    }
    close(fds[0]);
    guard_fd = fds[1];
    guard_pid = pid;
    return 0;
}

void pb_guard_watch(pid_t pgid)
{
    int32_t v = (int32_t)pgid;
    ssize_t n;

    if (guard_fd < 0)
        return;
    do
        n = write(guard_fd, &v, sizeof v);
    while (n < 0 && errno == EINTR);
}

pid_t pb_guard_pid(void)
{
    return guard_fd >= 0 ? guard_pid : 0;
}

void pb_guard_stop(void)
{
    int status;

    if (guard_fd < 0)
        return;
    pb_guard_watch(0);
    close(guard_fd);
    guard_fd = -1;
    while (waitpid(guard_pid, &status, 0) < 0 && errno == EINTR)
        ;
}
