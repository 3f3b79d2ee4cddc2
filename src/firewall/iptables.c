/* SPDX-License-Identifier: Apache-2.0 */
/* iptables: iptables and ip6tables, nft variant and legacy, read with *-save.
 *
 * Rules go first in the filter table's OUTPUT (and, for replies, INPUT) chain:
 *   -I OUTPUT 1 -p udp -d SERVER --dport 123 -m comment --comment te-ntp-setup -j ACCEPT
 *   -I INPUT 1 -p udp -s SERVER --sport 123 -m conntrack --ctstate ESTABLISHED
 *       -m comment --comment te-ntp-setup -j ACCEPT
 * (without -d/-s for host names, whose addresses change). A host that serves time gets,
 * for the clients in NETWORK where they are blocked:
 *   -I INPUT 1 -p udp -s NETWORK --dport 123 -m comment --comment te-ntp-setup -j ACCEPT
 *   -I OUTPUT 1 -p udp -d NETWORK --sport 123 -m conntrack --ctstate ESTABLISHED
 *       -m comment --comment te-ntp-setup -j ACCEPT They are not saved to
 * /etc/iptables/rules.v4 or the like: that is left to whoever persists the ruleset. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "firewall.h"
#include "msgs.h"
#include "paths.h"
#include "spawn.h"
#include "strbuf.h"
#include "strv.h"

struct variant {
    const char *save[2];    /* for IPv4, IPv6 */
    const char *cmd[2];
};

static const struct variant nft_variant = {
    { "iptables-nft-save", "ip6tables-nft-save" }, { "iptables-nft", "ip6tables-nft" },
};
static const struct variant plain_variant = {
    { "iptables-save", "ip6tables-save" }, { "iptables", "ip6tables" },
};
static const struct variant legacy_variant = {
    { "iptables-legacy-save", "ip6tables-legacy-save" },
    { "iptables-legacy", "ip6tables-legacy" },
};

/* Split a rule line into words, honouring double quotes (as iptables-save writes them). */
static void
split_words(const char *line, struct strv *out)
{
    const char *p = line;

    while (*p) {
        struct strbuf w;

        while (*p == ' ' || *p == '\t')
            p++;
        if (!*p)
            break;
        sb_init(&w);
        while (*p && *p != ' ' && *p != '\t') {
            if (*p == '"') {
                for (p++; *p && *p != '"'; p++) {
                    if (*p == '\\' && p[1])
                        p++;
                    sb_putc(&w, *p);
                }
                if (*p)
                    p++;
            } else {
                sb_putc(&w, *p++);
            }
        }
        strv_push_owned(out, sb_steal(&w));
    }
}

static bool
is_option(const char *w)
{
    return w[0] == '-' && w[1] != '\0';
}

static void
parse_rule(struct fw_ruleset *rs, struct fw_chain *c, const char *family, const char *text)
{
    struct fw_rule_spec *r = firewall_chain_add_rule(c);
    struct strv w = { 0 };
    bool neg = false;

    r->text = xstrdup(text);
    split_words(text, &w);
    for (size_t i = 0; i < w.n; i++) {
        const char *o = w.v[i], *v = i + 1 < w.n ? w.v[i + 1] : NULL;
        char **field = NULL;

        if (strcmp(o, "!") == 0) {
            neg = true;
            continue;
        }
        if (neg) {
            /* Negated matches are rare in practice: treat them as undecidable. */
            r->unknown = true;
            neg = false;
            if (v && !is_option(v))
                i++;
            continue;
        }
        if (strcmp(o, "-j") == 0 || strcmp(o, "--jump") == 0 || strcmp(o, "-g") == 0
            || strcmp(o, "--goto") == 0) {
            if (!v)
                break;
            if (strcmp(v, "ACCEPT") == 0)
                r->verdict = FW_V_ACCEPT;
            else if (strcmp(v, "DROP") == 0 || strcmp(v, "REJECT") == 0)
                r->verdict = FW_V_DROP;
            else if (strcmp(v, "RETURN") == 0)
                r->verdict = FW_V_RETURN;
            else if (firewall_ruleset_find(rs, family, "filter", v)) {
                r->verdict = FW_V_JUMP;
                r->target = xstrdup(v);
            }
            /* Target options follow; a --comment never does. */
            for (i += 2; i + 1 < w.n; i++)
                if (strcmp(w.v[i], "--comment") == 0
                    && strcmp(w.v[i + 1], FIREWALL_TAG) == 0)
                    r->tagged = true;
            break;
        }
        if (strcmp(o, "-p") == 0 || strcmp(o, "--protocol") == 0) {
            if (v && (strcmp(v, "udp") == 0 || strcmp(v, "17") == 0))
                r->proto = 17;
            else if (v && (strcmp(v, "all") == 0 || strcmp(v, "0") == 0))
                r->proto = 0;
            else
                r->proto = -1;
            i++;
            continue;
        }
        if (strcmp(o, "-m") == 0 || strcmp(o, "--match") == 0) {
            i++;
            continue;
        }
        if (strcmp(o, "--comment") == 0) {
            if (v && strcmp(v, FIREWALL_TAG) == 0)
                r->tagged = true;
            i++;
            continue;
        }
        if (strcmp(o, "-d") == 0 || strcmp(o, "--destination") == 0)
            field = &r->daddr;
        else if (strcmp(o, "-s") == 0 || strcmp(o, "--source") == 0)
            field = &r->saddr;
        else if (strcmp(o, "-o") == 0 || strcmp(o, "--out-interface") == 0)
            field = &r->oif;
        else if (strcmp(o, "-i") == 0 || strcmp(o, "--in-interface") == 0)
            field = &r->iif;
        else if (strcmp(o, "--dport") == 0 || strcmp(o, "--dports") == 0
                 || strcmp(o, "--destination-port") == 0
                 || strcmp(o, "--destination-ports") == 0)
            field = &r->dport;
        else if (strcmp(o, "--sport") == 0 || strcmp(o, "--sports") == 0
                 || strcmp(o, "--source-port") == 0 || strcmp(o, "--source-ports") == 0)
            field = &r->sport;
        else if (strcmp(o, "--ctstate") == 0 || strcmp(o, "--state") == 0)
            field = &r->ct;
        if (field && v) {
            free(*field);
            *field = xstrdup(v);
            i++;
            continue;
        }
        /* Anything else is a match we do not model. */
        r->unknown = true;
        while (i + 1 < w.n && !is_option(w.v[i + 1]) && strcmp(w.v[i + 1], "!") != 0)
            i++;
    }
    strv_free(&w);
}

int
firewall_parse_iptables_save(const char *text, int family, struct fw_ruleset *rs)
{
    const char *fam = family == 6 ? "ipv6" : "ipv4";
    char *copy = xstrdup(text), *save = NULL;
    bool in_filter = false;

    for (char *line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        if (line[0] == '*') {
            in_filter = strcmp(line, "*filter") == 0;
            continue;
        }
        if (!in_filter)
            continue;
        if (line[0] == ':') {
            char name[64], policy[16];
            struct fw_chain *c;

            if (sscanf(line, ":%63s %15s", name, policy) != 2)
                continue;
            c = firewall_ruleset_chain(rs, fam, "filter", name);
            if (strcmp(name, "INPUT") == 0 || strcmp(name, "OUTPUT") == 0) {
                c->base = true;
                c->output = strcmp(name, "OUTPUT") == 0;
                c->policy_drop = strcmp(policy, "ACCEPT") != 0;
            }
        } else if (strncmp(line, "-A ", 3) == 0) {
            char *name = line + 3, *rest = strchr(name, ' ');

            if (!rest)
                continue;
            *rest++ = '\0';
            parse_rule(rs, firewall_ruleset_chain(rs, fam, "filter", name), fam, rest);
        }
    }
    free(copy);
    return 0;
}

/* ---- the driver ---------------------------------------------------------------- */

static const struct variant *
variant_of(const struct firewall_ops *fw)
{
    if (fw == &firewall_iptables_legacy)
        return &legacy_variant;
    return &nft_variant;
}

/* The programs of v, falling back to plain iptables(-save) when the nft-named ones are
 * missing (distributions with a single iptables). */
static const char *
prog(const struct firewall_ops *fw, bool save, int family)
{
    const struct variant *v = variant_of(fw);
    int f = family == 6 ? 1 : 0;
    const char *name = save ? v->save[f] : v->cmd[f];
    char *path;

    if (v == &legacy_variant)
        return name;
    path = spawn_find_program(name);
    if (path) {
        free(path);
        return name;
    }
    return save ? plain_variant.save[f] : plain_variant.cmd[f];
}

/* Read one family's ruleset; 0, or -1 when the tool is missing or failed (quietly when
 * quiet). */
static int
read_rules(const struct firewall_ops *fw, int family, struct fw_ruleset *rs, bool quiet,
           struct msgs *m)
{
    struct strbuf out, err;
    const char *args[] = { "-t", "filter", NULL };
    int rc, ret = -1;

    sb_init(&out);
    sb_init(&err);
    rc = firewall_exec(prog(fw, true, family), args, &out, &err, quiet, m);
    if (rc != 0) {
        if (rc > 0 && !quiet)
            msg_error(m, "%s failed: %s", prog(fw, true, family), err.buf);
        goto out;
    }
    firewall_parse_iptables_save(out.buf, family, rs);
    ret = 0;
out:
    sb_free(&out);
    sb_free(&err);
    return ret;
}

/* Active: the filter table has a rule or a policy other than ACCEPT. */
static bool
ruleset_active(const struct fw_ruleset *rs)
{
    for (size_t i = 0; i < rs->n; i++)
        if (rs->chains[i].n_rules || rs->chains[i].policy_drop)
            return true;
    return false;
}

static int
detect_common(const struct firewall_ops *fw, struct msgs *m)
{
    int active = 0;

    if (fw == &firewall_iptables_legacy) {
        /* On hosts where plain iptables is the legacy one, the iptables driver covers it;
         * and iptables-legacy-save would load the legacy tables, so it runs only when the
         * kernel lists some already. */
        char *a = spawn_find_program("iptables-legacy-save");
        char *b = spawn_find_program("iptables-nft-save");
        bool loaded = false;

        free(a);
        free(b);
        if (!a || !b)
            return 0;
        for (int i = 0; i < 2 && !loaded; i++) {
            struct strbuf names;

            sb_init(&names);
            loaded = read_file(i ? "/proc/net/ip6_tables_names" : "/proc/net/ip_tables_names",
                               65536, &names) == 0 && names.len > 0;
            sb_free(&names);
        }
        if (!loaded)
            return 0;
    }
    for (int family = 4; family <= 6 && !active; family += 2) {
        struct fw_ruleset rs = { 0 };

        if (read_rules(fw, family, &rs, true, m) == 0 && ruleset_active(&rs))
            active = 1;
        firewall_ruleset_free(&rs);
    }
    return active;
}

static int
detect_nft(struct msgs *m)
{
    return detect_common(&firewall_iptables, m);
}

static int
detect_legacy(struct msgs *m)
{
    return detect_common(&firewall_iptables_legacy, m);
}

static int
blocked(struct firewall_plan *p, struct msgs *m)
{
    int any = 0;

    for (int family = 4; family <= 6; family += 2) {
        struct fw_ruleset rs = { 0 };
        int rc;

        if (read_rules(p->fw, family, &rs, family == 6, m) < 0) {
            firewall_ruleset_free(&rs);
            if (family == 6)
                continue;       /* no ip6tables: nothing to judge */
            return -1;
        }
        rc = firewall_judge_ruleset(p, &rs, family);
        firewall_ruleset_free(&rs);
        if (rc > 0)
            any = 1;
    }
    return any;
}

static int
plan_rules(struct firewall_plan *p, struct msgs *m)
{
    for (size_t i = 0; i < p->n; i++) {
        struct firewall_rule *r = &p->rules[i];
        struct strv *a = &r->argv;

        strv_push(a, prog(p->fw, false, r->family));
        strv_push(a, "-w");
        strv_push(a, "5");
        strv_push(a, "-t");
        strv_push(a, "filter");
        strv_push(a, "-I");
        strv_push(a, r->chain);
        strv_push(a, "1");
        strv_push(a, "-p");
        strv_push(a, "udp");
        if (r->server) {
            strv_push(a, r->output ? "-d" : "-s");
            strv_push(a, r->server);
        }
        /* client: dport 123 out, sport 123 in; serve: the other way round */
        strv_push(a, r->output != r->serve ? "--dport" : "--sport");
        strv_push(a, "123");
        if (r->output == r->serve) {      /* the replies */
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
    for (int family = 4; family <= 6; family += 2) {
        struct fw_ruleset rs = { 0 };

        if (read_rules(p->fw, family, &rs, family == 6, m) < 0) {
            firewall_ruleset_free(&rs);
            if (family == 6)
                continue;
            return -1;
        }
        for (size_t c = 0; c < rs.n; c++) {
            for (size_t j = 0; j < rs.chains[c].n_rules; j++) {
                const struct fw_rule_spec *s = &rs.chains[c].rules[j];
                struct firewall_rule *r;
                struct strv words = { 0 };

                if (!s->tagged)
                    continue;
                r = firewall_plan_add(p);
                r->family = family;
                r->table = xstrdup("filter");
                r->chain = xstrdup(rs.chains[c].name);
                r->output = strcmp(r->chain, "INPUT") != 0;
                /* a rule for the clients of this host's server: port 123 is ours */
                r->serve = (r->output ? s->sport : s->dport) &&
                           strcmp(r->output ? s->sport : s->dport, "123") == 0;
                strv_push(&r->argv, prog(p->fw, false, family));
                strv_push(&r->argv, "-w");
                strv_push(&r->argv, "5");
                strv_push(&r->argv, "-t");
                strv_push(&r->argv, "filter");
                strv_push(&r->argv, "-D");
                strv_push(&r->argv, r->chain);
                split_words(s->text, &words);
                for (size_t k = 0; k < words.n; k++)
                    strv_push(&r->argv, words.v[k]);
                strv_free(&words);
                r->text = strv_join(&r->argv);
                if (!dry_run && firewall_exec_strv(&r->argv, m) < 0) {
                    firewall_ruleset_free(&rs);
                    return -1;
                }
            }
        }
        firewall_ruleset_free(&rs);
    }
    return 0;
}

/* The words of "-w 5 -t filter -I CHAIN 1 MATCH..." (plan_rules): delete the same rule with
 * "-D CHAIN MATCH...". */
static int
undo_with(const struct firewall_ops *fw, int family, const struct strv *words, struct msgs *m)
{
    struct strv argv = { 0 };
    struct strbuf err;
    int rc;

    if (words->n < 8 || strcmp(words->v[4], "-I") != 0 || strcmp(words->v[6], "1") != 0 ||
        (strcmp(words->v[5], "INPUT") != 0 && strcmp(words->v[5], "OUTPUT") != 0) ||
        !firewall_words_tagged(words) || (family != 4 && family != 6)) {
        msg_error(m, "journal: not a rule te-ntp-setup adds to %s; left alone", fw->name);
        return -1;
    }
    for (size_t i = 0; i < 4; i++)              /* -w 5 -t filter */
        strv_push(&argv, words->v[i]);
    strv_push(&argv, "-D");
    strv_push(&argv, words->v[5]);
    for (size_t i = 7; i < words->n; i++)
        strv_push(&argv, words->v[i]);
    sb_init(&err);
    rc = firewall_exec(prog(fw, false, family), (const char *const *)argv.v, NULL, &err,
                       false, m);
    if (rc == 1 && !strstr(err.buf, "does a matching rule exist")) {
        msg_error(m, "%s -D %s failed: %s", prog(fw, false, family), words->v[5], err.buf);
        rc = -1;
    }
    sb_free(&err);
    strv_free(&argv);
    return rc;
}

/* Save the rules just added where the distro's boot service reads them: Debian's
 * netfilter-persistent (/etc/iptables/rules.v4, rules.v6), RHEL's iptables-services
 * (/etc/sysconfig/iptables, ip6tables), as "-I CHAIN 1 ..." lines at the end of the filter
 * table. */
static void
persist(struct firewall_plan *p, const struct firewall_opts *o, struct msgs *m)
{
    for (int family = 4; family <= 6; family += 2) {
        const char *files[2] = {
            family == 4 ? "/etc/iptables/rules.v4" : "/etc/iptables/rules.v6",
            family == 4 ? "/etc/sysconfig/iptables" : "/etc/sysconfig/ip6tables",
        };
        const char *file = NULL;
        struct strv lines = { 0 };

        for (size_t i = 0; i < p->n; i++) {
            const struct strv *a = &p->rules[i].argv;
            struct strv rest = { 0 };

            if (p->rules[i].family != family || a->n < 9)
                continue;
            for (size_t k = 5; k < a->n; k++)     /* from "-I CHAIN 1" on */
                strv_push(&rest, a->v[k]);
            strv_push_owned(&lines, strv_join(&rest));
            strv_free(&rest);
        }
        if (!lines.n)
            continue;
        for (size_t i = 0; i < 2 && !file; i++)
            if (path_exists(files[i]))
                file = files[i];
        if (!file) {
            msg_warn(m, "%s: the rules added are runtime rules, which a reboot drops: this "
                     "host has no %s (netfilter-persistent) or %s (iptables-services) to save "
                     "them in", p->fw->name, files[0], files[1]);
            p->kept = FIREWALL_KEPT_RUNTIME;
        } else if (firewall_persist_lines(o, p->fw->name, file, &lines, "*filter", "COMMIT",
                                          NULL, m)) {
            strv_push(&p->saved_in, file);
        } else {
            p->kept = FIREWALL_KEPT_RUNTIME;
        }
        strv_free(&lines);
    }
}

static int
undo_nft_variant(int family, const struct strv *words, struct msgs *m)
{
    return undo_with(&firewall_iptables, family, words, m);
}

static int
undo_legacy(int family, const struct strv *words, struct msgs *m)
{
    return undo_with(&firewall_iptables_legacy, family, words, m);
}

const struct firewall_ops firewall_iptables = {
    .name = "iptables",
    .detect = detect_nft,
    .blocked = blocked,
    .plan_rules = plan_rules,
    .add = add,
    .remove = remove_tagged,
    .undo = undo_nft_variant,
    .persist = persist,
};

const struct firewall_ops firewall_iptables_legacy = {
    .name = "iptables-legacy",
    .detect = detect_legacy,
    .blocked = blocked,
    .plan_rules = plan_rules,
    .add = add,
    .remove = remove_tagged,    .undo = undo_legacy,
    .persist = persist,
};
