"""Tests of the claim rules (annotator.nlp.claims) and of their scoring (annotator.nlp.claim_eval).

Unit tests run the rules on small constructed texts, one pattern each; quality tests score the
rules on the hand-labelled sets in tests/data/claims (see GUIDELINES.md there) and report the
figures in the test output (terminal line, ``record_property`` and the assertion message).
The spaCy pipeline is loaded once per session; without a trained pipeline the tests are skipped.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from annotator.domain.model import ClaimSuggestion, QuoteType
from annotator.nlp.claim_eval import (
    GoldArticle,
    GoldClaim,
    GoldFormatError,
    Scores,
    load_gold,
    same_speaker,
    score,
    score_article,
    score_labels,
    trim_span,
)

DATA = Path(__file__).parent / "data" / "claims"


@pytest.fixture(scope="session")
def nlp():
    """The installed pipeline, loaded once; the tests are skipped when there is none."""
    pytest.importorskip("spacy")
    from annotator.domain.errors import ModelError
    from annotator.nlp.pipeline import load_pipeline

    try:
        pipeline, _ = load_pipeline()
    except ModelError as exc:
        pytest.skip(f"no trained spaCy pipeline is installed: {exc}")
    return pipeline


@pytest.fixture(scope="session")
def extract(nlp) -> Callable[[str], list[ClaimSuggestion]]:
    from annotator.nlp.claims import extract_claims

    return lambda text: extract_claims(nlp(text))


def contents(text: str, claims: list[ClaimSuggestion]) -> list[str]:
    return [text[c.start : c.end] for c in claims]


def only(text: str, claims: list[ClaimSuggestion]) -> ClaimSuggestion:
    assert len(claims) == 1, f"expected one claim, got {contents(text, claims)}"
    return claims[0]


# ------------------------------------------------------------------------------------------------
# Patterns
# ------------------------------------------------------------------------------------------------


@pytest.mark.model
def test_direct_quote_with_attribution_after(extract):
    text = '"We will not stand still," Lavrov said on Friday.'
    c = only(text, extract(text))
    assert text[c.start : c.end] == "We will not stand still,"
    assert c.quote_type is QuoteType.DIRECT
    assert c.source_name == "Lavrov"
    assert text[c.source_start : c.source_end] == "Lavrov"
    assert text[c.cue_start : c.cue_end] == "said"


@pytest.mark.model
def test_direct_quote_curly_marks_and_colon(extract):
    text = "Kremlin spokesman Dmitry Peskov told reporters: “The situation is extremely complicated.”"
    c = only(text, extract(text))
    assert text[c.start : c.end] == "The situation is extremely complicated."
    assert c.source_name == "Dmitry Peskov"
    assert text[c.cue_start : c.cue_end] == "told"


@pytest.mark.model
def test_inverted_attribution(extract):
    text = "“There is no truth whatsoever to these claims,” said Ty Votaw, a spokesman for the tour."
    c = only(text, extract(text))
    assert text[c.start : c.end] == "There is no truth whatsoever to these claims,"
    assert c.source_name == "Ty Votaw"


@pytest.mark.model
def test_indirect_speech_after_that(extract):
    text = "Peskov said that moderate opposition forces had not been separated from terrorists."
    c = only(text, extract(text))
    assert text[c.start : c.end] == "moderate opposition forces had not been separated from terrorists"
    assert c.quote_type is QuoteType.INDIRECT
    assert c.source_name == "Peskov"


@pytest.mark.model
def test_indirect_speech_before_the_attribution(extract):
    text = "The US is enabling jihadists to subvert the peace process, Syrian Foreign Minister Walid Muallem said."
    c = only(text, extract(text))
    assert text[c.start : c.end] == "The US is enabling jihadists to subvert the peace process"
    assert c.source_name == "Walid Muallem"


@pytest.mark.model
@pytest.mark.parametrize(
    ("text", "content"),
    [
        ("Muallem accused the US military of enlisting the help of terrorists.",
         "the US military of enlisting the help of terrorists"),
        ("Russia has called on the United States to honor its commitments.",
         "the United States to honor its commitments"),
        ("The minister vowed to respond to any provocation.", "to respond to any provocation"),
    ],
)  # fmt: skip
def test_verbs_with_object_or_infinitive_content(extract, text, content):
    assert contents(text, extract(text)) == [content]


@pytest.mark.model
def test_according_to_at_start_and_end(extract):
    text = (
        "According to the Russian General Staff, the militants tried to capture the servicemen.\n"
        "More than 87 percent of the territory has been freed, according to the Defense Ministry."
    )
    claims = extract(text)
    assert contents(text, claims) == [
        "the militants tried to capture the servicemen",
        "More than 87 percent of the territory has been freed",
    ]
    assert [c.quote_type for c in claims] == [QuoteType.ACCORDING_TO] * 2
    assert [c.source_name for c in claims] == ["the Russian General Staff", "the Defense Ministry"]
    assert text[claims[0].cue_start : claims[0].cue_end] == "According to"


@pytest.mark.model
def test_multi_sentence_quote_is_one_claim(extract):
    text = '"The work ahead is not easy. They reject everything," Lavrov noted.'
    assert contents(text, extract(text)) == ["The work ahead is not easy. They reject everything,"]


@pytest.mark.model
def test_quote_continued_in_next_paragraph_is_one_claim(extract):
    text = (
        'Scottish SPCA inspector Stewart Taylor said: "The dog is microchipped and we found his name.\n\n'
        '"We contacted the owner, who had sold him online."'
    )
    c = only(text, extract(text))
    assert text[c.start : c.end] == (
        'The dog is microchipped and we found his name.\n\n"We contacted the owner, who had sold him online.'
    )
    assert c.source_name == "Stewart Taylor"


@pytest.mark.model
def test_unattributed_follow_on_quotes_keep_the_speaker(extract):
    text = (
        '"Neither Iran nor its units were discussed," Lavrov said. "Should the army surrender in that case?"\n\n'
        '"I believe this is what they call wishful thinking."'
    )
    claims = extract(text)
    assert contents(text, claims) == [
        "Neither Iran nor its units were discussed,",
        "Should the army surrender in that case?",
        "I believe this is what they call wishful thinking.",
    ]
    assert {c.source_name for c in claims} == {"Lavrov"}


@pytest.mark.model
def test_interrupted_quote_gives_two_claims(extract):
    text = '"We are working to expand the truce," he said, "and we want more armed groups to join it."'
    text = "Sergey Lavrov spoke in Astana. " + text
    claims = extract(text)
    assert contents(text, claims) == [
        "We are working to expand the truce,",
        "and we want more armed groups to join it.",
    ]
    assert [c.source_name for c in claims] == ["Sergey Lavrov", "Sergey Lavrov"]


@pytest.mark.model
@pytest.mark.parametrize(
    "text",
    [
        "The ministry did not say whether the convoy had been attacked.",
        "Critics could claim that the vote was rigged.",
        "A spokesman for the mayor declined to comment on the report.",
        "The police refused to say where the suspect was held.",
        "Several opposition groups are said to be moderate.",
        "If he says the deal is off, the talks will end.",
    ],
)
def test_negated_hypothetical_and_agentless_reporting_is_skipped(extract, text):
    assert extract(text) == []


@pytest.mark.model
def test_scare_quotes_are_not_claims(extract):
    text = "The initiative was hailed by the envoy as a “turning point” for the so-called ‘moderate’ rebels."
    assert extract(text) == []


@pytest.mark.model
def test_read_more_lines_headlines_and_captions_are_skipped(extract):
    text = (
        "Russia warns US it will strike back\n"
        "READ MORE: Lavrov says the US is protecting terrorists, officials claim.\n"
        "Lavrov and Kerry attend a press conference in Geneva, where they said a deal was near. (Photo by AFP)\n"
        "Lavrov said the talks would continue."
    )
    claims = extract(text)
    assert contents(text, claims) == ["the talks would continue"]


@pytest.mark.model
def test_a_bracketed_sentence_that_mentions_a_photo_is_not_a_caption(extract):
    """Only a short credit ends a caption line; a paragraph whose last sentence is in brackets
    and mentions "the photo above" is running text, and its speaker is a "he" later."""
    text = (
        "The leaflet was questioned, but company spokesman John Miller confirmed to Quartz that the "
        "document is real. (If the figures look strange in the photo above, it is because the "
        "minifigure was not invented until 1978.)\n\n"
        '"The leaflet was meant for parents," he said.'
    )
    claims = extract(text)
    assert contents(text, claims) == ["the document is real", "The leaflet was meant for parents,"]
    assert [c.source_name for c in claims] == ["John Miller", "John Miller"]


@pytest.mark.model
def test_nested_reporting_verb_does_not_start_a_claim(extract):
    text = "Lavrov said that Tillerson had told him many times that the only goal was to defeat IS."
    c = only(text, extract(text))
    assert text[c.start : c.end] == "Tillerson had told him many times that the only goal was to defeat IS"
    assert c.source_name == "Lavrov"


@pytest.mark.model
def test_pronoun_and_title_resolution(extract):
    text = (
        "Russian Foreign Minister Sergey Lavrov met his Syrian counterpart on Friday.\n\n"
        '"The talks were useful," he said.\n\n'
        "The minister added that the ceasefire was holding.\n\n"
        "Russia's top diplomat stressed that the process would continue.\n\n"
        '"We remain optimistic," Lavrov said.'
    )
    claims = extract(text)
    assert len(claims) == 4, contents(text, claims)
    assert [c.source_name for c in claims] == ["Sergey Lavrov"] * 4
    assert [text[c.source_start : c.source_end] for c in claims] == [
        "he", "The minister", "Russia's top diplomat", "Lavrov"
    ]  # fmt: skip


@pytest.mark.model
def test_description_is_resolved_to_the_person_with_that_title(extract):
    text = (
        "Syrian Foreign Minister Walid Muallem spoke after meeting Sergey Lavrov.\n"
        "The Russian FM vowed to respond to any provocation.\n"
        "The Syrian Foreign Minister pointed out that the fight was nearing its end."
    )
    claims = extract(text)
    assert [c.source_name for c in claims] == ["Sergey Lavrov", "Walid Muallem"]


@pytest.mark.model
def test_pronoun_agrees_in_gender_with_its_antecedent(extract):
    text = (
        "Rosario Murillo, a government spokeswoman and wife of the president, Daniel Ortega, said the "
        "crater was caused by a meteorite.\n\n"
        "On Monday she said experts had been called in.\n\n"
        "Mr Ortega met the scientists later. Ms Murillo added that the site was closed.\n\n"
        '"We will know more soon," he said.'
    )
    claims = extract(text)
    assert [c.source_name for c in claims] == ["Rosario Murillo", "Rosario Murillo", "Rosario Murillo", "Daniel Ortega"]


@pytest.mark.model
def test_gender_is_learnt_from_the_article_pronouns(extract):
    text = (
        "Jordan Pike said she met the minister in August.\n\n"
        "Casey Rowe told his colleagues the meeting never took place.\n\n"
        '"It was the first time I felt heard," she said.'
    )
    claims = extract(text)
    assert claims[-1].source_name == "Jordan Pike"


@pytest.mark.model
@pytest.mark.parametrize(
    ("text", "speaker"),
    [
        ("Comcast is changing its rules.\nReports of a ban on the browser are false, the company says.", "Comcast"),
        ("The Scottish SPCA is keen to trace the owner.\nThe charity said abandoning an animal is an offence.",
         "The Scottish SPCA"),
        ("Research Medical Center is waiting for test results.\nThe hospital says the reports are false.",
         "Research Medical Center"),
        (("Jeff Hershberger of the KCMO Health Department spoke on Sunday.\n"
          "The health department says it should know the diagnosis by Monday."), "KCMO Health Department"),
    ],
)  # fmt: skip
def test_organisation_description_resolves_to_the_named_organisation(extract, text, speaker):
    c = only(text, extract(text))
    assert c.source_name is not None and speaker.lower().removeprefix("the ") in c.source_name.lower()


@pytest.mark.model
def test_acronym_resolves_to_the_full_organisation_name(extract):
    text = (
        "The Scottish SPCA has received hundreds of messages online.\n\n"
        "“It is really unusual to get that sort of interest,” the SSPCA said."
    )
    assert only(text, extract(text)).source_name == "Scottish SPCA"


@pytest.mark.model
def test_nickname_and_short_form_resolve_to_the_full_name(extract):
    text = (
        "Mohammed Islam, 17, runs an investment club in New York.\n\n"
        '"It all comes down to this," Mo said.\n\n'
        "Pizza House manager Brian LeFevre took the call.\n\n"
        '"He was clearly pretty ecstatic," Le said.'
    )
    assert [c.source_name for c in extract(text)] == ["Mohammed Islam", "Brian LeFevre"]


@pytest.mark.model
def test_misspelt_later_mention_resolves_to_the_full_name(extract):
    text = (
        "Morgan Stanley analyst Katherine Wojciechowska wrote to clients on Monday.\n\n"
        "\"Demand for the new phone is stronger than we expected,\" Wojciechowksa wrote.\n\n"
        "\"Supply will stay tight until March,\" Wojciechowksa added."
    )
    assert [c.source_name for c in extract(text)] == ["Katherine Wojciechowska"] * 2


def test_spelling_variants_of_name_words():
    from annotator.nlp.claims import _edit_distance, _spelling_variants

    assert _edit_distance("milunovich", "mulinovich") == 2
    assert _edit_distance("michael", "micheal") == 1  # two adjacent letters swapped
    assert _edit_distance("olsen", "olson") == 1
    places = [(0, True)]
    # the form in the longer name is the correct one, whichever is written more often
    assert _spelling_variants({"Steven Milunovich": places, "Mulinovich": places * 3}) == {
        "mulinovich": "milunovich"
    }
    assert _spelling_variants({"Dan Olsen": places, "Olson": places}) == {"olson": "olsen"}
    # too short, different initial, too far apart, or close to two names: left alone
    assert _spelling_variants({"Jon Smith": places, "John": places}) == {}
    assert _spelling_variants({"Anna Karsen": places, "Marsen": places}) == {}
    assert _spelling_variants({"Steven Milunovich": places, "Malinowski": places}) == {}
    # transliterations two letters apart count as one spelling
    assert _spelling_variants({"Mohammed Ali": places, "Muhammad": places}) == {"muhammad": "mohammed"}
    assert _spelling_variants({"Eva Larsen": places, "Eva Larson": places, "Larsan": places}) == {}


def test_a_misspelt_one_word_name_is_not_a_prefix_of_its_correct_form():
    """A one-word name written once without its last letter ("Kowalskis" / "Kowalski") maps to
    the correct form; looking for a longer name it abbreviates must not run in a circle
    (this recursed without end on an FNC-1 article)."""
    from annotator.nlp.claims import _SpeakerResolver

    resolver = _SpeakerResolver.__new__(_SpeakerResolver)  # only the name tables are needed
    resolver.person_names = [
        ("Kowalskis", frozenset({"kowalskis"}), 1, True, [10, 90], True),
        ("Kowalski", frozenset({"kowalskis"}), 1, True, [50], False),
    ]
    resolver.spelling = {"kowalski": "kowalskis"}
    assert resolver.full_name("Kowalski") == "Kowalskis"
    assert resolver.full_name("Kowal") == "Kowalskis"  # a real prefix still finds the name


@pytest.mark.model
def test_words_before_an_honorific_are_not_part_of_the_name(extract):
    text = (
        "Dim Xiong Chien wanted to propose to his girlfriend Cong Yen.\n\n"
        'Bewildered Ms Yen told local TV: "I found out later that he wanted to marry me."'
    )
    assert only(text, extract(text)).source_name == "Cong Yen"


@pytest.mark.model
def test_description_before_the_name_resolves_forward(extract):
    text = (
        "DNA tests confirm the girl is the daughter of Abu Bakr al-Baghdadi, the country's interior minister says.\n\n"
        "Nohad Machnouk told the broadcaster that the mother was in custody.\n\n"
        'The minister added: "We conducted DNA tests on her and the daughter."'
    )
    assert [c.source_name for c in extract(text)] == ["Nohad Machnouk"] * 3


@pytest.mark.model
def test_sentences_are_split_at_paragraph_breaks(nlp, extract):
    text = "Like a bomb\n\nAn adviser to the institute, Wilfried Strauch, said he was convinced it was a meteorite."
    doc = nlp(text)
    assert [s.text.strip() for s in doc.sents] == [
        "Like a bomb", "An adviser to the institute, Wilfried Strauch, said he was convinced it was a meteorite."
    ]  # fmt: skip
    c = only(text, extract(text))
    assert text[c.start : c.end] == "he was convinced it was a meteorite"
    assert c.source_name == "Wilfried Strauch"


@pytest.mark.model
def test_writer_comment_after_the_content_is_not_part_of_it(extract):
    text = (
        "Sources denied that Gill Rosenberg had been in the region, as claimed by websites.\n"
        "Hunter said that ten fighters had been caught at the border, a claim disputed by officials."
    )
    assert contents(text, extract(text)) == [
        "Gill Rosenberg had been in the region", "ten fighters had been caught at the border"
    ]  # fmt: skip


@pytest.mark.model
def test_offsets_slice_the_text_and_spans_stay_inside(extract):
    text = (
        "MOSCOW, November 14. /TASS/. Moscow and Washington discussed the zone, Lavrov told reporters.\n\n"
        "“In particular, we discussed a mechanism,” Russia’s top diplomat pointed out. "
        '"This is an open agreement," Lavrov said, adding that Jordan also took part.\n\n'
        "According to the ministry, the text is available.\n"
    )
    claims = extract(text)
    assert len(claims) == 5, contents(text, claims)
    for c in claims:
        assert 0 <= c.start < c.end <= len(text)
        assert text[c.start : c.end] == text[c.start : c.end].strip()
        assert text[c.start] not in "\"“”" and text[c.end - 1] not in "\"“”"
        assert c.source_start is not None and c.source_end is not None
        assert 0 <= c.source_start < c.source_end <= len(text)
        assert c.cue_start is not None and c.cue_end is not None
        assert 0 <= c.cue_start < c.cue_end <= len(text)
        assert not (c.start <= c.cue_start < c.end), "the cue is outside the content"
    assert text[claims[1].cue_start : claims[1].cue_end] == "pointed out"


@pytest.mark.model
def test_empty_and_claim_free_texts(extract):
    assert extract("") == []
    assert extract("The weather in Moscow was mild on Friday.") == []


# ------------------------------------------------------------------------------------------------
# Conventions from the guideline's "Clarifications" section (one test per convention)
# ------------------------------------------------------------------------------------------------


def claim_list(text: str, claims: list[ClaimSuggestion]) -> list[tuple[str, str | None]]:
    return [(text[c.start : c.end], c.source_name) for c in claims]


@pytest.mark.model
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("According to the Daily Mail, Smith said the bridge was unsafe.", [("the bridge was unsafe", "Smith")]),
        ("According to Reuters, police chief John Burton said the attack was planned.",
         [("the attack was planned", "John Burton")]),
        ("Mary Jones believes the house is haunted, according to CEN.", [("the house is haunted", "Mary Jones")]),
    ],
)  # fmt: skip
def test_outlet_relaying_a_reported_speaker_is_not_the_speaker(extract, text, expected):
    assert claim_list(text, extract(text)) == expected


@pytest.mark.model
def test_according_to_without_a_reporting_verb_keeps_the_outlet(extract):
    text = "According to the Daily Mail, the bridge was unsafe."
    assert claim_list(text, extract(text)) == [("the bridge was unsafe", "the Daily Mail")]


@pytest.mark.model
def test_quoted_as_saying_gives_the_quoted_speaker(extract):
    text = "The newspaper quoted Ahmed Saleh as saying the ceasefire had collapsed."
    assert claim_list(text, extract(text)) == [("the ceasefire had collapsed", "Ahmed Saleh")]


@pytest.mark.model
def test_outlet_reporting_a_speech_is_one_claim_of_the_outlet(extract):
    text = "The BBC reported that Lavrov said the talks had failed."
    assert claim_list(text, extract(text)) == [("Lavrov said the talks had failed", "BBC")]


@pytest.mark.model
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The report by the Russian Defense Ministry that the convoy had been attacked was denied by Washington.",
         [("the convoy had been attacked", "the Russian Defense Ministry")]),
        ("Police dismissed Burton's claim that the video was fake.", [("the video was fake", "Burton")]),
        ("The ministry issued a statement that the convoy had been attacked.",
         [("the convoy had been attacked", "The ministry")]),
    ],
)  # fmt: skip
def test_reporting_noun_with_that_clause_and_named_source(extract, text, expected):
    claims = extract(text)
    assert [t for t, _ in claim_list(text, claims)] == [t for t, _ in expected]
    assert same_speaker(expected[0][1], claims[0].source_name)
    assert text[claims[0].cue_start : claims[0].cue_end] in ("report", "claim", "statement")


@pytest.mark.model
@pytest.mark.parametrize(
    "text", ["Reports that the singer had died spread quickly.", "The company is facing claims that it hid the losses."]
)
def test_reporting_noun_without_a_source_is_not_a_claim(extract, text):
    assert extract(text) == []


@pytest.mark.model
def test_in_someones_view_counts_like_according_to(extract):
    text = "Peter Smith runs the shelter. In his view, the dog was abandoned."
    assert claim_list(text, extract(text)) == [("the dog was abandoned", "Peter Smith")]


@pytest.mark.model
@pytest.mark.parametrize(
    ("text", "speaker"),
    [
        ("John Smith wrote:\nThe government has lied to us about the crater for weeks.", "John Smith"),
        ("Mary Jones posted:\nThe government has lied to us about the crater for weeks.", "Mary Jones"),
        ("The statement reads:\nThe government has lied to us about the crater for weeks.", "statement"),
    ],
)  # fmt: skip
def test_wrote_colon_and_block(extract, text, speaker):
    c = only(text, extract(text))
    assert text[c.start : c.end] == "The government has lied to us about the crater for weeks"
    assert same_speaker(speaker, c.source_name)


@pytest.mark.model
@pytest.mark.parametrize(
    ("text", "content"),
    [
        ("Mark Lee denied taking part in the robbery.", "taking part in the robbery"),
        ("Two hikers reported being stung by the bees.", "being stung by the bees"),
        ("The rebels vowed to retake the city within a week.", "to retake the city within a week"),
        ("Kim threatened to close the border.", "to close the border"),
        ("The mayor promised to rebuild the bridge.", "to rebuild the bridge"),
        ("The group claims to have captured the pilot.", "to have captured the pilot"),
    ],
)
def test_gerund_and_infinitive_content(extract, text, content):
    assert contents(text, extract(text)) == [content]


@pytest.mark.model
@pytest.mark.parametrize(
    "text",
    ["Mark Lee denied it.", "The ministry confirmed the death of the soldier.", "The group called for an investigation."],
)
def test_plain_noun_phrase_object_is_not_a_claim(extract, text):
    assert extract(text) == []


@pytest.mark.model
@pytest.mark.parametrize(
    ("text", "content"),
    [
        ("Jones figured the money had been stolen.", "the money had been stolen"),
        ("Police suspect the fire was started deliberately.", "the fire was started deliberately"),
        ("Jones thinks the crater was caused by a meteorite.", "the crater was caused by a meteorite"),
        ("Jones believes the crater was caused by a meteorite.", "the crater was caused by a meteorite"),
    ],
)
def test_non_factive_belief_verbs_with_a_clause(extract, text, content):
    assert contents(text, extract(text)) == [content]


@pytest.mark.model
@pytest.mark.parametrize(
    "text",
    [
        "Jones realised the money had been stolen.", "Jones hopes the bridge will reopen.",
        "Jones noticed the car was gone.", "Jones is amazed that the house survived.",
        "Police suspect arson.", "Jones figured out that the money had been stolen.",
    ],
)  # fmt: skip
def test_factive_emotional_perception_verbs_and_belief_without_clause(extract, text):
    assert extract(text) == []


@pytest.mark.model
def test_partial_quote_inside_indirect_speech_is_one_claim(extract):
    text = "Police said the knife was 'quite blunt' and had been cleaned."
    c = only(text, extract(text))
    assert text[c.start : c.end] == "the knife was 'quite blunt' and had been cleaned"
    assert c.quote_type is QuoteType.INDIRECT


@pytest.mark.model
def test_said_only_that_with_a_whole_quote_is_the_quote(extract):
    text = 'Police said only that "the investigation is ongoing."'
    c = only(text, extract(text))
    assert text[slice(*trim_span(text, c.start, c.end))] == "the investigation is ongoing"


@pytest.mark.model
def test_reports_said_has_the_speaker_reports(extract):
    text = "The militants had seized the town, reports said."
    assert claim_list(text, extract(text)) == [("The militants had seized the town", "reports")]


@pytest.mark.model
@pytest.mark.parametrize(
    "text",
    [
        "He was hailed as a hero by the crowd.", "The minister labeled it a symbol of defeat.",
        "She described herself as a survivor.", 'Smith branded the idea "disgusting".',
        'Jones called his work "a humanity case".',
    ],
)  # fmt: skip
def test_naming_and_describing_verbs_are_not_claims(extract, text):
    assert extract(text) == []


@pytest.mark.model
@pytest.mark.parametrize(
    "text",
    [
        "A spokesman declined to comment.", "Smith could not be reached for comment.",
        "The police have not commented on the case.", "Smith is said to be moderate.",
        "The data is consistent, implying that the crater was caused by a meteorite.",
        "The army fights a militancy it blames on Pakistan.",
    ],
)  # fmt: skip
def test_no_comment_agentless_passive_inference_and_relative_clause(extract, text):
    assert extract(text) == []


@pytest.mark.model
@pytest.mark.parametrize(
    ("text", "content"),
    [
        ("Prosecutors accused the mayor of taking bribes.", "the mayor of taking bribes"),
        ("Officials blamed the rebels for the attack.", "the rebels for the attack"),
        ("Officials attributed the crash to pilot error.", "the crash to pilot error"),
        ("Moscow urged Washington to show restraint.", "Washington to show restraint"),
        ("The UN asked both sides to respect the truce.", "both sides to respect the truce"),
        ("Russia called on the US to honor the deal.", "the US to honor the deal"),
    ],
)
def test_object_and_charge_verbs(extract, text, content):
    assert contents(text, extract(text)) == [content]


@pytest.mark.model
def test_asked_whether_is_a_question_not_a_claim(extract):
    text = "Reporters asked whether the talks had failed."
    assert extract(text) == []


@pytest.mark.model
def test_name_inside_an_organisation_description(extract):
    text = "The Reuters news agency reported the Somali prime minister had confirmed the death."
    assert only(text, extract(text)).source_name == "Reuters"


@pytest.mark.model
def test_description_of_a_person_resolves_to_the_named_person(extract):
    text = (
        "Nikolai Kryaglyachenko, 15, says metal objects stick to his body.\n\n"
        "The comic book fan assumed he was turning into a real-life Magneto."
    )
    assert [c.source_name for c in extract(text)] == ["Nikolai Kryaglyachenko"] * 2


# ------------------------------------------------------------------------------------------------
# Patterns added in claims-4 (own example sentences)
# ------------------------------------------------------------------------------------------------


@pytest.mark.model
def test_coordinated_clauses_before_a_trailing_attribution(extract):
    text = "Fees are now rising across the state and many young families no longer want to stay there at all, reports claim."
    c = only(text, extract(text))
    assert text[c.start : c.end].startswith("Fees are now rising")
    assert c.source_name == "reports"


@pytest.mark.model
def test_participle_before_the_verb_is_not_content(extract):
    text = 'But asked whether the new bridge would survive the winter, Holloway said, "Without a doubt."'
    c = only(text, extract(text))
    assert text[c.start : c.end] == "Without a doubt."
    assert c.source_name == "Holloway"


@pytest.mark.model
def test_concession_after_the_content_is_not_part_of_it(extract):
    text = "The mayor said the bridge will reopen in May, although engineers have yet to inspect it."
    assert contents(text, extract(text)) == ["the bridge will reopen in May"]


@pytest.mark.model
def test_as_someone_had_claimed_is_not_part_of_the_content(extract):
    text = "Peterson said the painting is not a forgery, as several dealers had claimed."
    assert contents(text, extract(text)) == ["the painting is not a forgery"]


@pytest.mark.model
def test_according_to_after_a_colon_starts_the_content(extract):
    text = "The festival may have found its headliner too: according to Billboard, Lorde is in talks to play."
    c = only(text, extract(text))
    assert text[c.start : c.end] == "Lorde is in talks to play"


@pytest.mark.model
def test_possessive_description_is_its_own_speaker(extract):
    text = (
        "Tom Hardy was seen leaving the studio. “Hardy wanted out of the deal,” claimed the Herald’s source. "
        "“He never liked the script,” the source said."
    )
    assert [c.source_name for c in extract(text)] == ["the Herald’s source"] * 2


@pytest.mark.model
def test_description_owned_by_an_organisation_noun_is_not_the_latest_person(extract):
    text = (
        "Maria Lopez arrived in Rome on Monday. In a statement, the museum's press officer said: "
        "“The paintings were never at risk.”"
    )
    assert only(text, extract(text)).source_name == "the museum's press officer"


@pytest.mark.model
def test_occupation_and_pontiff_descriptions_resolve_to_the_named_person(extract):
    text = (
        "Keith Marlow has left the band after twenty years. The guitarist said he wants to record alone.\n\n"
        "Pope Leo visited the hospital on Sunday. “We must care for the sick,” the pontiff said."
    )
    assert [c.source_name for c in extract(text)] == ["Keith Marlow", "Leo"]


@pytest.mark.model
def test_family_of_a_person_is_not_that_person(extract):
    text = "Carter's family issued a plea on Sunday. The family urged the kidnappers to release him."
    assert only(text, extract(text)).source_name == "Carter's family"


@pytest.mark.model
def test_quote_before_quoted_as_saying_is_the_quoted_persons(extract):
    text = '"We expected a much bigger crowd," the Gazette quoted Helen Brandt, the organiser, as saying.'
    assert only(text, extract(text)).source_name == "Helen Brandt"


@pytest.mark.model
def test_trailing_reported_by_an_outlet_covers_the_whole_sentence(extract):
    text = 'The owner of the restaurant denied the stories, saying "It\'s all invented", and declining to say more, reported Metro.'
    c = only(text, extract(text))
    assert text[c.start : c.end].startswith("The owner of the restaurant denied the stories")
    assert c.source_name == "Metro"


@pytest.mark.model
def test_citing_after_the_attribution_is_not_content(extract):
    text = "The minister resigned last week, the Daily Courier said, citing two senior aides."
    c = only(text, extract(text))
    assert text[c.start : c.end] == "The minister resigned last week"


@pytest.mark.model
def test_believing_someones_claim_is_that_persons_claim(extract):
    text = "Jack Dunmore is confident. Many of his neighbours believe his claim that the well is safe."
    c = only(text, extract(text))
    assert text[c.start : c.end] == "the well is safe"
    assert text[c.cue_start : c.cue_end] == "claim"


@pytest.mark.model
def test_description_prefers_the_earlier_speaker_with_the_same_modifiers(extract):
    text = (
        "“The deal is done,” a Paramount source said. “Nobody is happy,” a studio source said. "
        "“It was signed last night,” the Paramount source said."
    )
    assert [c.source_name for c in extract(text)] == ["a Paramount source", "a studio source", "a Paramount source"]


@pytest.mark.model
def test_indefinite_description_in_the_lede_named_in_the_next_sentence(extract):
    text = (
        "A man who says he won the lottery twice has finally revealed his secret.\n"
        "Gerald Hollis, 64, told the Evening Star that he always buys his tickets on Tuesdays."
    )
    assert [c.source_name for c in extract(text)] == ["Gerald Hollis", "Gerald Hollis"]


@pytest.mark.model
def test_pronoun_after_an_indefinite_person_subject(extract):
    text = (
        "“The budget is a mess,” Mayor Dan Keller said. One longtime council employee had harsh words "
        "for the plan. “It is a disgrace,” he fumed."
    )
    assert [c.source_name for c in extract(text)] == ["Dan Keller", "One longtime council employee"]


@pytest.mark.model
def test_pronoun_after_a_definite_description_subject(extract):
    text = (
        "Pope Leo met pilgrims on Sunday. “Peace is possible,” said Anna Berg. "
        "The pope later blessed the crowd.\n\n“Hope never dies,” he said."
    )
    assert [c.source_name for c in extract(text)][-1] == "Leo"


@pytest.mark.model
def test_content_before_the_verb_and_quote_after_a_colon(extract):
    text = 'The bridge is safe to use, the engineer writes: "We tested every cable twice last month."'
    assert contents(text, extract(text)) == ["The bridge is safe to use", "We tested every cable twice last month."]


@pytest.mark.model
def test_report_noun_with_that_clause_parsed_as_relative(extract):
    text = "Her lawyer dismissed a Daily Globe report that she had sold the house."
    c = only(text, extract(text))
    assert text[c.start : c.end] == "she had sold the house"
    assert "Globe" in c.source_name


@pytest.mark.model
def test_according_to_after_a_condition_covers_the_main_clause(extract):
    text = "A second operation may be needed if the wound becomes infected, according to the Mayo Clinic."
    c = only(text, extract(text))
    assert text[c.start : c.end] == "A second operation may be needed if the wound becomes infected"


# ------------------------------------------------------------------------------------------------
# Patterns added in claims-5 (own example sentences)
# ------------------------------------------------------------------------------------------------


@pytest.mark.model
@pytest.mark.parametrize(
    ("text", "speaker"),
    [
        ("A teacher in a Welsh village has won the lottery twice, according to the local press.\n\n"
         "She says she will keep working.", "A teacher in a Welsh village"),
        ("Mark Hobbs wrote the column last week. His resignation said the board had failed the town.\n\n"
         "He said the decision was final.", "Mark Hobbs"),
    ],
)  # fmt: skip
def test_pronoun_skips_collective_and_abstract_speakers(extract, text, speaker):
    assert extract(text)[-1].source_name == speaker


@pytest.mark.model
def test_acronym_of_an_untagged_name_with_a_leading_the(extract):
    text = "The Daily Courier broke the story on Friday.\n\nTDC, citing two officials, reported that the mayor would resign."
    assert only(text, extract(text)).source_name == "The Daily Courier"


@pytest.mark.model
def test_short_organisation_name_is_not_a_longer_name_with_the_same_start(extract):
    text = "BankWatch covered the merger. Bank said the deal would close in May."
    assert only(text, extract(text)).source_name == "Bank"


@pytest.mark.model
def test_report_in_a_publication_is_the_publications(extract):
    text = (
        "The mayor will resign next week, according to a report in the Daily Courier.\n\n"
        "The council has not found a successor, the report said."
    )
    assert [c.source_name for c in extract(text)] == ["the Daily Courier"] * 2


@pytest.mark.model
def test_possessive_pronoun_report_is_its_owners(extract):
    text = (
        "Lena Ortiz has covered the port for a decade.\n\nHer report notes that the cranes have been idle since March.\n\n"
        "The cranes were sold to a broker, the report said."
    )
    assert [c.source_name for c in extract(text)] == ["Lena Ortiz"] * 2


@pytest.mark.model
@pytest.mark.parametrize(
    ("text", "speaker"),
    [
        ("The coach has disputed a Sports Weekly report saying he was fined for the incident.", "Sports Weekly"),
        ("The Herald quotes a Harbour Times report in stating that the ferry will stop running in June.",
         "Harbour Times"),
    ],
)  # fmt: skip
def test_named_report_with_a_participle_is_the_reports_source(extract, text, speaker):
    assert only(text, extract(text)).source_name == speaker


@pytest.mark.model
def test_by_saying_hung_in_a_nouns_that_clause_keeps_the_outer_subject(extract):
    text = "Finally, he addressed the reports that the plant could close soon by saying that the owners had found a buyer."
    c = only(text, extract(text))
    assert text[c.source_start : c.source_end] == "he"


@pytest.mark.model
def test_agent_of_a_participle_in_the_subject_is_not_the_speaker(extract):
    text = "One official in the report compiled by the journalist Paul Grant said the bridge was unsafe."
    assert only(text, extract(text)).source_name.startswith("One official")


@pytest.mark.model
def test_plural_pronoun_skips_the_agent_inside_reported_content(extract):
    text = (
        "Two farmers from the valley say they were threatened by members of a local gang. "
        "They say they were later questioned by police."
    )
    assert [c.source_name for c in extract(text)] == ["Two farmers from the valley"] * 2


@pytest.mark.model
def test_description_matches_the_title_written_next_to_a_later_name(extract):
    text = (
        "The county's chief prosecutor said the charges would be dropped.\n\n"
        "County Chief Prosecutor Alan Marsh has led the office since 2012."
    )
    assert only(text, extract(text)).source_name == "Alan Marsh"


@pytest.mark.model
def test_pronoun_refers_to_the_one_person_of_the_previous_sentence(extract):
    text = (
        "The mayor's office said the parade would go ahead. The video shows a man in a yellow coat "
        "standing by the road. He says the parade was cancelled last year."
    )
    assert extract(text)[-1].source_name.startswith("a man in a yellow coat")


@pytest.mark.model
def test_indefinite_subject_with_an_apposed_name_is_that_person(extract):
    text = (
        "A 71-year-old Catholic priest, Tom Reilly has claimed that he saw an angel.\n"
        "He was taken to hospital on Monday.\nThe elderly priest claims that he remembers every detail.\n"
        "\"It was bright,\" states the Catholic priest."
    )
    assert [c.source_name for c in extract(text)] == ["Tom Reilly"] * 3


@pytest.mark.model
@pytest.mark.parametrize(
    ("text", "index", "speaker"),
    [
        ("LIMA, March 3 (Reuters) -- A Peruvian minister criticised the mining company on Monday.\n\n"
         "Juan Rojas, minister of energy, told reporters that the firm had ignored the rules.\n\n"
         "\"They have broken the law,\" said the minister.", -1, "Juan Rojas"),
        ("The new phone was shown on Monday. However, an analyst citing factory sources claims to know its price. "
         "According to Sara Bell of Acme Research, it will cost $800.", 0, "Sara Bell"),
        ("The new phone was shown on Monday. A source says the phone will cost $800. "
         "Rita Moss of Acme is careful to state that she has no knowledge of the price.", 0, "A source"),
    ],
)  # fmt: skip
def test_delayed_identification_in_the_opening_paragraph(extract, text, index, speaker):
    assert extract(text)[index].source_name == speaker


# ------------------------------------------------------------------------------------------------
# Rules claims-6 (patterns found on dev5; every sentence below is invented)
# ------------------------------------------------------------------------------------------------


@pytest.mark.model
@pytest.mark.parametrize(
    ("text", "index", "speaker"),
    [
        # a two-letter acronym of an organisation named in the article
        ("The Associated Press published a long interview with the mayor.\n"
         "The AP said that the mayor was worried about the budget.", 0, "The Associated Press"),
        # an acronym in capitals that is also a pronoun ("WHO") is a name, not "who"
        ("The World Health Organization (WHO) met on Monday.\n"
         '"No new cases have been found in the region," the WHO said.', 0, "World Health Organization"),
        # "Today's report": a time is not an owner; the report is the outlet's
        ("The Boston Globe has a new report out on the plant.\n"
         "Today's report notes that the plant will close in May.", 0, "The Boston Globe"),
        # "the publication": the latest organisation named as a news outlet
        ("The rumour started with Global Daily News last week. The publication claims to be the oldest "
         "paper in the region.", 0, "Global Daily News"),
        # "the pair": the two people last named together
        ("Anna Berg and Tom Hale found the map in 1998.\nThe pair said they would give it to a museum.", 0,
         "Anna Berg and Tom Hale"),
        # a quoted handle after "named" or in apposition is the speaker's name
        ('"The food was cold and the staff were rude," a reviewer named "Pinecone42" said.', 0, "Pinecone42"),
        ('The hotel was busy. Another guest, "BlueOwl," said the rooms were far too small.', 0, "BlueOwl"),
        # "One, a local farmer, said": the description in apposition
        ("Two men spoke to reporters at the scene. One, a local farmer, said the river had never flooded "
         "before.", 0, "a local farmer"),
        # "The consumer group, Fair Trade Watch, said": the organisation named in apposition
        ("The consumer group, Fair Trade Watch, said the prices were too high.", 0, "Fair Trade Watch"),
        # an unnamed speaker inside someone's reported content is not the next "he"
        ("Greg Holt said a junior clerk told him about the fraud. He also told the newspaper that the clerk "
         "was afraid.", -1, "Greg Holt"),
        # "they" when no group has spoken: the latest plural people in subject position
        ("Surgeons operated on the boy for six hours. They said it was too early to know whether he would "
         "walk again.", 0, "Surgeons"),
        # "these people": the latest plural speaker
        ("According to the paper's sources, the deal was signed in May. The talks ended in April, these "
         "people said.", -1, "the paper's sources"),
        # a priest's title before a name is not part of the name
        ("A priest from Ohio was in a coma for an hour. During that time, Father Tomas Reyel claims he saw a "
         "bright light.", 0, "Tomas Reyel"),
        # "the Danish government" names itself (not rewritten as "the government of Denmark")
        ("The prisoners were handed to the government of Denmark.\n"
         "The Danish government said that all of them were still in the country.", 0, "The Danish government"),
    ],
)  # fmt: skip
def test_claims6_speaker_resolution(extract, text, index, speaker):
    assert extract(text)[index].source_name == speaker


@pytest.mark.model
@pytest.mark.parametrize(
    ("text", "content"),
    [
        # "details that", "forecasts that", "forecasts X to Y"
        ("The report details that the factory had failed three inspections.",
         "the factory had failed three inspections"),
        ("The bank forecasts that prices will fall by 5 percent next year.", "prices will fall by 5 percent next year"),
        ("The firm forecasts global sales to reach 20 million units this year.",
         "global sales to reach 20 million units this year"),
        # an attribution after a complete clause: that clause, not the words after the attribution
        ("The men were hiding in a barn, the sheriff said, when the deputies arrived.", "The men were hiding in a barn"),
        # a complete clause with a modifier before the comma is still the content
        ("Three more boxes were found on Friday, but before the storm, the inspector said.",
         "Three more boxes were found on Friday, but before the storm"),
        # a coordinated clause with its own "if"/"whether" stays in the content
        ("The doctors said it was too soon to tell if the surgery worked and if it did whether the arm would heal.",
         "it was too soon to tell if the surgery worked and if it did whether the arm would heal"),
        # "according to X, A, refuting ...": the participle is the source's comment, not the content
        ("According to the company's engineers, the fault was found in March, refuting earlier reports that it "
         "was found in June.", "the fault was found in March"),
        # a double dash before "a claim that" ends the content like a comma
        ("A farmer said that the dam had cracked -- a claim that officials deny.", "the dam had cracked"),
        # two apostrophes typed for a closing double quotation mark
        ("\"We played badly and we lost the game,'' the coach said.", "We played badly and we lost the game,"),
    ],
)  # fmt: skip
def test_claims6_contents(extract, text, content):
    assert contents(text, extract(text)) == [content]


@pytest.mark.model
@pytest.mark.parametrize(
    "text",
    [
        "The agency has no evidence to suggest that the virus spread in the city.",  # "have X to suggest"
        "Most readers would've thought that the story was true.",  # "would've" is modal
    ],
)
def test_claims6_not_claims(extract, text):
    assert extract(text) == []


# ------------------------------------------------------------------------------------------------
# Scoring
# ------------------------------------------------------------------------------------------------


def test_trim_span_and_speaker_matching():
    text = '“We state the fact,” he said.'
    assert text[slice(*trim_span(text, 0, 20))] == "We state the fact"
    assert same_speaker("Sergey Lavrov", "Lavrov")
    assert same_speaker("the Russian Foreign Ministry", "Russian Foreign Ministry's")
    assert same_speaker("Mohammed Saleh al-Munajjid", "Munajjid")
    assert not same_speaker("Sergey Lavrov", "he")
    assert not same_speaker("Sergey Lavrov", None)
    assert not same_speaker("Sergey Lavrov", "John Kerry")


def test_score_matches_by_iou_one_to_one():
    text = "Lavrov said the talks were useful and the ceasefire held. Kerry agreed."
    gold = GoldArticle("a", text, (GoldClaim(12, 57, "Sergey Lavrov"),))
    near = ClaimSuggestion(12, 36, QuoteType.INDIRECT, source_name="Lavrov")  # IoU 24/45 >= 0.5
    far = ClaimSuggestion(12, 21, QuoteType.INDIRECT, source_name="Lavrov")  # IoU 9/45 < 0.5
    result = score_article(gold, [near, far])
    assert (result.matched, result.predicted, result.gold, result.speaker_correct) == (1, 2, 1, 1)
    assert [m.kind for m in result.mismatches] == ["false positive"]
    scores = score([gold], lambda _: [far])
    assert (scores.precision, scores.recall) == (0.0, 0.0)
    assert [m.kind for m in scores.mismatches()] == ["false negative", "false positive"]


def test_load_gold_resolves_occurrences_and_names_bad_content(tmp_path):
    path = tmp_path / "gold.jsonl"
    text = '"A," he said. "A," she said.'
    line = {"id": "x:1", "text": text, "claims": [{"content": "A,", "occurrence": 2, "speaker": "Ann"}]}
    path.write_text(json.dumps(line) + "\n", encoding="utf-8")
    (article,) = load_gold(path)
    assert article.claims[0].start == text.index("A,", 2)
    line["claims"][0]["content"] = "missing words"
    path.write_text(json.dumps(line) + "\n", encoding="utf-8")
    with pytest.raises(GoldFormatError, match=r"gold\.jsonl.*'x:1'.*'missing words'"):
        load_gold(path)


def test_two_labellers_are_scored_against_each_other(tmp_path, capsys):
    """``--against``: a second labeller's file scored like the detector (no pipeline needed)."""
    from annotator.nlp.claim_eval import main

    text = 'Lavrov said the talks were useful. "We will see," the minister added. Kerry agreed.'
    first = {"id": "x:1", "text": text, "claims": [
        {"content": "the talks were useful", "speaker": "Sergey Lavrov"},
        {"content": "We will see,", "speaker": "Sergey Lavrov"},
    ]}  # fmt: skip
    second = {"id": "x:1", "text": text, "claims": [
        {"content": "the talks were useful", "speaker": "Lavrov"},  # same speaker, shorter name
        {"content": "We will see,", "speaker": "the minister"},  # a different speaker
        {"content": "agreed", "speaker": "Kerry"},  # not a claim for the first labeller
    ]}  # fmt: skip
    a, b = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    a.write_text(json.dumps(first) + "\n", encoding="utf-8")
    b.write_text(json.dumps(second) + "\n", encoding="utf-8")
    assert main([str(a), "--against", str(b), "--errors"]) == 0
    out = capsys.readouterr().out
    assert "precision 0.667 (2/3)  recall 1.000 (2/2)  speaker 0.500 (1/2)" in out
    assert "wrong speaker" in out and "false positive" in out
    second["text"] = text + " Changed."
    b.write_text(json.dumps(second) + "\n", encoding="utf-8")
    assert main([str(a), "--against", str(b)]) == 2
    assert "'x:1' has a different text" in capsys.readouterr().err


# Rules claims-8 (from the errors of the blind set dev6; invented sentences).
@pytest.mark.model
@pytest.mark.parametrize(
    ("text", "mention", "speaker"),
    [
        # a name the recogniser cut short ("John Patrick" PERSON, "O’dowd" left out)
        ("Father John Patrick O’dowd said he saw a light in the chapel.",
         "Father John Patrick O’dowd", "John Patrick O’dowd"),
        # an indefinite lede description named in the next sentence, taken up by "the ... priest"
        ("A retired priest from Ohio walked out of the snow after three days. Father John Patrick O’dowd said "
         "he had prayed every hour. “I never lost hope,” the retired priest said.",
         "the retired priest", "John Patrick O’dowd"),
        # abbreviated police titles are honorifics ("Insp", "Det", "Supt")
        ("A dog was found tied to a fence. Inspector Mary Holt said the owner would be traced. "
         "Insp Holt said the dog was healthy.", "Insp Holt", "Mary Holt"),
        # "told CNN's Mark Rowe": the name after "told" is the addressee, not a second subject
        ("“We were very worried about the bridge,” the boy’s lawyer, Jane Colder, told CNN’s Mark Rowe.",
         "the boy’s lawyer", "Jane Colder"),
        # "The Deccan Mirror" (with its article) is an outlet, so "the paper" is that outlet
        ("Rumours about the singer spread on Monday. But on Tuesday, Indian newspaper The Deccan Mirror added "
         "a new twist, reporting that she had cancelled the tour. The singer had lost her voice, the paper "
         "reported.", "the paper", "The Deccan Mirror"),
        # a document with no named author is the outlet that spoke just before it
        ("Prices will rise next year, according to the Harbour Gazette. The report says that bread will cost "
         "more.", "The report", "the Harbour Gazette"),
        # a document "published on" an outlet is that outlet's
        ("A false story, published on US website National Courier, alleged that the castle had been sold.",
         "A false story", "National Courier"),
        # a contraction of a name's word starts ("NavFor" for "Naval Forces")
        ("US Naval Forces Command said the ship had docked. NavFor said the crew were safe.",
         "NavFor", "US Naval Forces Command"),
        # a name the recogniser tagged a place, described as a person in apposition, is a person
        ("The ward was closed after the flood. Asad Kabul, research director at the charity Open Doors, told "
         "the Herald he believed the ward was unsafe. \"It was a mess,\" he said.", "he", "Asad Kabul"),
        # "the Elland man": a place before a person noun is not a person ("he" is the man named before)
        ("Tom Baker lost his dog in March. The moment it came home is in the video, with the Elland man "
         "becoming overcome with emotion. \"It is a miracle,\" he said.", "he", "Tom Baker"),
        # a dotted modifier ("U.S.") of the same description matches the earlier speaker's words
        ("A U.S. security official told reporters that the camp had been hit. Also killed was a financial "
         "official. “It’s a big win,” the U.S. security official said.",
         "the U.S. security official", "A U.S. security official"),
        # "X was quoted as saying": X, also when an outlet relays it ("according to ...")
        ('"The mayor fell on the ice and broke his wrist," an unnamed aide was quoted as saying, according to '
         "the Evening Star.", "an unnamed aide", "an unnamed aide"),
    ],
)  # fmt: skip
def test_claims8_speaker_patterns(extract, text, mention, speaker):
    found = [c for c in extract(text) if text[c.source_start : c.source_end] == mention]
    assert found, [(text[c.source_start : c.source_end], c.source_name) for c in extract(text)]
    assert all(c.source_name == speaker for c in found)


@pytest.mark.model
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The company said it expects users to charge the watch nightly, suggesting the battery will last one day.",
         ["it expects users to charge the watch nightly"]),
        ("Reports said the phone would come with ten sensors, leading some doctors to praise it.",
         ["the phone would come with ten sensors"]),
        # a speaker's own "suggesting that" still reports
        ("The minister spoke for an hour, suggesting that taxes would rise.", ["taxes would rise"]),
    ],
)  # fmt: skip
def test_writers_inference_participle_after_the_content_is_cut(extract, text, expected):
    assert contents(text, extract(text)) == expected


@pytest.mark.model
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # an "as" clause opening the sentence attributes the main clause to its subject
        ("As the Daily Ledger reports, the ferry will stop running in March.",
         [("the ferry will stop running in March", "the Daily Ledger")]),
        ("But as one reader points out, the bridge was painted red last year.",
         [("the bridge was painted red last year", "one reader")]),
        ("As Mayor Lena Voss said in May, the pool will stay closed until the autumn.",
         [("the pool will stay closed until the autumn", "Lena Voss")]),
        # idioms and adverbial "as" clauses are not attributions
        ("As they say, the early bird catches the worm.", []),
        ("As the crowd cheered, the runners crossed the line.", []),
        # after the clause, "as X had claimed" is the writer's comment
        ("The rocks came from a meteorite, as the council had claimed.", []),
    ],
)  # fmt: skip
def test_claims9_as_clause_before_the_main_clause(extract, text, expected):
    assert claim_list(text, extract(text)) == expected


@pytest.mark.model
@pytest.mark.parametrize(
    ("text", "content"),
    [
        # "for X to Y" after a verb of speech: a request, content "X to Y"
        ("A neighbour shouted for him to move the van.", "him to move the van"),
        ("His sister pleaded for the climber to be brought home.", "the climber to be brought home"),
    ],
)  # fmt: skip
def test_claims9_request_worded_for_x_to_y(extract, text, content):
    assert contents(text, extract(text)) == [content]


@pytest.mark.model
@pytest.mark.parametrize(
    ("text", "speaker"),
    [
        # a lede's indefinite description named by the first named speaker a few paragraphs later
        ("A Florida teacher says he has no idea how his van ended up in Mexico.\n\n"
         "The van, a white Ford, appeared in a photo posted Monday by a gang near the border.\n\n"
         "In the photo, a man stands on the roof of the van.\n\n"
         "Tom Hargreaves, the son of the school's owner, told the local paper that the family sold the van.",
         "Tom Hargreaves"),
        # ... also for a person noun outside the lexicon of person nouns ("a baker")
        ("A Dublin baker claims that his oven was stolen twice in one week.\n\n"
         "The oven was found in a field near the airport.\n\n"
         "Brendan Moyle told the Evening Post that he would chain the next one to the wall.",
         "Brendan Moyle"),
        # ... or by "known as NAME" in the next sentence
        ("A retired nurse has claimed that she saw a lynx in her garden.\n\n"
         "In her diary, the woman, known only as Orla, wrote that she heard it at night.",
         "Orla"),
    ],
)  # fmt: skip
def test_claims9_lede_description_takes_the_name_given_later(extract, text, speaker):
    claims = extract(text)
    assert claims and all(c.source_name == speaker for c in claims), claim_list(text, claims)


@pytest.mark.model
def test_claims9_lede_description_keeps_its_words_when_someone_else_speaks_first(extract):
    text = (
        "A woman says she was attacked by a swan.\n\n"
        "Police said they were looking into the report.\n\n"
        "Officer John Miller said the swan had been moved."
    )
    assert [c.source_name for c in extract(text)] == ["A woman", "Police", "John Miller"]


@pytest.mark.model
@pytest.mark.parametrize(
    "thing",
    ["A leaflet from 1980", "A plaque on the wall", "A photograph of the ship"],
)
def test_he_and_she_never_refer_to_a_thing_that_speaks(extract, thing):
    """A text that "says" something (a leaflet, a plaque) is no antecedent of a later "he": the
    speaker is the person named before it."""
    text = (
        "Company spokesman John Miller confirmed the find on Monday. "
        f"{thing} says that parents should relax.\n\n"
        '"It was written for parents of young children," he said.'
    )
    claims = extract(text)
    assert claims[-1].source_name == "John Miller", claim_list(text, claims)


@pytest.mark.model
def test_command_line_prints_the_figures(nlp, tmp_path, capsys):
    from annotator.nlp.claim_eval import main

    text = '"The talks were useful," Lavrov said.'
    line = {"id": "x:1", "text": text, "claims": [{"content": "The talks were useful,", "speaker": "Lavrov"}]}
    path = tmp_path / "gold.jsonl"
    path.write_text(json.dumps(line) + "\n", encoding="utf-8")
    assert main([str(path), "--errors"]) == 0
    out = capsys.readouterr().out
    assert "precision 1.000 (1/1)  recall 1.000 (1/1)  speaker 1.000 (1/1)" in out
    assert main([str(tmp_path / "missing.jsonl")]) == 2


SECOND_LABELLER_SETS = ["dev4", "heldout", "heldout2", "heldout3", "heldout4", "heldout5", "heldout6", "heldout7"]


@pytest.mark.parametrize("name", SECOND_LABELLER_SETS)
def test_second_labeller_agrees_with_the_first(name, capsys):
    """The sets were labelled twice, independently, from the guideline alone: the labels are
    reliable where the two labellers agree (measured 0.96-1.00 on each figure), so the
    detector's errors against them are its own. A floor of 0.95 keeps the two files in step when
    either is edited."""
    first, second = DATA / f"{name}.jsonl", DATA / f"{name}-second-labeller.jsonl"
    scores = score_labels(load_gold(first), load_gold(second))
    with capsys.disabled():
        print(f"\nagreement[{name}]: {scores.summary()}")
    assert {a.id for a in load_gold(first)} == {a.id for a in load_gold(second)}
    assert min(scores.precision, scores.recall, scores.speaker_accuracy) >= 0.95, scores.report(errors=True)


# ------------------------------------------------------------------------------------------------
# Quality on the hand-labelled sets
# ------------------------------------------------------------------------------------------------

QUALITY_TARGETS = {
    # file: (precision, recall, speaker accuracy)
    # Development sets: floors just under the figures of claims-5 and claims-6 (the same on these).
    "seeds.jsonl": (0.99, 0.98, 0.99),
    "dev.jsonl": (0.98, 0.96, 0.98),
    "dev2.jsonl": (0.95, 0.93, 0.99),
    # dev3 (labelled blind, then used to write rules claims-4): 0.900 / 0.881 / 0.859; claims-5: S 0.864.
    "dev3.jsonl": (0.89, 0.88, 0.86),
    # dev4 (labelled blind; first scored with claims-4: 0.929 / 0.893 / 0.833), then used for rules
    # claims-5: 0.929 / 0.893 / 0.938; claims-7 (misspelt names): S 0.947.
    "dev4.jsonl": (0.92, 0.89, 0.94),
    # dev5 (labelled blind; first scored with claims-5: 0.891 / 0.849 / 0.893), then used for rules
    # claims-6: 0.916 / 0.893 / 0.944.
    "dev5.jsonl": (0.91, 0.89, 0.94),
    # dev6 (160 articles, labelled blind; first scored with claims-7: 0.895 / 0.859 / 0.842), then
    # used for rules claims-8: 0.896 / 0.861 / 0.888 (dev4 with claims-8: 0.938 / 0.897 / 0.948).
    "dev6.jsonl": (0.89, 0.86, 0.88),
    # dev7 (77 FNC-1 train articles, each on a story no other labelled set covers, labelled blind
    # together with heldout7; first scored with claims-8: 0.866 / 0.764 / 0.841), then used for
    # rules claims-9 (only causes seen in two dev7 articles, or in dev7 and an earlier dev set):
    # 0.867 / 0.770 / 0.864 (dev6 with claims-9: 0.896 / 0.864 / 0.892; claims-10: precision 0.895).
    "dev7.jsonl": (0.86, 0.77, 0.86),
    # Held-out sets (never used to write the rules). The product target is 0.90 / 0.85 / 0.85.
    # Rules claims-10 measure heldout 0.919 / 0.856 / 0.868, heldout2 0.923 / 0.861 / 0.859,
    # heldout3 0.916 / 0.857 / 0.772, heldout4 0.904 / 0.877 / 0.784, heldout5 0.900 / 0.867 / 0.862,
    # heldout6 0.890 / 0.854 / 0.837 and, on the fresh heldout7 (100 articles; claims-8 scored it
    # 0.870 / 0.836 / 0.839 before the dev7 round), 0.870 / 0.836 / 0.844; pooled over the seven
    # 0.899 / 0.856 / 0.833: speaker accuracy on unseen articles is short of 0.85 (see the
    # README). These entries are regression floors just under the measured figures, not the
    # target: a change that makes held-out quality worse fails here. (claims-10, "he"/"she" never
    # a thing that speaks, took one speaker on heldout from 238 to 237 while adding one on heldout2
    # and two on heldout7; heldout's floor went from 0.87 to 0.86 with it.)
    "heldout.jsonl": (0.91, 0.85, 0.86),
    "heldout2.jsonl": (0.92, 0.86, 0.85),
    "heldout3.jsonl": (0.91, 0.85, 0.77),
    "heldout4.jsonl": (0.90, 0.87, 0.78),
    "heldout5.jsonl": (0.89, 0.86, 0.86),
    "heldout6.jsonl": (0.88, 0.85, 0.83),
    # heldout7 (100 FNC-1 test articles, labelled blind with dev7; first scored with claims-8:
    # 0.870 / 0.836 / 0.839).
    "heldout7.jsonl": (0.86, 0.83, 0.83),
}


@pytest.mark.model
@pytest.mark.parametrize("name", list(QUALITY_TARGETS))
def test_quality_on_labelled_set(name, extract, record_property, capsys):
    path = DATA / name
    if not path.exists():
        pytest.skip(f"{path} is not there yet (it is being labelled)")
    scores: Scores = score(load_gold(path), extract)
    figures = f"claims[{name}]: {scores.summary()}"
    record_property("precision", round(scores.precision, 4))
    record_property("recall", round(scores.recall, 4))
    record_property("speaker_accuracy", round(scores.speaker_accuracy, 4))
    record_property("counts", f"gold={scores.gold} predicted={scores.predicted} matched={scores.matched} "
                              f"speaker_correct={scores.speaker_correct}")  # fmt: skip
    with capsys.disabled():  # shown in the test output even without -s
        print(f"\n{figures}")
    p_min, r_min, s_min = QUALITY_TARGETS[name]
    errors = "\n".join(str(m) for m in scores.mismatches())
    message = f"{figures}\ntargets: precision >= {p_min}, recall >= {r_min}, speaker >= {s_min}\n{errors}"
    assert scores.precision >= p_min and scores.recall >= r_min and scores.speaker_accuracy >= s_min, message
