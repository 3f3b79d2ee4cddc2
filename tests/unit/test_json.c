/* SPDX-License-Identifier: Apache-2.0 */
/* test_json.c - unit tests of the JSON writer (json.c): strings, keys, lists and the
 * message keys every command's object ends with. */
#include "config.h"

#include "cunit_main.h"

#include <stdlib.h>
#include <string.h>

#include "json.h"

static void
test_json_string_escapes(void)
{
    struct strbuf sb;

    sb_init(&sb);
    json_string(&sb, "a\"b\\c\nd\te\x01\xff");
    CU_ASSERT_STRING_EQUAL(sb.buf, "\"a\\\"b\\\\c\\nd\\te\\u0001\\ufffd\"");
    sb_free(&sb);
}

static void
test_json_string_or_null(void)
{
    struct strbuf sb;

    sb_init(&sb);
    json_string_or_null(&sb, NULL);
    sb_putc(&sb, ',');
    json_string_or_null(&sb, "");
    sb_putc(&sb, ',');
    json_string_or_null(&sb, "x\"y");
    CU_ASSERT_STRING_EQUAL(sb.buf, "null,\"\",\"x\\\"y\"");
    sb_free(&sb);
}

/* The message keys: warnings, errors, notes, in this order (the order of the man page and
 * of every command; the firewall command once wrote errors first). */
static void
test_json_msgs_order(void)
{
    struct strbuf sb;
    struct msgs m = { 0 };

    sb_init(&sb);
    sb_putc(&sb, '{');
    json_key(&sb, "changed", true);
    sb_append(&sb, "false");
    json_msgs(&sb, &m);
    sb_putc(&sb, '}');
    CU_ASSERT_STRING_EQUAL(sb.buf, "{\"changed\":false,\"warnings\":[],\"errors\":[],"
                                   "\"notes\":[]}");
    sb_reset(&sb);
    msg_error(&m, "an error");
    msg_note(&m, "a note");
    msg_warn(&m, "a \"warning\"");
    msg_warn(&m, "another");
    json_msgs(&sb, &m);
    CU_ASSERT_STRING_EQUAL(sb.buf, ",\"warnings\":[\"a \\\"warning\\\"\",\"another\"],"
                                   "\"errors\":[\"an error\"],\"notes\":[\"a note\"]");
    sb_free(&sb);
    msgs_free(&m);
}

static const struct te_test json_tests[] = {
    TE_TEST(test_json_string_escapes),
    TE_TEST(test_json_string_or_null),
    TE_TEST(test_json_msgs_order),
    TE_TESTS_END,
};

static const struct te_suite suites[] = {
    { "json", json_tests },
    TE_SUITES_END,
};

TE_CUNIT_MAIN(suites)
