"""The command core's ratings: `!good` / `!bad`, the buttons' `rate`, and a feedback store that breaks."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from bot.core import CommandCore, ReplyKind, Requester
from bot.feedback import FeedbackStore, button_id
from index.config import BotSettings
from index.engine import Engine

ALICE = Requester("alice", "chan-1", platform="discord")
BOB = Requester("bob", "chan-1", platform="discord")
QUESTION = "Which committee has been funneling money into the election?"


@pytest.fixture
def store(tmp_path: Path) -> FeedbackStore:
    return FeedbackStore(tmp_path / ".racebot" / "feedback.sqlite3").open()


@pytest.fixture
def core(hash_engine: Engine, store: FeedbackStore) -> CommandCore:
    return CommandCore(hash_engine, BotSettings(cooldown_seconds=0), feedback=store)


def test_an_answer_is_recorded_and_carries_the_id_its_buttons_need(core: CommandCore, store: FeedbackStore):
    reply = core.handle(f"!ask {QUESTION}", ALICE)
    assert reply.kind is ReplyKind.ANSWER and reply.feedback_id and len(button_id("bad", reply.feedback_id)) <= 100
    abstained = core.handle("!ask ¿Quién ganó la elección especial?", ALICE)
    assert abstained.kind is ReplyKind.ABSTAIN and abstained.feedback_id not in (None, reply.feedback_id)
    assert core.handle("!source", ALICE).feedback_id is None  # only answers are rated


def test_good_and_bad_rate_the_last_answer_here_once_per_user(core: CommandCore, store: FeedbackStore):
    assert "no answer here to rate yet" in core.handle("!bad", ALICE).text
    core.handle(f"!ask {QUESTION}", ALICE)
    assert core.handle("!bad", ALICE).text == "Thanks — noted 👎"
    assert core.handle("!bad", ALICE).text == "You already rated this answer 👎"
    assert core.handle("!good", ALICE).text == "Thanks — changed your rating to 👍"
    assert core.handle("!bad extra words", BOB).text == "Thanks — noted 👎"  # someone else in the channel
    assert "no answer here to rate yet" in core.handle("!good", Requester("alice", "chan-2")).text
    [rated] = store.export()
    assert (rated.question, rated.good, rated.bad) == (QUESTION, 1, 1)


def test_the_buttons_rate_by_answer_id_even_after_newer_answers(core: CommandCore, store: FeedbackStore):
    first = core.handle(f"!ask {QUESTION}", ALICE).feedback_id
    core.handle("!ask Who is the Democratic candidate?", ALICE)
    reply = core.rate(first, "bad", BOB)
    assert (reply.kind, reply.text) == (ReplyKind.NOTICE, "Thanks — noted 👎")
    assert core.rate(first, "good", BOB).text == "Thanks — changed your rating to 👍"
    assert [(r.question, r.good) for r in store.export()] == [(QUESTION, 1)]
    unknown = core.rate("0123456789abcdef", "good", BOB)
    assert unknown.kind is ReplyKind.USAGE and "no longer have that answer" in unknown.text


def test_help_lists_good_and_bad_only_when_rating_is_on(core: CommandCore, hash_engine: Engine):
    assert "`!good` / `!bad` — rate the last answer here" in core.handle("!help", ALICE).text
    off = CommandCore(hash_engine, BotSettings(cooldown_seconds=0))
    assert "!good" not in off.handle("!help", ALICE).text
    off.handle(f"!ask {QUESTION}", ALICE)
    assert off.handle("!good", ALICE).text == "Rating answers is turned off here."
    assert off.ask(QUESTION, ALICE).feedback_id is None


def test_a_store_that_breaks_while_running_costs_the_buttons_never_the_answer(
    core: CommandCore, store: FeedbackStore, caplog
):
    rateable = core.handle(f"!ask {QUESTION}", ALICE).feedback_id
    for part in store.path.parent.glob(store.path.name + "*"):
        part.unlink()
    store.path.write_bytes(b"overwritten by something else " * 500)
    with caplog.at_level(logging.ERROR):
        rated = core.rate(rateable, "bad", ALICE)
        assert rated.kind is ReplyKind.ERROR and rated.incident and rated.incident in rated.text
        assert str(store.path) not in rated.text and "FeedbackError" in caplog.text and rated.incident in caplog.text
        answered = core.handle(f"!ask {QUESTION}", ALICE)
    assert answered.kind is ReplyKind.ANSWER and answered.feedback_id is None and "[1]" in answered.text
    assert "could not record an answer for feedback" in caplog.text
    unrateable = core.handle("!bad", ALICE)  # not the answer before it, by mistake
    assert unrateable.kind is ReplyKind.ERROR and "could not keep the last answer here" in unrateable.text
