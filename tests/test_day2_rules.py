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


def test_more_extra_node_policies_than_the_default_iam_quota_warns():
    """IAM quota "Managed policies attached to an IAM role": 10 by default, adjustable to 20 (IAM User Guide, "IAM and
    AWS STS quotas"); the node role carries 5 AWS managed policies, so a sixth extra policy fails with LimitExceeded
    unless the quota was raised. Up to 5 is silent."""
    from wandb_cdktf.config.model import NODE_ROLE_MANAGED_POLICIES
    from wandb_cdktf.constructs.aws.cluster import NODE_MANAGED_POLICIES

    assert NODE_ROLE_MANAGED_POLICIES == len(NODE_MANAGED_POLICIES)
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
