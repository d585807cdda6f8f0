#!/usr/bin/python3
"""Regenerate the PyTorch fixtures of tests/test_pytorch.c and tests/test_pytorch_general.c.
Only for regenerating: the tests read the committed files and never need torch.

    /usr/bin/python3 tests/data/pytorch/make_fixtures.py [NAME...]   (from the project root)

(no NAME: every fixture; the same torch writes the same bytes again.) Each model is
a real nn.Embedding + nn.LSTM or nn.GRU (+ an attention module, dense layers) +
nn.Linear with random float64 weights (large enough that the gates are neither
linear nor saturated), saved under PyTorch's own tensor names. For each sentence,
torch computes in float64 the scores and, for every class c, d score_c / d x_t (x_t
the embedding row at position t) by autograd, with sa = sum_e grad^2 and gi =
sum_e grad * x for every word. <name>.json holds them with 17 significant digits:

    {"model": file, "vocab_file": ..., "labels_file": ..., "lowercase": ...,
     "layers": L, "directions": D, "output_bias": bool, "cell": "lstm" | "gru",
     "pooling": ..., "attention_dim": A, "dense": [M...], "activation": ...,
     "options": {load option: value} (what the test passes to the loader),
     "sentences": [{"tokens": [...], "ids": [...], "scores": [C],
                    "grad": [C][T][E], "sa": [C][T], "gi": [C][T]}]}

The head, on the top layer's outputs out (T, D*H) and final states h_n:
  last       torch.cat([h_n[-2], h_n[-1]], -1) (h_n[-1] when unidirectional)
  mean, max  out.mean(0), out.max(0).values
  attention  the module Attention below: alpha = softmax(vector(tanh(proj(out)))),
             u = sum_t alpha_t out[t]
then each dense layer u = act(dense(u)), then fc(u).

Models (module paths chosen to exercise the automatic search):
  bi1   embedding. / lstm. / fc.                1 layer, bidirectional, fc bias; written
                                                by tools/export_torch.py's export()
  bi2   emb. / encoder.lstm. / classifier.      2 layers, bidirectional, fc bias; written
                                                by tools/export_torch.py from the shell
  uni   model.embedding. / model.rnn. / model.out.   1 layer, unidirectional, fc bias
  deep  embed. / rnn. / head.                   3 layers, unidirectional, LSTM(bias=False),
                                                no fc bias, F32 weights, no metadata at all
                                                (vocab.txt and labels.txt side files), as
                                                safetensors.torch.save_file writes it
  gru-uni   embedding. / gru. / fc.             nn.GRU, 1 layer, unidirectional, fc bias;
                                                export()
  gru-bi    emb. / encoder.gru. / classifier.   nn.GRU, 1 layer, bidirectional, max
                                                pooling, no fc bias; export_torch.py
                                                --pooling max from the shell
  gru-deep  embed. / rnn. / head.               nn.GRU, 2 layers, bidirectional, mean
                                                pooling, F32, no metadata: side files and
                                                the pooling as a load option
  gru-attn  emb. / gru. / attn. / hidden. / out.   nn.GRU, 1 layer, bidirectional,
                                                attention (A = 7), one dense layer (6,
                                                tanh), all named in the metadata by
                                                export(pooling=, attention=, dense=,
                                                activation=)
  lstm-attn emb. / lstm. / pool. / fc1. fc2. / fc.   nn.LSTM, 2 layers, bidirectional,
                                                attention found by its names (A = 5,
                                                vector with a bias, which changes
                                                nothing), two dense layers (8, 6, relu)
                                                named by a load option
"""
import json
import os
import subprocess
import sys
import tempfile

import numpy as np
import torch
from torch import nn

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(HERE)))
sys.path.insert(0, os.path.join(ROOT, "tools"))
import export_torch  # noqa: E402

torch.set_default_dtype(torch.float64)
ONLY = set(sys.argv[1:])  # the fixtures to write; empty: all


class Attention(nn.Module):
    """Attention pooling as lrp reads it (docs/pytorch.md): e_t = vector(tanh(proj(s_t)))."""

    def __init__(self, inputs, A, vector_bias=False):
        super().__init__()
        self.proj = nn.Linear(inputs, A)
        self.vector = nn.Linear(A, 1, bias=vector_bias)

    def forward(self, states):  # (T, D*H) -> (D*H)
        alpha = torch.softmax(self.vector(torch.tanh(self.proj(states))).squeeze(-1), 0)
        return (alpha.unsqueeze(-1) * states).sum(0)


class Classifier(nn.Module):
    """nn.Embedding + nn.LSTM or nn.GRU + head + dense layers + nn.Linear, under chosen names."""

    def __init__(self, names, V, E, H, C, layers, bidirectional, lstm_bias, fc_bias, cell="lstm",
                 pooling="last", A=0, vector_bias=False, dense=(), activation="relu"):
        super().__init__()
        self.names = names
        self.D = 2 if bidirectional else 1
        self.cell, self.pooling, self.activation = cell, pooling, activation
        rnn = nn.GRU if cell == "gru" else nn.LSTM
        parts = {
            "emb": nn.Embedding(V, E),
            "lstm": rnn(E, H, num_layers=layers, bidirectional=bidirectional,
                        bias=lstm_bias, batch_first=True),
        }
        if pooling == "attention":
            parts["attn"] = Attention(self.D * H, A, vector_bias)
        width = self.D * H
        for k, M in enumerate(dense):
            parts[f"dense{k}"] = nn.Linear(width, M)
            width = M
        self.n_dense = len(dense)
        parts["fc"] = nn.Linear(width, C, bias=fc_bias)
        for key, module in parts.items():  # e.g. "model.rnn" -> self.model.rnn
            owner = self
            *path, leaf = names[key].split(".")
            for p in path:
                if not hasattr(owner, p):
                    owner.add_module(p, nn.Module())
                owner = getattr(owner, p)
            owner.add_module(leaf, module)

    def part(self, key):
        m = self
        for p in self.names[key].split("."):
            m = getattr(m, p)
        return m

    def scores(self, x):
        """x: (T, E) embedded words -> (C) scores."""
        out, h_n = self.part("lstm")(x.unsqueeze(0))
        if self.cell == "lstm":
            h_n = h_n[0]
        if self.pooling == "last":
            u = (torch.cat([h_n[-2], h_n[-1]], -1) if self.D == 2 else h_n[-1])[0]
        elif self.pooling == "mean":
            u = out[0].mean(0)
        elif self.pooling == "max":
            u = out[0].max(0).values
        else:
            u = self.part("attn")(out[0])
        act = torch.relu if self.activation == "relu" else torch.tanh
        for k in range(self.n_dense):
            u = act(self.part(f"dense{k}")(u))
        return self.part("fc")(u)


def randomise(model, g):
    with torch.no_grad():
        for name, p in model.named_parameters():
            if name.endswith("weight") and p.dim() == 2 and "emb" in name:
                p.copy_(torch.randn(p.shape, generator=g))                   # embeddings ~ N(0, 1)
            elif "bias" in name:
                p.copy_(torch.rand(p.shape, generator=g) * 1.0 - 0.5)        # U(-0.5, 0.5)
            else:
                p.copy_(torch.rand(p.shape, generator=g) * 1.6 - 0.8)        # U(-0.8, 0.8)
        fc = model.part("fc").weight  # scores of order 1 to 10 from states in (-1, 1)
        fc.copy_(torch.rand(fc.shape, generator=g) * 6.0 - 3.0)              # U(-3, 3)


def make(name, names, V, E, H, C, layers, bidirectional, lstm_bias, fc_bias, seed, lengths,
         writer, f32=False, options=None, **family):
    if ONLY and name not in ONLY:
        return
    g = torch.Generator().manual_seed(seed)
    model = Classifier(names, V, E, H, C, layers, bidirectional, lstm_bias, fc_bias, **family)
    randomise(model, g)
    if f32:  # stored as float32; the reference computes in float64 from the same values
        with torch.no_grad():
            for p in model.parameters():
                p.copy_(p.float().double())
    vocab = ["<unk>"] + [f"w{i}" for i in range(1, V)]
    labels = [f"class{c}" for c in range(C)]
    info = {"model": f"{name}.safetensors", "layers": layers, "directions": model.D,
            "output_bias": fc_bias, "E": E, "H": H, "V": V, "C": C}
    if family:  # the fixtures of test_pytorch_general.c
        info.update(cell=model.cell, pooling=model.pooling, attention_dim=family.get("A", 0),
                    dense=list(family.get("dense", ())), activation=model.activation,
                    options=options or {})
    writer(model, vocab, labels, os.path.join(HERE, info["model"]), info)

    sentences = []
    for T in lengths:
        ids = torch.randint(0, V, (T,), generator=g)
        x = model.part("emb")(ids).detach().requires_grad_(True)
        s = model.scores(x)
        grads = [torch.autograd.grad(s[c], x, retain_graph=True)[0] for c in range(C)]
        sent = {"tokens": [vocab[i] for i in ids.tolist()], "ids": ids.tolist(),
                "scores": s.tolist(), "grad": [gr.tolist() for gr in grads]}
        if family:
            sent["sa"] = [(gr * gr).sum(-1).tolist() for gr in grads]
            sent["gi"] = [(gr * x).sum(-1).tolist() for gr in grads]
        sentences.append(sent)
    info["sentences"] = sentences
    with open(os.path.join(HERE, f"{name}.json"), "w") as f:
        json.dump(info, f, indent=None, separators=(",", ":"))  # repr: 17 digits
        f.write("\n")
    print(f"{name}: {sum(p.numel() for p in model.parameters())} parameters, "
          f"{len(sentences)} sentences, max |score| "
          f"{max(abs(v) for st in sentences for v in st['scores']):.3f}")


def by_export(model, vocab, labels, path, info, **head):
    export_torch.export(model, vocab, labels, path, unk="<unk>", lowercase=True, **head)
    info.update(unk="<unk>", lowercase=True)


def by_export_head(**head):
    return lambda model, vocab, labels, path, info: by_export(model, vocab, labels, path, info,
                                                              **head)


def by_script(model, vocab, labels, path, info, args=()):
    with tempfile.TemporaryDirectory() as d:
        sd, vf, lf = (os.path.join(d, n) for n in ("model.pt", "vocab.txt", "labels.txt"))
        torch.save(model.state_dict(), sd)
        for fn, lines in ((vf, vocab), (lf, labels)):
            with open(fn, "w") as f:
                f.write("\n".join(lines) + "\n")
        subprocess.run([sys.executable, os.path.join(ROOT, "tools", "export_torch.py"), sd,
                        "--vocab", vf, "--labels", lf, "--unk", "<unk>", "--lowercase", "false",
                        "-o", path, *args], check=True)
    info.update(unk="<unk>", lowercase=False)


def side_files(name):
    def write(model, vocab, labels, path, info):
        # state_dict as safetensors.torch.save_file writes it: no metadata
        export_torch.write_safetensors(
            path, {k: v.float().numpy() for k, v in model.state_dict().items()})
        for key, lines in (("vocab", vocab), ("labels", labels)):
            fn = f"{name}-{key}.txt"
            with open(os.path.join(HERE, fn), "w") as f:  # CRLF line ends, as from Windows
                f.write("\r\n".join(lines) + "\r\n")
            info[f"{key}_file"] = fn
        info.update(unk="<unk>", lowercase=True)  # given as an option; lowercase inferred
    return write


def main():
    lengths = [1, 2, 7, 23, 120]
    make("bi1", {"emb": "embedding", "lstm": "lstm", "fc": "fc"},
         V=30, E=5, H=6, C=3, layers=1, bidirectional=True, lstm_bias=True, fc_bias=True,
         seed=1, lengths=lengths, writer=by_export)
    make("bi2", {"emb": "emb", "lstm": "encoder.lstm", "fc": "classifier"},
         V=25, E=4, H=5, C=4, layers=2, bidirectional=True, lstm_bias=True, fc_bias=True,
         seed=2, lengths=lengths, writer=by_script)
    make("uni", {"emb": "model.embedding", "lstm": "model.rnn", "fc": "model.out"},
         V=20, E=6, H=7, C=2, layers=1, bidirectional=False, lstm_bias=True, fc_bias=True,
         seed=3, lengths=lengths, writer=by_export)
    make("deep", {"emb": "embed", "lstm": "rnn", "fc": "head"},
         V=15, E=3, H=4, C=3, layers=3, bidirectional=False, lstm_bias=False, fc_bias=False,
         seed=4, lengths=lengths, writer=side_files("deep"), f32=True)
    make("gru-uni", {"emb": "embedding", "lstm": "gru", "fc": "fc"},
         V=20, E=5, H=6, C=3, layers=1, bidirectional=False, lstm_bias=True, fc_bias=True,
         seed=5, lengths=lengths, writer=by_export, cell="gru")
    make("gru-bi", {"emb": "emb", "lstm": "encoder.gru", "fc": "classifier"},
         V=25, E=4, H=5, C=4, layers=1, bidirectional=True, lstm_bias=True, fc_bias=False,
         seed=6, lengths=lengths,
         writer=lambda *a: by_script(*a, args=("--pooling", "max")), cell="gru", pooling="max")
    make("gru-deep", {"emb": "embed", "lstm": "rnn", "fc": "head"},
         V=15, E=3, H=4, C=3, layers=2, bidirectional=True, lstm_bias=True, fc_bias=True,
         seed=7, lengths=lengths, writer=side_files("gru-deep"), f32=True,
         options={"pooling": "mean"}, cell="gru", pooling="mean")
    make("gru-attn", {"emb": "emb", "lstm": "gru", "attn": "attn", "dense0": "hidden",
                      "fc": "out"},
         V=30, E=5, H=4, C=3, layers=1, bidirectional=True, lstm_bias=True, fc_bias=True,
         seed=8, lengths=lengths,
         writer=by_export_head(pooling="attention", attention="attn", dense=["hidden"],
                               activation="tanh"),
         cell="gru", pooling="attention", A=7, dense=(6,), activation="tanh")
    make("lstm-attn", {"emb": "emb", "lstm": "lstm", "attn": "pool", "dense0": "fc1",
                       "dense1": "fc2", "fc": "fc"},
         V=22, E=4, H=3, C=2, layers=2, bidirectional=True, lstm_bias=True, fc_bias=True,
         seed=10, lengths=lengths, writer=by_export, options={"dense_prefixes": "fc1,fc2"},
         cell="lstm", pooling="attention", A=5, vector_bias=True, dense=(8, 6),
         activation="relu")


if __name__ == "__main__":
    main()
