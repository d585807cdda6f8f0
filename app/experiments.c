/*
 * experiments.c - the arithmetic of the paper's experiments (experiments.h).
 *
 * Sizes: T words of a sentence, N sentences, K deletions, R random runs, B bins,
 * C classes, V_D = EXP_DEL_VARIANTS - 1 + R deletion orders per sentence.
 */
#include "app/experiments.h"
#include "app/paper.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/common.h"
#include "core/rand.h"

/* Sentences per lrp_explain_batch call: enough for every thread, small enough that
 * progress moves and memory stays bounded. */
enum { EXP_CHUNK = 2048 };

void exp_run_init(exp_run *run)
{
    run->threads = 0;
    run->eps = 0.001;
    run->progress = NULL;
    run->progress_ctx = NULL;
}

static void progress(const exp_run *run, size_t done, size_t total)
{
    if (run && run->progress) run->progress(run->progress_ctx, done, total);
}

static void *alloc_array(size_t n, size_t size, lrp_error *err)
{
    size_t bytes;
    if (!lrp_mul_size(n ? n : 1, size, &bytes)) {
        lrp_fail(err, LRP_ERR_NOMEM, "size overflow (%zu x %zu bytes)", n, size);
        return NULL;
    }
    void *p = calloc(1, bytes);
    if (!p) lrp_fail(err, LRP_ERR_NOMEM, "out of memory (%zu bytes)", bytes);
    return p;
}

static lrp_sentence view_of(const exp_sentence *s)
{
    lrp_sentence v = {s->ids, s->T, NULL};
    return v;
}

// ----------------------------------------------------------------------------
// explanations of many sentences

lrp_status exp_explain_true(const lrp_model *model, const exp_sentence *sentences, size_t n,
                            unsigned methods, const exp_run *run, lrp_result *out, lrp_error *err)
{
    lrp_model_info info;
    lrp_model_get_info(model, &info);
    for (size_t i = 0; i < n; i++) {
        memset(&out[i], 0, sizeof out[i]);
        if (sentences[i].label < 0 || (size_t)sentences[i].label >= info.classes)
            return lrp_fail(err, LRP_ERR_ARGUMENT, "sentence %zu: true class %d is not in [0, %zu)", i,
                            sentences[i].label, info.classes);
    }
    lrp_sentence *views = alloc_array(n, sizeof *views, err);
    size_t *where = alloc_array(n, sizeof *where, err);
    lrp_result *tmp = alloc_array(n, sizeof *tmp, err);
    lrp_status st = views && where && tmp ? LRP_OK : LRP_ERR_NOMEM;
    for (size_t c = 0; c < info.classes && st == LRP_OK; c++) {
        size_t m = 0;
        for (size_t i = 0; i < n; i++)
            if ((size_t)sentences[i].label == c) {
                views[m] = view_of(&sentences[i]);
                where[m++] = i;
            }
        if (!m) continue;
        int target = (int)c;
        lrp_options o;
        lrp_options_init(&o);
        o.methods = methods;
        o.targets = &target;
        o.n_targets = 1;
        o.eps = run->eps;
        st = lrp_explain_batch(model, views, m, &o, run->threads, tmp, err);
        for (size_t j = 0; j < m && st == LRP_OK; j++) out[where[j]] = tmp[j];
    }
    if (st != LRP_OK)
        for (size_t i = 0; i < n; i++) lrp_result_free(&out[i]);
    free(views);
    free(where);
    free(tmp);
    return st;
}

lrp_status exp_word_relevance(const lrp_model *model, const exp_sentence *sentences, size_t n,
                              int target, lrp_method method, const exp_run *run, double *out,
                              lrp_error *err)
{
    lrp_result *res = alloc_array(n < EXP_CHUNK ? n : EXP_CHUNK, sizeof *res, err);
    lrp_sentence *views = alloc_array(n < EXP_CHUNK ? n : EXP_CHUNK, sizeof *views, err);
    lrp_status st = res && views ? LRP_OK : LRP_ERR_NOMEM;
    size_t at = 0;
    for (size_t begin = 0; begin < n && st == LRP_OK; begin += EXP_CHUNK) {
        size_t m = n - begin < EXP_CHUNK ? n - begin : EXP_CHUNK;
        if (target == EXP_TARGET_TRUE) {
            st = exp_explain_true(model, sentences + begin, m, LRP_METHOD_BIT(method), run, res, err);
        } else {
            for (size_t j = 0; j < m; j++) views[j] = view_of(&sentences[begin + j]);
            lrp_options o;
            lrp_options_init(&o);
            o.methods = LRP_METHOD_BIT(method);
            o.targets = &target;
            o.n_targets = 1;
            o.eps = run->eps;
            st = lrp_explain_batch(model, views, m, &o, run->threads, res, err);
        }
        for (size_t j = 0; j < m && st == LRP_OK; j++) {
            memcpy(out + at, res[j].explanations[0].relevance, res[j].length * sizeof *out);
            at += res[j].length;
        }
        for (size_t j = 0; j < m && st == LRP_OK; j++) lrp_result_free(&res[j]);
        progress(run, begin + m, n);
    }
    free(res);
    free(views);
    return st;
}

// ----------------------------------------------------------------------------
// ranking words

typedef struct rank_key {
    double value;
    size_t index;
} rank_key;

/* NaN last; then by value (decreasing unless least); then by index */
static int cmp_most(const void *a, const void *b)
{
    const rank_key *x = a, *y = b;
    int xn = isnan(x->value), yn = isnan(y->value);
    if (xn != yn) return xn - yn;
    if (!xn && x->value != y->value) return x->value > y->value ? -1 : 1;
    return (x->index > y->index) - (x->index < y->index);
}

static int cmp_least(const void *a, const void *b)
{
    const rank_key *x = a, *y = b;
    int xn = isnan(x->value), yn = isnan(y->value);
    if (xn != yn) return xn - yn;
    if (!xn && x->value != y->value) return x->value < y->value ? -1 : 1;
    return (x->index > y->index) - (x->index < y->index);
}

/* occurrence indexes sorted by word (bytes), then by index */
typedef struct word_key {
    const char *word;
    size_t index;
} word_key;

static int cmp_word(const void *a, const void *b)
{
    const word_key *x = a, *y = b;
    int c = strcmp(x->word, y->word);
    if (c) return c;
    return (x->index > y->index) - (x->index < y->index);
}

lrp_status exp_rank_words(const char *const *words, const double *values, size_t n, size_t k,
                          int least, exp_aggregate aggregate, size_t min_count, exp_ranked *out,
                          size_t *n_out, lrp_error *err)
{
    *n_out = 0;
    if (n && (!words || !values)) return lrp_fail(err, LRP_ERR_ARGUMENT, "words and values must not be NULL");
    if (k == 0 || n == 0) return LRP_OK;

    /* the words: one entry per distinct word with its count, mean and first occurrence */
    word_key *wk = alloc_array(n, sizeof *wk, err);
    rank_key *keys = alloc_array(n, sizeof *keys, err);
    exp_ranked *distinct = alloc_array(n, sizeof *distinct, err);
    size_t *word_of = alloc_array(n, sizeof *word_of, err); /* occurrence -> distinct word */
    if (!wk || !keys || !distinct || !word_of) {
        free(wk), free(keys), free(distinct), free(word_of);
        return LRP_ERR_NOMEM;
    }
    for (size_t i = 0; i < n; i++) wk[i] = (word_key){words[i], i};
    qsort(wk, n, sizeof *wk, cmp_word);
    size_t nd = 0;
    for (size_t i = 0; i < n;) {
        size_t j = i;
        double sum = 0.0;
        /* the sum runs in data order within the word (wk is sorted by index there) */
        while (j < n && strcmp(wk[j].word, wk[i].word) == 0) {
            sum += values[wk[j].index];
            word_of[wk[j].index] = nd;
            j++;
        }
        distinct[nd] = (exp_ranked){wk[i].word, sum / (double)(j - i), j - i, wk[i].index};
        nd++;
        i = j;
    }

    size_t m = 0;
    if (aggregate == EXP_AGG_MEAN) {
        for (size_t d = 0; d < nd; d++)
            if (distinct[d].count >= min_count) keys[m++] = (rank_key){distinct[d].value, distinct[d].occurrence};
    } else {
        for (size_t i = 0; i < n; i++) keys[m++] = (rank_key){values[i], i};
    }
    qsort(keys, m, sizeof *keys, least ? cmp_least : cmp_most);

    /* walk the ranking, keep each word once */
    unsigned char *taken = alloc_array(nd, 1, err);
    if (!taken) {
        free(wk), free(keys), free(distinct), free(word_of);
        return LRP_ERR_NOMEM;
    }
    for (size_t r = 0; r < m && *n_out < k; r++) {
        size_t d = word_of[keys[r].index];
        if (taken[d]) continue;
        taken[d] = 1;
        exp_ranked e = distinct[d];
        if (aggregate == EXP_AGG_OCCURRENCE) {
            e.value = keys[r].value;
            e.occurrence = keys[r].index;
        }
        out[(*n_out)++] = e;
    }
    free(taken);
    free(wk), free(keys), free(distinct), free(word_of);
    return LRP_OK;
}

// ----------------------------------------------------------------------------
// word deletion

void exp_deletion_order(const double *r, size_t T, int initially_correct, size_t *order)
{
    /* insertion sort: sentences are short, and it is stable, so ties keep position order */
    for (size_t t = 0; t < T; t++) {
        size_t j = t;
        while (j > 0) {
            double a = r[order[j - 1]], b = r[t];
            int before; /* does b go before a? */
            if (isnan(b)) before = 0;
            else if (isnan(a)) before = 1;
            else before = initially_correct ? b > a : b < a;
            if (!before) break;
            order[j] = order[j - 1];
            j--;
        }
        order[j] = t;
    }
}

/* uniform in [0, bound), bound >= 1, without modulo bias */
static uint64_t uniform_below(uint64_t *state, uint64_t bound)
{
    uint64_t threshold = (0 - bound) % bound;
    for (;;) {
        uint64_t x = splitmix64(state);
        if (x >= threshold) return x % bound;
    }
}

void exp_random_order(uint64_t seed, uint64_t sentence, uint64_t run, size_t T, size_t *order)
{
    /* one stream per (seed, sentence, run): each part mixed in through the generator */
    uint64_t state = seed;
    state = splitmix64(&state) ^ sentence;
    state = splitmix64(&state) ^ run;
    (void)splitmix64(&state);
    for (size_t t = 0; t < T; t++) order[t] = t;
    for (size_t t = 0; t + 1 < T; t++) { /* Fisher-Yates from the front */
        size_t j = t + (size_t)uniform_below(&state, (uint64_t)(T - t));
        size_t x = order[t];
        order[t] = order[j];
        order[j] = x;
    }
}

void exp_mean_std(const double *x, size_t n, double *mean, double *std)
{
    if (n == 0) {
        *mean = *std = NAN;
        return;
    }
    double s = 0.0;
    for (size_t i = 0; i < n; i++) s += x[i];
    double mu = s / (double)n, v = 0.0;
    for (size_t i = 0; i < n; i++) v += (x[i] - mu) * (x[i] - mu);
    *mean = mu;
    *std = sqrt(v / (double)n);
}

const char *exp_deletion_name(int variant)
{
    static const char *const names[EXP_DEL_VARIANTS] = {"lrp", "lrp-cons", "sa", "gi", "random"};
    return variant >= 0 && variant < EXP_DEL_VARIANTS ? names[variant] : "?";
}

void exp_deletion_options_init(exp_deletion_options *o)
{
    o->min_length = PAPER_DELETION_MIN_LENGTH;
    o->max_deletions = PAPER_DELETION_MAX_WORDS;
    o->random_runs = PAPER_DELETION_RANDOM_RUNS;
    o->seed = 1;
}

void exp_deletion_free(exp_deletion_result *r)
{
    if (!r) return;
    free(r->memory_);
    memset(r, 0, sizeof *r);
}

/* Point a panel's arrays into mem (K1 = K+1 values each); returns the next free double. */
static double *panel_point(exp_deletion_panel *p, double *mem, size_t K1, size_t R)
{
    for (int v = 0; v < EXP_DEL_VARIANTS; v++, mem += K1) p->accuracy[v] = mem;
    p->random_std = mem;
    mem += K1;
    p->random_runs = mem;
    return mem + R * K1;
}

lrp_status exp_deletion(const lrp_model *model, const exp_sentence *sentences, size_t n,
                        const exp_deletion_options *o, const exp_run *run,
                        exp_deletion_result *out, lrp_error *err)
{
    memset(out, 0, sizeof *out);
    if (o->random_runs < 1) return lrp_fail(err, LRP_ERR_ARGUMENT, "random runs must be >= 1");
    const size_t K = o->max_deletions, R = o->random_runs, K1 = K + 1;
    const size_t NV = (EXP_DEL_VARIANTS - 1) + R; /* orders per sentence */

    /* the sentences of the experiment */
    size_t N = 0;
    for (size_t i = 0; i < n; i++) N += sentences[i].T >= o->min_length;
    exp_sentence *sel = alloc_array(N, sizeof *sel, err);
    size_t *data_index = alloc_array(N, sizeof *data_index, err);
    lrp_result *res = alloc_array(N, sizeof *res, err);
    unsigned char *correct = alloc_array(N, 1, err);
    size_t *orders = NULL; /* [N][NV][K]: the first K positions of each order */
    size_t *count = NULL;  /* [2 panels][NV][K1] sentences classified correctly */
    size_t cells;
    if (!lrp_mul_size(N, NV * (K ? K : 1), &cells)) cells = SIZE_MAX / sizeof *orders; /* fails below */
    orders = alloc_array(cells, sizeof *orders, err);
    count = alloc_array(2 * NV * K1, sizeof *count, err);
    size_t n_mem = 2 * ((EXP_DEL_VARIANTS + 1) * K1 + R * K1);
    double *mem = alloc_array(n_mem, sizeof *mem, err);
    size_t *scratch = NULL;
    lrp_sentence *views = NULL;
    unsigned char *masks = NULL;
    lrp_result *pred = NULL;
    double *runs_k = alloc_array(R, sizeof *runs_k, err);
    lrp_status st = sel && data_index && res && correct && orders && count && mem && runs_k ? LRP_OK : LRP_ERR_NOMEM;
    if (st != LRP_OK) goto done;

    size_t maxT = 1;
    for (size_t i = 0, j = 0; i < n; i++)
        if (sentences[i].T >= o->min_length) {
            sel[j] = sentences[i];
            data_index[j++] = i;
            if (sentences[i].T > maxT) maxT = sentences[i].T;
        }

    /* 1. relevances on the original sentences, for the true class */
    size_t pairs = N * NV, total = N + K * pairs, done_work = 0;
    progress(run, 0, total);
    st = exp_explain_true(model, sel, N, LRP_METHODS_ALL, run, res, err);
    if (st != LRP_OK) goto done;
    done_work = N;
    progress(run, done_work, total);

    /* 2. the orders */
    scratch = alloc_array(maxT, sizeof *scratch, err);
    if (!scratch) {
        st = LRP_ERR_NOMEM;
        goto done;
    }
    for (size_t i = 0; i < N; i++) {
        correct[i] = res[i].predicted == sel[i].label;
        size_t keep = K < sel[i].T ? K : sel[i].T;
        size_t *oi = orders + i * NV * K;
        for (size_t v = 0; v < NV; v++) {
            if (v < EXP_DEL_RANDOM) /* methods in enum order, one target */
                exp_deletion_order(res[i].explanations[v].relevance, sel[i].T, correct[i], scratch);
            else
                exp_random_order(o->seed, data_index[i], v - EXP_DEL_RANDOM, sel[i].T, scratch);
            memcpy(oi + v * K, scratch, keep * sizeof *scratch);
        }
        size_t panel = correct[i] ? 0 : 1;
        for (size_t v = 0; v < NV; v++) count[(panel * NV + v) * K1] += (size_t)correct[i];
        lrp_result_free(&res[i]);
    }

    /* 3. delete k = 1..K words and predict again, a chunk of (sentence, order) pairs at a time */
    size_t chunk = pairs < EXP_CHUNK ? pairs : EXP_CHUNK;
    views = alloc_array(chunk, sizeof *views, err);
    pred = alloc_array(chunk, sizeof *pred, err);
    masks = alloc_array(chunk, maxT, err);
    if (!views || !pred || !masks) {
        st = LRP_ERR_NOMEM;
        goto done;
    }
    lrp_options po;
    lrp_options_init(&po);
    po.methods = 0; /* scores only */
    for (size_t k = 1; k <= K && st == LRP_OK; k++) {
        for (size_t begin = 0; begin < pairs && st == LRP_OK; begin += chunk) {
            size_t m = pairs - begin < chunk ? pairs - begin : chunk;
            for (size_t j = 0; j < m; j++) {
                size_t i = (begin + j) / NV, v = (begin + j) % NV;
                unsigned char *mask = masks + j * maxT;
                memset(mask, 0, sel[i].T);
                size_t del = k < sel[i].T ? k : sel[i].T;
                for (size_t d = 0; d < del; d++) mask[orders[(i * NV + v) * K + d]] = 1;
                views[j] = (lrp_sentence){sel[i].ids, sel[i].T, mask};
            }
            st = lrp_explain_batch(model, views, m, &po, run->threads, pred, err);
            for (size_t j = 0; j < m && st == LRP_OK; j++) {
                size_t i = (begin + j) / NV, v = (begin + j) % NV;
                size_t panel = correct[i] ? 0 : 1;
                count[(panel * NV + v) * K1 + k] += pred[j].predicted == sel[i].label;
                lrp_result_free(&pred[j]);
            }
            done_work += m;
            progress(run, done_work, total);
        }
    }
    if (st != LRP_OK) goto done;
    progress(run, total, total);

    /* 4. fractions */
    out->sentences = N;
    out->max_deletions = K;
    out->random_runs = R;
    out->memory_ = mem;
    double *next = panel_point(&out->correct, mem, K1, R);
    panel_point(&out->false_, next, K1, R);
    for (int panel = 0; panel < 2; panel++) {
        exp_deletion_panel *p = panel ? &out->false_ : &out->correct;
        p->n = 0;
        for (size_t i = 0; i < N; i++) p->n += (size_t)(correct[i] ? panel == 0 : panel == 1);
        double np = (double)p->n;
        const size_t *c = count + (size_t)panel * NV * K1;
        for (size_t k = 0; k < K1; k++) {
            for (int v = 0; v < EXP_DEL_RANDOM; v++) p->accuracy[v][k] = p->n ? (double)c[(size_t)v * K1 + k] / np : NAN;
            double *runs = p->random_runs;
            for (size_t r = 0; r < R; r++)
                runs[r * K1 + k] = p->n ? (double)c[(EXP_DEL_RANDOM + r) * K1 + k] / np : NAN;
        }
        for (size_t k = 0; k < K1; k++) {
            for (size_t r = 0; r < R; r++) runs_k[r] = p->random_runs[r * K1 + k];
            exp_mean_std(runs_k, R, &p->accuracy[EXP_DEL_RANDOM][k], &p->random_std[k]);
            if (!p->n) p->accuracy[EXP_DEL_RANDOM][k] = p->random_std[k] = NAN;
        }
    }
    mem = NULL; /* owned by out */

done:
    if (st != LRP_OK)
        for (size_t i = 0; i < N && res; i++) lrp_result_free(&res[i]);
    free(sel), free(data_index), free(res), free(correct), free(orders), free(count), free(mem);
    free(scratch), free(views), free(pred), free(masks), free(runs_k);
    return st;
}

// ----------------------------------------------------------------------------
// relevance by position

void exp_position_add(double *bins, size_t B, const double *w, size_t T, int absolute)
{
    for (size_t t = 0; t < T; t++) {
        double x = absolute ? fabs(w[t]) : w[t];
        /* word t: [tB, (t+1)B); interval b: [bT, (b+1)T); only b from tB/T to ((t+1)B-1)/T meet */
        size_t lo = t * B, hi = (t + 1) * B;
        for (size_t b = lo / T; b < B && b * T < hi; b++) {
            size_t a = b * T > lo ? b * T : lo, e = (b + 1) * T < hi ? (b + 1) * T : hi;
            if (e > a) bins[b] += x * (double)(e - a) / (double)B;
        }
    }
}

void exp_normalise(double *x, size_t n)
{
    double s = 0.0;
    for (size_t i = 0; i < n; i++) s += x[i];
    if (s > 0.0)
        for (size_t i = 0; i < n; i++) x[i] /= s;
}

double exp_second_half(const double *x, size_t B)
{
    double s = 0.0, all = 0.0;
    for (size_t b = 0; b < B; b++) {
        all += x[b];
        if (2 * b + 1 == B) s += 0.5 * x[b];
        else if (2 * b >= B) s += x[b];
    }
    return all > 0.0 ? s / all : NAN;
}

double exp_roughness(const double *x, size_t B)
{
    double s = 0.0;
    for (size_t b = 0; b + 1 < B; b++) s += fabs(x[b + 1] - x[b]);
    return s;
}

const double *exp_position_dist(const exp_position_result *r, int method, size_t c, int part)
{
    return r->dist + (((size_t)method * r->classes + c) * EXP_POS_PARTS + (size_t)part) * r->bins;
}

void exp_position_free(exp_position_result *r)
{
    if (!r) return;
    free(r->dist);
    memset(r, 0, sizeof *r);
}

lrp_status exp_position(const lrp_model *model, const exp_sentence *sentences, size_t n,
                        size_t min_length, size_t B, const exp_run *run,
                        exp_position_result *out, lrp_error *err)
{
    memset(out, 0, sizeof *out);
    if (B < 1) return lrp_fail(err, LRP_ERR_ARGUMENT, "the number of intervals must be >= 1");
    lrp_model_info info;
    lrp_model_get_info(model, &info);
    const size_t C = info.classes;
    size_t N = 0;
    for (size_t i = 0; i < n; i++) N += sentences[i].T >= min_length;

    out->dist = alloc_array(EXP_POS_METHODS * C * EXP_POS_PARTS * B, sizeof *out->dist, err);
    int *targets = alloc_array(C, sizeof *targets, err);
    lrp_sentence *views = alloc_array(EXP_CHUNK, sizeof *views, err);
    lrp_result *res = alloc_array(EXP_CHUNK, sizeof *res, err);
    lrp_status st = out->dist && targets && views && res ? LRP_OK : LRP_ERR_NOMEM;
    out->sentences = N;
    out->bins = B;
    out->classes = C;
    out->has_bwd = info.directions == 2;
    for (size_t c = 0; c < C; c++) targets[c] = (int)c;

    lrp_options o;
    lrp_options_init(&o);
    o.methods = LRP_METHOD_BIT(LRP_METHOD_LRP) | LRP_METHOD_BIT(LRP_METHOD_SA);
    o.targets = targets;
    o.n_targets = C;
    o.eps = run->eps;
    size_t done_n = 0, i = 0;
    progress(run, 0, N);
    while (st == LRP_OK && i < n) {
        size_t m = 0;
        for (; i < n && m < EXP_CHUNK; i++)
            if (sentences[i].T >= min_length) views[m++] = view_of(&sentences[i]);
        if (!m) break;
        st = lrp_explain_batch(model, views, m, &o, run->threads, res, err);
        /* sums in data order: the bytes do not depend on the threads */
        for (size_t j = 0; j < m && st == LRP_OK; j++) {
            for (size_t c = 0; c < C; c++)
                for (int meth = 0; meth < EXP_POS_METHODS; meth++) {
                    const lrp_explanation *e = &res[j].explanations[c * 2 + (size_t)meth];
                    int absolute = meth == EXP_POS_LRP;
                    double *d = (double *)exp_position_dist(out, meth, c, EXP_POS_TOTAL);
                    exp_position_add(d, B, e->relevance, res[j].length, absolute);
                    exp_position_add(d + B, B, e->relevance_fwd, res[j].length, absolute);
                    if (e->relevance_bwd) exp_position_add(d + 2 * B, B, e->relevance_bwd, res[j].length, absolute);
                }
            lrp_result_free(&res[j]);
        }
        done_n += m;
        progress(run, done_n, N);
    }
    if (st == LRP_OK)
        for (size_t k = 0; k < EXP_POS_METHODS * C * EXP_POS_PARTS; k++) exp_normalise(out->dist + k * B, B);
    else
        exp_position_free(out);
    free(targets), free(views), free(res);
    return st;
}

// ----------------------------------------------------------------------------
// negation

int exp_is_negator(const char *w)
{
    static const char *const negators[] = {"not", "n't", "no", "never", "neither", "nor"};
    for (size_t k = 0; k < sizeof negators / sizeof negators[0]; k++)
        if (strcmp(w, negators[k]) == 0) return 1;
    return 0;
}

void exp_negation_add(exp_negation *acc, const char *const *words, const int *word_labels,
                      const double *relevance, size_t T, int neutral)
{
    for (size_t t = 0; t < T; t++) {
        if (!exp_is_negator(words[t])) continue;
        if (t + 1 < T && word_labels[t + 1] < neutral) acc->sum_neg_next += relevance[t], acc->n_neg_next++;
        if (t + 1 < T && word_labels[t + 1] > neutral) acc->sum_pos_next += relevance[t], acc->n_pos_next++;
        size_t u = t + 1;
        while (u < T && word_labels[u] == neutral) u++;
        if (u == T) continue;
        if (word_labels[u] < neutral) acc->sum_neg += relevance[t], acc->n_neg++;
        else acc->sum_pos += relevance[t], acc->n_pos++;
    }
}
