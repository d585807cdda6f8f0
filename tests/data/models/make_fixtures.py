# Writes the numpy fixtures of tests/test_model_io.c (run from this directory with
# /usr/bin/python3; needs numpy only). The files are committed; tests never run this.
#   numpy-igfo.safetensors   V=5 E=3 H=2 C=3, gate_order igfo, F32 and F64 mixed,
#                            classifier bias, unk, lowercase false; element [r, c] of
#                            tensor number k is 100 k + 10 r + c (the embedding: 10 r + c)
#   doc-snippet.safetensors, doc-snippet-gru.safetensors
#                            the snippet of docs/model-format.md, as printed there (its
#                            tiny.safetensors and tiny-gru.safetensors; cli_doc_snippet.sh
#                            runs it and compares)
import json, struct
import numpy as np


def save(path, tensors, meta):
    header, blobs, offset = {"__metadata__": meta}, [], 0
    for name, a in tensors.items():
        dtype, le = {np.dtype(np.float32): ("F32", "<f4"), np.dtype(np.float64): ("F64", "<f8")}[a.dtype]
        raw = np.ascontiguousarray(a, dtype=le).tobytes()
        header[name] = {"dtype": dtype, "shape": list(a.shape), "data_offsets": [offset, offset + len(raw)]}
        blobs.append(raw)
        offset += len(raw)
    text = json.dumps(header, sort_keys=True).encode("utf-8")  # names sorted, data in table order;
    # unpadded on purpose: the loader must not need the padding
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text + b"".join(blobs))


def numbered(k, rows, cols=None, dtype=np.float64):
    r = np.arange(rows)[:, None] * 10.0
    a = 100.0 * k + r + (np.arange(cols)[None, :] if cols else 0.0)
    return (a if cols else a[:, 0]).astype(dtype)


V, E, H, C = 5, 3, 2, 3
t = {"embedding": numbered(0, V, E, np.float32)}
for d, k in (("fwd", 1), ("bwd", 4)):
    t[f"encoder.{d}.weight_x"] = numbered(k, 4 * H, E, np.float32 if d == "fwd" else np.float64)
    t[f"encoder.{d}.weight_h"] = numbered(k + 1, 4 * H, H)
    t[f"encoder.{d}.bias"] = numbered(k + 2, 4 * H)
t["classifier.weight_fwd"] = numbered(7, C, H)
t["classifier.weight_bwd"] = numbered(8, C, H, np.float32)
t["classifier.bias"] = numbered(9, C)
save("numpy-igfo.safetensors", t, {
    "format": "lrp-rnn", "gate_order": "igfo", "lowercase": "false", "unk": "<unk>",
    "vocab": "\n".join(["<unk>", "good", "Bad", "movie", "\u00e9t\u00e9"]),
    "labels": "negative\nneutral\npositive", "note": "unknown keys are ignored"})
