/* SPDX-License-Identifier: Apache-2.0 */
/* test_service: the programs service.c runs for each init system, and how it reads their
 * answers. Stand-ins for systemctl, rc-service, rc-update and invoke-rc.d (sh scripts in the
 * test's directory, found first through TE_NTP_SETUP_SBIN, the seam of spawn_find_program)
 * log each argv and exit as the test tells them; nothing on the host is started or stopped. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "alloc.h"
#include "hostinfo.h"
#include "msgs.h"
#include "paths.h"
#include "service.h"
#include "strv.h"
#include "cunit_main.h"

/* The stand-in NAME in the test's directory: it appends "NAME ARGS" to log, and exits with
 * the number in the file exit.NAME.ARGS (blanks as '_') when there is one, else 0. */
static void
fake_program(const char *name)
{
    const char *dir = te_tmpdir();
    char *path = te_path(dir, name);
    FILE *f = fopen(path, "w");

    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    fprintf(f, "#!/bin/sh\n"
               "echo \"%s $*\" >> '%s/log'\n"
               "key=$(echo \"$*\" | tr ' ' _)\n"
               "[ -f \"%s/exit.%s.$key\" ] && exit \"$(cat \"%s/exit.%s.$key\")\"\n"
               "exit 0\n", name, dir, dir, name, dir, name);
    fclose(f);
    CU_ASSERT_FATAL(chmod(path, 0755) == 0);
    free(path);
}

/* Make program exit with code when run with args ("is-enabled --quiet chrony.service"). */
static void
fake_exit(const char *program, const char *args, int code)
{
    char *key = xstrdup(args);
    char *name, *path;
    FILE *f;

    for (char *c = key; *c; c++)
        if (*c == ' ')
            *c = '_';
    name = xasprintf("exit.%s.%s", program, key);
    path = te_path(te_tmpdir(), name);
    f = fopen(path, "w");
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    fprintf(f, "%d\n", code);
    fclose(f);
    free(path);
    free(name);
    free(key);
}

/* Every stand-in, found before the host's programs. */
static void
fakes(void)
{
    fake_program("systemctl");
    fake_program("rc-service");
    fake_program("rc-update");
    fake_program("invoke-rc.d");
    fake_program("update-rc.d");
    fake_program("chkconfig");
    CU_ASSERT_FATAL(setenv("TE_NTP_SETUP_SBIN", te_tmpdir(), 1) == 0);
}

/* What the stand-ins were run with, one argv a line ("" when nothing ran). */
static char *
ran(void)
{
    char *path = te_path(te_tmpdir(), "log");
    struct strbuf sb;

    sb_init(&sb);
    if (path_exists(path))
        CU_ASSERT(read_file(path, 1 << 16, &sb) >= 0);
    free(path);
    return sb_steal(&sb);
}

static void
host_with(struct hostinfo *h, enum init_system init)
{
    memset(h, 0, sizeof(*h));
    h->init = init;
    h->live = true;
}

/* The steps done, joined with "; ". */
static char *
joined(const struct strv *v)
{
    struct strbuf sb;

    sb_init(&sb);
    for (size_t i = 0; i < v->n; i++) {
        if (i)
            sb_append(&sb, "; ");
        sb_append(&sb, v->v[i]);
    }
    return sb_steal(&sb);
}

/* systemd, a unit not yet enabled: enable, restart, then ask whether it runs. */
static void
test_service_systemd_restart_enables(void)
{
    struct hostinfo h;
    struct strv done = { 0 };
    struct msgs m = { 0 };
    char *log, *steps;

    fakes();
    fake_exit("systemctl", "is-enabled --quiet chrony.service", 1);
    host_with(&h, INIT_SYSTEMD);
    TE_ASSERT_INT_EQ(service_restart(&h, "chrony", &done, &m), SERVICE_DONE);
    log = ran();
    TE_ASSERT_STR_EQ(log, "systemctl is-enabled --quiet chrony.service\n"
                          "systemctl enable --quiet chrony.service\n"
                          "systemctl restart chrony.service\n"
                          "systemctl is-active --quiet chrony.service\n");
    steps = joined(&done);
    TE_ASSERT_STR_EQ(steps, "enabled chrony.service; restarted chrony.service");
    TE_ASSERT_INT_EQ(m.errors.n, 0);
    free(steps);
    free(log);
    strv_free(&done);
    msgs_free(&m);
}

/* systemd, enabled already: no enable, only the restart is a step. */
static void
test_service_systemd_restart_enabled(void)
{
    struct hostinfo h;
    struct strv done = { 0 };
    struct msgs m = { 0 };
    char *log, *steps;

    fakes();
    host_with(&h, INIT_SYSTEMD);
    TE_ASSERT_INT_EQ(service_restart(&h, "ntpsec", &done, &m), SERVICE_DONE);
    log = ran();
    TE_ASSERT_STR_EQ(log, "systemctl is-enabled --quiet ntpsec.service\n"
                          "systemctl restart ntpsec.service\n"
                          "systemctl is-active --quiet ntpsec.service\n");
    steps = joined(&done);
    TE_ASSERT_STR_EQ(steps, "restarted ntpsec.service");
    free(steps);
    free(log);
    strv_free(&done);
    msgs_free(&m);
}

/* systemd, the restart fails: a failure with an error, and no "restarted" step. */
static void
test_service_systemd_restart_fails(void)
{
    struct hostinfo h;
    struct strv done = { 0 };
    struct msgs m = { 0 };
    char *log;

    fakes();
    fake_exit("systemctl", "restart chrony.service", 1);
    host_with(&h, INIT_SYSTEMD);
    TE_ASSERT_INT_EQ(service_restart(&h, "chrony", &done, &m), SERVICE_FAILED);
    CU_ASSERT(m.errors.n >= 1);
    TE_ASSERT_INT_EQ(done.n, 0);
    log = ran();
    /* nothing is asked after the failed restart */
    TE_ASSERT_STR_EQ(log, "systemctl is-enabled --quiet chrony.service\n"
                          "systemctl restart chrony.service\n");
    free(log);
    strv_free(&done);
    msgs_free(&m);
}

/* systemd: stop and disable is one systemctl call. */
static void
test_service_systemd_stop_disable(void)
{
    struct hostinfo h;
    struct strv done = { 0 };
    struct msgs m = { 0 };
    char *log, *steps;

    fakes();
    host_with(&h, INIT_SYSTEMD);
    TE_ASSERT_INT_EQ(service_stop_disable(&h, "systemd-timesyncd", &done, &m), SERVICE_DONE);
    log = ran();
    TE_ASSERT_STR_EQ(log, "systemctl disable --now --quiet systemd-timesyncd.service\n");
    steps = joined(&done);
    TE_ASSERT_STR_EQ(steps, "stopped and disabled systemd-timesyncd.service");
    free(steps);
    free(log);
    strv_free(&done);
    msgs_free(&m);
}

/* OpenRC: add to the default runlevel (this host has no /etc/runlevels/default/chronyd),
 * restart through rc-service, then its status. */
static void
test_service_openrc_restart(void)
{
    struct hostinfo h;
    struct strv done = { 0 };
    struct msgs m = { 0 };
    char *log, *steps;

    if (path_exists("/etc/runlevels/default/chronyd")) {
        CU_FAIL("this host has /etc/runlevels/default/chronyd: the test expects none");
        return;
    }
    fakes();
    host_with(&h, INIT_OPENRC);
    TE_ASSERT_INT_EQ(service_restart(&h, "chronyd", &done, &m), SERVICE_DONE);
    log = ran();
    TE_ASSERT_STR_EQ(log, "rc-update add chronyd default\n"
                          "rc-service chronyd restart\n"
                          "rc-service chronyd status\n");
    steps = joined(&done);
    TE_ASSERT_STR_EQ(steps, "enabled chronyd (rc-update); restarted chronyd (rc-service)");
    free(steps);
    free(log);
    strv_free(&done);
    msgs_free(&m);
}

/* OpenRC: a restart after which the status says it does not run is a failure that says so. */
static void
test_service_openrc_not_running_after(void)
{
    struct hostinfo h;
    struct strv done = { 0 };
    struct msgs m = { 0 };

    fakes();
    fake_exit("rc-service", "chronyd status", 3);
    host_with(&h, INIT_OPENRC);
    TE_ASSERT_INT_EQ(service_restart(&h, "chronyd", &done, &m), SERVICE_FAILED);
    TE_ASSERT_INT_EQ(m.errors.n, 1);
    if (m.errors.n)
        TE_ASSERT_CONTAINS(m.errors.v[0], "chronyd is not running after 'rc-service chronyd "
                           "restart'");
    CU_ASSERT_FALSE(strv_contains(&done, "restarted chronyd (rc-service)"));
    strv_free(&done);
    msgs_free(&m);
}

/* OpenRC: a daemon that forks writes its pid file a moment after rc-service returned, and
 * until then its status is "crashed" (32): the restart waits for it instead of failing (seen
 * on a loaded machine in live/live-openrc.sh). The stand-in says crashed twice, then
 * started. */
static void
test_service_openrc_status_settles(void)
{
    char *path = te_path(te_tmpdir(), "rc-service");
    struct hostinfo h;
    struct strv done = { 0 };
    struct msgs m = { 0 };
    char *log;
    FILE *f;

    fakes();
    f = fopen(path, "w");
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    fprintf(f, "#!/bin/sh\n"
               "echo \"rc-service $*\" >> '%s/log'\n"
               "[ \"$2\" = status ] || exit 0\n"
               "n=$(cat '%s/status.count' 2>/dev/null || echo 0)\n"
               "echo $((n + 1)) > '%s/status.count'\n"
               "[ \"$n\" -ge 2 ] || exit 32\n", te_tmpdir(), te_tmpdir(), te_tmpdir());
    fclose(f);
    host_with(&h, INIT_OPENRC);
    TE_ASSERT_INT_EQ(service_restart(&h, "chronyd", &done, &m), SERVICE_DONE);
    TE_ASSERT_INT_EQ(m.errors.n, 0);
    log = ran();
    TE_ASSERT_CONTAINS(log, "rc-service chronyd restart\n"
                            "rc-service chronyd status\n"
                            "rc-service chronyd status\n"
                            "rc-service chronyd status\n");
    CU_ASSERT_TRUE(strv_contains(&done, "restarted chronyd (rc-service)"));
    free(log);
    free(path);
    strv_free(&done);
    msgs_free(&m);
}

/* SysV without the init script: an error naming it, and nothing is run (not even
 * invoke-rc.d, which would exit 0 or 101 as for a denial). */
static void
test_service_sysv_without_script(void)
{
    struct hostinfo h;
    struct strv done = { 0 };
    struct msgs m = { 0 };
    char *log;

    fakes();
    host_with(&h, INIT_SYSV);
    TE_ASSERT_INT_EQ(service_restart(&h, "te-ntp-setup-no-such-service", &done, &m),
                     SERVICE_FAILED);
    TE_ASSERT_INT_EQ(m.errors.n, 1);
    if (m.errors.n)
        TE_ASSERT_CONTAINS(m.errors.v[0],
                           "no init script /etc/init.d/te-ntp-setup-no-such-service");
    log = ran();
    TE_ASSERT_STR_EQ(log, "");
    free(log);
    strv_free(&done);
    msgs_free(&m);
}

/* systemd: the wanted state is reached with enable/disable and start/stop, one call each
 * for what differs. */
static void
test_service_systemd_set_state(void)
{
    struct hostinfo h;
    struct strv done = { 0 };
    struct msgs m = { 0 };
    const struct service_state want = { .known = true, .active = false, .enabled = true };
    char *log;

    fakes();
    host_with(&h, INIT_SYSTEMD);
    /* it runs and is not enabled: enable it and stop it */
    fake_exit("systemctl", "is-enabled --quiet chrony.service", 1);
    TE_ASSERT_INT_EQ(service_set_state(&h, "chrony", &want, &done, &m), SERVICE_DONE);
    log = ran();
    TE_ASSERT_STR_EQ(log, "systemctl is-active --quiet chrony.service\n"
                          "systemctl is-enabled --quiet chrony.service\n"
                          "systemctl enable --quiet chrony.service\n"
                          "systemctl stop chrony.service\n");
    TE_ASSERT_INT_EQ(m.errors.n, 0);
    free(log);
    strv_free(&done);
    msgs_free(&m);
}

static const struct te_test service_tests[] = {
    TE_TEST(test_service_systemd_restart_enables),
    TE_TEST(test_service_systemd_restart_enabled),
    TE_TEST(test_service_systemd_restart_fails),
    TE_TEST(test_service_systemd_stop_disable),
    TE_TEST(test_service_openrc_restart),
    TE_TEST(test_service_openrc_not_running_after),
    TE_TEST(test_service_openrc_status_settles),
    TE_TEST(test_service_sysv_without_script),
    TE_TEST(test_service_systemd_set_state),
    TE_TESTS_END,
};

static const struct te_suite suites[] = {
    { "service", service_tests },
    TE_SUITES_END,
};

TE_CUNIT_MAIN(suites)
