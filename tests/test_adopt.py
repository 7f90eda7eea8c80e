"""`wandb-cdktf adopt`: map a terraform-aws-wandb workspace's `terraform show -json` onto <ns>-infra (issue 13 §2).

The fixture below is a `terraform show -json` document laid out like a v8.0.0 workspace (module
addresses read from terraform-aws-wandb v8.0.0: modules kms, file_storage, networking -> vpc 4.x,
database -> rds-aurora 7.7.1, redis, app_eks -> eks 20.x, acm), written here, not taken from v8.
"""

from __future__ import annotations

import json
import os
import re
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
        _r("module.app_eks.module.eks.aws_security_group.node[0]", {"id": "sg-0aaa00000000node1"}),
        _r('module.app_eks.module.eks.aws_security_group_rule.node["ingress_cluster_443"]', {"id": "sgrule-n443"}),
        _r("module.file_storage.aws_s3_bucket_acl.file_storage", {"id": f"{namespace}-file-storage-happy-otter,private"}),
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
    return _show(res)


def _show(res: list[dict]) -> dict:
    """Spread resources over modules the way `terraform show -json` nests them."""
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
    # eks 20.x: the released cluster security group's rules reference the node group (DependencyViolation).
    assert "module.app_eks.module.eks.aws_security_group.node[0]" in dict(take.released)
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
    with pytest.raises(ConfigError, match=re.escape("namespace: terraform.tfvars says 'wbadopt' but the workspace's EKS cluster is 'otherns'")):
        plan_takeover(tmp_path / "show.json", tmp_path / "terraform.tfvars")


def _cli(args, cwd):
    env = {**os.environ, "PYTHONPATH": str(REPO / "src")}
    return subprocess.run([sys.executable, str(REPO / "main.py"), *args], capture_output=True, text=True, cwd=cwd, env=env,
                          timeout=600)


@pytest.mark.slow  # fresh interpreter(s)
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


# --- older terraform-aws-wandb shapes -------------------------------------------------------------------------

CLUSTER_ROLE17 = f"{NS}2024010100000000000000000a"  # eks 17.x aws_iam_role.cluster: name_prefix = cluster name


def _eks17(ns: str = NS) -> list[dict]:
    """terraform-aws-modules/eks v17.24.0 under module.app_eks.module.eks (main.tf, workers.tf, aws_auth.tf,
    modules/node_groups/main.tf and launch_template.tf): what v1.16.10, v4.7.2 and v7.x have alike."""
    eks = "module.app_eks.module.eks."
    return [
        _r(eks + "aws_eks_cluster.this[0]", {
            "id": ns, "name": ns, "arn": f"arn:aws:eks:{REGION}:{ACCOUNT}:cluster/{ns}",
            "role_arn": f"arn:aws:iam::{ACCOUNT}:role/{CLUSTER_ROLE17}",
            "vpc_config": [{"security_group_ids": ["sg-0bbb00000000clus1"], "subnet_ids": ["subnet-1", "subnet-2"]}],
            "kubernetes_network_config": [{"ip_family": "ipv4", "service_ipv4_cidr": "172.20.0.0/16"}],
            "access_config": [], "bootstrap_self_managed_addons": True}),
        _r(eks + "aws_iam_role.cluster[0]", {"id": CLUSTER_ROLE17, "name": CLUSTER_ROLE17, "path": "/"}),
        _r(eks + "aws_iam_role_policy_attachment.cluster_AmazonEKSClusterPolicy[0]", {"id": f"{CLUSTER_ROLE17}-1"}),
        _r(eks + "aws_iam_policy.cluster_elb_sl_role_creation[0]", {"id": "arn:aws:iam::123456789012:policy/elb-sl"}),
        _r(eks + "aws_security_group.cluster[0]", {"id": "sg-0bbb00000000clus1", "name": f"{ns}2024", "description": "EKS cluster security group."}),
        _r(eks + "aws_security_group_rule.cluster_egress_internet[0]", {"id": "sgrule-c1"}),
        _r(eks + "aws_security_group_rule.cluster_https_worker_ingress[0]", {"id": "sgrule-c2"}),
        _r(eks + "aws_security_group.workers[0]", {"id": "sg-0bbb0000000work17", "name": f"{ns}2025"}),
        _r(eks + "aws_security_group_rule.workers_ingress_self[0]", {"id": "sgrule-w1"}),
        _r(eks + "aws_iam_role.workers[0]", {"id": f"{ns}2026", "name": f"{ns}2026"}),
        _r(eks + "kubernetes_config_map.aws_auth[0]", {"id": "kube-system/aws-auth"}),
        _r(eks + 'module.node_groups.aws_eks_node_group.workers["primary"]', {"id": f"{ns}:{ns}-primary-fine-lab"}),
        _r(eks + 'module.node_groups.aws_launch_template.workers["primary"]', {"id": "lt-0bbb"}),
        _r(eks + 'module.node_groups.random_pet.node_groups["primary"]', {"id": "fine-lab"}),
    ]


def _common(ns: str = NS, fs: str = "module.file_storage.") -> list[dict]:
    """What v1.16.10, v4.7.2 and v7.x share with v8 at the same addresses (kms, networking -> vpc,
    database -> aurora, redis, acm, app_eks node role / primary_workers): taken from the v8 document."""
    keep = ("module.kms.", "module.networking.", "module.database.", "module.redis[0].aws_elasticache_replication_group",
            "module.redis[0].aws_security_group.", "module.app_eks.aws_iam_role.node", "module.app_eks.aws_security_group",
            "module.file_storage.")
    out = []
    for mod in v8_show_json(ns)["values"]["root_module"]["child_modules"]:
        for r in mod["resources"]:
            if r["address"].startswith(keep):
                out.append({**r, "address": r["address"].replace("module.file_storage.", fs, 1)})
    out += [
        _r("module.kms.aws_kms_grant.main", {"id": "grant-1"}),
        _r("module.acm.aws_acm_certificate.this[0]", {"id": f"arn:aws:acm:{REGION}:{ACCOUNT}:certificate/c1",
                                                      "domain_name": "wandb.example.com"}),
        _r("module.acm.aws_route53_record.validation[0]", {"id": "Z0123456789EXAMPLE00__x.wandb.example.com._CNAME"}),
        _r("module.acm.aws_acm_certificate_validation.this[0]", {"id": "2024"}),
        _r("module.app_eks.aws_security_group_rule.elasticache[0]", {"id": "sgrule-r", "security_group_rule_id": "sgr-0bbb000000redis1"}),
        _r("module.redis[0].aws_security_group_rule.ingress", {"id": "sgrule-ri", "security_group_rule_id": "sgr-0bbb0000000rin1"}),
        _r("module.app_eks.aws_iam_policy.node_kms", {"id": f"arn:aws:iam::{ACCOUNT}:policy/{ns}-kms"}),
        _r("module.app_eks.aws_iam_role_policy_attachment.node_kms", {
            "id": f"{ns}-node-1", "policy_arn": f"arn:aws:iam::{ACCOUNT}:policy/{ns}-kms"}),
        _r("module.app_eks.aws_iam_role_policy_attachment.eks_cni", {
            "id": f"{ns}-node-2", "policy_arn": "arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy"}),
        _r("module.networking.module.vpc.aws_default_route_table.default[0]", {"id": "rtb-0default"}),
    ]
    return out


def v7_show_json(ns: str = NS) -> dict:
    """A v7.x workspace (addresses read at tag v7.18.2: main.tf, modules/app_eks/main.tf and add-ons.tf, eks
    ~> 17.23 as in v7.0.0, app_lb with only security groups, lb_controller/external_dns/cluster_autoscaler
    submodules with IRSA roles)."""
    res = _common(ns) + _eks17(ns) + [
        _r(f"module.app_eks.aws_eks_addon.{a}", {"id": f"{ns}:{a.replace('_', '-')}"})
        for a in ("aws_efs_csi_driver", "aws_ebs_csi_driver", "coredns", "kube_proxy", "vpc_cni", "metrics_server")
    ] + [
        _r("module.app_eks.aws_iam_openid_connect_provider.eks", {
            "id": f"arn:aws:iam::{ACCOUNT}:oidc-provider/oidc.eks.{REGION}.amazonaws.com/id/ABC"}),
        _r("module.app_eks.aws_efs_file_system.storage_class", {"id": "fs-0bbb", "creation_token": f"{ns}-efs-pet",
                                                                "encrypted": True}),
        _r("module.app_eks.aws_efs_backup_policy.storage_class", {"id": "fs-0bbb"}),
        _r('module.app_eks.aws_efs_mount_target.storage_class["0"]', {"id": "fsmt-0", "subnet_id": "subnet-0pri000000000000"}),
        _r("module.app_eks.aws_security_group.storage_class_nfs", {"id": "sg-0bbb00000000nfs1", "name": f"{ns}-pet",
                                                                   "description": "Security group for NFS traffic"}),
        _r("module.app_eks.aws_security_group_rule.nfs_ingress", {"id": "sgrule-n", "security_group_rule_id": "sgr-0bbb00000000nfs1"}),
        _r("module.app_eks.module.lb_controller.aws_iam_role.default", {"id": f"{ns}-alb-ingress-controller"}),
        _r("module.app_eks.module.lb_controller.aws_iam_policy.default", {"id": "arn:aws:iam::1:policy/lbc"}),
        _r("module.app_eks.module.lb_controller.helm_release.aws_load_balancer_controller", {"id": "lbc"}),
        _r("module.app_eks.module.external_dns.aws_iam_role.default", {"id": f"{ns}-external-dns"}),
        _r("module.app_eks.module.cluster_autoscaler.aws_iam_role.default", {"id": f"{ns}-cluster-autoscaler"}),
        _r("module.app_eks.aws_iam_role.oidc", {"id": f"{ns}-oidc"}),
        _r("module.app_eks.aws_iam_policy_attachment.irsa", {"id": "irsa", "policy_arn": f"arn:aws:iam::{ACCOUNT}:policy/{ns}-irsa"}),
        _r("module.app_lb.aws_security_group.inbound", {"id": "sg-0bbb000000inbound"}),
        _r("module.app_lb.aws_security_group_rule.alb_https_traffic[0]", {"id": "sgrule-a"}),
        _r("module.wandb.module.operator.helm_release.operator", {"id": "operator"}),
    ]
    return _show(res)


def v4_show_json(ns: str = NS) -> dict:
    """A v4.7.2 workspace (tag v4.7.2: main.tf counts module.file_storage; modules/app_eks/main.tf has
    aws_eks_addon "eks" (EBS CSI) and "efs", eks ~> 17.23, aws_iam_openid_connect_provider "eks"; efs.tf;
    modules/app_lb/main.tf keeps the Terraform ALB beside the operator; root aws_autoscaling_attachment)."""
    res = _common(ns, "module.file_storage[0].") + _eks17(ns) + [
        _r("module.app_eks.aws_eks_addon.eks", {"id": f"{ns}:aws-ebs-csi-driver"}),
        _r("module.app_eks.aws_eks_addon.efs", {"id": f"{ns}:aws-efs-csi-driver"}),
        _r("module.app_eks.aws_iam_openid_connect_provider.eks", {
            "id": f"arn:aws:iam::{ACCOUNT}:oidc-provider/oidc.eks.{REGION}.amazonaws.com/id/ABC"}),
        _r("module.app_eks.aws_efs_file_system.storage_class", {"id": "fs-0ccc", "creation_token": f"{ns}-pet", "encrypted": True}),
        _r('module.app_eks.aws_efs_mount_target.storage_class["1"]', {"id": "fsmt-1", "subnet_id": "subnet-0pri100000000000"}),
        _r("module.app_eks.aws_security_group_rule.lb", {"id": "sgrule-lb", "security_group_rule_id": "sgr-0ccc0000000000lb"}),
        _r("module.app_lb.aws_security_group.inbound", {"id": "sg-0ccc000000inbound"}),
        _r("module.app_lb.aws_lb.alb", {"id": f"arn:aws:elasticloadbalancing:{REGION}:{ACCOUNT}:loadbalancer/app/{ns}-alb/1",
                                        "name": f"{ns}-alb", "internal": False, "load_balancer_type": "application"}),
        _r("module.app_lb.aws_lb_target_group.app", {"id": "arn:tg", "name": f"{ns}-tg-app", "port": 32543}),
        _r("module.app_lb.aws_route53_record.alb", {"id": "Z_old.wandb.example.com_A", "zone_id": "Z0123456789EXAMPLE00",
                                                    "name": "old.wandb.example.com", "type": "A"}),
        _r('aws_autoscaling_attachment.autoscaling_attachment["eks-primary-1"]', {"id": "att-1"}),
        _r("module.wandb.helm_release.operator", {"id": "operator"}),
    ]
    return _show(res)


def v1_show_json(ns: str = NS) -> dict:
    """A v1.16.10 (pre-operator) workspace (tag v1.16.10: main.tf counts module.file_storage and has no EFS,
    no OIDC provider; modules/file_storage/main.tf keeps CORS/SSE inline; modules/app_eks/main.tf has eks
    ~> 17.23 and aws_eks_addon "eks"; modules/app_lb/main.tf: inbound/outbound groups, aws_lb "alb",
    listeners "http"/"https", target group "app" named <ns>-tg-app, aws_route53_record "alb";
    modules/networking: vpc ~> 3.0; modules/database: rds-aurora 6.2.0)."""
    alb = f"arn:aws:elasticloadbalancing:{REGION}:{ACCOUNT}:loadbalancer/app/{ns}-alb/50dc6c495c0c9188"
    tg = f"arn:aws:elasticloadbalancing:{REGION}:{ACCOUNT}:targetgroup/{ns}-tg-app/73e2d6bc24d8a067"
    res = [r for r in _common(ns, "module.file_storage[0].")
           if not any(x in r["address"] for x in ("cors_configuration", "server_side_encryption", "elasticache_subnet_group.default",
                                                 "aws_default_route_table"))]
    res += _eks17(ns) + [
        _r("module.app_eks.aws_eks_addon.eks", {"id": f"{ns}:aws-ebs-csi-driver"}),
        _r("module.app_eks.aws_security_group_rule.lb", {"id": "sgrule-lb", "security_group_rule_id": "sgr-0ddd0000000000lb"}),
        _r("module.database.random_string.master_password", {"id": "x"}),
        _r("module.database.module.aurora.aws_security_group_rule.cidr_ingress[0]", {"id": "sgrule-db"}),
        _r("module.app_lb.aws_security_group.inbound", {"id": "sg-0ddd000000inbound", "name": f"{ns}-alb-inbound"}),
        _r("module.app_lb.aws_security_group.outbound", {"id": "sg-0ddd00000outbound", "name": f"{ns}-alb-outbound"}),
        _r("module.app_lb.aws_lb.alb", {"id": alb, "arn": alb, "name": f"{ns}-alb", "internal": False,
                                        "load_balancer_type": "application"}),
        _r("module.app_lb.aws_lb_target_group.app", {"id": tg, "arn": tg, "name": f"{ns}-tg-app", "port": 32543,
                                                     "protocol": "HTTP", "vpc_id": "vpc-0aaa0000000000001",
                                                     "target_type": "instance"}),
        _r("module.app_lb.aws_lb_listener.http", {"id": f"{alb}/l80"}),
        _r("module.app_lb.aws_lb_listener.https", {"id": f"{alb}/l443"}),
        _r("module.app_lb.aws_route53_record.alb", {"id": "Z0123456789EXAMPLE00_wandb.example.com_A",
                                                    "zone_id": "Z0123456789EXAMPLE00", "name": "wandb.example.com", "type": "A"}),
        _r('module.app_lb.aws_route53_record.extra["more.example.com"]', {
            "id": "Z0123456789EXAMPLE00_more.example.com_A", "zone_id": "Z0123456789EXAMPLE00", "name": "more.example.com",
            "type": "A"}),
        _r(f'aws_autoscaling_attachment.autoscaling_attachment["eks-{ns}-primary-fine-lab-1"]', {"id": "att-1"}),
    ]
    return _show(res)


def _take(tmp_path, doc: dict, tfvars: str = TFVARS):
    (tmp_path / "show.json").write_text(json.dumps(doc))
    (tmp_path / "terraform.tfvars").write_text(tfvars)
    return plan_takeover(tmp_path / "show.json", tmp_path / "terraform.tfvars")


def _kinds(take) -> tuple[dict, dict, dict, dict]:
    return ({old: ours for old, ours, _ in take.adopted}, dict(take.replaced), dict(take.released), dict(take.stays))


def test_v8_addons_access_entries_and_security_group_rules_are_imported(tmp_path):
    """EKS refuses a second add-on of a name and a second access entry for a principal (ResourceInUseException),
    and EC2 a duplicate rule (InvalidPermission.Duplicate): each must be imported, never created beside the old."""
    doc = v8_show_json()
    extra = [
        _r("module.app_eks.aws_eks_addon.vpc_cni", {"id": f"{NS}:vpc-cni"}),
        _r("module.app_eks.aws_eks_addon.aws_efs_csi_driver", {"id": f"{NS}:aws-efs-csi-driver"}),
        _r('module.app_eks.module.eks.aws_eks_access_entry.this["cluster_creator"]',
           {"id": f"{NS}#arn:aws:iam::{ACCOUNT}:role/admin"}),
        _r('module.app_eks.module.eks.aws_eks_access_policy_association.this["cluster_creator_admin"]',
           {"id": f"{NS}#arn:aws:iam::{ACCOUNT}:role/admin#arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy"}),
        _r("module.app_eks.aws_security_group_rule.elasticache[0]", {"id": "sgrule-r", "security_group_rule_id": "sgr-0aaa00000redis01"}),
    ]
    doc["values"]["root_module"]["child_modules"].append({"address": "module.app_eks", "resources": extra})
    take = _take(tmp_path, doc)
    adopted, *_ = _kinds(take)
    assert adopted['module.app_eks.module.eks.aws_eks_addon.this["coredns"]'].startswith("aws_eks_addon.eks_addon-coredns_")
    assert adopted["module.app_eks.aws_eks_addon.vpc_cni"].startswith("aws_eks_addon.eks_addon-vpc-cni_")
    assert adopted["module.app_eks.aws_eks_addon.aws_efs_csi_driver"].startswith("aws_eks_addon.eks_addon-aws-efs-csi-driver_")
    assert adopted['module.app_eks.module.eks.aws_eks_access_entry.this["cluster_creator"]'].startswith(
        "aws_eks_access_entry.eks_creator-access-entry_")
    assert adopted["module.app_eks.aws_security_group_rule.database"].startswith(
        "aws_vpc_security_group_ingress_rule.database_ingress-sg-0_")
    assert adopted["module.app_eks.aws_security_group_rule.elasticache[0]"].startswith(
        "aws_vpc_security_group_ingress_rule.redis_ingress-sg-0_")
    ids = {old: iid for old, _, iid in take.adopted}
    assert ids["module.app_eks.aws_security_group_rule.elasticache[0]"] == "sgr-0aaa00000redis01"


def test_v7_shape_is_detected_and_mapped(tmp_path):
    """v7.x (tag v7.18.2): eks 17.x cluster role aws_iam_role.cluster[0], add-ons one resource each (add-ons.tf),
    no Terraform ALB; the 17.x cluster and workers security groups are released, never destroyed."""
    take = _take(tmp_path, v7_show_json())
    adopted, replaced, released, stays = _kinds(take)
    assert take.generation == "v7" and take.config["deployment"] == "post-operator"
    assert adopted["module.app_eks.module.eks.aws_iam_role.cluster[0]"].startswith("aws_iam_role.eks_cluster-role_")
    for a in ("aws_efs_csi_driver", "aws_ebs_csi_driver", "coredns", "kube_proxy", "vpc_cni", "metrics_server"):
        assert f"module.app_eks.aws_eks_addon.{a}" in adopted, a
    assert adopted["module.app_eks.aws_iam_openid_connect_provider.eks"].startswith("aws_iam_openid_connect_provider.")
    assert adopted['module.app_eks.aws_efs_mount_target.storage_class["0"]'].startswith("aws_efs_mount_target.weave-efs_mount-target-0_")
    assert adopted["module.app_eks.aws_security_group_rule.nfs_ingress"].startswith("aws_vpc_security_group_ingress_rule.weave-efs_")
    assert 'module.app_eks.module.eks.module.node_groups.aws_eks_node_group.workers["primary"]' in replaced
    assert "module.app_eks.module.lb_controller.aws_iam_role.default" in replaced
    assert "module.app_eks.aws_iam_policy_attachment.irsa" in replaced  # its customer-managed policy goes too
    assert {"module.app_eks.module.eks.aws_security_group.cluster[0]", "module.app_eks.module.eks.aws_security_group.workers[0]",
            "module.app_eks.module.eks.aws_security_group_rule.cluster_https_worker_ingress[0]"} <= set(released)
    assert "module.app_eks.module.eks.kubernetes_config_map.aws_auth[0]" in stays
    assert not take.unmatched, take.unmatched


def test_v4_7_2_shape_is_detected_and_mapped(tmp_path):
    """v4.7.2 (tag v4.7.2): module.file_storage[0], aws_eks_addon "eks"/"efs", eks 17.x, and a Terraform ALB beside
    the operator, which has no counterpart post-operator and stays with the old workspace."""
    take = _take(tmp_path, v4_show_json())
    adopted, replaced, _, stays = _kinds(take)
    assert take.generation == "v4.7.2" and take.config["deployment"] == "post-operator"
    assert adopted["module.file_storage[0].aws_s3_bucket.file_storage"].startswith("aws_s3_bucket.file-storage_bucket_")
    assert adopted["module.file_storage[0].aws_sqs_queue.file_storage[0]"].startswith("aws_sqs_queue.file-storage_queue_")
    assert adopted["module.app_eks.aws_eks_addon.eks"].startswith("aws_eks_addon.eks_addon-aws-ebs-csi-driver_")
    assert adopted["module.app_eks.aws_eks_addon.efs"].startswith("aws_eks_addon.eks_addon-aws-efs-csi-driver_")
    assert "no counterpart" in stays["module.app_lb.aws_lb.alb"]
    assert 'aws_autoscaling_attachment.autoscaling_attachment["eks-primary-1"]' in replaced
    assert not take.unmatched, take.unmatched


def test_v1_16_10_shape_is_pre_operator_and_keeps_the_alb(tmp_path):
    """v1.16.10 (tag v1.16.10, modules/app_lb/main.tf): pre-operator, so our <ns>-infra owns the ALB. The ALB,
    target group (name <ns>-tg-app: aws_lb_target_group name/port/protocol/vpc_id are ForceNew), listeners and
    alias record (Route53 refuses CREATE of an existing record) are imported; the record's import id is
    ZONEID_NAME_TYPE (provider docs, aws_route53_record Import)."""
    from wandb_cdktf.testing import synth_to_dir

    tfvars = TFVARS.replace("kubernetes_legacy_cluster_creator_admin = false\n", "")
    take = _take(tmp_path, v1_show_json(), tfvars + 'extra_fqdn = ["other.example.com", "more.example.com"]\n')
    adopted, replaced, released, stays = _kinds(take)
    assert take.generation == "v1.16.10" and take.config["deployment"] == "pre-operator"
    for old, prefix in [("module.app_lb.aws_lb.alb", "aws_lb.alb_"), ("module.app_lb.aws_lb_target_group.app", "aws_lb_target_group.alb_"),
                        ("module.app_lb.aws_lb_listener.https", "aws_lb_listener.alb_https_"),
                        ("module.app_lb.aws_lb_listener.http", "aws_lb_listener.alb_http-redirect_"),
                        ("module.app_lb.aws_route53_record.alb", "aws_route53_record.alb_record-a_"),
                        ("module.file_storage[0].aws_s3_bucket.file_storage", "aws_s3_bucket.file-storage_bucket_"),
                        ("module.app_eks.aws_eks_addon.eks", "aws_eks_addon.eks_addon-aws-ebs-csi-driver_"),
                        ("module.app_eks.aws_security_group_rule.database", "aws_vpc_security_group_ingress_rule.database_")]:
        assert adopted[old].startswith(prefix), (old, adopted.get(old))
    ids = {old: iid for old, _, iid in take.adopted}
    assert ids["module.app_lb.aws_route53_record.alb"] == "Z0123456789EXAMPLE00_wandb.example.com_A"
    # v1.16.10 keys the extra records by name, ours by position in extra_fqdn.
    assert adopted['module.app_lb.aws_route53_record.extra["more.example.com"]'].startswith("aws_route53_record.alb_record-extra-1_")
    assert {"module.app_lb.aws_security_group.inbound", "module.app_lb.aws_security_group.outbound",
            "module.app_eks.aws_security_group_rule.lb"} <= set(replaced)
    assert "module.app_eks.module.eks.aws_security_group.workers[0]" in released
    # IAM refuses DeletePolicy while attached (DeleteConflict): the attachment of the old workspace's own
    # policy goes with that policy; an AWS-managed one stays attached (released).
    assert "module.app_eks.aws_iam_role_policy_attachment.node_kms" in replaced
    assert "module.app_eks.aws_iam_role_policy_attachment.eks_cni" in released
    assert "module.app_eks.module.eks.kubernetes_config_map.aws_auth[0]" in stays
    assert not take.unmatched, take.unmatched
    # New in ours (v1.16.10 had none): OIDC provider and EFS are not asked of the old state.
    assert any(a.startswith("aws_iam_openid_connect_provider.") for a in take.created)
    infra = synth_to_dir(config_from_mapping(take.config), tmp_path / "out")[f"{NS}-infra"]
    tg = next(iter(infra["resource"]["aws_lb_target_group"].values()))
    assert tg["name"] == f"{NS}-tg-app" and tg["port"] == 32543
    report = __import__("wandb_cdktf.adopt.plan", fromlist=["report"]).report(take, "show.json")
    assert "terraform-aws-wandb **v1.16.10**" in report and "`deployment: pre-operator`" in report
    assert "-tg-app" in report and "cdktf deploy wbadopt-app" in report


def test_generation_comes_from_the_state_not_a_flag():
    from wandb_cdktf.adopt.mapping import detect_generation

    def addrs(doc):
        return {r["address"] for m in doc["values"]["root_module"]["child_modules"] for r in m["resources"]}

    assert [detect_generation(addrs(d())).name for d in (v8_show_json, v7_show_json, v4_show_json, v1_show_json)] == [
        "v8", "v7", "v4.7.2", "v1.16.10"]
