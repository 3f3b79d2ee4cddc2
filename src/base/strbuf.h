/* SPDX-License-Identifier: Apache-2.0 */
/* strbuf: a growable, always NUL-terminated byte buffer, and the quoting, escaping and hashing
 * of strings. */
#ifndef TE_STRBUF_H
#define TE_STRBUF_H

#include <stdarg.h>
#include <stddef.h>

struct strbuf {
    char *buf;     /* NUL-terminated contents; never NULL after sb_init */
    size_t len;    /* bytes used, without the NUL */
    size_t cap;    /* bytes allocated */
};

/* Initialise an empty buffer. */
void sb_init(struct strbuf *sb);
/* Release the buffer's memory and leave it empty and usable. */
void sb_free(struct strbuf *sb);
/* Append len bytes of data. */
void sb_append_len(struct strbuf *sb, const char *data, size_t len);
/* Append a NUL-terminated string. */
void sb_append(struct strbuf *sb, const char *s);
/* Append one character. */
void sb_putc(struct strbuf *sb, char c);
/* Append printf-formatted text. */
void sb_printf(struct strbuf *sb, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Append vprintf-formatted text. */
void sb_vprintf(struct strbuf *sb, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));
/* Forget the contents, keep the allocation. */
void sb_reset(struct strbuf *sb);
/* Hand the contents to the caller (free() it) and leave the buffer empty. */
char *sb_steal(struct strbuf *sb);
/* Append s with a %XX escape for every byte that is a blank, a control character, '%' or not
 * ASCII, so that it reads back as one word of printable ASCII (the journal's lines). */
void sb_append_escaped(struct strbuf *sb, const char *s);
/* The text sb_append_escaped wrote, newly allocated; a "%00" stays as it is (no NUL). */
char *str_unescape(const char *s);
/* Append s to sb with C-style escapes for anything not printable ASCII, in double quotes. */
void sb_append_quoted(struct strbuf *sb, const char *s);
/* A newly allocated, quoted and escaped copy of s (see sb_append_quoted). */
char *quote_string(const char *s);
/* A hash of the string s (djb2), for the open-addressing tables of paths. */
size_t str_hash(const char *s);

#endif
