#!/usr/bin/env python3
"""bench_numpy_ref.py - the numpy reference the whole-process benchmarks are compared with.

The paper's reference code explains one sentence at a time in numpy, float64: the forward
pass of each encoder step by step (one matrix-vector product per step), then LRP for the
predicted class step by step backwards, every linear layer's relevance through a
(inputs x outputs) matrix of messages z_ij / (z_j + eps sign(z_j)) R_j built and summed by
numpy (the epsilon rule, bias factor 0; the cell sums as layers with identity weights; the
gate * source products give all relevance to the source). This script does the same, in
that style, for a one-layer bidirectional LSTM model file of lrp-rnn's format (float32 or
float64 tensors, read as float64), on the treebank lines of a file (words: the leaves,
lowercased when the model says so; unknown words -> the model's unk).

Prints the machine, the load, the time of the whole run (best of --repeat, reading and
parsing the input included, loading the model and starting Python not) and, with
--check LRP_BIN, the largest difference of its word relevances from `LRP_BIN explain
--format json` over the first --check-lines sentences (so the reference computes what the
command computes). Never fails on speed.

  /usr/bin/python3 bench/bench_numpy_ref.py MODEL TREEBANK [--repeat N] [--check LRP_BIN]
"""

import argparse
import json
import os
import platform
import re
import struct
import subprocess
import sys
import time

import numpy as np

LEAF = re.compile(r"\(\d+ ([^()]+)\)")
DTYPES = {"F32": np.float32, "F64": np.float64}


def load(path):
    """The model's tensors (float64), vocabulary dict, unk id, lowercase flag."""
    with open(path, "rb") as f:
        data = f.read()
    (n,) = struct.unpack_from("<Q", data)
    header = json.loads(data[8:8 + n])
    meta = header.pop("__metadata__")
    if meta.get("layers", "1") != "1" or meta.get("directions", "2") != "2" or meta.get("gate_order") != "ifgo":
        sys.exit("bench_numpy_ref: only a one-layer bi-LSTM with gate order ifgo is written here")
    t = {}
    for name, h in header.items():
        a, b = h["data_offsets"]
        t[name] = np.frombuffer(data, DTYPES[h["dtype"]], (b - a) // np.dtype(DTYPES[h["dtype"]]).itemsize,
                                8 + n + a).reshape(h["shape"]).astype(np.float64)
    vocab = {w: i for i, w in enumerate(meta["vocab"].split("\n"))}
    return t, vocab, vocab.get(meta.get("unk", "")), meta.get("lowercase", "false") == "true"


def lrp_linear(hin, w, b, hout, rout, n_bias, eps):
    """Relevance of the inputs hin (D) of hout = w.T hin + b (w: D x M), epsilon rule, bias
    factor 0: the messages as a D x M matrix, summed over the outputs."""
    sign = np.where(hout >= 0, 1.0, -1.0)[None, :]
    numer = w * hin[:, None] + 0.0 * (b[None, :] + eps * sign) / n_bias
    denom = hout[None, :] + eps * sign
    return ((numer / denom) * rout[None, :]).sum(axis=1)


def sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


class Encoder:
    def __init__(self, t, side):
        self.wx = t[f"encoder.{side}.weight_x"]  # 4d x e, rows i, f, g, o
        self.wh = t[f"encoder.{side}.weight_h"]
        self.b = t[f"encoder.{side}.bias"]
        self.d = self.wh.shape[1]

    def forward(self, x):
        T, d = len(x), self.d
        self.x = x
        self.pre = np.zeros((T, 4 * d))
        self.gates = np.zeros((T, 4 * d))
        self.h = np.zeros((T + 1, d))  # h[-1] (index T) is the zero initial state
        self.c = np.zeros((T + 1, d))
        for s in range(T):
            self.pre[s] = self.wx @ x[s] + self.wh @ self.h[s - 1] + self.b
            self.gates[s, :2 * d] = sigmoid(self.pre[s, :2 * d])
            self.gates[s, 2 * d:3 * d] = np.tanh(self.pre[s, 2 * d:3 * d])
            self.gates[s, 3 * d:] = sigmoid(self.pre[s, 3 * d:])
            i, f, g, o = (self.gates[s, k * d:(k + 1) * d] for k in range(4))
            self.c[s] = f * self.c[s - 1] + i * g
            self.h[s] = o * np.tanh(self.c[s])
        return self.h[T - 1]

    def relevance(self, rh_last, eps):
        T, d, e = len(self.x), self.d, self.x.shape[1]
        rh = np.zeros((T + 1, d))
        rc = np.zeros((T + 1, d))
        rx = np.zeros((T, e))
        rh[T - 1] = rh_last
        eye, zero = np.identity(d), np.zeros(d)
        wxg, whg, bg = self.wx[2 * d:3 * d].T, self.wh[2 * d:3 * d].T, self.b[2 * d:3 * d]
        for s in reversed(range(T)):
            i, f, g = (self.gates[s, k * d:(k + 1) * d] for k in range(3))
            rc[s] += rh[s]  # h = o * tanh(c): all to c
            rc[s - 1] = lrp_linear(f * self.c[s - 1], eye, zero, self.c[s], rc[s], 2 * d, eps)
            rg = lrp_linear(i * g, eye, zero, self.c[s], rc[s], 2 * d, eps)  # i * g: all to g
            rx[s] = lrp_linear(self.x[s], wxg, bg, self.pre[s, 2 * d:3 * d], rg, d + e, eps)
            rh[s - 1] = lrp_linear(self.h[s - 1], whg, bg, self.pre[s, 2 * d:3 * d], rg, d + e, eps)
        return rx


def explain(model, ids, eps=0.001):
    t, fwd, bwd = model
    x = t["embedding"][ids]
    hf, hb = fwd.forward(x), bwd.forward(x[::-1])
    wf, wb = t["classifier.weight_fwd"], t["classifier.weight_bwd"]
    s = wf @ hf + wb @ hb
    c = int(np.argmax(s))
    mask = np.zeros(len(s))
    mask[c] = 1.0
    d = len(hf)
    rf = lrp_linear(hf, wf.T, np.zeros(len(s)), s, s * mask, 2 * d, eps)
    rb = lrp_linear(hb, wb.T, np.zeros(len(s)), s, s * mask, 2 * d, eps)
    return c, fwd.relevance(rf, eps).sum(axis=1) + bwd.relevance(rb, eps)[::-1].sum(axis=1)


def sentences(path, vocab, unk, lowercase):
    out = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            words = LEAF.findall(line)
            if not words:
                continue
            out.append(np.array([vocab.get(w.lower() if lowercase else w, unk) for w in words]))
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("model")
    ap.add_argument("treebank")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--check", metavar="LRP_BIN")
    ap.add_argument("--check-lines", type=int, default=50)
    a = ap.parse_args()
    t, vocab, unk, lowercase = load(a.model)
    model = (t, Encoder(t, "fwd"), Encoder(t, "bwd"))
    cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
    print(f"machine: {cpu}, {os.cpu_count()} cores; load average {' '.join(open('/proc/loadavg').read().split()[:3])}")
    print(f"python {platform.python_version()}, numpy {np.__version__}, one thread of numpy's own")
    best = None
    for _ in range(a.repeat):
        t0, c0 = time.perf_counter(), time.process_time()
        ss = sentences(a.treebank, vocab, unk, lowercase)
        for ids in ss:
            explain(model, ids)
        wall, cpu_s = time.perf_counter() - t0, time.process_time() - c0
        best = wall if best is None or wall < best else best
        print(f"run: {wall:.2f} s wall, {cpu_s:.2f} s CPU, {len(ss)} sentences")
    print(f"numpy reference, LRP for the predicted class, f64: best {best:.2f} s "
          f"({1000 * best / len(ss):.2f} ms per sentence); load average after "
          f"{' '.join(open('/proc/loadavg').read().split()[:3])}")
    if a.check:
        lines = open(a.treebank, encoding="utf-8").read().splitlines()[:a.check_lines]
        got = subprocess.run([a.check, "explain", "--model", a.model, "--input", "ptb", "--format", "json"],
                             input="\n".join(lines) + "\n", capture_output=True, text=True, check=True).stdout
        worst = 0.0
        for ids, js in zip(ss, got.splitlines()):
            o = json.loads(js)
            c, r = explain(model, ids)
            assert c == o["predicted"], "the predicted classes differ"
            ref = np.array(o["explanations"][0]["relevance"])
            worst = max(worst, float(np.max(np.abs(r - ref)) / max(np.max(np.abs(ref)), 1e-300)))
        print(f"check: {len(got.splitlines())} sentences against {a.check}: largest difference of the word "
              f"relevances {worst:.1e}, relative to the sentence's largest |R|")


if __name__ == "__main__":
    main()
