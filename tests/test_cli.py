"""The `racebot` command line: the JSON contract, eval output, errors as one line and exit codes."""

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from support import SEEDS

from bot.cli import build_parser, main


@pytest.fixture
def config_file(tmp_path: Path) -> Path:
    path = tmp_path / "config.yaml"
    path.write_text(
        yaml.safe_dump(
            {
                "corpus": {"dir": str(SEEDS)},
                "index": {"dir": str(tmp_path / "index")},
                "model": {"name": "hash"},
                "answer": {"min_confidence": 0.0},
            }
        )
    )
    return path


def test_every_command_has_help_text():
    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    for name, command in sub.choices.items():
        assert command.description, name
        for action in command._actions:
            assert action.help, f"{name} {action.dest}"


def test_ask_json_contract(config_file: Path, capsys):
    assert main(["ask", "--config", str(config_file), "--json", "Who is the Democratic candidate?"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["question"] == "Who is the Democratic candidate?" and data["answer"] == data["citations"][0]["quote"]
    c = data["citations"][0]
    assert (SEEDS / c["source"]).read_text(encoding="utf-8")[c["start"] : c["end"]] == c["quote"]


def test_ask_jsonl_reads_one_question_per_line(config_file: Path, capsys, monkeypatch):
    questions = "Who is the Democratic candidate?\n\nWhat is Handel's party?\n"
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(questions.encode())))
    assert main(["ask", "--config", str(config_file), "--jsonl"]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.strip().splitlines()]
    assert [(r["line"], r["question"], r.get("error")) for r in rows] == [
        (1, "Who is the Democratic candidate?", None),
        (2, "", "empty question"),
        (3, "What is Handel's party?", None),
    ]


def test_ask_human_output_and_empty_question(config_file: Path, capsys):
    assert main(["ask", "--config", str(config_file), "Who is the Democratic candidate?"]) == 0
    assert "[1]" in capsys.readouterr().out
    assert main(["ask", "--config", str(config_file), "   "]) == 2
    assert capsys.readouterr().err == (
        'racebot: no question given; ask one, e.g. racebot ask "Who is the Democratic candidate?"\n'
    )


def test_eval_prints_every_figure(config_file: Path, tmp_path: Path, capsys):
    questions = tmp_path / "q.yaml"
    questions.write_text(
        yaml.safe_dump(
            {
                "questions": [
                    {
                        "q": "Which committee has been funneling money into the election?",
                        "answers": ["Democratic Congressional Campaign Committee"],
                        "sources": ["000"],
                    },
                    {"q": "What is the best pizza place in Atlanta?", "answerable": False},
                ]
            }
        )
    )
    assert main(["eval", "--config", str(config_file), str(questions), "--limit", "2", "--seed", "1"]) == 0
    out = capsys.readouterr().out
    for label in (
        "answer_accuracy",
        "citation_accuracy",
        "abstention_on_unanswerable",
        "false_abstentions",
        "hit@3",
        "latency p50 / p95",
    ):
        assert label in out


def test_other_corpus_gets_its_own_index(tmp_path: Path, capsys):
    articles = tmp_path / "city-news"
    articles.mkdir()
    (articles / "a.txt").write_text(
        "Council approves budget\n\nThe city council approved a $2 million budget on Monday.", encoding="utf-8"
    )
    config = tmp_path / "config.yaml"
    config.write_text(yaml.safe_dump({"model": {"name": "hash"}, "answer": {"min_confidence": 0.0}}))
    assert main(["ask", "--config", str(config), "--corpus", str(articles), "--json", "How big is the budget?"]) == 0
    assert "$2 million" in json.loads(capsys.readouterr().out)["answer"]
    assert any(p.name.startswith("city-news-") for p in (tmp_path / ".racebot" / "index").iterdir())


def run_cli(*args: str, stdin: str = "") -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", *args], input=stdin, capture_output=True, text=True, timeout=120
    )


def test_bad_config_is_reported_by_key_path_with_exit_2_and_no_traceback(tmp_path: Path):
    bad = tmp_path / "config.yaml"
    bad.write_text("retrieval:\n  top_k: -2\nanswer:\n  min_confidence: 7\n")
    result = run_cli("ask", "--config", str(bad), "hello")
    assert result.returncode == 2
    assert "retrieval.top_k must be between 1 and 100, got -2" in result.stderr
    assert "answer.min_confidence" in result.stderr and "Traceback" not in result.stderr


def test_missing_corpus_is_one_line(tmp_path: Path):
    config = tmp_path / "config.yaml"
    config.write_text(yaml.safe_dump({"corpus": {"dir": str(tmp_path / "nowhere")}, "model": {"name": "hash"}}))
    result = run_cli("index", "--config", str(config))
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stderr == (
        f"racebot: corpus folder {tmp_path / 'nowhere'} does not exist or is not a folder; "
        "set corpus.dir in config.yaml (or pass --corpus) to the folder of your articles\n"
    )


def test_console_chat_session(config_file: Path):
    result = run_cli(
        "chat",
        "--config",
        str(config_file),
        stdin="!help\nWho is the Democratic candidate?\n!source 1\n!source 99\n!ask\n!reindex\n",
    )
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "!ask QUESTION" in out and "[1]" in out and "there is no [99]" in out and "Please ask a question" in out
    assert "Reindex finished" in out


def test_status_says_whether_the_index_is_intact_and_fresh(config_file: Path, tmp_path: Path, capsys):
    assert main(["status", "--config", str(config_file)]) == 1
    assert capsys.readouterr().err.startswith(f"racebot: no index in {tmp_path / 'index'} yet; run `racebot index`")
    assert main(["index", "--config", str(config_file)]) == 0
    capsys.readouterr()
    assert main(["status", "--config", str(config_file), "--verify"]) == 0
    out = capsys.readouterr().out
    assert "5 articles" in out and "checked by sha256 and size, index loaded" in out and "ok, fresh" in out
    sentences = next((tmp_path / "index").glob("build-*/sentences.npy"))
    data = bytearray(sentences.read_bytes())
    data[-10] ^= 0xFF  # one flipped byte: the size still matches, the checksum does not
    sentences.write_bytes(bytes(data))
    assert main(["status", "--config", str(config_file)]) == 0  # sizes only: cheap enough for a health check
    capsys.readouterr()
    assert main(["status", "--config", str(config_file), "--verify"]) == 1
    assert capsys.readouterr().err == (
        f"racebot: index file {sentences} is damaged (its sha256 differs from the manifest's); "
        "run `racebot index` to rebuild it\n"
    )
    assert main(["index", "--config", str(config_file)]) == 0  # repairs
    assert main(["status", "--config", str(config_file), "--verify"]) == 0


def test_bad_in_a_console_chat_becomes_a_question_in_the_feedback_export(config_file: Path, tmp_path: Path):
    chat = run_cli(
        "chat", "--config", str(config_file), stdin="!bad\n!ask how many candidates ran\n!bad\n!ask who won\n!good\n"
    )
    assert chat.returncode == 0, chat.stderr
    assert "There is no answer here to rate yet" in chat.stdout and "Thanks — noted 👎" in chat.stdout
    assert (tmp_path / ".racebot" / "feedback.sqlite3").exists()  # feedback.path's default, beside the config
    export = run_cli("feedback", "export", "--bad", "--config", str(config_file))
    assert export.returncode == 0, export.stderr
    assert "user ratings, not checked facts" in export.stdout and "- {q: how many candidates ran" in export.stdout
    assert "who won" not in export.stdout  # rated good
    from index.evaluate import EvalQuestion, load_questions

    exported = tmp_path / "rated.yaml"
    exported.write_text(run_cli("feedback", "export", "--config", str(config_file)).stdout, encoding="utf-8")
    questions = load_questions(exported)
    assert [q.q for q in questions] == ["how many candidates ran", "who won"]
    assert questions[0] == EvalQuestion("how many candidates ran", answerable=False)
    assert main(["eval", "--config", str(config_file), str(exported)]) == 0  # `racebot eval` runs it


def test_feedback_export_has_help_for_every_argument():
    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    actions = next(a for a in sub.choices["feedback"]._actions if a.dest == "action")
    export = actions.choices["export"]
    assert export.description and all(action.help for action in export._actions)


def test_a_damaged_feedback_database_is_one_line_before_the_model_loads(config_file: Path, tmp_path: Path):
    damaged = tmp_path / ".racebot" / "feedback.sqlite3"
    damaged.parent.mkdir()
    damaged.write_bytes(b"\x00garbage" * 1000)
    for command in (["chat"], ["feedback", "export"]):
        result = run_cli(*command, "--config", str(config_file), stdin="!ask who won\n")
        assert result.returncode == 1 and "Traceback" not in result.stderr, command
        assert result.stderr.endswith(
            f"racebot: the feedback database {damaged} is damaged (file is not a database); move it aside "
            "(its ratings are lost), or set feedback.path in config.yaml to a writable file, or feedback.enabled: "
            "false\n"
        )
        assert "loading the model" not in result.stderr


def test_libraries_do_not_chatter_on_stderr(tmp_path: Path):
    (tmp_path / "articles").mkdir()
    (tmp_path / "articles" / "a.txt").write_text("Budget passes\n\nThe council passed the budget.", encoding="utf-8")
    config = tmp_path / "config.yaml"
    config.write_text(yaml.safe_dump({"corpus": {"dir": str(tmp_path / "articles")}, "model": {"name": "hash"}}))
    result = run_cli("index", "--config", str(config))
    assert result.returncode == 0, result.stderr
    assert "bm25s" not in result.stderr and "DEBUG" not in result.stderr  # bm25s sets itself to DEBUG on import
