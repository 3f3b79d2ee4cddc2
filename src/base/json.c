/* SPDX-License-Identifier: Apache-2.0 */
/* json: appending JSON values to a string buffer. */
#include "config.h"

#include <stddef.h>
#include <string.h>

#include "json.h"
#include "strbuf.h"
#include "strv.h"

size_t
json_utf8_len(const unsigned char *p, size_t avail)
{
    size_t n;
    unsigned cp;

    if (p[0] < 0x80)
        return 1;
    if ((p[0] & 0xe0) == 0xc0) {
        n = 2;
        cp = p[0] & 0x1f;
    } else if ((p[0] & 0xf0) == 0xe0) {
        n = 3;
        cp = p[0] & 0x0f;
    } else if ((p[0] & 0xf8) == 0xf0) {
        n = 4;
        cp = p[0] & 0x07;
    } else {
        return 0;
    }
    if (n > avail)
        return 0;
    for (size_t i = 1; i < n; i++) {
        if ((p[i] & 0xc0) != 0x80)
            return 0;
        cp = (cp << 6) | (p[i] & 0x3f);
    }
    if ((n == 2 && cp < 0x80) || (n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
        cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
        return 0;
    return n;
}

void
json_string(struct strbuf *sb, const char *s)
{
    const unsigned char *p = (const unsigned char *)(s ? s : "");
    const unsigned char *end = p + strlen((const char *)p);

    sb_putc(sb, '"');
    while (*p) {
        size_t n;

        switch (*p) {
        case '"':  sb_append(sb, "\\\""); p++; continue;
        case '\\': sb_append(sb, "\\\\"); p++; continue;
        case '\n': sb_append(sb, "\\n"); p++; continue;
        case '\r': sb_append(sb, "\\r"); p++; continue;
        case '\t': sb_append(sb, "\\t"); p++; continue;
        default:
            break;
        }
        if (*p < 0x20 || *p == 0x7f) {
            sb_printf(sb, "\\u%04x", *p);
            p++;
            continue;
        }
        n = json_utf8_len(p, (size_t)(end - p));
        if (n == 0) {
            sb_append(sb, "\\ufffd");
            p++;
            continue;
        }
        sb_append_len(sb, (const char *)p, n);
        p += n;
    }
    sb_putc(sb, '"');
}

void
json_string_or_null(struct strbuf *sb, const char *s)
{
    if (s)
        json_string(sb, s);
    else
        sb_append(sb, "null");
}

void
json_key(struct strbuf *sb, const char *key, bool first)
{
    if (!first)
        sb_putc(sb, ',');
    json_string(sb, key);
    sb_putc(sb, ':');
}

void
json_strv(struct strbuf *sb, const struct strv *sv)
{
    sb_putc(sb, '[');
    for (size_t i = 0; i < sv->n; i++) {
        if (i)
            sb_putc(sb, ',');
        json_string(sb, sv->v[i]);
    }
    sb_putc(sb, ']');
}

void
json_msgs(struct strbuf *sb, const struct msgs *m)
{
    json_key(sb, "warnings", false);
    json_strv(sb, &m->warnings);
    json_key(sb, "errors", false);
    json_strv(sb, &m->errors);
    json_key(sb, "notes", false);
    json_strv(sb, &m->notes);
}
