/*
 * dataset.c - labelled sentences from treebank (ptb) or LABEL<TAB>sentence (tsv)
 * files (dataset.h).
 *
 * Sizes: T words of a sentence, S spans (nodes) of its tree.
 *
 * The tree parser is iterative (an explicit stack on the heap), so any nesting
 * depth a line can hold is read without recursion. Every line is checked as
 * text first (text.h: UTF-8, NUL, control characters), so a bad byte is named
 * by its column whatever the format. A parsed sentence lives in one block:
 *   words (T pointers) | spans (S) | word_labels (T) | the words' bytes
 * taken from malloc (ds_parse_line, released by ds_sentence_free) or from the
 * corpus arena (ds_read, released by ds_free).
 */
#include "app/dataset.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

#include "core/common.h"
#include "text/text.h"

// ----------------------------------------------------------------------------
// arena: large blocks, freed all at once

typedef struct arena_block {
    struct arena_block *next;
    size_t used, cap;
    _Alignas(max_align_t) unsigned char data[];
} arena_block;

typedef struct arena {
    arena_block *head;
} arena;

enum { ARENA_BLOCK = 1 << 20 };

static void *arena_alloc(arena *a, size_t size)
{
    size = (size + 15) & ~(size_t)15;
    if (size == 0) return NULL;
    if (!a->head || a->head->cap - a->head->used < size) {
        size_t cap = size > ARENA_BLOCK ? size : ARENA_BLOCK, bytes;
        if (!lrp_add_size(sizeof(arena_block), cap, &bytes)) return NULL;
        arena_block *b = malloc(bytes);
        if (!b) return NULL;
        b->next = a->head;
        b->used = 0;
        b->cap = cap;
        a->head = b;
    }
    void *p = a->head->data + a->head->used;
    a->head->used += size;
    return p;
}

static void arena_free(arena *a)
{
    while (a && a->head) {
        arena_block *next = a->head->next;
        free(a->head);
        a->head = next;
    }
}

// ----------------------------------------------------------------------------
// a sentence under construction; its buffers are reused from line to line

typedef struct builder {
    char *chars;          /* [n_chars] the words, each NUL-terminated */
    size_t n_chars, cap_chars;
    size_t *word_at;      /* [T] offset of each word in chars */
    int *word_labels;     /* [T] */
    size_t T, cap_words, cap_labels;
    size_t dropped;       /* words after the first LRP_MAX_LENGTH: counted, not kept */
    ds_span *spans;       /* [S] */
    size_t S, cap_spans;
    size_t *open;         /* [depth] indexes into spans of the nodes not closed yet */
    size_t depth, cap_open;
} builder;

static void builder_free(builder *b)
{
    free(b->chars);
    free(b->word_at);
    free(b->word_labels);
    free(b->spans);
    free(b->open);
    memset(b, 0, sizeof *b);
}

/* Make room for `need` elements of `size` bytes in *buf (capacity *cap). */
static int reserve(void **buf, size_t *cap, size_t need, size_t size)
{
    if (need <= *cap) return 1;
    size_t c = *cap ? *cap : 16, bytes;
    while (c < need) {
        if (c > SIZE_MAX / 2) return 0;
        c *= 2;
    }
    if (!lrp_mul_size(c, size, &bytes)) return 0;
    void *p = realloc(*buf, bytes);
    if (!p) return 0;
    *buf = p;
    *cap = c;
    return 1;
}

/* Append a word (lowercased if asked) with its leaf label. */
static int add_word(builder *b, const char *w, size_t len, int label, int lowercase)
{
    if (b->T >= LRP_MAX_LENGTH) { /* too long already: the line fails once counted */
        b->dropped++;
        return 1;
    }
    size_t need;
    if (!lrp_add_size(b->n_chars, len + 1, &need) ||
        !reserve((void **)&b->chars, &b->cap_chars, need, 1) ||
        !reserve((void **)&b->word_at, &b->cap_words, b->T + 1, sizeof *b->word_at) ||
        !reserve((void **)&b->word_labels, &b->cap_labels, b->T + 1, sizeof *b->word_labels))
        return 0;
    memcpy(b->chars + b->n_chars, w, len);
    b->chars[b->n_chars + len] = '\0';
    if (lowercase) text_lowercase(b->chars + b->n_chars, len);
    b->word_at[b->T] = b->n_chars;
    b->word_labels[b->T] = label;
    b->n_chars = need;
    b->T++;
    return 1;
}

// ----------------------------------------------------------------------------
// errors: "column N: ..." (1-based byte column); ds_read puts "path:line: " in front

static lrp_status fail_at(lrp_error *err, size_t offset, const char *fmt, ...) LRP_PRINTF(3, 4);

static lrp_status fail_at(lrp_error *err, size_t offset, const char *fmt, ...)
{
    if (!err) return LRP_ERR_INPUT;
    char msg[sizeof err->message];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return lrp_fail(err, LRP_ERR_INPUT, "column %zu: %s", offset + 1, msg);
}

/* What stands at s[i], for messages: the character, or "end of line". */
static const char *found(const char *s, size_t len, size_t i, char buf[16])
{
    if (i >= len) return "the end of the line";
    unsigned char c = (unsigned char)s[i];
    if (c >= 0x80) return "a non-ASCII character";
    snprintf(buf, 16, "'%c'", c);
    return buf;
}

static size_t skip_space(const char *s, size_t len, size_t i)
{
    while (i < len && text_is_space((unsigned char)s[i])) i++;
    return i;
}

static void range_text(const ds_options *o, char *buf, size_t n)
{
    if (o->n_labels) snprintf(buf, n, "0..%zu", o->n_labels - 1);
    else snprintf(buf, n, "a number >= 0");
}

// ----------------------------------------------------------------------------
// ptb: (3 (2 it) (4 (4 (2 's) (4 good)) (2 .)))

/* A node label at s[*i]: decimal digits, < n_labels when n_labels > 0. */
static lrp_status parse_label(const char *s, size_t len, size_t *i, const ds_options *o, int *label,
                              lrp_error *err)
{
    char range[48], ch[16]; /* for messages only: written on the error paths */
    size_t p = *i;
    while (p < len && s[p] >= '0' && s[p] <= '9') p++;
    if (p == *i) {
        range_text(o, range, sizeof range);
        return fail_at(err, p, "expected a label (%s) after '(', found %s", range, found(s, len, p, ch));
    }
    long long v = 0;
    for (size_t k = *i; k < p && v <= INT32_MAX; k++) v = v * 10 + (s[k] - '0');
    if (v > INT32_MAX || (o->n_labels && (unsigned long long)v >= o->n_labels)) {
        range_text(o, range, sizeof range);
        return fail_at(err, *i, "label %.*s%s out of range (expected %s)", (int)(p - *i > 40 ? 40 : p - *i),
                       s + *i, p - *i > 40 ? "..." : "", range);
    }
    if (p < len && s[p] != '(' && s[p] != ')' && !text_is_space((unsigned char)s[p]))
        return fail_at(err, p, "expected a space after the label %lld, found %s", v, found(s, len, p, ch));
    *i = p;
    *label = (int)v;
    return LRP_OK;
}

static lrp_status nomem(lrp_error *err)
{
    return lrp_fail(err, LRP_ERR_NOMEM, "out of memory while reading a sentence");
}

static lrp_status parse_tree(const char *s, size_t len, size_t i, const ds_options *o, builder *b,
                             int *root_label, lrp_error *err)
{
    char ch[16];
    if (s[i] != '(') return fail_at(err, i, "expected '(' to open a tree, found %s", found(s, len, i, ch));
    for (;;) {
        /* at '(': a node opens */
        size_t open_at = i++;
        int label = 0;
        lrp_status st = parse_label(s, len, &i, o, &label, err);
        if (st != LRP_OK) return st;
        if (b->T > UINT32_MAX - 1)
            return fail_at(err, open_at, "more than %u words in one tree", (unsigned)UINT32_MAX - 1);
        if (!reserve((void **)&b->spans, &b->cap_spans, b->S + 1, sizeof *b->spans) ||
            !reserve((void **)&b->open, &b->cap_open, b->depth + 1, sizeof *b->open))
            return nomem(err);
        b->spans[b->S] = (ds_span){(uint32_t)b->T, 0, label};
        b->open[b->depth++] = b->S++;
        i = skip_space(s, len, i);
        if (i < len && s[i] == '(') continue; /* first child */
        if (i >= len || s[i] == ')')
            return fail_at(err, i, "expected a word or '(' after the label %d, found %s", label,
                           found(s, len, i, ch));
        /* a leaf: (label word) */
        size_t w = i;
        while (i < len && s[i] != '(' && s[i] != ')' && !text_is_space((unsigned char)s[i])) i++;
        size_t w_len = i - w;
        if (!add_word(b, s + w, w_len, label, o->lowercase)) return nomem(err);
        i = skip_space(s, len, i);
        if (i >= len || s[i] != ')')
            return fail_at(err, i, "expected ')' after the word \"%.*s\", found %s",
                           (int)(w_len > 40 ? 40 : w_len), s + w, found(s, len, i, ch));
        /* close nodes until another child opens */
        for (;;) {
            i++; /* the ')' */
            b->spans[b->open[--b->depth]].end = (uint32_t)b->T;
            i = skip_space(s, len, i);
            if (b->depth == 0) {
                if (i < len)
                    return fail_at(err, i, "unexpected %s after the end of the tree",
                                   found(s, len, i, ch));
                *root_label = b->spans[0].label;
                return LRP_OK;
            }
            if (i < len && s[i] == ')') continue;
            if (i < len && s[i] == '(') break;
            if (i >= len)
                return fail_at(err, i, "unbalanced parentheses: %zu node%s still open (expected ')')",
                               b->depth, b->depth == 1 ? "" : "s");
            return fail_at(err, i, "expected '(' or ')', found %s (a node holds either one word or "
                           "subtrees)", found(s, len, i, ch));
        }
    }
}

// ----------------------------------------------------------------------------
// tsv: LABEL<TAB>sentence

static lrp_status tsv_label(const char *s, size_t a, size_t e, const ds_options *o, int *label,
                            lrp_error *err)
{
    while (a < e && text_is_space((unsigned char)s[a])) a++;
    while (e > a && text_is_space((unsigned char)s[e - 1])) e--;
    char range[48];
    range_text(o, range, sizeof range);
    if (a == e) return fail_at(err, a, "expected a label (%s or a label name) before the tab", range);
    /* a label name first, as lrp_model_label_index reads --target: a model may name a
     * class "1" */
    for (size_t c = 0; o->labels && c < o->n_labels; c++)
        if (o->labels[c] && strlen(o->labels[c]) == e - a && memcmp(o->labels[c], s + a, e - a) == 0) {
            *label = (int)c;
            return LRP_OK;
        }
    size_t p = a;
    long long v = 0;
    while (p < e && s[p] >= '0' && s[p] <= '9') {
        if (v <= INT32_MAX) v = v * 10 + (s[p] - '0');
        p++;
    }
    if (p == e) {
        if (v > INT32_MAX || (o->n_labels && (unsigned long long)v >= o->n_labels))
            return fail_at(err, a, "label %.*s%s out of range (expected %s)", (int)(e - a > 40 ? 40 : e - a),
                           s + a, e - a > 40 ? "..." : "", range);
        *label = (int)v;
        return LRP_OK;
    }
    char names[200] = "";
    size_t k = 0;
    for (size_t c = 0; o->labels && c < o->n_labels && k < sizeof names; c++)
        k += (size_t)snprintf(names + k, sizeof names - k, "%s\"%s\"", c ? ", " : "", o->labels[c]);
    return fail_at(err, a, "unknown label \"%.*s\" (expected %s%s%s)", (int)(e - a > 40 ? 40 : e - a),
                   s + a, range, k ? " or one of " : "", names);
}

static lrp_status parse_tsv(const char *s, size_t len, const ds_options *o, builder *b, int *label,
                            lrp_error *err)
{
    const char *tab = memchr(s, '\t', len);
    if (!tab) return fail_at(err, 0, "expected LABEL<TAB>sentence or a tree, found no tab");
    size_t t = (size_t)(tab - s);
    lrp_status st = tsv_label(s, 0, t, o, label, err);
    if (st != LRP_OK) return st;
    lrp_tokens toks;
    lrp_error terr;
    size_t total;
    st = text_tokenize_max(s + t + 1, len - t - 1, o->lowercase, o->pretokenized, LRP_MAX_LENGTH, &toks, &total,
                           &terr);
    if (st != LRP_OK) return lrp_fail(err, st, "column %zu: %s", t + 2, terr.message);
    b->dropped += total - toks.count;
    if (toks.count == 0) {
        lrp_tokens_free(&toks);
        return fail_at(err, t + 1, "empty sentence after the label");
    }
    for (size_t w = 0; w < toks.count; w++)
        if (!add_word(b, toks.tokens[w], strlen(toks.tokens[w]), *label, 0)) {
            lrp_tokens_free(&toks);
            return nomem(err);
        }
    lrp_tokens_free(&toks);
    return LRP_OK;
}

// ----------------------------------------------------------------------------
// one line

/* Copy the built sentence into one block (from the arena, or malloc when it is NULL). */
static lrp_status finish(const builder *b, int label, int ptb, arena *a, ds_sentence *out,
                         lrp_error *err)
{
    size_t T = b->T, S = ptb ? b->S : 0, L = ptb ? T : 0;
    size_t at_spans = T * sizeof(char *);
    size_t at_labels = at_spans + S * sizeof(ds_span);
    size_t at_chars = at_labels + L * sizeof(int), total;
    if (!lrp_add_size(at_chars, b->n_chars, &total)) return nomem(err);
    unsigned char *block = a ? arena_alloc(a, total) : malloc(total);
    if (!block) return nomem(err);
    char **words = (char **)(void *)block;
    char *chars = (char *)block + at_chars;
    memcpy(chars, b->chars, b->n_chars);
    for (size_t w = 0; w < T; w++) words[w] = chars + b->word_at[w];
    out->length = T;
    out->words = words;
    out->label = label;
    out->word_labels = ptb ? (int *)(void *)(block + at_labels) : NULL;
    if (ptb) memcpy(out->word_labels, b->word_labels, T * sizeof(int));
    out->n_spans = S;
    out->spans = ptb ? (ds_span *)(void *)(block + at_spans) : NULL;
    if (ptb) memcpy(out->spans, b->spans, S * sizeof(ds_span));
    out->line = 0;
    return LRP_OK;
}

static lrp_status parse_line(const char *line, size_t len, const ds_options *o, builder *b, arena *a,
                             ds_sentence *out, lrp_error *err)
{
    memset(out, 0, sizeof *out);
    if (!line && len) return lrp_fail(err, LRP_ERR_ARGUMENT, "ds_parse_line: line is NULL");
    if (!o) return lrp_fail(err, LRP_ERR_ARGUMENT, "ds_parse_line: options are NULL");
    size_t at;
    char what[160];
    if (!text_check(line, len, &at, what, sizeof what)) return fail_at(err, at, "%s", what);
    size_t i = skip_space(line, len, 0);
    if (i == len) return lrp_fail(err, LRP_ERR_INPUT, "empty line (expected a sentence)");
    int ptb = o->format == DS_PTB || (o->format == DS_AUTO && line[i] == '(');
    b->n_chars = b->T = b->S = b->depth = b->dropped = 0;
    int label = 0;
    lrp_status st = ptb ? parse_tree(line, len, i, o, b, &label, err)
                        : parse_tsv(line, len, o, b, &label, err);
    if (st != LRP_OK) return st;
    if (b->dropped)
        return lrp_fail(err, LRP_ERR_INPUT, "%zu words, more than the %d a sentence may have", b->T + b->dropped,
                        LRP_MAX_LENGTH);
    return finish(b, label, ptb, a, out, err);
}

lrp_status ds_parse_line(const char *line, size_t len, const ds_options *o, ds_sentence *out,
                         lrp_error *err)
{
    if (!out) return lrp_fail(err, LRP_ERR_ARGUMENT, "ds_parse_line: out is NULL");
    builder b = {0};
    lrp_status st = parse_line(line, len, o, &b, NULL, out, err);
    builder_free(&b);
    if (st == LRP_OK) lrp_error_clear(err);
    return st;
}

lrp_status ds_parser_parse(ds_parser *p, const char *line, size_t len, const ds_options *o,
                           ds_sentence *out, lrp_error *err)
{
    if (!out) return lrp_fail(err, LRP_ERR_ARGUMENT, "ds_parser_parse: out is NULL");
    if (!p->builder_ && !(p->builder_ = calloc(1, sizeof(builder)))) {
        memset(out, 0, sizeof *out);
        return nomem(err);
    }
    lrp_status st = parse_line(line, len, o, p->builder_, NULL, out, err);
    if (st == LRP_OK) lrp_error_clear(err);
    return st;
}

void ds_parser_free(ds_parser *p)
{
    if (!p || !p->builder_) return;
    builder_free(p->builder_);
    free(p->builder_);
    p->builder_ = NULL;
}

void ds_sentence_free(ds_sentence *s)
{
    if (!s) return;
    free(s->words); /* the start of the sentence's one block */
    memset(s, 0, sizeof *s);
}

// ----------------------------------------------------------------------------
// files

// ----------------------------------------------------------------------------
// lines

enum { READ_PART = 1 << 16 };

void ds_lines_open(ds_lines *r, int fd, size_t max)
{
    memset(r, 0, sizeof *r);
    r->fd = fd;
    r->max = max;
}

void ds_lines_close(ds_lines *r)
{
    free(r->buf);
    memset(r, 0, sizeof *r);
}

/* Read more bytes after buf[end): first drop the returned ones, grow when the buffer is
 * full of one line (up to max + 1 bytes of it and a part). 1, or 0 on an error. */
static int read_more(ds_lines *r)
{
    if (r->begin > 0) {
        memmove(r->buf, r->buf + r->begin, r->end - r->begin);
        r->end -= r->begin;
        r->begin = 0;
    }
    if (r->cap - r->end < READ_PART / 2) {
        size_t cap = r->cap ? 2 * r->cap : READ_PART;
        if (cap > r->max + 1 + READ_PART) cap = r->max + 1 + READ_PART;
        if (cap < r->end + READ_PART / 2) cap = r->end + READ_PART;
        char *bigger = realloc(r->buf, cap);
        if (!bigger) {
            errno = ENOMEM;
            return 0;
        }
        r->buf = bigger;
        r->cap = cap;
    }
    for (;;) {
        ssize_t got = read(r->fd, r->buf + r->end, r->cap - r->end);
        if (got < 0 && errno == EINTR) continue;
        if (got < 0) return 0;
        if (got == 0) r->eof = 1;
        r->end += (size_t)got;
        return 1;
    }
}

int ds_lines_next(ds_lines *r, const char **text, size_t *len)
{
    while (r->skipping) { /* the rest of a line that was too long */
        char *nl = memchr(r->buf + r->begin, '\n', r->end - r->begin);
        if (nl) {
            r->bytes += (size_t)(nl - (r->buf + r->begin)) + 1;
            r->begin = (size_t)(nl - r->buf) + 1;
            r->skipping = 0;
            break;
        }
        r->bytes += r->end - r->begin;
        r->begin = r->end = 0;
        if (r->eof) return DS_LINE_END;
        if (!read_more(r)) return DS_LINE_ERROR;
    }
    size_t scanned = r->begin;
    for (;;) {
        char *nl = r->end > scanned ? memchr(r->buf + scanned, '\n', r->end - scanned) : NULL;
        size_t n = nl ? (size_t)(nl - (r->buf + r->begin)) : r->end - r->begin;
        if (n > r->max) { /* too long, ended or not: what is buffered goes */
            r->number++;
            r->bytes += nl ? n + 1 : n;
            r->begin = nl ? (size_t)(nl - r->buf) + 1 : r->end;
            r->skipping = !nl;
            return DS_LINE_TOO_LONG;
        }
        if (nl || (r->eof && r->end > r->begin)) {
            *text = r->buf + r->begin;
            *len = n;
            r->begin += nl ? n + 1 : n;
            r->bytes += nl ? n + 1 : n;
            r->number++;
            return DS_LINE;
        }
        if (r->eof) return DS_LINE_END;
        scanned = r->end - r->begin; /* offsets after read_more moves the bytes down */
        if (!read_more(r)) return DS_LINE_ERROR;
    }
}

// ----------------------------------------------------------------------------
// files

static int is_blank(const char *s, size_t len)
{
    return skip_space(s, len, 0) == len;
}

lrp_status ds_read(const char *path, const ds_options *o, ds_corpus *out, lrp_error *err)
{
    if (!out) return lrp_fail(err, LRP_ERR_ARGUMENT, "ds_read: out is NULL");
    memset(out, 0, sizeof *out);
    if (!path || !o) return lrp_fail(err, LRP_ERR_ARGUMENT, "ds_read: NULL argument");
    int is_stdin = strcmp(path, "-") == 0;
    int fd = is_stdin ? STDIN_FILENO : open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return lrp_fail(err, LRP_ERR_IO, "%s: cannot open: %s", path, strerror(errno));
    const char *name = is_stdin ? "<stdin>" : path;

    arena *a = calloc(1, sizeof *a);
    builder b = {0};
    ds_lines lines;
    ds_lines_open(&lines, fd, DS_MAX_LINE);
    size_t cap_sent = 0;
    lrp_status st = a ? LRP_OK : nomem(err);
    while (st == LRP_OK) {
        const char *text;
        size_t len;
        int got = ds_lines_next(&lines, &text, &len);
        const size_t lineno = lines.number;
        if (got == DS_LINE_END) break;
        if (got == DS_LINE_ERROR) {
            st = errno == ENOMEM ? nomem(err) : lrp_fail(err, LRP_ERR_IO, "%s: read error: %s", name, strerror(errno));
            break;
        }
        if (got == DS_LINE_TOO_LONG) {
            st = lrp_fail(err, LRP_ERR_INPUT, "%s:%zu: the line is longer than the limit of %zu bytes", name, lineno,
                          DS_MAX_LINE);
            break;
        }
        if (lines.bytes > DS_MAX_FILE) {
            st = lrp_fail(err, LRP_ERR_INPUT, "%s: larger than the limit of %zu bytes of data", name, DS_MAX_FILE);
            break;
        }
        if (len && text[len - 1] == '\r') len--; /* CRLF */
        if (lineno == 1 && len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0) text += 3, len -= 3;
        if (is_blank(text, len)) continue;
        if (!reserve((void **)&out->sentences, &cap_sent, out->n + 1, sizeof *out->sentences)) {
            st = nomem(err);
            break;
        }
        lrp_error e;
        st = parse_line(text, len, o, &b, a, &out->sentences[out->n], &e);
        if (st != LRP_OK) {
            lrp_fail(err, st, "%s:%zu: %s", name, lineno, e.message);
            break;
        }
        out->sentences[out->n++].line = lineno;
    }
    ds_lines_close(&lines);
    builder_free(&b);
    if (!is_stdin) close(fd);
    out->arena_ = a;
    if (st != LRP_OK) {
        ds_free(out);
        return st;
    }
    lrp_error_clear(err);
    return LRP_OK;
}

void ds_free(ds_corpus *c)
{
    if (!c) return;
    arena_free(c->arena_);
    free(c->arena_);
    free(c->sentences);
    memset(c, 0, sizeof *c);
}
