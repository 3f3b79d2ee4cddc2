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

    if (!p->host->live || backend_state(p->backend, p->host) != BACKEND_ACTIVE)
        return NULL;
    backend_verify(p->backend, p->host, 0, 0, &st);
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

int
cli_apply_run(struct settings *s, struct msgs *m, const struct apply_front *front)
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
    r.unsynchronized_fails = front->module && !s->accept_unsynchronized;
    failed = report_failed(&r);
    front->render(&r, &out);
    fputs(out.buf, stdout);
    fflush(stdout);
    if (!s->dry_run)
        cli_audit("apply", &actions, m, failed);
    if (!s->dry_run && actions.n > 0)
        cli_set_acted();
    if (!front->module)
        cli_print_msgs_at(m, s->verbosity);
    if (front->module)
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

static void
render_text(const struct apply_report *r, struct strbuf *out)
{
    if (r->settings->verbosity > VERBOSITY_QUIET)
        report_apply_text(r, r->settings->diff, out);
}

static const struct apply_front front_text = { .render = render_text };
static const struct apply_front front_json = { .render = report_apply_json };

/* The getopt_long code of a field of the settings table: its short option, else one past
 * every character. */
#define LONG_ONLY 1000

static int
option_code(const struct setting_field *f)
{
    return f->short_option ? f->short_option : LONG_ONLY + (int)(f - settings_fields);
}

/* apply's options, from the settings table (built once; they live as long as the program). */
static const struct option *
apply_options(const char **shortopts)
{
    static struct option *longopts;
    static char *shorts;

    if (!longopts) {
        size_t n = 0, k = 0, j = 0;

        while (!setting_end(&settings_fields[n]))
            n++;
        longopts = xcalloc(n + 1, sizeof(*longopts));
        shorts = xcalloc(2 * n + 1, 1);
        for (const struct setting_field *f = settings_fields; !setting_end(f); f++) {
            if (!f->option)
                continue;
            longopts[k++] = (struct option){
                .name = f->option, .has_arg = f->argument ? required_argument : no_argument,
                .val = option_code(f),
            };
            if (f->short_option) {
                shorts[j++] = f->short_option;
                if (f->argument)
                    shorts[j++] = ':';
            }
        }
    }
    *shortopts = shorts;
    return longopts;
}

/* apply's options in --help: "  -s, --server HOST", the description from column 27. */
static void
apply_usage_options(struct strbuf *out)
{
    for (const struct setting_field *f = settings_fields; !setting_end(f); f++) {
        size_t start = out->len, width;

        if (!f->option || !f->help)
            continue;
        if (f->short_option)
            sb_printf(out, "  -%c, --%s", f->short_option, f->option);
        else
            sb_printf(out, "      --%s", f->option);
        if (f->argument)
            sb_printf(out, " %s", f->argument);
        width = out->len - start;
        /* a longer one: one or two spaces, so that the text starts at an odd column */
        sb_printf(out, "%*s", width < 27 ? (int)(27 - width) : width % 2 ? 2 : 1, "");
        for (const char *line = f->help; *line;) {
            size_t len = strcspn(line, "\n");

            if (line != f->help)
                sb_printf(out, "%27s", "");
            sb_printf(out, "%.*s\n", (int)len, line);
            line += len + (line[len] == '\n');
        }
    }
}

/* An option's value into cli, checked now: a usage error names it (EXIT_USAGE), else 0. */
static int
cli_value(const struct setting_field *f, const char *arg, struct settings *cli)
{
    const struct setting_choice *c;
    char *q, *want;
    int x;

    switch (f->type) {
    case SETTING_FLAG:
        setting_store_flag(f, cli, true);
        return 0;
    case SETTING_SOURCES:
        settings_add_source(cli, (enum source_kind)f->value, arg);
        return 0;
    case SETTING_NETWORKS:
        strv_push(&cli->serve, arg);
        return 0;
    case SETTING_DIRECTORY:
        free(*setting_string_at(f, cli));
        *setting_string_at(f, cli) = xstrdup(arg);
        return 0;
    case SETTING_INT:
        if (settings_parse_int(arg, f->lo, f->hi, &x)) {
            setting_store_int(f, cli, x);
            return 0;
        }
        break;
    case SETTING_CHOICE:
        if ((c = setting_choice(f, arg))) {
            setting_store_choice(f, cli, c);
            return 0;
        }
        break;
    default:
        return 0;
    }
    q = quote_string(arg);
    if (f->noun) {
        want = setting_unknown_choice(f, q);
        cli_usage_error("%s", want);
    } else {
        want = setting_want(f, FRONT_CLI);
        cli_usage_error("--%s must be %s, not %s", f->option, want, q);
    }
    free(want);
    free(q);
    return EXIT_USAGE;
}

static int
apply_main(int argc, char **argv)
{
    const struct option *longopts;
    const char *shortopts, *config = NULL;
    struct settings cli, s;
    struct msgs m = { 0 };
    size_t n_fields = 0;
    bool *given;
    int c, code = EXIT_USAGE;

    while (!setting_end(&settings_fields[n_fields]))
        n_fields++;
    given = xcalloc(n_fields, sizeof(*given));
    settings_init(&cli);
    settings_init(&s);
    longopts = apply_options(&shortopts);
    while ((c = getopt_long(argc, argv, shortopts, longopts, NULL)) != -1) {
        const struct setting_field *f = NULL;

        for (size_t i = 0; i < n_fields && !f; i++)
            if (settings_fields[i].option && option_code(&settings_fields[i]) == c)
                f = &settings_fields[i];
        if (!f) {
            code = cli_bad_option();
            goto out;
        }
        if (f->type == SETTING_HELP) {
            cli_help();
            code = EXIT_OK;
            goto out;
        }
        if (f->type == SETTING_CONFIG)
            config = optarg;
        else if (cli_value(f, optarg, &cli))
            goto out;
        given[f - settings_fields] = true;
    }
    if (optind < argc && strcmp(argv[0], "apply") != 0 && strcmp(argv[optind], "apply") == 0)
        optind++;                        /* "te-ntp-setup --dry-run apply" */
    if (optind < argc) {
        code = cli_usage_error("unknown command or argument '%s' (commands: apply, detect, "
                               "rollback, firewall, check)", argv[optind]);
        goto out;
    }

    /* The settings file first, then the command line over it: every field it gave. */
    if (!config && !cli.root && access(SETTINGS_DEFAULT_FILE, F_OK) == 0)
        config = SETTINGS_DEFAULT_FILE;
    if (config && settings_load_yaml(&s, config, &m) < 0) {
        cli_print_msgs(&m);
        goto out;
    }
    for (size_t i = 0; i < n_fields; i++) {
        const struct setting_field *f = &settings_fields[i];

        if (!given[i] || f->type != SETTING_SOURCE_FLAG)
            continue;
        if (!cli.n_sources) {
            code = cli_usage_error("--%s applies to the sources given by --server and --pool: "
                                   "give them too (in the settings file, %s: true per source)",
                                   f->option, f->option);
            goto out;
        }
        for (size_t k = 0; k < cli.n_sources; k++)
            setting_store_flag(f, &cli.sources[k], true);
    }
    for (size_t i = 0; i < n_fields; i++)
        if (given[i])
            setting_move(&settings_fields[i], &s, &cli);
    if (cli_check_root(s.root))
        goto out;                        /* code is still EXIT_USAGE */
    if (settings_finish(&s, &m) < 0) {
        cli_print_msgs(&m);
        goto out;
    }
    code = cli_apply_run(&s, &m, s.json ? &front_json : &front_text);
out:
    free(given);
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
"\n",
    .options = apply_options,
    .usage_options = apply_usage_options,
    .run = apply_main,
};

/* te-ntp-setup settings-table: the settings table as text (settings_table_text), for the
 * tests that hold the Python module and the bash completion to it. Not in --help. */
static int
settings_table_main(int argc, char **argv)
{
    struct strbuf out;

    (void)argv;
    if (argc != 1)
        return cli_usage_error("settings-table takes no argument");
    sb_init(&out);
    settings_table_text(&out);
    fputs(out.buf, stdout);
    sb_free(&out);
    return EXIT_OK;
}

const struct command cmd_settings_table = {
    .name = "settings-table",
    .usage = "Usage: te-ntp-setup settings-table   the table of settings (for the tests)\n",
    .hidden = true,
    .run = settings_table_main,
};
