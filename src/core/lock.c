/* SPDX-License-Identifier: Apache-2.0 */
/* lock: one instance at a time, through an flock on a root-owned file in /run. */
#include "config.h"

#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "alloc.h"
#include "lock.h"
#include "msgs.h"
#include "paths.h"

int
lock_take(const char *root, int timeout_ms, struct msgs *m)
{
    bool image = !root_is_host(root);   /* "//" or /proc/self/root is this system */
    char *path = image ? xstrdup(root) : xstrdup(LOCK_PATH);
    struct timespec step = { 0, 50 * 1000 * 1000 };
    struct stat st;
    int fd, waited = 0;

    /* A system image is locked through its top directory, so no file is added to it. */
    if (image)
        fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    else
        fd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY, 0600);
    if (fd < 0) {
        msg_error(m, "%s: cannot open the lock: %s", path, strerror(errno));
        free(path);
        return -1;
    }
    if (!image && (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_uid != geteuid())) {
        msg_error(m, "%s: the lock file is not a regular file owned by this user; remove it",
                  path);
        close(fd);
        free(path);
        return -1;
    }
    while (flock(fd, LOCK_EX | LOCK_NB) < 0) {
        if (errno != EWOULDBLOCK && errno != EINTR) {
            msg_error(m, "%s: cannot lock: %s", path, strerror(errno));
            close(fd);
            free(path);
            return -1;
        }
        if (waited >= timeout_ms) {
            msg_error(m, "another te-ntp-setup is running (it holds the lock on %s); gave up "
                      "after %d s", path, timeout_ms / 1000);
            close(fd);
            free(path);
            return -2;
        }
        nanosleep(&step, NULL);
        waited += 50;
    }
    free(path);
    return fd;
}

void
lock_release(int fd)
{
    if (fd >= 0)
        close(fd);
}
