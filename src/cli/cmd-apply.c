/* SPDX-License-Identifier: Apache-2.0 */
/* te-ntp-setup [apply]: configure time synchronization. */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "alloc.h"
#include "ansible.h"
#include "apply.h"
#include "augtree.h"
#include "backend.h"
#include "cli.h"
#include "hostinfo.h"
#include "lock.h"
#include "msgs.h"
#include "paths.h"
#include "plan.h"
#include "report.h"
#include "settings.h"
#include "strbuf.h"
#include "strv.h"
#include "txn.h"

static volatile sig_atomic_t stop_signal;

/* SIGINT, SIGTERM, SIGHUP: before the write phase the run ends at once, nothing changed
 * (exit 1); once it has begun, the run puts back what it wrote (or, after the restart,
 * finishes) and then stops, never leaving half a change. */
static void
on_signal(int sig)
{
    static const char msg[] = "te-ntp-setup: stopped by a signal before anything was "
                              "changed\n";

    if (!apply_writing) {
        if (write(STDERR_FILENO, msg, sizeof(msg) - 1) < 0)
            _exit(EXIT_FAILED);
        _exit(EXIT_FAILED);
    }
    stop_signal = sig;
    apply_stop = sig;
}

static void
catch_signals(void)
{
    struct sigaction sa;

    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
}

/* --if-needed: why nothing is to be done when the chosen implementation runs and says the
 * clock is synchronized (free() it); NULL otherwise. */
static char *
already_fine(struct plan *p)
{
    struct sync_status st;

    if (!p->host->live || backend_state(p->backend, p->host) != IMPL_ACTIVE)
        return NULL;
    backend_verify(p, 0, &st);
    if (!st.synchronized)
        return NULL;
    return xasprintf("%s is active and synchronized%s%s: nothing changed (--if-needed)",
                     p->backend->name, st.source[0] ? " to " : "", st.source);
}

static int
exit_code(enum apply_status st, const struct settings *s)
{
    switch (st) {
    case APPLY_UNCHANGED:
        return EXIT_OK;
    case APPLY_CHANGED:
        return s->detailed_exitcodes ? EXIT_CHANGED : EXIT_OK;
    case APPLY_FAILED_UNRESTORED:
        return EXIT_UNRESTORED;
    case APPLY_INVALID:
        return EXIT_USAGE;
    default:
        return EXIT_FAILED;
    }
}

/* How a run reports: text, --json, or as an Ansible module. */
enum output {
    OUTPUT_TEXT,
    OUTPUT_JSON,
    OUTPUT_ANSIBLE,
};

static int
run(struct settings *s, struct msgs *m, enum output how)
{
    struct hostinfo host;
    struct augtree *aug = NULL;
    const struct ntp_backend *b;
    struct plan plan;
    bool planned = false, locked_out = false, failed;
    struct strv actions = { 0 };
    struct apply_report r = {
        .settings = s, .msgs = m, .status = APPLY_FAILED_RESTORED, .actions = &actions,
    };
    struct strbuf out;
    char *skipped = NULL;
    int lock = -1, code;

    sb_init(&out);
    catch_signals();
    hostinfo_read(&host, s->root, m);
    if (cli_check_lenses(m) < 0)
        goto report;
    /* A container that cannot set the clock: nothing to do here (before the lock: touch
     * nothing). */
    if (platform_container_gate(&host.platform, s->configure_container, m) < 0) {
        r.status = APPLY_INVALID;
        goto report;
    }
    if (!s->dry_run) {
        lock = lock_take(host.root, s->lock_timeout * 1000, m);
        locked_out = lock == -2;
        if (lock < 0)
            goto report;
        if (txn_interrupted(host.root)) {
            apply_writing = 1;                 /* the undo is not cut short */
            msg_warn(m, "an earlier run was interrupted: undoing it first");
            if (txn_rollback(&host, &actions, m) < 0) {
                r.status = APPLY_FAILED_UNRESTORED;
                goto report;
            }
        }
    }
    b = backend_choose(s->implementation, &host, m);
    if (!b)
        goto report;
    platform_default_sources(s, &host.platform, host.root, b->name, m);
    if (!backend_supports(b, s, m)) {
        r.status = APPLY_INVALID;
        goto report;
    }
    aug = augtree_new(cli_lens_dir(), m);
    if (!aug)
        goto report;
    plan_init(&plan, s, &host, b, aug, m);
    backend_conflicts(b, &host, &plan.conflicts);
    planned = true;
    r.backend = b;
    r.service = plan.service;
    if (s->if_needed && (skipped = already_fine(&plan))) {
        r.status = APPLY_UNCHANGED;
        r.skipped = skipped;
        goto report;
    }
    if (b->plan(&plan) < 0) {
        if (plan.invalid)
            r.status = APPLY_INVALID;
        goto report;
    }
    r.plan = &plan;
    r.status = apply_run(&plan, &actions);

report:
    if (stop_signal)
        msg_warn(m, "signal %d: stopped after %s the run", (int)stop_signal,
                 r.status == APPLY_CHANGED ? "finishing" : "undoing");
    r.unsynchronized_fails = how == OUTPUT_ANSIBLE && !s->accept_unsynchronized;
    failed = report_failed(&r);
    if (how == OUTPUT_ANSIBLE)
        ansible_result(&r, &out);
    else if (how == OUTPUT_JSON)
        report_apply_json(&r, &out);
    else if (s->verbosity > VERBOSITY_QUIET)
        report_apply_text(&r, s->diff, &out);
    fputs(out.buf, stdout);
    fflush(stdout);
    if (!s->dry_run)
        cli_audit("apply", &actions, m, failed);
    if (!s->dry_run && actions.n > 0)
        cli_set_acted();
    if (how != OUTPUT_ANSIBLE)
        cli_print_msgs_at(m, s->verbosity);
    if (how == OUTPUT_ANSIBLE)
        code = failed ? EXIT_FAILED : EXIT_OK;     /* as AnsibleModule.fail_json */
    else if (locked_out)
        code = EXIT_LOCKED;
    else if (report_unsynchronized(&r))
        code = EXIT_UNSYNCHRONIZED;
    else
        code = exit_code(r.status, s);
    lock_release(lock);
    sb_free(&out);
    free(skipped);
    strv_free(&actions);
    if (planned)
        plan_free(&plan);
    augtree_free(aug);
    hostinfo_free(&host);
    return code;
}

static int
apply_main(int argc, char **argv)
{
    static const struct option longopts[] = {
        { "server", required_argument, NULL, 's' },
        { "pool", required_argument, NULL, 'p' },
        { "config", required_argument, NULL, 'c' },
        { "implementation", required_argument, NULL, 'i' },
        { "mode", required_argument, NULL, 'm' },
        { "dhcp", required_argument, NULL, OPT_DHCP },
        { "serve", required_argument, NULL, OPT_SERVE },
        { "local-stratum", required_argument, NULL, OPT_LOCAL_STRATUM },
        { "root", required_argument, NULL, 'r' },
        { "dry-run", no_argument, NULL, 'n' },
        { "diff", no_argument, NULL, 'd' },
        { "json", no_argument, NULL, OPT_JSON },
        { "no-firewall", no_argument, NULL, OPT_NO_FIREWALL },
        { "no-restart", no_argument, NULL, OPT_NO_RESTART },
        { "no-verify", no_argument, NULL, OPT_NO_VERIFY },
        { "verify-timeout", required_argument, NULL, OPT_VERIFY_TIMEOUT },
        { "if-needed", no_argument, NULL, OPT_IF_NEEDED },
        { "nts", no_argument, NULL, OPT_NTS },
        { "accept-auth-downgrade", no_argument, NULL, OPT_ACCEPT_DOWNGRADE },
        { "configure-container", no_argument, NULL, OPT_CONFIGURE_CONTAINER },
        { "platform", required_argument, NULL, OPT_PLATFORM },
        { "allow-leap-smear-mix", no_argument, NULL, OPT_ALLOW_SMEAR_MIX },
        { "lock-timeout", required_argument, NULL, OPT_LOCK_TIMEOUT },
        { "detailed-exitcodes", no_argument, NULL, OPT_DETAILED },
        { "quiet", no_argument, NULL, 'q' },
        { "verbose", no_argument, NULL, 'v' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    struct settings cli, s;
    struct msgs m = { 0 };
    const char *config = NULL, *mode = NULL, *dhcp = NULL, *platform = NULL;
    bool nts = false;
    int c, code = EXIT_USAGE;

    settings_init(&cli);
    settings_init(&s);
    while ((c = getopt_long(argc, argv, "s:p:c:i:m:r:ndqvh", longopts, NULL)) != -1) {
        switch (c) {
        case 's': settings_add_source(&cli, SOURCE_SERVER, optarg); break;
        case 'p': settings_add_source(&cli, SOURCE_POOL, optarg); break;
        case 'c': config = optarg; break;
        case 'i':
            free(cli.implementation);
            cli.implementation = xstrdup(optarg);
            break;
        case 'm': mode = optarg; break;
        case OPT_DHCP: dhcp = optarg; break;
        case OPT_SERVE: strv_push(&cli.serve, optarg); break;
        case OPT_LOCAL_STRATUM:
            if (!settings_parse_local_stratum(optarg, &cli.local_stratum)) {
                char *q = quote_string(optarg);

                code = cli_usage_error("--local-stratum must be a whole number from 1 to %d, "
                                       "not %s", SETTINGS_LOCAL_STRATUM_MAX, q);
                free(q);
                goto out;
            }
            break;
        case 'r':
            free(cli.root);
            cli.root = xstrdup(optarg);
            break;
        case 'n': cli.dry_run = true; break;
        case 'd': cli.diff = true; break;
        case OPT_JSON: cli.json = true; break;
        case OPT_NO_FIREWALL: cli.no_firewall = true; break;
        case OPT_NO_RESTART: cli.no_restart = true; break;
        case OPT_NO_VERIFY: cli.no_verify = true; break;
        case OPT_IF_NEEDED: cli.if_needed = true; break;
        case OPT_NTS: nts = true; break;
        case OPT_ACCEPT_DOWNGRADE: cli.accept_auth_downgrade = true; break;
        case OPT_CONFIGURE_CONTAINER: cli.configure_container = true; break;
        case OPT_PLATFORM: platform = optarg; break;
        case OPT_ALLOW_SMEAR_MIX: cli.allow_leap_smear_mix = true; break;
        case OPT_DETAILED: cli.detailed_exitcodes = true; break;
        case 'q': cli.verbosity = VERBOSITY_QUIET; break;
        case 'v': cli.verbosity = VERBOSITY_VERBOSE; break;
        case OPT_VERIFY_TIMEOUT:
            if (!cli_seconds("verify-timeout", optarg, 3600, &cli.verify_timeout))
                goto out;
            break;
        case OPT_LOCK_TIMEOUT:
            if (!cli_seconds("lock-timeout", optarg, 3600, &cli.lock_timeout))
                goto out;
            break;
        case 'h':
            cli_help();
            code = EXIT_OK;
            goto out;
        default:
            code = cli_bad_option();
            goto out;
        }
    }
    if (optind < argc && strcmp(argv[0], "apply") != 0 && strcmp(argv[optind], "apply") == 0)
        optind++;                        /* "te-ntp-setup --dry-run apply" */
    if (optind < argc) {
        code = cli_usage_error("unknown command or argument '%s' (commands: apply, detect, "
                               "rollback, firewall, check)", argv[optind]);
        goto out;
    }

    /* The settings file first, then the command line over it. */
    if (!config && !cli.root && access(SETTINGS_DEFAULT_FILE, F_OK) == 0)
        config = SETTINGS_DEFAULT_FILE;
    if (config && settings_load_yaml(&s, config, &m) < 0) {
        cli_print_msgs(&m);
        goto out;
    }
    if (nts && !cli.n_sources) {
        code = cli_usage_error("--nts applies to the sources given by --server and --pool: "
                               "give them too (in the settings file, nts: true per source)");
        goto out;
    }
    for (size_t i = 0; nts && i < cli.n_sources; i++)
        cli.sources[i].nts = true;
    if (cli.n_sources) {
        settings_clear_sources(&s);
        s.sources = cli.sources;
        s.n_sources = cli.n_sources;
        cli.sources = NULL;
        cli.n_sources = 0;
    }
    if (cli.serve.n) {
        strv_free(&s.serve);
        s.serve = cli.serve;
        memset(&cli.serve, 0, sizeof(cli.serve));
    }
    if (cli.local_stratum)
        s.local_stratum = cli.local_stratum;
    if (cli.implementation) {
        free(s.implementation);
        s.implementation = cli.implementation;
        cli.implementation = NULL;
    }
    if (mode && !settings_parse_mode(mode, &s.mode)) {
        char *q = quote_string(mode);

        code = cli_usage_error("--mode must be replace or merge, not %s", q);
        free(q);
        goto out;
    }
    if (dhcp && !settings_parse_dhcp(dhcp, &s.dhcp)) {
        char *q = quote_string(dhcp);

        code = cli_usage_error("--dhcp must be keep or ignore, not %s", q);
        free(q);
        goto out;
    }
    if (platform && !settings_parse_platform(platform, &s.platform_sources)) {
        char *q = quote_string(platform);

        code = cli_usage_error("--platform must be auto or none, not %s", q);
        free(q);
        goto out;
    }
    s.root = cli.root;
    cli.root = NULL;
    s.dry_run = cli.dry_run;
    s.diff = cli.diff;
    s.json = cli.json;
    s.no_firewall = cli.no_firewall;
    s.no_restart = cli.no_restart;
    s.no_verify = cli.no_verify;
    s.if_needed = cli.if_needed;
    s.accept_auth_downgrade |= cli.accept_auth_downgrade;
    s.configure_container = s.configure_container || cli.configure_container;
    s.allow_leap_smear_mix = s.allow_leap_smear_mix || cli.allow_leap_smear_mix;
    s.detailed_exitcodes = cli.detailed_exitcodes;
    s.verbosity = cli.verbosity;
    s.verify_timeout = cli.verify_timeout;
    s.lock_timeout = cli.lock_timeout;
    if (cli_check_root(s.root))
        goto out;                        /* code is still EXIT_USAGE */
    if (settings_finish(&s, &m) < 0) {
        cli_print_msgs(&m);
        goto out;
    }
    code = run(&s, &m, s.json ? OUTPUT_JSON : OUTPUT_TEXT);
out:
    msgs_free(&m);
    settings_free(&cli);
    settings_free(&s);
    return code;
}

const struct command cmd_apply = {
    .name = "apply",
    .usage =
"Usage: te-ntp-setup [apply] [OPTIONS]   configure time synchronization (default)\n"
"\n"
"Makes the host's NTP client (chrony, ntpd, ntpsec, systemd-timesyncd or OpenNTPD)\n"
"use the given NTP servers, editing its configuration minimally through Augeas,\n"
"checking it with the daemon's own parser where it has one, and restarting the\n"
"service; any other time daemon that is enabled or running is stopped and\n"
"disabled. Every change is journaled; a failed run is undone. A second identical\n"
"run changes nothing.\n"
"\n"
"  -s, --server HOST        NTP server (repeatable); default: the cloud's own time\n"
"                           service (Amazon EC2, Google Compute Engine, Azure with\n"
"                           chrony, Oracle Cloud), else 0.pool.ntp.org and\n"
"                           1.pool.ntp.org\n"
"  -p, --pool HOST          NTP pool name (repeatable)\n"
"  -c, --config FILE        YAML settings (default " SETTINGS_DEFAULT_FILE "\n"
"                           if present); --server/--pool replace its sources\n"
"  -i, --implementation X   auto (running > enabled > installed) | chrony | ntpd |\n"
"                           ntpsec | timesyncd | openntpd\n"
"  -m, --mode MODE          replace (default: the given sources become the only\n"
"                           server/pool sources) | merge (add them, keep the others)\n"
"      --dhcp keep|ignore   NTP servers from DHCP: keep (default: as configured) |\n"
"                           ignore (stop the daemon from using them, so that the\n"
"                           given sources are the only ones)\n"
"      --serve CIDR         serve time to this network (repeatable; e.g.\n"
"                           192.0.2.0/24, 2001:db8::/64): the daemon answers\n"
"                           clients there only, the firewall lets them in;\n"
"                           replaces the settings file's serve list\n"
"      --local-stratum N    with --serve: when cut off from every source, keep\n"
"                           serving the local clock at stratum N (1-15; chrony\n"
"                           local orphan, ntpd tos orphan)\n"
"  -r, --root DIR           operate on the system image under DIR: files only,\n"
"                           no service action\n"
"  -n, --dry-run            change nothing; report what would change\n"
"  -d, --diff               print a unified diff of every file change\n"
"      --json               one JSON object on stdout instead of text\n"
"      --no-restart         write the files but do not restart or reload the service\n"
"      --no-verify          do not wait for the daemon to synchronize afterwards\n"
"      --verify-timeout SEC how long to wait for it (default 30); not synchronized\n"
"                           by then: exit 5, with the reason\n"
"      --no-firewall        leave the firewall alone (by default, where it blocks\n"
"                           NTP to the servers, rules tagged te-ntp-setup let it\n"
"                           through; see the firewall command)\n"
"      --if-needed          leave an active, synchronized NTP client alone\n"
"      --nts                use NTS with every --server/--pool given (chrony, ntpsec)\n"
"      --accept-auth-downgrade  let unauthenticated sources replace sources that\n"
"                           use NTS or keys, or rules that require authentication\n"
"                           (refused otherwise: exit 64, nothing changed)\n"
"      --platform auto|none where the host runs decides the default servers (auto,\n"
"                           the default) | the public pool wherever it runs (none)\n"
"      --allow-leap-smear-mix allow a source that smears leap seconds (Google's,\n"
"                           Amazon's) beside others (refused by default, exit 64)\n"
"      --configure-container  in a container that cannot set the clock (no\n"
"                           CAP_SYS_TIME), configure its NTP daemon anyway (by\n"
"                           default apply refuses there, exit 64: the clock is the\n"
"                           host's)\n"
"      --lock-timeout SEC   wait this long for another instance (default 30), then\n"
"                           exit 4\n"
"      --detailed-exitcodes exit 2 when something changed (or would change)\n"
"  -q, --quiet              print only errors (the JSON object still, with --json)\n"
"  -v, --verbose            print notes too (by default: what was done, warnings\n"
"                           and errors)\n",
    .run = apply_main,
};

/* te-ntp-setup ansible-module ARGS: run as the Ansible module te_ntp_setup with the
 * arguments file Ansible wrote. main.c also comes here when Ansible runs the program under
 * the module's name. Whatever happens, one JSON object on stdout. */
static int
ansible_main(int argc, char **argv)
{
    struct settings s;
    struct msgs m = { 0 };
    struct strbuf text, out;
    int code = EXIT_FAILED;

    settings_init(&s);
    sb_init(&text);
    sb_init(&out);
    if (argc != 2) {
        msg_error(&m, "usage: te-ntp-setup ansible-module ARGS_FILE (the JSON file of "
                  "arguments Ansible passes a binary module)");
        goto fail;
    }
    if (read_file(argv[1], ANSIBLE_MAX_ARGS, &text) < 0) {
        char *q = quote_string(argv[1]);

        msg_error(&m, "cannot read the module arguments %s: %s", q, te_strerror(errno));
        free(q);
        goto fail;
    }
    if (ansible_load_args(text.buf, text.len, SETTINGS_DEFAULT_FILE, &s, &m) < 0 ||
        settings_finish(&s, &m) < 0)
        goto fail;
    code = run(&s, &m, OUTPUT_ANSIBLE);
    goto out;
fail:
    ansible_failure(&m, &out);
    fputs(out.buf, stdout);
    fflush(stdout);
out:
    sb_free(&text);
    sb_free(&out);
    msgs_free(&m);
    settings_free(&s);
    return code;
}

const struct command cmd_ansible_module = {
    .name = "ansible-module",
    .usage =
"Usage: te-ntp-setup ansible-module ARGS_FILE\n"
"\n"
"Runs as the Ansible module te_ntp_setup (binary-module protocol): reads the task's\n"
"arguments from the JSON file ARGS_FILE, prints one JSON object (changed, failed,\n"
"msg, diff, and the keys of --json). Ansible runs the program this way by itself when\n"
"it is installed as a module named te_ntp_setup: see packaging/ansible/README.md.\n",
    .run = ansible_main,
};
