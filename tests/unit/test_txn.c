/* SPDX-License-Identifier: Apache-2.0 */
/* test_txn: the journal undoes a run; a journal that cannot be trusted, or that names a file
 * te-ntp-setup does not manage, is not obeyed; the undo restores content only. */
#include "config.h"

#include <fcntl.h>
#include <string.h>

#include "fileio.h"
#include "hostinfo.h"
#include "msgs.h"
#include "paths.h"
#include "strbuf.h"
#include "strv.h"
#include "txn.h"

#include "cunit_main.h"

static const char old_text[] = "pool 2.debian.pool.ntp.org iburst\n";
static const char new_text[] = "server a.example.com iburst\n";

static void
write_text(const char *path, const char *text)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    size_t len = strlen(text);

    CU_ASSERT_FATAL(fd >= 0);
    CU_ASSERT_FATAL(write(fd, text, len) == (ssize_t)len);
    close(fd);
}

/* A root with etc/chrony.conf holding old_text; its path (free() it). */
static char *
make_root(void)
{
    char *root = te_path(te_tmpdir(), "root"), *etc = te_path(root, "etc"),
         *conf = te_path(root, "etc/chrony.conf");

    CU_ASSERT_FATAL(mkdir(root, 0755) == 0 && mkdir(etc, 0755) == 0);
    write_text(conf, old_text);
    free(etc);
    free(conf);
    return root;
}

/* Run a change of etc/chrony.conf to new_text through the journal, as apply does. */
static void
journaled_change(const char *root, const char *target)
{
    char *conf = root_path(root, target);
    struct msgs m = { 0 };
    struct txn *t = txn_begin(root, &m);
    struct stat st;

    CU_ASSERT_PTR_NOT_NULL_FATAL(t);
    CU_ASSERT_FATAL(stat(conf, &st) == 0);
    TE_ASSERT_INT_EQ(txn_record_implementation(t, "chrony"), 0);
    TE_ASSERT_INT_EQ(txn_record_file(t, conf, true, &st, old_text, strlen(old_text), new_text,
                                     strlen(new_text)), 0);
    TE_ASSERT_INT_EQ(fileio_replace_in(root, conf, new_text, strlen(new_text), old_text,
                                       strlen(old_text), &st, false, &m), 0);
    TE_ASSERT_INT_EQ(txn_commit(t), 0);
    TE_ASSERT_INT_EQ(m.errors.n, 0);
    msgs_free(&m);
    free(conf);
}

/* rollback of root: its result, and its messages joined in *errors (free() it). */
static int
rollback(const char *root, char **errors)
{
    struct hostinfo h;
    struct msgs m = { 0 };
    struct strv actions = { 0 };
    int rc;

    hostinfo_read(&h, root, &m);
    rc = txn_rollback(&h, &actions, &m);
    *errors = strv_join(&m.errors);
    strv_free(&actions);
    msgs_free(&m);
    hostinfo_free(&h);
    return rc;
}

static void
assert_conf(const char *root, const char *text)
{
    char *conf = te_path(root, "etc/chrony.conf");
    struct strbuf sb;

    sb_init(&sb);
    CU_ASSERT_FATAL(read_file(conf, 4096, &sb) == 0);
    TE_ASSERT_STR_EQ(sb.buf, text);
    sb_free(&sb);
    free(conf);
}

static void
test_txn_rollback_restores(void)
{
    char *root = make_root(), *errors;

    journaled_change(root, "/etc/chrony.conf");
    assert_conf(root, new_text);
    TE_ASSERT_INT_EQ(rollback(root, &errors), 0);
    TE_ASSERT_STR_EQ(errors, "");
    assert_conf(root, old_text);
    free(errors);
    /* Done: nothing more to undo. */
    TE_ASSERT_INT_EQ(rollback(root, &errors), 1);
    free(errors);
    free(root);
}

static void
test_txn_untrusted_journal_refused(void)
{
    char *root = make_root(), *errors;
    char *last = te_path(root, "var/lib/te-ntp-setup/last");
    char *journal = te_path(root, "var/lib/te-ntp-setup/last/journal");

    journaled_change(root, "/etc/chrony.conf");
    CU_ASSERT_FATAL(chmod(last, 0777) == 0);
    TE_ASSERT_INT_EQ(rollback(root, &errors), -1);
    TE_ASSERT_CONTAINS(errors, "last: not trusted: writable by others");
    assert_conf(root, new_text);
    free(errors);
    CU_ASSERT_FATAL(chmod(last, 0700) == 0 && chmod(journal, 0622) == 0);
    TE_ASSERT_INT_EQ(rollback(root, &errors), -1);
    TE_ASSERT_CONTAINS(errors, "journal: not trusted: writable by others");
    assert_conf(root, new_text);
    free(errors);
    CU_ASSERT_FATAL(chmod(journal, 0600) == 0);
    TE_ASSERT_INT_EQ(rollback(root, &errors), 0);
    assert_conf(root, old_text);
    free(errors);
    free(last);
    free(journal);
    free(root);
}

/* A journal may name only the files of its implementation that te-ntp-setup manages. */
static void
test_txn_unmanaged_path_refused(void)
{
    char *root = make_root(), *errors;
    char *journal = te_path(root, "var/lib/te-ntp-setup/last/journal");
    char *passwd = te_path(root, "etc/passwd");
    struct strbuf sb;

    write_text(passwd, old_text);
    journaled_change(root, "/etc/passwd");
    sb_init(&sb);
    CU_ASSERT_FATAL(read_file(journal, 4096, &sb) == 0);
    TE_ASSERT_CONTAINS(sb.buf, "implementation chrony\n");
    TE_ASSERT_INT_EQ(rollback(root, &errors), -1);
    TE_ASSERT_CONTAINS(errors, "\"/etc/passwd\" is not a file te-ntp-setup manages for chrony");
    CU_ASSERT_FATAL(read_file(passwd, 4096, &sb) == 0);
    TE_ASSERT_STR_EQ(sb.buf, new_text);
    sb_free(&sb);
    free(errors);
    free(journal);
    free(passwd);
    free(root);
}

/* The journal's mode is not applied: a set-user-ID bit it asks for never appears. */
static void
test_txn_restores_content_only(void)
{
    char *root = make_root(), *errors;
    char *journal = te_path(root, "var/lib/te-ntp-setup/last/journal");
    char *conf = te_path(root, "etc/chrony.conf");
    struct strbuf sb;
    struct stat st;
    char *p;

    journaled_change(root, "/etc/chrony.conf");
    sb_init(&sb);
    CU_ASSERT_FATAL(read_file(journal, 4096, &sb) == 0);
    p = strstr(sb.buf, "file 0 1 644 ");
    CU_ASSERT_PTR_NOT_NULL_FATAL(p);
    {
        struct strbuf edited;

        sb_init(&edited);
        sb_append_len(&edited, sb.buf, (size_t)(p - sb.buf));
        sb_append(&edited, "file 0 1 6755 ");
        sb_append(&edited, p + strlen("file 0 1 644 "));
        CU_ASSERT_FATAL(unlink(journal) == 0);
        write_text(journal, edited.buf);
        CU_ASSERT_FATAL(chmod(journal, 0600) == 0);
        sb_free(&edited);
    }
    TE_ASSERT_INT_EQ(rollback(root, &errors), 0);
    assert_conf(root, old_text);
    CU_ASSERT_FATAL(stat(conf, &st) == 0);
    TE_ASSERT_INT_EQ(st.st_mode & 07777, 0644);
    sb_free(&sb);
    free(errors);
    free(journal);
    free(conf);
    free(root);
}

static const struct te_test txn_tests[] = {
    TE_TEST(test_txn_rollback_restores),
    TE_TEST(test_txn_untrusted_journal_refused),
    TE_TEST(test_txn_unmanaged_path_refused),
    TE_TEST(test_txn_restores_content_only),
    TE_TESTS_END,
};

static const struct te_suite suites[] = {
    { "txn", txn_tests },
    TE_SUITES_END,
};

TE_CUNIT_MAIN(suites)
