/* SPDX-License-Identifier: Apache-2.0 */
/* nftables: native nftables, read with `nft -a list ruleset`.
 *
 * Every filter base chain on the output hook (and, for replies, the input hook) is judged
 * on its own, as netfilter runs them all. Where one blocks NTP, a rule goes first in it:
 *   nft insert rule FAMILY TABLE CHAIN [ip daddr SERVER] udp dport 123 accept
 *       comment "te-ntp-setup"
 *   nft insert rule FAMILY TABLE CHAIN [ip saddr SERVER] udp sport 123 ct state established
 *       accept comment "te-ntp-setup"
 * A host that serves time gets, where a chain blocks its clients in NETWORK:
 *   nft insert rule FAMILY TABLE CHAIN ip saddr NETWORK udp dport 123 accept
 *       comment "te-ntp-setup"
 *   nft insert rule FAMILY TABLE CHAIN ip daddr NETWORK udp sport 123 ct state established
 *       accept comment "te-ntp-setup"
 * Tables that iptables-nft manages (families ip/ip6, the iptables table names, built-in
 * chain names such as OUTPUT) are left to the iptables driver. Nothing is written to
 * /etc/nftables.conf. */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "firewall.h"
#include "msgs.h"
#include "paths.h"
#include "strbuf.h"
#include "strv.h"

/* Split a rule into words: "quoted strings" lose their quotes, { sets } stay one word. */
static void
split_nft(const char *line, struct strv *out)
{
    const char *p = line;

    while (*p) {
        struct strbuf w;

        while (isspace((unsigned char)*p))
            p++;
        if (!*p)
            break;
        sb_init(&w);
        if (*p == '"') {
            for (p++; *p && *p != '"'; p++)
                sb_putc(&w, *p);
            if (*p)
                p++;
        } else if (*p == '{') {
            int depth = 0;

            do {
                if (*p == '{')
                    depth++;
                else if (*p == '}')
                    depth--;
                sb_putc(&w, *p++);
            } while (*p && depth > 0);
        } else {
            while (*p && !isspace((unsigned char)*p))
                sb_putc(&w, *p++);
        }
        strv_push_owned(out, sb_steal(&w));
    }
}

/* The value after words[*i] (skipping "==", flagging "!=" as undecidable), or NULL. */
static const char *
value(const struct strv *w, size_t *i, struct fw_rule_spec *r)
{
    if (*i + 1 >= w->n)
        return NULL;
    (*i)++;
    if (strcmp(w->v[*i], "==") == 0 || strcmp(w->v[*i], "!=") == 0) {
        if (strcmp(w->v[*i], "!=") == 0)
            r->unknown = true;
        if (*i + 1 >= w->n)
            return NULL;
        (*i)++;
    }
    return w->v[*i];
}

static void
set_field(char **field, const char *v)
{
    free(*field);
    *field = xstrdup(v);
}

static int
proto_of(const char *v)
{
    if (strcmp(v, "udp") == 0 || strcmp(v, "17") == 0)
        return 17;
    if (v[0] == '{' || v[0] == '@')
        return strstr(v, "udp") ? -2 : -1;
    return -1;
}

static void
parse_rule(struct fw_chain *c, const char *text, long handle)
{
    struct fw_rule_spec *r = firewall_chain_add_rule(c);
    struct strv w = { 0 };

    r->text = xstrdup(text);
    r->handle = handle;
    split_nft(text, &w);
    for (size_t i = 0; i < w.n; i++) {
        const char *k = w.v[i], *v;

        if (strcmp(k, "ip") == 0 || strcmp(k, "ip6") == 0) {
            const char *field = i + 1 < w.n ? w.v[++i] : "";

            r->family = k[2] ? 6 : 4;
            v = value(&w, &i, r);
            if (!v)
                break;
            if (strcmp(field, "daddr") == 0)
                set_field(&r->daddr, v);
            else if (strcmp(field, "saddr") == 0)
                set_field(&r->saddr, v);
            else if (strcmp(field, "protocol") == 0 || strcmp(field, "nexthdr") == 0)
                r->proto = proto_of(v);
            else
                r->unknown = true;
        } else if (strcmp(k, "udp") == 0 || strcmp(k, "th") == 0 || strcmp(k, "tcp") == 0
                   || strcmp(k, "sctp") == 0 || strcmp(k, "dccp") == 0
                   || strcmp(k, "udplite") == 0 || strcmp(k, "icmp") == 0
                   || strcmp(k, "icmpv6") == 0) {
            const char *field = i + 1 < w.n ? w.v[++i] : "";

            if (strcmp(k, "udp") == 0)
                r->proto = 17;
            else if (strcmp(k, "th") != 0)
                r->proto = -1;
            v = value(&w, &i, r);
            if (!v)
                break;
            if (strcmp(field, "dport") == 0)
                set_field(&r->dport, v);
            else if (strcmp(field, "sport") == 0)
                set_field(&r->sport, v);
            else
                r->unknown = true;
        } else if (strcmp(k, "meta") == 0 || strcmp(k, "oifname") == 0
                   || strcmp(k, "oif") == 0 || strcmp(k, "iifname") == 0
                   || strcmp(k, "iif") == 0 || strcmp(k, "l4proto") == 0
                   || strcmp(k, "nfproto") == 0) {
            const char *key = k;

            if (strcmp(k, "meta") == 0) {
                if (i + 1 >= w.n)
                    break;
                key = w.v[++i];
            }
            v = value(&w, &i, r);
            if (!v)
                break;
            if (strcmp(key, "oifname") == 0 || strcmp(key, "oif") == 0)
                set_field(&r->oif, v);
            else if (strcmp(key, "iifname") == 0 || strcmp(key, "iif") == 0)
                set_field(&r->iif, v);
            else if (strcmp(key, "l4proto") == 0)
                r->proto = proto_of(v);
            else if (strcmp(key, "nfproto") == 0 && strcmp(v, "ipv4") == 0)
                r->family = 4;
            else if (strcmp(key, "nfproto") == 0 && strcmp(v, "ipv6") == 0)
                r->family = 6;
            else
                r->unknown = true;
        } else if (strcmp(k, "ct") == 0) {
            const char *key = i + 1 < w.n ? w.v[++i] : "";

            v = value(&w, &i, r);
            if (!v)
                break;
            if (strcmp(key, "state") == 0)
                set_field(&r->ct, v);
            else
                r->unknown = true;
        } else if (strcmp(k, "counter") == 0) {
            if (i + 4 < w.n && strcmp(w.v[i + 1], "packets") == 0)
                i += 4;
        } else if (strcmp(k, "log") == 0) {
            while (i + 2 < w.n
                   && (strcmp(w.v[i + 1], "prefix") == 0 || strcmp(w.v[i + 1], "level") == 0
                       || strcmp(w.v[i + 1], "flags") == 0 || strcmp(w.v[i + 1], "group") == 0
                       || strcmp(w.v[i + 1], "snaplen") == 0
                       || strcmp(w.v[i + 1], "queue-threshold") == 0))
                i += 2;
        } else if (strcmp(k, "comment") == 0) {
            v = i + 1 < w.n ? w.v[++i] : "";
            if (strcmp(v, FIREWALL_TAG) == 0)
                r->tagged = true;
        } else if (strcmp(k, "accept") == 0) {
            r->verdict = FW_V_ACCEPT;
        } else if (strcmp(k, "drop") == 0 || strcmp(k, "reject") == 0
                   || strcmp(k, "queue") == 0) {
            r->verdict = FW_V_DROP;
            /* reject with ..., queue num ...: options follow until a comment */
            while (i + 1 < w.n && strcmp(w.v[i + 1], "comment") != 0)
                i++;
        } else if (strcmp(k, "jump") == 0 || strcmp(k, "goto") == 0) {
            r->verdict = FW_V_JUMP;
            if (i + 1 < w.n)
                set_field(&r->target, w.v[++i]);
        } else if (strcmp(k, "return") == 0) {
            r->verdict = FW_V_RETURN;
        } else if (strcmp(k, "continue") == 0) {
            r->verdict = FW_V_NONE;
        } else {
            r->unknown = true;
        }
    }
    strv_free(&w);
}

/* Net brace depth change of a line, outside double quotes. */
static int
brace_delta(const char *s)
{
    int d = 0;
    bool q = false;

    for (; *s; s++) {
        if (*s == '"')
            q = !q;
        else if (!q && *s == '{')
            d++;
        else if (!q && *s == '}')
            d--;
    }
    return d;
}

static bool
iptables_managed(const struct fw_chain *c)
{
    static const char *const tables[] = { "filter", "mangle", "raw", "security", "nat" };
    static const char *const chains[] = {
        "INPUT", "OUTPUT", "FORWARD", "PREROUTING", "POSTROUTING",
    };
    bool t = false;

    if (strcmp(c->family, "ip") != 0 && strcmp(c->family, "ip6") != 0)
        return false;
    for (size_t i = 0; i < TE_ARRAY_LEN(tables); i++)
        t = t || strcmp(c->table, tables[i]) == 0;
    if (!t)
        return false;
    for (size_t i = 0; i < TE_ARRAY_LEN(chains); i++)
        if (strcmp(c->name, chains[i]) == 0)
            return true;
    return false;
}

/* Drop every chain of the tables iptables-nft manages. */
static void
drop_managed(struct fw_ruleset *rs)
{
    struct fw_ruleset keep = { 0 }, gone = { 0 };

    for (size_t i = 0; i < rs->n; i++) {
        bool managed = false;

        for (size_t j = 0; j < rs->n && !managed; j++)
            managed = strcmp(rs->chains[j].family, rs->chains[i].family) == 0
                      && strcmp(rs->chains[j].table, rs->chains[i].table) == 0
                      && iptables_managed(&rs->chains[j]);
        if (managed) {
            gone.chains = xrealloc(gone.chains, (gone.n + 1) * sizeof(*gone.chains));
            gone.chains[gone.n++] = rs->chains[i];
        } else {
            keep.chains = xrealloc(keep.chains, (keep.n + 1) * sizeof(*keep.chains));
            keep.chains[keep.n++] = rs->chains[i];
        }
    }
    free(rs->chains);
    *rs = keep;
    firewall_ruleset_free(&gone);
}

int
firewall_parse_nft(const char *text, struct fw_ruleset *rs)
{
    char *copy = xstrdup(text), *save = NULL;
    char family[32] = "", table[256] = "";
    struct fw_chain *chain = NULL;
    int depth = 0;

    for (char *line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        char *s = line, *hash;
        long handle = -1;
        int d;

        while (isspace((unsigned char)*s))
            s++;
        /* "... # handle N" (outside quotes: comments never hold " # handle ") */
        hash = strstr(s, " # handle ");
        if (hash) {
            handle = strtol(hash + 10, NULL, 10);
            *hash = '\0';
        }
        d = brace_delta(s);
        if (depth == 0) {
            if (sscanf(s, "table %31s %255s {", family, table) == 2 && d > 0)
                depth = 1;
            continue;
        }
        if (depth == 1 && chain == NULL && strncmp(s, "chain ", 6) == 0 && d > 0) {
            char name[256];

            if (sscanf(s, "chain %255s {", name) == 1) {
                chain = firewall_ruleset_chain(rs, family, table, name);
                depth = 2;
                continue;
            }
        }
        if (chain && depth == 2 && d == 0) {
            char hook[32];

            if (strncmp(s, "type filter hook ", 17) == 0) {
                if (sscanf(s, "type filter hook %31s", hook) == 1
                    && (strcmp(hook, "output") == 0 || strcmp(hook, "input") == 0)) {
                    chain->base = true;
                    chain->output = strcmp(hook, "output") == 0;
                }
                chain->policy_drop = strstr(s, "policy drop;") != NULL;
            } else if (strncmp(s, "type ", 5) == 0 || strncmp(s, "comment ", 8) == 0
                       || strncmp(s, "devices ", 8) == 0 || *s == '\0') {
                /* other chain types and properties */
            } else {
                parse_rule(chain, s, handle);
            }
            continue;
        }
        depth += d;
        if (depth < 2)
            chain = NULL;
        if (depth < 0)
            depth = 0;
    }
    free(copy);
    drop_managed(rs);
    return 0;
}

/* ---- the driver ---------------------------------------------------------------- */

static int
read_rules(struct fw_ruleset *rs, bool quiet, struct msgs *m)
{
    static const char *const args[] = { "-a", "list", "ruleset", NULL };
    struct strbuf out, err;
    int rc, ret = -1;

    sb_init(&out);
    sb_init(&err);
    rc = firewall_exec("nft", args, &out, &err, quiet, m);
    if (rc != 0) {
        if (rc > 0 && !quiet)
            msg_error(m, "nft list ruleset failed: %s", err.buf);
        goto out;
    }
    firewall_parse_nft(out.buf, rs);
    ret = 0;
out:
    sb_free(&out);
    sb_free(&err);
    return ret;
}

static int
detect(struct msgs *m)
{
    struct fw_ruleset rs = { 0 };
    int active = 0;

    if (read_rules(&rs, true, m) == 0)
        for (size_t i = 0; i < rs.n; i++)
            if (rs.chains[i].base)
                active = 1;
    firewall_ruleset_free(&rs);
    return active;
}

static int
blocked(struct firewall_plan *p, struct msgs *m)
{
    struct fw_ruleset rs = { 0 };
    int rc;

    if (read_rules(&rs, false, m) < 0)
        return -1;
    rc = firewall_judge_ruleset(p, &rs, 0);
    firewall_ruleset_free(&rs);
    return rc;
}

static int
plan_rules(struct firewall_plan *p, struct msgs *m)
{
    for (size_t i = 0; i < p->n; i++) {
        struct firewall_rule *r = &p->rules[i];
        struct strv *a = &r->argv;

        strv_push(a, "nft");
        strv_push(a, "insert");
        strv_push(a, "rule");
        strv_push(a, r->nft_family);
        strv_push(a, r->table);
        strv_push(a, r->chain);
        if (r->server) {
            strv_push(a, firewall_server_family(r->server) == 6 ? "ip6" : "ip");
            strv_push(a, r->output ? "daddr" : "saddr");
            strv_push(a, r->server);
        }
        strv_push(a, "udp");
        /* client: dport 123 out, sport 123 in; serve: the other way round */
        strv_push(a, r->output != r->serve ? "dport" : "sport");
        strv_push(a, "123");
        if (r->output == r->serve) {      /* the replies */
            strv_push(a, "ct");
            strv_push(a, "state");
            strv_push(a, "established");
        }
        strv_push(a, "accept");
        strv_push(a, "comment");
        strv_push(a, "\"" FIREWALL_TAG "\"");
        r->text = strv_join(a);
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
    struct fw_ruleset rs = { 0 };
    int ret = -1;

    if (read_rules(&rs, false, m) < 0)
        goto out;
    for (size_t c = 0; c < rs.n; c++) {
        const struct fw_chain *ch = &rs.chains[c];

        for (size_t j = 0; j < ch->n_rules; j++) {
            const struct fw_rule_spec *s = &ch->rules[j];
            struct firewall_rule *r;
            char handle[32], *cmd;

            if (!s->tagged || s->handle < 0)
                continue;
            r = firewall_plan_add(p);
            r->nft_family = xstrdup(ch->family);
            r->table = xstrdup(ch->table);
            r->chain = xstrdup(ch->name);
            r->output = ch->output;
            /* a rule for the clients of this host's server: port 123 is ours */
            r->serve = (r->output ? s->sport : s->dport) &&
                       strcmp(r->output ? s->sport : s->dport, "123") == 0;
            snprintf(handle, sizeof(handle), "%ld", s->handle);
            strv_push(&r->argv, "nft");
            strv_push(&r->argv, "delete");
            strv_push(&r->argv, "rule");
            strv_push(&r->argv, ch->family);
            strv_push(&r->argv, ch->table);
            strv_push(&r->argv, ch->name);
            strv_push(&r->argv, "handle");
            strv_push(&r->argv, handle);
            cmd = strv_join(&r->argv);
            r->text = xasprintf("%s (%s)", s->text, cmd);
            free(cmd);
            if (!dry_run && firewall_exec_strv(&r->argv, m) < 0)
                goto out;
        }
    }
    ret = 0;
out:
    firewall_ruleset_free(&rs);
    return ret;
}

/* A rule's text for comparing a listing with the words it was added with: quotes dropped,
 * blanks collapsed. */
static char *
normalized(const char *text)
{
    struct strbuf sb;
    bool blank = false;

    sb_init(&sb);
    for (const char *c = text; *c; c++) {
        if (*c == '"')
            continue;
        if (isspace((unsigned char)*c)) {
            blank = sb.len > 0;
            continue;
        }
        if (blank)
            sb_putc(&sb, ' ');
        blank = false;
        sb_putc(&sb, *c);
    }
    return sb_steal(&sb);
}

/* The words of "insert rule FAMILY TABLE CHAIN RULE..." (plan_rules): find the tagged rule
 * with that text in that chain now, and delete it by its handle. */
static int
undo(int family, const struct strv *words, struct msgs *m)
{
    struct fw_ruleset rs = { 0 };
    const struct fw_chain *c;
    struct strv rule = { 0 };
    char *want = NULL, *joined;
    int ret = -1;

    (void)family;
    if (words->n < 6 || strcmp(words->v[0], "insert") != 0 ||
        strcmp(words->v[1], "rule") != 0 || !firewall_words_tagged(words)) {
        msg_error(m, "journal: not a rule te-ntp-setup adds to nftables; left alone");
        return -1;
    }
    for (size_t i = 5; i < words->n; i++)
        strv_push(&rule, words->v[i]);
    joined = strv_join(&rule);
    want = normalized(joined);
    free(joined);
    if (read_rules(&rs, false, m) < 0)
        goto out;
    c = firewall_ruleset_find(&rs, words->v[2], words->v[3], words->v[4]);
    ret = 1;                                   /* the chain or the rule is gone */
    for (size_t j = 0; c && j < c->n_rules; j++) {
        const struct fw_rule_spec *r = &c->rules[j];
        char *have, handle[32];

        if (!r->tagged || r->handle < 0)
            continue;
        have = normalized(r->text);
        if (strcmp(have, want) == 0) {
            const char *args[] = { "delete", "rule", words->v[2], words->v[3], words->v[4],
                                   "handle", handle, NULL };

            snprintf(handle, sizeof(handle), "%ld", r->handle);
            ret = firewall_exec("nft", args, NULL, NULL, false, m) == 0 ? 0 : -1;
            free(have);
            break;
        }
        free(have);
    }
out:
    firewall_ruleset_free(&rs);
    strv_free(&rule);
    free(want);
    return ret;
}

/* Save the rules just added where nftables.service reads the ruleset at boot
 * (/etc/nftables.conf on Debian, /etc/sysconfig/nftables.conf on RHEL): the same "insert
 * rule" commands at its end, after the tables it defines, once the whole file still passes
 * "nft -c -f". */
static void
persist(struct firewall_plan *p, const struct firewall_opts *o, struct msgs *m)
{
    static const char *const files[] = { "/etc/nftables.conf", "/etc/sysconfig/nftables.conf" };
    const char *file = NULL;
    struct strv lines = { 0 };

    for (size_t i = 0; i < TE_ARRAY_LEN(files) && !file; i++)
        if (path_exists(files[i]))
            file = files[i];
    if (!file) {
        msg_warn(m, "nftables: the rules added are runtime rules, which a reboot drops: this "
                 "host has no %s or %s for nftables.service to load them from", files[0],
                 files[1]);
        p->kept = FIREWALL_KEPT_RUNTIME;
        return;
    }
    strv_push(&lines, "# te-ntp-setup: NTP accept rules, tagged te-ntp-setup "
              "('te-ntp-setup firewall --remove' and its rollback delete them)");
    for (size_t i = 0; i < p->n; i++) {
        struct strv rest = { 0 };

        for (size_t k = 1; k < p->rules[i].argv.n; k++)     /* after "nft" */
            strv_push(&rest, p->rules[i].argv.v[k]);
        strv_push_owned(&lines, strv_join(&rest));
        strv_free(&rest);
    }
    if (firewall_persist_lines(o, "nftables", file, &lines, NULL, NULL, "nft", m))
        strv_push(&p->saved_in, file);
    else
        p->kept = FIREWALL_KEPT_RUNTIME;
    strv_free(&lines);
}

const struct firewall_ops firewall_nftables = {
    .name = "nftables",
    .detect = detect,
    .blocked = blocked,
    .plan_rules = plan_rules,
    .add = add,
    .remove = remove_tagged,    .undo = undo,
    .persist = persist,
};
