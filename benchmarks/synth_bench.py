"""Synthesis wall time: lazy provider loading (ours) versus eager provider imports (baseline).

Each measurement is a fresh Python process synthesizing the same configuration:
- ours:     `wandb_cdktf` as shipped (only the used provider submodules are imported);
- baseline: the same, after `import cdktf_cdktf_provider_<x>` of every provider package
            the configuration's stacks use (the normal, eager way).
Prints both median times, their ratio, and checks that both outputs are byte-identical.

    python benchmarks/synth_bench.py [--config FILE] [--repeat 3]

Target (issue 2): ratio <= 0.35 for the AWS post-operator example.
"""

from __future__ import annotations

import argparse
import filecmp
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

CHILD = r"""
import importlib, sys
eager = [p for p in sys.argv[2].split(",") if p]
for package in eager:
    importlib.import_module(package)  # runs the package's eager __init__ (all submodules)
sys.path.insert(0, {src!r})
from wandb_cdktf.config import load_config
from wandb_cdktf.testing import synth_to_dir
synth_to_dir(load_config(sys.argv[3] or None), sys.argv[1])
"""


def providers_for(config_path: str | None) -> list[str]:
    """Provider packages the configured stacks use (what a non-lazy app would import)."""
    sys.path.insert(0, str(REPO / "src"))
    from wandb_cdktf.config import load_config

    cfg = load_config(config_path)
    packages = {"cdktf_cdktf_provider_aws"} if cfg.create_platform else set()
    if cfg.create_platform:
        packages.add("cdktf_cdktf_provider_kubernetes" if cfg.deployment == "pre-operator" else "cdktf_cdktf_provider_helm")
    for section in (cfg.byob, cfg.launch):
        if section is not None:
            for cloud in section.clouds():
                packages.add({"aws": "cdktf_cdktf_provider_aws", "gcp": "cdktf_cdktf_provider_google",
                              "azure": "cdktf_cdktf_provider_azurerm"}[cloud])
    return sorted(packages)


def run(outdir: Path, eager: list[str], config_path: str | None) -> float:
    code = CHILD.format(src=str(REPO / "src"))
    env = {**os.environ, "JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION": ",".join(str(v) for v in range(14, 41))}
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", code, str(outdir), ",".join(eager), config_path or ""], check=True, env=env)
    return time.perf_counter() - start


def same_tree(a: Path, b: Path) -> bool:
    cmp = filecmp.dircmp(a, b)
    if cmp.left_only or cmp.right_only or cmp.diff_files or cmp.funny_files:
        return False
    return all(same_tree(a / d, b / d) for d in cmp.common_dirs)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--config", default=None, help="config file (default: the embedded post-operator example)")
    parser.add_argument("--repeat", type=int, default=3, help="runs per variant; the median is reported (default 3)")
    args = parser.parse_args()
    eager = providers_for(args.config)
    ours, base = [], []
    with tempfile.TemporaryDirectory() as tmp:
        run(Path(tmp) / "warm", eager, args.config)  # warm the OS file cache for both variants
        for i in range(args.repeat):
            base.append(run(Path(tmp) / f"base-{i}", eager, args.config))
            ours.append(run(Path(tmp) / f"ours-{i}", [], args.config))
        identical = same_tree(Path(tmp) / "base-0" / "stacks", Path(tmp) / "ours-0" / "stacks")
    b, o = statistics.median(base), statistics.median(ours)
    print(f"config: {args.config or '<embedded example>'}; providers: {', '.join(eager)}; runs: {args.repeat}")
    print(f"baseline (eager provider imports): {b:6.2f} s  {[round(x, 2) for x in base]}")
    print(f"wandb-cdktf (lazy bindings):       {o:6.2f} s  {[round(x, 2) for x in ours]}")
    print(f"ratio ours/baseline: {o / b:.3f}  (target <= 0.35)")
    print(f"outputs byte-identical: {identical}")
    return 0 if identical else 1


if __name__ == "__main__":
    sys.exit(main())
