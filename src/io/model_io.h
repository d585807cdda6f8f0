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

/* The gate order lrp_model_save writes for an LSTM: PyTorch's, which users know (a
 * GRU's is the internal one, LRP_GRU_GATE_ORDER, also PyTorch's). */
#define LRP_FILE_GATE_ORDER "ifgo"

/* The largest vocabulary or labels file (--vocab, --labels): as large as the header
 * that would hold them in the model file may be (ST_MAX_HEADER). */
#define LRP_MAX_SIDE_FILE ST_MAX_HEADER

/* Highest format_version this library reads (and the one it writes). */
#define LRP_FORMAT_VERSION 1

/* Write the model to f, values stored as F32 or F64, an LSTM's gate rows stacked in
 * gate_order (a permutation of "igfo"; NULL: LRP_FILE_GATE_ORDER), a GRU's in
 * gate_order when it is a permutation of "rzn", else (NULL, or an LSTM's order) in
 * the internal order rzn. Deterministic: the same model, dtype and gate order give
 * the same bytes. The paper's model (LSTM, last states, no dense layer) is written
 * with its classifier split as classifier.weight_fwd and _bwd and without the
 * family's metadata keys, as before them; the others with classifier.weight and the
 * keys that are not the defaults. Fails without writing anything when the model has
 * no vocabulary or labels, holds a non-finite value, or (F32) a value outside the
 * float range; LRP_ERR_ARGUMENT for a bad gate_order; LRP_ERR_IO on a write error. */
lrp_status model_write(const lrp_model *m, FILE *f, lrp_dtype dtype, const char *gate_order,
                       lrp_error *err);

/* lrp_model_save with a chosen gate order (as model_write's). */
lrp_status model_save_gate_order(const lrp_model *m, const char *path, lrp_dtype dtype,
                                 const char *gate_order, lrp_error *err);

#endif /* LRP_MODEL_IO_H */
