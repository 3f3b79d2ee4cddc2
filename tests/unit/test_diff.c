/* SPDX-License-Identifier: Apache-2.0 */
/* test_diff: diff_unified output, compared byte for byte. It is what diff -u prints, except
 * that a count of 1 is written out ("@@ -1,1 +1,1 @@" where diff -u writes "@@ -1 +1 @@"). */
#include "config.h"

#include <string.h>

#include "diff.h"
#include "strbuf.h"

#include "cunit_main.h"

/* "line 1\n" ... "line n\n", with line k replaced by "changed k\n" when k is in changed[]
 * (0-terminated). */
static char *
numbered(int n, const int *changed)
{
    struct strbuf sb;

    sb_init(&sb);
    for (int i = 1; i <= n; i++) {
        bool c = false;

        for (const int *k = changed; k && *k; k++)
            c = c || *k == i;
        sb_printf(&sb, "%s %d\n", c ? "changed" : "line", i);
    }
    return sb_steal(&sb);
}

/* How many times needle occurs in s. */
static int
count(const char *s, const char *needle)
{
    int n = 0;

    for (const char *p = s; (p = strstr(p, needle)) != NULL; p += strlen(needle))
        n++;
    return n;
}

/* Diff a -> b and compare with expected. */
static void
check_diff(const char *a, const char *b, const char *expected)
{
    struct strbuf out;

    sb_init(&out);
    diff_unified(a, b, "old", "new", &out);
    TE_ASSERT_STR_EQ(out.buf, expected);
    sb_free(&out);
}

static void
test_diff_equal(void)
{
    char *a = numbered(20, NULL);
    struct strbuf out;

    sb_init(&out);
    diff_unified(a, a, "old", "new", &out);
    TE_ASSERT_INT_EQ(out.len, 0);
    diff_unified("", "", "old", "new", &out);
    TE_ASSERT_INT_EQ(out.len, 0);
    diff_unified("no newline", "no newline", "old", "new", &out);
    TE_ASSERT_INT_EQ(out.len, 0);
    sb_free(&out);
    free(a);
}

static void
test_diff_one_change_in_the_middle(void)
{
    static const int changed[] = { 11, 0 };
    char *a = numbered(20, NULL), *b = numbered(20, changed);

    check_diff(a, b,
               "--- old\n"
               "+++ new\n"
               "@@ -8,7 +8,7 @@\n"
               " line 8\n"
               " line 9\n"
               " line 10\n"
               "-line 11\n"
               "+changed 11\n"
               " line 12\n"
               " line 13\n"
               " line 14\n");
    free(a);
    free(b);
}

static void
test_diff_names_in_headers(void)
{
    struct strbuf out;

    sb_init(&out);
    diff_unified("a\n", "b\n", "/etc/chrony.conf", "/etc/chrony.conf (new)", &out);
    TE_ASSERT_STR_EQ(out.buf,
                     "--- /etc/chrony.conf\n"
                     "+++ /etc/chrony.conf (new)\n"
                     "@@ -1,1 +1,1 @@\n"
                     "-a\n"
                     "+b\n");
    sb_free(&out);
}

static void
test_diff_insertion_at_end(void)
{
    char *a = numbered(5, NULL), *b = numbered(6, NULL);

    check_diff(a, b,
               "--- old\n"
               "+++ new\n"
               "@@ -3,3 +3,4 @@\n"
               " line 3\n"
               " line 4\n"
               " line 5\n"
               "+line 6\n");
    free(a);
    free(b);
}

static void
test_diff_insertion_at_start(void)
{
    char *a = numbered(5, NULL);
    struct strbuf b;

    sb_init(&b);
    sb_append(&b, "# header\n");
    sb_append(&b, a);
    check_diff(a, b.buf,
               "--- old\n"
               "+++ new\n"
               "@@ -1,3 +1,4 @@\n"
               "+# header\n"
               " line 1\n"
               " line 2\n"
               " line 3\n");
    sb_free(&b);
    free(a);
}

static void
test_diff_creation(void)
{
    check_diff("", "server a iburst\nserver b iburst\nmakestep 1.0 3\n",
               "--- old\n"
               "+++ new\n"
               "@@ -0,0 +1,3 @@\n"
               "+server a iburst\n"
               "+server b iburst\n"
               "+makestep 1.0 3\n");
}

static void
test_diff_removal(void)
{
    check_diff("server a iburst\nserver b iburst\n", "",
               "--- old\n"
               "+++ new\n"
               "@@ -1,2 +0,0 @@\n"
               "-server a iburst\n"
               "-server b iburst\n");
}

static void
test_diff_no_final_newline(void)
{
    /* Appending to a file whose last line has no newline changes that line too. */
    check_diff("a\nb", "a\nb\nc\n",
               "--- old\n"
               "+++ new\n"
               "@@ -1,2 +1,3 @@\n"
               " a\n"
               "-b\n"
               "\\ No newline at end of file\n"
               "+b\n"
               "+c\n");
    /* The new text lacks the final newline. */
    check_diff("a\nb\n", "a\nb\nc",
               "--- old\n"
               "+++ new\n"
               "@@ -1,2 +1,3 @@\n"
               " a\n"
               " b\n"
               "+c\n"
               "\\ No newline at end of file\n");
    /* Both lack it and the last line is only context. */
    check_diff("x\ny\nz", "X\ny\nz",
               "--- old\n"
               "+++ new\n"
               "@@ -1,3 +1,3 @@\n"
               "-x\n"
               "+X\n"
               " y\n"
               " z\n"
               "\\ No newline at end of file\n");
}

static void
test_diff_two_hunks(void)
{
    static const int changed[] = { 3, 25, 0 };
    char *a = numbered(30, NULL), *b = numbered(30, changed);

    check_diff(a, b,
               "--- old\n"
               "+++ new\n"
               "@@ -1,6 +1,6 @@\n"
               " line 1\n"
               " line 2\n"
               "-line 3\n"
               "+changed 3\n"
               " line 4\n"
               " line 5\n"
               " line 6\n"
               "@@ -22,7 +22,7 @@\n"
               " line 22\n"
               " line 23\n"
               " line 24\n"
               "-line 25\n"
               "+changed 25\n"
               " line 26\n"
               " line 27\n"
               " line 28\n");
    free(a);
    free(b);
}

static void
test_diff_close_changes_one_hunk(void)
{
    static const int changed[] = { 8, 12, 0 };
    char *a = numbered(20, NULL), *b = numbered(20, changed);

    check_diff(a, b,
               "--- old\n"
               "+++ new\n"
               "@@ -5,11 +5,11 @@\n"
               " line 5\n"
               " line 6\n"
               " line 7\n"
               "-line 8\n"
               "+changed 8\n"
               " line 9\n"
               " line 10\n"
               " line 11\n"
               "-line 12\n"
               "+changed 12\n"
               " line 13\n"
               " line 14\n"
               " line 15\n");
    free(a);
    free(b);
}

static void
test_diff_hunk_boundary(void)
{
    /* Six unchanged lines between two changes: the contexts touch, one hunk (as diff -u). */
    static const int six[] = { 5, 12, 0 };
    /* Seven: two hunks. */
    static const int seven[] = { 5, 13, 0 };
    char *a = numbered(20, NULL), *b6 = numbered(20, six), *b7 = numbered(20, seven);
    struct strbuf out;

    sb_init(&out);
    diff_unified(a, b6, "old", "new", &out);
    TE_ASSERT_CONTAINS(out.buf, "@@ -2,14 +2,14 @@\n");
    TE_ASSERT_INT_EQ(count(out.buf, "@@ -"), 1);
    sb_reset(&out);
    diff_unified(a, b7, "old", "new", &out);
    TE_ASSERT_CONTAINS(out.buf, "@@ -2,7 +2,7 @@\n");
    TE_ASSERT_CONTAINS(out.buf, "@@ -10,7 +10,7 @@\n");
    TE_ASSERT_INT_EQ(count(out.buf, "@@ -"), 2);
    sb_free(&out);
    free(a);
    free(b6);
    free(b7);
}

static void
test_diff_replace_block(void)
{
    check_diff("keep 1\nold a\nold b\nkeep 2\n", "keep 1\nnew a\nkeep 2\n",
               "--- old\n"
               "+++ new\n"
               "@@ -1,4 +1,3 @@\n"
               " keep 1\n"
               "-old a\n"
               "-old b\n"
               "+new a\n"
               " keep 2\n");
}

static const struct te_test diff_tests[] = {
    TE_TEST(test_diff_equal),
    TE_TEST(test_diff_one_change_in_the_middle),
    TE_TEST(test_diff_names_in_headers),
    TE_TEST(test_diff_insertion_at_end),
    TE_TEST(test_diff_insertion_at_start),
    TE_TEST(test_diff_creation),
    TE_TEST(test_diff_removal),
    TE_TEST(test_diff_no_final_newline),
    TE_TEST(test_diff_two_hunks),
    TE_TEST(test_diff_close_changes_one_hunk),
    TE_TEST(test_diff_hunk_boundary),
    TE_TEST(test_diff_replace_block),
    TE_TESTS_END,
};

static const struct te_suite suites[] = {
    { "diff", diff_tests },
    TE_SUITES_END,
};

TE_CUNIT_MAIN(suites)
