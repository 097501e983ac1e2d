# racebot: the console, Discord or Slack bot on the bundled articles (or a mounted folder).
#   docker build -t racebot .
#   docker run -it racebot                                  # console
#   docker run -e DISCORD_TOKEN=... racebot racebot discord  # Discord
FROM python:3.11-slim
WORKDIR /app
ENV PIP_NO_CACHE_DIR=1 HF_HUB_OFFLINE=1 PYTHONUNBUFFERED=1
# Pass --build-arg TORCH_INDEX=<a CPU-only wheel index> to avoid the CUDA packages.
ARG TORCH_INDEX=
RUN pip install torch==2.13.0 ${TORCH_INDEX:+--index-url "$TORCH_INDEX"}
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY index ./index
RUN pip install .
COPY config.yaml ./
COPY seeds ./seeds
RUN racebot index
CMD ["racebot", "chat"]
