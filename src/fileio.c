/* fileio: guarded, atomic replacement of configuration files. */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "fileio.h"

#define MAX_COMPARE (16 * 1024 * 1024)

static int
fsync_dir(const char *dir)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    int rc;

    if (fd < 0)
        return -1;
    rc = fsync(fd);
    close(fd);
    return rc;
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

static int
write_all(int fd, const char *data, size_t len)
{
    while (len > 0) {
        ssize_t n = write(fd, data, len);

        if (n < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        data += n;
        len -= (size_t)n;
    }
    return 0;
}

/* Remove the temporary files an earlier, killed run left for this file. Only this tool
 * makes names of this shape, and the caller holds the lock, so none of them is in use. */
static void
sweep_stale(const char *dir, const char *base)
{
    char *prefix = xasprintf(".%s.te-ntp-setup.", base);
    size_t plen = strlen(prefix);
    DIR *d = opendir(dir);
    struct dirent *e;

    while (d && (e = readdir(d)) != NULL) {
        if (strncmp(e->d_name, prefix, plen) == 0 && strlen(e->d_name) == plen + 6) {
            char *p = xasprintf("%s/%s", dir, e->d_name);

            unlink(p);
            free(p);
        }
    }
    if (d)
        closedir(d);
    free(prefix);
}

/* Copy every extended attribute of the file at path (an SELinux label, ACLs, others) to fd.
 * 0, or -1 with the attribute's name in *failed (static) and errno. */
static int
copy_xattrs(const char *path, int fd, const char **failed)
{
    char *names = NULL, *value = NULL;
    ssize_t len = llistxattr(path, NULL, 0);
    int ret = -1;

    *failed = "";
    if (len < 0)
        return errno == ENOTSUP || errno == ENOENT ? 0 : -1;
    if (len == 0)
        return 0;
    names = xmalloc((size_t)len);
    len = llistxattr(path, names, (size_t)len);
    if (len < 0)
        goto out;
    for (char *n = names; n < names + len; n += strlen(n) + 1) {
        static char name[256];
        ssize_t vlen = lgetxattr(path, n, NULL, 0);

        snprintf(name, sizeof(name), "%s", n);
        *failed = name;
        if (vlen < 0)
            goto out;
        value = xrealloc(value, (size_t)vlen + 1);
        vlen = lgetxattr(path, n, value, (size_t)vlen);
        if (vlen < 0 || fsetxattr(fd, n, value, (size_t)vlen, 0) < 0)
            goto out;
    }
    ret = 0;
out:
    free(names);
    free(value);
    return ret;
}

int
fileio_replace(const char *path, const char *data, size_t len, const char *expect,
               size_t expect_len, const struct stat *st, bool mkdir_parent, struct msgs *m)
{
    char *dircopy = xstrdup(path), *basecopy = xstrdup(path);
    char *dir = dirname(dircopy), *base = basename(basecopy);
    char *tmp = xasprintf("%s/.%s.te-ntp-setup.XXXXXX", dir, base);
    struct stat now;
    int fd = -1, ret = -1;
    bool exists = lstat(path, &now) == 0;
    const struct stat *meta = st ? st : &now;

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
            !fileio_holds(path, expect, expect_len)) {
            msg_error(m, "%s: changed by someone else since it was read; nothing written",
                      path);
            goto out;
        }
    } else if (exists) {
        msg_error(m, "%s: appeared since it was read; nothing written", path);
        goto out;
    }
    if (mkdir_parent && !is_dir(dir)) {
        if (mkdir(dir, 0755) < 0 && errno != EEXIST) {
            msg_error(m, "%s: cannot create the directory: %s", dir, strerror(errno));
            goto out;
        }
    }
    sweep_stale(dir, base);
    fd = mkostemp(tmp, O_CLOEXEC);
    if (fd < 0) {
        msg_error(m, "%s: cannot create a temporary file: %s", dir, strerror(errno));
        goto out;
    }
    if (write_all(fd, data, len) < 0) {
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
        if (copy_xattrs(path, fd, &name) < 0) {
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
    if (rename(tmp, path) < 0) {
        msg_error(m, "%s: cannot replace it: %s%s", path, strerror(errno),
                  errno == EBUSY ? " (is it bind-mounted?)" : "");
        goto out_unlink;
    }
    if (fsync_dir(dir) < 0) {
        msg_error(m, "%s: written, but the directory could not be synced: %s", dir,
                  strerror(errno));
        goto out;
    }
    ret = 0;
    goto out;

out_unlink:
    if (fd >= 0)
        close(fd);
    fd = -1;
    unlink(tmp);
out:
    if (fd >= 0)
        close(fd);
    free(tmp);
    free(dircopy);
    free(basecopy);
    return ret;
}

int
fileio_remove(const char *path, const char *data, size_t len, struct msgs *m)
{
    char *dircopy = xstrdup(path);
    int ret = -1;

    if (!fileio_holds(path, data, len)) {
        msg_error(m, "%s: changed by someone else; not removed", path);
    } else if (unlink(path) < 0) {
        msg_error(m, "%s: cannot remove: %s", path, strerror(errno));
    } else {
        fsync_dir(dirname(dircopy));
        ret = 0;
    }
    free(dircopy);
    return ret;
}
