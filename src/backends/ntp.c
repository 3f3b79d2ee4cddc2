/* SPDX-License-Identifier: Apache-2.0 */
/* ntp: ntpd in its two lines, ntpsec and the classic ntp.org daemon (4.2.x).
 *
 * Both read one ntp.conf, edited in place: in replace mode every other server and pool line
 * is commented out with a note, like chrony; restrict, tinker, fudge, refclocks (127.127.t.u
 * addresses) and every other line stay as they are. A clock far off must get corrected: when
 * the daemon's options file does not pass -g, "tinker panic 0" is added to ntp.conf. A
 * "tos minsane" above the number of configured sources is lowered to it: ntpd would never
 * synchronize. With dhcp: ignore, ntpsec's IGNORE_DHCP="yes" is set in /etc/default/ntpsec
 * (through the stock Shellvars lens, only the value's bytes).
 *
 * To serve time (serve:), a block between marker comments at the end of ntp.conf: the
 * default entry gets noserve (its flags merge with the admin's "restrict default" line),
 * the configured servers and peers (by name or address) and, through "restrict source",
 * the associations ntpd makes (pools) may still answer, and each served network gets a
 * "restrict ADDRESS mask MASK" entry without noserve. With local_stratum, "tos orphan N".
 * ntpsec ignores (and logs) notrap and nopeer: its lines leave them out. */
#include "config.h"

#include <glob.h>
#include <stdio.h>
#include <sys/stat.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "alloc.h"
#include "backend.h"
#include "daemon-check.h"
#include "lineedit.h"
#include "msgs.h"
#include "names.h"
#include "paths.h"
#include "serve.h"
#include "shellvar.h"
#include "spawn.h"
#include "strv.h"

static const char *const ntpsec_conf_paths[] = { "/etc/ntpsec/ntp.conf", "/etc/ntp.conf", NULL };
static const char *const ntpd_conf_paths[] = { "/etc/ntp.conf", NULL };
static const char *const daemons[] = { "/usr/sbin/ntpd", "/usr/bin/ntpd", "/sbin/ntpd", NULL };
static const char *const pidfiles[] = { "/run/ntpd.pid", "/var/run/ntpd.pid", NULL };
static const char *const ntpsec_services[] = { "ntpsec", NULL };
static const char *const ntpd_services[] = { "ntp", "ntpd", NULL };

/* Files only ntpsec installs. */
static const char *const ntpsec_marks[] = {
    "/etc/ntpsec", "/usr/share/doc/ntpsec", "/lib/systemd/system/ntpsec.service",
    "/usr/lib/systemd/system/ntpsec.service", "/etc/init.d/ntpsec", NULL,
};

/* Where each daemon's start options are, and the variable holding them. */
struct options_file {
    const char *path;
    const char *var;
};

static const struct options_file ntpsec_options[] = {
    { "/etc/default/ntpsec", "NTPD_OPTS" }, { NULL, NULL },
};
static const struct options_file ntpd_options[] = {
    { "/etc/default/ntp", "NTPD_OPTS" }, { "/etc/sysconfig/ntpd", "OPTIONS" },
    { "/etc/conf.d/ntpd", "NTPD_ARGS" }, { NULL, NULL },
};

static bool
any_exists(const struct hostinfo *h, const char *const *paths)
{
    for (size_t i = 0; paths[i]; i++)
        if (hostinfo_exists(h, paths[i]))
            return true;
    return false;
}

static bool
ntpsec_installed(const struct hostinfo *h)
{
    return (!h->live && hostinfo_exists(h, "/etc/ntpsec/ntp.conf")) ||
           (any_exists(h, daemons) && any_exists(h, ntpsec_marks));
}

/* Classic ntpd: an ntpd (or in an image, an ntp.conf) that is neither ntpsec's nor OpenNTPD's (whose
 * daemon is also called ntpd on some distros, with /etc/ntpd.conf). */
static bool
ntpd_installed(const struct hostinfo *h)
{
    if (any_exists(h, ntpsec_marks) || hostinfo_exists(h, "/usr/sbin/openntpd") ||
        hostinfo_exists(h, "/etc/openntpd"))
        return false;
    return (!h->live && hostinfo_exists(h, "/etc/ntp.conf")) ||
           (any_exists(h, daemons) && !hostinfo_exists(h, "/etc/ntpd.conf"));
}

static const char *
ntpd_default_service(const struct hostinfo *h)
{
    return hostinfo_is_like(h, "debian") || hostinfo_is_like(h, "ubuntu") ? "ntp" : "ntpd";
}

static const struct options_file *
options_files(const struct plan *p)
{
    return strcmp(p->backend->name, "ntpsec") == 0 ? ntpsec_options : ntpd_options;
}

/* True when one of the words of opts is a group of single-letter flags with g ("-g", "-gN"). */
static bool
has_g_flag(const char *opts)
{
    for (const char *w = opts; *w;) {
        size_t n;

        w += strspn(w, " \t");
        n = strcspn(w, " \t");
        if (n >= 2 && w[0] == '-' && w[1] != '-') {
            bool letters = true, g = false;

            for (size_t i = 1; i < n; i++) {
                letters &= (w[i] >= 'a' && w[i] <= 'z') || (w[i] >= 'A' && w[i] <= 'Z');
                g |= w[i] == 'g';
            }
            if (letters && g)
                return true;
        }
        w += n;
    }
    return false;
}

/* 1 when the daemon's options file passes -g (or --panicgate), else 0; *where names the
 * file (newly allocated, or NULL when there is none). -1 when one cannot be read (said in
 * the messages). */
static int
starts_with_g(const struct plan *p, char **where)
{
    *where = NULL;
    for (const struct options_file *o = options_files(p); o->path; o++) {
        char *v;
        bool g;

        if (shellvar_get(p->host, o->path, o->var, &v, p->m) < 0)
            return -1;
        if (!hostinfo_exists(p->host, o->path)) {
            free(v);
            continue;
        }
        free(*where);
        *where = xasprintf("%s %s", o->path, o->var);
        g = v && (shellvar_has_word(v, "--panicgate") || has_g_flag(v));
        free(v);
        if (g)
            return 1;
    }
    return 0;
}

/* The start of the first line that is not a comment or blank (the end when none). */
static size_t
after_header(struct plan *p, const struct file_change *f)
{
    struct strv nodes = { 0 };
    char *expr = xasprintf("%s/*", f->tree);
    size_t at = f->before.len;

    augtree_match(p->aug, expr, &nodes);
    for (size_t i = 0; i < nodes.n; i++) {
        char *label = augtree_label(p->aug, nodes.v[i]);
        bool skip = !label || strcmp(label, "#comment") == 0;
        size_t s, e;

        free(label);
        if (!skip && augtree_span(p->aug, nodes.v[i], &s, &e) == 0) {
            at = s;
            break;
        }
    }
    strv_free(&nodes);
    free(expr);
    return at;
}

/* Make sure a clock far off gets corrected: -g in the options, or tinker panic 0. */
static int
plan_panic(struct plan *p, struct file_change *f)
{
    struct strv nodes = { 0 };
    char *expr = xasprintf("%s/tinker/panic", f->tree);
    char *where = NULL;
    int ret = 0, g = 0;

    augtree_match(p->aug, expr, &nodes);
    if (nodes.n == 0)
        g = starts_with_g(p, &where);
    if (g < 0) {
        ret = -1;                       /* an options file that cannot be read: said */
    } else if (nodes.n > 0) {
        const char *v = augtree_get(p->aug, nodes.v[nodes.n - 1]);

        if (!v || strcmp(v, "0") != 0)
            msg_warn(p->m, "%s sets tinker panic %s: ntpd gives up on a clock off by more "
                     "than that many seconds; left as it is", f->disk_path, v ? v : "");
    } else if (g) {
        /* -g: ntpd corrects any offset once at start */
    } else {
        const char *tree = lineedit_scratch(p);
        char *c = NULL, *panic = NULL, *text = NULL;

        if (tree) {
            c = xasprintf("%s/#comment", tree);
            panic = xasprintf("%s/tinker/panic", tree);
        }
        if (!tree || augtree_set(p->aug, c, "Correct a clock that is far off instead of "
                                 "giving up (added by te-ntp-setup)") < 0 ||
            augtree_set(p->aug, panic, "0") < 0 || !(text = lineedit_render(p, tree))) {
            msg_error(p->m, "%s: cannot add tinker panic 0", f->disk_path);
            ret = -1;
        } else {
            size_t at = after_header(p, f);

            plan_edit(f, at, at, text);
            msg_note(p->m, "%s does not start ntpd with -g: added \"tinker panic 0\" to %s so "
                     "that a clock far off gets corrected", where ? where : "no options file",
                     f->path);
        }
        free(text);
        free(panic);
        free(c);
    }
    free(where);
    strv_free(&nodes);
    free(expr);
    return ret;
}

/* How many sources ntpd will have once the plan is applied: the wanted ones, and in merge
 * mode the other server and peer lines (reference clocks are not counted). -1 when a pool is
 * among them: a pool gives ntpd up to maxclock servers. */
static int
planned_sources(struct plan *p, const struct file_change *f)
{
    const struct settings *s = p->settings;
    struct strv nodes = { 0 };
    char *expr;
    int n = 0;

    for (size_t i = 0; i < s->n_sources; i++) {
        if (s->sources[i].kind == SOURCE_POOL)
            return -1;
        n++;
    }
    if (s->mode != MODE_MERGE)
        return n;
    expr = xasprintf("%s/*[label() = 'server' or label() = 'pool' or label() = 'peer']",
                     f->tree);
    augtree_match(p->aug, expr, &nodes);
    for (size_t i = 0; i < nodes.n && n >= 0; i++) {
        char *label = augtree_label(p->aug, nodes.v[i]);
        const char *host = augtree_get(p->aug, nodes.v[i]);

        if (label && strcmp(label, "pool") == 0)
            n = -1;
        else if (label && host && strncmp(host, "127.127.", 8) != 0 &&
                 !lineedit_wanted_for(p, label, host))
            n++;
        free(label);
    }
    strv_free(&nodes);
    free(expr);
    return n;
}

/* ntpd disciplines the clock only with at least "tos minsane" sources that survive its
 * selection: with fewer configured sources it never synchronizes (Debian's ntpsec default is
 * "tos minclock 4 minsane 3", made for four pools). Lower minsane to the number of sources,
 * replacing the line after a note that quotes it. */
static int
plan_minsane(struct plan *p, struct file_change *f)
{
    struct strv nodes = { 0 };
    char *expr = xasprintf("%s/tos[minsane]", f->tree);
    int n = planned_sources(p, f), ret = 0;

    augtree_match(p->aug, expr, &nodes);
    for (size_t i = 0; n > 0 && ret == 0 && i < nodes.n; i++) {
        char *ms = xasprintf("%s/minsane", nodes.v[i]);
        const char *v = augtree_get(p->aug, ms);
        char *end, *line = NULL, *note = NULL, *text = NULL, *comment = NULL, *node = NULL;
        char count[16];
        const char *tree;
        long want = v ? strtol(v, &end, 10) : 0;
        size_t s, e, indent;

        free(ms);
        if (!v || *end || want <= n)
            continue;
        ret = -1;
        snprintf(count, sizeof(count), "%d", n);
        if (lineedit_node_line(p, f, nodes.v[i], &s, &e, &indent, &line) < 0)
            continue;
        note = xasprintf("te-ntp-setup lowered minsane to the %d configured source%s (ntpd "
                         "never synchronizes with fewer), was: %s", n, n == 1 ? "" : "s", line);
        comment = lineedit_comment_text(p, note);
        tree = lineedit_scratch(p);
        if (tree) {
            node = xasprintf("%s/tos", tree);
            ms = xasprintf("%s/tos/minsane", tree);
            if (augtree_copy(p->aug, nodes.v[i], node) == 0 &&
                augtree_set(p->aug, ms, count) == 0)
                text = lineedit_render(p, tree);
            free(ms);
        }
        if (comment && text) {
            char *edit = xasprintf("%.*s%s%.*s%s", (int)indent, f->before.buf + s, comment,
                                   (int)indent, f->before.buf + s, text);

            plan_edit(f, s, e, edit);
            free(edit);
            msg_note(p->m, "%s: \"%s\" needs %ld sources to synchronize, %d %s configured: "
                     "minsane lowered to %d", f->path, line, want, n, n == 1 ? "is" : "are", n);
            ret = 0;
        } else {
            msg_error(p->m, "%s: cannot lower tos minsane: %s", f->disk_path,
                      augtree_error(p->aug));
        }
        free(node);
        free(text);
        free(comment);
        free(note);
        free(line);
    }
    strv_free(&nodes);
    free(expr);
    return ret;
}

/* dhcp: ignore. Debian's ntpsec reads /run/ntpsec/ntp.conf.dhcp (written by its dhclient
 * hook) instead of ntp.conf unless /etc/default/ntpsec sets IGNORE_DHCP="yes": set it. The
 * classic ntpd has no such switch: say which hook to stop. */
static int
plan_dhcp(struct plan *p)
{
    static const char *const hooks[] = {
        "/etc/dhcp/dhclient-exit-hooks.d/ntp",    /* Debian, Ubuntu: /run/ntp.conf.dhcp */
        "/etc/dhcp/dhclient-exit-hooks.d/ntpsec", /* (without /etc/default/ntpsec) */
        "/etc/dhcp/dhclient.d/ntp.sh",            /* RHEL, CentOS 7: PEERNTP=no stops it */
        NULL,
    };
    bool changed;
    int rc = 1;

    if (p->settings->dhcp != DHCP_IGNORE)
        return 0;
    if (strcmp(p->backend->name, "ntpsec") == 0) {
        rc = shellvar_set(p, "/etc/default/ntpsec", "IGNORE_DHCP", "yes",
                          "Ignore the NTP servers from DHCP (set by te-ntp-setup, "
                          "dhcp: ignore)", &changed);
        if (rc < 0)
            return -1;
    }
    for (size_t i = 0; rc == 1 && hooks[i]; i++)
        if (hostinfo_exists(p->host, hooks[i]))
            msg_warn(p->m, "dhcp: ignore: %s exists and hands %s the NTP servers from DHCP; "
                     "remove it (or make it non-executable)%s to ignore them", hooks[i],
                     p->backend->name, strstr(hooks[i], "ntp.sh") ?
                     ", or set PEERNTP=no in /etc/sysconfig/network," : "");
    return 0;
}

/* The flags of a restrict entry that serves time but nothing else. */
static const char *const serve_flags_ntpd[] = { "nomodify", "notrap", "nopeer", "noquery", NULL };
static const char *const serve_flags_ntpsec[] = { "nomodify", "noquery", NULL };
/* The flags of the entries of the servers this host asks. */
static const char *const source_flags_ntpd[] = { "nomodify", "notrap", "noquery", NULL };
static const char *const source_flags_ntpsec[] = { "nomodify", "noquery", NULL };

/* Add "restrict [-4|-6] ADDR [mask MASK] FLAGS" to tree. */
static int
add_restrict(struct plan *p, const char *tree, const char *family, const char *addr,
             const char *mask, const char *const *flags)
{
    char *node = NULL;
    int ret = lineedit_tree_add(p, tree, "restrict", addr, &node);

    if (ret == 0 && family) {
        char *c = xasprintf("%s/%s", node, family);

        ret = augtree_set(p->aug, c, NULL);
        free(c);
    }
    if (ret == 0 && mask) {
        char *c = xasprintf("%s/mask", node);

        ret = augtree_set(p->aug, c, mask);
        free(c);
    }
    for (size_t i = 0; ret == 0 && flags[i]; i++) {
        char *c = xasprintf("%s/%s", node, flags[i]);

        ret = augtree_set(p->aug, c, NULL);
        free(c);
    }
    if (ret < 0)
        msg_error(p->m, "cannot build the line 'restrict %s': %s", addr, augtree_error(p->aug));
    free(node);
    return ret;
}

/* The hosts whose replies must still pass once the default entry has noserve: the wanted
 * servers, the peers, and in merge mode the other servers of f (not reference clocks, not
 * pools: "restrict source" and ntpsec itself let those through). */
static void
answering_hosts(struct plan *p, const struct file_change *f, struct strv *out)
{
    const struct settings *s = p->settings;
    struct strv nodes = { 0 };
    char *expr = xasprintf("%s/*[label() = 'server' or label() = 'peer']", f->tree);

    for (size_t i = 0; i < s->n_sources; i++)
        if (s->sources[i].kind == SOURCE_SERVER)
            strv_push(out, s->sources[i].host);
    augtree_match(p->aug, expr, &nodes);
    for (size_t i = 0; i < nodes.n; i++) {
        char *label = augtree_label(p->aug, nodes.v[i]);
        const char *host = augtree_get(p->aug, nodes.v[i]);
        bool dup = false;

        for (size_t j = 0; host && j < out->n && !dup; j++)
            dup = strcasecmp(out->v[j], host) == 0;
        if (label && host && !dup && strncmp(host, "127.127.", 8) != 0 &&
            (strcmp(label, "peer") == 0 || s->mode == MODE_MERGE))
            strv_push(out, host);
        free(label);
    }
    strv_free(&nodes);
    free(expr);
}

/* The serve block of ntp.conf (arg: the file). */
static int
add_serve_nodes(struct plan *p, const char *tree, const void *arg)
{
    const struct settings *s = p->settings;
    bool sec = strcmp(p->backend->name, "ntpsec") == 0;
    const char *const *serve_flags = sec ? serve_flags_ntpsec : serve_flags_ntpd;
    const char *const *source_flags = sec ? source_flags_ntpsec : source_flags_ntpd;
    static const char *const noserve[] = { "noserve", NULL };
    struct strv hosts = { 0 };
    int ret = 0;

    if (!s->serve.n)
        return 0;
    if (add_restrict(p, tree, "ipv4", "default", NULL, noserve) < 0 ||
        add_restrict(p, tree, "ipv6", "default", NULL, noserve) < 0 ||
        add_restrict(p, tree, NULL, "source", NULL, source_flags) < 0)
        return -1;
    answering_hosts(p, arg, &hosts);
    for (size_t i = 0; ret == 0 && i < hosts.n; i++)
        ret = add_restrict(p, tree, NULL, hosts.v[i], NULL, source_flags);
    strv_free(&hosts);
    for (size_t i = 0; ret == 0 && i < s->serve.n; i++) {
        struct names_prefix net;
        char addr[NAMES_PREFIX_MAX], mask[NAMES_PREFIX_MAX];

        if (!names_parse_prefix(s->serve.v[i], &net, NULL, NULL, 0)) {
            msg_error(p->m, "internal error: serve network %s", s->serve.v[i]);
            return -1;
        }
        names_prefix_address(&net, addr, sizeof(addr));
        names_prefix_mask(&net, mask, sizeof(mask));
        ret = add_restrict(p, tree, NULL, addr, mask, serve_flags);
    }
    if (ret == 0 && s->local_stratum) {
        char *node = NULL, *orphan = NULL, value[16];

        snprintf(value, sizeof(value), "%d", s->local_stratum);
        ret = lineedit_tree_add(p, tree, "tos", NULL, &node);
        if (ret == 0) {
            orphan = xasprintf("%s/orphan", node);
            ret = augtree_set(p->aug, orphan, value);
            if (ret < 0)
                msg_error(p->m, "cannot build the line 'tos orphan %s': %s", value,
                          augtree_error(p->aug));
        }
        free(orphan);
        free(node);
    }
    return ret;
}

#define INCLUDE_DEPTH 5          /* ntpd's and ntpsec's limit of nested includefile */

/* The files includefile lines of f bring in, as ntpd reads them: a relative name is taken
 * from the directory of the including file, a directory (ntpsec) means its *.conf files in
 * name order; nested up to INCLUDE_DEPTH. A file that includes itself again is refused. */
static int
add_includes(struct plan *p, struct file_change *f, struct strv *chain,
             struct file_change ***files, size_t *n)
{
    struct strv nodes = { 0 };
    char *expr = xasprintf("%s/includefile", f->tree);
    int ret = 0;

    augtree_match(p->aug, expr, &nodes);
    for (size_t i = 0; ret == 0 && i < nodes.n; i++) {
        const char *v = augtree_get(p->aug, nodes.v[i]);
        char *dir = xstrdup(f->path), *slash = strrchr(dir, '/'), *name, *disk;
        struct strv names = { 0 };
        struct stat st;

        if (!v || !*v) {
            free(dir);
            continue;
        }
        if (slash)
            slash[slash == dir ? 1 : 0] = '\0';
        name = v[0] == '/' ? xstrdup(v) : xasprintf("%s%s%s", dir, strcmp(dir, "/") ? "/" : "",
                                                   v);
        disk = hostinfo_path(p->host, name);
        if (stat(disk, &st) == 0 && S_ISDIR(st.st_mode)) {
            char *pat = xasprintf("%s/*.conf", disk);
            size_t rootlen = strlen(disk) - strlen(name);
            glob_t g;

            if (glob_report(pat, 0, &g, p->m) == 0) {   /* an unreadable one is said */
                for (size_t k = 0; k < g.gl_pathc; k++)
                    strv_push(&names, g.gl_pathv[k] + rootlen);
                globfree(&g);
            }
            free(pat);
        } else {
            strv_push(&names, name);
        }
        for (size_t k = 0; ret == 0 && k < names.n; k++) {
            struct file_change *inc;
            bool failed;

            if (strv_contains(chain, names.v[k])) {
                char *where = lineedit_where(p, f, nodes.v[i]);

                msg_error(p->m, "%s: 'includefile %s' includes %s, which is being read already "
                          "(an include loop): ntpd would read it again and again; remove the "
                          "loop", where, v, names.v[k]);
                free(where);
                p->invalid = true;
                ret = -1;
                break;
            }
            if (chain->n > INCLUDE_DEPTH)
                break;                           /* ntpd stops there too */
            inc = plan_open_file(p, names.v[k], false, &failed);
            if (failed) {
                ret = -1;
            } else if (inc) {
                *files = xrealloc(*files, (*n + 1) * sizeof(**files));
                (*files)[(*n)++] = inc;
                strv_push(chain, names.v[k]);
                ret = add_includes(p, inc, chain, files, n);
                free(chain->v[--chain->n]);
            }
        }
        strv_free(&names);
        free(disk);
        free(name);
        free(dir);
    }
    strv_free(&nodes);
    free(expr);
    return ret;
}

/* A restrict line with notrust: ntpd then uses only sources that authenticate. */
static char *
notrust_rule(struct plan *p, struct file_change **files, size_t n, struct file_change **in)
{
    for (size_t i = 0; i < n; i++) {
        struct strv nodes = { 0 };
        char *expr = xasprintf("%s/restrict[notrust]", files[i]->tree), *r = NULL;

        if (augtree_match(p->aug, expr, &nodes) > 0) {
            r = xstrdup(nodes.v[0]);
            *in = files[i];
        }
        strv_free(&nodes);
        free(expr);
        if (r)
            return r;
    }
    return NULL;
}

/* The token of line (len bytes) at *i, after the blanks there: its length (0: none). */
static size_t
ntp_token(const char *line, size_t len, size_t *i)
{
    size_t s;

    while (*i < len && (line[*i] == ' ' || line[*i] == '\t'))
        (*i)++;
    for (s = *i; *i < len && !strchr(" \t\r\n#", line[*i]); (*i)++)
        ;
    return *i - s;
}

bool
ntp_unread_line(const char *line, size_t len)
{
    static const char *const refused[] = { "notrust", "ipv4", "ipv6" };
    size_t i = strlen("restrict"), n;

    if (len <= i || memcmp(line, "restrict", i) != 0 || (line[i] != ' ' && line[i] != '\t') ||
        line[len - 1] == ' ' || line[len - 1] == '\t')
        return false;
    n = ntp_token(line, len, &i);                      /* the host */
    if (n == 0 || line[i - n] == '-')
        return false;
    while (i < len) {
        const char *w;

        if (!(n = ntp_token(line, len, &i)))
            return false;                              /* a comment, a CR */
        w = line + i - n;
        for (size_t k = 0; k < sizeof(refused) / sizeof(*refused); k++)
            if (n == strlen(refused[k]) && memcmp(w, refused[k], n) == 0)
                return false;
        if (((n == 4 && memcmp(w, "mask", 4) == 0) ||
             (n == 11 && memcmp(w, "ippeerlimit", 11) == 0)) && !ntp_token(line, len, &i))
            return false;                              /* an option without its value */
    }
    return true;
}

static int
ntp_plan(struct plan *p)
{
    const struct settings *s = p->settings;
    const char *path = backend_conf_path(p->backend, p->host);
    struct file_change *f, **files = NULL, *rule_file = NULL;
    struct strv chain = { 0 };
    size_t nfiles = 0;
    char *rule = NULL;
    bool failed;
    int ret = -1;

    /* 99 % of a file of megabytes is restrict lines, which Augeas would take seconds for */
    augtree_skip_lines(p->aug, p->backend->lens, ntp_unread_line);
    lineedit_watch_auth(p);
    if (!path) {
        msg_error(p->m, "%s's configuration was not found on %s (looked for %s)",
                  p->backend->name, p->host->root ? p->host->root : "this system",
                  p->backend->conf_paths[0]);
        return -1;
    }
    if (strcmp(p->backend->name, "ntpd") == 0)
        for (size_t i = 0; i < s->n_sources; i++)
            if (s->sources[i].nts) {
                msg_error(p->m, "the classic ntpd has no NTS (source %s): use ntpsec or "
                          "chrony", s->sources[i].host);
                return -1;
            }
    if (hostinfo_exists(p->host, "/run/ntpsec/ntp.conf.dhcp") ||
        hostinfo_exists(p->host, "/run/ntp.conf.dhcp")) {
        if (s->dhcp == DHCP_IGNORE && strcmp(p->backend->name, "ntpsec") == 0)
            msg_note(p->m, "DHCP provided NTP servers (/run/ntpsec/ntp.conf.dhcp): ignored "
                     "from ntpsec's next start (IGNORE_DHCP=\"yes\")");
        else
            msg_warn(p->m, "DHCP provided NTP servers (/run/.../ntp.conf.dhcp): while that "
                     "file exists, Debian's ntpd reads it instead of %s%s", path,
                     strcmp(p->backend->name, "ntpsec") == 0
                         ? " (--dhcp ignore stops ntpsec from reading it)" : "");
    }
    f = plan_open_file(p, path, false, &failed);
    if (!f)
        goto out;
    files = xcalloc(1, sizeof(*files));
    files[nfiles++] = f;
    strv_push(&chain, path);
    if (add_includes(p, f, &chain, &files, &nfiles) < 0)
        goto out;
    rule = notrust_rule(p, files, nfiles, &rule_file);
    if (lineedit_check_auth(p, files, nfiles, rule_file, rule,
                            "'restrict ... notrust' makes ntpd accept time only from sources "
                            "that authenticate") < 0)
        goto out;
    if (lineedit_set_sources_in(p, f, files, nfiles) < 0)
        goto out;
    if (plan_panic(p, f) < 0)
        goto out;
    if (plan_minsane(p, f) < 0)
        goto out;
    if (plan_dhcp(p) < 0)
        goto out;
    if (serve_block(p, f, add_serve_nodes, f) < 0)
        goto out;
    ret = plan_render(p);
out:
    free(rule);
    free(files);
    strv_free(&chain);
    return ret;
}

static int
ntpsec_validate(struct plan *p)
{
    const struct file_change *f = p->files[0];

    if (!plan_parse_after(p, f, p->backend->lens))
        return -1;
    msg_note(p->m, "ntpsec has no configuration check: %s was checked with the ntp.conf lens "
             "only", f->path);
    return 0;
}

/* The classic ntpd parses a file and quits with --saveconfigquit, when built with it. */
static int
ntpd_validate(struct plan *p)
{
    const struct file_change *f = p->files[0];
    char *ntpd = spawn_find_program("ntpd");
    struct spawn_result res;
    bool has_check = false;
    int ret = -1;

    if (!plan_parse_after(p, f, p->backend->lens))
        goto out;
    if (ntpd) {
        const char *argv[] = { ntpd, "--help", NULL };

        spawn_run(argv, NULL, DAEMON_CHECK_TIMEOUT_MS, &res);
        has_check = strstr(res.out.buf, "saveconfigquit") || strstr(res.err.buf,
                                                                       "saveconfigquit");
        spawn_result_free(&res);
    }
    if (!has_check) {
        msg_note(p->m, "no ntpd with --saveconfigquit here: %s was checked with the ntp.conf "
                 "lens only", f->path);
        ret = 0;
    } else {
        /* Directives that make ntpd open a file while it reads its configuration: the
         * check must not read (or append to) a file of the host an image names. */
        static const char *const left_out[] = {
            "includefile", "keys", "logfile", "leapfile", "driftfile", "statsdir",
            "saveconfigdir", NULL,
        };
        const char *argv[] = { ntpd, "-n", "-c", DAEMON_CHECK_FILE,
                               "--saveconfigquit=/dev/null", NULL };
        const struct daemon_check c = {
            .daemon = "ntpd", .argv = argv, .left_out = left_out, .comment = '#',
            .marker = "syntax error",
        };

        /* ntpd logs "line 61 column 13 syntax error, ..." and still exits 0 */
        ret = daemon_check_files(p, &c, p->files, 1);
    }
out:
    free(ntpd);
    return ret;
}

const struct ntp_backend backend_ntpsec = {
    .name = "ntpsec",
    .lens = "Tentp_ntp.lns",
    .conf_paths = ntpsec_conf_paths,
    .daemons = daemons,
    .services = ntpsec_services,
    .pidfiles = pidfiles,
    .package = "ntpsec",
    .installed = ntpsec_installed,
    .plan = ntp_plan,
    .validate = ntpsec_validate,
    .verify = backend_verify_ntpq,
};

const struct ntp_backend backend_ntpd = {
    .name = "ntpd",
    .lens = "Tentp_ntp.lns",
    .conf_paths = ntpd_conf_paths,
    .daemons = daemons,
    .services = ntpd_services,
    .pidfiles = pidfiles,
    .package = "ntp",
    .default_service = ntpd_default_service,
    .installed = ntpd_installed,
    .plan = ntp_plan,
    .validate = ntpd_validate,
    .verify = backend_verify_ntpq,
};
