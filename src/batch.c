/*
 * batch.c - explain many sentences over a pool of threads. Each thread owns its
 * workspace and writes only the results of the sentences it takes, so no locks are
 * needed and every result is computed exactly as one lrp_explain call would: the
 * output does not depend on the thread count or on which thread took a sentence.
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
    size_t n;
    atomic_size_t next;     /* next sentence to take */
    atomic_int failed;      /* a thread could not allocate its workspace */
} batch_job;

enum { BATCH_CHUNK = 16 };

static void *batch_worker(void *arg)
{
    batch_job *job = arg;
    explain_scratch sc;
    memset(&sc, 0, sizeof sc);
    for (;;) {
        size_t begin = atomic_fetch_add(&job->next, BATCH_CHUNK);
        if (begin >= job->n) break;
        size_t end = begin + BATCH_CHUNK < job->n ? begin + BATCH_CHUNK : job->n;
        for (size_t i = begin; i < end; i++) {
            const lrp_sentence *s = &job->sentences[i];
            if (explain_scratch_reserve(&sc, job->model, s->length, NULL) != LRP_OK) {
                atomic_store(&job->failed, 1);
                atomic_store(&job->next, job->n);
                break;
            }
            explain_one(job->model, s, job->options, &sc.ws, sc.dims, &job->out[i]);
        }
    }
    explain_scratch_free(&sc);
    return NULL;
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

    batch_job job = {.model = m, .sentences = sentences, .options = o, .out = out, .n = n};
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
    if (st != LRP_OK)
        for (size_t i = 0; i < n; i++) lrp_result_free(&out[i]);
    return st;
}
