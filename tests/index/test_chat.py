"""Chat spellings are read before a question is scored; well-formed questions pass unchanged."""

import pytest

from index.chat import normalise_chat
from index.engine import Engine


@pytest.mark.parametrize(
    ("typed", "read"),
    [
        ("whats the dccc", "what is the dccc"),
        ("how many ppl ran", "how many people ran"),
        ("what % did handel get", "what percent did handel get"),
        ("who r the republicans", "who are the republicans"),
        ("Whos the DNC chair", "who is the DNC chair"),
        ("ossoff & handel", "ossoff and handel"),
        ("has ossoff run b4", "has ossoff run before"),
        ("trump w/ handel", "trump with handel"),
        ("how many of the eighteen ran", "how many of the eighteen (18) ran"),
    ],
)
def test_chat_spellings_are_spelled_out(typed: str, read: str):
    assert normalise_chat(typed) == read


@pytest.mark.parametrize(
    "question",
    [
        "Who is Georgia's Secretary of State?",
        "How much did Ossoff raise, $8 million?",
        "What did the U.S. House say?",
        "",
    ],
)
def test_well_formed_questions_pass_unchanged(question: str):
    assert normalise_chat(question) == question


def test_a_chat_question_is_answered_and_keeps_its_wording(real_engine: Engine):
    answer = real_engine.ask("how many ppl ran")
    assert answer.question == "how many ppl ran"
    assert answer.text is not None and "18" in answer.text
