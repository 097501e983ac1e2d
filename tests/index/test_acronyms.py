"""Acronyms the articles only write in full are spelled out before a question is scored."""

from index.acronyms import AcronymExpander, long_forms
from index.engine import Engine

ARTICLE = [
    "The Democratic Congressional Campaign Committee has been funneling money into the race.",
    "Georgia Secretary of State Brian Kemp counted the ballots.",
    "Handel told USA Today she was confident.",
]


def test_long_forms_come_from_runs_of_capitalised_words():
    forms = long_forms(ARTICLE)
    assert forms["DCCC"] == "Democratic Congressional Campaign Committee"
    assert forms["GSSBK"] == "Georgia Secretary State Brian Kemp"  # "of" may sit inside a name
    assert "DC" not in forms  # too short to expand safely


def test_an_acronym_the_articles_only_write_in_full_is_spelled_out():
    expander = AcronymExpander(ARTICLE)
    assert expander.expand("What is the DCCC?") == "What is the DCCC (Democratic Congressional Campaign Committee)?"


def test_other_acronyms_are_left_alone():
    expander = AcronymExpander(ARTICLE + ["The GOP field split among 11 candidates."])
    assert expander.expand("What did the GOP say?") == "What did the GOP say?"  # the articles use it themselves
    assert expander.expand("Was the NRA involved?") == "Was the NRA involved?"  # no long form to be found
    assert expander.expand("What did USA Today report?") == "What did USA Today report?"  # a word of the articles
    assert expander.expand("what did the cat say") == "what did the cat say"  # reads as a word


def test_a_lowercase_acronym_typed_in_chat_is_spelled_out():
    expander = AcronymExpander(ARTICLE)
    assert expander.expand("whats the dccc") == "whats the dccc (Democratic Congressional Campaign Committee)"
    assert expander.expand("handel told usa today") == "handel told usa today"  # words the articles use


def test_a_spelled_out_acronym_finds_its_answer_and_the_question_stays_as_asked(real_engine: Engine):
    answer = real_engine.ask("What is the DCCC?")  # the articles never write "DCCC"
    assert answer.question == "What is the DCCC?"
    assert answer.text is not None and "Democratic Congressional Campaign Committee" in answer.text
