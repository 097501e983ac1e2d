"""The conversation eval: the file schema, and follow-ups measured with and without the previous turn."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from index.conversations import format_conversation_summary, load_conversations, run_conversations
from index.engine import Engine

CONVERSATIONS = {
    "conversations": [
        {
            "turns": [
                {"q": "how much money did ossoff raise", "answers": ["$8 million"], "sources": ["000"]},
                {"q": "what about the dnc", "answers": ["$2 million"], "sources": ["003"], "follow_up": True},
                {"q": "when will the runoff be held", "answers": ["June 20"], "sources": ["000", "001", "002"]},
            ]
        }
    ]
}


def test_a_conversation_file_is_read_and_bad_ones_are_named(tmp_path: Path):
    good = tmp_path / "c.yaml"
    good.write_text(yaml.safe_dump(CONVERSATIONS))
    (turns,) = load_conversations(good)
    assert [t.follow_up for t in turns] == [False, True, False] and turns[1].question.answers == ("$2 million",)
    bad = tmp_path / "bad.yaml"
    bad.write_text(yaml.safe_dump({"conversations": [{"turns": []}]}))
    with pytest.raises(ValueError, match=r"conversations\[0\] needs a non-empty 'turns' list"):
        load_conversations(bad)
    bad.write_text(yaml.safe_dump({"questions": []}))
    with pytest.raises(ValueError, match="must hold a mapping with a 'conversations' list"):
        load_conversations(bad)


def test_follow_ups_are_counted_with_and_without_context(hash_engine: Engine, tmp_path: Path):
    path = tmp_path / "c.yaml"
    path.write_text(yaml.safe_dump(CONVERSATIONS))
    summary = run_conversations(hash_engine, load_conversations(path))
    assert (summary["conversations"], summary["turns"], summary["follow_ups"]) == (1, 3, 1)
    follow_up = next(r for r in summary["rows"] if r["kind"] == "follow_up")
    assert follow_up["read_as"] == "how much money did the dnc raise"
    assert summary["follow_ups_read_as_follow_ups"] == 1.0 and summary["standalone_bent"] == 0
    text = format_conversation_summary(summary, details=True)
    assert "follow_ups_right_without_context" in text and "-> 'how much money did the dnc raise'" in text
