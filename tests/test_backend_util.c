/* test_backend_util: the daemons' own configuration checks (backend_check_text and
 * backend_check_text_marker), with /bin/cat standing in for the daemon: it prints the
 * planned text it is given, as a daemon prints its complaint about it. */
#include "config.h"

#include <string.h>

#include "backend-util.h"
#include "plan.h"
#include "util.h"
#include "cunit_main.h"

static char *
where_conf(struct plan *p, const char *msg, const void *arg)
{
    (void)p;
    (void)msg;
    return xasprintf("%s: ", (const char *)arg);
}

/* cat's run of text under backend_check_text_marker: its return value; the errors in m. */
static int
check_marker(const char *text, struct msgs *m)
{
    const char *const argv[] = { "/bin/cat", BACKEND_CHECK_FILE, NULL };
    struct plan p;
    struct strbuf sb;
    int rc;

    memset(&p, 0, sizeof(p));
    memset(m, 0, sizeof(*m));
    p.m = m;
    sb_init(&sb);
    sb_append(&sb, text);
    rc = backend_check_text_marker(&p, "ntpd", argv, &sb, "syntax error", where_conf,
                                   "/etc/ntp.conf");
    sb_free(&sb);
    return rc;
}

/* ntpd 4.2.8 --saveconfigquit logs a syntax error and exits 0: still a rejection, quoting
 * its line after the "ntpd[pid]: " prefix, under the file's own name. */
static void
test_backend_util_marker_rejects_exit_0(void)
{
    struct msgs m;

    TE_ASSERT_INT_EQ(check_marker("server 192.0.2.1\n"
                                  " 2 Dec 20:15:10 ntpd[16]: line 61 column 13 syntax error, "
                                  "unexpected T_String\n", &m), -1);
    CU_ASSERT_EQUAL(m.errors.n, 1);
    if (m.errors.n == 1)
        TE_ASSERT_CONTAINS(m.errors.v[0], "/etc/ntp.conf: ntpd rejects the planned "
                           "configuration: line 61 column 13 syntax error, unexpected "
                           "T_String (/bin/cat exited 0, reporting the error; nothing was "
                           "written)");
    msgs_free(&m);
}

/* Output without the marker, exit 0: accepted, no message. */
static void
test_backend_util_marker_accepts_clean_output(void)
{
    struct msgs m;

    TE_ASSERT_INT_EQ(check_marker("server 192.0.2.1 iburst\n", &m), 0);
    CU_ASSERT_EQUAL(m.errors.n, 0);
    msgs_free(&m);
}

/* backend_check_text itself still judges by the exit status alone. */
static void
test_backend_util_check_text_exit_status(void)
{
    const char *const argv[] = { "/bin/cat", BACKEND_CHECK_FILE, NULL };
    const char *const fails[] = { "/bin/false", NULL };
    struct plan p;
    struct strbuf sb;
    struct msgs m;

    memset(&p, 0, sizeof(p));
    memset(&m, 0, sizeof(m));
    p.m = &m;
    sb_init(&sb);
    sb_append(&sb, "line 1 column 0 syntax error\n");
    TE_ASSERT_INT_EQ(backend_check_text(&p, "ntpd", argv, &sb, NULL, NULL, NULL), 0);
    CU_ASSERT_EQUAL(m.errors.n, 0);
    TE_ASSERT_INT_EQ(backend_check_text(&p, "ntpd", fails, &sb, NULL, NULL, NULL), -1);
    CU_ASSERT_EQUAL(m.errors.n, 1);
    sb_free(&sb);
    msgs_free(&m);
}

static const struct te_test backend_util_tests[] = {
    TE_TEST(test_backend_util_marker_rejects_exit_0),
    TE_TEST(test_backend_util_marker_accepts_clean_output),
    TE_TEST(test_backend_util_check_text_exit_status),
    TE_TESTS_END,
};
static const struct te_suite suites[] = {
    { "backend_util", backend_util_tests },
    TE_SUITES_END,
};
TE_CUNIT_MAIN(suites)
