/* SPDX-License-Identifier: Apache-2.0 */
/* platform: where the target runs, read from files under its root.
 *
 * Virtual machine and cloud: the DMI strings the firmware gives (sys/class/dmi/id), the Xen
 * hypervisor files (sys/hypervisor), the "hypervisor" CPU flag (proc/cpuinfo), and on a
 * live x86 run the hypervisor's CPUID signature. The vendor strings are the ones
 * systemd-detect-virt (src/basic/virt.c) and cloud-init (ds-identify) match.
 *
 * Containers: the markers systemd-detect-virt reads, in its order: OpenVZ's /proc/vz,
 * WSL's kernel release, /run/host/container-manager, /run/systemd/container, container= in
 * PID 1's environment, then Podman's /run/.containerenv and Docker's /.dockerenv. Under a
 * root all of them are read inside it (a fixture carries proc/1/environ as a file); a marker
 * that is a symbolic link out of the root is ignored. On the running system
 * /proc/1/environ needs root (and may be refused even then): unreadable means unknown.
 *
 * May this process set the clock (live only)? The kernel checks CAP_SYS_TIME against the
 * initial user namespace, so: CAP_SYS_TIME in the effective set (/proc/self/status CapEff)
 * and /proc/self/uid_map the identity map of the initial namespace. No probe is made: the
 * read-only clock_adjtime modes (0, ADJ_OFFSET_SS_READ) are not permission-checked, and
 * every other mode changes the clock. */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#endif

#include <arpa/inet.h>

#include "alloc.h"
#include "msgs.h"
#include "paths.h"
#include "platform.h"
#include "settings.h"
#include "strbuf.h"

#define MAX_SMALL_FILE (64 * 1024)
#define MAX_CPUINFO (4 * 1024 * 1024)
#define CAP_SYS_TIME_BIT 25

/* Sources: Amazon EC2 User Guide "Set the time for your Linux instance" (169.254.169.123,
 * leap seconds smeared); Google Compute Engine "Configure NTP for VMs" (the metadata
 * server, smeared); Azure "Time sync for Linux VMs in Azure" (the host's PTP clock
 * /dev/ptp_hyperv); Oracle Cloud Infrastructure "Configuring the Oracle Cloud
 * Infrastructure NTP Service for an Instance" (169.254.169.254). See the man page. */
static const struct platform_cloud aws = {
    .id = "aws", .name = "Amazon EC2", .server = "169.254.169.123", .smeared = true,
};
static const struct platform_cloud gce = {
    .id = "gce", .name = "Google Compute Engine", .server = "metadata.google.internal",
    .smeared = true,
};
static const struct platform_cloud azure = {
    .id = "azure", .name = "Microsoft Azure", .server = NULL, .smeared = false,
};
static const struct platform_cloud oracle = {
    .id = "oracle", .name = "Oracle Cloud Infrastructure", .server = "169.254.169.254",
    .smeared = false,
};

const struct platform_cloud *const platform_clouds[] = { &aws, &gce, &azure, &oracle, NULL };

const struct platform_cloud *
platform_cloud_by_id(const char *id)
{
    for (size_t i = 0; platform_clouds[i]; i++)
        if (strcmp(platform_clouds[i]->id, id) == 0)
            return platform_clouds[i];
    return NULL;
}

const char *
platform_kind_name(enum platform_kind k)
{
    switch (k) {
    case PLATFORM_BARE_METAL: return "bare metal";
    case PLATFORM_VM:         return "virtual machine";
    default:                  return "unknown";
    }
}

/* The whole of a file under the root, or NULL (missing, unreadable, or leading out of the
 * root). */
static char *
read_under(const char *root, const char *abs, size_t max)
{
    struct strbuf sb;
    char *r = NULL;

    sb_init(&sb);
    if (read_file_in_root(root, abs, max, &sb) == 0)     /* no link leads out of the root */
        r = sb_steal(&sb);
    sb_free(&sb);
    return r;
}

/* The first line of a small file, trimmed; NULL when missing or empty. */
static char *
read_line(const char *root, const char *abs)
{
    char *t = read_under(root, abs, MAX_SMALL_FILE), *s, *e;

    if (!t)
        return NULL;
    s = t + strspn(t, " \t");
    e = s + strcspn(s, "\n");
    while (e > s && isspace((unsigned char)e[-1]))
        e--;
    *e = '\0';
    if (!*s) {
        free(t);
        return NULL;
    }
    memmove(t, s, (size_t)(e - s) + 1);
    return t;
}

static bool
exists_under(const char *root, const char *abs)
{
    char *p = root_path(root, abs);
    bool r = path_inside_root(root, p) && path_exists(p);

    free(p);
    return r;
}

static bool
starts_with(const char *s, const char *prefix)
{
    return s && strncmp(s, prefix, strlen(prefix)) == 0;
}

static bool
contains_nocase(const char *s, const char *needle)
{
    size_t n = strlen(needle);

    for (; s && *s; s++)
        if (strncasecmp(s, needle, n) == 0)
            return true;
    return false;
}

/* ---- virtual machine and cloud --------------------------------------------------- */

enum { DMI_SYS_VENDOR, DMI_PRODUCT_NAME, DMI_PRODUCT_VERSION, DMI_BOARD_VENDOR,
       DMI_BIOS_VENDOR, DMI_BIOS_VERSION, DMI_BOARD_ASSET_TAG, DMI_CHASSIS_ASSET_TAG,
       DMI_PRODUCT_UUID, DMI_N };
static const char *const dmi_names[DMI_N] = {
    "sys_vendor", "product_name", "product_version", "board_vendor", "bios_vendor",
    "bios_version", "board_asset_tag", "chassis_asset_tag", "product_uuid",
};

/* Vendor prefixes of sys_vendor, board_vendor, bios_vendor and product_name that name a
 * hypervisor (systemd's detect_vm_dmi_vendor). */
static const struct { const char *prefix, *id; } dmi_vendors[] = {
    { "KVM", "kvm" }, { "OpenStack", "kvm" }, { "KubeVirt", "kvm" },
    { "Amazon EC2", "amazon" }, { "QEMU", "qemu" }, { "VMware", "vmware" },
    { "VMW", "vmware" }, { "innotek GmbH", "oracle" }, { "VirtualBox", "oracle" },
    { "Xen", "xen" }, { "Bochs", "bochs" }, { "Parallels", "parallels" },
    { "BHYVE", "bhyve" }, { "Hyper-V", "microsoft" }, { "Apple Virtualization", "apple" },
    { "Google Compute Engine", "google" }, { "Google", "google" },
};

static void
set_vm(struct platform *p, const char *id, char *evidence)
{
    p->kind = PLATFORM_VM;
    if (!p->hypervisor && id)
        p->hypervisor = xstrdup(id);
    if (!p->vm_evidence)
        p->vm_evidence = evidence;
    else
        free(evidence);
}

static void
set_cloud(struct platform *p, const struct platform_cloud *c, const char *field,
          const char *value)
{
    if (p->cloud)
        return;
    p->cloud = c;
    p->cloud_evidence = xasprintf("%s: %s", field, value);
}

/* The hypervisor's CPUID signature (leaf 0x40000000), live on x86 only: its id ("unknown"
 * for a signature not in the list) and the signature in sig; NULL when no hypervisor. */
static const char *
cpuid_hypervisor(char sig[13])
{
#if defined(__x86_64__) || defined(__i386__)
    static const struct { const char *sig, *id; } sigs[] = {
        { "KVMKVMKVM", "kvm" }, { "Linux KVM Hv", "kvm" }, { "XenVMMXenVMM", "xen" },
        { "VMwareVMware", "vmware" }, { "Microsoft Hv", "microsoft" }, { "bhyve bhyve ", "bhyve" },
        { "QNXQVMBSQG", "qnx" }, { "ACRNACRNACRN", "acrn" }, { "SRESRESRESRE", "sre" },
        { "TCGTCGTCGTCG", "qemu" }, { "VBoxVBoxVBox", "oracle" },
    };
    unsigned int eax, ebx, ecx, edx;

    if (!__get_cpuid(1, &eax, &ebx, &ecx, &edx) || !(ecx & (1u << 31)))
        return NULL;
    __cpuid(0x40000000, eax, ebx, ecx, edx);
    memcpy(sig, &ebx, 4);
    memcpy(sig + 4, &ecx, 4);
    memcpy(sig + 8, &edx, 4);
    sig[12] = '\0';
    for (size_t i = 0; i < TE_ARRAY_LEN(sigs); i++)
        if (strcmp(sig, sigs[i].sig) == 0)
            return sigs[i].id;
    return "unknown";
#else
    sig[0] = '\0';
    return NULL;
#endif
}

static bool
cpuinfo_has_hypervisor_flag(const char *cpuinfo)
{
    for (const char *l = cpuinfo; l && *l; ) {
        const char *e = strchr(l, '\n');
        size_t n = e ? (size_t)(e - l) : strlen(l);

        if (n > 5 && strncmp(l, "flags", 5) == 0) {
            char *line = xasprintf("%.*s ", (int)n, l);
            bool r = strstr(line, " hypervisor ") != NULL;

            free(line);
            if (r)
                return true;
        }
        l = e ? e + 1 : l + n;
    }
    return false;
}

static void
read_vm(struct platform *p, const char *root)
{
    char *dmi[DMI_N] = { 0 };
    char *t;
    bool any_dmi = false;

    for (size_t i = 0; i < DMI_N; i++) {
        char *path = xasprintf("/sys/class/dmi/id/%s", dmi_names[i]);

        dmi[i] = read_line(root, path);
        any_dmi = any_dmi || dmi[i];
        free(path);
    }
    /* The clouds (cloud-init's ds-identify and each provider's documentation). */
    if (dmi[DMI_SYS_VENDOR] && strcmp(dmi[DMI_SYS_VENDOR], "Amazon EC2") == 0)
        set_cloud(p, &aws, "sys_vendor", dmi[DMI_SYS_VENDOR]);
    else if (contains_nocase(dmi[DMI_BIOS_VERSION], "amazon"))
        set_cloud(p, &aws, "bios_version", dmi[DMI_BIOS_VERSION]);
    else if (contains_nocase(dmi[DMI_PRODUCT_VERSION], "amazon"))
        set_cloud(p, &aws, "product_version", dmi[DMI_PRODUCT_VERSION]);
    else if (starts_with(dmi[DMI_PRODUCT_UUID], "ec2") || starts_with(dmi[DMI_PRODUCT_UUID], "EC2"))
        set_cloud(p, &aws, "product_uuid", dmi[DMI_PRODUCT_UUID]);
    if (dmi[DMI_PRODUCT_NAME] && strcmp(dmi[DMI_PRODUCT_NAME], "Google Compute Engine") == 0)
        set_cloud(p, &gce, "product_name", dmi[DMI_PRODUCT_NAME]);
    else if (dmi[DMI_SYS_VENDOR] && strcmp(dmi[DMI_SYS_VENDOR], "Google") == 0)
        set_cloud(p, &gce, "sys_vendor", dmi[DMI_SYS_VENDOR]);
    if (dmi[DMI_CHASSIS_ASSET_TAG] &&
        strcmp(dmi[DMI_CHASSIS_ASSET_TAG], "7783-7084-3265-9085-8269-3286-77") == 0)
        set_cloud(p, &azure, "chassis_asset_tag", dmi[DMI_CHASSIS_ASSET_TAG]);
    if (dmi[DMI_CHASSIS_ASSET_TAG] && strcmp(dmi[DMI_CHASSIS_ASSET_TAG], "OracleCloud.com") == 0)
        set_cloud(p, &oracle, "chassis_asset_tag", dmi[DMI_CHASSIS_ASSET_TAG]);

    /* The hypervisor. */
    for (size_t f = 0; f < DMI_N && p->kind != PLATFORM_VM; f++) {
        if (f != DMI_SYS_VENDOR && f != DMI_BOARD_VENDOR && f != DMI_BIOS_VENDOR &&
            f != DMI_PRODUCT_NAME)
            continue;
        for (size_t i = 0; dmi[f] && i < TE_ARRAY_LEN(dmi_vendors); i++) {
            if (starts_with(dmi[f], dmi_vendors[i].prefix)) {
                set_vm(p, dmi_vendors[i].id, xasprintf("%s: %s", dmi_names[f], dmi[f]));
                break;
            }
        }
    }
    if (p->kind != PLATFORM_VM && dmi[DMI_SYS_VENDOR] && dmi[DMI_PRODUCT_NAME] &&
        strcmp(dmi[DMI_SYS_VENDOR], "Microsoft Corporation") == 0 &&
        strcmp(dmi[DMI_PRODUCT_NAME], "Virtual Machine") == 0)
        set_vm(p, "microsoft", xasprintf("sys_vendor: %s, product_name: %s",
                                         dmi[DMI_SYS_VENDOR], dmi[DMI_PRODUCT_NAME]));
    if ((t = read_line(root, "/sys/hypervisor/type"))) {
        set_vm(p, t, xasprintf("/sys/hypervisor/type: %s", t));
        free(t);
    }
    if (p->live) {
        char sig[13];
        const char *id = cpuid_hypervisor(sig);

        if (id) {
            char *q = quote_string(sig);

            set_vm(p, strcmp(id, "unknown") ? id : NULL,
                   xasprintf("CPUID hypervisor signature %s", q));
            free(q);
        }
    }
    if (p->kind != PLATFORM_VM && (t = read_under(root, "/proc/cpuinfo", MAX_CPUINFO))) {
        if (cpuinfo_has_hypervisor_flag(t))
            set_vm(p, NULL, xstrdup("/proc/cpuinfo: the hypervisor CPU flag"));
        free(t);
    }
    if (p->cloud && p->kind != PLATFORM_VM)
        set_vm(p, NULL, xstrdup(p->cloud_evidence));
    if (p->kind != PLATFORM_VM && any_dmi)
        p->kind = PLATFORM_BARE_METAL;
    for (size_t i = 0; i < DMI_N; i++)
        free(dmi[i]);
}

/* ---- containers ---------------------------------------------------------------- */

/* container= of PID 1's environment (NUL-separated): its value, or NULL. */
static char *
environ_container(const char *root, bool *readable)
{
    struct strbuf sb;
    char *r = NULL;

    *readable = false;
    sb_init(&sb);
    if (read_file_in_root(root, "/proc/1/environ", MAX_SMALL_FILE, &sb) == 0) {
        *readable = true;
        for (size_t off = 0; off < sb.len; off += strlen(sb.buf + off) + 1) {
            if (strncmp(sb.buf + off, "container=", 10) == 0) {
                r = xstrdup(sb.buf + off + 10);
                break;
            }
        }
    }
    sb_free(&sb);
    return r;
}

static void
set_container(struct platform *p, const char *name, const char *evidence)
{
    p->container = xstrdup(name);
    p->container_evidence = xstrdup(evidence);
}

/* The name a marker gives: "oci" names no runtime, so the files decide; an empty value of
 * container= means no container. */
static void
read_container(struct platform *p, const char *root, struct msgs *m)
{
    static const char *const name_files[] = {
        "/run/host/container-manager", "/run/systemd/container",
    };
    char *t, *v;
    bool readable;

    if (exists_under(root, "/proc/vz") && !exists_under(root, "/proc/bc")) {
        set_container(p, "openvz", "/proc/vz");
        return;
    }
    if ((t = read_line(root, "/proc/sys/kernel/osrelease"))) {
        bool wsl = strstr(t, "Microsoft") || strstr(t, "WSL");

        free(t);
        if (wsl) {
            set_container(p, "wsl", "/proc/sys/kernel/osrelease");
            return;
        }
    }
    for (size_t i = 0; i < TE_ARRAY_LEN(name_files); i++) {
        if ((t = read_line(root, name_files[i]))) {
            if (strcmp(t, "oci") != 0) {
                set_container(p, t, name_files[i]);
                free(t);
                return;
            }
            free(t);
        }
    }
    v = environ_container(root, &readable);
    if (v && *v && strcmp(v, "oci") != 0) {
        set_container(p, v, "container= in the environment of PID 1");
        free(v);
        return;
    }
    if (v && !*v) {
        free(v);
        return;                     /* container= empty: systemd's "not a container" */
    }
    free(v);
    if (!readable && p->live)
        msg_note(m, "cannot read /proc/1/environ (another process's environment needs "
                 "root and ptrace access): the container check relies on the other markers");
    if (exists_under(root, "/run/.containerenv"))
        set_container(p, "podman", "/run/.containerenv");
    else if (exists_under(root, "/.dockerenv"))
        set_container(p, "docker", "/.dockerenv");
}

bool
platform_status_has_sys_time(const char *status)
{
    const char *l = status ? strstr(status, "CapEff:") : NULL;
    unsigned long long caps;
    char *end;

    if (!l || (l != status && l[-1] != '\n'))
        return false;
    caps = strtoull(l + 7, &end, 16);
    return end != l + 7 && ((caps >> CAP_SYS_TIME_BIT) & 1);
}

bool
platform_initial_userns(const char *uid_map)
{
    unsigned long a, b, c;

    return uid_map && sscanf(uid_map, " %lu %lu %lu", &a, &b, &c) == 3 && a == 0 && b == 0 &&
           c == 4294967295UL;
}

static int
can_set_clock(void)
{
    char *status = read_under(NULL, "/proc/self/status", MAX_SMALL_FILE);
    char *uid_map = read_under(NULL, "/proc/self/uid_map", MAX_SMALL_FILE);
    int r = platform_status_has_sys_time(status) && (!uid_map || platform_initial_userns(uid_map));

    free(status);
    free(uid_map);
    return r;
}

void
platform_read(struct platform *p, const char *root, struct msgs *m)
{
    memset(p, 0, sizeof(*p));
    if (root && (!*root || strcmp(root, "/") == 0))
        root = NULL;
    p->live = root == NULL;
    p->can_set_clock = p->live ? can_set_clock() : -1;
    read_vm(p, root);
    read_container(p, root, m);
    p->clocksource = read_line(root, "/sys/devices/system/clocksource/clocksource0/"
                               "current_clocksource");
    p->clocksources = read_line(root, "/sys/devices/system/clocksource/clocksource0/"
                                "available_clocksource");
}

void
platform_free(struct platform *p)
{
    free(p->hypervisor);
    free(p->vm_evidence);
    free(p->cloud_evidence);
    free(p->container);
    free(p->container_evidence);
    free(p->clocksource);
    free(p->clocksources);
    memset(p, 0, sizeof(*p));
}

int
platform_container_gate(const struct platform *p, bool configure_container, struct msgs *m)
{
    if (!p->live || !p->container)
        return 0;
    if (p->can_set_clock) {
        msg_warn(m, "this system is a container (%s: %s) that can set the clock "
                 "(CAP_SYS_TIME): the NTP daemon configured here sets the clock of the host "
                 "and of every container on it", p->container, p->container_evidence);
        return 0;
    }
    if (configure_container) {
        msg_note(m, "this system is a container (%s: %s) without CAP_SYS_TIME: its NTP "
                 "daemon is configured as asked (--configure-container), but it cannot set "
                 "the clock, which is the host's", p->container, p->container_evidence);
        return 0;
    }
    msg_error(m, "this system is a container (%s: %s) that cannot set the clock (no "
              "CAP_SYS_TIME): the clock belongs to the host, and configuring NTP here changes "
              "nothing. Run te-ntp-setup on the host that runs the container; to configure "
              "the container's NTP daemon anyway, give --configure-container "
              "(configure_container: true). Nothing was changed.", p->container,
              p->container_evidence);
    return -1;
}

/* ---- the servers of the platform ------------------------------------------------- */

const char *
platform_smeared_service(const char *host)
{
    static const struct { const char *host, *service; } smeared[] = {
        { "time.google.com", "Google's NTP service" },
        { "time1.google.com", "Google's NTP service" },
        { "time2.google.com", "Google's NTP service" },
        { "time3.google.com", "Google's NTP service" },
        { "time4.google.com", "Google's NTP service" },
        { "metadata.google.internal", "Google's NTP service (the metadata server)" },
        { "169.254.169.123", "the Amazon Time Sync Service" },
        { "fd00:ec2::123", "the Amazon Time Sync Service" },
        { "time.aws.com", "the Amazon Time Sync Service" },
    };
    unsigned char a[16], b[16];
    size_t n = strlen(host);

    if (n && host[n - 1] == '.')
        n--;                                     /* a fully qualified name */
    for (size_t i = 0; i < TE_ARRAY_LEN(smeared); i++) {
        if (strlen(smeared[i].host) == n && strncasecmp(host, smeared[i].host, n) == 0)
            return smeared[i].service;
        if (strchr(host, ':') && strchr(smeared[i].host, ':') &&
            inet_pton(AF_INET6, host, a) == 1 && inet_pton(AF_INET6, smeared[i].host, b) == 1 &&
            memcmp(a, b, sizeof(a)) == 0)
            return smeared[i].service;
    }
    return NULL;
}

bool
platform_smear_mixed(const char *const *hosts, size_t n, size_t *smeared, size_t *plain)
{
    bool have_s = false, have_p = false;

    for (size_t i = 0; i < n; i++) {
        if (platform_smeared_service(hosts[i])) {
            if (!have_s)
                *smeared = i;
            have_s = true;
        } else {
            if (!have_p)
                *plain = i;
            have_p = true;
        }
    }
    return have_s && have_p;
}

/* Red Hat Enterprise Linux 6 Deployment Guide, 22.7 "Managing the Time on Virtual Machines":
 * a virtual machine's emulated clock "is not stable enough as the stability is dependent on
 * the host systems work load", so the paravirtualized clock should be used. The TSC is not
 * flagged: the kernel stops using a TSC it finds unstable by itself, and a stable one is
 * what the clouds' own images use. */
char *
platform_clocksource_note(const struct platform *p)
{
    static const char *const paravirt[] = { "kvm-clock", "hyperv_clocksource_tsc_page", "xen" };
    static const char *const emulated[] = { "hpet", "acpi_pm", "pit", "jiffies", "refined-jiffies" };
    const char *pv = NULL;
    bool emu = false;

    if (p->kind != PLATFORM_VM || !p->clocksource || !p->clocksources)
        return NULL;
    for (size_t i = 0; i < TE_ARRAY_LEN(emulated); i++)
        emu = emu || strcmp(p->clocksource, emulated[i]) == 0;
    for (size_t i = 0; emu && !pv && i < TE_ARRAY_LEN(paravirt); i++) {
        const char *w = p->clocksources;
        size_t n = strlen(paravirt[i]);

        while ((w = strstr(w, paravirt[i])) != NULL) {
            if ((w == p->clocksources || w[-1] == ' ') && (w[n] == '\0' || w[n] == ' ')) {
                pv = paravirt[i];
                break;
            }
            w += n;
        }
    }
    if (!pv)
        return NULL;
    return xasprintf("this virtual machine's kernel keeps time with the clocksource %s although "
                     "the hypervisor's own, %s, is available: an emulated timer's stability "
                     "depends on the host's load, a documented cause of drift (Red Hat, "
                     "\"Managing the Time on Virtual Machines\"); the kernel parameter "
                     "clocksource=%s selects it", p->clocksource, pv, pv);
}

#define AZURE_PHC "/dev/ptp_hyperv"
#define AZURE_REFCLOCK "PHC " AZURE_PHC " poll 3 dpoll -2 offset 0 stratum 2"

void
platform_default_sources(struct settings *s, const struct platform *p, const char *root,
                         const char *implementation, struct msgs *m)
{
    const struct platform_cloud *c = p->cloud;

    if (!s->default_sources || !s->platform_sources || !c)
        return;
    if (c->server) {
        settings_clear_sources(s);
        settings_add_source(s, SOURCE_SERVER, c->server);
        s->sources_from = c->id;
        free(s->sources_note);
        s->sources_note = xasprintf("sources chosen for the platform (%s: %s): %s, as the "
                                    "provider recommends; --platform none for the public pool",
                                    c->name, p->cloud_evidence, c->server);
        return;
    }
    /* Azure: the host's clock through the Hyper-V PTP device, for chrony. */
    if (strcmp(implementation, "chrony") != 0) {
        msg_note(m, "%s: Azure documents the host's PTP clock (" AZURE_PHC ") for chrony "
                 "only; %s cannot use it, so the public pool is used (install chrony, or name "
                 "the servers)", c->name, implementation);
        return;
    }
    if (!exists_under(root, AZURE_PHC)) {
        msg_note(m, "%s: no " AZURE_PHC " on %s (the host's PTP clock, which Azure's udev "
                 "rule names; the hv_utils module provides it): the public pool is used",
                 c->name, root ? root : "this system");
        return;
    }
    free(s->refclock);
    s->refclock = xstrdup(AZURE_REFCLOCK);
    s->sources_from = c->id;
    free(s->sources_note);
    s->sources_note = xasprintf("sources chosen for the platform (%s: %s): the host's PTP "
                                "clock (refclock " AZURE_REFCLOCK "), as Azure documents for "
                                "chrony, with the public pool as a fallback; --platform none "
                                "for the pool alone", c->name, p->cloud_evidence);
}
