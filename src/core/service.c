/* SPDX-License-Identifier: Apache-2.0 */
/* service: restart, reload and enable a service through the target's init system. */
#include "config.h"

#include <glob.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "alloc.h"
#include "msgs.h"
#include "paths.h"
#include "service.h"
#include "spawn.h"
#include "strbuf.h"
#include "strv.h"

#define SERVICE_TIMEOUT_MS 90000

int
service_run(const char *const argv[], int *status, struct msgs *m)
{
    struct spawn_result res;
    int rc = spawn_run(argv, NULL, SERVICE_TIMEOUT_MS, &res);

    if (status)
        *status = res.exit_code;
    if (rc != 0 && m) {
        char *how = spawn_describe(&res);
        const char *why = res.err.len ? res.err.buf : res.out.buf;
        char *cmd = argv_join(argv);

        msg_error(m, "%s %s%s%.*s", cmd, how, *why ? ": " : "", (int)strcspn(why, "\n"), why);
        free(cmd);
        free(how);
    }
    spawn_result_free(&res);
    return rc;
}

/* Run systemctl with args and unit; its exit status (-1: not run). Output to out (may be
 * NULL). */
static int
systemctl_status(const char *systemctl, const char *a1, const char *a2, const char *unit,
                 struct strbuf *out)
{
    const char *argv[6] = { systemctl, a1 };
    struct spawn_result res;
    size_t n = 2;
    int status;

    if (a2)
        argv[n++] = a2;
    argv[n++] = unit;
    argv[n] = NULL;
    if (spawn_run(argv, NULL, SERVICE_TIMEOUT_MS, &res) < 0 || res.timed_out)
        status = -1;
    else
        status = res.exit_code;
    if (out)
        sb_append(out, res.out.buf);
    spawn_result_free(&res);
    return status;
}

/* systemd skipped a start because a condition of the unit was not met (ConditionResult=no):
 * the condition as systemctl status names it ("ConditionCapability=CAP_SYS_TIME"), or "a
 * condition of the unit" when it does not say; NULL when the unit was not skipped. */
static char *
systemd_skipped(const char *systemctl, const char *unit)
{
    struct strbuf out;
    char *cond = NULL;

    sb_init(&out);
    systemctl_status(systemctl, "show", "--property=ActiveState,ConditionResult", unit, &out);
    if (!strstr(out.buf, "ConditionResult=no")) {
        sb_free(&out);
        return NULL;
    }
    sb_reset(&out);
    systemctl_status(systemctl, "status", "--no-pager", unit, &out);
    {
        char *save = NULL;

        for (char *l = strtok_r(out.buf, "\n", &save); l && !cond;
             l = strtok_r(NULL, "\n", &save)) {
            char *end = strstr(l, " was not met"), *start;

            if (!end)
                continue;
            for (start = end; start > l && start[-1] != ' '; start--)
                ;
            if (strncmp(start, "Condition", 9) == 0 || strncmp(start, "Assert", 6) == 0)
                cond = xasprintf("%.*s", (int)(end - start), start);
        }
    }
    sb_free(&out);
    return cond ? cond : xstrdup("a condition of the unit");
}

static enum service_outcome
systemd_restart(const char *service, struct strv *done, struct msgs *m)
{
    char *systemctl = spawn_find_program("systemctl");
    char *unit = xasprintf("%s.service", service);
    enum service_outcome out = SERVICE_FAILED;

    if (!systemctl) {
        msg_error(m, "systemd runs but systemctl was not found");
        goto done;
    }
    /* enabled only when it was not: a run that changes nothing says nothing about it */
    if (systemctl_status(systemctl, "is-enabled", "--quiet", unit, NULL) != 0) {
        const char *argv[] = { systemctl, "enable", "--quiet", unit, NULL };
        struct msgs warn = { 0 };

        if (service_run(argv, NULL, &warn) == 0)
            strv_push_owned(done, xasprintf("enabled %s", unit));
        else if (warn.errors.n)
            msg_warn(m, "%s", warn.errors.v[0]);
        msgs_free(&warn);
    }
    {
        const char *argv[] = { systemctl, "restart", unit, NULL };

        if (service_run(argv, NULL, m) != 0)
            goto done;
    }
    /* systemctl restart exits 0 also when systemd skipped the unit: ask whether it runs */
    if (systemctl_status(systemctl, "is-active", "--quiet", unit, NULL) == 0) {
        strv_push_owned(done, xasprintf("restarted %s", unit));
        out = SERVICE_DONE;
    } else {
        char *cond = systemd_skipped(systemctl, unit);

        if (cond) {
            msg_warn(m, "%s was not started: systemd skipped it, %s was not met (a container "
                     "without CAP_SYS_TIME lacks what the time daemons' units require)", unit,
                     cond);
            free(cond);
            out = SERVICE_SKIPPED;
        } else {
            msg_error(m, "%s is not running after 'systemctl restart %s' (systemctl is-active "
                      "says so; see 'systemctl status %s')", unit, unit, unit);
        }
    }
done:
    free(systemctl);
    free(unit);
    return out;
}

/* How long a stopped daemon may take to go away, and how often the script is asked. */
#define SYSV_STOP_WAIT_MS 15000
#define SYSV_STATUS_TIMEOUT_MS 10000
/* How long a service restarted by rc-service may take to say it is started. */
#define OPENRC_START_WAIT_MS 5000

/* One step of a bounded wait: sleep 100 ms and count it in *waited_ms; false (no sleep) once
 * limit_ms are spent. */
static bool
wait_step(int *waited_ms, int limit_ms)
{
    const struct timespec step = { 0, 100 * 1000 * 1000 };

    if (*waited_ms >= limit_ms)
        return false;
    nanosleep(&step, NULL);
    *waited_ms += 100;
    return true;
}

/* The init script's LSB status: 0 running, 3 not running; 1 and 2 (dead, a pid or lock
 * file left), 4 (unknown) or anything else: not known (a script without a status action
 * exits with its usage). -1 when it could not be run. */
static int
sysv_status(const char *script)
{
    const char *argv[] = { script, "status", NULL };
    struct spawn_result res;
    int status;

    if (spawn_run(argv, NULL, SYSV_STATUS_TIMEOUT_MS, &res) < 0)
        status = -1;
    else
        status = res.exit_code;
    spawn_result_free(&res);
    return status;
}

/* One action of the init script, through invoke-rc.d where there is one. invoke-rc.d runs
 * the script unless the local policy (policy-rc.d) denies it, and then exits 0, as
 * maintainer scripts want: only --disclose-deny makes a denial exit 101. */
static enum service_outcome
sysv_action(const char *invoke, const char *script, const char *service, const char *action,
            struct msgs *m)
{
    enum service_outcome out = SERVICE_FAILED;

    if (invoke) {
        const char *argv[] = { invoke, "--disclose-deny", service, action, NULL };
        struct msgs errs = { 0 };
        int status = 0, rc = service_run(argv, &status, &errs);

        if (rc == 0)
            out = SERVICE_DONE;
        else if (rc == 1 && status == 101)
            out = SERVICE_DENIED;
        else
            for (size_t i = 0; i < errs.errors.n; i++)
                msg_error(m, "%s", errs.errors.v[i]);
        msgs_free(&errs);
    } else {
        const char *argv[] = { script, action, NULL };

        if (service_run(argv, NULL, m) == 0)
            out = SERVICE_DONE;
    }
    return out;
}

/* Restart as stop, wait until the daemon is gone, start, and check that it runs. Init
 * scripts' "restart" is often "stop; start" where stop only sends SIGTERM (Debian's chrony
 * does): start then finds the old daemon still running, does nothing, the old one exits,
 * and no daemon is left although the restart succeeded. */
static enum service_outcome
sysv_restart(const char *service, struct strv *done, struct msgs *m)
{
    char *invoke = spawn_find_program("invoke-rc.d");
    char *script = xasprintf("/etc/init.d/%s", service);
    enum service_outcome out = SERVICE_FAILED;
    int before, waited = 0;

    if (!is_executable(script)) {
        /* invoke-rc.d would not run it either, and exit 0 or 101 as for a denial */
        msg_error(m, "no init script %s to restart the service", script);
        goto done;
    }
    before = sysv_status(script);
    out = sysv_action(invoke, script, service, "stop", m);
    if (out == SERVICE_DENIED)
        msg_warn(m, "invoke-rc.d: restarting %s was denied by the local policy (policy-rc.d); "
                 "restart it yourself", service);
    if (out != SERVICE_DONE)
        goto done;
    while (before == 0 && sysv_status(script) == 0) {
        if (!wait_step(&waited, SYSV_STOP_WAIT_MS)) {
            msg_warn(m, "%s still runs %d s after '%s stop'; starting it anyway", service,
                     SYSV_STOP_WAIT_MS / 1000, script);
            break;
        }
    }
    out = sysv_action(invoke, script, service, "start", m);
    if (out == SERVICE_DENIED) {
        msg_error(m, "invoke-rc.d: starting %s was denied by the local policy (policy-rc.d) "
                  "after it was stopped", service);
        out = SERVICE_FAILED;
    }
    if (out == SERVICE_DONE && (before == 0 || before == 3) && sysv_status(script) != 0) {
        msg_error(m, "%s is not running after '%s start' (its status says so)", service, script);
        out = SERVICE_FAILED;
    }
    if (out == SERVICE_DONE)
        strv_push_owned(done, xasprintf("restarted %s (%s)", service,
                                        invoke ? "invoke-rc.d" : script));
done:
    free(invoke);
    free(script);
    return out;
}

/* Whether an OpenRC service is in the default runlevel. */
static bool
openrc_enabled(const char *service)
{
    char *link = xasprintf("/etc/runlevels/default/%s", service);
    bool r = path_exists(link);

    free(link);
    return r;
}

static enum service_outcome
openrc_restart(const char *service, struct strv *done, struct msgs *m)
{
    char *rc_service = spawn_find_program("rc-service");
    char *rc_update = spawn_find_program("rc-update");
    enum service_outcome out = SERVICE_FAILED;

    if (!rc_service) {
        msg_error(m, "OpenRC runs but rc-service was not found");
        goto done;
    }
    if (rc_update && !openrc_enabled(service)) {
        const char *argv[] = { rc_update, "add", service, "default", NULL };

        if (service_run(argv, NULL, NULL) == 0)
            strv_push_owned(done, xasprintf("enabled %s (rc-update)", service));
    }
    {
        const char *argv[] = { rc_service, service, "restart", NULL };
        const char *status[] = { rc_service, service, "status", NULL };
        int waited = 0;

        if (service_run(argv, NULL, m) != 0)
            goto done;
        /* A daemon that forks writes its pid file a moment after the start returned: until
         * then OpenRC's status says "crashed" (the live test saw it on a loaded machine). */
        while (service_run(status, NULL, NULL) != 0) {
            if (!wait_step(&waited, OPENRC_START_WAIT_MS)) {
                msg_error(m, "%s is not running after 'rc-service %s restart' (its status "
                          "says so for %d s)", service, service, OPENRC_START_WAIT_MS / 1000);
                goto done;
            }
        }
        strv_push_owned(done, xasprintf("restarted %s (rc-service)", service));
        out = SERVICE_DONE;
    }
done:
    free(rc_service);
    free(rc_update);
    return out;
}

enum service_outcome
service_restart(const struct hostinfo *h, const char *service, struct strv *done,
                struct msgs *m)
{
    switch (h->init) {
    case INIT_SYSTEMD:
        return systemd_restart(service, done, m);
    case INIT_OPENRC:
        return openrc_restart(service, done, m);
    default:
        return sysv_restart(service, done, m);
    }
}

static enum service_outcome
systemd_stop_disable(const char *service, struct strv *done, struct msgs *m)
{
    char *systemctl = spawn_find_program("systemctl");
    char *unit = xasprintf("%s.service", service);
    enum service_outcome out = SERVICE_FAILED;

    if (!systemctl) {
        msg_error(m, "systemd runs but systemctl was not found");
    } else {
        const char *argv[] = { systemctl, "disable", "--now", "--quiet", unit, NULL };

        if (service_run(argv, NULL, m) == 0) {
            strv_push_owned(done, xasprintf("stopped and disabled %s", unit));
            out = SERVICE_DONE;
        }
    }
    free(systemctl);
    free(unit);
    return out;
}

static enum service_outcome
sysv_stop_disable(const char *service, struct strv *done, struct msgs *m)
{
    char *script = xasprintf("/etc/init.d/%s", service);
    char *invoke = spawn_find_program("invoke-rc.d");
    char *update = spawn_find_program("update-rc.d");
    char *chkconfig = spawn_find_program("chkconfig");
    enum service_outcome out = SERVICE_DONE;

    if (!is_executable(script)) {
        msg_note(m, "%s has no init script here: nothing to stop", service);
        goto done;
    }
    switch (sysv_action(invoke, script, service, "stop", m)) {
    case SERVICE_DONE:
        strv_push_owned(done, xasprintf("stopped %s (%s)", service,
                                        invoke ? "invoke-rc.d" : script));
        break;
    case SERVICE_DENIED:
        msg_warn(m, "invoke-rc.d: stopping %s was denied by the local policy (policy-rc.d); "
                 "stop it yourself", service);
        out = SERVICE_DENIED;
        break;
    default:
        out = SERVICE_FAILED;
    }
    if (update) {
        const char *argv[] = { update, service, "disable", NULL };

        if (service_run(argv, NULL, m) == 0)
            strv_push_owned(done, xasprintf("disabled %s (update-rc.d)", service));
        else
            out = SERVICE_FAILED;
    } else if (chkconfig) {
        const char *argv[] = { chkconfig, service, "off", NULL };

        if (service_run(argv, NULL, m) == 0)
            strv_push_owned(done, xasprintf("disabled %s (chkconfig)", service));
        else
            out = SERVICE_FAILED;
    }
done:
    free(script);
    free(invoke);
    free(update);
    free(chkconfig);
    return out;
}

static enum service_outcome
openrc_stop_disable(const char *service, struct strv *done, struct msgs *m)
{
    char *rc_service = spawn_find_program("rc-service");
    char *rc_update = spawn_find_program("rc-update");
    enum service_outcome out = SERVICE_FAILED;

    if (!rc_service || !rc_update) {
        msg_error(m, "OpenRC runs but rc-service or rc-update was not found");
        goto done;
    }
    {
        const char *stop[] = { rc_service, service, "stop", NULL };
        const char *del[] = { rc_update, "del", service, "default", NULL };

        if (service_run(stop, NULL, m) == 0) {
            strv_push_owned(done, xasprintf("stopped %s (rc-service)", service));
            if (service_run(del, NULL, m) == 0) {
                strv_push_owned(done, xasprintf("disabled %s (rc-update)", service));
                out = SERVICE_DONE;
            }
        }
    }
done:
    free(rc_service);
    free(rc_update);
    return out;
}

enum service_outcome
service_stop_disable(const struct hostinfo *h, const char *service, struct strv *done,
                     struct msgs *m)
{
    switch (h->init) {
    case INIT_SYSTEMD:
        return systemd_stop_disable(service, done, m);
    case INIT_OPENRC:
        return openrc_stop_disable(service, done, m);
    default:
        return sysv_stop_disable(service, done, m);
    }
}

/* Whether an init script is linked to start in a multi-user runlevel. */
static bool
sysv_enabled(const char *service)
{
    char *pattern = xasprintf("/etc/rc[2345].d/S[0-9][0-9]%s", service);
    glob_t g = { 0 };
    bool r = glob(pattern, GLOB_NOSORT, NULL, &g) == 0 && g.gl_pathc > 0;

    globfree(&g);
    free(pattern);
    return r;
}

void
service_query(const struct hostinfo *h, const char *service, struct service_state *st)
{
    memset(st, 0, sizeof(*st));
    if (!h->live)
        return;
    switch (h->init) {
    case INIT_SYSTEMD: {
        char *systemctl = spawn_find_program("systemctl");
        char *unit = xasprintf("%s.service", service);

        if (systemctl) {
            int a = systemctl_status(systemctl, "is-active", "--quiet", unit, NULL);
            int e = systemctl_status(systemctl, "is-enabled", "--quiet", unit, NULL);

            st->known = a >= 0 && e >= 0;
            st->active = a == 0;
            st->enabled = e == 0;
        }
        free(systemctl);
        free(unit);
        break;
    }
    case INIT_OPENRC: {
        char *rc_service = spawn_find_program("rc-service");

        if (rc_service) {
            const char *argv[] = { rc_service, service, "status", NULL };

            st->known = true;
            st->active = service_run(argv, NULL, NULL) == 0;
            st->enabled = openrc_enabled(service);
        }
        free(rc_service);
        break;
    }
    default: {
        char *script = xasprintf("/etc/init.d/%s", service);

        if (is_executable(script)) {
            int status = sysv_status(script);

            st->known = status == 0 || status == 3;
            st->active = status == 0;
            st->enabled = sysv_enabled(service);
        }
        free(script);
        break;
    }
    }
}

/* One step of service_set_state: run argv (argv[0] NULL: the tool is missing); "what
 * name" goes to done when it worked. False when it failed. */
static bool
set_step(const char *const argv[], const char *what, const char *name, struct strv *done,
         struct msgs *m)
{
    if (!argv[0]) {
        msg_error(m, "cannot put back %s: the init system's tool was not found", name);
        return false;
    }
    if (service_run(argv, NULL, m) != 0)
        return false;
    strv_push_owned(done, xasprintf("%s %s", what, name));
    return true;
}

enum service_outcome
service_set_state(const struct hostinfo *h, const char *service,
                  const struct service_state *want, struct strv *done, struct msgs *m)
{
    struct service_state now;
    bool ok = true;

    service_query(h, service, &now);
    if (!now.known) {
        msg_error(m, "cannot tell whether %s runs: its state was not put back", service);
        return SERVICE_FAILED;
    }
    if (h->init == INIT_SYSTEMD) {
        char *systemctl = spawn_find_program("systemctl");
        char *unit = xasprintf("%s.service", service);

        if (want->enabled != now.enabled) {
            const char *argv[] = { systemctl, want->enabled ? "enable" : "disable", "--quiet",
                                   unit, NULL };

            ok = set_step(argv, want->enabled ? "enabled" : "disabled", unit, done, m) && ok;
        }
        if (want->active != now.active) {
            const char *argv[] = { systemctl, want->active ? "start" : "stop", unit, NULL };

            ok = set_step(argv, want->active ? "started" : "stopped", unit, done, m) && ok;
        }
        free(systemctl);
        free(unit);
    } else if (h->init == INIT_OPENRC) {
        char *rc_service = spawn_find_program("rc-service");
        char *rc_update = spawn_find_program("rc-update");

        if (want->enabled != now.enabled) {
            const char *argv[] = { rc_update, want->enabled ? "add" : "del", service,
                                   "default", NULL };

            ok = set_step(argv, want->enabled ? "enabled" : "disabled", service, done, m) && ok;
        }
        if (want->active != now.active) {
            const char *argv[] = { rc_service, service, want->active ? "start" : "stop", NULL };

            ok = set_step(argv, want->active ? "started" : "stopped", service, done, m) && ok;
        }
        free(rc_service);
        free(rc_update);
    } else {
        char *invoke = spawn_find_program("invoke-rc.d");
        char *update = spawn_find_program("update-rc.d");
        char *chkconfig = spawn_find_program("chkconfig");
        char *script = xasprintf("/etc/init.d/%s", service);

        if (want->enabled != now.enabled) {
            const char *u[] = { update, service, want->enabled ? "enable" : "disable", NULL };
            const char *c[] = { chkconfig, service, want->enabled ? "on" : "off", NULL };

            ok = set_step(update ? u : c, want->enabled ? "enabled" : "disabled", service, done,
                          m) && ok;
        }
        if (want->active != now.active) {
            const char *action = want->active ? "start" : "stop";

            switch (sysv_action(invoke, script, service, action, m)) {
            case SERVICE_DONE:
                strv_push_owned(done, xasprintf("%s %s", want->active ? "started" : "stopped",
                                                service));
                break;
            case SERVICE_DENIED:
                msg_warn(m, "invoke-rc.d: %s %s was denied by the local policy (policy-rc.d); "
                         "%s it yourself", want->active ? "starting" : "stopping", service,
                         action);
                break;
            default:
                ok = false;
            }
        }
        free(invoke);
        free(update);
        free(chkconfig);
        free(script);
    }
    return ok ? SERVICE_DONE : SERVICE_FAILED;
}

char *
service_skip_condition(const struct hostinfo *h, const char *service)
{
    char *systemctl, *unit, *cond = NULL;

    if (!h->live || h->init != INIT_SYSTEMD)
        return NULL;
    systemctl = spawn_find_program("systemctl");
    unit = xasprintf("%s.service", service);
    if (systemctl)
        cond = systemd_skipped(systemctl, unit);
    free(systemctl);
    free(unit);
    return cond;
}
