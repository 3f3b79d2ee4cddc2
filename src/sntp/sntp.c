/* SPDX-License-Identifier: Apache-2.0 */
/* sntp.c - SNTP client: packet checks and parallel queries (see sntp.h). */
#include "config.h"

#include <errno.h>
#include <math.h>
#include <netdb.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <unistd.h>

#include "sntp.h"

#define NTP_UNIX_DELTA 2208988800ULL   /* s from 1900-01-01 to 1970-01-01 */
#define FP_ONE 4294967296.0            /* 2^32 */
#define MIN_INTERVAL_MS 100            /* between two requests to one server */
#define LOOKUP_FD UINT_MAX             /* pfd_target of a name being resolved */

/* ---------------------------------------------------------------------- */
/* Fixed-point arithmetic                                                  */

uint64_t
sntp_ts_from_timespec(const struct timespec *ts)
{
    /* Only the low 32 bits of the seconds survive: that is the era wrap. */
    uint64_t sec = (uint32_t)((uint64_t)ts->tv_sec + NTP_UNIX_DELTA);
    uint64_t frac = ((uint64_t)ts->tv_nsec << 32) / 1000000000ULL;

    return (sec << 32) | (frac & 0xffffffffULL);
}

int64_t
sntp_ts_diff(uint64_t a, uint64_t b)
{
    uint64_t d = a - b;     /* modulo 2^64 */

    /* Read as two's complement without implementation-defined casts. */
    if (d <= (uint64_t)INT64_MAX)
        return (int64_t)d;
    return -(int64_t)(~d) - 1;
}

double
sntp_fp_to_double(int64_t v)
{
    return (double)v / FP_ONE;
}

int64_t
sntp_fp_from_double(double s)
{
    if (isnan(s))
        return 0;
    if (s >= 2147483647.0)
        return INT64_MAX;
    if (s <= -2147483648.0)
        return INT64_MIN;
    s *= FP_ONE;
    return (int64_t)(s < 0 ? s - 0.5 : s + 0.5);    /* round half away from zero */
}

double
sntp_short_to_double(uint32_t v)
{
    return (double)v / 65536.0;
}

uint32_t
sntp_short_from_double(double s)
{
    if (!(s > 0))
        return 0;
    if (s >= 65535.0)
        return UINT32_MAX;
    return (uint32_t)(s * 65536.0 + 0.5);
}

/* ---------------------------------------------------------------------- */
/* Packet code                                                             */

static void
put32(unsigned char *p, uint32_t v)
{
    p[0] = (unsigned char)(v >> 24);
    p[1] = (unsigned char)(v >> 16);
    p[2] = (unsigned char)(v >> 8);
    p[3] = (unsigned char)v;
}

static void
put64(unsigned char *p, uint64_t v)
{
    put32(p, (uint32_t)(v >> 32));
    put32(p + 4, (uint32_t)v);
}

static uint32_t
get32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static uint64_t
get64(const unsigned char *p)
{
    return (uint64_t)get32(p) << 32 | get32(p + 4);
}

void
sntp_encode(const struct sntp_packet *pkt, unsigned char buf[SNTP_PACKET_LEN])
{
    buf[0] = (unsigned char)((pkt->leap & 3) << 6 | (pkt->version & 7) << 3 | (pkt->mode & 7));
    buf[1] = (unsigned char)pkt->stratum;
    buf[2] = (unsigned char)(signed char)pkt->poll;
    buf[3] = (unsigned char)(signed char)pkt->precision;
    put32(buf + 4, pkt->root_delay);
    put32(buf + 8, pkt->root_dispersion);
    memcpy(buf + 12, pkt->refid, 4);
    put64(buf + 16, pkt->reference);
    put64(buf + 24, pkt->origin);
    put64(buf + 32, pkt->receive);
    put64(buf + 40, pkt->transmit);
}

int
sntp_decode(const unsigned char *buf, size_t len, struct sntp_packet *pkt)
{
    if (len < SNTP_PACKET_LEN)
        return -1;
    pkt->leap = buf[0] >> 6;
    pkt->version = (buf[0] >> 3) & 7;
    pkt->mode = buf[0] & 7;
    pkt->stratum = buf[1];
    pkt->poll = (signed char)buf[2];
    pkt->precision = (signed char)buf[3];
    pkt->root_delay = get32(buf + 4);
    pkt->root_dispersion = get32(buf + 8);
    memcpy(pkt->refid, buf + 12, 4);
    pkt->reference = get64(buf + 16);
    pkt->origin = get64(buf + 24);
    pkt->receive = get64(buf + 32);
    pkt->transmit = get64(buf + 40);
    return 0;
}

void
sntp_build_request(unsigned char buf[SNTP_PACKET_LEN], uint64_t xmt)
{
    /* Client data minimization: nothing but version, mode and a transmit
     * timestamp that is random, so it reveals nothing and cannot be guessed. */
    struct sntp_packet pkt = {
        .version = SNTP_VERSION,
        .mode = SNTP_MODE_CLIENT,
        .transmit = xmt,
    };

    sntp_encode(&pkt, buf);
}

/* Copy the refid as text when it is printable ASCII (NUL padded); 0 or -1. */
static int
refid_ascii(const unsigned char refid[4], char *buf, size_t len)
{
    size_t i, n = 0;

    while (n < 4 && refid[n] != 0)
        n++;
    if (n == 0 || len < n + 1)
        return -1;
    for (i = 0; i < 4; i++) {
        if (i < n && (refid[i] < 0x20 || refid[i] > 0x7e))
            return -1;
        if (i >= n && refid[i] != 0)
            return -1;
    }
    memcpy(buf, refid, n);
    buf[n] = '\0';
    return 0;
}

void
sntp_format_refid(const struct sntp_packet *pkt, char *buf, size_t len)
{
    if (len == 0)
        return;
    if ((pkt->stratum <= 1 || pkt->stratum >= 16) && refid_ascii(pkt->refid, buf, len) == 0)
        return;
    /* Stratum 2+: IPv4 address of the upstream server, or for an IPv6
     * upstream the first octets of a hash of its address. */
    snprintf(buf, len, "%u.%u.%u.%u", pkt->refid[0], pkt->refid[1], pkt->refid[2],
             pkt->refid[3]);
}

enum sntp_reply
sntp_check_reply(const unsigned char *buf, size_t len, uint64_t xmt,
                 uint64_t t1, uint64_t t4, double max_root_distance,
                 struct sntp_sample *out)
{
    const struct sntp_packet *p = &out->pkt;
    int64_t rtt, hold;
    size_t i;

    memset(out, 0, sizeof(*out));
    if (sntp_decode(buf, len, &out->pkt) < 0)
        return SNTP_REPLY_SHORT;
    if (p->mode != SNTP_MODE_SERVER)
        return SNTP_REPLY_MODE;
    if (p->version < 1 || p->version > 4)
        return SNTP_REPLY_VERSION;
    /* Nothing in a reply is believed before it proves to answer our
     * request: a spoofed kiss-o'-death must not silence us. */
    if (p->origin != xmt)
        return SNTP_REPLY_ORIGIN;
    if (p->stratum == 0) {
        for (i = 0; i < 4; i++)
            out->kiss[i] = (p->refid[i] >= 0x20 && p->refid[i] <= 0x7e) ? (char)p->refid[i]
                           : p->refid[i] == 0 ? '\0' : '?';
        out->kiss[4] = '\0';
        return SNTP_REPLY_KOD;
    }
    if (p->leap == 3)
        return SNTP_REPLY_LEAP;
    if (p->stratum > 15)
        return SNTP_REPLY_STRATUM;
    if (p->receive == 0 || p->transmit == 0)
        return SNTP_REPLY_ZERO_TIME;

    /* offset = ((T2 - T1) + (T3 - T4)) / 2, delay = (T4 - T1) - (T3 - T2),
     * each difference taken modulo the era and halved before adding so
     * nothing overflows. */
    rtt = sntp_ts_diff(t4, t1);
    hold = sntp_ts_diff(p->transmit, p->receive);
    if (hold < 0 || rtt < 0 || hold > rtt)
        return SNTP_REPLY_TIMES;
    out->offset = sntp_ts_diff(p->receive, t1) / 2 + sntp_ts_diff(p->transmit, t4) / 2;
    out->delay = rtt - hold;
    out->root_distance = sntp_short_to_double(p->root_delay) / 2 +
                         sntp_short_to_double(p->root_dispersion) +
                         sntp_fp_to_double(out->delay) / 2;
    if (out->root_distance > max_root_distance)
        return SNTP_REPLY_ROOT_DISTANCE;
    return SNTP_REPLY_OK;
}

const char *
sntp_reply_str(enum sntp_reply r)
{
    switch (r) {
    case SNTP_REPLY_OK:            return "valid reply";
    case SNTP_REPLY_SHORT:         return "packet too short";
    case SNTP_REPLY_MODE:          return "not a server reply (wrong mode)";
    case SNTP_REPLY_VERSION:       return "unsupported NTP version";
    case SNTP_REPLY_ORIGIN:        return "origin timestamp does not match the request (stale or spoofed)";
    case SNTP_REPLY_KOD:           return "kiss-o'-death";
    case SNTP_REPLY_LEAP:          return "leap indicator 3 (clock not synchronized)";
    case SNTP_REPLY_STRATUM:       return "stratum 16 or above (not synchronized)";
    case SNTP_REPLY_ZERO_TIME:     return "zero receive or transmit timestamp";
    case SNTP_REPLY_TIMES:         return "inconsistent server timestamps";
    case SNTP_REPLY_ROOT_DISTANCE: return "root distance too large";
    }
    return "unknown";
}

const char *
sntp_status_str(enum sntp_status s)
{
    switch (s) {
    case SNTP_NOT_RUN:       return "not-run";
    case SNTP_ERR_NETWORK:   return "network";
    case SNTP_ERR_NO_REPLY:  return "no-reply";
    case SNTP_ERR_BAD_REPLY: return "bad-reply";
    case SNTP_ERR_UNSYNC:    return "unsynchronized";
    case SNTP_ERR_KOD_RATE:  return "kod-rate";
    case SNTP_ERR_KOD_RSTR:  return "kod-rstr";
    case SNTP_ERR_KOD_DENY:  return "kod-deny";
    case SNTP_ERR_RESOLVE:   return "resolve";
    case SNTP_OK:            return "ok";
    }
    return "unknown";
}

/* ---------------------------------------------------------------------- */
/* SERVER[:PORT]                                                           */

/* Parse a decimal port 1-65535; 0 or -1. */
static int
parse_port(const char *s, unsigned *port)
{
    unsigned long v = 0;

    if (*s == '\0')
        return -1;
    for (; *s; s++) {
        if (*s < '0' || *s > '9')
            return -1;
        v = v * 10 + (unsigned long)(*s - '0');
        if (v > 65535)
            return -1;
    }
    if (v == 0)
        return -1;
    *port = (unsigned)v;
    return 0;
}

int
sntp_parse_server(const char *arg, char *host, size_t hostlen, unsigned *port,
                  char *err, size_t errlen)
{
    const char *h = arg, *p = NULL, *colon;
    size_t hlen;

    *port = SNTP_DEFAULT_PORT;
    if (arg[0] == '[') {
        const char *close = strchr(arg, ']');

        if (!close) {
            snprintf(err, errlen, "missing ']'");
            return -1;
        }
        h = arg + 1;
        hlen = (size_t)(close - h);
        if (close[1] == ':')
            p = close + 2;
        else if (close[1] != '\0') {
            snprintf(err, errlen, "unexpected text after ']'");
            return -1;
        }
    } else {
        colon = strchr(arg, ':');
        if (colon && !strchr(colon + 1, ':')) {
            hlen = (size_t)(colon - arg);
            p = colon + 1;
        } else {
            /* No colon, or several: a bare IPv6 address. */
            hlen = strlen(arg);
        }
    }
    if (hlen == 0) {
        snprintf(err, errlen, "empty server name");
        return -1;
    }
    if (hlen >= hostlen) {
        snprintf(err, errlen, "server name too long (%zu characters)", hlen);
        return -1;
    }
    for (size_t i = 0; i < hlen; i++) {
        unsigned char c = (unsigned char)h[i];

        if (c <= 0x20 || c == 0x7f || c == '[' || c == ']' || c == '/') {
            snprintf(err, errlen, "invalid character in server name");
            return -1;
        }
    }
    if (p && parse_port(p, port) < 0) {
        snprintf(err, errlen, "invalid port (want 1-65535)");
        return -1;
    }
    memcpy(host, h, hlen);
    host[hlen] = '\0';
    return 0;
}

int
sntp_result_init(struct sntp_result *res, const char *arg, char *err, size_t errlen)
{
    memset(res, 0, sizeof(*res));
    return sntp_parse_server(arg, res->host, sizeof(res->host), &res->port, err, errlen);
}

void
sntp_options_init(struct sntp_options *opt)
{
    memset(opt, 0, sizeof(*opt));
    opt->timeout_ms = SNTP_DEFAULT_TIMEOUT_MS;
    opt->max_requests = SNTP_MAX_REQUESTS;
    opt->max_root_distance = SNTP_DEFAULT_MAX_ROOT_DISTANCE;
    opt->family = AF_UNSPEC;
    opt->numeric_only = false;
}

/* ---------------------------------------------------------------------- */
/* Query code                                                              */

/* One address of a server, with its own connected socket. */
struct target {
    int fd;                         /* -1 when closed */
    bool dead;                      /* no more requests: KoD, unsync, error */
    char addr[SNTP_ADDR_MAX];
};

/* One request sent. */
struct request {
    unsigned target;                /* index into targets */
    uint64_t xmt;                   /* random transmit timestamp = expected origin */
    uint64_t t1;                    /* local realtime when sent */
    struct timespec mono;           /* monotonic time when sent */
};

struct server {
    struct sntp_result *res;
    struct target targets[SNTP_MAX_REQUESTS];
    unsigned ntargets;
    struct request sent[SNTP_MAX_REQUESTS];
    unsigned nsent;
    unsigned next_target;           /* round robin over live targets */
    int64_t next_send_ms;           /* monotonic ms of the next request */
    bool done;
    struct lookup *lookup;          /* its name being resolved, or NULL */
};

static int64_t
mono_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Record a failure for a server unless a more telling one is already there. */
static void diagnose(struct server *s, enum sntp_status st, const char *addr, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void
diagnose(struct server *s, enum sntp_status st, const char *addr, const char *fmt, ...)
{
    struct sntp_result *r = s->res;
    va_list ap;

    if (r->status == SNTP_OK || st < r->status)
        return;
    r->status = st;
    snprintf(r->address, sizeof(r->address), "%s", addr);
    va_start(ap, fmt);
    vsnprintf(r->error, sizeof(r->error), fmt, ap);
    va_end(ap);
}

static void
close_targets(struct server *s)
{
    for (unsigned i = 0; i < s->ntargets; i++) {
        if (s->targets[i].fd >= 0)
            close(s->targets[i].fd);
        s->targets[i].fd = -1;
    }
}

static void
finish(struct server *s)
{
    s->done = true;
    close_targets(s);
}

static bool
has_target(const struct server *s, const char *addr)
{
    for (unsigned i = 0; i < s->ntargets; i++)
        if (strcmp(s->targets[i].addr, addr) == 0)
            return true;
    return false;
}

static bool any_live(const struct server *s);

/* Open one connected socket per address of ai (at most max addresses). Failures end up in
 * the result. */
static void
open_targets(struct server *s, const struct addrinfo *ai, unsigned max)
{
    struct sntp_result *r = s->res;
    const struct addrinfo *a;

    for (a = ai; a && s->ntargets < max; a = a->ai_next) {
        struct target *t = &s->targets[s->ntargets];
        char num[SNTP_ADDR_MAX];

        if (getnameinfo(a->ai_addr, a->ai_addrlen, num, sizeof(num), NULL, 0, NI_NUMERICHOST) != 0)
            snprintf(num, sizeof(num), "?");
        /* The same address twice (e.g. an /etc/hosts duplicate) is one target. */
        if (has_target(s, num))
            continue;
        s->ntargets++;
        snprintf(t->addr, sizeof(t->addr), "%s", num);
        t->dead = false;
        t->fd = socket(a->ai_family, a->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, a->ai_protocol);
        if (t->fd < 0) {
            diagnose(s, SNTP_ERR_NETWORK, t->addr, "cannot open a socket for %s: %s", t->addr,
                     strerror(errno));
            t->dead = true;
            continue;
        }
        /* Connected: the kernel drops datagrams from any other address or
         * port, and reports ICMP errors (port unreachable) to us. */
        if (connect(t->fd, a->ai_addr, a->ai_addrlen) < 0) {
            diagnose(s, SNTP_ERR_NETWORK, t->addr, "cannot reach %s: %s", t->addr,
                     strerror(errno));
            close(t->fd);
            t->fd = -1;
            t->dead = true;
        }
    }
    r->naddrs = s->ntargets;
    if (s->ntargets > 0)
        snprintf(r->address, sizeof(r->address), "%s", s->targets[0].addr);
    if (!any_live(s))
        finish(s);
}

/* The outcome of getaddrinfo for a server: its sockets, or the reason. */
static void
resolved(struct server *s, int rc, int err, struct addrinfo *ai, unsigned max)
{
    struct sntp_result *r = s->res;

    if (rc != 0) {
        r->status = SNTP_ERR_RESOLVE;
        snprintf(r->error, sizeof(r->error), "name does not resolve: %s",
                 rc == EAI_SYSTEM ? strerror(err) : gai_strerror(rc));
        finish(s);
        return;
    }
    open_targets(s, ai, max);
}

/* A name resolved by a thread of its own, so that every name resolves at the same time and
 * a resolver that does not answer cannot hold the check past its time. The thread writes
 * one byte to its end of a socket pair when done. The lookup is freed by whichever of the
 * thread and sntp_query lets go of it last: sntp_query gives up on it at the deadline. */
struct lookup {
    int refs;                       /* 2: the thread and sntp_query */
    int wfd;                        /* the thread's end (it closes it) */
    int rfd;                        /* sntp_query's end */
    char host[SNTP_HOST_MAX];
    char port[8];
    struct addrinfo hints;
    struct addrinfo *ai;            /* the result, owned by the lookup until taken */
    int rc, err;
};

static void
lookup_unref(struct lookup *l)
{
    if (__atomic_sub_fetch(&l->refs, 1, __ATOMIC_ACQ_REL) != 0)
        return;
    if (l->ai)
        freeaddrinfo(l->ai);
    free(l);
}

static void *
lookup_run(void *arg)
{
    struct lookup *l = arg;
    char done = 1;

    l->rc = getaddrinfo(l->host, l->port, &l->hints, &l->ai);
    l->err = errno;
    (void)send(l->wfd, &done, 1, MSG_NOSIGNAL);    /* fails when sntp_query gave up */
    close(l->wfd);
    lookup_unref(l);
    return NULL;
}

/* Start resolving the server's name: at once when it is a numeric address (or only those
 * are allowed), else in a thread (s->lookup). */
static void
open_server(struct server *s, const struct sntp_options *opt, unsigned max)
{
    struct sntp_result *r = s->res;
    struct addrinfo hints, *ai = NULL;
    struct lookup *l;
    char port[8];
    int rc, sp[2];
    pthread_t tid;
    pthread_attr_t attr;
    sigset_t all, old;

    memset(&hints, 0, sizeof(hints));
    hints.ai_family = opt->family;
    hints.ai_socktype = SOCK_DGRAM;
    hints.ai_protocol = IPPROTO_UDP;
    hints.ai_flags = AI_NUMERICSERV | AI_NUMERICHOST;
    snprintf(port, sizeof(port), "%u", r->port);
    rc = getaddrinfo(r->host, port, &hints, &ai);
    if (rc != EAI_NONAME || opt->numeric_only) {
        resolved(s, rc, errno, ai, max);
        if (ai)
            freeaddrinfo(ai);
        return;
    }
    hints.ai_flags = AI_NUMERICSERV;
    l = calloc(1, sizeof(*l));
    if (!l || socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sp) < 0) {
        free(l);
        rc = getaddrinfo(r->host, port, &hints, &ai);   /* no thread: the old, slow way */
        resolved(s, rc, errno, ai, max);
        if (ai)
            freeaddrinfo(ai);
        return;
    }
    l->refs = 2;
    l->rfd = sp[0];
    l->wfd = sp[1];
    l->hints = hints;
    memcpy(l->host, r->host, sizeof(l->host));
    memcpy(l->port, port, sizeof(l->port));
    /* The thread takes no signal: they stay with the caller's thread. */
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    rc = pthread_create(&tid, &attr, lookup_run, l);
    pthread_attr_destroy(&attr);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (rc != 0) {
        close(l->rfd);
        close(l->wfd);
        free(l);
        rc = getaddrinfo(r->host, port, &hints, &ai);
        resolved(s, rc, errno, ai, max);
        if (ai)
            freeaddrinfo(ai);
        return;
    }
    s->lookup = l;
}

/* The server's lookup said it is done: take its result. */
static void
lookup_done(struct server *s, unsigned max)
{
    struct lookup *l = s->lookup;
    char done;
    ssize_t n;

    do
        n = recv(l->rfd, &done, 1, 0);
    while (n < 0 && errno == EINTR);
    s->lookup = NULL;
    close(l->rfd);
    if (n == 1) {
        resolved(s, l->rc, l->err, l->ai, max);
    } else {
        s->res->status = SNTP_ERR_RESOLVE;
        snprintf(s->res->error, sizeof(s->res->error), "name does not resolve: the lookup "
                 "ended without an answer");
        finish(s);
    }
    lookup_unref(l);
}

/* The deadline came before the server's name resolved: give up on it (the thread ends on
 * its own; the process may end before it). */
static void
lookup_abandon(struct server *s, int timeout_ms)
{
    struct lookup *l = s->lookup;

    s->lookup = NULL;
    close(l->rfd);
    lookup_unref(l);
    s->res->status = SNTP_ERR_RESOLVE;
    snprintf(s->res->error, sizeof(s->res->error), "name did not resolve within %g s (the "
             "resolver does not answer)", timeout_ms / 1000.0);
    finish(s);
}

static bool
any_live(const struct server *s)
{
    for (unsigned i = 0; i < s->ntargets; i++)
        if (!s->targets[i].dead)
            return true;
    return false;
}

/* Random transmit timestamp from the kernel's generator; 0 or -1. */
static int
random_xmt(uint64_t *xmt)
{
    ssize_t n;

    do
        n = getrandom(xmt, sizeof(*xmt), 0);
    while (n < 0 && errno == EINTR);
    if (n != (ssize_t)sizeof(*xmt))
        return -1;
    if (*xmt == 0)
        *xmt = 1;   /* zero means "no timestamp" on the wire */
    return 0;
}

/* Send the next request of a server to its next live address. */
static void
send_request(struct server *s)
{
    struct target *t = NULL;
    struct request *q;
    unsigned char buf[SNTP_PACKET_LEN];
    struct timespec now;
    ssize_t n;

    for (unsigned i = 0; i < s->ntargets && !t; i++) {
        unsigned k = (s->next_target + i) % s->ntargets;

        if (!s->targets[k].dead)
            t = &s->targets[k];
    }
    if (!t)
        return;
    s->next_target = (unsigned)(t - s->targets) + 1;
    q = &s->sent[s->nsent];
    q->target = (unsigned)(t - s->targets);
    if (random_xmt(&q->xmt) < 0) {
        diagnose(s, SNTP_ERR_NETWORK, t->addr, "no random numbers: %s", strerror(errno));
        t->dead = true;
        return;
    }
    sntp_build_request(buf, q->xmt);
    clock_gettime(CLOCK_MONOTONIC, &q->mono);
    clock_gettime(CLOCK_REALTIME, &now);
    q->t1 = sntp_ts_from_timespec(&now);
    n = send(t->fd, buf, sizeof(buf), 0);
    s->nsent++;
    s->res->requests = s->nsent;
    if (n < 0) {
        /* EPERM is typically a local firewall rule; ECONNREFUSED an
         * earlier port unreachable; ENETUNREACH no route. */
        if (errno == ECONNREFUSED) {
            s->res->refused = true;
            diagnose(s, SNTP_ERR_NO_REPLY, t->addr,
                     "no reply from %s port %u: port unreachable (nothing listening, or rejected)",
                     t->addr, s->res->port);
        } else {
            diagnose(s, SNTP_ERR_NETWORK, t->addr, "cannot send to %s: %s", t->addr,
                     strerror(errno));
        }
        t->dead = true;
    }
}

/* Local receive time t4 = t1 + monotonic time elapsed since sending, so a
 * clock step during the query cannot distort the measurement. */
static uint64_t
receive_time(const struct request *q)
{
    struct timespec now;
    int64_t sec, nsec;

    clock_gettime(CLOCK_MONOTONIC, &now);
    sec = (int64_t)now.tv_sec - (int64_t)q->mono.tv_sec;
    nsec = (int64_t)now.tv_nsec - (int64_t)q->mono.tv_nsec;
    if (nsec < 0) {
        nsec += 1000000000;
        sec--;
    }
    if (sec < 0)
        sec = nsec = 0;
    return q->t1 + ((uint64_t)sec << 32) + (((uint64_t)nsec << 32) / 1000000000ULL);
}

static void
take_sample(struct server *s, struct target *t, const struct sntp_sample *smp)
{
    struct sntp_result *r = s->res;

    r->status = SNTP_OK;
    r->error[0] = '\0';
    snprintf(r->address, sizeof(r->address), "%s", t->addr);
    r->stratum = smp->pkt.stratum;
    r->leap = smp->pkt.leap;
    r->version = smp->pkt.version;
    sntp_format_refid(&smp->pkt, r->refid, sizeof(r->refid));
    r->offset = sntp_fp_to_double(smp->offset);
    r->delay = sntp_fp_to_double(smp->delay);
    r->root_delay = sntp_short_to_double(smp->pkt.root_delay);
    r->root_dispersion = sntp_short_to_double(smp->pkt.root_dispersion);
    r->root_distance = smp->root_distance;
}

/* Server-level facts of an unusable but genuine reply. */
static void
note_server_state(struct sntp_result *r, const struct sntp_sample *smp)
{
    r->stratum = smp->pkt.stratum;
    r->leap = smp->pkt.leap;
    r->version = smp->pkt.version;
    sntp_format_refid(&smp->pkt, r->refid, sizeof(r->refid));
}

/* Act on a kiss-o'-death that passed the origin check. */
static void
kiss(struct server *s, struct target *t, const struct sntp_sample *smp)
{
    struct sntp_result *r = s->res;

    t->dead = true;     /* whatever the code: no more requests to this address */
    if (strcmp(smp->kiss, "DENY") == 0 || strcmp(smp->kiss, "RSTR") == 0) {
        bool deny = smp->kiss[0] == 'D';

        diagnose(s, deny ? SNTP_ERR_KOD_DENY : SNTP_ERR_KOD_RSTR, t->addr,
                 "kiss-o'-death %s from %s: the server %s; stopped querying it",
                 smp->kiss, t->addr, deny ? "denies access" : "restricts access");
    } else if (strcmp(smp->kiss, "RATE") == 0) {
        diagnose(s, SNTP_ERR_KOD_RATE, t->addr,
                 "kiss-o'-death RATE from %s: queried too often; backing off", t->addr);
    } else {
        /* Other codes (INIT, STEP, ...) just say the server has no time to give. */
        if (SNTP_ERR_UNSYNC >= r->status)
            note_server_state(r, smp);
        diagnose(s, SNTP_ERR_UNSYNC, t->addr,
                 "server %s not synchronized (stratum 0, kiss code %s)", t->addr, smp->kiss);
    }
    if (r->status == SNTP_ERR_KOD_DENY || r->status == SNTP_ERR_KOD_RSTR ||
        r->status == SNTP_ERR_KOD_RATE)
        snprintf(r->kiss, sizeof(r->kiss), "%s", smp->kiss);
}

/* Handle one datagram received on target ti of server s. */
static void
handle_packet(struct server *s, unsigned ti, const unsigned char *buf, size_t len,
              double max_root_distance)
{
    struct target *t = &s->targets[ti];
    struct sntp_result *r = s->res;
    struct sntp_sample smp;
    enum sntp_reply rc = SNTP_REPLY_ORIGIN;
    unsigned i;

    /* A late reply to an earlier request on this socket is as good as a
     * reply to the last one, provided the matching T1 is used. */
    for (i = 0; i < s->nsent && rc == SNTP_REPLY_ORIGIN; i++) {
        if (s->sent[i].target != ti)
            continue;
        rc = sntp_check_reply(buf, len, s->sent[i].xmt, s->sent[i].t1,
                              receive_time(&s->sent[i]), max_root_distance, &smp);
        if (rc == SNTP_REPLY_SHORT || rc == SNTP_REPLY_MODE || rc == SNTP_REPLY_VERSION)
            break;
    }
    switch (rc) {
    case SNTP_REPLY_OK:
        take_sample(s, t, &smp);
        finish(s);
        return;
    case SNTP_REPLY_KOD:
        kiss(s, t, &smp);
        return;
    case SNTP_REPLY_LEAP:
    case SNTP_REPLY_STRATUM:
    case SNTP_REPLY_ROOT_DISTANCE:
        t->dead = true;
        if (SNTP_ERR_UNSYNC >= r->status)
            note_server_state(r, &smp);
        if (rc == SNTP_REPLY_ROOT_DISTANCE)
            diagnose(s, SNTP_ERR_UNSYNC, t->addr,
                     "server %s not synchronized: root distance %.3f s exceeds %.3f s",
                     t->addr, smp.root_distance, max_root_distance);
        else if (rc == SNTP_REPLY_LEAP)
            diagnose(s, SNTP_ERR_UNSYNC, t->addr,
                     "server %s not synchronized (leap indicator 3, stratum %u)",
                     t->addr, smp.pkt.stratum);
        else
            diagnose(s, SNTP_ERR_UNSYNC, t->addr,
                     "server %s not synchronized (stratum %u)", t->addr, smp.pkt.stratum);
        return;
    default:
        /* Malformed or not ours: drop it and keep waiting for the real one. */
        r->rejected++;
        r->last_reject = rc;
        return;
    }
}

/* Read everything waiting on target ti. */
static void
drain(struct server *s, unsigned ti, double max_root_distance)
{
    unsigned char buf[1024];

    for (int k = 0; k < 64 && !s->done && !s->targets[ti].dead; k++) {
        struct target *t = &s->targets[ti];
        ssize_t n = recv(t->fd, buf, sizeof(buf), MSG_TRUNC);

        if (n < 0) {
            if (errno == EINTR)
                continue;
            if (errno == EAGAIN || errno == EWOULDBLOCK)
                return;
            if (errno == ECONNREFUSED) {
                s->res->refused = true;
                diagnose(s, SNTP_ERR_NO_REPLY, t->addr,
                         "no reply from %s port %u: port unreachable (nothing listening, or rejected)",
                         t->addr, s->res->port);
            } else {
                diagnose(s, SNTP_ERR_NO_REPLY, t->addr, "no reply from %s: %s", t->addr,
                         strerror(errno));
            }
            t->dead = true;
            return;
        }
        /* MSG_TRUNC returns the real length; more than we read is fine,
         * the header is all we look at. */
        handle_packet(s, ti, buf, (size_t)n > sizeof(buf) ? sizeof(buf) : (size_t)n,
                      max_root_distance);
    }
}

/* The final word for a server that got no usable reply. */
static void
conclude(struct server *s, int timeout_ms)
{
    struct sntp_result *r = s->res;
    const struct target *silent = NULL;
    unsigned nsilent = 0;

    if (r->status >= SNTP_ERR_BAD_REPLY)
        return;     /* measured, or a diagnosis that says more than silence */
    if (r->rejected > 0) {
        r->status = SNTP_ERR_BAD_REPLY;
        snprintf(r->error, sizeof(r->error),
                 "no valid reply from %s: %u repl%s dropped (%s)", r->address, r->rejected,
                 r->rejected == 1 ? "y" : "ies", sntp_reply_str(r->last_reject));
        return;
    }
    /* Addresses that were asked and never answered nor failed. */
    for (unsigned i = 0; i < s->ntargets; i++) {
        bool asked = false;

        for (unsigned k = 0; k < s->nsent; k++)
            if (s->sent[k].target == i)
                asked = true;
        if (asked && !s->targets[i].dead) {
            if (!silent)
                silent = &s->targets[i];
            nsilent++;
        }
    }
    if (r->status == SNTP_ERR_NO_REPLY || (r->status == SNTP_ERR_NETWORK && !silent))
        return;
    r->status = SNTP_ERR_NO_REPLY;
    if (nsilent > 1) {
        snprintf(r->address, sizeof(r->address), "%s", silent->addr);
        snprintf(r->error, sizeof(r->error),
                 "no reply from %u addresses of %s port %u (%u requests in %.1f s)",
                 nsilent, r->host, r->port, r->requests, timeout_ms / 1000.0);
    } else if (silent) {
        snprintf(r->address, sizeof(r->address), "%s", silent->addr);
        snprintf(r->error, sizeof(r->error), "no reply from %s port %u (%u request%s in %.1f s)",
                 silent->addr, r->port, r->requests, r->requests == 1 ? "" : "s",
                 timeout_ms / 1000.0);
    } else {
        snprintf(r->error, sizeof(r->error), "no request could be sent to %s", r->host);
    }
}

int
sntp_query(struct sntp_result *res, size_t n, const struct sntp_options *opt,
           char *err, size_t errlen)
{
    struct server *srv = NULL;
    struct pollfd *pfd = NULL;
    unsigned *pfd_server = NULL, *pfd_target = NULL;
    unsigned max = opt->max_requests;
    char host[SNTP_HOST_MAX];
    unsigned port;
    int64_t start = 0, deadline = 0, interval, now;
    int ret = -1;
    size_t i;

    if (max < 1 || max > SNTP_MAX_REQUESTS)
        max = SNTP_MAX_REQUESTS;
    if (n == 0)
        return 0;
    srv = calloc(n, sizeof(*srv));
    pfd = calloc(n * SNTP_MAX_REQUESTS, sizeof(*pfd));
    pfd_server = calloc(n * SNTP_MAX_REQUESTS, sizeof(*pfd_server));
    pfd_target = calloc(n * SNTP_MAX_REQUESTS, sizeof(*pfd_target));
    if (!srv || !pfd || !pfd_server || !pfd_target) {
        snprintf(err, errlen, "out of memory");
        goto out;
    }
    for (i = 0; i < n; i++) {
        struct sntp_result *r = &res[i];

        srv[i].res = r;
        /* Keep what to ask, forget any earlier outcome. */
        memcpy(host, r->host, sizeof(host));
        port = r->port;
        memset(r, 0, sizeof(*r));
        memcpy(r->host, host, sizeof(r->host));
        r->port = port;
        for (unsigned k = 0; k < SNTP_MAX_REQUESTS; k++)
            srv[i].targets[k].fd = -1;
    }
    /* Every name resolves at the same time (a thread each), within the time for all
     * servers; each server is queried as soon as its name resolves. */
    start = mono_ms();
    deadline = start + (opt->timeout_ms > 0 ? opt->timeout_ms : SNTP_DEFAULT_TIMEOUT_MS);
    for (i = 0; i < n; i++)
        open_server(&srv[i], opt, max);

    interval = (deadline - start) / (int64_t)max;
    if (interval < MIN_INTERVAL_MS)
        interval = MIN_INTERVAL_MS;
    for (i = 0; i < n; i++)
        srv[i].next_send_ms = start;

    for (;;) {
        int64_t wake = deadline;
        nfds_t nfds = 0;
        int rc;

        now = mono_ms();
        for (i = 0; i < n; i++) {
            struct server *s = &srv[i];

            if (s->done)
                continue;
            if (s->lookup) {
                pfd[nfds].fd = s->lookup->rfd;
                pfd[nfds].events = POLLIN;
                pfd[nfds].revents = 0;
                pfd_server[nfds] = (unsigned)i;
                pfd_target[nfds] = LOOKUP_FD;
                nfds++;
                continue;
            }
            if (now >= s->next_send_ms && s->nsent < max && any_live(s)) {
                send_request(s);
                s->next_send_ms = now + interval;
            }
            /* Every address gave up (KoD, unsynchronized, unreachable):
             * nothing more will come. */
            if (!any_live(s)) {
                finish(s);
                continue;
            }
            if (s->nsent < max && s->next_send_ms < wake)
                wake = s->next_send_ms;
            for (unsigned k = 0; k < s->ntargets; k++) {
                if (s->targets[k].fd < 0 || s->targets[k].dead)
                    continue;
                pfd[nfds].fd = s->targets[k].fd;
                pfd[nfds].events = POLLIN;
                pfd[nfds].revents = 0;
                pfd_server[nfds] = (unsigned)i;
                pfd_target[nfds] = k;
                nfds++;
            }
        }
        if (nfds == 0 || now >= deadline)
            break;
        rc = poll(pfd, nfds, (int)(wake > now ? wake - now : 0));
        if (rc < 0) {
            if (errno == EINTR)
                continue;
            snprintf(err, errlen, "poll: %s", strerror(errno));
            goto out;
        }
        for (nfds_t k = 0; k < nfds && rc > 0; k++) {
            struct server *s = &srv[pfd_server[k]];

            if (pfd[k].revents && pfd_target[k] == LOOKUP_FD) {
                lookup_done(s, max);
                s->next_send_ms = mono_ms();
                continue;
            }
            if (!pfd[k].revents || s->done || s->targets[pfd_target[k]].dead)
                continue;
            drain(s, pfd_target[k], opt->max_root_distance);
        }
    }
    for (i = 0; i < n; i++) {
        if (srv[i].lookup)
            lookup_abandon(&srv[i], (int)(deadline - start));
        conclude(&srv[i], (int)(deadline - start));
    }
    ret = 0;
out:
    if (srv)
        for (i = 0; i < n; i++) {
            if (srv[i].lookup)
                lookup_abandon(&srv[i], (int)(deadline - start));
            close_targets(&srv[i]);
        }
    free(pfd_target);
    free(pfd_server);
    free(pfd);
    free(srv);
    return ret;
}

/* ---- the offset in words ---------------------------------------------------------- */

/* v >= 0 rounded to the nearest integer (no libm needed). */
static long long
round_ll(double v)
{
    return (long long)(v + 0.5);
}

void
sntp_format_offset(double offset, char *buf, size_t len)
{
    const char *dir = offset > 0 ? "behind" : "ahead";
    double a = offset < 0 ? -offset : offset;
    long long ms, s, m, h;

    if (!isfinite(offset) || a > 1e15) {
        snprintf(buf, len, "unknown");
        return;
    }
    ms = round_ll(a * 1000);
    if (ms == 0) {
        snprintf(buf, len, "less than 1 ms off");
        return;
    }
    if (ms < 60000) {
        snprintf(buf, len, "%lld.%03lld s %s", ms / 1000, ms % 1000, dir);
        return;
    }
    /* Each branch rounds at its own precision, so 59.9996 s reads "1 min". */
    s = round_ll(a);
    if (s < 3600) {
        if (s % 60)
            snprintf(buf, len, "%lld min %lld s %s", s / 60, s % 60, dir);
        else
            snprintf(buf, len, "%lld min %s", s / 60, dir);
        return;
    }
    m = round_ll(a / 60);
    if (m < 24 * 60) {
        if (m % 60)
            snprintf(buf, len, "%lld h %lld min %s", m / 60, m % 60, dir);
        else
            snprintf(buf, len, "%lld h %s", m / 60, dir);
        return;
    }
    h = round_ll(a / 3600);
    if (h % 24)
        snprintf(buf, len, "%lld d %lld h %s", h / 24, h % 24, dir);
    else
        snprintf(buf, len, "%lld d %s", h / 24, dir);
}
