"""Key used alone in a bare TerraformStack."""

from __future__ import annotations

import json
import re

import pytest

from _construct_support import (
    KEY_ARN,
    ROLE_ARN,
    assert_validates,
    at,
    build_bare_stacks,
    output,
    ref,
    statements,
    types,
)
from wandb_cdktf.constructs.aws import Key, KeyProps

CUSTOM_POLICY = json.dumps({"Version": "2012-10-17", "Statement": [
    {"Sid": "Mine", "Effect": "Allow", "Principal": {"AWS": ROLE_ARN}, "Action": "kms:*", "Resource": "*"}]})


def _key(props: KeyProps):
    def build(stack):
        key = Key(stack, "key", props)
        output(stack, "key_arn", key.key_arn)
        return key
    return build


@pytest.fixture(scope="module")
def stacks(tmp_path_factory):
    return build_bare_stacks(tmp_path_factory.mktemp("key"), {
        "default": _key(KeyProps(namespace="kt")),
        "custom": _key(KeyProps(namespace="kt", alias="alias/my-key", deletion_window_in_days=30, enable_rotation=False,
                                administrator_arn=ROLE_ARN)),
        "own-policy": _key(KeyProps(namespace="kt", policy=CUSTOM_POLICY)),
        "existing": _key(KeyProps(namespace="kt", existing_key_arn=KEY_ARN)),
    })


@pytest.mark.parametrize("days", [0, 6, 31, 365])
def test_deletion_window_outside_7_to_30_raises(days):
    with pytest.raises(ValueError, match=re.escape("7..30")):
        KeyProps(namespace="kt", deletion_window_in_days=days)


@pytest.mark.parametrize("days", [7, 30])
def test_deletion_window_bounds_are_accepted(days):
    assert KeyProps(namespace="kt", deletion_window_in_days=days).deletion_window_in_days == days


def test_default_key(stacks):
    doc = stacks["default"]
    key = at(doc, "aws_kms_key", "key/key")
    assert key["enable_key_rotation"] is True
    assert key["deletion_window_in_days"] == 7
    assert key["key_usage"] == "ENCRYPT_DECRYPT"
    assert key["tags"] == {"Name": "kt-kms"}
    alias = at(doc, "aws_kms_alias", "key/alias")
    assert alias["name"] == "alias/kt-kms-alias"
    assert alias["target_key_id"] == ref(doc, "aws_kms_key", "key/key", "key_id")
    assert stacks.handles["default"].created is True


def test_default_policy_statements(stacks):
    doc = stacks["default"]
    stmts = statements(at(doc, "aws_kms_key", "key/key"))
    assert list(stmts) == ["Internal", "AccountUse", "AccountServiceGrants", "AutoScalingEbs", "CloudWatchLogs"]
    # administrator: the caller's role (issuer of the session, not the session ARN) of the first apply, recorded in
    # terraform_data.deployment-admin (issue 25 item 2: another principal's plan must not rewrite the policy)
    assert stmts["Internal"]["Principal"]["AWS"] == ref(doc, "terraform_data", "deployment-admin", "input.arn")
    admin = at(doc, "terraform_data", "deployment-admin")
    assert admin["input"] == {"arn": ref(doc, "aws_iam_session_context", "account-session", "issuer_arn", kind="data")}
    assert admin["lifecycle"] == {"ignore_changes": ["input"]}
    assert stmts["Internal"]["Action"] == "kms:*"
    account = ref(doc, "aws_caller_identity", "account-identity", "account_id", kind="data")
    partition = ref(doc, "aws_partition", "account-partition", "partition", kind="data")
    assert stmts["AccountUse"]["Principal"]["AWS"] == f"arn:{partition}:iam::{account}:root"
    assert "kms:*" not in stmts["AccountUse"]["Action"]
    asg = stmts["AutoScalingEbs"]
    assert asg["Condition"]["StringEquals"] == {"kms:CallerAccount": account}
    logs = stmts["CloudWatchLogs"]
    assert logs["Principal"]["Service"].startswith("logs.")
    assert ":log-group:*" in logs["Condition"]["ArnLike"]["kms:EncryptionContext:aws:logs:arn"]


def _principals(statement) -> list[str]:
    aws = statement.get("Principal", {}).get("AWS", [])
    return [aws] if isinstance(aws, str) else list(aws)


def test_policy_names_no_principal_that_a_fresh_account_lacks(stacks):
    """KMS refuses a key policy naming a principal that does not exist: CreateKey fails with
    MalformedPolicyDocumentException ("Policy contains a statement with one or more invalid principals",
    AWS KMS Developer Guide, "Key policies": "the principal ... must exist"). AWSServiceRoleForAutoScaling
    exists only after the account's first Auto Scaling group (EC2 Auto Scaling User Guide, "Service-linked
    roles"), so it may appear only in a condition (aws:PrincipalArn), as AWS's managed-key policies do with
    "*" + kms:CallerAccount + kms:ViaService (terraform-aws-wandb issue #205)."""
    doc = stacks["default"]
    stmts = statements(at(doc, "aws_kms_key", "key/key"))
    for sid, statement in stmts.items():
        assert not any("aws-service-role" in p for p in _principals(statement)), sid
    asg = stmts["AutoScalingEbs"]
    assert asg["Principal"] == {"AWS": "*"}
    assert asg["Condition"]["ArnEquals"]["aws:PrincipalArn"].endswith(
        ":role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling")
    assert asg["Condition"]["StringLike"]["kms:ViaService"].startswith("ec2.")
    assert "kms:CreateGrant" in asg["Action"]
    # Every wildcard principal is pinned to this account.
    account = ref(doc, "aws_caller_identity", "account-identity", "account_id", kind="data")
    for sid, statement in stmts.items():
        if "*" in _principals(statement):
            assert statement["Condition"]["StringEquals"]["kms:CallerAccount"] == account, sid


def test_account_may_create_grants_for_aws_services(stacks):
    """Aurora, ElastiCache, EKS secret encryption, EFS and Secrets Manager create KMS grants on the key for
    the caller; without kms:CreateGrant in the key policy a Terraform caller who is not the key administrator
    fails (terraform-aws-wandb PR #305). AWS KMS Developer Guide, "kms:GrantIsForAWSResource": limits the
    grant to integrated AWS services."""
    doc = stacks["default"]
    stmts = statements(at(doc, "aws_kms_key", "key/key"))
    account = ref(doc, "aws_caller_identity", "account-identity", "account_id", kind="data")
    partition = ref(doc, "aws_partition", "account-partition", "partition", kind="data")
    grants = [s for s in stmts.values() if _principals(s) == [f"arn:{partition}:iam::{account}:root"]
              and "kms:CreateGrant" in ([s["Action"]] if isinstance(s["Action"], str) else s["Action"])]
    assert len(grants) == 1
    assert grants[0]["Condition"] == {"Bool": {"kms:GrantIsForAWSResource": "true"}}


def test_key_arn_of_a_created_key(stacks):
    doc = stacks["default"]
    assert doc["output"]["key_arn"]["value"] == ref(doc, "aws_kms_key", "key/key", "arn")


def test_custom_alias_window_rotation_and_administrator(stacks):
    doc = stacks["custom"]
    key = at(doc, "aws_kms_key", "key/key")
    assert key["enable_key_rotation"] is False
    assert key["deletion_window_in_days"] == 30
    assert statements(key)["Internal"]["Principal"]["AWS"] == ROLE_ARN
    assert at(doc, "aws_kms_alias", "key/alias")["name"] == "alias/my-key"


def test_a_named_administrator_keeps_the_recorded_one_beside_it(stacks):
    """KMS's lockout safety check (CreateKey / PutKeyPolicy, KMS API reference: "the key policy must allow the
    principal that is making the request to make a subsequent PutKeyPolicy request") refuses a policy that names
    only another administrator than the caller; the account root has no PutKeyPolicy here. So a named
    administrator comes with the recorded deployment administrator (terraform_data.deployment-admin), and the
    documented handover (docs/deploy.md: name the new one, replace the record as the new one, drop the setting)
    has a principal allowed to PutKeyPolicy at every step. Without a named one, only the record administers."""
    named = statements(at(stacks["custom"], "aws_kms_key", "key/key"))
    assert named["Internal"]["Principal"]["AWS"] == ROLE_ARN
    assert named["RecordedAdministrator"]["Principal"]["AWS"] == "${terraform_data.deployment-admin.input.arn}"
    assert named["RecordedAdministrator"]["Action"] == "kms:*"
    default = statements(at(stacks["default"], "aws_kms_key", "key/key"))
    assert default["Internal"]["Principal"]["AWS"] == "${terraform_data.deployment-admin.input.arn}"
    assert "RecordedAdministrator" not in default


def test_policy_override_replaces_ours(stacks):
    key = at(stacks["own-policy"], "aws_kms_key", "key/key")
    assert json.loads(key["policy"]) == json.loads(CUSTOM_POLICY)


def test_existing_key_creates_nothing(stacks):
    doc = stacks["existing"]
    assert not types(doc)  # no resources at all
    assert not types(doc, "data")  # not even the account look-ups
    assert doc["output"]["key_arn"]["value"] == KEY_ARN
    key = stacks.handles["existing"]
    assert key.key_arn == KEY_ARN and key.created is False


@pytest.mark.terraform
def test_terraform_validate(stacks, tf_env):
    assert_validates(tf_env, stacks.stack_dir("default"))
