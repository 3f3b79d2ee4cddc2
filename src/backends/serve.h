/* SPDX-License-Identifier: Apache-2.0 */
/* serve: the block of lines that serve time (--serve) in a file the tool shares with the admin. */
#ifndef TE_SERVE_H
#define TE_SERVE_H

#include <stdbool.h>
#include <stddef.h>

#include "plan.h"

/* The first and last lines of the block of lines that serve time (--serve) in a file the
 * tool shares with the admin; its next run replaces what is between them. */
#define SERVE_BEGIN "te-ntp-setup (serve) begin: the lines that serve time to other hosts; " \
                    "replaced by its next run"
#define SERVE_BEGIN_MARK "te-ntp-setup (serve) begin"
#define SERVE_END "te-ntp-setup (serve) end"
/* The first line of a file the tool owns for the serve lines alone. */
#define SERVE_HEADER "Managed by te-ntp-setup: the networks this host serves time to. " \
                     "Local changes are replaced on its next run."
/* Builds the lines of a serve block: adds their nodes to the scratch tree (nothing: no
 * block). 0 or -1 with the reason in the messages. */
typedef int (*serve_fill)(struct plan *p, const char *tree, const void *arg);
/* Where the serve block of f is (from its SERVE_BEGIN comment line to the end of its
 * SERVE_END line): 1 with its span, 0 when f has none, -1 when it has a begin line without
 * an end line, or two blocks (the reason in the messages when report is true). */
int serve_block_span(struct plan *p, const struct file_change *f, size_t *start,
                     size_t *end, bool report);
/* The serve block of f, a file shared with the admin: the lines fill builds, rendered by
 * the lens between a SERVE_BEGIN and a SERVE_END comment line. An existing block is
 * replaced (only its bytes) when its text differs, and removed when fill adds nothing; a new
 * one goes at the end of the file. Every line outside the block stays. 0 or -1. */
int serve_block(struct plan *p, struct file_change *f, serve_fill fill,
                const void *arg);

#endif
