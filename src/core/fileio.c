/* SPDX-License-Identifier: Apache-2.0 */
/* fileio: guarded, atomic replacement of configuration files. */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/xattr.h>
#include <time.h>
#include <unistd.h>

#include "alloc.h"
#include "fileio.h"
#include "msgs.h"
#include "paths.h"
#include "strbuf.h"

#define MAX_COMPARE (16 * 1024 * 1024)

/* The directory of path, open (O_RDONLY: it is fsynced), resolved inside root when path is
 * under it (root_open: no link leads out, even one swapped after the checks). When it is
 * missing and mkdir_parent is true, it is created (0755) in its parent, resolved the same
 * way. -1 with errno. */
static int
open_dir(const char *root, const char *dir, bool mkdir_parent)
{
    char *prefix = root_is_host(root) ? NULL : root_path(root, "/");
    const char *abs = dir;
    int fd;

    if (prefix) {
        size_t pl = strlen(prefix);

        if (strncmp(dir, prefix, pl) == 0)
            abs = dir + pl - 1;
        else if (strncmp(dir, prefix, pl - 1) == 0 && dir[pl - 1] == '\0')
            abs = "/";
        else {
            free(prefix);
            errno = EXDEV;                 /* not under the root: a caller's mistake */
            return -1;
        }
    }
    fd = prefix ? root_open(root, abs, O_RDONLY | O_DIRECTORY)
                : open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0 && errno == ENOENT && mkdir_parent) {
        char *copy = xstrdup(dir), *slash = strrchr(copy, '/');
        int parent;

        if (slash && slash != copy) {
            *slash = '\0';
            parent = open_dir(root, copy, false);
            if (parent >= 0) {
                if (mkdirat(parent, slash + 1, 0755) == 0 || errno == EEXIST) {
                    fd = openat(parent, slash + 1,
                                O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
                }
                close(parent);
            }
        }
        free(copy);
    }
    free(prefix);
    return fd;
}

/* True when name in dirfd is a file (no link followed) that holds exactly data. */
static bool
holds_at(int dirfd, const char *name, const char *data, size_t len)
{
    int fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
    struct strbuf sb;
    bool same;

    if (fd < 0)
        return false;
    sb_init(&sb);
    same = read_fd(fd, MAX_COMPARE, &sb) == 0 && sb.len == len &&
           memcmp(sb.buf, data, len) == 0;
    close(fd);
    sb_free(&sb);
    return same;
}

bool
fileio_holds(const char *path, const char *data, size_t len)
{
    struct strbuf sb;
    bool same;

    sb_init(&sb);
    same = read_file(path, MAX_COMPARE, &sb) == 0 && sb.len == len &&
           memcmp(sb.buf, data, len) == 0;
    sb_free(&sb);
    return same;
}

/* Remove the temporary files an earlier, killed run left for this file. Only this tool
 * makes names of this shape, and the caller holds the lock, so none of them is in use.
 *
 * Reading the directory for every file written would make writing n files into one
 * directory cost n times its size (10,000 drop-ins: minutes), so each directory is read
 * once: the stale names found are kept, and after each write the directory's identity and
 * change times are noted. While they still match at the next write, nobody has touched the
 * directory since (a stale name can only come from an earlier run, never while this one
 * holds the lock), and the names kept are all there is; any other change (another process,
 * a directory removed and made again) reads it again. */
#define SWEPT_DIRS 8
static struct swept {
    bool used;
    dev_t dev;
    ino_t ino;
    struct timespec mtime, ctime;
    struct strv stale;          /* the stale names found in it and not yet removed */
} swept[SWEPT_DIRS];
static unsigned swept_next;

static bool
same_time(const struct timespec *a, const struct timespec *b)
{
    return a->tv_sec == b->tv_sec && a->tv_nsec == b->tv_nsec;
}

/* The entry of dirfd when it is still as this process last left it, else NULL. */
static struct swept *
swept_find(int dirfd)
{
    struct stat st;

    if (fstat(dirfd, &st) < 0)
        return NULL;
    for (unsigned i = 0; i < SWEPT_DIRS; i++)
        if (swept[i].used && swept[i].dev == st.st_dev && swept[i].ino == st.st_ino &&
            same_time(&swept[i].mtime, &st.st_mtim) &&
            same_time(&swept[i].ctime, &st.st_ctim))
            return &swept[i];
    return NULL;
}

static void
swept_forget(struct swept *s)
{
    strv_free(&s->stale);
    memset(s, 0, sizeof(*s));
}

/* Note dirfd as this process leaves it (after a write): e keeps its stale names. */
static void
swept_note(struct swept *e, int dirfd)
{
    struct stat st;

    if (!e)
        return;
    if (fstat(dirfd, &st) < 0) {
        swept_forget(e);
        return;
    }
    e->dev = st.st_dev;
    e->ino = st.st_ino;
    e->mtime = st.st_mtim;
    e->ctime = st.st_ctim;
}

/* The directory's entry, read now unless it is known; the stale names of base removed. */
static struct swept *
sweep_stale(int dirfd, const char *base)
{
    char *prefix = xasprintf(".%s.te-ntp-setup.", base);
    size_t plen = strlen(prefix), kept = 0;
    struct swept *e = swept_find(dirfd);

    if (!e) {
        int fd = openat(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
        struct dirent *ent;

        if (!d && fd >= 0)
            close(fd);
        e = &swept[swept_next];
        swept_next = (swept_next + 1) % SWEPT_DIRS;
        swept_forget(e);
        e->used = d != NULL;
        while (d && (ent = readdir(d)) != NULL) {
            size_t len = strlen(ent->d_name);

            if (ent->d_name[0] == '.' && len > 20 &&
                memcmp(ent->d_name + len - 20, ".te-ntp-setup.", 14) == 0)
                strv_push(&e->stale, ent->d_name);
        }
        if (d)
            closedir(d);
        if (!e->used)
            e = NULL;
    }
    for (size_t i = 0; e && i < e->stale.n; i++) {
        const char *name = e->stale.v[i];

        if (strncmp(name, prefix, plen) == 0 && strlen(name) == plen + 6) {
            unlinkat(dirfd, name, 0);
            free(e->stale.v[i]);
        } else {
            e->stale.v[kept++] = e->stale.v[i];
        }
    }
    if (e)
        e->stale.n = kept;
    free(prefix);
    return e;
}

/* Create a new temporary file ".BASE.te-ntp-setup.XXXXXX" (0600) in dirfd, exclusively;
 * its name goes to name (room for strlen(base) + 22). Descriptor, or -1 with errno. */
static int
make_temp(int dirfd, const char *base, char *name, size_t size)
{
    static const char letters[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    unsigned char rnd[6];

    for (int tries = 0; tries < 100; tries++) {
        int fd;

        if (getrandom(rnd, sizeof(rnd), GRND_NONBLOCK) != (ssize_t)sizeof(rnd)) {
            unsigned long x = (unsigned long)time(NULL) ^ ((unsigned long)getpid() << 16) ^
                              (unsigned long)tries * 2654435761u;

            for (size_t i = 0; i < sizeof(rnd); i++, x >>= 5)
                rnd[i] = (unsigned char)x;
        }
        snprintf(name, size, ".%s.te-ntp-setup.%c%c%c%c%c%c", base,
                 letters[rnd[0] % 62], letters[rnd[1] % 62], letters[rnd[2] % 62],
                 letters[rnd[3] % 62], letters[rnd[4] % 62], letters[rnd[5] % 62]);
        fd = openat(dirfd, name, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
        if (fd >= 0 || errno != EEXIST)
            return fd;
    }
    errno = EEXIST;
    return -1;
}

/* An attribute's name for a message: as it is when printable ASCII, else quoted and escaped
 * (an image's file may carry any name). Newly allocated. */
static char *
xattr_shown(const char *n)
{
    for (const unsigned char *c = (const unsigned char *)n; *c; c++)
        if (*c < 0x20 || *c > 0x7e || *c == '"' || *c == '\\')
            return quote_string(n);
    return xstrdup(n);
}

/* Copy every extended attribute of the file name in dirfd (an SELinux label, ACLs, others)
 * to fd. One that the file system does not support on the new file, or that this user may
 * not set (EOPNOTSUPP, EPERM, EACCES), goes to lost ("NAME: reason"), the others copied to
 * kept. 0, or -1 with the attribute's name in *failed (static) and errno. */
static int
copy_xattrs(int dirfd, const char *base, int fd, const char **failed, struct strv *kept,
            struct strv *lost)
{
    int src = openat(dirfd, base, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
    char *names = NULL, *value = NULL;
    ssize_t len;
    int ret = -1, e;

    *failed = "";
    if (src < 0)
        return -1;
    len = flistxattr(src, NULL, 0);
    if (len <= 0) {
        ret = len == 0 || errno == ENOTSUP ? 0 : -1;
        goto out;
    }
    names = xmalloc((size_t)len);
    len = flistxattr(src, names, (size_t)len);
    if (len < 0)
        goto out;
    for (char *n = names; n < names + len; n += strlen(n) + 1) {
        static char name[256];
        ssize_t vlen = fgetxattr(src, n, NULL, 0);

        snprintf(name, sizeof(name), "%s", n);
        *failed = name;
        if (vlen < 0)
            goto out;
        value = xrealloc(value, (size_t)vlen + 1);
        vlen = fgetxattr(src, n, value, (size_t)vlen);
        if (vlen < 0)
            goto out;
        if (fsetxattr(fd, n, value, (size_t)vlen, 0) == 0) {
            strv_push_owned(kept, xattr_shown(n));
        } else if (errno == ENOTSUP || errno == EOPNOTSUPP || errno == EPERM ||
                   errno == EACCES) {
            char *shown = xattr_shown(n);

            strv_push_owned(lost, xasprintf("%s: %s", shown, strerror(errno)));
            free(shown);
        } else {
            goto out;
        }
    }
    ret = 0;
out:
    e = errno;
    close(src);
    free(names);
    free(value);
    errno = e;
    return ret;
}

int
fileio_replace(const char *path, const char *data, size_t len, const char *expect,
               size_t expect_len, const struct stat *st, bool mkdir_parent, struct msgs *m)
{
    return fileio_replace_in(NULL, path, data, len, expect, expect_len, st, mkdir_parent, m);
}

int
fileio_replace_in(const char *root, const char *path, const char *data, size_t len,
                  const char *expect, size_t expect_len, const struct stat *st,
                  bool mkdir_parent, struct msgs *m)
{
    char *dircopy = xstrdup(path), *basecopy = xstrdup(path);
    char *dir = dirname(dircopy), *base = basename(basecopy);
    size_t tmpsize = strlen(base) + 24;
    char *tmpname = xmalloc(tmpsize);
    char *tmp = NULL;
    struct stat now;
    struct strv kept = { 0 }, lost = { 0 };     /* extended attributes */
    struct swept *sw = NULL;
    int dirfd, fd = -1, ret = -1;
    bool exists;
    const struct stat *meta = st ? st : &now;

    tmpname[0] = '\0';
    dirfd = open_dir(root, dir, mkdir_parent && !expect);
    if (dirfd < 0) {
        msg_error(m, "%s: cannot open the directory: %s", dir, strerror(errno));
        goto out_free;
    }
    exists = fstatat(dirfd, base, &now, AT_SYMLINK_NOFOLLOW) == 0;
    if (exists && S_ISLNK(now.st_mode)) {
        msg_error(m, "%s: is a symbolic link; refusing to replace it", path);
        goto out;
    }
    if (exists && now.st_nlink > 1) {
        msg_error(m, "%s: has %lu hard links; refusing to replace it (its other names would "
                  "keep the old text): make it a single file", path,
                  (unsigned long)now.st_nlink);
        goto out;
    }
    if (expect) {
        if (!exists || (st && (now.st_ino != st->st_ino || now.st_dev != st->st_dev)) ||
            !holds_at(dirfd, base, expect, expect_len)) {
            msg_error(m, "%s: changed by someone else since it was read; nothing written",
                      path);
            goto out;
        }
    } else if (exists) {
        msg_error(m, "%s: appeared since it was read; nothing written", path);
        goto out;
    }
    sw = sweep_stale(dirfd, base);
    fd = make_temp(dirfd, base, tmpname, tmpsize);
    if (fd < 0) {
        msg_error(m, "%s: cannot create a temporary file: %s", dir, strerror(errno));
        goto out;
    }
    tmp = xasprintf("%s/%s", dir, tmpname);
    if (write_fd(fd, data, len) < 0) {
        msg_error(m, "%s: cannot write: %s", tmp, strerror(errno));
        goto out_unlink;
    }
    if (fchmod(fd, expect ? (meta->st_mode & 07777) : 0644) < 0) {
        msg_error(m, "%s: cannot set the mode: %s", tmp, strerror(errno));
        goto out_unlink;
    }
    if (expect && geteuid() == 0 && fchown(fd, meta->st_uid, meta->st_gid) < 0) {
        msg_error(m, "%s: cannot set the owner: %s", tmp, strerror(errno));
        goto out_unlink;
    }
    if (exists) {
        const char *name;

        /* After the owner: a change of owner drops some attributes (capabilities). */
        if (copy_xattrs(dirfd, base, fd, &name, &kept, &lost) < 0) {
            msg_error(m, "%s: cannot keep its extended attribute%s%s: %s; nothing written",
                      path, *name ? " " : "s", name, strerror(errno));
            goto out_unlink;
        }
    }
    if (fsync(fd) < 0) {
        msg_error(m, "%s: cannot write to disk: %s", tmp, strerror(errno));
        goto out_unlink;
    }
    if (close(fd) < 0) {
        fd = -1;
        msg_error(m, "%s: cannot write: %s", tmp, strerror(errno));
        goto out_unlink;
    }
    fd = -1;
    if (renameat(dirfd, tmpname, dirfd, base) < 0) {
        msg_error(m, "%s: cannot replace it: %s%s", path, strerror(errno),
                  errno == EBUSY ? " (is it bind-mounted?)" : "");
        goto out_unlink;
    }
    if (fsync(dirfd) < 0) {
        msg_error(m, "%s: written, but the directory could not be synced: %s", dir,
                  strerror(errno));
        goto out;
    }
    /* Written: say what became of its extended attributes. */
    for (size_t i = 0; i < lost.n; i++) {
        char *colon = strstr(lost.v[i], ": ");

        msg_warn(m, "%s: its extended attribute %.*s could not be kept: %s; the file was "
                 "written without it", path, (int)(colon - lost.v[i]), lost.v[i], colon + 2);
    }
    if (kept.n) {
        char *list = strv_join(&kept);

        msg_note(m, "%s: kept its extended attribute%s %s", path, kept.n > 1 ? "s" : "", list);
        free(list);
    }
    ret = 0;
    swept_note(sw, dirfd);
    goto out;

out_unlink:
    if (fd >= 0)
        close(fd);
    fd = -1;
    if (unlinkat(dirfd, tmpname, 0) < 0 && sw)
        swept_forget(sw);       /* left behind: the next write here reads the directory */
    else
        swept_note(sw, dirfd);
out:
    if (fd >= 0)
        close(fd);
    close(dirfd);
out_free:
    strv_free(&kept);
    strv_free(&lost);
    free(tmp);
    free(tmpname);
    free(dircopy);
    free(basecopy);
    return ret;
}

int
fileio_remove(const char *path, const char *data, size_t len, struct msgs *m)
{
    return fileio_remove_in(NULL, path, data, len, m);
}

int
fileio_remove_in(const char *root, const char *path, const char *data, size_t len,
                 struct msgs *m)
{
    char *dircopy = xstrdup(path), *basecopy = xstrdup(path);
    char *dir = dirname(dircopy), *base = basename(basecopy);
    int dirfd = open_dir(root, dir, false);
    int ret = -1;

    if (dirfd < 0) {
        if (errno == ENOENT)
            msg_error(m, "%s: changed by someone else; not removed", path);
        else
            msg_error(m, "%s: cannot open the directory: %s", dir, strerror(errno));
    } else if (!holds_at(dirfd, base, data, len)) {
        msg_error(m, "%s: changed by someone else; not removed", path);
    } else if (unlinkat(dirfd, base, 0) < 0) {
        msg_error(m, "%s: cannot remove: %s", path, strerror(errno));
    } else {
        fsync(dirfd);
        ret = 0;
    }
    if (dirfd >= 0)
        close(dirfd);
    free(dircopy);
    free(basecopy);
    return ret;
}
