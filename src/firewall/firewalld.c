/* SPDX-License-Identifier: Apache-2.0 */
/* firewall-firewalld: firewalld, through firewall-cmd.
 *
 * firewalld lets all outbound traffic and its replies through unless direct rules say
 * otherwise, so NTP is judged from the direct rules of the filter OUTPUT/INPUT chains
 * (read as an iptables ruleset with accepting policies, by priority: firewall-cmd lists them
 * in the order they were added). Where they block it, a direct rule
 * is added at priority -1 (before the usual priority 0 rules), at runtime and --permanent:
 *   firewall-cmd [--permanent] --direct --add-rule ipv4 filter OUTPUT -1 -p udp -d SERVER
 *       --dport 123 -m comment --comment te-ntp-setup -j ACCEPT
 * Policy objects (firewalld >= 0.9) that reject egress are not read.
 *
 * Inbound traffic is the zones' business (with the nftables backend a direct rule's accept
 * does not override a zone's reject), so a host that serves time gets, in each active zone
 * (and the default zone) that lets no NTP in from NETWORK (target ACCEPT, service ntp, port
 * 123/udp, or an accepting rich rule for the network), a rich rule, runtime and --permanent:
 *   firewall-cmd [--permanent] --zone=ZONE --add-rich-rule='rule family="ipv4"
 *       source address="NETWORK" port port="123" protocol="udp" accept'
 * Rich rules carry no comment: --remove deletes the rich rules of exactly this form. */
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
            struct firewall_rule *r;

            strv_push_owned(&p->open_notes,
                            xasprintf("firewalld zone %s: NTP requests from clients in %s %s",
                                      zones.v[z], net, ok ? "pass" : "are blocked"));
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
        else
            rule_args(&perm, true, &p->rules[i], "--add-rule");
        rc = firewall_exec_strv(&perm, m);
        strv_free(&perm);
        if (rc < 0)
            return -1;
    }
    return 0;
}

/* The words of "--direct --add-rule ..." or "--zone=Z --add-rich-rule=RULE" (plan_rules):
 * the same with --remove-rule / --remove-rich-rule, at runtime and --permanent. */
static int
undo(int family, const struct strv *words, struct msgs *m)
{
    int ret = 0;

    (void)family;
    if (words->n < 2 || !(strcmp(words->v[1], "--add-rule") == 0 ||
                          (strncmp(words->v[1], "--add-rich-rule=", 16) == 0 &&
                           firewall_firewalld_rich_rule_is_ours(words->v[1] + 16))) ||
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

/* Remove the serve rich rules (of exactly the form this tool adds) of every zone. */
static int
remove_rich(struct firewall_plan *p, bool permanent, bool dry_run, struct msgs *m)
{
    const char *args[] = { "--list-all-zones", NULL, NULL };
    struct strbuf out;
    char *save = NULL, zone[256] = "";
    int ret = -1;

    if (permanent) {
        args[0] = "--permanent";
        args[1] = "--list-all-zones";
    }
    sb_init(&out);
    if (firewall_exec("firewall-cmd", args, &out, NULL, false, m) != 0) {
        msg_error(m, "firewall-cmd --list-all-zones failed");
        goto out;
    }
    for (char *l = strtok_r(out.buf, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
        struct firewall_rule *r;

        if (*l && *l != ' ' && *l != '\t') {
            snprintf(zone, sizeof(zone), "%.*s", (int)strcspn(l, " \t"), l);
            continue;
        }
        l += strspn(l, " \t");
        if (!*zone || !firewall_firewalld_rich_rule_is_ours(l))
            continue;
        r = firewall_plan_add(p);
        r->serve = true;
        r->zone = xstrdup(zone);
        strv_push(&r->argv, "firewall-cmd");
        if (permanent)
            strv_push(&r->argv, "--permanent");
        strv_push_owned(&r->argv, xasprintf("--zone=%s", zone));
        strv_push_owned(&r->argv, xasprintf("--remove-rich-rule=%s", l));
        r->text = xasprintf("zone %s: %s (%s)", zone, l, permanent ? "permanent" : "runtime");
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
    if (remove_rich(p, false, dry_run, m) < 0)
        return -1;
    return remove_rich(p, true, dry_run, m);
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
