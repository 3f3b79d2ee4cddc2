/* SPDX-License-Identifier: Apache-2.0 */
/* te-ntp-setup rollback: undo the last run (or an interrupted one). */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "hostinfo.h"
#include "json.h"
#include "lock.h"
#include "msgs.h"
#include "settings.h"
#include "strbuf.h"
#include "strv.h"
#include "txn.h"

#define NOTHING_TO_ROLL_BACK "nothing to roll back: no run of te-ntp-setup is recorded"
#define NOTHING_TO_ROLL_BACK_ALL "nothing to roll back: te-ntp-setup has changed nothing here"

static const char rollback_shortopts[] = "r:h";
static const struct option rollback_longopts[] = {
    { "json", no_argument, NULL, OPT_JSON },
    { "all", no_argument, NULL, OPT_ALL },
    { "root", required_argument, NULL, 'r' },
    { "lock-timeout", required_argument, NULL, OPT_LOCK_TIMEOUT },
    { "help", no_argument, NULL, 'h' },
    { NULL, 0, NULL, 0 },
};

static const struct option *
rollback_options(const char **shortopts)
{
    *shortopts = rollback_shortopts;
    return rollback_longopts;
}

static int
rollback_main(int argc, char **argv)
{
    const char *root = NULL;
    int lock_timeout = SETTINGS_LOCK_TIMEOUT, lock, rc, c, code;
    struct hostinfo host;
    struct strv actions = { 0 };
    struct msgs m = { 0 };
    bool json = false, all = false;

    while ((c = getopt_long(argc, argv, rollback_shortopts, rollback_longopts, NULL)) != -1) {
        switch (c) {
        case OPT_JSON: json = true; break;
        case OPT_ALL: all = true; break;
        case 'r': root = optarg; break;
        case OPT_LOCK_TIMEOUT:
            if (!cli_seconds("lock-timeout", optarg, 3600, &lock_timeout))
                return EXIT_USAGE;
            break;
        case 'h':
            cli_help();
            return EXIT_OK;
        default:
            return cli_bad_option();
        }
    }
    if (optind < argc)
        return cli_usage_error("unexpected argument '%s' to rollback", argv[optind]);
    if (cli_check_root(root))
        return EXIT_USAGE;
    hostinfo_read(&host, root, &m);
    lock = lock_take(host.root, lock_timeout * 1000, &m);
    if (lock < 0) {
        rc = lock == -2 ? -2 : -1;
        code = lock == -2 ? EXIT_LOCKED : EXIT_FAILED;
    } else {
        rc = all ? txn_rollback_all(&host, &actions, &m) : txn_rollback(&host, &actions, &m);
        code = rc < 0 ? EXIT_UNRESTORED : EXIT_OK;
        lock_release(lock);
        cli_audit("rollback", &actions, &m, rc < 0);
        if (actions.n > 0)
            cli_set_acted();
    }
    if (json) {
        struct strbuf out;
        struct msgs shown = { m.errors, m.warnings, { 0 } };    /* m's, and one more note */

        for (size_t i = 0; i < m.notes.n; i++)
            strv_push(&shown.notes, m.notes.v[i]);
        if (rc == 1)
            strv_push(&shown.notes, all ? NOTHING_TO_ROLL_BACK_ALL : NOTHING_TO_ROLL_BACK);
        sb_init(&out);
        sb_putc(&out, '{');
        json_key(&out, "changed", true);
        sb_append(&out, rc == 0 ? "true" : "false");
        json_key(&out, "failed", false);
        sb_append(&out, rc < 0 ? "true" : "false");
        json_key(&out, "restored", false);
        sb_append(&out, code == EXIT_UNRESTORED ? "false" : "true");
        json_key(&out, "root", false);
        json_string(&out, root ? root : "/");
        json_key(&out, "actions", false);
        json_strv(&out, &actions);
        json_msgs(&out, &shown);
        sb_append(&out, "}\n");
        strv_free(&shown.notes);
        fputs(out.buf, stdout);
        sb_free(&out);
    } else {
        for (size_t i = 0; i < actions.n; i++)
            printf("%s\n", actions.v[i]);
        if (rc == 1)
            printf("%s\n", all ? NOTHING_TO_ROLL_BACK_ALL : NOTHING_TO_ROLL_BACK);
    }
    fflush(stdout);
    cli_print_msgs(&m);
    strv_free(&actions);
    msgs_free(&m);
    hostinfo_free(&host);
    return code;
}

const struct command cmd_rollback = {
    .name = "rollback",
    .usage =
"Usage: te-ntp-setup rollback [--all] [--json] [-r|--root DIR] [--lock-timeout SEC]\n"
"\n"
"Restores what the last apply changed (or finishes undoing an interrupted one):\n"
"each file goes back to its old text when it still holds what te-ntp-setup wrote,\n"
"the firewall rules the run added are deleted, and the services are put back as\n"
"they were. It reaches one run back: a second rollback has nothing to undo.\n"
"\n"
"      --all    every file te-ntp-setup ever changed back to what it held before\n"
"               its first run on this host (files it created are removed), every\n"
"               firewall rule it added deleted, the services as they were then\n"
"\n"
"The backups are kept in " TXN_DIR ".\n",
    .options = rollback_options,
    .run = rollback_main,
};
