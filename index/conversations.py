"""Run a conversation file (eval/conversations.yaml) and measure how follow-up questions are handled.

Schema: ``conversations: [{turns: [turn, ...]}]`` where a turn is a question of the
eval/dev.yaml schema (`q`, `answers`, `sources`, `answerable`) plus, for a question that
leans on the ones before it, ``follow_up: true`` and ``means:`` (the standalone question).

Each conversation is run twice: turn by turn with the previous turn passed along, as the
bot does, and every question alone, as before follow-ups were read. A turn is handled
right when an answerable one is answered with an expected text and an unanswerable one
gets "the articles don't say". A turn without `follow_up` after the first must never be
bent: a reading on it counts as a mistake of its own.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from index.evaluate import EvalQuestion, contains_answer, source_matches
from index.followup import Turn
from index.models import Answer


@dataclass(frozen=True)
class ConversationTurn:
    question: EvalQuestion
    follow_up: bool = False
    means: str | None = None


def is_conversation_file(path: Path) -> bool:
    """True when the YAML file holds `conversations` rather than `questions`."""
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    return isinstance(data, dict) and "conversations" in data


def load_conversations(path: Path) -> list[list[ConversationTurn]]:
    """Read a conversation file; raises ValueError naming the problem."""
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    if not isinstance(data, dict) or not isinstance(data.get("conversations"), list):
        raise ValueError(f"{path} must hold a mapping with a 'conversations' list")
    conversations = []
    for i, item in enumerate(data["conversations"]):
        turns = item.get("turns") if isinstance(item, dict) else None
        if not isinstance(turns, list) or not turns:
            raise ValueError(f"{path}: conversations[{i}] needs a non-empty 'turns' list")
        conversations.append([_turn(path, i, j, t) for j, t in enumerate(turns)])
    return conversations


def _turn(path: Path, i: int, j: int, item: Any) -> ConversationTurn:
    if not isinstance(item, dict) or not isinstance(item.get("q"), str):
        raise ValueError(f"{path}: conversations[{i}].turns[{j}] needs a 'q' string")
    question = EvalQuestion(
        item["q"],
        tuple(str(a) for a in item.get("answers") or ()),
        tuple(str(s) for s in item.get("sources") or ()),
        bool(item.get("answerable", True)),
    )
    return ConversationTurn(question, bool(item.get("follow_up", False)), item.get("means"))


def handled_right(question: EvalQuestion, answer: Answer) -> bool:
    if not question.answerable:
        return answer.abstained
    return (
        not answer.abstained
        and contains_answer(answer.text, question.answers)
        and bool(answer.citations)
        and source_matches(answer.citations[0].source, question.sources)
    )


def run_conversations(engine: Any, conversations: list[list[ConversationTurn]]) -> dict[str, Any]:
    """Every figure of the conversation report, with and without the previous turn passed along."""
    rows = []
    for turns in conversations:
        previous = None
        for position, turn in enumerate(turns):
            in_context = engine.ask(turn.question.q, previous)
            alone = engine.ask(turn.question.q)
            previous = Turn.after(in_context)
            rows.append(
                {
                    "kind": "first" if position == 0 else "follow_up" if turn.follow_up else "standalone",
                    "answerable": turn.question.answerable,
                    "right": handled_right(turn.question, in_context),
                    "right_alone": handled_right(turn.question, alone),
                    "read_as": in_context.reading.question if in_context.reading else None,
                    "q": turn.question.q,
                    "means": turn.means,
                    "answer": in_context.text,
                }
            )
    return summarise(rows)


def summarise(rows: list[dict[str, Any]]) -> dict[str, Any]:
    def share(selected: list[dict[str, Any]], key: str) -> float:
        return sum(1 for r in selected if r[key]) / len(selected) if selected else float("nan")

    follow_ups = [r for r in rows if r["kind"] == "follow_up"]
    standalone = [r for r in rows if r["kind"] == "standalone"]
    unanswerable_follow_ups = [r for r in follow_ups if not r["answerable"]]
    return {
        "conversations": sum(1 for r in rows if r["kind"] == "first"),
        "turns": len(rows),
        "follow_ups": len(follow_ups),
        "follow_ups_right": share(follow_ups, "right"),
        "follow_ups_right_without_context": share(follow_ups, "right_alone"),
        "follow_ups_read_as_follow_ups": share(follow_ups, "read_as"),
        "unanswerable_follow_ups_abstained": share(unanswerable_follow_ups, "right"),
        "standalone_turns": len(standalone),
        "standalone_right": share(standalone, "right"),
        "standalone_bent": sum(1 for r in standalone if r["read_as"]),
        "all_turns_right": share(rows, "right"),
        "all_turns_right_without_context": share(rows, "right_alone"),
        "rows": rows,
    }


def format_conversation_summary(summary: dict[str, Any], details: bool = False) -> str:
    lines = [
        f"conversations: {summary['conversations']} ({summary['turns']} turns, {summary['follow_ups']} follow-ups)"
    ]
    for key in (
        "follow_ups_right",
        "follow_ups_right_without_context",
        "follow_ups_read_as_follow_ups",
        "unanswerable_follow_ups_abstained",
        "standalone_right",
        "all_turns_right",
        "all_turns_right_without_context",
    ):
        value = summary[key]
        lines.append(f"{key:34s} {'n/a' if value != value else f'{value:.3f}'}")
    lines.append(f"{'standalone_bent':34s} {summary['standalone_bent']} of {summary['standalone_turns']}")
    if details:
        for r in summary["rows"]:
            mark = "ok " if r["right"] else "BAD"
            read = f" -> {r['read_as']!r}" if r["read_as"] else ""
            lines.append(f"  {mark} [{r['kind']}] {r['q']!r}{read} (means {r['means']!r}): {(r['answer'] or '-')[:90]}")
    return "\n".join(lines)
