/* util: allocation, files under a root, string lists, collected messages. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util.h"

static void
oom(void)
{
    static const char msg[] = "te-ntp-setup: out of memory\n";

    if (write(STDERR_FILENO, msg, sizeof(msg) - 1) < 0)
        abort();
    abort();
}

void *
xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);

    if (!p)
        oom();
    return p;
}

void *
xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size ? size : 1);

    if (!p)
        oom();
    return p;
}

void *
xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);

    if (!q)
        oom();
    return q;
}

char *
xstrdup(const char *s)
{
    char *p;

    if (!s)
        return NULL;
    p = strdup(s);
    if (!p)
        oom();
    return p;
}

char *
xasprintf(const char *fmt, ...)
{
    va_list ap;
    char *p;

    va_start(ap, fmt);
    if (vasprintf(&p, fmt, ap) < 0)
        oom();
    va_end(ap);
    return p;
}

void
strv_push_owned(struct strv *sv, char *s)
{
    sv->v = xrealloc(sv->v, (sv->n + 2) * sizeof(*sv->v));
    sv->v[sv->n++] = s;
    sv->v[sv->n] = NULL;
}

void
strv_push(struct strv *sv, const char *s)
{
    strv_push_owned(sv, xstrdup(s));
}

bool
strv_contains(const struct strv *sv, const char *s)
{
    for (size_t i = 0; i < sv->n; i++)
        if (strcmp(sv->v[i], s) == 0)
            return true;
    return false;
}

void
strv_free(struct strv *sv)
{
    for (size_t i = 0; i < sv->n; i++)
        free(sv->v[i]);
    free(sv->v);
    sv->v = NULL;
    sv->n = 0;
}

char *
argv_join(const char *const *v)
{
    struct strbuf sb;

    sb_init(&sb);
    for (size_t i = 0; v && v[i]; i++) {
        if (i)
            sb_putc(&sb, ' ');
        sb_append(&sb, v[i]);
    }
    return sb_steal(&sb);
}

char *
strv_join(const struct strv *sv)
{
    return argv_join((const char *const *)sv->v);
}

char *
root_path(const char *root, const char *abs)
{
    size_t rl;

    if (!root || !*root || strcmp(root, "/") == 0)
        return xstrdup(abs);
    rl = strlen(root);
    while (rl > 1 && root[rl - 1] == '/')
        rl--;
    return xasprintf("%.*s%s%s", (int)rl, root, abs[0] == '/' ? "" : "/", abs);
}

bool
path_exists(const char *path)
{
    struct stat st;

    return lstat(path, &st) == 0;
}

bool
is_dir(const char *path)
{
    struct stat st;

    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

bool
is_executable(const char *path)
{
    struct stat st;

    return stat(path, &st) == 0 && S_ISREG(st.st_mode) && (st.st_mode & 0111);
}

int
read_file(const char *path, size_t max, struct strbuf *sb)
{
    char buf[8192];
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
    ssize_t n;

    if (fd < 0)
        return -1;
    sb_reset(sb);
    for (;;) {
        n = read(fd, buf, sizeof(buf));
        if (n < 0) {
            if (errno == EINTR)
                continue;
            goto error;
        }
        if (n == 0)
            break;
        if (sb->len + (size_t)n > max) {
            errno = EFBIG;
            goto error;
        }
        sb_append_len(sb, buf, (size_t)n);
    }
    close(fd);
    return 0;

error:
    {
        int e = errno;

        close(fd);
        errno = e;
    }
    return -1;
}

void
sb_append_quoted(struct strbuf *sb, const char *s)
{
    sb_putc(sb, '"');
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        switch (*p) {
        case '"':  sb_append(sb, "\\\""); break;
        case '\\': sb_append(sb, "\\\\"); break;
        case '\n': sb_append(sb, "\\n"); break;
        case '\t': sb_append(sb, "\\t"); break;
        case '\r': sb_append(sb, "\\r"); break;
        default:
            if (*p < 0x20 || *p >= 0x7f)
                sb_printf(sb, "\\x%02x", *p);
            else
                sb_putc(sb, (char)*p);
        }
    }
    sb_putc(sb, '"');
}

char *
quote_string(const char *s)
{
    struct strbuf sb;

    sb_init(&sb);
    sb_append_quoted(&sb, s);
    return sb_steal(&sb);
}

static void vpush(struct strv *sv, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));

static void
vpush(struct strv *sv, const char *fmt, va_list ap)
{
    char *p;

    if (vasprintf(&p, fmt, ap) < 0)
        oom();
    strv_push_owned(sv, p);
}

void
msg_error(struct msgs *m, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vpush(&m->errors, fmt, ap);
    va_end(ap);
}

void
msg_warn(struct msgs *m, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vpush(&m->warnings, fmt, ap);
    va_end(ap);
}

void
msg_note(struct msgs *m, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vpush(&m->notes, fmt, ap);
    va_end(ap);
}

void
msgs_free(struct msgs *m)
{
    strv_free(&m->errors);
    strv_free(&m->warnings);
    strv_free(&m->notes);
}

bool
path_inside_root(const char *root, const char *path)
{
    char *root_real, *probe, *real = NULL;
    size_t rl;
    bool inside;

    if (!root || !*root || strcmp(root, "/") == 0)
        return true;
    root_real = realpath(root, NULL);
    if (!root_real)
        return false;
    probe = xstrdup(path);
    /* The deepest ancestor that exists: what the kernel would follow to reach the path. */
    while (!(real = realpath(probe, NULL))) {
        char *slash = strrchr(probe, '/');

        if (!slash || slash == probe)
            break;
        *slash = '\0';
    }
    rl = strlen(root_real);
    inside = real && strncmp(real, root_real, rl) == 0 &&
             (real[rl] == '\0' || real[rl] == '/' || strcmp(root_real, "/") == 0);
    free(real);
    free(probe);
    free(root_real);
    return inside;
}
