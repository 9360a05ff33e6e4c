"""Rule-based detection of attributed claims ("who said what") in news text.

:func:`extract_claims` takes a parsed spaCy ``Doc`` (tagger, parser, NER, lemmatizer) and returns
plain :class:`~annotator.domain.model.ClaimSuggestion` objects; the annotation guideline in
``tests/data/claims/GUIDELINES.md`` defines what is a claim and how the detector is scored
(:mod:`annotator.nlp.claim_eval`). The rules are general English reporting patterns; the
lexicons below hold reporting vocabulary, never words of particular articles.

The work for one document is a fixed number of passes over its tokens and quotation marks, so
the cost stays linear in the length of the text (about 4 % of the time ``nlp.pipe`` takes):

1. **Structure** (:class:`_DocIndex`): lines, and the lines that are not running text
   (headlines, captions, "READ MORE:" links); quotations, found by one scan over the quotation
   marks (straight and curly, continued over paragraph breaks); *units* (sentences cut at line
   breaks, because spaCy's sentences and arcs sometimes run over a paragraph break).
2. **Cues** (:func:`_find_cue`): reporting verbs that really report (not negated, modal,
   conditional, refused, intended or passive without an agent), their speaker
   (:func:`_speaker_of`) and their content (:class:`_ContentFinder`), with repairs for the
   parser errors common in news text.
3. **Claims** (:class:`_ClaimFinder`): indirect speech, "according to X" / "in X's view"
   (skipped when the clause has its own reporting verb: "According to X, Y said Z" is Y's),
   reporting nouns with a "that" clause and a named source ("Burton's claim that ..."),
   direct quotations attributed through the words next to them (``"...," X said`` /
   ``X said: "..."``), and unattributed quotations that continue the previous claim. A claim
   whose cue lies inside another claim's content is dropped ("Lavrov said that Tillerson told
   him X" is one claim).
4. **Speakers** (:class:`_SpeakerResolver`): pronouns, descriptions ("the minister", "Russia's
   top diplomat") and surnames are resolved to the fullest name used in the article. he/she
   agree in gender with their antecedent (gender learnt from the article: honorifics, person
   nouns such as "spokeswoman", common first names, pronouns that refer back to a subject);
   "the company"/"the charity"/"the health department" resolve to a named organisation;
   short forms ("Mo" -> "Mohammed Islam") and acronyms ("the SSPCA") to the full name; a
   description written before any name ("..., the interior minister says. Nohad Machnouk
   told ...") to the person named next.

The pipeline's sentences never cross a line break (:func:`annotator.nlp.pipeline.split_at_line_breaks`
runs before the parser), so dependency arcs stay inside paragraphs too.
"""

from __future__ import annotations

import itertools
import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from typing import TYPE_CHECKING

from annotator.domain.model import ClaimSuggestion, QuoteType

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span, Token

# --------------------------------------------------------------------------------------------
# Lexicons. General English reporting vocabulary; nothing here is specific to an article.
# --------------------------------------------------------------------------------------------

# Verbs whose complement is reported content: "X said (that) ...", "..., X stressed".
REPORTING_LEMMAS = frozenset(
    {
        "say", "tell", "add", "note", "stress", "warn", "accuse", "allege", "claim", "insist",
        "argue", "explain", "emphasise", "emphasize", "point", "vow", "believe", "confirm",
        "announce", "deny", "report", "state", "suggest", "admit", "acknowledge", "maintain",
        "urge", "call", "write", "declare", "assert", "reiterate", "underline", "underscore",
        "contend", "predict", "reveal", "disclose", "testify", "concede", "complain", "promise",
        "pledge", "threaten", "conclude", "recall", "observe", "remark", "reply", "respond",
        "answer", "caution", "hint", "tweet", "comment", "mention", "assure", "inform",
        "indicate", "think", "charge", "blame", "demand", "propose", "recommend", "affirm",
        "boast", "clarify", "counter", "highlight", "reckon", "recount", "reaffirm", "remind",
        "retort", "reassure", "speculate", "swear", "specify", "appeal", "encourage", "advise",
        "implore", "post", "attribute", "detail", "forecast",
    }
)  # fmt: skip
# Non-factive belief verbs: a claim only with a clausal complement ("police suspect the fire was
# started deliberately"), never with a noun object ("suspect arson") or "figured out".
BELIEF_LEMMAS = frozenset({"figure", "suspect", "assume", "suppose", "presume"})
REPORTING_LEMMAS = REPORTING_LEMMAS | BELIEF_LEMMAS
# Verbs that attribute a quotation next to them but rarely take a reported clause.
QUOTE_ONLY_LEMMAS = frozenset(
    {
        "ask", "continue", "read", "quote", "lament", "exclaim", "quip", "joke", "shout",
        "yell", "scream", "whisper", "mutter", "interject", "sigh", "laugh", "plead",
        "beg", "muse", "wonder", "cry", "chime", "fume", "rage", "gush", "snap", "scoff", "grumble",
        "elaborate",
    }
)  # fmt: skip
FRAME_LEMMAS = REPORTING_LEMMAS | QUOTE_ONLY_LEMMAS
# "vowed to respond", "denied having ...": the infinitive/gerund is the content.
INFINITIVE_LEMMAS = frozenset({"vow", "promise", "pledge", "threaten", "claim", "deny", "swear", "admit", "report"})
# "urged X to Y", "called on X to Y", "asked X to Y": the content is "X to Y".
OBJECT_CONTROL_LEMMAS = frozenset(
    {"urge", "call", "warn", "encourage", "advise", "appeal", "implore", "ask", "forecast"}
)  # "forecasts X to Y": a prediction, content "X to Y" (not "expects X to Y": often a wish)
# Verbs that frame quotations and report only in the object-control form ("asked X to Y"; a
# question, "asked whether ...", is not a claim).
CONTROL_ONLY_LEMMAS = frozenset({"ask"})
# Prepositions that carry the addressee for OBJECT_CONTROL verbs ("call on", "appeal to").
CONTROL_PREPOSITIONS = {"call": {"on", "upon", "for"}, "appeal": {"to"}}
# "accused X of Y", "blamed X for Y", "attributed X to Y": the content is "X of Y".
CHARGE_PREPOSITIONS = {"accuse": ("of",), "blame": ("of", "for", "on"), "attribute": ("to",)}
CHARGE_LEMMAS = frozenset(CHARGE_PREPOSITIONS)
# Verbs that only report with a particle ("pointed out").
REQUIRED_PARTICLE = {"point": ("out",), "call": ("on", "upon", "for")}
# Modal and future auxiliaries: "could claim", "may say", "will announce" are not reports.
MODAL_LEMMAS = frozenset({"can", "could", "may", "might", "would", "should", "must", "will", "shall", "ca", "wo"})
# "declined to comment", "refused to say", "wants to say", "is expected to announce".
BLOCKING_HEADS = frozenset(
    {
        "decline", "refuse", "fail", "want", "hope", "plan", "intend", "expect", "try", "seek",
        "wish", "like", "prepare", "able", "unable", "hesitate", "reluctant", "likely", "need",
        "due", "set", "afraid", "ready", "unlikely", "decide",
    }
)  # fmt: skip
CONDITIONAL_MARKS = frozenset({"if", "unless", "whether", "lest"})
# Generic subjects of an "as" clause that is an idiom, not an attribution ("As they say, ...").
GENERIC_AS_SUBJECTS = frozenset({"they", "it", "one", "everyone", "everybody", "people"})
# An infinitive reports only after these: "went on to say", "had this to say", "appeared to confirm".
INFINITIVE_REPORT_HEADS = frozenset({"go", "have", "continue", "proceed", "appear", "seem", "this"})
DEFINITE = frozenset({"the", "this", "that", "these", "those"})
# "the unidentified man", "another official": new, unnamed speakers, never resolved to a name.
ANONYMOUS_MODIFIERS = frozenset({"unidentified", "unnamed", "anonymous", "another", "other"})
ANONYMOUS_NOUNS = frozenset({"source", "insider", "whistleblower"})  # unnamed by design
# How far (in text lines, blank ones included: about four paragraphs) a lede's indefinite
# description ("A Texas baker says ...") may wait for the named speaker who identifies it.
LEDE_NAME_LINES = 8
INDEFINITE = frozenset({"a", "an", "one", "another", "some", "any", "several", "two", "three"})
YEAR_OLD_RE = re.compile(r"\d+[- ]year[- ]old\b", re.IGNORECASE)
RELATIVE_PRONOUNS = frozenset({"who", "which", "that", "whom"})
FIRST_SECOND_PERSON = frozenset({"i", "we", "you", "me", "us"})
PERSON_PRONOUNS = frozenset({"he", "she", "him", "her", "his"})
PLURAL_PRONOUNS = frozenset({"they", "them", "their"})
THING_PRONOUNS = frozenset({"it", "its"})
INDEFINITE_PRONOUNS = frozenset(
    {"everyone", "everybody", "someone", "somebody", "anyone", "anybody", "nobody", "many", "some", "few", "all"}
)
# "in his view", "in the opinion of X": a source phrase like "according to".
VIEW_NOUNS = frozenset({"view", "opinion", "words", "estimation", "judgement", "judgment"})
# Nouns for texts and records: "a report from X", "according to the statement".
DOCUMENT_NOUNS = frozenset(
    {
        "report", "statement", "article", "post", "message", "letter", "tweet", "note", "release",
        "communique", "document", "study", "survey", "data", "figure", "poll", "interview",
        "memo", "blog", "website", "site", "page", "account", "story", "profile", "column",
        "editorial", "broadcast", "video", "transcript", "filing", "ruling", "analysis", "book",
        "research", "investigation", "review", "assessment", "finding", "record", "estimate",
        "reporting", "bulletin", "cable", "dispatch", "listing", "announcement", "remark",
        "comment", "speech", "briefing", "conference", "call", "placard", "sign", "banner", "poster",
    }
)  # fmt: skip
# Reporting nouns: with a "that" clause and a named source ("the report by the ministry that
# ...", "Burton's claim that ...") the clause is a claim of that source.
REPORT_NOUNS = frozenset(
    {
        "claim", "report", "statement", "assertion", "allegation", "accusation", "announcement",
        "admission", "warning", "suggestion", "insistence", "belief", "testimony", "remark",
        "confirmation", "revelation", "contention", "argument", "conclusion", "prediction",
        "assessment", "finding", "charge", "comment", "boast", "assurance", "promise", "pledge",
        "threat", "view", "opinion", "estimate", "explanation", "insinuation", "declaration",
    }
)  # fmt: skip
# "issued a statement that ...", "made the claim that ...": the subject is the source.
ASSERTING_VERBS = frozenset({"issue", "release", "publish", "post", "make", "repeat", "reiterate", "give", "file"})
# Nouns for organisations and collectives ("the ministry said it ...").
ORG_NOUNS = frozenset(
    {
        "ministry", "department", "government", "agency", "newspaper", "paper", "daily",
        "outlet", "channel", "network", "broadcaster", "company", "firm", "group", "organization",
        "organisation", "office", "embassy", "council", "committee", "commission", "court",
        "army", "military", "charity", "party", "administration", "service", "institute",
        "university", "bank", "team", "club", "media", "magazine", "tabloid", "station",
        "coalition", "alliance", "union", "authority", "regime", "cabinet", "parliament",
        "staff", "force", "forces", "police", "kremlin", "pentagon", "white", "house",
    }
)  # fmt: skip
# Words that make a proper name an organisation's ("Elon University", "The Sunday Times").
ORG_NAME_WORDS = frozenset(
    {
        "ministry", "department", "university", "college", "school", "news", "times", "post",
        "journal", "herald", "tribune", "press", "agency", "council", "committee", "commission",
        "service", "services", "party", "inc", "corp", "ltd", "company", "group", "bank", "office",
        "house", "court", "army", "force", "forces", "police", "network", "tv", "radio", "channel",
        "institute", "foundation", "association", "union", "league", "club", "team", "center",
        "centre", "board", "organization", "organisation", "government", "administration",
        "magazine", "daily", "online", "media", "website", "fund", "federation", "guard", "navy",
        "command", "embassy", "state", "states", "kingdom", "republic", "reporter", "mail", "sun",
        "telegraph", "guardian", "observer", "express", "independent", "review", "world", "global",
        "international", "national", "general", "staff", "kremlin", "pentagon", "hospital",
    }
)  # fmt: skip
# Official roles. A description with one of these ("the minister") only refers to a person who
# holds a compatible title. Values are the roles a word implies.
ROLE_WORDS: dict[str, frozenset[str]] = {
    "minister": frozenset({"minister"}),
    "fm": frozenset({"minister", "foreign_minister", "diplomat"}),
    "diplomat": frozenset({"diplomat"}),
    "secretary": frozenset({"secretary"}),
    "spokesman": frozenset({"spokesperson"}),
    "spokeswoman": frozenset({"spokesperson"}),
    "spokesperson": frozenset({"spokesperson"}),
    "president": frozenset({"president"}),
    "premier": frozenset({"prime_minister", "minister"}),
    "chancellor": frozenset({"chancellor"}),
    "ambassador": frozenset({"ambassador", "diplomat"}),
    "envoy": frozenset({"envoy", "diplomat"}),
    "governor": frozenset({"governor"}),
    "mayor": frozenset({"mayor"}),
    "senator": frozenset({"senator"}),
    "chairman": frozenset({"chair"}),
    "chairwoman": frozenset({"chair"}),
    "chair": frozenset({"chair"}),
    "ceo": frozenset({"ceo"}),
    "king": frozenset({"king"}),
    "queen": frozenset({"queen"}),
    "prince": frozenset({"prince"}),
    "commander": frozenset({"commander"}),
    "general": frozenset({"general"}),
    "director": frozenset({"director"}),
    "pope": frozenset({"pope"}),
    "pontiff": frozenset({"pope"}),
}
# Words that belong to a role phrase and so are not a nationality/organisation key.
ROLE_PHRASE_WORDS = frozenset(ROLE_WORDS) | {
    "foreign", "prime", "press", "top", "chief", "senior", "deputy", "vice", "state", "defense",
    "defence", "affairs", "interior", "finance", "executive", "first", "former", "acting", "head",
    "of", "the", "and", "for",
}  # fmt: skip
# Nouns that denote a person, so that "the 21-year-old", "the writer" resolve to a named person.
PERSON_NOUNS = frozenset(
    {
        "official", "actor", "actress", "star", "singer", "rapper", "writer", "author",
        "screenwriter", "producer", "player", "coach", "manager", "agent", "publicist", "lawyer",
        "attorney", "prosecutor", "judge", "doctor", "scientist", "researcher", "professor",
        "expert", "analyst", "economist", "teenager", "teen", "man", "woman", "boy", "girl",
        "father", "mother", "wife", "husband", "son", "daughter", "victim", "suspect", "witness",
        "resident", "cleric", "leader", "founder", "owner", "boss", "executive", "officer",
        "detective", "inspector", "pilot", "driver", "student", "worker", "politician",
        "lawmaker", "congressman", "congresswoman", "candidate", "activist", "journalist",
        "reporter", "editor", "adviser", "advisor", "aide", "head", "chief", "source",
        "representative", "rep", "militant", "fighter", "soldier", "commentator", "blogger",
        "fan", "artist", "musician", "comedian", "celebrity", "presenter", "host", "model",
        "businessman", "businesswoman", "entrepreneur", "billionaire", "millionaire", "tycoon",
        "investor", "trader", "chef", "nurse", "surgeon", "physician", "priest", "pastor",
        "survivor", "hostage", "prisoner", "inmate", "refugee", "migrant", "tourist", "hiker",
        "farmer", "veteran", "gunman", "attacker", "shooter", "hacker", "campaigner", "protester",
        "legislator", "councillor", "youngster", "pupil", "schoolboy", "schoolgirl", "parent",
        "grandmother", "grandfather", "girlfriend", "boyfriend", "mum", "mom", "dad", "designer",
        "photographer", "filmmaker", "novelist", "poet", "athlete", "footballer", "striker",
        "cyclist", "swimmer", "boxer", "wrestler", "climber", "explorer", "astronaut", "engineer",
        "inventor", "developer", "teacher", "principal", "headteacher", "pensioner", "mp",
        "guitarist", "drummer", "bassist", "pianist", "vocalist", "frontman", "songwriter",
        "composer", "conductor", "dancer", "anchor", "columnist",
        "nun", "monk", "bishop", "cardinal", "rabbi", "imam", "preacher", "employee", "staffer",
        "insider", "colleague", "friend", "neighbour", "neighbor", "relative", "passenger", "visitor",
        "spokesperson", "eyewitness", "bystander", "customer", "patient", "volunteer",
    }
)  # fmt: skip
# Nouns for people that PERSON_NOUNS, ROLE_WORDS and the agent-noun endings below do not cover.
OTHER_PERSON_NOUNS = frozenset(
    {
        "individual", "guy", "dude", "kid", "child", "baby", "lady", "youth", "adult", "cousin",
        "aunt", "uncle", "niece", "nephew", "spouse", "widow", "fiance", "bride", "groom", "twin",
        "grandson", "grandma", "grandpa", "granny", "mama", "papa", "monarch", "sheikh", "emir",
        "mullah", "prophet", "saint", "guru", "cop", "guard", "hero", "fellow", "mate", "ally",
        "rival", "foe", "enemy", "critic", "pundit", "sheriff", "delegate", "consul", "intern",
        "heir", "landlord", "guest", "patron", "spy", "mole", "troll", "local", "citizen", "expat",
        "alien", "chap", "bloke", "lad", "lass", "gal", "pro", "rookie", "vet", "one", "someone",
        "somebody", "anyone", "everyone", "nobody",
    }
)  # fmt: skip
# Endings of agent nouns ("commenter", "analyst", "historian", "trustee", "spokesman").
PERSON_NOUN_ENDINGS = ("er", "or", "ist", "ian", "man", "woman", "person", "ee", "eur", "ess", "ant", "ent", "ive")


def _is_personal_noun(lemma: str) -> bool:
    """The noun may denote a person ("the pamphlet", "the website" may not: no "he" later)."""
    lemma = lemma.lower().rstrip(".")
    return (
        lemma in PERSON_NOUNS or lemma in OTHER_PERSON_NOUNS or lemma in ROLE_WORDS or lemma in ANONYMOUS_NOUNS
        or lemma.endswith(PERSON_NOUN_ENDINGS)
    )  # fmt: skip


# Words dropped from the front of a person's name ("Dr", "Sheikh", "Colonel").
HONORIFICS = frozenset(
    {
        "mr", "mrs", "ms", "miss", "dr", "prof", "professor", "sir", "dame", "lord", "lady",
        "sheikh", "sheik", "imam", "rev", "reverend", "fr", "colonel", "col", "gen", "general",
        "lt", "lieutenant", "major", "maj", "capt", "captain", "sgt", "sergeant", "admiral",
        "adm", "rear", "vice", "president", "senator", "sen", "rep", "gov", "governor", "mayor",
        "judge", "justice", "king", "queen", "prince", "princess", "pope", "ayatollah", "mullah",
        "emir", "st", "saint", "minister", "chancellor", "premier", "secretary", "father", "pastor",
        "bishop", "archbishop", "cardinal", "rabbi", "inspector", "insp", "superintendent", "supt",
        "detective", "det", "constable", "corporal", "cpl", "commander", "cmdr", "sheriff",
    }
)  # fmt: skip
# Person nouns that a place name modifies ("the Mirfield man", "a Texas woman").
PLACE_MODIFIED_NOUNS = frozenset({"man", "woman", "boy", "girl", "teenager", "teen", "pensioner", "resident", "native"})
# Grammatical gender, for he/she agreement. Honorifics and person nouns written next to a
# name ("Ms Yen", "a government spokeswoman"), and a short list of common English first names;
# otherwise the article's own pronouns decide (see _SpeakerResolver._index_genders).
FEMALE_WORDS = frozenset(
    {
        "mrs", "ms", "miss", "madam", "madame", "dame", "lady", "queen", "princess", "duchess",
        "countess", "baroness", "sister", "spokeswoman", "chairwoman", "congresswoman",
        "businesswoman", "policewoman", "actress", "waitress", "heiress", "hostess", "woman",
        "girl", "mother", "mum", "mom", "wife", "daughter", "girlfriend", "grandmother",
        "granddaughter", "aunt", "niece", "widow", "bride", "fiancee", "stepmother", "sportswoman",
        "councilwoman", "anchorwoman", "herself",
    }
)  # fmt: skip
MALE_WORDS = frozenset(
    {
        "mr", "sir", "lord", "king", "prince", "duke", "count", "baron", "brother", "spokesman",
        "chairman", "congressman", "businessman", "policeman", "actor", "waiter", "man", "boy",
        "father", "dad", "husband", "son", "boyfriend", "grandfather", "grandson", "uncle",
        "nephew", "widower", "groom", "fiance", "stepfather", "sportsman", "councilman",
        "anchorman", "himself", "monk", "pope",
    }
)  # fmt: skip
# (unambiguous names only: "Jordan", "Taylor", "Kelly" are left to the article's pronouns)
FEMALE_NAMES = frozenset(
    {
        "mary", "patricia", "jennifer", "linda", "elizabeth", "barbara", "susan", "jessica",
        "sarah", "karen", "nancy", "lisa", "betty", "margaret", "sandra", "ashley", "kimberly",
        "emily", "donna", "michelle", "dorothy", "carol", "amanda", "melissa", "deborah",
        "stephanie", "rebecca", "sharon", "laura", "cynthia", "kathleen", "amy", "angela",
        "shirley", "anna", "ann", "anne", "brenda", "pamela", "emma", "nicole", "helen",
        "samantha", "katherine", "kate", "christine", "debra", "rachel", "catherine", "carolyn",
        "janet", "ruth", "maria", "heather", "diane", "virginia", "julie", "joyce", "victoria",
        "olivia", "christina", "lauren", "joan", "evelyn", "judith", "megan", "cheryl",
        "andrea", "hannah", "martha", "jacqueline", "frances", "gloria", "teresa", "kathryn",
        "sara", "janice", "jean", "alice", "madison", "doris", "abigail", "julia", "judy",
        "grace", "denise", "amber", "marilyn", "beverly", "danielle", "theresa", "sophia",
        "marie", "diana", "brittany", "natalie", "isabella", "charlotte", "rose", "alexis",
        "kayla", "lucy", "caitlin", "claire", "hillary", "angelina", "stacey",
        "tracy", "jane", "louise", "fiona", 
    }
)  # fmt: skip
MALE_NAMES = frozenset(
    {
        "james", "robert", "john", "michael", "william", "david", "richard", "joseph", "thomas",
        "charles", "christopher", "daniel", "matthew", "anthony", "mark", "donald", "steven",
        "paul", "andrew", "joshua", "kenneth", "kevin", "brian", "george", "timothy", "ronald",
        "edward", "jason", "jeffrey", "ryan", "jacob", "gary", "nicholas", "eric", "jonathan",
        "stephen", "larry", "justin", "scott", "brandon", "benjamin", "samuel", "gregory",
        "alexander", "frank", "patrick", "raymond", "jack", "dennis", "jerry", "tyler", "aaron",
        "jose", "adam", "nathan", "henry", "douglas", "zachary", "peter", "kyle", "walter",
        "ethan", "jeremy", "harold", "keith", "christian", "roger", "noah", "gerald", "carl",
        "terry", "sean", "austin", "arthur", "lawrence", "jesse", "dylan", "bryan", "joe",
        "billy", "bruce", "albert", "willie", "gabriel", "logan", "alan", "juan",
        "wayne", "roy", "ralph", "randy", "eugene", "vincent", "russell", "elijah", "louis",
        "bobby", "philip", "johnny", "mohammed", "muhammad", "mohammad", "ahmed", "ali", "omar",
        "vladimir", "sergey", "sergei", "dmitry", "barack", "bill", "tom", "tony", "jim", "bob",
        "mike", "dave", "steve", "chris", "dan", "ben", "sam", "tim", "nick", 
        "jeff", "greg", "ed", "ted", "luke", "lloyd", "victor", "hugh",
    }
)  # fmt: skip
PRONOUN_GENDER = {"he": "m", "him": "m", "his": "m", "himself": "m", "she": "f", "her": "f", "hers": "f", "herself": "f"}
# Words a recogniser sometimes runs into a person's name ("Kim Kardashian Instagram").
NAME_TRAILERS = frozenset(
    {"instagram", "twitter", "facebook", "youtube", "snapchat", "tiktok", "tumblr", "pinterest", "linkedin", "reddit"}
)
# Descriptions of organisations resolved to a named organisation of the article ("the company
# said" -> "Comcast"); media words prefer an organisation that already spoke.
ORG_DESCRIPTION_NOUNS = frozenset(
    {
        "company", "firm", "group", "charity", "organisation", "organization", "agency",
        "network", "hospital", "department", "ministry", "council", "newspaper", "paper",
        "broadcaster", "channel", "magazine", "tabloid", "website", "site", "outlet", "station",
        "university", "school", "college", "club", "team", "airline", "bank", "studio",
        "institute", "foundation", "union", "party", "office", "association", "commission",
        "committee", "authority", "retailer", "carrier", "manufacturer", "maker", "publisher",
        "label", "band", "shelter", "centre", "center", "clinic", "service", "chain", "giant",
        "startup", "brand", "board", "court", "embassy", "daily", "developer", "publication",
    }
)  # fmt: skip
MEDIA_NOUNS = frozenset(
    {"newspaper", "paper", "broadcaster", "channel", "magazine", "tabloid", "website", "site", "outlet", "station",
     "network", "daily", "publisher", "publication"}
)  # fmt: skip
# Words of a news outlet's name ("World News Daily Report", "The Sunday Times"): "the
# publication" refers to the latest organisation so named when no outlet has spoken yet.
MEDIA_NAME_WORDS = frozenset(
    {"news", "times", "post", "journal", "herald", "tribune", "daily", "gazette", "telegraph", "guardian",
     "mail", "express", "report", "reporter", "magazine", "chronicle", "observer", "independent", "mirror",
     "weekly", "review", "press", "radio", "tv", "television", "media", "globe", "courier", "inquirer"}
)  # fmt: skip
# Collective or media nouns that are never one person ("the Italian press", "the forum"), so a
# later "he"/"she" does not refer to them.
# "a user named 'X'", "a man called X": the name is the person's.
NAMING_LEMMAS = frozenset({"name", "call", "dub"})
# "the pair", "the couple": the two people last named together ("X and Y").
PAIR_NOUNS = frozenset({"pair", "couple", "duo", "twosome"})
COLLECTIVE_NOUNS = frozenset({"press", "forum", "community", "board", "panel", "jury", "crowd", "audience"})
NAME_STOPWORDS = frozenset({"the", "of", "and", "for", "&", "de", "in", "on", "at"})
# Lines that are navigation, not text ("READ MORE: ...", "Follow us on Twitter").
SKIP_LINE_PREFIXES = (
    "read more", "more:", "also read", "read also", "see also", "related:", "related articles",
    "related stories", "watch:", "watch more", "click here", "click photo", "share this",
    "subscribe", "sign up", "advertisement", "listen:", "photo:", "image:", "caption:",
    "video:", "pictured:", "follow us", "follow @",
)  # fmt: skip
# A caption ends with a photo credit in brackets: "(Photo by AFP)", "(photo credit: ...)".
CREDIT_MAX_WORDS = 12  # a photo credit in brackets is short and is not a sentence
CAPTION_RE = re.compile(r"\((?:[^()]*\b(?:photo|photos|image|picture|credit|getty|file)\b[^()]*)\)\s*$", re.IGNORECASE)
# A line that ends with one of these characters is running text, not a headline.
TERMINAL_CHARS = frozenset(".!?:;…\"”’'")
HEADLINE_MAX_WORDS = 30
TITLE_CASE_SHARE = 0.6
QUOTE_MARKS = "\"“”«»„‘’'″"
QUOTE_MARK_RE = re.compile("[\"“”«»„‘’'″]")
DOUBLE_OPENERS = frozenset("“«„")
DOUBLE_CLOSERS = frozenset("”»″")  # ″ (double prime) is typed for ” in some feeds
OPEN_CONTEXT = frozenset("([{—–-/") | frozenset(QUOTE_MARKS)
CLOSE_CONTEXT = frozenset(",.;:!?)]}—–-…") | frozenset(QUOTE_MARKS)
SENTENCE_END = frozenset({".", "!", "?"})
TRIM_PUNCT = frozenset(",.;:!?—–-…") | frozenset(QUOTE_MARKS)
# How far (in tokens) an attribution may be from the quotation it attributes.
FRAME_AFTER = 15
FRAME_BEFORE = 25
# A quotation attributed only by adjacency must look like speech, not a quoted name/phrase.
SPEECH_MIN_WORDS_WITH_VERB = 3
SPEECH_MIN_WORDS = 12


# --------------------------------------------------------------------------------------------
# Document structure
# --------------------------------------------------------------------------------------------


@dataclass(slots=True)
class _Quote:
    """One quotation: ``start``/``end`` delimit its content (marks excluded)."""

    id: int
    start: int
    end: int
    first: int = -1  # first token inside the content
    last: int = -1  # last token inside the content
    words: int = 0
    has_verb: bool = False

    @property
    def speech_like(self) -> bool:
        """A statement rather than a quoted name or phrase ("friends", a "turning point")."""
        return (self.has_verb and self.words >= SPEECH_MIN_WORDS_WITH_VERB) or self.words >= SPEECH_MIN_WORDS


def _mark_role(text: str, pos: int, line_start: int, line_end: int) -> tuple[str, str] | None:
    """Classify the quotation mark at ``pos`` as (family, role).

    family is "double" or "single"; role is "open", "close" or "either" (straight quotes between
    two spaces or two letters). Curly marks normally say their role, but a mark whose
    surroundings clearly say the opposite (``”Text`` / ``text“ ``) is taken at its context.
    An apostrophe inside a word (``don't``) is not a quotation mark: None.
    """
    ch = text[pos]
    prev = text[pos - 1] if pos > line_start else " "
    if text.startswith("''", pos):  # two apostrophes typed for a closing double mark: ''
        ch = '"'
        pos += 1
    nxt = text[pos + 1] if pos + 1 < line_end else " "
    left_open = prev.isspace() or prev in OPEN_CONTEXT
    right_open = nxt.isspace() or nxt in CLOSE_CONTEXT
    if ch in DOUBLE_OPENERS:
        return "double", "close" if right_open and not left_open else "open"
    if ch in DOUBLE_CLOSERS:
        return "double", "open" if left_open and not right_open else "close"
    if ch == '"':
        if left_open and not right_open:
            return "double", "open"
        if right_open and not left_open:
            return "double", "close"
        return "double", "either"
    if ch == "‘":
        return ("single", "open") if left_open and not right_open else None
    # ’ and ': apostrophes unless at a word boundary
    if left_open and not right_open:
        return "single", "open"
    if right_open and not left_open:
        return "single", "close"
    return None


def _scan_family(
    text: str, lines: list[tuple[int, int]], marks: list[int], family: str, close_unterminated: bool
) -> list[tuple[int, int]]:
    """Pair the marks of one family into quotations; returns content spans (start, end).

    Marks are paired per line. A quotation still open at the end of its line continues when the
    next non-empty line starts with an opening mark of the same family (the convention for a
    quote that runs over several paragraphs); otherwise it ends at the line end
    (``close_unterminated``) or is dropped (single marks: probably apostrophes).
    """
    spans: list[tuple[int, int]] = []
    by_line: list[list[int]] = [[] for _ in lines]
    li = 0
    for pos in marks:
        while lines[li][1] < pos:
            li += 1
        by_line[li].append(pos)
    open_at: int | None = None  # content start of the open quotation
    skip: int | None = None  # the reopening mark of a continued quotation
    nonempty = [i for i, (s, e) in enumerate(lines) if e > s]
    next_nonempty = {a: b for a, b in itertools.pairwise(nonempty)}
    for li, (ls, le) in enumerate(lines):
        for pos in by_line[li]:
            if pos == skip:
                continue
            role = _mark_role(text, pos, ls, le)
            if role is None or role[0] != family:
                continue
            kind = role[1]
            if open_at is None:
                if kind != "close":
                    open_at = pos + 1
            elif kind in ("close", "either") or text[pos] == '"':
                spans.append((open_at, pos))
                open_at = None
            elif text[pos] in DOUBLE_OPENERS or text[pos] == "‘":
                # a clear opener while open: the previous quotation was never closed
                spans.append((open_at, pos))
                open_at = pos + 1
        if open_at is not None and le > ls:
            nxt = next_nonempty.get(li)
            if nxt is not None:
                ns, ne = lines[nxt]
                role = _mark_role(text, ns, ns, ne) if text[ns] in QUOTE_MARKS else None
                if role is not None and role[0] == family and role[1] != "close":
                    skip = ns
                    continue
            if close_unterminated:
                spans.append((open_at, le))
            open_at = None
    return spans


def _find_quotes(text: str, lines: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """All outermost quotations as content spans, sorted, trimmed of white space.

    Double marks (straight and curly) are paired first; single marks (‘...’, '...') only where
    they are not inside a double quotation, and a double quotation inside a single one is
    dropped as nested.
    """
    doubles: list[int] = []
    singles: list[int] = []
    for m in QUOTE_MARK_RE.finditer(text):
        p = m.start()
        if m.group() == "'" and (text.startswith("''", p) or text.startswith("''", p - 1)):
            if text.startswith("''", p) and not text.startswith("'", p + 2) and not text.startswith("''", p - 1):
                doubles.append(p)  # 'Fine,'' he said': the two apostrophes are one double mark
            continue
        (singles if m.group() in "‘’'" else doubles).append(p)
    spans = _scan_family(text, lines, doubles, "double", close_unterminated=True)
    if singles:
        inside = _Intervals([(s - 1, e + 1) for s, e in spans])
        outer_singles = [p for p in singles if not inside.contains(p)]
        single_spans = _scan_family(text, lines, outer_singles, "single", close_unterminated=False)
        if single_spans:
            outer = _Intervals(single_spans)
            spans = [sp for sp in spans if not outer.contains(sp[0])] + single_spans
            spans.sort()
    trimmed = []
    for s, e in spans:
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if e > s:
            trimmed.append((s, e))
    return trimmed


class _Intervals:
    """Sorted, non-overlapping intervals with a containment test in O(log n)."""

    __slots__ = ("_ends", "_starts")

    def __init__(self, spans: list[tuple[int, int]]) -> None:
        self._starts = [s for s, _ in spans]
        self._ends = [e for _, e in spans]

    def contains(self, pos: int) -> bool:
        i = bisect_right(self._starts, pos) - 1
        return i >= 0 and pos < self._ends[i]


def _is_credit(bracket: str) -> bool:
    """A photo credit in brackets ("(AP Photo/Paul Sakuma, File)"), not a bracketed sentence of
    the paragraph that mentions a photo ("(If the figures look strange in the photo above, ...
    1978.)")."""
    inner = bracket[1:-1].strip()
    return len(inner.split()) <= CREDIT_MAX_WORDS and inner[-1:] not in SENTENCE_END


def _is_skipped_line(line: str) -> bool:
    """Headline, caption or navigation line: no claims are taken from it.

    * navigation: "READ MORE: ...", "MORE: ...", "Click here", "Follow us" ...;
    * caption: ends with a photo credit in brackets ("(Photo by AFP)"; see ``_is_credit``);
    * headline/title: no final punctuation and up to HEADLINE_MAX_WORDS words, or longer but
      mostly capitalised words (a list of linked headlines).
    """
    stripped = line.strip()
    if not stripped:
        return True
    lowered = stripped.lower()
    if lowered.startswith(SKIP_LINE_PREFIXES):
        return True
    credit = CAPTION_RE.search(stripped)
    if credit is not None and _is_credit(credit.group(0)):
        return True
    if stripped[-1] in TERMINAL_CHARS:
        return False
    words = stripped.split()
    if len(words) <= HEADLINE_MAX_WORDS:
        return True
    capitalised = sum(1 for w in words if w[:1].isupper())
    return capitalised >= TITLE_CASE_SHARE * len(words)  # a run of linked headlines


def _repaired_ents(doc: Doc) -> list[Span]:
    """The recogniser's entities, with a person's name it cut short completed: "John Micheal"
    tagged PERSON and "O'neal" left out, although the name's words are compounds of that last
    word (one look at the token after each PERSON entity, so linear)."""
    ents = list(doc.ents)
    for k, ent in enumerate(ents):
        if ent.label_ != "PERSON" or ent.end >= len(doc):
            continue
        nxt = doc[ent.end]
        if (
            nxt.pos_ in ("PROPN", "NOUN") and not nxt.ent_type_ and nxt.text[:1].isupper() and nxt.idx == ent.end_char + 1
            and ent.root.dep_ == "compound" and ent.root.head.i == nxt.i and nxt.lower_ not in ORG_NAME_WORDS
            and nxt.lower_.rstrip(".") not in HONORIFICS and not nxt.text.isupper()
        ):  # fmt: skip
            ents[k] = doc[ent.start : ent.end + 1]
            ents[k].label_ = "PERSON"
    # "the Mirfield man", "a Leeds woman": a place written before a person noun, not a person
    return [
        ent for ent in ents
        if not (
            ent.label_ == "PERSON" and ent.root.dep_ == "compound" and ent.root.head.i == ent.end
            and ent.root.head.tag_ == "NN" and ent.root.head.lemma_.lower() in PLACE_MODIFIED_NOUNS
            and ent.start > 0 and doc[ent.start - 1].lower_ in ("the", "a", "an")
        )
    ]  # fmt: skip


class _DocIndex:
    """Per-token structure computed once per document (every pass is linear).

    A *unit* is a sentence cut at line breaks: spaCy's sentences and dependency arcs sometimes
    run over a paragraph break (a headline into the first line, a colon into the next
    paragraph), so contents and speakers are always kept inside the unit of their cue.
    """

    def __init__(self, doc: Doc) -> None:
        text = doc.text
        self.doc = doc
        self.text = text
        self.tokens: list[Token] = list(doc)
        lines: list[tuple[int, int]] = []
        pos = 0
        for chunk in text.split("\n"):
            lines.append((pos, pos + len(chunk)))
            pos += len(chunk) + 1
        self.lines = lines
        self.line_skipped = [_is_skipped_line(text[s:e]) for s, e in lines]
        self.quotes = [_Quote(i, s, e) for i, (s, e) in enumerate(_find_quotes(text, lines))]
        n = len(self.tokens)
        self.line_of = [0] * n
        self.quote_of = [-1] * n
        self.is_mark = [False] * n
        self.is_word = [False] * n
        self.unit_of = [0] * n
        self.unit_first: list[int] = []
        self.unit_last: list[int] = []
        li = qi = 0
        unit = -1
        prev_line = -1
        quotes = self.quotes
        for t in self.tokens:
            i = t.i
            idx = t.idx
            while li + 1 < len(lines) and idx >= lines[li + 1][0]:
                li += 1
            self.line_of[i] = li
            if t.is_space:
                self.unit_of[i] = max(unit, 0)
            else:
                if unit < 0 or t.is_sent_start or li != prev_line:
                    unit += 1
                    self.unit_first.append(i)
                    self.unit_last.append(i)
                self.unit_of[i] = unit
                self.unit_last[unit] = i
                prev_line = li
            self.is_mark[i] = all(c in QUOTE_MARKS for c in t.text)
            self.is_word[i] = not (t.is_punct or t.is_space or self.is_mark[i])
            while qi < len(quotes) and quotes[qi].end <= idx:
                qi += 1
            if qi < len(quotes) and quotes[qi].start <= idx < quotes[qi].end:
                q = quotes[qi]
                self.quote_of[i] = qi
                if q.first < 0:
                    q.first = i
                q.last = i
                if self.is_word[i]:
                    q.words += 1
                    if t.pos_ in ("VERB", "AUX"):
                        q.has_verb = True
        if not self.unit_first:
            self.unit_first, self.unit_last = [0], [n - 1]
        self.ents = _repaired_ents(doc)

    def skipped(self, i: int) -> bool:
        """True when token ``i`` is on a headline/caption/navigation line."""
        return self.line_skipped[self.line_of[i]]

    def unit_bounds(self, i: int) -> tuple[int, int]:
        """First and last token of the unit of token ``i``."""
        u = self.unit_of[i]
        return self.unit_first[u], self.unit_last[u]

    def same_unit(self, i: int, j: int) -> bool:
        return self.unit_of[i] == self.unit_of[j]

    def char_span(self, a: int, b: int) -> tuple[int, int]:
        """Character span of tokens a..b (inclusive)."""
        tb = self.tokens[b]
        return self.tokens[a].idx, tb.idx + len(tb.text)

    def words_between(self, a: int, b: int) -> int:
        """Number of word tokens in a..b (inclusive)."""
        return sum(1 for i in range(max(a, 0), b + 1) if self.is_word[i])

    def trim(self, a: int, b: int) -> tuple[int, int] | None:
        """Drop leading/trailing punctuation, quotation marks and a leading "that" from a..b."""
        toks = self.tokens
        while a <= b and (
            toks[a].is_space or toks[a].text in TRIM_PUNCT or self.is_mark[a] or
            (toks[a].lower_ == "that" and toks[a].dep_ == "mark")
        ):  # fmt: skip
            a += 1
        while b >= a and (toks[b].is_space or toks[b].text in TRIM_PUNCT or self.is_mark[b] or toks[b].pos_ == "CCONJ"):
            b -= 1
        return (a, b) if a <= b else None


# --------------------------------------------------------------------------------------------
# Cues: reporting verbs, their speakers and contents
# --------------------------------------------------------------------------------------------

# Subjects that do not name anyone ("he had this to say", "what was said").
NON_REFERENTIAL = frozenset({"this", "that", "what", "there", "these", "those", "which", "who"})
# Dependents of a reporting verb that end its content: "said X, adding Y", "said X and added Y",
# "announced X, and the launch could be ..." (a coordinated clause without "that").
CONTENT_STOP_DEPS = frozenset({"advcl", "conj", "parataxis"})
# Subordinating conjunctions of a clause that belongs to the content when the attribution
# interrupts the sentence ("When he came back, LeFevre said, Rob was happy").
CLAUSE_MARKS = frozenset({"when", "if", "as", "because", "after", "before", "while", "since", "once", "until"})
# 'said only that "..."': words that do not make a quotation partial.
FOCUS_ADVERBS = frozenset({"only", "simply", "merely", "just", "that"})
# Light-verb reporting idioms: "made clear that".
LIGHT_VERBS = {"make": "clear"}
# "released a statement: '...'": publishing a statement attributes the quotation next to it.
# Verbs whose object is the person addressed ("told CNN's Jo Roe"): a subject the parser put
# after such a verb, when there is one before it, is the addressee.
ADDRESSEE_LEMMAS = frozenset({"tell", "inform", "assure", "remind", "reassure"})
PUBLISH_VERBS = frozenset({"release", "issue", "publish", "post", "put"})
STATEMENT_NOUNS = frozenset({"statement", "message", "tweet", "letter", "note", "communique", "comment"})
# Dependency labels climbed from a subject-less participle or infinitive to the clause it
# belongs to ("..., adding that", "went on to note", "quick to condemn ..., warning").
CLIMB_DEPS = frozenset({"advcl", "xcomp", "conj", "pcomp", "prep", "acl"})
# Participles that describe the speech act itself ("..., repeating Moscow's reproach",
# "..., citing intelligence data"): they end a content they are attached to.
SPEECH_ACTS = REPORTING_LEMMAS | {
    "repeat", "cite", "echo", "refer", "quote", "describe", "criticise", "criticize", "condemn",
    "praise", "welcome", "reject", "dismiss", "accuse", "blame", "reference", "refute", "contradict",
    "rebut", "dispute",
}  # fmt: skip
# Finite verb tags: a clause rather than a noun phrase follows.
FINITE_TAGS = frozenset({"VBD", "VBZ", "VBP", "MD"})
# Verbs that take a bare clause ("Sources say Bale ... came"): the only ones for which a lost
# complement is recovered from the words that follow (see _ContentFinder._forward).
FORWARD_LEMMAS = frozenset(
    {
        "say", "claim", "believe", "think", "report", "insist", "argue", "suggest", "allege", "add",
        "note", "explain", "state", "stress", "confirm", "announce", "deny", "admit",
        "acknowledge", "maintain", "predict", "reveal", "contend", "concede", "emphasise", "emphasize",
    }
)  # fmt: skip


@dataclass(slots=True)
class _Cue:
    """A reporting verb that reports, with its speaker and (if any) its content range."""

    token: int
    lemma: str
    cue_span: tuple[int, int]  # characters of the verb (+ particle: "pointed out", "called on")
    speaker: int  # head token of the speaker noun phrase, -1 if not found (yet)
    content: tuple[int, int, int] | None = None  # (root, first, last) tokens of the content
    co_reports: tuple[int, ...] = ()  # participles cut from the content ("..., adding that")
    name: str | None = None  # resolved speaker name (set by the resolver)
    resolved: bool = False


def _blocked(t: Token) -> bool:
    """Negated, modal, conditional, refused, intended or agentless passive reporting.

    "did not say", "could claim", "if he says", "declined to comment", "refused to say",
    "is expected to announce", "came to warn that" (an infinitive other than "went on to say"),
    "are said to be" (passive without a "by" agent).
    """
    passive = agent = False
    for c in t.children:
        dep = c.dep_
        if dep == "neg":
            return True
        if dep == "aux" and c.lemma_.lower() in MODAL_LEMMAS:
            return True
        if dep == "mark" and c.lower_ in CONDITIONAL_MARKS:
            return True
        if dep in ("nsubjpass", "auxpass"):
            passive = True
        elif dep == "agent":
            agent = True
    if passive and not agent:
        return True
    if t.i >= 2 and t.doc[t.i - 1].lower_ in ("'ve", "’ve") and t.doc[t.i - 2].lower_ in MODAL_LEMMAS:
        return True  # "I would've thought", parsed with "'ve" as a subject
    head = t.head
    infinitive = any(c.dep_ == "aux" and c.lower_ == "to" for c in t.children)
    if infinitive and head.lemma_.lower() not in INFINITIVE_REPORT_HEADS:
        return True  # "riding to see him to warn that ...": an intention, not a report
    if infinitive and head.lemma_.lower() == "have" and any(
        c.dep_ == "dobj" and c.pos_ in ("NOUN", "PROPN") for c in head.children
    ):
        return True  # "had this to say", but "has no evidence to suggest ..." is not a report
    if t.dep_ in ("xcomp", "acomp") and head is not t:
        if head.lemma_.lower() in BLOCKING_HEADS:
            return True
        if any(c.dep_ == "neg" or (c.dep_ == "aux" and c.lemma_.lower() in MODAL_LEMMAS) for c in head.children):
            return True
    return False


def _subject(ix: _DocIndex, node: Token, passive_ok: bool) -> tuple[Token | None, bool]:
    """Subject of ``node`` in its unit: (subject, saw a non-referential subject).

    A relative pronoun is replaced by the noun its clause modifies ("officials who said"). When
    the parser gave the verb two subjects, the one nearest to the verb is taken.
    """
    deps = ("nsubj", "nsubjpass") if passive_ok else ("nsubj",)
    nonref = False
    order = sorted(node.children, key=lambda c: abs(c.i - node.i))
    if node.lemma_.lower() in ADDRESSEE_LEMMAS and any(c.dep_ in deps and c.i < node.i for c in order):
        # "X, the lawyer, told CNN's Jo Roe": the name after "told" is the addressee, misparsed
        order = [c for c in order if not (c.dep_ in deps and c.i > node.i)]
    for c in order:
        if c.dep_ not in deps or not ix.same_unit(c.i, node.i):
            continue
        lower = c.lower_ if not (c.tag_ == "NNP" and c.text.isupper()) else ""  # "the WHO said": a name
        if lower in RELATIVE_PRONOUNS and node.dep_ == "relcl":
            return node.head, False
        if (
            lower in NON_REFERENTIAL or c.pos_ in ("VERB", "AUX")
            or (lower == "it" and any(g.dep_ == "ccomp" for g in node.children))
        ):  # fmt: skip
            nonref = True
            continue
        return c, False
    return None, nonref


def _speaker_of(ix: _DocIndex, t: Token) -> Token | None:
    """Head of the speaker noun phrase of reporting verb ``t`` (all inside ``t``'s unit).

    1. the verb's subject, or the agent of a passive ("announced by the ministry");
    2. "quoted X as saying": X; "a message saying ...": who sent the message;
    3. a participle or infinitive without subject: the subject of the clause it hangs on
       (climbing advcl/xcomp/conj/prep links; "he had this to say" also climbs a ccomp);
    4. inverted order after a comma ("..., says screenwriter Aaron Sorkin"): the name after the
       verb;
    5. "X, who ..., told Y that Z" where the parser hung X on a clause left of the verb: that
       clause's subject; "the post read" parsed as one noun phrase: "post".
    Parser errors around coordination and long titles are repaired on the way: a coordinated
    verb takes the noun right before it ("... and Moscow said"), and a person named right before
    the verb wins over a subject that is not a person ("Director at the X Foundation Sajjan M.
    Cohel said").
    """
    subj, nonref = _subject(ix, t, passive_ok=False)
    if subj is None and t.dep_ == "conj":
        subj = _left_noun(ix, t)  # "... pounded Aleppo and Moscow said ...": Moscow, not the first subject
    if subj is not None:
        if subj.ent_type_ != "PERSON" and subj.pos_ != "PRON" and subj.i < t.i:
            named = _name_before(ix, t)
            if named is not None and subj.left_edge.i <= named.i and not _under_verb(named, subj):
                return named  # "terror expert and Director at the X Foundation Sajjan M. Cohel said"
        return subj
    for c in t.children:
        if c.dep_ == "agent":
            return next((g for g in c.children if g.dep_ == "pobj"), None)
    node = t
    for _ in range(3):
        head, dep = node.head, node.dep_
        if head is node or not ix.same_unit(head.i, t.i):
            break
        if dep == "pcomp" and head.lower_ in ("as", "in") and head.head.lemma_ in ("quote", "cite"):
            # "quotes X in stating"; passive: "X was quoted as saying"
            return next((c for c in head.head.children if c.dep_ == "dobj"), None) or next(
                (c for c in head.head.children if c.dep_ == "nsubjpass" and ix.same_unit(c.i, t.i)), None
            )
        if dep == "prep" and node.pos_ == "ADP" and _is_noun_complement(head):
            # "addressed the reports that A could happen by saying ...": the parser hung "by
            # saying" in the noun's that-clause; its subject (A) is not the speaker
            outer = head.head.head if head.head.pos_ in ("NOUN", "PROPN") else head.head
            if outer.pos_ in ("VERB", "AUX") and ix.same_unit(outer.i, t.i):
                subj, _ = _subject(ix, outer, passive_ok=True)
                if subj is not None:
                    return subj
        if dep == "acl" and head.pos_ in ("NOUN", "PROPN"):
            return _document_owner(head) or head
        if dep not in CLIMB_DEPS and not (nonref and dep == "ccomp"):
            break
        node = head
        if node.pos_ in ("VERB", "AUX"):
            subj, nonref = _subject(ix, node, passive_ok=True)
            if subj is not None:
                return subj
    return _inverted_speaker(ix, t) or _left_clause_subject(ix, t) or _left_compound(t) or _left_person(ix, t)


def _is_noun_complement(v: Token) -> bool:
    """``v`` heads the "that" clause of a noun ("the reports that Apple Pay could be ...")."""
    return v.dep_ in ("acl", "relcl") and v.head.pos_ == "NOUN" and any(
        c.dep_ == "mark" and c.lower_ == "that" for c in v.children
    )


def _left_compound(t: Token) -> Token | None:
    """'the post read' mis-parsed as one noun phrase: the noun right before the verb."""
    if t.i == 0:
        return None
    left = t.doc[t.i - 1]
    return left if left.head.i == t.i and left.dep_ == "compound" and left.pos_ in ("NOUN", "PROPN") else None


def _left_person(ix: _DocIndex, t: Token) -> Token | None:
    """'In a statement to the Post, O'Brien and Wright said:' where the names were hung on
    "Post": a person named right before a verb that has no subject (the first of coordinated
    names, so that all of them are resolved)."""
    left = _left_noun(ix, t)
    if left is None or left.pos_ != "PROPN" or left.ent_type_ != "PERSON":
        return None
    while left.dep_ == "conj" and left.head.ent_type_ == "PERSON" and left.head.i < left.i:
        left = left.head
    return left


def _name_before(ix: _DocIndex, t: Token) -> Token | None:
    """A PERSON name ending right before the verb, not governed by a preposition right before
    it ("Director at the Asia Pacific Foundation Sajjan M. Cohel said", but not "a spokesman for
    Joe Biden said")."""
    k = t.i - 1
    while k >= 0 and ix.tokens[k].dep_ in ("advmod", "aux"):
        k -= 1
    if k < 1 or ix.tokens[k].ent_type_ != "PERSON":
        return None
    start = k
    while start > 0 and ix.tokens[start - 1].ent_type_ == "PERSON" and ix.tokens[start].ent_iob_ != "B":
        start -= 1
    before = ix.tokens[start - 1]
    if before.pos_ == "ADP" or before.is_punct:
        return None
    return ix.tokens[k]


def _under_verb(tok: Token, top: Token) -> bool:
    """A past participle modifying a noun stands between ``tok`` and its ancestor ``top`` ("One
    official in the report assembled by Bill Gertz": Gertz is the agent of "assembled", not the
    subject)."""
    node = tok
    for _ in range(12):
        if node is top or node.head is node:
            return False
        node = node.head
        if node is not top and node.pos_ == "VERB" and node.dep_ == "acl" and node.tag_ == "VBN":
            return True
    return False


def _document_owner(noun: Token) -> Token | None:
    """For "X posted a message saying ...", "in an interview confirming ...": X."""
    if noun.lemma_.lower() not in DOCUMENT_NOUNS or noun.dep_ not in ("dobj", "pobj"):
        return None
    if any(c.dep_ == "poss" or (c.dep_ == "compound" and c.pos_ == "PROPN") for c in noun.children):
        return None  # "disputed a Golf.com report saying ...": the report's own source speaks
    owner = noun.head
    if owner.dep_ == "prep" or owner.pos_ == "ADP":
        owner = owner.head
    if owner.pos_ not in ("VERB", "AUX"):
        return None
    return next((c for c in owner.children if c.dep_ == "nsubj"), None)


def _inverted_speaker(ix: _DocIndex, t: Token) -> Token | None:
    """Speaker named right after the verb in ``"...," said X`` / ``..., says X`` / ``Writes the
    site:`` when the parser did not make X the subject: the first entity or noun within four
    words after the verb, which must follow a comma or open the sentence."""
    toks = ix.tokens
    first, last = ix.unit_bounds(t.i)
    k = t.i - 1
    while k >= first and (ix.is_mark[k] or toks[k].dep_ == "aux"):
        k -= 1
    if k >= first and toks[k].text != ",":
        return None
    if k < first and t.tag_ not in ("VBZ", "VBD"):
        return None  # "Add to this ...": an imperative, not "Writes the site:"
    for k in range(t.i + 1, min(t.i + 5, last + 1)):
        tok = toks[k]
        if tok.ent_type_ in ("PERSON", "ORG", "NORP", "GPE"):
            root = tok
            while root.dep_ in ("compound", "flat") and root.head.i > root.i:
                root = root.head
            return root
        if tok.pos_ in ("NOUN", "PROPN") and tok.dep_ != "compound":
            return tok
    return None


def _left_clause_subject(ix: _DocIndex, t: Token) -> Token | None:
    """Subject of the nearest clause left of the verb when the verb has no subject but has a
    complement after it (the parser hung the real subject on that clause: "X, who was convinced
    ..., told Y that Z", "Colonel X appeared to dodge the question, saying said he ...")."""
    if not any(c.dep_ == "ccomp" and c.i > t.i for c in t.children):
        return None
    for c in reversed(list(t.lefts)):
        if c.dep_ in ("ccomp", "advcl", "conj", "parataxis") and ix.same_unit(c.i, t.i):
            subj, _ = _subject(ix, c, passive_ok=False)
            if subj is not None and ix.quote_of[subj.i] < 0:
                return subj
    return None


def _left_noun(ix: _DocIndex, t: Token) -> Token | None:
    """The noun right before a verb (skipping adverbs), as the subject of a coordinated clause."""
    k = t.i - 1
    while k >= 0 and ix.tokens[k].dep_ in ("advmod", "aux", "neg"):
        k -= 1
    if k < 0 or not ix.same_unit(k, t.i):
        return None
    left = ix.tokens[k]
    if left.pos_ in ("PROPN", "NOUN") or (left.pos_ == "PRON" and left.lower_ in PERSON_PRONOUNS | PLURAL_PRONOUNS):
        return left
    return None


# ", a claim that was disputed by ...", ", as claimed by ...": the writer's comment on the
# content, not part of it.
COMMENT_PUNCT = frozenset({",", "—", "–", "--"})
COMMENT_NOUNS = frozenset({"claim", "assertion", "allegation", "accusation", "charge", "statement", "remark", "suggestion"})


# "..., suggesting/leading ...": a participle after the content that draws the writer's inference
# or consequence (not part of what was said; "implying that" is not a claim, see the guideline).
INFERENCE_LEMMAS = frozenset({"suggest", "imply", "lead", "prompt", "spark", "fuel", "mean", "raise"})
# "..., although officials have yet to confirm it": the writer's concession after the content.
CONCESSIVE_MARKS = frozenset({"although", "though"})


def _comment_follows(toks: list[Token], k: int) -> bool:
    """After the comma (or dash) at ``k``: "a/an/the claim that ...", "as claimed/reported
    by", "as X (had) claimed" or a concession ("although ...", "even though ...")."""
    if k + 2 >= len(toks):
        return False
    a, b = toks[k + 1], toks[k + 2]
    if a.lower_ in CONCESSIVE_MARKS or (a.lower_ == "even" and b.lower_ == "though"):
        return True
    if a.lower_ == "as" and a.dep_ == "mark" and a.head.lemma_.lower() in REPORTING_LEMMAS and any(
        c.dep_ == "nsubj" for c in a.head.children
    ):  # "..., as Lebanese officials had claimed"
        return True
    if a.lower_ in ("a", "an", "the") and b.lemma_.lower() in COMMENT_NOUNS:
        return True
    if a.lower_ == "according" and b.lower_ == "to":  # "Y believes Z, according to X": X relays
        return True
    if a.tag_ == "VBG" and a.lemma_.lower() in INFERENCE_LEMMAS and a.dep_ in ("advcl", "xcomp", "conj"):
        return True  # "..., suggesting the battery will last a day": the writer's inference
    if a.tag_ == "VBG" and a.lemma_.lower() in INFERENCE_LEMMAS and b.dep_ in ("dobj", "nsubj", "det", "ccomp"):
        return True
    return a.lower_ == "as" and b.tag_ == "VBN" and b.lemma_.lower() in FRAME_LEMMAS | {"claim", "report", "cite"}


def _for_to_clause(t: Token, children: list[Token]) -> tuple[int, int, int] | None:
    """``shouted for him to look lively`` / ``pleaded for him to be released``: a request worded
    "for X to Y" (a clause with its own subject) after the verb; content "X to Y" (root, first,
    last). ("asked for it to go ahead", parsed as a prepositional object, is left alone.)"""
    for c in children:
        if c.i < t.i:
            continue
        if c.dep_ == "advcl" and any(g.dep_ == "mark" and g.lower_ == "for" for g in c.children) and any(
            g.dep_ in ("aux", "auxpass") and g.lower_ == "to" for g in c.children
        ):
            subj = next((g for g in c.children if g.dep_ in ("nsubj", "nsubjpass") and g.i < c.i), None)
            if subj is not None:
                return c.i, subj.left_edge.i, c.right_edge.i
    return None


def _is_relative(clause: Token) -> bool:
    """A relative clause mis-parsed as a complement: '"...," said the document, extracts of
    which were aired ...' (a relative pronoun governed by a preposition before the verb)."""
    return any(
        g.tag_ in ("WDT", "WP", "WP$") and g.dep_ == "pobj" for g in clause.doc[clause.left_edge.i : clause.i]
    )


def _has_that(clause: Token) -> bool:
    """The clause is introduced by "that"."""
    return any(g.dep_ == "mark" and g.lower_ == "that" for g in clause.children)


def _is_clause(c: Token) -> bool:
    """A clause with a subject or a finite verb, not a bare participle ("But asked if ...,
    Camosy said")."""
    return c.tag_ in FINITE_TAGS or any(
        g.dep_ in ("nsubj", "nsubjpass", "expl", "csubj") or g.tag_ in FINITE_TAGS for g in c.children
    )


def _possessor(tok: Token) -> Token | None:
    """The possessive owner of a noun: "Burton's claim", "his lawyer", also when the parser
    labelled the owner ``nmod`` ("the Mirror's source")."""
    for c in tok.children:
        if c.dep_ == "poss" or (
            c.dep_ == "nmod" and c.i < tok.i and any(g.dep_ == "case" and g.lower_ in ("'s", "’s", "'", "’") for g in c.children)
        ):
            return c
    return None


def _is_citing(c: Token) -> bool:
    """"..., X said, citing a visitor": a participle naming the source, not the content."""
    return c.tag_ == "VBG" and c.lemma_.lower() in ("cite", "quote") and not _has_subject(c)


def _has_subject(c: Token) -> bool:
    """A clause with its own subject or auxiliary, not a bare participle ("asked if ...")."""
    return any(g.dep_ in ("nsubj", "nsubjpass", "expl", "csubj", "aux", "auxpass") for g in c.children)


def _is_nominal(c: Token) -> bool:
    """Not a clause: a noun, or a gerund used as a noun ("confirmed the musician's passing")."""
    if c.pos_ not in ("VERB", "AUX"):
        return True
    return c.tag_ == "VBG" and any(
        g.dep_ in ("poss", "det") or (g.dep_ == "nsubj" and any(h.dep_ == "case" for h in g.children))
        for g in c.children
    )


class _ContentFinder:
    """The reported content of a reporting verb (token ranges clipped to the verb's unit)."""

    def __init__(self, ix: _DocIndex) -> None:
        self.ix = ix

    def find(self, t: Token, lemma: str, speaker: Token | None) -> tuple[tuple[int, int, int] | None, tuple[int, ...]]:
        """(root, first, last) of the content, and the co-reporting participles cut from it.

        In order: a clausal complement (``ccomp``; the first after the verb, else the last
        before it); ``urged/called on X to Y`` -> "X to Y"; ``accused X of Y`` -> "X of Y";
        ``vowed to Y``; ``insisted on Y``; a clause after a colon; a "that" clause hung on a
        modifier of the verb ("confirmed in the interview posted Thursday that ..."); an
        attribution at the end of its sentence ("..., X said") or interrupting it ("The
        capsule, he explained, was ...").
        """
        ix = self.ix
        first, last = ix.unit_bounds(t.i)
        found = self._complement(t, lemma)
        if found is not None and not (first <= found[0] <= last):
            found = None
        co: tuple[int, ...] = ()
        if found is not None:
            root, a, b = found
            a, b = max(a, first), min(b, last)
            if root > t.i and ix.tokens[root].dep_ in ("ccomp", "parataxis"):
                b, co = self._extend_after(t, root, b, last)
                a = self._interrupted_start(t, speaker, a)
            else:
                if any(ix.tokens[k].text == ";" for k in range(b + 1, t.i)):
                    return None, ()
                b = max(b, self._attribution_start(t, speaker) - 1)
                if a == first:
                    a = self._broken_start(a)
            co2: tuple[int, ...] = ()
            if root > t.i:  # "..., saying ...," reported X: the participle is inside the content
                b, co2 = self._cut_co_reports(ix.tokens[root], b)
            return (root, a, b), co + co2
        if lemma in CONTROL_ONLY_LEMMAS:
            return None, ()
        return self._trailing(t, speaker) or self._forward(t, speaker) or self._as_lead(t, speaker), ()

    def _as_lead(self, t: Token, speaker: Token | None) -> tuple[int, int, int] | None:
        """``As X reports, CLAUSE.`` / ``But as X points out, CLAUSE.``: an "as" clause with its
        own subject and no object, set off by a comma before the main clause it introduces;
        content: the main clause up to the end of the sentence. (After its clause, "..., as X
        had claimed" is the writer's comment and not handled here.)"""
        ix = self.ix
        toks = ix.tokens
        head = t.head
        if (
            speaker is None or speaker.head.i != t.i or speaker.i > t.i or t.dep_ != "advcl"
            or (head.i <= t.i and ix.same_unit(head.i, t.i)) or speaker.lower_ in GENERIC_AS_SUBJECTS  # "As they say, ...", "As one might expect, ...": an idiom
            or not any(c.dep_ == "mark" and c.lower_ == "as" and c.i < speaker.i for c in t.children)
            or any(c.dep_ in ("dobj", "ccomp", "xcomp", "attr", "oprd") for c in t.children)
        ):  # fmt: skip
            return None
        first, last = ix.unit_bounds(t.i)
        comma = t.right_edge.i if toks[t.right_edge.i].text == "," else t.right_edge.i + 1
        if comma > last or toks[comma].text != "," or ix.words_between(first, t.left_edge.i - 1) > 1:
            return None  # the "as" clause opens its sentence ("But as X points out, ...")
        a, b = comma + 1, last  # the clause introduced runs to the end of the sentence
        while b > a and not ix.is_word[b] and ix.quote_of[b] < 0:
            b -= 1
        # a finite verb with its own subject after the comma ("As X reports, the decision has ...")
        roots = [
            v for v in toks[a : b + 1]
            if v.pos_ in ("VERB", "AUX") and v.dep_ not in ("aux", "auxpass", "relcl", "acl")
            and (v.tag_ in FINITE_TAGS or any(c.dep_ in ("aux", "auxpass") and c.tag_ in FINITE_TAGS for c in v.children))
            and any(c.dep_ in ("nsubj", "nsubjpass", "csubj", "expl") and a <= c.i < v.i for c in v.children)
        ]  # fmt: skip
        if not roots:
            return None
        return roots[0].i, a, b

    def _complement(self, t: Token, lemma: str) -> tuple[int, int, int] | None:
        """The content the parse gives the verb (see :meth:`find` for the order), or None."""
        children = [c for c in t.children if self.ix.same_unit(c.i, t.i)]
        light = LIGHT_VERBS.get(t.lemma_.lower())
        if light is not None:  # "made clear that ...": the clause hangs on "clear"
            for c in children:
                if c.lower_ == light:
                    for g in c.children:
                        if g.dep_ in ("ccomp", "advcl") and _has_that(g):
                            return g.i, g.left_edge.i, g.right_edge.i
        found = None if lemma in CONTROL_ONLY_LEMMAS else _for_to_clause(t, children)
        if found is not None:  # "pleaded for him to be released" (but "asked for it to go ahead")
            return found
        if lemma in CONTROL_ONLY_LEMMAS:  # "asked X to Y"; "asked whether ..." is a question
            return self._object_control(t, lemma, children)
        ccomps = [
            c for c in children
            if c.dep_ == "ccomp" and not _is_nominal(c) and (c.i > t.i or _is_clause(c)) and not _is_relative(c)
            and not _is_citing(c)
        ]  # fmt: skip
        if ccomps:
            after = [c for c in ccomps if c.i > t.i]
            if after:
                c = after[0]
                if self._quoted_after_colon(t, c):  # "A, writes X: '...'": A is the content, the quote a claim too
                    before = [
                        g for g in children
                        if g.i < t.i and g.dep_ in ("ccomp", "advcl") and g.pos_ in ("VERB", "AUX")
                        and g.lower_ not in ("'s", "’s") and _has_subject(g) and not _is_nominal(g)
                        and not any(m.dep_ == "mark" for m in g.children)
                    ]  # fmt: skip
                    if before:
                        g = before[-1]
                        return g.i, min(h.left_edge.i for h in before), g.right_edge.i
                return c.i, c.left_edge.i, c.right_edge.i
            before = [c for c in ccomps if _has_subject(c)]
            if before:  # "A and B, reports claim": coordinated clauses hung on the verb one by one
                c = before[-1]
                return c.i, min(g.left_edge.i for g in before), c.right_edge.i
            return None  # "But asked if ..., X said, '...'": a participle, not what was said
        if lemma in OBJECT_CONTROL_LEMMAS:
            return self._object_control(t, lemma, children)
        if lemma in CHARGE_LEMMAS:
            return self._charge(t, children, lemma)
        if lemma in INFINITIVE_LEMMAS:
            x = next((c for c in children if c.dep_ == "xcomp" and c.pos_ in ("VERB", "AUX")), None)
            if x is not None and x.i > t.i:
                return x.i, x.left_edge.i, x.right_edge.i
        if lemma == "insist":
            for c in children:
                if c.dep_ == "prep" and c.lower_ == "on":
                    p = next((g for g in c.children if g.dep_ == "pcomp"), None)
                    if p is not None:
                        inner = p.lemma_.lower()
                        if inner in CHARGE_LEMMAS:  # "insisted on blaming X of Y" -> "X of Y"
                            return self._charge(p, list(p.children), inner)
                        return p.i, p.left_edge.i, p.right_edge.i
        for c in children:
            if c.dep_ == "parataxis" and c.i > t.i and any(s.text == ":" for s in t.doc[t.i + 1 : c.left_edge.i + 1]):
                return c.i, c.left_edge.i, c.right_edge.i
        return self._hung_that_clause(t)

    def _quoted_after_colon(self, t: Token, c: Token) -> bool:
        """The clause ``c`` after the verb is inside a quotation opened right after a colon."""
        ix = self.ix
        qid = ix.quote_of[c.i]
        if qid < 0:
            return False
        k = ix.quotes[qid].first - 1
        while k > t.i and (ix.is_mark[k] or ix.tokens[k].is_space):
            k -= 1
        return k > t.i and ix.tokens[k].text == ":"

    @staticmethod
    def _charge(t: Token, children: list[Token], lemma: str) -> tuple[int, int, int] | None:
        """``accused X of Y`` / ``blamed X for Y``: X..Y. The "of/for" phrase may hang on X, on a
        conjunct of X or on a time phrase ("accused Russia on Sunday of barbarism"); the one
        governing a gerund ("of enlisting") is preferred, else the last one."""
        obj = next((c for c in children if c.dep_ == "dobj"), None)
        if obj is None:
            return None
        end = max(c.right_edge.i for c in children if c.i > t.i)
        preps = [
            d for d in t.doc[obj.i + 1 : end + 1]
            if d.dep_ == "prep" and d.lower_ in CHARGE_PREPOSITIONS.get(lemma, ("of", "for")) and t.is_ancestor(d)
        ]  # fmt: skip
        if not preps:
            return None
        chosen = next((d for d in preps if any(g.dep_ == "pcomp" for g in d.children)), preps[-1])
        return chosen.i, obj.left_edge.i, chosen.right_edge.i

    @staticmethod
    def _object_control(t: Token, lemma: str, children: list[Token]) -> tuple[int, int, int] | None:
        """``urged X to Y`` / ``called on X to Y`` / ``warned X not to Y``: X..Y. X is the object
        or the object of "on"/"for"/"to"; the infinitive may hang on the verb or inside X."""
        obj = next((c for c in children if c.dep_ == "dobj"), None)
        preps = CONTROL_PREPOSITIONS.get(lemma, ())
        if obj is None:
            for c in children:
                if c.dep_ in ("prep", "prt") and c.lower_ in preps:
                    obj = next((g for g in c.children if g.dep_ == "pobj"), None)
                    break
        if obj is None:
            return None
        xcomp = next((c for c in children if c.dep_ == "xcomp" or (
            c.dep_ == "advcl" and any(a.dep_ == "aux" and a.lower_ == "to" for a in c.children))), None)
        if xcomp is not None and xcomp.i > obj.i:
            return xcomp.i, obj.left_edge.i, xcomp.right_edge.i
        if any(
            d.pos_ == "VERB" and d.dep_ in ("xcomp", "ccomp") and any(a.lower_ == "to" for a in d.lefts)
            for d in obj.subtree
        ):  # the infinitive hangs inside X ("called on countries that have forces to focus ...")
            return obj.i, obj.left_edge.i, obj.right_edge.i
        return None

    @staticmethod
    def _hung_that_clause(t: Token) -> tuple[int, int, int] | None:
        """A "that" clause attached below a modifier of the verb (parser error), at most five
        prepositional/participial links away ("told him in an appearance on the square that")."""
        frontier = [
            c for c in t.children  # "believe his claim that ...": the clause is the claim's (see _report_nouns)
            if c.dep_ in ("prep", "npadvmod", "dobj") and c.i > t.i and not (c.dep_ == "dobj" and c.lemma_.lower() in REPORT_NOUNS)
        ]
        for _ in range(5):
            nxt = []
            for node in frontier:
                for c in node.children:
                    if c.dep_ == "ccomp" and _has_that(c):
                        return c.i, c.left_edge.i, c.right_edge.i
                    if c.dep_ in ("pobj", "acl", "prep", "npadvmod"):
                        nxt.append(c)
            frontier = nxt
        return None

    def _extend_after(self, t: Token, root: int, b: int, last: int) -> tuple[int, tuple[int, ...]]:
        """Content after the verb runs to the end of the sentence, unless a dependent of the
        verb that starts another statement ("..., adding that", "..., but ...") or a sentence
        end comes first; such participles are returned as co-reports."""
        ix = self.ix
        toks = ix.tokens
        stop = min(last, t.right_edge.i) + 1  # not into the clause the verb itself depends on
        inside = next((ix.quote_of[k] for k in (root, b, b - 1) if ix.quote_of[k] >= 0), -1)
        if inside >= 0 and (ix.quotes[inside].speech_like or ix.quote_of[root] == inside):
            # content ends inside a quotation: not beyond its end (a quoted phrase inside the
            # clause, 'that she was an “intersex baby,” with ...', does not end it)
            stop = min(stop, ix.quotes[inside].last + 2)
        co: list[int] = []
        for c in t.rights:
            if c.i <= root or c.left_edge.i <= b:
                continue
            if c.dep_ == "cc" or (c.dep_ == "conj" and (_has_that(c) or any(g.dep_ == "mark" for g in c.children))):
                continue  # "said that A and that B", "said A and if B, C": B is still part of what was said
            if c.dep_ in CONTENT_STOP_DEPS:
                stop = min(stop, c.left_edge.i)
                if c.lemma_.lower() in REPORTING_LEMMAS and c.pos_ == "VERB" and not any(
                    g.dep_ in ("nsubj", "nsubjpass") for g in c.children
                ):  # "..., even though critics have said ...": a speaker of its own
                    co.append(c.i)
                break
        end = b
        for k in range(b + 1, stop):
            if toks[k].text in SENTENCE_END and ix.quote_of[k] < 0:
                break
            if toks[k].text in COMMENT_PUNCT and ix.quote_of[k] < 0 and _comment_follows(toks, k):
                break
            end = k
        for k in range(root, min(end, b) + 1):  # the parse put the comment inside the clause
            if k > root and _comment_follows(toks, k) and (
                (toks[k].text in COMMENT_PUNCT and ix.quote_of[k] < 0)
                or (ix.is_mark[k] and toks[k - 1].text in COMMENT_PUNCT)  # '... creation,” even though'
            ):
                return k - 1, tuple(co)
        return max(b, end), tuple(co)

    def _broken_start(self, a: int) -> int:
        """Content before its attribution that starts a sentence the parser began in the middle
        of a line after a word or a comma ("Pests are taking over the offices and | Wintour no
        longer wants to go in, reports claim."): the content starts where that sentence does."""
        ix = self.ix
        toks = ix.tokens
        while a > 0:
            k = a - 1
            prev = toks[k]
            if (
                prev.is_space or ix.line_of[k] != ix.line_of[a] or ix.quote_of[k] >= 0 or ix.is_mark[k]
                or not (ix.is_word[k] or prev.text == ",")
            ):  # fmt: skip
                break
            a = ix.unit_bounds(k)[0]
        return a

    def _interrupted_start(self, t: Token, speaker: Token | None, a: int) -> int:
        """"When he came back, LeFevre said, Rob was happy": a subordinate clause before the
        attribution belongs to the content when a comma follows the verb."""
        ix = self.ix
        toks = ix.tokens
        if t.i + 1 >= len(toks) or toks[t.i + 1].text != ",":
            return a
        limit = speaker.left_edge.i if speaker is not None and speaker.i < t.i else t.i
        for c in t.lefts:
            if c.dep_ == "advcl" and c.right_edge.i < limit and any(
                g.lower_ in CLAUSE_MARKS for g in c.children if g.dep_ in ("mark", "advmod")
            ):
                return min(a, c.left_edge.i)
        return a

    def _cut_co_reports(self, root: Token, b: int) -> tuple[int, tuple[int, ...]]:
        """A reporting participle or coordinated verb without its own subject, hung on the
        content's root ("indicated X was tackled, saying ..."), is a second statement by the same
        speaker: the content ends before it."""
        for c in root.rights:
            if (
                (c.dep_ == "conj" or (c.dep_ == "advcl" and c.tag_ == "VBG"))
                and c.pos_ == "VERB" and c.lemma_.lower() in SPEECH_ACTS
                and not any(g.dep_ in ("nsubj", "nsubjpass") for g in c.children) and c.left_edge.i <= b
            ):  # fmt: skip
                return c.left_edge.i - 1, (c.i,)
        return b, ()

    def _attribution_start(self, t: Token, speaker: Token | None) -> int:
        """First token of the attribution "X said" / "said X" (the content ends before it)."""
        start = t.i
        if speaker is not None and speaker.i < t.i and self.ix.same_unit(speaker.i, t.i):
            start = speaker.left_edge.i
        toks = self.ix.tokens
        while start > 0 and toks[start - 1].dep_ in ("aux", "advmod") and toks[start - 1].head.i == t.i:
            start -= 1
        return start

    def _trailing(self, t: Token, speaker: Token | None) -> tuple[int, int, int] | None:
        """Attribution without a complement, set off by commas, at the end or in the middle of
        its sentence: ``CONTENT, X said.`` / ``CONTENT, said X.`` -> the words before the comma;
        ``The capsule, he explained to CNN, was buried ...`` / ``If they do so, he promised,
        they would ...`` -> the whole sentence. The verb must head its clause (not a relative or
        adverbial clause) and have no object other than the addressee of "tell"; only the verb's
        own modifiers may follow it before the comma or the sentence end.
        """
        ix = self.ix
        toks = ix.tokens
        if t.dep_ not in ("ROOT", "conj", "ccomp", "parataxis", "advcl") or any(c.dep_ == "mark" for c in t.children):
            return None
        if speaker is None or speaker.head.i != t.i and abs(speaker.i - t.i) > 4:
            return None  # "..., saying": a participle whose speaker is far away is no attribution
        if t.lemma_.lower() != "tell" and any(c.dep_ in ("dobj", "attr", "oprd") for c in t.children):
            return None
        first, last = ix.unit_bounds(t.i)
        nxt = speaker.right_edge.i + 1 if speaker.i > t.i else t.i + 1
        while nxt <= last and not ix.is_word[nxt] and ix.quote_of[nxt] < 0:
            nxt += 1
        if nxt <= last and ix.quote_of[nxt] >= 0 and not (
            toks[nxt - 1].text == ":" and not any(c.dep_ in ("dobj", "dative") for c in t.children)
        ):  # 'Camosy said, "In a word: ..."': the verb introduces the quotation (but "A, X says: '...'")
            return None
        start = self._attribution_start(t, speaker)
        k = start - 1
        while k >= first and (ix.is_mark[k] or toks[k].is_space):
            k -= 1
        if k < first or toks[k].text not in (",", "—", "–") or ix.words_between(first, k) < 2:
            return None
        end = min(max(t.right_edge.i, speaker.right_edge.i), last)
        while end > t.i and not ix.is_word[end]:
            end -= 1
        after = end + 1
        while after <= last and (ix.is_mark[after] or toks[after].is_space):
            after += 1
        if ix.words_between(after, last) == 0:
            if not self._main_clause(first, k - 1):  # "A was done, but before B, X said": a clause
                for j in range(first, k):  # "Trying to console the boy, Francis told him.": a modifier
                    if toks[j].head.i == t.i and toks[j].dep_ in ("advcl", "prep", "npadvmod", "advmod", "intj"):
                        return None
            return t.i, first, k - 1
        if toks[after].text == ",":
            if self._main_clause(first, k - 1):
                return t.i, first, k - 1  # "They were en route, Chaffetz said, when ...": the clause before
            return t.i, first, last
        return None

    def _main_clause(self, a: int, b: int) -> bool:
        """Tokens ``a``..``b`` hold a complete main clause: a finite verb with its subject among
        them and no subordinating conjunction ("They were en route", not "If they do so" or "The
        capsule")."""
        toks = self.ix.tokens
        for k in range(a, b + 1):
            v = toks[k]
            if v.pos_ in ("VERB", "AUX") and v.dep_ not in ("aux", "auxpass") and (
                v.tag_ in FINITE_TAGS or any(c.dep_ in ("aux", "auxpass") and c.tag_ in FINITE_TAGS for c in v.children)
            ):
                if any(c.dep_ == "mark" for c in v.children) or v.dep_ in ("relcl", "advcl", "acl"):
                    continue
                if any(c.dep_ in ("nsubj", "nsubjpass") and a <= c.i < k for c in v.children):
                    return True
        return False

    def _forward(self, t: Token, speaker: Token | None) -> tuple[int, int, int] | None:
        """``Sources say Bale, after much deliberation, came to ...`` where the parser lost the
        clause: a finite verb with its subject on the left and no complement, followed directly by
        words (or "that") forming a clause with a finite verb; content: the rest of the sentence
        up to a sentence end."""
        ix = self.ix
        toks = ix.tokens
        if speaker is None or speaker.i > t.i or t.lemma_.lower() not in FORWARD_LEMMAS or t.tag_ not in FINITE_TAGS:
            return None
        _, last = ix.unit_bounds(t.i)
        if any(
            c.dep_ == "dobj" and c.pos_ == "NOUN" and (
                (c.lemma_.lower() in REPORT_NOUNS and _possessor(c) is not None)
                or (c.right_edge.i + 1 <= last and toks[c.right_edge.i + 1].text == ",")
            )
            for c in t.children
        ):
            return None  # "denied the claims, saying ...", "believe his claim that ...": a noun object
        a = t.i + 1
        if a > last or not (ix.is_word[a] and toks[a].pos_ in ("PROPN", "PRON", "SCONJ", "DET", "NUM")):
            return None
        b = a
        finite = relative = False
        while b + 1 <= last and not (toks[b + 1].text in SENTENCE_END and ix.quote_of[b + 1] < 0):
            b += 1
            relative = relative or (not finite and toks[b].tag_ in ("WDT", "WP"))
            finite = finite or toks[b].tag_ in FINITE_TAGS
        return (t.i, a, b) if finite and not relative else None


def _find_cue(ix: _DocIndex, contents: _ContentFinder, t: Token) -> _Cue | None:
    """A reporting cue at token ``t`` (speaker -1 when none was found), or None when ``t`` does
    not report (see :func:`_blocked`), is inside a quotation or on a headline line."""
    if t.dep_ in ("amod", "compound"):
        return None
    if t.pos_ not in ("VERB", "AUX") and not (t.pos_ == "NOUN" and any(c.dep_ == "ccomp" for c in t.children)):
        return None  # a noun governing a clause is a mis-tagged verb: '"...," the post read.'
    lemma = t.lemma_.lower()
    cue_end = t.idx + len(t.text)
    light = LIGHT_VERBS.get(lemma)
    if light is not None:
        adj = next((c for c in t.children if c.lower_ == light and c.dep_ != "nsubj"), None)
        if adj is None:
            return None
        cue_end = adj.idx + len(adj.text)
        lemma = "state"
    elif lemma in PUBLISH_VERBS and lemma not in FRAME_LEMMAS:
        obj = next((c for c in t.children if c.dep_ == "dobj" and c.lemma_.lower() in STATEMENT_NOUNS), None)
        if obj is None:
            return None
        cue_end = obj.idx + len(obj.text)
        lemma = "post"
    elif lemma not in FRAME_LEMMAS:
        return None
    i = t.i
    if ix.quote_of[i] >= 0 or ix.skipped(i) or _blocked(t):
        return None
    if t.tag_ == "VBG" and lemma in INFERENCE_LEMMAS and i > 0 and ix.tokens[i - 1].text in COMMENT_PUNCT and not any(
        c.dep_ in ("nsubj", "nsubjpass") for c in t.children
    ) and t.head.dep_ == "ccomp" and t.head.head.lemma_.lower() in REPORTING_LEMMAS:
        return None  # "X said A, suggesting B" (on A's verb): the writer's inference drawn from A
    particles = REQUIRED_PARTICLE.get(lemma)
    if particles is not None:
        prt = next((c for c in t.children if c.dep_ in ("prt", "prep") and c.lower_ in particles), None)
        if prt is None:
            return None
        cue_end = max(cue_end, prt.idx + len(prt.text))
    if lemma in CONTROL_PREPOSITIONS:
        nxt = ix.tokens[i + 1] if i + 1 < len(ix.tokens) else None
        if nxt is not None and nxt.lower_ in CONTROL_PREPOSITIONS[lemma] and nxt.head.i == i:
            cue_end = nxt.idx + len(nxt.text)
    speaker = _speaker_of(ix, t)
    if speaker is not None and (
        (speaker.pos_ == "PRON" and speaker.lower_ in FIRST_SECOND_PERSON) or ix.quote_of[speaker.i] >= 0
    ):
        return None
    if lemma in BELIEF_LEMMAS and (t.tag_ == "VBG" or any(c.dep_ == "prt" for c in t.children)):
        return None  # "Assuming X, ...": a condition; "figured out that ...": a discovery
    reports = lemma in REPORTING_LEMMAS or lemma in CONTROL_ONLY_LEMMAS or (
        lemma in QUOTE_ONLY_LEMMAS and lemma not in CONTROL_ONLY_LEMMAS and _for_to_clause(t, list(t.children)) is not None
    )  # "shouted for him to look lively": a request worded as speech
    content, co = contents.find(t, lemma, speaker) if reports else (None, ())
    return _Cue(i, lemma, (t.idx, cue_end), speaker.i if speaker is not None else -1, content, co)


# --------------------------------------------------------------------------------------------
# Claims
# --------------------------------------------------------------------------------------------


@dataclass(slots=True)
class _Claim:
    """A claim under construction (character offsets; token bookkeeping for the rules)."""

    start: int
    end: int
    kind: QuoteType
    cue: _Cue | None  # None for "according to" phrases
    cue_span: tuple[int, int] | None
    speaker: int | None  # head token of the speaker mention
    extent_end: int  # last character of the claim and its attribution
    anchor: _Claim | None = None  # follow-on quotation: the claim it continues
    name: str | None = None


def _mention_span(ix: _DocIndex, root: int, with_conj: bool = True) -> tuple[int, int]:
    """Character span of a speaker mention: the noun phrase up to a comma, bracket or clause
    (and, without ``with_conj``, up to a coordinated noun phrase)."""
    tok = ix.tokens[root]
    end = root
    for c in tok.rights:
        if not with_conj and c.dep_ in ("cc", "conj"):
            break
        if c.dep_ in ("relcl", "advcl", "appos", "punct", "parataxis", "ccomp") or c.text in ",(—–":
            break
        if c.dep_ == "acl" and c.lemma_.lower() in FRAME_LEMMAS:
            break  # "a placard saying ...": the participle is the cue, not part of the mention
        if not ix.same_unit(c.right_edge.i, root):
            break
        end = c.right_edge.i
    start = max(tok.left_edge.i, ix.unit_bounds(root)[0])
    while start < root and (ix.tokens[start].is_punct or ix.is_mark[start] or ix.tokens[start].pos_ == "VERB"):
        start += 1  # "refuting Esquire's report": a verb mis-attached to the name is not part of it
    return ix.char_span(start, end)


class _ClaimFinder:
    """Builds the claims of one document from its cues, quotations and "according to" phrases."""

    def __init__(self, ix: _DocIndex) -> None:
        self.ix = ix
        contents = _ContentFinder(ix)
        found: dict[int, _Cue] = {}
        for t in ix.tokens:
            cue = _find_cue(ix, contents, t)
            if cue is not None:
                found[cue.token] = cue
        for cue in list(found.values()):
            for p in cue.co_reports:
                if p in found and cue.speaker >= 0:
                    found[p].speaker = cue.speaker
        self.cues = {k: c for k, c in found.items() if c.speaker >= 0}
        self.claims: list[_Claim] = []
        self.consumed: set[int] = set()  # quotations already part of a claim

    def run(self) -> list[_Claim]:
        """All claims, nesting resolved, in text order."""
        ix = self.ix
        for cue in self.cues.values():
            if cue.content is not None:
                self._content_claim(cue.content, QuoteType.INDIRECT, cue, cue.cue_span, cue.speaker, cue.token)
        self._according_to()
        self._report_nouns()
        self._colon_blocks()
        inside = _Intervals(_merge([(c.start, c.end) for c in self.claims]))
        for q in ix.quotes:
            if q.id in self.consumed or q.first < 0 or inside.contains(q.start) or ix.skipped(q.first):
                continue
            cue = self._frame_cue(q)
            if cue is not None:
                self._quote_claim(q, cue)
        claims = _drop_nested(self.claims)
        return self._follow_ons(claims)

    # ---- indirect speech, "according to", colon blocks ---------------------------------------

    def _content_claim(
        self, content: tuple[int, int, int], kind: QuoteType, cue: _Cue | None,
        cue_span: tuple[int, int], speaker: int, cue_token: int,
    ) -> None:  # fmt: skip
        """Claim for a content range; quotations in it become part of it.

        When all words of the content are inside one quotation (``"A," he said`` where the
        parser makes A the complement, or the last sentence of a longer quote), the claim is that
        whole quotation (direct). Otherwise it is an indirect claim that absorbs the partial
        quotations it contains (``said the community "is working ..."``), including one that
        opens at its last word.
        """
        ix = self.ix
        _, a, b = content
        if b + 1 < len(ix.tokens) and ix.is_mark[b] and ix.quote_of[b + 1] >= 0:
            b = ix.quotes[ix.quote_of[b + 1]].last
        trimmed = ix.trim(a, b)
        if trimmed is None:
            return
        a, b = trimmed
        inside_quotes = {ix.quote_of[i] for i in range(a, b + 1) if ix.quote_of[i] >= 0}
        outside_words = sum(
            1 for i in range(a, b + 1)
            if ix.quote_of[i] < 0 and ix.is_word[i] and not (
                len(inside_quotes) == 1 and (ix.tokens[i].lower_ in FOCUS_ADVERBS or ix.tokens[i].dep_ == "mark")
            )
        )  # fmt: skip
        if outside_words == 0 and len(inside_quotes) == 1:
            q = ix.quotes[inside_quotes.pop()]
            if q.id in self.consumed:
                return
            if cue is not None:
                self._quote_claim(q, cue)
            else:  # 'According to Lavrov, "the deal is done."'
                self.consumed.add(q.id)
                self.claims.append(_Claim(q.start, q.end, kind, None, cue_span, speaker, q.end))
            return
        if outside_words == 0:
            return
        start, end = ix.char_span(a, b)
        for qid in inside_quotes:
            q = ix.quotes[qid]
            self.consumed.add(qid)
            start, end = min(start, q.start), max(end, q.end)
        extent = max(end, ix.char_span(cue_token, ix.tokens[cue_token].right_edge.i)[1])
        self.claims.append(_Claim(start, end, kind, cue, cue_span, speaker, extent))

    def _according_to(self) -> None:
        """``according to X, ...`` / ``..., according to X.`` / ``in X's view, ...`` / ``in the
        opinion of X``: the content is the clause the phrase modifies.

        The phrase's clause is the subtree of the nearest verb above it (inside the unit); the
        content is that clause without the phrase when the phrase is at its start or end, the
        whole clause when the phrase interrupts it.
        """
        ix = self.ix
        toks = ix.tokens
        for t in toks[:-1]:
            found = self._source_phrase(t)
            if found is None or ix.quote_of[t.i] >= 0 or ix.skipped(t.i):
                continue
            speaker, p_r, cue_end = found
            first, last = ix.unit_bounds(t.i)
            p_l, p_r = t.i, min(p_r, last)
            head = t.head
            for _ in range(3):
                if head.pos_ in ("VERB", "AUX") or head.head is head:
                    break
                head = head.head
            near = head  # the verb the phrase hangs on, before climbing coordination
            while (head.dep_ == "conj" or (head.dep_ == "advcl" and head.i < p_l)) and head.head.pos_ in (
                "VERB", "AUX"
            ) and ix.same_unit(head.head.i, t.i):
                # "X was dragged ... and beaten ..., according to reports": both; "A may be
                # needed if B, according to X": the whole sentence, not only the "if" clause
                head = head.head
            if head is t or not ix.same_unit(head.i, t.i):
                h_l, h_r = first, last
            else:
                h_l, h_r = max(min(head.left_edge.i, p_l), first), min(max(head.right_edge.i, p_r), last)
            inner = self.cues.get(head.i) if head is not t else None
            if inner is None and near is not t and near.lemma_ in ("quote", "cite"):
                inner = next(  # "Y was quoted as saying Z, according to X": Y speaks
                    (self.cues[g.i] for c in near.children if c.dep_ == "prep" and c.lower_ == "as"
                     for g in c.children if g.i in self.cues), None,
                )  # fmt: skip
            if inner is not None and (
                inner.content is not None or any(ix.quote_of[i] >= 0 for i in range(h_l, h_r + 1))
            ):
                continue  # "According to X, Y said Z" / "Y believes Z, according to X": Y speaks
            for k in range(p_l - 1, h_l - 1, -1):  # "..., too: according to X, Y": a new clause
                if toks[k].text in (":", ";") and ix.quote_of[k] < 0:
                    h_l = k + 1
                    break
            before = [i for i in range(h_l, p_l) if ix.is_word[i] and toks[i].pos_ not in ("CCONJ", "ADV")]
            after = [i for i in range(p_r + 1, h_r + 1) if ix.is_word[i]]
            if not before and not after:
                continue
            if not before:
                a, b = p_r + 1, h_r
            elif not after:
                a, b = h_l, p_l - 1
            else:
                a, b = h_l, h_r
            for c in head.rights:  # "according to X, A, refuting reports that B": the source's comment
                if (
                    c.dep_ == "advcl" and c.tag_ == "VBG" and c.lemma_.lower() in SPEECH_ACTS and a < c.left_edge.i <= b
                    and toks[c.left_edge.i - 1].text == ","
                ):  # fmt: skip
                    b = c.left_edge.i - 1
                    break
            self._content_claim((head.i, a, b), QuoteType.ACCORDING_TO, None, (t.idx, cue_end), speaker.i, t.i)

    def _report_nouns(self) -> None:
        """``the report by the ministry that ...`` / ``Burton's claim that ...`` / ``a CNN report
        that ...``: a reporting noun with a "that" clause and a named (or personal-pronoun)
        source; the clause is the content, the noun the cue. Without a source ("Reports that
        ...", "facing claims that ...") there is no claim."""
        ix = self.ix
        for t in ix.tokens:
            if t.pos_ != "NOUN" or t.lemma_.lower() not in REPORT_NOUNS or ix.quote_of[t.i] >= 0 or ix.skipped(t.i):
                continue
            clause = next(
                (
                    c for c in t.rights  # a "that" clause parsed as a relative clause has "that" as its mark
                    if c.dep_ in ("acl", "ccomp", "appos", "relcl") and _has_that(c) and ix.same_unit(c.i, t.i)
                ),
                None,
            )
            if clause is None:
                continue
            source = self._named_source(t)
            if source is None:
                continue
            content = (clause.i, clause.left_edge.i, min(clause.right_edge.i, ix.unit_bounds(t.i)[1]))
            self._content_claim(content, QuoteType.INDIRECT, None, (t.idx, t.idx + len(t.text)), source.i, t.i)

    @staticmethod
    def _named_source(noun: Token) -> Token | None:
        """Who a reporting noun belongs to: a possessive ("Burton's", "the ministry's", "his"), a
        name in a compound ("a CNN report") or the object of "by"/"from"/"of" that is a name or
        a definite organisation/person noun."""

        def named(g: Token) -> bool:
            if g.pos_ == "PROPN" or g.ent_type_ in ("PERSON", "ORG", "GPE", "NORP"):
                return True
            if g.pos_ == "PRON":
                return g.lower_ in ("his", "her", "their")
            lemma = g.lemma_.lower()
            return g.pos_ == "NOUN" and (lemma in ORG_NOUNS or lemma in PERSON_NOUNS or lemma in ROLE_WORDS) and any(
                c.dep_ in ("det", "poss") and c.lower_ not in INDEFINITE for c in g.children
            )

        owner = _possessor(noun)
        if owner is not None and named(owner):
            return owner
        for c in noun.lefts:
            if c.dep_ == "compound" and c.pos_ == "PROPN" and c.ent_type_ in ("ORG", "PERSON"):
                return c
        for c in noun.rights:
            if c.dep_ in ("prep", "agent") and c.lower_ in ("by", "from", "of"):
                pobj = next((g for g in c.children if g.dep_ == "pobj"), None)
                if pobj is not None and named(pobj):
                    return pobj
        head = noun.head
        if noun.dep_ == "dobj" and head.lemma_.lower() in ASSERTING_VERBS and not _blocked(head):
            return next((c for c in head.children if c.dep_ == "nsubj" and c.lower_ not in NON_REFERENTIAL), None)
        return None

    def _source_phrase(self, t: Token) -> tuple[Token, int, int] | None:
        """(speaker head, last token, cue end char) of a source phrase starting at ``t``."""
        toks = self.ix.tokens
        nxt = toks[t.i + 1]
        if t.lower_ == "according" and nxt.lower_ == "to":
            pobj = next((c for c in nxt.children if c.dep_ == "pobj"), None)
            if pobj is None:
                return None
            return pobj, pobj.right_edge.i, nxt.idx + len(nxt.text)
        if t.lower_ == "in" and t.dep_ == "prep":
            pobj = next((c for c in t.children if c.dep_ == "pobj"), None)
            if pobj is None or pobj.lower_ not in VIEW_NOUNS:
                return None
            end = pobj.idx + len(pobj.text)
            owner = next((c for c in pobj.children if c.dep_ == "poss"), None)
            if owner is None:
                of = next((c for c in pobj.children if c.dep_ == "prep" and c.lower_ == "of"), None)
                owner = next((c for c in of.children if c.dep_ == "pobj"), None) if of is not None else None
            if owner is None:
                return None
            return owner, pobj.right_edge.i, max(end, owner.idx + len(owner.text))
        return None

    def _colon_blocks(self) -> None:
        """``X reported:`` at the end of a paragraph, followed by an unquoted paragraph: that
        paragraph is the content (quoted paragraphs are handled as quotations). Not when that
        paragraph has an attribution of its own."""
        ix = self.ix
        toks = ix.tokens
        for cue in self.cues.values():
            if cue.content is not None or (cue.lemma not in REPORTING_LEMMAS and cue.lemma != "read"):
                continue  # "X wrote:", "X posted:", "the statement reads:" + a paragraph
            _, last = ix.unit_bounds(cue.token)
            if toks[last].text != ":" or last + 1 >= len(toks):
                continue
            k = last + 1
            while k < len(toks) and toks[k].is_space:
                k += 1
            if k >= len(toks) or ix.line_of[k] == ix.line_of[last] or ix.is_mark[k] or ix.skipped(k):
                continue
            first, end = ix.unit_bounds(k)
            line = ix.line_of[k]
            while end + 1 < len(toks) and ix.line_of[end + 1] == line and not toks[end + 1].is_space:
                end = ix.unit_bounds(end + 1)[1]  # the whole paragraph
            if any(j in self.cues for j in range(first, end + 1)):
                continue
            self._content_claim((k, first, end), QuoteType.INDIRECT, cue, cue.cue_span, cue.speaker, cue.token)

    # ---- direct quotations -------------------------------------------------------------------

    def _quote_claim(self, q: _Quote, cue: _Cue) -> None:
        """Direct claim for quotation ``q`` attributed by ``cue``."""
        self.consumed.add(q.id)
        ix = self.ix
        extent = max(q.end, ix.char_span(cue.token, ix.tokens[cue.token].right_edge.i)[1])
        self.claims.append(_Claim(q.start, q.end, QuoteType.DIRECT, cue, cue.cue_span, cue.speaker, extent))

    def _attributes(self, cue: _Cue, q: _Quote) -> bool:
        """Whether ``cue`` may attribute ``q``: its speaker is outside the quotation and it does
        not already report its own unquoted content (``"A." Lavrov said that B.``)."""
        ix = self.ix
        if ix.quote_of[cue.speaker] == q.id:
            return False
        content = cue.content
        # "A, writes X: '...'": the content before the verb and the quotation after it are two claims
        return content is None or ix.quote_of[content[0]] >= 0 or (content[2] < cue.token < q.first)

    def _frame_cue(self, q: _Quote) -> _Cue | None:
        """The reporting verb attributing quotation ``q``: in the words right after it
        (``"...," Lavrov said``, ``"...," said Lavrov``) or right before it (``He said: "..."``,
        ``..., saying "..."``, also across a paragraph break after a colon or comma). The search
        stops at sentence ends, other quotations and line breaks. A quotation that is not
        introduced directly (by a colon, or with only the speaker between it and the verb) must
        look like speech (see :attr:`_Quote.speech_like`), so quoted names and phrases are not
        claims."""
        return self._cue_after(q) or self._cue_before(q)

    def _cue_after(self, q: _Quote) -> _Cue | None:
        """The attribution in the words after the quotation's closing mark, on the same line."""
        ix = self.ix
        toks = ix.tokens
        k, steps, closed = q.last + 1, 0, False
        line = ix.line_of[q.last]
        while k < len(toks) and steps < FRAME_AFTER:
            t = toks[k]
            if t.is_space:
                if "\n" in t.text:
                    break
                k += 1
                continue
            if ix.line_of[k] != line or ix.quote_of[k] >= 0:
                break
            if ix.is_mark[k]:
                if closed:
                    inner = ix.quote_of[k + 1] if k + 1 < len(toks) else -1
                    if inner < 0 or ix.quotes[inner].words > 3 or ix.quotes[inner].has_verb:
                        break
                    k = ix.quotes[inner].last + 1  # '"...," a user named "Jo" said': a quoted name
                    while k < len(toks) and ix.is_mark[k]:
                        k += 1
                    steps += 1
                    continue
                closed = True
                k += 1
                continue
            if steps == 0 and ix.text[q.end - 1] == "." and not ix.same_unit(k, q.last) and t.pos_ != "PRON":
                break  # '"... National Report." The article quoted ...': a new sentence
            if t.text in SENTENCE_END:
                break
            cue = self.cues.get(k)
            if cue is not None:
                cue = self._quoted_as_saying(cue)
                if not self._attributes(cue, q) or self._has_object(cue):
                    return None
                return cue if q.speech_like or self._adjacent_after(q, cue) else None
            steps += 1
            k += 1
        return None

    def _quoted_as_saying(self, cue: _Cue) -> _Cue:
        """'"...," the paper quoted X as saying': the quotation is X's (the cue of "saying")."""
        if cue.lemma not in ("quote", "cite"):
            return cue
        for c in self.ix.tokens[cue.token].children:
            if c.dep_ == "prep" and c.lower_ == "as":
                inner = next((g for g in c.children if g.dep_ == "pcomp" and g.i in self.cues), None)
                if inner is not None:
                    return self.cues[inner.i]
        return cue

    def _has_object(self, cue: _Cue) -> bool:
        """'"...", the article quoted the CDC as saying': a verb with an object of its own (other
        than the addressee of "tell"/"ask") does not attribute the quotation before it."""
        if cue.lemma in ("tell", "ask", "inform", "assure", "remind"):
            return False
        return any(c.dep_ == "dobj" for c in self.ix.tokens[cue.token].children)

    def _adjacent_after(self, q: _Quote, cue: _Cue) -> bool:
        """Only the speaker (and the verb's auxiliaries/adverbs) stand between the quotation and
        its verb: ``"Humble," he said`` introduces even a short quotation as speech."""
        ix = self.ix
        sp = ix.tokens[cue.speaker]
        if not q.last < sp.i <= cue.token + 4:
            return False  # '... as "a surprise," adding: ...': the speaker is elsewhere
        for k in range(q.last + 1, cue.token):
            tok = ix.tokens[k]
            if not ix.is_word[k] or sp.left_edge.i <= k <= sp.right_edge.i:
                continue
            if tok.head.i != cue.token or tok.dep_ not in ("aux", "advmod", "neg"):
                return False
        return True

    def _cue_before(self, q: _Quote) -> _Cue | None:
        """The attribution in the words before the quotation's opening mark (in the paragraph
        before when that ends with a colon or comma)."""
        ix = self.ix
        toks = ix.tokens
        k, steps, opened, colon, words = q.first - 1, 0, False, False, 0
        while k >= 0 and steps < FRAME_BEFORE:
            t = toks[k]
            if t.is_space:
                if "\n" in t.text:
                    prev = k - 1
                    while prev >= 0 and toks[prev].is_space:
                        prev -= 1
                    if colon or prev < 0 or toks[prev].text not in (":", ","):
                        break
                    colon = True  # 'he said:' / 'saying,' at the end of the paragraph before
                k -= 1
                continue
            if ix.quote_of[k] >= 0 or ix.skipped(k):
                break
            if ix.is_mark[k]:
                if opened:
                    break
                opened = True
                k -= 1
                continue
            if t.text in SENTENCE_END:
                break
            if t.text == ":" and steps == 0:
                colon = True
            cue = self.cues.get(k)
            if cue is not None:
                adjacent = words == 0  # 'Camosy said, "In a word: Absolutely."'
                return cue if self._attributes(cue, q) and (colon or adjacent or q.speech_like) else None
            steps += 1
            words += ix.is_word[k]
            k -= 1
        return None

    def _follow_ons(self, claims: list[_Claim]) -> list[_Claim]:
        """Add unattributed quotations that continue the previous claim (same speaker).

        A quotation qualifies when it starts a sentence and nothing but punctuation, quotation
        marks and headline/caption lines separates it from the end of the previous claim and
        its attribution (``"A," he said. "B."`` or a quoted paragraph after a quoted
        paragraph). It inherits that claim's speaker, mention and cue.
        """
        ix = self.ix
        inside = _Intervals(_merge([(c.start, c.end) for c in claims]))
        pending = [
            q for q in ix.quotes
            if q.id not in self.consumed and q.first >= 0 and not inside.contains(q.start) and q.words
            and not ix.skipped(q.first)
        ]  # fmt: skip
        if not pending:
            return claims
        claims = sorted(claims, key=lambda c: c.start)
        word_starts = [t.idx for t in ix.tokens if ix.is_word[t.i] and not ix.skipped(t.i)]
        result: list[_Claim] = []
        ci = 0
        prev: _Claim | None = None
        for q in pending:
            while ci < len(claims) and claims[ci].start < q.start:
                result.append(claims[ci])
                if prev is None or claims[ci].extent_end >= prev.extent_end:
                    prev = claims[ci]
                ci += 1
            if prev is None or not self._starts_sentence(q):
                continue
            lo = bisect_left(word_starts, prev.extent_end)
            if lo < len(word_starts) and word_starts[lo] < q.start:
                continue
            follow = _Claim(q.start, q.end, QuoteType.DIRECT, prev.cue, prev.cue_span, prev.speaker, q.end, prev)
            result.append(follow)
            prev = follow
        result.extend(claims[ci:])
        return result

    def _starts_sentence(self, q: _Quote) -> bool:
        """The quotation opens a sentence: only marks/white space since the line start or the
        previous sentence end."""
        text = self.ix.text
        i = q.start - 1
        while i >= 0 and (text[i] in QUOTE_MARKS or text[i] in " \t"):
            i -= 1
        return i < 0 or text[i] == "\n" or text[i] in ".!?…"


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Union of spans as sorted, non-overlapping intervals."""
    merged: list[tuple[int, int]] = []
    for s, e in sorted(spans):
        if merged and s <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], e))
        else:
            merged.append((s, e))
    return merged


def _drop_nested(claims: list[_Claim]) -> list[_Claim]:
    """Drop claims whose cue lies inside another claim's content, and duplicates.

    Larger contents are kept first, so in "Lavrov said that Tillerson told him X" the outer
    claim stays and "told" (inside its content) goes. A claim whose content overlaps a kept
    claim's content is a second reading of the same words and is dropped too.
    """
    kept: list[_Claim] = []
    for c in sorted(claims, key=lambda c: c.end - c.start, reverse=True):
        cue_pos = c.cue_span[0] if c.cue_span else -1
        if any(k.start <= cue_pos < k.end or (c.start < k.end and k.start < c.end) for k in kept):
            continue
        kept.append(c)
    return kept


# --------------------------------------------------------------------------------------------
# Speakers
# --------------------------------------------------------------------------------------------

SUBJECT_DEPS = frozenset({"nsubj", "nsubjpass", "attr"})
OFFICIAL_ROLES = frozenset().union(*ROLE_WORDS.values()) | {
    "foreign_minister", "defence_minister", "prime_minister",
}  # fmt: skip


@dataclass(slots=True)
class _Title:
    """What a title says about its holder: official roles and name keys (nationality/org)."""

    roles: frozenset[str]
    keys: frozenset[str]


def _title_of(tokens: list[Token]) -> _Title:
    """Roles and keys of a title or description.

    Roles come from :data:`ROLE_WORDS` plus the usual multi-word roles: foreign minister /
    foreign secretary / secretary of state / "top diplomat" (all: the country's foreign
    minister), defence minister, prime minister, press secretary. Keys are the first four
    letters of the other capitalised words, so "Russia's" and "Russian", "Syria" and "Syrian"
    give the same key.
    """
    roles: set[str] = set()
    keys: set[str] = set()
    words: set[str] = set()
    for t in tokens:
        if t.is_punct or t.pos_ == "DET" or t.lower_ in ("'s", "’s"):
            continue
        w = t.lower_.replace(".", "")
        words.add(w)
        roles |= ROLE_WORDS.get(w, frozenset())
        if t.text[:1].isupper() and w not in ROLE_PHRASE_WORDS and t.ent_type_ != "PERSON" and w:
            keys.add(w[:4])
    if words & {"minister", "secretary"}:
        if "foreign" in words or ("state" in words and "secretary" in words):
            roles |= {"foreign_minister", "diplomat"}
        if words & {"defense", "defence"}:
            roles.add("defence_minister")
        if "prime" in words:
            roles.add("prime_minister")
        if "press" in words:
            roles.add("spokesperson")
    if "diplomat" in words and words & {"top", "chief"}:
        roles.add("foreign_minister")
    return _Title(frozenset(roles), frozenset(keys))


def _person_like_chain(tok: Token) -> str | None:
    """A speaker written as 2-4 capitalised proper nouns without an organisation word ("Tyson
    Glover") is taken as a person's name even when the recogniser did not tag it PERSON."""
    if tok.pos_ != "PROPN" or tok.ent_type_ in ("PERSON", "NORP", "FAC", "LOC", "DATE"):
        return None
    if tok.ent_type_ == "GPE" and not any(
        c.dep_ == "appos" and (c.lemma_.lower() in PERSON_NOUNS or c.lower_ in ROLE_WORDS) for c in tok.children
    ):
        return None  # a place, unless described as a person ("Asim Qureshi, research director at X,")
    chain = [g for g in tok.lefts if g.dep_ == "compound" and g.pos_ == "PROPN"] + [tok]
    if not 2 <= len(chain) <= 4 or chain[-1].i - chain[0].i != len(chain) - 1:
        return None
    if any(c.dep_ == "det" and c.lower_ == "the" for c in tok.lefts):
        return None  # "The Chosun Ilbo reported": a name with an article is not a person's
    if any(not g.text[:1].isupper() or g.lower_ in ORG_NAME_WORDS or g.lower_ in HONORIFICS for g in chain):
        return None
    return " ".join(g.text for g in chain)


def _org_key(text: str) -> frozenset[str]:
    """Words of an organisation name cut to four letters, without articles and possessives, so
    that "Russia's Foreign Ministry" and "the Russian Foreign Ministry" have the same key."""
    return frozenset(w[:4] for w in re.split(r"[\s'’\-.]+", text.lower()) if len(w) > 1 and w != "the")


def _acronym(name: str, keep_the: bool = False) -> str:
    """Initials of an organisation name, words in capitals kept whole: "The Scottish SPCA" ->
    "SSPCA", "World Health Organization" -> "WHO"; with ``keep_the`` a leading "The" counts
    ("The Hollywood Reporter" -> "THR")."""
    parts = []
    for k, w in enumerate(re.split(r"[\s\-]+", name.strip())):
        w = w.strip(".,'’")
        if not w or (w.lower() in NAME_STOPWORDS and not (keep_the and k == 0 and w == "The")):
            continue
        parts.append(w if w.isupper() and len(w) > 1 else w[0].upper())
    return "".join(parts)


def _is_contraction(short: str, name: str) -> bool:
    """``short`` is the starts (two letters or more) of two or more consecutive words of
    ``name``, each capitalised as in ``short``: "CentCom" of "US Central Command"."""
    parts = re.findall(r"[A-Z][a-z]+", short)
    if len(parts) < 2 or "".join(parts) != short:
        return False
    words = re.split(r"[\s\-]+", name.strip())
    for k in range(len(words) - len(parts) + 1):
        if all(len(p) >= 2 and words[k + j].startswith(p) for j, p in enumerate(parts)):
            return True
    return False


def _same_org_words(a: str, b: str) -> bool:
    """Two names with the same organisation key are written with the same words up to an
    ending ("Russia's" / "Russian", "Syria" / "Syrian"), not merely the same first four letters
    ("Apple" / "AppleInsider")."""

    def words(text: str) -> list[str]:
        return [w for w in re.split(r"[\s'’\-.]+", text.lower()) if len(w) > 1 and w != "the"]

    wa, wb = words(a), words(b)
    fits = lambda x, ys: any(x[:4] == y[:4] and abs(len(x) - len(y)) <= 3 for y in ys)  # noqa: E731
    return all(fits(x, wb) for x in wa) and all(fits(y, wa) for y in wb)


def _spelling_variants(persons: dict[str, list[tuple[int, bool]]]) -> dict[str, str]:
    """Misspelt words of the article's person names, mapped to the correct form: two words of
    at least five letters with the same first letter, one or two (for eight letters or more)
    edits apart ("Mulinovich" / "Milunovich", "Micheal" / "Michael"). The correct form is the
    one written in the longer name (a person is introduced with the full name, and the slip is
    usually in a later mention), then the one written more often; a word close to two others
    is left alone."""
    rank: dict[str, tuple[int, int]] = {}
    for display, places in persons.items():
        words = _name_words(display)
        for w in words:
            longest, count = rank.get(w, (0, 0))
            rank[w] = (max(longest, len(words)), count + len(places))
    long_words = [w for w in rank if len(w) >= 5 and w.isalpha()]
    variants: dict[str, str] = {}
    for w in long_words:
        close = [
            v for v in long_words
            if v != w and v[0] == w[0] and abs(len(v) - len(w)) <= 1
            and _edit_distance(w, v) <= (2 if min(len(v), len(w)) >= 8 else 1)
        ]  # fmt: skip
        if len(close) == 1 and rank[close[0]] > rank[w]:
            variants[w] = close[0]
    return variants


def _edit_distance(a: str, b: str) -> int:
    """Optimal-string-alignment distance (insertions, deletions, substitutions and swaps of two
    adjacent letters each count one)."""
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb))
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        prev2, prev = prev, cur
    return prev[-1]


def _name_words(text: str) -> tuple[str, ...]:
    """Lower-cased words of a name, hyphenated parts split: "al-Munajjid" -> ("al", "munajjid")."""
    return tuple(w for w in re.split(r"[\s\-‐.]+", text.lower()) if w)


@dataclass(slots=True)
class _Event:
    """Someone mentioned at ``pos``, for pronoun and description resolution."""

    pos: int
    name: str
    kind: str  # "person", "org" or "plural"
    subject: bool  # subject (or predicate: "Who is X?") of its clause, or a speaker
    reported: bool = False  # named inside what someone else said
    head: str = ""  # lemma of the mention's head noun (speakers only)
    nested: bool = False  # speaker of a reporting verb inside someone else's reported content


class _SpeakerResolver:
    """Resolves speaker mentions to names, in text order.

    * Names: a person's mention is mapped to the fullest PERSON name of the article that
      contains all its words ("Lavrov" -> "Sergey Lavrov"; honorifics dropped).
    * he/she: the latest person before it who is a speaker or the subject of a clause (outside
      quotations and outside reported contents: people named inside what someone said are
      rarely the next speaker); else the latest person named outside reported contents; else
      the latest person named at all. they: the latest plural or organisation speaker; it: the
      latest organisation.
    * Descriptions of people ("the minister", "Russia's top diplomat", "the 21-year-old"): a
      previous speaker described with the same noun; else a person whose title (written next to
      the name: "Russian Foreign Minister Sergey Lavrov", "Christy Feig, WHO's director") has
      the roles and nationality/organisation of the description; else the latest person whose
      known title does not contradict it, who is then known by that title too. A generic noun
      owned by a name ("Plant's publicist") is a new, unnamed speaker.
    * Other definite descriptions ("the newspaper", "the source", "the statement"): the latest
      earlier noun phrase with the same head noun (or, for documents, any earlier document),
      resolved to the speaker of the reporting verb it belonged to when there is one ("said in
      a statement"); else an organisation whose name ends with that noun.
    * "the pair"/"the couple": the two people last named together ("X and Y"); a quoted handle
      after "named" or in apposition ('a commenter named "Jo"'); "One, an American fighter,":
      the apposed description; "the watchdog group, Judicial Watch,": the apposed organisation;
      a title before a name the recogniser missed ("Father John Doe") is dropped; "the AP" (two
      capitals) is an organisation of the article with those initials; "Today's report" is not
      owned by "Today"; "the publication" is the latest organisation named as an outlet;
      "these people" is the latest plural speaker; "they" before any group spoke is the latest
      plural person noun in subject position ("Surgeons ... They said").
    * Anything else is a name or an anonymous speaker and keeps the words of its mention.
    """

    def __init__(self, ix: _DocIndex, cues: dict[int, _Cue], contents: _Intervals) -> None:
        self.ix = ix
        self.cues = cues
        self.speaker_cue = {cue.speaker: cue for cue in cues.values()}
        # display, words, length, written in the body, positions, spelt as the article mostly spells it
        self.person_names: list[tuple[str, frozenset[str], int, bool, list[int], bool]] = []
        self.spelling: dict[str, str] = {}  # misspelt name word -> its correct form (see _spelling_variants)
        self.org_names: dict[frozenset[str], str] = {}
        self.ent_at: dict[int, Span] = {}
        self.titles: dict[str, _Title] = {}
        self.title_words: dict[str, set[str]] = {}  # person name -> nouns of their written titles
        self.entity_events: list[_Event] = []  # people mentioned outside quotations
        self.org_entities: list[tuple[int, Span]] = []
        # capitalised proper-noun chains the recogniser did not tag ORG ("The Scottish SPCA")
        self.org_chains: list[tuple[int, str, Token]] = []
        self.speaker_events: list[_Event] = []  # resolved speakers, in text order
        self.nouns: dict[str, list[int]] = {}  # noun lemma -> noun phrase heads (antecedents)
        self.documents: list[int] = []  # published documents ("posted a message")
        self.genders: dict[str, str] = {}  # person name -> "m" / "f" (see _index_genders)
        self.capital_runs: list[str] | None = None  # see _capital_runs
        self.pairs: list[tuple[int, Span, Span]] = []  # two people named together ("X and Y")
        self.plural_subjects: list[int] = []  # "surgeons", "doctors" as subjects (for "they")
        self._index_names()
        self._index_people(contents)
        self._index_nouns()
        self._index_genders()

    def _index_names(self) -> None:
        """Person names (with the speakers the recogniser missed) and organisation names."""
        ix = self.ix
        persons: dict[str, list[tuple[int, bool]]] = {}
        for ent in ix.ents:
            for i in range(ent.start, ent.end):
                self.ent_at[i] = ent
            if ent.label_ == "PERSON":
                display = self._clean_name(ent)
                if display:
                    persons.setdefault(display, []).append((ent.start_char, not ix.skipped(ent.start)))
            elif ent.label_ in ("ORG", "GPE", "NORP", "FAC"):
                self.org_entities.append((ent.start_char, ent))
                if ent.label_ == "ORG" and not ix.skipped(ent.start):
                    text = ix.text[ent.start_char : ent.end_char]
                    key = _org_key(text)
                    if key and len(text) > len(self.org_names.get(key, "")):
                        self.org_names[key] = text
        for t in ix.tokens:  # "The Scottish SPCA" when the recogniser did not tag it ORG
            if t.pos_ == "PROPN" and t.ent_type_ in ("", "ORG", "NORP") and t.dep_ != "compound" and not ix.skipped(t.i):
                chain = [g for g in t.lefts if g.dep_ in ("compound", "amod") and g.text[:1].isupper()] + [t]
                if chain[-1].i - chain[0].i != len(chain) - 1:
                    chain = [t]
                if t.ent_type_ == "ORG" and len(chain) == 1:
                    continue  # an ORG entity already
                if any(g.text.isupper() and len(g.text) > 1 and g.is_alpha for g in chain) or any(
                    g.lower_ in ORG_NAME_WORDS for g in chain
                ):
                    text = ix.text[chain[0].idx : t.idx + len(t.text)]
                    self.org_chains.append((chain[0].idx, text, t))
        for cue in self.cues.values():
            chain = _person_like_chain(ix.tokens[cue.speaker])
            if chain is not None and chain not in persons:
                persons[chain] = [(ix.tokens[cue.speaker].idx, True)]
        for ent in ix.ents:  # "Casey Dean and Eduard Nitz": a pair, for "the pair said"
            if ent.label_ == "PERSON" and not ix.skipped(ent.start) and ix.quote_of[ent.root.i] < 0:
                other = next((c for c in ent.root.children if c.dep_ == "conj" and c.ent_type_ == "PERSON"), None)
                if other is not None and not any(c.dep_ == "conj" for c in other.children):
                    second = self.ent_at.get(other.i)
                    if second is not None and second is not ent:
                        self.pairs.append((ent.start_char, ent, second))
        self.spelling = _spelling_variants(persons)
        for display, places in persons.items():
            words = self._canonical_words(display)
            in_body = any(body for _, body in places)
            correct = not any(w in self.spelling for w in _name_words(display))
            self.person_names.append(
                (display, frozenset(words), len(words), in_body, sorted(p for p, _ in places), correct)
            )

    def _canonical_words(self, name: str) -> tuple[str, ...]:
        """The words of a name with misspelt ones replaced by the article's correct form."""
        return tuple(self.spelling.get(w, w) for w in _name_words(name))

    def _index_people(self, contents: _Intervals) -> None:
        """Titles next to names, and the people mentioned outside quotations (for pronouns)."""
        ix = self.ix
        # names inside a speaker's noun phrase ("McVey, team leader of Keller Williams") are
        # modifiers of that speaker, not people who could speak next
        speaker_phrases = _Intervals(_merge([
            ix.char_span(ix.tokens[c.speaker].left_edge.i, ix.tokens[c.speaker].right_edge.i)
            for c in self.cues.values()
        ]))  # fmt: skip
        for ent in ix.ents:
            if ent.label_ != "PERSON":
                continue
            name = self.full_name(self._clean_name(ent))
            if not name:
                continue
            self._register_title(name, ent)
            self._person_event(ent.root, ent.start_char, name, speaker_phrases, contents)
        for t in ix.tokens:  # names the recogniser missed: "Galvin sounded more optimistic."
            if t.pos_ == "PROPN" and t.dep_ in SUBJECT_DEPS and t.ent_type_ != "PERSON":
                chain = [g for g in t.lefts if g.dep_ == "compound" and g.pos_ == "PROPN"] + [t]
                text = " ".join(g.text for g in chain)
                if self._is_person_name(text):
                    self._person_event(t, chain[0].idx, self.full_name(text), speaker_phrases, contents)
        self.entity_events.sort(key=lambda ev: ev.pos)

    def _index_nouns(self) -> None:
        """Noun phrase heads outside quotations by lemma, for same-noun antecedents."""
        ix = self.ix
        for t in ix.tokens:
            if t.pos_ == "NOUN" and ix.quote_of[t.i] < 0 and t.dep_ in (
                "nsubj", "nsubjpass", "dobj", "pobj", "appos", "attr", "conj", "ROOT"
            ):  # fmt: skip
                lemma = t.lemma_.lower()
                self.nouns.setdefault(lemma, []).append(t.i)
                if t.dep_ == "nsubj" and t.tag_ == "NNS" and lemma in PERSON_NOUNS and not ix.skipped(t.i):
                    self.plural_subjects.append(t.i)  # "surgeons managed ... . They said ..."
                if lemma in DOCUMENT_NOUNS and t.dep_ == "dobj" and (
                    t.head.lemma_.lower() in PUBLISH_VERBS or t.head.i in self.cues
                ):
                    self.documents.append(t.i)

    def _person_event(
        self, root: Token, pos: int, name: str, speaker_phrases: _Intervals, contents: _Intervals
    ) -> None:
        """Record a person mentioned outside quotations (names inside a speaker's noun phrase,
        "McVey, team leader of Keller Williams", are modifiers and not recorded)."""
        ix = self.ix
        if speaker_phrases.contains(pos) and root.i not in self.speaker_cue:
            return
        if ix.quote_of[root.i] < 0 and not ix.skipped(root.i):
            subject = root.dep_ in SUBJECT_DEPS
            self.entity_events.append(_Event(pos, name, "person", subject, contents.contains(pos)))

    def _index_genders(self) -> None:
        """Gender of the people of the article, from the article itself: honorifics and person
        nouns next to the name ("Ms Yen", "Rosario Murillo, a government spokeswoman"), a common
        first name, and (weaker) the pronouns that refer back to a name that is the subject of
        its clause ("Chandler said she ...", "X wrote a post on her page", "X ... . She said").
        The sign of the weighted votes decides; a tie leaves the gender unknown."""
        ix = self.ix
        votes: dict[str, int] = {}

        def vote(name: str, word: str, weight: int) -> None:
            g = "f" if word in FEMALE_WORDS or word in FEMALE_NAMES or PRONOUN_GENDER.get(word) == "f" else (
                "m" if word in MALE_WORDS or word in MALE_NAMES or PRONOUN_GENDER.get(word) == "m" else None)
            if g is not None:
                votes[name] = votes.get(name, 0) + (weight if g == "f" else -weight)

        for ent in ix.ents:
            if ent.label_ != "PERSON":
                continue
            name = self.full_name(self._clean_name(ent))
            if not name:
                continue
            root = ent.root
            near = [t for t in ix.doc[max(ent.start - 3, root.left_edge.i) : ent.start + 1]]
            for c in root.children:
                if c.dep_ == "appos":
                    near.extend(c.subtree)
            if root.dep_ == "appos":
                near.append(root.head)
            for t in near:
                w = t.lower_.rstrip(".")
                if w in FEMALE_WORDS or w in MALE_WORDS:
                    vote(name, w, 3)
            words = _name_words(name)
            if len(words) > 1:
                vote(name, words[0], 2)
            if root.dep_ not in ("nsubj", "nsubjpass") or ix.quote_of[root.i] >= 0:
                continue
            verb = root.head
            for c in verb.children:
                if c.dep_ == "ccomp":  # "Chandler said she met Phelps"
                    subj = next((g for g in c.children if g.dep_ in ("nsubj", "nsubjpass")), None)
                    if subj is not None and subj.lower_ in PRONOUN_GENDER and subj.i > verb.i:
                        vote(name, subj.lower_, 1)
                elif c.dep_ in ("dobj", "prep", "dative"):  # "wrote a post on her page"
                    for g in c.subtree:
                        if g.dep_ == "poss" and g.lower_ in ("his", "her") and ix.quote_of[g.i] < 0:
                            vote(name, g.lower_, 1)
                            break
            if verb.dep_ != "ROOT":
                continue
            first, last = ix.unit_bounds(verb.i)  # "Chandler met Phelps on Tinder. She said ..."
            nxt = last + 1
            while nxt < len(ix.tokens) and (ix.tokens[nxt].is_space or ix.tokens[nxt].is_punct):
                nxt += 1
            if nxt < len(ix.tokens) and ix.tokens[nxt].lower_ in ("he", "she"):
                others = any(
                    ix.tokens[k].ent_type_ == "PERSON" and not ent.start <= k < ent.end for k in range(first, last + 1)
                )
                if not others:
                    vote(name, ix.tokens[nxt].lower_, 1)
        self.genders = {n: ("f" if v > 0 else "m") for n, v in votes.items() if v}

    def _gender_of(self, name: str) -> str | None:
        """Known gender of a person's name, or of an anonymous speaker's description ("a
        spokeswoman for the charity")."""
        g = self.genders.get(name)
        if g is not None:
            return g
        words = set(_name_words(name))
        if words & FEMALE_WORDS and not words & MALE_WORDS:
            return "f"
        if words & MALE_WORDS and not words & FEMALE_WORDS:
            return "m"
        return None

    # ---- names -------------------------------------------------------------------------------

    def _clean_name(self, span: Span) -> str:
        """Name text without leading honorifics/titles, quotation marks and a trailing
        possessive."""
        toks = [t for t in span if not self.ix.is_mark[t.i]]
        # "Bewildered Ms Yen": words before an honorific inside the span are not the name
        honorific = max((k for k, t in enumerate(toks[:-1]) if t.lower_.rstrip(".") in HONORIFICS), default=-1)
        if honorific > 0:
            toks = toks[honorific:]
        while toks and (
            toks[0].is_punct or toks[0].lower_.rstrip(".") in HONORIFICS or toks[0].pos_ in ("DET", "ADJ", "VERB")
        ):
            toks = toks[1:]
        while toks and (
            toks[-1].lower_ in ("'s", "’s") or (toks[-1].is_punct and toks[-1].text != ".")
            or (len(toks) > 1 and toks[-1].lower_ in NAME_TRAILERS)
        ):  # fmt: skip
            toks = toks[:-1]
        return "".join(t.text_with_ws for t in toks).strip()

    def full_name(self, name: str, pos: int | None = None) -> str:
        """The fullest PERSON name of the article that contains every word of ``name``: the
        longest, preferably written in the body (not only in a caption), then the one mentioned
        last before ``pos`` ("Dino and Dario Ferrari ... Dino Ferrari said ... said Mr
        Ferrari"), then the most frequent."""
        words = set(self._canonical_words(name))
        if not words:
            return name
        best, best_rank = name, (0, False, False, -1, 0)
        for display, pwords, length, in_body, places, correct in self.person_names:
            if words <= pwords:
                last = bisect_left(places, pos) - 1 if pos is not None else -1
                rank = (length, correct, in_body, places[last] if last >= 0 else -1, len(places))
                if rank > best_rank:
                    best, best_rank = display, rank
        if best_rank[0] <= 1 and len(words) == 1:
            return self._short_form(name, best)
        return best

    def _short_form(self, name: str, default: str) -> str:
        """A one-word mention that is only the start of one person's first or last name ("Mo"
        for "Mohammed Islam", "Le" for "LeFevre"): that person's fullest name. The prefix must
        fit a single person of the article and not be a whole name word itself. A misspelt
        word counts in its correct form ("McPizza" written once for "McPizzas" is that name, not
        a prefix of it)."""
        (word,) = _name_words(name)
        if len(word) < 2 or not name[:1].isupper():
            return default
        word = self.spelling.get(word, word)
        found: set[str] = set()
        for display, pwords, *_ in self.person_names:
            if word in pwords:
                if len(pwords) > 1:
                    return default
                continue
            if any(w.startswith(word) for w in pwords):
                found.add(self.full_name(display))
        return found.pop() if len(found) == 1 else default

    def org_name(self, text: str) -> str:
        """The longest organisation name of the article written with the same words
        ("Russia's Foreign Ministry" -> "the Russian Foreign Ministry", "Kremlin" -> "the
        Kremlin")."""
        found = self.org_names.get(_org_key(text), text)
        if not _same_org_words(found, text):
            found = text  # "Apple" is not "AppleInsider"
        bare = found.strip()
        bare = bare[4:] if bare.lower().startswith("the ") else bare
        if len(bare) >= 3 and bare.isupper() and bare.isalpha():  # "the SSPCA" -> "The Scottish SPCA", "THR"
            for name in itertools.chain(self.org_names.values(), (c[1] for c in self.org_chains), self._capital_runs()):
                if bare not in name.split() and bare in (_acronym(name), _acronym(name, keep_the=True)):
                    return name
        elif bare.isalpha() and not bare.isupper() and any(c.isupper() for c in bare[1:]):
            # "CentCom" -> "US Central Command": a contraction of the starts of a name's words
            for name in self.org_names.values():
                if bare not in name and _is_contraction(bare, name):
                    return name
        elif len(bare) == 2 and bare.isupper() and bare.isalpha():
            # "the AP" -> "The Associated Press": two letters are ambiguous ("US", "UK"), so only
            # an organisation the recogniser tagged, written in two words, with those initials
            for name in self.org_names.values():
                if len(_name_words(name.removeprefix("The ").removeprefix("the "))) == 2 and _acronym(name) == bare:
                    return name
        return found

    def _capital_runs(self) -> list[str]:
        """Runs of capitalised words outside quotations ("The Hollywood Reporter", "Bank of
        England"), for acronyms of names the recogniser did not tag; computed once."""
        if self.capital_runs is None:
            ix = self.ix
            runs: list[str] = []
            run: list[Token] = []
            for t in itertools.chain(ix.tokens, [None]):
                if t is not None and ix.quote_of[t.i] < 0 and t.is_alpha and (
                    t.text[:1].isupper() or (run and t.lower_ in NAME_STOPWORDS and t.lower_ != "the")
                ):
                    run.append(t)
                    continue
                while run and run[-1].lower_ in NAME_STOPWORDS:
                    run.pop()
                if len(run) >= 2:
                    runs.append(ix.text[run[0].idx : run[-1].idx + len(run[-1].text)])
                run = []
            self.capital_runs = runs
        return self.capital_runs

    def _is_org_name(self, name: str) -> bool:
        """``name`` is (written with the words of) an organisation the recogniser tagged."""
        return _org_key(name) in self.org_names or name in self.org_names.values()

    def _is_person_name(self, name: str) -> bool:
        words = set(self._canonical_words(name))
        return bool(words) and any(words <= entry[1] for entry in self.person_names)

    def _register_title(self, name: str, ent: Span) -> None:
        """Record the title written next to a person's name (before it or in apposition)."""
        root = ent.root
        doc = self.ix.doc
        tokens = list(doc[max(root.left_edge.i, ent.start - 8) : ent.start])
        tokens.extend(t for t in ent if t.lower_.rstrip(".") in ROLE_WORDS)  # "Pope Francis", "President Obama"
        for c in root.children:
            if c.dep_ == "appos" and c.pos_ == "NOUN":
                tokens.extend(list(c.subtree)[:10])
        if root.dep_ == "appos" and root.head.pos_ == "NOUN":
            head = root.head
            tokens.extend(doc[max(head.left_edge.i, head.i - 8) : head.i + 1])
        if tokens:
            self._add_title(name, _title_of(tokens))
            words = {t.lemma_.lower() for t in tokens if t.pos_ in ("NOUN", "PROPN") and t.ent_type_ != "PERSON"}
            self.title_words.setdefault(name, set()).update(words)

    def _titled(self, tok: Token, title: _Title | None = None) -> str | None:
        """The one person of the article whose written title has the description's noun and its
        noun modifiers ("the district attorney" for "Brooklyn District Attorney Kenneth
        Thompson", "the analyst" for "analyst Steven Milunovich"), wherever the name is."""
        wanted = {tok.lemma_.lower()} | {
            c.lemma_.lower() for c in tok.lefts if c.dep_ == "compound" and c.pos_ in ("NOUN", "PROPN")
        }
        found = {n for n, words in self.title_words.items() if wanted <= words and self._compatible(n, title)}
        return found.pop() if len(found) == 1 else None

    def _add_title(self, name: str, title: _Title) -> None:
        old = self.titles.get(name)
        if old is None:
            self.titles[name] = title
        else:
            self.titles[name] = _Title(old.roles | title.roles, old.keys | title.keys)

    # ---- resolution ----------------------------------------------------------------------------

    def resolve(self, root: int, pos: int, nested: bool = False) -> str | None:
        """Name of the speaker whose mention has head token ``root``; records the mention.

        Coordinated speakers ("Both he and Hatchfield") are resolved one by one and joined.
        ``nested``: the speaker of a reporting verb inside someone's reported content ("they
        allege they were threatened by X"), which a later "they" does not refer to.
        """
        tok = self.ix.tokens[root]
        conjuncts = [c for c in tok.children if c.dep_ == "conj" and c.pos_ in ("PROPN", "PRON")]
        if conjuncts and all(self._is_named(c) for c in [tok, *conjuncts]):
            names = [self._name_and_kind(i.i, pos)[0] for i in [tok, *conjuncts]]
            if all(names):
                name = " and ".join(n for n in names if n)
                self.speaker_events.append(_Event(pos, name, "plural", True, False, tok.lemma_.lower()))
                return name
        name, kind = self._name_and_kind(root, pos)
        if name is not None and tok.lower_ not in INDEFINITE_PRONOUNS:  # "everyone": not a "he" later
            self.speaker_events.append(_Event(pos, name, kind, True, False, tok.lemma_.lower(), nested))
        return name

    def note_subject(self, root: int, pos: int) -> None:
        """Record a description of a person in subject position that is not a speaker ("The
        Pope offered ...") when it resolves to a named person, so that a "he" after it refers to
        that person."""
        tok = self.ix.tokens[root]
        subject = tok.dep_ != "dobj"  # "The video shows a man ...": a person, not a subject
        if self.ix.tokens[tok.left_edge.i].lower_ in ("a", "an", "one"):  # a new, unnamed person
            if not any(c.lower_ in ANONYMOUS_MODIFIERS for c in tok.children):
                s, e = _mention_span(self.ix, root)
                # "A 71-year-old priest, John Doe, has claimed ...", "A minister lashed out ... .
                # John Doe, minister of housing, told ...": the person is named
                name = self._apposed_name(root, e) or (self._lede_name(tok, pos, "person") if self._in_lede(tok) else None)
                if name is not None:
                    self.speaker_events.append(_Event(pos, name, "person", subject, False, tok.lemma_.lower()))
                    return
                self.speaker_events.append(
                    _Event(pos, self.ix.text[s:e], "person", subject, False, tok.lemma_.lower())
                )
            return
        if not subject:
            return
        name = self._describe(tok, pos, recency=False)
        if name is not None and self._is_person_name(name):
            self.speaker_events.append(_Event(pos, name, "person", True, False, tok.lemma_.lower()))

    def _apposed_name(self, root: int, end: int) -> str | None:
        """A person's name written right after a description (head ``root``, ending at character
        ``end``) and a comma: "A 71-year-old priest, John Doe, ..."."""
        ix = self.ix
        k = root
        while k < len(ix.tokens) and ix.tokens[k].idx < end:
            k += 1
        while k < len(ix.tokens) and ix.tokens[k].is_space:
            k += 1
        if k + 1 >= len(ix.tokens) or ix.tokens[k].text != ",":
            return None
        ent = self.ent_at.get(k + 1)
        if ent is None or ent.label_ != "PERSON" or ent.start != k + 1:
            return None
        return self.full_name(self._clean_name(ent), ent.start_char)

    def _name_and_kind(self, root: int, pos: int) -> tuple[str | None, str]:
        ix = self.ix
        tok = ix.tokens[root]
        lower = tok.lower_
        if lower in PERSON_PRONOUNS:
            gender = PRONOUN_GENDER.get(lower)
            near = self._nearby_person(root, pos, gender)
            if near is not None:
                return near, "person"
            return self._latest_person(pos, None, gender) or self._latest_person(pos, None), "person"
        if lower in PLURAL_PRONOUNS:
            return self._latest_of(pos, ("plural", "org")), "plural"
        if lower in THING_PRONOUNS:
            return self._latest_of(pos, ("org",)), "org"
        s, e = _mention_span(ix, root)
        mention = ix.text[s:e]
        person = self._person_in(tok)
        if person is not None:
            return person, "person"
        appos = next((c for c in tok.children if c.dep_ == "appos" and c.i > tok.i), None)
        if appos is not None and tok.lower_ in ("one", "another") and appos.pos_ == "NOUN":
            s, e = _mention_span(ix, appos.i)  # "One, an American fighter, said": the description
            return ix.text[s:e], self._kind(appos)
        if appos is not None and appos.ent_type_ == "ORG" and tok.pos_ == "NOUN" and (
            tok.lemma_.lower() in ORG_DESCRIPTION_NOUNS or tok.lemma_.lower() in ORG_NOUNS
        ):  # "The watchdog group, Judicial Watch, said": the organisation named in apposition
            ent = self.ent_at[appos.i]
            return self.org_name(ix.text[ent.start_char : ent.end_char]), "org"
        lemma = tok.lemma_.lower()
        if lemma in PAIR_NOUNS and tok.tag_ == "NN" and any(c.dep_ == "det" and c.lower_ in DEFINITE for c in tok.children):
            pair = self._latest_pair(pos)  # "the pair", "the couple": the two people named last together
            if pair is not None:
                return pair, "plural"
        kind = self._kind(tok)
        if lemma in DOCUMENT_NOUNS:
            inner = self._entity_in(tok)
            if inner is not None:
                return inner, "org"
        is_role = lower.replace(".", "") in ROLE_WORDS
        if tok.pos_ in ("PROPN", "NOUN") and not is_role and tok.text[:1].isupper() and tok.ent_type_ in ("PERSON", ""):
            k = tok.i
            while k > 0 and ix.tokens[k - 1].pos_ == "PROPN" and ix.tokens[k - 1].dep_ == "compound" and tok.i - k < 4:
                k -= 1
            if k < tok.i - 1 and ix.tokens[k].lower_.rstrip(".") in HONORIFICS:
                # "Father John Doe" not recognised as a person: the name without the title
                return self.full_name(ix.text[ix.tokens[k + 1].idx : tok.idx + len(tok.text)], pos), "person"
        if tok.pos_ == "PROPN" and not is_role:
            return self.org_name(mention), kind
        owner = _possessor(tok)
        if owner is not None and owner.ent_type_ in ("DATE", "TIME"):
            owner = None  # "Today's report", "Monday's statement": a time, not an owner
            definite_time = True
        else:
            definite_time = False
        # "Plant's publicist", "the embassy's director": a new speaker, not the latest person
        named_owner = owner is not None and (
            (owner.pos_ == "PROPN" and owner.ent_type_ not in ("GPE", "NORP")) or owner.pos_ == "NOUN"
        )
        before = ix.tokens[tok.left_edge.i - 1] if tok.left_edge.i > 0 else None
        definite = (
            owner is not None or definite_time or any(c.dep_ == "det" and c.lower_ in DEFINITE for c in tok.children)
            or (before is not None and before.dep_ == "det" and before.lower_ in DEFINITE)
        )  # fmt: skip
        indefinite = any(
            (c.dep_ in ("det", "nummod") and c.lower_ in INDEFINITE) or c.lower_ in ANONYMOUS_MODIFIERS
            for c in tok.children
        )
        plural = tok.tag_ in ("NNS", "NNPS") and not any(
            c.dep_ == "det" and c.lower_ in ("a", "an") for c in tok.children
        )  # "the teachers": never one named person (but "an analysts" is a typo for one)
        if not plural and (is_role or lemma in PERSON_NOUNS or YEAR_OLD_RE.search(mention)):
            if not indefinite and (is_role or (definite and not named_owner)):
                found = self._describe(tok, pos, recency=not named_owner, ahead=owner is not None and owner.pos_ == "NOUN")
                if found is not None:
                    return found, "person"
            if not indefinite and not is_role and definite and named_owner:
                found = self._titled(tok)  # "the borough's district attorney" -> the one so titled
                if found is not None:
                    return found, "person"
            if indefinite and self._in_lede(tok):
                found = self._lede_name(tok, pos, "person")
                if found is not None:
                    return found, "person"
            return mention, kind
        if (
            not plural and tok.pos_ == "NOUN" and lemma in MEDIA_NOUNS and indefinite and owner is None
            and self._in_lede(tok)
        ):  # fmt: skip
            found = self._lede_name(tok, pos, "org")
            if found is not None:
                return found, "org"
        if (
            not plural and tok.pos_ == "NOUN" and kind == "person" and indefinite and owner is None
            and self._in_lede(tok)
        ):  # fmt: skip
            found = self._lede_name(tok, pos, "person")  # "A Texas plumber says ...": any person noun
            if found is not None:
                return found, "person"
        if tok.pos_ == "NOUN" and (lemma in ORG_DESCRIPTION_NOUNS or lemma in DOCUMENT_NOUNS) and any(
            c.dep_ == "det" for c in tok.children
        ):
            embedded = self._embedded_name(tok)  # "the Reuters news agency", "a BBC report"
            if embedded is not None:
                return embedded, "org"
        if definite and not named_owner and lemma in ORG_DESCRIPTION_NOUNS and tok.pos_ == "NOUN":
            found = self._org_description(tok, pos)
            if found is not None:
                return found, "org"
        if definite and not named_owner:
            found = self._antecedent(tok, pos)
            if found is not None:
                return found, kind
            if plural and any(c.dep_ == "det" and c.lower_ in ("these", "those") for c in tok.children):
                for ev in reversed(self.speaker_events):  # "According to X's sources, ... these people said"
                    if ev.pos < pos and ev.kind == "plural" and not ev.nested:
                        return ev.name, kind
        return mention, kind

    def _latest_pair(self, pos: int) -> str | None:
        """The latest two people named together ("Casey Dean and Eduard Nitz") before ``pos``."""
        k = bisect_left(self.pairs, pos, key=lambda p: p[0]) - 1
        if k < 0:
            return None
        _, a, b = self.pairs[k]
        return f"{self.full_name(self._clean_name(a), a.start_char)} and {self.full_name(self._clean_name(b), b.start_char)}"

    def _embedded_name(self, tok: Token) -> str | None:
        """The organisation named inside a description ("the Reuters news agency" -> Reuters,
        "The New York Times newspaper"): an ORG/PERSON entity (or a capitalised proper-noun
        chain that is not a place or nationality) among the noun's compound modifiers."""
        ix = self.ix
        for c in tok.lefts:
            if c.dep_ != "compound" or c.pos_ != "PROPN" or ix.quote_of[c.i] >= 0:
                continue
            ent = self.ent_at.get(c.i)
            if ent is not None:
                if ent.label_ == "PERSON":
                    return self.full_name(self._clean_name(ent), tok.idx)
                if ent.label_ in ("ORG", "WORK_OF_ART", "FAC") and ent.end <= tok.i:
                    return self.org_name(ix.text[ent.start_char : ent.end_char])
        return None

    def _is_named(self, tok: Token) -> bool:
        """A personal pronoun or a person's name (for coordinated speakers)."""
        if tok.lower_ in PERSON_PRONOUNS:
            return True
        return tok.pos_ == "PROPN" and (tok.ent_type_ == "PERSON" or self._person_in(tok) is not None)

    def _kind(self, tok: Token) -> str:
        """"org", "plural" or "person" (the default, also for anonymous people)."""
        lemma = tok.lemma_.lower()
        if tok.ent_type_ == "NORP" and tok.tag_ == "NNP" and any(
            c.dep_ == "det" and c.lower_ in ("a", "an", "one") for c in tok.children
        ):
            return "person"  # "An American who is fighting with the Kurds": a person
        if (
            tok.ent_type_ in ("ORG", "GPE", "NORP", "FAC") or lemma in ORG_NOUNS or lemma in DOCUMENT_NOUNS
            or lemma in MEDIA_NOUNS or lemma in COLLECTIVE_NOUNS
        ):  # fmt: skip
            return "org"
        if tok.tag_ in ("NNS", "NNPS"):
            return "plural"
        if tok.pos_ == "NOUN" and not (
            lemma in PERSON_NOUNS or tok.lower_.rstrip(".") in ROLE_WORDS or YEAR_OLD_RE.search(tok.text)
        ) and (
            lemma in REPORT_NOUNS or lemma.endswith(("graphy", "ment", "tion", "ism")) or not _is_personal_noun(lemma)
        ):  # fmt: skip
            return "thing"  # "his online biography", "a scandal", "a pamphlet": not a "he" later
        return "person"

    def _person_in(self, tok: Token) -> str | None:
        """A person named by the noun phrase itself or in apposition ("a commander, identified
        as Abu al-Ezz"), not in its modifiers ("a spokesman for Joe Biden")."""
        candidates = [tok]
        if tok.dep_ == "appos" and tok.pos_ == "NOUN":  # "Jaime Incer, a scientist who advises ..."
            candidates.append(tok.head)
        for c in tok.children:
            if c.dep_ == "appos":
                candidates.append(c)
            elif c.dep_ == "acl":
                for p in c.children:
                    if p.dep_ == "prep" and p.lower_ == "as":
                        candidates.extend(g for g in p.children if g.dep_ == "pobj")
                    elif p.dep_ in ("oprd", "dobj", "attr") and c.tag_ == "VBN" and c.lemma_.lower() in NAMING_LEMMAS:
                        candidates.append(p)  # "a commenter named 'X'"
        ix = self.ix
        person_noun = tok.pos_ == "NOUN" and tok.lemma_.lower() not in DOCUMENT_NOUNS and self._kind(tok) == "person"
        for cand in candidates[1:] if person_noun else ():
            qid = ix.quote_of[cand.i]
            if qid >= 0:  # 'a commenter, "Lady_A,"', 'a user named "Jo"': a quoted handle is the name
                q = ix.quotes[qid]
                if 1 <= q.words <= 3 and not q.has_verb and q.first <= cand.i <= q.last:
                    handle = ix.text[q.start : q.end].strip().rstrip(",.;:")
                    if handle:
                        return handle
        for cand in candidates:
            ent = self.ent_at.get(cand.i)
            if ent is not None and ent.label_ == "PERSON":
                return self.full_name(self._clean_name(ent), cand.idx)
            if cand.pos_ == "PROPN":
                chain = [g for g in cand.lefts if g.dep_ == "compound" and g.pos_ == "PROPN"]
                cut = max((k for k, g in enumerate(chain) if g.lower_.rstrip(".") in HONORIFICS), default=-1)
                chain = chain[cut + 1 :]  # "Bewildered Ms Yen" -> "Yen"
                text = " ".join([g.text for g in chain] + [cand.text])
                if self._is_person_name(text):
                    return self.full_name(text, cand.idx)
        return None

    def _entity_in(self, tok: Token) -> str | None:
        """The organisation or person a document belongs to: its name in apposition ("US website
        TMZ"), or a name in a compound, possessive or "from/by/of" phrase ("a report from
        Digitimes", "An International Business Times article", "the latest data from the
        Russian Defense Ministry")."""
        owners = [c for c in tok.children if c.dep_ == "appos" and c.pos_ == "PROPN"]  # "website TMZ"
        owners += [c for c in tok.children if c.dep_ in ("compound", "poss", "nmod")]
        published_in = []  # "a report in The Independent": the publication, not a place
        for c in tok.children:
            if c.dep_ in ("prep", "agent") and c.lower_ in ("from", "by", "of"):
                owners.extend(g for g in c.children if g.dep_ == "pobj")
            elif c.dep_ == "prep" and c.lower_ == "in" and tok.lemma_.lower() in DOCUMENT_NOUNS:
                published_in.extend(g for g in c.children if g.dep_ == "pobj" and g.pos_ == "PROPN")
            elif c.dep_ == "acl" and c.tag_ == "VBN" and c.lemma_.lower() in PUBLISH_VERBS | {"run", "write", "carry"}:
                for p in c.children:  # "a story, published on website X,", "an article written by X"
                    if p.dep_ in ("prep", "agent") and p.lower_ in ("on", "in", "by"):
                        published_in.extend(g for g in p.children if g.dep_ == "pobj" and g.pos_ == "PROPN")
        for owner in published_in:
            ent = self.ent_at.get(owner.i)
            if ent is not None and ent.label_ in ("ORG", "WORK_OF_ART"):
                return self.org_name(self.ix.text[ent.start_char : ent.end_char])
            if ent is None and owner.text[:1].isupper():
                s, e = _mention_span(self.ix, owner.i)
                return self.org_name(self.ix.text[s:e])
        for owner in owners:
            if owner.dep_ == "poss" and owner.lower_ in ("his", "her", "their") and self.ix.quote_of[owner.i] < 0:
                # "His report notes ...": the report of the person "his" refers to
                if owner.lower_ == "their":
                    return self._latest_of(owner.idx, ("plural", "org"))
                return self._latest_person(owner.idx, None, PRONOUN_GENDER.get(owner.lower_))
            ent = self.ent_at.get(owner.i)
            if ent is not None and ent.label_ in ("ORG", "PERSON", "GPE", "NORP", "FAC", "WORK_OF_ART"):
                if ent.label_ == "PERSON":
                    return self.full_name(self._clean_name(ent))
                return self.org_name(self.ix.text[ent.start_char : ent.end_char])
            if owner.pos_ == "PROPN" or (owner.dep_ == "poss" and owner.lemma_.lower() in ORG_NOUNS):
                s, e = _mention_span(self.ix, owner.i)
                return self.ix.text[s:e]
        return None

    def _latest_of(self, pos: int, kinds: tuple[str, ...]) -> str | None:
        """Latest speaker of one of ``kinds`` before ``pos``, else the latest organisation in
        subject position, else the latest speaker of any kind, else the latest organisation."""
        latest_any = None
        for ev in reversed(self.speaker_events):
            if ev.pos < pos and not ev.nested:
                if ev.kind in kinds:
                    return ev.name
                latest_any = latest_any or ev.name
        if "plural" in kinds and self.plural_subjects:  # no group spoke yet: "surgeons ... they said"
            k = bisect_left(self.plural_subjects, pos, key=lambda i: self.ix.tokens[i].idx) - 1
            if k >= 0:
                t = self.ix.tokens[self.plural_subjects[k]]
                s, e = _mention_span(self.ix, t.i)
                return self.ix.text[s:e]
        best = any_org = None
        for start, ent in self.org_entities:
            if start >= pos:
                break
            if self.ix.quote_of[ent.root.i] < 0:
                any_org = self.ix.text[ent.start_char : ent.end_char]
                if ent.root.dep_ in ("nsubj", "nsubjpass"):
                    best = any_org
        return best or latest_any or any_org

    def _latest_person(
        self, pos: int, title: _Title | None, gender: str | None = None, outside_only: bool = False
    ) -> str | None:
        """Latest person before ``pos`` compatible with ``title`` (and, for he/she, not of the
        other gender): a speaker or a person in subject position outside reported contents; else
        any person outside reported contents; else (unless ``outside_only``) any person."""
        best: list[_Event | None] = [None, None, None]  # subject, outside contents, any
        for ev in self.speaker_events + self.entity_events:
            if ev.pos >= pos or (ev.kind != "person") or not self._compatible(ev.name, title):
                continue
            # an unnamed speaker inside someone's reported content ("said a player told him")
            # is like a person named there: rarely the next "he"
            hidden = ev.reported or (ev.nested and not self._is_person_name(ev.name))
            if outside_only and hidden:
                continue
            if gender is not None and self._gender_of(ev.name) not in (None, gender):
                continue
            rank = 2 if hidden else (0 if ev.subject else 1)
            for r in range(rank, 3):
                current = best[r]
                if current is None or ev.pos > current.pos:
                    best[r] = ev
        found = next((ev for ev in best if ev is not None), None)
        return found.name if found is not None else None

    def _nearby_person(self, root: int, pos: int, gender: str | None) -> str | None:
        """he/she when the previous sentence (and its own, up to the pronoun) has no person as
        subject but names exactly one person of that gender outside reported contents ("The
        video shows a man in a balaclava. He says ..."; "In an interview with the Journal,
        Emmanuel Nachshon, spokesman for ..., distanced ... . 'A,' he said."): that person,
        rather than a subject further back."""
        ix = self.ix
        first = ix.unit_bounds(root)[0]
        prev = first - 1
        while prev >= 0 and (ix.tokens[prev].is_space or ix.skipped(prev)):
            prev -= 1
        if prev < 0:
            return None
        start = ix.tokens[ix.unit_bounds(prev)[0]].idx
        names: set[str] = set()
        for ev in itertools.chain(self.speaker_events, self.entity_events):
            if not start <= ev.pos < pos or ev.kind != "person" or ev.reported:
                continue
            if gender is not None and self._gender_of(ev.name) not in (None, gender):
                continue
            if ev.subject:
                return None  # the usual rule (the latest subject) applies
            names.add(ev.name)
        return names.pop() if len(names) == 1 else None

    def _compatible(self, name: str, title: _Title | None) -> bool:
        """A person may be described by ``title`` unless a known title of theirs contradicts it
        (a different official role, or a different nationality/organisation key)."""
        if title is None:
            return True
        known = self.titles.get(name)
        if known is None:
            return True
        wanted = title.roles & OFFICIAL_ROLES
        have = known.roles & OFFICIAL_ROLES
        if wanted and have and not wanted <= have:
            return False
        return not (title.keys and known.keys and not title.keys <= known.keys)

    def _describe(self, tok: Token, pos: int, recency: bool, ahead: bool = False) -> str | None:
        """Resolve a description of a person (see the class doc); without ``recency`` only an
        exact title match counts, or with ``ahead`` a person named in the next sentence ("the
        country's interior minister says. X told ...")."""
        lemma = tok.lemma_.lower()
        same = [ev for ev in self.speaker_events if ev.pos < pos and ev.head == lemma and ev.kind == "person"]
        if same:  # "an NBC source ... a network source ... the NBC source": the one with the same modifiers
            mods = [c.lower_ for c in tok.lefts if c.dep_ in ("compound", "amod")]
            fitting = [ev for ev in same if all(set(_name_words(m)) <= set(_name_words(ev.name)) for m in mods)]
            if fitting or not mods:
                return (fitting or same)[-1].name
        if lemma in PERSON_NOUNS:  # "citing a security official ... The security official said"
            found = self._antecedent(tok, pos, names_only=True)
            if found is not None:
                return found
        title = _title_of(list(self.ix.doc[tok.left_edge.i : tok.i + 1]))
        wanted = title.roles & OFFICIAL_ROLES
        if wanted:
            holders = {n for n, t in self.titles.items() if wanted <= t.roles and self._compatible(n, title)}
            latest: _Event | None = None
            for ev in self.speaker_events + self.entity_events:
                if ev.pos < pos and ev.name in holders and (latest is None or ev.pos > latest.pos):
                    latest = ev
            if latest is not None:
                return latest.name
        found = self._titled(tok, title)
        if found is not None:
            return found
        if not recency:
            return self._next_person(tok, pos, title) if ahead else None
        name = self._latest_person(pos, title, outside_only=True) or self._next_person(tok, pos, title)
        name = name or self._latest_person(pos, title)
        if name is not None and (title.roles or title.keys):
            self._add_title(name, title)
        return name

    def _in_lede(self, tok: Token) -> bool:
        """The mention is in the first sentence of the text (after headlines)."""
        ix = self.ix
        for u, first in enumerate(ix.unit_first):  # a dateline ("GAZA, Feb. 22 (Xinhua) --") is not the lede
            if ix.skipped(first):
                continue
            if any(ix.tokens[k].pos_ in ("VERB", "AUX") for k in range(first, ix.unit_last[u] + 1)):
                return ix.line_of[first] == ix.line_of[tok.i]  # the opening paragraph
            if first > tok.i:
                break
        return False

    def _lede_name(self, tok: Token, pos: int, kind: str) -> str | None:
        """An indefinite description in the first sentence, named in the next one (the delayed
        identification of a lede: "A woman who claims ... . Jane Roe, 41, told ..."; "..., a
        local newspaper reported. X Daily said ..."): the subject of the next sentence when it
        is a person (of a compatible gender) or, for media nouns, a named organisation that
        reports there; no anonymous modifiers ("an unnamed official")."""
        ix = self.ix
        if any(c.lower_ in ANONYMOUS_MODIFIERS for c in tok.children) or tok.lemma_.lower() in ANONYMOUS_NOUNS:
            return None  # "a source says ...": unnamed by design
        last = ix.unit_bounds(tok.i)[1]
        nxt = last + 1
        while nxt < len(ix.tokens) and (ix.tokens[nxt].is_space or ix.skipped(nxt)):
            nxt += 1
        if nxt >= len(ix.tokens):
            return None
        lo, hi = ix.unit_bounds(nxt)
        if kind == "person":
            gender = self._gender_of(ix.text[slice(*_mention_span(ix, tok.i))])
            known = self._known_as(lo, hi)
            if known is not None:
                return known
            named = []
            for ev in self.entity_events:
                if ix.tokens[lo].idx <= ev.pos <= ix.tokens[hi].idx and not ev.reported:
                    if ev.subject:
                        return ev.name if gender is None or self._gender_of(ev.name) in (None, gender) else None
                    named.append(ev.name)
            # "... an analyst claims X. According to Jane Roe of Acme, ...": the one person named
            if len(set(named)) == 1 and (gender is None or self._gender_of(named[0]) in (None, gender)):
                return named[0]
            return None if named else self._first_named_speaker(last, gender)
        for k in range(lo, hi + 1):
            cue = self.cues.get(k)
            if cue is not None and ix.same_unit(cue.speaker, k):
                sp = ix.tokens[cue.speaker]
                ent = self.ent_at.get(sp.i)
                if sp.pos_ == "PROPN" and (ent is None or ent.label_ not in ("PERSON", "GPE", "NORP")):
                    s, e = _mention_span(ix, sp.i)
                    return self.org_name(ix.text[s:e])
                return None
        return None

    def _known_as(self, lo: int, hi: int) -> str | None:
        """A person introduced by a naming participle in tokens ``lo``..``hi`` ("the author,
        known only as Lena, wrote ..."; "a man identified as Jo Roe"): the capitalised name after
        it, when only one such phrase is there."""
        ix = self.ix
        toks = ix.tokens
        found = []
        for k in range(lo, hi):
            if toks[k].lower_ not in ("known", "identified") or toks[k].tag_ != "VBN" or ix.quote_of[k] >= 0:
                continue
            j = k + 1
            while j <= hi and toks[j].lower_ in ("only", "simply", "just"):
                j += 1
            if j >= hi or toks[j].lower_ != "as":
                continue
            j += 1
            e = j
            while e <= hi and toks[e].pos_ == "PROPN" and toks[e].text[:1].isupper():
                e += 1
            if e > j:
                found.append(self.full_name(ix.text[toks[j].idx : toks[e - 1].idx + len(toks[e - 1].text)], toks[j].idx))
        return found[0] if len(set(found)) == 1 else None

    def _first_named_speaker(self, after: int, gender: str | None) -> str | None:
        """The delayed identification of a lede over several sentences ("A Texas baker says X.
        | The van ... | Tom Roe, the owner's son, told ..."; "A judge ruled X. Y, he said. |
        '...,' said Judge Tom Roe"): the first reporting verb after token ``after`` whose speaker
        is not a pronoun, within the next few paragraphs, when its speaker is a named person of
        a compatible gender (a description or an organisation speaking first ends the search;
        a participle describing a document, "a photo posted by a gang", does not)."""
        ix = self.ix
        limit_line = ix.line_of[after] + LEDE_NAME_LINES
        for k in sorted(self.cues):
            cue = self.cues[k]
            if k <= after or cue.speaker < 0 or cue.speaker <= after:
                continue
            if ix.line_of[k] > limit_line:
                return None
            sp = ix.tokens[cue.speaker]
            if sp.pos_ == "PRON" or ix.quote_of[sp.i] >= 0 or ix.skipped(sp.i) or ix.tokens[k].dep_ == "acl":
                continue  # "a photo posted Monday by a gang": a document described, no one speaking
            name = self._person_in(sp)
            if name is None:
                return None
            return name if gender is None or self._gender_of(name) in (None, gender) else None
        return None

    def _next_person(self, tok: Token, pos: int, title: _Title | None) -> str | None:
        """A description before any name ("..., the country's interior minister says. Nohad
        Machnouk told ..."): the first person named outside reported contents in the next
        sentence, when a definite description has no antecedent."""
        if not any(c.dep_ in ("det", "poss") for c in tok.children):
            return None
        ix = self.ix
        last = ix.unit_bounds(tok.i)[1]
        nxt = last + 1
        while nxt < len(ix.tokens) and ix.tokens[nxt].is_space:
            nxt += 1
        if nxt < len(ix.tokens):
            last = ix.unit_bounds(nxt)[1]
        end_char = ix.char_span(last, last)[1]
        for ev in self.entity_events:
            if pos < ev.pos < end_char and not ev.reported and ev.subject and self._compatible(ev.name, title):
                return ev.name
        return None

    def _org_description(self, tok: Token, pos: int) -> str | None:
        """Resolve "the company", "the charity", "the health department" ... to a named
        organisation: the latest organisation whose name contains the description's words ("the
        KCMO Health Department"); else the name given to an earlier phrase with the same noun
        ("the monitoring group SITE", "the condom company ..., Durex,"); else the latest
        organisation that spoke; else (not for media words) the latest organisation named."""
        ix = self.ix
        lemma = tok.lemma_.lower()
        words = {lemma} | {
            c.lower_ for c in tok.lefts if c.dep_ in ("compound", "amod") and c.pos_ in ("NOUN", "PROPN", "ADJ")
        }
        latest_org = latest_subject = latest_media = None
        for start, ent in self.org_entities:
            if start >= pos:
                break
            if ent.label_ != "ORG" or ix.skipped(ent.start):
                continue
            ent_words = {t.lower_ for t in ent} | {t.lemma_.lower() for t in ent}
            text = ix.text[ent.start_char : ent.end_char]
            if words <= ent_words:
                return self.org_name(text)
            latest_org = text
            if len(ent) > 1 and ent_words & MEDIA_NAME_WORDS:
                latest_media = text
            if ent.root.dep_ in ("nsubj", "nsubjpass") and ix.quote_of[ent.root.i] < 0:
                latest_subject = text
        for start, text, root in self.org_chains:
            if start >= pos:
                break
            if latest_org is None or start > ix.text.rfind(latest_org, 0, pos):
                latest_org = text
                if root.dep_ in ("nsubj", "nsubjpass") and ix.quote_of[root.i] < 0:
                    latest_subject = text
        for j in reversed(range(tok.i)):
            t = ix.tokens[j]
            if t.lemma_.lower() != lemma or t.pos_ != "NOUN" or ix.quote_of[j] >= 0:
                continue
            if t.dep_ == "compound" and t.head.pos_ == "PROPN" and t.head.i > j:  # "the group SITE"
                ent = self.ent_at.get(t.head.i)
                if ent is not None and ent.label_ in ("ORG", "PERSON"):
                    return self.org_name(ix.text[ent.start_char : ent.end_char])
                e = _mention_span(ix, t.head.i)[1]
                return ix.text[ix.tokens[j + 1].idx : e] if e > ix.tokens[j + 1].idx else None
            for k in range(j + 1, min(t.right_edge.i + 3, len(ix.tokens))):
                ent = self.ent_at.get(k)  # "the condom company that isn't Trojan, Durex,"
                if ent is not None and ent.label_ in ("ORG", "PERSON", "PRODUCT") and ix.tokens[ent.start - 1].text == ",":
                    return self.org_name(ix.text[ent.start_char : ent.end_char])
            break
        for ev in reversed(self.speaker_events):
            if ev.pos < pos and ev.kind == "org" and self._is_org_name(ev.name):
                return ev.name
        if lemma in MEDIA_NOUNS:  # "the publication": the latest outlet named as one
            return self.org_name(latest_media) if latest_media is not None else None
        found = latest_subject or latest_org
        return self.org_name(found) if found is not None else None

    def _latest_outlet(self, after: int, pos: int) -> str | None:
        """The last speaker before ``pos`` (after character ``after``, not inside someone
        else's content) when it is a named organisation, for a document with no named author
        ("according to X. The report says ...": X's report)."""
        for ev in reversed(self.speaker_events):
            if ev.pos <= after:
                break
            if ev.pos >= pos or ev.nested:
                continue
            if ev.kind == "org" and self._is_org_name(ev.name):
                return ev.name
            return None
        return None

    def _antecedent(self, tok: Token, pos: int, names_only: bool = False) -> str | None:
        """Resolve a definite non-person description (see the class doc). With ``names_only``
        an antecedent that is itself only a description ("the man himself") does not count."""
        ix = self.ix
        lemma = tok.lemma_.lower()
        if lemma in ORG_NOUNS and any(c.dep_ in ("amod", "compound") and c.ent_type_ in ("NORP", "GPE") for c in tok.lefts):
            return None  # "the Qatari government" names itself (not "the government of Qatar" rewritten)
        plural = tok.tag_ in ("NNS", "NNPS")
        earlier = [
            i for i in self.nouns.get(lemma, ()) if i < tok.i and (ix.tokens[i].tag_ in ("NNS", "NNPS")) == plural
        ]
        if not earlier and lemma in DOCUMENT_NOUNS:  # "posted a message ... the post read"
            earlier = [i for i in self.documents if i < tok.i]
        if earlier:
            ante = ix.tokens[earlier[-1]]
            cue = self.speaker_cue.get(ante.i)
            if cue is not None and cue.resolved:
                return cue.name
            owner = ante.head.head if ante.head.dep_ == "prep" else ante.head
            cue = self.cues.get(owner.i)
            if cue is not None and cue.resolved and cue.speaker != tok.i:
                return cue.name
            if ante.dep_ in ("dobj", "pobj") and owner.pos_ in ("VERB", "AUX"):
                subj = next((c for c in owner.children if c.dep_ == "nsubj"), None)
                if subj is not None and lemma in DOCUMENT_NOUNS:
                    cue = self.speaker_cue.get(subj.i)
                    if cue is not None and cue.resolved:
                        return cue.name
                    s, e = _mention_span(ix, subj.i)
                    return self._person_in(subj) or ix.text[s:e]
            inner = self._person_in(ante)
            if inner is None and (lemma in DOCUMENT_NOUNS or lemma in ORG_DESCRIPTION_NOUNS):
                inner = self._entity_in(ante)  # "a BBC report ... the report"; but "Haines' family" is not Haines
            if inner is not None:
                return inner
            if names_only and not any(c.dep_ == "det" and c.lower_ in INDEFINITE for c in ante.children):
                return None
            s, e = _mention_span(ix, ante.i, with_conj=False)
            for ev in reversed(self.speaker_events):  # "A priest ... . John Doe claims ... the priest"
                if ev.pos < s:
                    break
                if ev.pos == s and ev.head == lemma and ev.kind == "person" and self._is_person_name(ev.name):
                    return ev.name
            if lemma in DOCUMENT_NOUNS and not names_only:
                outlet = self._latest_outlet(s, pos)  # "A hoax story ... . Website X alleged ... The story said"
                if outlet is not None:
                    return outlet
            return ix.text[s:e]
        if lemma in DOCUMENT_NOUNS and not names_only:  # "according to X. The report says ...": X's report
            outlet = self._latest_outlet(-1, pos)
            if outlet is not None:
                return outlet
        if lemma in ORG_NOUNS:
            for start, ent in reversed(self.org_entities):
                if start < pos and ent.root.lemma_.lower() == lemma:
                    return ix.text[ent.start_char : ent.end_char]
        return None


# --------------------------------------------------------------------------------------------
# Entry point
# --------------------------------------------------------------------------------------------


def extract_claims(doc: Doc) -> list[ClaimSuggestion]:
    """Attributed claims in a parsed ``Doc``, in text order (see the module doc for the rules).

    Offsets are Python ``str`` indices into ``doc.text``; ``start``/``end`` delimit the content
    without quotation marks, ``source_start``/``source_end`` the speaker mention as written,
    ``cue_start``/``cue_end`` the reporting verb or phrase. A quotation that continues the
    previous claim repeats that claim's mention and cue.
    """
    if not len(doc):
        return []
    ix = _DocIndex(doc)
    finder = _ClaimFinder(ix)
    claims = finder.run()
    _resolve_speakers(ix, finder.cues, claims)
    result: list[ClaimSuggestion] = []
    for c in sorted(claims, key=lambda c: c.start):
        if c.anchor is not None:  # the anchor comes first in text order, so it has its name
            c.name = c.anchor.name
        elif c.cue is not None:
            c.name = c.cue.name
        source = _mention_span(ix, c.speaker) if c.speaker is not None else (None, None)
        cue_start, cue_end = c.cue_span if c.cue_span else (None, None)
        result.append(
            ClaimSuggestion(
                start=c.start, end=c.end, quote_type=c.kind, source_start=source[0], source_end=source[1],
                source_name=c.name, cue_start=cue_start, cue_end=cue_end,
            )
        )  # fmt: skip
    return result


def _is_person_description(ix: _DocIndex, t: Token) -> bool:
    """A singular definite description of one person outside quotations ("the pope", "the
    guitarist", "the minister")."""
    if t.tag_ not in ("NN", "NNP") or ix.quote_of[t.i] >= 0 or ix.skipped(t.i):
        return False
    word = t.lower_.rstrip(".")
    if word not in ROLE_WORDS and t.lemma_.lower() not in PERSON_NOUNS:
        return False
    if any(c.dep_ in ("poss", "appos") for c in t.children):
        return False
    if any(c.dep_ == "det" and c.lower_ == "the" for c in t.children):
        return not any(c.dep_ == "compound" for c in t.children)
    # "One longtime employee ... had a few words for him. '...,' he fumed.": a new person
    return t.head.dep_ == "ROOT" and ix.tokens[t.left_edge.i].lower_ in ("a", "an", "one")


def _resolve_speakers(ix: _DocIndex, cues: dict[int, _Cue], claims: list[_Claim]) -> None:
    """Name the speakers of all cues and "according to" claims, in the order of their mentions
    (pronouns and descriptions look backwards).

    The speakers of reporting verbs count as earlier mentions even without a claim ("A spokesman
    confirmed the find. '...,' he said."); verbs that only attribute quotations ("read",
    "continued") count only when they attributed one.
    """
    contents = _Intervals(_merge([(c.start, c.end) for c in claims if c.kind is not QuoteType.DIRECT]))
    resolver = _SpeakerResolver(ix, cues, contents)
    used = {id(c.cue) for c in claims if c.cue is not None}
    mentions: list[tuple[int, int, _Cue | None, _Claim | None]] = []
    for cue in cues.values():
        if cue.lemma in REPORTING_LEMMAS or id(cue) in used:
            mentions.append((_mention_span(ix, cue.speaker)[0], cue.speaker, cue, None))
    for c in claims:
        if c.cue is None and c.anchor is None and c.speaker is not None:
            mentions.append((_mention_span(ix, c.speaker)[0], c.speaker, None, c))
    speakers = {cue.speaker for cue in cues.values()}
    for t in ix.tokens:  # "The Pope offered his assurance. '...,' he said.": a later "he"
        if t.dep_ in ("nsubj", "dobj") and t.i not in speakers and _is_person_description(ix, t):
            mentions.append((_mention_span(ix, t.i)[0], t.i, None, None))
    mentions.sort(key=lambda m: m[0])
    for pos, root, cue, claim in mentions:
        if cue is None and claim is None:
            resolver.note_subject(root, pos)
            continue
        nested = cue is not None and id(cue) not in used and contents.contains(ix.tokens[cue.token].idx)
        name = resolver.resolve(root, pos, nested)
        if cue is not None:
            cue.name, cue.resolved = name, True
        elif claim is not None:
            claim.name = name
