# The README's two commands: `make run` and `make test`. Both set everything up on a fresh machine.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test index eval bench bench-squad lint discord slack clean train

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	# torch first, pinned: this takes the CPU wheel instead of gigabytes of CUDA packages
	$(BIN)/pip install --quiet torch==2.13.0
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)  ## chat on the console (builds the index on first use)
	$(BIN)/racebot chat

test: $(STAMP)  ## run the test suite
	$(BIN)/python -m pytest -q

index: $(STAMP)
	$(BIN)/racebot index

eval: $(STAMP)  ## accuracy on the development questions
	$(BIN)/racebot eval ../shared/eval/dev.yaml
	$(BIN)/racebot eval eval/seeds.yaml
	$(BIN)/racebot eval eval/holdout.yaml
	$(BIN)/racebot eval eval/chat.yaml
	$(BIN)/racebot eval eval/unseen.yaml
	$(BIN)/racebot eval eval/typos.yaml
	$(BIN)/racebot eval eval/conversations.yaml
	$(BIN)/racebot eval eval/conversations-holdout.yaml
	$(BIN)/racebot eval eval/disagreements.yaml

# Retrain the reader (index/reader_model/, about 1.5 hours on 2 cores), then refit the scorer on it.
# Retrain rarely: every shipped retrain stays in the repository's history. A fresh run this long
# trains less than the shipped weights' four runs did and measured weaker (docs/experiments.md: the eleventh run),
# so going on from them (READER_INIT below) is the usual retrain. Compare `make eval` and a
# SQuAD sample before keeping a refitted scorer: after the fourth run the refit measured worse than
# the scorer fitted with the third (index/reader_model/manifest.json says by how much), so that one ships.
# scripts/fit_scorer.py --benchmark-fit held-out fits on reader logits the reader never trained on
# (the held-out SQuAD half); with the fourth run it measured a wash (its docstring has the figures).
# To go on from the shipped weights instead of the bundled MiniLM (as its second to fourth runs did):
#   make train READER_INIT=index/reader_model TRAIN_MINUTES=55 TRAIN_LR=3e-5
# --bf16 (mixed precision) pays on CPUs with AMX; drop it from TRAIN_FLAGS elsewhere.
READER_INIT ?=
TRAIN_MINUTES ?= 85
TRAIN_LR ?= 5e-5
TRAIN_FLAGS ?= --bf16
train: $(STAMP)
	$(BIN)/python scripts/reader_data.py --out .racebot/train/reader.jsonl
	$(BIN)/python scripts/train_reader.py --data .racebot/train/reader.jsonl --minutes $(TRAIN_MINUTES) \
	    --lr $(TRAIN_LR) $(TRAIN_FLAGS) $(if $(READER_INIT),--init $(READER_INIT)) --write
	$(BIN)/python scripts/fit_scorer.py --corpus ../shared/bench/squad2-dev-a/corpus \
	    --questions ../shared/bench/squad2-dev-a/questions.yaml --limit 3000 \
	    --extra-corpus seeds --extra-questions ../shared/eval/dev.yaml eval/seeds.yaml scripts/questions/seeds-train.yaml --write

bench: $(STAMP)  ## speed and memory on the seed corpus and the SQuAD half
	$(BIN)/racebot bench --threads 1,2
	$(BIN)/racebot bench --corpus ../shared/bench/squad2-dev-a/corpus --questions ../shared/bench/squad2-dev-a/questions.yaml

lint: $(STAMP)
	$(BIN)/ruff check bot index tests scripts
	$(BIN)/mypy bot index
	$(BIN)/hadolint Dockerfile

discord: $(STAMP)
	$(BIN)/racebot discord

slack: $(STAMP)
	$(BIN)/racebot slack

clean:
	rm -rf .racebot .pytest_cache
