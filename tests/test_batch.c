/*
 * test_batch.c - the fast path (fast/fast.h) against itself and the reference:
 *   - lrp_explain_batch gives BIT FOR BIT the results of one lrp_explain call per
 *     sentence, for 1, 2 and 7 threads, whatever the order of the sentences, in
 *     float64 and float32, on random models of several shapes (stacked,
 *     unidirectional, H not a multiple of the vector width, deleted words), on the
 *     golden models and on the shipped model (60 SST sentences); so does an
 *     lrp_explainer over several calls; lrp_predict gives the same scores bit for bit;
 *   - float64: the fast path equals the reference path (lstm.c, network.c) within
 *     1e-12 times max(1, the explanation's largest |R|) (golden values themselves,
 *     1e-12 absolute: test_golden);
 *   - float32: word relevances of LRP and LRP_cons within 1e-3 of float64,
 *     relative to the sentence's largest |R|, on the golden models and on the
 *     shipped model over the SST test set (skipped, saying so, without them);
 *   - the trainer's gradient (fast_backward with parameter gradients, fast_embedding_grad)
 *     against central finite differences of the scores, without and with the
 *     trainer's dropout masks (fast_forward_masked), which keep a sentence's bits the
 *     same alone and inside a batch and, all ones, change nothing; fast_backward_grouped
 *     gives each group the same gradient bits as its sentences alone.
 */
#include <pthread.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "app/dataset.h"
#include "core/explain_internal.h"
#include "fast/fast.h"
#include "testutil.h"

/* every method, the predicted class and every class, per-dimension values */
static void full_options(lrp_options *o, const lrp_model *m, int *targets, lrp_dtype precision)
{
    lrp_model_info info;
    lrp_model_get_info(m, &info);
    lrp_options_init(o);
    o->methods = LRP_METHODS_ALL;
    targets[0] = LRP_TARGET_PREDICTED;
    for (size_t c = 0; c < info.classes; c++) targets[1 + c] = (int)c;
    o->targets = targets;
    o->n_targets = 1 + info.classes;
    o->per_dimension = 1;
    o->precision = precision;
}

typedef struct sentence_set {
    size_t n;
    lrp_sentence *s;
    int32_t *ids;
    unsigned char *deleted;
} sentence_set;

/* n random sentences of 1..maxT words over V words, some with deleted words. */
static sentence_set random_sentences(size_t n, size_t maxT, size_t V, unsigned long long seed)
{
    sentence_set set = {n, calloc(n, sizeof(lrp_sentence)), calloc(n * maxT, sizeof(int32_t)),
                        calloc(n * maxT, 1)};
    for (size_t i = 0; i < n; i++) {
        size_t T = 1 + (size_t)(tu_uniform(&seed) * (double)maxT);
        if (T > maxT) T = maxT;
        int32_t *ids = set.ids + i * maxT;
        unsigned char *del = set.deleted + i * maxT;
        for (size_t t = 0; t < T; t++) {
            ids[t] = (int32_t)(tu_uniform(&seed) * (double)V);
            del[t] = i % 5 == 3 && tu_uniform(&seed) < 0.3;
        }
        set.s[i] = (lrp_sentence){ids, T, i % 5 == 3 ? del : NULL};
    }
    return set;
}

static void sentences_free(sentence_set *set)
{
    free(set->s);
    free(set->ids);
    free(set->deleted);
}

static void results_free(lrp_result *r, size_t n)
{
    for (size_t i = 0; i < n; i++) lrp_result_free(&r[i]);
    free(r);
}

// ----------------------------------------------------------------------------
// bit for bit: batch = one sentence at a time, any thread count, any order

static void check_identity(const char *tag, const lrp_model *m, const sentence_set *set,
                           lrp_dtype precision)
{
    lrp_model_info info;
    lrp_model_get_info(m, &info);
    int targets[64];
    lrp_options o;
    full_options(&o, m, targets, precision);
    const size_t n = set->n;
    lrp_error err;
    lrp_result *one = calloc(n, sizeof *one);
    for (size_t i = 0; i < n; i++) {
        lrp_status st = lrp_explain(m, &set->s[i], &o, &one[i], &err);
        TU_CHECK_STATUS(st, LRP_OK, err);
        double scores[64];
        st = lrp_predict(m, &set->s[i], scores, &err);
        TU_CHECK_STATUS(st, LRP_OK, err);
        if (precision == LRP_F64)
            TU_CHECK(tu_same_doubles(scores, one[i].scores, info.classes),
                     "%s: sentence %zu: lrp_predict and lrp_explain scores differ", tag, i);
    }
    const int threads[] = {1, 2, 7};
    for (size_t k = 0; k < 3; k++) {
        lrp_result *many = calloc(n, sizeof *many);
        lrp_status st = lrp_explain_batch(m, set->s, n, &o, threads[k], many, &err);
        TU_CHECK_STATUS(st, LRP_OK, err);
        size_t bad = 0, first = 0;
        for (size_t i = 0; i < n; i++)
            if (!tu_same_result(&one[i], &many[i], info.embed_dim) && bad++ == 0) first = i;
        TU_CHECK(bad == 0, "%s, %s, %d threads: %zu of %zu batch results differ from one-sentence calls "
                 "(first: sentence %zu of %zu words)", tag, precision == LRP_F64 ? "f64" : "f32",
                 threads[k], bad, n, first, set->s[first].length);
        results_free(many, n);
    }
    /* an explainer kept over several calls (workspaces reused, grown): the same bits */
    lrp_explainer *ex;
    TU_CHECK_STATUS(lrp_explainer_new(&ex, m, 2, &err), LRP_OK, err);
    for (size_t round = 0; round < 2; round++) {
        size_t first = round ? 0 : n / 3, count = round ? n : n / 3; /* a part, then all */
        lrp_result *again = calloc(count, sizeof *again);
        TU_CHECK_STATUS(lrp_explainer_run(ex, set->s + first, count, &o, again, &err), LRP_OK, err);
        size_t bad = 0;
        for (size_t i = 0; i < count; i++) bad += !tu_same_result(&one[first + i], &again[i], info.embed_dim);
        TU_CHECK(bad == 0, "%s: lrp_explainer_run round %zu: %zu results differ", tag, round, bad);
        results_free(again, count);
    }
    lrp_explainer_free(ex);

    /* another batch composition: reversed order, every other sentence */
    size_t half = (n + 1) / 2;
    lrp_sentence *rev = calloc(half, sizeof *rev);
    for (size_t i = 0; i < half; i++) rev[i] = set->s[n - 1 - 2 * i];
    lrp_result *part = calloc(half, sizeof *part);
    lrp_status st = lrp_explain_batch(m, rev, half, &o, 2, part, &err);
    TU_CHECK_STATUS(st, LRP_OK, err);
    size_t bad = 0;
    for (size_t i = 0; i < half; i++) bad += !tu_same_result(&one[n - 1 - 2 * i], &part[i], info.embed_dim);
    TU_CHECK(bad == 0, "%s: %zu results change with the batch's composition", tag, bad);
    results_free(part, half);
    free(rev);
    results_free(one, n);
}

// ----------------------------------------------------------------------------
// float64 fast path = reference within 1e-12

static void check_reference(const char *tag, const lrp_model *m, const sentence_set *set, double atol)
{
    lrp_model_info info;
    lrp_model_get_info(m, &info);
    int targets[64];
    lrp_options o;
    full_options(&o, m, targets, LRP_F64);
    lrp_error err;
    double worst = 0.0;
    for (size_t i = 0; i < set->n; i++) {
        lrp_result fast, ref;
        TU_CHECK_STATUS(lrp_explain(m, &set->s[i], &o, &fast, &err), LRP_OK, err);
        TU_CHECK_STATUS(explain_reference(m, &set->s[i], &o, &ref, &err), LRP_OK, err);
        size_t T = set->s[i].length, E = info.embed_dim;
        char what[200];
        snprintf(what, sizeof what, "%s sentence %zu scores", tag, i);
        int ok = TU_CLOSE(what, fast.scores, ref.scores, info.classes, atol, 0);
        TU_CHECK(fast.predicted == ref.predicted, "%s sentence %zu: predicted class differs", tag, i);
        for (size_t k = 0; ok && k < fast.n_explanations; k++) {
            const lrp_explanation *x = &fast.explanations[k], *y = &ref.explanations[k];
            snprintf(what, sizeof what, "%s sentence %zu %s:%d", tag, i, lrp_method_name(y->method), y->target);
            /* the tolerance scales with the explanation's size when that exceeds 1
             * (random models with weights up to 1 give relevances of 10 and more) */
            double big = 1.0;
            for (size_t t = 0; t < T; t++) big = fmax(big, fabs(y->relevance[t]));
            const double tol = atol * big;
            ok = TU_CLOSE(what, x->relevance, y->relevance, T, tol, 0) &&
                 TU_CLOSE(what, x->dims_fwd, y->dims_fwd, T * E, tol, 0) &&
                 (!y->dims_bwd || TU_CLOSE(what, x->dims_bwd, y->dims_bwd, T * E, tol, 0)) &&
                 TU_CLOSE(what, &x->rest, &y->rest, 1, tol, 0);
            for (size_t t = 0; t < T; t++)
                if (fabs(x->relevance[t] - y->relevance[t]) > worst) worst = fabs(x->relevance[t] - y->relevance[t]);
        }
        tu_checks++;
        lrp_result_free(&fast);
        lrp_result_free(&ref);
    }
    printf("%s: float64 fast path vs reference: largest word relevance difference %.3g\n", tag, worst);
}

// ----------------------------------------------------------------------------
// float32 vs float64

/* Largest |R32 - R64| / max_t |R64| over the sentences, for LRP and LRP_cons for the
 * float64 prediction; returns the worst, prints it. */
static double f32_deviation(const char *tag, const lrp_model *m, const lrp_sentence *s, size_t n)
{
    lrp_options o;
    lrp_options_init(&o);
    o.methods = LRP_METHOD_BIT(LRP_METHOD_LRP) | LRP_METHOD_BIT(LRP_METHOD_LRP_CONS) |
                LRP_METHOD_BIT(LRP_METHOD_SA) | LRP_METHOD_BIT(LRP_METHOD_GI);
    lrp_error err;
    lrp_result *r64 = calloc(n, sizeof *r64);
    TU_CHECK_STATUS(lrp_explain_batch(m, s, n, &o, 0, r64, &err), LRP_OK, err);
    /* the same targets in float32: the float64 prediction */
    int *targets = malloc(n * sizeof *targets);
    double worst[LRP_METHOD_COUNT] = {0};
    size_t worst_at = 0, flips = 0;
    for (size_t i = 0; i < n; i++) {
        lrp_options o32 = o;
        o32.precision = LRP_F32;
        targets[i] = r64[i].predicted;
        o32.targets = &targets[i];
        o32.n_targets = 1;
        lrp_result r32;
        TU_CHECK_STATUS(lrp_explain(m, &s[i], &o32, &r32, &err), LRP_OK, err);
        flips += r32.predicted != r64[i].predicted;
        for (size_t k = 0; k < r32.n_explanations; k++) {
            const lrp_explanation *a = &r32.explanations[k], *b = &r64[i].explanations[k];
            double big = 0.0, dev = 0.0;
            for (size_t t = 0; t < s[i].length; t++) {
                if (fabs(b->relevance[t]) > big) big = fabs(b->relevance[t]);
                if (fabs(a->relevance[t] - b->relevance[t]) > dev) dev = fabs(a->relevance[t] - b->relevance[t]);
            }
            double rel = big > 0 ? dev / big : dev;
            if (rel > worst[b->method]) {
                worst[b->method] = rel;
                if (b->method <= LRP_METHOD_LRP_CONS) worst_at = i;
            }
        }
        lrp_result_free(&r32);
    }
    printf("%s: float32 vs float64 over %zu sentences, largest |dR| / max|R|: lrp %.3g, lrp-cons %.3g, "
           "sa %.3g, gi %.3g (worst LRP sentence %zu); %zu predictions differ\n",
           tag, n, worst[0], worst[1], worst[2], worst[3], worst_at, flips);
    free(targets);
    results_free(r64, n);
    return worst[0] > worst[1] ? worst[0] : worst[1];
}

// ----------------------------------------------------------------------------
// the trainer's gradient

/* Forward pass of s, alone or first of a batch with others (n sentences), with the
 * masks (NULL: none) on s only. */
static void masked_forward(lrp_model *m, fast_work_d *w, size_t n, const lrp_sentence *s, const double *kx,
                           const double *kt)
{
    const double *px[8] = {kx}, *pt[8] = {kt};
    lrp_error err;
    TU_CHECK_STATUS(fast_forward_masked_d(model_pack_d(m, NULL), m, w, n, s, px, pt, &err), LRP_OK, err);
}

/* d score_c / d theta for a few parameters of each tensor, against central
 * differences, without and with dropout masks on the input and the classifier input
 * (the trainer's hooks); the masked sentence gives the same bits alone and inside a
 * batch. */
static void check_param_gradient(const char *tag, lrp_model *m, const lrp_sentence *s, const lrp_sentence *others)
{
    lrp_model_info info;
    lrp_model_get_info(m, &info);
    const size_t C = info.classes, total = m->layout.total, E = m->shape.E, T = s->length;
    const size_t Y = m->shape.D * m->shape.H, base = m->layout.wx[0][0];
    double *kx = malloc(T * E * sizeof *kx), *kt = malloc(Y * sizeof *kt), *row = malloc(E * sizeof *row);
    unsigned long long seed = 7;
    for (size_t i = 0; i < T * E; i++) kx[i] = tu_uniform(&seed) < 0.3 ? 0.0 : 1.0 / 0.7;
    for (size_t i = 0; i < Y; i++) kt[i] = tu_uniform(&seed) < 0.3 ? 0.0 : 1.0 / 0.7;
    /* objective: sum_c (c + 1) scores[c], through dscores */
    double dscores[8 * 64];
    for (size_t c = 0; c < 8 * C; c++) dscores[c] = (double)(c % C + 1);
    fast_work_d w;
    fast_work_init_d(&w);
    for (int masked = 0; masked < 2; masked++) {
        const double *mx = masked ? kx : NULL, *mt = masked ? kt : NULL;
        double *grad = calloc(total, sizeof *grad);
        masked_forward(m, &w, 1, s, mx, mt);
        fast_backward_d(model_pack_d(m, NULL), m, &w, dscores, grad + base);
        for (size_t t = 0; t < T; t++) {
            fast_embedding_grad_d(model_pack_d(m, NULL), &w, 0, t, row);
            for (size_t k = 0; k < E; k++) grad[m->layout.emb + (size_t)s->ids[t] * E + k] += row[k];
        }
        /* alone and in a batch: the same scores and input gradient */
        double *gx = malloc(T * E * sizeof *gx);
        memcpy(gx, w.sent[0].gx[0], T * E * sizeof *gx);
        double f0 = w.sent[0].scores[0];
        lrp_sentence batch[5] = {*s, others[0], others[1], others[2], others[3]};
        masked_forward(m, &w, 5, batch, mx, mt);
        fast_backward_d(model_pack_d(m, NULL), m, &w, dscores, NULL);
        TU_CHECK(w.sent[0].scores[0] == f0 && memcmp(gx, w.sent[0].gx[0], T * E * sizeof *gx) == 0,
                 "%s: masks %d: a sentence alone and in a batch differ", tag, masked);
        free(gx);
        size_t bad = 0, tried = 0;
        double worst = 0.0;
        for (size_t probe = 0; probe < 40; probe++) {
            /* half the probes in the embedding rows of the sentence's words */
            size_t i = probe % 2 ? m->layout.emb + (size_t)s->ids[(size_t)(tu_uniform(&seed) * (double)T)] * E +
                                       (size_t)(tu_uniform(&seed) * (double)E)
                                 : (size_t)(tu_uniform(&seed) * (double)total);
            double keep = m->params[i], h = 1e-6, f[2];
            for (int sgn = 0; sgn < 2; sgn++) {
                m->params[i] = keep + (sgn ? -h : h);
                model_prepare(m, NULL);
                masked_forward(m, &w, 1, s, mx, mt);
                f[sgn] = 0.0;
                for (size_t c = 0; c < C; c++) f[sgn] += dscores[c] * w.sent[0].scores[c];
            }
            m->params[i] = keep;
            double fd = (f[0] - f[1]) / (2 * h), diff = fabs(fd - grad[i]);
            double tol = 1e-6 + 1e-5 * fabs(fd);
            if (diff > worst) worst = diff;
            if (diff > tol && bad++ == 0) {
                char name[128];
                fprintf(stderr, "%s: masks %d: parameter %zu (%s): gradient %.10g, finite difference %.10g\n", tag,
                        masked, i, model_param_name(m, i, name, sizeof name), grad[i], fd);
            }
            tried++;
        }
        model_prepare(m, NULL);
        TU_CHECK(bad == 0, "%s: masks %d: %zu of %zu parameter gradients disagree with finite differences", tag,
                 masked, bad, tried);
        printf("%s: masks %d: parameter gradient vs finite differences: largest difference %.3g\n", tag, masked,
               worst);
        free(grad);
    }
    /* masks of ones change nothing */
    double f1[64];
    fast_forward_d(model_pack_d(m, NULL), m, &w, 1, s, NULL);
    memcpy(f1, w.sent[0].scores, C * sizeof *f1);
    for (size_t i = 0; i < T * E; i++) kx[i] = 1.0;
    for (size_t i = 0; i < Y; i++) kt[i] = 1.0;
    masked_forward(m, &w, 1, s, kx, kt);
    TU_CHECK(memcmp(f1, w.sent[0].scores, C * sizeof *f1) == 0, "%s: masks of ones change the scores", tag);
    free(kx);
    free(kt);
    free(row);
    fast_work_free_d(&w);
}

/* fast_backward_grouped: each group's parameter gradient is the same bits as that
 * group's sentences alone in fast_backward (sentences s[0..5), groups {0, 1}, {2, 3, 4}). */
static void check_grouped(const char *tag, lrp_model *m, const lrp_sentence *s)
{
    const size_t C = m->shape.C, DP = m->layout.emb - m->layout.wx[0][0];
    double dscores[5 * 64];
    for (size_t i = 0; i < 5 * C; i++) dscores[i] = (double)(i % 7) - 3.0;
    double *g[2] = {calloc(DP, sizeof(double)), calloc(DP, sizeof(double))};
    double *alone[2] = {calloc(DP, sizeof(double)), calloc(DP, sizeof(double))};
    const size_t first[3] = {0, 2, 5};
    fast_work_d w;
    fast_work_init_d(&w);
    lrp_error err;
    TU_CHECK_STATUS(fast_forward_d(model_pack_d(m, NULL), m, &w, 5, s, &err), LRP_OK, err);
    fast_backward_grouped_d(model_pack_d(m, NULL), m, &w, dscores, 2, first, g);
    for (size_t k = 0; k < 2; k++) {
        TU_CHECK_STATUS(fast_forward_d(model_pack_d(m, NULL), m, &w, first[k + 1] - first[k], s + first[k], &err), LRP_OK, err);
        fast_backward_d(model_pack_d(m, NULL), m, &w, dscores + first[k] * C, alone[k]);
        TU_CHECK(memcmp(g[k], alone[k], DP * sizeof(double)) == 0,
                 "%s: group %zu's parameter gradient differs from its sentences' alone", tag, k);
    }
    for (size_t k = 0; k < 2; k++) {
        free(g[k]);
        free(alone[k]);
    }
    fast_work_free_d(&w);
}

// ----------------------------------------------------------------------------

// ----------------------------------------------------------------------------
// packs made at first use: threads racing to make them get one pack, the same bits

typedef struct race_arg {
    const lrp_model *m;
    const sentence_set *set;
    lrp_dtype precision;
    lrp_result *out; /* [set->n] */
    lrp_status st;
} race_arg;

static void *race_main(void *p)
{
    race_arg *a = p;
    int targets[64];
    lrp_options o;
    full_options(&o, a->m, targets, a->precision);
    lrp_error err;
    a->st = LRP_OK;
    for (size_t i = 0; i < a->set->n && a->st == LRP_OK; i++)
        a->st = lrp_explain(a->m, &a->set->s[i], &o, &a->out[i], &err);
    return NULL;
}

static void check_first_use_race(void)
{
    enum { THREADS = 6 };
    lrp_model *m = tu_random_model(40, 9, 8, 4, 1, 2, 1, 0.5, 77);
    lrp_model *ref = tu_random_model(40, 9, 8, 4, 1, 2, 1, 0.5, 77);
    TU_CHECK(m && ref, "random models");
    if (!m || !ref) return;
    TU_CHECK(!m->pack_d && !m->pack_f, "a prepared model has packs before its first explanation");
    sentence_set set = random_sentences(12, 20, 40, 55);
    race_arg a[THREADS];
    pthread_t tid[THREADS];
    for (size_t t = 0; t < THREADS; t++) {
        a[t] = (race_arg){m, &set, t % 2 ? LRP_F32 : LRP_F64, calloc(set.n, sizeof(lrp_result)), LRP_ERR_ARGUMENT};
        TU_CHECK(pthread_create(&tid[t], NULL, race_main, &a[t]) == 0, "pthread_create");
    }
    for (size_t t = 0; t < THREADS; t++) pthread_join(tid[t], NULL);
    TU_CHECK(m->pack_d && m->pack_f, "no packs after explanations in both precisions");
    for (size_t p = 0; p < 2; p++) {
        race_arg r = {ref, &set, p ? LRP_F32 : LRP_F64, calloc(set.n, sizeof(lrp_result)), LRP_ERR_ARGUMENT};
        race_main(&r);
        TU_CHECK(r.st == LRP_OK, "reference explanations");
        for (size_t t = p; t < THREADS; t += 2) {
            size_t bad = 0;
            TU_CHECK(a[t].st == LRP_OK, "thread %zu failed", t);
            for (size_t i = 0; i < set.n; i++) bad += !tu_same_result(&r.out[i], &a[t].out[i], 9);
            TU_CHECK(bad == 0, "thread %zu (%s): %zu results differ from a model used by one thread", t,
                     p ? "f32" : "f64", bad);
        }
        results_free(r.out, set.n);
    }
    for (size_t t = 0; t < THREADS; t++) results_free(a[t].out, set.n);
    sentences_free(&set);
    lrp_model_free(m);
    lrp_model_free(ref);
}

static void random_models(void)
{
    struct {
        size_t V, E, H, C, L, D;
        int bias;
        double scale;
    } shapes[] = {
        {30, 7, 5, 5, 1, 2, 0, 1.0},   /* the tiny golden shape */
        {50, 12, 13, 3, 1, 2, 1, 0.5}, /* H not a multiple of any vector width */
        {40, 9, 8, 4, 1, 1, 1, 0.5},   /* unidirectional */
        {40, 6, 11, 5, 2, 2, 1, 0.5},  /* stacked */
        {40, 20, 17, 2, 3, 1, 0, 0.4}, /* stacked unidirectional */
    };
    for (size_t k = 0; k < sizeof shapes / sizeof shapes[0]; k++) {
        lrp_model *m = tu_random_model(shapes[k].V, shapes[k].E, shapes[k].H, shapes[k].C, shapes[k].L,
                                       shapes[k].D, shapes[k].bias, shapes[k].scale, 100 + k);
        TU_CHECK(m != NULL, "random model %zu", k);
        if (!m) continue;
        char tag[96];
        snprintf(tag, sizeof tag, "random model %zu (E %zu, H %zu, L %zu, D %zu)", k, shapes[k].E,
                 shapes[k].H, shapes[k].L, shapes[k].D);
        sentence_set set = random_sentences(30, 32, shapes[k].V, 1000 + k);
        check_identity(tag, m, &set, LRP_F64);
        check_identity(tag, m, &set, LRP_F32);
        check_reference(tag, m, &set, 1e-12);
        check_param_gradient(tag, m, &set.s[7], &set.s[8]);
        check_grouped(tag, m, &set.s[10]);
        sentences_free(&set);
        lrp_model_free(m);
    }
}

static void golden_models(void)
{
    const char *names[] = {"public-tiny.json", "public-medium.json"};
    for (size_t k = 0; k < 2; k++) {
        char path[1024];
        snprintf(path, sizeof path, "%s/golden/%s", tu_data_dir(), names[k]);
        cJSON *root = tu_load_json(path);
        TU_CHECK(root != NULL, "cannot load %s", path);
        if (!root) continue;
        lrp_model *m = tu_model_from_golden(cJSON_GetObjectItem(root, "model"));
        TU_CHECK(m != NULL, "%s: model", names[k]);
        if (m) {
            /* the fixture's sentences and random ones */
            lrp_model_info info;
            lrp_model_get_info(m, &info);
            sentence_set set = random_sentences(24, 60, info.vocab_size, 77 + k);
            const cJSON *kase;
            size_t i = 0;
            cJSON_ArrayForEach(kase, cJSON_GetObjectItem(root, "cases"))
            {
                size_t T;
                double *idv = tu_json_doubles(cJSON_GetObjectItem(kase, "ids"), &T);
                if (idv && T <= 60 && i < set.n) {
                    int32_t *ids = set.ids + i * 60;
                    for (size_t t = 0; t < T; t++) ids[t] = (int32_t)idv[t];
                    set.s[i] = (lrp_sentence){ids, T, NULL};
                    i++;
                }
                free(idv);
            }
            check_identity(names[k], m, &set, LRP_F64);
            check_identity(names[k], m, &set, LRP_F32);
            check_reference(names[k], m, &set, 1e-12);
            double dev = f32_deviation(names[k], m, set.s, set.n);
            TU_CHECK(dev <= 1e-3, "%s: float32 word relevance off by %.3g of the largest |R| (limit 1e-3)",
                     names[k], dev);
            sentences_free(&set);
            lrp_model_free(m);
        }
        cJSON_Delete(root);
    }
}

/* the shipped model over the SST test set */
static void shipped_model(void)
{
    const char *src = getenv("LRP_SOURCE_DIR");
    char path[1024], data[1024];
    snprintf(path, sizeof path, "%s/models/sst5-bilstm.safetensors", src ? src : ".");
    FILE *f = fopen(path, "rb");
    if (!f) {
        printf("SKIPPED the shipped model's float32 check: %s does not exist yet\n", path);
        return;
    }
    fclose(f);
    const char *sst = tu_sst_dir();
    if (!sst) {
        printf("SKIPPED the shipped model's float32 check: no SST data (LRP_SST_DIR)\n");
        return;
    }
    lrp_model *m;
    lrp_error err;
    lrp_status st = lrp_model_load(&m, path, &err);
    TU_CHECK_STATUS(st, LRP_OK, err);
    if (st != LRP_OK) return;
    lrp_model_info info;
    lrp_model_get_info(m, &info);
    ds_options dso = {.format = DS_PTB, .lowercase = info.lowercase};
    ds_corpus corpus;
    snprintf(data, sizeof data, "%s/test.txt", sst);
    st = ds_read(data, &dso, &corpus, &err);
    TU_CHECK_STATUS(st, LRP_OK, err);
    if (st == LRP_OK) {
        lrp_sentence *s = calloc(corpus.n, sizeof *s);
        size_t n = 0;
        /* every sentence in an optimised build; every fifth under the sanitizers or an
         * emulator (slow) */
        const size_t step = tu_slow_build() ? 5 : 1;
        if (step > 1) printf("a slow build: every %zu-th sentence of the SST test set\n", step);
        for (size_t i = 0; i < corpus.n; i += step) {
            const ds_sentence *d = &corpus.sentences[i];
            lrp_tokens tok = {d->length, d->words};
            int32_t *ids = malloc(d->length * sizeof *ids);
            if (lrp_encode(m, &tok, ids, NULL, NULL) == LRP_OK) s[n++] = (lrp_sentence){ids, d->length, NULL};
            else free(ids);
        }
        /* bit for bit on real sentences too: the first 60 (every method, every class) */
        sentence_set view = {n < 60 ? n : 60, s, NULL, NULL};
        check_identity("shipped model", m, &view, LRP_F64);
        check_identity("shipped model", m, &view, LRP_F32);
        double dev = f32_deviation("shipped model, SST test set", m, s, n);
        TU_CHECK(dev <= 1e-3, "shipped model: float32 word relevance off by %.3g of the largest |R| (limit 1e-3)", dev);
        for (size_t i = 0; i < n; i++) free((void *)s[i].ids);
        free(s);
        ds_free(&corpus);
    }
    lrp_model_free(m);
}

/* bad arguments of the batch calls, and a model without packed weights */
static void bad_calls(void)
{
    lrp_model *m = tu_random_model(20, 4, 3, 2, 1, 2, 1, 0.5, 5);
    TU_CHECK(m != NULL, "random model");
    if (!m) return;
    lrp_error err;
    lrp_explainer *ex = NULL;
    TU_CHECK_STATUS(lrp_explainer_new(&ex, NULL, 1, &err), LRP_ERR_ARGUMENT, err);
    TU_CHECK_STATUS(lrp_explainer_new(&ex, m, -1, &err), LRP_ERR_ARGUMENT, err);
    TU_CHECK_STATUS(lrp_explainer_new(NULL, m, 1, &err), LRP_ERR_ARGUMENT, err);
    TU_CHECK_STATUS(lrp_explainer_run(NULL, NULL, 0, NULL, NULL, &err), LRP_ERR_ARGUMENT, err);
    TU_CHECK_STATUS(lrp_explainer_new(&ex, m, 3, &err), LRP_OK, err);
    lrp_options o;
    lrp_options_init(&o);
    int32_t ids[3] = {1, 2, 99};
    lrp_sentence s[2] = {{ids, 2, NULL}, {ids, 3, NULL}};
    lrp_result r[2];
    TU_CHECK_STATUS(lrp_explainer_run(ex, s, 2, &o, r, &err), LRP_ERR_INPUT, err);
    TU_CHECK(strstr(err.message, "sentence 1") != NULL, "the bad sentence is named: %s", err.message);
    TU_CHECK(r[0].memory_ == NULL && r[1].memory_ == NULL, "results are empty after a failure");
    o.precision = (lrp_dtype)7;
    TU_CHECK_STATUS(lrp_explainer_run(ex, s, 1, &o, r, &err), LRP_ERR_ARGUMENT, err);
    TU_CHECK_STATUS(lrp_explainer_run(ex, s, 0, &o, r, &err), LRP_ERR_ARGUMENT, err);
    o.precision = LRP_F32;
    TU_CHECK_STATUS(lrp_explainer_run(ex, s, 0, &o, r, &err), LRP_OK, err);
    lrp_explainer_free(ex);
    lrp_explainer_free(NULL);

    /* parameters set without model_prepare: refused with a message, never wrong numbers */
    model_shape shape = m->shape;
    lrp_model *raw;
    TU_CHECK_STATUS(model_create(&raw, &shape, &err), LRP_OK, err);
    TU_CHECK_STATUS(lrp_explain(raw, &s[0], &o, &r[0], &err), LRP_ERR_ARGUMENT, err);
    TU_CHECK(strstr(err.message, "model_prepare") != NULL, "unprepared model message: %s", err.message);
    double scores[2];
    TU_CHECK_STATUS(lrp_predict(raw, &s[0], scores, &err), LRP_ERR_ARGUMENT, err);
    TU_CHECK_STATUS(lrp_explainer_new(&ex, raw, 1, &err), LRP_ERR_ARGUMENT, err);
    lrp_model_free(raw);
    lrp_model_free(m);
}

int main(void)
{
    bad_calls();
    check_first_use_race();
    printf("vector code: %s\n", simd_name());
    random_models();
    golden_models();
    shipped_model();
    return tu_finish();
}
