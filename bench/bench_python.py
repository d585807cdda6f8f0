#!/usr/bin/env python3
"""bench_python.py - the Python package against the library alone, on the 2210 SST
test sentences with the shipped model, on the same machine.

For each kernel of build/bench/bench_explain (forward, forward+LRP, forward+SA,
forward+LRP for all 5 classes), float64 and float32, 1 and 2 threads: microseconds
per sentence of one Model.explain call (Model.predict for forward) on the whole test
set given as numpy arrays of word ids, numpy results included, the best of --repeat
calls, against

- the library alone in the same process, call for call: the extension's run of
  lrp_explainer_run on the same sentences, results freed unread
  (Model._core._library_seconds), alternated with the Python calls, so that both
  see the same machine even when its speed drifts (this one's does, and other jobs
  share its 2 cores); the ratio Python / library is the issue's measure, in wall
  time and in the process's CPU time (every thread's; less moved by other jobs on a
  loaded machine than wall time, though not unmoved: they share the caches);
- bench_explain's figure for the same row (lrp_explain_batch in its own process,
  run --rounds times between rounds of the Python timings, its best kept).

One more line times the test set given as token lists (tokenized=True: encoding in
the call) against the library's forward+LRP.

Needs the package installed (make python installs it in build/python-venv) and the
treebank (LRP_SST_DIR, default ../shared/data/sst next to the source); without the
treebank it says so and exits 0. Never fails on speed.

    build/python-venv/bin/python bench/bench_python.py [--repeat 7] [--rounds 2] [--quick]
"""

import argparse
import os
import platform
import re
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]

# (name in bench_explain's table, explain keyword arguments; None: predict)
KERNELS = [("forward", None), ("forward+LRP", {"methods": "lrp"}), ("forward+SA", {"methods": "sa"}),
           ("forward+LRP x5", {"methods": "lrp", "target": "all"})]


def machine():
    cpu = "unknown"
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        load = open("/proc/loadavg").read().split()[:3]
    except OSError:
        load = ["?"] * 3
    return cpu, " ".join(load)


def read_ptb(path, model):
    """The test set's sentences as numpy word ids and as token lists, read as lrp does
    (the leaves of each tree, lowercased as the model asks; unknown words as unk)."""
    index = {w: i for i, w in enumerate(model.vocab)}
    unk = model.info["unk_id"]
    ids, tokens = [], []
    for line in open(path, encoding="utf-8"):
        leaves = re.findall(r"\(\d+ ([^()\s]+)\)", line)
        if not leaves:
            continue
        words = model.tokenize(" ".join(leaves), tokenized=True)
        tokens.append(words)
        ids.append(np.array([index.get(w, unk) for w in words], dtype=np.int32))
    return ids, tokens


def timed(f):
    """(wall seconds, CPU seconds of the process) of one call of f"""
    wall, cpu = time.perf_counter(), time.process_time()
    f()
    return time.perf_counter() - wall, time.process_time() - cpu


def keep_best(table, key, t):
    """table[key]: the best (wall, CPU) so far, each its own minimum"""
    old = table.get(key, (float("inf"), float("inf")))
    table[key] = (min(old[0], t[0]), min(old[1], t[1]))


def python_round(model, ids, tokens, repeat, quick, py, alone):
    """Each row: --repeat calls of the Python API alternated with as many runs of the
    library alone; the best of each kept (over the rounds too)."""
    import lrp_rnn

    methods = lrp_rnn.METHODS
    for name, kw in KERNELS:
        if quick and name != "forward+LRP":
            continue
        bits = 0 if kw is None else 1 << methods.index(kw["methods"])
        group = model._groups(kw.get("target", "pred") if kw else "pred", len(ids))[0]
        for prec in ("f64", "f32"):
            for threads in (1, 2):
                precision = "float64" if prec == "f64" else "float32"
                if kw is None:
                    f = lambda: model.predict(ids, precision=precision, threads=threads)  # noqa: E731
                else:
                    f = lambda: model.explain(ids, precision=precision, threads=threads, **kw)  # noqa: E731
                key = (name, prec, threads)
                for _ in range(repeat):
                    keep_best(alone, key, model._core._library_seconds(ids, group, bits, prec == "f32", threads))
                    keep_best(py, key, timed(f))
    key = ("forward+LRP, token lists", "f64", 2)
    for _ in range(repeat):
        keep_best(py, key, timed(lambda: model.explain(tokens, tokenized=True, threads=2)))


def library_round(bench, table, repeat):
    args = [str(bench), "--repeat", str(repeat)]
    out = subprocess.run(args, check=True, capture_output=True, text=True).stdout
    for line in out.splitlines():
        # the shipped model's rows (bench_explain's family table follows them)
        m = re.match(r"(?:shipped\s+)?(forward(?:\+\w+)?(?: x5)?)\s+(f64|f32)\s+(\d+)\s+([\d.]+)", line)
        if m:
            key = (m.group(1), m.group(2), int(m.group(3)))
            table[key] = min(table.get(key, float("inf")), float(m.group(4)) * 1e-6)
        elif line.startswith("peak"):
            table["peak"] = line
    return out


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--repeat", type=int, default=5, help="calls per figure, the best kept (5)")
    p.add_argument("--rounds", type=int, default=2, help="runs of bench_explain, between Python rounds (2)")
    p.add_argument("--quick", action="store_true", help="forward+LRP only")
    p.add_argument("--bench-explain", default=os.environ.get("BENCH_EXPLAIN")
                   or str(ROOT / os.environ.get("BUILD", "build") / "bench" / "bench_explain"))
    a = p.parse_args()

    import lrp_rnn

    sst = Path(os.environ.get("LRP_SST_DIR") or ROOT.parent / "shared" / "data" / "sst")
    if not (sst / "test.txt").is_file():
        print(f"bench_python: skipped, no SST test set at {sst / 'test.txt'} (set LRP_SST_DIR)")
        return 0
    bench = Path(a.bench_explain)
    if not os.access(bench, os.X_OK):
        print(f"bench_python: skipped, no bench_explain at {bench} (make build, or --bench-explain PATH)")
        return 0

    model = lrp_rnn.default_model()
    ids, tokens = read_ptb(sst / "test.txt", model)
    n, words = len(ids), sum(len(x) for x in ids)
    cpu, load = machine()
    info = model.info
    print(f"machine: {cpu}, {os.cpu_count()} cores online; Python {platform.python_version()}, "
          f"numpy {np.__version__}, lrp_rnn {lrp_rnn.__version__}")
    print(f"load average before the run: {load}")
    print(f"model: the shipped model (V {info['vocab_size']}, E {info['embed_dim']}, H {info['hidden_dim']}, "
          f"C {info['classes']}, L {info['layers']}, D {info['directions']})")
    print(f"data: {n} sentences, {words} words from {sst / 'test.txt'}, as numpy int32 word ids")
    print(f"settings: one call on the whole test set, best of {a.repeat} calls, {a.rounds} rounds of "
          f"bench_explain --repeat {a.repeat} between {a.rounds + 1} rounds of Python; each side's best")

    py, alone, lib = {}, {}, {}
    python_round(model, ids, tokens, a.repeat, a.quick, py, alone)
    for _ in range(a.rounds):
        library_round(bench, lib, a.repeat)
        python_round(model, ids, tokens, a.repeat, a.quick, py, alone)
    print(f"bench_explain's {lib.get('peak', '')}")
    print(f"load average after the run: {machine()[1]}")

    print(f"\n{'kernel':<26} {'prec':<5} {'threads':>7} {'bench_explain':>13} {'library':>8} {'Python':>8}"
          f" {'Python/library':>14} {'Python/bench_explain':>20} {'CPU library':>11} {'CPU Python':>10}"
          f" {'CPU ratio':>9}")
    for key, (t, tc) in py.items():
        name, prec, threads = key
        fallback = ("forward+LRP", prec, threads)
        l, lc = alone.get(key) or alone.get(fallback)  # seconds per call
        b = lib.get(key) or lib.get(fallback)          # seconds per sentence
        us = lambda x: f"{x * 1e6 / n:.2f}" if x else "-"  # noqa: E731
        print(f"{name:<26} {prec:<5} {threads:>7} {b * 1e6 if b else 0:>13.2f} {us(l):>8} {us(t):>8}"
              f" {t / l if l else 0:>14.3f} {t / n / b if b else 0:>20.3f} {us(lc):>11} {us(tc):>10}"
              f" {tc / lc if lc else 0:>9.3f}")
    print("\n(microseconds per sentence, each the best of its calls; library: the same run alone in this "
          "process, alternated call for call with the Python calls; CPU: the process's CPU time, every "
          "thread's, of the same calls; the issue's target: Python / library <= 1.25 for the whole test set "
          "in one call; token lists against forward+LRP's)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
