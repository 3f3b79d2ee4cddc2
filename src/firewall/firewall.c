/* SPDX-License-Identifier: Apache-2.0 */
/* firewall: choose the active firewall(s), judge their rules, plan, apply; the result as data
 * (struct firewall_result) for the front end to render. */
#include "config.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <strings.h>
#include <unistd.h>

#include "alloc.h"
#include "firewall.h"
#include "json.h"
#include "msgs.h"
#include "names.h"
#include "paths.h"
#include "spawn.h"
#include "strbuf.h"
#include "strv.h"

#define EXEC_TIMEOUT_MS 30000
#define MAX_JUMP_DEPTH 16

/* Servers when none is given; the same defaults as apply. */
static const char *const default_servers[] = { "0.pool.ntp.org", "1.pool.ntp.org" };

/* ---- rulesets ------------------------------------------------------------------- */

static void
spec_free(struct fw_rule_spec *r)
{
    free(r->dport);
    free(r->sport);
    free(r->daddr);
    free(r->saddr);
    free(r->ct);
    free(r->oif);
    free(r->iif);
    free(r->target);
    free(r->text);
}

void
firewall_ruleset_free(struct fw_ruleset *rs)
{
    for (size_t i = 0; i < rs->n; i++) {
        struct fw_chain *c = &rs->chains[i];

        for (size_t j = 0; j < c->n_rules; j++)
            spec_free(&c->rules[j]);
        free(c->rules);
        free(c->family);
        free(c->table);
        free(c->name);
    }
    free(rs->chains);
    rs->chains = NULL;
    rs->n = 0;
}

const struct fw_chain *
firewall_ruleset_find(const struct fw_ruleset *rs, const char *family, const char *table,
                      const char *name)
{
    for (size_t i = 0; i < rs->n; i++) {
        const struct fw_chain *c = &rs->chains[i];

        if (strcmp(c->family, family) == 0 && strcmp(c->table, table) == 0
            && strcmp(c->name, name) == 0)
            return c;
    }
    return NULL;
}

struct fw_chain *
firewall_ruleset_chain(struct fw_ruleset *rs, const char *family, const char *table,
                       const char *name)
{
    struct fw_chain *c = (struct fw_chain *)firewall_ruleset_find(rs, family, table, name);

    if (c)
        return c;
    rs->chains = xrealloc(rs->chains, (rs->n + 1) * sizeof(*rs->chains));
    c = &rs->chains[rs->n++];
    memset(c, 0, sizeof(*c));
    c->family = xstrdup(family);
    c->table = xstrdup(table);
    c->name = xstrdup(name);
    return c;
}

struct fw_rule_spec *
firewall_chain_add_rule(struct fw_chain *c)
{
    struct fw_rule_spec *r;

    c->rules = xrealloc(c->rules, (c->n_rules + 1) * sizeof(*c->rules));
    r = &c->rules[c->n_rules++];
    memset(r, 0, sizeof(*r));
    r->handle = -1;
    return r;
}

/* ---- matching a packet ------------------------------------------------------------ */

static enum fw_match
combine(enum fw_match a, enum fw_match b)
{
    if (a == FW_NO || b == FW_NO)
        return FW_NO;
    if (a == FW_MAYBE || b == FW_MAYBE)
        return FW_MAYBE;
    return FW_YES;
}

/* Split a value spec ("a", "a,b", "{ a, b }") into its elements, calling fn on each;
 * the result is YES when some element gives YES, else MAYBE when some gives MAYBE. */
static enum fw_match
each_element(const char *spec, enum fw_match (*fn)(const char *el, const void *arg),
             const void *arg)
{
    enum fw_match res = FW_NO;
    char *copy = xstrdup(spec), *save = NULL;

    for (char *el = strtok_r(copy, "{}, \t", &save); el; el = strtok_r(NULL, "{}, \t", &save)) {
        enum fw_match m = fn(el, arg);

        if (m == FW_YES) {
            res = FW_YES;
            break;
        }
        if (m == FW_MAYBE)
            res = FW_MAYBE;
    }
    free(copy);
    return res;
}

static enum fw_match
port_element(const char *el, const void *arg)
{
    long port = *(const long *)arg, lo, hi;
    char *end;

    if (strcmp(el, "ntp") == 0)
        return port == 123 ? FW_YES : FW_NO;
    lo = strtol(el, &end, 10);
    if (end == el)
        return FW_MAYBE;            /* a service name, a named set, ... */
    if (*end == ':' || *end == '-') {
        const char *h = end + 1;

        hi = strtol(h, &end, 10);
        if (end == h || *end)
            return FW_MAYBE;
    } else if (*end) {
        return FW_MAYBE;
    } else {
        hi = lo;
    }
    return port >= lo && port <= hi ? FW_YES : FW_NO;
}

static enum fw_match
port_match(const char *spec, long port)
{
    if (!spec)
        return FW_YES;
    if (port < 0)
        return FW_MAYBE;
    return each_element(spec, port_element, &port);
}

/* Parse an address literal into 16 bytes; 4 or 6, or 0 when it is not one. */
static int
parse_addr(const char *s, unsigned char out[16])
{
    memset(out, 0, 16);
    if (inet_pton(AF_INET, s, out) == 1)
        return 4;
    if (inet_pton(AF_INET6, s, out) == 1)
        return 6;
    return 0;
}

/* A peer (an address, or a network in CIDR notation) as a prefix; false when it is
 * neither. */
static bool
peer_prefix(const char *peer, struct names_prefix *out)
{
    unsigned char a[16];
    int fam;

    if (strchr(peer, '/'))
        return names_parse_prefix(peer, out, NULL, NULL, 0);
    fam = parse_addr(peer, a);
    if (!fam)
        return false;
    memset(out, 0, sizeof(*out));
    out->family = fam;
    out->len = fam == 4 ? 32 : 128;
    memcpy(out->addr, a, 16);
    return true;
}

/* One element of an address spec against the peer (an address or a network; NULL: any
 * address): YES when the element covers every address of the peer, NO when it covers none,
 * MAYBE when some, or when it cannot be read. */
static enum fw_match
addr_element(const char *el, const void *arg)
{
    const char *peer = arg;
    struct names_prefix rule, want;
    char buf[64];
    const char *slash = strchr(el, '/');

    if (strlen(el) >= sizeof(buf) || strchr(el, '@') || strchr(el, '-'))
        return FW_MAYBE;
    memcpy(buf, el, strlen(el) + 1);
    if (!slash) {                       /* a plain address: a host prefix */
        size_t n = strlen(buf);

        snprintf(buf + n, sizeof(buf) - n, "/%d", strchr(buf, ':') ? 128 : 32);
    }
    if (!peer_prefix(buf, &rule))
        return FW_MAYBE;                /* a host name in a rule: cannot tell */
    if (!peer)
        return rule.len == 0 ? FW_YES : FW_MAYBE;
    if (!peer_prefix(peer, &want) || want.family != rule.family)
        return FW_NO;
    if (names_prefix_contains(&rule, &want))
        return FW_YES;
    return names_prefix_contains(&want, &rule) ? FW_MAYBE : FW_NO;
}

static enum fw_match
addr_match(const char *spec, const char *peer)
{
    return spec ? each_element(spec, addr_element, peer) : FW_YES;
}

int
firewall_server_family(const char *server)
{
    struct names_prefix pfx;

    return server && peer_prefix(server, &pfx) ? pfx.family : 0;
}

/* The interface of traffic to an NTP server is never the loopback; others: cannot tell. */
static enum fw_match
iface_match(const char *spec)
{
    if (!spec)
        return FW_YES;
    return strcmp(spec, "lo") == 0 ? FW_NO : FW_MAYBE;
}

static bool
contains_word(const char *spec, const char *word)
{
    size_t n = strlen(word);

    for (const char *p = spec; *p; p++)
        if (strncasecmp(p, word, n) == 0
            && (p == spec || !isalpha((unsigned char)p[-1]))
            && !isalpha((unsigned char)p[n]))
            return true;
    return false;
}

/* A packet of NTP traffic as the rules see it. */
struct packet {
    bool output;            /* on the output hook (else input) */
    long dport, sport;      /* -1: not known (ephemeral, or 123 for ntpd) */
    const char *peer;       /* the other end: an address, a network, or NULL for any */
    const char *state;      /* its conntrack state: "new" or "established" */
};

/* How rule r compares with the packet. */
static enum fw_match
rule_match(const struct fw_rule_spec *r, const struct packet *pk)
{
    enum fw_match m = FW_YES;
    int sfam = firewall_server_family(pk->peer);

    if (r->family && sfam && r->family != sfam)
        return FW_NO;
    if (r->family && !sfam)
        m = FW_MAYBE;   /* a name may resolve to either family */
    if (r->proto == -1)
        return FW_NO;
    if (r->proto == -2)
        m = FW_MAYBE;
    if (r->unknown)
        m = combine(m, FW_MAYBE);
    m = combine(m, port_match(r->dport, pk->dport));
    m = combine(m, port_match(r->sport, pk->sport));
    if (pk->output) {
        m = combine(m, addr_match(r->daddr, pk->peer));
        m = combine(m, r->saddr ? FW_MAYBE : FW_YES);
        m = combine(m, iface_match(r->oif));
        m = combine(m, r->iif ? FW_MAYBE : FW_YES);
    } else {
        m = combine(m, addr_match(r->saddr, pk->peer));
        m = combine(m, r->daddr ? FW_MAYBE : FW_YES);
        m = combine(m, iface_match(r->iif));
        m = combine(m, r->oif ? FW_MAYBE : FW_YES);
    }
    if (r->ct)
        m = combine(m, contains_word(r->ct, pk->state) ? FW_YES : FW_NO);
    return m;
}

enum chain_result { CHAIN_CONTINUE, CHAIN_PASS, CHAIN_BLOCK };

static enum chain_result
walk_chain(const struct fw_ruleset *rs, const struct fw_chain *c, const struct packet *pk,
           int depth, char **why)
{
    if (depth > MAX_JUMP_DEPTH) {
        *why = xasprintf("jumps nest deeper than %d chains", MAX_JUMP_DEPTH);
        return CHAIN_BLOCK;
    }
    for (size_t i = 0; i < c->n_rules; i++) {
        const struct fw_rule_spec *r = &c->rules[i];
        enum fw_match m = rule_match(r, pk);
        const struct fw_chain *sub;
        enum chain_result res;

        if (m == FW_NO)
            continue;
        switch (r->verdict) {
        case FW_V_ACCEPT:
            if (m == FW_YES) {
                *why = xasprintf("accepted by rule %zu of chain %s", i + 1, c->name);
                return CHAIN_PASS;
            }
            break;
        case FW_V_DROP:
            *why = xasprintf("rule %zu of chain %s %s drop it", i + 1, c->name,
                             m == FW_YES ? "does" : "may");
            return CHAIN_BLOCK;
        case FW_V_JUMP:
            sub = r->target ? firewall_ruleset_find(rs, c->family, c->table, r->target) : NULL;
            if (!sub)
                break;
            res = walk_chain(rs, sub, pk, depth + 1, why);
            if (res == CHAIN_BLOCK)
                return res;
            if (res == CHAIN_PASS && m == FW_YES)
                return res;
            free(*why);
            *why = NULL;
            break;
        case FW_V_RETURN:
            if (m == FW_YES)
                return CHAIN_CONTINUE;
            break;
        case FW_V_NONE:
            break;
        }
    }
    return CHAIN_CONTINUE;
}

static bool
chain_passes(const struct fw_ruleset *rs, const struct fw_chain *c, const struct packet *pk,
             char **why)
{
    enum chain_result res;

    *why = NULL;
    res = walk_chain(rs, c, pk, 0, why);
    if (res == CHAIN_CONTINUE) {
        free(*why);
        *why = xasprintf("policy %s", c->policy_drop ? "drop" : "accept");
        return !c->policy_drop;
    }
    return res == CHAIN_PASS;
}

bool
firewall_chain_passes(const struct fw_ruleset *rs, const struct fw_chain *c,
                      const char *server, char **why)
{
    /* A request to the server is NEW, its reply ESTABLISHED; our source port is 123
     * (ntpd) or ephemeral. */
    struct packet pk = {
        .output = c->output, .dport = c->output ? 123 : -1, .sport = c->output ? -1 : 123,
        .peer = server, .state = c->output ? "new" : "established",
    };

    return chain_passes(rs, c, &pk, why);
}

bool
firewall_chain_serves(const struct fw_ruleset *rs, const struct fw_chain *c,
                      const char *network, char **why)
{
    /* A client's request to our port 123 is NEW, our reply ESTABLISHED. */
    struct packet pk = {
        .output = c->output, .dport = c->output ? -1 : 123, .sport = c->output ? 123 : -1,
        .peer = network, .state = c->output ? "established" : "new",
    };

    return chain_passes(rs, c, &pk, why);
}

static bool
chain_applies(const struct fw_chain *c, int family)
{
    bool v4 = strcmp(c->family, "ip") == 0 || strcmp(c->family, "ipv4") == 0;
    bool v6 = strcmp(c->family, "ip6") == 0 || strcmp(c->family, "ipv6") == 0;

    if (strcmp(c->family, "inet") == 0 || family == 0)
        return true;
    return (family == 4 && v4) || (family == 6 && v6);
}

/* A finding on base chain c for target (a server address, a serve network, or NULL for
 * any address). */
static struct firewall_finding *
chain_finding(struct firewall_plan *p, const struct fw_chain *c, bool serve, const char *target)
{
    struct firewall_finding *f = firewall_plan_find(p, xasprintf("%s %s %s %s", p->fw->name,
                                                                 c->family, c->table, c->name));

    f->family = chain_applies(c, 4) && chain_applies(c, 6) ? 0 : chain_applies(c, 4) ? 4 : 6;
    f->output = c->output;
    f->serve = serve;
    f->target = target ? xstrdup(target) : NULL;
    return f;
}

int
firewall_judge_ruleset(struct firewall_plan *p, const struct fw_ruleset *rs, int family)
{
    int blocked = 0;
    struct strv targets = { 0 };
    bool any_name = false;

    /* Address literals each; all host names together as "any address". */
    for (size_t i = 0; i < p->servers->n; i++) {
        if (firewall_server_family(p->servers->v[i]))
            strv_push(&targets, p->servers->v[i]);
        else
            any_name = true;
    }
    for (size_t i = 0; i < rs->n; i++) {
        const struct fw_chain *c = &rs->chains[i];

        if (!c->base)
            continue;
        for (size_t t = 0; t < targets.n + (any_name ? 1 : 0); t++) {
            const char *server = t < targets.n ? targets.v[t] : NULL;
            int sfam = firewall_server_family(server);
            char *why = NULL;
            struct firewall_finding *f;
            struct firewall_rule *fr;

            if ((sfam && !chain_applies(c, sfam)) || (sfam && family && sfam != family))
                continue;
            f = chain_finding(p, c, false, server);
            f->blocked = !firewall_chain_passes(rs, c, server, &why);
            f->why = why;
            if (!f->blocked)
                continue;
            fr = firewall_plan_add(p);
            fr->family = chain_applies(c, 4) && chain_applies(c, 6) ? sfam
                         : chain_applies(c, 4) ? 4 : 6;
            fr->nft_family = xstrdup(c->family);
            fr->table = xstrdup(c->table);
            fr->chain = xstrdup(c->name);
            fr->output = c->output;
            fr->server = xstrdup(server);
            blocked = 1;
        }
        for (size_t t = 0; p->serve && t < p->serve->n; t++) {
            const char *net = p->serve->v[t];
            int nfam = firewall_server_family(net);
            char *why = NULL;
            struct firewall_finding *f;
            struct firewall_rule *fr;

            if (!nfam || !chain_applies(c, nfam) || (family && nfam != family))
                continue;
            f = chain_finding(p, c, true, net);
            f->blocked = !firewall_chain_serves(rs, c, net, &why);
            f->why = why;
            if (!f->blocked)
                continue;
            fr = firewall_plan_add(p);
            fr->serve = true;
            fr->family = nfam;
            fr->nft_family = xstrdup(c->family);
            fr->table = xstrdup(c->table);
            fr->chain = xstrdup(c->name);
            fr->output = c->output;
            fr->server = xstrdup(net);
            blocked = 1;
        }
    }
    strv_free(&targets);
    return blocked;
}

/* ---- plans -------------------------------------------------------------------------- */

struct firewall_rule *
firewall_plan_add(struct firewall_plan *p)
{
    struct firewall_rule *r;

    p->rules = xrealloc(p->rules, (p->n + 1) * sizeof(*p->rules));
    r = &p->rules[p->n++];
    memset(r, 0, sizeof(*r));
    r->fw = p->fw;
    return r;
}

struct firewall_finding *
firewall_plan_find(struct firewall_plan *p, char *where)
{
    struct firewall_finding *f;

    p->findings = xrealloc(p->findings, (p->n_findings + 1) * sizeof(*p->findings));
    f = &p->findings[p->n_findings++];
    memset(f, 0, sizeof(*f));
    f->where = where;
    return f;
}

void
firewall_plan_free(struct firewall_plan *p)
{
    for (size_t i = 0; i < p->n; i++) {
        struct firewall_rule *r = &p->rules[i];

        free(r->nft_family);
        free(r->table);
        free(r->chain);
        free(r->server);
        free(r->zone);
        free(r->text);
        strv_free(&r->argv);
    }
    free(p->rules);
    p->rules = NULL;
    p->n = 0;
    for (size_t i = 0; i < p->n_findings; i++) {
        free(p->findings[i].where);
        free(p->findings[i].target);
        free(p->findings[i].why);
    }
    free(p->findings);
    p->findings = NULL;
    p->n_findings = 0;
    strv_free(&p->saved_in);
}

/* ---- running the tools --------------------------------------------------------------- */

int
firewall_exec(const char *name, const char *const args[], struct strbuf *out,
              struct strbuf *err, bool missing_ok, struct msgs *m)
{
    struct strv argv = { 0 };
    struct spawn_result res;
    char *prog = spawn_find_program(name);
    int rc, ret = -1;

    if (!prog) {
        if (!missing_ok)
            msg_error(m, "%s: program not found", name);
        return -1;
    }
    strv_push_owned(&argv, prog);
    for (size_t i = 0; args && args[i]; i++)
        strv_push(&argv, args[i]);
    rc = spawn_run((const char *const *)argv.v, NULL, EXEC_TIMEOUT_MS, &res);
    if (out)
        sb_append(out, res.out.buf);
    if (err)
        sb_append(err, res.err.buf);
    if (rc < 0 || res.timed_out) {
        char *d = spawn_describe(&res);

        msg_error(m, "%s: %s", argv.v[0], d);
        free(d);
        goto out;
    }
    ret = rc == 0 ? 0 : 1;
out:
    spawn_result_free(&res);
    strv_free(&argv);
    return ret;
}

int
firewall_exec_strv(const struct strv *argv, struct msgs *m)
{
    struct strbuf err;
    int rc;

    sb_init(&err);
    rc = firewall_exec(argv->v[0], (const char *const *)argv->v + 1, NULL, &err, false, m);
    if (rc == 1) {
        size_t n = err.len;

        while (n && (err.buf[n - 1] == '\n' || err.buf[n - 1] == ' '))
            err.buf[--n] = '\0';
        msg_error(m, "%s failed: %s", argv->v[0], n ? err.buf : "no message");
    }
    sb_free(&err);
    return rc == 0 ? 0 : -1;
}

/* ---- the command -------------------------------------------------------------------- */

/* The drivers in the order they are tried; firewalld and ufw manage the lower layers
 * themselves, so when one of them is active it is the only one used. */
static const struct firewall_ops *const managers[] = { &firewall_firewalld, &firewall_ufw };
static const struct firewall_ops *const layers[] = {
    &firewall_iptables_legacy, &firewall_iptables, &firewall_nftables,
};

/* Journal every rule of p before it is added (undoable drivers only): one line
 * "FIREWALL FAMILY WORD...", each word escaped (sb_append_escaped) so that none holds a
 * blank. */
static int
journal_rules(const struct firewall_opts *o, const struct firewall_plan *p, struct msgs *m)
{
    if (!p->fw->undo)
        return 0;
    for (size_t i = 0; i < p->n; i++) {
        const struct firewall_rule *r = &p->rules[i];
        struct strbuf line;
        int rc;

        sb_init(&line);
        sb_printf(&line, "%s %d", p->fw->name, r->family);
        for (size_t k = 1; k < r->argv.n; k++) {
            sb_putc(&line, ' ');
            sb_append_escaped(&line, r->argv.v[k]);
        }
        rc = o->journal(o->journal_ctx, line.buf);
        sb_free(&line);
        if (rc != 0) {
            msg_error(m, "the firewall rules were not added: the journal could not record them");
            return -1;
        }
    }
    return 0;
}

int
firewall_undo_line(const char *line, struct strv *done, struct msgs *m)
{
    const struct firewall_ops *const all[] = {
        &firewall_firewalld, &firewall_ufw, &firewall_iptables, &firewall_iptables_legacy,
        &firewall_nftables,
    };
    char *copy = xstrdup(line), *save = NULL, *name, *fam;
    const struct firewall_ops *fw = NULL;
    struct strv words = { 0 };
    int ret = -1, rc;

    name = strtok_r(copy, " ", &save);
    fam = name ? strtok_r(NULL, " ", &save) : NULL;
    for (size_t i = 0; name && i < TE_ARRAY_LEN(all); i++)
        if (strcmp(all[i]->name, name) == 0)
            fw = all[i];
    if (!fw || !fw->undo || !fam) {
        char *q = quote_string(line);

        msg_error(m, "journal: %s names no firewall rule this tool adds; left alone", q);
        free(q);
        goto out;
    }
    for (char *w = strtok_r(NULL, " ", &save); w; w = strtok_r(NULL, " ", &save))
        strv_push_owned(&words, str_unescape(w));
    rc = fw->undo(atoi(fam), &words, m);
    if (rc >= 0) {
        char *text = strv_join(&words);

        strv_push_owned(done, xasprintf(rc == 0 ? "firewall: removed (%s): %s"
                                                : "firewall: already gone (%s): %s",
                                        fw->name, text));
        free(text);
        ret = 0;
    }
out:
    strv_free(&words);
    free(copy);
    return ret;
}

bool
firewall_persist_lines(const struct firewall_opts *o, const char *fw, const char *path,
                       const struct strv *lines, const char *section, const char *anchor,
                       const char *check_prog, struct msgs *m)
{
    struct strbuf before, after;
    size_t at, start = 0;
    bool ok = false, any = false;

    sb_init(&before);
    sb_init(&after);
    if (read_file(path, 4 * 1024 * 1024, &before) < 0) {
        msg_warn(m, "%s: %s could not be read (%s): the rules added are runtime rules, which "
                 "a reload or a reboot drops", fw, path, strerror(errno));
        goto out;
    }
    if (section) {          /* iptables-save format: our lines go into this table's section */
        const char *s = strstr(before.buf, section);

        while (s && !(s == before.buf || s[-1] == '\n'))
            s = strstr(s + 1, section);
        if (!s) {
            msg_warn(m, "%s: %s has no %s section: the rules added are runtime rules, which a "
                     "reload or a reboot drops", fw, path, section);
            goto out;
        }
        start = (size_t)(s - before.buf);
    }
    at = before.len;
    if (anchor) {
        const char *a = before.buf + start;

        while ((a = strstr(a, anchor)) && !(a == before.buf || a[-1] == '\n'))
            a++;
        if (a)
            at = (size_t)(a - before.buf);
    }
    sb_append_len(&after, before.buf, at);
    if (after.len && after.buf[after.len - 1] != '\n')
        sb_putc(&after, '\n');
    for (size_t i = 0; i < lines->n; i++) {
        char *needle = xasprintf("\n%s\n", lines->v[i]);
        bool there = strstr(before.buf, needle) ||
                     strncmp(before.buf, needle + 1, strlen(needle + 1)) == 0;

        free(needle);
        if (there)
            continue;
        sb_printf(&after, "%s\n", lines->v[i]);
        any = true;
    }
    sb_append_len(&after, before.buf + at, before.len - at);
    if (!any) {
        ok = true;
        goto out;
    }
    if (check_prog) {          /* the boot service must still load the file */
        char tmpl[] = "/tmp/te-ntp-setup-fw.XXXXXX";
        int fd = mkstemp(tmpl);
        const char *args[] = { "-c", "-f", tmpl, NULL };

        if (fd < 0 || write(fd, after.buf, after.len) != (ssize_t)after.len) {
            if (fd >= 0) {
                close(fd);
                unlink(tmpl);
            }
            msg_warn(m, "%s: cannot check the new text of %s; not saved", fw, path);
            goto out;
        }
        close(fd);
        if (firewall_exec(check_prog, args, NULL, NULL, false, m) != 0) {
            unlink(tmpl);
            msg_warn(m, "%s: %s would no longer load with the rules added (its chains are not "
                     "those of the running ruleset); not saved: the rules added are runtime "
                     "rules, which a reload or a reboot drops", fw, path);
            goto out;
        }
        unlink(tmpl);
    }
    if (!o->persist_file || o->persist_file(o->journal_ctx, path, before.buf, before.len,
                                            after.buf, after.len) < 0) {
        msg_warn(m, "%s: the rules were not saved in %s: they are runtime rules, which a reload "
                 "or a reboot drops", fw, path);
        goto out;
    }
    ok = true;
out:
    sb_free(&before);
    sb_free(&after);
    return ok;
}

/* Whether words hold the tag as the comment of the rule ("--comment te-ntp-setup",
 * "comment \"te-ntp-setup\"", ufw's "comment te-ntp-setup"). */
bool
firewall_words_tagged(const struct strv *words)
{
    for (size_t i = 0; i + 1 < words->n; i++)
        if ((strcmp(words->v[i], "--comment") == 0 || strcmp(words->v[i], "comment") == 0) &&
            (strcmp(words->v[i + 1], FIREWALL_TAG) == 0 ||
             strcmp(words->v[i + 1], "\"" FIREWALL_TAG "\"") == 0))
            return true;
    return false;
}

/* Detect the active firewalls into fws; their number, or -1 on error. */
static int
choose(const struct firewall_ops *fws[], struct msgs *m)
{
    int n = 0, rc;

    for (size_t i = 0; i < TE_ARRAY_LEN(managers); i++) {
        rc = managers[i]->detect(m);
        if (rc < 0)
            return -1;
        if (rc > 0) {
            fws[0] = managers[i];
            return 1;
        }
    }
    for (size_t i = 0; i < TE_ARRAY_LEN(layers); i++) {
        rc = layers[i]->detect(m);
        if (rc < 0)
            return -1;
        if (rc > 0)
            fws[n++] = layers[i];
    }
    return n;
}

enum firewall_status
firewall_run(const struct firewall_opts *o, struct firewall_result *res, struct msgs *m)
{
    const struct firewall_ops *fws[TE_ARRAY_LEN(layers) + 1];
    size_t changed = 0;
    int n = 0;

    memset(res, 0, sizeof(*res));
    res->status = FIREWALL_FAILED;
    res->remove = o->remove;
    res->dry_run = o->dry_run;
    for (size_t i = 0; i < o->servers.n; i++) {
        char why[256];

        if (!names_valid_host(o->servers.v[i], why, sizeof(why))) {
            char *q = quote_string(o->servers.v[i]);

            msg_error(m, "--server %s: %s", q, why);
            free(q);
            return res->status = FIREWALL_USAGE;
        }
        if (!strv_contains(&res->servers, o->servers.v[i]))
            strv_push(&res->servers, o->servers.v[i]);
    }
    if (!res->servers.n)
        for (size_t i = 0; i < TE_ARRAY_LEN(default_servers); i++)
            strv_push(&res->servers, default_servers[i]);
    for (size_t i = 0; i < o->serve.n; i++) {
        struct names_prefix net;
        char why[160], text[NAMES_PREFIX_MAX];

        if (!names_parse_prefix(o->serve.v[i], &net, NULL, why, sizeof(why))) {
            char *q = quote_string(o->serve.v[i]);

            msg_error(m, "--serve %s: it %s", q, why);
            free(q);
            return res->status = FIREWALL_USAGE;
        }
        names_prefix_text(&net, text, sizeof(text));
        if (!strv_contains(&res->serve, text))
            strv_push(&res->serve, text);
    }

    n = choose(fws, m);
    if (n < 0)
        return res->status;
    if (n == 0 && geteuid() != 0) {
        /* Without root the tools cannot read the rules: none found means nothing. */
        msg_error(m, "cannot tell which firewall is active, nor whether it blocks NTP, without "
                  "root (reading the rules needs it): run this as root");
        res->no_root = true;
        return res->status;
    }
    res->firewalls = xcalloc((size_t)n + 1, sizeof(*res->firewalls));
    res->n = (size_t)n;
    for (int i = 0; i < n; i++) {
        res->firewalls[i].fw = fws[i];
        res->firewalls[i].servers = &res->servers;
        res->firewalls[i].serve = &res->serve;
    }
    for (int i = 0; i < n; i++) {
        struct firewall_plan *p = &res->firewalls[i];
        int rc;

        if (o->remove) {
            if (p->fw->remove(p, o->dry_run, m) < 0)
                return res->status;
            changed += p->n;
            continue;
        }
        rc = p->fw->blocked(p, m);
        if (rc < 0)
            return res->status;
        if (rc == 0)
            continue;
        if (p->fw->plan_rules(p, m) < 0)
            return res->status;
        if (!o->dry_run && o->journal && journal_rules(o, p, m) < 0)
            return res->status;
        if (!o->dry_run && p->fw->add(p, m) < 0)
            return res->status;
        if (!o->dry_run && p->n) {
            if (p->fw->persist) {
                p->fw->persist(p, o, m);
                if (p->kept == FIREWALL_KEPT_NONE)
                    p->kept = FIREWALL_KEPT_SAVED;
            } else {
                p->kept = FIREWALL_KEPT_BY_FIREWALL;
            }
        }
        changed += p->n;
    }
    return res->status = changed ? FIREWALL_CHANGED : FIREWALL_NOTHING;
}

void
firewall_result_free(struct firewall_result *res)
{
    for (size_t i = 0; i < res->n; i++)
        firewall_plan_free(&res->firewalls[i]);
    free(res->firewalls);
    res->firewalls = NULL;
    res->n = 0;
    strv_free(&res->servers);
    strv_free(&res->serve);
}

size_t
firewall_result_rules(const struct firewall_result *res)
{
    size_t total = 0;

    for (size_t i = 0; i < res->n; i++)
        total += res->firewalls[i].n;
    return total;
}
