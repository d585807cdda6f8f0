/*
 * model_io.h - the model file (docs/model-format.md): this project's names and
 * metadata on top of the safetensors container. Internal; the public entry
 * points are lrp_model_load, lrp_model_load_memory and lrp_model_save.
 */
#ifndef LRP_MODEL_IO_H
#define LRP_MODEL_IO_H

#include <stdio.h>

#include "lrp.h"
#include "core/model.h"
#include "io/safetensors.h"

/* The gate order lrp_model_save writes: PyTorch's, which users know. */
#define LRP_FILE_GATE_ORDER "ifgo"

/* The largest vocabulary or labels file (--vocab, --labels): as large as the header
 * that would hold them in the model file may be (ST_MAX_HEADER). */
#define LRP_MAX_SIDE_FILE ST_MAX_HEADER

/* Highest format_version this library reads (and the one it writes). */
#define LRP_FORMAT_VERSION 1

/* Write the model to f with the gate rows stacked in gate_order (a permutation of
 * "igfo"), values stored as F32 or F64. Deterministic: the same model, dtype and
 * gate order give the same bytes. Fails without writing anything when the model
 * has no vocabulary or labels, holds a non-finite value, or (F32) a value outside
 * the float range; LRP_ERR_IO on a write error. */
lrp_status model_write(const lrp_model *m, FILE *f, lrp_dtype dtype, const char *gate_order,
                       lrp_error *err);

/* lrp_model_save with a chosen gate order. */
lrp_status model_save_gate_order(const lrp_model *m, const char *path, lrp_dtype dtype,
                                 const char *gate_order, lrp_error *err);

/* Elements [first, first + count) of an F32 or F64 tensor into dst as doubles;
 * fails (LRP_ERR_FORMAT) naming the tensor and the [row, column] of the first value
 * that is NaN or infinite. */
lrp_status model_read_finite(const st_tensor *t, size_t first, size_t count, double *dst,
                             lrp_error *err);

/* How a model keeps the embedding tensor t: float32 for an F32 tensor (where it lies
 * in the file's bytes when in_file, those bytes being kept, and its floats usable in
 * place), else float64. */
model_emb_kind model_embedding_kind(const st_tensor *t, int in_file);

/* Create the model for shape s with the embedding kept as model_embedding_kind says
 * (pointing emb32 into the file when it stays there). */
lrp_status model_create_for(lrp_model **out, const model_shape *s, const st_tensor *emb, int in_file,
                            lrp_error *err);

/* Elements [first, first + count) of the embedding tensor t into the model, as it
 * keeps them (float64 read, float32 copied, or float32 in the file checked only),
 * each checked finite as model_read_finite does. */
lrp_status model_read_embedding(const st_tensor *t, lrp_model *m, size_t first, size_t count,
                                lrp_error *err);

#endif /* LRP_MODEL_IO_H */
