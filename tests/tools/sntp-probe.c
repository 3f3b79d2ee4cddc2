/* SPDX-License-Identifier: Apache-2.0 */
/* sntp-probe.c - test driver: query servers with sntp_query() and print the
 * outcome, one "key=value ..." line per server (default) or the check JSON
 * (-j) or the check text (-T).  Exit code: the check state (0-3), 64 usage.
 *
 * usage: sntp-probe [-j|-T] [-N] [-4|-6] [-t TIMEOUT_MS] [-r REQUESTS]
 *                   [-w WARN] [-c CRIT] SERVER[:PORT]...
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include "check.h"
#include "sntp.h"
#include "strbuf.h"

static void
usage(void)
{
    fprintf(stderr, "usage: sntp-probe [-j|-T] [-N] [-4|-6] [-t TIMEOUT_MS] [-r REQUESTS]\n"
                    "                  [-w WARN] [-c CRIT] SERVER[:PORT]...\n");
    exit(64);
}

int
main(int argc, char **argv)
{
    struct sntp_options opt;
    struct check_thresholds th;
    struct check_verdict v;
    struct sntp_result *res = NULL;
    struct strbuf sb;
    char err[256];
    int c, mode = 'k', ret = 3;
    size_t n, i;

    sntp_options_init(&opt);
    check_thresholds_init(&th);
    sb_init(&sb);
    while ((c = getopt(argc, argv, "jTN46t:r:w:c:")) != -1) {
        switch (c) {
        case 'j': case 'T': mode = c; break;
        case 'N': opt.numeric_only = true; break;
        case '4': opt.family = AF_INET; break;
        case '6': opt.family = AF_INET6; break;
        case 't': opt.timeout_ms = atoi(optarg); break;
        case 'r': opt.max_requests = (unsigned)atoi(optarg); break;
        case 'w':
            if (check_parse_seconds(optarg, &th.warn, err, sizeof(err)) < 0)
                usage();
            break;
        case 'c':
            if (check_parse_seconds(optarg, &th.crit, err, sizeof(err)) < 0)
                usage();
            break;
        default: usage();
        }
    }
    if (optind >= argc)
        usage();
    n = (size_t)(argc - optind);
    res = calloc(n, sizeof(*res));
    if (!res) {
        fprintf(stderr, "sntp-probe: out of memory\n");
        goto out;
    }
    for (i = 0; i < n; i++) {
        if (sntp_result_init(&res[i], argv[optind + (int)i], err, sizeof(err)) < 0) {
            fprintf(stderr, "sntp-probe: %s\n", err);
            ret = 64;
            goto out;
        }
    }
    if (sntp_query(res, n, &opt, err, sizeof(err)) < 0) {
        fprintf(stderr, "sntp-probe: %s\n", err);
        goto out;
    }
    check_evaluate(res, n, &th, &v);
    if (mode == 'j') {
        check_render_json(&sb, res, n, &v, &th);
        sb_putc(&sb, '\n');
    } else if (mode == 'T') {
        check_render_text(&sb, res, n, &v, &th);
    } else {
        for (i = 0; i < n; i++) {
            const struct sntp_result *r = &res[i];

            sb_printf(&sb, "server=%s status=%s address=%s requests=%u rejected=%u refused=%d "
                      "kiss=%s stratum=%u leap=%u refid=%s offset=%.6f delay=%.6f "
                      "root_distance=%.6f\nerror=%s\n",
                      r->host, sntp_status_str(r->status), r->address[0] ? r->address : "-",
                      r->requests, r->rejected, r->refused, r->kiss[0] ? r->kiss : "-",
                      r->stratum, r->leap, r->refid[0] ? r->refid : "-", r->offset, r->delay,
                      r->root_distance, r->error[0] ? r->error : "-");
        }
        sb_printf(&sb, "state=%s\n", check_state_str(v.state));
    }
    fputs(sb.buf, stdout);
    ret = (int)v.state;
out:
    sb_free(&sb);
    free(res);
    return ret;
}
