/* SPDX-License-Identifier: Apache-2.0 */
/* test_sntp.c - unit tests of the SNTP client: fixed point, packet checks
 * against malformed and spoofed replies, SERVER[:PORT] parsing, and the
 * query loop against silent and closed loopback sockets. */
#include "config.h"

#include "cunit_main.h"

#include <arpa/inet.h>
#include <errno.h>
#include <math.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "sntp.h"

#define FP(s) ((int64_t)((s) * 4294967296.0))

/* ---- fixed point ------------------------------------------------------ */

static void
test_sntp_ts_from_timespec(void)
{
    struct timespec ts = { 0, 500000000 };

    CU_ASSERT_EQUAL(sntp_ts_from_timespec(&ts), (2208988800ULL << 32) | 0x80000000ULL);
    ts.tv_sec = 1;
    ts.tv_nsec = 0;
    CU_ASSERT_EQUAL(sntp_ts_from_timespec(&ts), 2208988801ULL << 32);
}

static void
test_sntp_ts_era_wrap(void)
{
    /* 2036-02-07T06:28:16Z is second 0 of NTP era 1. */
    struct timespec at = { 2085978496, 0 }, before = { 2085978495, 0 }, after = { 2085978497, 0 };

    CU_ASSERT_EQUAL(sntp_ts_from_timespec(&at), 0);
    CU_ASSERT_EQUAL(sntp_ts_from_timespec(&before), 0xffffffffULL << 32);
    CU_ASSERT_EQUAL(sntp_ts_diff(sntp_ts_from_timespec(&after), sntp_ts_from_timespec(&before)),
                    FP(2));
    CU_ASSERT_EQUAL(sntp_ts_diff(sntp_ts_from_timespec(&before), sntp_ts_from_timespec(&after)),
                    -FP(2));
}

static void
test_sntp_ts_diff_extremes(void)
{
    CU_ASSERT_EQUAL(sntp_ts_diff(0, 0), 0);
    CU_ASSERT_EQUAL(sntp_ts_diff(0, 1), -1);
    CU_ASSERT_EQUAL(sntp_ts_diff(1, 0), 1);
    CU_ASSERT_EQUAL(sntp_ts_diff(UINT64_MAX, 0), -1);
    CU_ASSERT_EQUAL(sntp_ts_diff(0x8000000000000000ULL, 0), INT64_MIN);
    CU_ASSERT_EQUAL(sntp_ts_diff(0x7fffffffffffffffULL, 0), INT64_MAX);
}

static void
test_sntp_fixed_point_conversions(void)
{
    CU_ASSERT_EQUAL(sntp_fp_from_double(1.5), FP(1.5));
    CU_ASSERT_EQUAL(sntp_fp_from_double(-0.25), -FP(0.25));
    CU_ASSERT_EQUAL(sntp_fp_from_double(1e12), INT64_MAX);
    CU_ASSERT_EQUAL(sntp_fp_from_double(-1e12), INT64_MIN);
    CU_ASSERT_EQUAL(sntp_fp_from_double(NAN), 0);
    CU_ASSERT_DOUBLE_EQUAL(sntp_fp_to_double(FP(-754.25)), -754.25, 1e-9);
    CU_ASSERT_EQUAL(sntp_short_from_double(1.0), 0x10000);
    CU_ASSERT_EQUAL(sntp_short_from_double(-3), 0);
    CU_ASSERT_EQUAL(sntp_short_from_double(1e9), UINT32_MAX);
    CU_ASSERT_DOUBLE_EQUAL(sntp_short_to_double(0x18000), 1.5, 1e-9);
}

/* ---- packet encoding -------------------------------------------------- */

static void
test_sntp_encode_decode_roundtrip(void)
{
    struct sntp_packet a = {
        .leap = 1, .version = 4, .mode = 4, .stratum = 3, .poll = -6, .precision = -23,
        .root_delay = 0x00012345, .root_dispersion = 0x00000678,
        .refid = { 192, 0, 2, 7 },
        .reference = 0x0123456789abcdefULL, .origin = 0xfedcba9876543210ULL,
        .receive = 0x1111111122222222ULL, .transmit = 0x3333333344444444ULL,
    };
    struct sntp_packet b;
    unsigned char buf[SNTP_PACKET_LEN];

    sntp_encode(&a, buf);
    CU_ASSERT_EQUAL(buf[0], 0x64);      /* 01 100 100 */
    CU_ASSERT_EQUAL(buf[2], 0xfa);      /* -6 */
    CU_ASSERT_EQUAL(buf[24], 0xfe);     /* origin, big endian */
    CU_ASSERT_EQUAL_FATAL(sntp_decode(buf, sizeof(buf), &b), 0);
    CU_ASSERT_EQUAL(b.leap, a.leap);
    CU_ASSERT_EQUAL(b.version, a.version);
    CU_ASSERT_EQUAL(b.mode, a.mode);
    CU_ASSERT_EQUAL(b.stratum, a.stratum);
    CU_ASSERT_EQUAL(b.poll, a.poll);
    CU_ASSERT_EQUAL(b.precision, a.precision);
    CU_ASSERT_EQUAL(b.root_delay, a.root_delay);
    CU_ASSERT_EQUAL(b.root_dispersion, a.root_dispersion);
    CU_ASSERT_EQUAL(memcmp(b.refid, a.refid, 4), 0);
    CU_ASSERT_EQUAL(b.reference, a.reference);
    CU_ASSERT_EQUAL(b.origin, a.origin);
    CU_ASSERT_EQUAL(b.receive, a.receive);
    CU_ASSERT_EQUAL(b.transmit, a.transmit);
    CU_ASSERT_EQUAL(sntp_decode(buf, SNTP_PACKET_LEN - 1, &b), -1);
}

static void
test_sntp_request_is_minimal(void)
{
    unsigned char buf[SNTP_PACKET_LEN], zero[SNTP_PACKET_LEN] = { 0 };

    memset(buf, 0xaa, sizeof(buf));
    sntp_build_request(buf, 0x0102030405060708ULL);
    CU_ASSERT_EQUAL(buf[0], 0x23);      /* LI 0, VN 4, mode 3 */
    CU_ASSERT_EQUAL(memcmp(buf + 1, zero, 39), 0);
    CU_ASSERT_EQUAL(buf[40], 0x01);
    CU_ASSERT_EQUAL(buf[47], 0x08);
}

static void
test_sntp_refid_format(void)
{
    struct sntp_packet p = { .stratum = 1, .refid = { 'G', 'P', 'S', 0 } };
    char buf[16];

    sntp_format_refid(&p, buf, sizeof(buf));
    CU_ASSERT_STRING_EQUAL(buf, "GPS");
    p.stratum = 2;
    sntp_format_refid(&p, buf, sizeof(buf));
    CU_ASSERT_STRING_EQUAL(buf, "71.80.83.0");
    memcpy(p.refid, "\x01\x02\x03\x04", 4);
    p.stratum = 1;
    sntp_format_refid(&p, buf, sizeof(buf));
    CU_ASSERT_STRING_EQUAL(buf, "1.2.3.4");
    memcpy(p.refid, "G\0S\0", 4);       /* NUL inside: not a code */
    sntp_format_refid(&p, buf, sizeof(buf));
    CU_ASSERT_STRING_EQUAL(buf, "71.0.83.0");
    memcpy(p.refid, "INIT", 4);
    p.stratum = 16;
    sntp_format_refid(&p, buf, sizeof(buf));
    CU_ASSERT_STRING_EQUAL(buf, "INIT");
}

/* ---- reply checks ----------------------------------------------------- */

#define XMT 0x5eed5eed12345678ULL

/* Our clock: T1 somewhere in 2024; the server is OFF seconds ahead,
 * receives 10 ms after we send, answers 1 ms later; we see it 30 ms after
 * sending.  So offset = OFF - 4.5 ms and delay = 29 ms. */
struct exchange {
    uint64_t t1, t4;
    struct sntp_packet reply;
    size_t len;
};

static void
make_exchange(struct exchange *e, uint64_t t1, double off)
{
    memset(e, 0, sizeof(*e));
    e->t1 = t1;
    e->t4 = t1 + (uint64_t)FP(0.030);
    e->reply.leap = 0;
    e->reply.version = 4;
    e->reply.mode = SNTP_MODE_SERVER;
    e->reply.stratum = 2;
    e->reply.root_delay = sntp_short_from_double(0.020);
    e->reply.root_dispersion = sntp_short_from_double(0.005);
    memcpy(e->reply.refid, "\xc0\x00\x02\x01", 4);
    e->reply.origin = XMT;
    e->reply.receive = t1 + (uint64_t)sntp_fp_from_double(off + 0.010);
    e->reply.transmit = e->reply.receive + (uint64_t)FP(0.001);
    e->reply.reference = e->reply.receive - (uint64_t)FP(64);
    e->len = SNTP_PACKET_LEN;
}

static enum sntp_reply
run_exchange(const struct exchange *e, struct sntp_sample *s)
{
    unsigned char buf[128] = { 0 };

    sntp_encode(&e->reply, buf);
    return sntp_check_reply(buf, e->len, XMT, e->t1, e->t4, SNTP_DEFAULT_MAX_ROOT_DISTANCE, s);
}

#define T1_2024 ((uint64_t)(3913056000ULL) << 32)     /* 2024-01-01 */

static void mut_none(struct exchange *e) { (void)e; }
static void mut_len0(struct exchange *e) { e->len = 0; }
static void mut_len47(struct exchange *e) { e->len = 47; }
static void mut_len68(struct exchange *e) { e->len = 68; }    /* extension field / MAC */
static void mut_mode3(struct exchange *e) { e->reply.mode = 3; }
static void mut_mode5(struct exchange *e) { e->reply.mode = 5; }
static void mut_mode0(struct exchange *e) { e->reply.mode = 0; }
static void mut_ver0(struct exchange *e) { e->reply.version = 0; }
static void
mut_ver3(struct exchange *e) { e->reply.version = 3; }
static void mut_ver5(struct exchange *e) { e->reply.version = 5; }
static void mut_ver7(struct exchange *e) { e->reply.version = 7; }
static void mut_origin1(struct exchange *e) { e->reply.origin ^= 1; }
static void mut_origin0(struct exchange *e) { e->reply.origin = 0; }
static void mut_origin_t1(struct exchange *e) { e->reply.origin = e->t1; }
static void kod_code(struct exchange *e, const char *code)
{
    e->reply.stratum = 0;
    e->reply.leap = 3;
    memcpy(e->reply.refid, code, 4);
}
static void mut_kod_deny(struct exchange *e) { kod_code(e, "DENY"); }
static void mut_kod_rstr(struct exchange *e) { kod_code(e, "RSTR"); }
static void mut_kod_rate(struct exchange *e) { kod_code(e, "RATE"); }
static void mut_kod_spoofed(struct exchange *e) { kod_code(e, "DENY"); e->reply.origin ^= 0x100; }
static void mut_kod_zero_xmt(struct exchange *e) { kod_code(e, "RATE"); e->reply.transmit = 0; }
static void mut_stratum0(struct exchange *e) { e->reply.stratum = 0; memset(e->reply.refid, 0, 4); }
static void mut_leap3(struct exchange *e) { e->reply.leap = 3; }
static void mut_leap1(struct exchange *e) { e->reply.leap = 1; }
static void mut_stratum15(struct exchange *e) { e->reply.stratum = 15; }
static void mut_stratum16(struct exchange *e) { e->reply.stratum = 16; }
static void mut_stratum255(struct exchange *e) { e->reply.stratum = 255; }
static void mut_zero_xmt(struct exchange *e) { e->reply.transmit = 0; }
static void mut_zero_rec(struct exchange *e) { e->reply.receive = 0; }
static void mut_xmt_before_rec(struct exchange *e) { e->reply.transmit = e->reply.receive - 1; }
static void mut_hold_too_long(struct exchange *e) { e->reply.transmit = e->reply.receive + (uint64_t)FP(0.031); }
static void mut_root_disp(struct exchange *e) { e->reply.root_dispersion = sntp_short_from_double(1.6); }
static void mut_root_delay(struct exchange *e) { e->reply.root_delay = sntp_short_from_double(3.0); }
static void mut_root_max(struct exchange *e) { e->reply.root_dispersion = e->reply.root_delay = UINT32_MAX; }

static const struct {
    const char *name;
    void (*mutate)(struct exchange *);
    enum sntp_reply want;
    const char *kiss;
} reply_table[] = {
    { "valid reply",                 mut_none,           SNTP_REPLY_OK,            "" },
    { "empty datagram",              mut_len0,           SNTP_REPLY_SHORT,         "" },
    { "47 bytes",                    mut_len47,          SNTP_REPLY_SHORT,         "" },
    { "extension field after header", mut_len68,         SNTP_REPLY_OK,            "" },
    { "mode 3 (our own request echoed)", mut_mode3,      SNTP_REPLY_MODE,          "" },
    { "mode 5 (broadcast)",          mut_mode5,          SNTP_REPLY_MODE,          "" },
    { "mode 0",                      mut_mode0,          SNTP_REPLY_MODE,          "" },
    { "version 0",                   mut_ver0,           SNTP_REPLY_VERSION,       "" },
    { "version 3 accepted",          mut_ver3,           SNTP_REPLY_OK,            "" },
    { "version 5",                   mut_ver5,           SNTP_REPLY_VERSION,       "" },
    { "version 7",                   mut_ver7,           SNTP_REPLY_VERSION,       "" },
    { "origin off by one",           mut_origin1,        SNTP_REPLY_ORIGIN,        "" },
    { "origin zero",                 mut_origin0,        SNTP_REPLY_ORIGIN,        "" },
    { "origin = our real send time", mut_origin_t1,      SNTP_REPLY_ORIGIN,        "" },
    { "KoD DENY",                    mut_kod_deny,       SNTP_REPLY_KOD,           "DENY" },
    { "KoD RSTR",                    mut_kod_rstr,       SNTP_REPLY_KOD,           "RSTR" },
    { "KoD RATE",                    mut_kod_rate,       SNTP_REPLY_KOD,           "RATE" },
    { "KoD with zero transmit",      mut_kod_zero_xmt,   SNTP_REPLY_KOD,           "RATE" },
    { "spoofed KoD (wrong origin)",  mut_kod_spoofed,    SNTP_REPLY_ORIGIN,        "" },
    { "stratum 0 without code",      mut_stratum0,       SNTP_REPLY_KOD,           "" },
    { "leap indicator 3",            mut_leap3,          SNTP_REPLY_LEAP,          "" },
    { "leap indicator 1 accepted",   mut_leap1,          SNTP_REPLY_OK,            "" },
    { "stratum 15 accepted",         mut_stratum15,      SNTP_REPLY_OK,            "" },
    { "stratum 16",                  mut_stratum16,      SNTP_REPLY_STRATUM,       "" },
    { "stratum 255",                 mut_stratum255,     SNTP_REPLY_STRATUM,       "" },
    { "zero transmit timestamp",     mut_zero_xmt,       SNTP_REPLY_ZERO_TIME,     "" },
    { "zero receive timestamp",      mut_zero_rec,       SNTP_REPLY_ZERO_TIME,     "" },
    { "transmit before receive",     mut_xmt_before_rec, SNTP_REPLY_TIMES,         "" },
    { "held longer than round trip", mut_hold_too_long,  SNTP_REPLY_TIMES,         "" },
    { "root dispersion 1.6 s",       mut_root_disp,      SNTP_REPLY_ROOT_DISTANCE, "" },
    { "root delay 3 s",              mut_root_delay,     SNTP_REPLY_ROOT_DISTANCE, "" },
    { "root delay/dispersion max",   mut_root_max,       SNTP_REPLY_ROOT_DISTANCE, "" },
};

static void
test_sntp_reply_table(void)
{
    for (size_t i = 0; i < sizeof(reply_table) / sizeof(reply_table[0]); i++) {
        struct exchange e;
        struct sntp_sample s;
        enum sntp_reply got;

        make_exchange(&e, T1_2024, 0.5);
        reply_table[i].mutate(&e);
        got = run_exchange(&e, &s);
        if (got != reply_table[i].want)
            fprintf(stderr, "\n  case '%s': got %s, want %s\n", reply_table[i].name,
                    sntp_reply_str(got), sntp_reply_str(reply_table[i].want));
        CU_ASSERT_EQUAL(got, reply_table[i].want);
        CU_ASSERT_STRING_EQUAL(s.kiss, reply_table[i].kiss);
    }
}

static void
test_sntp_reply_offset_and_delay(void)
{
    struct exchange e;
    struct sntp_sample s;

    make_exchange(&e, T1_2024, 0.5);
    CU_ASSERT_EQUAL_FATAL(run_exchange(&e, &s), SNTP_REPLY_OK);
    /* Server ahead: positive offset, the host is behind. */
    CU_ASSERT_DOUBLE_EQUAL(sntp_fp_to_double(s.offset), 0.4955, 1e-8);
    CU_ASSERT_DOUBLE_EQUAL(sntp_fp_to_double(s.delay), 0.029, 1e-8);
    CU_ASSERT_DOUBLE_EQUAL(s.root_distance, 0.010 + 0.005 + 0.0145, 1e-4);

    make_exchange(&e, T1_2024, -754.0);
    CU_ASSERT_EQUAL_FATAL(run_exchange(&e, &s), SNTP_REPLY_OK);
    CU_ASSERT_DOUBLE_EQUAL(sntp_fp_to_double(s.offset), -754.0045, 1e-8);
    CU_ASSERT_DOUBLE_EQUAL(sntp_fp_to_double(s.delay), 0.029, 1e-8);
}

static void
test_sntp_reply_offset_across_era(void)
{
    struct exchange e;
    struct sntp_sample s;
    /* We are 1 s before the 2036 era rollover, the server 2 s ahead, i.e.
     * already in era 1 where its timestamps are small numbers. */
    uint64_t t1 = (0xffffffffULL << 32);

    make_exchange(&e, t1, 2.0);
    CU_ASSERT(e.reply.receive < t1);
    CU_ASSERT_EQUAL_FATAL(run_exchange(&e, &s), SNTP_REPLY_OK);
    CU_ASSERT_DOUBLE_EQUAL(sntp_fp_to_double(s.offset), 1.9955, 1e-8);
    CU_ASSERT_DOUBLE_EQUAL(sntp_fp_to_double(s.delay), 0.029, 1e-8);

    /* And the other way: we are in era 1, the server is still in era 0. */
    make_exchange(&e, (uint64_t)1 << 32, -3.0);
    CU_ASSERT(e.reply.receive > ((uint64_t)1 << 32));
    CU_ASSERT_EQUAL_FATAL(run_exchange(&e, &s), SNTP_REPLY_OK);
    CU_ASSERT_DOUBLE_EQUAL(sntp_fp_to_double(s.offset), -3.0045, 1e-8);
}

static void
test_sntp_reply_offset_decades(void)
{
    struct exchange e;
    struct sntp_sample s;
    /* A host whose RTC reset to 1970 (or 2000) is decades behind: the
     * arithmetic must not overflow up to 68 years. */
    double off = 60.0 * 365.25 * 86400;

    make_exchange(&e, T1_2024 - (uint64_t)sntp_fp_from_double(off), off);
    CU_ASSERT_EQUAL_FATAL(run_exchange(&e, &s), SNTP_REPLY_OK);
    CU_ASSERT_DOUBLE_EQUAL(sntp_fp_to_double(s.offset), off - 0.0045, 1e-6);
    make_exchange(&e, T1_2024, -off);
    CU_ASSERT_EQUAL_FATAL(run_exchange(&e, &s), SNTP_REPLY_OK);
    CU_ASSERT_DOUBLE_EQUAL(sntp_fp_to_double(s.offset), -off - 0.0045, 1e-6);
}

static void
test_sntp_reply_root_distance_limit(void)
{
    struct exchange e;
    struct sntp_sample s;
    unsigned char buf[SNTP_PACKET_LEN];

    make_exchange(&e, T1_2024, 0);
    e.reply.root_dispersion = sntp_short_from_double(1.6);
    sntp_encode(&e.reply, buf);
    CU_ASSERT_EQUAL(sntp_check_reply(buf, sizeof(buf), XMT, e.t1, e.t4, 1.5, &s),
                    SNTP_REPLY_ROOT_DISTANCE);
    CU_ASSERT_EQUAL(sntp_check_reply(buf, sizeof(buf), XMT, e.t1, e.t4, 3.0, &s), SNTP_REPLY_OK);
}

static void
test_sntp_reply_strings(void)
{
    for (int r = SNTP_REPLY_OK; r <= SNTP_REPLY_ROOT_DISTANCE; r++)
        CU_ASSERT(strcmp(sntp_reply_str((enum sntp_reply)r), "unknown") != 0);
    for (int st = SNTP_NOT_RUN; st <= SNTP_OK; st++)
        CU_ASSERT(strcmp(sntp_status_str((enum sntp_status)st), "unknown") != 0);
    CU_ASSERT_STRING_EQUAL(sntp_status_str(SNTP_ERR_KOD_DENY), "kod-deny");
    CU_ASSERT_STRING_EQUAL(sntp_status_str(SNTP_OK), "ok");
}

/* ---- SERVER[:PORT] ---------------------------------------------------- */

static void
test_sntp_parse_server_valid(void)
{
    static const struct {
        const char *arg, *host;
        unsigned port;
    } ok[] = {
        { "0.pool.ntp.org", "0.pool.ntp.org", 123 },
        { "ntp1.corp.example:1123", "ntp1.corp.example", 1123 },
        { "192.0.2.1", "192.0.2.1", 123 },
        { "192.0.2.1:65535", "192.0.2.1", 65535 },
        { "[2001:db8::1]:123", "2001:db8::1", 123 },
        { "[2001:db8::1]:4123", "2001:db8::1", 4123 },
        { "[2001:db8::1]", "2001:db8::1", 123 },
        { "2001:db8::1", "2001:db8::1", 123 },
        { "::1", "::1", 123 },
        { "fe80::1%eth0", "fe80::1%eth0", 123 },
        { "[fe80::1%eth0]:124", "fe80::1%eth0", 124 },
        { "time.example.", "time.example.", 123 },
    };

    for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
        char host[SNTP_HOST_MAX], err[256] = "";
        unsigned port = 0;

        CU_ASSERT_EQUAL(sntp_parse_server(ok[i].arg, host, sizeof(host), &port, err,
                                          sizeof(err)), 0);
        CU_ASSERT_STRING_EQUAL(host, ok[i].host);
        CU_ASSERT_EQUAL(port, ok[i].port);
        CU_ASSERT_STRING_EQUAL(err, "");
    }
}

static void
test_sntp_parse_server_invalid(void)
{
    static const char *const bad[] = {
        "", ":123", "host:", "host:0", "host:65536", "host:12a", "host:-1", "host: 1",
        "[::1", "[::1]x", "[::1]:", "[]:123", "[]", "a b", "tab\there", "a/b",
        "[::1]:99999",
    };
    char longname[400];

    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        char host[SNTP_HOST_MAX], err[256] = "";
        unsigned port = 0;

        CU_ASSERT_EQUAL(sntp_parse_server(bad[i], host, sizeof(host), &port, err, sizeof(err)),
                        -1);
        CU_ASSERT(err[0] != '\0');
    }
    memset(longname, 'a', sizeof(longname) - 1);
    longname[sizeof(longname) - 1] = '\0';
    {
        struct sntp_result r;
        char err[256] = "";

        CU_ASSERT_EQUAL(sntp_result_init(&r, longname, err, sizeof(err)), -1);
        CU_ASSERT_PTR_NOT_NULL(strstr(err, "too long"));
    }
}

/* ---- queries on loopback, no helper process ---------------------------- */

/* A bound UDP socket on 127.0.0.1 that never answers; its port in *port. */
static int
silent_socket(unsigned *port)
{
    struct sockaddr_in sin = { .sin_family = AF_INET };
    socklen_t len = sizeof(sin);
    int fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

    sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd < 0 || bind(fd, (struct sockaddr *)&sin, sizeof(sin)) < 0 ||
        getsockname(fd, (struct sockaddr *)&sin, &len) < 0) {
        if (fd >= 0)
            close(fd);
        return -1;
    }
    *port = ntohs(sin.sin_port);
    return fd;
}

static double
elapsed_since(const struct timespec *t0)
{
    struct timespec t;

    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)(t.tv_sec - t0->tv_sec) + (t.tv_nsec - t0->tv_nsec) / 1e9;
}

static void
test_sntp_query_silent_server_gets_four_minimal_requests(void)
{
    struct sntp_options opt;
    struct sntp_result r;
    char arg[64], err[256];
    unsigned port;
    uint64_t seen[8];
    unsigned char buf[128];
    int fd = silent_socket(&port), count = 0;
    ssize_t n;

    CU_ASSERT_FATAL(fd >= 0);
    snprintf(arg, sizeof(arg), "127.0.0.1:%u", port);
    CU_ASSERT_EQUAL_FATAL(sntp_result_init(&r, arg, err, sizeof(err)), 0);
    sntp_options_init(&opt);
    opt.timeout_ms = 400;
    CU_ASSERT_EQUAL(sntp_query(&r, 1, &opt, err, sizeof(err)), 0);
    CU_ASSERT_EQUAL(r.status, SNTP_ERR_NO_REPLY);
    CU_ASSERT_EQUAL(r.requests, SNTP_MAX_REQUESTS);
    CU_ASSERT_PTR_NOT_NULL(strstr(r.error, "no reply from 127.0.0.1"));
    CU_ASSERT_STRING_EQUAL(r.address, "127.0.0.1");
    while ((n = recv(fd, buf, sizeof(buf), 0)) >= 0 && count < 8) {
        struct sntp_packet p;

        CU_ASSERT_EQUAL(n, SNTP_PACKET_LEN);
        CU_ASSERT_EQUAL(sntp_decode(buf, (size_t)n, &p), 0);
        CU_ASSERT_EQUAL(p.mode, SNTP_MODE_CLIENT);
        CU_ASSERT_EQUAL(p.version, 4);
        CU_ASSERT_EQUAL(p.origin, 0);
        CU_ASSERT_EQUAL(p.receive, 0);
        CU_ASSERT_NOT_EQUAL(p.transmit, 0);
        for (int i = 0; i < count; i++)
            CU_ASSERT_NOT_EQUAL(seen[i], p.transmit);   /* fresh random each time */
        seen[count++] = p.transmit;
    }
    CU_ASSERT_EQUAL(count, SNTP_MAX_REQUESTS);
    close(fd);
}

static void
test_sntp_query_max_requests_option(void)
{
    struct sntp_options opt;
    struct sntp_result r;
    char arg[64], err[256];
    unsigned char buf[128];
    unsigned port;
    int fd = silent_socket(&port), count = 0;

    CU_ASSERT_FATAL(fd >= 0);
    snprintf(arg, sizeof(arg), "127.0.0.1:%u", port);
    CU_ASSERT_EQUAL_FATAL(sntp_result_init(&r, arg, err, sizeof(err)), 0);
    sntp_options_init(&opt);
    opt.timeout_ms = 300;
    opt.max_requests = 1;
    CU_ASSERT_EQUAL(sntp_query(&r, 1, &opt, err, sizeof(err)), 0);
    CU_ASSERT_EQUAL(r.requests, 1);
    while (recv(fd, buf, sizeof(buf), 0) >= 0)
        count++;
    CU_ASSERT_EQUAL(count, 1);
    opt.max_requests = 99;      /* clamped to the protocol's limit */
    opt.timeout_ms = 500;
    CU_ASSERT_EQUAL(sntp_query(&r, 1, &opt, err, sizeof(err)), 0);
    CU_ASSERT_EQUAL(r.requests, SNTP_MAX_REQUESTS);
    close(fd);
}

static void
test_sntp_query_servers_in_parallel(void)
{
    struct sntp_options opt;
    struct sntp_result r[3];
    char arg[64], err[256];
    unsigned port[3];
    int fd[3];
    struct timespec t0;

    for (int i = 0; i < 3; i++) {
        fd[i] = silent_socket(&port[i]);
        CU_ASSERT_FATAL(fd[i] >= 0);
        snprintf(arg, sizeof(arg), "127.0.0.1:%u", port[i]);
        CU_ASSERT_EQUAL_FATAL(sntp_result_init(&r[i], arg, err, sizeof(err)), 0);
    }
    sntp_options_init(&opt);
    opt.timeout_ms = 500;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    CU_ASSERT_EQUAL(sntp_query(r, 3, &opt, err, sizeof(err)), 0);
    /* Three silent servers one after the other would take 1.5 s. */
    CU_ASSERT(elapsed_since(&t0) < 0.9);
    CU_ASSERT(elapsed_since(&t0) >= 0.45);
    for (int i = 0; i < 3; i++) {
        CU_ASSERT_EQUAL(r[i].status, SNTP_ERR_NO_REPLY);
        CU_ASSERT_EQUAL(r[i].requests, SNTP_MAX_REQUESTS);
        close(fd[i]);
    }
}

static void
test_sntp_query_port_unreachable(void)
{
    struct sntp_options opt;
    struct sntp_result r;
    char arg[64], err[256];
    unsigned port;
    int fd = silent_socket(&port);
    struct timespec t0;

    CU_ASSERT_FATAL(fd >= 0);
    close(fd);      /* nothing listens there now: ICMP port unreachable */
    snprintf(arg, sizeof(arg), "127.0.0.1:%u", port);
    CU_ASSERT_EQUAL_FATAL(sntp_result_init(&r, arg, err, sizeof(err)), 0);
    sntp_options_init(&opt);
    opt.timeout_ms = 2000;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    CU_ASSERT_EQUAL(sntp_query(&r, 1, &opt, err, sizeof(err)), 0);
    CU_ASSERT_EQUAL(r.status, SNTP_ERR_NO_REPLY);
    CU_ASSERT(r.refused);
    CU_ASSERT_EQUAL(r.requests, 1);
    CU_ASSERT_PTR_NOT_NULL(strstr(r.error, "port unreachable"));
    CU_ASSERT(elapsed_since(&t0) < 1.0);     /* no need to wait for the timeout */
}

static void
test_sntp_query_resolve_error_is_per_server(void)
{
    struct sntp_options opt;
    struct sntp_result r[2];
    char arg[64], err[256];
    unsigned port;
    int fd = silent_socket(&port);

    CU_ASSERT_FATAL(fd >= 0);
    /* numeric_only: the bad name fails in getaddrinfo without any DNS traffic. */
    CU_ASSERT_EQUAL_FATAL(sntp_result_init(&r[0], "no-such-host.invalid", err, sizeof(err)), 0);
    snprintf(arg, sizeof(arg), "127.0.0.1:%u", port);
    CU_ASSERT_EQUAL_FATAL(sntp_result_init(&r[1], arg, err, sizeof(err)), 0);
    sntp_options_init(&opt);
    opt.numeric_only = true;
    opt.timeout_ms = 500;
    r[0].status = SNTP_OK;      /* leftovers of an earlier run are forgotten */
    r[0].offset = 9;
    CU_ASSERT_EQUAL(sntp_query(r, 2, &opt, err, sizeof(err)), 0);
    CU_ASSERT_EQUAL(r[0].status, SNTP_ERR_RESOLVE);
    CU_ASSERT_DOUBLE_EQUAL(r[0].offset, 0, 0);
    CU_ASSERT_EQUAL(r[0].port, 123);
    CU_ASSERT_PTR_NOT_NULL(strstr(r[0].error, "name does not resolve: "));
    CU_ASSERT_EQUAL(r[0].requests, 0);
    CU_ASSERT_EQUAL(r[1].status, SNTP_ERR_NO_REPLY);
    CU_ASSERT_EQUAL(r[1].requests, SNTP_MAX_REQUESTS);
    close(fd);
}

static void
test_sntp_query_family_mismatch(void)
{
    struct sntp_options opt;
    struct sntp_result r;
    char err[256];

    CU_ASSERT_EQUAL_FATAL(sntp_result_init(&r, "[::1]:123", err, sizeof(err)), 0);
    sntp_options_init(&opt);
    opt.numeric_only = true;
    opt.family = AF_INET;
    opt.timeout_ms = 200;
    CU_ASSERT_EQUAL(sntp_query(&r, 1, &opt, err, sizeof(err)), 0);
    CU_ASSERT_EQUAL(r.status, SNTP_ERR_RESOLVE);
    CU_ASSERT_EQUAL(sntp_query(NULL, 0, &opt, err, sizeof(err)), 0);
}

/* ---- runner ------------------------------------------------------------ */

static void
test_sntp_offset_in_words(void)
{
    static const struct {
        double offset;
        const char *want;
    } table[] = {
        { 0.0031, "0.003 s behind" },
        { -0.003, "0.003 s ahead" },
        { 0.0004, "less than 1 ms off" },
        { 0.0, "less than 1 ms off" },
        { -1.5, "1.500 s ahead" },
        { 59.9994, "59.999 s behind" },
        { 59.9996, "1 min behind" },
        { 60, "1 min behind" },
        { 754.3, "12 min 34 s behind" },
        { -754.6, "12 min 35 s ahead" },
        { 3599.4, "59 min 59 s behind" },
        { 3599.7, "1 h behind" },
        { -7500, "2 h 5 min ahead" },
        { 7529, "2 h 5 min behind" },
        { 86399, "1 d behind" },
        { 3 * 86400 + 4 * 3600 + 100, "3 d 4 h behind" },
        { -1.7e9, "19675 d 22 h ahead" },
        { NAN, "unknown" },
    };
    char buf[64];

    for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
        sntp_format_offset(table[i].offset, buf, sizeof(buf));
        if (strcmp(buf, table[i].want) != 0)
            fprintf(stderr, "\n  %g: got '%s', want '%s'\n", table[i].offset, buf, table[i].want);
        CU_ASSERT_STRING_EQUAL(buf, table[i].want);
    }
}

static const struct te_test tests[] = {
    TE_TEST(test_sntp_ts_from_timespec),
    TE_TEST(test_sntp_ts_era_wrap),
    TE_TEST(test_sntp_ts_diff_extremes),
    TE_TEST(test_sntp_fixed_point_conversions),
    TE_TEST(test_sntp_encode_decode_roundtrip),
    TE_TEST(test_sntp_request_is_minimal),
    TE_TEST(test_sntp_refid_format),
    TE_TEST(test_sntp_offset_in_words),
    TE_TEST(test_sntp_reply_table),
    TE_TEST(test_sntp_reply_offset_and_delay),
    TE_TEST(test_sntp_reply_offset_across_era),
    TE_TEST(test_sntp_reply_offset_decades),
    TE_TEST(test_sntp_reply_root_distance_limit),
    TE_TEST(test_sntp_reply_strings),
    TE_TEST(test_sntp_parse_server_valid),
    TE_TEST(test_sntp_parse_server_invalid),
    TE_TEST(test_sntp_query_silent_server_gets_four_minimal_requests),
    TE_TEST(test_sntp_query_max_requests_option),
    TE_TEST(test_sntp_query_servers_in_parallel),
    TE_TEST(test_sntp_query_port_unreachable),
    TE_TEST(test_sntp_query_resolve_error_is_per_server),
    TE_TEST(test_sntp_query_family_mismatch),
    TE_TESTS_END,
};

static const struct te_suite suites[] = {
    { "sntp", tests },
    TE_SUITES_END,
};

TE_CUNIT_MAIN(suites)
