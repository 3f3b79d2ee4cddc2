/* SPDX-License-Identifier: Apache-2.0 */
/* test_report: the text and JSON reports of an apply run (report.c) for given results: a
 * plan made by hand (one changed file, a verification), and runs without a plan. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "backend.h"
#include "msgs.h"
#include "plan.h"
#include "report.h"
#include "settings.h"
#include "sntp.h"
#include "strv.h"
#include "cunit_main.h"

/* A plan of chrony on a fixture root (files only): /etc/chrony/chrony.conf changes from a
 * pool to a server. */
struct fixture {
    struct settings s;
    struct hostinfo host;
    struct file_change f;
    struct file_change *files[1];
    struct plan p;
    struct strv actions;
    struct msgs m;
    struct apply_report r;
    struct strbuf out;
};

static void
fixture_init(struct fixture *x, enum apply_status status, bool dry_run)
{
    memset(x, 0, sizeof(*x));
    settings_init(&x->s);
    settings_add_source(&x->s, SOURCE_SERVER, "ntp1.example.com");
    x->s.dry_run = dry_run;
    x->s.root = xstrdup("/r");
    x->host.init = INIT_SYSTEMD;
    x->host.live = false;
    x->f.path = xstrdup("/etc/chrony/chrony.conf");
    x->f.disk_path = xstrdup("/r/etc/chrony/chrony.conf");
    x->f.existed = true;
    sb_init(&x->f.before);
    sb_init(&x->f.after);
    sb_append(&x->f.before, "pool 2.debian.pool.ntp.org iburst\n");
    sb_append(&x->f.after, "server ntp1.example.com iburst\n");
    x->files[0] = &x->f;
    x->p.settings = &x->s;
    x->p.host = &x->host;
    x->p.backend = &backend_chrony;
    x->p.files = x->files;
    x->p.n_files = 1;
    x->p.service = xstrdup("chrony");
    x->p.activation = ACTION_RESTART;
    x->r.plan = &x->p;
    x->r.settings = &x->s;
    x->r.status = status;
    x->r.actions = &x->actions;
    x->r.msgs = &x->m;
    sb_init(&x->out);
}

static void
fixture_free(struct fixture *x)
{
    free(x->f.path);
    free(x->f.disk_path);
    sb_free(&x->f.before);
    sb_free(&x->f.after);
    free(x->p.service);
    settings_free(&x->s);
    strv_free(&x->actions);
    msgs_free(&x->m);
    sb_free(&x->out);
}

/* A dry run names the file it would change, and nothing else (files only: no restart). */
static void
test_report_text_dry_run(void)
{
    struct fixture x;

    fixture_init(&x, APPLY_CHANGED, true);
    report_apply_text(&x.r, false, &x.out);
    TE_ASSERT_STR_EQ(x.out.buf, "chrony: /r/etc/chrony/chrony.conf (service chrony, files only)\n"
                                "would change /r/etc/chrony/chrony.conf\n");
    fixture_free(&x);
}

/* A dry run on the running system says it would restart; --diff adds the unified diff. */
static void
test_report_text_dry_run_live_diff(void)
{
    struct fixture x;

    fixture_init(&x, APPLY_CHANGED, true);
    x.host.live = true;
    report_apply_text(&x.r, true, &x.out);
    TE_ASSERT_CONTAINS(x.out.buf, "chrony: /r/etc/chrony/chrony.conf (service chrony, systemd)\n"
                                  "would change /r/etc/chrony/chrony.conf\n");
    TE_ASSERT_CONTAINS(x.out.buf, "-pool 2.debian.pool.ntp.org iburst\n"
                                  "+server ntp1.example.com iburst\n");
    TE_ASSERT_CONTAINS(x.out.buf, "would restart the service\n");
    fixture_free(&x);
}

/* A run that changed and verified: the actions, then the verification in one line. */
static void
test_report_text_verified(void)
{
    struct fixture x;
    char offset[64], *want;

    fixture_init(&x, APPLY_CHANGED, false);
    x.host.live = true;
    strv_push(&x.actions, "wrote /r/etc/chrony/chrony.conf");
    strv_push(&x.actions, "restarted chrony.service");
    x.p.verified = true;
    x.p.sync.answered = x.p.sync.synchronized = true;
    strcpy(x.p.sync.source, "192.0.2.1");
    x.p.sync.offset = -0.002;
    x.p.sync.offset_known = true;
    x.p.sync.reachable = 1;
    x.p.sync.sources = 1;
    strcpy(x.p.sync.how, "chronyc tracking and sources");
    sntp_format_offset(-0.002, offset, sizeof(offset));
    want = xasprintf("chrony: /r/etc/chrony/chrony.conf (service chrony, systemd)\n"
                     "wrote /r/etc/chrony/chrony.conf\n"
                     "restarted chrony.service\n"
                     "verification: chrony is synchronized to 192.0.2.1 (%s; 1 of 1 source "
                     "reachable) [chronyc tracking and sources]\n", offset);
    report_apply_text(&x.r, false, &x.out);
    TE_ASSERT_STR_EQ(x.out.buf, want);
    CU_ASSERT_FALSE(report_unsynchronized(&x.r));
    CU_ASSERT_FALSE(report_failed(&x.r));
    free(want);
    fixture_free(&x);
}

/* Configured but not synchronized: said with the reason; a failure only where the caller
 * counts it as one (the Ansible module without accept_unsynchronized). */
static void
test_report_unsynchronized(void)
{
    struct fixture x;

    fixture_init(&x, APPLY_CHANGED, false);
    x.host.live = true;
    x.p.verified = true;
    x.p.sync.answered = true;
    x.p.sync.reachable = 0;
    x.p.sync.sources = 1;
    strcpy(x.p.sync.how, "chronyc tracking and sources");
    strcpy(x.p.sync.why, "no reply from any source");
    report_apply_text(&x.r, false, &x.out);
    TE_ASSERT_CONTAINS(x.out.buf, "verification: chrony is NOT synchronized (0 of 1 source "
                                  "reachable): no reply from any source [chronyc tracking and "
                                  "sources]\n");
    CU_ASSERT_TRUE(report_unsynchronized(&x.r));
    CU_ASSERT_FALSE(report_failed(&x.r));
    x.r.unsynchronized_fails = true;
    CU_ASSERT_TRUE(report_failed(&x.r));
    sb_free(&x.out);
    sb_init(&x.out);
    report_apply_json(&x.r, &x.out);
    TE_ASSERT_CONTAINS(x.out.buf, "\"failed\":true");
    TE_ASSERT_CONTAINS(x.out.buf, "\"synchronized\":false,\"verification\":{\"synchronized\":"
                                  "false,\"source\":null,\"answered\":true,\"reachable\":0,"
                                  "\"sources\":1,\"offset\":null,\"how\":\"chronyc tracking "
                                  "and sources\",\"reason\":\"no reply from any source\"}");
    fixture_free(&x);
}

/* Nothing to change: the sources and the networks served, in one line. */
static void
test_report_text_unchanged(void)
{
    struct fixture x;

    fixture_init(&x, APPLY_UNCHANGED, false);
    sb_free(&x.f.after);
    sb_init(&x.f.after);
    sb_append(&x.f.after, x.f.before.buf);
    strv_push(&x.s.serve, "192.0.2.0/24");
    report_apply_text(&x.r, false, &x.out);
    TE_ASSERT_STR_EQ(x.out.buf, "chrony: /r/etc/chrony/chrony.conf (service chrony, files only)\n"
                                "nothing to change: ntp1.example.com already configured; "
                                "serving 192.0.2.0/24\n");
    fixture_free(&x);
}

/* A failed run before any plan: the JSON object names what was chosen and the errors, with
 * every other member present and empty. */
static void
test_report_json_without_plan(void)
{
    struct fixture x;

    fixture_init(&x, APPLY_INVALID, false);
    free(x.s.root);
    x.s.root = NULL;
    x.r.plan = NULL;
    x.r.backend = &backend_chrony;
    x.r.service = "chronyd";
    msg_error(&x.m, "bad \"value\"");
    msg_warn(&x.m, "careful");
    report_apply_json(&x.r, &x.out);
    TE_ASSERT_STR_EQ(x.out.buf,
                     "{\"changed\":false,\"failed\":true,\"restored\":true,\"dry_run\":false,"
                     "\"implementation\":\"chrony\",\"service\":\"chronyd\",\"root\":\"/\","
                     "\"sources\":[{\"type\":\"server\",\"host\":\"ntp1.example.com\"}],"
                     "\"sources_from\":\"given\",\"refclock\":null,\"serve\":[],"
                     "\"local_stratum\":null,\"files\":[],\"synchronized\":null,"
                     "\"verification\":null,\"actions\":[],\"skip_reason\":null,"
                     "\"warnings\":[\"careful\"],\"errors\":[\"bad \\\"value\\\"\"],"
                     "\"notes\":[]}\n");
    /* the text report of such a run is empty: the messages are printed by the caller */
    sb_free(&x.out);
    sb_init(&x.out);
    report_apply_text(&x.r, false, &x.out);
    TE_ASSERT_STR_EQ(x.out.buf, "");
    fixture_free(&x);
}

/* A changed file in the JSON: its path, whether it was created, and its diff. */
static void
test_report_json_files(void)
{
    struct fixture x;

    fixture_init(&x, APPLY_CHANGED, true);
    report_apply_json(&x.r, &x.out);
    TE_ASSERT_CONTAINS(x.out.buf, "{\"changed\":true,\"failed\":false,\"restored\":true,"
                                  "\"dry_run\":true,\"implementation\":\"chrony\","
                                  "\"service\":\"chrony\",\"root\":\"/r\",");
    TE_ASSERT_CONTAINS(x.out.buf, "\"files\":[{\"path\":\"/r/etc/chrony/chrony.conf\","
                                  "\"created\":false,\"diff\":\"");
    TE_ASSERT_CONTAINS(x.out.buf, "\\n-pool 2.debian.pool.ntp.org iburst\\n"
                                  "+server ntp1.example.com iburst\\n");
    TE_ASSERT_CONTAINS(x.out.buf, "\"synchronized\":null,\"verification\":null,");
    fixture_free(&x);
}

/* --if-needed skipped the run: its reason is the whole text, and skip_reason in JSON. */
static void
test_report_skipped(void)
{
    struct fixture x;

    fixture_init(&x, APPLY_UNCHANGED, false);
    x.r.plan = NULL;
    x.r.skipped = "skipped: chrony already has sources (--if-needed)";
    report_apply_text(&x.r, false, &x.out);
    TE_ASSERT_STR_EQ(x.out.buf, "skipped: chrony already has sources (--if-needed)\n");
    sb_free(&x.out);
    sb_init(&x.out);
    report_apply_json(&x.r, &x.out);
    TE_ASSERT_CONTAINS(x.out.buf, "\"skip_reason\":\"skipped: chrony already has sources "
                                  "(--if-needed)\"");
    TE_ASSERT_CONTAINS(x.out.buf, "\"implementation\":null,\"service\":null,");
    fixture_free(&x);
}

/* A live plan of backend b with one file that changes, on a systemd host. */
static void
live_plan(struct plan *p, struct file_change *f, struct file_change **files,
          struct hostinfo *h, const struct settings *s, const struct ntp_backend *b)
{
    static char path[] = "/etc/chrony/sources.d/te-ntp-setup.sources";

    memset(p, 0, sizeof(*p));
    memset(f, 0, sizeof(*f));
    memset(h, 0, sizeof(*h));
    h->live = true;
    h->init = INIT_SYSTEMD;
    f->path = f->disk_path = path;
    sb_init(&f->before);
    sb_init(&f->after);
    sb_append(&f->after, "server 192.0.2.1 iburst\n");
    files[0] = f;
    p->settings = s;
    p->host = h;
    p->backend = b;
    p->files = files;
    p->n_files = 1;
    p->service = (char *)b->services[0];
    p->activation = ACTION_RESTART;
}

/* The text report of a dry run that changed p. */
static char *
dry_run_text(const struct plan *p, const struct settings *s)
{
    struct apply_report r = { .plan = p, .settings = s, .status = APPLY_CHANGED };
    struct strbuf out;
    char *copy;

    sb_init(&out);
    report_apply_text(&r, false, &out);
    copy = xstrdup(out.buf);
    sb_free(&out);
    return copy;
}

static void
test_report_dry_run_activation(void)
{
    struct settings s;
    struct hostinfo h;
    struct plan p;
    struct file_change f, *files[1];
    char *text;

    settings_init(&s);
    s.dry_run = true;
    /* only the sources changed: chrony re-reads them (its ops' reload_sources) */
    live_plan(&p, &f, files, &h, &s, &backend_chrony);
    p.activation = ACTION_RELOAD_SOURCES;
    text = dry_run_text(&p, &s);
    CU_ASSERT_PTR_NOT_NULL(strstr(text, "\nwould reload chrony's sources\n"));
    CU_ASSERT_PTR_NULL(strstr(text, "would restart"));
    free(text);
    /* a change that needs a restart */
    p.activation = ACTION_RESTART;
    text = dry_run_text(&p, &s);
    CU_ASSERT_PTR_NOT_NULL(strstr(text, "\nwould restart the service\n"));
    free(text);
    /* a backend without reload_sources is restarted whatever the plan says */
    sb_free(&f.after);
    live_plan(&p, &f, files, &h, &s, &backend_ntpsec);
    p.activation = ACTION_RELOAD_SOURCES;
    text = dry_run_text(&p, &s);
    CU_ASSERT_PTR_NOT_NULL(strstr(text, "\nwould restart the service\n"));
    CU_ASSERT_PTR_NULL(strstr(text, "reload"));
    free(text);
    sb_free(&f.after);
    settings_free(&s);
}

/* The verification line words the offset (sntp_format_offset: positive is behind). */
static void
test_report_verification_offset(void)
{
    struct settings s;
    struct hostinfo h;
    struct plan p;
    struct file_change f, *files[1];
    struct apply_report r = { .status = APPLY_CHANGED };
    struct strbuf out;

    settings_init(&s);
    live_plan(&p, &f, files, &h, &s, &backend_chrony);
    p.verified = true;
    p.sync.answered = p.sync.synchronized = true;
    snprintf(p.sync.source, sizeof(p.sync.source), "192.0.2.1");
    p.sync.offset = 754.3;
    p.sync.offset_known = true;
    p.sync.reachable = p.sync.sources = 1;
    snprintf(p.sync.how, sizeof(p.sync.how), "chronyc tracking and sources");
    r.plan = &p;
    r.settings = &s;
    sb_init(&out);
    report_apply_text(&r, false, &out);
    CU_ASSERT_PTR_NOT_NULL(strstr(out.buf, "verification: chrony is synchronized to 192.0.2.1 "
                                           "(12 min 34 s behind; 1 of 1 source reachable) "
                                           "[chronyc tracking and sources]\n"));
    sb_free(&out);
    sb_free(&f.after);
    settings_free(&s);
}

static const struct te_test report_tests[] = {
    TE_TEST(test_report_text_dry_run),
    TE_TEST(test_report_text_dry_run_live_diff),
    TE_TEST(test_report_text_verified),
    TE_TEST(test_report_unsynchronized),
    TE_TEST(test_report_text_unchanged),
    TE_TEST(test_report_json_without_plan),
    TE_TEST(test_report_json_files),
    TE_TEST(test_report_skipped),
    TE_TEST(test_report_dry_run_activation),
    TE_TEST(test_report_verification_offset),
    TE_TESTS_END,
};

static const struct te_suite suites[] = {
    { "report", report_tests },
    TE_SUITES_END,
};

TE_CUNIT_MAIN(suites)
