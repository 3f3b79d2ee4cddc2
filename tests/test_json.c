/* test_json.c - unit tests of the JSON writer. */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include <CUnit/Basic.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "json.h"
#include "strbuf.h"

static void test_json_escape_table(void)
{
    static const struct {
        const char *in, *want;
    } table[] = {
        { "", "\"\"" },
        { "plain", "\"plain\"" },
        { "a\"b", "\"a\\\"b\"" },
        { "back\\slash", "\"back\\\\slash\"" },
        { "\b\f\n\r\t", "\"\\b\\f\\n\\r\\t\"" },
        { "\x01\x1f\x7f", "\"\\u0001\\u001f\\u007f\"" },
        { "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x95\x92", "\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x95\x92\"" },
        { "bad\xff", "\"bad\\ufffd\"" },
        { "\xc0\x80", "\"\\ufffd\\ufffd\"" },                 /* overlong NUL */
        { "\xed\xa0\x80", "\"\\ufffd\\ufffd\\ufffd\"" },      /* UTF-16 surrogate */
        { "\xf4\x90\x80\x80", "\"\\ufffd\\ufffd\\ufffd\\ufffd\"" }, /* above U+10FFFF */
        { "cut\xe2\x82", "\"cut\\ufffd\\ufffd\"" },           /* truncated at the end */
        { "</script>", "\"</script>\"" },
    };
    struct strbuf sb;

    sb_init(&sb);
    for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
        sb_reset(&sb);
        CU_ASSERT_EQUAL(json_escape(&sb, table[i].in), 0);
        CU_ASSERT_STRING_EQUAL(sb_str(&sb), table[i].want);
    }
    sb_free(&sb);
}

static void test_json_writer_nesting_and_commas(void)
{
    struct json_writer w;
    struct strbuf sb;

    sb_init(&sb);
    json_init(&w, &sb);
    json_object_begin(&w);
    json_key(&w, "a");
    json_int(&w, -3);
    json_key(&w, "list");
    json_array_begin(&w);
    json_bool(&w, true);
    json_bool(&w, false);
    json_null(&w);
    json_object_begin(&w);
    json_object_end(&w);
    json_array_begin(&w);
    json_array_end(&w);
    json_string(&w, "x");
    json_string(&w, NULL);
    json_array_end(&w);
    json_key(&w, "n");
    json_number(&w, 0.5);
    json_object_end(&w);
    CU_ASSERT_EQUAL(json_finish(&w), 0);
    CU_ASSERT_STRING_EQUAL(sb_str(&sb),
                           "{\"a\":-3,\"list\":[true,false,null,{},[],\"x\",null],\"n\":0.5}");
    sb_free(&sb);
}

static void test_json_numbers(void)
{
    static const struct {
        double v;
        const char *want;
    } table[] = {
        { 0, "0" }, { 60, "60" }, { 0.0031, "0.0031" }, { -754.300026, "-754.300026" },
        { 1e-5, "1e-05" }, { 123456789012.0, "1.23456789e+11" },
        { NAN, "null" }, { INFINITY, "null" }, { -INFINITY, "null" },
    };
    struct json_writer w;
    struct strbuf sb;

    sb_init(&sb);
    for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
        sb_reset(&sb);
        json_init(&w, &sb);
        json_number(&w, table[i].v);
        CU_ASSERT_EQUAL(json_finish(&w), 0);
        CU_ASSERT_STRING_EQUAL(sb_str(&sb), table[i].want);
    }
    sb_free(&sb);
}

static void test_json_misuse_is_reported(void)
{
    struct json_writer w;
    struct strbuf sb;

    sb_init(&sb);
    json_init(&w, &sb);
    json_object_begin(&w);
    CU_ASSERT_EQUAL(json_finish(&w), -1);           /* unclosed */
    json_key(&w, "k");
    CU_ASSERT_EQUAL(json_finish(&w), -1);           /* key without value */
    json_object_end(&w);
    CU_ASSERT_EQUAL(json_finish(&w), -1);           /* closed with a dangling key */

    sb_reset(&sb);
    json_init(&w, &sb);
    json_array_end(&w);
    CU_ASSERT_EQUAL(json_finish(&w), -1);           /* closing nothing */

    sb_reset(&sb);
    json_init(&w, &sb);
    for (int i = 0; i < JSON_MAX_DEPTH + 1; i++)
        json_array_begin(&w);
    CU_ASSERT_EQUAL(json_finish(&w), -1);           /* too deep */
    sb_free(&sb);
}

static void test_json_format_double_uses_dot(void)
{
    char buf[32];

    CU_ASSERT_STRING_EQUAL(json_format_double(buf, sizeof(buf), "%f", 0.0031), "0.003100");
    CU_ASSERT_STRING_EQUAL(json_format_double(buf, sizeof(buf), "%.10g", -754.3), "-754.3");
    CU_ASSERT_STRING_EQUAL(json_format_double(buf, 4, "%f", 1.5), "1.5");
}

int main(void)
{
    static const struct {
        const char *name;
        CU_TestFunc fn;
    } tests[] = {
#define T(f) { #f, f }
        T(test_json_escape_table),
        T(test_json_writer_nesting_and_commas),
        T(test_json_numbers),
        T(test_json_misuse_is_reported),
        T(test_json_format_double_uses_dot),
#undef T
    };
    CU_pSuite suite;
    unsigned failed;

    if (CU_initialize_registry() != CUE_SUCCESS)
        return 99;
    suite = CU_add_suite("json", NULL, NULL);
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
