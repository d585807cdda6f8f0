"""from_torch on modules built by PyTorch: scores, SA and GI within 1e-9 of what torch
computes in float64 (autograd for the gradients), LRP_cons conserving every score,
and the results equal, bit for bit, to `lrp explain --format json` on the same model
saved to a file (by tools/export_torch.py and by Model.save).

Needs python3-torch: without it every test here is skipped and says so.

The architectures are one list; what the library cannot explain (a gateless nn.RNN,
half precision, tensors it does not know) is refused with the library's message.
"""

import sys

import numpy as np
import pytest

import lrp_rnn
from conftest import ROOT, run_lrp

torch = pytest.importorskip("torch", reason="python3-torch is not installed: from_torch needs it")
nn = torch.nn

TOL = 1e-9
V, E, H, C = 40, 5, 6, 4
VOCAB = ["<unk>"] + [f"w{v}" for v in range(1, V)]
LABELS = [f"c{c}" for c in range(C)]


class Classifier(nn.Module):
    """nn.Embedding + nn.LSTM + nn.Linear on the top layer's final states, as docs/pytorch.md."""

    def __init__(self, layers=1, bidirectional=True, bias=True, out_bias=True):
        super().__init__()
        self.embedding = nn.Embedding(V, E)
        self.lstm = nn.LSTM(E, H, num_layers=layers, bidirectional=bidirectional, bias=bias, batch_first=True)
        self.fc = nn.Linear(H * (2 if bidirectional else 1), C, bias=out_bias)
        self.bidirectional = bidirectional
        g = torch.Generator().manual_seed(layers * 10 + bidirectional * 2 + bias)
        with torch.no_grad():
            for name, p in self.named_parameters():
                scale = 1.0 if name.startswith("embedding") else 0.8 if name.startswith("lstm") else 2.0
                p.uniform_(-scale, scale, generator=g)

    def scores(self, x):
        """x: [T, E] embedded words -> [C] scores"""
        _, (h_n, _) = self.lstm(x.unsqueeze(0))
        h = torch.cat([h_n[-2], h_n[-1]], -1) if self.bidirectional else h_n[-1]
        return self.fc(h)[0]


ARCHITECTURES = {
    "bi-LSTM, 1 layer": dict(layers=1, bidirectional=True),
    "bi-LSTM, 2 layers": dict(layers=2, bidirectional=True),
    "uni-LSTM with bias": dict(layers=1, bidirectional=False),
    "uni-LSTM, 2 layers, no biases": dict(layers=2, bidirectional=False, bias=False, out_bias=False),
    # GRU cells, pooling and attention heads: here when the library explains them (issue 13)
}

rng = np.random.default_rng(7)
SENTENCES = [rng.integers(1, V, size=T) for T in (1, 2, 7, 23, 60)]


def worst(a, b):
    return float(np.max(np.abs(np.asarray(a) - np.asarray(b))))


@pytest.mark.parametrize("arch", ARCHITECTURES)
def test_against_autograd(arch):
    module = Classifier(**ARCHITECTURES[arch]).double()
    model = lrp_rnn.from_torch(module, vocab=VOCAB, labels=LABELS, unk="<unk>")
    info = model.info
    assert (info["layers"], info["directions"]) == (ARCHITECTURES[arch]["layers"],
                                                    2 if ARCHITECTURES[arch]["bidirectional"] else 1)
    out = model.explain(SENTENCES, methods="lrp-cons,sa,gi", target="all")
    for ids, e in zip(SENTENCES, out):
        x = module.embedding(torch.as_tensor(ids)).detach().requires_grad_(True)
        scores = module.scores(x)
        assert worst(e.scores, scores.detach().numpy()) <= TOL, f"{arch} T={len(ids)}: scores"
        for c in range(C):
            (g,) = torch.autograd.grad(scores[c], x, retain_graph=True)
            cons, sa, gi = e.explanations[3 * c:3 * c + 3]
            assert (cons.target, sa.target, gi.target) == (c, c, c)
            want_sa = (g ** 2).sum(1).numpy()
            want_gi = (g * x).sum(1).detach().numpy()
            assert worst(sa.relevance, want_sa) <= TOL, f"{arch} T={len(ids)} class {c}: SA {worst(sa.relevance, want_sa):.3g}"
            assert worst(gi.relevance, want_gi) <= TOL, f"{arch} T={len(ids)} class {c}: GI {worst(gi.relevance, want_gi):.3g}"
            total = cons.relevance.sum() + cons.rest
            assert abs(total - e.scores[c]) <= TOL * max(1.0, abs(e.scores[c])), f"{arch}: lrp-cons conservation"
            assert (cons.relevance_bwd is None) == (not ARCHITECTURES[arch]["bidirectional"])


@pytest.mark.parametrize("arch", ARCHITECTURES)
def test_equals_the_command_on_a_file(arch, lrp_bin, tmp_path):
    """A float32 module, as trained: in memory, and saved to a file two ways."""
    module = Classifier(**ARCHITECTURES[arch])
    model = lrp_rnn.from_torch(module, vocab=VOCAB, labels=LABELS, unk="<unk>", lowercase=True)
    assert model.info["source"].startswith("PyTorch state_dict")
    sys.path.insert(0, str(ROOT / "tools"))
    try:
        from export_torch import export
    finally:
        sys.path.pop(0)
    exported = tmp_path / "exported.safetensors"
    export(module, VOCAB, LABELS, str(exported), unk="<unk>", lowercase=True)
    saved = tmp_path / "saved.safetensors"
    model.save(saved, dtype="float64")
    lines = [" ".join(VOCAB[i] for i in ids) for ids in SENTENCES] + ["w3 zzz w5"]
    ours = model.explain(lines, tokenized=True, methods=lrp_rnn.METHODS, target="pred,all")
    for path in (exported, saved):
        cli = run_lrp(lrp_bin, "explain", "--model", str(path), "--pretokenized", "--format", "json", "--method",
                      ",".join(lrp_rnn.METHODS), "--target", "pred,all", stdin="".join(s + "\n" for s in lines))
        assert ours.to_json() == cli.stdout.decode(), f"{arch}: {path.name}"
    # the same sentences as word ids: the same numbers
    by_ids = model.explain(SENTENCES, methods=lrp_rnn.METHODS, target="pred,all")
    for a, b in zip(by_ids, ours):
        assert a.tokens == b.tokens and a.to_json() == b.to_json()


def test_state_dict_and_module_alike():
    module = Classifier()
    a = lrp_rnn.from_torch(module, vocab=VOCAB, labels=LABELS, unk="<unk>")
    b = lrp_rnn.from_torch(module.state_dict(), vocab=VOCAB, labels=LABELS, unk="<unk>")
    c = lrp_rnn.from_torch({k: v.numpy() for k, v in module.state_dict().items()}, vocab=VOCAB, labels=LABELS,
                           unk="<unk>")
    x = SENTENCES[3]
    assert a.explain(x).to_json() == b.explain(x).to_json() == c.explain(x).to_json()


def test_refused_modules():
    """What the library cannot explain is refused with its message."""
    plain = nn.Module()  # GRU cells are explained since issue 13; a gateless nn.RNN is not
    plain.embedding, plain.rnn, plain.fc = nn.Embedding(V, E), nn.RNN(E, H), nn.Linear(H, C)
    with pytest.raises(lrp_rnn.FormatError, match=r"looks like an nn.RNN \(no gates\)"):
        lrp_rnn.from_torch(plain, vocab=VOCAB, labels=LABELS)
    half = Classifier().half()
    with pytest.raises(lrp_rnn.FormatError, match="dtype F16, expected F32 or F64"):
        lrp_rnn.from_torch(half, vocab=VOCAB, labels=LABELS)
    bf16 = Classifier().to(torch.bfloat16)
    with pytest.raises(lrp_rnn.FormatError, match="dtype BF16, expected F32 or F64"):
        lrp_rnn.from_torch(bf16, vocab=VOCAB, labels=LABELS)
    two = Classifier()
    two.fc2 = nn.Linear(C, C)
    with pytest.raises(lrp_rnn.FormatError, match="unexpected tensor fc2"):
        lrp_rnn.from_torch(two, vocab=VOCAB, labels=LABELS)
    nan = Classifier()
    with torch.no_grad():
        nan.lstm.weight_hh_l0[3, 2] = float("nan")
    with pytest.raises(lrp_rnn.FormatError, match=r"lstm.weight_hh_l0.*\[3, 2\]"):
        lrp_rnn.from_torch(nan, vocab=VOCAB, labels=LABELS)
    with pytest.raises(lrp_rnn.FormatError, match="vocabulary has 39 words"):
        lrp_rnn.from_torch(Classifier(), vocab=VOCAB[:-1], labels=LABELS)
