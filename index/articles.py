"""Read the corpus folder into `Article`s, skipping files that cannot be read.

An article file is plain UTF-8 text: usually a title line, a blank line, then
paragraphs separated by blank lines. Every matching name that is not such a file
is skipped with a warning naming it, and one bad file never stops the others:
a folder, a link to a device, pipe or socket (never opened: reading /dev/zero
would never end), a broken link, a file with a NUL byte anywhere, one that is not
UTF-8, an empty one, and files past the size limits in `CorpusLimits`.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path

from index.dates import parse_date
from index.errors import CorpusError
from index.models import Article
from index.splitter import sentence_spans

logger = logging.getLogger(__name__)

# The article's date, at the top of the file: a line of its own before or right under the title,
# "date: 2017-06-20" or "Published: June 20, 2017" (index/dates.py reads the value), or, before
# everything, "date 2017-06-20" with the text going on after it on the same line.
_HEADER_LINE = re.compile(r"[ \t]*(?:date|published)[ \t]*:(?P<value>[^\n]*)(?:\n|\Z)", re.IGNORECASE)
_DATE_HEADER = re.compile(r"\A\s*date:?\s+(\d{4}-\d{2}-\d{2})\b\s*", re.IGNORECASE)
_SPACE = re.compile(r"\s+")
# What is read, not only which bytes: hashed into `corpus_digest`, so that an index built before a
# change to the rules is rebuilt. 2: date:/published: header lines.
_READING_RULES = 2
_TITLE_MAX_CHARS = 200
_DERIVED_TITLE_CHARS = 90
_HASH_CHUNK = 1 << 20
# Never block on a FIFO swapped in after the stat; keep Windows from translating newlines.
_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)


@dataclass(frozen=True)
class CorpusLimits:
    """Size limits, in file bytes, that keep a mistaken or hostile corpus folder from taking all memory.

    A news article is 5-50 KB, so neither default ever skips one. The per-article limit stops a
    file that is no article (a log, a dump) from being read whole; it admits a 20 MB scrape of
    repeated paragraphs, which costs little since a paragraph is indexed once per corpus
    (`index.passages.split_corpus`). The corpus limit counts the articles read, in name order:
    once the next file would pass it, that file and every later one are skipped. Both are
    `corpus.max_article_bytes` and `corpus.max_corpus_bytes` in config.yaml.
    """

    max_article_bytes: int = 25_000_000
    max_corpus_bytes: int = 100_000_000


@dataclass
class CorpusReport:
    """What `load_corpus` read and what it skipped (file name -> reason)."""

    articles: list[Article] = field(default_factory=list)
    skipped: dict[str, str] = field(default_factory=dict)


def read_article_text(path: Path, max_bytes: int = CorpusLimits.max_article_bytes) -> str:
    """The file's text exactly as citations index it.

    Decoded as UTF-8 with universal newlines, like ``Path.read_text(encoding="utf-8")``.
    Raises ValueError with the reason when `path` is not a regular file (nothing else is
    opened), holds more than `max_bytes`, has a NUL byte anywhere or is not UTF-8; OSError
    when it cannot be read.
    """
    size = _article_size(path, max_bytes)
    return _decode(_read_regular(path, size, max_bytes))


def _decode(data: bytes) -> str:
    """An article file's bytes as text; ValueError when binary or not UTF-8."""
    if b"\x00" in data:
        raise ValueError(f"looks binary (contains a NUL byte at offset {data.index(0)})")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        raise ValueError(f"is not UTF-8 text (bad byte at offset {e.start})") from None
    return text.replace("\r\n", "\n").replace("\r", "\n")


def corpus_digest(folder: Path, pattern: str, limits: CorpusLimits) -> str:
    """A hash of what `load_corpus` reads: every matching name with its bytes or why it is skipped.

    As safe on a hostile folder as `load_corpus`: only regular files within the per-article
    limit are read, in chunks. The limits are hashed too, since they decide what is indexed.
    """
    digest = hashlib.sha256(f"{_READING_RULES}|{limits.max_article_bytes}|{limits.max_corpus_bytes}".encode())
    for path in sorted(folder.glob(pattern)):
        digest.update(os.fsencode(path.name) + b"\x00")
        try:
            _article_size(path, limits.max_article_bytes)
            digest.update(_file_sha256(path, limits.max_article_bytes))
        except (OSError, ValueError) as e:
            digest.update(f"<{e.__class__.__name__}: {e}>".encode("utf-8", "backslashreplace"))
    return digest.hexdigest()


def _article_size(path: Path, max_bytes: int) -> int:
    """The size of the regular file at `path`; ValueError when it is something else or over `max_bytes`."""
    size = _regular_file_size(path)
    if size > max_bytes:
        raise ValueError(_too_large(size, max_bytes))
    return size


def _regular_file_size(path: Path) -> int:
    """The size of the regular file at `path` (links followed); ValueError naming what it is otherwise."""
    try:
        info = os.stat(path)
    except FileNotFoundError:
        if path.is_symlink():
            raise ValueError("is a broken symlink") from None
        raise
    if not stat.S_ISREG(info.st_mode):
        link = "a symlink to " if path.is_symlink() else ""
        raise ValueError(f"is {link}{_kind(info.st_mode)}, not a regular file")
    return info.st_size


def _read_regular(path: Path, size: int, max_bytes: int) -> bytes:
    """The file's bytes, `size` as its stat said; at most `max_bytes` + 1 of them, so a file that
    grew since cannot take memory (ValueError when it passed `max_bytes`)."""
    with open(_open_regular(path), "rb") as f:
        data = f.read(min(size, max_bytes) + 1)  # not max_bytes + 1: that much is allocated up front
        if len(data) > size:  # it grew since its stat
            data += f.read(max_bytes + 1 - len(data))
    if len(data) > max_bytes:
        raise ValueError(_too_large(len(data), max_bytes, at_least=True))
    return data


def _file_sha256(path: Path, max_bytes: int) -> bytes:
    """The hash of at most `max_bytes` + 1 bytes (more means the file is skipped), read in chunks."""
    digest = hashlib.sha256()
    left = max_bytes + 1
    with open(_open_regular(path), "rb") as f:
        while left > 0 and (chunk := f.read(min(_HASH_CHUNK, left))):
            digest.update(chunk)
            left -= len(chunk)
    return digest.digest()


def _open_regular(path: Path) -> int:
    """A descriptor of `path`, checked again after opening: it may have been swapped since its stat."""
    fd = os.open(path, _OPEN_FLAGS)
    mode = os.fstat(fd).st_mode
    if not stat.S_ISREG(mode):
        os.close(fd)
        raise ValueError(f"is {_kind(mode)}, not a regular file")
    return fd


def _kind(mode: int) -> str:
    kinds = (
        (stat.S_ISDIR, "a folder"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
        (stat.S_ISFIFO, "a named pipe"),
        (stat.S_ISSOCK, "a socket"),
    )
    return next((name for test, name in kinds if test(mode)), "a special file")


def _too_large(size: int, limit: int, at_least: bool = False) -> str:
    return (
        f"is {'at least ' if at_least else ''}{size:,} bytes, over corpus.max_article_bytes ({limit:,});"
        " raise it in config.yaml to index this file"
    )


def _corpus_full(limit: int) -> str:
    return (
        f"is past corpus.max_corpus_bytes ({limit:,} bytes of articles, counted in name order);"
        " raise it in config.yaml to index this file"
    )


def _is_utf8(name: str) -> bool:
    """False for a file name whose bytes are not UTF-8 (Python holds them as lone surrogates)."""
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def body_start(text: str) -> int:
    """Offset where the article body begins, after the date header lines at the top if any."""
    return _leading_headers(text)[0]


def _leading_headers(text: str) -> tuple[int, list[str]]:
    """Where the text after the date headers before the title starts, and the headers' values."""
    pos, values = _headers_after(text, 0, skip_space=True)
    if values:
        return _past_space(text, pos), values
    legacy = _DATE_HEADER.match(text)
    return (legacy.end(), [legacy.group(1)]) if legacy else (0, [])


def _past_space(text: str, pos: int) -> int:
    space = _SPACE.match(text, pos)
    return space.end() if space else pos


def _headers_after(text: str, pos: int, skip_space: bool = False) -> tuple[int, list[str]]:
    """The date header lines starting at `pos` (the line under a title; with `skip_space`, blank
    space may come before each): where they end, and their values."""
    values: list[str] = []
    while pos < len(text) and (match := _HEADER_LINE.match(text, _past_space(text, pos) if skip_space else pos)):
        values.append(match["value"].strip())
        pos = match.end()
    return pos, values


def parse_article(source: str, text: str) -> Article:
    """Derive title and date from the text; the text itself is kept unchanged.

    The date comes from header lines at the top (see `_HEADER_LINE`); the first one
    that reads as a date counts, and one that does not is warned about, naming the file.
    A header line is never the title and never indexed (`title_span`, `body_start`).
    """
    start, headers = _leading_headers(text)
    first_line_end = text.find("\n", start)
    first_line = text[start : first_line_end if first_line_end >= 0 else len(text)].strip()
    after, under_title = _headers_after(text, first_line_end + 1) if first_line_end >= 0 else (len(text), [])
    followed_by_blank = text[after : after + 1] in ("\n", "")
    looks_like_title = (
        followed_by_blank
        and 0 < len(first_line) <= _TITLE_MAX_CHARS
        and not first_line.endswith((".", "!", "?", ":", ";", ","))
        and (start == 0 or text[start - 1] == "\n")  # not the rest of a "date 2017-06-20 ..." line
    )
    if looks_like_title:
        headers += under_title
    title = first_line if looks_like_title else _derive_title(text, start) or Path(source).stem
    return Article(source=source, title=title, text=text, date=_first_date(source, headers))


def _first_date(source: str, values: list[str]) -> str | None:
    """The ISO date of the first header value that reads as one; a warning for each that does not."""
    date = None
    for value in values:
        parsed = parse_date(value)
        if parsed is None:
            logger.warning(
                "article %s: cannot read the date %r in its header; write it as YYYY-MM-DD or like June 20, 2017",
                source,
                value,
            )
        date = date or parsed
    return date


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


def load_corpus(folder: Path, pattern: str = "*.txt", limits: CorpusLimits | None = None) -> CorpusReport:
    """Read every name in `folder` matching `pattern` (sorted), skipping bad ones with a warning each.

    Sizes are checked before reading and reads are bounded, so memory stays within `limits`
    whatever the folder holds.
    """
    if not folder.is_dir():
        raise CorpusError(
            f"corpus folder {folder} does not exist or is not a folder",
            "set corpus.dir in config.yaml (or pass --corpus) to the folder of your articles",
        )
    limits = limits or CorpusLimits()
    report = CorpusReport()
    total = 0  # bytes of the articles read so far
    full = False  # once an article did not fit, every later one is skipped too: the cut is by name
    for path in sorted(folder.glob(pattern)):
        name = path.name
        try:
            if not _is_utf8(name):
                name = os.fsencode(name).decode("utf-8", "backslashreplace")  # printable, and JSON-safe
                raise ValueError("has a file name that is not UTF-8; rename it to index it")
            size = _article_size(path, limits.max_article_bytes)
            full = full or total + size > limits.max_corpus_bytes
            if full:
                raise ValueError(_corpus_full(limits.max_corpus_bytes))
            data = _read_regular(path, size, limits.max_article_bytes)
            if total + len(data) > limits.max_corpus_bytes:  # it grew since its stat
                full = True
                raise ValueError(_corpus_full(limits.max_corpus_bytes))
            text = _decode(data)
        except (OSError, ValueError) as e:
            reason = str(e) if isinstance(e, ValueError) else f"cannot be read ({e.__class__.__name__})"
            report.skipped[name] = reason
            logger.warning("skipping article %s: %s", name, reason)
            continue
        if not text.strip():
            report.skipped[name] = "is empty"
            logger.warning("skipping article %s: it is empty", name)
            continue
        total += len(data)
        report.articles.append(parse_article(name, text))
    return report
