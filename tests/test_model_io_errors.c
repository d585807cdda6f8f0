/*
 * test_model_io_errors.c - one test per bad model file: each asserts the status
 * and the key words of the message (the first problem, named precisely), and
 * that no model comes back. The files are made by taking a valid file apart into
 * a "doc" (metadata plus tensors), changing one thing, and writing it again with
 * consistent offsets; container-level damage edits the header or the bytes directly.
 */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/model.h"
#include "io/model_io.h"
#include "io/safetensors.h"
#include "testutil.h"

// ----------------------------------------------------------------------------
// a model file taken apart

#define DOC_MAX 64

typedef struct blob {
    char name[64];
    char dtype[16];
    size_t rank, shape[4];
    unsigned char *data;
    size_t size;
} blob;

typedef struct doc {
    cJSON *meta;          /* __metadata__ (owned), NULL to write none */
    blob t[DOC_MAX];      /* written in this order, offsets consecutive */
    size_t n;
} doc;

static void doc_from_bytes(doc *d, const unsigned char *bytes, size_t n)
{
    memset(d, 0, sizeof *d);
    st_file f;
    lrp_error err;
    if (st_parse(&f, bytes, n, &err) != LRP_OK) {
        fprintf(stderr, "doc_from_bytes: %s\n", err.message);
        exit(1);
    }
    d->meta = cJSON_Duplicate(f.metadata, 1);
    for (size_t i = 0; i < f.n; i++) {
        const st_tensor *t = &f.tensors[i];
        blob *b = &d->t[d->n++];
        snprintf(b->name, sizeof b->name, "%s", t->name);
        snprintf(b->dtype, sizeof b->dtype, "%s", st_dtype_name(t->dtype));
        b->rank = t->rank;
        memcpy(b->shape, t->shape, t->rank * sizeof *t->shape);
        b->size = t->end - t->begin;
        b->data = malloc(b->size ? b->size : 1);
        memcpy(b->data, t->data, b->size);
    }
    st_free(&f);
}

/* A small valid model as a doc: V=5 E=3 H=4 C=2, bidirectional, classifier bias, unk. */
static void doc_valid(doc *d, lrp_dtype dtype)
{
    lrp_model *m = tu_random_model(5, 3, 4, 2, 1, 2, 1, 0.5, 11);
    lrp_error err;
    if (!m || model_set_unk(m, "w0", &err) != LRP_OK) exit(1);
    size_t n = 0;
    unsigned char *bytes = tu_model_bytes(m, dtype, "ifgo", &n);
    if (!bytes) exit(1);
    doc_from_bytes(d, bytes, n);
    free(bytes);
    lrp_model_free(m);
}

static void doc_free(doc *d)
{
    cJSON_Delete(d->meta);
    for (size_t i = 0; i < d->n; i++) free(d->t[i].data);
    memset(d, 0, sizeof *d);
}

static blob *doc_find(doc *d, const char *name)
{
    for (size_t i = 0; i < d->n; i++)
        if (strcmp(d->t[i].name, name) == 0) return &d->t[i];
    fprintf(stderr, "doc_find: no tensor %s\n", name);
    exit(1);
}

static void doc_remove(doc *d, const char *name)
{
    blob *b = doc_find(d, name);
    free(b->data);
    size_t i = (size_t)(b - d->t);
    memmove(&d->t[i], &d->t[i + 1], (d->n - i - 1) * sizeof *b);
    d->n--;
}

/* Give a tensor a new dtype name and shape; its bytes are cut or zero-extended to fit. */
static void doc_retype(doc *d, const char *name, const char *dtype, size_t width, size_t rank,
                       size_t r0, size_t r1)
{
    blob *b = doc_find(d, name);
    snprintf(b->dtype, sizeof b->dtype, "%s", dtype);
    b->rank = rank;
    b->shape[0] = r0;
    b->shape[1] = r1;
    size_t size = width * r0 * (rank == 2 ? r1 : 1);
    b->data = realloc(b->data, size ? size : 1);
    if (size > b->size) memset(b->data + b->size, 0, size - b->size);
    b->size = size;
}

static void doc_set_meta(doc *d, const char *key, const char *value)
{
    cJSON_DeleteItemFromObjectCaseSensitive(d->meta, key);
    if (value) cJSON_AddStringToObject(d->meta, key, value);
}

/* Element i of an F32 or F64 tensor set to v (little-endian). */
static void blob_set(blob *b, size_t i, double v)
{
    unsigned char *p;
    uint64_t bits;
    int width;
    if (strcmp(b->dtype, "F64") == 0) {
        memcpy(&bits, &v, 8);
        width = 8;
    } else {
        float f = (float)v;
        uint32_t b32;
        memcpy(&b32, &f, 4);
        bits = b32;
        width = 4;
    }
    p = b->data + (size_t)width * i;
    for (int k = 0; k < width; k++, bits >>= 8) p[k] = (unsigned char)bits;
}

typedef void (*header_edit)(cJSON *header);

/* The file: 8-byte length, header (metadata, tensors with consecutive offsets,
 * then `edit` applied), data. */
static unsigned char *doc_bytes(const doc *d, header_edit edit, size_t *n)
{
    cJSON *h = cJSON_CreateObject();
    if (d->meta) cJSON_AddItemToObject(h, "__metadata__", cJSON_Duplicate(d->meta, 1));
    size_t at = 0;
    for (size_t i = 0; i < d->n; i++) {
        const blob *b = &d->t[i];
        cJSON *e = cJSON_AddObjectToObject(h, b->name);
        cJSON_AddStringToObject(e, "dtype", b->dtype);
        cJSON *shape = cJSON_AddArrayToObject(e, "shape");
        for (size_t k = 0; k < b->rank; k++) cJSON_AddItemToArray(shape, cJSON_CreateNumber((double)b->shape[k]));
        cJSON *off = cJSON_AddArrayToObject(e, "data_offsets");
        cJSON_AddItemToArray(off, cJSON_CreateNumber((double)at));
        cJSON_AddItemToArray(off, cJSON_CreateNumber((double)(at + b->size)));
        at += b->size;
    }
    if (edit) edit(h);
    char *json = cJSON_PrintUnformatted(h);
    cJSON_Delete(h);
    size_t hl = strlen(json);
    *n = 8 + hl + at;
    unsigned char *out = malloc(*n), *p = out + 8 + hl;
    for (int k = 0; k < 8; k++) out[k] = (unsigned char)((uint64_t)hl >> (8 * k));
    memcpy(out + 8, json, hl);
    for (size_t i = 0; i < d->n; i++, p += d->t[i - 1].size) memcpy(p, d->t[i].data, d->t[i].size);
    free(json);
    return out;
}

/* A file from raw header text and data bytes. */
static unsigned char *raw_file(const char *json, const void *data, size_t dn, size_t *n)
{
    size_t hl = strlen(json);
    *n = 8 + hl + dn;
    unsigned char *out = malloc(*n);
    for (int k = 0; k < 8; k++) out[k] = (unsigned char)((uint64_t)hl >> (8 * k));
    memcpy(out + 8, json, hl);
    if (dn) memcpy(out + 8 + hl, data, dn);
    return out;
}

// ----------------------------------------------------------------------------
// expectations

/* Loading must fail with `want`, return no model, and say k1 (and k2). */
static void expect_fail(const char *tag, const unsigned char *b, size_t n, lrp_status want,
                        const char *k1, const char *k2)
{
    lrp_model *m = (lrp_model *)&m; /* must be reset to NULL */
    lrp_error err;
    lrp_status st = lrp_model_load_memory(&m, b, n, &err);
    TU_CHECK(st == want, "%s: status %s (%s), expected %s", tag, lrp_status_string(st), err.message,
             lrp_status_string(want));
    TU_CHECK(m == NULL, "%s: a model came back", tag);
    TU_CHECK(err.status == st, "%s: err.status %d, returned %d", tag, (int)err.status, (int)st);
    TU_CHECK(strstr(err.message, k1) != NULL, "%s: message \"%s\" lacks \"%s\"", tag, err.message, k1);
    if (k2) TU_CHECK(strstr(err.message, k2) != NULL, "%s: message \"%s\" lacks \"%s\"", tag, err.message, k2);
    if (st == LRP_OK) lrp_model_free(m);
}

static void expect_doc(const char *tag, const doc *d, header_edit edit, const char *k1, const char *k2)
{
    size_t n;
    unsigned char *b = doc_bytes(d, edit, &n);
    expect_fail(tag, b, n, LRP_ERR_FORMAT, k1, k2);
    free(b);
}

/* The unchanged doc must load: guards against tests failing for the wrong reason. */
static void expect_ok(const char *tag, const doc *d)
{
    size_t n;
    unsigned char *b = doc_bytes(d, NULL, &n);
    lrp_model *m = NULL;
    lrp_error err;
    lrp_status st = lrp_model_load_memory(&m, b, n, &err);
    TU_CHECK(st == LRP_OK && m, "%s: the valid doc does not load: %s", tag, err.message);
    lrp_model_free(m);
    free(b);
}

// ----------------------------------------------------------------------------
// the container

static void test_truncated(void)
{
    lrp_model *m = tu_random_model(3, 2, 1, 2, 1, 2, 0, 0.5, 1);
    size_t n;
    unsigned char *b = tu_model_bytes(m, LRP_F32, "ifgo", &n);
    size_t failed_cleanly = 0;
    for (size_t len = 0; len < n; len++) {
        /* a fresh copy of exactly len bytes, so ASan sees any read past the end */
        unsigned char *p = malloc(len ? len : 1);
        memcpy(p, b, len);
        lrp_model *out = NULL;
        lrp_error err;
        lrp_status st = lrp_model_load_memory(&out, p, len, &err);
        failed_cleanly += st == LRP_ERR_FORMAT && out == NULL && err.message[0];
        lrp_model_free(out);
        free(p);
    }
    TU_CHECK(failed_cleanly == n, "%zu of %zu prefixes failed cleanly", failed_cleanly, n);
    expect_fail("5 bytes", b, 5, LRP_ERR_FORMAT, "truncated", "8-byte header length");
    expect_fail("header cut", b, 40, LRP_ERR_FORMAT, "exceeds", "truncated");
    expect_fail("last byte missing", b, n - 1, LRP_ERR_FORMAT, "outside the data section", "truncated");
    expect_fail("empty", NULL, 0, LRP_ERR_FORMAT, "truncated", NULL);

    /* one byte more: trailing garbage */
    unsigned char *longer = malloc(n + 1);
    memcpy(longer, b, n);
    longer[n] = 0;
    expect_fail("one byte appended", longer, n + 1, LRP_ERR_FORMAT, "trailing garbage", "1 bytes");
    /* header length larger than the file */
    memcpy(longer, b, n);
    longer[0] = 0xff;
    longer[3] = 0x01;
    expect_fail("header length too large", longer, n, LRP_ERR_FORMAT, "header length", "exceeds");
    memset(longer, 0xff, 8);
    expect_fail("header length 2^64-1", longer, n, LRP_ERR_FORMAT, "header length", "exceeds");
    free(longer);
    free(b);
    lrp_model_free(m);
}

static void test_header_json(void)
{
    /* the header's text, the data bytes after it, and the message's key words */
    static const struct {
        const char *tag, *json, *data;
        size_t dn;
        const char *k1, *k2;
    } cases[] = {
        {"header not JSON", "{\"a\": ", NULL, 0, "not valid JSON", NULL},
        {"JSON not an object", "[1, 2]", NULL, 0, "not an object", NULL},
        {"two JSON values", "{} {}", NULL, 0, "unexpected text after", NULL},
        {"invalid UTF-8", "{\"x\": \"\xff\"}", NULL, 0, "not valid UTF-8", "byte 7"},
        {"metadata value not a string", "{\"__metadata__\": {\"format\": 1}}", NULL, 0, "__metadata__.format",
         "not a string"},
        {"metadata not an object", "{\"__metadata__\": []}", NULL, 0, "__metadata__", "not an object"},
        {"no metadata", "{}", NULL, 0, "no __metadata__", "not an lrp-rnn model"},
        {"duplicate tensor",
         "{\"t\": {\"dtype\": \"F64\", \"shape\": [1], \"data_offsets\": [0, 8]}, "
         "\"t\": {\"dtype\": \"F64\", \"shape\": [1], \"data_offsets\": [8, 16]}}",
         "0123456789abcdef", 16, "\"t\"", "appears twice"},
        {"entry not an object", "{\"t\": 5}", NULL, 0, "\"t\"", "not an object"},
        {"negative shape", "{\"t\": {\"dtype\": \"F64\", \"shape\": [-1], \"data_offsets\": [0, 0]}}", NULL, 0,
         "shape entry 0", "non-negative integer"},
        {"fractional shape", "{\"t\": {\"dtype\": \"F64\", \"shape\": [1.5], \"data_offsets\": [0, 0]}}", NULL, 0,
         "shape entry 0", "non-negative integer"},
        {"shape overflow",
         "{\"t\": {\"dtype\": \"F64\", \"shape\": [4294967296, 4294967296, 4294967296], \"data_offsets\": [0, 0]}}",
         NULL, 0, "shape overflows", NULL},
        {"rank 9", "{\"t\": {\"dtype\": \"F64\", \"shape\": [1,1,1,1,1,1,1,1,1], \"data_offsets\": [0, 8]}}",
         "01234567", 8, "more than 8 dimensions", NULL},
        {"one offset", "{\"t\": {\"dtype\": \"F64\", \"shape\": [1], \"data_offsets\": [0]}}", NULL, 0, "data_offsets",
         "two non-negative integers"},
        {"no dtype", "{\"t\": {\"shape\": [1], \"data_offsets\": [0, 8]}}", "01234567", 8, "no \"dtype\"", NULL},
        {"no shape", "{\"t\": {\"dtype\": \"F64\", \"data_offsets\": [0, 8]}}", "01234567", 8, "no \"shape\"", NULL},
        {"reversed offsets", "{\"t\": {\"dtype\": \"F64\", \"shape\": [1], \"data_offsets\": [8, 0]}}", "01234567", 8,
         "data_offsets [8, 0]", "outside"},
        {"hole",
         "{\"t\": {\"dtype\": \"F64\", \"shape\": [1], \"data_offsets\": [0, 8]}, "
         "\"u\": {\"dtype\": \"F64\", \"shape\": [1], \"data_offsets\": [16, 24]}}",
         "0123456789abcdef01234567", 24, "bytes [8, 16)", "belong to no tensor"},
    };
    size_t n;
    unsigned char *b;
    for (size_t k = 0; k < sizeof cases / sizeof *cases; k++) {
        b = raw_file(cases[k].json, cases[k].data, cases[k].dn, &n);
        expect_fail(cases[k].tag, b, n, LRP_ERR_FORMAT, cases[k].k1, cases[k].k2);
        free(b);
    }
    /* a NUL byte cannot be in a C string: written over the header's second byte */
    b = raw_file("{}", NULL, 0, &n);
    b[9] = '\0';
    expect_fail("NUL in header", b, n, LRP_ERR_FORMAT, "NUL", NULL);
    free(b);
}

/* header edits for the offset tests */
static void edit_out_of_range(cJSON *h)
{
    cJSON *off = cJSON_GetObjectItem(cJSON_GetObjectItem(h, "classifier.bias"), "data_offsets");
    cJSON_ReplaceItemInArray(off, 1, cJSON_CreateNumber(1e6));
}
static void edit_overlap(cJSON *h)
{
    /* bwd.weight_x takes the same bytes as fwd.weight_x (same size) */
    cJSON *a = cJSON_GetObjectItem(cJSON_GetObjectItem(h, "encoder.fwd.weight_x"), "data_offsets");
    cJSON_ReplaceItemInObject(cJSON_GetObjectItem(h, "encoder.bwd.weight_x"), "data_offsets",
                              cJSON_Duplicate(a, 1));
}
static void edit_short_range(cJSON *h)
{
    cJSON *off = cJSON_GetObjectItem(cJSON_GetObjectItem(h, "embedding"), "data_offsets");
    cJSON_ReplaceItemInArray(off, 1, cJSON_CreateNumber(cJSON_GetArrayItem(off, 1)->valuedouble - 8));
}
static void edit_huge_offset(cJSON *h)
{
    cJSON *off = cJSON_GetObjectItem(cJSON_GetObjectItem(h, "embedding"), "data_offsets");
    cJSON_ReplaceItemInArray(off, 1, cJSON_CreateNumber(1e30));
}
static void edit_unknown_dtype(cJSON *h)
{
    cJSON_ReplaceItemInObject(cJSON_GetObjectItem(h, "embedding"), "dtype", cJSON_CreateString("F128"));
}

static void test_offsets(void)
{
    doc d;
    doc_valid(&d, LRP_F64);
    expect_ok("offsets", &d);
    expect_doc("offset out of range", &d, edit_out_of_range, "classifier.bias", "outside the data section");
    expect_doc("offset 1e30", &d, edit_huge_offset, "embedding", "data_offsets");
    expect_doc("overlapping tensors", &d, edit_overlap, "overlap", "encoder.bwd.weight_x");
    expect_doc("offsets inconsistent with shape", &d, edit_short_range, "embedding",
               "hold 112 bytes, but F64 x shape [5, 3] needs 15 x 8");
    expect_doc("unknown dtype", &d, edit_unknown_dtype, "unknown dtype \"F128\"", NULL);
    doc_free(&d);
}

// ----------------------------------------------------------------------------
// tensors

/* One tensor of a valid file (written as `file`) given another dtype or shape; loading
 * must fail saying k1 (and k2). */
typedef struct retype_case {
    const char *tag;
    lrp_dtype file;
    const char *tensor, *dtype;
    size_t width, rank, r0, r1;
    const char *k1, *k2;
} retype_case;

static void expect_retyped(const retype_case *cases, size_t n)
{
    for (size_t k = 0; k < n; k++) {
        const retype_case *c = &cases[k];
        doc d;
        doc_valid(&d, c->file);
        doc_retype(&d, c->tensor, c->dtype, c->width, c->rank, c->r0, c->r1);
        expect_doc(c->tag, &d, NULL, c->k1, c->k2);
        doc_free(&d);
    }
}

static void test_dtypes(void)
{
    static const retype_case cases[] = {
        {"I64 tensor", LRP_F64, "encoder.fwd.weight_h", "I64", 8, 2, 16, 4, "encoder.fwd.weight_h: dtype I64",
         "expected F32 or F64"},
        {"F16 tensor", LRP_F32, "embedding", "F16", 2, 2, 5, 3, "embedding: dtype F16", "expected F32 or F64"},
        {"BF16 tensor", LRP_F32, "embedding", "BF16", 2, 2, 5, 3, "embedding: dtype BF16", "expected F32 or F64"},
    };
    expect_retyped(cases, sizeof cases / sizeof *cases);

    /* mixed F32 and F64 tensors are fine */
    doc d;
    doc_valid(&d, LRP_F64);
    blob *b = doc_find(&d, "classifier.weight_bwd");
    doc_retype(&d, "classifier.weight_bwd", "F32", 4, 2, 2, 4);
    for (int i = 0; i < 8; i++) blob_set(b, (size_t)i, 0.125 * i);
    expect_ok("mixed dtypes", &d);
    doc_free(&d);
}

static void test_shapes(void)
{
    /* the message of the issue, word for word */
    lrp_model *m = tu_random_model(3, 2, 60, 2, 1, 2, 0, 0.1, 2);
    size_t n;
    unsigned char *bytes = tu_model_bytes(m, LRP_F32, "ifgo", &n);
    doc d;
    doc_from_bytes(&d, bytes, n);
    free(bytes);
    lrp_model_free(m);
    expect_ok("H=60", &d);
    doc_retype(&d, "encoder.bwd.weight_h", "F32", 4, 2, 240, 59);
    size_t len;
    unsigned char *b = doc_bytes(&d, NULL, &len);
    lrp_model *out = NULL;
    lrp_error err;
    lrp_status st = lrp_model_load_memory(&out, b, len, &err);
    TU_CHECK_STATUS(st, LRP_ERR_FORMAT, err);
    TU_CHECK(strcmp(err.message, "encoder.bwd.weight_h: shape [240, 59], expected [240, 60]") == 0,
             "wrong shape message: \"%s\"", err.message);
    free(b);
    doc_free(&d);

    static const retype_case cases[] = {
        {"weight_x vs embedding", LRP_F64, "encoder.fwd.weight_x", "F64", 8, 2, 16, 2,
         "encoder.fwd.weight_x: shape [16, 2], expected [16, 3]", NULL},
        {"bwd weight_x rows", LRP_F64, "encoder.bwd.weight_x", "F64", 8, 2, 12, 3,
         "encoder.bwd.weight_x: shape [12, 3], expected [16, 3]", NULL},
        {"4H not a multiple of 4", LRP_F64, "encoder.fwd.weight_x", "F64", 8, 2, 15, 3,
         "encoder.fwd.weight_x: shape [15, 3]", "four gate blocks"},
        {"bias of rank 2", LRP_F64, "encoder.fwd.bias", "F64", 8, 2, 16, 1,
         "encoder.fwd.bias: shape [16, 1], expected [16]", NULL},
        {"classifier bias size", LRP_F64, "classifier.bias", "F64", 8, 1, 3, 0,
         "classifier.bias: shape [3], expected [2]", NULL},
        {"classes disagree", LRP_F64, "classifier.weight_bwd", "F64", 8, 2, 3, 4,
         "classifier.weight_bwd: shape [3, 4], expected [2, 4]", NULL},
        {"embedding rank 1", LRP_F64, "embedding", "F64", 8, 1, 15, 0, "embedding: shape [15], expected [V, E]", NULL},
        {"empty embedding", LRP_F64, "embedding", "F64", 8, 2, 0, 3, "embedding: shape [0, 3]", "positive"},
    };
    expect_retyped(cases, sizeof cases / sizeof *cases);
}

static void test_missing_unexpected(void)
{
    doc d;
    doc_valid(&d, LRP_F64);
    doc_remove(&d, "encoder.bwd.bias");
    expect_doc("missing tensor", &d, NULL, "missing tensor \"encoder.bwd.bias\"", "1 layer, bidirectional");
    doc_free(&d);

    doc_valid(&d, LRP_F64);
    d.t[d.n] = d.t[0];
    snprintf(d.t[d.n].name, sizeof d.t[d.n].name, "extra.weight");
    d.t[d.n].data = malloc(d.t[0].size);
    memcpy(d.t[d.n].data, d.t[0].data, d.t[0].size);
    d.n++;
    expect_doc("unexpected tensor", &d, NULL, "unexpected tensor \"extra.weight\"", NULL);
    doc_free(&d);

    /* a unidirectional file must say so: bwd tensors of a directions=1 file are unexpected */
    doc_valid(&d, LRP_F64);
    doc_set_meta(&d, "directions", "1");
    expect_doc("bwd in a unidirectional file", &d, NULL, "unexpected tensor \"encoder.bwd.", "unidirectional");
    doc_set_meta(&d, "directions", NULL);
    doc_set_meta(&d, "layers", "2");
    expect_doc("flat names in a stacked file", &d, NULL, "missing tensor \"encoder.l0.fwd.weight_x\"", "2 layers");
    doc_free(&d);
}

static void test_non_finite(void)
{
    /* one value of a valid file (written as `file`) made non-finite */
    static const struct {
        const char *tag;
        lrp_dtype file;
        const char *tensor;
        size_t i;
        double v;
        const char *k1;
    } cases[] = {
        {"NaN weight", LRP_F64, "encoder.fwd.weight_h", 1 * 4 + 2, NAN,
         "encoder.fwd.weight_h: non-finite value nan at [1, 2]"},
        {"-Inf bias", LRP_F64, "classifier.bias", 1, -INFINITY, "classifier.bias: non-finite value -inf at [1]"},
        {"Inf F32 embedding", LRP_F32, "embedding", 14, INFINITY, "embedding: non-finite value inf at [4, 2]"},
    };
    doc d;
    for (size_t k = 0; k < sizeof cases / sizeof *cases; k++) {
        doc_valid(&d, cases[k].file);
        blob_set(doc_find(&d, cases[k].tensor), cases[k].i, cases[k].v);
        expect_doc(cases[k].tag, &d, NULL, cases[k].k1, NULL);
        doc_free(&d);
    }

    /* a large embedding (at least 2^18 values) is read by two threads, the upper
     * rows by the second: a bad value in either part is named, the first in file
     * order when both have one */
    lrp_model *m = tu_random_model(6000, 48, 2, 2, 1, 1, 0, 0.5, 3);
    size_t n;
    unsigned char *bytes = m ? tu_model_bytes(m, LRP_F32, "ifgo", &n) : NULL;
    TU_CHECK(bytes, "cannot write a large model");
    if (!bytes) return;
    doc_from_bytes(&d, bytes, n);
    free(bytes);
    lrp_model_free(m);
    expect_ok("large embedding", &d);
    blob_set(doc_find(&d, "embedding"), 5000 * 48 + 7, NAN);
    expect_doc("NaN in a large embedding's upper rows", &d, NULL, "embedding: non-finite value nan at [5000, 7]",
               NULL);
    blob_set(doc_find(&d, "embedding"), 100 * 48 + 1, INFINITY);
    expect_doc("Inf in both parts", &d, NULL, "embedding: non-finite value inf at [100, 1]", NULL);
    blob_set(doc_find(&d, "embedding"), 100 * 48 + 1, 0.25);
    blob_set(doc_find(&d, "encoder.fwd.weight_h"), 3, NAN);
    expect_doc("NaN in the upper rows and in a later tensor", &d, NULL,
               "embedding: non-finite value nan at [5000, 7]", NULL);
    doc_free(&d);
}

// ----------------------------------------------------------------------------
// metadata

/* One metadata key of the doc set to a value (NULL: removed); loading must fail
 * saying k1 (and k2). */
typedef struct meta_case {
    const char *key, *value, *k1, *k2;
} meta_case;

static void expect_meta_cases(const char *what, const doc *d, const meta_case *cases, size_t n)
{
    for (size_t k = 0; k < n; k++) {
        doc e = *d;
        e.meta = cJSON_Duplicate(d->meta, 1);
        doc_set_meta(&e, cases[k].key, cases[k].value);
        char tag[96];
        snprintf(tag, sizeof tag, "%s %s=%s", what, cases[k].key, cases[k].value ? cases[k].value : "(none)");
        expect_doc(tag, &e, NULL, cases[k].k1, cases[k].k2);
        cJSON_Delete(e.meta);
    }
}

static void test_metadata(void)
{
    doc d;
    doc_valid(&d, LRP_F64);
    static const meta_case cases[] = {
        {"vocab", "w0\nw1\nw2\nw3", "vocab: 4 words", "embedding has 5 rows"},
        {"vocab", "w0\nw1\nw2\nw3\nw4\n", "vocab: 6 words", "embedding has 5 rows"},
        {"vocab", "w0\nw1\nw2\nw1\nw4", "duplicate word \"w1\"", "lines 2 and 4"},
        {"vocab", "w0\nw1\n\nw3\nw4", "vocab: word 2 is empty", NULL},
        {"vocab", "w0\nw1\nw2\nw3\nw4\r", "line break", NULL},
        {"vocab", NULL, "no \"vocab\"", NULL},
        {"labels", "c0", "labels: 1 names", "2 classes"},
        {"labels", "c0\nc0", "duplicate name \"c0\"", NULL},
        {"labels", NULL, "no \"labels\"", NULL},
        {"unk", "<unk>", "unk: the word \"<unk>\" is not in the vocabulary", NULL},
        {"unk", "", "unk is empty", NULL},
        {"gate_order", "igfx", "gate_order \"igfx\"", "permutation"},
        {"gate_order", "iigo", "gate_order \"iigo\"", "permutation"},
        {"gate_order", "ifgoi", "gate_order \"ifgoi\"", "permutation"},
        {"gate_order", NULL, "no \"gate_order\"", NULL},
        {"format", "pt", "no nn.LSTM or nn.GRU in this PyTorch state_dict", "weight_ih_l0"},
        {"format", "tf", "__metadata__.format is \"tf\"", "expected \"lrp-rnn\""},
        {"format", NULL, "no \"format\"", "not an lrp-rnn model file"},
        {"lowercase", "yes", "__metadata__.lowercase is \"yes\"", "\"true\" or \"false\""},
        {"lowercase", NULL, "no \"lowercase\"", NULL},
        {"format_version", "2", "format_version 2", "newer than this lrp supports"},
        {"format_version", "1.0", "format_version is \"1.0\"", "positive integer"},
        {"format_version", "0", "format_version is \"0\"", "positive integer"},
        {"layers", "0", "layers is \"0\"", "from 1 to 16"},
        {"layers", "17", "layers is \"17\"", "from 1 to 16"},
        {"directions", "3", "directions is \"3\"", "\"1\" or \"2\""},
    };
    expect_meta_cases("metadata", &d, cases, sizeof cases / sizeof *cases);
    /* absent optional keys and an unknown key are fine */
    doc_set_meta(&d, "format_version", NULL);
    doc_set_meta(&d, "unk", NULL);
    doc_set_meta(&d, "layers", NULL);
    doc_set_meta(&d, "directions", NULL);
    doc_set_meta(&d, "trained_on", "sst5");
    expect_ok("optional keys absent", &d);
    doc_free(&d);
}

// ----------------------------------------------------------------------------
// strings of the header: NUL escapes, duplicate keys, control characters

/* The doc's file with the first `from` of its header text replaced by `to` (the
 * header length follows). */
static unsigned char *doc_bytes_replacing(const doc *d, const char *from, const char *to, size_t *n)
{
    size_t bn;
    unsigned char *b = doc_bytes(d, NULL, &bn);
    size_t hl = 0;
    for (int k = 7; k >= 0; k--) hl = (hl << 8) | b[k];
    char *json = malloc(hl + strlen(to) + 1);
    memcpy(json, b + 8, hl);
    json[hl] = '\0';
    char *at = strstr(json, from);
    if (!at) {
        fprintf(stderr, "doc_bytes_replacing: \"%s\" is not in the header\n", from);
        exit(1);
    }
    size_t tail = strlen(at + strlen(from));
    memmove(at + strlen(to), at + strlen(from), tail + 1);
    memcpy(at, to, strlen(to));
    unsigned char *out = raw_file(json, b + 8 + hl, bn - 8 - hl, n);
    free(json);
    free(b);
    return out;
}

static void test_strings(void)
{
    doc d;
    doc_valid(&d, LRP_F64);
    doc_set_meta(&d, "trained_on", "sst5");
    doc_set_meta(&d, "labels", "c0\nc1");
    expect_ok("a valid doc with an extra key", &d);
    static const struct {
        const char *tag, *from, *to, *k1, *k2;
    } edits[] = {
        /* cJSON's strings end at a NUL: "lrp-rnn\u0000garbage" would read as "lrp-rnn" */
        {"NUL escape in format", "\"format\":\"lrp-rnn\"", "\"format\":\"lrp-rnn\\u0000garbage\"", "\\u0000",
         "in a string"},
        {"NUL escape in a label", "c0\\nc1", "c0\\nc1\\u0000x", "\\u0000", NULL},
        {"NUL escape in a tensor name", "\"embedding\"", "\"embedding\\u0000x\"", "\\u0000", NULL},
        /* a JSON reader keeps the first of two keys, another the last */
        {"duplicate metadata key", "\"trained_on\":\"sst5\"", "\"format\":\"pt\"", "__metadata__",
         "\"format\" appears twice"},
        {"duplicate key in a tensor entry", "\"dtype\":\"F64\"", "\"dtype\":\"F64\",\"dtype\":\"F32\"", "\"dtype\"",
         "appears twice"},
        /* control characters: in names, in metadata values */
        {"ESC in a tensor name", "\"embedding\"", "\"embedding\\u001b[2J\"", "control character", NULL},
        {"BEL in a metadata key", "\"trained_on\"", "\"trained\\u0007on\"", "control character", NULL},
        {"ESC in a metadata value", "\"sst5\"", "\"sst\\u001b[2J\"", "__metadata__.trained_on: byte 3",
         "control character U+001B"},
        {"ESC in a label", "c0\\nc1", "c0\\nc\\u001b[31m1", "__metadata__.labels: byte 4", "U+001B"},
        {"C1 CSI in a label", "c0\\nc1", "c0\\nc\\u009b1", "__metadata__.labels", "U+009B"},
        /* what text allows as a line break or space is still no part of a name */
        {"vertical tab in a label", "c0\\nc1", "c0\\nc\\u000b1", "labels: the name of class 1",
         "control character U+000B"},
        {"NEL in a label", "c0\\nc1", "c0\\nc\\u00851", "labels: the name of class 1", "U+0085"},
        {"form feed in a word", "\"w0\\n", "\"w\\f0\\n", "vocab: word 0", "control character U+000C"},
    };
    for (size_t k = 0; k < sizeof edits / sizeof *edits; k++) {
        size_t n;
        unsigned char *b = doc_bytes_replacing(&d, edits[k].from, edits[k].to, &n);
        expect_fail(edits[k].tag, b, n, LRP_ERR_FORMAT, edits[k].k1, edits[k].k2);
        free(b);
    }
    /* integers beyond 2^53 are named as such, not as "not a non-negative integer" */
    size_t rn;
    unsigned char *rb = raw_file("{\"t\": {\"dtype\": \"U8\", \"shape\": [18014398509481984], "
                                 "\"data_offsets\": [0, 0]}}", NULL, 0, &rn);
    expect_fail("shape beyond 2^53", rb, rn, LRP_ERR_FORMAT, "shape entry 0 is larger than 2^53", NULL);
    free(rb);
    rb = raw_file("{\"t\": {\"dtype\": \"U8\", \"shape\": [1], \"data_offsets\": [18014398509481984, "
                  "18014398509481985]}}", NULL, 0, &rn);
    expect_fail("offsets beyond 2^53", rb, rn, LRP_ERR_FORMAT, "an offset larger than 2^53", NULL);
    free(rb);
    /* a tab stays allowed in a word and a label (JSON escapes it) */
    doc_set_meta(&d, "labels", "c\t0\nc1");
    expect_ok("a tab in a label", &d);
    doc_free(&d);
}

// ----------------------------------------------------------------------------
// the model family: cell, pooling, dense layers, activation

/* A valid file of the family as a doc: a bi-GRU (1 layer, H = 4) with an attention
 * head (A = 3), dense layers 5, 4 (tanh) and a classifier bias; V = 5, E = 3, C = 2. */
static void doc_family(doc *d)
{
    model_shape s = {.V = 5, .E = 3, .H = 4, .C = 2, .L = 1, .D = 2, .has_bias = 1, .cell = CELL_GRU,
                     .pooling = POOL_ATTENTION, .A = 3, .n_dense = 2, .dense = {5, 4}, .activation = ACT_TANH};
    lrp_model *m = tu_random_model_shape(&s, 0.5, 21);
    size_t n = 0;
    unsigned char *bytes = m ? tu_model_bytes(m, LRP_F64, NULL, &n) : NULL;
    if (!bytes) exit(1);
    doc_from_bytes(d, bytes, n);
    free(bytes);
    lrp_model_free(m);
}

/* A copy of tensor `from` named `name`, appended. */
static void doc_copy(doc *d, const char *from, const char *name)
{
    blob *b = &d->t[d->n];
    *b = *doc_find(d, from);
    snprintf(b->name, sizeof b->name, "%s", name);
    b->data = malloc(b->size);
    memcpy(b->data, doc_find(d, from)->data, b->size);
    d->n++;
}

static void doc_rename(doc *d, const char *from, const char *to)
{
    snprintf(doc_find(d, from)->name, sizeof d->t[0].name, "%s", to);
}

static void test_family_metadata(void)
{
    doc d;
    doc_family(&d);
    expect_ok("the family's doc", &d);
    static const meta_case cases[] = {
        {"cell", "rnn", "__metadata__.cell is \"rnn\", expected \"lstm\" or \"gru\"", NULL},
        {"pooling", "sum", "__metadata__.pooling is \"sum\", expected \"last\", \"mean\", \"max\" or \"attention\"", NULL},
        {"activation", "gelu", "__metadata__.activation is \"gelu\", expected \"relu\" or \"tanh\"", NULL},
        {"dense", "5,,4", "__metadata__.dense is \"5,,4\", expected the dense layers' sizes in order", "\"128,64\""},
        {"dense", "0", "__metadata__.dense is \"0\", expected the dense layers' sizes", NULL},
        {"dense", "5, 4", "__metadata__.dense is \"5, 4\", expected", NULL},
        {"dense", "5,4,", "__metadata__.dense is \"5,4,\", expected", NULL},
        {"dense", "1,1,1,1,1,1,1,1,1", "more than 8 dense layers are not supported", NULL},
        /* dense not matching the tensors */
        {"dense", "5", "unexpected tensor \"dense.l1.weight\"", "metadata \"dense\" = \"5\" gives 1 dense layer"},
        {"dense", "5,4,3", "missing tensor \"dense.l2.weight\"", "\"dense\" = \"5,4,3\" gives 3 dense layers"},
        {"dense", "", "unexpected tensor \"dense.l0.weight\"", "\"dense\" is absent or empty"},
        {"dense", NULL, "unexpected tensor \"dense.l0.weight\"", "\"dense\" is absent or empty"},
        {"dense", "6,4", "dense.l0.weight: shape [5, 8], expected [6, 8] (metadata \"dense\" = \"6,4\")", NULL},
        {"dense", "5,3", "dense.l1.weight: shape [4, 5], expected [3, 5] (metadata \"dense\" = \"5,3\")", NULL},
        /* the GRU's gate order */
        {"gate_order", "rzx", "gate_order \"rzx\": expected a permutation of the three letters rzn", NULL},
        {"gate_order", "rznr", "gate_order \"rznr\": expected a permutation of the three letters rzn", NULL},
        {"gate_order", "rrn", "gate_order \"rrn\": expected a permutation", NULL},
        {"gate_order", "ifgo", "gate_order \"ifgo\" is an nn.LSTM's, but the metadata say cell \"gru\"", "permutation of rzn"},
        {"gate_order", NULL, "no \"gate_order\" (a permutation of rzn)", NULL},
        /* attention tensors the metadata do not have */
        {"pooling", "last", "unexpected tensor \"attention.weight\"", "an attention head's, but the metadata say pooling \"last\""},
        {"pooling", NULL, "unexpected tensor \"attention.weight\"", "pooling \"last\""},
        {"pooling", "max", "unexpected tensor \"attention.weight\"", "pooling \"max\""},
        /* a GRU's file without its cell */
        {"cell", "lstm", "gate_order \"rzn\" is an nn.GRU's, but the metadata say cell \"lstm\"", "permutation of igfo"},
        {"cell", NULL, "gate_order \"rzn\" is an nn.GRU's, but the metadata say cell \"lstm\" (\"cell\" absent)", NULL},
    };
    expect_meta_cases("family metadata", &d, cases, sizeof cases / sizeof *cases);
    doc_free(&d);
}

static void test_family_tensors(void)
{
    doc d;
    doc_family(&d);
    doc_remove(&d, "attention.vector");
    expect_doc("no attention.vector", &d, NULL, "missing tensor \"attention.vector\"",
               "an attention head has attention.weight [A, D*H], attention.bias [A] and attention.vector [A]");
    doc_free(&d);

    doc_family(&d);
    doc_remove(&d, "dense.l1.bias");
    expect_doc("no dense bias", &d, NULL, "missing tensor \"dense.l1.bias\"", "each with dense.l<k>.weight and dense.l<k>.bias");
    doc_free(&d);

    /* a bias where bias_x and bias_h are needed */
    doc_family(&d);
    doc_remove(&d, "encoder.bwd.bias_h");
    doc_rename(&d, "encoder.bwd.bias_x", "encoder.bwd.bias");
    expect_doc("GRU with one bias", &d, NULL, "missing tensor \"encoder.bwd.bias_x\"",
               "a GRU layer keeps its input and recurrent biases apart, as bias_x and bias_h [3H]");
    doc_free(&d);
    doc_family(&d);
    doc_copy(&d, "encoder.fwd.bias_x", "encoder.fwd.bias");
    expect_doc("GRU with bias as well", &d, NULL, "unexpected tensor \"encoder.fwd.bias\"", "model with 1 layer, bidirectional, GRU");
    doc_free(&d);

    /* GRU tensors read as an LSTM's */
    doc_family(&d);
    doc_set_meta(&d, "cell", "lstm");
    doc_set_meta(&d, "gate_order", "ifgo");
    expect_doc("GRU tensors, cell lstm", &d, NULL, "missing tensor \"encoder.fwd.bias\"",
               "an LSTM layer has one bias (input and recurrent biases summed); bias_x and bias_h are a GRU's");
    doc_free(&d);

    /* the classifier's weight once, split only without dense layers */
    doc_family(&d);
    doc_copy(&d, "classifier.weight", "classifier.weight_fwd");
    expect_doc("classifier twice", &d, NULL, "both classifier.weight and classifier.weight_fwd", NULL);
    doc_free(&d);
    doc_family(&d);
    doc_rename(&d, "classifier.weight", "classifier.weight_fwd");
    expect_doc("split with dense layers", &d, NULL, "classifier.weight_fwd: with dense layers the classifier reads the last dense layer's outputs",
               "expected classifier.weight [C, 4]");
    doc_free(&d);

    static const struct { const char *tag, *tensor; size_t rank, r0, r1; const char *k1, *k2; } shapes[] = {
        {"attention bias size", "attention.bias", 1, 4, 0, "attention.bias: shape [4], expected [3] (A = 3, the rows of attention.weight)", NULL},
        {"attention vector size", "attention.vector", 1, 2, 0, "attention.vector: shape [2], expected [3] (A = 3", NULL},
        {"attention width", "attention.weight", 2, 3, 7, "attention.weight: shape [3, 7], expected [3, 8]", NULL},
        {"attention rank", "attention.weight", 1, 3, 0, "attention.weight: shape [3], expected [A, D*H]", NULL},
        {"dense reads the head", "dense.l0.weight", 2, 5, 7, "dense.l0.weight: shape [5, 7], expected [5, 8]",
         "the first dense layer reads the head's D*H = 8 values"},
        {"dense reads the layer below", "dense.l1.weight", 2, 4, 6, "dense.l1.weight: shape [4, 6], expected [4, 5]",
         "dense layer 1 reads the 5 outputs of dense.l0"},
        {"dense bias", "dense.l0.bias", 1, 4, 0, "dense.l0.bias: shape [4], expected [5]", NULL},
        {"classifier after dense", "classifier.weight", 2, 2, 5, "classifier.weight: shape [2, 5], expected [2, 4]",
         "the classifier reads the 4 outputs of the last dense layer"},
        {"three gate blocks", "encoder.fwd.weight_x", 2, 13, 3, "encoder.fwd.weight_x: shape [13, 3], expected [3H, E]",
         "three gate blocks (r, z, n)"},
        {"recurrent bias size", "encoder.bwd.bias_h", 1, 11, 0, "encoder.bwd.bias_h: shape [11], expected [12]", NULL},
    };
    for (size_t k = 0; k < sizeof shapes / sizeof *shapes; k++) {
        doc_family(&d);
        doc_retype(&d, shapes[k].tensor, "F64", 8, shapes[k].rank, shapes[k].r0, shapes[k].r1);
        expect_doc(shapes[k].tag, &d, NULL, shapes[k].k1, shapes[k].k2);
        doc_free(&d);
    }

    static const struct { const char *tensor; size_t i; const char *k1; } values[] = {
        {"attention.vector", 1, "attention.vector: non-finite value nan at [1]"},
        {"dense.l1.bias", 3, "dense.l1.bias: non-finite value nan at [3]"},
        {"encoder.fwd.bias_h", 2, "encoder.fwd.bias_h: non-finite value nan at [2]"},
    };
    for (size_t k = 0; k < sizeof values / sizeof *values; k++) {
        doc_family(&d);
        blob_set(doc_find(&d, values[k].tensor), values[k].i, NAN);
        expect_doc(values[k].k1, &d, NULL, values[k].k1, NULL);
        doc_free(&d);
    }
}

/* What loads: the classifier whole in the paper's model and split in a GRU's without
 * dense layers (the same parameters either way); an activation without dense layers
 * (said and ignored); the options --pooling, --activation on an lrp-rnn file only
 * when they repeat it. */
static void test_family_accepted(void)
{
    lrp_model *m = tu_random_model(5, 3, 4, 2, 1, 2, 1, 0.5, 11);
    lrp_error err;
    size_t n = 0;
    unsigned char *bytes = m ? tu_model_bytes(m, LRP_F64, "ifgo", &n) : NULL;
    if (!bytes) exit(1);
    doc d;
    doc_from_bytes(&d, bytes, n);
    free(bytes);
    /* classifier.weight [C, 2H] = [weight_fwd | weight_bwd] */
    blob *f = doc_find(&d, "classifier.weight_fwd"), *b = doc_find(&d, "classifier.weight_bwd");
    unsigned char *whole = malloc(f->size + b->size);
    for (size_t c = 0; c < 2; c++) {
        memcpy(whole + c * 64, f->data + c * 32, 32);
        memcpy(whole + c * 64 + 32, b->data + c * 32, 32);
    }
    doc_remove(&d, "classifier.weight_bwd");
    doc_retype(&d, "classifier.weight_fwd", "F64", 8, 2, 2, 8);
    doc_rename(&d, "classifier.weight_fwd", "classifier.weight");
    memcpy(doc_find(&d, "classifier.weight")->data, whole, 2 * 64);
    free(whole);
    doc_set_meta(&d, "activation", "tanh");
    unsigned char *file = doc_bytes(&d, NULL, &n);
    lrp_model *l = NULL;
    TU_CHECK_STATUS(lrp_model_load_memory(&l, file, n, &err), LRP_OK, err);
    if (l) {
        int same = l->layout.total == m->layout.total;
        for (size_t i = 0; same && i < m->layout.total; i++) same = model_param(l, i) == model_param(m, i);
        TU_CHECK(same, "the paper's model with classifier.weight whole: other parameters");
        TU_CHECK(l->shape.activation == ACT_RELU, "an activation without dense layers is ignored");
        lrp_model_free(l);
    }
    lrp_load_options o;
    lrp_load_options_init(&o);
    o.pooling = "last";
    o.activation = "relu";
    TU_CHECK_STATUS(lrp_model_load_memory_ex(&l, file, n, &o, &err), LRP_OK, err);
    lrp_model_free(l);
    o.pooling = "mean";
    TU_CHECK_STATUS(lrp_model_load_memory_ex(&l, file, n, &o, &err), LRP_ERR_ARGUMENT, err);
    TU_CHECK(strstr(err.message, "pooling option \"mean\": this lrp-rnn file's head is \"last\""), "pooling option: %s",
             err.message);
    o.pooling = "sum";
    TU_CHECK_STATUS(lrp_model_load_memory_ex(&l, file, n, &o, &err), LRP_ERR_ARGUMENT, err);
    o.pooling = NULL;
    o.activation = "gelu";
    TU_CHECK_STATUS(lrp_model_load_memory_ex(&l, file, n, &o, &err), LRP_ERR_ARGUMENT, err);
    TU_CHECK(strstr(err.message, "activation option \"gelu\""), "activation option: %s", err.message);
    o.activation = NULL;
    o.dense_prefixes = "fc1";
    TU_CHECK_STATUS(lrp_model_load_memory_ex(&l, file, n, &o, &err), LRP_ERR_ARGUMENT, err);
    TU_CHECK(strstr(err.message, "are for PyTorch state_dicts"), "module path option: %s", err.message);
    free(file);
    doc_free(&d);
    lrp_model_free(m);

    /* a GRU without dense layers, its classifier split */
    model_shape s = {.V = 5, .E = 3, .H = 2, .C = 2, .L = 1, .D = 2, .cell = CELL_GRU, .pooling = POOL_MEAN};
    m = tu_random_model_shape(&s, 0.5, 5);
    bytes = m ? tu_model_bytes(m, LRP_F64, NULL, &n) : NULL;
    if (!bytes) exit(1);
    doc_from_bytes(&d, bytes, n);
    free(bytes);
    doc_retype(&d, "classifier.weight", "F64", 8, 2, 2, 2);
    doc_rename(&d, "classifier.weight", "classifier.weight_fwd");
    doc_copy(&d, "classifier.weight_fwd", "classifier.weight_bwd");
    expect_ok("a GRU's classifier split", &d);
    doc_remove(&d, "classifier.weight_bwd");
    expect_doc("a GRU's classifier half split", &d, NULL, "missing tensor \"classifier.weight_bwd\"", "GRU, mean pooling");
    doc_free(&d);
    lrp_model_free(m);
}

// ----------------------------------------------------------------------------
// files

static void test_files(void)
{
    lrp_model *m = (lrp_model *)&m;
    lrp_error err;
    char path[600];
    snprintf(path, sizeof path, "%s/does-not-exist.safetensors", tu_tmpdir());
    lrp_status st = lrp_model_load(&m, path, &err);
    TU_CHECK_STATUS(st, LRP_ERR_IO, err);
    TU_CHECK(m == NULL, "model after a failed load");
    TU_CHECK(strstr(err.message, path) && strstr(err.message, strerror(ENOENT)),
             "nonexistent file message: %s", err.message);

    st = lrp_model_load(&m, tu_tmpdir(), &err);
    TU_CHECK_STATUS(st, LRP_ERR_IO, err);
    TU_CHECK(strstr(err.message, tu_tmpdir()) && strstr(err.message, "is a directory"),
             "directory message: %s", err.message);

    /* a bad file's message names the file, then the problem */
    snprintf(path, sizeof path, "%s/bad.safetensors", tu_tmpdir());
    FILE *f = fopen(path, "wb");
    fputs("garbage", f);
    fclose(f);
    st = lrp_model_load(&m, path, &err);
    TU_CHECK_STATUS(st, LRP_ERR_FORMAT, err);
    TU_CHECK(strncmp(err.message, path, strlen(path)) == 0 && strstr(err.message, "truncated"),
             "bad file message: %s", err.message);

    TU_CHECK_STATUS(lrp_model_load(NULL, path, &err), LRP_ERR_ARGUMENT, err);
    TU_CHECK_STATUS(lrp_model_load(&m, NULL, &err), LRP_ERR_ARGUMENT, err);
    TU_CHECK_STATUS(lrp_model_load_memory(&m, NULL, 10, &err), LRP_ERR_ARGUMENT, err);
    TU_CHECK(lrp_model_load(&m, path, NULL) == LRP_ERR_FORMAT, "NULL err is allowed");
}

int main(void)
{
    test_truncated();
    test_header_json();
    test_offsets();
    test_dtypes();
    test_shapes();
    test_missing_unexpected();
    test_non_finite();
    test_metadata();
    test_strings();
    test_family_metadata();
    test_family_tensors();
    test_family_accepted();
    test_files();
    return tu_finish();
}
