#!/usr/bin/env bash
# Set up everything the test suite uses, from the locks, and run it. Works on a fresh clone:
#
#   bash scripts/test.sh [pytest args...]          # everything (what CI runs)
#   bash scripts/test.sh -m fast -n 3              # the edit-loop tier (README "Tests")
#   bash scripts/test.sh --upgrade                 # newest versions: re-lock, run everything, keep the locks if green
#
# Every install comes from a lock with hashes (tools/README.md), so a fresh clone installs what passed when the
# locks were committed, whatever has been released since:
# 1. uv (tools/uv.txt) into .venv-uv, with pip --require-hashes;
# 2. Node.js 22 LTS (tools/node) into .node, first on PATH for jsii and cdktf-cli (the machine's Node may be one
#    jsii no longer supports);
# 3. .venv: wandb-cdktf, its dev extra and the Google/Azure bindings, `uv sync --locked` from uv.lock (fails if
#    uv.lock does not match pyproject.toml);
# and, beside pytest (they are independent and mostly wait on unpacking), each announced by
# $WANDB_CDKTF_PENDING_INSTALLS/<tool>.pending until its install has ended, which the tests needing it wait for:
# 4. checkov (tools/checkov.txt) in its own venv (.venv-checkov; its pins conflict with pytest's);
# 5. cdktf-cli (tools/cdktf-cli) into .cdktf-cli (the `cdktf synth`/`deploy` tests);
# 6. Helm 3 (sha256-checked, scripts/install-helm.sh) into .helm (the chart rendering tests).
# Then ruff, then pytest (xdist workers, see pyproject.toml) with mypy --strict (src/) beside it.
# Terraform and a provider mirror are found on the machine (README "Tests"). A tool that is missing makes its
# tests skip with the reason printed, except with CI=true, where it fails them.
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

upgrade=0
if [ "${1:-}" = "--upgrade" ]; then
  upgrade=1
  shift
  if [ "$#" -gt 0 ]; then  # a partial run must not rewrite the locks
    echo "test.sh: --upgrade runs the whole suite and takes no pytest arguments (got: $*)" >&2
    exit 2
  fi
fi

# 1. uv, from its lock.
[ -x .venv-uv/bin/python ] || "$PYTHON" -m venv .venv-uv
locked_uv="$(sed -n 's/^uv==\([^ ]*\).*/\1/p' tools/uv.txt)"
if [ "$(.venv-uv/bin/uv --version 2>/dev/null | cut -d' ' -f2)" != "$locked_uv" ]; then
  .venv-uv/bin/python -m pip install --quiet --disable-pip-version-check --require-hashes --no-deps -r tools/uv.txt \
    2>&1 | grep -v '^WARNING: Location' || true
fi
export WANDB_CDKTF_UV="$PWD/.venv-uv/bin/uv"  # scripts/install-checkov.sh and scripts/lock.sh use it too

if [ "$upgrade" -eq 1 ]; then
  # Keep the committed locks; they come back unless the whole suite passes on the new ones.
  mkdir -p "$LOGS/locks/tools/node" "$LOGS/locks/tools/cdktf-cli"
  for f in uv.lock tools/uv.txt tools/checkov.txt tools/node/package-lock.json tools/cdktf-cli/package-lock.json; do
    cp "$f" "$LOGS/locks/$f"
  done
  restore_locks() {
    for f in uv.lock tools/uv.txt tools/checkov.txt tools/node/package-lock.json tools/cdktf-cli/package-lock.json; do
      cp "$LOGS/locks/$f" "$f"
    done
  }
  bash scripts/lock.sh --upgrade
  .venv-uv/bin/python -m pip install --quiet --disable-pip-version-check --require-hashes --no-deps -r tools/uv.txt \
    2>&1 | grep -v '^WARNING: Location' || true
fi

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

# 2. Node.js (seconds: one package), before anything runs jsii.
cdktf_pid=""
if command -v npm >/dev/null 2>&1; then
  bash scripts/install-node.sh
  export PATH="$PWD/.node/node_modules/.bin:$PATH"
  install_in_background cdktf-cli scripts/install-cdktf-cli.sh
  cdktf_pid=$!
fi
install_in_background checkov scripts/install-checkov.sh
checkov_pid=$!
install_in_background helm scripts/install-helm.sh
helm_pid=$!

# 3. The project venv, exactly as locked.
UV_PROJECT_ENVIRONMENT="$PWD/.venv" "$WANDB_CDKTF_UV" sync --quiet --locked --extra dev --python "$(command -v "$PYTHON")"
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
wait "$helm_pid" || echo "helm not installed: its tests skipped (CI=true: failed)"
cat "$LOGS/helm"
echo "mypy (strict, src/):"
mypy_status=0
wait "$mypy_pid" || mypy_status=$?
cat "$LOGS/mypy"
[ "$mypy_status" -eq 0 ] || status=$mypy_status

if [ "$upgrade" -eq 1 ]; then
  if [ "$status" -eq 0 ]; then
    echo "test.sh --upgrade: the whole suite passed on the newest versions; the locks are updated (git diff uv.lock tools/)"
  else
    restore_locks
    echo "test.sh --upgrade: the suite failed on the newest versions; the committed locks are restored" >&2
  fi
fi
exit "$status"
