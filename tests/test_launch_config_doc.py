"""launch-config.yaml: building, rendering and checking against the Launch agent's config keys (pure Python)."""

from __future__ import annotations

import pytest
import yaml

from wandb_cdktf.launch_config import (
    LaunchConfigError,
    build_launch_config,
    helm_values,
    render_yaml,
    validate_launch_config,
)

AWS_DEST = "123456789012.dkr.ecr.us-west-2.amazonaws.com/wbtest-launch"
GCP_DEST = "us-central1-docker.pkg.dev/my-proj-1/wbtest-launch/launch"
ACR_DEST = "wbtestlaunch.azurecr.io/launch"


def _doc(**over):
    doc = {
        "environment": {"type": "aws", "region": "us-west-2"},
        "builder": {"type": "kaniko", "destination": AWS_DEST, "build-context-store": "s3://bucket/build-contexts"},
    }
    doc.update(over)
    return doc


@pytest.mark.parametrize(
    "env,region,project,dest,store",
    [
        ("aws", "us-west-2", None, AWS_DEST, "s3://b/build-contexts"),
        ("gcp", "us-central1", "my-proj-1", GCP_DEST, "gs://b/build-contexts"),
        ("azure", "eastus", None, ACR_DEST, "https://acct.blob.core.windows.net/build-contexts"),
    ],
)
def test_build_render_roundtrip_per_cloud(env, region, project, dest, store):
    doc = build_launch_config(environment=env, region=region, project=project, builder="kaniko", destination=dest,
                              build_context_store=store, queues=["q1"], entity="team", max_jobs=3)
    text = render_yaml(doc)
    parsed = yaml.safe_load(text)
    assert parsed == doc
    assert parsed["environment"]["type"] == env
    assert parsed["builder"]["build-context-store"] == store
    validate_launch_config(parsed)  # strict: no placeholders


def test_docker_and_noop_builders_drop_what_they_do_not_use():
    docker = build_launch_config(environment="aws", region="us-west-2", builder="docker", destination=AWS_DEST,
                                 build_context_store="s3://b/x")
    assert docker["builder"] == {"type": "docker", "destination": AWS_DEST}
    noop = build_launch_config(environment="aws", region="us-west-2", builder="noop", destination=AWS_DEST,
                               build_context_store="s3://b/x")
    assert noop["builder"] == {"type": "noop"}
    assert "queues" not in noop and "entity" not in noop


@pytest.mark.parametrize(
    "doc,match",
    [
        (_doc(extra=1), "unknown top-level key"),
        (_doc(environment={"type": "onprem", "region": "x"}), "environment.type must be one of aws, gcp, azure"),
        (_doc(environment={"type": "aws"}), "environment.region"),
        (_doc(builder={"type": "buildah", "destination": AWS_DEST}), "builder.type must be one of docker, kaniko, noop"),
        (_doc(builder={"type": "kaniko", "destination": AWS_DEST}), "build-context-store is required"),
        (_doc(builder={"type": "kaniko", "destination": AWS_DEST, "build-context-store": "gs://b/x"}), r"s3://<bucket>"),
        (_doc(builder={"type": "docker"}), "destination is required"),
        (_doc(builder={"type": "docker", "destination": AWS_DEST, "build-context-store": "s3://b"}), "only used by the kaniko"),
        (_doc(builder={"type": "docker", "destination": GCP_DEST}), "must look like <account>.dkr.ecr"),
        (_doc(builder={"type": "docker", "destination": AWS_DEST.replace("us-west-2", "eu-west-1")}), "region 'eu-west-1'"),
        (_doc(builder={"type": "docker", "destination": AWS_DEST + ":v1"}), "must look like"),
        (_doc(builder={"type": "noop", "secret": "x"}), "unknown builder key"),
        ({"environment": {"type": "gcp", "region": "us-central1"}, "builder": {"type": "noop"}}, "environment.project"),
        ({"environment": {"type": "gcp", "region": "us-central1", "project": "other-proj"},
          "builder": {"type": "docker", "destination": GCP_DEST}}, "project 'my-proj-1'"),
        ({"environment": {"type": "gcp", "region": "us-central1", "project": "my-proj-1"},
          "builder": {"type": "docker", "destination": "us-central1-docker.pkg.dev/my-proj-1/repo"}}, "must look like"),
        ({"environment": {"type": "azure", "region": "eastus"},
          "builder": {"type": "kaniko", "destination": ACR_DEST, "build-context-store": "https://acct.blob.core.windows.net"}},
         "blob.core.windows.net/<container>"),
        (_doc(queues="q1"), "queues must be a list"),
    ],
)
def test_validation_rejects_what_the_agent_rejects(doc, match):
    with pytest.raises(LaunchConfigError, match=match):
        validate_launch_config(doc)


def test_unresolved_values_only_pass_when_allowed():
    doc = _doc(builder={"type": "kaniko", "destination": "${aws_ecr_repository.r.registry_id}.dkr.ecr.us-west-2.amazonaws.com/x",
                        "build-context-store": "s3://${aws_s3_bucket.b.bucket}/build-contexts"})
    validate_launch_config(doc, allow_unresolved=True)
    with pytest.raises(LaunchConfigError, match="not resolved"):
        validate_launch_config(doc)
    # a placeholder does not excuse a wrong shape
    bad = _doc(builder={"type": "kaniko", "destination": AWS_DEST, "build-context-store": "gs://${x.y}/c"})
    with pytest.raises(LaunchConfigError, match="s3://"):
        validate_launch_config(bad, allow_unresolved=True)


def test_render_quotes_strings_so_odd_values_survive():
    doc = {"queues": ["yes", "123", "a: b", "${x.y}"], "entity": "#team", "max_jobs": -1}
    assert yaml.safe_load(render_yaml(doc)) == doc


def test_helm_values_embed_launch_config_as_literal_block():
    text = render_yaml(build_launch_config(environment="aws", region="us-west-2", builder="kaniko",
                                           destination=AWS_DEST, build_context_store="s3://b/c", queues=["q"]))
    values = yaml.safe_load(helm_values(text, namespace="wandb", base_url="https://wandb.example.com",
                                        service_account_annotations={"eks.amazonaws.com/role-arn": "arn:aws:iam::1:role/r"},
                                        agent_labels={"azure.workload.identity/use": "true"}))
    assert values["launchConfig"] == text
    assert values["namespace"] == "wandb"
    assert values["baseUrl"] == "https://wandb.example.com"
    assert values["serviceAccount"]["annotations"] == {"eks.amazonaws.com/role-arn": "arn:aws:iam::1:role/r"}
    assert values["agent"]["labels"] == {"azure.workload.identity/use": "true"}
    assert "apiKey" not in str(values)
