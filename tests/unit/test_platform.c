/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests of src/platform.c: markers read under a root, the container gate, capabilities,
 * leap smear, the clocksource note. */
#include "config.h"

#include "alloc.h"
#include "cunit_main.h"

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "msgs.h"
#include "platform.h"

/* Write text to root/rel, making the directories. */
static void
put(const char *root, const char *rel, const char *text, size_t len)
{
    char *path = te_path(root, rel);
    FILE *f;

    for (char *s = strchr(path + strlen(root) + 1, '/'); s; s = strchr(s + 1, '/')) {
        *s = '\0';
        mkdir(path, 0755);
        *s = '/';
    }
    f = fopen(path, "w");
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    fwrite(text, 1, len, f);
    fclose(f);
    free(path);
}
#define PUT(root, rel, text) put(root, rel, text, strlen(text))

static void
test_platform_dmi_clouds(void)
{
    static const struct { const char *file, *value, *id, *evidence; } cases[] = {
        { "sys/class/dmi/id/sys_vendor", "Amazon EC2\n", "aws", "sys_vendor: Amazon EC2" },
        { "sys/class/dmi/id/bios_version", "4.2.amazon\n", "aws", "bios_version: 4.2.amazon" },
        { "sys/class/dmi/id/product_name", "Google Compute Engine\n", "gce",
          "product_name: Google Compute Engine" },
        { "sys/class/dmi/id/chassis_asset_tag", "7783-7084-3265-9085-8269-3286-77\n", "azure",
          "chassis_asset_tag: 7783-7084-3265-9085-8269-3286-77" },
        { "sys/class/dmi/id/chassis_asset_tag", "OracleCloud.com\n", "oracle",
          "chassis_asset_tag: OracleCloud.com" },
    };

    for (size_t i = 0; i < TE_ARRAY_LEN(cases); i++) {
        char *sub = xasprintf("%s/%zu", te_tmpdir(), i);
        struct platform p;
        struct msgs m = { 0 };

        mkdir(sub, 0755);
        PUT(sub, cases[i].file, cases[i].value);
        platform_read(&p, sub, &m);
        CU_ASSERT_PTR_NOT_NULL_FATAL(p.cloud);
        TE_ASSERT_STR_EQ(p.cloud->id, cases[i].id);
        TE_ASSERT_STR_EQ(p.cloud_evidence, cases[i].evidence);
        CU_ASSERT_EQUAL(p.kind, PLATFORM_VM);
        CU_ASSERT_FALSE(p.live);
        CU_ASSERT_EQUAL(p.can_set_clock, -1);
        platform_free(&p);
        msgs_free(&m);
        free(sub);
    }
}

static void
test_platform_unknown_and_bare_metal(void)
{
    const char *root = te_tmpdir();
    struct platform p;
    struct msgs m = { 0 };

    platform_read(&p, root, &m);
    CU_ASSERT_EQUAL(p.kind, PLATFORM_UNKNOWN);
    CU_ASSERT_PTR_NULL(p.cloud);
    CU_ASSERT_PTR_NULL(p.container);
    platform_free(&p);
    PUT(root, "sys/class/dmi/id/sys_vendor", "Dell Inc.\n");
    platform_read(&p, root, &m);
    CU_ASSERT_EQUAL(p.kind, PLATFORM_BARE_METAL);
    platform_free(&p);
    /* The hypervisor CPU flag makes it a virtual machine. */
    PUT(root, "proc/cpuinfo", "processor\t: 0\nflags\t\t: fpu vme de hypervisor lahf_lm\n");
    platform_read(&p, root, &m);
    CU_ASSERT_EQUAL(p.kind, PLATFORM_VM);
    CU_ASSERT_PTR_NULL(p.hypervisor);
    platform_free(&p);
    msgs_free(&m);
}

static void
test_platform_container_markers(void)
{
    static const struct { const char *file, *value; size_t len; const char *runtime; } cases[] = {
        { ".dockerenv", "", 0, "docker" },
        { "run/.containerenv", "engine=\"podman\"\n", 16, "podman" },
        { "proc/1/environ", "HOME=/\0container=lxc\0", 21, "lxc" },
        { "run/systemd/container", "systemd-nspawn\n", 15, "systemd-nspawn" },
        { "run/host/container-manager", "systemd-nspawn\n", 15, "systemd-nspawn" },
        { "proc/1/environ", "container=\0", 11, NULL },
    };

    for (size_t i = 0; i < TE_ARRAY_LEN(cases); i++) {
        char *root = xasprintf("%s/c%zu", te_tmpdir(), i);
        struct platform p;
        struct msgs m = { 0 };

        mkdir(root, 0755);
        put(root, cases[i].file, cases[i].value, cases[i].len);
        platform_read(&p, root, &m);
        if (cases[i].runtime) {
            CU_ASSERT_PTR_NOT_NULL_FATAL(p.container);
            TE_ASSERT_STR_EQ(p.container, cases[i].runtime);
        } else {
            CU_ASSERT_PTR_NULL(p.container);
        }
        platform_free(&p);
        msgs_free(&m);
        free(root);
    }
}

/* The gate decides on the facts alone: a live container that cannot set the clock is
 * refused unless configure_container; one that can is allowed with a warning; images and
 * non-containers pass silently. */
static void
test_platform_container_gate(void)
{
    char docker[] = "docker", marker[] = "/.dockerenv";
    struct platform p = { .live = true, .container = docker, .container_evidence = marker,
                          .can_set_clock = 0 };
    struct msgs m = { 0 };

    CU_ASSERT_EQUAL(platform_container_gate(&p, false, &m), -1);
    CU_ASSERT_EQUAL(m.errors.n, 1);
    TE_ASSERT_CONTAINS(m.errors.v[0], "the clock belongs to the host");
    TE_ASSERT_CONTAINS(m.errors.v[0], "--configure-container");
    msgs_free(&m);
    CU_ASSERT_EQUAL(platform_container_gate(&p, true, &m), 0);
    CU_ASSERT_EQUAL(m.errors.n + m.warnings.n, 0);
    CU_ASSERT_EQUAL(m.notes.n, 1);
    msgs_free(&m);
    p.can_set_clock = 1;
    CU_ASSERT_EQUAL(platform_container_gate(&p, false, &m), 0);
    CU_ASSERT_EQUAL(m.warnings.n, 1);
    TE_ASSERT_CONTAINS(m.warnings.v[0], "sets the clock of the host");
    msgs_free(&m);
    p.live = false;
    p.can_set_clock = -1;
    CU_ASSERT_EQUAL(platform_container_gate(&p, false, &m), 0);
    p.live = true;
    p.can_set_clock = 0;
    p.container = NULL;
    CU_ASSERT_EQUAL(platform_container_gate(&p, false, &m), 0);
    CU_ASSERT_EQUAL(m.errors.n + m.warnings.n + m.notes.n, 0);
    msgs_free(&m);
}

static void
test_platform_capabilities(void)
{
    CU_ASSERT_TRUE(platform_status_has_sys_time("Name:\tx\nCapEff:\t000001fffeffffff\n"));
    CU_ASSERT_FALSE(platform_status_has_sys_time("Name:\tx\nCapEff:\t000001fffdffffff\n"));
    CU_ASSERT_TRUE(platform_status_has_sys_time("CapEff:\t0000000002000000\n"));
    CU_ASSERT_FALSE(platform_status_has_sys_time("CapPrm:\t000001ffffffffff\n"));
    CU_ASSERT_FALSE(platform_status_has_sys_time(NULL));
    CU_ASSERT_TRUE(platform_initial_userns("         0          0 4294967295\n"));
    CU_ASSERT_FALSE(platform_initial_userns("         0     100000      65536\n"));
    CU_ASSERT_FALSE(platform_initial_userns(""));
}

static void
test_platform_leap_smear(void)
{
    const char *mixed[] = { "0.pool.ntp.org", "time.google.com" };
    const char *two[] = { "metadata.google.internal.", "169.254.169.123", "TIME.AWS.COM" };
    const char *v6[] = { "FD00:EC2:0::123", "192.0.2.1" };
    size_t s = 99, p = 99;

    CU_ASSERT_TRUE(platform_smear_mixed(mixed, 2, &s, &p));
    CU_ASSERT_EQUAL(s, 1);
    CU_ASSERT_EQUAL(p, 0);
    CU_ASSERT_FALSE(platform_smear_mixed(two, 3, &s, &p));
    CU_ASSERT_TRUE(platform_smear_mixed(v6, 2, &s, &p));
    CU_ASSERT_EQUAL(s, 0);
    CU_ASSERT_PTR_NULL(platform_smeared_service("time5.google.com"));
    CU_ASSERT_PTR_NULL(platform_smeared_service("169.254.169.254"));
    CU_ASSERT_PTR_NOT_NULL(platform_smeared_service("time4.google.com"));
}

static void
test_platform_clocksource_note(void)
{
    char hpet[] = "hpet", tsc[] = "tsc", kvm[] = "kvm-clock", acpi[] = "acpi_pm";
    char avail[] = "tsc kvm-clock hpet acpi_pm", poor[] = "acpi_pm hpet";
    char hyperv[] = "hyperv_clocksource_tsc_page acpi_pm";
    struct platform p = { .kind = PLATFORM_VM, .clocksource = hpet, .clocksources = avail };
    char *note = platform_clocksource_note(&p);

    CU_ASSERT_PTR_NOT_NULL_FATAL(note);
    TE_ASSERT_CONTAINS(note, "clocksource hpet");
    TE_ASSERT_CONTAINS(note, "clocksource=kvm-clock");
    free(note);
    p.clocksource = tsc;                   /* a stable TSC is no documented drift cause */
    CU_ASSERT_PTR_NULL(platform_clocksource_note(&p));
    p.clocksource = kvm;
    CU_ASSERT_PTR_NULL(platform_clocksource_note(&p));
    p.clocksource = acpi;
    p.clocksources = poor;         /* nothing better on offer */
    CU_ASSERT_PTR_NULL(platform_clocksource_note(&p));
    p.clocksources = hyperv;
    note = platform_clocksource_note(&p);
    CU_ASSERT_PTR_NOT_NULL(note);
    free(note);
    p.kind = PLATFORM_BARE_METAL;
    CU_ASSERT_PTR_NULL(platform_clocksource_note(&p));
}

static const struct te_test tests[] = {
    TE_TEST(test_platform_dmi_clouds),
    TE_TEST(test_platform_unknown_and_bare_metal),
    TE_TEST(test_platform_container_markers),
    TE_TEST(test_platform_container_gate),
    TE_TEST(test_platform_capabilities),
    TE_TEST(test_platform_leap_smear),
    TE_TEST(test_platform_clocksource_note),
    TE_TESTS_END,
};

static const struct te_suite suites[] = {
    { "platform", tests },
    TE_SUITES_END,
};

TE_CUNIT_MAIN(suites)
