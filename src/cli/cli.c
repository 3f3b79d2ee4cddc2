/* SPDX-License-Identifier: Apache-2.0 */
/* cli: the commands, --help, the dispatch, and what the commands share (see cli.h). */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/un.h>

#include "alloc.h"
#include "backend.h"
#include "buildtree.h"
#include "cli.h"
#include "msgs.h"
#include "paths.h"
#include "settings.h"
#include "strbuf.h"
#include "strv.h"

void
cli_print_msgs_at(const struct msgs *m, int verbosity)
{
    for (size_t i = 0; verbosity > 0 && i < m->notes.n; i++)
        fprintf(stderr, "te-ntp-setup: note: %s\n", m->notes.v[i]);
    for (size_t i = 0; verbosity >= 0 && i < m->warnings.n; i++)
        fprintf(stderr, "te-ntp-setup: warning: %s\n", m->warnings.v[i]);
    for (size_t i = 0; i < m->errors.n; i++)
        fprintf(stderr, "te-ntp-setup: error: %s\n", m->errors.v[i]);
}

void
cli_print_msgs(const struct msgs *m)
{
    cli_print_msgs_at(m, 1);
}

#ifndef _PATH_LOG
#define _PATH_LOG "/dev/log"
#endif

/* Whether syslog can be reached: one connect to its socket. Without it, the C library would
 * try to connect again for every line (10,000 failed connects for 10,000 lines). A stream
 * socket there (EPROTOTYPE) is one the library reaches too. */
static bool
syslog_reachable(void)
{
    struct sockaddr_un a = { .sun_family = AF_UNIX };
    int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    bool ok;

    if (fd < 0)
        return false;
    snprintf(a.sun_path, sizeof(a.sun_path), "%s", _PATH_LOG);
    ok = connect(fd, (struct sockaddr *)&a, sizeof(a)) == 0 || errno == EPROTOTYPE;
    close(fd);
    return ok;
}

/* Actions of one kind logged one by one; the rest of that kind get one line. */
enum { AUDIT_EACH = 10 };

/* A file action is "VERB /DIR/NAME", maybe with " (NOTE)": where NAME starts, and in *note
 * where the note starts (or the end); NULL for any other action. */
static const char *
audit_file_name(const char *a, const char **note)
{
    const char *sp = strchr(a, ' '), *p;

    if (!sp || sp[1] != '/')
        return NULL;
    *note = strstr(sp, " (");
    if (!*note)
        *note = sp + strlen(sp);
    for (p = *note; *p != '/'; p--)
        ;
    return p + 1;
}

void
cli_audit(const char *command, const struct strv *actions, const struct msgs *m, bool failed)
{
    struct strv kinds = { 0 };    /* each kind of file action once: "VERB /DIR/ (NOTE)" */
    size_t *kind, *total, *seen;  /* per action: its kind (SIZE_MAX: none); per kind: counts */

    if (!actions->n && !(failed && m->errors.n))
        return;
    if (!syslog_reachable())
        return;
    kind = xcalloc(actions->n, sizeof(*kind));
    total = xcalloc(actions->n, sizeof(*total));
    seen = xcalloc(actions->n, sizeof(*seen));
    for (size_t i = 0; i < actions->n; i++) {
        const char *a = actions->v[i], *note, *name = audit_file_name(a, &note);
        size_t j = 0;
        char *k;

        kind[i] = SIZE_MAX;
        if (!name)
            continue;
        k = xasprintf("%.*s%s", (int)(name - a), a, note);
        while (j < kinds.n && strcmp(kinds.v[j], k) != 0)
            j++;
        if (j == kinds.n)
            strv_push_owned(&kinds, k);
        else
            free(k);
        kind[i] = j;
        total[j]++;
    }
    openlog("te-ntp-setup", LOG_PID, LOG_DAEMON);
    /* In order; where the (AUDIT_EACH + 1)th of a kind would be, one line for the rest. */
    for (size_t i = 0; i < actions->n; i++) {
        const char *a = actions->v[i], *note, *name, *dir;
        size_t k = kind[i];

        if (k == SIZE_MAX || ++seen[k] <= AUDIT_EACH || total[k] == AUDIT_EACH + 1) {
            syslog(LOG_NOTICE, "%s: %s", command, a);
            continue;
        }
        if (seen[k] > AUDIT_EACH + 1)
            continue;
        name = audit_file_name(a, &note);
        dir = strchr(a, ' ') + 1;
        syslog(LOG_NOTICE, "%s: %.*s %zu more files in %.*s%s, not logged one by one", command,
               (int)(dir - 1 - a), a, total[k] - AUDIT_EACH,
               (int)(name - 1 > dir ? name - 1 - dir : 1), dir, note);
    }
    for (size_t i = 0; failed && i < m->errors.n; i++)
        syslog(LOG_ERR, "%s failed: %s", command, m->errors.v[i]);
    closelog();
    strv_free(&kinds);
    free(kind);
    free(total);
    free(seen);
}

int
cli_usage_error(const char *fmt, ...)
{
    va_list ap;

    fputs("te-ntp-setup: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputs("\nTry 'te-ntp-setup --help'.\n", stderr);
    return EXIT_USAGE;
}

int
cli_bad_option(void)
{
    fputs("Try 'te-ntp-setup --help'.\n", stderr);
    return EXIT_USAGE;
}

int
cli_seconds(const char *name, const char *text, int max, int *out)
{
    if (!settings_parse_int(text, 0, max, out)) {
        char *q = quote_string(text);

        cli_usage_error("--%s must be a whole number of seconds from 0 to %d, not %s", name,
                        max, q);
        free(q);
        return 0;
    }
    return 1;
}

int
cli_check_root(const char *root)
{
    char *q;

    if (!root || is_dir(root))
        return 0;
    q = quote_string(root);
    cli_usage_error("--root %s is not a directory", q);
    free(q);
    return EXIT_USAGE;
}

static char *lens_dir;
static bool test_build;

void
cli_init(void)
{
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);

    if (n > 0)
        exe[n] = '\0';
    free(lens_dir);
    lens_dir = buildtree_setup(n > 0 ? exe : NULL, TE_LENSDIR, &test_build);
}

const char *
cli_lens_dir(void)
{
    if (!lens_dir)
        cli_init();
    return lens_dir;
}

static bool acted;

void
cli_set_acted(void)
{
    acted = true;
}

bool
cli_acted(void)
{
    return acted;
}

bool
cli_test_build(void)
{
    cli_lens_dir();
    return test_build;
}

int
cli_check_lenses(struct msgs *m)
{
    const char *dir = cli_lens_dir();

    for (size_t i = 0; backends[i]; i++) {
        char *file, *path;
        int ret;

        /* "Tentp_chrony.lns" is the module Tentp_chrony, in the file tentp_chrony.aug. */
        file = xasprintf("%.*s.aug", (int)strcspn(backends[i]->lens, "."), backends[i]->lens);
        file[0] = (char)tolower((unsigned char)file[0]);
        path = xasprintf("%s/%s", dir, file);
        ret = access(path, R_OK);
        if (ret < 0) {
            int err = errno;
            char *qp = quote_string(path), *qd = quote_string(dir);

            msg_error(m, "the Augeas lenses are missing: %s: %s. te-ntp-setup looks for its "
                      "lenses in %s (where its package or `make install` puts them); install "
                      "the te-ntp-setup package, or `make install` with the prefix it was "
                      "configured for, or run the program from its build tree", qp,
                      strerror(err), qd);
            free(qp);
            free(qd);
        }
        free(path);
        free(file);
        if (ret < 0)
            return -1;
    }
    return 0;
}

/* ---- the commands ------------------------------------------------------------------ */

static const struct command *const commands[] = {
    &cmd_apply,
    &cmd_detect,
    &cmd_rollback,
    &cmd_firewall,
    &cmd_check,
    &cmd_ansible_module,
    &cmd_settings_table,
    NULL,
};

void
cli_help(void)
{
    struct strbuf sb;

    sb_init(&sb);
    for (size_t i = 0; commands[i]; i++) {
        if (commands[i]->hidden)
            continue;
        if (sb.len)
            sb_putc(&sb, '\n');
        sb_append(&sb, commands[i]->usage);
        if (commands[i]->usage_options)
            commands[i]->usage_options(&sb);
    }
    fputs(sb.buf, stdout);
    sb_free(&sb);
    fputs("\n"
"Common: -h, --help   this text;   -V, --version   version and lens directory\n"
"\n"
"Exit codes: 0 success; 1 failed, system left or put back as it was; 2 changed (with\n"
"--detailed-exitcodes); 3 failed and could not be restored; 4 another instance holds\n"
"the lock; 5 configured, but not synchronized within --verify-timeout; 64 usage error,\n"
"invalid input or what the tool will not do, such as a change to a file rollback could\n"
"not restore (nothing touched).\n", stdout);
}

/* True when option (the long one, a unique prefix of it, when name; else the short one c)
 * of some command requires an argument. */
static bool
option_takes_argument(const char *name, char c)
{
    for (size_t k = 0; commands[k]; k++) {
        const struct option *longopts;
        const char *shorts = "", *at;

        if (!commands[k]->options)
            continue;
        longopts = commands[k]->options(&shorts);
        for (size_t i = 0; name && longopts[i].name; i++)   /* getopt_long takes prefixes */
            if (longopts[i].has_arg == required_argument &&
                strncmp(longopts[i].name, name, strlen(name)) == 0)
                return true;
        if (!name && c != ':' && (at = strchr(shorts, c)) && at[1] == ':')
            return true;
    }
    return false;
}

/* True when the option word takes the next word as its argument (an option of any command
 * that requires one, written without "=": "--root DIR", "-r DIR", "-vr DIR"). */
static bool
takes_argument(const char *word)
{
    if (word[1] == '-')
        return word[2] && !strchr(word, '=') && option_takes_argument(word + 2, 0);
    for (const char *c = word + 1; *c; c++)
        if (option_takes_argument(NULL, *c))
            return c[1] == '\0';    /* "-rDIR" holds its argument */
    return false;
}

/* The command word after leading options ("te-ntp-setup --root IMG rollback"): its index in
 * argv, or 0 when the first word that is not an option is none of the commands. */
static int
command_after_options(int argc, char **argv, const struct command **cmd)
{
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--") == 0)
            return 0;
        if (argv[i][0] == '-' && argv[i][1]) {
            if (takes_argument(argv[i]))
                i++;
            continue;
        }
        for (size_t k = 0; commands[k]; k++)
            if (strcmp(argv[i], commands[k]->name) == 0) {
                *cmd = commands[k];
                return i;
            }
        return 0;
    }
    return 0;
}

/* The command's exit code, unless its output was lost: a write error on standard output
 * (a full disk, a closed pipe) is reported, and a run that changed nothing then fails
 * (check: UNKNOWN). A run that changed the system keeps its status (0, 2 or 5): exit 1
 * would say that the system was put back, and it was not. */
static int
output_written(int code, const struct command *cmd)
{
    int failed_flush = fflush(stdout) != 0;

    if (!failed_flush && !ferror(stdout))
        return code;
    fprintf(stderr, "te-ntp-setup: error: cannot write to standard output: %s (the command "
            "itself ended with exit status %d%s)\n",
            failed_flush ? strerror(errno) : "a write failed", code,
            code == EXIT_OK || code == EXIT_CHANGED ? ", and what it did stays done" : "");
    if (cmd == &cmd_check)
        return 3;                           /* UNKNOWN */
    if (cli_acted())
        return code;
    return code == EXIT_OK || code == EXIT_CHANGED ? EXIT_FAILED : code;
}

int
cli_main(int argc, char **argv)
{
    const struct command *cmd = NULL;
    int at;

    cli_init();
    for (size_t i = 0; commands[i]; i++)
        if (commands[i]->invoked && commands[i]->invoked(argc, argv))
            return output_written(commands[i]->run(argc, argv), commands[i]);
    if (argc > 1 && (!strcmp(argv[1], "--version") || !strcmp(argv[1], "-V"))) {
        printf("te-ntp-setup %s\nlenses: %s\n%s", PACKAGE_VERSION, cli_lens_dir(),
               cli_test_build() ? "test build: TE_NTP_SETUP_LENSDIR, TE_NTP_SETUP_SBIN and "
               "AUGEAS_LENS_LIB are honoured\n" : "");
        return output_written(EXIT_OK, NULL);
    }
    if (argc > 1 && argv[1][0] != '-') {
        for (size_t i = 0; commands[i]; i++)
            if (strcmp(argv[1], commands[i]->name) == 0)
                return output_written(commands[i]->run(argc - 1, argv + 1), commands[i]);
    }
    /* Options, then the command word: the command, with the options after its name. */
    at = command_after_options(argc, argv, &cmd);
    if (at > 0 && cmd != &cmd_apply) {
        char *word = argv[at];

        memmove(argv + 2, argv + 1, (size_t)(at - 1) * sizeof(*argv));
        argv[1] = word;
        return output_written(cmd->run(argc - 1, argv + 1), cmd);
    }
    /* No command word: apply, with all the arguments. */
    return output_written(cmd_apply.run(argc, argv), &cmd_apply);
}
