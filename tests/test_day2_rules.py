"""Day 1 and day 2 on real AWS, round 3 (issue 25): rules AWS enforces that moto and ``terraform validate`` do not.

Each test names the rule's source (docs/field review: ../shared/reference/field-review-2-aws.md) and checks the
synthesized JSON or the configuration model; the emulator steps that go with them are in tests/test_emulator.py.
"""

from __future__ import annotations

import json

import pytest

from _support import make_config
from wandb_cdktf.config import ConfigError, config_from_mapping
from wandb_cdktf.testing import resources

STACK = "wbtest-infra"


def _ingress(doc: dict, prefix: str) -> dict[str, dict]:
    return {k: r for k, r in resources(doc, "aws_vpc_security_group_ingress_rule").items() if k.startswith(prefix)}


# --- 4. client-CIDR rules keyed by content -----------------------------------------------------------------


def test_inserting_a_cidr_adds_only_that_cidrs_rules(synth):
    """EC2 refuses a rule that duplicates an existing one (InvalidPermission.Duplicate; aws_vpc_security_group_
    ingress_rule modifies CIDR/port in place with ModifySecurityGroupRules, concurrently with the creates:
    field-review-2 section 4, terraform-aws-modules/terraform-aws-security-group#351). Keyed by position, inserting
    a CIDR rewrote every later rule onto its neighbour's value; keyed by content, the plan is the new CIDR's rules
    and nothing else (both ALB ports pre-operator, 443 post-operator)."""
    for deployment, prefix, ports in (("pre-operator", "alb_ingress", {443, 80}), ("post-operator", "alb-k8s_ingress", {443})):
        before = _ingress(synth(make_config(deployment=deployment, allowed_inbound_ipv6_cidr=[],
                                            allowed_inbound_cidr=["203.0.113.0/24", "192.0.2.0/24"])).stack(STACK), prefix)
        after = _ingress(synth(make_config(deployment=deployment, allowed_inbound_ipv6_cidr=[],
                                           allowed_inbound_cidr=["203.0.113.0/24", "198.51.100.0/24", "192.0.2.0/24"],
                                           )).stack(STACK), prefix)
        assert set(before) <= set(after), deployment
        assert all(before[k] == after[k] for k in before), f"{deployment}: an existing rule changes"
        added = [after[k] for k in set(after) - set(before)]
        assert {(r["from_port"], r["cidr_ipv4"]) for r in added} == {(p, "198.51.100.0/24") for p in ports}


def test_rules_of_earlier_deployments_move_to_their_content_keys(synth):
    """A deployment made before keeps its rules: a ``moved`` block per rule from the positional address the same
    list had (ingress-<n>, n over port, IPv4 then IPv6), so upgrading creates and destroys no rule (a destroy and a
    create of the same rule in one apply would race into InvalidPermission.Duplicate as above)."""
    doc = synth(make_config(deployment="pre-operator", allowed_inbound_cidr=["203.0.113.0/24", "192.0.2.0/24"],
                            allowed_inbound_ipv6_cidr=["2001:db8::/32"])).stack(STACK)
    rules = _ingress(doc, "alb_ingress")
    moved = {m["to"].split(".", 1)[1]: m["from"].split(".", 1)[1] for m in doc.get("moved", [])
             if m["to"].startswith("aws_vpc_security_group_ingress_rule.alb_ingress")}
    assert set(moved) == set(rules)
    old_order = [(443, "203.0.113.0/24"), (443, "192.0.2.0/24"), (443, "2001:db8::/32"),
                 (80, "203.0.113.0/24"), (80, "192.0.2.0/24"), (80, "2001:db8::/32")]
    for address, old in moved.items():
        rule = rules[address]
        n = old_order.index((rule["from_port"], rule.get("cidr_ipv4") or rule["cidr_ipv6"]))
        assert old.startswith(f"alb_ingress-{n}_"), (address, old)


@pytest.mark.parametrize("option", ["allowed_inbound_cidr", "allowed_inbound_ipv6_cidr"])
def test_duplicate_client_cidrs_are_refused(option):
    """EC2 refuses a second identical rule (InvalidPermission.Duplicate) at create: refuse it in the configuration,
    after normalization (2001:DB8::/32 is 2001:db8::/32)."""
    same = ["2001:db8::/32", "2001:DB8::/32"] if option.endswith("ipv6_cidr") else ["192.0.2.0/24", "192.0.2.0/24"]
    with pytest.raises(ConfigError, match=rf"^config error: {option}: lists .* twice; list each CIDR once$"):
        config_from_mapping(make_config(**{option: same}))


# --- 9. protection, quotas, lifecycle ---------------------------------------------------------------------


def test_deployment_key_and_weave_efs_refuse_destroy_with_deletion_protection(synth):
    """The deployment key encrypts the bucket's objects (bucket keys), the database, Redis, EFS, EBS and secrets;
    KMS deletes a scheduled key for good after 7-30 days (KMS developer guide, "Deleting AWS KMS keys"), so losing it
    loses the data it encrypts. Switching to kms_key_arn dropped it with nothing blocking the plan (field-review-2
    finding 11). EFS has no deletion protection of its own. With deletion_protection both carry prevent_destroy, as
    the database and the bucket do; without it, none."""
    protected = synth(make_config()).stack(STACK)
    for rtype in ("aws_kms_key", "aws_efs_file_system", "aws_rds_cluster", "aws_s3_bucket"):
        found = {k: r for k, r in resources(protected, rtype).items() if not k.startswith("cloudtrail_")}
        assert found and all(r.get("lifecycle", {}).get("prevent_destroy") is True for r in found.values()), rtype
    open_ = synth(make_config(deletion_protection=False)).stack(STACK)
    for rtype in ("aws_kms_key", "aws_efs_file_system"):
        assert not any(r.get("lifecycle", {}).get("prevent_destroy") for r in resources(open_, rtype).values()), rtype


def test_protected_key_and_efs_taken_out_of_the_configuration_are_kept(synth):
    """prevent_destroy does not cover a resource whose block leaves the configuration (Terraform docs, "The lifecycle
    Meta-Argument": it "does not prevent the remote object from being destroyed if the resource block were removed
    from configuration entirely"): switching to kms_key_arn, or rolling back to pre-operator, destroyed the key or
    Weave's EFS. With deletion_protection those shapes carry removed blocks (destroy = false) for the addresses the
    resources have when they exist: Terraform forgets them, AWS keeps them (a no-op where they never existed)."""
    created = synth(make_config()).stack(STACK)
    addresses = {f"{t}.{k}" for t in ("aws_kms_key", "aws_kms_alias", "aws_efs_file_system", "aws_efs_backup_policy")
                 for k in resources(created, t)}
    key_arn = "arn:aws:kms:us-west-2:123456789012:key/11111111-2222-3333-4444-555555555555"
    existing_key = synth(make_config(kms_key_arn=key_arn)).stack(STACK)
    pre = synth(make_config(deployment="pre-operator")).stack(STACK)
    kept = {b["from"] for doc in (existing_key, pre) for b in doc.get("removed", []) if b["lifecycle"] == {"destroy": False}}
    assert kept == addresses
    assert "removed" not in created
    assert "removed" not in synth(make_config(deployment="pre-operator", deletion_protection=False)).stack(STACK)


def test_more_extra_node_policies_than_the_default_iam_quota_warns():
    """IAM quota "Managed policies attached to an IAM role": 10 by default, adjustable to 20 (IAM User Guide, "IAM and
    AWS STS quotas"); the node role carries 5 AWS managed policies, so a sixth extra policy fails with LimitExceeded
    unless the quota was raised. Up to 5 is silent."""
    from wandb_cdktf.config.model import NODE_ROLE_MANAGED_POLICIES
    from wandb_cdktf.constructs.aws.cluster import NODE_MANAGED_POLICIES

    assert len(NODE_MANAGED_POLICIES) == NODE_ROLE_MANAGED_POLICIES
    arns = [f"arn:aws:iam::123456789012:policy/extra-{i}" for i in range(6)]
    assert not [w for w in config_from_mapping(make_config(eks_policy_arns=arns[:5])).warnings() if "eks_policy_arns" in w]
    (warning,) = [w for w in config_from_mapping(make_config(eks_policy_arns=arns)).warnings() if "eks_policy_arns" in w]
    assert warning.startswith("eks_policy_arns: attaches 11 managed policies") and "quota is 10 per role" in warning


def test_cloudtrail_logs_under_128_kb_transition_to_glacier(synth):
    """S3 API TransitionDefaultMinimumObjectSize: "all_storage_classes_128K - Objects smaller than 128 KB will not
    transition to any storage class by default" (the default since 2024-09). CloudTrail log files are a few KB, so the
    log bucket's TransitionToGlacier rule (v8's) moved almost nothing (field-review-2 finding 13)."""
    doc = synth(make_config(cloudtrail={})).stack(STACK)
    (lifecycle,) = [r for k, r in resources(doc, "aws_s3_bucket_lifecycle_configuration").items() if k.startswith("cloudtrail_")]
    assert lifecycle["rule"][0]["transition"][0]["storage_class"] == "GLACIER"
    assert lifecycle["transition_default_minimum_object_size"] == "varies_by_storage_class"


# --- 2. a second operator ---------------------------------------------------------------------------------


def test_admin_principals_are_recorded_once_not_whoever_plans(synth):
    """aws_eks_access_entry.principal_arn is ForceNew (hashicorp/aws internal/service/eks/access_entry.go) and EKS
    allows one entry per principal; a key policy change needs kms:PutKeyPolicy, which only the key's administrator
    holds (KMS developer guide, "Default key policy"). Naming whoever runs Terraform now (the session context)
    replaced the creator's entry and rewrote both key policies when a CI role or a colleague applied
    (field-review-2 finding 2). The caller of the first apply is recorded in terraform_data.deployment-admin,
    whose input later runs ignore, and everything names that record."""
    doc = synth(make_config(cloudtrail={})).stack(STACK)
    (admin,) = doc["resource"]["terraform_data"].values()
    assert admin["input"] == {"arn": "${data.aws_iam_session_context.account-session.issuer_arn}"}
    assert admin["lifecycle"]["ignore_changes"] == ["input"]
    recorded = "${terraform_data.deployment-admin.input.arn}"
    for key in resources(doc, "aws_kms_key").values():
        (internal,) = [s for s in json.loads(key["policy"])["Statement"] if s["Sid"] == "Internal"]
        assert internal["Principal"] == {"AWS": recorded}
    entries = [*resources(doc, "aws_eks_access_entry").values(), *resources(doc, "aws_eks_access_policy_association").values()]
    assert entries and all(e["principal_arn"] == recorded for e in entries)
    assert "issuer_arn" not in json.dumps({k: v for k, v in doc["resource"].items() if k != "terraform_data"})


# --- 7. versions inside what AWS and W&B support ----------------------------------------------------------


def test_eks_minors_past_extended_support_are_refused_and_below_wandbs_floor_warn():
    """Amazon EKS user guide, "Understand the Kubernetes version lifecycle on EKS": 14 months of standard support,
    12 of extended support, then EKS auto-upgrades the cluster (so it creates the minor no more): 1.31 ended
    2026-11-26. W&B's self-managed requirements: Kubernetes >= 1.34. 1.32 and 1.33 stay accepted (with a warning)
    so that existing clusters can move up one minor per apply."""
    with pytest.raises(ConfigError, match=r"^config error: eks_cluster_version: must be 1\.32 or newer: EKS no longer"):
        config_from_mapping(make_config(eks_cluster_version="1.31"))
    for old in ("1.32", "1.33"):
        (warning,) = [w for w in config_from_mapping(make_config(eks_cluster_version=old)).warnings()
                      if w.startswith("eks_cluster_version")]
        assert "below W&B's supported Kubernetes (1.34 or newer)" in warning and "one minor per apply" in warning
    assert not [w for w in config_from_mapping(make_config(eks_cluster_version="1.34")).warnings()
                if w.startswith("eks_cluster_version")]


def test_examples_and_embedded_default_use_a_minor_in_eks_standard_support():
    """EKS standard support as of 2026-12 starts at 1.35 (1.34's ended 2026-12-02; endoflife.date/amazon-eks, EKS
    release calendar); every example and the embedded default pinned 1.32, born in paid extended support."""
    from _security_support import REPO, example_files
    from wandb_cdktf.config import load_config
    from wandb_cdktf.config.validators import EKS_STANDARD_SUPPORT_OLDEST_MINOR, WANDB_KUBERNETES_FLOOR_MINOR

    versions = {}
    for path in [*example_files(), REPO / "examples/pre-operator.tfvars", REPO / "src/wandb_cdktf/config/example.yaml"]:
        config = load_config(path)
        if config.create_platform and not config.external_eks_cluster_name:
            versions[path.name] = int(config.eks_cluster_version.split(".")[1])
    assert len(versions) >= 8
    assert all(m >= max(EKS_STANDARD_SUPPORT_OLDEST_MINOR, WANDB_KUBERNETES_FLOOR_MINOR) for m in versions.values()), versions


def test_database_engines_meet_wandbs_floor(synth):
    """W&B's self-managed requirements: Redis 7.x and Aurora MySQL 3 at 3.05.2 or newer. "8.0" is RDS's default Aurora
    MySQL 3 version; an explicit older 3.x is refused (3.03.0 is what v1.16.10/v4.7.2 pinned)."""
    doc = synth(make_config()).stack(STACK)
    (redis,) = resources(doc, "aws_elasticache_replication_group").values()
    assert str(redis["engine_version"]).startswith("7.")
    (aurora,) = resources(doc, "aws_rds_cluster").values()
    assert aurora["engine_version"] == "8.0"
    assert config_from_mapping(make_config(database_engine_version="8.0.mysql_aurora.3.05.2"))
    for old in ("8.0.mysql_aurora.3.03.0", "8.0.mysql_aurora.3.05.1", "8.0.mysql_aurora.3.04.3"):
        with pytest.raises(ConfigError, match=r"^config error: database_engine_version: must be 8\.0 or Aurora MySQL 3\.05\.2"):
            config_from_mapping(make_config(database_engine_version=old))


def test_graviton_node_types_are_refused_for_the_x86_node_ami():
    """W&B's self-managed requirements name x86 nodes, the node groups run AL2023_x86_64_STANDARD, and EKS
    CreateNodegroup refuses instance types of another architecture than the AMI type's (field-review-2 item 7).
    EC2's instance type naming conventions: the processor letter follows the generation (a AMD, g AWS Graviton,
    i Intel); a1 is Graviton without one. So the g of g5/g4dn (the GPU family) is no processor letter."""
    from wandb_cdktf.config.sizes import SIZE_PRESETS
    from wandb_cdktf.config.validators import is_arm_instance_type

    arm = ["a1.large", "m6g.large", "m7g.xlarge", "c7gn.large", "r8g.large", "t4g.small", "x2gd.large", "im4gn.large",
           "is4gen.large", "g5g.xlarge", "hpc7g.4xlarge", "m6gd.large", "i4g.large"]
    x86 = ["r6i.2xlarge", "m5.large", "m7a.large", "c5ad.large", "g5.xlarge", "g4dn.xlarge", "g4ad.xlarge",
           "gr6.4xlarge", "x2iedn.large", "m5dn.large", "r7iz.large", "inf2.xlarge", "trn1.2xlarge", "dl2q.24xlarge"]
    assert [t for t in arm if not is_arm_instance_type(t)] == [] and [t for t in x86 if is_arm_instance_type(t)] == []
    assert not [p.node_instance_type for p in SIZE_PRESETS.values() if is_arm_instance_type(p.node_instance_type)]
    assert config_from_mapping(make_config(kubernetes_instance_types=x86)).kubernetes_instance_types == x86
    for types in (["m7g.2xlarge"], ["r6i.2xlarge", "r8g.2xlarge", "t4g.large"]):
        with pytest.raises(ConfigError, match=r"^config error: kubernetes_instance_types: \S.* AWS Graviton \(Arm\); "
                           r"W&B nodes run the x86_64 AMI \(AL2023_x86_64_STANDARD\): use x86 types [^\n]*$"):
            config_from_mapping(make_config(kubernetes_instance_types=types))


# --- 6. raising the minimum node count --------------------------------------------------------------------


def test_raising_the_minimum_above_the_live_desired_size_stops_the_plan(synth):
    """EKS UpdateNodegroupConfig refuses a minimum above the live desired size ("Minimum capacity 3 can't be greater
    than desired size 2": terraform-aws-wandb#201, open; terraform-aws-eks#944), and desired_size is ignored after
    creation (the autoscaler owns it). Each node group carries a precondition over the live desired sizes, read at
    every plan from data sources that reference no managed resource (so never deferred to the apply), naming the
    command to run. The emulator scenario test_pre_operator_private_link_apply runs the sequence."""
    doc = synth(make_config(kubernetes_min_nodes_per_az=2, kubernetes_max_nodes_per_az=4)).stack(STACK)
    data = {t: doc["data"][t] for t in ("aws_eks_clusters", "aws_eks_node_groups", "aws_eks_node_group")}
    assert "${aws_" not in json.dumps(data), "a reference to a managed resource would defer the read to the apply"
    groups = resources(doc, "aws_eks_node_group")
    assert len(groups) == 2
    for group in groups.values():
        (pre,) = group["lifecycle"]["precondition"]
        assert "data.aws_eks_node_group." in pre["condition"] and "desired < 2" in pre["condition"]
        assert "aws eks update-nodegroup-config --cluster-name wbtest" in pre["error_message"]
        assert "desiredSize=2" in pre["error_message"]


# --- 8. add-on versions -----------------------------------------------------------------------------------


def test_addon_drift_is_documented_where_the_lookup_is_most_recent(synth):
    """terraform-aws-wandb v8 modules/app_eks/add-ons.tf documents "Plan drift: addon versions may change between
    plans when AWS publishes new builds" for its most_recent lookups; ours resolve the same way (the provider's
    findAddonVersionByTwoPartKey returns the newest listed), so docs/operate.md says so, with the pins that stop it."""
    from _security_support import REPO

    doc = synth(make_config()).stack(STACK)
    lookups = doc["data"]["aws_eks_addon_version"].values()
    assert lookups and all(lookup["most_recent"] is True for lookup in lookups)
    operate = (REPO / "docs" / "operate.md").read_text()
    section = operate.split("**Add-on drift**", 1)[1].split("\n\n", 1)[0]
    assert "most_recent" in section and "eks_addon_*_version" in section and "updates that add-on in place" in section


# --- 10. upgrade safety -----------------------------------------------------------------------------------


def test_changelog_and_the_previous_release_fixture_agree():
    """The upgrade scenario (tests/test_emulator.py::test_infra_apply_replan_destroy) applies the previous release's
    stacks and checks the plan against the newest release's upgrade notes: the fixture must be that previous
    release (CHANGELOG.md's second section, with its commit) and the newest section must carry upgrade notes."""
    from _security_support import REPO

    manifest = json.loads((REPO / "tests/fixtures/previous_version/manifest.json").read_text())
    sections = (REPO / "CHANGELOG.md").read_text().split("\n## ")[1:]
    newest, previous = sections[0], sections[1]
    assert "### Upgrade notes" in newest and f"deployments made by {manifest['version']}" in newest
    assert previous.startswith(manifest["version"] + " ") and manifest["commit"] in previous.splitlines()[0]
    for stack in manifest["stacks"]:
        doc = json.loads((REPO / "tests/fixtures/previous_version" / f"{stack}.cdk.tf.json").read_text())
        assert doc["resource"]["aws_rds_cluster"], "the fixture is a synthesized infra stack"
