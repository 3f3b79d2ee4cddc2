/* SPDX-License-Identifier: Apache-2.0 */
/* detect: what the target runs for time synchronization. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "augtree.h"
#include "backend.h"
#include "detect.h"
#include "json.h"
#include "msgs.h"
#include "plan.h"
#include "settings.h"
#include "strbuf.h"
#include "strv.h"

/* The configuration files of b that exist on the target (paths without the root). */
static void
config_files(const struct ntp_backend *b, const struct hostinfo *h, struct strv *out)
{
    for (size_t i = 0; b->conf_paths[i]; i++)
        if (hostinfo_exists(h, b->conf_paths[i]))
            strv_push(out, b->conf_paths[i]);
}

static void
platform_json(const struct platform *p, struct strbuf *out)
{
    json_key(out, "platform", false);
    sb_putc(out, '{');
    json_key(out, "kind", true);
    json_string(out, platform_kind_name(p->kind));
    json_key(out, "hypervisor", false);
    json_string_or_null(out, p->hypervisor);
    json_key(out, "evidence", false);
    json_string_or_null(out, p->vm_evidence);
    json_key(out, "cloud", false);
    if (p->cloud) {
        sb_putc(out, '{');
        json_key(out, "id", true);
        json_string(out, p->cloud->id);
        json_key(out, "name", false);
        json_string(out, p->cloud->name);
        json_key(out, "evidence", false);
        json_string(out, p->cloud_evidence);
        sb_putc(out, '}');
    } else {
        sb_append(out, "null");
    }
    json_key(out, "clocksource", false);
    json_string_or_null(out, p->clocksource);
    json_key(out, "clocksources", false);
    json_string_or_null(out, p->clocksources);
    json_key(out, "can_set_clock", false);
    sb_append(out, p->can_set_clock < 0 ? "null" : p->can_set_clock ? "true" : "false");
    sb_putc(out, '}');
    json_key(out, "container", false);
    if (p->container) {
        sb_putc(out, '{');
        json_key(out, "runtime", true);
        json_string(out, p->container);
        json_key(out, "evidence", false);
        json_string(out, p->container_evidence);
        sb_putc(out, '}');
    } else {
        sb_append(out, "null");
    }
}

static void
platform_text(const struct platform *p, struct strbuf *out)
{
    sb_printf(out, "platform:       %s", platform_kind_name(p->kind));
    if (p->hypervisor || p->vm_evidence)
        sb_printf(out, " (%s%s%s)", p->hypervisor ? p->hypervisor : "",
                  p->hypervisor && p->vm_evidence ? "; " : "",
                  p->vm_evidence ? p->vm_evidence : "");
    sb_putc(out, '\n');
    if (p->cloud)
        sb_printf(out, "cloud:          %s (%s)\n", p->cloud->name, p->cloud_evidence);
    else
        sb_append(out, "cloud:          none known\n");
    if (p->container)
        sb_printf(out, "container:      %s (%s)\n", p->container, p->container_evidence);
    else
        sb_append(out, "container:      none\n");
    if (p->clocksource)
        sb_printf(out, "clocksource:    %s%s%s%s\n", p->clocksource,
                  p->clocksources ? " (available: " : "", p->clocksources ? p->clocksources : "",
                  p->clocksources ? ")" : "");
    if (p->can_set_clock >= 0)
        sb_printf(out, "set the clock:  %s\n", p->can_set_clock ?
                  "yes (CAP_SYS_TIME)" : "no (no CAP_SYS_TIME in this process)");
}

static void
report_json(const struct hostinfo *h, const struct ntp_backend *chosen,
            const struct strv *conflicts, const struct msgs *m, struct strbuf *out)
{
    struct strv files = { 0 };

    sb_putc(out, '{');
    json_key(out, "implementation", true);
    json_string_or_null(out, chosen ? chosen->name : NULL);
    json_key(out, "service", false);
    json_string_or_null(out, chosen ? backend_service(chosen, h) : NULL);
    json_key(out, "config_files", false);
    if (chosen)
        config_files(chosen, h, &files);
    json_strv(out, &files);
    strv_free(&files);
    json_key(out, "conflicts", false);
    json_strv(out, conflicts);
    json_key(out, "root", false);
    json_string(out, h->root ? h->root : "/");
    json_key(out, "live", false);
    sb_append(out, h->live ? "true" : "false");
    json_key(out, "distro", false);
    sb_putc(out, '{');
    json_key(out, "id", true);
    json_string(out, h->os_id);
    json_key(out, "id_like", false);
    json_string(out, h->os_id_like);
    json_key(out, "version_id", false);
    json_string(out, h->os_version_id);
    json_key(out, "pretty_name", false);
    json_string(out, h->os_pretty);
    sb_putc(out, '}');
    json_key(out, "init", false);
    json_string(out, hostinfo_init_name(h->init));
    platform_json(&h->platform, out);
    json_key(out, "implementations", false);
    sb_putc(out, '[');
    for (size_t i = 0; backends[i]; i++) {
        const struct ntp_backend *b = backends[i];

        if (i)
            sb_putc(out, ',');
        sb_putc(out, '{');
        json_key(out, "name", true);
        json_string(out, b->name);
        json_key(out, "state", false);
        json_string(out, backend_state_name(backend_state(b, h)));
        json_key(out, "service", false);
        json_string(out, backend_service(b, h));
        json_key(out, "config", false);
        json_string_or_null(out, backend_conf_path(b, h));
        json_key(out, "package", false);
        json_string(out, b->package);
        sb_putc(out, '}');
    }
    sb_putc(out, ']');
    /* The keys every command's JSON has. */
    json_key(out, "changed", false);
    sb_append(out, "false");
    json_key(out, "failed", false);
    sb_append(out, chosen ? "false" : "true");
    json_msgs(out, m);
    sb_append(out, "}\n");
}

static void
report_text(const struct hostinfo *h, const struct ntp_backend *chosen,
            const struct strv *conflicts, struct strbuf *out)
{
    sb_printf(out, "distro:         %s (%s %s)\n", h->os_pretty, h->os_id, h->os_version_id);
    sb_printf(out, "init system:    %s%s\n", hostinfo_init_name(h->init),
              h->live ? "" : " (from the files under the root)");
    if (!h->live)
        sb_printf(out, "root:           %s\n", h->root);
    platform_text(&h->platform, out);
    sb_append(out, "implementations:\n");
    for (size_t i = 0; backends[i]; i++) {
        const struct ntp_backend *b = backends[i];
        const char *conf = backend_conf_path(b, h);

        sb_printf(out, "  %-10s %-9s service %s%s%s\n", b->name,
                  backend_state_name(backend_state(b, h)), backend_service(b, h),
                  conf ? ", " : "", conf ? conf : "");
    }
    if (chosen) {
        struct strv files = { 0 };

        config_files(chosen, h, &files);
        sb_printf(out, "implementation: %s\n", chosen->name);
        sb_printf(out, "service:        %s\n", backend_service(chosen, h));
        sb_append(out, "config files:  ");
        for (size_t i = 0; i < files.n; i++)
            sb_printf(out, " %s", files.v[i]);
        sb_append(out, files.n ? "\n" : " (none)\n");
        strv_free(&files);
        for (size_t i = 0; i < conflicts->n; i++)
            sb_printf(out, "conflict:       %s is enabled or running too: apply stops and "
                      "disables it\n", conflicts->v[i]);
    } else {
        sb_append(out, "implementation: none\n");
    }
}

int
detect_report(const struct hostinfo *h, const char *implementation, bool json,
              struct strbuf *out, struct msgs *m)
{
    const struct ntp_backend *chosen = backend_choose(implementation, h, m);
    struct strv conflicts = { 0 };

    if (chosen)
        backend_conflicts(chosen, h, &conflicts);
    if (json)
        report_json(h, chosen, &conflicts, m, out);
    else
        report_text(h, chosen, &conflicts, out);
    strv_free(&conflicts);
    return chosen ? 0 : -1;
}

/* Collect the source names under a tree: server/pool/peer/servers nodes, and timesyncd's
 * NTP= lists (the last NTP= of a file wins, an empty one resets). */
static void
collect_sources(struct augtree *aug, const char *tree, struct strv *out)
{
    struct strv nodes = { 0 };
    char *expr = xasprintf("%s/*[label() = 'server' or label() = 'pool' or label() = 'peer' or "
                           "label() = 'servers'] | %s/Time/NTP", tree, tree);

    augtree_match(aug, expr, &nodes);
    for (size_t i = 0; i < nodes.n; i++) {
        char *label = augtree_label(aug, nodes.v[i]);
        const char *v = augtree_get(aug, nodes.v[i]);

        if (label && strcmp(label, "NTP") == 0) {
            char *copy = xstrdup(v ? v : ""), *save = NULL;

            strv_free(out);                 /* NTP= replaces what came before */
            for (char *w = strtok_r(copy, " \t", &save); w; w = strtok_r(NULL, " \t", &save))
                if (!strv_contains(out, w))
                    strv_push(out, w);
            free(copy);
        } else if (v && !strv_contains(out, v)) {
            strv_push(out, v);
        }
        free(label);
    }
    strv_free(&nodes);
    free(expr);
}

int
detect_configured_sources(const struct ntp_backend *b, const struct hostinfo *h,
                          const char *lensdir, struct strv *out, struct msgs *m)
{
    struct settings none;
    struct augtree *aug = augtree_new(lensdir, m);
    struct plan p;
    int ret = -1;

    if (!aug)
        return -1;
    /* A merge plan with no sources reads every file the configuration reads. */
    settings_init(&none);
    none.mode = MODE_MERGE;
    plan_init(&p, &none, h, b, aug, m);
    if (b->plan(&p) == 0) {
        for (size_t i = 0; i < p.n_files; i++)
            if (p.files[i]->existed)
                collect_sources(aug, p.files[i]->tree, out);
        ret = 0;
    }
    plan_free(&p);
    settings_free(&none);
    augtree_free(aug);
    return ret;
}
