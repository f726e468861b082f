"""Who said it: speaker resolution on sentences written for these tests, one class each."""

from __future__ import annotations

from indexer.extract import extract_quotes


def speakers(text: str) -> list[tuple[str | None, str]]:
    return [(q.speaker, q.rule) for q in extract_quotes(text)]


def test_pronoun_goes_to_the_subject_in_focus_not_an_earlier_gendered_name() -> None:
    text = (
        'Mr. Paul Brandt opened the session. "We start today," he said.\n'
        "Councillor Ivo Stanek studied the budget at length.\n"
        '"The numbers do not add up," he said.'
    )
    assert [s for s, _ in speakers(text)] == ["Paul Brandt", "Ivo Stanek"]


def test_a_known_surname_opening_a_sentence_takes_the_focus() -> None:
    text = (
        "Anna Kovacs, a harbour engineer, met Tomas Lind on Monday.\n"
        '"The pier is safe," Lind said.\n'
        "Kovacs disagreed with the inspection report.\n"
        '"It was rushed," she said.'
    )
    assert [s for s, _ in speakers(text)] == ["Tomas Lind", "Anna Kovacs"]


def test_pronoun_without_a_compatible_person_is_not_given_the_nearest_name() -> None:
    text = 'Mr. Paul Brandt spoke first.\n"It is over," she said.'
    assert speakers(text) == []


def test_mr_never_joins_a_woman_of_the_same_surname() -> None:
    text = (
        'Maria Holt spoke at the gala. "Thank you all," Maria Holt said.\n'
        '"We will win," Mr. Holt said.'
    )
    assert [s for s, _ in speakers(text)] == ["Maria Holt", "Holt"]


def test_role_noun_goes_to_the_person_described_by_that_role() -> None:
    text = (
        "Ruritania Gov. Lena Varga and Mayor Otto Brecht toured the dam in New Fenwick.\n"
        '"The dam will hold," the Ruritania governor said.'
    )
    [quote] = extract_quotes(text)
    assert quote.speaker == "Lena Varga"
    assert quote.rule == "direct_cue_after:role"


def test_abbreviated_titles_and_initials_stay_out_of_the_name() -> None:
    text = '"The vote was fair," said Del. Marta Quill. "We counted twice," said Rep. J.T. Hollow.'
    assert [s for s, _ in speakers(text)] == ["Marta Quill", "J.T. Hollow"]


def test_quotation_never_becomes_part_of_a_speaker_phrase() -> None:
    text = 'Grandpa never trusted banks. "Keep it under the mattress," my father often said.'
    [quote] = extract_quotes(text)
    assert quote.mention == "my father"


def test_lone_party_adjective_is_no_speaker() -> None:
    text = 'Republican leaders met. "We are united," Republican said nothing else.'
    assert all(q.speaker != "Republican" for q in extract_quotes(text))


def test_colon_introduces_the_quotation_in_the_next_paragraph() -> None:
    text = (
        "Senator Ada Morrow spoke for an hour. Morrow continued:\n"
        '"The bridge is a promise we made to every family in this valley."'
    )
    [quote] = extract_quotes(text)
    assert quote.speaker == "Ada Morrow"
    assert quote.rule == "direct_colon:name"


def test_cue_less_quotation_after_narration_does_not_inherit_the_speaker() -> None:
    text = (
        '"The road is open," Anna Kovacs said.\n'
        "Traffic on the old bridge fell by half within a week, city figures show.\n"
        '"Nobody will miss the ferry."'
    )
    assert [s for s, _ in speakers(text)] == ["Anna Kovacs"]


def test_cue_less_quotation_paragraph_right_after_a_quote_continues_it() -> None:
    text = '"The road is open," Anna Kovacs said.\n"Nobody will miss the ferry."'
    [quote] = extract_quotes(text)
    assert (quote.speaker, quote.rule) == ("Anna Kovacs", "direct_cue_after:name")
    assert [text[a:b] for a, b in quote.parts] == [
        "The road is open,",
        "Nobody will miss the ferry.",
    ]


def test_a_document_speaks_for_the_name_on_it() -> None:
    text = '"Growth will slow next year," the Harbour Authority report said.'
    [quote] = extract_quotes(text)
    assert quote.speaker == "Harbour Authority"


def test_a_pronoun_never_refers_forward_to_a_name_later_in_its_sentence() -> None:
    text = (
        "Senator Ruth Okafor toured the flooded valley.\n"
        "Though she called Norrland Grain’s conduct “a disgrace to the region,” "
        "Okafor stopped short of demanding fines."
    )
    assert [s for s, _ in speakers(text)] == ["Ruth Okafor"]


def test_descriptions_before_a_name_stay_out_of_the_speaker_name() -> None:
    quote = '"The tide has turned for the harbour towns," '
    cases = {
        "said Harbor Institute researcher Lena Voss.": "Lena Voss",
        "said Radio North's Carl Emberg.": "Carl Emberg",
        "said Danish-born Ole Brandt.": "Ole Brandt",
        "said campaign manager Rita Solano.": "Rita Solano",
        "said Dock Workers Secretary-Treasurer Abe Lund.": "Abe Lund",
        "said Northfield University political scientist Mara Quist.": "Mara Quist",
    }
    for tail, name in cases.items():
        assert [s for s, _ in speakers(quote + tail)] == [name], tail


def test_a_person_of_an_organisation_is_the_speaker_and_an_organisation_of_x_is_whole() -> None:
    quote = '"The tide has turned for the harbour towns," '
    assert [s for s, _ in speakers(quote + "Ivo Lenz of the Baltic Trade Council said.")] == [
        "Ivo Lenz"
    ]
    assert [s for s, _ in speakers(quote + "Mr. Lenz of the Baltic Trade Council said.")] == [
        "Lenz"
    ]
    assert [s for s, _ in speakers(quote + "the Bank of Norland said.")] == ["Bank of Norland"]


def test_the_cue_nearest_a_quotation_names_its_speaker() -> None:
    text = (
        "When Mayor Ida Brenner noted that the bridge was closed, "
        "Councillor Tom Hale replied, “Then open the ferry.”"
    )
    assert [s for s, _ in speakers(text)] == ["Tom Hale"]


def test_the_addressee_of_told_is_never_the_speaker() -> None:
    text = "Ida Brenner, 58, told the Harbour Courier, “We will rebuild the pier by June.”"
    assert [s for s, _ in speakers(text)] == ["Ida Brenner"]


def test_a_cue_word_after_a_possessive_is_a_noun_unless_a_that_clause_follows() -> None:
    noun = "Tom Hale called Ida Brenner's remarks on the pier “a welcome change of course.”"
    assert [s for s, _ in speakers(noun)] == ["Tom Hale"]
    claim = "Reporters checked Ida Brenner's claim that the pier had cost “less than a bus.”"
    assert [s for s, _ in speakers(claim)] == ["Ida Brenner"]


def test_a_chain_of_appositives_leads_back_to_the_name_that_opens_it() -> None:
    chained = (
        "Ida Brenner, the mayor of Norland, a port town on the coast, "
        "said the pier “will be rebuilt by June.”"
    )
    assert [s for s, _ in speakers(chained)] == ["Ida Brenner"]
    relative = (
        "Tom Hale, president of the United Federation of Dockers, which represents port "
        "workers, said the strike “will go on.”"
    )
    assert [s for s, _ in speakers(relative)] == ["Tom Hale"]


def test_inverted_speech_verb_names_the_speaker_a_pronoun_then_follows() -> None:
    text = (
        "Governor Maria Holm spoke at the harbour on Friday.\n"
        "The new ferries will not cut fares this year, noted Ivo Stanek, the port director.\n"
        '"We have to pay for the hulls first," he wrote.'
    )
    assert [s for s, _ in speakers(text)] == ["Ivo Stanek", "Ivo Stanek"]


def test_a_name_inside_the_reported_clause_does_not_take_the_focus() -> None:
    text = (
        '"The budget is a mess," said Nora Lind, a councillor.\n'
        "Mr. Halvorsen believes that the Maria Holm team ignored the port for years.\n"
        '"They never came here," she said.'
    )
    found = speakers(text)
    assert found[0][0] == "Nora Lind"
    assert found[-1][0] == "Nora Lind"


def test_the_speaker_named_after_a_subject_in_the_same_sentence_is_more_salient() -> None:
    text = (
        "Marta Quill toured the harbour on Monday.\n"
        "Quill campaign aide Dora Finch said the tour went well. "
        '"We saw every pier," she said.'
    )
    assert [s for s, _ in speakers(text)] == ["Dora Finch", "Dora Finch"]


def test_places_and_stray_capitals_are_never_he_or_she() -> None:
    text = (
        "Lena Marsh asked whether the United States would act.\n"
        'Officials in Foreign Affairs were silent. "We will see," she said.'
    )
    assert [s for s, _ in speakers(text)] == ["Lena Marsh"]


def test_a_gendered_noun_in_a_description_is_gender_evidence() -> None:
    text = (
        "Mr. Ivo Stanek spoke first.\n"
        '"The claims fail," said 9/11 widow Orla Darrow.\n'
        'She continued, "All we ask is a hearing."'
    )
    assert [s for s, _ in speakers(text)] == ["Orla Darrow", "Orla Darrow"]


def test_capitalised_titles_before_a_given_name_leave_the_name() -> None:
    text = 'Acme Executive Director Aaron Pell replied.\n"We check context," he said.'
    assert [s for s, _ in speakers(text)] == ["Aaron Pell"]


def test_a_role_noun_prefers_the_holder_whose_role_and_modifier_match() -> None:
    text = (
        "Norland Gov. Ann Pell met Ostmark Gov. Tomas Berg on Friday.\n"
        "The GOP governor from Ostmark, Republican Gov. Tomas Berg, left early.\n"
        "The Norland governor said that the budget would pass."
    )
    assert speakers(text)[-1] == ("Ann Pell", "reported_cue_before:role")


def test_a_role_no_one_was_given_stays_a_description_not_the_nearest_name() -> None:
    text = (
        "Crowds filled Harbour Square in Port Vale on Friday.\n"
        "The nominee said that taxes would fall."
    )
    assert speakers(text) == [("nominee", "reported_cue_before:unresolved")]


def test_an_acronym_names_the_organisation_whose_initials_it_spells() -> None:
    text = (
        "The Northern Harbour Authority met on Monday.\n"
        "The NHA said that tolls would rise in spring."
    )
    assert [s for s, _ in speakers(text)] == ["Northern Harbour Authority"]


def test_they_is_never_a_place_nor_a_stray_capital() -> None:
    council = "The Harbour Council met on Monday.\nThey said that the pier would reopen."
    assert [s for s, _ in speakers(council)] == ["Harbour Council"]
    place = "Crowds toured West Norland on Tuesday.\nThey said that fares were too high."
    assert speakers(place) == []
    stray = "Crowds gathered at Bridgeford on Wednesday.\nThey said that the ferry was late."
    assert speakers(stray) == []


def test_an_organisation_noun_goes_to_an_organisation_of_that_kind() -> None:
    text = (
        "The Norland Herald published the letters on Sunday.\n"
        "The newspaper said that the mayor had known for months."
    )
    assert speakers(text) == [("Norland Herald", "reported_cue_before:role")]


def test_the_last_names_of_a_person_seen_in_full_are_that_person() -> None:
    text = (
        'Justin Ki Park, 33, grew up in Norland. "It was home," Ki Park said.\n'
        '"We never left," Ki Park added.'
    )
    assert [s for s, _ in speakers(text)] == ["Justin Ki Park", "Justin Ki Park"]


def test_a_person_introduced_right_before_a_quote_speaks_it_even_as_an_object() -> None:
    text = (
        'Mr. Paul Brandt opened the fair. "Welcome," Brandt said.\n'
        "The delays worried Mr. Ivo Stanek, a ferry captain from the coast.\n"
        '"We lose a day each week," he said.'
    )
    assert [s for s, _ in speakers(text)] == ["Paul Brandt", "Ivo Stanek"]


def test_a_newcomer_does_not_take_a_pronoun_from_the_person_in_focus() -> None:
    text = (
        'Mr. Paul Brandt opened the fair. "Welcome," Brandt said.\n'
        "Brandt thanked Mr. Ivo Stanek for the ferry.\n"
        '"We owe him a lot," he said.'
    )
    assert [s for s, _ in speakers(text)] == ["Paul Brandt", "Paul Brandt"]


def test_who_after_an_appositive_is_the_person_not_the_organisation_in_it() -> None:
    text = (
        "The plan was backed by Sen. Ada Brill of Norland, the ranking member on the Senate "
        "Harbour Committee, who said none of the ships came from Ostmark.\n"
        '"It never made sense," she said.'
    )
    assert [s for s, _ in speakers(text)] == ["Ada Brill", "Ada Brill"]
    kept = "The rule is no anomaly for Tomas Berg, who criticized the port in 2011."
    assert [s for s, _ in speakers(kept)] == ["Tomas Berg"]


def test_a_place_set_off_by_commas_before_the_cue_is_no_speaker() -> None:
    text = (
        "Mayor Ann Pell, during a town hall meeting in Columbus, Ohio, said that the ferry "
        "would run all winter."
    )
    assert [s for s, _ in speakers(text)] == ["Ann Pell"]


def test_a_title_with_of_before_a_name_leaves_the_name() -> None:
    text = (
        "Former Secretary of State Ann Pell urged voters to stay home, saying, "
        '"There is a special place for them."'
    )
    assert {s for s, _ in speakers(text)} == {"Ann Pell"}  # the urging and the quotation


def test_a_contracted_pronoun_is_a_pronoun_not_a_name() -> None:
    text = (
        'Mr. Paul Brandt spoke at the fair. "We start today," Brandt said.\n'
        "He’s claiming that the fair is “a big success” for the town."
    )
    assert [s for s, _ in speakers(text)] == ["Paul Brandt", "Paul Brandt"]


def test_adverbs_and_time_phrases_before_the_cue_stay_out_of_the_speaker() -> None:
    text = (
        "Ann Pell ran the port for a decade.\n"
        "Pell now says that the port needs a new pier.\n"
        "Sen. Ivo Stanek on Wednesday morning also said that the pier could wait."
    )
    assert [s for s, _ in speakers(text)] == ["Ann Pell", "Ivo Stanek"]


def test_a_bare_surname_stays_with_the_bearer_it_was_used_for() -> None:
    text = (
        "Tomas Brandt runs the ferry. Brandt said that fares would rise.\n"
        "His sister Ida Brandt runs the cafe. Ida Brandt opened it in May. "
        "Ida Brandt likes the harbour.\n"
        "Brandt said that the ferry would be late."
    )
    assert [s for s, _ in speakers(text)] == ["Tomas Brandt", "Tomas Brandt"]


def test_a_spokeswoman_for_a_person_is_not_that_person() -> None:
    text = "A spokeswoman for Ann Pell says that the mayor never helped."
    assert speakers(text) == [("spokeswoman for Ann Pell", "reported_cue_before:description")]


def test_a_title_goes_to_the_speaker_in_focus_known_only_by_surname() -> None:
    text = (
        "Brandt defended his plan this week on his radio show.\n"
        '"I have known the port for years," the governor said.'
    )
    assert [s for s, _ in speakers(text)] == ["Brandt", "Brandt"]


def test_they_goes_to_a_plural_group_that_opens_the_sentence_before() -> None:
    text = (
        "The Harbour Council held a vote on Monday.\n"
        "Several Democrats cautioned against drawing lessons from the vote. "
        "They also said that turnout was low."
    )
    assert [s for s, _ in speakers(text)][-1] == "Democrats"


def test_a_lone_name_takes_the_gender_of_the_pronoun_in_its_sentence() -> None:
    text = (
        "Mr. Paul Brandt opened the port in May.\n"
        "Ama Osei visited the Harbour Office on Monday, a year after she was elected.\n"
        '"The port is open to all," he said.'
    )
    assert [s for s, _ in speakers(text)] == ["Paul Brandt"]


def test_with_a_name_and_a_participle_the_name_speaks() -> None:
    text = (
        "Councillors were irritated about the plan, with Mayor Ann Pell calling it "
        "“a menu without prices.”"
    )
    assert [s for s, _ in speakers(text)] == ["Ann Pell"]


def test_a_participle_opening_the_sentence_is_no_speaker() -> None:
    text = (
        "Speaking at a town hall in Salem, New Hampshire, Mayor Ann Pell went after the "
        "council, calling it “a total mess.”"
    )
    assert [s for s, _ in speakers(text)] == ["Ann Pell"]


def test_a_name_after_the_cue_of_a_subject_noun_is_what_it_speaks_of() -> None:
    text = "Mayor Ann Pell met the press.\nThe clip says Pell “has a passion for the wrong ports.”"
    assert all(s != "Ann Pell" for s, _ in speakers(text))


def test_a_capitalised_preposition_opening_a_sentence_is_no_name() -> None:
    text = (
        "Ida Berg, a nurse from Norland, spoke at the rally.\n"
        "Along with her husband, Tomas Berg, a farmer, she has given to many candidates, "
        "but plans to narrow her support to one."
    )
    assert all(s != "Along" for s, _ in speakers(text))


def test_it_goes_to_the_organisation_a_name_owns_in_focus() -> None:
    text = (
        "Ann Pell’s campaign is defending her posts on Friday. "
        "It’s denouncing what it calls “the biggest attack in years.”"
    )
    assert [s for s, _ in speakers(text)] == ["Pell campaign"]


def test_the_campaign_named_by_its_owner_is_that_campaign() -> None:
    text = (
        "The Pell campaign met donors. The Berg campaign met voters.\n"
        "The Pell campaign said that the donors were generous."
    )
    assert speakers(text)[-1] == ("Pell campaign", "reported_cue_before:role")


def test_an_organisation_in_dotted_initials_is_named_without_the_dots() -> None:
    assert speakers("The F.B.I. said that the files were missing.") == [
        ("FBI", "reported_cue_before:name")
    ]


def test_a_person_introduced_with_an_appositive_takes_the_next_quote() -> None:
    text = (
        'Mr. Paul Brandt opened the fair. "Welcome," Brandt said.\n'
        "Brandt had many fans at the fair, which is something that troubles "
        "Mr. Ivo Stanek, president of the Norland Ferry Club.\n"
        '"No one writes songs for us," he said.'
    )
    assert [s for s, _ in speakers(text)] == ["Paul Brandt", "Ivo Stanek"]


def test_roles_joined_by_and_under_one_determiner_are_one_person() -> None:
    text = (
        "Ohio Sen. Mara Quill toured the plant on Friday.\n"
        '"Jobs come first," the Ohio senator and Republican candidate said.'
    )
    assert [s for s, _ in speakers(text)] == ["Mara Quill"]


def test_a_document_cited_with_according_to_speaks_for_its_author() -> None:
    text = (
        "Prosecutors dropped the charge against Vera Holm.\n"
        'The case was "too weak to try," according to a court memo filed by state attorney '
        "Owen Brask.\n"
        "Mira Kessel kept her diary through the siege.\n"
        'The town ran out of bread "within a week," according to her account.'
    )
    assert [s for s, _ in speakers(text)] == ["Owen Brask", "Mira Kessel"]


def test_the_outlet_that_obtained_a_document_is_not_its_author() -> None:
    text = (
        "The league wrote to the mayor twice.\n"
        "A March letter from the Harbour League obtained by the Norland Herald warns that "
        '"further use of the crest will be challenged."'
    )
    assert [s for s, _ in speakers(text)] == ["Harbour League"]


def test_a_statement_issued_by_a_person_carries_that_persons_words() -> None:
    text = (
        "The council voted late on Monday.\n"
        "Harbour Trust President Lina Voss issued a statement saying the vote "
        '"ignores every family on the quay."'
    )
    assert [s for s, _ in speakers(text)] == ["Lina Voss"]


def test_a_title_with_a_party_goes_to_the_one_person_of_that_party() -> None:
    text = (
        "Republican Tom Adler and Democrat Vera Lund met in Salem.\n"
        "Lund said little.\n"
        '"We will fix the roads," the Republican nominee said.'
    )
    assert [s for s, _ in speakers(text)] == ["Tom Adler"]


def test_a_party_and_state_tag_then_a_comma_leaves_the_name_before_it_the_speaker() -> None:
    text = 'After the vote in Salem, Gov. Tom Adler (R-Ore.), said, "We are ready to ride west."'
    assert [s for s, _ in speakers(text)] == ["Tom Adler"]


def test_who_before_a_cue_stands_for_the_name_before_it_never_inverts() -> None:
    text = 'The harbour plan drew fire from Vera Lund, who says it is "a disaster for us."'
    assert [s for s, _ in speakers(text)] == ["Vera Lund"]


def test_a_group_with_an_including_appositive_speaks_not_its_member() -> None:
    text = (
        "Four newspapers in Norland, including the Harbour Gazette, said the mayor "
        "should resign over the port contracts."
    )
    assert [s for s, _ in speakers(text)] == ["Four newspapers"]


def test_declining_to_comment_is_attributed_to_its_subject() -> None:
    text = (
        "Vera Lund declined to comment on the harbour accounts.\n"
        "The council declined to release the accounts before the vote."
    )
    assert [(q.speaker, q.text) for q in extract_quotes(text)] == [("Vera Lund", "to comment")]


def test_in_a_roundup_the_name_after_the_dash_speaks_not_the_headline_subject() -> None:
    text = 'Harbour pilots agree - Vera M. Lund: "The tide tables were wrong all season."'
    assert [s for s, _ in speakers(text)] == ["Vera M. Lund"]


def test_the_state_republican_is_the_republican_described_from_that_state() -> None:
    text = (
        "Ohio Republican Tom Adler and Oregon Democrat Vera Lund spoke on Monday.\n"
        'The Ohio Republican said the port deal was "dead on arrival."'
    )
    assert [s for s, _ in speakers(text)] == ["Tom Adler"]


def test_a_party_tag_tells_which_senator_the_state_senator_is() -> None:
    text = (
        "Sen. Tom Adler (R-Ore.) and Sen. Vera Lund (D-Vt.) met on Monday.\n"
        "Adler left early.\n"
        '"We found common ground," the Vermont senator said.'
    )
    assert [s for s, _ in speakers(text)] == ["Vera Lund"]


def test_a_crowd_saying_something_in_a_poll_is_filed_under_the_poll() -> None:
    text = (
        'Most Norlanders say the ferry is "too slow to matter," according to a Harbour '
        "Institute poll released Monday."
    )
    assert [s for s, _ in speakers(text)] == ["Harbour Institute"]


def test_a_title_role_with_no_one_so_described_goes_to_the_person_in_focus_of_any_gender() -> None:
    text = (
        "Mr. Tobias Wren toured the flooded valley on Friday with his aides.\n"
        '"We will rebuild every bridge," the governor said.'
    )
    assert [s for s, _ in speakers(text)] == ["Tobias Wren"]


def test_the_subject_of_a_that_clause_after_the_cue_is_never_the_speaker() -> None:
    text = (
        "Mayor Ann Li spoke on Monday. Governor Vera Lund weighed in on Twitter, saying that "
        'Norland officials should release the files "without delay."'
    )
    assert [s for s, _ in speakers(text)] == ["Vera Lund"]


def test_a_possessive_after_the_cue_owns_the_clause_subject_and_is_no_speaker() -> None:
    text = 'Tom Hale, who in 2010 said the Harbour Board\'s real goal was "a private port," left.'
    assert all(s != "Harbour Board" for s, _ in speakers(text))
    assert [s for s, _ in speakers('"We won," said Acme\'s chief Tom Hale.')] == ["Tom Hale"]


def test_a_surname_spelt_one_letter_off_is_the_person_named_before() -> None:
    text = (
        "Two voters, Dalia Hanrahan and Petr Hanak, came to the rally.\n"
        "Hanrahen said the mayor had ignored the port.\n"
        '"It is only talk," she said.'
    )
    assert [s for s, _ in speakers(text)] == ["Dalia Hanrahan", "Dalia Hanrahan"]
    curly = 'Chief Aidan O\u2019Rourke spoke first. "We are ready," said O\'Rourke.'
    assert [s for s, _ in speakers(curly)] == ["Aidan O\u2019Rourke"]


def test_a_lone_name_that_spoke_is_a_candidate_for_she() -> None:
    text = (
        "Ann Li, the mayor, left early.\n"
        "Okafor said the mayor had ignored the port.\n"
        '"It is only talk," she said.'
    )
    assert [s for s, _ in speakers(text)][-1] == "Okafor"


def test_a_name_set_off_after_an_owners_kin_noun_is_the_subject_with_that_surname() -> None:
    text = (
        "Judge Vera Lund opened the hearing on Monday.\n"
        "Hale's wife, Ingrid, is expected to testify. She has rarely spoken in public.\n"
        '"He is innocent," she said.'
    )
    assert [s for s, _ in speakers(text)] == ["Ingrid Hale"]


def test_a_gendered_noun_set_off_before_a_name_is_its_gender() -> None:
    text = (
        "Greta Sommer, a baker from Norland, said the bridge tolls hurt her trade.\n"
        "Along with her husband, Nils Sommer, a fisherman, she has fought the tolls for years.\n"
        '"We cannot pay this," she said.'
    )
    assert [s for s, _ in speakers(text)][-1] == "Greta Sommer"


def test_a_bare_surname_shared_by_a_man_and_a_woman_follows_the_sentences_he_or_she() -> None:
    text = (
        "Ms. Mara Voss ran the port for a decade.\n"
        "Her husband, former Mayor Karl Voss, backed the plan.\n"
        'In her memoir, Voss wrote: "I never trusted the harbour board."'
    )
    assert [s for s, _ in speakers(text)] == ["Mara Voss"]


def test_a_party_tag_set_off_by_commas_is_no_speaker() -> None:
    text = "Rep. Ann Li, R-Ohio, says the harbour board outlined a plan in which the port wins."
    assert [s for s, _ in speakers(text)] == ["Ann Li"]


def test_a_generational_suffix_and_a_leading_initial_stay_out_of_the_filed_name() -> None:
    text = (
        '"The pier is safe," said C. Tobias Wren Jr., a harbour engineer.\n'
        '"We checked it twice," Mr. Wren added.'
    )
    quotes = extract_quotes(text)
    assert [q.speaker for q in quotes] == ["Tobias Wren", "Tobias Wren"]
    assert "C. Tobias Wren Jr." in quotes[0].speaker_aliases


def test_a_generational_suffix_stays_when_a_namesake_needs_it() -> None:
    text = (
        "Pastor Karl Ode Jr. led the service with his son, Karl Ode III.\n"
        '"He gave everything to this town," said Karl Ode III.'
    )
    assert [s for s, _ in speakers(text)] == ["Karl Ode III"]


def test_the_organisation_noun_opening_a_sentence_is_the_organisation_of_that_kind() -> None:
    text = "Acme Bank paid a fine on Monday. The bank said it had fixed the errors in its accounts."
    assert [s for s, _ in speakers(text)] == ["Acme Bank"]


def test_an_organisation_noun_with_no_name_of_its_kind_is_the_organisation_in_focus() -> None:
    text = (
        "The Norland Golf Foundation counted 300 closed courses last year.\n"
        "Fewer young players took up the game, the group said on Tuesday."
    )
    assert [s for s, _ in speakers(text)] == ["Norland Golf Foundation"]


def test_a_capitalised_title_run_before_two_names_stays_out_of_the_name() -> None:
    text = 'Norland Harbour Board Senior Adviser Ravi Okoro said the plan was "a good start."'
    assert [s for s, _ in speakers(text)] == ["Ravi Okoro"]
    command = 'The Norland Coastal Command said the plan was "a good start."'
    assert [s for s, _ in speakers(command)] == ["Norland Coastal Command"]


def test_a_lone_given_name_after_his_or_her_kin_noun_takes_the_owners_surname() -> None:
    text = (
        "Tom Hale runs the shipyard.\n"
        "Hale barred his first wife, Ingrid, from writing about the yard.\n"
        '"I regret signing it," she said.'
    )
    assert [s for s, _ in speakers(text)] == ["Ingrid Hale"]


def test_a_bare_document_speaks_for_the_author_named_with_it_before() -> None:
    memoir = (
        "Dr. Petra Voss published a memoir of her years at the harbour clinic.\n"
        "The clinic closed in 2009.\n"
        '"Nobody asked the nurses what they needed," the book said.'
    )
    assert [s for s, _ in speakers(memoir)] == ["Petra Voss"]
    video = (
        "A web video by the Norland Shipping Council ran on Friday night.\n"
        '"The toll is a tax on every family," the clip says.'
    )
    assert [s for s, _ in speakers(video)] == ["Norland Shipping Council"]
    owned = (
        "Tomas Lind read out Mara Holt's letter at the meeting.\n"
        '"The pier must stay open," the letter said.'
    )
    assert [s for s, _ in speakers(owned)] == ["Mara Holt"]


def test_a_document_owned_by_something_unnamed_is_not_given_its_sentence_subject() -> None:
    text = (
        "Tomas Lind answered the newspaper's editorial on Monday.\n"
        '"The pier must stay open," the editorial said.'
    )
    assert [s for s, _ in speakers(text)] != ["Tomas Lind"]
    far = (
        "Dr. Petra Voss published a memoir of her years at the harbour clinic.\n"
        + "The clinic had many patients.\n" * 9
        + '"Nobody asked the nurses what they needed," the book said.'
    )
    assert "Petra Voss" not in [s for s, _ in speakers(far)]


def test_a_dateline_before_a_dash_is_no_subject_of_a_participle_cue() -> None:
    text = "NORLAND — Sen. Ann Lind defended her plan, saying the toll would pay for the bridge."
    assert [s for s, _ in speakers(text)] == ["Ann Lind"]
    agency = "PORT ELLEN (AP) — Tomas Lind defended the plan, arguing the toll was fair."
    assert [s for s, _ in speakers(agency)] == ["Tomas Lind"]


def test_a_document_before_a_colon_is_not_who_speaks_after_it() -> None:
    text = (
        'Gov. Ann Lind said, "We are ready." Transcript as follows:\n'
        '"Tonight we arrived in Norland and we went to a restaurant."'
    )
    assert [s for s, _ in speakers(text)] == ["Ann Lind"]


def test_a_title_word_after_mr_is_a_surname_and_joins_the_full_name() -> None:
    text = (
        "Walter King, a retired ferry captain, spoke at the pier.\n"
        '"The tides have changed," Mr. King said.\n'
        "Later Mr. King said that the harbour needed dredging.\n"
        '"We are ready," Mr. President said.'
    )
    assert [s for s, _ in speakers(text)] == ["Walter King", "Walter King", "Mr. President"]


def test_coordinated_speakers_are_a_group_not_one_of_them() -> None:
    text = (
        "Ann Li, a harbour engineer, met Tom Ong on Monday.\n"
        "Li and Ong said that the pier was unsafe.\n"
        "Port commissioners Vera Sol, Ivo Dane and Ida Roe said that fees would rise.\n"
        "The mayor praised Ann Li and Ong said that he was pleased."
    )
    quotes = extract_quotes(text)
    assert [(q.speaker, q.speaker_kind) for q in quotes[:2]] == [
        ("Ann Li and Tom Ong", "group"),
        ("Vera Sol, Ivo Dane and Ida Roe", "group"),
    ]
    assert quotes[2].speaker == "Tom Ong"  # after a verb, 'Ann Li and' is its object


def test_the_pronoun_after_a_participle_cue_is_what_was_said_not_who_said_it() -> None:
    text = (
        "Tom Li founded the firm. His daughter, Ann Li, runs it now.\n"
        'She has defended her father, saying he has hired many women and calling him "a feminist."'
    )
    assert [s for s, _ in speakers(text)] == ["Ann Li", "Ann Li"]


def test_a_cue_after_the_whole_sentence_outranks_a_cue_inside_it() -> None:
    text = (
        "Ann Li toured the harbour on Monday.\n"
        "Li had told port officials that she wanted no escort at all, the source added."
    )
    assert [s for s, _ in speakers(text)] == ["source"]


def test_a_clause_before_an_object_cue_is_cut_to_the_pronoun_or_name_opening_it() -> None:
    text = (
        "Ann Li, the harbour mayor, opened the debate on Monday. She then peppered him with "
        "attacks on his record at the port authority.\n"
        "Tom Ong, a ferry captain, met the mayor on Monday. Ong largely agreed with the mayor "
        "and seemed to think the ferry service would close by June."
    )
    assert speakers(text) == [
        ("Ann Li", "reported_cue_before:pronoun"),
        ("Tom Ong", "reported_cue_before:name"),
    ]


def test_a_definite_role_opening_the_main_clause_takes_the_focus_for_he() -> None:
    text = (
        "Paul Brandt, the club president, said the season would open in May.\n"
        'Coach Ivo Stanek watched the new players at length.\n"They train hard," Stanek said.\n'
        'After the vote, the president looked relieved.\n"It was close," he said.'
    )
    assert [s for s, _ in speakers(text)] == ["Paul Brandt", "Ivo Stanek", "Paul Brandt"]


def test_a_phrase_opening_with_a_preposition_or_a_parenthesis_is_no_speaker() -> None:
    text = (
        "In three coastal states voters will decide the harbour levy in November.\n"
        "The levy passed. (Having said that, some owners argue that the levy should go.)"
    )
    assert [s for s, _ in speakers(text)] == ["some owners"]


def test_words_holding_a_contracted_is_before_a_cue_are_a_clause_not_a_speaker() -> None:
    text = (
        "Then there’s Norland and questions about the harbour levy that the mayor is eager "
        "to settle."
    )
    assert speakers(text) == []


def test_a_name_after_an_inverted_cue_and_before_an_auxiliary_is_the_clause_subject() -> None:
    text = (
        "Ann Li and Tom Ong met the harbour board on Monday.\n"
        'However, 60 percent said Li was "right" to delay the vote.\n'
        'The crowd cheered. "We will rebuild the pier," said Ong on Tuesday.'
    )
    assert [s for s, _ in speakers(text)] == ["Tom Ong"]


def test_a_speaker_set_off_by_a_participle_clause_before_the_cue_still_speaks() -> None:
    text = (
        "Mayor Ann Li, opening the new Harbour Museum of Art and Culture on Sunday, said it "
        'would tell "a story of hope and toil."\n'
        "Tom Ong, asked about the levy, said the board would vote in May."
    )
    assert [s for s, _ in speakers(text)] == ["Ann Li", "Tom Ong"]


def test_a_role_before_a_name_leaves_the_name_the_subject_of_coordinated_verbs() -> None:
    text = (
        "Ann Li and Tom Ong met the harbour board in Dover.\n"
        "Republican nominee Tom Ong, in particular, has sharply criticized the levy and "
        "called for a vote on the new pier."
    )
    assert speakers(text) == [("Tom Ong", "reported_cue_before:name")]


def test_a_definite_role_then_a_verb_before_the_cue_is_cut_to_the_role() -> None:
    text = (
        "Tom Ong, the Republican nominee, toured the harbour on Monday.\n"
        "The Republican nominee continues to insist that the levy will pay for the pier."
    )
    assert speakers(text) == [("Tom Ong", "reported_cue_before:role")]


def test_a_run_in_heading_in_capitals_is_no_speaker_nor_antecedent() -> None:
    text = (
        "Tom Ong, a planner in Dover, wrote a book about debt in 2010.\n\n"
        "THE BORROWING Back when he wrote his book, Mr. Ong said that he considered debt a "
        'last resort. "It is not realistic," he said.'
    )
    assert {s for s, _ in speakers(text)} == {"Tom Ong"}


def test_a_lede_description_is_the_person_named_in_full_right_after_it() -> None:
    text = (
        "The harbour board met on Monday.\n\n"
        "Norland's tax commissioner says no one on his staff leaked the harbour records.\n\n"
        "Paul Brandt says he asked his staff on Monday to check the logs.\n\n"
        "3:15 p.m.\n\n"
        "A source said the board would vote in May.\n\n"
        "Ann Li, a harbour pilot, watched the vote.\n\n"
        "Pilots and owners filled the hall on Monday evening, and the vote went on for hours.\n\n"
        "A harbour pilot said the levy was too high.\n\n"
        "Tom Ong, the board's chair, closed the meeting."
    )
    assert [s for s, _ in speakers(text)] == [
        "Paul Brandt",
        "Paul Brandt",
        "source",
        "harbour pilot",
    ]


def test_a_participle_clause_ending_in_a_state_leaves_the_name_before_it_the_speaker() -> None:
    text = (
        "Tom Ong, speaking at a rally in Wilmington, N.C., warned that the levy would ruin "
        "the port.\nAnn Li, in Dover, Del., said the levy was fair."
    )
    assert [s for s, _ in speakers(text)] == ["Tom Ong", "Ann Li"]


def test_the_subject_of_a_passive_cue_is_no_speaker() -> None:
    text = (
        "To date, 14 pilots and one Norland Captain were admitted as well as 29 others who "
        'only specified "crew" as their trade.\n'
        'Ann Li was quoted as saying the levy was "a disgrace."'
    )
    assert [s for s, _ in speakers(text)] == ["Ann Li"]


def test_they_never_stands_for_an_organisation_named_only_in_passing() -> None:
    text = (
        "The challenge to the levy is being heard by ten judges of the Norland Court of "
        "Appeals.\n"
        "They argue that the board overstepped its authority.\n"
        "The Harbour Board said the levy was lawful. They said it would stand."
    )
    assert [s for s, _ in speakers(text)] == ["Harbour Board", "Harbour Board"]


def test_an_organisation_named_with_on_or_for_is_whole() -> None:
    said = " that the count of the votes would have to start again next week."
    assert [s for s, _ in speakers("The nonpartisan Commission on Public Debates said" + said)] == [
        "Commission on Public Debates"
    ]
    assert [s for s, _ in speakers("The Center for Fair Taxes said" + said)] == [
        "Center for Fair Taxes"
    ]


def test_an_organisation_first_met_by_its_last_words_is_never_a_person_for_a_role() -> None:
    text = (
        "Ivo Lenz, the Green nominee, spoke at the fair on Monday. "
        "His aides note that the Commission on Public Debates announced a change to the rules. "
        "The Commission on Public Debates says there was a fault with the sound in the hall. "
        "The Green nominee complained about the sound on Tuesday, saying it had been cut off."
    )
    nominee = speakers(text)[-1]
    assert nominee[0] not in {"Debates", "Commission on Public Debates"}


def test_the_organisation_noun_goes_to_the_whole_name_with_on_or_for() -> None:
    text = (
        "His aides note that the Commission on Public Debates announced a change to the rules. "
        "The commission said that the new rules would apply from the next debate onwards."
    )
    assert [s for s, _ in speakers(text)] == ["Commission on Public Debates"] * 2


def test_a_month_or_modal_after_a_given_name_is_a_surname() -> None:
    said = " that the harbour would stay closed for the rest of the winter."
    assert [s for s, _ in speakers("Harbour Minister Theresa May said" + said)] == ["Theresa May"]
    assert [s for s, _ in speakers("George Will wrote" + said)] == ["George Will"]
    assert [s for s, _ in speakers("In May, Ivo Lenz said" + said)] == ["Ivo Lenz"]
    assert [s for s, _ in speakers("Ivo Lenz may say" + said)] == ["Ivo Lenz"]


def test_title_words_before_an_organisation_word_name_the_whole_organisation() -> None:
    said = " that the vote count in the northern district would start again."
    for name in ["State Department", "Republican National Committee", "Norlandic Foreign Ministry"]:
        assert [s for s, _ in speakers(f"On Monday, the {name} said" + said)] == [name]


def test_a_name_inside_a_prepositional_phrase_before_the_cue_is_no_speaker() -> None:
    said = " that the vote count in the northern district would start again."
    found = {
        text: [s for s, _ in speakers(text + said)]
        for text in [
            "Many voters in Norland believe",
            "The harbour master of Port Avel said",
            "A spokeswoman at Acme Shipping said",
            "The vast majority of Norlanders say",
        ]
    }
    assert found == {
        "Many voters in Norland believe": ["Many voters in Norland"],
        "The harbour master of Port Avel said": ["harbour master of Port Avel"],
        "A spokeswoman at Acme Shipping said": ["spokeswoman at Acme Shipping"],
        "The vast majority of Norlanders say": ["vast majority of Norlanders"],
    }


def test_a_prepositional_name_still_speaks_for_a_document_an_owner_or_its_whole_name() -> None:
    said = " that the vote count in the northern district would start again."
    found = {
        text: [s for s, _ in speakers(text + said)]
        for text in [
            "A letter from the Norland Legion warns",
            "Research conducted for the Harbour Institute showed",
            "Citizens for Fair Ports argues",
            "Soon after Ivo Lenz said",
            "TEN HURT IN PORT BLAST Norlandic President Ivo Lenz said",
        ]
    }
    assert found == {
        "A letter from the Norland Legion warns": ["Norland Legion"],
        "Research conducted for the Harbour Institute showed": ["Harbour Institute"],
        "Citizens for Fair Ports argues": ["Citizens for Fair Ports"],
        "Soon after Ivo Lenz said": ["Ivo Lenz"],
        "TEN HURT IN PORT BLAST Norlandic President Ivo Lenz said": ["Ivo Lenz"],
    }


def test_reported_words_in_an_opening_subordinate_clause_end_at_its_comma() -> None:
    text = (
        "As Ann Li talked about bringing the harbour towns together, Ivo Lenz stressed "
        "his message that the port needs order first."
    )
    quotes = [(q.speaker, q.text) for q in extract_quotes(text)]
    assert quotes == [
        ("Ann Li", "bringing the harbour towns together"),
        ("Ivo Lenz", "the port needs order first"),
    ]
    said = "As Ann Li said, the port will have to close by the end of the year."
    assert [(q.speaker, q.text) for q in extract_quotes(said)] == [
        ("Ann Li", "the port will have to close by the end of the year")
    ]


def test_verbs_joined_inside_a_relative_clause_or_parenthesis_are_not_the_subjects() -> None:
    relative = (
        "Ann Li toured the harbour with the mayor, unlike the businessman who lacks any "
        "experience in government and has attacked the port workers as well as the unions."
    )
    assert [(q.speaker, q.text) for q in extract_quotes(relative)] == []
    parenthesis = (
        "Ann Li wants a larger port, and her rivals want a smaller one (they want lower fees "
        "and suggest that such fees would bring more ships)."
    )
    assert "Ann Li" not in [q.speaker for q in extract_quotes(parenthesis)]
    main = "Ann Li has not ruled it out but has emphasized that the port must stay open."
    assert [q.speaker for q in extract_quotes(main)] == ["Ann Li"]


def test_the_subject_of_a_passive_cue_said_nothing() -> None:
    declared = "Ann Li was declared the winner in the northern primaries by news outlets."
    assert speakers(declared) == []
    quoted = "Ann Li was quoted as saying that the port would close in the spring."
    assert [s for s, _ in speakers(quoted)] == ["Ann Li"]


def test_an_organisation_word_alone_names_the_one_organisation_it_ends() -> None:
    said = " The Times on Saturday wrote that the port had lost money for years."
    one = "The Norland Times reported that the mayor was wrong."
    assert [s for s, _ in speakers(one + said)] == ["Norland Times", "Norland Times"]
    two = one + " The Avel Times said that the mayor was right."
    assert [s for s, _ in speakers(two + said)] == ["Norland Times", "Avel Times", "Times"]
    house = "The White House said that the bill was flawed. The House said that it should pass."
    assert [s for s, _ in speakers(house)] == ["White House", "House"]


def test_a_state_and_party_role_is_no_party_member_known_for_another_state() -> None:
    text = (
        "Speaker Ivo Lenz says the whole region is watching and that he can see why allies "
        "would be rattled by Republican Tom Ong's comments. In an interview on Thursday, the "
        "Ohio Republican criticized the president's trade policy and said allies wanted to "
        "know if the port would stay open."
    )
    said = [(q.speaker, q.mention) for q in extract_quotes(text)]
    assert ("Ivo Lenz", "the Ohio Republican") in said
    assert ("Tom Ong", "the Ohio Republican") not in said
    known = "Republican Tom Ong of Ohio spoke first. The Ohio Republican said the port would close."
    assert [s for s, _ in speakers(known)][-1] == "Tom Ong"


def test_a_wh_clause_with_its_own_speaker_ends_the_first_speakers_words() -> None:
    text = (
        "The gap between what Ivo Lenz says his port plan would do and how experts say it "
        "would shape the harbour has lasted all year."
    )
    assert [(q.speaker, q.text) for q in extract_quotes(text)] == [
        ("Ivo Lenz", "his port plan would do"),
        ("experts", "it would shape the harbour has lasted all year"),
    ]


def test_a_party_group_is_not_renamed_after_a_committees_members_of_that_party() -> None:
    text = (
        "Republicans said they are convinced the department mishandled the inquiry. "
        "Oversight Committee Republicans grilled the director on Thursday. "
        "Kovacs said that the port would close. Anna Kovacs runs the port."
    )
    assert [s for s, _ in speakers(text)] == ["Republicans", "Anna Kovacs"]


def test_a_role_before_a_preposition_is_the_speaker_not_the_phrase_after_it() -> None:
    text = (
        "The Lenz campaign released an ad on Monday. "
        '"Why did the mayor not pay?" a narrator in the Lenz ad asks.'
    )
    assert [s for s, _ in speakers(text)][-1] == "narrator in the Lenz ad"
    letter = 'Ann Li wrote a letter to the port board. "We will close," the letter said.'
    assert [s for s, _ in speakers(letter)][-1] == "Ann Li"
    attorneys = "Attorneys for the department said this week that the files would be released."
    assert [s for s, _ in speakers(attorneys)] == ["Attorneys for the department"]


def test_an_organisation_before_at_speaks_not_the_institutes_after_it() -> None:
    said = " estimates that the port plan would raise $1 billion over a decade."
    for where in ["at the Avel Institute", "at the Avel Institute and Lenz Institution"]:
        assert [s for s, _ in speakers(f"The Port Policy Center {where}" + said)] == [
            "Port Policy Center"
        ]


def test_it_after_a_document_that_spoke_is_that_document_not_a_name_nearby() -> None:
    text = (
        "Senator Mara Voss spoke in Dover on Monday. "
        "The ad cites a report by the state auditor. "
        "It says the plan would cost farmers dearly."
    )
    assert [s for s, _ in speakers(text)] == ["ad"]  # no author named: 'it' stays unresolved
    owned = (
        "Acme Corp released an ad on Monday. Mara Voss defended it. "
        "Voss's ad claims the plan would cost farmers. It also says that prices would rise."
    )
    assert [s for s, _ in speakers(owned)] == ["Mara Voss", "Mara Voss"]
    subject = (
        "Acme Corp spoke on Monday. The ad then references police criticism of Tomas Lind. "
        "It also says that prices would rise."
    )
    assert speakers(subject) == []  # the ad, by no one named, not Acme
    authored = "The Voss campaign released an ad on Monday. " + subject.split(". ", 1)[1]
    assert [s for s, _ in speakers(authored)] == ["Voss campaign"]


def test_a_name_inside_a_fronted_as_phrase_does_not_take_the_focus() -> None:
    for phrase in ["As Tomas Lind's deputy", "As a longtime aide to Tomas Lind"]:
        text = (
            "Mara Voss spoke on Monday. "
            f"{phrase}, the engineer rebuilt the pier. "
            '"The work is done," she said.'
        )
        assert [s for s, _ in speakers(text)] == ["Mara Voss"]
    clause = (
        "Mara Voss spoke on Monday. As Tomas Lind walked in, the engineer rebuilt the pier. "
        '"The work is done," he said.'
    )
    assert [s for s, _ in speakers(clause)] == ["Tomas Lind"]


def test_a_plural_title_ends_no_sentence_and_its_holders_take_no_focus() -> None:
    text = (
        "Tom Lind spoke on Monday. "
        "Lind refrained from attacking his rivals, particularly Govs. Ann Voss and Ed Marr. "
        'He dismissed the critique, saying it was "old news."'
    )
    assert [s for s, _ in speakers(text)] == ["Tom Lind"]
    sens = "Sens. Ann Voss and Ed Marr said the port plan was sound."
    assert [s for s, _ in speakers(sens)] == ["Ann Voss and Ed Marr"]


def test_a_title_role_is_not_given_to_a_person_described_by_another_calling() -> None:
    said = " said the plan was vague. The candidate said the plan was sound."
    analyst = [s for s, _ in speakers("Ann Voss, an analyst at the Avel Institute," + said)]
    assert analyst == ["Ann Voss", "candidate"]  # left unresolved: no candidate was named
    senator = [s for s, _ in speakers("Ann Voss, a senator from Avel," + said)]
    assert senator == ["Ann Voss", "Ann Voss"]
