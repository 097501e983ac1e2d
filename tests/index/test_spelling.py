"""Misspelt words are mended to the articles' own before scoring; everything else is kept as typed."""

import pytest

from index.engine import Engine
from index.followup import Turn
from index.models import Reading
from index.spelling import SpellingMender, english_words, is_english, one_edit_apart

ARTICLE = (
    "Jon Ossoff faced Karen Handel in November. Möngke Khan was not there. Newt Gingrich held the seat. "
    "Ossoff's campaign and Handel's spent millions. Eighteen candidates thus ran before the runoff."
)
NAMES = {"ossoff", "handel", "gingrich", "karen", "newt", "hansen", "hanson"}


@pytest.fixture(scope="module")
def mender() -> SpellingMender:
    return SpellingMender([ARTICLE], NAMES, english_words())


@pytest.mark.parametrize(
    ("a", "b", "apart"),
    [
        ("ossof", "ossoff", True),  # a letter left out
        ("osssoff", "ossoff", True),  # one added
        ("hendel", "handel", True),  # one changed
        ("hnadel", "handel", True),  # two neighbours swapped
        ("handle", "handel", True),
        ("hadnle", "handel", False),  # two edits
        ("ossoff", "ossoff", False),  # the same word needs no mending
        ("oss", "ossoff", False),
    ],
)
def test_one_edit_apart(a: str, b: str, apart: bool):
    assert one_edit_apart(a, b) is apart
    assert one_edit_apart(b, a) is apart


@pytest.mark.parametrize(
    ("typed", "read"),
    [
        ("ossof age", "Ossoff age"),
        ("how old is karen hendel", "how old is karen Handel"),
        ("what did Gingrch do", "what did Gingrich do"),
        ("osssoff, handell and gingrich?", "Ossoff, Handel and gingrich?"),
        ("how many canidates ran", "how many candidates ran"),  # not a name: in lowercase
        ("what happened in novermber", "what happened in november"),
        ("ossoffs age", "Ossoff age"),  # a possessive typed without its apostrophe
        ("what did mongke do", "what did möngke do"),  # the accent the articles write
    ],
)
def test_a_word_one_edit_off_is_mended(mender: SpellingMender, typed: str, read: str):
    assert mender.mend(typed) == read


@pytest.mark.parametrize(
    "typed",
    [
        "how do i handle this",  # an English word, though one swap from "Handel"
        "what did the campaign spend",  # words the articles use
        "hanssn age",  # one edit from both "hansen" and "hanson": no guessing
        "who paced the field",  # English (Webster's "pace"), though one edit from "faced"
        "what happened thurs",  # a chat spelling (Thursday), though one edit from "thus"
        "jon osof",  # "osof" is two edits from "ossoff"
        "Newr",  # too short to mend safely
        "",
    ],
)
def test_anything_else_is_kept_as_typed(mender: SpellingMender, typed: str):
    assert mender.mend(typed) == typed


@pytest.mark.parametrize(
    ("typed", "read"),
    [
        ("karen handle old job", "karen Handel old job"),  # an English word, but right after her first name
        ("Karen Handle's job", "Karen Handel's job"),
        ("how do i handle this", "how do i handle this"),
        ("is trump curious", "is trump curious"),  # "Trump Furious" is a slogan: Trump is someone's last name
        ("karen, handle it", "karen, handle it"),  # not a name when something stands between the words
    ],
)
def test_a_last_name_typed_as_an_english_word_is_mended_after_the_first_name(typed: str, read: str):
    mender = SpellingMender([ARTICLE], NAMES, english_words(), ["Karen Handel", "Donald Trump", "Trump Furious"])
    assert mender.mend(typed) == read


def test_the_english_words_come_from_the_bundled_vocabulary_and_websters():
    known = english_words()
    assert {"handle", "campaign", "election", "septicemia"} <= known
    assert "ossoff" not in known and "##s" not in known


@pytest.mark.parametrize(
    ("word", "english"),
    [("hatched", True), ("stopped", True), ("propel", True), ("primaries", True), ("endorsements", True),
     ("making", True), ("canidates", False), ("novermber", False), ("ossoff", False)],
)  # fmt: skip
def test_an_inflected_word_is_english_when_its_dictionary_form_is(word: str, english: bool):
    assert is_english(word, english_words()) is english


def test_the_engine_answers_a_misspelt_name_keeps_the_question_as_typed_and_says_how_it_read_it(real_engine: Engine):
    (query,) = real_engine.queries(["ossof age"])
    assert query.text == "Ossoff age"
    answer = real_engine.ask("ossof age")
    assert answer.question == "ossof age"
    assert answer.text is not None and "30-year-old" in answer.text
    assert answer.reading == Reading("Ossoff age", "reading “ossof” as “Ossoff”")
    assert Turn.after(answer).question == "Ossoff age"  # a follow-up leans on the mended question
    assert real_engine.ask("ossoff age").reading is None


def test_a_misspelt_follow_up_is_mended_before_it_is_read_against_the_previous_turn(real_engine: Engine):
    previous = Turn.after(real_engine.ask("how old is ossoff"))
    answer = real_engine.ask("what about handell", previous)
    assert answer.reading is not None and answer.reading.question == "how old is Handel"
    assert answer.reading.note.startswith("reading “handell” as “Handel”; ")
