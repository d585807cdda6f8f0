/*
 * batch.c - explain many sentences over a pool of threads. The sentences are
 * ordered by length (longest first, ties in input order) and cut into chunks of
 * BATCH_CHUNK; a thread takes the next chunk and explains it as one batch of the
 * fast path (explain_fast: the sentences of a chunk advance together, step by
 * step). Each thread owns its workspace and writes only the results of its
 * chunks, so no locks are needed, and a sentence's result does not depend on its
 * chunk's other sentences: the output is the same bits whatever the thread count,
 * and the same as one lrp_explain call per sentence.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common.h"
#include "explain_internal.h"

typedef struct batch_job {
    const lrp_model *model;
    const lrp_sentence *sentences;
    const lrp_options *options;
    lrp_result *out;
    const size_t *order;    /* [n] sentence indexes, longest first */
    size_t n;
    atomic_size_t next;     /* next position in order to take */
    atomic_int failed;      /* a thread could not allocate its workspace */
} batch_job;

enum { BATCH_CHUNK = 32 };

static void *batch_worker(void *arg)
{
    batch_job *job = arg;
    explain_work w;
    explain_work_init(&w);
    lrp_sentence chunk[BATCH_CHUNK];
    lrp_result *res[BATCH_CHUNK];
    for (;;) {
        size_t begin = atomic_fetch_add(&job->next, BATCH_CHUNK);
        if (begin >= job->n) break;
        size_t m = job->n - begin < BATCH_CHUNK ? job->n - begin : BATCH_CHUNK;
        for (size_t i = 0; i < m; i++) {
            chunk[i] = job->sentences[job->order[begin + i]];
            res[i] = &job->out[job->order[begin + i]];
        }
        if (explain_fast(job->model, &w, m, chunk, job->options, res, NULL) != LRP_OK) {
            atomic_store(&job->failed, 1);
            atomic_store(&job->next, job->n);
            break;
        }
    }
    explain_work_free(&w);
    return NULL;
}

typedef struct length_index {
    size_t length, index;
} length_index;

/* Longest first; equal lengths in input order (a total order: the same for every run). */
static int by_length(const void *a, const void *b)
{
    const length_index *x = a, *y = b;
    if (x->length != y->length) return x->length > y->length ? -1 : 1;
    return x->index < y->index ? -1 : x->index > y->index;
}
int lrp_default_threads(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n < 1 ? 1 : (n > 256 ? 256 : (int)n);
}

lrp_status lrp_explain_batch(const lrp_model *m, const lrp_sentence *sentences, size_t n,
                             const lrp_options *o, int threads, lrp_result *out, lrp_error *err)
{
    if (!m || (n && (!sentences || !out)))
        return lrp_fail(err, LRP_ERR_ARGUMENT, "model, sentences and out must not be NULL");
    if (threads < 0) return lrp_fail(err, LRP_ERR_ARGUMENT, "threads must be >= 0, got %d", threads);
    for (size_t i = 0; i < n; i++) memset(&out[i], 0, sizeof out[i]);
    lrp_status st = explain_check_options(m, o, err);
    if (st != LRP_OK) return st;
    /* every sentence is checked before any work starts, so the error is the first bad one */
    for (size_t i = 0; i < n; i++) {
        lrp_error e;
        if (explain_check_sentence(m, &sentences[i], &e) != LRP_OK)
            return lrp_fail(err, e.status, "sentence %zu: %s", i, e.message);
    }
    for (size_t i = 0; i < n && st == LRP_OK; i++)
        st = explain_result_alloc(m, o, sentences[i].length, &out[i], err);

    length_index *li = st == LRP_OK ? malloc((n ? n : 1) * sizeof *li) : NULL;
    size_t *order = li ? malloc((n ? n : 1) * sizeof *order) : NULL;
    if (st == LRP_OK && !order)
        st = lrp_fail(err, LRP_ERR_NOMEM, "out of memory ordering %zu sentences", n);
    if (st == LRP_OK) {
        for (size_t i = 0; i < n; i++) li[i] = (length_index){sentences[i].length, i};
        qsort(li, n, sizeof *li, by_length);
        for (size_t i = 0; i < n; i++) order[i] = li[i].index;
    }
    free(li);

    batch_job job = {.model = m, .sentences = sentences, .options = o, .out = out, .order = order, .n = n};
    atomic_init(&job.next, 0);
    atomic_init(&job.failed, 0);
    if (st == LRP_OK) {
        size_t nt = threads == 0 ? (size_t)lrp_default_threads() : (size_t)threads;
        if (nt > (n + BATCH_CHUNK - 1) / BATCH_CHUNK) nt = (n + BATCH_CHUNK - 1) / BATCH_CHUNK;
        pthread_t tid[256];
        if (nt > 256) nt = 256;
        size_t started = 0;
        for (size_t t = 1; t < nt; t++, started++)
            if (pthread_create(&tid[t], NULL, batch_worker, &job) != 0) break;
        batch_worker(&job); /* the calling thread works too */
        for (size_t t = 1; t <= started; t++) pthread_join(tid[t], NULL);
        if (atomic_load(&job.failed))
            st = lrp_fail(err, LRP_ERR_NOMEM, "out of memory for a thread's workspace");
    }
    free(order);
    if (st != LRP_OK)
        for (size_t i = 0; i < n; i++) lrp_result_free(&out[i]);
    return st;
}
