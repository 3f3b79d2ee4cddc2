/* SPDX-License-Identifier: Apache-2.0 */
/* settings: the one settings model, filled from the YAML file and the command line. */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "alloc.h"
#include "msgs.h"
#include "names.h"
#include "paths.h"
#include "platform.h"
#include "settings.h"
#include "strbuf.h"
#include "strv.h"

#define MAX_SETTINGS_FILE (1024 * 1024)

static const char *const implementations[] = {
    "auto", "chrony", "ntpd", "ntpsec", "timesyncd", "openntpd",
};

void
settings_init(struct settings *s)
{
    memset(s, 0, sizeof(*s));
    s->mode = MODE_REPLACE;
    s->dhcp = DHCP_KEEP;
    s->verify_timeout = SETTINGS_VERIFY_TIMEOUT;
    s->lock_timeout = SETTINGS_LOCK_TIMEOUT;
    s->platform_sources = true;
    s->sources_from = "given";
}

void
settings_clear_sources(struct settings *s)
{
    for (size_t i = 0; i < s->n_sources; i++)
        free(s->sources[i].host);
    free(s->sources);
    s->sources = NULL;
    s->n_sources = 0;
}

void
settings_free(struct settings *s)
{
    settings_clear_sources(s);
    strv_free(&s->serve);
    free(s->implementation);
    free(s->root);
    free(s->config_path);
    free(s->sources_note);
    free(s->refclock);
    memset(s, 0, sizeof(*s));
}

struct source *
settings_add_source(struct settings *s, enum source_kind kind, const char *host)
{
    struct source *src;

    s->sources = xrealloc(s->sources, (s->n_sources + 1) * sizeof(*s->sources));
    src = &s->sources[s->n_sources++];
    memset(src, 0, sizeof(*src));
    src->kind = kind;
    src->host = xstrdup(host);
    src->iburst = true;
    src->minpoll = SOURCE_POLL_UNSET;
    src->maxpoll = SOURCE_POLL_UNSET;
    return src;
}

bool
settings_parse_mode(const char *text, enum sync_mode *mode)
{
    if (strcmp(text, "replace") == 0)
        *mode = MODE_REPLACE;
    else if (strcmp(text, "merge") == 0)
        *mode = MODE_MERGE;
    else
        return false;
    return true;
}

const char *
settings_mode_name(enum sync_mode mode)
{
    return mode == MODE_MERGE ? "merge" : "replace";
}

bool
settings_parse_dhcp(const char *text, enum dhcp_policy *dhcp)
{
    if (strcmp(text, "keep") == 0)
        *dhcp = DHCP_KEEP;
    else if (strcmp(text, "ignore") == 0)
        *dhcp = DHCP_IGNORE;
    else
        return false;
    return true;
}

const char *
settings_dhcp_name(enum dhcp_policy dhcp)
{
    return dhcp == DHCP_IGNORE ? "ignore" : "keep";
}

bool
settings_parse_platform(const char *text, bool *platform_sources)
{
    if (strcmp(text, "auto") == 0)
        *platform_sources = true;
    else if (strcmp(text, "none") == 0)
        *platform_sources = false;
    else
        return false;
    return true;
}

bool
settings_parse_local_stratum(const char *text, int *out)
{
    char *end;
    long v;

    if (!text || text[0] < '1' || text[0] > '9')
        return false;
    errno = 0;
    v = strtol(text, &end, 10);
    if (errno || *end || v < 1 || v > SETTINGS_LOCAL_STRATUM_MAX)
        return false;
    *out = (int)v;
    return true;
}

static bool
known_implementation(const char *name)
{
    for (size_t i = 0; i < TE_ARRAY_LEN(implementations); i++)
        if (strcmp(name, implementations[i]) == 0)
            return true;
    return false;
}

/* ---- YAML ---------------------------------------------------------------------- */

struct loader {
    yaml_document_t *doc;
    const char *name;
    struct settings *s;
    struct msgs *m;
    int errors;
};

static void
node_error(struct loader *l, const yaml_node_t *n, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
node_error(struct loader *l, const yaml_node_t *n, const char *fmt, ...)
{
    va_list ap;
    struct strbuf sb;

    sb_init(&sb);
    sb_printf(&sb, "%s:%zu:%zu: ", l->name, n->start_mark.line + 1, n->start_mark.column + 1);
    va_start(ap, fmt);
    sb_vprintf(&sb, fmt, ap);
    va_end(ap);
    strv_push_owned(&l->m->errors, sb_steal(&sb));
    l->errors++;
}

static const char *
scalar(const yaml_node_t *n)
{
    return (const char *)n->data.scalar.value;
}

static bool
is_plain_null(const yaml_node_t *n)
{
    const char *v = scalar(n);

    return n->data.scalar.style == YAML_PLAIN_SCALAR_STYLE &&
           (!*v || strcmp(v, "~") == 0 || strcmp(v, "null") == 0);
}

static const char *
node_type_name(const yaml_node_t *n)
{
    switch (n->type) {
    case YAML_SCALAR_NODE:   return "a scalar";
    case YAML_SEQUENCE_NODE: return "a list";
    case YAML_MAPPING_NODE:  return "a mapping";
    default:                 return "empty";
    }
}

static bool
want_scalar(struct loader *l, const yaml_node_t *n, const char *key)
{
    if (n->type == YAML_SCALAR_NODE && !is_plain_null(n))
        return true;
    node_error(l, n, "'%s' must be a string, not %s", key,
               n->type == YAML_SCALAR_NODE ? "empty" : node_type_name(n));
    return false;
}

static bool
get_bool(struct loader *l, const yaml_node_t *n, const char *key, bool *out)
{
    const char *v;

    if (!want_scalar(l, n, key))
        return false;
    v = scalar(n);
    if (n->data.scalar.style == YAML_PLAIN_SCALAR_STYLE) {
        if (!strcmp(v, "true") || !strcmp(v, "True") || !strcmp(v, "yes") || !strcmp(v, "on")) {
            *out = true;
            return true;
        }
        if (!strcmp(v, "false") || !strcmp(v, "False") || !strcmp(v, "no") || !strcmp(v, "off")) {
            *out = false;
            return true;
        }
    }
    {
        char *q = quote_string(v);

        node_error(l, n, "'%s' must be true or false, not %s", key, q);
        free(q);
    }
    return false;
}

static bool
get_int(struct loader *l, const yaml_node_t *n, const char *key, long lo, long hi, int *out)
{
    const char *v;
    char *end;
    long x;

    if (!want_scalar(l, n, key))
        return false;
    v = scalar(n);
    errno = 0;
    x = strtol(v, &end, 10);
    if (n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE || errno || end == v || *end ||
        x < lo || x > hi) {
        char *q = quote_string(v);

        node_error(l, n, "'%s' must be an integer from %ld to %ld, not %s", key, lo, hi, q);
        free(q);
        return false;
    }
    *out = (int)x;
    return true;
}

/* A key given twice in the mapping n is refused (as the JSON reader does): an error at each
 * repeat. The number of repeats. */
static int
duplicate_keys(struct loader *l, const yaml_node_t *n)
{
    int found = 0;

    for (yaml_node_pair_t *p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++) {
        const yaml_node_t *k = yaml_document_get_node(l->doc, p->key);

        if (!k || k->type != YAML_SCALAR_NODE)
            continue;
        for (yaml_node_pair_t *q = n->data.mapping.pairs.start; q < p; q++) {
            const yaml_node_t *e = yaml_document_get_node(l->doc, q->key);

            if (e && e->type == YAML_SCALAR_NODE && e->data.scalar.length == k->data.scalar.length &&
                memcmp(e->data.scalar.value, k->data.scalar.value, k->data.scalar.length) == 0) {
                char *qk = quote_string(scalar(k));

                node_error(l, k, "duplicate key %s (first at line %zu)", qk,
                           e->start_mark.line + 1);
                free(qk);
                found++;
                break;
            }
        }
    }
    return found;
}

/* A string with a NUL character (YAML "\0") would be cut there: every one is refused. The
 * number of such strings. */
static int
nul_strings(struct loader *l)
{
    int found = 0;

    for (yaml_node_t *n = l->doc->nodes.start; n < l->doc->nodes.top; n++) {
        if (n->type == YAML_SCALAR_NODE &&
            memchr(n->data.scalar.value, '\0', n->data.scalar.length)) {
            char *q = quote_string(scalar(n));

            node_error(l, n, "the string %s is followed by a NUL character (\\0) and more: no "
                       "setting may hold one", q);
            free(q);
            found++;
        }
    }
    return found;
}

static void
load_source(struct loader *l, const yaml_node_t *n, enum source_kind kind, const char *list)
{
    struct source *src;
    const yaml_node_t *host = NULL;

    if (n->type == YAML_SCALAR_NODE) {
        if (want_scalar(l, n, list))
            settings_add_source(l->s, kind, scalar(n));
        return;
    }
    if (n->type != YAML_MAPPING_NODE) {
        node_error(l, n, "each entry of '%s' must be a host name or a mapping with 'host', not %s",
                   list, node_type_name(n));
        return;
    }
    if (duplicate_keys(l, n))
        return;
    for (yaml_node_pair_t *p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++) {
        yaml_node_t *k = yaml_document_get_node(l->doc, p->key);

        if (k && k->type == YAML_SCALAR_NODE && strcmp(scalar(k), "host") == 0)
            host = yaml_document_get_node(l->doc, p->value);
    }
    if (!host) {
        node_error(l, n, "an entry of '%s' has no 'host'", list);
        return;
    }
    if (!want_scalar(l, host, "host"))
        return;
    src = settings_add_source(l->s, kind, scalar(host));
    for (yaml_node_pair_t *p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++) {
        yaml_node_t *k = yaml_document_get_node(l->doc, p->key);
        yaml_node_t *v = yaml_document_get_node(l->doc, p->value);
        const char *key;

        if (!k || !v || k->type != YAML_SCALAR_NODE) {
            node_error(l, k ? k : n, "keys must be strings");
            continue;
        }
        key = scalar(k);
        if (!strcmp(key, "host"))
            continue;
        else if (!strcmp(key, "iburst"))
            get_bool(l, v, key, &src->iburst);
        else if (!strcmp(key, "prefer"))
            get_bool(l, v, key, &src->prefer);
        else if (!strcmp(key, "nts"))
            get_bool(l, v, key, &src->nts);
        else if (!strcmp(key, "minpoll"))
            get_int(l, v, key, -6, 24, &src->minpoll);
        else if (!strcmp(key, "maxpoll"))
            get_int(l, v, key, -6, 24, &src->maxpoll);
        else if (!strcmp(key, "key"))
            get_int(l, v, key, 1, 65535, &src->key);
        else {
            char *q = quote_string(key);

            node_error(l, k, "unknown key %s in an entry of '%s' (known: host, iburst, prefer, "
                       "minpoll, maxpoll, nts, key)", q, list);
            free(q);
        }
    }
}

static void
load_sources(struct loader *l, const yaml_node_t *n, enum source_kind kind, const char *key)
{
    if (n->type == YAML_SCALAR_NODE && is_plain_null(n))
        return;                                  /* "servers:" with nothing: no servers */
    if (n->type != YAML_SEQUENCE_NODE) {
        node_error(l, n, "'%s' must be a list, not %s", key, node_type_name(n));
        return;
    }
    for (yaml_node_item_t *i = n->data.sequence.items.start; i < n->data.sequence.items.top; i++) {
        yaml_node_t *item = yaml_document_get_node(l->doc, *i);

        if (item)
            load_source(l, item, kind, key);
    }
}

/* serve: a list of networks (CIDR strings), or nothing. */
static void
load_serve(struct loader *l, const yaml_node_t *n, const char *key)
{
    if (n->type == YAML_SCALAR_NODE && is_plain_null(n))
        return;                                  /* "serve:" with nothing: serve nobody */
    if (n->type != YAML_SEQUENCE_NODE) {
        node_error(l, n, "'%s' must be a list of networks (e.g. [192.0.2.0/24]), not %s", key,
                   node_type_name(n));
        return;
    }
    for (yaml_node_item_t *i = n->data.sequence.items.start; i < n->data.sequence.items.top; i++) {
        yaml_node_t *item = yaml_document_get_node(l->doc, *i);

        if (item && want_scalar(l, item, "each entry of serve"))
            strv_push(&l->s->serve, scalar(item));
    }
}

static void
load_root(struct loader *l, const yaml_node_t *root)
{
    const yaml_node_t *empty = NULL;     /* the first servers/pools given empty */
    const char *empty_key = NULL;
    size_t had_sources = l->s->n_sources;

    if (root->type == YAML_SCALAR_NODE && is_plain_null(root))
        return;                                  /* an empty file: nothing set */
    if (root->type != YAML_MAPPING_NODE) {
        node_error(l, root, "the settings must be a mapping, not %s", node_type_name(root));
        return;
    }
    if (duplicate_keys(l, root))
        return;
    for (yaml_node_pair_t *p = root->data.mapping.pairs.start; p < root->data.mapping.pairs.top; p++) {
        yaml_node_t *k = yaml_document_get_node(l->doc, p->key);
        yaml_node_t *v = yaml_document_get_node(l->doc, p->value);
        const char *key;

        if (!k || !v || k->type != YAML_SCALAR_NODE) {
            node_error(l, k ? k : root, "keys must be strings");
            continue;
        }
        key = scalar(k);
        if (!strcmp(key, "servers") || !strcmp(key, "pools")) {
            if (!empty && ((v->type == YAML_SCALAR_NODE && is_plain_null(v)) ||
                           (v->type == YAML_SEQUENCE_NODE &&
                            v->data.sequence.items.start == v->data.sequence.items.top))) {
                empty = v;
                empty_key = key;
            }
            load_sources(l, v, key[0] == 's' ? SOURCE_SERVER : SOURCE_POOL, key);
        } else if (!strcmp(key, "implementation")) {
            if (!want_scalar(l, v, key))
                continue;
            if (!known_implementation(scalar(v))) {
                char *q = quote_string(scalar(v));

                node_error(l, v, "unknown implementation %s (known: auto, chrony, ntpd, ntpsec, "
                           "timesyncd, openntpd)", q);
                free(q);
                continue;
            }
            free(l->s->implementation);
            l->s->implementation = xstrdup(scalar(v));
        } else if (!strcmp(key, "mode")) {
            if (want_scalar(l, v, key) && !settings_parse_mode(scalar(v), &l->s->mode)) {
                char *q = quote_string(scalar(v));

                node_error(l, v, "'mode' must be replace or merge, not %s", q);
                free(q);
            }
        } else if (!strcmp(key, "dhcp")) {
            if (want_scalar(l, v, key) && !settings_parse_dhcp(scalar(v), &l->s->dhcp)) {
                char *q = quote_string(scalar(v));

                node_error(l, v, "'dhcp' must be keep or ignore, not %s", q);
                free(q);
            }
        } else if (!strcmp(key, "serve")) {
            strv_free(&l->s->serve);
            load_serve(l, v, key);
        } else if (!strcmp(key, "accept_auth_downgrade")) {
            get_bool(l, v, key, &l->s->accept_auth_downgrade);
        } else if (!strcmp(key, "configure_container")) {
            get_bool(l, v, key, &l->s->configure_container);
        } else if (!strcmp(key, "allow_leap_smear_mix")) {
            get_bool(l, v, key, &l->s->allow_leap_smear_mix);
        } else if (!strcmp(key, "platform")) {
            if (want_scalar(l, v, key) &&
                !settings_parse_platform(scalar(v), &l->s->platform_sources)) {
                char *q = quote_string(scalar(v));

                node_error(l, v, "'platform' must be auto or none, not %s", q);
                free(q);
            }
        } else if (!strcmp(key, "local_stratum")) {
            if (!(v->type == YAML_SCALAR_NODE && is_plain_null(v)))
                get_int(l, v, key, 1, SETTINGS_LOCAL_STRATUM_MAX, &l->s->local_stratum);
        } else {
            char *q = quote_string(key);

            node_error(l, k, "unknown key %s (known: servers, pools, implementation, mode, "
                       "dhcp, serve, local_stratum, accept_auth_downgrade, configure_container, "
                       "platform, allow_leap_smear_mix)", q);
            free(q);
        }
    }
    /* "servers: []" must not silently stand for the default public servers. */
    if (empty && l->s->n_sources == had_sources)
        node_error(l, empty, "'%s' is empty: give at least one server or pool, or leave "
                   "'servers' and 'pools' out for the default (0.pool.ntp.org and "
                   "1.pool.ntp.org)", empty_key);
}

int
settings_load_yaml_text(struct settings *s, const char *name, const char *text, size_t len,
                        struct msgs *m)
{
    yaml_parser_t parser;
    yaml_document_t doc;
    struct loader l = { .doc = &doc, .name = name, .s = s, .m = m };
    yaml_node_t *root;
    int ret = -1;

    if (!yaml_parser_initialize(&parser)) {
        msg_error(m, "%s: cannot initialise the YAML parser", name);
        return -1;
    }
    yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
    if (!yaml_parser_load(&parser, &doc)) {
        msg_error(m, "%s:%zu:%zu: %s%s%s", name, parser.problem_mark.line + 1,
                  parser.problem_mark.column + 1, parser.problem ? parser.problem : "invalid YAML",
                  parser.context ? " " : "", parser.context ? parser.context : "");
        goto out_parser;
    }
    root = yaml_document_get_root_node(&doc);
    if (root && nul_strings(&l) == 0)
        load_root(&l, root);
    if (root) {
        /* A second document in the stream is almost certainly a mistake. */
        yaml_document_t extra;

        if (!yaml_parser_load(&parser, &extra)) {
            msg_error(m, "%s:%zu:%zu: %s", name, parser.problem_mark.line + 1,
                      parser.problem_mark.column + 1,
                      parser.problem ? parser.problem : "invalid YAML");
            l.errors++;
        } else {
            yaml_node_t *r2 = yaml_document_get_root_node(&extra);

            if (r2) {
                node_error(&l, r2, "only one YAML document is allowed");
            }
            yaml_document_delete(&extra);
        }
    }
    ret = l.errors ? -1 : 0;
    yaml_document_delete(&doc);
out_parser:
    yaml_parser_delete(&parser);
    return ret;
}

int
settings_load_yaml(struct settings *s, const char *path, struct msgs *m)
{
    struct strbuf sb;
    int ret;

    sb_init(&sb);
    if (read_file(path, MAX_SETTINGS_FILE, &sb) < 0) {
        msg_error(m, "%s: cannot read the settings file: %s", path, te_strerror(errno));
        sb_free(&sb);
        return -1;
    }
    ret = settings_load_yaml_text(s, path, sb.buf, sb.len, m);
    sb_free(&sb);
    free(s->config_path);
    s->config_path = xstrdup(path);
    return ret;
}

/* Leap smear: a source known to smear leap seconds beside one that is not (unless allowed);
 * the number of errors. */
static int
finish_smear(const struct settings *s, struct msgs *m)
{
    const struct source *smeared = NULL, *plain = NULL;
    const char *who = NULL;

    for (size_t i = 0; i < s->n_sources; i++) {
        const char *service = platform_smeared_service(s->sources[i].host);

        if (service && !smeared) {
            smeared = &s->sources[i];
            who = service;
        } else if (!service && !plain) {
            plain = &s->sources[i];
        }
    }
    if (!smeared || !plain || s->allow_leap_smear_mix)
        return 0;
    msg_error(m, "%s is %s, which smears leap seconds, and %s is not known to: around a leap "
              "second the two disagree by up to half a second, and the clock follows "
              "neither. Use smeared sources only or unsmeared ones only, or allow the mix "
              "with --allow-leap-smear-mix (allow_leap_smear_mix: true)", smeared->host, who,
              plain->host);
    return 1;
}

/* Check the serve networks and put them in canonical form; the number of errors. */
static int
finish_serve(struct settings *s, struct msgs *m)
{
    struct names_prefix *nets = xcalloc(s->serve.n + 1, sizeof(*nets));
    int errors = 0;
    char why[160];

    for (size_t i = 0; i < s->serve.n; i++) {
        char text[NAMES_PREFIX_MAX];
        bool host_bits;

        if (!names_parse_prefix(s->serve.v[i], &nets[i], &host_bits, why, sizeof(why))) {
            char *q = quote_string(s->serve.v[i]);

            msg_error(m, "invalid serve network %s: it %s", q, why);
            free(q);
            nets[i].family = 0;
            errors++;
            continue;
        }
        names_prefix_text(&nets[i], text, sizeof(text));
        if (host_bits)
            msg_note(m, "serve network %s has host bits set: it stands for the network %s",
                     s->serve.v[i], text);
        for (size_t j = 0; j < i; j++) {
            if (nets[j].family && nets[j].family == nets[i].family &&
                nets[j].len == nets[i].len && !memcmp(nets[j].addr, nets[i].addr, 16)) {
                msg_error(m, "serve network %s is given twice (as %s and %s)", text,
                          s->serve.v[j], s->serve.v[i]);
                errors++;
                break;
            }
        }
        free(s->serve.v[i]);
        s->serve.v[i] = xstrdup(text);
    }
    if (s->local_stratum && !s->serve.n) {
        msg_error(m, "local stratum %d is only for a host that serves time: give the networks "
                  "it serves (--serve, serve:) too", s->local_stratum);
        errors++;
    }
    free(nets);
    return errors;
}

int
settings_finish(struct settings *s, struct msgs *m)
{
    int errors = 0;
    char why[128];

    for (size_t i = 0; i < s->n_sources; i++) {
        const struct source *src = &s->sources[i];
        const char *what = src->kind == SOURCE_POOL ? "pool" : "server";

        if (!names_valid_host(src->host, why, sizeof(why))) {
            char *q = quote_string(src->host);

            msg_error(m, "invalid %s name %s: it %s", what, q, why);
            free(q);
            errors++;
        }
        if (src->minpoll != SOURCE_POLL_UNSET && src->maxpoll != SOURCE_POLL_UNSET &&
            src->minpoll > src->maxpoll) {
            char *q = quote_string(src->host);

            msg_error(m, "%s %s: minpoll %d is greater than maxpoll %d", what, q,
                      src->minpoll, src->maxpoll);
            free(q);
            errors++;
        }
        for (size_t j = 0; j < i; j++) {
            if (strcasecmp(s->sources[j].host, src->host) == 0) {
                char *q = quote_string(src->host);

                msg_error(m, "%s %s is given twice", what, q);
                free(q);
                errors++;
                break;
            }
        }
    }
    errors += finish_serve(s, m);
    errors += finish_smear(s, m);
    if (s->implementation && !known_implementation(s->implementation)) {
        char *q = quote_string(s->implementation);

        msg_error(m, "unknown implementation %s (known: auto, chrony, ntpd, ntpsec, timesyncd, "
                  "openntpd)", q);
        free(q);
        errors++;
    }
    if (errors)
        return -1;
    if (s->n_sources == 0) {
        settings_add_source(s, SOURCE_SERVER, "0.pool.ntp.org");
        settings_add_source(s, SOURCE_SERVER, "1.pool.ntp.org");
        s->default_sources = true;
        s->sources_from = "default";
    }
    return 0;
}
