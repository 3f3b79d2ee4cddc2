/* SPDX-License-Identifier: Apache-2.0 */
/* strbuf: a growable, always NUL-terminated byte buffer. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "strbuf.h"
#include "alloc.h"

static char empty_buf[1];

void
sb_init(struct strbuf *sb)
{
    sb->buf = empty_buf;
    sb->len = 0;
    sb->cap = 0;
}

void
sb_free(struct strbuf *sb)
{
    if (sb->cap)
        free(sb->buf);
    sb_init(sb);
}

static void
grow(struct strbuf *sb, size_t extra)
{
    size_t want = sb->len + extra + 1;
    size_t cap = sb->cap ? sb->cap : 64;
    char *p;

    if (want <= sb->cap)
        return;
    while (cap < want)
        cap *= 2;
    p = xrealloc(sb->cap ? sb->buf : NULL, cap);
    if (!sb->cap)
        p[0] = '\0';
    sb->buf = p;
    sb->cap = cap;
}

void
sb_append_len(struct strbuf *sb, const char *data, size_t len)
{
    if (len == 0)
        return;
    grow(sb, len);
    memcpy(sb->buf + sb->len, data, len);
    sb->len += len;
    sb->buf[sb->len] = '\0';
}

void
sb_append(struct strbuf *sb, const char *s)
{
    sb_append_len(sb, s, strlen(s));
}

void
sb_putc(struct strbuf *sb, char c)
{
    sb_append_len(sb, &c, 1);
}

void
sb_vprintf(struct strbuf *sb, const char *fmt, va_list ap)
{
    va_list cp;
    int n;

    va_copy(cp, ap);
    n = vsnprintf(NULL, 0, fmt, cp);
    va_end(cp);
    if (n <= 0)
        return;
    grow(sb, (size_t)n);
    vsnprintf(sb->buf + sb->len, (size_t)n + 1, fmt, ap);
    sb->len += (size_t)n;
}

void
sb_printf(struct strbuf *sb, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    sb_vprintf(sb, fmt, ap);
    va_end(ap);
}

void
sb_reset(struct strbuf *sb)
{
    sb->len = 0;
    if (sb->cap)
        sb->buf[0] = '\0';
}

char *
sb_steal(struct strbuf *sb)
{
    char *p = sb->cap ? sb->buf : xstrdup("");

    sb_init(sb);
    return p;
}

void
sb_append_escaped(struct strbuf *sb, const char *s)
{
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;

        if (c <= ' ' || c == '%' || c >= 0x7f)
            sb_printf(sb, "%%%02X", c);
        else
            sb_putc(sb, (char)c);
    }
}

char *
str_unescape(const char *s)
{
    struct strbuf sb;

    sb_init(&sb);
    for (; *s; s++) {
        unsigned v;

        if (*s == '%' && sscanf(s + 1, "%2X", &v) == 1 && v != 0) {
            sb_putc(&sb, (char)v);
            s += 2;
        } else {
            sb_putc(&sb, *s);
        }
    }
    return sb_steal(&sb);
}

void
sb_append_quoted(struct strbuf *sb, const char *s)
{
    sb_putc(sb, '"');
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        switch (*p) {
        case '"':  sb_append(sb, "\\\""); break;
        case '\\': sb_append(sb, "\\\\"); break;
        case '\n': sb_append(sb, "\\n"); break;
        case '\t': sb_append(sb, "\\t"); break;
        case '\r': sb_append(sb, "\\r"); break;
        default:
            if (*p < 0x20 || *p >= 0x7f)
                sb_printf(sb, "\\x%02x", *p);
            else
                sb_putc(sb, (char)*p);
        }
    }
    sb_putc(sb, '"');
}

char *
quote_string(const char *s)
{
    struct strbuf sb;

    sb_init(&sb);
    sb_append_quoted(&sb, s);
    return sb_steal(&sb);
}

size_t
str_hash(const char *s)
{
    size_t h = 5381;

    for (; *s; s++)
        h = h * 33 + (unsigned char)*s;
    return h;
}
