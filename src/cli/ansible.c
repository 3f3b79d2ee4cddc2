/* SPDX-License-Identifier: Apache-2.0 */
/* ansible: te-ntp-setup as an Ansible module (see ansible.h). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "alloc.h"
#include "ansible.h"
#include "json.h"
#include "jsonparse.h"
#include "msgs.h"
#include "paths.h"
#include "strbuf.h"
#include "strv.h"

/* The module's arguments, in the order Ansible lists "Supported parameters". */
static const char *const known_args[] = {
    "accept_auth_downgrade", "accept_unsynchronized", "allow_leap_smear_mix", "config",
    "configure_container", "dhcp", "firewall", "if_needed", "implementation", "local_stratum",
    "lock_timeout", "mode", "platform", "pools", "restart", "root", "serve", "servers", "verify",
    "verify_timeout",
};

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

/* A whole number from lo to hi: a JSON integer, or a string of one (templated values). */
static bool
arg_int(const struct jvalue *v, const char *name, long lo, long hi, int *out, struct msgs *m)
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
    if (!ok || x < lo || x > hi) {
        char *want = xasprintf("a whole number from %ld to %ld", lo, hi);

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

        field = xasprintf("%s.%s", name, key);
        if (!strcmp(key, "host"))
            ;
        else if (!strcmp(key, "iburst"))
            arg_bool(ov, field, &src->iburst, m);
        else if (!strcmp(key, "prefer"))
            arg_bool(ov, field, &src->prefer, m);
        else if (!strcmp(key, "nts"))
            arg_bool(ov, field, &src->nts, m);
        else if (!strcmp(key, "minpoll"))
            arg_int(ov, field, -6, 24, &src->minpoll, m);
        else if (!strcmp(key, "maxpoll"))
            arg_int(ov, field, -6, 24, &src->maxpoll, m);
        else if (!strcmp(key, "key"))
            arg_int(ov, field, 1, 65535, &src->key, m);
        else {
            char *q = quote_string(key);

            msg_error(m, "%s: unknown key %s (known: host, iburst, prefer, minpoll, maxpoll, "
                      "nts, key)", name, q);
            free(q);
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

static bool
known_arg(const char *key)
{
    for (size_t i = 0; i < TE_ARRAY_LEN(known_args); i++)
        if (strcmp(key, known_args[i]) == 0)
            return true;
    return false;
}

/* Every argument must be known: Ansible's own wording for the error. */
static int
check_names(const struct jvalue *args, struct settings *s, struct msgs *m)
{
    struct strbuf bad;
    int ret = -1;

    sb_init(&bad);
    for (size_t i = 0; i < args->u.object.n; i++) {
        const char *key = args->u.object.members[i].key;
        const struct jvalue *v = args->u.object.members[i].value;

        if (strcmp(key, "_ansible_check_mode") == 0)
            arg_bool(v, key, &s->dry_run, m);
        else if (strcmp(key, "_ansible_diff") == 0)
            arg_bool(v, key, &s->diff, m);
        else if (strncmp(key, "_ansible_", 9) == 0)
            ;                                    /* verbosity, tmpdir, version, ... */
        else if (!known_arg(key))
            sb_printf(&bad, "%s%s", bad.len ? ", " : "", key);
    }
    if (bad.len) {
        struct strbuf all;

        sb_init(&all);
        for (size_t i = 0; i < TE_ARRAY_LEN(known_args); i++)
            sb_printf(&all, "%s%s", i ? ", " : "", known_args[i]);
        msg_error(m, "Unsupported parameters for (%s) module: %s. Supported parameters "
                  "include: %s.", ANSIBLE_MODULE_NAME, bad.buf, all.buf);
        sb_free(&all);
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
    const struct jvalue *v, *servers, *pools;
    const char *str;
    size_t errors = m->errors.n;
    bool flag;
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

    /* The settings file first, then the arguments over it. */
    if ((v = given(args, "config"))) {
        if (arg_string(v, "config", &str, m))
            settings_load_yaml(s, str, m);
    } else if (default_config && !given(args, "root") && access(default_config, F_OK) == 0) {
        settings_load_yaml(s, default_config, m);
    }
    servers = given(args, "servers");
    pools = given(args, "pools");
    if (servers || pools)
        settings_clear_sources(s);
    if (servers)
        arg_sources(servers, "servers", SOURCE_SERVER, s, m);
    if (pools)
        arg_sources(pools, "pools", SOURCE_POOL, s, m);
    if ((v = given(args, "implementation")) && arg_string(v, "implementation", &str, m)) {
        free(s->implementation);
        s->implementation = xstrdup(str);
    }
    if ((v = given(args, "mode")) && arg_string(v, "mode", &str, m) &&
        !settings_parse_mode(str, &s->mode))
        arg_error(m, "mode", "replace or merge", v);
    if ((v = given(args, "root")) && arg_string(v, "root", &str, m)) {
        if (!is_dir(str)) {
            char *q = quote_string(str);

            msg_error(m, "root %s is not a directory", q);
            free(q);
        } else {
            free(s->root);
            s->root = xstrdup(str);
        }
    }
    if ((v = given(args, "restart")) && arg_bool(v, "restart", &flag, m))
        s->no_restart = !flag;
    if ((v = given(args, "firewall")) && arg_bool(v, "firewall", &flag, m))
        s->no_firewall = !flag;
    if ((v = given(args, "verify")) && arg_bool(v, "verify", &flag, m))
        s->no_verify = !flag;
    if ((v = given(args, "dhcp")) && arg_string(v, "dhcp", &str, m) &&
        !settings_parse_dhcp(str, &s->dhcp))
        arg_error(m, "dhcp", "keep or ignore", v);
    if ((v = given(args, "accept_auth_downgrade")))
        arg_bool(v, "accept_auth_downgrade", &s->accept_auth_downgrade, m);
    if ((v = given(args, "if_needed")))
        arg_bool(v, "if_needed", &s->if_needed, m);
    if ((v = given(args, "accept_unsynchronized")))
        arg_bool(v, "accept_unsynchronized", &s->accept_unsynchronized, m);
    if ((v = given(args, "configure_container")))
        arg_bool(v, "configure_container", &s->configure_container, m);
    if ((v = given(args, "allow_leap_smear_mix")))
        arg_bool(v, "allow_leap_smear_mix", &s->allow_leap_smear_mix, m);
    if ((v = given(args, "platform")) && arg_string(v, "platform", &str, m) &&
        !settings_parse_platform(str, &s->platform_sources))
        arg_error(m, "platform", "auto or none", v);
    if ((v = given(args, "serve")))
        arg_serve(v, s, m);
    if ((v = given(args, "local_stratum")))
        arg_int(v, "local_stratum", 1, SETTINGS_LOCAL_STRATUM_MAX, &s->local_stratum, m);
    if ((v = given(args, "verify_timeout")))
        arg_int(v, "verify_timeout", 0, 3600, &s->verify_timeout, m);
    if ((v = given(args, "lock_timeout")))
        arg_int(v, "lock_timeout", 0, 3600, &s->lock_timeout, m);
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
    json_key(out, "warnings", false);
    json_strv(out, &m->warnings);
    json_key(out, "errors", false);
    json_strv(out, &m->errors);
    json_key(out, "notes", false);
    json_strv(out, &m->notes);
    sb_append(out, "}\n");
    sb_free(&msg);
}
