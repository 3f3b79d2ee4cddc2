/* SPDX-License-Identifier: Apache-2.0 */
/* test_hostinfo: the facts read from a root (hostinfo.c): os-release (also through a link
 * inside the image), the generic defaults without one, the init system by the files of the
 * image, and paths that stay inside the root. */
#include "config.h"

#include <limits.h>
#include <string.h>
#include <unistd.h>

#include "alloc.h"
#include "hostinfo.h"
#include "msgs.h"
#include "paths.h"
#include "strv.h"
#include "cunit_main.h"

static char fixtures_dir[PATH_MAX];

static int
find_sources(void)
{
    const char *top = getenv("top_srcdir");

    snprintf(fixtures_dir, sizeof(fixtures_dir), "%s/tests/fixtures", top && *top ? top : "..");
    if (!is_dir(fixtures_dir))
        te_skip_program("the fixtures were not found: set top_srcdir");
    return 0;
}

/* Make the directories of rel (a path under root, "a/b/c": a, a/b and a/b/c). */
static void
make_dirs(const char *root, const char *rel)
{
    char *path = te_path(root, rel);

    for (char *c = path + strlen(root) + 1; ; c++) {
        if (*c == '/' || *c == '\0') {
            char keep = *c;

            *c = '\0';
            CU_ASSERT_FATAL(mkdir(path, 0755) == 0 || errno == EEXIST);
            *c = keep;
            if (!keep)
                break;
        }
    }
    free(path);
}

/* Create the (empty, or text) file rel under root, with its directories. */
static void
make_file(const char *root, const char *rel, const char *text)
{
    char *path = te_path(root, rel);
    char *dir = xstrdup(rel);
    FILE *f;

    if (strrchr(dir, '/')) {
        *strrchr(dir, '/') = '\0';
        make_dirs(root, dir);
    }
    f = fopen(path, "w");
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    fputs(text, f);
    fclose(f);
    free(dir);
    free(path);
}

/* A new empty root in the test's directory. */
static char *
new_root(void)
{
    char *root = te_path(te_tmpdir(), "root");

    CU_ASSERT_FATAL(mkdir(root, 0755) == 0);
    return root;
}

/* RHEL 9's os-release: its ID, ID_LIKE, version and name, quotes removed. */
static void
test_hostinfo_fixture_rhel(void)
{
    char *root = te_path(fixtures_dir, "rhel-9");
    struct hostinfo h;
    struct msgs m = { 0 };

    TE_ASSERT_INT_EQ(hostinfo_read(&h, root, &m), 0);
    CU_ASSERT_FALSE(h.live);
    TE_ASSERT_STR_EQ(h.root, root);
    TE_ASSERT_STR_EQ(h.os_id, "rhel");
    TE_ASSERT_STR_EQ(h.os_id_like, "fedora");
    TE_ASSERT_STR_EQ(h.os_version_id, "9.4");
    TE_ASSERT_STR_EQ(h.os_pretty, "Red Hat Enterprise Linux 9.4 (Plow)");
    CU_ASSERT_TRUE(hostinfo_is_like(&h, "rhel"));
    CU_ASSERT_TRUE(hostinfo_is_like(&h, "fedora"));
    CU_ASSERT_FALSE(hostinfo_is_like(&h, "debian"));
    CU_ASSERT_FALSE(hostinfo_is_like(&h, "fed"));
    hostinfo_free(&h);
    msgs_free(&m);
    free(root);
}

/* CentOS 7 is like RHEL through its ID_LIKE list. */
static void
test_hostinfo_fixture_centos_like_rhel(void)
{
    char *root = te_path(fixtures_dir, "centos7-ntp");
    struct hostinfo h;
    struct msgs m = { 0 };

    hostinfo_read(&h, root, &m);
    TE_ASSERT_STR_EQ(h.os_id, "centos");
    CU_ASSERT_TRUE(hostinfo_is_like(&h, "rhel"));
    CU_ASSERT_TRUE(hostinfo_is_like(&h, "centos"));
    hostinfo_free(&h);
    msgs_free(&m);
    free(root);
}

/* Without os-release: a generic "linux", said in a note, no init system known. */
static void
test_hostinfo_defaults(void)
{
    char *root = new_root();
    struct hostinfo h;
    struct msgs m = { 0 };

    TE_ASSERT_INT_EQ(hostinfo_read(&h, root, &m), 0);
    TE_ASSERT_STR_EQ(h.os_id, "linux");
    TE_ASSERT_STR_EQ(h.os_id_like, "");
    TE_ASSERT_STR_EQ(h.os_version_id, "");
    TE_ASSERT_STR_EQ(h.os_pretty, "linux");
    TE_ASSERT_INT_EQ(h.init, INIT_UNKNOWN);
    TE_ASSERT_INT_EQ(m.notes.n >= 1, 1);
    if (m.notes.n)
        TE_ASSERT_CONTAINS(m.notes.v[0], "no os-release file found");
    TE_ASSERT_INT_EQ(m.errors.n, 0);
    hostinfo_free(&h);
    msgs_free(&m);
    free(root);
}

/* /etc/os-release as an absolute link (as on most systems) is read in the image, not on the
 * host: /usr/lib/os-release of the image. */
static void
test_hostinfo_os_release_link_in_image(void)
{
    char *root = new_root();
    char *link;
    struct hostinfo h;
    struct msgs m = { 0 };

    make_file(root, "usr/lib/os-release", "ID=teimage\nVERSION_ID='1.2'\n");
    make_dirs(root, "etc");
    link = te_path(root, "etc/os-release");
    CU_ASSERT_FATAL(symlink("/usr/lib/os-release", link) == 0);
    hostinfo_read(&h, root, &m);
    TE_ASSERT_STR_EQ(h.os_id, "teimage");
    TE_ASSERT_STR_EQ(h.os_version_id, "1.2");
    TE_ASSERT_STR_EQ(h.os_pretty, "teimage");
    hostinfo_free(&h);
    msgs_free(&m);
    free(link);
    free(root);
}

/* The init system of an image: OpenRC's programs first, then systemd's, then init.d. */
static void
test_hostinfo_init_of_image(void)
{
    static const struct {
        const char *files[2];
        enum init_system want;
    } cases[] = {
        { { "sbin/openrc-run", "lib/systemd/systemd" }, INIT_OPENRC },
        { { "usr/lib/systemd/systemd", "etc/init.d/chrony" }, INIT_SYSTEMD },
        { { "lib/systemd/systemd", NULL }, INIT_SYSTEMD },
        { { "etc/init.d/ntp", NULL }, INIT_SYSV },
    };

    for (size_t i = 0; i < TE_ARRAY_LEN(cases); i++) {
        char *name = xasprintf("root%zu", i);
        char *root = te_path(te_tmpdir(), name);
        struct hostinfo h;
        struct msgs m = { 0 };

        CU_ASSERT_FATAL(mkdir(root, 0755) == 0);
        for (size_t j = 0; j < 2 && cases[i].files[j]; j++)
            make_file(root, cases[i].files[j], "");
        hostinfo_read(&h, root, &m);
        te_assert_msg(h.init == cases[i].want, __LINE__, __FILE__, false,
                      "case %zu: init %s, expected %s", i, hostinfo_init_name(h.init),
                      hostinfo_init_name(cases[i].want));
        hostinfo_free(&h);
        msgs_free(&m);
        free(root);
        free(name);
    }
    TE_ASSERT_STR_EQ(hostinfo_init_name(INIT_SYSTEMD), "systemd");
    TE_ASSERT_STR_EQ(hostinfo_init_name(INIT_OPENRC), "openrc");
    TE_ASSERT_STR_EQ(hostinfo_init_name(INIT_SYSV), "sysv");
    TE_ASSERT_STR_EQ(hostinfo_init_name(INIT_UNKNOWN), "unknown");
}

/* Paths under the root: inside unless a link in the image leads out of it; a path that
 * does not exist yet is judged by its deepest existing ancestor. */
static void
test_hostinfo_paths_inside(void)
{
    char *root = new_root();
    char *out, *link, *p;
    struct hostinfo h;
    struct msgs m = { 0 };

    make_dirs(root, "etc/chrony");
    out = te_path(te_tmpdir(), "outside");
    CU_ASSERT_FATAL(mkdir(out, 0755) == 0);
    link = te_path(root, "etc/escape");
    CU_ASSERT_FATAL(symlink("../../outside", link) == 0);
    hostinfo_read(&h, root, &m);
    p = hostinfo_path(&h, "/etc/chrony/chrony.conf");
    TE_ASSERT_STR_EQ(p + strlen(root), "/etc/chrony/chrony.conf");
    CU_ASSERT_EQUAL(strncmp(p, root, strlen(root)), 0);
    CU_ASSERT_TRUE(hostinfo_inside(&h, p));
    free(p);
    p = hostinfo_path(&h, "/etc/chrony/conf.d/new/x.conf");
    CU_ASSERT_TRUE(hostinfo_inside(&h, p));
    free(p);
    p = hostinfo_path(&h, "/etc/escape/chrony.conf");
    CU_ASSERT_FALSE(hostinfo_inside(&h, p));
    free(p);
    CU_ASSERT_TRUE(hostinfo_exists(&h, "/etc/chrony"));
    CU_ASSERT_FALSE(hostinfo_exists(&h, "/etc/ntp.conf"));
    hostinfo_free(&h);
    msgs_free(&m);
    free(link);
    free(out);
    free(root);
}

static const struct te_test hostinfo_tests[] = {
    TE_TEST(test_hostinfo_fixture_rhel),
    TE_TEST(test_hostinfo_fixture_centos_like_rhel),
    TE_TEST(test_hostinfo_defaults),
    TE_TEST(test_hostinfo_os_release_link_in_image),
    TE_TEST(test_hostinfo_init_of_image),
    TE_TEST(test_hostinfo_paths_inside),
    TE_TESTS_END,
};

static const struct te_suite suites[] = {
    { "hostinfo", hostinfo_tests },
    TE_SUITES_END,
};

TE_CUNIT_MAIN_SETUP(suites, find_sources)
