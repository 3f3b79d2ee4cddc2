/* SPDX-License-Identifier: Apache-2.0 */
/* test_settings: the YAML settings file and settings_finish. */
#include "config.h"

#include <fcntl.h>
#include <string.h>

#include "alloc.h"
#include "msgs.h"
#include "settings.h"

#include "cunit_main.h"
#include "strv.h"

#define NAME "te.yaml"

static int
load(struct settings *s, struct msgs *m, const char *text)
{
    settings_init(s);
    memset(m, 0, sizeof(*m));
    return settings_load_yaml_text(s, NAME, text, strlen(text), m);
}

static void
done(struct settings *s, struct msgs *m)
{
    settings_free(s);
    msgs_free(m);
}

/* The one error of a file that has exactly one mistake. */
static const char *
only_error(const struct msgs *m)
{
    TE_ASSERT_INT_EQ(m->errors.n, 1);
    return m->errors.n ? m->errors.v[0] : "";
}

static void
test_settings_full_file(void)
{
    static const char text[] =
        "# te-ntp-setup settings\n"
        "implementation: chrony\n"
        "mode: merge\n"
        "servers:\n"
        "  - ntp1.example.com\n"
        "  - host: ntp2.example.com\n"
        "    iburst: false\n"
        "    prefer: true\n"
        "    minpoll: 4\n"
        "    maxpoll: 10\n"
        "    nts: yes\n"
        "    key: 3\n"
        "pools:\n"
        "  - pool.example.org\n"
        "  - host: \"2001:db8::1\"\n"
        "    minpoll: -6\n"
        "    maxpoll: 24\n";
    struct settings s;
    struct msgs m;
    const struct source *src;

    TE_ASSERT_INT_EQ(load(&s, &m, text), 0);
    TE_ASSERT_INT_EQ(m.errors.n, 0);
    TE_ASSERT_STR_EQ(s.implementation, "chrony");
    TE_ASSERT_INT_EQ(s.mode, MODE_MERGE);
    TE_ASSERT_INT_EQ(s.n_sources, 4);
    if (s.n_sources != 4)
        goto out;

    src = &s.sources[0];
    TE_ASSERT_INT_EQ(src->kind, SOURCE_SERVER);
    TE_ASSERT_STR_EQ(src->host, "ntp1.example.com");
    CU_ASSERT_TRUE(src->iburst);
    CU_ASSERT_FALSE(src->prefer);
    CU_ASSERT_FALSE(src->nts);
    TE_ASSERT_INT_EQ(src->minpoll, SOURCE_POLL_UNSET);
    TE_ASSERT_INT_EQ(src->maxpoll, SOURCE_POLL_UNSET);
    TE_ASSERT_INT_EQ(src->key, 0);

    src = &s.sources[1];
    TE_ASSERT_INT_EQ(src->kind, SOURCE_SERVER);
    TE_ASSERT_STR_EQ(src->host, "ntp2.example.com");
    CU_ASSERT_FALSE(src->iburst);
    CU_ASSERT_TRUE(src->prefer);
    CU_ASSERT_TRUE(src->nts);
    TE_ASSERT_INT_EQ(src->minpoll, 4);
    TE_ASSERT_INT_EQ(src->maxpoll, 10);
    TE_ASSERT_INT_EQ(src->key, 3);

    src = &s.sources[2];
    TE_ASSERT_INT_EQ(src->kind, SOURCE_POOL);
    TE_ASSERT_STR_EQ(src->host, "pool.example.org");
    CU_ASSERT_TRUE(src->iburst);
    CU_ASSERT_FALSE(src->prefer);
    TE_ASSERT_INT_EQ(src->minpoll, SOURCE_POLL_UNSET);

    src = &s.sources[3];
    TE_ASSERT_INT_EQ(src->kind, SOURCE_POOL);
    TE_ASSERT_STR_EQ(src->host, "2001:db8::1");
    CU_ASSERT_TRUE(src->iburst);
    TE_ASSERT_INT_EQ(src->minpoll, -6);
    TE_ASSERT_INT_EQ(src->maxpoll, 24);

    /* Valid as a whole: finish adds nothing and refuses nothing. */
    TE_ASSERT_INT_EQ(settings_finish(&s, &m), 0);
    TE_ASSERT_INT_EQ(s.n_sources, 4);
out:
    done(&s, &m);
}

static void
test_settings_defaults(void)
{
    struct settings s;

    settings_init(&s);
    TE_ASSERT_INT_EQ(s.mode, MODE_REPLACE);
    CU_ASSERT_PTR_NULL(s.implementation);
    TE_ASSERT_INT_EQ(s.n_sources, 0);
    CU_ASSERT_FALSE(s.dry_run);
    settings_free(&s);
}

static void
test_settings_empty_document(void)
{
    static const char *const texts[] = {
        "", "# only a comment\n", "---\n", "~\n",
    };

    for (size_t i = 0; i < TE_ARRAY_LEN(texts); i++) {
        struct settings s;
        struct msgs m;

        TE_ASSERT_INT_EQ(load(&s, &m, texts[i]), 0);
        TE_ASSERT_INT_EQ(m.errors.n, 0);
        TE_ASSERT_INT_EQ(s.n_sources, 0);
        CU_ASSERT_PTR_NULL(s.implementation);
        TE_ASSERT_INT_EQ(s.mode, MODE_REPLACE);
        done(&s, &m);
    }
}

static void
test_settings_unknown_top_level_key(void)
{
    struct settings s;
    struct msgs m;

    TE_ASSERT_INT_EQ(load(&s, &m, "servers:\n  - a.example.com\n\nsevrers:\n  - b.example\n"),
                     -1);
    TE_ASSERT_CONTAINS(only_error(&m), NAME ":4:1: ");
    TE_ASSERT_CONTAINS(only_error(&m), "unknown key \"sevrers\"");
    done(&s, &m);
}

static void
test_settings_unknown_server_key(void)
{
    struct settings s;
    struct msgs m;

    TE_ASSERT_INT_EQ(load(&s, &m, "servers:\n  - host: a.example.com\n    preferred: true\n"),
                     -1);
    TE_ASSERT_CONTAINS(only_error(&m), NAME ":3:5: ");
    TE_ASSERT_CONTAINS(only_error(&m), "unknown key \"preferred\"");
    TE_ASSERT_CONTAINS(only_error(&m), "'servers'");
    done(&s, &m);
}

static void
test_settings_wrong_type(void)
{
    struct settings s;
    struct msgs m;

    TE_ASSERT_INT_EQ(load(&s, &m, "servers: a.example.com\n"), -1);
    TE_ASSERT_CONTAINS(only_error(&m), NAME ":1:10: ");
    TE_ASSERT_CONTAINS(only_error(&m), "'servers' must be a list, not a scalar");
    done(&s, &m);

    TE_ASSERT_INT_EQ(load(&s, &m, "pools:\n  - [a, b]\n"), -1);
    TE_ASSERT_CONTAINS(only_error(&m), NAME ":2:5: ");
    TE_ASSERT_CONTAINS(only_error(&m), "not a list");
    done(&s, &m);

    TE_ASSERT_INT_EQ(load(&s, &m, "- servers\n"), -1);
    TE_ASSERT_CONTAINS(only_error(&m), "the settings must be a mapping");
    done(&s, &m);
}

static void
test_settings_bad_bool(void)
{
    struct settings s;
    struct msgs m;

    TE_ASSERT_INT_EQ(load(&s, &m, "servers:\n  - host: a.example.com\n    iburst: maybe\n"), -1);
    TE_ASSERT_CONTAINS(only_error(&m), NAME ":3:13: ");
    TE_ASSERT_CONTAINS(only_error(&m), "'iburst' must be true or false, not \"maybe\"");
    done(&s, &m);

    /* A quoted "true" is a string, not a boolean. */
    TE_ASSERT_INT_EQ(load(&s, &m, "servers:\n  - host: a.example.com\n    prefer: \"true\"\n"),
                     -1);
    TE_ASSERT_CONTAINS(only_error(&m), "'prefer' must be true or false");
    done(&s, &m);
}

static void
test_settings_minpoll_range(void)
{
    struct settings s;
    struct msgs m;

    TE_ASSERT_INT_EQ(load(&s, &m, "servers:\n  - host: a.example.com\n    minpoll: 25\n"), -1);
    TE_ASSERT_CONTAINS(only_error(&m), NAME ":3:14: ");
    TE_ASSERT_CONTAINS(only_error(&m), "'minpoll' must be an integer from -6 to 24, not \"25\"");
    done(&s, &m);

    TE_ASSERT_INT_EQ(load(&s, &m, "servers:\n  - host: a.example.com\n    maxpoll: 4x\n"), -1);
    TE_ASSERT_CONTAINS(only_error(&m), "'maxpoll' must be an integer");
    done(&s, &m);

    TE_ASSERT_INT_EQ(load(&s, &m, "servers:\n  - host: a.example.com\n    key: 0\n"), -1);
    TE_ASSERT_CONTAINS(only_error(&m), "'key' must be an integer from 1 to 65535");
    done(&s, &m);
}

static void
test_settings_mapping_without_host(void)
{
    struct settings s;
    struct msgs m;

    TE_ASSERT_INT_EQ(load(&s, &m, "servers:\n  - iburst: true\n    prefer: true\n"), -1);
    TE_ASSERT_CONTAINS(only_error(&m), NAME ":2:5: ");
    TE_ASSERT_CONTAINS(only_error(&m), "an entry of 'servers' has no 'host'");
    TE_ASSERT_INT_EQ(s.n_sources, 0);
    done(&s, &m);
}

static void
test_settings_bad_implementation(void)
{
    struct settings s;
    struct msgs m;

    TE_ASSERT_INT_EQ(load(&s, &m, "implementation: ntpx\n"), -1);
    TE_ASSERT_CONTAINS(only_error(&m), NAME ":1:17: ");
    TE_ASSERT_CONTAINS(only_error(&m), "unknown implementation \"ntpx\"");
    CU_ASSERT_PTR_NULL(s.implementation);
    done(&s, &m);
}

static void
test_settings_bad_mode(void)
{
    struct settings s;
    struct msgs m;

    TE_ASSERT_INT_EQ(load(&s, &m, "mode: sometimes\n"), -1);
    TE_ASSERT_CONTAINS(only_error(&m), NAME ":1:7: ");
    TE_ASSERT_CONTAINS(only_error(&m), "'mode' must be replace or merge, not \"sometimes\"");
    TE_ASSERT_INT_EQ(s.mode, MODE_REPLACE);
    done(&s, &m);
}

static void
test_settings_dhcp(void)
{
    struct settings s;
    struct msgs m;

    TE_ASSERT_INT_EQ(load(&s, &m, "servers: [a.example.com]\n"), 0);
    TE_ASSERT_INT_EQ(s.dhcp, DHCP_KEEP);
    done(&s, &m);

    TE_ASSERT_INT_EQ(load(&s, &m, "dhcp: ignore\n"), 0);
    TE_ASSERT_INT_EQ(s.dhcp, DHCP_IGNORE);
    done(&s, &m);

    /* A key given twice is refused (test_settings_duplicate_key), not the last one taken. */
    TE_ASSERT_INT_EQ(load(&s, &m, "dhcp: ignore\ndhcp: keep\n"), -1);
    TE_ASSERT_CONTAINS(only_error(&m), NAME ":2:1: duplicate key \"dhcp\"");
    done(&s, &m);

    TE_ASSERT_INT_EQ(load(&s, &m, "mode: merge\ndhcp: never\n"), -1);
    TE_ASSERT_CONTAINS(only_error(&m), NAME ":2:7: 'dhcp' must be keep or ignore, not \"never\"");
    TE_ASSERT_INT_EQ(s.dhcp, DHCP_KEEP);
    done(&s, &m);

    TE_ASSERT_INT_EQ(load(&s, &m, "dhcp: [ignore]\n"), -1);
    TE_ASSERT_CONTAINS(only_error(&m), NAME ":1:7: 'dhcp' must be a string, not a list");
    done(&s, &m);
}

static void
test_settings_syntax_error(void)
{
    struct settings s;
    struct msgs m;

    /* A tab where YAML wants spaces. */
    TE_ASSERT_INT_EQ(load(&s, &m, "servers:\n\t- a.example.com\n"), -1);
    TE_ASSERT_CONTAINS(only_error(&m), NAME ":2:1: ");
    TE_ASSERT_INT_EQ(s.n_sources, 0);
    done(&s, &m);

    /* A flow sequence that is never closed: the error is where the parser gave up. */
    TE_ASSERT_INT_EQ(load(&s, &m, "mode: merge\nservers: [a.example.com, b.example.com\n"), -1);
    TE_ASSERT_CONTAINS(only_error(&m), NAME ":3:1: ");
    TE_ASSERT_CONTAINS(only_error(&m), "did not find expected ',' or ']'");
    done(&s, &m);
}

static void
test_settings_all_errors_reported(void)
{
    static const char text[] =
        "servers:\n"
        "  - host: a.example.com\n"
        "    iburst: perhaps\n"
        "  - b.example.com\n"
        "colour: blue\n"
        "mode: both\n";
    struct settings s;
    struct msgs m;

    TE_ASSERT_INT_EQ(load(&s, &m, text), -1);
    TE_ASSERT_INT_EQ(m.errors.n, 3);
    if (m.errors.n == 3) {
        TE_ASSERT_CONTAINS(m.errors.v[0], NAME ":3:13: 'iburst'");
        TE_ASSERT_CONTAINS(m.errors.v[1], NAME ":5:1: unknown key \"colour\"");
        TE_ASSERT_CONTAINS(m.errors.v[2], NAME ":6:7: 'mode'");
    }
    done(&s, &m);
}

static void
test_settings_duplicate_key(void)
{
    struct settings s;
    struct msgs m;

    /* As the JSON reader: a key given twice is refused, not merged or overridden. */
    TE_ASSERT_INT_EQ(load(&s, &m, "mode: merge\nservers: [a.example]\nmode: replace\n"), -1);
    TE_ASSERT_CONTAINS(only_error(&m), NAME ":3:1: duplicate key \"mode\" (first at line 1)");
    done(&s, &m);
    TE_ASSERT_INT_EQ(load(&s, &m, "servers:\n  - host: a.example\n    iburst: true\n"
                                  "    host: b.example\n"), -1);
    TE_ASSERT_CONTAINS(only_error(&m), NAME ":4:5: duplicate key \"host\" (first at line 2)");
    done(&s, &m);
    TE_ASSERT_INT_EQ(load(&s, &m, "servers: [a.example]\n\"servers\": [b.example]\n"), -1);
    TE_ASSERT_CONTAINS(only_error(&m), NAME ":2:1: duplicate key \"servers\"");
    done(&s, &m);
}

static void
test_settings_nul_refused(void)
{
    static const char text[] = "servers: [\"ntp1.example.com\\0.evil.example\"]\n";
    struct settings s;
    struct msgs m;

    /* The name must not be cut at the NUL (to "ntp1.example.com"): it is refused. */
    TE_ASSERT_INT_EQ(load(&s, &m, text), -1);
    TE_ASSERT_CONTAINS(only_error(&m), NAME ":1:11: ");
    TE_ASSERT_CONTAINS(only_error(&m), "NUL");
    TE_ASSERT_INT_EQ(s.n_sources, 0);
    done(&s, &m);
    TE_ASSERT_INT_EQ(load(&s, &m, "mode: \"merge\\0x\"\n"), -1);
    TE_ASSERT_CONTAINS(only_error(&m), "NUL");
    done(&s, &m);
}

static void
test_settings_empty_sources_refused(void)
{
    struct settings s;
    struct msgs m;

    /* An empty list must not silently stand for the default public pool. */
    TE_ASSERT_INT_EQ(load(&s, &m, "servers: []\n"), -1);
    TE_ASSERT_CONTAINS(only_error(&m), NAME ":1:10: 'servers' is empty");
    done(&s, &m);
    TE_ASSERT_INT_EQ(load(&s, &m, "mode: merge\nservers:\n"), -1);
    TE_ASSERT_CONTAINS(only_error(&m), NAME ":2:9: 'servers' is empty");
    done(&s, &m);
    TE_ASSERT_INT_EQ(load(&s, &m, "servers: []\npools: []\n"), -1);
    TE_ASSERT_INT_EQ(m.errors.n, 1);
    done(&s, &m);
    /* Sources in the other list: fine. */
    TE_ASSERT_INT_EQ(load(&s, &m, "servers: []\npools: [pool.example.org]\n"), 0);
    TE_ASSERT_INT_EQ(s.n_sources, 1);
    done(&s, &m);
    /* No list at all: the defaults, as before. */
    TE_ASSERT_INT_EQ(load(&s, &m, "mode: merge\n"), 0);
    TE_ASSERT_INT_EQ(settings_finish(&s, &m), 0);
    TE_ASSERT_INT_EQ(s.n_sources, 2);
    done(&s, &m);
}

static void
test_settings_two_documents(void)
{
    struct settings s;
    struct msgs m;

    TE_ASSERT_INT_EQ(load(&s, &m, "mode: merge\n---\nmode: replace\n"), -1);
    TE_ASSERT_CONTAINS(only_error(&m), "only one YAML document");
    done(&s, &m);
}

static void
test_settings_finish_defaults(void)
{
    struct settings s;
    struct msgs m = { 0 };

    settings_init(&s);
    TE_ASSERT_INT_EQ(settings_finish(&s, &m), 0);
    TE_ASSERT_INT_EQ(m.errors.n, 0);
    TE_ASSERT_INT_EQ(s.n_sources, 2);
    if (s.n_sources == 2) {
        TE_ASSERT_STR_EQ(s.sources[0].host, "0.pool.ntp.org");
        TE_ASSERT_STR_EQ(s.sources[1].host, "1.pool.ntp.org");
        TE_ASSERT_INT_EQ(s.sources[0].kind, SOURCE_SERVER);
        CU_ASSERT_TRUE(s.sources[0].iburst);
    }
    done(&s, &m);

    /* Given sources: no defaults added. */
    settings_init(&s);
    settings_add_source(&s, SOURCE_POOL, "pool.example.org");
    TE_ASSERT_INT_EQ(settings_finish(&s, &m), 0);
    TE_ASSERT_INT_EQ(s.n_sources, 1);
    done(&s, &m);
}

static void
test_settings_finish_invalid_name(void)
{
    struct settings s;
    struct msgs m = { 0 };

    settings_init(&s);
    settings_add_source(&s, SOURCE_SERVER, "bad\x01name");
    settings_add_source(&s, SOURCE_POOL, "iburst");
    TE_ASSERT_INT_EQ(settings_finish(&s, &m), -1);
    TE_ASSERT_INT_EQ(m.errors.n, 2);
    if (m.errors.n == 2) {
        TE_ASSERT_CONTAINS(m.errors.v[0], "invalid server name \"bad\\x01name\"");
        TE_ASSERT_CONTAINS(m.errors.v[0], "control character");
        TE_ASSERT_CONTAINS(m.errors.v[1], "invalid pool name \"iburst\"");
        TE_ASSERT_CONTAINS(m.errors.v[1], "keyword");
    }
    /* Refused: no defaults were added behind the caller's back. */
    TE_ASSERT_INT_EQ(s.n_sources, 2);
    done(&s, &m);
}

static void
test_settings_finish_poll_order(void)
{
    struct settings s;
    struct msgs m = { 0 };
    struct source *src;

    settings_init(&s);
    src = settings_add_source(&s, SOURCE_SERVER, "a.example.com");
    src->minpoll = 10;
    src->maxpoll = 4;
    TE_ASSERT_INT_EQ(settings_finish(&s, &m), -1);
    TE_ASSERT_CONTAINS(only_error(&m), "minpoll 10 is greater than maxpoll 4");
    TE_ASSERT_CONTAINS(only_error(&m), "\"a.example.com\"");
    done(&s, &m);

    /* A bad name in that message too is quoted, never copied raw into the output. */
    settings_init(&s);
    src = settings_add_source(&s, SOURCE_SERVER, "bad\nname");
    src->minpoll = 10;
    src->maxpoll = 4;
    TE_ASSERT_INT_EQ(settings_finish(&s, &m), -1);
    TE_ASSERT_INT_EQ(m.errors.n, 2);
    for (size_t i = 0; i < m.errors.n; i++) {
        TE_ASSERT_CONTAINS(m.errors.v[i], "\"bad\\nname\"");
        TE_ASSERT_NOT_CONTAINS(m.errors.v[i], "\n");
    }
    done(&s, &m);

    /* Equal is fine. */
    settings_init(&s);
    src = settings_add_source(&s, SOURCE_SERVER, "a.example.com");
    src->minpoll = 6;
    src->maxpoll = 6;
    TE_ASSERT_INT_EQ(settings_finish(&s, &m), 0);
    done(&s, &m);
}

static void
test_settings_finish_duplicate(void)
{
    struct settings s;
    struct msgs m = { 0 };

    settings_init(&s);
    settings_add_source(&s, SOURCE_SERVER, "ntp.example.com");
    settings_add_source(&s, SOURCE_SERVER, "other.example.com");
    settings_add_source(&s, SOURCE_POOL, "NTP.Example.com");
    TE_ASSERT_INT_EQ(settings_finish(&s, &m), -1);
    TE_ASSERT_CONTAINS(only_error(&m), "\"NTP.Example.com\" is given twice");
    done(&s, &m);
}

static void
test_settings_load_file(void)
{
    const char *dir = te_tmpdir();
    char *path = te_path(dir, "settings.yaml");
    static const char text[] = "servers:\n  - a.example.com\nmood: happy\n";
    struct settings s;
    struct msgs m = { 0 };
    FILE *f = fopen(path, "w");

    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    fputs(text, f);
    fclose(f);
    settings_init(&s);
    TE_ASSERT_INT_EQ(settings_load_yaml(&s, path, &m), -1);
    TE_ASSERT_STR_EQ(s.config_path, path);
    {
        char *where = malloc(strlen(path) + 8);

        sprintf(where, "%s:3:1: ", path);
        TE_ASSERT_CONTAINS(only_error(&m), where);
        free(where);
    }
    TE_ASSERT_INT_EQ(s.n_sources, 1);
    done(&s, &m);
    free(path);
}

static void
test_settings_missing_file(void)
{
    const char *dir = te_tmpdir();
    char *path = te_path(dir, "no-such.yaml");
    struct settings s;
    struct msgs m = { 0 };

    settings_init(&s);
    TE_ASSERT_INT_EQ(settings_load_yaml(&s, path, &m), -1);
    TE_ASSERT_CONTAINS(only_error(&m), path);
    TE_ASSERT_CONTAINS(only_error(&m), "No such file or directory");
    done(&s, &m);
    free(path);
}

static void
test_settings_parse_mode(void)
{
    enum sync_mode mode = MODE_REPLACE;

    CU_ASSERT_TRUE(settings_parse_mode("merge", &mode));
    TE_ASSERT_INT_EQ(mode, MODE_MERGE);
    CU_ASSERT_TRUE(settings_parse_mode("replace", &mode));
    TE_ASSERT_INT_EQ(mode, MODE_REPLACE);
    CU_ASSERT_FALSE(settings_parse_mode("Merge", &mode));
    CU_ASSERT_FALSE(settings_parse_mode("", &mode));
    TE_ASSERT_STR_EQ(settings_mode_name(MODE_MERGE), "merge");
    TE_ASSERT_STR_EQ(settings_mode_name(MODE_REPLACE), "replace");
}

static void
test_settings_parse_dhcp(void)
{
    enum dhcp_policy dhcp = DHCP_KEEP;

    CU_ASSERT_TRUE(settings_parse_dhcp("ignore", &dhcp));
    TE_ASSERT_INT_EQ(dhcp, DHCP_IGNORE);
    CU_ASSERT_TRUE(settings_parse_dhcp("keep", &dhcp));
    TE_ASSERT_INT_EQ(dhcp, DHCP_KEEP);
    CU_ASSERT_FALSE(settings_parse_dhcp("Ignore", &dhcp));
    CU_ASSERT_FALSE(settings_parse_dhcp("", &dhcp));
    TE_ASSERT_STR_EQ(settings_dhcp_name(DHCP_IGNORE), "ignore");
    TE_ASSERT_STR_EQ(settings_dhcp_name(DHCP_KEEP), "keep");
}

static void
test_settings_accept_auth_downgrade(void)
{
    struct settings s;
    struct msgs m;

    TE_ASSERT_INT_EQ(load(&s, &m, "servers:\n  - a.example\n"), 0);
    CU_ASSERT_FALSE(s.accept_auth_downgrade);             /* refused unless asked */
    done(&s, &m);
    TE_ASSERT_INT_EQ(load(&s, &m, "accept_auth_downgrade: true\n"), 0);
    CU_ASSERT_TRUE(s.accept_auth_downgrade);
    done(&s, &m);
    TE_ASSERT_INT_EQ(load(&s, &m, "accept_auth_downgrade: maybe\n"), -1);
    TE_ASSERT_CONTAINS(only_error(&m), NAME ":1:24: ");
    done(&s, &m);
}

static void
test_settings_serve_yaml(void)
{
    struct settings s;
    struct msgs m;

    TE_ASSERT_INT_EQ(load(&s, &m, "serve:\n  - 192.0.2.0/24\n  - \"2001:db8::/64\"\n"
                                  "local_stratum: 10\n"), 0);
    TE_ASSERT_INT_EQ(s.serve.n, 2);
    if (s.serve.n == 2) {
        TE_ASSERT_STR_EQ(s.serve.v[0], "192.0.2.0/24");
        TE_ASSERT_STR_EQ(s.serve.v[1], "2001:db8::/64");
    }
    TE_ASSERT_INT_EQ(s.local_stratum, 10);
    done(&s, &m);

    /* "serve:" with nothing, and no local stratum: nothing served. */
    TE_ASSERT_INT_EQ(load(&s, &m, "serve:\nlocal_stratum:\n"), 0);
    TE_ASSERT_INT_EQ(s.serve.n, 0);
    TE_ASSERT_INT_EQ(s.local_stratum, 0);
    done(&s, &m);

    TE_ASSERT_INT_EQ(load(&s, &m, "serve: 192.0.2.0/24\n"), -1);
    TE_ASSERT_CONTAINS(only_error(&m), NAME ":1:8: ");
    TE_ASSERT_CONTAINS(only_error(&m), "'serve' must be a list of networks");
    done(&s, &m);

    TE_ASSERT_INT_EQ(load(&s, &m, "serve:\n  - [192.0.2.0/24]\n"), -1);
    TE_ASSERT_CONTAINS(only_error(&m), NAME ":2:5: ");
    done(&s, &m);

    TE_ASSERT_INT_EQ(load(&s, &m, "serve:\n  - 192.0.2.0/24\nlocal_stratum: 16\n"), -1);
    TE_ASSERT_CONTAINS(only_error(&m), NAME ":3:16: ");
    TE_ASSERT_CONTAINS(only_error(&m), "'local_stratum' must be an integer from 1 to 15, "
                                       "not \"16\"");
    done(&s, &m);

    TE_ASSERT_INT_EQ(load(&s, &m, "local_stratum: ten\n"), -1);
    TE_ASSERT_CONTAINS(only_error(&m), "'local_stratum' must be an integer");
    done(&s, &m);
}

static void
test_settings_finish_serve(void)
{
    struct settings s;
    struct msgs m = { 0 };

    /* Canonical form; host bits cleared with a note. */
    settings_init(&s);
    strv_push(&s.serve, "192.0.2.7/24");
    strv_push(&s.serve, "2001:DB8:0::/64");
    TE_ASSERT_INT_EQ(settings_finish(&s, &m), 0);
    TE_ASSERT_INT_EQ(m.errors.n, 0);
    TE_ASSERT_STR_EQ(s.serve.v[0], "192.0.2.0/24");
    TE_ASSERT_STR_EQ(s.serve.v[1], "2001:db8::/64");
    TE_ASSERT_INT_EQ(m.notes.n, 1);
    if (m.notes.n)
        TE_ASSERT_CONTAINS(m.notes.v[0], "192.0.2.7/24 has host bits set: it stands for the "
                                         "network 192.0.2.0/24");
    done(&s, &m);

    /* Every bad value named, escaped, and nothing else added. */
    settings_init(&s);
    strv_push(&s.serve, "192.0.2.1");
    strv_push(&s.serve, "bad\nnet/8");
    strv_push(&s.serve, "198.51.100.0/33");
    TE_ASSERT_INT_EQ(settings_finish(&s, &m), -1);
    TE_ASSERT_INT_EQ(m.errors.n, 3);
    if (m.errors.n == 3) {
        TE_ASSERT_CONTAINS(m.errors.v[0], "invalid serve network \"192.0.2.1\": it has no "
                                          "prefix length");
        TE_ASSERT_CONTAINS(m.errors.v[1], "invalid serve network \"bad\\nnet/8\"");
        TE_ASSERT_NOT_CONTAINS(m.errors.v[1], "\n");
        TE_ASSERT_CONTAINS(m.errors.v[2], "above 32");
    }
    TE_ASSERT_INT_EQ(s.n_sources, 0);
    done(&s, &m);

    /* The same network twice, spelled differently. */
    settings_init(&s);
    strv_push(&s.serve, "192.0.2.0/24");
    strv_push(&s.serve, "192.0.2.1/24");
    TE_ASSERT_INT_EQ(settings_finish(&s, &m), -1);
    TE_ASSERT_CONTAINS(only_error(&m), "serve network 192.0.2.0/24 is given twice");
    done(&s, &m);

    /* A local stratum is only for a host that serves. */
    settings_init(&s);
    s.local_stratum = 10;
    TE_ASSERT_INT_EQ(settings_finish(&s, &m), -1);
    TE_ASSERT_CONTAINS(only_error(&m), "local stratum 10 is only for a host that serves time");
    done(&s, &m);
    settings_init(&s);
    s.local_stratum = 10;
    strv_push(&s.serve, "198.51.100.0/24");
    TE_ASSERT_INT_EQ(settings_finish(&s, &m), 0);
    done(&s, &m);
}

static void
test_settings_parse_local_stratum(void)
{
    int v = 0;

    CU_ASSERT_TRUE(settings_parse_local_stratum("1", &v));
    TE_ASSERT_INT_EQ(v, 1);
    CU_ASSERT_TRUE(settings_parse_local_stratum("15", &v));
    TE_ASSERT_INT_EQ(v, 15);
    CU_ASSERT_FALSE(settings_parse_local_stratum("0", &v));
    CU_ASSERT_FALSE(settings_parse_local_stratum("16", &v));
    CU_ASSERT_FALSE(settings_parse_local_stratum("010", &v));
    CU_ASSERT_FALSE(settings_parse_local_stratum("+5", &v));
    CU_ASSERT_FALSE(settings_parse_local_stratum("5 ", &v));
    CU_ASSERT_FALSE(settings_parse_local_stratum("", &v));
    CU_ASSERT_FALSE(settings_parse_local_stratum(NULL, &v));
    TE_ASSERT_INT_EQ(v, 15);
}

/* ---- the table of settings ----------------------------------------------------------- */

/* Whether the field of f differs between two settings (or sources). */
static bool
field_differs(const struct setting_field *f, const void *a, const void *b)
{
    const char *x = (const char *)a + f->offset, *y = (const char *)b + f->offset;

    switch (f->store) {
    case STORE_BOOL:
        return *(const bool *)x != *(const bool *)y;
    case STORE_INT:
        return *(const int *)x != *(const int *)y;
    case STORE_STRING:
        return (*(char *const *)x == NULL) != (*(char *const *)y == NULL);
    default:
        return false;
    }
}

/* Give f a value other than the default in s, as a front end would. */
static void
give(const struct setting_field *f, struct settings *s)
{
    switch (f->type) {
    case SETTING_FLAG:
        setting_store_flag(f, s, true);
        break;
    case SETTING_INT:
        setting_store_int(f, s, (int)f->hi);
        break;
    case SETTING_CHOICE:
        for (const struct setting_choice *c = f->choices; c->name; c++)
            setting_store_choice(f, s, c);      /* the last one */
        break;
    case SETTING_DIRECTORY:
        *(char **)((char *)s + f->offset) = xstrdup("/srv/image");
        break;
    case SETTING_SOURCES:
        settings_add_source(s, (enum source_kind)f->value, "ntp1.example.com");
        break;
    case SETTING_NETWORKS:
        strv_push(&s->serve, "192.0.2.0/24");
        break;
    default:
        break;
    }
}

/* Every setting the command line takes reaches the settings over the file's: nothing is
 * copied by hand, and a field that setting_move missed would fail here. */
static void
test_settings_table_every_field_moves(void)
{
    for (const struct setting_field *f = settings_fields; !setting_end(f); f++) {
        struct settings cli, s, d;

        if (!(f->fronts & FRONT_CLI) || f->type == SETTING_CONFIG || f->type == SETTING_HELP ||
            f->type == SETTING_SOURCE_FLAG)
            continue;
        settings_init(&cli);
        settings_init(&s);
        settings_init(&d);
        give(f, &cli);
        setting_move(f, &s, &cli);
        if (f->type == SETTING_SOURCES)
            te_assert_msg(s.n_sources == 1, __LINE__, __FILE__, false, "--%s", f->option);
        else if (f->type == SETTING_NETWORKS)
            te_assert_msg(s.serve.n == 1, __LINE__, __FILE__, false, "--%s", f->option);
        else
            te_assert_msg(field_differs(f, &s, &d), __LINE__, __FILE__, false,
                          "--%s did not reach the settings", f->option);
        settings_free(&cli);
        settings_free(&s);
        settings_free(&d);
    }
}

/* Every key of the settings file in the table is read: a value other than the default
 * reaches the settings. */
static void
test_settings_table_every_key(void)
{
    for (const struct setting_field *f = settings_fields; !setting_end(f); f++) {
        const char *key = setting_key(f, FRONT_YAML);
        struct settings s, d;
        struct msgs m;
        char *text = NULL;
        int rc;

        if (!key)
            continue;
        switch (f->type) {
        case SETTING_FLAG:
            text = xasprintf("%s: true\n", key);
            break;
        case SETTING_INT:
            text = xasprintf("%s: %ld\n", key, f->hi);
            break;
        case SETTING_CHOICE: {
            const struct setting_choice *c = f->choices;

            while (c[1].name)
                c++;
            text = xasprintf("%s: %s\n", key, c->name);
            break;
        }
        case SETTING_SOURCES:
            text = xasprintf("%s: [ntp1.example.com]\n", key);
            break;
        case SETTING_NETWORKS:
            text = xasprintf("%s: [192.0.2.0/24]\n", key);
            break;
        default:
            te_assert_msg(false, __LINE__, __FILE__, false, "%s: a type YAML cannot give", key);
            continue;
        }
        settings_init(&d);
        rc = load(&s, &m, text);
        te_assert_msg(rc == 0 && m.errors.n == 0, __LINE__, __FILE__, false, "%s: %s", text,
                      m.errors.n ? m.errors.v[0] : "refused");
        if (f->type == SETTING_SOURCES)
            te_assert_msg(s.n_sources == 1, __LINE__, __FILE__, false, "%s", text);
        else if (f->type == SETTING_NETWORKS)
            te_assert_msg(s.serve.n == 1, __LINE__, __FILE__, false, "%s", text);
        else
            te_assert_msg(field_differs(f, &s, &d), __LINE__, __FILE__, false,
                          "%s did not reach the settings", text);
        settings_free(&d);
        done(&s, &m);
        free(text);
    }
}

/* Each front end's names are unique, and every option, key and argument has a type the
 * front end can read. */
static void
test_settings_table_names(void)
{
    static const unsigned fronts[] = { FRONT_CLI, FRONT_YAML, FRONT_ANSIBLE };

    for (size_t i = 0; i < TE_ARRAY_LEN(fronts); i++) {
        for (const struct setting_field *f = settings_fields; !setting_end(f); f++) {
            const char *k = setting_key(f, fronts[i]);

            if (!k)
                continue;
            te_assert_msg(setting_find(settings_fields, fronts[i], k) == f, __LINE__, __FILE__,
                          false, "%s is given twice", k);
            if (fronts[i] == FRONT_CLI)
                te_assert_msg(f->help || f->type == SETTING_HELP, __LINE__, __FILE__, false,
                              "--%s has no help", k);
            if (f->type == SETTING_CHOICE)
                te_assert_msg(f->choices && f->choices[0].name, __LINE__, __FILE__, false,
                              "%s has no choices", k);
            if (f->type == SETTING_INT)
                te_assert_msg(f->lo < f->hi, __LINE__, __FILE__, false, "%s: no range", k);
            /* a flag's option stores its value: 0 would be the default again (--nts once
             * left every source without NTS) */
            if (fronts[i] == FRONT_CLI && (f->type == SETTING_FLAG ||
                                           f->type == SETTING_SOURCE_FLAG))
                te_assert_msg(f->value != 0, __LINE__, __FILE__, false, "--%s stores nothing",
                              k);
        }
    }
    CU_ASSERT_PTR_NOT_NULL(setting_find(source_fields, FRONT_YAML, "minpoll"));
    CU_ASSERT_PTR_NULL(setting_find(settings_fields, FRONT_YAML, "restart"));
    TE_ASSERT_STR_EQ(setting_key(setting_find(settings_fields, FRONT_CLI, "no-restart"),
                                 FRONT_ANSIBLE), "restart");
}

/* The words of the messages come from the table. */
static void
test_settings_table_messages(void)
{
    const struct setting_field *mode = setting_find(settings_fields, FRONT_CLI, "mode");
    const struct setting_field *lock = setting_find(settings_fields, FRONT_CLI, "lock-timeout");
    const struct setting_field *impl = setting_find(settings_fields, FRONT_YAML, "implementation");
    const struct setting_field *minpoll = setting_find(source_fields, FRONT_YAML, "minpoll");
    char *text;

    text = setting_want(mode, FRONT_CLI);
    TE_ASSERT_STR_EQ(text, "replace or merge");
    free(text);
    text = setting_want(lock, FRONT_CLI);
    TE_ASSERT_STR_EQ(text, "a whole number of seconds from 0 to 3600");
    free(text);
    text = setting_want(lock, FRONT_ANSIBLE);
    TE_ASSERT_STR_EQ(text, "a whole number from 0 to 3600");
    free(text);
    text = setting_want(minpoll, FRONT_YAML);
    TE_ASSERT_STR_EQ(text, "an integer from -6 to 24");
    free(text);
    text = setting_unknown_choice(impl, "\"x\"");
    TE_ASSERT_STR_EQ(text, "unknown implementation \"x\" (known: auto, chrony, ntpd, ntpsec, "
                     "timesyncd, openntpd)");
    free(text);
    text = setting_keys(source_fields, FRONT_ANSIBLE, false);
    TE_ASSERT_STR_EQ(text, "host, iburst, prefer, minpoll, maxpoll, nts, key");
    free(text);
}

static void
test_settings_parse_int(void)
{
    int v = 0;

    CU_ASSERT_TRUE(settings_parse_int("-6", -6, 24, &v));
    TE_ASSERT_INT_EQ(v, -6);
    CU_ASSERT_TRUE(settings_parse_int("0", 0, 3600, &v));
    TE_ASSERT_INT_EQ(v, 0);
    CU_ASSERT_TRUE(settings_parse_int("3600", 0, 3600, &v));
    TE_ASSERT_INT_EQ(v, 3600);
    CU_ASSERT_FALSE(settings_parse_int("3601", 0, 3600, &v));
    CU_ASSERT_FALSE(settings_parse_int("-7", -6, 24, &v));
    CU_ASSERT_FALSE(settings_parse_int("05", 0, 3600, &v));
    CU_ASSERT_FALSE(settings_parse_int(" 5", 0, 3600, &v));
    CU_ASSERT_FALSE(settings_parse_int("-", -6, 24, &v));
    CU_ASSERT_FALSE(settings_parse_int("99999999999999999999", 0, 3600, &v));
    TE_ASSERT_INT_EQ(v, 3600);
}

static const struct te_test settings_tests[] = {
    TE_TEST(test_settings_full_file),
    TE_TEST(test_settings_defaults),
    TE_TEST(test_settings_empty_document),
    TE_TEST(test_settings_unknown_top_level_key),
    TE_TEST(test_settings_unknown_server_key),
    TE_TEST(test_settings_wrong_type),
    TE_TEST(test_settings_bad_bool),
    TE_TEST(test_settings_minpoll_range),
    TE_TEST(test_settings_mapping_without_host),
    TE_TEST(test_settings_bad_implementation),
    TE_TEST(test_settings_bad_mode),
    TE_TEST(test_settings_dhcp),
    TE_TEST(test_settings_syntax_error),
    TE_TEST(test_settings_all_errors_reported),
    TE_TEST(test_settings_two_documents),
    TE_TEST(test_settings_finish_defaults),
    TE_TEST(test_settings_finish_invalid_name),
    TE_TEST(test_settings_finish_poll_order),
    TE_TEST(test_settings_finish_duplicate),
    TE_TEST(test_settings_load_file),
    TE_TEST(test_settings_missing_file),
    TE_TEST(test_settings_parse_mode),
    TE_TEST(test_settings_parse_dhcp),
    TE_TEST(test_settings_serve_yaml),
    TE_TEST(test_settings_accept_auth_downgrade),
    TE_TEST(test_settings_finish_serve),
    TE_TEST(test_settings_parse_local_stratum),
    TE_TEST(test_settings_duplicate_key),
    TE_TEST(test_settings_nul_refused),
    TE_TEST(test_settings_empty_sources_refused),
    TE_TEST(test_settings_table_every_field_moves),
    TE_TEST(test_settings_table_every_key),
    TE_TEST(test_settings_table_names),
    TE_TEST(test_settings_table_messages),
    TE_TEST(test_settings_parse_int),
    TE_TESTS_END,
};

static const struct te_suite suites[] = {
    { "settings", settings_tests },
    TE_SUITES_END,
};

TE_CUNIT_MAIN(suites)
