/* names: validation of NTP server and pool names before they reach any file. */
#ifndef TE_NAMES_H
#define TE_NAMES_H

#include <stdbool.h>
#include <stddef.h>

/* True when s is an RFC 1123 host name, an IPv4 or an IPv6 address that is safe to
 * write into any NTP daemon's configuration; otherwise false with the reason in why. */
bool names_valid_host(const char *s, char *why, size_t whylen);

#endif
