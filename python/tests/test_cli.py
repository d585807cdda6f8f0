"""The Python API against the command: the same sentences through `lrp explain
--format json` and through Model.explain give the same JSON lines byte for byte
(every number printed with 17 digits, so the same bits), in float64 and float32;
the HTML page is the command's page byte for byte; predict gives the command's
scores; the load options (vocabulary and labels as files or as lists, unk,
lowercase) read a model as the command's options do."""

import json

import numpy as np
import pytest

import lrp_rnn
from conftest import json_lines, run_lrp

SHIPPED_TEXT = [
    "It's not horrible, just horribly mediocre.",
    "Don't waste your money.",
    "A zzzqx film (with \"quotes\") & <brackets>, writer/director... 8 1/2 stars!",
    "Ça, c'est très bien -- 100% worth it",
    "x",
]
ALL_METHODS = ",".join(lrp_rnn.METHODS)


def models(data_dir):
    """(name, load options for Python, the same options for the command, pretokenized sentences)"""
    w = ["w1 w2 w3", "w28 w5 w5 w9 zzz w11", "w7", "W4 w3 w12 w13 w1 w2 w3 w4 w5 w6 w7 w8"]
    py = data_dir / "pytorch"
    vocab = (py / "deep-vocab.txt").read_text().splitlines()
    labels = (py / "deep-labels.txt").read_text().splitlines()
    return [
        ("bi1", py / "bi1.safetensors", {}, [], w),
        ("bi2", py / "bi2.safetensors", {}, [], w),
        ("uni", py / "uni.safetensors", {}, [], w),
        ("deep, side files", py / "deep.safetensors",
         {"vocab": py / "deep-vocab.txt", "labels": py / "deep-labels.txt", "unk": "<unk>"},
         ["--vocab", str(py / "deep-vocab.txt"), "--labels", str(py / "deep-labels.txt"), "--unk", "<unk>"],
         [s for s in w if "w28" not in s]),
        ("deep, lists", py / "deep.safetensors", {"vocab": vocab, "labels": labels, "unk": "<unk>"},
         ["--vocab", str(py / "deep-vocab.txt"), "--labels", str(py / "deep-labels.txt"), "--unk", "<unk>"],
         [s for s in w if "w28" not in s]),
        ("numpy-igfo, cased", data_dir / "models" / "numpy-igfo.safetensors", {}, [],
         ["good movie", "Bad été movie", "bad", "Good zzz été"]),
        ("numpy-igfo, lowercase, no unk", data_dir / "models" / "numpy-igfo.safetensors",
         {"lowercase": True, "unk": ""}, ["--lowercase", "true", "--unk", ""],
         ["good movie", "movie good good", "été"]),
        # the family (tests/data/pytorch/make_fixtures.py): GRU cells, heads, dense layers
        ("gru-uni", py / "gru-uni.safetensors", {}, [], w),
        ("gru-bi, max pooling", py / "gru-bi.safetensors", {}, [], w),
        ("gru-deep, mean pooling by option, side files", py / "gru-deep.safetensors",
         {"vocab": py / "gru-deep-vocab.txt", "labels": py / "gru-deep-labels.txt", "unk": "<unk>", "pooling": "mean"},
         ["--vocab", str(py / "gru-deep-vocab.txt"), "--labels", str(py / "gru-deep-labels.txt"), "--unk", "<unk>",
          "--pooling", "mean"], w),
        ("gru-attn, named in the metadata", py / "gru-attn.safetensors", {}, [], w),
        ("lstm-attn, dense layers as a list", py / "lstm-attn.safetensors", {"prefix_dense": ["fc1", "fc2"]},
         ["--prefix-dense", "fc1,fc2"], w),
        ("lstm-attn, every option as a str", py / "lstm-attn.safetensors",
         {"prefix_dense": "fc1,fc2", "prefix_attention": "pool", "prefix_rnn": "lstm", "pooling": "attention",
          "activation": "relu"},
         ["--prefix-dense", "fc1,fc2", "--prefix-attention", "pool", "--prefix-rnn", "lstm", "--pooling", "attention",
          "--activation", "relu"], w),
    ]


def test_json_lines_equal_the_command(data_dir, lrp_bin):
    for name, path, opts, args, sentences in models(data_dir):
        model = lrp_rnn.load(path, **opts)
        for precision, flag in (("float64", "f64"), ("float32", "f32")):
            cli = run_lrp(lrp_bin, "explain", "--model", str(path), *args, "--pretokenized", "--format", "json",
                          "--method", ALL_METHODS, "--target", "pred,all", "--precision", flag,
                          stdin="".join(s + "\n" for s in sentences)).stdout.decode()
            ours = model.explain(sentences, tokenized=True, methods=lrp_rnn.METHODS, target="pred,all",
                                 precision=precision)
            assert ours.to_json() == cli, f"{name} {precision}: JSON differs from the command's"
            assert [e.to_dict() for e in ours] == json_lines(cli.encode()), f"{name}: to_dict"


def test_shipped_model_text(shipped, lrp_bin):
    cli = run_lrp(lrp_bin, "explain", "--format", "json", "--method", ALL_METHODS, "--target", "pred,positive,0",
                  stdin="".join(s + "\n" for s in SHIPPED_TEXT)).stdout.decode()
    ours = shipped.explain(SHIPPED_TEXT, methods=ALL_METHODS, target=("pred", "positive", 0))
    assert ours.to_json() == cli
    assert any(e.unknown.any() for e in ours), "the sentences have an unknown word"
    # one sentence at a time: the same line
    for k, s in enumerate(SHIPPED_TEXT):
        one = shipped.explain(s, methods=ALL_METHODS, target="pred,positive,0")
        one.line = k + 1
        assert one.to_json() + "\n" == cli.splitlines(keepends=True)[k]


def test_html_page_equals_the_command(shipped, data_dir, lrp_bin):
    for model, path, sentences, tokenized in (
            (shipped, None, SHIPPED_TEXT, False),
            (lrp_rnn.load(data_dir / "models" / "numpy-igfo.safetensors"),
             data_dir / "models" / "numpy-igfo.safetensors", ["good movie", "Bad été zzz movie"], True)):
        args = ["--model", str(path)] if path else []
        if tokenized:
            args.append("--pretokenized")
        cli = run_lrp(lrp_bin, "explain", *args, "--format", "html", "--method", "lrp,sa,gi", "--target", "pred,all",
                      stdin="".join(s + "\n" for s in sentences)).stdout.decode()
        ours = model.explain(sentences, tokenized=tokenized, methods="lrp,sa,gi", target="pred,all")
        assert ours.to_html() == cli
        assert lrp_rnn.to_html(ours) == cli
        # the notebook's fragment holds each sentence's block of the page
        for e in ours:
            block = cli[cli.index(f'<div class="meta">line {e.line} ') - len('<div class="sentence">\n'):]
            block = block[:block.index("</div>\n</div>\n") + len("</div>\n</div>\n")]
            frag = e._repr_html_()
            assert block in frag and frag.startswith('<div class="lrp-rnn"><style>')


def test_predict_equals_the_command(shipped, lrp_bin):
    cli = json_lines(run_lrp(lrp_bin, "predict", "--format", "json",
                             stdin="".join(s + "\n" for s in SHIPPED_TEXT)).stdout)
    scores = shipped.predict(SHIPPED_TEXT)
    probs = shipped.predict(SHIPPED_TEXT, probabilities=True)
    assert scores.shape == probs.shape == (len(SHIPPED_TEXT), 5)
    assert scores.tolist() == [c["scores"] for c in cli]
    assert probs.tolist() == [c["probabilities"] for c in cli]
    one = shipped.predict(SHIPPED_TEXT[0])
    assert one.shape == (1, 5) and one[0].tolist() == cli[0]["scores"]


def test_info_equals_the_command(shipped, data_dir, lrp_bin):
    """Model.info has the keys of `lrp info --format json` (but file, bytes and
    parameters), with the same values, for every architecture."""
    cases = [("shipped", None, shipped, [])]
    cases += [(name, path, lrp_rnn.load(path, **opts), args) for name, path, opts, args, _ in models(data_dir)]
    for name, path, model, args in cases:
        cli = json.loads(run_lrp(lrp_bin, "info", "--format", "json", *args, *([str(path)] if path else [])).stdout)
        info = model.info
        assert set(cli) - set(info) == {"file", "bytes", "parameters"} and set(info) - set(cli) == {"unk_id"}, name
        for key in set(cli) & set(info):
            assert info[key] == cli[key] and type(info[key]) is type(cli[key]), f"{name}: {key}"
        assert len(model.vocab) == cli["vocab_size"] and list(model.labels) == cli["labels"]


def test_save_gives_the_same_results(shipped, data_dir, lrp_bin, tmp_path):
    """A model from PyTorch saved in float64: the command reads it and computes the same bits."""
    bi2 = lrp_rnn.load(data_dir / "pytorch" / "bi2.safetensors")
    out = tmp_path / "bi2.safetensors"
    bi2.save(out, dtype="float64")
    sentences = ["w1 w2 w3", "w7 w8 zzz"]
    cli = run_lrp(lrp_bin, "explain", "--model", str(out), "--pretokenized", "--format", "json", "--method",
                  ALL_METHODS, stdin="".join(s + "\n" for s in sentences)).stdout.decode()
    assert lrp_rnn.load(out).info["source"] == "lrp-rnn"
    assert bi2.explain(sentences, tokenized=True, methods=ALL_METHODS).to_json() == cli
    assert lrp_rnn.load(out).explain(sentences, tokenized=True, methods=ALL_METHODS).to_json() == cli
    small = tmp_path / "f32.safetensors"
    shipped.save(small)  # float32 by default: the shipped model is float32, so nothing is rounded
    x = "A gorgeous, witty, seductive movie."
    assert np.array_equal(lrp_rnn.load(small).explain(x)["lrp"], shipped.explain(x)["lrp"])
    with pytest.raises(lrp_rnn.ArgumentError, match="unknown dtype"):
        shipped.save(small, dtype="float16")
    with pytest.raises(lrp_rnn.FileError):
        shipped.save(tmp_path / "no" / "such" / "dir.safetensors")
