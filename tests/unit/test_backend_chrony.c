/* SPDX-License-Identifier: Apache-2.0 */
/* test_chrony_plan: the chrony backend on copies of the fixture roots, driven the way
 * main.c's run_apply drives it (hostinfo, backend, Augeas, plan, apply with a root). */
#include "config.h"

#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

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

#include "cunit_main.h"
#include "strbuf.h"
#include "strv.h"

#define DISABLED "# te-ntp-setup (replace mode) disabled: "
#define MAKESTEP_ADDED \
    "# Step the clock when it is off by more than 1 s in the first 3 updates (added by " \
    "te-ntp-setup)\nmakestep 1.0 3\n"

static char fixtures_dir[PATH_MAX];
static char lens_dir[PATH_MAX];

/* Where the fixtures and lenses are: make check exports top_srcdir and
 * TE_NTP_SETUP_LENSDIR; run by hand from the build directory, ".." is the source tree. */
static int
find_sources(void)
{
    const char *top = getenv("top_srcdir");
    const char *lens = getenv("TE_NTP_SETUP_LENSDIR");

    if (!top || !*top)
        top = "..";
    snprintf(fixtures_dir, sizeof(fixtures_dir), "%s/tests/fixtures", top);
    if (lens && *lens)
        snprintf(lens_dir, sizeof(lens_dir), "%s", lens);
    else
        snprintf(lens_dir, sizeof(lens_dir), "%s/lenses", top);
    if (!is_dir(fixtures_dir) || !is_dir(lens_dir)) {
        fprintf(stderr, "no fixtures (%s) or lenses (%s): set top_srcdir\n", fixtures_dir,
                lens_dir);
        te_skip_program("the source tree was not found");
    }
    return 0;
}

/* Copy the fixture root name into a new directory in the test's directory (cp -a, run
 * through spawn_run); the copy's path, newly allocated. */
static char *
copy_fixture(const char *name)
{
    static unsigned copies;
    char *src = te_path(fixtures_dir, name);
    char *dst = xasprintf("%s/%u-%s", te_tmpdir(), copies++, name);
    const char *argv[] = { "/bin/cp", "-a", src, dst, NULL };
    struct spawn_result res;
    int rc = spawn_run(argv, NULL, 30000, &res);

    te_assert_msg(rc == 0, __LINE__, __FILE__, true, "cp -a %s %s: %s", src, dst, res.err.buf);
    spawn_result_free(&res);
    free(src);
    return dst;
}

/* The text of abs (a path on the target) under root, newly allocated; NULL when missing. */
static char *
target_text(const char *root, const char *abs)
{
    char *path = root_path(root, abs);
    struct strbuf sb;

    sb_init(&sb);
    if (read_file(path, 1 << 22, &sb) < 0) {
        sb_free(&sb);
        free(path);
        return NULL;
    }
    free(path);
    return sb_steal(&sb);
}

/* The text of the fixture's own (pristine) copy of abs. */
static char *
fixture_text(const char *name, const char *abs)
{
    char *root = te_path(fixtures_dir, name);
    char *text = target_text(root, abs);

    free(root);
    return text;
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

/* The names in a directory under root, sorted and joined with spaces, newly allocated. */
static char *
list_dir(const char *root, const char *abs)
{
    char *path = root_path(root, abs);
    struct dirent **names = NULL;
    int n = scandir(path, &names, NULL, alphasort);
    struct strbuf sb;

    sb_init(&sb);
    for (int i = 0; i < n; i++) {
        if (strcmp(names[i]->d_name, ".") && strcmp(names[i]->d_name, ".."))
            sb_printf(&sb, "%s%s", sb.len ? " " : "", names[i]->d_name);
        free(names[i]);
    }
    free(names);
    free(path);
    return sb_steal(&sb);
}

/* ---- one run of the tool, as run_apply does it --------------------------------------- */

struct run {
    struct settings s;
    struct msgs m;
    struct hostinfo host;
    struct augtree *aug;
    const struct ntp_backend *b;
    struct plan plan;
    bool planned;
    int plan_rc;
    enum apply_status status;
    struct strv actions;
};

static void
run_init(struct run *r, const char *root, enum sync_mode mode)
{
    memset(r, 0, sizeof(*r));
    settings_init(&r->s);
    r->s.root = xstrdup(root);
    r->s.mode = mode;
    r->plan_rc = -1;
    r->status = APPLY_FAILED_RESTORED;
}

static struct source *
run_add(struct run *r, enum source_kind kind, const char *host)
{
    return settings_add_source(&r->s, kind, host);
}

/* Plan, then (when apply is true and the plan worked) apply. The plan's return value. */
static int
run_go(struct run *r, bool apply)
{
    TE_ASSERT_INT_EQ(settings_finish(&r->s, &r->m), 0);
    hostinfo_read(&r->host, r->s.root, &r->m);
    CU_ASSERT_FALSE(r->host.live);
    r->b = backend_choose(r->s.implementation, &r->host, &r->m);
    CU_ASSERT_PTR_EQUAL(r->b, &backend_chrony);
    if (!r->b)
        return -1;
    r->aug = augtree_new(lens_dir, &r->m);
    CU_ASSERT_PTR_NOT_NULL(r->aug);
    if (!r->aug)
        return -1;
    plan_init(&r->plan, &r->s, &r->host, r->b, r->aug, &r->m);
    r->planned = true;
    r->plan_rc = r->b->plan(&r->plan);
    if (r->plan_rc == 0 && apply)
        r->status = apply_run(&r->plan, &r->actions);
    return r->plan_rc;
}

static void
run_free(struct run *r)
{
    if (r->planned)
        plan_free(&r->plan);
    augtree_free(r->aug);
    hostinfo_free(&r->host);
    strv_free(&r->actions);
    msgs_free(&r->m);
    settings_free(&r->s);
}

/* Show the run's errors when it failed unexpectedly. */
static void
assert_no_errors(const struct run *r)
{
    for (size_t i = 0; i < r->m.errors.n; i++)
        te_assert_msg(false, __LINE__, __FILE__, false, "error: %s", r->m.errors.v[i]);
}

/* The sources most tests ask for. */
static void
two_servers(struct run *r)
{
    run_add(r, SOURCE_SERVER, "ntp1.example.net");
    run_add(r, SOURCE_SERVER, "ntp2.example.net");
}

/* Apply the two usual servers to root; the apply must change something. */
static void
apply_two_servers(const char *root, enum sync_mode mode)
{
    struct run r;

    run_init(&r, root, mode);
    two_servers(&r);
    TE_ASSERT_INT_EQ(run_go(&r, true), 0);
    TE_ASSERT_INT_EQ(r.status, APPLY_CHANGED);
    assert_no_errors(&r);
    run_free(&r);
}

/* A second run with the same sources (added by add) plans no change and writes nothing. */
static void
assert_second_run_unchanged(const char *root, enum sync_mode mode, void (*add)(struct run *),
                            const char *file)
{
    struct run r;
    char *before = target_text(root, file), *after;

    run_init(&r, root, mode);
    add(&r);
    TE_ASSERT_INT_EQ(run_go(&r, true), 0);
    TE_ASSERT_INT_EQ(plan_changed_count(&r.plan), 0);
    TE_ASSERT_INT_EQ(r.status, APPLY_UNCHANGED);
    TE_ASSERT_INT_EQ(r.actions.n, 0);
    assert_no_errors(&r);
    after = target_text(root, file);
    TE_ASSERT_STR_EQ(after, before);
    free(before);
    free(after);
    run_free(&r);
}

/* ---- the tests ----------------------------------------------------------------------- */

static void
test_chrony_plan_debian12(void)
{
    char *root = copy_fixture("debian-12");
    char *orig = fixture_text("debian-12", "/etc/chrony/chrony.conf");
    char *expected = swap_once(orig, "\npool 2.debian.pool.ntp.org iburst\n",
                               "\n" DISABLED "pool 2.debian.pool.ntp.org iburst\n");
    char *main_text, *sources, *listing, *want;
    struct run r;

    run_init(&r, root, MODE_REPLACE);
    two_servers(&r);
    TE_ASSERT_INT_EQ(run_go(&r, true), 0);
    assert_no_errors(&r);
    TE_ASSERT_INT_EQ(r.status, APPLY_CHANGED);
    TE_ASSERT_INT_EQ(plan_changed_count(&r.plan), 2);
    TE_ASSERT_STR_EQ(r.plan.service, "chrony");
    /* The main file changed as well: a reload of the sources is not enough. */
    TE_ASSERT_INT_EQ(r.plan.activation, ACTION_RESTART);

    /* The main file: the pool line commented with the note, every other byte as it was. */
    main_text = target_text(root, "/etc/chrony/chrony.conf");
    TE_ASSERT_STR_EQ(main_text, expected);

    /* The sources: the tool's own file in the sourcedir, the header and the two lines. */
    sources = target_text(root, "/etc/chrony/sources.d/te-ntp-setup.sources");
    CU_ASSERT_PTR_NOT_NULL_FATAL(sources);
    CU_ASSERT_EQUAL(strncmp(sources, "# Managed by te-ntp-setup", 25), 0);
    TE_ASSERT_STR_EQ(strchr(sources, '\n') + 1,
                     "server ntp1.example.net iburst\nserver ntp2.example.net iburst\n");

    /* Nothing else in the directories, no temporary files. */
    listing = list_dir(root, "/etc/chrony/sources.d");
    TE_ASSERT_STR_EQ(listing, "README te-ntp-setup.sources");
    free(listing);
    listing = list_dir(root, "/etc/chrony");
    TE_ASSERT_STR_EQ(listing, "chrony.conf chrony.keys conf.d sources.d");
    free(listing);

    /* What was done, as the report lists it. */
    want = xasprintf("changed %s/etc/chrony/chrony.conf", root);
    CU_ASSERT_TRUE(strv_contains(&r.actions, want));
    free(want);
    want = xasprintf("created %s/etc/chrony/sources.d/te-ntp-setup.sources", root);
    CU_ASSERT_TRUE(strv_contains(&r.actions, want));
    free(want);
    TE_ASSERT_INT_EQ(r.actions.n, 2);

    run_free(&r);
    free(sources);
    free(main_text);
    free(expected);
    free(orig);
    free(root);
}

static void
test_chrony_plan_rhel9(void)
{
    char *root = copy_fixture("rhel-9");
    char *orig = fixture_text("rhel-9", "/etc/chrony.conf");
    char *expected = swap_once(orig, "\npool 2.rhel.pool.ntp.org iburst\n",
                               "\n" DISABLED "pool 2.rhel.pool.ntp.org iburst\n"
                               "server ntp1.example.net iburst\n"
                               "server ntp2.example.net iburst\n");
    char *text, *listing;
    struct run r;

    run_init(&r, root, MODE_REPLACE);
    two_servers(&r);
    TE_ASSERT_INT_EQ(run_go(&r, true), 0);
    assert_no_errors(&r);
    TE_ASSERT_INT_EQ(r.status, APPLY_CHANGED);
    TE_ASSERT_INT_EQ(plan_changed_count(&r.plan), 1);
    TE_ASSERT_STR_EQ(r.plan.service, "chronyd");
    TE_ASSERT_INT_EQ(r.plan.activation, ACTION_RESTART);

    /* The servers right after the commented pool; makestep was there already. */
    text = target_text(root, "/etc/chrony.conf");
    TE_ASSERT_STR_EQ(text, expected);
    listing = list_dir(root, "/etc");
    TE_ASSERT_STR_EQ(listing, "chrony.conf os-release sysconfig");
    free(listing);
    run_free(&r);
    free(text);
    free(expected);
    free(orig);
    free(root);
}

static void
test_chrony_plan_alpine_makestep(void)
{
    char *root = copy_fixture("alpine-3.20");
    char *orig = fixture_text("alpine-3.20", "/etc/chrony/chrony.conf");
    char *swapped = swap_once(orig, "\npool pool.ntp.org iburst\n",
                              "\n" DISABLED "pool pool.ntp.org iburst\n"
                              "server ntp1.example.net iburst\n"
                              "server ntp2.example.net iburst\n");
    /* Its initstepslew names the old pool: disabled, makestep steps the clock instead. */
    char *swapped2 = swap_once(swapped, "\ninitstepslew 10 pool.ntp.org\n",
                               "\n# te-ntp-setup (replace mode) disabled, makestep steps the "
                               "clock instead: initstepslew 10 pool.ntp.org\n");
    char *expected = xasprintf("%s%s", swapped2, MAKESTEP_ADDED);
    char *text;

    /* initstepslew is no makestep: a clock that drifts off later would only be slewed. */
    TE_ASSERT_NOT_CONTAINS(orig, "makestep");
    apply_two_servers(root, MODE_REPLACE);
    text = target_text(root, "/etc/chrony/chrony.conf");
    TE_ASSERT_STR_EQ(text, expected);
    free(text);
    free(expected);
    free(swapped2);
    free(swapped);
    free(orig);
    free(root);
}

static void
test_chrony_plan_second_run_changes_nothing(void)
{
    static const struct {
        const char *fixture, *file;
    } roots[] = {
        { "debian-12", "/etc/chrony/chrony.conf" },
        { "rhel-9", "/etc/chrony.conf" },
        { "alpine-3.20", "/etc/chrony/chrony.conf" },
        { "hand-edited-chrony", "/etc/chrony.conf" },
    };

    for (size_t i = 0; i < TE_ARRAY_LEN(roots); i++) {
        char *root = copy_fixture(roots[i].fixture);

        apply_two_servers(root, MODE_REPLACE);
        assert_second_run_unchanged(root, MODE_REPLACE, two_servers, roots[i].file);
        /* Merging the same sources into the result changes nothing either. */
        assert_second_run_unchanged(root, MODE_MERGE, two_servers, roots[i].file);
        free(root);
    }
    {
        char *root = copy_fixture("debian-12");
        char *sources;

        apply_two_servers(root, MODE_MERGE);
        assert_second_run_unchanged(root, MODE_MERGE, two_servers, "/etc/chrony/chrony.conf");
        sources = target_text(root, "/etc/chrony/sources.d/te-ntp-setup.sources");
        TE_ASSERT_CONTAINS(sources, "server ntp2.example.net iburst\n");
        free(sources);
        free(root);
    }
}

static void
test_chrony_plan_merge_keeps_pool(void)
{
    char *root = copy_fixture("debian-12");
    char *orig = fixture_text("debian-12", "/etc/chrony/chrony.conf");
    char *text, *sources;
    struct run r;

    /* Debian: the servers go to the sourcedir, the main file is left alone. */
    run_init(&r, root, MODE_MERGE);
    two_servers(&r);
    TE_ASSERT_INT_EQ(run_go(&r, true), 0);
    assert_no_errors(&r);
    TE_ASSERT_INT_EQ(r.status, APPLY_CHANGED);
    TE_ASSERT_INT_EQ(plan_changed_count(&r.plan), 1);
    /* Only a sourcedir file changed: chronyc reload sources is enough. */
    TE_ASSERT_INT_EQ(r.plan.activation, ACTION_RELOAD_SOURCES);
    text = target_text(root, "/etc/chrony/chrony.conf");
    TE_ASSERT_STR_EQ(text, orig);
    TE_ASSERT_CONTAINS(text, "\npool 2.debian.pool.ntp.org iburst\n");
    sources = target_text(root, "/etc/chrony/sources.d/te-ntp-setup.sources");
    TE_ASSERT_CONTAINS(sources, "\nserver ntp1.example.net iburst\nserver ntp2.example.net iburst\n");
    run_free(&r);
    free(text);
    free(sources);
    free(orig);
    free(root);

    /* RHEL: the servers go after the pool, which stays. */
    root = copy_fixture("rhel-9");
    orig = fixture_text("rhel-9", "/etc/chrony.conf");
    {
        char *expected = swap_once(orig, "\npool 2.rhel.pool.ntp.org iburst\n",
                                   "\npool 2.rhel.pool.ntp.org iburst\n"
                                   "server ntp1.example.net iburst\n"
                                   "server ntp2.example.net iburst\n");

        apply_two_servers(root, MODE_MERGE);
        text = target_text(root, "/etc/chrony.conf");
        TE_ASSERT_STR_EQ(text, expected);
        free(text);
        free(expected);
    }
    free(orig);
    free(root);
}

static void
test_chrony_plan_merge_existing_server(void)
{
    char *root = copy_fixture("hand-edited-chrony");
    char *orig = fixture_text("hand-edited-chrony", "/etc/chrony.conf");
    char *expected = swap_once(orig, "peer ntp-peer.example.org key 1\n",
                               "peer ntp-peer.example.org key 1\n"
                               "server new.example.net iburst\n");
    char *text;
    struct run r;

    /* ntp2.example.com is there with the wanted options: left as it is. */
    run_init(&r, root, MODE_MERGE);
    run_add(&r, SOURCE_SERVER, "ntp2.example.com");
    run_add(&r, SOURCE_SERVER, "new.example.net");
    TE_ASSERT_INT_EQ(run_go(&r, true), 0);
    assert_no_errors(&r);
    TE_ASSERT_INT_EQ(r.status, APPLY_CHANGED);
    text = target_text(root, "/etc/chrony.conf");
    TE_ASSERT_STR_EQ(text, expected);
    free(text);
    run_free(&r);
    free(expected);
    free(orig);
    free(root);
}

/* A server with every option but iburst, and a pool with nts. */
static void
option_sources(struct run *r)
{
    struct source *src = run_add(r, SOURCE_SERVER, "h.example.net");

    src->iburst = false;
    src->prefer = true;
    src->minpoll = 4;
    src->maxpoll = 10;
    src->key = 3;
    src = run_add(r, SOURCE_POOL, "pool.example.net");
    src->nts = true;
}

static void
test_chrony_plan_source_options(void)
{
    char *root = copy_fixture("rhel-9");
    char *text;
    struct run r;

    run_init(&r, root, MODE_REPLACE);
    option_sources(&r);
    TE_ASSERT_INT_EQ(run_go(&r, true), 0);
    assert_no_errors(&r);
    text = target_text(root, "/etc/chrony.conf");
    TE_ASSERT_CONTAINS(text, "\nserver h.example.net prefer minpoll 4 maxpoll 10 key 3\n"
                             "pool pool.example.net iburst nts\n");
    free(text);
    run_free(&r);
    /* The options read back from the file match: nothing to change. */
    assert_second_run_unchanged(root, MODE_REPLACE, option_sources, "/etc/chrony.conf");
    assert_second_run_unchanged(root, MODE_MERGE, option_sources, "/etc/chrony.conf");
    free(root);
}

static void
test_chrony_plan_rewrites_options_in_place(void)
{
    char *root = copy_fixture("hand-edited-chrony");
    char *text;
    struct run r;

    /* A wanted server already there with other options: its line is rewritten where it is,
     * with its indentation; the other sources are disabled. */
    run_init(&r, root, MODE_REPLACE);
    run_add(&r, SOURCE_SERVER, "192.0.2.10")->prefer = true;
    TE_ASSERT_INT_EQ(run_go(&r, true), 0);
    assert_no_errors(&r);
    text = target_text(root, "/etc/chrony.conf");
    TE_ASSERT_CONTAINS(text, "\n" DISABLED "server ntp2.example.com iburst\n"
                             "\tserver 192.0.2.10 iburst prefer\n"
                             "  " DISABLED "server 2001:db8::123 iburst\n");
    /* Peers and the odd comment styles stay. */
    TE_ASSERT_CONTAINS(text, "\npeer 198.51.100.20\n");
    TE_ASSERT_CONTAINS(text, "\n! pool 2.fedora.pool.ntp.org iburst\n");
    free(text);
    run_free(&r);
    free(root);
}

static void
test_chrony_plan_unparsable_file(void)
{
    char *root = copy_fixture("rhel-9");
    char *conf = root_path(root, "/etc/chrony.conf");
    char *listing_before = list_dir(root, "/etc"), *listing_after, *text;
    struct run r;
    FILE *f = fopen(conf, "w");

    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    fputs("server\n", f);
    fclose(f);

    run_init(&r, root, MODE_REPLACE);
    run_add(&r, SOURCE_SERVER, "ntp1.example.net");
    TE_ASSERT_INT_EQ(run_go(&r, true), -1);
    TE_ASSERT_INT_EQ(r.m.errors.n, 1);
    if (r.m.errors.n) {
        char *where = xasprintf("%s:1:", conf);

        TE_ASSERT_CONTAINS(r.m.errors.v[0], where);
        free(where);
    }
    TE_ASSERT_INT_EQ(r.actions.n, 0);
    text = target_text(root, "/etc/chrony.conf");
    TE_ASSERT_STR_EQ(text, "server\n");
    listing_after = list_dir(root, "/etc");
    TE_ASSERT_STR_EQ(listing_after, listing_before);
    free(text);
    free(listing_after);
    free(listing_before);
    run_free(&r);
    free(conf);
    free(root);
}

static void
test_chrony_plan_dry_run_writes_nothing(void)
{
    char *root = copy_fixture("debian-12");
    char *orig = fixture_text("debian-12", "/etc/chrony/chrony.conf");
    char *text, *listing;
    struct run r;

    run_init(&r, root, MODE_REPLACE);
    r.s.dry_run = true;
    run_add(&r, SOURCE_SERVER, "ntp1.example.net");
    TE_ASSERT_INT_EQ(run_go(&r, true), 0);
    TE_ASSERT_INT_EQ(r.status, APPLY_CHANGED);
    TE_ASSERT_INT_EQ(plan_changed_count(&r.plan), 2);
    TE_ASSERT_INT_EQ(r.actions.n, 0);
    text = target_text(root, "/etc/chrony/chrony.conf");
    TE_ASSERT_STR_EQ(text, orig);
    listing = list_dir(root, "/etc/chrony/sources.d");
    TE_ASSERT_STR_EQ(listing, "README");
    free(listing);
    free(text);
    run_free(&r);
    free(orig);
    free(root);
}

/* Where only the sources changed, chrony re-reads them through its ops table
 * (reload_sources: chronyc reload sources); the other daemons have no such action and are
 * restarted. A chronyc that fails means a restart (-1, nothing done). */
static void
test_chrony_plan_reload_sources(void)
{
    char *sbin = te_path(te_tmpdir(), "chronyc");
    struct strv actions = { 0 };
    FILE *f;

    CU_ASSERT_PTR_NOT_NULL_FATAL(backend_chrony.reload_sources);
    CU_ASSERT_STRING_EQUAL(backend_chrony.reload_sources_text, "reload chrony's sources");
    for (size_t i = 0; backends[i]; i++)
        if (backends[i] != &backend_chrony)
            CU_ASSERT_PTR_NULL(backends[i]->reload_sources);

    setenv("TE_NTP_SETUP_SBIN", te_tmpdir(), 1);
    /* a chronyc that answers only "reload sources" */
    f = fopen(sbin, "w");
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    fputs("#!/bin/sh\n[ \"$1 $2\" = \"reload sources\" ] && echo 200 OK\n", f);
    fclose(f);
    CU_ASSERT_EQUAL_FATAL(chmod(sbin, 0755), 0);
    CU_ASSERT_EQUAL(backend_chrony.reload_sources(&actions), 0);
    CU_ASSERT_EQUAL_FATAL(actions.n, 1);
    CU_ASSERT_STRING_EQUAL(actions.v[0], "reloaded chrony's sources (chronyc reload sources)");
    /* chronyd not running: chronyc fails */
    f = fopen(sbin, "w");
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    fputs("#!/bin/sh\necho '506 Cannot talk to daemon' >&2\nexit 1\n", f);
    fclose(f);
    CU_ASSERT_EQUAL(backend_chrony.reload_sources(&actions), -1);
    CU_ASSERT_EQUAL(actions.n, 1);
    unsetenv("TE_NTP_SETUP_SBIN");
    strv_free(&actions);
    free(sbin);
}

static const struct te_test chrony_plan_tests[] = {
    TE_TEST(test_chrony_plan_debian12),
    TE_TEST(test_chrony_plan_rhel9),
    TE_TEST(test_chrony_plan_alpine_makestep),
    TE_TEST(test_chrony_plan_second_run_changes_nothing),
    TE_TEST(test_chrony_plan_merge_keeps_pool),
    TE_TEST(test_chrony_plan_merge_existing_server),
    TE_TEST(test_chrony_plan_source_options),
    TE_TEST(test_chrony_plan_rewrites_options_in_place),
    TE_TEST(test_chrony_plan_unparsable_file),
    TE_TEST(test_chrony_plan_dry_run_writes_nothing),
    TE_TEST(test_chrony_plan_reload_sources),
    TE_TESTS_END,
};

static const struct te_suite suites[] = {
    { "chrony_plan", chrony_plan_tests },
    TE_SUITES_END,
};

TE_CUNIT_MAIN_SETUP(suites, find_sources)
