"""Write docs/architecture/: the `wandb-cdktf diagram` of every example, one page each, and an index.

    python scripts/gen_diagrams.py          # rewrite the pages (synthesizes every example: a minute or two)
    python scripts/gen_diagrams.py --check  # exit 1 if a page is stale (tests/test_diagram.py checks the same)
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from wandb_cdktf.config import load_config  # noqa: E402
from wandb_cdktf.diagram import diagram_from_outdir, example_page, index_page  # noqa: E402
from wandb_cdktf.testing import synth_to_dir  # noqa: E402

OUT = REPO / "docs" / "architecture"


def examples() -> list[str]:
    return sorted(p.name for p in (REPO / "examples").iterdir() if p.suffix in {".yaml", ".tfvars"})


def pages() -> dict[Path, str]:
    result = {OUT / "index.md": index_page(examples())}
    for name in examples():
        with tempfile.TemporaryDirectory() as tmp:
            synth_to_dir(load_config(REPO / "examples" / name), tmp)
            result[OUT / f"{name.rsplit('.', 1)[0]}.md"] = example_page(name, diagram_from_outdir(Path(tmp)))
    return result


def main(argv: list[str]) -> int:
    wanted = pages()
    if "--check" in argv:
        stale = [str(p.relative_to(REPO)) for p, text in wanted.items() if not p.is_file() or p.read_text() != text]
        if stale:
            print("stale: " + ", ".join(stale) + "; run python scripts/gen_diagrams.py", file=sys.stderr)
            return 1
        return 0
    OUT.mkdir(parents=True, exist_ok=True)
    for path, text in wanted.items():
        path.write_text(text)
    print(f"wrote {len(wanted)} pages under {OUT.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
