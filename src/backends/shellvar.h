/* SPDX-License-Identifier: Apache-2.0 */
/* shellvar: shell-variables files (/etc/default/x, /etc/sysconfig/x): read a value, plan a
 * change. */
#ifndef TE_SHELLVAR_H
#define TE_SHELLVAR_H

#include <stdbool.h>

#include "hostinfo.h"
#include "plan.h"

/* The value of NAME=... in a shell-style defaults file (/etc/default/x) on the target, read
 * inside its root (root_open, without blocking, a regular file only), quotes removed, in
 * *value (newly allocated; NULL when the file or the variable is missing). 0, or -1 when
 * the file exists but cannot be read (the error, naming the file, in m). */
int shellvar_get(const struct hostinfo *h, const char *path, const char *name, char **value,
                 struct msgs *m);
/* The stock Augeas lens of shell-variables files (/etc/default/x, /etc/sysconfig/x). */
#define SHELLVARS_LENS "Shellvars.lns"
/* Plan name="value" in the shell-variables file path (on the target), through the stock
 * Shellvars lens: the value of the last assignment is replaced (only its bytes) when it
 * differs; without one, the assignment is added at the end after the comment line comment
 * (NULL: none). *changed tells whether an edit was planned.
 * 0; 1 when the file does not exist (nothing planned); -1 with the reason in the messages. */
int shellvar_set(struct plan *p, const char *path, const char *name,
                 const char *value, const char *comment, bool *changed);
/* True when word is one of the blank-separated words of list. */
bool shellvar_has_word(const char *list, const char *word);

#endif
