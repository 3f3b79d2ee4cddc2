/* SPDX-License-Identifier: Apache-2.0 */
/* render: the front end's words for the results the library returns as data. */
#include "config.h"

#include "json.h"
#include "render.h"

void
render_firewall_finding(const struct firewall_finding *f, struct strbuf *out)
{
    sb_printf(out, "%s: NTP ", f->where);
    if (f->serve) {
        sb_append(out, f->output ? "replies to clients" : "requests from clients");
        if (!f->all)
            sb_printf(out, " in %s", f->target ? f->target : "any address");
        sb_append(out, f->blocked ? " are blocked" : " pass");
    } else {
        if (!f->all)
            sb_printf(out, "%s %s ", f->output ? "to" : "from",
                      f->target ? f->target : "any address");
        sb_append(out, f->blocked ? "is blocked" : "passes");
    }
    if (f->why)
        sb_printf(out, " (%s)", f->why);
}

/* The word before each rule of the report. */
static const char *
rule_verb(const struct firewall_result *r)
{
    if (r->remove)
        return r->dry_run ? "would remove:" : "removed:";
    return r->dry_run ? "would add:" : "added:";
}

void
render_firewall_text(const struct firewall_result *r, struct strbuf *out)
{
    if (r->status == FIREWALL_USAGE)
        return;
    if (r->n == 0) {
        sb_append(out, r->status == FIREWALL_FAILED ? "firewall: cannot tell without root\n"
                                                    : "firewall: none active; nothing to do\n");
        return;
    }
    for (size_t i = 0; i < r->n; i++) {
        const struct firewall_plan *p = &r->firewalls[i];

        sb_printf(out, "firewall: %s\n", p->fw->name);
        for (size_t j = 0; j < p->n_findings; j++) {
            sb_append(out, "  ");
            render_firewall_finding(&p->findings[j], out);
            sb_putc(out, '\n');
        }
        for (size_t j = 0; j < p->n; j++)
            sb_printf(out, "  %s %s\n", rule_verb(r), p->rules[j].text);
    }
    if (r->status == FIREWALL_FAILED)
        sb_append(out, "firewall: failed\n");
    else if (firewall_result_rules(r) == 0)
        sb_append(out, r->remove ? "firewall: no te-ntp-setup rules to remove\n"
                                 : "firewall: NTP passes; nothing needed\n");
}

static void
rule_json(const struct firewall_rule *rule, struct strbuf *out)
{
    sb_putc(out, '{');
    json_key(out, "direction", true);
    json_string(out, rule->output ? "output" : "input");
    json_key(out, "kind", false);
    json_string(out, rule->serve ? "serve" : "client");
    json_key(out, "table", false);
    json_string(out, rule->table ? rule->table : "");
    json_key(out, "chain", false);
    json_string(out, rule->chain ? rule->chain : "");
    json_key(out, "zone", false);
    json_string_or_null(out, rule->zone);
    json_key(out, "server", false);
    json_string_or_null(out, rule->serve ? NULL : rule->server);
    json_key(out, "network", false);
    json_string_or_null(out, rule->serve ? rule->server : NULL);
    json_key(out, "rule", false);
    json_string(out, rule->text ? rule->text : "");
    sb_putc(out, '}');
}

void
render_firewall_json(const struct firewall_result *r, const struct msgs *m, struct strbuf *out)
{
    if (r->status == FIREWALL_USAGE)
        return;
    sb_putc(out, '{');
    json_key(out, "command", true);
    json_string(out, "firewall");
    json_key(out, "action", false);
    json_string(out, r->remove ? "remove" : "open");
    json_key(out, "dry_run", false);
    sb_append(out, r->dry_run ? "true" : "false");
    json_key(out, "changed", false);
    sb_append(out, r->status == FIREWALL_CHANGED ? "true" : "false");
    json_key(out, "failed", false);
    sb_append(out, r->status == FIREWALL_FAILED ? "true" : "false");
    json_key(out, "firewalls", false);
    sb_putc(out, '[');
    for (size_t i = 0; i < r->n; i++) {
        const struct firewall_plan *p = &r->firewalls[i];

        sb_append(out, i ? ",{" : "{");
        json_key(out, "name", true);
        json_string(out, p->fw->name);
        json_key(out, "chains", false);
        sb_putc(out, '[');
        for (size_t j = 0; j < p->n_findings; j++) {
            struct strbuf words;

            sb_init(&words);
            render_firewall_finding(&p->findings[j], &words);
            if (j)
                sb_putc(out, ',');
            json_string(out, words.buf);
            sb_free(&words);
        }
        sb_append(out, "],");
        json_key(out, "rules", true);
        sb_putc(out, '[');
        for (size_t j = 0; j < p->n; j++) {
            if (j)
                sb_putc(out, ',');
            rule_json(&p->rules[j], out);
        }
        sb_append(out, "]}");
    }
    sb_putc(out, ']');
    json_msgs(out, m);
    sb_append(out, "}\n");
}
