/* SPDX-License-Identifier: Apache-2.0 */
/* spawn: the only place that runs programs. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "alloc.h"
#include "paths.h"
#include "spawn.h"
#include "strbuf.h"
#include "strv.h"

#define MAX_CAPTURE (1024 * 1024)
#define KILL_GRACE_MS 2000

static const char *const default_dirs[] = {
    "/usr/sbin", "/usr/bin", "/sbin", "/bin", "/usr/local/sbin", "/usr/local/bin", NULL,
};

static long long
now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void
drain(int *fd, struct strbuf *sb)
{
    char buf[4096];
    ssize_t n = read(*fd, buf, sizeof(buf));

    if (n < 0 && (errno == EINTR || errno == EAGAIN))
        return;
    if (n <= 0) {
        close(*fd);
        *fd = -1;
        return;
    }
    if (sb->len + (size_t)n <= MAX_CAPTURE)
        sb_append_len(sb, buf, (size_t)n);
}

int
spawn_run(const char *const argv[], const char *const extra_env[], int timeout_ms,
          struct spawn_result *res)
{
    posix_spawn_file_actions_t fa;
    posix_spawnattr_t attr;
    sigset_t none, dfl;
    struct strv env = { 0 };
    int outp[2] = { -1, -1 }, errp[2] = { -1, -1 };
    pid_t pid = -1;
    int status = 0, rc, ret = -1;
    long long deadline, killed_at = 0;
    bool have_fa = false, have_attr = false;

    memset(res, 0, sizeof(*res));
    res->exit_code = -1;
    sb_init(&res->out);
    sb_init(&res->err);
    if (!argv || !argv[0] || argv[0][0] != '/') {
        res->spawn_errno = EINVAL;
        return -1;
    }
    strv_push(&env, "PATH=" SPAWN_PATH);
    strv_push(&env, "LC_ALL=C");
    for (size_t i = 0; extra_env && extra_env[i]; i++)
        strv_push(&env, extra_env[i]);

    if (pipe2(outp, O_CLOEXEC) < 0 || pipe2(errp, O_CLOEXEC) < 0) {
        res->spawn_errno = errno;
        goto out;
    }
    if ((rc = posix_spawn_file_actions_init(&fa)) != 0) {
        res->spawn_errno = rc;
        goto out;
    }
    have_fa = true;
    posix_spawn_file_actions_addopen(&fa, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&fa, outp[1], STDOUT_FILENO);
    posix_spawn_file_actions_adddup2(&fa, errp[1], STDERR_FILENO);
    if ((rc = posix_spawnattr_init(&attr)) != 0) {
        res->spawn_errno = rc;
        goto out;
    }
    have_attr = true;
    sigemptyset(&none);
    sigemptyset(&dfl);
    sigaddset(&dfl, SIGPIPE);
    sigaddset(&dfl, SIGINT);
    sigaddset(&dfl, SIGTERM);
    sigaddset(&dfl, SIGHUP);
    posix_spawnattr_setsigmask(&attr, &none);
    posix_spawnattr_setsigdefault(&attr, &dfl);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF |
                                    POSIX_SPAWN_SETPGROUP);
    posix_spawnattr_setpgroup(&attr, 0);

    rc = posix_spawn(&pid, argv[0], &fa, &attr, (char *const *)argv, env.v);
    if (rc != 0) {
        res->spawn_errno = rc;
        pid = -1;
        goto out;
    }
    close(outp[1]);
    close(errp[1]);
    outp[1] = errp[1] = -1;

    deadline = now_ms() + timeout_ms;
    while (outp[0] >= 0 || errp[0] >= 0) {
        struct pollfd pfd[2] = { { outp[0], POLLIN, 0 }, { errp[0], POLLIN, 0 } };
        long long left = (killed_at ? killed_at + KILL_GRACE_MS : deadline) - now_ms();

        if (left <= 0) {
            if (!killed_at) {
                res->timed_out = true;
                kill(-pid, SIGTERM);
                killed_at = now_ms();
                continue;
            }
            kill(-pid, SIGKILL);
            break;
        }
        rc = poll(pfd, 2, (int)(left > 1000 ? 1000 : left));
        if (rc < 0 && errno != EINTR)
            break;
        if (rc <= 0)
            continue;
        if (outp[0] >= 0 && (pfd[0].revents & (POLLIN | POLLHUP | POLLERR)))
            drain(&outp[0], &res->out);
        if (errp[0] >= 0 && (pfd[1].revents & (POLLIN | POLLHUP | POLLERR)))
            drain(&errp[0], &res->err);
    }
    /* The pipes are closed: wait for the child itself, still bounded by the timeout. */
    for (;;) {
        pid_t w = waitpid(pid, &status, WNOHANG);

        if (w == pid)
            break;
        if (w < 0 && errno != EINTR) {
            res->spawn_errno = errno;
            goto out;
        }
        if (now_ms() >= deadline && !killed_at) {
            res->timed_out = true;
            kill(-pid, SIGTERM);
            killed_at = now_ms();
        } else if (killed_at && now_ms() >= killed_at + KILL_GRACE_MS) {
            kill(-pid, SIGKILL);
            waitpid(pid, &status, 0);
            break;
        }
        usleep(10000);
    }
    if (WIFEXITED(status))
        res->exit_code = WEXITSTATUS(status);
    else if (WIFSIGNALED(status))
        res->signal = WTERMSIG(status);
    ret = (res->exit_code == 0 && !res->timed_out) ? 0 : 1;

out:
    if (have_fa)
        posix_spawn_file_actions_destroy(&fa);
    if (have_attr)
        posix_spawnattr_destroy(&attr);
    for (int i = 0; i < 2; i++) {
        if (outp[i] >= 0)
            close(outp[i]);
        if (errp[i] >= 0)
            close(errp[i]);
    }
    strv_free(&env);
    return ret;
}

void
spawn_result_free(struct spawn_result *res)
{
    sb_free(&res->out);
    sb_free(&res->err);
}

char *
spawn_describe(const struct spawn_result *res)
{
    if (res->spawn_errno)
        return xasprintf("could not be started: %s", strerror(res->spawn_errno));
    if (res->timed_out)
        return xstrdup("timed out and was stopped");
    if (res->signal)
        return xasprintf("was killed by signal %d", res->signal);
    return xasprintf("exited with status %d", res->exit_code);
}

char *
spawn_find_program(const char *name)
{
    const char *extra = getenv("TE_NTP_SETUP_SBIN");

    if (extra && *extra) {
        char *copy = xstrdup(extra), *save = NULL;

        for (char *d = strtok_r(copy, ":", &save); d; d = strtok_r(NULL, ":", &save)) {
            char *p;

            if (d[0] != '/')
                continue;
            p = xasprintf("%s/%s", d, name);
            if (is_executable(p)) {
                free(copy);
                return p;
            }
            free(p);
        }
        free(copy);
    }
    for (size_t i = 0; default_dirs[i]; i++) {
        char *p = xasprintf("%s/%s", default_dirs[i], name);

        if (is_executable(p))
            return p;
        free(p);
    }
    return NULL;
}
