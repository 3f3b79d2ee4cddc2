/* SPDX-License-Identifier: Apache-2.0 */
/* check.h - the `check` diagnosis: verdict, words and output formats.
 *
 * Given the per-server results of sntp_query(), decide the monitoring-plugin
 * state (0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN) from the offset and the
 * thresholds (check_ntp_time's defaults: warn 60 s, crit 120 s) and render
 * it as a plugin line with perfdata, as text for people, or as JSON.
 *
 * The offset is NTP's: positive when the host's clock is behind the servers.
 * Library code: never prints, never exits; renderers append to a strbuf
 * (src/base/strbuf.h) and write JSON with src/base/json.h.
 */
#ifndef TE_CHECK_H
#define TE_CHECK_H

#include <stdbool.h>
#include <stddef.h>

#include "sntp.h"
#include "strbuf.h"

#define CHECK_DEFAULT_WARN 60.0     /* s, as check_ntp_time */
#define CHECK_DEFAULT_CRIT 120.0    /* s, as check_ntp_time */

/* Monitoring-plugin states; the value is the exit code. */
enum check_state {
    CHECK_OK = 0,
    CHECK_WARNING = 1,
    CHECK_CRITICAL = 2,
    CHECK_UNKNOWN = 3,
};

/* Alert when the absolute offset is above these (seconds). */
struct check_thresholds {
    double warn;
    double crit;
};

/* The outcome over all servers. */
struct check_verdict {
    enum check_state state;
    bool have_offset;           /* some server gave an offset */
    double offset;              /* s, of the best server; positive: clock behind */
    size_t best;                /* index of that server (valid when have_offset) */
    size_t nok;                 /* servers that gave an offset */
    size_t nservers;            /* servers asked */
};

/* Thresholds of check_ntp_time: warn 60 s, crit 120 s. */
void check_thresholds_init(struct check_thresholds *th);
/* Parse a non-negative number of seconds ("60", "0.5"); 0, or -1 with err. */
int check_parse_seconds(const char *s, double *out, char *err, size_t errlen);
/* Decide the state: UNKNOWN when no server gave an offset, else from the
 * best server's (smallest root distance) absolute offset.  Returns the state. */
enum check_state check_evaluate(const struct sntp_result *res, size_t n,
                                const struct check_thresholds *th, struct check_verdict *v);
/* "OK", "WARNING", "CRITICAL" or "UNKNOWN". */
const char *check_state_str(enum check_state s);
/* Append the plugin line without newline:
 * "NTP OK: Offset 0.0031 secs|offset=0.003100s;60.000000;120.000000;". */
void check_render_plugin(struct strbuf *sb, const struct sntp_result *res, size_t n,
                         const struct check_verdict *v, const struct check_thresholds *th);
/* Append the plugin line, the offset in words and one line per server. */
void check_render_text(struct strbuf *sb, const struct sntp_result *res, size_t n,
                       const struct check_verdict *v, const struct check_thresholds *th);
/* Append one JSON object (no newline) with the verdict and every server. */
void check_render_json(struct strbuf *sb, const struct sntp_result *res, size_t n,
                       const struct check_verdict *v, const struct check_thresholds *th);

#endif
