/* SPDX-License-Identifier: Apache-2.0 */
/* Fuzz target: the SNTP reply check, the one parser fed from the network (te-ntp-setup
 * check), and the SERVER[:PORT] argument parser.
 *
 * The input is a server reply. sntp_check_reply judges it against a request sent with
 * fixed timestamps; when the reply has a 49th byte (past the header, which the check
 * ignores) with its low bit set, the request's transmit timestamp is the reply's own
 * origin field, so that the checks after the origin match are reached. Besides memory
 * safety it checks, independently of how sntp.c decides:
 * - a reply of fewer than 48 bytes is "too short", and only such a reply;
 * - nothing in a reply whose origin does not match is believed: its verdict is one of
 *   short, mode, version or origin (a spoofed kiss-o'-death cannot silence a server);
 * - an accepted reply has mode 4, version 1-4, stratum 1-15, leap indicator 0-2, an origin
 *   equal to the request's, non-zero receive and transmit timestamps, a hold time within
 *   the round trip, an offset equal to ((T2 - T1) + (T3 - T4)) / 2 and a delay to
 *   (T4 - T1) - (T3 - T2) (computed here in 128 bits), and a finite root distance within
 *   the limit;
 * - a kiss-o'-death comes from stratum 0 and its code is printable;
 * - decoding then encoding the header gives back the same 48 bytes;
 * - sntp_format_refid always ends its text within the buffer;
 * - every verdict has a text; the same input gives the same verdict.
 * The input is also parsed as a SERVER[:PORT] argument: accepted, the host is 1-255
 * bytes without control characters, blanks, '/', '[' or ']', and the port is 1-65535;
 * refused, there is a reason. */
#include "config.h"

#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "fuzz.h"
#include "sntp.h"

#define T1 0xE900000000000000ULL                  /* some NTP time in era 0 */
#define T4 (T1 + 0x0CCCCCCCULL)                    /* 50 ms later */
#define XMT 0x0123456789ABCDEFULL
#define MAX_ROOT_DISTANCE 1.5

static void
check_reply(const uint8_t *data, size_t size)
{
    struct sntp_sample smp, again;
    struct sntp_packet pkt;
    unsigned char buf[SNTP_PACKET_LEN];
    uint64_t xmt = XMT;
    enum sntp_reply r;
    char refid[16];
    const char *text;

    if (size > SNTP_PACKET_LEN && (data[SNTP_PACKET_LEN] & 1) &&
        sntp_decode(data, size, &pkt) == 0)
        xmt = pkt.origin;
    r = sntp_check_reply(data, size, xmt, T1, T4, MAX_ROOT_DISTANCE, &smp);
    if ((r == SNTP_REPLY_SHORT) != (size < SNTP_PACKET_LEN))
        fuzz_fail("a reply of %zu bytes judged %s", size, sntp_reply_str(r));
    text = sntp_reply_str(r);
    if (!text[0] || strcmp(text, "unknown") == 0)
        fuzz_fail("verdict %d has no text", (int)r);
    if (sntp_check_reply(data, size, xmt, T1, T4, MAX_ROOT_DISTANCE, &again) != r)
        fuzz_fail("the same reply judged twice differently");
    if (size < SNTP_PACKET_LEN)
        return;

    /* The header round-trips. */
    if (sntp_decode(data, size, &pkt) < 0)
        fuzz_fail("a header of %zu bytes does not decode", size);
    sntp_encode(&pkt, buf);
    if (memcmp(buf, data, SNTP_PACKET_LEN) != 0)
        fuzz_fail("decode then encode changes the header");
    memset(refid, 'x', sizeof(refid));
    sntp_format_refid(&pkt, refid, sizeof(refid));
    if (!memchr(refid, '\0', sizeof(refid)))
        fuzz_fail("sntp_format_refid left its text unterminated");

    if (pkt.origin != xmt && r != SNTP_REPLY_MODE && r != SNTP_REPLY_VERSION &&
        r != SNTP_REPLY_ORIGIN)
        fuzz_fail("a reply whose origin does not match was judged %s", text);
    if (r == SNTP_REPLY_KOD) {
        if (pkt.stratum != 0)
            fuzz_fail("a kiss-o'-death of stratum %u", pkt.stratum);
        for (const char *k = smp.kiss; *k; k++)
            if (*k < 0x20 || *k > 0x7e)
                fuzz_fail("a kiss code with byte 0x%02x", (unsigned char)*k);
    }
    if (r == SNTP_REPLY_OK) {
        __int128 d1 = (__int128)(int64_t)(pkt.receive - T1);
        __int128 d2 = (__int128)(int64_t)(pkt.transmit - T4);
        __int128 rtt = (__int128)(int64_t)(T4 - T1);
        __int128 hold = (__int128)(int64_t)(pkt.transmit - pkt.receive);
        __int128 diff = (__int128)smp.offset - (d1 + d2) / 2;

        if (pkt.mode != SNTP_MODE_SERVER || pkt.version < 1 || pkt.version > 4 ||
            pkt.stratum < 1 || pkt.stratum > 15 || pkt.leap == 3 || pkt.origin != xmt ||
            pkt.receive == 0 || pkt.transmit == 0)
            fuzz_fail("accepted a reply of mode %u, version %u, stratum %u, leap %u",
                      pkt.mode, pkt.version, pkt.stratum, pkt.leap);
        if (hold < 0 || hold > rtt)
            fuzz_fail("accepted a reply held longer than the round trip");
        if (diff < -1 || diff > 1)
            fuzz_fail("offset %lld is not ((T2 - T1) + (T3 - T4)) / 2", (long long)smp.offset);
        if ((__int128)smp.delay != rtt - hold || smp.delay < 0)
            fuzz_fail("delay %lld is not (T4 - T1) - (T3 - T2)", (long long)smp.delay);
        if (!isfinite(smp.root_distance) || smp.root_distance < 0 ||
            smp.root_distance > MAX_ROOT_DISTANCE)
            fuzz_fail("accepted a root distance of %g s", smp.root_distance);
    }
}

static void
check_server_arg(const uint8_t *data, size_t size)
{
    char *arg = xmalloc(size + 1);
    char host[SNTP_HOST_MAX], err[256];
    unsigned port = 0;

    memcpy(arg, data, size);
    arg[size] = '\0';                 /* an argument is a C string: a NUL ends it */
    err[0] = '\0';
    if (sntp_parse_server(arg, host, sizeof(host), &port, err, sizeof(err)) == 0) {
        size_t len = strlen(host);

        if (len == 0 || len >= SNTP_HOST_MAX)
            fuzz_fail("accepted a host of %zu bytes", len);
        for (size_t i = 0; i < len; i++) {
            unsigned char c = (unsigned char)host[i];

            if (c <= 0x20 || c == 0x7f || c == '/' || c == '[' || c == ']')
                fuzz_fail("accepted a host with byte 0x%02x", c);
        }
        if (port < 1 || port > 65535)
            fuzz_fail("accepted port %u", port);
    } else if (!err[0]) {
        fuzz_fail("refused a server argument without saying why");
    }
    free(arg);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    check_reply(data, size);
    check_server_arg(data, size);
    return 0;
}
