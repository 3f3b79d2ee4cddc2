/* SPDX-License-Identifier: Apache-2.0 */
/* json: appending JSON values to a string buffer. */
#ifndef TE_JSON_H
#define TE_JSON_H

#include <stdbool.h>
#include <stddef.h>

#include "msgs.h"
#include "strbuf.h"
#include "strv.h"

/* The length of the valid UTF-8 sequence at p (at most avail bytes), or 0 when it is not
 * one (overlong forms, surrogates and code points above U+10FFFF are not). */
size_t json_utf8_len(const unsigned char *p, size_t avail);
/* Append s as a JSON string (quotes and escapes; invalid UTF-8 bytes become U+FFFD). */
void json_string(struct strbuf *sb, const char *s);
/* Append "key": (with a leading comma unless first). */
void json_key(struct strbuf *sb, const char *key, bool first);
/* Append s as a JSON string, or null when s is NULL. */
void json_string_or_null(struct strbuf *sb, const char *s);
/* Append a JSON array of the strings. */
void json_strv(struct strbuf *sb, const struct strv *sv);
/* Append the message keys every command's object ends with, in this order, each with a
 * leading comma (they never come first): "warnings", "errors", "notes", lists of strings. */
void json_msgs(struct strbuf *sb, const struct msgs *m);

#endif
