/* SPDX-License-Identifier: Apache-2.0 */
/* util: allocation, files under a root, string lists, collected messages. */
#ifndef TE_UTIL_H
#define TE_UTIL_H

#include <stdbool.h>
#include <glob.h>
#include <stddef.h>
#include <sys/types.h>

#include "strbuf.h"

#define TE_ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

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
/* A hash of the string s (djb2), for the open-addressing tables of paths. */
size_t str_hash(const char *s);

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

/* The path of abs (which starts with '/') inside root; root NULL or "/" gives abs. */
char *root_path(const char *root, const char *abs);
/* True when path (joined with root) resolves, through any symbolic links, to a place inside
 * root; a path that does not exist yet is judged by its deepest existing ancestor. Always
 * true for no root or "/". */
bool path_inside_root(const char *root, const char *path);
/* True when the path (already joined with the root) exists. */
bool path_exists(const char *path);
/* True when the path is a directory. */
bool is_dir(const char *path);
/* True when path is an executable regular file. */
bool is_executable(const char *path);

/* errno of read_file and read_fd for a file that is not a regular file (a FIFO, a device,
 * a socket); te_strerror names it. */
#define TE_ENOTREG 4095
/* strerror, that also knows TE_ENOTREG. */
const char *te_strerror(int e);
struct msgs;

/* Read a whole file (at most max bytes) into sb, opened without blocking and only when it is
 * a regular file; -1 with errno on failure (EFBIG when too large, EISDIR for a directory,
 * TE_ENOTREG for any other kind of file). */
int read_file(const char *path, size_t max, struct strbuf *sb);
/* read_file of an open descriptor (it stays open). */
int read_fd(int fd, size_t max, struct strbuf *sb);
/* read_file of abs (starting with '/') resolved inside root (see root_open). */
int read_file_in_root(const char *root, const char *abs, size_t max, struct strbuf *sb);
/* glob(3) of pattern, where a directory that exists but cannot be read is reported (a
 * warning in m naming it) instead of skipped silently. glob's result. */
int glob_report(const char *pattern, int flags, glob_t *g, struct msgs *m);
/* True when root is this system: NULL, "", or any path to the same directory as "/"
 * ("//", "/.", "/proc/self/root"). */
bool root_is_host(const char *root);
/* open(2) of abs resolved inside root as if root were "/": symbolic links (absolute or
 * with "..") and ".." cannot lead out of it (openat2 RESOLVE_IN_ROOT, or a walk name by
 * name where the kernel lacks it). A root that is this system opens abs itself. Descriptor
 * (O_CLOEXEC) or -1 with errno. */
int root_open(const char *root, const char *abs, int flags);
/* root_open's walk name by name, whatever the kernel has (for the tests). */
int root_open_by_hand(const char *root, const char *abs, int flags);

/* Append s to sb with C-style escapes for anything not printable ASCII, in double quotes. */
void sb_append_quoted(struct strbuf *sb, const char *s);
/* A newly allocated, quoted and escaped copy of s (see sb_append_quoted). */
char *quote_string(const char *s);

/* Messages collected by library code for main.c to print (library code never prints). */
struct msgs {
    struct strv errors;
    struct strv warnings;
    struct strv notes;
};

/* Record an error. */
void msg_error(struct msgs *m, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Record a warning. */
void msg_warn(struct msgs *m, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Record an informational note. */
void msg_note(struct msgs *m, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Free every message. */
void msgs_free(struct msgs *m);

#endif
