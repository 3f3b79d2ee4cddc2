/* strbuf.c - growable string buffer (see strbuf.h). */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif
#include "strbuf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void sb_init(struct strbuf *sb)
{
    sb->buf = NULL;
    sb->len = 0;
    sb->cap = 0;
    sb->failed = false;
}

void sb_free(struct strbuf *sb)
{
    free(sb->buf);
    sb_init(sb);
}

void sb_reset(struct strbuf *sb)
{
    sb->len = 0;
    if (sb->buf)
        sb->buf[0] = '\0';
    sb->failed = false;
}

/* Make room for extra more bytes plus the NUL. */
static int grow(struct strbuf *sb, size_t extra)
{
    size_t need, cap;
    char *p;

    if (sb->failed)
        return -1;
    if (extra > (size_t)-1 - sb->len - 1)
        goto fail;
    need = sb->len + extra + 1;
    if (need <= sb->cap)
        return 0;
    cap = sb->cap ? sb->cap : 64;
    while (cap < need)
        cap = cap > (size_t)-1 / 2 ? need : cap * 2;
    p = realloc(sb->buf, cap);
    if (!p)
        goto fail;
    sb->buf = p;
    sb->cap = cap;
    return 0;
fail:
    sb->failed = true;
    return -1;
}

int sb_appendn(struct strbuf *sb, const char *s, size_t len)
{
    if (grow(sb, len) < 0)
        return -1;
    if (len)
        memcpy(sb->buf + sb->len, s, len);
    sb->len += len;
    sb->buf[sb->len] = '\0';
    return 0;
}

int sb_append(struct strbuf *sb, const char *s)
{
    return sb_appendn(sb, s, strlen(s));
}

int sb_putc(struct strbuf *sb, char c)
{
    return sb_appendn(sb, &c, 1);
}

int sb_vprintf(struct strbuf *sb, const char *fmt, va_list ap)
{
    va_list ap2;
    int n;

    if (sb->failed)
        return -1;
    va_copy(ap2, ap);
    n = vsnprintf(NULL, 0, fmt, ap2);
    va_end(ap2);
    if (n < 0 || grow(sb, (size_t)n) < 0) {
        sb->failed = true;
        return -1;
    }
    vsnprintf(sb->buf + sb->len, (size_t)n + 1, fmt, ap);
    sb->len += (size_t)n;
    return 0;
}

int sb_printf(struct strbuf *sb, const char *fmt, ...)
{
    va_list ap;
    int ret;

    va_start(ap, fmt);
    ret = sb_vprintf(sb, fmt, ap);
    va_end(ap);
    return ret;
}

const char *sb_str(const struct strbuf *sb)
{
    return sb->buf ? sb->buf : "";
}

bool sb_failed(const struct strbuf *sb)
{
    return sb->failed;
}
