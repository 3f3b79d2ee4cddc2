/* SPDX-License-Identifier: Apache-2.0 */
/* backend-util: the line-level editing every backend shares.
 *
 * All of these work on files opened by plan_open_file: they read the file's tree, and change
 * the file only through plan_edit on the byte spans of its original text, so every line they
 * do not touch stays byte for byte. New lines are rendered by the backend's lens from a
 * scratch tree. */
#ifndef TE_BACKEND_UTIL_H
#define TE_BACKEND_UTIL_H

#include <stdbool.h>
#include <stddef.h>

#include "plan.h"

/* The tree label of a source of this kind in the backend's files ("server", "pool",
 * openntpd's "servers"). */
const char *backend_source_label(const struct plan *p, const struct source *src);
/* A fresh, empty tree of the backend's lens to build new text in, or NULL. */
const char *backend_scratch(struct plan *p);
/* Render a scratch tree into a newly allocated string, or NULL (error in the messages). */
char *backend_render(struct plan *p, const char *tree);
/* Add a source node for src at the end of tree, with the options the backend writes;
 * the ipv4/ipv6 flags and the trailing comment of the node keep (NULL: none) are kept. */
int backend_add_source_node(struct plan *p, const char *tree, const struct source *src,
                            const char *keep);
/* The same built on the existing source node like (NULL: as backend_add_source_node): its
 * options stay, and the options the settings name for src are added or set. */
int backend_add_source_like(struct plan *p, const char *tree, const struct source *src,
                            const char *like);
/* The first source node labelled label whose host is host (no case) in files, newly
 * allocated, and its file in *in (when in is not NULL); NULL when there is none. */
char *backend_find_source(struct plan *p, struct file_change **files, size_t n,
                          const char *label, const char *host, struct file_change **in);
/* "FILE:LINE:COLUMN" of node in f's original text (newly allocated). */
char *backend_where(struct plan *p, const struct file_change *f, const char *node);
/* No silent weakening of authentication: -1 (and p->invalid, exit 64) with the reason when
 * a requested source would run without authentication (no NTS, no key, none on its
 * existing line) while the rule node (in rule_file; NULL: none) demands authentication
 * (rule_why says what it does), or while replace mode disables a source that uses NTS or a
 * key. 0 when the settings accept the downgrade. */
int backend_check_auth(struct plan *p, struct file_change **files, size_t n,
                       const struct file_change *rule_file, const char *rule,
                       const char *rule_why);
/* A comment line rendered by the lens ("# text\n"), newly allocated, or NULL. */
char *backend_comment_text(struct plan *p, const char *text);
/* The node's line in f's original text: its span [start, end), its indentation width and
 * its text without indentation and line end (newly allocated). 0, or -1 for a new node. */
int backend_node_line(struct plan *p, const struct file_change *f, const char *node,
                      size_t *start, size_t *end, size_t *indent, char **text);
/* The wanted source of this label and host (no case), or NULL. */
const struct source *backend_wanted_for(struct plan *p, const char *label, const char *host);
/* True when host is a source of any kind (labels: the backend's source labels) in files. */
bool backend_host_configured(struct plan *p, struct file_change **files, size_t n,
                             const char *host);
/* Replace the node's line in f by a comment holding it after the note why (e.g.
 * DISABLED_NOTE), with the same indentation. 0 or -1. */
int backend_comment_out(struct plan *p, struct file_change *f, const char *node,
                        const char *why);
/* Replace mode: comment out (after DISABLED_NOTE) every server/pool line of f, except the
 * wanted ones when keep_wanted. 0 or -1. */
int backend_disable_unwanted(struct plan *p, struct file_change *f, bool keep_wanted);
/* Put the n wanted sources into f: fix the options of an existing line, or add the line
 * after the last source (or disabled source) line, at the end when there is none. */
int backend_fill_main(struct plan *p, struct file_change *f, const struct source *const *want,
                      size_t n);
/* A backend whose sources all live in one file f: in replace mode comment out the unwanted
 * server/pool lines, then put every source of the settings into f (backend_fill_main).
 * 0 or -1. */
int backend_set_sources(struct plan *p, struct file_change *f);
/* The same for a configuration read from several files (f the main one, files[0] == f):
 * replace mode disables the unwanted source lines in every file; a requested source on a
 * line of another file stays there; the others go into f. 0 or -1. */
int backend_set_sources_in(struct plan *p, struct file_change *f, struct file_change **files,
                           size_t n);
/* True when f's tree has a top-level node labelled label. */
bool backend_has_label(struct plan *p, const struct file_change *f, const char *label);
#define BACKEND_CHECK_FILE "@FILE@"
#define BACKEND_CHECK_TIMEOUT_MS 10000
/* How a daemon checks a configuration file. */
struct backend_check {
    const char *daemon;             /* its name in messages ("chronyd") */
    const char *const *argv;        /* argv[0] an absolute path; the argument
                                     * BACKEND_CHECK_FILE stands for the file to check */
    const char *const *left_out;    /* directives that read other files ("include"):
                                     * such lines become comments (NULL-terminated) */
    bool nocase;                    /* the daemon matches directives without case */
    char comment;                   /* the character that starts a comment line */
    size_t line_max;                /* it reads lines in pieces of line_max - 1 bytes (its
                                     * fgets buffer); 0: whole lines */
    const char *skip;               /* its message starts after this text (NULL: none) */
    const char *marker;             /* a daemon that reports a bad line and still exits 0
                                     * (the classic ntpd's --saveconfigquit): an output line
                                     * holding this text is a rejection too (NULL: none) */
};
/* The daemon's own check of the planned text of files (in this order, each starting on a
 * new line) as one private temporary file, where every line of a directive of left_out is
 * a comment: the daemon sees only the files the plan read from the image, never a file
 * of the host they name. Removed after. 0 when the program exits 0 within
 * BACKEND_CHECK_TIMEOUT_MS and prints no line holding c->marker; else -1 with "FILE:LINE: <daemon> rejects the planned
 * configuration: <its first line> (...; nothing was written)" in the messages, its file
 * and line numbers put back in terms of the real file and its original line. */
int backend_check_files(struct plan *p, const struct backend_check *c,
                        struct file_change *const *files, size_t n);
/* The value of NAME=... in a shell-style defaults file (/etc/default/x) on the target, read
 * inside its root (root_open, without blocking, a regular file only), quotes removed, in
 * *value (newly allocated; NULL when the file or the variable is missing). 0, or -1 when
 * the file exists but cannot be read (the error, naming the file, in m). */
int backend_shell_var(const struct hostinfo *h, const char *path, const char *name,
                      char **value, struct msgs *m);
/* The stock Augeas lens of shell-variables files (/etc/default/x, /etc/sysconfig/x). */
#define SHELLVARS_LENS "Shellvars.lns"
/* Plan name="value" in the shell-variables file path (on the target), through the stock
 * Shellvars lens: the value of the last assignment is replaced (only its bytes) when it
 * differs; without one, the assignment is added at the end after the comment line comment
 * (NULL: none). *changed tells whether an edit was planned.
 * 0; 1 when the file does not exist (nothing planned); -1 with the reason in the messages. */
int backend_set_shell_var(struct plan *p, const char *path, const char *name,
                          const char *value, const char *comment, bool *changed);
/* Append a node label = value (value NULL: none) to the top level of a scratch tree; its
 * path (tree/label[last()]) goes to *path when path is not NULL (free it). 0 or -1. */
int backend_tree_add(struct plan *p, const char *tree, const char *label, const char *value,
                     char **path);
/* Builds the lines of a serve block: adds their nodes to the scratch tree (nothing: no
 * block). 0 or -1 with the reason in the messages. */
typedef int (*backend_serve_fill)(struct plan *p, const char *tree, const void *arg);
/* Where the serve block of f is (from its SERVE_BEGIN comment line to the end of its
 * SERVE_END line): 1 with its span, 0 when f has none, -1 when it has a begin line without
 * an end line, or two blocks (the reason in the messages when report is true). */
int backend_serve_block_span(struct plan *p, const struct file_change *f, size_t *start,
                             size_t *end, bool report);
/* The serve block of f, a file shared with the admin: the lines fill builds, rendered by
 * the lens between a SERVE_BEGIN and a SERVE_END comment line. An existing block is
 * replaced (only its bytes) when its text differs, and removed when fill adds nothing; a new
 * one goes at the end of the file. Every line outside the block stays. 0 or -1. */
int backend_serve_block(struct plan *p, struct file_change *f, backend_serve_fill fill,
                        const void *arg);
/* True when word is one of the blank-separated words of list. */
bool backend_has_word(const char *list, const char *word);

#endif
