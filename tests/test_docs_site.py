"""Issue 28 (D): the documentation site (mkdocs.yml: README.md as the front page, docs/ as the task pages) builds
with `mkdocs build --strict`, and strict mode fails on a broken link, a missing anchor and a page left out of the
navigation (mkdocs 1.6 `validation:` settings at `warn`, which --strict turns into failures)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.slow  # mkdocs in a subprocess, a few seconds per build


def _build(config: Path, site: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(config), "--site-dir",
                           str(site)], capture_output=True, text=True, timeout=300, cwd=REPO)


def _copy(tmp_path: Path) -> tuple[Path, Path]:
    """mkdocs.yml over a copy of docs/ (the hook and README stay the repository's)."""
    docs = tmp_path / "docs"
    shutil.copytree(REPO / "docs", docs)
    text = (REPO / "mkdocs.yml").read_text()
    assert "\ndocs_dir: docs\n" in text and "  - scripts/mkdocs_hooks.py\n" in text
    text = text.replace("\ndocs_dir: docs\n", f"\ndocs_dir: {docs}\n").replace(
        "  - scripts/mkdocs_hooks.py\n", f"  - {REPO / 'scripts' / 'mkdocs_hooks.py'}\n")
    config = tmp_path / "mkdocs.yml"
    config.write_text(text)
    return config, docs


def test_site_builds_strictly(tmp_path):
    proc = _build(REPO / "mkdocs.yml", tmp_path / "site")
    assert proc.returncode == 0, proc.stderr[-3000:]
    index = (tmp_path / "site" / "index.html").read_text()
    assert "wandb-cdktf" in index and 'href="deploy.html"' in index  # README is the front page, its docs/ links work
    picture = (tmp_path / "site" / "architecture" / "standard-public-dns.html").read_text()
    assert '<pre class="mermaid">' in picture  # rendered by mermaid.js, not shown as code
    assert (tmp_path / "site" / "repo" / "examples" / "standard-public-dns.yaml").is_file()


@pytest.mark.parametrize("broken, words", [
    ("[x](options.md#no-such-anchor)", "no-such-anchor"),
    ("[x](no-such-page.md)", "no-such-page.md"),
    ("[x](../examples/no-such-example.yaml)", "no-such-example.yaml"),
])
def test_strict_build_fails_on_a_broken_link(tmp_path, broken, words):
    config, docs = _copy(tmp_path)
    with (docs / "deploy.md").open("a") as f:
        f.write(f"\n\nSee {broken}.\n")
    proc = _build(config, tmp_path / "site")
    assert proc.returncode != 0 and words in proc.stderr, proc.stderr[-2000:]


def test_strict_build_fails_on_a_page_missing_from_the_nav(tmp_path):
    config, docs = _copy(tmp_path)
    (docs / "orphan.md").write_text("# Orphan\n")
    proc = _build(config, tmp_path / "site")
    assert proc.returncode != 0 and "orphan.md" in proc.stderr, proc.stderr[-2000:]
