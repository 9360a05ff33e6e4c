"""Token boundaries as plain data, and their compact stored form.

Exports need the tokens of the pipeline that will train on the data (Prodigy's ``tokens`` list,
``token_start``/``token_end``, CoNLL lines, DocBin docs). Pre-annotation already tokenises every
article, so it stores the boundaries (``article_tokens`` table) and exports read them back instead
of running the tokenizer again (tokenising is most of an export's time).

Stored form (``pack_tokens``): ``b"AT1"`` + zlib of [count as uint32][starts as uint32 x count]
[ends as uint32 x count][whitespace flags, one byte each], all little-endian. About 3 bytes per
token after compression; unpacking 100,000 spans' worth of articles takes about 0.1 s.
"""

from __future__ import annotations

import struct
import sys
import zlib
from array import array
from dataclasses import dataclass

MAGIC = b"AT1"
_U32 = "I" if array("I").itemsize == 4 else "L"


@dataclass(frozen=True, slots=True)
class Tokens:
    """Token boundaries of one text: ``text[starts[i]:ends[i]]`` is token ``i``; ``ws[i]`` tells
    whether a space follows it (spaCy's ``whitespace_``)."""

    starts: list[int]
    ends: list[int]
    ws: list[bool]

    def __len__(self) -> int:
        return len(self.starts)

    def words(self, text: str) -> list[str]:
        return [text[s:e] for s, e in zip(self.starts, self.ends)]


def tokenizer_id(name: str, version: str) -> str:
    """The id stored tokens are filed under: the pipeline as pre-annotation names it (package or
    path, and version; ``ModelInfo.label``). Same id, same tokenizer."""
    return f"{name} {version}"


class TokenDataError(ValueError):
    """A stored token blob that cannot be read (wrong header, truncated, inconsistent)."""


def _u32(values: list[int]) -> bytes:
    a = array(_U32, values)
    if sys.byteorder == "big":  # pragma: no cover - stored little-endian everywhere
        a.byteswap()
    return a.tobytes()


def pack_tokens(starts: list[int], ends: list[int], ws: list[bool]) -> bytes:
    n = len(starts)
    if len(ends) != n or len(ws) != n:
        raise ValueError("starts, ends and ws must have the same length")
    raw = struct.pack("<I", n) + _u32(starts) + _u32(ends) + bytes(bytearray(1 if w else 0 for w in ws))
    return MAGIC + zlib.compress(raw, 1)


def unpack_tokens(blob: bytes) -> Tokens:
    if not blob.startswith(MAGIC):
        raise TokenDataError("not a token blob (unknown header)")
    try:
        raw = zlib.decompress(blob[len(MAGIC) :])
    except zlib.error as exc:
        raise TokenDataError(f"token blob does not decompress ({exc})") from exc
    if len(raw) < 4:
        raise TokenDataError("token blob is truncated")
    (n,) = struct.unpack_from("<I", raw)
    if len(raw) != 4 + 9 * n:
        raise TokenDataError(f"token blob holds {len(raw)} bytes, expected {4 + 9 * n} for {n} tokens")
    a = array(_U32)
    a.frombytes(raw[4 : 4 + 8 * n])
    if sys.byteorder == "big":  # pragma: no cover
        a.byteswap()
    return Tokens(a[:n].tolist(), a[n:].tolist(), list(map(bool, raw[4 + 8 * n :])))

