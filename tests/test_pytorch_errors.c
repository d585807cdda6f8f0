/*
 * test_pytorch_errors.c - PyTorch state_dicts the loader must refuse, or must find
 * its way through: each case builds a file with PyTorch's tensor names, changes one
 * thing, and checks the status and the key words of the message (what was found and
 * what was expected), and that no model comes back. Also the load options: module
 * paths, side files for vocabulary and labels, unk and lowercase.
 *
 * The base model: V=5 words, E=3, H=2, C=2 classes, emb. / lstm. / fc., one
 * bidirectional layer with biases, fc bias.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/model.h"
#include "testutil.h"

#define V 5
#define E 3
#define H 2
#define C 2
#define G (4 * H)

// ----------------------------------------------------------------------------
// a state_dict as a list of named tensors

#define MAX_T 64

typedef struct tensor {
    char name[64];
    char dtype[8];      /* "F64" (values written), or another dtype (zero bytes) */
    size_t rank, shape[3];
    double fill;        /* value of element 0; the others count up from it */
    double special;     /* when nonzero: element `at` gets this value */
    size_t at;
    int rounded;        /* F64 values rounded to float first (the same values as F32) */
} tensor;

typedef struct sdict {
    cJSON *meta; /* NULL: no __metadata__ */
    tensor t[MAX_T];
    size_t n;
} sdict;

static tensor *add(sdict *d, const char *name, size_t rank, size_t r0, size_t r1)
{
    tensor *t = &d->t[d->n++];
    memset(t, 0, sizeof *t);
    snprintf(t->name, sizeof t->name, "%s", name);
    snprintf(t->dtype, sizeof t->dtype, "F64");
    t->rank = rank;
    t->shape[0] = r0;
    t->shape[1] = r1;
    t->fill = 0.01 * (double)d->n;
    return t;
}

static tensor *find(sdict *d, const char *name)
{
    for (size_t i = 0; i < d->n; i++)
        if (strcmp(d->t[i].name, name) == 0) return &d->t[i];
    fprintf(stderr, "no tensor %s\n", name);
    exit(1);
}

static void del(sdict *d, const char *name)
{
    tensor *t = find(d, name);
    size_t i = (size_t)(t - d->t);
    memmove(t, t + 1, (d->n - i - 1) * sizeof *t);
    d->n--;
}

static void set_meta(sdict *d, const char *key, const char *value)
{
    if (!d->meta) d->meta = cJSON_CreateObject();
    cJSON_DeleteItemFromObjectCaseSensitive(d->meta, key);
    if (value) cJSON_AddStringToObject(d->meta, key, value);
}

/* One layer k of an nn.LSTM (gates = 4) or nn.GRU (3), both directions unless D = 1,
 * with hidden size h and input size in. */
static void add_rnn_layer(sdict *d, const char *p, size_t k, size_t in, size_t h, size_t D, int bias, size_t gates)
{
    static const char *const suffix[2] = {"", "_reverse"};
    char name[64];
    for (size_t r = 0; r < D; r++) {
        snprintf(name, sizeof name, "%sweight_ih_l%zu%s", p, k, suffix[r]);
        add(d, name, 2, gates * h, in);
        snprintf(name, sizeof name, "%sweight_hh_l%zu%s", p, k, suffix[r]);
        add(d, name, 2, gates * h, h);
        if (!bias) continue;
        snprintf(name, sizeof name, "%sbias_ih_l%zu%s", p, k, suffix[r]);
        add(d, name, 1, gates * h, 0);
        snprintf(name, sizeof name, "%sbias_hh_l%zu%s", p, k, suffix[r]);
        add(d, name, 1, gates * h, 0);
    }
}

static void add_layer(sdict *d, const char *p, size_t k, size_t in, size_t h, size_t D, int bias)
{
    add_rnn_layer(d, p, k, in, h, D, bias, 4);
}

/* The base model, vocabulary and labels in the metadata. */
static void base(sdict *d)
{
    memset(d, 0, sizeof *d);
    set_meta(d, "vocab", "<unk>\ngood\nbad\nmovie\n.");
    set_meta(d, "labels", "negative\npositive");
    add(d, "emb.weight", 2, V, E);
    add_layer(d, "lstm.", 0, E, H, 2, 1);
    add(d, "fc.weight", 2, C, 2 * H);
    add(d, "fc.bias", 1, C, 0);
}

static void sdict_free(sdict *d)
{
    cJSON_Delete(d->meta);
    d->meta = NULL;
}

static size_t dtype_width(const char *dtype)
{
    if (strcmp(dtype, "F64") == 0 || strcmp(dtype, "I64") == 0) return 8;
    if (strcmp(dtype, "F32") == 0) return 4;
    return 2; /* F16, BF16 */
}

static unsigned char *sdict_bytes(const sdict *d, size_t *n)
{
    cJSON *h = cJSON_CreateObject();
    if (d->meta) cJSON_AddItemToObject(h, "__metadata__", cJSON_Duplicate(d->meta, 1));
    size_t at = 0, sizes[MAX_T];
    for (size_t i = 0; i < d->n; i++) {
        const tensor *t = &d->t[i];
        size_t numel = 1;
        for (size_t k = 0; k < t->rank; k++) numel *= t->shape[k];
        sizes[i] = numel * dtype_width(t->dtype);
        cJSON *e = cJSON_AddObjectToObject(h, t->name);
        cJSON_AddStringToObject(e, "dtype", t->dtype);
        cJSON *shape = cJSON_AddArrayToObject(e, "shape");
        for (size_t k = 0; k < t->rank; k++) cJSON_AddItemToArray(shape, cJSON_CreateNumber((double)t->shape[k]));
        cJSON *off = cJSON_AddArrayToObject(e, "data_offsets");
        cJSON_AddItemToArray(off, cJSON_CreateNumber((double)at));
        cJSON_AddItemToArray(off, cJSON_CreateNumber((double)(at + sizes[i])));
        at += sizes[i];
    }
    char *json = cJSON_PrintUnformatted(h);
    cJSON_Delete(h);
    size_t len = strlen(json), hl = (len + 7) / 8 * 8; /* padded with spaces, as writers do */
    *n = 8 + hl + at;
    unsigned char *out = calloc(*n, 1), *p = out + 8 + hl;
    for (int k = 0; k < 8; k++) out[k] = (unsigned char)((uint64_t)hl >> (8 * k));
    memcpy(out + 8, json, len);
    memset(out + 8 + len, ' ', hl - len);
    free(json);
    for (size_t i = 0; i < d->n; i++) {
        const tensor *t = &d->t[i];
        if (strcmp(t->dtype, "F64") == 0) {
            for (size_t j = 0; j < sizes[i] / 8; j++) {
                double v = t->special != 0.0 && j == t->at ? t->special : t->fill + 0.001 * (double)j;
                if (t->rounded) v = (double)(float)v;
                uint64_t bits;
                memcpy(&bits, &v, 8);
                for (int k = 0; k < 8; k++) p[8 * j + (size_t)k] = (unsigned char)(bits >> (8 * k));
            }
        } else if (strcmp(t->dtype, "F32") == 0) {
            for (size_t j = 0; j < sizes[i] / 4; j++) {
                float v = (float)(t->special != 0.0 && j == t->at ? t->special : t->fill + 0.001 * (double)j);
                uint32_t bits;
                memcpy(&bits, &v, 4);
                for (int k = 0; k < 4; k++) p[4 * j + (size_t)k] = (unsigned char)(bits >> (8 * k));
            }
        }
        p += sizes[i];
    }
    return out;
}

// ----------------------------------------------------------------------------
// expectations

static lrp_status load(const sdict *d, const lrp_load_options *o, lrp_model **m, lrp_error *err)
{
    size_t n;
    unsigned char *b = sdict_bytes(d, &n);
    *m = (lrp_model *)m; /* must be reset */
    lrp_status st = lrp_model_load_memory_ex(m, b, n, o, err);
    free(b);
    return st;
}

/* Must fail with `want`, no model, and a message with k1 and k2 (when not NULL). */
static void expect_fail_with(const char *tag, const sdict *d, const lrp_load_options *o,
                             lrp_status want, const char *k1, const char *k2)
{
    lrp_model *m;
    lrp_error err;
    lrp_status st = load(d, o, &m, &err);
    TU_CHECK(st == want, "%s: status %s (%s), expected %s", tag, lrp_status_string(st),
             st == LRP_OK ? "" : err.message, lrp_status_string(want));
    TU_CHECK(m == NULL, "%s: a model came back", tag);
    if (st == LRP_OK) {
        lrp_model_free(m);
        return;
    }
    TU_CHECK(strstr(err.message, k1) != NULL, "%s: message \"%s\" lacks \"%s\"", tag, err.message, k1);
    if (k2) TU_CHECK(strstr(err.message, k2) != NULL, "%s: message \"%s\" lacks \"%s\"", tag, err.message, k2);
}

static void expect_fail(const char *tag, const sdict *d, const char *k1, const char *k2)
{
    expect_fail_with(tag, d, NULL, LRP_ERR_FORMAT, k1, k2);
}

/* The base state_dict with dimension `dim` of one tensor set to `value` must fail
 * saying k1 (and k2). */
static void expect_shape_fail(const char *tag, const char *name, size_t dim, size_t value, const char *k1,
                              const char *k2)
{
    sdict d;
    base(&d);
    find(&d, name)->shape[dim] = value;
    expect_fail(tag, &d, k1, k2);
    sdict_free(&d);
}

/* Must load; returns the model (caller frees) or NULL after recording the failure. */
static lrp_model *expect_ok(const char *tag, const sdict *d, const lrp_load_options *o)
{
    lrp_model *m;
    lrp_error err;
    lrp_status st = load(d, o, &m, &err);
    TU_CHECK(st == LRP_OK, "%s: does not load: %s", tag, err.message);
    return st == LRP_OK ? m : NULL;
}

// ----------------------------------------------------------------------------
// what loads

static void test_valid(void)
{
    sdict d;
    base(&d);
    lrp_model *m = expect_ok("base", &d, NULL);
    if (m) {
        lrp_model_info in;
        lrp_model_get_info(m, &in);
        TU_CHECK(in.vocab_size == V && in.embed_dim == E && in.hidden_dim == H && in.classes == C &&
                     in.layers == 1 && in.directions == 2 && in.has_output_bias && in.unk_id == -1,
                 "base: info");
        TU_CHECK(in.lowercase == 1, "base: an all-lowercase vocabulary means lowercase input");
        const char *src = lrp_model_source(m);
        TU_CHECK(strstr(src, "embedding emb.weight") && strstr(src, "LSTM at lstm") &&
                     strstr(src, "1 layer, bidirectional, bias_ih + bias_hh summed") &&
                     strstr(src, "classifier fc.weight + fc.bias"),
                 "base: source \"%s\"", src);
        lrp_model_free(m);
    }

    /* a capital in the vocabulary: the input is not lowercased; options override */
    set_meta(&d, "vocab", "<unk>\nGood\nbad\nmovie\n.");
    if ((m = expect_ok("capital word", &d, NULL))) {
        lrp_model_info in;
        lrp_model_get_info(m, &in);
        TU_CHECK(in.lowercase == 0, "a capitalised vocabulary means no lowercasing");
        lrp_model_free(m);
    }
    lrp_load_options o;
    lrp_load_options_init(&o);
    o.lowercase = 1;
    o.unk = "<unk>";
    if ((m = expect_ok("lowercase and unk options", &d, &o))) {
        lrp_model_info in;
        lrp_model_get_info(m, &in);
        TU_CHECK(in.lowercase == 1 && in.unk_id == 0, "options: lowercase %d unk %ld", in.lowercase,
                 in.unk_id);
        lrp_model_free(m);
    }
    set_meta(&d, "lowercase", "false");
    set_meta(&d, "unk", ".");
    set_meta(&d, "vocab", "<unk>\ngood\nbad\nmovie\n.");
    if ((m = expect_ok("metadata lowercase, unk", &d, NULL))) {
        lrp_model_info in;
        lrp_model_get_info(m, &in);
        TU_CHECK(in.lowercase == 0 && in.unk_id == 4, "metadata: lowercase %d unk %ld", in.lowercase,
                 in.unk_id);
        lrp_model_free(m);
    }
    sdict_free(&d);

    /* LSTM at the top level (a bare nn.LSTM's names), format "pt", gate order given */
    base(&d);
    for (size_t i = 0; i < d.n; i++)
        if (strncmp(d.t[i].name, "lstm.", 5) == 0) memmove(d.t[i].name, d.t[i].name + 5, strlen(d.t[i].name) - 4);
    set_meta(&d, "format", "pt");
    set_meta(&d, "gate_order", "ifgo");
    if ((m = expect_ok("top-level LSTM", &d, NULL))) {
        TU_CHECK(strstr(lrp_model_source(m), "LSTM at the top level") != NULL, "source \"%s\"",
                 lrp_model_source(m));
        lrp_model_free(m);
    }
    set_meta(&d, "gate_order", "ifgx");
    expect_fail("bad gate_order", &d, "gate_order \"ifgx\"", "permutation");
    sdict_free(&d);

    /* nested module paths, 2 unidirectional layers without LSTM biases, no fc bias,
     * F32 weights */
    memset(&d, 0, sizeof d);
    set_meta(&d, "vocab", "a\nb\nc\nd\ne");
    set_meta(&d, "labels", "x\ny");
    add(&d, "model.encoder.embedding.weight", 2, V, E);
    add_layer(&d, "model.encoder.rnn.", 0, E, H, 1, 0);
    add_layer(&d, "model.encoder.rnn.", 1, H, H, 1, 0);
    add(&d, "model.head.out.weight", 2, C, H);
    for (size_t i = 0; i < d.n; i++) snprintf(d.t[i].dtype, sizeof d.t[i].dtype, "F32");
    if ((m = expect_ok("nested, unidirectional, no biases", &d, NULL))) {
        lrp_model_info in;
        lrp_model_get_info(m, &in);
        TU_CHECK(in.layers == 2 && in.directions == 1 && !in.has_output_bias, "nested: info");
        TU_CHECK(strstr(lrp_model_source(m), "2 layers, unidirectional, no biases") &&
                     strstr(lrp_model_source(m), "(no bias)"),
                 "nested: source \"%s\"", lrp_model_source(m));
        lrp_model_free(m);
    }
    sdict_free(&d);
}

// ----------------------------------------------------------------------------
// architectures that are not nn.Embedding + nn.LSTM + nn.Linear

static void test_architectures(void)
{
    sdict d;
    /* 3 gate blocks: an nn.GRU (test_gru); plain RNN: none */
    base(&d);
    for (size_t i = 0; i < d.n; i++)
        if (strncmp(d.t[i].name, "lstm.", 5) == 0) d.t[i].shape[0] = H;
    expect_fail("RNN", &d, "looks like an nn.RNN", "expected an nn.LSTM, [4H, H] = [8, 2]");
    sdict_free(&d);

    base(&d);
    add(&d, "lstm.weight_hr_l0", 2, 1, H);
    expect_fail("proj_size", &d, "found lstm.weight_hr_l0 [1, 2]", "proj_size");
    sdict_free(&d);

    base(&d);
    add(&d, "lstm.weight_ci_l0", 1, H, 0);
    expect_fail("peephole", &d, "lstm.weight_ci_l0: not a parameter of nn.LSTM", "peephole");
    sdict_free(&d);

    base(&d);
    add(&d, "lstm.weight_ih_l00", 2, G, E);
    expect_fail("leading zero in a layer", &d, "lstm.weight_ih_l00: not a parameter", NULL);
    sdict_free(&d);

    /* a second layer of which only the reverse direction is there */
    base(&d);
    add(&d, "lstm.weight_ih_l1_reverse", 2, G, 2 * H);
    expect_fail("missing layer", &d,
                "found lstm.weight_ih_l0 [8, 3] and lstm.weight_ih_l1_reverse but no lstm.weight_ih_l1;",
                "expected a 2-layer bidirectional nn.LSTM");
    sdict_free(&d);

    /* a reverse direction in one layer only */
    base(&d);
    del(&d, "lstm.weight_hh_l0_reverse");
    expect_fail("missing reverse", &d, "but no lstm.weight_hh_l0_reverse", "each also with _reverse");
    sdict_free(&d);

    /* one of the two biases */
    base(&d);
    del(&d, "lstm.bias_hh_l0");
    expect_fail("one bias", &d, "lstm.bias_ih_l0 but no lstm.bias_hh_l0", "bias_ih_l<k>, bias_hh_l<k>");
    sdict_free(&d);

    base(&d);
    add(&d, "lstm.weight_ih_l16", 2, G, 2 * H);
    expect_fail("17 layers", &d, "lstm.weight_ih_l16: layer 16", "at most 16");
    sdict_free(&d);

    /* stacked layers of different hidden sizes, and an upper layer reading H inputs */
    base(&d);
    add_layer(&d, "lstm.", 1, 2 * H, H + 1, 2, 1);
    expect_fail("hidden sizes differ", &d, "lstm.weight_ih_l1: shape [12, 4], expected [8, 4]",
                "every layer and direction has the hidden size H = 2 of lstm.weight_hh_l0");
    sdict_free(&d);
    base(&d);
    add_layer(&d, "lstm.", 1, 2 * H, H, 2, 1);
    find(&d, "lstm.weight_hh_l1")->shape[1] = H + 1;
    expect_fail("weight_hh width", &d, "lstm.weight_hh_l1: shape [8, 3], expected [8, 2]",
                "H = 2 columns, as lstm.weight_hh_l0");
    sdict_free(&d);
    base(&d);
    add_layer(&d, "lstm.", 1, H, H, 2, 1);
    expect_fail("upper layer reads H", &d, "lstm.weight_ih_l1: shape [8, 2], expected [8, 4]",
                "layer 1 reads [h_fwd; h_bwd] of layer 0: 4 inputs");
    sdict_free(&d);
    expect_shape_fail("bias length", "lstm.bias_ih_l0", 0, G + 1, "lstm.bias_ih_l0: shape [9], expected [8]", NULL);
    expect_shape_fail("reverse input size", "lstm.weight_ih_l0_reverse", 1, E + 1,
                      "lstm.weight_ih_l0_reverse: shape [8, 4], expected [8, 3]", "E = 3 inputs, as lstm.weight_ih_l0");
    base(&d);
    find(&d, "lstm.weight_hh_l0")->rank = 1;
    expect_fail("weight_hh rank 1", &d, "lstm.weight_hh_l0: shape [8]", "expected [4H, H]");
    sdict_free(&d);
    expect_shape_fail("no inputs", "lstm.weight_ih_l0", 1, 0,
                      "lstm.weight_ih_l0: shape [8, 0], expected [4H, E] with positive sizes", NULL);
    base(&d);
    for (size_t i = 0; i < d.n; i++)
        if (strncmp(d.t[i].name, "lstm.", 5) == 0) d.t[i].shape[0] = 5 * H;
    expect_fail("five gate blocks", &d, "lstm.weight_hh_l0: shape [10, 2]; expected an nn.LSTM, [4H, H] = [8, 2]", NULL);
    sdict_free(&d);

    /* two LSTMs (e.g. one per direction, reversed by hand) */
    base(&d);
    add_layer(&d, "lstm2.", 0, E, H, 1, 1);
    expect_fail("two LSTMs", &d, "found 2 recurrent modules (lstm.weight_ih_l0, lstm2.weight_ih_l0)",
                "expected one nn.LSTM or nn.GRU (for a bidirectional model: bidirectional=True)");
    sdict_free(&d);

    /* no LSTM but format "pt" */
    base(&d);
    set_meta(&d, "format", "pt");
    for (size_t i = 0; i < d.n; i++)
        if (strncmp(d.t[i].name, "lstm.", 5) == 0) d.t[i].name[4] = '_'; /* lstm_weight_ih_l0 */
    expect_fail("no LSTM", &d, "no nn.LSTM or nn.GRU in this PyTorch state_dict", "found emb.weight [5, 3]");
    sdict_free(&d);

    /* half precision */
    base(&d);
    snprintf(find(&d, "lstm.weight_hh_l0")->dtype, 8, "F16");
    expect_fail("F16", &d, "lstm.weight_hh_l0: dtype F16, expected F32 or F64", "model.float()");
    snprintf(find(&d, "lstm.weight_hh_l0")->dtype, 8, "F64");
    snprintf(find(&d, "fc.bias")->dtype, 8, "BF16");
    expect_fail("BF16 classifier bias", &d, "fc.bias: dtype BF16", NULL);
    sdict_free(&d);
}

// ----------------------------------------------------------------------------
// the embedding and the classifier

static void test_head(void)
{
    sdict d;
    expect_shape_fail("embedding width", "emb.weight", 1, E + 1,
                      "no embedding found: expected a tensor <module>.weight of shape [V, E] = [5, 3]",
                      "found emb.weight [5, 4], fc.bias [2], fc.weight [2, 4]");

    expect_shape_fail("embedding rows", "emb.weight", 0, V + 1,
                      "the embedding emb.weight is [6, 3], but the vocabulary has 5 words", NULL);

    base(&d);
    find(&d, "fc.weight")->shape[0] = C + 1;
    find(&d, "fc.bias")->shape[0] = C + 1;
    expect_fail("classifier rows", &d, "the classifier fc.weight is [3, 4], but the labels name 2 classes", NULL);
    sdict_free(&d);

    base(&d);
    find(&d, "fc.weight")->shape[1] = H;
    expect_fail("classifier on one direction", &d, "fc.weight is [2, 2] = [C, H]",
                "expected [C, 2H] = [2, 4], the forward then the backward final state");
    find(&d, "fc.weight")->shape[1] = 2 * H + 1;
    expect_fail("classifier width", &d, "no classifier found: expected a tensor <module>.weight of shape [C, 2H] = [2, 4]",
                "found emb.weight [5, 3], fc.bias [2], fc.weight [2, 5]");
    sdict_free(&d);

    expect_shape_fail("classifier bias length", "fc.bias", 0, C + 1, "no classifier found", "fc.bias [3]");

    /* a second linear layer, a vector, a buffer: not part of the model we compute */
    base(&d);
    add(&d, "fc2.weight", 2, C, C);
    expect_fail("second linear layer", &d, "unexpected tensor fc2.weight [2, 2]: not part of the model found "
                "(embedding emb.weight, LSTM at lstm, classifier fc)", "--prefix-dense");
    sdict_free(&d);
    base(&d);
    add(&d, "attention.weight", 1, 2 * H, 0);
    expect_fail("attention vector", &d, "unexpected tensor attention.weight [4]", NULL);
    sdict_free(&d);
    base(&d);
    add(&d, "emb.bias", 1, V, 0); /* an embedding with a bias is no nn.Embedding */
    expect_fail("embedding bias", &d, "no embedding found", NULL);
    sdict_free(&d);

    /* two embeddings of the right shape: ambiguous; naming one leaves the other over */
    base(&d);
    add(&d, "emb2.weight", 2, V, E);
    expect_fail("two embeddings", &d, "2 tensors could be the embedding (emb.weight, emb2.weight)",
                "--prefix-embedding");
    lrp_load_options o;
    lrp_load_options_init(&o);
    o.embedding_prefix = "emb2";
    expect_fail_with("two embeddings, one named", &d, &o, LRP_ERR_FORMAT, "unexpected tensor emb.weight", NULL);
    sdict_free(&d);
    base(&d);
    add(&d, "out.weight", 2, C, 2 * H);
    expect_fail("two classifiers", &d, "2 tensors could be the classifier (fc.weight, out.weight)",
                "--prefix-classifier");
    sdict_free(&d);

    /* V = C and E = D*H without a classifier bias: each tensor fits both parts */
    memset(&d, 0, sizeof d);
    set_meta(&d, "vocab", "a\nb");
    set_meta(&d, "labels", "x\ny");
    add(&d, "first.weight", 2, 2, 2 * H);
    add_layer(&d, "lstm.", 0, 2 * H, H, 2, 1);
    add(&d, "second.weight", 2, 2, 2 * H);
    expect_fail("both fit both", &d, "could be the embedding (first.weight, second.weight)", NULL);
    lrp_load_options_init(&o);
    o.embedding_prefix = "first";
    o.classifier_prefix = "first";
    expect_fail_with("both paths at one tensor", &d, &o, LRP_ERR_FORMAT,
                     "the embedding and the classifier cannot both be first.weight", NULL);
    lrp_load_options_init(&o);
    o.classifier_prefix = "first.";
    lrp_model *m = expect_ok("both fit both, classifier named", &d, &o);
    if (m) {
        TU_CHECK(strstr(lrp_model_source(m), "embedding second.weight") &&
                     strstr(lrp_model_source(m), "classifier first.weight"),
                 "named classifier: source \"%s\"", lrp_model_source(m));
        lrp_model_free(m);
    }
    /* ... and only one such tensor: it cannot be both */
    del(&d, "second.weight");
    expect_fail("one tensor for two parts", &d, "first.weight fits both the embedding and the classifier",
                "expected two tensors");
    sdict_free(&d);
}

// ----------------------------------------------------------------------------
// nn.GRU

/* The base model with an nn.GRU: emb. / gru. / fc., one bidirectional layer. */
static void base_gru(sdict *d)
{
    memset(d, 0, sizeof *d);
    set_meta(d, "vocab", "<unk>\ngood\nbad\nmovie\n.");
    set_meta(d, "labels", "negative\npositive");
    add(d, "emb.weight", 2, V, E);
    add_rnn_layer(d, "gru.", 0, E, H, 2, 1, 3);
    add(d, "fc.weight", 2, C, 2 * H);
    add(d, "fc.bias", 1, C, 0);
}

/* Value j of tensor `name` as sdict_bytes writes it. */
static double value_of(sdict *d, const char *name, size_t j)
{
    return find(d, name)->fill + 0.001 * (double)j;
}

static void test_gru(void)
{
    sdict d;
    base_gru(&d);
    lrp_model *m = expect_ok("nn.GRU", &d, NULL);
    if (m) {
        lrp_model_info in;
        lrp_model_get_info(m, &in);
        TU_CHECK(strcmp(in.cell, "gru") == 0 && in.hidden_dim == H && in.layers == 1 && in.directions == 2,
                 "GRU: info %s H=%zu", in.cell, in.hidden_dim);
        TU_CHECK(strstr(lrp_model_source(m), "GRU at gru (1 layer, bidirectional, bias_ih and bias_hh)") != NULL,
                 "GRU: source \"%s\"", lrp_model_source(m));
        /* the biases kept apart, rows in PyTorch's order r, z, n (the internal order) */
        size_t bad = 0;
        for (size_t j = 0; j < 3 * H; j++) {
            bad += m->rnn[0][1].b[j] != value_of(&d, "gru.bias_ih_l0_reverse", j);
            bad += m->rnn[0][1].bh[j] != value_of(&d, "gru.bias_hh_l0_reverse", j);
            bad += m->rnn[0][0].wh[j * H + 1] != value_of(&d, "gru.weight_hh_l0", j * H + 1);
        }
        TU_CHECK(bad == 0, "GRU: %zu values not where PyTorch's rows put them", bad);
        lrp_model_free(m);
    }
    /* another gate order said in the metadata: block k of the file is gate "nzr"[k] */
    set_meta(&d, "gate_order", "nzr");
    if ((m = expect_ok("nn.GRU, gate_order nzr", &d, NULL))) {
        size_t bad = 0;
        for (size_t j = 0; j < H; j++) {
            bad += m->rnn[0][0].bh[GRU_N * H + j] != value_of(&d, "gru.bias_hh_l0", j);
            bad += m->rnn[0][0].bh[GRU_R * H + j] != value_of(&d, "gru.bias_hh_l0", 2 * H + j);
        }
        TU_CHECK(bad == 0, "GRU gate_order nzr: %zu values misplaced", bad);
        lrp_model_free(m);
    }
    set_meta(&d, "gate_order", "ifgo");
    expect_fail("GRU, an LSTM's gate_order", &d, "gate_order \"ifgo\": expected a permutation of the three letters rzn", NULL);
    set_meta(&d, "gate_order", NULL);
    set_meta(&d, "cell", "lstm");
    expect_fail("GRU, metadata cell lstm", &d, "__metadata__.cell is \"lstm\", but gru.weight_hh_l0 is an nn.GRU's", NULL);
    set_meta(&d, "cell", "gru");
    lrp_model_free(expect_ok("GRU, metadata cell gru", &d, NULL));
    sdict_free(&d);

    /* bias=False: no biases; one of two: refused */
    base_gru(&d);
    for (int r = 0; r < 2; r++) {
        del(&d, r ? "gru.bias_ih_l0_reverse" : "gru.bias_ih_l0");
        del(&d, r ? "gru.bias_hh_l0_reverse" : "gru.bias_hh_l0");
    }
    if ((m = expect_ok("GRU(bias=False)", &d, NULL))) {
        TU_CHECK(strstr(lrp_model_source(m), "no biases") != NULL, "GRU without biases: %s", lrp_model_source(m));
        lrp_model_free(m);
    }
    sdict_free(&d);
    base_gru(&d);
    del(&d, "gru.bias_hh_l0");
    expect_fail("GRU, one bias", &d, "gru.bias_ih_l0 but no gru.bias_hh_l0", "expected a 1-layer bidirectional nn.GRU");
    sdict_free(&d);

    /* stacked: sizes */
    base_gru(&d);
    add_rnn_layer(&d, "gru.", 1, 2 * H, H + 1, 2, 1, 3);
    expect_fail("GRU hidden sizes differ", &d, "gru.weight_ih_l1: shape [9, 4], expected [6, 4]",
                "3H = 6 rows: every layer and direction has the hidden size H = 2 of gru.weight_hh_l0");
    sdict_free(&d);
    base_gru(&d);
    add_rnn_layer(&d, "gru.", 1, H, H, 2, 1, 3);
    expect_fail("GRU layer 1 reads H", &d, "gru.weight_ih_l1: shape [6, 2], expected [6, 4]", "layer 1 reads [h_fwd; h_bwd]");
    sdict_free(&d);
    base_gru(&d);
    add_rnn_layer(&d, "gru.", 1, 2 * H, H, 2, 1, 3);
    if ((m = expect_ok("2-layer GRU", &d, NULL))) {
        TU_CHECK(strcmp(lrp_model_describe(m), "2-layer bi-GRU, last states, 2 classes") == 0, "describe %s",
                 lrp_model_describe(m));
        lrp_model_free(m);
    }
    sdict_free(&d);

    /* an LSTM and a GRU: two recurrent modules */
    base(&d);
    add_rnn_layer(&d, "gru.", 0, E, H, 2, 1, 3);
    expect_fail("LSTM and GRU", &d, "found 2 recurrent modules (gru.weight_ih_l0, lstm.weight_ih_l0)", NULL);
    lrp_load_options o;
    lrp_load_options_init(&o);
    o.rnn_prefix = "gru";
    expect_fail_with("LSTM and GRU, the GRU named", &d, &o, LRP_ERR_FORMAT, "unexpected tensor lstm.", "GRU at gru");
    o.lstm_prefix = "lstm";
    expect_fail_with("--prefix-lstm and --prefix-rnn differ", &d, &o, LRP_ERR_ARGUMENT,
                     "--prefix-lstm \"lstm\" and --prefix-rnn \"gru\" name two modules", NULL);
    sdict_free(&d);
    base_gru(&d);
    lrp_load_options_init(&o);
    o.lstm_prefix = "gru";
    o.rnn_prefix = "gru.";
    lrp_model_free(expect_ok("--prefix-lstm and --prefix-rnn the same", &d, &o));
    find(&d, "gru.bias_hh_l0")->special = 0.0 / 0.0;
    expect_fail("NaN in a GRU bias_hh", &d, "gru.bias_hh_l0: non-finite value", "at [0]");
    sdict_free(&d);
}

// ----------------------------------------------------------------------------
// heads: pooling, attention, dense layers

/* The base GRU with an attention module at `path` (A = 3): proj.weight [3, 2H],
 * proj.bias [3], vector.weight [1, 3]. */
static void add_attention(sdict *d, const char *path)
{
    char name[64];
    snprintf(name, sizeof name, "%sproj.weight", path);
    add(d, name, 2, 3, 2 * H);
    snprintf(name, sizeof name, "%sproj.bias", path);
    add(d, name, 1, 3, 0);
    snprintf(name, sizeof name, "%svector.weight", path);
    add(d, name, 2, 1, 3);
}

static void test_attention(void)
{
    sdict d;
    base_gru(&d);
    add_attention(&d, "attn.");
    lrp_model *m = expect_ok("attention found", &d, NULL);
    if (m) {
        lrp_model_info in;
        lrp_model_get_info(m, &in);
        TU_CHECK(strcmp(in.pooling, "attention") == 0 && in.attention_dim == 3, "attention: %s A=%zu", in.pooling,
                 in.attention_dim);
        TU_CHECK(strstr(lrp_model_source(m), "attention at attn (A = 3), classifier fc.weight") != NULL, "source %s",
                 lrp_model_source(m));
        TU_CHECK(m->att_v[2] == value_of(&d, "attn.vector.weight", 2) && m->att_w[5] == value_of(&d, "attn.proj.weight", 5),
                 "attention values");
        lrp_model_free(m);
    }
    lrp_load_options o;
    lrp_load_options_init(&o);
    o.pooling = "attention";
    o.attention_prefix = "attn";
    lrp_model_free(expect_ok("attention named", &d, &o));
    /* a vector with a bias (nn.Linear(A, 1)): the same softmax, ignored */
    add(&d, "attn.vector.bias", 1, 1, 0);
    if ((m = expect_ok("vector bias", &d, NULL))) {
        TU_CHECK(strstr(lrp_model_source(m), "vector.bias ignored") != NULL, "source %s", lrp_model_source(m));
        lrp_model_free(m);
    }
    find(&d, "attn.vector.bias")->special = 1.0 / 0.0;
    expect_fail("Inf in the vector bias", &d, "attn.vector.bias: non-finite value inf", NULL);
    del(&d, "attn.vector.bias");

    /* the pooling said otherwise: the module's tensors are left over, or a conflict */
    lrp_load_options_init(&o);
    o.pooling = "mean";
    expect_fail_with("attention module, pooling mean", &d, &o, LRP_ERR_FORMAT, "unexpected tensor attn.",
                     "an attention module's, but the pooling is \"mean\"");
    o.attention_prefix = "attn";
    expect_fail_with("attention named, pooling mean", &d, &o, LRP_ERR_ARGUMENT,
                     "an attention module is named (\"attn\"), but the pooling is \"mean\"", NULL);
    set_meta(&d, "pooling", "max");
    expect_fail("metadata pooling max", &d, "unexpected tensor attn.", NULL);
    set_meta(&d, "pooling", "attention");
    set_meta(&d, "attention_module", "attn");
    lrp_model_free(expect_ok("metadata pooling attention, attention_module", &d, NULL));
    set_meta(&d, "attention_module", "pool");
    expect_fail("metadata attention_module wrong", &d, "no tensor \"pool.proj.weight\" (attention module path \"pool\" given)",
                "found attn.proj.bias [3]");
    set_meta(&d, "attention_module", NULL);
    set_meta(&d, "pooling", "sum");
    expect_fail("metadata pooling sum", &d, "__metadata__.pooling is \"sum\", expected \"last\", \"mean\", \"max\" or \"attention\"", NULL);
    set_meta(&d, "pooling", NULL);
    lrp_load_options_init(&o);
    o.pooling = "sum";
    expect_fail_with("pooling option sum", &d, &o, LRP_ERR_ARGUMENT, "pooling option \"sum\": expected", NULL);
    sdict_free(&d);

    /* shapes */
    static const struct { const char *tensor; size_t rank, r0, r1; const char *k1; } shapes[] = {
        {"attn.proj.weight", 2, 3, 2 * H + 1, "attn.proj.weight: shape [3, 5], expected [A, 4] (the attention's projection reads"},
        {"attn.proj.bias", 1, 4, 0, "attn.proj.bias: shape [4], expected [A] = [3]"},
        {"attn.vector.weight", 1, 3, 0, "attn.vector.weight: shape [3], expected [1, A] = [1, 3] (nn.Linear(A, 1)"},
        {"attn.vector.weight", 2, 2, 3, "attn.vector.weight: shape [2, 3], expected [1, A] = [1, 3]"},
    };
    for (size_t k = 0; k < sizeof shapes / sizeof *shapes; k++) {
        base_gru(&d);
        add_attention(&d, "attn.");
        tensor *t = find(&d, shapes[k].tensor);
        t->rank = shapes[k].rank;
        t->shape[0] = shapes[k].r0;
        t->shape[1] = shapes[k].r1;
        expect_fail(shapes[k].k1, &d, shapes[k].k1, NULL);
        sdict_free(&d);
    }

    /* none, or two */
    base_gru(&d);
    set_meta(&d, "pooling", "attention");
    expect_fail("pooling attention, no module", &d, "no attention module found for pooling \"attention\"",
                "<module>.proj.weight [A, 4] and <module>.vector.weight [1, A]");
    add_attention(&d, "a.");
    add_attention(&d, "b.");
    expect_fail("two attention modules", &d, "2 modules could be the attention (a.proj.weight, b.proj.weight)",
                "--prefix-attention");
    lrp_load_options_init(&o);
    o.attention_prefix = "b";
    expect_fail_with("two attention modules, one named", &d, &o, LRP_ERR_FORMAT, "unexpected tensor a.proj.bias", NULL);
    sdict_free(&d);
}

static void test_dense(void)
{
    sdict d;
    /* emb / gru / mean pooling / fc1 (3 x 2H) / fc (C x 3) */
    base_gru(&d);
    find(&d, "fc.weight")->shape[1] = 3;
    add(&d, "fc1.weight", 2, 3, 2 * H);
    add(&d, "fc1.bias", 1, 3, 0);
    expect_fail("dense layer not named", &d, "fc1.weight [3, 4] reads the 4 values of the head and fc.weight [2, 3] reads its outputs",
                "Name the dense layers, in order, with --prefix-dense");
    add(&d, "other.weight", 2, 7, 7);
    expect_fail("dense layer not named, and another tensor", &d, "fc1.weight [3, 4] reads the 4 values of the head", NULL);
    del(&d, "other.weight");
    find(&d, "fc1.weight")->shape[1] = 2 * H + 1;
    expect_fail("no classifier, a tensor of C rows", &d, "no classifier found: expected a tensor <module>.weight of shape [C, 2H] = [2, 4]",
                "dense layers before the classifier are named, in order, with --prefix-dense");
    find(&d, "fc1.weight")->shape[1] = 2 * H;
    lrp_load_options o;
    lrp_load_options_init(&o);
    o.dense_prefixes = "fc1";
    o.pooling = "mean";
    o.activation = "tanh";
    lrp_model *m = expect_ok("a dense layer", &d, &o);
    if (m) {
        TU_CHECK(strcmp(lrp_model_describe(m), "1-layer bi-GRU, mean pooling, dense 3 tanh, 2 classes") == 0, "describe %s",
                 lrp_model_describe(m));
        TU_CHECK(strstr(lrp_model_source(m), "mean pooling, dense fc1 (tanh), classifier fc.weight + fc.bias") != NULL,
                 "source %s", lrp_model_source(m));
        TU_CHECK(m->dense_w[0][7] == value_of(&d, "fc1.weight", 7) && m->dense_b[0][2] == value_of(&d, "fc1.bias", 2) &&
                     m->wout[4] == value_of(&d, "fc.weight", 4),
                 "dense values");
        lrp_model_free(m);
    }
    set_meta(&d, "dense_modules", "fc1");
    set_meta(&d, "activation", "relu");
    lrp_model_free(expect_ok("dense_modules in the metadata", &d, NULL));
    set_meta(&d, "activation", "gelu");
    expect_fail("metadata activation gelu", &d, "__metadata__.activation is \"gelu\", expected \"relu\" or \"tanh\"", NULL);
    set_meta(&d, "activation", NULL);
    set_meta(&d, "dense_modules", "fc1,,fc2");
    expect_fail("metadata dense_modules with an empty path", &d, "__metadata__.dense_modules \"fc1,,fc2\": an empty module path", NULL);
    set_meta(&d, "dense_modules", NULL);

    /* second dense layer: fc2 (5 x 3) between fc1 and fc */
    add(&d, "fc2.weight", 2, 5, 3);
    find(&d, "fc.weight")->shape[1] = 5;
    o.dense_prefixes = "fc1,fc2";
    if ((m = expect_ok("two dense layers", &d, &o))) {
        lrp_model_info in;
        lrp_model_get_info(m, &in);
        TU_CHECK(in.n_dense == 2 && in.dense_sizes[0] == 3 && in.dense_sizes[1] == 5 && m->dense_b[1][4] == 0.0,
                 "two dense layers (the second without a bias: zeros)");
        TU_CHECK(strstr(lrp_model_source(m), "dense fc1, fc2 (no bias) (tanh)") != NULL, "source %s", lrp_model_source(m));
        lrp_model_free(m);
    }
    o.dense_prefixes = "fc2,fc1";
    expect_fail_with("dense layers in the wrong order", &d, &o, LRP_ERR_FORMAT,
                     "fc2.weight: shape [5, 3], expected [M, 4] (dense layer 0 reads the head's D*H = 4 values; M > 0)", NULL);
    o.dense_prefixes = "fc1,fc9";
    expect_fail_with("a dense layer missing", &d, &o, LRP_ERR_FORMAT, "no tensor \"fc9.weight\" (dense layer 1, module path \"fc9\" given)",
                     "found emb.weight");
    o.dense_prefixes = "fc1,fc1";
    expect_fail_with("a dense layer twice", &d, &o, LRP_ERR_ARGUMENT, "dense module paths \"fc1,fc1\": fc1 named twice", NULL);
    o.dense_prefixes = ",";
    expect_fail_with("an empty dense path", &d, &o, LRP_ERR_ARGUMENT, "dense module paths \",\": an empty module path", NULL);
    o.dense_prefixes = "a,b,c,d,e,f,g,h,i";
    expect_fail_with("nine dense layers", &d, &o, LRP_ERR_ARGUMENT, "more than 8 dense layers are not supported", NULL);
    o.dense_prefixes = "fc1";
    expect_fail_with("one of two dense layers named", &d, &o, LRP_ERR_FORMAT, "no classifier found: expected a tensor <module>.weight of shape [C, M] = [2, 3]",
                     "the outputs of the last dense layer, fc1");
    o.dense_prefixes = "fc1,fc2";
    o.activation = "gelu";
    expect_fail_with("activation option gelu", &d, &o, LRP_ERR_ARGUMENT, "activation option \"gelu\": expected \"relu\" or \"tanh\"", NULL);
    o.activation = NULL;
    find(&d, "fc2.weight")->special = 0.0 / 0.0;
    find(&d, "fc2.weight")->at = 4;
    expect_fail_with("NaN in a dense layer", &d, &o, LRP_ERR_FORMAT, "fc2.weight: non-finite value", "at [1, 1]");
    find(&d, "fc2.weight")->special = 0.0;
    add(&d, "fc2.bias", 1, 4, 0);
    expect_fail_with("dense bias size", &d, &o, LRP_ERR_FORMAT, "fc2.bias: shape [4], expected [5]", NULL);
    sdict_free(&d);
}

// ----------------------------------------------------------------------------
// values

static void test_values(void)
{
    sdict d;
    base(&d);
    tensor *t = find(&d, "lstm.weight_hh_l0_reverse");
    t->special = 1.0 / 0.0;
    t->at = 5; /* row 2, column 1 */
    expect_fail("infinity", &d, "lstm.weight_hh_l0_reverse: non-finite value inf at [2, 1]", NULL);
    t->special = 0.0;
    t = find(&d, "fc.bias");
    t->special = 0.0 / 0.0;
    t->at = 1;
    expect_fail("NaN", &d, "fc.bias: non-finite value", "at [1]");
    t->special = 0.0;
    find(&d, "lstm.bias_ih_l0")->special = 1e308;
    find(&d, "lstm.bias_hh_l0")->special = 1e308;
    expect_fail("bias sum overflows", &d, "lstm.bias_ih_l0 + lstm.bias_hh_l0 overflows at [0]", NULL);
    sdict_free(&d);
}

/* A float32 embedding stays float32: copied from memory, used in place from a file,
 * with the same explanations as the same values in float64; a NaN in it is named. */
static void test_float32_embedding(void)
{
    sdict d;
    base(&d);
    tensor *emb = find(&d, "emb.weight");
    emb->rounded = 1;
    lrp_model *wide = expect_ok("F64 embedding of float values", &d, NULL);
    snprintf(emb->dtype, sizeof emb->dtype, "F32");
    lrp_model *copied = expect_ok("F32 embedding", &d, NULL);
    size_t n;
    unsigned char *bytes = sdict_bytes(&d, &n);
    char path[600];
    snprintf(path, sizeof path, "%s/torch-f32-embedding.safetensors", tu_tmpdir());
    FILE *f = fopen(path, "wb");
    TU_CHECK(f && fwrite(bytes, 1, n, f) == n && fclose(f) == 0, "cannot write %s", path);
    free(bytes);
    lrp_model *mapped = NULL;
    lrp_error err;
    TU_CHECK_STATUS(lrp_model_load(&mapped, path, &err), LRP_OK, err);
    if (wide && copied && mapped) {
        TU_CHECK(wide->emb_kind == MODEL_EMB_F64 && copied->emb_kind == MODEL_EMB_F32 &&
                     mapped->emb_kind == MODEL_EMB_F32_FILE,
                 "embedding kept as %d, %d, %d (expected float64, a float32 copy, float32 in the file)",
                 (int)wide->emb_kind, (int)copied->emb_kind, (int)mapped->emb_kind);
        int32_t ids[4] = {1, 3, 0, 2};
        lrp_sentence sent = {ids, 4, NULL};
        lrp_options o;
        lrp_options_init(&o);
        o.methods = LRP_METHODS_ALL;
        for (int p = LRP_F32; p <= LRP_F64; p++) {
            o.precision = (lrp_dtype)p;
            lrp_result r[3];
            const lrp_model *ms[3] = {wide, copied, mapped};
            for (int k = 0; k < 3; k++) TU_CHECK_STATUS(lrp_explain(ms[k], &sent, &o, &r[k], &err), LRP_OK, err);
            for (int k = 1; k < 3; k++) {
                int same = memcmp(r[0].scores, r[k].scores, C * sizeof(double)) == 0;
                for (size_t e = 0; same && e < r[0].n_explanations; e++)
                    same = memcmp(r[0].explanations[e].relevance, r[k].explanations[e].relevance,
                                  4 * sizeof(double)) == 0;
                TU_CHECK(same, "%s: the %s float32 embedding explains otherwise than float64",
                         p == LRP_F64 ? "f64" : "f32", k == 1 ? "copied" : "mapped");
            }
            for (int k = 0; k < 3; k++) lrp_result_free(&r[k]);
        }
    }
    lrp_model_free(wide);
    lrp_model_free(copied);
    lrp_model_free(mapped);
    emb->special = 0.0 / 0.0;
    emb->at = 7; /* row 2, column 1 */
    expect_fail("NaN in an F32 embedding", &d, "emb.weight: non-finite value", "at [2, 1]");
    sdict_free(&d);
}

// ----------------------------------------------------------------------------
// options: module paths, side files

static const char *write_text(const char *name, const char *text)
{
    size_t len = strlen(text);
    static char paths[8][600];
    static int next = 0;
    char *p = paths[next++ % 8];
    snprintf(p, 600, "%s/%s", tu_tmpdir(), name);
    FILE *f = fopen(p, "wb");
    fwrite(text, 1, len, f);
    fclose(f);
    return p;
}

static void test_options(void)
{
    sdict d;
    lrp_load_options o;

    /* module paths: right ones load (with or without the dot), wrong ones say so */
    base(&d);
    lrp_load_options_init(&o);
    o.embedding_prefix = "emb";
    o.lstm_prefix = "lstm.";
    o.classifier_prefix = "fc";
    lrp_model *m = expect_ok("all paths given", &d, &o);
    lrp_model_free(m);
    lrp_load_options_init(&o);
    o.lstm_prefix = "encoder";
    expect_fail_with("wrong LSTM path", &d, &o, LRP_ERR_FORMAT,
                     "no tensor \"encoder.weight_ih_l0\" (recurrent module path \"encoder\" given)",
                     "an nn.LSTM or nn.GRU");
    lrp_load_options_init(&o);
    o.embedding_prefix = "embedding";
    expect_fail_with("wrong embedding path", &d, &o, LRP_ERR_FORMAT,
                     "no tensor \"embedding.weight\" (embedding module path \"embedding\" given)",
                     "found emb.weight");
    lrp_load_options_init(&o);
    o.classifier_prefix = "emb";
    expect_fail_with("classifier path at the embedding", &d, &o, LRP_ERR_FORMAT,
                     "emb.weight: shape [5, 3], expected [C, 2H] = [2, 4]", NULL);
    find(&d, "fc.bias")->shape[0] = C + 1;
    lrp_load_options_init(&o);
    o.classifier_prefix = "fc";
    expect_fail_with("named classifier, bias length", &d, &o, LRP_ERR_FORMAT,
                     "fc.bias: shape [3], expected [C] = [2]", NULL);
    find(&d, "fc.bias")->shape[0] = C;
    lrp_load_options_init(&o);
    o.embedding_prefix = "fc";
    o.classifier_prefix = "fc";
    expect_fail_with("one tensor, two parts", &d, &o, LRP_ERR_FORMAT, "shape [2, 4], expected [V, E]", NULL);
    lrp_load_options_init(&o);
    o.lowercase = 2;
    expect_fail_with("lowercase 2", &d, &o, LRP_ERR_ARGUMENT, "lowercase option 2", NULL);
    lrp_load_options_init(&o);
    o.unk = "<pad>";
    expect_fail_with("unk not a word", &d, &o, LRP_ERR_FORMAT, "unk: the word \"<pad>\" is not in the vocabulary", NULL);
    sdict_free(&d);

    /* no vocabulary or labels anywhere */
    base(&d);
    cJSON_Delete(d.meta);
    d.meta = NULL;
    expect_fail("no metadata, no vocab file", &d, "no \"vocab\"", "--vocab FILE");
    lrp_load_options_init(&o);
    o.vocab_path = write_text("vocab.txt", "<unk>\ngood\nbad\nmovie\n.\n");
    expect_fail_with("no labels", &d, &o, LRP_ERR_FORMAT, "no \"labels\"", "--labels FILE");

    /* side files: LF or CRLF, final line break optional */
    o.labels_path = write_text("labels.txt", "neg\r\npos");
    if ((m = expect_ok("side files", &d, &o))) {
        TU_CHECK(strcmp(lrp_model_word(m, 4), ".") == 0 && strcmp(lrp_model_label(m, 1), "pos") == 0,
                 "side files: words and labels");
        lrp_model_free(m);
    }
    o.vocab_path = write_text("short.txt", "<unk>\ngood\nbad\nmovie\n");
    expect_fail_with("vocab file one word short", &d, &o, LRP_ERR_FORMAT,
                     "the embedding emb.weight is [5, 3], but the vocabulary has 4 words", NULL);
    o.vocab_path = write_text("dup.txt", "a\nb\nc\nb\nd\n");
    expect_fail_with("duplicate word", &d, &o, LRP_ERR_FORMAT, "vocab file ", "duplicate word \"b\"");
    o.vocab_path = write_text("blank.txt", "a\nb\n\nc\nd\n");
    expect_fail_with("blank line", &d, &o, LRP_ERR_FORMAT, "blank.txt: vocab: word 2 is empty", NULL);
    o.vocab_path = write_text("empty.txt", "");
    expect_fail_with("empty file", &d, &o, LRP_ERR_FORMAT, "empty.txt is empty", NULL);
    o.vocab_path = write_text("latin1.txt", "a\nb\nc\ncaf\xe9\nd\n");
    expect_fail_with("not UTF-8", &d, &o, LRP_ERR_FORMAT, "vocab file", "byte 9: invalid UTF-8");
    o.vocab_path = "/nonexistent/vocab.txt";
    expect_fail_with("missing file", &d, &o, LRP_ERR_IO, "vocab file /nonexistent/vocab.txt", NULL);
    o.vocab_path = write_text("vocab.txt", "<unk>\ngood\nbad\nmovie\n.\n");
    o.labels_path = write_text("labels3.txt", "neg\nneu\npos\n");
    expect_fail_with("three labels", &d, &o, LRP_ERR_FORMAT,
                     "the classifier fc.weight is [2, 4], but the labels name 3 classes", NULL);
    o.labels_path = write_text("labels-dup.txt", "pos\npos\n");
    expect_fail_with("duplicate label", &d, &o, LRP_ERR_FORMAT, "labels file ", "duplicate name \"pos\"");
    sdict_free(&d);
}

/* The options on this project's own format: side files and unk apply, module paths
 * are refused. */
static void test_options_lrp_format(void)
{
    lrp_model *m = tu_random_model(V, E, H, C, 1, 2, 1, 0.5, 3);
    char path[600];
    snprintf(path, sizeof path, "%s/own.safetensors", tu_tmpdir());
    lrp_error err;
    TU_CHECK_STATUS(lrp_model_save(m, path, LRP_F64, &err), LRP_OK, err);
    lrp_model_free(m);

    lrp_load_options o;
    lrp_load_options_init(&o);
    o.lstm_prefix = "lstm";
    lrp_status st = lrp_model_load_ex(&m, path, &o, &err);
    TU_CHECK(st == LRP_ERR_ARGUMENT && !m && strstr(err.message, "are for PyTorch state_dicts"),
             "module path on an lrp-rnn file: %s", err.message);

    lrp_load_options_init(&o);
    o.labels_path = write_text("own-labels.txt", "bad\ngood\n");
    o.unk = "w3";
    st = lrp_model_load_ex(&m, path, &o, &err);
    TU_CHECK_STATUS(st, LRP_OK, err);
    if (st == LRP_OK) {
        lrp_model_info in;
        lrp_model_get_info(m, &in);
        TU_CHECK(strcmp(lrp_model_label(m, 0), "bad") == 0 && in.unk_id == 3,
                 "lrp-rnn file with a labels file and unk option");
        lrp_model_free(m);
    }
    o.labels_path = write_text("own-labels3.txt", "a\nb\nc\n");
    st = lrp_model_load_ex(&m, path, &o, &err);
    TU_CHECK(st == LRP_ERR_FORMAT && strstr(err.message, "labels file ") &&
                 strstr(err.message, "3 names, but the classifier has 2 classes"),
             "lrp-rnn file, labels file of 3: %s", err.message);
}

int main(void)
{
    test_valid();
    test_architectures();
    test_head();
    test_gru();
    test_attention();
    test_dense();
    test_values();
    test_float32_embedding();
    test_options();
    test_options_lrp_format();
    return tu_finish();
}
