/* SPDX-License-Identifier: Apache-2.0 */
/* lineedit: the line-level editing every backend shares.
 *
 * All of these work on files opened by plan_open_file: they read the file's tree, and change
 * the file only through plan_edit on the byte spans of its original text, so every line they
 * do not touch stays byte for byte. New lines are rendered by the backend's lens from a
 * scratch tree. */
#ifndef TE_LINEEDIT_H
#define TE_LINEEDIT_H

#include <stdbool.h>
#include <stddef.h>

#include "backend.h"
#include "plan.h"

/* The tree label of a source of this kind in the backend's files ("server", "pool",
 * openntpd's "servers"). */
const char *lineedit_source_label(const struct plan *p, const struct source *src);
/* A fresh, empty tree of the backend's lens to build new text in, or NULL. */
const char *lineedit_scratch(struct plan *p);
/* Render a scratch tree into a newly allocated string, or NULL (error in the messages). */
char *lineedit_render(struct plan *p, const char *tree);
/* Add a source node for src at the end of tree, with the options the backend writes;
 * the ipv4/ipv6 flags and the trailing comment of the node keep (NULL: none) are kept. */
int lineedit_add_source_node(struct plan *p, const char *tree, const struct source *src,
                             const char *keep);
/* The same built on the existing source node like (NULL: as lineedit_add_source_node): its
 * options stay, and the options the settings name for src are added or set. */
int lineedit_add_source_like(struct plan *p, const char *tree, const struct source *src,
                             const char *like);
/* The first source node labelled label whose host is host (no case) in files, newly
 * allocated, and its file in *in (when in is not NULL); NULL when there is none. */
char *lineedit_find_source(struct plan *p, struct file_change **files, size_t n,
                           const char *label, const char *host, struct file_change **in);
/* "FILE:LINE:COLUMN" of node in f's original text (newly allocated). */
char *lineedit_where(struct plan *p, const struct file_change *f, const char *node);
/* Before the backend parses its files: have augtree note per top-level node whether it
 * has an NTS or key child, for lineedit_check_auth. */
void lineedit_watch_auth(struct plan *p);
/* No silent weakening of authentication: -1 (and p->invalid, exit 64) with the reason when
 * a requested source would run without authentication (no NTS, no key, none on its
 * existing line) while the rule node (in rule_file; NULL: none) demands authentication
 * (rule_why says what it does), or while replace mode disables a source that uses NTS or a
 * key. 0 when the settings accept the downgrade. */
int lineedit_check_auth(struct plan *p, struct file_change **files, size_t n,
                        const struct file_change *rule_file, const char *rule,
                        const char *rule_why);
/* A comment line rendered by the lens ("# text\n"), newly allocated, or NULL. */
char *lineedit_comment_text(struct plan *p, const char *text);
/* The node's line in f's original text: its span [start, end), its indentation width and
 * its text without indentation and line end (newly allocated). 0, or -1 for a new node. */
int lineedit_node_line(struct plan *p, const struct file_change *f, const char *node,
                       size_t *start, size_t *end, size_t *indent, char **text);
/* The wanted source of this label and host (no case), or NULL. */
const struct source *lineedit_wanted_for(struct plan *p, const char *label, const char *host);
/* True when host is a source of any kind (labels: the backend's source labels) in files. */
bool lineedit_host_configured(struct plan *p, struct file_change **files, size_t n,
                              const char *host);
/* Replace the node's line in f by a comment holding it after the note why (e.g.
 * DISABLED_NOTE), with the same indentation. 0 or -1. */
int lineedit_comment_out(struct plan *p, struct file_change *f, const char *node,
                         const char *why);
/* Replace mode: comment out (after DISABLED_NOTE) every server/pool line of f, except the
 * wanted ones when keep_wanted. 0 or -1. */
int lineedit_disable_unwanted(struct plan *p, struct file_change *f, bool keep_wanted);
/* Put the n wanted sources into f: fix the options of an existing line, or add the line
 * after the last source (or disabled source) line, at the end when there is none. */
int lineedit_fill_main(struct plan *p, struct file_change *f, const struct source *const *want,
                       size_t n);
/* A backend whose sources all live in one file f: in replace mode comment out the unwanted
 * server/pool lines, then put every source of the settings into f (lineedit_fill_main).
 * 0 or -1. */
int lineedit_set_sources(struct plan *p, struct file_change *f);
/* The same for a configuration read from several files (f the main one, files[0] == f):
 * replace mode disables the unwanted source lines in every file; a requested source on a
 * line of another file stays there; the others go into f. 0 or -1. */
int lineedit_set_sources_in(struct plan *p, struct file_change *f, struct file_change **files,
                            size_t n);
/* True when f's tree has a top-level node labelled label. */
bool lineedit_has_label(struct plan *p, const struct file_change *f, const char *label);
/* Append a node label = value (value NULL: none) to the top level of a scratch tree; its
 * path (tree/label[last()]) goes to *path when path is not NULL (free it). 0 or -1. */
int lineedit_tree_add(struct plan *p, const char *tree, const char *label, const char *value,
                      char **path);

#endif
