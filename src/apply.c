/* apply: carry out a plan: check it, write the files, activate; undo on failure. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "apply.h"
#include "fileio.h"
#include "firewall.h"
#include "service.h"
#include "spawn.h"
#include "txn.h"

volatile sig_atomic_t apply_stop;
volatile sig_atomic_t apply_writing;

/* Put back the first n changed files of the plan. A file that already holds its old text
 * is left alone. The last of them (when failed is true) is the file whose write failed:
 * put back only when it holds the new text (its write failed after the rename, say when
 * the directory could not be synced), else it was not written. 0 when all were restored. */
static int
restore_files(struct plan *p, size_t n, bool failed, struct strv *actions)
{
    int ret = 0;

    for (size_t i = n < p->n_files ? n : p->n_files; i-- > 0;) {
        struct file_change *f = p->files[i];

        if (!file_change_differs(f))
            continue;
        if (f->existed ? fileio_holds(f->disk_path, f->before.buf, f->before.len)
                       : !path_exists(f->disk_path))
            continue;
        if (failed && i == n - 1 && !fileio_holds(f->disk_path, f->after.buf, f->after.len))
            continue;
        if (f->existed) {
            if (fileio_replace_in(p->host->root, f->disk_path, f->before.buf, f->before.len,
                                  f->after.buf, f->after.len, NULL, false, p->m) < 0)
                ret = -1;
            else
                strv_push_owned(actions, xasprintf("restored %s", f->disk_path));
        } else if (fileio_remove_in(p->host->root, f->disk_path, f->after.buf, f->after.len,
                                    p->m) < 0) {
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
 * no service is touched, a warning says what to do). The services stopped are appended to
 * stopped (may be NULL), each journaled first. True when something was (or would be) done.
 * A failure is a warning: the files are right, the other daemon needs a person. */
static bool
stop_conflicts(struct plan *p, struct txn *t, struct strv *stopped, struct strv *actions)
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

            if (t && txn_record_service(t, "stop-disable", svc) < 0) {
                msg_warn(p->m, "%s was not stopped: the journal could not record it", svc);
                continue;
            }
            if (service_stop_disable(p->host, svc, actions, &errs) == SERVICE_FAILED)
                for (size_t j = 0; j < errs.errors.n; j++)
                    msg_warn(p->m, "could not stop and disable %s: %s", svc, errs.errors.v[j]);
            else if (stopped)
                strv_push(stopped, svc);
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

/* Let NTP to the sources (and, with serve, from the clients in the serve networks) through
 * the host's firewall where it is blocked (not under --root, not with --no-firewall). A firewall that cannot be opened is a warning: the time daemon's
 * configuration is right, and the firewall command or a person can finish. True when rules
 * were (or, in a dry run, would be) added. */
static bool
open_firewall(struct plan *p, struct strv *actions)
{
    const struct settings *s = p->settings;
    struct firewall_opts o = { 0 };
    struct msgs fm = { 0 };
    struct strbuf out;
    enum firewall_status st;
    char *save = NULL;

    if (!p->host->live || s->no_firewall)
        return false;
    for (size_t i = 0; i < s->n_sources; i++)
        strv_push(&o.servers, s->sources[i].host);
    for (size_t i = 0; i < s->serve.n; i++)
        strv_push(&o.serve, s->serve.v[i]);
    o.dry_run = s->dry_run;
    sb_init(&out);
    st = firewall_run(&o, &out, &fm);
    if (st == FIREWALL_CHANGED)
        for (char *l = strtok_r(out.buf, "\n", &save); l; l = strtok_r(NULL, "\n", &save))
            if (strstr(l, "added:") || strstr(l, "would add:"))
                strv_push_owned(actions, xasprintf("firewall: %s", l + strspn(l, " ")));
    for (size_t i = 0; i < fm.errors.n; i++)
        msg_warn(p->m, "firewall: %s (run 'te-ntp-setup firewall' after fixing it)",
                 fm.errors.v[i]);
    for (size_t i = 0; i < fm.warnings.n; i++)
        msg_warn(p->m, "firewall: %s", fm.warnings.v[i]);
    msgs_free(&fm);
    sb_free(&out);
    strv_free(&o.servers);
    strv_free(&o.serve);
    return st == FIREWALL_CHANGED;
}

/* After activation: does the daemon select a source? A failure here is reported, not undone:
 * the configuration is valid and running, and the servers may simply be unreachable for now
 * (te-ntp-setup check tells why). */
static void
verify(struct plan *p)
{
    const struct settings *s = p->settings;

    if (s->no_verify || s->dry_run || !p->host->live || s->no_restart)
        return;
    if (apply_stop) {
        msg_note(p->m, "synchronization not verified: stopped by signal %d", (int)apply_stop);
        return;
    }
    backend_verify(p, s->verify_timeout, &p->sync);
    p->verified = true;
    if (!p->sync.answered)
        msg_warn(p->m, "could not ask %s whether the clock is synchronized (%s)",
                 p->backend->name, p->sync.how);
    else if (!p->sync.synchronized)
        msg_warn(p->m, "%s has not synchronized to any source within %d s (reachable sources: "
                 "%d); run 'te-ntp-setup check' to see why", p->backend->name,
                 s->verify_timeout, p->sync.reachable);
}

/* Undo a run in place: files back, the service restarted with them, the daemons stopped
 * for it started again. */
static enum apply_status
undo(struct plan *p, size_t written, bool failed, bool restart, const struct strv *stopped,
     struct strv *actions)
{
    enum apply_status st = APPLY_FAILED_RESTORED;

    if (restore_files(p, written, failed, actions) < 0)
        return APPLY_FAILED_UNRESTORED;
    if (restart) {
        struct msgs again = { 0 };

        if (service_restart(p->host, p->service, actions, &again) == SERVICE_FAILED)
            msg_warn(p->m, "%s does not start with its previous configuration either",
                     p->service);
        msgs_free(&again);
    }
    for (size_t i = 0; stopped && i < stopped->n; i++)
        if (service_restart(p->host, stopped->v[i], actions, p->m) == SERVICE_FAILED)
            st = APPLY_FAILED_UNRESTORED;
    return st;
}

enum apply_status
apply_run(struct plan *p, struct strv *actions)
{
    const struct settings *s = p->settings;
    struct strv stopped = { 0 };
    struct txn *t = NULL;
    size_t written = 0;
    enum apply_status st;
    enum service_outcome activated = SERVICE_DONE;

    if (plan_changed_count(p) == 0) {
        bool fw = open_firewall(p, actions);

        if (s->dry_run || !p->host->live || s->no_restart || p->conflicts.n == 0)
            return stop_conflicts(p, NULL, NULL, actions) || fw ? APPLY_CHANGED
                                                                : APPLY_UNCHANGED;
        apply_writing = 1;
        t = txn_begin(p->host->root, p->m);
        if (!t)
            return APPLY_FAILED_RESTORED;
        stop_conflicts(p, t, NULL, actions);
        txn_commit(t);
        return APPLY_CHANGED;
    }
    if (p->backend->validate && p->backend->validate(p) < 0)
        return APPLY_FAILED_RESTORED;          /* nothing was written */
    if (s->dry_run) {
        stop_conflicts(p, NULL, NULL, actions);
        open_firewall(p, actions);
        return APPLY_CHANGED;
    }

    apply_writing = 1;
    if (apply_stop) {                            /* signalled during an earlier undo */
        msg_error(p->m, "stopped by signal %d: nothing written", (int)apply_stop);
        return APPLY_FAILED_RESTORED;
    }
    t = txn_begin(p->host->root, p->m);
    if (!t)
        return APPLY_FAILED_RESTORED;
    if (txn_record_implementation(t, p->backend->name) < 0) {
        txn_discard(t);
        return APPLY_FAILED_RESTORED;
    }
    for (written = 0; written < p->n_files; written++) {
        struct file_change *f = p->files[written];

        if (!file_change_differs(f))
            continue;
        if (txn_record_file(t, f->disk_path, f->existed, &f->st, f->before.buf, f->before.len,
                            f->after.buf, f->after.len) < 0 ||
            fileio_replace_in(p->host->root, f->disk_path, f->after.buf, f->after.len,
                              f->existed ? f->before.buf : NULL, f->before.len,
                              f->existed ? &f->st : NULL, true, p->m) < 0) {
            /* This file too: its write may have failed after the rename. */
            st = undo(p, written + 1, true, false, NULL, actions);
            goto out;
        }
        strv_push_owned(actions, xasprintf("%s %s", f->existed ? "changed" : "created",
                                           f->disk_path));
        if (apply_stop) {
            msg_error(p->m, "stopped by signal %d while writing: the files are put back",
                      (int)apply_stop);
            st = undo(p, written + 1, false, false, NULL, actions);
            goto out;
        }
    }
    if (!p->host->live || s->no_restart) {
        open_firewall(p, actions);
        st = APPLY_CHANGED;
        goto out;
    }

    stop_conflicts(p, t, &stopped, actions);
    if (txn_record_service(t, "restart", p->service) < 0 ||
        (activated = activate(p, actions)) == SERVICE_FAILED) {
        st = undo(p, p->n_files, false, true, &stopped, actions);
        goto out;
    }
    open_firewall(p, actions);
    if (activated == SERVICE_DENIED)     /* the daemon still runs its old configuration */
        msg_note(p->m, "synchronization not verified: %s was not restarted", p->service);
    else
        verify(p);
    st = APPLY_CHANGED;
out:
    if (st == APPLY_CHANGED) {
        if (txn_commit(t) < 0)
            msg_warn(p->m, "the change is in place, but 'te-ntp-setup rollback' will not be "
                     "able to undo it");
    } else if (st == APPLY_FAILED_RESTORED) {
        txn_discard(t);
    } else {
        /* Keep the journal as an interrupted run: 'te-ntp-setup rollback' can finish. */
        msg_error(p->m, "the system could not be restored; the backups and journal are in "
                  TXN_DIR "/current: fix the cause, then run 'te-ntp-setup rollback'");
        txn_abandon(t);
    }
    strv_free(&stopped);
    return st;
}
