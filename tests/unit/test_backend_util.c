/* SPDX-License-Identifier: Apache-2.0 */
/* test_backend_util: the daemons' own configuration checks (daemon_check_files), with
 * /bin/cat standing in for the daemon: it prints the planned text it is given, as a daemon
 * prints its complaint about it; shell-variables files read and edited in place. */
#include "config.h"

#include <string.h>

#include "alloc.h"
#include "augtree.h"
#include "daemon-check.h"
#include "hostinfo.h"
#include "lineedit.h"
#include "msgs.h"
#include "paths.h"
#include "plan.h"
#include "serve.h"
#include "settings.h"
#include "shellvar.h"
#include "strv.h"
#include "cunit_main.h"
#include "strbuf.h"

/* cat's run of text as the planned /etc/ntp.conf under daemon_check_files, with marker
 * (NULL: none): its return value; the errors in m. */
static int
check_cat(const char *const *argv, const char *text, const char *marker, struct msgs *m)
{
    struct file_change f;
    struct file_change *files[] = { &f };
    const struct daemon_check c = {
        .daemon = "ntpd", .argv = argv, .comment = '#', .marker = marker,
    };
    char path[] = "/etc/ntp.conf";
    struct plan p;
    int rc;

    memset(&p, 0, sizeof(p));
    memset(&f, 0, sizeof(f));
    memset(m, 0, sizeof(*m));
    p.m = m;
    f.path = path;
    f.disk_path = path;
    sb_init(&f.before);
    sb_init(&f.after);
    sb_append(&f.after, text);
    rc = daemon_check_files(&p, &c, files, 1);
    sb_free(&f.before);
    sb_free(&f.after);
    return rc;
}

static const char *const cat_argv[] = { "/bin/cat", DAEMON_CHECK_FILE, NULL };

/* ntpd 4.2.8 --saveconfigquit logs a syntax error and exits 0: still a rejection, quoting
 * its line after the "ntpd[pid]: " prefix. */
static void
test_backend_util_marker_rejects_exit_0(void)
{
    struct msgs m;

    TE_ASSERT_INT_EQ(check_cat(cat_argv, "server 192.0.2.1\n"
                               " 2 Dec 20:15:10 ntpd[16]: line 1 column 13 syntax error, "
                               "unexpected T_String\n", "syntax error", &m), -1);
    CU_ASSERT_EQUAL(m.errors.n, 1);
    if (m.errors.n == 1) {
        /* the file's name first; ntpd's "line N" is put in terms of that file */
        CU_ASSERT_EQUAL(strncmp(m.errors.v[0], "/etc/ntp.conf", 13), 0);
        TE_ASSERT_CONTAINS(m.errors.v[0], "ntpd rejects the planned configuration: line 1 ");
        TE_ASSERT_CONTAINS(m.errors.v[0], "column 13 syntax error, unexpected T_String (");
        TE_ASSERT_CONTAINS(m.errors.v[0], "/bin/cat exited 0, reporting the error; nothing "
                           "was written");
    }
    msgs_free(&m);
}

/* Output without the marker, exit 0: accepted, no message. */
static void
test_backend_util_marker_accepts_clean_output(void)
{
    struct msgs m;

    TE_ASSERT_INT_EQ(check_cat(cat_argv, "server 192.0.2.1 iburst\n", "syntax error", &m), 0);
    CU_ASSERT_EQUAL(m.errors.n, 0);
    msgs_free(&m);
}

/* Without a marker the exit status alone judges. */
static void
test_backend_util_check_exit_status(void)
{
    const char *const fails[] = { "/bin/false", NULL };
    struct msgs m;

    TE_ASSERT_INT_EQ(check_cat(cat_argv, "line 1 column 0 syntax error\n", NULL, &m), 0);
    CU_ASSERT_EQUAL(m.errors.n, 0);
    msgs_free(&m);
    TE_ASSERT_INT_EQ(check_cat(fails, "server 192.0.2.1\n", NULL, &m), -1);
    CU_ASSERT_EQUAL(m.errors.n, 1);
    msgs_free(&m);
}

/* ---- shell-variables files (/etc/default/x) ---- */

/* A root in the test's directory whose /etc/default/ntpsec holds text. */
static char *
defaults_root(const char *text)
{
    char *root = te_path(te_tmpdir(), "r"), *etc = te_path(root, "etc");
    char *dir = te_path(etc, "default"), *file = te_path(dir, "ntpsec");
    FILE *f;

    CU_ASSERT_FATAL(mkdir(root, 0755) == 0 && mkdir(etc, 0755) == 0 && mkdir(dir, 0755) == 0);
    f = fopen(file, "w");
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    fputs(text, f);
    fclose(f);
    free(file);
    free(dir);
    free(etc);
    return root;
}

/* Read as sh would: quotes removed, "export" allowed, the last one wins; edited through the
 * Shellvars lens: only the value's bytes of the last assignment change, a new variable goes
 * at the end after its comment, the same value or a missing file plans nothing. */
static void
test_backend_util_shell_var(void)
{
    char *root = defaults_root("NTPD_OPTS='-g'\n export NTPD_OPTS=\"-g -N\"\nX=1\n");
    const char *lens = getenv("TE_NTP_SETUP_LENSDIR");
    char *v, *lensdir = xstrdup(lens && *lens ? lens : "../lenses");
    struct settings s;
    struct hostinfo h;
    struct msgs m = { 0 };
    struct augtree *aug;
    struct plan p;
    bool changed;

    settings_init(&s);
    s.root = xstrdup(root);
    hostinfo_read(&h, root, &m);
    TE_ASSERT_INT_EQ(shellvar_get(&h, "/etc/default/ntpsec", "NTPD_OPTS", &v, &m), 0);
    TE_ASSERT_STR_EQ(v, "-g -N");
    free(v);
    TE_ASSERT_INT_EQ(shellvar_get(&h, "/etc/default/ntpsec", "NTPD", &v, &m), 0);
    CU_ASSERT_PTR_NULL(v);
    aug = augtree_new(lensdir, &m);
    CU_ASSERT_PTR_NOT_NULL_FATAL(aug);
    plan_init(&p, &s, &h, &backend_ntpsec, aug, &m);
    TE_ASSERT_INT_EQ(shellvar_set(&p, "/etc/default/ntpsec", "NTPD_OPTS", "-g -N",
                                  NULL, &changed), 0);
    CU_ASSERT_FALSE(changed);
    TE_ASSERT_INT_EQ(shellvar_set(&p, "/etc/default/ntpsec", "NTPD_OPTS", "-N",
                                  NULL, &changed), 0);
    CU_ASSERT_TRUE(changed);
    TE_ASSERT_INT_EQ(shellvar_set(&p, "/etc/default/ntpsec", "IGNORE_DHCP", "yes",
                                  "why", &changed), 0);
    TE_ASSERT_INT_EQ(shellvar_set(&p, "/etc/default/no", "X", "1", NULL, &changed), 1);
    TE_ASSERT_INT_EQ(plan_render(&p), 0);
    TE_ASSERT_STR_EQ(p.files[0]->after.buf, "NTPD_OPTS='-g'\n export NTPD_OPTS=\"-N\"\nX=1\n"
                                            "# why\nIGNORE_DHCP=\"yes\"\n");
    TE_ASSERT_INT_EQ(m.errors.n, 0);
    plan_free(&p);
    augtree_free(aug);
    hostinfo_free(&h);
    settings_free(&s);
    msgs_free(&m);
    free(lensdir);
    free(root);
}

static const struct te_test backend_util_tests[] = {
    TE_TEST(test_backend_util_marker_rejects_exit_0),
    TE_TEST(test_backend_util_marker_accepts_clean_output),
    TE_TEST(test_backend_util_check_exit_status),
    TE_TEST(test_backend_util_shell_var),
    TE_TESTS_END,
};
static const struct te_suite suites[] = {
    { "backend_util", backend_util_tests },
    TE_SUITES_END,
};
TE_CUNIT_MAIN(suites)
