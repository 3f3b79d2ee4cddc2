/* SPDX-License-Identifier: Apache-2.0 */
/* buildtree: a test build versus an installed program (see buildtree.h). */
#include "config.h"

#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "alloc.h"
#include "buildtree.h"

const char *const buildtree_test_vars[] = {
    "TE_NTP_SETUP_LENSDIR",
    "TE_NTP_SETUP_SBIN",
    "AUGEAS_LENS_LIB",
    NULL,
};

bool
buildtree_marker(const char *exe, char **lensdir)
{
    struct stat est, mst;
    char buf[PATH_MAX + 1];
    const char *slash;
    char *path;
    ssize_t n;
    size_t len;
    int fd;

    if (!exe || exe[0] != '/' || stat(exe, &est) < 0)
        return false;
    slash = strrchr(exe, '/');
    path = xasprintf("%.*s/%s", (int)(slash - exe), exe, BUILDTREE_MARKER);
    fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
    free(path);
    if (fd < 0)
        return false;
    if (fstat(fd, &mst) < 0 || !S_ISREG(mst.st_mode) || mst.st_uid != est.st_uid ||
        (mst.st_mode & (S_IWGRP | S_IWOTH))) {
        close(fd);
        return false;
    }
    n = read(fd, buf, sizeof(buf) - 1);
    close(fd);
    if (n <= 0)
        return false;
    buf[n] = '\0';
    len = strcspn(buf, "\n");
    buf[len] = '\0';
    if (buf[0] != '/')
        return false;
    if (lensdir)
        *lensdir = xstrdup(buf);
    return true;
}

char *
buildtree_setup(const char *exe, const char *installed_lensdir, bool *test_build)
{
    char *marked = NULL;
    const char *env;

    *test_build = buildtree_marker(exe, &marked);
    if (!*test_build) {
        for (size_t i = 0; buildtree_test_vars[i]; i++)
            unsetenv(buildtree_test_vars[i]);
        return xstrdup(installed_lensdir);
    }
    env = getenv("TE_NTP_SETUP_LENSDIR");
    if (env && *env) {
        free(marked);
        return xstrdup(env);
    }
    return marked;
}
