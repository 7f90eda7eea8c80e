"""CDKTF app entry point (`cdktf synth` runs this; so can `python main.py`).

Reads the configuration named by WANDB_CDKTF_CONFIG (YAML, JSON or .tfvars),
or the embedded example, and synthesizes to CDKTF_OUTDIR or ./cdktf.out.
"""

import sys
from pathlib import Path

# Running from a source checkout without `pip install -e .` still works.
_src = Path(__file__).resolve().parent / "src"
if _src.is_dir() and str(_src) not in sys.path:
    sys.path.insert(0, str(_src))

from wandb_cdktf.cli import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main())
