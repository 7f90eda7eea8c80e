#!/usr/bin/env bash
# Install Node.js from the npm registry (tools/node/package-lock.json: an LTS that jsii supports) into the
# git-ignored .node/, for jsii (every synthesis) and cdktf-cli. The machine's own Node may be one jsii no longer
# supports (Node 20 since 2026-10-30): scripts/test.sh puts .node/node_modules/.bin first on PATH. Idempotent.
#
#   bash scripts/install-node.sh          # -> .node/node_modules/.bin/node
#
# Needs npm (any Node >= 18 runs it). The package for this machine's CPU is installed; the other is skipped.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DIR="$ROOT/.node"
BIN="$DIR/node_modules/.bin/node"

if ! command -v npm >/dev/null 2>&1; then
  echo "install-node: npm not found; install Node.js >= 18 (with npm) first" >&2
  exit 1
fi
if [ -x "$BIN" ] && cmp -s "$ROOT/tools/node/package-lock.json" "$DIR/package-lock.json"; then
  echo "install-node: Node.js $("$BIN" --version) already at $BIN"
  exit 0
fi
rm -rf "$DIR"
mkdir -p "$DIR"
cp "$ROOT/tools/node/package.json" "$ROOT/tools/node/package-lock.json" "$DIR/"
# npm ci installs exactly the lock (integrity-checked) and fails if package.json and the lock disagree.
(cd "$DIR" && npm ci --no-fund --no-audit --loglevel=error)
echo "install-node: installed Node.js $("$BIN" --version) at $BIN"
