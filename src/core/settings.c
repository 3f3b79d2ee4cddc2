/* SPDX-License-Identifier: Apache-2.0 */
/* settings: the settings model, the table of settings and the YAML loader (see settings.h). */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stddef.h>
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

/* ---- the table ------------------------------------------------------------------- */

static const struct setting_choice implementations[] = {
    { "auto", 0 }, { "chrony", 0 }, { "ntpd", 0 }, { "ntpsec", 0 }, { "timesyncd", 0 },
    { "openntpd", 0 }, { NULL, 0 },
};
static const struct setting_choice modes[] = {
    { "replace", MODE_REPLACE }, { "merge", MODE_MERGE }, { NULL, 0 },
};
static const struct setting_choice dhcp_policies[] = {
    { "keep", DHCP_KEEP }, { "ignore", DHCP_IGNORE }, { NULL, 0 },
};
static const struct setting_choice platforms[] = {
    { "auto", true }, { "none", false }, { NULL, 0 },
};

_Static_assert(sizeof(enum sync_mode) == sizeof(int), "STORE_INT writes an int");
_Static_assert(sizeof(enum dhcp_policy) == sizeof(int), "STORE_INT writes an int");
_Static_assert(sizeof(enum verbosity) == sizeof(int), "STORE_INT writes an int");

/* Where a member of type is stored and how (bool, char *, else an int or an enum). */
#define AT(type, member)                                                                   \
    .offset = offsetof(type, member),                                                      \
    .store = _Generic(((type *)0)->member, bool: STORE_BOOL, char *: STORE_STRING,        \
                      default: STORE_INT)
#define S(member) AT(struct settings, member)
#define ALL (FRONT_CLI | FRONT_YAML | FRONT_ANSIBLE)

const struct setting_field settings_fields[] = {
    { .option = "server", .short_option = 's', .argument = "HOST", .key = "servers",
      .fronts = ALL, .type = SETTING_SOURCES, .value = SOURCE_SERVER,
      .help = "NTP server (repeatable); default: the cloud's own time\n"
              "service (Amazon EC2, Google Compute Engine, Azure with\n"
              "chrony, Oracle Cloud), else 0.pool.ntp.org and\n"
              "1.pool.ntp.org" },
    { .option = "pool", .short_option = 'p', .argument = "HOST", .key = "pools",
      .fronts = ALL, .type = SETTING_SOURCES, .value = SOURCE_POOL,
      .help = "NTP pool name (repeatable)" },
    { .option = "config", .short_option = 'c', .argument = "FILE", .ansible_key = "config",
      .fronts = FRONT_CLI | FRONT_ANSIBLE, .type = SETTING_CONFIG,
      .help = "YAML settings (default " SETTINGS_DEFAULT_FILE "\n"
              "if present); --server/--pool replace its sources" },
    { .option = "implementation", .short_option = 'i', .argument = "X",
      .key = "implementation", .fronts = ALL, .type = SETTING_CHOICE,
      .choices = implementations, .noun = "implementation", S(implementation),
      .help = "auto (running > enabled > installed) | chrony | ntpd |\n"
              "ntpsec | timesyncd | openntpd" },
    { .option = "mode", .short_option = 'm', .argument = "MODE", .key = "mode", .fronts = ALL,
      .type = SETTING_CHOICE, .choices = modes, S(mode),
      .help = "replace (default: the given sources become the only\n"
              "server/pool sources) | merge (add them, keep the others)" },
    { .option = "dhcp", .argument = "keep|ignore", .key = "dhcp", .fronts = ALL,
      .type = SETTING_CHOICE, .choices = dhcp_policies, S(dhcp),
      .help = "NTP servers from DHCP: keep (default: as configured) |\n"
              "ignore (stop the daemon from using them, so that the\n"
              "given sources are the only ones)" },
    { .option = "serve", .argument = "CIDR", .key = "serve", .fronts = ALL,
      .type = SETTING_NETWORKS,
      .help = "serve time to this network (repeatable; e.g.\n"
              "192.0.2.0/24, 2001:db8::/64): the daemon answers\n"
              "clients there only, the firewall lets them in;\n"
              "replaces the settings file's serve list" },
    { .option = "local-stratum", .argument = "N", .key = "local_stratum", .fronts = ALL,
      .type = SETTING_INT, .lo = 1, .hi = SETTINGS_LOCAL_STRATUM_MAX, S(local_stratum),
      .help = "with --serve: when cut off from every source, keep\n"
              "serving the local clock at stratum N (1-15; chrony\n"
              "local orphan, ntpd tos orphan)" },
    { .option = "root", .short_option = 'r', .argument = "DIR", .ansible_key = "root",
      .fronts = FRONT_CLI | FRONT_ANSIBLE, .type = SETTING_DIRECTORY, S(root),
      .help = "operate on the system image under DIR: files only,\n"
              "no service action" },
    { .option = "dry-run", .short_option = 'n', .ansible_key = "_ansible_check_mode",
      .fronts = FRONT_CLI | FRONT_ANSIBLE, .type = SETTING_FLAG, .value = true, S(dry_run),
      .help = "change nothing; report what would change" },
    { .option = "diff", .short_option = 'd', .ansible_key = "_ansible_diff",
      .fronts = FRONT_CLI | FRONT_ANSIBLE, .type = SETTING_FLAG, .value = true, S(diff),
      .help = "print a unified diff of every file change" },
    { .option = "json", .fronts = FRONT_CLI, .type = SETTING_FLAG, .value = true, S(json),
      .help = "one JSON object on stdout instead of text" },
    { .option = "no-restart", .ansible_key = "restart", .ansible_negated = true,
      .fronts = FRONT_CLI | FRONT_ANSIBLE, .type = SETTING_FLAG, .value = true,
      S(no_restart),
      .help = "write the files but do not restart or reload the service" },
    { .option = "no-verify", .ansible_key = "verify", .ansible_negated = true,
      .fronts = FRONT_CLI | FRONT_ANSIBLE, .type = SETTING_FLAG, .value = true,
      S(no_verify),
      .help = "do not wait for the daemon to synchronize afterwards" },
    { .option = "verify-timeout", .argument = "SEC", .ansible_key = "verify_timeout",
      .fronts = FRONT_CLI | FRONT_ANSIBLE, .type = SETTING_INT, .lo = 0, .hi = 3600,
      .unit = "seconds", S(verify_timeout),
      .help = "how long to wait for it (default 30); not synchronized\n"
              "by then: exit 5, with the reason" },
    { .option = "no-firewall", .ansible_key = "firewall", .ansible_negated = true,
      .fronts = FRONT_CLI | FRONT_ANSIBLE, .type = SETTING_FLAG, .value = true,
      S(no_firewall),
      .help = "leave the firewall alone (by default, where it blocks\n"
              "NTP to the servers, rules tagged te-ntp-setup let it\n"
              "through; see the firewall command)" },
    { .option = "if-needed", .ansible_key = "if_needed", .fronts = FRONT_CLI | FRONT_ANSIBLE,
      .type = SETTING_FLAG, .value = true, S(if_needed),
      .help = "leave an active, synchronized NTP client alone" },
    { .option = "nts", .fronts = FRONT_CLI, .type = SETTING_SOURCE_FLAG, .value = true,
      AT(struct source, nts),
      .help = "use NTS with every --server/--pool given (chrony, ntpsec)" },
    { .option = "accept-auth-downgrade", .key = "accept_auth_downgrade", .fronts = ALL,
      .type = SETTING_FLAG, .value = true, S(accept_auth_downgrade),
      .help = "let unauthenticated sources replace sources that\n"
              "use NTS or keys, or rules that require authentication\n"
              "(refused otherwise: exit 64, nothing changed)" },
    { .option = "platform", .argument = "auto|none", .key = "platform", .fronts = ALL,
      .type = SETTING_CHOICE, .choices = platforms, S(platform_sources),
      .help = "where the host runs decides the default servers (auto,\n"
              "the default) | the public pool wherever it runs (none)" },
    { .option = "allow-leap-smear-mix", .key = "allow_leap_smear_mix", .fronts = ALL,
      .type = SETTING_FLAG, .value = true, S(allow_leap_smear_mix),
      .help = "allow a source that smears leap seconds (Google's,\n"
              "Amazon's) beside others (refused by default, exit 64)" },
    { .option = "configure-container", .key = "configure_container", .fronts = ALL,
      .type = SETTING_FLAG, .value = true, S(configure_container),
      .help = "in a container that cannot set the clock (no\n"
              "CAP_SYS_TIME), configure its NTP daemon anyway (by\n"
              "default apply refuses there, exit 64: the clock is the\n"
              "host's)" },
    { .option = "lock-timeout", .argument = "SEC", .ansible_key = "lock_timeout",
      .fronts = FRONT_CLI | FRONT_ANSIBLE, .type = SETTING_INT, .lo = 0, .hi = 3600,
      .unit = "seconds", S(lock_timeout),
      .help = "wait this long for another instance (default 30), then\n"
              "exit 4" },
    { .option = "detailed-exitcodes", .fronts = FRONT_CLI, .type = SETTING_FLAG,
      .value = true, S(detailed_exitcodes),
      .help = "exit 2 when something changed (or would change)" },
    { .option = "quiet", .short_option = 'q', .fronts = FRONT_CLI, .type = SETTING_FLAG,
      .value = VERBOSITY_QUIET, S(verbosity),
      .help = "print only errors (the JSON object still, with --json)" },
    { .option = "verbose", .short_option = 'v', .fronts = FRONT_CLI, .type = SETTING_FLAG,
      .value = VERBOSITY_VERBOSE, S(verbosity),
      .help = "print notes too (by default: what was done, warnings\n"
              "and errors)" },
    { .ansible_key = "accept_unsynchronized", .fronts = FRONT_ANSIBLE, .type = SETTING_FLAG,
      .value = true, S(accept_unsynchronized) },
    { .option = "help", .short_option = 'h', .fronts = FRONT_CLI, .type = SETTING_HELP },
    { .option = NULL },
};

#define SRC(member) AT(struct source, member)

const struct setting_field source_fields[] = {
    { .key = "host", .fronts = FRONT_YAML | FRONT_ANSIBLE, .type = SETTING_STRING,
      SRC(host) },
    { .key = "iburst", .fronts = FRONT_YAML | FRONT_ANSIBLE, .type = SETTING_FLAG,
      .value = true, SRC(iburst) },
    { .key = "prefer", .fronts = FRONT_YAML | FRONT_ANSIBLE, .type = SETTING_FLAG,
      .value = true, SRC(prefer) },
    { .key = "minpoll", .fronts = FRONT_YAML | FRONT_ANSIBLE, .type = SETTING_INT,
      .lo = -6, .hi = 24, SRC(minpoll) },
    { .key = "maxpoll", .fronts = FRONT_YAML | FRONT_ANSIBLE, .type = SETTING_INT,
      .lo = -6, .hi = 24, SRC(maxpoll) },
    { .key = "nts", .fronts = FRONT_YAML | FRONT_ANSIBLE, .type = SETTING_FLAG,
      .value = true, SRC(nts) },
    { .key = "key", .fronts = FRONT_YAML | FRONT_ANSIBLE, .type = SETTING_INT,
      .lo = 1, .hi = 65535, SRC(key) },
    { .key = NULL },
};

#undef SRC
#undef S
#undef AT
#undef ALL

bool
setting_end(const struct setting_field *f)
{
    return !f->option && !f->key && !f->ansible_key;
}

const char *
setting_key(const struct setting_field *f, unsigned front)
{
    if (!(f->fronts & front))
        return NULL;
    if (front == FRONT_CLI)
        return f->option;
    if (front == FRONT_ANSIBLE && f->ansible_key)
        return f->ansible_key;
    return f->key;
}

const struct setting_field *
setting_find(const struct setting_field *table, unsigned front, const char *name)
{
    for (const struct setting_field *f = table; !setting_end(f); f++) {
        const char *k = setting_key(f, front);

        if (k && strcmp(k, name) == 0)
            return f;
    }
    return NULL;
}

const struct setting_choice *
setting_choice(const struct setting_field *f, const char *text)
{
    for (const struct setting_choice *c = f->choices; c && c->name; c++)
        if (strcmp(c->name, text) == 0)
            return c;
    return NULL;
}

/* The choices as "a, b or c" (last: " or ") or "a, b, c" (last: ", "). */
static void
choice_list(const struct setting_field *f, const char *last, struct strbuf *sb)
{
    for (const struct setting_choice *c = f->choices; c && c->name; c++) {
        if (c != f->choices)
            sb_append(sb, c[1].name ? ", " : last);
        sb_append(sb, c->name);
    }
}

char *
setting_want(const struct setting_field *f, unsigned front)
{
    struct strbuf sb;

    sb_init(&sb);
    switch (f->type) {
    case SETTING_INT:
        sb_printf(&sb, "%s%s%s from %ld to %ld",
                  front == FRONT_YAML ? "an integer" : "a whole number",
                  front == FRONT_CLI && f->unit ? " of " : "",
                  front == FRONT_CLI && f->unit ? f->unit : "", f->lo, f->hi);
        break;
    case SETTING_CHOICE:
        choice_list(f, " or ", &sb);
        break;
    case SETTING_FLAG:
        sb_append(&sb, "true or false");
        break;
    default:
        sb_append(&sb, "a string");
        break;
    }
    return sb_steal(&sb);
}

char *
setting_unknown_choice(const struct setting_field *f, const char *value)
{
    struct strbuf sb;

    sb_init(&sb);
    sb_printf(&sb, "unknown %s %s (known: ", f->noun, value);
    choice_list(f, ", ", &sb);
    sb_putc(&sb, ')');
    return sb_steal(&sb);
}

static int
compare_strings(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

char *
setting_keys(const struct setting_field *table, unsigned front, bool sorted)
{
    struct strv keys = { 0 };
    struct strbuf sb;

    for (const struct setting_field *f = table; !setting_end(f); f++) {
        const char *k = setting_key(f, front);

        if (k && strncmp(k, "_ansible_", 9) != 0)
            strv_push(&keys, k);
    }
    if (sorted && keys.n)
        qsort(keys.v, keys.n, sizeof(*keys.v), compare_strings);
    sb_init(&sb);
    for (size_t i = 0; i < keys.n; i++)
        sb_printf(&sb, "%s%s", i ? ", " : "", keys.v[i]);
    strv_free(&keys);
    return sb_steal(&sb);
}

char **
setting_string_at(const struct setting_field *f, void *base)
{
    return (char **)(void *)((char *)base + f->offset);    /* (the offset of a char *) */
}

static void
store(const struct setting_field *f, void *base, int v)
{
    char *at = (char *)base + f->offset;

    if (f->store == STORE_BOOL) {
        bool b = v != 0;

        memcpy(at, &b, sizeof(b));
    } else if (f->store == STORE_INT) {
        memcpy(at, &v, sizeof(v));
    }
}

void
setting_store_flag(const struct setting_field *f, void *base, bool on)
{
    store(f, base, on ? f->value : 0);
}

void
setting_store_int(const struct setting_field *f, void *base, int v)
{
    store(f, base, v);
}

void
setting_store_choice(const struct setting_field *f, void *base, const struct setting_choice *c)
{
    if (f->store == STORE_STRING) {
        char **at = setting_string_at(f, base);

        free(*at);
        *at = xstrdup(c->name);
    } else {
        store(f, base, c->value);
    }
}

void
setting_move(const struct setting_field *f, struct settings *to, struct settings *from)
{
    char *dst = (char *)to + f->offset, *src = (char *)from + f->offset;

    switch (f->type) {
    case SETTING_SOURCES:
        if (!from->n_sources)
            break;                      /* --server and --pool share one list */
        settings_clear_sources(to);
        to->sources = from->sources;
        to->n_sources = from->n_sources;
        from->sources = NULL;
        from->n_sources = 0;
        break;
    case SETTING_SOURCE_FLAG:
        break;                          /* a field of each source: moved with them */
    case SETTING_NETWORKS:
        strv_free(&to->serve);
        to->serve = from->serve;
        memset(&from->serve, 0, sizeof(from->serve));
        break;
    default:
        if (f->store == STORE_STRING) {
            free(*setting_string_at(f, to));
            *setting_string_at(f, to) = *setting_string_at(f, from);
            *setting_string_at(f, from) = NULL;
        } else if (f->store == STORE_BOOL) {
            memcpy(dst, src, sizeof(bool));
        } else if (f->store == STORE_INT) {
            memcpy(dst, src, sizeof(int));
        }
        break;
    }
}

static const char *const type_names[] = {
    [SETTING_FLAG] = "flag", [SETTING_INT] = "int", [SETTING_CHOICE] = "choice",
    [SETTING_DIRECTORY] = "directory", [SETTING_CONFIG] = "config",
    [SETTING_SOURCES] = "sources", [SETTING_NETWORKS] = "networks",
    [SETTING_SOURCE_FLAG] = "source-flag", [SETTING_STRING] = "string",
    [SETTING_HELP] = "help",
};

static void
table_text(const char *name, const struct setting_field *table, struct strbuf *out)
{
    for (const struct setting_field *f = table; !setting_end(f); f++) {
        const char *ansible = setting_key(f, FRONT_ANSIBLE);
        const char *yaml = setting_key(f, FRONT_YAML);

        sb_printf(out, "%s\t%s%s\t", name, f->option ? "--" : "-", f->option ? f->option : "");
        if (f->short_option)
            sb_printf(out, "-%c\t", f->short_option);
        else
            sb_append(out, "-\t");
        sb_printf(out, "%s\t%s\t%s\t%s\t", f->argument ? f->argument : "-", yaml ? yaml : "-",
                  ansible ? ansible : "-", type_names[f->type]);
        if (f->type == SETTING_INT) {
            sb_printf(out, "%ld..%ld", f->lo, f->hi);
        } else if (f->type == SETTING_CHOICE) {
            for (const struct setting_choice *c = f->choices; c->name; c++)
                sb_printf(out, "%s%s", c == f->choices ? "" : "|", c->name);
        } else {
            sb_putc(out, '-');
        }
        sb_printf(out, "\t%s\n", f->ansible_negated ? "negated" : "-");
    }
}

void
settings_table_text(struct strbuf *out)
{
    sb_append(out, "# table\toption\tshort\targument\tyaml\tansible\ttype\tvalues\tnegated\n");
    table_text("setting", settings_fields, out);
    table_text("source", source_fields, out);
}

/* ---- the model --------------------------------------------------------------------- */

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

/* The field of the settings file's key (also for the choice functions below). */
static const struct setting_field *
yaml_field(const char *key)
{
    return setting_find(settings_fields, FRONT_YAML, key);
}

static bool
parse_choice(const char *key, const char *text, int *value)
{
    const struct setting_choice *c = setting_choice(yaml_field(key), text);

    if (c)
        *value = c->value;
    return c != NULL;
}

static const char *
choice_name(const char *key, int value)
{
    const struct setting_field *f = yaml_field(key);

    for (const struct setting_choice *c = f->choices; c->name; c++)
        if (c->value == value)
            return c->name;
    return f->choices[0].name;
}

bool
settings_parse_mode(const char *text, enum sync_mode *mode)
{
    int v;

    if (!parse_choice("mode", text, &v))
        return false;
    *mode = (enum sync_mode)v;
    return true;
}

const char *
settings_mode_name(enum sync_mode mode)
{
    return choice_name("mode", mode);
}

bool
settings_parse_dhcp(const char *text, enum dhcp_policy *dhcp)
{
    int v;

    if (!parse_choice("dhcp", text, &v))
        return false;
    *dhcp = (enum dhcp_policy)v;
    return true;
}

const char *
settings_dhcp_name(enum dhcp_policy dhcp)
{
    return choice_name("dhcp", dhcp);
}

bool
settings_parse_platform(const char *text, bool *platform_sources)
{
    int v;

    if (!parse_choice("platform", text, &v))
        return false;
    *platform_sources = v;
    return true;
}

bool
settings_parse_int(const char *text, long lo, long hi, int *out)
{
    const char *digits = text && *text == '-' ? text + 1 : text;
    char *end;
    long v;

    if (!digits || digits[0] < '0' || digits[0] > '9' || (digits[0] == '0' && digits[1]))
        return false;
    errno = 0;
    v = strtol(text, &end, 10);
    if (errno || *end || v < lo || v > hi)
        return false;
    *out = (int)v;
    return true;
}

bool
settings_parse_local_stratum(const char *text, int *out)
{
    return settings_parse_int(text, 1, SETTINGS_LOCAL_STRATUM_MAX, out);
}

static bool
known_implementation(const char *name)
{
    return setting_choice(yaml_field("implementation"), name) != NULL;
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
get_int(struct loader *l, const yaml_node_t *n, const char *key, const struct setting_field *f,
        int *out)
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
        x < f->lo || x > f->hi) {
        char *q = quote_string(v), *want = setting_want(f, FRONT_YAML);

        node_error(l, n, "'%s' must be %s, not %s", key, want, q);
        free(q);
        free(want);
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

/* A flag, number or choice of the table into base (struct settings or struct source). */
static void
load_value(struct loader *l, const struct setting_field *f, const yaml_node_t *n,
           const char *key, void *base)
{
    const struct setting_choice *c;
    bool flag;
    int x;

    switch (f->type) {
    case SETTING_FLAG:
        if (get_bool(l, n, key, &flag))
            setting_store_flag(f, base, flag);
        break;
    case SETTING_INT:
        if (get_int(l, n, key, f, &x))
            setting_store_int(f, base, x);
        break;
    case SETTING_CHOICE:
        if (!want_scalar(l, n, key))
            break;
        c = setting_choice(f, scalar(n));
        if (c) {
            setting_store_choice(f, base, c);
        } else {
            char *q = quote_string(scalar(n)), *want = setting_want(f, FRONT_YAML);
            char *unknown = f->noun ? setting_unknown_choice(f, q) : NULL;

            if (unknown)
                node_error(l, n, "%s", unknown);
            else
                node_error(l, n, "'%s' must be %s, not %s", key, want, q);
            free(q);
            free(want);
            free(unknown);
        }
        break;
    default:
        break;
    }
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
        const struct setting_field *f;
        const char *key;

        if (!k || !v || k->type != YAML_SCALAR_NODE) {
            node_error(l, k ? k : n, "keys must be strings");
            continue;
        }
        key = scalar(k);
        f = setting_find(source_fields, FRONT_YAML, key);
        if (!f) {
            char *q = quote_string(key), *known = setting_keys(source_fields, FRONT_YAML, false);

            node_error(l, k, "unknown key %s in an entry of '%s' (known: %s)", q, list, known);
            free(q);
            free(known);
        } else if (f->type != SETTING_STRING) {       /* host: above */
            load_value(l, f, v, key, src);
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
        const struct setting_field *f;
        const char *key;

        if (!k || !v || k->type != YAML_SCALAR_NODE) {
            node_error(l, k ? k : root, "keys must be strings");
            continue;
        }
        key = scalar(k);
        f = setting_find(settings_fields, FRONT_YAML, key);
        if (!f) {
            char *q = quote_string(key), *known = setting_keys(settings_fields, FRONT_YAML, false);

            node_error(l, k, "unknown key %s (known: %s)", q, known);
            free(q);
            free(known);
        } else if (f->type == SETTING_SOURCES) {
            if (!empty && ((v->type == YAML_SCALAR_NODE && is_plain_null(v)) ||
                           (v->type == YAML_SEQUENCE_NODE &&
                            v->data.sequence.items.start == v->data.sequence.items.top))) {
                empty = v;
                empty_key = key;
            }
            load_sources(l, v, (enum source_kind)f->value, key);
        } else if (f->type == SETTING_NETWORKS) {
            strv_free(&l->s->serve);
            load_serve(l, v, key);
        } else if (!(f->type == SETTING_INT && v->type == YAML_SCALAR_NODE && is_plain_null(v))) {
            load_value(l, f, v, key, l->s);     /* "local_stratum:" with nothing: none */
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
        char *unknown = setting_unknown_choice(yaml_field("implementation"), q);

        msg_error(m, "%s", unknown);
        free(unknown);
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
