/* SPDX-License-Identifier: Apache-2.0 */
/* backend: the list of NTP implementations (one const ops table each, core/ntp-backend.h),
 * the choice among them, and what they share. */
#ifndef TE_BACKEND_H
#define TE_BACKEND_H

#include <stdbool.h>
#include <time.h>

#include "hostinfo.h"
#include "msgs.h"
#include "ntp-backend.h"
#include "settings.h"
#include "strv.h"

struct plan;
struct source;

/* The note before every source line a backend comments out in replace mode. */
#define DISABLED_NOTE "te-ntp-setup (replace mode) disabled: "
/* The note before every line that reads DHCP-provided servers, commented out with
 * dhcp: ignore. */
#define DHCP_DISABLED_NOTE "te-ntp-setup (dhcp: ignore) disabled: "
/* The first line of every file the tool owns. */
#define MANAGED_HEADER "Managed by te-ntp-setup: the NTP sources of this host. Local changes " \
                       "are replaced on its next run."

/* Every backend, NULL-terminated, in the order of preference when several are equal. */
extern const struct ntp_backend *const backends[];

/* The backend called name, or NULL. */
const struct ntp_backend *backend_find(const char *name);
/* How installed the backend is on the target (files only unless the system is live). */
enum backend_state backend_state(const struct ntp_backend *b, const struct hostinfo *h);
/* The backend's main configuration file that exists on the target (path without the root),
 * or NULL. */
const char *backend_conf_path(const struct ntp_backend *b, const struct hostinfo *h);
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
const char *backend_state_name(enum backend_state s);
/* Wait at most timeout_s for the kernel to report the clock synchronized (every daemon
 * clears STA_UNSYNC once it disciplines the clock). */
void backend_verify_kernel(int timeout_s, struct sync_status *st);
/* The verify hooks that ask the daemons' own tools (verify.c): ntpq for ntpd and
 * ntpsec, timedatectl show-timesync (else timesyncd's synchronization flag file) for
 * timesyncd, ntpctl for OpenNTPD; each falls back to the kernel's flag, named as such,
 * when the tool is missing. */
void backend_verify_ntpq(const struct hostinfo *h, time_t since, int timeout_s,
                         struct sync_status *st);
void backend_verify_timesyncd(const struct hostinfo *h, time_t since, int timeout_s,
                              struct sync_status *st);
void backend_verify_ntpctl(const struct hostinfo *h, time_t since, int timeout_s,
                           struct sync_status *st);
/* Parsers of those tools' output into st (synchronized, source, reachable, sources,
 * offset); 0, or -1 when the text is not what the tool prints. */
int backend_parse_ntpq_peers(const char *text, struct sync_status *st);
int backend_parse_timesync(const char *text, struct sync_status *st);
/* The Offset line of "timedatectl timesync-status" ("+12min 34.001s", "-1.5ms") into
 * st->offset (positive: the host is behind) and offset_known. 0, or -1 when there is none
 * that reads as a time span. */
int backend_parse_timesync_offset(const char *text, struct sync_status *st);
int backend_parse_ntpctl(const char *status, const char *peers, struct sync_status *st);
/* Verify through b's own way (its verify hook, see there for since), or the kernel's. */
void backend_verify(const struct ntp_backend *b, const struct hostinfo *h, time_t since,
                    int timeout_s, struct sync_status *st);

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

/* Whether line (len bytes, no line end) is an ntp.conf line the ntp backend never reads
 * nor edits and that the Tentp_ntp lens parses as a node of its own: a plainly written
 * "restrict HOST [mask M | ippeerlimit N | FLAG]..." without notrust (augtree_skip_lines:
 * files of megabytes are nearly all such lines). */
bool ntp_unread_line(const char *line, size_t len);

#endif
