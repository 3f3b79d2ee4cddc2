/* SPDX-License-Identifier: Apache-2.0 */
/* test_buildtree: only a program with a sound build-tree marker next to it honours the
 * test variables; any other program clears them. */
#include "config.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buildtree.h"

#include "cunit_main.h"

#define INSTALLED "/usr/share/te-ntp-setup/lenses"

/* Write text to name in the test's directory with mode; the path, newly allocated. */
static char *
put(const char *name, const char *text, mode_t mode)
{
    char *path = te_path(te_tmpdir(), name);
    FILE *f = fopen(path, "w");

    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    fputs(text, f);
    fclose(f);
    CU_ASSERT_EQUAL(chmod(path, mode), 0);
    return path;
}

static void
set_test_vars(void)
{
    setenv("TE_NTP_SETUP_LENSDIR", "/attacker/lenses", 1);
    setenv("TE_NTP_SETUP_SBIN", "/attacker/sbin", 1);
    setenv("AUGEAS_LENS_LIB", "/attacker/augeas", 1);
}

static bool
test_vars_cleared(void)
{
    return !getenv("TE_NTP_SETUP_LENSDIR") && !getenv("TE_NTP_SETUP_SBIN") &&
           !getenv("AUGEAS_LENS_LIB");
}

/* The program with the given marker (mode; NULL text: none) is treated as installed: the
 * test variables are cleared and the lens directory is the installed one. */
static void
expect_installed(const char *marker_text, mode_t mode)
{
    char *exe = put("te-ntp-setup", "", 0755), *marker = NULL, *dir;
    bool test_build = true;

    if (marker_text)
        marker = put(BUILDTREE_MARKER, marker_text, mode);
    set_test_vars();
    dir = buildtree_setup(exe, INSTALLED, &test_build);
    CU_ASSERT_FALSE(test_build);
    CU_ASSERT_STRING_EQUAL(dir, INSTALLED);
    CU_ASSERT_TRUE(test_vars_cleared());
    free(dir);
    free(exe);
    free(marker);
}

static void
test_buildtree_no_marker(void)
{
    expect_installed(NULL, 0);
}

static void
test_buildtree_marker(void)
{
    char *exe = put("te-ntp-setup", "", 0755);
    char *marker = put(BUILDTREE_MARKER, "/src/te-ntp-setup/lenses\n", 0644);
    bool test_build = false;
    char *dir;

    unsetenv("TE_NTP_SETUP_LENSDIR");
    dir = buildtree_setup(exe, INSTALLED, &test_build);
    CU_ASSERT_TRUE(test_build);
    CU_ASSERT_STRING_EQUAL(dir, "/src/te-ntp-setup/lenses");
    free(dir);

    set_test_vars();
    dir = buildtree_setup(exe, INSTALLED, &test_build);
    CU_ASSERT_TRUE(test_build);
    CU_ASSERT_STRING_EQUAL(dir, "/attacker/lenses");
    CU_ASSERT_STRING_EQUAL(getenv("TE_NTP_SETUP_SBIN"), "/attacker/sbin");
    CU_ASSERT_STRING_EQUAL(getenv("AUGEAS_LENS_LIB"), "/attacker/augeas");
    free(dir);
    free(exe);
    free(marker);
}

static void
test_buildtree_marker_writable_by_others(void)
{
    expect_installed("/src/lenses\n", 0664);
    expect_installed("/src/lenses\n", 0646);
}

static void
test_buildtree_marker_relative_or_empty(void)
{
    expect_installed("lenses\n", 0644);
    expect_installed("", 0644);
}

static void
test_buildtree_marker_symlink(void)
{
    char *real = put("elsewhere", "/src/lenses\n", 0644);
    char *link = te_path(te_tmpdir(), BUILDTREE_MARKER);

    CU_ASSERT_EQUAL_FATAL(symlink(real, link), 0);
    expect_installed(NULL, 0);
    free(real);
    free(link);
}

static void
test_buildtree_marker_directory(void)
{
    char *dir = te_path(te_tmpdir(), BUILDTREE_MARKER);

    CU_ASSERT_EQUAL_FATAL(mkdir(dir, 0755), 0);
    expect_installed(NULL, 0);
    free(dir);
}

/* A marker that another user owns does not count (root can give it away to test this). */
static void
test_buildtree_marker_other_owner(void)
{
    char *exe = put("te-ntp-setup", "", 0755);
    char *marker = put(BUILDTREE_MARKER, "/src/lenses\n", 0644);

    if (geteuid() == 0) {
        CU_ASSERT_EQUAL_FATAL(chown(marker, 65534, 65534), 0);
        CU_ASSERT_FALSE(buildtree_marker(exe, NULL));
        CU_ASSERT_EQUAL_FATAL(chown(exe, 65534, 65534), 0);
        CU_ASSERT_TRUE(buildtree_marker(exe, NULL));
    } else {
        CU_ASSERT_TRUE(buildtree_marker(exe, NULL));
    }
    free(exe);
    free(marker);
}

static void
test_buildtree_unknown_program(void)
{
    char *marker = put(BUILDTREE_MARKER, "/src/lenses\n", 0644);
    bool test_build = true;
    char *dir;

    set_test_vars();
    dir = buildtree_setup(NULL, INSTALLED, &test_build);
    CU_ASSERT_FALSE(test_build);
    CU_ASSERT_STRING_EQUAL(dir, INSTALLED);
    CU_ASSERT_TRUE(test_vars_cleared());
    free(dir);
    CU_ASSERT_FALSE(buildtree_marker("te-ntp-setup", NULL));
    free(marker);
}

static const struct te_test buildtree_tests[] = {
    TE_TEST(test_buildtree_no_marker),
    TE_TEST(test_buildtree_marker),
    TE_TEST(test_buildtree_marker_writable_by_others),
    TE_TEST(test_buildtree_marker_relative_or_empty),
    TE_TEST(test_buildtree_marker_symlink),
    TE_TEST(test_buildtree_marker_directory),
    TE_TEST(test_buildtree_marker_other_owner),
    TE_TEST(test_buildtree_unknown_program),
    TE_TESTS_END,
};

static const struct te_suite suites[] = {
    { "buildtree", buildtree_tests },
    TE_SUITES_END,
};

TE_CUNIT_MAIN(suites)
