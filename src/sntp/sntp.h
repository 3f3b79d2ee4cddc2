/* SPDX-License-Identifier: Apache-2.0 */
/* sntp.h - SNTP client (RFC 4330, RFC 5905 on-wire protocol).
 *
 * Two layers:
 *  - packet code: encode/decode the 48-byte header, build a request, check a
 *    reply against the request and compute offset and delay.  Pure functions
 *    of their arguments, no I/O, testable without sockets.
 *  - query code: resolve every server, query all of them in parallel over
 *    connected UDP sockets and fill one struct sntp_result per server.
 *
 * Library code: never prints, never exits.  Errors go into the results or
 * into the caller's buffers.
 *
 * Timestamps are NTP 64-bit fixed point (32 bits seconds since the start of
 * the current era, 32 bits fraction).  Differences are computed modulo 2^64
 * and read as signed, so everything works across an era boundary (2036) as
 * long as the clocks are less than 68 years apart.  Offsets and delays are
 * signed 32.32 fixed point (int64_t, units of 2^-32 s).
 */
#ifndef TE_SNTP_H
#define TE_SNTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#define SNTP_PACKET_LEN 48             /* NTP header without extensions */
#define SNTP_DEFAULT_PORT 123
#define SNTP_MAX_REQUESTS 4            /* per server and run, never more */
#define SNTP_DEFAULT_TIMEOUT_MS 5000
#define SNTP_DEFAULT_MAX_ROOT_DISTANCE 1.5  /* s, as ntpd's MAXDISTANCE */
#define SNTP_VERSION 4                 /* version we send */
#define SNTP_MODE_CLIENT 3
#define SNTP_MODE_SERVER 4
#define SNTP_HOST_MAX 256              /* host name or address, with NUL */
#define SNTP_ADDR_MAX 64               /* numeric address text, with NUL */
#define SNTP_ERROR_MAX 512             /* diagnosis text, with NUL */

/* The fixed NTP header, decoded. */
struct sntp_packet {
    unsigned leap;              /* leap indicator, 0-3; 3 = not synchronized */
    unsigned version;           /* version number, 0-7 */
    unsigned mode;              /* 3 client, 4 server, ... */
    unsigned stratum;           /* 0 = kiss-o'-death, 1-15 valid, 16+ unsynchronized */
    int poll;                   /* log2 s */
    int precision;              /* log2 s */
    uint32_t root_delay;        /* NTP short format, 16.16 s */
    uint32_t root_dispersion;   /* NTP short format, 16.16 s */
    unsigned char refid[4];     /* reference id / kiss code, network order */
    uint64_t reference;         /* reference timestamp */
    uint64_t origin;            /* T1 as the client sent it (our transmit) */
    uint64_t receive;           /* T2: server receive time */
    uint64_t transmit;          /* T3: server transmit time */
};

/* Why a reply was accepted or not, in the order the checks are made. */
enum sntp_reply {
    SNTP_REPLY_OK = 0,          /* usable sample */
    SNTP_REPLY_SHORT,           /* fewer than 48 bytes */
    SNTP_REPLY_MODE,            /* not mode 4 (server) */
    SNTP_REPLY_VERSION,         /* version not 1-4 */
    SNTP_REPLY_ORIGIN,          /* origin is not our transmit timestamp: stale or spoofed */
    SNTP_REPLY_KOD,             /* stratum 0: kiss-o'-death, code in sample->kiss */
    SNTP_REPLY_LEAP,            /* leap indicator 3: server not synchronized */
    SNTP_REPLY_STRATUM,         /* stratum above 15: server not synchronized */
    SNTP_REPLY_ZERO_TIME,       /* receive or transmit timestamp zero */
    SNTP_REPLY_TIMES,           /* server transmit before receive, or held longer than the round trip */
    SNTP_REPLY_ROOT_DISTANCE,   /* root distance above the limit */
};

/* Outcome of a query for one server; ordered from least to most telling. */
enum sntp_status {
    SNTP_NOT_RUN = 0,           /* not queried (yet) */
    SNTP_ERR_NETWORK,           /* local failure: socket, connect or send refused */
    SNTP_ERR_NO_REPLY,          /* nothing came back (firewall? nothing listening?) */
    SNTP_ERR_BAD_REPLY,         /* only malformed or spoofed replies came back */
    SNTP_ERR_UNSYNC,            /* server says it is not synchronized */
    SNTP_ERR_KOD_RATE,          /* kiss-o'-death RATE: we backed off */
    SNTP_ERR_KOD_RSTR,          /* kiss-o'-death RSTR: access restricted, stopped */
    SNTP_ERR_KOD_DENY,          /* kiss-o'-death DENY: access denied, stopped */
    SNTP_ERR_RESOLVE,           /* the name does not resolve */
    SNTP_OK,                    /* offset measured */
};

/* A checked reply with the derived values. */
struct sntp_sample {
    struct sntp_packet pkt;     /* the decoded reply */
    int64_t offset;             /* 32.32 s; positive when the local clock is behind */
    int64_t delay;              /* 32.32 s; round trip minus server hold time */
    double root_distance;       /* s: root delay/2 + root dispersion + delay/2 */
    char kiss[5];               /* kiss code when stratum 0, else "" */
};

/* Query settings; fill with sntp_options_init() then adjust. */
struct sntp_options {
    int timeout_ms;             /* total time for all servers */
    unsigned max_requests;      /* per server, 1..SNTP_MAX_REQUESTS */
    double max_root_distance;   /* s; replies above are "not synchronized" */
    int family;                 /* AF_UNSPEC, AF_INET or AF_INET6 */
    bool numeric_only;          /* do not use DNS: addresses only (AI_NUMERICHOST) */
};

/* One server to query and what came of it. */
struct sntp_result {
    char host[SNTP_HOST_MAX];   /* name or address as given, without brackets */
    unsigned port;              /* UDP port, 123 unless given */
    enum sntp_status status;    /* outcome */
    char error[SNTP_ERROR_MAX]; /* why, when status is not SNTP_OK; else "" */
    char address[SNTP_ADDR_MAX];/* address that answered, or the last one tried */
    unsigned naddrs;            /* addresses used (at most SNTP_MAX_REQUESTS) */
    unsigned requests;          /* requests sent */
    unsigned rejected;          /* replies dropped as malformed or spoofed */
    enum sntp_reply last_reject;/* why the last of those was dropped */
    bool refused;               /* ICMP port unreachable came back */
    char kiss[5];               /* kiss code received, "" if none */
    /* Valid when status is SNTP_OK (and stratum, leap, refid for SNTP_ERR_UNSYNC): */
    unsigned stratum;
    unsigned leap;
    unsigned version;
    char refid[16];             /* "GPS", "192.0.2.1", ... */
    double offset;              /* s; positive when the local clock is behind */
    double delay;               /* s, round trip */
    double root_delay;          /* s, server's */
    double root_dispersion;     /* s, server's */
    double root_distance;       /* s, root delay/2 + root dispersion + delay/2 */
};

/* NTP timestamp of a realtime struct timespec (era-wrapped). */
uint64_t sntp_ts_from_timespec(const struct timespec *ts);
/* Signed 32.32 difference a - b of two timestamps, modulo the era. */
int64_t sntp_ts_diff(uint64_t a, uint64_t b);
/* Seconds of a signed 32.32 fixed-point value. */
double sntp_fp_to_double(int64_t v);
/* Signed 32.32 fixed point of seconds; saturates beyond +-2^31 s. */
int64_t sntp_fp_from_double(double s);
/* Seconds of an NTP short (16.16) value. */
double sntp_short_to_double(uint32_t v);
/* NTP short (16.16) of non-negative seconds; saturates. */
uint32_t sntp_short_from_double(double s);

/* Write pkt as a 48-byte NTP header into buf. */
void sntp_encode(const struct sntp_packet *pkt, unsigned char buf[SNTP_PACKET_LEN]);
/* Decode the first 48 bytes of buf; -1 when len is too short. */
int sntp_decode(const unsigned char *buf, size_t len, struct sntp_packet *pkt);
/* Build a client request whose transmit timestamp is xmt (all else zero). */
void sntp_build_request(unsigned char buf[SNTP_PACKET_LEN], uint64_t xmt);
/* Check a reply to the request sent with transmit timestamp xmt at local
 * time t1 and received at local time t4; fills out (also on failure, as far
 * as decoded) and computes offset, delay and root distance. */
enum sntp_reply sntp_check_reply(const unsigned char *buf, size_t len, uint64_t xmt,
                                 uint64_t t1, uint64_t t4, double max_root_distance,
                                 struct sntp_sample *out);
/* Short English text for a reply check result ("origin timestamp does not match"). */
const char *sntp_reply_str(enum sntp_reply r);
/* Stable token for a status ("ok", "no-reply", "kod-deny", ...). */
const char *sntp_status_str(enum sntp_status s);
/* Render the reference id: ASCII for stratum 0, 1 and 16+, else dotted quad. */
void sntp_format_refid(const struct sntp_packet *pkt, char *buf, size_t len);
/* An offset (s, NTP's sign: positive when the host is behind) in words, as check and the
 * apply report's verification say it: "0.003 s ahead", "12 min 34 s behind", "2 h 5 min
 * ahead", "less than 1 ms off", "unknown" (not finite). */
void sntp_format_offset(double offset, char *buf, size_t len);

/* Split SERVER[:PORT] ("host", "host:123", "192.0.2.1:123", "[2001:db8::1]:123",
 * bare "2001:db8::1") into host and port (123 if none); 0, or -1 with err (which never
 * quotes arg: the caller shows it, escaped). */
int sntp_parse_server(const char *arg, char *host, size_t hostlen, unsigned *port,
                      char *err, size_t errlen);
/* Reset res and fill host and port from SERVER[:PORT]; 0, or -1 with err. */
int sntp_result_init(struct sntp_result *res, const char *arg, char *err, size_t errlen);
/* Default options: 5 s, 4 requests, root distance 1.5 s, any family, DNS allowed. */
void sntp_options_init(struct sntp_options *opt);
/* Query the n servers of res in parallel (host and port set, e.g. by
 * sntp_result_init) and fill in the outcome of each.  Returns 0 when every
 * server got a status, -1 with err on a local failure that stopped the run
 * (out of memory, poll failure). */
int sntp_query(struct sntp_result *res, size_t n, const struct sntp_options *opt,
               char *err, size_t errlen);

#endif
