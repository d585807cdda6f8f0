/*
 * model_torch.h - read the tensors of a PyTorch state_dict (nn.Embedding + nn.LSTM
 * + nn.Linear, PyTorch's own tensor names) into a model. Internal: model_io.c
 * routes such files here; docs/pytorch.md is the user's side.
 */
#ifndef LRP_MODEL_TORCH_H
#define LRP_MODEL_TORCH_H

#include <stddef.h>

#include "lrp.h"
#include "core/model.h"
#include "io/safetensors.h"

/* Does some tensor name end in "weight_ih_l0" after a '.' or at the start, as the
 * first parameter of an nn.LSTM does? */
int torch_has_lstm(const st_file *f);

/* Find the embedding, LSTM and classifier among f's tensors (module paths from o
 * when given, else found by name and shape), check every shape against the others
 * and against V words and C classes (the vocabulary and labels, which come from
 * elsewhere), and create the model with every parameter read in: gate rows
 * permuted from gate (the file's order, PyTorch's "ifgo" unless its metadata says
 * otherwise) into the internal order, bias_ih + bias_hh summed, every value
 * checked finite; an F32 embedding stays float32 (model_embedding_kind, in_file as
 * there). The model has no vocabulary or labels yet; its source string says
 * which tensors were read. Fails with LRP_ERR_FORMAT naming what was found and what
 * was expected. */
lrp_status torch_model_create(const st_file *f, const lrp_load_options *o, size_t V, size_t C,
                              const int gate[GATE_COUNT], int in_file, lrp_model **out, lrp_error *err);

#endif /* LRP_MODEL_TORCH_H */
