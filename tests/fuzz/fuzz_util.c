/* SPDX-License-Identifier: Apache-2.0 */
/* Helpers shared by the fuzz targets. */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "fuzz.h"

void
fuzz_fail(const char *fmt, ...)
{
    va_list ap;

    fputs("fuzz: property violated: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    fflush(stderr);
    abort();
}
