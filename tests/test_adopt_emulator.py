"""`wandb-cdktf adopt` on the emulator: take over a terraform-aws-wandb workspace in place (issues 13, 24).

tests/fixtures/v8_workspace is a v8.0.0-shaped and tests/fixtures/v1_workspace a v1.16.10-shaped
(pre-operator) terraform-aws-wandb (local modules at those versions' addresses and names, written for
these tests; see their READMEs). Each is applied the way W&B's docs tell users to write the workspace
(issue 24): a root of the user's (the fixture's ``root/``) calls it as ``module "wandb_infra"`` with its
settings in main.tf (EKS version, public API endpoint and its CIDRs), the license as ``wandb_license``
in terraform.tfvars and the region only in the provider block (v8: eu-central-1, as W&B's guide; v1:
the pre-operator.tfvars of W&B's operator migration walk-through, tests/fixtures/operator_migration).
The test applies it to moto with the real Terraform CLI and hashicorp/aws 5.100.0, takes its
``terraform show -json``, runs ``wandb-cdktf adopt`` as a user does, synthesizes our ``<ns>-infra``
with the written configuration and lets Terraform judge the plan: every stateful object of the old
workspace is imported (and at most updated in place), none is created, replaced or destroyed, and
the EKS API endpoint's exposure is unchanged; then apply, and the re-plan is clean except for the
emulator artefacts listed in tests/emulator_artefacts.py. Run with
``pytest tests/test_adopt_emulator.py -rs -s``.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from _emulator_support import Moto, Stack, changes, describe, split_artefacts, synth
from wandb_cdktf.testing import TerraformEnv

pytestmark = [pytest.mark.emulator, pytest.mark.slow]

REPO = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
# What must survive the takeover: Terraform type -> what it is (issue 13 "Test on the emulator").
STATEFUL = {
    "aws_vpc": "VPC", "aws_subnet": "subnets", "aws_kms_key": "KMS key", "aws_s3_bucket": "bucket",
    "aws_sqs_queue": "queue", "aws_rds_cluster": "Aurora cluster", "aws_rds_cluster_instance": "Aurora instance",
    "aws_eks_cluster": "EKS cluster", "aws_nat_gateway": "NAT gateways", "aws_eip": "NAT addresses",
    "aws_kms_alias": "KMS alias", "aws_db_subnet_group": "DB subnet group",
}
# v8 has these too. EKS refuses a second add-on of a name and a second access entry for a principal
# (ResourceInUseException): every one of ours must be an import.
STATEFUL_V8 = {
    **STATEFUL, "aws_iam_openid_connect_provider": "OIDC provider", "aws_efs_file_system": "EFS",
    "aws_eks_addon": "EKS add-ons", "aws_eks_access_entry": "EKS access entries",
}
# v1.16.10's Terraform ALB, which our pre-operator <ns>-infra owns: its DNS name must survive.
STATEFUL_V1 = {**STATEFUL, "aws_lb": "ALB", "aws_lb_target_group": "target group", "aws_lb_listener": "listeners"}


def _docs_tfvars(ns: str, zone_id: str) -> str:
    """The user's terraform.tfvars as W&B's guide writes it ("terraform.tfvars 파일을 만듭니다"), with the
    license as `wandb_license` (its example roots' name) and without what root/main.tf sets itself."""
    return f"""
namespace            = "{ns}"
wandb_license        = "fixture-license-0042"
subdomain            = "wandb"
domain_name          = "example.com"
zone_id              = "{zone_id}"
allowed_inbound_cidr = ["0.0.0.0/0"]
"""


def _walk_through_tfvars(zone_id: str) -> str:
    """The walk-through's pre-operator.tfvars as a user holds it; only the zone is the emulator's."""
    text = (FIXTURES / "operator_migration" / "pre-operator.tfvars").read_text()
    return text.replace("Z032246913CW32RVRY0WU", zone_id)


def _adopt(state: Path, tfvars: Path, out: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO / "src")}
    return subprocess.run([sys.executable, str(REPO / "main.py"), "adopt", "--state", str(state), "--tfvars", str(tfvars),
                           "--out", str(out)], capture_output=True, text=True, env=env, timeout=600)


def _by_type(plan: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = {}
    for rc in plan.get("resource_changes", []):
        if rc["mode"] == "managed":
            out.setdefault(rc["type"], []).append(rc)
    return out


def _ec2(moto: Moto, region: str) -> Any:
    import boto3

    return boto3.client("ec2", endpoint_url=moto.url, region_name=region, aws_access_key_id="testing",
                        aws_secret_access_key="testing")


def _take_over(tf: TerraformEnv, moto: Moto, tmp_path: Path, fixture: str, ns: str, stateful: dict[str, str],
               tfvars: str, must_import: tuple[str, ...] = (), consumer_region: str = "",
               root: str = "root") -> tuple[str, dict[str, Any], dict[str, Any]]:
    """Apply the old workspace (the fixture's ``root`` with the user's ``tfvars``), adopt it, plan/apply/re-plan
    ours; returns (report, config, takeover plan).

    ``must_import``: fragments of our addresses (beyond ``stateful``'s types) that must be imports.
    ``consumer_region``: the old workspace has PrivateLink; before the takeover a consumer's interface endpoint
    is made with its service name (in another VPC of that region), and after it the service under that name
    is still the one our stack outputs, with the consumer's endpoint on it.
    """
    # 1. The old workspace, applied: the root calls the fixture as module "wandb_infra".
    old_dir = tmp_path / "old"
    shutil.copytree(FIXTURES / fixture, old_dir)
    (old_dir / root / "terraform.tfvars").write_text(tfvars)
    old = Stack(tf, old_dir / root, moto.env())  # the root's provider takes the URL from AWS_ENDPOINT_URL
    old.apply()
    endpoint = service_name = ""
    if consumer_region:
        service_name = json.loads(old.must("output", "-json").stdout)["private_link_service_name"]["value"]
        ec2 = _ec2(moto, consumer_region)
        consumer_vpc = ec2.create_vpc(CidrBlock="10.99.0.0/16")["Vpc"]["VpcId"]
        endpoint = ec2.create_vpc_endpoint(VpcEndpointType="Interface", VpcId=consumer_vpc,
                                           ServiceName=service_name)["VpcEndpoint"]["VpcEndpointId"]
    shown = old.must("show", "-json")
    state = tmp_path / "old-show.json"
    state.write_text(shown.stdout)
    # The artefact list is keyed by our (root-module) addresses: match the old ones by type.name.
    _, unexpected = split_artefacts([{**rc, "address": f"{rc['type']}.{rc['name']}"} for rc in changes(old.plan_json())])
    assert not unexpected, f"the {fixture} fixture itself does not re-plan clean:\n" + "\n".join(unexpected)

    # 2. wandb-cdktf adopt, as README "Coming from terraform-aws-wandb" says.
    out = tmp_path / "takeover"
    done = _adopt(state, old_dir / root / "terraform.tfvars", out)
    assert done.returncode == 0, done.stderr
    report = (out / "ADOPTION.md").read_text()
    print(report)
    # Every old address is classified (imported, replaced anyway, released or staying, with a reason).
    assert "not known to wandb-cdktf" not in report
    # The enclosing module is found, said, and every `terraform state rm` names it.
    assert "terraform-aws-wandb is called as `module.wandb_infra`" in report
    rm = [line for line in report.splitlines() if line.startswith("terraform state rm")]
    assert rm and all(line.startswith("terraform state rm 'module.wandb_infra.") for line in rm)
    assert "fixture-license-0042" not in report + (out / "wandb-cdktf.yaml").read_text()
    config = yaml.safe_load((out / "wandb-cdktf.yaml").read_text())
    config["aws_endpoints"] = {}  # the emulator profile (tests only); the URL comes from moto.env()

    # 3. Our <ns>-infra over the adopted objects: imports and in-place updates only.
    ours = synth(tf, config, tmp_path / "cdktf.out", f"{ns}-infra", env=moto.env())
    plan = ours.plan_json()
    by_type = _by_type(plan)
    print("takeover plan:\n" + "\n".join(describe(rc) for rc in plan["resource_changes"]
                                         if rc["change"]["actions"] != ["no-op"] or rc["change"].get("importing")))
    old_elasticache = "module.networking.module.vpc.aws_subnet.elasticache" in state.read_text()
    problems = []
    for rtype, what in stateful.items():
        found = by_type.get(rtype, [])
        if not found:
            problems.append(f"{what}: no {rtype} in our plan")
        for rc in found:
            if rtype == "aws_subnet" and "_elasticache-" in rc["address"] and not old_elasticache:
                continue  # ours always has the elasticache tier; a workspace without Redis has none: two new empty subnets
            actions, importing = rc["change"]["actions"], rc["change"].get("importing")
            if not importing or actions not in (["no-op"], ["update"]):
                problems.append(f"{what}: {describe(rc)}{'' if importing else ' (not imported)'}")
    for fragment in must_import:
        hits = [rc for rc in plan["resource_changes"] if fragment in rc["address"]]
        if not hits or any(not rc["change"].get("importing") or rc["change"]["actions"] not in (["no-op"], ["update"])
                           for rc in hits):
            problems.append(f"{fragment}: " + (", ".join(describe(rc) for rc in hits) or "not in our plan"))
    # Every object the report lists as imported is an import in the plan (and nothing else is).
    importing = [rc["address"] for rc in plan["resource_changes"] if rc["change"].get("importing")]
    if len(importing) != len(config["adoption"]["resources"]):
        problems.append(f"{len(config['adoption']['resources'])} adopted, {len(importing)} imports in the plan")
    assert not problems, "the takeover does not keep every stateful object:\n" + "\n".join(problems)
    destroyed = [describe(rc) for rc in plan["resource_changes"] if "delete" in rc["change"]["actions"]]
    assert not destroyed, "the takeover plan destroys or replaces:\n" + "\n".join(destroyed)
    # Exposure unchanged: root/main.tf opened the API endpoint to 0.0.0.0/0, which the tfvars do not say.
    cluster = by_type["aws_eks_cluster"][0]["change"]
    exposure = [{k: (c["vpc_config"][0].get(k)) for k in ("endpoint_public_access", "endpoint_private_access",
                                                          "public_access_cidrs")} for c in (cluster["before"], cluster["after"])]
    assert exposure[0] == exposure[1] == {"endpoint_public_access": True, "endpoint_private_access": True,
                                          "public_access_cidrs": ["0.0.0.0/0"]}, exposure

    # 4. Apply; then the re-plan is clean.
    ours.apply_plan()  # the takeover plan checked above, as the user reviewed it
    _, unexpected = split_artefacts(changes(ours.plan_json()))
    assert not unexpected, "re-plan after the takeover is not clean:\n" + "\n".join(unexpected)
    if consumer_region:  # the consumer's endpoint still names the service, which is ours now
        outputs = json.loads(ours.must("output", "-json").stdout)
        assert outputs["private_link_service_name"]["value"] == service_name
        ec2 = _ec2(moto, consumer_region)
        assert ec2.describe_vpc_endpoints(VpcEndpointIds=[endpoint])["VpcEndpoints"][0]["ServiceName"] == service_name
        services = ec2.describe_vpc_endpoint_service_configurations()["ServiceConfigurations"]
        assert [x["ServiceName"] for x in services] == [service_name]
    return report, config, plan


def _access_entries_unchanged(plan: dict[str, Any]) -> None:
    """Every access entry is imported as it is: a changed Kubernetes user name would rename the principal for
    RBAC bindings by user name (adopt keeps the name the state has)."""
    entries = [rc for rc in plan["resource_changes"] if rc["type"] == "aws_eks_access_entry"]
    assert entries and all(rc["change"]["actions"] in (["no-op"], ["update"]) for rc in entries)
    renamed = [(rc["address"], rc["change"]["before"].get("user_name"), rc["change"]["after"].get("user_name"))
               for rc in entries if rc["change"]["before"].get("user_name") != rc["change"]["after"].get("user_name")]
    assert not renamed


@pytest.mark.long
def test_adopt_v8_workspace_in_place(emulator_tf: TerraformEnv, moto: Moto, tmp_path: Path) -> None:
    """Also: a `kubernetes_map_roles` access entry (EKS allows one per principal) and PrivateLink with a consumer's
    endpoint made before the takeover (the service name must not change) are imports."""
    # Security-group rules that AWS already has (same group, source, protocol, port): a create would fail
    # with InvalidPermission.Duplicate, so ours import them.
    report, config, plan = _take_over(emulator_tf, moto, tmp_path, "v8_workspace", "wbv8", STATEFUL_V8,
                                   _docs_tfvars("wbv8", moto.hosted_zone()),
                                   must_import=("database_ingress-sg-0", "weave-efs_ingress-sg-0", "creator-access-admin",
                                                "eks_access-entry-0", "private-link_nlb", "private-link_target-group",
                                                "private-link_listener", "private-link_endpoint-service"),
                                   consumer_region="eu-central-1")
    assert "terraform-aws-wandb **v8**" in report and config["deployment"] == "post-operator"
    # root/main.tf's kubernetes_map_roles and private_link_allowed_account_ids, read back from the state.
    # v8 set no user_name, so EKS named the entry (CreateAccessEntry API reference); the state's name is kept.
    assert [r["username"] for r in config["kubernetes_map_roles"]] == [
        "arn:aws:sts::123456789012:assumed-role/platform-admins/{{SessionName}}"]
    _access_entries_unchanged(plan)
    assert config["private_link_allowed_account_ids"] == ["210987654321"]
    # Set only in root/main.tf and the provider block: read from the state (the imports above prove the region).
    assert (config["region"], config["eks_cluster_version"], config["kubernetes_public_access"]) == ("eu-central-1", "1.32", True)
    assert "- Region: `eu-central-1` (from the state:" in report


@pytest.mark.long
def test_adopt_v1_16_10_workspace_in_place(emulator_tf: TerraformEnv, moto: Moto, tmp_path: Path) -> None:
    """The pre-operator shape: detected from the state (no flag), adopted with deployment pre-operator, and
    our <ns>-infra takes over the ALB, its target group, listeners and alias record as well."""
    report, config, plan = _take_over(emulator_tf, moto, tmp_path, "v1_workspace", "operator-upgrade", STATEFUL_V1,
                                      _walk_through_tfvars(moto.hosted_zone("sandbox-aws.wandb.ml")),
                                      must_import=("alb_record-a", "database_ingress-sg-0", "addon-aws-ebs-csi-driver"))
    assert "terraform-aws-wandb **v1.16.10**" in report and config["deployment"] == "pre-operator"
    assert config["wandb_version"] == "0.51.2" and config["allowed_inbound_cidr"] == ["0.0.0.0/0"]
    # The one eks 17.x group "primary" (min 2, max 5 over two AZs, m5.xlarge): ours, one per AZ, keep its capacity.
    assert (config["kubernetes_instance_types"], config["kubernetes_min_nodes_per_az"],
            config["kubernetes_max_nodes_per_az"]) == (["m5.xlarge"], 1, 3)
    # eks 17.x: AWS makes the creator's access entry when authentication switches to access entries; ours makes none.
    assert config["kubernetes_legacy_cluster_creator_admin"] is True
    assert "aws_eks_access_entry" not in {rc["type"] for rc in plan["resource_changes"]}
    # Named exceptions (ADOPTION.md "Source version"): v1.16.10 had no OIDC provider and no control-plane log group.
    created = {rc["type"] for rc in plan["resource_changes"] if rc["change"]["actions"] == ["create"]}
    assert {"aws_iam_openid_connect_provider", "aws_cloudwatch_log_group"} <= created


# The user's own network (create_vpc = false): never in our state, so never ours to change or destroy.
NETWORK_TYPES = ("aws_vpc", "aws_subnet", "aws_nat_gateway", "aws_eip", "aws_internet_gateway", "aws_route_table",
                 "aws_route", "aws_route_table_association", "aws_default_security_group")


@pytest.mark.long
def test_adopt_v8_byo_vpc_workspace_in_place(emulator_tf: TerraformEnv, moto: Moto, tmp_path: Path) -> None:
    """Bring your own VPC (issue 24, items 5 and 7): the user's VPC and subnets exist first (made with the AWS API);
    tests/fixtures/v8_workspace/root_byo_vpc sets `create_vpc = false` in main.tf, as terraform-aws-wandb v8.0.0's
    examples/byo-vpc does, and takes the network's ids from terraform.tfvars under v8's names, plus a
    `kubernetes_map_users` entry. `adopt` reads create_vpc and the network from the state; the Aurora module's own
    DB subnet group (`<ns>-database-subnet`: its name is immutable on the cluster) and the user's access entry are
    imports; no network object is created, imported or destroyed. No PrivateLink: the v8 scenario covers it."""
    ec2 = _ec2(moto, "eu-central-1")
    vpc = ec2.create_vpc(CidrBlock="10.20.0.0/16")["Vpc"]["VpcId"]

    def subnet(cidr: str, az: str) -> str:
        return ec2.create_subnet(VpcId=vpc, CidrBlock=cidr, AvailabilityZone=az)["Subnet"]["SubnetId"]

    private = [subnet("10.20.10.0/24", "eu-central-1a"), subnet("10.20.11.0/24", "eu-central-1b")]
    database = [subnet("10.20.20.0/24", "eu-central-1a"), subnet("10.20.21.0/24", "eu-central-1b")]
    tfvars = _docs_tfvars("wbbyo", moto.hosted_zone()) + f"""network_id                   = "{vpc}"
network_private_subnets      = {json.dumps(private)}
network_database_subnets     = {json.dumps(database)}
network_private_subnet_cidrs = ["10.20.10.0/24", "10.20.11.0/24"]
"""
    stateful = {k: v for k, v in STATEFUL_V8.items() if k not in NETWORK_TYPES}
    report, config, plan = _take_over(emulator_tf, moto, tmp_path, "v8_workspace", "wbbyo", stateful, tfvars,
                                      must_import=("database_subnet-group", "eks_access-entry-0", "creator-access-admin"),
                                      root="root_byo_vpc")
    # create_vpc = false was only in main.tf: read from the state, with the network the tfvars names.
    assert (config["create_vpc"], config["network_id"]) == (False, vpc)
    assert "| `create_vpc` | (not set) | `false` |" in report
    assert (config["network_private_subnets"], config["network_database_subnets"]) == (private, database)
    assert config["kubernetes_map_users"] == [{"userarn": "arn:aws:iam::123456789012:user/alice",
                                               "username": "arn:aws:iam::123456789012:user/alice", "groups": []}]
    _access_entries_unchanged(plan)
    assert not config.get("kubernetes_map_roles")
    subnet_group = next(r for r in config["adoption"]["resources"] if r["path"] == "database/subnet-group")
    assert (subnet_group["import_id"], subnet_group["set"]["name"]) == ("wbbyo-database-subnet", "wbbyo-database-subnet")
    # The user's network: nothing of it in our plan (so not in our state, never destroyed by us), nothing adopted.
    assert not [rc["address"] for rc in plan["resource_changes"] if rc["type"] in NETWORK_TYPES]
    assert not [r["path"] for r in config["adoption"]["resources"] if r["path"].startswith("network/")]
    assert ec2.describe_vpcs(VpcIds=[vpc])["Vpcs"] and len(ec2.describe_subnets(SubnetIds=private + database)["Subnets"]) == 4
