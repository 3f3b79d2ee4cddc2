/* json: appending JSON values to a string buffer. */
#ifndef TE_JSON_H
#define TE_JSON_H

#include <stdbool.h>

#include "strbuf.h"
#include "util.h"

/* Append s as a JSON string (quotes and escapes; invalid UTF-8 bytes become U+FFFD). */
void json_string(struct strbuf *sb, const char *s);
/* Append "key": (with a leading comma unless first). */
void json_key(struct strbuf *sb, const char *key, bool first);
/* Append a JSON array of the strings. */
void json_strv(struct strbuf *sb, const struct strv *sv);

#endif
