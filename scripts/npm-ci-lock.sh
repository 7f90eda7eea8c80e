#!/usr/bin/env bash
# npm-ci-lock.sh TOOL DIR: install tools/TOOL/package-lock.json (exact versions, integrity-checked) into DIR with
# `npm ci`, which also fails when tools/TOOL/package.json and the lock disagree. Idempotent: nothing happens when
# DIR already holds that lock. Used by scripts/install-node.sh and scripts/install-cdktf-cli.sh.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TOOL="$1"
DIR="$2"
if ! command -v npm >/dev/null 2>&1; then
  echo "install-$TOOL: npm not found; install Node.js >= 18 (with npm) first" >&2
  exit 1
fi
if [ -d "$DIR/node_modules" ] && cmp -s "$ROOT/tools/$TOOL/package-lock.json" "$DIR/package-lock.json"; then
  exit 0
fi
rm -rf "$DIR"
mkdir -p "$DIR"
cp "$ROOT/tools/$TOOL/package.json" "$ROOT/tools/$TOOL/package-lock.json" "$DIR/"
# --no-fund/--no-audit keep CI logs short.
(cd "$DIR" && npm ci --no-fund --no-audit --loglevel=error)
