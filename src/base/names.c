/* SPDX-License-Identifier: Apache-2.0 */
/* names: validation of NTP server and pool names before they reach any file. */
#include "config.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "names.h"

/* Words every daemon reads as syntax; a "host" spelled like them would be misread. */
static const char *const keywords[] = {
    "auto_offline", "autokey", "burst", "copy", "default", "iburst", "key", "maxdelay",
    "maxpoll", "maxsources", "minpoll", "minsamples", "maxsamples", "mode", "noselect",
    "nts", "offline", "peer", "pool", "prefer", "preempt", "require", "server", "servers",
    "trust", "true", "false", "version", "weight", "xleave", "rtable", "include",
    "sensor", "constraint", "constraints", "listen", "on", "from",
};

static bool
set_why(char *why, size_t whylen, const char *text)
{
    if (whylen)
        snprintf(why, whylen, "%s", text);
    return false;
}

static bool
valid_hostname(const char *s, char *why, size_t whylen)
{
    size_t len = strlen(s), label = 0;
    bool all_numeric = true;

    if (s[len - 1] == '.')
        len--;                          /* one trailing dot: fully qualified */
    if (len == 0)
        return set_why(why, whylen, "is not a host name");
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];

        if (c == '.') {
            if (label == 0)
                return set_why(why, whylen, "has an empty label");
            if (s[i - 1] == '-')
                return set_why(why, whylen, "has a label ending with '-'");
            label = 0;
            continue;
        }
        if (!isalnum(c) && c != '-')
            return set_why(why, whylen,
                           "may contain only letters, digits, '-' and '.'");
        if (c == '-' && label == 0)
            return set_why(why, whylen, "has a label starting with '-'");
        if (!isdigit(c))
            all_numeric = false;
        if (++label > 63)
            return set_why(why, whylen, "has a label longer than 63 characters");
    }
    if (label == 0)                     /* "a..": the last label is empty */
        return set_why(why, whylen, "has an empty label");
    if (s[len - 1] == '-')
        return set_why(why, whylen, "has a label ending with '-'");
    if (all_numeric)
        return set_why(why, whylen, "is all digits but not an IPv4 address");
    return true;
}

bool
names_valid_host(const char *s, char *why, size_t whylen)
{
    unsigned char addr[16];
    size_t len;

    if (!s || !*s)
        return set_why(why, whylen, "is empty");
    len = strlen(s);
    if (len > 253)
        return set_why(why, whylen, "is longer than 253 characters");
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p < 0x20 || *p == 0x7f)
            return set_why(why, whylen, "contains a control character");
        if (isspace(*p))
            return set_why(why, whylen, "contains whitespace");
        if (*p >= 0x80)
            return set_why(why, whylen, "contains a non-ASCII byte (use the IDNA 'xn--' form)");
        if (strchr("#;\\\"'`!%$&|<>(){}*?", *p))
            return set_why(why, whylen, "contains a character that is not allowed in a host name");
    }
    if (s[0] == '-')
        return set_why(why, whylen, "starts with '-' (it would be read as an option)");
    for (size_t i = 0; i < sizeof(keywords) / sizeof(keywords[0]); i++)
        if (strcasecmp(s, keywords[i]) == 0)
            return set_why(why, whylen, "is a configuration keyword, not a host name");
    if (inet_pton(AF_INET, s, addr) == 1 || inet_pton(AF_INET6, s, addr) == 1)
        return true;
    if (strchr(s, ':'))
        return set_why(why, whylen, "is not a valid IPv6 address");
    return valid_hostname(s, why, whylen);
}

bool
names_parse_prefix(const char *s, struct names_prefix *out, bool *had_host_bits, char *why,
                   size_t whylen)
{
    char addr[INET6_ADDRSTRLEN + 1];
    const char *slash, *digits;
    unsigned char orig[16];
    long len = 0;
    int max;

    memset(out, 0, sizeof(*out));
    if (had_host_bits)
        *had_host_bits = false;
    if (!s || !*s)
        return set_why(why, whylen, "is empty");
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if (*p < 0x21 || *p >= 0x7f)
            return set_why(why, whylen, "contains whitespace, a control character or a "
                           "non-ASCII byte");
    slash = strchr(s, '/');
    if (!slash)
        return set_why(why, whylen, "has no prefix length: write ADDRESS/LENGTH, e.g. "
                       "192.0.2.0/24, 2001:db8::/64 (or /32, /128 for one host)");
    if ((size_t)(slash - s) >= sizeof(addr) || slash == s)
        return set_why(why, whylen, "is not an IPv4 or IPv6 address followed by /LENGTH");
    memcpy(addr, s, (size_t)(slash - s));
    addr[slash - s] = '\0';
    if (inet_pton(AF_INET, addr, out->addr) == 1) {
        out->family = 4;
        max = 32;
    } else if (inet_pton(AF_INET6, addr, out->addr) == 1) {
        out->family = 6;
        max = 128;
    } else {
        return set_why(why, whylen, "is not an IPv4 or IPv6 address followed by /LENGTH");
    }
    digits = slash + 1;
    if (!*digits)
        return set_why(why, whylen, "has an empty prefix length");
    for (const char *d = digits; *d; d++) {
        if (!isdigit((unsigned char)*d))
            return set_why(why, whylen, "has a prefix length that is not a decimal number");
        len = len * 10 + (*d - '0');
        if (len > 128)
            break;
    }
    if (digits[0] == '0' && digits[1])
        return set_why(why, whylen, "has a prefix length with a leading zero");
    if (len > max)
        return set_why(why, whylen, max == 32 ? "has a prefix length above 32 (IPv4)"
                                              : "has a prefix length above 128 (IPv6)");
    out->len = (int)len;
    memcpy(orig, out->addr, sizeof(orig));
    for (int bit = out->len; bit < max; bit++)
        out->addr[bit / 8] &= (unsigned char)~(0x80u >> (bit % 8));
    if (had_host_bits)
        *had_host_bits = memcmp(orig, out->addr, sizeof(orig)) != 0;
    return true;
}

void
names_prefix_address(const struct names_prefix *p, char *buf, size_t len)
{
    if (!inet_ntop(p->family == 6 ? AF_INET6 : AF_INET, p->addr, buf, (socklen_t)len) && len)
        buf[0] = '\0';
}

void
names_prefix_text(const struct names_prefix *p, char *buf, size_t len)
{
    char a[INET6_ADDRSTRLEN];

    names_prefix_address(p, a, sizeof(a));
    snprintf(buf, len, "%s/%d", a, p->len);
}

void
names_prefix_mask(const struct names_prefix *p, char *buf, size_t len)
{
    struct names_prefix m = { .family = p->family, .len = p->family == 6 ? 128 : 32 };

    for (int bit = 0; bit < p->len; bit++)
        m.addr[bit / 8] |= (unsigned char)(0x80u >> (bit % 8));
    names_prefix_address(&m, buf, len);
}

bool
names_prefix_contains(const struct names_prefix *outer, const struct names_prefix *inner)
{
    if (outer->family != inner->family || outer->len > inner->len)
        return false;
    for (int bit = 0; bit < outer->len; bit++) {
        unsigned char mask = (unsigned char)(0x80u >> (bit % 8));

        if ((outer->addr[bit / 8] & mask) != (inner->addr[bit / 8] & mask))
            return false;
    }
    return true;
}
