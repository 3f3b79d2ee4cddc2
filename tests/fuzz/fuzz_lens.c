/* SPDX-License-Identifier: Apache-2.0 */
/* Fuzz target: one of the project's lenses (FUZZ_LENS, "Tentp_chrony.lns", set when the
 * target is compiled) on arbitrary text, through augtree as the backends use it.
 *
 * Properties, for every text without a NUL (plan_open_file refuses those before parsing):
 * - when augtree_parse accepts the text, augtree_render of the untouched tree gives back
 *   the same bytes (the minimal-edit promise: what is not edited stays byte for byte);
 * - the span of every top-level node lies inside the text, and the spans follow each other
 *   in order without overlapping (the backends replace exactly those bytes);
 * - a rejected text comes with an error message;
 * - for ntp.conf, parsed again with the plain restrict lines the ntp backend leaves out of
 *   Augeas's parse (augtree_skip_lines with ntp_unread_line): the same answer (the same
 *   error, line numbers included), every node a line the backend leaves out is a restrict
 *   without notrust, and the nodes kept have the same labels, values and spans.
 * Lenses are looked up in $TE_NTP_SETUP_LENSDIR, else the source tree's lenses/.
 * With FUZZ_VERBOSE set, each input is reported as parsed or rejected (on stderr). */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "augtree.h"
#include "backend.h"
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
static struct augtree *skipping;     /* ntp: the same lens, leaving plain restricts out */

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
    augtree_free(skipping);
    aug = augtree_new(dir && *dir ? dir : TE_FUZZ_LENSDIR, &m);
    skipping = augtree_new(dir && *dir ? dir : TE_FUZZ_LENSDIR, &m);
    if (!aug || !skipping)
        fuzz_fail("cannot start Augeas: %s", m.errors.n ? m.errors.v[0] : "?");
    augtree_skip_lines(skipping, "Tentp_ntp.lns", ntp_unread_line);
    msgs_free(&m);
    uses = 0;
}

static void
clean_handle(void)
{
    static const char *const scratch[] = { "/text", "/tree", "/out", "/augeas/text" };

    for (size_t i = 0; i < TE_ARRAY_LEN(scratch); i++) {
        augtree_rm(aug, scratch[i]);
        augtree_rm(skipping, scratch[i]);
    }
}

/* The line of text (size bytes) at [s, e) without its line end. */
static bool
unread(const char *text, size_t s, size_t e)
{
    if (e > s && text[e - 1] == '\n')
        e--;
    if (e > s && text[e - 1] == '\r' && text[e] == '\n')
        e--;
    return ntp_unread_line(text + s, e - s);
}

/* ntp.conf parsed while leaving out plain restrict lines answers as the whole parse did
 * (tree: the whole parse's, or NULL with its error in whole). */
static void
check_skipping(const char *text, size_t size, const char *tree, const struct msgs *whole)
{
    struct msgs m = { 0 };
    const char *part = augtree_parse(skipping, FUZZ_LENS, "fuzz.conf", text, &m);
    const struct augnodes *all, *kept;
    size_t j = 0;

    if (!tree || !part) {
        if (tree || part)
            fuzz_fail("the whole parse %s the text, the one leaving lines out %s it",
                      tree ? "accepted" : "rejected", part ? "accepted" : "rejected");
        if (strcmp(m.errors.v[0], whole->errors.v[0]) != 0)
            fuzz_fail("not the same error:\n  %s\n  %s", whole->errors.v[0], m.errors.v[0]);
        msgs_free(&m);
        return;
    }
    all = augtree_children(aug, tree);
    kept = augtree_children(skipping, part);
    if (!all || !kept)
        fuzz_fail("no top-level nodes");
    for (size_t i = 0; i < all->n; i++) {
        const struct augnode *a = &all->v[i];
        bool skippable = a->start != (size_t)-1 && unread(text, a->start, a->end);

        if (skippable) {
            char *expr = xasprintf("%s/notrust", a->path);
            struct strv nodes = { 0 };

            if (strcmp(a->label, "restrict") != 0 || augtree_match(aug, expr, &nodes) != 0)
                fuzz_fail("line at %zu left out, but it is '%s'%s", a->start, a->label,
                          nodes.n ? " with notrust" : "");
            strv_free(&nodes);
            free(expr);
        }
        if (j < kept->n && kept->v[j].start == a->start) {
            const struct augnode *k = &kept->v[j++];

            if (k->end != a->end || strcmp(k->label, a->label) != 0 ||
                strcmp(k->value ? k->value : "", a->value ? a->value : "") != 0)
                fuzz_fail("node at %zu: '%s' [%zu, %zu) kept as '%s' [%zu, %zu)", a->start,
                          a->label, a->start, a->end, k->label, k->start, k->end);
        } else if (!skippable) {
            fuzz_fail("node '%s' at %zu was left out", a->label, a->start);
        }
    }
    if (j != kept->n)
        fuzz_fail("%zu nodes kept that the whole parse does not have", kept->n - j);
    msgs_free(&m);
    (void)size;
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
    if (strcmp(FUZZ_LENS, "Tentp_ntp.lns") == 0)
        check_skipping(text, size, tree, &m);
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
