#!/usr/bin/env bash
# Install cdktf-cli from tools/cdktf-cli/package-lock.json (cdktf-cli pinned to the cdktf library version, every
# dependency locked with its integrity hash) into a local, git-ignored directory, so the tests can drive
# `cdktf synth` and `cdktf deploy`. Idempotent.
#
#   bash scripts/install-cdktf-cli.sh            # -> .cdktf-cli/node_modules/.bin/cdktf
#   CDKTF_CLI_DIR=/opt/cdktf bash scripts/install-cdktf-cli.sh
#
# The tests find the binary via $WANDB_CDKTF_CDKTF_CLI, then <repo>/.cdktf-cli, then PATH. It runs on the first
# `node` on PATH: scripts/test.sh puts the locked Node (scripts/install-node.sh) there.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DIR="${CDKTF_CLI_DIR:-$ROOT/.cdktf-cli}"
BIN="$DIR/node_modules/.bin/cdktf"

if ! command -v npm >/dev/null 2>&1; then
  echo "install-cdktf-cli: npm not found; install Node.js >= 18 first" >&2
  exit 1
fi
if [ -x "$BIN" ] && cmp -s "$ROOT/tools/cdktf-cli/package-lock.json" "$DIR/package-lock.json"; then
  echo "install-cdktf-cli: cdktf-cli $("$BIN" --version 2>/dev/null | head -1) already at $BIN"
  exit 0
fi
rm -rf "$DIR"
mkdir -p "$DIR"
cp "$ROOT/tools/cdktf-cli/package.json" "$ROOT/tools/cdktf-cli/package-lock.json" "$DIR/"
# --no-fund/--no-audit keep CI logs short; npm ci installs exactly the lock and fails if it is stale.
(cd "$DIR" && npm ci --no-fund --no-audit --loglevel=error)
echo "install-cdktf-cli: installed cdktf-cli $("$BIN" --version 2>/dev/null | head -1) at $BIN"
