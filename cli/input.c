/*
 * input.c - sentences for `lrp explain` and `lrp predict`, read and checked one
 * chunk of lines at a time (input.h).
 */
#include "input.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

int input_parse_format(const char *name)
{
    if (strcmp(name, "text") == 0) return INPUT_TEXT;
    if (strcmp(name, "tsv") == 0) return INPUT_TSV;
    if (strcmp(name, "ptb") == 0) return INPUT_PTB;
    return -1;
}

void input_open(input_reader *r, const lrp_model *model, input_format format, int pretokenized,
                char **args, size_t n_args, FILE *in)
{
    memset(r, 0, sizeof *r);
    r->model = model;
    r->format = format;
    r->pretokenized = pretokenized;
    r->args = n_args ? args : NULL;
    r->n_args = n_args;
    r->in = in;

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
    memset(r, 0, sizeof *r);
}

const char *input_unit(const input_reader *r) { return r->args ? "argument" : "line"; }

void input_item_clear(input_item *it)
{
    lrp_tokens_free(&it->tokens_);
    if (it->from_dataset_) ds_sentence_free(&it->tree_);
    free(it->ids);
    free(it->unknown);
    memset(it, 0, sizeof *it);
}

// ----------------------------------------------------------------------------
// one line

static int bad(input_item *it, const char *message)
{
    it->ok = 0;
    snprintf(it->message, sizeof it->message, "%s", message);
    return 0;
}

/* Parse `text` (len bytes, no newline) into it: words, then ids and unknown marks. */
static int parse_item(const input_reader *r, const char *text, size_t len, input_item *it)
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
        if (ds_parse_line(text, len, &r->ds, &it->tree_, &err) != LRP_OK) return bad(it, err.message);
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
            errno = 0;
            ssize_t got = getline(&r->buf, &r->cap, r->in);
            if (got < 0) {
                if (ferror(r->in)) cli_die(EXIT_BAD_INPUT, "reading standard input: %s", strerror(errno));
                break;
            }
            len = (size_t)got;
            /* the newline, and a carriage return before it (files from Windows) */
            if (len && r->buf[len - 1] == '\n') len--;
            if (len && r->buf[len - 1] == '\r') len--;
            text = r->buf;
            number = ++r->line;
        }
        input_item *it = &items[n++];
        memset(it, 0, sizeof *it);
        it->line = number;
        parse_item(r, text, len, it);
    }
    return n;
}
