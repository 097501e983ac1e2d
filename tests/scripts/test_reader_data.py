"""The chat-style rewriting that the reader's training data is augmented with."""

import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "scripts"))
from reader_data import chat_form  # noqa: E402

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
