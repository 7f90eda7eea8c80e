#!/usr/bin/env bash
# Resolve the test environment's locks (tools/README.md):
#
#   bash scripts/lock.sh            # lock what changed in an input; versions already locked stay
#   bash scripts/lock.sh --upgrade  # re-resolve everything to the newest versions the inputs allow
#
# `bash scripts/test.sh --upgrade` calls this with --upgrade, runs the whole suite and keeps the result only
# when it is green; run this alone after editing an input (pyproject.toml, tools/*.in, tools/*/package.json).
# Needs uv (.venv-uv/bin/uv, which scripts/test.sh installs, or on PATH) and npm.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
UV="${WANDB_CDKTF_UV:-.venv-uv/bin/uv}"
[ -x "$UV" ] || UV="$(command -v uv)"
upgrade=()
npm_reset=0
if [ "${1:-}" = "--upgrade" ]; then
  upgrade=(--upgrade)
  npm_reset=1
fi
"$UV" lock "${upgrade[@]}"
for tool in uv checkov; do
  # --universal: one lock for every Python >= 3.11 and platform; hashes for pip/uv --require-hashes.
  "$UV" pip compile --quiet --universal --python-version 3.11 --generate-hashes "${upgrade[@]}" \
    --custom-compile-command "bash scripts/lock.sh" "tools/$tool.in" -o "tools/$tool.txt"
done
for dir in tools/node tools/cdktf-cli; do
  [ "$npm_reset" -eq 1 ] && rm -f "$dir/package-lock.json"
  (cd "$dir" && npm install --package-lock-only --no-fund --no-audit --loglevel=error)
done
echo "lock.sh: locks written (git diff uv.lock tools/)"
