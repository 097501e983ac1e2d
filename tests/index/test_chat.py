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
        ("ossoff gf school", "ossoff girlfriend school"),
        ("where was handel tues morning", "where was handel Tuesday morning"),
        ("trump margin in nov", "trump margin in November"),
        ("why doesnt he live there", "why doesn't he live there"),
        ("celeb in the ad", "celebrity in the ad"),
        ("raised 8 mil", "raised 8 million"),
        ("hw many ran b/c of trump", "how many ran because of trump"),
        ("handel prev job", "handel previous job"),
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
        "Who sat in the Senate in May?",  # "sat", "may" (and "sun", "wed", "mar") are words, not short forms
        "",
    ],
)
def test_well_formed_questions_pass_unchanged(question: str):
    assert normalise_chat(question) == question


def test_the_engine_scores_the_spelled_out_question_and_answers_with_the_typed_one(real_engine: Engine):
    (query,) = real_engine.queries(["whats the dccc"])
    assert query.text == "what is the dccc (Democratic Congressional Campaign Committee)"
    answer, scored = real_engine.ask_explained("whats the dccc")
    assert scored.query.text == query.text and answer.question == "whats the dccc"
    assert answer.text is not None and "Democratic Congressional Campaign Committee" in answer.text
