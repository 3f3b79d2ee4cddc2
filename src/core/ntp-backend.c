/* SPDX-License-Identifier: Apache-2.0 */
/* ntp-backend: what an NTP implementation is to the rest of the program. */
#include "config.h"

#include <stdlib.h>

#include "alloc.h"
#include "hostinfo.h"
#include "ntp-backend.h"

static const char *const unit_dirs[] = {
    "/etc/systemd/system", "/usr/lib/systemd/system", "/lib/systemd/system", NULL,
};

/* Where the service's unit file or init script is, as a path without the root, or NULL. */
static char *
service_file(const struct ntp_backend *b, const struct hostinfo *h, const char *svc)
{
    for (size_t d = 0; unit_dirs[d]; d++) {
        char *p = xasprintf("%s/%s.service", unit_dirs[d], svc);

        if (hostinfo_exists(h, p))
            return p;
        free(p);
    }
    {
        char *p = xasprintf("/etc/init.d/%s", svc);

        if (hostinfo_exists(h, p))
            return p;
        free(p);
    }
    return NULL;
}

const char *
backend_service(const struct ntp_backend *b, const struct hostinfo *h)
{
    for (size_t i = 0; b->services[i]; i++) {
        char *f = service_file(b, h, b->services[i]);

        if (f) {
            free(f);
            return b->services[i];
        }
    }
    return b->default_service ? b->default_service(h) : b->services[0];
}
