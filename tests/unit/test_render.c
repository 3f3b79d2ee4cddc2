/* SPDX-License-Identifier: Apache-2.0 */
/* test_render.c - unit tests of the front end's words for the firewall command's result
 * (render.c): each kind of finding, the text report and the JSON object. */
#include "config.h"

#include "cunit_main.h"

#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "render.h"

/* A finding at where; target NULL is any address. */
static struct firewall_finding *
finding(struct firewall_plan *p, const char *where, bool output, bool serve, bool all,
        const char *target, bool blocked, const char *why)
{
    struct firewall_finding *f = firewall_plan_find(p, xstrdup(where));

    f->output = output;
    f->serve = serve;
    f->all = all;
    f->target = target ? xstrdup(target) : NULL;
    f->blocked = blocked;
    f->why = why ? xstrdup(why) : NULL;
    return f;
}

/* The words of one finding. */
static char *
words(const struct firewall_finding *f)
{
    struct strbuf sb;
    char *copy;

    sb_init(&sb);
    render_firewall_finding(f, &sb);
    copy = xstrdup(sb.buf);
    sb_free(&sb);
    return copy;
}

static void
test_render_firewall_finding_words(void)
{
    struct firewall_plan p = { .fw = &firewall_nftables };
    static const char *const want[] = {
        "nftables inet filter output: NTP to any address is blocked (policy drop)",
        "nftables inet filter input: NTP from 192.0.2.1 passes (accepted by rule 1 of chain in)",
        "nftables inet filter input: NTP requests from clients in 192.0.2.0/24 are blocked "
        "(policy drop)",
        "nftables inet filter output: NTP replies to clients in 192.0.2.0/24 pass (policy accept)",
        "ufw: outgoing policy allow: NTP passes",
        "ufw: incoming policy allow: NTP requests from clients pass",
        "ufw: outgoing policy deny: NTP to 2001:db8::1 passes (allowed by a rule)",
        "firewalld zone public: NTP requests from clients in 198.51.100.0/24 are blocked",
    };

    finding(&p, "nftables inet filter output", true, false, false, NULL, true, "policy drop");
    finding(&p, "nftables inet filter input", false, false, false, "192.0.2.1", false,
            "accepted by rule 1 of chain in");
    finding(&p, "nftables inet filter input", false, true, false, "192.0.2.0/24", true,
            "policy drop");
    finding(&p, "nftables inet filter output", true, true, false, "192.0.2.0/24", false,
            "policy accept");
    finding(&p, "ufw: outgoing policy allow", true, false, true, NULL, false, NULL);
    finding(&p, "ufw: incoming policy allow", false, true, true, NULL, false, NULL);
    finding(&p, "ufw: outgoing policy deny", true, false, false, "2001:db8::1", false,
            "allowed by a rule");
    finding(&p, "firewalld zone public", false, true, false, "198.51.100.0/24", true, NULL);
    CU_ASSERT_EQUAL_FATAL(p.n_findings, TE_ARRAY_LEN(want));
    for (size_t i = 0; i < TE_ARRAY_LEN(want); i++) {
        char *w = words(&p.findings[i]);

        CU_ASSERT_STRING_EQUAL(w, want[i]);
        free(w);
    }
    firewall_plan_free(&p);
}

/* A result with one nftables firewall: a blocked output chain and its rule. */
static void
one_blocked(struct firewall_result *r, enum firewall_status st, bool remove, bool dry_run)
{
    struct firewall_rule *rule;

    memset(r, 0, sizeof(*r));
    r->status = st;
    r->remove = remove;
    r->dry_run = dry_run;
    r->firewalls = xcalloc(1, sizeof(*r->firewalls));
    r->n = 1;
    r->firewalls[0].fw = &firewall_nftables;
    if (!remove)
        finding(&r->firewalls[0], "nftables inet filter output", true, false, false, NULL,
                true, "policy drop");
    rule = firewall_plan_add(&r->firewalls[0]);
    rule->output = true;
    rule->table = xstrdup("filter");
    rule->chain = xstrdup("output");
    rule->text = xstrdup("nft insert rule inet filter output udp dport 123 accept");
}

static char *
text(const struct firewall_result *r)
{
    struct strbuf sb;
    char *copy;

    sb_init(&sb);
    render_firewall_text(r, &sb);
    copy = xstrdup(sb.buf);
    sb_free(&sb);
    return copy;
}

static void
test_render_firewall_text_verbs(void)
{
    static const struct {
        bool remove, dry_run;
        const char *verb;
    } cases[] = {
        { false, false, "added:" },
        { false, true, "would add:" },
        { true, false, "removed:" },
        { true, true, "would remove:" },
    };

    for (size_t i = 0; i < TE_ARRAY_LEN(cases); i++) {
        struct firewall_result r;
        char *got, *want;

        one_blocked(&r, FIREWALL_CHANGED, cases[i].remove, cases[i].dry_run);
        got = text(&r);
        want = xasprintf("firewall: nftables\n%s  %s nft insert rule inet filter output udp "
                         "dport 123 accept\n",
                         cases[i].remove ? "" : "  nftables inet filter output: NTP to any "
                                                "address is blocked (policy drop)\n",
                         cases[i].verb);
        CU_ASSERT_STRING_EQUAL(got, want);
        free(got);
        free(want);
        firewall_result_free(&r);
    }
}

static void
test_render_firewall_text_outcomes(void)
{
    struct firewall_result r = { 0 };
    char *got;

    r.status = FIREWALL_NOTHING;
    got = text(&r);
    CU_ASSERT_STRING_EQUAL(got, "firewall: none active; nothing to do\n");
    free(got);
    r.status = FIREWALL_FAILED;
    got = text(&r);
    CU_ASSERT_STRING_EQUAL(got, "firewall: cannot tell without root\n");
    free(got);
    r.status = FIREWALL_USAGE;
    got = text(&r);
    CU_ASSERT_STRING_EQUAL(got, "");
    free(got);

    /* a firewall that lets NTP pass; then one with nothing to remove */
    r.firewalls = xcalloc(1, sizeof(*r.firewalls));
    r.n = 1;
    r.firewalls[0].fw = &firewall_ufw;
    finding(&r.firewalls[0], "ufw: outgoing policy allow", true, false, true, NULL, false,
            NULL);
    r.status = FIREWALL_NOTHING;
    got = text(&r);
    CU_ASSERT_STRING_EQUAL(got, "firewall: ufw\n  ufw: outgoing policy allow: NTP passes\n"
                                "firewall: NTP passes; nothing needed\n");
    free(got);
    r.remove = true;
    got = text(&r);
    CU_ASSERT_STRING_EQUAL(got, "firewall: ufw\n  ufw: outgoing policy allow: NTP passes\n"
                                "firewall: no te-ntp-setup rules to remove\n");
    free(got);
    r.status = FIREWALL_FAILED;
    got = text(&r);
    CU_ASSERT_STRING_EQUAL(got, "firewall: ufw\n  ufw: outgoing policy allow: NTP passes\n"
                                "firewall: failed\n");
    free(got);
    firewall_result_free(&r);
}

static void
test_render_firewall_json(void)
{
    struct firewall_result r;
    struct msgs m = { 0 };
    struct strbuf sb;

    one_blocked(&r, FIREWALL_CHANGED, false, true);
    r.firewalls[0].rules[0].server = xstrdup("192.0.2.1");
    msg_error(&m, "e1");
    msg_warn(&m, "w1");
    msg_note(&m, "n1");
    sb_init(&sb);
    render_firewall_json(&r, &m, &sb);
    CU_ASSERT_STRING_EQUAL(sb.buf,
        "{\"command\":\"firewall\",\"action\":\"open\",\"dry_run\":true,\"changed\":true,"
        "\"failed\":false,\"firewalls\":[{\"name\":\"nftables\",\"chains\":[\"nftables inet "
        "filter output: NTP to any address is blocked (policy drop)\"],\"rules\":[{"
        "\"direction\":\"output\",\"kind\":\"client\",\"table\":\"filter\",\"chain\":"
        "\"output\",\"zone\":null,\"server\":\"192.0.2.1\",\"network\":null,\"rule\":\"nft "
        "insert rule inet filter output udp dport 123 accept\"}]}],"
        "\"warnings\":[\"w1\"],\"errors\":[\"e1\"],\"notes\":[\"n1\"]}\n");
    sb_reset(&sb);
    /* a serve rule: the network, not the server */
    r.firewalls[0].rules[0].serve = true;
    r.firewalls[0].rules[0].output = false;
    r.status = FIREWALL_FAILED;
    render_firewall_json(&r, &m, &sb);
    CU_ASSERT_PTR_NOT_NULL(strstr(sb.buf, "\"changed\":false,\"failed\":true,"));
    CU_ASSERT_PTR_NOT_NULL(strstr(sb.buf, "\"direction\":\"input\",\"kind\":\"serve\","));
    CU_ASSERT_PTR_NOT_NULL(strstr(sb.buf, "\"server\":null,\"network\":\"192.0.2.1\""));
    sb_reset(&sb);
    r.status = FIREWALL_USAGE;
    render_firewall_json(&r, &m, &sb);
    CU_ASSERT_EQUAL(sb.len, 0);
    sb_free(&sb);
    msgs_free(&m);
    firewall_result_free(&r);
}

static const struct te_test render_tests[] = {
    TE_TEST(test_render_firewall_finding_words),
    TE_TEST(test_render_firewall_text_verbs),
    TE_TEST(test_render_firewall_text_outcomes),
    TE_TEST(test_render_firewall_json),
    TE_TESTS_END,
};

static const struct te_suite suites[] = {
    { "render", render_tests },
    TE_SUITES_END,
};

TE_CUNIT_MAIN(suites)
