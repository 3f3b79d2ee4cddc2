/* SPDX-License-Identifier: Apache-2.0 */
/* txn: backups and a journal of every change. */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "alloc.h"
#include "fileio.h"
#include "firewall.h"
#include "msgs.h"
#include "paths.h"
#include "service.h"
#include "strbuf.h"
#include "strv.h"
#include "txn.h"

#define MAX_BACKUP (16 * 1024 * 1024)

struct txn {
    char *dir;       /* <root>/var/lib/te-ntp-setup, for messages */
    char *prefix;    /* <root>/ ("/" for this system): journal paths are relative to it */
    char *cur;       /* dir/current, for messages */
    int dfd;         /* dir, resolved inside the root: every use goes through it */
    int cfd;         /* dir/current */
    int ffd;         /* dir/current/files */
    int journal;     /* descriptor of cur/journal, appended and fsynced line by line */
    unsigned n;      /* files recorded */
    struct msgs *m;
};

/* The journal's directory TXN_DIR on the target, resolved inside root (root_open: no link
 * leads out of the image, even one swapped in after the checks), its last name not
 * followed when it is a link (ELOOP). When create is true, a missing one is created (0700;
 * missing parents 0755), each in its parent resolved the same way. Descriptor, or -1 with
 * errno (ENOENT: missing). */
static int
open_txn_dir(const char *root, bool create)
{
    static const char *const steps[] = { "/var", "/var/lib", TXN_DIR };
    int fd = root_open(root, TXN_DIR, O_RDONLY | O_DIRECTORY | O_NOFOLLOW);

    if (fd >= 0 || errno != ENOENT || !create)
        return fd;
    for (size_t i = 0; i < TE_ARRAY_LEN(steps); i++) {
        const char *name = strrchr(steps[i], '/') + 1;
        char *parent = xasprintf("%.*s", (int)(name - 1 - steps[i]), steps[i]);
        int pfd = root_open(root, *parent ? parent : "/", O_RDONLY | O_DIRECTORY), e;

        free(parent);
        if (pfd < 0)
            return -1;
        if (mkdirat(pfd, name, i + 1 == TE_ARRAY_LEN(steps) ? 0700 : 0755) < 0 &&
            errno != EEXIST) {
            e = errno;
            close(pfd);
            errno = e;
            return -1;
        }
        close(pfd);
    }
    return root_open(root, TXN_DIR, O_RDONLY | O_DIRECTORY | O_NOFOLLOW);
}

/* Whether the open directory fd (shown as path) of the journal may be trusted: owned by the
 * user running the tool, writable by nobody else. Else false with the reason in m and errno
 * EPERM. */
static bool
trusted_fd(int fd, const char *path, struct msgs *m)
{
    struct stat st;

    if (fstat(fd, &st) < 0) {
        msg_error(m, "%s: cannot examine: %s", path, strerror(errno));
        errno = EPERM;                         /* reported */
        return false;
    }
    if (!S_ISDIR(st.st_mode) || st.st_uid != geteuid() || (st.st_mode & 022)) {
        msg_error(m, "%s: not trusted: %s; refusing to use it (remove it, or make it a "
                  "directory owned by uid %u and writable only by it)", path,
                  !S_ISDIR(st.st_mode) ? "not a directory"
                  : st.st_uid != geteuid() ? "owned by another user"
                  : "writable by others", (unsigned)geteuid());
        errno = EPERM;
        return false;
    }
    return true;
}

/* Say why a directory of the journal (path) could not be opened (errno): a link or another
 * kind of file is not trusted. errno EPERM after. */
static void
say_open_failed(const char *path, struct msgs *m)
{
    if (errno == ELOOP || errno == ENOTDIR)
        msg_error(m, "%s: not trusted: %s; refusing to use it (remove it, or make it a "
                  "directory owned by uid %u and writable only by it)", path,
                  errno == ELOOP ? "a symbolic link" : "not a directory", (unsigned)geteuid());
    else
        msg_error(m, "%s: cannot open: %s", path, strerror(errno));
    errno = EPERM;
}

/* Open the directory name in dirfd (no link followed) and check that it may be trusted.
 * Descriptor; -1 with errno ENOENT when missing (nothing said), else EPERM with the reason
 * in m. path names it in messages. */
static int
open_trusted_dir(int dirfd, const char *name, const char *path, struct msgs *m)
{
    int fd = dirfd < 0 ? -1 : openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
                                     O_CLOEXEC);

    if (dirfd < 0)
        errno = ENOENT;
    if (fd < 0) {
        if (errno != ENOENT)
            say_open_failed(path, m);
        return -1;
    }
    if (!trusted_fd(fd, path, m)) {
        close(fd);
        errno = EPERM;
        return -1;
    }
    return fd;
}

/* Remove the journal directory name in parent: the journal first (durably), so that a
 * removal cut short (kill -9) leaves backups that nothing refers to, never a journal whose
 * backups are gone; then its files, then itself. Each step may be repeated. No link is
 * followed. */
static void
remove_tree(int parent, const char *name)
{
    int dir = openat(parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    int files;
    DIR *d;
    struct dirent *e;

    if (dir < 0)
        return;
    if (unlinkat(dir, "journal", 0) == 0) {
        fsync(dir);
    } else if (errno != ENOENT) {
        close(dir);             /* the journal stays: so do the backups it names */
        return;
    }
    files = openat(dir, "files", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    d = files >= 0 ? fdopendir(files) : NULL;
    if (!d && files >= 0)
        close(files);
    while (d && (e = readdir(d)) != NULL) {
        if (e->d_name[0] != '.')
            unlinkat(dirfd(d), e->d_name, 0);
    }
    if (d)
        closedir(d);
    unlinkat(dir, "files", AT_REMOVEDIR);
    close(dir);
    unlinkat(parent, name, AT_REMOVEDIR);
}

/* Read the file name in dirfd (at most max bytes), no link followed, without blocking. -1
 * with errno (ENOENT when missing or dirfd < 0). */
static int
read_at(int dirfd, const char *name, size_t max, struct strbuf *sb)
{
    int fd, rc, e;

    if (dirfd < 0) {
        errno = ENOENT;
        return -1;
    }
    fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
    if (fd < 0)
        return -1;
    rc = read_fd(fd, max, sb);
    e = errno;
    close(fd);
    errno = e;
    return rc;
}

/* Read the file name in dirfd (path in messages; at most max bytes) when it may be trusted:
 * a regular file (no link followed), owned by the user running the tool, writable by nobody
 * else. -1 with errno (ENOENT when missing, or dirfd < 0), and for an untrusted file with
 * the reason in m and errno EPERM. */
static int
read_trusted(int dirfd, const char *name, const char *path, size_t max, struct strbuf *sb,
             struct msgs *m)
{
    int fd;
    struct stat st;
    int rc, e;

    if (dirfd < 0) {
        errno = ENOENT;
        return -1;
    }
    fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
    if (fd < 0) {
        if (errno == ELOOP) {
            msg_error(m, "%s: not trusted: a symbolic link", path);
            errno = EPERM;
        }
        return -1;
    }
    if (fstat(fd, &st) < 0) {
        e = errno;
        close(fd);
        errno = e;
        return -1;
    }
    if (!S_ISREG(st.st_mode) || st.st_uid != geteuid() || (st.st_mode & 022)) {
        msg_error(m, "%s: not trusted: %s; refusing to use it", path,
                  !S_ISREG(st.st_mode) ? "not a regular file"
                  : st.st_uid != geteuid() ? "owned by another user" : "writable by others");
        close(fd);
        errno = EPERM;
        return -1;
    }
    rc = read_fd(fd, max, sb);
    e = errno;
    close(fd);
    errno = e;
    return rc;
}

/* Write the whole file name in dirfd durably (0600, no link followed). */
static int
write_private(int dirfd, const char *name, const char *data, size_t len)
{
    int fd = openat(dirfd, name, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);

    if (fd < 0)
        return -1;
    if (write_fd(fd, data, len) < 0 || fsync(fd) < 0) {
        close(fd);
        return -1;
    }
    return close(fd);
}

static int
journal_line(struct txn *t, const char *line)
{
    size_t len = strlen(line);

    if (write(t->journal, line, len) != (ssize_t)len || fsync(t->journal) < 0) {
        msg_error(t->m, "%s/journal: cannot write: %s", t->cur, strerror(errno));
        return -1;
    }
    return 0;
}

static void
close_fd(int *fd)
{
    if (*fd >= 0)
        close(*fd);
    *fd = -1;
}

/* Forget t (its files stay as they are). */
static void
txn_free(struct txn *t)
{
    close_fd(&t->journal);
    close_fd(&t->ffd);
    close_fd(&t->cfd);
    close_fd(&t->dfd);
    free(t->dir);
    free(t->prefix);
    free(t->cur);
    free(t);
}

struct txn *
txn_begin(const char *root, struct msgs *m)
{
    struct txn *t = xcalloc(1, sizeof(*t));
    char *jpath;

    t->m = m;
    t->journal = t->dfd = t->cfd = t->ffd = -1;
    t->dir = root_path(root, TXN_DIR);
    t->prefix = root_path(root, "/");
    t->cur = xasprintf("%s/current", t->dir);
    jpath = xasprintf("%s/journal", t->cur);
    if (!path_inside_root(root, t->dir)) {
        msg_error(m, "%s: a symbolic link in the image leads out of %s; refusing to keep "
                  "backups there", t->dir, root);
        goto fail_early;
    }
    /* From here on the directory is used only through this descriptor, opened inside the
     * root: a link swapped in later cannot move the backups out of the image. */
    t->dfd = open_txn_dir(root, true);
    if (t->dfd < 0) {
        if (errno == ELOOP || errno == ENOTDIR)
            say_open_failed(t->dir, m);
        else
            msg_error(m, "%s: cannot create the backup directory: %s", t->dir,
                      strerror(errno));
        goto fail_early;
    }
    if (!trusted_fd(t->dfd, t->dir, m))
        goto fail_early;     /* nothing in a directory another user controls is touched */
    remove_tree(t->dfd, "current");     /* a leftover the caller chose not to undo */
    if (mkdirat(t->dfd, "current", 0700) < 0 ||
        (t->cfd = openat(t->dfd, "current", O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
                         O_CLOEXEC)) < 0 ||
        mkdirat(t->cfd, "files", 0700) < 0 ||
        (t->ffd = openat(t->cfd, "files", O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
                         O_CLOEXEC)) < 0) {
        msg_error(m, "%s: cannot create: %s", t->cur, strerror(errno));
        goto fail;
    }
    t->journal = openat(t->cfd, "journal", O_WRONLY | O_CREAT | O_EXCL | O_APPEND |
                        O_NOFOLLOW | O_CLOEXEC, 0600);
    if (t->journal < 0 || journal_line(t, "te-ntp-setup journal 1\n") < 0) {
        msg_error(m, "%s: cannot create the journal: %s", jpath, strerror(errno));
        goto fail;
    }
    free(jpath);
    return t;
fail:
    free(jpath);
    txn_discard(t);
    return NULL;
fail_early:
    free(jpath);
    txn_abandon(t);
    return NULL;
}

int
txn_record_file(struct txn *t, const char *disk_path, bool existed, const struct stat *st,
                const char *before, size_t before_len, const char *after, size_t after_len)
{
    unsigned n = t->n++;
    char *old = xasprintf("%u.old", n);
    char *new = xasprintf("%u.new", n);
    struct strbuf line;
    int ret = -1;

    sb_init(&line);
    if (strncmp(disk_path, t->prefix, strlen(t->prefix)) != 0) {
        msg_error(t->m, "internal error: %s is not under the target's root %s", disk_path,
                  t->prefix);
        goto out;
    }
    if ((existed && write_private(t->ffd, old, before, before_len) < 0) ||
        write_private(t->ffd, new, after, after_len) < 0) {
        msg_error(t->m, "%s: cannot keep a backup: %s", t->cur, strerror(errno));
        goto out;
    }
    sb_printf(&line, "file %u %d %o %u %u ", n, existed ? 1 : 0,
              existed ? (unsigned)(st->st_mode & 07777) : 0644u,
              existed ? (unsigned)st->st_uid : 0u, existed ? (unsigned)st->st_gid : 0u);
    /* The path on the target ("/etc/chrony.conf"), not under the root: the journal of an
     * image stays valid wherever the image is mounted, and names nothing outside it. */
    sb_putc(&line, '/');
    sb_append_escaped(&line, disk_path + strlen(t->prefix));
    sb_putc(&line, '\n');
    ret = journal_line(t, line.buf);
out:
    sb_free(&line);
    free(old);
    free(new);
    return ret;
}

int
txn_record_implementation(struct txn *t, const char *name)
{
    char *line = xasprintf("implementation %s\n", name);
    int ret = journal_line(t, line);

    free(line);
    return ret;
}

int
txn_record_service(struct txn *t, const char *action, const char *service,
                   const struct service_state *before)
{
    /* "service ACTION NAME [active=0|1 enabled=0|1]": the state is optional, so that
     * readers of journals without it restart the service as before */
    char *line = before && before->known
                 ? xasprintf("service %s %s active=%d enabled=%d\n", action, service,
                             before->active, before->enabled)
                 : xasprintf("service %s %s\n", action, service);
    int ret = journal_line(t, line);

    free(line);
    return ret;
}

int
txn_record_firewall(struct txn *t, const char *line)
{
    char *l = xasprintf("firewall %s\n", line);
    int ret = strchr(line, '\n') ? -1 : journal_line(t, l);

    free(l);
    return ret;
}

/* ---- the originals: what every file the tool changed held before its first run -------
 *
 * TXN_DIR/original/index has one line per file ("file K EXISTED MODE /PATH": K.orig holds
 * its text before the first run that changed it, K.latest what the tool last left in it;
 * no K.latest: the tool left no file), per service ("service NAME active=A enabled=E", its
 * state before the first run that touched it) and per firewall rule any run added
 * ("firewall LINE"). Each run that ends adds what it touched first; rollback --all puts it
 * all back. */

struct original {
    char *dir;              /* TXN_DIR/original, for messages */
    int parent;             /* TXN_DIR (not owned) */
    int fd;                 /* TXN_DIR/original, or -1 while it does not exist */
    struct strv lines;      /* the index */
    size_t *slot;           /* its file lines by path: line number + 1, 0 empty */
    size_t slots, indexed;  /* a power of two; lines indexed so far */
};

/* Load the index of the originals in the journal's directory dfd (txn_dir in messages): 0
 * (none yet is an empty index), or -1 when the directory or its index may not be trusted
 * (the reason in m), as a journal would not be. */
static int
original_load(int dfd, const char *txn_dir, struct original *o, struct msgs *m)
{
    struct strbuf sb;
    char *index, *save = NULL;
    int ret = 0;

    memset(o, 0, sizeof(*o));
    o->dir = xasprintf("%s/original", txn_dir);
    o->parent = dfd;
    index = xasprintf("%s/index", o->dir);
    sb_init(&sb);
    o->fd = open_trusted_dir(dfd, "original", o->dir, m);
    if (o->fd < 0)
        ret = errno == ENOENT ? 0 : -1;     /* untrusted: said in m */
    else if (read_trusted(o->fd, "index", index, MAX_BACKUP, &sb, m) < 0)
        ret = errno == ENOENT ? 0 : -1;
    else
        for (char *l = strtok_r(sb.buf, "\n", &save); l; l = strtok_r(NULL, "\n", &save))
            strv_push(&o->lines, l);
    sb_free(&sb);
    free(index);
    return ret;
}

static void
original_free(struct original *o)
{
    free(o->dir);
    close_fd(&o->fd);
    free(o->slot);
    strv_free(&o->lines);
}

/* The escaped path of a file line of the index, or NULL; its number in *k. */
static const char *
original_path(const char *line, unsigned *k)
{
    int used = 0;

    return sscanf(line, "file %u %*d %*o %n", k, &used) == 1 && used > 0 ? line + used : NULL;
}

/* The index number of path (escaped as in the journal), or -1: the first file line that
 * names it, through a table of the lines by path (a run that touches n files looks each up:
 * a scan of the index for each would cost n times n). */
static long
original_find(struct original *o, const char *escaped)
{
    unsigned k;
    const char *p;

    if (2 * o->lines.n >= o->slots) {       /* (re)build: at most half full */
        free(o->slot);
        for (o->slots = 64; o->slots <= 2 * o->lines.n; o->slots *= 2)
            ;
        o->slot = xcalloc(o->slots, sizeof(*o->slot));
        o->indexed = 0;
    }
    for (; o->indexed < o->lines.n; o->indexed++) {
        size_t h;

        if (!(p = original_path(o->lines.v[o->indexed], &k)))
            continue;
        for (h = str_hash(p) & (o->slots - 1); o->slot[h]; h = (h + 1) & (o->slots - 1))
            if (strcmp(original_path(o->lines.v[o->slot[h] - 1], &k), p) == 0)
                break;                      /* an earlier line names it: that one counts */
        if (!o->slot[h])
            o->slot[h] = o->indexed + 1;
    }
    for (size_t h = str_hash(escaped) & (o->slots - 1); o->slot[h]; h = (h + 1) & (o->slots - 1))
        if (strcmp(original_path(o->lines.v[o->slot[h] - 1], &k), escaped) == 0)
            return (long)k;
    return -1;
}

static int
original_append(struct original *o, const char *line)
{
    int fd = openat(o->fd, "index", O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOFOLLOW,
                    0600);
    size_t len = strlen(line);
    int ret = -1;

    if (fd >= 0 && write(fd, line, len) == (ssize_t)len && write(fd, "\n", 1) == 1 &&
        fsync(fd) == 0)
        ret = 0;
    if (fd >= 0)
        close(fd);
    if (ret == 0)
        strv_push(&o->lines, line);
    return ret;
}

/* Set what the tool last left in file k (NULL: no file). */
static int
original_set_latest(const struct original *o, long k, const char *text, size_t len)
{
    char *latest = xasprintf("%ld.latest", k);
    int ret = text ? write_private(o->fd, latest, text, len)
                   : (unlinkat(o->fd, latest, 0) < 0 && errno != ENOENT);

    free(latest);
    return ret;
}

/* A run ends (its journal in the directory jfd): the files, services and firewall rules it
 * touched for the first time join the originals of the journal's directory dfd (txn_dir in
 * messages); every file's latest text is what it wrote. */
static int
original_update(int dfd, const char *txn_dir, int jfd, struct msgs *m)
{
    struct strbuf journal;
    struct original o;
    char *save = NULL;
    int ret = -1, files = -1;

    sb_init(&journal);
    if (original_load(dfd, txn_dir, &o, m) < 0 ||
        read_at(jfd, "journal", MAX_BACKUP, &journal) < 0)
        goto out;
    if (o.fd < 0) {
        if (mkdirat(dfd, "original", 0700) < 0 && errno != EEXIST)
            goto out;
        o.fd = openat(dfd, "original", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (o.fd < 0)
            goto out;
    }
    files = openat(jfd, "files", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    for (char *l = strtok_r(journal.buf, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
        unsigned n, mode, uid, gid;
        int existed, used = 0;
        char svc[128], action[32];

        if (sscanf(l, "file %u %d %o %u %u %n", &n, &existed, &mode, &uid, &gid, &used) == 5 &&
            used > 0) {
            long k = original_find(&o, l + used);
            char *oldp = xasprintf("%u.old", n);
            char *newp = xasprintf("%u.new", n);
            struct strbuf text;
            int bad = 0;

            sb_init(&text);
            if (k < 0) {
                char *line, *orig;

                k = (long)o.lines.n;
                orig = xasprintf("%ld.orig", k);
                if (existed && (read_at(files, oldp, MAX_BACKUP, &text) < 0 ||
                                write_private(o.fd, orig, text.buf, text.len) < 0))
                    bad = 1;
                line = xasprintf("file %ld %d %o %s", k, existed, mode, l + used);
                if (!bad && original_append(&o, line) < 0)
                    bad = 1;
                free(line);
                free(orig);
            }
            sb_reset(&text);
            if (!bad && (read_at(files, newp, MAX_BACKUP, &text) < 0 ||
                         original_set_latest(&o, k, text.buf, text.len) < 0))
                bad = 1;
            sb_free(&text);
            free(oldp);
            free(newp);
            if (bad)
                goto out;
        } else if (sscanf(l, "service %31s %127s", action, svc) == 2 && strstr(l, " active=")) {
            char *line = xasprintf("service %s %s", svc, strstr(l, " active=") + 1);
            bool known = false;

            for (size_t i = 0; i < o.lines.n && !known; i++) {
                char name[128];

                known = sscanf(o.lines.v[i], "service %127s", name) == 1 &&
                        strcmp(name, svc) == 0;
            }
            if (!known && original_append(&o, line) < 0) {
                free(line);
                goto out;
            }
            free(line);
        } else if (strncmp(l, "firewall ", 9) == 0 && original_append(&o, l) < 0) {
            goto out;
        }
    }
    ret = 0;
out:
    if (ret < 0)
        msg_warn(m, "%s: cannot keep the original files: 'te-ntp-setup rollback --all' may "
                 "not reach back to before the first run", o.dir);
    close_fd(&files);
    original_free(&o);
    sb_free(&journal);
    return ret;
}

int
txn_commit(struct txn *t)
{
    char *last = xasprintf("%s/last", t->dir);
    int ret = 0;

    if (journal_line(t, "complete\n") < 0)
        ret = -1;
    close_fd(&t->journal);
    if (ret == 0) {
        original_update(t->dfd, t->dir, t->cfd, t->m);
        remove_tree(t->dfd, "last");
        if (renameat(t->dfd, "current", t->dfd, "last") < 0) {
            msg_error(t->m, "%s: cannot keep the journal: %s", last, strerror(errno));
            ret = -1;
        }
    }
    free(last);
    txn_free(t);
    return ret;
}

void
txn_discard(struct txn *t)
{
    if (!t)
        return;
    close_fd(&t->journal);
    if (t->dfd >= 0)
        remove_tree(t->dfd, "current");
    txn_free(t);
}

void
txn_abandon(struct txn *t)
{
    txn_free(t);
}

bool
txn_interrupted(const char *root)
{
    /* resolved inside the root; a link as the journal counts (and is refused when read),
     * and so does a journal that failed to be looked at (EIO): the rollback then says why,
     * rather than the next run's start removing it. Missing, or not this user's to see
     * (then the run cannot use the directory either): none. */
    int fd = root_open(root, TXN_DIR "/current/journal", O_PATH | O_NOFOLLOW);

    if (fd < 0)
        return errno != ENOENT && errno != ENOTDIR && errno != EACCES && errno != EPERM;
    close(fd);
    return true;
}

/* The files te-ntp-setup writes, per implementation: their configuration files and drop-in
 * directories, the files of their daemons' options, their DHCP hooks. A journal (which may
 * have been planted in an image) names nothing else. */
static const char *const chrony_files[] = {
    "/etc/chrony.conf", "/etc/chrony/*", "/etc/chrony/*/*", "/etc/chrony.d/*",
    "/etc/default/chrony", "/etc/sysconfig/chronyd", "/etc/dhcp/dhclient-exit-hooks.d/chrony",
    "/etc/NetworkManager/dispatcher.d/20-chrony-dhcp",
    "/usr/lib/NetworkManager/dispatcher.d/20-chrony-dhcp", NULL,
};
static const char *const ntp_files[] = {
    "/etc/ntp.conf", "/etc/ntp/*", "/etc/ntpsec/*", "/etc/ntpsec/*/*", "/etc/default/ntp",
    "/etc/default/ntpsec", "/etc/sysconfig/ntpd", "/etc/conf.d/ntpd",
    "/etc/dhcp/dhclient-exit-hooks.d/ntp", "/etc/dhcp/dhclient-exit-hooks.d/ntpsec",
    "/etc/dhcp/dhclient.d/ntp.sh", NULL,
};
static const char *const openntpd_files[] = {
    "/etc/ntpd.conf", "/etc/openntpd/*", "/etc/default/openntpd", NULL,
};
static const char *const timesyncd_files[] = {
    "/etc/systemd/timesyncd.conf", "/etc/systemd/timesyncd.conf.d/*",
    "/run/systemd/timesyncd.conf.d/*", "/usr/local/lib/systemd/timesyncd.conf.d/*",
    "/usr/lib/systemd/timesyncd.conf", "/usr/lib/systemd/timesyncd.conf.d/*", NULL,
};
/* The rule sets the firewalls' boot services load, where apply saves its rules (any
 * implementation). */
static const char *const firewall_files[] = {
    "/etc/nftables.conf", "/etc/sysconfig/nftables.conf", "/etc/iptables/rules.v4",
    "/etc/iptables/rules.v6", "/etc/sysconfig/iptables", "/etc/sysconfig/ip6tables", NULL,
};
static const struct {
    const char *implementations;    /* the --implementation names, space-separated */
    const char *const *files;
} managed[] = {
    { " chrony ", chrony_files },
    { " ntpd ntpsec ", ntp_files },
    { " openntpd ", openntpd_files },
    { " timesyncd ", timesyncd_files },
    { " chrony ntpd ntpsec openntpd timesyncd ", firewall_files },
};

/* Whether the space-separated names of a managed[] row (" chrony ") list implementation. */
static bool
row_lists(const char *names, const char *implementation)
{
    size_t n = strlen(implementation);

    for (const char *at = strstr(names, implementation); at; at = strstr(at + 1, implementation))
        if (at > names && at[-1] == ' ' && at[n] == ' ')
            return true;
    return false;
}

/* Whether a journal's path is one of the files te-ntp-setup manages for implementation
 * (NULL: a journal that names none, from an earlier version: any of them): absolute, without
 * "." or ".." names, and matching the table. */
bool
txn_manages(const char *path, const char *implementation)
{
    if (path[0] != '/' || strstr(path, "//") || strstr(path, "/./") || strstr(path, "/../") ||
        (strlen(path) >= 2 && strcmp(path + strlen(path) - 2, "/.") == 0) ||
        (strlen(path) >= 3 && strcmp(path + strlen(path) - 3, "/..") == 0))
        return false;
    for (size_t i = 0; i < TE_ARRAY_LEN(managed); i++) {
        bool mine = !implementation || row_lists(managed[i].implementations, implementation);

        for (size_t j = 0; mine && managed[i].files[j]; j++)
            if (fnmatch(managed[i].files[j], path, FNM_PATHNAME | FNM_PERIOD) == 0)
                return true;
    }
    return false;
}

char *
txn_managed_list(const char *implementation)
{
    struct strbuf sb;

    sb_init(&sb);
    for (size_t i = 0; i < TE_ARRAY_LEN(managed); i++)
        for (size_t j = 0; managed[i].files != firewall_files &&
                           row_lists(managed[i].implementations, implementation) &&
                           managed[i].files[j]; j++)
            sb_printf(&sb, "%s%s", sb.len ? ", " : "", managed[i].files[j]);
    return sb_steal(&sb);
}

/* txn_manages for a path as the journal escapes it, for any implementation. */
static bool
managed_escaped(const char *escaped)
{
    char *path = str_unescape(escaped);
    bool r = txn_manages(path, NULL);

    free(path);
    return r;
}

/* Undo one journaled file: abs on the target (disk: under the root, in messages), its
 * backups in the directory files (jdir/files in messages). 0 restored or nothing to do, -1
 * not restorable. */
static int
undo_file(const struct hostinfo *h, int files, const char *jdir, unsigned n, int existed,
          const char *abs, const char *disk, struct strv *actions, struct msgs *m)
{
    char *oldn = xasprintf("%u.old", n), *newn = xasprintf("%u.new", n);
    char *oldp = xasprintf("%s/files/%s", jdir, oldn);
    char *newp = xasprintf("%s/files/%s", jdir, newn);
    struct strbuf old, new, now;
    bool exists_now;
    int ret = -1;

    sb_init(&old);
    sb_init(&new);
    sb_init(&now);
    if ((existed && read_trusted(files, oldn, oldp, MAX_BACKUP, &old, m) < 0) ||
        read_trusted(files, newn, newp, MAX_BACKUP, &new, m) < 0) {
        if (errno != EPERM)
            msg_error(m, "%s: the backup of %s is missing: %s", jdir, disk, strerror(errno));
        goto out;
    }
    /* read inside the root, as it is written */
    exists_now = read_file_in_root(h->root, abs, MAX_BACKUP, &now) == 0;
    if (!exists_now && errno != ENOENT) {
        /* Unreadable is not absent: a file the run created must not be taken as gone. */
        msg_error(m, "%s: cannot read: %s", disk, te_strerror(errno));
        goto out;
    }
    if (existed && exists_now && now.len == old.len && !memcmp(now.buf, old.buf, old.len)) {
        ret = 0;                                   /* never written, or restored already */
    } else if (!existed && !exists_now) {
        ret = 0;
    } else if (!exists_now || now.len != new.len || memcmp(now.buf, new.buf, new.len) != 0) {
        msg_error(m, "%s: changed since te-ntp-setup wrote it; not restored (the old text is "
                  "in %s)", disk, existed ? oldp : "(none: the file was new)");
    } else if (existed) {
        ret = fileio_replace_in(h->root, disk, old.buf, old.len, new.buf, new.len, NULL,
                                false, m);
        if (ret == 0) {
            /* The content only: the file keeps its owner and mode, which the run kept
             * from the original; the journal's (which may have been planted) are not
             * applied, so it never makes a set-user-ID file. */
            strv_push_owned(actions, xasprintf("restored %s", disk));
        }
    } else {
        ret = fileio_remove_in(h->root, disk, new.buf, new.len, m);
        if (ret == 0)
            strv_push_owned(actions, xasprintf("removed %s", disk));
    }
out:
    sb_free(&old);
    sb_free(&new);
    sb_free(&now);
    free(oldn);
    free(newn);
    free(oldp);
    free(newp);
    return ret;
}

/* Remove the originals: their files, the index, the directory. */
static void
remove_originals(const struct original *o)
{
    if (o->fd < 0)
        return;
    for (size_t i = 0; i < o->lines.n; i++) {
        unsigned k;

        if (sscanf(o->lines.v[i], "file %u ", &k) == 1) {
            char *a = xasprintf("%u.orig", k);
            char *b = xasprintf("%u.latest", k);

            unlinkat(o->fd, a, 0);
            unlinkat(o->fd, b, 0);
            free(a);
            free(b);
        }
    }
    unlinkat(o->fd, "index", 0);
    unlinkat(o->parent, "original", AT_REMOVEDIR);
}

/* A run was rolled back: what the tool last left in its files is what the run found (its
 * backups in the directory files). */
static void
original_after_undo(int dfd, const char *txn_dir, int files, unsigned n, int existed,
                    const char *escaped, struct msgs *m)
{
    struct original o;
    long k;

    k = original_load(dfd, txn_dir, &o, m) < 0 || o.fd < 0 ? -1 : original_find(&o, escaped);
    if (k >= 0) {
        char *oldn = xasprintf("%u.old", n);
        struct strbuf old;

        sb_init(&old);
        if (!existed)
            original_set_latest(&o, k, NULL, 0);
        else if (read_at(files, oldn, MAX_BACKUP, &old) == 0)
            original_set_latest(&o, k, old.buf, old.len);
        sb_free(&old);
        free(oldn);
    }
    original_free(&o);
}

/* A journal path ("/etc/chrony.conf", escaped) on the target: the path under the root
 * (newly allocated), and the path itself in *abs (newly allocated); or NULL with an
 * error. */
static char *
target_path(const struct hostinfo *h, const char *escaped, const char *where, char **abs,
            struct msgs *m)
{
    char *path = str_unescape(escaped), *disk;

    *abs = NULL;
    if (path[0] != '/' || strstr(path, "/../") ||
        (strlen(path) >= 3 && strcmp(path + strlen(path) - 3, "/..") == 0)) {
        char *q = quote_string(path);

        msg_error(m, "%s: %s is not a path on the target; not restored", where, q);
        free(q);
        free(path);
        return NULL;
    }
    disk = hostinfo_path(h, path);
    if (!hostinfo_inside(h, disk)) {
        msg_error(m, "%s: a symbolic link in the image leads out of %s; not restored", disk,
                  h->root);
        free(disk);
        free(path);
        return NULL;
    }
    *abs = path;
    return disk;
}

/* rollback --all: one file (abs on the target, disk under the root) back to what it held
 * before the tool's first run. */
static int
original_restore(const struct hostinfo *h, const struct original *o, long k, int existed,
                 unsigned mode, const char *abs, const char *disk, struct strv *actions,
                 struct msgs *m)
{
    char *orign = xasprintf("%ld.orig", k), *latestn = xasprintf("%ld.latest", k);
    char *origp = xasprintf("%s/%s", o->dir, orign);
    char *latestp = xasprintf("%s/%s", o->dir, latestn);
    struct strbuf orig, latest, now;
    bool has_latest, exists_now;
    int ret = -1;

    sb_init(&orig);
    sb_init(&latest);
    sb_init(&now);
    if (existed && read_trusted(o->fd, orign, origp, MAX_BACKUP, &orig, m) < 0) {
        if (errno != EPERM)
            msg_error(m, "%s: the original of %s is missing: %s", o->dir, disk,
                      strerror(errno));
        goto out;
    }
    has_latest = read_trusted(o->fd, latestn, latestp, MAX_BACKUP, &latest, m) == 0;
    if (!has_latest && errno == EPERM)
        goto out;                               /* untrusted: said in m */
    exists_now = read_file_in_root(h->root, abs, MAX_BACKUP, &now) == 0;
    if (!exists_now && errno != ENOENT) {
        msg_error(m, "%s: cannot read: %s", disk, te_strerror(errno));
        goto out;
    }
    if (existed && exists_now && now.len == orig.len && !memcmp(now.buf, orig.buf, orig.len)) {
        ret = 0;                                /* as it was */
    } else if (!existed && !exists_now) {
        ret = 0;
    } else if (!exists_now || !has_latest || now.len != latest.len ||
               memcmp(now.buf, latest.buf, latest.len) != 0) {
        msg_error(m, "%s: changed since te-ntp-setup last wrote it; not restored (the "
                  "original is in %s)", disk, existed ? origp : "(none: the file was new)");
    } else if (existed) {
        ret = fileio_replace_in(h->root, disk, orig.buf, orig.len, latest.buf, latest.len,
                                NULL, false, m);
        if (ret == 0) {
            /* its permission bits as before the first run (never a set-ID bit), on the
             * file just written, opened inside the root */
            int fd = root_open(h->root, abs, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY);
            struct stat st;

            if (fd >= 0) {
                if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode))
                    fchmod(fd, (mode_t)(mode & 0777));
                close(fd);
            }
            strv_push_owned(actions, xasprintf("restored %s (as before the first run)", disk));
        }
    } else {
        ret = fileio_remove_in(h->root, disk, latest.buf, latest.len, m);
        if (ret == 0)
            strv_push_owned(actions, xasprintf("removed %s (new since the first run)", disk));
    }
out:
    sb_free(&orig);
    sb_free(&latest);
    sb_free(&now);
    free(orign);
    free(latestn);
    free(origp);
    free(latestp);
    return ret;
}

/* Open the journal's directory of h to read it (dir in messages): the descriptor, or -1
 * with errno ENOENT (none: nothing said) or EPERM (the reason in m). */
static int
open_existing_txn_dir(const struct hostinfo *h, const char *dir, struct msgs *m)
{
    int fd;

    if (!hostinfo_inside(h, dir)) {
        msg_error(m, "%s: a symbolic link in the image leads out of %s; refusing to read a "
                  "journal there", dir, h->root);
        errno = EPERM;
        return -1;
    }
    fd = open_txn_dir(h->root, false);
    if (fd < 0 && errno != ENOENT)
        say_open_failed(dir, m);
    return fd;
}

int
txn_rollback_all(const struct hostinfo *h, struct strv *actions, struct msgs *m)
{
    char *dir = hostinfo_path(h, TXN_DIR);
    struct original o = { .fd = -1 };
    int failed = 0, ret = -1, dfd;

    if (!hostinfo_inside(h, dir)) {
        msg_error(m, "%s: a symbolic link in the image leads out of %s; refusing to read a "
                  "journal there", dir, h->root);
        free(dir);
        return -1;
    }
    /* an interrupted run first, as every run does */
    if (txn_interrupted(h->root) && txn_rollback(h, actions, m) < 0) {
        free(dir);
        return -1;
    }
    dfd = open_existing_txn_dir(h, dir, m);
    if (dfd < 0) {
        free(dir);
        return errno == ENOENT ? 1 : -1;
    }
    if (!trusted_fd(dfd, dir, m)) {
        close(dfd);
        free(dir);
        return -1;
    }
    if (original_load(dfd, dir, &o, m) < 0)
        goto out;
    if (!o.lines.n) {
        ret = 1;
        goto out;
    }
    for (size_t i = o.lines.n; i-- > 0;) {
        unsigned k, mode;
        int existed, used = 0;

        if (sscanf(o.lines.v[i], "file %u %d %o %n", &k, &existed, &mode, &used) == 3 &&
            used > 0) {
            char *abs, *disk = target_path(h, o.lines.v[i] + used, o.dir, &abs, m);

            if (disk && !managed_escaped(o.lines.v[i] + used)) {
                char *q = quote_string(disk);

                msg_error(m, "%s/index: %s is not a file te-ntp-setup manages; not restored",
                          o.dir, q);
                free(q);
                free(disk);
                disk = NULL;
            }
            if (!disk ||
                original_restore(h, &o, (long)k, existed, mode, abs, disk, actions, m) < 0)
                failed++;
            free(disk);
            free(abs);
        }
    }
    if (failed) {
        msg_error(m, "%d file(s) could not be restored; the originals stay in %s", failed,
                  o.dir);
        goto out;
    }
    if (h->live) {
        for (size_t i = o.lines.n; i-- > 0;)
            if (strncmp(o.lines.v[i], "firewall ", 9) == 0 &&
                firewall_undo_line(o.lines.v[i] + 9, actions, m) < 0)
                msg_warn(m, "a firewall rule te-ntp-setup added may remain: 'te-ntp-setup "
                         "firewall --remove' deletes every rule it added");
        for (size_t i = 0; i < o.lines.n; i++) {
            struct service_state want = { .known = true };
            char svc[128];
            int active, enabled;

            if (sscanf(o.lines.v[i], "service %127s active=%d enabled=%d", svc, &active,
                       &enabled) != 3)
                continue;
            want.active = active != 0;
            want.enabled = enabled != 0;
            if ((want.active && service_restart(h, svc, actions, m) == SERVICE_FAILED) ||
                service_set_state(h, svc, &want, actions, m) == SERVICE_FAILED)
                failed++;
        }
    }
    if (!failed) {
        remove_tree(dfd, "last");
        remove_originals(&o);
        ret = 0;
    }
out:
    original_free(&o);
    close(dfd);
    free(dir);
    return ret;
}

int
txn_rollback(const struct hostinfo *h, struct strv *actions, struct msgs *m)
{
    char *dir = hostinfo_path(h, TXN_DIR);
    char *jdir = xasprintf("%s/current", dir);
    char *jpath = xasprintf("%s/journal", jdir);
    struct strbuf journal;
    struct strv services = { 0 };
    struct service_state *states = NULL;    /* before the run, per services entry */
    struct strv firewall = { 0 };             /* rules the run added, the last first */
    char implementation[32] = "";
    int ret = -1, failed = 0, dfd, jfd = -1, files = -1;
    struct stat st;

    sb_init(&journal);
    /* Every file of the journal is reached through the directory opened inside the root,
     * whose owner and mode are checked on that descriptor: nothing swapped in after the
     * checks is read or obeyed. */
    dfd = open_existing_txn_dir(h, dir, m);
    if (dfd < 0) {
        if (errno == ENOENT)
            ret = 1;
        goto out;
    }
    jfd = openat(dfd, "current", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (jfd >= 0 && fstatat(jfd, "journal", &st, AT_SYMLINK_NOFOLLOW) < 0 && errno == ENOENT)
        close_fd(&jfd);         /* a cleanup cut short: its backups are no journal's */
    if (jfd < 0 && errno == ENOENT) {
        free(jdir);
        free(jpath);
        jdir = xasprintf("%s/last", dir);
        jpath = xasprintf("%s/journal", jdir);
        jfd = openat(dfd, "last", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (jfd < 0 && errno == ENOENT) {
            ret = 1;
            goto out;
        }
    }
    if (jfd < 0) {
        say_open_failed(jdir, m);
        goto out;
    }
    /* The journal says what to write where, as root: only one that this user keeps, in
     * directories no one else can write, is obeyed (an image may come from anyone). */
    if (!trusted_fd(dfd, dir, m) || !trusted_fd(jfd, jdir, m) ||
        read_trusted(jfd, "journal", jpath, MAX_BACKUP, &journal, m) < 0) {
        if (errno == ENOENT)
            ret = 1;
        else if (errno != EPERM)
            msg_error(m, "%s: cannot read: %s", jpath, strerror(errno));
        goto out;
    }
    {
        char *fpath = xasprintf("%s/files", jdir);

        files = open_trusted_dir(jfd, "files", fpath, m);
        free(fpath);
        if (files < 0 && errno == EPERM)
            goto out;           /* untrusted: said in m */
    }
    /* Undo the files from the last to the first. */
    {
        struct strv lines = { 0 };
        char *save = NULL;

        for (char *l = strtok_r(journal.buf, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
            if (sscanf(l, "implementation %31[a-z]", implementation) != 1)
                strv_push(&lines, l);
        }
        for (size_t i = lines.n; i-- > 0;) {
            unsigned n, mode, uid, gid;
            int existed, used = 0;
            char svc[128], action[32];

            if (sscanf(lines.v[i], "file %u %d %o %u %u %n", &n, &existed, &mode, &uid, &gid,
                       &used) == 5 && used > 0) {
                char *path = str_unescape(lines.v[i] + used);

                /* A path on the target, joined to its root here: an image's journal (an
                 * image may come from anyone) must not name a file outside the image. */
                if (!txn_manages(path, implementation[0] ? implementation : NULL)) {
                    char *q = quote_string(path);

                    msg_error(m, "%s/journal: %s is not a file te-ntp-setup manages%s%s; not "
                              "restored", jdir, q, implementation[0] ? " for " : "",
                              implementation);
                    free(q);
                    failed++;
                } else {
                    char *disk = hostinfo_path(h, path);

                    if (!hostinfo_inside(h, disk)) {
                        msg_error(m, "%s: a symbolic link in the image leads out of %s; not "
                                  "restored", disk, h->root);
                        failed++;
                    } else if (undo_file(h, files, jdir, n, existed, path, disk, actions,
                                         m) < 0) {
                        failed++;
                    } else {
                        original_after_undo(dfd, dir, files, n, existed, lines.v[i] + used, m);
                    }
                    free(disk);
                }
                free(path);
            } else if (strncmp(lines.v[i], "firewall ", 9) == 0) {
                strv_push(&firewall, lines.v[i] + 9);   /* the last added first */
            } else if (sscanf(lines.v[i], "service %31s %127s", action, svc) == 2) {
                int active, enabled, k;

                if (!strv_contains(&services, svc)) {
                    strv_push(&services, svc);
                    states = xrealloc(states, services.n * sizeof(*states));
                    states[services.n - 1].known = false;
                }
                for (k = 0; strcmp(services.v[k], svc) != 0; k++)
                    ;
                /* lines are read from the last: the first line's state, before the run,
                 * is the one kept */
                if (sscanf(lines.v[i], "service %*s %*s active=%d enabled=%d", &active,
                           &enabled) == 2) {
                    states[k].known = true;
                    states[k].active = active != 0;
                    states[k].enabled = enabled != 0;
                } else {
                    states[k].known = false;
                }
            }
        }
        strv_free(&lines);
    }
    if (failed) {
        msg_error(m, "%d file(s) could not be restored; the backups stay in %s", failed, jdir);
        goto out;
    }
    if (h->live) {
        /* A rule that cannot be deleted is reported, but does not keep the files' journal:
         * the next rollback could not delete it either. */
        for (size_t i = 0; i < firewall.n; i++)
            if (firewall_undo_line(firewall.v[i], actions, m) < 0)
                msg_warn(m, "a firewall rule te-ntp-setup added may remain: 'te-ntp-setup "
                         "firewall --remove' deletes every rule it added");
        for (size_t i = 0; i < services.n; i++) {
            /* running before: restarted on the old files; stopped before: stopped */
            if ((!states[i].known || states[i].active) &&
                service_restart(h, services.v[i], actions, m) == SERVICE_FAILED)
                failed++;
            else if (states[i].known &&
                     service_set_state(h, services.v[i], &states[i], actions, m) ==
                     SERVICE_FAILED)
                failed++;
        }
    }
    if (!failed) {
        close_fd(&files);
        close_fd(&jfd);
        remove_tree(dfd, strrchr(jdir, '/') + 1);
        ret = 0;
    }
out:
    close_fd(&files);
    close_fd(&jfd);
    if (dfd >= 0)
        close(dfd);
    strv_free(&services);
    strv_free(&firewall);
    free(states);
    sb_free(&journal);
    free(dir);
    free(jdir);
    free(jpath);
    return ret;
}
