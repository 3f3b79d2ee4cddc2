/* SPDX-License-Identifier: Apache-2.0 */
/* cli: what the commands of the program share. */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include "alloc.h"
#include "backend.h"
#include "buildtree.h"
#include "cli.h"
#include "msgs.h"
#include "paths.h"
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

void
cli_audit(const char *command, const struct strv *actions, const struct msgs *m, bool failed)
{
    if (!actions->n && !(failed && m->errors.n))
        return;
    openlog("te-ntp-setup", LOG_PID, LOG_DAEMON);
    for (size_t i = 0; i < actions->n; i++)
        syslog(LOG_NOTICE, "%s: %s", command, actions->v[i]);
    for (size_t i = 0; failed && i < m->errors.n; i++)
        syslog(LOG_ERR, "%s failed: %s", command, m->errors.v[i]);
    closelog();
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
    char *end;
    long v;

    errno = 0;
    v = strtol(text, &end, 10);
    if (errno || end == text || *end || v < 0 || v > max) {
        char *q = quote_string(text);

        cli_usage_error("--%s must be a whole number of seconds from 0 to %d, not %s", name,
                        max, q);
        free(q);
        return 0;
    }
    *out = (int)v;
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
