/* SPDX-License-Identifier: Apache-2.0 */
/* msgs: the errors, warnings and notes library code collects (it never prints). */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>

#include "alloc.h"
#include "msgs.h"
#include "strv.h"

static void vpush(struct strv *sv, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));

static void
vpush(struct strv *sv, const char *fmt, va_list ap)
{
    char *p;

    if (vasprintf(&p, fmt, ap) < 0)
        oom();
    strv_push_owned(sv, p);
}

void
msg_error(struct msgs *m, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vpush(&m->errors, fmt, ap);
    va_end(ap);
}

void
msg_warn(struct msgs *m, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vpush(&m->warnings, fmt, ap);
    va_end(ap);
}

void
msg_note(struct msgs *m, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vpush(&m->notes, fmt, ap);
    va_end(ap);
}

void
msgs_free(struct msgs *m)
{
    strv_free(&m->errors);
    strv_free(&m->warnings);
    strv_free(&m->notes);
}
