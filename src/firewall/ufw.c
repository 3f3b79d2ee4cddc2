/* SPDX-License-Identifier: Apache-2.0 */
/* ufw: Uncomplicated Firewall.
 *
 * NTP is blocked when the default outgoing policy is deny or reject and no ALLOW OUT rule
 * covers udp port 123 to the server. Replies pass through ufw's own before.rules
 * (ESTABLISHED accepted), so only outbound rules are added:
 *   ufw allow out to SERVER|any port 123 proto udp comment te-ntp-setup
 * A host that serves time needs, when the default incoming policy is deny or reject and no
 * ALLOW IN rule covers udp port 123 from the network (or from anywhere):
 *   ufw allow in proto udp from NETWORK to any port 123 comment te-ntp-setup
 * (its replies pass through before.rules as ESTABLISHED).
 * ufw keeps its rules in /etc/ufw/user*.rules, so they persist. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "firewall.h"
#include "msgs.h"
#include "strbuf.h"
#include "strv.h"

static int
status(const char *verbose, struct strbuf *out, bool quiet, struct msgs *m)
{
    const char *args[] = { "status", verbose, NULL };
    struct strbuf err;
    int rc;

    sb_init(&err);
    rc = firewall_exec("ufw", args, out, &err, quiet, m);
    if (rc > 0 && !quiet)
        msg_error(m, "ufw status failed: %s", err.buf);
    sb_free(&err);
    return rc == 0 ? 0 : -1;
}

static int
detect(struct msgs *m)
{
    struct strbuf out;
    int active;

    sb_init(&out);
    active = status(NULL, &out, true, m) == 0 && strstr(out.buf, "Status: active") != NULL;
    sb_free(&out);
    return active;
}

/* True when a status line allows udp 123 out to server (NULL: to any address). */
static bool
line_allows(const char *line, const char *server)
{
    char to[256], port[64];

    if (!strstr(line, "ALLOW OUT"))
        return false;
    if (sscanf(line, "%255s %63s", to, port) != 2)
        return false;
    /* "123/udp ALLOW OUT ...", "123 ALLOW OUT", "Anywhere 123/udp", "ADDR 123/udp" */
    if (strcmp(to, "123/udp") == 0 || strcmp(to, "123") == 0)
        return true;
    if (strcmp(port, "123/udp") != 0 && strcmp(port, "123") != 0)
        return false;
    return strcmp(to, "Anywhere") == 0 || (server && strcmp(to, server) == 0);
}

/* True when a status line allows udp 123 in from network: "123/udp ALLOW IN NETWORK",
 * "123 ALLOW IN Anywhere", "Anywhere ALLOW IN NETWORK", ... (the To part names no address;
 * "(v6)" marks are ignored). */
static bool
line_allows_in(const char *line, const char *network)
{
    const char *act = strstr(line, " ALLOW IN ");
    char part[128], to[128], from[128], extra[64];
    int k;

    if (!act || (size_t)(act - line) >= sizeof(part))
        return false;
    memcpy(part, line, (size_t)(act - line));
    part[act - line] = '\0';
    k = sscanf(part, "%127s %63s", to, extra);
    if (k < 1 || (k == 2 && strcmp(extra, "(v6)") != 0))
        return false;
    if (strcmp(to, "123/udp") != 0 && strcmp(to, "123") != 0 && strcmp(to, "Anywhere") != 0)
        return false;
    if (sscanf(act + strlen(" ALLOW IN "), "%127s", from) != 1)
        return false;
    return strcmp(from, "Anywhere") == 0 || strcmp(from, network) == 0;
}

/* The serve networks: where the incoming policy denies and no rule lets their requests in,
 * a rule to add. 1 when one is needed. */
static int
serve_blocked(struct firewall_plan *p, const char *status)
{
    const char *def = strstr(status, "Default:");
    bool deny = def && (strstr(def, "deny (incoming)") || strstr(def, "reject (incoming)"));
    struct firewall_finding *f;
    int any = 0;

    if (!p->serve || !p->serve->n)
        return 0;
    if (!deny) {
        f = firewall_plan_find(p, xstrdup("ufw: incoming policy allow"));
        f->serve = f->all = true;
        return 0;
    }
    for (size_t i = 0; i < p->serve->n; i++) {
        const char *net = p->serve->v[i];
        char *copy = xstrdup(status), *save = NULL;
        struct firewall_rule *r;
        bool ok = false;

        for (char *l = strtok_r(copy, "\n", &save); l && !ok; l = strtok_r(NULL, "\n", &save))
            ok = line_allows_in(l, net);
        free(copy);
        f = firewall_plan_find(p, xstrdup("ufw: incoming policy deny"));
        f->family = firewall_server_family(net);
        f->serve = true;
        f->target = xstrdup(net);
        f->blocked = !ok;
        f->why = ok ? xstrdup("allowed by a rule") : NULL;
        if (ok)
            continue;
        r = firewall_plan_add(p);
        r->serve = true;
        r->family = firewall_server_family(net);
        r->output = false;
        r->server = xstrdup(net);
        any = 1;
    }
    return any;
}

static int
blocked(struct firewall_plan *p, struct msgs *m)
{
    struct strbuf out;
    struct firewall_finding *f;
    const char *def;
    bool deny;
    int any = 0;
    bool any_name = false;

    sb_init(&out);
    if (status("verbose", &out, false, m) < 0) {
        sb_free(&out);
        return -1;
    }
    def = strstr(out.buf, "Default:");
    deny = def && (strstr(def, "deny (outgoing)") || strstr(def, "reject (outgoing)"));
    if (!deny) {
        f = firewall_plan_find(p, xstrdup("ufw: outgoing policy allow"));
        f->output = f->all = true;
    }
    for (size_t i = 0; deny && i <= p->servers->n; i++) {
        const char *server = i < p->servers->n ? p->servers->v[i] : NULL;
        bool ok = false;
        char *copy, *save = NULL;
        struct firewall_rule *r;

        if (server && !firewall_server_family(server)) {
            any_name = true;
            continue;
        }
        if (!server && !any_name)
            continue;
        copy = xstrdup(out.buf);
        for (char *l = strtok_r(copy, "\n", &save); l && !ok; l = strtok_r(NULL, "\n", &save))
            ok = line_allows(l, server);
        free(copy);
        f = firewall_plan_find(p, xstrdup("ufw: outgoing policy deny"));
        f->family = firewall_server_family(server);
        f->output = true;
        f->target = server ? xstrdup(server) : NULL;
        f->blocked = !ok;
        f->why = ok ? xstrdup("allowed by a rule") : NULL;
        if (ok)
            continue;
        r = firewall_plan_add(p);
        r->family = firewall_server_family(server);
        r->output = true;
        r->server = xstrdup(server);
        any = 1;
    }
    if (serve_blocked(p, out.buf))
        any = 1;
    sb_free(&out);
    return any;
}

static int
plan_rules(struct firewall_plan *p, struct msgs *m)
{
    for (size_t i = 0; i < p->n; i++) {
        struct firewall_rule *r = &p->rules[i];
        const char *words[] = {
            "ufw", "allow", "out", "to", r->server ? r->server : "any", "port", "123",
            "proto", "udp", "comment", FIREWALL_TAG,
        };
        const char *serve_words[] = {
            "ufw", "allow", "in", "proto", "udp", "from", r->server, "to", "any", "port",
            "123", "comment", FIREWALL_TAG,
        };

        if (r->serve) {
            for (size_t k = 0; k < TE_ARRAY_LEN(serve_words); k++)
                strv_push(&r->argv, serve_words[k]);
            r->text = xasprintf("ufw allow in proto udp from %s to any port 123 comment '%s'",
                                r->server, FIREWALL_TAG);
            continue;
        }
        for (size_t k = 0; k < TE_ARRAY_LEN(words); k++)
            strv_push(&r->argv, words[k]);
        r->text = xasprintf("ufw allow out to %s port 123 proto udp comment '%s'",
                            r->server ? r->server : "any", FIREWALL_TAG);
    }
    return 0;
}

static int
add(struct firewall_plan *p, struct msgs *m)
{
    for (size_t i = 0; i < p->n; i++)
        if (firewall_exec_strv(&p->rules[i].argv, m) < 0)
            return -1;
    return 0;
}

static int
remove_tagged(struct firewall_plan *p, bool dry_run, struct msgs *m)
{
    struct strbuf out;
    char *save = NULL;
    struct strv lines = { 0 };
    int ret = -1;

    sb_init(&out);
    if (status("numbered", &out, false, m) < 0)
        goto out;
    for (char *l = strtok_r(out.buf, "\n", &save); l; l = strtok_r(NULL, "\n", &save))
        if (l[0] == '[' && strstr(l, "# " FIREWALL_TAG))
            strv_push(&lines, l);
    /* Highest number first: deleting renumbers the rules after it. */
    for (size_t i = lines.n; i-- > 0;) {
        struct firewall_rule *r = firewall_plan_add(p);
        long num = strtol(lines.v[i] + 1, NULL, 10);
        char nbuf[32];

        snprintf(nbuf, sizeof(nbuf), "%ld", num);
        r->output = strstr(lines.v[i], " OUT ") != NULL;
        r->serve = strstr(lines.v[i], " IN ") != NULL;
        strv_push(&r->argv, "ufw");
        strv_push(&r->argv, "--force");
        strv_push(&r->argv, "delete");
        strv_push(&r->argv, nbuf);
        r->text = xasprintf("%s (ufw --force delete %ld)", lines.v[i], num);
        if (!dry_run && firewall_exec_strv(&r->argv, m) < 0)
            goto out;
    }
    ret = 0;
out:
    strv_free(&lines);
    sb_free(&out);
    return ret;
}

/* The words of "allow out|in ... comment te-ntp-setup" (plan_rules): "ufw --force delete"
 * the same rule (its comment is no part of the match). */
static int
undo(int family, const struct strv *words, struct msgs *m)
{
    struct strv argv = { 0 };
    int ret;

    (void)family;
    if (words->n < 4 || strcmp(words->v[0], "allow") != 0 || !firewall_words_tagged(words)) {
        msg_error(m, "journal: not a rule te-ntp-setup adds to ufw; left alone");
        return -1;
    }
    strv_push(&argv, "ufw");
    strv_push(&argv, "--force");
    strv_push(&argv, "delete");
    for (size_t i = 0; i < words->n; i++) {
        if (strcmp(words->v[i], "comment") == 0) {
            i++;
            continue;
        }
        strv_push(&argv, words->v[i]);
    }
    ret = firewall_exec_strv(&argv, m);
    strv_free(&argv);
    return ret;
}

const struct firewall_ops firewall_ufw = {
    .name = "ufw",
    .detect = detect,
    .blocked = blocked,
    .plan_rules = plan_rules,
    .add = add,
    .remove = remove_tagged,
    .undo = undo,
};
