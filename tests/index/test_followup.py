"""Follow-up questions read against the previous turn: pronouns, ellipses, and questions left alone."""

from __future__ import annotations

import pytest
from support import SEEDS

from index.articles import load_corpus
from index.followup import NameBook, Turn, names_someone_else, read_follow_up
from index.models import Answer


@pytest.fixture(scope="module")
def names() -> NameBook:
    return NameBook(a.text for a in load_corpus(SEEDS).articles)


def turn(question: str, answer: str | None) -> Turn:
    return Turn(question, Answer(question, answer, 0.9))


OPPONENT = turn("who is ossoff's opponent in the runoff", "Ossoff will face Republican Karen Handel in the runoff.")
MONEY = turn("how much money did ossoff raise", "Ossoff raised over $8 million.")


def test_persons_and_their_pronouns_are_learned_from_the_articles(names: NameBook):
    assert names.persons["ossoff"].name == "Jon Ossoff" and names.persons["ossoff"].gender == "m"
    assert names.persons["handel"].name == "Karen Handel" and names.persons["handel"].gender != "m"
    assert "georgia" not in names.persons and "district" not in names.persons  # places are not persons


def test_a_pronoun_stands_for_the_person_the_previous_answer_brought_in(names: NameBook):
    reading = read_follow_up("how old is she", OPPONENT, names)
    assert reading is not None and reading.question == "how old is Karen Handel"
    assert reading.note == "reading “she” as Karen Handel"
    assert read_follow_up("what office did she hold before", OPPONENT, names).question == (
        "what office did Karen Handel hold before"
    )
    assert read_follow_up("did her husband vote", OPPONENT, names).question == "did Karen Handel's husband vote"


def test_a_pronoun_can_stand_for_the_person_the_previous_question_named(names: NameBook):
    assert read_follow_up("how old is he", MONEY, names).question == "how old is Jon Ossoff"
    assert read_follow_up("what did his campaign say", MONEY, names).question == "what did Jon Ossoff's campaign say"


def test_an_elliptical_question_swaps_the_subject_of_the_previous_one(names: NameBook):
    for typed in ("what about the dnc", "What about the DNC?", "and the dnc?", "the dnc too?"):
        reading = read_follow_up(typed, MONEY, names)
        assert reading is not None and reading.question.lower() == "how much money did the dnc raise", typed
    assert read_follow_up("what about handel", OPPONENT, names).question == "who is handel's opponent in the runoff"
    assert read_follow_up("what about her", MONEY, names) is None  # no "she" in that turn


def test_a_question_that_stands_on_its_own_is_never_bent(names: NameBook):
    for question in (
        "when will the runoff be held",
        "how old is ossoff",
        "did ossoff say he would win",  # the question names its own "he"
        "what about the polls in the week before the runoff and the early vote",  # too long to be an ellipsis
    ):
        assert read_follow_up(question, OPPONENT, names) is None, question
    assert read_follow_up("how old is she", None, names) is None  # no previous turn: nothing to lean on


def test_an_answer_about_someone_else_is_recognised(names: NameBook):
    about_ossoff = "Though he's never run for office before, the 30-year-old Ossoff has raised $8 million."
    assert names_someone_else("how old is she", about_ossoff, names)
    assert not names_someone_else("how old is he", about_ossoff, names)
    assert not names_someone_else("how old is ossoff", about_ossoff, names)


def test_nothing_depends_on_the_bundled_articles():
    names = NameBook(
        [
            "Mayor Maria Lopez opened the bridge. Lopez said she was proud of the city.\n\n"
            "Council member Tom Reed voted against it. Reed said he would appeal. Lopez said she welcomed it."
        ]
    )
    previous = turn("who opened the bridge", "Mayor Maria Lopez opened the bridge.")
    assert read_follow_up("what did she say", previous, names).question == "what did Maria Lopez say"
    assert read_follow_up("what about reed", turn("what did lopez say", None), names).question == "what did reed say"


def test_each_pronoun_gets_a_person_of_its_own(names: NameBook):
    previous = turn("what did trump tweet about handel", "Trump tweeted: Great job Karen Handel!")
    reading = read_follow_up("did she thank him", previous, names)
    assert reading is not None and reading.question == "did Karen Handel thank Donald Trump"
    assert reading.note == "reading “she” as Karen Handel and “him” as Donald Trump"


def test_a_swapped_subject_replaces_the_whole_name_typed():
    names = NameBook(["Candidate Bob Gray raised money. Rival Dan Moody raised less. Then Gray spoke and Moody left."])
    assert read_follow_up("and dan moody?", turn("how much did bob gray raise", None), names).question == (
        "how much did dan moody raise"
    )
    assert read_follow_up("how about moody's", turn("what is gray's plan", None), names).question == (
        "what is moody's plan"
    )


def test_a_bare_question_asks_again_about_the_previous_topic(names: NameBook):
    previous = turn("does ossoff live in the district", "Ossoff lives a mile outside the district.")
    reading = read_follow_up("why?", previous, names)
    assert reading is not None and reading.question == "why does ossoff live in the district?"
    assert reading.note == "reading this as “why: does ossoff live in the district?”"
    assert read_follow_up("by how much", MONEY, names).question == "by how much how much money did ossoff raise?"
    assert read_follow_up("why did he move", previous, names).question == "why did Jon Ossoff move"
