/* te-ntp-setup: find the command and hand it the arguments; everything else lives in libte
 * and the cmd-*.c files. */
#include "config.h"

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

int
main(int argc, char **argv)
{
    cli_init();
    /* Ansible runs a binary module as "DIR/AnsiballZ_te_ntp_setup ARGS" (older releases:
     * "DIR/te_ntp_setup ARGS"): the module's name, and one argument that is a file of JSON.
     * The program's own name has hyphens, so no ordinary run looks like this. */
    if (argc == 2 && ansible_module_name(argv[0]) && ansible_args_file(argv[1]))
        return cmd_ansible_module.run(argc, argv);
    if (argc > 1 && (!strcmp(argv[1], "--version") || !strcmp(argv[1], "-V"))) {
        printf("te-ntp-setup %s\nlenses: %s\n%s", PACKAGE_VERSION, cli_lens_dir(),
               cli_test_build() ? "test build: TE_NTP_SETUP_LENSDIR, TE_NTP_SETUP_SBIN and "
               "AUGEAS_LENS_LIB are honoured\n" : "");
        return EXIT_OK;
    }
    if (argc > 1 && argv[1][0] != '-') {
        for (size_t i = 0; commands[i]; i++)
            if (strcmp(argv[1], commands[i]->name) == 0)
                return commands[i]->run(argc - 1, argv + 1);
    }
    /* No command word: apply, with all the arguments. */
    return cmd_apply.run(argc, argv);
}
