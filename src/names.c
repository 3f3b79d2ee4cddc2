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
