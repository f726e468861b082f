"""Extraction on sentences written for these tests: each pattern, including the hard ones."""

from __future__ import annotations

from datetime import date

import pytest

from indexer.extract import extract_quotes


def quotes_of(text: str, published: date | None = None):
    return extract_quotes(text, published)


def only(text: str, published: date | None = None):
    found = quotes_of(text, published)
    assert len(found) == 1, [(q.text, q.speaker) for q in found]
    return found[0]


@pytest.mark.parametrize(
    ("text", "speaker", "quote_type", "contains"),
    [
        # cue after the quote, name then verb
        (
            '"The harbour will reopen next month," Anna Kovacs said.',
            "Anna Kovacs",
            "direct",
            "harbour will reopen",
        ),
        # inverted cue: said + title + name
        (
            '"We will not raise taxes," said Governor Paul Brandt.',
            "Paul Brandt",
            "direct",
            "raise taxes",
        ),
        # cue before the quote with a colon
        (
            'Minister Ines Carvalho said: "The talks are over and we are going home."',
            "Ines Carvalho",
            "direct",
            "talks are over",
        ),
        # lowercase role before the name after the cue
        (
            '"Prices are falling," said economist Maria Lopez of the central bank.',
            "Maria Lopez",
            "direct",
            "Prices are falling",
        ),
        # apposition between name and cue
        (
            'Dmitri Volkov, the port authority spokesman, said: "No ship has been turned away."',
            "Dmitri Volkov",
            "direct",
            "No ship",
        ),
        # other cue verbs
        (
            '"Do not expect miracles," warned Chancellor Heike Brandt.',
            "Heike Brandt",
            "direct",
            "miracles",
        ),
        ('"I was never told," Jonas Berg wrote on his blog.', "Jonas Berg", "direct", "never told"),
        # organisation as speaker
        (
            "The Vell Water Company said that supplies would be restored by Friday evening.",
            "Vell Water Company",
            "indirect",
            "supplies would be restored",
        ),
        # according to
        (
            "According to Sara Lind, the museum will close for renovation in March next year.",
            "Sara Lind",
            "indirect",
            "museum will close",
        ),
        # reported speech with the cue at the end
        (
            "The bridge was never safe to begin with, Tomas Weber said.",
            "Tomas Weber",
            "indirect",
            "bridge was never safe",
        ),
        # mixed: a quoted fragment inside reported speech
        (
            'Karl Henning described the plan as "a gift to the banks" and vowed to fight it.',
            "Karl Henning",
            "mixed",
            "a gift to the banks",
        ),
    ],
)
def test_pattern(text: str, speaker: str, quote_type: str, contains: str) -> None:
    quote = only(text)
    assert quote.speaker == speaker
    assert quote.type == quote_type
    assert contains in quote.text
    assert text[quote.start : quote.end] == quote.text


def test_cue_in_the_middle_joins_both_parts() -> None:
    text = 'Lea Novak arrived late. "The talks," she said, "are over."'
    quote = only(text)
    assert quote.speaker == "Lea Novak"
    assert quote.text.startswith('"The talks,"') and quote.text.endswith('"are over."')
    assert quote.type == "direct"


def test_pronoun_resolves_to_the_right_person_after_two_are_named() -> None:
    text = (
        "Mayor Elena Marsh met Councillor David Okafor on Monday. "
        "Okafor left early.\n"
        '"We have no deal," he said.'
    )
    assert only(text).speaker == "David Okafor"


def test_she_goes_to_the_woman_when_a_man_spoke_last() -> None:
    text = (
        '"The money is there," said Hugo Brandt, the finance director.\n'
        "Councillor Ruth Aldana was not persuaded.\n"
        '"I have seen no figures," she said.'
    )
    speakers = [q.speaker for q in quotes_of(text)]
    assert speakers == ["Hugo Brandt", "Ruth Aldana"]


def test_surname_and_title_resolve_to_the_full_name() -> None:
    text = (
        "Prime Minister Lukas Varga arrived in Brussels on Monday.\n"
        '"We came to listen," Varga said.\n'
        '"And to be heard," President Varga added.'
    )
    found = quotes_of(text)
    assert [q.speaker for q in found] == ["Lukas Varga", "Lukas Varga"]
    assert found[0].speaker_description == "Prime Minister"


def test_role_noun_resolves_to_the_person_it_describes() -> None:
    text = (
        "Ukrainian President Oleh Marchenko visited the front on Sunday.\n"
        "The Ukrainian leader said that the army needed more air defence systems."
    )
    assert only(text).speaker == "Oleh Marchenko"


def test_continuation_paragraph_goes_to_the_previous_speaker() -> None:
    text = (
        '"We built this port in two years," said harbour master Ivo Rask.\n'
        '"Nobody believed we could do it."'
    )
    [quote] = quotes_of(text)
    assert quote.speaker == "Ivo Rask"
    assert quote.text.endswith('"Nobody believed we could do it."')


def test_multi_paragraph_quote_is_one_quote() -> None:
    text = (
        'Nora Quist stood outside the ruin. "We heard the alarm at two.\n'
        '"By three the roof was gone," she said.'
    )
    found = quotes_of(text)
    assert len(found) == 1
    assert "alarm at two" in found[0].text and "roof was gone" in found[0].text


def test_quote_inside_a_quote_stays_one_quote() -> None:
    text = "\"He told me, 'Never again,' and I believed him,\" Petra Holm said."
    quote = only(text)
    assert quote.speaker == "Petra Holm"
    assert "Never again" in quote.text


def test_em_dash_cue() -> None:
    text = (
        "“We will rebuild — every house, every school,” Mayor Tomas Ek said — and left the stage."
    )
    quote = only(text)
    assert quote.speaker == "Tomas Ek"
    assert quote.type == "direct"


def test_unattributed_slogan_is_not_a_quote() -> None:
    text = 'Protesters carried banners reading "No more cuts" through the square.'
    assert quotes_of(text) == []


def test_scare_quotes_without_a_speaker_are_not_quotes() -> None:
    text = 'The so-called "reform" package was published on Friday.'
    assert quotes_of(text) == []


def test_date_said_resolves_weekday_against_publication_date() -> None:
    text = "On Saturday, Minister Ana Ruiz said that the border would stay open."
    quote = only(text, date(2022, 4, 27))  # a Wednesday
    assert quote.said_on == date(2022, 4, 23)


def test_date_said_defaults_to_publication_date() -> None:
    quote = only('"It is done," said Jan Olsen.', date(2024, 1, 5))
    assert quote.said_on == date(2024, 1, 5)


def test_context_holds_the_surrounding_sentences() -> None:
    text = 'The vote was close. "We won by one," said Mira Sand. Her rivals demanded a recount.'
    quote = only(text)
    assert "vote was close" in quote.context and "recount" in quote.context


def test_offsets_point_into_the_text() -> None:
    text = 'Intro line.\n"First," said Bo Lind.\n"Second," said Eva Dahl.'
    for quote in quotes_of(text):
        assert text[quote.start : quote.end] == quote.text
        assert text[quote.mention_start : quote.mention_end] == quote.mention


@pytest.mark.parametrize(
    ("text", "speaker", "contains", "excludes"),
    [
        # inverted cue closing the sentence, with an apposition after the name
        (
            "Ferry fares will rise by a third next year, said Karin Vik, a transport analyst.",
            "Karin Vik",
            "Ferry fares will rise",
            "analyst",
        ),
        # participle tail after the cue
        (
            "The bridge will open in May, Mayor Lars Berg said, adding that tolls would be low.",
            "Lars Berg",
            "bridge will open",
            "adding",
        ),
        # parenthetical cue: content on both sides
        (
            "The new harbour, officials said, was built to take the largest cruise ships.",
            "officials",
            "largest cruise ships",
            "",
        ),
        # bare clause without "that" after a contraction
        (
            "Nora Dahl said she’d vote against the budget on Monday.",
            "Nora Dahl",
            "she’d vote against",
            "said",
        ),
        # subject set off by a long apposition
        (
            "Ola Strand, 60, a retired teacher from the island, said the school must stay open.",
            "Ola Strand",
            "school must stay open",
            "teacher",
        ),
        # according to an unnamed source
        (
            "The plan was shelved in March, according to two people briefed on the talks.",
            "two people briefed on the talks",
            "plan was shelved",
            "according",
        ),
        # plural subject with a base-form cue
        (
            "Many economists believe that the housing market will cool by the summer.",
            "Many economists",
            "housing market will cool",
            "believe",
        ),
        # a stance verb whose object is the content
        (
            "Mayor Lars Berg cited the rising cost of ferry fuel as the main reason.",
            "Lars Berg",
            "rising cost of ferry fuel",
            "cited",
        ),
        (
            "Senator Ada Vik called the new toll an unfair burden on commuters.",
            "Ada Vik",
            "new toll an unfair burden",
            "called",
        ),
        # a participle after a comma: its object is what the main subject said
        (
            "Mayor Lars Berg defended the budget, citing the rising cost of ferry fuel.",
            "Lars Berg",
            "rising cost of ferry fuel",
            "defended",
        ),
        # a stance verb with its particle
        (
            "Councillor Ivo Stanek called for a full audit of the harbour accounts.",
            "Ivo Stanek",
            "a full audit",
            "for",
        ),
    ],
)
def test_reported_speech_pattern(text: str, speaker: str, contains: str, excludes: str) -> None:
    quote = only(text)
    assert quote.type == "indirect"
    assert speaker in (quote.speaker or ""), quote.speaker
    assert contains in quote.text
    if excludes:
        assert excludes not in quote.text


def test_day_said_between_the_parts_of_a_direct_quote() -> None:
    text = (
        "Mayor Ines Dorn spoke after the council vote. "
        "“The bridge stays shut until spring,” she said Monday. “We will not cut corners.”"
    )
    quote = only(text, date(2024, 5, 9))  # a Thursday
    assert "cut corners" in quote.text
    assert quote.said_on == date(2024, 5, 6)


def test_passive_stance_verb_is_not_its_subject_speaking() -> None:
    assert quotes_of("Mayor Lars Berg was criticized for the rising cost of ferry fuel.") == []


def test_speak_is_a_cue_only_with_its_particle() -> None:
    assert quotes_of("Mayor Ines Dorn spoke after the long council vote on Monday.") == []
    quote = only("Mayor Ines Dorn spoke of a new era for the harbour and its workers.")
    assert quote.speaker == "Ines Dorn"
    assert quote.text.startswith("a new era")


def test_transcript_turns_go_to_their_speakers() -> None:
    text = (
        "Host Ruth Amsel spoke with Mayor Lars Berg on Sunday.\n\n"
        "RUTH AMSEL: Will the harbour reopen before the summer season?\n\n"
        "BERG: We expect the first ferries to dock there in early June.\n\n"
        "AMSEL: And the cost to the town?"
    )
    turns = [(q.speaker, q.text) for q in quotes_of(text) if q.rule.endswith("_transcript:name")]
    assert turns == [
        ("Ruth Amsel", "Will the harbour reopen before the summer season?"),
        ("Lars Berg", "We expect the first ferries to dock there in early June."),
        ("Ruth Amsel", "And the cost to the town?"),
    ]


def test_a_lone_capitalised_label_is_no_transcript() -> None:
    text = "The council met on Monday.\n\nUPDATE: The vote was moved to Friday evening."
    assert quotes_of(text) == []


def test_a_run_in_heading_is_a_sentence_of_its_own_and_a_transcript_label_is_not() -> None:
    from indexer.extract.text import paragraphs, quoted_spans, sentences

    text = (
        "CLARIFICATION: The second paragraph was changed.\n"
        "THE BORROWING Back then, Ong said so.\n"
        "PENCE: Well, look, we will win."
    )
    paras = paragraphs(text)
    found = [text[s.start : s.end] for s in sentences(text, paras, quoted_spans(text, paras))]
    assert found == [
        "CLARIFICATION:",
        "The second paragraph was changed.",
        "THE BORROWING",
        "Back then, Ong said so.",
        "PENCE: Well, look, we will win.",
    ]
