/* SPDX-License-Identifier: Apache-2.0 */
/* Fuzz target: one of the project's lenses (FUZZ_LENS, "Tentp_chrony.lns", set when the
 * target is compiled) on arbitrary text, through augtree as the backends use it.
 *
 * Properties, for every text without a NUL (plan_open_file refuses those before parsing):
 * - when augtree_parse accepts the text, augtree_render of the untouched tree gives back
 *   the same bytes (the minimal-edit promise: what is not edited stays byte for byte);
 * - the span of every top-level node lies inside the text, and the spans follow each other
 *   in order without overlapping (the backends replace exactly those bytes);
 * - a rejected text comes with an error message.
 * Lenses are looked up in $TE_NTP_SETUP_LENSDIR, else the source tree's lenses/.
 * With FUZZ_VERBOSE set, each input is reported as parsed or rejected (on stderr). */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "augtree.h"
#include "fuzz.h"
#include "msgs.h"
#include "strbuf.h"
#include "strv.h"

#ifndef FUZZ_LENS
#error "compile with -DFUZZ_LENS='\"Tentp_<name>.lns\"'"
#endif

/* libFuzzer sees coverage only of code built with its instrumentation, and libaugeas is
 * not: left alone it could not tell a text that exercises a new part of the lens from any
 * other. So the shape of what Augeas made of the text is fed back as extra coverage
 * counters (libFuzzer reads this section; for the replay driver it is an array): one
 * counter per structural path of the tree ("server/iburst", with or without a value), and
 * per parse error message. libFuzzer clears them before each input. */
__attribute__((section("__libfuzzer_extra_counters"), used))
static uint8_t shape[4096];

static struct augtree *aug;

static void
feature(const char *s, size_t n, uint32_t salt)
{
    uint32_t h = 2166136261u ^ salt;

    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)s[i]) * 16777619u;
    if (shape[h % sizeof(shape)] < 255)
        shape[h % sizeof(shape)]++;
}

/* Starting Augeas and compiling the lens costs five times one parse, so a handle serves
 * HANDLE_USES inputs, and what an input left in the Augeas tree is removed after it: each
 * input still meets the same state (a crash reproduces from its file alone). augtree keeps
 * a short record of every tree it parsed, so memory grows a little per input until the
 * handle is replaced: run.sh turns libFuzzer's per-input leak check off for these targets
 * (make check replays the corpus under LeakSanitizer and valgrind instead). */
#define HANDLE_USES 1000

static unsigned uses;

static void
get_handle(void)
{
    const char *dir = getenv("TE_NTP_SETUP_LENSDIR");
    struct msgs m = { 0 };

    if (aug && uses++ < HANDLE_USES)
        return;
    augtree_free(aug);
    aug = augtree_new(dir && *dir ? dir : TE_FUZZ_LENSDIR, &m);
    if (!aug)
        fuzz_fail("cannot start Augeas: %s", m.errors.n ? m.errors.v[0] : "?");
    msgs_free(&m);
    uses = 0;
}

static void
clean_handle(void)
{
    static const char *const scratch[] = { "/text", "/tree", "/out", "/augeas/text" };

    for (size_t i = 0; i < TE_ARRAY_LEN(scratch); i++)
        augtree_rm(aug, scratch[i]);
}

/* Count the tree's structural paths: labels without the tree's name and [N] positions. */
static void
count_shape(const char *tree)
{
    struct strv nodes = { 0 };
    char *expr = xasprintf("%s//*", tree);
    size_t skip = strlen(tree);

    augtree_match(aug, expr, &nodes);
    for (size_t i = 0; i < nodes.n; i++) {
        const char *p = nodes.v[i] + skip;
        struct strbuf sb;

        sb_init(&sb);
        for (; *p; p++) {
            if (*p == '[' && p[1] >= '0' && p[1] <= '9') {
                p += strspn(p + 1, "0123456789") + 1;
                if (!*p)
                    break;
                continue;
            }
            sb_putc(&sb, *p);
        }
        feature(sb.buf, sb.len, augtree_get(aug, nodes.v[i]) ? 1 : 0);
        sb_free(&sb);
    }
    strv_free(&nodes);
    free(expr);
}

static void
check_spans(const char *tree, size_t len)
{
    struct strv nodes = { 0 };
    char *expr = xasprintf("%s/*", tree);
    size_t prev_end = 0;

    augtree_match(aug, expr, &nodes);
    for (size_t i = 0; i < nodes.n; i++) {
        size_t s, e;

        if (augtree_span(aug, nodes.v[i], &s, &e) < 0)
            continue;
        if (s > e || e > len)
            fuzz_fail("%s: span [%zu, %zu) outside the text of %zu bytes", nodes.v[i], s, e,
                      len);
        if (s < prev_end)
            fuzz_fail("%s: span [%zu, %zu) overlaps the previous one ending at %zu",
                      nodes.v[i], s, e, prev_end);
        prev_end = e;
    }
    strv_free(&nodes);
    free(expr);
}

/* The text as augtree hands it to Augeas: the \r of each CRLF out, a final \n added to a
 * text without one. The untouched tree renders to exactly this. */
static char *
as_parsed(const char *text, size_t size, size_t *len)
{
    char *norm = xmalloc(size + 2);
    size_t n = 0;

    for (size_t i = 0; i < size; i++)
        if (!(text[i] == '\r' && i + 1 < size && text[i + 1] == '\n'))
            norm[n++] = text[i];
    if (n > 0 && norm[n - 1] != '\n')
        norm[n++] = '\n';
    norm[n] = '\0';
    *len = n;
    return norm;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct msgs m = { 0 };
    struct strbuf out;
    const char *tree, *msg;
    char *text;

    if (memchr(data, '\0', size))
        return 0;
    get_handle();
    text = xmalloc(size + 1);
    memcpy(text, data, size);
    text[size] = '\0';
    sb_init(&out);
    tree = augtree_parse(aug, FUZZ_LENS, "fuzz.conf", text, &m);
    if (!tree) {
        if (m.errors.n == 0)
            fuzz_fail("%s rejected the text without an error", FUZZ_LENS);
        if (getenv("FUZZ_VERBOSE"))
            fprintf(stderr, "  rejected: %s\n", m.errors.v[0]);
        msg = strstr(m.errors.v[0], "cannot parse this: ");
        if (msg)
            feature(msg, strlen(msg), 2);
        goto out;
    }
    count_shape(tree);
    if (getenv("FUZZ_VERBOSE"))
        fprintf(stderr, "  parsed\n");
    check_spans(tree, size);
    if (augtree_render(aug, tree, &out, &m) < 0)
        fuzz_fail("%s parsed the text but cannot render it: %s", FUZZ_LENS,
                  m.errors.n ? m.errors.v[0] : "?");
    {
        size_t nlen;
        char *norm = as_parsed(text, size, &nlen);

        if (out.len != nlen || memcmp(out.buf, norm, nlen) != 0) {
            size_t at = 0;

            while (at < nlen && at < out.len && out.buf[at] == norm[at])
                at++;
            fprintf(stderr, "--- parsed (%zu bytes)\n%s\n--- rendered (%zu bytes)\n%s\n---\n",
                    nlen, norm, out.len, out.buf);
            fuzz_fail("%s: the untouched tree renders differently from byte %zu", FUZZ_LENS, at);
        }
        free(norm);
    }
out:
    sb_free(&out);
    msgs_free(&m);
    free(text);
    clean_handle();
    return 0;
}
