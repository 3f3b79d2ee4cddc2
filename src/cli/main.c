/* SPDX-License-Identifier: Apache-2.0 */
/* te-ntp-setup: the entry point. The commands, --help and the dispatch are the cli module
 * (cli.c); the library is libte. */
#include "config.h"

#include "cli.h"

int
main(int argc, char **argv)
{
    return cli_main(argc, argv);
}
