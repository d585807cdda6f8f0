#!/usr/bin/python3
"""Train a small sentiment classifier (negative / positive: the treebank's sentences
without the neutral ones, as SST-2) on the Stanford Sentiment Treebank in PyTorch, and
save it for `lrp` with tools/export_torch.py (docs/pytorch.md).

    /usr/bin/python3 examples/pytorch_sst.py SST_DIR OUT.safetensors [ARCH]

ARCH: bilstm (default: a bi-LSTM on its final states, the paper's model) or
gru-attention (a bi-GRU with attention over its states and a dense tanh layer).
"""
import re
import sys

import torch
from torch import nn

sys.path.insert(0, "tools")
from export_torch import export  # noqa: E402

LEAF = re.compile(r"\(\d+ ([^()]+)\)")


def read_trees(path):
    """(lowercased treebank tokens, 0 negative or 1 positive) of each non-neutral tree."""
    data = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            label = int(line[1])  # the root's: 0, 1 negative; 2 neutral; 3, 4 positive
            if label != 2:
                data.append(([w.lower() for w in LEAF.findall(line)], int(label > 2)))
    return data


class Attention(nn.Module):
    """Attention pooling as lrp reads it: e_t = vector(tanh(proj(s_t))), alpha = softmax(e)."""

    def __init__(self, inputs, A):
        super().__init__()
        self.proj = nn.Linear(inputs, A)
        self.vector = nn.Linear(A, 1, bias=False)

    def forward(self, states, mask):  # (B, T, D*H), (B, T) true at the words -> (B, D*H)
        e = self.vector(torch.tanh(self.proj(states))).squeeze(-1)
        alpha = torch.softmax(e.masked_fill(~mask, float("-inf")), -1)  # padding gets nothing
        return (alpha.unsqueeze(-1) * states).sum(1)


class GRUAttention(nn.Module):
    """nn.Embedding + bi-GRU + attention over its outputs + a dense tanh layer + nn.Linear."""

    def __init__(self, V, E, H, A, M, C):
        super().__init__()
        self.embedding = nn.Embedding(V, E, padding_idx=0)
        self.gru = nn.GRU(E, H, bidirectional=True, batch_first=True)
        self.attn = Attention(2 * H, A)
        self.hidden = nn.Linear(2 * H, M)
        self.fc = nn.Linear(M, C)

    def forward(self, ids, lengths):
        x = nn.utils.rnn.pack_padded_sequence(self.embedding(ids), lengths, batch_first=True,
                                              enforce_sorted=False)
        out, _ = self.gru(x)
        out, _ = nn.utils.rnn.pad_packed_sequence(out, batch_first=True)  # (B, T, 2H)
        mask = torch.arange(out.shape[1])[None, :] < lengths[:, None]
        return self.fc(torch.tanh(self.hidden(self.attn(out, mask))))


class Classifier(nn.Module):
    def __init__(self, V, E, H, C):
        super().__init__()
        self.embedding = nn.Embedding(V, E, padding_idx=0)
        self.lstm = nn.LSTM(E, H, bidirectional=True, batch_first=True)
        self.fc = nn.Linear(2 * H, C)

    def forward(self, ids, lengths):
        # Packing matters: h_n must be each direction's state after the sentence's own
        # last word, not after padding (lrp explains one unpadded sentence at a time).
        x = nn.utils.rnn.pack_padded_sequence(self.embedding(ids), lengths, batch_first=True,
                                              enforce_sorted=False)
        _, (h_n, _) = self.lstm(x)
        return self.fc(torch.cat([h_n[-2], h_n[-1]], -1))  # final fwd and bwd states


def batches(data, index, size, shuffle):
    order = torch.randperm(len(data)).tolist() if shuffle else range(len(data))
    order = list(order)
    for k in range(0, len(order), size):
        chunk = [data[i] for i in order[k:k + size]]
        lengths = torch.tensor([len(words) for words, _ in chunk])
        ids = torch.zeros(len(chunk), int(lengths.max()), dtype=torch.long)
        for row, (words, _) in enumerate(chunk):
            ids[row, :len(words)] = torch.tensor([index.get(w, 1) for w in words])
        yield ids, lengths, torch.tensor([label for _, label in chunk])


def main(sst, out, arch="bilstm"):
    if arch not in ("bilstm", "gru-attention"):
        sys.exit(f"pytorch_sst.py: unknown ARCH {arch!r} (bilstm, gru-attention)")
    torch.manual_seed(0)
    torch.set_num_threads(1)
    train, dev = read_trees(f"{sst}/train.txt"), read_trees(f"{sst}/dev.txt")
    vocab = ["<pad>", "<unk>"] + sorted({w for words, _ in train for w in words})
    index = {w: i for i, w in enumerate(vocab)}
    labels = ["negative", "positive"]
    if arch == "bilstm":
        model = Classifier(len(vocab), 50, 50, len(labels))
    else:
        model = GRUAttention(len(vocab), 50, 50, 50, 50, len(labels))
    opt = torch.optim.Adam(model.parameters(), lr=2e-3)
    for epoch in range(3):
        model.train()
        for ids, lengths, y in batches(train, index, 32, shuffle=True):
            opt.zero_grad()
            nn.functional.cross_entropy(model(ids, lengths), y).backward()
            opt.step()
        model.eval()
        with torch.no_grad():
            right = sum(int((model(ids, n).argmax(-1) == y).sum())
                        for ids, n, y in batches(dev, index, 256, shuffle=False))
        print(f"epoch {epoch + 1}: dev accuracy {right / len(dev):.3f}")

    if arch == "bilstm":
        export(model, vocab, labels, out, unk="<unk>", lowercase=True)
    else:  # the head and the dense layer named in the metadata
        export(model, vocab, labels, out, unk="<unk>", lowercase=True, pooling="attention",
               attention="attn", dense=["hidden"], activation="tanh")
    print(f"wrote {out}")
    # torch's scores for one sentence, in float32 (as trained) and in float64 (as lrp
    # computes, from the same float32 weights)
    words = "it 's a charming and often affecting journey .".split()
    ids, n = torch.tensor([[index.get(w, 1) for w in words]]), torch.tensor([len(words)])
    with torch.no_grad():
        print("float32:", " ".join(f"{v:.17g}" for v in model(ids, n)[0].tolist()))
        print("float64:", " ".join(f"{v:.17g}" for v in model.double()(ids, n)[0].tolist()))


if __name__ == "__main__":
    main(*sys.argv[1:])
