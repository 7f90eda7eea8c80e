"""Pre-operator -> post-operator is an in-place change of the infra stack; upgrades touch one stack only."""

from __future__ import annotations

import pytest

from _support import make_config
from wandb_cdktf.config import config_from_mapping
from wandb_cdktf.migration import STATEFUL_TYPES, stateful_changes
from wandb_cdktf.testing import normalize, synth_to_dir

PRE = make_config(deployment="pre-operator")
POST = make_config(deployment="post-operator")


def test_every_stateful_resource_keeps_address_and_arguments(synth):
    pre = synth(PRE).stack("wbtest-infra")
    post = synth(POST).stack("wbtest-infra")
    present = [t for t in STATEFUL_TYPES if t in pre["resource"]]
    assert len(present) >= 12, present  # the check covers real resources, not an empty set
    assert stateful_changes(pre, post) == []


def test_shapes_differ_only_in_their_own_resources(synth):
    pre = synth(PRE)
    post = synth(POST)
    assert "wbtest-app" in pre.stacks and "wbtest-operator" not in pre.stacks
    assert "wbtest-operator" in post.stacks and "wbtest-app" not in post.stacks
    assert "aws_lb" in pre.stack("wbtest-infra")["resource"]
    assert "aws_lb" not in post.stack("wbtest-infra")["resource"]
    assert "aws_efs_file_system" in post.stack("wbtest-infra")["resource"]


def test_renamed_construct_id_is_caught(synth, tmp_path, monkeypatch):
    """If someone renames the database construct id, the migration check must fail."""
    import wandb_cdktf.stacks.infra as infra_module

    original = infra_module.Database

    def renamed(scope, construct_id, props):
        return original(scope, "aurora" if construct_id == "database" else construct_id, props)

    monkeypatch.setattr(infra_module, "Database", renamed)
    stacks = synth_to_dir(config_from_mapping(POST), tmp_path)
    problems = stateful_changes(synth(PRE).stack("wbtest-infra"), stacks["wbtest-infra"])
    assert any(p.startswith("aws_rds_cluster.database_cluster") and "destroyed" in p for p in problems), problems
    assert any(p.startswith("aws_rds_cluster_instance.") for p in problems)


def test_changed_argument_is_caught(synth):
    pre = synth(PRE).stack("wbtest-infra")
    other = synth(make_config(deployment="post-operator", size="large")).stack("wbtest-infra")
    problems = stateful_changes(pre, other)
    assert any(p.startswith("aws_rds_cluster_instance.") and "instance_class" in p for p in problems)


@pytest.mark.parametrize("option,value,changed", [
    ("wandb_version", "0.70.0", "wbtest-app"),
])
def test_app_upgrade_changes_only_the_app_stack(synth, option, value, changed):
    base = synth(PRE)
    upgraded = synth(make_config(deployment="pre-operator", **{option: value}))
    diff = [sid for sid in base.stacks if normalize(base.stack(sid)) != normalize(upgraded.stack(sid))]
    assert diff == [changed]


@pytest.mark.parametrize("option,value", [("operator_chart_version", "1.5.0"), ("controller_image_tag", "1.21.0")])
def test_operator_upgrade_changes_only_the_operator_stack(synth, option, value):
    base = synth(POST)
    upgraded = synth(make_config(deployment="post-operator", **{option: value}))
    diff = [sid for sid in base.stacks if normalize(base.stack(sid)) != normalize(upgraded.stack(sid))]
    assert diff == ["wbtest-operator"]
