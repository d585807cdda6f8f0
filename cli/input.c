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
#include "text/text.h"

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
    ds_lines_open(&r->lines, fd, DS_MAX_LINE);
    /* a person at a terminal would otherwise wait for an answer that waits for them */
    if (!n_args && isatty(fd))
        cli_note("reading sentences from standard input, one per line (end with Ctrl-D; or give them as "
                 "arguments)");

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
    ds_lines_close(&r->lines);
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
        /* the words after LRP_MAX_LENGTH are counted, not kept */
        size_t total;
        lrp_status st = text_tokenize_max(text, len, info.lowercase, r->pretokenized, LRP_MAX_LENGTH, &it->tokens_,
                                          &total, &err);
        if (st != LRP_OK) return bad(it, err.message);
        it->T = it->tokens_.count;
        it->words = it->tokens_.tokens;
        if (total > LRP_MAX_LENGTH) {
            char msg[128];
            snprintf(msg, sizeof msg, "sentence of %zu words is too long: at most %d words per sentence", total,
                     LRP_MAX_LENGTH);
            return bad(it, msg);
        }
    } else {
        if (ds_parser_parse(&r->parser, text, len, &r->ds, &it->tree_, &err) != LRP_OK)
            return bad(it, err.message);
        it->from_dataset_ = 1;
        it->T = it->tree_.length;
        it->words = it->tree_.words;
        it->label = it->tree_.label;
    }
    if (it->T == 0) return bad(it, "no words: nothing to explain");

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

/* Is more input waiting (buffered, or readable now without blocking, or the end)? */
static int input_waiting(const input_reader *r)
{
    const ds_lines *l = &r->lines;
    if (l->begin < l->end || l->eof) return 1;
    struct pollfd p = {.fd = l->fd, .events = POLLIN};
    return poll(&p, 1, 0) > 0;
}

// ----------------------------------------------------------------------------
// chunks

size_t input_read(input_reader *r, input_item *items, size_t cap)
{
    size_t n = 0, words = 0;
    /* a chunk also ends at INPUT_CHUNK_WORDS words, so that its memory is bounded
     * whatever the lines' lengths */
    while (n < cap && words < INPUT_CHUNK_WORDS) {
        const char *text;
        size_t len, number;
        int too_long = 0;
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
            int got = ds_lines_next(&r->lines, &text, &len);
            if (got == DS_LINE_END) break;
            if (got == DS_LINE_ERROR) cli_die(EXIT_BAD_INPUT, "reading standard input: %s", strerror(errno));
            too_long = got == DS_LINE_TOO_LONG;
            /* a carriage return before the newline (files from Windows) */
            if (!too_long && len && text[len - 1] == '\r') len--;
            number = r->lines.number;
        }
        input_item *it = &items[n++];
        memset(it, 0, sizeof *it);
        it->line = number;
        if (too_long) {
            /* reported now: the rest of the line may never come (/dev/zero) */
            char msg[128];
            snprintf(msg, sizeof msg, "the line is longer than the limit of %zu bytes: skipped", DS_MAX_LINE);
            input_item_fail(it, msg);
            break;
        }
        parse_item(r, text, len, it);
        words += it->T;
    }
    return n;
}
