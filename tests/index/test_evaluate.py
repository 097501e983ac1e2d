"""The eval's question schema and figures, disagreements included."""

from pathlib import Path

import pytest

from index.evaluate import EvalQuestion, EvalResult, format_summary, judge, load_questions, shows_disagreement
from index.models import Answer, Citation, Disagreement

FINAL = "Ossoff received 48.1 percent of the vote."
EARLY = "Ossoff had 51 percent of the vote with 97 of 210 precincts reporting."


def citation(n: int, quote: str) -> Citation:
    return Citation(n, f"00{n}_a.txt", f"Article {n}", 0, len(quote), quote)


def answer(disagrees: bool) -> Answer:
    differing = Disagreement("percent", ((1, ("48.1 percent",)), (2, ("51 percent",)))) if disagrees else None
    return Answer("q", FINAL, 0.9, (citation(1, FINAL), citation(2, EARLY)), disagreement=differing)


def test_disagreement_cases_are_read_with_their_values(tmp_path: Path):
    path = tmp_path / "q.yaml"
    path.write_text(
        'questions:\n  - {q: "ossoff vote %", answers: ["48.1"], disagree: true, values: ["48.1 percent", "51"]}\n'
        '  - {q: "ossoff age", answers: ["30-year-old"]}\n',
        encoding="utf-8",
    )
    first, second = load_questions(path)
    assert first.disagree and first.values == ("48.1 percent", "51")
    assert not second.disagree and second.values == ()


def test_values_without_disagree_are_refused(tmp_path: Path):
    path = tmp_path / "q.yaml"
    path.write_text('questions:\n  - {q: "ossoff vote %", values: ["51 percent"]}\n', encoding="utf-8")
    with pytest.raises(ValueError, match=r"questions\[0\] has 'values' but not 'disagree: true'"):
        load_questions(path)


def test_shown_means_every_value_is_in_a_quote_shown_as_differing():
    assert shows_disagreement(answer(True), ("48.1 percent", "51 PERCENT"))
    assert not shows_disagreement(answer(True), ("48.1 percent", "19.8 percent"))
    assert not shows_disagreement(answer(False), ("48.1 percent",))


def test_found_shown_and_unexpected_disagreements_are_counted():
    expected = EvalQuestion("ossoff vote %", ("48.1",), ("001",), disagree=True, values=("51 percent",))
    ordinary = EvalQuestion("ossoff age", ("48.1",), ("001",))
    abstained = Answer("q", None, 0.1, ())
    result = EvalResult(
        [
            judge(expected, answer(True), [FINAL], 1.0),
            judge(expected, answer(False), [FINAL], 1.0),
            judge(ordinary, answer(True), [FINAL], 1.0),  # a false alarm
            *(judge(ordinary, answer(False), [FINAL], 1.0) for _ in range(2)),
            judge(ordinary, abstained, [FINAL], 1.0),  # an abstention is no answer: not counted
        ]
    )
    summary = result.summary()
    assert summary["disagreements_expected"] == 2
    assert summary["disagreement_found"] == summary["disagreement_shown"] == 0.5
    assert summary["unexpected_disagreements"] == 1 and summary["unexpected_disagreement_rate"] == pytest.approx(1 / 3)
    text = format_summary(summary)
    assert "disagreement found / shown   0.500 / 0.500 of 2" in text
    assert "unexpected disagreements     1 of 3 other answers (0.333)" in text
