"""The feedback store: real SQLite files, WAL mode, one verdict per user, export in the eval schema, bad files."""

from __future__ import annotations

import hashlib
import sqlite3
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.feedback import (
    UNRATED_KEPT,
    FeedbackStore,
    RateOutcome,
    Verdict,
    button_id,
    format_export,
    parse_button_id,
)
from index.errors import FeedbackError, RacebotError
from index.evaluate import EvalQuestion, load_questions
from index.models import Answer, Citation, Reading

QUOTE = "Ossoff finished first with 48.1 percent."
CITED = Answer(
    "what share did ossoff get",
    QUOTE,
    0.8,
    (Citation(1, "003_abc.txt", "Runoff ahead", 10, 10 + len(QUOTE), QUOTE),),
)
ABSTAINED = Answer("what is ossoff's middle name", None, 0.1, (Citation(1, "000_def.txt", "Profile", 0, 5, "Jon O"),))


@pytest.fixture
def store(tmp_path: Path) -> FeedbackStore:
    return FeedbackStore(tmp_path / "state" / "feedback.sqlite3").open()


def test_the_database_is_created_on_first_use_in_wal_mode_with_a_schema_version(tmp_path: Path):
    path = tmp_path / "new" / "folder" / "feedback.sqlite3"
    store = FeedbackStore(path)
    assert not path.parent.exists()  # the constructor is cheap: nothing happens before open()
    store.open().open()  # idempotent
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.execute("PRAGMA user_version").fetchone()[0] == 1
        assert len(conn.execute("SELECT value FROM meta WHERE key = 'salt'").fetchone()[0]) == 64


def test_a_user_rates_an_answer_once_and_may_change_the_verdict(store: FeedbackStore):
    answer_id = store.record_answer(CITED, "discord", "channel-1")
    assert store.rate(answer_id, "42", "discord", Verdict.GOOD) is RateOutcome.NEW
    assert store.rate(answer_id, "42", "discord", "good") is RateOutcome.UNCHANGED
    assert store.rate(answer_id, "42", "discord", Verdict.BAD) is RateOutcome.CHANGED
    assert store.rate(answer_id, "43", "discord", Verdict.GOOD) is RateOutcome.NEW
    assert store.rate(answer_id, "42", "slack", Verdict.GOOD) is RateOutcome.NEW  # another platform, another person
    [rated] = store.export()
    assert (rated.good, rated.bad) == (2, 1)


def test_an_unknown_answer_id_is_said_so(store: FeedbackStore):
    assert store.rate("0123456789abcdef", "42", "discord", Verdict.BAD) is RateOutcome.UNKNOWN_ANSWER
    assert store.export() == []
    with pytest.raises(ValueError):
        store.rate("0123456789abcdef", "42", "discord", "meh")


def test_user_ids_are_kept_only_as_hashes_salted_per_database(tmp_path: Path):
    first, second = (FeedbackStore(tmp_path / f"{n}.sqlite3").open() for n in (1, 2))
    hashes = []
    for store in (first, second):
        store.rate(store.record_answer(CITED, "discord", "chan-1"), "314159265358979323", "discord", "bad")
        with sqlite3.connect(store.path) as conn:
            hashes += [row[0] for row in conn.execute("SELECT user_hash FROM votes")]
        raw = b"".join(p.read_bytes() for p in store.path.parent.glob(store.path.name + "*"))  # with -wal
        assert b"314159265358979323" not in raw and b"chan-1" not in raw
    unsalted = hashlib.sha256(b"discord:314159265358979323").hexdigest()
    assert len(set(hashes)) == 2 and unsalted not in hashes


def test_export_suggests_eval_questions_that_load(store: FeedbackStore, tmp_path: Path):
    good = store.record_answer(CITED, "console", "console")
    store.rate(good, "console", "console", "good")
    again = store.record_answer(CITED, "slack", "C1")  # the same question and answer again: merged
    store.rate(again, "U1", "slack", "good")
    store.rate(again, "U2", "slack", "bad")
    store.rate(store.record_answer(ABSTAINED, "console", "console"), "console", "console", "good")
    wrong = Answer("who won the runoff", QUOTE, 0.5, CITED.citations)
    store.rate(store.record_answer(wrong, "discord", "c"), "7", "discord", "bad")
    missed = Answer("how much did ossoff raise", None, 0.2)
    store.rate(store.record_answer(missed, "discord", "c"), "7", "discord", "bad")
    store.record_answer(Answer("never rated", QUOTE, 0.9, CITED.citations), "console", "console")

    rated = store.export()
    assert [r.entry() for r in rated] == [
        {"q": "what share did ossoff get", "answers": [QUOTE], "sources": ["003_abc.txt"]},
        {"q": "what is ossoff's middle name", "answerable": False},
        {"q": "who won the runoff", "answerable": False},
        {"q": "how much did ossoff raise", "answers": [], "sources": []},
    ]
    assert (rated[0].good, rated[0].bad) == (2, 1)
    text = format_export(rated, now=datetime(2026, 1, 2, tzinfo=UTC))
    assert text.startswith("# racebot feedback export, 2026-01-02T00:00:00+00:00")
    assert "These are user ratings, not checked facts. Review every entry" in text
    assert "# rated bad 1, good 0; last asked" in text and "replied “Ossoff finished first" in text
    exported = tmp_path / "rated.yaml"
    exported.write_text(text, encoding="utf-8")
    assert load_questions(exported) == [
        EvalQuestion("what share did ossoff get", (QUOTE,), ("003_abc.txt",)),
        EvalQuestion("what is ossoff's middle name", answerable=False),
        EvalQuestion("who won the runoff", answerable=False),
        EvalQuestion("how much did ossoff raise"),
    ]
    assert [r.question for r in store.export(bad_only=True)] == [
        "what share did ossoff get",  # one 👎 among the 👍 is still a complaint to look at
        "who won the runoff",
        "how much did ossoff raise",
    ]


def test_an_empty_export_loads_and_a_missing_database_is_not_created(tmp_path: Path):
    path = tmp_path / "nothing-yet.sqlite3"
    assert FeedbackStore(path).export() == [] and not path.exists()
    exported = tmp_path / "rated.yaml"
    exported.write_text(format_export([], bad_only=True), encoding="utf-8")
    assert load_questions(exported) == []


def test_ratings_from_many_threads_are_all_kept(store: FeedbackStore):
    answer_ids = [store.record_answer(CITED, "discord", f"chan-{n}") for n in range(4)]
    errors: list[BaseException] = []
    start = threading.Barrier(8)

    def rater(user: int) -> None:
        try:
            start.wait()
            for answer_id in answer_ids:
                for verdict in ("good", "bad", "bad"):  # new, changed, unchanged
                    store.rate(answer_id, str(user), "discord", verdict)
        except BaseException as e:
            errors.append(e)

    threads = [threading.Thread(target=rater, args=(user,)) for user in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    assert [(r.good, r.bad) for r in store.export()] == [(0, 32)]  # four answers, merged: same question and answer


def test_unrated_answers_are_forgotten_after_a_while(tmp_path: Path):
    now = [datetime(2026, 1, 1, tzinfo=UTC)]
    path = tmp_path / "feedback.sqlite3"
    store = FeedbackStore(path, now=lambda: now[0]).open()
    rated = store.record_answer(CITED, "console", "console")
    store.rate(rated, "console", "console", "bad")
    unrated = store.record_answer(ABSTAINED, "console", "console")
    now[0] += UNRATED_KEPT + timedelta(days=1)
    later = FeedbackStore(path, now=lambda: now[0]).open()  # pruning happens when a bot starts
    assert later.rate(unrated, "u", "console", "good") is RateOutcome.UNKNOWN_ANSWER
    assert later.rate(rated, "u", "console", "good") is RateOutcome.NEW


def test_button_ids_round_trip_and_fit_discord():
    answer_id = "0123456789abcdef"
    for verdict in Verdict:
        custom_id = button_id(verdict, answer_id)
        assert len(custom_id) <= 100 and parse_button_id(custom_id) == (verdict, answer_id)
    assert parse_button_id("racebot:fb:meh:0123456789abcdef") is None
    assert parse_button_id("someone-else:button") is None


def test_a_damaged_file_is_a_clear_error(tmp_path: Path):
    path = tmp_path / "feedback.sqlite3"
    path.write_bytes(b"this is not a database, just some bytes " * 200)
    with pytest.raises(FeedbackError, match=r"feedback database .*feedback.sqlite3 is damaged") as caught:
        FeedbackStore(path).open()
    assert isinstance(caught.value, RacebotError) and caught.value.exit_code == 1
    assert "move it aside (its ratings are lost), or set feedback.path" in caught.value.one_line()


def test_a_folder_that_cannot_be_made_is_a_clear_error(tmp_path: Path):
    blocker = tmp_path / "state"
    blocker.write_text("a file where the folder should be")
    with pytest.raises(FeedbackError, match=r"cannot create the folder .*state for the feedback database"):
        FeedbackStore(blocker / "feedback.sqlite3").open()


def test_someone_elses_database_or_a_newer_one_is_refused(tmp_path: Path):
    other = tmp_path / "other.sqlite3"
    with sqlite3.connect(other) as conn:
        conn.execute("CREATE TABLE invoices (id INTEGER)")
    with pytest.raises(FeedbackError, match="is not a racebot feedback database .*invoices"):
        FeedbackStore(other).open()
    newer = tmp_path / "newer.sqlite3"
    FeedbackStore(newer).open()
    with sqlite3.connect(newer) as conn:
        conn.execute("PRAGMA user_version = 99")
    with pytest.raises(FeedbackError, match="made by a newer racebot"):
        FeedbackStore(newer).open()


def test_a_rated_follow_up_is_exported_as_the_question_it_was_read_as(store: FeedbackStore):
    follow_up = Answer(
        "how old is she", None, 0.2, reading=Reading("how old is Karen Handel", "reading “she” as Karen Handel")
    )
    store.rate(store.record_answer(follow_up, "console", "console"), "u1", "console", Verdict.GOOD)
    (rated,) = store.export()
    assert rated.entry() == {"q": "how old is Karen Handel", "answerable": False}
    assert "typed as “how old is she” in a conversation" in format_export([rated])
