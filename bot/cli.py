"""`racebot` command line: index, status, ask, chat, feedback, eval, bench, discord, slack.

Every `RacebotError` (index/errors.py) is caught here, at the edge, and printed as
one line, ``racebot: <what happened>; <what to do>``, with its exit code: 2 for the
user's mistakes (bad config, bad argument, missing token), 1 for the environment's.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

import yaml

from bot.errors import report
from index.config import Config, load_config
from index.errors import RacebotError, UsageError

logger = logging.getLogger(__name__)
_START = time.perf_counter()


NOISY_LIBRARIES = (
    "faiss",
    "bm25s",
    "sentence_transformers",
    "httpx",
    "urllib3",
    "filelock",
    "huggingface_hub",
    "transformers",
)


def _configure_logging(verbose: bool) -> None:
    logging.basicConfig(
        level=logging.DEBUG if verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    for noisy in NOISY_LIBRARIES:
        logging.getLogger(noisy).setLevel(logging.WARNING)
    # bm25s sets its own logger to DEBUG when it is imported, after this runs: filter at the handler too.
    for handler in logging.getLogger().handlers:
        handler.addFilter(_only_warnings_from_libraries)


def _only_warnings_from_libraries(record: logging.LogRecord) -> bool:
    return record.levelno >= logging.WARNING or record.name.split(".")[0] not in NOISY_LIBRARIES


def _engine(config: Config, progress: bool = False):
    from index.engine import Engine

    engine = Engine(config)
    engine.warm_up(progress=progress)
    return engine


def cmd_index(args: argparse.Namespace, config: Config) -> int:
    from index.engine import Engine

    report = Engine(config).build(progress=sys.stderr.isatty())
    print(
        f"indexed {report.articles} articles into {report.passages} passages in {report.seconds:.1f} s "
        f"({report.reused_embeddings} embeddings reused) -> {config.index_path}"
    )
    for line in report.skipped:
        print(f"skipped {line}")
    return 0


def cmd_status(args: argparse.Namespace, config: Config) -> int:
    from index.engine import Engine
    from index.store import current_build

    manifest = Engine(config).status(verify=args.verify)
    files = manifest["files"]
    print(f"index:    {current_build(config.index_path)}")
    print(f"built:    {manifest['built_at']} with model {manifest['model']} from {manifest['corpus_dir']}")
    print(
        f"contents: {manifest['articles']} articles, {manifest['passages']} passages, "
        f"{manifest['sentences']} sentences; {len(manifest['skipped'])} files skipped"
    )
    checked = "sha256 and size, index loaded" if args.verify else "size (add --verify to hash them)"
    for name, why in sorted(manifest["skipped"].items()):
        print(f"skipped:  {name}: {why}")
    print(f"files:    {len(files)} checked by {checked}")
    print("status:   ok, fresh")
    return 0


def cmd_ask(args: argparse.Namespace, config: Config) -> int:
    from bot.core import clean_question
    from bot.render import render_answer_text

    if args.jsonl:
        from bot.jsonl import answer_lines

        answer_lines(_engine(config), sys.stdin.buffer, sys.stdout, config.bot.max_question_chars)
        return 0
    question = clean_question(" ".join(args.question))[: config.bot.max_question_chars]
    if not question:
        raise UsageError("no question given", 'ask one, e.g. racebot ask "Who is the Democratic candidate?"')
    answer = _engine(config).ask(question)
    print(
        json.dumps(answer.to_json(), ensure_ascii=False, indent=2)
        if args.json
        else render_answer_text(answer, config.bot.prefix)
    )
    return 0


def cmd_chat(args: argparse.Namespace, config: Config) -> int:
    from bot.console import run_console
    from bot.core import CommandCore
    from bot.feedback import open_store

    feedback = open_store(config.feedback)  # a damaged or unwritable file is reported before the slow load
    print("loading the model and the index…", file=sys.stderr, flush=True)
    engine = _engine(config, progress=sys.stderr.isatty())
    return run_console(CommandCore(engine, config.bot, feedback=feedback))


def cmd_feedback_export(args: argparse.Namespace, config: Config) -> int:
    from bot.feedback import FeedbackStore, format_export

    store = FeedbackStore(config.feedback.path)  # read even when feedback.enabled is false: ratings may exist
    print(format_export(store.export(bad_only=args.bad), bad_only=args.bad), end="")
    return 0


def cmd_eval(args: argparse.Namespace, config: Config) -> int:
    from index.conversations import is_conversation_file
    from index.evaluate import format_summary, load_questions, run_eval, sample

    try:
        if is_conversation_file(args.file):
            return _eval_conversations(args, config)
        questions = sample(load_questions(args.file), args.limit, args.seed)
    except (OSError, ValueError, yaml.YAMLError) as e:
        raise UsageError(
            f"cannot read questions from {args.file} ({e})", "give a file in the schema of eval/dev.yaml"
        ) from None
    engine = _engine(config, progress=sys.stderr.isatty())
    result = run_eval(engine, questions)
    summary = result.summary()
    print(json.dumps(summary) if args.json else format_summary(summary))
    return 0


def _eval_conversations(args: argparse.Namespace, config: Config) -> int:
    """`racebot eval` on a file of conversations (eval/conversations.yaml): follow-ups with and without context."""
    from index.conversations import format_conversation_summary, load_conversations, run_conversations

    conversations = load_conversations(args.file)
    if args.limit is not None:
        conversations = conversations[: args.limit]
    summary = run_conversations(_engine(config, progress=sys.stderr.isatty()), conversations)
    if args.json:
        print(json.dumps({k: v for k, v in summary.items() if k != "rows"}))
    else:
        print(format_conversation_summary(summary, details=args.details))
    return 0


def cmd_bench(args: argparse.Namespace, config: Config) -> int:
    from index.bench import run_bench

    return run_bench(config, args, _START)


def cmd_discord(args: argparse.Namespace, config: Config) -> int:
    from bot.discord.front import run_discord

    return run_discord(config, sync_commands=args.sync_commands)


def cmd_slack(args: argparse.Namespace, config: Config) -> int:
    from bot.slack.front import run_slack

    return run_slack(config, port=args.port)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="racebot", description="Answer questions about news articles with verbatim, cited quotes."
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    def add(name: str, func: Callable[[argparse.Namespace, Config], int], help_text: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_text, description=help_text)
        p.add_argument("--config", type=Path, default=None, help="config file (default: ./config.yaml)")
        p.add_argument("--corpus", type=Path, default=None, help="folder of articles (overrides corpus.dir)")
        p.add_argument("--index", type=Path, default=None, help="index folder (default: derived from the corpus path)")
        p.add_argument("-v", "--verbose", action="store_true", help="debug logging")
        p.set_defaults(func=func)
        return p

    add("index", cmd_index, "Build or refresh the index of the articles.")
    status = add("status", cmd_status, "Check the index: intact, fresh, and what it holds (exit 1 if not).")
    status.add_argument("--verify", action="store_true", help="hash every index file and load it (slower)")
    ask = add("ask", cmd_ask, "Answer one question with a verbatim quote and citations.")
    ask.add_argument("question", nargs="*", help="the question")
    ask.add_argument("--json", action="store_true", help="print one JSON object")
    ask.add_argument("--jsonl", action="store_true", help="read questions from stdin, one per line; write JSON lines")
    add("chat", cmd_chat, "Chat on the console with the same commands as the Discord and Slack bots.")
    feedback_help = "Work with the good/bad ratings people gave answers in chat (kept in feedback.path)."
    feedback = sub.add_parser("feedback", help=feedback_help, description=feedback_help)
    actions = feedback.add_subparsers(dest="action", metavar="ACTION", required=True, help="what to do")
    export_help = "Print the rated questions as YAML in the schema of eval/dev.yaml, to review before use."
    export = actions.add_parser("export", help=export_help, description=export_help)
    export.add_argument("--bad", action="store_true", help="only the questions rated bad at least once")
    export.add_argument("--config", type=Path, default=None, help="config file (default: ./config.yaml)")
    export.add_argument("-v", "--verbose", action="store_true", help="debug logging")
    export.set_defaults(func=cmd_feedback_export, corpus=None, index=None)
    ev = add("eval", cmd_eval, "Measure answer and citation accuracy on a question file.")
    ev.add_argument(
        "file", type=Path, help="questions in the schema of eval/dev.yaml, or conversations (eval/conversations.yaml)"
    )
    ev.add_argument("--details", action="store_true", help="conversations: list every turn and how it was read")
    ev.add_argument("--limit", type=int, default=None, help="a random sample of at most N questions")
    ev.add_argument("--seed", type=int, default=0, help="seed of the sample")
    ev.add_argument("--json", action="store_true", help="print the figures as JSON")
    bench = add("bench", cmd_bench, "Print speed and memory figures for the configured corpus.")
    bench.add_argument(
        "--questions", type=Path, default=None, help="question file to time (default: generated from the corpus)"
    )
    bench.add_argument("--limit", type=int, default=200, help="questions to time")
    bench.add_argument(
        "--threads", type=str, default=None, help="comma-separated torch thread counts to compare, e.g. 1,2"
    )
    dc = add("discord", cmd_discord, "Run the Discord bot (needs DISCORD_TOKEN).")
    dc.add_argument("--sync-commands", action="store_true", help="register the slash commands with Discord, then run")
    sl = add(
        "slack", cmd_slack, "Run the Slack bot (needs SLACK_BOT_TOKEN, and SLACK_APP_TOKEN or SLACK_SIGNING_SECRET)."
    )
    sl.add_argument(
        "--port", type=int, default=int(os.environ.get("PORT", "3000")), help="HTTP port when not in Socket Mode"
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    _configure_logging(args.verbose)
    try:
        config = load_config(args.config).with_paths(corpus=args.corpus, index=args.index)
        return args.func(args, config)
    except RacebotError as e:
        return report(e)
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
