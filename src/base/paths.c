/* SPDX-License-Identifier: Apache-2.0 */
/* paths: files under a root: joining, opening and reading them, and what they are. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "alloc.h"
#include "msgs.h"
#include "paths.h"
#include "strbuf.h"

char *
root_path(const char *root, const char *abs)
{
    size_t rl;

    if (!root || !*root || strcmp(root, "/") == 0)
        return xstrdup(abs);
    rl = strlen(root);
    while (rl > 1 && root[rl - 1] == '/')
        rl--;
    return xasprintf("%.*s%s%s", (int)rl, root, abs[0] == '/' ? "" : "/", abs);
}

bool
path_exists(const char *path)
{
    struct stat st;

    return lstat(path, &st) == 0;
}

bool
is_dir(const char *path)
{
    struct stat st;

    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

bool
is_executable(const char *path)
{
    struct stat st;

    return stat(path, &st) == 0 && S_ISREG(st.st_mode) && (st.st_mode & 0111);
}

int
read_fd(int fd, size_t max, struct strbuf *sb)
{
    char buf[8192];
    struct stat st;
    ssize_t n;

    if (fstat(fd, &st) < 0)
        return -1;
    if (!S_ISREG(st.st_mode)) {
        errno = S_ISDIR(st.st_mode) ? EISDIR : TE_ENOTREG;
        return -1;
    }
    sb_reset(sb);
    for (;;) {
        n = read(fd, buf, sizeof(buf));
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        if (n == 0)
            return 0;
        if (sb->len + (size_t)n > max) {
            errno = EFBIG;
            return -1;
        }
        sb_append_len(sb, buf, (size_t)n);
    }
}

int
write_fd(int fd, const char *data, size_t len)
{
    while (len > 0) {
        ssize_t n = write(fd, data, len);

        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            if (n == 0)
                errno = EIO;
            return -1;
        }
        data += n;
        len -= (size_t)n;
    }
    return 0;
}

static int
read_open_fd(int fd, size_t max, struct strbuf *sb)
{
    int rc, e;

    if (fd < 0)
        return -1;
    rc = read_fd(fd, max, sb);
    e = errno;
    close(fd);
    errno = e;
    return rc;
}

int
read_file(const char *path, size_t max, struct strbuf *sb)
{
    /* O_NONBLOCK: opening a FIFO must not wait for a writer (read_fd then refuses it). */
    return read_open_fd(open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK), max, sb);
}

int
read_file_in_root(const char *root, const char *abs, size_t max, struct strbuf *sb)
{
    return read_open_fd(root_open(root, abs, O_RDONLY | O_NOCTTY | O_NONBLOCK), max, sb);
}

const char *
te_strerror(int e)
{
    return e == TE_ENOTREG ? "not a regular file" : strerror(e);
}

static struct msgs *glob_msgs;

static int
glob_error(const char *path, int e)
{
    if (e != ENOENT && e != ENOTDIR && glob_msgs)
        msg_warn(glob_msgs, "%s: cannot read the directory: %s; the files in it are not taken "
                 "into account", path, strerror(e));
    return 0;
}

int
glob_report(const char *pattern, int flags, glob_t *g, struct msgs *m)
{
    int rc;

    glob_msgs = m;
    rc = glob(pattern, flags, glob_error, g);
    glob_msgs = NULL;
    return rc;
}

bool
root_is_host(const char *root)
{
    struct stat r, slash;

    if (!root || !*root || strcmp(root, "/") == 0)
        return true;
    return stat(root, &r) == 0 && stat("/", &slash) == 0 && r.st_dev == slash.st_dev &&
           r.st_ino == slash.st_ino;
}

#ifndef RESOLVE_IN_ROOT
#define RESOLVE_IN_ROOT 0x10
#endif
#ifndef RESOLVE_NO_MAGICLINKS
#define RESOLVE_NO_MAGICLINKS 0x02
#endif

/* struct open_how of openat2(2), for C libraries that do not declare it. */
struct te_open_how {
    uint64_t flags;
    uint64_t mode;
    uint64_t resolve;
};

/* Where openat2 is missing (Linux before 5.6, or a seccomp filter): resolve path one name at
 * a time from rootfd, following symbolic links by hand: an absolute target, and ".." at the
 * top, stay at the root, as if the root were "/". */
static int
open_in_root_by_hand(int rootfd, const char *path, int flags, int *links)
{
    char *copy = xstrdup(path), *save = NULL, *name, *next;
    struct strbuf walked;         /* the names walked from the root, "a/b" */
    int cur = -1, e;

    sb_init(&walked);
    name = strtok_r(copy, "/", &save);
    cur = dup(rootfd);
    while (cur >= 0 && name) {
        struct stat st;
        int fd;

        next = strtok_r(NULL, "/", &save);
        if (strcmp(name, "..") == 0) {
            char *slash = strrchr(walked.buf, '/');

            /* The parent: walk again from the root along the names, less the last. */
            if (slash) {
                walked.len = (size_t)(slash - walked.buf);
                walked.buf[walked.len] = '\0';
            } else
                sb_reset(&walked);
            close(cur);
            cur = walked.len ? open_in_root_by_hand(rootfd, walked.buf, O_PATH | O_DIRECTORY,
                                                    links)
                             : dup(rootfd);
        } else if (strcmp(name, ".") != 0) {
            fd = openat(cur, name, (next ? O_PATH | O_DIRECTORY : flags) | O_NOFOLLOW |
                        O_CLOEXEC, 0600);
            /* a link as the last name is followed unless the caller said O_NOFOLLOW */
            if (fd < 0 && (errno == ELOOP || errno == ENOTDIR || errno == EMLINK) &&
                (next || !(flags & O_NOFOLLOW)) &&
                fstatat(cur, name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(st.st_mode)) {
                char target[4096];
                ssize_t n = readlinkat(cur, name, target, sizeof(target) - 1);
                struct strbuf rest;

                if (n < 0 || ++*links > 40) {
                    errno = ELOOP;
                    close(cur);
                    cur = -1;
                    break;
                }
                target[n] = '\0';
                /* Resolve again: the link's target (from the root, or from where the link
                 * is), then the names after the link. */
                sb_init(&rest);
                if (target[0] != '/')
                    sb_printf(&rest, "%s/", walked.buf);
                sb_append(&rest, target);
                for (; next; next = strtok_r(NULL, "/", &save))
                    sb_printf(&rest, "/%s", next);
                close(cur);
                cur = open_in_root_by_hand(rootfd, rest.buf, flags, links);
                sb_free(&rest);
                break;
            }
            close(cur);
            cur = fd;
            if (walked.len)
                sb_putc(&walked, '/');
            sb_append(&walked, name);
        }
        name = next;
    }
    e = errno;
    sb_free(&walked);
    free(copy);
    errno = e;
    return cur;
}

int
root_open_by_hand(const char *root, const char *abs, int flags)
{
    int rootfd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC), fd, e, links = 0;

    if (rootfd < 0)
        return -1;
    fd = open_in_root_by_hand(rootfd, abs, flags, &links);
    e = errno;
    close(rootfd);
    errno = e;
    return fd;
}

int
root_open(const char *root, const char *abs, int flags)
{
    struct te_open_how how = { 0 };
    int rootfd, fd, e;

    if (root_is_host(root))
        return open(abs, flags | O_CLOEXEC, 0600);
    rootfd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (rootfd < 0)
        return -1;
    how.flags = (uint64_t)(flags | O_CLOEXEC);
    how.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS;
    if ((flags & O_CREAT) || (flags & O_TMPFILE) == O_TMPFILE)
        how.mode = 0600;
#ifdef SYS_openat2
    fd = (int)syscall(SYS_openat2, rootfd, abs, &how, sizeof(how));
    if (fd < 0 && (errno == ENOSYS || errno == EPERM)) {
        int links = 0;

        fd = open_in_root_by_hand(rootfd, abs, flags, &links);
    }
#else
    {
        int links = 0;

        fd = open_in_root_by_hand(rootfd, abs, flags, &links);
    }
#endif
    e = errno;
    close(rootfd);
    errno = e;
    return fd;
}

bool
path_inside_root(const char *root, const char *path)
{
    char *root_real;
    bool inside;

    if (!root || !*root || strcmp(root, "/") == 0)
        return true;
    root_real = realpath(root, NULL);
    if (!root_real)
        return false;
    inside = path_inside_real_root(root_real, path);
    free(root_real);
    return inside;
}

bool
path_inside_real_root(const char *root_real, const char *path)
{
    char *probe, *real = NULL;
    size_t rl;
    bool inside;

    probe = xstrdup(path);
    /* The deepest ancestor that exists: what the kernel would follow to reach the path. */
    while (!(real = realpath(probe, NULL))) {
        char *slash = strrchr(probe, '/');

        if (!slash || slash == probe)
            break;
        *slash = '\0';
    }
    rl = strlen(root_real);
    inside = real && strncmp(real, root_real, rl) == 0 &&
             (real[rl] == '\0' || real[rl] == '/' || strcmp(root_real, "/") == 0);
    free(real);
    free(probe);
    return inside;
}
