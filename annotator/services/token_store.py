"""Stored token boundaries (``article_tokens``): what pre-annotation writes and exports read.

Pre-annotation hands over each article's token boundaries packed
(:func:`annotator.domain.tokens.pack_tokens`); this module turns them into a table row that also
holds Prodigy's ``tokens`` list as compressed JSON, so a JSONL export copies it instead of
building ~a million small objects (see benchmarks/bench_export.py). Both are filed under the
tokenizer's id and the text's content hash: an export only uses them for the very same text and
tokenizer, and tokenises anything else itself.
"""

from __future__ import annotations

import zlib

import orjson

from annotator.domain.tokens import Tokens, TokenDataError, unpack_tokens


def prodigy_tokens_json(text: str, tok: Tokens) -> bytes:
    """Prodigy's token list for ``text``: ``[{"text","start","end","id","ws"}, ...]`` as JSON bytes."""
    return orjson.dumps(
        [{"text": text[s:e], "start": s, "end": e, "id": i, "ws": w} for i, (s, e, w) in enumerate(zip(tok.starts, tok.ends, tok.ws))]
    )


def token_row(article_id: int, tokenizer: str, text_hash: str, text: str, packed: bytes) -> dict:
    """An ``article_tokens`` row for ``m.ArticleTokens.insert_many``."""
    return {
        "article": article_id,
        "tokenizer": tokenizer,
        "text_hash": text_hash,
        "data": packed,
        "prodigy": zlib.compress(prodigy_tokens_json(text, unpack_tokens(packed)), 1),
    }


def stored_prodigy_json(blob: bytes | None) -> bytes | None:
    """The stored Prodigy token list (JSON bytes), or None when absent or unreadable."""
    if not blob:
        return None
    try:
        out = zlib.decompress(blob)
    except zlib.error:
        return None
    return out if out.startswith(b"[") and out.endswith(b"]") else None


__all__ = ["TokenDataError", "prodigy_tokens_json", "stored_prodigy_json", "token_row"]
