/* SPDX-License-Identifier: Apache-2.0 */
/* ansible: te-ntp-setup as an Ansible module (see ansible.h). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "alloc.h"
#include "ansible.h"
#include "cli.h"
#include "json.h"
#include "jsonparse.h"
#include "msgs.h"
#include "paths.h"
#include "strbuf.h"
#include "strv.h"

bool
ansible_module_name(const char *argv0)
{
    const char *base;

    if (!argv0)
        return false;
    base = strrchr(argv0, '/');
    base = base ? base + 1 : argv0;
    return strcmp(base, ANSIBLE_MODULE_NAME) == 0 ||
           strcmp(base, "AnsiballZ_" ANSIBLE_MODULE_NAME) == 0;
}

bool
ansible_args_file(const char *path)
{
    struct stat st;
    char buf[256];
    ssize_t n;
    int fd;
    bool ret = false;

    fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
    if (fd < 0)
        return false;
    if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode))
        goto out;
    n = read(fd, buf, sizeof(buf));
    for (ssize_t i = 0; i < n; i++) {
        if (buf[i] == ' ' || buf[i] == '\t' || buf[i] == '\n' || buf[i] == '\r')
            continue;
        ret = buf[i] == '{';
        break;
    }
out:
    close(fd);
    return ret;
}

/* ---- arguments ------------------------------------------------------------------ */

/* What a value is, for messages: the quoted string, or its type. */
static char *
describe(const struct jvalue *v)
{
    if (v->type == JVALUE_STRING)
        return quote_string(v->u.string.s);
    if (v->type == JVALUE_NUMBER)
        return xasprintf("the number %g", v->u.number.value);
    if (v->type == JVALUE_BOOL)
        return xstrdup(v->u.boolean ? "true" : "false");
    return xstrdup(jsonparse_type_name(v->type));
}

static void
arg_error(struct msgs *m, const char *name, const char *want, const struct jvalue *v)
{
    char *d = describe(v);

    msg_error(m, "%s must be %s, not %s", name, want, d);
    free(d);
}

/* A boolean as Ansible takes one: true/false, 1/0, or the strings yes/no, on/off, true/false,
 * y/n, t/f, 1/0 in any case. */
static bool
arg_bool(const struct jvalue *v, const char *name, bool *out, struct msgs *m)
{
    static const char *const yes[] = { "yes", "on", "true", "y", "t", "1" };
    static const char *const no[] = { "no", "off", "false", "n", "f", "0" };

    if (v->type == JVALUE_BOOL) {
        *out = v->u.boolean;
        return true;
    }
    if (v->type == JVALUE_NUMBER && v->u.number.is_integer &&
        (v->u.number.integer == 0 || v->u.number.integer == 1)) {
        *out = v->u.number.integer == 1;
        return true;
    }
    if (v->type == JVALUE_STRING) {
        for (size_t i = 0; i < TE_ARRAY_LEN(yes); i++) {
            if (strcasecmp(v->u.string.s, yes[i]) == 0) {
                *out = true;
                return true;
            }
            if (strcasecmp(v->u.string.s, no[i]) == 0) {
                *out = false;
                return true;
            }
        }
    }
    arg_error(m, name, "true or false", v);
    return false;
}

/* A whole number in f's range: a JSON integer, or a string of one (templated values). */
static bool
arg_int(const struct jvalue *v, const char *name, const struct setting_field *f, int *out,
        struct msgs *m)
{
    long long x = 0;
    bool ok = false;

    if (v->type == JVALUE_NUMBER && v->u.number.is_integer) {
        x = v->u.number.integer;
        ok = true;
    } else if (v->type == JVALUE_STRING && v->u.string.s[0]) {
        char *end;

        errno = 0;
        x = strtoll(v->u.string.s, &end, 10);
        ok = !errno && !*end && v->u.string.s[0] != ' ';
    }
    if (!ok || x < f->lo || x > f->hi) {
        char *want = setting_want(f, FRONT_ANSIBLE);

        arg_error(m, name, want, v);
        free(want);
        return false;
    }
    *out = (int)x;
    return true;
}

static bool
arg_string(const struct jvalue *v, const char *name, const char **out, struct msgs *m)
{
    if (v->type != JVALUE_STRING) {
        arg_error(m, name, "a string", v);
        return false;
    }
    *out = v->u.string.s;
    return true;
}

/* One entry of servers/pools given as an object: host and the source's options. */
static void
source_object(const struct jvalue *v, const char *name, enum source_kind kind,
              struct settings *s, struct msgs *m)
{
    const struct jvalue *hv = jsonparse_get(v, "host");
    struct source *src;
    const char *host;
    char *field;

    if (!hv) {
        msg_error(m, "%s has no host", name);
        return;
    }
    field = xasprintf("%s.host", name);
    if (!arg_string(hv, field, &host, m)) {
        free(field);
        return;
    }
    free(field);
    src = settings_add_source(s, kind, host);
    for (size_t i = 0; i < v->u.object.n; i++) {
        const char *key = v->u.object.members[i].key;
        const struct jvalue *ov = v->u.object.members[i].value;

        const struct setting_field *f = setting_find(source_fields, FRONT_ANSIBLE, key);
        int x;

        field = xasprintf("%s.%s", name, key);
        if (!f) {
            char *q = quote_string(key), *known = setting_keys(source_fields, FRONT_ANSIBLE,
                                                               false);

            msg_error(m, "%s: unknown key %s (known: %s)", name, q, known);
            free(q);
            free(known);
        } else if (f->type == SETTING_FLAG) {
            bool flag;

            if (arg_bool(ov, field, &flag, m))
                setting_store_flag(f, src, flag);
        } else if (f->type == SETTING_INT && arg_int(ov, field, f, &x, m)) {
            setting_store_int(f, src, x);
        }
        free(field);
    }
}

/* servers or pools: a list of host names and objects, or one string of names separated by
 * commas (what a templated list may arrive as). */
static void
arg_sources(const struct jvalue *v, const char *name, enum source_kind kind,
            struct settings *s, struct msgs *m)
{
    if (v->type == JVALUE_STRING) {
        char *copy = xstrdup(v->u.string.s), *save = NULL;

        for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
            size_t n;

            t += strspn(t, " \t");
            n = strlen(t);
            while (n && (t[n - 1] == ' ' || t[n - 1] == '\t'))
                t[--n] = '\0';
            if (*t)
                settings_add_source(s, kind, t);
        }
        free(copy);
        return;
    }
    if (v->type != JVALUE_ARRAY) {
        arg_error(m, name, "a list", v);
        return;
    }
    for (size_t i = 0; i < v->u.array.n; i++) {
        const struct jvalue *item = v->u.array.items[i];
        char *field = xasprintf("%s[%zu]", name, i);

        if (item->type == JVALUE_STRING)
            settings_add_source(s, kind, item->u.string.s);
        else if (item->type == JVALUE_OBJECT)
            source_object(item, field, kind, s, m);
        else
            arg_error(m, field, "a host name or an object with host", item);
        free(field);
    }
}

/* serve: a list of networks (strings), or one string of them separated by commas. The
 * networks are checked by settings_finish. */
static void
arg_serve(const struct jvalue *v, struct settings *s, struct msgs *m)
{
    strv_free(&s->serve);
    if (v->type == JVALUE_STRING) {
        char *copy = xstrdup(v->u.string.s), *save = NULL;

        for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
            size_t n;

            t += strspn(t, " \t");
            n = strlen(t);
            while (n && (t[n - 1] == ' ' || t[n - 1] == '\t'))
                t[--n] = '\0';
            if (*t)
                strv_push(&s->serve, t);
        }
        free(copy);
        return;
    }
    if (v->type != JVALUE_ARRAY) {
        arg_error(m, "serve", "a list of networks", v);
        return;
    }
    for (size_t i = 0; i < v->u.array.n; i++) {
        const struct jvalue *item = v->u.array.items[i];
        char *field = xasprintf("serve[%zu]", i);

        if (item->type == JVALUE_STRING)
            strv_push(&s->serve, item->u.string.s);
        else
            arg_error(m, field, "a network such as 192.0.2.0/24", item);
        free(field);
    }
}

/* The argument's value; NULL when it is absent or null (Ansible's "not given"). */
static const struct jvalue *
given(const struct jvalue *args, const char *name)
{
    const struct jvalue *v = jsonparse_get(args, name);

    return v && v->type != JVALUE_NULL ? v : NULL;
}

/* The argument of the first field of type (the root: SETTING_DIRECTORY). */
static const char *
name_of(enum setting_type type)
{
    for (const struct setting_field *f = settings_fields; !setting_end(f); f++)
        if (f->type == type && setting_key(f, FRONT_ANSIBLE))
            return setting_key(f, FRONT_ANSIBLE);
    return "";
}

/* One argument of the table (not config, read first). */
static void
arg_value(const struct setting_field *f, const char *name, const struct jvalue *v,
          struct settings *s, struct msgs *m)
{
    const struct setting_choice *c;
    const char *str;
    bool flag;
    int x;

    switch (f->type) {
    case SETTING_SOURCES:
        arg_sources(v, name, (enum source_kind)f->value, s, m);
        break;
    case SETTING_NETWORKS:
        arg_serve(v, s, m);
        break;
    case SETTING_FLAG:
        if (arg_bool(v, name, &flag, m))
            setting_store_flag(f, s, f->ansible_negated ? !flag : flag);
        break;
    case SETTING_INT:
        if (arg_int(v, name, f, &x, m))
            setting_store_int(f, s, x);
        break;
    case SETTING_CHOICE:
        if (!arg_string(v, name, &str, m))
            break;
        if ((c = setting_choice(f, str))) {
            setting_store_choice(f, s, c);
        } else if (f->noun) {
            char *q = quote_string(str), *unknown = setting_unknown_choice(f, q);

            msg_error(m, "%s", unknown);
            free(unknown);
            free(q);
        } else {
            char *want = setting_want(f, FRONT_ANSIBLE);

            arg_error(m, name, want, v);
            free(want);
        }
        break;
    case SETTING_DIRECTORY:
        if (!arg_string(v, name, &str, m))
            break;
        if (!is_dir(str)) {
            char *q = quote_string(str);

            msg_error(m, "%s %s is not a directory", name, q);
            free(q);
        } else {
            char **at = setting_string_at(f, s);

            free(*at);
            *at = xstrdup(str);
        }
        break;
    default:
        break;
    }
}

/* Every argument must be known: Ansible's own wording for the error. The _ansible_ ones of
 * the table (check mode, diff) are read here, the others ignored. */
static int
check_names(const struct jvalue *args, struct settings *s, struct msgs *m)
{
    struct strbuf bad;
    int ret = -1;

    sb_init(&bad);
    for (size_t i = 0; i < args->u.object.n; i++) {
        const char *key = args->u.object.members[i].key;
        const struct jvalue *v = args->u.object.members[i].value;
        const struct setting_field *f = setting_find(settings_fields, FRONT_ANSIBLE, key);

        if (f && strncmp(key, "_ansible_", 9) == 0)
            arg_value(f, key, v, s, m);
        else if (!f && strncmp(key, "_ansible_", 9) != 0)   /* verbosity, tmpdir, ... */
            sb_printf(&bad, "%s%s", bad.len ? ", " : "", key);
    }
    if (bad.len) {
        char *all = setting_keys(settings_fields, FRONT_ANSIBLE, true);

        msg_error(m, "Unsupported parameters for (%s) module: %s. Supported parameters "
                  "include: %s.", ANSIBLE_MODULE_NAME, bad.buf, all);
        free(all);
        goto out;
    }
    ret = 0;
out:
    sb_free(&bad);
    return ret;
}

int
ansible_load_args(const char *text, size_t len, const char *default_config,
                  struct settings *s, struct msgs *m)
{
    struct jvalue *args = NULL;
    const struct jvalue *v;
    const char *str;
    size_t errors = m->errors.n;
    char err[256];
    int ret = -1;

    if (jsonparse_text(text, len, &args, err, sizeof(err)) < 0) {
        msg_error(m, "the module arguments are not valid JSON: %s", err);
        goto out;
    }
    if (args->type != JVALUE_OBJECT) {
        msg_error(m, "the module arguments must be a JSON object, not %s",
                  jsonparse_type_name(args->type));
        goto out;
    }
    if (check_names(args, s, m) < 0)
        goto out;

    /* The settings file first, then the arguments over it; servers or pools replace its
     * sources (both lists, as on the command line). */
    for (const struct setting_field *f = settings_fields; !setting_end(f); f++) {
        const char *name = setting_key(f, FRONT_ANSIBLE);

        if (f->type != SETTING_CONFIG || !name)
            continue;
        if ((v = given(args, name))) {
            if (arg_string(v, name, &str, m))
                settings_load_yaml(s, str, m);
        } else if (default_config && !given(args, name_of(SETTING_DIRECTORY)) &&
                   access(default_config, F_OK) == 0) {
            settings_load_yaml(s, default_config, m);
        }
    }
    for (const struct setting_field *f = settings_fields; !setting_end(f); f++) {
        const char *name = setting_key(f, FRONT_ANSIBLE);

        if (name && f->type == SETTING_SOURCES && given(args, name)) {
            settings_clear_sources(s);
            break;
        }
    }
    for (const struct setting_field *f = settings_fields; !setting_end(f); f++) {
        const char *name = setting_key(f, FRONT_ANSIBLE);

        if (!name || f->type == SETTING_CONFIG || strncmp(name, "_ansible_", 9) == 0)
            continue;
        if ((v = given(args, name)))
            arg_value(f, name, v, s, m);
    }
    ret = m->errors.n > errors ? -1 : 0;
out:
    jsonparse_free(args);
    return ret;
}

/* ---- the result ----------------------------------------------------------------- */

static void
join(struct strbuf *sb, const char *s)
{
    if (sb->len)
        sb_append(sb, "; ");
    sb_append(sb, s);
}

/* One line for Ansible's output: what happened. */
static void
summary(const struct apply_report *r, struct strbuf *msg)
{
    const struct plan *p = r->plan;

    if (report_failed(r) && !report_unsynchronized(r)) {
        for (size_t i = 0; i < r->msgs->errors.n; i++)
            join(msg, r->msgs->errors.v[i]);
        if (!msg->len)
            sb_append(msg, "failed");
        return;
    }
    if (report_unsynchronized(r)) {
        /* exit 5 of the command line: failed unless accept_unsynchronized */
        sb_printf(msg, "%s is configured but not synchronized: %s", p->backend->name,
                  p->sync.why[0] ? p->sync.why : p->sync.how);
        if (!report_failed(r))
            sb_append(msg, " (accepted: accept_unsynchronized)");
        for (size_t i = 0; r->actions && i < r->actions->n; i++)
            join(msg, r->actions->v[i]);
        return;
    }
    if (r->skipped) {
        sb_append(msg, r->skipped);
        return;
    }
    if (r->status == APPLY_UNCHANGED) {
        report_nothing_to_change(r, msg);      /* the words of the command line */
        return;
    }
    if (r->settings->dry_run && p) {
        for (size_t i = 0; i < p->n_files; i++) {
            const struct file_change *f = p->files[i];
            char *line;

            if (!file_change_differs(f))
                continue;
            line = xasprintf("would %s %s", f->existed ? "change" : "create", f->disk_path);
            join(msg, line);
            free(line);
        }
    }
    for (size_t i = 0; r->actions && i < r->actions->n; i++)
        join(msg, r->actions->v[i]);
    if (!msg->len)
        sb_append(msg, r->settings->dry_run ? "would change" : "changed");
}

/* diff: one {before_header, after_header, before, after} per changed file. */
static void
diff_list(const struct apply_report *r, struct strbuf *out)
{
    const struct plan *p = r->plan;
    size_t n = 0;

    sb_putc(out, '[');
    for (size_t i = 0; p && r->status == APPLY_CHANGED && i < p->n_files; i++) {
        const struct file_change *f = p->files[i];

        if (!file_change_differs(f))
            continue;
        if (n++)
            sb_putc(out, ',');
        sb_putc(out, '{');
        json_key(out, "before_header", true);
        json_string(out, f->existed ? f->disk_path : "/dev/null");
        json_key(out, "after_header", false);
        json_string(out, f->disk_path);
        json_key(out, "before", false);
        json_string(out, f->before.buf);
        json_key(out, "after", false);
        json_string(out, f->after.buf);
        sb_putc(out, '}');
    }
    sb_putc(out, ']');
}

void
ansible_result(const struct apply_report *r, struct strbuf *out)
{
    struct strbuf msg;

    sb_init(&msg);
    summary(r, &msg);
    sb_putc(out, '{');
    report_apply_json_members(r, out);
    json_key(out, "msg", false);
    json_string(out, msg.buf);
    if (r->settings->diff) {
        json_key(out, "diff", false);
        diff_list(r, out);
    }
    sb_append(out, "}\n");
    sb_free(&msg);
}

void
ansible_failure(const struct msgs *m, struct strbuf *out)
{
    struct strbuf msg;

    sb_init(&msg);
    for (size_t i = 0; i < m->errors.n; i++)
        join(&msg, m->errors.v[i]);
    if (!msg.len)
        sb_append(&msg, "failed");
    sb_putc(out, '{');
    json_key(out, "changed", true);
    sb_append(out, "false");
    json_key(out, "failed", false);
    sb_append(out, "true");
    json_key(out, "msg", false);
    json_string(out, msg.buf);
    json_msgs(out, m);
    sb_append(out, "}\n");
    sb_free(&msg);
}

/* ---- the command ------------------------------------------------------------------ */

static const struct apply_front front_ansible = { .render = ansible_result, .module = true };

/* te-ntp-setup ansible-module ARGS, or the program run under the module's name: run as the
 * Ansible module te_ntp_setup with the arguments file Ansible wrote. Whatever happens, one
 * JSON object on stdout. */
static int
ansible_main(int argc, char **argv)
{
    struct settings s;
    struct msgs m = { 0 };
    struct strbuf text, out;
    int code = EXIT_FAILED;

    settings_init(&s);
    sb_init(&text);
    sb_init(&out);
    if (argc != 2) {
        msg_error(&m, "usage: te-ntp-setup ansible-module ARGS_FILE (the JSON file of "
                  "arguments Ansible passes a binary module)");
        goto fail;
    }
    if (read_file(argv[1], ANSIBLE_MAX_ARGS, &text) < 0) {
        char *q = quote_string(argv[1]);

        msg_error(&m, "cannot read the module arguments %s: %s", q, te_strerror(errno));
        free(q);
        goto fail;
    }
    if (ansible_load_args(text.buf, text.len, SETTINGS_DEFAULT_FILE, &s, &m) < 0 ||
        settings_finish(&s, &m) < 0)
        goto fail;
    code = cli_apply_run(&s, &m, &front_ansible);
    goto out;
fail:
    ansible_failure(&m, &out);
    fputs(out.buf, stdout);
    fflush(stdout);
out:
    sb_free(&text);
    sb_free(&out);
    msgs_free(&m);
    settings_free(&s);
    return code;
}

/* Ansible runs a binary module as "DIR/AnsiballZ_te_ntp_setup ARGS" (older releases:
 * "DIR/te_ntp_setup ARGS"): the module's name, and one argument that is a file of JSON. The
 * program's own name has hyphens, so no ordinary run looks like this. */
static bool
ansible_invoked(int argc, char **argv)
{
    return argc == 2 && ansible_module_name(argv[0]) && ansible_args_file(argv[1]);
}

const struct command cmd_ansible_module = {
    .name = "ansible-module",
    .usage =
"Usage: te-ntp-setup ansible-module ARGS_FILE\n"
"\n"
"Runs as the Ansible module te_ntp_setup (binary-module protocol): reads the task's\n"
"arguments from the JSON file ARGS_FILE, prints one JSON object (changed, failed,\n"
"msg, diff, and the keys of --json). Ansible runs the program this way by itself when\n"
"it is installed as a module named te_ntp_setup: see packaging/ansible/README.md.\n",
    .invoked = ansible_invoked,
    .run = ansible_main,
};
