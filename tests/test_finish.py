"""quotetrack.extract.finish: candidates -> attributions with speakers, floating quotes, targets.

Most tests go through :func:`quotetrack.pipeline.extract_text` (the built-in annotator with
its entity recognizer, then the CRF tagger). Where the tagger's output on a short made-up
sentence is not the point (nested sources inside a quote, a misplaced source), the test hands
:func:`finish` the candidates itself, so it checks the finishing logic alone.
"""
import pytest

from quotetrack.extract.candidate import Candidate
from quotetrack.extract.finish import finish
from quotetrack.nlp import BuiltinAnnotator
from quotetrack.pipeline import extract_text
from quotetrack.records import Article


def at(text, phrase, nth=0):
    """Character span of the ``nth`` occurrence of ``phrase`` in ``text``."""
    start = -1
    for _ in range(nth + 1):
        start = text.index(phrase, start + 1)
    return start, start + len(phrase)


def finished(text, candidates):
    doc = BuiltinAnnotator().annotate_one(Article("t", text))
    return finish(doc, candidates)


def by_cue(attrs):
    return {a.cue.text if a.cue else None: a for a in attrs}


def who(a):
    sp = a.speaker
    return (sp.name, sp.kind, sp.via) if sp else None


# -- first person inside a quote ------------------------------------------------------------

def test_i_inside_a_quote_is_the_quotes_speaker():
    text = 'John Smith said: "I told them that the plan would fail, and you know it."'
    quote = '"I told them that the plan would fail, and you know it."'
    attrs = by_cue(finished(text, [
        Candidate(at(text, "said"), at(text, quote), at(text, "John Smith")),
        Candidate(at(text, "told"), at(text, "that the plan would fail"), at(text, "I")),
        Candidate(at(text, "know"), at(text, "it", 1), at(text, "you")),
    ]))
    assert who(attrs["said"]) == ("John Smith", "person", "name")
    assert attrs["said"].kind == "direct"
    assert who(attrs["told"]) == ("John Smith", "person", "quote")
    assert attrs["know"].speaker is None  # a quoted "you" is whom the speaker addresses


def test_i_inside_an_indirect_report_is_nobody():
    # Only quotation marks make the words the speaker's own: no direct quote, no "I" speaker.
    text = "John Smith said that I was wrong about the plan."
    attrs = by_cue(finished(text, [
        Candidate(at(text, "said"), at(text, "that I was wrong about the plan"), at(text, "John Smith")),
        Candidate(at(text, "was wrong"), at(text, "about the plan"), at(text, "I")),
    ]))
    assert attrs["was wrong"].speaker is None


def test_first_person_outside_quotes_in_ordinary_news_is_nobody():
    attrs = extract_text("The company sold its shares. I think the price of flour will keep rising.")
    assert [(a.source.text, a.act, a.speaker) for a in attrs] == [("I", "believe", None)]


# -- the addressee is never the speaker -----------------------------------------------------

def test_told_someone_keeps_the_teller_as_speaker():
    attrs = extract_text("Smith told BBC Radio 4 that the plan would fail.")
    assert len(attrs) == 1
    assert attrs[0].source.text == "Smith"
    assert who(attrs[0]) == ("Smith", "person", "name")


def test_a_source_after_told_is_replaced_by_the_subject_before_the_cue():
    # A tagger that takes the addressee for the source: finishing puts the teller back.
    text = "John Smith told BBC Radio 4 that the plan would fail."
    [a] = finished(text, [Candidate(at(text, "told"), at(text, "that the plan would fail"),
                                    at(text, "BBC Radio 4"))])
    assert a.source.text == "John Smith"
    assert who(a) == ("John Smith", "person", "name")


# -- the speaker named after the cue --------------------------------------------------------

def test_a_speaker_after_the_cue():
    attrs = extract_text('"The shops broke the rules," says the watchdog.')
    assert [(a.cue.text, a.source.text, a.kind) for a in attrs] == [("says", "the watchdog", "direct")]
    # with no source from the tagger, finishing finds it after the cue
    text = '"The shops broke the rules," says the watchdog.'
    [a] = finished(text, [Candidate(at(text, "says"), at(text, '"The shops broke the rules,"'))])
    assert a.source.text == "the watchdog"


def test_a_spokesman_after_the_cue_speaks_for_the_company_named_before():
    text = 'Acme Industries lost the case. "We will appeal," said a spokesman for the company.'
    [a] = extract_text(text)
    assert a.source.text == "a spokesman for the company"
    sp = a.speaker
    assert (sp.name, sp.kind, sp.role, sp.via) == ("Acme Industries", "organization", "spokesman", "description")
    assert text[sp.named_start:sp.named_end] == "Acme Industries"


@pytest.mark.parametrize("text, source, name, kind, role", [
    ('"We will appeal," said the spokesman for Acme Corp.', "the spokesman for Acme Corp.",  # "Corp." keeps its abbreviation point
     "Acme Corp.", "organization", "spokesman"),
    ('"We will appeal," said a spokesman for Acme Industries.', "a spokesman for Acme Industries",
     "Acme Industries", "organization", "spokesman"),
    ('"We will appeal," said the Acme Industries spokesman.', "the Acme Industries spokesman",
     "Acme Industries", "organization", "spokesman"),
    ('"The roads are closed," said correspondent Stephen Cape.', "correspondent Stephen Cape",
     "Stephen Cape", "person", None),
])
def test_a_spokesperson_or_title_after_the_cue(text, source, name, kind, role):
    [a] = extract_text(text)
    assert a.source is not None and a.source.text == source
    assert (a.speaker.name, a.speaker.kind, a.speaker.role) == (name, kind, role)


# -- floating quotes --------------------------------------------------------------------------

def test_a_quoted_paragraph_continues_the_speaker_before_it():
    text = '"The talks went well," Jane Doe said.\n\n"We expect a deal within weeks."\n\n"Both sides want it."'
    attrs = extract_text(text)
    assert len(attrs) == 3
    first, second, third = attrs
    assert who(first) == ("Jane Doe", "person", "name")
    for a, quote in ((second, '"We expect a deal within weeks."'), (third, '"Both sides want it."')):
        assert (a.cue, a.source, a.act, a.kind, a.content.text) == (None, None, "say", "direct", quote)
        assert who(a) == ("Jane Doe", "person", "continued")
        assert a.speaker.id == first.speaker.id
    assert len({a.id for a in attrs}) == 3


def test_a_quoted_paragraph_with_nobody_before_it_is_nobodys():
    assert extract_text('The talks resume on Monday.\n\n"We expect a deal within weeks."') == []


def test_a_quoted_paragraph_far_from_the_last_speaker_is_nobodys():
    text = ('"The talks went well," Jane Doe said.\n\nThe talks resume on Monday.\n\n'
            'Officials were hopeful.\n\n"We expect a deal within weeks."')
    assert [a.content.text for a in extract_text(text)] == ['"The talks went well,"']


# -- targets -----------------------------------------------------------------------------------

def test_a_pronoun_target_is_the_person_it_refers_to():
    text = "Peter Brown lost the vote on Monday. Critics accused him of lying."
    [a] = extract_text(text)
    assert (a.act, a.target.text) == ("accuse", "him")
    ta = a.target_actor
    assert (ta.name, ta.kind, ta.via) == ("Peter Brown", "person", "pronoun")
    assert text[ta.named_start:ta.named_end] == "Peter Brown"


def test_a_pronoun_target_is_not_the_subject_of_its_own_clause():
    text = "Peter Brown lost the vote on Monday. John Smith accused him of lying."
    [a] = extract_text(text)
    assert who(a) == ("John Smith", "person", "name")
    assert a.target_actor is not None and a.target_actor.name == "Peter Brown"


def test_a_party_modifier_target_is_the_party():
    [a] = extract_text("John Smith accused Tory plans of being reckless.")
    assert (a.act, a.target.text) == ("accuse", "Tory plans")
    ta = a.target_actor
    assert (ta.name, ta.kind, ta.affiliation) == ("Conservative Party", "organization", "United Kingdom")


def test_a_thing_target_is_no_actor():
    [a] = extract_text("John Smith rejected the plans outright.")
    assert a.act == "reject" and a.target is not None
    assert a.target_actor is None


def one(text, cue, content, source=None, nth=0):
    """The attribution finishing makes of one candidate (cue, content, source phrases)."""
    [a] = [a for a in finished(text, [Candidate(at(text, cue, nth), at(text, content) if content else None,
                                                at(text, source) if source else None)])
           if a.cue is not None and a.cue.text == cue]
    return a


def target(a):
    ta = a.target_actor
    return (ta.name, ta.kind) if ta else None


BRITISH = ("Britain faces a vote on the plans. The British opposition met in London on Monday, and "
           "Jane Ross, the Liberal leader, spoke first. ")


def test_the_government_is_the_government_of_the_countrys_article():
    text = BRITISH + "Ms Ross accused the government of hiding the figures."
    a = one(text, "accused", "of hiding the figures", "Ms Ross")
    assert a.target.text == "the government"
    assert target(a) == ("United Kingdom government", "organization")
    assert a.target_actor.affiliation == "United Kingdom" and a.target_actor.via == "description"
    # "ministers" is the same government
    text = BRITISH + "Ms Ross accused ministers of hiding the figures."
    assert target(one(text, "accused", "of hiding the figures", "Ms Ross")) == (
        "United Kingdom government", "organization")


def test_the_government_of_no_clear_country_is_nobody():
    text = ("France and Germany met in Brussels. Paris and Berlin disagreed. "
            "Jane Ross accused the government of hiding the figures.")
    a = one(text, "accused", "of hiding the figures", "Jane Ross")
    assert a.target.text == "the government" and a.target_actor is None


def test_a_clause_or_a_question_after_the_object_is_not_the_target():
    text = "Jane Ross asked Mr Smith how the plan would be paid for."
    a = one(text, "asked", "how the plan would be paid for", "Jane Ross")
    assert a.target.text == "Mr Smith"
    text = "Jane Ross urged Mr Smith not to resign."
    assert one(text, "urged", "not to resign", "Jane Ross").target.text == "Mr Smith"
    # the object of "denied" is a clause: its subject is no target
    text = "Peter Brown spoke first. Jane Ross denied her plan meant she would raise taxes."
    a = one(text, "denied", "her plan meant she would raise taxes", "Jane Ross")
    assert a.target_actor is None
    text = "Jane Ross criticised the way the war was sold to the public."
    assert one(text, "criticised", None, "Jane Ross").target_actor is None


def test_a_plural_pronoun_target_is_a_body_or_a_group_never_one_person():
    text = "Peter Brown wrote to the Tories on Monday. He urged them to drop the plan."
    a = one(text, "urged", "to drop the plan", "He")
    assert target(a) == ("Conservative Party", "organization")
    text = "Peter Brown met Mary Jones on Monday. Tom Hill urged them to agree."
    assert one(text, "urged", "to agree", "Tom Hill").target_actor is None


def test_people_a_pronoun_owns_are_not_the_owner_but_his_things_are():
    text = "Peter Brown lost the vote. Critics attacked his supporters."
    assert one(text, "attacked", None, "Critics").target_actor is None
    text = "Peter Brown lost the vote. Jane Ross attacked his policies."
    assert target(one(text, "attacked", None, "Jane Ross")) == ("Peter Brown", "person")


def test_the_subject_of_a_passive_is_the_target_and_the_agent_the_speaker():
    text = "Mary Jones was criticised by the Farmers Union on Monday."
    a = one(text, "was criticised", None, "Mary Jones")
    assert (a.target.text, target(a)) == ("Mary Jones", ("Mary Jones", "person"))
    assert a.source.text == "the Farmers Union" and a.speaker.name == "Farmers Union"
    # no agent: nobody named performed it
    text = "Ministers have been asked to explain the leak. Britain and London were named."
    a = one(text, "have been asked", "to explain the leak", "Ministers")
    assert a.source is None and a.speaker is None and a.target.text == "Ministers"


def test_a_sentence_opening_question_is_aimed_at_the_main_subject():
    text = 'Peter Brown spoke on Monday. Asked whether he would resign, Mr Brown said: "No."'
    a = one(text, "Asked", "whether he would resign", None)
    assert a.act == "ask" and a.source is None
    assert a.target.text == "Mr Brown" and target(a) == ("Peter Brown", "person")


def test_several_targets_are_kept_together_and_the_first_resolved():
    text = "Peter Brown and Tom Hill spoke. Jane Ross warned Mr Brown and Mr Hill about the cuts."
    a = one(text, "warned", "about the cuts", "Jane Ross")
    assert a.target.text == "Mr Brown and Mr Hill"
    assert target(a) == ("Peter Brown", "person")


def test_the_owner_of_a_thing_is_the_target():
    text = "Mary Jones ran the council. Jane Ross praised the work of Ms Jones."
    a = one(text, "praised", None, "Jane Ross")
    assert a.target.text == "the work of Ms Jones" and target(a) == ("Mary Jones", "person")
    text = "Jane Ross dismissed the latest Tory attack."
    assert target(one(text, "dismissed", None, "Jane Ross")) == ("Conservative Party", "organization")


def test_unnamed_people_are_no_target_but_a_named_group_is():
    for phrase in ("voters", "union leaders", "the three men", "MPs"):
        text = f"Jane Ross urged {phrase} to vote."
        assert one(text, "urged", "to vote", "Jane Ross").target_actor is None, phrase
    text = "Jane Ross urged Labour MPs to vote."
    assert target(one(text, "urged", "to vote", "Jane Ross")) == ("Labour Party", "organization")
    text = "Jane Ross accused the separatists of lying."
    assert target(one(text, "accused", "of lying", "Jane Ross")) == ("separatists", "group")


def test_a_denial_answers_the_claim_made_just_before_it():
    text = ("Peter Brown has suggested the council lied about the costs. "
            "Mary Jones denied the council had lied.")
    attrs = finished(text, [Candidate(at(text, "has suggested"), at(text, "the council lied about the costs"),
                                      at(text, "Peter Brown")),
                            Candidate(at(text, "denied"), at(text, "the council had lied"), at(text, "Mary Jones"))])
    a = by_cue(attrs)["denied"]
    assert target(a) == ("Peter Brown", "person") and a.target_actor.via == "answers"
    # denying one's own doing answers nobody
    text = "Peter Brown has suggested the council lied. Mary Jones denied wanting the job."
    attrs = finished(text, [Candidate(at(text, "has suggested"), at(text, "the council lied"), at(text, "Peter Brown")),
                            Candidate(at(text, "denied"), at(text, "wanting the job"), at(text, "Mary Jones"))])
    assert by_cue(attrs)["denied"].target_actor is None


@pytest.mark.parametrize("claim, cue, content, answer, answer_cue, answer_content, answer_target, act", [
    # "rejected that idea": a rejection names the thing answered, not whom
    ("Peter Brown said judges should decide every case.", "said", "judges should decide every case",
     "Mary Jones has rejected that idea, saying it would take years.", "has rejected", None, "that idea", "reject"),
    # "countered that ...": a response names nobody at all
    ("Peter Brown insisted there had been no deal.", "insisted", "there had been no deal",
     "Mary Jones countered that two deals had been struck.", "countered", "two deals had been struck", None,
     "respond"),
])
def test_an_answer_that_names_nobody_answers_the_statement_just_before_it(
        claim, cue, content, answer, answer_cue, answer_content, answer_target, act):
    def answering(between: str):
        text = f"{claim} {between}{answer}"
        attrs = finished(text, [
            Candidate(at(text, cue), at(text, content), at(text, "Peter Brown")),
            Candidate(at(text, answer_cue), at(text, answer_content) if answer_content else None,
                      at(text, "Mary Jones"), target=at(text, answer_target) if answer_target else None)])
        return by_cue(attrs)[answer_cue]

    a = answering("")
    assert a.act == act
    assert target(a) == ("Peter Brown", "person") and a.target_actor.via == "answers"
    # a plain statement further back than the window answers nothing
    assert answering("The court sat late. It rained. The lawyers went home. ").target_actor is None


# -- interviews ----------------------------------------------------------------------------------

INTERVIEW = ("Tom Green supplies flour to bakeries. We interviewed Jane Doe about the bakery she runs.\n\n"
             "I think the price of flour will keep rising. I buy it from two mills.\n\n"
             "I believe that customers will understand. I have told them already, and I expect "
             "they will stay.")


def test_first_person_answers_in_an_interview_are_the_interviewees():
    attrs = [a for a in extract_text(INTERVIEW) if a.source is not None and a.source.text == "I"]
    beliefs = {a.cue.text: a for a in attrs if a.act == "believe"}
    assert {"think", "believe"} <= set(beliefs)
    for a in attrs:
        assert who(a) == ("Jane Doe", "person", "interviewee")
        assert INTERVIEW[a.speaker.named_start:a.speaker.named_end] == "Jane Doe"


def test_the_interviewers_we_is_not_the_interviewee():
    text = INTERVIEW + "\n\nWe asked about her plans for the winter."
    asked = [a for a in extract_text(text) if a.source is not None and a.source.text == "We"]
    assert asked and all(a.speaker is None or a.speaker.name != "Jane Doe" for a in asked)


QA_INTERVIEW = ("Baker interviews: the price of bread\n\n"
                "By Ruth Marsh\n\n"
                "Jane Doe runs a bakery in Leeds, and we interviewed her about flour.\n\n"
                "I visited your shop last week, and I think the queue was long. Why did you open a bakery?\n\n"
                "My mother baked bread, and I think I learnt everything from her.\n\n"
                "The rent has gone up. Will you stay in Leeds?\n\n"
                "I believe we will stay. I have told the landlord already.")


def test_first_person_in_a_question_is_the_interviewer_and_in_an_answer_the_interviewee():
    attrs = [a for a in extract_text(QA_INTERVIEW) if a.source is not None and a.source.text == "I"]
    question_end = QA_INTERVIEW.index("Why did you")
    asked = [a for a in attrs if a.source.start < question_end]
    answered = [a for a in attrs if a.source.start > question_end]
    assert asked and len(answered) >= 2
    for a in asked:
        assert who(a) == ("Ruth Marsh", "person", "interviewer")
        assert QA_INTERVIEW[a.speaker.named_start:a.speaker.named_end] == "Ruth Marsh"
    for a in answered:
        assert who(a) == ("Jane Doe", "person", "interviewee")


def test_first_person_in_a_question_with_no_interviewer_named_is_nobody():
    text = QA_INTERVIEW.replace("By Ruth Marsh\n\n", "")
    attrs = [a for a in extract_text(text) if a.source is not None and a.source.text == "I"]
    question_end = text.index("Why did you")
    assert any(a.source.start < question_end for a in attrs)
    for a in attrs:
        assert (a.speaker is None) if a.source.start < question_end else who(a) == ("Jane Doe", "person", "interviewee")
