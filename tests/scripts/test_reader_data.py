"""How the reader's training data is augmented (chat-style questions), grouped for a step, and scored."""

import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "scripts"))
import torch  # noqa: E402
from reader_data import chat_form  # noqa: E402
from train_reader import group_loss, make_group  # noqa: E402

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


def test_a_training_group_reads_the_best_ranked_right_sentence_and_near_misses_the_reader_would_read():
    record = {
        "q": "When did the crisis begin?",
        "answerable": True,
        "sentences": ["It began in 1973.", "Prices rose.", "It began in October 1973.", "Lines grew.", "It ended."],
        "labels": [1, 0, 1, 0, 0],
        "ranks": [3, 0, 1, 2, 9],
    }
    sentences, labels = make_group(record, 3, 4, random.Random(0))
    assert labels == [1, 0, 0]
    assert sentences[0] == "It began in October 1973."  # the right sentence the ranker put higher
    assert set(sentences[1:]) <= {"Prices rose.", "Lines grew."}  # near misses within the first `read`
    unanswerable = {**record, "answerable": False, "labels": [0, 0, 0, 0, 0]}
    sentences, labels = make_group(unanswerable, 3, 4, random.Random(0))
    assert labels == [0, 0, 0] and len(set(sentences)) == 3 and "It ended." not in sentences


def test_the_none_of_them_option_weighs_an_unanswerable_groups_best_near_miss():
    """With null_option an unanswerable group costs by its best near miss: one confident near miss
    among sure ones costs far more than in the plain loss, where the pairwise BCE averages it away."""
    one_confident = torch.tensor([4.0, -6.0, -6.0, -6.0])
    none = torch.zeros(4, dtype=torch.long)
    plain, null = group_loss(one_confident, none), group_loss(one_confident, none, null_option=True)
    assert null - plain > 3.5  # about log(1 + e^4) on top
    # Nothing above 0 costs next to nothing either way, and an answerable group still chooses its right sentence.
    assert group_loss(torch.full((4,), -8.0), none, null_option=True) < 0.01
    right_first = torch.tensor([5.0, -5.0, -5.0])
    right_last = torch.tensor([-5.0, -5.0, 5.0])
    labels = torch.tensor([1, 0, 0])
    assert group_loss(right_first, labels, null_option=True) < 0.02 < group_loss(right_last, labels, null_option=True)
