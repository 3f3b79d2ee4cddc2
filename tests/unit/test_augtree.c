/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests of augtree: texts are parsed as their daemons read them (CRLF, no final line
 * end, chrony's keywords without case) with spans in the text as given, and the cached
 * top-level nodes answer like Augeas itself. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "augtree.h"
#include "plan.h"
#include "cunit_main.h"
#include "msgs.h"
#include "strv.h"

static const char *const chrony_sources[] = { "server", "pool", "peer", NULL };

/* augtree_match of TREE/step. */
static int
match(struct augtree *t, const char *tree, const char *step, struct strv *out)
{
    char *expr = xasprintf("%s/%s", tree, step);
    int n = augtree_match(t, expr, out);

    free(expr);
    return n;
}

/* The text of [start, end) of the node at path in text. */
static char *
span_text(struct augtree *t, const char *path, const char *text)
{
    size_t s, e;

    if (augtree_span(t, path, &s, &e) < 0)
        return xstrdup("(no span)");
    return xasprintf("%.*s", (int)(e - s), text + s);
}

static void
test_augtree_crlf_spans(void)
{
    struct msgs m = { 0 };
    struct augtree *t = augtree_new(te_lens_dir, &m);
    const char *text = "# c\r\nserver a.example iburst\r\n\r\nmakestep 1 3\r\n";
    const char *tree;
    struct strv nodes = { 0 };
    char *s;

    CU_ASSERT_PTR_NOT_NULL_FATAL(t);
    tree = augtree_parse(t, "Tentp_chrony.lns", "crlf", text, &m);
    CU_ASSERT_PTR_NOT_NULL_FATAL(tree);
    CU_ASSERT_EQUAL(match(t, tree, "server", &nodes), 1);
    TE_ASSERT_STR_EQ(augtree_get(t, nodes.v[0]), "a.example");
    s = span_text(t, nodes.v[0], text);
    TE_ASSERT_STR_EQ(s, "server a.example iburst\r\n");      /* the CR is in the span */
    free(s);
    strv_free(&nodes);
    match(t, tree, "makestep", &nodes);
    s = span_text(t, nodes.v[0], text);
    TE_ASSERT_STR_EQ(s, "makestep 1 3\r\n");
    free(s);
    strv_free(&nodes);
    augtree_free(t);
    msgs_free(&m);
}

static void
test_augtree_no_final_newline(void)
{
    struct msgs m = { 0 };
    struct augtree *t = augtree_new(te_lens_dir, &m);
    const char *text = "server a.example iburst\nmakestep 1 3";
    const char *tree;
    struct strv nodes = { 0 };
    char *s;

    CU_ASSERT_PTR_NOT_NULL_FATAL(t);
    tree = augtree_parse(t, "Tentp_ntp.lns", "noeol", text, &m);
    CU_ASSERT_PTR_NOT_NULL_FATAL(tree);
    match(t, tree, "makestep", &nodes);
    CU_ASSERT_EQUAL_FATAL(nodes.n, 1);
    s = span_text(t, nodes.v[0], text);
    TE_ASSERT_STR_EQ(s, "makestep 1 3");      /* ends at the end of the text, not past it */
    free(s);
    strv_free(&nodes);
    augtree_free(t);
    msgs_free(&m);
}

static void
test_augtree_fold_keywords(void)
{
    struct msgs m = { 0 };
    struct augtree *t = augtree_new(te_lens_dir, &m);
    const char *text = "SERVER A.Example IBURST KEY 5\nMakeStep 1.0 3\n";
    const char *tree;
    struct strv nodes = { 0 };
    char *label;

    CU_ASSERT_PTR_NOT_NULL_FATAL(t);
    augtree_fold_keywords(t, "Tentp_chrony.lns", chrony_sources);
    tree = augtree_parse(t, "Tentp_chrony.lns", "upper", text, &m);
    CU_ASSERT_PTR_NOT_NULL_FATAL(tree);
    CU_ASSERT_EQUAL(match(t, tree, "server", &nodes), 1);
    TE_ASSERT_STR_EQ(augtree_get(t, nodes.v[0]), "A.Example");    /* the host keeps its case */
    strv_free(&nodes);
    CU_ASSERT_EQUAL(match(t, tree, "server/iburst", &nodes), 1);
    strv_free(&nodes);
    CU_ASSERT_EQUAL(match(t, tree, "server/key", &nodes), 1);
    TE_ASSERT_STR_EQ(augtree_get(t, nodes.v[0]), "5");
    strv_free(&nodes);
    CU_ASSERT_EQUAL(match(t, tree, "makestep", &nodes), 1);
    label = augtree_label(t, nodes.v[0]);
    TE_ASSERT_STR_EQ(label, "makestep");
    free(label);
    strv_free(&nodes);
    /* another lens is read as written */
    tree = augtree_parse(t, "Tentp_ntp.lns", "ntp", "SERVER a.example\n", &m);
    CU_ASSERT_PTR_NOT_NULL_FATAL(tree);
    CU_ASSERT_EQUAL(match(t, tree, "server", &nodes), 0);
    strv_free(&nodes);
    augtree_free(t);
    msgs_free(&m);
}

/* The cached nodes give what Augeas gives: labels, values and spans of every top-level
 * node, and the same answers to one-step matches. */
static void
test_augtree_children_match_augeas(void)
{
    struct msgs m = { 0 };
    struct augtree *t = augtree_new(te_lens_dir, &m);
    const char *text = "# head\n\n!\nserver a iburst\n  pool p.example maxsources 3\n"
                       "; note\nmakestep 1 3\nserver b\n%x\nallow 192.0.2.0/24\n";
    const char *tree, *tree2;
    const struct augnodes *k;
    struct strv a = { 0 }, b = { 0 };

    CU_ASSERT_PTR_NOT_NULL_FATAL(t);
    tree = augtree_parse(t, "Tentp_chrony.lns", "one", text, &m);
    tree2 = augtree_parse(t, "Tentp_chrony.lns", "two", text, &m);
    CU_ASSERT_PTR_NOT_NULL_FATAL(tree);
    CU_ASSERT_PTR_NOT_NULL_FATAL(tree2);
    k = augtree_children(t, tree);
    CU_ASSERT_PTR_NOT_NULL_FATAL(k);
    CU_ASSERT_EQUAL(k->n, 8);
    for (size_t i = 0; i < k->n; i++) {
        /* tree2 was never asked for its nodes: Augeas answers there */
        char *p2 = xasprintf("%s%s", tree2, k->v[i].path + strlen(tree));
        size_t s1, e1, s2, e2;

        CU_ASSERT_EQUAL(augtree_span(t, k->v[i].path, &s1, &e1), 0);
        CU_ASSERT_EQUAL(augtree_span(t, p2, &s2, &e2), 0);
        CU_ASSERT_EQUAL(s1, s2);
        CU_ASSERT_EQUAL(e1, e2);
        TE_ASSERT_STR_EQ(k->v[i].value ? k->v[i].value : "(none)",
                         augtree_get(t, p2) ? augtree_get(t, p2) : "(none)");
        free(p2);
    }
    CU_ASSERT_EQUAL(match(t, tree, "*[label() = 'server' or label() = 'pool']", &a), 3);
    CU_ASSERT_EQUAL(match(t, tree2, "*[label() = 'server' or label() = 'pool']", &b), 3);
    for (size_t i = 0; i < a.n && i < b.n; i++)
        TE_ASSERT_STR_EQ(augtree_get(t, a.v[i]), augtree_get(t, b.v[i]));
    strv_free(&a);
    strv_free(&b);
    augtree_free(t);
    msgs_free(&m);
}

/* augtree_find_value finds what a match of TREE/LABEL and a look at each value finds: the
 * first node in the text, the value without case, nothing for a value no node has, and the
 * new value after an edit; a path that is not a tree is left to augtree_match. */
static void
test_augtree_find_value(void)
{
    struct msgs m = { 0 };
    struct augtree *t = augtree_new(te_lens_dir, &m);
    const char *text = "pool a.example\nserver A.example iburst\nserver b\n"
                       "server a.EXAMPLE key 1\n";
    const char *tree, *hit = "x";
    char *want, *sub;

    CU_ASSERT_PTR_NOT_NULL_FATAL(t);
    tree = augtree_parse(t, "Tentp_chrony.lns", "one", text, &m);
    CU_ASSERT_PTR_NOT_NULL_FATAL(tree);
    want = xasprintf("%s/server[1]", tree);
    TE_ASSERT_INT_EQ(augtree_find_value(t, tree, "server", "a.example", &hit), 0);
    TE_ASSERT_STR_EQ(hit, want);
    free(want);
    want = xasprintf("%s/pool[1]", tree);
    TE_ASSERT_INT_EQ(augtree_find_value(t, tree, "pool", "A.EXAMPLE", &hit), 0);
    TE_ASSERT_STR_EQ(hit, want);
    free(want);
    TE_ASSERT_INT_EQ(augtree_find_value(t, tree, "server", "c", &hit), 0);
    CU_ASSERT_PTR_NULL(hit);
    TE_ASSERT_INT_EQ(augtree_find_value(t, tree, "peer", "b", &hit), 0);
    CU_ASSERT_PTR_NULL(hit);
    sub = xasprintf("%s/server[2]", tree);
    TE_ASSERT_INT_EQ(augtree_find_value(t, sub, "server", "b", &hit), -1);
    CU_ASSERT_EQUAL(augtree_set(t, sub, "c"), 0);
    want = xasprintf("%s/server[2]", tree);
    TE_ASSERT_INT_EQ(augtree_find_value(t, tree, "server", "C", &hit), 0);
    TE_ASSERT_STR_EQ(hit, want);
    TE_ASSERT_INT_EQ(augtree_find_value(t, tree, "server", "b", &hit), 0);
    CU_ASSERT_PTR_NULL(hit);
    free(want);
    free(sub);
    augtree_free(t);
    msgs_free(&m);
}

/* A test's idea of a line nobody reads: "restrict WORD" and nothing else. */
static bool
restrict_word(const char *line, size_t len)
{
    size_t w = strlen("restrict ");

    if (len <= w || strncmp(line, "restrict ", w) != 0)
        return false;
    for (size_t i = w; i < len; i++)
        if (line[i] == ' ' || line[i] == '\t' || line[i] == '#')
            return false;
    return true;
}

/* Lines skipped (the inside of a run of three or more): the tree holds the first and the
 * last of the run; every span, the nodes' and the value's, is in the text as given, CR
 * included; a parse error after a run names the line of the text as given; the tree
 * cannot be rendered (it lacks lines); another lens is parsed whole. */
static void
test_augtree_skip_lines(void)
{
    struct msgs m = { 0 };
    struct augtree *t = augtree_new(te_lens_dir, &m);
    const char *text = "# h\r\nrestrict a\r\nrestrict b\r\nrestrict c\r\nrestrict d\r\n"
                       "server s.example iburst\r\nrestrict e\nrestrict f\nrestrict g\n"
                       "restrict h\nrestrict i";
    const char *bad = "restrict a\nrestrict b\nrestrict c\nrestrict d\nrestrict e\n"
                      "} x\n";
    const char *want[] = { "# h\r\n", "restrict a\r\n", "restrict d\r\n",
                           "server s.example iburst\r\n", "restrict e\n", "restrict i" };
    const char *tree;
    const struct augnodes *k;
    struct strv nodes = { 0 };
    struct strbuf out;
    size_t s, e;
    char *sp;

    CU_ASSERT_PTR_NOT_NULL_FATAL(t);
    augtree_skip_lines(t, "Tentp_ntp.lns", restrict_word);
    tree = augtree_parse(t, "Tentp_ntp.lns", "runs", text, &m);
    CU_ASSERT_PTR_NOT_NULL_FATAL(tree);
    k = augtree_children(t, tree);
    CU_ASSERT_PTR_NOT_NULL_FATAL(k);
    TE_ASSERT_INT_EQ(k->n, 6);
    for (size_t i = 0; i < k->n && i < 6; i++) {
        sp = xasprintf("%.*s", (int)(k->v[i].end - k->v[i].start), text + k->v[i].start);
        TE_ASSERT_STR_EQ(sp, want[i]);
        free(sp);
    }
    CU_ASSERT_EQUAL(match(t, tree, "restrict", &nodes), 4);
    strv_free(&nodes);
    CU_ASSERT_EQUAL(match(t, tree, "server", &nodes), 1);
    CU_ASSERT_EQUAL_FATAL(nodes.n, 1);
    sp = span_text(t, nodes.v[0], text);                    /* Augeas's span, mapped */
    TE_ASSERT_STR_EQ(sp, "server s.example iburst\r\n");
    free(sp);
    CU_ASSERT_EQUAL(augtree_value_span(t, nodes.v[0], &s, &e), 0);
    sp = xasprintf("%.*s", (int)(e - s), text + s);
    TE_ASSERT_STR_EQ(sp, "s.example");
    free(sp);
    strv_free(&nodes);
    CU_ASSERT_EQUAL(match(t, tree, "restrict[last()]", &nodes), 1);
    CU_ASSERT_EQUAL_FATAL(nodes.n, 1);
    sp = span_text(t, nodes.v[0], text);
    TE_ASSERT_STR_EQ(sp, "restrict i");
    free(sp);
    strv_free(&nodes);
    sb_init(&out);
    CU_ASSERT_EQUAL(augtree_render(t, tree, &out, &m), -1);
    TE_ASSERT_INT_EQ(m.errors.n, 1);
    sb_free(&out);
    msgs_free(&m);
    memset(&m, 0, sizeof(m));
    CU_ASSERT_PTR_NULL(augtree_parse(t, "Tentp_ntp.lns", "/etc/ntp.conf", bad, &m));
    TE_ASSERT_INT_EQ(m.errors.n, 1);
    if (m.errors.n == 1)
        TE_ASSERT_CONTAINS(m.errors.v[0], "/etc/ntp.conf:6:");
    msgs_free(&m);
    memset(&m, 0, sizeof(m));
    tree = augtree_parse(t, "Tentp_chrony.lns", "chrony", "restrict a\nrestrict b\n"
                         "restrict c\n", &m);
    CU_ASSERT_PTR_NOT_NULL_FATAL(tree);
    k = augtree_children(t, tree);
    CU_ASSERT_PTR_NOT_NULL_FATAL(k);
    TE_ASSERT_INT_EQ(k->n, 3);
    augtree_free(t);
    msgs_free(&m);
}

/* The watched-children answer (augtree_watch_children) is Augeas's: over 300 trees of
 * varied lines (more than a group of 256, so two questions to Augeas), the cached match of
 * sources with an nts or key child gives the paths Augeas gives for the same test written
 * so that augtree must ask it; and after an edit, the edited tree's answer follows it. */
static void
test_augtree_watched_children_match_augeas(void)
{
    static const char *const auth[] = { "nts", "key", NULL };
    static const char *const lines[] = {
        "server a.example iburst\n", "server b.example nts\n", "pool p.example key 5\n",
        "peer q.example key 2 iburst\n", "# server c nts\n", "server nts.example\n",
        "server key.example minpoll 4\n", "SERVER d.example NTS\n", "makestep 1 3\n",
        "server e.example iburst nts maxsources 2\n", "pool f.example\n", "\n",
        "keyfile /etc/chrony/chrony.keys\n", "ntsdumpdir /var/lib/chrony\n",
        "server g.example key 7 # note\n", "peer h.example\n",
    };
    const char *test = "label() = 'server' or label() = 'pool' or label() = 'peer'";
    struct msgs m = { 0 };
    struct augtree *t = augtree_new(te_lens_dir, &m);
    struct strv trees = { 0 };
    size_t n_lines = sizeof(lines) / sizeof(lines[0]), hits = 0;
    unsigned seed = 14;

    CU_ASSERT_PTR_NOT_NULL_FATAL(t);
    augtree_fold_keywords(t, "Tentp_chrony.lns", chrony_sources);
    augtree_watch_children(t, "Tentp_chrony.lns", auth);
    for (size_t i = 0; i < 300; i++) {
        struct strbuf text;
        size_t n = 1 + i % 7;
        const char *tree;

        sb_init(&text);
        for (size_t j = 0; j < n; j++) {
            seed = seed * 1103515245u + 12345u;
            sb_append(&text, lines[(seed >> 16) % n_lines]);
        }
        tree = augtree_parse(t, i % 50 == 3 ? "Tentp_ntp.lns" : "Tentp_chrony.lns", "x",
                             text.buf, &m);
        CU_ASSERT_PTR_NOT_NULL_FATAL(tree);
        strv_push(&trees, tree);
        sb_free(&text);
    }
    TE_ASSERT_INT_EQ(m.errors.n, 0);
    for (size_t i = 0; i < trees.n; i++) {
        struct strv cached = { 0 }, augeas = { 0 };
        char *e1 = xasprintf("%s/*[(%s) and (nts or key)]", trees.v[i], test);
        char *e2 = xasprintf("%s/*[((%s) and (nts or key))]", trees.v[i], test);

        CU_ASSERT_EQUAL(augtree_match(t, e1, &cached), (int)cached.n);
        CU_ASSERT_EQUAL(augtree_match(t, e2, &augeas), (int)augeas.n);
        TE_ASSERT_INT_EQ(cached.n, augeas.n);
        for (size_t j = 0; j < cached.n && j < augeas.n; j++) {
            /* Augeas leaves out a lone [1] (the ntp trees are Augeas's on both sides) */
            char *a = augeas.v[j][strlen(augeas.v[j]) - 1] == ']'
                      ? xstrdup(augeas.v[j]) : xasprintf("%s[1]", augeas.v[j]);
            char *c = cached.v[j][strlen(cached.v[j]) - 1] == ']'
                      ? xstrdup(cached.v[j]) : xasprintf("%s[1]", cached.v[j]);

            TE_ASSERT_STR_EQ(c, a);
            free(a);
            free(c);
        }
        hits += cached.n;
        strv_free(&cached);
        strv_free(&augeas);
        free(e1);
        free(e2);
    }
    CU_ASSERT(hits > 100);
    {
        /* an edit after the answer was noted: the edited tree asks Augeas again */
        struct strv nodes = { 0 };
        char *node = xasprintf("%s/server[last()+1]", trees.v[5]), *nts;
        char *e1 = xasprintf("%s/*[(%s) and (nts or key)]", trees.v[5], test);
        int before;

        before = augtree_match(t, e1, &nodes);
        strv_free(&nodes);
        CU_ASSERT_EQUAL(augtree_set(t, node, "new.example"), 0);
        nts = xasprintf("%s/server[last()]/nts", trees.v[5]);
        CU_ASSERT_EQUAL(augtree_set(t, nts, NULL), 0);
        TE_ASSERT_INT_EQ(augtree_match(t, e1, &nodes), before + 1);
        strv_free(&nodes);
        free(node);
        free(nts);
        free(e1);
    }
    strv_free(&trees);
    augtree_free(t);
    msgs_free(&m);
}

/* A label that a path cannot name as it is (a section "[Time\f]": Augeas trims the blank at
 * the end of a path's name, so "TREE/Time\f[1]" is the first [Time]): each cached node is
 * still the node itself, with its own span and value, as Augeas says (the lens_timesyncd
 * fuzz target found two nodes with the same span). */
static void
test_augtree_children_odd_labels(void)
{
    struct msgs m = { 0 };
    struct augtree *t = augtree_new(te_lens_dir, &m);
    const char *text = "[Time]\nNTP=a\n[Time\f]\nNTP=b\n[Time]\nNTP=c\n";
    const char *want[] = { "[Time]\nNTP=a\n", "[Time\f]\nNTP=b\n", "[Time]\nNTP=c\n" };
    const char *tree;
    const struct augnodes *k;
    struct strv a = { 0 }, b = { 0 };
    size_t prev = 0;

    CU_ASSERT_PTR_NOT_NULL_FATAL(t);
    tree = augtree_parse(t, "Tentp_timesyncd.lns", "odd", text, &m);
    CU_ASSERT_PTR_NOT_NULL_FATAL(tree);
    k = augtree_children(t, tree);
    CU_ASSERT_PTR_NOT_NULL_FATAL(k);
    TE_ASSERT_INT_EQ(k->n, 3);
    for (size_t i = 0; i < k->n && i < 3; i++) {
        size_t s, e;
        char *sp;

        CU_ASSERT_EQUAL(augtree_span(t, k->v[i].path, &s, &e), 0);
        CU_ASSERT(s >= prev);
        prev = e;
        sp = xasprintf("%.*s", (int)(e - s), text + s);
        TE_ASSERT_STR_EQ(sp, want[i]);
        free(sp);
    }
    /* the cached paths name the nodes Augeas names */
    CU_ASSERT_EQUAL(match(t, tree, "*", &a), 3);
    for (size_t i = 0; i < a.n; i++) {
        char *expr = xasprintf("%s/NTP", a.v[i]);

        strv_free(&b);
        CU_ASSERT_EQUAL(augtree_match(t, expr, &b), 1);
        if (b.n == 1)
            TE_ASSERT_STR_EQ(augtree_get(t, b.v[0]), i == 0 ? "a" : i == 1 ? "b" : "c");
        free(expr);
    }
    strv_free(&a);
    strv_free(&b);
    augtree_free(t);
    msgs_free(&m);
}

/* plan_parse_after(p, f, lens): the planned text of f, from before and edits. */
static const char *
parse_after(struct augtree *t, const char *before, const struct text_edit *edits, size_t n,
            struct msgs *m)
{
    struct file_change f, *files[] = { &f };
    struct plan p;
    char path[] = "/etc/ntp.conf";
    const char *tree = NULL;

    memset(&p, 0, sizeof(p));
    memset(&f, 0, sizeof(f));
    p.m = m;
    p.aug = t;
    p.files = files;
    p.n_files = 1;
    f.path = path;
    f.disk_path = path;
    f.existed = true;
    sb_init(&f.before);
    sb_init(&f.after);
    sb_append(&f.before, before);
    for (size_t i = 0; i < n; i++)
        plan_edit(&f, edits[i].start, edits[i].end, edits[i].text);
    if (plan_render(&p) == 0)
        tree = plan_parse_after(&p, &f, "Tentp_ntp.lns");
    for (size_t i = 0; i < f.n_edits; i++)
        free(f.edits[i].text);
    free(f.edits);
    sb_free(&f.before);
    sb_free(&f.after);
    return tree;
}

/* The planned text is checked by the lines the edits touch, in their whole lines: a good
 * edit passes (CRLF, no final newline), an edit that breaks the line it is in is caught
 * even when its own text would parse, with the line number in the whole file. */
static void
test_plan_parse_after(void)
{
    struct msgs m = { 0 };
    struct augtree *t = augtree_new(te_lens_dir, &m);
    const char *crlf = "server a iburst\r\nrestrict default nomodify\r\n# c\r\n"
                       "driftfile /var/lib/ntp/drift";
    const char *lf = "server a iburst\nrestrict default nomodify\n# c\ndriftfile /x\n";
    char comment[] = "#", nl[] = "\n", added[] = "server b iburst\n", blank[] = "",
         brace[] = "} ";
    const struct text_edit good[] = {
        { 0, 0, comment, 0 }, { 77, 77, nl, 0 }, { 77, 77, added, 0 },
    };
    /* "driftfile " goes, "/x" stays: no text alone would parse */
    const struct text_edit joins[] = { { 46, 56, blank, 0 } };
    const struct text_edit breaks[] = { { 16, 16, brace, 0 } };   /* line 2 */

    CU_ASSERT_PTR_NOT_NULL_FATAL(t);
    CU_ASSERT_PTR_NOT_NULL(parse_after(t, crlf, good, 3, &m));
    TE_ASSERT_INT_EQ(m.errors.n, 0);
    CU_ASSERT_PTR_NULL(parse_after(t, lf, breaks, 1, &m));
    TE_ASSERT_INT_EQ(m.errors.n, 1);
    if (m.errors.n == 1)
        TE_ASSERT_CONTAINS(m.errors.v[0], "/etc/ntp.conf:2:");
    msgs_free(&m);
    memset(&m, 0, sizeof(m));
    CU_ASSERT_PTR_NULL(parse_after(t, lf, joins, 1, &m));
    TE_ASSERT_INT_EQ(m.errors.n, 1);
    if (m.errors.n == 1)
        TE_ASSERT_CONTAINS(m.errors.v[0], "/etc/ntp.conf:4:");
    augtree_free(t);
    msgs_free(&m);
}

static const struct te_test augtree_tests[] = {
    TE_TEST(test_augtree_crlf_spans),
    TE_TEST(test_augtree_no_final_newline),
    TE_TEST(test_augtree_fold_keywords),
    TE_TEST(test_augtree_children_match_augeas),
    TE_TEST(test_augtree_find_value),
    TE_TEST(test_augtree_skip_lines),
    TE_TEST(test_augtree_children_odd_labels),
    TE_TEST(test_augtree_watched_children_match_augeas),
    TE_TEST(test_plan_parse_after),
    TE_TESTS_END,
};

static const struct te_suite suites[] = {
    { "augtree", augtree_tests },
    TE_SUITES_END,
};

TE_CUNIT_MAIN_SETUP(suites, te_find_lenses)
