/* SPDX-License-Identifier: Apache-2.0 */
/* report: the text and JSON reports of a run. */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "check.h"
#include "diff.h"
#include "json.h"
#include "report.h"
#include "sntp.h"
#include "strbuf.h"
#include "strv.h"

static void
file_diff(const struct file_change *f, struct strbuf *out)
{
    char *old_name = xasprintf("%s", f->existed ? f->disk_path : "/dev/null");

    diff_unified(f->before.buf, f->after.buf, old_name, f->disk_path, out);
    free(old_name);
}

static bool
failed(enum apply_status s)
{
    return s == APPLY_FAILED_RESTORED || s == APPLY_FAILED_UNRESTORED || s == APPLY_INVALID;
}

/* The verification after activation, one line: "verification: chrony is synchronized to
 * ntp1.example.com (0.002 s behind; 2 of 2 sources reachable)". */
static void
verification_text(const struct plan *p, struct strbuf *out)
{
    const struct sync_status *v = &p->sync;
    char offset[64];
    bool paren = false;

    if (!p->verified)
        return;
    if (!v->answered) {
        sb_printf(out, "verification: %s is NOT synchronized: %s\n", p->backend->name,
                  v->why[0] ? v->why : v->how);
        return;
    }
    sb_printf(out, "verification: %s is %s", p->backend->name,
              v->synchronized ? "synchronized" : "NOT synchronized");
    if (v->synchronized && v->source[0])
        sb_printf(out, " to %s", v->source);
    if (v->synchronized && v->offset_known) {
        sntp_format_offset(v->offset, offset, sizeof(offset));
        sb_printf(out, " (%s", offset);
        paren = true;
    }
    if (v->sources >= 0 && v->reachable >= 0) {
        sb_printf(out, "%s%d of %d source%s reachable", paren ? "; " : " (", v->reachable,
                  v->sources, v->sources == 1 ? "" : "s");
        paren = true;
    }
    sb_append(out, paren ? ")" : "");
    if (!v->synchronized && v->why[0])
        sb_printf(out, ": %s", v->why);
    sb_printf(out, " [%s]\n", v->how);
}

/* "verification": null, or what the daemon said after activation. */
static void
verification_json(const struct plan *p, struct strbuf *out)
{
    const struct sync_status *v = &p->sync;

    if (!p->verified) {
        sb_append(out, "null");
        return;
    }
    sb_putc(out, '{');
    json_key(out, "synchronized", true);
    sb_append(out, v->answered && v->synchronized ? "true" : "false");
    json_key(out, "source", false);
    json_string_or_null(out, v->answered && v->synchronized && v->source[0] ? v->source : NULL);
    json_key(out, "answered", false);
    sb_append(out, v->answered ? "true" : "false");
    json_key(out, "reachable", false);
    if (v->answered && v->reachable >= 0)
        sb_printf(out, "%d", v->reachable);
    else
        sb_append(out, "null");
    json_key(out, "sources", false);
    if (v->answered && v->sources >= 0)
        sb_printf(out, "%d", v->sources);
    else
        sb_append(out, "null");
    json_key(out, "offset", false);
    if (v->answered && v->offset_known && isfinite(v->offset))
        sb_printf(out, "%.9g", v->offset);      /* the C locale: main never sets another */
    else
        sb_append(out, "null");
    json_key(out, "how", false);
    json_string(out, v->how);
    json_key(out, "reason", false);
    json_string_or_null(out, !(v->answered && v->synchronized) && v->why[0] ? v->why : NULL);
    sb_putc(out, '}');
}

void
report_apply_text(const struct apply_report *r, bool with_diff, struct strbuf *out)
{
    const struct plan *p = r->plan;
    bool dry = r->settings->dry_run;

    if (r->skipped) {
        sb_printf(out, "%s\n", r->skipped);
        return;
    }
    if (!p)
        return;
    sb_printf(out, "%s: %s (service %s, %s)\n", p->backend->name, p->files[0]->disk_path,
              p->service, p->host->live ? hostinfo_init_name(p->host->init) : "files only");
    if (r->settings->sources_note)
        sb_printf(out, "%s\n", r->settings->sources_note);
    for (size_t i = 0; i < p->n_files; i++) {
        const struct file_change *f = p->files[i];

        if (!file_change_differs(f))
            continue;
        if (dry)
            sb_printf(out, "%s %s\n", f->existed ? "would change" : "would create", f->disk_path);
        else if (r->status == APPLY_FAILED_RESTORED || r->status == APPLY_INVALID)
            sb_printf(out, "%s %s\n", f->existed ? "not changed:" : "not created:", f->disk_path);
        if (with_diff)
            file_diff(f, out);
    }
    if (dry && r->status == APPLY_CHANGED && p->host->live && !r->settings->no_restart)
        sb_printf(out, "would %s\n", p->activation == ACTION_RELOAD_SOURCES &&
                                      p->backend->reload_sources
                                      ? p->backend->reload_sources_text : "restart the service");
    for (size_t i = 0; r->actions && i < r->actions->n; i++)
        sb_printf(out, "%s\n", r->actions->v[i]);
    verification_text(p, out);
    if (r->status == APPLY_UNCHANGED) {
        report_nothing_to_change(r, out);
        sb_putc(out, '\n');
    }
}

void
report_nothing_to_change(const struct apply_report *r, struct strbuf *out)
{
    sb_append(out, "nothing to change:");
    for (size_t i = 0; i < r->settings->n_sources; i++)
        sb_printf(out, " %s", r->settings->sources[i].host);
    sb_append(out, " already configured");
    for (size_t i = 0; i < r->settings->serve.n; i++)
        sb_printf(out, "%s%s", i ? " " : "; serving ", r->settings->serve.v[i]);
}

bool
report_failed(const struct apply_report *r)
{
    return failed(r->status) || (r->unsynchronized_fails && report_unsynchronized(r));
}

bool
report_unsynchronized(const struct apply_report *r)
{
    return r->plan && !failed(r->status) && r->plan->verified &&
           !(r->plan->sync.answered && r->plan->sync.synchronized);
}

void
report_apply_json(const struct apply_report *r, struct strbuf *out)
{
    sb_putc(out, '{');
    report_apply_json_members(r, out);
    sb_append(out, "}\n");
}

void
report_apply_json_members(const struct apply_report *r, struct strbuf *out)
{
    const struct plan *p = r->plan;
    struct strv empty = { 0 };

    json_key(out, "changed", true);
    sb_append(out, r->status == APPLY_CHANGED ? "true" : "false");
    json_key(out, "failed", false);
    sb_append(out, report_failed(r) ? "true" : "false");
    json_key(out, "restored", false);
    sb_append(out, r->status == APPLY_FAILED_UNRESTORED ? "false" : "true");
    json_key(out, "dry_run", false);
    sb_append(out, r->settings->dry_run ? "true" : "false");
    json_key(out, "implementation", false);
    json_string_or_null(out, p ? p->backend->name : r->backend ? r->backend->name : NULL);
    json_key(out, "service", false);
    json_string_or_null(out, p ? p->service : r->service);
    json_key(out, "root", false);
    if (r->settings->root)
        json_string(out, r->settings->root);
    else
        json_string(out, "/");
    json_key(out, "sources", false);
    sb_putc(out, '[');
    for (size_t i = 0; i < r->settings->n_sources; i++) {
        const struct source *s = &r->settings->sources[i];

        if (i)
            sb_putc(out, ',');
        sb_putc(out, '{');
        json_key(out, "type", true);
        json_string(out, s->kind == SOURCE_POOL ? "pool" : "server");
        json_key(out, "host", false);
        json_string(out, s->host);
        sb_putc(out, '}');
    }
    sb_putc(out, ']');
    json_key(out, "sources_from", false);
    json_string(out, r->settings->sources_from ? r->settings->sources_from : "given");
    json_key(out, "refclock", false);
    json_string_or_null(out, r->settings->refclock);
    json_key(out, "serve", false);
    json_strv(out, &r->settings->serve);
    json_key(out, "local_stratum", false);
    if (r->settings->local_stratum)
        sb_printf(out, "%d", r->settings->local_stratum);
    else
        sb_append(out, "null");
    json_key(out, "files", false);
    sb_putc(out, '[');
    for (size_t i = 0, n = 0; p && i < p->n_files; i++) {
        const struct file_change *f = p->files[i];
        struct strbuf d;

        if (!file_change_differs(f))
            continue;
        if (n++)
            sb_putc(out, ',');
        sb_init(&d);
        file_diff(f, &d);
        sb_putc(out, '{');
        json_key(out, "path", true);
        json_string(out, f->disk_path);
        json_key(out, "created", false);
        sb_append(out, f->existed ? "false" : "true");
        json_key(out, "diff", false);
        json_string(out, d.buf);
        sb_putc(out, '}');
        sb_free(&d);
    }
    sb_putc(out, ']');
    json_key(out, "synchronized", false);
    if (p && p->verified)
        sb_append(out, p->sync.answered && p->sync.synchronized ? "true" : "false");
    else
        sb_append(out, "null");
    json_key(out, "verification", false);
    if (p)
        verification_json(p, out);
    else
        sb_append(out, "null");
    json_key(out, "actions", false);
    json_strv(out, r->actions ? r->actions : &empty);
    json_key(out, "skip_reason", false);
    json_string_or_null(out, r->skipped);
    json_msgs(out, r->msgs);
}
