"""The methods beyond the paper's through Python (issue 15): contrastive targets and
Integrated Gradients' options give the same JSON as `lrp explain`, lrp-cons conserves
the contrast, IG's completeness is small, bad options are ArgumentErrors."""
import numpy as np
import pytest

import lrp_rnn
from conftest import run_lrp

TEXT = ["it 's not horrible , just horribly mediocre .", "a good movie , but far too long"]
METHODS = "lrp-cons,gi,occlusion,occlusion-prob,ig"


@pytest.mark.parametrize("contrast", ["negative", "0", "others"])
def test_contrast_and_ig_as_the_command(shipped, lrp_bin, contrast):
    cli = run_lrp(lrp_bin, "explain", "--format", "json", "--pretokenized", "--method", METHODS, "--target",
                  "pred,4", "--contrast", contrast, "--ig-steps", "32",
                  stdin="".join(s + "\n" for s in TEXT)).stdout.decode()
    arg = int(contrast) if contrast.isdigit() else contrast
    ours = shipped.explain(TEXT, tokenized=True, methods=METHODS, target="pred,4", contrast=arg, ig_steps=32)
    assert ours.to_json() == cli
    c2 = "others" if contrast == "others" else shipped.labels.index(contrast) if contrast in shipped.labels else arg
    for e in ours:
        for a in e.explanations:
            assert a.contrast == c2 and a.contrast_label == (None if c2 == "others" else shipped.labels[c2])
            g = e.scores[a.target] - (np.delete(e.scores, a.target).mean() if c2 == "others" else e.scores[c2])
            if a.method == "lrp-cons":
                assert abs(a.relevance.sum() + a.rest - g) < 1e-10
            assert (a.completeness is not None and a.completeness >= 0) == (a.method == "ig")


def test_ig_steps(shipped):
    c = [shipped.explain(TEXT[1], methods="ig", ig_steps=m).explanations[0].completeness for m in (4, 256)]
    assert c[1] < c[0] and c[1] < 0.01
    assert shipped.explain(TEXT[1], methods="ig").explanations[0].contrast is None


@pytest.mark.parametrize("bad", [{"contrast": "nine"}, {"contrast": 5}, {"contrast": True}, {"ig_steps": 0},
                                 {"ig_steps": 100001}, {"ig_steps": 2.5}])
def test_bad_options(shipped, bad):
    with pytest.raises(lrp_rnn.ArgumentError):
        shipped.explain(TEXT[0], methods="ig", **bad)
