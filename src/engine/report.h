/* SPDX-License-Identifier: Apache-2.0 */
/* report: the text and JSON reports of a run. */
#ifndef TE_REPORT_H
#define TE_REPORT_H

#include <stdbool.h>

#include "apply.h"
#include "plan.h"

/* The report of an apply run. plan may be NULL when the run failed before planning. */
struct apply_report {
    const struct plan *plan;
    const struct settings *settings;
    enum apply_status status;
    const struct strv *actions;
    const struct msgs *msgs;
    const char *skipped;        /* why nothing was planned (--if-needed), or NULL */
    const struct ntp_backend *backend;  /* the implementation chosen, when plan is NULL */
    const char *service;                /* its service, when plan is NULL */
    bool unsynchronized_fails;  /* configured but not synchronized counts as failed (the
                                 * Ansible module without accept_unsynchronized) */
};

/* The human report (stdout) of an apply run; with_diff adds unified diffs. */
void report_apply_text(const struct apply_report *r, bool with_diff, struct strbuf *out);
/* One JSON object: changed, failed, restored, dry_run, implementation, service, root,
 * sources, serve, local_stratum, files (path, created, diff), synchronized (null when not
 * verified), verification (null, or synchronized, source, answered, reachable, sources,
 * offset, how, reason), actions, skip_reason, warnings, errors,
 * notes. */
void report_apply_json(const struct apply_report *r, struct strbuf *out);
/* The members of that object, without the braces (for objects that extend it). */
void report_apply_json_members(const struct apply_report *r, struct strbuf *out);
/* "nothing to change: ... already configured" (no newline), as the text report and the
 * Ansible module both say it. */
void report_nothing_to_change(const struct apply_report *r, struct strbuf *out);
/* True when the run failed (with unsynchronized_fails, also when not synchronized). */
bool report_failed(const struct apply_report *r);
/* True when the run configured the daemon but could not see it synchronize (exit 5). */
bool report_unsynchronized(const struct apply_report *r);

#endif
