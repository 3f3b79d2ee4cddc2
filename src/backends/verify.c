/* SPDX-License-Identifier: Apache-2.0 */
/* verify: ask each daemon itself whether it is synchronized, and to what: ntpq for
 * ntpd and ntpsec, timesyncd's status (timedatectl show-timesync over D-Bus, else the flag
 * file it touches on each synchronization), OpenNTPD's ntpctl. The kernel's flag is the
 * fallback when the daemon's own tool is missing (backend_verify_kernel). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "alloc.h"
#include "backend.h"
#include "spawn.h"
#include "strbuf.h"

#define ASK_TIMEOUT_MS 5000

static void
status_init(struct sync_status *st, const char *how)
{
    memset(st, 0, sizeof(*st));
    st->reachable = st->sources = -1;
    snprintf(st->how, sizeof(st->how), "%s", how);
}

/* Run argv; its standard output in out. 0 when it exited 0. */
static int
ask(const char *const argv[], struct strbuf *out)
{
    struct spawn_result res;
    int rc = spawn_run(argv, NULL, ASK_TIMEOUT_MS, &res);

    sb_reset(out);
    sb_append(out, res.out.buf);
    spawn_result_free(&res);
    return rc;
}

/* The daemon's tool, or the kernel's flag (named as the fallback it is) when it is missing. */
static char *
tool_or_fallback(const char *tool, int timeout_s, struct sync_status *st)
{
    char *path = spawn_find_program(tool);

    if (!path) {
        backend_verify_kernel(timeout_s, st);
        snprintf(st->how, sizeof(st->how), "the kernel's clock status (adjtimex), a fallback: "
                 "%s was not found", tool);
    }
    return path;
}

/* ---- ntpd and ntpsec: ntpq ------------------------------------------------------------ */

int
backend_parse_ntpq_peers(const char *text, struct sync_status *st)
{
    char *copy = xstrdup(text), *save = NULL;
    bool table = false;

    st->sources = st->reachable = 0;
    st->source[0] = '\0';
    for (char *l = strtok_r(copy, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
        char tally, remote[128], refid[64];
        long reach;
        char reach_s[16];
        double delay, offset;
        int st_num;

        if (strncmp(l, "=====", 5) == 0) {
            table = true;
            continue;
        }
        if (!table || !*l)
            continue;
        tally = l[0];
        if (sscanf(l + 1, "%127s %63s %d %*s %*s %*s %15s %lf %lf", remote, refid, &st_num,
                   reach_s, &delay, &offset) < 4)
            continue;
        if (strcmp(refid, ".POOL.") == 0)
            continue;                 /* a pool's placeholder, not a server */
        st->sources++;
        reach = strtol(reach_s, NULL, 8);
        if (reach != 0)
            st->reachable++;
        if (tally == '*' || tally == 'o') {
            snprintf(st->source, sizeof(st->source), "%s", remote);
            if (sscanf(l + 1, "%*s %*s %*d %*s %*s %*s %*s %lf %lf", &delay, &offset) == 2) {
                st->offset = offset / 1000.0;       /* ms; positive: the host is behind */
                st->offset_known = true;
            }
        }
    }
    free(copy);
    st->synchronized = st->source[0] != '\0';
    return table ? 0 : -1;
}

static void
ntpq_look(const char *ntpq, struct sync_status *st)
{
    const char *argv[] = { ntpq, "-n", "-c", "peers", "127.0.0.1", NULL };
    struct strbuf out;

    status_init(st, "ntpq -n -c peers (the association marked '*')");
    sb_init(&out);
    if (ask(argv, &out) == 0 && backend_parse_ntpq_peers(out.buf, st) == 0)
        st->answered = true;
    else
        snprintf(st->why, sizeof(st->why), "ntpq got no answer from the daemon");
    sb_free(&out);
}

void
backend_verify_ntpq(const struct hostinfo *h, time_t since, int timeout_s,
                    struct sync_status *st)
{
    char *ntpq = tool_or_fallback("ntpq", timeout_s, st);

    (void)h;
    (void)since;
    if (!ntpq)
        return;
    for (int waited = 0;; waited++) {
        ntpq_look(ntpq, st);
        if (st->synchronized || waited >= timeout_s)
            break;
        sleep(1);
    }
    free(ntpq);
}

/* ---- systemd-timesyncd ------------------------------------------------------------------- */

int
backend_parse_timesync(const char *text, struct sync_status *st)
{
    char name[128] = "", address[64] = "";
    const char *msg, *s;
    int stratum = 0, leap = 3;

    for (const char *l = text; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
        if (strncmp(l, "ServerName=", 11) == 0)
            snprintf(name, sizeof(name), "%.*s", (int)strcspn(l + 11, "\n"), l + 11);
        else if (strncmp(l, "ServerAddress=", 14) == 0)
            snprintf(address, sizeof(address), "%.*s", (int)strcspn(l + 14, "\n"), l + 14);
    }
    msg = strstr(text, "NTPMessage=");
    if (!msg)
        return -1;
    if ((s = strstr(msg, "Stratum=")))
        stratum = atoi(s + 8);
    if ((s = strstr(msg, "Leap=")))
        leap = atoi(s + 5);
    /* a reply from a synchronized server was taken */
    st->synchronized = address[0] && stratum >= 1 && stratum <= 15 && leap != 3;
    if (st->synchronized)
        snprintf(st->source, sizeof(st->source), "%s", name[0] ? name : address);
    return 0;
}

int
backend_parse_timesync_offset(const char *text, struct sync_status *st)
{
    /* systemd's format_timespan units, longest names first where one is a prefix */
    static const struct { const char *unit; double seconds; } units[] = {
        { "min", 60 }, { "ms", 1e-3 }, { "us", 1e-6 }, { "h", 3600 }, { "d", 86400 },
        { "s", 1 },
    };
    const char *l = strstr(text, "Offset:");
    double sum = 0, sign = 1;
    bool any = false;

    if (!l || (l != text && l[-1] != '\n' && l[-1] != ' '))
        return -1;
    l += 7;
    l += strspn(l, " \t");
    if (*l == '+' || *l == '-')
        sign = *l++ == '-' ? -1 : 1;
    while (*l && *l != '\n') {
        char *end;
        double v = strtod(l, &end);
        size_t i;

        if (end == l)
            return -1;
        for (i = 0; i < TE_ARRAY_LEN(units); i++)
            if (strncmp(end, units[i].unit, strlen(units[i].unit)) == 0)
                break;
        if (i == TE_ARRAY_LEN(units))
            return -1;
        l = end + strlen(units[i].unit);
        if (*l && *l != ' ' && *l != '\n')
            return -1;
        sum += v * units[i].seconds;
        any = true;
        l += strspn(l, " \t");
    }
    if (!any)
        return -1;
    st->offset = sign * sum;
    st->offset_known = true;
    return 0;
}

static void
timesyncd_look(const struct hostinfo *h, const char *timedatectl, time_t since,
               struct sync_status *st)
{
    struct strbuf out;

    sb_init(&out);
    if (timedatectl) {
        const char *argv[] = { timedatectl, "show-timesync", "-p", "ServerName", "-p",
                               "ServerAddress", "-p", "NTPMessage", NULL };

        status_init(st, "timedatectl show-timesync");
        if (ask(argv, &out) == 0 && backend_parse_timesync(out.buf, st) == 0) {
            const char *status[] = { timedatectl, "timesync-status", NULL };

            st->answered = true;
            /* the offset of the last reply taken, as timedatectl computes it */
            if (st->synchronized && ask(status, &out) == 0)
                backend_parse_timesync_offset(out.buf, st);
            goto out;
        }
    }
    /* No D-Bus (no systemd as PID 1): timesyncd touches this file on each synchronization. */
    {
        char *flag = hostinfo_path(h, "/run/systemd/timesync/synchronized");
        struct stat sb;

        status_init(st, "timesyncd's flag /run/systemd/timesync/synchronized (timedatectl "
                    "could not ask it over D-Bus)");
        st->answered = true;
        st->synchronized = stat(flag, &sb) == 0 && sb.st_mtime >= since;
        if (!st->synchronized)
            snprintf(st->why, sizeof(st->why), "timesyncd has not reported a synchronization "
                     "since it was restarted (no reply taken from any source)");
        free(flag);
    }
out:
    sb_free(&out);
}

void
backend_verify_timesyncd(const struct hostinfo *h, time_t since, int timeout_s,
                         struct sync_status *st)
{
    char *timedatectl = spawn_find_program("timedatectl");

    for (int waited = 0;; waited++) {
        /* a flag older than since is the daemon's before the restart; a single look
         * (no wait) takes any flag */
        timesyncd_look(h, timedatectl, timeout_s > 0 ? since : 0, st);
        if (st->synchronized || waited >= timeout_s)
            break;
        sleep(1);
    }
    free(timedatectl);
}

/* ---- OpenNTPD: ntpctl ------------------------------------------------------------------ */

int
backend_parse_ntpctl(const char *status, const char *peers, struct sync_status *st)
{
    int valid, total;
    const char *s = status ? strstr(status, "peers valid") : NULL;
    char last_peer[128] = "";

    if (!s)
        return -1;
    while (s > status && s[-1] != '\n')
        s--;
    if (sscanf(s, "%d/%d peers valid", &valid, &total) == 2) {
        st->reachable = valid;
        st->sources = total;
    }
    st->synchronized = strstr(status, "clock synced") != NULL;
    /* peers: a line naming the peer ("192.0.2.1 from pool ..."), then its figures, the
     * selected one marked '*' */
    for (const char *l = peers; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
        size_t len = strcspn(l, "\n");

        if (len && l[0] != ' ' && strncmp(l, "peer", 4) != 0) {
            snprintf(last_peer, sizeof(last_peer), "%.*s", (int)strcspn(l, " \n"), l);
        } else if (len > 2 && l[0] == ' ' && l[1] == '*' && last_peer[0]) {
            double offset;

            snprintf(st->source, sizeof(st->source), "%s", last_peer);
            if (sscanf(l + 2, "%*d %*d %*d %*s %*s %lfms", &offset) == 1) {
                st->offset = offset / 1000.0;
                st->offset_known = true;
            }
        }
    }
    if (!st->synchronized)
        st->source[0] = '\0';
    return 0;
}

void
backend_verify_ntpctl(const struct hostinfo *h, time_t since, int timeout_s,
                      struct sync_status *st)
{
    char *ntpctl = tool_or_fallback("ntpctl", timeout_s, st);
    struct strbuf status, peers;

    (void)h;
    (void)since;
    if (!ntpctl)
        return;
    sb_init(&status);
    sb_init(&peers);
    for (int waited = 0;; waited++) {
        const char *a1[] = { ntpctl, "-s", "status", NULL };
        const char *a2[] = { ntpctl, "-s", "peers", NULL };

        status_init(st, "ntpctl -s status and -s peers");
        if (ask(a1, &status) == 0 && ask(a2, &peers) == 0 &&
            backend_parse_ntpctl(status.buf, peers.buf, st) == 0)
            st->answered = true;
        else
            snprintf(st->why, sizeof(st->why), "ntpctl got no answer from the daemon");
        if (st->synchronized || waited >= timeout_s)
            break;
        sleep(1);
    }
    sb_free(&status);
    sb_free(&peers);
    free(ntpctl);
}
