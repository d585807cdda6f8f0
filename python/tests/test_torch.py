"""from_torch on modules built by PyTorch, the whole model family (nn.LSTM or nn.GRU,
one or two directions, stacked or not; the last/mean/max/attention heads; dense
layers with relu or tanh): scores, SA and GI within 1e-9 of what torch computes in
float64 (autograd for the gradients), LRP_cons conserving every score, and the
results equal, bit for bit, to `lrp explain --format json` on the same model saved
to a file (by tools/export_torch.py and by Model.save).

Needs python3-torch: without it every test here is skipped and says so.
"""

import sys

import numpy as np
import pytest

import lrp_rnn
from conftest import ROOT, run_lrp

torch = pytest.importorskip("torch", reason="python3-torch is not installed: from_torch needs it")
nn = torch.nn

TOL = 1e-9
V, E, H, C, A = 40, 5, 6, 4, 7
VOCAB = ["<unk>"] + [f"w{v}" for v in range(1, V)]
LABELS = [f"c{c}" for c in range(C)]
ACTIVATIONS = {"relu": torch.relu, "tanh": torch.tanh}


class Attention(nn.Module):
    """The attention module of docs/pytorch.md: scores vector(tanh(proj(out[t]))), softmax over t."""

    def __init__(self, inputs):
        super().__init__()
        self.proj = nn.Linear(inputs, A)
        self.vector = nn.Linear(A, 1, bias=False)

    def forward(self, out):
        alpha = torch.softmax(self.vector(torch.tanh(self.proj(out))).squeeze(-1), 0)
        return (alpha.unsqueeze(-1) * out).sum(0)


class Classifier(nn.Module):
    """nn.Embedding, an nn.LSTM or nn.GRU, a head over the top layer (the final states,
    mean, max or attention), dense layers (dense.0, dense.1, ...) and nn.Linear, as
    docs/pytorch.md."""

    def __init__(self, cell="lstm", layers=1, bidirectional=True, bias=True, out_bias=True, pooling="last",
                 dense=(), activation="relu"):
        super().__init__()
        D = 2 if bidirectional else 1
        self.embedding = nn.Embedding(V, E)
        rnn = nn.LSTM if cell == "lstm" else nn.GRU
        self.rnn = rnn(E, H, num_layers=layers, bidirectional=bidirectional, bias=bias, batch_first=True)
        if pooling == "attention":
            self.attn = Attention(D * H)
        sizes = [D * H, *dense]
        self.dense = nn.ModuleList(nn.Linear(a, b, bias=bias) for a, b in zip(sizes, sizes[1:]))
        self.fc = nn.Linear(sizes[-1], C, bias=out_bias)
        self.cell, self.bidirectional, self.pooling, self.act = cell, bidirectional, pooling, ACTIVATIONS[activation]
        g = torch.Generator().manual_seed(layers * 10 + bidirectional * 2 + bias + 100 * len(dense))
        with torch.no_grad():
            for name, p in self.named_parameters():
                scale = 1.0 if name.startswith(("embedding", "attn", "dense")) else 0.8 if name.startswith("rnn") \
                    else 2.0
                p.uniform_(-scale, scale, generator=g)

    def scores(self, x):
        """x: [T, E] embedded words -> [C] scores"""
        out, h_n = self.rnn(x.unsqueeze(0))
        out = out[0]
        if self.cell == "lstm":
            h_n = h_n[0]
        if self.pooling == "last":
            u = torch.cat([h_n[-2, 0], h_n[-1, 0]], -1) if self.bidirectional else h_n[-1, 0]
        elif self.pooling == "mean":
            u = out.mean(0)
        elif self.pooling == "max":
            u = out.max(0).values
        else:
            u = self.attn(out)
        for layer in self.dense:
            u = self.act(layer(u))
        return self.fc(u)


# name -> (Classifier's arguments, from_torch's options beyond vocab/labels/unk)
ARCHITECTURES = {
    "bi-LSTM, 1 layer": (dict(layers=1, bidirectional=True), {}),
    "bi-LSTM, 2 layers": (dict(layers=2, bidirectional=True), {}),
    "uni-LSTM with bias": (dict(layers=1, bidirectional=False), {}),
    "uni-LSTM, 2 layers, no biases": (dict(layers=2, bidirectional=False, bias=False, out_bias=False), {}),
    "bi-GRU, 1 layer": (dict(cell="gru"), {}),
    "uni-GRU, 1 layer": (dict(cell="gru", bidirectional=False), {}),
    "bi-GRU, 2 layers": (dict(cell="gru", layers=2), {}),
    "bi-GRU, attention, dense tanh": (dict(cell="gru", pooling="attention", dense=(5,), activation="tanh"),
                                      dict(prefix_dense=["dense.0"], activation="tanh")),
    "bi-LSTM, mean, dense relu 6,5": (dict(pooling="mean", dense=(6, 5)),
                                      dict(pooling="mean", prefix_dense="dense.0,dense.1")),
    "uni-LSTM, 2 layers, max": (dict(layers=2, bidirectional=False, pooling="max"), dict(pooling="max")),
    "uni-GRU, 2 layers, max, dense relu, no biases": (
        dict(cell="gru", layers=2, bidirectional=False, bias=False, out_bias=False, pooling="max", dense=(4,)),
        dict(pooling="max", prefix_dense=["dense.0"], activation="relu")),
    "bi-LSTM, 2 layers, attention, dense tanh 3": (
        dict(layers=2, pooling="attention", dense=(3,), activation="tanh"),
        dict(prefix_dense=("dense.0",), activation="tanh", prefix_attention="attn", prefix_rnn="rnn")),
}

rng = np.random.default_rng(7)
SENTENCES = [rng.integers(1, V, size=T) for T in (1, 2, 7, 23, 60)]


def worst(a, b):
    return float(np.max(np.abs(np.asarray(a) - np.asarray(b))))


def build(arch, double=False):
    args, options = ARCHITECTURES[arch]
    module = Classifier(**args)
    return (module.double() if double else module), args, options


def expected_info(args, options):
    """Model.info's architecture fields for Classifier(**args)."""
    dense = list(args.get("dense", ()))
    return {"cell": args.get("cell", "lstm"), "layers": args.get("layers", 1),
            "directions": 2 if args.get("bidirectional", True) else 1, "pooling": args.get("pooling", "last"),
            "attention_dim": A if args.get("pooling") == "attention" else 0, "dense": dense,
            "activation": args.get("activation", "relu"), "output_bias": args.get("out_bias", True),
            "vocab_size": V, "embed_dim": E, "hidden_dim": H, "classes": C}


@pytest.mark.parametrize("arch", ARCHITECTURES)
def test_against_autograd(arch):
    module, args, options = build(arch, double=True)
    model = lrp_rnn.from_torch(module, vocab=VOCAB, labels=LABELS, unk="<unk>", **options)
    info = model.info
    assert {k: info[k] for k in expected_info(args, options)} == expected_info(args, options), arch
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
            assert (cons.relevance_bwd is None) == (info["directions"] == 1)


def export_options(args, options):
    """tools/export_torch.py's keywords for the metadata that from_torch's options give."""
    dense = options.get("prefix_dense")
    return dict(pooling=args.get("pooling"), activation=options.get("activation"),
                dense=dense.split(",") if isinstance(dense, str) else dense)


@pytest.mark.parametrize("arch", ARCHITECTURES)
def test_equals_the_command_on_a_file(arch, lrp_bin, tmp_path):
    """A float32 module, as trained: in memory, and saved to a file two ways."""
    module, args, options = build(arch)
    model = lrp_rnn.from_torch(module, vocab=VOCAB, labels=LABELS, unk="<unk>", lowercase=True, **options)
    assert model.info["source"].startswith("PyTorch state_dict")
    sys.path.insert(0, str(ROOT / "tools"))
    try:
        from export_torch import export
    finally:
        sys.path.pop(0)
    exported = tmp_path / "exported.safetensors"
    export(module, VOCAB, LABELS, str(exported), unk="<unk>", lowercase=True, **export_options(args, options))
    saved = tmp_path / "saved.safetensors"
    model.save(saved, dtype="float64")
    assert lrp_rnn.load(saved).info == {**model.info, "source": "lrp-rnn"}
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
    for arch in ("bi-LSTM, 1 layer", "bi-GRU, attention, dense tanh"):
        module, _, options = build(arch)
        kw = dict(vocab=VOCAB, labels=LABELS, unk="<unk>", **options)
        a = lrp_rnn.from_torch(module, **kw)
        b = lrp_rnn.from_torch(module.state_dict(), **kw)
        c = lrp_rnn.from_torch({k: v.numpy() for k, v in module.state_dict().items()}, **kw)
        x = SENTENCES[3]
        assert a.explain(x).to_json() == b.explain(x).to_json() == c.explain(x).to_json(), arch


def with_rnn(rnn, fc_inputs=H):
    m = nn.Module()
    m.embedding, m.rnn, m.fc = nn.Embedding(V, E), rnn, nn.Linear(fc_inputs, C)
    return m


def test_refused_modules():
    """What the library cannot explain is refused with its message."""
    with pytest.raises(lrp_rnn.FormatError, match="looks like an nn.RNN"):
        lrp_rnn.from_torch(with_rnn(nn.RNN(E, H)), vocab=VOCAB, labels=LABELS)
    with pytest.raises(lrp_rnn.FormatError, match="proj_size > 0 .* is not supported"):
        lrp_rnn.from_torch(with_rnn(nn.LSTM(E, H, proj_size=3), 3), vocab=VOCAB, labels=LABELS)
    two = with_rnn(nn.GRU(E, H))
    two.rnn2 = nn.GRU(E, H)
    with pytest.raises(lrp_rnn.FormatError, match="found 2 recurrent modules"):
        lrp_rnn.from_torch(two, vocab=VOCAB, labels=LABELS)
    half = Classifier(cell="gru").half()
    with pytest.raises(lrp_rnn.FormatError, match="dtype F16, expected F32 or F64"):
        lrp_rnn.from_torch(half, vocab=VOCAB, labels=LABELS)
    bf16 = Classifier().to(torch.bfloat16)
    with pytest.raises(lrp_rnn.FormatError, match="dtype BF16, expected F32 or F64"):
        lrp_rnn.from_torch(bf16, vocab=VOCAB, labels=LABELS)
    # a dense layer not named is not guessed
    unnamed, _, _ = build("bi-LSTM, mean, dense relu 6,5")
    with pytest.raises(lrp_rnn.FormatError, match=r"the classifier dense.0.weight is \[6, 12\]"):
        lrp_rnn.from_torch(unnamed, vocab=VOCAB, labels=LABELS, pooling="mean")
    nan = Classifier(cell="gru", pooling="attention")
    with torch.no_grad():
        nan.rnn.weight_hh_l0[3, 2] = float("nan")
    with pytest.raises(lrp_rnn.FormatError, match=r"rnn.weight_hh_l0.*\[3, 2\]"):
        lrp_rnn.from_torch(nan, vocab=VOCAB, labels=LABELS)
    inf = Classifier(pooling="attention")
    with torch.no_grad():
        inf.attn.proj.weight[1, 0] = float("inf")
    with pytest.raises(lrp_rnn.FormatError, match=r"attn.proj.weight.*\[1, 0\]"):
        lrp_rnn.from_torch(inf, vocab=VOCAB, labels=LABELS)
    with pytest.raises(lrp_rnn.FormatError, match="vocabulary has 39 words"):
        lrp_rnn.from_torch(Classifier(cell="gru"), vocab=VOCAB[:-1], labels=LABELS)


def test_load_options():
    """pooling, activation and the module paths: given as from_torch's options, or as
    the file's metadata, the same model; wrong ones raise with the library's message."""
    module, _, _ = build("bi-LSTM, mean, dense relu 6,5")
    kw = dict(vocab=VOCAB, labels=LABELS, unk="<unk>", pooling="mean")
    as_list = lrp_rnn.from_torch(module, prefix_dense=["dense.0", "dense.1"], **kw)
    as_str = lrp_rnn.from_torch(module, prefix_dense="dense.0,dense.1", **kw)
    as_tuple = lrp_rnn.from_torch(module, prefix_dense=("dense.0", "dense.1"), **kw)
    x = SENTENCES[2]
    assert as_list.info["dense"] == [6, 5]
    assert as_list.explain(x).to_json() == as_str.explain(x).to_json() == as_tuple.explain(x).to_json()
    assert as_list.info["architecture"] == "1-layer bi-LSTM, mean pooling, dense 6,5 relu, 4 classes"
    # a tanh model read as relu is another model: other scores
    tanh = lrp_rnn.from_torch(module, prefix_dense=["dense.0", "dense.1"], activation="tanh", **kw)
    assert tanh.info["activation"] == "tanh" and not np.array_equal(tanh.predict(x), as_list.predict(x))
    # an empty list: no dense layers (as without the option)
    with pytest.raises(lrp_rnn.FormatError, match=r"the classifier dense.0.weight is \[6, 12\]"):
        lrp_rnn.from_torch(module, prefix_dense=[], **kw)
    plain, _, _ = build("bi-LSTM, 1 layer")
    assert lrp_rnn.from_torch(plain, vocab=VOCAB, labels=LABELS, prefix_dense=[]).info["dense"] == []
    with pytest.raises(TypeError, match="prefix_dense: expected a list of module paths .* got int"):
        lrp_rnn.from_torch(module, prefix_dense=3, **kw)
    with pytest.raises(TypeError, match="prefix_dense: expected a list of module paths .* got bytes"):
        lrp_rnn.from_torch(module, prefix_dense=b"dense.0", **kw)
    with pytest.raises(TypeError, match="prefix_dense: entry 1 is int, not str"):
        lrp_rnn.from_torch(module, prefix_dense=["dense.0", 1], **kw)
    with pytest.raises(lrp_rnn.ArgumentError, match="prefix_dense: entry 0 contains ',': 'dense.0,dense.1'"):
        lrp_rnn.from_torch(module, prefix_dense=["dense.0,dense.1"], **kw)
    with pytest.raises(lrp_rnn.FormatError, match='no tensor "nope.weight" \\(dense layer 1'):
        lrp_rnn.from_torch(module, prefix_dense=["dense.0", "nope"], **kw)
    with pytest.raises(lrp_rnn.ArgumentError, match='pooling option "sum": expected "last", "mean"'):
        lrp_rnn.from_torch(module, **{**kw, "pooling": "sum"})
    with pytest.raises(lrp_rnn.ArgumentError, match='activation option "gelu": expected "relu" or "tanh"'):
        lrp_rnn.from_torch(module, prefix_dense="dense.0,dense.1", activation="gelu", **kw)
    with pytest.raises(TypeError):
        lrp_rnn.from_torch(module, prefix_dense="dense.0,dense.1", **{**kw, "pooling": 1})
    gru, _, options = build("bi-GRU, attention, dense tanh")
    with pytest.raises(lrp_rnn.FormatError, match='no tensor "att.proj.weight"'):
        lrp_rnn.from_torch(gru, vocab=VOCAB, labels=LABELS, prefix_attention="att", **options)
    with pytest.raises(lrp_rnn.ArgumentError):
        lrp_rnn.from_torch(gru, vocab=VOCAB, labels=LABELS, prefix_rnn="rnn", prefix_lstm="other", **options)
    # the options name what the file's metadata would: the same model from a file without them
    assert lrp_rnn.from_torch(gru, vocab=VOCAB, labels=LABELS, **options).info["pooling"] == "attention"


def test_numeric_error(tmp_path):
    """Weights near float32's end: the scores fit float64 but not float32, whose
    overflow is a NumericError with the library's message, never an Inf in a result."""
    module = Classifier(bidirectional=False)
    with torch.no_grad():
        for name, p in module.rnn.named_parameters():
            p.fill_(10.0 if name.startswith("bias") else 0.0)  # every gate saturated: h = tanh(1) o = 0.76
        module.fc.weight.zero_()
        module.fc.bias.zero_()
        module.fc.weight[0] = 3e38
        module.fc.bias[0] = 3e38
    model = lrp_rnn.from_torch(module, vocab=VOCAB, labels=LABELS, unk="<unk>")
    x = SENTENCES[2]
    e = model.explain(x, methods=lrp_rnn.METHODS, target="all")
    assert np.all(np.isfinite(e.scores)) and e.scores[0] > 3.4e38 and e.predicted == 0
    for a in e.explanations:
        assert np.all(np.isfinite(a.relevance)), a.method
    message = r"the score of class 0 is inf: the computation overflowed .* float32, which ends at 3.4e38"
    with pytest.raises(lrp_rnn.NumericError, match="^" + message) as raised:
        model.explain(x, precision="float32")
    assert isinstance(raised.value, ArithmeticError) and isinstance(raised.value, lrp_rnn.Error)
    assert model.predict(x)[0, 0] == e.scores[0]
    with pytest.raises(lrp_rnn.NumericError, match="^" + message):
        model.predict(x, precision="float32")
    # in a call on several sentences: the call fails as a whole, naming the first
    with pytest.raises(lrp_rnn.NumericError, match="^sentence 0: " + message):
        model.explain(SENTENCES, precision="float32", threads=2)
