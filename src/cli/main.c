/* SPDX-License-Identifier: Apache-2.0 */
/* te-ntp-setup: find the command and hand it the arguments; everything else lives in libte
 * and the cmd-*.c files. */
#include "config.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "ansible.h"
#include "cli.h"

static const struct command *const commands[] = {
    &cmd_apply,
    &cmd_detect,
    &cmd_rollback,
    &cmd_firewall,
    &cmd_check,
    &cmd_ansible_module,
    NULL,
};

void
cli_help(void)
{
    for (size_t i = 0; commands[i]; i++) {
        if (i)
            putchar('\n');
        fputs(commands[i]->usage, stdout);
    }
    fputs("\n"
"Common: -h, --help   this text;   -V, --version   version and lens directory\n"
"\n"
"Exit codes: 0 success; 1 failed, system left or put back as it was; 2 changed (with\n"
"--detailed-exitcodes); 3 failed and could not be restored; 4 another instance holds\n"
"the lock; 64 usage error or invalid input (nothing touched).\n", stdout);
}

/* True when the option word takes the next word as its argument (an option of any command
 * that requires one, written without "=": "--root DIR", "-r DIR", "-vr DIR"). */
static bool
takes_argument(const char *word)
{
    static const char *const longs[] = {
        "server", "pool", "config", "implementation", "mode", "dhcp", "serve",
        "local-stratum", "root", "verify-timeout", "lock-timeout", "warn", "crit", "timeout",
        NULL,
    };
    static const char shorts[] = "spcimrwt";

    if (word[1] == '-') {
        size_t n = strlen(word + 2);

        if (n == 0 || strchr(word, '='))
            return false;
        for (size_t i = 0; longs[i]; i++)       /* getopt_long takes unique prefixes */
            if (strncmp(longs[i], word + 2, n) == 0)
                return true;
        return false;
    }
    for (const char *c = word + 1; *c; c++)
        if (strchr(shorts, *c))
            return c[1] == '\0';    /* "-rDIR" holds its argument */
    return false;
}

/* The command word after leading options ("te-ntp-setup --root IMG rollback"): its index in
 * argv, or 0 when the first word that is not an option is none of the commands. */
static int
command_after_options(int argc, char **argv, const struct command **cmd)
{
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--") == 0)
            return 0;
        if (argv[i][0] == '-' && argv[i][1]) {
            if (takes_argument(argv[i]))
                i++;
            continue;
        }
        for (size_t k = 0; commands[k]; k++)
            if (strcmp(argv[i], commands[k]->name) == 0) {
                *cmd = commands[k];
                return i;
            }
        return 0;
    }
    return 0;
}

/* The command's exit code, unless its output was lost: a write error on standard output
 * (a full disk, a closed pipe) is reported, and a run that changed nothing then fails
 * (check: UNKNOWN). A run that changed the system keeps its status (0, 2 or 5): exit 1
 * would say that the system was put back, and it was not. */
static int
output_written(int code, const struct command *cmd)
{
    int failed_flush = fflush(stdout) != 0;

    if (!failed_flush && !ferror(stdout))
        return code;
    fprintf(stderr, "te-ntp-setup: error: cannot write to standard output: %s (the command "
            "itself ended with exit status %d%s)\n",
            failed_flush ? strerror(errno) : "a write failed", code,
            code == EXIT_OK || code == EXIT_CHANGED ? ", and what it did stays done" : "");
    if (cmd == &cmd_check)
        return 3;                           /* UNKNOWN */
    if (cli_acted())
        return code;
    return code == EXIT_OK || code == EXIT_CHANGED ? EXIT_FAILED : code;
}

int
main(int argc, char **argv)
{
    const struct command *cmd = NULL;
    int at;

    cli_init();
    /* Ansible runs a binary module as "DIR/AnsiballZ_te_ntp_setup ARGS" (older releases:
     * "DIR/te_ntp_setup ARGS"): the module's name, and one argument that is a file of JSON.
     * The program's own name has hyphens, so no ordinary run looks like this. */
    if (argc == 2 && ansible_module_name(argv[0]) && ansible_args_file(argv[1]))
        return output_written(cmd_ansible_module.run(argc, argv), &cmd_ansible_module);
    if (argc > 1 && (!strcmp(argv[1], "--version") || !strcmp(argv[1], "-V"))) {
        printf("te-ntp-setup %s\nlenses: %s\n%s", PACKAGE_VERSION, cli_lens_dir(),
               cli_test_build() ? "test build: TE_NTP_SETUP_LENSDIR, TE_NTP_SETUP_SBIN and "
               "AUGEAS_LENS_LIB are honoured\n" : "");
        return output_written(EXIT_OK, NULL);
    }
    if (argc > 1 && argv[1][0] != '-') {
        for (size_t i = 0; commands[i]; i++)
            if (strcmp(argv[1], commands[i]->name) == 0)
                return output_written(commands[i]->run(argc - 1, argv + 1), commands[i]);
    }
    /* Options, then the command word: the command, with the options after its name. */
    at = command_after_options(argc, argv, &cmd);
    if (at > 0 && cmd != &cmd_apply) {
        char *word = argv[at];

        memmove(argv + 2, argv + 1, (size_t)(at - 1) * sizeof(*argv));
        argv[1] = word;
        return output_written(cmd->run(argc - 1, argv + 1), cmd);
    }
    /* No command word: apply, with all the arguments. */
    return output_written(cmd_apply.run(argc, argv), &cmd_apply);
}
