#!/usr/bin/env bash
# Install cdktf-cli (pinned to the cdktf library version) into a local, git-ignored
# directory so the emulator tests can drive `cdktf deploy`. Idempotent.
#
#   scripts/install-cdktf-cli.sh            # -> .cdktf-cli/node_modules/.bin/cdktf
#   CDKTF_CLI_DIR=/opt/cdktf scripts/install-cdktf-cli.sh
#
# The tests find the binary via $WANDB_CDKTF_CDKTF_CLI, then <repo>/.cdktf-cli, then PATH.
# Needs Node.js >= 18 and npm. Exit code 0 when installed (or already present).
set -euo pipefail

VERSION="${CDKTF_CLI_VERSION:-0.21.0}"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DIR="${CDKTF_CLI_DIR:-$ROOT/.cdktf-cli}"
BIN="$DIR/node_modules/.bin/cdktf"

if ! command -v npm >/dev/null 2>&1; then
  echo "install-cdktf-cli: npm not found; install Node.js >= 18 first" >&2
  exit 1
fi

if [ -x "$BIN" ] && [ "$("$BIN" --version 2>/dev/null | tr -d '[:space:]')" = "$VERSION" ]; then
  echo "install-cdktf-cli: cdktf-cli $VERSION already at $BIN"
  exit 0
fi

mkdir -p "$DIR"
if [ ! -f "$DIR/package.json" ]; then
  printf '{\n  "name": "wandb-cdktf-cli",\n  "private": true\n}\n' > "$DIR/package.json"
fi
# --no-fund/--no-audit keep CI logs short; CHECKPOINT_DISABLE stops cdktf phoning home later.
npm install --prefix "$DIR" --no-fund --no-audit --loglevel=error "cdktf-cli@$VERSION"
echo "install-cdktf-cli: installed $("$BIN" --version) at $BIN"
