/* SPDX-License-Identifier: Apache-2.0 */
/* lineedit: the line-level editing every backend shares. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "alloc.h"
#include "backend.h"
#include "lineedit.h"
#include "msgs.h"
#include "paths.h"
#include "spawn.h"
#include "strbuf.h"
#include "strv.h"

const char *
lineedit_source_label(const struct plan *p, const struct source *src)
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
lineedit_scratch(struct plan *p)
{
    return augtree_parse(p->aug, p->backend->lens, "(new text)", "", p->m);
}

char *
lineedit_render(struct plan *p, const char *tree)
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
lineedit_add_source_node(struct plan *p, const char *tree, const struct source *src,
                         const char *keep)
{
    struct source_option opts[8];
    size_t n = source_options(p, src, opts);
    const char *label = lineedit_source_label(p, src);
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
lineedit_add_source_like(struct plan *p, const char *tree, const struct source *src,
                         const char *like)
{
    const char *label = lineedit_source_label(p, src);
    char *node, *last;
    bool changed;
    int ret;

    if (!like)
        return lineedit_add_source_node(p, tree, src, NULL);
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
    const char *tree = lineedit_scratch(p);

    if (!tree || lineedit_add_source_like(p, tree, src, like) < 0)
        return NULL;
    return lineedit_render(p, tree);
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
lineedit_comment_text(struct plan *p, const char *text)
{
    /* The lens renders every comment the same way around its value: render one, once. */
    if (!p->comment_pre) {
        const char *tree = lineedit_scratch(p);
        char *node, *line = NULL, *mark;
        int rc;

        if (!tree)
            return NULL;
        node = xasprintf("%s/#comment", tree);
        rc = augtree_set(p->aug, node, COMMENT_MARK);
        free(node);
        if (rc < 0 || !(line = lineedit_render(p, tree)) || !(mark = strstr(line, COMMENT_MARK))) {
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
lineedit_node_line(struct plan *p, const struct file_change *f, const char *node, size_t *start,
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
lineedit_wanted_for(struct plan *p, const char *label, const char *host)
{
    const struct settings *s = p->settings;

    for (size_t i = 0; i < s->n_sources; i++)
        if (strcmp(lineedit_source_label(p, &s->sources[i]), label) == 0 &&
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
lineedit_host_configured(struct plan *p, struct file_change **files, size_t n, const char *host)
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
lineedit_comment_out(struct plan *p, struct file_change *f, const char *node, const char *why)
{
    size_t s, e, indent;
    char *line, *note, *text;
    int ret = -1;

    if (lineedit_node_line(p, f, node, &s, &e, &indent, &line) < 0)
        return -1;
    note = xasprintf("%s%s", why, line);
    text = lineedit_comment_text(p, note);
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
lineedit_disable_unwanted(struct plan *p, struct file_change *f, bool keep_wanted)
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
        else if (!keep_wanted || !host || !label || !lineedit_wanted_for(p, label, host))
            ret = lineedit_comment_out(p, f, nodes.v[i], DISABLED_NOTE);
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
lineedit_fill_main(struct plan *p, struct file_change *f, const struct source *const *want,
                   size_t n)
{
    size_t at = insertion_point(p, f);
    const char *batch = NULL;      /* the new lines, rendered together at the end */
    char *added = NULL;
    int ret = 0;

    for (size_t i = 0; ret == 0 && i < n; i++) {
        struct strv nodes = { 0 };
        char *expr = xasprintf("%s/%s", f->tree, lineedit_source_label(p, want[i]));
        const char *found = NULL;
        char *text;

        if (augtree_find_value(p->aug, f->tree, lineedit_source_label(p, want[i]),
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
            if (!batch && !(batch = lineedit_scratch(p)))
                ret = -1;
            else
                ret = lineedit_add_source_node(p, batch, want[i], NULL);
        } else if (!(text = source_text(p, want[i], found))) {
            ret = -1;
        } else if (found) {
            size_t s, e, indent;
            char *old;

            if (lineedit_node_line(p, f, found, &s, &e, &indent, &old) == 0) {
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
    if (ret == 0 && batch && !(added = lineedit_render(p, batch)))
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
lineedit_set_sources_in(struct plan *p, struct file_change *f, struct file_change **files,
                        size_t n)
{
    const struct settings *s = p->settings;
    const struct source **want = xcalloc(s->n_sources + 1, sizeof(*want));
    size_t nwant = 0;
    int ret = 0;

    for (size_t i = 0; ret == 0 && i < n; i++)
        if (s->mode == MODE_REPLACE)
            ret = lineedit_disable_unwanted(p, files[i], true);
    for (size_t i = 0; i < s->n_sources; i++) {
        char *other = NULL;

        /* A requested source on a line of an included file stays there, as it is. */
        if (n > 1)
            other = lineedit_find_source(p, files + 1, n - 1,
                                         lineedit_source_label(p, &s->sources[i]),
                                        s->sources[i].host, NULL);
        if (!other)
            want[nwant++] = &s->sources[i];
        free(other);
    }
    if (ret == 0)
        ret = lineedit_fill_main(p, f, want, nwant);
    free(want);
    return ret;
}

int
lineedit_set_sources(struct plan *p, struct file_change *f)
{
    const struct settings *s = p->settings;
    const struct source **want = xcalloc(s->n_sources + 1, sizeof(*want));
    int ret = -1;

    for (size_t i = 0; i < s->n_sources; i++)
        want[i] = &s->sources[i];
    if ((s->mode != MODE_REPLACE || lineedit_disable_unwanted(p, f, true) == 0) &&
        lineedit_fill_main(p, f, want, s->n_sources) == 0)
        ret = 0;
    free(want);
    return ret;
}

bool
lineedit_has_label(struct plan *p, const struct file_change *f, const char *label)
{
    struct strv nodes = { 0 };
    char *expr = xasprintf("%s/%s", f->tree, label);
    bool r = augtree_match(p->aug, expr, &nodes) > 0;

    strv_free(&nodes);
    free(expr);
    return r;
}

int
lineedit_tree_add(struct plan *p, const char *tree, const char *label, const char *value,
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

char *
lineedit_find_source(struct plan *p, struct file_change **files, size_t n, const char *label,
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
lineedit_where(struct plan *p, const struct file_change *f, const char *node)
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

/* The child labels that make a source node authenticated (node_auth, lineedit_check_auth). */
static const char *const auth_labels[] = { "nts", "key", NULL };

void
lineedit_watch_auth(struct plan *p)
{
    augtree_watch_children(p->aug, p->backend->lens, auth_labels);
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
lineedit_check_auth(struct plan *p, struct file_change **files, size_t n,
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
        char *like = lineedit_find_source(p, files, n, lineedit_source_label(p, src), src->host,
                                          NULL);
        bool auth = src->nts || src->key || (like && node_auth(p, like));

        if (!auth)
            sb_printf(&plain, "%s%s", plain.len ? ", " : "", src->host);
        free(like);
    }
    /* An authenticated source that replace mode would disable. */
    for (size_t i = 0; s->mode == MODE_REPLACE && !weak_where && i < n; i++) {
        struct strv nodes = { 0 };
        /* one pass for the authenticated ones: a look-up per node is quadratic (the
         * children are auth_labels: augtree answers from its cached nodes) */
        char *expr = xasprintf("%s/*[(%s) and (nts or key)]", files[i]->tree, test);

        augtree_match(p->aug, expr, &nodes);
        for (size_t j = 0; j < nodes.n && !weak_where; j++) {
            char *label = augtree_label(p->aug, nodes.v[j]);
            const char *host = augtree_get(p->aug, nodes.v[j]);
            const char *how = node_auth(p, nodes.v[j]);
            size_t a, b, ind;

            if (how && label && strcmp(label, "peer") != 0 &&
                !(host && lineedit_wanted_for(p, label, host)) &&
                lineedit_node_line(p, files[i], nodes.v[j], &a, &b, &ind, &weak_line) == 0) {
                weak_where = lineedit_where(p, files[i], nodes.v[j]);
                weak_how = how;
            }
            free(label);
        }
        strv_free(&nodes);
        free(expr);
    }
    if (plain.len && rule) {
        char *where = lineedit_where(p, rule_file, rule);

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
