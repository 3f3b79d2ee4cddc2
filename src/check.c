/* check.c - verdict and rendering of `check` (see check.h). */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif
#include "check.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"

void check_thresholds_init(struct check_thresholds *th)
{
    th->warn = CHECK_DEFAULT_WARN;
    th->crit = CHECK_DEFAULT_CRIT;
}

int check_parse_seconds(const char *s, double *out, char *err, size_t errlen)
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

const char *check_state_str(enum check_state s)
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
static bool better(const struct sntp_result *a, const struct sntp_result *b)
{
    if (a->root_distance != b->root_distance)
        return a->root_distance < b->root_distance;
    return a->stratum < b->stratum;
}

enum check_state check_evaluate(const struct sntp_result *res, size_t n,
                                const struct check_thresholds *th, struct check_verdict *v)
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
    a = fabs(v->offset);
    if (a > th->crit)
        v->state = CHECK_CRITICAL;
    else if (a > th->warn)
        v->state = CHECK_WARNING;
    else
        v->state = CHECK_OK;
    return v->state;
}

void check_format_offset(double offset, char *buf, size_t len)
{
    const char *dir = offset > 0 ? "behind" : "ahead";
    double a = fabs(offset);
    long long ms, s, m, h;

    if (!isfinite(offset)) {
        snprintf(buf, len, "unknown");
        return;
    }
    ms = llround(a * 1000);
    if (ms == 0) {
        snprintf(buf, len, "less than 1 ms off");
        return;
    }
    if (ms < 60000) {
        snprintf(buf, len, "%lld.%03lld s %s", ms / 1000, ms % 1000, dir);
        return;
    }
    /* Each branch rounds at its own precision, so 59.9996 s reads "1 min". */
    s = llround(a);
    if (s < 3600) {
        if (s % 60)
            snprintf(buf, len, "%lld min %lld s %s", s / 60, s % 60, dir);
        else
            snprintf(buf, len, "%lld min %s", s / 60, dir);
        return;
    }
    m = llround(a / 60);
    if (m < 24 * 60) {
        if (m % 60)
            snprintf(buf, len, "%lld h %lld min %s", m / 60, m % 60, dir);
        else
            snprintf(buf, len, "%lld h %s", m / 60, dir);
        return;
    }
    h = llround(a / 3600);
    if (h % 24)
        snprintf(buf, len, "%lld d %lld h %s", h / 24, h % 24, dir);
    else
        snprintf(buf, len, "%lld d %s", h / 24, dir);
}

/* Append v formatted with fmt, always with '.' as decimal separator. */
static void append_num(struct strbuf *sb, const char *fmt, double v)
    __attribute__((format(printf, 2, 0)));

static void append_num(struct strbuf *sb, const char *fmt, double v)
{
    char tmp[64];

    sb_append(sb, json_format_double(tmp, sizeof(tmp), fmt, v));
}

int check_render_plugin(struct strbuf *sb, const struct sntp_result *res, size_t n,
                        const struct check_verdict *v, const struct check_thresholds *th)
{
    sb_printf(sb, "NTP %s: ", check_state_str(v->state));
    if (!v->have_offset) {
        /* check_ntp_time says "Offset unknown"; we also say why. */
        size_t k = 0;

        sb_append(sb, "Offset unknown");
        for (size_t i = 0; i < n; i++) {
            if (res[i].status == SNTP_OK)
                continue;
            sb_append(sb, k++ ? "; " : " (");
            sb_printf(sb, "%s: %s", res[i].host, res[i].error);
        }
        if (k)
            sb_putc(sb, ')');
        return sb_failed(sb) ? -1 : 0;
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
    return sb_failed(sb) ? -1 : 0;
}

int check_render_text(struct strbuf *sb, const struct sntp_result *res, size_t n,
                      const struct check_verdict *v, const struct check_thresholds *th)
{
    char words[64];

    check_render_plugin(sb, res, n, v, th);
    sb_putc(sb, '\n');
    if (v->have_offset) {
        const struct sntp_result *b = &res[v->best];

        check_format_offset(v->offset, words, sizeof(words));
        sb_printf(sb, "System clock: %s (measured against %s, %s)\n", words, b->host, b->address);
    } else {
        sb_append(sb, "Unable to determine the system clock offset.\n");
    }
    for (size_t i = 0; i < n; i++) {
        const struct sntp_result *r = &res[i];

        if (r->status != SNTP_OK) {
            sb_printf(sb, "  %s: %s\n", r->host, r->error);
            continue;
        }
        sb_printf(sb, "  %s: %s stratum %u refid %s offset ", r->host, r->address, r->stratum,
                  r->refid);
        append_num(sb, "%+.6f", r->offset);
        sb_append(sb, " s delay ");
        append_num(sb, "%.6f", r->delay);
        sb_append(sb, " s root distance ");
        append_num(sb, "%.6f", r->root_distance);
        sb_append(sb, " s\n");
    }
    return sb_failed(sb) ? -1 : 0;
}

/* One server as a JSON object. */
static void json_server(struct json_writer *w, const struct sntp_result *r)
{
    bool ok = r->status == SNTP_OK;
    bool facts = ok || r->status == SNTP_ERR_UNSYNC;

    json_object_begin(w);
    json_key(w, "server");
    json_string(w, r->host);
    json_key(w, "port");
    json_int(w, r->port);
    json_key(w, "address");
    json_string(w, r->address[0] ? r->address : NULL);
    json_key(w, "status");
    json_string(w, sntp_status_str(r->status));
    json_key(w, "error");
    json_string(w, ok ? NULL : r->error);
    json_key(w, "offset");
    if (ok)
        json_number(w, r->offset);
    else
        json_null(w);
    json_key(w, "delay");
    if (ok)
        json_number(w, r->delay);
    else
        json_null(w);
    json_key(w, "root_delay");
    if (ok)
        json_number(w, r->root_delay);
    else
        json_null(w);
    json_key(w, "root_dispersion");
    if (ok)
        json_number(w, r->root_dispersion);
    else
        json_null(w);
    json_key(w, "root_distance");
    if (ok)
        json_number(w, r->root_distance);
    else
        json_null(w);
    json_key(w, "stratum");
    if (facts)
        json_int(w, r->stratum);
    else
        json_null(w);
    json_key(w, "refid");
    json_string(w, facts ? r->refid : NULL);
    json_key(w, "leap");
    if (facts)
        json_int(w, r->leap);
    else
        json_null(w);
    json_key(w, "kiss_code");
    json_string(w, r->kiss[0] ? r->kiss : NULL);
    json_key(w, "requests");
    json_int(w, r->requests);
    json_key(w, "rejected");
    json_int(w, r->rejected);
    json_key(w, "port_unreachable");
    json_bool(w, r->refused);
    json_object_end(w);
}

int check_render_json(struct strbuf *sb, const struct sntp_result *res, size_t n,
                      const struct check_verdict *v, const struct check_thresholds *th)
{
    struct json_writer w;
    struct strbuf line;
    char words[64];
    int ret = -1;

    sb_init(&line);
    if (check_render_plugin(&line, res, n, v, th) < 0)
        goto out;
    json_init(&w, sb);
    json_object_begin(&w);
    json_key(&w, "state");
    json_string(&w, check_state_str(v->state));
    json_key(&w, "exit_code");
    json_int(&w, v->state);
    json_key(&w, "offset");
    if (v->have_offset)
        json_number(&w, v->offset);
    else
        json_null(&w);
    json_key(&w, "offset_text");
    if (v->have_offset) {
        check_format_offset(v->offset, words, sizeof(words));
        json_string(&w, words);
    } else {
        json_null(&w);
    }
    json_key(&w, "server");
    json_string(&w, v->have_offset ? res[v->best].host : NULL);
    json_key(&w, "warn");
    json_number(&w, th->warn);
    json_key(&w, "crit");
    json_number(&w, th->crit);
    json_key(&w, "plugin_output");
    json_string(&w, sb_str(&line));
    json_key(&w, "servers");
    json_array_begin(&w);
    for (size_t i = 0; i < n; i++)
        json_server(&w, &res[i]);
    json_array_end(&w);
    json_object_end(&w);
    ret = json_finish(&w);
out:
    sb_free(&line);
    return ret;
}
