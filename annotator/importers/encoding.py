"""Bytes -> text: encoding detection and the "is this really text?" checks.

Order of the checks in :func:`decode_bytes` (the first that applies decides):

1. no bytes at all, or only whitespace after decoding -> ``Msg.I001`` (empty);
2. a known magic number at the start (PDF, ZIP/docx/xlsx, PNG, JPEG, GIF, SQLite, gzip, 7-Zip,
   RAR, xz, zstd, old MS Office, ELF executables, Ogg, MP3) -> ``Msg.I002`` naming the format;
3. a byte-order mark decides the encoding: UTF-8 (the BOM is dropped), UTF-16 LE/BE, UTF-32
   LE/BE; if the bytes do not decode in that encoding -> ``Msg.I003``;
4. without a BOM, NUL bytes mean binary (``Msg.I002``), because text in an 8-bit encoding or
   UTF-8 never contains them and UTF-16 is only accepted with its BOM. Readers of multi-record
   files (CSV, JSON lines) pass ``nul_ok=True``: a few NULs then reach the reader, which reports
   the one bad row or line; only a file with more than 16 NUL bytes and more than 1 % of them
   is refused;
5. strict UTF-8, then the encoding declared by the caller (an HTML ``<meta charset>``), then
   strict Windows-1252; if all fail -> ``Msg.I003``. (Windows-1252 leaves five bytes undefined,
   0x81 0x8D 0x8F 0x90 0x9D, so random binary data rarely passes it);
6. decoded text in which 5 % or more of the first 64 Ki characters are control characters
   (C0 other than TAB/LF/VT/FF/CR, and DEL) is binary -> ``Msg.I002``.

The returned text is *not* normalised: the JSON and CSV readers must parse it first (a raw
U+2028 inside a JSON string is legal; CRLF inside a quoted CSV field belongs to the field). Each
reader passes every article text through ``normalise_text`` itself.
"""

from __future__ import annotations

import codecs
import re

from annotator.domain.errors import ImportProblem, Msg

# (prefix, what the file looks like). Checked before any decoding.
_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "a PDF document"),
    (b"PK\x03\x04", "a ZIP archive, e.g. a .docx, .xlsx or .odt document"),
    (b"PK\x05\x06", "an empty ZIP archive"),
    (b"PK\x07\x08", "a ZIP archive"),
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"SQLite format 3\x00", "a SQLite database"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"Rar!\x1a\x07", "a RAR archive"),
    (b"\xfd7zXZ\x00", "an xz archive"),
    (b"\x28\xb5\x2f\xfd", "a Zstandard archive"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old Microsoft Office document (.doc, .xls or .ppt)"),
    (b"\x7fELF", "an executable program"),
    (b"OggS\x00", "an Ogg audio or video file"),
    (b"ID3\x02\x00", "an MP3 audio file"),
    (b"ID3\x03\x00", "an MP3 audio file"),
    (b"ID3\x04\x00", "an MP3 audio file"),
)
# Longest first so that UTF-32 LE (FF FE 00 00) is not taken for UTF-16 LE (FF FE).
_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_CONTROL_RE = re.compile("[\x00-\x08\x0e-\x1f\x7f]")
_CONTROL_SAMPLE = 65536
_CONTROL_SHARE = 0.05
_NUL_SHARE = 0.01
_NUL_ALLOWED = 16  # with nul_ok, this many NULs are always left to the reader
_CHARSET_RE = re.compile(rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]{1,40})""", re.IGNORECASE)


def sniff_binary(head: bytes, file: str, nul_ok: bool = False) -> ImportProblem | None:
    """ImportProblem I002 when the first bytes of a file already show it is not text, else None.

    Cheap: used on the first 64 KiB before a whole file is read into memory.
    """
    for magic, what in _MAGIC:
        if head.startswith(magic):
            return ImportProblem(Msg.I002.format(file=file, detail=what), file=file)
    if any(head.startswith(bom) for bom, name in _BOMS if not name.startswith("utf-8")):
        return None  # UTF-16/32 text is full of NUL bytes
    nuls = head.count(b"\x00")
    if nuls and (not nul_ok or nuls > max(_NUL_ALLOWED, _NUL_SHARE * len(head))):
        detail = "it contains NUL bytes; UTF-16 text needs a byte-order mark"
        return ImportProblem(Msg.I002.format(file=file, detail=detail), file=file)
    return None


def declared_charset(head: bytes) -> str | None:
    """Python codec name of an HTML ``<meta charset=...>`` declaration, or None."""
    m = _CHARSET_RE.search(head[:4096])
    if not m:
        return None
    try:
        return codecs.lookup(m.group(1).decode("ascii")).name
    except (LookupError, UnicodeDecodeError):
        return None


def decode_with_encoding(
    data: bytes, file: str, *, nul_ok: bool = False, declared: str | None = None
) -> tuple[str, str]:
    """Like :func:`decode_bytes` but also returns the encoding used ("utf-8", "utf-16-le", ...)."""
    if not data:
        raise ImportProblem(Msg.I001.format(file=file), file=file)
    problem = sniff_binary(data, file, nul_ok=nul_ok)
    if problem is not None:
        raise problem
    text: str | None = None
    encoding = ""
    for bom, name in _BOMS:
        if data.startswith(bom):
            try:
                text = data[len(bom) :].decode(name)
            except UnicodeDecodeError:
                raise ImportProblem(Msg.I003.format(file=file), file=file) from None
            encoding = name + ("-sig" if name == "utf-8" else "")
            break
    if text is None:
        candidates = ["utf-8"]
        if declared and declared != "cp1252" and not declared.startswith(("utf-8", "utf-16", "utf-32")):
            candidates.append(declared)
        candidates.append("cp1252")
        for name in candidates:
            try:
                text = data.decode(name)
            except (UnicodeDecodeError, LookupError):
                continue
            encoding = name
            break
    if text is None:
        raise ImportProblem(Msg.I003.format(file=file), file=file)
    if not text.strip():
        raise ImportProblem(Msg.I001.format(file=file), file=file)
    sample = text[:_CONTROL_SAMPLE]
    controls = len(_CONTROL_RE.findall(sample))
    if controls >= 2 and controls >= _CONTROL_SHARE * len(sample):
        detail = f"{controls / len(sample):.0%} of its characters are control codes"
        raise ImportProblem(Msg.I002.format(file=file, detail=detail), file=file)
    return text, encoding


def decode_bytes(data: bytes, file: str, *, nul_ok: bool = False, declared: str | None = None) -> str:
    """Decode a file's bytes to text or raise :class:`ImportProblem` (I001, I002 or I003).

    ``file`` is the name used in the message. See the module docstring for the rules.
    """
    return decode_with_encoding(data, file, nul_ok=nul_ok, declared=declared)[0]
