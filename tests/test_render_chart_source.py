"""Where the render tests get a chart (issue 26; docs/rendering.md "How a release is evaluated"):
``$WANDB_CDKTF_CHARTS``, else ../shared/charts, else ``helm pull`` from the chart's repository into the
git-ignored .helm/charts; a chart none of them gives fails under CI=true and skips with the reason elsewhere.

These machines are offline: the failing pull is the real Helm against an unreachable repository, the succeeding one
a fake ``helm`` that writes the archive where ``helm pull --destination`` would.
"""

from __future__ import annotations

import io
import tarfile
from pathlib import Path

import pytest

import _render_support as r

pytestmark = pytest.mark.slow

UNREACHABLE = "http://127.0.0.1:9/charts"  # the discard port: nothing listens, the connection is refused


@pytest.fixture
def no_chart_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty $WANDB_CDKTF_CHARTS and an empty pull cache."""
    charts = tmp_path / "charts"
    charts.mkdir()
    monkeypatch.setenv(r.CHARTS_ENV, str(charts))
    monkeypatch.setattr(r, "PULLED_CHARTS", tmp_path / "pulled")
    return tmp_path


def _chart_tgz(name: str, version: str) -> bytes:
    """A minimal chart package: one ConfigMap naming the chart."""
    files = {
        f"{name}/Chart.yaml": f"apiVersion: v2\nname: {name}\nversion: {version}\n",
        f"{name}/templates/cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: pulled-{{ .Chart.Version }}\n",
    }
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as tar:
        for path, text in files.items():
            data = text.encode()
            info = tarfile.TarInfo(path)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return buf.getvalue()


def _unreachable(monkeypatch: pytest.MonkeyPatch) -> None:
    r.helm_binary()  # the real Helm (installed by scripts/install-helm.sh if missing)
    monkeypatch.setitem(r.CHART_REPOSITORIES, "external-dns", UNREACHABLE)


def test_missing_chart_fails_under_ci_naming_it(no_chart_cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _unreachable(monkeypatch)
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception) as failed:
        r.chart_archive("external-dns", "1.18.0")
    assert "external-dns 1.18.0" in str(failed.value) and f"helm pull from {UNREACHABLE} failed" in str(failed.value)
    assert not (no_chart_cache / "pulled" / "external-dns-1.18.0.tgz").exists()


def test_missing_chart_skips_with_the_reason_outside_ci(no_chart_cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _unreachable(monkeypatch)
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception) as skipped:
        r.chart_archive("external-dns", "1.18.0")
    reason = str(skipped.value)
    assert "external-dns 1.18.0 not in $WANDB_CDKTF_CHARTS" in reason and f"helm pull from {UNREACHABLE} failed" in reason
    assert "connection refused" in reason.lower(), reason  # Helm's own error, not a made-up one


def test_a_chart_without_a_known_repository_is_not_pulled(no_chart_cache: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(r.HELM_ENV, str(no_chart_cache / "no-such-helm"))  # a pull would fail on this, differently
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception) as skipped:
        r.chart_archive("not-a-chart", "0.0.1")
    assert "no chart repository known" in str(skipped.value)


def test_a_pulled_chart_is_cached_and_rendered(no_chart_cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real_helm = r.helm_binary()
    archive = no_chart_cache / "served.tgz"
    archive.write_bytes(_chart_tgz("external-dns", "1.18.0"))
    calls = no_chart_cache / "calls"
    fake = no_chart_cache / "helm"
    fake.write_text(f"""#!/bin/sh
echo "$@" >> {calls}
[ "$1" = pull ] || exit 2
while [ $# -gt 0 ]; do [ "$1" = --destination ] && dest=$2; shift; done
mkdir -p "$dest" && cp {archive} "$dest/external-dns-1.18.0.tgz"
""")
    fake.chmod(0o755)
    monkeypatch.setenv(r.HELM_ENV, str(fake))
    monkeypatch.setenv("CI", "true")  # a pull that does not happen fails here rather than skipping

    path = r.chart_archive("external-dns", "1.18.0")
    assert path == no_chart_cache / "pulled" / "external-dns-1.18.0.tgz"
    assert path.read_bytes() == archive.read_bytes()
    [call] = calls.read_text().splitlines()
    assert call.startswith(f"pull external-dns --repo {r.CHART_REPOSITORIES['external-dns']} --version 1.18.0 "
                           "--destination "), call
    assert r.chart_archive("external-dns", "1.18.0") == path and len(calls.read_text().splitlines()) == 1

    monkeypatch.setenv(r.HELM_ENV, real_helm)
    release = r.Release(address="external-dns", name="external-dns", chart="external-dns", version="1.18.0",
                        namespace="kube-system", values=[])
    objects = r.render_release(release, "1.32")
    assert [(o["kind"], o["metadata"]["name"]) for o in objects] == [("ConfigMap", "pulled-1.18.0")]
