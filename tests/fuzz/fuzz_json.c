/* SPDX-License-Identifier: Apache-2.0 */
/* Fuzz target: jsonparse_text, the strict JSON parser of input the program reads (the
 * arguments file of an Ansible module run), and json_string, the writer of every report.
 *
 * The text is handed over in a buffer of exactly its size, without a NUL. Properties: a
 * rejection says "byte N: ..." with N within the text; an accepted tree has valid UTF-8
 * strings without a NUL inside (len is strlen), nesting within JSONPARSE_MAX_DEPTH and no
 * repeated key in an object; written back with json_string and "%.17g" it parses again to
 * the same tree (the writer's output is JSON the parser accepts, and nothing is lost). */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "fuzz.h"
#include "json.h"
#include "jsonparse.h"
#include "strbuf.h"

static void
check_tree(const struct jvalue *v, unsigned depth)
{
    if (depth > JSONPARSE_MAX_DEPTH)
        fuzz_fail("accepted nesting deeper than %d", JSONPARSE_MAX_DEPTH);
    switch (v->type) {
    case JVALUE_STRING:
        if (strlen(v->u.string.s) != v->u.string.len)
            fuzz_fail("a string of length %zu holds a NUL", v->u.string.len);
        for (size_t i = 0; i < v->u.string.len;) {
            size_t n = json_utf8_len((const unsigned char *)v->u.string.s + i,
                                     v->u.string.len - i);

            if (n == 0)
                fuzz_fail("a string holds invalid UTF-8 at %zu", i);
            i += n;
        }
        break;
    case JVALUE_ARRAY:
        for (size_t i = 0; i < v->u.array.n; i++)
            check_tree(v->u.array.items[i], depth + 1);
        break;
    case JVALUE_OBJECT:
        for (size_t i = 0; i < v->u.object.n; i++) {
            for (size_t j = 0; j < i; j++)
                if (strcmp(v->u.object.members[i].key, v->u.object.members[j].key) == 0)
                    fuzz_fail("accepted a repeated key");
            check_tree(v->u.object.members[i].value, depth + 1);
        }
        break;
    default:
        break;
    }
}

static void
write_tree(struct strbuf *sb, const struct jvalue *v)
{
    switch (v->type) {
    case JVALUE_NULL:
        sb_append(sb, "null");
        break;
    case JVALUE_BOOL:
        sb_append(sb, v->u.boolean ? "true" : "false");
        break;
    case JVALUE_NUMBER:
        if (v->u.number.is_integer)
            sb_printf(sb, "%" PRId64, v->u.number.integer);
        else {
            size_t at = sb->len;

            sb_printf(sb, "%.17g", v->u.number.value);
            if (!strpbrk(sb->buf + at, ".e"))
                sb_append(sb, ".0");    /* 5.0 and -0.0 must not come back as integers */
        }
        break;
    case JVALUE_STRING:
        json_string(sb, v->u.string.s);
        break;
    case JVALUE_ARRAY:
        sb_putc(sb, '[');
        for (size_t i = 0; i < v->u.array.n; i++) {
            if (i)
                sb_putc(sb, ',');
            write_tree(sb, v->u.array.items[i]);
        }
        sb_putc(sb, ']');
        break;
    case JVALUE_OBJECT:
        sb_putc(sb, '{');
        for (size_t i = 0; i < v->u.object.n; i++) {
            json_key(sb, v->u.object.members[i].key, i == 0);
            write_tree(sb, v->u.object.members[i].value);
        }
        sb_putc(sb, '}');
        break;
    }
}

static bool
same_tree(const struct jvalue *a, const struct jvalue *b)
{
    if (a->type != b->type)
        return false;
    switch (a->type) {
    case JVALUE_NULL:
        return true;
    case JVALUE_BOOL:
        return a->u.boolean == b->u.boolean;
    case JVALUE_NUMBER:
        if (a->u.number.is_integer != b->u.number.is_integer)
            return false;
        if (a->u.number.is_integer)
            return a->u.number.integer == b->u.number.integer;
        return memcmp(&a->u.number.value, &b->u.number.value, sizeof(double)) == 0;
    case JVALUE_STRING:
        return a->u.string.len == b->u.string.len &&
               memcmp(a->u.string.s, b->u.string.s, a->u.string.len) == 0;
    case JVALUE_ARRAY:
        if (a->u.array.n != b->u.array.n)
            return false;
        for (size_t i = 0; i < a->u.array.n; i++)
            if (!same_tree(a->u.array.items[i], b->u.array.items[i]))
                return false;
        return true;
    case JVALUE_OBJECT:
        if (a->u.object.n != b->u.object.n)
            return false;
        for (size_t i = 0; i < a->u.object.n; i++)
            if (strcmp(a->u.object.members[i].key, b->u.object.members[i].key) != 0 ||
                !same_tree(a->u.object.members[i].value, b->u.object.members[i].value))
                return false;
        return true;
    }
    return false;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = xmalloc(size);
    struct jvalue *v = NULL, *again = NULL;
    char err[160];
    struct strbuf sb;

    memcpy(text, data, size);
    err[0] = '\0';
    if (jsonparse_text(text, size, &v, err, sizeof(err)) < 0) {
        unsigned long long at;
        int used = 0;

        if (v)
            fuzz_fail("a rejection left a tree");
        if (sscanf(err, "byte %llu: %n", &at, &used) != 1 || used == 0 || !err[used])
            fuzz_fail("a rejection without \"byte N: message\": %s", err);
        if (at > size)
            fuzz_fail("a rejection at byte %llu of a %zu-byte text", at, size);
        free(text);
        return 0;
    }
    if (!v)
        fuzz_fail("accepted without a tree");
    check_tree(v, 0);
    sb_init(&sb);
    write_tree(&sb, v);
    if (jsonparse_text(sb.buf, sb.len, &again, err, sizeof(err)) < 0)
        fuzz_fail("the tree written back does not parse (%s): %s", err, sb.buf);
    if (!same_tree(v, again))
        fuzz_fail("the tree written back parses differently: %s", sb.buf);
    jsonparse_free(again);
    jsonparse_free(v);
    sb_free(&sb);
    free(text);
    return 0;
}
