/*
 * run.c - read, explain in parallel, write in input order, chunk by chunk (run.h);
 * the next chunk is read while the current one is explained.
 */
#include "run.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "app/render.h"

// ----------------------------------------------------------------------------
// one chunk

/* Explain the good items whose true label is `label` (any label when label < 0)
 * in one batch, with targets[] resolved for that label; results go to out[item]. A
 * sentence whose result is not finite (LRP_ERR_NUMERIC: the batch fails as a whole)
 * becomes a bad line: the group is then explained one sentence at a time. */
static void explain_group(const lrp_model *model, lrp_explainer *ex, input_item *items, size_t n,
                          const lrp_options *o, const int *targets, int label,
                          lrp_sentence *sentences, size_t *index, lrp_result *tmp, lrp_result *out)
{
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        if (!items[i].ok || (label >= 0 && items[i].label != label)) continue;
        sentences[m] = (lrp_sentence){items[i].ids, items[i].T, NULL};
        index[m++] = i;
    }
    if (m == 0) return;
    lrp_options group = *o;
    group.targets = targets;
    lrp_error err;
    lrp_status st = lrp_explainer_run(ex, sentences, m, &group, tmp, &err);
    if (st == LRP_ERR_NUMERIC) {
        for (size_t k = 0; k < m; k++) {
            st = lrp_explain(model, &sentences[k], &group, &tmp[k], &err);
            if (st == LRP_ERR_NUMERIC) input_item_fail(&items[index[k]], err.message);
            else if (st != LRP_OK) break;
        }
        if (st == LRP_ERR_NUMERIC) st = LRP_OK;
    }
    /* every sentence was checked when it was read, so only resources can fail here */
    if (st != LRP_OK) cli_die(cli_exit_code(st), "%s", err.message);
    for (size_t k = 0; k < m; k++)
        if (items[index[k]].ok) out[index[k]] = tmp[k];
}

/* A chunk's buffers, INPUT_CHUNK_MAX of each. */
typedef struct chunk_buffers {
    lrp_sentence *sentences;
    size_t *index;
    lrp_result *tmp, *results;
} chunk_buffers;

static void explain_chunk(const input_reader *r, lrp_explainer *ex, input_item *items, size_t n,
                          const lrp_options *o, const chunk_buffers *cb)
{
    lrp_sentence *sentences = cb->sentences;
    size_t *index = cb->index;
    lrp_result *tmp = cb->tmp, *out = cb->results;
    memset(out, 0, n * sizeof *out);

    int uses_true = 0;
    for (size_t k = 0; k < o->n_targets; k++) uses_true |= o->targets[k] == RUN_TARGET_TRUE;
    if (!uses_true) {
        explain_group(r->model, ex, items, n, o, o->targets, -1, sentences, index, tmp, out);
        return;
    }
    /* the true class differs from line to line: one batch per class, so that each
     * batch has one target list */
    lrp_model_info info;
    lrp_model_get_info(r->model, &info);
    int *targets = malloc(o->n_targets * sizeof *targets);
    if (!targets) cli_die(EXIT_BAD_INPUT, "out of memory");
    for (size_t i = 0; i < n; i++)
        if (items[i].ok && (items[i].label < 0 || (size_t)items[i].label >= info.classes))
            input_item_fail(&items[i], "--target true needs the line's true class, and it has none");
    for (size_t c = 0; c < info.classes; c++) {
        for (size_t k = 0; k < o->n_targets; k++)
            targets[k] = o->targets[k] == RUN_TARGET_TRUE ? (int)c : o->targets[k];
        explain_group(r->model, ex, items, n, o, targets, (int)c, sentences, index, tmp, out);
    }
    free(targets);
}

// ----------------------------------------------------------------------------
// the whole input

/* Reading and tokenizing overlap with explaining: a reader thread fills one chunk
 * while the previous one is explained and written (two slots, taken in turn). */
typedef struct run_slot {
    input_item *items; /* [INPUT_CHUNK] */
    size_t n;          /* items read; 0 = end of input */
    int full;          /* read, not yet written */
} run_slot;

typedef struct run_pipe {
    input_reader *r;
    run_slot slot[2];
    atomic_int hurry;  /* the explaining side waits for the slot being read */
    pthread_mutex_t mu;
    pthread_cond_t cv;
} run_pipe;

static void *reader_main(void *arg)
{
    run_pipe *p = arg;
    int first = 1;
    for (size_t k = 0;; k ^= 1) {
        run_slot *s = &p->slot[k];
        pthread_mutex_lock(&p->mu);
        while (s->full) pthread_cond_wait(&p->cv, &p->mu);
        pthread_mutex_unlock(&p->mu);
        /* a small first chunk, so that explaining starts early */
        size_t n = input_read(p->r, s->items, first ? INPUT_CHUNK : INPUT_CHUNK_MAX);
        first = 0;
        pthread_mutex_lock(&p->mu);
        s->n = n;
        s->full = 1;
        pthread_cond_broadcast(&p->cv);
        pthread_mutex_unlock(&p->mu);
        if (n == 0) return NULL;
    }
}

size_t run_all(input_reader *r, const lrp_options *o, int threads, run_writer writer, void *ctx)
{
    run_pipe p = {.r = r};
    chunk_buffers cb = {calloc(INPUT_CHUNK_MAX, sizeof *cb.sentences), calloc(INPUT_CHUNK_MAX, sizeof *cb.index),
                        calloc(INPUT_CHUNK_MAX, sizeof *cb.tmp), calloc(INPUT_CHUNK_MAX, sizeof *cb.results)};
    p.slot[0].items = calloc(INPUT_CHUNK_MAX, sizeof(input_item));
    p.slot[1].items = calloc(INPUT_CHUNK_MAX, sizeof(input_item));
    if (!cb.sentences || !cb.index || !cb.tmp || !cb.results || !p.slot[0].items || !p.slot[1].items)
        cli_die(EXIT_BAD_INPUT, "out of memory");
    lrp_result *results = cb.results;
    /* one explainer for the whole stream: the threads' workspaces are allocated once */
    lrp_explainer *ex;
    lrp_error err;
    if (lrp_explainer_new(&ex, r->model, threads, &err) != LRP_OK) cli_die(EXIT_BAD_INPUT, "%s", err.message);
    pthread_t reader;
    pthread_mutex_init(&p.mu, NULL);
    pthread_cond_init(&p.cv, NULL);
    atomic_init(&p.hurry, 0);
    r->hurry = &p.hurry;
    if (pthread_create(&reader, NULL, reader_main, &p) != 0) cli_die(EXIT_BAD_INPUT, "cannot start a thread");
    size_t bad = 0, chunks = 0;
    for (size_t k = 0;; k ^= 1) {
        run_slot *s = &p.slot[k];
        pthread_mutex_lock(&p.mu);
        /* after the first chunk (short already), the threads would idle: take a part */
        if (!s->full && chunks > 0) atomic_store(&p.hurry, 1);
        while (!s->full) pthread_cond_wait(&p.cv, &p.mu);
        atomic_store(&p.hurry, 0);
        pthread_mutex_unlock(&p.mu);
        const size_t n = s->n;
        if (n == 0) break;
        chunks++;
        input_item *items = s->items;
        explain_chunk(r, ex, items, n, o, &cb);
        for (size_t i = 0; i < n; i++) {
            if (!items[i].ok) {
                cli_error("%s %zu: %s", input_unit(r), items[i].line, items[i].message);
                bad++;
            }
            writer(ctx, r, &items[i], items[i].ok ? &results[i] : NULL);
            lrp_result_free(&results[i]);
            input_item_clear(&items[i]);
        }
        /* a reader downstream sees each chunk as soon as it is done */
        cli_flush_output();
        pthread_mutex_lock(&p.mu);
        s->full = 0;
        pthread_cond_broadcast(&p.cv);
        pthread_mutex_unlock(&p.mu);
    }
    pthread_join(reader, NULL);
    r->hurry = NULL;
    pthread_mutex_destroy(&p.mu);
    pthread_cond_destroy(&p.cv);
    lrp_explainer_free(ex);
    free(p.slot[0].items);
    free(p.slot[1].items);
    free(cb.sentences);
    free(cb.index);
    free(cb.tmp);
    free(cb.results);
    return bad;
}

// ----------------------------------------------------------------------------
// shared pieces of the output formats

void run_json_prediction(outbuf *o, const lrp_model *model, const input_item *it, const lrp_result *res)
{
    outbuf_puts(o, "\"line\":");
    outbuf_u64(o, it->line);
    outbuf_puts(o, ",\"tokens\":[");
    for (size_t t = 0; t < it->T; t++) {
        if (t) outbuf_putc(o, ',');
        render_json_string(o, it->words[t]);
    }
    outbuf_puts(o, "],\"unknown\":[");
    for (size_t t = 0; t < it->T; t++) {
        if (t) outbuf_putc(o, ',');
        outbuf_puts(o, it->unknown[t] ? "true" : "false");
    }
    outbuf_puts(o, "],\"scores\":");
    render_json_doubles(o, res->scores, res->classes);
    outbuf_puts(o, ",\"probabilities\":");
    render_json_doubles(o, res->probabilities, res->classes);
    outbuf_puts(o, ",\"predicted\":");
    outbuf_i64(o, res->predicted);
    outbuf_puts(o, ",\"label\":");
    render_json_string(o, lrp_model_label(model, (size_t)res->predicted));
    if (it->label >= 0) {
        outbuf_puts(o, ",\"true\":");
        outbuf_i64(o, it->label);
        outbuf_puts(o, ",\"true_label\":");
        render_json_string(o, lrp_model_label(model, (size_t)it->label));
    }
}

void run_json_error(outbuf *o, const input_item *it)
{
    outbuf_printf(o, "{\"line\":%zu,\"error\":", it->line);
    render_json_string(o, it->message);
    outbuf_puts(o, "}\n");
}

size_t run_text_width(const char *s) { return render_text_width(s); }

void run_tsv_field(outbuf *o, const char *s)
{
    for (; *s; s++) outbuf_putc(o, *s == '\t' || *s == '\n' || *s == '\r' ? ' ' : *s);
}
