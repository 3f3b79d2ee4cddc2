/* SPDX-License-Identifier: Apache-2.0 */
/* test_apply: carrying out a plan (apply.c) on a copy of a fixture root (files only, no
 * service): a dry run writes nothing, a run writes exactly the planned text, the next run
 * has nothing to change, and a file changed on disk after it was read is not overwritten. */
#include "config.h"

#include <limits.h>
#include <string.h>

#include "alloc.h"
#include "apply.h"
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

#define CONF "/etc/chrony/chrony.conf"

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

/* A copy of the fixture root name in the test's directory (cp -a through spawn_run). */
static char *
copy_fixture(const char *name)
{
    char *src = te_path(fixtures_dir, name);
    char *dst = te_path(te_tmpdir(), name);
    const char *argv[] = { "/bin/cp", "-a", src, dst, NULL };
    struct spawn_result res;
    int rc = spawn_run(argv, NULL, 30000, &res);

    te_assert_msg(rc == 0, __LINE__, __FILE__, true, "cp -a %s %s: %s", src, dst, res.err.buf);
    spawn_result_free(&res);
    free(src);
    return dst;
}

/* The text of abs under root, newly allocated ("" when missing). */
static char *
text_of(const char *root, const char *abs)
{
    char *path = root_path(root, abs);
    struct strbuf sb;

    sb_init(&sb);
    if (read_file(path, 1 << 20, &sb) < 0)
        sb_reset(&sb);
    free(path);
    return sb_steal(&sb);
}

static void
write_text(const char *root, const char *abs, const char *text)
{
    char *path = root_path(root, abs);
    FILE *f = fopen(path, "w");

    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    fputs(text, f);
    fclose(f);
    free(path);
}

/* One run: settings for one server, the plan, and what apply_run made of it. */
struct run {
    struct settings s;
    struct msgs m;
    struct hostinfo host;
    struct augtree *aug;
    struct plan p;
    struct strv actions;
};

/* Plan the run on root (dry: a dry run); the plan's return value. */
static int
run_plan(struct run *r, const char *root, bool dry)
{
    const struct ntp_backend *b;

    memset(r, 0, sizeof(*r));
    settings_init(&r->s);
    r->s.root = xstrdup(root);
    r->s.dry_run = dry;
    settings_add_source(&r->s, SOURCE_SERVER, "ntp1.example.com");
    TE_ASSERT_INT_EQ(settings_finish(&r->s, &r->m), 0);
    hostinfo_read(&r->host, root, &r->m);
    CU_ASSERT_FALSE(r->host.live);
    b = backend_choose(NULL, &r->host, &r->m);
    CU_ASSERT_PTR_EQUAL_FATAL(b, &backend_chrony);
    r->aug = augtree_new(lens_dir, &r->m);
    CU_ASSERT_PTR_NOT_NULL_FATAL(r->aug);
    plan_init(&r->p, &r->s, &r->host, b, r->aug, &r->m);
    return b->plan(&r->p);
}

static void
run_free(struct run *r)
{
    plan_free(&r->p);
    augtree_free(r->aug);
    hostinfo_free(&r->host);
    strv_free(&r->actions);
    msgs_free(&r->m);
    settings_free(&r->s);
}

/* The planned text of abs, newly allocated; NULL when the plan does not change it. */
static char *
planned_text(const struct run *r, const char *abs)
{
    for (size_t i = 0; i < r->p.n_files; i++)
        if (strcmp(r->p.files[i]->path, abs) == 0 && file_change_differs(r->p.files[i]))
            return xstrdup(r->p.files[i]->after.buf);
    return NULL;
}

/* A dry run says it would change, and writes nothing: not the file, not a journal. */
static void
test_apply_dry_run_writes_nothing(void)
{
    char *root = copy_fixture("debian-12");
    char *before = text_of(root, CONF), *after, *journal, *planned;
    struct run r;

    TE_ASSERT_INT_EQ(run_plan(&r, root, true), 0);
    planned = planned_text(&r, CONF);
    CU_ASSERT_PTR_NOT_NULL(planned);
    free(planned);
    TE_ASSERT_INT_EQ(apply_run(&r.p, &r.actions), APPLY_CHANGED);
    after = text_of(root, CONF);
    TE_ASSERT_STR_EQ(after, before);
    journal = root_path(root, "/var/lib/te-ntp-setup");
    CU_ASSERT_FALSE(path_exists(journal));
    TE_ASSERT_INT_EQ(r.m.errors.n, 0);
    free(journal);
    free(after);
    free(before);
    run_free(&r);
    free(root);
}

/* A run writes exactly the planned text and keeps a journal of it; the next run has
 * nothing to change and leaves the file as it is (same inode). */
static void
test_apply_writes_plan_then_unchanged(void)
{
    char *root = copy_fixture("debian-12");
    char *conf = root_path(root, CONF);
    char *want, *got, *journal;
    struct stat st1, st2;
    struct run r;

    TE_ASSERT_INT_EQ(run_plan(&r, root, false), 0);
    want = planned_text(&r, CONF);
    CU_ASSERT_PTR_NOT_NULL_FATAL(want);
    TE_ASSERT_INT_EQ(apply_run(&r.p, &r.actions), APPLY_CHANGED);
    TE_ASSERT_INT_EQ(r.m.errors.n, 0);
    got = text_of(root, CONF);
    TE_ASSERT_STR_EQ(got, want);
    journal = root_path(root, "/var/lib/te-ntp-setup");
    CU_ASSERT_TRUE(is_dir(journal));
    run_free(&r);

    CU_ASSERT_FATAL(stat(conf, &st1) == 0);
    TE_ASSERT_INT_EQ(run_plan(&r, root, false), 0);
    TE_ASSERT_INT_EQ(plan_changed_count(&r.p), 0);
    TE_ASSERT_INT_EQ(apply_run(&r.p, &r.actions), APPLY_UNCHANGED);
    CU_ASSERT_FATAL(stat(conf, &st2) == 0);
    TE_ASSERT_INT_EQ(st2.st_ino, st1.st_ino);
    free(got);
    got = text_of(root, CONF);
    TE_ASSERT_STR_EQ(got, want);
    run_free(&r);
    free(journal);
    free(got);
    free(want);
    free(conf);
    free(root);
}

/* Someone edits the file between the plan and the write: the run fails, says so, and the
 * edit stays; nothing else was written. */
static void
test_apply_keeps_concurrent_edit(void)
{
    char *root = copy_fixture("debian-12");
    const char *edit = "server 192.0.2.99 iburst\n";
    char *got;
    struct run r;
    enum apply_status st;

    TE_ASSERT_INT_EQ(run_plan(&r, root, false), 0);
    write_text(root, CONF, edit);
    st = apply_run(&r.p, &r.actions);
    CU_ASSERT(st == APPLY_FAILED_RESTORED);
    TE_ASSERT_INT_EQ(r.m.errors.n, 1);
    if (r.m.errors.n)
        TE_ASSERT_CONTAINS(r.m.errors.v[0], "/etc/chrony/chrony.conf: changed by someone else "
                           "since it was read; nothing written");
    got = text_of(root, CONF);
    TE_ASSERT_STR_EQ(got, edit);
    free(got);
    run_free(&r);
    free(root);
}

static const struct te_test apply_tests[] = {
    TE_TEST(test_apply_dry_run_writes_nothing),
    TE_TEST(test_apply_writes_plan_then_unchanged),
    TE_TEST(test_apply_keeps_concurrent_edit),
    TE_TESTS_END,
};

static const struct te_suite suites[] = {
    { "apply", apply_tests },
    TE_SUITES_END,
};

TE_CUNIT_MAIN_SETUP(suites, find_sources)
