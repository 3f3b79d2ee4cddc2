/* SPDX-License-Identifier: Apache-2.0 */
/* backend: one const ops table per NTP implementation, chosen by name from one list. */
#ifndef TE_BACKEND_H
#define TE_BACKEND_H

#include <stdbool.h>

#include "hostinfo.h"
#include "msgs.h"
#include "settings.h"
#include "strv.h"

struct plan;
struct source;
struct source_option;

/* The note before every source line a backend comments out in replace mode. */
#define DISABLED_NOTE "te-ntp-setup (replace mode) disabled: "
/* The note before every line that reads DHCP-provided servers, commented out with
 * dhcp: ignore. */
#define DHCP_DISABLED_NOTE "te-ntp-setup (dhcp: ignore) disabled: "
/* The first and last lines of the block of lines that serve time (--serve) in a file the
 * tool shares with the admin; its next run replaces what is between them. */
#define SERVE_BEGIN "te-ntp-setup (serve) begin: the lines that serve time to other hosts; " \
                    "replaced by its next run"
#define SERVE_BEGIN_MARK "te-ntp-setup (serve) begin"
#define SERVE_END "te-ntp-setup (serve) end"
/* The first line of a file the tool owns for the serve lines alone. */
#define SERVE_HEADER "Managed by te-ntp-setup: the networks this host serves time to. " \
                     "Local changes are replaced on its next run."
/* The first line of every file the tool owns. */
#define MANAGED_HEADER "Managed by te-ntp-setup: the NTP sources of this host. Local changes " \
                       "are replaced on its next run."

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

enum impl_state {
    IMPL_ABSENT,       /* nothing of it on the system */
    IMPL_INSTALLED,    /* its daemon or configuration is there */
    IMPL_ENABLED,      /* its service starts at boot */
    IMPL_ACTIVE,       /* it is running */
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
    /* After activation: wait at most timeout_s for a source to be selected and fill st.
     * NULL: the kernel's synchronization flags are read (backend_verify_kernel). */
    void (*verify)(const struct plan *p, int timeout_s, struct sync_status *st);
};

/* Every backend, NULL-terminated, in the order of preference when several are equal. */
extern const struct ntp_backend *const backends[];

/* The backend called name, or NULL. */
const struct ntp_backend *backend_find(const char *name);
/* How installed the backend is on the target (files only unless the system is live). */
enum impl_state backend_state(const struct ntp_backend *b, const struct hostinfo *h);
/* The backend's main configuration file that exists on the target (path without the root),
 * or NULL. */
const char *backend_conf_path(const struct ntp_backend *b, const struct hostinfo *h);
/* The service name of the backend on this target (unit file or init script found), or the
 * first candidate. */
const char *backend_service(const struct ntp_backend *b, const struct hostinfo *h);
/* Whether the backend can do what the settings ask beyond sources (serve, local stratum):
 * true, or false with the reason (naming what can) in m. */
bool backend_supports(const struct ntp_backend *b, const struct settings *s, struct msgs *m);
/* Choose the backend: the named one, or active > enabled > installed. NULL with the reason
 * (and the package to install) in m. */
const struct ntp_backend *backend_choose(const char *name, const struct hostinfo *h,
                                         struct msgs *m);
/* Append to out the services of the other implementations that are enabled or active on the
 * target: two time daemons must not run at once. */
void backend_conflicts(const struct ntp_backend *b, const struct hostinfo *h, struct strv *out);
/* The name of a state. */
const char *backend_state_name(enum impl_state s);
/* Wait at most timeout_s for the kernel to report the clock synchronized (every daemon
 * clears STA_UNSYNC once it disciplines the clock). */
void backend_verify_kernel(const struct plan *p, int timeout_s, struct sync_status *st);
/* The server and pool names the backend's configuration on the target uses now, read
 * through its lenses (lensdir), in order, each once. 0, or -1 with the reason in m. */
int backend_configured_sources(const struct ntp_backend *b, const struct hostinfo *h,
                               const char *lensdir, struct strv *out, struct msgs *m);
/* The verify hooks that ask the daemons' own tools (backend-verify.c): ntpq for ntpd and
 * ntpsec, timedatectl show-timesync (else timesyncd's synchronization flag file) for
 * timesyncd, ntpctl for OpenNTPD; each falls back to the kernel's flag, named as such,
 * when the tool is missing. */
void backend_verify_ntpq(const struct plan *p, int timeout_s, struct sync_status *st);
void backend_verify_timesyncd(const struct plan *p, int timeout_s, struct sync_status *st);
void backend_verify_ntpctl(const struct plan *p, int timeout_s, struct sync_status *st);
/* Parsers of those tools' output into st (synchronized, source, reachable, sources,
 * offset); 0, or -1 when the text is not what the tool prints. */
int backend_parse_ntpq_peers(const char *text, struct sync_status *st);
int backend_parse_timesync(const char *text, struct sync_status *st);
/* The Offset line of "timedatectl timesync-status" ("+12min 34.001s", "-1.5ms") into
 * st->offset (positive: the host is behind) and offset_known. 0, or -1 when there is none
 * that reads as a time span. */
int backend_parse_timesync_offset(const char *text, struct sync_status *st);
int backend_parse_ntpctl(const char *status, const char *peers, struct sync_status *st);
/* Verify through the backend's own way, or the kernel's. */
void backend_verify(const struct plan *p, int timeout_s, struct sync_status *st);

extern const struct ntp_backend backend_chrony;
extern const struct ntp_backend backend_ntpsec;
extern const struct ntp_backend backend_ntpd;
extern const struct ntp_backend backend_openntpd;
extern const struct ntp_backend backend_timesyncd;

/* One option of a source line as the daemons write it: a flag (value NULL) or "name value". */
struct source_option {
    const char *name;
    char value[16];
    bool has_value;
};

/* The options of src in the order the tool writes them (iburst, prefer, minpoll, maxpoll,
 * key, nts); returns how many were stored in opts (room for 8). */
size_t backend_source_options(const struct source *src, struct source_option opts[8]);

#endif
