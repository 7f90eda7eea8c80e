"""The controllers ``<ns>-operator`` installs, rendered with our values through their real charts (issue 26 item 3;
issue 25 item 1): what each needs from us is there.

- aws-load-balancer-controller: the Deployment runs as the service account our IRSA role trusts, annotated with
  that role (EKS user guide, "IAM roles for service accounts": the role's trust policy names
  ``system:serviceaccount:<namespace>:<name>`` as ``<issuer>:sub``).
- cluster-autoscaler: its ClusterRole grants what its image release needs (config.autoscaler.RBAC_NEEDS), for
  every minor the pinned chart is verified at.
- external-dns: domain filter, zone filter, ownership (TXT owner id) and policy as we set them.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest

import _render_support as r
from _support import make_config
from wandb_cdktf.config import ConfigError, config_from_mapping
from wandb_cdktf.config import autoscaler as ca

pytestmark = pytest.mark.slow

NAMES = sorted(r.CONFIGS) + sorted(r.HIDDEN_CONFIGS)
AUTOSCALED = [n for n in NAMES if r.load(n).external_eks_cluster_name is None]
"""Configurations that build the cluster (and so its autoscaler, constructs.aws.cluster_autoscaler)."""
EXTERNAL_DNS = [n for n in NAMES if r.load(n).external_dns]


@pytest.fixture(scope="module")
def rendered() -> Callable[[str], r.Rendered]:
    return r.render_cache()


def _service_account(objects: list[dict[str, Any]]) -> tuple[dict[str, Any], dict[str, Any]]:
    """(the controller's Deployment, the ServiceAccount it runs as, which the chart must render)."""
    [deployment] = r.by_kind(objects, "Deployment").values()
    name = r.pod_spec(deployment)["serviceAccountName"]
    accounts = r.by_kind(objects, "ServiceAccount")
    assert name in accounts, f"{deployment['metadata']['name']} runs as {name}, which the chart does not render"
    return deployment, accounts[name]


def _trusted_subjects(got: r.Rendered, role_arn: str) -> set[str]:
    """The ``:sub`` values of the infra IAM role whose (sampled) ARN is ``role_arn``."""
    infra = got.synth.stack(got.stack_id.removesuffix("-operator") + "-infra")
    roles = [role for key, role in infra["resource"]["aws_iam_role"].items()
             if r.sample_for("aws_iam_role", key, "arn") == role_arn]
    assert len(roles) == 1, f"no single infra role has the sampled ARN {role_arn}"
    # The policy is JSON around Terraform interpolations that hold quotes (the issuer's `replace(...)`), so it is
    # read textually: the subjects are the StringEquals `<issuer>:sub` values.
    policy = roles[0]["assume_role_policy"]
    assert ":sub" in policy and "sts:AssumeRoleWithWebIdentity" in policy
    subjects = set(re.findall(r'"(system:serviceaccount:[a-z0-9.-]+:[a-z0-9.-]+)"', policy))
    return subjects


def _assert_irsa(got: r.Rendered, objects: list[dict[str, Any]], namespace: str) -> dict[str, Any]:
    deployment, account = _service_account(objects)
    role = account["metadata"]["annotations"]["eks.amazonaws.com/role-arn"]
    subject = f"system:serviceaccount:{namespace}:{account['metadata']['name']}"
    assert subject in _trusted_subjects(got, role), (subject, role)
    return deployment


@pytest.mark.parametrize("name", NAMES)
def test_load_balancer_controller_runs_as_the_account_our_irsa_role_trusts(rendered: Callable[[str], r.Rendered],
                                                                           name: str) -> None:
    got = rendered(name)
    objects = got.objects["aws-load-balancer-controller"]
    deployment = _assert_irsa(got, objects, got.releases["aws-load-balancer-controller"].namespace)
    args = r.pod_spec(deployment)["containers"][0]["args"]
    cluster = got.releases["aws-load-balancer-controller"].values[0]["clusterName"]
    assert f"--cluster-name={cluster}" in args
    assert cluster == r.find_sample(got.samples, "dataaws_eks_cluster" if got.config.external_eks_cluster_name
                                    else "aws_eks_cluster", "name")


@pytest.mark.parametrize("name", AUTOSCALED)
def test_cluster_autoscaler_cluster_role_grants_what_its_release_needs(rendered: Callable[[str], r.Rendered],
                                                                       name: str) -> None:
    """Review 2 (AWS) #1: chart 9.46.0's ClusterRole lacked storage.k8s.io/volumeattachments, which the autoscaler
    waits for from 1.32 on (kubernetes/autoscaler #7663): a pod that is Ready and never scales."""
    got = rendered(name)
    objects = got.objects["cluster-autoscaler"]
    deployment = _assert_irsa(got, objects, got.releases["cluster-autoscaler"].namespace)
    image = r.pod_spec(deployment)["containers"][0]["image"]
    assert image.endswith(f":{got.config.cluster_autoscaler_tag}")
    assert _missing_rules(objects, ca.image_minor(got.config.cluster_autoscaler_tag)) == []


def _missing_rules(objects: list[dict[str, Any]], minor: int) -> list[str]:
    [role] = r.by_kind(objects, "ClusterRole").values()
    granted = {(group, resource, verb) for rule in role["rules"] for group in rule.get("apiGroups", [])
               for resource in rule.get("resources", []) for verb in rule.get("verbs", [])}
    return [f"{n.api_group}/{res} {verb}" for n in ca.needs_for(minor) for res in n.resources for verb in n.verbs
            if (n.api_group, res, verb) not in granted]


@pytest.fixture(scope="module")
def autoscaler_values(rendered: Callable[[str], r.Rendered]) -> r.Release:
    return rendered("default").releases["cluster-autoscaler"]


@pytest.mark.parametrize("minor", ca.VERIFIED_MINORS)
def test_pinned_autoscaler_chart_serves_every_verified_minor(autoscaler_values: r.Release, minor: int) -> None:
    """The table of config.autoscaler, checked against the pinned chart's rendered ClusterRole: our values with the
    autoscaler release of that minor (cluster_autoscaler_tag: v<minor>.0), rendered at that Kubernetes minor."""
    values = [{**autoscaler_values.values[0], "image": {"tag": f"v1.{minor}.0"}}]
    assert autoscaler_values.version == ca.DEFAULT_CHART
    objects = r.helm_template(r.chart_archive("cluster-autoscaler", ca.DEFAULT_CHART), autoscaler_values.name,
                              autoscaler_values.namespace, f"1.{minor}", values)
    assert _missing_rules(objects, minor) == []
    assert r.validation_errors(objects, f"1.{minor}") == []


def test_chart_9_46_0_is_refused_for_the_releases_it_cannot_run(autoscaler_values: r.Release) -> None:
    """The table's first entry against the real chart: 9.46.0's ClusterRole has no volumeattachments
    (templates/clusterrole.yaml), so it is refused from autoscaler 1.32 on with one line naming the option."""
    objects = r.helm_template(r.chart_archive("cluster-autoscaler", "9.46.0"), autoscaler_values.name,
                              autoscaler_values.namespace, "1.33",
                              [{**autoscaler_values.values[0], "image": {"tag": "v1.33.0"}}])
    assert _missing_rules(objects, 33) == ["storage.k8s.io/volumeattachments get", "storage.k8s.io/volumeattachments list",
                                           "storage.k8s.io/volumeattachments watch"]
    assert _missing_rules(objects, 31) == []
    with pytest.raises(ConfigError) as err:
        config_from_mapping(make_config(eks_cluster_version="1.35", cluster_autoscaler_chart_version="9.46.0"))
    assert str(err.value).startswith("config error: cluster_autoscaler_chart_version: ") and "\n" not in str(err.value)
    with pytest.raises(ConfigError, match=r"cluster_autoscaler_chart_version: .*resource\.k8s\.io"):
        config_from_mapping(make_config(eks_cluster_version="1.35", cluster_autoscaler_chart_version="9.50.0"))


@pytest.mark.parametrize("name", EXTERNAL_DNS)
def test_external_dns_manages_our_zone_and_owns_its_records(rendered: Callable[[str], r.Rendered], name: str) -> None:
    """external-dns flags (docs/flags.md of external-dns 0.18): --domain-filter and --zone-id-filter limit what it
    touches, --txt-owner-id marks the records it owns, --policy=sync deletes them with the Ingress."""
    got, c = rendered(name), rendered(name).config
    objects = got.objects["external-dns"]
    deployment = _assert_irsa(got, objects, got.releases["external-dns"].namespace)
    args = r.pod_spec(deployment)["containers"][0]["args"]
    domain = c.custom_domain_filter or c.domain_name
    assert [a for a in args if a.startswith("--domain-filter=")] == [f"--domain-filter={domain}"]
    assert f"--zone-id-filter={c.zone_id}" in args
    assert f"--txt-owner-id={c.namespace}" in args and "--policy=sync" in args and "--provider=aws" in args
    assert {"--source=ingress", "--source=service"} <= set(args)
    assert c.fqdn.endswith(domain)
