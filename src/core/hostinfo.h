/* SPDX-License-Identifier: Apache-2.0 */
/* hostinfo: facts about the target system, read from files under its root. */
#ifndef TE_HOSTINFO_H
#define TE_HOSTINFO_H

#include <stdbool.h>

#include "msgs.h"
#include "platform.h"

enum init_system { INIT_SYSTEMD, INIT_OPENRC, INIT_SYSV, INIT_UNKNOWN };

struct hostinfo {
    char *root;            /* NULL or "/": the running system */
    char *root_real;       /* realpath of root, once (hostinfo_inside); NULL: ask each time */
    bool live;             /* the running system: services and firewall may be acted on */
    char *os_id;           /* os-release ID ("debian"), never NULL */
    char *os_id_like;      /* os-release ID_LIKE, never NULL (may be "") */
    char *os_version_id;   /* os-release VERSION_ID, never NULL (may be "") */
    char *os_pretty;       /* os-release PRETTY_NAME, never NULL */
    enum init_system init;
    struct platform platform;  /* where it runs: machine, cloud, container */
};

/* Read the facts of the system under root (NULL: this one). Returns 0; missing files give
 * the "linux" defaults, noted in m. */
int hostinfo_read(struct hostinfo *h, const char *root, struct msgs *m);
/* Free the facts. */
void hostinfo_free(struct hostinfo *h);
/* True when the distro is id or lists id in ID_LIKE ("debian", "rhel", "suse", ...). */
bool hostinfo_is_like(const struct hostinfo *h, const char *id);
/* The path of abs inside the target's root, newly allocated. */
char *hostinfo_path(const struct hostinfo *h, const char *abs);
/* True when abs exists inside the target's root. */
bool hostinfo_exists(const struct hostinfo *h, const char *abs);
/* True when disk_path (a path under the root, as hostinfo_path makes it) resolves, through
 * any symbolic links in the image, to a place inside the root; always true on the running
 * system. A path that does not exist yet is judged by its deepest existing ancestor. */
bool hostinfo_inside(const struct hostinfo *h, const char *disk_path);
/* The name of an init system ("systemd", "openrc", "sysv", "unknown"). */
const char *hostinfo_init_name(enum init_system init);

#endif
