/* SPDX-License-Identifier: Apache-2.0 */
/* jsonparse: a small, strict JSON (RFC 8259) parser for input the program reads, such as
 * the arguments file of an Ansible module run.
 *
 * Strict: exactly one value with optional whitespace (space, tab, LF, CR) around it; no
 * comments, trailing commas, single quotes, NaN/Infinity, leading zeros or '+'; strings must
 * be valid UTF-8 with control characters escaped; \u escapes must pair surrogates; \u0000 is
 * refused (values are C strings); an object must not repeat a key; nesting is limited to
 * JSONPARSE_MAX_DEPTH. Every error names the byte offset where it was found. */
#ifndef TE_JSONPARSE_H
#define TE_JSONPARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define JSONPARSE_MAX_DEPTH 64

enum jvalue_type {
    JVALUE_NULL,
    JVALUE_BOOL,
    JVALUE_NUMBER,
    JVALUE_STRING,
    JVALUE_ARRAY,
    JVALUE_OBJECT,
};

struct jvalue;

/* One member of an object, in the order of the text. */
struct jmember {
    char *key;
    struct jvalue *value;
};

struct jvalue {
    enum jvalue_type type;
    size_t offset;              /* byte offset of the value's first character in the text */
    union {
        bool boolean;
        struct {
            double value;
            bool is_integer;    /* no fraction, no exponent, fits in int64_t */
            int64_t integer;
        } number;
        struct {
            char *s;            /* UTF-8, NUL-terminated, no NUL inside */
            size_t len;
        } string;
        struct {
            struct jvalue **items;
            size_t n;
        } array;
        struct {
            struct jmember *members;
            size_t n;
        } object;
    } u;
};

/* Parse len bytes of text into a new tree (*out; free it with jsonparse_free). Returns 0, or
 * -1 with *out NULL and a message "byte N: what is wrong" in err (at most errlen bytes). */
int jsonparse_text(const char *text, size_t len, struct jvalue **out, char *err, size_t errlen);
/* Free a tree from jsonparse_text; NULL is allowed. */
void jsonparse_free(struct jvalue *v);
/* The value of key in an object, or NULL (also when obj is not an object). */
const struct jvalue *jsonparse_get(const struct jvalue *obj, const char *key);
/* "null", "a boolean", "a number", "a string", "a list", "an object": for messages. */
const char *jsonparse_type_name(enum jvalue_type type);

#endif
