#!/usr/bin/env bash
# Set up everything the test suite uses and run it. Works on a fresh clone:
#
#   bash scripts/test.sh [pytest args...]          # everything (what CI runs)
#   bash scripts/test.sh -m fast -n 3              # the edit-loop tier (README "Tests")
#
# Installs, concurrently (they are independent and mostly wait on unpacking wheels/packages); pytest starts
# as soon as the first is done, and the tests that need checkov or cdktf-cli wait for theirs
# ($WANDB_CDKTF_PENDING_INSTALLS names a directory holding <tool>.pending until its install has ended):
# 1. .venv with wandb-cdktf and its dev extras (pytest, pytest-xdist, syrupy, hypothesis, moto, ruff, mypy,
#    the Google and Azure bindings);
# 2. checkov 3.3.30 in its own venv (.venv-checkov; its pins conflict with pytest's);
# 3. cdktf-cli 0.21.0 from npm into .cdktf-cli (the `cdktf synth`/`deploy` tests need it).
# Python packages are installed with uv (pinned, itself installed by pip into .venv): the five provider
# bindings are ~11,000 files, which pip unpacks and byte-compiles in ~250 s on these 2 cores (measured:
# 252 s wall, 184 s CPU) and uv links from its cache in ~10-20 s (cold cache 18 s, warm 9 s). Without uv
# (it cannot be installed), pip does the same installs.
# Then ruff, then pytest (7 xdist workers, see pyproject.toml) with mypy --strict (src/) beside it.
# Terraform and a provider mirror are found on the machine (README "Tests"). A tool that is missing
# makes its tests skip with the reason printed, except with CI=true, where it fails them.
# Exits non-zero on any failure, including "no tests collected".
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
PYTHON="${PYTHON:-python3}"
# Python caches compiled modules (__pycache__, all inside this clone: .venv, .venv-checkov, src, tests; git
# ignores them). A machine that sets PYTHONDONTWRITEBYTECODE (this one does) would otherwise have each of the
# suite's ~60 Python processes compile what it imports again: measured here, `checkov --version` 8.7 s of CPU
# against 3.7 s with the cache, a moto server start 4.1 s against 2.0 s.
unset PYTHONDONTWRITEBYTECODE
LOGS="$(mktemp -d)"
trap 'rm -rf "$LOGS"' EXIT

export WANDB_CDKTF_PENDING_INSTALLS="$LOGS/pending"
mkdir -p "$WANDB_CDKTF_PENDING_INSTALLS"
# install_in_background TOOL SCRIPT: run the install script; TOOL.pending exists until it has ended.
install_in_background() {
  touch "$WANDB_CDKTF_PENDING_INSTALLS/$1.pending"
  (
    status=0
    bash "$2" >"$LOGS/$1" 2>&1 || status=$?
    rm -f "$WANDB_CDKTF_PENDING_INSTALLS/$1.pending"
    exit "$status"
  ) &
}

cdktf_pid=""
if command -v npm >/dev/null 2>&1; then
  install_in_background cdktf-cli scripts/install-cdktf-cli.sh
  cdktf_pid=$!
fi

[ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
UV_VERSION="0.13.9"
if [ ! -x .venv/bin/uv ] || [ "$(.venv/bin/uv --version 2>/dev/null | cut -d' ' -f2)" != "$UV_VERSION" ]; then
  .venv/bin/python -m pip install --quiet --disable-pip-version-check "uv==$UV_VERSION" 2>&1 | grep -v '^WARNING: Location' || true
fi
if [ -x .venv/bin/uv ]; then
  export WANDB_CDKTF_UV="$PWD/.venv/bin/uv"  # scripts/install-checkov.sh installs with it too
fi

install_in_background checkov scripts/install-checkov.sh
checkov_pid=$!

if [ -n "${WANDB_CDKTF_UV:-}" ]; then
  "$WANDB_CDKTF_UV" pip install --quiet --python .venv/bin/python -e '.[dev]'
else
  .venv/bin/python -m pip install --quiet --disable-pip-version-check -e '.[dev]' 2>&1 | grep -v '^WARNING: Location' || true
fi
.venv/bin/python -c 'import wandb_cdktf, pytest, xdist, syrupy, hypothesis, hcl2, moto' # fail fast if the install failed

echo "ruff:" && .venv/bin/ruff check --no-cache src tests main.py
# mypy --strict walks the ~2,200 modules of the provider bindings (minutes of one core, cold); it runs beside
# pytest, whose emulator scenarios leave cores idle while the AWS provider polls.
.venv/bin/python -m mypy >"$LOGS/mypy" 2>&1 &
mypy_pid=$!
status=0
.venv/bin/python -m pytest --durations=30 "$@" || status=$?
wait "$checkov_pid" || echo "checkov not installed: its tests skipped (CI=true: failed)"
grep -v '^WARNING: Location' "$LOGS/checkov" || true
if [ -n "$cdktf_pid" ]; then
  wait "$cdktf_pid" || echo "cdktf-cli not installed: its tests skipped (CI=true: failed)"
  cat "$LOGS/cdktf-cli"
fi
echo "mypy (strict, src/):"
mypy_status=0
wait "$mypy_pid" || mypy_status=$?
cat "$LOGS/mypy"
[ "$mypy_status" -eq 0 ] || status=$mypy_status
exit "$status"
