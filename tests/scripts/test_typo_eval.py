"""typo_eval's misspellings: one word of the question, one edit, its first and last letters kept."""

import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "scripts"))
from typo_eval import misspelt  # noqa: E402

from index.spelling import one_edit_apart  # noqa: E402


def test_one_long_word_is_misspelt_by_one_edit():
    rng = random.Random(0)
    question = "how many candidates ran in the election"
    for _ in range(200):
        typed = misspelt(question, rng, min_letters=6)
        assert typed is not None
        changed = [(a, b) for a, b in zip(question.split(), typed.split(), strict=True) if a != b]
        assert len(changed) == 1
        ((word, typo),) = changed
        assert word in ("candidates", "election") and one_edit_apart(word, typo)
        assert (typo[0], typo[-1]) == (word[0], word[-1])


def test_a_question_without_a_long_word_is_left_out():
    assert misspelt("ossoff age", random.Random(0), min_letters=7) is None
