/* SPDX-License-Identifier: Apache-2.0 */
/* backend: the list of NTP implementations and what they share. */
#include "config.h"

#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/timex.h>
#include <unistd.h>

#include "alloc.h"
#include "backend.h"
#include "msgs.h"
#include "paths.h"
#include "plan.h"
#include "strbuf.h"
#include "strv.h"

const struct ntp_backend *const backends[] = {
    &backend_chrony,
    &backend_ntpsec,
    &backend_ntpd,
    &backend_openntpd,
    &backend_timesyncd,
    NULL,
};

const struct ntp_backend *
backend_find(const char *name)
{
    for (size_t i = 0; backends[i]; i++)
        if (strcmp(backends[i]->name, name) == 0)
            return backends[i];
    return NULL;
}

const char *
backend_conf_path(const struct ntp_backend *b, const struct hostinfo *h)
{
    for (size_t i = 0; b->conf_paths[i]; i++)
        if (hostinfo_exists(h, b->conf_paths[i]))
            return b->conf_paths[i];
    return NULL;
}

/* Is the service enabled at boot: a link of an init system that will start it. On a live
 * host only the running init system's links count: Debian leaves systemd-timesyncd enabled
 * for systemd even where init is SysV, and there it never starts, so it is no conflict. An
 * image's init system is not known for sure: every kind of link counts. */
static bool
service_enabled(const struct hostinfo *h, const char *svc)
{
    static const struct {
        const char *prefix, *suffix;
        unsigned inits;                 /* bits of enum init_system that honour the link */
    } links[] = {
        { "/etc/systemd/system/multi-user.target.wants/", ".service", 1u << INIT_SYSTEMD },
        { "/etc/systemd/system/sysinit.target.wants/", ".service", 1u << INIT_SYSTEMD },
        { "/etc/runlevels/default/", "", 1u << INIT_OPENRC },
        /* systemd starts enabled init scripts too (systemd-sysv-generator) */
        { "/etc/rc[2345].d/S[0-9][0-9]", "", (1u << INIT_SYSV) | (1u << INIT_SYSTEMD) },
    };

    struct strbuf root;
    bool found = false;

    /* The root as a glob pattern that matches only itself. */
    sb_init(&root);
    for (const char *c = h->root ? h->root : ""; *c; c++) {
        if (strchr("*?[]\\", *c))
            sb_putc(&root, '\\');
        sb_putc(&root, *c);
    }
    for (size_t i = 0; !found && i < TE_ARRAY_LEN(links); i++) {
        glob_t g = { 0 };
        char *pattern;

        if (h->live && !(links[i].inits & (1u << h->init)))
            continue;
        pattern = xasprintf("%s%s%s%s", root.buf, links[i].prefix, svc, links[i].suffix);
        found = glob(pattern, GLOB_NOSORT, NULL, &g) == 0 && g.gl_pathc > 0;
        globfree(&g);
        free(pattern);
    }
    sb_free(&root);
    return found;
}

static bool
pid_alive_from(const struct hostinfo *h, const char *pidfile)
{
    struct strbuf sb;
    bool alive = false;

    if (!h->live)
        return false;
    sb_init(&sb);
    if (read_file(pidfile, 64, &sb) == 0) {
        long pid = strtol(sb.buf, NULL, 10);
        char *proc = xasprintf("/proc/%ld", pid);

        alive = pid > 1 && path_exists(proc);
        free(proc);
    }
    sb_free(&sb);
    return alive;
}

enum backend_state
backend_state(const struct ntp_backend *b, const struct hostinfo *h)
{
    bool installed = false;
    const char *svc = backend_service(b, h);

    if (b->installed)
        installed = b->installed(h);
    for (size_t i = 0; !b->installed && b->daemons[i] && !installed; i++)
        installed = hostinfo_exists(h, b->daemons[i]);
    if (!b->installed && !installed && !h->live)
        installed = backend_conf_path(b, h) != NULL;   /* an image: its files tell */
    if (!installed)
        return BACKEND_ABSENT;
    if (h->live) {
        char *pidfile = xasprintf("/run/%s/%s.pid", svc, svc);
        char *pidfile2 = xasprintf("/run/%s.pid", svc);
        /* systemd keeps this link while the unit runs */
        char *running = xasprintf("/run/systemd/units/invocation:%s.service", svc);
        bool active = pid_alive_from(h, pidfile) || pid_alive_from(h, pidfile2) ||
                      (h->init == INIT_SYSTEMD && path_exists(running));

        for (size_t i = 0; !active && b->pidfiles && b->pidfiles[i]; i++)
            active = pid_alive_from(h, b->pidfiles[i]);
        free(pidfile);
        free(pidfile2);
        free(running);
        if (active)
            return BACKEND_ACTIVE;
    }
    if (service_enabled(h, svc))
        return BACKEND_ENABLED;
    return BACKEND_INSTALLED;
}

void
backend_conflicts(const struct ntp_backend *b, const struct hostinfo *h, struct strv *out)
{
    const char *mine = backend_service(b, h);

    for (size_t i = 0; backends[i]; i++) {
        const char *svc;

        if (backends[i] == b || backend_state(backends[i], h) < BACKEND_ENABLED)
            continue;
        svc = backend_service(backends[i], h);
        if (strcmp(svc, mine) != 0 && !strv_contains(out, svc))
            strv_push(out, svc);
    }
}

const char *
backend_state_name(enum backend_state s)
{
    switch (s) {
    case BACKEND_ACTIVE:    return "active";
    case BACKEND_ENABLED:   return "enabled";
    case BACKEND_INSTALLED: return "installed";
    default:             return "absent";
    }
}

bool
backend_supports(const struct ntp_backend *b, const struct settings *s, struct msgs *m)
{
    bool ok = true;

    if (s->serve.n && b->no_serve) {
        msg_error(m, "%s", b->no_serve);
        ok = false;
    }
    if (s->local_stratum && b->no_local_stratum && !(s->serve.n && b->no_serve)) {
        msg_error(m, "%s", b->no_local_stratum);
        ok = false;
    }
    return ok;
}

const struct ntp_backend *
backend_choose(const char *name, const struct hostinfo *h, struct msgs *m)
{
    const struct ntp_backend *best = NULL;
    enum backend_state best_state = BACKEND_ABSENT;

    if (name && strcmp(name, "auto") != 0) {
        const struct ntp_backend *b = backend_find(name);

        if (!b) {
            char *q = quote_string(name);

            msg_error(m, "implementation %s is not supported yet by this version", q);
            free(q);
            return NULL;
        }
        if (backend_state(b, h) == BACKEND_ABSENT && (b->installed || !backend_conf_path(b, h))) {
            msg_error(m, "%s is not installed on %s: install the package %s first", b->name,
                      h->root ? h->root : "this system", b->package);
            return NULL;
        }
        return b;
    }
    for (size_t i = 0; backends[i]; i++) {
        enum backend_state s = backend_state(backends[i], h);
        if (s > best_state) {
            best = backends[i];
            best_state = s;
        }
    }
    if (!best)
        msg_error(m, "no supported NTP implementation is installed on %s: install chrony "
                  "(e.g. apt-get install chrony, dnf install chrony)",
                  h->root ? h->root : "this system");
    return best;
}

static void
add_opt(struct source_option *o, size_t *n, const char *name, bool has_value, int value)
{
    o[*n].name = name;
    o[*n].has_value = has_value;
    if (has_value)
        snprintf(o[*n].value, sizeof(o[*n].value), "%d", value);
    else
        o[*n].value[0] = '\0';
    (*n)++;
}

size_t
backend_source_options(const struct source *src, struct source_option opts[8])
{
    size_t n = 0;

    if (src->iburst)
        add_opt(opts, &n, "iburst", false, 0);
    if (src->prefer)
        add_opt(opts, &n, "prefer", false, 0);
    if (src->minpoll != SOURCE_POLL_UNSET)
        add_opt(opts, &n, "minpoll", true, src->minpoll);
    if (src->maxpoll != SOURCE_POLL_UNSET)
        add_opt(opts, &n, "maxpoll", true, src->maxpoll);
    if (src->key)
        add_opt(opts, &n, "key", true, src->key);
    if (src->nts)
        add_opt(opts, &n, "nts", false, 0);
    return n;
}

void
backend_verify_kernel(int timeout_s, struct sync_status *st)
{
    struct timex tx;

    memset(st, 0, sizeof(*st));
    st->reachable = st->sources = -1;
    snprintf(st->how, sizeof(st->how), "the kernel's clock status (adjtimex), a fallback: "
             "the daemon has no tool of its own to ask");
    for (int waited = 0;; waited++) {
        int state;

        memset(&tx, 0, sizeof(tx));
        state = adjtimex(&tx);
        if (state < 0)
            return;
        st->answered = true;
        st->synchronized = state != TIME_ERROR && !(tx.status & STA_UNSYNC);
        if (st->synchronized || waited >= timeout_s)
            return;
        sleep(1);
    }
}

void
backend_verify(const struct ntp_backend *b, const struct hostinfo *h, time_t since,
               int timeout_s, struct sync_status *st)
{
    if (b->verify)
        b->verify(h, since, timeout_s, st);
    else
        backend_verify_kernel(timeout_s, st);
}
