/* SPDX-License-Identifier: Apache-2.0 */
/* Fuzz target: names_valid_host, the gate every server and pool name passes before it is
 * written into a daemon's configuration.
 *
 * Besides memory safety it checks what an accepted name can be, independently of how
 * names.c decides: 1 to 253 bytes of [A-Za-z0-9.:-] only (a host name, IPv4 or IPv6
 * address), never starting with '-', never an empty label (".."); all digits and dots only
 * when it is an IPv4 address; labels of a host name at most 63 bytes. A rejected name
 * always comes with a reason. The verdict does not depend on the room given for it. */
#include "config.h"

#include <arpa/inet.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "fuzz.h"
#include "names.h"

#define NAME_CHARS "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789.:-"

static void
check_accepted(const char *s)
{
    size_t len = strlen(s), label = 0;
    unsigned char addr[16];

    if (len == 0 || len > 253)
        fuzz_fail("accepted a name of %zu bytes", len);
    if (strspn(s, NAME_CHARS) != len)
        fuzz_fail("accepted a name with byte 0x%02x at %zu",
                  (unsigned char)s[strspn(s, NAME_CHARS)], strspn(s, NAME_CHARS));
    if (s[0] == '-')
        fuzz_fail("accepted a name starting with '-'");
    if (strstr(s, ".."))
        fuzz_fail("accepted a name with an empty label");
    if (strspn(s, "0123456789.") == len && inet_pton(AF_INET, s, addr) != 1)
        fuzz_fail("accepted all digits and dots that are not an IPv4 address");
    if (strchr(s, ':')) {
        if (inet_pton(AF_INET6, s, addr) != 1)
            fuzz_fail("accepted a name with ':' that is not an IPv6 address");
        return;
    }
    for (const char *p = s; *p; p++) {
        label = *p == '.' ? 0 : label + 1;
        if (label > 63)
            fuzz_fail("accepted a label longer than 63 bytes");
    }
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = xmalloc(size + 1);
    char why[128], tiny[2];
    bool ok;

    memcpy(s, data, size);
    s[size] = '\0';                  /* a name is a C string: a NUL ends it */
    why[0] = '\0';
    ok = names_valid_host(s, why, sizeof(why));
    if (ok) {
        check_accepted(s);
    } else if (!why[0]) {
        fuzz_fail("rejected a name without saying why");
    }
    if (names_valid_host(s, NULL, 0) != ok || names_valid_host(s, tiny, sizeof(tiny)) != ok)
        fuzz_fail("the verdict depends on the room for the reason");
    free(s);
    return 0;
}
