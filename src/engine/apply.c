/* SPDX-License-Identifier: Apache-2.0 */
/* apply: carry out a plan: check it, write the files, activate; undo on failure. */
#include "config.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "alloc.h"
#include "apply.h"
#include "backend.h"
#include "fileio.h"
#include "firewall.h"
#include "msgs.h"
#include "paths.h"
#include "service.h"
#include "spawn.h"
#include "strbuf.h"
#include "strv.h"
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

/* Where only the sources changed, the daemon re-reads them (the backend's reload_sources);
 * when it has no way to, or that is not possible (the daemon not running), the service is
 * restarted instead. */
static enum service_outcome
activate(struct plan *p, struct strv *actions)
{
    if (p->activation == ACTION_RELOAD_SOURCES && p->backend->reload_sources &&
        p->backend->reload_sources(actions) == 0)
        return SERVICE_DONE;
    return service_restart(p->host, p->service, actions, p->m);
}

/* The services a run stopped, with their state before, so that an undo puts them back. */
struct stopped {
    struct strv names;
    struct service_state *before;     /* one per name */
};

static void
stopped_add(struct stopped *s, const char *name, const struct service_state *before)
{
    strv_push(&s->names, name);
    s->before = xrealloc(s->before, s->names.n * sizeof(*s->before));
    s->before[s->names.n - 1] = *before;
}

/* Stop and disable the other time daemons (reported only in a dry run; under a root, where
 * no service is touched, a warning says what to do). The services stopped are appended to
 * stopped (may be NULL), each journaled first. True when something was (or would be) done.
 * A failure is a warning: the files are right, the other daemon needs a person. */
static bool
stop_conflicts(struct plan *p, struct txn *t, struct stopped *stopped, struct strv *actions)
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

            struct service_state before;

            service_query(p->host, svc, &before);
            if (t && txn_record_service(t, "stop-disable", svc, &before) < 0) {
                msg_warn(p->m, "%s was not stopped: the journal could not record it", svc);
                continue;
            }
            if (service_stop_disable(p->host, svc, actions, &errs) == SERVICE_FAILED)
                for (size_t j = 0; j < errs.errors.n; j++)
                    msg_warn(p->m, "could not stop and disable %s: %s", svc, errs.errors.v[j]);
            else if (stopped)
                stopped_add(stopped, svc, &before);
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

/* What the firewall's callbacks need: the run's journal, what was done, its messages. */
struct fw_ctx {
    struct txn *t;
    struct strv *actions;
    struct msgs *m;
};

/* firewall_opts.journal: each rule goes to the run's journal before it is added. */
static int
journal_firewall(void *ctx, const char *line)
{
    return txn_record_firewall(((struct fw_ctx *)ctx)->t, line);
}

/* firewall_opts.persist_file: a firewall's saved rules file, journaled and written like the
 * daemon's files, so that rollback restores it. */
static int
persist_firewall(void *ctx, const char *path, const char *before, size_t before_len,
                 const char *after, size_t after_len)
{
    struct fw_ctx *c = ctx;
    struct stat st;

    if (stat(path, &st) < 0 ||
        txn_record_file(c->t, path, true, &st, before, before_len, after, after_len) < 0 ||
        fileio_replace(path, after, after_len, before, before_len, &st, true, c->m) < 0)
        return -1;
    strv_push_owned(c->actions, xasprintf("changed %s (the firewall's rules at boot)", path));
    return 0;
}

/* Let NTP to the sources (and, with serve, from the clients in the serve networks) through
 * the host's firewall where it is blocked (not under --root, not with --no-firewall). A
 * firewall that cannot be opened is a warning: the time daemon's configuration is right,
 * and the firewall command or a person can finish. True when rules
 * were (or, in a dry run, would be) added. */
static bool
open_firewall(struct plan *p, struct txn *t, struct strv *actions, char **problem)
{
    const struct settings *s = p->settings;
    struct firewall_opts o = { 0 };
    struct msgs fm = { 0 };
    struct fw_ctx ctx = { t, actions, p->m };
    struct firewall_result res;
    enum firewall_status st;

    if (!p->host->live || s->no_firewall)
        return false;
    for (size_t i = 0; i < s->n_sources; i++)
        strv_push(&o.servers, s->sources[i].host);
    for (size_t i = 0; i < s->serve.n; i++)
        strv_push(&o.serve, s->serve.v[i]);
    o.dry_run = s->dry_run;
    if (t) {
        o.journal = journal_firewall;
        o.persist_file = persist_firewall;
        o.journal_ctx = &ctx;
    }
    st = firewall_run(&o, &res, &fm);
    for (size_t i = 0; st == FIREWALL_CHANGED && i < res.n; i++)
        for (size_t j = 0; j < res.firewalls[i].n; j++)
            strv_push_owned(actions, xasprintf("firewall: %s %s",
                                               o.dry_run ? "would add:" : "added:",
                                               res.firewalls[i].rules[j].text));
    for (size_t i = 0; i < fm.errors.n; i++)
        msg_warn(p->m, "firewall: %s (run 'te-ntp-setup firewall' after fixing it)",
                 fm.errors.v[i]);
    if (problem && !*problem && (st == FIREWALL_FAILED || fm.errors.n))
        *problem = xasprintf("the firewall may block udp 123: %s",
                             fm.errors.n ? fm.errors.v[0] : "it could not be opened");
    for (size_t i = 0; i < fm.warnings.n; i++)
        msg_warn(p->m, "firewall: %s", fm.warnings.v[i]);
    msgs_free(&fm);
    firewall_result_free(&res);
    strv_free(&o.servers);
    strv_free(&o.serve);
    return st == FIREWALL_CHANGED;
}

/* Whether host is one of the sources the settings configure. */
static bool
configured_source(const struct settings *s, const char *host)
{
    for (size_t i = 0; i < s->n_sources; i++)
        if (strcasecmp(s->sources[i].host, host) == 0)
            return true;
    return false;
}

/* Whether every configured source is an address literal (then the daemon's selected source
 * can be compared with them without asking the resolver). */
static bool
all_literal(const struct settings *s)
{
    for (size_t i = 0; i < s->n_sources; i++) {
        unsigned char a[16];

        if (inet_pton(AF_INET, s->sources[i].host, a) != 1 &&
            inet_pton(AF_INET6, s->sources[i].host, a) != 1)
            return false;
    }
    return s->n_sources > 0;
}

/* When this run last wrote one of the plan's files: a synchronization state older than
 * that comes from the daemon before its restart. 0 when nothing was written. */
static time_t
written_at(const struct plan *p)
{
    time_t newest = 0;

    for (size_t i = 0; i < p->n_files; i++) {
        struct stat sb;

        if (file_change_differs(p->files[i]) && stat(p->files[i]->disk_path, &sb) == 0 &&
            sb.st_mtime > newest)
            newest = sb.st_mtime;
    }
    return newest;
}

/* After activation: does the daemon select a source? Not synchronized is reported with the
 * reason found, and makes the run exit 5; it is not undone: the configuration is valid, and
 * the servers may simply be unreachable for now (te-ntp-setup check tells more). skipped:
 * the service manager did not start the daemon (the warning said why); fw_problem: what
 * went wrong with the firewall, or NULL. */
static void
verify(struct plan *p, enum service_outcome activated, const char *fw_problem)
{
    const struct settings *s = p->settings;
    struct sync_status *v = &p->sync;
    struct service_state svc;

    if (s->no_verify || s->dry_run || !p->host->live || s->no_restart)
        return;
    if (apply_stop) {
        msg_note(p->m, "synchronization not verified: stopped by signal %d", (int)apply_stop);
        return;
    }
    p->verified = true;
    service_query(p->host, p->service, &svc);
    if (activated == SERVICE_SKIPPED || (svc.known && !svc.active)) {
        memset(v, 0, sizeof(*v));
        v->reachable = v->sources = -1;
        snprintf(v->how, sizeof(v->how), "the service manager");
        char *cond = activated == SERVICE_SKIPPED ? service_skip_condition(p->host, p->service)
                                                  : NULL;

        if (cond)
            snprintf(v->why, sizeof(v->why), "the daemon is not running (systemd skipped "
                     "%s.service: %s was not met)", p->service, cond);
        else
            snprintf(v->why, sizeof(v->why), "the daemon is not running (%s is not active)",
                     p->service);
        free(cond);
    } else {
        backend_verify(p->backend, p->host, written_at(p), s->verify_timeout, v);
        if (v->synchronized)
            v->why[0] = '\0';
        else if (!v->answered)
            snprintf(v->why, sizeof(v->why), "%s could not be asked (%s)", p->backend->name,
                     v->how);
        else if (fw_problem && v->reachable <= 0)
            snprintf(v->why, sizeof(v->why), "%s", fw_problem);
        else if (v->why[0])
            ;                                   /* the backend said why */
        else if (v->sources == 0)
            snprintf(v->why, sizeof(v->why), "the daemon has no source: the names may not "
                     "resolve (DNS)");
        else if (v->reachable == 0)
            snprintf(v->why, sizeof(v->why), "no reply from any source (unreachable, or "
                     "udp 123 blocked on the way)");
        else if (v->reachable > 0)
            snprintf(v->why, sizeof(v->why), "%d source%s reply but none was selected within "
                     "%d s", v->reachable, v->reachable == 1 ? "" : "s", s->verify_timeout);
        else
            snprintf(v->why, sizeof(v->why), "no source selected within %d s (%s)",
                     s->verify_timeout, v->how);
    }
    if (!v->synchronized) {
        msg_warn(p->m, "%s is configured but not synchronized: %s; run 'te-ntp-setup check' "
                 "to see more", p->backend->name, v->why);
    } else if (v->source[0] && s->mode == MODE_REPLACE &&
               (v->source_name[0] ? !configured_source(s, v->source_name)
                                  : all_literal(s) && !configured_source(s, v->source))) {
        msg_warn(p->m, "%s is synchronized to %s%s%s%s, which is not one of the configured "
                 "sources", p->backend->name, v->source, v->source_name[0] ? " (" : "",
                 v->source_name, v->source_name[0] ? ")" : "");
    }
}

/* Undo a run in place: files back, the service restarted with them, the daemons stopped
 * for it started again. */
static enum apply_status
undo(struct plan *p, size_t written, bool failed, bool restart, const struct stopped *stopped,
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
    /* the daemons stopped for this run: as they were (running, or only enabled) */
    for (size_t i = 0; stopped && i < stopped->names.n; i++) {
        const struct service_state *b = &stopped->before[i];
        enum service_outcome o =
            b->known ? service_set_state(p->host, stopped->names.v[i], b, actions, p->m)
                     : service_restart(p->host, stopped->names.v[i], actions, p->m);

        if (o == SERVICE_FAILED)
            st = APPLY_FAILED_UNRESTORED;
    }
    return st;
}

/* The journal of a run that changed the system could not be completed: it stays as an
 * interrupted run's, so the next run or rollback undoes the change. No success, then: exit 3,
 * saying where the backups are. */
static enum apply_status
commit_failed(struct plan *p)
{
    char *cur = hostinfo_path(p->host, TXN_DIR "/current");

    msg_error(p->m, "the change is in place, but its journal could not be completed: the "
              "backups and journal are in %s; the next run, or 'te-ntp-setup rollback%s%s', "
              "puts the old files back", cur, p->host->root ? " --root " : "",
              p->host->root ? p->host->root : "");
    free(cur);
    return APPLY_FAILED_UNRESTORED;
}

/* A journal names only the files rollback may restore (txn_manages), so the run writes no
 * other: a file the daemon reads from elsewhere (an include outside its directories) that
 * the plan would change is refused before anything is touched, naming the way out. 0 when
 * every file the plan changes is one of them. */
static int
outside_managed(struct plan *p)
{
    int bad = 0;

    for (size_t i = 0; i < p->n_files; i++) {
        const struct file_change *f = p->files[i];
        char *list;

        if (!file_change_differs(f) || txn_manages(f->path, p->backend->name))
            continue;
        list = txn_managed_list(p->backend->name);
        msg_error(p->m, "%s: the plan changes this file, but it is not one that rollback may "
                  "restore for %s (%s), so rollback could not put it back: refused, nothing "
                  "was changed. Move its lines into one of those files%s", f->disk_path,
                  p->backend->name, list,
                  p->settings->mode == MODE_REPLACE ? ", or leave it as it is with --mode merge"
                                                    : "");
        free(list);
        bad = -1;
    }
    return bad;
}

enum apply_status
apply_run(struct plan *p, struct strv *actions)
{
    const struct settings *s = p->settings;
    struct stopped stopped = { { 0 }, NULL };
    struct txn *t = NULL;
    size_t written = 0;
    enum apply_status st;
    enum service_outcome activated = SERVICE_DONE;
    struct service_state before;
    char *fw_problem = NULL;

    if (plan_changed_count(p) == 0) {
        struct service_state now;
        bool fw, acted;

        if (s->dry_run || !p->host->live || s->no_restart) {
            fw = open_firewall(p, NULL, actions, NULL);
            return stop_conflicts(p, NULL, NULL, actions) || fw ? APPLY_CHANGED
                                                                : APPLY_UNCHANGED;
        }
        apply_writing = 1;
        t = txn_begin(p->host->root, p->m);
        if (!t)
            return APPLY_FAILED_RESTORED;
        acted = stop_conflicts(p, t, NULL, actions);
        /* configured, but not running (stopped, or skipped before): start it */
        service_query(p->host, p->service, &now);
        if (now.known && !now.active) {
            struct msgs sm = { 0 };

            /* a daemon that does not start is what the verification reports (exit 5) */
            if (txn_record_service(t, "restart", p->service, &now) < 0)
                activated = SERVICE_FAILED;
            else
                activated = service_restart(p->host, p->service, actions, &sm);
            for (size_t i = 0; i < sm.errors.n; i++)
                msg_warn(p->m, "%s", sm.errors.v[i]);
            for (size_t i = 0; i < sm.warnings.n; i++)
                msg_warn(p->m, "%s", sm.warnings.v[i]);
            msgs_free(&sm);
            acted = acted || activated == SERVICE_DONE;
        }
        fw = open_firewall(p, t, actions, &fw_problem);
        if (acted || fw) {
            if (txn_commit(t) < 0) {
                free(fw_problem);
                return commit_failed(p);
            }
        } else {
            txn_discard(t);
        }
        verify(p, activated, fw_problem);
        free(fw_problem);
        return acted || fw ? APPLY_CHANGED : APPLY_UNCHANGED;
    }
    if (outside_managed(p) < 0)
        return APPLY_INVALID;                  /* nothing was written */
    if (p->backend->validate && p->backend->validate(p) < 0)
        return APPLY_FAILED_RESTORED;          /* nothing was written */
    if (s->dry_run) {
        stop_conflicts(p, NULL, NULL, actions);
        open_firewall(p, NULL, actions, NULL);
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
        open_firewall(p, t, actions, NULL);
        st = APPLY_CHANGED;
        goto out;
    }

    stop_conflicts(p, t, &stopped, actions);
    service_query(p->host, p->service, &before);
    if (txn_record_service(t, "restart", p->service, &before) < 0 ||
        (activated = activate(p, actions)) == SERVICE_FAILED) {
        st = undo(p, p->n_files, false, true, &stopped, actions);
        goto out;
    }
    open_firewall(p, t, actions, &fw_problem);
    if (activated == SERVICE_DENIED)     /* the daemon still runs its old configuration */
        msg_note(p->m, "synchronization not verified: %s was not restarted", p->service);
    else
        verify(p, activated, fw_problem);
    st = APPLY_CHANGED;
out:
    if (st == APPLY_CHANGED) {
        if (txn_commit(t) < 0)
            st = commit_failed(p);
    } else if (st == APPLY_FAILED_RESTORED) {
        txn_discard(t);
    } else {
        /* Keep the journal as an interrupted run: 'te-ntp-setup rollback' can finish. */
        char *cur = hostinfo_path(p->host, TXN_DIR "/current");

        msg_error(p->m, "the system could not be restored; the backups and journal are in "
                  "%s: fix the cause, then run 'te-ntp-setup rollback%s%s'", cur,
                  p->host->root ? " --root " : "", p->host->root ? p->host->root : "");
        free(cur);
        txn_abandon(t);
    }
    strv_free(&stopped.names);
    free(stopped.before);
    free(fw_problem);
    return st;
}
