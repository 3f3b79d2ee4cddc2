/* SPDX-License-Identifier: Apache-2.0 */
/* platform: where the target runs (bare metal or a hypervisor, which cloud, which container
 * runtime) and whether this process may set the clock. Everything is read from files under
 * the root (DMI in sys/class/dmi/id, the container markers systemd-detect-virt reads), so an
 * image or a test fixture carries its own; never from the network. */
#ifndef TE_PLATFORM_H
#define TE_PLATFORM_H

#include <stdbool.h>

#include "msgs.h"

enum platform_kind {
    PLATFORM_UNKNOWN,      /* nothing readable says */
    PLATFORM_BARE_METAL,   /* DMI present, no hypervisor marker */
    PLATFORM_VM,           /* a hypervisor marker */
};

/* A cloud provider with its own time service. */
struct platform_cloud {
    const char *id;        /* "aws", "gce", "azure", "oracle" */
    const char *name;      /* "Amazon EC2" */
    const char *server;    /* its NTP server, or NULL (Azure: the host's PTP clock) */
    bool smeared;          /* its service smears leap seconds */
};

struct platform {
    enum platform_kind kind;
    char *hypervisor;      /* "kvm", "xen", "microsoft", "vmware", ...; NULL: none or unknown */
    char *vm_evidence;     /* what said so ("sys_vendor: QEMU"); NULL */
    const struct platform_cloud *cloud;   /* NULL: none known */
    char *cloud_evidence;  /* "sys_vendor: Amazon EC2"; NULL */
    char *container;       /* "docker", "podman", "lxc", "systemd-nspawn", ...; NULL: none */
    char *container_evidence;  /* the marker ("/.dockerenv"); NULL */
    char *clocksource;     /* the kernel's current clocksource; NULL: unknown */
    char *clocksources;    /* the available ones, space-separated; NULL: unknown */
    bool live;             /* read from the running system (not an image under a root) */
    int can_set_clock;     /* live: 1 when this process may set the clock (CAP_SYS_TIME in
                            * the effective set, in the initial user namespace), 0 when
                            * not; -1 for an image */
};

/* Read the platform of the system under root (NULL or "/": this one). Unreadable files leave
 * their facts unknown; nothing fails. Notes in m say what could not be read. */
void platform_read(struct platform *p, const char *root, struct msgs *m);
/* Free it. */
void platform_free(struct platform *p);
/* "bare metal", "virtual machine", "unknown". */
const char *platform_kind_name(enum platform_kind k);
/* The cloud providers the tool knows, NULL-terminated. */
extern const struct platform_cloud *const platform_clouds[];
/* The cloud of that id, or NULL. */
const struct platform_cloud *platform_cloud_by_id(const char *id);
/* Whether apply may act on the live system p describes: 0 (a container that can set the
 * clock: a warning in m), or -1 with the error in m when p is a container that cannot set
 * the clock and configure_container is false. Images (not live) always 0. */
int platform_container_gate(const struct platform *p, bool configure_container,
                            struct msgs *m);
/* The time service a host name or address belongs to when that service smears leap seconds
 * ("Google's NTP service", "the Amazon Time Sync Service"), else NULL. Known: Google's
 * time.google.com, time1-4.google.com and metadata.google.internal; Amazon's
 * 169.254.169.123, fd00:ec2::123 and time.aws.com. */
const char *platform_smeared_service(const char *host);

/* True when hosts mix a source that smears leap seconds with one that does not; *smeared and
 * *plain are then their indexes. */
bool platform_smear_mixed(const char *const *hosts, size_t n, size_t *smeared, size_t *plain);
/* check's note on the kernel's clocksource (free it), or NULL: only in a virtual machine
 * whose kernel keeps time with an emulated timer (hpet, acpi_pm, pit, jiffies) while the
 * hypervisor's own clocksource (kvm-clock, hyperv_clocksource_tsc_page, xen) is available,
 * a documented cause of drift. */
char *platform_clocksource_note(const struct platform *p);

struct settings;
/* When s has the default sources (none was given) and s->platform_sources: replace them by
 * the cloud's own time service. implementation is the one apply configures ("chrony"...);
 * root the target's (NULL: this system). Azure: with chrony and /dev/ptp_hyperv, a refclock
 * (s->refclock) and the public pool as its fallback; else the pool, with a note. Sets
 * s->sources_from and s->sources_note. */
void platform_default_sources(struct settings *s, const struct platform *p, const char *root,
                              const char *implementation, struct msgs *m);
/* The process status text (/proc/self/status) has CAP_SYS_TIME in its CapEff line. */
bool platform_status_has_sys_time(const char *status);
/* The uid_map text is the initial user namespace's ("0 0 4294967295"). */
bool platform_initial_userns(const char *uid_map);

#endif
