"""Kubernetes and Helm providers configured from an EKS cluster's endpoint and CA.

Authentication uses ``aws eks get-token`` at plan/apply time (the AWS CLI must be
installed where Terraform runs), so no token is stored in state and the infra
stack can be planned before the cluster exists.
"""

from __future__ import annotations

from typing import Any

from cdktf import Fn
from constructs import Construct

from ..._providers import helm, kubernetes

EXEC_API_VERSION = "client.authentication.k8s.io/v1beta1"


def eks_exec(cluster_name: str, region: str) -> dict[str, Any]:
    return {
        "api_version": EXEC_API_VERSION,
        "command": "aws",
        "args": ["eks", "get-token", "--cluster-name", cluster_name, "--region", region, "--output", "json"],
    }


def kubernetes_provider(scope: Construct, *, endpoint: str, ca_data: str, cluster_name: str, region: str) -> Any:
    return kubernetes.provider.KubernetesProvider(
        scope, "kubernetes", host=endpoint, cluster_ca_certificate=Fn.base64decode(ca_data),
        exec=[kubernetes.provider.KubernetesProviderExec(**eks_exec(cluster_name, region))],
    )


def helm_provider(scope: Construct, *, endpoint: str, ca_data: str, cluster_name: str, region: str) -> Any:
    return helm.provider.HelmProvider(
        scope, "helm",
        kubernetes=helm.provider.HelmProviderKubernetes(
            host=endpoint, cluster_ca_certificate=Fn.base64decode(ca_data),
            exec=helm.provider.HelmProviderKubernetesExec(**eks_exec(cluster_name, region)),
        ),
    )
