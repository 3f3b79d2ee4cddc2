/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests of the ntp backend's lines that Augeas need not see (ntp_unread_line): every
 * line it takes is one the Tentp_ntp lens parses as one restrict node without notrust, so
 * leaving it out of the parse changes nothing the backend reads; and it takes the plain
 * restrict lines that make up files of megabytes. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "augtree.h"
#include "backend.h"
#include "cunit_main.h"
#include "msgs.h"
#include "strbuf.h"
#include "strv.h"

/* A failed assertion that names the line it is about. */
#define FAIL_LINE(line) CU_assertImplementation(CU_FALSE, __LINE__, (line), __FILE__, "", CU_FALSE)

static bool
taken(const char *line)
{
    return ntp_unread_line(line, strlen(line));
}

/* What the lens makes of line alone: true when it is one restrict node without notrust. */
static bool
one_plain_restrict(struct augtree *t, const char *line)
{
    struct msgs m = { 0 };
    char *text = xasprintf("%s\n", line), *expr;
    const char *tree = augtree_parse(t, "Tentp_ntp.lns", "line", text, &m);
    const struct augnodes *k = tree ? augtree_children(t, tree) : NULL;
    struct strv nodes = { 0 };
    bool ok = k && k->n == 1 && strcmp(k->v[0].label, "restrict") == 0;

    if (ok) {
        expr = xasprintf("%s/restrict/notrust", tree);
        ok = augtree_match(t, expr, &nodes) == 0;
        free(expr);
    }
    strv_free(&nodes);
    msgs_free(&m);
    free(text);
    return ok;
}

static void
test_ntp_unread_line_plain(void)
{
    static const char *const yes[] = {
        "restrict 192.0.2.1 mask 255.255.255.255 nomodify notrap",
        "restrict default kod limited nomodify notrap nopeer noquery",
        "restrict\t2001:db8::1  nomodify",
        "restrict source nomodify noquery",
        "restrict 192.0.2.0 mask 255.255.255.0 ippeerlimit 4 nomodify",
        "restrict 127.0.0.1",
        "restrict x mask notrust",          /* notrust as mask's value: no flag */
    };
    static const char *const no[] = {
        "restrict 192.0.2.1 notrust",       /* read: authenticated sources only */
        "restrict -4 default nomodify",     /* the family: kept simple, Augeas reads it */
        "restrict -6 default",
        "restrict default nomodify # comment",
        "restrict default nomodify#c",
        "restrict default nomodify ",
        " restrict default",
        "restrict",
        "restrict ",
        "restrict x mask",
        "restrict x ippeerlimit",
        "restrict x ipv4",
        "restrict x nomodify\r",
        "restrict x no\rmodify",
        "unrestrict x",
        "Restrict x",
        "restrictx y",
        "server restrict",
    };
    struct msgs m = { 0 };
    struct augtree *t = augtree_new(te_lens_dir, &m);

    CU_ASSERT_PTR_NOT_NULL_FATAL(t);
    for (size_t i = 0; i < sizeof(yes) / sizeof(*yes); i++) {
        if (!taken(yes[i]))
            FAIL_LINE(yes[i]);
        if (!one_plain_restrict(t, yes[i]))
            FAIL_LINE(yes[i]);
    }
    for (size_t i = 0; i < sizeof(no) / sizeof(*no); i++)
        if (taken(no[i]))
            FAIL_LINE(no[i]);
    augtree_free(t);
    msgs_free(&m);
}

/* Lines of random words: wherever ntp_unread_line says yes, the lens agrees. */
static void
test_ntp_unread_line_agrees_with_lens(void)
{
    static const char *const words[] = {
        "default", "192.0.2.1", "mask", "255.255.255.0", "ippeerlimit", "3", "nomodify",
        "notrap", "notrust", "ipv4", "ipv6", "-4", "-6", "#", "#c", "kod", "source", "x#y",
        "", "--ipv4", "restrict", "NOTRUST", "a\rb", "ignore", "limited",
    };
    static const char *const seps[] = { " ", "  ", "\t", " \t" };
    struct msgs m = { 0 };
    struct augtree *t = augtree_new(te_lens_dir, &m);
    unsigned seed = 20261203, yes = 0;

    CU_ASSERT_PTR_NOT_NULL_FATAL(t);
    for (int i = 0; i < 3000; i++) {
        struct strbuf line;
        int n = 1 + (int)(rand_r(&seed) % 6);

        sb_init(&line);
        sb_append(&line, "restrict");
        for (int w = 0; w < n; w++) {
            sb_append(&line, seps[rand_r(&seed) % (sizeof(seps) / sizeof(*seps))]);
            sb_append(&line, words[rand_r(&seed) % (sizeof(words) / sizeof(*words))]);
        }
        if (taken(line.buf)) {
            yes++;
            if (!one_plain_restrict(t, line.buf))
                FAIL_LINE(line.buf);
        }
        sb_free(&line);
    }
    CU_ASSERT(yes > 100);        /* the test saw lines taken, not only refused */
    augtree_free(t);
    msgs_free(&m);
}

static const struct te_test ntp_tests[] = {
    TE_TEST(test_ntp_unread_line_plain),
    TE_TEST(test_ntp_unread_line_agrees_with_lens),
    TE_TESTS_END,
};

static const struct te_suite suites[] = {
    { "ntp", ntp_tests },
    TE_SUITES_END,
};

TE_CUNIT_MAIN_SETUP(suites, te_find_lenses)
