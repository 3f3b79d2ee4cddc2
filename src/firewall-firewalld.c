/* firewall-firewalld: firewalld, through firewall-cmd.
 *
 * firewalld lets all outbound traffic and its replies through unless direct rules say
 * otherwise, so NTP is judged from the direct rules of the filter OUTPUT/INPUT chains
 * (read as an iptables ruleset with accepting policies). Where they block it, a direct rule
 * is added at priority -1 (before the usual priority 0 rules), at runtime and --permanent:
 *   firewall-cmd [--permanent] --direct --add-rule ipv4 filter OUTPUT -1 -p udp -d SERVER
 *       --dport 123 -m comment --comment te-ntp-setup -j ACCEPT
 * Policy objects (firewalld >= 0.9) that reject egress are not read. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "firewall.h"

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

static int
blocked(struct firewall_plan *p, struct msgs *m)
{
    struct strbuf out;
    int any = 0;

    sb_init(&out);
    if (direct_rules(false, &out, m) < 0) {
        sb_free(&out);
        return -1;
    }
    for (int family = 4; family <= 6; family += 2) {
        struct strbuf text;
        struct fw_ruleset rs = { 0 };
        char *copy = xstrdup(out.buf), *save = NULL;
        const char *fam = family == 6 ? "ipv6 filter " : "ipv4 filter ";

        sb_init(&text);
        sb_append(&text, "*filter\n:INPUT ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n");
        /* "ipv4 filter OUTPUT 0 ARGS": listed by priority already */
        for (char *l = strtok_r(copy, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
            char chain[64];
            int prio, n = 0;

            if (strncmp(l, fam, strlen(fam)) != 0)
                continue;
            if (sscanf(l + strlen(fam), "%63s %d %n", chain, &prio, &n) < 2 || !n)
                continue;
            sb_printf(&text, "-A %s %s\n", chain, l + strlen(fam) + n);
        }
        free(copy);
        firewall_parse_iptables_save(text.buf, family, &rs);
        if (firewall_judge_ruleset(p, &rs, family) > 0)
            any = 1;
        firewall_ruleset_free(&rs);
        sb_free(&text);
    }
    sb_free(&out);
    return any;
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
        rule_args(&perm, true, &p->rules[i], "--add-rule");
        rc = firewall_exec_strv(&perm, m);
        strv_free(&perm);
        if (rc < 0)
            return -1;
    }
    return 0;
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

static int
remove_tagged(struct firewall_plan *p, bool dry_run, struct msgs *m)
{
    if (remove_from(p, false, dry_run, m) < 0)
        return -1;
    return remove_from(p, true, dry_run, m);
}

const struct firewall_ops firewall_firewalld = {
    .name = "firewalld",
    .detect = detect,
    .blocked = blocked,
    .plan_rules = plan_rules,
    .add = add,
    .remove = remove_tagged,
};
