/* SPDX-License-Identifier: Apache-2.0 */
/* ansible: te-ntp-setup as an Ansible module, through the binary-module protocol.
 *
 * Ansible copies the module (this program, under the module's name) to the target and runs
 * it as "TMPDIR/AnsiballZ_te_ntp_setup ARGS" (ansible-core 2.14; older releases without the
 * AnsiballZ_ prefix), ARGS being a file holding the task's arguments as one JSON object, and
 * reads one JSON object from its standard output. This file is the whole front end: the
 * command cmd_ansible_module (cli.h), which the dispatch also runs when the program is run
 * that way; it maps the arguments onto struct settings (by the settings table, settings.h),
 * has cli_apply_run apply them, and renders the result. */
#ifndef TE_ANSIBLE_H
#define TE_ANSIBLE_H

#include <stdbool.h>
#include <stddef.h>

#include "msgs.h"
#include "report.h"
#include "settings.h"
#include "strbuf.h"

/* The module's name: how Ansible runs it (see above). */
#define ANSIBLE_MODULE_NAME "te_ntp_setup"
/* The largest arguments file read. */
#define ANSIBLE_MAX_ARGS (1024 * 1024)

/* True when name (a program's argv[0]) is the one Ansible runs the module as: its base name
 * is te_ntp_setup or AnsiballZ_te_ntp_setup. */
bool ansible_module_name(const char *argv0);
/* True when path is a regular file whose first byte other than whitespace is '{': what
 * Ansible passes a binary module. */
bool ansible_args_file(const char *path);

/* Fill s (settings_init'ed) from the module arguments, the JSON text of the args file:
 * first the settings file, `config` when given, else default_config when it exists and no
 * `root` is given (NULL: none); then the arguments over it (servers/pools replace the file's
 * sources, as on the command line). _ansible_check_mode is the dry run, _ansible_diff asks
 * for diffs; other _ansible_* keys are ignored. An unknown argument, a value of the wrong
 * type and JSON that does not parse are errors in m naming the argument. settings_finish is
 * not called. Returns 0 or -1. */
int ansible_load_args(const char *text, size_t len, const char *default_config,
                      struct settings *s, struct msgs *m);

/* The module's result for a run: one JSON object (and a newline) with changed, failed,
 * msg, the keys of report_apply_json, and, when the run was asked for diffs, diff: a list
 * of {before_header, after_header, before, after}, one per changed file. */
void ansible_result(const struct apply_report *r, struct strbuf *out);
/* The result when the run could not start (bad arguments): changed false, failed true, msg
 * the errors joined with "; ", errors, warnings. */
void ansible_failure(const struct msgs *m, struct strbuf *out);

#endif
