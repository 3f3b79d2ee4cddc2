/* SPDX-License-Identifier: Apache-2.0 */
/* settings: the one settings model, filled from the YAML file and the command line. */
#ifndef TE_SETTINGS_H
#define TE_SETTINGS_H

#include <stdbool.h>

#include "msgs.h"
#include "strv.h"


#define SETTINGS_DEFAULT_FILE "/etc/te-ntp-setup/te-ntp-setup.yaml"

enum source_kind { SOURCE_SERVER, SOURCE_POOL };

/* How much the text output says (apply --quiet / --verbose). */
enum verbosity {
    VERBOSITY_QUIET = -1,    /* errors only */
    VERBOSITY_NORMAL = 0,    /* what was done, warnings and errors */
    VERBOSITY_VERBOSE = 1,   /* and notes */
};

enum sync_mode {
    MODE_REPLACE,   /* the given sources become the only static server/pool sources */
    MODE_MERGE,     /* add the given sources, keep the others */
};

/* What to do with the NTP servers a DHCP server hands out. */
enum dhcp_policy {
    DHCP_KEEP,      /* leave the daemon's DHCP integration as it is */
    DHCP_IGNORE,    /* stop the daemon from using them, so the given sources are the only ones */
};

/* One NTP source as the user asked for it. */
struct source {
    enum source_kind kind;
    char *host;
    bool iburst;     /* default true */
    bool prefer;
    bool nts;
    int minpoll;     /* SOURCE_POLL_UNSET when not given */
    int maxpoll;
    int key;         /* 0 when not given */
};

#define SOURCE_POLL_UNSET (-100)

struct settings {
    struct source *sources;
    size_t n_sources;
    char *implementation;    /* NULL or "auto": detect */
    enum sync_mode mode;
    enum dhcp_policy dhcp;   /* default DHCP_KEEP */
    struct strv serve;       /* networks this host serves time to (CIDR; canonical after
                              * settings_finish); empty: it serves nobody */
    int local_stratum;       /* 0: none; 1-15: serve the local clock at this stratum when
                              * cut off from every source (needs serve) */
    char *root;              /* NULL: the running system */
    char *config_path;       /* the settings file read, if any */
    bool dry_run;
    bool diff;
    bool json;
    bool detailed_exitcodes;
    bool no_restart;
    bool no_firewall;
    bool no_verify;
    bool if_needed;          /* leave an active, synchronized NTP client alone */
    bool accept_auth_downgrade; /* replace authenticated sources (NTS, keys) or the rules
                                 * that demand them by sources without authentication */
    bool accept_unsynchronized;  /* Ansible: configured but not synchronized is no failure */
    bool configure_container;  /* configure a container's daemon even when it cannot set
                                * the clock (the host's) */
    bool platform_sources;   /* default true: with no source given, the cloud's own time
                              * service (--platform auto|none, platform:) */
    bool allow_leap_smear_mix;  /* allow leap-smearing sources beside others */
    bool default_sources;    /* settings_finish added the default sources (none was given) */
    const char *sources_from;   /* "given", "default" or the id of the cloud that chose them */
    char *sources_note;      /* why the platform chose them (text output), or NULL */
    char *refclock;          /* chrony: a refclock line the platform chose (Azure), or NULL */
    enum verbosity verbosity;
    int verify_timeout;      /* seconds to wait for a source to be selected */
    int lock_timeout;        /* seconds to wait for another instance */
};

#define SETTINGS_LOCAL_STRATUM_MAX 15
#define SETTINGS_VERIFY_TIMEOUT 30
#define SETTINGS_LOCK_TIMEOUT 30

/* Initialise with the built-in defaults (no sources yet: see settings_finish). */
void settings_init(struct settings *s);
/* Free everything the settings own. */
void settings_free(struct settings *s);
/* Append a source with default options (iburst on); the host is copied, not checked. */
struct source *settings_add_source(struct settings *s, enum source_kind kind, const char *host);
/* Parse "replace" or "merge"; false when neither. */
bool settings_parse_mode(const char *text, enum sync_mode *mode);
/* The name of a mode. */
const char *settings_mode_name(enum sync_mode mode);
/* Parse "keep" or "ignore"; false when neither. */
bool settings_parse_dhcp(const char *text, enum dhcp_policy *dhcp);
/* The name of a DHCP policy. */
const char *settings_dhcp_name(enum dhcp_policy dhcp);
/* Read a YAML settings file into s; every problem is recorded in m as file:line:col: message.
 * Returns 0, or -1 when the file was unreadable or had any error. */
int settings_load_yaml(struct settings *s, const char *path, struct msgs *m);
/* Read YAML from a buffer (name is used in messages). */
int settings_load_yaml_text(struct settings *s, const char *name, const char *text,
                            size_t len, struct msgs *m);
/* Validate every source (names, option ranges) and every serve network (rewritten in
 * canonical form, host bits cleared, with a note when that changed it), and add the default
 * sources when none was given. Problems go to m, each naming the bad value. 0 or -1. */
int settings_finish(struct settings *s, struct msgs *m);
/* Forget all sources (the command line's replace the file's). */
void settings_clear_sources(struct settings *s);
/* Parse "auto" (true) or "none" (false) of --platform / platform:; false when neither. */
bool settings_parse_platform(const char *text, bool *platform_sources);
/* Parse a local stratum ("1" to "15") into *out; false when it is not one. */
bool settings_parse_local_stratum(const char *text, int *out);

#endif
