/* SPDX-License-Identifier: Apache-2.0 */
/* fileio: guarded, atomic replacement of configuration files. */
#ifndef TE_FILEIO_H
#define TE_FILEIO_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/stat.h>

#include "msgs.h"

/* Replace path with data, atomically: a temporary file in the same directory, written and
 * fsynced, given the old file's owner and mode (or 0644 for a new file), renamed over the
 * path, then the directory fsynced. When expect is not NULL the file must still hold exactly
 * expect (expect_len bytes) and, when st is not NULL, be the same inode as *st, else nothing
 * is written: someone else changed it since it was read. Owner and mode come from *st (or
 * the current file when st is NULL). When expect is NULL the file must not exist yet.
 * A missing parent directory is created (0755) when mkdir_parent is true.
 * 0, or -1 with a message in m and the file untouched. */
int fileio_replace(const char *path, const char *data, size_t len, const char *expect,
                   size_t expect_len, const struct stat *st, bool mkdir_parent, struct msgs *m);
/* fileio_replace of path (a path under root, as root_path makes it), whose directory is
 * opened through the root (root_open): no symbolic link leads the write out of it, even one
 * swapped after the checks. root NULL or "/": fileio_replace. */
int fileio_replace_in(const char *root, const char *path, const char *data, size_t len,
                      const char *expect, size_t expect_len, const struct stat *st,
                      bool mkdir_parent, struct msgs *m);
/* True when path is a file that holds exactly data (len bytes). */
bool fileio_holds(const char *path, const char *data, size_t len);
/* Remove a file the tool created, checking it still holds data. 0 or -1. */
int fileio_remove(const char *path, const char *data, size_t len, struct msgs *m);
/* fileio_remove of path under root, its directory opened through the root. */
int fileio_remove_in(const char *root, const char *path, const char *data, size_t len,
                     struct msgs *m);

#endif
