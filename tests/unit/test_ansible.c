/* SPDX-License-Identifier: Apache-2.0 */
/* test_ansible: the Ansible module's arguments onto settings, and its JSON result. */
#include "config.h"

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "alloc.h"
#include "ansible.h"
#include "backend.h"
#include "jsonparse.h"
#include "msgs.h"
#include "plan.h"
#include "report.h"
#include "settings.h"

#include "cunit_main.h"
#include "strbuf.h"
#include "strv.h"

/* Write text to name in the test's directory; the path, newly allocated. */
static char *
write_tmp(const char *name, const char *text)
{
    char *path = te_path(te_tmpdir(), name);
    FILE *f = fopen(path, "w");

    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    if (f) {
        fputs(text, f);
        fclose(f);
    }
    return path;
}

static int
load(const char *json, const char *default_config, struct settings *s, struct msgs *m)
{
    settings_init(s);
    memset(m, 0, sizeof(*m));
    return ansible_load_args(json, strlen(json), default_config, s, m);
}

static void
done(struct settings *s, struct msgs *m)
{
    settings_free(s);
    msgs_free(m);
}

/* The one error of arguments with exactly one mistake. */
static const char *
only_error(const struct msgs *m)
{
    TE_ASSERT_INT_EQ(m->errors.n, 1);
    return m->errors.n ? m->errors.v[0] : "";
}

static void
test_ansible_module_name(void)
{
    CU_ASSERT_TRUE(ansible_module_name("te_ntp_setup"));
    CU_ASSERT_TRUE(ansible_module_name("/root/.ansible/tmp/ansible-tmp-1/AnsiballZ_te_ntp_setup"));
    CU_ASSERT_TRUE(ansible_module_name("./te_ntp_setup"));
    CU_ASSERT_FALSE(ansible_module_name("te-ntp-setup"));
    CU_ASSERT_FALSE(ansible_module_name("/usr/sbin/te-ntp-setup"));
    CU_ASSERT_FALSE(ansible_module_name("/tmp/te_ntp_setup/te-ntp-setup"));
    CU_ASSERT_FALSE(ansible_module_name("te_ntp_setup.sh"));
    CU_ASSERT_FALSE(ansible_module_name("AnsiballZ_other"));
    CU_ASSERT_FALSE(ansible_module_name(NULL));
}

static void
test_ansible_args_file(void)
{
    char *json = write_tmp("args", " \n\t{\"servers\": []}");
    char *text = write_tmp("text", "servers: []\n");
    char *empty = write_tmp("empty", "");

    CU_ASSERT_TRUE(ansible_args_file(json));
    CU_ASSERT_FALSE(ansible_args_file(text));
    CU_ASSERT_FALSE(ansible_args_file(empty));
    CU_ASSERT_FALSE(ansible_args_file(te_tmpdir()));            /* a directory */
    CU_ASSERT_FALSE(ansible_args_file("/nonexistent/args"));
    CU_ASSERT_FALSE(ansible_args_file("/dev/null"));            /* not a regular file */
    free(json);
    free(text);
    free(empty);
}

static void
test_ansible_all_arguments(void)
{
    static const char args[] =
        "{\"servers\": [\"ntp1.example.com\", {\"host\": \"ntp2.example.com\", "
        "\"iburst\": false, \"prefer\": true, \"minpoll\": 4, \"maxpoll\": \"10\", "
        "\"nts\": \"yes\", \"key\": 7}],"
        " \"pools\": [\"pool.example.org\"], \"implementation\": \"chrony\","
        " \"mode\": \"merge\", \"dhcp\": \"ignore\", \"restart\": false, \"firewall\": \"no\", \"verify\": 0,"
        " \"if_needed\": true, \"verify_timeout\": 5, \"lock_timeout\": \"7\","
        " \"serve\": [\"192.0.2.0/24\", \"2001:db8::/64\"], \"local_stratum\": 10,"
        " \"_ansible_check_mode\": true, \"_ansible_diff\": true,"
        " \"_ansible_verbosity\": 3, \"_ansible_tmpdir\": \"/tmp/x\", \"_ansible_no_log\": false}";
    struct settings s;
    struct msgs m;

    CU_ASSERT_EQUAL(load(args, NULL, &s, &m), 0);
    TE_ASSERT_INT_EQ(m.errors.n, 0);
    TE_ASSERT_INT_EQ(s.n_sources, 3);
    if (s.n_sources == 3) {
        TE_ASSERT_STR_EQ(s.sources[0].host, "ntp1.example.com");
        CU_ASSERT_EQUAL(s.sources[0].kind, SOURCE_SERVER);
        CU_ASSERT_TRUE(s.sources[0].iburst);
        TE_ASSERT_STR_EQ(s.sources[1].host, "ntp2.example.com");
        CU_ASSERT_FALSE(s.sources[1].iburst);
        CU_ASSERT_TRUE(s.sources[1].prefer);
        CU_ASSERT_TRUE(s.sources[1].nts);
        TE_ASSERT_INT_EQ(s.sources[1].minpoll, 4);
        TE_ASSERT_INT_EQ(s.sources[1].maxpoll, 10);
        TE_ASSERT_INT_EQ(s.sources[1].key, 7);
        TE_ASSERT_STR_EQ(s.sources[2].host, "pool.example.org");
        CU_ASSERT_EQUAL(s.sources[2].kind, SOURCE_POOL);
    }
    TE_ASSERT_STR_EQ(s.implementation, "chrony");
    CU_ASSERT_EQUAL(s.mode, MODE_MERGE);
    CU_ASSERT_EQUAL(s.dhcp, DHCP_IGNORE);
    CU_ASSERT_TRUE(s.no_restart);
    CU_ASSERT_TRUE(s.no_firewall);
    CU_ASSERT_TRUE(s.no_verify);
    CU_ASSERT_TRUE(s.if_needed);
    TE_ASSERT_INT_EQ(s.verify_timeout, 5);
    TE_ASSERT_INT_EQ(s.lock_timeout, 7);
    TE_ASSERT_INT_EQ(s.serve.n, 2);
    if (s.serve.n == 2) {
        TE_ASSERT_STR_EQ(s.serve.v[0], "192.0.2.0/24");
        TE_ASSERT_STR_EQ(s.serve.v[1], "2001:db8::/64");
    }
    TE_ASSERT_INT_EQ(s.local_stratum, 10);
    CU_ASSERT_TRUE(s.dry_run);
    CU_ASSERT_TRUE(s.diff);
    done(&s, &m);
}

/* Nothing given: the defaults, as on the command line; null is "not given". */
static void
test_ansible_defaults(void)
{
    struct settings s;
    struct msgs m;

    CU_ASSERT_EQUAL(load("{\"root\": null, \"servers\": null, \"restart\": null}", NULL, &s,
                         &m), 0);
    TE_ASSERT_INT_EQ(s.n_sources, 0);
    CU_ASSERT_PTR_NULL(s.root);
    CU_ASSERT_FALSE(s.no_restart);
    CU_ASSERT_FALSE(s.no_firewall);
    CU_ASSERT_FALSE(s.no_verify);
    CU_ASSERT_FALSE(s.dry_run);
    CU_ASSERT_FALSE(s.diff);
    CU_ASSERT_EQUAL(s.mode, MODE_REPLACE);
    TE_ASSERT_INT_EQ(s.verify_timeout, SETTINGS_VERIFY_TIMEOUT);
    CU_ASSERT_EQUAL(settings_finish(&s, &m), 0);
    TE_ASSERT_INT_EQ(s.n_sources, 2);                      /* 0/1.pool.ntp.org */
    done(&s, &m);

    CU_ASSERT_EQUAL(load("{}", NULL, &s, &m), 0);
    done(&s, &m);
}

/* A templated list may arrive as one string of names separated by commas. */
static void
test_ansible_servers_as_string(void)
{
    struct settings s;
    struct msgs m;

    CU_ASSERT_EQUAL(load("{\"servers\": \"ntp1.example.com, ntp2.example.com ,\"}", NULL, &s,
                         &m), 0);
    TE_ASSERT_INT_EQ(s.n_sources, 2);
    if (s.n_sources == 2) {
        TE_ASSERT_STR_EQ(s.sources[0].host, "ntp1.example.com");
        TE_ASSERT_STR_EQ(s.sources[1].host, "ntp2.example.com");
    }
    done(&s, &m);

    /* serve too; its values are checked by settings_finish. */
    CU_ASSERT_EQUAL(load("{\"serve\": \"192.0.2.0/24, 198.51.100.9/24\"}", NULL, &s, &m), 0);
    TE_ASSERT_INT_EQ(s.serve.n, 2);
    CU_ASSERT_EQUAL(settings_finish(&s, &m), 0);
    if (s.serve.n == 2)
        TE_ASSERT_STR_EQ(s.serve.v[1], "198.51.100.0/24");
    done(&s, &m);
}

static void
test_ansible_unknown_arguments(void)
{
    struct settings s;
    struct msgs m;

    CU_ASSERT_EQUAL(load("{\"server\": \"x\", \"servers\": [], \"bogus\": 1, "
                         "\"_ansible_anything\": 1}", NULL, &s, &m), -1);
    TE_ASSERT_STR_EQ(only_error(&m),
                     "Unsupported parameters for (te_ntp_setup) module: server, bogus. "
                     "Supported parameters include: accept_auth_downgrade, accept_unsynchronized, "
                     "allow_leap_smear_mix, config, configure_container, dhcp, firewall, "
                     "if_needed, implementation, local_stratum, lock_timeout, mode, platform, "
                     "pools, restart, root, serve, servers, verify, verify_timeout.");
    done(&s, &m);
}

/* Every argument of the settings table is read: a value other than the default, as the
 * table's type says, reaches the settings. */
static void
test_ansible_every_argument(void)
{
    for (const struct setting_field *f = settings_fields; !setting_end(f); f++) {
        const char *name = setting_key(f, FRONT_ANSIBLE);
        struct settings s, d;
        struct msgs m;
        char *args = NULL;
        bool differs = false;
        int rc;

        if (!name || f->type == SETTING_CONFIG)
            continue;
        switch (f->type) {
        case SETTING_FLAG:
            args = xasprintf("{\"%s\": %s}", name, f->ansible_negated ? "false" : "true");
            break;
        case SETTING_INT:
            args = xasprintf("{\"%s\": %ld}", name, f->hi);
            break;
        case SETTING_CHOICE: {
            const struct setting_choice *c = f->choices;

            while (c[1].name)
                c++;
            args = xasprintf("{\"%s\": \"%s\"}", name, c->name);
            break;
        }
        case SETTING_DIRECTORY:
            args = xasprintf("{\"%s\": \"%s\"}", name, te_tmpdir());
            break;
        case SETTING_SOURCES:
            args = xasprintf("{\"%s\": [\"ntp1.example.com\"]}", name);
            break;
        case SETTING_NETWORKS:
            args = xasprintf("{\"%s\": [\"192.0.2.0/24\"]}", name);
            break;
        default:
            te_assert_msg(false, __LINE__, __FILE__, false, "%s: a type Ansible cannot give",
                          name);
            continue;
        }
        settings_init(&d);
        rc = load(args, NULL, &s, &m);
        te_assert_msg(rc == 0 && m.errors.n == 0, __LINE__, __FILE__, false, "%s: %s", args,
                      m.errors.n ? m.errors.v[0] : "refused");
        if (f->type == SETTING_SOURCES)
            differs = s.n_sources == 1;
        else if (f->type == SETTING_NETWORKS)
            differs = s.serve.n == 1;
        else if (f->store == STORE_STRING)
            differs = *(char **)((char *)&s + f->offset) != NULL;
        else if (f->store == STORE_BOOL)
            differs = *(bool *)((char *)&s + f->offset) != *(bool *)((char *)&d + f->offset);
        else
            differs = *(int *)((char *)&s + f->offset) != *(int *)((char *)&d + f->offset);
        te_assert_msg(differs, __LINE__, __FILE__, false, "%s did not reach the settings", args);
        settings_free(&d);
        done(&s, &m);
        free(args);
    }
}

static void
test_ansible_bad_values(void)
{
    static const struct {
        const char *args;
        const char *error;
    } cases[] = {
        { "{\"servers\": 3}", "servers must be a list, not the number 3" },
        { "{\"servers\": {\"host\": \"a\"}}", "servers must be a list, not an object" },
        { "{\"pools\": [true]}", "pools[0] must be a host name or an object with host, not true" },
        { "{\"servers\": [{\"prefer\": true}]}", "servers[0] has no host" },
        { "{\"servers\": [{\"host\": 5}]}", "servers[0].host must be a string, not the number 5" },
        { "{\"servers\": [\"a.example\", {\"host\": \"b.example\", \"weight\": 1}]}",
          "servers[1]: unknown key \"weight\" (known: host, iburst, prefer, minpoll, maxpoll, "
          "nts, key)" },
        { "{\"servers\": [{\"host\": \"a.example\", \"minpoll\": 99}]}",
          "servers[0].minpoll must be a whole number from -6 to 24, not the number 99" },
        { "{\"servers\": [{\"host\": \"a.example\", \"key\": 1.5}]}",
          "servers[0].key must be a whole number from 1 to 65535, not the number 1.5" },
        { "{\"servers\": [{\"host\": \"a.example\", \"prefer\": \"maybe\"}]}",
          "servers[0].prefer must be true or false, not \"maybe\"" },
        { "{\"mode\": \"sometimes\"}", "mode must be replace or merge, not \"sometimes\"" },
        { "{\"mode\": []}", "mode must be a string, not a list" },
        { "{\"dhcp\": \"sometimes\"}", "dhcp must be keep or ignore, not \"sometimes\"" },
        { "{\"implementation\": false}", "implementation must be a string, not false" },
        { "{\"restart\": \"maybe\"}", "restart must be true or false, not \"maybe\"" },
        { "{\"firewall\": 2}", "firewall must be true or false, not the number 2" },
        { "{\"verify\": []}", "verify must be true or false, not a list" },
        { "{\"if_needed\": {}}", "if_needed must be true or false, not an object" },
        { "{\"serve\": 24}", "serve must be a list of networks, not the number 24" },
        { "{\"serve\": [\"192.0.2.0/24\", 8]}",
          "serve[1] must be a network such as 192.0.2.0/24, not the number 8" },
        { "{\"local_stratum\": 0}",
          "local_stratum must be a whole number from 1 to 15, not the number 0" },
        { "{\"verify_timeout\": -1}",
          "verify_timeout must be a whole number from 0 to 3600, not the number -1" },
        { "{\"lock_timeout\": \"10s\"}",
          "lock_timeout must be a whole number from 0 to 3600, not \"10s\"" },
        { "{\"root\": \"/nonexistent/root\"}", "root \"/nonexistent/root\" is not a directory" },
        { "{\"_ansible_check_mode\": \"perhaps\"}",
          "_ansible_check_mode must be true or false, not \"perhaps\"" },
        { "[]", "the module arguments must be a JSON object, not a list" },
        { "{\"servers\": [\"a\",]}",
          "the module arguments are not valid JSON: byte 17: a trailing comma before ']'" },
        { "", "the module arguments are not valid JSON: byte 0: expected a value, found the end "
          "of the text" },
    };
    struct settings s;
    struct msgs m;

    for (size_t i = 0; i < TE_ARRAY_LEN(cases); i++) {
        int rc = load(cases[i].args, NULL, &s, &m);

        te_assert_msg(rc == -1, __LINE__, __FILE__, false, "%s was accepted", cases[i].args);
        TE_ASSERT_STR_EQ(only_error(&m), cases[i].error);
        done(&s, &m);
    }
}

/* Every bad value is reported, not only the first. */
static void
test_ansible_all_errors(void)
{
    struct settings s;
    struct msgs m;

    CU_ASSERT_EQUAL(load("{\"servers\": 1, \"mode\": \"x\", \"restart\": \"y?\"}", NULL, &s, &m),
                    -1);
    TE_ASSERT_INT_EQ(m.errors.n, 3);
    done(&s, &m);
}

/* The settings file: `config` when given, else the default one unless a root is given; the
 * arguments override it and their sources replace its sources. */
static void
test_ansible_config_file(void)
{
    char *yaml = write_tmp("te.yaml", "servers: [file1.example.com]\n"
                                      "pools: [filepool.example.org]\n"
                                      "mode: merge\n");
    char *args;
    struct settings s;
    struct msgs m;

    args = xasprintf("{\"config\": \"%s\"}", yaml);
    CU_ASSERT_EQUAL(load(args, NULL, &s, &m), 0);
    TE_ASSERT_INT_EQ(s.n_sources, 2);
    CU_ASSERT_EQUAL(s.mode, MODE_MERGE);
    done(&s, &m);
    free(args);

    args = xasprintf("{\"config\": \"%s\", \"servers\": [\"arg.example.com\"], "
                     "\"mode\": \"replace\"}", yaml);
    CU_ASSERT_EQUAL(load(args, NULL, &s, &m), 0);
    TE_ASSERT_INT_EQ(s.n_sources, 1);
    if (s.n_sources)
        TE_ASSERT_STR_EQ(s.sources[0].host, "arg.example.com");
    CU_ASSERT_EQUAL(s.mode, MODE_REPLACE);
    done(&s, &m);
    free(args);

    /* The default file is read when it exists and no root is given. */
    CU_ASSERT_EQUAL(load("{}", yaml, &s, &m), 0);
    TE_ASSERT_INT_EQ(s.n_sources, 2);
    done(&s, &m);
    args = xasprintf("{\"root\": \"%s\"}", te_tmpdir());
    CU_ASSERT_EQUAL(load(args, yaml, &s, &m), 0);
    TE_ASSERT_INT_EQ(s.n_sources, 0);
    TE_ASSERT_STR_EQ(s.root, te_tmpdir());
    done(&s, &m);
    free(args);
    CU_ASSERT_EQUAL(load("{}", "/nonexistent/te.yaml", &s, &m), 0);
    TE_ASSERT_INT_EQ(s.n_sources, 0);
    done(&s, &m);

    /* A bad settings file is an error with its position. */
    free(yaml);
    yaml = write_tmp("bad.yaml", "servers: [a.example]\nbogus: 1\n");
    args = xasprintf("{\"config\": \"%s\"}", yaml);
    CU_ASSERT_EQUAL(load(args, NULL, &s, &m), -1);
    TE_ASSERT_CONTAINS(only_error(&m), "bad.yaml:2:1: unknown key \"bogus\"");
    done(&s, &m);
    free(args);
    free(yaml);
}

/* ---- the result ---------------------------------------------------------------------- */

static struct file_change *
fake_file(const char *path, bool existed, const char *before, const char *after)
{
    struct file_change *f = xcalloc(1, sizeof(*f));

    f->path = xstrdup(path);
    f->disk_path = xstrdup(path);
    f->existed = existed;
    sb_init(&f->before);
    sb_init(&f->after);
    sb_append(&f->before, before);
    sb_append(&f->after, after);
    return f;
}

static void
free_file(struct file_change *f)
{
    free(f->path);
    free(f->disk_path);
    sb_free(&f->before);
    sb_free(&f->after);
    free(f);
}

/* Parse the module's output with the strict parser; NULL (a failed assertion) when it is
 * not one JSON object ending in a newline. */
static struct jvalue *
parse_result(const struct strbuf *out)
{
    struct jvalue *v = NULL;
    char err[256];

    te_assert_msg(out->len && out->buf[out->len - 1] == '\n', __LINE__, __FILE__, false,
                  "no final newline: %s", out->buf);
    if (jsonparse_text(out->buf, out->len, &v, err, sizeof(err)) < 0)
        te_assert_msg(false, __LINE__, __FILE__, false, "%s: %s", err, out->buf);
    else if (v->type != JVALUE_OBJECT)
        te_assert_msg(false, __LINE__, __FILE__, false, "not an object: %s", out->buf);
    return v;
}

static bool
member_bool(const struct jvalue *obj, const char *key)
{
    const struct jvalue *v = jsonparse_get(obj, key);

    te_assert_msg(v && v->type == JVALUE_BOOL, __LINE__, __FILE__, false, "%s: no boolean", key);
    return v && v->type == JVALUE_BOOL && v->u.boolean;
}

static const char *
member_str(const struct jvalue *obj, const char *key)
{
    const struct jvalue *v = jsonparse_get(obj, key);

    te_assert_msg(v && v->type == JVALUE_STRING, __LINE__, __FILE__, false, "%s: no string",
                  key);
    return v && v->type == JVALUE_STRING ? v->u.string.s : "";
}

static void
test_ansible_result_changed_with_diff(void)
{
    struct settings s;
    struct msgs m = { 0 };
    struct hostinfo h = { .live = false };
    struct file_change *files[3];
    struct plan p;
    struct strv actions = { 0 };
    struct apply_report r;
    struct strbuf out;
    struct jvalue *v;
    const struct jvalue *diff;

    settings_init(&s);
    s.diff = true;
    settings_add_source(&s, SOURCE_SERVER, "ntp1.example.com");
    files[0] = fake_file("/r/etc/chrony.conf", true, "pool a iburst\n", "# off: pool a iburst\n");
    files[1] = fake_file("/r/etc/chrony/same.conf", true, "x\n", "x\n");
    files[2] = fake_file("/r/etc/chrony/sources.d/te.sources", false, "", "server b iburst\n");
    memset(&p, 0, sizeof(p));
    p.settings = &s;
    p.host = &h;
    p.backend = &backend_chrony;
    p.service = (char *)"chrony";
    p.files = files;
    p.n_files = 3;
    strv_push(&actions, "changed /r/etc/chrony.conf");
    strv_push(&actions, "created /r/etc/chrony/sources.d/te.sources");
    msg_warn(&m, "a warning");
    r = (struct apply_report){ .plan = &p, .settings = &s, .status = APPLY_CHANGED,
                               .actions = &actions, .msgs = &m };
    sb_init(&out);
    ansible_result(&r, &out);
    v = parse_result(&out);
    if (v) {
        CU_ASSERT_TRUE(member_bool(v, "changed"));
        CU_ASSERT_FALSE(member_bool(v, "failed"));
        TE_ASSERT_STR_EQ(member_str(v, "msg"), "changed /r/etc/chrony.conf; created "
                         "/r/etc/chrony/sources.d/te.sources");
        TE_ASSERT_STR_EQ(member_str(v, "implementation"), "chrony");
        diff = jsonparse_get(v, "diff");
        CU_ASSERT_FATAL(diff && diff->type == JVALUE_ARRAY);
        TE_ASSERT_INT_EQ(diff->u.array.n, 2);                /* not the unchanged file */
        if (diff->u.array.n == 2) {
            const struct jvalue *d0 = diff->u.array.items[0], *d1 = diff->u.array.items[1];

            TE_ASSERT_STR_EQ(member_str(d0, "before_header"), "/r/etc/chrony.conf");
            TE_ASSERT_STR_EQ(member_str(d0, "after_header"), "/r/etc/chrony.conf");
            TE_ASSERT_STR_EQ(member_str(d0, "before"), "pool a iburst\n");
            TE_ASSERT_STR_EQ(member_str(d0, "after"), "# off: pool a iburst\n");
            TE_ASSERT_STR_EQ(member_str(d1, "before_header"), "/dev/null");
            TE_ASSERT_STR_EQ(member_str(d1, "before"), "");
            TE_ASSERT_STR_EQ(member_str(d1, "after"), "server b iburst\n");
        }
        TE_ASSERT_CONTAINS(out.buf, "\"warnings\":[\"a warning\"]");
    }
    jsonparse_free(v);

    /* Without _ansible_diff, no diff key; a dry run says what it would do. */
    s.diff = false;
    s.dry_run = true;
    strv_free(&actions);
    sb_reset(&out);
    ansible_result(&r, &out);
    v = parse_result(&out);
    if (v) {
        CU_ASSERT_PTR_NULL(jsonparse_get(v, "diff"));
        CU_ASSERT_TRUE(member_bool(v, "changed"));
        CU_ASSERT_TRUE(member_bool(v, "dry_run"));
        TE_ASSERT_STR_EQ(member_str(v, "msg"), "would change /r/etc/chrony.conf; would create "
                         "/r/etc/chrony/sources.d/te.sources");
    }
    jsonparse_free(v);

    /* Nothing to change. */
    s.dry_run = false;
    s.diff = true;
    r.status = APPLY_UNCHANGED;
    sb_reset(&out);
    ansible_result(&r, &out);
    v = parse_result(&out);
    if (v) {
        CU_ASSERT_FALSE(member_bool(v, "changed"));
        /* the words of the command line's text report */
        TE_ASSERT_STR_EQ(member_str(v, "msg"), "nothing to change: ntp1.example.com already "
                         "configured");
        diff = jsonparse_get(v, "diff");
        CU_ASSERT(diff && diff->type == JVALUE_ARRAY && diff->u.array.n == 0);
    }
    jsonparse_free(v);

    sb_free(&out);
    for (size_t i = 0; i < 3; i++)
        free_file(files[i]);
    settings_free(&s);
    msgs_free(&m);
}

static void
test_ansible_result_failed(void)
{
    struct settings s;
    struct msgs m = { 0 };
    struct apply_report r;
    struct strbuf out;
    struct jvalue *v;

    settings_init(&s);
    msg_error(&m, "first problem");
    msg_error(&m, "second \"quoted\" problem");
    r = (struct apply_report){ .settings = &s, .status = APPLY_FAILED_UNRESTORED, .msgs = &m };
    sb_init(&out);
    ansible_result(&r, &out);
    v = parse_result(&out);
    if (v) {
        CU_ASSERT_FALSE(member_bool(v, "changed"));
        CU_ASSERT_TRUE(member_bool(v, "failed"));
        CU_ASSERT_FALSE(member_bool(v, "restored"));
        TE_ASSERT_STR_EQ(member_str(v, "msg"), "first problem; second \"quoted\" problem");
        CU_ASSERT_EQUAL(jsonparse_get(v, "implementation")->type, JVALUE_NULL);
    }
    jsonparse_free(v);

    /* Before the run: bad arguments. */
    sb_reset(&out);
    ansible_failure(&m, &out);
    v = parse_result(&out);
    if (v) {
        CU_ASSERT_FALSE(member_bool(v, "changed"));
        CU_ASSERT_TRUE(member_bool(v, "failed"));
        TE_ASSERT_STR_EQ(member_str(v, "msg"), "first problem; second \"quoted\" problem");
    }
    jsonparse_free(v);
    sb_free(&out);
    settings_free(&s);
    msgs_free(&m);
}

static const struct te_test ansible_tests[] = {
    TE_TEST(test_ansible_module_name),
    TE_TEST(test_ansible_args_file),
    TE_TEST(test_ansible_all_arguments),
    TE_TEST(test_ansible_defaults),
    TE_TEST(test_ansible_servers_as_string),
    TE_TEST(test_ansible_unknown_arguments),
    TE_TEST(test_ansible_every_argument),
    TE_TEST(test_ansible_bad_values),
    TE_TEST(test_ansible_all_errors),
    TE_TEST(test_ansible_config_file),
    TE_TEST(test_ansible_result_changed_with_diff),
    TE_TEST(test_ansible_result_failed),
    TE_TESTS_END,
};

static const struct te_suite suites[] = {
    { "ansible", ansible_tests },
    TE_SUITES_END,
};

TE_CUNIT_MAIN(suites)
