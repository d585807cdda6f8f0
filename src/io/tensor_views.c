/*
 * tensor_views.c - the one table between file tensors and parameters, and the one
 * copy routine (tensor_views.h).
 */
#include "io/tensor_views.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/common.h"

// ----------------------------------------------------------------------------
// this project's names

size_t views_ours(const model_shape *s, const param_layout *p, int split, const int gate[GATE_COUNT],
                  tensor_view *v)
{
    static const char *const dir[2] = {"fwd", "bwd"};
    model_tensor t[MODEL_MAX_TENSORS];
    const size_t nt = model_tensors(s, p, t);
    size_t n = 0;
    for (size_t k = 0; k < nt; k++) {
        if (split && strcmp(t[k].name, "classifier.weight") == 0) {
            /* the internal (C, D*H) rows hold the file's weight_fwd row, then weight_bwd's */
            for (size_t d = 0; d < s->D; d++, n++) {
                memset(&v[n], 0, sizeof v[n]);
                snprintf(v[n].name, sizeof v[n].name, "classifier.weight_%s", dir[d]);
                v[n].rank = 2;
                v[n].rows = s->C;
                v[n].cols = s->H;
                v[n].offset = p ? p->wout + d * s->H : 0;
                v[n].stride = s->D * s->H;
            }
            continue;
        }
        memset(&v[n], 0, sizeof v[n]);
        memcpy(v[n].name, t[k].name, sizeof v[n].name);
        v[n].rank = t[k].rank;
        v[n].rows = t[k].rows;
        v[n].cols = t[k].cols;
        v[n].offset = t[k].offset;
        v[n].stride = t[k].cols;
        v[n].block = t[k].block;
        for (size_t g = 0; g < GATE_COUNT; g++) v[n].gate[g] = gate ? gate[g] : (int)g;
        n++;
    }
    return n;
}

// ----------------------------------------------------------------------------
// values

/* "tensor: non-finite value v at [row, column]" */
static lrp_status non_finite_at(const st_tensor *t, size_t at, double value, lrp_error *err)
{
    char where[48];
    if (t->rank == 2) snprintf(where, sizeof where, "[%zu, %zu]", at / t->shape[1], at % t->shape[1]);
    else snprintf(where, sizeof where, "[%zu]", at);
    return lrp_fail(err, LRP_ERR_FORMAT, "%.100s: non-finite value %g at %s", t->name, value, where);
}

lrp_status model_read_finite(const st_tensor *t, size_t first, size_t count, double *dst,
                             lrp_error *err)
{
    st_read_f64(t, first, count, dst);
    for (size_t i = 0; i < count; i++)
        if (!isfinite(dst[i])) return non_finite_at(t, first + i, dst[i], err);
    return LRP_OK;
}

/* Are the count floats at x (elements first.. of tensor t) finite? One pass over
 * the bits (exponent all ones: Inf or NaN); the first bad one is looked for only
 * when there is one. */
static lrp_status check_finite_f32(const st_tensor *t, const float *x, size_t first, size_t count,
                                   lrp_error *err)
{
    uint32_t worst = 0;
    for (size_t i = 0; i < count; i++) {
        uint32_t bits;
        memcpy(&bits, &x[i], sizeof bits);
        bits &= 0x7f800000u;
        worst = bits > worst ? bits : worst;
    }
    if (worst != 0x7f800000u) return LRP_OK;
    for (size_t i = 0;; i++)
        if (!isfinite(x[i])) return non_finite_at(t, first + i, (double)x[i], err);
}

/* Elements [first, first + count) of the embedding tensor t into the model, as it
 * keeps them (float64 read, float32 copied, or float32 in the file checked only),
 * each checked finite. */
static lrp_status read_embedding(const st_tensor *t, lrp_model *m, size_t first, size_t count,
                                 lrp_error *err)
{
    if (m->emb_kind == MODEL_EMB_F64)
        return model_read_finite(t, first, count, m->params + m->layout.emb + first, err);
    if (m->emb32_owned) st_read_f32(t, first, count, m->emb32_owned + first);
    return check_finite_f32(t, m->emb32 + first, first, count, err);
}

/* Can the model use this F32 tensor's floats where they lie? */
static int usable_in_place(const st_tensor *t)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    return t->dtype == ST_F32 && (uintptr_t)t->data % _Alignof(float) == 0;
#else
    (void)t;
    return 0;
#endif
}

lrp_status model_create_for(lrp_model **out, const model_shape *s, const st_tensor *emb, int in_file,
                            lrp_error *err)
{
    /* an F32 embedding stays float32 (exact), in the file when it can: no memory to
     * fill, where float64 would be twice the file's size */
    const model_emb_kind kind = emb->dtype != ST_F32                   ? MODEL_EMB_F64
                                : in_file && usable_in_place(emb) ? MODEL_EMB_F32_FILE
                                                                      : MODEL_EMB_F32;
    lrp_status st = model_create_ex(out, s, kind, err);
    if (st == LRP_OK && kind == MODEL_EMB_F32_FILE) (*out)->emb32 = (const float *)(const void *)emb->data;
    return st;
}

// ----------------------------------------------------------------------------
// the copy

/* Rows [r0, r1) of view v into the model (gate rows permuted into internal order,
 * added when v->base says so), each value checked finite; names the file's tensor
 * and [row, column]. */
static lrp_status copy_rows(const tensor_view *v, lrp_model *m, size_t r0, size_t r1, lrp_error *err)
{
    if (v->offset == m->layout.emb && !v->base) /* the embedding's rows are never permuted */
        return read_embedding(v->src, m, r0 * v->cols, (r1 - r0) * v->cols, err);
    double *add = v->base ? malloc(v->cols * sizeof *add) : NULL;
    if (v->base && !add) return lrp_fail(err, LRP_ERR_NOMEM, "out of memory reading %.100s", v->src->name);
    lrp_status st = LRP_OK;
    for (size_t r = r0; r < r1 && st == LRP_OK; r++) {
        double *row = m->params + v->offset + view_row(v, r) * v->stride;
        if (!v->base) {
            st = model_read_finite(v->src, r * v->cols, v->cols, row, err);
            continue;
        }
        st = model_read_finite(v->src, r * v->cols, v->cols, add, err);
        for (size_t c = 0; c < v->cols && st == LRP_OK; c++) {
            row[c] += add[c];
            if (isfinite(row[c])) continue;
            char where[48];
            if (v->rank == 2) snprintf(where, sizeof where, "[%zu, %zu]", r, c);
            else snprintf(where, sizeof where, "[%zu]", r);
            st = lrp_fail(err, LRP_ERR_FORMAT, "%.100s + %.100s overflows at %s", v->base->name, v->src->name,
                          where);
        }
    }
    free(add);
    return st;
}

enum { SPLIT_MIN = 1 << 18 }; /* values: smaller embeddings are read by one thread */

static void *rows_thread(void *arg)
{
    views_job *j = arg;
    j->st = copy_rows(&j->v, j->m, j->r0, j->r1, &j->err);
    return NULL;
}

/* On a model of the paper's size the embedding is nearly all the parameters, and its
 * conversion (with the first touch of its pages) most of the loading time: the
 * thread takes the upper 3/5 of its rows (the rest of the loading takes about as
 * long as the remaining 2/5). */
void views_copy_start(const tensor_view *emb, lrp_model *m, views_job *j)
{
    *j = (views_job){.r0 = emb->rows};
    if (emb->rows * emb->cols < SPLIT_MIN) return;
    *j = (views_job){.v = *emb, .m = m, .r0 = emb->rows * 2 / 5, .r1 = emb->rows};
    j->started = pthread_create(&j->tid, NULL, rows_thread, j) == 0;
    if (!j->started) j->r0 = emb->rows; /* no thread: every row here */
}

void views_copy_abandon(views_job *j)
{
    if (j->started) pthread_join(j->tid, NULL);
    j->started = 0;
}

lrp_status views_copy(const tensor_view *v, size_t n, lrp_model *m, views_job *j, lrp_error *err)
{
    lrp_status st = copy_rows(&v[0], m, 0, j->r0, err);
    if (j->started) {
        views_copy_abandon(j);
        if (st == LRP_OK && j->st != LRP_OK) st = lrp_fail(err, j->st, "%s", j->err.message);
    }
    for (size_t i = 1; i < n && st == LRP_OK; i++) st = copy_rows(&v[i], m, 0, v[i].rows, err);
    return st;
}
