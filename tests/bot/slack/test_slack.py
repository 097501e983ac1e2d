"""End to end: signed Slack requests to the real bolt app behind its WSGI adapter.

The app's `WebClient` and every `response_url` point at `FakeSlack`, a local
mock of the Web API that records what the bot posts. The engine is the real
one on the repo's seeds with the hash stand-in embedder; a few tests wrap it
(to be slow, or to fail) or swap in a tiny engine with a chosen answer.
"""

from __future__ import annotations

import json
import logging
import threading
import time
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fake_slack import BOT_ID, BOT_USER_ID, TEAM_ID, FakeSlack, Response, block_kit_problems, sign_and_post
from slack_sdk import WebClient

from bot.core import CommandCore
from bot.feedback import FeedbackStore, parse_button_id
from bot.slack.app import SlackFront
from bot.slack.front import serve_http
from bot.slack.render import escape
from index.config import Config, parse_config
from index.engine import Engine
from index.models import Answer, Citation

SEEDS = Path(__file__).resolve().parents[3] / "seeds"
SECRET = "test-signing-secret"
ADMIN = "UADMIN"
# Any of these will do; the tests take the first the engine answers.
CANDIDATES = [
    "Who will replace Tom Price?",
    "Who won the election in Georgia?",
    "Who is Karen Handel?",
    "Who is Jon Ossoff?",
]
QUESTION = CANDIDATES[0]  # for tests where the answer's content does not matter


def make_config(tmp: Path, platform_admins: bool = True, min_confidence: float = 0.0) -> Config:
    """The seeds with the hash embedder; by default the engine answers whatever its confidence."""
    return parse_config(
        {
            "corpus": {"dir": str(SEEDS)},
            "index": {"dir": str(tmp / "index")},
            "model": {"name": "hash"},
            "answer": {"min_confidence": min_confidence},
            "bot": {"cooldown_seconds": 0, "admins": {"user_ids": [ADMIN], "platform_admins": platform_admins}},
        },
        tmp,
    )


@pytest.fixture(scope="module")
def config(tmp_path_factory: pytest.TempPathFactory) -> Config:
    return make_config(tmp_path_factory.mktemp("slack"))


@pytest.fixture(scope="module")
def engine(config: Config) -> Engine:
    engine = Engine(config)
    engine.warm_up()
    return engine


@pytest.fixture(scope="module")
def question(engine: Engine) -> str:
    answered = [q for q in CANDIDATES if not engine.ask(q).abstained]
    assert answered, f"the engine abstains on all of {CANDIDATES}"
    return answered[0]


class SlowEngine:
    """The real engine, but `ask` sleeps `delay` first, and if `gated`, waits for `gate.set()`."""

    def __init__(self, engine: Engine, delay: float = 0.0, gated: bool = False) -> None:
        self.engine, self.delay = engine, delay
        self.gate = threading.Event()
        if not gated:
            self.gate.set()

    def ask(self, question: str, previous=None) -> Answer:
        self.gate.wait(10)
        time.sleep(self.delay)
        return self.engine.ask(question)

    def reindex(self) -> Any:
        return self.engine.reindex()


class FixedEngine:
    """Always gives `answer` (or raises `error`): for answers the seeds cannot produce."""

    def __init__(self, answer: Answer | None = None, error: Exception | None = None) -> None:
        self.answer, self.error = answer, error

    def ask(self, question: str, previous=None) -> Answer:
        if self.error is not None:
            raise self.error
        assert self.answer is not None
        return self.answer

    def reindex(self) -> Any:
        raise NotImplementedError


@dataclass
class Bot:
    front: SlackFront
    url: str
    slack: FakeSlack
    _events: int = 0

    def event(
        self,
        event: dict[str, Any],
        event_id: str | None = None,
        headers: dict[str, str] | None = None,
        secret: str | None = SECRET,
        timestamp: int | None = None,
    ) -> Response:
        self._events += 1
        body = {
            "token": "legacy",
            "team_id": TEAM_ID,
            "api_app_id": "A0001",
            "type": "event_callback",
            "event_id": event_id or f"Ev{self._events:04d}",
            "event_time": int(time.time()),
            "event": event,
            "authorizations": [{"team_id": TEAM_ID, "user_id": BOT_USER_ID, "is_bot": True}],
        }
        return sign_and_post(self.url, json.dumps(body), secret, timestamp=timestamp, headers=headers)

    def command(
        self, name: str, text: str = "", user: str = "U1", channel: str = "C1", response: str = "1"
    ) -> Response:
        body = urllib.parse.urlencode(
            {
                "token": "legacy",
                "team_id": TEAM_ID,
                "channel_id": channel,
                "channel_name": "general",
                "user_id": user,
                "user_name": "someone",
                "command": name,
                "text": text,
                "api_app_id": "A0001",
                "response_url": self.slack.response_url(response),
                "trigger_id": "1.2.3",
            }
        )
        return sign_and_post(self.url, body, SECRET, content_type="application/x-www-form-urlencoded")

    def click(
        self, message: dict[str, Any], action: dict[str, Any], user: str = "U1", response: str = "r1"
    ) -> Response:
        """A block_actions payload, as Slack posts it when someone clicks a button of `message`."""
        payload = {
            "type": "block_actions",
            "user": {"id": user, "username": "someone", "team_id": TEAM_ID},
            "api_app_id": "A0001",
            "token": "legacy",
            "container": {"type": "message", "message_ts": message["ts"], "channel_id": "C1", "is_ephemeral": False},
            "trigger_id": "1.2.3",
            "team": {"id": TEAM_ID, "domain": "example"},
            "channel": {"id": "C1", "name": "general"},
            "message": message,
            "response_url": self.slack.response_url(response),
            "actions": [{**action, "block_id": "racebot-rating", "action_ts": str(time.time())}],
        }
        body = urllib.parse.urlencode({"payload": json.dumps(payload)})
        return sign_and_post(self.url, body, SECRET, content_type="application/x-www-form-urlencoded")


def message(
    text: str, ts: str = "1700000000.000100", user: str = "U1", channel: str = "C1", **extra: Any
) -> dict[str, Any]:
    return {
        "type": "message",
        "channel": channel,
        "user": user,
        "text": text,
        "ts": ts,
        "channel_type": "channel",
        **extra,
    }


def mention(
    text: str, ts: str = "1700000000.000100", user: str = "U1", channel: str = "C1", **extra: Any
) -> dict[str, Any]:
    return {"type": "app_mention", "channel": channel, "user": user, "text": text, "ts": ts, **extra}


@contextmanager
def running(
    engine: Any, config: Config, admins: tuple[str, ...] = (), feedback: FeedbackStore | None = None
) -> Iterator[Bot]:
    """FakeSlack, the bolt app and its HTTP server on 127.0.0.1, all closed afterwards."""
    with FakeSlack(admins=admins) as slack:
        core = CommandCore(engine, config.bot, feedback=feedback)
        front = SlackFront(
            core, config, client=WebClient(token="xoxb-test", base_url=slack.api_url), signing_secret=SECRET
        )
        server = serve_http(front, host="127.0.0.1", port=0)
        thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
        thread.start()
        try:
            yield Bot(front, f"http://127.0.0.1:{server.server_port}/slack/events", slack)
        finally:
            server.shutdown()
            server.server_close()
            thread.join()
            front.wait_idle()
            core.wait_for_reindex(10)
            front.close()


def shown_for(answer: Answer) -> str:
    """Text that must appear in the Slack post of `answer`, whether it quotes or abstains."""
    return "The articles don't say" if answer.text is None else escape(answer.text[:60])


def everything_sent(call: Any) -> str:
    """The fallback text and every text of every block, as Slack would receive them."""
    texts = [call.params.get("text", "")]
    for block in call.params.get("blocks") or []:
        for t in [block.get("text")] if block["type"] == "section" else block.get("elements", []):
            texts.append(t["text"])
    return "\n".join(texts)


# -- request verification --------------------------------------------------------


def test_url_verification_is_answered(engine: Engine, config: Config) -> None:
    with running(engine, config) as bot:
        body = json.dumps(
            {
                "token": "legacy",
                "challenge": "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P",
                "type": "url_verification",
            }
        )
        response = sign_and_post(bot.url, body, SECRET)
    assert response.status == 200
    assert "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P" in response.body


@pytest.mark.parametrize(
    ("secret", "age"),
    [(None, 0), ("not-the-secret", 0), (SECRET, 5 * 60 + 30)],
    ids=["unsigned", "wrongly-signed", "stale"],
)
def test_unverified_requests_get_401_and_post_nothing(
    engine: Engine, config: Config, secret: str | None, age: int
) -> None:
    with running(engine, config) as bot:
        response = bot.event(message(f"!ask {QUESTION}"), secret=secret, timestamp=int(time.time()) - age)
        bot.front.wait_idle()
        assert response.status == 401
        assert bot.slack.posts() == []


# -- answering -----------------------------------------------------------------------


def test_ask_in_a_channel_is_answered_in_its_thread(engine: Engine, config: Config, question: str) -> None:
    expected = engine.ask(question)
    with running(engine, config) as bot:
        response = bot.event(message(f"!ask {question}", ts="1700000000.000200"))
        [post] = bot.slack.wait_for_posts(1)
    assert response.status == 200
    assert response.seconds < 3
    assert post.method == "chat.postMessage"
    assert post.params["channel"] == "C1"
    assert post.params["thread_ts"] == "1700000000.000200"
    assert block_kit_problems(post.params["blocks"]) == []
    assert shown_for(expected) in everything_sent(post)
    assert f"`{expected.citations[0].source}`" in everything_sent(post)


def test_mention_is_a_question_and_source_works_in_the_thread(engine: Engine, config: Config, question: str) -> None:
    with running(engine, config) as bot:
        bot.event(mention(f"<@{BOT_USER_ID}> {question}", ts="1700000000.000300"))
        bot.slack.wait_for_posts(1)
        bot.event(message("!source 1", ts="1700000000.000400", thread_ts="1700000000.000300"))
        answer, source = bot.slack.wait_for_posts(2)
    citation = engine.ask(question).citations[0]
    assert answer.params["thread_ts"] == source.params["thread_ts"] == "1700000000.000300"
    assert escape(citation.passage_text[:60]) in everything_sent(source)


def test_an_abstention_says_so_with_the_closest_sources(tmp_path: Path) -> None:
    config = make_config(tmp_path, min_confidence=1.0)
    engine = Engine(config)
    engine.warm_up()
    nonsense = "xyzzy plugh frobnicate?"
    assert engine.ask(nonsense).abstained
    with running(engine, config) as bot:
        bot.event(message(f"!ask {nonsense}"))
        [post] = bot.slack.wait_for_posts(1)
    assert "*The articles don't say.*" in everything_sent(post)
    assert post.params["text"].startswith("The articles don't say.")


def test_help_by_mention(engine: Engine, config: Config) -> None:
    with running(engine, config) as bot:
        bot.event(mention(f"<@{BOT_USER_ID}> help"))
        [post] = bot.slack.wait_for_posts(1)
    assert "!ask QUESTION" in everything_sent(post)
    assert "/ask" in everything_sent(post)


@pytest.mark.parametrize("mention_first", [True, False])
def test_a_mention_with_ask_is_answered_once(engine: Engine, config: Config, mention_first: bool) -> None:
    text = f"!ask {QUESTION} <@{BOT_USER_ID}>"
    events = [mention(text), message(text)]
    with running(engine, config) as bot:
        for event in events if mention_first else events[::-1]:
            assert bot.event(event).status == 200
        bot.front.wait_idle()
        assert len(bot.slack.posts()) == 1


def test_a_retried_delivery_is_answered_once(engine: Engine, config: Config) -> None:
    with running(engine, config) as bot:
        first = bot.event(message(f"!ask {QUESTION}"), event_id="Ev0RETRY")
        retry = bot.event(
            message(f"!ask {QUESTION}"),
            event_id="Ev0RETRY",
            headers={"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"},
        )
        bot.front.wait_idle()
        assert first.status == retry.status == 200
        assert len(bot.slack.posts()) == 1


def test_a_retry_after_a_rejected_delivery_is_answered(engine: Engine, config: Config) -> None:
    with running(engine, config) as bot:
        rejected = bot.event(message(f"!ask {QUESTION}"), event_id="Ev0CLOCK", timestamp=int(time.time()) - 3600)
        retry = bot.event(message(f"!ask {QUESTION}"), event_id="Ev0CLOCK", headers={"X-Slack-Retry-Num": "1"})
        bot.front.wait_idle()
        assert (rejected.status, retry.status) == (401, 200)
        assert len(bot.slack.posts()) == 1


@pytest.mark.parametrize(
    "event",
    [
        message(f"!ask {QUESTION}", user="UOTHERBOT", bot_id="BOTHER"),
        message(f"!ask {QUESTION}", subtype="bot_message", bot_id="BOTHER", user=None),
        message(f"!ask {QUESTION}", user=BOT_USER_ID),
        message(f"!ask {QUESTION}", user=BOT_USER_ID, bot_id=BOT_ID),
        mention(f"<@{BOT_USER_ID}> {QUESTION}", user="UOTHERBOT", bot_id="BOTHER"),
    ],
    ids=["other-bot", "bot-message", "itself", "itself-as-bot", "mention-by-bot"],
)
def test_messages_from_bots_are_ignored(engine: Engine, config: Config, event: dict[str, Any]) -> None:
    with running(engine, config) as bot:
        assert bot.event(event).status == 200
        bot.front.wait_idle()
        assert bot.slack.posts() == []


def test_ordinary_chatter_and_edits_are_ignored(engine: Engine, config: Config) -> None:
    with running(engine, config) as bot:
        bot.event(message("we should ask the bot"))
        bot.event(message("! ask with a space"))
        bot.event(
            {
                "type": "message",
                "subtype": "message_changed",
                "channel": "C1",
                "ts": "1.2",
                "message": {"user": "U1", "text": f"!ask {QUESTION}"},
            }
        )
        bot.front.wait_idle()
        assert bot.slack.posts() == []


# -- slash commands and acknowledgement time ------------------------------------------


def test_slow_answers_are_acknowledged_at_once(engine: Engine, config: Config) -> None:
    slow = SlowEngine(engine, gated=True)  # every answer waits until the gate opens
    with running(slow, config) as bot:
        # More slow questions than answering threads: the last ones queue, their acks must not.
        acks = [bot.command("/ask", QUESTION, user=f"U{i}", response=str(i)) for i in range(8)]
        released = time.perf_counter()
        slow.gate.set()
        posts = bot.slack.wait_for_posts(8)
    assert [a.status for a in acks] == [200] * 8
    assert max(a.seconds for a in acks) < 1.0  # Slack allows 3 s
    assert len(posts) == 8
    assert all(p.params["response_type"] == "in_channel" for p in posts)
    assert posts[-1].at - released < 5


def test_a_slow_message_answer_is_still_acknowledged_at_once(engine: Engine, config: Config, question: str) -> None:
    with running(SlowEngine(engine, delay=3.2), config) as bot:
        sent = time.perf_counter()
        ack = bot.event(message(f"!ask {question}"))
        [post] = bot.slack.wait_for_posts(1)
    assert ack.status == 200 and ack.seconds < 1.0  # an answer slower than Slack's 3 s...
    assert post.at - sent >= 3.2  # ...still arrives, after the ack
    assert shown_for(engine.ask(question)) in everything_sent(post)


def test_slash_source_shows_the_passage_of_the_last_answer_in_the_channel(
    engine: Engine, config: Config, question: str
) -> None:
    with running(engine, config) as bot:
        bot.command("/ask", question, channel="C7")
        bot.slack.wait_for_posts(1)
        bot.command("/source", "1", channel="C7")
        answer, source = bot.slack.wait_for_posts(2)
    assert f"Question: {question}" in everything_sent(answer)
    assert "`/source N`" in everything_sent(answer)
    assert source.params["response_type"] == "in_channel"
    assert escape(engine.ask(question).citations[0].passage_text[:60]) in everything_sent(source)


def test_slash_source_without_an_answer_is_a_private_usage_hint(engine: Engine, config: Config) -> None:
    with running(engine, config) as bot:
        bot.command("/source", "1", channel="CEMPTY")
        [post] = bot.slack.wait_for_posts(1)
    assert post.params["response_type"] == "ephemeral"
    assert "no answer here yet" in post.params["text"]


# -- reindex permissions ------------------------------------------------------------------


def test_reindex_is_refused_for_a_non_admin(engine: Engine, config: Config) -> None:
    with running(engine, config) as bot:
        bot.command("/reindex", user="U1")
        bot.event(message("!reindex", user="U1"))
        posts = bot.slack.wait_for_posts(2)  # answered concurrently: either may come first
    [slash] = [p for p in posts if p.method == "respond"]
    [text] = [p for p in posts if p.method == "chat.postMessage"]
    for post in (slash, text):
        assert "only the bot's admins" in post.params["text"]
    assert slash.params["response_type"] == "ephemeral"


def test_reindex_runs_for_an_admin_and_reports_the_outcome(engine: Engine, config: Config) -> None:
    with running(engine, config) as bot:
        ack = bot.command("/reindex", user=ADMIN)
        started, finished = bot.slack.wait_for_posts(2, timeout=30)
    assert ack.seconds < 1.0
    assert "Rebuilding the index" in started.params["text"]
    assert "Reindex finished" in finished.params["text"]
    assert finished.params["response_type"] == "ephemeral"


def test_reindex_by_message_reports_in_the_thread(engine: Engine, config: Config) -> None:
    with running(engine, config) as bot:
        bot.event(message("!reindex", user=ADMIN, ts="1700000000.000900"))
        started, finished = bot.slack.wait_for_posts(2, timeout=30)
    assert started.params["thread_ts"] == finished.params["thread_ts"] == "1700000000.000900"
    assert "Reindex finished" in finished.params["text"]


@pytest.mark.parametrize("platform_admins", [True, False])
def test_workspace_admins_count_only_if_the_config_says_so(
    engine: Engine, tmp_path: Path, platform_admins: bool
) -> None:
    config = make_config(tmp_path, platform_admins=platform_admins)
    with running(engine, config, admins=("UWSADMIN",)) as bot:
        bot.command("/reindex", user="UWSADMIN")
        first = bot.slack.wait_for_posts(1, timeout=30)[0]
        looked_up = [c for c in bot.slack.calls if c.method == "users.info"]
    assert ("Rebuilding the index" in first.params["text"]) is platform_admins
    assert len(looked_up) == (1 if platform_admins else 0)


# -- manners: mentions, errors, size limits ------------------------------------------------


def citation(n: int, quote: str, passage: str | None = None) -> Citation:
    passage = passage if passage is not None else quote
    return Citation(n, f"{n:03d}_x.txt", f"Article {n}", 0, len(quote), quote, 0, len(passage), passage)


def test_mentions_in_a_quoted_answer_notify_nobody(config: Config) -> None:
    quote = "Organisers wrote <!everyone> <!channel> <!here> and <@U0CEO> <!subteam^S0PRESS|@press> to join."
    engine = FixedEngine(Answer("q", quote, 0.9, (citation(1, quote),)))
    with running(engine, config) as bot:
        bot.event(message("!ask who was invited?"))
        bot.slack.wait_for_posts(1)  # the answer must exist before !source asks for it
        bot.event(message("!source 1", ts="1700000000.000500", thread_ts="1700000000.000100"))
        posts = bot.slack.wait_for_posts(2)
    for post in posts:
        sent = everything_sent(post)
        assert "<!" not in sent and "<@" not in sent
        assert "&lt;!channel&gt;" in sent  # still shown, as text


def test_an_engine_failure_gets_an_apology_with_an_incident_id(
    config: Config, caplog: pytest.LogCaptureFixture
) -> None:
    engine = FixedEngine(error=RuntimeError("disk /secret/path exploded"))
    with caplog.at_level(logging.ERROR), running(engine, config) as bot:
        bot.event(message(f"!ask {QUESTION}"))
        [post] = bot.slack.wait_for_posts(1)
    assert "incident" in post.params["text"]
    assert "/secret/path" not in everything_sent(post)
    assert "disk /secret/path exploded" in caplog.text  # the traceback goes to the log


def test_a_failure_in_the_adapter_gets_an_apology_too(
    engine: Engine, config: Config, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    with caplog.at_level(logging.ERROR), running(engine, config) as bot:
        monkeypatch.setattr(bot.front.core, "handle", lambda *a, **k: 1 / 0)
        bot.event(message(f"!ask {QUESTION}"))
        [post] = bot.slack.wait_for_posts(1)
    incident = post.params["text"].split("incident ")[1][:8]
    assert f"incident {incident}" in caplog.text
    assert "ZeroDivisionError" in caplog.text


def test_a_very_long_passage_stays_within_block_kit_limits(config: Config) -> None:
    sentence = "The count & recount <went> on through the night, precinct by precinct. "
    quote = sentence * 60  # ~4,300 characters, more than one section
    passage = "\n\n".join([sentence * 40] * 60)  # ~175,000 characters, more than 50 sections
    engine = FixedEngine(Answer("q", quote, 0.9, (citation(1, quote, passage), citation(2, "x"))))
    with running(engine, config) as bot:
        bot.event(message("!ask how did the count go?"))
        bot.slack.wait_for_posts(1)  # the answer must exist before !source asks for it
        bot.event(message("!source 1", ts="1700000000.000600", thread_ts="1700000000.000100"))
        bot.front.wait_idle()
        posts = bot.slack.posts()
    assert [p.result["ok"] for p in posts] == [True, True]  # the fake rejects what Slack would
    assert all(block_kit_problems(p.params["blocks"]) == [] for p in posts)
    assert all(len(p.params["text"]) <= 3000 for p in posts)
    assert len(posts[1].params["blocks"]) == 50
    assert "more characters not shown" in everything_sent(posts[1])


def test_answers_get_rating_buttons_and_a_click_is_acknowledged_stored_and_changeable(
    engine: Engine, config: Config, tmp_path: Path
) -> None:
    store = FeedbackStore(tmp_path / "feedback.sqlite3").open()
    with running(engine, config, feedback=store) as bot:
        bot.event(message(f"!ask {QUESTION}"))
        (answer,) = bot.slack.wait_for_posts(1)
        (actions,) = [b for b in answer.params["blocks"] if b["type"] == "actions"]
        good, bad = actions["elements"]
        assert [parse_button_id(b["action_id"])[0].value for b in (good, bad)] == ["good", "bad"]
        assert block_kit_problems(answer.params["blocks"]) == []
        shown = {"type": "message", "ts": "1700000000.000200", "thread_ts": "1700000000.000100"}
        first = bot.click({**shown, "blocks": answer.params["blocks"]}, bad, response="r1")
        bot.slack.wait_for_posts(2)  # a person's second click comes after the first one's confirmation
        second = bot.click({**shown, "blocks": answer.params["blocks"]}, good, response="r2")
        posts = bot.slack.wait_for_posts(3)
    assert (first.status, second.status) == (200, 200)
    assert max(first.seconds, second.seconds) < 1.0  # acknowledged at once; Slack allows 3 s
    confirmations = {p.params["url"]: p.params for p in posts[1:]}
    assert confirmations["/respond/r1"]["text"] == "Thanks — noted 👎"
    assert confirmations["/respond/r2"]["text"] == "Thanks — changed your rating to 👍"
    assert all(c["response_type"] == "ephemeral" and c["replace_original"] is False for c in confirmations.values())
    (rated,) = store.export()
    assert (rated.good, rated.bad) == (1, 0) and rated.question == QUESTION


def test_a_follow_up_in_a_thread_is_read_against_the_previous_answer(engine: Engine, config: Config) -> None:
    with running(engine, config) as bot:
        bot.event(message("!ask how much money did ossoff raise", ts="1700000000.000100"))
        bot.slack.wait_for_posts(1)
        # Someone else replies in that thread: the bot answers in it, and reads the question against it.
        bot.event(message("!ask what about the dnc", ts="1700000000.000300", user="U2", thread_ts="1700000000.000100"))
        bot.event(message("!ask what about the dnc", ts="1700000000.000400", user="U2"))  # a new thread: alone
        posts = bot.slack.wait_for_posts(3)
    follow_up = next(p for p in posts if p.params.get("thread_ts") == "1700000000.000100" and p is not posts[0])
    alone = next(p for p in posts if p.params.get("thread_ts") == "1700000000.000400")
    assert "reading this as “how much money did the dnc raise”" in everything_sent(follow_up)
    assert "$2 million" in everything_sent(follow_up)
    assert "reading this as" not in everything_sent(alone)
