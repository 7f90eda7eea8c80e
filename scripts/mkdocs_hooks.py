"""mkdocs hooks (mkdocs.yml ``hooks:``): the repository's Markdown works the same on GitHub and on the site.

- README.md is the site's front page (``index.md``): its links into ``docs/`` point at the pages there.
- A link from a page to a repository file outside ``docs/`` (``../examples/byob-aws.yaml``,
  ``../security/README.md``) is rewritten to a copy of that file under ``repo/`` in the site, which this hook
  adds. Only files that exist are added, so a link to a missing file stays broken and ``mkdocs build
  --strict`` fails on it, as on any broken link or anchor.
"""

from __future__ import annotations

import posixpath
import re
from pathlib import Path
from typing import Any

from mkdocs.structure.files import File, Files, InclusionLevel

REPO = Path(__file__).resolve().parents[1]
_LINK = re.compile(r"(\]\()([^)\s#]+)(#[^)\s]*)?(\))")
_EXTERNAL = ("http://", "https://", "mailto:", "#", "/")
_REPO_PREFIX = "repo/"


def _origin(src_uri: str, abs_src_path: str | None) -> str:
    """The repository path of a page's Markdown: README.md for the front page, the file itself for a repository
    file, docs/<page> for the pages (wherever docs_dir is, e.g. a copy in a test)."""
    if src_uri == "index.md" and abs_src_path and Path(abs_src_path).resolve() == REPO / "README.md":
        return "README.md"
    if src_uri.startswith(_REPO_PREFIX):
        return src_uri[len(_REPO_PREFIX):]
    return "docs/" + src_uri


def _target(origin: str, link: str) -> str:
    return posixpath.normpath(posixpath.join(posixpath.dirname(origin), link))


def _outside_links(text: str, origin: str) -> list[str]:
    found = []
    for m in _LINK.finditer(text):
        link = m.group(2)
        if link.startswith(_EXTERNAL):
            continue
        target = _target(origin, link)
        if not target.startswith("docs/") and not target.startswith("../"):
            found.append(target)
    return found


def on_files(files: Files, config: Any) -> Files:
    readme = REPO / "README.md"
    if files.get_file_from_path("index.md") is None:
        files.append(File.generated(config, "index.md", abs_src_path=str(readme)))
    pending = [(_origin(f.src_uri, f.abs_src_path), Path(f.abs_src_path))
               for f in files.documentation_pages() if f.abs_src_path]
    added: set[str] = set()
    while pending:
        origin, page = pending.pop()
        for target in _outside_links(page.read_text(encoding="utf-8"), origin):
            path = REPO / target
            if target in added or target == "README.md" or not path.is_file():
                continue
            added.add(target)
            files.append(File.generated(config, _REPO_PREFIX + target, abs_src_path=str(path),
                                        inclusion=InclusionLevel.NOT_IN_NAV))
            if path.suffix == ".md":
                pending.append((target, path))
    return files


def on_page_markdown(markdown: str, page: Any, config: Any, files: Files) -> str:
    origin = _origin(page.file.src_uri, page.file.abs_src_path)
    site_dir = posixpath.dirname(page.file.src_uri)

    def rewrite(m: re.Match[str]) -> str:
        link, anchor = m.group(2), m.group(3) or ""
        if link.startswith(_EXTERNAL):
            return m.group(0)
        target = _target(origin, link)
        if target.startswith("docs/"):
            new = posixpath.relpath(target[len("docs/"):], site_dir or ".")
        elif target == "README.md":
            new = posixpath.relpath("index.md", site_dir or ".")
        else:
            new = posixpath.relpath(_REPO_PREFIX + target, site_dir or ".")
        return f"{m.group(1)}{new}{anchor}{m.group(4)}"

    return _LINK.sub(rewrite, markdown)
