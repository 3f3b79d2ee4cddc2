/* test_strbuf.c - unit tests of the growable string buffer. */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include <CUnit/Basic.h>
#include <stdio.h>
#include <string.h>

#include "strbuf.h"

static void test_strbuf_empty_is_empty_string(void)
{
    struct strbuf sb;

    sb_init(&sb);
    CU_ASSERT_STRING_EQUAL(sb_str(&sb), "");
    CU_ASSERT_EQUAL(sb.len, 0);
    CU_ASSERT_FALSE(sb_failed(&sb));
    sb_reset(&sb);
    CU_ASSERT_STRING_EQUAL(sb_str(&sb), "");
    sb_free(&sb);
    sb_free(&sb);       /* idempotent */
}

static void test_strbuf_append_and_printf(void)
{
    struct strbuf sb;

    sb_init(&sb);
    CU_ASSERT_EQUAL(sb_append(&sb, "NTP "), 0);
    CU_ASSERT_EQUAL(sb_printf(&sb, "%s: %d", "OK", 0), 0);
    CU_ASSERT_EQUAL(sb_putc(&sb, '|'), 0);
    CU_ASSERT_EQUAL(sb_appendn(&sb, "abcdef", 3), 0);
    CU_ASSERT_EQUAL(sb_append(&sb, ""), 0);
    CU_ASSERT_STRING_EQUAL(sb_str(&sb), "NTP OK: 0|abc");
    CU_ASSERT_EQUAL(sb.len, strlen("NTP OK: 0|abc"));
    sb_reset(&sb);
    CU_ASSERT_STRING_EQUAL(sb_str(&sb), "");
    CU_ASSERT_EQUAL(sb_append(&sb, "again"), 0);
    CU_ASSERT_STRING_EQUAL(sb_str(&sb), "again");
    sb_free(&sb);
}

static void test_strbuf_grows(void)
{
    struct strbuf sb;
    char big[5000];

    memset(big, 'x', sizeof(big) - 1);
    big[sizeof(big) - 1] = '\0';
    sb_init(&sb);
    for (int i = 0; i < 1000; i++)
        sb_printf(&sb, "%04d,", i);
    CU_ASSERT_EQUAL(sb.len, 5000);
    CU_ASSERT_EQUAL(strncmp(sb_str(&sb), "0000,0001,", 10), 0);
    CU_ASSERT_EQUAL(strcmp(sb_str(&sb) + 4995, "0999,"), 0);
    sb_printf(&sb, "%s", big);
    CU_ASSERT_EQUAL(sb.len, 5000 + sizeof(big) - 1);
    CU_ASSERT(sb.cap > sb.len);
    CU_ASSERT_FALSE(sb_failed(&sb));
    sb_free(&sb);
}

static void test_strbuf_failure_is_sticky(void)
{
    struct strbuf sb;

    sb_init(&sb);
    sb_append(&sb, "abc");
    /* A length that cannot be allocated. */
    CU_ASSERT_EQUAL(sb_appendn(&sb, "x", (size_t)-1), -1);
    CU_ASSERT(sb_failed(&sb));
    CU_ASSERT_EQUAL(sb_append(&sb, "more"), -1);
    CU_ASSERT_EQUAL(sb_printf(&sb, "%d", 1), -1);
    CU_ASSERT_STRING_EQUAL(sb_str(&sb), "abc");
    sb_reset(&sb);
    CU_ASSERT_FALSE(sb_failed(&sb));
    CU_ASSERT_EQUAL(sb_append(&sb, "ok"), 0);
    CU_ASSERT_STRING_EQUAL(sb_str(&sb), "ok");
    sb_free(&sb);
}

int main(void)
{
    static const struct {
        const char *name;
        CU_TestFunc fn;
    } tests[] = {
#define T(f) { #f, f }
        T(test_strbuf_empty_is_empty_string),
        T(test_strbuf_append_and_printf),
        T(test_strbuf_grows),
        T(test_strbuf_failure_is_sticky),
#undef T
    };
    CU_pSuite suite;
    unsigned failed;

    if (CU_initialize_registry() != CUE_SUCCESS)
        return 99;
    suite = CU_add_suite("strbuf", NULL, NULL);
    if (!suite)
        goto framework_error;
    for (size_t i = 0; i < sizeof(tests) / sizeof(tests[0]); i++)
        if (!CU_add_test(suite, tests[i].name, tests[i].fn))
            goto framework_error;
    CU_basic_set_mode(CU_BRM_VERBOSE);
    if (CU_basic_run_tests() != CUE_SUCCESS)
        goto framework_error;
    failed = CU_get_number_of_tests_failed();
    CU_cleanup_registry();
    return failed ? 1 : 0;
framework_error:
    fprintf(stderr, "CUnit: %s\n", CU_get_error_msg());
    CU_cleanup_registry();
    return 99;
}
