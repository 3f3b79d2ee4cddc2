/* SPDX-License-Identifier: Apache-2.0 */
/* test_backend_verify: unit tests of the daemons' own status parsers (backends/verify.c): ntpq for
 * ntpd and ntpsec, timedatectl show-timesync for timesyncd, ntpctl for OpenNTPD. */
#include "config.h"

#include "cunit_main.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <utime.h>

#include "alloc.h"
#include "backend.h"

static void
fresh(struct sync_status *st)
{
    memset(st, 0, sizeof(*st));
    st->reachable = st->sources = -1;
}

/* ntpsec's ntpq -n -c peers: a pool placeholder, the selected server, an unreachable one. */
static void
test_verify_ntpq_selected(void)
{
    static const char text[] =
        "     remote           refid      st t when poll reach   delay   offset   jitter\n"
        "=======================================================================================================\n"
        " 0.debian.pool.ntp.org .POOL.      16 p    -  256    0   0.0000   0.0000   0.0001\n"
        "*192.0.2.1       127.127.1.1      8 u   13   64    7   0.0762  -1.2345   0.0310\n"
        " 198.51.100.10   .INIT.          16 u    -   64    0   0.0000   0.0000   0.0001\n";
    struct sync_status st;

    fresh(&st);
    CU_ASSERT_EQUAL(backend_parse_ntpq_peers(text, &st), 0);
    CU_ASSERT_TRUE(st.synchronized);
    CU_ASSERT_STRING_EQUAL(st.source, "192.0.2.1");
    CU_ASSERT_EQUAL(st.sources, 2);          /* the pool placeholder is no server */
    CU_ASSERT_EQUAL(st.reachable, 1);
    CU_ASSERT_TRUE(st.offset_known);
    CU_ASSERT_DOUBLE_EQUAL(st.offset, -0.0012345, 1e-9);
}

static void
test_verify_ntpq_none_selected(void)
{
    static const char text[] =
        "     remote           refid      st t when poll reach   delay   offset   jitter\n"
        "==============================================================================\n"
        "+192.0.2.1       127.127.1.1      8 u   13   64    1   0.0762   0.5000   0.0310\n"
        " 192.0.2.9       .INIT.          16 u    -   64    0   0.0000   0.0000   0.0001\n";
    struct sync_status st;

    fresh(&st);
    CU_ASSERT_EQUAL(backend_parse_ntpq_peers(text, &st), 0);
    CU_ASSERT_FALSE(st.synchronized);
    CU_ASSERT_STRING_EQUAL(st.source, "");
    CU_ASSERT_EQUAL(st.sources, 2);
    CU_ASSERT_EQUAL(st.reachable, 1);
    fresh(&st);
    CU_ASSERT_EQUAL(backend_parse_ntpq_peers("ntpq: read: Connection refused\n", &st), -1);
}

static void
test_verify_timesync_synchronized(void)
{
    static const char text[] =
        "ServerName=ntp1.example.com\n"
        "ServerAddress=192.0.2.1\n"
        "NTPMessage={ Leap=0, Version=4, Mode=4, Stratum=8, Precision=-25, RootDelay=0, "
        "RootDispersion=22us, Reference=7F7F0101, OriginateTimestamp=Wed 2026-12-02 19:53:01 UTC, "
        "ReceiveTimestamp=Wed 2026-12-02 19:53:01 UTC, TransmitTimestamp=Wed 2026-12-02 19:53:01 UTC, "
        "DestinationTimestamp=Wed 2026-12-02 19:53:01 UTC, Ignored=no, PacketCount=1, Jitter=0 }\n";
    struct sync_status st;

    fresh(&st);
    CU_ASSERT_EQUAL(backend_parse_timesync(text, &st), 0);
    CU_ASSERT_TRUE(st.synchronized);
    CU_ASSERT_STRING_EQUAL(st.source, "ntp1.example.com");
}

static void
test_verify_timesync_not_synchronized(void)
{
    struct sync_status st;

    fresh(&st);
    /* no server contacted yet: empty address, an empty message */
    CU_ASSERT_EQUAL(backend_parse_timesync("ServerName=192.0.2.1\nServerAddress=\n"
                                           "NTPMessage={}\n", &st), 0);
    CU_ASSERT_FALSE(st.synchronized);
    fresh(&st);
    /* an unsynchronized server (leap 3, stratum 0) */
    CU_ASSERT_EQUAL(backend_parse_timesync("ServerName=a\nServerAddress=192.0.2.1\n"
                                           "NTPMessage={ Leap=3, Stratum=0 }\n", &st), 0);
    CU_ASSERT_FALSE(st.synchronized);
    fresh(&st);
    CU_ASSERT_EQUAL(backend_parse_timesync("Failed to connect to bus\n", &st), -1);
}

/* timedatectl timesync-status: its Offset line (format_timespan, positive when the server is
 * ahead, so the host behind, as NTP signs an offset). */
static void
test_verify_timesync_offset(void)
{
    struct sync_status st;

    fresh(&st);
    CU_ASSERT_EQUAL(backend_parse_timesync_offset("       Server: 192.0.2.3 (192.0.2.3)\n"
                                                  "       Offset: +12min 34.001234s\n"
                                                  "        Delay: 207us\n", &st), 0);
    CU_ASSERT_TRUE(st.offset_known);
    CU_ASSERT_DOUBLE_EQUAL(st.offset, 754.001234, 1e-9);
    fresh(&st);
    CU_ASSERT_EQUAL(backend_parse_timesync_offset("Offset: -1.500ms\n", &st), 0);
    CU_ASSERT_DOUBLE_EQUAL(st.offset, -0.0015, 1e-12);
    fresh(&st);
    CU_ASSERT_EQUAL(backend_parse_timesync_offset("Offset: +1h 2min 3s\n", &st), 0);
    CU_ASSERT_DOUBLE_EQUAL(st.offset, 3723.0, 1e-9);
    fresh(&st);
    CU_ASSERT_EQUAL(backend_parse_timesync_offset("Offset: +543us\n", &st), 0);
    CU_ASSERT_DOUBLE_EQUAL(st.offset, 0.000543, 1e-12);
    /* no Offset line, or one that is not a time span: unknown */
    fresh(&st);
    CU_ASSERT_EQUAL(backend_parse_timesync_offset("Server: 192.0.2.3\n", &st), -1);
    CU_ASSERT_FALSE(st.offset_known);
    CU_ASSERT_EQUAL(backend_parse_timesync_offset("Offset: soon\n", &st), -1);
    CU_ASSERT_EQUAL(backend_parse_timesync_offset("Offset: +12parsecs\n", &st), -1);
    CU_ASSERT_FALSE(st.offset_known);
}

static void
test_verify_ntpctl(void)
{
    static const char status[] = "1/2 peers valid, clock synced, stratum 9\n";
    static const char peers[] =
        "peer\n"
        "   wt tl st  next  poll          offset       delay      jitter\n"
        "192.0.2.1\n"
        " *  1 10  8   21s   32s         1.234ms     0.079ms     0.019ms\n"
        "198.51.100.10 from pool pool.example.org\n"
        "    1  2  -    3s    5s             ---- peer not valid ----\n";
    struct sync_status st;

    fresh(&st);
    CU_ASSERT_EQUAL(backend_parse_ntpctl(status, peers, &st), 0);
    CU_ASSERT_TRUE(st.synchronized);
    CU_ASSERT_STRING_EQUAL(st.source, "192.0.2.1");
    CU_ASSERT_EQUAL(st.reachable, 1);
    CU_ASSERT_EQUAL(st.sources, 2);
    CU_ASSERT_TRUE(st.offset_known);
    CU_ASSERT_DOUBLE_EQUAL(st.offset, 0.001234, 1e-9);
    fresh(&st);
    CU_ASSERT_EQUAL(backend_parse_ntpctl("0/1 peers valid, clock unsynced\n", "peer\n", &st), 0);
    CU_ASSERT_FALSE(st.synchronized);
    CU_ASSERT_EQUAL(st.reachable, 0);
    fresh(&st);
    CU_ASSERT_EQUAL(backend_parse_ntpctl("ntpctl: connect: /var/run/ntpd.sock\n", "", &st), -1);
}

/* A program called name in dir that prints text and exits with status. */
static void
fake_program(const char *dir, const char *name, const char *text, int status)
{
    char *path = te_path(dir, name);
    FILE *f = fopen(path, "w");

    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    fprintf(f, "#!/bin/sh\nprintf '%%s' '%s'\nexit %d\n", text, status);
    fclose(f);
    CU_ASSERT_EQUAL(chmod(path, 0755), 0);
    free(path);
}

/* timesyncd's verification without D-Bus (timedatectl fails) reads the flag file under the
 * target's root: a flag older than since (the run's last write) is the daemon's before the
 * restart; a single look (timeout 0) takes any flag. The hook gets the host and that time,
 * not a plan. */
static void
test_verify_timesyncd_flag_since(void)
{
    const char *tmp = te_tmpdir();
    char *sbin = te_path(tmp, "sbin"), *root = te_path(tmp, "root");
    char *flag = te_path(root, "run/systemd/timesync/synchronized");
    struct hostinfo h = { .root = root, .live = true };
    struct utimbuf t = { 1000000000, 1000000000 };
    struct sync_status st;
    static const char *const dirs[] = { "sbin", "root", "root/run", "root/run/systemd",
                                        "root/run/systemd/timesync" };
    FILE *f;

    for (size_t i = 0; i < TE_ARRAY_LEN(dirs); i++) {
        char *d = te_path(tmp, dirs[i]);

        CU_ASSERT_EQUAL_FATAL(mkdir(d, 0755), 0);
        free(d);
    }
    f = fopen(flag, "w");
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    fclose(f);
    CU_ASSERT_EQUAL_FATAL(utime(flag, &t), 0);
    fake_program(sbin, "timedatectl", "", 1);
    setenv("TE_NTP_SETUP_SBIN", sbin, 1);

    backend_verify(&backend_timesyncd, &h, 1000000000 + 60, 1, &st);
    CU_ASSERT_TRUE(st.answered);
    CU_ASSERT_FALSE(st.synchronized);           /* the flag predates the run's write */
    CU_ASSERT_PTR_NOT_NULL(strstr(st.how, "/run/systemd/timesync/synchronized"));
    backend_verify(&backend_timesyncd, &h, 1000000000 - 60, 1, &st);
    CU_ASSERT_TRUE(st.synchronized);
    backend_verify(&backend_timesyncd, &h, 1000000000 + 60, 0, &st);
    CU_ASSERT_TRUE(st.synchronized);            /* one look: any flag */
    CU_ASSERT_EQUAL(unlink(flag), 0);
    backend_verify(&backend_timesyncd, &h, 0, 0, &st);
    CU_ASSERT_FALSE(st.synchronized);

    unsetenv("TE_NTP_SETUP_SBIN");
    free(flag);
    free(root);
    free(sbin);
}

static const struct te_test verify_tests[] = {
    TE_TEST(test_verify_ntpq_selected),
    TE_TEST(test_verify_ntpq_none_selected),
    TE_TEST(test_verify_timesync_synchronized),
    TE_TEST(test_verify_timesync_not_synchronized),
    TE_TEST(test_verify_timesync_offset),
    TE_TEST(test_verify_ntpctl),
    TE_TEST(test_verify_timesyncd_flag_since),
    TE_TESTS_END,
};

static const struct te_suite suites[] = {
    { "verify", verify_tests },
    TE_SUITES_END,
};

TE_CUNIT_MAIN(suites)
