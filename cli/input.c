/*
 * input.c - sentences for `lrp explain` and `lrp predict`, read and checked one
 * chunk of lines at a time (input.h).
 */
#include "input.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

int input_parse_format(const char *name)
{
    if (strcmp(name, "text") == 0) return INPUT_TEXT;
    if (strcmp(name, "tsv") == 0) return INPUT_TSV;
    if (strcmp(name, "ptb") == 0) return INPUT_PTB;
    return -1;
}

int input_option(int c, const char *value, input_options *o)
{
    switch (c) {
    case INPUT_O_PRETOKENIZED: o->pretokenized = 1; return 1;
    case INPUT_O_FORMAT: {
        int f = input_parse_format(value);
        if (f < 0) cli_usage("--input: unknown input format '%s' (text, tsv, ptb)", value);
        o->format = (input_format)f;
        return 1;
    }
    case INPUT_O_THREADS: o->threads = (int)cli_parse_long("--threads", value, 0, 1024); return 1;
    default: return 0;
    }
}

void input_open(input_reader *r, const lrp_model *model, input_format format, int pretokenized,
                char **args, size_t n_args, int fd)
{
    memset(r, 0, sizeof *r);
    r->model = model;
    r->format = format;
    r->pretokenized = pretokenized;
    r->args = n_args ? args : NULL;
    r->n_args = n_args;
    r->fd = fd;

    lrp_model_info info;
    lrp_model_get_info(model, &info);
    r->labels = malloc(info.classes * sizeof *r->labels);
    if (!r->labels) cli_die(EXIT_BAD_INPUT, "out of memory");
    for (size_t c = 0; c < info.classes; c++) r->labels[c] = lrp_model_label(model, c);
    r->ds.format = format == INPUT_PTB ? DS_PTB : DS_TSV;
    r->ds.lowercase = info.lowercase;
    r->ds.pretokenized = pretokenized;
    r->ds.labels = r->labels;
    r->ds.n_labels = info.classes;
}

void input_close(input_reader *r)
{
    free(r->buf);
    free(r->labels);
    ds_parser_free(&r->parser);
    memset(r, 0, sizeof *r);
}

const char *input_unit(const input_reader *r) { return r->args ? "argument" : "line"; }

void input_item_clear(input_item *it)
{
    lrp_tokens_free(&it->tokens_);
    if (it->from_dataset_) ds_sentence_free(&it->tree_);
    free(it->ids);
    free(it->unknown);
    free(it->message);
    memset(it, 0, sizeof *it);
}

void input_item_fail(input_item *it, const char *message)
{
    it->ok = 0;
    free(it->message);
    it->message = strdup(message);
    if (!it->message) cli_die(EXIT_BAD_INPUT, "out of memory");
}

// ----------------------------------------------------------------------------
// one line

static int bad(input_item *it, const char *message)
{
    input_item_fail(it, message);
    return 0;
}

/* Parse `text` (len bytes, no newline) into it: words, then ids and unknown marks. */
static int parse_item(input_reader *r, const char *text, size_t len, input_item *it)
{
    lrp_error err;
    lrp_model_info info;
    lrp_model_get_info(r->model, &info);
    it->label = -1;

    if (memchr(text, '\0', len)) return bad(it, "the line contains a NUL byte");
    size_t blank = 0;
    while (blank < len && (text[blank] == ' ' || text[blank] == '\t')) blank++;
    if (blank == len) return bad(it, "empty sentence: nothing to explain");

    if (r->format == INPUT_TEXT) {
        lrp_status st = r->pretokenized ? lrp_split_tokens(text, len, info.lowercase, &it->tokens_, &err)
                                        : lrp_tokenize(text, len, info.lowercase, &it->tokens_, &err);
        if (st != LRP_OK) return bad(it, err.message);
        it->T = it->tokens_.count;
        it->words = it->tokens_.tokens;
    } else {
        if (ds_parser_parse(&r->parser, text, len, &r->ds, &it->tree_, &err) != LRP_OK)
            return bad(it, err.message);
        it->from_dataset_ = 1;
        it->T = it->tree_.length;
        it->words = it->tree_.words;
        it->label = it->tree_.label;
    }
    if (it->T == 0) return bad(it, "no words: nothing to explain");
    if (it->T > LRP_MAX_LENGTH) {
        char msg[128];
        snprintf(msg, sizeof msg, "sentence of %zu words is too long: at most %d words per sentence",
                 it->T, LRP_MAX_LENGTH);
        return bad(it, msg);
    }

    it->ids = malloc(it->T * sizeof *it->ids);
    it->unknown = malloc(it->T);
    if (!it->ids || !it->unknown) cli_die(EXIT_BAD_INPUT, "out of memory");
    lrp_tokens view = {it->T, it->words};
    if (lrp_encode(r->model, &view, it->ids, it->unknown, &err) != LRP_OK) return bad(it, err.message);
    it->ok = 1;
    return 1;
}

// ----------------------------------------------------------------------------
// lines from a file descriptor

/* Make room for more bytes: drop the used ones, grow when the buffer is full of one line. */
static void make_room(input_reader *r)
{
    if (r->begin > 0) {
        memmove(r->buf, r->buf + r->begin, r->end - r->begin);
        r->end -= r->begin;
        r->begin = 0;
    }
    if (r->end == r->cap) {
        size_t cap = r->cap ? 2 * r->cap : 1 << 16;
        char *bigger = cap > r->cap ? realloc(r->buf, cap) : NULL;
        if (!bigger) cli_die(EXIT_BAD_INPUT, "out of memory for a line of %zu bytes", r->cap);
        r->buf = bigger;
        r->cap = cap;
    }
}

/* The next line (without its newline) in *text, *len; 0 at the end of the input. The
 * text stays valid until the next call. */
static int next_line(input_reader *r, const char **text, size_t *len)
{
    size_t scanned = r->begin;
    for (;;) {
        char *nl = r->end > scanned ? memchr(r->buf + scanned, '\n', r->end - scanned) : NULL;
        if (nl) {
            *text = r->buf + r->begin;
            *len = (size_t)(nl - *text);
            r->begin += *len + 1;
            return 1;
        }
        if (r->eof) {
            /* a last line without a newline */
            if (r->begin == r->end) return 0;
            *text = r->buf + r->begin;
            *len = r->end - r->begin;
            r->begin = r->end;
            return 1;
        }
        scanned = r->end;
        size_t offset = r->begin;
        make_room(r);
        scanned -= offset;
        ssize_t got = read(r->fd, r->buf + r->end, r->cap - r->end);
        if (got < 0 && errno == EINTR) continue;
        if (got < 0) cli_die(EXIT_BAD_INPUT, "reading standard input: %s", strerror(errno));
        if (got == 0) r->eof = 1;
        r->end += (size_t)got;
    }
}

/* Is more input waiting (buffered, or readable now without blocking, or the end)? */
static int input_waiting(const input_reader *r)
{
    if (r->begin < r->end || r->eof) return 1;
    struct pollfd p = {.fd = r->fd, .events = POLLIN};
    return poll(&p, 1, 0) > 0;
}

// ----------------------------------------------------------------------------
// chunks

size_t input_read(input_reader *r, input_item *items, size_t cap)
{
    size_t n = 0;
    while (n < cap) {
        const char *text;
        size_t len, number;
        if (r->args) {
            if (r->next_arg == r->n_args) break;
            text = r->args[r->next_arg++];
            len = strlen(text);
            number = r->next_arg;
        } else {
            /* hand a slow producer's lines over now rather than wait for a full chunk,
             * and enough lines to keep the threads busy when they wait for them */
            if (n > 0 && !input_waiting(r)) break;
            if (n >= INPUT_CHUNK_HURRY && r->hurry && atomic_load(r->hurry)) break;
            if (!next_line(r, &text, &len)) break;
            /* a carriage return before the newline (files from Windows) */
            if (len && text[len - 1] == '\r') len--;
            number = ++r->line;
        }
        input_item *it = &items[n++];
        memset(it, 0, sizeof *it);
        it->line = number;
        parse_item(r, text, len, it);
    }
    return n;
}
