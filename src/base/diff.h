/* SPDX-License-Identifier: Apache-2.0 */
/* diff: unified diffs of two texts, for --diff and the JSON report. */
#ifndef TE_DIFF_H
#define TE_DIFF_H

#include "strbuf.h"

/* Append a unified diff (3 lines of context) of a -> b to out, with "--- old_name" and
 * "+++ new_name" headers; nothing when the texts are equal. */
void diff_unified(const char *a, const char *b, const char *old_name, const char *new_name,
                  struct strbuf *out);

#endif
