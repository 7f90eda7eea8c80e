"""``<namespace>-byob-aws``: KMS key policy, bucket settings, bucket policy, outputs, Terraform validation."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from wandb_cdktf.testing import normalize, one_resource, resources

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
EXAMPLE = yaml.safe_load((EXAMPLES / "byob-aws.yaml").read_text())
STACK = "wbbyob-byob-aws"
ROLE = "arn:aws:iam::123456789012:role/wandb-node"
EXISTING_KEY = "arn:aws:kms:us-west-2:123456789012:key/0000aaaa-bbbb-cccc-dddd-eeeeffff0000"
SELF_MANAGED_INSTANCE = {
    "namespace": "wbtest",
    "region": "us-west-2",
    "create_platform": False,
    "byob": {
        "deployment_type": "self-managed",
        "level": "instance",
        "aws": {"wandb_principal_arn": ROLE, "kms_key_arn": EXISTING_KEY, "region": "eu-west-1"},
    },
}
SAAS = {"namespace": "wbtest", "create_platform": False, "deletion_protection": False,
        "byob": {"deployment_type": "saas", "aws": {}}}

KMS_EXTERNAL = ["kms:Decrypt", "kms:Describe*", "kms:Encrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*"]
BUCKET_ACTIONS = [
    "s3:GetObject*", "s3:GetEncryptionConfiguration", "s3:ListBucket", "s3:ListBucketMultipartUploads",
    "s3:ListBucketVersions", "s3:AbortMultipartUpload", "s3:DeleteObject", "s3:PutObject", "s3:GetBucketCORS",
    "s3:GetBucketLocation", "s3:GetBucketVersioning",
]


@pytest.fixture(scope="module")
def doc(synth) -> dict[str, Any]:
    return synth(EXAMPLE).stack(STACK)


def ref(resource_type: str, doc: dict[str, Any], attr: str) -> str:
    (logical_id,) = resources(doc, resource_type)
    return f"${{{resource_type}.{logical_id}.{attr}}}"


def test_only_the_byob_stack_is_built(synth) -> None:
    assert list(synth(EXAMPLE).stacks) == [STACK]


def test_kms_key(doc) -> None:
    key = one_resource(doc, "aws_kms_key")
    assert key["key_usage"] == "ENCRYPT_DECRYPT"
    assert key["enable_key_rotation"] is True
    assert key["deletion_window_in_days"] == 30
    assert key["customer_master_key_spec"] == "SYMMETRIC_DEFAULT"


def test_account_facts_come_from_the_stack_account_context(doc) -> None:
    """AwsByobBucket takes account id and partition from account_context (one set of data sources per stack, as
    every AWS construct) and reads no aws_iam_session_context: for an assumed role that data source calls
    iam:GetRole (terraform-provider-aws PR #19957, d/aws_iam_session_context), which a BYOB stack never needs."""
    assert set(doc["data"]["aws_caller_identity"]) == {"account-identity"}
    assert set(doc["data"]["aws_partition"]) == {"account-partition"}
    assert "aws_iam_session_context" not in doc["data"]


def test_kms_key_policy_matches_the_docs(doc) -> None:
    policy_res = one_resource(doc, "aws_kms_key_policy")
    assert policy_res["key_id"] == ref("aws_kms_key", doc, "key_id")
    policy = json.loads(policy_res["policy"])
    internal, external = policy["Statement"]
    key_arn = ref("aws_kms_key", doc, "arn")
    partition = next(iter(resources({"resource": doc["data"]}, "aws_partition")))
    caller = next(iter(resources({"resource": doc["data"]}, "aws_caller_identity")))
    assert internal == {
        "Sid": "Internal",
        "Effect": "Allow",
        # The owner's account root, built from the caller identity's account id (never its session ARN).
        "Principal": {"AWS": f"arn:${{data.aws_partition.{partition}.partition}}:iam::${{data.aws_caller_identity.{caller}.account_id}}:root"},
        "Action": "kms:*",
        "Resource": key_arn,
    }
    assert external == {
        "Sid": "External",
        "Effect": "Allow",
        "Principal": {"AWS": "arn:aws:iam::830241207209:root"},  # Dedicated Cloud preset
        "Action": KMS_EXTERNAL,
        "Resource": key_arn,
    }
    assert ".arn}" not in internal["Principal"]["AWS"]


def test_bucket_settings(doc) -> None:
    bucket = one_resource(doc, "aws_s3_bucket")
    assert bucket["bucket"] == "wbbyob-team-omega-files"
    assert bucket["force_destroy"] is False
    bucket_id = ref("aws_s3_bucket", doc, "id")
    versioning = one_resource(doc, "aws_s3_bucket_versioning")
    assert versioning["bucket"] == bucket_id and versioning["versioning_configuration"] == {"status": "Enabled"}
    sse = one_resource(doc, "aws_s3_bucket_server_side_encryption_configuration")
    assert sse["bucket"] == bucket_id
    assert sse["rule"] == [{
        "apply_server_side_encryption_by_default": {"sse_algorithm": "aws:kms", "kms_master_key_id": ref("aws_kms_key", doc, "arn")},
        "bucket_key_enabled": True,
    }]
    pab = one_resource(doc, "aws_s3_bucket_public_access_block")
    assert pab["bucket"] == bucket_id
    assert all(pab[k] is True for k in ("block_public_acls", "block_public_policy", "ignore_public_acls", "restrict_public_buckets"))
    ownership = one_resource(doc, "aws_s3_bucket_ownership_controls")
    assert ownership["rule"] == {"object_ownership": "BucketOwnerEnforced"}  # ACLs disabled
    assert not resources(doc, "aws_s3_bucket_acl")


def test_lifecycle_only_aborts_incomplete_multipart_uploads(doc) -> None:
    lifecycle = one_resource(doc, "aws_s3_bucket_lifecycle_configuration")
    assert lifecycle["bucket"] == ref("aws_s3_bucket", doc, "id")
    # Exactly one rule, whole bucket, and nothing but the abort: W&B history never expires.
    assert lifecycle["rule"] == [{
        "id": "abort-incomplete-multipart-uploads",
        "status": "Enabled",
        "filter": [{}],
        "abort_incomplete_multipart_upload": [{"days_after_initiation": 7}],
    }]


def test_construct_refuses_a_zero_day_multipart_abort() -> None:
    from cdktf import App, TerraformStack

    from wandb_cdktf.constructs.aws import AwsByobBucket, AwsByobBucketProps

    stack = TerraformStack(App(outdir="/tmp/unused-byob-aws"), "s")
    with pytest.raises(ValueError, match="abort_incomplete_multipart_days"):
        AwsByobBucket(stack, "b", AwsByobBucketProps(namespace="x", wandb_principal_arn=ROLE, abort_incomplete_multipart_days=0))


def test_cors_exactly_as_the_docs(doc) -> None:
    cors = one_resource(doc, "aws_s3_bucket_cors_configuration")
    assert cors["bucket"] == ref("aws_s3_bucket", doc, "id")
    assert cors["cors_rule"] == [{
        "allowed_headers": ["*"],
        "allowed_methods": ["GET", "HEAD", "PUT"],
        "allowed_origins": ["*"],
        "expose_headers": ["ETag"],
        "max_age_seconds": 3600,
    }]


def test_bucket_policy(doc) -> None:
    res = one_resource(doc, "aws_s3_bucket_policy")
    assert res["bucket"] == ref("aws_s3_bucket", doc, "id")
    assert res["depends_on"] == [f"aws_s3_bucket_public_access_block.{next(iter(resources(doc, 'aws_s3_bucket_public_access_block')))}"]
    policy = json.loads(res["policy"])
    arn = ref("aws_s3_bucket", doc, "arn")
    allow, deny = policy["Statement"]
    assert allow == {
        "Sid": "WAndBAccountAccess",
        "Effect": "Allow",
        "Principal": {"AWS": "arn:aws:iam::830241207209:root"},
        "Action": BUCKET_ACTIONS,
        "Resource": [arn, f"{arn}/*"],
    }
    assert len(allow["Action"]) == 11
    assert deny == {
        "Sid": "DenyInsecureTransport",
        "Effect": "Deny",
        "Principal": "*",
        "Action": "s3:*",
        "Resource": [arn, f"{arn}/*"],
        "Condition": {"Bool": {"aws:SecureTransport": "false"}},
    }


def test_outputs(doc) -> None:
    out = doc["output"]
    bucket = ref("aws_s3_bucket", doc, "bucket")
    key_arn = ref("aws_kms_key", doc, "arn")
    assert out["bucket_name"]["value"] == bucket
    assert out["kms_key_arn"]["value"] == key_arn
    assert out["region"]["value"] == "us-east-1"
    assert out["path"]["value"] == "wandb"
    assert out["bucket_address"]["value"] == f"s3://{bucket}/wandb"
    assert out["wandb_team_form"]["value"] == {"cloud_provider": "AWS", "name": bucket, "path": "wandb", "kms_key_arn": key_arn}


def test_provider_region_and_tags(doc) -> None:
    (provider,) = doc["provider"]["aws"]
    assert provider["region"] == "us-east-1"
    assert provider["default_tags"] == [{"tags": {"managed-by": "wandb-cdktf", "team": "ml-platform"}}]


def test_saas_preset_generated_name_and_force_destroy(synth) -> None:
    doc = synth(SAAS).stack("wbtest-byob-aws")
    bucket = one_resource(doc, "aws_s3_bucket")
    assert bucket["bucket_prefix"] == "wbtest-byob-" and "bucket" not in bucket
    assert bucket["force_destroy"] is True  # deletion_protection: false
    saas = "arn:aws:iam::725579432336:role/WandbIntegration"
    assert json.loads(one_resource(doc, "aws_kms_key_policy")["policy"])["Statement"][1]["Principal"] == {"AWS": saas}
    assert json.loads(one_resource(doc, "aws_s3_bucket_policy")["policy"])["Statement"][0]["Principal"] == {"AWS": saas}
    (provider,) = doc["provider"]["aws"]
    assert provider["region"] == "us-west-2"  # top-level default region


def test_self_managed_instance_with_existing_key(synth) -> None:
    doc = synth(SELF_MANAGED_INSTANCE).stack("wbtest-byob-aws")
    assert not resources(doc, "aws_kms_key") and not resources(doc, "aws_kms_key_policy")
    sse = one_resource(doc, "aws_s3_bucket_server_side_encryption_configuration")
    assert sse["rule"][0]["apply_server_side_encryption_by_default"]["kms_master_key_id"] == EXISTING_KEY
    policy = json.loads(one_resource(doc, "aws_s3_bucket_policy")["policy"])
    assert policy["Statement"][0]["Principal"] == {"AWS": ROLE}
    assert doc["output"]["kms_key_arn"]["value"] == EXISTING_KEY
    assert doc["output"]["region"]["value"] == "eu-west-1"
    (provider,) = doc["provider"]["aws"]
    assert provider["region"] == "eu-west-1"


def test_remote_state_backend(synth) -> None:
    data = {**SAAS, "remote_state": {"bucket": "my-tf-state", "use_lockfile": False, "dynamodb_table": "tf-locks"}}
    doc = synth(data).stack("wbtest-byob-aws")
    backend = doc["terraform"]["backend"]["s3"]
    assert (backend["bucket"], backend["key"]) == ("my-tf-state", "wandb-cdktf/wbtest-byob-aws.tfstate")


def test_snapshot(doc, snapshot) -> None:
    assert normalize(doc) == snapshot


@pytest.mark.parametrize("config", [EXAMPLE, SAAS, SELF_MANAGED_INSTANCE], ids=["dedicated-example", "saas", "self-managed-instance"])
def test_terraform_validate(synth, tf_validate, config: dict) -> None:
    # fails with Terraform's diagnostics (AWS provider 5.100.0)
    tf_validate(*(_only_stack_dir(synth(c)) for c in (config, EXAMPLE, SAAS, SELF_MANAGED_INSTANCE)))


def _only_stack_dir(result):
    (stack_id,) = result.stacks
    return result.stack_dir(stack_id)


# --- the platform built in the same app (issue 15) --------------------------------------------

from _support import make_config  # noqa: E402

STORE = {"type": "azure", "account": "acct1", "container": "wandb", "access_key_env": "K"}


def _platform_byob(deployment: str) -> dict[str, Any]:
    return make_config(deployment=deployment, byob={"deployment_type": "self-managed", "aws": {}, "file_stores": [STORE]})


def test_self_managed_principal_defaults_to_the_platform_node_role(synth) -> None:
    """Seed 000/001 replace <aws_principal_and_role_arn> only for SaaS/Dedicated; a self-managed instance's own
    identity is the principal, and the W&B pods of the platform built here run as its EKS node role."""
    byob = synth(_platform_byob("post-operator")).stack("wbtest-byob-aws")
    for rtype in ("aws_s3_bucket_policy", "aws_kms_key_policy"):
        stmt = json.loads(one_resource(byob, rtype)["policy"])["Statement"][1 if rtype == "aws_kms_key_policy" else 0]
        principal = stmt["Principal"]["AWS"]
        assert "terraform_remote_state.cross-stack-reference-input-wbtest-infra" in principal and "node-role" in principal


@pytest.mark.parametrize(("deployment", "stack"), [("pre-operator", "wbtest-app"), ("post-operator", "wbtest-operator")])
def test_team_stores_reach_the_app_in_both_deployments(synth, deployment: str, stack: str) -> None:
    """Seed 000 "GORILLA_SUPPORTED_FILE_STORES 환경 변수를 사용하여 ... 관련 엑세스 키를 포함하는 스토리지 버킷을 지정";
    seed 001 "構成": every team bucket must be listed, so the same-cloud team bucket built here is listed next to
    the credential-bearing stores. Credentials arrive only as the sensitive variable (never literal JSON), and
    pre-operator puts them in the Kubernetes Secret, not the ConfigMap."""
    doc = synth(_platform_byob(deployment)).stack(stack)
    var = doc["variable"]["wandb_supported_file_stores"]
    assert var["sensitive"] is True and var["nullable"] is False
    bucket_ref = "s3://${data.terraform_remote_state.cross-stack-reference-input-wbtest-byob-aws.outputs."
    if deployment == "pre-operator":
        secret = one_resource(doc, "kubernetes_secret_v1")["data"]["GORILLA_SUPPORTED_FILE_STORES"]
        assert secret.startswith("${var.wandb_supported_file_stores},s3://") and bucket_ref in secret  # one template
        assert "GORILLA_SUPPORTED_FILE_STORES" not in one_resource(doc, "kubernetes_config_map_v1")["data"]
    else:
        text = json.dumps(doc)
        assert "GORILLA_SUPPORTED_FILE_STORES" in text and "var.wandb_supported_file_stores" in text
        assert bucket_ref.replace('"', '\\"') in text or bucket_ref in text


# --- several buckets per cloud (issue 15 item 4) ---------------------------------------------------

TEAM_BUCKETS = EXAMPLES / "team-buckets.yaml"


def _with_aws(aws: Any, **top: Any) -> dict[str, Any]:
    return make_config(byob={"deployment_type": "self-managed", "aws": aws, **top})


def test_a_single_section_keeps_its_addresses(synth) -> None:
    """Stack and construct ids are Terraform addresses: the single section (and an unnamed list item, so that
    turning the section into a list moves nothing) keeps byob-bucket and the plain output names."""
    single = synth(_with_aws({})).stack("wbtest-byob-aws")
    listed = synth(_with_aws([{}, {"name": "omega"}])).stack("wbtest-byob-aws")
    single_ids = {(t, n) for t, rs in single["resource"].items() for n in rs}
    listed_ids = {(t, n) for t, rs in listed["resource"].items() for n in rs}
    assert single_ids < listed_ids
    assert {"bucket_name", "supported_file_store", "wandb_team_form"} <= set(single["output"])
    assert {"bucket_name", "omega_bucket_name", "omega_supported_file_store", "omega_wandb_team_form"} <= set(listed["output"])
    added = {n for _, n in listed_ids - single_ids}
    assert added and all(n.startswith("byob-bucket-omega_") for n in added), added


def test_kappa_and_omega_team_buckets_are_all_listed(synth) -> None:
    """Seed 000/001 (Kappa/Omega): an organization configures "하나 이상의 팀" -- one or more teams -- with their own
    team-level bucket, and seed 001 "構成" requires every bucket in GORILLA_SUPPORTED_FILE_STORES: both team
    buckets of the example are built in one stack and both reach the operator's GORILLA_SUPPORTED_FILE_STORES."""
    result = synth(yaml.safe_load(TEAM_BUCKETS.read_text()))
    byob = result.stack("teams-byob-aws")
    assert len(resources(byob, "aws_s3_bucket")) == 2
    prefixes = sorted(r["bucket_prefix"] for r in resources(byob, "aws_s3_bucket").values())
    assert prefixes == ["teams-kappa-byob-", "teams-omega-byob-"]
    assert byob["output"]["kappa_supported_file_store"]["value"].startswith("s3://${aws_s3_bucket.byob-bucket-kappa_")
    text = json.dumps(result.stack("teams-operator"))
    assert "GORILLA_SUPPORTED_FILE_STORES" in text
    ref = "cross-stack-reference-input-teams-byob-aws.outputs.cross-stack-output-aws_s3_bucketbyob-bucket-"
    assert text.count(ref + "kappa_") >= 1 and text.count(ref + "omega_") >= 1
    assert "var.wandb_supported_file_stores" not in text  # no file_stores: nothing sensitive to pass


@pytest.mark.parametrize(("aws", "option", "message"), [
    ([{}, {}], "byob.aws[1].name", "more than one bucket has no name"),
    ([{"name": "a"}, {"name": "a"}], "byob.aws[1].name", "repeats 'a'"),
    ([{"name": "a"}, {"name": "b", "region": "eu-west-1"}], "byob.aws[1].region", "must be us-west-2"),
    ([{"name": "Omega"}], "byob.aws.0.name", "should match pattern"),
    ([], "byob.aws", "at least 1 item"),
])
def test_bucket_lists_refuse_inconsistencies(aws: Any, option: str, message: str) -> None:
    """Each refused list is a one-line `option: what is allowed` error (BRIEF standards)."""
    from wandb_cdktf.config import ConfigError, config_from_mapping

    with pytest.raises(ConfigError) as info:
        config_from_mapping(_with_aws(aws))
    assert info.value.option == option, str(info.value)
    assert message in info.value.message and "\n" not in str(info.value)


def test_one_instance_bucket_per_list(synth) -> None:
    """Seed 000: the instance-level bucket is the instance's one default bucket; more buckets are team buckets."""
    from wandb_cdktf.config import ConfigError, config_from_mapping

    data = {"namespace": "wbtest", "region": "us-east-1", "create_platform": False,
            "byob": {"deployment_type": "dedicated", "aws": [{"level": "instance"}, {"name": "b", "level": "instance"}]}}
    with pytest.raises(ConfigError) as info:
        config_from_mapping(data)
    assert info.value.option == "byob.aws[1].level" and "one instance-level bucket" in info.value.message
