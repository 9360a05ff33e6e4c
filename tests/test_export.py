"""Export: what is selected (gold, annotator, status, labels), JSONL (Prodigy-compatible), CSV,
brat, the manifest, splits, and the safety rules (atomic files, clear errors)."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os

import pytest

from annotator.cli import main
from annotator.domain.errors import ExportError, Msg
from annotator.services import export as ex
from annotator.services.annotate import AnnotationSession
from annotator.services.export import ExportOptions, export_dataset, parse_split
from annotator.services.project import get_scheme
from annotator.store import models as m
from tests.helpers import add_article, add_suggestion, span
from tests.export_support import add_gold, blank_tokenizer, build_project, parse_brat_ann, read_jsonl


def run(project, path, fmt="jsonl", **kw):
    force = kw.pop("force", False)
    cancel = kw.pop("cancel", None)
    return export_dataset(path, ExportOptions(**kw), fmt, force=force, tokenizer=blank_tokenizer(), cancel=cancel,
                          project_path=project.path, scheme=get_scheme(project))


# ---- JSONL ----------------------------------------------------------------------------------------
def test_jsonl_is_prodigy_compatible_and_keeps_the_schema(project, tmp_path):
    session, arts = build_project(project, n=3, done=2)
    rep = run(project, tmp_path / "out.jsonl")
    lines = read_jsonl(tmp_path / "out.jsonl")
    main_lines = [x for x in lines if x["answer"] == "accept"]
    rejects = [x for x in lines if x["answer"] == "reject"]
    assert [x["id"] for x in main_lines] == [arts[0].uid, arts[1].uid]  # the in-progress article is left out
    assert rep.articles == 2 and rep.rejected == 2 and len(rejects) == 2
    line = main_lines[0]
    for key in ("id", "text", "meta", "tokens", "spans", "claims", "relations", "answer", "_input_hash", "_task_hash"):
        assert key in line
    assert line["meta"]["title"] == "Talks 0" and line["meta"]["outlet"] == "Wire"
    text = line["text"]
    toks = line["tokens"]
    assert [t["id"] for t in toks] == list(range(len(toks)))
    for t in toks:
        assert text[t["start"] : t["end"]] == t["text"] and isinstance(t["ws"], bool)
    # spans: offsets, text, label, status, token_start/token_end (inclusive, as Prodigy)
    assert {(s["label"], s["text"], s["status"]) for s in line["spans"]} == {
        ("PERSON", "Angela Merkel", "accepted"), ("ORG", "the European Commission", "accepted"),
        ("GPE", "Brussels", "accepted"), ("PERSON", "Ursula von der Leyen", "corrected"),
    }
    for s in line["spans"]:
        assert text[s["start"] : s["end"]] == s["text"]
        assert toks[s["token_start"]]["start"] == s["start"] and toks[s["token_end"]]["end"] == s["end"]
        assert s["annotator"] == "alice"
    # claims: stance, source {text,start,end,name}, source type, cue {text,start,end}, annotator
    claims = {c["text"]: c for c in line["claims"]}
    c = claims["the European Commission will send envoys to Brussels next week"]
    assert c["stance"] == "neutral" and c["source_type"] == "government/official" and c["status"] == "accepted"
    assert c["source"]["name"] == "Angela Merkel" and text[c["source"]["start"] : c["source"]["end"]] == "Angela Merkel"
    assert c["cue"]["text"] == "said" and c["annotator"] == "alice" and c["quote_type"] == "indirect"
    q = claims["We are ready to talk,"]
    assert q["stance"] == "supports" and q["source"]["name"] == "Ursula von der Leyen" and q["status"] == "added"
    # relations: claim (head) -> source (child), token indices of the spans' last tokens + char offsets
    rels = line["relations"]
    assert len(rels) == 2 and all(r["label"] == "SOURCE" for r in rels)
    for r in rels:
        assert r["head"] == r["head_span"]["token_end"] and r["child"] == r["child_span"]["token_end"]
        assert r["head_span"]["label"] == "CLAIM" and r["child_span"]["label"] == "SOURCE"
        assert toks[r["child_span"]["token_start"]]["start"] == r["child_span"]["start"]
    assert line["_annotator_id"] == "alice" and line["layer"] == "work" and line["article_status"] == "done"
    assert isinstance(line["_input_hash"], int) and isinstance(line["_task_hash"], int)
    assert -(2**31) <= line["_input_hash"] < 2**31
    # the rejected suggestion is kept as a Prodigy-style negative example of the same input
    neg = rejects[0]
    assert neg["_input_hash"] == line["_input_hash"] and neg["_task_hash"] != line["_task_hash"]
    assert neg["spans"][0]["status"] == "rejected" and neg["spans"][0]["label"] == "GPE"
    assert neg["spans"][0]["start"] == text.index("Brussels", text.index("Brussels") + 1)
    # stable hashes: a second export gives the same ints
    run(project, tmp_path / "again.jsonl")
    again = read_jsonl(tmp_path / "again.jsonl")
    assert [(x["_input_hash"], x["_task_hash"]) for x in again] == [(x["_input_hash"], x["_task_hash"]) for x in lines]


def test_overlapping_spans_are_kept_in_jsonl(project, tmp_path):
    session, arts = build_project(project, n=1)
    a = arts[0]
    s, e = span(a, "the European Commission")
    session.add(a.id, "entity", s + 4, e, "ORG")  # "European Commission", inside the ORG above
    rep = run(project, tmp_path / "o.jsonl")
    line = read_jsonl(tmp_path / "o.jsonl")[0]
    assert {x["text"] for x in line["spans"] if x["label"] == "ORG"} == {"the European Commission", "European Commission"}
    assert rep.dropped_overlaps == 0


def test_spans_off_token_boundaries_get_covering_tokens(project, tmp_path):
    session, arts = build_project(project, n=1)
    a = arts[0]
    s, e = span(a, "Angela Merkel")
    session.add(a.id, "entity", s + 1, e - 2, "MISC")  # "ngela Merk"
    line = read_jsonl(run(project, tmp_path / "x.jsonl").path)[0]
    misc = next(x for x in line["spans"] if x["label"] == "MISC")
    assert (misc["token_start"], misc["token_end"]) == (0, 1)


def test_jsonl_without_tokens(project, tmp_path):
    build_project(project, n=1)
    out = tmp_path / "nt.jsonl"
    assert main(["export", "--db", str(project.path), "--no-tokens", "--out", str(out)]) == 0
    line = read_jsonl(out)[0]
    assert "tokens" not in line and "token_start" not in line["spans"][0]
    assert line["relations"][0]["head"] is None and line["relations"][0]["head_span"]["start"] is not None
    assert json.loads((tmp_path / "nt.jsonl.manifest.json").read_text())["tokenizer"] is None


def test_jsonl_to_stdout(project, capsys):
    build_project(project, n=2)
    assert main(["export", "--db", str(project.path)]) == 0
    out = capsys.readouterr()
    lines = [json.loads(x) for x in out.out.splitlines()]
    assert sum(x["answer"] == "accept" for x in lines) == 2 and "exported 2 article(s)" in out.err


# ---- what is selected -----------------------------------------------------------------------------
def test_gold_is_preferred_where_it_exists(project, tmp_path):
    _, arts = build_project(project, n=3)
    add_gold(project, arts[1])
    rep = run(project, tmp_path / "g.jsonl")
    lines = [x for x in read_jsonl(tmp_path / "g.jsonl") if x["answer"] == "accept"]
    by_id = {x["id"]: x for x in lines}
    gold = by_id[arts[1].uid]
    assert gold["layer"] == "gold" and gold["_annotator_id"] == "rev"
    assert [(s["label"], s["text"]) for s in gold["spans"]] == [("PERSON", "Olaf Scholz")]
    assert gold["claims"][0]["stance"] == "disputes" and gold["claims"][0]["annotator"] == "rev"
    assert by_id[arts[0].uid]["layer"] == "work" and len(by_id[arts[0].uid]["spans"]) == 4
    assert rep.by_layer == {"gold": 1, "work": 2}
    # --layer gold: only adjudicated articles; --layer work: alice everywhere
    assert run(project, tmp_path / "only_gold.jsonl", layer="gold").articles == 1
    work = [x for x in read_jsonl(run(project, tmp_path / "w.jsonl", layer="work").path) if x["answer"] == "accept"]
    assert {x["layer"] for x in work} == {"work"} and len(work) == 3


def test_several_annotators_need_a_choice(project, tmp_path):
    _, arts = build_project(project, n=2, annotator="alice")
    bob = AnnotationSession(project, "bob")
    bob.set_status(arts[0].id, "done")
    with pytest.raises(ExportError) as err:
        run(project, tmp_path / "x.jsonl")
    assert err.value.message == Msg.E006.format(names="alice, bob")
    assert not (tmp_path / "x.jsonl").exists()
    rep = run(project, tmp_path / "bob.jsonl", annotator="bob")
    line = read_jsonl(tmp_path / "bob.jsonl")[0]
    assert rep.articles == 1 and line["spans"] == [] and line["_annotator_id"] == "bob"  # a done article, no entities
    # with gold for one article, that one is exported and the rest explained
    add_gold(project, arts[1])
    rep = run(project, tmp_path / "gold.jsonl")
    assert rep.articles == 1 and any("several annotators" in n for n in rep.notes)
    with pytest.raises(ExportError) as err:
        run(project, tmp_path / "nobody.jsonl", annotator="carol")
    assert "carol" in err.value.message


def test_status_label_and_all_filters(project, tmp_path):
    _, arts = build_project(project, n=3, done=1)
    assert run(project, tmp_path / "a.jsonl", status=("in_progress",)).articles == 2
    assert run(project, tmp_path / "b.jsonl", status=("done", "in_progress")).articles == 3
    rep = run(project, tmp_path / "c.jsonl", labels=("PERSON",))
    line = read_jsonl(tmp_path / "c.jsonl")[0]
    assert {s["label"] for s in line["spans"]} == {"PERSON"} and line["claims"] == [] and rep.by_label == {"PERSON": 2}
    # --all: suggestions nobody decided are added with status "suggested"
    a = arts[0]
    add_suggestion(a, *span(a, "Officials"), "NORP")
    rep = run(project, tmp_path / "d.jsonl", include_suggestions=True)
    line = read_jsonl(tmp_path / "d.jsonl")[0]
    sug = [s for s in line["spans"] if s["status"] == "suggested"]
    assert [(s["label"], s["text"]) for s in sug] == [("NORP", "Officials")] and rep.suggested == 1
    assert rep.articles == 3  # --all without a status: every article, done or not
    assert run(project, tmp_path / "e.jsonl", include_suggestions=True, status=("done",)).articles == 1
    assert [s["start"] for s in line["spans"]] == sorted(s["start"] for s in line["spans"])


def test_untouched_articles_with_all_and_status_new(project, tmp_path):
    build_project(project, n=1)
    b = add_article("Kaja Kallas visited Tallinn.", title="untouched")
    add_suggestion(b, *span(b, "Kaja Kallas"), "PERSON")
    rep = run(project, tmp_path / "n.jsonl", status=("new",), include_suggestions=True)
    line = read_jsonl(tmp_path / "n.jsonl")[0]
    assert rep.articles == 1 and line["spans"][0]["status"] == "suggested" and line["article_status"] == "new"


# ---- CSV --------------------------------------------------------------------------------------------
def test_csv_one_row_per_claim_with_neutralised_formulas(project, tmp_path):
    session, arts = build_project(project, n=2)
    a = arts[0]
    m.Article.update(title="=HYPERLINK(\"http://x\",\"y\")", outlet="@SUM(A1)").where(m.Article.id == a.id).execute()
    claim = next(r for r in session.annotations(a.id) if r.kind == "claim" and r.status == "added")
    session.update(claim.id, note="+1 call me", source_name="-Blinken")
    rep = run(project, tmp_path / "claims.csv", fmt="csv")
    raw = (tmp_path / "claims.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert len(rows) == 4 == rep.rows  # 2 claims x 2 articles
    assert list(rows[0]) == list(ex_formats().CSV_COLUMNS)
    first = [r for r in rows if r["article_id"] == a.uid]
    assert first[0]["title"] == "'=HYPERLINK(\"http://x\",\"y\")" and first[0]["outlet"] == "'@SUM(A1)"
    quote = next(r for r in first if r["quote_type"] == "direct")
    assert quote["note"] == "'+1 call me" and quote["speaker"] == "'-Blinken" and quote["speaker_mention"] == "Ursula von der Leyen"
    indirect = next(r for r in first if r["quote_type"] == "indirect")
    assert indirect["stance"] == "neutral" and indirect["source_type"] == "government/official"
    assert indirect["cue"] == "said" and indirect["status"] == "accepted" and indirect["annotator"] == "alice"
    assert int(indirect["claim_start"]) == a.text.index("the European Commission") and indirect["time"]
    for value in (v for r in rows for v in r.values()):
        assert not value.startswith(("=", "+", "-", "@", "\t", "\r"))


def ex_formats():
    from annotator.services import export_formats

    return export_formats


def test_neutralise():
    n = ex_formats().neutralise
    assert [n(x) for x in ("=1+1", "+a", "-a", "@a", "\tx", "\rx", "a=b", "", 5)] == [
        "'=1+1", "'+a", "'-a", "'@a", "'\tx", "'\rx", "a=b", "", 5]


# ---- brat -------------------------------------------------------------------------------------------
def test_brat_standoff_parses_and_matches_the_text(project, tmp_path):
    session, arts = build_project(project, n=2)
    a = arts[0]
    # a claim across a paragraph break needs a discontinuous span
    s = a.text.index("Officials")
    e = a.text.index("ready to talk") + len("ready to talk")
    session.add(a.id, "claim", s, e, stance="unclear")
    out = tmp_path / "brat"
    rep = run(project, out, fmt="brat")
    assert sorted(p.name for p in out.iterdir()) == sorted(
        [f"{x.uid}.{ext}" for x in arts for ext in ("txt", "ann")] + ["annotation.conf", "visual.conf"]
    )
    text = (out / f"{a.uid}.txt").read_text(encoding="utf-8")
    assert text == a.text
    ann = parse_brat_ann((out / f"{a.uid}.ann").read_text(encoding="utf-8"))
    for t in ann["T"].values():
        assert t["text"] == " ".join(text[s:e] for s, e in t["fragments"])
        assert all("\n" not in text[s:e] for s, e in t["fragments"])
    labels = sorted(t["label"] for t in ann["T"].values())
    assert labels.count("CLAIM") == 3 and labels.count("PERSON") == 2 and labels.count("SOURCE") == 2
    multi = [t for t in ann["T"].values() if len(t["fragments"]) > 1]
    assert len(multi) == 1 and len(multi[0]["fragments"]) == 2  # the blank line between is left out
    assert multi[0]["fragments"][0][0] == s and multi[0]["fragments"][-1][1] == e
    for r in ann["R"].values():
        assert ann["T"][r["arg1"]]["label"] == "CLAIM" and ann["T"][r["arg2"]]["label"] in ("SOURCE", "CUE")
    stances = sorted(x["value"] for x in ann["A"].values() if x["name"] == "Stance")
    assert stances == ["neutral", "supports", "unclear"]
    assert {x["value"] for x in ann["A"].values() if x["name"] == "SourceType"} == {"government/official", "person"}
    assert all(ann["T"][x["target"]]["label"] == "CLAIM" for x in ann["A"].values())
    conf = (out / "annotation.conf").read_text()
    assert "[entities]" in conf and "Stance\tArg:CLAIM, Value:supports|disputes|neutral|unclear" in conf
    assert rep.manifest == tmp_path / "brat.manifest.json"
    manifest = json.loads(rep.manifest.read_text())
    assert len(manifest["files"]) == 6


def test_brat_refuses_a_folder_of_other_files(project, tmp_path):
    build_project(project, n=1)
    out = tmp_path / "mine"
    out.mkdir()
    (out / "thesis.docx").write_text("precious")
    with pytest.raises(ExportError) as err:
        run(project, out, fmt="brat")
    assert err.value.message == Msg.E001.format(path=out)
    with pytest.raises(ExportError) as err:
        run(project, out, fmt="brat", force=True)
    assert "not a brat export folder" in err.value.message
    assert (out / "thesis.docx").read_text() == "precious"
    # a previous brat export is replaced with --force
    run(project, tmp_path / "b", fmt="brat")
    run(project, tmp_path / "b", fmt="brat", force=True)
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


# ---- manifest, splits ---------------------------------------------------------------------------------
def test_manifest_describes_the_export(project, tmp_path):
    _, arts = build_project(project, n=2)
    add_gold(project, arts[0])
    rep = run(project, tmp_path / "d.jsonl")
    man = json.loads((tmp_path / "d.jsonl.manifest.json").read_text())
    assert man["format"] == "jsonl" and man["project"] == str(project.path)
    assert man["annotator_version"] and man["created_at"] and man["tokenizer"].startswith("blank:en")
    assert man["filters"]["status"] == ["done"] and man["filters"]["layer"] == "auto"
    assert man["filters"]["chosen_annotator"] == "alice"
    assert man["annotators"] == ["alice", "rev"]
    assert man["models"] == [{"name": "test_model", "version": "1"}]
    assert man["counts"]["articles"] == 2 and man["counts"]["by_label"]["PERSON"] == 3
    assert man["counts"]["by_stance"] == {"disputes": 1, "neutral": 1, "supports": 1}
    assert man["counts"]["rejected"] == rep.rejected == 1
    [f] = man["files"]
    assert f["path"] == "d.jsonl"
    assert f["sha256"] == hashlib.sha256((tmp_path / "d.jsonl").read_bytes()).hexdigest()
    assert f["bytes"] == (tmp_path / "d.jsonl").stat().st_size


def test_split_by_article_is_reproducible(project, tmp_path):
    build_project(project, n=10)
    rep = run(project, tmp_path / "c.jsonl", split=(0.6, 0.2, 0.2), seed=7)
    files = [tmp_path / f"c.{s}.jsonl" for s in ("train", "dev", "test")]
    ids = [[x["id"] for x in read_jsonl(f) if x["answer"] == "accept"] for f in files]
    assert [len(x) for x in ids] == [6, 2, 2] and rep.splits == {"train": 6, "dev": 2, "test": 2}
    assert len(set().union(*map(set, ids))) == 10
    # reject lines go with their article
    for f, keep in zip(files, ids):
        assert {x["id"] for x in read_jsonl(f)} == set(keep)
    man = json.loads((tmp_path / "c.jsonl.manifest.json").read_text())
    assert [x["split"] for x in man["files"]] == ["train", "dev", "test"]
    run(project, tmp_path / "again.jsonl", split=(0.6, 0.2, 0.2), seed=7)
    again = [x["id"] for x in read_jsonl(tmp_path / "again.train.jsonl") if x["answer"] == "accept"]
    assert again == ids[0]
    run(project, tmp_path / "other.jsonl", split=(0.6, 0.2, 0.2), seed=8)
    other = [x["id"] for x in read_jsonl(tmp_path / "other.train.jsonl") if x["answer"] == "accept"]
    assert set(other) != set(ids[0])


@pytest.mark.parametrize("value", ["0.8,0.2", "0.8,0.1,0.1", [0.5, 0.5], "1,0"])
def test_parse_split_accepts(value):
    assert abs(sum(parse_split(value)) - 1) < 1e-9


@pytest.mark.parametrize("value", ["0.8", "0.5,0.4", "a,b", "0.5,-0.5,1", "0,0.5,0.5", "0.2,0.2,0.2,0.4"])
def test_parse_split_refuses(value):
    with pytest.raises(ExportError) as err:
        parse_split(value)
    assert "--split" in err.value.message


# ---- safety ------------------------------------------------------------------------------------------
def test_existing_file_needs_force(project, tmp_path):
    build_project(project, n=1)
    out = tmp_path / "d.jsonl"
    out.write_text("keep me")
    with pytest.raises(ExportError) as err:
        run(project, out)
    assert err.value.message == Msg.E001.format(path=out)
    assert out.read_text() == "keep me" and not (tmp_path / "d.jsonl.manifest.json").exists()
    run(project, out, force=True)
    assert read_jsonl(out)[0]["answer"] == "accept"


def test_unwritable_places_are_clear_errors(project, tmp_path):
    build_project(project, n=1)
    with pytest.raises(ExportError) as err:
        run(project, tmp_path / "missing" / "d.jsonl")
    assert "cannot write here (the folder does not exist)" in err.value.message
    (tmp_path / "afile").write_text("x")
    with pytest.raises(ExportError) as err:
        run(project, tmp_path / "afile" / "d.csv", fmt="csv")
    assert "cannot write here" in err.value.message
    if os.geteuid() != 0:  # root may write anywhere
        ro = tmp_path / "ro"
        ro.mkdir()
        ro.chmod(0o500)
        try:
            with pytest.raises(ExportError) as err:
                run(project, ro / "d.jsonl")
            assert "not writable" in err.value.message
        finally:
            ro.chmod(0o700)


def test_empty_selection_is_an_error_and_writes_nothing(project, tmp_path):
    build_project(project, n=2, done=0)
    with pytest.raises(ExportError) as err:
        run(project, tmp_path / "d.jsonl")
    assert err.value.message.startswith("nothing to export: no article has status done")
    assert list(tmp_path.glob("d.*")) == []


@pytest.mark.parametrize("fmt", ["jsonl", "csv", "conll", "brat"])
def test_an_interrupted_export_leaves_nothing_that_looks_whole(project, tmp_path, monkeypatch, fmt):
    build_project(project, n=4)
    real = ex.iter_records

    def failing(*args, **kw):
        for i, rec in enumerate(real(*args, **kw)):
            if i == 2:
                raise KeyboardInterrupt
            yield rec

    monkeypatch.setattr(ex, "iter_records", failing)
    out = tmp_path / ("d" if fmt == "brat" else f"d.{fmt}")
    with pytest.raises(KeyboardInterrupt):
        run(project, out, fmt=fmt)
    assert [p.name for p in tmp_path.iterdir() if not p.name.startswith("project.sqlite")] == []


def test_cancel_writes_nothing(project, tmp_path):
    build_project(project, n=3)

    class Cancel:
        calls = 0

        def is_set(self):
            self.calls += 1
            return self.calls > 2

    with pytest.raises(ExportError) as err:
        run(project, tmp_path / "d.jsonl", cancel=Cancel())
    assert err.value.message == Msg.E005
    assert [p.name for p in tmp_path.iterdir() if not p.name.startswith("project.sqlite")] == []


def test_unknown_format(project, tmp_path):
    with pytest.raises(ExportError) as err:
        export_dataset(tmp_path / "x", ExportOptions(), "xml")
    assert err.value.message.startswith("unknown export format 'xml'")


# ---- CLI -------------------------------------------------------------------------------------------------
def test_cli_export_formats_and_errors(project, tmp_path, capsys):
    build_project(project, n=3)
    db = str(project.path)
    out = tmp_path / "c.csv"
    assert main(["export", "--db", db, "--format", "csv", "--out", str(out)]) == 0
    assert "3 article(s)" in capsys.readouterr().out and out.exists()
    assert main(["export", "--db", db, "--format", "csv", "--out", str(out)]) == 2
    assert Msg.E001.format(path=out) in capsys.readouterr().err
    assert main(["export", "--db", db, "--format", "brat", "--out", str(tmp_path / "b"), "--label", "PERSON,GPE"]) == 0
    assert main(["export", "--db", db, "--status", "skipped", "--out", str(tmp_path / "none.jsonl")]) == 2
    assert "nothing to export" in capsys.readouterr().err
    assert main(["export", "--db", db, "--split", "0.9", "--out", str(tmp_path / "s.jsonl")]) == 2
    assert "--split" in capsys.readouterr().err
    assert main(["export", "--db", db, "--format", "csv"]) == 2
    assert "needs --out" in capsys.readouterr().err
