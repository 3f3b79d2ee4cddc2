/* SPDX-License-Identifier: Apache-2.0 */
/* check.c - verdict and rendering of `check` (see check.h). */
#include "config.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "json.h"
#include "strbuf.h"

void
check_thresholds_init(struct check_thresholds *th)
{
    th->warn = CHECK_DEFAULT_WARN;
    th->crit = CHECK_DEFAULT_CRIT;
}

int
check_parse_seconds(const char *s, double *out, char *err, size_t errlen)
{
    char *end;
    double v;

    errno = 0;
    v = strtod(s, &end);
    if (end == s || *end != '\0' || errno != 0 || !isfinite(v) || v < 0) {
        snprintf(err, errlen, "invalid number of seconds '%s' (want a number >= 0)", s);
        return -1;
    }
    *out = v;
    return 0;
}

const char *
check_state_str(enum check_state s)
{
    switch (s) {
    case CHECK_OK:       return "OK";
    case CHECK_WARNING:  return "WARNING";
    case CHECK_CRITICAL: return "CRITICAL";
    case CHECK_UNKNOWN:  return "UNKNOWN";
    }
    return "UNKNOWN";
}

/* Is a better than b as the source of the reported offset? */
static bool
better(const struct sntp_result *a, const struct sntp_result *b)
{
    if (a->root_distance != b->root_distance)
        return a->root_distance < b->root_distance;
    return a->stratum < b->stratum;
}

static double
absolute(double v)
{
    return v < 0 ? -v : v;
}

enum check_state
check_evaluate(const struct sntp_result *res, size_t n, const struct check_thresholds *th,
               struct check_verdict *v)
{
    double a;

    memset(v, 0, sizeof(*v));
    v->nservers = n;
    for (size_t i = 0; i < n; i++) {
        if (res[i].status != SNTP_OK)
            continue;
        if (!v->have_offset || better(&res[i], &res[v->best]))
            v->best = i;
        v->have_offset = true;
        v->nok++;
    }
    if (!v->have_offset) {
        v->state = CHECK_UNKNOWN;
        return v->state;
    }
    v->offset = res[v->best].offset;
    a = absolute(v->offset);
    if (a > th->crit)
        v->state = CHECK_CRITICAL;
    else if (a > th->warn)
        v->state = CHECK_WARNING;
    else
        v->state = CHECK_OK;
    return v->state;
}

/* Append v formatted with fmt, with '.' as decimal separator whatever the
 * locale (perfdata and JSON parsers want it). */
static void append_num(struct strbuf *sb, const char *fmt, double v)
    __attribute__((format(printf, 2, 0)));

static void
append_num(struct strbuf *sb, const char *fmt, double v)
{
    char tmp[64];

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
    snprintf(tmp, sizeof(tmp), fmt, v);
#pragma GCC diagnostic pop
    for (char *p = tmp; *p; p++)
        if (*p == ',')
            *p = '.';
    sb_append(sb, tmp);
}

void
check_render_plugin(struct strbuf *sb, const struct sntp_result *res, size_t n,
                    const struct check_verdict *v, const struct check_thresholds *th)
{
    sb_printf(sb, "NTP %s: ", check_state_str(v->state));
    if (!v->have_offset) {
        size_t k = 0;

        /* check_ntp_time says "Offset unknown"; we also say why. */
        sb_append(sb, "Offset unknown");
        for (size_t i = 0; i < n; i++) {
            if (res[i].status == SNTP_OK)
                continue;
            sb_append(sb, k++ ? "; " : " (");
            sb_printf(sb, "%s: %s", res[i].host, res[i].error);
        }
        if (k)
            sb_putc(sb, ')');
        return;
    }
    /* Exactly check_ntp_time's format, so existing parsers keep working. */
    sb_append(sb, "Offset ");
    append_num(sb, "%.10g", v->offset);
    sb_append(sb, " secs|offset=");
    append_num(sb, "%f", v->offset);
    sb_append(sb, "s;");
    append_num(sb, "%f", th->warn);
    sb_putc(sb, ';');
    append_num(sb, "%f", th->crit);
    sb_putc(sb, ';');
}

void
check_render_text(struct strbuf *sb, const struct sntp_result *res, size_t n,
                  const struct check_verdict *v, const struct check_thresholds *th)
{
    char words[64];

    check_render_plugin(sb, res, n, v, th);
    sb_putc(sb, '\n');
    if (v->have_offset) {
        const struct sntp_result *b = &res[v->best];

        sntp_format_offset(v->offset, words, sizeof(words));
        /* each server named once: an address given as the server is not repeated */
        if (strcmp(b->host, b->address) == 0)
            sb_printf(sb, "System clock: %s (measured against %s)\n", words, b->host);
        else
            sb_printf(sb, "System clock: %s (measured against %s, %s)\n", words, b->host,
                      b->address);
    } else {
        sb_append(sb, "Unable to determine the system clock offset.\n");
    }
    for (size_t i = 0; i < n; i++) {
        const struct sntp_result *r = &res[i];

        if (r->status != SNTP_OK) {
            sb_printf(sb, "  %s: %s\n", r->host, r->error);
            continue;
        }
        if (strcmp(r->host, r->address) == 0)
            sb_printf(sb, "  %s: stratum %u refid %s offset ", r->host, r->stratum, r->refid);
        else
            sb_printf(sb, "  %s: %s stratum %u refid %s offset ", r->host, r->address,
                      r->stratum, r->refid);
        append_num(sb, "%+.6f", r->offset);
        sb_append(sb, " s delay ");
        append_num(sb, "%.6f", r->delay);
        sb_append(sb, " s root distance ");
        append_num(sb, "%.6f", r->root_distance);
        sb_append(sb, " s\n");
    }
}

/* A JSON number, or null when there is none (or it is not finite). */
static void
json_num(struct strbuf *sb, bool have, double v)
{
    if (have && isfinite(v))
        append_num(sb, "%.9g", v);
    else
        sb_append(sb, "null");
}

/* One server as a JSON object. */
static void
json_server(struct strbuf *sb, const struct sntp_result *r)
{
    bool ok = r->status == SNTP_OK;
    bool facts = ok || r->status == SNTP_ERR_UNSYNC;

    sb_putc(sb, '{');
    json_key(sb, "server", true);
    json_string(sb, r->host);
    json_key(sb, "port", false);
    sb_printf(sb, "%u", r->port);
    json_key(sb, "address", false);
    json_string_or_null(sb, r->address[0] ? r->address : NULL);
    json_key(sb, "status", false);
    json_string(sb, sntp_status_str(r->status));
    json_key(sb, "error", false);
    json_string_or_null(sb, ok ? NULL : r->error);
    json_key(sb, "offset", false);
    json_num(sb, ok, r->offset);
    json_key(sb, "delay", false);
    json_num(sb, ok, r->delay);
    json_key(sb, "root_delay", false);
    json_num(sb, ok, r->root_delay);
    json_key(sb, "root_dispersion", false);
    json_num(sb, ok, r->root_dispersion);
    json_key(sb, "root_distance", false);
    json_num(sb, ok, r->root_distance);
    json_key(sb, "stratum", false);
    json_num(sb, facts, r->stratum);
    json_key(sb, "refid", false);
    json_string_or_null(sb, facts ? r->refid : NULL);
    json_key(sb, "leap", false);
    json_num(sb, facts, r->leap);
    json_key(sb, "kiss_code", false);
    json_string_or_null(sb, r->kiss[0] ? r->kiss : NULL);
    json_key(sb, "requests", false);
    sb_printf(sb, "%u", r->requests);
    json_key(sb, "rejected", false);
    sb_printf(sb, "%u", r->rejected);
    json_key(sb, "port_unreachable", false);
    sb_append(sb, r->refused ? "true" : "false");
    sb_putc(sb, '}');
}

void
check_render_json(struct strbuf *sb, const struct sntp_result *res, size_t n,
                  const struct check_verdict *v, const struct check_thresholds *th)
{
    struct strbuf line;
    char words[64];

    sb_init(&line);
    check_render_plugin(&line, res, n, v, th);
    if (v->have_offset)
        sntp_format_offset(v->offset, words, sizeof(words));
    sb_putc(sb, '{');
    json_key(sb, "state", true);
    json_string(sb, check_state_str(v->state));
    json_key(sb, "exit_code", false);
    sb_printf(sb, "%d", (int)v->state);
    json_key(sb, "offset", false);
    json_num(sb, v->have_offset, v->offset);
    json_key(sb, "offset_text", false);
    json_string_or_null(sb, v->have_offset ? words : NULL);
    json_key(sb, "server", false);
    json_string_or_null(sb, v->have_offset ? res[v->best].host : NULL);
    json_key(sb, "warn", false);
    json_num(sb, true, th->warn);
    json_key(sb, "crit", false);
    json_num(sb, true, th->crit);
    json_key(sb, "plugin_output", false);
    json_string(sb, line.buf);
    json_key(sb, "servers", false);
    sb_putc(sb, '[');
    for (size_t i = 0; i < n; i++) {
        if (i)
            sb_putc(sb, ',');
        json_server(sb, &res[i]);
    }
    sb_append(sb, "]}");
    sb_free(&line);
}
