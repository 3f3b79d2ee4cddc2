/* backend-chrony: chrony in all its layouts.
 *
 * Where the configuration already reads a directory of sources (sourcedir) or of
 * configuration (confdir, or include of DIR/ *.conf), the managed sources go into a file the tool
 * owns there; otherwise into the main file. In replace mode every other server and pool line
 * is commented out with a note; peers, refclocks, the DHCP sourcedir and all other lines stay
 * as they are. A makestep rule is added when none exists, so a clock minutes off is stepped. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "backend.h"
#include "plan.h"
#include "spawn.h"

#define MANAGED_NAME "te-ntp-setup"
#define MANAGED_HEADER "Managed by te-ntp-setup: the NTP sources of this host. Local changes " \
                       "are replaced on its next run."
#define DISABLED_NOTE "te-ntp-setup (replace mode) disabled: "
#define VALIDATE_TIMEOUT_MS 10000

static const char *const conf_paths[] = { "/etc/chrony/chrony.conf", "/etc/chrony.conf", NULL };
static const char *const daemons[] = { "/usr/sbin/chronyd", "/usr/bin/chronyd", "/sbin/chronyd",
                                       NULL };
static const char *const services[] = { "chrony", "chronyd", NULL };

static const char *
default_service(const struct hostinfo *h)
{
    return hostinfo_is_like(h, "debian") || hostinfo_is_like(h, "ubuntu") ? "chrony" : "chronyd";
}

/* A directory chrony fills at run time (DHCP or cloud-provided sources): never ours. */
static bool
runtime_dir(const char *dir)
{
    return strncmp(dir, "/run/", 5) == 0 || strncmp(dir, "/var/run/", 9) == 0;
}

/* Where the managed sources go, and what the layout reads. */
struct layout {
    struct file_change *main;
    char *target;            /* path of the file that holds the managed sources */
    bool target_is_sources;  /* a sourcedir *.sources file (only source lines allowed) */
    struct strv dropins;     /* other files the configuration reads, sorted per directive */
};

static void
layout_free(struct layout *l)
{
    free(l->target);
    strv_free(&l->dropins);
}

/* Add the files matching pattern (a path on the target) to the drop-in list. */
static void
add_glob(struct plan *p, struct layout *l, const char *pattern)
{
    char *disk = hostinfo_path(p->host, pattern);
    size_t rootlen = strlen(disk) - strlen(pattern);
    glob_t g;

    if (glob(disk, 0, NULL, &g) == 0) {
        for (size_t i = 0; i < g.gl_pathc; i++)
            if (!strv_contains(&l->dropins, g.gl_pathv[i] + rootlen))
                strv_push(&l->dropins, g.gl_pathv[i] + rootlen);
        globfree(&g);
    }
    free(disk);
}

/* Read the main file's directory directives and choose the target. */
static void
read_layout(struct plan *p, struct layout *l)
{
    struct strv nodes = { 0 };
    char *expr = xasprintf("%s/*", l->main->tree);
    char *conf_target = NULL, *source_target = NULL;

    augtree_match(p->aug, expr, &nodes);
    for (size_t i = 0; i < nodes.n; i++) {
        char *label = augtree_label(p->aug, nodes.v[i]);
        const char *value = augtree_get(p->aug, nodes.v[i]);
        char *copy, *save = NULL;

        if (!label || !value) {
            free(label);
            continue;
        }
        copy = xstrdup(value);
        if (!strcmp(label, "sourcedir") || !strcmp(label, "confdir")) {
            bool src = !strcmp(label, "sourcedir");

            for (char *d = strtok_r(copy, " \t", &save); d; d = strtok_r(NULL, " \t", &save)) {
                char *pat;

                if (d[0] != '/' || runtime_dir(d))
                    continue;
                pat = xasprintf("%s/*.%s", d, src ? "sources" : "conf");
                add_glob(p, l, pat);
                free(pat);
                if (src && !source_target)
                    source_target = xasprintf("%s/%s.sources", d, MANAGED_NAME);
                if (!src && !conf_target)
                    conf_target = xasprintf("%s/%s.conf", d, MANAGED_NAME);
            }
        } else if (!strcmp(label, "include") && copy[0] == '/') {
            char *slash = strrchr(copy, '/');

            add_glob(p, l, copy);
            if (!conf_target && !runtime_dir(copy) && strcmp(slash, "/*.conf") == 0)
                conf_target = xasprintf("%.*s/%s.conf", (int)(slash - copy), copy, MANAGED_NAME);
        }
        free(copy);
        free(label);
    }
    if (source_target) {
        l->target = source_target;
        l->target_is_sources = true;
        free(conf_target);
    } else if (conf_target) {
        l->target = conf_target;
    } else {
        l->target = xstrdup(l->main->path);
    }
    strv_free(&nodes);
    free(expr);
}

static const char *
kind_label(const struct source *src)
{
    return src->kind == SOURCE_POOL ? "pool" : "server";
}

/* A fresh, empty tree of the chrony lens to build new lines in. */
static const char *
scratch(struct plan *p)
{
    return augtree_parse(p->aug, p->backend->lens, "(new text)", "", p->m);
}

/* Render the scratch tree into a newly allocated string, or NULL. */
static char *
render(struct plan *p, const char *tree)
{
    struct strbuf sb;

    sb_init(&sb);
    if (augtree_render(p->aug, tree, &sb, p->m) < 0) {
        sb_free(&sb);
        return NULL;
    }
    return sb_steal(&sb);
}

/* Add a source node for src to the tree (at its end). 0 or -1. */
static int
add_source_node(struct plan *p, const char *tree, const struct source *src)
{
    struct source_option opts[8];
    size_t n = backend_source_options(src, opts);
    char *node = xasprintf("%s/%s[last()+1]", tree, kind_label(src));
    char *last = xasprintf("%s/%s[last()]", tree, kind_label(src));
    int ret = augtree_set(p->aug, node, src->host);

    for (size_t i = 0; ret == 0 && i < n; i++) {
        char *child = xasprintf("%s/%s", last, opts[i].name);

        ret = augtree_set(p->aug, child, opts[i].has_value ? opts[i].value : NULL);
        free(child);
    }
    if (ret < 0)
        msg_error(p->m, "cannot build the line for %s: %s", src->host, augtree_error(p->aug));
    free(node);
    free(last);
    return ret;
}

/* The line chrony reads for src, rendered by the lens ("server HOST iburst\n"). */
static char *
source_text(struct plan *p, const struct source *src)
{
    const char *tree = scratch(p);

    if (!tree || add_source_node(p, tree, src) < 0)
        return NULL;
    return render(p, tree);
}

/* A comment line, rendered by the lens ("# text\n"). */
static char *
comment_text(struct plan *p, const char *text)
{
    const char *tree = scratch(p);
    char *node;
    int rc;

    if (!tree)
        return NULL;
    node = xasprintf("%s/#comment", tree);
    rc = augtree_set(p->aug, node, text);
    free(node);
    return rc < 0 ? NULL : render(p, tree);
}

/* The node's line in the original text: its span, its indentation and its text without
 * indentation and line end (newly allocated). -1 for a node that has no span. */
static int
node_line(struct plan *p, const struct file_change *f, const char *node, size_t *start,
          size_t *end, size_t *indent, char **text)
{
    size_t s, e, i, t;

    if (augtree_span(p->aug, node, &s, &e) < 0 || e > f->before.len || s > e) {
        msg_error(p->m, "%s: internal error: no position for %s", f->disk_path, node);
        return -1;
    }
    for (i = s; i < e && (f->before.buf[i] == ' ' || f->before.buf[i] == '\t'); i++)
        ;
    for (t = e; t > i && (f->before.buf[t - 1] == '\n' || f->before.buf[t - 1] == ' ' ||
                          f->before.buf[t - 1] == '\t'); t--)
        ;
    *start = s;
    *end = e;
    *indent = i - s;
    *text = xasprintf("%.*s", (int)(t - i), f->before.buf + i);
    return 0;
}

/* True when the node's options are exactly the wanted ones, in order. */
static bool
options_match(struct plan *p, const char *node, const struct source *src)
{
    struct source_option opts[8];
    size_t n = backend_source_options(src, opts);
    struct strv kids = { 0 };
    char *expr = xasprintf("%s/*", node);
    bool same;

    augtree_match(p->aug, expr, &kids);
    same = kids.n == n;
    for (size_t i = 0; same && i < n; i++) {
        char *k = augtree_label(p->aug, kids.v[i]);
        const char *v = augtree_get(p->aug, kids.v[i]);

        same = k && strcmp(k, opts[i].name) == 0 &&
               (opts[i].has_value ? v && strcmp(v, opts[i].value) == 0 : v == NULL);
        free(k);
    }
    strv_free(&kids);
    free(expr);
    return same;
}

/* The wanted source for a server/pool node, or NULL. Host names compare without case. */
static const struct source *
wanted_for(struct plan *p, const char *label, const char *host)
{
    const struct settings *s = p->settings;

    for (size_t i = 0; i < s->n_sources; i++)
        if (strcmp(kind_label(&s->sources[i]), label) == 0 &&
            strcasecmp(s->sources[i].host, host) == 0)
            return &s->sources[i];
    return NULL;
}

/* True when host is a source (any kind) in any of the files. */
static bool
host_configured(struct plan *p, struct file_change **files, size_t n, const char *host)
{
    bool found = false;

    for (size_t i = 0; i < n && !found; i++) {
        struct strv nodes = { 0 };
        char *expr = xasprintf("%s/*[label() = 'server' or label() = 'pool' or "
                               "label() = 'peer']", files[i]->tree);

        augtree_match(p->aug, expr, &nodes);
        for (size_t j = 0; j < nodes.n && !found; j++) {
            const char *v = augtree_get(p->aug, nodes.v[j]);

            found = v && strcasecmp(v, host) == 0;
        }
        strv_free(&nodes);
        free(expr);
    }
    return found;
}

/* Replace the source line by a comment holding it, after a note (same indentation). */
static int
comment_out(struct plan *p, struct file_change *f, const char *node)
{
    size_t s, e, indent;
    char *line, *note, *text;
    int ret = -1;

    if (node_line(p, f, node, &s, &e, &indent, &line) < 0)
        return -1;
    note = xasprintf(DISABLED_NOTE "%s", line);
    text = comment_text(p, note);
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

/* In replace mode, comment out every server/pool line of f that is not wanted there. */
static int
disable_unwanted(struct plan *p, struct file_change *f, bool keep_wanted)
{
    struct strv nodes = { 0 };
    char *expr = xasprintf("%s/*[label() = 'server' or label() = 'pool']", f->tree);
    int ret = 0;

    augtree_match(p->aug, expr, &nodes);
    for (size_t i = 0; ret == 0 && i < nodes.n; i++) {
        char *label = augtree_label(p->aug, nodes.v[i]);
        const char *host = augtree_get(p->aug, nodes.v[i]);

        if (!keep_wanted || !host || !wanted_for(p, label, host))
            ret = comment_out(p, f, nodes.v[i]);
        free(label);
    }
    strv_free(&nodes);
    free(expr);
    return ret;
}

/* The managed sources in the tool's own file: the whole file is generated. */
static int
fill_managed(struct plan *p, struct file_change *f, const struct source *const *want, size_t n,
             bool with_makestep)
{
    const char *tree = scratch(p);
    char *c, *text;
    int ret = 0;

    if (!tree)
        return -1;
    c = xasprintf("%s/#comment", tree);
    if (augtree_set(p->aug, c, MANAGED_HEADER) < 0)
        ret = -1;
    free(c);
    for (size_t i = 0; ret == 0 && i < n; i++)
        ret = add_source_node(p, tree, want[i]);
    if (ret == 0 && with_makestep) {
        char *ms = xasprintf("%s/makestep", tree);

        ret = augtree_set(p->aug, ms, "1.0 3");
        free(ms);
    }
    if (ret < 0 || !(text = render(p, tree))) {
        msg_error(p->m, "%s: cannot build the managed file: %s", f->path, augtree_error(p->aug));
        return -1;
    }
    sb_reset(&f->after);
    sb_append(&f->after, text);
    f->generated = true;
    free(text);
    return 0;
}

/* Where new source lines go in f: after the last source line (server, pool, peer) or the
 * last line this tool disabled; at the end of the file when there is none. */
static size_t
insertion_point(struct plan *p, struct file_change *f)
{
    struct strv nodes = { 0 };
    char *expr = xasprintf("%s/*", f->tree);
    size_t at = f->before.len;

    augtree_match(p->aug, expr, &nodes);
    for (size_t i = nodes.n; i-- > 0;) {
        char *label = augtree_label(p->aug, nodes.v[i]);
        const char *v = augtree_get(p->aug, nodes.v[i]);
        size_t s, e;
        bool hit = label && (!strcmp(label, "server") || !strcmp(label, "pool") ||
                             !strcmp(label, "peer") ||
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

/* Sources that go into the main file: fix the options of an existing line, or add a new
 * line where the sources are. */
static int
fill_main(struct plan *p, struct file_change *f, const struct source *const *want, size_t n)
{
    size_t at = insertion_point(p, f);
    struct strbuf added;
    int ret = 0;

    sb_init(&added);
    for (size_t i = 0; ret == 0 && i < n; i++) {
        struct strv nodes = { 0 };
        char *expr = xasprintf("%s/%s", f->tree, kind_label(want[i]));
        const char *found = NULL;
        char *text;

        augtree_match(p->aug, expr, &nodes);
        for (size_t j = 0; j < nodes.n && !found; j++) {
            const char *v = augtree_get(p->aug, nodes.v[j]);

            if (v && strcasecmp(v, want[i]->host) == 0)
                found = nodes.v[j];
        }
        if (found && (p->settings->mode == MODE_MERGE || options_match(p, found, want[i]))) {
            /* exactly as wanted, or merge mode: an existing line is left as it is */
        } else if (!(text = source_text(p, want[i]))) {
            ret = -1;
        } else if (found) {
            size_t s, e, indent;
            char *old;

            if (node_line(p, f, found, &s, &e, &indent, &old) == 0) {
                char *indented = xasprintf("%.*s%s", (int)indent, f->before.buf + s, text);

                plan_edit(f, s, e, indented);
                free(indented);
                free(old);
            } else {
                ret = -1;
            }
            free(text);
        } else {
            sb_append(&added, text);
            free(text);
        }
        strv_free(&nodes);
        free(expr);
    }
    if (ret == 0 && added.len) {
        plan_edit(f, at, at, added.buf);
    }
    sb_free(&added);
    return ret;
}

static bool
has_label(struct plan *p, struct file_change *f, const char *label)
{
    struct strv nodes = { 0 };
    char *expr = xasprintf("%s/%s", f->tree, label);
    bool r = augtree_match(p->aug, expr, &nodes) > 0;

    strv_free(&nodes);
    free(expr);
    return r;
}

static int
chrony_plan(struct plan *p)
{
    const struct settings *s = p->settings;
    struct layout l = { 0 };
    struct file_change **files = NULL, *target;
    const struct source **want = NULL;
    size_t nfiles = 0, nwant = 0;
    const char *main_path = backend_conf_path(p->backend, p->host);
    bool failed, makestep = false, replace = s->mode == MODE_REPLACE;
    int ret = -1;

    if (!main_path) {
        msg_error(p->m, "chrony's configuration was not found on %s (looked for "
                  "/etc/chrony/chrony.conf and /etc/chrony.conf)",
                  p->host->root ? p->host->root : "this system");
        return -1;
    }
    l.main = plan_open_file(p, main_path, false, &failed);
    if (!l.main)
        goto out;
    read_layout(p, &l);

    /* Every file the configuration reads, the main one first. */
    files = xcalloc(l.dropins.n + 2, sizeof(*files));
    files[nfiles++] = l.main;
    for (size_t i = 0; i < l.dropins.n; i++) {
        struct file_change *f;

        if (strcmp(l.dropins.v[i], l.target) == 0)
            continue;
        f = plan_open_file(p, l.dropins.v[i], false, &failed);
        if (failed)
            goto out;
        if (f)
            files[nfiles++] = f;
    }
    target = plan_open_file(p, l.target, true, &failed);
    if (!target)
        goto out;

    /* Which sources go into the target. */
    want = xcalloc(s->n_sources + 1, sizeof(*want));
    for (size_t i = 0; i < s->n_sources; i++) {
        if (!replace && target != l.main &&
            host_configured(p, files, nfiles, s->sources[i].host))
            continue;                    /* merge: already there, keep it as it is */
        want[nwant++] = &s->sources[i];
    }

    for (size_t i = 0; i < nfiles; i++)
        if (!strstr(files[i]->path, ".sources") && has_label(p, files[i], "makestep"))
            makestep = true;
    if (target != l.main && has_label(p, target, "makestep"))
        makestep = true;

    if (replace)
        for (size_t i = 0; i < nfiles; i++)
            if (disable_unwanted(p, files[i], files[i] == target) < 0)
                goto out;

    if (target == l.main) {
        if (fill_main(p, target, want, nwant) < 0)
            goto out;
    } else if (fill_managed(p, target, want, nwant,
                            !makestep && !l.target_is_sources) < 0) {
        goto out;
    }
    if (!makestep && (target == l.main || l.target_is_sources)) {
        const char *tree = scratch(p);
        char *c = NULL, *ms = NULL, *text = NULL;

        if (tree) {
            c = xasprintf("%s/#comment", tree);
            ms = xasprintf("%s/makestep", tree);
        }
        if (!tree || augtree_set(p->aug, c, "Step the clock when it is off by more than 1 s "
                                 "in the first 3 updates (added by te-ntp-setup)") < 0 ||
            augtree_set(p->aug, ms, "1.0 3") < 0 || !(text = render(p, tree))) {
            msg_error(p->m, "%s: cannot add makestep", l.main->path);
            free(c);
            free(ms);
            goto out;
        }
        plan_edit(l.main, l.main->before.len, l.main->before.len, text);
        free(text);
        free(c);
        free(ms);
    }
    if (plan_render(p) < 0)
        goto out;

    /* Only sourcedir files changed: chrony can re-read them without a restart. */
    p->activation = ACTION_RELOAD_SOURCES;
    for (size_t i = 0; i < p->n_files; i++)
        if (file_change_differs(p->files[i]) && !strstr(p->files[i]->path, ".sources"))
            p->activation = ACTION_RESTART;
    ret = 0;
out:
    free(want);
    free(files);
    layout_free(&l);
    return ret;
}

/* The whole planned configuration as one file for chronyd -p: the main file with its
 * directory directives turned into comments (so nothing is read from the host's files), then
 * every drop-in the plan read or wrote. */
static size_t
count_lines(const char *s, size_t len)
{
    size_t n = 0;

    for (size_t i = 0; i < len; i++)
        n += s[i] == '\n';
    return n;
}

static int
validation_text(struct plan *p, struct strbuf *out, size_t *first_line)
{
    const struct file_change *main = p->files[0];
    const char *tree = augtree_parse(p->aug, p->backend->lens, main->path, main->after.buf, p->m);
    struct strv nodes = { 0 };
    char *expr;
    int ret = 0;

    if (!tree)
        return -1;
    expr = xasprintf("%s/*[label() = 'include' or label() = 'confdir' or "
                     "label() = 'sourcedir']", tree);
    augtree_match(p->aug, expr, &nodes);
    for (size_t i = nodes.n; ret == 0 && i-- > 0;) {
        char *prev = xasprintf("%s/preceding-sibling::*[1]", nodes.v[i]);

        if (augtree_insert(p->aug, nodes.v[i], "#comment", true) < 0 ||
            augtree_set(p->aug, prev, "(left out for the check)") < 0 ||
            augtree_rm(p->aug, nodes.v[i]) < 0)
            ret = -1;
        free(prev);
    }
    strv_free(&nodes);
    free(expr);
    if (ret < 0 || augtree_render(p->aug, tree, out, p->m) < 0)
        return -1;
    first_line[0] = 1;
    for (size_t i = 1; i < p->n_files; i++) {
        if (out->len && out->buf[out->len - 1] != '\n')
            sb_putc(out, '\n');
        first_line[i] = count_lines(out->buf, out->len) + 1;
        sb_append(out, p->files[i]->after.buf);
    }
    return 0;
}

/* chronyd names a line of the combined file: say which file and line that is. */
static char *
locate(struct plan *p, const char *msg, const size_t *first_line)
{
    const char *at = strstr(msg, "at line ");
    size_t line, which = 0;

    if (!at || sscanf(at, "at line %zu", &line) != 1)
        return xstrdup("");
    for (size_t i = 0; i < p->n_files; i++)
        if (first_line[i] <= line)
            which = i;
    return xasprintf("%s:%zu: ", p->files[which]->disk_path, line - first_line[which] + 1);
}

static int
chrony_validate(struct plan *p)
{
    char *chronyd = spawn_find_program("chronyd");
    char tmpl[] = "/tmp/te-ntp-setup-check.XXXXXX";
    struct strbuf text;
    struct spawn_result res;
    size_t *first_line = xcalloc(p->n_files + 1, sizeof(*first_line));
    int fd = -1, ret = -1;

    sb_init(&text);
    if (!chronyd) {
        msg_note(p->m, "chronyd is not installed here: the configuration was not checked by "
                 "chronyd -p");
        ret = 0;
        goto out;
    }
    if (validation_text(p, &text, first_line) < 0)
        goto out;
    fd = mkostemp(tmpl, O_CLOEXEC);
    if (fd < 0 || write(fd, text.buf, text.len) != (ssize_t)text.len) {
        msg_error(p->m, "cannot write a temporary file to check the configuration: %s",
                  strerror(errno));
        goto out;
    }
    {
        const char *argv[] = { chronyd, "-p", "-f", tmpl, NULL };
        int rc = spawn_run(argv, NULL, VALIDATE_TIMEOUT_MS, &res);

        if (rc == 0) {
            ret = 0;
        } else {
            char *how = spawn_describe(&res);
            const char *why = res.err.len ? res.err.buf : res.out.buf;
            const char *fatal = strstr(why, "Fatal error : ");
            char *where;

            if (fatal)
                why = fatal + strlen("Fatal error : ");
            where = locate(p, why, first_line);
            msg_error(p->m, "%schronyd rejects the planned configuration: %.*s (%s %s; nothing "
                      "was written)", where, (int)strcspn(why, "\n"), why, chronyd, how);
            free(where);
            free(how);
        }
        spawn_result_free(&res);
    }
out:
    if (fd >= 0) {
        close(fd);
        unlink(tmpl);
    }
    sb_free(&text);
    free(first_line);
    free(chronyd);
    return ret;
}

const struct ntp_backend backend_chrony = {
    .name = "chrony",
    .lens = "Tentp_chrony.lns",
    .conf_paths = conf_paths,
    .daemons = daemons,
    .services = services,
    .package = "chrony",
    .default_service = default_service,
    .plan = chrony_plan,
    .validate = chrony_validate,
};
