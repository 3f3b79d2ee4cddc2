/* SPDX-License-Identifier: Apache-2.0 */
/* timesyncd: systemd-timesyncd through a drop-in the tool owns.
 *
 * The sources go into /etc/systemd/timesyncd.conf.d/te-ntp-setup.conf, generated whole:
 * "[Time]" with NTP= the servers (in replace mode after an empty "NTP=" that drops the lists
 * of the files read before it). FallbackNTP is left alone. timesyncd has no pools, no source
 * options and no configuration check: notes say so. */
#include "config.h"

#include <glob.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "backend.h"
#include "lineedit.h"
#include "msgs.h"
#include "paths.h"
#include "strbuf.h"
#include "strv.h"

#define DROPIN_DIR "/etc/systemd/timesyncd.conf.d"
#define DROPIN DROPIN_DIR "/te-ntp-setup.conf"

static const char *const conf_paths[] = { "/etc/systemd/timesyncd.conf",
                                          "/usr/lib/systemd/timesyncd.conf", NULL };
static const char *const daemons[] = { "/lib/systemd/systemd-timesyncd",
                                       "/usr/lib/systemd/systemd-timesyncd", NULL };
static const char *const services[] = { "systemd-timesyncd", NULL };

/* Drop-in directories timesyncd reads, in every place systemd looks. */
static const char *const dropin_globs[] = {
    "/etc/systemd/timesyncd.conf.d/*.conf", "/run/systemd/timesyncd.conf.d/*.conf",
    "/usr/local/lib/systemd/timesyncd.conf.d/*.conf", "/usr/lib/systemd/timesyncd.conf.d/*.conf",
    NULL,
};

/* In replace mode, warn about other drop-ins read after ours that add NTP servers. */
static int
check_later_dropins(struct plan *p)
{
    int ret = 0;

    for (size_t d = 0; dropin_globs[d] && ret == 0; d++) {
        char *disk = hostinfo_path(p->host, dropin_globs[d]);
        size_t rootlen = strlen(disk) - strlen(dropin_globs[d]);
        glob_t g;

        if (glob_report(disk, 0, &g, p->m) == 0) {
            for (size_t i = 0; i < g.gl_pathc && ret == 0; i++) {
                const char *path = g.gl_pathv[i] + rootlen;
                const char *base = strrchr(path, '/') + 1;
                struct file_change *f;
                struct strv nodes = { 0 };
                char *expr;
                bool failed;

                if (strcmp(path, DROPIN) == 0 || strcmp(base, "te-ntp-setup.conf") <= 0)
                    continue;
                f = plan_open_file(p, path, false, &failed);
                if (failed) {
                    ret = -1;
                    break;
                }
                if (!f)
                    continue;
                expr = xasprintf("%s/Time/NTP", f->tree);
                if (augtree_match(p->aug, expr, &nodes) > 0)
                    msg_warn(p->m, "%s is read after %s and sets NTP=: timesyncd also uses "
                             "its servers; remove them there", f->disk_path, DROPIN);
                strv_free(&nodes);
                free(expr);
            }
            globfree(&g);
        }
        free(disk);
    }
    return ret;
}

/* The whole drop-in. */
static int
fill_dropin(struct plan *p, struct file_change *f)
{
    const struct settings *s = p->settings;
    const char *tree = lineedit_scratch(p);
    struct strbuf list;
    char *c = NULL, *reset = NULL, *ntp = NULL, *text = NULL;
    int ret = -1;

    sb_init(&list);
    if (!tree)
        goto out;
    for (size_t i = 0; i < s->n_sources; i++)
        sb_printf(&list, "%s%s", i ? " " : "", s->sources[i].host);
    c = xasprintf("%s/#comment", tree);
    reset = xasprintf("%s/Time/NTP[1]", tree);
    ntp = xasprintf("%s/Time/NTP[last()+1]", tree);
    if (augtree_set(p->aug, c, MANAGED_HEADER) < 0 ||
        (s->mode == MODE_REPLACE && augtree_set(p->aug, reset, "") < 0) ||
        augtree_set(p->aug, ntp, list.buf) < 0 || !(text = lineedit_render(p, tree))) {
        msg_error(p->m, "%s: cannot build the drop-in: %s", f->path, augtree_error(p->aug));
        goto out;
    }
    sb_reset(&f->after);
    sb_append(&f->after, text);
    f->generated = true;
    ret = 0;
out:
    free(text);
    free(ntp);
    free(reset);
    free(c);
    sb_free(&list);
    return ret;
}

static int
timesyncd_plan(struct plan *p)
{
    const struct settings *s = p->settings;
    struct file_change *f;
    bool failed, pools = false, options = false;

    for (size_t i = 0; i < s->n_sources; i++) {
        const struct source *src = &s->sources[i];

        pools |= src->kind == SOURCE_POOL;
        options |= src->prefer || src->nts || src->key || src->minpoll != SOURCE_POLL_UNSET ||
                   src->maxpoll != SOURCE_POLL_UNSET;
    }
    if (pools)
        msg_note(p->m, "systemd-timesyncd has no pools: each pool name is listed in NTP= like a "
                 "server, and timesyncd uses one of its addresses at a time");
    if (options)
        msg_note(p->m, "systemd-timesyncd takes no per-source options (prefer, minpoll, "
                 "maxpoll, key, nts): they are ignored");
    msg_note(p->m, "systemd-timesyncd steps the clock by itself when the offset is large: no "
             "setting is needed for a clock that is far off");
    if (s->dhcp == DHCP_IGNORE)
        msg_warn(p->m, "dhcp: ignore: systemd-timesyncd also uses the NTP servers "
                 "systemd-networkd gets from DHCP; set UseNTP=no in the [DHCPv4] and "
                 "[DHCPv6] sections of the .network files (not changed by te-ntp-setup) to "
                 "ignore them");
    if (p->settings->mode == MODE_REPLACE && check_later_dropins(p) < 0)
        return -1;
    f = plan_open_file(p, DROPIN, true, &failed);
    if (!f)
        return -1;
    if (fill_dropin(p, f) < 0)
        return -1;
    /* The drop-in is the only file changed; keep it first in the report. */
    for (size_t i = 0; i < p->n_files; i++)
        if (p->files[i] == f && i > 0) {
            p->files[i] = p->files[0];
            p->files[0] = f;
        }
    return plan_render(p);
}

/* timesyncd has no check mode: parse the drop-in with the lens again. */
static int
timesyncd_validate(struct plan *p)
{
    for (size_t i = 0; i < p->n_files; i++) {
        const struct file_change *f = p->files[i];

        if (file_change_differs(f) &&
            !augtree_parse(p->aug, p->backend->lens, f->path, f->after.buf, p->m))
            return -1;
    }
    msg_note(p->m, "systemd-timesyncd has no configuration check: the drop-in was checked "
             "with the timesyncd lens only");
    return 0;
}

const struct ntp_backend backend_timesyncd = {
    .name = "timesyncd",
    .lens = "Tentp_timesyncd.lns",
    .conf_paths = conf_paths,
    .daemons = daemons,
    .services = services,
    .package = "systemd-timesyncd",
    .no_serve = "systemd-timesyncd is an NTP client only and cannot serve time to other "
                "hosts: install chrony, then run again with --implementation chrony",
    .plan = timesyncd_plan,
    .validate = timesyncd_validate,
    .verify = backend_verify_timesyncd,
};
