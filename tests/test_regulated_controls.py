"""Controls regulated accounts ask for: IAM permissions boundary and path, the S3 audit trail, YACE.

Synthesized JSON checks plus the configuration rules AWS enforces; examples/regulated.yaml enables all
three (and BYOB + Launch), and tests/test_examples.py / test_checkov.py validate and scan it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from _support import make_config, synth_file
from wandb_cdktf.config import ConfigError, config_from_mapping

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "regulated.yaml"
BOUNDARY = "arn:aws:iam::123456789012:policy/wandb-boundary"
PATH = "/wandb/"


def _err(data: dict[str, Any]) -> ConfigError:
    with pytest.raises(ConfigError) as info:
        config_from_mapping(data)
    return info.value


def _resources(doc: dict[str, Any], kind: str) -> dict[str, dict[str, Any]]:
    return doc.get("resource", {}).get(kind, {})


def _policy(doc: dict[str, Any], kind: str) -> dict[str, Any]:
    (res,) = _resources(doc, kind).values()
    return json.loads(res["policy"])


def _example() -> dict[str, Any]:
    import yaml

    return yaml.safe_load(EXAMPLE.read_text())


# --- IAM permissions boundary and path ---------------------------------------------------------------

# Every stack kind that can create IAM roles: infra (both shapes), operator, app, byob-aws, launch-aws.
SWEEP = {
    "regulated-example": _example(),
    "pre-operator": make_config(
        namespace="wbpre", deployment="pre-operator", enable_flow_log=True, public_access=True,
        iam_permissions_boundary_arn=BOUNDARY, iam_role_path=PATH,
        cloudtrail={}, byob={"deployment_type": "self-managed", "level": "team", "aws": [{"name": "t1"}]},
        launch={"builder": "kaniko", "base_url": "https://wandb.example.com", "queues": ["q"], "entity": "e",
                "aws": {"repository_name": "wbpre-launch",
                        "sagemaker": {"execution_role_arn": "arn:aws:iam::123456789012:role/sm"}}},
    ),
    "launch-only": {**{k: v for k, v in _example().items() if k in ("namespace", "region", "launch")},
                    "namespace": "wblaunch", "create_platform": False,
                    "iam_permissions_boundary_arn": BOUNDARY, "iam_role_path": PATH,
                    "launch": {**_example()["launch"], "aws": {
                        "repository_name": "wblaunch",
                        "oidc_provider_arn": "arn:aws:iam::123456789012:oidc-provider/oidc.eks.us-west-2.amazonaws.com/id/EXAMPLE",
                        "oidc_issuer_url": "https://oidc.eks.us-west-2.amazonaws.com/id/EXAMPLE"}}},
}


@pytest.mark.parametrize("label", SWEEP)
def test_no_role_without_the_boundary_and_path(synth, label):
    """AWS IAM User Guide "Permissions boundaries for IAM entities" and the CreateRole API
    (PermissionsBoundary, Path): an account whose SCP or deployer policy requires
    ``iam:PermissionsBoundary`` refuses CreateRole without it, so ONE role missing it fails the whole
    apply. Sweeps every aws_iam_role (and the path of every aws_iam_policy) of every stack synthesized,
    so a role added later without the boundary fails here."""
    result = synth(SWEEP[label])
    roles = policies = 0
    for stack_id, doc in result.stacks.items():
        for name, role in _resources(doc, "aws_iam_role").items():
            roles += 1
            assert role.get("permissions_boundary") == BOUNDARY, f"{stack_id}: aws_iam_role.{name}"
            assert role.get("path") == PATH, f"{stack_id}: aws_iam_role.{name}"
        for name, policy in _resources(doc, "aws_iam_policy").items():
            policies += 1
            assert policy.get("path") == PATH, f"{stack_id}: aws_iam_policy.{name}"
        assert "aws_iam_user" not in doc.get("resource", {}), "users would need the boundary too"
    # Found what the stacks create today (so the sweep cannot pass vacuously).
    assert (roles, policies) >= {"regulated-example": (8, 3), "pre-operator": (5, 0), "launch-only": (1, 0)}[label]


def test_without_the_options_roles_have_no_boundary_or_path(synth):
    for doc in synth(make_config()).stacks.values():
        for role in _resources(doc, "aws_iam_role").values():
            assert "permissions_boundary" not in role and "path" not in role


@pytest.mark.parametrize("path", ["/", "/wandb/", "/org/team-a/wandb/", "/" + "a" * 510 + "/"])
def test_valid_iam_paths(path):
    """IAM API reference, CreateRole Path: 1-512 characters matching (\\u002F)|(\\u002F[\\u0021-\\u007E]+\\u002F)."""
    assert config_from_mapping(make_config(iam_role_path=path)).iam_role_path == path


@pytest.mark.parametrize("path, fragment", [
    ("wandb/", "start and end with '/'"),
    ("/wandb", "start and end with '/'"),
    ("//", "start and end with '/'"),
    ("/wa ndb/", "printable ASCII"),
    ("/wändb/", "printable ASCII"),
    ("/" + "a" * 511 + "/", "at most 512"),
])
def test_invalid_iam_paths_are_refused(path, fragment):
    """IAM API reference, CreateRole Path (pattern and 512-character limit): IAM refuses these."""
    err = _err(make_config(iam_role_path=path))
    assert err.option == "iam_role_path" and fragment in str(err) and "\n" not in str(err)


@pytest.mark.parametrize("arn", ["arn:aws:iam::123456789012:role/boundary", "wandb-boundary",
                                 "arn:aws:s3:::bucket"])
def test_boundary_must_be_a_managed_policy_arn(arn):
    """CreateRole PermissionsBoundary: "The ARN of the managed policy that is used to set the permissions
    boundary for the role" (an AWS or customer managed policy; a role or inline policy cannot be one)."""
    assert _err(make_config(iam_permissions_boundary_arn=arn)).option == "iam_permissions_boundary_arn"


def test_aws_managed_policy_is_a_valid_boundary():
    arn = "arn:aws:iam::aws:policy/PowerUserAccess"
    assert config_from_mapping(make_config(iam_permissions_boundary_arn=arn)).iam_permissions_boundary_arn == arn


# --- S3 audit trail ----------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def trail_infra(synth_module) -> dict[str, Any]:
    return synth_module["regulated-infra"]


@pytest.fixture(scope="module")
def synth_module() -> dict[str, dict[str, Any]]:
    return synth_file(EXAMPLE).stacks


def test_trail_records_data_events_of_the_file_bucket_only(trail_infra):
    """CloudTrail "Logging data events": an AWS::S3::Object selector value ``arn:aws:s3:::bucket/``
    records the objects of that bucket; ``arn:aws:s3`` would record every bucket of the account."""
    (trail,) = _resources(trail_infra, "aws_cloudtrail").values()
    (file_bucket,) = [k for k in _resources(trail_infra, "aws_s3_bucket") if k.startswith("file-storage_bucket")]
    (selector,) = trail["event_selector"]
    (data,) = selector["data_resource"]
    assert data["type"] == "AWS::S3::Object"
    assert data["values"] == [f"arn:${{data.aws_partition.account-partition.partition}}:s3:::"
                              f"${{aws_s3_bucket.{file_bucket}.bucket}}/"]
    assert selector["read_write_type"] == "All" and selector["include_management_events"] is False
    assert trail["name"] == "regulated-s3-events-cloudtrail"  # v8 modules/cloudtrail
    assert trail["enable_log_file_validation"] is True and trail["is_multi_region_trail"] is True
    assert trail["kms_key_id"].startswith("${aws_kms_key.cloudtrail_key_")
    assert any(d.startswith("aws_s3_bucket_policy.cloudtrail_policy") for d in trail["depends_on"])


def _trail_arn() -> str:
    return ("arn:${data.aws_partition.account-partition.partition}:cloudtrail:${data.aws_region.account-region.name}:"
            "${data.aws_caller_identity.account-identity.account_id}:trail/regulated-s3-events-cloudtrail")


def test_log_bucket_policy_is_awss_with_source_arn(trail_infra):
    """CloudTrail User Guide "Amazon S3 bucket policy for CloudTrail": GetBucketAcl on the bucket and
    PutObject on AWSLogs/<account>/* with s3:x-amz-acl bucket-owner-full-control, both for
    cloudtrail.amazonaws.com and limited by aws:SourceArn to the trail (confused-deputy prevention); plus
    deny-non-TLS."""
    policy = json.loads(next(v for k, v in _resources(trail_infra, "aws_s3_bucket_policy").items()
                             if k.startswith("cloudtrail_policy"))["policy"])
    st = {s["Sid"]: s for s in policy["Statement"]}
    arn = _trail_arn()
    acl, write = st["AWSCloudTrailAclCheck"], st["AWSCloudTrailWrite"]
    assert acl["Principal"] == write["Principal"] == {"Service": "cloudtrail.amazonaws.com"}
    assert acl["Action"] == "s3:GetBucketAcl" and write["Action"] == "s3:PutObject"
    assert acl["Condition"] == {"StringEquals": {"aws:SourceArn": arn}}
    assert write["Condition"] == {"StringEquals": {"s3:x-amz-acl": "bucket-owner-full-control", "aws:SourceArn": arn}}
    assert write["Resource"].endswith(":s3:::regulated-s3-audit-logs/AWSLogs/${data.aws_caller_identity.account-identity.account_id}/*")
    deny = next(s for s in policy["Statement"] if s["Effect"] == "Deny")
    assert deny["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
    assert not any("PutBucketAcl" in json.dumps(s) for s in policy["Statement"])


def test_log_key_admits_cloudtrail_only_for_this_trail(trail_infra):
    """CloudTrail User Guide "Configure AWS KMS key policies for CloudTrail": kms:GenerateDataKey* for
    cloudtrail.amazonaws.com with aws:SourceArn and the kms:EncryptionContext:aws:cloudtrail:arn condition."""
    key = next(v for k, v in _resources(trail_infra, "aws_kms_key").items() if k.startswith("cloudtrail_key"))
    assert key["enable_key_rotation"] is True
    st = {s["Sid"]: s for s in json.loads(key["policy"])["Statement"]}
    enc = st["CloudTrailEncrypt"]
    assert enc["Action"] == "kms:GenerateDataKey*"
    assert enc["Condition"]["StringEquals"] == {"aws:SourceArn": _trail_arn()}
    assert enc["Condition"]["StringLike"]["kms:EncryptionContext:aws:cloudtrail:arn"].endswith(":trail/*")
    assert st["CloudTrailDescribe"]["Condition"] == {"StringEquals": {"aws:SourceArn": _trail_arn()}}


def test_log_bucket_is_versioned_encrypted_private_and_lifecycled(trail_infra):
    """The brief's log bucket: versioned, SSE-KMS, public access blocked, owner-enforced, and v8's
    lifecycle (Glacier after transition_days, expiry after expiration_days) with the example's 7 years."""
    def one(kind: str) -> dict[str, Any]:
        (v,) = [r for k, r in _resources(trail_infra, kind).items() if k.startswith("cloudtrail_")]
        return v

    assert one("aws_s3_bucket")["bucket"] == "regulated-s3-audit-logs"
    assert one("aws_s3_bucket")["force_destroy"] is False  # deletion_protection (default true)
    assert one("aws_s3_bucket_versioning")["versioning_configuration"]["status"] == "Enabled"
    sse = one("aws_s3_bucket_server_side_encryption_configuration")["rule"][0]
    assert sse["apply_server_side_encryption_by_default"]["sse_algorithm"] == "aws:kms"
    pab = one("aws_s3_bucket_public_access_block")
    assert all(pab[k] for k in ("block_public_acls", "block_public_policy", "ignore_public_acls", "restrict_public_buckets"))
    assert one("aws_s3_bucket_ownership_controls")["rule"]["object_ownership"] == "BucketOwnerEnforced"
    (rule,) = one("aws_s3_bucket_lifecycle_configuration")["rule"]
    assert rule["transition"] == [{"days": 90, "storage_class": "GLACIER"}]
    assert rule["expiration"] == [{"days": 2555}]
    outputs = trail_infra["output"]
    assert "cloudtrail_arn" in outputs and "cloudtrail_bucket_name" in outputs


def test_no_trail_by_default(synth):
    doc = synth(make_config()).stack("wbtest-infra")
    assert "aws_cloudtrail" not in doc["resource"]


@pytest.mark.parametrize("cloudtrail, option, fragment", [
    ({"multi_region_trail": True, "include_global_service_events": False}, "cloudtrail", "multi-region"),
    ({"log_lifecycle": {"transition_days": 90, "expiration_days": 90}}, "cloudtrail.log_lifecycle", "greater than"),
    ({"log_lifecycle": {"transition_days": -1}}, "cloudtrail.log_lifecycle.transition_days", ""),
    ({"cloudtrail_bucket_name": "x" * 60}, "cloudtrail.cloudtrail_bucket_name", "63"),
    ({"cloudtrail_bucket_name": "Logs_Bucket"}, "cloudtrail.cloudtrail_bucket_name", ""),
    ({"bucket": "x"}, "cloudtrail.bucket", ""),
])
def test_trail_settings_aws_refuses_are_config_errors(cloudtrail, option, fragment):
    """CloudTrail CreateTrail: "Multi-Region trail must include global service events"
    (InvalidParameterCombinationException); S3 PutBucketLifecycleConfiguration: expiration days must be
    greater than transition days; S3 bucket naming rules (3-63 lowercase characters)."""
    err = _err(make_config(cloudtrail=cloudtrail))
    assert err.option == option and fragment in str(err) and "\n" not in str(err)


def test_trail_needs_the_platform():
    data = {k: v for k, v in _example().items() if k in ("namespace", "region", "launch")}
    data["launch"]["aws"] = {"repository_name": "wblaunch-repo", "principal_arn": "arn:aws:iam::123456789012:role/agent"}
    err = _err({**data, "create_platform": False, "cloudtrail": {}})
    assert err.option == "cloudtrail"


# --- YACE --------------------------------------------------------------------------------------------

def _yace_values(doc: dict[str, Any]) -> str:
    """The ``"yace" = {...}`` part of the WeightsAndBiases values (an HCL yamlencode() argument)."""
    (cr,) = [r for r in _resources(doc, "helm_release").values() if r["name"] == "wandb-cr"]
    text = cr["values"][0]
    start = text.index('"yace" = {')
    depth, i = 0, text.index("{", start)
    while True:
        depth += {"{": 1, "}": -1}.get(text[i], 0)
        if depth == 0:
            return text[start:i + 1]
        i += 1


def test_yace_irsa_role_trusts_only_its_service_account(synth):
    """v8 modules/iam_role: the YACE role trusts system:serviceaccount:<ns>:<yace_sa_name> with audience
    sts.amazonaws.com and may call tag:GetResources and cloudwatch:GetMetricData/GetMetricStatistics/
    ListMetrics (no resource-level permissions exist for these, so Resource is *)."""
    doc = synth(make_config()).stack("wbtest-infra")
    (role,) = [r for k, r in _resources(doc, "aws_iam_role").items() if k.startswith("yace-irsa")]
    trust = role["assume_role_policy"]  # JSON with a Terraform expression in the condition keys
    assert trust.count("system:serviceaccount:") == 1
    assert ':sub": ["system:serviceaccount:default:wandb-yace"]' in trust and ':aud": "sts.amazonaws.com"' in trust
    (policy,) = [r for k, r in _resources(doc, "aws_iam_policy").items() if k.startswith("yace-irsa")]
    (st,) = json.loads(policy["policy"])["Statement"]
    assert sorted(st["Action"]) == ["cloudwatch:GetMetricData", "cloudwatch:GetMetricStatistics",
                                    "cloudwatch:ListMetrics", "tag:GetResources"]
    assert role["name_prefix"] == "wbtest-yace-"


def test_yace_in_the_wandb_resource_uses_the_trusted_name(synth):
    """operator-wandb charts/yace: the service account is <release>-yace unless serviceAccount.name is set,
    and discovery filters by searchTags values as regular expressions (YACE README), so the name is set
    explicitly and the namespace anchored."""
    result = synth(make_config(k8s_namespace="wandb-apps", yace_sa_name="metrics"))
    values = _yace_values(result.stack("wbtest-operator"))
    assert values.startswith('"yace" = {"install" = true, "regions" = ["us-west-2"], '
                             '"serviceAccount" = {"name" = "metrics", "annotations" = {"eks.amazonaws.com/role-arn" = ')
    assert "aws_iam_roleyace-irsa_role_" in values
    assert values.endswith('"searchTags" = {"Namespace" = "^wbtest$"}}')
    infra = result.stack("wbtest-infra")
    (role,) = [r for k, r in _resources(infra, "aws_iam_role").items() if k.startswith("yace-irsa")]
    assert "system:serviceaccount:wandb-apps:metrics" in role["assume_role_policy"]


def test_aurora_and_redis_carry_the_discovery_tag(synth):
    """YACE finds RDS and ElastiCache resources through the tagging API by searchTags; v8 tags neither,
    so its exporter finds nothing. ElastiCache copies replication-group tags to its nodes (ElastiCache
    User Guide "Tagging your ElastiCache resources")."""
    doc = synth(make_config()).stack("wbtest-infra")
    for kind in ("aws_rds_cluster", "aws_rds_cluster_instance", "aws_elasticache_replication_group"):
        for res in _resources(doc, kind).values():
            assert res["tags"]["Namespace"] == "wbtest", kind


def test_enable_yace_false_removes_role_and_exporter(synth):
    result = synth(make_config(enable_yace=False))
    infra = result.stack("wbtest-infra")
    assert not [k for k in _resources(infra, "aws_iam_role") if k.startswith("yace")]
    assert _yace_values(result.stack("wbtest-operator")) == '"yace" = {"install" = false}'


def test_pre_operator_ignores_yace(synth):
    infra = synth(make_config(deployment="pre-operator")).stack("wbtest-infra")
    assert not [k for k in _resources(infra, "aws_iam_role") if k.startswith("yace")]


@pytest.mark.parametrize("name", ["Wandb-Yace", "-yace", "a" * 64])
def test_yace_sa_name_must_be_a_kubernetes_name(name):
    assert _err(make_config(yace_sa_name=name)).option == "yace_sa_name"


def test_role_path_cannot_join_an_adoption():
    """Adopted v8 roles keep their path (carried by `wandb-cdktf adopt`); IAM cannot change a role's path, so a
    new one would replace them, and the control-plane role's replacement replaces the EKS cluster."""
    adoption = {"source": "terraform-aws-wandb 8.0.0",
                "resources": [{"path": "eks/cluster-role", "import_id": "wandb-cluster-role"}]}
    err = _err(make_config(iam_role_path=PATH, adoption=adoption))
    assert err.option == "iam_role_path" and "adoption" in str(err)


@pytest.mark.terraform
@pytest.mark.parametrize("stack_id", ["regulated-launch-aws", "regulated-byob-aws"])
def test_regulated_aws_stacks_validate(tf_validate, stack_id):
    """The launch-aws and byob-aws stacks of the example (with boundary and path) pass terraform validate
    (the infra stack is validated by tests/test_examples.py)."""
    out = synth_file(EXAMPLE)
    tf_validate(out.stack_dir(stack_id), *(out.stack_dir(s) for s in ("regulated-launch-aws", "regulated-byob-aws")))
