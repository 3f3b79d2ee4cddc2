/* SPDX-License-Identifier: Apache-2.0 */
/* augtree: the one place that talks to Augeas. */
#include "config.h"

#include <augeas.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "augtree.h"
#include "msgs.h"
#include "strbuf.h"
#include "strv.h"

/* Lines left out of the parsed text: before position at (and line number line) of the parsed
 * text, and before every gap before it, bytes bytes and lines lines of the caller's text in
 * all (running sums). */
struct gap {
    size_t at, line;
    size_t bytes, lines;
};

/* How the text Augeas parsed differs from the caller's: the carriage returns taken out
 * before line feeds, the lines left out (augtree_skip_lines), and a line feed added at the
 * end of a text without one. */
struct textmap {
    const char *lens;      /* the tree's lens (NULL: no tree of this id) */
    struct augnodes *kids; /* its top-level nodes, once asked for */
    size_t *index;         /* kids by path: open addressing, (size_t)-1 free */
    size_t slots;
    size_t *vindex;        /* kids by label and value (no case): the same, once asked for */
    size_t *cr;            /* positions in the parsed text of the line feeds whose \r went */
    size_t n_cr;
    struct gap *gaps;      /* the lines left out (augtree_skip_lines), in order */
    size_t n_gaps;
    size_t len;            /* the length of the caller's text */
    char *parsed;          /* the text Augeas parsed (its own copy is dearer to ask for) */
    bool has_known;        /* kids[].watched_child is known (augtree_watch_children) */
};

struct augtree {
    augeas *aug;
    unsigned next_id;
    struct strv trees;     /* tree paths handed out */
    struct strv lenses;    /* the lens of each tree */
    struct textmap *maps;  /* indexed by tree id */
    size_t n_maps;
    char *fold_lens;       /* the lens whose directive words are read without case */
    const char *const *fold_sources;
    char *skip_lens;       /* the lens whose texts may leave lines out */
    augtree_skip_fn *skip;
    char *watch_lens;      /* the lens whose top-level nodes' children are noted */
    const char *const *watch;
    bool *noted;           /* by group of 256 trees: its watched children were asked for */
    size_t n_noted;
};

static void augnodes_free(struct augnodes *k);

/* The path of tree id. */
static char *
tree_path(unsigned id)
{
    return xasprintf("/tree/h%u/t%u", id >> 8, id);
}

struct augtree *
augtree_new(const char *lensdir, struct msgs *m)
{
    struct augtree *t = xcalloc(1, sizeof(*t));

    t->aug = aug_init("/", lensdir, AUG_NO_MODL_AUTOLOAD | AUG_NO_LOAD | AUG_NO_ERR_CLOSE |
                              AUG_ENABLE_SPAN);
    if (!t->aug || aug_error(t->aug) != AUG_NOERROR) {
        msg_error(m, "cannot start Augeas with lenses from %s: %s", lensdir,
                  t->aug ? aug_error_message(t->aug) : "out of memory");
        augtree_free(t);
        return NULL;
    }
    return t;
}

void
augtree_free(struct augtree *t)
{
    if (!t)
        return;
    if (t->aug)
        aug_close(t->aug);
    strv_free(&t->trees);
    strv_free(&t->lenses);
    free(t->fold_lens);
    free(t->skip_lens);
    free(t->watch_lens);
    free(t->noted);
    for (size_t i = 0; i < t->n_maps; i++) {
        free(t->maps[i].cr);
        free(t->maps[i].gaps);
        free(t->maps[i].parsed);
        augnodes_free(t->maps[i].kids);
        free(t->maps[i].index);
        free(t->maps[i].vindex);
    }
    free(t->maps);
    free(t);
}

static const char *
errfield(struct augtree *t, const char *base, const char *field)
{
    char *p = xasprintf("%s/error/%s", base, field);
    const char *v = NULL;

    if (aug_get(t->aug, p, &v) != 1)
        v = NULL;
    free(p);
    return v;
}

void
augtree_fold_keywords(struct augtree *t, const char *lens, const char *const *sources)
{
    free(t->fold_lens);
    t->fold_lens = xstrdup(lens);
    t->fold_sources = sources;
}

void
augtree_skip_lines(struct augtree *t, const char *lens, augtree_skip_fn *skip)
{
    free(t->skip_lens);
    t->skip_lens = xstrdup(lens);
    t->skip = skip;
}

void
augtree_watch_children(struct augtree *t, const char *lens, const char *const *labels)
{
    free(t->watch_lens);
    t->watch_lens = xstrdup(lens);
    t->watch = labels;
}

static bool
is_blank(char c)
{
    return c == ' ' || c == '\t';
}

/* Lower-case the directive word of each line of text (len bytes, LF line ends), and on a
 * source line the words after the host made of letters only (its option names). */
static void
fold_keywords(char *text, size_t len, const char *const *sources)
{
    for (size_t i = 0; i < len;) {
        size_t w, e;
        bool source = false;

        while (i < len && is_blank(text[i]))
            i++;
        for (w = i; w < len && ((text[w] >= 'A' && text[w] <= 'Z') ||
                                (text[w] >= 'a' && text[w] <= 'z') ||
                                (text[w] >= '0' && text[w] <= '9') || text[w] == '_'); w++)
            ;
        e = i + strcspn(text + i, "\n");
        if (w > i && (w == e || is_blank(text[w])) &&
            ((text[i] >= 'A' && text[i] <= 'Z') || (text[i] >= 'a' && text[i] <= 'z'))) {
            for (size_t k = i; k < w; k++)
                text[k] = (char)tolower((unsigned char)text[k]);
            for (size_t k = 0; sources && sources[k]; k++)
                if (strlen(sources[k]) == w - i && !strncmp(text + i, sources[k], w - i))
                    source = true;
        }
        if (source) {
            size_t k = w, words = 0;

            while (k < e) {
                size_t s, x;
                bool letters = true;

                while (k < e && is_blank(text[k]))
                    k++;
                for (s = k; k < e && !is_blank(text[k]); k++)
                    letters &= (text[k] >= 'A' && text[k] <= 'Z') ||
                               (text[k] >= 'a' && text[k] <= 'z') || text[k] == '_';
                if (s == k)
                    break;
                if (words++ > 0 && letters)       /* not the host */
                    for (x = s; x < k; x++)
                        text[x] = (char)tolower((unsigned char)text[x]);
            }
        }
        i = e + 1;
    }
}

/* Whether skip takes the line of text (len bytes) at i, given without its line end. */
static bool
skippable(augtree_skip_fn *skip, const char *text, size_t i, size_t len)
{
    size_t e = i + strcspn(text + i, "\n");

    if (e < len && e > i && text[e - 1] == '\r')
        e--;
    return skip(text + i, e - i);
}

/* The gaps before position pos of the parsed text (those at pos too when at_too), as the
 * bytes they left out. */
static size_t
gap_bytes(const struct textmap *map, size_t pos, bool at_too)
{
    size_t lo = 0, hi = map->n_gaps;

    while (lo < hi) {
        size_t mid = (lo + hi) / 2;

        if (map->gaps[mid].at < pos || (at_too && map->gaps[mid].at == pos))
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo ? map->gaps[lo - 1].bytes : 0;
}

/* Line number line of the parsed text as the line number in the caller's text. */
static size_t
map_line(const struct textmap *map, size_t line)
{
    size_t lo = 0, hi = map->n_gaps;

    while (lo < hi) {
        size_t mid = (lo + hi) / 2;

        if (map->gaps[mid].line <= line)
            lo = mid + 1;
        else
            hi = mid;
    }
    return line + (lo ? map->gaps[lo - 1].lines : 0);
}

const char *
augtree_parse(struct augtree *t, const char *lens, const char *file, const char *text,
              struct msgs *m)
{
    unsigned id = t->next_id++;
    /* Trees in groups of 256: Augeas finds a node by walking its siblings, so one level
     * of thousands of trees (drop-in directories) would make each look-up long. */
    char *textp = xasprintf("/text/h%u/t%u", id >> 8, id);
    char *tree = tree_path(id);
    char *errbase = xasprintf("/augeas/text%s", tree);
    const char *ret = NULL;

    /* Augeas reserves bytes 1 to 4 to encode trees: a text holding one parses, but its
     * tree can never be rendered again ("cannot render the edited tree: No error"). */
    for (size_t i = 0, line = 1, col = 1; text[i]; i++, col++) {
        if ((unsigned char)text[i] >= 1 && (unsigned char)text[i] <= 4) {
            msg_error(m, "%s:%zu:%zu: %s cannot parse this: control character 0x%02x "
                      "(Augeas cannot edit a file that holds bytes 0x01 to 0x04)", file,
                      line, col, lens, (unsigned char)text[i]);
            goto out;
        }
        if (text[i] == '\n') {
            line++;
            col = 0;
        }
    }
    /* The lenses read LF line ends and a final line end: hand Augeas the text with the
     * \r of each CRLF taken out and a final \n added; spans are mapped back. */
    {
        size_t len = strlen(text), n = 0;
        char *norm = xmalloc(len + 2);
        struct textmap map = { .lens = lens, .len = len };

        augtree_skip_fn *skip = t->skip_lens && !strcmp(lens, t->skip_lens) ? t->skip : NULL;
        bool prev = false, cur = skip && skippable(skip, text, 0, len), next;
        size_t lines = 0;        /* line feeds in norm */

        for (size_t i = 0, e, after; i < len; i = after, prev = cur, cur = next) {
            e = i + strcspn(text + i, "\n");
            after = e < len ? e + 1 : len;
            next = skip && after < len && skippable(skip, text, after, len);
            if (prev && cur && next) {     /* inside a run: the first and the last stay */
                if (!map.n_gaps || map.gaps[map.n_gaps - 1].at != n) {   /* a new gap */
                    struct gap g = { .at = n, .line = lines + 1 };

                    if (map.n_gaps) {
                        g.bytes = map.gaps[map.n_gaps - 1].bytes;
                        g.lines = map.gaps[map.n_gaps - 1].lines;
                    }
                    map.gaps = xrealloc(map.gaps, (map.n_gaps + 1) * sizeof(*map.gaps));
                    map.gaps[map.n_gaps++] = g;
                }
                map.gaps[map.n_gaps - 1].bytes += after - i;
                map.gaps[map.n_gaps - 1].lines++;
                continue;
            }
            for (size_t j = i; j < after; j++) {
                if (text[j] == '\r' && text[j + 1] == '\n') {
                    map.cr = xrealloc(map.cr, (map.n_cr + 1) * sizeof(*map.cr));
                    map.cr[map.n_cr++] = n;
                    continue;
                }
                norm[n++] = text[j];
            }
            lines += after > e;
        }
        if (n > 0 && norm[n - 1] != '\n')
            norm[n++] = '\n';
        norm[n] = '\0';
        if (t->fold_lens && strcmp(lens, t->fold_lens) == 0)
            fold_keywords(norm, n, t->fold_sources);
        if (id >= t->n_maps) {
            size_t grow = t->n_maps ? t->n_maps * 2 : 16;

            while (grow <= id)
                grow *= 2;
            t->maps = xrealloc(t->maps, grow * sizeof(*t->maps));
            memset(t->maps + t->n_maps, 0, (grow - t->n_maps) * sizeof(*t->maps));
            t->n_maps = grow;
        }
        map.parsed = norm;
        t->maps[id] = map;
        if (aug_set(t->aug, textp, norm) < 0) {
            msg_error(m, "%s: cannot hand the text to Augeas: %s", file,
                      aug_error_message(t->aug));
            goto out;
        }
    }
    if (aug_text_store(t->aug, lens, textp, tree) < 0) {
        const char *line = errfield(t, errbase, "line");
        const char *chr = errfield(t, errbase, "char");
        const char *msg = errfield(t, errbase, "message");

        if (line && chr)            /* Augeas counts the column from 0 */
            msg_error(m, "%s:%zu:%ld: this line cannot be read: it is neither a directive nor a "
                      "comment in the form the daemon's configuration takes (%s cannot parse "
                      "this: %s)", file, map_line(&t->maps[id], strtoul(line, NULL, 10)),
                      strtol(chr, NULL, 10) + 1, lens, msg ? msg : "parse failed");
        else
            msg_error(m, "%s: %s cannot parse this: %s", file, lens,
                      aug_error(t->aug) ? aug_error_message(t->aug) : "parse failed");
        goto out;
    }
    strv_push(&t->trees, tree);
    strv_push(&t->lenses, lens);
    t->maps[id].lens = t->lenses.v[t->lenses.n - 1];
    ret = t->trees.v[t->trees.n - 1];
out:
    if (!ret && id < t->n_maps) {
        free(t->maps[id].cr);
        free(t->maps[id].gaps);
        free(t->maps[id].parsed);
        memset(&t->maps[id], 0, sizeof(t->maps[id]));
    }
    free(textp);
    free(tree);
    free(errbase);
    return ret;
}

static void
augnodes_free(struct augnodes *k)
{
    if (!k)
        return;
    for (size_t i = 0; i < k->n; i++) {
        free(k->v[i].path);
        free(k->v[i].label);
        free(k->v[i].value);
    }
    free(k->v);
    free(k);
}

static size_t
hash_str(const char *s)
{
    size_t h = 5381;

    for (; *s; s++)
        h = h * 33 + (unsigned char)*s;
    return h;
}

/* The cached top-level node at exactly path, or NULL. */
static const struct augnode *
cached_node(const struct textmap *map, const char *path)
{
    if (!map || !map->kids || !map->index)
        return NULL;
    for (size_t h = hash_str(path) & (map->slots - 1); map->index[h] != (size_t)-1;
         h = (h + 1) & (map->slots - 1))
        if (!strcmp(map->kids->v[map->index[h]].path, path))
            return &map->kids->v[map->index[h]];
    return NULL;
}

/* The tree at path changes: its cached nodes go. */
static void
forget_kids(struct textmap *map)
{
    if (!map)
        return;
    augnodes_free(map->kids);
    map->kids = NULL;
    free(map->index);
    map->index = NULL;
    free(map->vindex);
    map->vindex = NULL;
    map->has_known = false;
}

/* The digits at *s as a number into *v, *s moved past them; false when there are none or
 * too many. */
static bool
read_uint(const char **s, unsigned *v)
{
    const char *c = *s;
    unsigned long n = 0;

    for (; *c >= '0' && *c <= '9' && c - *s < 9; c++)
        n = n * 10 + (unsigned long)(*c - '0');
    if (c == *s || (*c >= '0' && *c <= '9'))
        return false;
    *v = (unsigned)n;
    *s = c;
    return true;
}

/* The id of the tree whose path path starts with ("/tree/hG/tID"), and the length of that
 * prefix in *used. false when path does not start with a tree's path. (sscanf did this,
 * and was a twentieth of a rerun over 10,000 files.) */
static bool
tree_id(const char *path, unsigned *id, int *used)
{
    const char *s = path;
    unsigned group;

    if (strncmp(s, "/tree/h", 7) != 0)
        return false;
    s += 7;
    if (!read_uint(&s, &group) || strncmp(s, "/t", 2) != 0)
        return false;
    s += 2;
    if (!read_uint(&s, id))
        return false;
    *used = (int)(s - path);
    return true;
}

/* The map of the tree path is in, or NULL. */
static const struct textmap *
map_of(struct augtree *t, const char *path)
{
    unsigned id;
    int used;

    if (!tree_id(path, &id, &used) || id >= t->n_maps || !t->maps[id].lens)
        return NULL;
    return &t->maps[id];
}

/* A position in the parsed text as a position in the caller's text: where a node starts
 * (start) or ends (!start), which differ at a gap: a line before a gap ends before the lines
 * left out, the line after it starts after them. */
static size_t
map_at(const struct textmap *map, size_t pos, bool start)
{
    size_t lo = 0, hi = map ? map->n_cr : 0, skipped;

    if (!map)
        return pos;
    skipped = gap_bytes(map, pos, start);
    while (lo < hi) {                  /* how many removed \r stood before pos */
        size_t mid = (lo + hi) / 2;

        if (map->cr[mid] < pos)
            lo = mid + 1;
        else
            hi = mid;
    }
    pos += lo + skipped;
    return pos > map->len ? map->len : pos;
}

static size_t
map_pos(const struct textmap *map, size_t pos)
{
    return map_at(map, pos, true);
}

static size_t
map_end(const struct textmap *map, size_t pos)
{
    return map_at(map, pos, false);
}

/* The span of the node at path as Augeas has it, in the caller's text of the tree map. */
static int
aug_node_span(struct augtree *t, const struct textmap *map, const char *path, size_t *start,
              size_t *end)
{
    char *file = NULL;
    unsigned ls, le, vs, ve, ss, se;

    if (aug_span(t->aug, path, &file, &ls, &le, &vs, &ve, &ss, &se) < 0)
        return -1;
    free(file);
    *start = map_pos(map, ss);
    *end = map_end(map, se);
    return 0;
}

int
augtree_span(struct augtree *t, const char *path, size_t *start, size_t *end)
{
    const struct textmap *map = map_of(t, path);
    const struct augnode *n = cached_node(map, path);

    if (n && n->start != (size_t)-1) {
        *start = n->start;
        *end = n->end;
        return 0;
    }
    return aug_node_span(t, map, path, start, end);
}

int
augtree_value_span(struct augtree *t, const char *path, size_t *start, size_t *end)
{
    char *file = NULL;
    unsigned ls, le, vs, ve, ss, se;

    if (aug_span(t->aug, path, &file, &ls, &le, &vs, &ve, &ss, &se) < 0)
        return -1;
    free(file);
    if (vs < ss || ve > se || vs > ve)
        return -1;
    *start = map_pos(map_of(t, path), vs);
    *end = map_end(map_of(t, path), ve);
    return 0;
}

int
augtree_render(struct augtree *t, const char *tree, struct strbuf *out, struct msgs *m)
{
    const char *lens = NULL, *text = NULL;
    char *textp = NULL, *outp = NULL;
    int ret = -1;

    {
        const struct textmap *map = map_of(t, tree);

        lens = map ? map->lens : NULL;
        if (map && map->n_gaps) {      /* the text has lines Augeas never saw */
            msg_error(m, "internal error: %s left lines out and cannot be rendered", tree);
            return -1;
        }
    }
    if (!lens) {
        msg_error(m, "internal error: %s is not a parsed tree", tree);
        return -1;
    }
    textp = xasprintf("/text/%s", tree + strlen("/tree/"));
    outp = xasprintf("/out/%s", tree + strlen("/tree/"));
    if (aug_text_retrieve(t->aug, lens, textp, tree, outp) < 0 ||
        aug_get(t->aug, outp, &text) != 1 || !text) {
        char *errbase = xasprintf("/augeas/text%s", outp);
        const char *msg = errfield(t, errbase, "message");

        msg_error(m, "%s cannot render the edited tree: %s", lens,
                  msg ? msg : aug_error_message(t->aug));
        free(errbase);
        goto out;
    }
    sb_reset(out);
    sb_append(out, text);
    aug_rm(t->aug, outp);
    ret = 0;
out:
    free(textp);
    free(outp);
    return ret;
}

/* The labels of "label() = 'a' or label() = 'b' ..." at s into out: the position after
 * the last quote, or NULL when s has another form. */
static const char *
label_list(const char *s, struct strv *out)
{
    for (;;) {
        const char *q;

        if (strncmp(s, "label() = '", 11) != 0)
            return NULL;
        s += 11;
        q = strchr(s, '\'');
        if (!q)
            return NULL;
        strv_push_owned(out, xasprintf("%.*s", (int)(q - s), s));
        s = q + 1;
        if (strncmp(s, " or label() = '", 15) != 0)
            return s;
        s += 4;
    }
}

/* The labels of a step "*[label() = 'a' or label() = 'b' ...]" into out; false when the
 * step has another form. */
static bool
label_set(const char *step, struct strv *out)
{
    const char *s;

    if (strncmp(step, "*[", 2) != 0)
        return false;
    s = label_list(step + 2, out);
    return s && !strcmp(s, "]");
}

/* A step "*[(label() = 'a' or ...) and (c1 or c2 ...)]" where c1, c2 ... are exactly the
 * watched labels: its labels a ... into out; false when the step has another form. */
static bool
label_child_set(struct augtree *t, const char *step, struct strv *out)
{
    const char *s;
    size_t seen = 0, all = 0;

    if (!t->watch || strncmp(step, "*[(", 3) != 0 || !(s = label_list(step + 3, out)) ||
        strncmp(s, ") and (", 7) != 0)
        return false;
    while (t->watch[all])
        all++;
    if (all > 32)
        return false;
    for (s += 7;;) {
        size_t len = strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789_-");
        size_t j;

        for (j = 0; j < all; j++)
            if (strlen(t->watch[j]) == len && !strncmp(s, t->watch[j], len))
                break;
        if (!len || j == all)
            return false;
        seen |= (size_t)1 << j;
        s += len;
        if (!strcmp(s, ")]"))
            return seen == ((size_t)1 << all) - 1;
        if (strncmp(s, " or ", 4) != 0)
            return false;
        s += 4;
    }
}

static void note_group(struct augtree *t, unsigned id);

/* A match of one step under a parsed tree (TREE then "/ *", "/LABEL",
 * "/ *[label() = 'a' or ...]" or, with watched child labels c1 ...,
 * "/ *[(label() = 'a' or ...) and (c1 or ...)]", without the blanks) from the tree's
 * cached nodes: Augeas builds each path it returns by counting the node's siblings, which
 * makes a match over a long file quadratic. -1: another form. */
static int
match_children(struct augtree *t, const char *expr, struct strv *out)
{
    unsigned id;
    bool watched = false;
    int used = 0;
    const char *step;
    const struct augnodes *k;
    const struct textmap *map;
    struct strv labels = { 0 };
    bool all = false;
    char *tree;
    int n = 0;

    if (!tree_id(expr, &id, &used) || expr[used] != '/')
        return -1;
    step = expr + used + 1;
    if (!strcmp(step, "*"))
        all = true;
    else if (!strncmp(step, "*[(", 3)) {
        if (!label_child_set(t, step, &labels))
            goto fallback;
        watched = true;
    } else if (step[0] == '*' ? !label_set(step, &labels)
                              : strpbrk(step, "/[]()*=' ") != NULL || !*step)
        goto fallback;
    else if (step[0] != '*')
        strv_push(&labels, step);
    tree = xasprintf("%.*s", used, expr);
    k = augtree_children(t, tree);
    free(tree);
    if (k && watched)
        note_group(t, id);
    map = map_of(t, expr);
    if (!k || !map || (watched && !map->has_known))
        goto fallback;
    for (size_t i = 0; i < k->n; i++)
        if ((all || strv_contains(&labels, k->v[i].label)) &&
            (!watched || k->v[i].watched_child)) {
            strv_push(out, k->v[i].path);
            n++;
        }
    strv_free(&labels);
    return n;
fallback:
    strv_free(&labels);
    return -1;
}

int
augtree_match(struct augtree *t, const char *expr, struct strv *out)
{
    char **paths = NULL;
    int n = match_children(t, expr, out);

    if (n >= 0)
        return n;
    n = aug_match(t->aug, expr, &paths);

    if (n < 0)
        return -1;
    for (int i = 0; i < n; i++)
        strv_push_owned(out, paths[i]);
    free(paths);
    return n;
}

/* A hash of label and value, the value without case. */
static size_t
hash_label_value(const char *label, const char *value)
{
    size_t h = hash_str(label) * 31;

    for (; *value; value++)
        h = h * 33 + (unsigned char)tolower((unsigned char)*value);
    return h;
}

int
augtree_find_value(struct augtree *t, const char *tree, const char *label, const char *value,
                   const char **path)
{
    struct textmap *map = (struct textmap *)map_of(t, tree);
    const struct augnodes *k;
    unsigned id;
    int used = 0;

    *path = NULL;
    if (!map || !tree_id(tree, &id, &used) || tree[used] ||
        !(k = augtree_children(t, tree)))
        return -1;
    if (!map->vindex) {
        map->vindex = xmalloc(map->slots * sizeof(*map->vindex));
        memset(map->vindex, 0xff, map->slots * sizeof(*map->vindex));
        for (size_t i = 0; i < k->n; i++) {
            size_t h;

            if (!k->v[i].value)
                continue;
            for (h = hash_label_value(k->v[i].label, k->v[i].value) & (map->slots - 1);
                 map->vindex[h] != (size_t)-1; h = (h + 1) & (map->slots - 1)) {
                const struct augnode *o = &k->v[map->vindex[h]];

                if (!strcmp(o->label, k->v[i].label) && !strcasecmp(o->value, k->v[i].value))
                    break;                  /* the first in the text counts */
            }
            if (map->vindex[h] == (size_t)-1)
                map->vindex[h] = i;
        }
    }
    for (size_t h = hash_label_value(label, value) & (map->slots - 1);
         map->vindex[h] != (size_t)-1; h = (h + 1) & (map->slots - 1)) {
        const struct augnode *o = &k->v[map->vindex[h]];

        if (!strcmp(o->label, label) && !strcasecmp(o->value, value)) {
            *path = o->path;
            break;
        }
    }
    return 0;
}

const char *
augtree_get(struct augtree *t, const char *path)
{
    const char *v = NULL;
    const struct augnode *n = cached_node(map_of(t, path), path);

    if (n)
        return n->value;
    if (aug_get(t->aug, path, &v) != 1)
        return NULL;
    return v;
}

char *
augtree_label(struct augtree *t, const char *path)
{
    const char *l = NULL;
    const struct augnode *n = cached_node(map_of(t, path), path);

    if (n)
        return xstrdup(n->label);
    if (aug_label(t->aug, path, &l) != 1 || !l)
        return NULL;
    return xstrdup(l);
}

int
augtree_set(struct augtree *t, const char *path, const char *value)
{
    forget_kids((struct textmap *)map_of(t, path));
    return aug_set(t->aug, path, value) < 0 ? -1 : 0;
}

int
augtree_insert(struct augtree *t, const char *path, const char *label, bool before)
{
    forget_kids((struct textmap *)map_of(t, path));
    return aug_insert(t->aug, path, label, before ? 1 : 0) < 0 ? -1 : 0;
}

int
augtree_rm(struct augtree *t, const char *path)
{
    forget_kids((struct textmap *)map_of(t, path));
    return aug_rm(t->aug, path) < 0 ? -1 : 0;
}

int
augtree_rename(struct augtree *t, const char *path, const char *label)
{
    forget_kids((struct textmap *)map_of(t, path));
    return aug_rename(t->aug, path, label) < 0 ? -1 : 0;
}

int
augtree_copy(struct augtree *t, const char *src, const char *dst)
{
    forget_kids((struct textmap *)map_of(t, dst));
    return aug_cp(t->aug, src, dst) < 0 ? -1 : 0;
}

const char *
augtree_error(struct augtree *t)
{
    return aug_error_message(t->aug);
}

/* The project's lenses that put each top-level node on a line of its own, a line that is
 * blank or holds only a comment character being no node. */
static bool
line_lens(const char *lens)
{
    return !strcmp(lens, "Tentp_chrony.lns") || !strcmp(lens, "Tentp_ntp.lns") ||
           !strcmp(lens, "Tentp_openntpd.lns");
}

static bool
empty_line(const char *s, size_t len)
{
    size_t i = 0;

    while (i < len && (s[i] == ' ' || s[i] == '\t'))
        i++;
    if (i < len && strchr("#!;%", s[i]))
        i++;
    while (i < len && (s[i] == ' ' || s[i] == '\t'))
        i++;
    return i == len;
}

/* The spans of the line nodes from the parsed text, each line checked to start with its
 * node's word, and checked against Augeas for the first and the last node. false when they do not agree (then Augeas is asked per node). */
static bool
line_spans(struct augtree *t, const struct textmap *map, struct augnodes *k)
{
    const char *text = map->parsed;
    size_t at = 0, i = 0;
    bool ok = text != NULL;

    while (ok && text[at]) {
        size_t len = strcspn(text + at, "\n"), end = at + len + (text[at + len] ? 1 : 0);

        if (!empty_line(text + at, len)) {
            size_t w = at + strspn(text + at, " \t");
            const char *label = i < k->n ? k->v[i].label : NULL;

            /* the line starts with the node's word (a comment character for a comment) */
            if (!label || (strcmp(label, "#comment") == 0
                               ? !strchr("#!;%", text[w])
                               : strncmp(text + w, label, strlen(label)) != 0)) {
                ok = false;
                break;
            }
            k->v[i].start = map_pos(map, at);
            k->v[i].end = map_end(map, end);
            i++;
        }
        at = end;
    }
    ok = ok && i == k->n;
    /* $tekids (augtree_children) is TREE/ *: Augeas finds its first and last node without
     * looking the tree up again */
    for (size_t j = 0; ok && j < (k->n > 1 ? 2 : k->n); j++) {   /* one node: one look */
        size_t s, e;
        struct augnode *n = &k->v[j == 0 ? 0 : k->n - 1];

        ok = aug_node_span(t, map, j == 0 ? "$tekids[1]" : "$tekids[last()]", &s, &e) == 0 &&
             s == n->start && e == n->end;
    }
    return ok;
}

/* Note kids[].watched_child of every tree of the watched lens in the group of tree id (its
 * nodes cached first), with one question to Augeas for the group: which top-level nodes
 * have a watched child. Once per group: a tree parsed or edited after it gets Augeas's
 * answer per tree (has_known stays false). */
static void
note_group(struct augtree *t, unsigned id)
{
    unsigned g = id >> 8, first = g << 8;
    struct strbuf expr;
    int n;

    if (g < t->n_noted && t->noted[g])
        return;
    if (g >= t->n_noted) {
        size_t grow = g + 16;

        t->noted = xrealloc(t->noted, grow * sizeof(*t->noted));
        memset(t->noted + t->n_noted, 0, (grow - t->n_noted) * sizeof(*t->noted));
        t->n_noted = grow;
    }
    t->noted[g] = true;
    for (unsigned i = first; i < first + 256 && i < t->n_maps; i++) {
        struct textmap *map = &t->maps[i];

        if (map->lens && !strcmp(map->lens, t->watch_lens)) {
            char *tree = tree_path(i);

            map->has_known = augtree_children(t, tree) != NULL;
            free(tree);
        }
    }
    sb_init(&expr);
    sb_printf(&expr, "/tree/h%u/*/*[", g);
    for (size_t j = 0; t->watch[j]; j++)
        sb_printf(&expr, "%s%s", j ? " or " : "", t->watch[j]);
    sb_append(&expr, "]");
    n = aug_defvar(t->aug, "tehas", expr.buf);
    sb_free(&expr);
    for (int i = 0; i < n; i++) {
        char *path = NULL, *p;
        struct textmap *map;
        const struct augnode *node;

        if (aug_ns_path(t->aug, "tehas", i, &path) < 0 || !path) {
            n = -1;
            break;
        }
        /* Augeas leaves out the [1] of a label no sibling shares */
        p = path[strlen(path) - 1] == ']' ? xstrdup(path) : xasprintf("%s[1]", path);
        free(path);
        map = (struct textmap *)map_of(t, p);
        node = map && map->has_known ? cached_node(map, p) : NULL;
        if (node)
            map->kids->v[node - map->kids->v].watched_child = true;
        else if (map)
            map->has_known = false;
        free(p);
    }
    if (n < 0)                 /* not known after all */
        for (unsigned i = first; i < first + 256 && i < t->n_maps; i++)
            t->maps[i].has_known = false;
    aug_defvar(t->aug, "tehas", NULL);
}

/* Whether a path step "LABEL[N]" names exactly label: made only of letters, digits and
 * "#_.-:" (no blank Augeas would trim, nothing its path language reads). */
static bool
plain_label(const char *label)
{
    if (!*label)
        return false;
    for (const char *c = label; *c; c++)
        if (!isalnum((unsigned char)*c) && !strchr("#_.-:", *c))
            return false;
    return true;
}

const struct augnodes *
augtree_children(struct augtree *t, const char *tree)
{
    struct textmap *map = (struct textmap *)map_of(t, tree);
    struct augnodes *k;
    struct { const char *label; size_t count; } *seen;   /* open addressing, by label */
    size_t slots;
    char *expr;
    int n;

    if (!map)
        return NULL;
    if (map->kids)
        return map->kids;
    expr = xasprintf("%s/*", tree);
    n = aug_defvar(t->aug, "tekids", expr);
    free(expr);
    if (n < 0)
        return NULL;
    k = xcalloc(1, sizeof(*k));
    k->v = xcalloc((size_t)n + 1, sizeof(*k->v));
    for (slots = 16; slots < 2 * (size_t)n + 2; slots *= 2)
        ;
    seen = xcalloc(slots, sizeof(*seen));
    for (int i = 0; i < n; i++) {
        const char *v = NULL, *l = NULL;
        char *file = NULL;
        size_t h = 5381;

        if (aug_ns_attr(t->aug, "tekids", i, &v, &l, &file) < 0) {
            free(file);
            break;
        }
        free(file);
        k->v[k->n].label = xstrdup(l ? l : "");
        k->v[k->n].value = v ? xstrdup(v) : NULL;
        k->v[k->n].start = k->v[k->n].end = (size_t)-1;
        /* the position among the siblings of the same label, for its path */
        for (const char *c = k->v[k->n].label; *c; c++)
            h = h * 33 + (unsigned char)*c;
        for (h &= slots - 1; seen[h].label && strcmp(seen[h].label, k->v[k->n].label);
             h = (h + 1) & (slots - 1))
            ;
        seen[h].label = k->v[k->n].label;
        seen[h].count++;
        /* A label a path cannot name as it is ("Time\f": Augeas trims the blank at its
         * end) is named by its position among all the children instead. */
        k->v[k->n].path = plain_label(k->v[k->n].label)
                          ? xasprintf("%s/%s[%zu]", tree, k->v[k->n].label, seen[h].count)
                          : xasprintf("%s/*[%zu]", tree, k->n + 1);
        k->n++;
    }
    free(seen);
    map->kids = k;
    map->index = xmalloc(slots * sizeof(*map->index));
    map->slots = slots;
    memset(map->index, 0xff, slots * sizeof(*map->index));
    for (size_t i = 0; i < k->n; i++) {
        size_t h = hash_str(k->v[i].path) & (slots - 1);

        while (map->index[h] != (size_t)-1)
            h = (h + 1) & (slots - 1);
        map->index[h] = i;
    }
    if (!line_lens(map->lens) || !line_spans(t, map, k))
        for (size_t i = 0; i < k->n; i++) {
            size_t s, e;

            if (aug_node_span(t, map, k->v[i].path, &s, &e) == 0) {
                k->v[i].start = s;
                k->v[i].end = e;
            }
        }
    aug_defvar(t->aug, "tekids", NULL);
    return k;
}
