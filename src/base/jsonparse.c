/* SPDX-License-Identifier: Apache-2.0 */
/* jsonparse: a small, strict JSON parser (see jsonparse.h). */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "json.h"
#include "jsonparse.h"
#include "strbuf.h"

struct parser {
    const unsigned char *p;     /* the text */
    size_t len;
    size_t pos;
    int depth;
    char *err;
    size_t errlen;
    bool failed;
};

static struct jvalue *parse_value(struct parser *ps);

/* Record the first error, at byte offset at. */
static void
fail_at(struct parser *ps, size_t at, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void
fail_at(struct parser *ps, size_t at, const char *fmt, ...)
{
    va_list ap;
    int n;

    if (ps->failed)
        return;
    ps->failed = true;
    if (!ps->errlen)
        return;
    n = snprintf(ps->err, ps->errlen, "byte %zu: ", at);
    if (n < 0 || (size_t)n >= ps->errlen)
        return;
    va_start(ap, fmt);
    vsnprintf(ps->err + n, ps->errlen - (size_t)n, fmt, ap);
    va_end(ap);
}

/* A description of the byte at pos for messages: 'x', "the end of the text", byte 0xNN. */
static const char *
describe(const struct parser *ps, size_t pos, char *buf, size_t n)
{
    unsigned char c;

    if (pos >= ps->len)
        return "the end of the text";
    c = ps->p[pos];
    if (c > 0x20 && c < 0x7f)
        snprintf(buf, n, "'%c'", c);
    else
        snprintf(buf, n, "byte 0x%02x", c);
    return buf;
}

static void
fail_unexpected(struct parser *ps, const char *wanted)
{
    char buf[16];

    fail_at(ps, ps->pos, "expected %s, found %s", wanted, describe(ps, ps->pos, buf, sizeof(buf)));
}

static void
skip_ws(struct parser *ps)
{
    while (ps->pos < ps->len) {
        unsigned char c = ps->p[ps->pos];

        if (c != ' ' && c != '\t' && c != '\n' && c != '\r')
            break;
        ps->pos++;
    }
}

static struct jvalue *
new_value(enum jvalue_type type, size_t offset)
{
    struct jvalue *v = xcalloc(1, sizeof(*v));

    v->type = type;
    v->offset = offset;
    return v;
}

static void
put_utf8(struct strbuf *sb, unsigned cp)
{
    char b[4];

    if (cp < 0x80) {
        sb_putc(sb, (char)cp);
        return;
    }
    if (cp < 0x800) {
        b[0] = (char)(0xc0 | (cp >> 6));
        b[1] = (char)(0x80 | (cp & 0x3f));
        sb_append_len(sb, b, 2);
    } else if (cp < 0x10000) {
        b[0] = (char)(0xe0 | (cp >> 12));
        b[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
        b[2] = (char)(0x80 | (cp & 0x3f));
        sb_append_len(sb, b, 3);
    } else {
        b[0] = (char)(0xf0 | (cp >> 18));
        b[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
        b[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
        b[3] = (char)(0x80 | (cp & 0x3f));
        sb_append_len(sb, b, 4);
    }
}

/* Four hex digits at pos into *out; false (with the error recorded) when they are not. */
static bool
hex4(struct parser *ps, size_t pos, unsigned *out)
{
    unsigned v = 0;

    for (size_t i = 0; i < 4; i++) {
        unsigned char c = pos + i < ps->len ? ps->p[pos + i] : 0;

        v <<= 4;
        if (c >= '0' && c <= '9')
            v |= (unsigned)(c - '0');
        else if (c >= 'a' && c <= 'f')
            v |= (unsigned)(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F')
            v |= (unsigned)(c - 'A' + 10);
        else {
            fail_at(ps, pos > 2 ? pos - 2 : 0, "\\u must be followed by four hex digits");
            return false;
        }
    }
    *out = v;
    return true;
}

/* A string at ps->pos (the opening quote) into sb. */
static bool
parse_string_into(struct parser *ps, struct strbuf *sb)
{
    size_t start = ps->pos;

    ps->pos++;                                   /* the opening quote */
    for (;;) {
        unsigned char c;
        size_t n;

        if (ps->pos >= ps->len) {
            fail_at(ps, start, "the string is not closed");
            return false;
        }
        c = ps->p[ps->pos];
        if (c == '"') {
            ps->pos++;
            return true;
        }
        if (c < 0x20) {
            fail_at(ps, ps->pos, "control character 0x%02x in a string (must be escaped)", c);
            return false;
        }
        if (c != '\\') {
            n = json_utf8_len(ps->p + ps->pos, ps->len - ps->pos);
            if (!n) {
                fail_at(ps, ps->pos, "invalid UTF-8 in a string");
                return false;
            }
            sb_append_len(sb, (const char *)ps->p + ps->pos, n);
            ps->pos += n;
            continue;
        }
        /* An escape. */
        if (ps->pos + 1 >= ps->len) {
            fail_at(ps, start, "the string is not closed");
            return false;
        }
        c = ps->p[ps->pos + 1];
        switch (c) {
        case '"':  sb_putc(sb, '"'); break;
        case '\\': sb_putc(sb, '\\'); break;
        case '/':  sb_putc(sb, '/'); break;
        case 'b':  sb_putc(sb, '\b'); break;
        case 'f':  sb_putc(sb, '\f'); break;
        case 'n':  sb_putc(sb, '\n'); break;
        case 'r':  sb_putc(sb, '\r'); break;
        case 't':  sb_putc(sb, '\t'); break;
        case 'u': {
            size_t at = ps->pos;
            unsigned cp, lo;

            if (!hex4(ps, ps->pos + 2, &cp))
                return false;
            ps->pos += 6;
            if (cp >= 0xdc00 && cp <= 0xdfff) {
                fail_at(ps, at, "a low surrogate \\u%04x without a high one before it", cp);
                return false;
            }
            if (cp >= 0xd800 && cp <= 0xdbff) {
                if (ps->pos + 1 >= ps->len || ps->p[ps->pos] != '\\' ||
                    ps->p[ps->pos + 1] != 'u') {
                    fail_at(ps, at, "a high surrogate \\u%04x without a low one after it", cp);
                    return false;
                }
                if (!hex4(ps, ps->pos + 2, &lo))
                    return false;
                if (lo < 0xdc00 || lo > 0xdfff) {
                    fail_at(ps, at, "a high surrogate \\u%04x without a low one after it", cp);
                    return false;
                }
                ps->pos += 6;
                cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
            }
            if (cp == 0) {
                fail_at(ps, at, "\\u0000 (NUL) is not allowed in a string");
                return false;
            }
            put_utf8(sb, cp);
            continue;
        }
        default:
            fail_at(ps, ps->pos, "unknown escape \\%c", c > 0x20 && c < 0x7f ? c : '?');
            return false;
        }
        ps->pos += 2;
    }
}

static struct jvalue *
parse_string(struct parser *ps)
{
    struct jvalue *v = new_value(JVALUE_STRING, ps->pos);
    struct strbuf sb;

    sb_init(&sb);
    if (!parse_string_into(ps, &sb)) {
        sb_free(&sb);
        free(v);
        return NULL;
    }
    v->u.string.len = sb.len;
    v->u.string.s = sb_steal(&sb);
    return v;
}

static bool
is_digit(unsigned char c)
{
    return c >= '0' && c <= '9';
}

static struct jvalue *
parse_number(struct parser *ps)
{
    size_t start = ps->pos, i = ps->pos;
    bool integer = true;
    struct jvalue *v;
    char *text, *end;

    if (i < ps->len && ps->p[i] == '-')
        i++;
    if (i >= ps->len || !is_digit(ps->p[i])) {
        ps->pos = i;
        fail_unexpected(ps, "a digit");
        return NULL;
    }
    if (ps->p[i] == '0' && i + 1 < ps->len && is_digit(ps->p[i + 1])) {
        fail_at(ps, i, "a number must not have a leading zero");
        return NULL;
    }
    while (i < ps->len && is_digit(ps->p[i]))
        i++;
    if (i < ps->len && ps->p[i] == '.') {
        integer = false;
        i++;
        if (i >= ps->len || !is_digit(ps->p[i])) {
            ps->pos = i;
            fail_unexpected(ps, "a digit after the decimal point");
            return NULL;
        }
        while (i < ps->len && is_digit(ps->p[i]))
            i++;
    }
    if (i < ps->len && (ps->p[i] == 'e' || ps->p[i] == 'E')) {
        integer = false;
        i++;
        if (i < ps->len && (ps->p[i] == '+' || ps->p[i] == '-'))
            i++;
        if (i >= ps->len || !is_digit(ps->p[i])) {
            ps->pos = i;
            fail_unexpected(ps, "a digit in the exponent");
            return NULL;
        }
        while (i < ps->len && is_digit(ps->p[i]))
            i++;
    }
    text = xmalloc(i - start + 1);
    memcpy(text, ps->p + start, i - start);
    text[i - start] = '\0';
    v = new_value(JVALUE_NUMBER, start);
    errno = 0;
    v->u.number.value = strtod(text, &end);
    if (errno == ERANGE && (v->u.number.value > 1 || v->u.number.value < -1)) {
        fail_at(ps, start, "the number %s is out of range", text);
        free(text);
        free(v);
        return NULL;
    }
    if (integer) {
        long long ll;

        errno = 0;
        ll = strtoll(text, &end, 10);
        if (errno == 0 && *end == '\0') {
            v->u.number.is_integer = true;
            v->u.number.integer = ll;
        }
    }
    free(text);
    ps->pos = i;
    return v;
}

/* true, false or null at ps->pos. */
static struct jvalue *
parse_literal(struct parser *ps)
{
    static const struct {
        const char *word;
        enum jvalue_type type;
        bool value;
    } words[] = {
        { "true", JVALUE_BOOL, true },
        { "false", JVALUE_BOOL, false },
        { "null", JVALUE_NULL, false },
    };

    for (size_t i = 0; i < TE_ARRAY_LEN(words); i++) {
        size_t n = strlen(words[i].word);

        if (ps->len - ps->pos >= n && memcmp(ps->p + ps->pos, words[i].word, n) == 0) {
            struct jvalue *v = new_value(words[i].type, ps->pos);

            v->u.boolean = words[i].value;
            ps->pos += n;
            return v;
        }
    }
    fail_unexpected(ps, "a value (object, list, string, number, true, false or null)");
    return NULL;
}

static struct jvalue *
parse_array(struct parser *ps)
{
    struct jvalue *v = new_value(JVALUE_ARRAY, ps->pos);
    size_t cap = 0;

    ps->pos++;                                   /* '[' */
    skip_ws(ps);
    if (ps->pos < ps->len && ps->p[ps->pos] == ']') {
        ps->pos++;
        return v;
    }
    for (;;) {
        struct jvalue *item;

        skip_ws(ps);
        item = parse_value(ps);
        if (!item)
            goto fail;
        if (v->u.array.n == cap) {
            cap = cap ? 2 * cap : 4;
            v->u.array.items = xrealloc(v->u.array.items, cap * sizeof(*v->u.array.items));
        }
        v->u.array.items[v->u.array.n++] = item;
        skip_ws(ps);
        if (ps->pos < ps->len && ps->p[ps->pos] == ',') {
            ps->pos++;
            skip_ws(ps);
            if (ps->pos < ps->len && ps->p[ps->pos] == ']') {
                fail_at(ps, ps->pos, "a trailing comma before ']'");
                goto fail;
            }
            continue;
        }
        if (ps->pos < ps->len && ps->p[ps->pos] == ']') {
            ps->pos++;
            return v;
        }
        fail_unexpected(ps, "',' or ']' in a list");
        goto fail;
    }
fail:
    jsonparse_free(v);
    return NULL;
}

static struct jvalue *
parse_object(struct parser *ps)
{
    struct jvalue *v = new_value(JVALUE_OBJECT, ps->pos);
    size_t cap = 0;
    struct strbuf key;

    sb_init(&key);
    ps->pos++;                                   /* '{' */
    skip_ws(ps);
    if (ps->pos < ps->len && ps->p[ps->pos] == '}') {
        ps->pos++;
        return v;
    }
    for (;;) {
        struct jvalue *item;
        size_t key_at;

        skip_ws(ps);
        if (ps->pos >= ps->len || ps->p[ps->pos] != '"') {
            fail_unexpected(ps, "a string key in an object");
            goto fail;
        }
        key_at = ps->pos;
        sb_reset(&key);
        if (!parse_string_into(ps, &key))
            goto fail;
        for (size_t i = 0; i < v->u.object.n; i++) {
            if (strcmp(v->u.object.members[i].key, key.buf) == 0) {
                char *q = quote_string(key.buf);

                fail_at(ps, key_at, "the key %s appears twice in an object", q);
                free(q);
                goto fail;
            }
        }
        skip_ws(ps);
        if (ps->pos >= ps->len || ps->p[ps->pos] != ':') {
            fail_unexpected(ps, "':' after an object key");
            goto fail;
        }
        ps->pos++;
        skip_ws(ps);
        item = parse_value(ps);
        if (!item)
            goto fail;
        if (v->u.object.n == cap) {
            cap = cap ? 2 * cap : 4;
            v->u.object.members = xrealloc(v->u.object.members,
                                           cap * sizeof(*v->u.object.members));
        }
        v->u.object.members[v->u.object.n].key = xstrdup(key.buf);
        v->u.object.members[v->u.object.n].value = item;
        v->u.object.n++;
        skip_ws(ps);
        if (ps->pos < ps->len && ps->p[ps->pos] == ',') {
            ps->pos++;
            skip_ws(ps);
            if (ps->pos < ps->len && ps->p[ps->pos] == '}') {
                fail_at(ps, ps->pos, "a trailing comma before '}'");
                goto fail;
            }
            continue;
        }
        if (ps->pos < ps->len && ps->p[ps->pos] == '}') {
            ps->pos++;
            sb_free(&key);
            return v;
        }
        fail_unexpected(ps, "',' or '}' in an object");
        goto fail;
    }
fail:
    sb_free(&key);
    jsonparse_free(v);
    return NULL;
}

static struct jvalue *
parse_value(struct parser *ps)
{
    struct jvalue *v;
    unsigned char c;

    if (ps->pos >= ps->len) {
        fail_unexpected(ps, "a value");
        return NULL;
    }
    c = ps->p[ps->pos];
    if (c == '{' || c == '[') {
        if (ps->depth >= JSONPARSE_MAX_DEPTH) {
            fail_at(ps, ps->pos, "nested deeper than %d levels", JSONPARSE_MAX_DEPTH);
            return NULL;
        }
        ps->depth++;
        v = c == '{' ? parse_object(ps) : parse_array(ps);
        ps->depth--;
        return v;
    }
    if (c == '"')
        return parse_string(ps);
    if (c == '-' || is_digit(c))
        return parse_number(ps);
    return parse_literal(ps);
}

int
jsonparse_text(const char *text, size_t len, struct jvalue **out, char *err, size_t errlen)
{
    struct parser ps = {
        .p = (const unsigned char *)text, .len = len, .err = err, .errlen = errlen,
    };
    struct jvalue *v;
    int ret = -1;

    *out = NULL;
    if (errlen)
        err[0] = '\0';
    if (len >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0) {
        fail_at(&ps, 0, "a byte order mark is not allowed");
        goto out;
    }
    skip_ws(&ps);
    v = parse_value(&ps);
    if (!v)
        goto out;
    skip_ws(&ps);
    if (ps.pos < ps.len) {
        fail_unexpected(&ps, "the end of the text after the value");
        jsonparse_free(v);
        goto out;
    }
    *out = v;
    ret = 0;
out:
    return ret;
}

void
jsonparse_free(struct jvalue *v)
{
    if (!v)
        return;
    switch (v->type) {
    case JVALUE_STRING:
        free(v->u.string.s);
        break;
    case JVALUE_ARRAY:
        for (size_t i = 0; i < v->u.array.n; i++)
            jsonparse_free(v->u.array.items[i]);
        free(v->u.array.items);
        break;
    case JVALUE_OBJECT:
        for (size_t i = 0; i < v->u.object.n; i++) {
            free(v->u.object.members[i].key);
            jsonparse_free(v->u.object.members[i].value);
        }
        free(v->u.object.members);
        break;
    default:
        break;
    }
    free(v);
}

const struct jvalue *
jsonparse_get(const struct jvalue *obj, const char *key)
{
    if (!obj || obj->type != JVALUE_OBJECT)
        return NULL;
    for (size_t i = 0; i < obj->u.object.n; i++)
        if (strcmp(obj->u.object.members[i].key, key) == 0)
            return obj->u.object.members[i].value;
    return NULL;
}

const char *
jsonparse_type_name(enum jvalue_type type)
{
    switch (type) {
    case JVALUE_NULL:   return "null";
    case JVALUE_BOOL:   return "a boolean";
    case JVALUE_NUMBER: return "a number";
    case JVALUE_STRING: return "a string";
    case JVALUE_ARRAY:  return "a list";
    default:            return "an object";
    }
}
