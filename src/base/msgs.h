/* SPDX-License-Identifier: Apache-2.0 */
/* msgs: the errors, warnings and notes library code collects for main.c to print. */
#ifndef TE_MSGS_H
#define TE_MSGS_H

#include "strv.h"

/* Messages collected by library code for main.c to print (library code never prints). */
struct msgs {
    struct strv errors;
    struct strv warnings;
    struct strv notes;
};

/* Record an error. */
void msg_error(struct msgs *m, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Record a warning. */
void msg_warn(struct msgs *m, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Record an informational note. */
void msg_note(struct msgs *m, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Free every message. */
void msgs_free(struct msgs *m);

#endif
