"""Follow-ups in the core: which previous answer a question leans on, and for how long."""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.core import CommandCore, Requester
from index.config import BotSettings
from index.followup import Turn
from index.models import Answer, Reading, ReindexReport


@dataclass
class RecordingEngine:
    """Answers every question with its own text and records the turn each one leaned on."""

    leaned_on: list[Turn | None] = field(default_factory=list)

    def ask(self, question: str, previous: Turn | None = None) -> Answer:
        self.leaned_on.append(previous)
        reading = Reading(f"{question} (read)", "reading “she” as Karen Handel") if "she" in question else None
        return Answer(question, f"About {question}.", 0.9, reading=reading)

    def reindex(self) -> ReindexReport:
        raise AssertionError("not used")


def core_at(now: list[float], minutes: float = 10) -> tuple[CommandCore, RecordingEngine]:
    engine = RecordingEngine()
    settings = BotSettings(cooldown_seconds=0, context_minutes=minutes)
    return CommandCore(engine, settings, clock=lambda: now[0]), engine


def previous_question(engine: RecordingEngine) -> str | None:
    turn = engine.leaned_on[-1]
    return None if turn is None else turn.question


def test_a_question_leans_on_the_same_users_last_answer_in_a_channel():
    now = [0.0]
    core, engine = core_at(now)
    alice, bob = Requester("alice", "chan"), Requester("bob", "chan")
    core.handle("!ask who is ossoff's opponent", alice)
    core.handle("!ask how old is she", bob)
    assert engine.leaned_on[-1] is None, "bob's question must not lean on alice's answer"
    core.handle("!ask how old is she", alice)
    assert previous_question(engine) == "who is ossoff's opponent"
    core.handle("!ask what did she do before", alice)
    assert previous_question(engine) == "how old is she (read)"  # the resolved question is what chains


def test_in_a_thread_everyone_shares_the_conversation_but_never_across_conversations():
    now = [0.0]
    core, engine = core_at(now)
    core.handle("!ask who is ossoff's opponent", Requester("alice", "thread-1", thread=True))
    core.handle("!ask how old is she", Requester("bob", "thread-1", thread=True))
    assert previous_question(engine) == "who is ossoff's opponent"
    core.handle("!ask how old is she", Requester("bob", "thread-2", thread=True))
    assert engine.leaned_on[-1] is None


def test_context_expires_after_the_configured_minutes():
    now = [0.0]
    core, engine = core_at(now, minutes=10)
    alice = Requester("alice", "console")
    core.handle("!ask who is ossoff's opponent", alice)
    now[0] += 10 * 60 - 1
    core.handle("!ask and handel?", alice)
    assert previous_question(engine) == "who is ossoff's opponent"
    now[0] += 10 * 60 + 1
    core.handle("!ask and handel?", alice)
    assert engine.leaned_on[-1] is None


def test_zero_minutes_turns_follow_ups_off():
    now = [0.0]
    core, engine = core_at(now, minutes=0)
    alice = Requester("alice", "console")
    core.handle("!ask who is ossoff's opponent", alice)
    core.handle("!ask how old is she", alice)
    assert engine.leaned_on[-1] is None


def test_the_reply_says_how_a_follow_up_was_read():
    core, _ = core_at([0.0])
    reply = core.handle("!ask how old is she", Requester("alice", "console"))
    assert reply is not None and reply.text.startswith("(reading “she” as Karen Handel)\n")
