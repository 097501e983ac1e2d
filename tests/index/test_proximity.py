"""How close a new name or number stands to the question's words, and "former" before them."""

import pytest

from index.proximity import proximity_features, word_positions
from index.text import tokenize, words


def features(question: str, sentence: str) -> tuple[float, float]:
    return proximity_features(word_positions(sentence), frozenset(tokenize(question)), frozenset(words(question)))


def test_a_name_right_after_the_matched_title_is_closest():
    question = "Who is Georgia's Secretary of State?"
    near, _ = features(question, "Voters cast 140,308 ballots, according to the Georgia Secretary of State Brian Kemp.")
    far, _ = features(question, "Brian Kemp, who was elected in 2010, is the Secretary of State in Georgia.")
    assert near == 1.0
    assert 0 < far < near


def test_nothing_new_or_nothing_matched_gives_zero():
    assert features("Who is Georgia's Secretary of State?", "The Secretary of State of Georgia spoke.")[0] == 0.0
    assert features("Who won the runoff?", "Brian Kemp spoke on Tuesday.")[0] == 0.0


def test_possessives_acronyms_and_stems_still_match():
    assert features("Which U.S. senators campaigned?", "U.S. Senator Johnny Isakson campaigned.")[0] == 1.0
    assert features("Who did Georgia's voters elect?", "Georgia's voters elected Karen Handel.")[0] > 0


@pytest.mark.parametrize(
    ("question", "former"),
    [
        ("Who is Georgia's Secretary of State?", 1.0),  # a former holder does not answer "who is"
        ("What office did Karen Handel hold before?", 0.0),  # the question itself looks back
        ("Who was Georgia's Secretary of State previously?", 0.0),
    ],
)
def test_former_before_the_matched_words_counts_unless_the_question_looks_back(question: str, former: float):
    sentence = "Candidates include former Georgia Secretary of State Karen Handel."
    assert features(question, sentence)[1] == former


def test_former_far_from_the_matched_words_does_not_count():
    sentence = "The former aide and documentary filmmaker spoke to voters about Georgia's Secretary of State."
    assert features("Who is Georgia's Secretary of State?", sentence)[1] == 0.0
