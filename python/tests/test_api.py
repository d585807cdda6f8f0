"""The API's shapes and promises: the forms of input give the same results, the
fields of an Explanation, vocabulary and labels as lists or files, the shipped
model from any directory, deletion and per-dimension relevance, lrp-cons
conservation, float32 within its stated bound."""

import os
import subprocess
import sys

import numpy as np
import pytest

import lrp_rnn

TEXT = "It's not horrible, just horribly mediocre."


def test_model_facts(shipped):
    info = shipped.info
    assert info["cell"] == "lstm" and info["vocab_size"] == len(shipped.vocab) == 19539
    assert (info["embed_dim"], info["hidden_dim"], info["layers"], info["directions"]) == (60, 60, 1, 2)
    assert info["labels"] == list(shipped.labels) == ["very negative", "negative", "neutral", "positive",
                                                        "very positive"]
    assert info["unk"] == shipped.vocab[info["unk_id"]] == "<unk>" and info["lowercase"] is True
    assert info["architecture"] == "1-layer bi-LSTM, last states, 5 classes"
    assert (info["pooling"], info["attention_dim"], info["dense"], info["activation"], info["output_bias"]) == \
        ("last", 0, [], "relu", False)
    info["labels"].append("x")  # a copy: the model is read-only
    assert len(shipped.info["labels"]) == 5
    assert repr(shipped).startswith("<lrp_rnn.Model 1-layer bi-LSTM, last states, 5 classes: vocabulary 19539")
    assert lrp_rnn.__version__ and lrp_rnn.METHODS == ("lrp", "lrp-cons", "sa", "gi", "occlusion", "occlusion-prob", "ig")


def test_explanation_fields(shipped):
    e = shipped.explain(TEXT, methods=("sa", "lrp"), target=("pred", "positive"))
    T = len(e.tokens)
    assert e.tokens == shipped.tokenize(TEXT) == ["it", "'s", "not", "horrible", ",", "just", "horribly",
                                                  "mediocre", "."]
    assert e.ids.dtype == np.int32 and e.ids.shape == (T,) and [shipped.vocab[i] for i in e.ids] == e.tokens
    assert e.unknown.dtype == np.bool_ and not e.unknown.any()
    assert e.scores.dtype == e.probabilities.dtype == np.float64 and e.scores.shape == (5,)
    assert abs(e.probabilities.sum() - 1) < 1e-12 and e.predicted == int(np.argmax(e.scores))
    assert e.label == shipped.labels[e.predicted] and e.line == 1
    # target-major, methods in the library's order whatever the order asked
    assert [(a.method, a.target) for a in e.explanations] == [("lrp", e.predicted), ("sa", e.predicted),
                                                              ("lrp", 3), ("sa", 3)]
    lrp, sa = e.explanations[:2]
    assert lrp.target_label == e.label and e["lrp"] is lrp.relevance and e["sa"] is sa.relevance
    assert np.allclose(lrp.relevance, lrp.relevance_fwd + lrp.relevance_bwd, rtol=0, atol=1e-15)
    assert lrp.rest == 0.0 and sa.rest is None and lrp.dims_fwd is None
    assert (sa.relevance >= 0).all()
    with pytest.raises(KeyError, match="methods explained: lrp, sa"):
        e["gi"]
    method, target, relevance, fwd, bwd, rest = e.explanations[0][:6]
    assert method == "lrp" and relevance.shape == fwd.shape == bwd.shape == (T,)
    assert "predicted 0 'very negative'" in repr(e)
    d = e.to_dict()
    assert d["tokens"] == e.tokens and d["explanations"][1]["method"] == "sa" and "rest" not in d["explanations"][1]


def test_input_forms_agree(shipped):
    e = shipped.explain(TEXT, methods="lrp,gi")
    tokens = e.tokens
    forms = [
        shipped.explain([TEXT], methods="lrp,gi")[0],
        shipped.explain(" ".join(tokens), tokenized=True, methods="lrp,gi"),
        shipped.explain([tokens], tokenized=True, methods="lrp,gi")[0],
        shipped.explain([" ".join(tokens)], tokenized=True, methods="lrp,gi")[0],
        shipped.explain(e.ids, methods="lrp,gi"),
        shipped.explain(e.ids.astype(np.uint16), methods="lrp,gi"),
        shipped.explain([e.ids.astype(np.int64)], methods="lrp,gi")[0],
        shipped.explain(np.stack([e.ids, e.ids]), methods="lrp,gi")[1],
        shipped.explain(np.repeat(e.ids.astype(np.uint64), 2)[::2], methods="lrp,gi"),  # strided
        shipped.explain(np.stack([e.ids, e.ids], axis=1)[:, 1].astype(np.int32), methods="lrp,gi"),
    ]
    for k, f in enumerate(forms):
        assert f.tokens == tokens, k
        for a, b in zip(f.explanations, e.explanations):
            assert np.array_equal(a.relevance, b.relevance) and a.rest == b.rest, k
    assert shipped.explain([]) == []
    # uppercase tokens given as tokens are lowercased as the model asks, as the command does
    assert shipped.explain([["IT", "'S"]], tokenized=True)[0].tokens == ["it", "'s"]


def test_unknown_words(shipped):
    e = shipped.explain("a zzzqx film")
    assert e.tokens == ["a", "zzzqx", "film"] and e.unknown.tolist() == [False, True, False]
    assert e.ids[1] == shipped.info["unk_id"]
    assert 'class="w unk"' in e._repr_html_()


def test_targets(shipped):
    sentences = ["a good film", "a bad film", "a film"]
    per = shipped.explain(sentences, target=[4, "negative", ("pred", 2)])
    assert [[a.target for a in e.explanations] for e in per] == [[4], [1], [per[2].predicted, 2]]
    every = shipped.explain(sentences, target="all", methods="lrp")
    for e, p in zip(every, per):
        for a in p.explanations:
            assert np.array_equal(a.relevance, every[every.index(e)].explanations[a.target].relevance)
    # a label that contains a comma is read whole, as on the command line
    assert shipped.explain("fine", target="3")["lrp"].shape == (1,)


def test_lrp_cons_conserves(shipped):
    out = shipped.explain(["Don't waste your money.", TEXT, "x"], methods="lrp-cons", target="all")
    for e in out:
        for a in e.explanations:
            assert abs(a.relevance.sum() + a.rest - e.scores[a.target]) <= 1e-12 * max(1, abs(e.scores[a.target]))


def test_deleted_and_per_dimension(shipped):
    e = shipped.explain(TEXT, methods="lrp,sa,gi", per_dimension=True)
    T, E = len(e.tokens), shipped.info["embed_dim"]
    for a in e.explanations:
        assert a.dims_fwd.shape == a.dims_bwd.shape == (T, E)
        if a.method == "lrp":  # LRP: relevance per dimension; SA, GI: the gradient
            assert np.allclose(a.dims_fwd.sum(1), a.relevance_fwd, rtol=0, atol=1e-13)
    mask = np.zeros(T, dtype=bool)
    mask[[2, 6]] = True
    d = shipped.explain(TEXT, methods="gi", deleted=mask)
    assert d["gi"][2] == 0.0 and d["gi"][6] == 0.0 and not np.array_equal(d.scores, e.scores)
    as_list = shipped.explain(TEXT, methods="gi", deleted=mask.tolist())
    assert np.array_equal(as_list["gi"], d["gi"])
    none = shipped.explain([TEXT, TEXT], methods="gi", deleted=[None, mask])
    assert np.array_equal(none[1]["gi"], d["gi"]) and np.array_equal(none[0].scores, e.scores)


def test_float32_within_its_bound(shipped):
    sentences = ["Don't waste your money.", TEXT, "A gorgeous, witty, seductive movie."]
    f64 = shipped.explain(sentences, methods=lrp_rnn.METHODS)
    f32 = shipped.explain(sentences, methods=lrp_rnn.METHODS, precision="float32")
    for a, b in zip(f64, f32):
        for x, y in zip(a.explanations, b.explanations):
            assert np.max(np.abs(x.relevance - y.relevance)) <= 1e-3 * np.max(np.abs(x.relevance))


def test_vocab_and_labels_as_lists_or_files(data_dir, tmp_path):
    py = data_dir / "pytorch"
    vocab = (py / "deep-vocab.txt").read_text().splitlines()
    labels = (py / "deep-labels.txt").read_text().splitlines()
    a = lrp_rnn.load(py / "deep.safetensors", vocab=py / "deep-vocab.txt", labels=str(py / "deep-labels.txt"),
                     unk="<unk>")
    b = lrp_rnn.load(py / "deep.safetensors", vocab=vocab, labels=tuple(labels), unk="<unk>")
    c = lrp_rnn.loads((py / "deep.safetensors").read_bytes(), vocab=vocab, labels=labels, unk="<unk>")
    assert a.vocab == b.vocab == c.vocab == tuple(vocab) and a.labels == b.labels == tuple(labels)
    x = "w1 w5 zzz w3"
    assert a.explain(x, tokenized=True).to_json() == b.explain(x, tokenized=True).to_json() \
        == c.explain(x, tokenized=True).to_json()
    # lists replace the file's metadata
    bi1 = lrp_rnn.load(py / "bi1.safetensors", labels=["x", "y", "z"], lowercase=False)
    assert bi1.labels == ("x", "y", "z") and bi1.info["lowercase"] is False
    assert bi1.explain("W1", tokenized=True).unknown.tolist() == [True]


def test_default_model_from_any_directory(tmp_path):
    code = "import lrp_rnn; m = lrp_rnn.default_model(); print(m.explain('a fine film').label)"
    p = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True,
                       env={**os.environ, "PYTHONPATH": ""})
    assert p.returncode == 0, p.stderr
    assert p.stdout.strip() in lrp_rnn.default_model().labels
