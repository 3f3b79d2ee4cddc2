/* SPDX-License-Identifier: Apache-2.0 */
/* settings: the one settings model and the one table of settings (below), from which the
 * command line, the YAML settings file and the Ansible module fill it. */
#ifndef TE_SETTINGS_H
#define TE_SETTINGS_H

#include <stdbool.h>

#include "msgs.h"
#include "strbuf.h"
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

/* ---- the table of settings ----------------------------------------------------------
 * Every setting a user can give, once: its long and short option on the command line
 * (apply), its key in the YAML settings file and as an argument of the Ansible module, its
 * type, range or choices, where it is stored and its --help text. The command line
 * (cmd-apply.c), the YAML loader (settings.c) and the Ansible module (ansible.c) are driven by
 * it, so a new option is one entry here; `te-ntp-setup settings-table` prints it for the tests
 * that hold the Python module and the bash completion to it. */

/* Which front ends take a setting. */
enum {
    FRONT_CLI = 1,          /* the command line of apply */
    FRONT_YAML = 2,         /* the settings file */
    FRONT_ANSIBLE = 4,      /* the Ansible module's arguments */
};

enum setting_type {
    SETTING_FLAG,           /* command line: no argument, stores value; YAML, Ansible: a
                             * boolean (the opposite when ansible_negated) */
    SETTING_INT,            /* a whole number from lo to hi */
    SETTING_CHOICE,         /* one of choices */
    SETTING_DIRECTORY,      /* the path of a directory that exists */
    SETTING_CONFIG,         /* the settings file, read before the other settings */
    SETTING_SOURCES,        /* servers or pools (value: enum source_kind) */
    SETTING_NETWORKS,       /* serve: networks in CIDR notation */
    SETTING_SOURCE_FLAG,    /* command line: sets the source field at offset (a bool) of
                             * every source given on the command line (--nts) */
    SETTING_STRING,         /* a source's host */
    SETTING_HELP,           /* command line: --help */
};

/* How a setting's value is stored at offset (of struct settings or struct source). */
enum setting_store {
    STORE_NONE,             /* not a plain field (sources, networks, config, help) */
    STORE_BOOL,
    STORE_INT,              /* an int or an enum */
    STORE_STRING,           /* a char * the settings own */
};

/* One choice of a SETTING_CHOICE: its word and the value stored. */
struct setting_choice {
    const char *name;
    int value;
};

struct setting_field {
    const char *option;         /* long option without "--", or NULL */
    char short_option;          /* 0 when none */
    const char *argument;       /* the option's argument in --help ("HOST"), NULL: none */
    const char *key;            /* YAML and Ansible key, or NULL */
    const char *ansible_key;    /* the Ansible argument when not key ("restart"), or NULL */
    unsigned fronts;            /* FRONT_* */
    enum setting_type type;
    bool ansible_negated;       /* the Ansible argument is the opposite of the flag */
    int value;                  /* FLAG: the value stored; SOURCES: the kind */
    long lo, hi;                /* INT */
    const struct setting_choice *choices;   /* CHOICE: ended by { NULL } */
    const char *noun;           /* CHOICE: a bad value is "unknown NOUN X (known: ...)" rather
                                 * than "NAME must be A or B, not X" */
    const char *unit;           /* INT on the command line: "seconds" */
    enum setting_store store;
    size_t offset;
    const char *help;           /* the description in --help, lines joined by '\n' */
};

/* The settings, ended by an entry without option and key; in the order of --help. */
extern const struct setting_field settings_fields[];
/* The fields of one source (servers:/pools: mappings in YAML and Ansible), the same way. */
extern const struct setting_field source_fields[];

/* True for the entry that ends a table. */
bool setting_end(const struct setting_field *f);
/* The name of a setting in a front end: "--mode", "mode" or "restart". */
const char *setting_key(const struct setting_field *f, unsigned front);
/* The field of name in the front end (for FRONT_CLI the long option without "--"); NULL. */
const struct setting_field *setting_find(const struct setting_field *table, unsigned front,
                                         const char *name);
/* The choice of text, or NULL. */
const struct setting_choice *setting_choice(const struct setting_field *f, const char *text);
/* What a value of f must be, for messages: "replace or merge", "true or false", "an integer
 * from -6 to 24" (YAML), "a whole number from 1 to 15" (Ansible), "a whole number of seconds
 * from 0 to 3600" (the command line, with a unit). */
char *setting_want(const struct setting_field *f, unsigned front);
/* The error for a bad choice of a field with a noun: "unknown NOUN VALUE (known: A, B)"
 * (value quoted or described by the caller). */
char *setting_unknown_choice(const struct setting_field *f, const char *value);
/* Parse a whole number from lo to hi written plainly (an optional '-', digits, no leading
 * zero, nothing else) into *out; false when it is not one. */
bool settings_parse_int(const char *text, long lo, long hi, int *out);
/* The keys of the front end, ", "-separated, in the table's order (sorted: alphabetically),
 * without the hidden _ansible_ ones. */
char *setting_keys(const struct setting_field *table, unsigned front, bool sorted);
/* The char * field of a STORE_STRING setting in base (struct settings or struct source). */
char **setting_string_at(const struct setting_field *f, void *base);
/* Store a flag, number or choice into base (struct settings or struct source) at f's offset;
 * a flag's value is f->value when on, 0 when off. */
void setting_store_flag(const struct setting_field *f, void *base, bool on);
void setting_store_int(const struct setting_field *f, void *base, int v);
void setting_store_choice(const struct setting_field *f, void *base,
                          const struct setting_choice *c);
/* Copy f's value from one struct settings to another (the command line over the file);
 * sources and networks move, replacing the other's. */
void setting_move(const struct setting_field *f, struct settings *to, struct settings *from);
/* The table as text, one line per field of both tables, tab-separated, "-" for nothing:
 * table option short argument key ansible type values negated fronts. */
void settings_table_text(struct strbuf *out);

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
