/* SPDX-License-Identifier: Apache-2.0 */
/* Replay driver: runs a fuzz target's LLVMFuzzerTestOneInput on files, without libFuzzer,
 * so `make check` (gcc, valgrind, the ASan build) replays the seed corpus and every input
 * that once crashed. Arguments are files or directories (their files, sorted; names
 * starting with '.' and README files are skipped). A failed property aborts. */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "alloc.h"
#include "fuzz.h"
#include "paths.h"
#include "strbuf.h"

#define REPLAY_MAX_INPUT (16 * 1024 * 1024)

static int
replay_file(const char *path)
{
    struct strbuf sb;
    size_t len;
    char *copy;

    sb_init(&sb);
    if (read_file(path, REPLAY_MAX_INPUT, &sb) < 0) {
        fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
        sb_free(&sb);
        return -1;
    }
    /* A buffer of exactly the input's size, as libFuzzer gives, so overreads show. */
    len = sb.len;
    copy = xmalloc(len);
    memcpy(copy, sb.buf, len);
    sb_free(&sb);
    fprintf(stderr, "replay: %s\n", path);
    LLVMFuzzerTestOneInput((const uint8_t *)copy, len);
    free(copy);
    return 0;
}

static int
skip_name(const struct dirent *d)
{
    return d->d_name[0] != '.' && strncmp(d->d_name, "README", 6) != 0;
}

int
main(int argc, char **argv)
{
    size_t n = 0;
    int errors = 0;

    for (int i = 1; i < argc; i++) {
        struct dirent **ents;
        int k;

        if (!is_dir(argv[i])) {
            errors += replay_file(argv[i]) < 0;
            n++;
            continue;
        }
        k = scandir(argv[i], &ents, skip_name, alphasort);
        if (k < 0) {
            fprintf(stderr, "replay: %s: %s\n", argv[i], strerror(errno));
            errors++;
            continue;
        }
        for (int j = 0; j < k; j++) {
            char *p = xasprintf("%s/%s", argv[i], ents[j]->d_name);

            errors += replay_file(p) < 0;
            n++;
            free(p);
            free(ents[j]);
        }
        free(ents);
    }
    printf("replayed %zu inputs, %d unreadable\n", n, errors);
    return errors ? 1 : 0;
}
