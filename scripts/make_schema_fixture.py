"""Write ``tests/data/schemas/schema-<N>.sqlite``: a small project of the CURRENT schema version N.

Run it once per released schema, with the code of that release, and commit the file; never
regenerate an old fixture with newer code (the point of the fixtures is to hold what an older
release really wrote). ``tests/test_migrations.py`` opens a copy of every file in that folder
with the current code and checks that the data survives.

    python scripts/make_schema_fixture.py            # refuses to overwrite an existing fixture
    python scripts/make_schema_fixture.py --force

The project holds something of every table: articles imported from txt/JSONL files (with
emoji, combining marks, right-to-left text), machine suggestions from a deterministic stand-in
engine, two annotators' decisions made through the annotation service (accept, reject,
relabel, resize, add, delete, stance, source, note, status, undo, redo: so the change log has
do/undo/redo actions and a redo stack), a reviewer's gold-layer decision, an assignment, a
stored label scheme and each annotator's last article. The file is written with SQLite's
backup API as a single self-contained file (journal mode DELETE, no -wal).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from annotator.domain.model import ClaimSuggestion, EntitySuggestion, Layer, QuoteType
from annotator.domain.tokens import pack_tokens
from annotator.nlp.engine import DocSuggestions
from annotator.resources import default_scheme_path
from annotator.services.annotate import AnnotationSession
from annotator.services.assign import assign
from annotator.services.importing import import_paths
from annotator.services.preannotate import preannotate
from annotator.services.project import set_scheme
from annotator.store import models as m
from annotator.store.db import backup_file, open_project

OUT = ROOT / "tests" / "data" / "schemas"

ARTICLES = [
    ("Lavrov in Geneva\n\nSergey Lavrov said that Moscow is ready for talks. “We will not give up on "
     "the ceasefire,” Lavrov told TASS on Friday. Walid Muallem said that Syria welcomes the plan."),
    ("Café owners react 👩\u200d👩\u200d👧\n\nThe mayor said that the new rules would help small shops. "
     "Critics said that the rules come too late. Ana Souza said that prices are up 😀 again."),
    ("Talks in Astana\n\nThe delegations met in Astana. Muallem said that Damascus wants guarantees. "
     "Reporters said that the meeting ended early."),
]
JSONL = [
    {"text": "שלום עולם: Iran said that the agreement stands. مرحبا بكم. Turkey said that it disagrees.",
     "title": "Mixed scripts", "id": "rtl-1", "outlet": "Wire", "date": "2024-05-01"},
    {"text": "Combining: cafe\u0301 and A\u0308\u0323. Moscow said that nothing changed.", "title": "Marks", "id": "cm-2"},
]


class Info:
    name = "fixture_engine"
    version = "1.0"
    rules_version = "fixture-rules-1"
    fingerprint = f"{name}=={version};{rules_version}"
    label = f"{name} {version}"


class Engine:
    """Capitalised words are entities; "X said that Y." is a claim by X (like tests' FakeEngine)."""

    info = Info()
    max_length = 1_000_000

    def annotate(self, texts, jobs=1):
        for text in texts:
            ents = [EntitySuggestion(mt.start(), mt.end(), "PERSON") for mt in re.finditer(r"\b[A-Z][a-z]+\b", text)]
            claims = []
            for mt in re.finditer(r"([A-Z][a-z]+) said that ([^.]+)\.", text):
                cue = mt.start(1) + len(mt.group(1)) + 1
                claims.append(ClaimSuggestion(mt.start(2), mt.end(2), QuoteType.INDIRECT, mt.start(1), mt.end(1),
                                              mt.group(1), cue, cue + 4))
            words = list(re.finditer(r"\S+", text))  # stand-in token boundaries (schema 2 stores them)
            tokens = pack_tokens([w.start() for w in words], [w.end() for w in words],
                                 [text[w.end() : w.end() + 1] == " " for w in words])
            yield DocSuggestions(ents, claims, tokens)


def build(path: Path) -> dict:
    work = path.parent
    for i, text in enumerate(ARTICLES):
        (work / f"article{i}.txt").write_text(text, encoding="utf-8")
    (work / "more.jsonl").write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in JSONL) + "\n", encoding="utf-8")
    with open_project(path) as project:
        set_scheme(project, default_scheme_path())
        report = import_paths(project, [work / f"article{i}.txt" for i in range(len(ARTICLES))] + [work / "more.jsonl"])
        assert len(report.imported) == 5, report.problems
        preannotate(project, Engine())
        arts = list(m.Article.select().order_by(m.Article.id))

        def sugg(article, kind):
            return [s for s in m.Suggestion.select().where((m.Suggestion.article == article) & (m.Suggestion.kind == kind))
                    .order_by(m.Suggestion.start)]

        ana = AnnotationSession(project, "ana")
        a0, a1, a2 = arts[0], arts[1], arts[2]
        e0, c0 = sugg(a0, "entity"), sugg(a0, "claim")
        ana.accept(e0[0].id)
        ana.reject(e0[1].id)
        ana.accept(e0[2].id, label="GPE")  # corrected
        claim = ana.accept(c0[0].id).annotation_ids[0]
        ana.update(claim, stance="supports", source_type="government/official", note="fixture note")
        added = ana.add(a0.id, "entity", 0, 6, "PERSON").annotation_ids[0]
        ana.update(added, start=0, end=16)  # resize
        ana.delete(added)
        ana.undo()  # the delete
        ana.undo()  # ... and the resize
        ana.redo()  # the resize again: one action stays on the redo stack
        ana.set_status(a0.id, "done")
        ana.set_article_note(a1.id, "check the quote")
        c1 = sugg(a1, "claim")
        if c1:
            ana.accept(c1[0].id, source_start=None, source_end=None)
        ana.set_last_article(a1.id)

        bob = AnnotationSession(project, "bob")
        bob.accept_all(a0.id, kind="entity")
        bob.add(a2.id, "claim", 0, 15, stance="neutral", source_text="the delegations")
        bob.set_status(a2.id, "skipped")
        bob.set_last_article(a2.id)

        gold = AnnotationSession(project, "rev", layer=Layer.GOLD)
        gold.accept(e0[0].id)
        gold.set_status(a0.id, "done")

        assign(project, ["ana", "bob"], overlap=2, seed=1)
        counts = {t: project.db.execute_sql(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0] for t in project.db.get_tables()}
        assert project.integrity_check() == "ok"
    return counts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--force", action="store_true", help="overwrite an existing fixture")
    parser.add_argument("--out", type=Path, default=None, help="output file (default: tests/data/schemas/schema-N.sqlite)")
    args = parser.parse_args(argv)
    dest = args.out or OUT / f"schema-{m.SCHEMA_VERSION}.sqlite"
    if dest.exists() and not args.force:
        print(f"{dest} exists; fixtures of released schemas are never regenerated (use --force for a new one)",
              file=sys.stderr)
        return 1
    dest.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        live = Path(tmp) / "fixture.sqlite"
        counts = build(live)
        tmp_dest = Path(tmp) / "out.sqlite"
        backup_file(live, "fixture", dest=tmp_dest)  # one self-contained file, journal mode DELETE
        dest.write_bytes(tmp_dest.read_bytes())
    print(f"wrote {dest} (schema {m.SCHEMA_VERSION}): " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))
    return 0


if __name__ == "__main__":
    sys.exit(main())
