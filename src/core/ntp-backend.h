/* SPDX-License-Identifier: Apache-2.0 */
/* ntp-backend: what an NTP implementation is to the rest of the program: the const ops table
 * each fills (the list of them is backends/backend.h), how installed one is, what its daemon
 * says of synchronization, and its service name on a target. */
#ifndef TE_NTP_BACKEND_H
#define TE_NTP_BACKEND_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "hostinfo.h"

struct plan;
struct source;
struct source_option;
struct strv;

/* What the daemon says of synchronization after activation. */
struct sync_status {
    bool answered;        /* the daemon (or the kernel) could be asked */
    bool synchronized;    /* a source is selected and the clock is disciplined */
    char source[128];     /* the selected source, when known */
    char source_name[128];  /* its name as configured, when the daemon tells (chronyc
                             * sourcename), else empty */
    int reachable;        /* how many sources answer (-1: unknown) */
    int sources;          /* how many sources it has (-1: unknown) */
    double offset;        /* seconds, as NTP defines it: positive = the host is behind */
    bool offset_known;
    char how[128];        /* how it was found ("chronyc tracking", "the kernel's flags") */
    char why[256];        /* when not synchronized: why, as far as it can tell ("no reply
                           * from any source", "the daemon is not running") */
};

enum backend_state {
    BACKEND_ABSENT,       /* nothing of it on the system */
    BACKEND_INSTALLED,    /* its daemon or configuration is there */
    BACKEND_ENABLED,      /* its service starts at boot */
    BACKEND_ACTIVE,       /* it is running */
};

struct ntp_backend {
    const char *name;                  /* "chrony", as in --implementation */
    const char *lens;                  /* the Augeas lens of its files */
    const char *const *conf_paths;     /* candidate main configuration files, in order */
    const char *const *daemons;        /* its daemon's paths (detect installation) */
    const char *const *services;       /* candidate service names, in order */
    const char *const *pidfiles;       /* its pid files besides /run/SERVICE{/SERVICE,}.pid
                                        * (may be NULL) */
    const char *package;               /* the package that installs it on most distros */
    const char *pool_label;            /* the directive of a pool (NULL: "pool") */
    const char *no_serve;              /* why it cannot serve time (NULL: it can) */
    const char *no_local_stratum;      /* why it has no local stratum (NULL: it has) */
    /* Whether it is installed, when the daemon paths cannot tell (implementations that share
     * a daemon path); NULL: one of daemons exists, or (images) one of conf_paths. */
    bool (*installed)(const struct hostinfo *h);
    /* The options it writes for a source into opts (room for 8; NULL: backend_source_options). */
    size_t (*source_options)(const struct source *src, struct source_option *opts);
    /* The service name when no unit file or init script tells (may be NULL: services[0]). */
    const char *(*default_service)(const struct hostinfo *h);
    /* Plan the edits for the sources in the settings: open the files through plan_open_file
     * and edit their trees. 0, or -1 with the reason in the plan's messages. */
    int (*plan)(struct plan *p);
    /* Check the planned files with the daemon's own parser, before anything is written.
     * 0 when accepted (or no parser is available: then a note says so), -1 when rejected. */
    int (*validate)(struct plan *p);
    /* Make the running daemon re-read its sources without a restart, for a plan whose
     * activation is ACTION_RELOAD_SOURCES: 0 done (what was done appended to actions), -1
     * when it could not (then the service is restarted). NULL: always restarted. */
    int (*reload_sources)(struct strv *actions);
    /* What reload_sources does, as a dry run says it ("reload chrony's sources"). */
    const char *reload_sources_text;
    /* After activation: wait at most timeout_s for a source to be selected and fill st.
     * since: when this run last wrote the daemon's files (0: nothing written, or no run):
     * a state the daemon recorded before that is its state before the restart. h: the
     * target's paths. NULL: the kernel's synchronization flags are read
     * (backend_verify_kernel). */
    void (*verify)(const struct hostinfo *h, time_t since, int timeout_s,
                   struct sync_status *st);
};

/* The service name of the backend on this target (unit file or init script found), or the
 * first candidate. */
const char *backend_service(const struct ntp_backend *b, const struct hostinfo *h);

#endif
