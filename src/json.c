/* json.c - streaming JSON writer (see json.h). */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif
#include "json.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

void json_init(struct json_writer *w, struct strbuf *sb)
{
    memset(w, 0, sizeof(*w));
    w->sb = sb;
}

/* Emit the separator that must precede a new value at the current level. */
static void before_value(struct json_writer *w)
{
    if (w->after_key) {
        w->after_key = false;
        return;
    }
    if (w->depth > 0) {
        if (w->has_items[w->depth - 1])
            sb_putc(w->sb, ',');
        w->has_items[w->depth - 1] = true;
    }
}

static void open_container(struct json_writer *w, char c)
{
    before_value(w);
    if (w->depth >= JSON_MAX_DEPTH) {
        w->misuse = true;
        return;
    }
    w->has_items[w->depth++] = false;
    sb_putc(w->sb, c);
}

static void close_container(struct json_writer *w, char c)
{
    if (w->depth == 0 || w->after_key) {
        w->misuse = true;
        return;
    }
    w->depth--;
    sb_putc(w->sb, c);
}

void json_object_begin(struct json_writer *w)
{
    open_container(w, '{');
}

void json_object_end(struct json_writer *w)
{
    close_container(w, '}');
}

void json_array_begin(struct json_writer *w)
{
    open_container(w, '[');
}

void json_array_end(struct json_writer *w)
{
    close_container(w, ']');
}

void json_key(struct json_writer *w, const char *key)
{
    if (w->after_key)
        w->misuse = true;
    before_value(w);
    json_escape(w->sb, key ? key : "");
    sb_putc(w->sb, ':');
    w->after_key = true;
}

void json_string(struct json_writer *w, const char *s)
{
    before_value(w);
    if (s)
        json_escape(w->sb, s);
    else
        sb_append(w->sb, "null");
}

char *json_format_double(char *buf, size_t len, const char *fmt, double v)
{
    char *p;

    if (len == 0)
        return buf;
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
    snprintf(buf, len, fmt, v);
#pragma GCC diagnostic pop
    /* A locale may use ',' as decimal separator; JSON and perfdata want '.'. */
    for (p = buf; *p; p++)
        if (*p == ',')
            *p = '.';
    return buf;
}

void json_number(struct json_writer *w, double v)
{
    char tmp[64];

    before_value(w);
    if (!isfinite(v)) {
        sb_append(w->sb, "null");
        return;
    }
    sb_append(w->sb, json_format_double(tmp, sizeof(tmp), "%.9g", v));
}

void json_int(struct json_writer *w, long long v)
{
    before_value(w);
    sb_printf(w->sb, "%lld", v);
}

void json_bool(struct json_writer *w, bool v)
{
    before_value(w);
    sb_append(w->sb, v ? "true" : "false");
}

void json_null(struct json_writer *w)
{
    before_value(w);
    sb_append(w->sb, "null");
}

int json_finish(const struct json_writer *w)
{
    if (w->misuse || w->depth != 0 || w->after_key || sb_failed(w->sb))
        return -1;
    return 0;
}

/* Length of the well-formed UTF-8 sequence at s (RFC 3629), 0 if invalid. */
static size_t utf8_len(const unsigned char *s)
{
    unsigned char c = s[0];
    unsigned char lo = 0x80, hi = 0xBF;
    size_t n, i;

    if (c < 0x80)
        return 1;
    if (c >= 0xC2 && c <= 0xDF)
        n = 2;
    else if (c >= 0xE0 && c <= 0xEF)
        n = 3;
    else if (c >= 0xF0 && c <= 0xF4)
        n = 4;
    else
        return 0;
    if (c == 0xE0)
        lo = 0xA0;          /* no overlong forms */
    else if (c == 0xED)
        hi = 0x9F;          /* no UTF-16 surrogates */
    else if (c == 0xF0)
        lo = 0x90;
    else if (c == 0xF4)
        hi = 0x8F;          /* nothing above U+10FFFF */
    if (s[1] < lo || s[1] > hi)
        return 0;
    for (i = 2; i < n; i++)
        if (s[i] < 0x80 || s[i] > 0xBF)
            return 0;
    return n;
}

int json_escape(struct strbuf *sb, const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t n;

    sb_putc(sb, '"');
    while (*p) {
        switch (*p) {
        case '"':  sb_append(sb, "\\\""); p++; continue;
        case '\\': sb_append(sb, "\\\\"); p++; continue;
        case '\b': sb_append(sb, "\\b"); p++; continue;
        case '\f': sb_append(sb, "\\f"); p++; continue;
        case '\n': sb_append(sb, "\\n"); p++; continue;
        case '\r': sb_append(sb, "\\r"); p++; continue;
        case '\t': sb_append(sb, "\\t"); p++; continue;
        default: break;
        }
        if (*p < 0x20 || *p == 0x7f) {
            sb_printf(sb, "\\u%04x", *p);
            p++;
            continue;
        }
        n = utf8_len(p);
        if (n == 0) {
            sb_append(sb, "\\ufffd");
            p++;
            continue;
        }
        sb_appendn(sb, (const char *)p, n);
        p += n;
    }
    sb_putc(sb, '"');
    return sb_failed(sb) ? -1 : 0;
}
