"""Shared fixtures. One jsii runtime per test session; each distinct config is synthesized once."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any, Callable

import pytest

from wandb_cdktf.cli import silence_node_banner

silence_node_banner()  # as the CLI does (the library leaves it to its host): before jsii starts in this session

from wandb_cdktf.config import config_from_mapping  # noqa: E402
from wandb_cdktf.testing import TerraformEnv, synth_to_dir  # noqa: E402

# The base platform configuration most tests start from (post-operator, new VPC).
BASE_CONFIG: dict[str, Any] = {
    "namespace": "wbtest",
    "region": "us-west-2",
    "domain_name": "example.com",
    "subdomain": "wandb",
    "zone_id": "Z0123456789EXAMPLE00",
    "allowed_inbound_cidr": ["0.0.0.0/0"],
    "allowed_inbound_ipv6_cidr": ["::/0"],
    "eks_cluster_version": "1.32",
}


def make_config(**overrides: Any) -> dict[str, Any]:
    data = copy.deepcopy(BASE_CONFIG)
    data.update(overrides)
    return data


class Synth:
    """The result of synthesizing one configuration: stack JSON and output directory."""

    def __init__(self, outdir: Path, stacks: dict[str, dict[str, Any]]) -> None:
        self.outdir = outdir
        self.stacks = stacks

    def stack(self, stack_id: str) -> dict[str, Any]:
        return self.stacks[stack_id]

    def stack_dir(self, stack_id: str) -> Path:
        return self.outdir / "stacks" / stack_id


@pytest.fixture(scope="session")
def synth(tmp_path_factory: pytest.TempPathFactory) -> Callable[..., Synth]:
    """synth(config_dict) -> Synth, cached per distinct configuration for the whole session."""
    cache: dict[str, Synth] = {}

    def _synth(data: dict[str, Any]) -> Synth:
        key = json.dumps(data, sort_keys=True)
        if key not in cache:
            outdir = tmp_path_factory.mktemp("synth")
            stacks = synth_to_dir(config_from_mapping(copy.deepcopy(data)), outdir)
            cache[key] = Synth(outdir, stacks)
        return cache[key]

    return _synth


@pytest.fixture(scope="session")
def tf_env(tmp_path_factory: pytest.TempPathFactory) -> TerraformEnv:
    """Terraform CLI + local hashicorp/aws 5.100.0 mirror, or skip with the reason printed."""
    env = TerraformEnv.discover(tmp_path_factory.mktemp("tfcli"))
    if isinstance(env, str):
        print(f"SKIP terraform tests: {env}")
        pytest.skip(env)
    return env


@pytest.fixture(scope="session")
def tf_validate(tf_env: TerraformEnv) -> Callable[[Path], None]:
    """tf_validate(stack_dir): run terraform init+validate and fail with Terraform's own messages."""
    done: set[Path] = set()

    def _validate(stack_dir: Path) -> None:
        if stack_dir in done:
            return
        result = tf_env.validate(stack_dir)
        if result.returncode != 0:
            detail = result.stdout + result.stderr
            try:
                diags = json.loads(result.stdout).get("diagnostics", [])
                detail = "\n".join(f"{d['severity']}: {d['summary']}: {d.get('detail', '')} @ {d.get('address', '')}" for d in diags)
            except (ValueError, AttributeError):
                pass
            pytest.fail(f"terraform validate failed in {stack_dir.name}:\n{detail}")
        done.add(stack_dir)

    return _validate
