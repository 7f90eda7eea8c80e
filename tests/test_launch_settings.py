"""The ``launch:`` configuration section: defaults, clouds, and one-line errors naming the option."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest

from wandb_cdktf.config import ConfigError, config_from_mapping, load_config

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
OIDC_ARN = "arn:aws:iam::123456789012:oidc-provider/oidc.eks.us-west-2.amazonaws.com/id/ABC"
OIDC_URL = "https://oidc.eks.us-west-2.amazonaws.com/id/ABC"


def launch_only(launch: dict[str, Any]) -> dict[str, Any]:
    return {"namespace": "wbtest", "create_platform": False, "launch": copy.deepcopy(launch)}


def test_defaults_and_service_account():
    cfg = config_from_mapping(launch_only({"aws": {"principal_arn": "arn:aws:iam::123456789012:role/agent"}}))
    launch = cfg.launch
    assert launch is not None
    assert launch.builder == "kaniko"
    assert launch.agent_namespace == "wandb"
    assert launch.service_account == "wandb-launch-serviceaccount-wandb-launch"
    assert launch.service_account_subject == "system:serviceaccount:wandb:wandb-launch-serviceaccount-wandb-launch"
    assert launch.build_context_expiration_days == 7
    assert launch.aws is not None and launch.aws.immutable_tags is False
    assert launch.clouds() == ["aws"]
    assert cfg.stack_ids == {"launch-aws": "wbtest-launch-aws"}


def test_clouds_follow_the_sections_present():
    cfg = config_from_mapping(launch_only({
        "azure": {"location": "eastus", "oidc_issuer_url": "https://issuer.example.com/x/"},
        "gcp": {"project": "my-proj-1", "region": "us-central1"},
    }))
    assert cfg.launch.clouds() == ["gcp", "azure"]
    assert cfg.stack_ids == {"launch-gcp": "wbtest-launch-gcp", "launch-azure": "wbtest-launch-azure"}
    # kept verbatim: Azure matches the token's iss claim exactly, AKS issuers end in "/"
    assert cfg.launch.azure.oidc_issuer_url == "https://issuer.example.com/x/"


def test_issuer_is_stored_without_https_for_irsa_condition_keys():
    cfg = config_from_mapping(launch_only({"aws": {"oidc_provider_arn": OIDC_ARN, "oidc_issuer_url": OIDC_URL + "/"}}))
    assert cfg.launch.aws.oidc_issuer_host_path == "oidc.eks.us-west-2.amazonaws.com/id/ABC"


@pytest.mark.parametrize(
    "launch,option,message",
    [
        ({}, "launch", "configure at least one of launch.aws, launch.gcp, launch.azure"),
        ({"builder": "buildkit", "aws": {}}, "launch.builder", "must be 'kaniko', 'docker' or 'noop'"),
        ({"aws": {"oidc_provider_arn": OIDC_ARN}}, "launch.aws", "set oidc_issuer_url too"),
        ({"aws": {"oidc_issuer_url": OIDC_URL}}, "launch.aws", "set oidc_provider_arn too"),
        ({"aws": {"oidc_provider_arn": OIDC_ARN, "oidc_issuer_url": "https://oidc.eks.us-west-2.amazonaws.com/id/OTHER"}},
         "launch.aws", "must be the provider of oidc_issuer_url"),
        ({"aws": {"oidc_provider_arn": "arn:aws:iam::123456789012:role/x", "oidc_issuer_url": OIDC_URL}},
         "launch.aws.oidc_provider_arn", "oidc-provider/"),
        ({"aws": {"oidc_provider_arn": OIDC_ARN, "oidc_issuer_url": "http://insecure.example.com"}},
         "launch.aws.oidc_issuer_url", "must be an OIDC issuer URL: https://"),
        ({"aws": {"repository_name": "Bad_Name", "principal_arn": "arn:aws:iam::123456789012:root"}},
         "launch.aws.repository_name", "ECR repository name"),
        ({"aws": {"sagemaker": {}}}, "launch.aws.sagemaker.execution_role_arn", "is required"),
        ({"aws": {"unknown": 1}}, "launch.aws.unknown", "unknown option"),
        ({"gcp": {"region": "us-central1"}}, "launch.gcp.project", "is required"),
        ({"gcp": {"project": "p", "region": "us-central1"}}, "launch.gcp.project", "must be a GCP project ID: 6-30"),
        ({"gcp": {"project": "my-proj-1", "region": "us-central1", "vertex_ai_job_service_account": "a@my-proj-1.iam.gserviceaccount.com"}},
         "launch.gcp", "requires vertex_ai: true"),
        ({"azure": {"location": "eastus"}}, "launch.azure.oidc_issuer_url", "is required"),
        ({"agent_namespace": "ml", "azure": {"location": "eastus", "oidc_issuer_url": "https://i.example.com/x"}},
         "launch", "agent_namespace must be 'wandb' for kaniko on Azure"),
        ({"agent_release_name": "x" * 40, "aws": {}}, "launch.agent_release_name", "at most 35"),
        ({"build_context_expiration_days": 0, "aws": {}}, "launch.build_context_expiration_days", "at least 1"),
    ],
)
def test_errors_name_the_option(launch, option, message):
    with pytest.raises(ConfigError) as info:
        config_from_mapping(launch_only(launch))
    assert info.value.option == option
    assert message in info.value.message
    assert str(info.value).startswith(f"config error: {option}: ")


def test_noop_builder_on_azure_may_use_another_namespace():
    cfg = config_from_mapping(launch_only({"builder": "noop", "agent_namespace": "ml",
                                           "azure": {"location": "eastus", "oidc_issuer_url": "https://i.example.com/x"}}))
    assert cfg.launch.service_account_subject == "system:serviceaccount:ml:wandb-launch-serviceaccount-wandb-launch"


AZ = {"location": "eastus", "oidc_issuer_url": "https://i.example.com/x"}
AWS = {"principal_arn": "arn:aws:iam::123456789012:role/agent"}


@pytest.mark.parametrize(("launch", "option", "needle"), [
    # wandb/wandb sdk/launch/registry/azure_container_registry.py: get_username_password raises NotImplementedError,
    # and the Docker builder logs in with it; seed 003 documents AcrPush for Kaniko only.
    ({"builder": "docker", "azure": AZ}, "launch", "builder: docker cannot push to Azure Container Registry"),
    ({"builder": "docker", "build_job_name": "img", "aws": AWS}, "launch", "build_job_name is a Kaniko setting"),
    ({"builder": "noop", "kaniko_credentials_secret": {"name": "kaniko", "key": "credentials"}, "aws": AWS}, "launch",
     "kaniko_credentials_secret is a Kaniko setting"),
    ({"kaniko_credentials_secret": {"name": "kaniko", "key": "credentials"}, "azure": AZ}, "launch",
     "Kaniko on Azure reads the azure-storage-access-key secret"),
    ({"build_job_name": "Bad_Name", "aws": AWS}, "launch.build_job_name", "must be a Kubernetes name (RFC 1123 label)"),
])
def test_refused_launch_combinations(launch, option, needle):
    """Each refused combination is a one-line config error naming the option."""
    with pytest.raises(ConfigError) as info:
        config_from_mapping(launch_only(launch))
    assert info.value.option == option and needle in info.value.message


@pytest.mark.parametrize("name,cloud", [("launch-aws.yaml", "aws"), ("launch-gcp.yaml", "gcp"), ("launch-azure.yaml", "azure")])
def test_examples_load(name, cloud):
    cfg = load_config(EXAMPLES / name)
    assert cfg.create_platform is False
    assert cfg.launch.clouds() == [cloud]


def test_every_optional_field_documents_its_default():
    from wandb_cdktf.config.launch import (
        LaunchAwsConfig,
        LaunchAzureConfig,
        LaunchConfig,
        LaunchGcpConfig,
        LaunchSageMakerConfig,
    )

    for model in (LaunchConfig, LaunchAwsConfig, LaunchGcpConfig, LaunchAzureConfig, LaunchSageMakerConfig):
        for name, field in model.model_fields.items():
            desc = field.description or ""
            if field.is_required():
                assert "Required" in desc, f"{model.__name__}.{name}"
            else:
                assert "Default:" in desc, f"{model.__name__}.{name}"
