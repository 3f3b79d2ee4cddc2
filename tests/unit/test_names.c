/* SPDX-License-Identifier: Apache-2.0 */
/* test_names: names_valid_host accepts host names and addresses and refuses everything a
 * daemon could misread, each refusal with its reason. */
#include "config.h"

#include <string.h>

#include "alloc.h"
#include "names.h"

#include "cunit_main.h"
#include "strbuf.h"

/* A name of exactly len characters: labels of at most 63 letters joined by dots. */
static void
make_long_name(char *buf, size_t len)
{
    for (size_t i = 0; i < len; i++)
        buf[i] = (i % 64 == 63) ? '.' : 'a';
    buf[len] = '\0';
    if (buf[len - 1] == '.')
        buf[len - 1] = 'b';
}

static void
test_names_valid(void)
{
    static const char *const valid[] = {
        "localhost",
        "ntp1",
        "pool.ntp.org",
        "0.debian.pool.ntp.org",
        "time-a.example.com",
        "pool.ntp.org.",                 /* fully qualified, trailing dot */
        "xn--bcher-kva.example",         /* IDNA */
        "Time.Example.COM",
        "192.0.2.1",
        "127.0.0.1",
        "0.0.0.0",
        "::1",
        "2001:db8::1",
        "fe80::1",
        "2001:db8:0:0:0:0:0:123",
        "::ffff:192.0.2.1",
        "a1",
        "1a.example",
    };
    char why[128];
    char label63[64 + 8], name253[254];

    for (size_t i = 0; i < TE_ARRAY_LEN(valid); i++) {
        why[0] = '\0';
        te_assert_msg(names_valid_host(valid[i], why, sizeof(why)), __LINE__, __FILE__, false,
                      "\"%s\" refused: %s", valid[i], why);
    }
    memset(label63, 'a', 63);
    strcpy(label63 + 63, ".org");
    CU_ASSERT_TRUE(names_valid_host(label63, why, sizeof(why)));

    make_long_name(name253, 253);
    CU_ASSERT_EQUAL(strlen(name253), 253);
    te_assert_msg(names_valid_host(name253, why, sizeof(why)), __LINE__, __FILE__, false,
                  "a 253-character name refused: %s", why);
}

struct bad_name {
    const char *name;
    const char *reason;      /* a part of the reason given */
};

static void
check_invalid(const struct bad_name *b, size_t n)
{
    char why[128];

    for (size_t i = 0; i < n; i++) {
        char *q = quote_string(b[i].name);
        bool ok;

        strcpy(why, "(nothing)");
        ok = names_valid_host(b[i].name, why, sizeof(why));
        te_assert_msg(!ok, __LINE__, __FILE__, false, "%s accepted", q);
        te_assert_msg(strstr(why, b[i].reason) != NULL, __LINE__, __FILE__, false,
                      "%s: reason \"%s\" does not contain \"%s\"", q, why, b[i].reason);
        free(q);
    }
}

static void
test_names_invalid(void)
{
    static const struct bad_name bad[] = {
        { "", "is empty" },
        { "-server", "starts with '-'" },
        { "-a.example.com", "starts with '-'" },
        { "ntp .example.com", "whitespace" },
        { " ntp.example.com", "whitespace" },
        { "ntp\t.example.com", "control character" },
        { "ntp.example.com\n", "control character" },
        { "ntp.example.com\nserver evil", "control character" },
        { "ntp\x01name", "control character" },
        { "ntp\x7f", "control character" },
        { "ntp#1", "not allowed" },
        { "ntp;rm", "not allowed" },
        { "ntp\\1", "not allowed" },
        { "ntp\"1", "not allowed" },
        { "ntp'1", "not allowed" },
        { "ntp`id`", "not allowed" },
        { "$HOST", "not allowed" },
        { "ntp\xc3\xa9.example", "non-ASCII" },
        { "iburst", "keyword" },
        { "IBURST", "keyword" },
        { "server", "keyword" },
        { "pool", "keyword" },
        { "Prefer", "keyword" },
        { "123", "all digits" },
        { "256.1.1.1", "all digits" },
        { "1.2.3", "all digits" },
        { "2001:db8::zz", "not a valid IPv6" },
        { "2001:db8:::1", "not a valid IPv6" },
        { "a..b", "empty label" },
        { ".example.com", "empty label" },
        { "a-.example.com", "ending with '-'" },
        { "example-", "ending with '-'" },
        { "a.-b.example", "starting with '-'" },
        { "under_score.example", "only letters, digits" },
        { ".", "not a host name" },
    };

    check_invalid(bad, TE_ARRAY_LEN(bad));
}

static void
test_names_length_limits(void)
{
    char label64[64 + 8], name254[256];
    struct bad_name bad[2] = {
        { label64, "longer than 63" },
        { name254, "longer than 253" },
    };

    memset(label64, 'a', 64);
    strcpy(label64 + 64, ".org");
    make_long_name(name254, 254);
    CU_ASSERT_EQUAL(strlen(name254), 254);
    check_invalid(bad, TE_ARRAY_LEN(bad));
}

static void
test_names_reason_optional(void)
{
    char why[8];

    /* No room for the reason, or a short buffer: still a clean answer. */
    CU_ASSERT_FALSE(names_valid_host("a..b", NULL, 0));
    CU_ASSERT_FALSE(names_valid_host(NULL, NULL, 0));
    CU_ASSERT_FALSE(names_valid_host("a..b", why, sizeof(why)));
    CU_ASSERT_EQUAL(strlen(why), sizeof(why) - 1);
    CU_ASSERT_TRUE(names_valid_host("pool.ntp.org", NULL, 0));
}

/* The canonical text of a prefix that parses, or "" (with a failed assertion). */
static const char *
prefix_text(const char *in, bool *host_bits)
{
    static char buf[NAMES_PREFIX_MAX];
    struct names_prefix p;
    char why[160] = "";

    buf[0] = '\0';
    te_assert_msg(names_parse_prefix(in, &p, host_bits, why, sizeof(why)), __LINE__, __FILE__,
                  false, "\"%s\" refused: %s", in, why);
    if (p.family)
        names_prefix_text(&p, buf, sizeof(buf));
    return buf;
}

static void
test_names_prefix_valid(void)
{
    static const struct {
        const char *in, *out;
        bool host_bits;
    } cases[] = {
        { "192.0.2.0/24", "192.0.2.0/24", false },
        { "192.0.2.7/24", "192.0.2.0/24", true },          /* host bits: cleared */
        { "198.51.100.128/25", "198.51.100.128/25", false },
        { "198.51.100.200/25", "198.51.100.128/25", true },
        { "192.0.2.1/32", "192.0.2.1/32", false },
        { "0.0.0.0/0", "0.0.0.0/0", false },
        { "192.0.2.1/0", "0.0.0.0/0", true },
        { "2001:db8::/64", "2001:db8::/64", false },
        { "2001:DB8:0:0::/64", "2001:db8::/64", false },  /* canonical: lower case, :: */
        { "2001:db8::1/64", "2001:db8::/64", true },
        { "2001:db8:0:1:2:3:4:5/128", "2001:db8:0:1:2:3:4:5/128", false },
        { "2001:db8::/32", "2001:db8::/32", false },
        { "2001:db8:ffff::/33", "2001:db8:8000::/33", true },
        { "::/0", "::/0", false },
        { "::ffff:192.0.2.0/120", "::ffff:192.0.2.0/120", false },
    };

    for (size_t i = 0; i < TE_ARRAY_LEN(cases); i++) {
        bool host_bits = !cases[i].host_bits;

        TE_ASSERT_STR_EQ(prefix_text(cases[i].in, &host_bits), cases[i].out);
        te_assert_msg(host_bits == cases[i].host_bits, __LINE__, __FILE__, false,
                      "\"%s\": host bits %d, want %d", cases[i].in, host_bits,
                      cases[i].host_bits);
    }
}

static void
test_names_prefix_invalid(void)
{
    static const struct {
        const char *in, *why;
    } cases[] = {
        { "", "is empty" },
        { "192.0.2.0", "has no prefix length" },
        { "2001:db8::1", "has no prefix length" },
        { "192.0.2.0/", "has an empty prefix length" },
        { "192.0.2.0/33", "above 32" },
        { "2001:db8::/129", "above 128" },
        { "192.0.2.0/024", "leading zero" },
        { "192.0.2.0/+24", "not a decimal number" },
        { "192.0.2.0/-1", "not a decimal number" },
        { "192.0.2.0/24/8", "not a decimal number" },
        { "192.0.2.0/2x", "not a decimal number" },
        { "192.0.2.0/99999999999999999999", "above 32" },
        { "/24", "not an IPv4 or IPv6 address" },
        { "192.0.2/24", "not an IPv4 or IPv6 address" },
        { "192.0.2.256/24", "not an IPv4 or IPv6 address" },
        { "192.000.002.000/24", "not an IPv4 or IPv6 address" },
        { "fe80::1%eth0/64", "not an IPv4 or IPv6 address" },
        { "ntp.example.com/24", "not an IPv4 or IPv6 address" },
        { "192.0.2.0 /24", "whitespace" },
        { "192.0.2.0/24 ", "whitespace" },
        { "192.0.2.0/24\n", "control character" },
        { "192.0.2.0/24;rm -rf /", "whitespace" },
        { "192.0.2.0/24#x", "not a decimal number" },
        { "default", "has no prefix length" },
        { "any/0", "not an IPv4 or IPv6 address" },
        { "192.0.2.0/\xc3\xa9", "non-ASCII" },
    };

    for (size_t i = 0; i < TE_ARRAY_LEN(cases); i++) {
        struct names_prefix p;
        char why[160] = "";
        bool ok = names_parse_prefix(cases[i].in, &p, NULL, why, sizeof(why));

        te_assert_msg(!ok, __LINE__, __FILE__, false, "\"%s\" accepted", cases[i].in);
        te_assert_msg(strstr(why, cases[i].why) != NULL, __LINE__, __FILE__, false,
                      "\"%s\": reason \"%s\", want \"%s\"", cases[i].in, why, cases[i].why);
    }
    CU_ASSERT_FALSE(names_parse_prefix(NULL, &(struct names_prefix){ 0 }, NULL, NULL, 0));
}

static void
test_names_prefix_parts(void)
{
    struct names_prefix p, q;
    char buf[NAMES_PREFIX_MAX];

    CU_ASSERT_TRUE_FATAL(names_parse_prefix("192.0.2.0/24", &p, NULL, NULL, 0));
    CU_ASSERT_EQUAL(p.family, 4);
    CU_ASSERT_EQUAL(p.len, 24);
    names_prefix_address(&p, buf, sizeof(buf));
    TE_ASSERT_STR_EQ(buf, "192.0.2.0");
    names_prefix_mask(&p, buf, sizeof(buf));
    TE_ASSERT_STR_EQ(buf, "255.255.255.0");
    CU_ASSERT_TRUE_FATAL(names_parse_prefix("198.51.100.0/23", &p, NULL, NULL, 0));
    names_prefix_mask(&p, buf, sizeof(buf));
    TE_ASSERT_STR_EQ(buf, "255.255.254.0");
    CU_ASSERT_TRUE_FATAL(names_parse_prefix("2001:db8::/64", &p, NULL, NULL, 0));
    CU_ASSERT_EQUAL(p.family, 6);
    names_prefix_mask(&p, buf, sizeof(buf));
    TE_ASSERT_STR_EQ(buf, "ffff:ffff:ffff:ffff::");
    names_prefix_address(&p, buf, sizeof(buf));
    TE_ASSERT_STR_EQ(buf, "2001:db8::");
    CU_ASSERT_TRUE_FATAL(names_parse_prefix("2001:db8::/33", &p, NULL, NULL, 0));
    names_prefix_mask(&p, buf, sizeof(buf));
    TE_ASSERT_STR_EQ(buf, "ffff:ffff:8000::");

    /* Containment: the outer network holds every address of the inner one. */
    CU_ASSERT_TRUE_FATAL(names_parse_prefix("192.0.2.0/24", &p, NULL, NULL, 0));
    CU_ASSERT_TRUE_FATAL(names_parse_prefix("192.0.2.128/25", &q, NULL, NULL, 0));
    CU_ASSERT_TRUE(names_prefix_contains(&p, &q));
    CU_ASSERT_FALSE(names_prefix_contains(&q, &p));
    CU_ASSERT_TRUE(names_prefix_contains(&p, &p));
    CU_ASSERT_TRUE_FATAL(names_parse_prefix("198.51.100.0/24", &q, NULL, NULL, 0));
    CU_ASSERT_FALSE(names_prefix_contains(&p, &q));
    CU_ASSERT_TRUE_FATAL(names_parse_prefix("2001:db8::/32", &q, NULL, NULL, 0));
    CU_ASSERT_FALSE(names_prefix_contains(&p, &q));   /* another family */
    CU_ASSERT_TRUE_FATAL(names_parse_prefix("0.0.0.0/0", &q, NULL, NULL, 0));
    CU_ASSERT_TRUE(names_prefix_contains(&q, &p));
}

static const struct te_test names_tests[] = {
    TE_TEST(test_names_valid),
    TE_TEST(test_names_invalid),
    TE_TEST(test_names_length_limits),
    TE_TEST(test_names_reason_optional),
    TE_TEST(test_names_prefix_valid),
    TE_TEST(test_names_prefix_invalid),
    TE_TEST(test_names_prefix_parts),
    TE_TESTS_END,
};

static const struct te_suite suites[] = {
    { "names", names_tests },
    TE_SUITES_END,
};

TE_CUNIT_MAIN(suites)
