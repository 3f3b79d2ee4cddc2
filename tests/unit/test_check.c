/* SPDX-License-Identifier: Apache-2.0 */
/* test_check.c - unit tests of the `check` verdict and its renderings. */
#include "config.h"

#include "cunit_main.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "strbuf.h"

static void
ok_result(struct sntp_result *r, const char *host, double offset, double dist)
{
    memset(r, 0, sizeof(*r));
    snprintf(r->host, sizeof(r->host), "%s", host);
    snprintf(r->address, sizeof(r->address), "192.0.2.%d", (int)(dist * 1000) % 250 + 1);
    r->port = 123;
    r->status = SNTP_OK;
    r->stratum = 2;
    r->version = 4;
    snprintf(r->refid, sizeof(r->refid), "198.51.100.7");
    r->offset = offset;
    r->delay = 0.0125;
    r->root_delay = 0.002;
    r->root_dispersion = 0.004;
    r->root_distance = dist;
    r->requests = 1;
}

static void
failed_result(struct sntp_result *r, const char *host, enum sntp_status st,
              const char *error)
{
    memset(r, 0, sizeof(*r));
    snprintf(r->host, sizeof(r->host), "%s", host);
    r->port = 123;
    r->status = st;
    snprintf(r->error, sizeof(r->error), "%s", error);
}

static void
test_check_thresholds_default_to_check_ntp_time(void)
{
    struct check_thresholds th;

    check_thresholds_init(&th);
    CU_ASSERT_DOUBLE_EQUAL(th.warn, 60.0, 0);
    CU_ASSERT_DOUBLE_EQUAL(th.crit, 120.0, 0);
}

static void
test_check_parse_seconds(void)
{
    static const char *const bad[] = { "", "abc", "-1", "1e400", "nan", "inf", "5s", " " };
    char err[128];
    double v = -1;

    CU_ASSERT_EQUAL(check_parse_seconds("60", &v, err, sizeof(err)), 0);
    CU_ASSERT_DOUBLE_EQUAL(v, 60, 0);
    CU_ASSERT_EQUAL(check_parse_seconds("0.5", &v, err, sizeof(err)), 0);
    CU_ASSERT_DOUBLE_EQUAL(v, 0.5, 0);
    CU_ASSERT_EQUAL(check_parse_seconds("0", &v, err, sizeof(err)), 0);
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        err[0] = '\0';
        CU_ASSERT_EQUAL(check_parse_seconds(bad[i], &v, err, sizeof(err)), -1);
        CU_ASSERT(err[0] != '\0');
    }
}

static void
test_check_state_from_thresholds(void)
{
    static const struct {
        double offset;
        enum check_state want;
    } table[] = {
        { 0.0, CHECK_OK }, { 0.0031, CHECK_OK }, { -59.9, CHECK_OK }, { 60.0, CHECK_OK },
        { -60.0, CHECK_OK }, { 60.001, CHECK_WARNING }, { -60.001, CHECK_WARNING },
        { 120.0, CHECK_WARNING }, { 120.5, CHECK_CRITICAL }, { -754.3, CHECK_CRITICAL },
        { 2e9, CHECK_CRITICAL },
    };
    struct check_thresholds th;
    struct check_verdict v;
    struct sntp_result r;

    check_thresholds_init(&th);
    for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
        ok_result(&r, "a", table[i].offset, 0.01);
        CU_ASSERT_EQUAL(check_evaluate(&r, 1, &th, &v), table[i].want);
        CU_ASSERT_EQUAL(v.state, table[i].want);
        CU_ASSERT(v.have_offset);
        CU_ASSERT_DOUBLE_EQUAL(v.offset, table[i].offset, 0);
    }
    th.warn = 0.5;
    th.crit = 1;
    ok_result(&r, "a", 0.75, 0.01);
    CU_ASSERT_EQUAL(check_evaluate(&r, 1, &th, &v), CHECK_WARNING);
}

static void
test_check_unknown_without_any_offset(void)
{
    struct check_thresholds th;
    struct check_verdict v;
    struct sntp_result r[2];

    check_thresholds_init(&th);
    failed_result(&r[0], "a", SNTP_ERR_NO_REPLY, "no reply");
    failed_result(&r[1], "b", SNTP_ERR_KOD_DENY, "denied");
    CU_ASSERT_EQUAL(check_evaluate(r, 2, &th, &v), CHECK_UNKNOWN);
    CU_ASSERT_FALSE(v.have_offset);
    CU_ASSERT_EQUAL(v.nok, 0);
    CU_ASSERT_EQUAL(v.nservers, 2);
    CU_ASSERT_EQUAL(check_evaluate(NULL, 0, &th, &v), CHECK_UNKNOWN);
}

static void
test_check_best_server_has_smallest_root_distance(void)
{
    struct check_thresholds th;
    struct check_verdict v;
    struct sntp_result r[4];

    check_thresholds_init(&th);
    failed_result(&r[0], "dead", SNTP_ERR_NO_REPLY, "no reply");
    ok_result(&r[1], "far", 500, 0.2);
    ok_result(&r[2], "near", 0.002, 0.01);
    ok_result(&r[3], "mid", 0.004, 0.05);
    CU_ASSERT_EQUAL(check_evaluate(r, 4, &th, &v), CHECK_OK);
    CU_ASSERT_EQUAL(v.best, 2);
    CU_ASSERT_EQUAL(v.nok, 3);
    CU_ASSERT_DOUBLE_EQUAL(v.offset, 0.002, 0);
}

static void
test_check_plugin_line_like_check_ntp_time(void)
{
    struct check_thresholds th;
    struct check_verdict v;
    struct sntp_result r;
    struct strbuf sb;

    sb_init(&sb);
    check_thresholds_init(&th);
    ok_result(&r, "a", 0.0031, 0.01);
    check_evaluate(&r, 1, &th, &v);
    check_render_plugin(&sb, &r, 1, &v, &th);
    CU_ASSERT_STRING_EQUAL(sb.buf, "NTP OK: Offset 0.0031 secs|offset=0.003100s;60.000000;120.000000;");

    sb_reset(&sb);
    ok_result(&r, "a", -754.3, 0.01);
    check_evaluate(&r, 1, &th, &v);
    check_render_plugin(&sb, &r, 1, &v, &th);
    CU_ASSERT_STRING_EQUAL(sb.buf,
                           "NTP CRITICAL: Offset -754.3 secs|offset=-754.300000s;60.000000;120.000000;");

    sb_reset(&sb);
    th.warn = 1.5;
    th.crit = 100;
    ok_result(&r, "a", 2, 0.01);
    check_evaluate(&r, 1, &th, &v);
    check_render_plugin(&sb, &r, 1, &v, &th);
    CU_ASSERT_STRING_EQUAL(sb.buf,
                           "NTP WARNING: Offset 2 secs|offset=2.000000s;1.500000;100.000000;");
    sb_free(&sb);
}

static void
test_check_plugin_line_unknown_says_why(void)
{
    struct check_thresholds th;
    struct check_verdict v;
    struct sntp_result r[2];
    struct strbuf sb;

    sb_init(&sb);
    check_thresholds_init(&th);
    failed_result(&r[0], "ntp1.example", SNTP_ERR_RESOLVE, "name does not resolve: Name or service not known");
    failed_result(&r[1], "192.0.2.1", SNTP_ERR_KOD_DENY, "kiss-o'-death DENY from 192.0.2.1");
    check_evaluate(r, 2, &th, &v);
    check_render_plugin(&sb, r, 2, &v, &th);
    CU_ASSERT_STRING_EQUAL(sb.buf,
        "NTP UNKNOWN: Offset unknown (ntp1.example: name does not resolve: Name or "
        "service not known; 192.0.2.1: kiss-o'-death DENY from 192.0.2.1)");
    CU_ASSERT_PTR_NULL(strchr(sb.buf, '|'));
    sb_free(&sb);
}

static void
test_check_text_report(void)
{
    struct check_thresholds th;
    struct check_verdict v;
    struct sntp_result r[2];
    struct strbuf sb;

    sb_init(&sb);
    check_thresholds_init(&th);
    ok_result(&r[0], "0.pool.ntp.org", 754.3, 0.01);
    failed_result(&r[1], "1.pool.ntp.org", SNTP_ERR_NO_REPLY, "no reply from 192.0.2.9 port 123");
    check_evaluate(r, 2, &th, &v);
    check_render_text(&sb, r, 2, &v, &th);
    CU_ASSERT_STRING_EQUAL(sb.buf,
        "NTP CRITICAL: Offset 754.3 secs|offset=754.300000s;60.000000;120.000000;\n"
        "System clock: 12 min 34 s behind (measured against 0.pool.ntp.org, 192.0.2.11)\n"
        "  0.pool.ntp.org: 192.0.2.11 stratum 2 refid 198.51.100.7 offset +754.300000 s "
        "delay 0.012500 s root distance 0.010000 s\n"
        "  1.pool.ntp.org: no reply from 192.0.2.9 port 123\n");
    sb_reset(&sb);
    failed_result(&r[0], "a", SNTP_ERR_UNSYNC, "server 192.0.2.1 not synchronized (stratum 16)");
    check_evaluate(r, 2, &th, &v);
    check_render_text(&sb, r, 2, &v, &th);
    CU_ASSERT_PTR_NOT_NULL(strstr(sb.buf, "Unable to determine the system clock offset.\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(sb.buf, "  a: server 192.0.2.1 not synchronized (stratum 16)\n"));
    sb_free(&sb);
}

static void
test_check_json(void)
{
    struct check_thresholds th;
    struct check_verdict v;
    struct sntp_result r[2];
    struct strbuf sb;

    sb_init(&sb);
    check_thresholds_init(&th);
    ok_result(&r[0], "ntp.example", 0.0031, 0.01);
    failed_result(&r[1], "bad\"name", SNTP_ERR_KOD_RATE, "kiss-o'-death RATE\n");
    snprintf(r[1].kiss, sizeof(r[1].kiss), "RATE");
    snprintf(r[1].address, sizeof(r[1].address), "2001:db8::1");
    r[1].requests = 1;
    check_evaluate(r, 2, &th, &v);
    check_render_json(&sb, r, 2, &v, &th);
    CU_ASSERT_STRING_EQUAL(sb.buf,
        "{\"state\":\"OK\",\"exit_code\":0,\"offset\":0.0031,\"offset_text\":\"0.003 s behind\","
        "\"server\":\"ntp.example\",\"warn\":60,\"crit\":120,"
        "\"plugin_output\":\"NTP OK: Offset 0.0031 secs|offset=0.003100s;60.000000;120.000000;\","
        "\"servers\":["
        "{\"server\":\"ntp.example\",\"port\":123,\"address\":\"192.0.2.11\",\"status\":\"ok\","
        "\"error\":null,\"offset\":0.0031,\"delay\":0.0125,\"root_delay\":0.002,"
        "\"root_dispersion\":0.004,\"root_distance\":0.01,\"stratum\":2,"
        "\"refid\":\"198.51.100.7\",\"leap\":0,\"kiss_code\":null,\"requests\":1,\"rejected\":0,"
        "\"port_unreachable\":false},"
        "{\"server\":\"bad\\\"name\",\"port\":123,\"address\":\"2001:db8::1\","
        "\"status\":\"kod-rate\",\"error\":\"kiss-o'-death RATE\\n\",\"offset\":null,"
        "\"delay\":null,\"root_delay\":null,\"root_dispersion\":null,\"root_distance\":null,"
        "\"stratum\":null,\"refid\":null,\"leap\":null,\"kiss_code\":\"RATE\",\"requests\":1,"
        "\"rejected\":0,\"port_unreachable\":false}]}");

    sb_reset(&sb);
    r[0].status = SNTP_ERR_UNSYNC;
    r[0].stratum = 16;
    check_evaluate(r, 2, &th, &v);
    check_render_json(&sb, r, 2, &v, &th);
    CU_ASSERT_PTR_NOT_NULL(strstr(sb.buf, "\"state\":\"UNKNOWN\",\"exit_code\":3,\"offset\":null,"
                                               "\"offset_text\":null,\"server\":null"));
    CU_ASSERT_PTR_NOT_NULL(strstr(sb.buf, "\"status\":\"unsynchronized\""));
    CU_ASSERT_PTR_NOT_NULL(strstr(sb.buf, "\"offset\":null,\"delay\":null"));
    CU_ASSERT_PTR_NOT_NULL(strstr(sb.buf, "\"stratum\":16,"));
    sb_free(&sb);
}

static void
test_check_state_strings(void)
{
    CU_ASSERT_STRING_EQUAL(check_state_str(CHECK_OK), "OK");
    CU_ASSERT_STRING_EQUAL(check_state_str(CHECK_WARNING), "WARNING");
    CU_ASSERT_STRING_EQUAL(check_state_str(CHECK_CRITICAL), "CRITICAL");
    CU_ASSERT_STRING_EQUAL(check_state_str(CHECK_UNKNOWN), "UNKNOWN");
    CU_ASSERT_EQUAL(CHECK_OK, 0);
    CU_ASSERT_EQUAL(CHECK_WARNING, 1);
    CU_ASSERT_EQUAL(CHECK_CRITICAL, 2);
    CU_ASSERT_EQUAL(CHECK_UNKNOWN, 3);
}

static const struct te_test tests[] = {
    TE_TEST(test_check_thresholds_default_to_check_ntp_time),
    TE_TEST(test_check_parse_seconds),
    TE_TEST(test_check_state_from_thresholds),
    TE_TEST(test_check_unknown_without_any_offset),
    TE_TEST(test_check_best_server_has_smallest_root_distance),
    TE_TEST(test_check_plugin_line_like_check_ntp_time),
    TE_TEST(test_check_plugin_line_unknown_says_why),
    TE_TEST(test_check_text_report),
    TE_TEST(test_check_json),
    TE_TEST(test_check_state_strings),
    TE_TESTS_END,
};

static const struct te_suite suites[] = {
    { "check", tests },
    TE_SUITES_END,
};

TE_CUNIT_MAIN(suites)
