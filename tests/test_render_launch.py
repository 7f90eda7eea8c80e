"""The Launch stacks' ``helm_values`` output through the real ``wandb/launch-agent`` chart (issue 26 item 6).

Each Launch example is synthesized; its ``helm_values`` output (what docs/launch.md tells users to pass with
``helm upgrade --install <release> wandb/launch-agent -f values.yaml``) is sampled like any cross-stack value
(tests/_render_support.py) and rendered with the one value it leaves to the user, ``agent.apiKey`` (the chart
requires it). Checked: the agent runs as the service account our cloud identity trusts, carrying the identity
annotation (EKS IRSA ``eks.amazonaws.com/role-arn``; GKE Workload Identity ``iam.gke.io/gcp-service-account``;
Azure Workload Identity ``azure.workload.identity/client-id`` plus the pod label ``azure.workload.identity/use``),
and its launch config carries the builder settings our stack built.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

import _render_support as r
from _support import REPO, synth_file
from wandb_cdktf.config import load_config

pytestmark = pytest.mark.slow

EXAMPLES = ("launch-aws", "launch-gcp", "launch-azure")
KUBE = r.EXTERNAL_CLUSTER_MINOR  # the agent's cluster is the user's: rendered at the newest minor cached
IDENTITY = {"aws": "eks.amazonaws.com/role-arn", "gcp": "iam.gke.io/gcp-service-account",
            "azure": "azure.workload.identity/client-id"}


@pytest.fixture(scope="module", params=EXAMPLES)
def launch(request: pytest.FixtureRequest) -> dict[str, Any]:
    path = REPO / "examples" / f"{request.param}.yaml"
    synth = synth_file(path)
    [stack_id] = [s for s in synth.stacks if s.endswith(request.param)]
    stack = synth.stack(stack_id)
    samples = r.infra_samples({stack_id: stack})[stack_id]
    values = yaml.safe_load(samples["helm_values"])
    config = load_config(path)
    assert config.launch is not None
    release = config.launch.agent_release_name
    objects = r.helm_template(r.chart_archive(*r.LAUNCH_AGENT_CHART), release, values["namespace"], KUBE, [values],
                              [("agent.apiKey", "sample-api-key")])
    return {"cloud": request.param.removeprefix("launch-"), "stack": stack, "samples": samples, "values": values,
            "objects": objects, "config": config}


def test_every_object_is_valid(launch: dict[str, Any]) -> None:
    assert r.validation_errors(launch["objects"], KUBE) == []


def test_agent_runs_as_the_service_account_our_identity_trusts(launch: dict[str, Any]) -> None:
    objects, samples = launch["objects"], launch["samples"]
    [deployment] = r.by_kind(objects, "Deployment").values()
    spec = r.pod_spec(deployment)
    namespace, name = samples["service_account"].split("/")
    assert spec["serviceAccountName"] == name and deployment["metadata"]["namespace"] == namespace
    account = r.by_kind(objects, "ServiceAccount")[name]
    annotation = account["metadata"]["annotations"][IDENTITY[launch["cloud"]]]
    identity = {"aws": "role_arn", "gcp": "service_account_email", "azure": "client_id"}[launch["cloud"]]
    assert annotation == samples[identity]
    text = str(launch["stack"]["resource"])
    if launch["cloud"] == "gcp":  # roles/iam.workloadIdentityUser for <project>.svc.id.goog[<ns>/<sa>]
        assert f"svc.id.goog[{namespace}/{name}]" in text
    else:  # the IRSA trust policy's / the federated credential's subject
        assert set(re.findall(r"system:serviceaccount:[a-z0-9.-]+:[a-z0-9.-]+", text)) == {
            f"system:serviceaccount:{namespace}:{name}"}
    if launch["cloud"] == "azure":  # Azure Workload Identity injects the token only into pods with this label
        assert deployment["spec"]["template"]["metadata"]["labels"].get("azure.workload.identity/use") == "true"


def test_launch_config_carries_our_builder(launch: dict[str, Any]) -> None:
    objects, samples = launch["objects"], launch["samples"]
    [config_map] = [c for c in r.by_kind(objects, "ConfigMap").values() if "launch-config.yaml" in (c.get("data") or {})]
    doc = yaml.safe_load(config_map["data"]["launch-config.yaml"])
    launch_config = launch["config"].launch
    assert doc["builder"]["type"] == launch_config.builder
    assert doc["builder"]["destination"] == samples["repository_url"]
    assert doc["builder"]["build-context-store"] == samples["build_context_store"]
    assert doc["queues"] == list(launch_config.queues) and doc["environment"]["type"] == launch["cloud"]
    [deployment] = r.by_kind(objects, "Deployment").values()
    env = r.resolve_env(deployment, "launch-agent", objects)
    assert env["WANDB_BASE_URL"] == launch["values"]["baseUrl"]
    assert env["WANDB_API_KEY"] == "sample-api-key"


def test_examples_are_the_launch_examples() -> None:
    assert {p.stem for p in Path(REPO / "examples").glob("launch-*.yaml")} == set(EXAMPLES)
