/* SPDX-License-Identifier: Apache-2.0 */
/* daemon-check: a daemon's own check of the planned configuration, before anything is written. */
#ifndef TE_DAEMON_CHECK_H
#define TE_DAEMON_CHECK_H

#include <stdbool.h>
#include <stddef.h>

#include "plan.h"

#define DAEMON_CHECK_FILE "@FILE@"
#define DAEMON_CHECK_TIMEOUT_MS 10000
/* How a daemon checks a configuration file. */
struct daemon_check {
    const char *daemon;             /* its name in messages ("chronyd") */
    const char *const *argv;        /* argv[0] an absolute path; the argument
                                     * DAEMON_CHECK_FILE stands for the file to check */
    const char *const *left_out;    /* directives that read other files ("include"):
                                     * such lines become comments (NULL-terminated) */
    bool nocase;                    /* the daemon matches directives without case */
    char comment;                   /* the character that starts a comment line */
    size_t line_max;                /* it reads lines in pieces of line_max - 1 bytes (its
                                     * fgets buffer); 0: whole lines */
    const char *skip;               /* its message starts after this text (NULL: none) */
    const char *marker;             /* a daemon that reports a bad line and still exits 0
                                     * (the classic ntpd's --saveconfigquit): an output line
                                     * holding this text is a rejection too (NULL: none) */
};
/* The daemon's own check of the planned text of files (in this order, each starting on a
 * new line) as one private temporary file, where every line of a directive of left_out is
 * a comment: the daemon sees only the files the plan read from the image, never a file
 * of the host they name. Removed after. 0 when the program exits 0 within
 * DAEMON_CHECK_TIMEOUT_MS and prints no line holding c->marker; else -1 with "FILE:LINE: <daemon> rejects the planned
 * configuration: <its first line> (...; nothing was written)" in the messages, its file
 * and line numbers put back in terms of the real file and its original line. */
int daemon_check_files(struct plan *p, const struct daemon_check *c,
                       struct file_change *const *files, size_t n);

#endif
