/* SPDX-License-Identifier: Apache-2.0 */
/* cunit_main.h: the runner every unit test program shares.
 *
 * A test file includes this header, writes its tests, lists them in one suite per module
 * and ends with TE_CUNIT_MAIN(suites):
 *
 *     static const struct te_test names_tests[] = {
 *         TE_TEST(test_names_valid),
 *         TE_TESTS_END,
 *     };
 *     static const struct te_suite suites[] = {
 *         { "names", names_tests },
 *         TE_SUITES_END,
 *     };
 *     TE_CUNIT_MAIN(suites)
 *
 * Every test runs with a fresh temporary directory (te_tmpdir(), made by mkdtemp under
 * $TMPDIR or /tmp before the test and removed with everything in it afterwards, also when a
 * fatal assertion ended the test), so tests never share state.
 *
 * Exit status (for make check): 0 all passed, 1 a test or an assertion failed, 77 skipped
 * (te_skip_program; 99 instead when TE_REQUIRE_ALL=1), 99 a framework error (CUnit itself,
 * or a suite that could not start). */
#ifndef TE_CUNIT_MAIN_H
#define TE_CUNIT_MAIN_H

#include <CUnit/Basic.h>
#include <errno.h>
#include <ftw.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct te_test {
    const char *name;
    CU_TestFunc fn;
};

struct te_suite {
    const char *name;
    const struct te_test *tests;
};

#define TE_TEST(fn) { #fn, fn }
#define TE_TESTS_END { NULL, NULL }
#define TE_SUITES_END { NULL, NULL }

/* ---- the per-test temporary directory ------------------------------------------------ */

static char *te_tmp_path;

/* Make every directory under the tree writable, so that a test that took the write
 * permission away (chmod 0555) does not leave its directory behind. */
static inline int
te_rm_prepare(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
    (void)ftw;
    if (type == FTW_D || type == FTW_DNR)
        chmod(path, (st->st_mode & 07777) | 0700);
    return 0;
}

static inline int
te_rm_entry(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
    (void)st;
    (void)ftw;
    if (type == FTW_DP || type == FTW_D || type == FTW_DNR)
        rmdir(path);
    else
        unlink(path);
    return 0;
}

/* Remove path and everything under it (never following symbolic links). */
static inline void
te_rm_tree(const char *path)
{
    nftw(path, te_rm_prepare, 16, FTW_PHYS);
    nftw(path, te_rm_entry, 16, FTW_PHYS | FTW_DEPTH);
}

static inline void
te_tmpdir_setup(void)
{
    const char *base = getenv("TMPDIR");
    size_t n;

    if (!base || !*base)
        base = "/tmp";
    n = strlen(base) + sizeof("/te-ntp-setup-test.XXXXXX");
    te_tmp_path = malloc(n);
    if (!te_tmp_path)
        return;
    snprintf(te_tmp_path, n, "%s/te-ntp-setup-test.XXXXXX", base);
    if (!mkdtemp(te_tmp_path)) {
        fprintf(stderr, "mkdtemp %s: %s\n", te_tmp_path, strerror(errno));
        free(te_tmp_path);
        te_tmp_path = NULL;
    }
}

static inline void
te_tmpdir_teardown(void)
{
    if (te_tmp_path) {
        te_rm_tree(te_tmp_path);
        free(te_tmp_path);
        te_tmp_path = NULL;
    }
}

/* The current test's own empty directory; the test stops (a failure) when there is none. */
static inline const char *
te_tmpdir_at(unsigned line, const char *file)
{
    if (!te_tmp_path)
        CU_assertImplementation(CU_FALSE, line, "no temporary directory for this test", file,
                                "", CU_TRUE);
    return te_tmp_path;
}
#define te_tmpdir() te_tmpdir_at(__LINE__, __FILE__)

/* A newly allocated "dir/name" (free() it). */
static inline char *
te_path(const char *dir, const char *name)
{
    size_t n = strlen(dir) + strlen(name) + 2;
    char *p = malloc(n);

    if (p)
        snprintf(p, n, "%s/%s", dir, name);
    return p;
}

/* ---- assertions that show the values ------------------------------------------------- */

/* Record an assertion with a message built at run time (CUnit copies the text). */
static inline void
te_assert_msg(bool ok, unsigned line, const char *file, bool fatal, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

static inline void
te_assert_msg(bool ok, unsigned line, const char *file, bool fatal, const char *fmt, ...)
{
    char buf[2048];
    va_list ap;

    if (ok) {
        CU_assertImplementation(CU_TRUE, line, "", file, "", CU_FALSE);
        return;
    }
    va_start(ap, fmt);
    vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    CU_assertImplementation(CU_FALSE, line, buf, file, "", fatal ? CU_TRUE : CU_FALSE);
}

/* haystack contains needle (both strings; a NULL haystack fails). */
#define TE_ASSERT_CONTAINS(hay, needle)                                                      \
    do {                                                                                    \
        const char *te_h_ = (hay), *te_n_ = (needle);                                       \
        te_assert_msg(te_h_ && strstr(te_h_, te_n_), __LINE__, __FILE__, false,              \
                      "\"%s\" does not contain \"%s\"", te_h_ ? te_h_ : "(null)", te_n_);   \
    } while (0)

/* haystack does not contain needle. */
#define TE_ASSERT_NOT_CONTAINS(hay, needle)                                                  \
    do {                                                                                    \
        const char *te_h_ = (hay), *te_n_ = (needle);                                       \
        te_assert_msg(te_h_ && !strstr(te_h_, te_n_), __LINE__, __FILE__, false,             \
                      "\"%s\" contains \"%s\"", te_h_ ? te_h_ : "(null)", te_n_);           \
    } while (0)

/* Two strings are equal; both are shown when they are not. */
#define TE_ASSERT_STR_EQ(actual, expected)                                                   \
    do {                                                                                    \
        const char *te_a_ = (actual), *te_e_ = (expected);                                  \
        te_assert_msg(te_a_ && te_e_ && strcmp(te_a_, te_e_) == 0, __LINE__, __FILE__, false,\
                      "got:\n%s\nexpected:\n%s", te_a_ ? te_a_ : "(null)",                  \
                      te_e_ ? te_e_ : "(null)");                                            \
    } while (0)

/* Two integers are equal; both are shown when they are not. */
#define TE_ASSERT_INT_EQ(actual, expected)                                                   \
    do {                                                                                    \
        long long te_a_ = (long long)(actual), te_e_ = (long long)(expected);               \
        te_assert_msg(te_a_ == te_e_, __LINE__, __FILE__, false, "%s is %lld, expected %lld", \
                      #actual, te_a_, te_e_);                                               \
    } while (0)

/* ---- the runner ---------------------------------------------------------------------- */

static bool te_skip_requested;

/* Skip the whole program (exit 77) with the reason, e.g. when its fixtures are missing; with
 * TE_REQUIRE_ALL=1 (CI: nothing may skip) that fails it instead (exit 99), as the shell
 * tests' skip_all does. */
static inline void
te_skip_program(const char *why)
{
    fprintf(stderr, "SKIP: %s\n", why);
    te_skip_requested = true;
}

/* ---- the project's lenses ------------------------------------------------------------ */

/* Where te_find_lenses found them. */
__attribute__((unused)) static char te_lens_dir[4096];

/* A setup for TE_CUNIT_MAIN_SETUP: the lenses are in $TE_NTP_SETUP_LENSDIR, else in
 * $top_srcdir/lenses (make check sets top_srcdir), else in ../lenses; the program is
 * skipped when they are not there. */
static inline int
te_find_lenses(void)
{
    const char *top = getenv("top_srcdir");
    const char *lens = getenv("TE_NTP_SETUP_LENSDIR");
    struct stat st;

    if (lens && *lens)
        snprintf(te_lens_dir, sizeof(te_lens_dir), "%s", lens);
    else
        snprintf(te_lens_dir, sizeof(te_lens_dir), "%s/lenses", top && *top ? top : "..");
    if (stat(te_lens_dir, &st) < 0 || !S_ISDIR(st.st_mode))
        te_skip_program("the lenses were not found: set top_srcdir");
    return 0;
}

static inline int
te_cunit_run(const struct te_suite *suites, int (*setup)(void))
{
    unsigned failed_tests, failures, failed_suites;

    if (setup && setup() != 0)
        return 99;
    if (te_skip_requested) {
        const char *all = getenv("TE_REQUIRE_ALL");

        if (all && strcmp(all, "1") == 0) {
            fprintf(stderr, "FAIL: prerequisite missing in a run that requires everything\n");
            return 99;
        }
        return 77;
    }
    if (CU_initialize_registry() != CUE_SUCCESS) {
        fprintf(stderr, "CUnit: %s\n", CU_get_error_msg());
        return 99;
    }
    for (const struct te_suite *s = suites; s->name; s++) {
        CU_pSuite cs = CU_add_suite_with_setup_and_teardown(s->name, NULL, NULL,
                                                           te_tmpdir_setup,
                                                           te_tmpdir_teardown);

        if (!cs)
            goto framework_error;
        for (const struct te_test *t = s->tests; t->name; t++)
            if (!CU_add_test(cs, t->name, t->fn))
                goto framework_error;
    }
    CU_basic_set_mode(CU_BRM_VERBOSE);
    if (CU_basic_run_tests() != CUE_SUCCESS)
        goto framework_error;
    failed_tests = CU_get_number_of_tests_failed();
    failures = CU_get_number_of_failures();
    failed_suites = CU_get_number_of_suites_failed();
    CU_cleanup_registry();
    if (failed_suites > 0)
        return 99;
    return failed_tests > 0 || failures > 0 ? 1 : 0;

framework_error:
    fprintf(stderr, "CUnit: %s\n", CU_get_error_msg());
    CU_cleanup_registry();
    return 99;
}

/* main() of a test program: run the suites (after setup, when not NULL, returned 0). */
#define TE_CUNIT_MAIN_SETUP(suites, setup)                                                   \
    int main(void);                                                                         \
    int main(void)                                                                          \
    {                                                                                       \
        return te_cunit_run((suites), (setup));                                             \
    }

#define TE_CUNIT_MAIN(suites) TE_CUNIT_MAIN_SETUP(suites, NULL)

#endif
