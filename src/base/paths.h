/* SPDX-License-Identifier: Apache-2.0 */
/* paths: files under a root: joining, opening and reading them, and what they are. */
#ifndef TE_PATHS_H
#define TE_PATHS_H

#include <stdbool.h>
#include <glob.h>
#include <stddef.h>
#include <sys/types.h>

#include "strbuf.h"

/* The path of abs (which starts with '/') inside root; root NULL or "/" gives abs. */
char *root_path(const char *root, const char *abs);
/* True when path (joined with root) resolves, through any symbolic links, to a place inside
 * root; a path that does not exist yet is judged by its deepest existing ancestor. Always
 * true for no root or "/". */
bool path_inside_root(const char *root, const char *path);
/* path_inside_root given the root's real path (realpath of root) instead of the root. */
bool path_inside_real_root(const char *root_real, const char *path);
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
/* Write all len bytes of data to fd (a write cut short by a signal goes on); -1 with errno
 * on failure (EIO when the descriptor takes nothing). */
int write_fd(int fd, const char *data, size_t len);
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

#endif
