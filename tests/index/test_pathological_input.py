"""Text built to make regular expressions backtrack is handled, not hung on.

Each case runs in a child process with a generous limit: the fixed code takes
milliseconds, the code these tests guard against took hours (an exponential
title pattern) or minutes (a splitter that rescanned the article from its
start at every full stop),
so only a regression, not a slow machine, fails them.
"""

import subprocess
import sys

import pytest

LIMIT_SECONDS = 60

CASES = {
    "a long capitalised run after a quote mark, as a candidate sentence": (
        "from index.kinds import ANSWER_KINDS, has_answer_kind\n"
        "text = '\"' + 'A' * 1000 + ' x'\n"
        "assert not any(has_answer_kind(text, kind, frozenset()) for kind in ('outlet', 'office'))\n"
        "for kind in ANSWER_KINDS:\n"
        "    has_answer_kind(text, kind, frozenset())\n"
    ),
    "runs of dotted initials and of digits with commas": (
        "from index.kinds import ANSWER_KINDS, has_answer_kind\n"
        "for text in ('U.S.' * 50_000, '1,' * 50_000):\n"
        "    for kind in ANSWER_KINDS:\n"
        "        has_answer_kind(text, kind, frozenset())\n"
    ),
    "the values a long run of numbers states, of every kind (index/disagreement.py)": (
        "from index.kinds import VALUE_KINDS, stated_values\n"
        "for text in ('U.S.' * 50_000, '1,' * 50_000, '1 ' * 50_000, '$' * 50_000 + '1', '9' * 50_000 + ' dollars'):\n"
        "    for kind in VALUE_KINDS:\n"
        "        stated_values(text, kind, 'how many candidates ran')\n"
    ),
    "a megabyte-long article split into sentences": (
        "from index.splitter import sentence_spans\n"
        "text = 'Ossoff said the race is close. ' * 33_000\n"
        "assert len(sentence_spans(text)) == 33_000\n"
    ),
    "200 KB runs of full stops, ellipses and quote marks split into sentences": (
        "from index.splitter import sentence_spans\n"
        "for run in ('.' * 200_000, '…' * 200_000, '!?' * 100_000):\n"
        "    assert sentence_spans(run + ' Next.') == [(0, len(run)), (len(run) + 1, len(run) + 6)]\n"
        "quotes = '\"' * 200_000 + ' Next.'\n"
        "assert sentence_spans(quotes) == [(0, len(quotes))]  # no stop, no boundary\n"
    ),
    "the ranker's sentence facts and named-head check on a scraped 'sentence' of 300,000 words": (
        "from index.features import _names_head, question_shape, sentence_facts\n"
        "sentence = 'former Ossoff won the race in Georgia University ' * 50_000\n"
        "facts = sentence_facts(sentence)\n"
        "assert 'ossoff' in facts.names and not facts.shouting\n"
        "assert _names_head(sentence, question_shape('Which university did Ossoff attend?'))\n"
    ),
    "a 20 MB scrape of 50 paragraphs repeated, split into 50 passages in bounded memory": (
        "import pathlib, re\n"
        "from index.articles import parse_article\n"
        "from index.passages import split_corpus\n"
        "block = '\\n\\n'.join(f'In precinct {i}, Ossoff said the race was close.' for i in range(50))\n"
        "text = 'Scraped page\\n\\n' + '\\n\\n'.join([block] * (20_000_000 // len(block)))\n"
        "assert len(split_corpus([parse_article('a.txt', text)])) == 50\n"
        "status = pathlib.Path('/proc/self/status')  # VmHWM: this process's peak (ru_maxrss counts the parent's)\n"
        "peak_kb = int(re.search(r'VmHWM:\\s+(\\d+)', status.read_text()).group(1)) if status.exists() else 0\n"
        "assert peak_kb < 250_000, peak_kb  # measured 126 MB; indexing every copy took 333 MB and 8 s\n"
    ),
}


@pytest.mark.parametrize("code", CASES.values(), ids=CASES.keys())
def test_pathological_text_finishes(code: str):
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=LIMIT_SECONDS)
    assert done.returncode == 0, done.stderr
