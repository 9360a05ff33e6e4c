"""Pure importers: files -> :class:`~annotator.domain.model.ArticleInput` (no database, spaCy or Qt).

Public API (used by the import service)::

    files, problems = discover(["articles/", "extra.jsonl"])
    for path in files:
        for item in read_file(path, csv=CsvOptions(text_column="articleBody", id_column="Body ID")):
            if isinstance(item, ImportProblem): ...   # report item.message; the batch goes on
            else: ...                                 # store the ArticleInput

Formats, by suffix (case-insensitive):

* ``.txt``   one article per file; the whole normalised file is the text; title, outlet, date
  and datelines recovered by general rules (:mod:`.plaintext`);
* ``.jsonl`` / ``.json``  ``{"text": ..., "meta": {...}}`` per line, or one JSON array of such
  objects, or one object; Prodigy/doccano style; annotations carried along (:mod:`.jsonlines`);
* ``.csv``   one article per row, ``CsvOptions.text_column`` required (:mod:`.csvfile`);
* ``.html`` / ``.htm``  a saved web page reduced to its article text (:mod:`.htmlpage`).

Every file is decoded by :func:`decode_bytes` (UTF-8 with or without BOM, UTF-16/32 with BOM,
Windows-1252 fallback; binary files refused, :mod:`.encoding`). Every yielded ``ArticleInput``
has a non-empty text that went through :func:`annotator.domain.text.normalise_text` and is at most
``max_chars`` (default :data:`MAX_CHARS`, spaCy's ``nlp.max_length``) characters long; a longer
text is refused with ``Msg.I004``. ``source_file`` is the path as given. Problems are
:class:`~annotator.domain.errors.ImportProblem` objects (messages from ``Msg.I0xx``) carrying
``file`` and, for line- or row-level problems, ``line``; they are yielded, never raised.
"""

from annotator.importers._common import MAX_CHARS
from annotator.importers.csvfile import CsvOptions
from annotator.importers.encoding import decode_bytes
from annotator.importers.files import SUPPORTED_SUFFIXES, discover, read_file

__all__ = ["MAX_CHARS", "SUPPORTED_SUFFIXES", "CsvOptions", "decode_bytes", "discover", "read_file"]
