/* SPDX-License-Identifier: Apache-2.0 */
/* te-ntp-setup detect: what the host runs for time synchronization. */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "detect.h"
#include "hostinfo.h"
#include "msgs.h"
#include "strbuf.h"

static const char detect_shortopts[] = "r:i:h";
static const struct option detect_longopts[] = {
    { "json", no_argument, NULL, OPT_JSON },
    { "root", required_argument, NULL, 'r' },
    { "implementation", required_argument, NULL, 'i' },
    { "help", no_argument, NULL, 'h' },
    { NULL, 0, NULL, 0 },
};

static const struct option *
detect_options(const char **shortopts)
{
    *shortopts = detect_shortopts;
    return detect_longopts;
}

static int
detect_main(int argc, char **argv)
{
    const char *root = NULL, *implementation = NULL;
    struct hostinfo host;
    struct msgs m = { 0 };
    struct strbuf out;
    bool json = false;
    int c, rc;

    while ((c = getopt_long(argc, argv, detect_shortopts, detect_longopts, NULL)) != -1) {
        switch (c) {
        case OPT_JSON: json = true; break;
        case 'r': root = optarg; break;
        case 'i': implementation = optarg; break;
        case 'h':
            cli_help();
            return EXIT_OK;
        default:
            return cli_bad_option();
        }
    }
    if (optind < argc)
        return cli_usage_error("unexpected argument '%s' to detect", argv[optind]);
    if (cli_check_root(root))
        return EXIT_USAGE;
    sb_init(&out);
    hostinfo_read(&host, root, &m);
    rc = detect_report(&host, implementation, json, &out, &m);
    fputs(out.buf, stdout);
    fflush(stdout);
    cli_print_msgs(&m);
    sb_free(&out);
    hostinfo_free(&host);
    msgs_free(&m);
    return rc == 0 ? EXIT_OK : EXIT_FAILED;
}

const struct command cmd_detect = {
    .name = "detect",
    .usage =
"Usage: te-ntp-setup detect [--json] [-r|--root DIR] [-i|--implementation X]\n"
"\n"
"The distro, the init system, every NTP implementation with its state (absent,\n"
"installed, enabled, active), the one apply would configure, its configuration\n"
"files and service, and the time daemons that would be stopped.\n",
    .options = detect_options,
    .run = detect_main,
};
