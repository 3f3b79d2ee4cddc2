/* SPDX-License-Identifier: Apache-2.0 */
/* serve: the block of lines that serve time (--serve) in a file shared with the admin. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "lineedit.h"
#include "msgs.h"
#include "serve.h"
#include "strbuf.h"
#include "strv.h"

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
serve_block_span(struct plan *p, const struct file_change *f, size_t *start,
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
serve_block(struct plan *p, struct file_change *f, serve_fill fill,
            const void *arg)
{
    const char *tree = lineedit_scratch(p);
    struct strv kids = { 0 };
    char *expr = NULL, *text = NULL;
    size_t s = 0, e = 0;
    int found, ret = -1;

    if (!tree)
        return -1;
    found = serve_block_span(p, f, &s, &e, true);
    if (found < 0)
        return -1;
    if (lineedit_tree_add(p, tree, "#comment", SERVE_BEGIN, NULL) < 0 || fill(p, tree, arg) < 0)
        goto out;
    expr = xasprintf("%s/*", tree);
    if (augtree_match(p->aug, expr, &kids) <= 1) {
        text = xstrdup("");                      /* nothing to serve: no block */
    } else if (lineedit_tree_add(p, tree, "#comment", SERVE_END, NULL) < 0 ||
               !(text = lineedit_render(p, tree))) {
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
