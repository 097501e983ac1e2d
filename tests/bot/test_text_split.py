"""The one text splitter both renderers use: parts fit the measure, cuts fall on boundaries."""

from bot.text_split import split_text


def test_short_text_is_one_part_and_empty_text_none():
    assert split_text("  One sentence.  ", 100) == ["One sentence."]
    assert split_text("   ", 100) == []


def test_cuts_prefer_paragraphs_then_sentences_then_words():
    assert split_text("First paragraph here.\n\nSecond paragraph here.", 30) == [
        "First paragraph here.",
        "Second paragraph here.",
    ]
    assert split_text("Ossoff led the field. Handel came second! Was it close? Yes.", 45) == [
        "Ossoff led the field. Handel came second!",
        "Was it close? Yes.",
    ]
    parts = split_text("word " * 30, 22)
    assert all(len(p) <= 22 and not p.startswith(" ") for p in parts)
    assert " ".join(parts).split() == ["word"] * 30


def test_an_unbroken_run_is_cut_hard_but_never_after_a_backslash():
    assert [len(p) for p in split_text("x" * 25, 10)] == [10, 10, 5]
    parts = split_text("a" * 9 + "\\*" + "b" * 10, 10)
    assert parts[0] == "a" * 9 and parts[1].startswith("\\*")


def test_the_measure_decides_what_fits():
    def escaped_length(piece: str) -> int:
        return len(piece.replace("&", "&amp;"))

    parts = split_text("&" * 100, 50, escaped_length)
    assert all(escaped_length(p) <= 50 for p in parts) and "".join(parts) == "&" * 100
