/* SPDX-License-Identifier: Apache-2.0 */
/* daemon-check: a daemon's own check of the planned configuration, in a file without a name. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "alloc.h"
#include "daemon-check.h"
#include "msgs.h"
#include "paths.h"
#include "spawn.h"
#include "strbuf.h"
#include "strv.h"

/* The file the daemon reads. Best, a file without a name (memfd), which the daemon opens
 * through /proc/PID/fd/N while this process runs and which goes with this process however it
 * ends: a named file in /tmp outlived every run killed during the check. Without memfd or
 * /proc (an old kernel, a chroot), a private named file in /tmp, removed after the check. */
struct check_file {
    char path[64];  /* what the daemon is given */
    int fd;         /* the memfd, or -1 for the named file */
};

/* A memfd holding text, reachable by path; -1 (nothing left open) when either is missing. */
static int
check_file_unnamed(struct check_file *f, const struct strbuf *text)
{
#ifdef SYS_memfd_create
    int fd = (int)syscall(SYS_memfd_create, "te-ntp-setup-check", 1U /* MFD_CLOEXEC */);
    int probe;

    if (fd < 0)
        return -1;
    snprintf(f->path, sizeof(f->path), "/proc/%ld/fd/%d", (long)getpid(), fd);
    if (fchmod(fd, 0600) < 0 || write_fd(fd, text->buf, text->len) < 0 ||
        (probe = open(f->path, O_RDONLY | O_CLOEXEC)) < 0) {
        close(fd);
        return -1;
    }
    close(probe);
    f->fd = fd;
    return 0;
#else
    (void)f;
    (void)text;
    return -1;
#endif
}

static int
check_file_create(struct check_file *f, const struct strbuf *text, struct msgs *m)
{
    int fd;

    if (check_file_unnamed(f, text) == 0)
        return 0;
    f->fd = -1;
    snprintf(f->path, sizeof(f->path), "/tmp/te-ntp-setup-check.XXXXXX");
    if ((fd = mkostemp(f->path, O_CLOEXEC)) < 0) {
        msg_error(m, "cannot create a temporary file to check the configuration: %s",
                  strerror(errno));
        return -1;
    }
    if (write_fd(fd, text->buf, text->len) < 0) {
        msg_error(m, "cannot write a temporary file to check the configuration: %s",
                  strerror(errno));
        close(fd);
        unlink(f->path);
        return -1;
    }
    close(fd);
    return 0;
}

static void
check_file_remove(struct check_file *f)
{
    if (f->fd >= 0)
        close(f->fd);
    else
        unlink(f->path);
}

/* The length of the line the daemon reads at text (at most len bytes): up to and with the
 * line end, and no more than line_max - 1 bytes when line_max (an fgets buffer) is set. */
static size_t
piece_len(const char *text, size_t len, size_t line_max)
{
    const char *nl = memchr(text, '\n', len);
    size_t n = nl ? (size_t)(nl - text) + 1 : len;

    return line_max && n > line_max - 1 ? line_max - 1 : n;
}

static bool
is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

/* Turn a line of the check text that starts with one of the directives of c->left_out into a
 * comment, in place and keeping its length (so every line keeps its number). */
static void
leave_out(const struct daemon_check *c, char *line, size_t len)
{
    size_t i = 0, w;

    while (i < len && is_blank(line[i]))
        i++;
    for (w = i; w < len && line[w] && line[w] != '\n' && !is_blank(line[w]);)
        w++;
    for (size_t k = 0; c->left_out && c->left_out[k]; k++) {
        const char *d = c->left_out[k];

        if (w - i == strlen(d) && (c->nocase ? strncasecmp(line + i, d, w - i)
                                             : strncmp(line + i, d, w - i)) == 0) {
            line[i] = c->comment;
            return;
        }
    }
}

/* The check text: every file's planned text, each starting on a new line, with the lines
 * that would read other files turned into comments. first[i]: the number (as the daemon
 * counts) of the first line of files[i]. */
static void
check_text(const struct daemon_check *c, struct file_change *const *files, size_t n,
           struct strbuf *out, size_t *first)
{
    size_t line = 1;

    for (size_t i = 0; i < n; i++) {
        const struct strbuf *t = &files[i]->after;
        size_t at = out->len;

        first[i] = line;
        sb_append_len(out, t->buf, t->len);
        if (t->len && t->buf[t->len - 1] != '\n')
            sb_putc(out, '\n');
        while (at < out->len) {
            size_t k = piece_len(out->buf + at, out->len - at, c->line_max);

            leave_out(c, out->buf + at, k);
            at += k;
            line++;
        }
    }
}

/* Where line (as the daemon counts) of the check text is: which file, the byte offset of
 * that line in its planned text. */
static size_t
check_file_of(const struct daemon_check *c, struct file_change *const *files, size_t n,
              const size_t *first, size_t line, size_t *offset)
{
    size_t which = 0, at = 0;
    const struct strbuf *t;

    for (size_t i = 0; i < n; i++)
        if (first[i] <= line)
            which = i;
    t = &files[which]->after;
    for (size_t l = first[which]; l < line && at < t->len; l++)
        at += piece_len(t->buf + at, t->len - at, c->line_max);
    *offset = at;
    return which;
}

/* The line of f's original text that holds byte offset of its planned text, or 0 when that
 * byte is one the plan writes. */
static size_t
original_line(const struct file_change *f, size_t offset)
{
    size_t before = 0, after = 0, pos = 0, line = 1;
    bool found = false;

    if (f->generated || !f->existed)
        return 0;
    for (size_t j = 0; j <= f->n_edits && !found; j++) {
        size_t end = j < f->n_edits ? f->edits[j].start : f->before.len;
        size_t same = end - before, len;

        if (offset < after + same || j == f->n_edits) {
            pos = before + (offset - after);
            found = true;
            break;
        }
        after += same;
        len = strlen(f->edits[j].text);
        if (offset < after + len)
            return 0;           /* in the text of an edit */
        after += len;
        before = f->edits[j].end;
    }
    if (!found || pos > f->before.len)
        return 0;
    for (size_t i = 0; i < pos; i++)
        line += f->before.buf[i] == '\n';
    return line;
}

/* The line number the daemon gives in msg: "TMP:N:" ([*from, *to): that text and the blank
 * after it, to be left out; *prefixed true), or "line N" ([*from, *to): that text, to be
 * put in terms of the real file). 0 when there is none. */
static size_t
message_line(const char *msg, const char *tmp, const char **from, const char **to,
             bool *prefixed)
{
    const char *at = strstr(msg, tmp);
    char *end;
    unsigned long v;

    if (at && at[strlen(tmp)] == ':' && at[strlen(tmp) + 1] >= '0' &&
        at[strlen(tmp) + 1] <= '9') {
        v = strtoul(at + strlen(tmp) + 1, &end, 10);
        if (*end == ':')
            end++;
        while (*end == ' ')
            end++;
        *from = at;
        *to = end;
        *prefixed = true;
        return v;
    }
    for (at = strstr(msg, "line "); at; at = strstr(at + 1, "line ")) {
        if (at[5] >= '0' && at[5] <= '9') {
            v = strtoul(at + 5, &end, 10);
            if (strncmp(end, " in file ", 9) == 0 && strncmp(end + 9, tmp, strlen(tmp)) == 0)
                end += 9 + strlen(tmp);
            *from = at;
            *to = end;
            *prefixed = false;
            return v;
        }
    }
    return 0;
}

/* msg with every mention of the check file and its line numbers put in terms of the real
 * file; *prefix gets "FILE:LINE: " (or the file and where the plan writes that line). */
static char *
map_message(const struct daemon_check *c, struct file_change *const *files, size_t n,
            const size_t *first, const char *tmp, const char *msg, char **prefix)
{
    const char *from, *to;
    bool prefixed = false;
    size_t line = message_line(msg, tmp, &from, &to, &prefixed), offset, which, orig, planned;
    const struct file_change *f;
    struct strbuf out;
    char *where;

    *prefix = xstrdup("");
    if (!line)
        return xstrdup(msg);
    which = check_file_of(c, files, n, first, line, &offset);
    f = files[which];
    orig = original_line(f, offset);
    planned = line - first[which] + 1;
    free(*prefix);
    if (orig)
        *prefix = xasprintf("%s:%zu: ", f->disk_path, orig);
    else
        *prefix = xasprintf("%s, line %zu of its planned text (a line te-ntp-setup writes): ",
                            f->disk_path, planned);
    /* "line N in file TMP" (chronyd) or "line N" (ntpd): the real line and file. */
    if (strstr(from, tmp) && strstr(from, tmp) < to)
        where = orig ? xasprintf("line %zu in file %s", orig, f->disk_path)
                     : xasprintf("line %zu of the planned %s", planned, f->disk_path);
    else
        where = orig ? xasprintf("line %zu", orig) : xasprintf("line %zu of its planned text",
                                                                 planned);
    sb_init(&out);
    sb_append_len(&out, msg, (size_t)(from - msg));
    if (!prefixed)
        sb_append(&out, where);
    /* Any other mention of the check file. */
    for (msg = to; *msg;) {
        const char *t = strstr(msg, tmp);

        if (!t) {
            sb_append(&out, msg);
            break;
        }
        sb_append_len(&out, msg, (size_t)(t - msg));
        sb_append(&out, "the planned configuration");
        msg = t + strlen(tmp);
    }
    free(where);
    return sb_steal(&out);
}

/* The line of out that holds marker, after a syslog-style "name[pid]: " prefix; NULL when
 * no line holds it. */
static const char *
marked_line(const char *out, const char *marker)
{
    const char *hit = strstr(out, marker);
    const char *line, *tag;

    if (!hit)
        return NULL;
    for (line = hit; line > out && line[-1] != '\n'; line--)
        ;
    tag = strstr(line, "]: ");
    return tag && tag < hit ? tag + 3 : line;
}

int
daemon_check_files(struct plan *p, const struct daemon_check *c,
                   struct file_change *const *files, size_t n)
{
    struct check_file cf;
    const char *args[16];
    size_t *first = xcalloc(n + 1, sizeof(*first));
    struct spawn_result res;
    struct strbuf text;
    const char *marked = NULL;
    size_t k = 0;
    int ret = -1, rc;

    sb_init(&text);
    check_text(c, files, n, &text, first);
    if (check_file_create(&cf, &text, p->m) < 0)
        goto out;
    for (; c->argv[k] && k < TE_ARRAY_LEN(args) - 1; k++)
        args[k] = strcmp(c->argv[k], DAEMON_CHECK_FILE) == 0 ? cf.path : c->argv[k];
    args[k] = NULL;
    rc = spawn_run(args, NULL, DAEMON_CHECK_TIMEOUT_MS, &res);
    if (rc == 0 && c->marker && !(marked = marked_line(res.err.buf, c->marker)))
        marked = marked_line(res.out.buf, c->marker);
    if (rc == 0 && !marked) {
        ret = 0;
    } else if (res.timed_out) {
        msg_error(p->m, "%s did not finish within %d s checking the planned configuration, "
                  "and was stopped (%s; a file it reads may never end, such as a FIFO or a "
                  "device; nothing was written)", c->daemon, DAEMON_CHECK_TIMEOUT_MS / 1000,
                  c->argv[0]);
    } else {
        char *how = marked ? xstrdup("exited 0, reporting the error") : spawn_describe(&res);
        const char *why = marked ? marked : res.err.len ? res.err.buf : res.out.buf;
        char *prefix, *line;
        const char *after = c->skip ? strstr(why, c->skip) : NULL;
        char *first_line;

        if (after)
            why = after + strlen(c->skip);
        first_line = xasprintf("%.*s", (int)strcspn(why, "\n"), why);
        line = map_message(c, files, n, first, cf.path, first_line, &prefix);
        msg_error(p->m, "%s%s rejects the planned configuration: %s (%s %s; nothing was "
                  "written)", prefix, c->daemon, line, c->argv[0], how);
        free(first_line);
        free(line);
        free(prefix);
        free(how);
    }
    spawn_result_free(&res);
    check_file_remove(&cf);
out:
    sb_free(&text);
    free(first);
    return ret;
}
