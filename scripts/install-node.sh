#!/usr/bin/env bash
# Install Node.js from the npm registry (tools/node/package-lock.json: Node 22 LTS, which jsii supports) into the
# git-ignored .node/, for jsii (every synthesis) and cdktf-cli. The machine's own Node may be one jsii no longer
# supports (Node 20 since 2026-10-30): scripts/test.sh puts .node/node_modules/.bin first on PATH. Idempotent.
#
#   bash scripts/install-node.sh          # -> .node/node_modules/.bin/node
#
# Needs npm (any Node >= 18 runs it). The package for this machine's CPU is installed; the other is skipped.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bash "$ROOT/scripts/npm-ci-lock.sh" node "$ROOT/.node"
echo "install-node: Node.js $("$ROOT/.node/node_modules/.bin/node" --version) at $ROOT/.node/node_modules/.bin/node"
