"""`wandb-cdktf adopt` on workspaces shaped as users have them (issue 24, field review 2).

Sources: shared/reference/field-review-2-newcomer-adopt.md findings 1-3, 5-8, 16, 25 and
field-review-2-aws.md finding 6; W&B's AWS docs (seed 002: `module "wandb_infra"` l.139/203/221/415, the
provider block's region l.66, `wandb_license` l.410, the operator migration tfvars l.405-444);
terraform-aws-wandb v8.0.0 (modules/app_eks/main.tf access_entries and the cluster-creator comment,
modules/private_link/main.tf, main.tf `module "private_link"` / `module "iam_role"`), v7.18.2, v4.7.2,
v3.4.2, v2.8.0 and v1.16.10 (addresses read at those tags). The state documents are the hand-written
ones of tests/test_adopt.py, wrapped and extended here.
"""

from __future__ import annotations

import copy
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from test_adopt import ACCOUNT, NS, REGION, TFVARS, _r, _show, v1_show_json, v4_show_json, v7_show_json, v8_show_json
from wandb_cdktf.adopt.plan import plan_takeover, report
from wandb_cdktf.config import ConfigError, load_config
from wandb_cdktf.config.loader import tfvars_license

REPO = Path(__file__).resolve().parents[1]
SEED = Path(__file__).resolve().parent / "fixtures" / "operator_migration"


def _resources(doc: dict) -> list[dict]:
    return [r for m in doc["values"]["root_module"]["child_modules"] for r in m["resources"]]


def _wrap(doc: dict, module: str = "module.wandb_infra") -> dict:
    """The same deployment called as a child module, as W&B's docs write the root (seed 002 l.139)."""
    res = [{**r, "address": f"{module}.{r['address']}"} for r in copy.deepcopy(_resources(doc))]
    return _show(res)


def _with(doc: dict, *extra: dict, drop: tuple[str, ...] = (), patch: dict[str, dict] | None = None) -> dict:
    res = [r for r in copy.deepcopy(_resources(doc)) if not r["address"].startswith(drop)] if drop else copy.deepcopy(_resources(doc))
    for r in res:
        r["values"].update((patch or {}).get(r["address"], {}))
    return _show(res + list(extra))


def _take(tmp_path: Path, doc: dict, tfvars: str = TFVARS):
    (tmp_path / "show.json").write_text(json.dumps(doc))
    (tmp_path / "terraform.tfvars").write_text(tfvars)
    return plan_takeover(tmp_path / "show.json", tmp_path / "terraform.tfvars")


def _cli(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO / "src")}
    return subprocess.run([sys.executable, str(REPO / "main.py"), *args], capture_output=True, text=True, cwd=cwd, env=env,
                          timeout=600)


# --- 1. the enclosing module (finding 1) --------------------------------------------------------------------

@pytest.mark.parametrize("module", ["module.wandb_infra", "module.standard"])
def test_enclosing_module_is_detected_and_named_in_the_state_rm_commands(tmp_path, module):
    """W&B's docs and examples call terraform-aws-wandb as `module "wandb_infra"` (private-access-only:
    `module "standard"`); every address then carries that prefix. Before: "not a terraform-aws-wandb workspace"."""
    doc = _wrap(v8_show_json(), module)
    own = _r("aws_route53_zone.mine", {"id": "Z0OWN"})  # the user's own resource beside the module
    doc["values"]["root_module"]["resources"].append(own)
    take = _take(tmp_path, doc)
    assert take.module == module and take.generation == "v8" and not take.unmatched
    adopted = {old: ours for old, ours, _ in take.adopted}
    assert adopted[f"{module}.module.kms.aws_kms_key.key"].startswith("aws_kms_key.kms_key_")
    # Every address of the state is accounted for once, under its full address.
    every = [old for old, _, _ in take.adopted] + [a for a, _ in take.replaced + take.released + take.stays]
    assert sorted(every) == sorted([r["address"] for r in _resources(doc)] + ["aws_route53_zone.mine"])
    assert "outside" in dict(take.stays)["aws_route53_zone.mine"]
    text = report(take, "show.json")
    assert f"terraform-aws-wandb is called as `{module}`" in text
    rm = [line for line in text.splitlines() if line.startswith("terraform state rm")]
    assert rm and all(line.startswith(f"terraform state rm '{module}.") for line in rm)
    assert take.config["adoption"]["source"] == f"terraform-aws-wandb v8 in {module}"


def test_enclosing_module_of_the_pre_operator_walk_through(tmp_path):
    """The v1.16.10 root of seed 002 (l.415-419): `module "wandb_infra"` beside `module "wandb_app"`, whose
    Kubernetes objects stay with the old workspace."""
    doc = _wrap(v1_show_json())
    doc["values"]["root_module"]["child_modules"].append({"address": "module.wandb_app", "resources": [
        _r("module.wandb_app.kubernetes_deployment.wandb", {"id": "default/wandb"})]})
    take = _take(tmp_path, doc, TFVARS.replace("kubernetes_legacy_cluster_creator_admin = false\n", ""))
    assert take.generation == "v1.16.10" and take.module == "module.wandb_infra"
    assert "module.wandb_app.kubernetes_deployment.wandb" in dict(take.stays)
    assert "module.wandb_infra.module.app_lb.aws_lb.alb" in {old for old, _, _ in take.adopted}


def test_a_state_with_two_deployments_is_refused_in_one_line(tmp_path):
    res = _resources(_wrap(v8_show_json(), "module.blue")) + _resources(_wrap(v8_show_json(), "module.green"))
    (tmp_path / "show.json").write_text(json.dumps(_show(res)))
    (tmp_path / "terraform.tfvars").write_text(TFVARS)
    with pytest.raises(ConfigError) as info:
        plan_takeover(tmp_path / "show.json", tmp_path / "terraform.tfvars")
    assert info.value.option == "--state"
    assert "holds 2 terraform-aws-wandb deployments (module.blue, module.green)" in str(info.value)
    assert "\n" not in str(info.value)


# --- 2. wandb_license (finding 2) ---------------------------------------------------------------------------

def test_wandb_license_is_the_license(tmp_path):
    """W&B's example roots (public-dns-external, byo-vpc, byo-vpc-eks at v1.16.10-v8.0.0) and seed 002 l.410 name
    the variable `wandb_license`. Before: refused ("must not be in terraform.tfvars (only ... as `license`")."""
    body = TFVARS.replace("license                   =", "wandb_license =")
    (tmp_path / "terraform.tfvars").write_text(body)
    cfg = load_config(tmp_path / "terraform.tfvars")
    assert cfg.namespace == NS and "adopt-fixture-license-77" not in cfg.model_dump_json()
    assert tfvars_license(tmp_path / "terraform.tfvars") == "adopt-fixture-license-77"
    # Both names, different values: which one is meant is unknowable.
    (tmp_path / "both.tfvars").write_text(body + 'license = "another"\n')
    with pytest.raises(ConfigError, match="wandb_license: and license are both set, to different values"):
        load_config(tmp_path / "both.tfvars")
    # Outside a tfvars the message no longer contradicts itself: both names are allowed there.
    (tmp_path / "c.yaml").write_text(f"namespace: {NS}\nwandb_license: x\n")
    with pytest.raises(ConfigError, match="as `license` or `wandb_license`"):
        load_config(tmp_path / "c.yaml")


@pytest.mark.slow  # fresh interpreters
def test_license_command_and_adopt_take_wandb_license(tmp_path):
    (tmp_path / "old.tfvars").write_text(TFVARS.replace("license                   =", "wandb_license ="))
    done = _cli(["license", "old.tfvars"], tmp_path)
    assert done.returncode == 0 and done.stdout.strip() == "adopt-fixture-license-77", done.stderr
    (tmp_path / "show.json").write_text(json.dumps(_wrap(v8_show_json())))
    out = tmp_path / "takeover"
    done = _cli(["adopt", "--state", "show.json", "--tfvars", "old.tfvars", "--out", str(out)], tmp_path)
    assert done.returncode == 0, done.stderr
    written = (out / "wandb-cdktf.yaml").read_text() + (out / "ADOPTION.md").read_text()
    assert "adopt-fixture-license-77" not in written and "wandb_license" not in yaml.safe_load((out / "wandb-cdktf.yaml").read_text())
    # Two deployments: one line, exit 2, nothing written.
    res = _resources(_wrap(v8_show_json(), "module.a")) + _resources(_wrap(v8_show_json(), "module.b"))
    (tmp_path / "two.json").write_text(json.dumps(_show(res)))
    bad = _cli(["adopt", "--state", "two.json", "--tfvars", "old.tfvars", "--out", str(tmp_path / "n")], tmp_path)
    assert bad.returncode == 2 and len(bad.stderr.strip().splitlines()) == 1 and "Traceback" not in bad.stderr
    assert not (tmp_path / "n").exists()


# --- 3 and 4. settings in main.tf, region (findings 3, 8) --------------------------------------------------

def _running_v8(region: str = "eu-central-1") -> dict:
    """A v8 deployment whose main.tf set what the tfvars does not (public-dns-external: eks_cluster_version 1.30,
    kubernetes_public_access with CIDRs), in the provider block's region (seed 002 l.66)."""
    doc = json.loads(json.dumps(v8_show_json()).replace(REGION, region))
    eks = "module.app_eks.module.eks.aws_eks_cluster.this[0]"
    return _with(doc, _r("module.wandb.helm_release.wandb", {"id": "wandb", "values": [
        'global:\n  ingress:\n    annotations:\n      "alb.ingress.kubernetes.io/scheme": "internal"\n']}),
        _r('module.app_eks.module.eks.module.eks_managed_node_group["ng-0"].aws_eks_node_group.this[0]', {
            "id": f"{NS}:{NS}-a", "instance_types": ["r6i.4xlarge"], "scaling_config": [{"min_size": 2, "max_size": 5,
                                                                                         "desired_size": 2}]}),
        _r("module.app_lb.aws_security_group.inbound", {"id": "sg-0inbound", "ingress": [
            {"from_port": 443, "to_port": 443, "cidr_blocks": ["198.51.100.0/24"], "ipv6_cidr_blocks": []},
            {"from_port": 80, "to_port": 80, "cidr_blocks": ["0.0.0.0/0"], "ipv6_cidr_blocks": ["::/0"]}]}),
        drop=('module.app_eks.module.eks.module.eks_managed_node_group["primary"]',),
        patch={eks: {"version": "1.33", "vpc_config": [{"security_group_ids": ["sg-0aaa00000000clus1"],
                                                        "endpoint_public_access": True, "endpoint_private_access": True,
                                                        "public_access_cidrs": ["203.0.113.0/24"]}]},
               'module.database.module.aurora.aws_rds_cluster_instance.this["1"]': {"instance_class": "db.r6g.xlarge"},
               "module.database.module.aurora.aws_rds_cluster.this[0]": {"engine_version": "8.0.mysql_aurora.3.05.2"},
               "module.redis[0].aws_elasticache_replication_group.default": {"node_type": "cache.m6g.xlarge"}})


def test_settings_of_the_running_deployment_win_and_are_listed(tmp_path):
    """Before: adopt built the config from the tfvars only, so the public endpoint was switched off in place and
    the cluster version had to be guessed; now the state wins and ADOPTION.md lists each difference."""
    take = _take(tmp_path, _wrap(_running_v8()))
    c = take.config
    assert (c["region"], c["eks_cluster_version"], c["kubernetes_public_access"], c["kubernetes_public_access_cidrs"]) == (
        "eu-central-1", "1.33", True, ["203.0.113.0/24"])
    assert c["database_engine_version"] == "8.0.mysql_aurora.3.05.2" and c["database_instance_class"] == "db.r6g.xlarge"
    assert c["elasticache_node_type"] == "cache.m6g.xlarge" and c["kubernetes_alb_internet_facing"] is False
    assert c["allowed_inbound_cidr"] == ["198.51.100.0/24"] and c["allowed_inbound_ipv6_cidr"] == []
    assert (c["kubernetes_instance_types"], c["kubernetes_min_nodes_per_az"], c["kubernetes_max_nodes_per_az"]) == (
        ["r6i.4xlarge"], 2, 5)
    text = report(take, "show.json")
    # The tfvars said 1.32 / ["0.0.0.0/0"]: each difference is listed and marked.
    assert re.search(r"\| `eks_cluster_version` \| `1.32` \| `1.33` \| .* \*\*differs\*\*", text)
    assert re.search(r"\| `allowed_inbound_cidr` \| `\[\"0.0.0.0/0\"\]` \| `\[\"198.51.100.0/24\"\]` \| .*\*\*differs\*\*", text)
    assert re.search(r"\| `kubernetes_public_access` \| \(not set\) \| `true` \|", text)
    assert "- Region: `eu-central-1` (from the state:" in text
    assert "EKS API endpoint: public to 203.0.113.0/24 and private (as the running cluster has it)" in text
    assert "internal (as the running release's ingress scheme)" in text


@pytest.mark.parametrize("spans", [["subnet-1", "subnet-2"], []])
def test_eks17_node_group_sizes_come_from_the_state(tmp_path, spans):
    """eks 17.x (v1.16.10, v4.7.2): one managed group `workers["primary"]` over every private subnet, sized in total
    (terraform-aws-wandb v1.16.10 modules/app_eks/main.tf: desired 2, min 2, max 5, as tests/fixtures/v1_workspace
    has it, with m5.xlarge); ours are one group per AZ. The takeover keeps the capacity: per AZ, rounded up, never
    fewer nodes than before; instance types as they run; each difference from the tfvars is marked in ADOPTION.md.
    Without `subnet_ids` in the state the group spans the state's private subnets. Before: only v8's sizes were
    carried, so a v1.16.10 takeover sized its groups from the tfvars or the `size` preset."""
    group = 'module.app_eks.module.eks.module.node_groups.aws_eks_node_group.workers["primary"]'
    doc = _with(v1_show_json(), patch={group: {"instance_types": ["m5.xlarge"], "subnet_ids": spans,
                                               "scaling_config": [{"min_size": 2, "max_size": 5, "desired_size": 2}]}})
    tfvars = TFVARS.replace("kubernetes_legacy_cluster_creator_admin = false\n", "") + (
        'kubernetes_instance_types = ["m5.large"]\nkubernetes_min_nodes_per_az = 3\nkubernetes_max_nodes_per_az = 4\n')
    take = _take(tmp_path, doc, tfvars)
    c = take.config
    assert (c["kubernetes_instance_types"], c["kubernetes_min_nodes_per_az"], c["kubernetes_max_nodes_per_az"]) == (
        ["m5.xlarge"], 1, 3)
    text = report(take, "show.json")
    for option, said, used in (("kubernetes_instance_types", r'\["m5.large"\]', r'\["m5.xlarge"\]'),
                               ("kubernetes_min_nodes_per_az", "3", "1"), ("kubernetes_max_nodes_per_az", "4", "3")):
        assert re.search(rf"\| `{option}` \| `{said}` \| `{used}` \| .*\*\*differs\*\*", text), option
    assert "(scaling_config: min 2, max 5, desired 2 over 2 AZs, per AZ rounded up; ours start at the minimum)" in text


def test_region_comes_from_the_state_over_the_tfvars(tmp_path):
    """v8 has no region variable (the provider block sets it); a tfvars `region` that names another one loses."""
    take = _take(tmp_path, _running_v8("ap-south-1"), TFVARS + 'region = "us-east-1"\n')
    assert take.config["region"] == "ap-south-1"
    assert ("region", "us-east-1", "ap-south-1") in [(o, s, u) for o, s, u, _ in take.settings]


def test_plain_synth_of_a_tfvars_without_region_says_which_region(tmp_path, capsys):
    """Before: a v8 tfvars (no region variable) silently deployed to us-west-2 (finding 8)."""
    from wandb_cdktf.cli import _tfvars_notes

    (tmp_path / "terraform.tfvars").write_text(TFVARS)
    _tfvars_notes(str(tmp_path / "terraform.tfvars"))
    err = capsys.readouterr().err
    assert "config note: region: terraform.tfvars sets none" in err and "deploying to us-west-2" in err
    (tmp_path / "eu.tfvars").write_text(TFVARS + 'region = "eu-central-1"\n')
    _tfvars_notes(str(tmp_path / "eu.tfvars"))
    assert "region" not in capsys.readouterr().err


# --- 5. bring your own VPC (finding 5) ------------------------------------------------------------------------

BYO = TFVARS + """
create_vpc                  = false
network_id                  = "vpc-0123456789abcdef0"
network_private_subnets     = ["subnet-01111111111111111", "subnet-02222222222222222"]
network_public_subnets      = ["subnet-03333333333333333", "subnet-04444444444444444"]
network_database_subnets    = ["subnet-05555555555555555", "subnet-06666666666666666"]
network_elasticache_subnets = ["subnet-07777777777777777", "subnet-08888888888888888"]
"""


def test_byo_vpc_adopts_the_aurora_modules_subnet_group(tmp_path):
    """create_vpc = false: rds-aurora makes `aws_db_subnet_group.this[0]` itself; db_subnet_group_name is ForceNew on
    the cluster, so a new group of ours would replace the adopted cluster. Before: "not known to wandb-cdktf"."""
    from wandb_cdktf.config import config_from_mapping
    from wandb_cdktf.testing import synth_to_dir

    group = _r("module.database.module.aurora.aws_db_subnet_group.this[0]", {
        "id": NS, "name": NS, "description": f"For Aurora cluster {NS}"})
    take = _take(tmp_path, _with(v8_show_json(), group, drop=("module.networking.",)), BYO)
    adopted = {old: (ours, iid) for old, ours, iid in take.adopted}
    ours, iid = adopted["module.database.module.aurora.aws_db_subnet_group.this[0]"]
    assert ours.startswith("aws_db_subnet_group.database_subnet-group_") and iid == NS and not take.unmatched
    infra = synth_to_dir(config_from_mapping(take.config), tmp_path / "out")[f"{NS}-infra"]
    sg = next(iter(infra["resource"]["aws_db_subnet_group"].values()))
    assert sg["name"] == NS and "name_prefix" not in sg


def test_byo_vpc_set_in_main_tf_is_read_from_the_state(tmp_path):
    """terraform-aws-wandb v8.0.0's examples/byo-vpc sets `create_vpc = false` in main.tf, so the tfvars has the
    network's ids but not create_vpc. The state says it (no vpc 4.x VPC) and which network: the cluster's VPC and
    subnets, the Aurora module's and Redis's subnet groups. The tfvars' order is kept for the same subnets; where
    they differ, the state wins and ADOPTION.md marks it. Before: "network_id is for a bring-your-own VPC; set
    create_vpc: false to use it" (exit 2)."""
    eks = "module.app_eks.module.eks.aws_eks_cluster.this[0]"
    private = ["subnet-01111111111111111", "subnet-02222222222222222"]
    database = ["subnet-05555555555555555", "subnet-06666666666666666"]
    cache = ["subnet-07777777777777777", "subnet-08888888888888888"]
    doc = _with(v8_show_json(),
                _r("module.database.module.aurora.aws_db_subnet_group.this[0]", {
                    "id": f"{NS}-database-subnet", "name": f"{NS}-database-subnet", "description": f"For Aurora cluster {NS}",
                    "subnet_ids": database[::-1]}),
                _r("module.redis[0].aws_elasticache_subnet_group.default[0]", {
                    "id": f"{NS}-elasticache-subnet", "name": f"{NS}-elasticache-subnet", "subnet_ids": cache}),
                drop=("module.networking.",),
                patch={eks: {"vpc_config": [{"security_group_ids": ["sg-0aaa00000000clus1"], "vpc_id": "vpc-0123456789abcdef0",
                                             "subnet_ids": private[::-1]}]}})
    tfvars = BYO.replace("create_vpc                  = false\n", "").replace(
        '"subnet-05555555555555555", "subnet-06666666666666666"', '"subnet-05555555555555555", "subnet-09999999999999999"')
    take = _take(tmp_path, doc, tfvars)
    c = take.config
    assert (c["create_vpc"], c["network_id"]) == (False, "vpc-0123456789abcdef0")
    assert (c["network_private_subnets"], c["network_database_subnets"], c["network_elasticache_subnets"]) == (
        private, database, cache)
    assert not [ours for _, ours, _ in take.adopted if ours.startswith(("aws_vpc.", "aws_subnet."))]
    text = report(take, "show.json")
    assert re.search(r"\| `create_vpc` \| \(not set\) \| `false` \| `module\.networking\.module\.vpc\.aws_vpc\.this\[0\] \(absent\)`", text)
    assert re.search(r"\| `network_database_subnets` \| .*subnet-09999999999999999.* \*\*differs\*\*", text)
    assert not re.search(r"\| `network_private_subnets` \|.*\*\*differs\*\*", text)


def test_pre_operator_byo_vpc_takes_the_albs_public_subnets(tmp_path):
    """v1.16.10 with create_vpc = false: our pre-operator ALB is the adopted one, so its subnets are the public ones
    (the config refuses a pre-operator BYO VPC without network_public_subnets). The other ids come from the state
    too, except Redis's subnets: v1.16.10's module.redis names an existing subnet group it does not manage."""
    eks = "module.app_eks.module.eks.aws_eks_cluster.this[0]"
    doc = _with(v1_show_json(),
                _r("module.database.module.aurora.aws_db_subnet_group.this[0]", {
                    "id": f"{NS}-database-subnet", "name": f"{NS}-database-subnet", "description": f"For Aurora cluster {NS}",
                    "subnet_ids": ["subnet-05555555555555555", "subnet-06666666666666666"]}),
                drop=("module.networking.",),
                patch={eks: {"vpc_config": [{"security_group_ids": ["sg-0bbb00000000clus1"], "vpc_id": "vpc-0123456789abcdef0",
                                             "subnet_ids": ["subnet-01111111111111111", "subnet-02222222222222222"]}]},
                       "module.app_lb.aws_lb.alb": {"subnets": ["subnet-04444444444444444", "subnet-03333333333333333"]}})
    take = _take(tmp_path, doc, TFVARS.replace("kubernetes_legacy_cluster_creator_admin = false\n", "")
                 + 'network_elasticache_subnets = ["subnet-07777777777777777", "subnet-08888888888888888"]\n')
    c = take.config
    assert (c["deployment"], c["create_vpc"], c["network_id"]) == ("pre-operator", False, "vpc-0123456789abcdef0")
    assert c["network_public_subnets"] == ["subnet-03333333333333333", "subnet-04444444444444444"]
    assert "module.app_lb.aws_lb.alb" in {old for old, _, _ in take.adopted}


# --- 7. access entries (findings 7, 16) ---------------------------------------------------------------------

def test_v8_map_roles_and_users_access_entries_are_imported(tmp_path):
    """v8 turns kubernetes_map_roles/map_users into eks 20.x access_entries keyed by username; EKS allows one entry
    per principal. Before: "recreated by us" while the old ones exist."""
    role, user = f"arn:aws:iam::{ACCOUNT}:role/platform-admins", f"arn:aws:iam::{ACCOUNT}:user/alice"
    eks = "module.app_eks.module.eks."
    doc = _with(v8_show_json(),
                _r(eks + 'aws_eks_access_entry.this["admins"]', {"id": f"{NS}#{role}", "principal_arn": role,
                                                                   "kubernetes_groups": ["wandb-admins"]}),
                _r(eks + 'aws_eks_access_entry.this["alice"]', {"id": f"{NS}#{user}", "principal_arn": user,
                                                                  "kubernetes_groups": []}))
    take = _take(tmp_path, doc)  # the tfvars lists neither: they come from the state
    assert take.config["kubernetes_map_roles"] == [{"rolearn": role, "username": "admins", "groups": ["wandb-admins"]}]
    assert take.config["kubernetes_map_users"] == [{"userarn": user, "username": "alice", "groups": []}]
    ids = {old: (ours, iid) for old, ours, iid in take.adopted}
    assert ids[eks + 'aws_eks_access_entry.this["admins"]'][0].startswith("aws_eks_access_entry.eks_access-entry-0_")
    assert ids[eks + 'aws_eks_access_entry.this["alice"]'] [0].startswith("aws_eks_access_entry.eks_access-entry-1_")
    assert ids[eks + 'aws_eks_access_entry.this["alice"]'][1] == f"{NS}#{user}"


def test_taken_over_access_entries_keep_their_kubernetes_user_names(tmp_path):
    """v8 (modules/app_eks/main.tf ``access_entries``) passes no ``user_name``, so EKS named each entry itself
    (CreateAccessEntry API reference: ``arn:aws:sts::<account>:assumed-role/<role>/{{SessionName}}`` for a role,
    the ARN for a user). Ours sends ``username`` as the Kubernetes user name: the state's name must win, or the
    takeover renames every entry in place and RBAC bindings to the old name stop matching."""
    role, user = f"arn:aws:iam::{ACCOUNT}:role/platform-admins", f"arn:aws:iam::{ACCOUNT}:user/alice"
    role_name = f"arn:aws:sts::{ACCOUNT}:assumed-role/platform-admins/{{{{SessionName}}}}"
    eks = "module.app_eks.module.eks."
    doc = _with(v8_show_json(),
                _r(eks + 'aws_eks_access_entry.this["admins"]', {"id": f"{NS}#{role}", "principal_arn": role,
                                                                   "kubernetes_groups": ["wandb-admins"],
                                                                   "user_name": role_name}),
                _r(eks + 'aws_eks_access_entry.this["alice"]', {"id": f"{NS}#{user}", "principal_arn": user,
                                                                  "kubernetes_groups": [], "user_name": user}))
    take = _take(tmp_path, doc)
    assert take.config["kubernetes_map_roles"] == [{"rolearn": role, "username": role_name, "groups": ["wandb-admins"]}]
    assert take.config["kubernetes_map_users"] == [{"userarn": user, "username": user, "groups": []}]
    ids = {old: ours for old, ours, _ in take.adopted}  # still imported, by v8's key
    assert ids[eks + 'aws_eks_access_entry.this["admins"]'].startswith("aws_eks_access_entry.eks_access-entry-0_")
    assert ids[eks + 'aws_eks_access_entry.this["alice"]'].startswith("aws_eks_access_entry.eks_access-entry-1_")
    assert "aws_eks_access_entry.this[...].user_name" in report(take, "show.json")


@pytest.mark.parametrize("shape", [v7_show_json, v4_show_json])
def test_eks17_takeover_creates_no_creator_access_entry(tmp_path, shape):
    """eks 17.x clusters were made with CONFIG_MAP authentication; switching to API_AND_CONFIG_MAP makes AWS create
    the creator's access entry (terraform-aws-wandb v8.0.0 modules/app_eks/main.tf:90-108), so ours would collide.
    Before: the tfvars' `kubernetes_legacy_cluster_creator_admin = false` made ours create it."""
    take = _take(tmp_path, shape())
    assert take.config["kubernetes_legacy_cluster_creator_admin"] is True
    assert not any("creator-access" in ours for _, ours, _ in take.adopted)
    assert "kubernetes_legacy_cluster_creator_admin" in report(take, "show.json")


@pytest.mark.parametrize("shape", [v7_show_json, v4_show_json])
def test_controller_alb_scheme_from_the_state_when_it_has_it(tmp_path, shape):
    """The controller-made ALB is no resource of the state (v4.7.2, v7). Where the state has its scheme, it is
    used: PrivateLink's `data.aws_lb.alb` (modules/private_link/main.tf at v4.7.2, v7.18.2, v8.0.0: the ALB named
    `<ns>-alb-k8s`) records what AWS has; else wandb/wandb/helm's `set { name = "spec" }` holds the release's
    `alb.ingress.kubernetes.io/scheme` (main.tf `kubernetes_alb_internet_facing`). Otherwise ADOPTION.md asks,
    and v4.7.2's Terraform ALB (`module.app_lb.aws_lb.alb`, public_access) is not taken for the controller's."""
    data = {**_r("module.private_link[0].data.aws_lb.alb", {"id": "arn:alb", "name": f"{NS}-alb-k8s", "internal": True}),
            "mode": "data"}
    (tmp_path / "a").mkdir()
    take = _take(tmp_path / "a", _with(shape(), data))
    assert take.config["kubernetes_alb_internet_facing"] is False
    assert "internal (as the running ALB, read by PrivateLink's `data.aws_lb.alb`)" in report(take, "show.json")
    # A data source is nothing to import, release or keep.
    assert not [x for x in take.unmatched + [x for x, _ in take.stays + take.released] if ".data." in x]

    spec = 'ingress:\n  annotations:\n    "alb.ingress.kubernetes.io/scheme": "internal"\n'
    release = _r("module.wandb.helm_release.wandb", {"id": "wandb-cr", "set": [{"name": "spec", "type": "string",
                                                                                 "value": spec}]})
    (tmp_path / "b").mkdir()
    take = _take(tmp_path / "b", _with(shape(), release))
    assert take.config["kubernetes_alb_internet_facing"] is False
    assert "internal (as the running release's ingress scheme)" in report(take, "show.json")

    (tmp_path / "c").mkdir()
    doc = _with(shape(), patch={"module.app_lb.aws_lb.alb": {"internal": True}})
    take = _take(tmp_path / "c", doc)
    assert "kubernetes_alb_internet_facing" not in {o for o, *_ in take.settings}
    assert "the state does not record the controller's ALB; set it to what yours is" in report(take, "show.json")


# --- 6. PrivateLink, YACE, autoscaler, in-cluster objects (field-review-2-aws finding 6) ---------------------

def test_private_link_is_imported_and_the_service_name_kept(tmp_path):
    """Ours reuse v8's names (`<ns>-nlb`, `<ns>-nlb-tg`); a new endpoint service would get a new service name and
    break every consumer endpoint. Before: `module.private_link[0].*` was "feature not supported"."""
    from wandb_cdktf.config import config_from_mapping
    from wandb_cdktf.testing import synth_to_dir

    pl = "module.private_link[0]."
    nlb = f"arn:aws:elasticloadbalancing:{REGION}:{ACCOUNT}:loadbalancer/net/{NS}-nlb/1"
    tg = f"arn:aws:elasticloadbalancing:{REGION}:{ACCOUNT}:targetgroup/{NS}-nlb-tg/2"
    doc = _with(v8_show_json(),
                _r(pl + "aws_lb.nlb", {"id": nlb, "name": f"{NS}-nlb", "internal": True, "load_balancer_type": "network",
                                       "security_groups": [], "enforce_security_group_inbound_rules_on_private_link_traffic": ""}),
                _r(pl + "aws_lb_target_group.nlb", {"id": tg, "name": f"{NS}-nlb-tg", "port": 443, "protocol": "TCP",
                                                    "vpc_id": "vpc-0aaa0000000000001", "target_type": "alb"}),
                _r(pl + "aws_lb_listener.nlb", {"id": f"{nlb}/l443"}),
                _r(pl + "aws_lb_target_group_attachment.nlb_to_alb", {"id": "att"}),
                _r(pl + "aws_vpc_endpoint_service.private_link", {"id": "vpce-svc-0123456789abcdef0",
                                                                  "service_name": f"com.amazonaws.vpce.{REGION}.vpce-svc-0123456789abcdef0",
                                                                  "allowed_principals": ["arn:aws:iam::210987654321:root"]}),
                _r("module.iam_role[0].aws_iam_role.irsa", {"id": f"{NS}-yace"}),
                _r("module.app_eks.module.cluster_autoscaler.aws_iam_role.default", {"id": f"{NS}-autoscaler"}),
                _r("module.app_eks.kubernetes_secret.weave_worker_auth", {"id": "default/weave-worker-auth"}))
    take = _take(tmp_path, doc)  # v8 main.tf counts module.private_link on private_link_allowed_account_ids:
    assert take.config["private_link_allowed_account_ids"] == ["210987654321"]  # read from allowed_principals
    adopted = {old: (ours, iid) for old, ours, iid in take.adopted}
    ours, iid = adopted[pl + "aws_vpc_endpoint_service.private_link"]
    assert ours.startswith("aws_vpc_endpoint_service.private-link_") and iid == "vpce-svc-0123456789abcdef0"
    for old in ("aws_lb.nlb", "aws_lb_target_group.nlb", "aws_lb_listener.nlb"):
        assert adopted[pl + old][0].startswith(f"{old.split('.')[0]}.private-link_"), old
    replaced, released, stays = dict(take.replaced), dict(take.released), dict(take.stays)
    assert pl + "aws_lb_target_group_attachment.nlb_to_alb" in released
    assert "module.iam_role[0].aws_iam_role.irsa" in replaced
    assert "module.app_eks.module.cluster_autoscaler.aws_iam_role.default" in replaced
    assert "creates one of the same name" in stays["module.app_eks.kubernetes_secret.weave_worker_auth"]
    assert "creates one of the same name" in stays["module.app_eks.kubernetes_storage_class.gp3"]
    assert not any("not supported" in why for why in stays.values()) and not take.unmatched
    text = report(take, "show.json")
    assert "`module.app_eks.kubernetes_storage_class.gp3`" in text.split("## Cut-over")[1]
    assert "the adopted NLB has no security group" in text
    infra = synth_to_dir(config_from_mapping(take.config), tmp_path / "out")[f"{NS}-infra"]
    lb = next(b for b in infra["resource"]["aws_lb"].values() if b.get("load_balancer_type") == "network")
    # v8's NLB has no security group (AWS cannot add one later): ours leaves it so, no replacement.
    assert lb["name"] == f"{NS}-nlb" and "security_groups" not in lb
    assert "enforce_security_group_inbound_rules_on_private_link_traffic" not in lb


# --- 8. version detection (finding 26) ------------------------------------------------------------------------

@pytest.mark.parametrize("extra,named", [
    # v3.4.2: pre-operator (the Terraform ALB), with app_eks's OIDC provider and the lb_controller IRSA role.
    ([_r("module.app_eks.aws_iam_openid_connect_provider.eks", {"id": "arn:oidc"}),
      _r("module.app_eks.module.lb_controller.aws_iam_role.default", {"id": "lbc"})], "v3.x"),
    # v2.1.0-v2.8.0: pre-operator with the bucket's CORS as its own resource.
    ([_r("module.file_storage[0].aws_s3_bucket_cors_configuration.file_storage", {"id": "b"})], "v2.x"),
])
def test_versions_adopt_does_not_map_are_refused_naming_those_it_does(tmp_path, extra, named):
    """Before: a v3.x state was labelled v4.7.2 and deployed post-operator."""
    with pytest.raises(ConfigError) as info:
        _take(tmp_path, _with(v1_show_json(), *extra))
    msg = str(info.value)
    assert info.value.option == "--state" and f"terraform-aws-wandb {named}" in msg
    assert "v8.x, v7.x" in msg and "v4.7.2 and v1.16.10" in msg


# --- 10. the operator migration walk-through's tfvars (seed 002) ----------------------------------------------

def _seed_state(shape) -> dict:
    """A workspace of that walk-through (namespace operator-upgrade, region us-west-2 of its provider block), with
    what its main.tf set: its eks_cluster_version 1.25 is long past EKS support, so the cluster has been upgraded
    since (1.33 here); allowed_inbound_cidr defaults to 0.0.0.0/0 in its variables.tf."""
    ns = "operator-upgrade"
    doc = json.loads(json.dumps(shape(ns)).replace("example.com", "sandbox-aws.wandb.ml").replace(
        "Z0123456789EXAMPLE00", "Z032246913CW32RVRY0WU").replace('"wandb.sandbox', '"operator-upgrade.sandbox'))
    return _with(doc, patch={
        "module.app_eks.module.eks.aws_eks_cluster.this[0]": {"version": "1.33"},
        "module.app_lb.aws_security_group.inbound": {"ingress": [
            {"from_port": 443, "to_port": 443, "cidr_blocks": ["0.0.0.0/0"], "ipv6_cidr_blocks": ["::/0"]}]}})


def test_the_walk_throughs_pre_operator_tfvars_adopts_the_v1_16_10_workspace(tmp_path):
    """seed 002 l.405-412. Before: `wandb_license` refused; then allowed_inbound_cidr / eks_cluster_version required."""
    take = _take(tmp_path, _seed_state(v1_show_json), (SEED / "pre-operator.tfvars").read_text())
    c = take.config
    assert take.generation == "v1.16.10" and c["deployment"] == "pre-operator" and c["wandb_version"] == "0.51.2"
    assert c["allowed_inbound_cidr"] == ["0.0.0.0/0"] and c["eks_cluster_version"] == "1.33"
    assert "ey..." not in json.dumps(c) and not take.unmatched


def test_the_walk_throughs_post_operator_tfvars_adopts_the_v4_7_2_workspace(tmp_path):
    """seed 002 l.434-444. Before: `enable_dummy_dns`: "neither a v8 variable nor an option"."""
    take = _take(tmp_path, _seed_state(v4_show_json), (SEED / "post-operator.tfvars").read_text())
    c = take.config
    assert take.generation == "v4.7.2" and c["deployment"] == "post-operator"
    assert c["custom_domain_filter"] == "sandbox-aws.wandb.ml" and c["size"] == "small"
    assert "enable_dummy_dns" not in c and "enable_operator_alb" not in c
    text = report(take, "show.json")
    for name in ("enable_dummy_dns", "enable_operator_alb"):
        assert sum(line.startswith(f"- {name}: a terraform-aws-wandb v4.7.2 variable;") for line in text.splitlines()) == 1


def test_older_versions_variables_load_from_a_tfvars_with_one_note_each(tmp_path, capsys):
    """Recognised with their meaning (app_wandb_env -> other_wandb_env; create_bucket = false needs bucket_name) or
    one line saying what wandb-cdktf does instead; a YAML config still refuses them (they are not options)."""
    from wandb_cdktf.cli import _tfvars_notes
    from wandb_cdktf.config.legacy import LEGACY_VARIABLES
    from wandb_cdktf.config.model import WandbConfig
    from wandb_cdktf.config.v8 import BY_NAME

    assert not {v.name for v in LEGACY_VARIABLES} & (set(WandbConfig.model_fields) | set(BY_NAME))
    body = TFVARS + 'enable_operator_alb = true\nssl_policy = "ELBSecurityPolicy-2016-08"\napp_wandb_env = { A = "1" }\n'
    (tmp_path / "old.tfvars").write_text(body)
    assert load_config(tmp_path / "old.tfvars").other_wandb_env == {"A": "1"}
    _tfvars_notes(str(tmp_path / "old.tfvars"))
    notes = [line for line in capsys.readouterr().err.splitlines() if line.startswith("config note: ")]
    assert [n.split(":")[1].strip() for n in notes] == ["enable_operator_alb", "ssl_policy", "app_wandb_env", "region"]
    (tmp_path / "nb.tfvars").write_text(TFVARS + "create_bucket = false\n")
    with pytest.raises(ConfigError, match="create_bucket: false needs bucket_name"):
        load_config(tmp_path / "nb.tfvars")
    (tmp_path / "c.yaml").write_text(f"namespace: {NS}\nenable_dummy_dns: true\n")
    with pytest.raises(ConfigError, match="enable_dummy_dns: unknown option"):
        load_config(tmp_path / "c.yaml")


# --- 9. the README recipe (finding 24) -----------------------------------------------------------------------

def test_readme_recipe_keeps_the_state_private():
    """`terraform show -json` holds the license and the database password: the recipe (README "Coming from
    terraform-aws-wandb", and the docs site's takeover page that repeats it) must not write it to a world-readable
    temporary file (before: `> /tmp/show.json` under the default umask), and shows the docs' own root-module
    workspace."""
    pages = [p for p in (REPO / "README.md", REPO / "docs" / "takeover.md")
             if p.is_file() and "## Coming from terraform-aws-wandb" in p.read_text()]
    assert pages, "no page holds the takeover recipe"
    for page in pages:
        section = page.read_text().split("## Coming from terraform-aws-wandb", 1)[1].split("\n## ", 1)[0]
        recipe = section.split("```bash", 1)[1].split("```", 1)[0]
        show = next(line for line in recipe.splitlines() if "terraform show -json" in line)
        assert "umask 077" in show and "/tmp/" not in recipe, page
        assert 'module "wandb_infra"' in section and "wandb_license" in section, page


def test_a_refused_running_setting_names_the_state(tmp_path):
    """A value adopt took from the state and our options refuse is blamed on the state, not on the tfvars."""
    doc = _with(v8_show_json(), patch={"module.app_eks.module.eks.aws_eks_cluster.this[0]": {"version": "1.25"}})
    with pytest.raises(ConfigError) as info:
        _take(tmp_path, doc)
    assert info.value.option == "eks_cluster_version"
    assert "show.json (module.app_eks.module.eks.aws_eks_cluster.this[0], the running deployment)" in str(info.value)


def test_a_required_option_missing_from_tfvars_and_state_is_named_without_a_false_way_out(tmp_path):
    """Finding 25: adopt's errors said "(or set create_platform: false ...)", which a takeover cannot do."""
    with pytest.raises(ConfigError) as info:
        _take(tmp_path, v8_show_json(), TFVARS.replace('domain_name               = "example.com"\n', ""))
    assert str(info.value) == "config error: domain_name: terraform.tfvars: is required"
