/* SPDX-License-Identifier: Apache-2.0 */
/* augtree: the one place that talks to Augeas.
 *
 * No file is ever loaded or saved by Augeas itself: the caller hands in a file's text,
 * augtree parses it with exactly one lens into a tree (aug_text_store), the caller edits the
 * tree, and augtree renders the edited tree back to text (aug_text_retrieve). Writing is the
 * transaction's business, so dry runs and diffs never touch the disk. */
#ifndef TE_AUGTREE_H
#define TE_AUGTREE_H

#include <stdbool.h>
#include <stddef.h>

#include "msgs.h"
#include "strbuf.h"
#include "strv.h"

struct augtree;

/* A handle whose module path is lensdir then the stock lenses, with nothing autoloaded.
 * NULL with a message in m on failure. */
struct augtree *augtree_new(const char *lensdir, struct msgs *m);
/* Close the handle. */
void augtree_free(struct augtree *t);
/* The files of lens have case-insensitive directive words (chrony): from now on their
 * texts are parsed with the first word of each line in lower case, and on a line whose
 * word is one of sources (NULL-terminated, lower case) the option words too (words of
 * letters only after the host); the text itself keeps its spelling. */
void augtree_fold_keywords(struct augtree *t, const char *lens, const char *const *sources);
/* Lines of lens's texts the program never reads nor edits, said by skip(line, len) of each
 * line without its line end: skip must answer true only for a line that lens parses as one
 * top-level node of its own, whatever stands around it. Of a run of three or more such
 * lines, only the first and the last go to Augeas (parsing is most of the cost of a file
 * of megabytes); the tree has no nodes for the others, spans and line numbers in messages
 * stay those of the text as given, and such a tree cannot be rendered (augtree_render
 * fails). For lenses that put each top-level node on a line of its own. */
typedef bool augtree_skip_fn(const char *line, size_t len);
void augtree_skip_lines(struct augtree *t, const char *lens, augtree_skip_fn *skip);
/* Trees of lens get asked which of their top-level nodes have a child labelled one of
 * labels (NULL-terminated plain labels, lasting as long as the handle): augtree_match
 * answers "TREE/ *[(label() = 'a' or ...) and (l1 or l2 ...)]", l1 l2 ... being exactly
 * labels, from the cached nodes, asking Augeas once per 256 trees (the first time it is
 * asked for one of them, about all of them) instead of once per tree. */
void augtree_watch_children(struct augtree *t, const char *lens, const char *const *labels);
/* Parse text (named file in messages) with lens ("Tentp_chrony.lns") into a new tree.
 * A CRLF text is parsed with LF line ends and a text without a final line end with one;
 * the spans below are those of the text as given.
 * Returns the tree's path (owned by the handle), or NULL with "file:line:char: message"
 * in m. */
const char *augtree_parse(struct augtree *t, const char *lens, const char *file,
                          const char *text, struct msgs *m);
/* A top-level node of a parsed tree. */
struct augnode {
    char *path;            /* tree/label[k] */
    char *label;
    char *value;           /* NULL when it has none */
    size_t start, end;     /* its span in the text as given ((size_t)-1: unknown) */
    bool watched_child;    /* it has a child labelled one of the watched labels */
};
struct augnodes {
    struct augnode *v;
    size_t n;
};
/* The top-level nodes of the tree at path tree (parsed by augtree_parse, not edited since),
 * in order, with their spans; computed once per tree in time linear in its size (Augeas's
 * own path look-ups cost a walk of the siblings each). NULL on error. Owned by the handle. */
const struct augnodes *augtree_children(struct augtree *t, const char *tree);
/* The first top-level node of the parsed tree at path tree with this label whose value is
 * value without regard to case, as augtree_match of TREE/LABEL and a look at each value
 * would find it, in constant time (a table built once per tree): its path in *path (owned
 * by the handle, valid until the tree changes) or NULL when there is none. 0, or -1 when
 * tree is not a parsed tree (then ask augtree_match). */
int augtree_find_value(struct augtree *t, const char *tree, const char *label, const char *value,
                       const char **path);
/* Where the node at path was in the text it was parsed from: bytes [*start, *end), the
 * line end included. 0, or -1 for a node added since. */
int augtree_span(struct augtree *t, const char *path, size_t *start, size_t *end);
/* Where the value of the node at path was in that text: bytes [*start, *end) (quotes
 * included when the lens keeps them in the value). 0, or -1 for a node added since. */
int augtree_value_span(struct augtree *t, const char *path, size_t *start, size_t *end);
/* Render the tree at path, parsed by augtree_parse, back to text into out. 0 or -1. */
int augtree_render(struct augtree *t, const char *tree, struct strbuf *out, struct msgs *m);
/* Paths matching the expression (absolute, built only from trusted labels), in order. */
int augtree_match(struct augtree *t, const char *expr, struct strv *out);
/* The value of the node at path; NULL when it has none or does not exist. */
const char *augtree_get(struct augtree *t, const char *path);
/* The label of the node at path (newly allocated), or NULL. */
char *augtree_label(struct augtree *t, const char *path);
/* Set the value of path (creating it); value NULL makes a value-less node. 0 or -1. */
int augtree_set(struct augtree *t, const char *path, const char *value);
/* Insert a node labelled label before (or after) the node at path. 0 or -1. */
int augtree_insert(struct augtree *t, const char *path, const char *label, bool before);
/* Remove the node at path and its children. 0 or -1. */
int augtree_rm(struct augtree *t, const char *path);
/* Change the label of the node at path. 0 or -1. */
int augtree_rename(struct augtree *t, const char *path, const char *label);
/* Copy the subtree at src to dst (dst is created or replaced). 0 or -1. */
int augtree_copy(struct augtree *t, const char *src, const char *dst);
/* The last Augeas error as text, for messages. */
const char *augtree_error(struct augtree *t);

#endif
