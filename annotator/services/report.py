"""The agreement figures as ONE self-contained HTML file.

No external resource and no script: inline CSS, inline SVG for the confusion-matrix heatmaps
(a colour-blind-safe sequential palette, viridis, with the count in every cell) and for the
per-article agreement plot. Every text that comes from the data (annotator names, titles,
labels, paths) goes through :func:`html.escape`.
"""

from __future__ import annotations

import html
import os
import tempfile
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterable, Sequence

from annotator import __version__
from annotator.domain.errors import ExportError, Msg
from annotator.services.agreement import (
    AgreementReport,
    Confusion,
    KindFigures,
    LabelAgreement,
    LabelFigures,
    SpanAgreement,
    SpeakerAgreement,
)

# viridis at 0, 0.125, ..., 1 (perceptually uniform, readable with the common colour blindnesses)
_VIRIDIS = [
    (0x44, 0x01, 0x54), (0x47, 0x2C, 0x7A), (0x3B, 0x51, 0x8B), (0x2C, 0x71, 0x8E), (0x21, 0x90, 0x8D),
    (0x27, 0xAD, 0x81), (0x5C, 0xC8, 0x63), (0xAA, 0xDC, 0x32), (0xFD, 0xE7, 0x25),
]
MAX_ARTICLES_PLOTTED = 150

_CSS = """
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:2em auto;max-width:1100px;padding:0 1em;color:#222}
h1{font-size:1.6em;margin-bottom:.2em}h2{margin-top:2em;border-bottom:1px solid #ccc;padding-bottom:.2em}
h3{margin-top:1.4em}.meta{color:#555}
table{border-collapse:collapse;margin:.6em 0}th,td{border:1px solid #ccc;padding:.25em .6em;text-align:right}
th{background:#f2f2f2}td.l,th.l{text-align:left}.na{color:#999}
.grid{display:flex;flex-wrap:wrap;gap:2em}.note{color:#555;font-size:.92em;max-width:60em}
details{margin:.5em 0}summary{cursor:pointer;color:#0b5394}
svg text{font-family:system-ui,sans-serif}
"""


def _e(x: Any) -> str:
    return html.escape("" if x is None else str(x), quote=True)


def _num(x: float | None, digits: int = 3) -> str:
    if x is None:
        return '<span class="na">–</span>'
    return f"{x:.{digits}f}"


def _pct(x: float | None) -> str:
    return '<span class="na">–</span>' if x is None else f"{100 * x:.1f}%"


def _colour(t: float) -> tuple[int, int, int]:
    t = min(1.0, max(0.0, t))
    pos = t * (len(_VIRIDIS) - 1)
    i = min(int(pos), len(_VIRIDIS) - 2)
    f = pos - i
    a, b = _VIRIDIS[i], _VIRIDIS[i + 1]
    return tuple(round(a[k] + (b[k] - a[k]) * f) for k in range(3))  # type: ignore[return-value]


def _hex(rgb: tuple[int, int, int]) -> str:
    return "#%02x%02x%02x" % rgb


def _text_colour(rgb: tuple[int, int, int]) -> str:
    r, g, b = rgb
    return "#000" if (0.299 * r + 0.587 * g + 0.114 * b) > 140 else "#fff"


def heatmap(conf: Confusion, title: str, rows: str, cols: str) -> str:
    """An SVG heatmap of a confusion matrix with the counts in the cells."""
    if not conf.labels:
        return f'<p class="na">{_e(title)}: no matched values.</p>'
    n = len(conf.labels)
    cell = 46
    left = 12 + 7 * max(len(x) for x in conf.labels)
    top = 34 + 5 * max(len(x) for x in conf.labels)
    width, height = left + n * cell + 20 + 5 * max(len(x) for x in conf.labels), top + n * cell + 40
    peak = max((v for row in conf.matrix for v in row), default=0) or 1
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" role="img" '
        f'aria-label="{_e(title)}"><title>{_e(title)}</title>',
        f'<text x="{left}" y="14" font-size="13" font-weight="bold">{_e(title)}</text>',
    ]
    for j, lab in enumerate(conf.labels):
        x = left + j * cell + cell / 2
        parts.append(
            f'<text x="{x:.0f}" y="{top - 6}" font-size="12" transform="rotate(-45 {x:.0f} {top - 6})">{_e(lab)}</text>'
        )
    for i, lab in enumerate(conf.labels):
        y = top + i * cell
        parts.append(f'<text x="{left - 6}" y="{y + cell / 2 + 4:.0f}" font-size="12" text-anchor="end">{_e(lab)}</text>')
        for j, v in enumerate(conf.matrix[i]):
            rgb = _colour(v / peak)
            x = left + j * cell
            parts.append(
                f'<rect x="{x}" y="{y}" width="{cell}" height="{cell}" fill="{_hex(rgb)}" stroke="#fff">'
                f"<title>{_e(lab)} / {_e(conf.labels[j])}: {v}</title></rect>"
                f'<text x="{x + cell / 2:.0f}" y="{y + cell / 2 + 4:.0f}" font-size="12" text-anchor="middle" '
                f'fill="{_text_colour(rgb)}">{v}</text>'
            )
    parts.append(
        f'<text x="{left}" y="{top + n * cell + 18}" font-size="11" fill="#555">rows: {_e(rows)}; columns: {_e(cols)}</text>'
    )
    parts.append("</svg>")
    return "".join(parts)


def article_plot(report: AgreementReport) -> str:
    """Horizontal bars: share of agreed items per article, most disagreement first."""
    arts = [a for a in report.articles if a.items][:MAX_ARTICLES_PLOTTED]
    if not arts:
        return '<p class="na">No article was touched by two annotators.</p>'
    bar_h, left, width = 16, 260, 420
    height = 30 + len(arts) * (bar_h + 4) + 24
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{left + width + 140}" height="{height}" role="img" '
        'aria-label="agreement per article"><title>Agreement per article (share of agreed items)</title>'
    ]
    for k in range(0, 11, 2):
        x = left + width * k / 10
        parts.append(f'<line x1="{x:.0f}" y1="20" x2="{x:.0f}" y2="{height - 24}" stroke="#ddd"/>')
        parts.append(f'<text x="{x:.0f}" y="14" font-size="11" text-anchor="middle" fill="#555">{k * 10}%</text>')
    for i, a in enumerate(arts):
        y = 24 + i * (bar_h + 4)
        share = a.agreement or 0.0
        rgb = _colour(share)
        label = a.title or f"article {a.id}"
        label = label if len(label) <= 38 else label[:37] + "…"
        parts.append(
            f'<text x="{left - 6}" y="{y + bar_h - 4}" font-size="12" text-anchor="end">{_e(label)}</text>'
            f'<rect x="{left}" y="{y}" width="{max(1.0, width * share):.1f}" height="{bar_h}" fill="{_hex(rgb)}">'
            f"<title>{_e(label)}: {a.items - a.disagreements} of {a.items} items agreed</title></rect>"
            f'<text x="{left + width + 6}" y="{y + bar_h - 4}" font-size="11" fill="#333">'
            f"{100 * share:.0f}% ({a.disagreements} disagreement{'s' if a.disagreements != 1 else ''})</text>"
        )
    parts.append(
        f'<text x="{left}" y="{height - 6}" font-size="11" fill="#555">share of review items all annotators agree on</text></svg>'
    )
    return "".join(parts)


def _table(head: Sequence[str], rows: Iterable[Sequence[str]], left: int = 1) -> str:
    h = "".join(f'<th class="l">{c}</th>' if i < left else f"<th>{c}</th>" for i, c in enumerate(head))
    body = "".join(
        "<tr>" + "".join(f'<td class="l">{c}</td>' if i < left else f"<td>{c}</td>" for i, c in enumerate(r)) + "</tr>"
        for r in rows
    )
    return f"<table><thead><tr>{h}</tr></thead><tbody>{body}</tbody></table>"


def _span_rows(pairs: Sequence[SpanAgreement]) -> list[list[str]]:
    return [
        [
            f"{_e(p.a)} / {_e(p.b)}", str(p.articles), str(p.exact.n_a), str(p.exact.n_b),
            _num(p.exact.precision), _num(p.exact.recall), _num(p.exact.f1),
            _num(p.overlap.precision), _num(p.overlap.recall), _num(p.overlap.f1),
        ]
        for p in pairs
    ]


_SPAN_HEAD = ["pair", "articles", "spans A", "spans B", "exact P", "exact R", "exact F1", "overlap P", "overlap R", "overlap F1"]


def _label_details(pairs: Sequence[SpanAgreement]) -> str:
    out = []
    for p in pairs:
        rows = [
            [_e(lab), str(d["exact"].n_a), str(d["exact"].n_b), _num(d["exact"].precision), _num(d["exact"].recall),
             _num(d["exact"].f1), _num(d["overlap"].precision), _num(d["overlap"].recall), _num(d["overlap"].f1)]
            for lab, d in sorted(p.labels.items())
        ]
        out.append(
            f"<details><summary>per label: {_e(p.a)} / {_e(p.b)}</summary>"
            + _table(["label", "A", "B", "exact P", "exact R", "exact F1", "overlap P", "overlap R", "overlap F1"], rows)
            + "</details>"
        )
    return "".join(out)


def _kind_section(title: str, k: KindFigures) -> str:
    parts = [f"<h2>{_e(title)}</h2>"]
    if not k.pairs and not k.gold:
        return parts[0] + '<p class="na">No pair of annotators touched the same article.</p>'
    parts.append(
        f"<p>All pairs (micro): exact F1 <b>{_num(k.overall_exact.f1)}</b>, overlapping F1 <b>{_num(k.overall_overlap.f1)}</b>.</p>"
    )
    if k.pairs:
        parts.append(_table(_SPAN_HEAD, _span_rows(k.pairs)))
        parts.append(_label_details(k.pairs))
    if k.gold:
        parts.append("<h3>Against gold</h3>" + _table(["annotator / gold"] + _SPAN_HEAD[1:], _span_rows(k.gold)))
        parts.append(_label_details(k.gold))
    return "".join(parts)


def _kappa_rows(pairs: Sequence[LabelAgreement]) -> list[list[str]]:
    rows = []
    for p in pairs:
        k = p.kappa
        rows.append([
            f"{_e(p.a)} / {_e(p.b)}", str(p.matched), str(p.missing), str(k.n if k else 0),
            _num(k.observed if k else None), _num(k.value if k else None), _e(k.note if k else ""),
        ])
    return rows


def _label_section(title: str, f: LabelFigures) -> str:
    parts = [f"<h2>{_e(title)}</h2>"]
    a = f.alpha
    if a is not None:
        parts.append(
            f"<p>Krippendorff's alpha (nominal, all annotators): <b>{_num(a.value)}</b> over {a.units} claim(s) "
            f"with values from at least two annotators ({a.values} values)"
            + (f" — {_e(a.note)}" if a.note else "")
            + ".</p>"
        )
    head = ["pair", "matched claims", "missing value", "compared", "observed", "Cohen's kappa", "note"]
    if f.pairs:
        parts.append(_table(head, _kappa_rows(f.pairs)))
    grid = [heatmap(f.confusion, f"{title}: confusion over all pairs", "one annotator", "the other (symmetric)")]
    if f.gold:
        parts.append("<h3>Against gold</h3>" + _table(["annotator / gold"] + head[1:], _kappa_rows(f.gold)))
        grid.append(heatmap(f.gold_confusion, f"{title}: annotators vs gold", "annotators", "gold"))
    parts.append('<div class="grid">' + "".join(grid) + "</div>")
    if f.pairs:
        parts.append(
            "<details><summary>confusion per pair</summary><div class=\"grid\">"
            + "".join(heatmap(p.confusion, f"{p.a} / {p.b}", p.a, p.b) for p in f.pairs)
            + "</div></details>"
        )
    return "".join(parts)


def _speaker_rows(rows: Sequence[SpeakerAgreement]) -> list[list[str]]:
    return [[f"{_e(s.a)} / {_e(s.b)}", str(s.matched), str(s.compared), str(s.agree), _pct(s.share)] for s in rows]


def render_html(report: AgreementReport, title: str = "Annotator agreement") -> str:
    now = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    who = ", ".join(_e(n) for n in report.annotators) or "none"
    parts = [
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">",
        f"<title>{_e(title)}</title><style>{_CSS}</style></head><body>",
        f"<h1>{_e(title)}</h1>",
        f'<p class="meta">Project {_e(report.project)} · annotators: {who} · '
        f"{'done articles only' if report.done_only else 'articles in progress or done'} · "
        f"{'with gold' if report.has_gold else 'no gold yet'} · {now} · annotator {_e(__version__)}</p>",
        '<p class="note">Only decided annotations count (accepted, corrected, added); a pair is compared on the '
        "articles both annotators touched. Exact: same start, end and label. Overlapping: same label and overlapping "
        "spans, matched one to one. P = share of the first annotator's spans found by the second, R = the reverse. "
        "Kappa and alpha are computed over claims matched by overlap; “–” means undefined (see the note).</p>",
        _kind_section("Entities", report.entities),
        _kind_section("Claims (spans)", report.claims),
        _label_section("Stance", report.stance),
        _label_section("Source type", report.source_type),
        "<h2>Claim sources (speakers)</h2>",
    ]
    head = ["pair", "matched claims", "compared", "agree", "share"]
    if report.sources:
        parts.append(_table(head, _speaker_rows(report.sources)))
    else:
        parts.append('<p class="na">No matched claims.</p>')
    if report.sources_gold:
        parts.append("<h3>Against gold</h3>" + _table(["annotator / gold"] + head[1:], _speaker_rows(report.sources_gold)))
    parts.append("<h2>Per annotator</h2>")
    rows = [
        [_e(p.name), str(p.articles), str(p.done), str(p.entities), str(p.claims), _num(p.entity_f1),
         _num(p.entity_f1_overlap), _num(p.claim_f1), _num(p.stance_kappa), _num(p.source_type_kappa),
         _pct(p.speaker_agreement), _num(p.gold_entity_f1), _num(p.gold_claim_f1), _num(p.gold_stance_kappa)]
        for p in report.per_annotator
    ]
    parts.append(_table(
        ["annotator", "articles", "done", "entities", "claims", "entity F1", "entity F1 (overlap)", "claim F1",
         "stance κ", "source type κ", "speakers", "gold entity F1", "gold claim F1", "gold stance κ"], rows))
    parts.append("<h2>Agreement per article</h2>" + article_plot(report))
    parts.append("<h3>Most disagreement first</h3>")
    rows = [
        [_e(a.title or f"article {a.id}"), str(a.id), _e(", ".join(a.annotators)), str(a.items), str(a.disagreements),
         _pct(a.agreement), _num(a.entity_f1), _num(a.claim_f1), _pct(a.stance_agreement), _pct(a.speaker_agreement)]
        for a in report.articles
    ]
    parts.append(_table(["article", "id", "annotators", "items", "disagreements", "agreed", "entity F1", "claim F1",
                         "stance", "speakers"], rows))
    parts.append("</body></html>\n")
    return "\n".join(parts)


def write_report(path: str | os.PathLike[str], report: AgreementReport) -> Path:
    """Write the HTML report atomically (a temporary file renamed into place)."""
    path = Path(path).expanduser()
    text = render_html(report)
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise ExportError(Msg.E002.format(path=path, detail=exc.strerror or exc)) from exc
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except OSError as exc:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise ExportError(Msg.E002.format(path=path, detail=exc.strerror or exc)) from exc
    return path
