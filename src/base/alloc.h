/* SPDX-License-Identifier: Apache-2.0 */
/* alloc: allocation that aborts on exhaustion. */
#ifndef TE_ALLOC_H
#define TE_ALLOC_H

#include <stddef.h>

#define TE_ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* Say "out of memory" on standard error and abort: what every function here does on
 * exhaustion. */
void oom(void) __attribute__((noreturn));
/* malloc that aborts on exhaustion (the tool cannot do anything useful without memory). */
void *xmalloc(size_t n);
/* calloc that aborts on exhaustion. */
void *xcalloc(size_t n, size_t size);
/* realloc that aborts on exhaustion. */
void *xrealloc(void *p, size_t n);
/* strdup that aborts on exhaustion; NULL gives NULL. */
char *xstrdup(const char *s);
/* asprintf that aborts on exhaustion. */
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
