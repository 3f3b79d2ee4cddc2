/* SPDX-License-Identifier: Apache-2.0 */
/* strv: a growable list of owned strings. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "strbuf.h"
#include "strv.h"

void
strv_push_owned(struct strv *sv, char *s)
{
    sv->v = xrealloc(sv->v, (sv->n + 2) * sizeof(*sv->v));
    sv->v[sv->n++] = s;
    sv->v[sv->n] = NULL;
}

void
strv_push(struct strv *sv, const char *s)
{
    strv_push_owned(sv, xstrdup(s));
}

bool
strv_contains(const struct strv *sv, const char *s)
{
    for (size_t i = 0; i < sv->n; i++)
        if (strcmp(sv->v[i], s) == 0)
            return true;
    return false;
}

void
strv_free(struct strv *sv)
{
    for (size_t i = 0; i < sv->n; i++)
        free(sv->v[i]);
    free(sv->v);
    sv->v = NULL;
    sv->n = 0;
}

char *
argv_join(const char *const *v)
{
    struct strbuf sb;

    sb_init(&sb);
    for (size_t i = 0; v && v[i]; i++) {
        if (i)
            sb_putc(&sb, ' ');
        sb_append(&sb, v[i]);
    }
    return sb_steal(&sb);
}

char *
strv_join(const struct strv *sv)
{
    return argv_join((const char *const *)sv->v);
}
