/* SPDX-License-Identifier: Apache-2.0 */
/* strv: a growable list of owned strings. */
#ifndef TE_STRV_H
#define TE_STRV_H

#include <stdbool.h>
#include <stddef.h>

/* A growable list of owned strings. */
struct strv {
    char **v;
    size_t n;
};

/* Append a copy of s. */
void strv_push(struct strv *sv, const char *s);
/* Append s itself; the list takes ownership. */
void strv_push_owned(struct strv *sv, char *s);
/* True when s is in the list. */
bool strv_contains(const struct strv *sv, const char *s);
/* Free every string and the list. */
void strv_free(struct strv *sv);
/* The strings of a NULL-terminated vector joined by single spaces, newly allocated. */
char *argv_join(const char *const *v);
/* The strings of the list joined by single spaces, newly allocated. */
char *strv_join(const struct strv *sv);

#endif
