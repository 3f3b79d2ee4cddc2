/* apply: carry out a plan: check it, write the files, activate; undo on failure. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "apply.h"
#include "fileio.h"
#include "service.h"
#include "spawn.h"

/* Put back the first n changed files of the plan. 0 when all were restored. */
static int
restore_files(struct plan *p, size_t n, struct strv *actions)
{
    int ret = 0;

    for (size_t i = n; i-- > 0;) {
        struct file_change *f = p->files[i];

        if (!file_change_differs(f))
            continue;
        if (f->existed) {
            if (fileio_replace(f->disk_path, f->before.buf, f->before.len, f->after.buf,
                               f->after.len, NULL, false, p->m) < 0)
                ret = -1;
            else
                strv_push_owned(actions, xasprintf("restored %s", f->disk_path));
        } else if (fileio_remove(f->disk_path, f->after.buf, f->after.len, p->m) < 0) {
            ret = -1;
        } else {
            strv_push_owned(actions, xasprintf("removed %s", f->disk_path));
        }
    }
    return ret;
}

/* chrony re-reads its sourcedir files on "chronyc reload sources"; when that is not possible
 * (chronyd not running) the service is restarted instead. */
static enum service_outcome
activate(struct plan *p, struct strv *actions)
{
    if (p->activation == ACTION_RELOAD_SOURCES) {
        char *chronyc = spawn_find_program("chronyc");

        if (chronyc) {
            const char *argv[] = { chronyc, "reload", "sources", NULL };
            int rc = service_run(argv, NULL, NULL);

            free(chronyc);
            if (rc == 0) {
                strv_push(actions, "reloaded chrony's sources (chronyc reload sources)");
                return SERVICE_DONE;
            }
        }
    }
    return service_restart(p->host, p->service, actions, p->m);
}

/* Stop and disable the other time daemons (reported only in a dry run; under a root, where
 * no service is touched, a warning says what to do). True when something was (or would be)
 * done. A failure is a warning: the files are right, the other daemon needs a person. */
static bool
stop_conflicts(struct plan *p, struct strv *actions)
{
    const struct settings *s = p->settings;
    bool acted = false;

    for (size_t i = 0; i < p->conflicts.n; i++) {
        const char *svc = p->conflicts.v[i];

        if (!p->host->live) {
            msg_warn(p->m, "%s is enabled in %s: stop and disable it there (nothing is done to "
                     "services under --root)", svc, p->host->root);
        } else if (s->dry_run) {
            strv_push_owned(actions, xasprintf("would stop and disable %s", svc));
            acted = true;
        } else if (s->no_restart) {
            msg_warn(p->m, "%s also runs: stop and disable it (not done: --no-restart)", svc);
        } else {
            struct msgs errs = { 0 };

            if (service_stop_disable(p->host, svc, actions, &errs) == SERVICE_FAILED)
                for (size_t j = 0; j < errs.errors.n; j++)
                    msg_warn(p->m, "could not stop and disable %s: %s", svc, errs.errors.v[j]);
            for (size_t j = 0; j < errs.warnings.n; j++)
                msg_warn(p->m, "%s", errs.warnings.v[j]);
            for (size_t j = 0; j < errs.notes.n; j++)
                msg_note(p->m, "%s", errs.notes.v[j]);
            msgs_free(&errs);
            acted = true;
        }
    }
    return acted;
}

enum apply_status
apply_run(struct plan *p, struct strv *actions)
{
    const struct settings *s = p->settings;
    size_t written = 0;
    enum service_outcome so;

    if (plan_changed_count(p) == 0)
        return stop_conflicts(p, actions) ? APPLY_CHANGED : APPLY_UNCHANGED;
    if (p->backend->validate && p->backend->validate(p) < 0)
        return APPLY_FAILED_RESTORED;          /* nothing was written */
    if (s->dry_run) {
        stop_conflicts(p, actions);
        return APPLY_CHANGED;
    }

    for (written = 0; written < p->n_files; written++) {
        struct file_change *f = p->files[written];

        if (!file_change_differs(f))
            continue;
        if (fileio_replace(f->disk_path, f->after.buf, f->after.len,
                           f->existed ? f->before.buf : NULL, f->before.len,
                           f->existed ? &f->st : NULL, true, p->m) < 0)
            goto undo;
        strv_push_owned(actions, xasprintf("%s %s", f->existed ? "changed" : "created",
                                           f->disk_path));
    }
    if (!p->host->live || s->no_restart)
        return APPLY_CHANGED;

    stop_conflicts(p, actions);
    so = activate(p, actions);
    if (so != SERVICE_FAILED)
        return APPLY_CHANGED;
    written = p->n_files;
    if (restore_files(p, written, actions) < 0)
        return APPLY_FAILED_UNRESTORED;
    {
        /* Bring the service back up with the old configuration. */
        struct msgs again = { 0 };

        so = service_restart(p->host, p->service, actions, &again);
        msgs_free(&again);
        return so == SERVICE_FAILED ? APPLY_FAILED_UNRESTORED : APPLY_FAILED_RESTORED;
    }

undo:
    return restore_files(p, written, actions) < 0 ? APPLY_FAILED_UNRESTORED
                                                   : APPLY_FAILED_RESTORED;
}
