#!/usr/bin/python3
"""Save a PyTorch text classifier (nn.Embedding + nn.LSTM or nn.GRU + nn.Linear) for `lrp`.

The file is the model's state_dict in safetensors format, under PyTorch's own tensor
names, with the vocabulary and the class names in its metadata: `lrp` loads it as it
is (docs/pytorch.md), and `lrp convert` turns it into lrp-rnn's own format. The
safetensors container is written here with numpy, so the `safetensors` package is
not needed.

The classifier reads the final hidden states h_n of the top recurrent layer,
forward then backward: fc(torch.cat([h_n[-2], h_n[-1]], -1)) for a bidirectional
model, fc(h_n[-1]) for a unidirectional one (pooling "last", the default); or the
mean, the maximum or an attention module's weighted sum over the top layer's
outputs (pooling "mean", "max", "attention"), possibly through dense layers first
(nn.Linear + relu or tanh, named in order). The metadata written say which:
docs/pytorch.md has the module code. batch_first does not matter.

As a module (tools/ on sys.path):

    from export_torch import export
    export(model, vocab, labels, "model.safetensors", unk="<unk>", lowercase=True)
    export(model, vocab, labels, "model.safetensors", pooling="attention",
           attention="attn", dense=["hidden"], activation="tanh")

From the shell, for a state_dict saved with torch.save(model.state_dict(), "model.pt"):

    /usr/bin/python3 tools/export_torch.py model.pt --vocab vocab.txt \\
        --labels labels.txt [--unk '<unk>'] [--lowercase true|false] \\
        [--pooling last|mean|max|attention] [--attention MODULE] \\
        [--dense MODULE,...] [--activation relu|tanh] \\
        [--dtype float32|float64] -o model.safetensors

vocab.txt has one word per line (line k is word id k), labels.txt one class name per
line in the order of the classifier's outputs.
"""
import argparse
import json
import os
import struct
import sys

import numpy as np

# numpy dtype -> safetensors dtype name
DTYPES = {
    np.dtype(np.float64): "F64", np.dtype(np.float32): "F32", np.dtype(np.float16): "F16",
    np.dtype(np.int64): "I64", np.dtype(np.int32): "I32", np.dtype(np.int16): "I16",
    np.dtype(np.int8): "I8", np.dtype(np.uint8): "U8", np.dtype(np.bool_): "BOOL",
}


def write_safetensors(path, tensors, metadata=None):
    """Write {name: numpy array} and {key: str} metadata as a safetensors file.

    The file is written to a temporary name next to `path` and renamed over it, so
    an interrupted export never leaves a truncated model behind."""
    header = {"__metadata__": dict(metadata)} if metadata else {}
    blobs, offset = [], 0
    for name in sorted(tensors):
        a = np.asarray(tensors[name])
        if a.dtype not in DTYPES:
            raise ValueError(f"{name}: dtype {a.dtype} has no safetensors equivalent here")
        raw = np.ascontiguousarray(a, dtype=a.dtype.newbyteorder("<")).tobytes()  # row-major, LE
        header[name] = {"dtype": DTYPES[a.dtype], "shape": list(a.shape),
                        "data_offsets": [offset, offset + len(raw)]}
        blobs.append(raw)
        offset += len(raw)
    text = json.dumps(header, ensure_ascii=False).encode("utf-8")
    text += b" " * (-len(text) % 8)  # data section 8-byte aligned, as safetensors does
    tmp = f"{path}.tmp.{os.getpid()}"
    with open(tmp, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for b in blobs:
            f.write(b)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


def _check_names(kind, names):
    names = [str(n) for n in names]
    seen = {}
    for i, n in enumerate(names):
        if not n or "\n" in n or "\r" in n:
            raise ValueError(f"{kind} {i} is empty or contains a line break: {n!r}")
        if n in seen:
            raise ValueError(f"{kind} {n!r} appears twice (ids {seen[n]} and {i})")
        seen[n] = i
    return names


POOLINGS = ("last", "mean", "max", "attention")
ACTIVATIONS = ("relu", "tanh")


def export(model, vocab, labels, path, unk=None, lowercase=None, dtype=None, pooling=None,
           attention=None, dense=None, activation=None):
    """Save `model` (an nn.Module or its state_dict) with its vocabulary and labels.

    vocab: the words, index = word id. labels: the class names, in output order.
    unk: the word standing for unknown words (must be in vocab), or None.
    lowercase: whether the model expects lowercased words; None lets lrp decide
    (it lowercases the input when no vocabulary word has a capital letter).
    dtype: "float32" or "float64" to convert every floating-point tensor (lrp
    computes in float64 either way; float16 and bfloat16 must be converted).
    pooling: what the classifier (or the first dense layer) reads: "last" (h_n, the
    default), "mean", "max" or "attention" over the top layer's outputs.
    attention: the attention module's path ("attn" for attn.proj, attn.vector).
    dense: the dense layers' module paths, in order (["fc1", "fc2"]).
    activation: the dense layers' activation, "relu" (default) or "tanh"."""
    import torch

    state = model.state_dict() if hasattr(model, "state_dict") else model
    vocab = _check_names("word", vocab)
    labels = _check_names("label", labels)
    if unk is not None and unk not in vocab:
        raise ValueError(f"unk {unk!r} is not in the vocabulary")
    tensors = {}
    for name, t in state.items():
        t = t.detach().cpu()
        if dtype is not None and t.is_floating_point():
            t = t.to(getattr(torch, dtype))
        elif t.dtype == torch.bfloat16:  # numpy has no bfloat16
            t = t.float()
        tensors[name] = t.numpy()
    meta = {"format": "pt", "vocab": "\n".join(vocab), "labels": "\n".join(labels)}
    if unk is not None:
        meta["unk"] = unk
    if lowercase is not None:
        meta["lowercase"] = "true" if lowercase else "false"
    if pooling is not None:
        if pooling not in POOLINGS:
            raise ValueError(f"pooling {pooling!r}: expected one of {', '.join(POOLINGS)}")
        meta["pooling"] = pooling
    if attention is not None:
        if pooling not in (None, "attention"):
            raise ValueError(f"an attention module {attention!r} with pooling {pooling!r}")
        meta["attention_module"] = attention
    if dense:
        dense = [dense] if isinstance(dense, str) else list(dense)
        if any(not d or "," in d for d in dense):
            raise ValueError(f"dense module paths {dense!r}: each non-empty, without commas")
        meta["dense_modules"] = ",".join(dense)
    if activation is not None:
        if activation not in ACTIVATIONS:
            raise ValueError(f"activation {activation!r}: expected relu or tanh")
        meta["activation"] = activation
    write_safetensors(path, tensors, meta)


def _read_lines(path):
    with open(path, encoding="utf-8") as f:
        return f.read().splitlines()


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("state_dict", help="a file written by torch.save(model.state_dict(), ...)")
    p.add_argument("--vocab", required=True, help="one word per line; line k = word id k")
    p.add_argument("--labels", required=True, help="one class name per line, in output order")
    p.add_argument("--unk", help="the word standing for unknown words")
    p.add_argument("--lowercase", choices=["true", "false"],
                   help="whether the model expects lowercased words (default: lrp decides)")
    p.add_argument("--pooling", choices=POOLINGS,
                   help="what the classifier reads (default: the final states, last)")
    p.add_argument("--attention", metavar="MODULE", help="the attention module's path")
    p.add_argument("--dense", metavar="MODULE,...",
                   help="the dense layers' module paths, in order, separated by commas")
    p.add_argument("--activation", choices=ACTIVATIONS, help="the dense layers' (default relu)")
    p.add_argument("--dtype", choices=["float32", "float64"], help="convert floating tensors")
    p.add_argument("-o", "--output", required=True, help="the .safetensors file to write")
    a = p.parse_args(argv)

    import torch

    state = torch.load(a.state_dict, map_location="cpu")
    if not isinstance(state, dict):
        sys.exit(f"{a.state_dict}: not a state_dict; save model.state_dict(), not the model")
    lower = None if a.lowercase is None else a.lowercase == "true"
    try:
        export(state, _read_lines(a.vocab), _read_lines(a.labels), a.output, unk=a.unk,
               lowercase=lower, dtype=a.dtype, pooling=a.pooling, attention=a.attention,
               dense=a.dense.split(",") if a.dense else None, activation=a.activation)
    except ValueError as e:
        sys.exit(f"export_torch.py: {e}")


if __name__ == "__main__":
    main()
