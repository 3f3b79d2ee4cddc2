/* SPDX-License-Identifier: Apache-2.0 */
/* test_report.c - unit tests of the apply report (report.c): what a dry run says it would do
 * to activate (the backend's own reload of the sources, else a restart) and the
 * verification line with the offset in words. */
#include "config.h"

#include "cunit_main.h"

#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "backend.h"
#include "report.h"

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
    TE_TEST(test_report_dry_run_activation),
    TE_TEST(test_report_verification_offset),
    TE_TESTS_END,
};

static const struct te_suite suites[] = {
    { "report", report_tests },
    TE_SUITES_END,
};

TE_CUNIT_MAIN(suites)
