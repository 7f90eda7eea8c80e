#!/usr/bin/env bash
# Install cdktf-cli from tools/cdktf-cli/package-lock.json (cdktf-cli pinned to the cdktf library version, every
# dependency locked with its integrity hash) into a local, git-ignored directory, so the tests can drive
# `cdktf synth` and `cdktf deploy`. Idempotent.
#
#   bash scripts/install-cdktf-cli.sh            # -> .cdktf-cli/node_modules/.bin/cdktf
#   CDKTF_CLI_DIR=/opt/cdktf bash scripts/install-cdktf-cli.sh
#
# The tests find the binary via $WANDB_CDKTF_CDKTF_CLI, then <repo>/.cdktf-cli, then PATH. It runs on the first
# `node` on PATH, which must be Node 22 (scripts/install-node.sh; tools/node/package.json says why not 24).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DIR="${CDKTF_CLI_DIR:-$ROOT/.cdktf-cli}"
bash "$ROOT/scripts/npm-ci-lock.sh" cdktf-cli "$DIR"
echo "install-cdktf-cli: cdktf-cli $(sed -n 's/.*"version": "\([^"]*\)".*/\1/p' "$DIR/node_modules/cdktf-cli/package.json" | head -1) at $DIR/node_modules/.bin/cdktf"
