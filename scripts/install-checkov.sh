#!/usr/bin/env bash
# Install checkov from tools/checkov.txt (a lock with hashes) into its own git-ignored venv for the security gate
# (tests/test_checkov.py). checkov pins a `packaging` version that conflicts with pytest's, so it must not share
# the project venv. Idempotent.
#
#   bash scripts/install-checkov.sh                      # -> .venv-checkov/bin/checkov
#   CHECKOV_VENV=/opt/checkov bash scripts/install-checkov.sh   # then export WANDB_CDKTF_CHECKOV=/opt/checkov/bin/checkov
#
# The tests find checkov via $WANDB_CDKTF_CHECKOV, then <repo>/.venv-checkov/bin/checkov, then PATH, and expect
# the version in tools/checkov.txt. Needs python3 >= 3.11 with the venv module, and uv ($WANDB_CDKTF_UV, else
# .venv-uv/bin/uv, else on PATH: scripts/test.sh installs it).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${CHECKOV_VENV:-$ROOT/.venv-checkov}"
PYTHON="${PYTHON:-python3}"
LOCK="$ROOT/tools/checkov.txt"
UV="${WANDB_CDKTF_UV:-$ROOT/.venv-uv/bin/uv}"
[ -x "$UV" ] || UV="$(command -v uv || true)"
if [ -z "$UV" ]; then
  echo "install-checkov: uv not found (bash scripts/test.sh installs it into .venv-uv)" >&2
  exit 1
fi
VERSION="$(sed -n 's/^checkov==\([^ ]*\).*/\1/p' "$LOCK")"

# The installed version, from the venv's package metadata: `checkov --version` imports all of checkov (~8 s of CPU).
installed() { "$VENV/bin/python" -c 'from importlib.metadata import version; print(version("checkov"))' 2>/dev/null || true; }

if [ -x "$VENV/bin/checkov" ] && [ "$(installed)" = "$VERSION" ]; then
  echo "install-checkov: checkov $VERSION already at $VENV/bin/checkov"
  exit 0
fi
[ -x "$VENV/bin/python" ] || "$PYTHON" -m venv "$VENV"
# pip sync: exactly the lock's packages, each checked against its hashes.
"$UV" pip sync --quiet --require-hashes --python "$VENV/bin/python" "$LOCK"
got="$(installed)"
if [ "$got" != "$VERSION" ] || [ ! -x "$VENV/bin/checkov" ]; then
  echo "install-checkov: expected checkov $VERSION at $VENV/bin/checkov, got '$got'" >&2
  exit 1
fi
echo "install-checkov: checkov $VERSION installed at $VENV/bin/checkov"
