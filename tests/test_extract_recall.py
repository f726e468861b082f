"""Recall patterns, on sentences written for these tests: reported speech and quotations
that the extractor must find, with their spans cut where the attribution ends."""

from __future__ import annotations

from indexer.extract import extract_quotes


def by_text(text: str) -> dict[str, str | None]:
    return {q.text: q.speaker for q in extract_quotes(text)}


def test_participle_after_a_reported_clause_is_a_second_attribution() -> None:
    found = by_text(
        "Mayor Ilse Brandvold said the ferry would run all winter, arguing that the harbour "
        "needed the trade."
    )
    assert found.get("the ferry would run all winter") == "Ilse Brandvold"
    assert found.get("the harbour needed the trade") == "Ilse Brandvold"


def test_a_sentence_ends_before_doubled_apostrophe_quotes() -> None:
    text = "Ann Oyelaran said she had not seen the report. ''Nobody sent it to me,'' she added."
    found = by_text(text)
    assert found.get("she had not seen the report") == "Ann Oyelaran"
    assert "''Nobody sent it to me,''" in found


def test_a_second_cue_after_and_starts_a_second_attribution() -> None:
    found = by_text(
        "Ann Berg said the new quay had given the town a future and said that the council "
        "would vote in May."
    )
    assert found.get("the new quay had given the town a future") == "Ann Berg"
    assert found.get("the council would vote in May") == "Ann Berg"


def test_reported_speech_before_a_quotation_hung_on_a_participle() -> None:
    text = 'Rolf Amundsen said the ferry contract had been signed, adding, "We start in spring."'
    found = by_text(text)
    assert found.get("the ferry contract had been signed") == "Rolf Amundsen"
    assert found.get('"We start in spring."') == "Rolf Amundsen"


def test_speaker_nouns_for_texts_and_institutions() -> None:
    found = extract_quotes(
        'As the bells rang, the announcer said, "The polls in Norland are now closed."'
    )
    assert [(q.type, q.speaker) for q in found] == [("direct", "announcer")]
    filing = extract_quotes(
        "The harbour board broke the lease, the filing says, and owes the town damages."
    )
    assert [q.speaker for q in filing] == ["filing"]


def test_party_tags_and_parentheses_before_an_apposition() -> None:
    found = by_text(
        '"The bridge is a wreck," Rep. Tove Lindqvist (R-Ohio), a member of the transport '
        "panel, said on Monday. Sen. Per Holm, D-N.Y., said the vote would wait."
    )
    assert found.get('"The bridge is a wreck,"') == "Tove Lindqvist"
    assert found.get("the vote would wait") == "Per Holm"


def test_a_quotation_after_a_quoted_fragment_goes_to_its_speaker() -> None:
    text = (
        'The town needs the levy because "the quay is falling apart," Ilse Brandvold said. '
        '"Nobody else will pay for it."'
    )
    found = by_text(text)
    assert found.get('"Nobody else will pay for it."') == "Ilse Brandvold"


def test_more_group_speakers_and_a_contracted_clause_opener() -> None:
    found = by_text(
        "Near the pier, the fishermen's wives said nothing. Later the mourners say the storm "
        "came without warning. Kjell Aas said that’s what the harbour master had feared."
    )
    assert found.get("the storm came without warning") == "mourners"
    assert found.get("that’s what the harbour master had feared") == "Kjell Aas"


def test_where_and_when_after_a_closing_cue() -> None:
    found = by_text(
        "The levy would fall on the harbour traders, council aides said on Friday in an "
        "interview with the Norland Post. The ferry will stop in May, the aides said Friday "
        "afternoon, as the council met."
    )
    assert found.get("The levy would fall on the harbour traders") == "council aides"
    assert found.get("The ferry will stop in May") == "aides"


def test_an_opening_adverbial_is_no_content() -> None:
    found = by_text(
        "In an interview with the Norland Post, Mayor Sigrid Lund said the ferry would run."
    )
    assert found == {"the ferry would run": "Sigrid Lund"}


def test_groups_with_a_modifier_and_quantities_speak() -> None:
    found = by_text(
        "Experts on tidal power and coastal erosion said the new dam could change that. "
        "Most of them said the council had waited too long. Some say the money is gone."
    )
    assert (
        found.get("the new dam could change that") == "Experts on tidal power and coastal erosion"
    )
    assert found.get("the council had waited too long") == "Most of them"
    assert found.get("the money is gone") == "Some"


def test_a_preposition_before_a_group_makes_it_no_subject() -> None:
    found = by_text("The mayor met with fishermen from the northern villages said to be angry.")
    assert "fishermen from the northern villages" not in found.values()


def test_a_sentence_with_its_own_quotation_is_not_an_attribution_tail() -> None:
    text = (
        'Ann Berg said that the plan "was reckless and unfair." She writes that "no town '
        'should pay for it."'
    )
    found = extract_quotes(text)
    assert len(found) == 2
    assert found[0].text.endswith('"was reckless and unfair."')
    assert found[1].text.startswith('"no town') or found[1].text.startswith("no town")


def test_a_participle_after_a_closing_cue_opens_a_second_attribution() -> None:
    quoted = by_text('"We are done," Ann Berg said, adding later, "The port is closed."')
    assert quoted == {'"We are done,"': "Ann Berg", '"The port is closed."': "Ann Berg"}
    reported = extract_quotes(
        '"We will send a message," Ann Berg said, adding that the town would send a '
        '"strong message" to the ministry.'
    )
    assert [(q.type, q.speaker) for q in reported] == [
        ("direct", "Ann Berg"),
        ("mixed", "Ann Berg"),
    ]
    assert reported[1].text == 'the town would send a "strong message" to the ministry'


def test_a_colon_after_the_owner_of_the_words() -> None:
    assert by_text('Lindqvist’s reply: "The quay stays open."') == {
        '"The quay stays open."': "Lindqvist"
    }
    assert by_text('Harbour report - More from Sigrid Lund: "Tolls will rise in May."') == {
        '"Tolls will rise in May."': "Sigrid Lund"
    }
    assert by_text('Per Holm, Norland Post: "The council has lost the plot."') == {
        '"The council has lost the plot."': "Per Holm"
    }


def test_a_reported_clause_ends_where_another_clause_with_a_cue_begins() -> None:
    found = by_text(
        "Ann Berg said the ferry would be back by May, though she acknowledged the date "
        "might slip. Per Holm said tolls would rise; the council puts the figure lower."
    )
    assert found.get("the ferry would be back by May") == "Ann Berg"
    assert found.get("the date might slip") == "Ann Berg"
    assert found.get("tolls would rise") == "Per Holm"


def test_a_second_cue_after_and_splits_a_mixed_quotation() -> None:
    found = extract_quotes(
        'Ann Berg called the toll "a disgrace" and said the council would face "a day of '
        'reckoning" in May.'
    )
    assert [(q.type, q.speaker, q.text) for q in found] == [
        ("mixed", "Ann Berg", 'the toll "a disgrace"'),
        ("mixed", "Ann Berg", 'the council would face "a day of reckoning" in May'),
    ]


def test_a_role_noun_before_a_name_after_an_inverted_cue() -> None:
    found = by_text('"It is a hard sell," said Norland political consultant Ivar Dahl.')
    assert found == {'"It is a hard sell,"': "Ivar Dahl"}


def test_a_quoted_title_in_an_opening_adverbial_is_no_quotation() -> None:
    found = extract_quotes(
        'In an interview on the Norland Post\'s "Morning Hour," Mayor Ann Berg said the storms '
        'demand that all residents engage in "more listening."'
    )
    assert [(q.type, q.speaker, q.text) for q in found] == [
        ("mixed", "Ann Berg", 'the storms demand that all residents engage in "more listening."')
    ]


def test_a_clause_ends_at_and_with_an_auxiliary_or_a_participle() -> None:
    found = by_text(
        "Ann Berg often questions the harbour board's ties to the shipyard and has called for "
        "an audit. Per Holm said he would fund the quay and promising more was unwise."
    )
    assert found.get("the harbour board's ties to the shipyard") == "Ann Berg"
    assert found.get("he would fund the quay") == "Per Holm"


def test_a_participle_before_a_quotation_ends_the_reported_clause() -> None:
    found = extract_quotes(
        "Ann Berg said she saw no need to change the plan, telling the Norland Post that "
        '"we tell the truth."'
    )
    assert [(q.type, q.speaker, q.text) for q in found] == [
        ("indirect", "Ann Berg", "she saw no need to change the plan"),
        ("direct", "Ann Berg", '"we tell the truth."'),
    ]


def test_a_sentence_with_a_cue_and_an_infinitive_is_no_attribution_tail() -> None:
    found = extract_quotes(
        'Officials urged calm "without delay." Ann Berg plans to visit the port on Sunday, '
        "according to a campaign aide."
    )
    assert found[-1].text == "Ann Berg plans to visit the port on Sunday"
    assert found[-1].speaker == "campaign aide"


def test_according_to_after_a_dash() -> None:
    found = extract_quotes(
        "Half of the quay is rotten — or close to it — according to the harbour engineers."
    )
    assert [(q.text, q.rule.split(":")[0]) for q in found] == [
        ("Half of the quay is rotten — or close to it", "reported_according_to")
    ]


def test_called_in_is_no_cue() -> None:
    assert (
        by_text("Ann Berg called in to the Norland Post's morning program on Monday night.") == {}
    )
