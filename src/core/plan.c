/* SPDX-License-Identifier: Apache-2.0 */
/* plan: what a run would change. */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "alloc.h"
#include "msgs.h"
#include "paths.h"
#include "plan.h"
#include "strbuf.h"
#include "strv.h"

#define MAX_CONF_FILE (4 * 1024 * 1024)

void
plan_init(struct plan *p, const struct settings *s, const struct hostinfo *h,
          const struct ntp_backend *b, struct augtree *aug, struct msgs *m)
{
    memset(p, 0, sizeof(*p));
    p->settings = s;
    p->host = h;
    p->backend = b;
    p->aug = aug;
    p->m = m;
    p->service = xstrdup(backend_service(b, h));
    p->activation = ACTION_RESTART;
}

void
plan_free(struct plan *p)
{
    for (size_t i = 0; i < p->n_files; i++) {
        free(p->files[i]->path);
        free(p->files[i]->disk_path);
        sb_free(&p->files[i]->before);
        sb_free(&p->files[i]->after);
        for (size_t j = 0; j < p->files[i]->n_edits; j++)
            free(p->files[i]->edits[j].text);
        free(p->files[i]->edits);
        free(p->files[i]);
    }
    free(p->files);
    free(p->file_index);
    free(p->service);
    free(p->comment_pre);
    free(p->comment_post);
    strv_free(&p->conflicts);
    memset(p, 0, sizeof(*p));
}

/* The file of path already opened, or NULL (a hash look-up: a plan may read thousands). */
static struct file_change *
opened(const struct plan *p, const char *path)
{
    if (!p->file_slots)
        return NULL;
    for (size_t h = str_hash(path) & (p->file_slots - 1); p->file_index[h];
         h = (h + 1) & (p->file_slots - 1))
        if (strcmp(p->file_index[h]->path, path) == 0)
            return p->file_index[h];
    return NULL;
}

/* Index the last file of the list (by its entry, which stays put when the list is
 * reordered). */
static void
index_file(struct plan *p)
{
    size_t h;

    if (2 * p->n_files > p->file_slots) {
        p->file_slots = p->file_slots ? p->file_slots * 2 : 64;
        free(p->file_index);
        p->file_index = xcalloc(p->file_slots, sizeof(*p->file_index));
        for (size_t i = 0; i + 1 < p->n_files; i++) {
            for (h = str_hash(p->files[i]->path) & (p->file_slots - 1); p->file_index[h];
                 h = (h + 1) & (p->file_slots - 1))
                ;
            p->file_index[h] = p->files[i];
        }
    }
    for (h = str_hash(p->files[p->n_files - 1]->path) & (p->file_slots - 1); p->file_index[h];
         h = (h + 1) & (p->file_slots - 1))
        ;
    p->file_index[h] = p->files[p->n_files - 1];
}

struct file_change *
plan_open_file(struct plan *p, const char *path, bool create, bool *failed)
{
    return plan_open_file_lens(p, path, p->backend->lens, create, failed);
}

struct file_change *
plan_open_file_lens(struct plan *p, const char *path, const char *lens, bool create,
                    bool *failed)
{
    struct file_change *f;
    struct strbuf text;
    struct stat st;
    char *disk;
    bool existed;
    const char *tree;

    *failed = false;
    if ((f = opened(p, path)))
        return f;
    disk = hostinfo_path(p->host, path);
    sb_init(&text);
    if (!hostinfo_inside(p->host, disk)) {
        msg_error(p->m, "%s: a symbolic link in the image leads out of %s; refusing to read "
                  "or write it", disk, p->host->root);
        goto fail;
    }
    existed = stat(disk, &st) == 0;
    if (!existed && errno != ENOENT) {
        msg_error(p->m, "%s: cannot read: %s%s", disk, strerror(errno),
                  errno == ELOOP ? " (a loop of symbolic links)" : "");
        goto fail;
    }
    if (!existed) {
        char target[4096];
        ssize_t n = readlink(disk, target, sizeof(target) - 1);

        if (n >= 0) {
            char *q;

            target[n] = '\0';
            q = quote_string(target);
            msg_error(p->m, "%s: a symbolic link to %s, which does not exist", disk, q);
            free(q);
            goto fail;
        }
    }
    if (existed && !S_ISREG(st.st_mode)) {
        msg_error(p->m, "%s: not a regular file", disk);
        goto fail;
    }
    /* Read through the root (openat2 RESOLVE_IN_ROOT): a link swapped after the check above
     * still cannot make it read a file outside the image. */
    if (existed && read_file_in_root(p->host->root, path, MAX_CONF_FILE, &text) < 0) {
        msg_error(p->m, "%s: cannot read: %s", disk, te_strerror(errno));
        goto fail;
    }
    if (!existed && !create) {
        free(disk);
        sb_free(&text);
        return NULL;
    }
    if (memchr(text.buf, '\0', text.len)) {
        msg_error(p->m, "%s: contains a NUL byte; not a configuration file", disk);
        goto fail;
    }
    tree = augtree_parse(p->aug, lens, disk, text.buf, p->m);
    if (!tree)
        goto fail;
    p->files = xrealloc(p->files, (p->n_files + 1) * sizeof(*p->files));
    f = xcalloc(1, sizeof(*f));
    p->files[p->n_files++] = f;
    f->path = xstrdup(path);
    index_file(p);
    f->disk_path = disk;
    f->tree = tree;
    f->existed = existed;
    if (existed)
        f->st = st;
    f->before = text;
    sb_init(&f->after);
    return f;

fail:
    *failed = true;
    free(disk);
    sb_free(&text);
    return NULL;
}

void
plan_edit(struct file_change *f, size_t start, size_t end, const char *text)
{
    struct text_edit *e;

    f->edits = xrealloc(f->edits, (f->n_edits + 1) * sizeof(*f->edits));
    e = &f->edits[f->n_edits];
    e->start = start;
    e->end = end;
    e->text = xstrdup(text);
    e->seq = f->n_edits++;
}

static int
cmp_edit(const void *a, const void *b)
{
    const struct text_edit *x = a, *y = b;

    if (x->start != y->start)
        return x->start < y->start ? -1 : 1;
    /* At one offset, insertions before the replacement of the text that starts there
     * (the other order would leave the insertion inside the replaced span). */
    if ((x->end > x->start) != (y->end > y->start))
        return x->end > x->start ? 1 : -1;
    return x->seq < y->seq ? -1 : (x->seq > y->seq);
}

/* A file whose first line ends in CRLF is a CRLF file: the lines the tool writes there
 * end in CRLF too. */
static bool
is_crlf(const struct strbuf *text)
{
    const char *nl = memchr(text->buf, '\n', text->len);

    return nl && nl > text->buf && nl[-1] == '\r';
}

/* text with every bare \n turned into \r\n. */
static void
append_crlf(struct strbuf *out, const char *text)
{
    for (const char *c = text; *c; c++) {
        if (*c == '\n' && (c == text || c[-1] != '\r'))
            sb_putc(out, '\r');
        sb_putc(out, *c);
    }
}

int
plan_render(struct plan *p)
{
    for (size_t i = 0; i < p->n_files; i++) {
        struct file_change *f = p->files[i];
        bool crlf = is_crlf(&f->before);
        size_t at = 0;

        if (f->generated)
            continue;
        if (f->n_edits > 1)         /* edits is NULL when there are none: qsort wants it not */
            qsort(f->edits, f->n_edits, sizeof(*f->edits), cmp_edit);
        sb_reset(&f->after);
        for (size_t j = 0; j < f->n_edits; j++) {
            const struct text_edit *e = &f->edits[j];

            if (e->start < at || e->end > f->before.len || e->end < e->start) {
                msg_error(p->m, "%s: internal error: overlapping edits", f->disk_path);
                return -1;
            }
            sb_append_len(&f->after, f->before.buf + at, e->start - at);
            if (crlf)
                append_crlf(&f->after, e->text);
            else
                sb_append(&f->after, e->text);
            at = e->end;
        }
        sb_append_len(&f->after, f->before.buf + at, f->before.len - at);
        if (f->after.len > MAX_CONF_FILE) {
            msg_error(p->m, "%s: the planned file would be %zu bytes, more than the %d bytes "
                      "te-ntp-setup reads back (the notes of the disabled lines make it grow); "
                      "nothing was written", f->disk_path, f->after.len, MAX_CONF_FILE);
            return -1;
        }
    }
    return 0;
}

const char *
plan_parse_after(struct plan *p, const struct file_change *f, const char *lens)
{
    const struct strbuf *b = &f->before;
    bool crlf = is_crlf(b), local = !f->generated && f->existed;
    struct strbuf part;
    const char *tree = NULL;
    size_t j = 0;

    sb_init(&part);
    for (size_t k = 1; local && k < f->n_edits; k++)      /* as plan_render sorted them */
        local = f->edits[k].start >= f->edits[k - 1].end;
    while (local && j < f->n_edits) {
        /* a region: from the start of the line of its first edit to the end of the line
         * its last edit ends in, taking in every edit that starts before that */
        size_t rs = f->edits[j].start, re, at;
        const char *nl;

        while (rs > 0 && b->buf[rs - 1] != '\n')
            rs--;
        at = rs;
        re = rs;
        for (bool first = true; j < f->n_edits && (first || f->edits[j].start < re);
             j++, first = false) {
            const struct text_edit *e = &f->edits[j];

            if (e->start < at || e->end > b->len) {
                local = false;
                break;
            }
            sb_append_len(&part, b->buf + at, e->start - at);
            if (crlf)
                append_crlf(&part, e->text);
            else
                sb_append(&part, e->text);
            at = e->end;
            nl = memchr(b->buf + at, '\n', b->len - at);
            re = nl ? (size_t)(nl - b->buf) + 1 : b->len;
        }
        if (local)
            sb_append_len(&part, b->buf + at, re - at);
    }
    if (local && memchr(part.buf, '\0', part.len) == NULL) {
        struct msgs quiet = { 0 };

        tree = augtree_parse(p->aug, lens, f->path, part.buf, &quiet);
        msgs_free(&quiet);
    }
    sb_free(&part);
    return tree ? tree : augtree_parse(p->aug, lens, f->path, f->after.buf, p->m);
}

bool
file_change_differs(const struct file_change *f)
{
    if (!f->existed && f->after.len == 0)
        return false;
    return f->before.len != f->after.len || memcmp(f->before.buf, f->after.buf, f->before.len) != 0;
}

size_t
plan_changed_count(const struct plan *p)
{
    size_t n = 0;

    for (size_t i = 0; i < p->n_files; i++)
        if (file_change_differs(p->files[i]))
            n++;
    return n;
}
