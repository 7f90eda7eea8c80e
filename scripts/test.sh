#!/usr/bin/env bash
# Set up everything the test suite uses and run it. Works on a fresh clone:
#
#   bash scripts/test.sh [pytest args...]
#
# 1. .venv with wandb-cdktf and its dev extras (pytest, syrupy, hypothesis, moto, python-hcl2);
# 2. checkov 3.3.30 in its own venv (.venv-checkov; its pins conflict with pytest's);
# 3. cdktf-cli 0.21.0 from npm into .cdktf-cli (only if npm exists; the `cdktf synth`/`deploy` tests need it).
# Terraform and a provider mirror are found on the machine (see README "Tests"); tests that need
# a missing tool skip and print why. Exits non-zero on any failure, including "no tests collected".
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
PYTHON="${PYTHON:-python3}"

[ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
.venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip 2>&1 | grep -v '^WARNING: Location' || true
.venv/bin/python -m pip install --quiet --disable-pip-version-check -e '.[dev]' 2>&1 | grep -v '^WARNING: Location' || true
.venv/bin/python -c 'import wandb_cdktf, pytest, syrupy, hypothesis, hcl2, moto' # fail fast if the install failed

bash scripts/install-checkov.sh 2>&1 | grep -v '^WARNING: Location' || echo "checkov not installed: its tests will skip"
if command -v npm >/dev/null 2>&1; then
  bash scripts/install-cdktf-cli.sh || echo "cdktf-cli not installed: its tests will skip"
fi

exec .venv/bin/python -m pytest "$@"
