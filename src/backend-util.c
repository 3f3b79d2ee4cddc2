/* SPDX-License-Identifier: Apache-2.0 */
/* backend-util: the line-level editing every backend shares. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "backend-util.h"
#include "spawn.h"

const char *
backend_source_label(const struct plan *p, const struct source *src)
{
    if (src->kind == SOURCE_POOL)
        return p->backend->pool_label ? p->backend->pool_label : "pool";
    return "server";
}

/* The options the backend writes for src. */
static size_t
source_options(const struct plan *p, const struct source *src, struct source_option opts[8])
{
    if (p->backend->source_options)
        return p->backend->source_options(src, opts);
    return backend_source_options(src, opts);
}

const char *
backend_scratch(struct plan *p)
{
    return augtree_parse(p->aug, p->backend->lens, "(new text)", "", p->m);
}

char *
backend_render(struct plan *p, const char *tree)
{
    struct strbuf sb;

    sb_init(&sb);
    if (augtree_render(p->aug, tree, &sb, p->m) < 0) {
        sb_free(&sb);
        return NULL;
    }
    return sb_steal(&sb);
}

/* Copy the value-less child label of from (if it has one) to the node to. */
static int
keep_flag(struct plan *p, const char *from, const char *to, const char *label)
{
    char *src = xasprintf("%s/%s", from, label);
    struct strv hit = { 0 };
    int ret = 0;

    if (augtree_match(p->aug, src, &hit) > 0) {
        char *dst = xasprintf("%s/%s", to, label);

        ret = augtree_set(p->aug, dst, augtree_get(p->aug, hit.v[0]));
        free(dst);
    }
    strv_free(&hit);
    free(src);
    return ret;
}

int
backend_add_source_node(struct plan *p, const char *tree, const struct source *src,
                        const char *keep)
{
    struct source_option opts[8];
    size_t n = source_options(p, src, opts);
    const char *label = backend_source_label(p, src);
    char *node = xasprintf("%s/%s[last()+1]", tree, label);
    char *last = xasprintf("%s/%s[last()]", tree, label);
    int ret = augtree_set(p->aug, node, src->host);

    if (ret == 0 && keep)
        ret = keep_flag(p, keep, last, "ipv4") < 0 || keep_flag(p, keep, last, "ipv6") < 0
              ? -1 : 0;
    for (size_t i = 0; ret == 0 && i < n; i++) {
        char *child = xasprintf("%s/%s", last, opts[i].name);

        ret = augtree_set(p->aug, child, opts[i].has_value ? opts[i].value : NULL);
        free(child);
    }
    if (ret == 0 && keep)
        ret = keep_flag(p, keep, last, "#comment");
    if (ret < 0)
        msg_error(p->m, "cannot build the line for %s: %s", src->host, augtree_error(p->aug));
    free(node);
    free(last);
    return ret;
}

/* The child of node labelled name, newly allocated, or NULL. */
static char *
child(struct plan *p, const char *node, const char *name)
{
    struct strv hit = { 0 };
    char *expr = xasprintf("%s/%s", node, name);
    char *r = NULL;

    if (augtree_match(p->aug, expr, &hit) > 0)
        r = xstrdup(hit.v[0]);
    strv_free(&hit);
    free(expr);
    return r;
}

/* Make the source node at node carry every option the settings name for src: a missing
 * one is added (before a trailing comment), one with another value gets the wanted value;
 * every other option stays. *changed tells whether anything was added or changed. */
static int
merge_options(struct plan *p, const char *node, const struct source *src, bool *changed)
{
    struct source_option opts[8];
    size_t n = source_options(p, src, opts);
    int ret = 0;

    *changed = false;
    for (size_t i = 0; ret == 0 && i < n; i++) {
        char *have = child(p, node, opts[i].name);
        const char *want = opts[i].has_value ? opts[i].value : NULL;

        if (have) {
            const char *v = augtree_get(p->aug, have);

            if (want && (!v || strcmp(v, want) != 0)) {
                ret = augtree_set(p->aug, have, want);
                *changed = true;
            }
        } else {
            char *comment = child(p, node, "#comment");
            char *path = xasprintf("%s/%s", node, opts[i].name);

            if (comment)
                ret = augtree_insert(p->aug, comment, opts[i].name, true);
            if (ret == 0)
                ret = augtree_set(p->aug, path, want);
            *changed = true;
            free(comment);
            free(path);
        }
        free(have);
    }
    return ret;
}

int
backend_add_source_like(struct plan *p, const char *tree, const struct source *src,
                        const char *like)
{
    const char *label = backend_source_label(p, src);
    char *node, *last;
    bool changed;
    int ret;

    if (!like)
        return backend_add_source_node(p, tree, src, NULL);
    node = xasprintf("%s/%s[last()+1]", tree, label);
    last = xasprintf("%s/%s[last()]", tree, label);
    ret = augtree_set(p->aug, node, src->host);
    if (ret == 0)
        ret = augtree_copy(p->aug, like, last);
    if (ret == 0)
        ret = merge_options(p, last, src, &changed);
    if (ret < 0)
        msg_error(p->m, "cannot build the line for %s: %s", src->host, augtree_error(p->aug));
    free(node);
    free(last);
    return ret;
}

/* The line the daemon reads for src, rendered by the lens ("server HOST iburst\n"), built
 * on the existing line like (NULL: none), whose options it keeps. */
static char *
source_text(struct plan *p, const struct source *src, const char *like)
{
    const char *tree = backend_scratch(p);

    if (!tree || backend_add_source_like(p, tree, src, like) < 0)
        return NULL;
    return backend_render(p, tree);
}

/* True when the node at node already has every option the settings name for src. */
static bool
options_present(struct plan *p, const char *node, const struct source *src)
{
    struct source_option opts[8];
    size_t n = source_options(p, src, opts);
    bool all = true;

    for (size_t i = 0; all && i < n; i++) {
        char *have = child(p, node, opts[i].name);
        const char *v = have ? augtree_get(p->aug, have) : NULL;

        all = have && (!opts[i].has_value || (v && strcmp(v, opts[i].value) == 0));
        free(have);
    }
    return all;
}

#define COMMENT_MARK "te-ntp-setup-comment-value"

char *
backend_comment_text(struct plan *p, const char *text)
{
    /* The lens renders every comment the same way around its value: render one, once. */
    if (!p->comment_pre) {
        const char *tree = backend_scratch(p);
        char *node, *line = NULL, *mark;
        int rc;

        if (!tree)
            return NULL;
        node = xasprintf("%s/#comment", tree);
        rc = augtree_set(p->aug, node, COMMENT_MARK);
        free(node);
        if (rc < 0 || !(line = backend_render(p, tree)) || !(mark = strstr(line, COMMENT_MARK))) {
            free(line);
            return NULL;
        }
        p->comment_pre = xasprintf("%.*s", (int)(mark - line), line);
        p->comment_post = xstrdup(mark + strlen(COMMENT_MARK));
        free(line);
    }
    return xasprintf("%s%s%s", p->comment_pre, text, p->comment_post);
}

int
backend_node_line(struct plan *p, const struct file_change *f, const char *node, size_t *start,
                  size_t *end, size_t *indent, char **text)
{
    size_t s, e, i, t;

    if (augtree_span(p->aug, node, &s, &e) < 0 || e > f->before.len || s > e) {
        msg_error(p->m, "%s: internal error: no position for %s", f->disk_path, node);
        return -1;
    }
    for (i = s; i < e && (f->before.buf[i] == ' ' || f->before.buf[i] == '\t'); i++)
        ;
    for (t = e; t > i && (f->before.buf[t - 1] == '\n' || f->before.buf[t - 1] == '\r' ||
                          f->before.buf[t - 1] == ' ' || f->before.buf[t - 1] == '\t'); t--)
        ;
    *start = s;
    *end = e;
    *indent = i - s;
    *text = xasprintf("%.*s", (int)(t - i), f->before.buf + i);
    return 0;
}

const struct source *
backend_wanted_for(struct plan *p, const char *label, const char *host)
{
    const struct settings *s = p->settings;

    for (size_t i = 0; i < s->n_sources; i++)
        if (strcmp(backend_source_label(p, &s->sources[i]), label) == 0 &&
            strcasecmp(s->sources[i].host, host) == 0)
            return &s->sources[i];
    return NULL;
}

/* The XPath test for the static source labels of the backend ("label() = 'server' or ..."). */
static char *
source_test(const struct plan *p, bool with_peer)
{
    const char *pool = p->backend->pool_label ? p->backend->pool_label : "pool";

    return xasprintf("label() = 'server' or label() = '%s'%s", pool,
                     with_peer ? " or label() = 'peer'" : "");
}

bool
backend_host_configured(struct plan *p, struct file_change **files, size_t n, const char *host)
{
    char *test = source_test(p, true);
    bool found = false;

    for (size_t i = 0; i < n && !found; i++) {
        struct strv nodes = { 0 };
        char *expr = xasprintf("%s/*[%s]", files[i]->tree, test);

        augtree_match(p->aug, expr, &nodes);
        for (size_t j = 0; j < nodes.n && !found; j++) {
            const char *v = augtree_get(p->aug, nodes.v[j]);

            found = v && strcasecmp(v, host) == 0;
        }
        strv_free(&nodes);
        free(expr);
    }
    free(test);
    return found;
}

int
backend_comment_out(struct plan *p, struct file_change *f, const char *node, const char *why)
{
    size_t s, e, indent;
    char *line, *note, *text;
    int ret = -1;

    if (backend_node_line(p, f, node, &s, &e, &indent, &line) < 0)
        return -1;
    note = xasprintf("%s%s", why, line);
    text = backend_comment_text(p, note);
    if (text) {
        char *indented = xasprintf("%.*s%s", (int)indent, f->before.buf + s, text);

        plan_edit(f, s, e, indented);
        free(indented);
        ret = 0;
    }
    free(text);
    free(note);
    free(line);
    return ret;
}

int
backend_disable_unwanted(struct plan *p, struct file_change *f, bool keep_wanted)
{
    struct strv nodes = { 0 };
    char *test = source_test(p, false);
    char *expr = xasprintf("%s/*[%s]", f->tree, test);
    int ret = 0;

    augtree_match(p->aug, expr, &nodes);
    for (size_t i = 0; ret == 0 && i < nodes.n; i++) {
        char *label = augtree_label(p->aug, nodes.v[i]);
        const char *host = augtree_get(p->aug, nodes.v[i]);

        if (host && strncmp(host, "127.127.", 8) == 0)
            ;                                /* an ntpd reference clock, not a network source */
        else if (!keep_wanted || !host || !label || !backend_wanted_for(p, label, host))
            ret = backend_comment_out(p, f, nodes.v[i], DISABLED_NOTE);
        free(label);
    }
    strv_free(&nodes);
    free(expr);
    free(test);
    return ret;
}

/* Where new source lines go in f: after the last source line (server, pool, peer) or the
 * last line this tool disabled; at the end of the file when there is none. */
static size_t
insertion_point(struct plan *p, struct file_change *f)
{
    const char *pool = p->backend->pool_label ? p->backend->pool_label : "pool";
    struct strv nodes = { 0 };
    /* Only the candidates: a look-up per node of a long file is quadratic. */
    char *expr = xasprintf("%s/*[label() = 'server' or label() = '%s' or label() = 'peer' or "
                           "label() = '#comment']", f->tree, pool);
    size_t at = f->before.len;

    augtree_match(p->aug, expr, &nodes);
    for (size_t i = nodes.n; i-- > 0;) {
        char *label = augtree_label(p->aug, nodes.v[i]);
        const char *v = augtree_get(p->aug, nodes.v[i]);
        size_t s, e;
        bool hit = label && (((!strcmp(label, "server") || !strcmp(label, pool) ||
                               !strcmp(label, "peer")) &&
                              !(v && strncmp(v, "127.127.", 8) == 0)) ||
                             (!strcmp(label, "#comment") && v &&
                              !strncmp(v, DISABLED_NOTE, strlen(DISABLED_NOTE))));

        free(label);
        if (hit && augtree_span(p->aug, nodes.v[i], &s, &e) == 0) {
            at = e;
            break;
        }
    }
    strv_free(&nodes);
    free(expr);
    return at;
}

int
backend_fill_main(struct plan *p, struct file_change *f, const struct source *const *want,
                  size_t n)
{
    size_t at = insertion_point(p, f);
    const char *batch = NULL;      /* the new lines, rendered together at the end */
    char *added = NULL;
    int ret = 0;

    for (size_t i = 0; ret == 0 && i < n; i++) {
        struct strv nodes = { 0 };
        char *expr = xasprintf("%s/%s", f->tree, backend_source_label(p, want[i]));
        const char *found = NULL;
        char *text;

        if (augtree_find_value(p->aug, f->tree, backend_source_label(p, want[i]),
                               want[i]->host, &found) == 0) {
            if (found)                  /* (a table: not a pass over the nodes per source) */
                strv_push(&nodes, found);
            found = found ? nodes.v[0] : NULL;
        } else {
            augtree_match(p->aug, expr, &nodes);
        }
        for (size_t j = 0; j < nodes.n && !found; j++) {
            const char *v = augtree_get(p->aug, nodes.v[j]);

            if (v && strcasecmp(v, want[i]->host) == 0)
                found = nodes.v[j];
        }
        if (found && (p->settings->mode == MODE_MERGE || options_present(p, found, want[i]))) {
            /* exactly as wanted, or merge mode: an existing line is left as it is */
        } else if (!found) {
            if (!batch && !(batch = backend_scratch(p)))
                ret = -1;
            else
                ret = backend_add_source_node(p, batch, want[i], NULL);
        } else if (!(text = source_text(p, want[i], found))) {
            ret = -1;
        } else if (found) {
            size_t s, e, indent;
            char *old;

            if (backend_node_line(p, f, found, &s, &e, &indent, &old) == 0) {
                char *indented = xasprintf("%.*s%s", (int)indent, f->before.buf + s, text);

                plan_edit(f, s, e, indented);
                free(indented);
                free(old);
            } else {
                ret = -1;
            }
            free(text);
        }
        strv_free(&nodes);
        free(expr);
    }
    if (ret == 0 && batch && !(added = backend_render(p, batch)))
        ret = -1;
    if (ret == 0 && added && *added) {
        /* After a last line without its newline, start a new line first. */
        if (at == f->before.len && at > 0 && f->before.buf[at - 1] != '\n')
            plan_edit(f, at, at, "\n");
        plan_edit(f, at, at, added);
    }
    free(added);
    return ret;
}

int
backend_set_sources_in(struct plan *p, struct file_change *f, struct file_change **files,
                       size_t n)
{
    const struct settings *s = p->settings;
    const struct source **want = xcalloc(s->n_sources + 1, sizeof(*want));
    size_t nwant = 0;
    int ret = 0;

    for (size_t i = 0; ret == 0 && i < n; i++)
        if (s->mode == MODE_REPLACE)
            ret = backend_disable_unwanted(p, files[i], true);
    for (size_t i = 0; i < s->n_sources; i++) {
        char *other = NULL;

        /* A requested source on a line of an included file stays there, as it is. */
        if (n > 1)
            other = backend_find_source(p, files + 1, n - 1,
                                        backend_source_label(p, &s->sources[i]),
                                        s->sources[i].host, NULL);
        if (!other)
            want[nwant++] = &s->sources[i];
        free(other);
    }
    if (ret == 0)
        ret = backend_fill_main(p, f, want, nwant);
    free(want);
    return ret;
}

int
backend_set_sources(struct plan *p, struct file_change *f)
{
    const struct settings *s = p->settings;
    const struct source **want = xcalloc(s->n_sources + 1, sizeof(*want));
    int ret = -1;

    for (size_t i = 0; i < s->n_sources; i++)
        want[i] = &s->sources[i];
    if ((s->mode != MODE_REPLACE || backend_disable_unwanted(p, f, true) == 0) &&
        backend_fill_main(p, f, want, s->n_sources) == 0)
        ret = 0;
    free(want);
    return ret;
}

bool
backend_has_label(struct plan *p, const struct file_change *f, const char *label)
{
    struct strv nodes = { 0 };
    char *expr = xasprintf("%s/%s", f->tree, label);
    bool r = augtree_match(p->aug, expr, &nodes) > 0;

    strv_free(&nodes);
    free(expr);
    return r;
}

/* Write text to a new private temporary file; its path goes to tmpl (a mkostemp template). */
static int
write_temp(char *tmpl, const struct strbuf *text, struct msgs *m)
{
    int fd = mkostemp(tmpl, O_CLOEXEC);

    if (fd < 0) {
        msg_error(m, "cannot create a temporary file to check the configuration: %s",
                  strerror(errno));
        return -1;
    }
    if (write(fd, text->buf, text->len) != (ssize_t)text->len) {
        msg_error(m, "cannot write a temporary file to check the configuration: %s",
                  strerror(errno));
        close(fd);
        unlink(tmpl);
        return -1;
    }
    close(fd);
    return 0;
}

/* The length of the line the daemon reads at text (at most len bytes): up to and with the
 * line end, and no more than line_max - 1 bytes when line_max (an fgets buffer) is set. */
static size_t
piece_len(const char *text, size_t len, size_t line_max)
{
    const char *nl = memchr(text, '\n', len);
    size_t n = nl ? (size_t)(nl - text) + 1 : len;

    return line_max && n > line_max - 1 ? line_max - 1 : n;
}

static bool
is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

/* Turn a line of the check text that starts with one of the directives of c->left_out into a
 * comment, in place and keeping its length (so every line keeps its number). */
static void
leave_out(const struct backend_check *c, char *line, size_t len)
{
    size_t i = 0, w;

    while (i < len && is_blank(line[i]))
        i++;
    for (w = i; w < len && line[w] && line[w] != '\n' && !is_blank(line[w]);)
        w++;
    for (size_t k = 0; c->left_out && c->left_out[k]; k++) {
        const char *d = c->left_out[k];

        if (w - i == strlen(d) && (c->nocase ? strncasecmp(line + i, d, w - i)
                                             : strncmp(line + i, d, w - i)) == 0) {
            line[i] = c->comment;
            return;
        }
    }
}

/* The check text: every file's planned text, each starting on a new line, with the lines
 * that would read other files turned into comments. first[i]: the number (as the daemon
 * counts) of the first line of files[i]. */
static void
check_text(const struct backend_check *c, struct file_change *const *files, size_t n,
           struct strbuf *out, size_t *first)
{
    size_t line = 1;

    for (size_t i = 0; i < n; i++) {
        const struct strbuf *t = &files[i]->after;
        size_t at = out->len;

        first[i] = line;
        sb_append_len(out, t->buf, t->len);
        if (t->len && t->buf[t->len - 1] != '\n')
            sb_putc(out, '\n');
        while (at < out->len) {
            size_t k = piece_len(out->buf + at, out->len - at, c->line_max);

            leave_out(c, out->buf + at, k);
            at += k;
            line++;
        }
    }
}

/* Where line (as the daemon counts) of the check text is: which file, the byte offset of
 * that line in its planned text. */
static size_t
check_file_of(const struct backend_check *c, struct file_change *const *files, size_t n,
              const size_t *first, size_t line, size_t *offset)
{
    size_t which = 0, at = 0;
    const struct strbuf *t;

    for (size_t i = 0; i < n; i++)
        if (first[i] <= line)
            which = i;
    t = &files[which]->after;
    for (size_t l = first[which]; l < line && at < t->len; l++)
        at += piece_len(t->buf + at, t->len - at, c->line_max);
    *offset = at;
    return which;
}

/* The line of f's original text that holds byte offset of its planned text, or 0 when that
 * byte is one the plan writes. */
static size_t
original_line(const struct file_change *f, size_t offset)
{
    size_t before = 0, after = 0, pos = 0, line = 1;
    bool found = false;

    if (f->generated || !f->existed)
        return 0;
    for (size_t j = 0; j <= f->n_edits && !found; j++) {
        size_t end = j < f->n_edits ? f->edits[j].start : f->before.len;
        size_t same = end - before, len;

        if (offset < after + same || j == f->n_edits) {
            pos = before + (offset - after);
            found = true;
            break;
        }
        after += same;
        len = strlen(f->edits[j].text);
        if (offset < after + len)
            return 0;           /* in the text of an edit */
        after += len;
        before = f->edits[j].end;
    }
    if (!found || pos > f->before.len)
        return 0;
    for (size_t i = 0; i < pos; i++)
        line += f->before.buf[i] == '\n';
    return line;
}

/* The line number the daemon gives in msg: "TMP:N:" ([*from, *to): that text and the blank
 * after it, to be left out; *prefixed true), or "line N" ([*from, *to): that text, to be
 * put in terms of the real file). 0 when there is none. */
static size_t
message_line(const char *msg, const char *tmp, const char **from, const char **to,
             bool *prefixed)
{
    const char *at = strstr(msg, tmp);
    char *end;
    unsigned long v;

    if (at && at[strlen(tmp)] == ':' && at[strlen(tmp) + 1] >= '0' &&
        at[strlen(tmp) + 1] <= '9') {
        v = strtoul(at + strlen(tmp) + 1, &end, 10);
        if (*end == ':')
            end++;
        while (*end == ' ')
            end++;
        *from = at;
        *to = end;
        *prefixed = true;
        return v;
    }
    for (at = strstr(msg, "line "); at; at = strstr(at + 1, "line ")) {
        if (at[5] >= '0' && at[5] <= '9') {
            v = strtoul(at + 5, &end, 10);
            if (strncmp(end, " in file ", 9) == 0 && strncmp(end + 9, tmp, strlen(tmp)) == 0)
                end += 9 + strlen(tmp);
            *from = at;
            *to = end;
            *prefixed = false;
            return v;
        }
    }
    return 0;
}

/* msg with every mention of the check file and its line numbers put in terms of the real
 * file; *prefix gets "FILE:LINE: " (or the file and where the plan writes that line). */
static char *
map_message(const struct backend_check *c, struct file_change *const *files, size_t n,
            const size_t *first, const char *tmp, const char *msg, char **prefix)
{
    const char *from, *to;
    bool prefixed = false;
    size_t line = message_line(msg, tmp, &from, &to, &prefixed), offset, which, orig, planned;
    const struct file_change *f;
    struct strbuf out;
    char *where;

    *prefix = xstrdup("");
    if (!line)
        return xstrdup(msg);
    which = check_file_of(c, files, n, first, line, &offset);
    f = files[which];
    orig = original_line(f, offset);
    planned = line - first[which] + 1;
    free(*prefix);
    if (orig)
        *prefix = xasprintf("%s:%zu: ", f->disk_path, orig);
    else
        *prefix = xasprintf("%s, line %zu of its planned text (a line te-ntp-setup writes): ",
                            f->disk_path, planned);
    /* "line N in file TMP" (chronyd) or "line N" (ntpd): the real line and file. */
    if (strstr(from, tmp) && strstr(from, tmp) < to)
        where = orig ? xasprintf("line %zu in file %s", orig, f->disk_path)
                     : xasprintf("line %zu of the planned %s", planned, f->disk_path);
    else
        where = orig ? xasprintf("line %zu", orig) : xasprintf("line %zu of its planned text",
                                                                 planned);
    sb_init(&out);
    sb_append_len(&out, msg, (size_t)(from - msg));
    if (!prefixed)
        sb_append(&out, where);
    /* Any other mention of the check file. */
    for (msg = to; *msg;) {
        const char *t = strstr(msg, tmp);

        if (!t) {
            sb_append(&out, msg);
            break;
        }
        sb_append_len(&out, msg, (size_t)(t - msg));
        sb_append(&out, "the planned configuration");
        msg = t + strlen(tmp);
    }
    free(where);
    return sb_steal(&out);
}

/* The line of out that holds marker, after a syslog-style "name[pid]: " prefix; NULL when
 * no line holds it. */
static const char *
marked_line(const char *out, const char *marker)
{
    const char *hit = strstr(out, marker);
    const char *line, *tag;

    if (!hit)
        return NULL;
    for (line = hit; line > out && line[-1] != '\n'; line--)
        ;
    tag = strstr(line, "]: ");
    return tag && tag < hit ? tag + 3 : line;
}

int
backend_check_files(struct plan *p, const struct backend_check *c,
                    struct file_change *const *files, size_t n)
{
    char tmpl[] = "/tmp/te-ntp-setup-check.XXXXXX";
    const char *args[16];
    size_t *first = xcalloc(n + 1, sizeof(*first));
    struct spawn_result res;
    struct strbuf text;
    const char *marked = NULL;
    size_t k = 0;
    int ret = -1, rc;

    sb_init(&text);
    check_text(c, files, n, &text, first);
    if (write_temp(tmpl, &text, p->m) < 0)
        goto out;
    for (; c->argv[k] && k < TE_ARRAY_LEN(args) - 1; k++)
        args[k] = strcmp(c->argv[k], BACKEND_CHECK_FILE) == 0 ? tmpl : c->argv[k];
    args[k] = NULL;
    rc = spawn_run(args, NULL, BACKEND_CHECK_TIMEOUT_MS, &res);
    if (rc == 0 && c->marker && !(marked = marked_line(res.err.buf, c->marker)))
        marked = marked_line(res.out.buf, c->marker);
    if (rc == 0 && !marked) {
        ret = 0;
    } else if (res.timed_out) {
        msg_error(p->m, "%s did not finish within %d s checking the planned configuration, "
                  "and was stopped (%s; a file it reads may never end, such as a FIFO or a "
                  "device; nothing was written)", c->daemon, BACKEND_CHECK_TIMEOUT_MS / 1000,
                  c->argv[0]);
    } else {
        char *how = marked ? xstrdup("exited 0, reporting the error") : spawn_describe(&res);
        const char *why = marked ? marked : res.err.len ? res.err.buf : res.out.buf;
        char *prefix, *line;
        const char *after = c->skip ? strstr(why, c->skip) : NULL;
        char *first_line;

        if (after)
            why = after + strlen(c->skip);
        first_line = xasprintf("%.*s", (int)strcspn(why, "\n"), why);
        line = map_message(c, files, n, first, tmpl, first_line, &prefix);
        msg_error(p->m, "%s%s rejects the planned configuration: %s (%s %s; nothing was "
                  "written)", prefix, c->daemon, line, c->argv[0], how);
        free(first_line);
        free(line);
        free(prefix);
        free(how);
    }
    spawn_result_free(&res);
    unlink(tmpl);
out:
    sb_free(&text);
    free(first);
    return ret;
}

char *
backend_shell_var(const struct hostinfo *h, const char *path, const char *name)
{
    char *disk = hostinfo_path(h, path);
    struct strbuf sb;
    char *value = NULL;
    size_t nlen = strlen(name);

    sb_init(&sb);
    if (read_file(disk, 256 * 1024, &sb) == 0) {
        for (char *line = sb.buf; line && *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1
                                                                            : NULL) {
            char *v, *end;

            while (*line == ' ' || *line == '\t')
                line++;
            if (strncmp(line, "export ", 7) == 0)
                line += 7;
            if (strncmp(line, name, nlen) != 0 || line[nlen] != '=')
                continue;
            v = line + nlen + 1;
            end = v + strcspn(v, "\n");
            if ((*v == '"' || *v == '\'') && end > v + 1 && end[-1] == *v) {
                v++;
                end--;
            } else if (*v == '"' || *v == '\'') {
                char q = *v++;

                end = v + strcspn(v, q == '"' ? "\"\n" : "'\n");
            }
            free(value);                     /* the last assignment wins, as in sh */
            value = xasprintf("%.*s", (int)(end - v), v);
        }
    }
    sb_free(&sb);
    free(disk);
    return value;
}

int
backend_tree_add(struct plan *p, const char *tree, const char *label, const char *value,
                 char **path)
{
    char *node = xasprintf("%s/%s[last()+1]", tree, label);
    int ret = augtree_set(p->aug, node, value);

    free(node);
    if (ret < 0)
        msg_error(p->m, "cannot build the line '%s %s': %s", label, value ? value : "",
                  augtree_error(p->aug));
    else if (path)
        *path = xasprintf("%s/%s[last()]", tree, label);
    return ret;
}

/* True when node is a comment line starting with prefix. */
static bool
comment_starts(struct plan *p, const char *node, const char *prefix)
{
    char *label = augtree_label(p->aug, node);
    const char *v = augtree_get(p->aug, node);
    bool r = label && strcmp(label, "#comment") == 0 && v &&
             strncmp(v, prefix, strlen(prefix)) == 0;

    free(label);
    return r;
}

int
backend_serve_block_span(struct plan *p, const struct file_change *f, size_t *start,
                         size_t *end, bool report)
{
    struct strv nodes = { 0 };
    char *expr = xasprintf("%s/#comment", f->tree);
    size_t s = 0, e = 0;
    int state = 0, ret = 0;    /* 0 before the block, 1 in it, 2 after it */

    augtree_match(p->aug, expr, &nodes);
    for (size_t i = 0; i < nodes.n && ret == 0; i++) {
        size_t ns, ne;

        if (comment_starts(p, nodes.v[i], SERVE_BEGIN_MARK)) {
            if (state != 0) {
                if (report)
                    msg_error(p->m, "%s: more than one te-ntp-setup serve block (lines "
                              "'# %s'): remove all but one", f->disk_path, SERVE_BEGIN_MARK);
                ret = -1;
            } else if (augtree_span(p->aug, nodes.v[i], &s, &ns) == 0) {
                state = 1;
            }
        } else if (state == 1 && comment_starts(p, nodes.v[i], SERVE_END) &&
                   augtree_span(p->aug, nodes.v[i], &ns, &ne) == 0) {
            e = ne;
            state = 2;
        }
    }
    if (ret == 0 && state == 1) {
        if (report)
            msg_error(p->m, "%s: the te-ntp-setup serve block has no end line ('# %s'): put "
                      "it back after the block's last line, or remove the block",
                      f->disk_path, SERVE_END);
        ret = -1;
    }
    if (ret == 0 && state == 2) {
        *start = s;
        *end = e;
        ret = 1;
    }
    strv_free(&nodes);
    free(expr);
    return ret;
}

int
backend_serve_block(struct plan *p, struct file_change *f, backend_serve_fill fill,
                    const void *arg)
{
    const char *tree = backend_scratch(p);
    struct strv kids = { 0 };
    char *expr = NULL, *text = NULL;
    size_t s = 0, e = 0;
    int found, ret = -1;

    if (!tree)
        return -1;
    found = backend_serve_block_span(p, f, &s, &e, true);
    if (found < 0)
        return -1;
    if (backend_tree_add(p, tree, "#comment", SERVE_BEGIN, NULL) < 0 || fill(p, tree, arg) < 0)
        goto out;
    expr = xasprintf("%s/*", tree);
    if (augtree_match(p->aug, expr, &kids) <= 1) {
        text = xstrdup("");                      /* nothing to serve: no block */
    } else if (backend_tree_add(p, tree, "#comment", SERVE_END, NULL) < 0 ||
               !(text = backend_render(p, tree))) {
        msg_error(p->m, "%s: cannot build the serve lines", f->disk_path);
        goto out;
    }
    if (found) {
        if (e - s != strlen(text) || memcmp(f->before.buf + s, text, e - s) != 0)
            plan_edit(f, s, e, text);
    } else if (*text) {
        size_t at = f->before.len;

        if (at > 0 && f->before.buf[at - 1] != '\n')
            plan_edit(f, at, at, "\n");
        plan_edit(f, at, at, text);
    }
    ret = 0;
out:
    strv_free(&kids);
    free(expr);
    free(text);
    return ret;
}

bool
backend_has_word(const char *list, const char *word)
{
    size_t n = strlen(word);

    for (const char *s = list; s && *s;) {
        s += strspn(s, " \t");
        if (strncmp(s, word, n) == 0 && (s[n] == '\0' || s[n] == ' ' || s[n] == '\t'))
            return true;
        s += strcspn(s, " \t");
    }
    return false;
}

/* The value of a shell assignment as the shell sees it: outer quotes removed. */
static char *
shell_unquote(const char *v)
{
    size_t n = v ? strlen(v) : 0;

    if (n >= 2 && (v[0] == '"' || v[0] == '\'') && v[n - 1] == v[0])
        return xasprintf("%.*s", (int)(n - 2), v + 1);
    return xstrdup(v ? v : "");
}

int
backend_set_shell_var(struct plan *p, const char *path, const char *name, const char *value,
                      const char *comment, bool *changed)
{
    struct file_change *f;
    struct strv nodes = { 0 };
    char *expr = NULL, *quoted = xasprintf("\"%s\"", value), *now = NULL;
    bool failed;
    int ret = -1;

    *changed = false;
    f = plan_open_file_lens(p, path, SHELLVARS_LENS, false, &failed);
    if (!f) {
        ret = failed ? -1 : 1;
        goto out;
    }
    expr = xasprintf("%s/%s", f->tree, name);
    augtree_match(p->aug, expr, &nodes);
    if (nodes.n > 0) {
        /* The last assignment wins, as in sh: only its value changes. */
        const char *last = nodes.v[nodes.n - 1];
        size_t s, e;

        now = shell_unquote(augtree_get(p->aug, last));
        if (strcmp(now, value) == 0) {
            ret = 0;
            goto out;
        }
        if (augtree_value_span(p->aug, last, &s, &e) < 0 || e > f->before.len) {
            msg_error(p->m, "%s: internal error: no position for the value of %s",
                      f->disk_path, name);
            goto out;
        }
        plan_edit(f, s, e, quoted);
    } else {
        const char *tree = augtree_parse(p->aug, SHELLVARS_LENS, "(new text)", "", p->m);
        char *node = tree ? xasprintf("%s/%s", tree, name) : NULL;
        struct strbuf text;
        size_t at = f->before.len;

        sb_init(&text);
        if (!tree || augtree_set(p->aug, node, quoted) < 0 ||
            augtree_render(p->aug, tree, &text, p->m) < 0) {
            msg_error(p->m, "%s: cannot add %s: %s", f->disk_path, name, augtree_error(p->aug));
            sb_free(&text);
            free(node);
            goto out;
        }
        if (at > 0 && f->before.buf[at - 1] != '\n')
            plan_edit(f, at, at, "\n");
        if (comment) {
            char *c = xasprintf("# %s\n", comment);

            plan_edit(f, at, at, c);
            free(c);
        }
        plan_edit(f, at, at, text.buf);
        sb_free(&text);
        free(node);
    }
    *changed = true;
    ret = 0;
out:
    free(now);
    free(quoted);
    free(expr);
    strv_free(&nodes);
    return ret;
}

char *
backend_find_source(struct plan *p, struct file_change **files, size_t n, const char *label,
                    const char *host, struct file_change **in)
{
    for (size_t i = 0; i < n; i++) {
        struct strv nodes = { 0 };
        char *expr, *r = NULL;
        const char *hit;

        /* a table per tree: a look-up per requested source through all nodes would make
         * n sources in n lines cost n * n */
        if (augtree_find_value(p->aug, files[i]->tree, label, host, &hit) == 0) {
            if (hit) {
                if (in)
                    *in = files[i];
                return xstrdup(hit);
            }
            continue;
        }
        expr = xasprintf("%s/%s", files[i]->tree, label);
        augtree_match(p->aug, expr, &nodes);
        for (size_t j = 0; j < nodes.n && !r; j++) {
            const char *v = augtree_get(p->aug, nodes.v[j]);

            if (v && strcasecmp(v, host) == 0)
                r = xstrdup(nodes.v[j]);
        }
        strv_free(&nodes);
        free(expr);
        if (r) {
            if (in)
                *in = files[i];
            return r;
        }
    }
    return NULL;
}

char *
backend_where(struct plan *p, const struct file_change *f, const char *node)
{
    size_t s, e, line = 1, col = 1;

    if (augtree_span(p->aug, node, &s, &e) < 0)
        return xstrdup(f->disk_path);
    for (size_t i = 0; i < s && i < f->before.len; i++)
        line += f->before.buf[i] == '\n';
    while (s + col - 1 < f->before.len && (f->before.buf[s + col - 1] == ' ' ||
                                           f->before.buf[s + col - 1] == '\t'))
        col++;
    return xasprintf("%s:%zu:%zu", f->disk_path, line, col);
}

/* How a source node authenticates: "NTS", "key N" or NULL. */
static const char *
node_auth(struct plan *p, const char *node)
{
    char *c = child(p, node, "nts");
    const char *r = NULL;

    if (c) {
        r = "NTS";
    } else if ((c = child(p, node, "key"))) {
        r = "a symmetric key";
    }
    free(c);
    return r;
}

int
backend_check_auth(struct plan *p, struct file_change **files, size_t n,
                   const struct file_change *rule_file, const char *rule, const char *rule_why)
{
    const struct settings *s = p->settings;
    char *test = source_test(p, true);
    struct strbuf plain;
    char *weak_where = NULL, *weak_line = NULL;
    const char *weak_how = NULL;
    int ret = 0;

    if (s->accept_auth_downgrade) {
        free(test);
        return 0;
    }
    /* The requested sources that would run without authentication. */
    sb_init(&plain);
    for (size_t i = 0; i < s->n_sources; i++) {
        const struct source *src = &s->sources[i];
        char *like = backend_find_source(p, files, n, backend_source_label(p, src), src->host,
                                         NULL);
        bool auth = src->nts || src->key || (like && node_auth(p, like));

        if (!auth)
            sb_printf(&plain, "%s%s", plain.len ? ", " : "", src->host);
        free(like);
    }
    /* An authenticated source that replace mode would disable. */
    for (size_t i = 0; s->mode == MODE_REPLACE && !weak_where && i < n; i++) {
        struct strv nodes = { 0 };
        /* one pass for the authenticated ones: a look-up per node is quadratic */
        char *expr = xasprintf("%s/*[(%s) and (nts or key)]", files[i]->tree, test);

        augtree_match(p->aug, expr, &nodes);
        for (size_t j = 0; j < nodes.n && !weak_where; j++) {
            char *label = augtree_label(p->aug, nodes.v[j]);
            const char *host = augtree_get(p->aug, nodes.v[j]);
            const char *how = node_auth(p, nodes.v[j]);
            size_t a, b, ind;

            if (how && label && strcmp(label, "peer") != 0 &&
                !(host && backend_wanted_for(p, label, host)) &&
                backend_node_line(p, files[i], nodes.v[j], &a, &b, &ind, &weak_line) == 0) {
                weak_where = backend_where(p, files[i], nodes.v[j]);
                weak_how = how;
            }
            free(label);
        }
        strv_free(&nodes);
        free(expr);
    }
    if (plain.len && rule) {
        char *where = backend_where(p, rule_file, rule);

        msg_error(p->m, "%s: %s; %s would have no authentication (no NTS, no key), so the "
                  "daemon would not use %s. Nothing was changed. Give the new sources "
                  "authentication (--nts with chrony or ntpsec, or nts: true or key: N per "
                  "source in the settings file), or accept the downgrade with "
                  "--accept-auth-downgrade "
                  "(accept_auth_downgrade: true)", where, rule_why, plain.buf,
                  strchr(plain.buf, ',') ? "them" : "it");
        free(where);
        ret = -1;
    } else if (plain.len && weak_where) {
        msg_error(p->m, "%s: '%s' authenticates its source with %s; replace mode would disable "
                  "it and use %s without authentication (no NTS, no key). Nothing was changed. "
                  "Give the new sources authentication (--nts with chrony or ntpsec, or nts: "
                  "true or key: N per source in the settings file), keep the old sources "
                  "(--mode merge), or accept "
                  "the downgrade with --accept-auth-downgrade (accept_auth_downgrade: true)",
                  weak_where, weak_line, weak_how, plain.buf);
        ret = -1;
    }
    if (ret < 0)
        p->invalid = true;
    free(weak_where);
    free(weak_line);
    sb_free(&plain);
    free(test);
    return ret;
}
