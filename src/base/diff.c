/* SPDX-License-Identifier: Apache-2.0 */
/* diff: unified diffs of two texts.
 *
 * The common head and tail are trimmed first, then the middle is compared with the classic
 * longest-common-subsequence table. Our edits are small, so the middle is small; should it
 * be huge, the middle is shown as one replaced block instead of spending quadratic memory. */
#include "config.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "diff.h"
#include "strbuf.h"

#define CONTEXT 3
#define MAX_TABLE_CELLS (4u * 1024 * 1024)

struct line {
    const char *p;
    size_t len;          /* with the newline, when there is one */
};

struct lines {
    struct line *v;
    size_t n;
};

static void
split(const char *s, struct lines *l)
{
    size_t cap = 16;

    l->v = xmalloc(cap * sizeof(*l->v));
    l->n = 0;
    while (*s) {
        const char *nl = strchr(s, '\n');
        size_t len = nl ? (size_t)(nl - s) + 1 : strlen(s);

        if (l->n == cap) {
            cap *= 2;
            l->v = xrealloc(l->v, cap * sizeof(*l->v));
        }
        l->v[l->n].p = s;
        l->v[l->n].len = len;
        l->n++;
        s += len;
    }
}

static bool
same(const struct line *x, const struct line *y)
{
    return x->len == y->len && memcmp(x->p, y->p, x->len) == 0;
}

/* One edit script entry: ' ' keep, '-' delete from a, '+' insert from b. */
struct op {
    char kind;
    size_t ai, bi;
};

static void
push_op(struct op **ops, size_t *n, size_t *cap, char kind, size_t ai, size_t bi)
{
    if (*n == *cap) {
        *cap = *cap ? *cap * 2 : 64;
        *ops = xrealloc(*ops, *cap * sizeof(**ops));
    }
    (*ops)[*n].kind = kind;
    (*ops)[*n].ai = ai;
    (*ops)[*n].bi = bi;
    (*n)++;
}

static void
emit_line(struct strbuf *out, char kind, const struct line *l)
{
    sb_putc(out, kind);
    sb_append_len(out, l->p, l->len);
    if (l->len == 0 || l->p[l->len - 1] != '\n')
        sb_append(out, "\n\\ No newline at end of file\n");
}

void
diff_unified(const char *a, const char *b, const char *old_name, const char *new_name,
             struct strbuf *out)
{
    struct lines la, lb;
    struct op *ops = NULL;
    size_t nops = 0, capops = 0, pre = 0, suf = 0, m, n;

    if (strcmp(a, b) == 0)
        return;
    split(a, &la);
    split(b, &lb);
    while (pre < la.n && pre < lb.n && same(&la.v[pre], &lb.v[pre]))
        pre++;
    while (suf < la.n - pre && suf < lb.n - pre &&
           same(&la.v[la.n - 1 - suf], &lb.v[lb.n - 1 - suf]))
        suf++;
    m = la.n - pre - suf;
    n = lb.n - pre - suf;

    for (size_t i = 0; i < pre; i++)
        push_op(&ops, &nops, &capops, ' ', i, i);
    if ((uint64_t)(m + 1) * (n + 1) <= MAX_TABLE_CELLS) {
        /* lcs[i][j]: length of the LCS of a[pre+i..] and b[pre+j..] within the middle. */
        uint32_t *lcs = xcalloc((m + 1) * (n + 1), sizeof(*lcs));
        size_t i = 0, j = 0;

#define LCS(i, j) lcs[(i) * (n + 1) + (j)]
        for (size_t x = m; x-- > 0;)
            for (size_t y = n; y-- > 0;)
                LCS(x, y) = same(&la.v[pre + x], &lb.v[pre + y]) ? LCS(x + 1, y + 1) + 1
                          : (LCS(x + 1, y) >= LCS(x, y + 1) ? LCS(x + 1, y) : LCS(x, y + 1));
        while (i < m || j < n) {
            if (i < m && j < n && same(&la.v[pre + i], &lb.v[pre + j])) {
                push_op(&ops, &nops, &capops, ' ', pre + i++, pre + j++);
            } else if (i < m && (j == n || LCS(i + 1, j) >= LCS(i, j + 1))) {
                push_op(&ops, &nops, &capops, '-', pre + i++, pre + j);
            } else {
                push_op(&ops, &nops, &capops, '+', pre + i, pre + j++);
            }
        }
#undef LCS
        free(lcs);
    } else {
        for (size_t i = 0; i < m; i++)
            push_op(&ops, &nops, &capops, '-', pre + i, pre);
        for (size_t j = 0; j < n; j++)
            push_op(&ops, &nops, &capops, '+', pre + m, pre + j);
    }
    for (size_t i = 0; i < suf; i++)
        push_op(&ops, &nops, &capops, ' ', la.n - suf + i, lb.n - suf + i);

    sb_printf(out, "--- %s\n+++ %s\n", old_name, new_name);
    for (size_t k = 0; k < nops;) {
        size_t start, end, last_change;
        size_t a0, b0, ac = 0, bc = 0;

        while (k < nops && ops[k].kind == ' ')
            k++;
        if (k == nops)
            break;
        start = k >= CONTEXT ? k - CONTEXT : 0;
        /* Extend the hunk while changes are at most 2*CONTEXT lines apart. */
        last_change = k;
        end = k;
        while (end < nops) {
            if (ops[end].kind != ' ')
                last_change = end;
            else if (end - last_change > 2 * CONTEXT)
                break;
            end++;
        }
        end = last_change + CONTEXT + 1 < nops ? last_change + CONTEXT + 1 : nops;
        a0 = ops[start].ai;
        b0 = ops[start].bi;
        for (size_t x = start; x < end; x++) {
            if (ops[x].kind != '+')
                ac++;
            if (ops[x].kind != '-')
                bc++;
        }
        sb_printf(out, "@@ -%zu,%zu +%zu,%zu @@\n", ac ? a0 + 1 : a0, ac, bc ? b0 + 1 : b0, bc);
        for (size_t x = start; x < end; x++) {
            if (ops[x].kind == '+')
                emit_line(out, '+', &lb.v[ops[x].bi]);
            else
                emit_line(out, ops[x].kind, &la.v[ops[x].ai]);
        }
        k = end;
    }
    free(ops);
    free(la.v);
    free(lb.v);
}
