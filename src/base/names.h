/* SPDX-License-Identifier: Apache-2.0 */
/* names: validation of NTP server and pool names before they reach any file. */
#ifndef TE_NAMES_H
#define TE_NAMES_H

#include <stdbool.h>
#include <stddef.h>

/* True when s is an RFC 1123 host name, an IPv4 or an IPv6 address that is safe to
 * write into any NTP daemon's configuration; otherwise false with the reason in why. */
bool names_valid_host(const char *s, char *why, size_t whylen);

/* An IPv4 or IPv6 network: the prefix of a --serve network. */
struct names_prefix {
    int family;                 /* 4 or 6 */
    unsigned char addr[16];     /* the network address: host bits cleared */
    int len;                    /* the prefix length: 0-32 (IPv4) or 0-128 (IPv6) */
};

/* Room for the text of any prefix ("ffff:...:ffff/128" and its NUL). */
#define NAMES_PREFIX_MAX 64

/* Parse ADDRESS/LENGTH, an IPv4 or IPv6 prefix in CIDR notation (the length in decimal
 * without leading zeros; no zone index). Host bits set in ADDRESS are cleared, and
 * *had_host_bits (may be NULL) says so. False with the reason in why when s is not one. */
bool names_parse_prefix(const char *s, struct names_prefix *out, bool *had_host_bits,
                        char *why, size_t whylen);
/* The canonical text of p ("192.0.2.0/24", "2001:db8::/64") into buf. */
void names_prefix_text(const struct names_prefix *p, char *buf, size_t len);
/* The network address of p without its length ("192.0.2.0", "2001:db8::") into buf. */
void names_prefix_address(const struct names_prefix *p, char *buf, size_t len);
/* The network mask of p as an address ("255.255.255.0", "ffff:ffff:ffff:ffff::") into buf. */
void names_prefix_mask(const struct names_prefix *p, char *buf, size_t len);
/* True when every address of inner is in outer (same family, outer no longer, same bits). */
bool names_prefix_contains(const struct names_prefix *outer, const struct names_prefix *inner);

#endif
