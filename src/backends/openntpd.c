/* SPDX-License-Identifier: Apache-2.0 */
/* openntpd: OpenNTPD's ntpd.conf, edited in place.
 *
 * Servers are "server HOST", pools "servers HOST" (every address of the name). In replace
 * mode every other server and servers line is commented out with a note; sensors,
 * constraints, listen and every other line stay as they are. OpenNTPD's own check
 * (ntpd -n -f FILE) validates the result.
 *
 * To serve time (serve:), "listen on *" in a block between marker comments at the end of
 * the file, unless the admin's own listen line is there. OpenNTPD has no access rule: it
 * answers every client that reaches it, so only the firewall limits who (a warning says
 * so), and it has no local stratum. */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "alloc.h"
#include "backend.h"
#include "daemon-check.h"
#include "lineedit.h"
#include "msgs.h"
#include "paths.h"
#include "serve.h"
#include "shellvar.h"
#include "spawn.h"
#include "strv.h"

static const char *const conf_paths[] = { "/etc/openntpd/ntpd.conf", "/etc/ntpd.conf", NULL };
static const char *const daemons[] = { "/usr/sbin/openntpd", NULL };
static const char *const services[] = { "openntpd", NULL };

static bool
openntpd_installed(const struct hostinfo *h)
{
    for (size_t i = 0; !h->live && conf_paths[i]; i++)
        if (hostinfo_exists(h, conf_paths[i]))
            return true;
    return hostinfo_exists(h, daemons[0]) ||
           (hostinfo_exists(h, "/usr/sbin/ntpd") && hostinfo_exists(h, "/etc/ntpd.conf"));
}

/* OpenNTPD takes none of the tool's source options. */
static size_t
no_options(const struct source *src, struct source_option *opts)
{
    (void)src;
    (void)opts;
    return 0;
}

/* The serve block: "listen on *" when the file has no listen line of the admin's
 * (arg: the file). */
static int
add_serve_nodes(struct plan *p, const char *tree, const void *arg)
{
    const struct file_change *f = arg;
    struct strv nodes = { 0 };
    char *expr;
    size_t bs = 0, be = 0;
    bool admin = false;
    int block;

    if (!p->settings->serve.n)
        return 0;
    block = serve_block_span(p, f, &bs, &be, false);
    expr = xasprintf("%s/listen", f->tree);
    augtree_match(p->aug, expr, &nodes);
    for (size_t i = 0; i < nodes.n && !admin; i++) {
        size_t s, e;

        admin = !(block == 1 && augtree_span(p->aug, nodes.v[i], &s, &e) == 0 && s >= bs &&
                  e <= be);
        if (admin)
            msg_note(p->m, "%s already has 'listen on %s': OpenNTPD serves time there; no "
                     "listen line added", f->disk_path, augtree_get(p->aug, nodes.v[i]));
    }
    strv_free(&nodes);
    free(expr);
    msg_warn(p->m, "OpenNTPD has no access rule: it answers every client that reaches it, "
             "not only the serve networks; only the firewall limits who");
    return admin ? 0 : lineedit_tree_add(p, tree, "listen", "*", NULL);
}

static int
openntpd_plan(struct plan *p)
{
    const struct settings *s = p->settings;
    const char *path = backend_conf_path(p->backend, p->host);
    struct file_change *f;
    char *opts;
    bool failed, options = false;
    int ret = -1;

    if (!path) {
        msg_error(p->m, "OpenNTPD's configuration was not found on %s (looked for "
                  "/etc/openntpd/ntpd.conf and /etc/ntpd.conf)",
                  p->host->root ? p->host->root : "this system");
        return -1;
    }
    for (size_t i = 0; i < s->n_sources; i++)
        options |= s->sources[i].prefer || s->sources[i].nts || s->sources[i].key ||
                   s->sources[i].minpoll != SOURCE_POLL_UNSET ||
                   s->sources[i].maxpoll != SOURCE_POLL_UNSET;
    if (options)
        msg_note(p->m, "OpenNTPD takes none of the options prefer, minpoll, maxpoll, key, "
                 "nts: they are ignored");
    if (shellvar_get(p->host, "/etc/default/openntpd", "DAEMON_OPTS", &opts, p->m) < 0)
        goto out;
    if (!opts || !shellvar_has_word(opts, "-s"))
        msg_note(p->m, "OpenNTPD without -s corrects a large offset by slewing only, which "
                 "takes days for minutes; add -s to DAEMON_OPTS in /etc/default/openntpd (or "
                 "the service's options) so that it sets the clock once at start");
    free(opts);
    if (s->dhcp == DHCP_IGNORE)
        msg_note(p->m, "dhcp: ignore: OpenNTPD takes no NTP servers from DHCP: nothing to do");
    f = plan_open_file(p, path, false, &failed);
    if (!f)
        goto out;
    if (lineedit_set_sources(p, f) < 0)
        goto out;
    if (serve_block(p, f, add_serve_nodes, f) < 0)
        goto out;
    ret = plan_render(p);
out:
    return ret;
}

/* OpenNTPD's daemon: openntpd (Debian), or ntpd where no other ntpd is installed. */
static char *
find_daemon(const struct plan *p)
{
    char *bin = spawn_find_program("openntpd");

    if (!bin && p->host->live && !path_exists("/etc/ntp.conf") && !path_exists("/etc/ntpsec") &&
        path_exists("/etc/ntpd.conf"))
        bin = spawn_find_program("ntpd");
    return bin;
}

static int
openntpd_validate(struct plan *p)
{
    const struct file_change *f = p->files[0];
    char *bin = find_daemon(p);
    int ret = -1;

    if (!plan_parse_after(p, f, p->backend->lens)) {
        ret = -1;
    } else if (!bin) {
        msg_note(p->m, "OpenNTPD's daemon is not installed here: %s was not checked by "
                 "ntpd -n", f->path);
        ret = 0;
    } else {
        const char *argv[] = { bin, "-n", "-f", DAEMON_CHECK_FILE, NULL };
        const struct daemon_check c = { .daemon = "OpenNTPD", .argv = argv, .comment = '#' };

        ret = daemon_check_files(p, &c, p->files, 1);
    }
    free(bin);
    return ret;
}

const struct ntp_backend backend_openntpd = {
    .name = "openntpd",
    .lens = "Tentp_openntpd.lns",
    .conf_paths = conf_paths,
    .daemons = daemons,
    .services = services,
    .package = "openntpd",
    .pool_label = "servers",
    .no_local_stratum = "OpenNTPD has no local stratum or orphan mode (local_stratum): leave "
                        "it out, or install chrony and run again with --implementation chrony",
    .installed = openntpd_installed,
    .source_options = no_options,
    .plan = openntpd_plan,
    .validate = openntpd_validate,
    .verify = backend_verify_ntpctl,
};
