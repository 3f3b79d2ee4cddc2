/* SPDX-License-Identifier: Apache-2.0 */
/* spawn: the only place that runs programs (posix_spawn, absolute paths, argv vectors,
 * a fixed environment, stdin from /dev/null, captured output, a timeout). */
#ifndef TE_SPAWN_H
#define TE_SPAWN_H

#include <stdbool.h>

#include "strbuf.h"

/* The PATH every child sees; nothing else of the caller's environment is passed on. */
#define SPAWN_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

struct spawn_result {
    int exit_code;          /* the child's exit status, or -1 when it did not exit */
    int signal;             /* the signal that ended it, or 0 */
    bool timed_out;         /* it was stopped (TERM, then KILL) at the timeout */
    int spawn_errno;        /* non-zero when it could not be started */
    struct strbuf out;      /* captured standard output (bounded) */
    struct strbuf err;      /* captured standard error (bounded) */
};

/* Run argv[0] (an absolute path) with argv, a fixed environment (PATH, LC_ALL=C) plus
 * extra_env (NULL or a NULL-terminated "NAME=value" list), stdin from /dev/null, and wait
 * at most timeout_ms. Returns 0 when the program ran and exited 0, 1 when it ran but did
 * not (see res), -1 when it could not be run. res must be freed with spawn_result_free. */
int spawn_run(const char *const argv[], const char *const extra_env[], int timeout_ms,
              struct spawn_result *res);
/* Free the captured output. */
void spawn_result_free(struct spawn_result *res);
/* One line describing how the program ended ("exited with status 1", "timed out", ...). */
char *spawn_describe(const struct spawn_result *res);
/* The first of dirs (NULL-terminated) holding an executable named name, newly allocated,
 * or NULL. The directories in the environment variable TE_NTP_SETUP_SBIN (colon separated;
 * used by the test suite) are tried first. */
char *spawn_find_program(const char *name);

#endif
