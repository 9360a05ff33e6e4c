"""Plain-text articles (``.txt``): one article per file, metadata recovered from the text.

The stored text is the whole normalised file: banners, breadcrumbs and footers are kept so that
offsets refer to the file as the analyst sees it. Only the metadata fields are derived, by the
general rules below, and a field stays empty when no rule applies (an empty field is better than
a wrong one). Lines are looked at after normalisation, stripped of surrounding spaces.

Header (the first 12 non-blank lines, scanned top down until the body starts):

* banner lines are skipped: a table of site chrome ("All news", "Select Page", "Skip to
  content", "Advertisement", "Media ID: 123" -> ``meta["media_id"]``, ...);
* a breadcrumb ("News / Russia / News": two or more short capitalised parts separated by a
  spaced ``/``, ``>``, ``›`` or ``»``) is skipped and kept in ``meta["breadcrumb"]``;
* a page-title line "<Title> | <Site>" (one `` | ``, no final punctuation): the *last* such
  line in the header gives the title (the first is usually the site's own banner,
  "Tagline | Site"). When only one such line exists and a plain title follows it, the plain title
  wins. The site part gives the outlet when it starts with a known outlet name;
* photo captions (a line ending "(Photo by AFP)", "(photo credit: ...)") are skipped and
  collected in ``meta["captions"]`` (captions anywhere in the text are collected);
* "READ MORE: ..." link lines are skipped; a byline ("By Jane Doe, Reuters", at most 100
  characters) is skipped and kept in ``meta["byline"]``; a date line ("Published: 14 Nov, 2017
  10:00", "Posted on ...", or a short line that is only a date) is skipped and gives the date;
* a plain title: the first other line that is at most 200 characters and 3 words long, has no
  final punctuation (. ! ? … : ; , also inside closing quotes) and is followed by a blank line.
  A trailing " - <known outlet>" / " — <known outlet>" / " | <known outlet>" is cut off and gives
  the outlet;
* a subtitle: the next line after the title, by the same shape rule (up to 350 characters) and
  followed by more text -> ``meta["subtitle"]``;
* any other line starts the body.

Datelines, checked on the first body line:

* ``^PLACE, <Month> <day>[, <year>]. /<OUTLET>/.`` (TASS style): ``meta["dateline"]``,
  ``meta["dateline_place"]``, ``meta["dateline_date"]``, ``meta["dateline_outlet"]``. The date
  field gets an ISO date only when the year is written; "November 14" alone stays in meta;
* ``^PLACE[, <Month> <day>] (<OUTLET>) - `` (wire style, e.g. "WASHINGTON (Reuters) -");
* ``^Place – `` (en/em dash, e.g. Asharq Al-Awsat's "Moscow – ..."): ``meta["dateline_place"]``.

Outlet, first rule that applies: a known outlet in the header's page-title suffix, a site
marker in the last (or first) 12 non-blank lines ("Press TV’s website can also be accessed ...",
"© 2017 <known outlet>"), then the dateline's outlet. "Known outlet" means the alias table
``_OUTLET_NAMES`` below (extend it rather than adding per-file rules); a dateline's outlet is
taken as written when it is not in the table, since the agency names itself there. Outlets are
never taken from running text: an article quoting "as cited by TASS" does not become a TASS
article.

Date: the dateline's date when it has a year, else a date line of the header, else a
"Published: <date>" / "Posted on <date>" line of the header or footer; always ISO ``YYYY-MM-DD`` (a date
that cannot be parsed is left out).

Also recorded in meta: ``read_more`` (the headlines of "READ MORE:" link lines, RT style),
``display_title`` when no title was found (the lead sentence, shortened to about 100 characters,
for lists: it is *not* a title found in the file), and ``encoding`` (the file encoding).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from annotator.domain.errors import ImportProblem, Msg
from annotator.domain.model import ArticleInput
from annotator.domain.text import lead_title
from annotator.importers._common import clean_field, finish_text, size_problem

# Canonical names of outlets the rules may name. Keys are compared after dropping everything but
# letters and digits, case-insensitively ("ASHARQ AL-AWSAT" == "Asharq Alawsat").
_OUTLET_NAMES: dict[str, tuple[str, ...]] = {
    "TASS": ("TASS", "ITAR-TASS", "TASS Russian News Agency"),
    "RT": ("RT", "RT.com", "RT News", "RT World News", "RT International", "RT English"),
    "Sputnik": ("Sputnik", "Sputnik International", "Sputnik News"),
    "Press TV": ("Press TV", "PressTV"),
    "Asharq Al-Awsat": ("Asharq Al-Awsat", "Asharq Al Awsat", "Aawsat"),
    "Al Jazeera": ("Al Jazeera", "Al Jazeera English", "Aljazeera"),
    "Al Arabiya": ("Al Arabiya", "Al Arabiya English"),
    "Reuters": ("Reuters",),
    "Associated Press": ("Associated Press", "The Associated Press", "AP", "AP News"),
    "AFP": ("AFP", "Agence France-Presse"),
    "BBC News": ("BBC News", "BBC"),
    "CNN": ("CNN",),
    "The Guardian": ("The Guardian", "Guardian"),
    "The New York Times": ("The New York Times", "New York Times", "NYTimes"),
    "The Washington Post": ("The Washington Post", "Washington Post"),
    "Xinhua": ("Xinhua", "Xinhua News Agency", "Xinhuanet"),
    "Anadolu Agency": ("Anadolu Agency", "Anadolu", "AA"),
    "SANA": ("SANA", "Syrian Arab News Agency"),
    "Interfax": ("Interfax",),
    "RIA Novosti": ("RIA Novosti", "RIA"),
    "IRNA": ("IRNA",),
    "Tasnim": ("Tasnim", "Tasnim News Agency"),
    "Fars News": ("Fars News", "Fars News Agency", "FNA"),
}
_KNOWN: dict[str, str] = {}
for _canonical, _aliases in _OUTLET_NAMES.items():
    for _alias in _aliases:
        _KNOWN[re.sub(r"[^0-9a-z]", "", _alias.casefold())] = _canonical


def known_outlet(name: str, prefix: bool = False) -> str:
    """Canonical outlet for ``name`` ("" if unknown); with ``prefix`` the longest leading run of
    words that names a known outlet counts ("ASHARQ AL-AWSAT English Archive" -> Asharq Al-Awsat)."""
    words = name.split()
    sizes = range(len(words), 0, -1) if prefix else [len(words)]
    for n in sizes:
        key = re.sub(r"[^0-9a-z]", "", " ".join(words[:n]).casefold())
        if key in _KNOWN:
            return _KNOWN[key]
    return ""


# Site chrome that is never a title. Full-line, case-insensitive. Named groups go to meta.
_BANNER_RE = re.compile(
    r"(?:all news|latest news|top news|top stories|breaking news|most read|most popular|news feed"
    r"|select page|skip to (?:main )?content|skip navigation|main menu|menu|home|search|close"
    r"|advertisement|sponsored|share(?: this(?: article| story)?)?|subscribe|sign in|log ?in|follow us"
    r"|related(?: news| articles| stories)?|print|email|comments?"
    r"|media id:?\s*(?P<media_id>\d+))",
    re.IGNORECASE,
)
_CRUMB_SEP_RE = re.compile(r"\s+[/>›»]\s+")
_CAPTION_RE = re.compile(
    r"\((?:photo|image|picture|video|file photo|pic)(?:s)?(?:\s+by|\s+credit|\s*:)[^()]*\)\s*$", re.IGNORECASE
)
_READ_MORE_RE = re.compile(r"^read more\s*:\s*(?P<headline>\S.*)$", re.IGNORECASE)
_BYLINE_RE = re.compile(
    r"^By\s+[A-Z][\w.'’-]*(?:\s+(?:[A-Z][\w.'’-]*|and|de|la|van|von|bin|al|el))*(?:\s*[,|/–—-]\s*\S.*)?$"
)
_MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
_DATELINE_SLASH_RE = re.compile(
    rf"^(?P<place>[A-Z][A-Z .'-]*[A-Z.]), (?P<month>{_MONTHS}) (?P<day>\d{{1,2}})(?:, (?P<year>\d{{4}}))?\."
    r" ?/(?P<outlet>[A-Za-z][A-Za-z0-9 .&-]{0,38}[A-Za-z0-9])/\.?"
)
_DATELINE_PAREN_RE = re.compile(
    rf"^(?P<place>[A-Z][A-Z .'-]*[A-Z.])(?:, (?P<month>{_MONTHS}) (?P<day>\d{{1,2}})(?:, (?P<year>\d{{4}}))?)?"
    r" \((?P<outlet>[A-Za-z][A-Za-z0-9 .&-]{0,38}[A-Za-z0-9])\) [-–—] "
)
_DATELINE_DASH_RE = re.compile(r"^(?P<place>[A-Z][\w.'-]+(?:,? [A-Z][\w.'-]+){0,3}) [–—] (?=\S)")
_PIPE_RE = re.compile(r"^(?P<left>[^|]*\S) \| (?P<right>\S[^|]*)$")
_SUFFIX_RE = re.compile(r"^(?P<left>.*\S) (?:[-–—|]) (?P<right>\S.*)$")
_FOOTER_MARKERS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"^Press ?TV['’]s website can also be accessed", re.IGNORECASE), "Press TV"),
    (re.compile(r"^Press ?TV News Roku$", re.IGNORECASE), "Press TV"),
    (re.compile(r"^ASHARQ AL-?AWSAT English Archive", re.IGNORECASE), "Asharq Al-Awsat"),
)
_COPYRIGHT_RE = re.compile(
    r"^(?:©|\(c\)|copyright)(?:\s*©)?\s*(?:\d{4}(?:\s*[-–]\s*\d{4})?\s*)?(?P<name>[^.,©]+?)(?:[.,].*)?$", re.IGNORECASE
)
_PUBLISHED_RE = re.compile(
    r"^(?:published|posted|updated|date)(?: time| on| at)?\s*:?\s+(?P<date>\d.{5,40}|[A-Z][a-z]+.{5,40})$",
    re.IGNORECASE,
)
_FINAL_PUNCT = ".!?…:;,"
_CLOSERS = "\"'”’»)]"
_HEADER_LINES = 12
_FOOTER_LINES = 12


@dataclass
class TxtMetadata:
    title: str = ""
    outlet: str = ""
    date: str = ""
    meta: dict[str, Any] = field(default_factory=dict)


def _final_punct(line: str) -> bool:
    return line.rstrip(_CLOSERS).endswith(tuple(_FINAL_PUNCT)) or line.endswith(tuple(_FINAL_PUNCT))


def _title_shaped(line: str, max_len: int) -> bool:
    words = line.split()
    long_enough = len(words) >= 3 or (len(words) == 1 and len(line) >= 8)  # scripts without spaces
    return long_enough and len(line) <= max_len and not _final_punct(line)


def _is_breadcrumb(line: str) -> bool:
    parts = _CRUMB_SEP_RE.split(line)
    if len(parts) < 2:
        return False
    return all(p and len(p.split()) <= 3 and len(p) <= 30 and (p[0].isupper() or p[0].isdigit()) for p in parts)


def parse_date(text: str) -> str:
    """ISO date for common English date spellings ("November 14, 2017", "14 Nov, 2017",
    "2017-11-14", "14.11.2017"), else ""."""
    text = re.sub(r"\s+", " ", text.strip()).rstrip(".")
    m = re.match(r"(\d{4})-(\d{2})-(\d{2})", text)
    if m:
        candidates = [m.group(0)]
        formats = ["%Y-%m-%d"]
    else:
        # Drop a trailing time and time zone: "14 Nov, 2017 10:00 GMT" -> "14 Nov, 2017".
        head = re.split(r"\s+\d{1,2}:\d{2}", text)[0].strip().rstrip(",")
        head = re.sub(r"^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)[a-z]*,? ", "", head)
        candidates = [head]
        formats = [
            "%B %d, %Y", "%B %d %Y", "%b %d, %Y", "%b %d %Y", "%b. %d, %Y",
            "%d %B %Y", "%d %B, %Y", "%d %b %Y", "%d %b, %Y", "%d.%m.%Y",
        ]  # fmt: skip
    for cand in candidates:
        for fmt in formats:
            try:
                return datetime.strptime(cand, fmt).date().isoformat()
            except ValueError:
                continue
    return ""


def _dateline(line: str, meta: dict[str, Any]) -> str:
    """Record a dateline of ``line`` in meta; return the outlet it names ("" if none)."""
    for regex in (_DATELINE_SLASH_RE, _DATELINE_PAREN_RE):
        m = regex.match(line)
        if m:
            meta["dateline"] = m.group(0).strip() if regex is _DATELINE_SLASH_RE else m.group(0).rstrip(" -–—")
            meta["dateline_place"] = m.group("place").strip()
            if m.group("month"):
                day = f"{m.group('month')} {int(m.group('day'))}"
                meta["dateline_date"] = day + (f", {m.group('year')}" if m.group("year") else "")
            outlet = m.group("outlet").strip()
            meta["dateline_outlet"] = outlet
            return known_outlet(outlet) or outlet
    m = _DATELINE_DASH_RE.match(line)
    if m:
        meta["dateline_place"] = m.group("place")
    return ""


def extract_metadata(text: str) -> TxtMetadata:
    """Title, outlet, date and extra meta found in a normalised article text (see module doc)."""
    result = TxtMetadata()
    meta = result.meta
    lines = text.split("\n")
    nonblank = [(i, s.strip()) for i, s in enumerate(lines) if s.strip()]

    def followed_by_blank(i: int) -> bool:
        return i + 1 < len(lines) and not lines[i + 1].strip()

    pipe_titles: list[tuple[str, str]] = []
    header_date = ""
    plain_title = ""
    plain_after_pipe = False
    subtitle_allowed = False
    body_line = ""
    site_outlet = ""
    for k, (i, s) in enumerate(nonblank[:_HEADER_LINES]):
        is_last = k == len(nonblank) - 1
        banner = _BANNER_RE.fullmatch(s)
        if banner:
            if banner.group("media_id"):
                meta["media_id"] = banner.group("media_id")
            subtitle_allowed = False
            continue
        if _is_breadcrumb(s):
            meta.setdefault("breadcrumb", " / ".join(_CRUMB_SEP_RE.split(s)))
            subtitle_allowed = False
            continue
        if _CAPTION_RE.search(s) and len(s) <= 500:
            subtitle_allowed = False
            continue  # collected below with the others
        if _READ_MORE_RE.match(s):
            subtitle_allowed = False
            continue  # collected below with the others
        byline = _BYLINE_RE.match(s)
        if byline and len(s) <= 100:
            meta.setdefault("byline", s)
            subtitle_allowed = False
            continue
        published = _PUBLISHED_RE.match(s)
        when = parse_date(published.group("date")) if published else parse_date(s) if len(s) <= 40 else ""
        if published or when:
            if when and not header_date:
                header_date = when
            subtitle_allowed = False
            continue
        if _DATELINE_SLASH_RE.match(s) or _DATELINE_PAREN_RE.match(s):
            body_line = s
            break
        pipe = _PIPE_RE.match(s)
        if pipe and len(s) <= 300 and not _final_punct(s) and not plain_title:
            pipe_titles.append((pipe.group("left").strip(), pipe.group("right").strip()))
            subtitle_allowed = True
            continue
        if not plain_title and not is_last and _title_shaped(s, 200) and followed_by_blank(i):
            plain_title = s
            plain_after_pipe = bool(pipe_titles)
            subtitle_allowed = True
            continue
        if (
            subtitle_allowed
            and "subtitle" not in meta
            and not is_last
            and _title_shaped(s, 350)
            and followed_by_blank(i)
        ):
            meta["subtitle"] = s
            subtitle_allowed = False
            continue
        body_line = s
        break

    # Title: last "Title | Site" line, unless a plain title follows a single banner-like one.
    if pipe_titles and not (plain_title and plain_after_pipe and len(pipe_titles) == 1):
        result.title = pipe_titles[-1][0]
        for _, site in reversed(pipe_titles):
            site_outlet = known_outlet(site, prefix=True)
            if site_outlet:
                break
    elif plain_title:
        suffix = _SUFFIX_RE.match(plain_title)
        if suffix and known_outlet(suffix.group("right")):
            result.title = suffix.group("left")
            site_outlet = known_outlet(suffix.group("right"))
        else:
            result.title = plain_title
        if pipe_titles and not site_outlet:
            site_outlet = known_outlet(pipe_titles[-1][1], prefix=True)

    dateline_outlet = _dateline(body_line, meta) if body_line else ""
    if meta.get("dateline_date", "").count(",") == 1:
        result.date = parse_date(meta["dateline_date"])

    footer_outlet = ""
    edge_lines = [s for _, s in nonblank[:_HEADER_LINES]] + [s for _, s in nonblank[-_FOOTER_LINES:]]
    for s in [s for _, s in nonblank[-_FOOTER_LINES:]] + [s for _, s in nonblank[:_HEADER_LINES]]:
        for regex, outlet in _FOOTER_MARKERS:
            if regex.search(s):
                footer_outlet = outlet
                break
        if not footer_outlet:
            c = _COPYRIGHT_RE.match(s)
            if c:
                footer_outlet = known_outlet(c.group("name").strip(), prefix=True)
        if footer_outlet:
            break
    result.outlet = site_outlet or footer_outlet or dateline_outlet

    result.date = result.date or header_date
    if not result.date:
        for s in edge_lines:
            p = _PUBLISHED_RE.match(s)
            if p:
                result.date = parse_date(p.group("date"))
                if result.date:
                    break

    captions = [s for _, s in nonblank if len(s) <= 500 and _CAPTION_RE.search(s)]
    if captions:
        meta["captions"] = captions
    read_more = [m.group("headline").strip() for _, s in nonblank if (m := _READ_MORE_RE.match(s))]
    if read_more:
        meta["read_more"] = read_more
    if not result.title and body_line:
        meta["display_title"] = lead_title(body_line)
    return result


def read_txt(text: str, file: str, max_chars: int, encoding: str = "") -> Iterator[ArticleInput | ImportProblem]:
    """One ArticleInput for a decoded ``.txt`` file (the whole text), or one ImportProblem."""
    stored = finish_text(text)
    if not stored:
        yield ImportProblem(Msg.I001.format(file=file), file=file)
        return
    problem = size_problem(stored, file, max_chars, file)
    if problem is not None:
        yield problem
        return
    found = extract_metadata(stored)
    if encoding:
        found.meta["encoding"] = encoding
    yield ArticleInput(
        text=stored,
        title=clean_field(found.title),
        outlet=found.outlet,
        date=found.date,
        source_file=file,
        meta=found.meta,
    )
