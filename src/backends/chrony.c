/* SPDX-License-Identifier: Apache-2.0 */
/* chrony: chrony in all its layouts.
 *
 * Where the configuration already reads a directory of sources (sourcedir) or of
 * configuration (confdir, or include of DIR/ *.conf), the managed sources go into a file the tool
 * owns there; otherwise into the main file. In replace mode every other server and pool line
 * is commented out with a note; peers, refclocks, the DHCP sourcedir and all other lines stay
 * as they are. A makestep rule is added when none exists, so a clock minutes off is stepped.
 * With dhcp: ignore, the sourcedir of the DHCP servers (/run/chrony-dhcp) is commented out
 * with a note too.
 *
 * To serve time (serve:), an "allow NETWORK" line per network and, with local_stratum,
 * "local stratum N orphan" go into the tool's own confdir/include file (a sourcedir file
 * cannot hold them), else into a block between marker comments at the end of the main file.
 * The admin's allow lines stay; chronyd serves nobody without an allow line. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "alloc.h"
#include "backend.h"
#include "daemon-check.h"
#include "lineedit.h"
#include "msgs.h"
#include "paths.h"
#include "plan.h"
#include "serve.h"
#include "spawn.h"
#include "strbuf.h"
#include "strv.h"

#define MANAGED_NAME "te-ntp-setup"

static const char *const conf_paths[] = { "/etc/chrony/chrony.conf", "/etc/chrony.conf", NULL };
static const char *const daemons[] = { "/usr/sbin/chronyd", "/usr/bin/chronyd", "/sbin/chronyd",
                                       NULL };
static const char *const services[] = { "chrony", "chronyd", NULL };
static const char *const source_words[] = { "server", "pool", "peer", NULL };
static const char *const pidfiles[] = { "/run/chrony/chronyd.pid", "/run/chronyd.pid", NULL };

static const char *
default_service(const struct hostinfo *h)
{
    return hostinfo_is_like(h, "debian") || hostinfo_is_like(h, "ubuntu") ? "chrony" : "chronyd";
}

/* A directory chrony fills at run time (DHCP or cloud-provided sources): never ours. */
static bool
runtime_dir(const char *dir)
{
    return strncmp(dir, "/run/", 5) == 0 || strncmp(dir, "/var/run/", 9) == 0;
}

/* The directories where the DHCP hooks put the servers a DHCP server hands out. */
static bool
dhcp_dir(const char *dir)
{
    size_t n = strcspn(dir, " \t");

    while (n > 1 && dir[n - 1] == '/')
        n--;
    return (n == strlen("/run/chrony-dhcp") && strncmp(dir, "/run/chrony-dhcp", n) == 0) ||
           (n == strlen("/var/run/chrony-dhcp") && strncmp(dir, "/var/run/chrony-dhcp", n) == 0);
}

/* The programs that hand chrony the servers from DHCP (Debian's dhclient hook, the
 * NetworkManager dispatcher script of Debian and Fedora). */
static const char *const dhcp_hooks[] = {
    "/etc/dhcp/dhclient-exit-hooks.d/chrony",
    "/usr/lib/NetworkManager/dispatcher.d/20-chrony-dhcp",
    "/etc/NetworkManager/dispatcher.d/20-chrony-dhcp",
    NULL,
};

/* dhcp: ignore. Comment out every sourcedir of the DHCP directories (after a note, like
 * the sources of replace mode); when there is none, say which hook could still hand
 * chrony DHCP servers. */
static int
ignore_dhcp(struct plan *p, struct file_change **files, size_t nfiles)
{
    size_t found = 0;
    int ret = 0;

    for (size_t i = 0; ret == 0 && i < nfiles; i++) {
        struct strv nodes = { 0 };
        char *expr;

        if (strstr(files[i]->path, ".sources"))
            continue;                        /* only source lines there */
        expr = xasprintf("%s/*[label() = 'sourcedir' or label() = '#comment']",
                         files[i]->tree);
        augtree_match(p->aug, expr, &nodes);
        for (size_t j = 0; ret == 0 && j < nodes.n; j++) {
            char *label = augtree_label(p->aug, nodes.v[j]);
            const char *v = augtree_get(p->aug, nodes.v[j]);

            if (label && v && strcmp(label, "sourcedir") == 0 && dhcp_dir(v)) {
                ret = lineedit_comment_out(p, files[i], nodes.v[j], DHCP_DISABLED_NOTE);
                found++;
            } else if (label && v && strcmp(label, "#comment") == 0 &&
                       strncmp(v, DHCP_DISABLED_NOTE, strlen(DHCP_DISABLED_NOTE)) == 0) {
                found++;                     /* done by an earlier run */
            }
            free(label);
        }
        strv_free(&nodes);
        free(expr);
    }
    for (size_t i = 0; ret == 0 && !found && dhcp_hooks[i]; i++)
        if (hostinfo_exists(p->host, dhcp_hooks[i]))
            msg_note(p->m, "dhcp: ignore: chrony's configuration reads no DHCP sources "
                     "directory, but %s exists: it may still hand chrony the servers from "
                     "DHCP; remove it (or make it non-executable) to ignore them",
                     dhcp_hooks[i]);
    return ret;
}

/* Where the managed sources go, and what the layout reads. */
struct layout {
    struct file_change *main;
    char *target;            /* path of the file that holds the managed sources */
    bool target_is_sources;  /* a sourcedir *.sources file (only source lines allowed) */
    char *conf_target;       /* the tool's file in the confdir/include directory, or NULL */
    char *source_target;     /* while reading: the tool's file in the first sourcedir */
    struct strv dropins;     /* other files the configuration reads, sorted per directive */
    size_t *seen;            /* dropins by path: open addressing, (size_t)-1 free */
    size_t slots;
};

/* True when path is in the drop-in list (a hash look-up: a sourcedir may hold thousands). */
static bool
is_dropin(const struct layout *l, const char *path)
{
    if (!l->slots)
        return false;
    for (size_t h = str_hash(path) & (l->slots - 1); l->seen[h] != (size_t)-1;
         h = (h + 1) & (l->slots - 1))
        if (strcmp(l->dropins.v[l->seen[h]], path) == 0)
            return true;
    return false;
}

/* Add path to the drop-in list. */
static void
add_dropin(struct layout *l, const char *path)
{
    strv_push(&l->dropins, path);
    if (2 * l->dropins.n > l->slots) {
        l->slots = l->slots ? l->slots * 2 : 64;
        free(l->seen);
        l->seen = xmalloc(l->slots * sizeof(*l->seen));
        memset(l->seen, 0xff, l->slots * sizeof(*l->seen));
        for (size_t i = 0; i < l->dropins.n; i++) {
            size_t h = str_hash(l->dropins.v[i]) & (l->slots - 1);

            while (l->seen[h] != (size_t)-1)
                h = (h + 1) & (l->slots - 1);
            l->seen[h] = i;
        }
        return;
    }
    {
        size_t h = str_hash(path) & (l->slots - 1);

        while (l->seen[h] != (size_t)-1)
            h = (h + 1) & (l->slots - 1);
        l->seen[h] = l->dropins.n - 1;
    }
}

static void
layout_free(struct layout *l)
{
    free(l->target);
    free(l->conf_target);
    free(l->source_target);
    free(l->seen);
    strv_free(&l->dropins);
}

#define INCLUDE_DEPTH 10         /* chronyd's limit of nested includes */
#define RELOAD_TIMEOUT_MS 90000  /* chronyc reload sources: as long as a service action */

/* The files matching pattern (a path on the target), sorted, into out. */
static void
glob_target(struct plan *p, const char *pattern, struct strv *out)
{
    char *disk = hostinfo_path(p->host, pattern);
    size_t rootlen = strlen(disk) - strlen(pattern);
    glob_t g;

    if (glob_report(disk, 0, &g, p->m) == 0) {
        for (size_t i = 0; i < g.gl_pathc; i++)
            strv_push(out, g.gl_pathv[i] + rootlen);
        globfree(&g);
    }
    free(disk);
}

static int read_layout_of(struct plan *p, struct layout *l, struct file_change *f,
                          struct strv *chain);

/* A configuration file f reads (include, confdir): in the drop-in list, then its own
 * directives in turn, as chronyd reads them; a file that is being read already (an
 * include loop) is refused. */
static int
read_included(struct plan *p, struct layout *l, struct file_change *from, const char *node,
              const char *path, struct strv *chain)
{
    struct file_change *f;
    bool failed;
    int ret;

    if (strv_contains(chain, path)) {
        char *where = lineedit_where(p, from, node);

        msg_error(p->m, "%s: this includes %s, which is being read already (an include loop): "
                  "chronyd stops at its maximum include level and does not start; remove the loop",
                  where, path);
        free(where);
        p->invalid = true;
        return -1;
    }
    if ((l->conf_target && strcmp(path, l->conf_target) == 0) || is_dropin(l, path))
        return 0;                               /* the tool's own file, or read already */
    add_dropin(l, path);
    if (chain->n > INCLUDE_DEPTH)
        return 0;
    f = plan_open_file(p, path, false, &failed);
    if (!f)
        return failed ? -1 : 0;
    strv_push(chain, path);
    ret = read_layout_of(p, l, f, chain);
    free(chain->v[--chain->n]);
    return ret;
}

/* Read the directory directives of f (the main file, then each file it includes) and
 * choose the target: the first sourcedir, else the first confdir or include of DIR/ *.conf,
 * else the main file. */
static int
read_layout_of(struct plan *p, struct layout *l, struct file_change *f, struct strv *chain)
{
    struct strv nodes = { 0 };
    /* Only the directory directives: a look-up per node of a long file costs a walk of
     * its siblings each (quadratic). */
    char *expr = xasprintf("%s/*[label() = 'sourcedir' or label() = 'confdir' or "
                           "label() = 'include']", f->tree);
    int ret = 0;

    augtree_match(p->aug, expr, &nodes);
    for (size_t i = 0; ret == 0 && i < nodes.n; i++) {
        char *label = augtree_label(p->aug, nodes.v[i]);
        const char *value = augtree_get(p->aug, nodes.v[i]);
        struct strv found = { 0 };
        char *copy, *save = NULL;

        if (!label || !value) {
            free(label);
            continue;
        }
        copy = xstrdup(value);
        if (!strcmp(label, "sourcedir") || !strcmp(label, "confdir")) {
            bool src = !strcmp(label, "sourcedir");

            for (char *d = strtok_r(copy, " \t", &save); d; d = strtok_r(NULL, " \t", &save)) {
                char *pat;

                if (d[0] != '/' || runtime_dir(d))
                    continue;
                /* The tool's file goes into the first such directory that exists. */
                if (src && !l->source_target && hostinfo_exists(p->host, d))
                    l->source_target = xasprintf("%s/%s.sources", d, MANAGED_NAME);
                if (!src && !l->conf_target && hostinfo_exists(p->host, d))
                    l->conf_target = xasprintf("%s/%s.conf", d, MANAGED_NAME);
                pat = xasprintf("%s/*.%s", d, src ? "sources" : "conf");
                glob_target(p, pat, &found);
                free(pat);
            }
            for (size_t k = 0; ret == 0 && k < found.n; k++) {
                if (src) {
                    if (!is_dropin(l, found.v[k]))
                        add_dropin(l, found.v[k]);            /* source lines only */
                } else {
                    ret = read_included(p, l, f, nodes.v[i], found.v[k], chain);
                }
            }
        } else if (!strcmp(label, "include")) {
            /* chronyd globs the name as given; the daemon runs in / */
            char *pattern = copy[0] == '/' ? xstrdup(copy) : xasprintf("/%s", copy);
            char *slash = strrchr(pattern, '/');

            if (!l->conf_target && !runtime_dir(pattern) && strcmp(slash, "/*.conf") == 0) {
                char *dir = xasprintf("%.*s", (int)(slash - pattern), pattern);

                if (hostinfo_exists(p->host, dir))
                    l->conf_target = xasprintf("%s/%s.conf", dir, MANAGED_NAME);
                free(dir);
            }
            glob_target(p, pattern, &found);
            for (size_t k = 0; ret == 0 && k < found.n; k++)
                ret = read_included(p, l, f, nodes.v[i], found.v[k], chain);
            free(pattern);
        }
        strv_free(&found);
        free(copy);
        free(label);
    }
    strv_free(&nodes);
    free(expr);
    return ret;
}

static int
read_layout(struct plan *p, struct layout *l)
{
    struct strv chain = { 0 };
    int ret;

    strv_push(&chain, l->main->path);
    ret = read_layout_of(p, l, l->main, &chain);
    strv_free(&chain);
    if (l->source_target) {
        l->target = l->source_target;
        l->source_target = NULL;
        l->target_is_sources = true;
    } else if (l->conf_target) {
        l->target = xstrdup(l->conf_target);
    } else {
        l->target = xstrdup(l->main->path);
    }
    return ret;
}

#define REFCLOCK_HEADER "Managed by te-ntp-setup: the reference clock of this host. Local " \
    "changes are replaced on its next run."

/* The serve lines: allow NETWORK for each network, local stratum N orphan. */
static int
add_serve_nodes(struct plan *p, const char *tree, const void *arg)
{
    const struct settings *s = p->settings;

    (void)arg;
    /* The reference clock the platform chose (Azure's PTP clock): not a source line, so it
     * goes with these configuration lines, never into a sourcedir file. */
    if (s->refclock &&
        (lineedit_tree_add(p, tree, "#comment", "The host's clock (chosen for the platform by "
                           "te-ntp-setup)", NULL) < 0 ||
         lineedit_tree_add(p, tree, "refclock", s->refclock, NULL) < 0))
        return -1;
    for (size_t i = 0; i < s->serve.n; i++)
        if (lineedit_tree_add(p, tree, "allow", s->serve.v[i], NULL) < 0)
            return -1;
    if (s->serve.n && s->local_stratum) {
        char *v = xasprintf("stratum %d orphan", s->local_stratum);
        int rc = lineedit_tree_add(p, tree, "local", v, NULL);

        free(v);
        return rc;
    }
    return 0;
}

/* The tool's own file for the serve lines alone (beside a sourcedir file): the header and
 * the lines; nothing when there is nothing to serve and no such file yet. */
static int
fill_serve_file(struct plan *p, struct file_change *f)
{
    const char *tree = lineedit_scratch(p);
    char *text = NULL;

    if (!tree)
        return -1;
    sb_reset(&f->after);
    f->generated = true;
    if (!p->settings->serve.n && !p->settings->refclock && !f->existed)
        return 0;
    if (lineedit_tree_add(p, tree, "#comment", p->settings->serve.n || !p->settings->refclock ?
                          SERVE_HEADER : REFCLOCK_HEADER, NULL) < 0 ||
        add_serve_nodes(p, tree, NULL) < 0 || !(text = lineedit_render(p, tree))) {
        msg_error(p->m, "%s: cannot build the serve file", f->path);
        return -1;
    }
    sb_append(&f->after, text);
    free(text);
    return 0;
}

/* With serve: a note for each allow line that is not the tool's (chronyd serves those
 * networks too). */
static void
note_admin_allow(struct plan *p, struct file_change **files, size_t n)
{
    for (size_t i = 0; p->settings->serve.n && i < n; i++) {
        struct strv nodes = { 0 };
        char *expr = xasprintf("%s/allow", files[i]->tree);
        size_t bs = 0, be = 0;
        int block = serve_block_span(p, files[i], &bs, &be, false);

        augtree_match(p->aug, expr, &nodes);
        for (size_t j = 0; block >= 0 && j < nodes.n; j++) {
            const char *v = augtree_get(p->aug, nodes.v[j]);
            size_t s, e;

            if (block == 1 && augtree_span(p->aug, nodes.v[j], &s, &e) == 0 && s >= bs &&
                e <= be)
                continue;                    /* the tool's own */
            msg_note(p->m, "%s has 'allow%s%s' (not te-ntp-setup's, kept): chronyd serves %s "
                     "too", files[i]->disk_path, v ? " " : "", v ? v : "",
                     v ? v : "every client");
        }
        strv_free(&nodes);
        free(expr);
    }
}

#define INITSTEPSLEW_NOTE "te-ntp-setup (replace mode) disabled, makestep steps the clock " \
                          "instead: "

/* Replace mode: an initstepslew line naming a server that is not requested would still
 * query it at start: comment it out (after a note); makestep covers a clock far off. */
static int
disable_initstepslew(struct plan *p, struct file_change **files, size_t n)
{
    int ret = 0;

    for (size_t i = 0; ret == 0 && i < n; i++) {
        struct strv nodes = { 0 };
        char *expr = xasprintf("%s/initstepslew", files[i]->tree);

        augtree_match(p->aug, expr, &nodes);
        for (size_t j = 0; ret == 0 && j < nodes.n; j++) {
            const char *v = augtree_get(p->aug, nodes.v[j]);
            char *copy = xstrdup(v ? v : ""), *save = NULL, *w;
            bool other = false;

            strtok_r(copy, " \t", &save);              /* the threshold */
            while ((w = strtok_r(NULL, " \t", &save)))
                if (!lineedit_wanted_for(p, "server", w))
                    other = true;
            if (other)
                ret = lineedit_comment_out(p, files[i], nodes.v[j], INITSTEPSLEW_NOTE);
            free(copy);
        }
        strv_free(&nodes);
        free(expr);
    }
    return ret;
}

/* Replace mode: "minsources N" above the sources left (the requested ones and the
 * reference clocks) and chronyd would never update the clock: lowered to that number, after
 * a note quoting the old line. */
static int
lower_minsources(struct plan *p, struct file_change **files, size_t n)
{
    size_t have = p->settings->n_sources;
    int ret = 0;

    for (size_t i = 0; i < n; i++) {
        struct strv nodes = { 0 };
        char *expr = xasprintf("%s/refclock", files[i]->tree);

        have += augtree_match(p->aug, expr, &nodes) > 0 ? nodes.n : 0;
        strv_free(&nodes);
        free(expr);
    }
    for (size_t i = 0; ret == 0 && i < n; i++) {
        struct strv nodes = { 0 };
        char *expr = xasprintf("%s/minsources", files[i]->tree);

        augtree_match(p->aug, expr, &nodes);
        for (size_t j = 0; ret == 0 && j < nodes.n; j++) {
            const char *v = augtree_get(p->aug, nodes.v[j]);
            char *end, *line = NULL, *note, *comment, *value, *text = NULL;
            const char *tree;
            long want = v ? strtol(v, &end, 10) : 0;
            size_t s, e, indent;

            if (!v || end == v || want <= (long)have ||
                lineedit_node_line(p, files[i], nodes.v[j], &s, &e, &indent, &line) < 0)
                continue;
            note = xasprintf("te-ntp-setup lowered minsources to the %zu source%s left "
                             "(chronyd never updates the clock with fewer), was: %s", have,
                             have == 1 ? "" : "s", line);
            comment = lineedit_comment_text(p, note);
            tree = lineedit_scratch(p);
            value = xasprintf("%zu", have);
            if (!comment || !tree || lineedit_tree_add(p, tree, "minsources", value, NULL) < 0 ||
                !(text = lineedit_render(p, tree))) {
                msg_error(p->m, "%s: cannot lower minsources", files[i]->disk_path);
                ret = -1;
            } else {
                char *both = xasprintf("%.*s%s%.*s%s", (int)indent, files[i]->before.buf + s,
                                       comment, (int)indent, files[i]->before.buf + s, text);

                plan_edit(files[i], s, e, both);
                msg_note(p->m, "%s: minsources lowered to %zu (was: %s)",
                         files[i]->disk_path, have, line);
                free(both);
            }
            free(text);
            free(value);
            free(comment);
            free(note);
            free(line);
        }
        strv_free(&nodes);
        free(expr);
    }
    return ret;
}

/* authselectmode require: chronyd then selects authenticated sources only. */
static char *
require_rule(struct plan *p, struct file_change **files, size_t n, struct file_change **in)
{
    char *r = NULL;

    for (size_t i = 0; i < n; i++) {
        struct strv nodes = { 0 };
        char *expr;

        if (strstr(files[i]->path, ".sources"))
            continue;                           /* source lines only there */
        expr = xasprintf("%s/authselectmode", files[i]->tree);

        augtree_match(p->aug, expr, &nodes);
        for (size_t j = 0; j < nodes.n; j++) {       /* the last one counts */
            const char *v = augtree_get(p->aug, nodes.v[j]);

            free(r);
            r = NULL;
            if (v && strncasecmp(v, "require", 7) == 0) {
                r = xstrdup(nodes.v[j]);
                *in = files[i];
            }
        }
        strv_free(&nodes);
        free(expr);
    }
    return r;
}

/* The managed sources in the tool's own file: the whole file is generated (with the serve
 * lines when it is a configuration file, not a sourcedir file). A requested source that
 * has a line already keeps that line's options. */
static int
fill_managed(struct plan *p, struct file_change *f, const struct source *const *want, size_t n,
             bool with_makestep, bool with_serve, struct file_change **files, size_t nfiles)
{
    const char *tree = lineedit_scratch(p);
    char *c, *text;
    int ret = 0;

    if (!tree)
        return -1;
    c = xasprintf("%s/#comment", tree);
    if (augtree_set(p->aug, c, MANAGED_HEADER) < 0)
        ret = -1;
    free(c);
    for (size_t i = 0; ret == 0 && i < n; i++) {
        char *like = lineedit_find_source(p, files, nfiles, lineedit_source_label(p, want[i]),
                                          want[i]->host, NULL);

        ret = lineedit_add_source_like(p, tree, want[i], like);
        free(like);
    }
    if (ret == 0 && with_makestep) {
        char *ms = xasprintf("%s/makestep", tree);

        ret = augtree_set(p->aug, ms, "1.0 3");
        free(ms);
    }
    if (ret == 0 && with_serve)
        ret = add_serve_nodes(p, tree, NULL);
    if (ret < 0 || !(text = lineedit_render(p, tree))) {
        msg_error(p->m, "%s: cannot build the managed file: %s", f->path, augtree_error(p->aug));
        return -1;
    }
    sb_reset(&f->after);
    sb_append(&f->after, text);
    f->generated = true;
    free(text);
    return 0;
}

static int
chrony_plan(struct plan *p)
{
    const struct settings *s = p->settings;
    struct layout l = { 0 };
    struct file_change **files = NULL, *target, *serve_file = NULL, *rule_file = NULL;
    char *rule = NULL;
    const struct source **want = NULL;
    size_t nfiles = 0, nwant = 0;
    const char *main_path = backend_conf_path(p->backend, p->host);
    bool failed, makestep = false, replace = s->mode == MODE_REPLACE;
    int ret = -1;

    /* chronyd reads its directive and option words without case (strcasecmp). */
    augtree_fold_keywords(p->aug, p->backend->lens, source_words);
    lineedit_watch_auth(p);
    if (!main_path) {
        msg_error(p->m, "chrony's configuration was not found on %s (looked for "
                  "/etc/chrony/chrony.conf and /etc/chrony.conf)",
                  p->host->root ? p->host->root : "this system");
        return -1;
    }
    l.main = plan_open_file(p, main_path, false, &failed);
    if (!l.main)
        goto out;
    if (read_layout(p, &l) < 0)
        goto out;

    /* Every file the configuration reads, the main one first. */
    files = xcalloc(l.dropins.n + 2, sizeof(*files));
    files[nfiles++] = l.main;
    for (size_t i = 0; i < l.dropins.n; i++) {
        struct file_change *f;

        if (strcmp(l.dropins.v[i], l.target) == 0 ||
            (l.target_is_sources && l.conf_target &&
             strcmp(l.dropins.v[i], l.conf_target) == 0))
            continue;
        f = plan_open_file(p, l.dropins.v[i], false, &failed);
        if (failed)
            goto out;
        if (f)
            files[nfiles++] = f;
    }
    target = plan_open_file(p, l.target, true, &failed);
    if (!target)
        goto out;
    /* Beside a sourcedir file, the serve lines need a file of their own. */
    if (l.target_is_sources && l.conf_target) {
        serve_file = plan_open_file(p, l.conf_target, true, &failed);
        if (!serve_file)
            goto out;
    }

    /* Which sources go into the target. */
    want = xcalloc(s->n_sources + 1, sizeof(*want));
    for (size_t i = 0; i < s->n_sources; i++) {
        if (!replace && target != l.main &&
            lineedit_host_configured(p, files, nfiles, s->sources[i].host))
            continue;                    /* merge: already there, keep it as it is */
        want[nwant++] = &s->sources[i];
    }

    for (size_t i = 0; i < nfiles; i++)
        if (!strstr(files[i]->path, ".sources") && lineedit_has_label(p, files[i], "makestep"))
            makestep = true;
    if (target != l.main && lineedit_has_label(p, target, "makestep"))
        makestep = true;

    rule = require_rule(p, files, nfiles, &rule_file);
    if (lineedit_check_auth(p, files, nfiles, rule_file, rule,
                            "'authselectmode require' makes chronyd select only sources that "
                            "authenticate") < 0)
        goto out;
    if (replace)
        for (size_t i = 0; i < nfiles; i++)
            if (lineedit_disable_unwanted(p, files[i], files[i] == target) < 0)
                goto out;
    if (replace && (disable_initstepslew(p, files, nfiles) < 0 ||
                    lower_minsources(p, files, nfiles) < 0))
        goto out;

    if (s->dhcp == DHCP_IGNORE && ignore_dhcp(p, files, nfiles) < 0)
        goto out;

    if (target == l.main) {
        if (lineedit_fill_main(p, target, want, nwant) < 0)
            goto out;
    } else if (fill_managed(p, target, want, nwant, !makestep && !l.target_is_sources,
                            !l.target_is_sources, files, nfiles) < 0) {
        goto out;
    }
    if (!makestep && (target == l.main || l.target_is_sources)) {
        const char *tree = lineedit_scratch(p);
        char *c = NULL, *ms = NULL, *text = NULL;

        if (tree) {
            c = xasprintf("%s/#comment", tree);
            ms = xasprintf("%s/makestep", tree);
        }
        if (!tree || augtree_set(p->aug, c, "Step the clock when it is off by more than 1 s "
                                 "in the first 3 updates (added by te-ntp-setup)") < 0 ||
            augtree_set(p->aug, ms, "1.0 3") < 0 || !(text = lineedit_render(p, tree))) {
            msg_error(p->m, "%s: cannot add makestep", l.main->path);
            free(c);
            free(ms);
            goto out;
        }
        if (l.main->before.len && l.main->before.buf[l.main->before.len - 1] != '\n')
            plan_edit(l.main, l.main->before.len, l.main->before.len, "\n");
        plan_edit(l.main, l.main->before.len, l.main->before.len, text);
        free(text);
        free(c);
        free(ms);
    }
    /* The serve lines: in the tool's own file, else in a block of the main file. */
    if (serve_file) {
        if (fill_serve_file(p, serve_file) < 0)
            goto out;
    } else if (target == l.main || l.target_is_sources) {
        if (serve_block(p, l.main, add_serve_nodes, NULL) < 0)
            goto out;
    }
    note_admin_allow(p, files, nfiles);
    if (plan_render(p) < 0)
        goto out;

    /* Only sourcedir files changed: chrony can re-read them without a restart. */
    p->activation = ACTION_RELOAD_SOURCES;
    for (size_t i = 0; i < p->n_files; i++)
        if (file_change_differs(p->files[i]) && !strstr(p->files[i]->path, ".sources"))
            p->activation = ACTION_RESTART;
    ret = 0;
out:
    free(rule);
    free(want);
    free(files);
    layout_free(&l);
    return ret;
}

/* chronyd -p checks the whole planned configuration as one file: the main file, then every
 * drop-in the plan read or wrote, with every directive that reads other files (include,
 * confdir, sourcedir: chronyd matches directives without case) turned into a comment, so
 * nothing is read from the host's files. chronyd reads lines with fgets into 2048 bytes. */
static int
chrony_validate(struct plan *p)
{
    static const char *const left_out[] = { "include", "confdir", "sourcedir", NULL };
    char *chronyd = spawn_find_program("chronyd");
    int ret = -1;

    if (!chronyd) {
        msg_note(p->m, "chronyd is not installed here: the configuration was not checked by "
                 "chronyd -p");
        ret = 0;
    } else {
        const char *argv[] = { chronyd, "-p", "-f", DAEMON_CHECK_FILE, NULL };
        const struct daemon_check c = {
            .daemon = "chronyd", .argv = argv, .left_out = left_out, .nocase = true,
            .comment = '#', .line_max = 2048, .skip = "Fatal error : ",
        };

        ret = daemon_check_files(p, &c, p->files, p->n_files);
    }
    free(chronyd);
    return ret;
}

/* Split a CSV line (chronyc -c) in place into at most max fields. */
static size_t
csv_fields(char *line, char **field, size_t max)
{
    size_t n = 0;

    while (n < max) {
        field[n++] = line;
        line = strchr(line, ',');
        if (!line)
            break;
        *line++ = '\0';
    }
    return n;
}

static int
chronyc(const char *chronyc_path, const char *const *args, int timeout_ms, struct strbuf *out)
{
    const char *argv[8] = { chronyc_path, "-n" };
    struct spawn_result res;
    size_t n = 2;
    int rc;

    for (size_t i = 0; args[i] && n < TE_ARRAY_LEN(argv) - 1; i++)
        argv[n++] = args[i];
    argv[n] = NULL;
    rc = spawn_run(argv, NULL, timeout_ms, &res);
    sb_reset(out);
    sb_append(out, res.out.buf);
    spawn_result_free(&res);
    return rc;
}

/* One look at chronyd: tracking (offset, leap status) and sources (reachability, the
 * selected one). Synchronized means both: tracking alone is not enough, as chronyd keeps
 * its reference (and a normal leap status) after the selected source is removed by a
 * "reload sources" or stops answering, until the next clock update. */
static void
chrony_look(const char *path, struct sync_status *st)
{
    struct strbuf out;
    char *f[16];
    bool tracking_synced = false;
    char selected[sizeof(st->source)] = "";

    memset(st, 0, sizeof(*st));
    st->reachable = st->sources = -1;
    snprintf(st->how, sizeof(st->how), "chronyc tracking and sources");
    sb_init(&out);
    {
        const char *const tracking[] = { "-c", "tracking", NULL };

        /* Reference ID,Name,Stratum,Ref time,System time,Last offset,...,Leap status */
        if (chronyc(path, tracking, 5000, &out) == 0 && csv_fields(out.buf, f, 16) >= 14) {
            st->answered = true;
            f[13][strcspn(f[13], "\n")] = '\0';
            tracking_synced = strcmp(f[13], "Not synchronised") != 0 &&
                              strcmp(f[0], "00000000") != 0 && strcmp(f[0], "7F7F0101") != 0;
            /* "System time": positive when the clock is slow, i.e. behind. */
            st->offset = strtod(f[4], NULL);
            st->offset_known = true;
        }
    }
    {
        const char *const sources[] = { "-c", "sources", NULL };

        /* Mode,State,Address,Stratum,Poll,Reach(octal),... State "*": selected. */
        if (chronyc(path, sources, 5000, &out) == 0) {
            char *save = NULL;

            st->sources = st->reachable = 0;
            for (char *l = strtok_r(out.buf, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
                if (csv_fields(l, f, 16) < 6)
                    continue;
                if (strcmp(f[1], "*") == 0)
                    snprintf(selected, sizeof(selected), "%s", f[2]);
                if (strcmp(f[0], "#") == 0)
                    continue;                    /* reference clocks are not NTP sources */
                st->sources++;
                if (strtol(f[5], NULL, 8) != 0)
                    st->reachable++;
            }
        }
    }
    st->synchronized = tracking_synced && selected[0];
    if (st->synchronized) {
        const char *const name[] = { "sourcename", selected, NULL };

        snprintf(st->source, sizeof(st->source), "%s", selected);
        /* the name it was configured with (chrony 4.1 and later), without asking DNS */
        if (chronyc(path, name, 5000, &out) == 0 && out.len && !strchr(out.buf, ' '))
            snprintf(st->source_name, sizeof(st->source_name), "%.*s",
                     (int)strcspn(out.buf, "\n"), out.buf);
    }
    sb_free(&out);
}

/* Look every second until chronyd has selected a source and is synchronized, or
 * timeout_s have passed (0: look once). */
static void
chrony_verify(const struct hostinfo *h, time_t since, int timeout_s, struct sync_status *st)
{
    char *path = spawn_find_program("chronyc");

    (void)h;
    (void)since;
    if (!path) {
        backend_verify_kernel(timeout_s, st);
        return;
    }
    for (int waited = 0;; waited++) {
        chrony_look(path, st);
        if (st->synchronized || waited >= timeout_s)
            break;
        sleep(1);
    }
    free(path);
}

/* chronyd re-reads its sourcedir files on "chronyc reload sources"; -1 when that is not
 * possible (no chronyc, or chronyd not running). */
static int
chrony_reload_sources(struct strv *actions)
{
    char *path = spawn_find_program("chronyc");
    const char *argv[] = { path, "reload", "sources", NULL };
    struct spawn_result res;
    int rc;

    if (!path)
        return -1;
    rc = spawn_run(argv, NULL, RELOAD_TIMEOUT_MS, &res);
    spawn_result_free(&res);
    free(path);
    if (rc != 0)
        return -1;
    strv_push(actions, "reloaded chrony's sources (chronyc reload sources)");
    return 0;
}

const struct ntp_backend backend_chrony = {
    .name = "chrony",
    .lens = "Tentp_chrony.lns",
    .conf_paths = conf_paths,
    .daemons = daemons,
    .services = services,
    .pidfiles = pidfiles,
    .package = "chrony",
    .default_service = default_service,
    .plan = chrony_plan,
    .validate = chrony_validate,
    .reload_sources = chrony_reload_sources,
    .reload_sources_text = "reload chrony's sources",
    .verify = chrony_verify,
};
