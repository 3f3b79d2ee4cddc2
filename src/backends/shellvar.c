/* SPDX-License-Identifier: Apache-2.0 */
/* shellvar: shell-variables files (/etc/default/x, /etc/sysconfig/x): read, and plan a change. */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "lineedit.h"
#include "msgs.h"
#include "paths.h"
#include "shellvar.h"
#include "strbuf.h"
#include "strv.h"

int
shellvar_get(const struct hostinfo *h, const char *path, const char *name, char **out,
             struct msgs *m)
{
    struct strbuf sb;
    char *value = NULL;
    size_t nlen = strlen(name);
    int ret = 0;

    sb_init(&sb);
    /* inside the root, without blocking, a regular file only; unreadable is not "not set" */
    if (read_file_in_root(h->root, path, 256 * 1024, &sb) < 0 && errno != ENOENT &&
        errno != ENOTDIR) {
        char *disk = hostinfo_path(h, path);

        msg_error(m, "%s: cannot read: %s", disk, te_strerror(errno));
        free(disk);
        ret = -1;
    } else if (sb.len) {
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
    *out = value;
    return ret;
}

bool
shellvar_has_word(const char *list, const char *word)
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
shellvar_set(struct plan *p, const char *path, const char *name, const char *value,
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
