/* SPDX-License-Identifier: Apache-2.0 */
/* te-ntp-setup firewall: let NTP through the host's firewall where it is blocked. */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <unistd.h>

#include "backend.h"
#include "cli.h"
#include "detect.h"
#include "firewall.h"
#include "hostinfo.h"
#include "msgs.h"
#include "render.h"
#include "strbuf.h"
#include "strv.h"

/* Without --server: the servers the host's NTP client is configured with (so that the path
 * is opened to them, not to every address); none found: firewall_run's defaults. */
static void
configured_servers(struct strv *servers, struct msgs *m)
{
    struct hostinfo host;
    struct msgs quiet = { 0 };
    const struct ntp_backend *b;

    hostinfo_read(&host, NULL, &quiet);
    b = backend_choose(NULL, &host, &quiet);
    if (b && detect_configured_sources(b, &host, cli_lens_dir(), servers, &quiet) == 0 &&
        servers->n)
        msg_note(m, "the servers %s is configured with: the path is opened to them", b->name);
    msgs_free(&quiet);
    hostinfo_free(&host);
}

static const char firewall_shortopts[] = "s:nh";
static const struct option firewall_longopts[] = {
    { "server", required_argument, NULL, 's' },
    { "serve", required_argument, NULL, OPT_SERVE },
    { "dry-run", no_argument, NULL, 'n' },
    { "json", no_argument, NULL, OPT_JSON },
    { "remove", no_argument, NULL, OPT_REMOVE },
    { "detailed-exitcodes", no_argument, NULL, OPT_DETAILED },
    { "help", no_argument, NULL, 'h' },
    { NULL, 0, NULL, 0 },
};

static const struct option *
firewall_options(const char **shortopts)
{
    *shortopts = firewall_shortopts;
    return firewall_longopts;
}

static int
firewall_main(int argc, char **argv)
{
    struct firewall_opts o = { 0 };
    struct firewall_result res;
    struct msgs m = { 0 };
    struct strbuf out;
    enum firewall_status st;
    bool json = false, detailed_exitcodes = false;
    int c, code;

    sb_init(&out);
    while ((c = getopt_long(argc, argv, firewall_shortopts, firewall_longopts, NULL)) != -1) {
        switch (c) {
        case 's': strv_push(&o.servers, optarg); break;
        case OPT_SERVE: strv_push(&o.serve, optarg); break;
        case 'n': o.dry_run = true; break;
        case OPT_JSON: json = true; break;
        case OPT_REMOVE: o.remove = true; break;
        case OPT_DETAILED: detailed_exitcodes = true; break;
        case 'h':
            cli_help();
            code = EXIT_OK;
            goto out;
        default:
            code = cli_bad_option();
            goto out;
        }
    }
    if (optind < argc) {
        code = cli_usage_error("unexpected argument '%s' to firewall", argv[optind]);
        goto out;
    }
    if (!o.servers.n && !o.remove)
        configured_servers(&o.servers, &m);
    st = firewall_run(&o, &res, &m);
    if (json)
        render_firewall_json(&res, &m, &out);
    else
        render_firewall_text(&res, &out);
    firewall_result_free(&res);
    fputs(out.buf, stdout);
    fflush(stdout);
    if (!json || isatty(STDERR_FILENO) || st == FIREWALL_USAGE)
        cli_print_msgs(&m);
    if (st == FIREWALL_CHANGED && !o.dry_run)
        cli_set_acted();
    switch (st) {
    case FIREWALL_NOTHING: code = EXIT_OK; break;
    case FIREWALL_CHANGED: code = detailed_exitcodes ? EXIT_CHANGED : EXIT_OK; break;
    case FIREWALL_USAGE: code = EXIT_USAGE; break;
    default: code = EXIT_FAILED;
    }
out:
    sb_free(&out);
    msgs_free(&m);
    strv_free(&o.servers);
    strv_free(&o.serve);
    return code;
}

const struct command cmd_firewall = {
    .name = "firewall",
    .usage =
"Usage: te-ntp-setup firewall [-n|--dry-run] [--json] [--remove] [--detailed-exitcodes]\n"
"                             [-s|--server HOST ...] [--serve CIDR ...]\n"
"\n"
"Finds the active firewall (firewalld, ufw, iptables, iptables-legacy, nftables) of\n"
"the host or network namespace it runs in, decides from its rules whether NTP\n"
"(udp 123) to the servers and its replies pass, and where they do not, adds accept\n"
"rules tagged te-ntp-setup. Inbound udp 123 is opened only with --serve, and only\n"
"from the networks given (a host that serves time to them, see apply --serve). A\n"
"second run adds nothing; --remove deletes exactly the tagged rules. Without\n"
"--server: the servers the NTP client is configured with (else as for apply).\n",
    .options = firewall_options,
    .run = firewall_main,
};
