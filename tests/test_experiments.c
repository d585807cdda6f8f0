/*
 * test_experiments.c - the experiments' arithmetic (app/experiments.h) on tiny
 * hand-made cases, then the deletion and position drivers against a recomputation
 * one sentence at a time on a small random model:
 *
 *   - interval overlap: words split over the intervals by exact overlap, |R| for LRP,
 *     every word's weight conserved;
 *   - deletion order: decreasing for initially correct, increasing for initially
 *     false sentences, ties by position (earlier first), NaN last;
 *   - random orders: permutations fixed by (seed, sentence, run), mean and
 *     population std over the runs;
 *   - Table 1 ranking: first k distinct words by occurrence, and by mean with a
 *     minimum count; the negation and position statistics;
 *   - the drivers: the same bytes for 1 and 3 threads, equal to a recomputation.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "app/experiments.h"
#include "testutil.h"

// ----------------------------------------------------------------------------
// hand-made cases

static void test_interval_overlap(void)
{
    /* T = 3, B = 2: word 0 in interval 0, word 1 half in each, word 2 in interval 1 */
    double w3[3] = {1, 2, 4}, bins[10] = {0};
    exp_position_add(bins, 2, w3, 3, 0);
    double want2[2] = {2, 5};
    TU_CLOSE("T=3 B=2", bins, want2, 2, 1e-15, 0);

    /* T = 4, B = 10: word 0 = [0, 0.25) covers intervals 0 and 1 and half of 2 */
    double w4[4] = {1, 0, 0, 0};
    memset(bins, 0, sizeof bins);
    exp_position_add(bins, 10, w4, 4, 0);
    double want10[10] = {0.4, 0.4, 0.2, 0, 0, 0, 0, 0, 0, 0};
    TU_CLOSE("T=4 B=10 word 0", bins, want10, 10, 1e-15, 0);

    /* |R| for LRP: a negative word counts with its magnitude; signed otherwise */
    double wneg[2] = {-3, 1};
    memset(bins, 0, sizeof bins);
    exp_position_add(bins, 2, wneg, 2, 1);
    double wantabs[2] = {3, 1};
    TU_CLOSE("absolute", bins, wantabs, 2, 1e-15, 0);
    memset(bins, 0, sizeof bins);
    exp_position_add(bins, 2, wneg, 2, 0);
    double wantsigned[2] = {-3, 1};
    TU_CLOSE("signed", bins, wantsigned, 2, 1e-15, 0);

    /* one word covers every interval equally; intervals accumulate across calls */
    double one = 5;
    memset(bins, 0, sizeof bins);
    exp_position_add(bins, 10, &one, 1, 0);
    exp_position_add(bins, 10, &one, 1, 0);
    for (size_t b = 0; b < 10; b++) TU_CHECK(fabs(bins[b] - 1.0) < 1e-15, "T=1: bin %zu = %g, expected 1", b, bins[b]);

    /* conservation for every length and interval count */
    for (size_t T = 1; T <= 40; T++)
        for (size_t B = 1; B <= 12; B++) {
            double w[40], b2[12] = {0}, sw = 0, sb = 0;
            for (size_t t = 0; t < T; t++) sw += w[t] = (double)((t * 7 + 3) % 11) - 4.0;
            exp_position_add(b2, B, w, T, 0);
            for (size_t b = 0; b < B; b++) sb += b2[b];
            TU_CHECK(fabs(sw - sb) < 1e-12, "T=%zu B=%zu: bins sum to %g, words to %g", T, B, sb, sw);
        }

    double x[4] = {1, 3, 0, 4};
    exp_normalise(x, 4);
    double wantn[4] = {0.125, 0.375, 0, 0.5};
    TU_CLOSE("normalise", x, wantn, 4, 1e-15, 0);
    double z[2] = {0, 0};
    exp_normalise(z, 2);
    TU_CHECK(z[0] == 0 && z[1] == 0, "normalising zeros changes them");

    double u10[10] = {1, 1, 1, 1, 1, 1, 1, 1, 1, 1}, u3[3] = {1, 1, 1}, late[4] = {0, 0, 1, 3};
    TU_CHECK(fabs(exp_second_half(u10, 10) - 0.5) < 1e-15, "uniform B=10: second half %g", exp_second_half(u10, 10));
    TU_CHECK(fabs(exp_second_half(u3, 3) - 0.5) < 1e-15, "uniform B=3: middle counts half");
    TU_CHECK(fabs(exp_second_half(late, 4) - 1.0) < 1e-15, "all in the second half");
    double bump[3] = {0, 1, 0};
    TU_CHECK(fabs(exp_roughness(bump, 3) - 2.0) < 1e-15, "roughness of 0 1 0 = %g", exp_roughness(bump, 3));
    TU_CHECK(exp_roughness(u10, 10) == 0.0, "a flat distribution is smooth");
}

static void test_deletion_orders(void)
{
    double r[5] = {1, 3, 3, 0, 3};
    size_t order[6];
    exp_deletion_order(r, 5, 1, order);
    size_t dec[5] = {1, 2, 4, 0, 3};
    for (size_t t = 0; t < 5; t++) TU_CHECK(order[t] == dec[t], "decreasing: order[%zu] = %zu, expected %zu", t, order[t], dec[t]);
    exp_deletion_order(r, 5, 0, order);
    size_t inc[5] = {3, 0, 1, 2, 4};
    for (size_t t = 0; t < 5; t++) TU_CHECK(order[t] == inc[t], "increasing: order[%zu] = %zu, expected %zu", t, order[t], inc[t]);

    /* signed relevance: the most negative word first on a false sentence */
    double s[4] = {0.5, -2, 0.1, -2};
    exp_deletion_order(s, 4, 0, order);
    TU_CHECK(order[0] == 1 && order[1] == 3 && order[2] == 2 && order[3] == 0, "increasing signed: %zu %zu %zu %zu",
             order[0], order[1], order[2], order[3]);
    exp_deletion_order(s, 4, 1, order);
    TU_CHECK(order[0] == 0 && order[1] == 2 && order[2] == 1 && order[3] == 3, "decreasing signed: %zu %zu %zu %zu",
             order[0], order[1], order[2], order[3]);

    /* NaN last in both orders */
    double n3[3] = {NAN, 1, 2};
    exp_deletion_order(n3, 3, 1, order);
    TU_CHECK(order[0] == 2 && order[1] == 1 && order[2] == 0, "NaN last (decreasing)");
    exp_deletion_order(n3, 3, 0, order);
    TU_CHECK(order[0] == 1 && order[1] == 2 && order[2] == 0, "NaN last (increasing)");

    /* all equal: position order */
    double eq[6] = {0};
    exp_deletion_order(eq, 6, 1, order);
    for (size_t t = 0; t < 6; t++) TU_CHECK(order[t] == t, "all ties: position order");
}

static void test_random(void)
{
    size_t a[12], b[12];
    exp_random_order(42, 7, 3, 12, a);
    exp_random_order(42, 7, 3, 12, b);
    TU_CHECK(memcmp(a, b, sizeof a) == 0, "same (seed, sentence, run), different order");
    unsigned seen[12] = {0};
    for (size_t t = 0; t < 12; t++) seen[a[t] < 12 ? a[t] : 0]++;
    for (size_t t = 0; t < 12; t++) TU_CHECK(seen[t] == 1, "not a permutation: %zu seen %u times", t, seen[t]);
    /* the generator is part of the results: pin its first values */
    size_t pinned[10];
    exp_random_order(1, 0, 0, 10, pinned);
    size_t want[5] = {8, 2, 3, 4, 1};
    for (size_t t = 0; t < 5; t++)
        TU_CHECK(pinned[t] == want[t], "seed 1, sentence 0, run 0: order[%zu] = %zu, expected %zu (the generator changed: "
                 "every random deletion result changes with it)", t, pinned[t], want[t]);
    int differ_run = 0, differ_sentence = 0, differ_seed = 0;
    for (uint64_t k = 0; k < 20; k++) {
        exp_random_order(42, 7, 3 + k + 1, 12, b);
        differ_run += memcmp(a, b, sizeof a) != 0;
        exp_random_order(42, 8 + k, 3, 12, b);
        differ_sentence += memcmp(a, b, sizeof a) != 0;
        exp_random_order(43 + k, 7, 3, 12, b);
        differ_seed += memcmp(a, b, sizeof a) != 0;
    }
    TU_CHECK(differ_run >= 19 && differ_sentence >= 19 && differ_seed >= 19, "orders do not depend on run/sentence/seed: %d %d %d",
             differ_run, differ_sentence, differ_seed);

    /* uniform: the first position of T = 5 over 20000 streams, each value 4000 +- 5 sigma */
    unsigned first[5] = {0};
    for (uint64_t s = 0; s < 20000; s++) {
        exp_random_order(9, s, 0, 5, b);
        first[b[0]]++;
    }
    for (size_t t = 0; t < 5; t++) TU_CHECK(abs((int)first[t] - 4000) < 5 * 57, "position %zu first %u times of 20000", t, first[t]);

    double runs[4] = {0.5, 0.7, 0.5, 0.7}, mean, sd;
    exp_mean_std(runs, 4, &mean, &sd);
    TU_CHECK(fabs(mean - 0.6) < 1e-15 && fabs(sd - 0.1) < 1e-15, "mean %g std %g, expected 0.6 0.1 (population)", mean, sd);
    exp_mean_std(runs, 0, &mean, &sd);
    TU_CHECK(isnan(mean) && isnan(sd), "no runs: NaN");
}

static void test_rank_words(void)
{
    const char *w[5] = {"a", "b", "a", "c", "b"};
    double v[5] = {5, 4, 5, 1, -2};
    exp_ranked out[5];
    size_t n = 0;
    lrp_error err;
    lrp_status st = exp_rank_words(w, v, 5, 2, 0, EXP_AGG_OCCURRENCE, 0, out, &n, &err);
    TU_CHECK_STATUS(st, LRP_OK, err);
    TU_CHECK(n == 2 && !strcmp(out[0].word, "a") && out[0].occurrence == 0 && !strcmp(out[1].word, "b") &&
                 out[1].value == 4,
             "most by occurrence: a (occurrence 0), b (4)");
    exp_rank_words(w, v, 5, 2, 1, EXP_AGG_OCCURRENCE, 0, out, &n, &err);
    TU_CHECK(n == 2 && !strcmp(out[0].word, "b") && out[0].value == -2 && out[0].occurrence == 4 &&
                 !strcmp(out[1].word, "c"),
             "least by occurrence: b (-2), c");
    exp_rank_words(w, v, 5, 10, 0, EXP_AGG_OCCURRENCE, 0, out, &n, &err);
    TU_CHECK(n == 3, "k larger than the distinct words: %zu listed, expected 3", n);

    /* mean: a = 5 (2), b = 1 (2), c = 1 (1); ties by the word seen first */
    exp_rank_words(w, v, 5, 5, 0, EXP_AGG_MEAN, 1, out, &n, &err);
    TU_CHECK(n == 3 && !strcmp(out[0].word, "a") && !strcmp(out[1].word, "b") && !strcmp(out[2].word, "c") &&
                 out[1].value == 1 && out[1].count == 2 && out[0].occurrence == 0,
             "most by mean: a b c");
    exp_rank_words(w, v, 5, 5, 1, EXP_AGG_MEAN, 2, out, &n, &err);
    TU_CHECK(n == 2 && !strcmp(out[0].word, "b") && !strcmp(out[1].word, "a"), "least by mean, min count 2: b a");
    exp_rank_words(w, v, 5, 5, 1, EXP_AGG_MEAN, 3, out, &n, &err);
    TU_CHECK(n == 0, "min count above every count: nothing listed");
    exp_rank_words(w, v, 0, 5, 1, EXP_AGG_MEAN, 3, out, &n, &err);
    TU_CHECK(n == 0, "no occurrences");
}

static void test_negation(void)
{
    const char *w[9] = {"it", "is", "n't", "a", "good", "film", "not", "bad", "never"};
    int lab[9] = {2, 2, 2, 2, 3, 2, 2, 1, 2};
    double r[9] = {0, 0, 0.5, 0, 0, 0, -0.25, 0, 9};
    exp_negation acc = {0};
    exp_negation_add(&acc, w, lab, r, 9, 2);
    TU_CHECK(acc.n_pos == 1 && acc.sum_pos == 0.5, "n't ... good: positive group (%zu, %g)", acc.n_pos, acc.sum_pos);
    TU_CHECK(acc.n_neg == 1 && acc.sum_neg == -0.25, "not bad: negative group (%zu, %g)", acc.n_neg, acc.sum_neg);
    TU_CHECK(acc.n_pos_next == 0 && acc.n_neg_next == 1 && acc.sum_neg_next == -0.25,
             "right after the negator: only 'not bad' counts (%zu, %zu)", acc.n_neg_next, acc.n_pos_next);
    TU_CHECK(exp_is_negator("nor") && exp_is_negator("neither") && !exp_is_negator("nothing"), "negators");
}

// ----------------------------------------------------------------------------
// the drivers on a small random model

enum { NS = 60, V = 30, C = 5 };

typedef struct corpus {
    int32_t ids[NS][24];
    exp_sentence s[NS];
} corpus;

static void make_corpus(corpus *c)
{
    unsigned long long rng = 5;
    for (size_t i = 0; i < NS; i++) {
        size_t T = 2 + (size_t)(tu_uniform(&rng) * 22);
        for (size_t t = 0; t < T; t++) c->ids[i][t] = (int32_t)(tu_uniform(&rng) * V);
        c->s[i] = (exp_sentence){c->ids[i], T, (int)(tu_uniform(&rng) * C)};
    }
}

static void test_deletion_driver(const lrp_model *m, const corpus *c)
{
    exp_deletion_options o;
    exp_deletion_options_init(&o);
    o.min_length = 6;
    o.max_deletions = 4;
    o.random_runs = 3;
    o.seed = 11;
    exp_run run;
    exp_run_init(&run);
    exp_deletion_result r1, r3;
    lrp_error err;
    run.threads = 1;
    lrp_status st = exp_deletion(m, c->s, NS, &o, &run, &r1, &err);
    TU_CHECK_STATUS(st, LRP_OK, err);
    run.threads = 3;
    st = exp_deletion(m, c->s, NS, &o, &run, &r3, &err);
    TU_CHECK_STATUS(st, LRP_OK, err);
    if (st != LRP_OK) return;
    const size_t K1 = o.max_deletions + 1;
    for (int p = 0; p < 2; p++) {
        const exp_deletion_panel *a = p ? &r1.false_ : &r1.correct, *b = p ? &r3.false_ : &r3.correct;
        for (int v = 0; v < EXP_DEL_VARIANTS; v++)
            TU_CHECK(memcmp(a->accuracy[v], b->accuracy[v], K1 * sizeof(double)) == 0, "panel %d %s: 1 and 3 threads differ", p,
                     exp_deletion_name(v));
        TU_CHECK(memcmp(a->random_std, b->random_std, K1 * sizeof(double)) == 0, "random std: threads differ");
    }

    /* recompute one sentence at a time: lrp_explain, the order, lrp_predict with deletions */
    size_t N = 0, n_ok[2] = {0};
    size_t hits[2][EXP_DEL_VARIANTS - 1 + 3][5] = {{{0}}};
    for (size_t i = 0; i < NS; i++) {
        const exp_sentence *s = &c->s[i];
        if (s->T < o.min_length) continue;
        N++;
        lrp_options lo;
        lrp_options_init(&lo);
        lo.methods = LRP_METHODS_ALL;
        lo.targets = &s->label;
        lo.n_targets = 1;
        lrp_result res;
        lrp_sentence view = {s->ids, s->T, NULL};
        if (lrp_explain(m, &view, &lo, &res, &err) != LRP_OK) {
            TU_CHECK(0, "lrp_explain: %s", err.message);
            continue;
        }
        int correct = res.predicted == s->label, panel = correct ? 0 : 1;
        n_ok[panel]++;
        for (size_t v = 0; v < 4 + 3; v++) {
            size_t order[24];
            if (v < 4) exp_deletion_order(res.explanations[v].relevance, s->T, correct, order);
            else exp_random_order(o.seed, i, v - 4, s->T, order);
            for (size_t k = 0; k < K1; k++) {
                unsigned char del[24] = {0};
                for (size_t d = 0; d < k; d++) del[order[d]] = 1;
                lrp_sentence dv = {s->ids, s->T, del};
                double sc[C];
                lrp_predict(m, &dv, sc, &err);
                int best = 0;
                for (int q = 1; q < C; q++)
                    if (sc[q] > sc[best]) best = q;
                hits[panel][v][k] += best == s->label;
            }
        }
        lrp_result_free(&res);
    }
    TU_CHECK(r1.sentences == N && r1.correct.n == n_ok[0] && r1.false_.n == n_ok[1], "counts: %zu (%zu + %zu), expected %zu (%zu + %zu)",
             r1.sentences, r1.correct.n, r1.false_.n, N, n_ok[0], n_ok[1]);
    TU_CHECK(n_ok[0] > 0 && n_ok[1] > 0, "the test corpus needs both panels (%zu, %zu)", n_ok[0], n_ok[1]);
    for (int p = 0; p < 2; p++) {
        const exp_deletion_panel *a = p ? &r1.false_ : &r1.correct;
        for (size_t k = 0; k < K1; k++) {
            for (int v = 0; v < 4; v++) {
                double want = (double)hits[p][v][k] / (double)n_ok[p];
                TU_CHECK(a->accuracy[v][k] == want, "panel %d %s k=%zu: %g, recomputed %g", p, exp_deletion_name(v), k,
                         a->accuracy[v][k], want);
            }
            double runs[3], mean, sd;
            for (int r = 0; r < 3; r++) runs[r] = (double)hits[p][4 + r][k] / (double)n_ok[p];
            exp_mean_std(runs, 3, &mean, &sd);
            TU_CHECK(fabs(a->accuracy[EXP_DEL_RANDOM][k] - mean) < 1e-15 && fabs(a->random_std[k] - sd) < 1e-15,
                     "panel %d random k=%zu: %g +- %g, recomputed %g +- %g", p, k, a->accuracy[EXP_DEL_RANDOM][k],
                     a->random_std[k], mean, sd);
        }
        TU_CHECK(a->accuracy[EXP_DEL_LRP][0] == (p ? 0.0 : 1.0), "k = 0 is the initial panel");
    }
    exp_deletion_free(&r1);
    exp_deletion_free(&r3);

    /* more deletions than words: the whole sentence goes, nothing breaks */
    o.min_length = 1;
    o.max_deletions = 30;
    st = exp_deletion(m, c->s, NS, &o, &run, &r1, &err);
    TU_CHECK_STATUS(st, LRP_OK, err);
    exp_deletion_free(&r1);
    o.random_runs = 0;
    st = exp_deletion(m, c->s, NS, &o, &run, &r1, &err);
    TU_CHECK_STATUS(st, LRP_ERR_ARGUMENT, err);
    exp_sentence bad = c->s[0];
    bad.label = C;
    o.random_runs = 1;
    st = exp_deletion(m, &bad, 1, &o, &run, &r1, &err);
    TU_CHECK_STATUS(st, LRP_ERR_ARGUMENT, err);
}

static void test_position_driver(const lrp_model *m, const corpus *c)
{
    exp_run run;
    exp_run_init(&run);
    exp_position_result r1, r2;
    lrp_error err;
    run.threads = 1;
    lrp_status st = exp_position(m, c->s, NS, 8, 10, &run, &r1, &err);
    TU_CHECK_STATUS(st, LRP_OK, err);
    run.threads = 3;
    st = exp_position(m, c->s, NS, 8, 10, &run, &r2, &err);
    TU_CHECK_STATUS(st, LRP_OK, err);
    if (st != LRP_OK) return;
    size_t cells = EXP_POS_METHODS * C * EXP_POS_PARTS * 10;
    TU_CHECK(memcmp(r1.dist, r2.dist, cells * sizeof(double)) == 0, "position: 1 and 3 threads differ");

    /* recompute LRP's forward-encoder distribution for target 2 and SA's total for target 4 */
    double lrp_fwd[10] = {0}, sa_tot[10] = {0};
    size_t N = 0;
    for (size_t i = 0; i < NS; i++) {
        const exp_sentence *s = &c->s[i];
        if (s->T < 8) continue;
        N++;
        int targets[2] = {2, 4};
        lrp_options lo;
        lrp_options_init(&lo);
        lo.methods = LRP_METHOD_BIT(LRP_METHOD_LRP) | LRP_METHOD_BIT(LRP_METHOD_SA);
        lo.targets = targets;
        lo.n_targets = 2;
        lrp_result res;
        lrp_sentence view = {s->ids, s->T, NULL};
        lrp_explain(m, &view, &lo, &res, &err);
        exp_position_add(lrp_fwd, 10, res.explanations[0].relevance_fwd, s->T, 1);
        exp_position_add(sa_tot, 10, res.explanations[3].relevance, s->T, 0);
        lrp_result_free(&res);
    }
    exp_normalise(lrp_fwd, 10);
    exp_normalise(sa_tot, 10);
    TU_CHECK(r1.sentences == N, "position: %zu sentences, expected %zu", r1.sentences, N);
    TU_CLOSE("LRP fwd, target 2", exp_position_dist(&r1, EXP_POS_LRP, 2, EXP_POS_FWD), lrp_fwd, 10, 1e-15, 0);
    TU_CLOSE("SA total, target 4", exp_position_dist(&r1, EXP_POS_SA, 4, EXP_POS_TOTAL), sa_tot, 10, 1e-15, 0);
    for (int meth = 0; meth < EXP_POS_METHODS; meth++)
        for (size_t cl = 0; cl < C; cl++)
            for (int part = 0; part < EXP_POS_PARTS; part++) {
                const double *d = exp_position_dist(&r1, meth, cl, part);
                double s = 0;
                for (size_t b = 0; b < 10; b++) {
                    s += d[b];
                    TU_CHECK(d[b] >= 0, "negative share");
                }
                TU_CHECK(fabs(s - 1) < 1e-12, "distribution %d/%zu/%d sums to %g", meth, cl, part, s);
            }
    exp_position_free(&r1);
    exp_position_free(&r2);
}

int main(void)
{
    test_interval_overlap();
    test_deletion_orders();
    test_random();
    test_rank_words();
    test_negation();

    lrp_model *m = tu_random_model(V, 4, 3, C, 1, 2, 1, 1.5, 77);
    TU_REQUIRE(m != NULL, "random model");
    corpus *c = malloc(sizeof *c);
    make_corpus(c);
    test_deletion_driver(m, c);
    test_position_driver(m, c);
    free(c);
    lrp_model_free(m);
    return tu_finish();
}
