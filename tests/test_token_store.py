"""Stored token boundaries (schema 2, ``article_tokens``): pre-annotation writes them, exports
reuse them, and what an export writes is the same byte for byte as when it tokenises itself."""

from __future__ import annotations

import json
import shutil
import sqlite3
import zlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from annotator.domain.tokens import MAGIC, TokenDataError, Tokens, pack_tokens, tokenizer_id, unpack_tokens
from annotator.resources import seeds_dir
from annotator.services.export import ExportOptions, export_dataset
from annotator.services.importing import import_paths
from annotator.services.preannotate import preannotate
from annotator.services.token_store import prodigy_tokens_json, stored_prodigy_json
from annotator.store import models as m
from annotator.store import open_project
from tests.conftest import needs_model

ALL = ExportOptions(include_suggestions=True)


# ---- the packed form ----------------------------------------------------------------------------
@given(st.lists(st.tuples(st.integers(0, 2**32 - 1), st.integers(0, 2**32 - 1), st.booleans()), max_size=300))
def test_pack_and_unpack_round_trip(rows):
    starts, ends, ws = [r[0] for r in rows], [r[1] for r in rows], [r[2] for r in rows]
    tok = unpack_tokens(pack_tokens(starts, ends, ws))
    assert tok == Tokens(starts, ends, ws) and len(tok) == len(rows)


@pytest.mark.parametrize(
    "blob, why",
    [
        (b"", "unknown header"),
        (b"XYZ" + zlib.compress(b"\x00" * 4), "unknown header"),
        (MAGIC + b"not zlib", "does not decompress"),
        (MAGIC + zlib.compress(b"\x01"), "truncated"),
        (MAGIC + zlib.compress((2).to_bytes(4, "little") + b"\x00" * 9), "expected 22"),
    ],
)
def test_a_broken_blob_is_refused_with_the_reason(blob, why):
    with pytest.raises(TokenDataError, match=why):
        unpack_tokens(blob)


def test_pack_refuses_lists_of_different_lengths():
    with pytest.raises(ValueError):
        pack_tokens([0, 1], [1], [True, False])


def test_prodigy_json_is_what_json_dumps_gives():
    text = "Ana said “ok” 😀\nthen left."
    tok = Tokens([0, 4, 9, 10, 12, 14, 15, 16, 21, 25], [3, 8, 10, 12, 13, 15, 16, 20, 25, 26],
                 [True, True, False, False, True, False, False, True, False, False])
    expected = [{"text": text[s:e], "start": s, "end": e, "id": i, "ws": w}
                for i, (s, e, w) in enumerate(zip(tok.starts, tok.ends, tok.ws))]
    assert json.loads(prodigy_tokens_json(text, tok)) == expected
    assert prodigy_tokens_json(text, tok) == json.dumps(expected, ensure_ascii=False, separators=(",", ":")).encode()
    assert stored_prodigy_json(zlib.compress(prodigy_tokens_json(text, tok))) == prodigy_tokens_json(text, tok)
    assert stored_prodigy_json(b"garbage") is None and stored_prodigy_json(None) is None


# ---- pre-annotation stores them; exports reuse them ---------------------------------------------
@pytest.fixture(scope="module")
def seeded(tmp_path_factory, engine):
    """The seeds imported and pre-annotated with the trained pipeline (module-wide, read-only)."""
    path = tmp_path_factory.mktemp("tokens") / "seeds.sqlite"
    with open_project(path) as project:
        import_paths(project, [seeds_dir()])
        preannotate(project, engine)
    return path


def _cold_copy(path, dest):
    """The same project without stored tokens (as after ``import --no-preannotate``)."""
    shutil.copy(path, dest)
    con = sqlite3.connect(dest)
    con.execute("DELETE FROM article_tokens")
    con.commit()
    con.close()
    return dest


@needs_model
def test_preannotation_stores_the_tokens_the_export_tokenizer_makes(seeded):
    from annotator.nlp.tokens import load_tokenizer

    tokenizer = load_tokenizer()
    assert not tokenizer.loaded  # its id is known without loading the pipeline
    with open_project(seeded, create=False):
        rows = list(m.ArticleTokens.select(m.ArticleTokens, m.Article.text, m.Article.content_hash).join(m.Article)
                    .dicts())
        pre = m.Preannotation.get()
        assert len(rows) == m.Article.select().count() == 5
        for r in rows:
            assert r["tokenizer"] == tokenizer.id == tokenizer_id(pre.model_name, pre.model_version)
            assert r["text_hash"] == r["content_hash"]
            stored = unpack_tokens(r["data"])
            assert stored == tokenizer.tokenize(r["text"])
            assert zlib.decompress(r["prodigy"]) == prodigy_tokens_json(r["text"], stored)


@needs_model
@pytest.mark.parametrize("fmt, name", [("jsonl", "out.jsonl"), ("conll", "out.conll")])
def test_exports_with_stored_tokens_equal_exports_that_tokenise(seeded, tmp_path, fmt, name):
    from annotator.nlp.tokens import load_tokenizer

    cold = _cold_copy(seeded, tmp_path / "cold.sqlite")
    outputs = {}
    for label, path in (("stored", seeded), ("cold", cold)):
        tokenizer = load_tokenizer()
        with open_project(path, create=False):
            rep = export_dataset(tmp_path / f"{label}-{name}", ALL, fmt, tokenizer=tokenizer, project_path=path)
        outputs[label] = (tmp_path / f"{label}-{name}").read_bytes()
        man = json.loads(rep.manifest.read_text())
        if label == "stored":
            assert (rep.tokens_stored, rep.tokens_computed) == (5, 0)
            assert man["tokens"] == {"stored": 5, "tokenised_at_export": 0}
            assert not tokenizer.loaded  # nothing needed tokenising: the pipeline was never loaded
        else:
            assert (rep.tokens_stored, rep.tokens_computed) == (0, 5)
    assert outputs["stored"] == outputs["cold"]
    if fmt == "jsonl":
        lines = [json.loads(x) for x in outputs["stored"].splitlines()]
        assert all(line["tokens"] for line in lines if line["answer"] == "accept")


@needs_model
def test_docbin_from_stored_tokens_equals_docbin_from_the_tokenizer(seeded, tmp_path):
    from spacy.tokens import DocBin

    from annotator.nlp.docbin import docbin_factory
    from annotator.nlp.tokens import load_tokenizer

    cold = _cold_copy(seeded, tmp_path / "cold.sqlite")
    docs = {}
    for label, path in (("stored", seeded), ("cold", cold)):
        tokenizer = load_tokenizer()
        with open_project(path, create=False):
            export_dataset(tmp_path / f"{label}.spacy", ALL, "spacy", tokenizer=tokenizer, docbin=docbin_factory(tokenizer))
        docs[label] = list(DocBin().from_disk(tmp_path / f"{label}.spacy").get_docs(tokenizer.nlp.vocab))

    def view(doc):
        return ([(t.text, t.whitespace_, t.ent_iob_, t.ent_type_) for t in doc],
                {k: [(s.start, s.end, s.label_) for s in g] for k, g in doc.spans.items()}, doc.user_data)

    assert len(docs["stored"]) == 5
    assert [view(d) for d in docs["stored"]] == [view(d) for d in docs["cold"]]


@needs_model
def test_tokens_of_another_tokenizer_or_a_changed_text_are_not_used(seeded, tmp_path):
    from annotator.nlp.tokens import blank_tokenizer, load_tokenizer

    path = shutil.copy(seeded, tmp_path / "p.sqlite")
    with open_project(path, create=False):
        rep = export_dataset(tmp_path / "blank.jsonl", ALL, "jsonl", tokenizer=blank_tokenizer(), project_path=path)
        assert (rep.tokens_stored, rep.tokens_computed) == (0, 5)  # stored under the trained pipeline's id
        first, second = [r.id for r in m.ArticleTokens.select().order_by(m.ArticleTokens.id)][:2]
        m.ArticleTokens.update(text_hash="0" * 64).where(m.ArticleTokens.id == first).execute()
        m.ArticleTokens.update(data=b"AT1 broken").where(m.ArticleTokens.id == second).execute()
        rep = export_dataset(tmp_path / "mixed.jsonl", ALL, "jsonl", tokenizer=load_tokenizer(), project_path=path)
        assert (rep.tokens_stored, rep.tokens_computed) == (3, 2)  # stale and unreadable rows: tokenised again
    cold = _cold_copy(seeded, tmp_path / "cold.sqlite")
    with open_project(cold, create=False):
        export_dataset(tmp_path / "cold.jsonl", ALL, "jsonl", tokenizer=load_tokenizer())
    assert (tmp_path / "mixed.jsonl").read_bytes() == (tmp_path / "cold.jsonl").read_bytes()


@needs_model
def test_preannotating_again_replaces_the_tokens_and_merge_copies_them(seeded, tmp_path, engine):
    from annotator.services.merge import merge_files

    path = shutil.copy(seeded, tmp_path / "p.sqlite")
    with open_project(path, create=False) as project:
        before = sorted(m.ArticleTokens.select(m.ArticleTokens.article, m.ArticleTokens.data).tuples())
        preannotate(project, engine, force=True)
        assert sorted(m.ArticleTokens.select(m.ArticleTokens.article, m.ArticleTokens.data).tuples()) == before
    review = tmp_path / "review.sqlite"
    with open_project(review) as project:
        merge_files(project, [path])
    con = sqlite3.connect(review)
    merged = con.execute("SELECT t.tokenizer, t.text_hash = a.content_hash, t.data FROM article_tokens t "
                         "JOIN article a ON a.id = t.article_id").fetchall()
    con.close()
    assert len(merged) == 5 and all(same for _, same, _ in merged)
    assert sorted(r[2] for r in merged) == sorted(r[1] for r in before)
