/* SPDX-License-Identifier: Apache-2.0 */
/* test_plan: the plan of a run (plan.c): files opened once through their lens, edits of the
 * original text rendered in place (every other byte kept, CRLF kept, overlaps refused), and
 * the plan of a fixture root, which writes nothing. */
#include "config.h"

#include <limits.h>
#include <string.h>

#include "alloc.h"
#include "augtree.h"
#include "backend.h"
#include "hostinfo.h"
#include "msgs.h"
#include "paths.h"
#include "plan.h"
#include "settings.h"
#include "spawn.h"
#include "strv.h"
#include "cunit_main.h"

static char fixtures_dir[PATH_MAX];
static char lens_dir[PATH_MAX];

/* make check exports top_srcdir and TE_NTP_SETUP_LENSDIR. */
static int
find_sources(void)
{
    const char *top = getenv("top_srcdir");
    const char *lens = getenv("TE_NTP_SETUP_LENSDIR");

    if (!top || !*top)
        top = "..";
    snprintf(fixtures_dir, sizeof(fixtures_dir), "%s/tests/fixtures", top);
    snprintf(lens_dir, sizeof(lens_dir), "%s", lens && *lens ? lens : "");
    if (!*lens_dir)
        snprintf(lens_dir, sizeof(lens_dir), "%s/lenses", top);
    if (!is_dir(fixtures_dir) || !is_dir(lens_dir))
        te_skip_program("the fixtures or lenses were not found: set top_srcdir");
    return 0;
}

/* A plan over root for implementation (NULL: detected). */
struct planned {
    struct settings s;
    struct msgs m;
    struct hostinfo host;
    struct augtree *aug;
    const struct ntp_backend *b;
    struct plan p;
};

static void
planned_init(struct planned *x, const char *root, const char *impl)
{
    memset(x, 0, sizeof(*x));
    settings_init(&x->s);
    x->s.root = xstrdup(root);
    if (impl)
        x->s.implementation = xstrdup(impl);
    settings_add_source(&x->s, SOURCE_SERVER, "ntp1.example.com");
    TE_ASSERT_INT_EQ(settings_finish(&x->s, &x->m), 0);
    hostinfo_read(&x->host, root, &x->m);
    x->b = backend_choose(x->s.implementation, &x->host, &x->m);
    CU_ASSERT_PTR_NOT_NULL_FATAL(x->b);
    x->aug = augtree_new(lens_dir, &x->m);
    CU_ASSERT_PTR_NOT_NULL_FATAL(x->aug);
    plan_init(&x->p, &x->s, &x->host, x->b, x->aug, &x->m);
}

static void
planned_free(struct planned *x)
{
    plan_free(&x->p);
    augtree_free(x->aug);
    hostinfo_free(&x->host);
    msgs_free(&x->m);
    settings_free(&x->s);
}

/* A root in the test's directory with /etc/chrony/chrony.conf holding text. */
static char *
chrony_root(const char *text)
{
    char *root = te_path(te_tmpdir(), "root");
    char *etc = te_path(root, "etc");
    char *dir = te_path(etc, "chrony");
    char *conf = te_path(dir, "chrony.conf");
    FILE *f;

    CU_ASSERT_FATAL(mkdir(root, 0755) == 0 && mkdir(etc, 0755) == 0 && mkdir(dir, 0755) == 0);
    f = fopen(conf, "w");
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    fputs(text, f);
    fclose(f);
    free(conf);
    free(dir);
    free(etc);
    return root;
}

/* text with its only occurrence of from replaced by to, newly allocated. */
static char *
swap_once(const char *text, const char *from, const char *to)
{
    const char *at = strstr(text, from);
    struct strbuf sb;

    te_assert_msg(at && !strstr(at + 1, from), __LINE__, __FILE__, true,
                  "\"%s\" is not in the text exactly once", from);
    sb_init(&sb);
    sb_append_len(&sb, text, (size_t)(at - text));
    sb_append(&sb, to);
    sb_append(&sb, at + strlen(from));
    return sb_steal(&sb);
}

/* The same path twice is one entry; a missing file is NULL without an error unless asked
 * to be created (then an empty new file). */
static void
test_plan_open_file(void)
{
    char *root = chrony_root("pool 2.debian.pool.ntp.org iburst\n");
    struct planned x;
    struct file_change *f, *again, *missing, *created;
    bool failed = false;

    planned_init(&x, root, "chrony");
    f = plan_open_file(&x.p, "/etc/chrony/chrony.conf", false, &failed);
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    CU_ASSERT_FALSE(failed);
    CU_ASSERT_TRUE(f->existed);
    TE_ASSERT_STR_EQ(f->before.buf, "pool 2.debian.pool.ntp.org iburst\n");
    again = plan_open_file(&x.p, "/etc/chrony/chrony.conf", false, &failed);
    CU_ASSERT_PTR_EQUAL(again, f);
    missing = plan_open_file(&x.p, "/etc/chrony/conf.d/none.conf", false, &failed);
    CU_ASSERT_PTR_NULL(missing);
    CU_ASSERT_FALSE(failed);
    TE_ASSERT_INT_EQ(x.m.errors.n, 0);
    created = plan_open_file(&x.p, "/etc/chrony/conf.d/new.conf", true, &failed);
    CU_ASSERT_PTR_NOT_NULL_FATAL(created);
    CU_ASSERT_FALSE(created->existed);
    TE_ASSERT_INT_EQ(created->before.len, 0);
    TE_ASSERT_INT_EQ(x.p.n_files, 2);
    /* nothing changes until edits or generated text say so */
    TE_ASSERT_INT_EQ(plan_render(&x.p), 0);
    TE_ASSERT_INT_EQ(plan_changed_count(&x.p), 0);
    planned_free(&x);
    free(root);
}

/* Edits replace exactly their bytes; insertions at one place keep the order they were made
 * in; a file without edits renders as it was. */
static void
test_plan_render_edits(void)
{
    const char *text = "# head\npool a.example.org iburst\nmakestep 1 3\n";
    char *root = chrony_root(text);
    struct planned x;
    struct file_change *f;
    bool failed = false;
    size_t at;

    planned_init(&x, root, "chrony");
    f = plan_open_file(&x.p, "/etc/chrony/chrony.conf", false, &failed);
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    at = (size_t)(strstr(text, "pool") - text);
    plan_edit(f, at, at + strlen("pool a.example.org iburst\n"), "#pool a.example.org iburst\n");
    plan_edit(f, at, at, "server ntp1.example.com iburst\n");
    plan_edit(f, at, at, "server ntp2.example.com iburst\n");
    TE_ASSERT_INT_EQ(plan_render(&x.p), 0);
    TE_ASSERT_STR_EQ(f->after.buf, "# head\n"
                                   "server ntp1.example.com iburst\n"
                                   "server ntp2.example.com iburst\n"
                                   "#pool a.example.org iburst\n"
                                   "makestep 1 3\n");
    CU_ASSERT_TRUE(file_change_differs(f));
    TE_ASSERT_INT_EQ(plan_changed_count(&x.p), 1);
    /* the original is untouched on disk: planning writes nothing */
    {
        char *conf = te_path(root, "etc/chrony/chrony.conf");
        struct strbuf sb;

        sb_init(&sb);
        CU_ASSERT(read_file(conf, 1 << 16, &sb) >= 0);
        TE_ASSERT_STR_EQ(sb.buf, text);
        sb_free(&sb);
        free(conf);
    }
    planned_free(&x);
    free(root);
}

/* A file with CRLF line ends gets its inserted lines with CRLF too. */
static void
test_plan_render_keeps_crlf(void)
{
    char *root = chrony_root("pool a.example.org iburst\r\nmakestep 1 3\r\n");
    struct planned x;
    struct file_change *f;
    bool failed = false;

    planned_init(&x, root, "chrony");
    f = plan_open_file(&x.p, "/etc/chrony/chrony.conf", false, &failed);
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    plan_edit(f, 0, 0, "server ntp1.example.com iburst\n");
    TE_ASSERT_INT_EQ(plan_render(&x.p), 0);
    TE_ASSERT_STR_EQ(f->after.buf, "server ntp1.example.com iburst\r\n"
                                   "pool a.example.org iburst\r\nmakestep 1 3\r\n");
    planned_free(&x);
    free(root);
}

/* Overlapping edits are an internal error, reported, and nothing is rendered as done. */
static void
test_plan_render_refuses_overlap(void)
{
    char *root = chrony_root("pool a.example.org iburst\nmakestep 1 3\n");
    struct planned x;
    struct file_change *f;
    bool failed = false;

    planned_init(&x, root, "chrony");
    f = plan_open_file(&x.p, "/etc/chrony/chrony.conf", false, &failed);
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    plan_edit(f, 0, 10, "x\n");
    plan_edit(f, 5, 12, "y\n");
    TE_ASSERT_INT_EQ(plan_render(&x.p), -1);
    TE_ASSERT_INT_EQ(x.m.errors.n, 1);
    if (x.m.errors.n)
        TE_ASSERT_CONTAINS(x.m.errors.v[0], "chrony.conf: internal error: overlapping edits");
    planned_free(&x);
    free(root);
}

/* The plan of Debian 12's ntpsec for one server: ntpsec detected, its one file changed, the
 * server added after the four pools disabled with a note, minsane lowered to the one
 * source with a note, every other byte kept. */
static void
test_plan_fixture_ntpsec(void)
{
    char *root = te_path(fixtures_dir, "debian12-ntpsec");
    struct planned x;
    const struct file_change *conf = NULL;

    planned_init(&x, root, NULL);
    TE_ASSERT_STR_EQ(x.b->name, "ntpsec");
    TE_ASSERT_INT_EQ(x.b->plan(&x.p), 0);
    TE_ASSERT_INT_EQ(x.m.errors.n, 0);
    TE_ASSERT_STR_EQ(x.p.service, "ntpsec");
    for (size_t i = 0; i < x.p.n_files; i++) {
        if (strcmp(x.p.files[i]->path, "/etc/ntpsec/ntp.conf") == 0)
            conf = x.p.files[i];
        else
            te_assert_msg(!file_change_differs(x.p.files[i]), __LINE__, __FILE__, false,
                          "%s changes too", x.p.files[i]->path);
    }
    if (!conf) {
        CU_FAIL("the plan has no /etc/ntpsec/ntp.conf");
        planned_free(&x);
        free(root);
        return;
    }
    TE_ASSERT_INT_EQ(plan_changed_count(&x.p), 1);
    CU_ASSERT_TRUE(conf->existed);
    {
        /* the expected text: the fixture's, with exactly these lines changed */
        char *want = xstrdup(conf->before.buf), *next;

        next = swap_once(want, "\ntos minclock 4 minsane 3\n",
                         "\n# te-ntp-setup lowered minsane to the 1 configured source (ntpd "
                         "never synchronizes with fewer), was: tos minclock 4 minsane 3\n"
                         "tos minclock 4 minsane 1\n");
        free(want);
        want = next;
        for (int i = 0; i < 4; i++) {
            char *from = xasprintf("\npool %d.debian.pool.ntp.org iburst\n", i);
            char *to = xasprintf("\n# te-ntp-setup (replace mode) disabled: pool "
                                 "%d.debian.pool.ntp.org iburst\n%s", i,
                                 i == 3 ? "server ntp1.example.com iburst\n" : "");

            next = swap_once(want, from, to);
            free(want);
            want = next;
            free(from);
            free(to);
        }
        TE_ASSERT_STR_EQ(conf->after.buf, want);
        free(want);
    }
    planned_free(&x);
    free(root);
}

static const struct te_test plan_tests[] = {
    TE_TEST(test_plan_open_file),
    TE_TEST(test_plan_render_edits),
    TE_TEST(test_plan_render_keeps_crlf),
    TE_TEST(test_plan_render_refuses_overlap),
    TE_TEST(test_plan_fixture_ntpsec),
    TE_TESTS_END,
};

static const struct te_suite suites[] = {
    { "plan", plan_tests },
    TE_SUITES_END,
};

TE_CUNIT_MAIN_SETUP(suites, find_sources)
