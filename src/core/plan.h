/* SPDX-License-Identifier: Apache-2.0 */
/* plan: what a run would change: files (text before and after) and service actions. */
#ifndef TE_PLAN_H
#define TE_PLAN_H

#include <stdbool.h>
#include <sys/stat.h>

#include "augtree.h"
#include "hostinfo.h"
#include "msgs.h"
#include "ntp-backend.h"
#include "settings.h"
#include "strbuf.h"
#include "strv.h"

/* One file the plan reads and may change. */
struct file_change {
    char *path;            /* the path on the target system ("/etc/chrony.conf") */
    char *disk_path;       /* the same under the root, as opened */
    const char *tree;      /* its Augeas tree */
    bool existed;          /* it existed when read */
    struct stat st;        /* its metadata when read (when it existed) */
    struct strbuf before;  /* its text when read ("" when new) */
    struct strbuf after;   /* its text after the plan (filled by plan_render) */
    bool generated;        /* the tool owns it: after is generated whole by the backend */
    struct text_edit *edits;  /* otherwise: the edits of its text, applied by plan_render */
    size_t n_edits;
};

/* Replace bytes [start, end) of a file's original text (start == end: insert there). Edits
 * touch only the lines they change, so every other byte stays as it was. */
struct text_edit {
    size_t start, end;
    char *text;
    size_t seq;            /* creation order: insertions at one place keep their order */
};

enum action_kind {
    ACTION_RESTART,        /* restart (and enable) the service */
    ACTION_RELOAD_SOURCES, /* chrony: re-read the sources directories */
};

struct plan {
    const struct settings *settings;
    const struct hostinfo *host;
    const struct ntp_backend *backend;
    struct augtree *aug;
    struct msgs *m;
    struct file_change **files;  /* owned; entries stay put as the list grows */
    size_t n_files;
    char *service;               /* the backend's service name on this target */
    enum action_kind activation; /* what a change needs */
    bool verified;               /* sync was checked after activation: see sync */
    struct sync_status sync;
    struct strv conflicts;       /* services of other implementations to stop and disable */
    bool invalid;                /* the plan failed on what the settings ask (exit 64) */
    struct file_change **file_index; /* files by path: open addressing, NULL free */
    size_t file_slots;
    char *comment_pre;           /* a comment line of the backend's lens: the text before */
    char *comment_post;          /* and after its value (rendered once, then reused) */
};

/* Start a plan for backend with settings on host; lens trees live in aug. Its conflicts start
 * empty: the caller fills them (backend_conflicts, a floor above). */
void plan_init(struct plan *p, const struct settings *s, const struct hostinfo *h,
               const struct ntp_backend *b, struct augtree *aug, struct msgs *m);
/* Free the plan. */
void plan_free(struct plan *p);
/* Read path (without the root) and parse it with the backend's lens. A missing file gives
 * an empty tree when create is true, NULL otherwise (no error). The same path twice gives
 * the same entry. NULL with an error in m when it cannot be read or parsed. */
struct file_change *plan_open_file(struct plan *p, const char *path, bool create, bool *failed);
/* The same with another lens than the backend's, for a file of another format (a
 * /etc/default file with the stock "Shellvars.lns"). The same path must always be opened
 * with the same lens. */
struct file_change *plan_open_file_lens(struct plan *p, const char *path, const char *lens,
                                        bool create, bool *failed);
/* Record an edit of f's original text. */
void plan_edit(struct file_change *f, size_t start, size_t end, const char *text);
/* Produce every file's after text: the generated text, or the original with its edits.
 * 0, or -1 when edits overlap (an internal error, reported in m). */
int plan_render(struct plan *p);
/* Parse f's planned text (after plan_render) with lens, whose nodes are each one line: the
 * untouched lines parsed when the file was read, so only the lines the edits touch (with a
 * line of context each) are handed to Augeas; a 4 MiB file with a few edits is not parsed
 * again whole. When those do not parse, the whole text is, for the message's line numbers.
 * The tree, or NULL with the message in p->m. */
const char *plan_parse_after(struct plan *p, const struct file_change *f, const char *lens);
/* True when the file's text changes. */
bool file_change_differs(const struct file_change *f);
/* How many files change. */
size_t plan_changed_count(const struct plan *p);

#endif
