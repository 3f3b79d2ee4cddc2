/* SPDX-License-Identifier: Apache-2.0 */
/* hostinfo: facts about the target system, read from files under its root. */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "hostinfo.h"
#include "msgs.h"
#include "paths.h"
#include "strbuf.h"

#define MAX_OS_RELEASE (64 * 1024)

/* Unquote an os-release value in place (shell-like: "..." or '...', backslash escapes). */
static char *
unquote(char *v)
{
    char q = *v, *w = v, *r = v;

    if (q != '"' && q != '\'')
        return v;
    for (r++; *r && *r != q; r++) {
        if (q == '"' && *r == '\\' && r[1])
            r++;
        *w++ = *r;
    }
    *w = '\0';
    return v;
}

static void
parse_os_release(struct hostinfo *h, char *text)
{
    char *save = NULL;

    for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        char *eq = strchr(line, '='), **dst = NULL;

        if (!eq || line[0] == '#')
            continue;
        *eq = '\0';
        if (!strcmp(line, "ID"))
            dst = &h->os_id;
        else if (!strcmp(line, "ID_LIKE"))
            dst = &h->os_id_like;
        else if (!strcmp(line, "VERSION_ID"))
            dst = &h->os_version_id;
        else if (!strcmp(line, "PRETTY_NAME"))
            dst = &h->os_pretty;
        if (dst) {
            free(*dst);
            *dst = xstrdup(unquote(eq + 1));
        }
    }
}

int
hostinfo_read(struct hostinfo *h, const char *root, struct msgs *m)
{
    static const char *const release_files[] = { "/etc/os-release", "/usr/lib/os-release" };
    struct strbuf sb;

    memset(h, 0, sizeof(*h));
    h->live = root_is_host(root);       /* "//", "/.", /proc/self/root: this system */
    h->root = h->live ? NULL : xstrdup(root);
    /* resolved once, not per file read (a tenth of the rerun over 10,000 drop-ins) */
    h->root_real = h->root && *h->root && strcmp(h->root, "/") != 0
                   ? realpath(h->root, NULL) : NULL;
    sb_init(&sb);
    for (size_t i = 0; i < TE_ARRAY_LEN(release_files); i++) {
        /* Resolved inside the root: a link to /x in an image is the image's /x. */
        int rc = read_file_in_root(h->root, release_files[i], MAX_OS_RELEASE, &sb);

        if (rc == 0) {
            parse_os_release(h, sb.buf);
            break;
        }
        if (errno != ENOENT) {
            char *p = hostinfo_path(h, release_files[i]);

            msg_warn(m, "%s: cannot read: %s; ignored", p, te_strerror(errno));
            free(p);
        }
    }
    sb_free(&sb);
    if (!h->os_id) {
        h->os_id = xstrdup("linux");
        msg_note(m, "no os-release file found: assuming a generic Linux");
    }
    if (!h->os_id_like)
        h->os_id_like = xstrdup("");
    if (!h->os_version_id)
        h->os_version_id = xstrdup("");
    if (!h->os_pretty)
        h->os_pretty = xstrdup(h->os_id);

    if (h->live && path_exists("/run/systemd/system"))
        h->init = INIT_SYSTEMD;
    else if (h->live && path_exists("/run/openrc"))
        h->init = INIT_OPENRC;
    else if (h->live)
        h->init = INIT_SYSV;
    else if (hostinfo_exists(h, "/sbin/openrc-run") || hostinfo_exists(h, "/sbin/openrc"))
        h->init = INIT_OPENRC;
    else if (hostinfo_exists(h, "/usr/lib/systemd/systemd") ||
             hostinfo_exists(h, "/lib/systemd/systemd"))
        h->init = INIT_SYSTEMD;
    else if (hostinfo_exists(h, "/etc/init.d"))
        h->init = INIT_SYSV;
    else
        h->init = INIT_UNKNOWN;
    platform_read(&h->platform, h->root, m);
    return 0;
}

void
hostinfo_free(struct hostinfo *h)
{
    free(h->root);
    free(h->root_real);
    free(h->os_id);
    free(h->os_id_like);
    free(h->os_version_id);
    free(h->os_pretty);
    platform_free(&h->platform);
    memset(h, 0, sizeof(*h));
}

bool
hostinfo_is_like(const struct hostinfo *h, const char *id)
{
    size_t n = strlen(id);

    if (strcmp(h->os_id, id) == 0)
        return true;
    for (const char *p = h->os_id_like; (p = strstr(p, id)) != NULL; p += n)
        if ((p == h->os_id_like || p[-1] == ' ') && (p[n] == '\0' || p[n] == ' '))
            return true;
    return false;
}

char *
hostinfo_path(const struct hostinfo *h, const char *abs)
{
    return root_path(h->root, abs);
}

bool
hostinfo_exists(const struct hostinfo *h, const char *abs)
{
    char *p = hostinfo_path(h, abs);
    bool r = path_exists(p);

    free(p);
    return r;
}

bool
hostinfo_inside(const struct hostinfo *h, const char *disk_path)
{
    return h->live || (h->root_real ? path_inside_real_root(h->root_real, disk_path)
                                    : path_inside_root(h->root, disk_path));
}

const char *
hostinfo_init_name(enum init_system init)
{
    switch (init) {
    case INIT_SYSTEMD: return "systemd";
    case INIT_OPENRC:  return "openrc";
    case INIT_SYSV:    return "sysv";
    default:           return "unknown";
    }
}
