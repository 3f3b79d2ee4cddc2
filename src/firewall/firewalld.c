/* SPDX-License-Identifier: Apache-2.0 */
/* firewalld: firewalld, through firewall-cmd.
 *
 * firewalld lets all outbound traffic and its replies through unless direct rules say
 * otherwise, so NTP is judged from the direct rules of the filter OUTPUT/INPUT chains
 * (read as an iptables ruleset with accepting policies, by priority: firewall-cmd lists them
 * in the order they were added). Where they block it, a direct rule
 * is added at priority -1 (before the usual priority 0 rules), at runtime and --permanent:
 *   firewall-cmd [--permanent] --direct --add-rule ipv4 filter OUTPUT -1 -p udp -d SERVER
 *       --dport 123 -m comment --comment te-ntp-setup -j ACCEPT
 *
 * Policies (firewalld >= 0.9) filter the host's own traffic too: those active with the
 * ingress zone HOST are read from --list-all-policies, by priority, each in firewalld's
 * order (rich rules of negative priority, denying rich rules, allowing rich rules with the
 * services and ports, rich rules of positive priority, the target). Where the first policy
 * that decides blocks NTP to a server, a rich rule goes first in that policy, runtime and
 * --permanent:
 *   firewall-cmd [--permanent] --policy=POLICY --add-rich-rule='rule priority="-32768"
 *       family="ipv4" destination address="SERVER" port port="123" protocol="udp" accept'
 * (no family nor address for a host name). Replies need nothing: firewalld accepts
 * established traffic before any zone or policy. Policies on traffic to the host (egress
 * zone HOST) are not read for the serve networks: the zones decide those (below).
 *
 * Inbound traffic is the zones' business (with the nftables backend a direct rule's accept
 * does not override a zone's reject), so a host that serves time gets, in each active zone
 * (and the default zone) that lets no NTP in from NETWORK (target ACCEPT, service ntp, port
 * 123/udp, or an accepting rich rule for the network), a rich rule, runtime and --permanent:
 *   firewall-cmd [--permanent] --zone=ZONE --add-rich-rule='rule family="ipv4"
 *       source address="NETWORK" port port="123" protocol="udp" accept'
 * Rich rules carry no comment: --remove deletes the rich rules of exactly these forms. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "firewall.h"
#include "msgs.h"
#include "names.h"
#include "strbuf.h"
#include "strv.h"

static int
detect(struct msgs *m)
{
    static const char *const args[] = { "--state", NULL };
    struct strbuf out;
    int active;

    sb_init(&out);
    active = firewall_exec("firewall-cmd", args, &out, NULL, true, m) == 0
             && strncmp(out.buf, "running", 7) == 0;
    sb_free(&out);
    return active;
}

static int
direct_rules(bool permanent, struct strbuf *out, struct msgs *m)
{
    const char *args[] = { "--direct", "--get-all-rules", NULL, NULL };

    if (permanent) {
        args[0] = "--permanent";
        args[1] = "--direct";
        args[2] = "--get-all-rules";
    }
    if (firewall_exec("firewall-cmd", args, out, NULL, false, m) != 0) {
        msg_error(m, "firewall-cmd --direct --get-all-rules failed");
        return -1;
    }
    return 0;
}

/* The rich rule that lets the clients in network reach the NTP server. */
static char *
serve_rich_rule(const char *network)
{
    return xasprintf("rule family=\"%s\" source address=\"%s\" port port=\"123\" "
                     "protocol=\"udp\" accept",
                     firewall_server_family(network) == 6 ? "ipv6" : "ipv4", network);
}

bool
firewall_firewalld_rich_rule_is_ours(const char *rule)
{
    const char *a = strstr(rule, "source address=\"");
    char net[NAMES_PREFIX_MAX + 8], *mine;
    size_t n;
    bool same;

    if (!a)
        return false;
    a += strlen("source address=\"");
    n = strcspn(a, "\"");
    if (n >= sizeof(net) || !strchr(a, '/'))
        return false;
    memcpy(net, a, n);
    net[n] = '\0';
    mine = serve_rich_rule(net);
    same = strcmp(mine, rule) == 0;
    free(mine);
    return same;
}

bool
firewall_firewalld_zone_serves(const char *listing, const char *network)
{
    char *copy = xstrdup(listing), *save = NULL, *want = xasprintf("source address=\"%s\"",
                                                                  network);
    bool rich = false, ok = false;

    for (char *l = strtok_r(copy, "\n", &save); l && !ok; l = strtok_r(NULL, "\n", &save)) {
        l += strspn(l, " \t");
        if (strncmp(l, "target:", 7) == 0) {
            ok = strstr(l, "ACCEPT") != NULL;
        } else if (strncmp(l, "services:", 9) == 0) {
            char *ws = NULL;

            for (char *w = strtok_r(l + 9, " \t", &ws); w && !ok; w = strtok_r(NULL, " \t", &ws))
                ok = strcmp(w, "ntp") == 0;
        } else if (strncmp(l, "ports:", 6) == 0) {
            char *ws = NULL;

            for (char *w = strtok_r(l + 6, " \t", &ws); w && !ok; w = strtok_r(NULL, " \t", &ws))
                ok = strcmp(w, "123/udp") == 0;
        } else if (strncmp(l, "rich rules:", 11) == 0) {
            rich = true;
        } else if (rich && strncmp(l, "rule ", 5) == 0) {
            size_t len = strlen(l);

            ok = strstr(l, want) && !strstr(l, "destination") && len >= 6 &&
                 strcmp(l + len - 6, "accept") == 0 &&
                 (strstr(l, "port port=\"123\" protocol=\"udp\"") ||
                  strstr(l, "service name=\"ntp\"") ||
                  (!strstr(l, " port ") && !strstr(l, " service ") && !strstr(l, "protocol")));
        } else if (rich && *l) {
            rich = false;
        }
    }
    free(want);
    free(copy);
    return ok;
}

/* The zones that receive the clients: the active zones and the default zone. */
static int
client_zones(struct strv *zones, struct msgs *m)
{
    static const char *const def[] = { "--get-default-zone", NULL };
    static const char *const act[] = { "--get-active-zones", NULL };
    struct strbuf out;
    char *save = NULL;
    int rc, ret = -1;

    sb_init(&out);
    /* (it fails when no zone is active: then only the default zone) */
    rc = firewall_exec("firewall-cmd", act, &out, NULL, false, m);
    if (rc < 0)
        goto out;
    if (rc > 0)
        sb_reset(&out);
    for (char *l = strtok_r(out.buf, "\n", &save); l; l = strtok_r(NULL, "\n", &save))
        if (*l && *l != ' ' && *l != '\t') {
            l[strcspn(l, " \t")] = '\0';
            if (!strv_contains(zones, l))
                strv_push(zones, l);
        }
    sb_reset(&out);
    if (firewall_exec("firewall-cmd", def, &out, NULL, false, m) != 0) {
        msg_error(m, "firewall-cmd --get-default-zone failed");
        goto out;
    }
    out.buf[strcspn(out.buf, " \t\n")] = '\0';
    if (*out.buf && !strv_contains(zones, out.buf))
        strv_push(zones, out.buf);
    ret = 0;
out:
    sb_free(&out);
    return ret;
}

/* The serve networks: a rich rule for each zone that lets no NTP in from one. 1 when one is
 * needed, 0 when not, -1 on error. */
static int
serve_blocked(struct firewall_plan *p, struct msgs *m)
{
    struct strv zones = { 0 };
    int any = 0;

    if (!p->serve || !p->serve->n)
        return 0;
    if (client_zones(&zones, m) < 0) {
        strv_free(&zones);
        return -1;
    }
    for (size_t z = 0; z < zones.n; z++) {
        char *zarg = xasprintf("--zone=%s", zones.v[z]);
        const char *args[] = { zarg, "--list-all", NULL };
        struct strbuf out;

        sb_init(&out);
        if (firewall_exec("firewall-cmd", args, &out, NULL, false, m) != 0) {
            msg_error(m, "firewall-cmd %s --list-all failed", zarg);
            any = -1;
        }
        for (size_t i = 0; any >= 0 && i < p->serve->n; i++) {
            const char *net = p->serve->v[i];
            bool ok = firewall_firewalld_zone_serves(out.buf, net);
            struct firewall_finding *f =
                firewall_plan_find(p, xasprintf("firewalld zone %s", zones.v[z]));
            struct firewall_rule *r;

            f->family = firewall_server_family(net);
            f->serve = true;
            f->target = xstrdup(net);
            f->blocked = !ok;
            if (ok)
                continue;
            r = firewall_plan_add(p);
            r->serve = true;
            r->family = firewall_server_family(net);
            r->server = xstrdup(net);
            r->zone = xstrdup(zones.v[z]);
            any = 1;
        }
        sb_free(&out);
        free(zarg);
        if (any < 0)
            break;
    }
    strv_free(&zones);
    return any;
}

/* ---- policies (firewalld >= 0.9) ------------------------------------------------------ */

/* The rich rule this tool adds to a policy: first in it (the lowest priority firewalld
 * allows), accepting NTP to the server (no family nor address for a host name). */
char *
firewall_firewalld_policy_rule(const char *server)
{
    int fam = firewall_server_family(server);

    if (!server || !fam)
        return xstrdup("rule priority=\"-32768\" port port=\"123\" protocol=\"udp\" accept");
    return xasprintf("rule priority=\"-32768\" family=\"%s\" destination address=\"%s\" "
                     "port port=\"123\" protocol=\"udp\" accept",
                     fam == 6 ? "ipv6" : "ipv4", server);
}

bool
firewall_firewalld_policy_rule_is_ours(const char *rule)
{
    const char *a = strstr(rule, "destination address=\"");
    char addr[NAMES_PREFIX_MAX + 8], *mine;
    size_t n;
    bool same;

    if (!a) {
        mine = firewall_firewalld_policy_rule(NULL);
    } else {
        a += strlen("destination address=\"");
        n = strcspn(a, "\"");
        if (n >= sizeof(addr))
            return false;
        memcpy(addr, a, n);
        addr[n] = '\0';
        if (!firewall_server_family(addr))
            return false;
        mine = firewall_firewalld_policy_rule(addr);
    }
    same = strcmp(mine, rule) == 0;
    free(mine);
    return same;
}

/* The words of a rich rule: key="value" (quotes taken off) and bare words. */
static void
rich_words(const char *rule, struct strv *w)
{
    const char *p = rule;

    while (*p) {
        struct strbuf sb;

        p += strspn(p, " \t");
        if (!*p)
            break;
        sb_init(&sb);
        while (*p && *p != ' ' && *p != '\t') {
            if (*p == '"' || *p == '\'') {
                char q = *p++;

                while (*p && *p != q)
                    sb_putc(&sb, *p++);
                if (*p)
                    p++;
            } else {
                sb_putc(&sb, *p++);
            }
        }
        strv_push_owned(w, sb_steal(&sb));
    }
}

/* The value of key="value" in word w (NULL when w is not that key). */
static const char *
kv(const char *w, const char *key)
{
    size_t n = strlen(key);

    return strncmp(w, key, n) == 0 && w[n] == '=' ? w + n + 1 : NULL;
}

/* One rich rule of a policy as an iptables-save rule on the OUTPUT chain (the host's own
 * traffic), for family fam (4 or 6): "-A OUTPUT ..." appended to text, or nothing when the
 * rule cannot match NTP to a server (another family, another service, icmp, forwarding,
 * no verdict). Elements it cannot judge become an unknown match (never surely accepting,
 * maybe dropping). *prio gets its priority, *deny whether it drops or rejects. */
static bool
rich_rule_line(const char *rule, int fam, struct strbuf *line, long *prio, bool *deny)
{
    struct strv w = { 0 };
    const char *verdict = NULL;
    bool ok = true, unknown = false, not = false;
    size_t i;

    *prio = 0;
    *deny = false;
    rich_words(rule, &w);
    sb_append(line, "-A OUTPUT");
    for (i = 0; i < w.n && ok; i++) {
        const char *v, *x = w.v[i];

        if (strcmp(x, "rule") == 0)
            continue;
        if ((v = kv(x, "priority"))) {
            *prio = strtol(v, NULL, 10);
        } else if ((v = kv(x, "family"))) {
            ok = (strcmp(v, "ipv4") == 0 ? 4 : 6) == fam;
        } else if (strcmp(x, "NOT") == 0) {
            not = true;
        } else if (strcmp(x, "source") == 0 || strcmp(x, "destination") == 0) {
            bool dst = x[0] == 'd';

            if (i + 1 < w.n && strcmp(w.v[i + 1], "NOT") == 0) {
                not = true;
                i++;
            }
            if (i + 1 < w.n && (v = kv(w.v[i + 1], "address")) && !not) {
                sb_printf(line, " %s %s", dst ? "-d" : "-s", v);
                i++;
            } else {
                unknown = true;     /* ipset=, mac=, NOT ...: cannot tell */
                if (i + 1 < w.n && strchr(w.v[i + 1], '='))
                    i++;
            }
            not = false;
        } else if (strcmp(x, "port") == 0 || strcmp(x, "source-port") == 0) {
            const char *port = NULL, *proto = NULL;

            while (i + 1 < w.n && (kv(w.v[i + 1], "port") || kv(w.v[i + 1], "protocol"))) {
                i++;
                if ((v = kv(w.v[i], "port")))
                    port = v;
                else
                    proto = kv(w.v[i], "protocol");
            }
            sb_printf(line, " -p %s", proto ? proto : "udp");
            if (port)
                sb_printf(line, " %s %s", x[0] == 'p' ? "--dport" : "--sport", port);
        } else if (strcmp(x, "service") == 0) {
            /* ntp is udp 123; other services are taken as not NTP. */
            v = i + 1 < w.n ? kv(w.v[i + 1], "name") : NULL;
            i++;
            if (v && strcmp(v, "ntp") == 0)
                sb_append(line, " -p udp --dport 123");
            else
                ok = false;
        } else if (strcmp(x, "protocol") == 0) {
            v = i + 1 < w.n ? kv(w.v[i + 1], "value") : NULL;
            i++;
            sb_printf(line, " -p %s", v ? v : "unknown");
        } else if (strcmp(x, "icmp-block") == 0 || strcmp(x, "icmp-type") == 0 ||
                   strcmp(x, "masquerade") == 0 || strcmp(x, "forward-port") == 0 ||
                   strcmp(x, "icmp-block-inversion") == 0) {
            ok = false;
        } else if (strcmp(x, "log") == 0 || strcmp(x, "audit") == 0 ||
                   strcmp(x, "nflog") == 0) {
            /* logging only, with its own options */
            while (i + 1 < w.n && strchr(w.v[i + 1], '=') && !kv(w.v[i + 1], "type") &&
                   !kv(w.v[i + 1], "set"))
                i++;
        } else if (strcmp(x, "limit") == 0 || kv(x, "value") || kv(x, "prefix") ||
                   kv(x, "level") || kv(x, "group") || kv(x, "queue-size") ||
                   kv(x, "threshold")) {
            if (strcmp(x, "limit") == 0 || (verdict && kv(x, "value")))
                unknown = true;     /* a rate limit: not every packet */
        } else if (strcmp(x, "accept") == 0) {
            verdict = "ACCEPT";
        } else if (strcmp(x, "reject") == 0 || strcmp(x, "drop") == 0) {
            verdict = "DROP";
        } else if (strcmp(x, "mark") == 0 || kv(x, "type") || kv(x, "set")) {
            if (strcmp(x, "mark") == 0)
                verdict = NULL;
        } else {
            unknown = true;
        }
    }
    strv_free(&w);
    if (!ok || !verdict)
        return false;
    if (unknown)
        sb_append(line, " -m te-unknown");
    sb_printf(line, " -j %s\n", verdict);
    *deny = strcmp(verdict, "DROP") == 0;
    return true;
}

/* One policy of a --list-all-policies listing. */
struct fw_policy {
    char *name;
    long prio;
    bool active, host;          /* active; ingress zone HOST (the host's own traffic) */
    char *target;
    struct strv services, ports, protocols, rich;
};

static void
policy_free(struct fw_policy *p)
{
    free(p->name);
    free(p->target);
    strv_free(&p->services);
    strv_free(&p->ports);
    strv_free(&p->protocols);
    strv_free(&p->rich);
}

static void
split_into(const char *s, struct strv *v)
{
    char *copy = xstrdup(s), *save = NULL;

    for (char *w = strtok_r(copy, " \t", &save); w; w = strtok_r(NULL, " \t", &save))
        strv_push(v, w);
    free(copy);
}

/* Parse a listing into its policies, by priority (stable: firewalld orders policies of the
 * same priority by name, as they are listed). */
static size_t
parse_policies(const char *listing, struct fw_policy **out)
{
    char *copy = xstrdup(listing), *save = NULL;
    struct fw_policy *v = NULL, *cur = NULL;
    size_t n = 0;
    bool rich = false;

    for (char *l = strtok_r(copy, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
        if (*l && *l != ' ' && *l != '\t') {
            v = xrealloc(v, (n + 1) * sizeof(*v));
            cur = &v[n++];
            memset(cur, 0, sizeof(*cur));
            cur->name = xasprintf("%.*s", (int)strcspn(l, " \t"), l);
            cur->active = strstr(l, "(active)") != NULL;
            rich = false;
            continue;
        }
        if (!cur)
            continue;
        l += strspn(l, " \t");
        if (rich && strncmp(l, "rule", 4) == 0) {
            strv_push(&cur->rich, l);
            continue;
        }
        rich = false;
        if (strncmp(l, "priority:", 9) == 0)
            cur->prio = strtol(l + 9, NULL, 10);
        else if (strncmp(l, "target:", 7) == 0) {
            const char *t = l + 7 + strspn(l + 7, " \t");

            free(cur->target);
            cur->target = xasprintf("%.*s", (int)strcspn(t, " \t"), t);
        } else if (strncmp(l, "ingress-zones:", 14) == 0) {
            struct strv z = { 0 };

            split_into(l + 14, &z);
            cur->host = strv_contains(&z, "HOST");
            strv_free(&z);
        } else if (strncmp(l, "services:", 9) == 0)
            split_into(l + 9, &cur->services);
        else if (strncmp(l, "ports:", 6) == 0)
            split_into(l + 6, &cur->ports);
        else if (strncmp(l, "protocols:", 10) == 0)
            split_into(l + 10, &cur->protocols);
        else if (strncmp(l, "rich rules:", 11) == 0)
            rich = true;
    }
    free(copy);
    /* insertion sort by priority, stable */
    for (size_t i = 1; i < n; i++)
        for (size_t k = i; k > 0 && v[k - 1].prio > v[k].prio; k--) {
            struct fw_policy t = v[k - 1];

            v[k - 1] = v[k];
            v[k] = t;
        }
    *out = v;
    return n;
}

/* A policy as an iptables-save OUTPUT chain with an accepting policy, in firewalld's order:
 * rich rules of negative priority (by priority), the denying rich rules, the allowing ones
 * with the services and ports, rich rules of positive priority, then the target. */
static void
policy_chain(const struct fw_policy *p, int fam, struct strbuf *text)
{
    struct { struct strbuf line; long prio; bool deny; } *r;
    size_t n = 0;

    sb_append(text, "*filter\n:OUTPUT ACCEPT [0:0]\n");
    r = xmalloc((p->rich.n + 1) * sizeof(*r));
    for (size_t i = 0; i < p->rich.n; i++) {
        sb_init(&r[n].line);
        if (rich_rule_line(p->rich.v[i], fam, &r[n].line, &r[n].prio, &r[n].deny))
            n++;
        else
            sb_free(&r[n].line);
    }
    /* pre (priority < 0, by priority), deny, allow, post (priority > 0, by priority) */
    for (int pass = 0; pass < 4; pass++) {
        if (pass == 2) {
            for (size_t i = 0; i < p->services.n; i++)
                if (strcmp(p->services.v[i], "ntp") == 0)
                    sb_append(text, "-A OUTPUT -p udp --dport 123 -j ACCEPT\n");
            for (size_t i = 0; i < p->ports.n; i++) {
                const char *slash = strchr(p->ports.v[i], '/');

                if (slash && strcmp(slash + 1, "udp") == 0)
                    sb_printf(text, "-A OUTPUT -p udp --dport %.*s -j ACCEPT\n",
                              (int)(slash - p->ports.v[i]), p->ports.v[i]);
            }
            for (size_t i = 0; i < p->protocols.n; i++)
                if (strcmp(p->protocols.v[i], "udp") == 0)
                    sb_append(text, "-A OUTPUT -p udp -j ACCEPT\n");
        }
        for (long prio = pass == 0 ? -32768 : pass == 3 ? 1 : 0;
             prio <= (pass == 0 ? -1 : pass == 3 ? 32767 : 0); prio++) {
            for (size_t i = 0; i < n; i++)
                if (r[i].prio == prio && (pass == 0 || pass == 3 ||
                                          r[i].deny == (pass == 1)))
                    sb_append(text, r[i].line.buf);
        }
    }
    if (p->target && strcmp(p->target, "ACCEPT") == 0)
        sb_append(text, "-A OUTPUT -j ACCEPT\n");
    else if (p->target && (strcmp(p->target, "REJECT") == 0 || strcmp(p->target, "DROP") == 0))
        sb_append(text, "-A OUTPUT -j DROP\n");
    for (size_t i = 0; i < n; i++)
        sb_free(&r[i].line);
    free(r);
}

int
firewall_firewalld_policy_blocks(const char *listing, const char *server, char **policy,
                                 char **why)
{
    struct fw_policy *v = NULL;
    size_t n = parse_policies(listing, &v);
    int fam = firewall_server_family(server), ret = 0;

    *policy = NULL;
    *why = NULL;
    for (size_t i = 0; i < n && !*policy && !*why; i++) {
        if (!v[i].active || !v[i].host)
            continue;
        for (int f = 4; f <= 6 && !*policy; f += 2) {
            struct strbuf text;
            struct fw_ruleset rs = { 0 };
            const struct fw_chain *c;
            char *w = NULL;

            if (fam && fam != f)
                continue;
            sb_init(&text);
            policy_chain(&v[i], f, &text);
            firewall_parse_iptables_save(text.buf, f, &rs);
            c = firewall_ruleset_find(&rs, f == 6 ? "ipv6" : "ipv4", "filter", "OUTPUT");
            if (c && !firewall_chain_passes(&rs, c, server, &w)) {
                *policy = xstrdup(v[i].name);
                free(*why);
                *why = xasprintf("policy %s: %s", v[i].name, w);
                ret = 1;
            } else if (c && w && strncmp(w, "policy ", 7) != 0 && (fam || f == 6)) {
                /* accepted by one of its rules (for a name: in both families) */
                free(*why);
                *why = xasprintf("policy %s: %s", v[i].name, w);
            }
            free(w);
            firewall_ruleset_free(&rs);
            sb_free(&text);
        }
    }
    if (!*why)
        *why = xstrdup(n ? "no policy on the host's own traffic decides" : "no policies");
    for (size_t i = 0; i < n; i++)
        policy_free(&v[i]);
    free(v);
    return ret;
}

/* Within one priority, in the listed order (firewalld's own). */
struct direct_rule {
    int prio;
    char chain[64];
    const char *args;
};

void
firewall_firewalld_direct_rules(const char *rules, const char *fam, struct strbuf *text)
{
    char *copy = xstrdup(rules), *save = NULL;
    size_t n = 0, cap = 16;
    struct direct_rule *r = xmalloc(cap * sizeof(*r));

    for (char *l = strtok_r(copy, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
        int used = 0;

        if (strncmp(l, fam, strlen(fam)) != 0)
            continue;
        if (n == cap)
            r = xrealloc(r, (cap *= 2) * sizeof(*r));
        if (sscanf(l + strlen(fam), "%63s %d %n", r[n].chain, &r[n].prio, &used) < 2 || !used)
            continue;
        r[n].args = l + strlen(fam) + used;
        /* insertion sort, stable: after every rule of the same or a lower priority */
        for (size_t i = n; i > 0 && r[i - 1].prio > r[i].prio; i--) {
            struct direct_rule t = r[i - 1];

            r[i - 1] = r[i];
            r[i] = t;
        }
        n++;
    }
    for (size_t i = 0; i < n; i++)
        sb_printf(text, "-A %s %s\n", r[i].chain, r[i].args);
    free(r);
    free(copy);
}

/* The policies: NTP to each server (address literals each, host names together) judged
 * through the policies on the host's own traffic; where one blocks it, a rich rule in that
 * policy. 1 when one is needed, 0 when not, -1 on error. */
static int
policy_blocked(struct firewall_plan *p, struct msgs *m)
{
    static const char *const args[] = { "--list-all-policies", NULL };
    struct strbuf out;
    bool any_name = false;
    int any = 0, rc;

    sb_init(&out);
    rc = firewall_exec("firewall-cmd", args, &out, NULL, false, m);
    if (rc < 0) {
        sb_free(&out);
        return -1;
    }
    if (rc > 0)     /* firewalld before 0.9: no policies */
        sb_reset(&out);
    for (size_t i = 0; i <= p->servers->n; i++) {
        const char *server = i < p->servers->n ? p->servers->v[i] : NULL;
        char *policy = NULL, *why = NULL;
        struct firewall_finding *f;
        struct firewall_rule *r;
        bool blocks;

        if (server && !firewall_server_family(server)) {
            any_name = true;
            continue;
        }
        if (!server && !any_name)
            break;
        blocks = firewall_firewalld_policy_blocks(out.buf, server, &policy, &why) > 0;
        f = firewall_plan_find(p, blocks ? xasprintf("firewalld policy %s", policy)
                                         : xstrdup("firewalld policies"));
        f->family = server ? firewall_server_family(server) : 0;
        f->output = true;
        f->target = server ? xstrdup(server) : NULL;
        f->blocked = blocks;
        f->why = why;
        if (!blocks) {
            free(policy);
            continue;
        }
        r = firewall_plan_add(p);
        r->family = firewall_server_family(server);
        r->server = server ? xstrdup(server) : NULL;
        r->zone = policy;
        r->output = true;
        any = 1;
    }
    sb_free(&out);
    return any;
}

static int
blocked(struct firewall_plan *p, struct msgs *m)
{
    struct strbuf out;
    const struct strv *serve = p->serve;
    int any = 0, rc;

    sb_init(&out);
    if (direct_rules(false, &out, m) < 0) {
        sb_free(&out);
        return -1;
    }
    for (int family = 4; family <= 6; family += 2) {
        struct strbuf text;
        struct fw_ruleset rs = { 0 };
        const char *fam = family == 6 ? "ipv6 filter " : "ipv4 filter ";

        sb_init(&text);
        sb_append(&text, "*filter\n:INPUT ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n");
        firewall_firewalld_direct_rules(out.buf, fam, &text);
        firewall_parse_iptables_save(text.buf, family, &rs);
        p->serve = NULL;         /* the zones decide for inbound clients: see below */
        if (firewall_judge_ruleset(p, &rs, family) > 0)
            any = 1;
        p->serve = serve;
        firewall_ruleset_free(&rs);
        sb_free(&text);
    }
    sb_free(&out);
    rc = policy_blocked(p, m);
    if (rc < 0)
        return -1;
    if (rc > 0)
        any = 1;
    rc = serve_blocked(p, m);
    if (rc < 0)
        return -1;
    return any || rc;
}

/* firewall-cmd [--permanent] --zone=ZONE --add-rich-rule=RULE (or op) for a serve rule. */
static void
serve_args(struct strv *a, bool permanent, const struct firewall_rule *r, const char *op)
{
    char *rule = serve_rich_rule(r->server);

    strv_push(a, "firewall-cmd");
    if (permanent)
        strv_push(a, "--permanent");
    strv_push_owned(a, xasprintf("--zone=%s", r->zone));
    strv_push_owned(a, xasprintf("%s=%s", op, rule));
    free(rule);
}

/* firewall-cmd [--permanent] --policy=POLICY --add-rich-rule=RULE (or op) for a rule in a
 * policy. */
static void
policy_args(struct strv *a, bool permanent, const struct firewall_rule *r, const char *op)
{
    char *rule = firewall_firewalld_policy_rule(r->server);

    strv_push(a, "firewall-cmd");
    if (permanent)
        strv_push(a, "--permanent");
    strv_push_owned(a, xasprintf("--policy=%s", r->zone));
    strv_push_owned(a, xasprintf("%s=%s", op, rule));
    free(rule);
}

static void
rule_args(struct strv *a, bool permanent, const struct firewall_rule *r, const char *op)
{
    strv_push(a, "firewall-cmd");
    if (permanent)
        strv_push(a, "--permanent");
    strv_push(a, "--direct");
    strv_push(a, op);
    strv_push(a, r->family == 6 ? "ipv6" : "ipv4");
    strv_push(a, "filter");
    strv_push(a, r->chain);
    strv_push(a, "-1");
    strv_push(a, "-p");
    strv_push(a, "udp");
    if (r->server) {
        strv_push(a, r->output ? "-d" : "-s");
        strv_push(a, r->server);
    }
    strv_push(a, r->output ? "--dport" : "--sport");
    strv_push(a, "123");
    if (!r->output) {
        strv_push(a, "-m");
        strv_push(a, "conntrack");
        strv_push(a, "--ctstate");
        strv_push(a, "ESTABLISHED");
    }
    strv_push(a, "-m");
    strv_push(a, "comment");
    strv_push(a, "--comment");
    strv_push(a, FIREWALL_TAG);
    strv_push(a, "-j");
    strv_push(a, "ACCEPT");
}

static int
plan_rules(struct firewall_plan *p, struct msgs *m)
{
    for (size_t i = 0; i < p->n; i++) {
        struct firewall_rule *r = &p->rules[i];
        struct strbuf sb;

        if (r->serve) {
            char *rule = serve_rich_rule(r->server);

            serve_args(&r->argv, false, r, "--add-rich-rule");
            r->text = xasprintf("firewall-cmd --zone=%s --add-rich-rule='%s' (runtime and "
                                "--permanent)", r->zone, rule);
            free(rule);
            continue;
        }
        if (r->zone) {
            char *rule = firewall_firewalld_policy_rule(r->server);

            policy_args(&r->argv, false, r, "--add-rich-rule");
            r->text = xasprintf("firewall-cmd --policy=%s --add-rich-rule='%s' (runtime and "
                                "--permanent)", r->zone, rule);
            free(rule);
            continue;
        }
        rule_args(&r->argv, false, r, "--add-rule");
        sb_init(&sb);
        for (size_t k = 0; k < r->argv.n; k++)
            sb_printf(&sb, "%s%s", k ? " " : "", r->argv.v[k]);
        sb_append(&sb, " (runtime and --permanent)");
        r->text = sb_steal(&sb);
    }
    return 0;
}

static int
add(struct firewall_plan *p, struct msgs *m)
{
    for (size_t i = 0; i < p->n; i++) {
        struct strv perm = { 0 };
        int rc;

        if (firewall_exec_strv(&p->rules[i].argv, m) < 0)
            return -1;
        if (p->rules[i].serve)
            serve_args(&perm, true, &p->rules[i], "--add-rich-rule");
        else if (p->rules[i].zone)
            policy_args(&perm, true, &p->rules[i], "--add-rich-rule");
        else
            rule_args(&perm, true, &p->rules[i], "--add-rule");
        rc = firewall_exec_strv(&perm, m);
        strv_free(&perm);
        if (rc < 0)
            return -1;
    }
    return 0;
}

/* The words of "--direct --add-rule ...", "--zone=Z --add-rich-rule=RULE" or
 * "--policy=P --add-rich-rule=RULE" (plan_rules):
 * the same with --remove-rule / --remove-rich-rule, at runtime and --permanent. */
static int
undo(int family, const struct strv *words, struct msgs *m)
{
    int ret = 0;

    (void)family;
    if (words->n < 2 || !(strcmp(words->v[1], "--add-rule") == 0 ||
                          (strncmp(words->v[1], "--add-rich-rule=", 16) == 0 &&
                           strncmp(words->v[0], "--zone=", 7) == 0 &&
                           firewall_firewalld_rich_rule_is_ours(words->v[1] + 16)) ||
                          (strncmp(words->v[1], "--add-rich-rule=", 16) == 0 &&
                           strncmp(words->v[0], "--policy=", 9) == 0 &&
                           firewall_firewalld_policy_rule_is_ours(words->v[1] + 16))) ||
        (strcmp(words->v[1], "--add-rule") == 0 && !firewall_words_tagged(words))) {
        msg_error(m, "journal: not a rule te-ntp-setup adds to firewalld; left alone");
        return -1;
    }
    for (int permanent = 0; permanent <= 1; permanent++) {
        struct strv argv = { 0 };

        strv_push(&argv, "firewall-cmd");
        if (permanent)
            strv_push(&argv, "--permanent");
        strv_push(&argv, words->v[0]);
        if (strcmp(words->v[1], "--add-rule") == 0)
            strv_push(&argv, "--remove-rule");
        else
            strv_push_owned(&argv, xasprintf("--remove-rich-rule=%s", words->v[1] + 16));
        for (size_t i = 2; i < words->n; i++)
            strv_push(&argv, words->v[i]);
        if (firewall_exec_strv(&argv, m) < 0)
            ret = -1;
        strv_free(&argv);
    }
    return ret;
}

static int
remove_from(struct firewall_plan *p, bool permanent, bool dry_run, struct msgs *m)
{
    struct strbuf out;
    char *save = NULL;
    int ret = -1;

    sb_init(&out);
    if (direct_rules(permanent, &out, m) < 0)
        goto out;
    for (char *l = strtok_r(out.buf, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
        struct firewall_rule *r;
        char *copy, *wsave = NULL;

        if (!strstr(l, "--comment " FIREWALL_TAG))
            continue;
        r = firewall_plan_add(p);
        r->output = strstr(l, " OUTPUT ") != NULL;
        strv_push(&r->argv, "firewall-cmd");
        if (permanent)
            strv_push(&r->argv, "--permanent");
        strv_push(&r->argv, "--direct");
        strv_push(&r->argv, "--remove-rule");
        copy = xstrdup(l);
        for (char *w = strtok_r(copy, " ", &wsave); w; w = strtok_r(NULL, " ", &wsave))
            strv_push(&r->argv, w);
        free(copy);
        r->text = xasprintf("%s (%s)", l, permanent ? "permanent" : "runtime");
        if (!dry_run && firewall_exec_strv(&r->argv, m) < 0)
            goto out;
    }
    ret = 0;
out:
    sb_free(&out);
    return ret;
}

/* Remove the rich rules (of exactly the form this tool adds) of every zone (serve rules) or
 * of every policy (policies: client rules). */
static int
remove_rich(struct firewall_plan *p, bool permanent, bool policies, bool dry_run,
            struct msgs *m)
{
    const char *list = policies ? "--list-all-policies" : "--list-all-zones";
    const char *args[] = { list, NULL, NULL };
    struct strbuf out;
    char *save = NULL, zone[256] = "";
    int ret = -1, rc;

    if (permanent) {
        args[0] = "--permanent";
        args[1] = list;
    }
    sb_init(&out);
    rc = firewall_exec("firewall-cmd", args, &out, NULL, false, m);
    if (rc > 0 && policies) {       /* firewalld before 0.9: no policies */
        ret = 0;
        goto out;
    }
    if (rc != 0) {
        msg_error(m, "firewall-cmd %s failed", list);
        goto out;
    }
    for (char *l = strtok_r(out.buf, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
        struct firewall_rule *r;

        if (*l && *l != ' ' && *l != '\t') {
            snprintf(zone, sizeof(zone), "%.*s", (int)strcspn(l, " \t"), l);
            continue;
        }
        l += strspn(l, " \t");
        if (!*zone || !(policies ? firewall_firewalld_policy_rule_is_ours(l)
                                 : firewall_firewalld_rich_rule_is_ours(l)))
            continue;
        r = firewall_plan_add(p);
        r->serve = !policies;
        r->output = policies;
        r->zone = xstrdup(zone);
        strv_push(&r->argv, "firewall-cmd");
        if (permanent)
            strv_push(&r->argv, "--permanent");
        strv_push_owned(&r->argv, xasprintf("--%s=%s", policies ? "policy" : "zone", zone));
        strv_push_owned(&r->argv, xasprintf("--remove-rich-rule=%s", l));
        r->text = xasprintf("%s %s: %s (%s)", policies ? "policy" : "zone", zone, l,
                            permanent ? "permanent" : "runtime");
        if (!dry_run && firewall_exec_strv(&r->argv, m) < 0)
            goto out;
    }
    ret = 0;
out:
    sb_free(&out);
    return ret;
}

static int
remove_tagged(struct firewall_plan *p, bool dry_run, struct msgs *m)
{
    if (remove_from(p, false, dry_run, m) < 0 || remove_from(p, true, dry_run, m) < 0)
        return -1;
    if (remove_rich(p, false, false, dry_run, m) < 0 ||
        remove_rich(p, true, false, dry_run, m) < 0)
        return -1;
    if (remove_rich(p, false, true, dry_run, m) < 0)
        return -1;
    return remove_rich(p, true, true, dry_run, m);
}

const struct firewall_ops firewall_firewalld = {
    .name = "firewalld",
    .detect = detect,
    .blocked = blocked,
    .plan_rules = plan_rules,
    .add = add,
    .remove = remove_tagged,
    .undo = undo,
};
