"""Every example deployment under examples/ synthesizes, validates with Terraform, and matches its snapshot."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

from _support import synth_file
from wandb_cdktf.config import load_config
from wandb_cdktf.testing import load_stacks, normalize, one_resource

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
# byob-* and launch-* examples are covered (and snapshotted) by their own test modules.
PLATFORM_EXAMPLES = sorted(
    p.name for p in EXAMPLES.iterdir()
    if p.suffix in {".yaml", ".tfvars"} and not p.name.startswith(("byob-", "launch-"))
)


@pytest.fixture(scope="module")
def synthesized():
    def _get(name: str):
        result = synth_file(EXAMPLES / name)
        return result.outdir, result.stacks

    return _get


def test_examples_exist():
    assert {"standard-public-dns.yaml", "private-only.yaml", "byo-vpc.yaml", "external-bucket.yaml"} <= set(PLATFORM_EXAMPLES)


@pytest.mark.parametrize("name", PLATFORM_EXAMPLES)
def test_example_snapshot(synthesized, snapshot, name):
    _, stacks = synthesized(name)
    cfg = load_config(EXAMPLES / name)
    assert sorted(stacks) == sorted(cfg.stack_ids.values())
    assert {sid: normalize(doc) for sid, doc in stacks.items()} == snapshot


@pytest.mark.terraform
@pytest.mark.parametrize("name", PLATFORM_EXAMPLES)
def test_example_infra_validates(synthesized, tf_validate, name):
    tf_validate(_infra_dir(synthesized, name), *(_infra_dir(synthesized, other) for other in PLATFORM_EXAMPLES))


def _infra_dir(synthesized, name):
    outdir, stacks = synthesized(name)
    return outdir / "stacks" / next(sid for sid in stacks if sid.endswith("-infra"))


def test_private_only_example_is_internal(synthesized):
    _, stacks = synthesized("private-only.yaml")
    assert len(stacks["wandb-private-infra"]["resource"]["aws_nat_gateway"]) == 1
    releases = stacks["wandb-private-operator"]["resource"]["helm_release"]
    cr = next(r for r in releases.values() if r["name"] == "wandb-cr")
    assert "internal" in cr["values"][0] and "internet-facing" not in cr["values"][0]


def test_external_bucket_example_creates_no_bucket(synthesized):
    _, stacks = synthesized("external-bucket.yaml")
    infra = stacks["wandb-extbkt-infra"]
    assert "aws_s3_bucket" not in infra["resource"] and "aws_sqs_queue" not in infra["resource"]
    (policy,) = infra["resource"]["aws_iam_role_policy"].values()
    stmts = {s["Sid"]: s for s in json.loads(policy["policy"])["Statement"]}
    assert stmts["BucketList"]["Resource"] == "arn:${data.aws_partition.account-partition.partition}:s3:::acme-wandb-artifacts"
    assert stmts["BucketKey"]["Resource"].startswith("arn:aws:kms:us-west-2:123456789012:key/")


def test_own_cdktf_app_example(tmp_path, tf_env):
    spec = importlib.util.spec_from_file_location("own_cdktf_app", EXAMPLES / "own_cdktf_app.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.build(str(tmp_path)).synth()
    stack = load_stacks(tmp_path)["ml-platform"]
    assert one_resource(stack, "aws_kms_key")["deletion_window_in_days"] == 30
    assert one_resource(stack, "aws_s3_bucket")["bucket_prefix"] == "mlp-wandb-file-storage-"
    policy = one_resource(stack, "aws_iam_role_policy")
    assert policy["role"] == "${aws_iam_role.wandb-server-role.name}"
    result = tf_env.validate(tmp_path / "stacks" / "ml-platform")
    assert result.returncode == 0, result.stdout + result.stderr


def test_minio_platform_example_uses_the_store(synthesized):
    """examples/minio-platform.yaml: no S3 bucket or queue; the chart reads the MinIO bucket with the
    write-only credentials Secret, and bucket_path carries the documented ?region=&tls= query."""
    _, stacks = synthesized("minio-platform.yaml")
    infra, operator = stacks["wandb-minio-infra"], stacks["wandb-minio-operator"]
    assert not [t for t in infra["resource"] if t.startswith(("aws_s3_bucket", "aws_sqs"))]
    secret = one_resource({"resource": {"kubernetes_secret_v1": {
        k: v for k, v in operator["resource"]["kubernetes_secret_v1"].items() if k.startswith("bucket-credentials")}}},
        "kubernetes_secret_v1")
    assert set(secret["data_wo"]) == {"ACCESS_KEY", "SECRET_KEY"} and "data" not in secret
    cr = next(r for r in operator["resource"]["helm_release"].values() if r["name"] == "wandb-cr")
    assert '"name" = "minio.storage.example.com:9000/wandb-files"' in cr["values"][0]
    assert '"path" = "instance?region=us-east-1&tls=true"' in cr["values"][0]


def test_private_link_example_is_private_only(synthesized):
    """examples/private-link.yaml: private-only PrivateLink with a certificate validated in a public zone while
    the W&B records stay in the private zone (README "PrivateLink")."""
    _, stacks = synthesized("private-link.yaml")
    infra, op = stacks["wandb-plink-infra"], stacks["wandb-plink-operator"]
    (service,) = infra["resource"]["aws_vpc_endpoint_service"].values()
    assert len(service["allowed_principals"]) == 2
    (nlb,) = [lb for lb in infra["resource"]["aws_lb"].values() if lb["load_balancer_type"] == "network"]
    assert nlb["internal"] is True and nlb["enforce_security_group_inbound_rules_on_private_link_traffic"] == "on"
    (record,) = infra["resource"]["aws_route53_record"].values()
    assert record["zone_id"] == "Z0PUBLICZONE00000003"
    assert "aws_lb_target_group_attachment" in op["resource"]
    cr = next(r for r in op["resource"]["helm_release"].values() if r["name"] == "wandb-cr")
    assert "internal" in cr["values"][0] and "internet-facing" not in cr["values"][0]


@pytest.mark.parametrize("name", sorted(p.name for p in EXAMPLES.iterdir() if p.suffix in {".yaml", ".tfvars"}))
def test_every_stack_declares_the_terraform_floor(name):
    """Ephemeral resources need Terraform 1.10 and write-only arguments 1.11 (Terraform's v1.10/v1.11 changelogs);
    1.10 fails on them with an obscure ephemeral-value error. Each stack's ``terraform {}`` block names the floor,
    so Terraform itself refuses an older CLI by name, and the provider versions the stacks were tested with."""
    from wandb_cdktf.stacks.base import TERRAFORM_REQUIRED_VERSION

    assert TERRAFORM_REQUIRED_VERSION == ">= 1.11.0, < 2.0.0"
    stacks = synth_file(EXAMPLES / name).stacks
    assert stacks
    for sid, doc in stacks.items():
        block = doc["terraform"]
        assert block["required_version"] == TERRAFORM_REQUIRED_VERSION, sid
        assert block["required_providers"] and all(p["version"] for p in block["required_providers"].values()), sid
