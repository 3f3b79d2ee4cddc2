/* SPDX-License-Identifier: Apache-2.0 */
/* test_jsonparse: the strict JSON parser. */
#include "config.h"

#include <string.h>

#include "alloc.h"
#include "jsonparse.h"
#include "strbuf.h"

#include "cunit_main.h"

/* Parse text; the tree, or NULL with the error in err. */
static struct jvalue *
parse(const char *text, char *err, size_t errlen)
{
    struct jvalue *v = NULL;

    if (jsonparse_text(text, strlen(text), &v, err, errlen) < 0)
        return NULL;
    return v;
}

/* The error message for text, which must not parse. */
static void
expect_error(const char *text, const char *want)
{
    char err[256] = "";
    struct jvalue *v = parse(text, err, sizeof(err));

    te_assert_msg(v == NULL, __LINE__, __FILE__, false, "%s parsed, expected \"%s\"", text, want);
    jsonparse_free(v);
    TE_ASSERT_STR_EQ(err, want);
}

/* The member key of obj, which must exist with the type; a static empty value of the type
 * (a failed assertion) when it does not. */
static const struct jvalue *
get(const struct jvalue *obj, const char *key, enum jvalue_type type)
{
    static struct jvalue empty;
    static char nothing[] = "";
    const struct jvalue *v = jsonparse_get(obj, key);

    te_assert_msg(v && v->type == type, __LINE__, __FILE__, false, "%s: missing or not %s",
                  key, jsonparse_type_name(type));
    if (v && v->type == type)
        return v;
    memset(&empty, 0, sizeof(empty));
    empty.type = type;
    empty.u.string.s = type == JVALUE_STRING ? nothing : NULL;
    return &empty;
}

static void
test_jsonparse_scalars(void)
{
    char err[256];
    struct jvalue *v;

    v = parse("true", err, sizeof(err));
    CU_ASSERT_FATAL(v != NULL);
    if (!v)
        return;
    CU_ASSERT_EQUAL(v->type, JVALUE_BOOL);
    CU_ASSERT_TRUE(v->u.boolean);
    jsonparse_free(v);

    v = parse(" \t\r\nfalse \n", err, sizeof(err));
    CU_ASSERT_FATAL(v != NULL);
    if (!v)
        return;
    CU_ASSERT_EQUAL(v->type, JVALUE_BOOL);
    CU_ASSERT_FALSE(v->u.boolean);
    jsonparse_free(v);

    v = parse("null", err, sizeof(err));
    CU_ASSERT_FATAL(v != NULL);
    if (!v)
        return;
    CU_ASSERT_EQUAL(v->type, JVALUE_NULL);
    jsonparse_free(v);

    v = parse("\"abc\"", err, sizeof(err));
    CU_ASSERT_FATAL(v != NULL);
    if (!v)
        return;
    CU_ASSERT_EQUAL(v->type, JVALUE_STRING);
    TE_ASSERT_STR_EQ(v->u.string.s, "abc");
    TE_ASSERT_INT_EQ(v->u.string.len, 3);
    jsonparse_free(v);
}

static void
test_jsonparse_numbers(void)
{
    static const struct {
        const char *text;
        double value;
        bool integer;
        long long ival;
    } cases[] = {
        { "0", 0, true, 0 },
        { "-0", 0, true, 0 },
        { "42", 42, true, 42 },
        { "-17", -17, true, -17 },
        { "9223372036854775807", 9223372036854775807.0, true, 9223372036854775807LL },
        { "9223372036854775808", 9223372036854775808.0, false, 0 },
        { "1.5", 1.5, false, 0 },
        { "-0.25", -0.25, false, 0 },
        { "1e3", 1000, false, 0 },
        { "2E-2", 0.02, false, 0 },
        { "1.0e+2", 100, false, 0 },
        { "1e-400", 0, false, 0 },
    };
    char err[256];

    for (size_t i = 0; i < TE_ARRAY_LEN(cases); i++) {
        struct jvalue *v = parse(cases[i].text, err, sizeof(err));

        te_assert_msg(v != NULL, __LINE__, __FILE__, false, "%s: %s", cases[i].text, err);
        if (!v)
            continue;
        CU_ASSERT_EQUAL(v->type, JVALUE_NUMBER);
        CU_ASSERT_DOUBLE_EQUAL(v->u.number.value, cases[i].value, 1e-9);
        te_assert_msg(v->u.number.is_integer == cases[i].integer, __LINE__, __FILE__, false,
                      "%s: is_integer %d", cases[i].text, v->u.number.is_integer);
        if (cases[i].integer)
            TE_ASSERT_INT_EQ(v->u.number.integer, cases[i].ival);
        jsonparse_free(v);
    }
}

static void
test_jsonparse_escapes(void)
{
    char err[256];
    struct jvalue *v;

    v = parse("\"a\\\"b\\\\c\\/d\\be\\ff\\ng\\rh\\ti\"", err, sizeof(err));
    CU_ASSERT_FATAL(v != NULL);
    if (!v)
        return;
    TE_ASSERT_STR_EQ(v->u.string.s, "a\"b\\c/d\be\ff\ng\rh\ti");
    jsonparse_free(v);

    /* \u: ASCII, two and three UTF-8 bytes, a surrogate pair (four bytes). */
    v = parse("\"\\u0041\\u00e9\\u20AC\\ud83d\\ude00\"", err, sizeof(err));
    CU_ASSERT_FATAL(v != NULL);
    if (!v)
        return;
    TE_ASSERT_STR_EQ(v->u.string.s, "A\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80");
    TE_ASSERT_INT_EQ(v->u.string.len, 10);
    jsonparse_free(v);

    /* Raw UTF-8 passes through. */
    v = parse("\"caf\xc3\xa9 \xe2\x82\xac\"", err, sizeof(err));
    CU_ASSERT_FATAL(v != NULL);
    if (!v)
        return;
    TE_ASSERT_STR_EQ(v->u.string.s, "caf\xc3\xa9 \xe2\x82\xac");
    jsonparse_free(v);
}

static void
test_jsonparse_structures(void)
{
    static const char text[] =
        "{\"servers\": [\"ntp1.example.com\", {\"host\": \"ntp2.example.com\", \"prefer\": true,"
        " \"minpoll\": 4}], \"restart\": false, \"empty\": {}, \"none\": [], \"n\": null}";
    char err[256];
    struct jvalue *v = parse(text, err, sizeof(err));
    const struct jvalue *servers, *second;

    te_assert_msg(v != NULL, __LINE__, __FILE__, true, "%s", err);
    if (!v)
        return;
    CU_ASSERT_EQUAL(v->type, JVALUE_OBJECT);
    TE_ASSERT_INT_EQ(v->u.object.n, 5);
    TE_ASSERT_STR_EQ(v->u.object.members[0].key, "servers");
    TE_ASSERT_STR_EQ(v->u.object.members[4].key, "n");
    servers = get(v, "servers", JVALUE_ARRAY);
    TE_ASSERT_INT_EQ(servers->u.array.n, 2);
    if (servers->u.array.n != 2)
        goto out;
    CU_ASSERT_EQUAL(servers->u.array.items[0]->type, JVALUE_STRING);
    TE_ASSERT_STR_EQ(servers->u.array.items[0]->u.string.s, "ntp1.example.com");
    second = servers->u.array.items[1];
    CU_ASSERT_EQUAL(second->type, JVALUE_OBJECT);
    TE_ASSERT_STR_EQ(get(second, "host", JVALUE_STRING)->u.string.s, "ntp2.example.com");
    CU_ASSERT_TRUE(get(second, "prefer", JVALUE_BOOL)->u.boolean);
    TE_ASSERT_INT_EQ(get(second, "minpoll", JVALUE_NUMBER)->u.number.integer, 4);
    CU_ASSERT_FALSE(get(v, "restart", JVALUE_BOOL)->u.boolean);
    TE_ASSERT_INT_EQ(get(v, "empty", JVALUE_OBJECT)->u.object.n, 0);
    TE_ASSERT_INT_EQ(get(v, "none", JVALUE_ARRAY)->u.array.n, 0);
    get(v, "n", JVALUE_NULL);
    CU_ASSERT_PTR_NULL(jsonparse_get(v, "missing"));
    CU_ASSERT_PTR_NULL(jsonparse_get(servers, "servers"));   /* not an object */
    /* Offsets point at the value's first byte. */
    TE_ASSERT_INT_EQ(servers->offset, strchr(text, '[') - text);
out:
    jsonparse_free(v);
}

static void
test_jsonparse_errors(void)
{
    expect_error("", "byte 0: expected a value, found the end of the text");
    expect_error("   ", "byte 3: expected a value, found the end of the text");
    expect_error("{\"a\":1,}", "byte 7: a trailing comma before '}'");
    expect_error("[1,2,]", "byte 5: a trailing comma before ']'");
    expect_error("{\"a\" 1}", "byte 5: expected ':' after an object key, found '1'");
    expect_error("{a:1}", "byte 1: expected a string key in an object, found 'a'");
    expect_error("{\"a\":1 \"b\":2}", "byte 7: expected ',' or '}' in an object, found '\"'");
    expect_error("[1 2]", "byte 3: expected ',' or ']' in a list, found '2'");
    expect_error("{\"a\":1,\"a\":2}", "byte 7: the key \"a\" appears twice in an object");
    expect_error("\"abc", "byte 0: the string is not closed");
    expect_error("\"a\tb\"", "byte 2: control character 0x09 in a string (must be escaped)");
    expect_error("\"a\\xb\"", "byte 2: unknown escape \\x");
    expect_error("\"\\u12g4\"", "byte 1: \\u must be followed by four hex digits");
    expect_error("\"\\u0000\"", "byte 1: \\u0000 (NUL) is not allowed in a string");
    expect_error("\"\\ud83d\"", "byte 1: a high surrogate \\ud83d without a low one after it");
    expect_error("\"\\ud83d\\u0041\"",
                 "byte 1: a high surrogate \\ud83d without a low one after it");
    expect_error("\"x\\ude00\"", "byte 2: a low surrogate \\ude00 without a high one before it");
    expect_error("\"\xc3\x28\"", "byte 1: invalid UTF-8 in a string");
    expect_error("\"\xed\xa0\x80\"", "byte 1: invalid UTF-8 in a string");   /* a surrogate */
    expect_error("\"\xc0\xaf\"", "byte 1: invalid UTF-8 in a string");       /* overlong */
    expect_error("\"\xe2\x82\"", "byte 1: invalid UTF-8 in a string");       /* cut short */
    expect_error("01", "byte 0: a number must not have a leading zero");
    expect_error("-", "byte 1: expected a digit, found the end of the text");
    expect_error("+1", "byte 0: expected a value (object, list, string, number, true, false "
                 "or null), found '+'");
    expect_error("1.", "byte 2: expected a digit after the decimal point, found the end of "
                 "the text");
    expect_error(".5", "byte 0: expected a value (object, list, string, number, true, false "
                 "or null), found '.'");
    expect_error("1e", "byte 2: expected a digit in the exponent, found the end of the text");
    expect_error("1e999", "byte 0: the number 1e999 is out of range");
    expect_error("NaN", "byte 0: expected a value (object, list, string, number, true, false "
                 "or null), found 'N'");
    expect_error("tru", "byte 0: expected a value (object, list, string, number, true, false "
                 "or null), found 't'");
    expect_error("'a'", "byte 0: expected a value (object, list, string, number, true, false "
                 "or null), found '''");
    expect_error("{} {}", "byte 3: expected the end of the text after the value, found '{'");
    expect_error("1 // comment", "byte 2: expected the end of the text after the value, "
                 "found '/'");
    expect_error("\xef\xbb\xbf{}", "byte 0: a byte order mark is not allowed");
    expect_error("[\x01]", "byte 1: expected a value (object, list, string, number, true, "
                 "false or null), found byte 0x01");
}

static void
test_jsonparse_depth(void)
{
    struct strbuf sb;
    char err[256];
    struct jvalue *v = NULL;

    /* Exactly the limit parses. */
    sb_init(&sb);
    for (int i = 0; i < JSONPARSE_MAX_DEPTH; i++)
        sb_append(&sb, "[");
    for (int i = 0; i < JSONPARSE_MAX_DEPTH; i++)
        sb_append(&sb, "]");
    CU_ASSERT_EQUAL(jsonparse_text(sb.buf, sb.len, &v, err, sizeof(err)), 0);
    jsonparse_free(v);

    /* One more level fails, at the byte of the level too many. */
    sb_reset(&sb);
    for (int i = 0; i <= JSONPARSE_MAX_DEPTH; i++)
        sb_append(&sb, "{\"a\":");
    sb_append(&sb, "1");
    for (int i = 0; i <= JSONPARSE_MAX_DEPTH; i++)
        sb_append(&sb, "}");
    CU_ASSERT_EQUAL(jsonparse_text(sb.buf, sb.len, &v, err, sizeof(err)), -1);
    CU_ASSERT_PTR_NULL(v);
    TE_ASSERT_STR_EQ(err, "byte 320: nested deeper than 64 levels");

    /* A deep run of brackets does not overflow the stack. */
    sb_reset(&sb);
    for (int i = 0; i < 100000; i++)
        sb_putc(&sb, '[');
    CU_ASSERT_EQUAL(jsonparse_text(sb.buf, sb.len, &v, err, sizeof(err)), -1);
    TE_ASSERT_STR_EQ(err, "byte 64: nested deeper than 64 levels");
    sb_free(&sb);
}

/* Text with a NUL byte inside (the length counts it) is an error, not a truncation. */
static void
test_jsonparse_embedded_nul(void)
{
    static const char text[] = "{\"a\":\"x\0y\"}";
    char err[256];
    struct jvalue *v = NULL;

    CU_ASSERT_EQUAL(jsonparse_text(text, sizeof(text) - 1, &v, err, sizeof(err)), -1);
    TE_ASSERT_STR_EQ(err, "byte 7: control character 0x00 in a string (must be escaped)");
    CU_ASSERT_EQUAL(jsonparse_text("{} \0", 4, &v, err, sizeof(err)), -1);
    TE_ASSERT_STR_EQ(err, "byte 3: expected the end of the text after the value, found "
                     "byte 0x00");
}

/* A tiny error buffer truncates, never overflows; no buffer at all is fine too. */
static void
test_jsonparse_small_error_buffer(void)
{
    char err[8];
    struct jvalue *v = NULL;

    memset(err, 'x', sizeof(err));
    CU_ASSERT_EQUAL(jsonparse_text("[1,]", 4, &v, err, sizeof(err)), -1);
    TE_ASSERT_STR_EQ(err, "byte 3:");
    CU_ASSERT_EQUAL(jsonparse_text("[1,]", 4, &v, NULL, 0), -1);
}

static void
test_jsonparse_type_names(void)
{
    TE_ASSERT_STR_EQ(jsonparse_type_name(JVALUE_NULL), "null");
    TE_ASSERT_STR_EQ(jsonparse_type_name(JVALUE_BOOL), "a boolean");
    TE_ASSERT_STR_EQ(jsonparse_type_name(JVALUE_NUMBER), "a number");
    TE_ASSERT_STR_EQ(jsonparse_type_name(JVALUE_STRING), "a string");
    TE_ASSERT_STR_EQ(jsonparse_type_name(JVALUE_ARRAY), "a list");
    TE_ASSERT_STR_EQ(jsonparse_type_name(JVALUE_OBJECT), "an object");
}

static const struct te_test jsonparse_tests[] = {
    TE_TEST(test_jsonparse_scalars),
    TE_TEST(test_jsonparse_numbers),
    TE_TEST(test_jsonparse_escapes),
    TE_TEST(test_jsonparse_structures),
    TE_TEST(test_jsonparse_errors),
    TE_TEST(test_jsonparse_depth),
    TE_TEST(test_jsonparse_embedded_nul),
    TE_TEST(test_jsonparse_small_error_buffer),
    TE_TEST(test_jsonparse_type_names),
    TE_TESTS_END,
};

static const struct te_suite suites[] = {
    { "jsonparse", jsonparse_tests },
    TE_SUITES_END,
};

TE_CUNIT_MAIN(suites)
