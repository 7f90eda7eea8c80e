#!/usr/bin/env bash
# Install checkov (pinned) into its own git-ignored venv for the security gate
# (tests/test_checkov.py). checkov pins a `packaging` version that conflicts with
# pytest's, so it must not share the project venv. Idempotent.
#
#   scripts/install-checkov.sh                      # -> .venv-checkov/bin/checkov
#   CHECKOV_VENV=/opt/checkov scripts/install-checkov.sh   # then export WANDB_CDKTF_CHECKOV=/opt/checkov/bin/checkov
#   WANDB_CDKTF_UV=/path/to/uv scripts/install-checkov.sh  # install with uv instead of pip
#
# The tests find checkov via $WANDB_CDKTF_CHECKOV, then <repo>/.venv-checkov/bin/checkov, then PATH.
# Needs python3 >= 3.9 with the venv module. Exit code 0 when installed (or already present).
set -euo pipefail

VERSION="${CHECKOV_VERSION:-3.3.30}"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${CHECKOV_VENV:-$ROOT/.venv-checkov}"
PYTHON="${PYTHON:-python3}"
BIN="$VENV/bin/checkov"

# The installed version, from the venv's package metadata: `checkov --version` imports all of checkov (~8 s of CPU).
installed() { "$VENV/bin/python" -c 'from importlib.metadata import version; print(version("checkov"))' 2>/dev/null || true; }

if [ -x "$BIN" ] && [ "$(installed)" = "$VERSION" ]; then
  echo "install-checkov: checkov $VERSION already at $BIN"
  exit 0
fi

if [ ! -x "$VENV/bin/python" ]; then
  "$PYTHON" -m venv "$VENV"
fi
if [ -n "${WANDB_CDKTF_UV:-}" ]; then  # scripts/test.sh passes its uv: seconds instead of minutes
  "$WANDB_CDKTF_UV" pip install --quiet --python "$VENV/bin/python" "checkov==$VERSION"
else
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check "checkov==$VERSION"
fi

got="$(installed)"
if [ "$got" != "$VERSION" ] || [ ! -x "$BIN" ]; then
  echo "install-checkov: expected checkov $VERSION at $BIN, got '$got'" >&2
  exit 1
fi
echo "install-checkov: checkov $VERSION installed at $BIN"
