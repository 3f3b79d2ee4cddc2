/* SPDX-License-Identifier: Apache-2.0 */
/* ntp-test-server.c - a tiny, misbehaving-on-demand NTP server for tests.
 *
 * Binds 127.0.0.1 (or ::1 with -6, or another 127.0.0.0/8 address with -a) only, prints
 * the bound port on stdout,
 * answers requests according to a list of behaviours (one per request, the
 * last one repeating), and exits after -n requests, after -l seconds, or on
 * SIGTERM/SIGINT.  On exit it prints "requests N" on stdout.  It never sets
 * any clock; "-o" only shifts the timestamps it sends.
 *
 * usage: ntp-test-server [-6 | -a 127.X.Y.Z] [-p PORT] [-n COUNT] [-l SECONDS] [-o OFFSET]
 *                        [-s STRATUM] [-d MS] [-x SPOOF] [-b BEHAVIOUR[,...]]
 *   behaviours: ok silent late origin deny rstr rate init leap3 stratum0
 *               stratum16 short mode version zero-xmt zero-rec times rootdist
 *   spoofs (sent before every reply): origin (wrong origin, +1000 s),
 *               deny (KoD DENY with wrong origin), other (right origin,
 *               +1000 s, but from another port)
 */
#include "config.h"     /* _GNU_SOURCE, for ppoll */

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "sntp.h"

#define MAX_BEHAVIOURS 16

static volatile sig_atomic_t stop;

static void
on_signal(int sig)
{
    (void)sig;
    stop = 1;
}

static const char *const behaviour_names[] = {
    "ok", "silent", "late", "origin", "deny", "rstr", "rate", "init", "leap3", "stratum0",
    "stratum16", "short", "mode", "version", "zero-xmt", "zero-rec", "times", "rootdist",
};

enum behaviour {
    B_OK, B_SILENT, B_LATE, B_ORIGIN, B_DENY, B_RSTR, B_RATE, B_INIT, B_LEAP3, B_STRATUM0,
    B_STRATUM16, B_SHORT, B_MODE, B_VERSION, B_ZERO_XMT, B_ZERO_REC, B_TIMES, B_ROOTDIST,
    B_COUNT
};

struct config {
    int family;
    struct in_addr addr4;       /* a loopback address (-a); default 127.0.0.1 */
    unsigned port;
    long max_requests;          /* 0: no limit */
    long lifetime;              /* s */
    double offset;              /* s added to every timestamp sent */
    unsigned stratum;
    long late_ms;
    const char *spoof;          /* NULL, "origin", "deny", "other" */
    enum behaviour plan[MAX_BEHAVIOURS];
    unsigned nplan;
};

static void
usage(void)
{
    fprintf(stderr, "usage: ntp-test-server [-6 | -a 127.X.Y.Z] [-p PORT] [-n COUNT] [-l SECONDS] [-o OFFSET]\n"
                    "       [-s STRATUM] [-d MS] [-x origin|deny|other] [-b BEHAVIOUR[,...]]\n");
    exit(64);
}

static int
parse_plan(struct config *c, char *list)
{
    char *save = NULL;

    c->nplan = 0;
    for (char *tok = strtok_r(list, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        unsigned i;

        for (i = 0; i < B_COUNT; i++)
            if (strcmp(tok, behaviour_names[i]) == 0)
                break;
        if (i == B_COUNT || c->nplan == MAX_BEHAVIOURS) {
            fprintf(stderr, "ntp-test-server: unknown behaviour '%s'\n", tok);
            return -1;
        }
        c->plan[c->nplan++] = (enum behaviour)i;
    }
    return c->nplan ? 0 : -1;
}

static uint64_t
now_ts(double offset)
{
    struct timespec ts;

    clock_gettime(CLOCK_REALTIME, &ts);
    return sntp_ts_from_timespec(&ts) + (uint64_t)sntp_fp_from_double(offset);
}

/* A correct server reply to the request req, with our clock shifted by offset. */
static void
make_reply(const struct config *c, const struct sntp_packet *req, uint64_t rec,
           double offset, struct sntp_packet *out)
{
    static const unsigned char locl[4] = { 'L', 'O', 'C', 'L' };
    static const unsigned char up[4] = { 192, 0, 2, 1 };

    memset(out, 0, sizeof(*out));
    out->leap = 0;
    out->version = req->version >= 1 && req->version <= 4 ? req->version : 4;
    out->mode = SNTP_MODE_SERVER;
    out->stratum = c->stratum;
    out->poll = 6;
    out->precision = -20;
    out->root_delay = sntp_short_from_double(0.002);
    out->root_dispersion = sntp_short_from_double(0.010);
    memcpy(out->refid, c->stratum == 1 ? locl : up, 4);
    out->reference = now_ts(offset - 16);
    out->origin = req->transmit;
    out->receive = rec;
    out->transmit = now_ts(offset);
}

static void
kod(struct sntp_packet *p, const char *code)
{
    p->leap = 3;
    p->stratum = 0;
    memcpy(p->refid, code, 4);
    p->receive = p->transmit = p->reference = 0;
    /* ntpd puts the client's transmit in every timestamp of a KoD */
    p->receive = p->transmit = p->origin;
}

static void
send_pkt(int fd, const struct sntp_packet *p, size_t len,
         const struct sockaddr *to, socklen_t tolen)
{
    unsigned char buf[SNTP_PACKET_LEN];

    sntp_encode(p, buf);
    if (sendto(fd, buf, len, 0, to, tolen) < 0)
        fprintf(stderr, "ntp-test-server: sendto: %s\n", strerror(errno));
}

static int
open_socket(int family, struct in_addr addr4, unsigned port, struct sockaddr_storage *ss,
            socklen_t *len)
{
    int fd = socket(family, SOCK_DGRAM | SOCK_CLOEXEC, 0);

    memset(ss, 0, sizeof(*ss));
    if (family == AF_INET6) {
        struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;

        s6->sin6_family = AF_INET6;
        s6->sin6_addr = in6addr_loopback;
        s6->sin6_port = htons((uint16_t)port);
        *len = sizeof(*s6);
    } else {
        struct sockaddr_in *s4 = (struct sockaddr_in *)ss;

        s4->sin_family = AF_INET;
        s4->sin_addr = addr4;
        s4->sin_port = htons((uint16_t)port);
        *len = sizeof(*s4);
    }
    if (fd < 0 || bind(fd, (struct sockaddr *)ss, *len) < 0 ||
        getsockname(fd, (struct sockaddr *)ss, len) < 0) {
        fprintf(stderr, "ntp-test-server: socket/bind: %s\n", strerror(errno));
        if (fd >= 0)
            close(fd);
        return -1;
    }
    return fd;
}

static void
answer(const struct config *c, int fd, int other_fd, enum behaviour b,
       const struct sntp_packet *req, uint64_t rec,
       const struct sockaddr *to, socklen_t tolen)
{
    struct sntp_packet p;
    size_t len = SNTP_PACKET_LEN;

    if (c->spoof) {
        make_reply(c, req, now_ts(c->offset + 1000), c->offset + 1000, &p);
        if (strcmp(c->spoof, "origin") == 0) {
            p.origin ^= 0x10000;
            send_pkt(fd, &p, len, to, tolen);
        } else if (strcmp(c->spoof, "deny") == 0) {
            kod(&p, "DENY");
            p.origin ^= 0x10000;
            send_pkt(fd, &p, len, to, tolen);
        } else if (other_fd >= 0) {
            send_pkt(other_fd, &p, len, to, tolen);
        }
    }
    make_reply(c, req, rec, c->offset, &p);
    switch (b) {
    case B_OK:        break;
    case B_SILENT:    return;
    case B_LATE: {
        struct timespec d = { c->late_ms / 1000, (c->late_ms % 1000) * 1000000L };

        nanosleep(&d, NULL);
        p.transmit = now_ts(c->offset);
        break;
    }
    case B_ORIGIN:    p.origin ^= 1; break;
    case B_DENY:      kod(&p, "DENY"); break;
    case B_RSTR:      kod(&p, "RSTR"); break;
    case B_RATE:      kod(&p, "RATE"); break;
    case B_INIT:      kod(&p, "INIT"); break;
    case B_LEAP3:     p.leap = 3; break;
    case B_STRATUM0:  p.stratum = 0; memset(p.refid, 0, 4); break;
    case B_STRATUM16: p.stratum = 16; break;
    case B_SHORT:     len = 47; break;
    case B_MODE:      p.mode = 5; break;
    case B_VERSION:   p.version = 5; break;
    case B_ZERO_XMT:  p.transmit = 0; break;
    case B_ZERO_REC:  p.receive = 0; break;
    case B_TIMES:     p.transmit = p.receive - (1ULL << 32); break;
    case B_ROOTDIST:  p.root_dispersion = sntp_short_from_double(5.0); break;
    case B_COUNT:     return;
    }
    send_pkt(fd, &p, len, to, tolen);
}

int
main(int argc, char **argv)
{
    struct config c = { .family = AF_INET, .lifetime = 30, .stratum = 2, .late_ms = 1500,
                        .plan = { B_OK }, .nplan = 1 };
    struct sockaddr_storage ss, other_ss;
    socklen_t sslen, other_len;
    struct sigaction sa;
    sigset_t block, orig;
    struct timespec start;
    long requests = 0;
    int fd = -1, other_fd = -1, opt, ret = 1;

    c.addr4.s_addr = htonl(INADDR_LOOPBACK);
    while ((opt = getopt(argc, argv, "6a:p:n:l:o:s:d:x:b:")) != -1) {
        switch (opt) {
        case '6': c.family = AF_INET6; break;
        case 'a':   /* loopback only: the server must never be reachable from outside */
            if (inet_pton(AF_INET, optarg, &c.addr4) != 1 ||
                (ntohl(c.addr4.s_addr) >> 24) != 127)
                usage();
            break;
        case 'p': c.port = (unsigned)strtoul(optarg, NULL, 10); break;
        case 'n': c.max_requests = strtol(optarg, NULL, 10); break;
        case 'l': c.lifetime = strtol(optarg, NULL, 10); break;
        case 'o': c.offset = strtod(optarg, NULL); break;
        case 's': c.stratum = (unsigned)strtoul(optarg, NULL, 10); break;
        case 'd': c.late_ms = strtol(optarg, NULL, 10); break;
        case 'x':
            if (strcmp(optarg, "origin") && strcmp(optarg, "deny") && strcmp(optarg, "other"))
                usage();
            c.spoof = optarg;
            break;
        case 'b':
            if (parse_plan(&c, optarg) < 0)
                usage();
            break;
        default: usage();
        }
    }
    if (optind != argc || c.port > 65535 || c.lifetime < 1 || c.lifetime > 300)
        usage();

    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    sigemptyset(&block);
    sigaddset(&block, SIGTERM);
    sigaddset(&block, SIGINT);
    sigprocmask(SIG_BLOCK, &block, &orig);

    fd = open_socket(c.family, c.addr4, c.port, &ss, &sslen);
    if (fd < 0)
        goto out;
    if (c.spoof && strcmp(c.spoof, "other") == 0) {
        other_fd = open_socket(c.family, c.addr4, 0, &other_ss, &other_len);
        if (other_fd < 0)
            goto out;
    }
    printf("%u\n", ntohs(c.family == AF_INET6 ? ((struct sockaddr_in6 *)&ss)->sin6_port
                                             : ((struct sockaddr_in *)&ss)->sin_port));
    fflush(stdout);

    clock_gettime(CLOCK_MONOTONIC, &start);
    while (!stop && (c.max_requests == 0 || requests < c.max_requests)) {
        struct pollfd pfd = { .fd = fd, .events = POLLIN };
        struct timespec now, left;
        struct sockaddr_storage from;
        socklen_t fromlen = sizeof(from);
        unsigned char buf[512];
        struct sntp_packet req;
        uint64_t rec;
        ssize_t n;

        clock_gettime(CLOCK_MONOTONIC, &now);
        if (now.tv_sec - start.tv_sec >= c.lifetime)
            break;
        left.tv_sec = c.lifetime - (now.tv_sec - start.tv_sec);
        left.tv_nsec = 0;
        if (ppoll(&pfd, 1, &left, &orig) < 0) {
            if (errno == EINTR)
                continue;
            fprintf(stderr, "ntp-test-server: poll: %s\n", strerror(errno));
            goto out;
        }
        if (!(pfd.revents & POLLIN))
            continue;
        n = recvfrom(fd, buf, sizeof(buf), 0, (struct sockaddr *)&from, &fromlen);
        rec = now_ts(c.offset);
        if (n < 0)
            continue;
        requests++;
        if (sntp_decode(buf, (size_t)n, &req) < 0 || req.mode != SNTP_MODE_CLIENT)
            continue;
        answer(&c, fd, other_fd, c.plan[requests - 1 < (long)c.nplan ? requests - 1 : c.nplan - 1],
               &req, rec, (struct sockaddr *)&from, fromlen);
    }
    ret = 0;
out:
    printf("requests %ld\n", requests);
    fflush(stdout);
    if (other_fd >= 0)
        close(other_fd);
    if (fd >= 0)
        close(fd);
    return ret;
}
