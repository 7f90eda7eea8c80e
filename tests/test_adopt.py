"""`wandb-cdktf adopt`: map a terraform-aws-wandb workspace's `terraform show -json` onto <ns>-infra (issue 13 §2).

The fixture below is a `terraform show -json` document laid out like a v8.0.0 workspace (module
addresses read from terraform-aws-wandb v8.0.0: modules kms, file_storage, networking -> vpc 4.x,
database -> rds-aurora 7.7.1, redis, app_eks -> eks 20.x, acm), written here, not taken from v8.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from wandb_cdktf.adopt import plan_takeover
from wandb_cdktf.config import ConfigError, config_from_mapping

REPO = Path(__file__).resolve().parents[1]
NS = "wbadopt"
ACCOUNT = "123456789012"
REGION = "us-west-2"

TFVARS = f"""
namespace                 = "{NS}"
license                   = "adopt-fixture-license-77"
domain_name               = "example.com"
subdomain                 = "wandb"
zone_id                   = "Z0123456789EXAMPLE00"
allowed_inbound_cidr      = ["0.0.0.0/0"]
allowed_inbound_ipv6_cidr = ["::/0"]
eks_cluster_version       = "1.32"
kubernetes_legacy_cluster_creator_admin = false
enable_clickhouse         = false
"""


def _r(address: str, values: dict) -> dict:
    rtype, name = address.rsplit(".", 2)[-2], address.rsplit(".", 1)[-1]
    return {"address": address, "mode": "managed", "type": rtype, "name": name.split("[")[0], "values": values}


def v8_show_json(namespace: str = NS) -> dict:
    vpc = "module.networking.module.vpc."
    res = [
        _r("module.kms.aws_kms_key.key", {"id": "1234abcd-12ab-34cd-56ef-1234567890ab"}),
        _r("module.kms.aws_kms_alias.key", {"id": f"alias/{namespace}-kms-alias", "name": f"alias/{namespace}-kms-alias"}),
        _r("module.file_storage.random_pet.file_storage", {"id": "happy-otter"}),
        _r("module.file_storage.aws_s3_bucket.file_storage", {"id": f"{namespace}-file-storage-happy-otter",
                                                            "bucket": f"{namespace}-file-storage-happy-otter"}),
        _r("module.file_storage.aws_s3_bucket_cors_configuration.file_storage", {"id": f"{namespace}-file-storage-happy-otter"}),
        _r("module.file_storage.aws_s3_bucket_server_side_encryption_configuration.file_storage",
           {"id": f"{namespace}-file-storage-happy-otter"}),
        _r("module.file_storage.aws_sqs_queue.file_storage[0]", {
            "id": f"https://sqs.{REGION}.amazonaws.com/{ACCOUNT}/{namespace}-file-storage-happy-otter",
            "name": f"{namespace}-file-storage-happy-otter", "fifo_queue": False}),
        _r(vpc + "aws_vpc.this[0]", {"id": "vpc-0aaa0000000000001"}),
        _r(vpc + "aws_internet_gateway.this[0]", {"id": "igw-0aaa0000000000001"}),
        _r(vpc + "aws_route_table.public[0]", {"id": "rtb-0aaa00000000000p0"}),
        _r(vpc + "aws_route.public_internet_gateway[0]", {"id": "r-rtb-0aaa00000000000p01080289494",
                                                           "route_table_id": "rtb-0aaa00000000000p0",
                                                           "destination_cidr_block": "0.0.0.0/0"}),
        _r(vpc + "aws_db_subnet_group.database[0]", {"id": namespace, "name": namespace}),
        _r(vpc + "aws_elasticache_subnet_group.elasticache[0]", {"id": namespace, "name": namespace}),
        _r("module.database.aws_db_parameter_group.default", {
            "id": f"{namespace}-aurora-db-80-parameter-group", "name": f"{namespace}-aurora-db-80-parameter-group",
            "description": "Weights & Biases database parameter group for MySQL 8.0"}),
        _r("module.database.aws_rds_cluster_parameter_group.default", {
            "id": f"{namespace}-aurora-80-cluster-parameter-group", "name": f"{namespace}-aurora-80-cluster-parameter-group",
            "description": "Weights & Biases cluster parameter group for MySQL 8.0"}),
        _r("module.database.module.aurora.aws_rds_cluster.this[0]", {
            "id": namespace, "cluster_identifier": namespace, "database_name": "wandb_local", "master_username": "wandb",
            "engine": "aurora-mysql", "storage_encrypted": True, "availability_zones": [f"{REGION}a", f"{REGION}b", f"{REGION}c"],
            "kms_key_id": f"arn:aws:kms:{REGION}:{ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab"}),
        _r('module.database.module.aurora.aws_rds_cluster_instance.this["1"]', {
            "id": f"{namespace}-1", "identifier": f"{namespace}-1", "engine": "aurora-mysql"}),
        _r("module.database.module.aurora.aws_security_group.this[0]", {
            "id": "sg-0aaa000000000db01", "name": f"aurora-{namespace}-20240101", "description": "Control traffic to/from RDS Aurora wbadopt"}),
        _r("module.redis[0].aws_elasticache_replication_group.default", {
            "id": f"{namespace}-rep-group", "replication_group_id": f"{namespace}-rep-group", "engine": "redis",
            "at_rest_encryption_enabled": True, "subnet_group_name": namespace,
            "kms_key_id": f"arn:aws:kms:{REGION}:{ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab"}),
        _r("module.redis[0].aws_security_group.redis", {"id": "sg-0aaa0000000redis1", "name": f"{namespace}-elasticache-sg",
                                                          "description": "Managed by Terraform"}),
        _r("module.app_eks.module.eks.aws_eks_cluster.this[0]", {
            "id": namespace, "name": namespace, "arn": f"arn:aws:eks:{REGION}:{ACCOUNT}:cluster/{namespace}",
            "role_arn": f"arn:aws:iam::{ACCOUNT}:role/{namespace}-cluster-20240101000000000000000001",
            "vpc_config": [{"security_group_ids": ["sg-0aaa00000000clus1"], "subnet_ids": ["subnet-1", "subnet-2"]}],
            "access_config": [{"authentication_mode": "API_AND_CONFIG_MAP", "bootstrap_cluster_creator_admin_permissions": False}],
            "bootstrap_self_managed_addons": True}),
        _r("module.app_eks.module.eks.aws_iam_role.this[0]", {
            "id": f"{namespace}-cluster-20240101000000000000000001", "name": f"{namespace}-cluster-20240101000000000000000001", "path": "/"}),
        _r("module.app_eks.module.eks.aws_cloudwatch_log_group.this[0]", {"id": f"/aws/eks/{namespace}/cluster",
                                                                          "name": f"/aws/eks/{namespace}/cluster"}),
        _r('module.app_eks.module.eks.aws_eks_addon.this["coredns"]', {"id": f"{namespace}:coredns"}),
        _r('module.app_eks.module.eks.module.eks_managed_node_group["primary"].aws_eks_node_group.this[0]',
           {"id": f"{namespace}:primary-2024"}),
        _r('module.app_eks.module.eks.module.eks_managed_node_group["primary"].aws_launch_template.this[0]', {"id": "lt-0aaa"}),
        _r("module.app_eks.aws_iam_openid_connect_provider.eks", {
            "id": f"arn:aws:iam::{ACCOUNT}:oidc-provider/oidc.eks.{REGION}.amazonaws.com/id/ABC",
            "url": f"oidc.eks.{REGION}.amazonaws.com/id/ABC"}),
        _r("module.app_eks.aws_iam_role.node", {"id": f"{namespace}-node", "name": f"{namespace}-node", "path": "/"}),
        _r("module.app_eks.aws_security_group.primary_workers", {"id": "sg-0aaa0000000work01", "name": f"{namespace}-primary-workers",
                                                                 "description": "EKS primary workers security group."}),
        _r("module.app_eks.aws_security_group_rule.database", {"id": "sgrule-1", "security_group_rule_id": "sgr-0aaa0000000000db1"}),
        _r("module.app_eks.kubernetes_storage_class.gp3", {"id": "gp3"}),
        _r("module.wandb.helm_release.operator", {"id": "operator"}),
    ]
    for i, az in enumerate("ab"):
        for tier in ("public", "private", "database", "elasticache"):
            res.append(_r(f"{vpc}aws_subnet.{tier}[{i}]", {"id": f"subnet-0{tier[:3]}{i}00000000000", "availability_zone": f"{REGION}{az}"}))
            res.append(_r(f"{vpc}aws_route_table_association.{tier}[{i}]", {
                "id": f"rtbassoc-{tier}{i}", "subnet_id": f"subnet-0{tier[:3]}{i}00000000000",
                "route_table_id": "rtb-0aaa00000000000p0" if tier == "public" else f"rtb-0aaa00000000000v{i}"}))
        res.append(_r(f"{vpc}aws_eip.nat[{i}]", {"id": f"eipalloc-0aaa00000000000{i}"}))
        res.append(_r(f"{vpc}aws_nat_gateway.this[{i}]", {"id": f"nat-0aaa00000000000{i}"}))
        res.append(_r(f"{vpc}aws_route_table.private[{i}]", {"id": f"rtb-0aaa00000000000v{i}"}))
        res.append(_r(f"{vpc}aws_route.private_nat_gateway[{i}]", {"id": f"r-v{i}", "route_table_id": f"rtb-0aaa00000000000v{i}",
                                                                    "destination_cidr_block": "0.0.0.0/0"}))
        res.append(_r(f"module.app_eks.aws_efs_mount_target.storage_class[{i}]", {"id": f"fsmt-{i}", "subnet_id": f"subnet-0pri{i}00000000000"}))
    res.append(_r("module.app_eks.aws_efs_file_system.storage_class", {"id": "fs-0aaa", "creation_token": f"{namespace}-efs-pet",
                                                                       "encrypted": True}))
    # Spread over modules the way `terraform show -json` nests them.
    modules: dict[str, list] = {}
    for r in res:
        modules.setdefault(r["address"].rsplit(".", 2)[0], []).append(r)
    return {"format_version": "1.0", "terraform_version": "1.11.0",
            "values": {"root_module": {"resources": [], "child_modules": [
                {"address": addr, "resources": items} for addr, items in modules.items()]}}}


@pytest.fixture
def workspace(tmp_path):
    state = tmp_path / "show.json"
    state.write_text(json.dumps(v8_show_json()))
    tfvars = tmp_path / "terraform.tfvars"
    tfvars.write_text(TFVARS)
    return state, tfvars


def test_every_stateful_v8_object_maps_to_our_address(workspace):
    take = plan_takeover(*workspace)
    adopted = {old: (ours, iid) for old, ours, iid in take.adopted}
    for old, prefix, iid in [
        ("module.app_eks.module.eks.aws_eks_cluster.this[0]", "aws_eks_cluster.eks_cluster_", NS),
        ("module.database.module.aurora.aws_rds_cluster.this[0]", "aws_rds_cluster.database_cluster_", NS),
        ("module.redis[0].aws_elasticache_replication_group.default", "aws_elasticache_replication_group.", f"{NS}-rep-group"),
        ("module.file_storage.aws_s3_bucket.file_storage", "aws_s3_bucket.file-storage_bucket_", f"{NS}-file-storage-happy-otter"),
        ("module.kms.aws_kms_alias.key", "aws_kms_alias.kms_alias_", f"alias/{NS}-kms-alias"),
        ("module.networking.module.vpc.aws_subnet.database[1]", "aws_subnet.network_database-1_", "subnet-0dat100000000000"),
        # Import IDs in the provider's documented formats (aws_route: RTB_CIDR; association: SUBNET/RTB).
        ("module.networking.module.vpc.aws_route.private_nat_gateway[0]", "aws_route.network_private-default-route-0_",
         "rtb-0aaa00000000000v0_0.0.0.0/0"),
        ("module.networking.module.vpc.aws_route_table_association.private[1]", "aws_route_table_association.network_private-rta-1_",
         "subnet-0pri100000000000/rtb-0aaa00000000000v1"),
    ]:
        ours, got = adopted[old]
        assert ours.startswith(prefix) and got == iid, (old, ours, got)
    replaced = dict(take.replaced)
    assert any("aws_eks_node_group" in a for a in replaced)
    stays = dict(take.stays)
    assert "module.wandb.helm_release.operator" in stays and "module.app_eks.kubernetes_storage_class.gp3" in stays
    assert not take.unmatched, take.unmatched
    assert take.generation == "v8" and take.config["region"] == REGION


def test_written_config_imports_and_keeps_immutable_names(workspace, tmp_path):
    """With the adoption section our infra stack carries import blocks and the existing names: a bucket
    name change, a parameter group description change or a name_prefix would each force a replacement
    (aws_s3_bucket.bucket / bucket_prefix and aws_db_parameter_group.name / description are ForceNew)."""
    from wandb_cdktf.testing import synth_to_dir

    take = plan_takeover(*workspace)
    assert "license" not in take.config
    stacks = synth_to_dir(config_from_mapping(take.config), tmp_path / "out")
    infra = stacks[f"{NS}-infra"]
    bucket = next(iter(infra["resource"]["aws_s3_bucket"].values()))
    assert bucket["bucket"] == f"{NS}-file-storage-happy-otter" and bucket.get("bucket_prefix") is None
    params = next(iter(infra["resource"]["aws_db_parameter_group"].values()))
    assert params["name"] == f"{NS}-aurora-db-80-parameter-group" and params.get("name_prefix") is None
    assert params["description"] == "Weights & Biases database parameter group for MySQL 8.0"
    cluster = next(iter(infra["resource"]["aws_eks_cluster"].values()))
    assert cluster["role_arn"].endswith(f"role/{NS}-cluster-20240101000000000000000001")
    imports = {i["to"]: i["id"] for i in infra["import"]}
    assert len(imports) == len(take.adopted)
    assert imports[next(a for _, a, _ in take.adopted if a.startswith("aws_rds_cluster.database_cluster_"))] == NS
    # No other stack imports anything.
    assert all("import" not in doc for sid, doc in stacks.items() if sid != f"{NS}-infra")


@pytest.mark.parametrize("mutate,option,fragment", [
    (lambda d: d.update(values={}), "--state", "root_module"),
    (lambda d: d["values"]["root_module"]["child_modules"].pop(0), "--state", "missing module.kms.aws_kms_key.key"),
])
def test_not_a_v8_state_is_refused(tmp_path, mutate, option, fragment):
    doc = v8_show_json()
    mutate(doc)
    (tmp_path / "show.json").write_text(json.dumps(doc))
    (tmp_path / "terraform.tfvars").write_text(TFVARS)
    with pytest.raises(ConfigError) as info:
        plan_takeover(tmp_path / "show.json", tmp_path / "terraform.tfvars")
    assert info.value.option == option and fragment in str(info.value)


def test_namespace_mismatch_is_refused(tmp_path):
    (tmp_path / "show.json").write_text(json.dumps(v8_show_json("otherns")))
    (tmp_path / "terraform.tfvars").write_text(TFVARS)
    with pytest.raises(ConfigError, match="namespace: terraform.tfvars says 'wbadopt' but the workspace's EKS cluster is 'otherns'"):
        plan_takeover(tmp_path / "show.json", tmp_path / "terraform.tfvars")


def _cli(args, cwd):
    env = {**os.environ, "PYTHONPATH": str(REPO / "src")}
    return subprocess.run([sys.executable, str(REPO / "main.py"), *args], capture_output=True, text=True, cwd=cwd, env=env,
                          timeout=600)


def test_adopt_command_writes_config_and_report(workspace, tmp_path):
    state, tfvars = workspace
    help_ = _cli(["adopt", "--help"], tmp_path)
    assert help_.returncode == 0 and "--state" in help_.stdout and "terraform state rm" in help_.stdout
    out = tmp_path / "takeover"
    ok = _cli(["adopt", "--state", str(state), "--tfvars", str(tfvars), "--out", str(out)], tmp_path)
    assert ok.returncode == 0, ok.stderr
    config = yaml.safe_load((out / "wandb-cdktf.yaml").read_text())
    assert config["adoption"]["resources"] and "license" not in config
    report = (out / "ADOPTION.md").read_text()
    assert "terraform state rm 'module.database.module.aurora.aws_rds_cluster.this[0]'" in report
    assert "adopt-fixture-license-77" not in (out / "wandb-cdktf.yaml").read_text() + report
    # Bad input: one line, exit 2, nothing written.
    bad_state = tmp_path / "bad.json"
    bad_state.write_text("{}")
    for args in (["adopt", "--state", str(bad_state), "--tfvars", str(tfvars), "--out", str(tmp_path / "n1")],
                 ["adopt", "--state", str(state), "--out", str(tmp_path / "n2")],
                 ["adopt", "--state", str(state), "--tfvars", str(tfvars), "--out", str(out)]):
        bad = _cli(args, tmp_path)
        assert bad.returncode == 2 and len(bad.stderr.strip().splitlines()) == 1 and "Traceback" not in bad.stderr, bad.stderr
    assert not (tmp_path / "n1").exists() and not (tmp_path / "n2").exists()
