/* SPDX-License-Identifier: Apache-2.0 */
/* cli: the program's front end: the table of commands, --help, the dispatch from the
 * command line to a command, and what the commands share: exit codes, messages, the lens
 * directory. One file per command (cmd-*.c; the Ansible module in ansible.c), each exporting
 * a struct command; main.c only calls cli_main. */
#ifndef TE_CLI_H
#define TE_CLI_H

#include <getopt.h>

#include "msgs.h"
#include "strbuf.h"
#include "strv.h"

struct apply_report;
struct settings;

enum {
    EXIT_OK = 0,
    EXIT_FAILED = 1,        /* failed; the system was left or put back as it was */
    EXIT_CHANGED = 2,       /* with --detailed-exitcodes: something changed */
    EXIT_UNRESTORED = 3,    /* failed and could not be restored */
    EXIT_LOCKED = 4,        /* another instance holds the lock */
    EXIT_UNSYNCHRONIZED = 5,  /* configured, but not seen synchronized within the timeout */
    EXIT_USAGE = 64,        /* usage error or invalid input; nothing touched */
};

/* Long-only options of the commands other than apply (apply's come from the settings
 * table, settings.h). */
enum {
    OPT_JSON = 256,
    OPT_LOCK_TIMEOUT,
    OPT_DETAILED,
    OPT_REMOVE,
    OPT_SERVE,
    OPT_ALL,
};

struct command {
    const char *name;
    const char *usage;              /* its part of --help (apply: up to its options) */
    /* Its options for getopt_long: the long ones (ended by a zeroed entry); *shortopts the
     * short ones ("r:h"). NULL: it takes none. */
    const struct option *(*options)(const char **shortopts);
    /* The rest of its part of --help (apply: its options, from the settings table), or NULL. */
    void (*usage_options)(struct strbuf *out);
    /* True when the program runs as this command by its name and arguments alone (Ansible
     * runs the module as AnsiballZ_te_ntp_setup ARGS); NULL: only by the command's name. */
    bool (*invoked)(int argc, char **argv);
    bool hidden;                    /* not in --help (settings-table, for the tests) */
    int (*run)(int argc, char **argv);   /* argv[0] is the command's name */
};

extern const struct command cmd_apply;
extern const struct command cmd_detect;
extern const struct command cmd_rollback;
extern const struct command cmd_firewall;
extern const struct command cmd_check;
extern const struct command cmd_ansible_module;
extern const struct command cmd_settings_table;

/* How an apply run reports its result. */
struct apply_front {
    /* The result on standard output: text, JSON, the Ansible module's object. */
    void (*render)(const struct apply_report *r, struct strbuf *out);
    /* A module (Ansible): the messages are in the result, not on stderr; the exit status is
     * 0 or 1 (as AnsibleModule.fail_json); unsynchronized fails unless accepted. */
    bool module;
};

/* Apply the settings (settings_finish'ed) and report as front says: the exit status
 * (cmd-apply.c; the Ansible module runs it too). */
int cli_apply_run(struct settings *s, struct msgs *m, const struct apply_front *front);

/* The program: find the command (by the first word, the first word after options, or how
 * the program was run) and run it; the exit status. */
int cli_main(int argc, char **argv);

/* Print the collected messages to stderr ("te-ntp-setup: error: ..."). */
void cli_print_msgs(const struct msgs *m);
/* The same at a verbosity (see enum verbosity): quiet prints only the errors, normal the
 * warnings and errors, verbose the notes too. */
void cli_print_msgs_at(const struct msgs *m, int verbosity);
/* The audit trail: syslog lines (facility daemon, ident te-ntp-setup) at LOG_NOTICE,
 * "COMMAND: ACTION", one per action in order, except that of the file actions of one kind
 * (same verb, directory and note) the first 10 have one each and the rest one summary line
 * where the 11th would be; then when failed one per error at LOG_ERR. Nothing when there is
 * nothing to say. Without a syslog socket nothing is logged, after one try per run. */
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
