/* report: the text and JSON reports of a run. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "diff.h"
#include "json.h"
#include "report.h"

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
    return s == APPLY_FAILED_RESTORED || s == APPLY_FAILED_UNRESTORED;
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
    for (size_t i = 0; i < p->n_files; i++) {
        const struct file_change *f = p->files[i];

        if (!file_change_differs(f))
            continue;
        if (dry || failed(r->status))
            sb_printf(out, "%s %s\n", f->existed ? "would change" : "would create", f->disk_path);
        if (with_diff)
            file_diff(f, out);
    }
    if (dry && r->status == APPLY_CHANGED && p->host->live && !r->settings->no_restart)
        sb_printf(out, "would %s\n", p->activation == ACTION_RELOAD_SOURCES
                                      ? "reload chrony's sources" : "restart the service");
    for (size_t i = 0; r->actions && i < r->actions->n; i++)
        sb_printf(out, "%s\n", r->actions->v[i]);
    if (r->status == APPLY_UNCHANGED) {
        sb_append(out, "nothing to change:");
        for (size_t i = 0; i < r->settings->n_sources; i++)
            sb_printf(out, " %s", r->settings->sources[i].host);
        sb_append(out, " already configured\n");
    }
}

bool
report_failed(const struct apply_report *r)
{
    return failed(r->status);
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
    sb_append(out, failed(r->status) ? "true" : "false");
    json_key(out, "restored", false);
    sb_append(out, r->status == APPLY_FAILED_UNRESTORED ? "false" : "true");
    json_key(out, "dry_run", false);
    sb_append(out, r->settings->dry_run ? "true" : "false");
    json_key(out, "implementation", false);
    if (p)
        json_string(out, p->backend->name);
    else
        sb_append(out, "null");
    json_key(out, "service", false);
    if (p)
        json_string(out, p->service);
    else
        sb_append(out, "null");
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
    json_key(out, "actions", false);
    json_strv(out, r->actions ? r->actions : &empty);
    json_key(out, "skip_reason", false);
    if (r->skipped)
        json_string(out, r->skipped);
    else
        sb_append(out, "null");
    json_key(out, "warnings", false);
    json_strv(out, &r->msgs->warnings);
    json_key(out, "errors", false);
    json_strv(out, &r->msgs->errors);
    json_key(out, "notes", false);
    json_strv(out, &r->msgs->notes);
}
