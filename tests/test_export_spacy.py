"""spaCy formats, checked by spaCy itself: ``DocBin().from_disk``, ``spacy debug data``,
``spacy train`` (one tiny run) and ``spacy convert -c ner`` for the CoNLL file."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

spacy = pytest.importorskip("spacy")
from spacy.tokens import DocBin  # noqa: E402

from annotator.nlp.docbin import docbin_factory  # noqa: E402
from annotator.services.export import ExportOptions, export_dataset  # noqa: E402
from annotator.services.project import get_scheme  # noqa: E402
from annotator.services.annotate import AnnotationSession  # noqa: E402
from tests.helpers import add_article, add_suggestion, span  # noqa: E402
from tests.export_support import ORGS, PEOPLE, PLACES, article_text, blank_tokenizer, build_project  # noqa: E402


def run(project, path, fmt="spacy", **kw):
    tok = blank_tokenizer()
    return export_dataset(path, ExportOptions(**kw), fmt, tokenizer=tok, docbin=docbin_factory(tok),
                          project_path=project.path, scheme=get_scheme(project))


def load(path: Path):
    nlp = spacy.blank("en")
    return list(DocBin().from_disk(path).get_docs(nlp.vocab))


def test_docbin_entities_claims_and_details(project, tmp_path):
    session, arts = build_project(project, n=2)
    a = arts[0]
    # overlapping entities: the longest stays in doc.ents, all are in doc.spans["entities"]
    s, e = span(a, "the European Commission")
    session.add(a.id, "entity", s + 4, e, "ORG")
    # not on token boundaries: widened
    s, e = span(a, "Angela Merkel")
    session.add(a.id, "entity", s + 7, e - 1, "MISC")  # "Merke" overlaps the PERSON too
    rep = run(project, tmp_path / "d.spacy")
    assert rep.dropped_overlaps == 2 and rep.expanded == 1
    docs = load(tmp_path / "d.spacy")
    assert len(docs) == 2
    doc = docs[0]
    assert doc.text == a.text
    assert [(x.text, x.label_) for x in doc.ents] == [
        ("Angela Merkel", "PERSON"), ("the European Commission", "ORG"), ("Brussels", "GPE"),
        ("Ursula von der Leyen", "PERSON"),
    ]
    assert all(t.ent_iob_ in ("B", "I", "O") for t in doc)  # every token annotated: the article is complete
    assert len(doc.spans["entities"]) == 6
    assert ("Merkel", "MISC") in [(x.text, x.label_) for x in doc.spans["entities"]]
    claims = doc.spans["claims"]
    assert [(c.text, c.label_) for c in claims] == [
        ("the European Commission will send envoys to Brussels next week", "neutral"),
        ("We are ready to talk,", "supports"),
    ]
    assert [(x.text, x.label_) for x in doc.spans["claim_sources"]] == [
        ("Angela Merkel", "government/official"), ("Ursula von der Leyen", "person")]
    assert [x.text for x in doc.spans["claim_cues"]] == ["said", "told"]
    info = doc.user_data["annotator"]
    assert info["id"] == a.uid and info["layer"] == "work" and list(info["annotators"]) == ["alice"]
    assert info["claims"][0]["source"]["name"] == "Angela Merkel" and info["claims"][0]["stance"] == "neutral"
    assert info["meta"]["title"] == "Talks 0"
    man = json.loads((tmp_path / "d.spacy.manifest.json").read_text())
    assert man["counts"]["dropped_overlaps"] == 2 and man["counts"]["expanded_to_tokens"] == 1


def _spacy(*args, cwd: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
    return subprocess.run([sys.executable, "-m", "spacy", *args], cwd=cwd, capture_output=True, text=True, env=env,
                          timeout=300)


def test_train_file_passes_debug_data_and_trains(project, tmp_path):
    # spaCy's debug data wants at least 100 training docs for a new pipeline
    session = AnnotationSession(project, "alice")
    for i in range(125):
        a = add_article(article_text(i), title=f"t{i}")
        for needle, label in ((PEOPLE[i % 6], "PERSON"), (ORGS[(i + 1) % 6], "ORG"), (PLACES[(i + 2) % 6], "GPE")):
            add_suggestion(a, *span(a, needle), label)
        session.accept_all(a.id)
        session.set_status(a.id, "done")
    rep = run(project, tmp_path / "corpus.spacy", split=(0.8, 0.2), seed=1)
    train, dev = tmp_path / "corpus.train.spacy", tmp_path / "corpus.dev.spacy"
    assert rep.splits == {"train": 100, "dev": 25} and len(load(train)) == 100 and len(load(dev)) == 25
    res = _spacy("init", "config", "-l", "en", "-p", "ner", "config.cfg", cwd=tmp_path)
    assert res.returncode == 0, res.stderr
    paths = ["--paths.train", str(train), "--paths.dev", str(dev)]
    res = _spacy("debug", "data", "config.cfg", *paths, cwd=tmp_path)
    assert res.returncode == 0, res.stdout[-3000:] + res.stderr[-3000:]
    assert "No entities consisting of or starting/ending with whitespace" in res.stdout
    res = _spacy("train", "config.cfg", *paths, "--output", "model", "--training.max_steps", "4",
                 "--training.eval_frequency", "2", "--nlp.batch_size", "8", cwd=tmp_path)
    assert res.returncode == 0, res.stdout[-3000:] + res.stderr[-3000:]
    assert (tmp_path / "model" / "model-last" / "ner").is_dir()
    trained = spacy.load(tmp_path / "model" / "model-last")
    assert set(trained.get_pipe("ner").labels) >= {"PERSON", "ORG", "GPE"}


def test_conll_is_read_by_spacy_convert(project, tmp_path):
    session, arts = build_project(project, n=3)
    a = arts[0]
    s, e = span(a, "the European Commission")
    session.add(a.id, "entity", s + 4, e, "ORG")  # overlaps: cannot be IOB
    rep = run(project, tmp_path / "d.conll", fmt="conll")
    assert rep.dropped_overlaps == 1
    lines = (tmp_path / "d.conll").read_text(encoding="utf-8").splitlines()
    assert lines.count("-DOCSTART- -X- O O") == 3
    assert all(len(x.split()) == 4 for x in lines if x and not x.startswith("-DOCSTART-"))
    (tmp_path / "conv").mkdir()
    res = _spacy("convert", "-c", "ner", str(tmp_path / "d.conll"), str(tmp_path / "conv"), cwd=tmp_path)
    assert res.returncode == 0, res.stdout + res.stderr
    docs = load(tmp_path / "conv" / "d.spacy")
    assert len(docs) == 3
    ents = [(x.text, x.label_) for x in docs[0].ents]
    assert ents == [("Angela Merkel", "PERSON"), ("the European Commission", "ORG"), ("Brussels", "GPE"),
                    ("Ursula von der Leyen", "PERSON")]
    # the same words as the tokenizer made, whitespace tokens left out
    words = [t.text for t in spacy.blank("en").make_doc(a.text) if not t.is_space]
    assert [t.text for t in docs[0]] == words
    # sentences break at paragraphs
    assert len(list(docs[0].sents)) == 4


def test_streamed_docbin_is_what_spacys_docbin_writes(project):
    """The writer packs each doc itself and streams the file at the end; the result must hold
    what ``DocBin.to_bytes`` writes for the same docs: every field identical except the string
    table, which keeps only what the stored attributes need, so the docs read back into a fresh
    vocab (which knows none of the strings) must be the same as from spaCy's file."""
    import zlib

    import srsly

    from annotator.nlp.docbin import DocBinWriter
    from annotator.services.export import ExportOptions, iter_records, select_articles

    session, arts = build_project(project, n=23)  # > 16 docs: 16-bit msgpack array headers
    records = list(iter_records(select_articles(ExportOptions()), ExportOptions()))
    streamed = DocBinWriter(blank_tokenizer())
    reference = DocBin(attrs=["ORTH", "ENT_IOB", "ENT_TYPE"], store_user_data=True)
    for rec in records:
        streamed.add(dict(rec))
        reference.add(streamed.make_doc(dict(rec))[0])
    ours_bytes, spacys_bytes = streamed.to_bytes(), reference.to_bytes()
    ours = srsly.msgpack_loads(zlib.decompress(ours_bytes))
    spacys = srsly.msgpack_loads(zlib.decompress(spacys_bytes))
    assert set(ours) == set(spacys)
    for key in spacys:
        if key != "strings":
            assert ours[key] == spacys[key], key
    assert set(ours["strings"]) <= set(spacys["strings"])
    assert ours["strings"] == sorted(ours["strings"])
    assert len(streamed) == 23 and len(ours["span_groups"]) == 23

    def read(data: bytes) -> list:
        docs = DocBin().from_bytes(data).get_docs(spacy.blank("en").vocab)
        return [
            (
                [t.text for t in d], [t.whitespace_ for t in d], [(e.start, e.end, e.label_) for e in d.ents],
                {k: [(s.start, s.end, s.label_) for s in g] for k, g in d.spans.items()}, d.user_data,
            )
            for d in docs
        ]

    assert read(ours_bytes) == read(spacys_bytes)
    assert any(r[2] for r in read(ours_bytes)) and any(r[3]["claims"] for r in read(ours_bytes))


def test_docbin_memory_does_not_hold_the_docs(project):
    """Docs go to temporary files as they are added: nothing per doc stays in memory but its
    length, and spaCy's DocBin (kept only for the header fields) stays empty."""
    from annotator.nlp.docbin import DocBinWriter
    from annotator.services.export import ExportOptions, iter_records, select_articles

    build_project(project, n=4)
    writer = DocBinWriter(blank_tokenizer())
    spooled = 0
    for rec in iter_records(select_articles(ExportOptions()), ExportOptions()):
        writer.add(rec)
        assert writer._spool["tokens"].tell() > spooled
        spooled = writer._spool["tokens"].tell()
        assert not writer.db.tokens and not writer.db.user_data and not writer.db.span_groups
    assert len(writer) == 4 and len(load_bytes(writer.to_bytes())) == 4


def load_bytes(data: bytes):
    return list(DocBin().from_bytes(data).get_docs(spacy.blank("en").vocab))
