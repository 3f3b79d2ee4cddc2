/* strbuf.h - a growable, always NUL-terminated string buffer.
 *
 * Errors are sticky: after a failed allocation every later call is a no-op
 * returning -1 and sb_failed() says so, so a caller may build a whole text
 * and check once at the end.
 */
#ifndef TE_STRBUF_H
#define TE_STRBUF_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

struct strbuf {
    char *buf;      /* the text, NUL-terminated; "" before the first append */
    size_t len;     /* bytes used, without the NUL */
    size_t cap;     /* bytes allocated */
    bool failed;    /* an allocation failed; the content is incomplete */
};

/* Make an empty buffer; no allocation happens until the first append. */
void sb_init(struct strbuf *sb);
/* Release the memory and reset the buffer to empty. */
void sb_free(struct strbuf *sb);
/* Forget the content but keep the memory (and clear a failure). */
void sb_reset(struct strbuf *sb);
/* Append a NUL-terminated string; 0 on success, -1 if out of memory. */
int sb_append(struct strbuf *sb, const char *s);
/* Append len bytes of s (which need not be NUL-terminated); 0 or -1. */
int sb_appendn(struct strbuf *sb, const char *s, size_t len);
/* Append one character; 0 or -1. */
int sb_putc(struct strbuf *sb, char c);
/* Append printf-formatted text; 0 or -1. */
int sb_printf(struct strbuf *sb, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Append vprintf-formatted text; 0 or -1. */
int sb_vprintf(struct strbuf *sb, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));
/* The text so far: never NULL, "" when empty. */
const char *sb_str(const struct strbuf *sb);
/* True when an allocation failed since sb_init or sb_reset. */
bool sb_failed(const struct strbuf *sb);

#endif
