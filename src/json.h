/* json.h - a small streaming JSON writer that appends to a strbuf.
 *
 * The writer inserts commas and colons itself; callers just say what comes
 * next.  Strings are escaped (quotes, backslash, control characters) and
 * invalid UTF-8 is replaced by U+FFFD, so the output is always valid JSON.
 * Non-finite numbers are written as null.  Numbers never depend on the
 * locale's decimal separator.
 */
#ifndef TE_JSON_H
#define TE_JSON_H

#include <stdbool.h>
#include <stddef.h>

#include "strbuf.h"

#define JSON_MAX_DEPTH 32

struct json_writer {
    struct strbuf *sb;              /* where the text goes */
    unsigned depth;                 /* open objects and arrays */
    bool has_items[JSON_MAX_DEPTH]; /* a value was already written at this level */
    bool after_key;                 /* a key was written; its value comes next */
    bool misuse;                    /* unbalanced or too deep nesting */
};

/* Start writing into sb (appends; sb is not reset). */
void json_init(struct json_writer *w, struct strbuf *sb);
/* Open an object: "{". */
void json_object_begin(struct json_writer *w);
/* Close the innermost object: "}". */
void json_object_end(struct json_writer *w);
/* Open an array: "[". */
void json_array_begin(struct json_writer *w);
/* Close the innermost array: "]". */
void json_array_end(struct json_writer *w);
/* Write an object member's key; the next call writes its value. */
void json_key(struct json_writer *w, const char *key);
/* Write a string value; NULL writes null. */
void json_string(struct json_writer *w, const char *s);
/* Write a number with up to 9 significant digits; NaN/Inf write null. */
void json_number(struct json_writer *w, double v);
/* Write an integer value. */
void json_int(struct json_writer *w, long long v);
/* Write true or false. */
void json_bool(struct json_writer *w, bool v);
/* Write null. */
void json_null(struct json_writer *w);
/* 0 when the document is complete and nothing failed, else -1. */
int json_finish(const struct json_writer *w);
/* Append s as a quoted, escaped JSON string to sb; 0 or -1 (out of memory). */
int json_escape(struct strbuf *sb, const char *s);
/* Format v with printf format fmt (one double conversion) into buf using
 * '.' as decimal separator whatever the locale; returns buf. */
char *json_format_double(char *buf, size_t len, const char *fmt, double v)
    __attribute__((format(printf, 3, 0)));

#endif
