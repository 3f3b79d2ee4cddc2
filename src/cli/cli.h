/* SPDX-License-Identifier: Apache-2.0 */
/* cli: what the commands of the program share: exit codes, messages, the lens directory.
 * One file per command (cmd-*.c), each exporting a struct command; main.c dispatches. */
#ifndef TE_CLI_H
#define TE_CLI_H

#include "msgs.h"
#include "strv.h"


enum {
    EXIT_OK = 0,
    EXIT_FAILED = 1,        /* failed; the system was left or put back as it was */
    EXIT_CHANGED = 2,       /* with --detailed-exitcodes: something changed */
    EXIT_UNRESTORED = 3,    /* failed and could not be restored */
    EXIT_LOCKED = 4,        /* another instance holds the lock */
    EXIT_UNSYNCHRONIZED = 5,  /* configured, but not seen synchronized within the timeout */
    EXIT_USAGE = 64,        /* usage error or invalid input; nothing touched */
};

/* Long-only options share these codes across commands. */
enum {
    OPT_JSON = 256,
    OPT_NO_FIREWALL,
    OPT_NO_RESTART,
    OPT_NO_VERIFY,
    OPT_VERIFY_TIMEOUT,
    OPT_IF_NEEDED,
    OPT_LOCK_TIMEOUT,
    OPT_DETAILED,
    OPT_REMOVE,
    OPT_WARN,
    OPT_CRIT,
    OPT_TIMEOUT,
    OPT_QUIET,
    OPT_VERBOSE,
    OPT_DHCP,
    OPT_SERVE,
    OPT_LOCAL_STRATUM,
    OPT_NTS,
    OPT_ACCEPT_DOWNGRADE,
    OPT_CONFIGURE_CONTAINER,
    OPT_PLATFORM,
    OPT_ALLOW_SMEAR_MIX,
    OPT_ALL,
};

struct command {
    const char *name;
    const char *usage;              /* its part of --help */
    int (*run)(int argc, char **argv);   /* argv[0] is the command's name */
};

extern const struct command cmd_apply;
extern const struct command cmd_detect;
extern const struct command cmd_rollback;
extern const struct command cmd_firewall;
extern const struct command cmd_check;
extern const struct command cmd_ansible_module;

/* Print the collected messages to stderr ("te-ntp-setup: error: ..."). */
void cli_print_msgs(const struct msgs *m);
/* The same at a verbosity (see enum verbosity): quiet prints only the errors, normal the
 * warnings and errors, verbose the notes too. */
void cli_print_msgs_at(const struct msgs *m, int verbosity);
/* The audit trail: one syslog line (facility daemon, ident te-ntp-setup) per action at
 * LOG_NOTICE, "COMMAND: ACTION", then when failed one per error at LOG_ERR. Nothing when
 * there is nothing to say. Harmless without a syslog daemon. */
void cli_audit(const char *command, const struct strv *actions, const struct msgs *m,
               bool failed);
/* Print "te-ntp-setup: MESSAGE" and the hint to --help to stderr; returns EXIT_USAGE. */
int cli_usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* The getopt_long error already printed: add the hint; returns EXIT_USAGE. */
int cli_bad_option(void);
/* Parse a number of seconds (0 .. max) of option name into *out; false (with the message
 * printed) when it is not one. */
int cli_seconds(const char *name, const char *text, int max, int *out);
/* 0 when root is NULL or a directory; else the usage error is printed: EXIT_USAGE. */
int cli_check_root(const char *root);
/* Decide once, first thing in main: a test build (the build-tree marker next to the program,
 * src/cli/buildtree.h) keeps TE_NTP_SETUP_LENSDIR, TE_NTP_SETUP_SBIN and AUGEAS_LENS_LIB; any
 * other program removes them from its environment before anything reads them. */
void cli_init(void);
/* Where the lenses are: in a test build $TE_NTP_SETUP_LENSDIR, else the source tree's;
 * otherwise the installed directory. */
const char *cli_lens_dir(void);
/* True in a test build (see cli_init). */
bool cli_test_build(void);
/* The command changed the system (files, services or firewall rules): a later failure to
 * write standard output must not turn its exit status into "failed, put back". */
void cli_set_acted(void);
/* Whether cli_set_acted was called. */
bool cli_acted(void);
/* 0 when every lens of the project is readable in cli_lens_dir(); else -1 with an error in
 * m that says where the program looked and how to fix it. */
int cli_check_lenses(struct msgs *m);
/* Print the whole --help text. */
void cli_help(void);

#endif
