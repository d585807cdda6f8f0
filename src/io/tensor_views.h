/*
 * tensor_views.h - the one table between a file's tensors and the model's flat
 * parameters, and the one routine that copies through it.
 *
 * Two name maps fill the table: this project's names (views_ours, from core's
 * model_tensors: model_io.c) and PyTorch's (model_torch.c, from a state_dict's module
 * paths). Each view names a file tensor, where its rows go in the parameter layout,
 * how its gate blocks are permuted, and whether it is added onto what is there
 * (PyTorch's LSTM bias_hh onto bias_ih: the model's one summed bias). views_copy
 * reads every view, checking each value finite; the writer (model_write) walks the
 * same table the other way.
 */
#ifndef LRP_TENSOR_VIEWS_H
#define LRP_TENSOR_VIEWS_H

#include <pthread.h>
#include <stddef.h>

#include "core/model.h"
#include "io/safetensors.h"
#include "lrp.h"

typedef struct tensor_view {
    char name[64];         /* this project's name (views_ours), else "" */
    const st_tensor *src;  /* the file's tensor when loading (its name is the file's) */
    size_t rank;           /* 1 or 2 */
    size_t rows, cols;     /* the file's shape [rows, cols]; cols = 1 for rank 1 */
    size_t offset;         /* layout index of the destination's internal row 0 */
    size_t stride;         /* doubles between consecutive internal rows */
    size_t block;          /* rows of a gate block when the rows are gate blocks, else 0 */
    int gate[GATE_COUNT];  /* gate[k] = internal block of the file's k-th block */
    const st_tensor *base; /* not NULL: add the values onto the destination, which base
                              (an earlier view's tensor) has set; a sum that overflows
                              names both */
} tensor_view;

/* The most views a model has: every tensor of model_tensors, the classifier's weight
 * possibly split into its fwd and bwd columns. */
#define MAX_VIEWS (MODEL_MAX_TENSORS + 1)

/* Internal row of the file's row r. */
static inline size_t view_row(const tensor_view *v, size_t r)
{
    if (!v->block) return r;
    return (size_t)v->gate[r / v->block] * v->block + r % v->block;
}

/* The views of a model of shape s under this project's names (docs/model-format.md),
 * in file order: model_tensors with p (NULL: names and ranks only, sizes and
 * offsets 0 where p is needed), gate blocks in the file order `gate` (NULL: the
 * internal order). split: the classifier as classifier.weight_fwd [C, H] (columns
 * 0..H-1 of the internal (C, D*H) weight) and classifier.weight_bwd (H..2H-1), the
 * paper's names, which apply when no dense layer is there; else classifier.weight
 * [C, U]. Returns the number of views (at most MAX_VIEWS). */
size_t views_ours(const model_shape *s, const param_layout *p, int split, const int gate[GATE_COUNT],
                  tensor_view *v);

/* Elements [first, first + count) of an F32 or F64 tensor into dst as doubles;
 * fails (LRP_ERR_FORMAT) naming the tensor and the [row, column] of the first value
 * that is NaN or infinite. */
lrp_status model_read_finite(const st_tensor *t, size_t first, size_t count, double *dst,
                             lrp_error *err);

/* Create the model for shape s with the embedding (file tensor emb) kept as float32
 * when the file holds it so (used where it lies in the file's bytes when in_file and
 * aligned: the caller then moves the file's view into the model), else float64. */
lrp_status model_create_for(lrp_model **out, const model_shape *s, const st_tensor *emb, int in_file,
                            lrp_error *err);

/* A large embedding's upper rows are converted by a second thread while the loader
 * reads the vocabulary and the lower rows (views_copy_start, views_copy). */
typedef struct views_job {
    tensor_view v;
    lrp_model *m;
    size_t r0, r1; /* rows of the thread; r0 = the first row left to it */
    lrp_status st;
    lrp_error err;
    pthread_t tid;
    int started;
} views_job;

/* Start converting the upper rows of the embedding view emb (the table's first) on a
 * second thread when it is large; j->r0 = the number of rows when none started. */
void views_copy_start(const tensor_view *emb, lrp_model *m, views_job *j);

/* Copy every view (v[0] the embedding: its rows below j->r0, the others by j's
 * thread, joined here) into m, each value checked finite, problems named in table
 * order. */
lrp_status views_copy(const tensor_view *v, size_t n, lrp_model *m, views_job *j, lrp_error *err);

/* Wait for j's thread, dropping its rows (a load that failed elsewhere). */
void views_copy_abandon(views_job *j);

#endif /* LRP_TENSOR_VIEWS_H */
