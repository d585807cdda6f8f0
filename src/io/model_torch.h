/*
 * model_torch.h - PyTorch's name map: the tensors of a state_dict (nn.Embedding +
 * nn.LSTM or nn.GRU + an optional attention module and dense layers + nn.Linear, under
 * PyTorch's own tensor names) as a table of views into a model (tensor_views.h).
 * Internal: model_io.c routes such files here; docs/pytorch.md is the user's side.
 */
#ifndef LRP_MODEL_TORCH_H
#define LRP_MODEL_TORCH_H

#include <stddef.h>

#include "core/model.h"
#include "io/safetensors.h"
#include "io/tensor_views.h"
#include "lrp.h"

/* Does some tensor name end in "weight_ih_l0" after a '.' or at the start, as the
 * first parameter of an nn.LSTM or nn.GRU does? */
int torch_has_rnn(const st_file *f);

/* Find the embedding, the recurrent module, the head (pooling, attention module),
 * the dense layers and the classifier among f's tensors (module paths and kinds from
 * o when given, else from the metadata, else found by name and shape), check every
 * shape against the others and against V words and C classes (the vocabulary and
 * labels, which come from elsewhere), and give the model's shape s and the views of
 * every tensor, embedding first (*nv of them): gate rows permuted from the file's
 * order (PyTorch's "ifgo" or "rzn" unless the metadata's gate_order says otherwise),
 * an LSTM's bias_hh added onto its bias_ih, a GRU's kept apart. source (len bytes)
 * says, for people, which tensors were read. Fails with LRP_ERR_FORMAT naming what
 * was found and what was expected, LRP_ERR_ARGUMENT for a bad option. */
lrp_status torch_plan(const st_file *f, const lrp_load_options *o, size_t V, size_t C, model_shape *s,
                      tensor_view *v, size_t *nv, char *source, size_t len, lrp_error *err);

#endif /* LRP_MODEL_TORCH_H */
