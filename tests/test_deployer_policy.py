"""Issue 29 item 1, least privilege to deploy: ``wandb-cdktf deployer-policy`` (``wandb_cdktf.deployer_policy``).

What these static tests prove (the emulator scenario, tests/test_deployer_policy_emulator.py, proves the actions are
enough; moto checks actions only):

- coverage: every resource, data source and ephemeral type of every AWS stack of every example (and the embedded
  one) has an entry in ``deployer_actions.TABLE``; the checker fails on a type it does not know;
- scoping: every name a stack gives a resource is matched by the ``Resource`` of each statement that allows that
  type's actions (IAM's ``*``/``?`` matching, IAM User Guide "IAM JSON policy elements: Resource"); every
  ``Resource: "*"`` has a reason; ``iam:PassRole`` is never ``*`` and carries ``iam:PassedToService``
  (IAM User Guide, "Granting a user permissions to pass a role to an AWS service");
- size and grammar: each document is at most 6,144 characters without whitespace and a stack needs at most 10 of
  them (IAM User Guide, "IAM and AWS STS quotas": managed policy size, managed policies per role); Version
  2012-10-17, Effect Allow, ``service:Action`` strings (IAM User Guide, "IAM JSON policy element reference");
- the command line: valid JSON, one-line errors with exit code 2 and nothing written (cli.py's contract).
"""

from __future__ import annotations

import contextlib
import io
import json
import re
from pathlib import Path
from typing import Any

import pytest

from _support import synth_file
from wandb_cdktf import cli
from wandb_cdktf.deployer_actions import TABLE
from wandb_cdktf.deployer_policy import (
    MANAGED_POLICIES_PER_ROLE,
    MANAGED_POLICY_LIMIT,
    WITHHELD_WITH_BOUNDARY,
    UnknownTypeError,
    cloud_of,
    deployer_policies,
    describe,
    emulator_view,
    missing_types,
    namespace_of,
    policy_size,
    resource_matches,
    split_policy,
    stack_types,
)

REPO = Path(__file__).resolve().parents[1]
EXAMPLES = sorted(p for p in (REPO / "examples").iterdir() if p.suffix in {".yaml", ".tfvars"})
EMBEDDED = REPO / "src" / "wandb_cdktf" / "config" / "example.yaml"
ACCOUNT = "123456789012"
DOC = REPO / "docs" / "deployer-policy.md"


@pytest.fixture(scope="module")
def all_stacks() -> dict[str, dict[str, Any]]:
    """{"<example>:<stack id>": cdk.tf.json} of every example and the embedded configuration (the run's cache)."""
    stacks: dict[str, dict[str, Any]] = {}
    for path in [EMBEDDED, *EXAMPLES]:
        for name, doc in synth_file(path).stacks.items():
            stacks[f"{path.name}:{name}"] = doc
    return stacks


def _aws(all_stacks: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {k: v for k, v in all_stacks.items() if cloud_of(v) == "AWS"}


def _policy(key: str, doc: dict[str, Any]) -> Any:
    name = key.split(":", 1)[1]
    return describe({name: doc}, account_id=ACCOUNT)[name]


def _actions(statement: dict[str, Any]) -> list[str]:
    action = statement["Action"]
    return [action] if isinstance(action, str) else list(action)


def _allows(statement: dict[str, Any], action: str) -> bool:
    return any(re.fullmatch(a.replace("*", ".*"), action) for a in _actions(statement))


# --- coverage ---------------------------------------------------------------------------------------------------


def test_every_type_of_every_aws_stack_has_an_entry(all_stacks: dict[str, dict[str, Any]]) -> None:
    """Also every AWS CLI command the stacks' local-exec provisioners run (they use the deployer's credentials)."""
    assert {k.split(":")[0] for k in all_stacks} >= {p.name for p in EXAMPLES}, "an example synthesized nothing"
    missing = {key: missing_types(doc) for key, doc in _aws(all_stacks).items() if missing_types(doc)}
    assert not missing, f"types without IAM actions in deployer_actions.TABLE: {missing}"
    seen = {t for doc in _aws(all_stacks).values() for t in stack_types(doc)}
    assert {"R aws_eks_cluster", "R aws_s3_bucket", "D aws_caller_identity", "E aws_secretsmanager_secret_version",
            "R helm_release"} <= seen, "the coverage check is not reading the stacks"


def test_the_coverage_check_fails_on_a_new_type() -> None:
    stack = {"provider": {"aws": [{"region": "us-west-2"}]},
             "resource": {"aws_s3_bucket": {"b": {"bucket": "ns-b"}}, "aws_brand_new_thing": {"x": {}},
                          "terraform_data": {"w": {"provisioner": [{"local-exec": {"command": "aws s3 rm s3://x"}}]}}},
             "data": {"aws_brand_new_lookup": {"y": {}}}}
    assert missing_types(stack) == ["D aws_brand_new_lookup", "R aws_brand_new_thing", "CLI aws s3 rm"]
    with pytest.raises(UnknownTypeError, match="aws_brand_new_lookup, R aws_brand_new_thing"):
        deployer_policies({"ns-infra": stack})


def test_gcp_and_azure_stacks_get_a_note_not_an_aws_policy(all_stacks: dict[str, dict[str, Any]]) -> None:
    others = {k: v for k, v in all_stacks.items() if cloud_of(v) != "AWS"}
    assert {cloud_of(v) for v in others.values()} == {"GCP", "Azure"}
    for key, doc in others.items():
        name = key.split(":", 1)[1]
        assert deployer_policies({name: doc}) == {}
        found = describe({name: doc})[name]
        assert found.policy["Statement"] == [] and len(found.notes) == 1 and "IAM policies do not apply" in found.notes[0]


# --- scoping ----------------------------------------------------------------------------------------------------


# The ARN of each named resource, written here from the Service Authorization Reference's "Resource types defined
# by <service>" tables (https://docs.aws.amazon.com/service-authorization/latest/reference/, one page per service),
# not from deployer_actions: {Terraform type: (attributes holding the name, ARN format)}. `{id}`: a part AWS assigns.
ARN_FORMATS: dict[str, tuple[tuple[str, ...], str]] = {
    "R aws_s3_bucket": (("bucket", "bucket_prefix"), "arn:aws:s3:::{name}"),  # list_amazons3.html
    "D aws_s3_bucket": (("bucket",), "arn:aws:s3:::{name}"),
    "R aws_sqs_queue": (("name", "name_prefix"), "arn:aws:sqs:{region}:{account}:{name}"),  # list_amazonsqs.html
    "R aws_sns_topic": (("name",), "arn:aws:sns:{region}:{account}:{name}"),  # list_amazonsns.html
    "R aws_cloudwatch_metric_alarm": (("alarm_name",), "arn:aws:cloudwatch:{region}:{account}:alarm:{name}"),
    "R aws_cloudwatch_log_group": (("name",), "arn:aws:logs:{region}:{account}:log-group:{name}"),
    "R aws_secretsmanager_secret": (("name", "name_prefix"), "arn:aws:secretsmanager:{region}:{account}:secret:{name}-AbCdEf"),
    "R aws_rds_cluster": (("cluster_identifier",), "arn:aws:rds:{region}:{account}:cluster:{name}"),  # list_amazonrds.html
    "R aws_rds_cluster_instance": (("identifier",), "arn:aws:rds:{region}:{account}:db:{name}"),
    "R aws_db_subnet_group": (("name", "name_prefix"), "arn:aws:rds:{region}:{account}:subgrp:{name}"),
    "R aws_db_parameter_group": (("name", "name_prefix"), "arn:aws:rds:{region}:{account}:pg:{name}"),
    "R aws_rds_cluster_parameter_group": (("name", "name_prefix"), "arn:aws:rds:{region}:{account}:cluster-pg:{name}"),
    "R aws_elasticache_replication_group": (("replication_group_id",),
                                           "arn:aws:elasticache:{region}:{account}:replicationgroup:{name}"),
    "R aws_elasticache_subnet_group": (("name",), "arn:aws:elasticache:{region}:{account}:subnetgroup:{name}"),
    "R aws_eks_cluster": (("name",), "arn:aws:eks:{region}:{account}:cluster/{name}"),  # list_amazonelastickubernetesservice.html
    "D aws_eks_cluster": (("name",), "arn:aws:eks:{region}:{account}:cluster/{name}"),
    "R aws_iam_role": (("name", "name_prefix"), "arn:aws:iam::{account}:role{path}{name}"),  # list_awsidentityandaccessmanagementiam.html
    "R aws_iam_role_policy": (("role",), "arn:aws:iam::{account}:role/{name}"),
    "R aws_iam_policy": (("name", "name_prefix"), "arn:aws:iam::{account}:policy{path}{name}"),
    "R aws_kms_alias": (("name",), "arn:aws:kms:{region}:{account}:{name}"),  # list_awskeymanagementservice.html
    "R aws_lb": (("name",), "arn:aws:elasticloadbalancing:{region}:{account}:loadbalancer/{lbtype}/{name}/{id}"),
    "R aws_lb_target_group": (("name",), "arn:aws:elasticloadbalancing:{region}:{account}:targetgroup/{name}/{id}"),
    "R aws_cloudtrail": (("name",), "arn:aws:cloudtrail:{region}:{account}:trail/{name}"),  # list_awscloudtrail.html
    "R aws_ecr_repository": (("name",), "arn:aws:ecr:{region}:{account}:repository/{name}"),  # list_amazonelasticcontainerregistry.html
    "R aws_backup_vault": (("name",), "arn:aws:backup:{region}:{account}:backup-vault:{name}"),  # list_awsbackup.html
    "R aws_route53_record": (("zone_id",), "arn:aws:route53:::hostedzone/{name}"),  # list_amazonroute53.html
}


def _sample(value: str, attr: str) -> str:
    """The name AWS gives: a prefix gets a generated suffix."""
    return value + "20261206abc" if attr.endswith("prefix") else value


def _region(doc: dict[str, Any], body: dict[str, Any]) -> str:
    providers = doc["provider"]["aws"]
    alias = body.get("provider", "aws").removeprefix("aws.")
    return str(next((p["region"] for p in providers if p.get("alias", "aws") == alias), providers[0]["region"]))


def test_every_name_a_stack_creates_is_in_the_resource_of_its_statements(all_stacks: dict[str, dict[str, Any]]) -> None:
    checked: set[str] = set()
    failures = []
    for key, doc in _aws(all_stacks).items():
        policy = _policy(key, doc).policy
        for tkey in stack_types(doc):
            if tkey not in ARN_FORMATS:
                continue
            attrs, arn_format = ARN_FORMATS[tkey]
            kind, _, rtype = tkey.partition(" ")
            for body in doc["resource" if kind == "R" else "data"][rtype].values():
                for attr in attrs:
                    value = body.get(attr)
                    if not isinstance(value, str) or "${" in value:
                        continue  # a reference to another resource of the stack, checked as that resource
                    arn = arn_format.format(region=_region(doc, body), account=ACCOUNT, name=_sample(value, attr),
                                            path=body.get("path", "/"), id="0123456789abcdef",
                                            lbtype="net" if body.get("load_balancer_type") == "network" else "app")
                    checked.add(tkey)
                    for action in TABLE[tkey].actions:
                        governing = [s for s in policy["Statement"] if _allows(s, action)]
                        if not governing and action in WITHHELD_WITH_BOUNDARY:
                            continue  # test_with_a_permissions_boundary_the_deployer_cannot_escape_it
                        if not any(resource_matches(arn, s["Resource"]) for s in governing):
                            failures.append(f"{key}: {action} on {arn} ({tkey}.{attr})")
    assert checked == set(ARN_FORMATS), f"no name checked for {set(ARN_FORMATS) - checked}"
    assert not failures, "\n".join(failures[:20])


def test_the_scoping_check_catches_a_name_outside_the_statement(all_stacks: dict[str, dict[str, Any]]) -> None:
    """A name the generator did not collect (here: a bucket renamed after the policy was made) is not allowed."""
    doc = json.loads(json.dumps(all_stacks[f"{EMBEDDED.name}:wandb-infra"]))
    policy = deployer_policies({"wandb-infra": doc}, account_id=ACCOUNT)["wandb-infra"]
    bucket = next(s for s in policy["Statement"] if _allows(s, "s3:CreateBucket"))
    assert resource_matches("arn:aws:s3:::wandb-file-storage-20261206abc", bucket["Resource"])
    assert not resource_matches("arn:aws:s3:::acme-artifacts", bucket["Resource"])
    body = next(iter(doc["resource"]["aws_s3_bucket"].values()))
    body.pop("bucket_prefix", None)
    body["bucket"] = "acme-artifacts"
    widened = deployer_policies({"wandb-infra": doc}, account_id=ACCOUNT)["wandb-infra"]
    bucket = next(s for s in widened["Statement"] if _allows(s, "s3:CreateBucket"))
    assert resource_matches("arn:aws:s3:::acme-artifacts", bucket["Resource"]), "a literal name outside the namespace"


def test_every_wildcard_resource_has_a_reason(all_stacks: dict[str, dict[str, Any]]) -> None:
    for entry_key, entry in TABLE.items():
        if entry.unscoped:
            assert len(entry.reason) > 20, f"{entry_key}: Resource '*' actions without a reason"
    for key, doc in _aws(all_stacks).items():
        found = _policy(key, doc)
        for statement in found.policy["Statement"]:
            resources = statement["Resource"] if isinstance(statement["Resource"], list) else [statement["Resource"]]
            if "*" in resources:
                assert "Condition" in statement or len(found.reasons.get(statement["Sid"], "")) > 20, \
                    f"{key}: {statement['Sid']} is Resource '*' without a reason"
                assert statement["Sid"] in found.reasons, f"{key}: {statement['Sid']}"


def test_pass_role_is_scoped_to_the_stacks_roles_and_services(all_stacks: dict[str, dict[str, Any]]) -> None:
    seen = 0
    for key, doc in _aws(all_stacks).items():
        ns = namespace_of(key.split(":", 1)[1])
        for statement in _policy(key, doc).policy["Statement"]:
            if any(a.startswith("iam:") and _allows(statement, "iam:PassRole") for a in _actions(statement)):
                seen += 1
                assert _actions(statement) == ["iam:PassRole"], statement["Sid"]
                resources = statement["Resource"] if isinstance(statement["Resource"], list) else [statement["Resource"]]
                assert all(f":role/{ns}" in r or re.search(rf":role/[\w/]+/{re.escape(ns)}", r) for r in resources), resources
                assert statement["Condition"]["StringEquals"]["iam:PassedToService"], statement
    assert seen >= 10


def test_kms_keys_are_scoped_by_the_tag_every_key_carries(all_stacks: dict[str, dict[str, Any]]) -> None:
    """The key statements are ``aws:ResourceTag/managed-by`` (AWS KMS Developer Guide, "ABAC for AWS KMS"): every
    stack with a key has that tag in its provider's default_tags, which the provider sends with kms:CreateKey."""
    for key, doc in _aws(all_stacks).items():
        if "aws_kms_key" not in doc.get("resource", {}):
            continue
        tags = {p["default_tags"][0]["tags"]["managed-by"] for p in doc["provider"]["aws"]}
        policy = _policy(key, doc).policy
        keys = next(s for s in policy["Statement"] if s["Sid"] == "KmsDeploymentKeys")
        create = next(s for s in policy["Statement"] if _allows(s, "kms:CreateKey"))
        assert keys["Condition"] == {"StringEquals": {"aws:ResourceTag/managed-by": tags.pop()}} and not tags
        assert list(create["Condition"]["StringEquals"]) == ["aws:RequestTag/managed-by"]


def _condition_holds(condition: dict[str, Any], context: dict[str, Any]) -> bool:
    """IAM's evaluation of the operators the generator writes (IAM User Guide, "IAM JSON policy elements: Condition
    operators" and "Single-valued vs. multivalued context keys"): StringEquals on a key absent from the request
    context is false; ForAllValues:StringEquals holds when every value of the request's key is allowed."""
    for operator, keys in condition.items():
        for key, allowed in keys.items():
            allowed = [allowed] if isinstance(allowed, str) else list(allowed)
            value = context.get(key)
            if operator == "StringEquals":
                values = value if isinstance(value, list) else [value]
                if value is None or not all(v in allowed for v in values):
                    return False
            elif operator == "ForAllValues:StringEquals":
                if not all(v in allowed for v in (value or [])):
                    return False
            else:
                raise AssertionError(f"no evaluator for {operator}")
    return True


def _allowed(statements: list[dict[str, Any]], action: str, arn: str, context: dict[str, Any]) -> bool:
    """Whether an Allow statement (and no Deny) of the identity policy grants ``action`` on ``arn`` in ``context``."""
    matching = [s for s in statements if _allows(s, action) and resource_matches(arn, s["Resource"])
                and _condition_holds(s.get("Condition", {}), context)]
    return any(s["Effect"] == "Allow" for s in matching) and not any(s["Effect"] == "Deny" for s in matching)


def test_kms_create_key_with_tags_is_allowed_before_the_key_has_a_tag(all_stacks: dict[str, dict[str, Any]]) -> None:
    """AWS KMS Developer Guide, "Managing KMS key tags with API operations" (manage-tags-api: "To add tags when
    creating a KMS key, the caller must have kms:TagResource permission in an IAM policy. At a minimum, the
    permission must cover all KMS keys in the account and Region") and "Controlling access to tags"
    (tag-permissions): CreateKey with Tags also authorises kms:TagResource, on a new key without any tag, so
    aws:ResourceTag cannot match; aws:RequestTag/${TagKey} and aws:TagKeys can (list_awskeymanagementservice.html).
    A request with a tag key the stack does not set, or another managed-by value, stays refused."""
    seen = 0
    for key, doc in _aws(all_stacks).items():
        for body in doc.get("resource", {}).get("aws_kms_key", {}).values():
            provider = next(p for p in doc["provider"]["aws"]
                            if p.get("alias", "aws") == body.get("provider", "aws").removeprefix("aws."))
            tags = {**provider["default_tags"][0]["tags"], **(body.get("tags") or {})}
            statements = _policy(key, doc).policy["Statement"]
            new_key = f"arn:aws:kms:{_region(doc, body)}:{ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab"
            context = {**{f"aws:RequestTag/{k}": v for k, v in tags.items()}, "aws:TagKeys": sorted(tags)}
            assert _allowed(statements, "kms:CreateKey", "*", context), key
            assert _allowed(statements, "kms:TagResource", new_key, context), f"{key}: CreateKey with tags refused"
            foreign = {**context, "aws:TagKeys": [*context["aws:TagKeys"], "Owner"], "aws:RequestTag/Owner": "x"}
            assert not _allowed(statements, "kms:TagResource", new_key, foreign), key
            other = {**context, "aws:RequestTag/managed-by": "someone-else"}
            assert not _allowed(statements, "kms:TagResource", new_key, other), key
            seen += 1
    assert seen >= 5


# Actions whose "Resource types" column is empty in the Service Authorization Reference: IAM matches them only
# against Resource "*", so a statement naming ARNs never allows them ({action: the page}).
NO_RESOURCE_TYPE = {
    "eks:CreateCluster": "list_amazonelastickubernetesservice.html",
    "eks:ListClusters": "list_amazonelastickubernetesservice.html",
    "eks:DescribeAddonVersions": "list_amazonelastickubernetesservice.html",
    "kms:CreateKey": "list_awskeymanagementservice.html",
    "kms:ListAliases": "list_awskeymanagementservice.html",
    "sts:GetCallerIdentity": "list_awssecuritytokenservice.html",
}


def test_actions_without_a_resource_type_are_allowed_on_star(all_stacks: dict[str, dict[str, Any]]) -> None:
    """Service Authorization Reference, "Actions" tables: "If there is no value for this column, you must specify
    all resources ("*") to which the policy applies in the Resource element of your policy statement"."""
    seen: set[str] = set()
    for key, doc in _aws(all_stacks).items():
        for statement in _policy(key, doc).policy["Statement"]:
            for action in _actions(statement):
                if action in NO_RESOURCE_TYPE:
                    seen.add(action)
                    assert statement["Resource"] == "*", f"{key}: {statement['Sid']} scopes {action} to ARNs"
    assert "eks:CreateCluster" in seen and "kms:CreateKey" in seen


# The service-linked role the first resource of each type creates in an account, with the caller's
# iam:CreateServiceLinkedRole (IAM User Guide, "Service-linked role permissions"; each service's page):
# {Terraform type: (iam:AWSServiceName, role name)}.
SERVICE_LINKED_ROLES: dict[str, tuple[str, str]] = {
    # Amazon EKS User Guide, "Using roles for Amazon EKS clusters" / "Using roles for Amazon EKS node groups"
    "R aws_eks_cluster": ("eks.amazonaws.com", "AWSServiceRoleForAmazonEKS"),
    "R aws_eks_node_group": ("eks-nodegroup.amazonaws.com", "AWSServiceRoleForAmazonEKSNodegroup"),
    # Amazon RDS User Guide, "Using service-linked roles for Amazon RDS"
    "R aws_rds_cluster": ("rds.amazonaws.com", "AWSServiceRoleForRDS"),
    # Amazon ElastiCache User Guide, "Using Service-Linked Roles for Amazon ElastiCache"
    "R aws_elasticache_replication_group": ("elasticache.amazonaws.com", "AWSServiceRoleForElastiCache"),
    # Elastic Load Balancing User Guide, "Service-linked role for Elastic Load Balancing"
    "R aws_lb": ("elasticloadbalancing.amazonaws.com", "AWSServiceRoleForElasticLoadBalancing"),
    # Amazon EFS User Guide, "Using service-linked roles for Amazon EFS" (created with the first mount target)
    "R aws_efs_mount_target": ("elasticfilesystem.amazonaws.com", "AWSServiceRoleForAmazonElasticFileSystem"),
    # AWS Backup Developer Guide, "Using roles to back up and copy"
    "R aws_backup_vault": ("backup.amazonaws.com", "AWSServiceRoleForBackup"),
}


def test_the_first_resource_of_a_service_may_create_its_service_linked_role(all_stacks: dict[str, dict[str, Any]]) -> None:
    """The Auto Scaling role of the node groups' groups is not the deployer's to create: EKS's node group role creates
    it (AWS managed policy AWSServiceRoleForAmazonEKSNodegroup, AllowAutoscalingToCreateSLR)."""
    checked: set[str] = set()
    for key, doc in _aws(all_stacks).items():
        statements = _policy(key, doc).policy["Statement"]
        for tkey in stack_types(doc):
            if tkey not in SERVICE_LINKED_ROLES:
                continue
            service, role = SERVICE_LINKED_ROLES[tkey]
            arn = f"arn:aws:iam::{ACCOUNT}:role/aws-service-role/{service}/{role}"
            assert _allowed(statements, "iam:CreateServiceLinkedRole", arn, {"iam:AWSServiceName": service}), \
                f"{key}: {tkey} cannot create {role}"
            checked.add(tkey)
    assert checked == set(SERVICE_LINKED_ROLES), set(SERVICE_LINKED_ROLES) - checked


def test_with_a_permissions_boundary_the_deployer_cannot_escape_it(all_stacks: dict[str, dict[str, Any]]) -> None:
    """IAM User Guide, "Permissions boundaries for IAM entities" (delegating role creation): CreateRole, PutRolePolicy,
    AttachRolePolicy and PutRolePermissionsBoundary only with iam:PermissionsBoundary = the boundary; never
    DeleteRolePermissionsBoundary; the boundary policy itself cannot be changed. Without one, the command says so."""
    for key in ("regulated.yaml:regulated-infra", "regulated.yaml:regulated-launch-aws"):
        doc = all_stacks[key]
        boundary = {r["permissions_boundary"] for r in doc["resource"]["aws_iam_role"].values()}.pop()
        statements = _policy(key, doc).policy["Statement"]
        for action in ("iam:CreateRole", "iam:PutRolePolicy", "iam:AttachRolePolicy", "iam:PutRolePermissionsBoundary"):
            allowing = [s for s in statements if s["Effect"] == "Allow" and _allows(s, action)]
            assert all(s.get("Condition") == {"StringEquals": {"iam:PermissionsBoundary": boundary}}
                       for s in allowing), (key, action)
            assert allowing or action == "iam:AttachRolePolicy", (key, action)  # the launch role has no attachment
        assert not [s for s in statements if _allows(s, "iam:DeleteRolePermissionsBoundary")], key
        deny = next(s for s in statements if s["Effect"] == "Deny")
        assert deny["Resource"] == boundary and _allows(deny, "iam:CreatePolicyVersion")
        assert all(s["Effect"] == "Allow" for s in emulator_view({"Statement": statements})["Statement"])
    found = _policy(f"{EMBEDDED.name}:wandb-infra", all_stacks[f"{EMBEDDED.name}:wandb-infra"])
    assert any("iam_permissions_boundary_arn" in note for note in found.notes)


# --- size and grammar -------------------------------------------------------------------------------------------


def test_documents_fit_managed_policies_and_follow_the_grammar(all_stacks: dict[str, dict[str, Any]]) -> None:
    for key, doc in _aws(all_stacks).items():
        policy = _policy(key, doc).policy
        parts = split_policy(policy)
        assert len(parts) <= MANAGED_POLICIES_PER_ROLE, key
        assert sorted(a for p in parts for s in p["Statement"] for a in _actions(s)) == \
            sorted(a for s in policy["Statement"] for a in _actions(s)), f"{key}: splitting lost actions"
        for part in parts:
            assert policy_size(part) <= MANAGED_POLICY_LIMIT, (key, policy_size(part))
            assert part["Version"] == "2012-10-17" and isinstance(part["Statement"], list) and part["Statement"]
            sids = [s["Sid"] for s in part["Statement"]]
            assert len(sids) == len(set(sids)) and all(re.fullmatch(r"[A-Za-z0-9]+", s) for s in sids), sids
            for statement in part["Statement"]:
                assert set(statement) <= {"Sid", "Effect", "Action", "Resource", "Condition"}
                assert statement["Effect"] == "Allow" or statement["Sid"] == "DenyChangingTheBoundary"
                assert all(re.fullmatch(r"[a-z0-9-]+:[A-Za-z0-9*]+", a) for a in _actions(statement)), statement
                resources = statement["Resource"] if isinstance(statement["Resource"], list) else [statement["Resource"]]
                assert all(r == "*" or r.startswith("arn:aws:") for r in resources), resources


def test_a_statement_too_large_alone_is_cut_by_its_actions() -> None:
    statement = {"Sid": "Big", "Effect": "Allow", "Action": [f"ec2:Action{i:04d}" for i in range(600)], "Resource": "*"}
    parts = split_policy({"Version": "2012-10-17", "Statement": [statement]})
    assert len(parts) > 1 and all(policy_size(p) <= MANAGED_POLICY_LIMIT for p in parts)
    assert [a for p in parts for s in p["Statement"] for a in s["Action"]] == statement["Action"]


def test_emulator_view_keeps_the_actions_and_widens_the_resources(all_stacks: dict[str, dict[str, Any]]) -> None:
    doc = all_stacks[f"{EMBEDDED.name}:wandb-infra"]
    policy = deployer_policies({"wandb-infra": doc}, account_id=ACCOUNT)["wandb-infra"]
    view = emulator_view(policy)
    assert [_actions(s) for s in view["Statement"]] == [_actions(s) for s in policy["Statement"]]
    assert all(s["Resource"] == "*" and "Condition" not in s for s in view["Statement"])
    assert any(s["Resource"] != "*" for s in policy["Statement"]), "the policy itself is scoped"


def test_the_docs_give_the_reason_of_every_wildcard_statement(all_stacks: dict[str, dict[str, Any]]) -> None:
    text = DOC.read_text()
    sids = {sid for key, doc in _aws(all_stacks).items() for sid in _policy(key, doc).reasons}
    missing = sorted(s for s in sids if f"`{s}`" not in text)
    assert sids and not missing, f"add a row to 'Why each * remains' in docs/deployer-policy.md for {missing}"


# --- command line -----------------------------------------------------------------------------------------------


def _run(monkeypatch: pytest.MonkeyPatch, args: list[str]) -> tuple[int, str, str]:
    monkeypatch.delenv("WANDB_CDKTF_CONFIG", raising=False)
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        rc = cli.main(args)
    return rc, out.getvalue(), err.getvalue()


def test_cli_prints_json_and_writes_files(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    rc, out, err = _run(monkeypatch, ["deployer-policy", "--stack", "wandb-operator", "--config", str(EMBEDDED)])
    assert rc == 0, err
    printed = json.loads(out)
    assert list(printed) == ["wandb-operator"] and printed["wandb-operator"]["Statement"]
    assert "EKS access entry" in err
    target = tmp_path / "policies"
    rc, out, err = _run(monkeypatch, ["deployer-policy", "--account-id", ACCOUNT, "--out", str(target)])
    assert rc == 0, err
    files = sorted(p.name for p in target.iterdir())
    assert "wandb-operator.json" in files and any(f.startswith("wandb-infra") for f in files), files
    for path in target.iterdir():
        document = json.loads(path.read_text())
        assert policy_size(document) <= MANAGED_POLICY_LIMIT
        assert ACCOUNT in path.read_text() or path.name == "wandb-operator.json"


def test_cli_unknown_stack_is_one_line_and_names_the_stacks(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    target = tmp_path / "out"
    rc, out, err = _run(monkeypatch, ["deployer-policy", "--stack", "nope", "--out", str(target)])
    assert rc == 2 and out == "" and len(err.strip().splitlines()) == 1, err
    assert "--stack" in err and "wandb-infra, wandb-operator" in err and "Traceback" not in err
    assert not target.exists()


@pytest.mark.parametrize("args, option", [
    (["--account-id", "12345"], "--account-id"),
    (["--config", "does-not-exist.yaml"], "--config"),
    (["--bogus"], "deployer-policy"),
])
def test_cli_bad_options_are_one_line(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, args: list[str], option: str) -> None:
    rc, out, err = _run(monkeypatch, ["deployer-policy", *args, "--out", str(tmp_path / "out")])
    assert rc == 2 and out == "" and len(err.strip().splitlines()) == 1 and option in err, err
    assert not (tmp_path / "out").exists()


def test_cli_out_naming_a_file_is_refused(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    target = tmp_path / "file"
    target.write_text("keep")
    rc, _, err = _run(monkeypatch, ["deployer-policy", "--out", str(target)])
    assert rc == 2 and "--out" in err and len(err.strip().splitlines()) == 1 and target.read_text() == "keep"


def test_cli_help_names_every_option(monkeypatch: pytest.MonkeyPatch) -> None:
    rc, out, err = _run(monkeypatch, ["deployer-policy", "--help"])
    assert rc == 0 and err == "" and out.startswith("usage: wandb-cdktf deployer-policy")
    assert all(option in out for option in ("--config", "--stack", "--account-id", "--out", "docs/deployer-policy.md"))
    rc, out, _ = _run(monkeypatch, ["--help"])
    assert "deployer-policy" in out
