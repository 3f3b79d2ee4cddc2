/* SPDX-License-Identifier: Apache-2.0 */
/* alloc: allocation that aborts on exhaustion. */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "alloc.h"

void
oom(void)
{
    static const char msg[] = "te-ntp-setup: out of memory\n";

    if (write(STDERR_FILENO, msg, sizeof(msg) - 1) < 0)
        abort();
    abort();
}

void *
xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);

    if (!p)
        oom();
    return p;
}

void *
xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size ? size : 1);

    if (!p)
        oom();
    return p;
}

void *
xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);

    if (!q)
        oom();
    return q;
}

char *
xstrdup(const char *s)
{
    char *p;

    if (!s)
        return NULL;
    p = strdup(s);
    if (!p)
        oom();
    return p;
}

char *
xasprintf(const char *fmt, ...)
{
    va_list ap;
    char *p;

    va_start(ap, fmt);
    if (vasprintf(&p, fmt, ap) < 0)
        oom();
    va_end(ap);
    return p;
}
