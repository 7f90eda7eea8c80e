"""The <namespace>-launch-aws|gcp|azure stacks: settings, policies, emitted launch-config, snapshots, Terraform."""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from _support import make_config
from wandb_cdktf.config import ConfigError, config_from_mapping
from wandb_cdktf.launch_config import validate_launch_config
from wandb_cdktf.testing import normalize, one_resource, resources

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
SEED_ECR_ACTIONS = [
    "ecr:CreateRepository", "ecr:UploadLayerPart", "ecr:PutImage", "ecr:CompleteLayerUpload", "ecr:InitiateLayerUpload",
    "ecr:DescribeRepositories", "ecr:DescribeImages", "ecr:BatchCheckLayerAvailability", "ecr:BatchDeleteImage",
]
SEED_GAR_PERMISSIONS = [
    "artifactregistry.dockerimages.list", "artifactregistry.repositories.downloadArtifacts",
    "artifactregistry.repositories.list", "artifactregistry.repositories.uploadArtifacts",
]
SEED_GCS_PERMISSIONS = ["storage.buckets.get", "storage.objects.create", "storage.objects.delete", "storage.objects.get"]
SUBJECT = "system:serviceaccount:wandb:wandb-launch-serviceaccount-wandb-launch"
# Values Terraform would know after apply, for resolving the outputs in tests.
SAMPLE = {
    ("aws_ecr_repository", "registry_id"): "123456789012",
    ("aws_s3_bucket", "bucket"): "wbdemo-launch-ctx-20250101000000000000000001",
    ("aws_iam_role", "arn"): "arn:aws:iam::123456789012:role/wbdemo-launch-agent",
    ("azurerm_user_assigned_identity", "client_id"): "33333333-3333-3333-3333-333333333333",
}


def example(name: str) -> dict[str, Any]:
    return yaml.safe_load((EXAMPLES / name).read_text())


def variant(name: str, **launch_over: Any) -> dict[str, Any]:
    data = example(name)
    for key, value in launch_over.items():
        if isinstance(value, dict) and isinstance(data["launch"].get(key), dict):
            data["launch"][key] = {**data["launch"][key], **value}
        else:
            data["launch"][key] = value
    return data


def resolve(text: str) -> str:
    """Replace ${type.name.attr} interpolations with sample values; fail on any we don't know."""

    def sub(m: re.Match[str]) -> str:
        key = (m.group(1), m.group(2))
        assert key in SAMPLE, f"unexpected reference {m.group(0)}"
        return SAMPLE[key]

    return re.sub(r"\$\{([a-z0-9_]+)\.[^.}]+\.([a-z0-9_]+)\}", sub, text)


def ref(rtype: str, doc: dict[str, Any], attr: str) -> str:
    name = next(iter(resources(doc, rtype)))
    return f"${{{rtype}.{name}.{attr}}}"


PARTITION = "${data.aws_partition.account-partition.partition}"
DNS_SUFFIX = "${data.aws_partition.account-partition.dns_suffix}"


def policy_of(policy: str) -> list[dict[str, Any]]:
    """The statements of an inline JSON policy. A ``${...}`` interpolation may hold quotes (``replace(x, "https://",
    "")``) that Terraform evaluates before the text is JSON: each is parsed as a placeholder and put back."""
    exprs: list[str] = []
    out, i = [], 0
    while i < len(policy):
        if policy.startswith("${", i):
            depth, j = 0, i
            while True:
                depth += {"{": 1, "}": -1}.get(policy[j], 0)
                if depth == 0 and policy[j] == "}":
                    break
                j += 1
            exprs.append(policy[i:j + 1])
            out.append(f"@TF{len(exprs) - 1}@")
            i = j + 1
        else:
            out.append(policy[i])
            i += 1

    def back(v: Any) -> Any:
        if isinstance(v, dict):
            return {back(k): back(x) for k, x in v.items()}
        if isinstance(v, list):
            return [back(x) for x in v]
        return re.sub(r"@TF(\d+)@", lambda m: exprs[int(m.group(1))], v) if isinstance(v, str) else v

    return back(json.loads("".join(out)))["Statement"]


def by_sid(statements: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {s["Sid"]: s for s in statements}


# --- AWS ---------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def aws_synth(synth):
    return synth(example("launch-aws.yaml"))


@pytest.fixture(scope="module")
def aws_stack(aws_synth):
    assert set(aws_synth.stacks) == {"wbdemo-launch-aws"}
    return aws_synth.stack("wbdemo-launch-aws")


def test_aws_repository_scans_on_push_and_uses_kms(aws_stack):
    repo = one_resource(aws_stack, "aws_ecr_repository")
    assert repo["name"] == "wbdemo-launch"
    assert repo["image_scanning_configuration"] == {"scan_on_push": True}
    assert repo["encryption_configuration"] == [{"encryption_type": "KMS"}]
    assert repo["image_tag_mutability"] == "MUTABLE"
    assert repo["force_delete"] is False  # deletion_protection defaults to true
    policy = json.loads(one_resource(aws_stack, "aws_ecr_lifecycle_policy")["policy"])
    assert policy["rules"][0]["selection"]["tagStatus"] == "untagged"
    assert policy["rules"][0]["selection"]["countNumber"] == 14


def test_aws_build_context_bucket_is_private_versioned_encrypted_and_expiring(aws_stack):
    bucket = one_resource(aws_stack, "aws_s3_bucket")
    assert bucket["bucket_prefix"] == "wbdemo-launch-ctx-"
    assert bucket["force_destroy"] is False
    bucket_id = ref("aws_s3_bucket", aws_stack, "id")
    pab = one_resource(aws_stack, "aws_s3_bucket_public_access_block")
    assert pab["bucket"] == bucket_id
    assert all(pab[k] is True for k in ("block_public_acls", "block_public_policy", "ignore_public_acls", "restrict_public_buckets"))
    assert one_resource(aws_stack, "aws_s3_bucket_versioning")["versioning_configuration"] == {"status": "Enabled"}
    assert one_resource(aws_stack, "aws_s3_bucket_ownership_controls")["rule"] == {"object_ownership": "BucketOwnerEnforced"}
    sse = one_resource(aws_stack, "aws_s3_bucket_server_side_encryption_configuration")["rule"][0]
    assert sse["apply_server_side_encryption_by_default"] == {"sse_algorithm": "aws:kms"}
    assert sse["bucket_key_enabled"] is True
    rules = {r["id"]: r for r in one_resource(aws_stack, "aws_s3_bucket_lifecycle_configuration")["rule"]}
    assert rules["expire-build-contexts"]["expiration"] == [{"days": 7}]
    assert rules["expire-build-contexts"]["noncurrent_version_expiration"] == [{"noncurrent_days": 1}]
    assert rules["expire-build-contexts"]["abort_incomplete_multipart_upload"] == [{"days_after_initiation": 1}]
    assert rules["remove-expired-delete-markers"]["expiration"] == [{"expired_object_delete_marker": True}]
    bucket_policy = one_resource(aws_stack, "aws_s3_bucket_policy")
    assert json.loads(bucket_policy["policy"])["Statement"] == [{
        "Sid": "DenyInsecureTransport", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
        "Resource": [ref("aws_s3_bucket", aws_stack, "arn"), ref("aws_s3_bucket", aws_stack, "arn") + "/*"],
        "Condition": {"Bool": {"aws:SecureTransport": "false"}},
    }]
    (pab_name,) = resources(aws_stack, "aws_s3_bucket_public_access_block")
    assert bucket_policy["depends_on"] == [f"aws_s3_bucket_public_access_block.{pab_name}"]


def test_aws_role_trusts_only_the_agent_service_account(aws_stack):
    cfg = example("launch-aws.yaml")["launch"]["aws"]
    role = one_resource(aws_stack, "aws_iam_role")
    assert role["name"] == "wbdemo-launch-agent"
    (stmt,) = policy_of(role["assume_role_policy"])
    issuer = cfg["oidc_issuer_url"].removeprefix("https://")
    assert stmt["Action"] == "sts:AssumeRoleWithWebIdentity"
    assert stmt["Principal"] == {"Federated": cfg["oidc_provider_arn"]}
    assert stmt["Condition"] == {"StringEquals": {f"{issuer}:sub": [SUBJECT], f"{issuer}:aud": "sts.amazonaws.com"}}


def test_aws_role_policy_is_the_seed_policy_on_this_repository_and_bucket(aws_stack):
    policy = one_resource(aws_stack, "aws_iam_role_policy")
    assert policy["role"] == ref("aws_iam_role", aws_stack, "id")
    s = by_sid(policy_of(policy["policy"]))
    repo_arn = ref("aws_ecr_repository", aws_stack, "arn")
    bucket_arn = ref("aws_s3_bucket", aws_stack, "arn")
    assert s["LaunchRegistry"]["Action"] == SEED_ECR_ACTIONS
    assert s["LaunchRegistry"]["Resource"] == [repo_arn]
    assert s["LaunchRegistryLogin"] == {"Sid": "LaunchRegistryLogin", "Effect": "Allow", "Action": ["ecr:GetAuthorizationToken"], "Resource": ["*"]}
    assert s["KanikoCacheRead"]["Action"] == ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"]
    assert s["KanikoCacheRead"]["Resource"] == [repo_arn]
    assert s["ListObjectsInBucket"]["Action"] == ["s3:ListBucket"] and s["ListObjectsInBucket"]["Resource"] == [bucket_arn]
    assert s["AllObjectActions"]["Action"] == ["s3:*Object"] and s["AllObjectActions"]["Resource"] == [bucket_arn + "/*"]
    # nothing else is granted on "*"
    assert [sid for sid, st in s.items() if "*" in st.get("Resource", [])] == ["LaunchRegistryLogin"]
    # SageMaker (configured in the example)
    assert s["SageMakerTrainingJobs"]["Action"] == [
        "sagemaker:CreateTrainingJob", "sagemaker:DescribeTrainingJob", "sagemaker:AddTags", "sagemaker:StopTrainingJob"]
    # Partition and DNS suffix from the account context, as in every AWS construct (aws-cn, aws-us-gov).
    assert s["SageMakerTrainingJobs"]["Resource"] == [f"arn:{PARTITION}:sagemaker:us-west-2:*:training-job/*"]
    assert s["SageMakerLogs"]["Resource"] == [f"arn:{PARTITION}:logs:us-west-2:*:log-group:/aws/sagemaker/TrainingJobs:*"]
    assert s["SageMakerPassRole"]["Resource"] == ["arn:aws:iam::123456789012:role/wbdemo-sagemaker-execution"]
    assert s["SageMakerPassRole"]["Condition"] == {"StringEquals": {"iam:PassedToService": "sagemaker.amazonaws.com"}}
    assert "SageMakerKmsGrant" not in s


def test_aws_launch_config_output_matches_the_agent_schema(aws_stack):
    text = aws_stack["output"]["launch_config"]["value"]
    assert "${aws_ecr_repository." in text and "${aws_s3_bucket." in text  # resolved at apply time
    doc = yaml.safe_load(resolve(text))
    validate_launch_config(doc)
    assert doc == {
        "queues": ["gpu-queue"],
        "entity": "ml-team",
        "max_jobs": 4,
        "environment": {"type": "aws", "region": "us-west-2"},
        "builder": {
            "type": "kaniko",
            "destination": "123456789012.dkr.ecr.us-west-2.amazonaws.com/wbdemo-launch",
            "build-context-store": "s3://wbdemo-launch-ctx-20250101000000000000000001/build-contexts",
        },
    }


def test_aws_helm_values_annotate_the_service_account_with_the_role(aws_stack):
    values = yaml.safe_load(resolve(aws_stack["output"]["helm_values"]["value"]))
    assert values["namespace"] == "wandb"
    assert values["baseUrl"] == "https://wandb.example.com"
    assert values["serviceAccount"]["annotations"] == {"eks.amazonaws.com/role-arn": SAMPLE[("aws_iam_role", "arn")]}
    assert yaml.safe_load(values["launchConfig"])["builder"]["type"] == "kaniko"
    assert aws_stack["output"]["service_account"]["value"] == "wandb/wandb-launch-serviceaccount-wandb-launch"
    assert aws_stack["output"]["role_arn"]["value"] == ref("aws_iam_role", aws_stack, "arn")


def test_aws_provider_region_and_tags(aws_stack):
    (provider,) = aws_stack["provider"]["aws"]
    assert provider["region"] == "us-west-2"
    assert provider["default_tags"] == [{"tags": {"managed-by": "wandb-cdktf", "team": "ml-platform"}}]


@pytest.mark.terraform
def test_aws_stack_passes_terraform_validate(aws_synth, tf_validate):
    tf_validate(aws_synth.stack_dir("wbdemo-launch-aws"))


def test_aws_customer_kms_key_is_used_and_granted_via_s3_only(synth):
    key = "arn:aws:kms:us-west-2:123456789012:key/11111111-2222-3333-4444-555555555555"
    stack = synth(variant("launch-aws.yaml", aws={"kms_key_arn": key})).stack("wbdemo-launch-aws")
    assert one_resource(stack, "aws_ecr_repository")["encryption_configuration"] == [{"encryption_type": "KMS", "kms_key": key}]
    sse = one_resource(stack, "aws_s3_bucket_server_side_encryption_configuration")["rule"][0]
    assert sse["apply_server_side_encryption_by_default"] == {"sse_algorithm": "aws:kms", "kms_master_key_id": key}
    s = by_sid(policy_of(one_resource(stack, "aws_iam_role_policy")["policy"]))
    assert s["BuildContextEncryption"]["Resource"] == [key]
    assert s["BuildContextEncryption"]["Condition"] == {"StringEquals": {"kms:ViaService": f"s3.us-west-2.{DNS_SUFFIX}"}}


def noop_variant(name: str) -> dict[str, Any]:
    """The example with builder: noop, minus the image-repository settings noop refuses."""
    from wandb_cdktf.config.launch import NOOP_UNUSED

    data = variant(name, builder="noop")
    for cloud, names in NOOP_UNUSED.items():
        for key in names:
            data["launch"].get(cloud, {}).pop(key, None)
    return data


@pytest.mark.parametrize("builder", ["noop", "docker"])
def test_aws_without_kaniko_has_no_bucket_and_no_s3_permissions(synth, builder):
    data = noop_variant("launch-aws.yaml") if builder == "noop" else variant("launch-aws.yaml", builder=builder)
    stack = synth(data).stack("wbdemo-launch-aws")
    assert resources(stack, "aws_s3_bucket") == {}
    s = by_sid(policy_of(one_resource(stack, "aws_iam_role_policy")["policy"]))
    assert {"ListObjectsInBucket", "AllObjectActions", "KanikoCacheRead"}.isdisjoint(s)
    if builder == "docker":
        assert s["LaunchRegistry"]["Action"] == SEED_ECR_ACTIONS
    doc = yaml.safe_load(resolve(stack["output"]["launch_config"]["value"]))
    validate_launch_config(doc)
    assert doc["builder"]["type"] == builder
    assert "build-context-store" not in doc["builder"]
    assert ("destination" in doc["builder"]) == (builder == "docker")
    assert "build_context_store" not in stack["output"]


def test_aws_principal_trust_without_oidc(synth):
    data = example("launch-aws.yaml")
    aws = data["launch"]["aws"]
    del aws["oidc_provider_arn"], aws["oidc_issuer_url"]
    aws["principal_arn"] = "arn:aws:iam::123456789012:role/ci-runner"
    stack = synth(data).stack("wbdemo-launch-aws")
    (stmt,) = policy_of(one_resource(stack, "aws_iam_role")["assume_role_policy"])
    assert stmt["Action"] == "sts:AssumeRole"
    assert stmt["Principal"] == {"AWS": "arn:aws:iam::123456789012:role/ci-runner"}


def test_aws_without_any_trust_and_without_platform_is_a_config_error():
    from wandb_cdktf.app import build_app

    data = example("launch-aws.yaml")
    del data["launch"]["aws"]["oidc_provider_arn"], data["launch"]["aws"]["oidc_issuer_url"]
    with pytest.raises(ConfigError) as info:
        build_app(config_from_mapping(data), outdir="/tmp/wandb-cdktf-unused")
    assert info.value.option == "launch.aws"
    assert "oidc_provider_arn" in info.value.message and "principal_arn" in info.value.message


def test_aws_stack_trusts_the_infra_cluster_when_the_platform_is_built(synth):
    data = make_config(launch={"queues": ["q"], "aws": {}})
    result = synth(data)
    stack = result.stack("wbtest-launch-aws")
    (stmt,) = policy_of(one_resource(stack, "aws_iam_role")["assume_role_policy"])
    assert list(stmt["Principal"]) == ["Federated"]
    arn = stmt["Principal"]["Federated"]
    assert arn.startswith("${data.terraform_remote_state."), arn  # cross-stack reference to the infra stack
    (sub_key,) = [k for k in stmt["Condition"]["StringEquals"] if k.endswith(":sub")]
    assert "terraform_remote_state" in sub_key
    assert stmt["Condition"]["StringEquals"][sub_key] == [SUBJECT]
    values = yaml.safe_load(re.sub(r"\$\{[^}]*\}", "x", stack["output"]["helm_values"]["value"]))
    assert values["baseUrl"] == "https://wandb.example.com"  # the platform's URL


# --- GCP ---------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def gcp_stack(synth):
    result = synth(example("launch-gcp.yaml"))
    assert set(result.stacks) == {"wbdemo-launch-gcp"}
    return result.stack("wbdemo-launch-gcp")


def _roles(stack: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {r["role_id"]: r for r in resources(stack, "google_project_iam_custom_role").values()}


def _role_ref(stack: dict[str, Any], role_id: str) -> str:
    name = next(k for k, r in resources(stack, "google_project_iam_custom_role").items() if r["role_id"] == role_id)
    return f"${{google_project_iam_custom_role.{name}.name}}"


def test_gcp_repository_and_bucket_settings(gcp_stack):
    repo = one_resource(gcp_stack, "google_artifact_registry_repository")
    assert (repo["format"], repo["location"], repo["repository_id"], repo["project"]) == ("DOCKER", "us-central1", "wbdemo-launch", "wbdemo-ml-123")
    assert repo["cleanup_policies"][0]["condition"] == {"tag_state": "UNTAGGED", "older_than": f"{14 * 86400}s"}
    assert "kms_key_name" not in repo  # Google-managed encryption unless repository_kms_key_name is set
    assert resources(gcp_stack, "google_kms_crypto_key_iam_member") == {}
    bucket = one_resource(gcp_stack, "google_storage_bucket")
    assert bucket["name"] == "wbdemo-launch-ctx-wbdemo-ml-123"
    assert bucket["uniform_bucket_level_access"] is True
    assert bucket["public_access_prevention"] == "enforced"
    assert bucket["force_destroy"] is False
    assert bucket["lifecycle_rule"] == [{"action": {"type": "Delete"}, "condition": {"age": 7}}]


def test_gcp_custom_roles_hold_exactly_the_seed_permissions(gcp_stack):
    roles = _roles(gcp_stack)
    assert sorted(roles) == ["wbdemo_launch_build_context", "wbdemo_launch_registry", "wbdemo_launch_registry_list", "wbdemo_launch_vertex"]
    assert sorted(roles["wbdemo_launch_registry"]["permissions"]) == SEED_GAR_PERMISSIONS
    assert roles["wbdemo_launch_registry_list"]["permissions"] == ["artifactregistry.repositories.list"]
    assert sorted(roles["wbdemo_launch_build_context"]["permissions"]) == SEED_GCS_PERMISSIONS
    assert all(p.startswith("aiplatform.customJobs.") for p in roles["wbdemo_launch_vertex"]["permissions"])


def test_gcp_bindings_are_scoped_to_the_repository_and_bucket(gcp_stack):
    member = "serviceAccount:" + ref("google_service_account", gcp_stack, "email")
    repo_binding = one_resource(gcp_stack, "google_artifact_registry_repository_iam_member")
    assert repo_binding["repository"] == ref("google_artifact_registry_repository", gcp_stack, "name")
    assert repo_binding["role"] == _role_ref(gcp_stack, "wbdemo_launch_registry")
    assert repo_binding["member"] == member
    bindings = resources(gcp_stack, "google_storage_bucket_iam_member")
    bucket_binding = next(b for b in bindings.values() if b["member"] == member)
    assert bucket_binding["bucket"] == ref("google_storage_bucket", gcp_stack, "name")
    assert bucket_binding["role"] == _role_ref(gcp_stack, "wbdemo_launch_build_context")
    # The only other bucket binding: the Vertex AI job account reads what the agent staged.
    others = [b for b in bindings.values() if b["member"] != member]
    assert [(b["role"], b["member"]) for b in others] == [
        ("roles/storage.objectViewer", "serviceAccount:vertex-jobs@wbdemo-ml-123.iam.gserviceaccount.com")]
    project_roles = sorted(b["role"] for b in resources(gcp_stack, "google_project_iam_member").values())
    assert project_roles == sorted([_role_ref(gcp_stack, "wbdemo_launch_registry_list"), _role_ref(gcp_stack, "wbdemo_launch_vertex")])
    assert not any(b["role"].startswith("roles/") for b in resources(gcp_stack, "google_project_iam_member").values())


def test_gcp_workload_identity_and_vertex_act_as(gcp_stack):
    sa = one_resource(gcp_stack, "google_service_account")
    assert sa["account_id"] == "wbdemo-launch"
    bindings = {b["role"]: b for b in resources(gcp_stack, "google_service_account_iam_member").values()}
    wi = bindings["roles/iam.workloadIdentityUser"]
    assert wi["service_account_id"] == ref("google_service_account", gcp_stack, "name")
    assert wi["member"] == "serviceAccount:wbdemo-ml-123.svc.id.goog[wandb/wandb-launch-serviceaccount-wandb-launch]"
    act_as = bindings["roles/iam.serviceAccountUser"]
    assert act_as["service_account_id"] == "projects/wbdemo-ml-123/serviceAccounts/vertex-jobs@wbdemo-ml-123.iam.gserviceaccount.com"


def test_gcp_launch_config_and_helm_values(gcp_stack):
    text = gcp_stack["output"]["launch_config"]["value"]
    assert "${" not in text  # fully known at synth time
    doc = yaml.safe_load(text)
    validate_launch_config(doc)
    assert doc["environment"] == {"type": "gcp", "region": "us-central1", "project": "wbdemo-ml-123"}
    assert doc["builder"] == {
        "type": "kaniko",
        "destination": "us-central1-docker.pkg.dev/wbdemo-ml-123/wbdemo-launch/launch",
        "build-context-store": "gs://wbdemo-launch-ctx-wbdemo-ml-123/build-contexts",
    }
    values = yaml.safe_load(gcp_stack["output"]["helm_values"]["value"])
    assert values["serviceAccount"]["annotations"] == {"iam.gke.io/gcp-service-account": "wbdemo-launch@wbdemo-ml-123.iam.gserviceaccount.com"}
    assert values["baseUrl"] == "https://api.wandb.ai"


def test_gcp_without_kaniko_or_vertex_grants_only_the_registry(synth):
    data = variant("launch-gcp.yaml", builder="docker")
    data["launch"]["gcp"] = {"project": "wbdemo-ml-123", "region": "us-central1"}
    stack = synth(data).stack("wbdemo-launch-gcp")
    assert resources(stack, "google_storage_bucket") == {}
    assert sorted(_roles(stack)) == ["wbdemo_launch_registry", "wbdemo_launch_registry_list"]
    assert [b["role"] for b in resources(stack, "google_service_account_iam_member").values()] == ["roles/iam.workloadIdentityUser"]


GAR_KEY = "projects/wbdemo-ml-123/locations/us-central1/keyRings/launch/cryptoKeys/registry"


def test_gcp_construct_repository_cmek_grants_the_registry_service_agent_first(tmp_path):
    from cdktf import App, TerraformStack

    from wandb_cdktf._providers import google
    from wandb_cdktf.constructs.gcp.launch_agent import GcpLaunchAgent, GcpLaunchAgentProps
    from wandb_cdktf.testing import load_stacks

    app = App(outdir=str(tmp_path))
    stack = TerraformStack(app, "s")
    google.provider.GoogleProvider(stack, "google", project="wbdemo-ml-123", region="us-central1")
    GcpLaunchAgent(stack, "launch-agent", GcpLaunchAgentProps(
        project="wbdemo-ml-123", region="us-central1", repository_id="wbdemo-launch", service_account_id="wbdemo-launch",
        role_id_prefix="wbdemo_launch", repository_kms_key_name=GAR_KEY,
    ))
    app.synth()
    doc = load_stacks(tmp_path)["s"]
    repo = one_resource(doc, "google_artifact_registry_repository")
    assert repo["kms_key_name"] == GAR_KEY
    (project_id,) = doc["data"]["google_project"]
    assert doc["data"]["google_project"][project_id]["project_id"] == "wbdemo-ml-123"
    (grant_id,) = resources(doc, "google_kms_crypto_key_iam_member")
    grant = doc["resource"]["google_kms_crypto_key_iam_member"][grant_id]
    assert grant["crypto_key_id"] == GAR_KEY
    assert grant["role"] == "roles/cloudkms.cryptoKeyEncrypterDecrypter"
    assert grant["member"] == (
        f"serviceAccount:service-${{data.google_project.{project_id}.number}}@gcp-sa-artifactregistry.iam.gserviceaccount.com"
    )
    assert repo["depends_on"] == [f"google_kms_crypto_key_iam_member.{grant_id}"]


# --- Azure -------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def azure_stack(synth):
    result = synth(example("launch-azure.yaml"))
    assert set(result.stacks) == {"wbdemo-launch-azure"}
    return result.stack("wbdemo-launch-azure")


def test_azure_storage_is_tls12_https_only_and_private(azure_stack):
    account = one_resource(azure_stack, "azurerm_storage_account")
    assert account["name"] == "wbdemolaunchctx"
    assert account["min_tls_version"] == "TLS1_2"
    assert account["https_traffic_only_enabled"] is True
    assert account["allow_nested_items_to_be_public"] is False
    assert account["infrastructure_encryption_enabled"] is True
    assert account["shared_access_key_enabled"] is True  # Kaniko reads contexts with the account key
    # SAS expiration policy: one day, out-of-policy use only logged; Microsoft-managed keys by default.
    assert account["sas_policy"] == {"expiration_period": "1.00:00:00", "expiration_action": "Log"}
    assert "customer_managed_key" not in account and "identity" not in account
    container = one_resource(azure_stack, "azurerm_storage_container")
    assert container["container_access_type"] == "private"
    assert container["storage_account_id"] == ref("azurerm_storage_account", azure_stack, "id")
    rule = one_resource(azure_stack, "azurerm_storage_management_policy")["rule"][0]
    assert rule["filters"]["prefix_match"] == ["build-contexts/"]
    assert rule["actions"]["base_blob"]["delete_after_days_since_modification_greater_than"] == 7


def test_azure_identity_federation_and_scoped_roles(azure_stack):
    registry = one_resource(azure_stack, "azurerm_container_registry")
    assert registry["admin_enabled"] is False and registry["name"] == "wbdemolaunchacr"
    cred = one_resource(azure_stack, "azurerm_federated_identity_credential")
    assert cred["issuer"] == "https://eastus.oic.prod-aks.azure.com/11111111-1111-1111-1111-111111111111/22222222-2222-2222-2222-222222222222/"
    assert cred["audience"] == ["api://AzureADTokenExchange"]
    assert cred["subject"] == SUBJECT
    assert cred["parent_id"] == ref("azurerm_user_assigned_identity", azure_stack, "id")
    roles = {r["role_definition_name"]: r for r in resources(azure_stack, "azurerm_role_assignment").values()}
    assert set(roles) == {"AcrPush", "Storage Blob Data Contributor"}
    assert roles["AcrPush"]["scope"] == ref("azurerm_container_registry", azure_stack, "id")
    assert roles["Storage Blob Data Contributor"]["scope"] == ref("azurerm_storage_container", azure_stack, "id")
    principal = ref("azurerm_user_assigned_identity", azure_stack, "principal_id")
    assert all(r["principal_id"] == principal and r["principal_type"] == "ServicePrincipal" for r in roles.values())
    (provider,) = azure_stack["provider"]["azurerm"]
    assert provider["features"] == [{}]
    assert provider["subscription_id"] == "00000000-0000-0000-0000-000000000000"


def test_azure_launch_config_and_helm_values(azure_stack):
    doc = yaml.safe_load(azure_stack["output"]["launch_config"]["value"])
    validate_launch_config(doc)
    assert doc["environment"] == {"type": "azure", "region": "eastus"}
    assert doc["builder"] == {
        "type": "kaniko",
        "destination": "wbdemolaunchacr.azurecr.io/launch",
        "build-context-store": "https://wbdemolaunchctx.blob.core.windows.net/build-contexts",
    }
    values = yaml.safe_load(resolve(azure_stack["output"]["helm_values"]["value"]))
    assert values["serviceAccount"]["annotations"] == {"azure.workload.identity/client-id": SAMPLE[("azurerm_user_assigned_identity", "client_id")]}
    assert values["agent"]["labels"] == {"azure.workload.identity/use": "true"}


AZ_KEY = "https://wbvault.vault.azure.net/keys/launch"
AZ_IDENTITY = "/subscriptions/0/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/launch-cmk"


def test_azure_construct_customer_managed_key(tmp_path):
    from cdktf import App, TerraformStack

    from wandb_cdktf._providers import azurerm
    from wandb_cdktf.constructs.azure.launch_agent import AzureLaunchAgent, AzureLaunchAgentProps
    from wandb_cdktf.testing import load_stacks

    app = App(outdir=str(tmp_path))
    stack = TerraformStack(app, "s")
    azurerm.provider.AzurermProvider(stack, "azurerm", features=[{}])
    AzureLaunchAgent(stack, "launch-agent", AzureLaunchAgentProps(
        name_prefix="wbdemo-launch", location="eastus", resource_group_name="rg", registry_name="wbdemolaunchacr",
        oidc_issuer_url="https://eastus.oic.prod-aks.azure.com/t/c/", storage_account_name="wbdemolaunchctx",
        sas_expiration_period="0.08:00:00", customer_managed_key_id=AZ_KEY, customer_managed_key_identity_id=AZ_IDENTITY,
    ))
    app.synth()
    account = one_resource(load_stacks(tmp_path)["s"], "azurerm_storage_account")
    assert account["sas_policy"] == {"expiration_period": "0.08:00:00", "expiration_action": "Log"}
    assert account["identity"] == {"type": "UserAssigned", "identity_ids": [AZ_IDENTITY]}
    assert account["customer_managed_key"] == {"key_vault_key_id": AZ_KEY, "user_assigned_identity_id": AZ_IDENTITY}


def test_launch_agent_typed_attributes_reference_their_resources(tmp_path):
    """The ids/names users need are read-only str attributes pointing at the resources built (the L1 resources
    stay private); a part not built (noop builder: no registry, no storage) is None."""
    from cdktf import App, TerraformOutput, TerraformStack

    from wandb_cdktf._providers import azurerm, google
    from wandb_cdktf.constructs.azure.launch_agent import AzureLaunchAgent, AzureLaunchAgentProps
    from wandb_cdktf.constructs.gcp.launch_agent import GcpLaunchAgent, GcpLaunchAgentProps
    from wandb_cdktf.testing import load_stacks

    app = App(outdir=str(tmp_path))
    az = TerraformStack(app, "az")
    azurerm.provider.AzurermProvider(az, "azurerm", features=[{}])
    agent = AzureLaunchAgent(az, "launch-agent", AzureLaunchAgentProps(
        name_prefix="wbdemo-launch", location="eastus", resource_group_name="rg", registry_name="wbdemolaunchacr",
        oidc_issuer_url="https://eastus.oic.prod-aks.azure.com/t/c/", storage_account_name="wbdemolaunchctx",
    ))
    noop = AzureLaunchAgent(az, "noop-agent", AzureLaunchAgentProps(
        name_prefix="wbdemo-noop", location="eastus", resource_group_name="rg2", registry_name="unused",
        oidc_issuer_url="https://eastus.oic.prod-aks.azure.com/t/c/", registry=False, build_context_storage=False,
        create_resource_group=False,
    ))
    assert (noop.registry_id, noop.storage_account_id, noop.container_id, noop.resource_group_name) == (
        None, None, None, "rg2")
    az_attrs = {"identity_id": ("azurerm_user_assigned_identity", "id"), "registry_id": ("azurerm_container_registry", "id"),
                "storage_account_id": ("azurerm_storage_account", "id"), "container_id": ("azurerm_storage_container", "id"),
                "resource_group_name": ("azurerm_resource_group", "name")}
    for name in az_attrs:
        TerraformOutput(az, name, value=getattr(agent, name))
    gcp = TerraformStack(app, "gcp")
    google.provider.GoogleProvider(gcp, "google", project="wbdemo-ml-123", region="us-central1")
    gagent = GcpLaunchAgent(gcp, "launch-agent", GcpLaunchAgentProps(
        project="wbdemo-ml-123", region="us-central1", repository_id="wbdemo-launch", service_account_id="wbdemo-launch",
        role_id_prefix="wbdemo_launch",
    ))
    gnoop = GcpLaunchAgent(gcp, "noop-agent", GcpLaunchAgentProps(
        project="wbdemo-ml-123", region="us-central1", repository_id="unused", service_account_id="wbdemo-noop",
        role_id_prefix="wbdemo_noop", registry=False, build_context_bucket=False,
    ))
    assert (gnoop.repository_name, gnoop.bucket_name) == (None, None)
    gcp_attrs = {"service_account_name": ("google_service_account", "name"),
                 "repository_name": ("google_artifact_registry_repository", "name")}
    for name in gcp_attrs:
        TerraformOutput(gcp, name, value=getattr(gagent, name))
    app.synth()
    docs = load_stacks(tmp_path)
    for stack_id, attrs, agent_id in (("az", az_attrs, "launch-agent"), ("gcp", gcp_attrs, "launch-agent")):
        doc = docs[stack_id]
        for name, (rtype, attr) in attrs.items():
            (lid,) = [lid for lid, r in doc["resource"][rtype].items()
                      if r["//"]["metadata"]["path"].startswith(f"{stack_id}/{agent_id}/")]
            assert doc["output"][name]["value"] == f"${{{rtype}.{lid}.{attr}}}", name


def test_azure_construct_refuses_a_key_without_an_identity():
    from wandb_cdktf.constructs.azure.launch_agent import AzureLaunchAgentProps

    with pytest.raises(ValueError, match="must be set together"):
        AzureLaunchAgentProps(
            name_prefix="x", location="eastus", resource_group_name="rg", registry_name="xacr",
            oidc_issuer_url="https://eastus.oic.prod-aks.azure.com/t/c/", storage_account_name="xctx",
            customer_managed_key_id=AZ_KEY,
        )


def test_azure_noop_builder_has_no_storage(synth):
    stack = synth(noop_variant("launch-azure.yaml")).stack("wbdemo-launch-azure")
    assert resources(stack, "azurerm_storage_account") == {}
    assert resources(stack, "azurerm_role_assignment") == {}


# --- noop builder: prebuilt images only -----------------------------------------------------------
NOOP_REGISTRY_TYPES = {
    "aws": ("wbdemo-launch-aws", ["aws_ecr_repository", "aws_ecr_repository_policy", "aws_ecr_lifecycle_policy"]),
    "gcp": ("wbdemo-launch-gcp", ["google_artifact_registry_repository", "google_artifact_registry_repository_iam_member"]),
    "azure": ("wbdemo-launch-azure", ["azurerm_container_registry", "azurerm_role_assignment"]),
}


@pytest.mark.parametrize("cloud", ["aws", "gcp", "azure"])
def test_noop_builder_creates_no_registry_and_grants_no_push(synth, cloud):
    """Seed 003 (Launch advanced setup, 빌더): "Noop: 미리 빌드된 이미지만 사용하고 싶을 때 사용하세요" -- the noop
    builder only runs prebuilt images, so it pushes nothing: no repository is created and the agent gets no
    registry permission (review finding L-14: the stacks created ECR/AR/ACR and granted push for noop)."""
    stack_id, types = NOOP_REGISTRY_TYPES[cloud]
    stack = synth(noop_variant(f"launch-{cloud}.yaml")).stack(stack_id)
    for rtype in types:
        assert resources(stack, rtype) == {}, rtype
    assert "repository_url" not in stack["output"]
    doc = yaml.safe_load(stack["output"]["launch_config"]["value"]) if cloud != "aws" else None
    text = json.dumps(stack)
    assert "ecr:" not in text and "artifactregistry" not in text and "AcrPush" not in text
    if cloud == "aws":
        # SageMaker (in the example) keeps its permissions; the registry statements are gone.
        s = by_sid(policy_of(one_resource(stack, "aws_iam_role_policy")["policy"]))
        assert set(s) == {"SageMakerTrainingJobs", "SageMakerLogs", "SageMakerPassRole"}
    if doc is not None:
        assert doc["builder"] == {"type": "noop"}


def test_noop_builder_without_other_permissions_has_no_empty_policy(synth):
    """IAM refuses a policy document without statements (MalformedPolicyDocument): noop without SageMaker leaves
    the agent role with its trust policy only (IAM User Guide, "IAM JSON policy elements: Statement")."""
    data = noop_variant("launch-aws.yaml")
    del data["launch"]["aws"]["sagemaker"]
    stack = synth(data).stack("wbdemo-launch-aws")
    assert resources(stack, "aws_iam_role_policy") == {}
    assert one_resource(stack, "aws_iam_role")["name"] == "wbdemo-launch-agent"


@pytest.mark.parametrize("cloud,key,value", [
    ("aws", "repository_name", "wbdemo-launch"),
    ("aws", "kms_key_arn", "arn:aws:kms:us-west-2:123456789012:key/11111111-2222-3333-4444-555555555555"),
    ("gcp", "job_node_service_account", "nodes@wbdemo-ml-123.iam.gserviceaccount.com"),
    ("azure", "kubelet_identity_object_id", "44444444-4444-4444-4444-444444444444"),
])
def test_noop_builder_refuses_repository_settings(cloud, key, value):
    """Seed 003: noop uses prebuilt images only, so repository settings would be accepted and ignored: refused."""
    data = noop_variant(f"launch-{cloud}.yaml")
    data["launch"][cloud][key] = value
    with pytest.raises(ConfigError) as info:
        config_from_mapping(data)
    assert info.value.option == "launch"
    assert info.value.message.startswith(f"{cloud}.{key} configures the image repository, which builder: noop")
    assert "\n" not in str(info.value)


# --- all clouds ----------------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["launch-aws.yaml", "launch-gcp.yaml", "launch-azure.yaml"])
def test_snapshot(synth, snapshot, name):
    result = synth(example(name))
    assert {sid: normalize(doc) for sid, doc in result.stacks.items()} == snapshot


def test_add_launch_stacks_keys_and_ids(synth):
    from wandb_cdktf.app import build_app

    data = example("launch-aws.yaml")
    data["launch"]["gcp"] = example("launch-gcp.yaml")["launch"]["gcp"]
    data["launch"]["azure"] = example("launch-azure.yaml")["launch"]["azure"]
    built = build_app(config_from_mapping(copy.deepcopy(data)), outdir="/tmp/wandb-cdktf-unused")
    assert {k: s.node.id for k, s in built.stacks.items()} == {
        "launch-aws": "wbdemo-launch-aws", "launch-gcp": "wbdemo-launch-gcp", "launch-azure": "wbdemo-launch-azure"}


# --- issue 15: what seed 003 and the agent's config schema require ------------------------------

KANIKO_SECRET = {"name": "kaniko-aws", "key": "credentials"}


def test_kaniko_off_eks_gets_secret_keys_build_job_name_and_the_secret_command(synth):
    """Seed 003 Kaniko: "AKS, EKS, 또는 GKE를 사용하지 않는 쿠버네티스 클러스터 ... 자격 증명이 포함된 쿠버네티스 시크릿을
    생성" with ``builder.secret-name`` / ``secret-key``, and ``build-job-name`` ("쿠버네티스 작업 이름 접두사"); the
    agent's KanikoBuilder.from_config reads all three. The credentials never enter Terraform state: the stack
    prints the kubectl command that makes the secret from the user's credentials file."""
    data = variant("launch-aws.yaml", build_job_name="wbdemo-build", kaniko_credentials_secret=KANIKO_SECRET)
    stack = synth(data).stack("wbdemo-launch-aws")
    doc = yaml.safe_load(resolve(stack["output"]["launch_config"]["value"]))
    assert doc["builder"]["build-job-name"] == "wbdemo-build"
    assert (doc["builder"]["secret-name"], doc["builder"]["secret-key"]) == ("kaniko-aws", "credentials")
    validate_launch_config(doc)
    command = stack["output"]["kaniko_credentials_secret"]["value"]
    assert command == "kubectl create secret generic kaniko-aws -n wandb --from-file=credentials=<an AWS credentials file>"


def test_sagemaker_execution_role_may_pull_the_built_image(synth):
    """Seed 003: jobs pull from a registry "작업이 실행되는 노드가 엑세스할 수 있는"; SageMaker pulls a private ECR image
    as the execution role (SageMaker Developer Guide: BatchCheckLayerAvailability, BatchGetImage,
    GetDownloadUrlForLayer), so the repository policy grants exactly those to that role."""
    stack = synth(example("launch-aws.yaml")).stack("wbdemo-launch-aws")
    repo_policy = one_resource(stack, "aws_ecr_repository_policy")
    assert repo_policy["repository"] == ref("aws_ecr_repository", stack, "name")
    (stmt,) = json.loads(repo_policy["policy"])["Statement"]
    assert stmt["Principal"] == {"AWS": "arn:aws:iam::123456789012:role/wbdemo-sagemaker-execution"}
    assert sorted(stmt["Action"]) == ["ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"]
    no_sm = copy.deepcopy(example("launch-aws.yaml"))
    del no_sm["launch"]["aws"]["sagemaker"]
    assert resources(synth(no_sm).stack("wbdemo-launch-aws"), "aws_ecr_repository_policy") == {}


def test_gcp_vertex_gets_a_staging_bucket_without_kaniko_and_job_nodes_may_pull(synth):
    """Vertex AI custom jobs stage code in a GCS bucket (the earlier reference report, §5.3: "같은 버킷 사용 가능");
    with builder docker there was none. GKE job nodes pull as their service account (seed 003 pull rule):
    roles/artifactregistry.reader on the repository."""
    data = variant("launch-gcp.yaml", builder="docker",
                   gcp={"job_node_service_account": "gke-nodes@wbdemo-ml-123.iam.gserviceaccount.com"})
    stack = synth(data).stack("wbdemo-launch-gcp")
    (bucket,) = resources(stack, "google_storage_bucket").values()
    assert stack["output"]["vertex_staging_bucket"]["value"] == f"gs://{bucket['name']}"
    assert "build_context_store" not in stack["output"]
    doc = yaml.safe_load(stack["output"]["launch_config"]["value"])
    assert "build-context-store" not in doc["builder"]
    members = {(m["role"], m["member"]) for m in resources(stack, "google_artifact_registry_repository_iam_member").values()}
    assert ("roles/artifactregistry.reader", "serviceAccount:gke-nodes@wbdemo-ml-123.iam.gserviceaccount.com") in members
    readers = {(m["role"], m["member"]) for m in resources(stack, "google_storage_bucket_iam_member").values()}
    assert ("roles/storage.objectViewer", "serviceAccount:vertex-jobs@wbdemo-ml-123.iam.gserviceaccount.com") in readers


def test_azure_kubelet_identity_gets_acr_pull(synth):
    """Seed 003 pull rule; AKS nodes pull as the kubelet identity, which needs AcrPull on the registry (Microsoft
    Learn, "Authenticate with ACR from AKS")."""
    kubelet = "44444444-4444-4444-4444-444444444444"
    stack = synth(variant("launch-azure.yaml", azure={"kubelet_identity_object_id": kubelet})).stack("wbdemo-launch-azure")
    pulls = [r for r in resources(stack, "azurerm_role_assignment").values() if r["role_definition_name"] == "AcrPull"]
    assert len(pulls) == 1 and pulls[0]["principal_id"] == kubelet
    assert pulls[0]["scope"] == ref("azurerm_container_registry", stack, "id")


def test_seed_registry_block_is_validated_like_builder_destination():
    """Seed 003 writes ``registry: {type: ecr|gcr|acr, uri}``; the agent (wandb/wandb launch loader) still reads it
    but deprecates it for ``builder.destination``, which is what we write. A hand-written seed-style document is
    checked with the same registry shapes."""
    doc = {"environment": {"type": "aws", "region": "us-west-2"}, "builder": {"type": "docker"},
           "registry": {"type": "ecr", "uri": "123456789012.dkr.ecr.us-west-2.amazonaws.com/launch"}}
    validate_launch_config(doc)
    from wandb_cdktf.launch_config import LaunchConfigError

    with pytest.raises(LaunchConfigError, match=re.escape("registry.type must be 'acr'")):
        validate_launch_config({**doc, "environment": {"type": "azure", "region": "eastus"}})
    with pytest.raises(LaunchConfigError, match="not both"):
        validate_launch_config({**doc, "builder": {"type": "docker", "destination": doc["registry"]["uri"]}})


# --- provider set-up: one helper per cloud, shared by the BYOB and Launch stacks --------------------
def test_gcp_and_azure_stacks_set_up_their_provider_alike(synth, gcp_stack, azure_stack):
    """Both GCP stacks get the same default labels (google provider ``default_labels``: applied to every resource
    with a ``labels`` field, such as the repository and the bucket) and both Azure stacks the same ``features``
    block (required by azurerm, empty for the defaults) and configured subscription."""
    byob_gcp = synth(example("byob-gcp.yaml")).stack("wbbyob-byob-gcp")
    byob_azure = synth(example("byob-azure.yaml")).stack("wbbyob-byob-azure")
    (launch_google,) = gcp_stack["provider"]["google"]
    (byob_google,) = byob_gcp["provider"]["google"]
    assert launch_google["default_labels"] == byob_google["default_labels"] == {"managed_by": "wandb-cdktf"}
    assert (launch_google["project"], launch_google["region"]) == ("wbdemo-ml-123", "us-central1")
    (launch_azurerm,) = azure_stack["provider"]["azurerm"]
    (byob_azurerm,) = byob_azure["provider"]["azurerm"]
    assert launch_azurerm["features"] == byob_azurerm["features"] == [{}]
    assert launch_azurerm["subscription_id"] == example("launch-azure.yaml")["launch"]["azure"]["subscription_id"]
