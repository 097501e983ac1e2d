"""The platform-neutral command core: chat text in, a `Reply` out.

Discord, Slack and the console only translate their events into `Requester`
facts and a command string, call `CommandCore.handle` (from a worker thread:
answering is CPU work), and render the `Reply`. Permissions, cooldowns, input
checks, per-conversation memory for `!source` and error handling all live here,
so they behave the same everywhere and are tested once.
"""

from __future__ import annotations

import logging
import threading
import time
import unicodedata
import uuid
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, replace
from enum import Enum
from typing import Protocol, TypeVar

from bot.feedback import FeedbackStore, RateOutcome, Verdict
from bot.render import render_answer_text, render_source_text
from index.config import BotSettings
from index.errors import RacebotError
from index.followup import Turn
from index.models import Answer, Citation, ReindexReport

logger = logging.getLogger(__name__)
_T = TypeVar("_T")


class AnswerEngine(Protocol):
    """What the core needs from the answering library (see `index.engine.Engine`)."""

    def ask(self, question: str, previous: Turn | None = None) -> Answer: ...

    def reindex(self) -> ReindexReport: ...


@dataclass(frozen=True)
class Requester:
    """Facts about who sent a command and where, supplied by the front end.

    `conversation_id` scopes `!source` memory: a Discord channel, a Slack
    channel or thread, or "console". Follow-up questions lean on the last
    answer in the same `thread` (a Slack or Discord thread: every participant
    shares it) or, elsewhere, on the same user's last answer in that
    conversation. `role_ids` and `is_platform_admin` come
    from the platform (Discord roles and the Administrator permission, Slack
    workspace admin) and are only trusted as far as the config allows.
    `rate_limited` is False only for the console, whose one user may pipe in
    a whole file of questions. `platform` ("console", "discord", "slack") is
    recorded with answers and ratings, and scopes the hash of the user id.
    """

    user_id: str
    conversation_id: str
    role_ids: frozenset[str] = frozenset()
    is_platform_admin: bool = False
    rate_limited: bool = True
    platform: str = "console"
    thread: bool = False


def _context_key(who: Requester) -> str:
    """Whose previous answer a follow-up leans on: the thread's, or this user's here."""
    return who.conversation_id if who.thread else f"{who.conversation_id}/{who.user_id}"


class ReplyKind(Enum):
    ANSWER = "answer"  # a verbatim quote with citations
    ABSTAIN = "abstain"  # the articles don't say; closest sources listed
    SOURCE = "source"  # the passage behind a citation
    HELP = "help"
    NOTICE = "notice"  # status, e.g. "reindex started" or "reindex finished"
    USAGE = "usage"  # the user's input was not usable; says how to fix it
    REFUSED = "refused"  # not allowed (permissions, cooldown)
    ERROR = "error"  # internal failure; text carries an incident id only


@dataclass(frozen=True)
class SourceView:
    """The passage behind citation `n` of the conversation's last answer."""

    n: int
    citation: Citation


@dataclass(frozen=True)
class Reply:
    """What a command produced. `text` is a plain-text rendering any front end may send.

    `feedback_id` is set on an answer that can be rated: the front end puts it in its
    👍/👎 buttons' ids (`bot.feedback.button_id`) and passes it back to `CommandCore.rate`.
    """

    kind: ReplyKind
    text: str
    answer: Answer | None = None
    source: SourceView | None = None
    incident: str | None = None
    feedback_id: str | None = None


Notify = Callable[[Reply], None]

COMMANDS = ("ask", "source", "reindex", "good", "bad", "help")
RATING_OFF = "Rating answers is turned off here."


def clean_question(raw: str) -> str:
    """Drop control characters and collapse whitespace; keep every visible character."""
    kept = []
    for ch in raw:
        category = unicodedata.category(ch)
        if ch in "\t\n\r" or category in ("Zs", "Zl", "Zp"):
            kept.append(" ")
        elif category.startswith("C"):
            continue
        else:
            kept.append(ch)
    return " ".join("".join(kept).split())


def _command_and_argument(body: str) -> tuple[str, str]:
    """`ask\twho ran` -> ("ask", "who ran"): the command ends at the first whitespace of any kind."""
    parts = body.split(maxsplit=1)
    if not parts:
        return "", ""
    return parts[0].lower(), parts[1] if len(parts) > 1 else ""


class CommandCore:
    """Parses and runs `ask`, `source`, `reindex`, `good`, `bad`, `help` for any front end.

    Thread-safe: front ends call it from worker threads. `clock` is injectable
    so tests can drive the cooldown.
    """

    def __init__(
        self,
        engine: AnswerEngine,
        settings: BotSettings,
        clock: Callable[[], float] = time.monotonic,
        feedback: FeedbackStore | None = None,
    ) -> None:
        self.engine = engine
        self.settings = settings
        self.clock = clock
        self.feedback = feedback  # None: rating is turned off
        # conversation -> id of its last answer for `!good`/`!bad`; None when recording it failed
        self._rateable: OrderedDict[str, str | None] = OrderedDict()
        self._lock = threading.Lock()
        self._last_answers: OrderedDict[str, Answer] = OrderedDict()
        # context key (see `_context_key`) -> the last turn there and when it was answered, for follow-ups
        self._turns: OrderedDict[str, tuple[Turn, float]] = OrderedDict()
        self._last_asked: dict[str, float] = {}
        self._reindex_thread: threading.Thread | None = None

    @property
    def prefix(self) -> str:
        return self.settings.prefix

    # -- parsing ---------------------------------------------------------
    def handle(self, text: str, who: Requester, notify: Notify | None = None) -> Reply | None:
        """Run one chat message. Returns None when it is not a command (ignore it).

        `notify` receives later replies (the outcome of a background reindex);
        it is called from another thread.
        """
        stripped = text.strip()
        if not stripped.startswith(self.prefix):
            return None
        name, arg = _command_and_argument(stripped[len(self.prefix) :])
        if not name:
            return None
        if name == "ask":
            return self.ask(arg, who)
        if name == "source":
            return self.source(arg, who)
        if name == "reindex":
            return self.reindex(who, notify)
        if name in ("good", "bad"):
            return self.rate_last(Verdict(name), who)
        if name == "help":
            return self.help()
        shown = clean_question(name)[:30]
        return Reply(
            ReplyKind.USAGE,
            f"Unknown command `{self.prefix}{shown}`. Try `{self.prefix}help` for the list of commands.",
        )

    # -- commands ----------------------------------------------------------
    def ask(self, raw_question: str, who: Requester) -> Reply:
        """Answer a question with a verbatim quote, or say the articles don't say."""
        if len(raw_question) > self.settings.max_question_chars * 4:
            return self._too_long(len(raw_question))
        question = clean_question(raw_question)
        if not question:
            return Reply(
                ReplyKind.USAGE, f"Please ask a question, e.g. `{self.prefix}ask who is the Democratic candidate?`"
            )
        if len(question) > self.settings.max_question_chars:
            return self._too_long(len(question))
        if not any(ch.isalnum() for ch in question):
            return Reply(
                ReplyKind.USAGE,
                "That question has no words in it. Please ask in words, e.g. `who won the first round?`",
            )
        wait = self._cooldown_left(who.user_id) if who.rate_limited else 0.0
        if wait > 0:
            return Reply(ReplyKind.REFUSED, f"Easy there — you can ask again in {wait:.0f} s.")
        try:
            answer = self.engine.ask(question, self._previous_turn(who))
        except Exception:
            return self._apology("answering a question")
        with self._lock:
            self._remember(self._last_answers, who.conversation_id, answer)
            self._remember(self._turns, _context_key(who), (Turn.after(answer), self.clock()))
        kind = ReplyKind.ABSTAIN if answer.abstained else ReplyKind.ANSWER
        return self._offer_rating(Reply(kind, render_answer_text(answer, self.prefix), answer=answer), who)

    def source(self, arg: str, who: Requester) -> Reply:
        """Show the passage behind citation N (default 1) of the last answer here."""
        arg = clean_question(arg)
        if arg and not (arg.isdigit() and len(arg) <= 4):
            return Reply(ReplyKind.USAGE, f"Usage: `{self.prefix}source N`, where N is a citation number like 1 or 2.")
        n = int(arg) if arg else 1
        with self._lock:
            answer = self._last_answers.get(who.conversation_id)
        if answer is None:
            return Reply(
                ReplyKind.USAGE,
                f"There is no answer here yet. Ask one with `{self.prefix}ask QUESTION`, then `{self.prefix}source N`.",
            )
        if not answer.citations:
            return Reply(ReplyKind.USAGE, "The last answer here has no citations to show.")
        if not 1 <= n <= len(answer.citations):
            count = len(answer.citations)
            return Reply(ReplyKind.USAGE, f"The last answer has citations 1 to {count}; there is no [{n}].")
        view = SourceView(n, answer.citations[n - 1])
        return Reply(ReplyKind.SOURCE, render_source_text(view.n, view.citation), source=view)

    def reindex(self, who: Requester, notify: Notify | None = None) -> Reply:
        """Rebuild the index in the background (admins only); `notify` gets the outcome."""
        if not self.is_admin(who):
            return Reply(ReplyKind.REFUSED, "Sorry, only the bot's admins can rebuild the index.")
        with self._lock:
            if self._reindex_thread is not None and self._reindex_thread.is_alive():
                return Reply(ReplyKind.NOTICE, "A reindex is already running; I'll report when it finishes.")
            thread = threading.Thread(target=self._run_reindex, args=(notify,), name="racebot-reindex", daemon=True)
            self._reindex_thread = thread
            thread.start()
        return Reply(
            ReplyKind.NOTICE, "Rebuilding the index in the background; questions are still answered meanwhile."
        )

    def wait_for_reindex(self, timeout: float | None = None) -> None:
        """Block until a running reindex ends (console and tests)."""
        thread = self._reindex_thread
        if thread is not None:
            thread.join(timeout)

    def help(self) -> Reply:
        p = self.prefix
        text = "\n".join(
            [
                "I answer questions about the news articles I was given, quoting them word for word.",
                f"`{p}ask QUESTION` — answer with a verbatim quote and numbered citations",
                f"`{p}source [N]` — show the passage behind citation N (default 1) of the last answer here",
                f"`{p}reindex` — rebuild the index from the articles (admins only)",
                *(
                    [f"`{p}good` / `{p}bad` — rate the last answer here 👍 or 👎 (you can change your mind)"]
                    if self.feedback is not None
                    else []
                ),
                f"`{p}help` — this message",
            ]
        )
        return Reply(ReplyKind.HELP, text)

    # -- feedback --------------------------------------------------------------
    def rate_last(self, verdict: Verdict, who: Requester) -> Reply:
        """`!good` / `!bad`: rate the last answer in this conversation, as this user."""
        if self.feedback is None:
            return Reply(ReplyKind.USAGE, RATING_OFF)
        with self._lock:
            known = who.conversation_id in self._rateable
            answer_id = self._rateable.get(who.conversation_id)
        if not known:
            p = self.prefix
            return Reply(
                ReplyKind.USAGE,
                f"There is no answer here to rate yet. Ask one with `{p}ask QUESTION`, then `{p}good` or `{p}bad`.",
            )
        if answer_id is None:
            return Reply(ReplyKind.ERROR, "Sorry, I could not keep the last answer here, so it can't be rated.")
        return self.rate(answer_id, verdict, who)

    def rate(self, answer_id: str, verdict: Verdict | str, who: Requester) -> Reply:
        """Store `who`'s verdict on an answer (a 👍/👎 button's click); a second rating replaces the first.

        `answer_id` is the `feedback_id` of the answer's `Reply`. The reply is short, meant for the
        rater alone (a Discord ephemeral message, a Slack ephemeral post). A store that fails gets
        an apology with an incident id, not an exception; a verdict other than good/bad is a ValueError.
        """
        if self.feedback is None:
            return Reply(ReplyKind.USAGE, RATING_OFF)
        verdict = Verdict(verdict)
        try:
            outcome = self.feedback.rate(answer_id, who.user_id, who.platform, verdict)
        except Exception:
            return self._apology("recording a rating")
        if outcome is RateOutcome.UNKNOWN_ANSWER:
            return Reply(ReplyKind.USAGE, "I no longer have that answer, so it can't be rated.")
        text = {
            RateOutcome.NEW: f"Thanks — noted {verdict.emoji}",
            RateOutcome.CHANGED: f"Thanks — changed your rating to {verdict.emoji}",
            RateOutcome.UNCHANGED: f"You already rated this answer {verdict.emoji}",
        }[outcome]
        return Reply(ReplyKind.NOTICE, text)

    def _offer_rating(self, reply: Reply, who: Requester) -> Reply:
        """Record an answer as shown, so it can be rated; the reply then carries its `feedback_id`.

        A failing store costs the buttons, never the answer: the failure is logged and the
        answer goes out without an id.
        """
        if self.feedback is None or reply.answer is None:
            return reply
        answer_id: str | None
        try:
            answer_id = self.feedback.record_answer(reply.answer, who.platform, who.conversation_id)
        except Exception:
            logger.exception("could not record an answer for feedback; it is sent without rating buttons")
            answer_id = None  # so `!bad` cannot rate the answer before it by mistake
        with self._lock:
            self._remember(self._rateable, who.conversation_id, answer_id)
        return reply if answer_id is None else replace(reply, feedback_id=answer_id)

    # -- helpers -------------------------------------------------------------
    def _previous_turn(self, who: Requester) -> Turn | None:
        """The turn a follow-up from `who` may lean on; None once `bot.context_minutes` have passed."""
        with self._lock:
            kept = self._turns.get(_context_key(who))
        if kept is None or self.clock() - kept[1] >= self.settings.context_minutes * 60:
            return None
        return kept[0]

    def _remember(self, memory: OrderedDict[str, _T], key: str, value: _T) -> None:
        """Keep `value` under `key`, forgetting the least recently used beyond `remembered_conversations`."""
        memory[key] = value
        memory.move_to_end(key)
        while len(memory) > self.settings.remembered_conversations:
            memory.popitem(last=False)

    def is_admin(self, who: Requester) -> bool:
        admins = self.settings.admins
        if who.user_id in admins.user_ids:
            return True
        if who.role_ids & set(admins.role_ids):
            return True
        return admins.platform_admins and who.is_platform_admin

    def _cooldown_left(self, user_id: str) -> float:
        cooldown = self.settings.cooldown_seconds
        now = self.clock()
        with self._lock:
            last = self._last_asked.get(user_id)
            if last is not None and now - last < cooldown:
                return cooldown - (now - last)
            self._last_asked[user_id] = now
            if len(self._last_asked) > 10 * self.settings.remembered_conversations:
                cutoff = now - cooldown
                self._last_asked = {u: t for u, t in self._last_asked.items() if t >= cutoff}
        return 0.0

    def _too_long(self, length: int) -> Reply:
        limit = self.settings.max_question_chars
        return Reply(ReplyKind.USAGE, f"That question is {length:,} characters long; please keep it under {limit:,}.")

    def _apology(self, doing: str) -> Reply:
        incident = uuid.uuid4().hex[:8]
        logger.exception("incident %s: internal error while %s", incident, doing)
        return Reply(
            ReplyKind.ERROR,
            f"Sorry, something went wrong on my side (incident {incident}). Please try again later.",
            incident=incident,
        )

    def _run_reindex(self, notify: Notify | None) -> None:
        try:
            report = self.engine.reindex()
            reply = Reply(
                ReplyKind.NOTICE,
                f"Reindex finished in {report.seconds:.1f} s: {report.articles} articles, "
                f"{report.passages} passages ({report.reused_embeddings} embeddings reused).",
            )
        except Exception as e:  # the old index stays in use
            incident = uuid.uuid4().hex[:8]
            logger.exception("incident %s: reindex failed", incident)
            reason = e.user_message if isinstance(e, RacebotError) else f"an internal error (incident {incident})"
            reply = Reply(
                ReplyKind.ERROR, f"Reindex failed: {reason}. The previous index is still in use.", incident=incident
            )
        if notify is not None:
            try:
                notify(reply)
            except Exception:
                logger.exception("could not deliver the reindex outcome")
