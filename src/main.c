/* te-ntp-setup: argument parsing and printing; everything else lives in libte. */
#include "config.h"

#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "apply.h"
#include "augtree.h"
#include "backend.h"
#include "firewall.h"
#include "hostinfo.h"
#include "plan.h"
#include "report.h"
#include "settings.h"

enum {
    EXIT_OK = 0,
    EXIT_FAILED = 1,
    EXIT_CHANGED = 2,
    EXIT_UNRESTORED = 3,
    EXIT_LOCKED = 4,
    EXIT_USAGE = 64,
};

enum {
    OPT_JSON = 256,
    OPT_NO_FIREWALL,
    OPT_NO_RESTART,
    OPT_DETAILED,
};

static const char usage_text[] =
"Usage: te-ntp-setup [apply] [OPTIONS]   configure time synchronization (default)\n"
"       te-ntp-setup --help | --version\n"
"\n"
"Makes the host's NTP client (chrony) use the given NTP servers, editing its\n"
"configuration minimally through Augeas, checking it with the daemon's own parser,\n"
"and restarting the service. A second identical run changes nothing.\n"
"\n"
"Options:\n"
"  -s, --server HOST        NTP server (repeatable); default 0.pool.ntp.org and\n"
"                           1.pool.ntp.org\n"
"  -p, --pool HOST          NTP pool name (repeatable)\n"
"  -c, --config FILE        YAML settings (default " SETTINGS_DEFAULT_FILE "\n"
"                           if present); --server/--pool replace its sources\n"
"  -i, --implementation X   auto | chrony\n"
"  -m, --mode MODE          replace (default: the given sources become the only\n"
"                           server/pool sources) | merge (add them, keep the others)\n"
"  -r, --root DIR           operate on the system image under DIR: files only,\n"
"                           no service action\n"
"  -n, --dry-run            change nothing; report what would change\n"
"  -d, --diff               print a unified diff of every file change\n"
"      --json               one JSON object on stdout instead of text\n"
"      --no-restart         write the files but do not restart or reload the service\n"
"      --no-firewall        accepted for compatibility: this version never touches\n"
"                           the firewall\n"
"      --detailed-exitcodes exit 2 when something changed (or would change)\n"
"  -h, --help               this text\n"
"  -V, --version            version and lens directory\n"
"\n"
"The firewall command finds the active firewall (firewalld, ufw, iptables,\n"
"iptables-legacy, nftables) of the host or network namespace it runs in, decides\n"
"from its rules whether NTP (udp 123) to the servers and its replies pass, and\n"
"where they do not, adds accept rules tagged te-ntp-setup (never inbound 123).\n"
"A second run adds nothing; --remove deletes exactly the tagged rules.\n"
"\n"
"Exit codes: 0 success; 1 failed, system left as it was; 2 changed (with\n"
"--detailed-exitcodes); 3 failed and could not be restored; 64 usage error or\n"
"invalid input (nothing touched).\n";

/* Where the lenses are: $TE_NTP_SETUP_LENSDIR, the source tree when this binary is the one
 * in the build tree, else the installed directory. */
static const char *
lens_dir(void)
{
    static char exe[PATH_MAX];
    const char *env = getenv("TE_NTP_SETUP_LENSDIR");
    ssize_t n;

    if (env && *env)
        return env;
    n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
    if (n > 0) {
        exe[n] = '\0';
        if (strcmp(exe, TE_BUILD_BINDIR "/te-ntp-setup") == 0)
            return TE_BUILD_LENSDIR;
    }
    return TE_LENSDIR;
}

static void
print_msgs(const struct msgs *m)
{
    for (size_t i = 0; i < m->notes.n; i++)
        fprintf(stderr, "te-ntp-setup: note: %s\n", m->notes.v[i]);
    for (size_t i = 0; i < m->warnings.n; i++)
        fprintf(stderr, "te-ntp-setup: warning: %s\n", m->warnings.v[i]);
    for (size_t i = 0; i < m->errors.n; i++)
        fprintf(stderr, "te-ntp-setup: error: %s\n", m->errors.v[i]);
}

static int usage_error(const char *fmt, const char *arg) __attribute__((format(printf, 1, 0)));

static int
usage_error(const char *fmt, const char *arg)
{
    fprintf(stderr, "te-ntp-setup: ");
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
    fprintf(stderr, fmt, arg);
#pragma GCC diagnostic pop
    fprintf(stderr, "\nTry 'te-ntp-setup --help'.\n");
    return EXIT_USAGE;
}

/* te-ntp-setup firewall [OPTIONS]: argv[0] is "firewall". */
static int
run_firewall(int argc, char **argv)
{
    static const struct option longopts[] = {
        { "server", required_argument, NULL, 's' },
        { "dry-run", no_argument, NULL, 'n' },
        { "json", no_argument, NULL, OPT_JSON },
        { "remove", no_argument, NULL, 'R' },
        { "detailed-exitcodes", no_argument, NULL, OPT_DETAILED },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    struct firewall_opts o = { 0 };
    struct msgs m = { 0 };
    struct strbuf out;
    enum firewall_status st;
    int c, code;

    sb_init(&out);
    while ((c = getopt_long(argc, argv, "s:nh", longopts, NULL)) != -1) {
        switch (c) {
        case 's': strv_push(&o.servers, optarg); break;
        case 'n': o.dry_run = true; break;
        case OPT_JSON: o.json = true; break;
        case 'R': o.remove = true; break;
        case OPT_DETAILED: o.detailed_exitcodes = true; break;
        case 'h':
            fputs(usage_text, stdout);
            code = EXIT_OK;
            goto out;
        default:
            fputs("Try 'te-ntp-setup --help'.\n", stderr);
            code = EXIT_USAGE;
            goto out;
        }
    }
    if (optind < argc) {
        code = usage_error("unexpected argument '%s' to firewall", argv[optind]);
        goto out;
    }
    st = firewall_run(&o, &out, &m);
    fputs(out.buf, stdout);
    fflush(stdout);
    if (!o.json || isatty(STDERR_FILENO) || st == FIREWALL_USAGE)
        print_msgs(&m);
    switch (st) {
    case FIREWALL_NOTHING: code = EXIT_OK; break;
    case FIREWALL_CHANGED: code = o.detailed_exitcodes ? EXIT_CHANGED : EXIT_OK; break;
    case FIREWALL_USAGE: code = EXIT_USAGE; break;
    default: code = EXIT_FAILED;
    }
out:
    sb_free(&out);
    msgs_free(&m);
    strv_free(&o.servers);
    return code;
}

static int
run_apply(struct settings *s, struct msgs *m)
{
    struct hostinfo host;
    struct augtree *aug = NULL;
    const struct ntp_backend *b;
    struct plan plan;
    bool planned = false;
    struct strv actions = { 0 };
    struct apply_report r = { .settings = s, .msgs = m, .status = APPLY_FAILED_RESTORED };
    struct strbuf out;
    int code;

    sb_init(&out);
    hostinfo_read(&host, s->root, m);
    b = backend_choose(s->implementation, &host, m);
    if (!b)
        goto report;
    aug = augtree_new(lens_dir(), m);
    if (!aug)
        goto report;
    plan_init(&plan, s, &host, b, aug, m);
    planned = true;
    if (b->plan(&plan) < 0)
        goto report;
    r.plan = &plan;
    r.status = apply_run(&plan, &actions);
    r.actions = &actions;

report:
    if (s->json) {
        report_apply_json(&r, &out);
    } else {
        report_apply_text(&r, s->diff, &out);
    }
    fputs(out.buf, stdout);
    fflush(stdout);
    if (!s->json || isatty(STDERR_FILENO))
        print_msgs(m);
    switch (r.status) {
    case APPLY_UNCHANGED:
        code = EXIT_OK;
        break;
    case APPLY_CHANGED:
        code = s->detailed_exitcodes ? EXIT_CHANGED : EXIT_OK;
        break;
    case APPLY_FAILED_UNRESTORED:
        code = EXIT_UNRESTORED;
        break;
    default:
        code = EXIT_FAILED;
    }
    sb_free(&out);
    strv_free(&actions);
    if (planned)
        plan_free(&plan);
    augtree_free(aug);
    hostinfo_free(&host);
    return code;
}

int
main(int argc, char **argv)
{
    static const struct option longopts[] = {
        { "server", required_argument, NULL, 's' },
        { "pool", required_argument, NULL, 'p' },
        { "config", required_argument, NULL, 'c' },
        { "implementation", required_argument, NULL, 'i' },
        { "mode", required_argument, NULL, 'm' },
        { "root", required_argument, NULL, 'r' },
        { "dry-run", no_argument, NULL, 'n' },
        { "diff", no_argument, NULL, 'd' },
        { "json", no_argument, NULL, OPT_JSON },
        { "no-firewall", no_argument, NULL, OPT_NO_FIREWALL },
        { "no-restart", no_argument, NULL, OPT_NO_RESTART },
        { "detailed-exitcodes", no_argument, NULL, OPT_DETAILED },
        { "help", no_argument, NULL, 'h' },
        { "version", no_argument, NULL, 'V' },
        { NULL, 0, NULL, 0 },
    };
    struct settings cli, s;
    struct msgs m = { 0 };
    const char *config = NULL, *mode = NULL;
    int c, code;

    if (argc > 1 && strcmp(argv[1], "firewall") == 0)
        return run_firewall(argc - 1, argv + 1);
    settings_init(&cli);
    settings_init(&s);
    while ((c = getopt_long(argc, argv, "s:p:c:i:m:r:ndhV", longopts, NULL)) != -1) {
        switch (c) {
        case 's':
            settings_add_source(&cli, SOURCE_SERVER, optarg);
            break;
        case 'p':
            settings_add_source(&cli, SOURCE_POOL, optarg);
            break;
        case 'c':
            config = optarg;
            break;
        case 'i':
            free(cli.implementation);
            cli.implementation = xstrdup(optarg);
            break;
        case 'm':
            mode = optarg;
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
        case OPT_DETAILED: cli.detailed_exitcodes = true; break;
        case 'h':
            fputs(usage_text, stdout);
            code = EXIT_OK;
            goto out;
        case 'V':
            printf("te-ntp-setup %s\nlenses: %s\n", PACKAGE_VERSION, lens_dir());
            code = EXIT_OK;
            goto out;
        default:
            fputs("Try 'te-ntp-setup --help'.\n", stderr);
            code = EXIT_USAGE;
            goto out;
        }
    }
    /* getopt_long moved the operands to the end: at most the command. */
    if (optind < argc && strcmp(argv[optind], "apply") == 0)
        optind++;
    if (optind < argc) {
        code = usage_error("unknown command or argument '%s' (this version has: apply, firewall)",
                           argv[optind]);
        goto out;
    }

    /* The settings file first, then the command line over it. */
    if (!config && access(SETTINGS_DEFAULT_FILE, F_OK) == 0 && !cli.root)
        config = SETTINGS_DEFAULT_FILE;
    if (config && settings_load_yaml(&s, config, &m) < 0) {
        print_msgs(&m);
        code = EXIT_USAGE;
        goto out;
    }
    if (cli.n_sources) {
        settings_clear_sources(&s);
        s.sources = cli.sources;
        s.n_sources = cli.n_sources;
        cli.sources = NULL;
        cli.n_sources = 0;
    }
    if (cli.implementation) {
        free(s.implementation);
        s.implementation = cli.implementation;
        cli.implementation = NULL;
    }
    if (mode && !settings_parse_mode(mode, &s.mode)) {
        char *q = quote_string(mode);

        code = usage_error("--mode must be replace or merge, not %s", q);
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
    s.detailed_exitcodes = cli.detailed_exitcodes;
    if (s.root && !is_dir(s.root)) {
        char *q = quote_string(s.root);

        code = usage_error("--root %s is not a directory", q);
        free(q);
        goto out;
    }
    if (settings_finish(&s, &m) < 0) {
        print_msgs(&m);
        code = EXIT_USAGE;
        goto out;
    }
    code = run_apply(&s, &m);
out:
    msgs_free(&m);
    settings_free(&cli);
    settings_free(&s);
    return code;
}
