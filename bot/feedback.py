"""Users' 👍/👎 on answers, kept in SQLite, and their export as questions for a person to review.

Every answer (or "the articles don't say") the bot shows is recorded by `record_answer` under a
short random id, which a front end puts in its buttons' ids (`button_id`); `rate` keeps one
verdict per user and answer, and a later rating replaces it. `export` turns the rated questions
into entries in the schema of eval/dev.yaml, and `format_export` writes them as YAML.

Privacy: user and conversation ids are stored only as sha256 hashes salted with a random value
made once per database, so the same person gets another hash in another installation and a
table of precomputed hashes of known Discord or Slack ids is of no use. Names are never stored,
and the export holds no user data at all.

Threads and processes: every call opens its own connection (cheap next to answering a question,
and calls are one per answer or click), so the store shares no connection between the bots'
worker threads and needs no lock; SQLite's WAL mode and busy timeout let `racebot feedback
export` read while a bot writes, and `BEGIN IMMEDIATE` makes each rating's read-then-write atomic.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import re
import secrets
import sqlite3
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import Enum, StrEnum
from pathlib import Path
from typing import Any

import yaml

from index.config import FeedbackSettings
from index.errors import FeedbackError
from index.models import Answer

logger = logging.getLogger(__name__)

SCHEMA_VERSION = 1  # PRAGMA user_version; a database from a newer racebot is refused, not guessed at
BUSY_TIMEOUT_S = 5.0  # how long a writer waits for another one; writes take milliseconds
# Answers nobody rated are deleted after this long when the store opens, so the file does not grow
# with every question ever asked; a button under an older answer then says it is too old to rate.
UNRATED_KEPT = timedelta(days=90)
ANSWER_ID_HEX = 16  # 64 random bits: unique in practice, and short enough for any button id
FIX_PATH = "set feedback.path in config.yaml to a writable file, or feedback.enabled: false"

SCHEMA = (
    "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    """CREATE TABLE IF NOT EXISTS answers (
        id TEXT PRIMARY KEY,             -- random, goes in the buttons' ids
        question TEXT NOT NULL,          -- as the user asked it
        answer TEXT,                     -- the quoted text, or NULL when the bot said the articles don't say
        confidence REAL NOT NULL,
        reading TEXT,                    -- a follow-up read as a question of its own ("how old is Karen Handel")
        citations TEXT NOT NULL,         -- JSON: [{n, source, title, start, end, quote}, ...]
        platform TEXT NOT NULL,          -- console, discord, slack
        conversation_hash TEXT NOT NULL, -- salted sha256 of platform and conversation id
        asked_at TEXT NOT NULL           -- ISO 8601, UTC
    )""",
    "CREATE INDEX IF NOT EXISTS answers_asked_at ON answers (asked_at)",
    """CREATE TABLE IF NOT EXISTS votes (
        answer_id TEXT NOT NULL REFERENCES answers (id) ON DELETE CASCADE,
        user_hash TEXT NOT NULL,         -- salted sha256 of platform and user id, never a name
        verdict TEXT NOT NULL CHECK (verdict IN ('good', 'bad')),
        rated_at TEXT NOT NULL,
        PRIMARY KEY (answer_id, user_hash)
    ) WITHOUT ROWID""",
)
TABLES = {"meta", "answers", "votes"}


class Verdict(StrEnum):
    GOOD = "good"
    BAD = "bad"

    @property
    def emoji(self) -> str:
        return "👍" if self is Verdict.GOOD else "👎"


class RateOutcome(Enum):
    NEW = "new"  # the user's first rating of this answer
    CHANGED = "changed"  # replaced the user's earlier, other verdict
    UNCHANGED = "unchanged"  # the same verdict again
    UNKNOWN_ANSWER = "unknown answer"  # no such answer id (never recorded, or pruned)


# Button ids: "racebot:fb:good:0123456789abcdef" (32 characters; Discord allows 100, Slack 255).
BUTTON_ID_PATTERN = r"racebot:fb:(?P<verdict>good|bad):(?P<answer_id>[0-9a-f]{16})"
_BUTTON_ID = re.compile(BUTTON_ID_PATTERN)


def button_id(verdict: Verdict | str, answer_id: str) -> str:
    """The id for the 👍 or 👎 button under an answer; `parse_button_id` reads it back."""
    return f"racebot:fb:{Verdict(verdict)}:{answer_id}"


def parse_button_id(custom_id: str) -> tuple[Verdict, str] | None:
    """(verdict, answer id) from a button id, or None when it is not one of ours."""
    match = _BUTTON_ID.fullmatch(custom_id)
    if match is None:
        return None
    return Verdict(match["verdict"]), match["answer_id"]


def _utc_now() -> datetime:
    return datetime.now(UTC)


def _timestamp(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds")  # one format, so text order is time order


@dataclass(frozen=True)
class RatedQuestion:
    """One question and the reply it got, with every user's verdict on that reply summed up."""

    question: str
    answer: str | None  # None: the bot said the articles don't say
    reading: str | None  # the follow-up question as read, standing on its own; None: read as typed
    citations: tuple[dict[str, Any], ...]
    good: int
    bad: int
    last_asked: str

    @property
    def verdict(self) -> Verdict:
        """The majority's; a tie counts as bad, since complaints are what a reviewer must see."""
        return Verdict.GOOD if self.good > self.bad else Verdict.BAD

    def entry(self) -> dict[str, Any]:
        """The question in the schema of eval/dev.yaml, as the ratings suggest; a person checks it.

        👍 on a quote: its text is the expected answer and its first citation's file the source.
        👍 on an abstention: the articles don't say (`answerable: false`).
        👎 on a quote: `answerable: false`, the claim the ratings make; a reviewer who finds the
        answer in the articles writes `answers` and `sources` instead.
        👎 on an abstention: the articles do say; `answers` and `sources` are left for the reviewer.
        """
        q = self.reading or self.question  # a follow-up as read: "how old is she" alone means nothing
        if self.verdict is Verdict.GOOD:
            if self.answer is None:
                return {"q": q, "answerable": False}
            sources = [self.citations[0]["source"]] if self.citations else []
            return {"q": q, "answers": [self.answer], "sources": sources}
        if self.answer is None:
            return {"q": q, "answers": [], "sources": []}
        return {"q": q, "answerable": False}


class FeedbackStore:
    """Answers shown and users' verdicts on them, in one SQLite file (WAL mode).

    The constructor only remembers the path; `open()` creates the folder and the schema, checks
    an existing file and raises `FeedbackError` naming the problem. Every other method opens the
    store first if needed and raises `FeedbackError` when the file cannot be used.
    """

    def __init__(self, path: Path | str, now: Callable[[], datetime] = _utc_now) -> None:
        self.path = Path(path)
        self.now = now
        self._salt: str | None = None
        self._open_lock = threading.Lock()

    # -- setup ---------------------------------------------------------------
    def open(self) -> FeedbackStore:
        """Create or check the database; idempotent. Raises FeedbackError."""
        with self._open_lock:
            if self._salt is not None:
                return self
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as e:
                raise FeedbackError(
                    f"cannot create the folder {self.path.parent} for the feedback database ({e.strerror})", FIX_PATH
                ) from None
            with self._connection() as conn:
                self._check(conn)
                conn.execute("PRAGMA journal_mode = WAL")  # persistent: stored in the file
                with self._transaction(conn):
                    version = conn.execute("PRAGMA user_version").fetchone()[0]
                    if version == 0:
                        self._create(conn)
                    elif version > SCHEMA_VERSION:
                        raise FeedbackError(
                            f"the feedback database {self.path} was made by a newer racebot (schema {version})",
                            "upgrade racebot, or " + FIX_PATH,
                        )
                    salt = conn.execute("SELECT value FROM meta WHERE key = 'salt'").fetchone()[0]
                    cutoff = _timestamp(self.now() - UNRATED_KEPT)
                    pruned = conn.execute(
                        "DELETE FROM answers WHERE asked_at < ? AND id NOT IN (SELECT answer_id FROM votes)", (cutoff,)
                    ).rowcount
            self._salt = salt  # only now is the store open: a failed commit above leaves it closed
            if pruned:
                logger.info("feedback: forgot %d unrated answers older than %d days", pruned, UNRATED_KEPT.days)
        return self

    def _check(self, conn: sqlite3.Connection) -> None:
        """Refuse a damaged file, or a database that is not ours, before writing to it."""
        status = conn.execute("PRAGMA quick_check").fetchone()[0]
        if status != "ok":
            raise sqlite3.DatabaseError(f"quick_check: {status}")
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if tables and not TABLES.issubset(tables):
            raise FeedbackError(
                f"{self.path} is not a racebot feedback database (it holds the tables {', '.join(sorted(tables))})",
                FIX_PATH,
            )

    def _create(self, conn: sqlite3.Connection) -> None:
        for statement in SCHEMA:
            conn.execute(statement)
        conn.execute("INSERT OR IGNORE INTO meta (key, value) VALUES ('salt', ?)", (secrets.token_hex(32),))
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

    @contextlib.contextmanager
    def _connection(self) -> Iterator[sqlite3.Connection]:
        """A fresh connection in autocommit mode; SQLite's errors come out as FeedbackError."""
        try:
            conn = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_S, isolation_level=None)
        except sqlite3.Error as e:
            raise FeedbackError(f"cannot open the feedback database {self.path} ({e})", FIX_PATH) from None
        try:
            conn.execute("PRAGMA foreign_keys = ON")
            yield conn
        except sqlite3.OperationalError as e:  # read-only file or folder, disk full, locked too long
            raise FeedbackError(f"cannot use the feedback database {self.path} ({e})", FIX_PATH) from None
        except sqlite3.DatabaseError as e:  # not a database, or damaged
            raise FeedbackError(
                f"the feedback database {self.path} is damaged ({e})",
                "move it aside (its ratings are lost), or " + FIX_PATH,
            ) from None
        finally:
            conn.close()

    @staticmethod
    @contextlib.contextmanager
    def _transaction(conn: sqlite3.Connection) -> Iterator[None]:
        conn.execute("BEGIN IMMEDIATE")  # take the write lock now, so a read-then-write is atomic
        try:
            yield
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")

    def _hash(self, kind: str, platform: str, value: str) -> str:
        assert self._salt is not None, "open() first"
        return hashlib.sha256(f"{self._salt}:{kind}:{platform}:{value}".encode()).hexdigest()

    # -- recording -------------------------------------------------------------
    def record_answer(self, answer: Answer, platform: str, conversation: str) -> str:
        """Keep an answer as shown on `platform` in `conversation`; returns its id for the buttons."""
        self.open()
        answer_id = secrets.token_hex(ANSWER_ID_HEX // 2)
        citations = answer.to_json()["citations"]
        with self._connection() as conn:
            conn.execute(
                "INSERT INTO answers (id, question, answer, confidence, reading, citations, platform,"
                " conversation_hash, asked_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    answer_id,
                    answer.question,
                    answer.text,
                    float(answer.confidence),
                    answer.reading.question if answer.reading else None,
                    json.dumps(citations, ensure_ascii=False),
                    platform,
                    self._hash("conversation", platform, conversation),
                    _timestamp(self.now()),
                ),
            )
        return answer_id

    def rate(self, answer_id: str, user_id: str, platform: str, verdict: Verdict | str) -> RateOutcome:
        """Record `user_id`'s verdict on an answer; a second rating by the same user replaces the first."""
        verdict = Verdict(verdict)
        self.open()
        user_hash = self._hash("user", platform, user_id)
        with self._connection() as conn, self._transaction(conn):
            if conn.execute("SELECT 1 FROM answers WHERE id = ?", (answer_id,)).fetchone() is None:
                return RateOutcome.UNKNOWN_ANSWER
            row = conn.execute(
                "SELECT verdict FROM votes WHERE answer_id = ? AND user_hash = ?", (answer_id, user_hash)
            ).fetchone()
            if row is not None and row[0] == verdict:
                return RateOutcome.UNCHANGED
            conn.execute(
                "INSERT INTO votes (answer_id, user_hash, verdict, rated_at) VALUES (?, ?, ?, ?)"
                " ON CONFLICT (answer_id, user_hash) DO UPDATE SET verdict = excluded.verdict,"
                " rated_at = excluded.rated_at",
                (answer_id, user_hash, str(verdict), _timestamp(self.now())),
            )
        return RateOutcome.NEW if row is None else RateOutcome.CHANGED

    # -- export ------------------------------------------------------------------
    def export(self, bad_only: bool = False) -> list[RatedQuestion]:
        """Every rated question with its reply, in the order first asked; `bad_only`: those with a 👎.

        Replies that are the same question, reading and answer are merged, their verdicts summed.
        A database that does not exist yet has no ratings: it is not created.
        """
        if not self.path.exists():
            return []
        self.open()
        with self._connection() as conn:
            rows = conn.execute(
                "SELECT a.question, a.answer, a.reading, a.citations, a.asked_at,"
                " SUM(v.verdict = 'good'), SUM(v.verdict = 'bad')"
                " FROM answers a JOIN votes v ON v.answer_id = a.id GROUP BY a.id ORDER BY a.asked_at, a.rowid"
            ).fetchall()
        merged: dict[tuple[str, str | None, str | None], RatedQuestion] = {}
        for question, answer, reading, citations, asked_at, good, bad in rows:
            key = (question, reading, answer)
            earlier = merged.get(key)
            merged[key] = RatedQuestion(
                question,
                answer,
                reading,
                tuple(json.loads(citations)),
                good + (earlier.good if earlier else 0),
                bad + (earlier.bad if earlier else 0),
                asked_at,
            )
        rated = list(merged.values())  # in the order first asked
        return [r for r in rated if r.bad > 0] if bad_only else rated


def open_store(settings: FeedbackSettings) -> FeedbackStore | None:
    """The configured store, opened (raises FeedbackError), or None when feedback is turned off."""
    if not settings.enabled:
        return None
    return FeedbackStore(settings.path).open()


HEADER = """\
# racebot feedback export{which}, {when}: questions people rated good or bad in chat.
# These are user ratings, not checked facts. Review every entry before adding it to a question set
# (the schema of eval/dev.yaml; `racebot eval FILE` runs one). The comment above each entry says
# what the bot replied and how it was rated; the entry is what the ratings suggest:
#   rated good, a quote                  answers: [the quote], sources: [its file]; shorten the answer
#                                        to the words that must appear
#   rated good, "the articles don't say" answerable: false
#   rated bad, a quote                   answerable: false; if the articles do say it, write answers
#                                        and sources instead
#   rated bad, "the articles don't say"  answers and sources are empty: fill them in
# No user ids or names are exported.
"""
COMMENT_QUOTE_CHARS = 160  # enough to recognise the reply; the full text is in the entry or the article


def _one_line(text: str, limit: int = COMMENT_QUOTE_CHARS) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def _comment(rated: RatedQuestion) -> str:
    if rated.answer is None:
        replied = "the articles don't say"
    else:
        source = f" [{rated.citations[0]['source']}]" if rated.citations else ""
        replied = f"“{_one_line(rated.answer)}”{source}"
    read = f"; typed as “{_one_line(rated.question)}” in a conversation" if rated.reading else ""
    return f"  # rated bad {rated.bad}, good {rated.good}; last asked {rated.last_asked}{read}; replied {replied}"


def format_export(rated: list[RatedQuestion], bad_only: bool = False, now: datetime | None = None) -> str:
    """YAML in the schema of eval/dev.yaml, one flow mapping a question, each under a comment."""
    when = _timestamp(now or _utc_now())
    lines = [HEADER.format(which=" (rated bad)" if bad_only else "", when=when).rstrip("\n")]
    if not rated:
        lines.append("questions: []")
    else:
        lines.append("questions:")
        for r in rated:
            entry = yaml.safe_dump(
                r.entry(), default_flow_style=True, sort_keys=False, allow_unicode=True, width=1_000_000
            ).strip()
            lines += [_comment(r), f"  - {entry}"]
    return "\n".join(lines) + "\n"
