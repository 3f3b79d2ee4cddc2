/* SPDX-License-Identifier: Apache-2.0 */
/* augfloor: the least an Augeas-based program must do to read every file of a directory:
 * hand each file's text to Augeas and parse it with one lens (aug_set, aug_text_store), the
 * trees grouped 256 to a node as te-ntp-setup groups them. Nothing is looked up, checked
 * or compared: a floor under any tool that reads those files through Augeas (make bench,
 * beside te-ntp-setup's run that changes nothing over the same files). Not installed, not
 * part of make check.
 *
 * usage: augfloor LENSDIR LENS DIR [SUFFIX]   (only the files whose names end in SUFFIX;
 *        e.g. lenses Tentp_chrony.lns /etc/chrony/sources.d .sources) */
#include "config.h"

#include <augeas.h>
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int
main(int argc, char **argv)
{
    static char text[65536];
    char tp[64], tr[64];
    struct dirent *e;
    unsigned id = 0;
    augeas *aug;
    DIR *d;
    int dfd;

    if (argc < 4 || argc > 5 || !(d = opendir(argv[3]))) {
        fprintf(stderr, "usage: augfloor LENSDIR LENS DIR [SUFFIX]\n");
        return 2;
    }
    aug = aug_init("/", argv[1], AUG_NO_MODL_AUTOLOAD | AUG_NO_LOAD | AUG_ENABLE_SPAN);
    if (!aug || aug_error(aug) != AUG_NOERROR) {
        fprintf(stderr, "augfloor: cannot start Augeas with %s\n", argv[1]);
        return 1;
    }
    dfd = dirfd(d);
    while ((e = readdir(d))) {
        size_t len = strlen(e->d_name), sl = argc == 5 ? strlen(argv[4]) : 0;
        ssize_t n;
        int fd;

        if (len < sl || strcmp(e->d_name + len - sl, argc == 5 ? argv[4] : "") != 0)
            continue;
        if (e->d_type != DT_REG || (fd = openat(dfd, e->d_name, O_RDONLY | O_CLOEXEC)) < 0)
            continue;
        n = read(fd, text, sizeof(text) - 1);
        close(fd);
        if (n < 0)
            continue;
        text[n] = '\0';
        snprintf(tp, sizeof(tp), "/text/h%u/t%u", id >> 8, id);
        snprintf(tr, sizeof(tr), "/tree/h%u/t%u", id >> 8, id);
        id++;
        if (aug_set(aug, tp, text) < 0 || aug_text_store(aug, argv[2], tp, tr) < 0) {
            fprintf(stderr, "augfloor: %s: %s cannot parse it\n", e->d_name, argv[2]);
            return 1;
        }
    }
    closedir(d);
    aug_close(aug);
    return 0;
}
