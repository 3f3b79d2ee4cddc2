/* SPDX-License-Identifier: Apache-2.0 */
/* te-ntp-setup check: measure the clock offset against NTP servers and say what is wrong.
 * Changes nothing; works without root (the firewall diagnosis needs root). */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "alloc.h"
#include "backend.h"
#include "check.h"
#include "cli.h"
#include "detect.h"
#include "firewall.h"
#include "hostinfo.h"
#include "json.h"
#include "msgs.h"
#include "plan.h"
#include "sntp.h"
#include "strbuf.h"
#include "strv.h"

/* What the local daemon says, and why servers did not answer. */
struct diagnosis {
    const struct ntp_backend *backend;    /* NULL: none found */
    bool daemon_asked;
    struct sync_status sync;
    struct strv why;                      /* one line per finding */
};

/* The servers to measure against: those given, else those the detected implementation is
 * configured with, else the defaults. */
static void
choose_servers(int argc, char **argv, const struct hostinfo *h, struct diagnosis *d,
               struct strv *servers, struct msgs *m)
{
    struct msgs quiet = { 0 };

    for (int i = 0; i < argc; i++)
        strv_push(servers, argv[i]);
    d->backend = backend_choose(NULL, h, &quiet);
    if (!servers->n && d->backend &&
        detect_configured_sources(d->backend, h, cli_lens_dir(), servers, &quiet) == 0 &&
        servers->n)
        msg_note(m, "measuring against the servers %s is configured with", d->backend->name);
    if (!servers->n) {
        strv_push(servers, "0.pool.ntp.org");
        strv_push(servers, "1.pool.ntp.org");
    }
    msgs_free(&quiet);
}

/* The local daemon's own view, when it runs. */
static void
ask_daemon(const struct hostinfo *h, struct diagnosis *d)
{
    if (!d->backend || !h->live || backend_state(d->backend, h) != BACKEND_ACTIVE)
        return;
    backend_verify(d->backend, h, 0, 0, &d->sync);
    d->daemon_asked = true;
}

/* The clock may be right now, but is anything keeping it so? A good offset with no NTP
 * daemon running, or with one that is not synchronized, is WARNING (CRITICAL and UNKNOWN
 * stay as the offset made them), and a warning says which. */
static void
nothing_keeps_time(const struct hostinfo *h, struct diagnosis *d, struct check_verdict *v,
                   struct msgs *m)
{
    char *why = NULL;

    if (!h->live || v->state != CHECK_OK)
        return;
    /* A container that cannot set the clock needs no daemon of its own: the host's sets its
     * clock (platform_findings notes it). */
    if (h->platform.container && h->platform.can_set_clock == 0)
        return;
    if (!d->backend)
        why = xstrdup("no NTP daemon is installed: nothing keeps the clock right");
    else if (!d->daemon_asked)
        why = xasprintf("no NTP daemon is running (%s is installed but not running): nothing "
                        "keeps the clock right", d->backend->name);
    else if (!d->sync.answered)
        why = xasprintf("%s runs but does not answer (%s)", d->backend->name, d->sync.how);
    else if (!d->sync.synchronized)
        why = xasprintf("%s runs but is not synchronized%s%s", d->backend->name,
                        d->sync.why[0] ? ": " : "", d->sync.why);
    if (!why)
        return;
    v->state = CHECK_WARNING;
    msg_warn(m, "%s", why);
    free(why);
}

/* No reply from some servers: is it the local firewall? */
static void
diagnose_silence(const struct sntp_result *res, size_t n, struct diagnosis *d)
{
    struct firewall_opts o = { 0 };
    struct firewall_result fr;
    struct msgs fm = { 0 };
    enum firewall_status st;

    for (size_t i = 0; i < n; i++)
        if (res[i].status == SNTP_ERR_NO_REPLY || res[i].status == SNTP_ERR_NETWORK)
            strv_push(&o.servers, res[i].host);
    if (!o.servers.n)
        return;
    if (geteuid() != 0) {
        strv_push(&d->why, "no reply: the local firewall could not be inspected (run as root "
                  "to see whether it drops udp 123)");
        strv_free(&o.servers);
        return;
    }
    o.dry_run = true;
    st = firewall_run(&o, &fr, &fm);
    if (st == FIREWALL_CHANGED) {
        strv_push(&d->why, "no reply: the local firewall drops NTP (udp 123); "
                  "'te-ntp-setup firewall' would add:");
        for (size_t i = 0; i < fr.n; i++)
            for (size_t j = 0; j < fr.firewalls[i].n; j++)
                strv_push_owned(&d->why, xasprintf("  would add: %s",
                                                   fr.firewalls[i].rules[j].text));
    } else if (st == FIREWALL_NOTHING) {
        strv_push(&d->why, "no reply, and the local firewall lets NTP through: an upstream "
                  "firewall drops udp 123, or the server is down");
    } else {
        strv_push(&d->why, "no reply; the local firewall could not be inspected");
    }
    msgs_free(&fm);
    firewall_result_free(&fr);
    strv_free(&o.servers);
}

/* Where the host runs (issue 18): a container's clock is the host's; an emulated clocksource
 * in a virtual machine; sources that mix leap smearing (those that answered, else those
 * measured). Notes and warnings in m. */
static void
platform_findings(const struct hostinfo *h, const struct sntp_result *res, size_t n,
                  struct msgs *m)
{
    const struct platform *p = &h->platform;
    const char **hosts = xcalloc(n + 1, sizeof(*hosts));
    size_t nh = 0, si, pi;
    char *note;
    bool answered = true;

    if (p->container)
        msg_note(m, "this system is a container (%s: %s): its clock is the host's, set by the "
                 "host's NTP client; when it is off, run te-ntp-setup check on the host",
                 p->container, p->container_evidence);
    if ((note = platform_clocksource_note(p)))
        strv_push_owned(&m->notes, note);
    for (size_t i = 0; i < n; i++)
        if (res[i].status == SNTP_OK)
            hosts[nh++] = res[i].host;
    if (!platform_smear_mixed(hosts, nh, &si, &pi)) {
        answered = false;
        for (nh = 0; nh < n; nh++)
            hosts[nh] = res[nh].host;
    }
    if (platform_smear_mixed(hosts, nh, &si, &pi))
        msg_warn(m, "the sources that %s mix leap smearing: %s is %s, which smears leap "
                 "seconds, %s is not known to; around a leap second they disagree by up to "
                 "half a second (use smeared sources only, or unsmeared ones only)",
                 answered ? "answered" : "were asked", hosts[si],
                 platform_smeared_service(hosts[si]), hosts[pi]);
    free(hosts);
}

static void
render_daemon_text(const struct diagnosis *d, struct strbuf *sb)
{
    if (!d->daemon_asked) {
        if (d->backend)
            sb_printf(sb, "Local daemon: %s is not running\n", d->backend->name);
        else
            sb_append(sb, "Local daemon: no NTP client is installed\n");
        return;
    }
    if (!d->sync.answered)
        sb_printf(sb, "Local daemon: %s does not answer (%s)\n", d->backend->name, d->sync.how);
    else if (d->sync.synchronized)
        sb_printf(sb, "Local daemon: %s is synchronized%s%s\n", d->backend->name,
                  d->sync.source[0] ? " to " : "", d->sync.source);
    else
        sb_printf(sb, "Local daemon: %s is NOT synchronized\n", d->backend->name);
}

/* The keys every command's JSON has: changed (never, for check), failed (CRITICAL or
 * UNKNOWN: the time is wrong or could not be measured), warnings, errors, notes. */
static void
render_common_json(int code, const struct msgs *m, struct strbuf *sb)
{
    json_key(sb, "changed", false);
    sb_append(sb, "false");
    json_key(sb, "failed", false);
    sb_append(sb, code >= CHECK_CRITICAL ? "true" : "false");
    json_msgs(sb, m);
}

/* With --json, a check that could not measure at all still prints one object. */
static void
print_failure_json(const char *error, struct msgs *m)
{
    struct strbuf sb;

    msg_error(m, "%s", error);
    sb_init(&sb);
    sb_putc(&sb, '{');
    json_key(&sb, "state", true);
    json_string(&sb, check_state_str(CHECK_UNKNOWN));
    json_key(&sb, "exit_code", false);
    sb_printf(&sb, "%d", CHECK_UNKNOWN);
    render_common_json(CHECK_UNKNOWN, m, &sb);
    sb_append(&sb, "}\n");
    fputs(sb.buf, stdout);
    sb_free(&sb);
}

/* Add "daemon", "diagnosis", "authenticated" and the common keys to the object
 * check_render_json wrote. */
static void
render_extra_json(const struct diagnosis *d, int code, const struct msgs *m, struct strbuf *sb)
{
    if (sb->len == 0 || sb->buf[sb->len - 1] != '}')
        return;
    sb->len--;
    json_key(sb, "authenticated", false);
    sb_append(sb, "false");
    json_key(sb, "daemon", false);
    sb_putc(sb, '{');
    json_key(sb, "implementation", true);
    json_string_or_null(sb, d->backend ? d->backend->name : NULL);
    json_key(sb, "running", false);
    sb_append(sb, d->daemon_asked ? "true" : "false");
    json_key(sb, "synchronized", false);
    sb_append(sb, d->daemon_asked && d->sync.synchronized ? "true" : "false");
    json_key(sb, "source", false);
    json_string_or_null(sb, d->daemon_asked && d->sync.source[0] ? d->sync.source : NULL);
    sb_putc(sb, '}');
    json_key(sb, "diagnosis", false);
    json_strv(sb, &d->why);
    render_common_json(code, m, sb);
    sb_putc(sb, '}');
}

static const char check_shortopts[] = "w:c:t:h";
static const struct option check_longopts[] = {
    { "json", no_argument, NULL, OPT_JSON },
    { "warn", required_argument, NULL, 'w' },
    { "crit", required_argument, NULL, 'c' },
    { "timeout", required_argument, NULL, 't' },
    { "help", no_argument, NULL, 'h' },
    { NULL, 0, NULL, 0 },
};

static const struct option *
check_options(const char **shortopts)
{
    *shortopts = check_shortopts;
    return check_longopts;
}

static int
check_main(int argc, char **argv)
{
    struct check_thresholds th;
    struct sntp_options opt;
    struct sntp_result *res = NULL;
    struct check_verdict v;
    struct diagnosis d = { 0 };
    struct hostinfo host;
    struct strv servers = { 0 };
    struct msgs m = { 0 };
    struct strbuf out;
    char err[256] = "";
    double timeout = 5;
    bool json = false;
    int c, code = CHECK_UNKNOWN;

    check_thresholds_init(&th);
    sntp_options_init(&opt);
    while ((c = getopt_long(argc, argv, check_shortopts, check_longopts, NULL)) != -1) {
        double *dst = c == 'w' ? &th.warn : c == 'c' ? &th.crit : &timeout;

        switch (c) {
        case OPT_JSON:
            json = true;
            break;
        case 'w':
        case 'c':
        case 't':
            if (check_parse_seconds(optarg, dst, err, sizeof(err)) < 0 ||
                (c == 't' && (timeout <= 0 || timeout > 300))) {
                char *q = quote_string(optarg);

                fprintf(stderr, "te-ntp-setup: check: --%s %s: %s\n",
                        c == 'w' ? "warn" : c == 'c' ? "crit" : "timeout", q,
                        c == 't' && !err[0] ? "must be more than 0 and at most 300" : err);
                free(q);
                return CHECK_UNKNOWN;   /* the plugin convention: a usage error is UNKNOWN */
            }
            err[0] = '\0';
            break;
        case 'h':
            cli_help();
            return CHECK_OK;
        default:
            fputs("Try 'te-ntp-setup --help'.\n", stderr);
            return CHECK_UNKNOWN;
        }
    }
    if (th.warn > th.crit) {
        fprintf(stderr, "te-ntp-setup: check: --warn %g is above --crit %g\n", th.warn, th.crit);
        return CHECK_UNKNOWN;
    }
    opt.timeout_ms = (int)(timeout * 1000);
    hostinfo_read(&host, NULL, &m);
    choose_servers(argc - optind, argv + optind, &host, &d, &servers, &m);
    res = xcalloc(servers.n, sizeof(*res));
    for (size_t i = 0; i < servers.n; i++) {
        if (sntp_result_init(&res[i], servers.v[i], err, sizeof(err)) < 0) {
            char *q = quote_string(servers.v[i]);

            fprintf(stderr, "te-ntp-setup: check: server %s: %s\n", q, err);
            if (json) {
                char *e = xasprintf("server %s: %s", q, err);

                print_failure_json(e, &m);
                free(e);
            }
            free(q);
            goto out;
        }
    }
    if (sntp_query(res, servers.n, &opt, err, sizeof(err)) < 0) {
        fprintf(stderr, "te-ntp-setup: check: %s\n", err);
        if (json)
            print_failure_json(err, &m);
        goto out;
    }
    code = check_evaluate(res, servers.n, &th, &v);
    ask_daemon(&host, &d);
    diagnose_silence(res, servers.n, &d);
    nothing_keeps_time(&host, &d, &v, &m);
    code = v.state;
    platform_findings(&host, res, servers.n, &m);

    sb_init(&out);
    if (json) {
        check_render_json(&out, res, servers.n, &v, &th);
        render_extra_json(&d, code, &m, &out);
        sb_putc(&out, '\n');
    } else {
        check_render_text(&out, res, servers.n, &v, &th);
        for (size_t i = 0; i < d.why.n; i++)
            sb_printf(&out, "%s\n", d.why.v[i]);
        render_daemon_text(&d, &out);
        sb_append(&out, "(SNTP measurement, unauthenticated)\n");
    }
    fputs(out.buf, stdout);
    sb_free(&out);
    if (!json)
        cli_print_msgs(&m);
out:
    free(res);
    strv_free(&servers);
    strv_free(&d.why);
    msgs_free(&m);
    hostinfo_free(&host);
    return code;
}

const struct command cmd_check = {
    .name = "check",
    .usage =
"Usage: te-ntp-setup check [--json] [--warn SEC] [--crit SEC] [--timeout SEC]\n"
"                          [SERVER[:PORT] ...]\n"
"\n"
"Measures the clock's offset against the servers (given, else those the NTP client\n"
"is configured with, else 0.pool.ntp.org and 1.pool.ntp.org) with SNTP, says it in\n"
"words (\"12 min 34 s behind\"), shows the local daemon's view, and when a server\n"
"does not answer, why (name does not resolve, the local firewall drops udp 123,\n"
"kiss-o'-death, server not synchronized). Changes nothing. The first line is a\n"
"monitoring-plugin line with perfdata; exit 0 OK, 1 WARNING (offset above --warn,\n"
"default 60 s), 2 CRITICAL (above --crit, default 120 s), 3 UNKNOWN (no offset,\n"
"or a usage error). --timeout: for all servers together, name resolution included\n"
"(default 5 s).\n",
    .options = check_options,
    .run = check_main,
};
