"""The safetensors container in memory (docs/model-format.md): writing one from numpy
arrays, and replacing metadata keys of an existing one. The library reads and checks
the result; nothing here interprets tensor names.
"""

from __future__ import annotations

import json
import struct
from typing import Mapping, Optional, Tuple, Union

import numpy as np

#: numpy dtype -> safetensors dtype name (the library reads F32 and F64 and names
#: any other dtype in its message)
DTYPES = {
    np.dtype(np.float64): "F64", np.dtype(np.float32): "F32", np.dtype(np.float16): "F16",
    np.dtype(np.int64): "I64", np.dtype(np.int32): "I32", np.dtype(np.int16): "I16",
    np.dtype(np.int8): "I8", np.dtype(np.uint8): "U8", np.dtype(np.bool_): "BOOL",
}

#: a tensor: a numpy array, or (raw little-endian bytes, safetensors dtype, shape)
#: for a dtype numpy has no name for (bfloat16)
Tensor = Union[np.ndarray, Tuple[bytes, str, Tuple[int, ...]]]


def _header_bytes(header: dict) -> bytes:
    text = json.dumps(header, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return text + b" " * (-len(text) % 8)  # the data section 8-byte aligned


def dumps(tensors: Mapping[str, Tensor], metadata: Mapping[str, str]) -> bytes:
    """The bytes of a safetensors file holding ``tensors`` (in the mapping's order)
    and the string ``metadata``."""
    header: dict = {"__metadata__": dict(metadata)}
    blobs, offset = [], 0
    for name, t in tensors.items():
        if isinstance(t, tuple):
            raw, dtype, shape = t
        else:
            if t.dtype not in DTYPES:
                raise TypeError(f"state_dict entry {name!r}: dtype {t.dtype} has no safetensors name")
            dtype, shape = DTYPES[t.dtype], t.shape
            raw = np.ascontiguousarray(t, dtype=t.dtype.newbyteorder("<")).tobytes()
        header[name] = {"dtype": dtype, "shape": [int(n) for n in shape],
                        "data_offsets": [offset, offset + len(raw)]}
        blobs.append(raw)
        offset += len(raw)
    text = _header_bytes(header)
    return b"".join([struct.pack("<Q", len(text)), text, *blobs])


def _no_duplicates(pairs):
    d = dict(pairs)
    if len(d) != len(pairs):
        raise ValueError("duplicate key")
    return d


def _no_constant(name):
    raise ValueError(f"{name} is not JSON")


def with_metadata(data: bytes, updates: Mapping[str, str]) -> Optional[bytes]:
    """``data`` (a safetensors file) with the metadata keys of ``updates`` set, every
    tensor unchanged; None when the header cannot be read as the library would (too
    short, not strict JSON, a key twice, metadata not an object of strings): the
    library then reads the original bytes and names the problem."""
    if len(data) < 8:
        return None
    (n,) = struct.unpack_from("<Q", data)
    if n > len(data) - 8:
        return None
    try:
        header = json.loads(data[8:8 + n].decode("utf-8"), object_pairs_hook=_no_duplicates,
                            parse_constant=_no_constant)
    except ValueError:  # UnicodeDecodeError and JSONDecodeError included
        return None
    meta = header.get("__metadata__", {}) if isinstance(header, dict) else None
    if not isinstance(meta, dict) or not all(isinstance(v, str) for v in meta.values()):
        return None
    header["__metadata__"] = {**meta, **updates}
    text = _header_bytes(header)
    return b"".join([struct.pack("<Q", len(text)), text, data[8 + n:]])
