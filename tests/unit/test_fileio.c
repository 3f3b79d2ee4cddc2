/* SPDX-License-Identifier: Apache-2.0 */
/* test_fileio: fileio_replace writes atomically and only over the file that was read;
 * fileio_remove removes only the file the tool wrote. */
#include "config.h"

#include <dirent.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <string.h>
#include <sys/wait.h>
#include <sys/xattr.h>

#include "alloc.h"
#include "fileio.h"

#include "cunit_main.h"
#include "msgs.h"
#include "paths.h"
#include "strbuf.h"

static void
write_text(const char *path, const char *text, mode_t mode)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    size_t len = strlen(text);

    CU_ASSERT_FATAL(fd >= 0);
    CU_ASSERT_FATAL(write(fd, text, len) == (ssize_t)len);
    close(fd);
    CU_ASSERT_FATAL(chmod(path, mode) == 0);
}

/* The file's text, newly allocated; NULL when it cannot be read. */
static char *
read_text(const char *path)
{
    struct strbuf sb;

    sb_init(&sb);
    if (read_file(path, 1 << 20, &sb) < 0) {
        sb_free(&sb);
        return NULL;
    }
    return sb_steal(&sb);
}

static void
assert_text(const char *path, const char *expected)
{
    char *text = read_text(path);

    TE_ASSERT_STR_EQ(text, expected);
    free(text);
}

static mode_t
mode_of(const char *path)
{
    struct stat st;

    if (lstat(path, &st) < 0)
        return (mode_t)-1;
    return st.st_mode & 07777;
}

/* No temporary file of fileio (".NAME.te-ntp-setup.XXXXXX") is left in dir, and it holds
 * exactly n entries. */
static void
assert_clean_dir(const char *dir, int n)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    int count = 0;

    CU_ASSERT_PTR_NOT_NULL_FATAL(d);
    while ((e = readdir(d)) != NULL) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        count++;
        te_assert_msg(!strstr(e->d_name, ".te-ntp-setup."), __LINE__, __FILE__, false,
                      "temporary file %s/%s left behind", dir, e->d_name);
    }
    closedir(d);
    TE_ASSERT_INT_EQ(count, n);
}

static void
test_fileio_replace_keeps_mode(void)
{
    const char *dir = te_tmpdir();
    char *path = te_path(dir, "chrony.conf");
    static const char old[] = "pool 2.debian.pool.ntp.org iburst\n";
    static const char new[] = "server a.example.com iburst\n";
    struct msgs m = { 0 };
    struct stat st;

    write_text(path, old, 0640);
    CU_ASSERT_FATAL(stat(path, &st) == 0);
    TE_ASSERT_INT_EQ(fileio_replace(path, new, strlen(new), old, strlen(old), &st, false, &m), 0);
    TE_ASSERT_INT_EQ(m.errors.n, 0);
    assert_text(path, new);
    TE_ASSERT_INT_EQ(mode_of(path), 0640);
    assert_clean_dir(dir, 1);

    /* Again without the stat: the mode comes from the file as it is now. */
    CU_ASSERT_FATAL(chmod(path, 0600) == 0);
    TE_ASSERT_INT_EQ(fileio_replace(path, old, strlen(old), new, strlen(new), NULL, false, &m),
                     0);
    assert_text(path, old);
    TE_ASSERT_INT_EQ(mode_of(path), 0600);
    assert_clean_dir(dir, 1);
    msgs_free(&m);
    free(path);
}

static void
test_fileio_new_file_mode(void)
{
    const char *dir = te_tmpdir();
    char *path = te_path(dir, "te-ntp-setup.sources");
    static const char text[] = "server a.example.com iburst\n";
    struct msgs m = { 0 };
    mode_t old_umask = umask(077);

    TE_ASSERT_INT_EQ(fileio_replace(path, text, strlen(text), NULL, 0, NULL, false, &m), 0);
    umask(old_umask);
    assert_text(path, text);
    TE_ASSERT_INT_EQ(mode_of(path), 0644);
    assert_clean_dir(dir, 1);
    msgs_free(&m);
    free(path);
}

static void
test_fileio_empty_content(void)
{
    const char *dir = te_tmpdir();
    char *path = te_path(dir, "empty");
    struct msgs m = { 0 };

    write_text(path, "x\n", 0644);
    TE_ASSERT_INT_EQ(fileio_replace(path, "", 0, "x\n", 2, NULL, false, &m), 0);
    assert_text(path, "");
    msgs_free(&m);
    free(path);
}

static void
test_fileio_mkdir_parent(void)
{
    const char *dir = te_tmpdir();
    char *sub = te_path(dir, "sources.d");
    char *path = te_path(sub, "te-ntp-setup.sources");
    static const char text[] = "server a.example.com iburst\n";
    struct msgs m = { 0 };

    /* Without mkdir_parent the missing directory is an error. */
    TE_ASSERT_INT_EQ(fileio_replace(path, text, strlen(text), NULL, 0, NULL, false, &m), -1);
    TE_ASSERT_INT_EQ(m.errors.n, 1);
    CU_ASSERT_FALSE(is_dir(sub));
    msgs_free(&m);

    TE_ASSERT_INT_EQ(fileio_replace(path, text, strlen(text), NULL, 0, NULL, true, &m), 0);
    TE_ASSERT_INT_EQ(m.errors.n, 0);
    CU_ASSERT_TRUE(is_dir(sub));
    assert_text(path, text);
    assert_clean_dir(sub, 1);
    msgs_free(&m);
    free(path);
    free(sub);
}

static void
test_fileio_refuses_changed_file(void)
{
    const char *dir = te_tmpdir();
    char *path = te_path(dir, "chrony.conf");
    static const char read_then[] = "pool a.example.com iburst\n";
    static const char now[] = "pool b.example.com iburst\n";
    static const char new[] = "server c.example.com iburst\n";
    struct msgs m = { 0 };
    struct stat st;

    write_text(path, now, 0644);
    CU_ASSERT_FATAL(stat(path, &st) == 0);
    TE_ASSERT_INT_EQ(fileio_replace(path, new, strlen(new), read_then, strlen(read_then), &st,
                                    false, &m), -1);
    TE_ASSERT_INT_EQ(m.errors.n, 1);
    if (m.errors.n) {
        TE_ASSERT_CONTAINS(m.errors.v[0], path);
        TE_ASSERT_CONTAINS(m.errors.v[0], "changed by someone else");
    }
    assert_text(path, now);
    assert_clean_dir(dir, 1);
    msgs_free(&m);

    /* Expected to exist but gone. */
    CU_ASSERT_FATAL(unlink(path) == 0);
    TE_ASSERT_INT_EQ(fileio_replace(path, new, strlen(new), now, strlen(now), NULL, false, &m),
                     -1);
    CU_ASSERT_FALSE(path_exists(path));
    assert_clean_dir(dir, 0);
    msgs_free(&m);
    free(path);
}

static void
test_fileio_refuses_other_inode(void)
{
    const char *dir = te_tmpdir();
    char *path = te_path(dir, "chrony.conf");
    char *other = te_path(dir, "other");
    static const char text[] = "pool a.example.com iburst\n";
    static const char new[] = "server c.example.com iburst\n";
    struct msgs m = { 0 };
    struct stat st, after;

    write_text(path, text, 0644);
    CU_ASSERT_FATAL(stat(path, &st) == 0);
    /* Someone replaced the file by another with the same content. */
    write_text(other, text, 0644);
    CU_ASSERT_FATAL(rename(other, path) == 0);
    CU_ASSERT_FATAL(stat(path, &after) == 0);
    CU_ASSERT_FATAL(after.st_ino != st.st_ino);

    TE_ASSERT_INT_EQ(fileio_replace(path, new, strlen(new), text, strlen(text), &st, false, &m),
                     -1);
    TE_ASSERT_INT_EQ(m.errors.n, 1);
    if (m.errors.n)
        TE_ASSERT_CONTAINS(m.errors.v[0], "changed by someone else");
    assert_text(path, text);
    CU_ASSERT_FATAL(stat(path, &st) == 0);
    TE_ASSERT_INT_EQ(st.st_ino, after.st_ino);
    assert_clean_dir(dir, 1);
    msgs_free(&m);
    free(path);
    free(other);
}

static void
test_fileio_refuses_symlink(void)
{
    const char *dir = te_tmpdir();
    char *path = te_path(dir, "chrony.conf");
    char *target = te_path(dir, "real.conf");
    static const char text[] = "pool a.example.com iburst\n";
    static const char new[] = "server c.example.com iburst\n";
    struct msgs m = { 0 };
    struct stat st;

    write_text(target, text, 0644);
    CU_ASSERT_FATAL(symlink("real.conf", path) == 0);
    CU_ASSERT_FATAL(stat(path, &st) == 0);
    TE_ASSERT_INT_EQ(fileio_replace(path, new, strlen(new), text, strlen(text), &st, false, &m),
                     -1);
    TE_ASSERT_INT_EQ(m.errors.n, 1);
    if (m.errors.n)
        TE_ASSERT_CONTAINS(m.errors.v[0], "symbolic link");
    CU_ASSERT_TRUE(lstat(path, &st) == 0 && S_ISLNK(st.st_mode));
    assert_text(target, text);
    msgs_free(&m);

    /* Not even as a new file. */
    TE_ASSERT_INT_EQ(fileio_replace(path, new, strlen(new), NULL, 0, NULL, false, &m), -1);
    assert_text(target, text);
    assert_clean_dir(dir, 2);
    msgs_free(&m);
    free(path);
    free(target);
}

static void
test_fileio_refuses_appeared_file(void)
{
    const char *dir = te_tmpdir();
    char *path = te_path(dir, "te-ntp-setup.sources");
    static const char theirs[] = "server theirs.example.com\n";
    static const char new[] = "server c.example.com iburst\n";
    struct msgs m = { 0 };

    write_text(path, theirs, 0644);
    TE_ASSERT_INT_EQ(fileio_replace(path, new, strlen(new), NULL, 0, NULL, true, &m), -1);
    TE_ASSERT_INT_EQ(m.errors.n, 1);
    if (m.errors.n)
        TE_ASSERT_CONTAINS(m.errors.v[0], "appeared since it was read");
    assert_text(path, theirs);
    assert_clean_dir(dir, 1);
    msgs_free(&m);
    free(path);
}

/* fileio_replace over path as the user nobody when the test runs as root (root writes into a
 * 0555 directory regardless): in a forked child that drops its groups, group and user before
 * the call. Its return value; the first error, if any, in *err (newly allocated, or NULL). A
 * child that cannot drop its privileges, or a missing user nobody, fails the test. */
static int
replace_unprivileged(const char *path, const char *new, const char *old, char **err)
{
    struct msgs m = { 0 };
    struct passwd *pw;
    int fds[2], status, rc;
    pid_t pid;
    char buf[1024];
    ssize_t n;
    size_t len = 0;

    *err = NULL;
    if (geteuid() != 0) {
        rc = fileio_replace(path, new, strlen(new), old, strlen(old), NULL, false, &m);
        if (m.errors.n)
            *err = xstrdup(m.errors.v[0]);
        msgs_free(&m);
        return rc;
    }
    pw = getpwnam("nobody");
    te_assert_msg(pw != NULL, __LINE__, __FILE__, true,
                  "run as root, the test drops to the user nobody, and there is none");
    CU_ASSERT_FATAL(pipe(fds) == 0);
    pid = fork();
    CU_ASSERT_FATAL(pid >= 0);
    if (pid == 0) {
        close(fds[0]);
        if (setgroups(0, NULL) != 0 || setgid(pw->pw_gid) != 0 || setuid(pw->pw_uid) != 0 ||
            geteuid() == 0) {
            dprintf(fds[1], "X cannot drop privileges to nobody");
            _exit(1);
        }
        rc = fileio_replace(path, new, strlen(new), old, strlen(old), NULL, false, &m);
        dprintf(fds[1], "%d %s", rc, m.errors.n ? m.errors.v[0] : "");
        _exit(0);
    }
    close(fds[1]);
    while (len < sizeof(buf) - 1 && (n = read(fds[0], buf + len, sizeof(buf) - 1 - len)) > 0)
        len += (size_t)n;
    buf[len] = 0;
    close(fds[0]);
    CU_ASSERT_FATAL(waitpid(pid, &status, 0) == pid);
    te_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0, __LINE__, __FILE__, true,
                  "the unprivileged child failed: %s", buf);
    rc = atoi(buf);
    if (strchr(buf, ' ') && strchr(buf, ' ')[1])
        *err = xstrdup(strchr(buf, ' ') + 1);
    return rc;
}

/* A directory the tool may not write to: the temporary file cannot be made, the old file
 * stays. As root (as CI runs the tests) the write is made as nobody, so the check holds
 * there too instead of passing without a word. */
static void
test_fileio_read_only_directory(void)
{
    const char *dir = te_tmpdir();
    char *sub = te_path(dir, "ro");
    char *path = te_path(sub, "chrony.conf");
    static const char text[] = "pool a.example.com iburst\n";
    static const char new[] = "server c.example.com iburst\n";
    char *err = NULL;

    /* nobody must reach the directory: the test's own is 0700 */
    CU_ASSERT_FATAL(chmod(dir, 0711) == 0);
    CU_ASSERT_FATAL(mkdir(sub, 0755) == 0);
    write_text(path, text, 0644);
    CU_ASSERT_FATAL(chmod(sub, 0555) == 0);
    TE_ASSERT_INT_EQ(replace_unprivileged(path, new, text, &err), -1);
    TE_ASSERT_CONTAINS(err ? err : "(no error)", "cannot create a temporary file");
    assert_text(path, text);
    assert_clean_dir(sub, 1);
    chmod(sub, 0755);
    free(err);
    free(path);
    free(sub);
}

/* The temporary files a killed run left (".NAME.te-ntp-setup.XXXXXX") go when NAME is
 * written next, and only they: other names stay. The directory is read once for many
 * writes; a stale file that appears in it later (the directory changed behind the
 * process) still goes. */
static void
test_fileio_sweeps_stale_temporaries(void)
{
    const char *dir = te_tmpdir();
    static const char *const names[] = { "a.conf", "b.conf", "c.conf", "te-ntp-setup.sources" };
    static const char old[] = "server old.example.com\n";
    static const char new[] = "server new.example.com iburst\n";
    char *path[4], *stale_a = te_path(dir, ".a.conf.te-ntp-setup.AbCdE1");
    char *stale_b = te_path(dir, ".b.conf.te-ntp-setup.XyZ123");
    char *stale_c = te_path(dir, ".c.conf.te-ntp-setup.Later1");
    char *stale_s = te_path(dir, ".te-ntp-setup.sources.te-ntp-setup.Kk0000");
    char *long_a = te_path(dir, ".a.conf.te-ntp-setup.TooLong");
    char *other = te_path(dir, ".d.conf.te-ntp-setup.Other1");
    struct timespec times[2] = { { 1000000000, 0 }, { 1000000000, 0 } };
    struct msgs m = { 0 };

    for (int i = 0; i < 4; i++) {
        path[i] = te_path(dir, names[i]);
        write_text(path[i], old, 0644);
    }
    write_text(stale_a, "half", 0600);
    write_text(stale_b, "half", 0600);
    write_text(stale_s, "half", 0600);
    write_text(long_a, "not ours", 0600);
    write_text(other, "half", 0600);

    TE_ASSERT_INT_EQ(fileio_replace(path[0], new, strlen(new), old, strlen(old), NULL, false, &m),
                     0);
    CU_ASSERT(access(stale_a, F_OK) < 0);
    CU_ASSERT(access(stale_b, F_OK) == 0);
    CU_ASSERT(access(long_a, F_OK) == 0);
    TE_ASSERT_INT_EQ(fileio_replace(path[1], new, strlen(new), old, strlen(old), NULL, false, &m),
                     0);
    CU_ASSERT(access(stale_b, F_OK) < 0);
    CU_ASSERT(access(stale_s, F_OK) == 0);

    /* Changed behind the process (the time set apart, in case the clock of the file system
     * is coarser than these steps): read again. */
    write_text(stale_c, "half", 0600);
    CU_ASSERT_FATAL(utimensat(AT_FDCWD, dir, times, 0) == 0);
    TE_ASSERT_INT_EQ(fileio_replace(path[2], new, strlen(new), old, strlen(old), NULL, false, &m),
                     0);
    CU_ASSERT(access(stale_c, F_OK) < 0);
    TE_ASSERT_INT_EQ(fileio_replace(path[3], new, strlen(new), old, strlen(old), NULL, false, &m),
                     0);
    CU_ASSERT(access(stale_s, F_OK) < 0);
    CU_ASSERT(access(long_a, F_OK) == 0);
    CU_ASSERT(access(other, F_OK) == 0);
    TE_ASSERT_INT_EQ(m.errors.n, 0);
    for (int i = 0; i < 4; i++) {
        assert_text(path[i], new);
        free(path[i]);
    }
    msgs_free(&m);
    free(stale_a);
    free(stale_b);
    free(stale_c);
    free(stale_s);
    free(long_a);
    free(other);
}

static void
test_fileio_remove(void)
{
    const char *dir = te_tmpdir();
    char *path = te_path(dir, "te-ntp-setup.sources");
    static const char ours[] = "server a.example.com iburst\n";
    static const char edited[] = "server a.example.com iburst prefer\n";
    struct msgs m = { 0 };

    /* Changed since we wrote it: kept. */
    write_text(path, edited, 0644);
    TE_ASSERT_INT_EQ(fileio_remove(path, ours, strlen(ours), &m), -1);
    TE_ASSERT_INT_EQ(m.errors.n, 1);
    if (m.errors.n)
        TE_ASSERT_CONTAINS(m.errors.v[0], "not removed");
    assert_text(path, edited);
    msgs_free(&m);

    /* As we wrote it: removed. */
    write_text(path, ours, 0644);
    TE_ASSERT_INT_EQ(fileio_remove(path, ours, strlen(ours), &m), 0);
    TE_ASSERT_INT_EQ(m.errors.n, 0);
    CU_ASSERT_FALSE(path_exists(path));
    msgs_free(&m);

    /* Already gone. */
    TE_ASSERT_INT_EQ(fileio_remove(path, ours, strlen(ours), &m), -1);
    TE_ASSERT_INT_EQ(m.errors.n, 1);
    assert_clean_dir(dir, 0);
    msgs_free(&m);
    free(path);
}

/* Extended attributes (a user attribute here; SELinux labels and ACLs are attributes too)
 * stay on the file across a rewrite. */
static void
test_fileio_keeps_xattrs(void)
{
    const char *dir = te_tmpdir();
    char *path = te_path(dir, "chrony.conf");
    static const char old[] = "pool 2.debian.pool.ntp.org iburst\n";
    static const char new[] = "server a.example.com iburst\n";
    struct msgs m = { 0 };
    char value[64];
    ssize_t n;

    write_text(path, old, 0644);
    CU_ASSERT_FATAL(setxattr(path, "user.te-test", "label-1", 7, 0) == 0);
    TE_ASSERT_INT_EQ(fileio_replace(path, new, strlen(new), old, strlen(old), NULL, false, &m),
                     0);
    TE_ASSERT_INT_EQ(m.errors.n, 0);
    assert_text(path, new);
    n = getxattr(path, "user.te-test", value, sizeof(value));
    TE_ASSERT_INT_EQ(n, 7);
    CU_ASSERT(n == 7 && memcmp(value, "label-1", 7) == 0);
    msgs_free(&m);
    free(path);
}

/* A file with another name (a hard link) is refused: replacing it would leave the other name
 * with the old text. */
static void
test_fileio_refuses_hard_link(void)
{
    const char *dir = te_tmpdir();
    char *path = te_path(dir, "chrony.conf"), *other = te_path(dir, "other.conf");
    static const char old[] = "pool 2.debian.pool.ntp.org iburst\n";
    static const char new[] = "server a.example.com iburst\n";
    struct msgs m = { 0 };

    write_text(path, old, 0644);
    CU_ASSERT_FATAL(link(path, other) == 0);
    TE_ASSERT_INT_EQ(fileio_replace(path, new, strlen(new), old, strlen(old), NULL, false, &m),
                     -1);
    TE_ASSERT_INT_EQ(m.errors.n, 1);
    CU_ASSERT(m.errors.n == 1 && strstr(m.errors.v[0], "hard link") != NULL);
    assert_text(path, old);
    assert_text(other, old);
    assert_clean_dir(dir, 2);
    msgs_free(&m);
    free(path);
    free(other);
}

/* read_file refuses a FIFO at once (no writer is waited for) and names the kind. */
static void
test_fileio_read_file_refuses_fifo(void)
{
    char *path = te_path(te_tmpdir(), "fifo");
    struct strbuf sb;

    sb_init(&sb);
    CU_ASSERT_FATAL(mkfifo(path, 0600) == 0);
    TE_ASSERT_INT_EQ(read_file(path, 1024, &sb), -1);
    TE_ASSERT_INT_EQ(errno, TE_ENOTREG);
    TE_ASSERT_STR_EQ(te_strerror(TE_ENOTREG), "not a regular file");
    sb_free(&sb);
    free(path);
}

/* root_open, through openat2 and through its walk name by name: absolute links, relative
 * links that climb, and ".." stay inside the root. */
static void
test_fileio_root_open_stays_inside(void)
{
    const char *dir = te_tmpdir();
    char *root = te_path(dir, "root"), *etc = te_path(dir, "root/etc"),
         *outside = te_path(dir, "outside"), *in = te_path(dir, "root/etc/real"),
         *abs_link = te_path(dir, "root/etc/abs"), *rel_link = te_path(dir, "root/etc/rel"),
         *out_link = te_path(dir, "root/etc/out"), *loop = te_path(dir, "root/etc/loop");
    int (*open_fns[])(const char *, const char *, int) = { root_open, root_open_by_hand };

    CU_ASSERT_FATAL(mkdir(root, 0755) == 0 && mkdir(etc, 0755) == 0);
    write_text(outside, "outside\n", 0644);
    write_text(in, "inside\n", 0644);
    CU_ASSERT_FATAL(symlink("/etc/real", abs_link) == 0);
    CU_ASSERT_FATAL(symlink("../../../../../../../../etc/real", rel_link) == 0);
    CU_ASSERT_FATAL(symlink(outside, out_link) == 0);
    CU_ASSERT_FATAL(symlink("loop", loop) == 0);
    for (size_t i = 0; i < 2; i++) {
        static const char *const inside[] = {
            "/etc/real", "/etc/abs", "/etc/rel", "/../../etc/real", "/etc/../etc/./real",
        };
        struct strbuf sb;
        int fd;

        sb_init(&sb);
        for (size_t j = 0; j < TE_ARRAY_LEN(inside); j++) {
            fd = open_fns[i](root, inside[j], O_RDONLY);
            te_assert_msg(fd >= 0, __LINE__, __FILE__, false, "%s (fn %zu): %s", inside[j], i,
                          strerror(errno));
            if (fd >= 0) {
                CU_ASSERT(read_fd(fd, 1024, &sb) == 0 && strcmp(sb.buf, "inside\n") == 0);
                close(fd);
            }
        }
        /* A link to the host's path of a file outside: that path inside the root. */
        fd = open_fns[i](root, "/etc/out", O_RDONLY);
        CU_ASSERT(fd < 0 && errno == ENOENT);
        if (fd >= 0)
            close(fd);
        fd = open_fns[i](root, "/etc/loop", O_RDONLY);
        CU_ASSERT(fd < 0 && errno == ELOOP);
        if (fd >= 0)
            close(fd);
        /* O_NOFOLLOW: a link as the last name is refused, in both (the journal's directory) */
        fd = open_fns[i](root, "/etc/abs", O_RDONLY | O_NOFOLLOW);
        te_assert_msg(fd < 0 && errno == ELOOP, __LINE__, __FILE__, false,
                      "O_NOFOLLOW on a link (fn %zu): %d", i, fd);
        if (fd >= 0)
            close(fd);
        sb_free(&sb);
    }
    free(root);
    free(etc);
    free(outside);
    free(in);
    free(abs_link);
    free(rel_link);
    free(out_link);
    free(loop);
}

static const struct te_test fileio_tests[] = {
    TE_TEST(test_fileio_replace_keeps_mode),
    TE_TEST(test_fileio_new_file_mode),
    TE_TEST(test_fileio_empty_content),
    TE_TEST(test_fileio_mkdir_parent),
    TE_TEST(test_fileio_refuses_changed_file),
    TE_TEST(test_fileio_refuses_other_inode),
    TE_TEST(test_fileio_refuses_symlink),
    TE_TEST(test_fileio_refuses_appeared_file),
    TE_TEST(test_fileio_read_only_directory),
    TE_TEST(test_fileio_sweeps_stale_temporaries),
    TE_TEST(test_fileio_remove),
    TE_TEST(test_fileio_keeps_xattrs),
    TE_TEST(test_fileio_refuses_hard_link),
    TE_TEST(test_fileio_read_file_refuses_fifo),
    TE_TEST(test_fileio_root_open_stays_inside),
    TE_TESTS_END,
};

static const struct te_suite suites[] = {
    { "fileio", fileio_tests },
    TE_SUITES_END,
};

TE_CUNIT_MAIN(suites)
