/* SPDX-License-Identifier: Apache-2.0 */
/* writefloor: the least a program must do to rewrite every file of a directory so that a
 * crash leaves each file old or new, never torn: read it, write the new text to a temporary
 * file beside it, fsync that, rename it over the file; one fsync of the directory at the
 * end. No backup, no journal: a floor under any tool that changes those files (make bench,
 * beside te-ntp-setup's run over the same files). Not installed, not part of make check.
 *
 * usage: writefloor DIR   (each regular file gets "# x\n" prepended) */
#include "config.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int
rewrite(int dfd, const char *name)
{
    char buf[65536], tmp[300];
    ssize_t n;
    int in, out, ret = -1;

    if (snprintf(tmp, sizeof(tmp), ".%s.tmp", name) >= (int)sizeof(tmp))
        return -1;
    if ((in = openat(dfd, name, O_RDONLY | O_CLOEXEC)) < 0)
        return -1;
    n = read(in, buf + 4, sizeof(buf) - 4);
    close(in);
    if (n < 0)
        return -1;
    memcpy(buf, "# x\n", 4);
    if ((out = openat(dfd, tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644)) < 0)
        return -1;
    if (write(out, buf, (size_t)n + 4) == n + 4 && fsync(out) == 0)
        ret = 0;
    if (close(out) < 0)
        ret = -1;
    if (ret == 0)
        ret = renameat(dfd, tmp, dfd, name);
    return ret;
}

int
main(int argc, char **argv)
{
    DIR *d;
    struct dirent *e;
    char **names = NULL;
    size_t n = 0;
    int dfd, ret = 0;

    if (argc != 2 || !(d = opendir(argv[1]))) {
        fprintf(stderr, "usage: writefloor DIR\n");
        return 2;
    }
    dfd = dirfd(d);
    while ((e = readdir(d)))
        if (e->d_type == DT_REG) {
            char **grown = realloc(names, (n + 1) * sizeof(*names));

            if (!grown || !(grown[n] = strdup(e->d_name)))
                return 1;
            names = grown;
            n++;
        }
    for (size_t i = 0; i < n; i++) {
        if (rewrite(dfd, names[i]) < 0) {
            perror(names[i]);
            ret = 1;
        }
        free(names[i]);
    }
    free(names);
    if (fsync(dfd) < 0)
        ret = 1;
    closedir(d);
    return ret;
}
