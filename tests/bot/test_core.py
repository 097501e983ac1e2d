"""The platform-neutral command core: bad input, !source memory, permissions, cooldown, errors."""

import logging
import threading

import pytest

from bot.core import CommandCore, Reply, ReplyKind, Requester
from index.config import AdminSettings, BotSettings
from index.engine import Engine

USER = Requester("u1", "chan-1")
ADMIN = Requester("boss", "chan-1", is_platform_admin=True)


@pytest.fixture
def core(hash_engine: Engine) -> CommandCore:
    return CommandCore(hash_engine, BotSettings(cooldown_seconds=0, admins=AdminSettings(role_ids=("mods",))))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("!ask", "Please ask a question"),
        ("!ask    \t  ", "Please ask a question"),
        ("!ask \x00\x07\x1b", "Please ask a question"),
        ("!ask ?!?... ¿¡", "no words in it"),
        ("!ask " + "x" * 50_000, "50,000 characters long; please keep it under 1,000"),
        ("!frobnicate now", "Unknown command `!frobnicate`"),
        ("!source 99", "no answer here yet"),
        ("!source", "no answer here yet"),
        ("!source two", "Usage: `!source N`"),
    ],
)
def test_bad_input_gets_a_clear_short_reply(core: CommandCore, text: str, expected: str):
    reply = core.handle(text, USER)
    assert reply is not None and reply.kind is ReplyKind.USAGE
    assert expected in reply.text and len(reply.text) < 200


def test_plain_chat_is_not_a_command(core: CommandCore):
    assert core.handle("hello everyone", USER) is None
    assert core.handle("!", USER) is None


def test_control_characters_are_dropped_from_a_real_question(core: CommandCore):
    reply = core.handle("!ask Who is the\x00 Democratic\x1b candidate?", USER)
    assert reply.kind in (ReplyKind.ANSWER, ReplyKind.ABSTAIN)
    assert reply.answer.question == "Who is the Democratic candidate?"


def test_a_question_in_another_language_gets_an_honest_reply(core: CommandCore):
    reply = core.handle("!ask ¿Quién ganó la elección especial?", USER)
    assert reply.kind is ReplyKind.ABSTAIN and "don't say" in reply.text


def test_source_shows_the_passage_of_the_last_answer_in_that_conversation(core: CommandCore):
    answer = core.handle("!ask Which committee has been funneling money into the election?", USER).answer
    n = len(answer.citations)
    shown = core.handle(f"!source {n}", USER)
    cited = answer.citations[n - 1]
    assert shown.kind is ReplyKind.SOURCE and cited.passage_text in shown.text
    assert cited.title in shown.text and cited.source in shown.text
    assert core.handle("!source", USER).source.n == 1
    assert "citations 1 to" in core.handle("!source 99", USER).text
    assert "no answer here yet" in core.handle("!source 1", Requester("u1", "another-channel")).text


def test_source_memory_is_bounded(hash_engine: Engine):
    core = CommandCore(hash_engine, BotSettings(cooldown_seconds=0, remembered_conversations=2))
    for channel in ("a", "b", "c"):
        core.ask("Who is the Democratic candidate?", Requester("u", channel))
    assert core.source("1", Requester("u", "a")).kind is ReplyKind.USAGE
    assert core.source("1", Requester("u", "c")).kind is ReplyKind.SOURCE


def test_cooldown_is_per_user_and_friendly(hash_engine: Engine):
    now = [100.0]
    core = CommandCore(hash_engine, BotSettings(cooldown_seconds=5), clock=lambda: now[0])
    assert core.ask("Who is the Democratic candidate?", USER).kind is not ReplyKind.REFUSED
    refused = core.ask("Who is the Democratic candidate?", USER)
    assert refused.kind is ReplyKind.REFUSED and "ask again in 5 s" in refused.text
    assert core.ask("Who is the Democratic candidate?", Requester("u2", "chan-1")).kind is not ReplyKind.REFUSED
    now[0] += 5
    assert core.ask("Who is the Democratic candidate?", USER).kind is not ReplyKind.REFUSED


def test_the_console_user_is_never_told_to_wait(hash_engine: Engine):
    from bot.console import CONSOLE_USER

    core = CommandCore(hash_engine, BotSettings(cooldown_seconds=5), clock=lambda: 100.0)
    kinds = [core.ask("Who is the Democratic candidate?", CONSOLE_USER).kind for _ in range(3)]
    assert ReplyKind.REFUSED not in kinds


def test_reindex_is_for_admins_and_reports_its_outcome(core: CommandCore):
    refused = core.handle("!reindex", USER)
    assert refused.kind is ReplyKind.REFUSED and "only the bot's admins" in refused.text
    outcomes: list[Reply] = []
    done = threading.Event()
    started = core.handle(
        "!reindex", Requester("m", "c", role_ids=frozenset({"mods"})), notify=lambda r: (outcomes.append(r), done.set())
    )
    assert started.kind is ReplyKind.NOTICE and "background" in started.text
    assert done.wait(30)
    assert outcomes[0].kind is ReplyKind.NOTICE and "5 articles" in outcomes[0].text


def test_platform_admins_can_be_turned_off(hash_engine: Engine):
    core = CommandCore(hash_engine, BotSettings(admins=AdminSettings(user_ids=("42",), platform_admins=False)))
    assert not core.is_admin(ADMIN)
    assert core.is_admin(Requester("42", "c"))


def test_a_second_reindex_while_one_runs_is_told_so(core: CommandCore, monkeypatch):
    release = threading.Event()
    real = core.engine.reindex
    monkeypatch.setattr(core.engine, "reindex", lambda: (release.wait(30), real())[1])
    done = threading.Event()
    core.reindex(ADMIN, notify=lambda r: done.set())
    assert "already running" in core.reindex(ADMIN).text
    assert core.ask("Who is the Democratic candidate?", USER).kind in (
        ReplyKind.ANSWER,
        ReplyKind.ABSTAIN,
    )  # still answering
    release.set()
    assert done.wait(30)


def test_a_failed_reindex_keeps_the_old_index_and_says_why(core: CommandCore, corpus, monkeypatch):
    for f in corpus.iterdir():
        f.unlink()
    outcomes: list[Reply] = []
    done = threading.Event()
    core.reindex(ADMIN, notify=lambda r: (outcomes.append(r), done.set()))
    assert done.wait(30)
    assert outcomes[0].kind is ReplyKind.ERROR
    assert "no readable article" in outcomes[0].text and "previous index is still in use" in outcomes[0].text
    assert core.ask("Who is the Democratic candidate?", USER).answer.citations


def test_an_internal_error_is_an_apology_with_an_incident_id(core: CommandCore, monkeypatch, caplog):
    def broken(question, previous=None):
        raise RuntimeError("secret path /etc/racebot")

    monkeypatch.setattr(core.engine, "ask", broken)
    with caplog.at_level(logging.ERROR):
        reply = core.handle("!ask Who won?", USER)
    assert reply.kind is ReplyKind.ERROR and reply.incident and reply.incident in reply.text
    assert "/etc/racebot" not in reply.text
    assert reply.incident in caplog.text and "RuntimeError" in caplog.text


def test_help_lists_every_command(core: CommandCore):
    text = core.handle("!help", USER).text
    for command in ("!ask", "!source", "!reindex", "!help"):
        assert command in text
