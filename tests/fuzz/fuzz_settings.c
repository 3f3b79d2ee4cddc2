/* SPDX-License-Identifier: Apache-2.0 */
/* Fuzz target: the YAML settings loader (settings_load_yaml_text), then settings_finish,
 * which validates every name the file gave.
 *
 * The text is handed over in a buffer of exactly its size, without a NUL, so a read past
 * the length is caught. Properties: the loader fails exactly when it reported an error,
 * and every error it reports starts with "name:line:col: " as the man page promises;
 * settings that finish cleanly have at least one source, each a valid host name. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "fuzz.h"
#include "msgs.h"
#include "names.h"
#include "settings.h"

#define NAME "fuzz.yaml"

static void
check_position(const char *e)
{
    size_t n = strlen(NAME ":");
    size_t d;

    if (strncmp(e, NAME ":", n) != 0)
        fuzz_fail("error without the file name: %s", e);
    e += n;
    for (int field = 0; field < 2; field++) {
        d = strspn(e, "0123456789");
        if (d == 0 || e[d] != ':')
            fuzz_fail("error without line:col: %s", e);
        e += d + 1;
    }
    if (e[0] != ' ' || !e[1])
        fuzz_fail("error without a message: %s", e);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct settings s;
    struct msgs m = { 0 };
    char *text = xmalloc(size);
    int rc;

    memcpy(text, data, size);
    settings_init(&s);
    rc = settings_load_yaml_text(&s, NAME, text, size, &m);
    if ((rc == 0) != (m.errors.n == 0))
        fuzz_fail("settings_load_yaml_text returned %d with %zu errors", rc, m.errors.n);
    for (size_t i = 0; i < m.errors.n; i++)
        check_position(m.errors.v[i]);
    if (rc == 0) {
        if (settings_finish(&s, &m) == 0) {
            if (s.n_sources == 0)
                fuzz_fail("finished settings without a source");
            for (size_t i = 0; i < s.n_sources; i++)
                if (!names_valid_host(s.sources[i].host, NULL, 0))
                    fuzz_fail("finished settings with an invalid host name");
        } else if (m.errors.n == 0) {
            fuzz_fail("settings_finish failed without an error");
        }
    }
    settings_free(&s);
    msgs_free(&m);
    free(text);
    return 0;
}
