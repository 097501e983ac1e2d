"""What the reader's training data is augmented with: chat-style questions, and right sentences minus the answer."""

import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "scripts"))
from reader_data import chat_form, without_answer  # noqa: E402
from train_reader import make_group  # noqa: E402

QUESTIONS = [
    "What percentage of the vote did Ossoff get?",
    "Who is the Democratic candidate?",
    "How many people ran in the special election?",
    "What office did Karen Handel hold before?",
]


def test_chat_forms_are_lowercase_without_question_marks_and_reproducible():
    first = [chat_form(q, random.Random(7)) for q in QUESTIONS]
    assert first == [chat_form(q, random.Random(7)) for q in QUESTIONS]
    for form in first:
        assert form == form.lower() and not form.endswith("?")


def test_chat_forms_drop_question_words_and_abbreviate():
    rng = random.Random(0)
    forms = {chat_form(q, rng) for q in QUESTIONS for _ in range(40)}
    assert "office karen handel hold before" in forms or "office karen handel hold b4" in forms
    assert any("ppl" in f for f in forms) and any("%" in f for f in forms) and any("whos" in f for f in forms)
    assert any(f.startswith("how many") for f in forms)  # "how many" asks for a count: kept


def test_cutting_the_answer_keeps_the_topic_and_drops_its_lead_in():
    sentence = "The crisis began in October 1973 when OPEC proclaimed an oil embargo."
    assert (
        without_answer(sentence, ["October 1973", "October"]) == "The crisis began when OPEC proclaimed an oil embargo."
    )
    # The whole word the answer is part of goes, and a sentence that began with it starts anew.
    assert (
        without_answer("Jon Ossoff, a 30-year-old filmmaker, led the field.", ["30"])
        == "Jon Ossoff, filmmaker, led the field."
    )
    assert without_answer("The Beroida, also known as Nuda, have no tentacles.", ["The Beroida"]) == (
        "Also known as Nuda, have no tentacles."
    )


def test_no_cut_where_an_answer_would_remain_or_too_little_is_left():
    # "1973" is still there after the longest answer is cut: the sentence would still answer.
    assert without_answer("The 1973 crisis began in October 1973.", ["October 1973", "1973"]) is None
    assert without_answer("Ossoff won 48.1%.", ["48.1%"]) is None  # two words left
    assert without_answer("Handel was secretary of state.", ["Ossoff"]) is None  # no answer to cut


def test_groups_can_read_the_right_sentence_with_its_answer_cut_out_as_a_near_miss():
    record = {
        "q": "When did the crisis begin?",
        "answerable": True,
        "answers": ["October 1973"],
        "sentences": ["The crisis began in October 1973 when OPEC acted.", "Prices rose.", "Lines grew.", "It ended."],
        "labels": [1, 0, 0, 0],
        "ranks": [0, 1, 2, 3],
    }
    plain, plain_labels = make_group(record, 3, 4, random.Random(0))
    assert len(plain) == 3 and plain_labels == [1, 0, 0] and plain[0] == record["sentences"][0]
    sentences, labels = make_group(record, 3, 4, random.Random(0), cut_share=1.0)
    assert len(sentences) == 3 and labels == [1, 0, 0]  # the group keeps its size
    assert sentences[0] == record["sentences"][0] and sentences[-1] == "The crisis began when OPEC acted."
    unanswerable = {**record, "answerable": False, "labels": [0, 0, 0, 0]}
    sentences, labels = make_group(unanswerable, 3, 4, random.Random(0), cut_share=1.0)
    assert set(sentences) <= set(record["sentences"]) and labels == [0, 0, 0]
