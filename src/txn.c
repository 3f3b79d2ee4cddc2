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

#include "fileio.h"
#include "firewall.h"
#include "service.h"
#include "txn.h"

#define MAX_BACKUP (16 * 1024 * 1024)

struct txn {
    char *dir;       /* <root>/var/lib/te-ntp-setup */
    char *prefix;    /* <root>/ ("/" for this system): journal paths are relative to it */
    char *cur;       /* dir/current */
    int journal;     /* descriptor of cur/journal, appended and fsynced line by line */
    unsigned n;      /* files recorded */
    struct msgs *m;
};

static int
mkdir_p(const char *path, mode_t mode)
{
    char *copy = xstrdup(path);
    int ret = 0;

    for (char *p = copy + 1; ret == 0 && *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(copy, 0755) < 0 && errno != EEXIST)
            ret = -1;
        *p = '/';
    }
    if (ret == 0 && mkdir(copy, mode) < 0 && errno != EEXIST)
        ret = -1;
    free(copy);
    return ret;
}

static int
fsync_path(const char *dir)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    int rc;

    if (fd < 0)
        return -1;
    rc = fsync(fd);
    close(fd);
    return rc;
}

/* Remove a journal directory: the journal first (durably), so that a removal cut short
 * (kill -9) leaves backups that nothing refers to, never a journal whose backups are gone;
 * then its files, then itself. Each step may be repeated. */
static void
remove_tree(const char *dir)
{
    char *files = xasprintf("%s/journal", dir);
    DIR *d;
    struct dirent *e;

    if (unlink(files) == 0) {
        fsync_path(dir);
    } else if (errno != ENOENT) {
        free(files);            /* the journal stays: so do the backups it names */
        return;
    }
    free(files);
    files = xasprintf("%s/files", dir);
    d = opendir(files);
    while (d && (e = readdir(d)) != NULL) {
        char *p;

        if (e->d_name[0] == '.')
            continue;
        p = xasprintf("%s/%s", files, e->d_name);
        unlink(p);
        free(p);
    }
    if (d)
        closedir(d);
    rmdir(files);
    free(files);
    rmdir(dir);
}

/* Whether a directory of the journal may be trusted: a real directory (not a link), owned
 * by the user running the tool, writable by nobody else. Else false with the reason in m
 * and errno EPERM. */
static bool
trusted_dir(const char *path, struct msgs *m)
{
    struct stat st;

    if (lstat(path, &st) < 0) {
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

/* Read a file of the journal (at most max bytes) when it may be trusted: a regular file (no
 * link followed), owned by the user running the tool, writable by nobody else. -1 with errno
 * (ENOENT when missing), and for an untrusted file with the reason in m and errno EPERM. */
static int
read_trusted(const char *path, size_t max, struct strbuf *sb, struct msgs *m)
{
    int fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
    struct stat st;
    int rc, e;

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

/* Write a whole file durably (0600). */
static int
write_private(const char *path, const char *data, size_t len)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
    size_t done = 0;

    if (fd < 0)
        return -1;
    while (done < len) {
        ssize_t n = write(fd, data + done, len - done);

        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            close(fd);
            return -1;
        }
        done += (size_t)n;
    }
    if (fsync(fd) < 0) {
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

struct txn *
txn_begin(const char *root, struct msgs *m)
{
    struct txn *t = xcalloc(1, sizeof(*t));
    char *files, *jpath;

    t->m = m;
    t->journal = -1;
    t->dir = root_path(root, TXN_DIR);
    t->prefix = root_path(root, "/");
    t->cur = xasprintf("%s/current", t->dir);
    files = xasprintf("%s/files", t->cur);
    jpath = xasprintf("%s/journal", t->cur);
    if (!path_inside_root(root, t->dir)) {
        msg_error(m, "%s: a symbolic link in the image leads out of %s; refusing to keep "
                  "backups there", t->dir, root);
        goto fail_early;
    }
    if (mkdir_p(t->dir, 0700) < 0) {
        msg_error(m, "%s: cannot create the backup directory: %s", t->dir, strerror(errno));
        goto fail_early;
    }
    if (!trusted_dir(t->dir, m))
        goto fail_early;     /* nothing in a directory another user controls is touched */
    remove_tree(t->cur);        /* a leftover the caller chose not to undo */
    if (mkdir(t->cur, 0700) < 0 || mkdir(files, 0700) < 0) {
        msg_error(m, "%s: cannot create: %s", t->cur, strerror(errno));
        goto fail;
    }
    t->journal = open(jpath, O_WRONLY | O_CREAT | O_EXCL | O_APPEND | O_CLOEXEC, 0600);
    if (t->journal < 0 || journal_line(t, "te-ntp-setup journal 1\n") < 0) {
        msg_error(m, "%s: cannot create the journal: %s", jpath, strerror(errno));
        goto fail;
    }
    free(files);
    free(jpath);
    return t;
fail:
    free(files);
    free(jpath);
    txn_discard(t);
    return NULL;
fail_early:
    free(files);
    free(jpath);
    txn_abandon(t);
    return NULL;
}

int
txn_record_file(struct txn *t, const char *disk_path, bool existed, const struct stat *st,
                const char *before, size_t before_len, const char *after, size_t after_len)
{
    unsigned n = t->n++;
    char *old = xasprintf("%s/files/%u.old", t->cur, n);
    char *new = xasprintf("%s/files/%u.new", t->cur, n);
    struct strbuf line;
    int ret = -1;

    sb_init(&line);
    if (strncmp(disk_path, t->prefix, strlen(t->prefix)) != 0) {
        msg_error(t->m, "internal error: %s is not under the target's root %s", disk_path,
                  t->prefix);
        goto out;
    }
    if ((existed && write_private(old, before, before_len) < 0) ||
        write_private(new, after, after_len) < 0) {
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
    char *dir;              /* TXN_DIR/original */
    struct strv lines;      /* the index */
    size_t *slot;           /* its file lines by path: line number + 1, 0 empty */
    size_t slots, indexed;  /* a power of two; lines indexed so far */
};

/* Load the index of txn_dir's originals: 0 (none yet is an empty index), or -1 when the
 * directory or its index may not be trusted (the reason in m), as a journal would not be. */
static int
original_load(const char *txn_dir, struct original *o, struct msgs *m)
{
    struct strbuf sb;
    struct stat st;
    char *index, *save = NULL;
    int ret = 0;

    memset(o, 0, sizeof(*o));
    o->dir = xasprintf("%s/original", txn_dir);
    index = xasprintf("%s/index", o->dir);
    sb_init(&sb);
    if (lstat(o->dir, &st) == 0 && !trusted_dir(o->dir, m))
        ret = -1;
    else if (read_trusted(index, MAX_BACKUP, &sb, m) < 0)
        ret = errno == ENOENT ? 0 : -1;     /* untrusted: said in m */
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
    char *index = xasprintf("%s/index", o->dir);
    int fd = open(index, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOFOLLOW, 0600);
    size_t len = strlen(line);
    int ret = -1;

    if (fd >= 0 && write(fd, line, len) == (ssize_t)len && write(fd, "\n", 1) == 1 &&
        fsync(fd) == 0)
        ret = 0;
    if (fd >= 0)
        close(fd);
    free(index);
    if (ret == 0)
        strv_push(&o->lines, line);
    return ret;
}

/* Set what the tool last left in file k (NULL: no file). */
static int
original_set_latest(const struct original *o, long k, const char *text, size_t len)
{
    char *latest = xasprintf("%s/%ld.latest", o->dir, k);
    int ret = text ? write_private(latest, text, len) : (unlink(latest) < 0 && errno != ENOENT);

    free(latest);
    return ret;
}

/* A run ends (its journal in jdir): the files, services and firewall rules it touched
 * for the first time join the originals; every file's latest text is what it wrote. */
static int
original_update(const char *txn_dir, const char *jdir, struct msgs *m)
{
    char *jpath = xasprintf("%s/journal", jdir);
    struct strbuf journal;
    struct original o;
    char *save = NULL;
    int ret = -1;

    sb_init(&journal);
    if (original_load(txn_dir, &o, m) < 0 || read_file(jpath, MAX_BACKUP, &journal) < 0 ||
        (mkdir(o.dir, 0700) < 0 && errno != EEXIST))
        goto out;
    for (char *l = strtok_r(journal.buf, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
        unsigned n, mode, uid, gid;
        int existed, used = 0;
        char svc[128], action[32];

        if (sscanf(l, "file %u %d %o %u %u %n", &n, &existed, &mode, &uid, &gid, &used) == 5 &&
            used > 0) {
            long k = original_find(&o, l + used);
            char *oldp = xasprintf("%s/files/%u.old", jdir, n);
            char *newp = xasprintf("%s/files/%u.new", jdir, n);
            struct strbuf text;
            int bad = 0;

            sb_init(&text);
            if (k < 0) {
                char *line, *orig;

                k = (long)o.lines.n;
                orig = xasprintf("%s/%ld.orig", o.dir, k);
                if (existed && (read_file(oldp, MAX_BACKUP, &text) < 0 ||
                                write_private(orig, text.buf, text.len) < 0))
                    bad = 1;
                line = xasprintf("file %ld %d %o %s", k, existed, mode, l + used);
                if (!bad && original_append(&o, line) < 0)
                    bad = 1;
                free(line);
                free(orig);
            }
            sb_reset(&text);
            if (!bad && (read_file(newp, MAX_BACKUP, &text) < 0 ||
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
    original_free(&o);
    sb_free(&journal);
    free(jpath);
    return ret;
}

int
txn_commit(struct txn *t)
{
    char *last = xasprintf("%s/last", t->dir);
    int ret = 0;

    if (journal_line(t, "complete\n") < 0)
        ret = -1;
    close(t->journal);
    t->journal = -1;
    if (ret == 0) {
        original_update(t->dir, t->cur, t->m);
        remove_tree(last);
        if (rename(t->cur, last) < 0) {
            msg_error(t->m, "%s: cannot keep the journal: %s", last, strerror(errno));
            ret = -1;
        }
    }
    free(last);
    free(t->dir);
    free(t->prefix);
    free(t->cur);
    free(t);
    return ret;
}

void
txn_discard(struct txn *t)
{
    if (!t)
        return;
    if (t->journal >= 0)
        close(t->journal);
    remove_tree(t->cur);
    free(t->dir);
    free(t->prefix);
    free(t->cur);
    free(t);
}

void
txn_abandon(struct txn *t)
{
    if (t->journal >= 0)
        close(t->journal);
    free(t->dir);
    free(t->prefix);
    free(t->cur);
    free(t);
}

bool
txn_interrupted(const char *root)
{
    char *p = root_path(root, TXN_DIR "/current/journal");
    bool r = path_exists(p);

    free(p);
    return r;
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
    const char *impls;              /* the --implementation names, space-separated */
    const char *const *files;
} managed[] = {
    { " chrony ", chrony_files },
    { " ntpd ntpsec ", ntp_files },
    { " openntpd ", openntpd_files },
    { " timesyncd ", timesyncd_files },
    { " chrony ntpd ntpsec openntpd timesyncd ", firewall_files },
};

/* Whether a journal's path is one of the files te-ntp-setup manages for the implementation
 * impl (NULL: a journal that names none, from an earlier version: any of them): absolute,
 * without "." or ".." names, and matching the table. */
static bool
managed_path(const char *path, const char *impl)
{
    if (path[0] != '/' || strstr(path, "//") || strstr(path, "/./") || strstr(path, "/../") ||
        (strlen(path) >= 2 && strcmp(path + strlen(path) - 2, "/.") == 0) ||
        (strlen(path) >= 3 && strcmp(path + strlen(path) - 3, "/..") == 0))
        return false;
    for (size_t i = 0; i < TE_ARRAY_LEN(managed); i++) {
        char *word = impl ? xasprintf(" %s ", impl) : NULL;
        bool mine = !impl || strstr(managed[i].impls, word) != NULL;

        free(word);
        for (size_t j = 0; mine && managed[i].files[j]; j++)
            if (fnmatch(managed[i].files[j], path, FNM_PATHNAME | FNM_PERIOD) == 0)
                return true;
    }
    return false;
}

/* managed_path for a path as the journal escapes it, for any implementation. */
static bool
managed_escaped(const char *escaped)
{
    char *path = str_unescape(escaped);
    bool r = managed_path(path, NULL);

    free(path);
    return r;
}

/* Undo one journaled file. 0 restored or nothing to do, -1 not restorable. */
static int
undo_file(const char *root, const char *jdir, unsigned n, int existed, const char *path,
          struct strv *actions, struct msgs *m)
{
    char *oldp = xasprintf("%s/files/%u.old", jdir, n);
    char *newp = xasprintf("%s/files/%u.new", jdir, n);
    struct strbuf old, new, now;
    bool exists_now;
    int ret = -1;

    sb_init(&old);
    sb_init(&new);
    sb_init(&now);
    if ((existed && read_trusted(oldp, MAX_BACKUP, &old, m) < 0) ||
        read_trusted(newp, MAX_BACKUP, &new, m) < 0) {
        if (errno != EPERM)
            msg_error(m, "%s: the backup of %s is missing: %s", jdir, path, strerror(errno));
        goto out;
    }
    exists_now = read_file(path, MAX_BACKUP, &now) == 0;
    if (!exists_now && errno != ENOENT) {
        /* Unreadable is not absent: a file the run created must not be taken as gone. */
        msg_error(m, "%s: cannot read: %s", path, te_strerror(errno));
        goto out;
    }
    if (existed && exists_now && now.len == old.len && !memcmp(now.buf, old.buf, old.len)) {
        ret = 0;                                   /* never written, or restored already */
    } else if (!existed && !exists_now) {
        ret = 0;
    } else if (!exists_now || now.len != new.len || memcmp(now.buf, new.buf, new.len) != 0) {
        msg_error(m, "%s: changed since te-ntp-setup wrote it; not restored (the old text is "
                  "in %s)", path, existed ? oldp : "(none: the file was new)");
    } else if (existed) {
        ret = fileio_replace_in(root, path, old.buf, old.len, new.buf, new.len, NULL, false,
                                m);
        if (ret == 0) {
            /* The content only: the file keeps its owner and mode, which the run kept
             * from the original; the journal's (which may have been planted) are not
             * applied, so it never makes a set-user-ID file. */
            strv_push_owned(actions, xasprintf("restored %s", path));
        }
    } else {
        ret = fileio_remove_in(root, path, new.buf, new.len, m);
        if (ret == 0)
            strv_push_owned(actions, xasprintf("removed %s", path));
    }
out:
    sb_free(&old);
    sb_free(&new);
    sb_free(&now);
    free(oldp);
    free(newp);
    return ret;
}

/* Remove the originals: their files, the index, the directory. */
static void
remove_originals(const struct original *o)
{
    for (size_t i = 0; i < o->lines.n; i++) {
        unsigned k;

        if (sscanf(o->lines.v[i], "file %u ", &k) == 1) {
            char *a = xasprintf("%s/%u.orig", o->dir, k);
            char *b = xasprintf("%s/%u.latest", o->dir, k);

            unlink(a);
            unlink(b);
            free(a);
            free(b);
        }
    }
    {
        char *index = xasprintf("%s/index", o->dir);

        unlink(index);
        free(index);
    }
    rmdir(o->dir);
}

/* A run was rolled back: what the tool last left in its files is what the run found. */
static void
original_after_undo(const char *txn_dir, const char *jdir, unsigned n, int existed,
                    const char *escaped, struct msgs *m)
{
    struct original o;
    long k;

    k = original_load(txn_dir, &o, m) < 0 ? -1 : original_find(&o, escaped);
    if (k >= 0) {
        char *oldp = xasprintf("%s/files/%u.old", jdir, n);
        struct strbuf old;

        sb_init(&old);
        if (!existed)
            original_set_latest(&o, k, NULL, 0);
        else if (read_file(oldp, MAX_BACKUP, &old) == 0)
            original_set_latest(&o, k, old.buf, old.len);
        sb_free(&old);
        free(oldp);
    }
    original_free(&o);
}

/* A journal path ("/etc/chrony.conf", escaped) on the target, or NULL with an error. */
static char *
target_path(const struct hostinfo *h, const char *escaped, const char *where, struct msgs *m)
{
    char *path = str_unescape(escaped), *disk;

    if (path[0] != '/' || strstr(path, "/../") ||
        (strlen(path) >= 3 && strcmp(path + strlen(path) - 3, "/..") == 0)) {
        char *q = quote_string(path);

        msg_error(m, "%s: %s is not a path on the target; not restored", where, q);
        free(q);
        free(path);
        return NULL;
    }
    disk = hostinfo_path(h, path);
    free(path);
    if (!hostinfo_inside(h, disk)) {
        msg_error(m, "%s: a symbolic link in the image leads out of %s; not restored", disk,
                  h->root);
        free(disk);
        return NULL;
    }
    return disk;
}

/* rollback --all: one file back to what it held before the tool's first run. */
static int
original_restore(const struct original *o, long k, int existed, unsigned mode,
                 const char *disk, struct strv *actions, struct msgs *m)
{
    char *origp = xasprintf("%s/%ld.orig", o->dir, k);
    char *latestp = xasprintf("%s/%ld.latest", o->dir, k);
    struct strbuf orig, latest, now;
    bool has_latest, exists_now;
    int ret = -1;

    sb_init(&orig);
    sb_init(&latest);
    sb_init(&now);
    if (existed && read_trusted(origp, MAX_BACKUP, &orig, m) < 0) {
        if (errno != EPERM)
            msg_error(m, "%s: the original of %s is missing: %s", o->dir, disk,
                      strerror(errno));
        goto out;
    }
    has_latest = read_trusted(latestp, MAX_BACKUP, &latest, m) == 0;
    if (!has_latest && errno == EPERM)
        goto out;                               /* untrusted: said in m */
    exists_now = read_file(disk, MAX_BACKUP, &now) == 0;
    if (existed && exists_now && now.len == orig.len && !memcmp(now.buf, orig.buf, orig.len)) {
        ret = 0;                                /* as it was */
    } else if (!existed && !exists_now) {
        ret = 0;
    } else if (!exists_now || !has_latest || now.len != latest.len ||
               memcmp(now.buf, latest.buf, latest.len) != 0) {
        msg_error(m, "%s: changed since te-ntp-setup last wrote it; not restored (the "
                  "original is in %s)", disk, existed ? origp : "(none: the file was new)");
    } else if (existed) {
        ret = fileio_replace(disk, orig.buf, orig.len, latest.buf, latest.len, NULL, false, m);
        if (ret == 0) {
            chmod(disk, (mode_t)(mode & 0777));
            strv_push_owned(actions, xasprintf("restored %s (as before the first run)", disk));
        }
    } else {
        ret = fileio_remove(disk, latest.buf, latest.len, m);
        if (ret == 0)
            strv_push_owned(actions, xasprintf("removed %s (new since the first run)", disk));
    }
out:
    sb_free(&orig);
    sb_free(&latest);
    sb_free(&now);
    free(origp);
    free(latestp);
    return ret;
}

int
txn_rollback_all(const struct hostinfo *h, struct strv *actions, struct msgs *m)
{
    char *dir = hostinfo_path(h, TXN_DIR);
    struct original o = { 0 };
    struct stat st;
    int failed = 0, ret = -1;

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
    if (lstat(dir, &st) == 0 && !trusted_dir(dir, m)) {
        free(dir);
        return -1;
    }
    if (original_load(dir, &o, m) < 0)
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
            char *disk = target_path(h, o.lines.v[i] + used, o.dir, m);

            if (disk && !managed_escaped(o.lines.v[i] + used)) {
                char *q = quote_string(disk);

                msg_error(m, "%s/index: %s is not a file te-ntp-setup manages; not restored",
                          o.dir, q);
                free(q);
                free(disk);
                disk = NULL;
            }
            if (!disk || original_restore(&o, (long)k, existed, mode, disk, actions, m) < 0)
                failed++;
            free(disk);
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
        char *last = xasprintf("%s/last", dir);

        remove_tree(last);
        remove_originals(&o);
        free(last);
        ret = 0;
    }
out:
    original_free(&o);
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
    char impl[32] = "";
    int ret = -1, failed = 0;

    sb_init(&journal);
    if (!hostinfo_inside(h, dir)) {
        msg_error(m, "%s: a symbolic link in the image leads out of %s; refusing to read a "
                  "journal there", dir, h->root);
        goto out;
    }
    if (!path_exists(jpath)) {
        free(jdir);
        free(jpath);
        jdir = xasprintf("%s/last", dir);
        jpath = xasprintf("%s/journal", jdir);
    }
    if (!path_exists(jpath)) {
        ret = 1;
        goto out;
    }
    /* The journal says what to write where, as root: only one that this user keeps, in
     * directories no one else can write, is obeyed (an image may come from anyone). */
    if (!trusted_dir(dir, m) || !trusted_dir(jdir, m) ||
        read_trusted(jpath, MAX_BACKUP, &journal, m) < 0) {
        if (errno == ENOENT)
            ret = 1;
        else if (errno != EPERM)
            msg_error(m, "%s: cannot read: %s", jpath, strerror(errno));
        goto out;
    }
    /* Undo the files from the last to the first. */
    {
        struct strv lines = { 0 };
        char *save = NULL;

        for (char *l = strtok_r(journal.buf, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
            if (sscanf(l, "implementation %31[a-z]", impl) != 1)
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
                if (!managed_path(path, impl[0] ? impl : NULL)) {
                    char *q = quote_string(path);

                    msg_error(m, "%s/journal: %s is not a file te-ntp-setup manages%s%s; not "
                              "restored", jdir, q, impl[0] ? " for " : "", impl);
                    free(q);
                    failed++;
                } else {
                    char *disk = hostinfo_path(h, path);

                    if (!hostinfo_inside(h, disk)) {
                        msg_error(m, "%s: a symbolic link in the image leads out of %s; not "
                                  "restored", disk, h->root);
                        failed++;
                    } else if (undo_file(h->root, jdir, n, existed, disk, actions, m) < 0) {
                        failed++;
                    } else {
                        original_after_undo(dir, jdir, n, existed, lines.v[i] + used, m);
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
        remove_tree(jdir);
        ret = 0;
    }
out:
    strv_free(&services);
    strv_free(&firewall);
    free(states);
    sb_free(&journal);
    free(dir);
    free(jdir);
    free(jpath);
    return ret;
}
