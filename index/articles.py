"""Read the corpus folder into `Article`s, skipping files that cannot be read.

An article file is plain UTF-8 text: usually a title line, a blank line, then
paragraphs separated by blank lines. A file that is empty, binary or not UTF-8
is skipped with a warning naming it; one bad file never stops the others.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from pathlib import Path

from index.errors import CorpusError
from index.models import Article
from index.splitter import sentence_spans

logger = logging.getLogger(__name__)

_DATE_HEADER = re.compile(r"\A\s*date:?\s+(\d{4}-\d{2}-\d{2})\b\s*", re.IGNORECASE)
_TITLE_MAX_CHARS = 200
_DERIVED_TITLE_CHARS = 90


@dataclass
class CorpusReport:
    """What `load_corpus` read and what it skipped (file name -> reason)."""

    articles: list[Article] = field(default_factory=list)
    skipped: dict[str, str] = field(default_factory=dict)


def read_article_text(path: Path) -> str:
    """The file's text exactly as citations index it.

    Decoded as UTF-8 with universal newlines, like ``Path.read_text(encoding="utf-8")``.
    Raises ValueError with the reason when the file is binary or not UTF-8.
    """
    data = path.read_bytes()
    if b"\x00" in data[:8192]:
        raise ValueError("looks binary (contains NUL bytes)")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        raise ValueError(f"is not UTF-8 text (bad byte at offset {e.start})") from None
    return text.replace("\r\n", "\n").replace("\r", "\n")


def body_start(text: str) -> int:
    """Offset where the article body begins, after a `date YYYY-MM-DD` header if any."""
    match = _DATE_HEADER.match(text)
    return match.end() if match else 0


def parse_article(source: str, text: str) -> Article:
    """Derive title and date from the text; the text itself is kept unchanged."""
    date_match = _DATE_HEADER.match(text)
    date = date_match.group(1) if date_match else None
    start = body_start(text)
    first_line_end = text.find("\n", start)
    first_line = text[start : first_line_end if first_line_end >= 0 else len(text)].strip()
    followed_by_blank = first_line_end >= 0 and text[first_line_end + 1 : first_line_end + 2] in ("\n", "")
    looks_like_title = (
        followed_by_blank
        and 0 < len(first_line) <= _TITLE_MAX_CHARS
        and not first_line.endswith((".", "!", "?", ":", ";", ","))
        and start == 0
    )
    title = first_line if looks_like_title else _derive_title(text, start) or Path(source).stem
    return Article(source=source, title=title, text=text, date=date)


def title_span(article: Article) -> tuple[int, int] | None:
    """The span of the title line when the title is the file's first line."""
    start = body_start(article.text)
    end = article.text.find("\n", start)
    end = len(article.text) if end < 0 else end
    if article.text[start:end].strip() == article.title:
        return start, end
    return None


def _derive_title(text: str, start: int) -> str:
    """The first sentence, shortened at a word boundary: a headline for untitled files."""
    spans = sentence_spans(text, start)
    if not spans:
        return ""
    s, e = spans[0]
    sentence = " ".join(text[s:e].split()).rstrip(".!?")
    if len(sentence) <= _DERIVED_TITLE_CHARS:
        return sentence
    cut = sentence[:_DERIVED_TITLE_CHARS].rsplit(" ", 1)[0]
    return cut.rstrip(",;:-–—") + "…"


def load_corpus(folder: Path, pattern: str = "*.txt") -> CorpusReport:
    """Read every matching file in `folder` (sorted by name), skipping bad ones with a warning."""
    if not folder.is_dir():
        raise CorpusError(
            f"corpus folder {folder} does not exist or is not a folder",
            "set corpus.dir in config.yaml (or pass --corpus) to the folder of your articles",
        )
    report = CorpusReport()
    for path in sorted(p for p in folder.glob(pattern) if p.is_file()):
        try:
            text = read_article_text(path)
        except (OSError, ValueError) as e:
            reason = str(e) if isinstance(e, ValueError) else f"cannot be read ({e.__class__.__name__})"
            report.skipped[path.name] = reason
            logger.warning("skipping article %s: %s", path.name, reason)
            continue
        if not text.strip():
            report.skipped[path.name] = "is empty"
            logger.warning("skipping article %s: it is empty", path.name)
            continue
        report.articles.append(parse_article(path.name, text))
    return report
